//! Numeric for loops and loop events.
//!
//! A root trace started by a hot `FORL` records the loop body once and closes the loop
//! at the same `FORL` (link `loop`). Setup (`setup_root_forl`) takes snapshot #0 with no
//! live slots and loads the loop index (`SLOAD #n CI` for an `int` counter; stop and step
//! are constants when a `KSHORT`/`KNUM` right before the `FORI` initialised them,
//! `find_kinit`). Each `FORL` recorded adds the step, takes a snapshot that resumes
//! *after* the loop with only the slots below the loop's base, and guards the direction
//! the live values take (`LE` to stay in the loop with a positive step). Then `needsnap`
//! is set with the loop slots live again.
//!
//! Loop events decide links and aborts as in LuaJIT: a root trace back at its start forms
//! a loop; a root trace entering another loop aborts ("inner loop in root trace") unless
//! the inner loop's body is empty (then it is unrolled, up to `loopunroll`); reaching a
//! compiled loop (`JFORI` entering it, `JFORL` looping) stops a side trace with a link to
//! that trace, and aborts a root trace. A loop that is left is recorded straight through.

use super::ops::RecErr;
use super::{LiveFrame, RecResult, Recorder, StartKind};
use crate::bc::{self, Mode, Op};
use crate::jit::ir::{sload, IrOp, IrRef, IrType};
use crate::jit::link::LinkType;
use crate::jit::opt::narrow::forl_type;
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::Value;

/// The start loop's counter: where its FORI is and which refs hold index, stop, step.
#[derive(Copy, Clone, Debug)]
pub struct Scev {
    /// The FORI pc.
    pub fori: usize,
    /// Index ref.
    pub idx: IrRef,
    /// Stop ref.
    pub stop: IrRef,
    /// Step ref.
    pub step: IrRef,
    /// Counter type.
    pub ty: IrType,
}

/// The constant a KSHORT/KNUM right before `fori` stored into `slot`, if nothing else
/// could have (LuaJIT's `find_kinit`).
fn find_kinit(
    data: &mut TraceData,
    f: &LiveFrame<'_>,
    fori: usize,
    slot: usize,
    t: IrType,
) -> Option<IrRef> {
    let mut pc = fori;
    while pc > 1 {
        pc -= 1;
        let ins = f.code[pc];
        let op = bc::op(ins);
        let a = bc::a(ins) as usize;
        if op.mode_a() == Mode::Base && a <= slot {
            return None;
        }
        if op.mode_a() == Mode::Dst && a == slot {
            if !matches!(op, Op::KSHORT | Op::KNUM) {
                return None;
            }
            let kpc = pc;
            let mut q = pc;
            while q > 1 {
                q -= 1;
                let j = f.code[q];
                if bc::op(j) == Op::JMP {
                    let target = (q as isize + 1 + bc::j(j) as isize) as usize;
                    if target > kpc && target <= fori {
                        return None;
                    }
                }
            }
            let v = if op == Op::KSHORT {
                bc::d(ins) as u16 as i16 as f64
            } else {
                f.knum[bc::d(ins) as usize].as_num_unchecked()
            };
            return Some(if t == IrType::Int {
                if v != v.trunc() {
                    return None;
                }
                data.ir.kint(v as i32)
            } else {
                data.ir.knum(v)
            });
        }
    }
    None
}

impl Recorder {
    /// Sets up a root trace for the hot FORL at `forl` (before the FORL executes).
    pub fn setup_root_forl(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        forl: usize,
    ) -> Result<(), RecErr> {
        let ins = f.code[forl];
        let body = (forl as isize + 1 + bc::j(ins) as isize) as usize;
        self.loop_range = Some((body, forl));
        self.pc = body;
        self.maxslot = 0;
        self.snap_add(data);
        let fori = body - 1;
        self.scev = Some(self.for_loop(data, f, fori, true)?);
        Ok(())
    }

    /// Sets up a root trace for the hot `LOOP` at `lp` (while / repeat loops): the loop
    /// range runs from the backward JMP's target to that JMP; live slots below A.
    pub fn setup_root_loop(&mut self, data: &mut TraceData, f: &LiveFrame<'_>, lp: usize) {
        let ins = f.code[lp];
        let pcj = (lp as isize + bc::j(ins) as isize) as usize;
        if let Some(&jmp) = f.code.get(pcj) {
            if bc::op(jmp) == Op::JMP && bc::j(jmp) < 0 {
                let lo = (pcj as isize + 1 + bc::j(jmp) as isize) as usize;
                self.loop_range = Some((lo, pcj));
            }
        }
        self.maxslot = bc::a(ins) as usize;
        self.pc = lp + 1;
        self.snap_add(data);
    }

