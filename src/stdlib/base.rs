//! The Lua 5.1 base library (`print`, `type`, `pcall`, `setmetatable`, ...) as LuaJIT 2.1
//! provides it, and [`open_libs`], which installs every library skein has so far.
//!
//! Natives follow the VM's calling convention: arguments via `Lua::arg`, results pushed
//! with `Lua::push`, the result count returned. `pcall`/`xpcall` are markers: the
//! interpreter runs them as frames (see `vm/interp.rs`), so their bodies never run.

use crate::vm::object::{Builtin, FuncKind};
use crate::vm::value::Value;
use crate::vm::{Lua, LuaError, MM};

/// Installs every standard library into `l` (kept for callers; see `stdlib::open_libs`).
pub fn open_libs(l: &mut Lua) {
    super::open_libs(l);
}

/// Installs the base library.
pub fn open_base(l: &mut Lua) {
    let g = Value::tab(l.globals);
    l.set_global("_G", g);
    let v = l.str_value(b"Lua 5.1");
    l.set_global("_VERSION", v);
    let next = l.native_with("next", lua_next, Builtin::Next, Vec::new());
    l.next_fn = next.as_func();
    l.set_global("next", next);
    let pcall = l.native_with("pcall", marker, Builtin::Pcall, Vec::new());
    l.set_global("pcall", pcall);
    let xpcall = l.native_with("xpcall", marker, Builtin::Xpcall, Vec::new());
    l.set_global("xpcall", xpcall);
    let ipairs_aux = l.native("ipairs_aux", ipairs_aux);
    let ipairs = l.native_with("ipairs", ipairs, Builtin::None, vec![ipairs_aux]);
    l.set_global("ipairs", ipairs);
    let pairs = l.native_with("pairs", pairs, Builtin::None, vec![next]);
    l.set_global("pairs", pairs);
    l.register("print", print);
    l.register("type", lua_type);
    l.register("tostring", tostring);
    l.register("tonumber", tonumber);
    l.register("select", select);
    l.register("rawget", rawget);
    l.register("rawset", rawset);
    l.register("rawequal", rawequal);
    l.register("setmetatable", setmetatable);
    l.register("getmetatable", getmetatable);
    l.register("assert", assert);
    l.register("error", error);
    l.register("unpack", unpack);
    l.register("load", load);
    l.register("loadstring", loadstring);
    l.register("loadfile", loadfile);
    l.register("dofile", dofile);
    l.register("getfenv", getfenv);
    l.register("setfenv", setfenv);
    l.register("collectgarbage", collectgarbage);
    l.register("newproxy", newproxy);
}

fn marker(_: &mut Lua) -> Result<usize, LuaError> {
    Ok(0)
}

fn print(l: &mut Lua) -> Result<usize, LuaError> {
    let n = l.nargs();
    let mut line = Vec::new();
    // As in Lua 5.1, print goes through the global `tostring` if a script replaced it.
    let ts = l.get_global("tostring");
    let builtin = matches!(
        ts.as_func().map(|f| f.kind()),
        Some(FuncKind::Native {
            name: "tostring",
            ..
        })
    );
    for i in 1..=n {
        if i > 1 {
            line.push(b'\t');
        }
        let v = l.arg(i);
        if !builtin {
            let r = l.call_value(ts, &[v], 1)?;
            match r.first().and_then(|r| r.as_str()) {
                Some(s) => line.extend_from_slice(s.as_bytes()),
                None => {
                    return Err(l.error_msg_level(1, "'tostring' must return a string to 'print'"))
                }
            }
            continue;
        }
        if let Some(s) = v.as_str() {
            line.extend_from_slice(s.as_bytes());
        } else if v.is_num() || l.metamethod(v, MM::Tostring).is_nil() {
            line.extend_from_slice(&l.tostring_raw(v));
        } else {
            let s = l.tostring(v)?;
            line.extend_from_slice(s.as_bytes());
        }
    }
    line.push(b'\n');
    l.write_out(&line);
    Ok(0)
}

fn lua_type(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.check_any(1)?;
    let s = l.str_value(v.type_name().as_bytes());
    l.push(s);
    Ok(1)
}

