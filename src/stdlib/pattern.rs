//! The Lua 5.1 pattern language over byte strings, behaving like LuaJIT 2.1.
//!
//! This is the engine behind `string.find`, `string.match`, `string.gmatch` and
//! `string.gsub`. It knows nothing about the VM: subjects and patterns are `&[u8]`,
//! results are byte ranges and positions, and the binding turns them into Lua values.
//!
//! # How matching works
//! The pattern is interpreted directly, never compiled, because errors in a pattern are
//! found lazily, exactly when the matcher reaches the faulty item: `("xyz"):find("a[a")`
//! returns nil while `("abc"):find("a[a")` raises "malformed pattern (missing ']')".
//! `MatchState::do_match` is a backtracking matcher with the classic shape: single
//! items followed by a plain character loop without recursion; `?`, `*`, `-`, captures
//! and end-of-capture recurse for the rest of the pattern.
//!
//! # Rules for whoever changes this file
//! - Which constructs recurse and which loop is observable: LuaJIT allows at most
//!   [`MAX_MATCH_DEPTH`] nested matcher calls and raises "pattern too complex" past it
//!   (`("a"):rep(199)` against `("a?"):rep(199)` matches, 200 does not). Keep the
//!   recursion structure when refactoring; the explicit depth limit is also what keeps
//!   the Rust stack safe on any pattern.
//! - The matcher sees the pattern only up to its first NUL byte (LuaJIT's matcher reads
//!   it as a C string), but the "has no special characters" test used by `find` scans the
//!   whole pattern: `("a\0%"):find("a\0%")` gives 1,1 and `("ab"):find("a\0b")` gives nil.
//! - Past the end of the subject the matcher sees a NUL byte (frontier `%f` relies on it).
//! - Character classes use the C locale: bytes >= 128 are in no class. LuaJIT also
//!   knows `%g` (printable except space, C's `isgraph`), a Lua 5.2 addition.
//! - Never panic: every index is checked, every error is a [`PatternError`].

use std::fmt;
use std::ops::Range;

/// Most captures a pattern may open (LUA_MAXCAPTURES).
pub const MAX_CAPTURES: usize = 32;

/// Most nested matcher calls before "pattern too complex" (LuaJIT's limit).
pub const MAX_MATCH_DEPTH: usize = 200;

/// The byte that escapes classes and specials in patterns.
const ESCAPE: u8 = b'%';

/// Characters whose presence makes `find` use the matcher rather than a plain search.
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// An error raised by a pattern; [`fmt::Display`] gives LuaJIT's exact message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternError {
    /// The pattern ends with a lone `%`.
    EndsWithPercent,
    /// A set `[...]` has no closing `]`.
    MissingBracket,
    /// `%b` without its two delimiter characters.
    UnbalancedPattern,
    /// `%f` not followed by `[`.
    MissingFrontierSet,
    /// A back-reference or replacement `%n` names a capture that does not exist or is open.
    InvalidCaptureIndex,
    /// `)` without a matching `(`.
    InvalidPatternCapture,
    /// A capture is still open when its value is needed.
    UnfinishedCapture,
    /// More than [`MAX_CAPTURES`] captures.
    TooManyCaptures,
    /// More than [`MAX_MATCH_DEPTH`] nested matcher calls.
    TooComplex,
}

impl PatternError {
    /// LuaJIT's message text for this error (without position information).
    pub fn message(self) -> &'static str {
        match self {
            PatternError::EndsWithPercent => "malformed pattern (ends with '%')",
            PatternError::MissingBracket => "malformed pattern (missing ']')",
            PatternError::UnbalancedPattern => "unbalanced pattern",
            PatternError::MissingFrontierSet => "missing '[' after '%f' in pattern",
            PatternError::InvalidCaptureIndex => "invalid capture index",
            PatternError::InvalidPatternCapture => "invalid pattern capture",
            PatternError::UnfinishedCapture => "unfinished capture",
            PatternError::TooManyCaptures => "too many captures",
            PatternError::TooComplex => "pattern too complex",
        }
    }
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for PatternError {}

