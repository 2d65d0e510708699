//! The store ("etcd"): versioned objects and an ordered log of watch events.
//! Components never share anything else.

use crate::api::{Kind, Object, Pod};
use crate::clock::Time;
use crate::name_key::{with_joined, NameKey};
use serde::{Deserialize, Serialize};
use rustc_hash::FxHasher;
use hashbrown::HashTable;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

/// Identifies one stored object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectKey {
    /// The object's kind.
    pub kind: Kind,
    /// The namespace, "" for cluster-scoped objects.
    pub namespace: String,
    /// The object's name.
    pub name: String,
}

impl ObjectKey {
    /// The key of `name` of `kind` in `namespace`, which a cluster-scoped kind ignores.
    pub fn in_namespace(kind: Kind, namespace: &str, name: impl Into<String>) -> Self {
        ObjectKey { kind, namespace: if kind.namespaced() { namespace.to_string() } else { String::new() }, name: name.into() }
    }

    /// The key of a stored object.
    pub fn of(o: &Object) -> Self {
        ObjectKey { kind: o.kind(), namespace: o.namespace().to_string(), name: o.name().to_string() }
    }
}

/// A key as borrowed parts: maps keyed by [`ObjectKey`] (the store's, the caches') find an
/// object without its namespace and name being copied into a key first
/// (`map.get(&(kind, namespace, name) as &dyn KeyParts)`).
pub trait KeyParts {
    /// The kind, namespace ("" for cluster-scoped objects) and name.
    fn parts(&self) -> (Kind, &str, &str);
}

impl<K: KeyParts + ?Sized> KeyParts for &K {
    fn parts(&self) -> (Kind, &str, &str) {
        (**self).parts()
    }
}

impl KeyParts for (Kind, &str, &str) {
    fn parts(&self) -> (Kind, &str, &str) {
        *self
    }
}

impl KeyParts for ObjectKey {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
}

impl KeyParts for Object {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind(), self.namespace(), self.name())
    }
}

impl<'a> std::borrow::Borrow<dyn KeyParts + 'a> for ObjectKey {
    fn borrow(&self) -> &(dyn KeyParts + 'a) {
        self
    }
}

// The hash of a key and of its borrowed parts must agree: both hash the parts.
impl std::hash::Hash for ObjectKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.parts().hash(h)
    }
}

impl std::hash::Hash for dyn KeyParts + '_ {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.parts().hash(h)
    }
}

impl PartialEq for dyn KeyParts + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyParts + '_ {}

// Ordered as `ObjectKey` is (kind, namespace, name), so ordered maps can be searched too.
impl PartialOrd for dyn KeyParts + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyParts + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// The hash the store's table finds an object by.
fn hash_parts(parts: (Kind, &str, &str)) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = FxHasher::default();
    parts.hash(&mut h);
    h.finish()
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
    /// The object after the change (before it, for deletions), shared with the store.
    pub object: Arc<Object>,
}

/// How many watch events a snapshot keeps, and the store at least; a store holding many
/// pods keeps two events per pod, so that its components, which catch up from the log
/// after each round of work, need not list every pod again when a round writes more.
pub const WATCH_LOG_LIMIT: usize = 20_000;

/// Where an object lives in the store's slot table.
type Slot = u32;

/// The objects of one kind in one namespace, by name.
#[derive(Clone, Debug)]
struct Group {
    kind: Kind,
    namespace: String,
    names: BTreeMap<NameKey, Slot>,
}

/// Versioned objects plus the watch log. Objects are shared (`Arc`) between the store,
/// the log and readers, so a write copies nothing it does not change.
///
/// Each object sits in a slot: a hash map finds the slot of a key (reads and updates
/// touch nothing ordered), and ordered maps of the names, one per kind and namespace,
/// changed only when an object comes or goes, give lists their (kind, namespace, name)
/// order (a name is compared only with names of its own kind and namespace). The indexes
/// hold slots too, so an update that moves an object to no other group leaves them alone.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(from = "StoredState", into = "StoredState")]
pub struct Store {
    slots: Vec<Option<Arc<Object>>>,
    /// Slots emptied by deletions, reused by the next creations.
    free: Vec<Slot>,
    /// The occupied slots, found by hashing an object's kind, namespace and name: the table
    /// keeps no key of its own, it compares with the objects in the slots.
    by_key: HashTable<Slot>,
    /// The groups in (kind, namespace) order.
    ordered: Vec<Group>,
    resource_version: u64,
    log: VecDeque<WatchEvent>,
    /// How many pods are stored.
    pods: usize,
    /// Pods by the node they are bound to (`spec.nodeName`; "" for unbound pods), kept with every write.
    pods_by_node: Index,
    /// Objects by the uid of each of their owners (pods without a controller also under "").
    by_owner: Index,
    /// Events by the uid of the object they are about (events about an object without a
    /// uid are not indexed), in no particular order.
    events_about: HashMap<String, Vec<Slot>, BuildHasherDefault<FxHasher>>,
}

