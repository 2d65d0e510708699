//! The API server: defaulting, validation and admission in front of the store.
//! Clients (kubectl, the page, lessons) and controllers all write through here.

use crate::api::{Kind, Object, Pod, Toleration};
use crate::clock::Time;
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A failed API call, shaped like a Kubernetes `Status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// HTTP code: 404, 409, 422, 400, 403.
    pub code: u16,
    /// `NotFound`, `AlreadyExists`, `Invalid`, `BadRequest`, `Forbidden`.
    pub reason: String,
    /// The message kubectl prints after `Error from server (<reason>): `.
    pub message: String,
}

impl ApiError {
    /// `<plural> "<name>" not found`.
    pub fn not_found(kind: Kind, name: &str) -> Self {
        ApiError { code: 404, reason: "NotFound".into(), message: format!("{} {name:?} not found", kind.plural()) }
    }

    /// `<plural> "<name>" already exists`.
    pub fn already_exists(kind: Kind, name: &str) -> Self {
        ApiError { code: 409, reason: "AlreadyExists".into(), message: format!("{} {name:?} already exists", kind.plural()) }
    }

    /// `<Kind> "<name>" is invalid: <field errors>`.
    pub fn invalid(kind: Kind, name: &str, causes: &[String]) -> Self {
        let detail = if causes.len() == 1 { causes[0].clone() } else { format!("[{}]", causes.join(", ")) };
        ApiError { code: 422, reason: "Invalid".into(), message: format!("{kind} {name:?} is invalid: {detail}") }
    }

    /// A 400 with a free-form message.
    pub fn bad_request(message: impl Into<String>) -> Self {
        ApiError { code: 400, reason: "BadRequest".into(), message: message.into() }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Error from server ({}): {}", self.reason, self.message)
    }
}

/// What a create-or-update did, as `kubectl apply` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplyAction {
    /// The object did not exist and was created.
    Created,
    /// The object existed and changed.
    Configured,
    /// The object existed and nothing changed.
    Unchanged,
}

impl ApplyAction {
    /// The word kubectl prints: `created`, `configured`, `unchanged`.
    pub fn word(self) -> &'static str {
        match self {
            ApplyAction::Created => "created",
            ApplyAction::Configured => "configured",
            ApplyAction::Unchanged => "unchanged",
        }
    }
}

/// Models pkg/apis/core/validation IsDNS1123Subdomain for object names.
pub fn dns1123_subdomain_error(name: &str) -> Option<String> {
    let ok_label = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() > 253 {
        return Some("must be no more than 253 characters".into());
    }
    if name.split('.').all(ok_label) {
        return None;
    }
    Some("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into())
}

/// Models pkg/apis/core/v1/defaults.go SetDefaults_Pod / SetDefaults_Container and the
/// DefaultTolerationSeconds admission plugin.
fn default_pod(pod: &mut Pod) {
    let spec = &mut pod.spec;
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name.get_or_insert_with(|| "default-scheduler".into());
    spec.service_account_name.get_or_insert_with(|| "default".into());
    spec.priority.get_or_insert(0);
    for c in &mut spec.containers {
        let tag_latest = {
            let last = c.image.rsplit('/').next().unwrap_or("");
            !last.contains(':') && !c.image.contains('@') || last.ends_with(":latest")
        };
        c.image_pull_policy.get_or_insert_with(|| if tag_latest { "Always" } else { "IfNotPresent" }.into());
        c.termination_message_path.get_or_insert_with(|| "/dev/termination-log".into());
        c.termination_message_policy.get_or_insert_with(|| "File".into());
        for p in &mut c.ports {
            p.protocol.get_or_insert_with(|| "TCP".into());
        }
    }
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        if !spec.tolerations.iter().any(|t| t.key.as_deref() == Some(key)) {
            spec.tolerations.push(Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
                ..Default::default()
            });
        }
    }
    let has_requests = spec.containers.iter().any(|c| !c.resources.requests.is_empty() || !c.resources.limits.is_empty());
    pod.status.qos_class.get_or_insert_with(|| if has_requests { "Burstable" } else { "BestEffort" }.into());
    pod.status.phase.get_or_insert_with(|| "Pending".into());
}

/// Models pkg/apis/core/validation ValidatePodCreate (the parts a workshop hits).
fn validate_pod(pod: &Pod) -> Vec<String> {
    let mut errs = Vec::new();
    if pod.spec.containers.is_empty() {
        errs.push("spec.containers: Required value".to_string());
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in pod.spec.containers.iter().enumerate() {
        if c.name.is_empty() {
            errs.push(format!("spec.containers[{i}].name: Required value"));
        } else if !seen.insert(c.name.as_str()) {
            errs.push(format!("spec.containers[{i}].name: Duplicate value: {:?}", c.name));
        }
        if c.image.trim().is_empty() {
            errs.push(format!("spec.containers[{i}].image: Required value"));
        }
        for (j, p) in c.ports.iter().enumerate() {
            if !(1..=65535).contains(&p.container_port) {
                errs.push(format!("spec.containers[{i}].ports[{j}].containerPort: Invalid value: {}: must be between 1 and 65535, inclusive", p.container_port));
            }
        }
    }
    if let Some(rp) = pod.spec.restart_policy.as_deref() {
        if !["Always", "OnFailure", "Never"].contains(&rp) {
            errs.push(format!("spec.restartPolicy: Unsupported value: {rp:?}: supported values: \"Always\", \"OnFailure\", \"Never\""));
        }
    }
    errs
}

/// Creates an object: checks the namespace, fills generated fields and defaults, validates.
pub fn create(store: &mut Store, rng: &mut Rng, now: Time, mut object: Object) -> Result<Object, ApiError> {
    let kind = object.kind();
    object.set_type_meta();
    let meta = object.meta_mut();
    if kind.namespaced() {
        meta.namespace.get_or_insert_with(|| "default".into());
    } else {
        meta.namespace = None;
    }
    if meta.name.is_empty() {
        match meta.generate_name.clone().filter(|g| !g.is_empty()) {
            Some(prefix) => meta.name = format!("{prefix}{}", rng.name_suffix(5)),
            None => return Err(ApiError::invalid(kind, "", &["metadata.name: Required value: name or generateName is required".into()])),
        }
    }
    let name = meta.name.clone();
    if let Some(msg) = dns1123_subdomain_error(&name) {
        return Err(ApiError::invalid(kind, &name, &[format!("metadata.name: Invalid value: {name:?}: {msg}")]));
    }
    if let Some(ns) = object.meta().namespace.clone() {
        let ns_key = ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: ns.clone() };
        match store.get(&ns_key) {
            None => return Err(ApiError::not_found(Kind::Namespace, &ns)),
            Some(n) if n.meta().deletion_timestamp.is_some() => {
                return Err(ApiError {
                    code: 403,
                    reason: "Forbidden".into(),
                    message: format!("{} {name:?} is forbidden: unable to create new content in namespace {ns} because it is being terminated", kind.plural()),
                })
            }
            Some(_) => {}
        }
    }
    if store.get(&ObjectKey::of(&object)).is_some() {
        return Err(ApiError::already_exists(kind, &name));
    }
    let meta = object.meta_mut();
    meta.uid = Some(rng.uuid());
    meta.creation_timestamp = Some(now);
    meta.generation = 1;
    meta.deletion_timestamp = None;
    meta.resource_version = None;
    match &mut object {
        Object::Pod(pod) => {
            default_pod(pod);
            let errs = validate_pod(pod);
            if !errs.is_empty() {
                return Err(ApiError::invalid(kind, &name, &errs));
            }
        }
        Object::Namespace(ns) => {
            ns.spec.finalizers = vec!["kubernetes".into()];
            ns.status.phase = Some("Active".into());
            ns.metadata.labels.insert("kubernetes.io/metadata.name".into(), name.clone());
        }
        Object::Node(_) => {}
    }
    Ok(store.put(object, now).clone())
}

/// Creates the object, or updates the existing one from the user's fields (`kubectl apply`).
pub fn apply(store: &mut Store, rng: &mut Rng, now: Time, mut object: Object) -> Result<(ApplyAction, Object), ApiError> {
    object.set_type_meta();
    if object.kind().namespaced() {
        object.meta_mut().namespace.get_or_insert_with(|| "default".into());
    }
    let key = ObjectKey::of(&object);
    let Some(existing) = store.get(&key).cloned() else {
        return create(store, rng, now, object).map(|o| (ApplyAction::Created, o));
    };
    let name = key.name.clone();
    let mut updated = existing.clone();
    {
        let (m, new) = (updated.meta_mut(), object.meta());
        m.labels = new.labels.clone();
        m.annotations = new.annotations.clone();
    }
    match (&mut updated, &object) {
        (Object::Pod(old), Object::Pod(new)) => {
            let mut wanted = new.clone();
            default_pod(&mut wanted);
            wanted.spec.node_name = wanted.spec.node_name.or_else(|| old.spec.node_name.clone());
            if wanted.spec != old.spec {
                return Err(ApiError::invalid(Kind::Pod, &name, &["spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into()]));
            }
        }
        (Object::Node(old), Object::Node(new)) => {
            old.spec = new.spec.clone();
        }
        _ => {}
    }
    if updated == existing {
        return Ok((ApplyAction::Unchanged, existing));
    }
    Ok((ApplyAction::Configured, store.put(updated, now).clone()))
}

/// Writes a changed object back (controllers' and kubelets' status updates).
pub fn update(store: &mut Store, now: Time, object: Object) -> Result<Object, ApiError> {
    let key = ObjectKey::of(&object);
    if store.get(&key).is_none() {
        return Err(ApiError::not_found(key.kind, &key.name));
    }
    Ok(store.put(object, now).clone())
}

/// Deletes an object. Pods on a node go through graceful termination later; for now
/// deletion is immediate.
pub fn delete(store: &mut Store, now: Time, key: &ObjectKey) -> Result<Object, ApiError> {
    if key.kind == Kind::Namespace && ["default", "kube-system", "kube-public", "kube-node-lease"].contains(&key.name.as_str()) {
        return Err(ApiError {
            code: 403,
            reason: "Forbidden".into(),
            message: format!("namespaces {:?} is forbidden: this namespace may not be deleted", key.name),
        });
    }
    let removed = store.remove(key, now).ok_or_else(|| ApiError::not_found(key.kind, &key.name))?;
    if key.kind == Kind::Namespace {
        let inside: Vec<ObjectKey> =
            Kind::ALL.into_iter().filter(|k| k.namespaced()).flat_map(|k| store.list(k, Some(&key.name)).map(ObjectKey::of).collect::<Vec<_>>()).collect();
        for k in inside {
            store.remove(&k, now);
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Container, Namespace, ObjectMeta};

    fn setup() -> (Store, Rng) {
        let mut s = Store::default();
        let mut r = Rng::new(1);
        let ns = Object::Namespace(Namespace { metadata: ObjectMeta { name: "default".into(), ..Default::default() }, ..Default::default() });
        create(&mut s, &mut r, Time(0), ns).unwrap();
        (s, r)
    }

    fn pod(name: &str, image: &str) -> Object {
        Object::Pod(Pod {
            metadata: ObjectMeta { name: name.into(), ..Default::default() },
            spec: crate::api::PodSpec { containers: vec![Container { name: "c".into(), image: image.into(), ..Default::default() }], ..Default::default() },
            ..Default::default()
        })
    }

    #[test]
    fn create_defaults_and_rejects_duplicates() {
        let (mut s, mut r) = setup();
        let created = create(&mut s, &mut r, Time(5), pod("web", "nginx")).unwrap();
        let p = created.as_pod().unwrap();
        assert_eq!(p.metadata.namespace.as_deref(), Some("default"));
        assert_eq!(p.spec.restart_policy.as_deref(), Some("Always"));
        assert_eq!(p.spec.containers[0].image_pull_policy.as_deref(), Some("Always"));
        assert_eq!(p.spec.tolerations.len(), 2);
        assert_eq!(p.status.phase.as_deref(), Some("Pending"));
        let err = create(&mut s, &mut r, Time(6), pod("web", "nginx")).unwrap_err();
        assert_eq!(err.to_string(), "Error from server (AlreadyExists): pods \"web\" already exists");
    }

    #[test]
    fn validation_messages_match_kubernetes() {
        let (mut s, mut r) = setup();
        let err = create(&mut s, &mut r, Time(0), pod("Web_1", "nginx")).unwrap_err();
        assert!(err.message.starts_with("Pod \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"), "{}", err.message);
        let err = create(&mut s, &mut r, Time(0), pod("web", "")).unwrap_err();
        assert_eq!(err.message, "Pod \"web\" is invalid: spec.containers[0].image: Required value");
        let mut p = pod("x", "nginx");
        p.meta_mut().namespace = Some("shop".into());
        assert_eq!(create(&mut s, &mut r, Time(0), p).unwrap_err().message, "namespaces \"shop\" not found");
    }

    #[test]
    fn apply_reports_created_unchanged_configured_and_forbids_pod_spec_changes() {
        let (mut s, mut r) = setup();
        assert_eq!(apply(&mut s, &mut r, Time(0), pod("web", "nginx:1.25")).unwrap().0, ApplyAction::Created);
        assert_eq!(apply(&mut s, &mut r, Time(1), pod("web", "nginx:1.25")).unwrap().0, ApplyAction::Unchanged);
        let mut labelled = pod("web", "nginx:1.25");
        labelled.meta_mut().labels.insert("app".into(), "web".into());
        assert_eq!(apply(&mut s, &mut r, Time(2), labelled).unwrap().0, ApplyAction::Configured);
        let err = apply(&mut s, &mut r, Time(3), pod("web", "redis")).unwrap_err();
        assert!(err.message.starts_with("Pod \"web\" is invalid: spec: Forbidden: pod updates may not change fields"));
    }

    #[test]
    fn generate_name_and_namespace_cascade() {
        let (mut s, mut r) = setup();
        let mut p = pod("", "nginx");
        p.meta_mut().generate_name = Some("web-".into());
        let created = create(&mut s, &mut r, Time(0), p).unwrap();
        assert!(created.name().starts_with("web-") && created.name().len() == 9);
        let ns = Object::Namespace(Namespace { metadata: ObjectMeta { name: "shop".into(), ..Default::default() }, ..Default::default() });
        create(&mut s, &mut r, Time(0), ns).unwrap();
        let mut p = pod("cart", "nginx");
        p.meta_mut().namespace = Some("shop".into());
        create(&mut s, &mut r, Time(0), p).unwrap();
        delete(&mut s, Time(1), &ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: "shop".into() }).unwrap();
        assert_eq!(s.list(Kind::Pod, Some("shop")).count(), 0);
        assert!(delete(&mut s, Time(1), &ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: "default".into() }).is_err());
    }
}
