//! Recursion glue of the driver: what LuaJIT does around recursive functions that the
//! recorder alone cannot do, because it touches the bytecode, the hot counters or the
//! life cycle.
//!
//! - **Recording across a compiled function that only returns.** When the recorder
//!   reaches a `JFUNCF` whose trace links `return`, LuaJIT does not link to that trace
//!   (it would return to the interpreter at once) but records on through the callee:
//!   the `JFUNCF` is shown to the recorder, and run by the interpreter, as the original
//!   `FUNCF` for that one instruction ([`JitDriver::begin_funcf_swap`], undone by
//!   [`JitDriver::end_funcf_swap`] before the next instruction is recorded). When the
//!   recorder's call-unroll check then hits the limit there, the function's trace is
//!   flushed ([`crate::jit::lifecycle::Jit::flush_root`]: start unpatched, small random
//!   hot count, number kept) and the recording aborts with "call unroll limit reached".
//! - **Restart after "down-recursion, restarting".** The aborted trace is followed at
//!   once by a new root trace starting at that same return (not for `RETM`), whose
//!   first recorded instruction is the return itself ([`JitDriver::restart_at_return`]).
//!
//! Rules: these functions only run inside [`JitDriver::record`]; a swap never outlives
//! the instruction it was made for (every path out of `record` ends it, and so does
//! cancelling the recording).

use super::JitDriver;
use crate::bc::{self, Op};
use crate::jit::events::TraceNo;
use crate::jit::hotcount::HotKey;
use crate::jit::ids::{BcPos, FuncRef, ProtoKey};
use crate::jit::link::LinkType;
use crate::jit::record::StartKind;
use crate::vm::jit_hook::JitHook;
use crate::vm::object::ProtoRef;
use crate::vm::Lua;

/// A `JFUNCF` temporarily shown as its original `FUNCF` (see the module comment).
#[derive(Copy, Clone, Debug)]
pub(super) struct FuncfSwap {
    /// The callee's prototype.
    proto: ProtoRef,
    /// The `JFUNCF`'s pc.
    pc: usize,
    /// The `JFUNCF` instruction to put back.
    jins: u32,
    /// The function's trace (links `return`).
    trace: TraceNo,
}

impl JitDriver {
    /// If the instruction at `pc` of `proto` is a `JFUNCF` whose trace returns to the
    /// interpreter, shows it as the original `FUNCF` until [`Self::end_funcf_swap`].
    pub(super) fn begin_funcf_swap(&mut self, proto: ProtoRef, pc: usize) {
        let code = &mut proto.get_mut().bc;
        let ins = code[pc];
        if bc::op(ins) != Op::JFUNCF {
            return;
        }
        let trace = TraceNo(bc::d(ins) as u16);
        let Some(id) = self.jit.world.by_number(trace) else {
            return;
        };
        if self.jit.world.traces[id].link_type != LinkType::Return {
            return;
        }
        let Some(&orig) = self.patches.get(&(proto.addr(), pc)) else {
            return;
        };
        code[pc] = orig;
        self.funcf_swap = Some(FuncfSwap {
            proto,
            pc,
            jins: ins,
            trace,
        });
    }

    /// Puts back the `JFUNCF` shown as `FUNCF`, if any; returns the swap undone.
    pub(super) fn end_funcf_swap(&mut self) -> Option<FuncfSwap> {
        let sw = self.funcf_swap.take()?;
        if let Some(slot) = sw.proto.get_mut().bc.get_mut(sw.pc) {
            *slot = sw.jins;
        }
        Some(sw)
    }

    /// The recording aborted with "call unroll limit reached" at the `FUNCF` of swap
    /// `sw`: flushes the function's trace (it only returns) and gives the function a
    /// small random hot count.
    pub(super) fn flush_returning_callee(&mut self, sw: FuncfSwap) {
        let addr = sw.proto.get_mut().bc.as_ptr() as u64 + (sw.pc as u64 + 1) * 4;
        self.jit.flush_root(sw.trace, HotKey(addr));
    }

    /// After "down-recursion, restarting" at the return at `pc` of `proto` (the current
    /// frame): starts a root trace there and records the return itself. Not for `RETM`.
    pub(super) fn restart_at_return(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize) {
        let Some(&ins) = proto.get_mut().bc.get(pc) else {
            return;
        };
        if !is_fixed_return(bc::op(ins)) || !self.enabled {
            return;
        }
        let key: ProtoKey = self.key(lua, proto);
        let pos = BcPos {
            proto: key,
            pc: pc as u32,
        };
        // Apply the abort's commands and print it before the new trace starts.
        self.after_step();
        if self
            .jit
            .start(pos, FuncRef::Lua(key), None, true, None)
            .is_none()
        {
            return;
        }
        self.start_root_with(lua, proto, key, StartKind::Return(pc), pc, |r, d, lf| {
            r.setup_root_return(d, lf, pc);
            Ok(())
        });
        if self.active.is_none() {
            return;
        }
        self.record(lua, proto, pc);
    }
}

