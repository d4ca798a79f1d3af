//! The `string` library binding: Lua values in, engine calls, Lua values out.
//!
//! Pattern matching is [`super::pattern`], `string.format` is [`super::format`]; this
//! module handles argument conversion, LuaJIT's position rules for `sub`/`byte`, the
//! `gsub` replacement kinds (string, table, function) and the string metatable
//! (`("x"):rep(3)`), whose `__index` is the `string` table.
//!
//! `string.dump` always fails with "unable to dump given function": skein does not write
//! LuaJIT bytecode (LuaJIT itself says the same for natives).
//!
//! Rules for whoever changes this file: keep LuaJIT's messages exact (they are checked by
//! tests/scripts/stdlib/string.lua and by the differential test against `luajit`), and
//! never hold a string produced here across a call into Lua without it being reachable
//! (arguments are on the stack; outputs are built as `Vec<u8>` and interned at the end).
#![warn(missing_docs)]

use super::format::{self, FormatArg, FormatError};
use super::pattern::{self, Capture, Match, PatternError};
use super::strlib;
use crate::vm::object::FuncKind;
use crate::vm::value::{LuaType, Value};
use crate::vm::{Lua, LuaError};

/// Installs the `string` table and the string metatable.
pub fn open(l: &mut Lua) {
    let t = super::new_lib(
        l,
        "string",
        &[
            ("len", len),
            ("sub", sub),
            ("upper", upper),
            ("lower", lower),
            ("rep", rep),
            ("reverse", reverse),
            ("byte", byte),
            ("char", char),
            ("dump", dump),
            ("format", format),
            ("find", find),
            ("match", str_match),
            ("gmatch", gmatch),
            ("gsub", gsub),
        ],
    );
    let mt = l.new_table(0, 1);
    super::set_field(l, mt, "__index", Value::tab(t));
    l.type_meta[LuaType::String as usize] = Some(mt);
}

fn pattern_error(l: &mut Lua, e: PatternError) -> LuaError {
    l.error_msg_level(1, e.message())
}

fn len(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    l.push_num(s.as_bytes().len() as f64);
    Ok(1)
}

/// Argument `i` converted like LuaJIT's `lj_lib_checkint` (int32 truncation).
fn check_int32(l: &mut Lua, i: usize) -> Result<i32, LuaError> {
    Ok(strlib::lua_int_arg(l.check_num(i)?))
}

/// Optional int32 argument.
fn opt_int32(l: &mut Lua, i: usize, default: i32) -> Result<i32, LuaError> {
    if l.arg(i).is_nil() {
        Ok(default)
    } else {
        check_int32(l, i)
    }
}

fn sub(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let i = check_int32(l, 2)?;
    let j = opt_int32(l, 3, -1)?;
    let b = s.as_bytes();
    let r = strlib::sub_range(b.len(), i, j);
    l.push_str(&b[r]);
    Ok(1)
}

fn upper(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let out = s.as_bytes().to_ascii_uppercase();
    l.push_str(&out);
    Ok(1)
}

fn lower(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let out = s.as_bytes().to_ascii_lowercase();
    l.push_str(&out);
    Ok(1)
}

fn reverse(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let mut out = s.as_bytes().to_vec();
    out.reverse();
    l.push_str(&out);
    Ok(1)
}

fn rep(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let n = check_int32(l, 2)?;
    let sep = if l.arg(3).is_nil() {
        Vec::new()
    } else {
        l.check_str(3)?.as_bytes().to_vec()
    };
    if n > 0 {
        let size = (s.as_bytes().len() + sep.len()).saturating_mul(n as usize);
        l.check_allocation(size)?;
    }
    match strlib::rep(s.as_bytes(), n, &sep) {
        Ok(out) => {
            l.push_str(&out);
            Ok(1)
        }
        Err(_) => Err(l.error_msg_level(1, "not enough memory")),
    }
}

