//! Table reads (`TGETV`, `TGETS`, `TGETB`) and stores (`TSETV`, `TSETS`, `TSETB`).
//!
//! Recorded only for tables without a metatable (guarded: `FLOAD tab.meta` must be 0),
//! so a missing key reads as nil without `__index`. The key (a number, an int constant
//! or a string constant) and the table form an `AREF`; `ALOAD` reads through it with a
//! type guard on the value seen while recording. The executor looks the key up for real
//! (array or hash part), so the IR stays correct whatever the table's layout; LuaJIT's
//! finer forms (`ABC` bounds checks, `HREFK` slots) are not reproduced. Stores are
//! `ASTORE` through the same kind of `AREF` (the collector is stop-the-world, so no
//! write barrier); `TSETV` is recorded only with an `int` or string key, which can never
//! be nil or NaN (other keys abort as NYI).

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
    /// The table in slot `b` (no metatable, guarded) and the key of a TGET*/TSET*.
    fn table_key(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
        store: bool,
    ) -> Result<
        (
            crate::jit::ir::IrRef,
            crate::jit::ir::IrRef,
            Value,
            crate::vm::TabRef,
        ),
        RecErr,
    > {
        let op = bc::op(ins);
        let (b, c) = (bc::b(ins) as usize, bc::c(ins) as usize);
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
            Op::TGETB | Op::TSETB => (data.ir.kint(c as i32), Value::num(c as f64)),
            Op::TGETS | Op::TSETS => {
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
                let ok = match self.ty(data, r) {
                    IrType::Int | IrType::Str => true,
                    IrType::Num => !store,
                    _ => false,
                };
                if !ok || kv.as_num().is_some_and(|x| x.is_nan()) {
                    return Err(nyi(op));
                }
                (r, kv)
            }
        };
        let tr = self.getslot(data, f, b)?;
        let m = |x: TraceError| (x, None);
        let mut e = self.emitter(data);
        let meta = e
            .op(IrOp::FLOAD, IrType::Int, tr.0, field("tab.meta"))
            .map_err(m)?;
        let zero = e.ir.kint(0);
        e.guard(IrOp::EQ, IrType::Int, meta.0, zero.0).map_err(m)?;
        let aref = e.op(IrOp::AREF, IrType::P64, tr.0, kref.0).map_err(m)?;
        Ok((aref, kref, kval, t))
    }

    /// `LEN` of a string (`FLOAD str.len`) or of a table without metatable (`ALEN`),
    /// an `int`.
    pub(crate) fn rec_len(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let d = bc::d(ins) as usize;
        let v = f
            .stack
            .get(self.baseslot + d)
            .copied()
            .unwrap_or(Value::NIL);
        let r = self.getslot(data, f, d)?;
        let m = |x: TraceError| (x, None);
        let out = if v.is_str() {
            self.emitter(data)
                .op(IrOp::FLOAD, IrType::Int, r.0, field("str.len"))
                .map_err(m)?
        } else if v.as_tab().is_some_and(|t| t.get_mut().meta.is_none()) {
            let mut e = self.emitter(data);
            let meta = e
                .op(IrOp::FLOAD, IrType::Int, r.0, field("tab.meta"))
                .map_err(m)?;
            let zero = e.ir.kint(0);
            e.guard(IrOp::EQ, IrType::Int, meta.0, zero.0).map_err(m)?;
            e.op(IrOp::ALEN, IrType::Int, r.0, crate::jit::ir::REF_NIL.0)
                .map_err(m)?
        } else {
            return Err(nyi(Op::LEN));
        };
        self.setslot(bc::a(ins) as usize, out);
        Ok(RecResult::Continue)
    }

    /// `TSETV` / `TSETS` / `TSETB`.
    pub(crate) fn rec_tset(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let v = self.getslot(data, f, bc::a(ins) as usize)?;
        let (aref, _, _, _) = self.table_key(data, f, ins, true)?;
        let vt = self.ty(data, v);
        self.emitter(data)
            .op(IrOp::ASTORE, vt, aref.0, v.0)
            .map_err(|e| (e, None))?;
        // A store is a side effect: later guards must not resume before it.
        self.needsnap = true;
        Ok(RecResult::Continue)
    }

    /// `TGETV` / `TGETS` / `TGETB`.
    pub(crate) fn rec_tget(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let (aref, _, kval, t) = self.table_key(data, f, ins, false)?;
        let v = t.get_mut().get(kval);
        let r = self
            .emitter(data)
            .guard(IrOp::ALOAD, type_of(v), aref.0, 0)
            .map_err(|e| (e, None))?;
        self.setslot(bc::a(ins) as usize, r);
        Ok(RecResult::Continue)
    }
}
