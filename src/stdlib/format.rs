//! The `string.format` engine, behaving like LuaJIT 2.1's own formatter.
//!
//! The binding converts the Lua arguments after the format string into a slice of
//! [`FormatArg`] and supplies a `tostring` callback for values that are neither strings
//! nor numbers (it may run `__tostring`). The engine walks the format, validates each
//! specification and appends to a `Vec<u8>`.
//!
//! LuaJIT's rules, all checked against the oracle (`tests/golden/stdlib/format.txt`):
//! - A specification is `%[flags][width][.precision]conv` with flags from `-+ #0` in any
//!   number and repetition, at most two width digits and two precision digits. Anything
//!   else is "invalid option '%…' to 'format'", the quoted text running from
//!   the `%` to the offending byte (`%123` / `%.100` / `%l` / `%5%`).
//! - Conversions: `d i` (number truncated to int64; NaN and out-of-range give
//!   -2^63), `u o x X` (to uint64 via `d - 2^64` when `d >= 2^63`), `c` (low byte),
//!   `e E f F g G` (ties round away from zero), `a A` (LuaJIT's hex float),
//!   `s` (precision truncates), `q` (quoted, width and precision ignored), `%%`.
//! - inf and nan print as `inf`, `-inf`, `nan` (never `-nan`, and `+` adds no sign to nan
//!   while a space flag does), upper case for `E F G A`,
//!   padded with spaces even under the `0` flag.
//! - Numbers given to `%s`/`%q` print as `tostring` does; strings given to numeric
//!   conversions are coerced like arithmetic does ("10", " 0x10 ").
//! - Missing argument: "bad argument #n to 'format' (value expected)"; a value that is
//!   not a number for a numeric conversion: "... (number expected, got T)".
//!
//! Rules for whoever changes this file: the engine must never panic on any format
//! (a property test feeds it random bytes); regenerate the golden file after changes.

use super::numfmt;
use std::fmt;

/// One argument of `string.format`, as the binding sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FormatArg<'a> {
    /// A Lua number.
    Num(f64),
    /// A Lua string.
    Str(&'a [u8]),
    /// Any other value; the string is its Lua type name (`"nil"`, `"table"`, ...).
    Other(&'static str),
}

/// An error from [`format()`]; `E` is the binding's error from its `tostring` callback.
#[derive(Debug, Clone, PartialEq)]
pub enum FormatError<E> {
    /// An invalid specification; holds the text from `%` to the offending byte.
    InvalidOption(Vec<u8>),
    /// A bad argument; `arg` is the Lua argument number (the format string is #1).
    BadArgument {
        /// Lua argument position.
        arg: usize,
        /// The parenthesised detail, e.g. "value expected".
        detail: String,
    },
    /// The `tostring` callback failed.
    ToString(E),
}

impl<E: fmt::Display> fmt::Display for FormatError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::InvalidOption(spec) => write!(
                f,
                "invalid option '{}' to 'format'",
                String::from_utf8_lossy(spec)
            ),
            FormatError::BadArgument { arg, detail } => {
                write!(f, "bad argument #{arg} to 'format' ({detail})")
            }
            FormatError::ToString(e) => e.fmt(f),
        }
    }
}

/// A parsed `%` specification.
#[derive(Debug, Clone, Copy, Default)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

/// Parse the specification starting at `fmt[start] == b'%'`; returns it, the
/// conversion byte and the index after it.
fn parse_spec<E>(fmt: &[u8], start: usize) -> Result<(Spec, u8, usize), FormatError<E>> {
    let mut spec = Spec::default();
    let mut i = start + 1;
    // The quoted text stops at a NUL byte, as the reference's C-string message does.
    let invalid = |end: usize| {
        let text = &fmt[start..(end + 1).min(fmt.len())];
        let text = text.split(|&b| b == 0).next().unwrap_or(b"");
        FormatError::InvalidOption(text.to_vec())
    };
    while let Some(&c) = fmt.get(i) {
        match c {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alt = true,
            b'0' => spec.zero = true,
            _ => break,
        }
        i += 1;
    }
    let mut digits = 0;
    while let Some(&c) = fmt.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        if digits == 2 {
            return Err(invalid(i));
        }
        spec.width = spec.width * 10 + (c - b'0') as usize;
        digits += 1;
        i += 1;
    }
    if fmt.get(i) == Some(&b'.') {
        i += 1;
        let mut p = 0;
        let mut digits = 0;
        while let Some(&c) = fmt.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            if digits == 2 {
                return Err(invalid(i));
            }
            p = p * 10 + (c - b'0') as usize;
            digits += 1;
            i += 1;
        }
        spec.precision = Some(p);
    }
    match fmt.get(i) {
        Some(&c) if b"diuoxXcCeEfFgGaAsq".contains(&c) && c != b'C' => Ok((spec, c, i + 1)),
        _ => Err(invalid(i)),
    }
}

