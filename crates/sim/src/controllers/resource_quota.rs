//! The resource quota controller: copies each quota's `spec.hard` into its status and
//! recounts `status.used` from the objects in its namespace (admission charges new
//! objects at once; this pass corrects for deletions and edits).

use crate::admission::resource_quota::recalculate;
use crate::api::{Kind, Object};
use crate::apiserver;
use crate::clock::Time;
use crate::store::{ObjectKey, Store};

/// One pass over every ResourceQuota.
#[inline(never)]
pub fn reconcile(store: &mut Store, now: Time) {
    let quotas = store.list_shared(Kind::ResourceQuota, None);
    for o in quotas {
        let Some(quota) = o.as_resource_quota() else { continue };
        if quota.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let used = recalculate(store, quota, now);
        let hard = quota.spec.hard.clone();
        apiserver::update_if_changed(store, now, &ObjectKey::of(&o), |obj| {
            if let Object::ResourceQuota(q) = obj {
                q.status.hard = hard;
                q.status.used = used;
            }
        });
    }
}
