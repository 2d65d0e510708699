//! `StringMap`: labels, annotations, selectors and other string-to-string maps. A copy
//! shares the entries with the map it was copied from until one of them changes
//! (copy on write), so copying an object, as every status write does, copies no labels.

use crate::small_map::SmallMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A [`SmallMap`] of strings, shared between copies until written (see the module's
/// documentation). It reads as a `SmallMap` through `Deref`; any mutable use gives the
/// map its own entries first.
#[derive(Clone, Default)]
pub struct StringMap(Option<Arc<SmallMap<String, String>>>);

/// What an empty map reads as.
static EMPTY: SmallMap<String, String> = SmallMap::new();

impl StringMap {
    /// An empty map.
    pub const fn new() -> Self {
        StringMap(None)
    }

    /// Whether the map has no entries (also for serde's `skip_serializing_if`).
    pub fn is_empty(&self) -> bool {
        self.deref().is_empty()
    }
}

impl Deref for StringMap {
    type Target = SmallMap<String, String>;
    fn deref(&self) -> &SmallMap<String, String> {
        self.0.as_deref().unwrap_or(&EMPTY)
    }
}

impl DerefMut for StringMap {
    /// The entries, copied first if another map shares them.
    fn deref_mut(&mut self) -> &mut SmallMap<String, String> {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }
}

impl From<SmallMap<String, String>> for StringMap {
    fn from(map: SmallMap<String, String>) -> Self {
        StringMap((!map.is_empty()).then(|| Arc::new(map)))
    }
}

impl PartialEq for StringMap {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Arc::ptr_eq(a, b) => true,
            _ => **self == **other,
        }
    }
}

impl Eq for StringMap {}

impl fmt::Debug for StringMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.deref().fmt(f)
    }
}

impl FromIterator<(String, String)> for StringMap {
    /// Collects pairs in any order; of equal keys the last one's value is kept.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        SmallMap::from_iter(pairs).into()
    }
}

impl<const N: usize> From<[(String, String); N]> for StringMap {
    fn from(pairs: [(String, String); N]) -> Self {
        SmallMap::from(pairs).into()
    }
}

impl Extend<(String, String)> for StringMap {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, pairs: I) {
        self.deref_mut().extend(pairs);
    }
}

impl IntoIterator for StringMap {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;
    /// The pairs in key order (copied if another map shares them).
    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Some(shared) => Arc::unwrap_or_clone(shared).into_iter(),
            None => Vec::new().into_iter(),
        }
    }
}

impl<'a> IntoIterator for &'a StringMap {
    type Item = (&'a String, &'a String);
    type IntoIter = crate::small_map::Iter<'a, String, String>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Serialize for StringMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.deref().serialize(s)
    }
}

impl<'de> Deserialize<'de> for StringMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        SmallMap::deserialize(d).map(StringMap::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_keeps_its_entries_when_the_original_changes() {
        let mut labels = StringMap::from([("app".to_string(), "web".to_string())]);
        let copy = labels.clone();
        labels.insert("tier".into(), "front".into());
        labels.insert("app".into(), "api".into());
        assert_eq!(copy.iter().collect::<Vec<_>>(), [(&"app".to_string(), &"web".to_string())]);
        assert_eq!(labels.len(), 2);
        assert_eq!(labels.get("app").map(String::as_str), Some("api"));
    }

    #[test]
    fn empty_maps_are_equal_however_they_became_empty() {
        let mut emptied = StringMap::from([("a".to_string(), "1".to_string())]);
        emptied.remove("a");
        assert_eq!(emptied, StringMap::new());
        assert!(emptied.is_empty());
        assert_eq!(serde_json::to_string(&emptied).unwrap(), "{}");
    }
}