    /// `LOOP` / `JLOOP`: closes a root trace at its start, aborts a root trace at
    /// another loop, links a side trace to a compiled loop.
    pub(crate) fn rec_loop(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let at_start =
            matches!(self.start, StartKind::Loop(s) if s == pc) && self.frames.is_empty();
        if bc::op(ins) == Op::JLOOP {
            if self.is_side() {
                let lnk = (f.trace_of)(bc::d(ins));
                return self.stop(data, LinkType::Root, lnk, pc);
            }
            return Err((TraceError::InnerLoop, None));
        }
        // Like LuaJIT, loop aborts are reported where the loop body starts.
        if self.is_side() {
            self.loopunroll -= 1;
            if self.loopunroll < 0 {
                self.abort_pc = Some(pc + 1);
                return Err((TraceError::LoopUnroll, None));
            }
            return Ok(RecResult::Continue);
        }
        if at_start {
            return self.stop(data, LinkType::Loop, Some(self.no), pc + 1);
        }
        self.abort_pc = Some(pc + 1);
        if !(f.loop_left)(pc) {
            return Err((TraceError::InnerLoop, None));
        }
        self.unroll_inner_loop(data, false)?;
        self.abort_pc = None;
        Ok(RecResult::Continue)
    }

    /// Sets up a root trace for the hot function entry at pc 0 (before FUNCF executes).
    pub fn setup_root_func(&mut self, data: &mut TraceData, f: &LiveFrame<'_>) {
        self.maxslot = f.numparams;
        self.pc = 1;
        self.snap_add(data);
    }

    /// Loads (or finds) a loop's counter, stop and step (LuaJIT's `rec_for_loop`).
    fn for_loop(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        fori: usize,
        init: bool,
    ) -> Result<Scev, RecErr> {
        let ra = bc::a(f.code[fori]) as usize;
        let sl = |s: usize| self.live(f, s);
        let idx0 = self.slots[self.baseslot + ra].map(|(r, _)| r);
        let t = match idx0 {
            Some(r) => data.ir.at(r).ty,
            None if init => forl_type(
                sl(ra).as_num_unchecked(),
                sl(ra + 1).as_num_unchecked(),
                sl(ra + 2).as_num_unchecked(),
            ),
            None => IrType::Num,
        };
        let mode = sload::INHERIT;
        let arg = |this: &mut Self, data: &mut TraceData, s: usize| -> Result<IrRef, RecErr> {
            if let Some((r, _)) = this.slots[this.baseslot + s] {
                // The slot may hold the other number type: convert to the counter's.
                let rt = data.ir.at(r).ty;
                if t == IrType::Int && rt != IrType::Int {
                    if let Some(v) = data.ir.num_of(r) {
                        if v == v.trunc() && v.abs() < 2f64.powi(31) {
                            return Ok(data.ir.kint(v as i32));
                        }
                    }
                    return this
                        .emitter(data)
                        .guard(
                            IrOp::CONV,
                            IrType::Int,
                            r.0,
                            crate::jit::ir::conv_lit(IrType::Int, IrType::Num)
                                | crate::jit::ir::conv::CHECK,
                        )
                        .map_err(|e| (e, None));
                }
                if t == IrType::Num && rt == IrType::Int {
                    return this.tonum(data, r);
                }
                return Ok(r);
            }
            if let Some(k) = find_kinit(data, f, fori, s, t) {
                return Ok(k);
            }
            // An int stop or step is converted from the slot's number: a guard.
            let slot = (this.baseslot + s) as u16;
            let r = if t == IrType::Int {
                let lit = mode | sload::CONVERT | sload::READONLY;
                this.emitter(data).guard(IrOp::SLOAD, t, slot, lit)
            } else {
                this.emitter(data)
                    .op(IrOp::SLOAD, t, slot, mode | sload::READONLY)
            };
            r.map_err(|e| (e, None))
        };
        let up = sl(ra + 2).as_num_unchecked() >= 0.0;
        let stop = arg(self, data, ra + 1)?;
        let step = arg(self, data, ra + 2)?;
        self.for_check(data, t, up, stop, step, init)?;
        let idx = match idx0 {
            Some(r) => r,
            None => {
                let lit = if t == IrType::Int {
                    mode | sload::CONVERT
                } else {
                    mode
                };
                self.emitter(data)
                    .op(IrOp::SLOAD, t, (self.baseslot + ra) as u16, lit)
                    .map_err(|e| (e, None))?
            }
        };
        self.slots[self.baseslot + ra] = Some((idx, 0));
        self.slots[self.baseslot + ra + 3] = Some((idx, 0));
        self.maxslot = ra + 4;
        Ok(Scev {
            fori,
            idx,
            stop,
            step,
            ty: t,
        })
    }

