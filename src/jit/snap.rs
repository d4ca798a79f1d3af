//! Snapshots: the interpreter state a trace exit restores.
//!
//! The IR never stores to Lua stack slots. Instead the recorder takes a *snapshot* before
//! each instruction that may fail (a guard): a sparse list of (slot, value) pairs saying
//! which stack slots differ from what the interpreter had when the trace was entered, and
//! what to write back if the guard fails. Rules, as the seeds explain them and LuaJIT's
//! dumps show:
//!
//! - Slots are numbered from the base of the function that started the trace. In a GC64
//!   build slot 0 holds the function and slot 1 the frame link, so Lua locals start at 2
//!   (`SLOAD #2` is the first local); the seed texts were written for a non-GC64 build and
//!   are one lower.
//! - Only *modified* slots appear. A slot that still holds the value it had at trace entry
//!   is omitted (printed `----`), and so is every slot that is dead at the exit point:
//!   [`Snapshot::nslots`] is the number of live slots there, so a snapshot that exits after a
//!   loop is shorter than one that exits into its body.
//! - An entry refers to an IR instruction (`0003`) or a constant (`+67`, `"str"`). An
//!   inlined call adds a frame: the callee's function constant followed by a frame-link
//!   entry flagged [`SNAP_FRAME`] (`t1.lua:3 ftsz|`); jit.dump prints `|` after a frame
//!   entry. Slot 1 of the base frame, when it appears (after recursion reloaded the
//!   function), is the frame marker `----|`. Continuation frames (stitching) are flagged
//!   [`SNAP_CONT`] and print `contpc`.
//! - A snapshot covers every instruction from its `ref` up to the next snapshot's `ref`.
//!   Two snapshots with no guard between them are merged (the later one replaces the
//!   earlier), so snapshot refs are strictly increasing.
//! - Snapshot #0 is taken at trace start and is always empty for a root trace.
//! - The loop optimisation copies every snapshot of the pre-roll except #0 and the loop
//!   snapshot, substituting refs (see `opt::loop_`).
//!
//! Storage is LuaJIT's: one [`SnapBuf`] per trace with a flat entry map; each
//! [`Snapshot`] is a window (`map_ofs`, `nent`) into it. An entry packs slot, flags and
//! ref into a `u32` exactly as LuaJIT's `SnapEntry` does, so jit.util-style consumers and
//! the printer agree on the bits.

use super::ids::{BcPos, FuncNames};
use super::ir::{IrBuf, IrRef, REF_BIAS, REF_NIL};
use std::fmt::Write as _;

/// A snapshot number within a trace (also the trace's exit number).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SnapNo(pub u16);

/// Entry flag: the slot is a frame link (printed `|`).
pub const SNAP_FRAME: u32 = 0x10000;
/// Entry flag: a continuation frame.
pub const SNAP_CONT: u32 = 0x20000;
/// Entry flag: do not restore this slot on exit.
pub const SNAP_NORESTORE: u32 = 0x40000;
/// Entry flag: a soft-float number split over two refs (printed `0003/0004`).
pub const SNAP_SOFTFPNUM: u32 = 0x80000;
/// Entry flag: a table key index.
pub const SNAP_KEYINDEX: u32 = 0x100000;

/// One snapshot entry: slot (bits 24..31), flags, ref (bits 0..15), as LuaJIT packs it.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SnapEntry(pub u32);

impl SnapEntry {
    /// An entry restoring `slot` from `r` with `flags`.
    pub fn new(slot: u8, flags: u32, r: IrRef) -> SnapEntry {
        SnapEntry(((slot as u32) << 24) | flags | r.0 as u32)
    }
    /// The base frame's slot-1 marker (`----|`): frame link, not restored, nil.
    pub fn base_frame_marker() -> SnapEntry {
        SnapEntry::new(1, SNAP_FRAME | SNAP_NORESTORE, REF_NIL)
    }
    /// The stack slot.
    pub fn slot(self) -> u8 {
        (self.0 >> 24) as u8
    }
    /// The ref.
    pub fn r(self) -> IrRef {
        IrRef(self.0 as u16)
    }
    /// The flag bits.
    pub fn flags(self) -> u32 {
        self.0 & 0x00ff_0000
    }
    /// The same entry with another ref.
    pub fn with_ref(self, r: IrRef) -> SnapEntry {
        SnapEntry((self.0 & 0xffff_0000) | r.0 as u32)
    }
}

