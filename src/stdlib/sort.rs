//! `table.sort`'s algorithm, comparison for comparison the same as LuaJIT 2.1.
//!
//! Sorting is not stable, so which of two equal elements ends up first depends on the
//! exact sequence of comparisons and swaps; programs print that order. This module
//! reproduces LuaJIT's (= Lua 5.1's) quicksort: median of three of the first, middle and
//! last elements, the pivot parked next to the end, a Hoare-style partition, recursion
//! on the smaller part and a loop on the larger. An order function that is not a strict
//! weak order makes a scan reach the end of its range while the comparison still says
//! "before", which raises "invalid order function for sorting" (LuaJIT checks `i >= up`
//! and `j <= lo`, so no element outside the range is ever read).
//!
//! The engine works on a slice holding elements 1..n of the table. The comparator is called exactly as the reference calls it, `lt(a, b)` meaning
//! "a sorts before b", so a Lua comparator observes the same call sequence.
//!
//! Rules for whoever changes this file: the call sequence is the contract; the golden
//! file `tests/golden/stdlib/sort.txt` records LuaJIT's comparator calls.

use std::fmt;

/// An error from [`sort`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortError<E> {
    /// "invalid order function for sorting".
    InvalidOrder,
    /// The comparator raised an error.
    Compare(E),
}

impl<E: fmt::Display> fmt::Display for SortError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SortError::InvalidOrder => f.write_str("invalid order function for sorting"),
            SortError::Compare(e) => e.fmt(f),
        }
    }
}

/// Element access with the reference's 1-based indices. The bounds checks in the
/// partition loops keep every index inside `1..=n` (the property tests check this with
/// arbitrary inconsistent comparators).
struct Arr<'a, T> {
    items: &'a mut [T],
}

impl<T: Clone> Arr<'_, T> {
    fn get(&self, i: i64) -> T {
        self.items[(i - 1) as usize].clone()
    }

    fn swap(&mut self, i: i64, j: i64) {
        self.items.swap((i - 1) as usize, (j - 1) as usize);
    }
}

/// Sort `items` (table elements 1..n) with `lt(a, b)` = "a before b".
pub fn sort<T: Clone, E>(
    items: &mut [T],
    mut lt: impl FnMut(&T, &T) -> Result<bool, E>,
) -> Result<(), SortError<E>> {
    let n = items.len() as i64;
    let mut arr = Arr { items };
    let mut less = |a: &T, b: &T| lt(a, b).map_err(SortError::Compare);
    aux_sort(&mut arr, 1, n, &mut less)
}

fn aux_sort<T: Clone, E>(
    arr: &mut Arr<'_, T>,
    mut lo: i64,
    mut up: i64,
    lt: &mut impl FnMut(&T, &T) -> Result<bool, SortError<E>>,
) -> Result<(), SortError<E>> {
    while lo < up {
        // Order a[lo], a[mid], a[up].
        if lt(&arr.get(up), &arr.get(lo))? {
            arr.swap(lo, up);
        }
        if up - lo == 1 {
            break;
        }
        let mid = (lo + up) / 2;
        if lt(&arr.get(mid), &arr.get(lo))? {
            arr.swap(mid, lo);
        } else if lt(&arr.get(up), &arr.get(mid))? {
            arr.swap(mid, up);
        }
        if up - lo == 2 {
            break;
        }
        // Park the pivot at up-1; a[lo] <= P == a[up-1] <= a[up].
        let pivot = arr.get(mid);
        arr.swap(mid, up - 1);
        let mut i = lo;
        let mut j = up - 1;
        loop {
            loop {
                i += 1;
                if !lt(&arr.get(i), &pivot)? {
                    break;
                }
                if i >= up {
                    return Err(SortError::InvalidOrder);
                }
            }
            loop {
                j -= 1;
                if !lt(&pivot, &arr.get(j))? {
                    break;
                }
                if j <= lo {
                    return Err(SortError::InvalidOrder);
                }
            }
            if j < i {
                break;
            }
            arr.swap(i, j);
        }
        arr.swap(up - 1, i);
        // Recurse into the smaller part, loop on the larger.
        let (sub_lo, sub_up);
        if i - lo < up - i {
            sub_lo = lo;
            sub_up = i - 1;
            lo = i + 1;
        } else {
            sub_lo = i + 1;
            sub_up = up;
            up = i - 1;
        }
        aux_sort(arr, sub_lo, sub_up, lt)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_numbers() {
        let mut v = vec![5, 3, 9, 1, 1, 8, 2, 7];
        sort::<_, ()>(&mut v, |a, b| Ok(a < b)).unwrap();
        assert_eq!(v, vec![1, 1, 2, 3, 5, 7, 8, 9]);
    }

    #[test]
    fn bad_order_is_an_error() {
        let mut v: Vec<i32> = (0..50).collect();
        let r = sort::<_, ()>(&mut v, |_, _| Ok(true));
        assert_eq!(r, Err(SortError::InvalidOrder));
    }
}
