//! Dead-code elimination: mark what is needed, sweep the rest to NOP.
//!
//! An instruction is needed if a snapshot refers to it (the interpreter needs the value
//! when that exit is taken), if it is a guard or has a side effect (`S` kind or `W` flag,
//! see `IrMode::side_effect`; PHIs are `S` and so always kept), or if a needed instruction
//! uses it. Because refs are ordered, one backward sweep suffices: walking from the newest
//! instruction down, each instruction is either already marked (then its operands get
//! marked) or dead (then it becomes a NOP). Dead instructions keep their slot so refs do
//! not move; the per-op chains are rebuilt afterwards so CSE never finds a NOP. jit.dump
//! does not print NOPs, which is why dumps have gaps in their numbering.
//! Rules: the mark bit (`IRF_MARK`) is scratch and is clear when this pass returns.

use crate::jit::ir::{IrBuf, IrOp, IrRef, Operand, IRF_MARK, REF_FIRST};
use crate::jit::snap::SnapBuf;

/// Runs DCE over `ir`, keeping everything `snaps` refers to. Returns how many instructions
/// were removed.
pub fn run(ir: &mut IrBuf, snaps: &SnapBuf) -> usize {
    for e in &snaps.map {
        let r = e.r();
        if !r.is_const() && ir.valid(r) {
            ir.at_mut(r).flags |= IRF_MARK;
        }
    }
    let mut removed = 0;
    let refs: Vec<IrRef> = ir.refs().rev().collect();
    for r in refs {
        let i = *ir.at(r);
        if i.op == IrOp::NOP {
            continue;
        }
        if i.flags & IRF_MARK == 0 && !i.has_side_effect() {
            ir.nop(r);
            removed += 1;
            continue;
        }
        ir.at_mut(r).flags &= !IRF_MARK;
        let m = i.op.mode();
        for (mode, v) in [(m.op1, i.op1), (m.op2, i.op2)] {
            let o = IrRef(v);
            if mode == Operand::Ref && o >= REF_FIRST && o < r {
                ir.at_mut(o).flags |= IRF_MARK;
            }
        }
    }
    rebuild_chains(ir);
    removed
}

/// Recomputes the per-op chains of the instructions (constants are untouched).
pub fn rebuild_chains(ir: &mut IrBuf) {
    for (op, head) in ir.chain.iter_mut().enumerate() {
        let is_const = IrOp::from_u8(op as u8).is_some_and(|o| o.is_const());
        if !is_const && op != IrOp::BASE as usize {
            *head = IrRef(0);
        }
    }
    let refs: Vec<IrRef> = ir.refs().collect();
    for r in refs {
        let op = ir.at(r).op;
        if op == IrOp::NOP {
            continue;
        }
        let prev = ir.chain[op as usize];
        ir.at_mut(r).prev = prev;
        ir.chain[op as usize] = r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::{IrIns, IrType, IRF_GUARD};
    use crate::jit::snap::SnapEntry;

    #[test]
    fn keeps_guards_snapshot_refs_and_their_operands() {
        let mut ir = IrBuf::new();
        let a = ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 0));
        let k = ir.kint(1);
        let dead = ir.emit_raw(IrIns::new(IrOp::ADD, IrType::Int, a.0, k.0));
        let dead2 = ir.emit_raw(IrIns::new(IrOp::MUL, IrType::Int, dead.0, k.0));
        let used = ir.emit_raw(IrIns::new(IrOp::SUB, IrType::Int, a.0, k.0));
        let via_snap = ir.emit_raw(IrIns::new(IrOp::BXOR, IrType::Int, used.0, k.0));
        let mut g = IrIns::new(IrOp::LT, IrType::Int, used.0, k.0);
        g.flags |= IRF_GUARD;
        let guard = ir.emit_raw(g);
        let store = ir.emit_raw(IrIns::new(IrOp::TNEW, IrType::Tab, 0, 0));
        let mut snaps = SnapBuf::default();
        snaps.add(ir.nins(), 4, &[SnapEntry::new(3, 0, via_snap)], None);
        assert_eq!(run(&mut ir, &snaps), 2);
        assert_eq!(ir.at(dead).op, IrOp::NOP);
        assert_eq!(ir.at(dead2).op, IrOp::NOP);
        for r in [a, used, via_snap, guard, store] {
            assert_ne!(ir.at(r).op, IrOp::NOP, "{r} removed");
            assert_eq!(ir.at(r).flags & IRF_MARK, 0, "mark bit left set");
        }
        // The chains no longer reach the NOPs: CSE cannot find the dead ADD.
        assert_eq!(ir.chain[IrOp::ADD as usize], IrRef(0));
        assert_eq!(ir.chain[IrOp::SUB as usize], used);
        ir.verify().unwrap();
    }
}