/// A capture value, ready for the binding to turn into a Lua value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Capture {
    /// A substring of the subject, as a byte range.
    Str(Range<usize>),
    /// A position capture `()`: the Lua (1-based) position, a number in Lua.
    Position(usize),
}

/// One capture slot as the matcher keeps it while matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Opened by `(` and not yet closed.
    Open { start: usize },
    /// A closed substring capture.
    Closed { start: usize, end: usize },
    /// A position capture `()` at this 0-based offset.
    Position { offset: usize },
}

/// A successful match: the matched byte range and the capture slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The whole match as a 0-based half-open byte range of the subject.
    pub range: Range<usize>,
    slots: Vec<Slot>,
}

impl Match {
    /// Number of captures the pattern opened (not counting the whole match).
    pub fn capture_count(&self) -> usize {
        self.slots.len()
    }

    /// The capture with 0-based index `index`, as Lua's `get_onecapture`: with no
    /// captures at all, index 0 is the whole match; an open capture is an error.
    pub fn capture(&self, index: usize) -> Result<Capture, PatternError> {
        match self.slots.get(index) {
            None if index == 0 => Ok(Capture::Str(self.range.clone())),
            None => Err(PatternError::InvalidCaptureIndex),
            Some(Slot::Open { .. }) => Err(PatternError::UnfinishedCapture),
            Some(Slot::Closed { start, end }) => Ok(Capture::Str(*start..*end)),
            Some(Slot::Position { offset }) => Ok(Capture::Position(offset + 1)),
        }
    }

    /// The explicit captures only (what `string.find` returns after the positions).
    pub fn captures(&self) -> Result<Vec<Capture>, PatternError> {
        (0..self.slots.len()).map(|i| self.capture(i)).collect()
    }

    /// The values of `string.match` / `string.gmatch`: the captures, or the whole
    /// match when the pattern has none.
    pub fn values(&self) -> Result<Vec<Capture>, PatternError> {
        let n = self.slots.len().max(1);
        (0..n).map(|i| self.capture(i)).collect()
    }

    /// The Lua (1-based, inclusive) start and end positions that `string.find` returns.
    pub fn lua_span(&self) -> (usize, usize) {
        (self.range.start + 1, self.range.end)
    }
}

/// The state of one match attempt: subject, pattern, captures, depth budget.
struct MatchState<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    slots: Vec<Slot>,
    depth_left: usize,
}

/// Byte `i` of `bytes`, or NUL past the end (the C terminator the semantics rely on).
#[inline]
fn byte_at(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(0)
}

/// Whether byte `c` belongs to the class letter `class` (`a`, `d`, ... or an upper-case
/// complement); any other letter stands for itself.
fn class_matches(c: u8, class: u8) -> bool {
    let res = match class.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return class == c,
    };
    if class.is_ascii_uppercase() {
        !res
    } else {
        res
    }
}

impl<'a> MatchState<'a> {
    fn new(src: &'a [u8], pat: &'a [u8]) -> Self {
        MatchState {
            src,
            pat,
            slots: Vec::new(),
            depth_left: MAX_MATCH_DEPTH,
        }
    }

    /// Reset captures and depth before trying a new start position.
    fn reset(&mut self) {
        self.slots.clear();
        self.depth_left = MAX_MATCH_DEPTH;
    }

    #[inline]
    fn p(&self, i: usize) -> u8 {
        byte_at(self.pat, i)
    }

    /// Index just past the single-character class starting at `p`.
    fn class_end(&self, mut p: usize) -> Result<usize, PatternError> {
        let c = self.p(p);
        p += 1;
        if c == ESCAPE {
            if p >= self.pat.len() {
                return Err(PatternError::EndsWithPercent);
            }
            return Ok(p + 1);
        }
        if c == b'[' {
            if self.p(p) == b'^' {
                p += 1;
            }
            // The first character after `[` or `[^` is always part of the set.
            loop {
                if p >= self.pat.len() {
                    return Err(PatternError::MissingBracket);
                }
                let cc = self.p(p);
                p += 1;
                if cc == ESCAPE && p < self.pat.len() {
                    p += 1;
                }
                if self.p(p) == b']' {
                    break;
                }
            }
            return Ok(p + 1);
        }
        Ok(p)
    }

