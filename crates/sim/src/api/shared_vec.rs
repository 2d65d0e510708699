//! `SharedVec`: a list inside an object that copies of the object share until one of them
//! changes it (copy on write), such as a pod's owner references, which every status write
//! would otherwise copy string by string.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A list shared between copies until written (see the module's documentation). It reads
/// as a slice; `push`, `retain` and `to_mut` give the list its own items first.
pub struct SharedVec<T>(Option<Arc<Vec<T>>>);

impl<T> SharedVec<T> {
    /// An empty list.
    pub const fn new() -> Self {
        SharedVec(None)
    }
}

impl<T: Clone> SharedVec<T> {
    /// The items to change, copied first if another list shares them.
    pub fn to_mut(&mut self) -> &mut Vec<T> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    /// Appends an item.
    pub fn push(&mut self, item: T) {
        self.to_mut().push(item);
    }

    /// Keeps the items `keep` accepts, copying the list only if one goes (`keep` is then
    /// asked again about the items before it).
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        if !self.iter().all(&mut keep) {
            self.to_mut().retain(keep);
        }
    }
}

impl<T> Deref for SharedVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<T> Default for SharedVec<T> {
    fn default() -> Self {
        SharedVec(None)
    }
}

impl<T> Clone for SharedVec<T> {
    fn clone(&self) -> Self {
        SharedVec(self.0.clone())
    }
}

impl<T> From<Vec<T>> for SharedVec<T> {
    fn from(items: Vec<T>) -> Self {
        SharedVec((!items.is_empty()).then(|| Arc::new(items)))
    }
}

impl<T: PartialEq> PartialEq for SharedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => **self == **other,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for SharedVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.deref().fmt(f)
    }
}

impl<'a, T> IntoIterator for &'a SharedVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Serialize> Serialize for SharedVec<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.deref().serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for SharedVec<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::deserialize(d).map(SharedVec::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_keeps_its_items_when_the_original_changes() {
        let mut refs = SharedVec::from(vec!["rs-a".to_string()]);
        let copy = refs.clone();
        refs.push("rs-b".into());
        refs.retain(|r| r != "rs-a");
        assert_eq!(&*copy, ["rs-a".to_string()]);
        assert_eq!(&*refs, ["rs-b".to_string()]);
        let mut emptied = refs.clone();
        emptied.retain(|_| false);
        assert_eq!(emptied, SharedVec::new());
        assert_eq!(serde_json::to_string(&emptied).unwrap(), "[]");
        assert_eq!(&*refs, ["rs-b".to_string()], "retain on a copy leaves the original");
    }
}