/// One snapshot: a window into the trace's snapshot map.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// First map entry.
    pub map_ofs: u32,
    /// Number of entries.
    pub nent: u16,
    /// First instruction covered (guards from here until the next snapshot use it).
    pub r: IrRef,
    /// Live slots at the exit point.
    pub nslots: u8,
    /// Highest slot used by any frame (stack check on exit).
    pub topslot: u8,
    /// Where the interpreter resumes when this exit is taken.
    pub pc: Option<BcPos>,
}

/// A trace's snapshots and their entry map.
#[derive(Clone, Debug, Default)]
pub struct SnapBuf {
    /// The snapshots, by number.
    pub snaps: Vec<Snapshot>,
    /// The flat entry map.
    pub map: Vec<SnapEntry>,
    /// Set when a snapshot did not fit (more than [`MAX_SNAPS`]); the optimiser reports
    /// "too many snapshots".
    pub overflow: bool,
}

/// Most snapshots a trace can hold (numbers stay 16-bit).
pub const MAX_SNAPS: usize = 0x7fff;

impl SnapBuf {
    /// Number of snapshots.
    pub fn len(&self) -> usize {
        self.snaps.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.snaps.is_empty()
    }
    /// Snapshot `n`.
    pub fn get(&self, n: SnapNo) -> Option<&Snapshot> {
        self.snaps.get(n.0 as usize)
    }
    /// The entries of snapshot `n`.
    pub fn entries(&self, n: SnapNo) -> &[SnapEntry] {
        let s = &self.snaps[n.0 as usize];
        &self.map[s.map_ofs as usize..s.map_ofs as usize + s.nent as usize]
    }

    /// Adds a snapshot at `r` with `entries` (sorted by slot). If the newest snapshot is at
    /// the same ref (no guard in between), it is replaced, as LuaJIT does.
    pub fn add(
        &mut self,
        r: IrRef,
        nslots: u8,
        entries: &[SnapEntry],
        pc: Option<BcPos>,
    ) -> SnapNo {
        debug_assert!(
            entries.windows(2).all(|w| w[0].slot() < w[1].slot()),
            "snapshot entries unsorted"
        );
        if self.snaps.len() >= MAX_SNAPS || entries.len() > u16::MAX as usize {
            self.overflow = true;
            return SnapNo(self.snaps.len().saturating_sub(1) as u16);
        }
        if let Some(last) = self.snaps.last() {
            if last.r == r {
                let ofs = last.map_ofs as usize;
                self.map.truncate(ofs);
                self.snaps.pop();
            }
        }
        let map_ofs = self.map.len() as u32;
        self.map.extend_from_slice(entries);
        let topslot = entries
            .iter()
            .map(|e| e.slot())
            .max()
            .unwrap_or(0)
            .max(nslots);
        self.snaps.push(Snapshot {
            map_ofs,
            nent: entries.len() as u16,
            r,
            nslots,
            topslot,
            pc,
        });
        SnapNo(self.snaps.len() as u16 - 1)
    }

    /// Takes a snapshot at `r` from the recorder's slot view, following LuaJIT's sparse
    /// rules: `slots[s]` is the value of stack slot `s` (`None` = untouched since trace
    /// entry) with its entry flags (frame/continuation). A plain `SLOAD` of the same slot
    /// is the slot's own unmodified value and is left out, unless it was inherited from a
    /// parent trace (`I`); an inherited one that need not be written back (read-only, or
    /// not coalesced with the parent) is kept but flagged `SNAP_NORESTORE`.
    pub fn take(
        &mut self,
        ir: &IrBuf,
        r: IrRef,
        slots: &[Option<(IrRef, u32)>],
        nslots: u8,
        pc: Option<BcPos>,
    ) -> SnapNo {
        use super::ir::{sload, IrOp};
        let mut ents = Vec::new();
        for (s, v) in slots.iter().enumerate().take(nslots as usize) {
            let Some((vr, mut flags)) = *v else { continue };
            if flags & (SNAP_CONT | SNAP_FRAME) == 0 && !vr.is_const() && ir.valid(vr) {
                let i = ir.at(vr);
                if i.op == IrOp::SLOAD && i.op1 as usize == s {
                    if i.op2 & sload::INHERIT == 0 {
                        continue;
                    }
                    if i.op2 & (sload::READONLY | sload::PARENT) != sload::PARENT {
                        flags |= SNAP_NORESTORE;
                    }
                }
            }
            ents.push(SnapEntry::new(s as u8, flags, vr));
        }
        self.add(r, nslots, &ents, pc)
    }

