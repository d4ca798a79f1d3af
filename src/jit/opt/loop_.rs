//! LOOP: loop optimisation by copy-substitution (LuaJIT's documented algorithm).
//!
//! A root trace that loops back to its own start is recorded once, as straight-line code
//! for one iteration (the *pre-roll*). Instead of classic loop-invariant code motion, the
//! pass *unrolls one more iteration* and lets the ordinary emit pipeline (fold + CSE) do
//! the hoisting:
//!
//! 1. Emit `LOOP`. Everything before it is the pre-roll (it runs once); everything after
//!    it is the loop body (it runs every further iteration).
//! 2. Walk the pre-roll in order and re-emit each instruction with its operands replaced
//!    by their substitutes (`subst[ref]`, initially the identity). An `SLOAD` of a stack
//!    slot is substituted by the value the slot holds at the end of the iteration — the
//!    loop snapshot's entry for that slot, or the SLOAD itself if the slot never changed.
//!    A pure instruction whose operands are unchanged is invariant: it substitutes to
//!    itself without being re-emitted (that is the hoisting). Everything else goes through
//!    fold and CSE, which turns re-computations of invariant expressions into the pre-roll
//!    ref.
//! 3. When the walk reaches a pre-roll snapshot (other than #0, which the loop snapshot
//!    replaces, and the loop snapshot itself), copy it with substituted refs, filling in
//!    slots it does not mention (but that are live at its exit) from the loop snapshot.
//!    So the snapshots after `LOOP` are copies of those before it and exit to the same
//!    places, as the snapshot tutorial notes. A copy replaces the previous copy when no
//!    guard was emitted in between (folding may have removed the guard that needed it),
//!    so only snapshots some guard can exit through survive.
//! 4. Every substitute that is an *older* ref (< LOOP) and not a constant is a candidate
//!    loop-carried value. For each candidate `r` whose own substitute differs
//!    (`subst[r] != r`, i.e. its value changes per iteration) and which the body uses, emit
//!    `PHI r subst[r]` and mark both sides with the PHI flag (`+` in dumps). PHIs are
//!    emitted in the order candidates were found.
//!    Candidates get the PHI flag as soon as they are found, so that fold rules which
//!    look through an operand (reassociation) stop at them: `(i+1)+1` must not become
//!    `i+2` when `i+1` is the previous iteration's value.
//! 5. A loop-carried value whose type changes between iterations (an `SLOAD` guarded as
//!    `num` whose substitute is an `int`, ...) cannot be expressed: the pass fails with
//!    "persistent type instability" and the caller may retry without the loop pass.
//!
//! For the snapshot tutorial's loop `local x = 1.2 for i=1,1e3 do x = x * -3 end` this
//! produces exactly LuaJIT's listing (see the unit test): `0007 MUL 0003 -3`, `0008 ADD
//! 0004 +1`, `SNAP #3 [ ---- ---- 0007 ]`, `0009 LE 0008 +1000`, `0010 PHI 0004 0008`,
//! `0011 PHI 0003 0007`.
//!
//! Rules: the substitution table lives in the recording arena (`bumpalo`); the pass must
//! leave the IR verifiable; never re-emit the `LOOP` or anything after it.

use super::Emitter;
use crate::jit::ir::{IrIns, IrOp, IrRef, IrType, Operand, IRF_PHI, REF_BIAS, REF_FIRST};
use crate::jit::snap::{SnapBuf, SnapEntry, SnapNo, SNAP_FRAME};
use crate::jit::traceerr::TraceError;
use bumpalo::Bump;

/// Maximum number of PHIs (LuaJIT's `LJ_MAX_PHI`).
pub const MAX_PHI: usize = 64;

/// What the loop pass produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopResult {
    /// The LOOP instruction.
    pub loop_ref: IrRef,
    /// The PHIs emitted, as (pre-roll ref, body ref).
    pub phis: Vec<(IrRef, IrRef)>,
}

