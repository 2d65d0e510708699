//! When each component asked to run next, indexed by name and by time, so finding the
//! next instant is a lookup rather than a scan over thousands of kubelets.

use crate::clock::Time;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Wake-up times by component name (`deployment-controller`, `kubelet/node-1`, ...).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wakeups {
    by_name: BTreeMap<String, Time>,
    by_time: BTreeSet<(Time, String)>,
}

impl From<BTreeMap<String, Time>> for Wakeups {
    fn from(by_name: BTreeMap<String, Time>) -> Self {
        let by_time = crate::sorting::set_of(by_name.iter().map(|(n, t)| (*t, n.clone())));
        Wakeups { by_name, by_time }
    }
}

impl Serialize for Wakeups {
    /// The wake-ups by name, a map in name order (written from the index, not a copy of it).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.by_name.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Wakeups {
    /// Reads the map by name and rebuilds the time index.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::<String, Time>::deserialize(d).map(Wakeups::from)
    }
}

impl Wakeups {
    /// Sets a component's wake-up.
    pub fn insert(&mut self, name: &str, at: Time) {
        // A component that asks for the time it had already asked for changes nothing (and
        // copies no name).
        match self.by_name.get_mut(name) {
            Some(held) if *held == at => {}
            Some(held) => {
                let key = (std::mem::replace(held, at), name.to_string());
                self.by_time.remove(&key);
                self.by_time.insert((at, key.1));
            }
            None => {
                self.by_name.insert(name.to_string(), at);
                self.by_time.insert((at, name.to_string()));
            }
        }
    }

    /// Clears a component's wake-up.
    pub fn remove(&mut self, name: &str) {
        if let Some(old) = self.by_name.remove(name) {
            self.by_time.remove(&(old, name.to_string()));
        }
    }

    /// A component's wake-up.
    pub fn get(&self, name: &str) -> Option<Time> {
        self.by_name.get(name).copied()
    }

    /// Names starting with `prefix` whose wake-up is due at `now`, earliest first (read from
    /// the time index: only what is due is looked at, not every kubelet).
    pub fn due_with_prefix<'a>(&'a self, prefix: &'a str, now: Time) -> impl Iterator<Item = &'a str> + 'a {
        self.by_time.range(..(Time(now.0.saturating_add(1)), String::new())).filter(move |(_, k)| k.starts_with(prefix)).map(|(_, k)| k.as_str())
    }

    /// The earliest wake-up strictly after `now`.
    pub fn next_after(&self, now: Time) -> Option<Time> {
        self.by_time.range((Time(now.0 + 1), String::new())..).next().map(|(t, _)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_index_follows_every_change() {
        let mut w = Wakeups::default();
        w.insert("a", Time(30));
        w.insert("b", Time(10));
        w.insert("kubelet/n1", Time(5));
        assert_eq!(w.next_after(Time(0)), Some(Time(5)));
        assert_eq!(w.next_after(Time(5)), Some(Time(10)));
        w.insert("b", Time(40));
        assert_eq!(w.next_after(Time(5)), Some(Time(30)));
        w.remove("a");
        assert_eq!(w.next_after(Time(5)), Some(Time(40)));
        assert_eq!(w.due_with_prefix("kubelet/", Time(5)).collect::<Vec<_>>(), vec!["kubelet/n1"]);
        let json = serde_json::to_string(&w).unwrap();
        assert_eq!(json, r#"{"b":"1970-01-01T00:00:00.040Z","kubelet/n1":"1970-01-01T00:00:00.005Z"}"#, "a map by name, as snapshots have it");
        let again: Wakeups = serde_json::from_str(&json).unwrap();
        assert_eq!(again, w, "a snapshot's wake-ups read back as they were");
        assert_eq!(again.next_after(Time(0)), Some(Time(5)), "the time index is rebuilt");
    }
}
