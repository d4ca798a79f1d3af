//! `pairs` / `next` loops: `ISNEXT`, `ITERN` (and the `pairs` call that feeds them).
//!
//! The front end compiles `for k, v in pairs(t)` (or `next`) to `ISNEXT` → body →
//! `ITERN` + `ITERL`. At run time `ISNEXT` checks that the generator is `next`, the state
//! a table and the control `nil`, and replaces the control with a traversal position 0
//! (LuaJIT's *key index*, printed `K`); `ITERN` fetches the entry at that position or
//! later and stores the next position back. As in LuaJIT 2.1, `ITERN` is the loop's
//! hot-counted instruction (counted on every execution, also the last one), a root trace
//! starts *at* the `ITERN` and records it, and the trace is entered there (the driver
//! keeps the compiled `ITERN`s in a table instead of patching them, see `driver.rs`).
//!
//! IR of one `ITERN` (LuaJIT's form): snapshot with the live slots below A; `SLOAD` of
//! the table (typed) and of the position (`int`, mode `K`, not type-checked); `CALLL
//! lj_vm_next (table position)` returning the entry; `HIOP` = the next position;
//! `VLOAD #1` = the key (guarded with its type, or `nil` at the end of the traversal);
//! `VLOAD #0` = the value (guarded, only if the loop uses it). Looping back, the control
//! slot holds the `HIOP` with the snapshot flag `KEYINDEX`; at the end the loop's slots
//! die (maxslot = A-3).
//!
//! Loop events: a root trace reaching its start `ITERN` again closes the loop (link
//! `loop`); leaving it is "leaving loop in root trace" (the range check in `mod.rs`); a
//! root trace entering another `ITERN` loop aborts ("inner loop in root trace"); a side
//! trace reaching a compiled `ITERN` (other than its own first instruction) links to
//! that trace. `pairs(t)` is recorded inline (`EQ` on the function, results `next`,
//! `t`, `nil`); `ISNEXT` with anything else aborts (the interpreter then despecialises
//! the loop to `ITERC`).

use super::ops::RecErr;
use super::{LiveFrame, RecResult, Recorder, StartKind};
use crate::bc::{self, Op};
use crate::jit::ir::{sload, IrOp, IrType, REF_NIL};
use crate::jit::link::LinkType;
use crate::jit::snap::SNAP_KEYINDEX;
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::Value;

/// `VLOAD` literal: the value of the entry.
const VLOAD_VALUE: u16 = 0;
/// `VLOAD` literal: the key of the entry.
const VLOAD_KEY: u16 = 1;

fn nyi(op: Op) -> RecErr {
    (TraceError::NyiBytecode, Some((op as u8).to_string()))
}

impl Recorder {
    /// Sets up a root trace for the hot `ITERN` at `pc` (before it executes): the loop
    /// range is the body (the ITERL's target) up to the ITERL; live slots below A.
    pub fn setup_root_itern(&mut self, data: &mut TraceData, f: &LiveFrame<'_>, pc: usize) {
        let ins = f.code[pc];
        if let Some(&iterl) = f.code.get(pc + 1) {
            let body = (pc as isize + 2 + bc::j(iterl) as isize) as usize;
            self.loop_range = Some((body, pc + 1));
        }
        self.maxslot = bc::a(ins) as usize;
        self.pc = pc;
        self.snap_add(data);
    }

