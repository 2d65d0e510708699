//! The garbage collector: deletes objects whose owners are all gone (background
//! cascading deletion), so deleting a Deployment removes its ReplicaSets and pods.

use crate::api::{Kind, Object};
use crate::apiserver;
use crate::clock::Time;
use crate::store::{EventType, ObjectKey, Store};
use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, HashMap};

/// Kinds whose objects have owners in the simulation.
const DEPENDENTS: [Kind; 2] = [Kind::Pod, Kind::ReplicaSet];

/// Whether some owner of `o` still exists (an owner is found by kind, name and uid, in the
/// object's namespace or cluster-wide). `known` remembers the answer for each reference
/// within a pass, as the pods of one ReplicaSet all point at it.
fn has_live_owner<'a>(store: &Store, o: &'a Object, known: &mut HashMap<(&'a str, &'a str, &'a str, &'a str), bool>) -> bool {
    o.meta().owner_references.iter().any(|r| {
        let Some(kind) = Kind::from_kind_name(&r.kind) else { return false };
        let namespace = if kind.namespaced() { o.namespace() } else { "" };
        *known.entry((namespace, &*r.kind, r.name.as_str(), r.uid.as_str())).or_insert_with(|| {
            store.get(&(kind, namespace, r.name.as_str())).is_some_and(|owner| owner.meta().uid.as_deref() == Some(r.uid.as_str()))
        })
    })
}

/// Owners the collector has found alive, by uid (with the kind, namespace and name that
/// were looked up), kept from pass to pass: a dependent whose owners are all here needs no
/// look-up. An owner leaves when the watch shows its deletion, before the pass checks
/// anything, so an entry is always an object that exists. Rebuilt after a restore.
#[derive(Clone, Debug, Default)]
pub struct LiveOwners(FxHashMap<String, (Kind, String, String)>);

impl LiveOwners {
    fn has_all(&self, o: &Object) -> bool {
        let refs = &o.meta().owner_references;
        !refs.is_empty()
            && refs.iter().all(|r| {
                self.0.get(r.uid.as_str()).is_some_and(|(kind, ns, name)| {
                    let namespace = if kind.namespaced() { o.namespace() } else { "" };
                    kind.name() == r.kind && ns == namespace && *name == r.name
                })
            })
    }
}

/// One pass. With `since` (the store version of the last pass), only the dependents of
/// objects deleted since then and objects written since then are checked (those whose
/// owners `live` already holds are not); without it, every dependent is. Each dependent
/// whose owners are all gone is deleted.
#[inline(never)]
pub fn reconcile(store: &mut Store, now: Time, since: Option<u64>, live: &mut LiveOwners) {
    let mut candidates: BTreeSet<ObjectKey> = BTreeSet::new();
    match since.and_then(|rv| store.events_since(rv)) {
        Some(events) => {
            let mut written = Vec::new();
            for e in events {
                if e.type_ == EventType::Deleted {
                    if let Some(uid) = e.object.meta().uid.as_deref().filter(|u| !u.is_empty()) {
                        live.0.remove(uid);
                        candidates.extend(store.owned_by(uid).map(ObjectKey::of));
                    }
                } else if DEPENDENTS.contains(&e.object.kind()) && !e.object.meta().owner_references.is_empty() {
                    written.push(&e.object);
                }
            }
            candidates.extend(written.into_iter().filter(|o| !live.has_all(o)).map(|o| ObjectKey::of(o)));
        }
        None => {
            live.0.clear();
            for kind in DEPENDENTS {
                candidates.extend(store.list(kind, None).filter(|o| !o.meta().owner_references.is_empty()).map(ObjectKey::of));
            }
        }
    }
    debug_assert!(
        live.0.iter().all(|(uid, (kind, ns, name))| store.get(&(*kind, ns.as_str(), name.as_str())).is_some_and(|o| o.meta().uid.as_deref() == Some(uid.as_str()))),
        "the garbage collector holds an owner that is gone"
    );
    let mut known = HashMap::new();
    let orphans: Vec<ObjectKey> = candidates
        .into_iter()
        .filter(|k| store.get(k).is_some_and(|o| !o.meta().owner_references.is_empty() && o.meta().deletion_timestamp.is_none() && !has_live_owner(store, o, &mut known)))
        .collect();
    for ((namespace, kind, name, uid), alive) in known {
        if let Some(kind) = Kind::from_kind_name(kind).filter(|_| alive) {
            live.0.insert(uid.to_string(), (kind, namespace.to_string(), name.to_string()));
        }
    }
    for key in orphans {
        let _ = apiserver::delete(store, now, &key, None);
    }
}