    /// Drops every snapshot at or after `r` (used when the IR is truncated).
    pub fn truncate_at(&mut self, r: IrRef) {
        while self.snaps.last().is_some_and(|s| s.r > r) {
            let s = self.snaps.pop().expect("non-empty");
            self.map.truncate(s.map_ofs as usize);
        }
    }

    /// The snapshot that guard `r` exits through (the newest one at or before it).
    pub fn snap_for(&self, r: IrRef) -> Option<SnapNo> {
        let i = self.snaps.partition_point(|s| s.r <= r);
        (i > 0).then(|| SnapNo(i as u16 - 1))
    }

    /// Checks the snapshot invariants against `ir`: snapshot refs increase, entries are
    /// sorted by slot and below `nslots`... (frames may extend past it), instruction
    /// entries refer to instructions before the snapshot, constant entries exist.
    pub fn verify(&self, ir: &IrBuf) -> Result<(), String> {
        let mut last = IrRef(0);
        for (n, s) in self.snaps.iter().enumerate() {
            if s.r < last {
                return Err(format!(
                    "snapshot #{n} at {} before #{}",
                    s.r,
                    n.saturating_sub(1)
                ));
            }
            last = s.r;
            if s.map_ofs as usize + s.nent as usize > self.map.len() {
                return Err(format!("snapshot #{n} outside the map"));
            }
            let ents = self.entries(SnapNo(n as u16));
            if ents.windows(2).any(|w| w[0].slot() >= w[1].slot()) {
                return Err(format!("snapshot #{n} entries not sorted by slot"));
            }
            for e in ents {
                let r = e.r();
                let ok = if r.is_const() {
                    ir.valid(r)
                } else {
                    r.0 > REF_BIAS && r < s.r && r < ir.nins()
                };
                if !ok {
                    return Err(format!("snapshot #{n} slot {} refers to {r}", e.slot()));
                }
            }
        }
        Ok(())
    }

    /// The bracketed body of snapshot `n` as jit.dump prints it: `[ ---- 0003 +67 ]`.
    pub fn fmt_entries(&self, n: SnapNo, ir: &IrBuf, names: &dyn FuncNames) -> String {
        let s = &self.snaps[n.0 as usize];
        let ents = self.entries(n);
        let mut out = String::from("[ ");
        let mut k = 0;
        for slot in 0..s.nslots as u32 {
            match ents.get(k) {
                Some(e) if e.slot() as u32 == slot => {
                    k += 1;
                    let r = e.r();
                    if e.0 == SnapEntry::base_frame_marker().0 {
                        out.push_str("----");
                    } else if r.is_const() {
                        out.push_str(&ir.fmt_const(r, Some(e.0), names));
                    } else if e.0 & SNAP_SOFTFPNUM != 0 {
                        let n = r.0 - REF_BIAS;
                        let _ = write!(out, "{:04}/{:04}", n, n + 1);
                    } else {
                        let _ = write!(out, "{:04}", r.0 - REF_BIAS);
                    }
                    out.push(if e.0 & SNAP_FRAME != 0 { '|' } else { ' ' });
                }
                _ => out.push_str("---- "),
            }
        }
        out.push(']');
        out
    }

    /// The interleaved snapshot line of `-jdump=+is` (`....        SNAP   #1   [ ---- ]`);
    /// `regs` selects the wider `+r` layout.
    pub fn fmt_line(&self, n: SnapNo, ir: &IrBuf, names: &dyn FuncNames, regs: bool) -> String {
        let pad = if regs {
            "....              SNAP"
        } else {
            "....        SNAP"
        };
        format!("{pad}   #{:<3} {}", n.0, self.fmt_entries(n, ir, names))
    }

