//! Table reads (`TGETV`, `TGETS`, `TGETB`), stores (`TSETV`, `TSETS`, `TSETB`), `GSET`
//! and `TDUP`.
//!
//! Array-style accesses are recorded only for tables without a metatable (guarded:
//! `FLOAD tab.meta` must be 0), so a missing key reads as nil without `__index`. The key
//! (a number, an int constant or a string constant) and the table form an `AREF`;
//! `ALOAD` reads through it with a type guard on the value seen while recording. The
//! executor looks the key up for real (array or hash part), so the IR stays correct
//! whatever the table's layout; LuaJIT's finer forms (`ABC` bounds checks, `HREFK` slots
//! for constant keys) are not reproduced there. Stores are `ASTORE` through the same
//! kind of `AREF` (the collector is stop-the-world, so no write barrier); `TSETV` takes
//! an `int` or string key, or an integer-valued `num` key after a checked `CONV`.
//!
//! A `num` key that is not an integer goes to the hash part in LuaJIT's form
//! (`hash_key`, `hash_load`, `hash_store`): `FLOAD tab.asize` + `EQ +0` (a table with an
//! array part aborts with "NYI: mixed sparse/dense table", as in LuaJIT), `HREF`, then a
//! typed `HLOAD`, or for stores `NE`/`EQ [niltv]` (present / new key), the no-metatable
//! guard (`FLOAD tab.meta` + `EQ NULL`), `NEWREF` for a new key, `HSTORE` and `TBAR`
//! when a GC value is stored. `GSET` uses the same pieces on the environment of the
//! current closure (`HREFK` when the key exists, with the `tab.hmask` guard GGET uses).
//! `TDUP` is a `TDUP` of the template constant. Accesses of tables that have a
//! metatable go to `meta.rs` (`__index` chains, stores with `__newindex` absent). Rules: every store sets `needsnap`;
//! a key that could be nil or NaN at run time must never reach `HSTORE` unguarded
//! (the executor refuses such stores by failing the instruction).

use super::calls::field;
use super::ops::{type_of, RecErr};
use super::{LiveFrame, RecResult, Recorder};
use crate::bc::{self, Op};
use crate::jit::ir::{IrOp, IrRef, IrType};
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
        let tv = self.live(f, b);
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
                let kv = self.live(f, c);
                let r = self.getslot(data, f, c)?;
                let ok = match self.ty(data, r) {
                    IrType::Int | IrType::Str => true,
                    IrType::Num => !store,
                    _ => false,
                };
                if !ok || kv.as_num().is_some_and(|x| x.is_nan()) {
                    let integral = kv
                        .as_num()
                        .is_some_and(|x| x == x.trunc() && x.abs() < 2f64.powi(31));
                    if !(store && integral && self.ty(data, r) == IrType::Num) {
                        return Err(nyi(op));
                    }
                    // An integer-valued number key: checked conversion to int.
                    let lit = crate::jit::ir::conv_lit(IrType::Int, IrType::Num)
                        | crate::jit::ir::conv::CHECK;
                    let ki = self
                        .emitter(data)
                        .guard(IrOp::CONV, IrType::Int, r.0, lit)
                        .map_err(|e| (e, None))?;
                    (ki, kv)
                } else {
                    (r, kv)
                }
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
        let v = self.live(f, d);
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
        if self.is_meta_access(f, ins) {
            return self.rec_tset_meta(data, f, ins);
        }
        let v = self.getslot(data, f, bc::a(ins) as usize)?;
        if let Some((tr, t, kref, kv)) = self.hash_key(data, f, ins)? {
            self.hash_store(data, tr, t, kref, kv, v)?;
            return Ok(RecResult::Continue);
        }
        let (aref, kref, _, _) = self.table_key(data, f, ins, true)?;
        let tr = IrRef(data.ir.at(aref).op1);
        self.nomm_invalidate(data, tr, kref)?;
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
        if self.is_meta_access(f, ins) {
            return self.rec_tget_meta(data, f, ins);
        }
        if let Some((tr, t, kref, kv)) = self.hash_key(data, f, ins)? {
            let r = self.hash_load(data, tr, t, kref, kv)?;
            self.setslot(bc::a(ins) as usize, r);
            return Ok(RecResult::Continue);
        }
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

