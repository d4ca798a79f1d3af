//! The LuaJIT stack-size model: when would LuaJIT have grown this coroutine's stack?
//!
//! skein's value stack is a `Vec` that grows however it likes; nothing observable depends
//! on its capacity. LuaJIT's stack is different in one way that leaks into trace logs: when
//! a Lua function's frame does not fit (its FUNCF finds `base + framesize` above
//! `maxstack`), the interpreter grows the stack and then *executes the FUNCF again*, and a
//! FUNCF counts its call on the hot counter every time it runs. So a recursive function
//! becomes hot one call earlier for every stack growth on the way down: with the
//! standalone `luajit` and nothing else running, `f(v) f(v-1)` starts its trace on the
//! 109th call instead of the 112th, and whether that trace ends in `up-recursion` or
//! `return` depends on it (conformance case 02). Matching LuaJIT trace for trace therefore
//! needs LuaJIT's stack size, which this module tracks beside the real stack.
//!
//! The model (every number measured on LuaJIT 2.1, GC64, by reading `lua_State` through
//! the FFI while recursing to known depths; see design/jit.md, "LuaJIT's stack size"):
//! - A new coroutine's stack holds [`START_SIZE`] slots; the usable part ends
//!   [`EXTRA`] slots below the size (`maxstack`).
//! - Growing doubles the size and adds [`EXTRA`] (47, 102, 212, 432, 872, …).
//! - Frames are laid out as in skein (GC64: function, frame link, then the base), so a
//!   LuaJIT slot number is skein's plus a per-coroutine [`LjStack::offset`]: 2 for
//!   coroutines and embedded calls (LuaJIT's bottom frame), 6 for the script run by the
//!   `skein` binary (the standalone `luajit` runs its main chunk at slot 10, skein at 4).
//! - A Lua function entry (FUNCF, FUNCV and their I/J variants) grows the stack when
//!   `base + framesize` passes `maxstack`; a C function call grows it when its top plus
//!   `LUA_MINSTACK` ([`MIN_C_STACK`]) does.
//! - jit.v and jit.dump are Lua code in LuaJIT, run at the top of the current frame for
//!   every event they log. Their deepest frame reaches [`VERBOSE_HANDLER_PEAK`] and
//!   [`DUMP_HANDLER_PEAK`] slots above that top. skein writes those logs from Rust, so the
//!   driver touches the same height ([`LjStack::touch`]) when it hands them events.
//!   Loading the modules (`require`, once) reaches [`VERBOSE_LOAD_PEAK`] and
//!   [`DUMP_LOAD_PEAK`] slots above the caller's frame top.
//! - A garbage collection halves the size (plus [`EXTRA`]) when less than a quarter is in
//!   use and the size is above [`SHRINK_FLOOR`] (LuaJIT shrinks in its atomic phase; skein
//!   does it when its collector marks the thread).
//!
//! Rules: nothing but hot counting reads this model; it never limits or moves the real
//! stack. Keep the arithmetic in slots and identical to the measurements above.

/// Slots of a new LuaJIT stack.
pub const START_SIZE: u32 = 47;
/// Slots above `maxstack` (LuaJIT's reserve for metamethod and error handling).
pub const EXTRA: u32 = 8;
/// Free slots a C function is guaranteed (`LUA_MINSTACK`).
pub const MIN_C_STACK: u32 = 20;
/// LuaJIT never shrinks a stack at or below this size.
pub const SHRINK_FLOOR: u32 = 94;
/// How far LuaJIT's jit.v handler reaches above the frame top it is called at.
pub const VERBOSE_HANDLER_PEAK: u32 = 42;
/// How far LuaJIT's jit.dump handler reaches above the frame top it is called at.
pub const DUMP_HANDLER_PEAK: u32 = 77;
/// How far loading LuaJIT's jit.v module reaches above the `require` caller's frame top.
pub const VERBOSE_LOAD_PEAK: u32 = 41;
/// How far loading LuaJIT's jit.dump module reaches above the `require` caller's top.
pub const DUMP_LOAD_PEAK: u32 = 97;
/// Offset of a coroutine's (or an embedded call's) slots in LuaJIT's stack.
pub const COROUTINE_OFFSET: u32 = 2;
/// Offset of the main chunk run by the `skein` binary (as by the standalone `luajit`).
pub const STANDALONE_OFFSET: u32 = 6;

