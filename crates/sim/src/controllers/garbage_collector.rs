//! The garbage collector: deletes objects whose owners are all gone (background
//! cascading deletion), so deleting a Deployment removes its ReplicaSets and pods.

use crate::api::Kind;
use crate::apiserver;
use crate::clock::Time;
use crate::store::{ObjectKey, Store};
use std::collections::BTreeSet;

/// One pass: every dependent whose owner references all point at missing objects is deleted.
pub fn reconcile(store: &mut Store, now: Time) {
    let uids: BTreeSet<String> = Kind::ALL.into_iter().flat_map(|k| store.list(k, None).filter_map(|o| o.meta().uid.clone()).collect::<Vec<_>>()).collect();
    let orphans: Vec<ObjectKey> = Kind::ALL
        .into_iter()
        .flat_map(|k| store.list(k, None).cloned().collect::<Vec<_>>())
        .filter(|o| {
            let refs = &o.meta().owner_references;
            !refs.is_empty() && o.meta().deletion_timestamp.is_none() && refs.iter().all(|r| !uids.contains(&r.uid))
        })
        .map(|o| ObjectKey::of(&o))
        .collect();
    for key in orphans {
        let _ = apiserver::delete(store, now, &key, None);
    }
}