    /// Records the FORL/FORI step: snapshot + direction guard. Returns whether the loop
    /// is (still) entered.
    fn for_iter(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        fori: usize,
        isforl: bool,
    ) -> Result<bool, RecErr> {
        let ra = bc::a(f.code[fori]) as usize;
        let bs = self.baseslot;
        let sl = |s: usize| f.stack.get(bs + s).copied().unwrap_or(Value::NIL);
        let (idx, stop, _step, t) = if isforl {
            let sc = match self.scev {
                Some(sc)
                    if sc.fori == fori
                        && self.slots[self.baseslot + ra].map(|x| x.0) == Some(sc.idx) =>
                {
                    sc
                }
                _ => self.for_loop(data, f, fori, false)?,
            };
            let add = self
                .emitter(data)
                .op(IrOp::ADD, sc.ty, sc.idx.0, sc.step.0)
                .map_err(|e| (e, None))?;
            (add, sc.stop, sc.step, sc.ty)
        } else {
            let idx0 = self.getslot(data, f, ra)?;
            let t = if data.ir.at(idx0).ty == IrType::Int {
                forl_type(
                    sl(ra).as_num_unchecked(),
                    sl(ra + 1).as_num_unchecked(),
                    sl(ra + 2).as_num_unchecked(),
                )
            } else {
                IrType::Num
            };
            let conv = |this: &mut Self, data: &mut TraceData, s: usize| -> Result<IrRef, RecErr> {
                let r = this.getslot(data, f, s)?;
                let rt = data.ir.at(r).ty;
                if t == IrType::Int && rt != IrType::Int {
                    if let Some(v) = data.ir.num_of(r) {
                        if v == v.trunc() && v.abs() < 2f64.powi(31) {
                            return Ok(data.ir.kint(v as i32));
                        }
                    }
                    return this
                        .emitter(data)
                        .guard(
                            IrOp::CONV,
                            IrType::Int,
                            r.0,
                            crate::jit::ir::conv_lit(IrType::Int, IrType::Num)
                                | crate::jit::ir::conv::CHECK,
                        )
                        .map_err(|e| (e, None));
                }
                if t == IrType::Num {
                    return this.tonum(data, r);
                }
                Ok(r)
            };
            let i = conv(self, data, ra)?;
            let s = conv(self, data, ra + 1)?;
            let st = conv(self, data, ra + 2)?;
            let up = sl(ra + 2).as_num_unchecked() >= 0.0;
            self.for_check(data, t, up, s, st, true)?;
            (i, s, st, t)
        };
        // Live direction.
        let stepv = sl(ra + 2).as_num_unchecked();
        let mut iv = sl(ra).as_num_unchecked();
        if isforl {
            iv += stepv;
        }
        let stopv = sl(ra + 1).as_num_unchecked();
        let enter = if stepv >= 0.0 {
            iv <= stopv
        } else {
            iv >= stopv
        };
        let up = stepv >= 0.0;
        let op = match (enter, up) {
            (true, true) => IrOp::LE,
            (true, false) => IrOp::GE,
            (false, true) => IrOp::GT,
            (false, false) => IrOp::LT,
        };
        self.slots[self.baseslot + ra] = Some((idx, 0));
        self.slots[self.baseslot + ra + 3] = Some((idx, 0));
        let forl_pc = (fori as isize + 1 + bc::j(f.code[fori]) as isize) as usize - 1;
        let after = forl_pc + 1;
        let body = fori + 1;
        if enter {
            self.maxslot = ra;
            self.pc = after;
        } else {
            self.maxslot = ra + 4;
            self.pc = body;
        }
        self.snap_add(data);
        self.emitter(data)
            .guard(op, t, idx.0, stop.0)
            .map_err(|e| (e, None))?;
        if enter {
            self.maxslot = ra + 4;
            self.pc = body;
        } else {
            self.maxslot = ra;
            self.pc = after;
        }
        self.needsnap = true;
        if isforl {
            if let Some(sc) = self.scev.as_mut() {
                if sc.fori == fori {
                    sc.idx = idx;
                }
            }
        }
        Ok(enter)
    }

