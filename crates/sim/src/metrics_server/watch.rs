//! The metrics-server's pod informer: what a scrape reads of each pod (its node, when its
//! containers started, their usage at rest), kept up to date from the watch log, so a
//! scrape walks a compact table instead of every pod object.

use crate::api::{Kind, Object, Pod};
use crate::clock::Time;
use crate::images::ImageBehavior;
use crate::name_key::{with_pair, NameKey};
use crate::store::{EventType, Store};
use crate::traffic::Traffic;
use std::collections::{BTreeMap, HashMap};

/// Per container of a pod: its name and its usage (CPU millicores, memory bytes), `None`
/// while it is not running.
pub type Usage = Vec<(String, Option<(f64, i64)>)>;

/// What a scrape reads of one pod.
#[derive(Clone, Debug)]
pub struct Tracked {
    /// `namespace/name`, the key metrics are served under.
    pub key: String,
    /// The node it is bound to, as an index into [`PodWatch::node_names`].
    pub node: Option<u32>,
    /// When its containers had all started, the latest of those times.
    pub started: Option<Time>,
    /// Its containers' usage with no requests served and no override.
    pub at_rest: Usage,
    /// Written since the last scrape (it may be another pod of the same name).
    pub changed: bool,
}

/// The pods the metrics-server knows, with the watch position.
#[derive(Clone, Debug, Default)]
pub struct PodWatch {
    seen: Option<u64>,
    /// Every pod, by namespace and name ([`NameKey::pair`]), in no order: each pod change
    /// finds its entry by hash (a search of an ordered map of 150,000 names cost a fifth of
    /// the metrics-server's share of a large rollout); a scrape puts them in order
    /// ([`PodWatch::in_order`]).
    pub pods: rustc_hash::FxHashMap<NameKey, Tracked>,
    /// Node names by index (nodes are added as pods bind to them, never removed).
    pub node_names: Vec<String>,
    node_ids: HashMap<String, u32>,
    images: BTreeMap<String, ImageBehavior>,
}

/// A pod's containers' usage under `traffic` (its requests served, its overrides), names owned.
pub fn usage(traffic: &Traffic, p: &Pod, images: &mut BTreeMap<String, ImageBehavior>, scratch: &mut String) -> Usage {
    owned(traffic.container_usage_with(p, images, scratch))
}

/// Containers' usage with their names owned.
fn owned(usage: Vec<(&str, Option<(f64, i64)>)>) -> Usage {
    usage.into_iter().map(|(name, u)| (name.to_string(), u)).collect()
}

/// When a pod's containers all started (running), the latest of those start times.
fn started(p: &Pod) -> Option<Time> {
    let mut latest = None::<Time>;
    for c in &p.spec.containers {
        let s = p.status.container_statuses.iter().find(|s| s.name == c.name)?;
        let t = s.state.running.as_ref()?.started_at?;
        latest = Some(latest.map_or(t, |l: Time| l.max(t)));
    }
    latest
}

impl PodWatch {
    /// Brings the table up to the store's version: from the watch log when it reaches back
    /// far enough, else from a list of every pod.
    pub fn refresh(&mut self, store: &Store) {
        let rv = store.resource_version();
        if self.seen == Some(rv) {
            return;
        }
        match self.seen.filter(|s| *s <= rv).and_then(|s| store.events_since(s)) {
            Some(events) => {
                for e in events {
                    if let Object::Pod(p) = &*e.object {
                        if e.type_ == EventType::Deleted {
                            with_pair(e.object.namespace(), e.object.name(), |key| self.pods.remove(key));
                        } else {
                            self.note(p);
                        }
                    }
                }
            }
            None => {
                self.pods.clear();
                for o in store.list(Kind::Pod, None) {
                    if let Object::Pod(p) = o {
                        self.note(p);
                    }
                }
            }
        }
        self.seen = Some(rv);
        #[cfg(debug_assertions)]
        self.check(store);
    }

    /// Debug builds: the table must say what a list of every pod says.
    #[cfg(debug_assertions)]
    fn check(&self, store: &Store) {
        let listed: Vec<(&str, &str)> = self.in_order().into_iter().map(|(k, _)| k.parts()).collect();
        let pods: Vec<(&str, &str)> = store.list(Kind::Pod, None).map(|o| (o.namespace(), o.name())).collect();
        assert_eq!(listed, pods, "the metrics-server's pods are the store's");
        for (key, t) in &self.pods {
            let (namespace, name) = key.parts();
            let Some(Object::Pod(p)) = store.get(&(Kind::Pod, namespace, name)) else { continue };
            assert_eq!(t.node.map(|id| self.node_names[id as usize].as_str()), p.spec.node_name.as_deref(), "node of {}", t.key);
            assert_eq!(t.started, started(p), "start of {}", t.key);
            assert_eq!(t.at_rest, usage(&Traffic::default(), p, &mut BTreeMap::new(), &mut String::new()), "usage of {}", t.key);
        }
    }

    /// Notes pod `p`, keeping its entry if it has one.
    fn note(&mut self, p: &Pod) {
        let node = p.spec.node_name.as_deref().map(|n| match self.node_ids.get(n) {
            Some(id) => *id,
            None => {
                let id = self.node_names.len() as u32;
                self.node_names.push(n.to_string());
                self.node_ids.insert(n.to_string(), id);
                id
            }
        });
        let fresh = Traffic::default().container_usage_with(p, &mut self.images, &mut String::new());
        // A pod written again keeps its entry (its `namespace/name`, and its containers' names
        // while they are the same), found without building a key.
        let (namespace, name) = (p.metadata.namespace.as_deref().unwrap_or_default(), p.metadata.name.as_str());
        if let Some(t) = with_pair(namespace, name, |key| self.pods.get_mut(key)) {
            (t.node, t.started, t.changed) = (node, started(p), true);
            if t.at_rest.len() == fresh.len() && t.at_rest.iter().zip(&fresh).all(|(a, b)| a.0 == b.0) {
                for (a, b) in t.at_rest.iter_mut().zip(fresh) {
                    a.1 = b.1;
                }
            } else {
                t.at_rest = owned(fresh);
            }
            return;
        }
        let tracked = Tracked { key: format!("{namespace}/{name}"), node, started: started(p), at_rest: owned(fresh), changed: true };
        self.pods.insert(NameKey::pair(namespace, name), tracked);
    }

    /// The pods in the store's order (namespace, then name).
    pub fn in_order(&self) -> Vec<(&NameKey, &Tracked)> {
        let mut pods: Vec<(&NameKey, &Tracked)> = self.pods.iter().collect();
        pods.sort_unstable_by(|a, b| a.0.cmp(b.0));
        pods
    }

    /// The index of a node that pods were seen bound to.
    pub fn node_id(&self, name: &str) -> Option<u32> {
        self.node_ids.get(name).copied()
    }
}
