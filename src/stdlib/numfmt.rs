//! Numbers to strings and strings to numbers, exactly as LuaJIT 2.1 does them.
//!
//! - [`number_to_string`]: `tostring`, `print` and concatenation of numbers: C's `%.14g`
//!   with "inf", "-inf" and always "nan" (LuaJIT never prints "-nan"), "-0" for
//!   negative zero.
//! - [`str_to_number`]: the coercion of `tonumber(s)` and of arithmetic on strings:
//!   surrounding whitespace, a sign, decimal with optional fraction and exponent, hex
//!   integers and hex floats (`0x1.8p3`), binary `0b101`, and `inf`, `infinity`, `nan`
//!   in any case. Conversions are correctly rounded.
//! - [`str_to_number_base`]: `tonumber(s, base)` for bases 2..36 with LuaJIT's rules
//!   (C `strtoul` underneath: saturates at 2^64-1, stops at a NUL byte).
//! - The C `printf` float conversions `%e`, `%f`, `%g` and LuaJIT's own `%a`, used by
//!   [`crate::stdlib::format`] too. They produce the unsigned body only; signs, padding
//!   and flags are the caller's business.
//!
//! Digits come from Rust's exact, correctly rounded formatting (`{:.*e}` / `{:.*}`),
//! which rounds the exact binary value half-to-even like glibc; this module only
//! rearranges them into C's layout.
//!
//! Rules for whoever changes this file: keep it allocation-light and panic-free on every
//! input; every behaviour here is pinned by `tests/golden/stdlib/numfmt.txt`.

/// Whitespace as C's `isspace` in the C locale.
pub fn is_lua_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `tostring(x)` for a number: `%.14g`, "inf", "-inf", "nan".
pub fn number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Fast path: integers below 1e14 print all their digits under %.14g.
    if x.fract() == 0.0 && x.abs() < 1e14 {
        let v = x as i64;
        return if v == 0 && x.is_sign_negative() {
            "-0".into()
        } else {
            v.to_string()
        };
    }
    let body = fmt_general(x.abs(), 14, false, false);
    if x.is_sign_negative() {
        format!("-{body}")
    } else {
        body
    }
}

/// Append `tostring(x)` to `out` (integers below 1e14 without any allocation).
pub fn push_number(out: &mut Vec<u8>, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e14 && !(x == 0.0 && x.is_sign_negative()) {
        let mut v = x as i64;
        if v < 0 {
            out.push(b'-');
            v = -v;
        }
        let mut digits = [0u8; 20];
        let mut n = 0;
        loop {
            digits[n] = b'0' + (v % 10) as u8;
            n += 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        out.extend(digits[..n].iter().rev());
    } else {
        out.extend_from_slice(number_to_string(x).as_bytes());
    }
}

/// Split Rust's `{:.*e}` output ("1.2345e-7") into mantissa text and exponent.
/// Rust rounds exact ties half-to-even.
fn rust_exp_even(x: f64, prec: usize) -> (String, i32) {
    let s = format!("{:.*e}", prec, x);
    match s.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse().unwrap_or(0)),
        None => (s, 0),
    }
}

/// A finite positive `x` as `odd_mantissa * 2^exp2` (`None` for zero).
fn odd_binary(x: f64) -> Option<(u64, i32)> {
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & 0x000f_ffff_ffff_ffff;
    let (m, e) = if raw_exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), raw_exp - 1075)
    };
    if m == 0 {
        return None;
    }
    let tz = m.trailing_zeros();
    Some((m >> tz, e + tz as i32))
}

/// Number of significant decimal digits of the exact value of finite positive `x`,
/// given `exp10 = floor(log10(x))`.
fn exact_significant_digits(x: f64, exp10: i32) -> Option<i64> {
    let (mut m, e) = odd_binary(x)?;
    if e < 0 {
        // m * 5^-e / 10^-e: the last digit sits at 10^e and is a 5.
        Some(exp10 as i64 - e as i64 + 1)
    } else {
        let mut fives = 0i64;
        while m % 5 == 0 {
            m /= 5;
            fives += 1;
        }
        Some(exp10 as i64 + 1 - fives.min(e as i64))
    }
}

