//! Table reads: `TGETV`, `TGETS`, `TGETB`.
//!
//! Recorded only for tables without a metatable (guarded: `FLOAD tab.meta` must be 0),
//! so a missing key reads as nil without `__index`. The key (a number, an int constant
//! or a string constant) and the table form an `AREF`; `ALOAD` reads through it with a
//! type guard on the value seen while recording. The executor looks the key up for real
//! (array or hash part), so the IR stays correct whatever the table's layout; LuaJIT's
//! finer forms (`ABC` bounds checks, `HREFK` slots) are not reproduced. Table stores are
//! not recorded (`NYI: bytecode N`): they would need the collector's write barrier.

use super::calls::field;
use super::ops::{type_of, RecErr};
use super::{LiveFrame, RecResult, Recorder};
use crate::bc::{self, Op};
use crate::jit::ir::{IrOp, IrType};
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::Value;

fn nyi(op: Op) -> RecErr {
    (TraceError::NyiBytecode, Some((op as u8).to_string()))
}

impl Recorder {
    /// `TGETV` / `TGETS` / `TGETB`.
    pub(crate) fn rec_tget(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        let (a, b, c) = (
            bc::a(ins) as usize,
            bc::b(ins) as usize,
            bc::c(ins) as usize,
        );
        let tv = f
            .stack
            .get(self.baseslot + b)
            .copied()
            .unwrap_or(Value::NIL);
        let Some(t) = tv.as_tab() else {
            return Err(nyi(op));
        };
        if t.get_mut().meta.is_some() {
            return Err(nyi(op));
        }
        let (kref, kval) = match op {
            Op::TGETB => (data.ir.kint(c as i32), Value::num(c as f64)),
            Op::TGETS => {
                let kv = f.kgc[c];
                let Some(s) = kv.as_str() else {
                    return Err(nyi(op));
                };
                let k = data.ir.kstr(s.as_bytes());
                self.gcvals.push((k, kv));
                (k, kv)
            }
            _ => {
                let kv = f
                    .stack
                    .get(self.baseslot + c)
                    .copied()
                    .unwrap_or(Value::NIL);
                let r = self.getslot(data, f, c)?;
                if !matches!(self.ty(data, r), IrType::Num | IrType::Int | IrType::Str) {
                    return Err(nyi(op));
                }
                if kv.as_num().is_some_and(|x| x.is_nan()) {
                    return Err(nyi(op));
                }
                (r, kv)
            }
        };
        let v = t.get_mut().get(kval);
        let tr = self.getslot(data, f, b)?;
        let m = |x: TraceError| (x, None);
        let mut e = self.emitter(data);
        let meta = e
            .op(IrOp::FLOAD, IrType::Int, tr.0, field("tab.meta"))
            .map_err(m)?;
        let zero = e.ir.kint(0);
        e.guard(IrOp::EQ, IrType::Int, meta.0, zero.0).map_err(m)?;
        let aref = e.op(IrOp::AREF, IrType::P64, tr.0, kref.0).map_err(m)?;
        let r = e.guard(IrOp::ALOAD, type_of(v), aref.0, 0).map_err(m)?;
        self.setslot(a, r);
        Ok(RecResult::Continue)
    }
}
