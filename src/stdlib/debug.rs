//! The `debug` library: introspection over the VM's frames, prototypes and upvalues.
//!
//! Levels count like Lua's: level 1 is the function that called the debug function.
//! `getinfo` fills every field whatever the option string asks (extra fields are
//! harmless); `currentline` is -1 for natives and for the function form.
//! Hooks are not supported: `sethook` records its arguments so `gethook` returns them,
//! but hooks never fire (the interpreter has no per-line or per-count hook; limits for
//! untrusted code live in `crate::embed::limits`). `upvalueid` returns a number (the
//! upvalue's address) instead of a light userdata, which skein does not have.
//! `debug.debug` reads commands from standard input until "cont".
//!
//! Rules for whoever changes this file: never index frames or upvalues without a bounds
//! check; bad levels and indices give nil (or Lua's "level out of range"), never a panic.
#![warn(missing_docs)]

use super::set_field;
use crate::vm::debug::{local_name, slot_name};
use crate::vm::object::{FrameKind, FuncKind};
use crate::vm::value::{LuaType, Value};
use crate::vm::{Lua, LuaError};

/// Installs the `debug` table.
pub fn open(l: &mut Lua) {
    super::new_lib(
        l,
        "debug",
        &[
            ("traceback", traceback),
            ("getinfo", getinfo),
            ("getlocal", getlocal),
            ("setlocal", setlocal),
            ("getupvalue", getupvalue),
            ("setupvalue", setupvalue),
            ("upvalueid", upvalueid),
            ("upvaluejoin", upvaluejoin),
            ("getmetatable", getmetatable),
            ("setmetatable", setmetatable),
            ("getregistry", getregistry),
            ("getfenv", getfenv),
            ("setfenv", setfenv),
            ("sethook", sethook),
            ("gethook", gethook),
            ("debug", debug_loop),
        ],
    );
}

fn traceback(l: &mut Lua) -> Result<usize, LuaError> {
    let msg = l.arg(1);
    if !msg.is_nil() && !msg.is_str() && !msg.is_num() {
        l.push(msg);
        return Ok(1);
    }
    let level = l.opt_int(2, 1)?.max(0) as usize;
    let mut text = Vec::new();
    if !msg.is_nil() {
        text.extend_from_slice(&l.tostring_raw(msg));
        text.push(b'\n');
    }
    text.extend_from_slice(l.traceback_string(level).as_bytes());
    l.push_str(&text);
    Ok(1)
}

/// The frame index for `level` (1 = caller of the running native).
fn frame_index(l: &Lua, level: i64) -> Option<usize> {
    let n = l.th().frames.len();
    if level < 0 {
        return None;
    }
    n.checked_sub(1 + level as usize)
}

/// `t[k] = v` for a string key.
fn put(l: &mut Lua, t: crate::vm::TabRef, k: &str, v: Value) {
    set_field(l, t, k, v);
}

fn put_str(l: &mut Lua, t: crate::vm::TabRef, k: &str, s: &str) {
    let v = l.str_value(s.as_bytes());
    set_field(l, t, k, v);
}

/// Fills the fields describing function `f`.
fn describe_function(l: &mut Lua, t: crate::vm::TabRef, f: Value) {
    match f.as_func().map(|c| c.kind()) {
        Some(FuncKind::Lua { proto, upvals }) => {
            let d = &proto.debug;
            let src = d.chunkname.clone();
            let short = super::chunkname::short_src(&src);
            let v = l.str_value(&src);
            put(l, t, "source", v);
            let v = l.str_value(&short);
            put(l, t, "short_src", v);
            let main = d.firstline == 0;
            put_str(l, t, "what", if main { "main" } else { "Lua" });
            put(l, t, "linedefined", Value::num(d.firstline as f64));
            put(
                l,
                t,
                "lastlinedefined",
                Value::num((d.firstline + d.numline) as f64),
            );
            put(l, t, "nups", Value::num(upvals.len() as f64));
        }
        Some(FuncKind::Native { upvals, .. }) => {
            put_str(l, t, "source", "=[C]");
            put_str(l, t, "short_src", "[C]");
            put_str(l, t, "what", "C");
            put(l, t, "linedefined", Value::num(-1.0));
            put(l, t, "lastlinedefined", Value::num(-1.0));
            put(l, t, "nups", Value::num(upvals.len() as f64));
        }
        None => {}
    }
    put(l, t, "func", f);
}

/// The name and kind under which frame `i` was called.
fn call_name(l: &Lua, i: usize) -> Option<(&'static str, String)> {
    let th = l.th();
    let caller = *th.frames.get(i.checked_sub(1)?)?;
    if caller.kind == FrameKind::Native {
        return None;
    }
    let p = th
        .stack
        .get(caller.base as usize - 2)?
        .as_func()?
        .lua_proto()?;
    let pc = (caller.pc as usize).checked_sub(1)?;
    let ins = *p.bc.get(pc)?;
    use crate::bc::{self, Op};
    match bc::op(ins) {
        Op::CALL | Op::CALLM | Op::CALLT | Op::CALLMT => slot_name(&p, pc, bc::a(ins)),
        _ => None,
    }
}