/// Cheap pre-check: can the exact decimal expansion of finite `x` have exactly
/// `digits` significant digits? (Only then can rounding to `digits - 1` digits be a tie.)
/// Conservative: the decimal exponent is estimated and allowed to be off by one.
fn tie_possible(x: f64, digits: usize) -> bool {
    let Some((_, e)) = odd_binary(x) else {
        return false;
    };
    let estimate = x.abs().log10().floor() as i64;
    if e < 0 {
        // N = exp10 - e + 1 must equal `digits`.
        let n = estimate - e as i64 + 1;
        (n - digits as i64).abs() <= 1
    } else {
        // An integer needs at least `digits` digits to be rounded at all.
        estimate + 2 >= digits as i64
    }
}

/// Increment a string of ASCII digits by one unit in the last place; true on overflow
/// (all nines became zeros).
fn increment_digits(d: &mut [u8]) -> bool {
    for c in d.iter_mut().rev() {
        if *c == b'9' {
            *c = b'0';
        } else {
            *c += 1;
            return false;
        }
    }
    true
}

/// `x` (finite, non-negative) rounded to `prec + 1` significant digits with ties
/// rounded away from zero, as LuaJIT's formatter does (`%.0e` of 2.5 is `3e+00`).
/// Returns the mantissa text ("d.ddd") and the decimal exponent.
fn rust_exp(x: f64, prec: usize) -> (String, i32) {
    if !tie_possible(x, prec + 2) {
        return rust_exp_even(x, prec);
    }
    let (longer, e_longer) = rust_exp_even(x, prec + 1);
    let is_tie =
        longer.ends_with('5') && exact_significant_digits(x, e_longer) == Some(prec as i64 + 2);
    if !is_tie {
        return rust_exp_even(x, prec);
    }
    // The longer rendition is exact: drop its final 5 and round up.
    let mut digits: Vec<u8> = longer.bytes().filter(|c| c.is_ascii_digit()).collect();
    digits.pop();
    let mut exp = e_longer;
    if increment_digits(&mut digits) {
        digits.insert(0, b'1');
        digits.pop();
        exp += 1;
    }
    let mut m = String::with_capacity(digits.len() + 1);
    m.push(digits[0] as char);
    if digits.len() > 1 {
        m.push('.');
        m.extend(digits[1..].iter().map(|&c| c as char));
    }
    (m, exp)
}

/// Append C's exponent suffix: `e+07`, `E-123`.
fn push_exponent(out: &mut String, exp: i32, upper: bool) {
    out.push(if upper { 'E' } else { 'e' });
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
}

/// `%.<prec>e` of a finite non-negative number, without sign.
pub fn fmt_exponent(x: f64, prec: usize, alt: bool, upper: bool) -> String {
    let (mut m, e) = rust_exp(x, prec);
    if alt && prec == 0 {
        m.push('.');
    }
    push_exponent(&mut m, e, upper);
    m
}

/// `%.<prec>f` of a finite non-negative number, without sign (ties away from zero).
pub fn fmt_fixed(x: f64, prec: usize, alt: bool) -> String {
    // A tie needs the exact expansion to end with its 5 just past the last place.
    let is_tie = matches!(odd_binary(x), Some((_, e)) if e < 0 && (-e) as usize == prec + 1);
    let mut s = if is_tie {
        let mut longer = format!("{:.*}", prec + 1, x).into_bytes();
        longer.pop();
        if longer.last() == Some(&b'.') {
            longer.pop();
        }
        let mut digits: Vec<u8> = longer.iter().copied().filter(u8::is_ascii_digit).collect();
        let frac_len = prec;
        if increment_digits(&mut digits) {
            digits.insert(0, b'1');
        }
        let int_len = digits.len() - frac_len;
        let mut out = String::with_capacity(digits.len() + 1);
        out.extend(digits[..int_len].iter().map(|&c| c as char));
        if frac_len > 0 {
            out.push('.');
            out.extend(digits[int_len..].iter().map(|&c| c as char));
        }
        out
    } else {
        format!("{:.*}", prec, x)
    };
    if alt && prec == 0 {
        s.push('.');
    }
    s
}

/// Remove trailing zeros of a fraction, and the point if nothing is left after it.
fn strip_fraction_zeros(s: &mut String) {
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
}

