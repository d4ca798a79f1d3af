//! Which library function a native is, in LuaJIT's terms.
//!
//! LuaJIT numbers its library functions ("fast functions", `builtin#N` in its messages)
//! in the order of `jit.vmdef.ffnames`, and its logs print a function constant or a
//! stitched call by that name (`math.floor`, `table.sort`). A few library functions are
//! written in Lua inside LuaJIT and print as `builtin:name` (`string.len` is
//! `builtin:len`). skein implements all of them as natives; this module maps a native
//! back to LuaJIT's name, so the recorder can inline the ones LuaJIT inlines and the
//! logs name them as LuaJIT does.
//!
//! Identity is by the native's Rust function, learned once per process from a fresh
//! state's library tables (so later changes to a program's globals cannot rename a
//! function). Rules: keep [`FFNAMES`] in LuaJIT 2.1's order (the index is the id);
//! natives that LuaJIT has no fast function for stay unnamed.

use crate::vm::{Lua, NativeFn};
use hashbrown::HashMap;
use std::sync::OnceLock;

macro_rules! ffnames {
    ($($name:literal)*) => {
        /// LuaJIT 2.1's fast-function names, indexed by fast-function id.
        pub const FFNAMES: &[&str] = &[$($name),*];
    };
}

ffnames! {
    "Lua" "C" "assert" "type" "next" "pairs" "ipairs_aux" "ipairs" "getmetatable"
    "setmetatable" "getfenv" "setfenv" "rawget" "rawset" "rawequal" "unpack" "select"
    "tonumber" "tostring" "error" "pcall" "xpcall" "loadfile" "load" "loadstring" "dofile"
    "gcinfo" "collectgarbage" "newproxy" "print" "coroutine.status" "coroutine.running"
    "coroutine.isyieldable" "coroutine.create" "coroutine.yield" "coroutine.resume"
    "coroutine.wrap_aux" "coroutine.wrap" "math.abs" "math.floor" "math.ceil" "math.sqrt"
    "math.log10" "math.exp" "math.sin" "math.cos" "math.tan" "math.asin" "math.acos"
    "math.atan" "math.sinh" "math.cosh" "math.tanh" "math.frexp" "math.modf" "math.log"
    "math.atan2" "math.pow" "math.fmod" "math.ldexp" "math.min" "math.max" "math.random"
    "math.randomseed" "bit.tobit" "bit.bnot" "bit.bswap" "bit.lshift" "bit.rshift"
    "bit.arshift" "bit.rol" "bit.ror" "bit.band" "bit.bor" "bit.bxor" "bit.tohex"
    "string.byte" "string.char" "string.sub" "string.rep" "string.reverse" "string.lower"
    "string.upper" "string.dump" "string.find" "string.match" "string.gmatch_aux"
    "string.gmatch" "string.gsub" "string.format" "table.maxn" "table.insert" "table.concat"
    "table.sort" "table.new" "table.clear" "io.method.close" "io.method.read"
    "io.method.write" "io.method.flush" "io.method.seek" "io.method.setvbuf"
    "io.method.lines" "io.method.__gc" "io.method.__tostring" "io.open" "io.popen"
    "io.tmpfile" "io.close" "io.read" "io.write" "io.flush" "io.input" "io.output"
    "io.lines" "io.type" "os.execute" "os.remove" "os.rename" "os.tmpname" "os.getenv"
    "os.exit" "os.clock" "os.date" "os.time" "os.difftime" "os.setlocale"
    "debug.getregistry" "debug.getmetatable" "debug.setmetatable" "debug.getfenv"
    "debug.setfenv" "debug.getinfo" "debug.getlocal" "debug.setlocal" "debug.getupvalue"
    "debug.setupvalue" "debug.upvalueid" "debug.upvaluejoin" "debug.sethook" "debug.gethook"
    "debug.debug" "debug.traceback" "jit.on" "jit.off" "jit.flush" "jit.status"
    "jit.security" "jit.attach" "jit.util.funcinfo" "jit.util.funcbc" "jit.util.funck"
    "jit.util.funcuvname" "jit.util.traceinfo" "jit.util.traceir" "jit.util.tracek"
    "jit.util.tracesnap" "jit.util.tracemc" "jit.util.traceexitstub" "jit.util.ircalladdr"
    "jit.opt.start" "jit.profile.start" "jit.profile.stop" "jit.profile.dumpstack"
    "ffi.meta.__index" "ffi.meta.__newindex" "ffi.meta.__eq" "ffi.meta.__len"
    "ffi.meta.__lt" "ffi.meta.__le" "ffi.meta.__concat" "ffi.meta.__call" "ffi.meta.__add"
    "ffi.meta.__sub" "ffi.meta.__mul" "ffi.meta.__div" "ffi.meta.__mod" "ffi.meta.__pow"
    "ffi.meta.__unm" "ffi.meta.__tostring" "ffi.meta.__pairs" "ffi.meta.__ipairs"
    "ffi.clib.__index" "ffi.clib.__newindex" "ffi.clib.__gc" "ffi.callback.free"
    "ffi.callback.set" "ffi.cdef" "ffi.new" "ffi.cast" "ffi.typeof" "ffi.typeinfo"
    "ffi.istype" "ffi.sizeof" "ffi.alignof" "ffi.offsetof" "ffi.errno" "ffi.string"
    "ffi.copy" "ffi.fill" "ffi.abi" "ffi.metatype" "ffi.gc" "ffi.load" "buffer.method.free"
    "buffer.method.reset" "buffer.method.skip" "buffer.method.set" "buffer.method.put"
    "buffer.method.putf" "buffer.method.get" "buffer.method.putcdata"
    "buffer.method.reserve" "buffer.method.commit" "buffer.method.ref"
    "buffer.method.encode" "buffer.method.decode" "buffer.method.__gc"
    "buffer.method.__tostring" "buffer.method.__len" "buffer.new" "buffer.encode"
    "buffer.decode"
}