/// A return patched to `JLOOP` (entering a trace that starts at it), put back to the
/// original return for one execution by the interpreter (see
/// [`JitDriver::enter_at_return`]).
#[derive(Copy, Clone, Debug)]
pub(super) struct RetRepatch {
    /// The prototype.
    proto: ProtoRef,
    /// The return's pc.
    pc: usize,
    /// The `JLOOP` to put back.
    jins: u32,
}

/// Whether `op` is a return a root trace may start at (`RETM` never is).
fn is_fixed_return(op: Op) -> bool {
    matches!(op, Op::RET | Op::RET0 | Op::RET1)
}

impl JitDriver {
    /// The `JLOOP` a root trace starting at return `ins` patches it to: as in LuaJIT,
    /// A = the slots snapshot #0 of trace `no` covers, D = the trace number.
    pub(super) fn return_entry(&self, ins: u32, no: TraceNo) -> Option<u32> {
        if !is_fixed_return(bc::op(ins)) {
            return None;
        }
        let nslots = self
            .jit
            .world
            .by_number(no)
            .and_then(|id| self.jit.world.data.get(id))
            .and_then(|d| d.snaps.snaps.first())
            .map_or(bc::a(ins), |s| s.nslots as u32);
        let j = bc::set_op(ins, Op::JLOOP);
        Some(bc::set_d(bc::set_a(j, nslots.min(255)), no.0 as u32))
    }

    /// At a `JLOOP` the interpreter reached: if it stands for a return (a trace started
    /// there), runs the original return instead, returning true. The executor does not
    /// run traces starting at a return (they rebuild or pop Lua frames at their start
    /// and mostly link down-recursion), so the return is put back for one execution —
    /// the frame resumes at it — and re-patched at the driver's next entry point
    /// ([`Self::repatch_return`]). Recording sees the `JLOOP` again by then, so side
    /// traces reaching the return link to its trace as in LuaJIT.
    pub(super) fn enter_at_return(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize) -> bool {
        let Some(&orig) = self.patches.get(&(proto.addr(), pc)) else {
            return false;
        };
        if !is_fixed_return(bc::op(orig)) {
            return false;
        }
        self.repatch_return();
        let code = &mut proto.get_mut().bc;
        self.ret_repatch = Some(RetRepatch {
            proto,
            pc,
            jins: code[pc],
        });
        code[pc] = orig;
        if let Some(f) = lua.th().frames.last_mut() {
            f.pc = pc as u32;
        }
        true
    }

    /// Puts back the `JLOOP` of a return run once by the interpreter, unless the patch
    /// was undone meanwhile (flush) or its trace is gone.
    pub(super) fn repatch_return(&mut self) {
        let Some(rp) = self.ret_repatch.take() else {
            return;
        };
        if !self.patches.contains_key(&(rp.proto.addr(), rp.pc)) {
            return;
        }
        if self
            .jit
            .world
            .by_number(TraceNo(bc::d(rp.jins) as u16))
            .is_none()
        {
            return;
        }
        if let Some(slot) = rp.proto.get_mut().bc.get_mut(rp.pc) {
            if is_fixed_return(bc::op(*slot)) {
                *slot = rp.jins;
            }
        }
    }
}

impl JitDriver {
    /// A root trace starting at a return is never run by the executor, neither at its
    /// `JLOOP` ([`Self::enter_at_return`]) nor from traces linking to it: they end and
    /// leave the return to the interpreter (their guards would resume at the return,
    /// which only the interpreter can run).
    pub(super) fn never_run_return_started(&mut self, id: crate::jit::ids::TraceId) {
        let Some(h) = self.jit.world.traces.get(id) else {
            return;
        };
        if h.parent.is_some() {
            return;
        }
        let Some(&p) = self.refs.get(&h.start.proto) else {
            return;
        };
        let pc = h.start.pc as usize;
        let code = &p.get_mut().bc;
        let orig = self.patches.get(&(p.addr(), pc)).copied();
        let op = bc::op(orig.or_else(|| code.get(pc).copied()).unwrap_or(0));
        if !is_fixed_return(op) {
            return;
        }
        if let Some(crate::jit::world::TraceCode::Portable(c)) = self.jit.world.code.get_mut(id) {
            c.runnable = false;
        }
    }
}