/// LuaJIT's stack size for one coroutine, and where skein's slots sit in it.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LjStack {
    /// Current size in slots.
    size: u32,
    /// LuaJIT slot number of skein's slot 0.
    offset: u32,
    /// The first skein slot beyond `maxstack` (kept so the check is one comparison).
    limit: u64,
}

impl Default for LjStack {
    fn default() -> LjStack {
        LjStack::new(START_SIZE, COROUTINE_OFFSET)
    }
}

impl LjStack {
    /// A stack of `size` slots whose slot `offset` is skein's slot 0.
    pub fn new(size: u32, offset: u32) -> LjStack {
        let mut s = LjStack {
            size,
            offset,
            limit: 0,
        };
        s.update_limit();
        s
    }

    /// Current size in slots (LuaJIT's `stacksize`).
    pub fn size(&self) -> u32 {
        self.size
    }

    /// Moves skein's slot 0 to LuaJIT slot `offset`.
    pub fn set_offset(&mut self, offset: u32) {
        self.offset = offset;
        self.update_limit();
    }

    fn update_limit(&mut self) {
        self.limit = u64::from(self.size - EXTRA).saturating_sub(u64::from(self.offset)) + 1;
    }

    /// Grows until skein slot `top` (exclusive end of what is needed) fits; true if the
    /// stack grew. This is the check at a Lua function entry.
    #[inline(always)]
    pub fn check(&mut self, top: usize) -> bool {
        if (top as u64) < self.limit {
            return false;
        }
        self.grow_to(top as u64 + u64::from(self.offset));
        true
    }

    /// The check at a C function call whose arguments end at skein slot `top`.
    #[inline]
    pub fn check_c(&mut self, top: usize) -> bool {
        self.check(top + MIN_C_STACK as usize)
    }

    /// Makes room for Lua code reaching `peak` slots above skein slot `top` (a log
    /// handler LuaJIT would have run there).
    pub fn touch(&mut self, top: usize, peak: u32) {
        self.check(top + peak as usize);
    }

    #[cold]
    #[inline(never)]
    fn grow_to(&mut self, need: u64) {
        // LuaJIT grows one frame at a time, each time doubling.
        while need > u64::from(self.size - EXTRA) && self.size < 1 << 30 {
            self.size = self.size * 2 + EXTRA;
        }
        self.update_limit();
    }

    /// A collection saw skein slots up to `used` in use: shrink as LuaJIT would.
    pub fn shrink(&mut self, used: usize) {
        let used = used as u64 + u64::from(self.offset);
        if 4 * used < u64::from(self.size) && self.size > SHRINK_FLOOR {
            self.size = (self.size >> 1) + EXTRA;
            self.update_limit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_follows_luajits_sizes() {
        let mut s = LjStack::default();
        let mut sizes = vec![s.size()];
        for top in 0..800 {
            if s.check(top) {
                sizes.push(s.size());
            }
        }
        assert_eq!(sizes, [47, 102, 212, 432, 872]);
    }

    #[test]
    fn recursion_grows_at_luajits_depths() {
        // A coroutine whose body (skein base 2, LuaJIT base 4) calls `f(d)` with
        // `local function f(v) if v == 0 then return end f(v-1) end` (framesize 4, 3
        // slots per level, d + 1 frames): LuaJIT grows for d = 10, 29, 65 and 139.
        let mut s = LjStack::default();
        let mut at = vec![];
        for d in 1..200 {
            for level in 0..=d {
                let base = 2 + 2 + 3 * level;
                if s.check(base + 4) {
                    at.push(d);
                }
            }
        }
        assert_eq!(at, [10, 29, 65, 139]);
    }

    #[test]
    fn shrinks_by_half_above_the_floor() {
        let mut s = LjStack::new(432, 2);
        s.shrink(10);
        assert_eq!(s.size(), 224);
        let mut t = LjStack::default();
        t.shrink(0);
        assert_eq!(t.size(), START_SIZE);
    }
}
