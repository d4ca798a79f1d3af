//! Snapshots while recording: when to take one, when to merge, and which slots are live.
//!
//! LuaJIT's rules, reproduced because exit numbers in the logs depend on them:
//!
//! - A snapshot is added before every guarded comparison (`comp_prep`) and by the loop
//!   ops; after a comparison or a loop op the recorder sets `needsnap`, and the next
//!   recorded instruction first takes a snapshot with `mergesnap` set.
//! - `add`: a new snapshot *replaces* the previous one when no instruction was emitted
//!   since it, or when merging was requested and no guard was emitted since it. Snapshot
//!   #0 is never replaced: a NOP is emitted instead so the new one gets its own ref.
//! - `shrink` (after a comparison, with the snapshot's pc set to the branch not taken):
//!   `nslots` becomes the current `maxslot`, and entries of slots that the bytecode from
//!   the snapshot's pc overwrites before reading are dropped (use/def scan, `usedef`).
//! - `purge` (before the `needsnap` snapshot): slots dead at the current pc are forgotten
//!   by the recorder, so they neither appear in snapshots nor count as modified.
//!
//! Rules for whoever changes this: keep the scan in `usedef` in step with the bytecode
//! operand modes (`bc::Op::mode_*`); it must never read past the prototype's bytecode.

use super::Recorder;
use crate::bc::{self, Mode, Op};
use crate::jit::ids::BcPos;
use crate::jit::ir::{IrIns, IrOp, IrType};
use crate::jit::world::TraceData;

/// What the use/def scan learnt about a slot.
#[derive(Copy, Clone, PartialEq, Eq)]
enum SlotUse {
    /// Not seen yet.
    Unknown,
    /// Read before any write: live.
    Used,
    /// Written before any read: dead.
    Defined,
}

/// Scans the bytecode from `pc` and classifies slots below `maxslot`; returns the slot
/// from which everything is dead (LuaJIT's `snap_usedef`).
pub(crate) fn usedef(
    code: &[u32],
    mut pc: usize,
    maxslot: usize,
    udf: &mut Vec<SlotUse2>,
) -> usize {
    udf.clear();
    udf.resize(maxslot.max(1) + 256, SlotUse2(SlotUse::Unknown));
    if maxslot == 0 {
        return 0;
    }
    let use_slot = |udf: &mut Vec<SlotUse2>, s: usize| {
        if s < udf.len() && udf[s].0 == SlotUse::Unknown {
            udf[s].0 = SlotUse::Used;
        }
    };
    let def_slot = |udf: &mut Vec<SlotUse2>, s: usize| {
        if s < udf.len() && udf[s].0 == SlotUse::Unknown {
            udf[s].0 = SlotUse::Defined;
        }
    };
    let mut steps = 0;
    while pc < code.len() && steps < 10_000 {
        steps += 1;
        let ins = code[pc];
        pc += 1;
        let op = bc::op(ins);
        let (a, b, c, d) = (
            bc::a(ins) as usize,
            bc::b(ins) as usize,
            bc::c(ins) as usize,
            bc::d(ins) as usize,
        );
        if op.mode_b() == Mode::Var {
            use_slot(udf, b);
        }
        match op.mode_cd() {
            Mode::Var if !op.is_ad() => use_slot(udf, c),
            Mode::Var => use_slot(udf, d),
            Mode::Rbase if op == Op::CAT => {
                for s in b..=c {
                    use_slot(udf, s);
                }
                for s in c + 1..maxslot {
                    def_slot(udf, s);
                }
            }
            Mode::Jump => {
                let mut minslot = a;
                if matches!(op, Op::FORI | Op::JFORI | Op::FORL | Op::IFORL | Op::JFORL) {
                    minslot += 3;
                } else if matches!(op, Op::ITERL | Op::IITERL | Op::JITERL) {
                    minslot += (bc::b(code[pc.saturating_sub(2)]) as usize).saturating_sub(1);
                } else if op == Op::UCLO {
                    pc = (pc as isize + bc::j(ins) as isize) as usize;
                    continue;
                }
                for s in minslot..maxslot {
                    def_slot(udf, s);
                }
                return minslot.min(maxslot);
            }
            Mode::Lit => {
                if matches!(op, Op::JFORL | Op::JITERL | Op::JLOOP) {
                    let minslot = match op {
                        Op::JFORL => a + 3,
                        // Like ITERL: the iterator's results below A + B - 1 are read.
                        Op::JITERL => {
                            a + (bc::b(code[pc.saturating_sub(2)]) as usize).saturating_sub(1)
                        }
                        _ => a,
                    };
                    for s in minslot..maxslot {
                        def_slot(udf, s);
                    }
                    return minslot.min(maxslot);
                }
                if matches!(op, Op::RET | Op::RET0 | Op::RET1 | Op::RETM) {
                    let top = if op == Op::RETM { maxslot } else { a + d - 1 };
                    for s in 0..a {
                        def_slot(udf, s);
                    }
                    for s in a..top {
                        use_slot(udf, s);
                    }
                    for s in top..maxslot {
                        def_slot(udf, s);
                    }
                    return 0;
                }
            }
            Mode::Func => return maxslot,
            _ => {}
        }
        match op.mode_a() {
            Mode::Var => use_slot(udf, a),
            Mode::Dst if !matches!(op, Op::ISTC | Op::ISFC) => def_slot(udf, a),
            Mode::Base => {
                if matches!(
                    op,
                    Op::CALLM | Op::CALL | Op::CALLMT | Op::CALLT | Op::ITERC | Op::ITERN
                ) {
                    let top = if matches!(op, Op::CALLM | Op::CALLMT) || c == 0 {
                        maxslot
                    } else {
                        a + c + 1
                    };
                    def_slot(udf, a + 1);
                    let from = if matches!(op, Op::ITERC | Op::ITERN) {
                        a.saturating_sub(3)
                    } else {
                        a
                    };
                    for s in from..top {
                        use_slot(udf, s);
                    }
                    for s in top..maxslot {
                        def_slot(udf, s);
                    }
                    if matches!(op, Op::CALLT | Op::CALLMT) {
                        for s in 0..a {
                            def_slot(udf, s);
                        }
                        return 0;
                    }
                } else if op == Op::VARG {
                    return maxslot;
                } else if op == Op::KNIL {
                    for s in a..=d {
                        def_slot(udf, s);
                    }
                } else if op == Op::TSETM {
                    for s in a.saturating_sub(1)..maxslot {
                        use_slot(udf, s);
                    }
                }
            }
            _ => {}
        }
    }
    maxslot
}