/// `%.<prec>g` of a finite non-negative number, without sign.
pub fn fmt_general(x: f64, prec: usize, alt: bool, upper: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    let (mut mant, exp) = rust_exp(x, p - 1);
    if exp < p as i32 && exp >= -4 {
        // The fixed form has the same P significant digits: move the decimal point.
        let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
        let mut s = String::with_capacity(digits.len() + 6);
        if exp >= 0 {
            let int_len = exp as usize + 1;
            s.extend(digits[..int_len].iter().map(|&c| c as char));
            if digits.len() > int_len || alt {
                s.push('.');
            }
            s.extend(digits[int_len..].iter().map(|&c| c as char));
        } else {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            s.extend(digits.iter().map(|&c| c as char));
        }
        if !alt {
            strip_fraction_zeros(&mut s);
        }
        s
    } else {
        if alt {
            if !mant.contains('.') {
                mant.push('.');
            }
        } else {
            strip_fraction_zeros(&mut mant);
        }
        push_exponent(&mut mant, exp, upper);
        mant
    }
}

/// LuaJIT's `%a` of a finite non-negative number, split into the `0x` prefix and the
/// rest (zero padding goes between them). Subnormals are normalised (`0x1p-1074`);
/// with a precision the fraction is rounded half-up and a carry may turn the leading
/// digit into 2 (`%.0a` of 1.5 is `0x2p+0`).
pub fn fmt_hex_float(x: f64, prec: Option<usize>, alt: bool, upper: bool) -> (String, String) {
    let prefix = if upper { "0X" } else { "0x" }.to_string();
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    let mut frac = bits & 0x000f_ffff_ffff_ffff;
    let (mut lead, exp) = if x == 0.0 {
        (0u64, 0i32)
    } else if raw_exp == 0 {
        // Subnormal: shift until the implicit bit position is reached.
        let mut e = -1022;
        while frac & (1u64 << 52) == 0 {
            frac <<= 1;
            e -= 1;
        }
        frac &= 0x000f_ffff_ffff_ffff;
        (1, e)
    } else {
        (1, raw_exp - 1023)
    };
    // 13 hex digits of fraction; choose how many to print.
    let digits = match prec {
        Some(p) if p < 13 => {
            let drop_bits = 52 - 4 * p as u32;
            let rounded = frac + (1u64 << (drop_bits - 1));
            lead += rounded >> 52;
            let kept = (rounded & 0x000f_ffff_ffff_ffff) >> drop_bits;
            if p == 0 {
                String::new()
            } else {
                format!("{:0width$x}", kept, width = p)
            }
        }
        Some(p) => {
            let mut d = format!("{frac:013x}");
            d.extend(std::iter::repeat_n('0', p - 13));
            d
        }
        None => {
            let mut d = format!("{frac:013x}");
            while d.ends_with('0') {
                d.pop();
            }
            d
        }
    };
    let mut body = lead.to_string();
    if !digits.is_empty() || alt {
        body.push('.');
    }
    body.push_str(&digits);
    body.push('p');
    body.push(if exp < 0 { '-' } else { '+' });
    body.push_str(&exp.unsigned_abs().to_string());
    if upper {
        body = body.to_ascii_uppercase();
    }
    (prefix, body)
}

