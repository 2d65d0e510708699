//! The controllers of kube-controller-manager, one module each. Each is a
//! reconcile function over the store that returns when it next needs to run.

pub mod daemonset;
pub mod deployment;
pub mod garbage_collector;
pub mod job;
pub mod node_lifecycle;
pub mod replicaset;
pub mod serviceaccount;

use crate::api::{Object, ObjectMeta, OwnerReference};

/// The controller owner reference of an object, if any.
pub fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references.iter().find(|r| r.controller == Some(true))
}

/// An owner reference that makes `owner` the controller of another object.
pub fn controller_ref(owner: &Object) -> OwnerReference {
    OwnerReference {
        api_version: owner.kind().api_version().into(),
        kind: owner.kind().name().into(),
        name: owner.name().into(),
        uid: owner.meta().uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}
