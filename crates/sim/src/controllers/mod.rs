//! The controllers of kube-controller-manager, one module each. Each is a
//! reconcile function over the store that returns when it next needs to run.

pub mod daemonset;
pub mod deployment;
pub mod endpoints;
pub mod endpointslice;
pub mod garbage_collector;
pub mod hpa;
pub mod job;
pub mod kubernetes_service;
pub mod namespace;
pub mod node_lifecycle;
pub mod replicaset;
pub mod resource_quota;
pub mod serviceaccount;

use crate::api::{Object, ObjectMeta, OwnerReference, Pod, PodTemplateSpec};
use crate::store::Store;
use std::sync::Arc;

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
        uid: owner.meta().uid.as_deref().unwrap_or_default().to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The pods in `namespace` whose controller is the object with `uid`.
pub fn owned_pods<'a>(store: &'a Store, namespace: &str, uid: &'a str) -> impl Iterator<Item = &'a Pod> + 'a {
    let namespace = namespace.to_string();
    store.controlled_by(uid).filter_map(Object::as_pod).filter(move |p| p.metadata.namespace.as_deref().unwrap_or("") == namespace)
}

/// [`owned_pods`] as shared handles, for controllers that write while they hold them.
pub fn owned_pods_shared(store: &Store, namespace: &str, uid: &str) -> Vec<Arc<Object>> {
    let mut pods = store.controlled_by_shared(uid);
    pods.retain(|o| o.as_pod().is_some_and(|p| p.metadata.namespace.as_deref().unwrap_or("") == namespace));
    pods
}

/// A new pod from a workload's template: named `<owner>-<random>`, in the owner's
/// namespace, with the template's labels and annotations, controlled by the owner.
pub fn pod_from_template(template: &PodTemplateSpec, owner: &Object) -> Pod {
    let mut pod = Pod { spec: std::sync::Arc::new(template.spec.clone()), ..Default::default() };
    pod.metadata.generate_name = Some(format!("{}-", owner.name()));
    pod.metadata.namespace = owner.meta().namespace.clone();
    pod.metadata.labels = template.metadata.labels.clone();
    pod.metadata.annotations = template.metadata.annotations.clone();
    pod.metadata.unsimulated = template.metadata.unsimulated.clone();
    pod.metadata.owner_references = vec![controller_ref(owner)].into();
    pod
}
