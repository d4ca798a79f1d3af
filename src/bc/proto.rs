//! Function prototypes as the front end produces them.
//!
//! A [`Proto`] is the compiled form of one Lua function: its bytecode, constants, upvalue
//! descriptors and debug information, laid out as LuaJIT 2.1 lays out a `GCproto`. It is
//! deliberately independent of the VM's heap: strings are plain byte strings and child
//! functions are owned boxes. The VM *loads* a prototype into its heap (interning the
//! strings, allocating template tables) before running it; `-bl` listings, the conformance
//! tests and the JIT's bytecode views read the same structure.
//!
//! Instruction 0 is the function header (FUNCF or FUNCV) as in LuaJIT, so bytecode
//! positions printed in listings (`0001`, `0002`, ...) are indexes into [`Proto::bc`].

use super::Ins;

/// Prototype flags (LuaJIT's `PROTO_*` bits).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct ProtoFlags(pub u8);

impl ProtoFlags {
    /// The function has child prototypes (closures created by FNEW).
    pub const CHILD: u8 = 0x01;
    /// The function is vararg.
    pub const VARARG: u8 = 0x02;
    /// The function uses FFI cdata constants (never set by skein).
    pub const FFI: u8 = 0x04;
    /// JIT compilation is disabled for the function.
    pub const NOJIT: u8 = 0x08;
    /// The function contains interpreter-only loops (ILOOP patched in).
    pub const ILOOP: u8 = 0x10;
    /// The function has an explicit return statement.
    pub const HAS_RETURN: u8 = 0x20;
    /// A return needs fixing up after the function was compiled (LuaJIT internal).
    pub const FIXUP_RETURN: u8 = 0x40;

    /// Whether every bit of `bits` is set.
    #[inline]
    pub fn has(self, bits: u8) -> bool {
        self.0 & bits == bits
    }
}

/// An upvalue descriptor: where a closure gets upvalue `i` from when FNEW creates it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct UvDesc(pub u16);

impl UvDesc {
    /// Set when the upvalue captures a local slot of the enclosing function.
    pub const LOCAL: u16 = 0x8000;
    /// Set when the captured local is never assigned after capture.
    pub const IMMUTABLE: u16 = 0x4000;

    /// Whether the upvalue captures a local of the enclosing function (else it is an
    /// upvalue of the enclosing closure).
    #[inline]
    pub fn is_local(self) -> bool {
        self.0 & Self::LOCAL != 0
    }

    /// Whether the captured variable is immutable.
    #[inline]
    pub fn is_immutable(self) -> bool {
        self.0 & Self::IMMUTABLE != 0
    }

    /// The slot (local) or enclosing upvalue index.
    #[inline]
    pub fn index(self) -> u16 {
        self.0 & 0x3fff
    }
}

/// A constant held in a template table or a string constant.
#[derive(Clone, Debug, PartialEq)]
pub enum KValue {
    /// `nil` (only as a placeholder in array parts).
    Nil,
    /// `false` / `true`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(Box<[u8]>),
}

/// A template table for TDUP: the constant part of a table constructor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KTable {
    /// Array part, index 0 included (LuaJIT template tables may store t[0]).
    pub array: Vec<KValue>,
    /// Hash part in insertion order.
    pub hash: Vec<(KValue, KValue)>,
}

/// A garbage-collected constant: operand D of KSTR, FNEW, TDUP, GGET, TGETS ... indexes
/// [`Proto::kgc`] in LuaJIT's numbering.
#[derive(Clone, Debug, PartialEq)]
pub enum KGc {
    /// A string constant.
    Str(Box<[u8]>),
    /// A child function prototype.
    Proto(Box<Proto>),
    /// A template table.
    Table(KTable),
}

/// Debug information about one local variable (or an internal one such as the hidden
/// for-loop control slots, named as LuaJIT names them: `(for index)`, `(for limit)`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarInfo {
    /// The variable's name.
    pub name: Box<[u8]>,
    /// First bytecode position where the variable is live.
    pub startpc: u32,
    /// First bytecode position where it is no longer live.
    pub endpc: u32,
}

/// The compiled form of a Lua function.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proto {
    /// Bytecode, with the function header (FUNCF/FUNCV) at index 0.
    pub bc: Vec<Ins>,
    /// Source line of each instruction, parallel to `bc`.
    pub lineinfo: Vec<u32>,
    /// Number constants (operand mode `Num`).
    pub knum: Vec<f64>,
    /// GC constants (operand modes `Str`, `Func`, `Tab`).
    pub kgc: Vec<KGc>,
    /// Upvalue descriptors.
    pub uv: Vec<UvDesc>,
    /// Upvalue names, parallel to `uv`.
    pub uvnames: Vec<Box<[u8]>>,
    /// Local variable debug info, in declaration order.
    pub varinfo: Vec<VarInfo>,
    /// Number of fixed parameters.
    pub numparams: u8,
    /// Number of stack slots the function needs.
    pub framesize: u8,
    /// `PROTO_*` flags.
    pub flags: ProtoFlags,
    /// Line where the function is defined (0 for the main chunk).
    pub firstline: u32,
    /// Number of lines the function spans (`lastline - firstline`).
    pub numline: u32,
    /// The chunk name as given to the loader (`@file.lua`, `=stdin`, or source text).
    pub chunkname: Box<[u8]>,
}