/// Correctly rounded `mant * 2^exp2` where `sticky` says nonzero bits were dropped
/// below `mant`'s last bit.
fn scale_binary(mant: u64, exp2: i64, sticky: bool) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    let lz = mant.leading_zeros() as i64;
    let m = mant << lz; // top bit is bit 63
    let e = exp2 - lz; // value = m * 2^e
    let unbiased = e + 63; // value in [2^unbiased, 2^(unbiased+1))
    if unbiased > 1023 {
        return f64::INFINITY;
    }
    // How many significant bits the result can keep.
    let keep: i64 = if unbiased >= -1022 {
        53
    } else {
        53 - (-1022 - unbiased)
    };
    if keep <= 0 {
        // Below half the smallest subnormal unless exactly at the boundary.
        if keep == 0 && (m > (1u64 << 63) || (m == 1u64 << 63 && sticky)) {
            return f64::from_bits(1);
        }
        return 0.0;
    }
    let drop = (64 - keep) as u32;
    let kept = m >> drop;
    let rest = m & ((1u64 << drop) - 1);
    let half = 1u64 << (drop - 1);
    let round_up = rest > half || (rest == half && (sticky || kept & 1 == 1));
    let mut kept = kept + u64::from(round_up);
    let mut unbiased = unbiased;
    if keep == 53 && kept == 1u64 << 53 {
        // Rounding carried into a new bit (a subnormal's carry just makes it bigger).
        kept >>= 1;
        unbiased += 1;
        if unbiased > 1023 {
            return f64::INFINITY;
        }
    }
    if unbiased >= -1022 && kept >= (1u64 << 52) {
        let biased = (unbiased + 1023) as u64;
        f64::from_bits((biased << 52) | (kept & 0x000f_ffff_ffff_ffff))
    } else {
        // Subnormal (or rounded up into the smallest normal, which the bits express too).
        f64::from_bits(kept)
    }
}

/// Parse the hex part after `0x`: digits, optional fraction, optional `p` exponent.
fn parse_hex(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut mant: u64 = 0;
    let mut exp2: i64 = 0;
    let mut sticky = false;
    let mut any_digit = false;
    let mut seen_point = false;
    while i < s.len() {
        let c = s[i];
        if c == b'.' && !seen_point {
            seen_point = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            any_digit = true;
            if mant >> 60 == 0 {
                mant = (mant << 4) | d as u64;
                if seen_point {
                    exp2 -= 4;
                }
            } else {
                sticky |= d != 0;
                if !seen_point {
                    exp2 += 4;
                }
            }
        } else {
            break;
        }
        i += 1;
    }
    if !any_digit {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'p' {
        let (e, used) = parse_exponent_digits(&s[i + 1..])?;
        exp2 = exp2.saturating_add(e);
        i += 1 + used;
    }
    if i != s.len() {
        return None;
    }
    Some(scale_binary(mant, exp2, sticky))
}

/// Exponent values from this up are rejected (LuaJIT: `1e1048575` is inf,
/// `1e1048576` is not a number).
const MAX_EXPONENT_VALUE: i64 = 1 << 20;

/// `[+-]digits` of an exponent; `None` when malformed or not below 2^20.
fn parse_exponent_digits(s: &[u8]) -> Option<(i64, usize)> {
    let mut i = 0;
    let neg = match s.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut v: i64 = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        v = (v * 10 + (s[i] - b'0') as i64).min(MAX_EXPONENT_VALUE);
        i += 1;
    }
    if i == start || v >= MAX_EXPONENT_VALUE {
        return None;
    }
    Some((if neg { -v } else { v }, i))
}

/// Parse binary digits after `0b` (integers of at most 64 significant bits).
fn parse_binary(s: &[u8]) -> Option<f64> {
    if s.is_empty() || !s.iter().all(|&c| c == b'0' || c == b'1') {
        return None;
    }
    let significant = s.iter().skip_while(|&&c| c == b'0').count();
    if significant > 64 {
        return None;
    }
    let mant = s.iter().fold(0u64, |m, &c| (m << 1) | (c - b'0') as u64);
    Some(mant as f64)
}

/// Validate C-style decimal syntax and convert it (correctly rounded).
fn parse_decimal(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let mut digits = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    let mantissa_end = i;
    let mut exp: i64 = 0;
    if i < s.len() && (s[i] | 0x20) == b'e' {
        let (e, used) = parse_exponent_digits(&s[i + 1..])?;
        exp = e;
        i += 1 + used;
    }
    if i != s.len() {
        return None;
    }
    // Rebuild a canonical text Rust's correctly rounded parser accepts.
    let mut text = String::with_capacity(mantissa_end + 24);
    let m = &s[..mantissa_end];
    if m.first() == Some(&b'.') {
        text.push('0');
    }
    text.extend(m.iter().map(|&b| b as char));
    if text.ends_with('.') {
        text.push('0');
    }
    text.push('e');
    text.push_str(&exp.to_string());
    text.parse::<f64>().ok()
}