/// Runs the loop pass. The newest snapshot must be the loop snapshot, taken at the end of
/// recording (its ref is the next instruction to be emitted).
pub fn run(
    e: &mut Emitter<'_>,
    snaps: &mut SnapBuf,
    arena: &Bump,
) -> Result<LoopResult, TraceError> {
    let invar = e.ir.nins();
    let loopsnap = match snaps.snaps.last() {
        Some(s) if s.r == invar => SnapNo(snaps.len() as u16 - 1),
        _ => return Err(TraceError::LeavingLoop),
    };
    let loop_entries: Vec<SnapEntry> = snaps.entries(loopsnap).to_vec();
    let loop_ref = e.ir.emit_raw(IrIns::new(IrOp::LOOP, IrType::Nil, 0, 0));

    let n = (invar.0 - REF_BIAS) as usize;
    let subst: &mut [IrRef] = arena.alloc_slice_fill_with(n, |i| IrRef(REF_BIAS + i as u16));
    let sub = |subst: &[IrRef], r: IrRef| {
        if r.is_const() || r.0 < REF_FIRST.0 {
            r
        } else {
            subst[(r.0 - REF_BIAS) as usize]
        }
    };
    let mut candidates: Vec<IrRef> = Vec::new();
    let mut next_snap = 1u16;
    // Whether a guard was emitted since the newest copied snapshot. A copy with no guard
    // since the previous copy replaces it (no exit could use the earlier one); the first
    // copy never replaces the loop snapshot.
    let mut guard_since_copy = true;

    for ins_ref in (REF_FIRST.0..invar.0).map(IrRef) {
        while next_snap < loopsnap.0 && snaps.snaps[next_snap as usize].r <= ins_ref {
            if !guard_since_copy {
                drop_last_snapshot(snaps);
            }
            copy_snapshot(e, snaps, SnapNo(next_snap), &loop_entries, subst, &sub);
            guard_since_copy = false;
            next_snap += 1;
        }
        let ins = *e.ir.at(ins_ref);
        if ins.op == IrOp::NOP {
            continue;
        }
        let m = ins.op.mode();
        let newref = if ins.op == IrOp::SLOAD {
            let slot = ins.op1 as u8;
            match loop_entries
                .iter()
                .find(|s| s.slot() == slot && s.flags() & SNAP_FRAME == 0)
            {
                Some(s) => {
                    let r = s.r();
                    let t = e.ir.at(r).ty;
                    if t != ins.ty && !(ins.ty.is_fp() && t.is_fp()) {
                        return Err(TraceError::TypeInstability);
                    }
                    r
                }
                None => ins_ref,
            }
        } else {
            let op1 = if m.op1 == Operand::Ref {
                sub(subst, ins.r1()).0
            } else {
                ins.op1
            };
            let op2 = if m.op2 == Operand::Ref {
                sub(subst, ins.r2()).0
            } else {
                ins.op2
            };
            let pure = matches!(
                m.kind,
                crate::jit::ir::OpKind::N | crate::jit::ir::OpKind::C | crate::jit::ir::OpKind::R
            ) && !m.nonweak
                && !ins.is_guard();
            if pure && op1 == ins.op1 && op2 == ins.op2 {
                ins_ref
            } else {
                let mut copy = IrIns::new(ins.op, ins.ty, op1, op2);
                copy.flags = ins.flags & !IRF_PHI;
                let before = e.ir.nins();
                let r = e.emit(copy)?;
                if r >= before && e.ir.at(r).is_guard() {
                    guard_since_copy = true;
                }
                r
            }
        };
        subst[(ins_ref.0 - REF_BIAS) as usize] = newref;
        if newref < invar
            && !newref.is_const()
            && newref != ins_ref
            && !e.ir.at(newref).ty.is_pri()
            && !candidates.contains(&newref)
        {
            // Marked at once, as LuaJIT does: fold rules must not look through a
            // loop-carried value (PHI barrier), e.g. reassociate `(i+1)+1`.
            e.ir.at_mut(newref).flags |= IRF_PHI;
            candidates.push(newref);
        }
    }
    // Snapshots at the very end of the pre-roll other than the loop snapshot.
    while next_snap < loopsnap.0 {
        if !guard_since_copy {
            drop_last_snapshot(snaps);
        }
        copy_snapshot(e, snaps, SnapNo(next_snap), &loop_entries, subst, &sub);
        guard_since_copy = false;
        next_snap += 1;
    }

    // Which pre-roll refs does the loop body use?
    let body_uses = |e: &Emitter<'_>, snaps: &SnapBuf, r: IrRef| {
        let by_ins = ((loop_ref.0 + 1)..e.ir.nins().0).map(IrRef).any(|b| {
            let i = e.ir.at(b);
            let m = i.op.mode();
            (m.op1 == Operand::Ref && i.op1 == r.0) || (m.op2 == Operand::Ref && i.op2 == r.0)
        });
        by_ins
            || snaps.snaps[loopsnap.0 as usize + 1..].iter().any(|s| {
                snaps.map[s.map_ofs as usize..s.map_ofs as usize + s.nent as usize]
                    .iter()
                    .any(|x| x.r() == r)
            })
    };
    // (jitrec fix) Values the loop snapshot carries into the next iteration are
    // loop-carried too, even when no SLOAD reads them back (a slot only written in the
    // body): the copied snapshots refer to them, so they need a PHI as well, else an exit
    // in a later iteration restores the pre-roll's value.
    for l in &loop_entries {
        let r = l.r();
        if l.flags() & SNAP_FRAME == 0
            && !r.is_const()
            && r < loop_ref
            && !e.ir.at(r).ty.is_pri()
            && !candidates.contains(&r)
        {
            candidates.push(r);
        }
    }
    let mut phis = Vec::new();
    for r in candidates {
        let rhs = sub(subst, r);
        if rhs == r || !body_uses(e, snaps, r) {
            e.ir.at_mut(r).flags &= !IRF_PHI;
            continue;
        }
        if phis.len() >= MAX_PHI {
            return Err(TraceError::TooManyPhis);
        }
        let (lt, rt) = (e.ir.at(r).ty, e.ir.at(rhs).ty);
        if lt != rt {
            return Err(TraceError::TypeInstability);
        }
        phis.push((r, rhs));
    }
    for &(l, r) in &phis {
        e.ir.at_mut(l).flags |= IRF_PHI;
        if !r.is_const() {
            e.ir.at_mut(r).flags |= IRF_PHI;
        }
        let ty = e.ir.at(l).ty;
        e.ir.emit_raw(IrIns::new(IrOp::PHI, ty, l.0, r.0));
    }
    Ok(LoopResult { loop_ref, phis })
}

