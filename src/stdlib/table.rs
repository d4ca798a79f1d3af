//! The `table` library as LuaJIT 2.1 has it: `concat insert remove sort maxn getn
//! foreach foreachi move`, plus `table.new` and `table.clear` reachable through
//! `require("table.new")` / `require("table.clear")` (entries in `package.preload`).
//!
//! All accesses are raw (no metamethods), as in LuaJIT. `sort` is the classic Lua 5.1
//! quicksort (median of three, smaller half by recursion, larger by iteration) so that
//! the comparator sees the same calls as under LuaJIT and an inconsistent comparator
//! raises "invalid order function for sorting" in the same situations (the scan stops
//! at the range bounds, `i >= up` / `j <= lo`, as LuaJIT's does).
//!
//! Rules for whoever changes this file: the table being sorted is an argument, hence
//! rooted; elements are read from and written to it directly so a collection during a
//! comparator call sees them.
#![warn(missing_docs)]

use crate::vm::value::Value;
use crate::vm::{Lua, LuaError, TabRef};

/// Installs the `table` table and the `table.new` / `table.clear` preload entries.
pub fn open(l: &mut Lua) {
    super::new_lib(
        l,
        "table",
        &[
            ("concat", concat),
            ("insert", insert),
            ("remove", remove),
            ("sort", sort),
            ("maxn", maxn),
            ("getn", getn),
            ("foreach", foreach),
            ("foreachi", foreachi),
            ("move", tmove),
        ],
    );
    super::package::set_preload(l, "table.new", |l| {
        let f = l.native("new", table_new);
        l.push(f);
        Ok(1)
    });
    super::package::set_preload(l, "table.clear", |l| {
        let f = l.native("clear", table_clear);
        l.push(f);
        Ok(1)
    });
}

/// An integer argument converted like LuaJIT's `lj_lib_checkint` (int32), widened so
/// index arithmetic cannot overflow.
fn check_int32(l: &mut Lua, i: usize) -> Result<i64, LuaError> {
    Ok(super::strlib::lua_int_arg(l.check_num(i)?) as i64)
}

/// Optional [`check_int32`].
fn opt_int32(l: &mut Lua, i: usize, default: i64) -> Result<i64, LuaError> {
    if l.arg(i).is_nil() {
        Ok(default)
    } else {
        check_int32(l, i)
    }
}

/// How often (in bytes of output) `concat` asks the memory limit about its buffer.
const CONCAT_CHECK: usize = 1 << 20;

fn concat(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let sep = if l.arg(2).is_nil() {
        Vec::new()
    } else {
        l.check_str(2)?.as_bytes().to_vec()
    };
    let i = opt_int32(l, 3, 1)?;
    let j = if l.arg(4).is_nil() {
        t.len() as i64
    } else {
        check_int32(l, 4)?
    };
    let mut out = Vec::new();
    let mut next_check = CONCAT_CHECK;
    let mut k = i;
    while k <= j {
        let v = t.get_int(k);
        if !(v.is_str() || v.is_num()) {
            let msg = format!(
                "invalid value ({}) at index {k} in table for 'concat'",
                v.type_name()
            );
            return Err(l.error_msg_level(1, &msg));
        }
        out.extend_from_slice(&l.tostring_raw(v));
        if k < j {
            out.extend_from_slice(&sep);
        }
        if out.len() >= next_check {
            l.check_allocation(out.len())?;
            next_check = out.len() + CONCAT_CHECK;
        }
        k += 1;
    }
    l.push_str(&out);
    Ok(1)
}

fn insert(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let end = t.len() as i64 + 1;
    match l.nargs() {
        2 => {
            let v = l.arg(2);
            t.get_mut().set_int(end, v);
        }
        3 => {
            let pos = check_int32(l, 2)?;
            let v = l.arg(3);
            // t[i] = t[i-1] for pos < i <= end, then t[pos] = v.
            if end > pos {
                copy_range(t, pos, t, pos + 1, end - pos);
            }
            t.get_mut().set(Value::num(pos as f64), v);
        }
        _ => return Err(l.error_msg_level(1, "wrong number of arguments to 'insert'")),
    }
    Ok(0)
}