fn getinfo(l: &mut Lua) -> Result<usize, LuaError> {
    let target = l.arg(1);
    let t = l.new_table(0, 12);
    if target.is_func() {
        describe_function(l, t, target);
        put(l, t, "currentline", Value::num(-1.0));
        l.push(Value::tab(t));
        return Ok(1);
    }
    let level = l.check_int(1)?;
    let Some(i) = frame_index(l, level) else {
        l.push(Value::NIL);
        return Ok(1);
    };
    let fr = l.th().frames[i];
    let f = l.th().stack[fr.base as usize - 2];
    describe_function(l, t, f);
    let line = match f.as_func().and_then(|c| c.lua_proto()) {
        Some(p) if fr.kind != FrameKind::Native => {
            p.debug.line_of((fr.pc as usize).saturating_sub(1)) as f64
        }
        _ => -1.0,
    };
    put(l, t, "currentline", Value::num(line));
    match call_name(l, i) {
        Some((kind, name)) => {
            put_str(l, t, "name", &name);
            put_str(l, t, "namewhat", kind);
        }
        None => put_str(l, t, "namewhat", ""),
    }
    l.push(Value::tab(t));
    Ok(1)
}

/// The slot index and name of local `n` in the frame at `level`.
fn local_slot(l: &mut Lua, level: i64, n: i64) -> Result<Option<(usize, String)>, LuaError> {
    let Some(i) = frame_index(l, level) else {
        return Err(l.arg_error(1, "level out of range"));
    };
    let fr = l.th().frames[i];
    let f = l.th().stack[fr.base as usize - 2];
    let Some(p) = f.as_func().and_then(|c| c.lua_proto()) else {
        return Ok(None);
    };
    if n < 1 || fr.kind == FrameKind::Native {
        return Ok(None);
    }
    let pc = (fr.pc as usize).saturating_sub(1);
    Ok(local_name(&p, pc, (n - 1) as u32).map(|name| (fr.base as usize + n as usize - 1, name)))
}

fn getlocal(l: &mut Lua) -> Result<usize, LuaError> {
    let level = l.check_int(1)?;
    let n = l.check_int(2)?;
    match local_slot(l, level, n)? {
        Some((slot, name)) => {
            let v = l.th().stack.get(slot).copied().unwrap_or(Value::NIL);
            l.push_str(name.as_bytes());
            l.push(v);
            Ok(2)
        }
        None => {
            l.push(Value::NIL);
            Ok(1)
        }
    }
}

fn setlocal(l: &mut Lua) -> Result<usize, LuaError> {
    let level = l.check_int(1)?;
    let n = l.check_int(2)?;
    let v = l.arg(3);
    match local_slot(l, level, n)? {
        Some((slot, name)) => {
            if let Some(s) = l.th().stack.get_mut(slot) {
                *s = v;
            }
            l.push_str(name.as_bytes());
        }
        None => l.push(Value::NIL),
    }
    Ok(1)
}

/// Name and current value of upvalue `n` of `f`.
fn upvalue(f: Value, n: i64) -> Option<(Vec<u8>, Value)> {
    let c = f.as_func()?;
    let idx = usize::try_from(n).ok()?.checked_sub(1)?;
    match c.kind() {
        FuncKind::Lua { proto, upvals } => {
            let u = upvals.get(idx)?;
            let name = proto
                .debug
                .uvnames
                .get(idx)
                .map(|n| n.to_vec())
                .unwrap_or_default();
            Some((name, u.get()))
        }
        FuncKind::Native { upvals, .. } => Some((Vec::new(), *upvals.get(idx)?)),
    }
}

fn check_function(l: &mut Lua, i: usize) -> Result<Value, LuaError> {
    let f = l.arg(i);
    if f.is_func() {
        Ok(f)
    } else {
        Err(l.type_error(i, "function"))
    }
}

fn getupvalue(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_function(l, 1)?;
    let n = l.check_int(2)?;
    match upvalue(f, n) {
        Some((name, v)) => {
            l.push_str(&name);
            l.push(v);
            Ok(2)
        }
        None => Ok(0),
    }
}

fn setupvalue(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_function(l, 1)?;
    let n = l.check_int(2)?;
    let v = l.check_any(3)?;
    let Some((name, _)) = upvalue(f, n) else {
        return Ok(0);
    };
    let idx = (n - 1) as usize;
    if let Some(c) = f.as_func() {
        match &mut c.get_mut().kind {
            FuncKind::Lua { upvals, .. } => {
                if let Some(u) = upvals.get(idx) {
                    u.get_mut().set(v);
                }
            }
            FuncKind::Native { upvals, .. } => {
                if let Some(s) = upvals.get_mut(idx) {
                    *s = v;
                }
            }
        }
    }
    l.push_str(&name);
    Ok(1)
}