/// One slot's classification (wrapper so the type can stay private to this module).
#[derive(Copy, Clone)]
pub(crate) struct SlotUse2(SlotUse);

impl SlotUse2 {
    /// Whether the slot is live (read before written, or never touched before the scan
    /// stopped below `minslot`).
    fn live(self) -> bool {
        self.0 == SlotUse::Used
    }
}

impl Recorder {
    /// Adds a snapshot of the current slots for resuming at `self.pc` (LuaJIT's
    /// `lj_snap_add`, with its merge rules).
    pub(crate) fn snap_add(&mut self, data: &mut TraceData) {
        let nins = data.ir.nins();
        let nsnap = data.snaps.len();
        let mut merge = false;
        if let Some(last) = data.snaps.snaps.last() {
            let guard_since =
                (last.r.0..nins.0).any(|r| data.ir.at(crate::jit::ir::IrRef(r)).is_guard());
            if last.r == nins || (self.mergesnap && !guard_since) {
                merge = true;
            }
        }
        if merge {
            if nsnap == 1 {
                data.ir.emit_raw(IrIns::new(IrOp::NOP, IrType::Nil, 0, 0));
            } else {
                let s = data.snaps.snaps.pop().expect("non-empty");
                data.snaps.map.truncate(s.map_ofs as usize);
            }
        }
        self.mergesnap = false;
        let nslots = (self.baseslot + self.maxslot).min(250);
        let pos = BcPos {
            proto: self.cur_key,
            pc: self.pc as u32,
        };
        let r = data.ir.nins();
        data.snaps
            .take(&data.ir, r, &self.slots[..nslots], nslots as u8, Some(pos));
    }

    /// Drops dead slots from the newest snapshot and sets its size to `maxslot`
    /// (LuaJIT's `lj_snap_shrink`).
    pub(crate) fn snap_shrink(&mut self, data: &mut TraceData, code: &[u32]) {
        let Some(last) = data.snaps.snaps.last().copied() else {
            return;
        };
        let spc = last.pc.map_or(self.pc, |p| p.pc as usize);
        let mut udf = Vec::new();
        let minslot = usedef(code, spc, self.maxslot, &mut udf);
        let maxslot = self.maxslot + self.baseslot;
        let minslot = minslot + self.baseslot;
        let ofs = last.map_ofs as usize;
        let ents: Vec<_> = data.snaps.map[ofs..ofs + last.nent as usize]
            .iter()
            .copied()
            .filter(|e| {
                let s = e.slot() as usize;
                s < minslot || (s < maxslot && udf[s - self.baseslot].live())
            })
            .collect();
        data.snaps.map.truncate(ofs);
        data.snaps.map.extend_from_slice(&ents);
        let l = data.snaps.snaps.last_mut().expect("non-empty");
        l.nent = ents.len() as u16;
        l.nslots = maxslot as u8;
    }