/// `tonumber(s)` / string coercion: `None` when `s` is not a number.
pub fn str_to_number(s: &[u8]) -> Option<f64> {
    let mut start = 0;
    let mut end = s.len();
    while start < end && is_lua_space(s[start]) {
        start += 1;
    }
    while end > start && is_lua_space(s[end - 1]) {
        end -= 1;
    }
    let mut t = &s[start..end];
    let neg = match t.first() {
        Some(b'-') => {
            t = &t[1..];
            true
        }
        Some(b'+') => {
            t = &t[1..];
            false
        }
        _ => false,
    };
    let v = if t.eq_ignore_ascii_case(b"inf") || t.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if t.eq_ignore_ascii_case(b"nan") {
        f64::NAN
    } else if t.len() >= 2 && t[0] == b'0' && (t[1] | 0x20) == b'x' {
        parse_hex(&t[2..])?
    } else if t.len() >= 2 && t[0] == b'0' && (t[1] | 0x20) == b'b' {
        parse_binary(&t[2..])?
    } else {
        parse_decimal(t)?
    };
    Some(if neg { -v } else { v })
}

/// `tonumber(s, base)` for `base` in 2..=36 (the binding raises "base out of range"
/// otherwise). Base 10 is the ordinary conversion.
pub fn str_to_number_base(s: &[u8], base: u32) -> Option<f64> {
    if base == 10 {
        return str_to_number(s);
    }
    if !(2..=36).contains(&base) {
        return None;
    }
    // The reference reads the string as a C string.
    let s = match s.iter().position(|&b| b == 0) {
        Some(n) => &s[..n],
        None => s,
    };
    let mut i = 0;
    while i < s.len() && is_lua_space(s[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'-' || s[i] == b'+') {
        neg = s[i] == b'-';
        i += 1;
    }
    if i >= s.len() || !s[i].is_ascii_alphanumeric() {
        return None;
    }
    // strtoul accepts a 0x prefix in base 16 when a hex digit follows it.
    if base == 16
        && i + 2 < s.len() + 1
        && s[i] == b'0'
        && s.get(i + 1).map(|c| c | 0x20) == Some(b'x')
        && s.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit())
    {
        i += 2;
    }
    let digit_start = i;
    let mut value: u64 = 0;
    let mut saturated = false;
    while i < s.len() {
        let d = match (s[i] as char).to_digit(36) {
            Some(d) if d < base => d,
            _ => break,
        };
        match value
            .checked_mul(base as u64)
            .and_then(|v| v.checked_add(d as u64))
        {
            Some(v) if !saturated => value = v,
            _ => saturated = true,
        }
        i += 1;
    }
    if i == digit_start {
        return None;
    }
    if saturated {
        value = u64::MAX;
    }
    while i < s.len() && is_lua_space(s[i]) {
        i += 1;
    }
    if i != s.len() {
        return None;
    }
    let n = value as f64;
    Some(if neg { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tostring_basics() {
        assert_eq!(number_to_string(1e100), "1e+100");
        assert_eq!(number_to_string(-0.0), "-0");
        assert_eq!(number_to_string(f64::NAN), "nan");
        assert_eq!(number_to_string(2f64.powi(63)), "9.2233720368548e+18");
        assert_eq!(number_to_string(0.1), "0.1");
    }

    #[test]
    fn push_number_matches_tostring() {
        for x in [
            0.0,
            -0.0,
            7.0,
            -12345.0,
            99999999999999.0,
            1e14,
            0.5,
            -2.5e-7,
            f64::NAN,
        ] {
            let mut out = Vec::new();
            push_number(&mut out, x);
            assert_eq!(out, number_to_string(x).into_bytes());
        }
    }

    #[test]
    fn parse_basics() {
        assert_eq!(str_to_number(b" 0x10 "), Some(16.0));
        assert_eq!(str_to_number(b"5."), Some(5.0));
        assert_eq!(str_to_number(b".5"), Some(0.5));
        assert_eq!(str_to_number(b"."), None);
        assert_eq!(str_to_number(b"0x1p-1075"), Some(0.0));
        assert_eq!(
            str_to_number(b"0x1.fffffffffffff8p1023"),
            Some(f64::INFINITY)
        );
        assert_eq!(
            str_to_number_base(b"ffffffffffffffffffff", 16),
            Some(u64::MAX as f64)
        );
    }
}
