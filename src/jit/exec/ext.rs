//! Semantics of the data IR ops added for GSET, hash-part keys, TDUP, CAT and pairs
//! loops: small functions over `Value`s and tables, called from the executor's match
//! arms (so a rewritten run loop only has to call them again).
//!
//! The executor's model of LuaJIT's hash references: an `HREF`/`HREFK`/`NEWREF` is not a
//! pointer but "this table, this key". Its value is [`HREF_FOUND`] when the key holds a
//! non-nil value and [`HREF_NIL`] otherwise, so the recorder's guard `EQ/NE href
//! [niltv]` (a `KKPTR` constant, whose bits the executor reads as 0) compares the way
//! LuaJIT's pointer comparison does; `HLOAD`/`HSTORE` go back to the reference
//! instruction's operands to find the table and the key ([`slot_of`]).
//!
//! Allocation (`TNEW`, `TDUP`, `TOSTR`, `BUFSTR`) goes through the executor's `alloc`
//! callback ([`AllocReq`], counted by [`ExtState::alloc`]). The collector is paused
//! while a trace runs, so after [`ALLOC_BUDGET`] allocations the executor leaves the
//! trace at the next guard through that guard's snapshot (a plain return to the
//! interpreter, not a counted exit) and the collector catches up before the trace is
//! entered again. A `NEWREF` only grows a table's own vectors, never a GC object.
//!
//! `CALLL lj_vm_next` (pairs loops): its result lives in [`ExtState::nexts`] under the
//! call's ref; `HIOP` reads the next traversal position and `VLOAD #1` / `#0` the key
//! and value. Positions are the interpreter's (`Table::entry_from`: array slots first,
//! then nodes; the control slot of an `ITERN` loop holds the position after the last
//! entry returned), so snapshots restore them unchanged.
//!
//! Metatable accesses (`record/meta.rs`): `tab FLOAD tab.meta` yields the metatable as
//! a table value (0 = `NULL`, so `EQ`/`NE NULL` compare raw bits) and `FLOAD tab.nomm`
//! the VM's negative-metamethod cache ([`tab_field`]); the `HREFK`/`HREF`/`HLOAD` that
//! follow read the metatable like any table.
//!
//! Rules for whoever changes this: no function here may panic on any input (a wrong
//! type is a failed guard, reported by returning `None`/`false`).

use crate::jit::ir::{IrBuf, IrOp, IrRef, IrType};
use crate::vm::{TabRef, Value};

/// The value of an `HREF`/`NEWREF` whose key holds a value.
pub const HREF_FOUND: u64 = 1;
/// The value of an `HREF` whose key is absent (equal to the `[niltv]` constant's bits).
pub const HREF_NIL: u64 = 0;

/// What the executor asks the VM to allocate.
pub enum AllocReq<'a> {
    /// An empty table (`TNEW`).
    Table,
    /// A copy of a template table (`TDUP`).
    Dup(TabRef),
    /// An interned string (`TOSTR`, `BUFSTR`).
    Str(&'a [u8]),
}

/// Allocations a trace may make in one run before it returns to the interpreter.
pub const ALLOC_BUDGET: usize = 4096;

/// One `lj_vm_next` result: (next position, key, value), `None` at the end.
pub type NextEntry = Option<(usize, Value, Value)>;

/// Per-run scratch state of the data ops.
#[derive(Default)]
pub struct ExtState {
    /// Objects allocated in this run.
    pub allocs: usize,
    /// The string buffer of `BUFHDR`/`BUFPUT`/`BUFSTR`.
    pub buf: Vec<u8>,
    /// Results of `CALLL lj_vm_next` by call ref: (next position, key, value), or
    /// `None` at the end of the traversal.
    pub nexts: Vec<(u16, NextEntry)>,
}

impl ExtState {
    /// Allocates through the executor's callback, counting the allocation.
    pub fn alloc(
        &mut self,
        alloc: &mut dyn FnMut(AllocReq<'_>) -> Value,
        req: AllocReq<'_>,
    ) -> Value {
        self.allocs += 1;
        alloc(req)
    }

    /// Records the result of the `lj_vm_next` call at ref `r`.
    pub fn set_next(&mut self, r: u16, res: NextEntry) {
        match self.nexts.iter_mut().find(|(k, _)| *k == r) {
            Some(e) => e.1 = res,
            None => self.nexts.push((r, res)),
        }
    }

    /// The result of the `lj_vm_next` call at ref `r`.
    pub fn next_of(&self, r: u16) -> NextEntry {
        self.nexts.iter().find(|(k, _)| *k == r).and_then(|e| e.1)
    }
}

/// Converts raw executor bits of type `ty` to a Lua value.
pub fn value_of(bits: u64, ty: IrType) -> Value {
    match ty {
        IrType::Int => Value::num(bits as i64 as i32 as f64),
        IrType::Num => Value::num(f64::from_bits(bits)),
        _ => Value(bits),
    }
}

/// The table and key a hash reference (`HREFK`, `HREF`, `NEWREF`) at `r` names; `get`
/// reads an operand's bits.
pub fn slot_of(ir: &IrBuf, r: IrRef, get: &dyn Fn(u16) -> u64) -> (Value, Value) {
    let ins = ir.at(r);
    let t = Value(get(ins.op1));
    let key = if ins.op == IrOp::HREFK {
        let kslot = ir.at(IrRef(ins.op2));
        Value(get(kslot.op1))
    } else {
        value_of(get(ins.op2), ir.at(IrRef(ins.op2)).ty)
    };
    (t, key)
}

/// `HREF`: [`HREF_FOUND`] if `t[k]` holds a value, else [`HREF_NIL`].
pub fn href(t: Value, k: Value) -> u64 {
    if hload(t, k).is_nil() {
        HREF_NIL
    } else {
        HREF_FOUND
    }
}

/// `HLOAD`: the raw value of `t[k]` (nil for a non-table).
pub fn hload(t: Value, k: Value) -> Value {
    t.as_tab().map_or(Value::NIL, |t| t.get_mut().get(k))
}

/// `HSTORE` (through any hash reference): `t[k] = v`, raw. False (nothing stored) for a
/// non-table or a nil / NaN key, which the interpreter must report.
pub fn hstore(t: Value, k: Value, v: Value) -> bool {
    let Some(t) = t.as_tab() else {
        return false;
    };
    if k.is_nil() || k.as_num().is_some_and(f64::is_nan) {
        return false;
    }
    t.get_mut().set(k, v);
    true
}

/// `FLOAD tab.asize`: the array part's size.
pub fn asize(t: Value) -> u64 {
    t.as_tab().map_or(0, |t| t.get_mut().array.len() as u64)
}

/// A table field the metatable paths read (`exec/compile.rs` maps `FLOAD`s to it).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TabField {
    /// `tab FLOAD tab.meta`: the metatable itself (its value bits), 0 (`NULL`) if none.
    Meta,
    /// `int FLOAD tab.nomm`: the negative-metamethod cache bits.
    Nomm,
    /// `FSTORE` of 0 through `FREF tab.nomm`: clears the cache (yields 0).
    ClearNomm,
}

