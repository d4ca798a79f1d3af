//! Lua tables: an array part for keys `1..=n` plus an open-addressing hash part.
//!
//! The hash part is a power-of-two vector of `(key, value)` nodes probed linearly from
//! `hash & mask`; an empty node has a `nil` key. Removing a key (assigning `nil`) keeps the
//! key in its node with a `nil` value: the node acts as a tombstone for probing and keeps
//! `next` working while a traversal clears fields, as Lua requires. Tombstones are dropped
//! when the part is rebuilt.
//!
//! Growth follows Lua 5.1: when a new key does not fit, every integer key is counted and
//! the array part becomes the largest power of two `n` with more than `n/2` of `1..=n` in
//! use; the rest goes to a hash part sized for the remaining keys. As a shortcut, storing
//! key `#array + 1` appends to the array part directly (the common `t[#t+1] = v` pattern).
//!
//! `#t` returns a border as Lua 5.1 does: the array length if its last slot is non-nil and
//! the hash part is empty, a binary search inside the array if the last slot is nil, and an
//! unbounded doubling search through the hash part otherwise.
//!
//! Rules: keys handed to `set` are never nil or NaN (callers raise "table index is nil" /
//! "table index is NaN" first); `-0` keys are normalised to `0` so they hash like `0`.

use super::object::{GcHeader, GcKind, StrRef, TabRef};
use super::value::Value;

/// `next` was given a key that is not in the table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct InvalidKey;

/// A key/value node of the hash part.
#[derive(Copy, Clone, Debug)]
pub struct Node {
    /// The key; `nil` marks an empty node.
    pub key: Value,
    /// The value; `nil` with a non-nil key marks a removed entry.
    pub val: Value,
}

const EMPTY: Node = Node {
    key: Value::NIL,
    val: Value::NIL,
};

/// A Lua table.
#[repr(C)]
pub struct Table {
    /// GC header.
    pub hdr: GcHeader,
    /// Bit set of metamethods known to be absent when this table is used as a metatable
    /// (cleared whenever the table changes).
    pub nomm: u32,
    /// The metatable.
    pub meta: Option<TabRef>,
    /// Array part: `array[i]` holds key `i + 1`.
    pub array: Vec<Value>,
    /// Hash part (length zero or a power of two).
    pub nodes: Vec<Node>,
    /// Nodes with a non-nil key (live or tombstone).
    used: usize,
}

/// Mixes 64 bits into a well-distributed hash.
#[inline(always)]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x
}

/// The hash of a (valid) key.
#[inline(always)]
pub fn key_hash(k: Value) -> u64 {
    if let Some(s) = k.as_str() {
        s.hash
    } else if k.is_num() {
        let n = k.as_num_unchecked();
        mix(if n == 0.0 { 0 } else { n.to_bits() })
    } else {
        mix(k.0)
    }
}

/// Array index for a number key, if it is an integer in `1..`.
#[inline(always)]
fn as_index(k: Value) -> Option<usize> {
    let n = k.as_num()?;
    let i = n as usize;
    if i as f64 == n && i >= 1 {
        Some(i)
    } else {
        None
    }
}

impl Table {
    /// An empty table with room for `narray` array slots and `nhash` hash entries.
    pub fn new(narray: usize, nhash: usize) -> Table {
        let mut t = Table {
            hdr: GcHeader::new(GcKind::Tab),
            nomm: 0,
            meta: None,
            array: Vec::with_capacity(narray),
            nodes: Vec::new(),
            used: 0,
        };
        if nhash > 0 {
            t.nodes = vec![EMPTY; capacity_for(nhash)];
        }
        t
    }

    /// A copy of the contents (for TDUP); the metatable is not copied.
    pub fn duplicate(&self) -> Table {
        Table {
            hdr: GcHeader::new(GcKind::Tab),
            nomm: 0,
            meta: None,
            array: self.array.clone(),
            nodes: self.nodes.clone(),
            used: self.used,
        }
    }

