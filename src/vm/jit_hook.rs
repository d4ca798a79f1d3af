//! The hook through which the interpreter reports hot-counted bytecodes to the JIT.
//!
//! The interpreter owns no hot counters: on FORL, ITERL, LOOP (loop back-edges) and
//! FUNCF/FUNCV (function entries) it calls [`JitHook::hot`] if a hook is installed, and
//! nothing else (one `Option` test on the fast path). The I-variants (IFORL, IITERL, ILOOP,
//! IFUNCF, IFUNCV) behave exactly like the plain ops but never call the hook. The
//! J-variants (JFORL, JITERL, JLOOP, JFUNCF, JFUNCV) mean "enter trace N" (N in D) and are
//! handed to [`JitHook::enter_trace`]; without a hook they raise an error.

use super::object::ProtoRef;
use super::Lua;
use crate::bc::Op;

/// What the interpreter reports.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum JitEvent {
    /// A loop back-edge or function entry at a hot-counted op.
    Hot(Op),
}

/// The JIT's entry points into the interpreter loop.
///
/// The hook is taken out of the state while it runs, so it gets `&mut Lua` and can read
/// or write the running thread's stack (`base` is the frame's first slot; the function
/// is at `base - 2`). The interpreter reloads its cached frame state afterwards.
pub trait JitHook {
    /// Called when the interpreter executes a hot-counted op (FORL, ITERL, LOOP, FUNCF,
    /// FUNCV) at bytecode position `pc` of `proto`.
    fn hot(&mut self, lua: &mut Lua, proto: ProtoRef, pc: usize, base: usize, event: JitEvent);
    /// Called for a J-variant: the JIT runs trace `trace` and leaves the frame list and
    /// the top frame's saved pc where the interpreter must continue. Returns false if it
    /// could not run the trace.
    fn enter_trace(
        &mut self,
        lua: &mut Lua,
        proto: ProtoRef,
        pc: usize,
        base: usize,
        trace: u32,
    ) -> bool;
}
