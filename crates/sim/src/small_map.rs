//! `SmallMap`: an ordered map kept as one sorted vector, for maps of a few dozen entries
//! (a directory's files, a manifest's positions, the lab's processes). It iterates in key
//! order like `BTreeMap` and serializes the same way, but each key and value type costs a
//! few hundred bytes of wasm instead of a `BTreeMap`'s three to five kilobytes. Inserting a
//! new key moves the entries after it, so it is not for the store's large indexes.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;

/// An ordered map over a sorted vector of pairs (see the module's documentation).
#[derive(Clone, PartialEq, Eq)]
pub struct SmallMap<K, V> {
    items: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        SmallMap { items: Vec::new() }
    }
}

/// Iterator over a map's pairs, in key order.
pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

fn pair<K, V>((k, v): &(K, V)) -> (&K, &V) {
    (k, v)
}

impl<K, V> SmallMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        SmallMap { items: Vec::new() }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The pairs in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.items.iter().map(pair as fn(&(K, V)) -> (&K, &V))
    }

    /// The pairs in key order, values mutable.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.items.iter_mut().map(|(k, v)| (&*k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.items.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.items.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutable.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.items.iter_mut().map(|(_, v)| v)
    }

    /// Keeps the entries `keep` returns true for.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.items.retain_mut(|(k, v)| keep(k, v));
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.items.clear();
    }
}

impl<K: Ord, V> SmallMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.items.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.items[i].1)
    }

    /// The value for `key`, mutable.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.items[i].1)
    }

    /// True when `key` has a value.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key`'s value; returns the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.items[i].1, value)),
            Err(i) => {
                self.items.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.items.remove(i).1)
    }

    /// `key`'s value, first set to `make()` when it has none (`BTreeMap`'s `entry().or_insert_with`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.items.insert(i, (key, make()));
                i
            }
        };
        &mut self.items[i].1
    }

    /// `key`'s place in the map, as `BTreeMap::entry` (only its `or_insert` forms).
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        Entry { map: self, key }
    }

    /// `key`'s value, first set to the default when it has none (`entry().or_default()`).
    pub fn get_or_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.get_or_insert_with(key, V::default)
    }

    /// The map of `pairs` given in any order, sorted once (no insert moving the entries
    /// after it); of equal keys the first one's value is kept.
    pub fn from_unsorted_keep_first(mut pairs: Vec<(K, V)>) -> Self {
        crate::sorting::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, earlier| later.0 == earlier.0);
        SmallMap { items: pairs }
    }

    /// The map of `pairs` already in key order with no key twice (checked in debug builds).
    pub fn from_sorted(pairs: Vec<(K, V)>) -> Self {
        debug_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0), "pairs are sorted by key, each key once");
        SmallMap { items: pairs }
    }

    /// The pairs whose keys are at least `from`, in key order (`range(from..)`).
    pub fn range_from<Q: Ord + ?Sized>(&self, from: &Q) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let start = self.find(from).unwrap_or_else(|i| i);
        self.items[start..].iter().map(pair as fn(&(K, V)) -> (&K, &V))
    }
}

