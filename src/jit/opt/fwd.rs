//! FWD: load forwarding and load CSE with a simple alias analysis.
//!
//! Loads (`ALOAD`, `HLOAD`, `ULOAD`, `FLOAD`, `XLOAD`, `ALEN`) and the hash lookup `HREF`
//! are not pure: a store in between may change what they read. So instead of the generic
//! CSE they go through this pass, which walks the chain of the matching *store* op
//! (`ASTORE`, `HSTORE`, `USTORE`, `FSTORE`, `XSTORE`) from the newest store down:
//!
//! - a store to the *same reference* as the load (must-alias) is forwarded: the load is
//!   replaced by the stored value (store-to-load forwarding);
//! - a store that *may* alias stops the walk: only loads newer than that store can be
//!   reused;
//! - a store that provably does not alias is skipped.
//!
//! Then the load's own chain is searched for an identical load newer than that limit
//! (load CSE). Two references provably do not alias when they are `HREFK`s of the same
//! table with different constant keys, `AREF`s of the same array with different constant
//! indexes, `FREF`s of different fields, or `UREFO`/`UREFC`s of different upvalues of the
//! same closure. Everything else may alias. Calls that can write memory (`CALLS`,
//! `CALLXS`) and table-shape changes (`NEWREF` and `TNEW`/`TDUP`, which may trigger a GC
//! or a resize) are barriers for every load after them; table field loads of the
//! array/hash parts (`tab.array`, `tab.node`, `tab.asize`, `tab.hmask`) also stop at a
//! `NEWREF` (a new key may resize the table); `ALEN` stops at any array or hash store.
//!
//! Upvalue references (`UREFO`/`UREFC`) of the same closure and index are reused as they
//! are (the trace never closes an upvalue: UCLO is not recorded).
//!
//! skein's `AREF` is "table + key" for any key (the executor looks it up in either
//! part), so unlike LuaJIT an `AREF` and an `HREF`/`HREFK`/`NEWREF` may name the same
//! slot: hash loads and `HREF` also stop at an `ASTORE` that may write their key, array
//! loads at such an `HSTORE` (`cross_store_limit`; keys of different constants or of
//! types that cannot be equal do not alias).
//!
//! This is what makes the loop pass hoist invariant loads: the loop body's copy of a
//! pre-roll load finds the pre-roll load again unless a possibly aliasing store sits in
//! between. Rules: when unsure, say "may alias"; a wrong "no alias" is a miscompile.

use super::Emitter;
use crate::jit::ir::{IrIns, IrOp, IrRef, IrType};

/// The store op that writes what `load` reads.
fn store_of(load: IrOp) -> Option<IrOp> {
    Some(match load {
        IrOp::ALOAD => IrOp::ASTORE,
        IrOp::HLOAD => IrOp::HSTORE,
        IrOp::ULOAD => IrOp::USTORE,
        IrOp::FLOAD => IrOp::FSTORE,
        IrOp::XLOAD => IrOp::XSTORE,
        _ => return None,
    })
}

/// Whether `op` is handled here.
pub fn handles(op: IrOp) -> bool {
    matches!(
        op,
        IrOp::ALOAD
            | IrOp::HLOAD
            | IrOp::ULOAD
            | IrOp::FLOAD
            | IrOp::XLOAD
            | IrOp::ALEN
            | IrOp::HREF
            | IrOp::UREFO
            | IrOp::UREFC
    )
}

/// Alias relation of two memory references.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Alias {
    /// Same location.
    Must,
    /// Possibly the same.
    May,
    /// Provably different.
    No,
}

