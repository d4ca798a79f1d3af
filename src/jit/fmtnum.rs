//! C `printf` number formats the LuaJIT tools use, written out for Rust.
//!
//! jit.dump prints number constants with `%+.14g` (and `%+a` for tiny denormals that are
//! really addresses); Lua's `tostring` uses `%.14g`. Rust's formatter has neither, so this
//! module implements them from the C standard's definition: `%g` picks fixed or exponential
//! notation from the decimal exponent of the value rounded to the precision, then strips
//! trailing zeros. Rules for changing it: keep it byte-identical to glibc on every case in
//! the tests below; there is no locale.

/// Formats `x` like C's `%.{prec}g`, with a leading `+` for non-negative values when `plus`.
pub fn fmt_g(x: f64, prec: usize, plus: bool) -> String {
    let sign = if x.is_sign_negative() && !(x.is_nan()) {
        "-"
    } else if plus {
        "+"
    } else {
        ""
    };
    if x.is_nan() {
        let s = if x.is_sign_negative() { "-" } else { sign };
        return format!("{s}nan");
    }
    if x.is_infinite() {
        return format!("{sign}inf");
    }
    let p = prec.max(1);
    let a = x.abs();
    if a == 0.0 {
        return format!("{sign}0");
    }
    // Round to p significant digits in exponential form to learn the exponent.
    let e_form = format!("{:.*e}", p - 1, a);
    let (mant, exp) = e_form.split_once('e').unwrap_or((&e_form, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= p as i32 {
        let mant = strip_zeros(mant);
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mant}e{esign}{:02}", exp.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let fixed = format!("{:.*}", decimals, a);
        format!("{sign}{}", strip_zeros(&fixed))
    }
}

fn strip_zeros(s: &str) -> String {
    if s.contains('.') {
        let t = s.trim_end_matches('0');
        t.trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// Formats `x` like glibc's `%+a` (normalised hexadecimal mantissa, also for denormals).
pub fn fmt_a_plus(x: f64) -> String {
    let sign = if x.is_sign_negative() { "-" } else { "+" };
    if x == 0.0 {
        return format!("{sign}0x0p+0");
    }
    if !x.is_finite() {
        return fmt_g(x, 14, true);
    }
    let bits = x.abs().to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i32;
    let mut frac = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        // Denormal: normalise so the leading 1 sits at bit 52.
        let shift = frac.leading_zeros() as i32 - 11;
        frac <<= shift;
        frac &= (1u64 << 52) - 1;
        exp = 1 - shift;
    }
    let e = exp - 1023;
    let mut hex = format!("{frac:013x}");
    while hex.ends_with('0') {
        hex.pop();
    }
    let dot = if hex.is_empty() { "" } else { "." };
    let esign = if e < 0 { '-' } else { '+' };
    format!("{sign}0x1{dot}{hex}p{esign}{}", e.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_matches_c() {
        assert_eq!(fmt_g(1000.0, 14, true), "+1000");
        assert_eq!(fmt_g(-3.0, 14, true), "-3");
        assert_eq!(fmt_g(1.5, 14, true), "+1.5");
        assert_eq!(fmt_g(0.1, 14, false), "0.1");
        assert_eq!(fmt_g(1e15, 14, false), "1e+15");
        assert_eq!(fmt_g(1e14, 14, false), "1e+14");
        assert_eq!(fmt_g(12345678901234.0, 14, false), "12345678901234");
        assert_eq!(fmt_g(0.0001, 14, false), "0.0001");
        assert_eq!(fmt_g(0.00001, 14, false), "1e-05");
        assert_eq!(
            fmt_g(2f64.powi(52) + 2f64.powi(51), 14, true),
            "+6.7553994410557e+15"
        );
        assert_eq!(fmt_g(1.0 / 3.0, 14, false), "0.33333333333333");
        assert_eq!(fmt_g(f64::INFINITY, 14, true), "+inf");
        assert_eq!(fmt_g(-0.0, 14, true), "-0");
    }

    #[test]
    fn a_matches_glibc() {
        assert_eq!(fmt_a_plus(1.0), "+0x1p+0");
        assert_eq!(fmt_a_plus(-3.0), "-0x1.8p+1");
        let d = f64::from_bits(0x0000_0000_0000_0001);
        assert_eq!(fmt_a_plus(d), "+0x1p-1074");
    }
}
