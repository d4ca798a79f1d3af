//! LuaJIT's `bit` library (BitOp) on plain numbers.
//!
//! Every operation first normalises its arguments with [`tobit`], which is LuaJIT's
//! "add 2^52+2^51 and take the low 32 bits of the result" conversion: non-integers round
//! to nearest with ties to even (1.5 -> 2, 2.5 -> 2, -0.5 -> 0), numbers outside the
//! int32 range wrap modulo 2^32 as long as the addition is exact (2^32+1 -> 1), and
//! inf, -inf and nan give 0. Results are int32 values that the binding returns as Lua
//! numbers. Shift counts use only their low five bits.
//!
//! Rules for whoever changes this file: keep every function total (no panics, no
//! overflow in debug builds: use the `wrapping_*` operations) and check any change
//! against `tests/golden/stdlib/bit.txt`, generated from LuaJIT.

/// The magic constant 2^52 + 2^51 whose addition puts an int32 into the low mantissa bits.
const TOBIT_BIAS: f64 = 6_755_399_441_055_744.0;

/// `bit.tobit`: the number normalised to a signed 32-bit integer, as LuaJIT does it.
pub fn tobit(x: f64) -> i32 {
    (x + TOBIT_BIAS).to_bits() as u32 as i32
}

/// `bit.bnot`.
pub fn bnot(x: f64) -> i32 {
    !tobit(x)
}

/// `bit.band` over all arguments (the binding guarantees at least one).
pub fn band(args: &[f64]) -> i32 {
    args.iter().fold(-1, |acc, &x| acc & tobit(x))
}

/// `bit.bor` over all arguments.
pub fn bor(args: &[f64]) -> i32 {
    args.iter().fold(0, |acc, &x| acc | tobit(x))
}

/// `bit.bxor` over all arguments.
pub fn bxor(args: &[f64]) -> i32 {
    args.iter().fold(0, |acc, &x| acc ^ tobit(x))
}

/// The shift count: the low five bits of its tobit value.
fn shift_count(n: f64) -> u32 {
    (tobit(n) as u32) & 31
}

/// `bit.lshift`.
pub fn lshift(x: f64, n: f64) -> i32 {
    ((tobit(x) as u32) << shift_count(n)) as i32
}

/// `bit.rshift` (logical).
pub fn rshift(x: f64, n: f64) -> i32 {
    ((tobit(x) as u32) >> shift_count(n)) as i32
}

/// `bit.arshift` (arithmetic).
pub fn arshift(x: f64, n: f64) -> i32 {
    tobit(x) >> shift_count(n)
}

/// `bit.rol`.
pub fn rol(x: f64, n: f64) -> i32 {
    (tobit(x) as u32).rotate_left(shift_count(n)) as i32
}

/// `bit.ror`.
pub fn ror(x: f64, n: f64) -> i32 {
    (tobit(x) as u32).rotate_right(shift_count(n)) as i32
}

/// `bit.bswap`.
pub fn bswap(x: f64) -> i32 {
    tobit(x).swap_bytes()
}

/// `bit.tohex(x [, n])`: `n` defaults to 8; negative `n` means upper case.
///
/// LuaJIT's quirks are reproduced: the digit count is `((n + 1) & 255) - 1` (so 1000
/// gives 232 digits, 255 gives the natural width), counts from 0 to 15 mask the value
/// to that many digits, larger counts pad with zeros, and `n = -2^31` gives "".
pub fn tohex(x: f64, n: Option<f64>) -> String {
    let value = tobit(x) as u32 as u64;
    let mut count = n.map(tobit).unwrap_or(8);
    let upper = count < 0;
    if upper {
        count = count.wrapping_neg();
    }
    // The precision slot LuaJIT formats with: 0 means "no precision given".
    let precision_slot = (count.wrapping_add(1) as u32) & 255;
    let value = if count < 16 {
        // The reference computes 1 << (4*n) in 32-bit arithmetic; only n in 0..16 and
        // the wrapped -2^31 (shift 0) reach here.
        let shift = (count.wrapping_mul(4) as u32) & 63;
        value & (1u64 << shift).wrapping_sub(1)
    } else {
        value
    };
    let digits = if upper {
        format!("{value:X}")
    } else {
        format!("{value:x}")
    };
    if precision_slot == 0 {
        return digits;
    }
    let precision = (precision_slot - 1) as usize;
    if value == 0 && precision == 0 {
        return String::new();
    }
    if digits.len() >= precision {
        digits
    } else {
        let mut s = "0".repeat(precision - digits.len());
        s.push_str(&digits);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tobit_edges() {
        assert_eq!(tobit(2f64.powi(32)), 0);
        assert_eq!(tobit(1.5), 2);
        assert_eq!(tobit(2.5), 2);
        assert_eq!(tobit(-1.5), -2);
        assert_eq!(tobit(f64::NAN), 0);
        assert_eq!(tobit(-2147483649.0), 2147483647);
    }

    #[test]
    fn tohex_quirks() {
        assert_eq!(tohex(-1.0, None), "ffffffff");
        assert_eq!(tohex(-1.0, Some(-4.0)), "FFFF");
        assert_eq!(tohex(255.0, Some(0.0)), "");
        assert_eq!(tohex(-1.0, Some(1000.0)).len(), 232);
        assert_eq!(tohex(255.0, Some(-2147483648.0)), "");
    }
}
