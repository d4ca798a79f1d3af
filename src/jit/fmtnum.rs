//! C `printf` number formats the LuaJIT tools use, written out for Rust.
//!
//! jit.dump prints number constants with `%+.14g` (and `%+a` for tiny denormals that are
//! really addresses); Lua's `tostring` uses `%.14g`. Rust's formatter has neither, so this
//! module implements them from the C standard's definition: `%g` picks fixed or exponential
//! notation from the decimal exponent of the value rounded to the precision, then strips
//! trailing zeros. Rules for changing it: keep it byte-identical to glibc on every case in
//! the tests below (checked against luajit's `string.format`, which rounds exact ties
//! away from zero where glibc rounds them to even); there is no locale.

/// Formats `x` like LuaJIT's `%.{prec}g`, with a leading `+` for non-negative values when `plus`.
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
    let (digits, exp) = round_half_up(a, p);
    if exp < -4 || exp >= p as i32 {
        let mut mant = String::with_capacity(p + 1);
        mant.push_str(&digits[..1]);
        let frac = digits[1..].trim_end_matches('0');
        if !frac.is_empty() {
            mant.push('.');
            mant.push_str(frac);
        }
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mant}e{esign}{:02}", exp.abs())
    } else {
        // Fixed notation: the decimal point goes after digit `exp` (leading zeros if < 0).
        let s = if exp >= 0 {
            let (int, frac) = digits.split_at(exp as usize + 1);
            format!("{int}.{frac}")
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        };
        format!("{sign}{}", strip_zeros(&s))
    }
}

/// The first `p` significant decimal digits of `a` (> 0), rounded half away from zero as
/// LuaJIT's own formatter does (glibc rounds exact ties to even; LuaJIT prints
/// `%.0f` of 2.5 as `3`), and the decimal exponent of the first digit.
fn round_half_up(a: f64, p: usize) -> (String, i32) {
    let split = |s: &str| -> (Vec<u8>, i32) {
        let (m, e) = s.split_once('e').unwrap_or((s, "0"));
        (
            m.bytes().filter(u8::is_ascii_digit).collect(),
            e.parse().unwrap_or(0),
        )
    };
    let (mut all, exp) = split(&format!("{:.*e}", p - 1 + 25, a));
    if all[p] == b'5' && all[p + 1..].iter().all(|&d| d == b'0') {
        // Possibly an exact tie: decide on the exact expansion (a double has at most 767
        // significant decimal digits).
        all = split(&format!("{:.*e}", 800, a)).0;
    }
    let mut head: Vec<u8> = all[..p].to_vec();
    let mut exp = exp;
    if all[p] >= b'5' {
        let mut i = p;
        loop {
            if i == 0 {
                head.insert(0, b'1');
                head.truncate(p);
                exp += 1;
                break;
            }
            i -= 1;
            if head[i] == b'9' {
                head[i] = b'0';
            } else {
                head[i] += 1;
                break;
            }
        }
    }
    (String::from_utf8(head).unwrap_or_default(), exp)
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
        // Checked against luajit's string.format("%+.14g", x).
        assert_eq!(fmt_g(123456789012345.0, 14, true), "+1.2345678901235e+14");
        assert_eq!(fmt_g(123456789012355.0, 14, false), "1.2345678901236e+14");
        assert_eq!(fmt_g(1235.0, 3, false), "1.24e+03");
        assert_eq!(fmt_g(0.25, 1, false), "0.3");
        assert_eq!(fmt_g(9.9999999999999995, 14, false), "10");
        assert_eq!(fmt_g(0.000123, 14, false), "0.000123");
        assert_eq!(fmt_g(1e308, 14, true), "+1e+308");
        assert_eq!(fmt_g(2f64.powi(53), 14, true), "+9.007199254741e+15");
    }

    #[test]
    fn a_matches_glibc() {
        assert_eq!(fmt_a_plus(1.0), "+0x1p+0");
        assert_eq!(fmt_a_plus(1.5), "+0x1.8p+0");
        assert_eq!(fmt_a_plus(-3.0), "-0x1.8p+1");
        let d = f64::from_bits(0x0000_0000_0000_0001);
        assert_eq!(fmt_a_plus(d), "+0x1p-1074");
    }
}