/// The address printed for LuaJIT's `niltv` (what an `HREF` of an absent key yields).
static NILTV: u64 = 0;

/// The `[niltv]` constant the `HREF` guards compare with.
fn kniltv(data: &mut TraceData) -> IrRef {
    data.ir
        .kptr(IrOp::KKPTR, IrType::P64, &NILTV as *const u64 as u64)
}

/// Whether a live value is a GC object (a store of it needs the table barrier).
fn is_gcv(ty: IrType) -> bool {
    !matches!(
        ty,
        IrType::Nil | IrType::False | IrType::True | IrType::Num | IrType::Int
    )
}

impl Recorder {
    /// The table and key of a `TGETV`/`TSETV` whose key is a number that is not an
    /// integer (looked up in the hash part, LuaJIT's `HREF` form), or `None` for every
    /// other access. A table with an array part is "NYI: mixed sparse/dense table".
    fn hash_key(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<Option<(IrRef, crate::vm::TabRef, IrRef, Value)>, RecErr> {
        if !matches!(bc::op(ins), Op::TGETV | Op::TSETV) {
            return Ok(None);
        }
        let (b, c) = (bc::b(ins) as usize, bc::c(ins) as usize);
        let live = |s: usize| self.live(f, s);
        let (tv, kv) = (live(b), live(c));
        let Some(t) = tv.as_tab() else {
            return Ok(None);
        };
        let Some(kn) = kv.as_num() else {
            return Ok(None);
        };
        if kn.is_nan() || kn == kn.trunc() || t.get_mut().meta.is_some() {
            return Ok(None);
        }
        let kref = self.getslot(data, f, c)?;
        if self.ty(data, kref) != IrType::Num {
            return Ok(None);
        }
        let tr = self.getslot(data, f, b)?;
        if !t.get_mut().array.is_empty() {
            return Err((TraceError::NyiMixedTable, None));
        }
        let m = |x: TraceError| (x, None);
        let mut e = self.emitter(data);
        let asz = e
            .op(IrOp::FLOAD, IrType::Int, tr.0, field("tab.asize"))
            .map_err(m)?;
        let zero = e.ir.kint(0);
        e.guard(IrOp::EQ, IrType::Int, asz.0, zero.0).map_err(m)?;
        Ok(Some((tr, t, kref, kv)))
    }

    /// `FLOAD tab.meta` + `EQ NULL`: the table has no metatable.
    fn guard_nometa(&mut self, data: &mut TraceData, tr: IrRef) -> Result<(), RecErr> {
        let m = |x: TraceError| (x, None);
        let null = data.ir.kptr(IrOp::KNULL, IrType::Tab, 0);
        let mut e = self.emitter(data);
        let meta = e
            .op(IrOp::FLOAD, IrType::Tab, tr.0, field("tab.meta"))
            .map_err(m)?;
        e.guard(IrOp::EQ, IrType::Tab, meta.0, null.0).map_err(m)?;
        Ok(())
    }

    /// Loads `t[k]` through `HREF` (hash part): a typed `HLOAD` if the key is there,
    /// else a guard that it is still absent and nil.
    fn hash_load(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        t: crate::vm::TabRef,
        kref: IrRef,
        kv: Value,
    ) -> Result<IrRef, RecErr> {
        let m = |x: TraceError| (x, None);
        let v = t.get_mut().get(kv);
        let niltv = kniltv(data);
        let href = self
            .emitter(data)
            .op(IrOp::HREF, IrType::P64, tr.0, kref.0)
            .map_err(m)?;
        if v.is_nil() {
            self.emitter(data)
                .guard(IrOp::EQ, IrType::P64, href.0, niltv.0)
                .map_err(m)?;
            self.guard_nometa(data, tr)?;
            return Ok(crate::jit::ir::REF_NIL);
        }
        self.emitter(data)
            .guard(IrOp::HLOAD, type_of(v), href.0, 0)
            .map_err(m)
    }

    /// Stores `v` into `t[k]` through `HREF` (hash part): `NE [niltv]` for a present
    /// key, `EQ [niltv]` + `NEWREF` for a new one, the no-metatable guard, `HSTORE`.
    fn hash_store(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        t: crate::vm::TabRef,
        kref: IrRef,
        kv: Value,
        v: IrRef,
    ) -> Result<(), RecErr> {
        let m = |x: TraceError| (x, None);
        let present = !t.get_mut().get(kv).is_nil();
        let niltv = kniltv(data);
        let href = self
            .emitter(data)
            .op(IrOp::HREF, IrType::P64, tr.0, kref.0)
            .map_err(m)?;
        let cmp = if present { IrOp::NE } else { IrOp::EQ };
        self.emitter(data)
            .guard(cmp, IrType::P64, href.0, niltv.0)
            .map_err(m)?;
        self.guard_nometa(data, tr)?;
        let vt = self.ty(data, v);
        if !present && vt == IrType::Nil {
            // Storing nil to an absent key changes nothing.
            return Ok(());
        }
        let dst = if present {
            href
        } else {
            self.emitter(data)
                .op(IrOp::NEWREF, IrType::P64, tr.0, kref.0)
                .map_err(m)?
        };
        let val = self.tonum(data, v)?;
        let vt = self.ty(data, val);
        self.emitter(data)
            .op(IrOp::HSTORE, vt, dst.0, val.0)
            .map_err(m)?;
        if is_gcv(vt) {
            self.tbar(data, tr)?;
        }
        self.needsnap = true;
        Ok(())
    }

    /// `TBAR t` (CSE'd by the emitter up to the next allocation).
    fn tbar(&mut self, data: &mut TraceData, tr: IrRef) -> Result<(), RecErr> {
        self.emitter(data)
            .op(IrOp::TBAR, IrType::Nil, tr.0, 0)
            .map_err(|x| (x, None))?;
        Ok(())
    }

    /// `GSET`: the environment's hash slot for the constant key (`HREFK` when the key
    /// is there, else `HREF` + `NEWREF`), the no-metatable guard, `HSTORE` and the
    /// table barrier.
    pub(crate) fn rec_gset(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let (kv, key, env) = self.global_env(f, ins, Op::GSET)?;
        if env.get_mut().meta.is_some() {
            return Err(nyi(Op::GSET));
        }
        let v = self.getslot(data, f, bc::a(ins) as usize)?;
        let present = !env.get_mut().get_str(key).is_nil();
        let kname = data.ir.kstr(key.as_bytes());
        self.gcvals.push((kname, kv));
        let m = |x: TraceError| (x, None);
        let fref = self.current_closure(data)?;
        let mut e = self.emitter(data);
        let envr = e
            .op(IrOp::FLOAD, IrType::Tab, fref.0, field("func.env"))
            .map_err(m)?;
        self.nomm_invalidate(data, envr, kname)?;
        if !present {
            self.hash_store(data, envr, env, kname, kv, v)?;
            return Ok(RecResult::Continue);
        }
        let mut e = self.emitter(data);
        let href = super::calls::emit_hrefk(&mut e, envr, env, kname, kv).map_err(m)?;
        self.guard_nometa(data, envr)?;
        let val = self.tonum(data, v)?;
        let vt = self.ty(data, val);
        self.emitter(data)
            .op(IrOp::HSTORE, vt, href.0, val.0)
            .map_err(m)?;
        self.tbar(data, envr)?;
        self.needsnap = true;
        Ok(RecResult::Continue)
    }

    /// `TDUP`: a copy of the template table constant.
    pub(crate) fn rec_tdup(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let tv = f.kgc[bc::d(ins) as usize];
        let Some(t) = tv.as_tab() else {
            return Err(nyi(Op::TDUP));
        };
        let k = data
            .ir
            .kgc(crate::jit::ir::GcConst::Table(t.addr() as u64), IrType::Tab);
        self.gcvals.push((k, tv));
        let r = self
            .emitter(data)
            .guard(IrOp::TDUP, IrType::Tab, k.0, 0)
            .map_err(|x| (x, None))?;
        self.setslot(bc::a(ins) as usize, r);
        Ok(RecResult::Continue)
    }
}
