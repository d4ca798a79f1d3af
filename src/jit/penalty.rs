//! Penalties and blacklisting: what happens to a start position whose recordings abort.
//!
//! LuaJIT keeps a small cache of 64 penalty slots, each remembering a start bytecode, a
//! penalty value and the last abort reason. On an abort of a *root* trace (side traces
//! are throttled by their exit counters instead, and traces starting at a return bytecode
//! are never penalised):
//!
//! - if the start position has a slot, its value becomes `value*2 + r` with `r` a random
//!   number in 0..=15; if that exceeds 60000 the position is **blacklisted**: its start
//!   bytecode is patched to the interpreter-only variant (FORL→IFORL, LOOP→ILOOP,
//!   FUNCF→IFUNCF, ...) and never counted again;
//! - otherwise the next slot in round-robin order is taken over (evicting whatever was
//!   there) and set to 72.
//!
//! The new value is also written to the position's hot counter, so the next attempt comes
//! after value/2 more loop iterations. Entries are generational ids ([`PenaltyId`]) in a
//! slotmap; the 64-slot ring holds keys, so an evicted entry's id goes stale and anyone
//! still holding it (the query API) sees that. Rules: keep the constants and the
//! round-robin order, they decide when blacklisting happens.

use super::ids::{BcPos, PenaltyId};
use super::traceerr::TraceError;
use slotmap::SlotMap;

/// Number of penalty slots.
pub const PENALTY_SLOTS: usize = 64;
/// First penalty value.
pub const PENALTY_MIN: u32 = 36 * 2;
/// Above this the position is blacklisted.
pub const PENALTY_MAX: u32 = 60000;
/// Random bits added on each doubling.
pub const PENALTY_RNDBITS: u32 = 4;

/// One penalty cache entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PenaltyEntry {
    /// The start position.
    pub pos: BcPos,
    /// The penalty value (also the hot counter value it sets).
    pub val: u16,
    /// The reason of the latest abort.
    pub reason: TraceError,
}

/// What an abort did to its start position.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum PenaltyOutcome {
    /// Penalised: set the position's hot counter to this value.
    Penalised(u16),
    /// Blacklisted: patch the start bytecode to its I-variant.
    Blacklisted,
}

/// A small deterministic PRNG for the penalty's random bits (LuaJIT uses its own PRNG
/// seeded per state; any source of 4 random bits is faithful).
#[derive(Clone, Debug)]
pub struct Prng(u64);

impl Prng {
    /// A generator from `seed` (0 is replaced by a fixed non-zero seed).
    pub fn new(seed: u64) -> Prng {
        Prng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }
    /// The next 64 random bits (xorshift64*).
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// The penalty cache.
#[derive(Clone, Debug)]
pub struct Penalties {
    /// Entries by generational id.
    pub entries: SlotMap<PenaltyId, PenaltyEntry>,
    ring: [Option<PenaltyId>; PENALTY_SLOTS],
    next_slot: usize,
    /// Random source for the doubling.
    pub prng: Prng,
}

impl Default for Penalties {
    fn default() -> Self {
        Penalties {
            entries: SlotMap::with_key(),
            ring: [None; PENALTY_SLOTS],
            next_slot: 0,
            prng: Prng::new(0),
        }
    }
}

impl Penalties {
    /// The live entry for `pos`, if it has one.
    pub fn find(&self, pos: BcPos) -> Option<PenaltyId> {
        self.ring
            .iter()
            .flatten()
            .copied()
            .find(|&id| self.entries.get(id).is_some_and(|e| e.pos == pos))
    }

    /// Records an abort at `pos` with `reason` (the caller has already excluded side traces
    /// and return bytecodes).
    pub fn penalise(&mut self, pos: BcPos, reason: TraceError) -> PenaltyOutcome {
        if let Some(id) = self.find(pos) {
            let rnd = (self.prng.next_u64() & ((1 << PENALTY_RNDBITS) - 1)) as u32;
            let e = &mut self.entries[id];
            let val = ((e.val as u32) << 1) + rnd;
            if val > PENALTY_MAX {
                return PenaltyOutcome::Blacklisted;
            }
            e.val = val as u16;
            e.reason = reason;
            return PenaltyOutcome::Penalised(val as u16);
        }
        let slot = self.next_slot;
        self.next_slot = (self.next_slot + 1) & (PENALTY_SLOTS - 1);
        if let Some(old) = self.ring[slot].take() {
            self.entries.remove(old);
        }
        let id = self.entries.insert(PenaltyEntry {
            pos,
            val: PENALTY_MIN as u16,
            reason,
        });
        self.ring[slot] = Some(id);
        PenaltyOutcome::Penalised(PENALTY_MIN as u16)
    }

    /// Forgets every entry (flush).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.ring = [None; PENALTY_SLOTS];
        self.next_slot = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ids::ProtoKey;

    #[test]
    fn doubles_then_blacklists() {
        let mut p = Penalties::default();
        let pos = BcPos {
            proto: ProtoKey::default(),
            pc: 3,
        };
        assert_eq!(
            p.penalise(pos, TraceError::NyiBytecode),
            PenaltyOutcome::Penalised(72)
        );
        let mut last = 72u32;
        let mut n = 1;
        while let PenaltyOutcome::Penalised(v) = p.penalise(pos, TraceError::NyiBytecode) {
            assert!((last * 2..=last * 2 + 15).contains(&(v as u32)));
            last = v as u32;
            n += 1;
        }
        // 72 -> 144 -> ... -> ~36864, blacklisted on the next doubling: 10 penalties.
        assert_eq!(n, 10);
    }

    #[test]
    fn ring_evicts_round_robin() {
        let mut p = Penalties::default();
        let pos = |pc| BcPos {
            proto: ProtoKey::default(),
            pc,
        };
        for pc in 0..65 {
            p.penalise(pos(pc), TraceError::LoopUnroll);
        }
        assert_eq!(p.entries.len(), 64);
        assert!(p.find(pos(0)).is_none());
        assert!(p.find(pos(64)).is_some());
    }
}