/// What a snapshot holds of the store: the objects in order (the slots and indexes are
/// rebuilt on restore).
#[derive(Clone, Serialize, Deserialize)]
struct StoredState {
    objects: Vec<Arc<Object>>,
    resource_version: u64,
    log: VecDeque<WatchEvent>,
}

impl From<StoredState> for Store {
    fn from(s: StoredState) -> Store {
        let mut store = Store { resource_version: s.resource_version, log: s.log, ..Default::default() };
        // A damaged snapshot could list a key twice; the later object wins, as a map would keep it.
        for o in s.objects {
            let (slot, old) = store.place(o.clone());
            store.reindex(slot, old.as_deref(), Some(&o));
        }
        store
    }
}

impl From<Store> for StoredState {
    fn from(s: Store) -> StoredState {
        let objects = s.ordered.iter().flat_map(|g| g.names.values()).filter_map(|&slot| s.slots[slot as usize].clone()).collect();
        let mut log = s.log;
        log.drain(..log.len().saturating_sub(WATCH_LOG_LIMIT));
        StoredState { objects, resource_version: s.resource_version, log }
    }
}

/// The node a pod is bound to ("" while unbound); `None` for other kinds.
fn node_of(o: &Object) -> Option<&str> {
    Some(o.as_pod()?.spec.node_name.as_deref().unwrap_or(""))
}

/// The uid of the object an event is about (`None` for other kinds, or no uid).
fn event_about(o: Option<&Object>) -> Option<&str> {
    o?.as_event().map(|e| &*e.involved_object.uid).filter(|uid| !uid.is_empty())
}

/// The uids of an object's owners, plus "" for a pod without a controller (so orphans are indexed too).
fn owner_uids(o: &Object) -> Vec<&str> {
    let refs = &o.meta().owner_references;
    let mut uids: Vec<&str> = refs.iter().map(|r| r.uid.as_str()).collect();
    if o.kind() == Kind::Pod && !refs.iter().any(|r| r.controller == Some(true)) {
        uids.push("");
    }
    uids
}

/// A secondary index: objects grouped by one string (a node name, a controller uid),
/// each group in key order (kind, namespace, name: [`index_key`]), holding the objects' slots.
type Index = BTreeMap<String, BTreeMap<NameKey, Slot>>;

/// What an object's key in an [`Index`] group is made of: its kind's number, namespace and
/// name, joined into one inline key ([`NameKey::joined`]) ordered as [`ObjectKey`]s are.
fn index_key_parts(o: &Object) -> ([u8; 1], &str, &str) {
    ([o.kind() as u8], o.namespace(), o.name())
}

/// An object's key in an [`Index`] group.
fn index_key(o: &Object) -> NameKey {
    let (head, namespace, name) = index_key_parts(o);
    NameKey::joined(&head, namespace, name)
}

fn index_remove(index: &mut Index, o: &Object, group: &str) {
    if let Some(members) = index.get_mut(group) {
        let (head, namespace, name) = index_key_parts(o);
        with_joined(&head, namespace, name, |key| members.remove(key));
        if members.is_empty() {
            index.remove(group);
        }
    }
}

fn index_insert(index: &mut Index, o: &Object, group: &str, slot: Slot) {
    match index.get_mut(group) {
        Some(members) => {
            members.insert(index_key(o), slot);
        }
        None => {
            index.insert(group.to_string(), BTreeMap::from([(index_key(o), slot)]));
        }
    }
}

/// The object in an occupied slot (the key table's and the indexes' slots all are).
fn held(slots: &[Option<Arc<Object>>], slot: Slot) -> &Arc<Object> {
    slots[slot as usize].as_ref().expect("an indexed slot holds an object")
}

/// Sets an object's resourceVersion, reusing the text's buffer (a written object is most
/// often a copy of the stored one, whose version it replaces).
fn set_version(object: &mut Object, version: u64) {
    let text = object.meta_mut().resource_version.get_or_insert_with(String::new);
    text.clear();
    crate::text::push_decimal(text, version);
}