/// Library functions LuaJIT 2.1 writes in Lua: qualified name and the name it prints.
pub const LUA_BUILTINS: &[(&str, &str)] = &[
    ("math.deg", "builtin:deg"),
    ("math.rad", "builtin:rad"),
    ("string.len", "builtin:len"),
    ("table.foreach", "builtin:foreach"),
    ("table.foreachi", "builtin:foreachi"),
    ("table.getn", "builtin:getn"),
    ("table.remove", "builtin:remove"),
];

/// The id skein gives the `i`-th entry of [`LUA_BUILTINS`] (above every LuaJIT id).
pub const LUA_BUILTIN_ID0: u8 = 240;

const _: () = assert!(FFNAMES.len() < LUA_BUILTIN_ID0 as usize);

/// The name a function id prints as: LuaJIT's fast-function name or `builtin:name`.
pub fn id_name(id: u8) -> Option<&'static str> {
    if id >= LUA_BUILTIN_ID0 {
        LUA_BUILTINS
            .get(usize::from(id - LUA_BUILTIN_ID0))
            .map(|b| b.1)
    } else {
        FFNAMES.get(usize::from(id)).copied()
    }
}

/// Qualified library name (`string.byte`, `type`) of each library native, by address.
static NATIVES: OnceLock<HashMap<usize, &'static str>> = OnceLock::new();

/// Learns the library natives (once per process; cheap afterwards).
pub fn init() {
    NATIVES.get_or_init(|| {
        let mut l = Lua::new();
        let mut map = HashMap::new();
        let qualified = FFNAMES.iter().chain(LUA_BUILTINS.iter().map(|b| &b.0));
        for &q in qualified {
            let v = match q.split_once('.') {
                Some((lib, name)) => match l.get_global(lib).as_tab() {
                    Some(t) => {
                        let k = l.intern(name.as_bytes());
                        t.get_mut().get_str(k)
                    }
                    None => continue,
                },
                None => l.get_global(q),
            };
            if let Some(crate::vm::object::FuncKind::Native { f, .. }) =
                v.as_func().map(|c| c.kind())
            {
                map.entry(*f as usize).or_insert(q);
            }
        }
        map
    });
}

/// The qualified library name of native `f`, if it is one LuaJIT names.
pub fn library_name(f: NativeFn) -> Option<&'static str> {
    NATIVES.get()?.get(&(f as usize)).copied()
}

/// The id of native `f` (LuaJIT's fast-function id, or a [`LUA_BUILTINS`] id).
pub fn native_id(f: NativeFn) -> Option<u8> {
    let q = library_name(f)?;
    if let Some(i) = FFNAMES.iter().position(|n| *n == q) {
        return u8::try_from(i).ok();
    }
    LUA_BUILTINS
        .iter()
        .position(|b| b.0 == q)
        .map(|i| LUA_BUILTIN_ID0 + i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_luajit() {
        assert_eq!(FFNAMES[3], "type");
        assert_eq!(FFNAMES[39], "math.floor");
        assert_eq!(FFNAMES[76], "string.byte");
        assert_eq!(id_name(LUA_BUILTIN_ID0 + 2), Some("builtin:len"));
    }

    #[test]
    fn natives_are_named() {
        init();
        let mut l = Lua::new();
        let native = |v: crate::vm::Value| match v.as_func().map(|c| c.kind()) {
            Some(crate::vm::object::FuncKind::Native { f, .. }) => Some(*f),
            _ => None,
        };
        let math = l.get_global("math").as_tab().unwrap();
        let k = l.intern(b"floor");
        let floor = native(math.get_mut().get_str(k)).unwrap();
        assert_eq!(native_id(floor), Some(39));
        assert_eq!(library_name(floor), Some("math.floor"));
        let ty = native(l.get_global("type")).unwrap();
        assert_eq!(native_id(ty), Some(3));
        let string = l.get_global("string").as_tab().unwrap();
        let k = l.intern(b"len");
        let len = native(string.get_mut().get_str(k)).unwrap();
        assert_eq!(native_id(len).and_then(id_name), Some("builtin:len"));
    }
}
