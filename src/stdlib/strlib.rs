//! Index arithmetic and byte transforms of the simple `string` functions, as LuaJIT does
//! them: `sub`, `byte`, `rep`, `char`, `upper`, `lower`, `reverse`.
//!
//! Integer arguments go through [`lua_int_arg`], LuaJIT's `lj_lib_checkint` conversion:
//! truncation toward zero to int32, with NaN and out-of-range values becoming -2^31
//! (`("hello"):sub(2^53)` is the whole string, `("ab"):rep(1e10)` is empty).
//! Positions are 1-based; negative ones count from the end.
//!
//! Rules for whoever changes this file: every function is total; `tests/golden/stdlib/misc.txt`
//! pins the behaviour.

use std::ops::Range;

/// LuaJIT's limit on string length; longer `rep` results fail with "not enough memory".
pub const MAX_STRING_LEN: usize = 0x7fff_ff00;

/// A number argument converted as `lj_lib_checkint` does (x86 `cvttsd2si` to int32).
pub fn lua_int_arg(x: f64) -> i32 {
    super::format::to_i32(x)
}

/// Normalise a start position: negative from the end, below 1 becomes 1.
fn start_pos(i: i32, len: usize) -> i64 {
    let len = len as i64;
    let i = i as i64;
    let p = if i < 0 { len + i + 1 } else { i };
    p.max(1)
}

/// Normalise an end position: negative from the end, past the end becomes the end.
fn end_pos(j: i32, len: usize) -> i64 {
    let len = len as i64;
    let j = j as i64;
    let p = if j < 0 { len + j + 1 } else { j };
    p.min(len)
}

/// `string.sub(s, i [, j])` as a byte range of `s` (`j` defaults to -1).
pub fn sub_range(len: usize, i: i32, j: i32) -> Range<usize> {
    let start = start_pos(i, len);
    let end = end_pos(j, len);
    if start > end {
        0..0
    } else {
        (start - 1) as usize..end as usize
    }
}

/// `string.byte(s [, i [, j]])`: the byte range whose values are returned
/// (`i` defaults to 1, `j` to `i`).
pub fn byte_range(len: usize, i: i32, j: i32) -> Range<usize> {
    sub_range(len, i, j)
}

/// Why `string.rep` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepError {
    /// The result would exceed [`MAX_STRING_LEN`]: "not enough memory".
    TooLarge,
}

/// `string.rep(s, n [, sep])`.
pub fn rep(s: &[u8], n: i32, sep: &[u8]) -> Result<Vec<u8>, RepError> {
    if n <= 0 || (s.is_empty() && sep.is_empty()) {
        return Ok(Vec::new());
    }
    let n = n as usize;
    let total = (s.len() as u128) * n as u128 + (sep.len() as u128) * (n as u128 - 1);
    if total > MAX_STRING_LEN as u128 {
        return Err(RepError::TooLarge);
    }
    let mut out = Vec::with_capacity(total as usize);
    for k in 0..n {
        if k > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(s);
    }
    Ok(out)
}

/// `string.char(...)`: `Err(k)` names the 0-based argument that is not in 0..=255
/// (the binding raises "bad argument #k+1 to 'char' (invalid value)").
pub fn char_bytes(codes: &[i32]) -> Result<Vec<u8>, usize> {
    codes
        .iter()
        .enumerate()
        .map(|(k, &c)| u8::try_from(c).map_err(|_| k))
        .collect()
}

/// `string.upper`: ASCII only (C locale).
pub fn upper(s: &[u8]) -> Vec<u8> {
    s.to_ascii_uppercase()
}

/// `string.lower`: ASCII only (C locale).
pub fn lower(s: &[u8]) -> Vec<u8> {
    s.to_ascii_lowercase()
}

/// `string.reverse`.
pub fn reverse(s: &[u8]) -> Vec<u8> {
    s.iter().rev().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(sub_range(5, 2, -2), 1..4);
        assert_eq!(sub_range(5, -100, 100), 0..5);
        assert_eq!(sub_range(5, 3, 2), 0..0);
        assert_eq!(sub_range(5, lua_int_arg(2f64.powi(53)), -1), 0..5);
    }

    #[test]
    fn rep_and_char() {
        assert_eq!(rep(b"ab", 3, b","), Ok(b"ab,ab,ab".to_vec()));
        assert_eq!(rep(b"ab", lua_int_arg(1e10), b""), Ok(Vec::new()));
        assert_eq!(rep(b"x", i32::MAX, b""), Err(RepError::TooLarge));
        assert_eq!(char_bytes(&[72, 256]), Err(1));
        // Must not loop 2^31 times doing nothing.
        assert_eq!(rep(b"", i32::MAX, b""), Ok(Vec::new()));
    }
}
