//! Stable sorting with one compiled body for every element type and order.
//!
//! The standard library's `sort_by` is compiled anew for each element type and comparison,
//! about 3 KB of wasm each time; the page sorted at some sixty places, which made 200 KB of
//! its download. In wasm these functions sort the elements' positions with one merge sort
//! that calls the comparison through a reference, then move the elements into place.
//! Natively they are the standard library's sorts. Both are stable, so the result is the
//! same either way.
//!
//! Collecting into a `BTreeMap` or `BTreeSet` sorts too: `collect` first sorts the items
//! with the standard library's sort, compiled anew for every item type and iterator (about
//! 4 KB each). [`map_of`] and [`set_of`] build the same collections by inserting one item
//! at a time in wasm.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The map of `pairs`, a later pair winning over an earlier one with the same key (as
/// `collect` does).
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    #[cfg(not(target_arch = "wasm32"))]
    return pairs.into_iter().collect();
    #[cfg(target_arch = "wasm32")]
    return map_by_inserting(pairs);
}

/// [`map_of`] in wasm: one insert per pair.
#[cfg(any(target_arch = "wasm32", test))]
fn map_by_inserting<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in pairs {
        map.insert(k, v);
    }
    map
}

/// The JSON object of `pairs` (as `collect` makes it; without the `preserve_order` feature a
/// JSON object is a `BTreeMap` too).
pub fn object_of(pairs: impl IntoIterator<Item = (String, serde_json::Value)>) -> serde_json::Map<String, serde_json::Value> {
    let mut object = serde_json::Map::new();
    for (k, v) in pairs {
        object.insert(k, v);
    }
    object
}

/// The set of `items` (as `collect` makes it).
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    #[cfg(not(target_arch = "wasm32"))]
    return items.into_iter().collect();
    #[cfg(target_arch = "wasm32")]
    return set_by_inserting(items);
}

/// [`set_of`] in wasm: one insert per item.
#[cfg(any(target_arch = "wasm32", test))]
fn set_by_inserting<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// Sorts `v` by `compare`, keeping equal elements in their order (like `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], compare: impl FnMut(&T, &T) -> Ordering) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(compare);
    #[cfg(target_arch = "wasm32")]
    {
        let mut compare = compare;
        if v.len() < 2 {
            return;
        }
        let mut order: Vec<u32> = (0..v.len() as u32).collect();
        merge_sort(&mut order, &mut |a, b| compare(&v[a as usize], &v[b as usize]));
        permute(v, &mut order);
    }
}

/// Sorts `v` by the key `key` gives each element, keeping equal keys in their order.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` by a key computed once per element (like `slice::sort_by_cached_key`), for
/// keys that cost something to make: an allocation, a parse.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by_cached_key(key);
    #[cfg(target_arch = "wasm32")]
    {
        if v.len() < 2 {
            return;
        }
        let keys: Vec<K> = v.iter().map(key).collect();
        let mut order: Vec<u32> = (0..v.len() as u32).collect();
        merge_sort(&mut order, &mut |a, b| keys[a as usize].cmp(&keys[b as usize]));
        permute(v, &mut order);
    }
}

/// Sorts `v` in ascending order, keeping equal elements in their order.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Runs shorter than this are sorted by insertion before merging.
#[cfg(any(target_arch = "wasm32", test))]
const RUN: usize = 12;

/// Sorts positions stably by `compare`: insertion-sorted runs, then merged pairwise.
#[cfg(any(target_arch = "wasm32", test))]
fn merge_sort(order: &mut [u32], compare: &mut dyn FnMut(u32, u32) -> Ordering) {
    let n = order.len();
    for run in order.chunks_mut(RUN) {
        for i in 1..run.len() {
            let mut j = i;
            while j > 0 && compare(run[j - 1], run[j]) == Ordering::Greater {
                run.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let mut buffer = vec![0u32; n];
    let mut width = RUN;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut buffer[start..end] {
                // The left run wins ties, which keeps the sort stable.
                let take_left = j == end || (i < mid && compare(order[i], order[j]) != Ordering::Greater);
                if take_left {
                    *slot = order[i];
                    i += 1;
                } else {
                    *slot = order[j];
                    j += 1;
                }
            }
            start = end;
        }
        order.copy_from_slice(&buffer);
        width *= 2;
    }
}

/// Rearranges `v` so that position `i` holds the element that was at `order[i]`, following
/// each cycle of the permutation with swaps. `order` is used up.
#[cfg(any(target_arch = "wasm32", test))]
fn permute<T>(v: &mut [T], order: &mut [u32]) {
    for i in 0..v.len() {
        let mut at = i;
        while order[at] as usize != i {
            let from = order[at] as usize;
            v.swap(at, from);
            order[at] = at as u32;
            at = from;
        }
        order[at] = at as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wasm path, run natively against the standard library's stable sort.
    fn wasm_sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
        let mut order: Vec<u32> = (0..v.len() as u32).collect();
        merge_sort(&mut order, &mut |a, b| compare(&v[a as usize], &v[b as usize]));
        permute(v, &mut order);
    }

    #[test]
    fn the_merge_sort_matches_the_standard_stable_sort() {
        // Pairs of (key, original position): equal keys must keep their order.
        let mut seed = 7u64;
        for len in [0usize, 1, 2, 5, 11, 12, 13, 24, 25, 100, 1000] {
            let items: Vec<(u64, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((seed >> 33) % 7, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            let mut got = items.clone();
            wasm_sort_by(&mut got, |a, b| a.0.cmp(&b.0));
            assert_eq!(got, expected, "length {len}");
            let mut reversed = items;
            wasm_sort_by(&mut reversed, |a, b| b.0.cmp(&a.0));
            expected.sort_by_key(|p| std::cmp::Reverse(p.0));
            assert_eq!(reversed, expected, "length {len}, descending");
        }
    }

    #[test]
    fn maps_and_sets_built_by_inserting_equal_the_collected_ones() {
        // Duplicate keys: the later pair wins, as with `collect`.
        let pairs = [("web", 1), ("api", 2), ("web", 3), ("db", 4), ("api", 5)];
        let collected: BTreeMap<&str, i32> = pairs.into_iter().collect();
        assert_eq!(map_by_inserting(pairs), collected);
        assert_eq!(map_of(pairs), collected);
        assert_eq!(collected.into_iter().collect::<Vec<_>>(), [("api", 5), ("db", 4), ("web", 3)]);
        let items = ["node-2", "node-10", "node-1", "node-2"];
        assert_eq!(set_by_inserting(items), items.into_iter().collect::<BTreeSet<_>>());
        assert_eq!(set_of(items).into_iter().collect::<Vec<_>>(), ["node-1", "node-10", "node-2"]);
        let object = object_of([("b".to_string(), serde_json::json!(1)), ("a".to_string(), serde_json::json!(2)), ("b".to_string(), serde_json::json!(3))]);
        assert_eq!(serde_json::Value::Object(object).to_string(), r#"{"a":2,"b":3}"#);
    }

    #[test]
    fn sorting_strings_by_key_and_in_order() {
        let mut names = vec!["web-2", "api", "web-10", "db"];
        sort(&mut names);
        assert_eq!(names, ["api", "db", "web-10", "web-2"]);
        sort_by_key(&mut names, |n| n.len());
        assert_eq!(names, ["db", "api", "web-2", "web-10"]);
        let mut calls = 0;
        sort_by_cached_key(&mut names, |n| {
            calls += 1;
            std::cmp::Reverse(n.len())
        });
        assert_eq!(names, ["web-10", "web-2", "api", "db"]);
        assert_eq!(calls, 4, "one key per element");
    }
}