fn drop_last_snapshot(snaps: &mut SnapBuf) {
    if let Some(s) = snaps.snaps.pop() {
        snaps.map.truncate(s.map_ofs as usize);
    }
}

fn copy_snapshot(
    e: &mut Emitter<'_>,
    snaps: &mut SnapBuf,
    n: SnapNo,
    loop_entries: &[SnapEntry],
    subst: &[IrRef],
    sub: &dyn Fn(&[IrRef], IrRef) -> IrRef,
) {
    let s = snaps.snaps[n.0 as usize];
    let old: Vec<SnapEntry> = snaps.entries(n).to_vec();
    let mut out: Vec<SnapEntry> = old.iter().map(|x| x.with_ref(sub(subst, x.r()))).collect();
    for l in loop_entries {
        if l.slot() < s.nslots && !old.iter().any(|o| o.slot() == l.slot()) {
            out.push(*l);
        }
    }
    out.sort_by_key(|x| x.slot());
    snaps.add(e.ir.nins(), s.nslots, &out, s.pc);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ids::{FuncNames, ProtoKey};
    use crate::jit::ir::{sload, IrBuf, IRF_GUARD};
    use crate::jit::log_dump::{dump_ir, TraceView};
    use crate::jit::params::OptFlags;

    struct Names;
    impl FuncNames for Names {
        fn lua_loc(&self, _: ProtoKey, _: Option<u32>) -> String {
            "t1.lua:3".into()
        }
        fn fast_name(&self, _: u8) -> String {
            "?".into()
        }
    }

    /// Builds by hand the IR LuaJIT's recorder emits for
    /// `local x = 1.2 for i=1,1e3 do x = x * -3 end` (GC64 slots) and checks the loop pass
    /// output against expected/t1.dlog of conformance case 19.
    #[test]
    fn snapshot_tutorial_loop_matches_luajit() {
        let mut ir = IrBuf::new();
        let mut snaps = SnapBuf::default();
        let arena = Bump::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        snaps.add(e.ir.nins(), 2, &[], None);
        let i = e
            .emit(IrIns::new(
                IrOp::SLOAD,
                IrType::Int,
                3,
                sload::CONVERT | sload::INHERIT,
            ))
            .unwrap();
        let mut xs = IrIns::new(IrOp::SLOAD, IrType::Num, 2, sload::TYPECHECK);
        xs.flags |= IRF_GUARD;
        let x = e.emit(xs).unwrap();
        let km3 = e.ir.knum(-3.0);
        let x2 = e
            .emit(IrIns::new(IrOp::MUL, IrType::Num, x.0, km3.0))
            .unwrap();
        let k1 = e.ir.kint(1);
        let i2 = e
            .emit(IrIns::new(IrOp::ADD, IrType::Int, i.0, k1.0))
            .unwrap();
        snaps.add(e.ir.nins(), 3, &[SnapEntry::new(2, 0, x2)], None);
        let k1000 = e.ir.kint(1000);
        let mut le = IrIns::new(IrOp::LE, IrType::Int, i2.0, k1000.0);
        le.flags |= IRF_GUARD;
        e.emit(le).unwrap();
        snaps.add(
            e.ir.nins(),
            7,
            &[
                SnapEntry::new(2, 0, x2),
                SnapEntry::new(3, 0, i2),
                SnapEntry::new(6, 0, i2),
            ],
            None,
        );
        let res = run(&mut e, &mut snaps, &arena).unwrap();
        assert_eq!(res.phis.len(), 2);
        e.ir.verify().unwrap();
        let text = dump_ir(
            1,
            TraceView {
                ir: &ir,
                snaps: &snaps,
                regs: None,
            },
            true,
            None,
            &Names,
        );
        let expected = "\
---- TRACE 1 IR
....        SNAP   #0   [ ---- ---- ]
0001    int SLOAD  #3    CI
0002 >  num SLOAD  #2    T
0003  + num MUL    0002  -3  
0004  + int ADD    0001  +1  
....        SNAP   #1   [ ---- ---- 0003 ]
0005 >  int LE     0004  +1000
....        SNAP   #2   [ ---- ---- 0003 0004 ---- ---- 0004 ]
0006 ------ LOOP ------------
0007  + num MUL    0003  -3  
0008  + int ADD    0004  +1  
....        SNAP   #3   [ ---- ---- 0007 ]
0009 >  int LE     0008  +1000
0010    int PHI    0004  0008
0011    num PHI    0003  0007
";
        assert_eq!(text, expected);
    }

    #[test]
    fn invariant_loads_are_hoisted_variant_ones_reloaded() {
        // for i=1,n do s = s + t.x; t.y = s end: t.x is reloaded only if t.y may alias.
        let mut ir = IrBuf::new();
        let mut snaps = SnapBuf::default();
        let arena = Bump::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        snaps.add(e.ir.nins(), 2, &[], None);
        let i = e.op(IrOp::SLOAD, IrType::Int, 5, sload::CONVERT).unwrap();
        let t = e.op(IrOp::SLOAD, IrType::Tab, 2, 0).unwrap();
        let s = e.op(IrOp::SLOAD, IrType::Num, 3, 0).unwrap();
        let node = e.op(IrOp::FLOAD, IrType::P64, t.0, 7).unwrap();
        let (kx, ky) = (e.ir.kstr(b"x"), e.ir.kstr(b"y"));
        let (sx, sy) = (e.ir.kslot(kx, 1), e.ir.kslot(ky, 2));
        let rx = e.op(IrOp::HREFK, IrType::P64, node.0, sx.0).unwrap();
        let lx = e.op(IrOp::HLOAD, IrType::Num, rx.0, 0).unwrap();
        let s2 = e.op(IrOp::ADD, IrType::Num, s.0, lx.0).unwrap();
        let ry = e.op(IrOp::HREFK, IrType::P64, node.0, sy.0).unwrap();
        e.op(IrOp::HSTORE, IrType::Num, ry.0, s2.0).unwrap();
        let k1 = e.ir.kint(1);
        let i2 = e.op(IrOp::ADD, IrType::Int, i.0, k1.0).unwrap();
        snaps.add(
            e.ir.nins(),
            9,
            &[
                SnapEntry::new(3, 0, s2),
                SnapEntry::new(5, 0, i2),
                SnapEntry::new(8, 0, i2),
            ],
            None,
        );
        let before = e.ir.nins();
        run(&mut e, &mut snaps, &arena).unwrap();
        let body: Vec<IrOp> = (before.0..e.ir.nins().0)
            .map(|r| e.ir.at(IrRef(r)).op)
            .collect();
        // The field load, both HREFKs and the hash load are invariant: only the ADD, the
        // store and the counter are in the body.
        assert_eq!(
            body,
            vec![
                IrOp::LOOP,
                IrOp::ADD,
                IrOp::HSTORE,
                IrOp::ADD,
                IrOp::PHI,
                IrOp::PHI
            ]
        );
    }

    #[test]
    fn invariant_code_is_hoisted() {
        // for i=1,n do y = a + 1 end: the ADD of an unchanged slot stays in the pre-roll.
        let mut ir = IrBuf::new();
        let mut snaps = SnapBuf::default();
        let arena = Bump::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        snaps.add(e.ir.nins(), 2, &[], None);
        let i = e
            .emit(IrIns::new(IrOp::SLOAD, IrType::Int, 3, sload::CONVERT))
            .unwrap();
        let a = e.emit(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 0)).unwrap();
        let k1 = e.ir.kint(1);
        let y = e
            .emit(IrIns::new(IrOp::ADD, IrType::Int, a.0, k1.0))
            .unwrap();
        let i2 = e
            .emit(IrIns::new(IrOp::ADD, IrType::Int, i.0, k1.0))
            .unwrap();
        let _ = y;
        snaps.add(
            e.ir.nins(),
            8,
            &[SnapEntry::new(3, 0, i2), SnapEntry::new(7, 0, y)],
            None,
        );
        let before = e.ir.nins();
        let res = run(&mut e, &mut snaps, &arena).unwrap();
        // Body: only the counter ADD is re-emitted; one PHI for the counter.
        assert_eq!(e.ir.nins().0 - before.0, 3);
        assert_eq!(res.phis, vec![(i2, IrRef(before.0 + 1))]);
    }
}