/// `double` to int64 as x86's truncating conversion: out of range and NaN give -2^63.
pub fn to_i64(x: f64) -> i64 {
    if x.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// `double` to int32 as x86's truncating conversion: out of range and NaN give -2^31
/// (`%c` uses it: `("%c"):format(12345678901234567)` is "\0").
pub fn to_i32(x: f64) -> i32 {
    if x.is_nan() || x >= 2_147_483_648.0 || x <= -2_147_483_649.0 {
        i32::MIN
    } else {
        x as i32
    }
}

/// `double` to uint64 as LuaJIT's unsigned conversions do it.
pub fn to_u64(x: f64) -> u64 {
    if x >= 9_223_372_036_854_775_808.0 {
        to_i64(x - 18_446_744_073_709_551_616.0) as u64
    } else {
        to_i64(x) as u64
    }
}

/// Append `body` with sign/prefix, padded to the width. `zero_ok` allows zero padding
/// (inserted between `prefix` and `body`).
fn pad(out: &mut Vec<u8>, spec: &Spec, prefix: &[u8], body: &[u8], zero_ok: bool) {
    let len = prefix.len() + body.len();
    let fill = spec.width.saturating_sub(len);
    if spec.left {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.extend(std::iter::repeat_n(b' ', fill));
    } else if spec.zero && zero_ok {
        out.extend_from_slice(prefix);
        out.extend(std::iter::repeat_n(b'0', fill));
        out.extend_from_slice(body);
    } else {
        out.extend(std::iter::repeat_n(b' ', fill));
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

/// The sign text for a non-negative/negative value under the `+` and space flags.
fn sign_text(negative: bool, spec: &Spec) -> &'static [u8] {
    if negative {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    }
}

/// Apply an integer precision: at least `p` digits; `p == 0` and value 0 give nothing.
fn integer_digits(digits: String, is_zero: bool, precision: Option<usize>) -> Vec<u8> {
    match precision {
        Some(0) if is_zero => Vec::new(),
        Some(p) if digits.len() < p => {
            let mut v = vec![b'0'; p - digits.len()];
            v.extend_from_slice(digits.as_bytes());
            v
        }
        _ => digits.into_bytes(),
    }
}

fn format_signed(out: &mut Vec<u8>, spec: &Spec, x: f64) {
    let v = to_i64(x);
    let body = integer_digits(v.unsigned_abs().to_string(), v == 0, spec.precision);
    pad(
        out,
        spec,
        sign_text(v < 0, spec),
        &body,
        spec.precision.is_none(),
    );
}

fn format_unsigned(out: &mut Vec<u8>, spec: &Spec, x: f64, conv: u8) {
    let v = to_u64(x);
    let digits = match conv {
        b'o' => format!("{v:o}"),
        b'x' => format!("{v:x}"),
        b'X' => format!("{v:X}"),
        _ => v.to_string(),
    };
    let mut body = integer_digits(digits, v == 0, spec.precision);
    let mut prefix: &[u8] = b"";
    if spec.alt {
        match conv {
            b'o' if body.first() != Some(&b'0') => body.insert(0, b'0'),
            b'x' if v != 0 => prefix = b"0x",
            b'X' if v != 0 => prefix = b"0X",
            _ => {}
        }
    }
    pad(out, spec, prefix, &body, spec.precision.is_none());
}

fn format_float(out: &mut Vec<u8>, spec: &Spec, x: f64, conv: u8) {
    let upper = conv.is_ascii_uppercase();
    // NaN never gets a minus or a plus sign, but the space flag still applies.
    let sign: &[u8] = if x.is_nan() {
        if spec.space {
            b" "
        } else {
            b""
        }
    } else {
        sign_text(x.is_sign_negative(), spec)
    };
    if !x.is_finite() {
        let text = match (x.is_nan(), upper) {
            (true, false) => "nan",
            (true, true) => "NAN",
            (false, false) => "inf",
            (false, true) => "INF",
        };
        pad(out, spec, sign, text.as_bytes(), false);
        return;
    }
    let a = x.abs();
    let body = match conv {
        b'e' | b'E' => numfmt::fmt_exponent(a, spec.precision.unwrap_or(6), spec.alt, upper),
        b'f' | b'F' => numfmt::fmt_fixed(a, spec.precision.unwrap_or(6), spec.alt),
        b'g' | b'G' => numfmt::fmt_general(a, spec.precision.unwrap_or(6), spec.alt, upper),
        _ => {
            let (prefix, body) = numfmt::fmt_hex_float(a, spec.precision, spec.alt, upper);
            let mut p = sign.to_vec();
            p.extend_from_slice(prefix.as_bytes());
            pad(out, spec, &p, body.as_bytes(), true);
            return;
        }
    };
    pad(out, spec, sign, body.as_bytes(), true);
}

/// Append `s` quoted the way LuaJIT's `%q` does it.
pub fn quote_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for (i, &c) in s.iter().enumerate() {
        match c {
            b'"' | b'\\' => {
                out.push(b'\\');
                out.push(c);
            }
            b'\n' => out.extend_from_slice(b"\\\n"),
            c if c < 0x20 || c == 0x7f => {
                let next_is_digit = s.get(i + 1).is_some_and(u8::is_ascii_digit);
                let text = if next_is_digit {
                    format!("\\{c:03}")
                } else {
                    format!("\\{c}")
                };
                out.extend_from_slice(text.as_bytes());
            }
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// `string.format(fmt, ...)`. `tostring(i)` must return the `tostring` text of
/// `args[i]` when it is [`FormatArg::Other`] (it is only called for `%s` and `%q`).
pub fn format<E>(
    fmt: &[u8],
    args: &[FormatArg<'_>],
    mut tostring: impl FnMut(usize) -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, FormatError<E>> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut next_arg = 0usize;
    let mut i = 0usize;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        if fmt.get(i + 1) == Some(&b'%') {
            out.push(b'%');
            i += 2;
            continue;
        }
        let (spec, conv, after) = parse_spec(fmt, i)?;
        i = after;
        let index = next_arg;
        next_arg += 1;
        let lua_arg = index + 2;
        let arg = *args.get(index).ok_or_else(|| FormatError::BadArgument {
            arg: lua_arg,
            detail: "value expected".into(),
        })?;
        let number = || -> Result<f64, FormatError<E>> {
            let bad = |got: &str| FormatError::BadArgument {
                arg: lua_arg,
                detail: format!("number expected, got {got}"),
            };
            match arg {
                FormatArg::Num(x) => Ok(x),
                FormatArg::Str(s) => numfmt::str_to_number(s).ok_or_else(|| bad("string")),
                FormatArg::Other(t) => Err(bad(t)),
            }
        };
        match conv {
            b'd' | b'i' => format_signed(&mut out, &spec, number()?),
            b'u' | b'o' | b'x' | b'X' => format_unsigned(&mut out, &spec, number()?, conv),
            b'c' => {
                let byte = [to_i32(number()?) as u8];
                pad(&mut out, &spec, b"", &byte, false);
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'a' | b'A' => {
                format_float(&mut out, &spec, number()?, conv)
            }
            _ => {
                // %s and %q
                let owned;
                let text: &[u8] = match arg {
                    FormatArg::Str(s) => s,
                    FormatArg::Num(x) => {
                        owned = numfmt::number_to_string(x).into_bytes();
                        &owned
                    }
                    FormatArg::Other(_) => {
                        owned = tostring(index).map_err(FormatError::ToString)?;
                        &owned
                    }
                };
                if conv == b'q' {
                    quote_string(&mut out, text);
                } else {
                    let text = match spec.precision {
                        Some(p) if p < text.len() => &text[..p],
                        _ => text,
                    };
                    pad(&mut out, &spec, b"", text, false);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, args: &[FormatArg]) -> String {
        let r: Result<_, FormatError<String>> = format(fmt.as_bytes(), args, |_| Ok(b"?".to_vec()));
        match r {
            Ok(v) => String::from_utf8_lossy(&v).into_owned(),
            Err(e) => format!("E:{e}"),
        }
    }

    #[test]
    fn basics() {
        use FormatArg::*;
        assert_eq!(
            f("%d|%5.2f|%s", &[Num(3.7), Num(1.0 / 3.0), Str(b"x")]),
            "3| 0.33|x"
        );
        assert_eq!(f("%x", &[Num(-1.0)]), "ffffffffffffffff");
        assert_eq!(f("%.0f", &[Num(0.5)]), "1");
        assert_eq!(
            f("%123d", &[Num(1.0)]),
            "E:invalid option '%123' to 'format'"
        );
        assert_eq!(
            f("%d", &[]),
            "E:bad argument #2 to 'format' (value expected)"
        );
    }
}