    /// FORI / JFORI.
    pub(crate) fn rec_fori(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let enter = self.for_iter(data, f, pc, false)?;
        if enter {
            self.loopref = data.ir.nins().0 as usize;
        }
        if bc::op(ins) == Op::JFORI && enter {
            // Entering a compiled loop links to its trace, from a root trace as from a
            // side trace (only hitting the loop's JFORL is "inner loop in root trace").
            let forl = (pc as isize + bc::j(ins) as isize) as usize;
            let lnk = (f.trace_of)(bc::d(f.code[forl]));
            return self.stop(data, LinkType::Root, lnk, pc + 1);
        }
        Ok(RecResult::Continue)
    }

    /// FORL / JFORL / IFORL.
    pub(crate) fn rec_forl(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        pc: usize,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        if op == Op::IFORL {
            return Err((TraceError::Blacklisted, None));
        }
        let fori = if op == Op::JFORL {
            // The jump target is gone from a patched JFORL: the loop starts at the FORI
            // that jumps to just after it.
            (0..pc)
                .rev()
                .find(|&q| {
                    matches!(bc::op(f.code[q]), Op::FORI | Op::JFORI)
                        && (q as isize + 1 + bc::j(f.code[q]) as isize) as usize == pc + 1
                })
                .ok_or((TraceError::NyiBytecode, Some((op as u8).to_string())))?
        } else {
            (pc as isize + 1 + bc::j(ins) as isize) as usize - 1
        };
        let is_start = matches!(self.start, StartKind::ForLoop(s) if s == pc);
        if op == Op::JFORL && !self.is_side() {
            return Err((TraceError::InnerLoop, None));
        }
        let enter = self.for_iter(data, f, fori, true)?;
        if op == Op::JFORL {
            if enter {
                // A side trace that started at this loop's body forms a loop of its own
                // (LuaJIT's extra loop); otherwise it links to the loop's trace.
                // (At the same frame depth: no inlined frame open, no return below the
                // start frame, LuaJIT's `framedepth + retdepth == 0`.)
                let returned = data.ir.refs().any(|r| data.ir.at(r).op == IrOp::RETF);
                if self.start_at == (self.cur_key, fori + 1) && self.frames.is_empty() && !returned
                {
                    return self.stop(data, LinkType::Loop, Some(self.no), fori + 1);
                }
                let lnk = (f.trace_of)(bc::d(ins));
                return self.stop(data, LinkType::Root, lnk, fori + 1);
            }
            return Ok(RecResult::Continue);
        }
        if !self.is_side() {
            if is_start {
                if !enter {
                    self.abort_pc = Some(pc + 1);
                    return Err((TraceError::LeavingLoop, None));
                }
                return self.stop(data, LinkType::Loop, Some(self.no), fori + 1);
            }
            if enter {
                // An inner loop: abort and let it get its own trace, unless it is empty
                // or keeps being left early (then unroll it, within limits). Like
                // LuaJIT, the abort is reported where the loop body starts.
                self.abort_pc = Some(fori + 1);
                if bc::j(ins) != -1 && !(f.loop_left)(pc) {
                    return Err((TraceError::InnerLoop, None));
                }
                let low = low_trip_count(f, fori, self.baseslot, true);
                self.unroll_inner_loop(data, low)?;
                self.abort_pc = None;
            }
        } else if enter {
            self.loopref = data.ir.nins().0 as usize;
            self.loopunroll -= 1;
            if self.loopunroll < 0 {
                self.abort_pc = Some(fori + 1);
                return Err((TraceError::LoopUnroll, None));
            }
        }
        Ok(RecResult::Continue)
    }