impl Store {
    /// The current resourceVersion of the whole store.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    fn at(&self, slot: Slot) -> &Arc<Object> {
        held(&self.slots, slot)
    }

    /// Reads one object, by its [`ObjectKey`] or any other [`KeyParts`] (an object of the
    /// same kind and name, or `(kind, namespace, name)`).
    pub fn get<K: KeyParts>(&self, key: &K) -> Option<&Object> {
        self.slot_of(key).map(|slot| &**self.at(slot))
    }

    /// Reads one object as a shared handle (cheap to keep while writing to the store).
    pub fn get_shared<K: KeyParts>(&self, key: &K) -> Option<Arc<Object>> {
        self.slot_of(key).map(|slot| self.at(slot).clone())
    }

    fn shared(&self, group: Option<&BTreeMap<NameKey, Slot>>) -> Vec<Arc<Object>> {
        group.map_or_else(Vec::new, |g| g.values().map(|&slot| self.at(slot).clone()).collect())
    }

    /// The pods bound to a node, in namespace and name order, as shared handles.
    pub fn pods_on_node(&self, node: &str) -> Vec<Arc<Object>> {
        self.shared(self.pods_by_node.get(node).filter(|_| !node.is_empty()))
    }

    /// The pods not bound to any node yet (the scheduler's queue), in namespace and name order.
    pub fn unbound_pods(&self) -> Vec<Arc<Object>> {
        self.shared(self.pods_by_node.get(""))
    }

    /// Every bound pod, grouped by node name.
    pub fn bound_pods(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = &Pod>)> {
        self.pods_by_node.iter().filter(|(n, _)| !n.is_empty()).map(|(n, group)| (n.as_str(), group.values().filter_map(|&slot| self.at(slot).as_pod())))
    }

    /// The objects whose controller is the object with `uid` (pods without a controller
    /// for ""), in kind, namespace and name order.
    pub fn controlled_by<'a>(&'a self, uid: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.owned_by(uid).filter(move |o| uid.is_empty() || o.meta().owner_references.iter().any(|r| r.controller == Some(true) && r.uid == uid))
    }

    /// The objects that list `uid` among their owners, in kind, namespace and name order.
    pub fn owned_by(&self, uid: &str) -> impl Iterator<Item = &Object> {
        self.by_owner.get(uid).into_iter().flat_map(|g| g.values().map(|&slot| &**self.at(slot)))
    }

    /// [`Store::controlled_by`] as shared handles (kept while writing to the store).
    pub fn controlled_by_shared(&self, uid: &str) -> Vec<Arc<Object>> {
        let mut objects = self.shared(self.by_owner.get(uid));
        if !uid.is_empty() {
            objects.retain(|o| o.meta().owner_references.iter().any(|r| r.controller == Some(true) && r.uid == uid));
        }
        objects
    }

    /// All objects of a kind (optionally in one namespace) as shared handles.
    pub fn list_shared(&self, kind: Kind, namespace: Option<&str>) -> Vec<Arc<Object>> {
        self.slots_of(kind, namespace).map(|slot| self.at(slot).clone()).collect()
    }

    /// The position of the group of `kind` in `namespace` (or where it would go).
    fn group(&self, kind: Kind, namespace: &str) -> Result<usize, usize> {
        self.ordered.binary_search_by(|g| (g.kind, g.namespace.as_str()).cmp(&(kind, namespace)))
    }

    /// The slots of a kind's objects (in one namespace, or all), in namespace and name order.
    fn slots_of(&self, kind: Kind, namespace: Option<&str>) -> impl Iterator<Item = Slot> + '_ {
        let groups = match namespace {
            Some(ns) => self.group(kind, ns).map_or(0..0, |at| at..at + 1),
            None => self.ordered.partition_point(|g| g.kind < kind)..self.ordered.partition_point(|g| g.kind <= kind),
        };
        self.ordered[groups].iter().flat_map(|g| g.names.values().copied())
    }

    /// The slot of the object with `key`'s kind, namespace and name.
    fn slot_of(&self, key: &dyn KeyParts) -> Option<Slot> {
        let parts = key.parts();
        self.find(hash_parts(parts), parts)
    }

    /// The slot of the object with `parts`, whose hash is `hash`.
    fn find(&self, hash: u64, parts: (Kind, &str, &str)) -> Option<Slot> {
        self.by_key.find(hash, |&slot| self.at(slot).parts() == parts).copied()
    }

    /// Puts `o`, whose parts hash to `hash`, in a free slot (or a new one).
    fn occupy(&mut self, o: Arc<Object>, hash: u64) -> Slot {
        let (kind, namespace, name) = o.parts();
        let name = NameKey::new(name);
        let at = match self.group(kind, namespace) {
            Ok(at) => at,
            Err(at) => {
                self.ordered.insert(at, Group { kind, namespace: namespace.to_string(), names: BTreeMap::new() });
                at
            }
        };
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(o);
                slot
            }
            None => {
                self.slots.push(Some(o));
                (self.slots.len() - 1) as Slot
            }
        };
        self.pods += usize::from(kind == Kind::Pod);
        self.ordered[at].names.insert(name, slot);
        let slots = &self.slots;
        self.by_key.insert_unique(hash, slot, |&s| hash_parts(held(slots, s).parts()));
        slot
    }

    /// Puts `o` in the slot its key has, answering with what it held, or in a new one. An
    /// update finds its slot through the object's own names: no key is built.
    fn place(&mut self, o: Arc<Object>) -> (Slot, Option<Arc<Object>>) {
        let hash = hash_parts(o.parts());
        match self.find(hash, o.parts()) {
            Some(slot) => (slot, self.slots[slot as usize].replace(o)),
            None => (self.occupy(o, hash), None),
        }
    }

    /// Undoes [`Store::occupy`]: takes `key`'s object out of its slot, its group and the key map.
    fn vacate(&mut self, key: &ObjectKey) -> Option<(Slot, Arc<Object>)> {
        let parts = key.parts();
        let slots = &self.slots;
        let found = self.by_key.find_entry(hash_parts(parts), |&s| held(slots, s).parts() == parts);
        let (slot, _) = found.ok()?.remove();
        if let Ok(at) = self.group(key.kind, &key.namespace) {
            self.ordered[at].names.remove(key.name.as_bytes());
            if self.ordered[at].names.is_empty() {
                self.ordered.remove(at);
            }
        }
        self.pods -= usize::from(key.kind == Kind::Pod);
        let held = self.slots[slot as usize].take()?;
        self.free.push(slot);
        Some((slot, held))
    }

    /// Moves the object in `slot` between the indexes' groups as it changes from `old` to
    /// `new` (its key is built only if it moves).
    fn reindex(&mut self, slot: Slot, old: Option<&Object>, new: Option<&Arc<Object>>) {
        let Some(either) = new.map(|o| &**o).or(old) else { return };
        let (old_node, new_node) = (old.and_then(node_of), new.and_then(|o| node_of(o)));
        if old_node != new_node {
            if let Some(n) = old_node {
                index_remove(&mut self.pods_by_node, either, n);
            }
            if let Some(n) = new_node {
                index_insert(&mut self.pods_by_node, either, n, slot);
            }
        }
        let old_owners = old.map(owner_uids).unwrap_or_default();
        let new_owners = new.map(|o| owner_uids(o)).unwrap_or_default();
        for uid in old_owners.iter().filter(|u| !new_owners.contains(u)) {
            index_remove(&mut self.by_owner, either, uid);
        }
        for uid in new_owners.iter().filter(|u| !old_owners.contains(u)) {
            index_insert(&mut self.by_owner, either, uid, slot);
        }
        // An event's object never changes: it is indexed when made and dropped when it goes.
        match (event_about(old), event_about(new.map(|o| &**o))) {
            (None, Some(uid)) => match self.events_about.get_mut(uid) {
                Some(slots) => slots.push(slot),
                None => {
                    self.events_about.insert(uid.to_string(), vec![slot]);
                }
            },
            (Some(uid), None) => {
                if let Some(slots) = self.events_about.get_mut(uid) {
                    slots.retain(|&s| s != slot);
                    if slots.is_empty() {
                        self.events_about.remove(uid);
                    }
                }
            }
            _ => {}
        }
    }

    /// All objects of a kind, optionally in one namespace, ordered by namespace then name.
    pub fn list(&self, kind: Kind, namespace: Option<&str>) -> impl Iterator<Item = &Object> {
        self.slots_of(kind, namespace).map(|slot| &**self.at(slot))
    }

    /// The events about the object with `uid` (not "": events about objects without a uid
    /// are not indexed), in no particular order.
    pub fn events_about(&self, uid: &str) -> impl Iterator<Item = &crate::api::Event> {
        self.events_about.get(uid).into_iter().flatten().filter_map(|&slot| self.at(slot).as_event())
    }

    /// Whether an object of `kind` named `name` is in `namespace` (looked up without building a key).
    pub fn contains(&self, kind: Kind, namespace: &str, name: &str) -> bool {
        let namespace = if kind.namespaced() { namespace } else { "" };
        self.slot_of(&(kind, namespace, name)).is_some()
    }

    /// Objects of a kind in a namespace whose names start with `prefix`, in name order.
    pub fn list_prefixed<'a>(&'a self, kind: Kind, namespace: &str, prefix: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        let group = self.group(kind, namespace).ok().map(|at| &self.ordered[at].names);
        let from = (std::ops::Bound::Included(prefix.as_bytes()), std::ops::Bound::Unbounded);
        group.into_iter().flat_map(move |names| names.range::<[u8], _>(from).take_while(move |(name, _)| name.bytes().starts_with(prefix.as_bytes()))).map(|(_, &slot)| &**self.at(slot))
    }

    /// Writes an object (create or update), bumping its resourceVersion, and logs the event.
    pub fn put(&mut self, object: Object, now: Time) -> &Object {
        let slot = self.write(object, now);
        self.at(slot)
    }

    /// [`Store::put`], answering with the stored object's shared handle.
    pub fn put_shared(&mut self, object: Object, now: Time) -> Arc<Object> {
        let slot = self.write(object, now);
        self.at(slot).clone()
    }

    fn write(&mut self, mut object: Object, now: Time) -> Slot {
        self.resource_version += 1;
        set_version(&mut object, self.resource_version);
        let object = Arc::new(object);
        let (slot, previous) = self.place(object.clone());
        self.reindex(slot, previous.as_deref(), Some(&object));
        self.record(if previous.is_some() { EventType::Modified } else { EventType::Added }, object, now);
        slot
    }

    /// Removes an object and logs the deletion; answers with the deleted object (at the
    /// deletion's resourceVersion), shared with the log.
    pub fn remove(&mut self, key: &ObjectKey, now: Time) -> Option<Arc<Object>> {
        let (slot, held) = self.vacate(key)?;
        self.reindex(slot, Some(&held), None);
        let mut object = Arc::unwrap_or_clone(held);
        self.resource_version += 1;
        set_version(&mut object, self.resource_version);
        let object = Arc::new(object);
        self.record(EventType::Deleted, object.clone(), now);
        Some(object)
    }

    fn record(&mut self, type_: EventType, object: Arc<Object>, time: Time) {
        self.log.push_back(WatchEvent { resource_version: self.resource_version, time, type_, object });
        while self.log.len() > WATCH_LOG_LIMIT.max(2 * self.pods) {
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
        // The log holds consecutive versions, so the first wanted event is found by halving.
        let start = self.log.partition_point(|e| e.resource_version <= resource_version);
        Some(self.log.range(start..))
    }

    /// Number of stored objects.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
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

    fn pod(name: &str) -> Object {
        let mut o = Object::Pod(Pod { metadata: ObjectMeta { name: name.into(), namespace: Some("default".into()), ..Default::default() }, ..Default::default() });
        o.set_type_meta();
        o
    }

    #[test]
    fn a_store_of_many_pods_keeps_two_events_per_pod_and_a_snapshot_the_newest() {
        let mut s = Store::default();
        let pods = WATCH_LOG_LIMIT / 2 + 1_000;
        for i in 0..pods {
            s.put(pod(&format!("p{i}")), Time(i as i64));
        }
        for i in 0..pods {
            s.put(pod(&format!("p{i}")), Time((pods + i) as i64));
        }
        // Every change is still there: 2 x pods, more than the snapshot's share.
        assert!(s.events_since(0).is_some());
        s.put(pod("p0"), Time(3 * pods as i64));
        assert!(s.events_since(0).is_none(), "one more change compacts the first away");
        assert_eq!(s.events_since(1).unwrap().count(), 2 * pods);
        let restored: Store = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(restored.resource_version(), s.resource_version());
        assert_eq!(restored.len(), pods);
        let newest = s.resource_version() - WATCH_LOG_LIMIT as u64;
        assert!(restored.events_since(newest - 1).is_none(), "a snapshot keeps the newest {WATCH_LOG_LIMIT} changes");
        assert_eq!(restored.events_since(newest).unwrap().count(), WATCH_LOG_LIMIT);
        s.remove(&ObjectKey::of(&pod("p1")), Time(4 * pods as i64));
        assert_eq!(s.pods, pods - 1);
    }
}