    /// `ITERN A B C` at `pc`.
    pub(crate) fn rec_itern(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let ra = bc::a(ins) as usize;
        let nres = (bc::b(ins) as usize).saturating_sub(1);
        let depth0 = self.frames.is_empty();
        let at_start = matches!(self.start, StartKind::IterN(s) if s == pc) && depth0;
        if at_start && self.count > 1 {
            return self.stop(data, LinkType::Loop, Some(self.no), pc);
        }
        if let Some(lnk) = (f.iter_trace)(pc) {
            // A compiled pairs loop: a side trace links to it (unless this is the very
            // instruction the side trace starts at); a root trace does not enter it.
            if self.is_side() && self.count > 1 {
                return self.stop(data, LinkType::Root, Some(lnk), pc);
            }
            if !self.is_side() && !at_start {
                return Err((TraceError::InnerLoop, None));
            }
        }
        let live = |s: usize| {
            f.stack
                .get(self.baseslot + s)
                .copied()
                .unwrap_or(Value::NIL)
        };
        let (Some(t), Some(pos)) = (live(ra - 2).as_tab(), live(ra - 1).as_num()) else {
            return Err(nyi(Op::ITERN));
        };
        self.maxslot = ra;
        self.snap_add(data);
        self.mergesnap = false;
        let tr = self.getslot(data, f, ra - 2)?;
        let ctl = self.baseslot + ra - 1;
        let idx = match self.slots[ctl] {
            Some((r, _)) if self.ty(data, r) == IrType::Int => r,
            _ => {
                let r = self
                    .emitter(data)
                    .op(IrOp::SLOAD, IrType::Int, ctl as u16, sload::KEYINDEX)
                    .map_err(|e| (e, None))?;
                self.slots[ctl] = Some((r, SNAP_KEYINDEX));
                r
            }
        };
        let next = t.get_mut().entry_from(pos.max(0.0) as usize);
        let call_id = crate::jit::ir::IR_CALLS
            .iter()
            .position(|c| *c == "lj_vm_next")
            .unwrap_or(0) as u16;
        let m = |e: TraceError| (e, None);
        let mut e = self.emitter(data);
        let carg = e.op(IrOp::CARG, IrType::Nil, tr.0, idx.0).map_err(m)?;
        let call = e.op(IrOp::CALLL, IrType::P64, carg.0, call_id).map_err(m)?;
        let hi = e.op(IrOp::HIOP, IrType::Int, call.0, call.0).map_err(m)?;
        let kty = next.map_or(IrType::Nil, |(_, k, _)| super::ops::type_of(k));
        let key = e.guard(IrOp::VLOAD, kty, call.0, VLOAD_KEY).map_err(m)?;
        let Some((_, _, v)) = next else {
            // End of the traversal: the loop's slots die, execution continues after
            // the ITERL.
            self.maxslot = ra.saturating_sub(3);
            self.needsnap = true;
            return Ok(RecResult::Continue);
        };
        let val = if nres >= 2 {
            Some(
                self.emitter(data)
                    .guard(IrOp::VLOAD, super::ops::type_of(v), call.0, VLOAD_VALUE)
                    .map_err(m)?,
            )
        } else {
            None
        };
        self.slots[ctl] = Some((hi, SNAP_KEYINDEX));
        self.setslot(ra, key);
        if let Some(val) = val {
            self.setslot(ra + 1, val);
        }
        for i in 2..nres {
            self.setslot(ra + i, REF_NIL);
        }
        self.maxslot = ra + nres;
        self.needsnap = true;
        if !at_start {
            // Entering another loop.
            if self.is_side() {
                self.loopunroll -= 1;
                if self.loopunroll < 0 {
                    return Err((TraceError::LoopUnroll, None));
                }
            } else {
                return Err((TraceError::InnerLoop, None));
            }
        }
        Ok(RecResult::Continue)
    }

    /// `ISNEXT A D`: generator `next`, a table and `nil` → the control becomes the key
    /// index 0; anything else aborts (the interpreter despecialises the loop).
    pub(crate) fn rec_isnext(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let ra = bc::a(ins) as usize;
        let live = |s: usize| {
            f.stack
                .get(self.baseslot + s)
                .copied()
                .unwrap_or(Value::NIL)
        };
        let gen = live(ra - 3);
        let is_next = f.next_fn.is_some_and(|n| n == gen);
        if !is_next || live(ra - 2).as_tab().is_none() || !live(ra - 1).is_nil() {
            return Err((TraceError::ErrHook, None));
        }
        let gr = self.getslot(data, f, ra - 3)?;
        let kn = self.kfunc(data, gen);
        if gr != kn {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, gr.0, kn.0)
                .map_err(|e| (e, None))?;
        }
        self.getslot(data, f, ra - 2)?;
        self.getslot(data, f, ra - 1)?;
        let zero = data.ir.kint(0);
        self.slots[self.baseslot + ra - 1] = Some((zero, SNAP_KEYINDEX));
        Ok(RecResult::Continue)
    }

    /// `pairs(t)` called with `CALL A B C` (one table argument without metatable):
    /// recorded inline as its results `next, t, nil` after an identity guard.
    pub(crate) fn rec_pairs(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
        fv: Value,
    ) -> Result<Option<RecResult>, RecErr> {
        let a = bc::a(ins) as usize;
        let nres = bc::b(ins) as i32 - 1;
        let nargs = (bc::c(ins) as usize).saturating_sub(1);
        let arg = f
            .stack
            .get(self.baseslot + a + 2)
            .copied()
            .unwrap_or(Value::NIL);
        let Some(next) = f.next_fn else {
            return Ok(None);
        };
        if nargs != 1 || nres < 0 || arg.as_tab().is_none_or(|t| t.get_mut().meta.is_some()) {
            return Ok(None);
        }
        let fr = self.getslot(data, f, a)?;
        let kf = self.kfunc(data, fv);
        let tr = self.getslot(data, f, a + 2)?;
        if fr != kf {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, fr.0, kf.0)
                .map_err(|e| (e, None))?;
        }
        let kn = self.kfunc(data, next);
        let results = [kn, tr, REF_NIL];
        for s in a..(a + 3).max(a + 2 + nargs) {
            if self.baseslot + s < self.slots.len() {
                self.slots[self.baseslot + s] = None;
            }
        }
        for (i, r) in results.iter().enumerate().take(nres as usize) {
            self.setslot(a + i, *r);
        }
        self.maxslot = a + nres as usize;
        Ok(Some(RecResult::Continue))
    }
}
