//! `CAT`: string concatenation through LuaJIT's string buffer ops.
//!
//! `CAT A B C` joins slots B..C into slot A. Each operand must be a string or a number
//! (anything else needs `__concat`: not recorded, "NYI: bytecode 38"). Numbers are
//! converted first with `TOSTR` (`INT` for an `int` ref, `NUM` for a `num`), then the
//! buffer is reset (`BUFHDR [buf] RESET`), each operand appended (`BUFPUT`) and the
//! result made (`BUFSTR`), the order LuaJIT's dumps show. The executor keeps the buffer
//! in its per-run state (`exec::ext`); `TOSTR` and `BUFSTR` allocate strings, so a
//! looping trace with them is not run by the portable executor (`exec::runnable`).

use super::ops::RecErr;
use super::{LiveFrame, RecResult, Recorder};
use crate::bc::{self, Op};
use crate::jit::ir::{IrOp, IrRef, IrType};
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;

/// The address printed for the trace's string buffer (`BUFHDR [0x...]`).
static STRBUF: u64 = 0;

/// `TOSTR` literal: the operand is an `int`.
const TOSTR_INT: u16 = 0;
/// `TOSTR` literal: the operand is a `num`.
const TOSTR_NUM: u16 = 1;
/// `BUFHDR` literal: reset the buffer.
const BUFHDR_RESET: u16 = 0;

impl Recorder {
    /// `CAT A B C`.
    pub(crate) fn rec_cat(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let (a, b, c) = (
            bc::a(ins) as usize,
            bc::b(ins) as usize,
            bc::c(ins) as usize,
        );
        let m = |x: TraceError| (x, None);
        let mut parts: Vec<IrRef> = Vec::with_capacity(c + 1 - b);
        for s in b..=c {
            let r = self.getslot(data, f, s)?;
            let part = match self.ty(data, r) {
                IrType::Str => r,
                IrType::Int => self
                    .emitter(data)
                    .op(IrOp::TOSTR, IrType::Str, r.0, TOSTR_INT)
                    .map_err(m)?,
                IrType::Num => self
                    .emitter(data)
                    .op(IrOp::TOSTR, IrType::Str, r.0, TOSTR_NUM)
                    .map_err(m)?,
                _ => return Err((TraceError::NyiBytecode, Some((Op::CAT as u8).to_string()))),
            };
            parts.push(part);
        }
        let kbuf = data
            .ir
            .kptr(IrOp::KPTR, IrType::P64, &STRBUF as *const u64 as u64);
        let mut e = self.emitter(data);
        let hdr = e
            .op(IrOp::BUFHDR, IrType::P64, kbuf.0, BUFHDR_RESET)
            .map_err(m)?;
        let mut buf = hdr;
        for p in parts {
            buf = e.guard(IrOp::BUFPUT, IrType::P64, buf.0, p.0).map_err(m)?;
        }
        let s = e
            .guard(IrOp::BUFSTR, IrType::Str, buf.0, hdr.0)
            .map_err(m)?;
        self.setslot(a, s);
        Ok(RecResult::Continue)
    }
}
