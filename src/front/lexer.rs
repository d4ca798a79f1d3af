//! The lexer: Lua 5.1 source bytes to tokens, with LuaJIT 2.1's extensions.
//!
//! The lexer works one byte at a time with a single byte of look-ahead (`cur`, `-1` at end
//! of input), exactly like LuaJIT's scanner, because the parser's error messages depend on
//! its state: the line number of an error is the line the scanner has reached, and the
//! `near '...'` text of a name, string or number token is the *save buffer* — the raw text
//! collected while scanning the most recent such token (string escapes already translated,
//! quotes kept; a partial string when the error happened inside it). The buffer is reset
//! at the start of every token scan, including the scan of a look-ahead token.
//!
//! Accepted beyond Lua 5.1 (as LuaJIT 2.1 accepts it): `goto` and `::label::` tokens,
//! `\x` hex escapes, `\z` whitespace skipping, `\u{XXX}` UTF-8 escapes (up to U+10FFFF, no
//! surrogates), hexadecimal floats with `p` exponents, and bytes >= 0x80 as identifier
//! characters. LuaJIT's FFI number suffixes (`1LL`, `1ULL`, `1i`) produce cdata constants
//! there; skein has no FFI, so they are rejected as malformed numbers.
//!
//! Rules for whoever changes this file: keep every error on the [`Lexer::error`] path so
//! the message format stays `chunk:line: message near 'token'`; never index the source
//! without a bounds check (all input is untrusted).

use super::CompileError;

/// End-of-input marker for [`Lexer::cur`].
const EOF: i32 = -1;

/// A token kind. Single-character tokens carry their byte.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    /// A single-character token such as `+` or `(`.
    Char(u8),
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    /// `..`
    Concat,
    /// `...`
    Dots,
    /// `==`
    Eq,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `~=`
    Ne,
    /// `::`
    Label,
    Number,
    Name,
    String,
    Eof,
}

const RESERVED: &[(&[u8], Tok)] = &[
    (b"and", Tok::And),
    (b"break", Tok::Break),
    (b"do", Tok::Do),
    (b"else", Tok::Else),
    (b"elseif", Tok::Elseif),
    (b"end", Tok::End),
    (b"false", Tok::False),
    (b"for", Tok::For),
    (b"function", Tok::Function),
    (b"goto", Tok::Goto),
    (b"if", Tok::If),
    (b"in", Tok::In),
    (b"local", Tok::Local),
    (b"nil", Tok::Nil),
    (b"not", Tok::Not),
    (b"or", Tok::Or),
    (b"repeat", Tok::Repeat),
    (b"return", Tok::Return),
    (b"then", Tok::Then),
    (b"true", Tok::True),
    (b"until", Tok::Until),
    (b"while", Tok::While),
];

impl Tok {
    /// The token as LuaJIT names it in messages (`'<name>' expected`, `near 'end'`).
    pub(super) fn name(self) -> String {
        match self {
            Tok::Char(c) => {
                if c < 32 || c == 127 {
                    format!("char({c})")
                } else {
                    (c as char).to_string()
                }
            }
            Tok::Concat => "..".into(),
            Tok::Dots => "...".into(),
            Tok::Eq => "==".into(),
            Tok::Ge => ">=".into(),
            Tok::Le => "<=".into(),
            Tok::Ne => "~=".into(),
            Tok::Label => "::".into(),
            Tok::Number => "<number>".into(),
            Tok::Name => "<name>".into(),
            Tok::String => "<string>".into(),
            Tok::Eof => "<eof>".into(),
            kw => {
                let (word, _) = RESERVED
                    .iter()
                    .find(|(_, t)| *t == kw)
                    .copied()
                    .unwrap_or((b"?", Tok::Eof));
                String::from_utf8_lossy(word).into()
            }
        }
    }
}

/// The semantic value of a token.
#[derive(Clone, Debug, Default)]
pub(super) enum TokVal {
    /// No value (operators, keywords).
    #[default]
    None,
    /// A number literal.
    Num(f64),
    /// A name or string literal.
    Str(Vec<u8>),
}