fn remove(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let n = t.len() as i64;
    let pos = opt_int32(l, 2, n)?;
    if n == 0 || pos < 1 || pos > n {
        // LuaJIT: nothing to remove (but t[n] is still read for a missing position).
        return Ok(0);
    }
    let tm = t.get_mut();
    let v = tm.get_int(pos);
    let mut i = pos;
    while i < n {
        let next = tm.get_int(i + 1);
        tm.set_int(i, next);
        i += 1;
    }
    tm.set_int(n, Value::NIL);
    l.push(v);
    Ok(1)
}

fn maxn(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let mut max = 0.0f64;
    let mut pos = 0;
    while let Some((next, k, _)) = t.entry_from(pos) {
        if let Some(n) = k.as_num() {
            if n > max {
                max = n;
            }
        }
        pos = next;
    }
    l.push_num(max);
    Ok(1)
}

fn getn(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    l.push_num(t.len() as f64);
    Ok(1)
}

fn foreach(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let f = l.arg(2);
    if !f.is_func() {
        return Err(l.type_error(2, "function"));
    }
    let mut k = Value::NIL;
    loop {
        let Ok(Some((nk, v))) = t.next(k) else {
            return Ok(0);
        };
        k = nk;
        let r = l.call_value(f, &[k, v], 1)?;
        let r = r.first().copied().unwrap_or(Value::NIL);
        if !r.is_nil() {
            l.push(r);
            return Ok(1);
        }
    }
}

fn foreachi(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let f = l.arg(2);
    if !f.is_func() {
        return Err(l.type_error(2, "function"));
    }
    let n = t.len() as i64;
    for i in 1..=n {
        let v = t.get_int(i);
        let r = l.call_value(f, &[Value::num(i as f64), v], 1)?;
        let r = r.first().copied().unwrap_or(Value::NIL);
        if !r.is_nil() {
            l.push(r);
            return Ok(1);
        }
    }
    Ok(0)
}

/// `table.move(a1, f, e, t [,a2])` (LuaJIT 2.1 has it): copies `a1[f..e]` to `a2[t..]`.
fn tmove(l: &mut Lua) -> Result<usize, LuaError> {
    let a1 = l.check_table(1)?;
    let f = check_int32(l, 2)?;
    let e = check_int32(l, 3)?;
    let t = check_int32(l, 4)?;
    let a2 = if l.arg(5).is_nil() {
        a1
    } else {
        l.check_table(5)?
    };
    if e >= f {
        copy_range(a1, f, a2, t, e - f + 1);
    }
    l.push(Value::tab(a2));
    Ok(1)
}

/// Ranges longer than this are copied by visiting the source's entries instead of
/// every index (the result is the same; a huge sparse range costs O(table size)).
const DIRECT_COPY_LIMIT: i64 = 1 << 16;

/// `dst[to + i] = src[from + i]` for `0 <= i < count`, all reads before the writes they
/// could clobber (memmove semantics, which is what LuaJIT's loop directions give).
fn copy_range(src: TabRef, from: i64, dst: TabRef, to: i64, count: i64) {
    if count <= DIRECT_COPY_LIMIT {
        if src == dst && to > from {
            for i in (0..count).rev() {
                let v = src.get_int(from + i);
                dst.get_mut().set_int(to + i, v);
            }
        } else {
            for i in 0..count {
                let v = src.get_int(from + i);
                dst.get_mut().set_int(to + i, v);
            }
        }
        return;
    }
    let in_range = |k: Value, start: i64| -> Option<i64> {
        let n = k.as_num()?;
        let i = n as i64;
        (i as f64 == n && i >= start && i - start < count).then_some(i - start)
    };
    let mut moved = Vec::new();
    let mut pos = 0;
    while let Some((next, k, v)) = src.entry_from(pos) {
        if let Some(off) = in_range(k, from) {
            moved.push((off, v));
        }
        pos = next;
    }
    let mut cleared = Vec::new();
    let mut pos = 0;
    while let Some((next, k, _)) = dst.entry_from(pos) {
        if in_range(k, to).is_some() {
            cleared.push(k);
        }
        pos = next;
    }
    for k in cleared {
        dst.get_mut().set(k, Value::NIL);
    }
    for (off, v) in moved {
        dst.get_mut().set_int(to + off, v);
    }
}

