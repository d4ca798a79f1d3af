//! Table accesses through metatables: `TGETV`/`TGETS`/`TGETB` reads that follow
//! `__index` *tables* (chains of them) and `TSETV`/`TSETS`/`TSETB` stores into tables
//! that have a metatable, as LuaJIT 2.1 records them.
//!
//! `tables.rs` keeps the accesses of tables without a metatable; `rec_tget` /
//! `rec_tset` hand an access to this module when the live table has one. The IR
//! follows LuaJIT's (`luajit -jdump=+rsi` on small snippets, see design/recmeta.md):
//!
//! - A key that holds a value needs no metatable at all: a constant string key is
//!   `FLOAD tab.hmask` + `EQ` (skein's hash-mask shape guard, see `hmask_of`),
//!   `FLOAD tab.node`, `HREFK`, typed `HLOAD`; an integer key `AREF` + typed `ALOAD`;
//!   a string key in a slot `HREF` + typed `HLOAD`. The type guard on the loaded value
//!   fails if the key lost its value, so the metatable never needs checking.
//! - An absent key: `HREF` + `EQ [niltv]`, or `FLOAD tab.hmask` + `EQ +0` when a
//!   table with a metatable has no hash part at all (an integer key past the array
//!   part of such a table first gets LuaJIT's `FLOAD tab.asize` + `ULE` guard; one
//!   inside the array part, or any integer key of a table without a metatable, is
//!   `AREF` + `nil ALOAD`), then `FLOAD tab.meta` and `NE NULL` (or `EQ NULL` and the
//!   result is nil when the table has none), then the metamethod lookup in the
//!   metatable: a present `__index` is an `HREFK` + `tab HLOAD` and the lookup
//!   continues in that table; an absent one is a guard on the metatable's
//!   negative-metamethod cache (`FLOAD tab.nomm`, `BAND +bit`, `NE +0`).
//! - Stores: an existing key is written after a typed load of its old value (`HLOAD` /
//!   `ALOAD` guard) and needs no metatable check; a new key gets the absence guard, the
//!   metatable guard and the `__newindex` absence guard, then `NEWREF` + `HSTORE`
//!   (`ASTORE` inside the array part). `HSTORE` through `HREFK`/`HREF` is followed by
//!   `TBAR`, as in LuaJIT; through `NEWREF` it is not. A store whose key may be a
//!   metamethod name first invalidates the table's negative cache (`FREF tab.nomm` +
//!   `FSTORE +0`, here and in `tables.rs`), so no cache load is reused across it.
//!   A present `__newindex` table takes the store (`HREFK` + `tab HLOAD`, chains of
//!   them); a plain table reached that way is stored into raw after LuaJIT's
//!   `EQ NULL` metatable guard.
//!
//! Who writes which table matters for load forwarding: tables with a metatable are
//! only written here (new hash keys through `NEWREF`, a barrier for the shape loads
//! `tab.hmask`/`tab.asize`); tables without one also by `tables.rs` with `AREF` +
//! `ASTORE` and no `NEWREF`. Hence the shape-guard forms only for tables with a
//! metatable, and `opt/fwd.rs` treats an `AREF` and a hash reference with a possibly
//! equal key as aliases.
//!
//! Deviation from LuaJIT, on purpose: LuaJIT checks an absent metamethod with
//! `HREF mt "__index"` + `EQ [niltv]`. The portable executor looks keys up by their
//! interned string object, and the recorder cannot intern the metamethod name when the
//! metatable does not hold it. The `nomm` guard is sound instead: the VM only sets a
//! bit after finding the metamethod absent and clears the whole set on every store of
//! a hashed key into the table, so a set bit proves absence (a clear bit just exits).
//! The interpreter has always just looked the metamethod up (and set the bit) when the
//! instruction being recorded ran in the iterations before.
//!
//! Not recorded (they abort with `NYI: bytecode N` as before): `__index` /
//! `__newindex` functions (LuaJIT records a metamethod call frame), non-table
//! `__index` / `__newindex` values, keys other than int or string
//! (number-typed integral keys are converted with a checked `CONV`), and non-table
//! receivers. More than 100 `__index` levels abort with "looping index lookup".
//!
//! Rules for whoever changes this: every guard must be sound for the executor's
//! semantics (`exec/ext.rs`); a store must set `needsnap`; keep the IR lines LuaJIT's
//! where the two traces agree (the golden tests in `tests/all/recmeta.rs` compare them).

