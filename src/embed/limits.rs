//! Limits for untrusted code: an instruction budget and a memory cap.
//!
//! The interpreter has one hook for this: at every hot-counted op (loop back-edges
//! FORL/ITERL/LOOP and function entries FUNCF/FUNCV — the same places the JIT counts),
//! when [`crate::vm::Lua::limits`] is set, it calls [`crate::vm::Lua::charge_limits`].
//! So the "instruction budget" is counted in loop iterations and calls, which bounds
//! running time (straight-line code between two such ops is bounded by the size of the
//! function). The memory cap compares the GC's estimate of the heap size with the limit,
//! after a full collection confirms it, at the same points. Natives that can build a
//! huge result in one call (`string.rep`, `table.concat`) ask
//! [`Lua::check_allocation`] first; any other single large allocation is noticed at the
//! next loop iteration or call.
//!
//! Exceeding a limit raises an ordinary Lua error ("instruction limit exceeded" /
//! "memory limit exceeded") that unwinds the script. Lua code may catch it with `pcall`,
//! but the limit stays exhausted, so the next loop iteration or call raises it again: the
//! script cannot continue doing work. The host sees [`crate::embed::Error::InstructionLimit`]
//! or [`crate::embed::Error::MemoryLimit`] and may reset the limits.
//!
//! Rules for whoever changes this: keep the interpreter's side to the single
//! `if self.limits.is_some()` test in its `hot!` macro; everything else lives here.
#![warn(missing_docs)]

use crate::vm::{Lua, LuaError};

/// Which limit was exceeded.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LimitKind {
    /// The instruction (loop iteration + call) budget ran out.
    Instructions,
    /// The heap grew past the memory cap.
    Memory,
}

/// The limits installed on a state and their use so far.
#[derive(Clone, Debug, Default)]
pub struct ExecLimits {
    /// Hot-counted ops (loop iterations and calls) still allowed; `None`: unlimited.
    pub budget: Option<u64>,
    /// Most bytes the heap may use; `None`: unlimited.
    pub memory: Option<usize>,
    /// The limit that was exceeded, if any (sticky until the host resets it).
    pub exceeded: Option<LimitKind>,
}

impl Lua {
    /// Refuses an allocation of `bytes` that would take the heap past the memory cap
    /// (natives that build big results call this first, e.g. `string.rep`), so a single
    /// call cannot blow the cap before the next loop iteration notices.
    pub fn check_allocation(&mut self, bytes: usize) -> Result<(), LuaError> {
        let Some(cap) = self.limits.as_ref().and_then(|l| l.memory) else {
            return Ok(());
        };
        if self.gc_bytes().saturating_add(bytes) > cap {
            if let Some(lim) = self.limits.as_mut() {
                lim.exceeded = Some(LimitKind::Memory);
            }
            return Err(self.error_msg_level(1, "memory limit exceeded"));
        }
        Ok(())
    }

    /// Charges one hot-counted op against the limits; an error when one is exceeded.
    #[cold]
    pub fn charge_limits(&mut self) -> Result<(), LuaError> {
        let Some(lim) = self.limits.as_mut() else {
            return Ok(());
        };
        if let Some(b) = lim.budget.as_mut() {
            if *b == 0 {
                lim.exceeded = Some(LimitKind::Instructions);
                return Err(self.error_msg_pos("instruction limit exceeded"));
            }
            *b -= 1;
        }
        if let Some(cap) = lim.memory {
            if self.gc_bytes() > cap {
                self.full_gc();
                if self.gc_bytes() > cap {
                    if let Some(lim) = self.limits.as_mut() {
                        lim.exceeded = Some(LimitKind::Memory);
                    }
                    return Err(self.error_msg_pos("memory limit exceeded"));
                }
            }
        }
        Ok(())
    }
}