    /// Approximate heap bytes owned by the table.
    pub fn mem_size(&self) -> usize {
        std::mem::size_of::<Table>()
            + self.array.capacity() * 8
            + self.nodes.capacity() * std::mem::size_of::<Node>()
    }

    #[inline(always)]
    fn find_node(&self, k: Value, h: u64) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        let mask = self.nodes.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let n = &self.nodes[i];
            if n.key.is_nil() {
                return None;
            }
            if n.key.raw_eq(k) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Looks up a string key.
    #[inline(always)]
    pub fn get_str(&self, s: StrRef) -> Value {
        if self.nodes.is_empty() {
            return Value::NIL;
        }
        let key = Value::str(s);
        let mask = self.nodes.len() - 1;
        let mut i = s.hash as usize & mask;
        loop {
            let n = &self.nodes[i];
            if n.key == key {
                return n.val;
            }
            if n.key.is_nil() {
                return Value::NIL;
            }
            i = (i + 1) & mask;
        }
    }

    /// The hash-part node holding key `k` (index and value), if `k` lives in the hash
    /// part. Node indexes stay valid until the hash part is resized.
    pub fn node_of(&self, k: Value) -> Option<(usize, Value)> {
        if k.is_nil() {
            return None;
        }
        self.find_node(k, key_hash(k))
            .map(|i| (i, self.nodes[i].val))
    }

    /// Looks up an integer key.
    #[inline(always)]
    pub fn get_int(&self, i: i64) -> Value {
        if i >= 1 && (i as usize) <= self.array.len() {
            return self.array[i as usize - 1];
        }
        self.get_hashed(Value::num(i as f64))
    }

    fn get_hashed(&self, k: Value) -> Value {
        match self.find_node(k, key_hash(k)) {
            Some(i) => self.nodes[i].val,
            None => Value::NIL,
        }
    }

    /// Raw lookup of any key.
    #[inline]
    pub fn get(&self, k: Value) -> Value {
        if k.is_num() {
            let n = k.as_num_unchecked();
            let i = n as usize;
            if i as f64 == n && i >= 1 && i <= self.array.len() {
                return self.array[i - 1];
            }
            if n.is_nan() {
                return Value::NIL;
            }
        } else if let Some(s) = k.as_str() {
            return self.get_str(s);
        } else if k.is_nil() {
            return Value::NIL;
        }
        self.get_hashed(k)
    }

    /// Raw assignment. `k` must not be nil or NaN.
    #[inline]
    pub fn set(&mut self, k: Value, v: Value) {
        if let Some(i) = as_index(k) {
            if i <= self.array.len() {
                self.array[i - 1] = v;
                return;
            }
            if i == self.array.len() + 1 && !v.is_nil() {
                self.append(v);
                return;
            }
        }
        let k = if k.is_num() && k.as_num_unchecked() == 0.0 {
            Value::num(0.0)
        } else {
            k
        };
        self.set_hashed(k, v);
    }

    /// Raw assignment of an integer key.
    #[inline]
    pub fn set_int(&mut self, i: i64, v: Value) {
        if i >= 1 && (i as usize) <= self.array.len() {
            self.array[i as usize - 1] = v;
        } else {
            self.set(Value::num(i as f64), v);
        }
    }

    /// Raw assignment of a string key.
    #[inline]
    pub fn set_str(&mut self, s: StrRef, v: Value) {
        self.set_hashed(Value::str(s), v);
    }

    fn append(&mut self, v: Value) {
        if self.used > 0 {
            // The key may still sit in the hash part (left there by a rehash).
            let k = Value::num((self.array.len() + 1) as f64);
            if let Some(n) = self.find_node(k, key_hash(k)) {
                self.nodes[n].val = Value::NIL;
            }
        }
        // Grow to LuaJIT's array sizes (a power of two of slots counting slot 0), so the
        // border `#` finds in arrays with holes is the one LuaJIT finds.
        let cap = self.array.capacity();
        let idx = self.array.len();
        let new_len = (idx + 2).next_power_of_two() - 1;
        self.array.resize(new_len, Value::NIL);
        self.array[idx] = v;
        if self.array.capacity() != cap {
            super::gc::note_growth((self.array.capacity() - cap) * 8);
        }
        // Pull integer keys now covered by the array part out of the hash part.
        if self.used > 0 {
            for i in idx + 1..new_len {
                let k = Value::num((i + 1) as f64);
                if let Some(n) = self.find_node(k, key_hash(k)) {
                    let val = self.nodes[n].val;
                    if !val.is_nil() {
                        self.nodes[n].val = Value::NIL;
                        self.array[i] = val;
                    }
                }
            }
        }
    }

