//! Executor support for frames the call recorder creates (owned by the recorder's
//! developer; `mod.rs` calls in here from one match arm each).
//!
//! Vararg frames: an inlined call of a vararg function leaves two frame-link entries in a
//! snapshot, the call's own (`(resume pc << 16) | B`, which `restore` turns into a VM
//! frame) and, above the passed arguments, the vararg frame link (marked with
//! [`VARARG_LINK`]). The second does not make a new VM frame: the interpreter keeps one
//! frame per activation whose `fslot` is the call slot and whose `base` lies above the
//! arguments, so restoring it only moves the innermost frame's base.

use crate::jit::record::VARARG_LINK;
use crate::vm::object::Thread;

/// Whether frame-link constant `link` is a vararg frame link.
pub fn is_vararg_link(link: u64) -> bool {
    link & VARARG_LINK != 0
}

/// Restores a vararg frame whose link sits at stack index `link_slot`: the innermost VM
/// frame (pushed for the call) gets its base just above the link. Returns the new stack
/// index of the frame's function slot (the executor's `base0` for the frame).
pub fn restore_vararg_frame(th: &mut Thread, link_slot: usize) -> usize {
    if let Some(top) = th.frames.last_mut() {
        top.base = (link_slot + 1) as u32;
    }
    link_slot - 1
}
