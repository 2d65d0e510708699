//! The ReplicaSet controller's informer cache: per ReplicaSet, counts of its active,
//! labeled and ready pods, and what the scale-down ranks of each active pod, kept up to
//! date from the watch log so a sync costs what changed, not every pod.

use super::is_active;
use super::ranking::Candidate;
use crate::api::{Kind, Object, Pod, ReplicaSet};
use crate::controllers::owned_pods;
use crate::store::{EventType, KeyParts, ObjectKey, Store};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// What the controller last saw of one pod it counts for a ReplicaSet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Seen {
    active: bool,
    labeled: bool,
    ready: bool,
}

/// One ReplicaSet's controlled pods (in its namespace), counted from the watch.
#[derive(Clone, Debug)]
pub struct Tally {
    namespace: String,
    selector: crate::api::LabelSelector,
    labels: crate::api::StringMap,
    /// Controlled active pods.
    pub active: i32,
    /// Controlled active pods carrying the template's labels.
    pub labeled: i32,
    /// Controlled active pods that are ready.
    pub ready: i32,
    /// Names of the pods (in its namespace) that changed since the last claim (their
    /// labels may no longer match), in the order they changed, repeats included.
    pub changed: Vec<String>,
    /// Every controlled pod must be checked against the selector at the next claim.
    pub check_all: bool,
    /// The controlled active pods by name, as the scale-down ranks them (in no order: the
    /// ranking's last tie-break is the name).
    pub candidates: FxHashMap<String, Candidate>,
    /// How many of [`Tally::candidates`] run on each node, by node id.
    per_node: Vec<u32>,
}

impl Tally {
    fn new(rs: &ReplicaSet) -> Tally {
        Tally {
            namespace: rs.metadata.namespace.clone().unwrap_or_default(),
            selector: rs.spec.selector.clone(),
            labels: rs.spec.template.metadata.labels.clone(),
            active: 0,
            labeled: 0,
            ready: 0,
            changed: Vec::new(),
            check_all: true,
            candidates: FxHashMap::default(),
            per_node: Vec::new(),
        }
    }

    fn seen(&self, p: &Pod) -> Seen {
        let active = is_active(p);
        Seen { active, labeled: active && self.labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)), ready: active && p.is_ready() }
    }

    fn add(&mut self, s: Seen, sign: i32) {
        self.active += sign * i32::from(s.active);
        self.labeled += sign * i32::from(s.labeled);
        self.ready += sign * i32::from(s.ready);
    }

    /// Counts `p` (seen as `seen`) in: its counts, and its candidate if it is active.
    fn enter(&mut self, p: &Pod, seen: Seen, nodes: &mut NodeIds) {
        self.add(seen, 1);
        if seen.active {
            let node = p.spec.node_name.as_deref().map(|n| nodes.id(n));
            self.move_node(None, node);
            self.candidates.insert(p.metadata.name.clone(), Candidate::of(p, node));
        }
    }

    /// Moves one candidate's count from node `from` to node `to`.
    fn move_node(&mut self, from: Option<u32>, to: Option<u32>) {
        if from == to {
            return;
        }
        if let Some(count) = from.and_then(|id| self.per_node.get_mut(id as usize)) {
            *count -= 1;
        }
        if let Some(i) = to.map(|id| id as usize) {
            if self.per_node.len() <= i {
                self.per_node.resize(i + 1, 0);
            }
            self.per_node[i] += 1;
        }
    }

    /// [`Tally::leave`] then [`Tally::enter`] for a pod that stays counted here, changing
    /// its candidate in place.
    fn update(&mut self, p: &Pod, was: Seen, seen: Seen, nodes: &mut NodeIds) {
        self.add(was, -1);
        self.add(seen, 1);
        if !seen.active {
            self.drop_candidate(&p.metadata.name);
            return;
        }
        let node = p.spec.node_name.as_deref().map(|n| nodes.id(n));
        let candidate = Candidate::of(p, node);
        let before = match self.candidates.get_mut(&p.metadata.name) {
            Some(held) => std::mem::replace(held, candidate).node,
            None => {
                self.candidates.insert(p.metadata.name.clone(), candidate);
                None
            }
        };
        self.move_node(before, node);
    }

    /// Takes the pod named `name`, last seen as `seen`, out of its counts and candidates.
    fn leave(&mut self, name: &str, seen: Seen) {
        self.add(seen, -1);
        self.drop_candidate(name);
    }

    /// Takes the pod named `name` out of the candidates and its node's count.
    fn drop_candidate(&mut self, name: &str) {
        if let Some(gone) = self.candidates.remove(name) {
            self.move_node(gone.node, None);
        }
    }

    /// Adds this ReplicaSet's active pods per node to `counts` (indexed by node id).
    pub fn add_per_node(&self, counts: &mut Vec<u32>) {
        if counts.len() < self.per_node.len() {
            counts.resize(self.per_node.len(), 0);
        }
        for (total, n) in counts.iter_mut().zip(&self.per_node) {
            *total += n;
        }
    }
}

/// Small ids for node names, so candidates carry a number instead of a name.
#[derive(Clone, Debug, Default)]
pub struct NodeIds(FxHashMap<String, u32>);