impl Proto {
    /// Line of the instruction at `pc` (the function's first line for pc 0).
    pub fn line_of(&self, pc: usize) -> u32 {
        self.lineinfo.get(pc).copied().unwrap_or(self.firstline)
    }

    /// The string constant at GC index `d`, if it is one.
    pub fn kstr(&self, d: u32) -> Option<&[u8]> {
        match self.kgc.get(d as usize) {
            Some(KGc::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The child prototype at GC index `d`, if it is one.
    pub fn kproto(&self, d: u32) -> Option<&Proto> {
        match self.kgc.get(d as usize) {
            Some(KGc::Proto(p)) => Some(p),
            _ => None,
        }
    }

    /// The chunk name as LuaJIT shows it in messages: `@t1.lua` becomes `t1.lua`,
    /// `=stdin` becomes `stdin`, and source text becomes `[string "..."]`.
    pub fn short_source(&self) -> String {
        short_source(&self.chunkname)
    }
}

/// The chunk part of a location as LuaJIT's trace tools print it (`jit.v`, `jit.dump`,
/// `jit.util.funcinfo().loc`), which differs from [`short_source`]: a file name
/// (`@dir/t1.lua`) loses its directories (`t1.lua`), `=name` prints `name`, other
/// source text of at most 40 bytes prints quoted (`"x = 1"`), and longer source text
/// prints as the address of its prototype (`proto_addr`).
pub fn trace_location_source(chunkname: &[u8], proto_addr: usize) -> String {
    match chunkname.first() {
        Some(b'@') => {
            let name = &chunkname[1..];
            // A separator in the first position is kept, as LuaJIT does.
            let base = name
                .iter()
                .skip(1)
                .rposition(|&c| c == b'/' || c == b'\\')
                .map_or(name, |i| &name[i + 2..]);
            String::from_utf8_lossy(base).into()
        }
        _ if chunkname.len() > 40 => format!("{proto_addr:#x}"),
        Some(b'=') => String::from_utf8_lossy(&chunkname[1..]).into(),
        _ => format!("\"{}\"", String::from_utf8_lossy(chunkname)),
    }
}

/// Formats a chunk name the way Lua 5.1 and LuaJIT show it in error messages and logs.
pub fn short_source(chunkname: &[u8]) -> String {
    const MAX: usize = 60; // LUA_IDSIZE
    match chunkname.first() {
        Some(b'=') => String::from_utf8_lossy(&chunkname[1..chunkname.len().min(MAX)]).into(),
        Some(b'@') => {
            let name = &chunkname[1..];
            if name.len() < MAX {
                String::from_utf8_lossy(name).into()
            } else {
                format!(
                    "...{}",
                    String::from_utf8_lossy(&name[name.len() - (MAX - 4)..])
                )
            }
        }
        _ => {
            // Up to 48 bytes, stopping at the first control character; when anything is
            // cut off, at most 45 bytes are kept and "..." is appended.
            let limit = MAX - 12;
            let len = chunkname
                .iter()
                .take(limit)
                .position(|&c| c < b' ')
                .unwrap_or(chunkname.len().min(limit));
            let rest = chunkname.get(len).copied().unwrap_or(0);
            if rest == 0 {
                format!(
                    "[string \"{}\"]",
                    String::from_utf8_lossy(&chunkname[..len])
                )
            } else {
                let keep = &chunkname[..len.min(MAX - 15)];
                format!("[string \"{}...\"]", String::from_utf8_lossy(keep))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{short_source, trace_location_source};

    #[test]
    fn short_sources() {
        assert_eq!(short_source(b"@t1.lua"), "t1.lua");
        assert_eq!(short_source(b"=stdin"), "stdin");
        assert_eq!(short_source(b"return 1"), "[string \"return 1\"]");
        assert_eq!(short_source(b"x=1\ny=2"), "[string \"x=1...\"]");
    }

    #[test]
    fn trace_location_sources_follow_luajit_tools() {
        assert_eq!(trace_location_source(b"@benches/fib.lua", 0), "fib.lua");
        assert_eq!(trace_location_source(b"@a\\b\\c.lua", 0), "c.lua");
        assert_eq!(trace_location_source(b"@c.lua/", 0), "");
        assert_eq!(trace_location_source(b"@/x.lua", 0), "/x.lua");
        assert_eq!(trace_location_source(b"=a/b/c.lua", 0), "a/b/c.lua");
        assert_eq!(trace_location_source(b"x = 1", 0), "\"x = 1\"");
        let long = [b'x'; 41];
        assert_eq!(trace_location_source(&long, 0xabc), "0xabc");
        assert_eq!(
            trace_location_source(&long[..40], 0xabc),
            format!("\"{}\"", "x".repeat(40))
        );
    }
}