    fn set_hashed(&mut self, k: Value, v: Value) {
        self.nomm = 0;
        let h = key_hash(k);
        if let Some(i) = self.find_node(k, h) {
            self.nodes[i].val = v;
            return;
        }
        if v.is_nil() {
            return;
        }
        if (self.used + 1) * 4 > self.nodes.len() * 3 {
            self.rehash(k);
            // The rehash may have made room for the key in the array part.
            if let Some(i) = as_index(k) {
                if i <= self.array.len() {
                    self.array[i - 1] = v;
                    return;
                }
                if i == self.array.len() + 1 {
                    self.append(v);
                    return;
                }
            }
        }
        self.insert_new(k, h, v);
    }

    fn insert_new(&mut self, k: Value, h: u64, v: Value) {
        let mask = self.nodes.len() - 1;
        let mut i = h as usize & mask;
        while !self.nodes[i].key.is_nil() {
            i = (i + 1) & mask;
        }
        self.nodes[i] = Node { key: k, val: v };
        self.used += 1;
    }

    /// Rebuilds both parts for the current keys plus `extra` (Lua 5.1's rehash).
    fn rehash(&mut self, extra: Value) {
        let before = self.mem_size();
        self.rebuild(extra);
        let after = self.mem_size();
        if after > before {
            super::gc::note_growth(after - before);
        }
    }

    fn rebuild(&mut self, extra: Value) {
        // nums[b] counts integer keys in (2^(b-1), 2^b].
        let mut nums = [0usize; 64];
        let mut total_int = 0;
        let count_int = |i: usize, nums: &mut [usize; 64]| {
            let b = if i <= 1 {
                0
            } else {
                (usize::BITS - (i - 1).leading_zeros()) as usize
            };
            nums[b] += 1;
        };
        for (i, v) in self.array.iter().enumerate() {
            if !v.is_nil() {
                count_int(i + 1, &mut nums);
                total_int += 1;
            }
        }
        let mut total = total_int;
        for n in &self.nodes {
            if !n.val.is_nil() {
                total += 1;
                if let Some(i) = as_index(n.key) {
                    count_int(i, &mut nums);
                    total_int += 1;
                }
            }
        }
        total += 1;
        if let Some(i) = as_index(extra) {
            count_int(i, &mut nums);
            total_int += 1;
        }
        // Largest power of two with more than half of its slots used.
        let mut best = 0;
        let mut acc = 0;
        let mut in_array = 0;
        for (b, &c) in nums.iter().enumerate() {
            let twotoi = 1usize << b;
            if twotoi / 2 >= total_int {
                break;
            }
            acc += c;
            if acc > twotoi / 2 {
                best = twotoi;
                in_array = acc;
            }
        }
        let old_nodes = std::mem::take(&mut self.nodes);
        let new_array_len = best.max(self.array.len().min(best));
        let mut moved_out = Vec::new();
        if self.array.len() > new_array_len {
            for (i, v) in self.array.drain(new_array_len..).enumerate() {
                if !v.is_nil() {
                    moved_out.push((Value::num((new_array_len + i + 1) as f64), v));
                }
            }
        }
        self.array.resize(new_array_len, Value::NIL);
        let nhash = total - in_array;
        self.used = 0;
        self.nodes = if nhash > 0 {
            vec![EMPTY; capacity_for(nhash)]
        } else {
            Vec::new()
        };
        for n in old_nodes.into_iter().filter(|n| !n.val.is_nil()) {
            self.reinsert(n.key, n.val);
        }
        for (k, v) in moved_out {
            self.reinsert(k, v);
        }
        // Trailing nils of the array part stay: they are slots reserved for future keys.
    }