fn tostring(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.check_any(1)?;
    let s = l.tostring(v)?;
    l.push(Value::str(s));
    Ok(1)
}

fn tonumber(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.check_any(1)?;
    let base = l.arg(2);
    if base.is_nil() {
        let r = l.to_number(v).map(Value::num).unwrap_or(Value::NIL);
        l.push(r);
        return Ok(1);
    }
    let b = l.check_int(2)?;
    if !(2..=36).contains(&b) {
        return Err(l.arg_error(2, "base out of range"));
    }
    let s = l.check_str(1)?;
    let text = s.as_bytes();
    let t = text.trim_ascii();
    let (neg, digits) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        _ => (false, t),
    };
    let mut n: f64 = 0.0;
    let mut ok = !digits.is_empty();
    for &c in digits {
        match (c as char).to_digit(36) {
            Some(d) if (d as i64) < b => n = n * b as f64 + d as f64,
            _ => {
                ok = false;
                break;
            }
        }
    }
    l.push(if ok {
        Value::num(if neg { -n } else { n })
    } else {
        Value::NIL
    });
    Ok(1)
}

fn lua_next(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    match t.next(l.arg(2)) {
        Ok(Some((k, v))) => {
            l.push(k);
            l.push(v);
            Ok(2)
        }
        Ok(None) => {
            l.push(Value::NIL);
            Ok(1)
        }
        Err(_) => Err(l.error_msg("invalid key to 'next'")),
    }
}

fn pairs(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let next = l.native_upvals()[0];
    l.push(next);
    l.push(Value::tab(t));
    l.push(Value::NIL);
    Ok(3)
}

fn ipairs(l: &mut Lua) -> Result<usize, LuaError> {
    l.check_any(1)?;
    let t = l.check_table(1)?;
    let aux = l.native_upvals()[0];
    l.push(aux);
    l.push(Value::tab(t));
    l.push(Value::num(0.0));
    Ok(3)
}

fn ipairs_aux(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let i = l.check_int(2)? + 1;
    let v = t.get_int(i);
    if v.is_nil() {
        return Ok(0);
    }
    l.push(Value::num(i as f64));
    l.push(v);
    Ok(2)
}

fn select(l: &mut Lua) -> Result<usize, LuaError> {
    let n = l.nargs() as i64;
    let a = l.arg(1);
    if a.as_str().map(|s| s.as_bytes() == b"#") == Some(true) {
        l.push(Value::num((n - 1) as f64));
        return Ok(1);
    }
    let mut i = l.check_int(1)?;
    if i < 0 {
        i += n;
    } else if i == 0 {
        return Err(l.arg_error(1, "index out of range"));
    }
    if i < 1 {
        return Err(l.arg_error(1, "index out of range"));
    }
    let mut count = 0;
    for k in (i + 1)..=n {
        let v = l.arg(k as usize);
        l.push(v);
        count += 1;
    }
    Ok(count)
}

fn rawget(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let v = t.get(l.arg(2));
    l.push(v);
    Ok(1)
}

fn rawset(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let k = l.arg(2);
    if k.is_nil() || k.as_num().is_some_and(f64::is_nan) {
        return Err(l.key_error(k));
    }
    t.get_mut().set(k, l.arg(3));
    l.push(Value::tab(t));
    Ok(1)
}

fn rawequal(l: &mut Lua) -> Result<usize, LuaError> {
    let a = l.check_any(1)?;
    let b = l.check_any(2)?;
    l.push(Value::bool(a.raw_eq(b)));
    Ok(1)
}

fn setmetatable(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let mt = l.arg(2);
    if !mt.is_nil() && !mt.is_tab() {
        return Err(l.arg_error(2, "nil or table expected"));
    }
    if let Some(old) = t.meta {
        if !l.mt_lookup(old, MM::Metatable).is_nil() {
            return Err(l.error_msg_level(1, "cannot change a protected metatable"));
        }
    }
    t.get_mut().meta = mt.as_tab();
    l.push(Value::tab(t));
    Ok(1)
}

fn getmetatable(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.check_any(1)?;
    match l.metatable_of(v) {
        Some(mt) => {
            let protected = l.mt_lookup(mt, MM::Metatable);
            l.push(if protected.is_nil() {
                Value::tab(mt)
            } else {
                protected
            });
        }
        None => l.push(Value::NIL),
    }
    Ok(1)
}

