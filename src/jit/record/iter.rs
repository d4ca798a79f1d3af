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
        let live = |s: usize| self.live(f, s);
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
        let live = |s: usize| self.live(f, s);
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

    /// `pairs(t)` / `ipairs(t)` called with `CALL A B C` (one table argument without
    /// metatable): recorded inline as its results (`next, t, nil` / `ipairs_aux, t, 0`)
    /// after an identity guard.
    pub(crate) fn rec_pairs(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        (a, nargs, nres): (usize, usize, i32),
        fv: Value,
    ) -> Result<Option<RecResult>, RecErr> {
        let arg = self.live(f, a + 2);
        // pairs returns `next, t, nil`; ipairs its iterator (its upvalue), `t, 0`.
        let ipairs = matches!(
            fv.as_func().map(|c| c.kind()),
            Some(crate::vm::object::FuncKind::Native { name: "ipairs", .. })
        );
        let gen = if ipairs {
            match fv.as_func().map(|c| c.kind()) {
                Some(crate::vm::object::FuncKind::Native { upvals, .. }) => upvals.first().copied(),
                _ => None,
            }
        } else {
            f.next_fn
        };
        let Some(next) = gen.filter(|g| g.as_func().is_some()) else {
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
        let third = if ipairs { data.ir.knum(0.0) } else { REF_NIL };
        let results = [kn, tr, third];
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

/// Generic `for` loops: `ITERC` (call the iterator) and `ITERL` (loop back while the
/// first result is not nil), as LuaJIT records them.
///
/// A hot `ITERL` starts a root trace at the loop body (like a hot `FORL`; live slots
/// below A + B of the ITERC - 1), so if the loop ends right then the trace leaves its
/// range ("leaving loop in root trace"). `ITERC` copies generator, state and control
/// above the loop slots and is recorded as the call `CALL A B 3`: a Lua iterator is
/// inlined with a frame (`calls.rs`), `ipairs`'s iterator is recorded inline (`EQ` on
/// the function, the control as `int`, `ADD +1`, an array load typed with the value
/// seen, nil ending the loop); other natives abort. `ITERL` needs no IR (the type of
/// the first result is known): it copies the result to the control slot and closes the
/// loop at its own start, links a side trace to a compiled loop (`JITERL`), and aborts a
/// root trace entering another loop.
impl Recorder {
    /// Sets up a root trace for the hot `ITERL` at `pc` (before it executes).
    pub fn setup_root_iterl(&mut self, data: &mut TraceData, f: &LiveFrame<'_>, pc: usize) {
        let ins = f.code[pc];
        let body = (pc as isize + 1 + bc::j(ins) as isize) as usize;
        self.loop_range = Some((body, pc));
        let ra = bc::a(ins) as usize;
        let b = f
            .code
            .get(pc.wrapping_sub(1))
            .map_or(1, |&c| bc::b(c) as usize);
        self.maxslot = (ra + b).saturating_sub(1);
        self.pc = body;
        self.snap_add(data);
    }

    /// `ITERC A B C`.
    pub(crate) fn rec_iterc(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let a = bc::a(ins) as usize;
        let b = bc::b(ins);
        let bs = self.baseslot;
        let live = |s: usize| f.stack.get(bs + s).copied().unwrap_or(Value::NIL);
        let (gen, st, ctl) = (live(a - 3), live(a - 2), live(a - 1));
        let Some(gf) = gen.as_func() else {
            return Err(nyi(Op::ITERC));
        };
        let gr = self.getslot(data, f, a - 3)?;
        let sr = self.getslot(data, f, a - 2)?;
        let cr = self.getslot(data, f, a - 1)?;
        if let crate::vm::object::FuncKind::Native { name, .. } = gf.kind() {
            if *name == "ipairs_aux" {
                return self.rec_ipairs_aux(data, gen, (gr, sr, cr), (st, ctl), a, b);
            }
            return Err(nyi(Op::ITERC));
        }
        self.slots[bs + a] = Some((gr, 0));
        self.slots[bs + a + 1] = None;
        self.slots[bs + a + 2] = Some((sr, 0));
        self.slots[bs + a + 3] = Some((cr, 0));
        self.maxslot = self.maxslot.max(a + 4);
        // The call as the interpreter makes it: function at A, arguments at A+2, A+3.
        let mut stack = f.stack.to_vec();
        if stack.len() < bs + a + 4 {
            stack.resize(bs + a + 4, Value::NIL);
        }
        stack[bs + a] = gen;
        stack[bs + a + 1] = Value::NIL;
        stack[bs + a + 2] = st;
        stack[bs + a + 3] = ctl;
        let view = LiveFrame {
            type_names: f.type_names,
            key: f.key,
            code: f.code,
            knum: f.knum,
            kgc: f.kgc,
            stack: &stack,
            numparams: f.numparams,
            base0: f.base0,
            caller: f.caller,
            trace_of: f.trace_of,
            loop_left: f.loop_left,
            iter_trace: f.iter_trace,
            next_fn: f.next_fn,
        };
        let call = crate::bc::ins_abc(Op::CALL, a as u32, b, 3);
        self.rec_call(data, &view, call)
    }

    /// `ipairs`'s iterator inline: `t[c + 1]`, ending the loop at nil.
    fn rec_ipairs_aux(
        &mut self,
        data: &mut TraceData,
        gen: Value,
        (gr, sr, cr): (
            crate::jit::ir::IrRef,
            crate::jit::ir::IrRef,
            crate::jit::ir::IrRef,
        ),
        (st, ctl): (Value, Value),
        a: usize,
        b: u32,
    ) -> Result<RecResult, RecErr> {
        let (Some(t), Some(c)) = (st.as_tab(), ctl.as_num()) else {
            return Err(nyi(Op::ITERC));
        };
        let m = |e: TraceError| (e, None);
        let kf = self.kfunc(data, gen);
        if gr != kf {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::Func, gr.0, kf.0)
                .map_err(m)?;
        }
        let ci = if self.ty(data, cr) == IrType::Int {
            cr
        } else if let Some(k) = data.ir.num_of(cr).filter(|k| *k == k.trunc()) {
            data.ir.kint(k as i32)
        } else {
            let lit = crate::jit::ir::conv_lit(IrType::Int, IrType::Num);
            self.emitter(data)
                .op(IrOp::CONV, IrType::Int, cr.0, lit)
                .map_err(m)?
        };
        let one = data.ir.kint(1);
        let idx = self
            .emitter(data)
            .op(IrOp::ADD, IrType::Int, ci.0, one.0)
            .map_err(m)?;
        let v = t.get_mut().get(Value::num(c + 1.0));
        let mut e = self.emitter(data);
        let aref = e.op(IrOp::AREF, IrType::P64, sr.0, idx.0).map_err(m)?;
        let val = e
            .guard(IrOp::ALOAD, super::ops::type_of(v), aref.0, 0)
            .map_err(m)?;
        let nres = (b as usize).saturating_sub(1);
        // The key as a number (the slots were loaded as numbers: an int there would make
        // the loop look type-unstable to the loop pass).
        let results = if v.is_nil() {
            [REF_NIL, REF_NIL]
        } else {
            [self.tonum(data, idx)?, val]
        };
        for i in 0..nres {
            self.setslot(a + i, results.get(i).copied().unwrap_or(REF_NIL));
        }
        self.maxslot = a + nres;
        Ok(RecResult::Continue)
    }

    /// `ITERL` / `JITERL A D` at `pc`.
    pub(crate) fn rec_iterl(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let a = bc::a(ins) as usize;
        let r = self.getslot(data, f, a)?;
        let go = self.ty(data, r) != IrType::Nil;
        let at_start =
            matches!(self.start, StartKind::IterL(s) if s == pc) && self.frames.is_empty();
        if !go {
            return Ok(RecResult::Continue);
        }
        // The control slot was loaded as a number: keep it one (an int there would make
        // the loop look type-unstable to the loop pass).
        let rc = self.tonum(data, r)?;
        self.setslot(a - 1, rc);
        if bc::op(ins) == Op::JITERL {
            if self.is_side() {
                // The jump is gone from a patched JITERL: the body starts after the JMP
                // to the ITERC before it.
                let body = (0..pc)
                    .rev()
                    .find(|&q| {
                        bc::op(f.code[q]) == Op::JMP
                            && (q as isize + 1 + bc::j(f.code[q]) as isize) as usize + 1 == pc
                    })
                    .map_or(pc, |q| q + 1);
                let lnk = (f.trace_of)(bc::d(ins));
                return self.stop(data, LinkType::Root, lnk, body);
            }
            return Err((TraceError::InnerLoop, None));
        }
        if at_start {
            let body = (pc as isize + 1 + bc::j(ins) as isize) as usize;
            return self.stop(data, LinkType::Loop, Some(self.no), body);
        }
        if self.is_side() {
            self.loopunroll -= 1;
            if self.loopunroll < 0 {
                return Err((TraceError::LoopUnroll, None));
            }
            return Ok(RecResult::Continue);
        }
        Err((TraceError::InnerLoop, None))
    }
}
