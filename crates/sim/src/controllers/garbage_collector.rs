//! The garbage collector: deletes objects whose owners are all gone (background
//! cascading deletion), so deleting a Deployment removes its ReplicaSets and pods.

use crate::api::Kind;
use crate::apiserver;
use crate::clock::Time;
use crate::store::{ObjectKey, Store};
use std::collections::BTreeSet;

/// Kinds whose objects have owners in the simulation.
const DEPENDENTS: [Kind; 2] = [Kind::Pod, Kind::ReplicaSet];

/// One pass: every dependent whose owner references all point at missing objects is deleted.
pub fn reconcile(store: &mut Store, now: Time) {
    let mut orphans: Vec<ObjectKey> = Vec::new();
    let mut uids: Option<BTreeSet<&str>> = None;
    for kind in DEPENDENTS {
        for o in store.list(kind, None) {
            let refs = &o.meta().owner_references;
            if refs.is_empty() || o.meta().deletion_timestamp.is_some() {
                continue;
            }
            // Built only when some object has owners to check.
            let known = uids.get_or_insert_with(|| Kind::ALL.into_iter().flat_map(|k| store.list(k, None).filter_map(|o| o.meta().uid.as_deref())).collect());
            if refs.iter().all(|r| !known.contains(r.uid.as_str())) {
                orphans.push(ObjectKey::of(o));
            }
        }
    }
    for key in orphans {
        let _ = apiserver::delete(store, now, &key, None);
    }
}
