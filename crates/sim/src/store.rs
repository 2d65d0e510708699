//! The store ("etcd"): versioned objects and an ordered log of watch events.
//! Components never share anything else.

use crate::api::{Kind, Object};
use crate::clock::Time;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

/// Identifies one stored object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectKey {
    /// The object's kind.
    pub kind: Kind,
    /// The namespace, "" for cluster-scoped objects.
    pub namespace: String,
    /// The object's name.
    pub name: String,
}

impl ObjectKey {
    /// The key of a stored object.
    pub fn of(o: &Object) -> Self {
        ObjectKey { kind: o.kind(), namespace: o.namespace().to_string(), name: o.name().to_string() }
    }
}

/// The three kinds of change a watch reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EventType {
    /// The object was created.
    Added,
    /// The object changed.
    Modified,
    /// The object is gone.
    Deleted,
}

/// One change in the store, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WatchEvent {
    /// The store's resourceVersion after this change.
    pub resource_version: u64,
    /// Virtual time of the change.
    pub time: Time,
    /// Added, modified or deleted.
    #[serde(rename = "type")]
    pub type_: EventType,
    /// The object after the change (before it, for deletions).
    pub object: Object,
}

fn objects_as_list<S: serde::Serializer>(objects: &BTreeMap<ObjectKey, Object>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(objects.values())
}

fn objects_from_list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<ObjectKey, Object>, D::Error> {
    Ok(Vec::<Object>::deserialize(d)?.into_iter().map(|o| (ObjectKey::of(&o), o)).collect())
}

/// How many watch events the store keeps before compacting the oldest away.
pub const WATCH_LOG_LIMIT: usize = 20_000;

/// Versioned objects plus the watch log.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Store {
    #[serde(serialize_with = "objects_as_list", deserialize_with = "objects_from_list")]
    objects: BTreeMap<ObjectKey, Object>,
    resource_version: u64,
    log: VecDeque<WatchEvent>,
}

impl Store {
    /// The current resourceVersion of the whole store.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// Reads one object.
    pub fn get(&self, key: &ObjectKey) -> Option<&Object> {
        self.objects.get(key)
    }

    /// All objects of a kind, optionally in one namespace, ordered by namespace then name.
    pub fn list(&self, kind: Kind, namespace: Option<&str>) -> impl Iterator<Item = &Object> {
        let ns = namespace.map(str::to_string);
        self.objects
            .range(ObjectKey { kind, namespace: String::new(), name: String::new() }..)
            .take_while(move |(k, _)| k.kind == kind)
            .filter(move |(k, _)| ns.as_ref().is_none_or(|n| &k.namespace == n))
            .map(|(_, o)| o)
    }

    /// Objects of a kind in a namespace whose names start with `prefix`, in name order.
    pub fn list_prefixed<'a>(&'a self, kind: Kind, namespace: &str, prefix: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        let ns = namespace.to_string();
        self.objects
            .range(ObjectKey { kind, namespace: ns.clone(), name: prefix.to_string() }..)
            .take_while(move |(k, _)| k.kind == kind && k.namespace == ns && k.name.starts_with(prefix))
            .map(|(_, o)| o)
    }

    /// Writes an object (create or update), bumping its resourceVersion, and logs the event.
    pub fn put(&mut self, mut object: Object, now: Time) -> &Object {
        self.resource_version += 1;
        object.meta_mut().resource_version = Some(self.resource_version.to_string());
        let key = ObjectKey::of(&object);
        let type_ = if self.objects.contains_key(&key) { EventType::Modified } else { EventType::Added };
        self.record(type_, object.clone(), now);
        self.objects.insert(key.clone(), object);
        &self.objects[&key]
    }

    /// Removes an object and logs the deletion.
    pub fn remove(&mut self, key: &ObjectKey, now: Time) -> Option<Object> {
        let mut object = self.objects.remove(key)?;
        self.resource_version += 1;
        object.meta_mut().resource_version = Some(self.resource_version.to_string());
        self.record(EventType::Deleted, object.clone(), now);
        Some(object)
    }

    fn record(&mut self, type_: EventType, object: Object, time: Time) {
        self.log.push_back(WatchEvent { resource_version: self.resource_version, time, type_, object });
        while self.log.len() > WATCH_LOG_LIMIT {
            self.log.pop_front();
        }
    }

    /// Events after `resource_version`, or `None` if the log no longer reaches back that far
    /// (the watcher must list again, as with a real API server's "410 Gone").
    pub fn events_since(&self, resource_version: u64) -> Option<impl Iterator<Item = &WatchEvent>> {
        let oldest = self.log.front().map_or(self.resource_version + 1, |e| e.resource_version);
        if resource_version.saturating_add(1) < oldest && resource_version < self.resource_version {
            return None;
        }
        Some(self.log.iter().filter(move |e| e.resource_version > resource_version))
    }

    /// Number of stored objects.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Namespace, ObjectMeta};

    fn ns(name: &str) -> Object {
        let mut o = Object::Namespace(Namespace { metadata: ObjectMeta { name: name.into(), ..Default::default() }, ..Default::default() });
        o.set_type_meta();
        o
    }

    #[test]
    fn versions_and_events_are_ordered() {
        let mut s = Store::default();
        s.put(ns("a"), Time(1));
        s.put(ns("b"), Time(2));
        s.put(ns("a"), Time(3));
        let key = ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: "b".into() };
        s.remove(&key, Time(4));
        let events: Vec<(u64, EventType, String)> =
            s.events_since(0).unwrap().map(|e| (e.resource_version, e.type_, e.object.name().to_string())).collect();
        assert_eq!(
            events,
            vec![(1, EventType::Added, "a".into()), (2, EventType::Added, "b".into()), (3, EventType::Modified, "a".into()), (4, EventType::Deleted, "b".into())]
        );
        assert_eq!(s.list(Kind::Namespace, None).count(), 1);
        assert_eq!(s.get(&ObjectKey::of(&ns("a"))).unwrap().meta().resource_version.as_deref(), Some("3"));
    }

    #[test]
    fn compaction_bounds_the_log_and_old_watchers_must_relist() {
        let mut s = Store::default();
        for i in 0..(WATCH_LOG_LIMIT + 10) {
            s.put(ns(&format!("n{}", i % 5)), Time(i as i64));
        }
        assert!(s.events_since(0).is_none());
        assert_eq!(s.events_since(s.resource_version() - 3).unwrap().count(), 3);
        assert_eq!(s.events_since(s.resource_version()).unwrap().count(), 0);
    }
}
