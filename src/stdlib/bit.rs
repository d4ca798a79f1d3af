//! LuaJIT's BitOp library (`bit`), a binding over [`super::bitop`]: available as the
//! global `bit` and as `require("bit")`.
//!
//! Every argument is checked as a number (numeric strings are converted, as in LuaJIT);
//! results are int32 values returned as Lua numbers.
#![warn(missing_docs)]

use super::bitop;
use crate::vm::{Lua, LuaError};

/// Installs the `bit` table.
pub fn open(l: &mut Lua) {
    super::new_lib(
        l,
        "bit",
        &[
            ("tobit", |l| unary(l, bitop::tobit)),
            ("bnot", |l| unary(l, bitop::bnot)),
            ("bswap", |l| unary(l, bitop::bswap)),
            ("band", |l| variadic(l, bitop::band)),
            ("bor", |l| variadic(l, bitop::bor)),
            ("bxor", |l| variadic(l, bitop::bxor)),
            ("lshift", |l| shift(l, bitop::lshift)),
            ("rshift", |l| shift(l, bitop::rshift)),
            ("arshift", |l| shift(l, bitop::arshift)),
            ("rol", |l| shift(l, bitop::rol)),
            ("ror", |l| shift(l, bitop::ror)),
            ("tohex", tohex),
        ],
    );
}

fn unary(l: &mut Lua, f: fn(f64) -> i32) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    l.push_num(f(x) as f64);
    Ok(1)
}

fn variadic(l: &mut Lua, f: fn(&[f64]) -> i32) -> Result<usize, LuaError> {
    let n = l.nargs().max(1);
    let mut args = Vec::with_capacity(n);
    for i in 1..=n {
        args.push(l.check_num(i)?);
    }
    l.push_num(f(&args) as f64);
    Ok(1)
}

fn shift(l: &mut Lua, f: fn(f64, f64) -> i32) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let n = l.check_num(2)?;
    l.push_num(f(x, n) as f64);
    Ok(1)
}

fn tohex(l: &mut Lua) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let n = if l.arg(2).is_nil() {
        None
    } else {
        Some(l.check_num(2)?)
    };
    let s = bitop::tohex(x, n);
    l.push_str(s.as_bytes());
    Ok(1)
}