/// Scanner state. `tok`/`val` is the current token, `ahead`/`ahead_val` an optional
/// look-ahead token (`Tok::Eof` when there is none, as in LuaJIT).
pub(super) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    cur: i32,
    /// Line the scanner is on.
    pub(super) line: u32,
    /// Line of the end of the previously consumed token.
    pub(super) lastline: u32,
    /// Current token.
    pub(super) tok: Tok,
    /// Current token's value.
    pub(super) val: TokVal,
    ahead: Tok,
    ahead_val: TokVal,
    buf: Vec<u8>,
    chunk: String,
    /// Set when the input starts like a bytecode dump (LuaJIT's message for it).
    pub(super) bytecode_error: Option<String>,
}

fn is_ident(c: i32) -> bool {
    c >= 0x80 || (c >= 0 && ((c as u8).is_ascii_alphanumeric() || c == b'_' as i32))
}
fn is_digit(c: i32) -> bool {
    (b'0' as i32..=b'9' as i32).contains(&c)
}
fn is_xdigit(c: i32) -> bool {
    (0..128).contains(&c) && (c as u8).is_ascii_hexdigit()
}
fn is_space(c: i32) -> bool {
    matches!(c, 0x20 | 0x09..=0x0d)
}

impl<'a> Lexer<'a> {
    /// Sets up a scanner over `src`; `chunk` is the short source name for messages.
    pub(super) fn new(src: &'a [u8], chunk: String) -> Self {
        let mut lx = Lexer {
            src,
            pos: 0,
            cur: EOF,
            line: 1,
            lastline: 1,
            tok: Tok::Eof,
            val: TokVal::None,
            ahead: Tok::Eof,
            ahead_val: TokVal::None,
            buf: Vec::new(),
            chunk,
            bytecode_error: None,
        };
        lx.next_char();
        let mut header = false;
        if src.starts_with(b"\xef\xbb\xbf") {
            // Skip a UTF-8 byte order mark.
            lx.pos = 3;
            lx.next_char();
            header = true;
        }
        if lx.cur == b'#' as i32 {
            // Skip a POSIX `#!` header line, including its end of line.
            while lx.cur != EOF && !lx.is_eol() {
                lx.next_char();
            }
            if lx.is_eol() {
                let _ = lx.newline(); // Line 2 cannot exceed the line limit.
            }
            header = true;
        }
        if lx.cur == 0x1b {
            // LuaJIT would load a bytecode dump here; skein's front end only reads source.
            lx.bytecode_error = Some(if header {
                "cannot load malformed bytecode".to_string()
            } else {
                format!("{}: cannot load incompatible bytecode", lx.chunk)
            });
        }
        lx
    }

    /// Formats a message as `chunk:line: msg [near 'tok']`.
    pub(super) fn error_at(&self, line: u32, tok: Option<Tok>, msg: &str) -> CompileError {
        let mut message = format!("{}:{}: {}", self.chunk, line, msg);
        // LuaJIT treats token 0 (a NUL byte) as "no token", and formats the token text
        // as a C string, so it ends at the first NUL byte.
        if let Some(t) = tok.filter(|&t| t != Tok::Char(0)) {
            let near = match t {
                Tok::Name | Tok::String | Tok::Number => {
                    let text = self.buf.split(|&b| b == 0).next().unwrap_or(&[]);
                    String::from_utf8_lossy(text).into_owned()
                }
                t => t.name(),
            };
            message.push_str(&format!(" near '{near}'"));
        }
        CompileError { message }
    }

    /// An error at the scanner's current line.
    pub(super) fn error(&self, tok: Option<Tok>, msg: &str) -> CompileError {
        self.error_at(self.line, tok, msg)
    }