    /// Whether `c` is in the set `[...]` spanning pattern bytes `p..=ec` (`ec` is the `]`).
    fn bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut negate = false;
        if self.p(p + 1) == b'^' {
            negate = true;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                break;
            }
            if self.p(p) == ESCAPE {
                p += 1;
                if class_matches(c, self.p(p)) {
                    return !negate;
                }
            } else if self.p(p + 1) == b'-' && p + 2 < ec {
                let lo = self.p(p);
                let hi = self.p(p + 2);
                p += 2;
                if lo <= c && c <= hi {
                    return !negate;
                }
            } else if self.p(p) == c {
                return !negate;
            }
        }
        negate
    }

    /// Whether subject byte `c` matches the single class at pattern `p..ep`.
    fn single_match_byte(&self, c: u8, p: usize, ep: usize) -> bool {
        match self.p(p) {
            b'.' => true,
            ESCAPE => class_matches(c, self.p(p + 1)),
            b'[' => self.bracket_class(c, p, ep - 1),
            pc => pc == c,
        }
    }

    /// Whether the subject at `s` (which must be in range) matches the class at `p..ep`.
    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        s < self.src.len() && self.single_match_byte(self.src[s], p, ep)
    }

    /// `%bxy` at pattern `p` (pointing at `x`): the end of the balanced span, if any.
    fn match_balance(&self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        if p >= self.pat.len() || p + 1 >= self.pat.len() {
            return Err(PatternError::UnbalancedPattern);
        }
        let open = self.pat[p];
        let close = self.pat[p + 1];
        if s >= self.src.len() || self.src[s] != open {
            return Ok(None);
        }
        let mut level = 1usize;
        let mut i = s + 1;
        while i < self.src.len() {
            let c = self.src[i];
            if c == close {
                level -= 1;
                if level == 0 {
                    return Ok(Some(i + 1));
                }
            } else if c == open {
                level += 1;
            }
            i += 1;
        }
        Ok(None)
    }

    /// Greedy repetition: as many as possible, then back off.
    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, PatternError> {
        let mut count = 0usize;
        while self.single_match(s + count, p, ep) {
            count += 1;
        }
        loop {
            if let Some(res) = self.do_match(s + count, ep + 1)? {
                return Ok(Some(res));
            }
            if count == 0 {
                return Ok(None);
            }
            count -= 1;
        }
    }

    /// Lazy repetition `-`: as few as possible, then grow.
    fn min_expand(
        &mut self,
        mut s: usize,
        p: usize,
        ep: usize,
    ) -> Result<Option<usize>, PatternError> {
        loop {
            if let Some(res) = self.do_match(s, ep + 1)? {
                return Ok(Some(res));
            }
            if self.single_match(s, p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        slot: Slot,
    ) -> Result<Option<usize>, PatternError> {
        if self.slots.len() >= MAX_CAPTURES {
            return Err(PatternError::TooManyCaptures);
        }
        self.slots.push(slot);
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.slots.pop();
        }
        Ok(res)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let index = self
            .slots
            .iter()
            .rposition(|slot| matches!(slot, Slot::Open { .. }))
            .ok_or(PatternError::InvalidPatternCapture)?;
        let Slot::Open { start } = self.slots[index] else {
            return Err(PatternError::InvalidPatternCapture);
        };
        self.slots[index] = Slot::Closed { start, end: s };
        let res = self.do_match(s, p)?;
        if res.is_none() {
            self.slots[index] = Slot::Open { start };
        }
        Ok(res)
    }

    /// Back-reference `%1`..`%9`: the subject at `s` must repeat that capture.
    fn match_capture(&self, s: usize, digit: u8) -> Result<Option<usize>, PatternError> {
        let index = match digit.checked_sub(b'1') {
            Some(i) => i as usize,
            None => return Err(PatternError::InvalidCaptureIndex),
        };
        let (start, end) = match self.slots.get(index) {
            Some(Slot::Closed { start, end }) => (*start, *end),
            // A position capture has a huge "length" in the reference: never matches.
            Some(Slot::Position { .. }) => return Ok(None),
            _ => return Err(PatternError::InvalidCaptureIndex),
        };
        let len = end - start;
        if self.src.len() - s >= len && self.src[start..end] == self.src[s..s + len] {
            Ok(Some(s + len))
        } else {
            Ok(None)
        }
    }

    /// Match pattern from `p` against subject from `s`; the end of the match if any.
    fn do_match(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        if self.depth_left == 0 {
            return Err(PatternError::TooComplex);
        }
        self.depth_left -= 1;
        let res = self.do_match_body(s, p);
        self.depth_left += 1;
        res
    }

    fn do_match_body(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>, PatternError> {
        loop {
            if p >= self.pat.len() {
                return Ok(Some(s));
            }
            match self.pat[p] {
                b'(' => {
                    return if self.p(p + 1) == b')' {
                        self.start_capture(s, p + 2, Slot::Position { offset: s })
                    } else {
                        self.start_capture(s, p + 1, Slot::Open { start: s })
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == self.pat.len() => {
                    return Ok(if s == self.src.len() { Some(s) } else { None });
                }
                ESCAPE if self.p(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(e) => {
                        s = e;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                ESCAPE if self.p(p + 1) == b'f' => {
                    p += 2;
                    if self.p(p) != b'[' {
                        return Err(PatternError::MissingFrontierSet);
                    }
                    let ep = self.class_end(p)?;
                    let prev = if s == 0 { 0 } else { self.src[s - 1] };
                    let cur = byte_at(self.src, s);
                    if !self.bracket_class(prev, p, ep - 1) && self.bracket_class(cur, p, ep - 1) {
                        p = ep;
                        continue;
                    }
                    return Ok(None);
                }
                ESCAPE if self.p(p + 1).is_ascii_digit() => {
                    match self.match_capture(s, self.p(p + 1))? {
                        Some(e) => {
                            s = e;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {}
            }
            // A single item, possibly followed by a quantifier.
            let ep = self.class_end(p)?;
            let matched = self.single_match(s, p, ep);
            match self.p(ep) {
                b'?' if ep < self.pat.len() => {
                    if matched {
                        if let Some(res) = self.do_match(s + 1, ep + 1)? {
                            return Ok(Some(res));
                        }
                    }
                    p = ep + 1;
                }
                b'*' if ep < self.pat.len() => return self.max_expand(s, p, ep),
                b'+' if ep < self.pat.len() => {
                    return if matched {
                        self.max_expand(s + 1, p, ep)
                    } else {
                        Ok(None)
                    };
                }
                b'-' if ep < self.pat.len() => return self.min_expand(s, p, ep),
                _ => {
                    if !matched {
                        return Ok(None);
                    }
                    s += 1;
                    p = ep;
                }
            }
        }
    }

    /// Try to match at subject offset `s` with fresh captures.
    fn try_at(&mut self, s: usize) -> Result<Option<Match>, PatternError> {
        self.reset();
        Ok(self.do_match(s, 0)?.map(|end| Match {
            range: s..end,
            slots: std::mem::take(&mut self.slots),
        }))
    }
}

/// The pattern as the matcher sees it: up to its first NUL byte.
fn matcher_view(pat: &[u8]) -> &[u8] {
    match pat.iter().position(|&b| b == 0) {
        Some(n) => &pat[..n],
        None => pat,
    }
}

/// Whether `pat` contains any pattern special character (scanning all its bytes).
pub fn has_specials(pat: &[u8]) -> bool {
    pat.iter().any(|b| SPECIALS.contains(b))
}

/// Byte offset where `needle` first occurs in `hay` at or after `from`.
pub fn plain_find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    if needle.is_empty() {
        return Some(from);
    }
    let first = needle[0];
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut i = from;
    while i <= last_start {
        // Jump to the next occurrence of the first byte, then compare the rest.
        match hay[i..=last_start].iter().position(|&b| b == first) {
            None => return None,
            Some(k) => i += k,
        }
        if &hay[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Convert a Lua start position (1-based, negative from the end) to a 0-based offset,
/// clamped below at 0 and possibly past the end (the caller decides what that means).
pub fn lua_start_offset(init: i64, len: usize) -> usize {
    let len_i = len as i64;
    let pos = if init < 0 {
        len_i.saturating_add(init).saturating_add(1)
    } else {
        init
    };
    if pos < 1 {
        0
    } else {
        (pos - 1).min(len_i.saturating_add(1)) as usize
    }
}

/// Search from 0-based offset `start` (or only there when anchored) for a match.
fn search(src: &[u8], pat: &[u8], start: usize) -> Result<Option<Match>, PatternError> {
    let pat = matcher_view(pat);
    let (anchored, body) = match pat.first() {
        Some(b'^') => (true, &pat[1..]),
        _ => (false, pat),
    };
    let mut ms = MatchState::new(src, body);
    let mut s = start;
    loop {
        if let Some(m) = ms.try_at(s)? {
            return Ok(Some(m));
        }
        s += 1;
        if anchored || s > src.len() {
            return Ok(None);
        }
    }
}

/// `string.find(s, pat, init, plain)`: `init` is the Lua start position (default 1).
/// A plain search is used when `plain` is true or the pattern has no specials; then the
/// match has no captures. A start past the end is clamped to the end
/// (LuaJIT: `("abc"):find("", 10)` gives 4, 3).
pub fn find(src: &[u8], pat: &[u8], init: i64, plain: bool) -> Result<Option<Match>, PatternError> {
    let start = lua_start_offset(init, src.len()).min(src.len());
    if plain || !has_specials(pat) {
        return Ok(plain_find(src, pat, start).map(|i| Match {
            range: i..i + pat.len(),
            slots: Vec::new(),
        }));
    }
    search(src, pat, start)
}

/// `string.match(s, pat, init)`: like [`find`] but always with the matcher
/// (LuaJIT: `("abc"):match("", 10)` is `""`).
pub fn match_at(src: &[u8], pat: &[u8], init: i64) -> Result<Option<Match>, PatternError> {
    let start = lua_start_offset(init, src.len()).min(src.len());
    search(src, pat, start)
}

/// The state of one `string.gmatch` iteration: the next subject offset to try.
/// `^` has no special meaning in gmatch (Lua 5.1): it is matched literally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gmatch {
    /// 0-based subject offset where the next search starts.
    pub next_start: usize,
}

impl Gmatch {
    /// A fresh iteration from the start of the subject.
    pub fn new() -> Self {
        Gmatch { next_start: 0 }
    }

    /// The next match, advancing the state; `Ok(None)` when exhausted.
    pub fn next_match(&mut self, src: &[u8], pat: &[u8]) -> Result<Option<Match>, PatternError> {
        let pat = matcher_view(pat);
        let mut ms = MatchState::new(src, pat);
        let mut s = self.next_start;
        while s <= src.len() {
            if let Some(m) = ms.try_at(s)? {
                self.next_start = if m.range.end == s { s + 1 } else { m.range.end };
                return Ok(Some(m));
            }
            s += 1;
        }
        self.next_start = src.len() + 1;
        Ok(None)
    }
}

/// Append the expansion of a gsub replacement string for match `m` of `src` to `out`.
/// `%0` is the whole match, `%1`-`%9` captures (a position capture gives its number),
/// `%` before any other byte gives that byte, and a trailing `%` gives a NUL byte.
pub fn expand_replacement(
    repl: &[u8],
    src: &[u8],
    m: &Match,
    out: &mut Vec<u8>,
) -> Result<(), PatternError> {
    let mut i = 0;
    while i < repl.len() {
        let c = repl[i];
        i += 1;
        if c != ESCAPE {
            out.push(c);
            continue;
        }
        let d = byte_at(repl, i);
        i += 1;
        if !d.is_ascii_digit() {
            out.push(d);
        } else if d == b'0' {
            out.extend_from_slice(&src[m.range.clone()]);
        } else {
            match m.capture((d - b'1') as usize)? {
                Capture::Str(r) => out.extend_from_slice(&src[r]),
                Capture::Position(n) => out.extend_from_slice(n.to_string().as_bytes()),
            }
        }
    }
    Ok(())
}

/// `string.gsub` driver. For each match (at most `max_replacements`), `replace` is
/// called with the match and the output buffer and appends the replacement (for a
/// table or function replacement the binding appends either the value or the original
/// text `&src[m.range]`). Returns the new string and the number of matches.
pub fn gsub<E: From<PatternError>>(
    src: &[u8],
    pat: &[u8],
    max_replacements: usize,
    mut replace: impl FnMut(&Match, &mut Vec<u8>) -> Result<(), E>,
) -> Result<(Vec<u8>, usize), E> {
    let pat = matcher_view(pat);
    let (anchored, body) = match pat.first() {
        Some(b'^') => (true, &pat[1..]),
        _ => (false, pat),
    };
    let mut ms = MatchState::new(src, body);
    let mut out = Vec::with_capacity(src.len());
    let mut s = 0usize;
    let mut count = 0usize;
    while count < max_replacements {
        let m = ms.try_at(s)?;
        let end = match m {
            Some(m) => {
                count += 1;
                replace(&m, &mut out)?;
                Some(m.range.end)
            }
            None => None,
        };
        match end {
            Some(e) if e > s => s = e,
            _ if s < src.len() => {
                out.push(src[s]);
                s += 1;
            }
            _ => break,
        }
        if anchored {
            break;
        }
    }
    if s < src.len() {
        out.extend_from_slice(&src[s..]);
    }
    Ok((out, count))
}

/// The value a table or function replacement produced, as the binding classifies it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplacementValue<'a> {
    /// nil or false: keep the original match text.
    Keep,
    /// A string: inserted as is.
    Str(&'a [u8]),
    /// A number: inserted as `tostring` prints it.
    Num(f64),
    /// Anything else; the string is its type name ("table", "boolean", ...).
    Invalid(&'static str),
}

/// Append a table/function replacement result for match `m` to `out`; an invalid value
/// gives LuaJIT's message "invalid replacement value (a table)" as `Err`.
pub fn append_replacement_value(
    out: &mut Vec<u8>,
    src: &[u8],
    m: &Match,
    value: ReplacementValue<'_>,
) -> Result<(), String> {
    match value {
        ReplacementValue::Keep => out.extend_from_slice(&src[m.range.clone()]),
        ReplacementValue::Str(s) => out.extend_from_slice(s),
        ReplacementValue::Num(x) => {
            out.extend_from_slice(super::numfmt::number_to_string(x).as_bytes())
        }
        ReplacementValue::Invalid(type_name) => {
            return Err(format!("invalid replacement value (a {type_name})"))
        }
    }
    Ok(())
}

/// `string.gsub` with a replacement string (the common case, fully in the engine).
pub fn gsub_str(
    src: &[u8],
    pat: &[u8],
    repl: &[u8],
    max_replacements: usize,
) -> Result<(Vec<u8>, usize), PatternError> {
    gsub(src, pat, max_replacements, |m, out| {
        expand_replacement(repl, src, m, out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str, p: &str) -> Option<(usize, usize)> {
        find(s.as_bytes(), p.as_bytes(), 1, false)
            .unwrap()
            .map(|m| m.lua_span())
    }

    #[test]
    fn basics() {
        assert_eq!(f("hello world", "o w"), Some((5, 7)));
        assert_eq!(f("hello world", "l+"), Some((3, 4)));
        assert_eq!(f("f(a(b)c)d", "%b()"), Some((2, 8)));
        assert_eq!(f("abc", "x"), None);
    }

    #[test]
    fn replacement_values() {
        let m = find(b"abc", b"b", 1, false).unwrap().unwrap();
        let mut out = Vec::new();
        append_replacement_value(&mut out, b"abc", &m, ReplacementValue::Keep).unwrap();
        append_replacement_value(&mut out, b"abc", &m, ReplacementValue::Num(5.5)).unwrap();
        assert_eq!(out, b"b5.5");
        assert_eq!(
            append_replacement_value(&mut out, b"abc", &m, ReplacementValue::Invalid("table")),
            Err("invalid replacement value (a table)".to_string())
        );
    }

    #[test]
    fn depth_limit() {
        let s = "a".repeat(199);
        let p = "a?".repeat(199);
        assert!(find(s.as_bytes(), p.as_bytes(), 1, false)
            .unwrap()
            .is_some());
        let s = "a".repeat(200);
        let p = "a?".repeat(200);
        assert_eq!(
            find(s.as_bytes(), p.as_bytes(), 1, false),
            Err(PatternError::TooComplex)
        );
    }
}