impl NodeIds {
    /// The id of node `name`, given one the first time it is asked for.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.0.get(name) {
            return *id;
        }
        let id = self.0.len() as u32;
        self.0.insert(name.to_string(), id);
        id
    }

    /// The id of node `name`, if it has one.
    pub fn find(&self, name: &str) -> Option<u32> {
        self.0.get(name).copied()
    }

    /// Every node name with its id (in no particular order).
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.0.iter().map(|(n, id)| (n.as_str(), *id))
    }
}

/// The controller's informer cache: a [`Tally`] per ReplicaSet. Rebuilt from the store when
/// the log no longer reaches back (and after a restore).
#[derive(Clone, Debug, Default)]
pub struct Cache {
    seen: Option<u64>,
    /// By ReplicaSet uid.
    tallies: BTreeMap<String, Tally>,
    /// Per counted pod: the ReplicaSets (uids) it is counted for and as what.
    pods: FxHashMap<ObjectKey, Vec<(String, Seen)>>,
    /// The ids of the nodes the candidates run on.
    pub nodes: NodeIds,
    /// The scale-down ranking's keys, kept between syncs: a large scale-down ranks every
    /// candidate again for each batch of 500, and a new buffer each time costs fresh pages.
    pub ranking: Vec<super::ranking::Packed>,
}

impl Cache {
    /// Brings the counts up to the store's current resourceVersion.
    pub fn refresh(&mut self, store: &Store) {
        let rv = store.resource_version();
        if self.seen == Some(rv) {
            return;
        }
        let events = self.seen.filter(|s| *s <= rv).and_then(|s| store.events_since(s));
        match events {
            Some(events) => {
                for e in events {
                    if let Object::Pod(p) = &*e.object {
                        self.note(p, e.type_ == EventType::Deleted);
                    }
                }
            }
            None => {
                self.tallies.clear();
                self.pods.clear();
            }
        }
        self.seen = Some(rv);
    }

    fn note(&mut self, p: &Pod, gone: bool) {
        // Most changes are a pod counted for one ReplicaSet that stays its controller: its
        // entry is changed in place, found without building a key.
        let namespace = p.metadata.namespace.as_deref().unwrap_or("");
        let parts = (Kind::Pod, namespace, p.metadata.name.as_str());
        if let (Some([(uid, was)]), false) = (self.pods.get_mut(&parts as &dyn KeyParts).map(Vec::as_mut_slice), gone) {
            let mut controllers = p.metadata.owner_references.iter().filter(|r| r.controller == Some(true));
            let same = controllers.next().is_some_and(|r| r.uid == *uid) && controllers.all(|r| r.uid == *uid);
            if let Some(t) = self.tallies.get_mut(uid).filter(|t| same && t.namespace == namespace) {
                let seen = t.seen(p);
                t.update(p, *was, seen, &mut self.nodes);
                t.changed.push(p.metadata.name.clone());
                *was = seen;
                return;
            }
        }
        let key = ObjectKey { kind: Kind::Pod, namespace: namespace.to_string(), name: p.metadata.name.clone() };
        let before = self.pods.remove(&key).unwrap_or_default();
        for (uid, seen) in before {
            if let Some(t) = self.tallies.get_mut(&uid) {
                t.leave(&key.name, seen);
            }
        }
        if gone {
            return;
        }
        let mut counted = Vec::new();
        for r in p.metadata.owner_references.iter().filter(|r| r.controller == Some(true)) {
            let Some(t) = self.tallies.get_mut(&r.uid).filter(|t| t.namespace == key.namespace) else { continue };
            if counted.iter().any(|(u, _)| *u == r.uid) {
                continue;
            }
            let seen = t.seen(p);
            t.enter(p, seen, &mut self.nodes);
            t.changed.push(key.name.clone());
            counted.push((r.uid.clone(), seen));
        }
        if !counted.is_empty() {
            self.pods.insert(key, counted);
        }
    }

    /// The tally of `rs`, counted from scratch when it is new or its selector or labels changed.
    pub fn tally(&mut self, store: &Store, rs: &ReplicaSet) -> &mut Tally {
        let (ns, uid) = (rs.metadata.namespace.clone().unwrap_or_default(), rs.metadata.uid.as_deref().unwrap_or_default().to_string());
        let valid = self.tallies.get(&uid).is_some_and(|t| t.namespace == ns && t.selector == rs.spec.selector && t.labels == rs.spec.template.metadata.labels);
        if !valid {
            let mut t = Tally::new(rs);
            for p in owned_pods(store, &ns, &uid) {
                let seen = t.seen(p);
                t.enter(p, seen, &mut self.nodes);
                let key = ObjectKey { kind: Kind::Pod, namespace: ns.clone(), name: p.metadata.name.clone() };
                let entry = self.pods.entry(key).or_default();
                match entry.iter_mut().find(|(u, _)| *u == uid) {
                    Some(e) => e.1 = seen,
                    None => entry.push((uid.clone(), seen)),
                }
            }
            self.tallies.insert(uid.clone(), t);
        }
        self.tallies.get_mut(&uid).expect("tally just ensured")
    }

    /// The tally of the ReplicaSet with `uid`, if it has one.
    pub fn get(&self, uid: &str) -> Option<&Tally> {
        self.tallies.get(uid)
    }

    /// Forgets the tallies of ReplicaSets for which `keep` says no.
    pub fn retain(&mut self, keep: impl Fn(&str) -> bool) {
        self.tallies.retain(|uid, _| keep(uid));
    }
}
