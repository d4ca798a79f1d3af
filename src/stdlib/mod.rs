//! The Lua standard library: the base library and coroutines (written with the VM), the
//! pure engines (patterns, `string.format`, number formatting, LuaJIT's PRNG, BitOp) and
//! the library bindings that expose them to Lua (`string`, `table`, `math`, `os`, `io`,
//! `package`, `bit`).
//!
//! [`open_libs`] is the single entry point: `vm::Lua::new()` calls it. Order matters:
//! `package` opens first after the base library so that `package.loaded` and
//! `package.preload` exist before any other library registers itself there (the JIT's
//! `jit.*` modules rely on this); every library below is also entered in
//! `package.loaded` under its name.
//!
//! Rules for whoever adds a library: a binding module only converts between Lua values
//! and the engine's Rust types and raises LuaJIT's exact messages; algorithms live in
//! engine modules with golden tests. Natives never panic.
pub mod base;
pub mod bit;
pub mod bitop;
pub mod chunkname;
pub mod coroutine;
pub mod date;
pub mod debug;
pub mod fastfn;
pub mod format;
pub mod io;
pub mod jitlib;
pub mod math;
pub mod mathlib;
pub mod numfmt;
pub mod os;
pub mod package;
pub mod pattern;
pub mod random;
pub mod readnum;
pub mod searchpath;
pub mod sort;
pub mod string;
pub mod strlib;
pub mod table;
pub mod tz;

use crate::vm::value::Value;
use crate::vm::{Lua, NativeFn, TabRef};

/// Installs every standard library into `l` (what `vm::Lua::new()` does).
pub fn open_libs(l: &mut Lua) {
    base::open_base(l);
    package::open(l);
    coroutine::open(l);
    string::open(l);
    table::open(l);
    math::open(l);
    os::open(l);
    io::open(l);
    bit::open(l);
    debug::open(l);
    open_fallbacks(l);
    for name in ["_G", "coroutine"] {
        let v = l.get_global(name);
        package::set_loaded(l, name, v);
    }
}

/// Creates a table of natives, stores it as global `name` and in `package.loaded`.
pub(crate) fn new_lib(l: &mut Lua, name: &str, fns: &[(&'static str, NativeFn)]) -> TabRef {
    let t = l.new_table(0, fns.len());
    set_fns(l, t, fns);
    l.set_global(name, Value::tab(t));
    package::set_loaded(l, name, Value::tab(t));
    t
}

/// Adds natives to a table.
pub(crate) fn set_fns(l: &mut Lua, t: TabRef, fns: &[(&'static str, NativeFn)]) {
    for &(n, f) in fns {
        let v = l.native(n, f);
        set_field(l, t, n, v);
    }
}

/// `t[name] = v` without metamethods.
pub(crate) fn set_field(l: &mut Lua, t: TabRef, name: &str, v: Value) {
    let k = l.intern(name.as_bytes());
    t.get_mut().set_str(k, v);
}

/// `t[name]` without metamethods.
pub(crate) fn get_field(l: &mut Lua, t: TabRef, name: &str) -> Value {
    let k = l.intern(name.as_bytes());
    t.get_str(k)
}

/// Base-library and coroutine functions LuaJIT has that the VM's base library may not
/// define yet (`gcinfo`, `coroutine.isyieldable`): installed only when absent, so the
/// VM's own versions win once they exist.
fn open_fallbacks(l: &mut Lua) {
    if l.get_global("gcinfo").is_nil() {
        l.register("gcinfo", |l| {
            let kb = (l.gc_bytes() / 1024) as f64;
            l.push_num(kb);
            Ok(1)
        });
    }
    if let Some(co) = l.get_global("coroutine").as_tab() {
        if get_field(l, co, "isyieldable").is_nil() {
            let f = l.native("isyieldable", |l| {
                let y = !l.is_main_running() && l.can_yield();
                l.push(Value::bool(y));
                Ok(1)
            });
            set_field(l, co, "isyieldable", f);
        }
    }
}