fn upvalueid(l: &mut Lua) -> Result<usize, LuaError> {
    let f = check_function(l, 1)?;
    let n = l.check_int(2)?;
    let idx = usize::try_from(n).ok().and_then(|n| n.checked_sub(1));
    let id = match (f.as_func().map(|c| c.kind()), idx) {
        (Some(FuncKind::Lua { upvals, .. }), Some(i)) => upvals.get(i).map(|u| u.addr()),
        _ => None,
    };
    match id {
        Some(a) => {
            l.push_num(a as f64);
            Ok(1)
        }
        None => Err(l.arg_error(2, "invalid upvalue index")),
    }
}

fn upvaluejoin(l: &mut Lua) -> Result<usize, LuaError> {
    let f1 = check_function(l, 1)?;
    let n1 = l.check_int(2)?;
    let f2 = check_function(l, 3)?;
    let n2 = l.check_int(4)?;
    let src = match (f2.as_func().map(|c| c.kind()), usize::try_from(n2 - 1)) {
        (Some(FuncKind::Lua { upvals, .. }), Ok(i)) => upvals.get(i).copied(),
        _ => None,
    };
    let Some(src) = src else {
        return Err(l.arg_error(4, "invalid upvalue index"));
    };
    let ok = match (f1.as_func(), usize::try_from(n1 - 1)) {
        (Some(c), Ok(i)) => match &mut c.get_mut().kind {
            FuncKind::Lua { upvals, .. } if i < upvals.len() => {
                upvals[i] = src;
                true
            }
            _ => false,
        },
        _ => false,
    };
    if !ok {
        return Err(l.arg_error(2, "invalid upvalue index"));
    }
    Ok(0)
}

fn getmetatable(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.check_any(1)?;
    match l.metatable_of(v) {
        Some(mt) => l.push(Value::tab(mt)),
        None => l.push(Value::NIL),
    }
    Ok(1)
}

fn setmetatable(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    let mt = l.arg(2);
    if !mt.is_nil() && !mt.is_tab() {
        return Err(l.type_error(2, "nil or table"));
    }
    let mt = mt.as_tab();
    if let Some(t) = v.as_tab() {
        t.get_mut().meta = mt;
    } else if let Some(u) = v.as_udata() {
        u.get_mut().meta = mt;
    } else {
        let ty = v.type_of();
        if (ty as usize) < l.type_meta.len() {
            l.type_meta[ty as usize] = mt;
        }
    }
    l.push(v);
    Ok(1)
}

fn getregistry(l: &mut Lua) -> Result<usize, LuaError> {
    let r = Value::tab(l.registry);
    l.push(r);
    Ok(1)
}

fn getfenv(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    let env = if let Some(c) = v.as_func() {
        Value::tab(c.env)
    } else if let Some(u) = v.as_udata() {
        u.env.map_or(Value::NIL, Value::tab)
    } else if v.type_of() == LuaType::Thread {
        Value::tab(l.globals)
    } else {
        Value::NIL
    };
    l.push(env);
    Ok(1)
}

fn setfenv(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    let Some(env) = l.arg(2).as_tab() else {
        return Err(l.type_error(2, "table"));
    };
    if let Some(c) = v.as_func() {
        c.get_mut().env = env;
    } else if let Some(u) = v.as_udata() {
        u.get_mut().env = Some(env);
    } else {
        return Err(l.error_msg_level(1, "'setfenv' cannot change environment of given object"));
    }
    l.push(v);
    Ok(1)
}

fn sethook(l: &mut Lua) -> Result<usize, LuaError> {
    // Hooks never fire (see the module comment); remember them for gethook.
    let reg = l.registry;
    let (f, mask, count) = (l.arg(1), l.arg(2), l.arg(3));
    let t = l.new_table(3, 0);
    t.get_mut().set_int(1, f);
    t.get_mut().set_int(2, mask);
    t.get_mut().set_int(3, count);
    set_field(
        l,
        reg,
        "_HOOK",
        if f.is_nil() {
            Value::NIL
        } else {
            Value::tab(t)
        },
    );
    Ok(0)
}

fn gethook(l: &mut Lua) -> Result<usize, LuaError> {
    let reg = l.registry;
    let h = super::get_field(l, reg, "_HOOK");
    match h.as_tab() {
        Some(t) => {
            for i in 1..=3 {
                let v = t.get_int(i);
                l.push(v);
            }
            Ok(3)
        }
        None => {
            l.push(Value::NIL);
            l.push_str(b"");
            l.push_num(0.0);
            Ok(3)
        }
    }
}

fn debug_loop(l: &mut Lua) -> Result<usize, LuaError> {
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    loop {
        l.flush_out();
        let _ = write!(std::io::stderr(), "lua_debug> ");
        let mut line = String::new();
        if stdin.lock().read_line(&mut line).unwrap_or(0) == 0 {
            return Ok(0);
        }
        let line = line.trim_end();
        if line == "cont" {
            return Ok(0);
        }
        if let Err(e) = l.exec(line.as_bytes(), b"=(debug command)") {
            let msg = l.error_text(&e);
            let _ = writeln!(std::io::stderr(), "{msg}");
        }
    }
}