    /// Guards that keep a loop's direction and (for an int counter, on entry) keep the
    /// counter from overflowing: a variable step gets a sign guard; with a constant step
    /// a variable stop must stay `step` away from the int range's end (`LE stop,
    /// 0x7fffffff-step`); with a constant stop a variable step is range-checked instead.
    /// (Variable stop and step together would need an overflow-checking add, which is
    /// not emitted: the counter's guard on the live values covers the trace.)
    fn for_check(
        &mut self,
        data: &mut TraceData,
        t: IrType,
        up: bool,
        stop: IrRef,
        step: IrRef,
        init: bool,
    ) -> Result<(), RecErr> {
        let is_k = |_: &TraceData, r: IrRef| r.0 < crate::jit::ir::REF_BIAS;
        let kint = |data: &TraceData, r: IrRef| match is_k(data, r) {
            true => match data.ir.kvalue(r) {
                crate::jit::ir::KValue::Int(i) => Some(*i),
                _ => None,
            },
            false => None,
        };
        if !is_k(data, step) {
            let zero = if t == IrType::Int {
                data.ir.kint(0)
            } else {
                data.ir.knum(0.0)
            };
            let op = if up { IrOp::GE } else { IrOp::LT };
            self.emitter(data)
                .guard(op, t, step.0, zero.0)
                .map_err(|e| (e, None))?;
            if init && t == IrType::Int {
                if let Some(k) = kint(data, stop) {
                    let bound = if up && k > 0 {
                        Some((IrOp::LE, i32::MAX.wrapping_sub(k)))
                    } else if !up && k < 0 {
                        Some((IrOp::GE, i32::MIN.wrapping_sub(k)))
                    } else {
                        None
                    };
                    if let Some((op, b)) = bound {
                        let kb = data.ir.kint(b);
                        self.emitter(data)
                            .guard(op, IrType::Int, step.0, kb.0)
                            .map_err(|e| (e, None))?;
                    }
                }
            }
        } else if init && t == IrType::Int && !is_k(data, stop) {
            if let Some(k) = kint(data, step) {
                let (op, b) = if up {
                    (IrOp::LE, i32::MAX.wrapping_sub(k))
                } else {
                    (IrOp::GE, i32::MIN.wrapping_sub(k))
                };
                let kb = data.ir.kint(b);
                self.emitter(data)
                    .guard(op, IrType::Int, stop.0, kb.0)
                    .map_err(|e| (e, None))?;
            }
        }
        Ok(())
    }

    /// A root trace unrolls one more iteration of an inner loop: "loop unroll limit
    /// reached" when the previous unrolled iteration added more than 24 instructions
    /// (unless few iterations are left, `low`) or after `loopunroll` iterations.
    fn unroll_inner_loop(&mut self, data: &TraceData, low: bool) -> Result<(), RecErr> {
        let nins = data.ir.nins().0 as usize;
        let grew = self.loopref != 0 && nins - self.loopref > 24;
        self.loopunroll -= 1;
        if (!low && grew) || self.loopunroll < 0 {
            return Err((TraceError::LoopUnroll, None));
        }
        self.loopref = nins;
        Ok(())
    }

    /// Ends the trace: the final snapshot resumes at `pc` (LuaJIT's `lj_record_stop`).
    pub(crate) fn stop(
        &mut self,
        data: &mut TraceData,
        link_type: LinkType,
        link: Option<crate::jit::events::TraceNo>,
        pc: usize,
    ) -> Result<RecResult, RecErr> {
        self.pc = pc;
        self.canonicalize_slots(data, link)?;
        self.snap_add(data);
        self.needsnap = false;
        if link_type == LinkType::Loop && self.loop_unstable(data) && self.instunroll > 0 {
            // LuaJIT unrolls a type-unstable loop once more (up to `instunroll` times)
            // and tries to close it at the next iteration; the snapshot just taken is
            // replaced by the next one.
            self.instunroll -= 1;
            self.mergesnap = true;
            return Ok(RecResult::Continue);
        }
        Ok(RecResult::Stop { link_type, link })
    }

    /// Whether the loop pass would fail on the trace as recorded so far with
    /// "persistent type instability" (tried on a copy: DCE, then LOOP, as `optimise`).
    fn loop_unstable(&self, data: &TraceData) -> bool {
        use crate::jit::params::OptFlags;
        if !self.flags.has(OptFlags::LOOP) {
            return false;
        }
        let mut trial = data.clone();
        if self.flags.has(OptFlags::DCE) {
            crate::jit::opt::dce::run(&mut trial.ir, &trial.snaps);
        }
        let arena = bumpalo::Bump::new();
        let mut e = crate::jit::opt::Emitter::new(&mut trial.ir, self.flags);
        matches!(
            crate::jit::opt::loop_::run(&mut e, &mut trial.snaps, &arena),
            Err(TraceError::TypeInstability)
        )
    }
}

/// Whether a numeric loop that is entered has few iterations left (LuaJIT's "entered
/// with a low iteration count"): the index after this step plus two more steps passes
/// the stop value. `isforl`: the step is still to be added (at FORL).
fn low_trip_count(f: &LiveFrame<'_>, fori: usize, baseslot: usize, isforl: bool) -> bool {
    let ra = bc::a(f.code[fori]) as usize;
    let sl = |s: usize| {
        f.stack
            .get(baseslot + ra + s)
            .and_then(|v| v.as_num())
            .unwrap_or(0.0)
    };
    let (mut idx, stop, step) = (sl(0), sl(1), sl(2));
    if isforl {
        idx += step;
    }
    if step >= 0.0 {
        idx + 2.0 * step > stop
    } else {
        idx + 2.0 * step < stop
    }
}