fn byte(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let i = opt_int32(l, 2, 1)?;
    let j = opt_int32(l, 3, i)?;
    let b = s.as_bytes();
    let r = strlib::byte_range(b.len(), i, j);
    let n = r.len();
    for &c in &b[r] {
        l.push_num(c as f64);
    }
    Ok(n)
}

fn char(l: &mut Lua) -> Result<usize, LuaError> {
    let mut codes = Vec::with_capacity(l.nargs());
    for i in 1..=l.nargs() {
        codes.push(check_int32(l, i)?);
    }
    match strlib::char_bytes(&codes) {
        Ok(out) => {
            l.push_str(&out);
            Ok(1)
        }
        Err(k) => Err(l.arg_error(k + 1, "invalid value")),
    }
}

fn dump(l: &mut Lua) -> Result<usize, LuaError> {
    if !l.arg(1).is_func() {
        return Err(l.type_error(1, "function"));
    }
    Err(l.error_msg_level(1, "unable to dump given function"))
}

fn format(l: &mut Lua) -> Result<usize, LuaError> {
    let fmt = l.check_str(1)?;
    let vals: Vec<Value> = (2..=l.nargs()).map(|i| l.arg(i)).collect();
    let args: Vec<FormatArg<'_>> = vals
        .iter()
        .map(|v| {
            if let Some(n) = v.as_num() {
                FormatArg::Num(n)
            } else if let Some(s) = v.as_str() {
                FormatArg::Str(s.as_bytes())
            } else {
                FormatArg::Other(v.type_name())
            }
        })
        .collect();
    let r = {
        let lref: &mut Lua = l;
        format::format(fmt.as_bytes(), &args, |i| {
            let v = vals.get(i).copied().unwrap_or(Value::NIL);
            lref.tostring(v).map(|s| s.as_bytes().to_vec())
        })
    };
    match r {
        Ok(out) => {
            l.push_str(&out);
            Ok(1)
        }
        Err(FormatError::ToString(e)) => Err(e),
        Err(FormatError::BadArgument { arg, detail }) => Err(l.arg_error(arg, &detail)),
        Err(FormatError::InvalidOption(spec)) => {
            let msg = format!(
                "invalid option '{}' to 'format'",
                String::from_utf8_lossy(&spec)
            );
            Err(l.error_msg_level(1, &msg))
        }
    }
}

/// Pushes one capture value.
fn push_capture(l: &mut Lua, src: &[u8], c: Capture) {
    match c {
        Capture::Str(r) => l.push_str(&src[r]),
        Capture::Position(n) => l.push_num(n as f64),
    }
}

/// Pushes captures; returns how many.
fn push_captures(l: &mut Lua, src: &[u8], caps: Vec<Capture>) -> usize {
    let n = caps.len();
    for c in caps {
        push_capture(l, src, c);
    }
    n
}

fn find_aux(l: &mut Lua, find: bool) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let p = l.check_str(2)?;
    let init = l.opt_int(3, 1)?;
    let src = s.as_bytes();
    let r = if find {
        let plain = l.arg(4).truthy();
        pattern::find(src, p.as_bytes(), init, plain)
    } else {
        pattern::match_at(src, p.as_bytes(), init)
    };
    let m = match r {
        Ok(Some(m)) => m,
        Ok(None) => {
            l.push(Value::NIL);
            return Ok(1);
        }
        Err(e) => return Err(pattern_error(l, e)),
    };
    if find {
        let (a, b) = m.lua_span();
        l.push_num(a as f64);
        l.push_num(b as f64);
        let caps = m.captures().map_err(|e| pattern_error(l, e))?;
        Ok(2 + push_captures(l, src, caps))
    } else {
        let caps = m.values().map_err(|e| pattern_error(l, e))?;
        Ok(push_captures(l, src, caps))
    }
}

fn find(l: &mut Lua) -> Result<usize, LuaError> {
    find_aux(l, true)
}

fn str_match(l: &mut Lua) -> Result<usize, LuaError> {
    find_aux(l, false)
}

