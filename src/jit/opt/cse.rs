//! Common-subexpression elimination along the per-op chains.
//!
//! Every op has a chain of its instructions, newest first (`IrIns::prev`, heads in
//! `IrBuf::chain`). To find an existing instruction equal to a new one we walk the chain of
//! its op and compare both operands. The walk stops as soon as it passes the newer of the
//! two operands: an instruction older than one of its own operands cannot exist, so
//! nothing below that point can match. This makes CSE cheap enough to run on every emit.
//!
//! Only pure ops are merged (kinds `N`, `C`, `R` without `W`, see `IrMode::cse_ok`);
//! loads need alias analysis (forwarding) and allocations/stores have identity or side
//! effects. The type is not compared: equal operands of a pure op imply equal types,
//! except for CONV whose literal encodes the types. Guards are merged too: an identical
//! earlier guard already checked the same condition. Rules: never CSE across a LOOP for
//! loads (the loop pass re-emits them on purpose); keep the early stop.

use crate::jit::ir::{IrBuf, IrIns, IrRef};

/// The newest existing instruction equal to `ins`, if any.
pub fn find(ir: &IrBuf, ins: &IrIns) -> Option<IrRef> {
    let lim = ins.op1.max(ins.op2);
    let mut r = ir.chain[ins.op as usize];
    while r.0 > lim {
        let i = ir.at(r);
        if i.op1 == ins.op1 && i.op2 == ins.op2 && i.ty == ins.ty {
            return Some(r);
        }
        r = i.prev;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::{IrOp, IrType};

    #[test]
    fn finds_equal_and_stops_at_operands() {
        let mut ir = IrBuf::new();
        let s = ir.emit_raw(IrIns::new(IrOp::SLOAD, IrType::Int, 2, 0));
        let k = ir.kint(1);
        let a = ir.emit_raw(IrIns::new(IrOp::ADD, IrType::Int, s.0, k.0));
        assert_eq!(
            find(&ir, &IrIns::new(IrOp::ADD, IrType::Int, s.0, k.0)),
            Some(a)
        );
        assert_eq!(
            find(&ir, &IrIns::new(IrOp::ADD, IrType::Int, a.0, k.0)),
            None
        );
        assert_eq!(
            find(&ir, &IrIns::new(IrOp::SUB, IrType::Int, s.0, k.0)),
            None
        );
    }
}