    fn next_char(&mut self) -> i32 {
        self.cur = match self.src.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b as i32
            }
            None => EOF,
        };
        self.cur
    }

    fn save(&mut self, c: i32) {
        self.buf.push(c as u8);
    }

    fn save_next(&mut self) -> i32 {
        self.save(self.cur);
        self.next_char()
    }

    fn is_eol(&self) -> bool {
        self.cur == b'\n' as i32 || self.cur == b'\r' as i32
    }

    fn newline(&mut self) -> Result<(), CompileError> {
        let old = self.cur;
        self.next_char();
        if self.is_eol() && self.cur != old {
            self.next_char();
        }
        self.line += 1;
        if self.line >= 0x7fff_ff00 {
            return Err(self.error(None, "chunk has too many lines"));
        }
        Ok(())
    }

    /// Advances to the next token (taking the look-ahead token if there is one).
    pub(super) fn next(&mut self) -> Result<(), CompileError> {
        self.lastline = self.line;
        if self.ahead == Tok::Eof {
            let (t, v) = self.scan()?;
            self.tok = t;
            self.val = v;
        } else {
            self.tok = self.ahead;
            self.ahead = Tok::Eof;
            self.val = std::mem::take(&mut self.ahead_val);
        }
        Ok(())
    }

    /// Scans the look-ahead token and returns its kind.
    pub(super) fn lookahead(&mut self) -> Result<Tok, CompileError> {
        let (t, v) = self.scan()?;
        self.ahead = t;
        self.ahead_val = v;
        Ok(t)
    }

    /// Counts `=` signs of a long bracket; returns the level, or `-count-1` if the second
    /// bracket is missing.
    fn skip_eq(&mut self) -> i64 {
        let s = self.cur;
        let mut count: i64 = 0;
        while self.save_next() == b'=' as i32 {
            count += 1;
        }
        if self.cur == s {
            count
        } else {
            -count - 1
        }
    }

    fn long_string(&mut self, sep: usize, is_string: bool) -> Result<TokVal, CompileError> {
        self.save_next(); // second `[`
        if self.is_eol() {
            self.newline()?;
        }
        loop {
            match self.cur {
                EOF => {
                    let msg = if is_string {
                        "unfinished long string"
                    } else {
                        "unfinished long comment"
                    };
                    return Err(self.error(Some(Tok::Eof), msg));
                }
                0x5d => {
                    // `]`
                    if self.skip_eq() == sep as i64 {
                        self.save_next();
                        break;
                    }
                }
                0x0a | 0x0d => {
                    self.save(b'\n' as i32);
                    self.newline()?;
                    if !is_string {
                        self.buf.clear();
                    }
                }
                _ => {
                    if is_string {
                        self.save_next();
                    } else {
                        self.next_char();
                    }
                }
            }
        }
        if is_string {
            let n = self.buf.len();
            let lo = (2 + sep).min(n);
            let hi = n.saturating_sub(2 + sep).max(lo);
            Ok(TokVal::Str(self.buf[lo..hi].to_vec()))
        } else {
            Ok(TokVal::None)
        }
    }

    fn esc_error(&self) -> CompileError {
        self.error(Some(Tok::String), "invalid escape sequence")
    }

    fn string(&mut self) -> Result<TokVal, CompileError> {
        let delim = self.cur;
        self.save_next();
        while self.cur != delim {
            match self.cur {
                EOF => return Err(self.error(Some(Tok::Eof), "unfinished string")),
                0x0a | 0x0d => return Err(self.error(Some(Tok::String), "unfinished string")),
                0x5c => {
                    // Backslash.
                    let c = self.next_char();
                    let value: i32 = match c {
                        0x61 => 7,  // \a
                        0x62 => 8,  // \b
                        0x66 => 12, // \f
                        0x6e => 10, // \n
                        0x72 => 13, // \r
                        0x74 => 9,  // \t
                        0x76 => 11, // \v
                        0x78 => {
                            // \xXX
                            let mut v = 0;
                            for _ in 0..2 {
                                let h = self.next_char();
                                if !is_xdigit(h) {
                                    return Err(self.esc_error());
                                }
                                v = v * 16 + (h as u8 as char).to_digit(16).unwrap_or(0) as i32;
                            }
                            v
                        }
                        0x75 => {
                            // \u{XXX}
                            if self.next_char() != b'{' as i32 {
                                return Err(self.esc_error());
                            }
                            self.next_char();
                            let mut v: u32 = 0;
                            loop {
                                if !is_xdigit(self.cur) {
                                    return Err(self.esc_error());
                                }
                                v = (v << 4) | (self.cur as u8 as char).to_digit(16).unwrap_or(0);
                                if v >= 0x110000 {
                                    return Err(self.esc_error());
                                }
                                if self.next_char() == b'}' as i32 {
                                    break;
                                }
                            }
                            if (0xd800..0xe000).contains(&v) {
                                return Err(self.esc_error());
                            }
                            let ch = char::from_u32(v).unwrap_or('\u{fffd}');
                            let mut tmp = [0u8; 4];
                            let enc = ch.encode_utf8(&mut tmp).as_bytes();
                            let (last, head) = enc.split_last().unwrap_or((&0, &[]));
                            for &b in head {
                                self.save(b as i32);
                            }
                            *last as i32
                        }
                        0x7a => {
                            // \z: skip following whitespace.
                            self.next_char();
                            while is_space(self.cur) {
                                if self.is_eol() {
                                    self.newline()?;
                                } else {
                                    self.next_char();
                                }
                            }
                            continue;
                        }
                        0x0a | 0x0d => {
                            self.save(b'\n' as i32);
                            self.newline()?;
                            continue;
                        }
                        0x5c | 0x22 | 0x27 => c,
                        EOF => continue,
                        _ => {
                            if !is_digit(c) {
                                return Err(self.esc_error());
                            }
                            let mut v = c - b'0' as i32;
                            if is_digit(self.next_char()) {
                                v = v * 10 + (self.cur - b'0' as i32);
                                if is_digit(self.next_char()) {
                                    v = v * 10 + (self.cur - b'0' as i32);
                                    if v > 255 {
                                        return Err(self.esc_error());
                                    }
                                    self.next_char();
                                }
                            }
                            self.save(v);
                            continue;
                        }
                    };
                    self.save(value);
                    self.next_char();
                }
                _ => {
                    self.save_next();
                }
            }
        }
        self.save_next();
        let n = self.buf.len();
        Ok(TokVal::Str(self.buf[1..n - 1].to_vec()))
    }

    fn number(&mut self) -> Result<TokVal, CompileError> {
        let mut xp = b'e' as i32;
        let mut c = self.cur;
        if c == b'0' as i32 && (self.save_next() | 0x20) == b'x' as i32 {
            xp = b'p' as i32;
        }
        while is_ident(self.cur)
            || self.cur == b'.' as i32
            || ((self.cur == b'-' as i32 || self.cur == b'+' as i32) && (c | 0x20) == xp)
        {
            c = self.cur;
            self.save_next();
        }
        match parse_number(&self.buf) {
            Some(n) => Ok(TokVal::Num(n)),
            None => Err(self.error(Some(Tok::Number), "malformed number")),
        }
    }

    fn scan(&mut self) -> Result<(Tok, TokVal), CompileError> {
        self.buf.clear();
        loop {
            let c = self.cur;
            if is_ident(c) {
                if is_digit(c) {
                    let v = self.number()?;
                    return Ok((Tok::Number, v));
                }
                while is_ident(self.cur) {
                    self.save_next();
                }
                if let Some((_, t)) = RESERVED.iter().find(|(w, _)| *w == &self.buf[..]) {
                    return Ok((*t, TokVal::None));
                }
                return Ok((Tok::Name, TokVal::Str(self.buf.clone())));
            }
            let single = |lx: &mut Self, second: u8, two: Tok, one: u8| {
                lx.next_char();
                if lx.cur != second as i32 {
                    Tok::Char(one)
                } else {
                    lx.next_char();
                    two
                }
            };
            let tok = match c {
                0x0a | 0x0d => {
                    self.newline()?;
                    continue;
                }
                0x20 | 0x09 | 0x0b | 0x0c => {
                    self.next_char();
                    continue;
                }
                0x2d => {
                    // `-` or a comment.
                    if self.next_char() != b'-' as i32 {
                        return Ok((Tok::Char(b'-'), TokVal::None));
                    }
                    self.next_char();
                    if self.cur == b'[' as i32 {
                        let sep = self.skip_eq();
                        self.buf.clear();
                        if sep >= 0 {
                            self.long_string(sep as usize, false)?;
                            self.buf.clear();
                            continue;
                        }
                    }
                    while !self.is_eol() && self.cur != EOF {
                        self.next_char();
                    }
                    continue;
                }
                0x5b => {
                    // `[`
                    let sep = self.skip_eq();
                    if sep >= 0 {
                        let v = self.long_string(sep as usize, true)?;
                        return Ok((Tok::String, v));
                    } else if sep == -1 {
                        return Ok((Tok::Char(b'['), TokVal::None));
                    } else {
                        return Err(self.error(Some(Tok::String), "invalid long string delimiter"));
                    }
                }
                0x3d => single(self, b'=', Tok::Eq, b'='),
                0x3c => single(self, b'=', Tok::Le, b'<'),
                0x3e => single(self, b'=', Tok::Ge, b'>'),
                0x7e => single(self, b'=', Tok::Ne, b'~'),
                0x3a => single(self, b':', Tok::Label, b':'),
                0x22 | 0x27 => {
                    let v = self.string()?;
                    return Ok((Tok::String, v));
                }
                0x2e => {
                    // `.`, `..`, `...` or a number.
                    if self.save_next() == b'.' as i32 {
                        self.next_char();
                        if self.cur == b'.' as i32 {
                            self.next_char();
                            Tok::Dots
                        } else {
                            Tok::Concat
                        }
                    } else if !is_digit(self.cur) {
                        Tok::Char(b'.')
                    } else {
                        let v = self.number()?;
                        return Ok((Tok::Number, v));
                    }
                }
                EOF => Tok::Eof,
                _ => {
                    self.next_char();
                    Tok::Char(c as u8)
                }
            };
            return Ok((tok, TokVal::None));
        }
    }
}