fn table_new(l: &mut Lua) -> Result<usize, LuaError> {
    let narr = l.check_int(1)?.clamp(0, 1 << 26) as usize;
    let nhash = l.check_int(2)?.clamp(0, 1 << 26) as usize;
    let t = l.new_table(narr, nhash);
    l.push(Value::tab(t));
    Ok(1)
}

fn table_clear(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    t.get_mut().clear_entries(|_, _| true);
    Ok(0)
}

/// `a < b` for sorting: the comparator, or Lua's `<`.
fn sort_less(l: &mut Lua, cmp: Value, a: Value, b: Value) -> Result<bool, LuaError> {
    if cmp.is_nil() {
        if let (Some(x), Some(y)) = (a.as_num(), b.as_num()) {
            return Ok(x < y);
        }
        l.less_than(a, b)
    } else {
        let r = l.call_value(cmp, &[a, b], 1)?;
        Ok(r.first().is_some_and(|v| v.truthy()))
    }
}

fn sort(l: &mut Lua) -> Result<usize, LuaError> {
    let t = l.check_table(1)?;
    let cmp = l.arg(2);
    if !cmp.is_nil() && !cmp.is_func() {
        return Err(l.type_error(2, "function"));
    }
    let n = t.len() as i64;
    auxsort(l, t, cmp, 1, n)?;
    Ok(0)
}

fn order_error(l: &mut Lua) -> LuaError {
    l.error_msg_level(1, "invalid order function for sorting")
}

fn auxsort(l: &mut Lua, t: TabRef, cmp: Value, mut lo: i64, mut up: i64) -> Result<(), LuaError> {
    let get = |i: i64| t.get_int(i);
    let swap = |i: i64, j: i64| {
        let tm = t.get_mut();
        let a = tm.get_int(i);
        let b = tm.get_int(j);
        tm.set_int(i, b);
        tm.set_int(j, a);
    };
    while lo < up {
        if sort_less(l, cmp, get(up), get(lo))? {
            swap(lo, up);
        }
        if up - lo == 1 {
            break;
        }
        let mut i = lo + (up - lo) / 2;
        if sort_less(l, cmp, get(i), get(lo))? {
            swap(i, lo);
        } else if sort_less(l, cmp, get(up), get(i))? {
            swap(i, up);
        }
        if up - lo == 2 {
            break;
        }
        let pivot = get(i);
        swap(i, up - 1);
        // Invariant: a[lo] <= pivot == a[up-1] <= a[up]; partition lo+1 .. up-2.
        // The pivot is pinned: a comparator could remove it from the table and collect.
        let pin = l.pinned.len();
        l.pinned.push(pivot);
        let r = partition(l, t, cmp, lo, up, pivot);
        l.pinned.truncate(pin);
        i = r?;
        swap(up - 1, i);
        // Recurse into the smaller part, loop on the larger.
        let (a, b);
        if i - lo < up - i {
            a = lo;
            b = i - 1;
            lo = i + 1;
        } else {
            a = i + 1;
            b = up;
            up = i - 1;
        }
        auxsort(l, t, cmp, a, b)?;
    }
    Ok(())
}

/// Hoare partition of `lo+1 ..= up-2` around `pivot`; returns the pivot's final index.
fn partition(
    l: &mut Lua,
    t: TabRef,
    cmp: Value,
    lo: i64,
    up: i64,
    pivot: Value,
) -> Result<i64, LuaError> {
    let get = |i: i64| t.get_int(i);
    let swap = |i: i64, j: i64| {
        let tm = t.get_mut();
        let a = tm.get_int(i);
        let b = tm.get_int(j);
        tm.set_int(i, b);
        tm.set_int(j, a);
    };
    let mut i = lo;
    let mut j = up - 1;
    loop {
        loop {
            i += 1;
            if !sort_less(l, cmp, get(i), pivot)? {
                break;
            }
            if i >= up {
                return Err(order_error(l));
            }
        }
        loop {
            j -= 1;
            if !sort_less(l, cmp, pivot, get(j))? {
                break;
            }
            if j <= lo {
                return Err(order_error(l));
            }
        }
        if j < i {
            break;
        }
        swap(i, j);
    }
    Ok(i)
}