    /// Forgets slots that are dead at the current pc (LuaJIT's `lj_snap_purge`).
    pub(crate) fn snap_purge(&mut self, code: &[u32]) {
        let mut udf = Vec::new();
        let maxslot = self.maxslot;
        let s = usedef(code, self.pc, maxslot, &mut udf);
        for (i, u) in udf.iter().enumerate().take(maxslot).skip(s) {
            if !u.live() {
                self.slots[self.baseslot + i] = None;
            }
        }
    }
}

impl Recorder {
    /// Before the final snapshot of a trace that links anywhere but back to its own loop
    /// at depth 0: every int-typed slot value becomes a number (`num CONV x num.int`), the
    /// representation the interpreter and other traces expect (LuaJIT does this in
    /// `lj_record_stop`, from the top slot down, so a value held in two slots is converted
    /// once through CSE). A trace that loops to itself keeps its ints: the loop pass needs
    /// them narrowed.
    pub(crate) fn canonicalize_slots(
        &mut self,
        data: &mut TraceData,
        link: Option<crate::jit::events::TraceNo>,
    ) -> Result<(), super::ops::RecErr> {
        // Returns below the start frame (LuaJIT's `retdepth`) count like inlined frames.
        let returned = data.ir.refs().any(|r| data.ir.at(r).op == IrOp::RETF);
        let self_loop = link == Some(self.no) && self.frames.is_empty() && !returned;
        if self_loop && self.flags.has(crate::jit::params::OptFlags::LOOP) {
            return Ok(());
        }
        let top = (self.baseslot + self.maxslot).min(self.slots.len());
        for s in (1..top).rev() {
            let Some((r, fl)) = self.slots[s] else {
                continue;
            };
            let ins = data.ir.at(r);
            let readonly = ins.op == IrOp::SLOAD && ins.op2 & crate::jit::ir::sload::READONLY != 0;
            if ins.ty == IrType::Int && !readonly {
                let c = self
                    .emitter(data)
                    .op(
                        IrOp::CONV,
                        IrType::Num,
                        r.0,
                        crate::jit::ir::conv_lit(IrType::Num, IrType::Int),
                    )
                    .map_err(|e| (e, None))?;
                self.slots[s] = Some((c, fl));
            }
        }
        Ok(())
    }

    /// Adds a snapshot at the current pc (for the driver's side-trace setup).
    pub fn snap_add_pub(&mut self, data: &mut TraceData) {
        self.snap_add(data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bc::{ins_abc, ins_ad, ins_aj};

    #[test]
    fn usedef_finds_live_and_dead_slots() {
        // 0: ADDVV 2 0 1 (reads 0 and 1, writes 2); 1: KSHORT 1 5 (writes 1);
        // 2: JMP 3 => 4 (slots >= 3 dead); 3: RET0; 4: RET0
        let code = vec![
            ins_abc(Op::ADDVV, 2, 0, 1),
            ins_ad(Op::KSHORT, 1, 5),
            ins_aj(Op::JMP, 3, 1),
            ins_ad(Op::RET0, 0, 1),
            ins_ad(Op::RET0, 0, 1),
        ];
        let mut udf = Vec::new();
        let min = usedef(&code, 0, 5, &mut udf);
        assert_eq!(min, 3);
        assert!(udf[0].live() && udf[1].live());
        assert!(!udf[2].live(), "written before read");
        // From pc 1 slot 1 is overwritten first: dead; slot 0 is never touched below
        // the JMP's base, so it stays below `minslot` (kept by the caller).
        let min = usedef(&code, 1, 5, &mut udf);
        assert_eq!(min, 3);
        assert!(!udf[1].live());
        // A return reads its results and kills everything else.
        let code = vec![ins_ad(Op::RET1, 1, 2)];
        assert_eq!(usedef(&code, 0, 4, &mut udf), 0);
        assert!(udf[1].live() && !udf[0].live() && !udf[2].live());
    }
}
