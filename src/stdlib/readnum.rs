//! `io.read("*n")`: reading a number from a stream, as LuaJIT does it.
//!
//! LuaJIT reads numbers with C's `fscanf(fp, "%lf")`, so the reference is glibc's scanf
//! float conversion, observed on the oracle (`tests/golden/stdlib/readnum.txt`):
//! - Leading whitespace is skipped, then one optional sign.
//! - `inf`/`infinity`/`nan` in any case: each matching byte is consumed; a byte that
//!   breaks the word is consumed too and the read fails (`inx` → nil, nothing left);
//!   a stream ending inside `infinity` fails (`infin` → nil).
//! - `0x`/`0X` right at the start switches to hex: hex digits, one `.`, then `p` with an
//!   optional sign and digits, only after a digit. It succeeds with a digit or a `.`
//!   (`0x.` is 0, `0x` alone fails).
//! - Decimal: digits, one `.`, then `e` (only after a digit) with an optional sign right
//!   after it. It succeeds when a digit was read.
//! - Reading stops at the first byte that cannot extend the number; that byte stays in
//!   the stream (`1..2` reads 1 and leaves `.2`). An incomplete exponent is ignored
//!   (`1e+x` reads 1, leaves `x`). Consumed bytes stay consumed on failure.
//!
//! Rules for whoever changes this file: the stream interface is all the engine needs;
//! keep the byte-by-byte consumption identical (it is observable by the next read).

use super::numfmt;

/// A byte stream with one byte of look-ahead.
pub trait ByteStream {
    /// The next byte without consuming it; `None` at end of stream.
    fn peek(&mut self) -> Option<u8>;
    /// Consume the byte `peek` returned.
    fn bump(&mut self);
}

/// A [`ByteStream`] over a slice; `pos` is how far it has been consumed.
#[derive(Debug, Clone)]
pub struct SliceStream<'a> {
    /// The bytes.
    pub bytes: &'a [u8],
    /// Bytes consumed so far.
    pub pos: usize,
}

impl ByteStream for SliceStream<'_> {
    fn peek(&mut self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }
    fn bump(&mut self) {
        self.pos = (self.pos + 1).min(self.bytes.len());
    }
}

/// Consume `word` case-insensitively; false (with the mismatching byte consumed) if the
/// stream does not spell it.
fn expect_word<S: ByteStream>(s: &mut S, word: &[u8]) -> bool {
    for &w in word {
        match s.peek() {
            Some(c) if c.to_ascii_lowercase() == w => s.bump(),
            Some(_) => {
                s.bump();
                return false;
            }
            None => return false,
        }
    }
    true
}

/// `io.read("*n")`: the number read, or `None` (nil). Bytes are consumed as glibc does.
pub fn read_number<S: ByteStream>(s: &mut S) -> Option<f64> {
    while s.peek().is_some_and(numfmt::is_lua_space) {
        s.bump();
    }
    let mut negative = false;
    if let Some(c @ (b'+' | b'-')) = s.peek() {
        negative = c == b'-';
        s.bump();
    }
    let sign = |x: f64| if negative { -x } else { x };
    match s.peek().map(|c| c.to_ascii_lowercase()) {
        Some(b'i') => {
            if !expect_word(s, b"inf") {
                return None;
            }
            if s.peek().map(|c| c.to_ascii_lowercase()) == Some(b'i') && !expect_word(s, b"inity") {
                return None;
            }
            return Some(sign(f64::INFINITY));
        }
        Some(b'n') => {
            return expect_word(s, b"nan").then_some(f64::NAN);
        }
        _ => {}
    }
    // Collect the numeric text as it is consumed.
    let mut text: Vec<u8> = Vec::new();
    let mut hex = false;
    if s.peek() == Some(b'0') {
        s.bump();
        text.push(b'0');
        if s.peek().map(|c| c | 0x20) == Some(b'x') {
            s.bump();
            hex = true;
            text.clear();
        }
    }
    let mut got_digit = !text.is_empty();
    let mut got_dot = false;
    let mut got_exp = false;
    let mut exp_digits = 0usize;
    let mut mantissa_end = 0usize;
    let exp_char = if hex { b'p' } else { b'e' };
    while let Some(c) = s.peek() {
        let last = text.last().copied();
        let accept = if got_exp {
            c.is_ascii_digit()
                || (matches!(c, b'+' | b'-') && last.map(|l| l | 0x20) == Some(exp_char))
        } else if (hex && c.is_ascii_hexdigit()) || (!hex && c.is_ascii_digit()) {
            got_digit = true;
            true
        } else if c == b'.' && !got_dot {
            got_dot = true;
            true
        } else if (c | 0x20) == exp_char && got_digit {
            got_exp = true;
            mantissa_end = text.len();
            true
        } else {
            false
        };
        if !accept {
            break;
        }
        if got_exp && c.is_ascii_digit() {
            exp_digits += 1;
        }
        text.push(c);
        s.bump();
    }
    if !(got_digit || (hex && got_dot)) {
        return None;
    }
    // An exponent without digits is ignored.
    if got_exp && exp_digits == 0 {
        text.truncate(mantissa_end);
    }
    if hex && !got_digit {
        return Some(sign(0.0));
    }
    let mut full = if hex { b"0x".to_vec() } else { Vec::new() };
    full.extend_from_slice(&text);
    // Huge exponents saturate (glibc gives inf or 0 where tonumber would refuse).
    let value = numfmt::str_to_number(&full).unwrap_or_else(|| saturated(&text, hex));
    Some(sign(value))
}

/// The value of a syntactically valid number whose exponent is out of `str_to_number`'s
/// range: infinity for a positive exponent with a nonzero mantissa, else zero.
fn saturated(text: &[u8], hex: bool) -> f64 {
    let exp_char = if hex { b'p' } else { b'e' };
    let (mantissa, exponent) = match text.iter().position(|&c| (c | 0x20) == exp_char) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, &b""[..]),
    };
    let nonzero = mantissa.iter().any(|&c| c.is_ascii_hexdigit() && c != b'0');
    if nonzero && exponent.first() != Some(&b'-') {
        f64::INFINITY
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> (Option<f64>, String) {
        let mut st = SliceStream {
            bytes: s.as_bytes(),
            pos: 0,
        };
        let v = read_number(&mut st);
        (v, s[st.pos..].to_string())
    }

    #[test]
    fn examples() {
        assert_eq!(read("0x10 rest"), (Some(16.0), " rest".into()));
        assert_eq!(read("1..2"), (Some(1.0), ".2".into()));
        assert_eq!(read("1e+x"), (Some(1.0), "x".into()));
        assert_eq!(read("inx"), (None, "".into()));
        assert_eq!(read("--5"), (None, "-5".into()));
        assert_eq!(read("0x."), (Some(0.0), "".into()));
    }
}