    fn reinsert(&mut self, k: Value, v: Value) {
        if let Some(i) = as_index(k) {
            if i <= self.array.len() {
                self.array[i - 1] = v;
                return;
            }
        }
        if self.nodes.is_empty() || (self.used + 1) * 4 > self.nodes.len() * 3 {
            let cap = capacity_for(self.used + 1).max(self.nodes.len() * 2);
            let old = std::mem::replace(&mut self.nodes, vec![EMPTY; cap]);
            self.used = 0;
            for n in old.into_iter().filter(|n| !n.val.is_nil()) {
                let h = key_hash(n.key);
                self.insert_new(n.key, h, n.val);
            }
        }
        self.insert_new(k, key_hash(k), v);
    }

    /// Whether the table has no entries at all.
    pub fn is_empty(&self) -> bool {
        self.entry_from(0).is_none()
    }

    /// The length operator (a border), without metamethods.
    pub fn len(&self) -> usize {
        let n = self.array.len();
        if n > 0 && self.array[n - 1].is_nil() {
            // Binary search for a border inside the array part.
            let (mut lo, mut hi) = (0usize, n);
            while hi - lo > 1 {
                let m = (lo + hi) / 2;
                if self.array[m - 1].is_nil() {
                    hi = m;
                } else {
                    lo = m;
                }
            }
            return lo;
        }
        if self.used == 0 {
            return n;
        }
        // Unbounded search in the hash part.
        let mut i = n;
        let mut j = n + 1;
        while !self.get_int(j as i64).is_nil() {
            i = j;
            if j > (1 << 52) {
                // Pathological table: fall back to a linear scan.
                let mut k = 1;
                while !self.get_int(k).is_nil() {
                    k += 1;
                }
                return k as usize - 1;
            }
            j *= 2;
        }
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.get_int(m as i64).is_nil() {
                j = m;
            } else {
                i = m;
            }
        }
        i
    }

    /// Whether the table has no array part and no hash entries (used by `#` fast path).
    pub fn hash_is_empty(&self) -> bool {
        self.used == 0
    }

    /// The entry at traversal position `pos` or later: returns the position after it,
    /// the key and the value. Positions count array slots first, then nodes.
    #[inline]
    pub fn entry_from(&self, mut pos: usize) -> Option<(usize, Value, Value)> {
        while pos < self.array.len() {
            let v = self.array[pos];
            if !v.is_nil() {
                return Some((pos + 1, Value::num((pos + 1) as f64), v));
            }
            pos += 1;
        }
        let mut n = pos - self.array.len();
        while n < self.nodes.len() {
            let node = self.nodes[n];
            if !node.val.is_nil() {
                return Some((self.array.len() + n + 1, node.key, node.val));
            }
            n += 1;
        }
        None
    }

    /// `next(t, k)`: the entry after key `k` (`nil` starts). `Err` for an unknown key.
    pub fn next(&self, k: Value) -> Result<Option<(Value, Value)>, InvalidKey> {
        let pos = if k.is_nil() {
            0
        } else if let Some(i) = as_index(k).filter(|&i| i <= self.array.len()) {
            i
        } else {
            let k = if k.is_num() && k.as_num_unchecked() == 0.0 {
                Value::num(0.0)
            } else {
                k
            };
            match self.find_node(k, key_hash(k)) {
                Some(n) => self.array.len() + n + 1,
                None => return Err(InvalidKey),
            }
        };
        Ok(self.entry_from(pos).map(|(_, k, v)| (k, v)))
    }

    /// Removes entries for which `dead` returns true (weak-table clearing).
    pub fn clear_entries(&mut self, mut dead: impl FnMut(Value, Value) -> bool) {
        for i in 0..self.array.len() {
            let v = self.array[i];
            if !v.is_nil() && dead(Value::num((i + 1) as f64), v) {
                self.array[i] = Value::NIL;
            }
        }
        for n in self.nodes.iter_mut() {
            if !n.val.is_nil() && dead(n.key, n.val) {
                n.val = Value::NIL;
            }
        }
    }
}