/// `FLOAD` of `f` from table `t`, or the `nomm` clearing store (0 for a non-table,
/// which no guard accepts as a metatable, and an empty `nomm` set, which proves
/// nothing).
pub fn tab_field(t: Value, f: TabField) -> u64 {
    let Some(t) = t.as_tab() else {
        return 0;
    };
    let t = t.get_mut();
    match f {
        TabField::Meta => t.meta.map_or(0, |mt| Value::tab(mt).0),
        TabField::Nomm => t.nomm as u64,
        TabField::ClearNomm => {
            t.nomm = 0;
            0
        }
    }
}

/// `CALLL lj_vm_next(t, pos)`: the entry at traversal position `pos` or later.
pub fn vm_next(t: Value, pos: i32) -> NextEntry {
    let t = t.as_tab()?;
    t.get_mut().entry_from(pos.max(0) as usize)
}

/// `TOSTR`: the text of a number (`INT` / `NUM` mode) as the interpreter prints it.
pub fn number_text(x: f64) -> String {
    crate::vm::meta::fmt_num(x)
}

/// `BUFPUT`: appends the string or number `v` to `buf`; false for any other type.
pub fn buf_put(buf: &mut Vec<u8>, v: Value) -> bool {
    if let Some(s) = v.as_str() {
        buf.extend_from_slice(s.as_bytes());
        true
    } else if let Some(n) = v.as_num() {
        buf.extend_from_slice(number_text(n).as_bytes());
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vm::Lua;

    #[test]
    fn hash_refs_stores_and_traversal() {
        let mut l = Lua::new();
        let t = Value::tab(l.new_table(0, 0));
        let k = Value::num(1.5);
        assert_eq!(href(t, k), HREF_NIL);
        assert!(hstore(t, k, Value::num(7.0)));
        assert_eq!(href(t, k), HREF_FOUND);
        assert_eq!(hload(t, k).as_num(), Some(7.0));
        // Keys the interpreter must reject are refused, non-tables too.
        assert!(!hstore(t, Value::NIL, Value::TRUE));
        assert!(!hstore(t, Value::num(f64::NAN), Value::TRUE));
        assert!(!hstore(Value::num(1.0), k, Value::TRUE));
        assert_eq!(asize(t), 0);
        // lj_vm_next: positions continue after the entry returned; the end is None.
        let (p, key, v) = vm_next(t, 0).expect("one entry");
        assert_eq!((key.as_num(), v.as_num()), (Some(1.5), Some(7.0)));
        assert!(vm_next(t, p as i32).is_none());
        assert!(vm_next(Value::NIL, 0).is_none());
    }

    #[test]
    fn metatable_fields() {
        let mut l = Lua::new();
        let mt = l.new_table(0, 0);
        let t = l.new_table(0, 0);
        t.get_mut().meta = Some(mt);
        let tv = Value::tab(t);
        assert_eq!(tab_field(tv, TabField::Meta), Value::tab(mt).0);
        assert_eq!(tab_field(Value::tab(mt), TabField::Meta), 0);
        assert_eq!(tab_field(Value::num(1.0), TabField::Meta), 0);
        mt.get_mut().nomm = 3;
        assert_eq!(tab_field(Value::tab(mt), TabField::Nomm), 3);
        assert_eq!(tab_field(Value::tab(mt), TabField::ClearNomm), 0);
        assert_eq!(mt.get_mut().nomm, 0);
    }

    #[test]
    fn string_buffer_and_slot_results() {
        let mut buf = Vec::new();
        let mut l = Lua::new();
        assert!(buf_put(&mut buf, l.str_value(b"a")));
        assert!(buf_put(&mut buf, Value::num(12.0)));
        assert!(buf_put(&mut buf, Value::num(0.5)));
        assert!(!buf_put(&mut buf, Value::TRUE));
        assert_eq!(buf, b"a120.5");
        let mut xs = ExtState::default();
        xs.set_next(7, Some((3, Value::TRUE, Value::FALSE)));
        xs.set_next(7, None);
        assert!(xs.next_of(7).is_none());
        xs.set_next(9, Some((1, Value::TRUE, Value::FALSE)));
        assert_eq!(xs.next_of(9).map(|e| e.0), Some(1));
    }
}