/// A key's place in a [`SmallMap`], filled by one of the `or_insert` forms.
pub struct Entry<'a, K, V> {
    map: &'a mut SmallMap<K, V>,
    key: K,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    /// The value, first set to `value` when there is none.
    pub fn or_insert(self, value: V) -> &'a mut V {
        self.map.get_or_insert_with(self.key, || value)
    }

    /// The value, first set to `make()` when there is none.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        self.map.get_or_insert_with(self.key, make)
    }

    /// The value, first set to the default when there is none.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.map.get_or_insert_with(self.key, V::default)
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SmallMap<K, V> {
    type Output = V;
    /// The value for `key`; panics when there is none, like `BTreeMap`.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SmallMap<K, V> {
    /// Collects pairs in any order; of equal keys the last one's value is kept, as in `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut pairs: Vec<(K, V)> = pairs.into_iter().collect();
        pairs.reverse();
        SmallMap::from_unsorted_keep_first(pairs)
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SmallMap<K, V> {
    /// The map of the pairs (of equal keys the last one's value, as in `BTreeMap`).
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K: Ord, V> Extend<(K, V)> for SmallMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        for (k, v) in pairs {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for SmallMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SmallMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SmallMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SmallMap<K, V> {
    /// A map in key order, as `BTreeMap` writes it.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SmallMap<K, V> {
    /// A map, read as `BTreeMap` reads it (of equal keys the last wins).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = SmallMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = SmallMap::new();
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        d.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

/// An ordered set over a sorted vector, the [`SmallMap`] of sets: it iterates in order and
/// serializes as a sequence like `BTreeSet`, for sets of a few dozen items or sets built
/// at once (`collect` sorts once); inserting a new item moves the items after it.
#[derive(Clone, PartialEq, Eq)]
pub struct SmallSet<T> {
    items: Vec<T>,
}

impl<T> Default for SmallSet<T> {
    fn default() -> Self {
        SmallSet { items: Vec::new() }
    }
}

impl<T> SmallSet<T> {
    /// An empty set.
    pub const fn new() -> Self {
        SmallSet { items: Vec::new() }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items in order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T: Ord> SmallSet<T> {
    fn find<Q: Ord + ?Sized>(&self, item: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(item))
    }

    /// True when `item` is in the set.
    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(item).is_ok()
    }

    /// Adds `item`; false when it was there already (the set keeps the first, as `BTreeSet`).
    pub fn insert(&mut self, item: T) -> bool {
        match self.find(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    /// Removes `item`; false when it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(item).map(|i| self.items.remove(i)).is_ok()
    }
}

impl<T: Ord> FromIterator<T> for SmallSet<T> {
    /// Collects items in any order, sorted once; of equal items the first is kept.
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut items: Vec<T> = items.into_iter().collect();
        crate::sorting::sort_by(&mut items, T::cmp);
        items.dedup();
        SmallSet { items }
    }
}

impl<T: Ord> Extend<T> for SmallSet<T> {
    /// Adds the items, sorting once rather than moving the set's items for each one.
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        let mut all = std::mem::take(&mut self.items);
        all.extend(items);
        *self = SmallSet::from_iter(all);
    }
}

impl<T> IntoIterator for SmallSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a SmallSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for SmallSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for SmallSet<T> {
    /// A sequence in order, as `BTreeSet` writes it.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for SmallSet<T> {
    /// A sequence in any order, read as `BTreeSet` reads it (of equal items the first is kept).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(d).map(SmallSet::from_iter)
    }
}

#[cfg(test)]
mod tests {
    use super::{SmallMap, SmallSet};
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn behaves_as_a_btree_map_in_order_and_in_json() {
        let pairs = [("b", 2), ("a", 1), ("c", 3), ("a", 4), ("d", 0)];
        let small: SmallMap<String, i32> = pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let btree: BTreeMap<String, i32> = pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        assert_eq!(small.iter().collect::<Vec<_>>(), btree.iter().collect::<Vec<_>>(), "same order, the last of equal keys kept");
        assert_eq!(serde_json::to_string(&small).unwrap(), serde_json::to_string(&btree).unwrap());
        let back: SmallMap<String, i32> = serde_json::from_str(r#"{"z":1,"a":2,"a":3}"#).unwrap();
        assert_eq!(format!("{back:?}"), r#"{"a": 3, "z": 1}"#);
        assert_eq!(small.range_from("b").map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["b", "c", "d"]);
        assert_eq!(small.range_from("bb").count(), 2);
        let first = SmallMap::from_unsorted_keep_first(vec![(2, "b"), (1, "a"), (2, "x"), (0, "z")]);
        assert_eq!(first.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), [(0, "z"), (1, "a"), (2, "b")]);
    }

    #[test]
    fn inserts_replaces_and_removes() {
        let mut m = SmallMap::new();
        assert_eq!(m.insert(3, "c"), None);
        assert_eq!(m.insert(1, "a"), None);
        assert_eq!(m.insert(3, "C"), Some("c"));
        *m.get_or_insert_with(2, || "b") = "B";
        assert_eq!(m.get_or_insert_with(2, || "x"), &"B");
        assert_eq!(m.keys().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(m.remove(&1), Some("a"));
        assert_eq!(m.remove(&1), None);
        m.retain(|k, _| *k != 2);
        assert_eq!((m.len(), m[&3]), (1, "C"));
        assert!(!m.contains_key(&2) && m.get(&9).is_none());
    }

    #[test]
    fn the_set_behaves_as_a_btree_set_in_order_and_in_json() {
        let items = ["b", "a", "c", "a", "d"];
        let small: SmallSet<String> = items.iter().map(|s| s.to_string()).collect();
        let btree: BTreeSet<String> = items.iter().map(|s| s.to_string()).collect();
        assert_eq!(small.iter().collect::<Vec<_>>(), btree.iter().collect::<Vec<_>>());
        assert_eq!(serde_json::to_string(&small).unwrap(), serde_json::to_string(&btree).unwrap());
        let back: SmallSet<String> = serde_json::from_str(r#"["z","a","a"]"#).unwrap();
        assert_eq!(format!("{back:?}"), r#"{"a", "z"}"#);
        let mut s: SmallSet<i32> = SmallSet::new();
        assert!(s.insert(3) && s.insert(1) && !s.insert(3));
        s.extend([2, 1, 0]);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), [0, 1, 2, 3]);
        assert!(s.remove(&1) && !s.remove(&1) && !s.contains(&1) && s.contains(&2));
        assert_eq!((s.len(), s.is_empty()), (3, false));
    }
}
