//! Hot counters: when does a loop or a function become hot enough to record?
//!
//! LuaJIT keeps 64 16-bit counters hashed by bytecode address, shared by every loop and
//! function that hashes to the same slot (collisions are accepted: they only make things
//! hot sooner). Every counter starts at `hotloop*2 - 1`. A loop iteration (FORL, ITERL,
//! LOOP) subtracts 2 and a function entry (FUNCF, FUNCV) subtracts 1; when the subtraction
//! would go below zero the position is hot: with the default hotloop=56 a loop starts
//! recording on its 56th iteration and a function on its 112th call. The counter is then
//! reset to `hotloop*2`, and an aborted recording sets it to the penalty value (see
//! `penalty`).
//!
//! The key is a [`HotKey`]: the byte address the VM uses for the counted instruction (the
//! instruction *after* the loop or function-header bytecode in LuaJIT, since the
//! interpreter's pc has already advanced). The VM chooses the address space; all that
//! matters is that it is stable and 4-byte spaced like LuaJIT's instruction addresses, so
//! the hash spreads the same way. Rules: keep the update arithmetic identical to LuaJIT's
//! (unsigned 16-bit borrow), it decides the iteration a trace starts on.

/// Number of hot counters.
pub const HOTCOUNT_SIZE: usize = 64;
/// Decrement for a loop iteration.
pub const HOTCOUNT_LOOP: u16 = 2;
/// Decrement for a function entry.
pub const HOTCOUNT_CALL: u16 = 1;

/// The address a hot counter is hashed by (see the module doc).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct HotKey(pub u64);

impl HotKey {
    /// The counter slot: `(addr >> 2) & 63`, as LuaJIT hashes instruction addresses.
    pub fn slot(self) -> usize {
        ((self.0 >> 2) as usize) & (HOTCOUNT_SIZE - 1)
    }
}

/// The 64 hot counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HotCounters {
    counters: [u16; HOTCOUNT_SIZE],
}

impl HotCounters {
    /// Counters initialised for `hotloop`.
    pub fn new(hotloop: i32) -> HotCounters {
        let mut h = HotCounters {
            counters: [0; HOTCOUNT_SIZE],
        };
        h.reset_all(hotloop);
        h
    }

    /// Resets every counter to `hotloop*2 - 1` (start-up, `jit.opt.start("hotloop=..")`).
    pub fn reset_all(&mut self, hotloop: i32) {
        let start = (hotloop.clamp(0, 0x7fff) as u16 * HOTCOUNT_LOOP).saturating_sub(1);
        self.counters = [start; HOTCOUNT_SIZE];
    }

    /// The current value for `key`.
    pub fn get(&self, key: HotKey) -> u16 {
        self.counters[key.slot()]
    }

    /// Sets the counter for `key` (hot reset, penalty).
    pub fn set(&mut self, key: HotKey, val: u16) {
        self.counters[key.slot()] = val;
    }

    fn tick(&mut self, key: HotKey, by: u16, hotloop: i32) -> bool {
        let c = &mut self.counters[key.slot()];
        let (v, borrow) = c.overflowing_sub(by);
        *c = v;
        if borrow {
            *c = hotloop.clamp(0, 0x7fff) as u16 * HOTCOUNT_LOOP;
        }
        borrow
    }

    /// Counts one loop iteration; true when the loop just became hot (counter reset).
    pub fn tick_loop(&mut self, key: HotKey, hotloop: i32) -> bool {
        self.tick(key, HOTCOUNT_LOOP, hotloop)
    }

    /// Counts one function entry; true when the function just became hot.
    pub fn tick_call(&mut self, key: HotKey, hotloop: i32) -> bool {
        self.tick(key, HOTCOUNT_CALL, hotloop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_hot_on_56th_iteration_call_on_112th() {
        let mut h = HotCounters::new(56);
        let k = HotKey(0x1000);
        let n = (1..).find(|_| h.tick_loop(k, 56)).unwrap();
        assert_eq!(n, 56);
        assert_eq!(h.get(k), 112);
        // After the reset the next trigger takes 57 iterations.
        assert_eq!((1..).find(|_| h.tick_loop(k, 56)).unwrap(), 57);
        let mut h = HotCounters::new(56);
        let f = HotKey(0x2004);
        assert_eq!((1..).find(|_| h.tick_call(f, 56)).unwrap(), 112);
        assert_eq!(HotKey(0x1000).slot(), HotKey(0x1100).slot());
        assert_ne!(HotKey(0x1000).slot(), HotKey(0x1004).slot());
    }
}