    /// The snapshot line of `-jdump=s` without IR (`#1   0005 [ ---- 0003 ]`).
    pub fn fmt_table_line(&self, n: SnapNo, ir: &IrBuf, names: &dyn FuncNames) -> String {
        let s = &self.snaps[n.0 as usize];
        format!(
            "#{:<3} {:04} {}",
            n.0,
            s.r.0 - REF_BIAS,
            self.fmt_entries(n, ir, names)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::ids::ProtoKey;
    use super::super::ir::{GcConst, IrType};
    use super::*;
    use crate::jit::ids::FuncRef;

    struct Names;
    impl FuncNames for Names {
        fn lua_loc(&self, _: ProtoKey, _: Option<u32>) -> String {
            "t1.lua:3".into()
        }
        fn fast_name(&self, _: u8) -> String {
            "unpack".into()
        }
    }

    #[test]
    fn frames_print_with_bars() {
        let mut ir = IrBuf::new();
        let f = ir.kgc(
            GcConst::Func {
                id: 7,
                func: FuncRef::Lua(ProtoKey::default()),
            },
            IrType::Func,
        );
        let ftsz = ir.knum(f64::from_bits(0x0000_0000_0000_0010));
        let i5 = IrRef(REF_BIAS + 5);
        let mut sb = SnapBuf::default();
        let n = sb.add(
            IrRef(REF_BIAS + 6),
            5,
            &[
                SnapEntry::new(0, 0, f),
                SnapEntry::base_frame_marker(),
                SnapEntry::new(3, 0, f),
                SnapEntry::new(4, SNAP_FRAME, ftsz),
            ],
            None,
        );
        // The entry refers to 0005, which need not exist for printing.
        let _ = i5;
        assert_eq!(
            sb.fmt_entries(n, &ir, &Names),
            "[ t1.lua:3 ----|---- t1.lua:3 ftsz|]"
        );
        assert_eq!(
            sb.fmt_line(n, &ir, &Names, false),
            "....        SNAP   #0   [ t1.lua:3 ----|---- t1.lua:3 ftsz|]"
        );
    }

    #[test]
    fn take_leaves_out_unmodified_slots() {
        use crate::jit::ir::{sload, IrIns, IrOp};
        let mut ir = IrBuf::new();
        let a = ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 0));
        let b = ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Num, 3, sload::INHERIT));
        let c = ir.emit_raw(IrIns::new(IrOp::ADD, IrType::Int, a.0, a.0));
        let mut sb = SnapBuf::default();
        let slots = [
            None,
            None,
            Some((a, 0)),
            Some((b, 0)),
            Some((c, 0)),
            Some((a, 0)),
        ];
        let n = sb.take(&ir, ir.nins(), &slots, 6, None);
        let e = sb.entries(n);
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].slot(), e[0].flags()), (3, SNAP_NORESTORE));
        assert_eq!((e[1].slot(), e[1].r()), (4, c));
        assert_eq!(
            (e[2].slot(), e[2].r()),
            (5, a),
            "a copy of slot 2 in slot 5 is a modification"
        );
    }

    #[test]
    fn same_ref_replaces_and_lookup_finds() {
        let mut sb = SnapBuf::default();
        let ir = IrBuf::new();
        sb.add(IrRef(REF_BIAS + 1), 2, &[], None);
        sb.add(
            IrRef(REF_BIAS + 3),
            3,
            &[SnapEntry::new(2, 0, IrRef(REF_BIAS + 2))],
            None,
        );
        sb.add(IrRef(REF_BIAS + 3), 3, &[], None);
        assert_eq!(sb.len(), 2);
        assert_eq!(sb.map.len(), 0);
        assert_eq!(sb.snap_for(IrRef(REF_BIAS + 2)), Some(SnapNo(0)));
        assert_eq!(sb.snap_for(IrRef(REF_BIAS + 4)), Some(SnapNo(1)));
        assert_eq!(sb.fmt_entries(SnapNo(1), &ir, &Names), "[ ---- ---- ---- ]");
    }
}