use super::calls::{field, hmask_of};
use super::ops::{type_of, RecErr};
use super::{LiveFrame, RecResult, Recorder};
use crate::bc::{self, Op};
use crate::jit::ir::{conv, conv_lit, IrOp, IrRef, IrType, REF_NIL};
use crate::jit::traceerr::TraceError;
use crate::jit::world::TraceData;
use crate::vm::{TabRef, Value, MM};

/// How many `__index` tables a lookup follows before "looping index lookup" (the
/// interpreter's limit for "loop in gettable").
const MAX_INDEX_CHAIN: usize = 100;

fn nyi(op: Op) -> RecErr {
    (TraceError::NyiBytecode, Some((op as u8).to_string()))
}

fn m(e: TraceError) -> RecErr {
    (e, None)
}

/// The key of an access through a metatable.
#[derive(Copy, Clone)]
struct Key {
    /// Its ref (an int, a string constant or a string-typed slot).
    r: IrRef,
    /// Its live value (numbers as numbers).
    v: Value,
    /// A string constant (LuaJIT's `HREFK` form when present).
    kstr: bool,
}

impl Key {
    /// The array index the key names, if it is an integer key.
    fn index(&self) -> Option<i64> {
        let n = self.v.as_num()?;
        (n == n.trunc()).then_some(n as i64)
    }
}

/// The key value a table constant `s` (a string) is stored under in `t`, if present.
fn find_str_key(t: TabRef, name: &str) -> Option<Value> {
    t.get_mut()
        .nodes
        .iter()
        .find(|n| {
            n.key
                .as_str()
                .is_some_and(|s| s.as_bytes() == name.as_bytes())
        })
        .map(|n| n.key)
}

/// Whether a type is a GC object (stores of it are followed by `TBAR` in `ASTORE`).
fn is_gcv(ty: IrType) -> bool {
    !matches!(
        ty,
        IrType::Nil | IrType::False | IrType::True | IrType::Num | IrType::Int
    )
}

/// The address printed for LuaJIT's `niltv` (must equal `tables.rs`'s: the executor
/// reads any `KKPTR` as 0, so only the printing depends on it).
fn kniltv(data: &mut TraceData) -> IrRef {
    static NILTV: u64 = 0;
    data.ir
        .kptr(IrOp::KKPTR, IrType::P64, &NILTV as *const u64 as u64)
}

impl Recorder {
    /// Whether `ins` (a TGET*/TSET*) reads or writes a table that has a metatable
    /// (then `rec_tget_meta` / `rec_tset_meta` record it).
    pub(crate) fn is_meta_access(&self, f: &LiveFrame<'_>, ins: u32) -> bool {
        let b = bc::b(ins) as usize;
        f.stack
            .get(self.baseslot + b)
            .and_then(|v| v.as_tab())
            .is_some_and(|t| t.get_mut().meta.is_some())
    }

