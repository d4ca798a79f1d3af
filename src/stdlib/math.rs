//! The `math` library as LuaJIT 2.1 has it (Lua 5.1's functions without `math.mod`,
//! which LuaJIT does not define, plus `math.log(x, base)`).
//!
//! `random`/`randomseed` use LuaJIT's Tausworthe generator ([`super::random`]); its
//! state lives in a userdata shared as the first upvalue of both natives, so each
//! `Lua` state has its own generator, as in LuaJIT.
//!
//! The functions whose LuaJIT results differ from the obvious Rust one-liner (`min`,
//! `max`, `ldexp`, `frexp`, `modf`, `fmod`, `log`) come from the [`super::mathlib`]
//! engine; this module only checks arguments.
#![warn(missing_docs)]

use super::mathlib;
use super::random::Random;
use crate::vm::value::Value;
use crate::vm::{Lua, LuaError, NativeFn};

macro_rules! unary_math {
    ($( $name:literal => $f:expr ; )*) => {
        /// The one-argument functions: name and operation.
        const UNARY: &[(&str, fn(f64) -> f64)] = &[ $( ($name, $f), )* ];
    };
}

unary_math! {
    "abs" => f64::abs;
    "floor" => f64::floor;
    "ceil" => f64::ceil;
    "sqrt" => f64::sqrt;
    "log10" => f64::log10;
    "exp" => f64::exp;
    "sin" => f64::sin;
    "cos" => f64::cos;
    "tan" => f64::tan;
    "asin" => f64::asin;
    "acos" => f64::acos;
    "atan" => f64::atan;
    "sinh" => f64::sinh;
    "cosh" => f64::cosh;
    "tanh" => f64::tanh;
    "deg" => |x| x * (180.0 / std::f64::consts::PI);
    "rad" => |x| x * (std::f64::consts::PI / 180.0);
}

/// Runs the unary function whose name the native was registered under.
fn unary(l: &mut Lua, idx: usize) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    l.push_num((UNARY[idx].1)(x));
    Ok(1)
}

macro_rules! unary_natives {
    ($($i:literal)*) => { [ $( |l: &mut Lua| unary(l, $i), )* ] };
}

/// One native per entry of `UNARY` (natives are plain `fn` pointers, so each index gets
/// its own non-capturing closure).
const UNARY_NATIVES: [NativeFn; 17] = unary_natives!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
const _: () = assert!(UNARY.len() == UNARY_NATIVES.len());

/// Installs the `math` table.
pub fn open(l: &mut Lua) {
    let t = super::new_lib(
        l,
        "math",
        &[
            ("log", log),
            ("atan2", atan2),
            ("pow", pow),
            ("fmod", fmod),
            ("modf", modf),
            ("frexp", frexp),
            ("ldexp", ldexp),
            ("min", min),
            ("max", max),
        ],
    );
    for (i, &(name, _)) in UNARY.iter().enumerate() {
        let v = l.native(name, UNARY_NATIVES[i]);
        super::set_field(l, t, name, v);
    }
    super::set_field(l, t, "pi", Value::num(std::f64::consts::PI));
    super::set_field(l, t, "huge", Value::num(f64::INFINITY));
    let state = l.new_udata(Some(Box::new(Random::default())));
    for (name, f) in [("random", random as NativeFn), ("randomseed", randomseed)] {
        let v = l.native_with(
            name,
            f,
            crate::vm::object::Builtin::None,
            vec![Value::udata(state)],
        );
        super::set_field(l, t, name, v);
    }
}

fn log(l: &mut Lua) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let base = if l.arg(2).is_nil() {
        None
    } else {
        Some(l.check_num(2)?)
    };
    l.push_num(mathlib::log(x, base));
    Ok(1)
}

fn atan2(l: &mut Lua) -> Result<usize, LuaError> {
    let y = l.check_num(1)?;
    let x = l.check_num(2)?;
    l.push_num(y.atan2(x));
    Ok(1)
}

fn pow(l: &mut Lua) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let y = l.check_num(2)?;
    l.push_num(x.powf(y));
    Ok(1)
}

fn fmod(l: &mut Lua) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let y = l.check_num(2)?;
    l.push_num(mathlib::fmod(x, y));
    Ok(1)
}

fn modf(l: &mut Lua) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let (int, frac) = mathlib::modf(x);
    l.push_num(int);
    l.push_num(frac);
    Ok(2)
}

fn frexp(l: &mut Lua) -> Result<usize, LuaError> {
    let x = l.check_num(1)?;
    let (m, e) = mathlib::frexp(x);
    l.push_num(m);
    l.push_num(e as f64);
    Ok(2)
}

fn ldexp(l: &mut Lua) -> Result<usize, LuaError> {
    let m = l.check_num(1)?;
    let e = l.check_num(2)?;
    l.push_num(mathlib::ldexp(m, e));
    Ok(1)
}

/// The numeric arguments, at least one ("number expected, got no value").
fn num_args(l: &mut Lua) -> Result<Vec<f64>, LuaError> {
    let n = l.nargs().max(1);
    let mut v = Vec::with_capacity(n);
    for i in 1..=n {
        v.push(l.check_num(i)?);
    }
    Ok(v)
}

fn min(l: &mut Lua) -> Result<usize, LuaError> {
    let args = num_args(l)?;
    l.push_num(mathlib::min(&args));
    Ok(1)
}

fn max(l: &mut Lua) -> Result<usize, LuaError> {
    let args = num_args(l)?;
    l.push_num(mathlib::max(&args));
    Ok(1)
}

/// The generator shared by `random` and `randomseed` (their first upvalue).
fn generator(l: &Lua) -> Option<&'static mut Random> {
    let u = l.native_upvals().first()?.as_udata()?;
    u.get_mut().payload.as_mut()?.downcast_mut::<Random>()
}

fn random(l: &mut Lua) -> Result<usize, LuaError> {
    let r = match l.nargs() {
        0 => generator(l).map_or(0.0, |g| g.next_f64()),
        1 => {
            let m = l.check_num(1)?;
            generator(l).map_or(1.0, |g| g.next_upto(m))
        }
        _ => {
            let m = l.check_num(1)?;
            let n = l.check_num(2)?;
            generator(l).map_or(m, |g| g.next_between(m, n))
        }
    };
    l.push_num(r);
    Ok(1)
}

fn randomseed(l: &mut Lua) -> Result<usize, LuaError> {
    let s = l.check_num(1)?;
    if let Some(g) = generator(l) {
        g.seed(s);
    }
    Ok(0)
}
