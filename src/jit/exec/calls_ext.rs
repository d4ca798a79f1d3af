//! Executor support for what the call and arithmetic recorders emit (owned by the recorder's
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

/// The int ops of LuaJIT's arithmetic narrowing: `ADDOV` / `SUBOV` / `MULOV` (`None` on
/// overflow: the guard fails), `MOD` (Lua's floored modulo; `None` for a zero divisor)
/// and `BAND`.
pub fn int_arith(op: crate::jit::ir::IrOp, a: i32, b: i32) -> Option<i32> {
    use crate::jit::ir::IrOp;
    match op {
        IrOp::ADDOV => a.checked_add(b),
        IrOp::SUBOV => a.checked_sub(b),
        IrOp::MULOV => a.checked_mul(b),
        IrOp::BAND => Some(a & b),
        IrOp::MOD => {
            if b == 0 {
                return None;
            }
            let r = a.wrapping_rem(b);
            Some(if r != 0 && (r ^ b) < 0 { r + b } else { r })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::IrOp;

    #[test]
    fn int_arith_matches_lua() {
        assert_eq!(int_arith(IrOp::ADDOV, i32::MAX, 1), None);
        assert_eq!(int_arith(IrOp::SUBOV, 0, i32::MIN), None);
        assert_eq!(int_arith(IrOp::SUBOV, 1, 5), Some(-4));
        assert_eq!(int_arith(IrOp::MOD, -7, 3), Some(2));
        assert_eq!(int_arith(IrOp::MOD, 7, -3), Some(-2));
        assert_eq!(int_arith(IrOp::MOD, 6, 3), Some(0));
        assert_eq!(int_arith(IrOp::BAND, -5, 3), Some(3));
        assert_eq!(
            int_arith(IrOp::MOD, -5, 4),
            Some(crate::vm::interp::lua_mod(-5.0, 4.0) as i32)
        );
    }
}