/// The alias relation of references `a` and `b`.
pub fn alias(e: &Emitter<'_>, a: IrRef, b: IrRef) -> Alias {
    if a == b {
        return Alias::Must;
    }
    if a.is_const() || b.is_const() {
        return Alias::May;
    }
    let (x, y) = (e.ir.at(a), e.ir.at(b));
    if x.op != y.op {
        // skein's AREF is "table + key" (any key, looked up in either part), so an
        // AREF and a hash reference are the same location only with the same key.
        let parts = [x.op, y.op];
        if parts.contains(&IrOp::AREF)
            && (parts.contains(&IrOp::HREFK)
                || parts.contains(&IrOp::HREF)
                || parts.contains(&IrOp::NEWREF))
        {
            return slot_alias(e, a, b).map_or(Alias::May, |r| match r {
                Alias::Must => Alias::May,
                r => r,
            });
        }
        return Alias::May;
    }
    match x.op {
        IrOp::HREFK | IrOp::AREF if x.op1 == y.op1 => {
            let (kx, ky) = (x.r2(), y.r2());
            let key = |k: IrRef| {
                if e.ir.at(k).op == IrOp::KSLOT {
                    IrRef(e.ir.at(k).op1)
                } else {
                    k
                }
            };
            if kx.is_const() && ky.is_const() && key(kx) != key(ky) {
                Alias::No
            } else {
                Alias::May
            }
        }
        IrOp::FREF if x.op2 != y.op2 => Alias::No,
        IrOp::UREFO | IrOp::UREFC if x.op1 == y.op1 && x.op2 != y.op2 => Alias::No,
        _ => Alias::May,
    }
}

/// The (table, key) a table reference names: `AREF`/`HREF`/`NEWREF` operands, the
/// constant key of an `HREFK`'s `KSLOT`.
fn table_slot(e: &Emitter<'_>, r: IrRef) -> Option<(IrRef, IrRef)> {
    if r.is_const() {
        return None;
    }
    let i = e.ir.at(r);
    match i.op {
        IrOp::AREF | IrOp::HREF | IrOp::NEWREF => Some((i.r1(), i.r2())),
        IrOp::HREFK => Some((i.r1(), IrRef(e.ir.at(i.r2()).op1))),
        _ => None,
    }
}

/// Whether two keys may be equal: `No` for different constants of one type or for
/// types that cannot hold equal keys (an int and a num may), else `May`.
fn key_alias(e: &Emitter<'_>, ka: IrRef, kb: IrRef) -> Alias {
    let num = |t: IrType| matches!(t, IrType::Int | IrType::Num);
    let (tya, tyb) = (e.ir.at(ka).ty, e.ir.at(kb).ty);
    if tya != tyb && !(num(tya) && num(tyb)) {
        return Alias::No;
    }
    if ka.is_const() && kb.is_const() && ka != kb && tya == tyb {
        return Alias::No;
    }
    Alias::May
}

/// Whether two table references may name the same (table, key): `No` when the keys
/// cannot be equal, `Must` for the same table and key refs, else `May` (any table may
/// be any other). `None` if either is not a table reference.
fn slot_alias(e: &Emitter<'_>, a: IrRef, b: IrRef) -> Option<Alias> {
    let ((ta, ka), (tb, kb)) = (table_slot(e, a)?, table_slot(e, b)?);
    Some(match key_alias(e, ka, kb) {
        Alias::No => Alias::No,
        _ if ta == tb && ka == kb => Alias::Must,
        _ => Alias::May,
    })
}

/// The newest store of the other table part's store op (`ASTORE` for hash loads and
/// `HREF`, `HSTORE` for array loads and `HREF`) that may write what `ins` reads:
/// skein's `AREF` reaches hash keys too, so the two are not disjoint as in LuaJIT.
fn cross_store_limit(e: &Emitter<'_>, ins: &IrIns) -> IrRef {
    let stores: &[IrOp] = match ins.op {
        IrOp::HLOAD => &[IrOp::ASTORE],
        IrOp::ALOAD => &[IrOp::HSTORE],
        // An HREF asks "does the key hold a value": any store to the key changes that.
        IrOp::HREF => &[IrOp::ASTORE, IrOp::HSTORE],
        _ => return IrRef(0),
    };
    let mut lim = IrRef(0);
    for &st in stores {
        let mut s = e.ir.chain[st as usize];
        while s.0 != 0 && s > lim {
            let store = e.ir.at(s);
            let rel = if ins.op == IrOp::HREF {
                table_slot(e, store.r1()).map(|(_, k)| key_alias(e, k, ins.r2()))
            } else {
                slot_alias(e, store.r1(), ins.r1())
            };
            if rel != Some(Alias::No) {
                lim = lim.max(s);
                break;
            }
            s = store.prev;
        }
    }
    lim
}