fn gmatch(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let p = l.check_str(2)?;
    let iter = l.native_with(
        "gmatch_aux",
        gmatch_aux,
        crate::vm::object::Builtin::None,
        vec![Value::str(s), Value::str(p), Value::num(0.0)],
    );
    l.push(iter);
    Ok(1)
}

fn gmatch_aux(l: &mut Lua) -> Result<usize, LuaError> {
    let up = l.native_upvals();
    let (Some(s), Some(p), Some(pos)) = (
        up.first().and_then(|v| v.as_str()),
        up.get(1).and_then(|v| v.as_str()),
        up.get(2).and_then(|v| v.as_num()),
    ) else {
        return Ok(0);
    };
    let src = s.as_bytes();
    let mut g = pattern::Gmatch {
        next_start: pos as usize,
    };
    let r = g.next_match(src, p.as_bytes());
    // Store the new position in the iterator's third upvalue.
    if let Some(f) = l.function_at_level(0).and_then(|f| f.as_func()) {
        if let FuncKind::Native { upvals, .. } = &mut f.get_mut().kind {
            if let Some(slot) = upvals.get_mut(2) {
                *slot = Value::num(g.next_start as f64);
            }
        }
    }
    match r {
        Ok(Some(m)) => {
            let caps = m.values().map_err(|e| pattern_error(l, e))?;
            Ok(push_captures(l, src, caps))
        }
        Ok(None) => Ok(0),
        Err(e) => Err(pattern_error(l, e)),
    }
}

/// An error inside a gsub replacement callback: a pattern error or a Lua error.
enum GsubError {
    Pattern(PatternError),
    Lua(LuaError),
}

impl From<PatternError> for GsubError {
    fn from(e: PatternError) -> Self {
        GsubError::Pattern(e)
    }
}

fn gsub(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_str(1)?;
    let p = l.check_str(2)?;
    let repl = l.arg(3);
    let max = if l.arg(4).is_nil() {
        usize::MAX
    } else {
        let n = l.check_int(4)?;
        n.max(0) as usize
    };
    let src = s.as_bytes();
    let pat = p.as_bytes();
    let r = if repl.is_str() || repl.is_num() {
        let rs = l.check_str(3)?;
        pattern::gsub_str(src, pat, rs.as_bytes(), max).map_err(GsubError::Pattern)
    } else if repl.is_tab() || repl.is_func() {
        let lref: &mut Lua = l;
        pattern::gsub(src, pat, max, |m: &Match, out: &mut Vec<u8>| {
            let first = match m.capture(0)? {
                Capture::Str(r) => lref.str_value(&src[r]),
                Capture::Position(n) => Value::num(n as f64),
            };
            let v = if let Some(t) = repl.as_tab() {
                lref.index(Value::tab(t), first).map_err(GsubError::Lua)?
            } else {
                let caps = m.values()?;
                let mut args = Vec::with_capacity(caps.len());
                for c in caps {
                    args.push(match c {
                        Capture::Str(r) => lref.str_value(&src[r]),
                        Capture::Position(n) => Value::num(n as f64),
                    });
                }
                let r = lref.call_value(repl, &args, 1).map_err(GsubError::Lua)?;
                r.first().copied().unwrap_or(Value::NIL)
            };
            if !v.truthy() {
                out.extend_from_slice(&src[m.range.clone()]);
            } else if let Some(s) = v.as_str() {
                out.extend_from_slice(s.as_bytes());
            } else if v.is_num() {
                out.extend_from_slice(&lref.tostring_raw(v));
            } else {
                let msg = format!("invalid replacement value (a {})", v.type_name());
                return Err(GsubError::Lua(lref.error_msg_level(1, &msg)));
            }
            Ok(())
        })
    } else {
        return Err(l.arg_error(3, "string/function/table expected"));
    };
    match r {
        Ok((out, n)) => {
            l.push_str(&out);
            l.push_num(n as f64);
            Ok(2)
        }
        Err(GsubError::Pattern(e)) => Err(pattern_error(l, e)),
        Err(GsubError::Lua(e)) => Err(e),
    }
}