fn capacity_for(n: usize) -> usize {
    // Keep the load factor at or below 3/4.
    (n * 4).div_ceil(3).next_power_of_two().max(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Value {
        Value::num(x)
    }

    #[test]
    fn array_and_hash() {
        let mut t = Table::new(0, 0);
        for i in 1..=100 {
            t.set(n(i as f64), n(i as f64 * 2.0));
        }
        assert_eq!(t.len(), 100);
        assert!(t.array.len() >= 100);
        assert_eq!(t.get(n(50.0)), n(100.0));
        t.set(n(0.5), n(1.0));
        t.set(n(-3.0), n(2.0));
        assert_eq!(t.get(n(0.5)), n(1.0));
        assert_eq!(t.get(n(-3.0)), n(2.0));
        t.set(n(100.0), Value::NIL);
        assert_eq!(t.len(), 99);
    }

    #[test]
    fn reverse_fill_moves_to_array() {
        let mut t = Table::new(0, 0);
        for i in (1..=64).rev() {
            t.set(n(i as f64), Value::TRUE);
        }
        assert_eq!(t.len(), 64);
        let mut count = 0;
        let mut k = Value::NIL;
        while let Some((nk, _)) = t.next(k).unwrap() {
            count += 1;
            k = nk;
        }
        assert_eq!(count, 64);
    }

    /// Random stores and removals of integer and fractional keys against a model map;
    /// checks lookups, traversal and that `len` returns a border.
    #[test]
    fn random_operations_match_a_model() {
        let mut seed: u64 = 0x1234_5678;
        let mut rnd = |m: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % m
        };
        for round in 0..40 {
            let mut t = Table::new(0, 0);
            let mut model = std::collections::HashMap::new();
            let range = 8 + round * 10;
            for step in 0..2000 {
                let k = if rnd(4) == 0 {
                    rnd(range) as f64 + 0.5
                } else {
                    rnd(range) as f64 - 3.0
                };
                if rnd(3) == 0 {
                    t.set(n(k), Value::NIL);
                    model.remove(&k.to_bits());
                } else {
                    let v = rnd(1000) as f64;
                    t.set(n(k), n(v));
                    model.insert(k.to_bits(), v);
                }
                if step % 97 == 0 {
                    let mut cnt = 0;
                    let mut kk = Value::NIL;
                    while let Some((nk, _)) = t.next(kk).unwrap() {
                        cnt += 1;
                        kk = nk;
                    }
                    assert_eq!(cnt, model.len(), "after key {k}");
                }
            }
            for (&kb, &v) in &model {
                assert_eq!(t.get(n(f64::from_bits(kb))), n(v));
            }
            let mut seen = 0;
            let mut k = Value::NIL;
            while let Some((nk, nv)) = t.next(k).unwrap() {
                assert_eq!(
                    model.get(&nk.as_num().unwrap().to_bits()),
                    Some(&nv.as_num().unwrap())
                );
                seen += 1;
                k = nk;
            }
            assert_eq!(seen, model.len());
            let b = t.len();
            assert!(b == 0 || !t.get_int(b as i64).is_nil());
            assert!(t.get_int(b as i64 + 1).is_nil());
        }
    }

    #[test]
    fn next_survives_clearing() {
        let mut t = Table::new(0, 0);
        for i in 0..50 {
            t.set(n(i as f64 + 0.5), n(i as f64));
        }
        let mut k = Value::NIL;
        let mut seen = 0;
        while let Some((nk, _)) = t.next(k).unwrap() {
            t.set(nk, Value::NIL);
            seen += 1;
            k = nk;
        }
        assert_eq!(seen, 50);
        assert!(t.next(Value::NIL).unwrap().is_none());
        assert!(t.next(n(1234.5)).is_err());
    }
}