fn assert(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.check_any(1)?;
    if v.truthy() {
        return Ok(l.nargs());
    }
    let msg = l.arg(2);
    if msg.is_nil() {
        return Err(l.error_msg_level(1, "assertion failed!"));
    }
    if msg.is_str() || msg.is_num() {
        let text = l.tostring_raw(msg);
        return Err(l.error_msg_level(1, &String::from_utf8_lossy(&text)));
    }
    Err(LuaError::Error(msg))
}

/// Natives return their own arguments by pushing them; `assert` returns all of them.
fn error(l: &mut Lua) -> Result<usize, LuaError> {
    let v = l.arg(1);
    let level = l.opt_int(2, 1)?;
    if (v.is_str() || v.is_num()) && level > 0 {
        let w = l.where_(level as usize);
        if !w.is_empty() {
            let mut text = w.into_bytes();
            text.extend_from_slice(&l.tostring_raw(v));
            return Err(LuaError::Error(l.str_value(&text)));
        }
    }
    Err(LuaError::Error(v))
}

fn unpack(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let i = l.opt_int(2, 1)?;
    let j = if l.arg(3).is_nil() {
        t.len() as i64
    } else {
        l.check_int(3)?
    };
    if i > j {
        return Ok(0);
    }
    let n = (j - i + 1) as u64;
    if n >= 8000 * 100 {
        return Err(l.error_msg_level(1, "too many results to unpack"));
    }
    for k in i..=j {
        let v = t.get_int(k);
        l.push(v);
    }
    Ok(n as usize)
}

fn load_result(l: &mut Lua, r: Result<Value, String>) -> usize {
    match r {
        Ok(f) => {
            l.push(f);
            1
        }
        Err(msg) => {
            l.push(Value::NIL);
            l.push_str(msg.as_bytes());
            2
        }
    }
}

fn load(l: &mut Lua) -> Result<usize, LuaError> {
    let chunk = l.arg(1);
    let mut src = Vec::new();
    if let Some(s) = chunk.as_str() {
        src.extend_from_slice(s.as_bytes());
    } else if chunk.is_func() {
        loop {
            let r = l.call_value(chunk, &[], 1)?;
            let piece = r.first().copied().unwrap_or(Value::NIL);
            match piece.as_str() {
                Some(s) if !s.as_bytes().is_empty() => src.extend_from_slice(s.as_bytes()),
                _ => break,
            }
        }
    } else {
        return Err(l.type_error(1, "function"));
    }
    let name = if l.arg(2).is_nil() {
        if chunk.is_str() {
            src.clone()
        } else {
            b"=(load)".to_vec()
        }
    } else {
        l.check_str(2)?.as_bytes().to_vec()
    };
    let r = l.load(&src, &name);
    Ok(load_result(l, r))
}

fn loadstring(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let name = if l.arg(2).is_nil() {
        s.as_bytes().to_vec()
    } else {
        l.check_str(2)?.as_bytes().to_vec()
    };
    let r = l.load(s.as_bytes(), &name);
    Ok(load_result(l, r))
}

/// Reads and compiles a file (`None`: standard input).
pub fn load_file(l: &mut Lua, name: Option<&[u8]>) -> Result<Value, String> {
    let (src, chunkname) = match name {
        Some(n) => {
            let path = String::from_utf8_lossy(n).into_owned();
            match std::fs::read(&path) {
                Ok(s) => (s, [b"@".as_slice(), n].concat()),
                Err(_) => return Err(format!("cannot open {path}")),
            }
        }
        None => {
            use std::io::Read;
            let mut s = Vec::new();
            if std::io::stdin().read_to_end(&mut s).is_err() {
                return Err("cannot read stdin".into());
            }
            (s, b"=stdin".to_vec())
        }
    };
    // Skip a leading "#" line, as lua and luajit do (keeping the newline so line
    // numbers stay right, unless what follows is a bytecode dump).
    let src = if src.first() == Some(&b'#') {
        let end = src.iter().position(|&c| c == b'\n').unwrap_or(src.len());
        if src.get(end + 1) == Some(&0x1b) {
            src[end + 1..].to_vec()
        } else {
            src[end..].to_vec()
        }
    } else {
        src
    };
    l.load(&src, &chunkname)
}