/// Parses a number literal the way LuaJIT's string scanner does for Lua source (decimal
/// with optional fraction and exponent, or hexadecimal with optional fraction and binary
/// exponent). Returns `None` for malformed text.
pub(super) fn parse_number(text: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(text).ok()?;
    let lower = s.to_ascii_lowercase();
    if let Some(hex) = lower.strip_prefix("0x") {
        return parse_hex(hex);
    }
    // Decimal: digits [. digits] [e [+-] digits], at least one mantissa digit.
    let b = lower.as_bytes();
    let mut i = 0;
    let mut mant = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mant += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mant += 1;
        }
    }
    if mant == 0 {
        return None;
    }
    if i < b.len() && b[i] == b'e' {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    // Rust's parser needs a digit before an exponent after a trailing dot ("1.e5").
    let fixed = lower.replace(".e", ".0e");
    fixed.parse::<f64>().ok()
}

fn parse_hex(hex: &str) -> Option<f64> {
    let b = hex.as_bytes();
    let mut i = 0;
    let mut mant: u64 = 0;
    let mut exp: i64 = 0;
    let mut digits = 0;
    let mut sticky = false;
    let mut seen_dot = false;
    while i < b.len() {
        let c = b[i];
        if c == b'.' {
            if seen_dot {
                return None;
            }
            seen_dot = true;
        } else if let Some(d) = (c as char).to_digit(16) {
            digits += 1;
            if mant >> 56 == 0 {
                mant = mant * 16 + d as u64;
                if seen_dot {
                    exp -= 4;
                }
            } else {
                sticky |= d != 0;
                if !seen_dot {
                    exp += 4;
                }
            }
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && b[i] == b'p' {
        i += 1;
        let mut neg = false;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            neg = b[i] == b'-';
            i += 1;
        }
        let start = i;
        let mut e: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            e = (e * 10 + (b[i] - b'0') as i64).min(1 << 20);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp += if neg { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    if sticky {
        mant |= 1;
    }
    // mant has at most 60 significant bits; convert with a single rounding when possible.
    let v = mant as f64;
    Some(scale_pow2(v, exp))
}

fn scale_pow2(mut v: f64, mut exp: i64) -> f64 {
    while exp > 0 {
        let step = exp.min(1000);
        v *= 2f64.powi(step as i32);
        exp -= step;
    }
    while exp < 0 {
        let step = (-exp).min(1000);
        v /= 2f64.powi(step as i32);
        exp += step;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::parse_number;

    #[test]
    fn numbers() {
        assert_eq!(parse_number(b"10"), Some(10.0));
        assert_eq!(parse_number(b"1.5e3"), Some(1500.0));
        assert_eq!(parse_number(b".5"), Some(0.5));
        assert_eq!(parse_number(b"1."), Some(1.0));
        assert_eq!(parse_number(b"1.e2"), Some(100.0));
        assert_eq!(parse_number(b"0x10"), Some(16.0));
        assert_eq!(parse_number(b"0x1p4"), Some(16.0));
        assert_eq!(parse_number(b"0x.8"), Some(0.5));
        assert_eq!(
            parse_number(b"0xffffffffffffffff"),
            Some(18446744073709551615.0)
        );
        assert_eq!(parse_number(b"3x"), None);
        assert_eq!(parse_number(b"1e"), None);
        assert_eq!(parse_number(b"0x"), None);
        assert_eq!(parse_number(b"1LL"), None);
    }
}
