//! The optimiser: one file per pass, and the emit pipeline they share.
//!
//! Every instruction the recorder (or the loop pass) produces goes through
//! [`Emitter::emit`]: **fold** (constant folding and algebraic simplification by rule
//! table, [`fold`]) → **fwd** for loads (store-to-load forwarding and load CSE with alias
//! analysis, [`fwd`]) or **cse** for pure ops (common-subexpression elimination along the
//! per-op chains, [`cse`]) → append. Whole-trace passes run at the end of recording, in LuaJIT's order:
//! [`dce`] (dead-code elimination), then [`loop_`] (copy-substitution loop optimisation,
//! which re-emits the body through the same pipeline). [`narrow`] holds the integer
//! narrowing helpers the recorder calls while emitting arithmetic and loop counters.
//! Each pass is gated by its `jit.opt` flag. Rules: a pass never reorders instructions or
//! renumbers refs except by appending; run `ir::debug_verify` after every pass.

pub mod cse;
pub mod dce;
pub mod fold;
pub mod fwd;
pub mod loop_;
pub mod narrow;

use super::ir::{IrBuf, IrIns, IrOp, IrRef, IrType, IRF_GUARD};
use super::params::OptFlags;
use super::traceerr::TraceError;

/// The emit pipeline over one trace's IR.
pub struct Emitter<'a> {
    /// The IR being built.
    pub ir: &'a mut IrBuf,
    /// Which passes are on.
    pub flags: OptFlags,
}

impl<'a> Emitter<'a> {
    /// A pipeline over `ir` with `flags`.
    pub fn new(ir: &'a mut IrBuf, flags: OptFlags) -> Emitter<'a> {
        Emitter { ir, flags }
    }

    /// Emits `ins` through fold and CSE. A guard that folds to "always true" returns
    /// [`super::ir::REF_TRUE`] and emits nothing; one that would always fail is an error
    /// (`guard would always fail`). A full buffer is "trace too long".
    pub fn emit(&mut self, ins: IrIns) -> Result<IrRef, TraceError> {
        let r = if self.flags.has(OptFlags::FOLD) {
            fold::fold(self, ins)?
        } else {
            self.cse_or_emit(ins)
        };
        if self.ir.overflow {
            return Err(TraceError::TraceTooLong);
        }
        Ok(r)
    }

    /// Emits `op` with type `ty` and operands `a`, `b` (refs or literals per the mode).
    pub fn op(&mut self, op: IrOp, ty: IrType, a: u16, b: u16) -> Result<IrRef, TraceError> {
        self.emit(IrIns::new(op, ty, a, b))
    }

    /// Emits `op` as a guard.
    pub fn guard(&mut self, op: IrOp, ty: IrType, a: u16, b: u16) -> Result<IrRef, TraceError> {
        let mut i = IrIns::new(op, ty, a, b);
        i.flags |= IRF_GUARD;
        self.emit(i)
    }

    /// The CSE stage (or a plain append when CSE is off or not allowed for the op).
    pub fn cse_or_emit(&mut self, ins: IrIns) -> IrRef {
        if self.flags.has(OptFlags::FWD) && fwd::handles(ins.op) {
            if let Some(r) = fwd::forward(self, &ins) {
                return r;
            }
        }
        // Besides pure ops, LuaJIT CSEs SLOADs (a slot's entry value never changes; but a
        // RETF moves the base, so not across one) and table barriers (until an
        // allocation, which may run a GC step, intervenes).
        let cse_ok = ins.op.mode().cse_ok() || matches!(ins.op, IrOp::SLOAD | IrOp::TBAR);
        if self.flags.has(OptFlags::CSE) && cse_ok {
            if let Some(r) = cse::find(self.ir, &ins) {
                let gc_step = ins.op == IrOp::TBAR
                    && [
                        IrOp::TNEW,
                        IrOp::TDUP,
                        IrOp::SNEW,
                        IrOp::TOSTR,
                        IrOp::BUFSTR,
                    ]
                    .iter()
                    .any(|&a| self.ir.chain[a as usize] > r);
                let rebased = ins.op == IrOp::SLOAD && self.ir.chain[IrOp::RETF as usize] > r;
                if !gc_step && !rebased {
                    return r;
                }
            }
        }
        self.ir.emit_raw(ins)
    }
}
