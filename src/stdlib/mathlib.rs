//! The `math` functions whose LuaJIT results differ from the obvious Rust one-liner.
//!
//! Most of `math` maps straight onto `f64` methods (which call the same glibc libm that
//! LuaJIT's interpreter calls). These are the exceptions, each pinned by
//! `tests/golden/stdlib/misc.txt`:
//! - `max`/`min` fold with SSE `maxsd`/`minsd` semantics: `r = r > x ? r : x`, so
//!   `max(nan, 1)` is 1 but `max(1, nan)` is nan, and `max(0, -0)` is -0.
//! - `ldexp(x, e)` truncates `e` but does not wrap it to 32 bits (`ldexp(1, 2^40)` is inf),
//!   with a single final rounding for subnormal results.
//! - `log(x, base)` (LuaJIT 2.1 accepts a base) is `log2(x) * (1 / log2(base))`.
//! - `modf` returns a fraction with the sign of `x` (`modf(-5)` is -5, -0; inf gives 0).
//! - `fmod` is C's `fmod`; `frexp` is C's `frexp` (subnormals normalised).
//!
//! Rules for whoever changes this file: keep each function total; re-check the golden file.

/// `math.max` over all arguments (the binding checks there is at least one).
pub fn max(args: &[f64]) -> f64 {
    let mut it = args.iter().copied();
    let first = it.next().unwrap_or(f64::NAN);
    it.fold(first, |r, x| if r > x { r } else { x })
}

/// `math.min` over all arguments.
pub fn min(args: &[f64]) -> f64 {
    let mut it = args.iter().copied();
    let first = it.next().unwrap_or(f64::NAN);
    it.fold(first, |r, x| if r < x { r } else { x })
}

/// `x * 2^n` with one rounding, as C's `scalbn`.
fn scalbn(mut x: f64, mut n: i64) -> f64 {
    let p1023 = f64::from_bits(0x7fe0_0000_0000_0000); // 2^1023
    let pm969 = f64::from_bits(0x0360_0000_0000_0000); // 2^-1022 * 2^53
    if n > 1023 {
        x *= p1023;
        n -= 1023;
        if n > 1023 {
            x *= p1023;
            n -= 1023;
            n = n.min(1023);
        }
    } else if n < -1022 {
        x *= pm969;
        n += 1022 - 53;
        if n < -1022 {
            x *= pm969;
            n += 1022 - 53;
            n = n.max(-1022);
        }
    }
    x * f64::from_bits(((0x3ff + n) as u64) << 52)
}

/// `math.ldexp(x, e)`: `e` is truncated toward zero, never wrapped.
pub fn ldexp(x: f64, e: f64) -> f64 {
    if e.is_nan() {
        return f64::NAN;
    }
    if e.is_infinite() {
        // x * 2^inf: 0 * inf and inf * 0 are NaN, like the x87 `fscale` LuaJIT uses.
        return x * if e > 0.0 { f64::INFINITY } else { 0.0 };
    }
    let n = e.trunc().clamp(-5000.0, 5000.0) as i64;
    scalbn(x, n)
}

/// `math.frexp(x)`: mantissa in [0.5, 1) and exponent, as C's `frexp`.
pub fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let (x, bias) = if x.abs() < f64::MIN_POSITIVE {
        (x * 2f64.powi(64), -64)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1022;
    let mant = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (mant, exp + bias)
}

/// `math.modf(x)`: integral part and fraction, both with the sign of `x`.
pub fn modf(x: f64) -> (f64, f64) {
    if x.is_infinite() {
        return (x, 0f64.copysign(x));
    }
    let int = x.trunc();
    (int, (x - int).copysign(x))
}

/// `math.fmod(a, b)`: C's `fmod` (Rust's `%` on f64 is the same operation).
pub fn fmod(a: f64, b: f64) -> f64 {
    a % b
}

/// `math.log(x [, base])`: with a base, LuaJIT computes `log2(x) * (1 / log2(base))`
/// (so `log(5, 5)` is 0.9999999999999999 and `log(0.5, 8)` exactly -1/3).
pub fn log(x: f64, base: Option<f64>) -> f64 {
    match base {
        None => x.ln(),
        Some(b) => x.log2() * (1.0 / b.log2()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_min_quirks() {
        assert_eq!(max(&[f64::NAN, 1.0]), 1.0);
        assert!(max(&[1.0, f64::NAN]).is_nan());
        assert!(max(&[0.0, -0.0]).is_sign_negative());
        assert!(min(&[0.0, -0.0]).is_sign_negative());
    }

    #[test]
    fn ldexp_frexp() {
        assert_eq!(ldexp(1.0, 2.7), 4.0);
        assert_eq!(ldexp(1.0, 2f64.powi(40)), f64::INFINITY);
        assert_eq!(ldexp(3.0, -1075.0), 2.0 * f64::from_bits(1));
        assert_eq!(frexp(f64::from_bits(1)), (0.5, -1073));
        assert_eq!(frexp(8.0), (0.5, 4));
    }
}