fn loadfile(l: &mut Lua) -> Result<usize, LuaError> {
    let name = if l.arg(1).is_nil() {
        None
    } else {
        Some(l.check_str(1)?.as_bytes().to_vec())
    };
    let r = load_file(l, name.as_deref());
    Ok(load_result(l, r))
}

fn dofile(l: &mut Lua) -> Result<usize, LuaError> {
    let name = if l.arg(1).is_nil() {
        None
    } else {
        Some(l.check_str(1)?.as_bytes().to_vec())
    };
    let f = match load_file(l, name.as_deref()) {
        Ok(f) => f,
        Err(msg) => return Err(l.error_msg(&msg)),
    };
    let r = l.call_value(f, &[], -1)?;
    let n = r.len();
    for v in r {
        l.push(v);
    }
    Ok(n)
}

/// The function at `level` (1 = caller of the native) for getfenv/setfenv.
fn fenv_target(l: &mut Lua, i: usize) -> Result<Option<Value>, LuaError> {
    let v = l.arg(i);
    if v.is_func() {
        return Ok(Some(v));
    }
    let level = if v.is_nil() { 1 } else { l.check_int(i)? };
    if level < 0 {
        return Err(l.arg_error(i, "level must be non-negative"));
    }
    if level == 0 {
        return Ok(None);
    }
    match l.function_at_level(level as usize) {
        Some(f) => Ok(Some(f)),
        None => Err(l.arg_error(i, "invalid level")),
    }
}

fn getfenv(l: &mut Lua) -> Result<usize, LuaError> {
    let target = fenv_target(l, 1)?;
    let env = match target.and_then(|f| f.as_func()) {
        Some(f) => Value::tab(f.env),
        None => Value::tab(l.globals),
    };
    l.push(env);
    Ok(1)
}

fn setfenv(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(2)?;
    let target = fenv_target(l, 1)?;
    match target.and_then(|f| f.as_func()) {
        Some(f) => {
            if let FuncKind::Native { .. } = f.kind() {
                if !l.arg(1).is_func() {
                    return Err(l.error_msg_level(
                        1,
                        "'setfenv' cannot change environment of given object",
                    ));
                }
            }
            f.get_mut().env = t;
            l.push(Value::func(f));
        }
        None => {
            l.globals = t;
            return Ok(0);
        }
    }
    Ok(1)
}

fn collectgarbage(l: &mut Lua) -> Result<usize, LuaError> {
    let opt = if l.arg(1).is_nil() {
        b"collect".to_vec()
    } else {
        l.check_str(1)?.as_bytes().to_vec()
    };
    match opt.as_slice() {
        b"collect" => {
            l.full_gc();
            l.push_num(0.0);
        }
        b"count" => {
            let kb = l.gc_bytes() as f64 / 1024.0;
            l.push_num(kb);
        }
        b"step" => {
            l.full_gc();
            l.push(Value::TRUE);
        }
        b"stop" => {
            l.set_gc_stopped(true);
            l.push_num(0.0);
        }
        b"restart" => {
            l.set_gc_stopped(false);
            l.push_num(0.0);
        }
        b"setpause" | b"setstepmul" => {
            let v = l.opt_int(2, 0)?.max(0) as usize;
            let old = l.set_gc_param(opt == b"setpause", v);
            l.push_num(old as f64);
        }
        _ => {
            let msg = format!("invalid option '{}'", String::from_utf8_lossy(&opt));
            return Err(l.arg_error(1, &msg));
        }
    }
    Ok(1)
}

fn newproxy(l: &mut Lua) -> Result<usize, LuaError> {
    let a = l.arg(1);
    let u = l.new_udata(None);
    if a == Value::TRUE {
        let mt = l.new_table(0, 0);
        u.get_mut().meta = Some(mt);
    } else if let Some(other) = a.as_udata() {
        u.get_mut().meta = other.meta;
    } else if a.truthy() {
        return Err(l.arg_error(1, "boolean or proxy expected"));
    }
    l.push(Value::udata(u));
    Ok(1)
}