    /// The key operand of a TGET*/TSET* on a table with a metatable.
    fn meta_key(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<Key, RecErr> {
        let op = bc::op(ins);
        let c = bc::c(ins) as usize;
        match op {
            Op::TGETB | Op::TSETB => Ok(Key {
                r: data.ir.kint(c as i32),
                v: Value::num(c as f64),
                kstr: false,
            }),
            Op::TGETS | Op::TSETS => {
                let kv = f.kgc.get(c).copied().unwrap_or(Value::NIL);
                let Some(s) = kv.as_str() else {
                    return Err(nyi(op));
                };
                let r = data.ir.kstr(s.as_bytes());
                self.gcvals.push((r, kv));
                Ok(Key {
                    r,
                    v: kv,
                    kstr: true,
                })
            }
            _ => {
                let kv = self.live(f, c);
                let r = self.getslot(data, f, c)?;
                match self.ty(data, r) {
                    IrType::Int | IrType::Str => Ok(Key {
                        r,
                        v: kv,
                        kstr: false,
                    }),
                    IrType::Num => {
                        let n = kv.as_num().unwrap_or(f64::NAN);
                        if n != n.trunc() || n.abs() >= 2f64.powi(31) {
                            return Err(nyi(op));
                        }
                        let lit = conv_lit(IrType::Int, IrType::Num) | conv::CHECK;
                        let ki = self
                            .emitter(data)
                            .guard(IrOp::CONV, IrType::Int, r.0, lit)
                            .map_err(m)?;
                        Ok(Key {
                            r: ki,
                            v: kv,
                            kstr: false,
                        })
                    }
                    _ => Err(nyi(op)),
                }
            }
        }
    }

    /// A raw lookup of `key` in table `tr` (live `t`) whose value is present: the
    /// reference (`HREFK`, `AREF` or `HREF`) and the typed load. `v` is the live value.
    fn load_present(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        t: TabRef,
        key: Key,
        v: Value,
    ) -> Result<(IrRef, IrRef), RecErr> {
        let ty = type_of(v);
        let mut e = self.emitter(data);
        if key.kstr {
            let href = super::calls::emit_hrefk(&mut e, tr, t, key.r, key.v).map_err(m)?;
            let val = e.guard(IrOp::HLOAD, ty, href.0, 0).map_err(m)?;
            return Ok((href, val));
        }
        if key.index().is_some() {
            let aref = e.op(IrOp::AREF, IrType::P64, tr.0, key.r.0).map_err(m)?;
            let val = e.guard(IrOp::ALOAD, ty, aref.0, 0).map_err(m)?;
            return Ok((aref, val));
        }
        let href = e.op(IrOp::HREF, IrType::P64, tr.0, key.r.0).map_err(m)?;
        let val = e.guard(IrOp::HLOAD, ty, href.0, 0).map_err(m)?;
        Ok((href, val))
    }

    /// Guards that `key` holds no value in table `tr` (live `t`). Returns the `AREF`
    /// when the key is inside the array part (a store then goes through it).
    fn guard_absent(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        t: TabRef,
        key: Key,
    ) -> Result<Option<IrRef>, RecErr> {
        let asize = t.get_mut().array.len() as i64;
        // Tables without a metatable are also written by `tables.rs` (`AREF` +
        // `ASTORE`, no `NEWREF`): their integer keys are checked through `AREF`, and no
        // hash-mask shape guard stands for a key's absence there.
        let has_meta = t.get_mut().meta.is_some();
        if let Some(i) = key.index() {
            if (i >= 1 && i <= asize) || !has_meta {
                let mut e = self.emitter(data);
                let aref = e.op(IrOp::AREF, IrType::P64, tr.0, key.r.0).map_err(m)?;
                e.guard(IrOp::ALOAD, IrType::Nil, aref.0, 0).map_err(m)?;
                return Ok(Some(aref));
            }
            if i >= 0 && self.ty(data, key.r) == IrType::Int {
                // LuaJIT's "not in the array part" guard: asize <= key.
                let mut e = self.emitter(data);
                let asz = e
                    .op(IrOp::FLOAD, IrType::Int, tr.0, field("tab.asize"))
                    .map_err(m)?;
                e.guard(IrOp::ULE, IrType::Int, asz.0, key.r.0).map_err(m)?;
            }
        }
        if hmask_of(t) == 0 && has_meta {
            // No hash part: the key cannot be there while the table has none.
            let mut e = self.emitter(data);
            let hm = e
                .op(IrOp::FLOAD, IrType::Int, tr.0, field("tab.hmask"))
                .map_err(m)?;
            let zero = e.ir.kint(0);
            e.guard(IrOp::EQ, IrType::Int, hm.0, zero.0).map_err(m)?;
            return Ok(None);
        }
        let niltv = kniltv(data);
        let mut e = self.emitter(data);
        let href = e.op(IrOp::HREF, IrType::P64, tr.0, key.r.0).map_err(m)?;
        e.guard(IrOp::EQ, IrType::P64, href.0, niltv.0).map_err(m)?;
        Ok(None)
    }

    /// `FLOAD tab.meta` of `tr` with the guard for the live metatable (`NE NULL` when
    /// there is one, else `EQ NULL`). Returns the metatable's ref.
    fn guard_meta(&mut self, data: &mut TraceData, tr: IrRef, has: bool) -> Result<IrRef, RecErr> {
        let null = data.ir.kptr(IrOp::KNULL, IrType::Tab, 0);
        let mut e = self.emitter(data);
        let meta = e
            .op(IrOp::FLOAD, IrType::Tab, tr.0, field("tab.meta"))
            .map_err(m)?;
        let cmp = if has { IrOp::NE } else { IrOp::EQ };
        e.guard(cmp, IrType::Tab, meta.0, null.0).map_err(m)?;
        Ok(meta)
    }

    /// Looks metamethod `mm` up in metatable `mtr` (live `mt`): `Some((ref, value))`
    /// of a present one (`HREFK` + typed `HLOAD`), `None` after the guard that it is
    /// absent (the metatable's `nomm` bit for it is set).
    fn mm_lookup(
        &mut self,
        data: &mut TraceData,
        mtr: IrRef,
        mt: TabRef,
        mm: MM,
    ) -> Result<Option<(IrRef, Value)>, RecErr> {
        let name = crate::vm::MM_NAMES[mm as usize];
        if let Some(kv) = find_str_key(mt, name) {
            let v = mt.get_mut().get(kv);
            if !v.is_nil() {
                let r = data.ir.kstr(name.as_bytes());
                self.gcvals.push((r, kv));
                let key = Key {
                    r,
                    v: kv,
                    kstr: true,
                };
                let (_, val) = self.load_present(data, mtr, mt, key, v)?;
                return Ok(Some((val, v)));
            }
        }
        let bit = 1i32 << (mm as u32);
        let mut e = self.emitter(data);
        let nomm = e
            .op(IrOp::FLOAD, IrType::Int, mtr.0, field("tab.nomm"))
            .map_err(m)?;
        let kbit = e.ir.kint(bit);
        let and = e.op(IrOp::BAND, IrType::Int, nomm.0, kbit.0).map_err(m)?;
        let zero = e.ir.kint(0);
        e.guard(IrOp::NE, IrType::Int, and.0, zero.0).map_err(m)?;
        Ok(None)
    }

    /// LuaJIT's negative-cache invalidation before a store whose key may be a
    /// metamethod name (a string slot, or a constant among `MM_NAMES`): `FREF tab.nomm`
    /// and `FSTORE +0`, so no `tab.nomm` load of that table is reused across the store
    /// (the executor clears the cache there, as the store itself does).
    pub(crate) fn nomm_invalidate(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        kref: IrRef,
    ) -> Result<(), RecErr> {
        if self.ty(data, kref) != IrType::Str {
            return Ok(());
        }
        if let Some(crate::jit::ir::KValue::Gc(crate::jit::ir::GcConst::Str(b))) =
            data.ir.const_value(kref)
        {
            if !crate::vm::MM_NAMES.iter().any(|n| n.as_bytes() == &b[..]) {
                return Ok(());
            }
        }
        let mut e = self.emitter(data);
        let fref = e
            .op(IrOp::FREF, IrType::P64, tr.0, field("tab.nomm"))
            .map_err(m)?;
        let zero = e.ir.kint(0);
        e.op(IrOp::FSTORE, IrType::U8, fref.0, zero.0).map_err(m)?;
        Ok(())
    }

    /// `TGETV` / `TGETS` / `TGETB` on a table with a metatable: a raw lookup, then the
    /// `__index` chain of tables.
    pub(crate) fn rec_tget_meta(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        let b = bc::b(ins) as usize;
        let Some(mut t) = f.stack.get(self.baseslot + b).and_then(|v| v.as_tab()) else {
            return Err(nyi(op));
        };
        // Operands load in LuaJIT's order: table (B), then key (C).
        let mut tr = self.getslot(data, f, b)?;
        let key = self.meta_key(data, f, ins)?;
        for _ in 0..MAX_INDEX_CHAIN {
            let v = t.get_mut().get(key.v);
            if !v.is_nil() {
                let (_, val) = self.load_present(data, tr, t, key, v)?;
                self.setslot(bc::a(ins) as usize, val);
                return Ok(RecResult::Continue);
            }
            self.guard_absent(data, tr, t, key)?;
            let mt = t.get_mut().meta;
            let meta = self.guard_meta(data, tr, mt.is_some())?;
            let Some(mt) = mt else {
                self.setslot(bc::a(ins) as usize, REF_NIL);
                return Ok(RecResult::Continue);
            };
            match self.mm_lookup(data, meta, mt, MM::Index)? {
                None => {
                    self.setslot(bc::a(ins) as usize, REF_NIL);
                    return Ok(RecResult::Continue);
                }
                Some((r, mv)) => {
                    // An `__index` function would be a metamethod call frame.
                    let Some(next) = mv.as_tab() else {
                        return Err(nyi(op));
                    };
                    tr = r;
                    t = next;
                }
            }
        }
        Err(m(TraceError::LoopingIndex))
    }

    /// `TSETV` / `TSETS` / `TSETB` on a table with a metatable: a store to an existing
    /// key, or a new key when the metatable has no `__newindex`; a `__newindex` table
    /// takes the store instead (chains of them, as LuaJIT follows them).
    pub(crate) fn rec_tset_meta(
        &mut self,
        data: &mut TraceData,
        f: &LiveFrame<'_>,
        ins: u32,
    ) -> Result<RecResult, RecErr> {
        let op = bc::op(ins);
        let b = bc::b(ins) as usize;
        let Some(mut t) = f.stack.get(self.baseslot + b).and_then(|v| v.as_tab()) else {
            return Err(nyi(op));
        };
        // Operands load in LuaJIT's order: value (A), table (B), key (C).
        let v = self.getslot(data, f, bc::a(ins) as usize)?;
        let mut tr = self.getslot(data, f, b)?;
        let key = self.meta_key(data, f, ins)?;
        for _ in 0..MAX_INDEX_CHAIN {
            let old = t.get_mut().get(key.v);
            let Some(mt) = t.get_mut().meta else {
                // Reached through `__newindex`: a raw store into a plain table.
                self.store_plain(data, tr, t, key, v, old)?;
                return Ok(RecResult::Continue);
            };
            if !old.is_nil() {
                let (xref, _) = self.load_present(data, tr, t, key, old)?;
                self.store_to(data, tr, xref, key, v, true)?;
                return Ok(RecResult::Continue);
            }
            // A new key: `__newindex` decides.
            let aref = self.guard_absent(data, tr, t, key)?;
            let meta = self.guard_meta(data, tr, true)?;
            match self.mm_lookup(data, meta, mt, MM::Newindex)? {
                None => {
                    self.store_new(data, tr, aref, key, v)?;
                    return Ok(RecResult::Continue);
                }
                Some((r, mv)) => {
                    // A `__newindex` function would be a metamethod call frame.
                    let Some(next) = mv.as_tab() else {
                        return Err(nyi(op));
                    };
                    tr = r;
                    t = next;
                }
            }
        }
        Err(m(TraceError::LoopingIndex))
    }

    /// Stores `v` through reference `xref` (`AREF` → `ASTORE`, else `HSTORE` +
    /// `TBAR`; `ASTORE` of a GC value is followed by `TBAR` when `abar`).
    fn store_to(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        xref: IrRef,
        key: Key,
        v: IrRef,
        abar: bool,
    ) -> Result<(), RecErr> {
        let val = self.tonum(data, v)?;
        let vt = self.ty(data, val);
        self.nomm_invalidate(data, tr, key.r)?;
        let store = if data.ir.at(xref).op == IrOp::AREF {
            IrOp::ASTORE
        } else {
            IrOp::HSTORE
        };
        let mut e = self.emitter(data);
        e.op(store, vt, xref.0, val.0).map_err(m)?;
        if store == IrOp::HSTORE || (abar && is_gcv(vt)) {
            e.op(IrOp::TBAR, IrType::Nil, tr.0, 0).map_err(m)?;
        }
        self.needsnap = true;
        Ok(())
    }

    /// Stores `v` under a key absent from `tr`: through the `AREF` inside the array
    /// part, else `NEWREF` + `HSTORE` (LuaJIT's order: the new slot, then the value's
    /// conversion). Storing nil to an absent key changes nothing.
    fn store_new(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        aref: Option<IrRef>,
        key: Key,
        v: IrRef,
    ) -> Result<(), RecErr> {
        if self.ty(data, v) == IrType::Nil {
            return Ok(());
        }
        if let Some(aref) = aref {
            return self.store_to(data, tr, aref, key, v, true);
        }
        let nref = self
            .emitter(data)
            .op(IrOp::NEWREF, IrType::P64, tr.0, key.r.0)
            .map_err(m)?;
        let val = self.tonum(data, v)?;
        let vt = self.ty(data, val);
        self.nomm_invalidate(data, tr, key.r)?;
        self.emitter(data)
            .op(IrOp::HSTORE, vt, nref.0, val.0)
            .map_err(m)?;
        self.needsnap = true;
        Ok(())
    }

    /// A raw store into `tr` (live `t`, no metatable), reached through `__newindex`:
    /// an existing key is its reference (`HREFK` after the hash-mask guard, `AREF`,
    /// `HREF`) and the no-metatable guard (LuaJIT's `EQ NULL`, no load of the old
    /// value); a new key the absence guard, `EQ NULL`, then the new slot.
    fn store_plain(
        &mut self,
        data: &mut TraceData,
        tr: IrRef,
        t: TabRef,
        key: Key,
        v: IrRef,
        old: Value,
    ) -> Result<(), RecErr> {
        if old.is_nil() {
            let aref = self.guard_absent(data, tr, t, key)?;
            self.guard_meta(data, tr, false)?;
            return self.store_new(data, tr, aref, key, v);
        }
        let mut e = self.emitter(data);
        let xref = if key.kstr {
            super::calls::emit_hrefk(&mut e, tr, t, key.r, key.v).map_err(m)?
        } else if key.index().is_some() {
            e.op(IrOp::AREF, IrType::P64, tr.0, key.r.0).map_err(m)?
        } else {
            let href = e.op(IrOp::HREF, IrType::P64, tr.0, key.r.0).map_err(m)?;
            let niltv = kniltv(data);
            self.emitter(data)
                .guard(IrOp::NE, IrType::P64, href.0, niltv.0)
                .map_err(m)?;
            href
        };
        self.guard_meta(data, tr, false)?;
        self.store_to(data, tr, xref, key, v, true)
    }
}
