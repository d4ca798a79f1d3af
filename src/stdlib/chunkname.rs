//! Chunk names shortened for messages (`short_src`), exactly as LuaJIT prints them.
//!
//! Every runtime error ("t.lua:5: attempt to ..."), `debug.getinfo(...).short_src`,
//! tracebacks and jit.v lines show a chunk's source name through this function.
//! The rules (LUA_IDSIZE = 60, so at most 59 bytes come out):
//! - `=name`: the name itself, cut to 59 bytes.
//! - `@file`: the file name; when 60 bytes or longer, "..." and its last 56 bytes.
//! - anything else is source text: `[string "first line"]`. The text is scanned up to the
//!   first byte below 0x20 (newline, tab, ...) or 48 bytes; if the scan stopped before the
//!   end of the text, at most 45 bytes are kept and "..." follows.
//!
//! Names are C strings in the reference: everything from a NUL byte on is ignored.
//!
//! Rules for whoever changes this file: `tests/golden/stdlib/misc.txt` holds the
//! oracle's answers (`chunkname` lines).

/// LuaJIT's LUA_IDSIZE: the buffer size for a short source name, NUL included.
pub const ID_SIZE: usize = 60;

/// The `short_src` form of a chunk's source name.
pub fn short_src(source: &[u8]) -> Vec<u8> {
    let source = source.split(|&b| b == 0).next().unwrap_or(b"");
    match source.first() {
        Some(b'=') => source[1..].iter().take(ID_SIZE - 1).copied().collect(),
        Some(b'@') => {
            let name = &source[1..];
            if name.len() >= ID_SIZE {
                let mut out = b"...".to_vec();
                out.extend_from_slice(&name[name.len() - (ID_SIZE - 4)..]);
                out
            } else {
                name.to_vec()
            }
        }
        _ => {
            let mut len = 0;
            while len < ID_SIZE - 12 && len < source.len() && source[len] >= b' ' {
                len += 1;
            }
            let mut out = b"[string \"".to_vec();
            if len < source.len() {
                len = len.min(ID_SIZE - 15);
                out.extend_from_slice(&source[..len]);
                out.extend_from_slice(b"...");
            } else {
                out.extend_from_slice(source);
            }
            out.extend_from_slice(b"\"]");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(short_src(b"=stdin"), b"stdin");
        assert_eq!(short_src(b"@t1.lua"), b"t1.lua");
        assert_eq!(short_src(b"error('E')"), b"[string \"error('E')\"]");
        assert_eq!(short_src(b"line1\nline2"), b"[string \"line1...\"]");
        assert_eq!(short_src(&[b'w'; 49]).len(), 9 + 45 + 3 + 2);
    }
}