/// The newest barrier for loads of `ins` (nothing older may be reused across it).
fn barrier(e: &Emitter<'_>, ins: &IrIns) -> IrRef {
    let mut ops = vec![IrOp::CALLS, IrOp::CALLXS, IrOp::TNEW, IrOp::TDUP];
    let shape_field = ins.op == IrOp::FLOAD && matches!(ins.op2, 6..=9); // tab.array, tab.node, tab.asize, tab.hmask
    if matches!(ins.op, IrOp::HREF | IrOp::ALEN) || shape_field {
        ops.push(IrOp::NEWREF);
    }
    if ins.op == IrOp::ALEN {
        // Any store may move the border of the table.
        ops.extend([IrOp::ASTORE, IrOp::HSTORE]);
    }
    ops.iter()
        .map(|&op| e.ir.chain[op as usize])
        .max()
        .unwrap_or(IrRef(0))
}

/// Forwards or CSEs a load; `None` means "emit it".
pub fn forward(e: &mut Emitter<'_>, ins: &IrIns) -> Option<IrRef> {
    if matches!(ins.op, IrOp::UREFO | IrOp::UREFC) {
        // An upvalue reference of the same closure and index is the same reference
        // (LuaJIT reuses it too; upvalues are not closed inside a trace).
        let mut r = e.ir.chain[ins.op as usize];
        while r.0 != 0 {
            let x = e.ir.at(r);
            if x.op1 == ins.op1 && x.op2 == ins.op2 {
                return Some(r);
            }
            r = x.prev;
        }
        return None;
    }
    let mut lim = barrier(e, ins).max(cross_store_limit(e, ins));
    if let Some(st) = store_of(ins.op) {
        let mut s = e.ir.chain[st as usize];
        while s > lim && s.0 != 0 {
            let store = *e.ir.at(s);
            let target = if ins.op == IrOp::FLOAD {
                None
            } else {
                Some(ins.r1())
            };
            let rel = match target {
                Some(r) => alias(e, store.r1(), r),
                // FSTORE writes through an FREF(obj, field); FLOAD reads (obj, field).
                None => {
                    let fref = e.ir.at(store.r1());
                    if fref.op2 != ins.op2 {
                        Alias::No
                    } else if fref.op1 == ins.op1 {
                        Alias::Must
                    } else {
                        Alias::May
                    }
                }
            };
            match rel {
                Alias::Must => return Some(store.r2()),
                Alias::May => {
                    lim = lim.max(s);
                    break;
                }
                Alias::No => s = store.prev,
            }
        }
    }
    // Load CSE above the limit.
    let mut r = e.ir.chain[ins.op as usize];
    while r > lim && r.0 != 0 {
        let i = e.ir.at(r);
        if i.op1 == ins.op1 && i.op2 == ins.op2 && i.ty == ins.ty {
            return Some(r);
        }
        r = i.prev;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jit::ir::{IrBuf, IrType};
    use crate::jit::params::OptFlags;

    #[test]
    fn array_refs_with_string_keys_alias_hash_refs() {
        let mut ir = IrBuf::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        let t = e.op(IrOp::SLOAD, IrType::Tab, 2, 0).unwrap();
        let node = e.op(IrOp::FLOAD, IrType::P64, t.0, 7).unwrap();
        let (ka, kb) = (e.ir.kstr(b"a"), e.ir.kstr(b"b"));
        let sa = e.ir.kslot(ka, 0);
        let ra = e.op(IrOp::HREFK, IrType::P64, node.0, sa.0).unwrap();
        let la = e.op(IrOp::HLOAD, IrType::Num, ra.0, 0).unwrap();
        let v = e.ir.knum(5.0);
        // t.b = 5 through skein's generic AREF: another key, t.a is reused.
        let ab = e.op(IrOp::AREF, IrType::P64, t.0, kb.0).unwrap();
        e.op(IrOp::ASTORE, IrType::Num, ab.0, v.0).unwrap();
        assert_eq!(e.op(IrOp::HLOAD, IrType::Num, ra.0, 0).unwrap(), la);
        let missing = e.op(IrOp::HREF, IrType::P64, t.0, ka.0).unwrap();
        // t.a = 5 through AREF: the hash load and the HREF of "a" are redone.
        let aa = e.op(IrOp::AREF, IrType::P64, t.0, ka.0).unwrap();
        e.op(IrOp::ASTORE, IrType::Num, aa.0, v.0).unwrap();
        assert_ne!(e.op(IrOp::HLOAD, IrType::Num, ra.0, 0).unwrap(), la);
        assert_ne!(e.op(IrOp::HREF, IrType::P64, t.0, ka.0).unwrap(), missing);
        // An integer-keyed array load is not disturbed by a string-keyed hash store.
        let i1 = e.ir.kint(1);
        let a1 = e.op(IrOp::AREF, IrType::P64, t.0, i1.0).unwrap();
        let l1 = e.op(IrOp::ALOAD, IrType::Num, a1.0, 0).unwrap();
        e.op(IrOp::HSTORE, IrType::Num, ra.0, v.0).unwrap();
        assert_eq!(e.op(IrOp::ALOAD, IrType::Num, a1.0, 0).unwrap(), l1);
        // ... but a string-keyed array load of the same key is.
        let l2 = e.op(IrOp::ALOAD, IrType::Num, aa.0, 0).unwrap();
        e.op(IrOp::HSTORE, IrType::Num, ra.0, v.0).unwrap();
        assert_ne!(e.op(IrOp::ALOAD, IrType::Num, aa.0, 0).unwrap(), l2);
        e.ir.verify().unwrap();
    }

    #[test]
    fn forwards_stores_and_respects_aliasing() {
        let mut ir = IrBuf::new();
        let mut e = Emitter::new(&mut ir, OptFlags::default());
        let t = e.op(IrOp::SLOAD, IrType::Tab, 2, 0).unwrap();
        let node = e.op(IrOp::FLOAD, IrType::P64, t.0, 7).unwrap();
        assert_eq!(
            e.op(IrOp::FLOAD, IrType::P64, t.0, 7).unwrap(),
            node,
            "field load CSE"
        );
        let (ka, kb) = (e.ir.kstr(b"a"), e.ir.kstr(b"b"));
        let (sa, sb) = (e.ir.kslot(ka, 1), e.ir.kslot(kb, 2));
        let ra = e.op(IrOp::HREFK, IrType::P64, node.0, sa.0).unwrap();
        let rb = e.op(IrOp::HREFK, IrType::P64, node.0, sb.0).unwrap();
        let la = e.op(IrOp::HLOAD, IrType::Num, ra.0, 0).unwrap();
        let v = e.ir.knum(5.0);
        e.op(IrOp::HSTORE, IrType::Num, rb.0, v.0).unwrap();
        // t.b = 5 does not touch t.a: the load of t.a is reused; t.b is forwarded.
        assert_eq!(e.op(IrOp::HLOAD, IrType::Num, ra.0, 0).unwrap(), la);
        assert_eq!(e.op(IrOp::HLOAD, IrType::Num, rb.0, 0).unwrap(), v);
        // A store through an unknown hash slot may alias t.a: reload.
        let key = e.op(IrOp::SLOAD, IrType::Str, 3, 0).unwrap();
        let rk = e.op(IrOp::HREF, IrType::P64, t.0, key.0).unwrap();
        e.op(IrOp::HSTORE, IrType::Num, rk.0, v.0).unwrap();
        let la2 = e.op(IrOp::HLOAD, IrType::Num, ra.0, 0).unwrap();
        assert_ne!(la2, la);
        // A call that may write memory is a barrier for every load.
        let node2 = e.op(IrOp::FLOAD, IrType::P64, t.0, 7).unwrap();
        assert_eq!(node2, node);
        e.ir.emit_raw(IrIns::new(IrOp::CALLS, IrType::Nil, t.0, 3));
        assert_ne!(e.op(IrOp::FLOAD, IrType::P64, t.0, 7).unwrap(), node);
        e.ir.verify().unwrap();
    }
}
