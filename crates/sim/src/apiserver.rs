//! The API server: defaulting, validation and admission in front of the store.
//! Clients (kubectl, the page, lessons) and controllers all write through here.

use crate::api::{Deployment, IntOrString, Kind, LabelSelector, Object, Pod, PodSpec, PodTemplateSpec, RollingUpdateDeployment, Toleration};
use crate::clock::Time;
use crate::manifest::LAST_APPLIED;
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

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
        ApiError { code: 404, reason: "NotFound".into(), message: format!("{} {name:?} not found", kind.resource()) }
    }

    /// `<plural> "<name>" already exists`.
    pub fn already_exists(kind: Kind, name: &str) -> Self {
        ApiError { code: 409, reason: "AlreadyExists".into(), message: format!("{} {name:?} already exists", kind.resource()) }
    }

    /// `<Kind> "<name>" is invalid: <field errors>`.
    pub fn invalid(kind: Kind, name: &str, causes: &[String]) -> Self {
        let detail = if causes.len() == 1 { causes[0].clone() } else { format!("[{}]", causes.join(", ")) };
        let qualified = if kind.group().is_empty() { kind.name().to_string() } else { format!("{}.{}", kind.name(), kind.group()) };
        ApiError { code: 422, reason: "Invalid".into(), message: format!("{qualified} {name:?} is invalid: {detail}") }
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

/// Models pkg/apis/core/v1/defaults.go SetDefaults_Pod and SetDefaults_Container for a pod spec
/// (also applied to workload templates).
fn default_pod_spec(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name.get_or_insert_with(|| "default-scheduler".into());
    // Containers are shared with the template a pod is made from: copied only to change.
    let undefaulted = |c: &crate::api::Container| {
        c.image_pull_policy.is_none() || c.termination_message_path.is_none() || c.termination_message_policy.is_none() || c.ports.iter().any(|p| p.protocol.is_none())
    };
    if spec.containers.iter().any(undefaulted) {
        spec.containers.to_mut().iter_mut().for_each(default_container);
    }
    // Debug builds: `undefaulted` must see every field `default_container` fills in.
    debug_assert!(
        spec.containers.iter().all(|c| {
            let mut d = c.clone();
            default_container(&mut d);
            d == *c
        }),
        "a container default is missing from the shared containers' check"
    );
}

/// Models SetDefaults_Container and SetDefaults_ContainerPort.
fn default_container(c: &mut crate::api::Container) {
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

/// Pod-only defaults: service account and priority admission, DefaultTolerationSeconds
/// (tolerate a not-ready or unreachable node for 300 s), QoS class and the initial phase.
fn default_pod(pod: &mut Pod) {
    let spec = Arc::make_mut(&mut pod.spec);
    default_pod_spec(spec);
    spec.service_account_name.get_or_insert_with(|| "default".into());
    spec.priority.get_or_insert(0);
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
    // A limit without a request requests the limit (SetDefaults_Pod).
    let limit_only = |c: &crate::api::Container| c.resources.limits.keys().any(|k| !c.resources.requests.contains_key(k));
    if spec.containers.iter().any(limit_only) {
        for c in spec.containers.to_mut() {
            for (k, v) in c.resources.limits.clone() {
                c.resources.requests.entry(k).or_insert(v);
            }
        }
    }
    pod.status.phase.get_or_insert_with(|| "Pending".into());
}

/// Models pkg/apis/core/helper/qos GetPodQOS: Guaranteed when every container's cpu and
/// memory limits equal its requests, BestEffort when nothing is set, Burstable otherwise.
fn qos_class(pod: &Pod) -> &'static str {
    let compute = |list: &crate::api::ResourceList| list.iter().filter(|(k, q)| matches!(k.as_str(), "cpu" | "memory") && !q.is_zero()).count();
    if pod.spec.containers.iter().all(|c| compute(&c.resources.requests) == 0 && compute(&c.resources.limits) == 0) {
        return "BestEffort";
    }
    let guaranteed = pod.spec.containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| match (c.resources.limits.get(*r), c.resources.requests.get(*r)) {
            (Some(l), Some(q)) => l.cmp_value(q).is_eq() && !l.is_zero(),
            _ => false,
        })
    });
    if guaranteed { "Guaranteed" } else { "Burstable" }
}

/// Models pkg/apis/apps/v1/defaults.go SetDefaults_Deployment.
fn default_deployment(d: &mut Deployment) {
    d.spec.replicas.get_or_insert(1);
    let strategy = &mut d.spec.strategy;
    let type_ = strategy.type_.get_or_insert_with(|| "RollingUpdate".into()).clone();
    if type_ == "RollingUpdate" {
        let ru = strategy.rolling_update.get_or_insert_with(RollingUpdateDeployment::default);
        ru.max_unavailable.get_or_insert_with(|| IntOrString::String("25%".into()));
        ru.max_surge.get_or_insert_with(|| IntOrString::String("25%".into()));
    }
    d.spec.revision_history_limit.get_or_insert(10);
    d.spec.progress_deadline_seconds.get_or_insert(600);
    default_pod_spec(&mut d.spec.template.spec);
}

/// Defaults an object of any kind, as the API server does before validation.
fn default_object(object: &mut Object) {
    match object {
        Object::Pod(pod) => default_pod(pod),
        Object::Deployment(d) => default_deployment(d),
        Object::ReplicaSet(rs) => {
            rs.spec.replicas.get_or_insert(1);
            default_pod_spec(&mut rs.spec.template.spec);
        }
        Object::Namespace(ns) => {
            ns.spec.finalizers = vec!["kubernetes".into()];
            ns.status.phase.get_or_insert_with(|| "Active".into());
            let name = ns.metadata.name.clone();
            ns.metadata.labels.insert("kubernetes.io/metadata.name".into(), name);
        }
        Object::DaemonSet(ds) => {
            let s = &mut ds.spec.update_strategy;
            if s.type_.get_or_insert_with(|| "RollingUpdate".into()) == "RollingUpdate" {
                let ru = s.rolling_update.get_or_insert_with(Default::default);
                ru.max_unavailable.get_or_insert(IntOrString::Int(1));
                ru.max_surge.get_or_insert(IntOrString::Int(0));
            }
            ds.spec.revision_history_limit.get_or_insert(10);
            default_pod_spec(&mut ds.spec.template.spec);
        }
        Object::Job(job) => {
            let s = &mut job.spec;
            if s.completions.is_none() && s.parallelism.is_none() {
                s.completions = Some(1);
            }
            s.parallelism.get_or_insert(1);
            s.backoff_limit.get_or_insert(6);
            s.completion_mode.get_or_insert_with(|| "NonIndexed".into());
            s.suspend.get_or_insert(false);
            if let Some(uid) = job.metadata.uid.as_deref().map(str::to_string) {
                let name = job.metadata.name.clone();
                if s.selector.is_none() {
                    s.selector = Some(LabelSelector::from_labels(&[("batch.kubernetes.io/controller-uid".to_string(), uid.clone())].into()));
                }
                let labels = &mut s.template.metadata.labels;
                for (k, v) in [("batch.kubernetes.io/controller-uid", &uid), ("batch.kubernetes.io/job-name", &name), ("controller-uid", &uid), ("job-name", &name)] {
                    labels.get_or_insert_with(k.to_string(), || v.clone());
                }
            }
            default_pod_spec(&mut s.template.spec);
        }
        Object::Secret(secret) => {
            secret.type_.get_or_insert_with(|| "Opaque".into());
            for (k, v) in std::mem::take(&mut secret.string_data) {
                secret.data.insert(k, crate::api::base64_encode(v.as_bytes()));
            }
        }
        Object::Service(svc) => crate::service_registry::default_service(svc),
        Object::HorizontalPodAutoscaler(hpa) => {
            hpa.spec.min_replicas.get_or_insert(1);
            if let Some(b) = hpa.spec.behavior.as_mut() {
                b.set_defaults();
            }
            if hpa.spec.metrics.is_empty() {
                hpa.spec.metrics = vec![crate::api::MetricSpec {
                    type_: "Resource".into(),
                    resource: Some(crate::api::ResourceMetricSource {
                        name: "cpu".into(),
                        target: crate::api::MetricTarget { type_: "Utilization".into(), average_utilization: Some(80), average_value: None },
                    }),
                }];
            }
        }
        Object::Node(_) | Object::Event(_) | Object::Lease(_) | Object::ConfigMap(_) | Object::ServiceAccount(_) | Object::Endpoints(_) => {}
        Object::LimitRange(lr) => crate::admission::limit_ranger::default_limit_range(lr),
        Object::EndpointSlice(_) | Object::ResourceQuota(_) => {}
        Object::Unsimulated(o) => default_unsimulated(o),
    }
}

/// The phase a claim or volume starts in, as their API strategies set it; no controller
/// moves them on in kubeplay (claims stay `Pending`, volumes `Available`).
fn default_unsimulated(o: &mut crate::api::Unsimulated) {
    o.body.remove("status");
    let phase = match o.kind_id {
        Kind::PersistentVolumeClaim => "Pending",
        Kind::PersistentVolume => "Available",
        _ => return,
    };
    // As the create strategies do, a status the manifest brings is dropped.
    o.body.insert("status".into(), serde_json::json!({ "phase": phase }));
}

/// Models pkg/apis/core/validation ValidatePodCreate (the parts a workshop hits).
fn validate_pod_spec(spec: &PodSpec, prefix: &str, errs: &mut Vec<String>) {
    if spec.containers.is_empty() {
        errs.push(format!("{prefix}spec.containers: Required value"));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        if c.name.is_empty() {
            errs.push(format!("{prefix}spec.containers[{i}].name: Required value"));
        } else if spec.containers[..i].iter().any(|earlier| earlier.name == c.name) {
            // A pod has a handful of containers: a scan, where a set would allocate for every pod created.
            errs.push(format!("{prefix}spec.containers[{i}].name: Duplicate value: {:?}", c.name));
        }
        if c.image.trim().is_empty() {
            errs.push(format!("{prefix}spec.containers[{i}].image: Required value"));
        }
        for (j, p) in c.ports.iter().enumerate() {
            if !(1..=65535).contains(&p.container_port) {
                errs.push(format!(
                    "{prefix}spec.containers[{i}].ports[{j}].containerPort: Invalid value: {}: must be between 1 and 65535, inclusive",
                    p.container_port
                ));
            }
        }
    }
    if let Some(rp) = spec.restart_policy.as_deref() {
        if !["Always", "OnFailure", "Never"].contains(&rp) {
            errs.push(format!("{prefix}spec.restartPolicy: Unsupported value: {rp:?}: supported values: \"Always\", \"OnFailure\", \"Never\""));
        }
    }
}

/// The field errors of a workload's selector and template.
fn validate_template(selector: &LabelSelector, template: &PodTemplateSpec, errs: &mut Vec<String>) {
    if selector.is_empty() {
        errs.push("spec.selector: Required value".into());
    } else if !selector.matches(&template.metadata.labels) {
        let labels: Vec<String> = template.metadata.labels.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
        errs.push(format!(
            "spec.template.metadata.labels: Invalid value: map[string]string{{{}}}: `selector` does not match template `labels`",
            labels.join(", ")
        ));
    }
    validate_pod_spec(&template.spec, "spec.template.", errs);
}

/// Models pkg/apis/apps/validation ValidateDeployment (the parts a workshop hits).
fn validate_deployment(d: &Deployment, errs: &mut Vec<String>) {
    if d.replicas() < 0 {
        errs.push(format!("spec.replicas: Invalid value: {}: must be greater than or equal to 0", d.replicas()));
    }
    validate_template(&d.spec.selector, &d.spec.template, errs);
    let strategy = &d.spec.strategy;
    match strategy.type_.as_deref().unwrap_or("RollingUpdate") {
        "Recreate" if strategy.rolling_update.is_some() => {
            errs.push("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'".into())
        }
        "Recreate" => {}
        "RollingUpdate" => {
            let ru = strategy.rolling_update.clone().unwrap_or_default();
            let mut zero = 0;
            for (name, v) in [("maxUnavailable", &ru.max_unavailable), ("maxSurge", &ru.max_surge)] {
                match v.as_ref().map(|v| v.scaled_value(100, true)) {
                    Some(Err(e)) => errs.push(format!("spec.strategy.rollingUpdate.{name}: Invalid value: {v:?}: {e}")),
                    Some(Ok(0)) => zero += 1,
                    _ => {}
                }
            }
            if zero == 2 {
                errs.push("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0".into());
            }
        }
        other => errs.push(format!("spec.strategy.type: Unsupported value: {other:?}: supported values: \"Recreate\", \"RollingUpdate\"")),
    }
}

/// Field errors of an object of any kind.
fn validate_object(object: &Object) -> Vec<String> {
    let mut errs = Vec::new();
    match object {
        Object::Pod(pod) => validate_pod_spec(&pod.spec, "", &mut errs),
        Object::Deployment(d) => validate_deployment(d, &mut errs),
        Object::ReplicaSet(rs) => validate_template(&rs.spec.selector, &rs.spec.template, &mut errs),
        Object::DaemonSet(ds) => validate_template(&ds.spec.selector, &ds.spec.template, &mut errs),
        Object::Service(svc) => errs.extend(crate::service_registry::validate_service(svc)),
        Object::HorizontalPodAutoscaler(hpa) => {
            let min = hpa.spec.min_replicas.unwrap_or(1);
            if hpa.spec.max_replicas < 1 {
                errs.push(format!("spec.maxReplicas: Invalid value: {}: must be greater than or equal to 1", hpa.spec.max_replicas));
            } else if hpa.spec.max_replicas < min {
                errs.push(format!("spec.maxReplicas: Invalid value: {}: must be greater than or equal to `minReplicas`", hpa.spec.max_replicas));
            }
            if min < 1 {
                errs.push(format!("spec.minReplicas: Invalid value: {min}: must be greater than or equal to 1"));
            }
            if hpa.spec.scale_target_ref.kind.is_empty() {
                errs.push("spec.scaleTargetRef.kind: Required value".into());
            }
            let directions = hpa.spec.behavior.iter().flat_map(|b| [("scaleUp", &b.scale_up), ("scaleDown", &b.scale_down)]);
            for (dir, rules) in directions {
                let Some(rules) = rules else { continue };
                if let Some(p) = rules.select_policy.as_deref().filter(|p| !["Max", "Min", "Disabled"].contains(p)) {
                    errs.push(format!("spec.behavior.{dir}.selectPolicy: Unsupported value: {p:?}: supported values: \"Disabled\", \"Max\", \"Min\""));
                }
                match rules.stabilization_window_seconds {
                    Some(w) if w < 0 => errs.push(format!("spec.behavior.{dir}.stabilizationWindowSeconds: Invalid value: {w}: must be greater than or equal to zero")),
                    Some(w) if w > 3600 => errs.push(format!("spec.behavior.{dir}.stabilizationWindowSeconds: Invalid value: {w}: must be less than or equal to 3600")),
                    _ => {}
                }
                for (i, p) in rules.policies.iter().enumerate() {
                    if p.type_ != "Pods" && p.type_ != "Percent" {
                        errs.push(format!("spec.behavior.{dir}.policies[{i}].type: Unsupported value: {:?}: supported values: \"Percent\", \"Pods\"", p.type_));
                    }
                    if p.value <= 0 {
                        errs.push(format!("spec.behavior.{dir}.policies[{i}].value: Invalid value: {}: must be greater than zero", p.value));
                    }
                    if p.period_seconds <= 0 || p.period_seconds > 1800 {
                        errs.push(format!("spec.behavior.{dir}.policies[{i}].periodSeconds: Invalid value: {}: must be greater than zero and less than or equal to 1800", p.period_seconds));
                    }
                }
            }
            if hpa.spec.scale_target_ref.name.is_empty() {
                errs.push("spec.scaleTargetRef.name: Required value".into());
            }
        }
        Object::Job(job) => {
            validate_pod_spec(&job.spec.template.spec, "spec.template.", &mut errs);
            if let Some(rp) = job.spec.template.spec.restart_policy.as_deref().filter(|rp| !["OnFailure", "Never"].contains(rp)) {
                errs.push(format!("spec.template.spec.restartPolicy: Unsupported value: {rp:?}: supported values: \"OnFailure\", \"Never\""));
            }
        }
        _ => {}
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
    // Admission errors name an object by its generateName until it has a name.
    let shown = if meta.name.is_empty() { meta.generate_name.clone().unwrap_or_default() } else { meta.name.clone() };
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
                return Err(crate::admission::forbidden(kind, &shown, &format!("unable to create new content in namespace {ns} because it is being terminated")))
            }
            Some(_) => {}
        }
    }
    if store.get(&object).is_some() {
        return Err(ApiError::already_exists(kind, &name));
    }
    if let Object::Pod(pod) = &object {
        // ServiceAccount admission: the account the pod runs as must exist.
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let sa = pod.spec.service_account_name.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "default".into());
        if store.get(&ObjectKey { kind: Kind::ServiceAccount, namespace: ns.clone(), name: sa.clone() }).is_none() {
            return Err(crate::admission::forbidden(kind, &shown, &format!("error looking up service account {ns}/{sa}: serviceaccount {sa:?} not found")));
        }
    }
    let meta = object.meta_mut();
    meta.uid = Some(rng.uuid().into());
    meta.creation_timestamp = Some(now);
    meta.generation = i64::from(tracks_generation(kind));
    meta.deletion_timestamp = None;
    meta.resource_version = None;
    if let Object::Job(job) = &mut object {
        // A Job's template has no default restart policy: it must be OnFailure or Never.
        if job.spec.template.spec.restart_policy.is_none() {
            let errs = ["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"".to_string()];
            return Err(ApiError::invalid(kind, &name, &errs));
        }
    }
    default_object(&mut object);
    if let Object::Pod(pod) = &mut object {
        crate::admission::limit_ranger::default_pod(store, pod);
        pod.status.qos_class = Some(qos_class(pod).into());
    }
    let mut errs = validate_object(&object);
    if let (Object::Service(svc), true) = (&mut object, errs.is_empty()) {
        errs = crate::service_registry::allocate(store, rng, svc);
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid(kind, &name, &errs));
    }
    if let Object::Pod(pod) = &object {
        let limits = crate::admission::limit_ranger::validate_pod(store, pod);
        if !limits.is_empty() {
            return Err(crate::admission::forbidden(kind, &shown, &crate::admission::aggregate(&limits)));
        }
    }
    crate::admission::resource_quota::admit(store, now, &object, &shown)?;
    Ok(store.put(object, now).clone())
}

/// The user-owned part of an object, compared to decide whether an apply changes anything.
fn spec_json(object: &Object) -> serde_json::Value {
    let mut v = serde_json::to_value(object).unwrap_or_default();
    v.get_mut("spec").map(serde_json::Value::take).unwrap_or_default()
}

/// Creates the object, or updates the existing one from the user's fields (`kubectl apply`):
/// spec is taken from the manifest, and labels, annotations and `spec.replicas` are merged
/// three ways with the last applied configuration; status stays.
pub fn apply(store: &mut Store, rng: &mut Rng, now: Time, object: Object) -> Result<(ApplyAction, Object), ApiError> {
    apply_with(store, rng, now, object, true)
}

/// [`apply`], or with `three_way` false a PUT (`kubectl replace`, an edit): labels,
/// annotations and spec become exactly the given ones.
pub fn apply_with(store: &mut Store, rng: &mut Rng, now: Time, mut object: Object, three_way: bool) -> Result<(ApplyAction, Object), ApiError> {
    object.set_type_meta();
    if object.kind().namespaced() {
        object.meta_mut().namespace.get_or_insert_with(|| "default".into());
    }
    let key = ObjectKey::of(&object);
    let Some(existing) = store.get(&key).cloned() else {
        return create(store, rng, now, object).map(|o| (ApplyAction::Created, o));
    };
    let (kind, name) = (key.kind, key.name.clone());
    // Three-way, as kubectl apply merges, for labels, annotations and replicas (other fields
    // are the manifest's): what the last apply set and this one leaves out is removed; what
    // others set (kubectl scale, label, an autoscaler) and neither apply names stays.
    let last = existing.meta().annotations.get(LAST_APPLIED).and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    let last_set = |pointer: &str| last.as_ref().and_then(|l| l.pointer(pointer));
    let replicas_omitted = match &object {
        Object::Deployment(d) => d.spec.replicas.is_none(),
        Object::ReplicaSet(r) => r.spec.replicas.is_none(),
        _ => false,
    };
    let keep_replicas = three_way && replicas_omitted && last_set("/spec/replicas").is_none();
    default_object(&mut object);
    let mut updated = existing.clone();
    {
        let (m, new) = (updated.meta_mut(), object.meta());
        if three_way {
            merge_three_way(&mut m.labels, last_set("/metadata/labels"), &new.labels);
            merge_three_way(&mut m.annotations, last_set("/metadata/annotations"), &new.annotations);
        } else {
            m.labels = new.labels.clone();
            m.annotations = new.annotations.clone();
        }
        m.unsimulated = new.unsimulated.clone();
    }
    match (&mut updated, object) {
        (Object::Pod(old), Object::Pod(mut new)) => {
            let spec = Arc::make_mut(&mut new.spec);
            spec.node_name = spec.node_name.take().or_else(|| old.spec.node_name.clone());
            // What defaulting and LimitRanger filled in stays when the manifest leaves it out
            // (as kubectl's three-way merge keeps it), so re-applying the file is `unchanged`.
            for (c, stored) in spec.containers.to_mut().iter_mut().zip(old.spec.containers.iter()) {
                for (k, v) in &stored.resources.requests {
                    c.resources.requests.entry(k.clone()).or_insert_with(|| v.clone());
                }
                for (k, v) in &stored.resources.limits {
                    c.resources.limits.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            // Of the kept fields only activeDeadlineSeconds may change, as upstream allows.
            fn kept_without_deadline(k: Option<&crate::api::KeptFields>) -> Vec<(&String, &serde_json::Value)> {
                k.map(|k| k.iter().filter(|(p, _)| *p != "spec.activeDeadlineSeconds").collect()).unwrap_or_default()
            }
            let images_only = kept_without_deadline(existing.meta().unsimulated.as_deref()) == kept_without_deadline(new.metadata.unsimulated.as_deref()) && pod_spec_change_allowed(&old.spec, &new.spec);
            if !images_only {
                return Err(pod_spec_forbidden(&name));
            }
            old.spec = new.spec;
        }
        (Object::Deployment(old), Object::Deployment(new)) => {
            if old.spec.selector != new.spec.selector {
                return Err(ApiError::invalid(kind, &name, &[format!("spec.selector: Invalid value: {}: field is immutable", new.spec.selector)]));
            }
            let replicas = old.spec.replicas;
            old.spec = new.spec;
            if keep_replicas {
                old.spec.replicas = replicas;
            }
        }
        (Object::ReplicaSet(old), Object::ReplicaSet(new)) => {
            if old.spec.selector != new.spec.selector {
                return Err(ApiError::invalid(kind, &name, &[format!("spec.selector: Invalid value: {}: field is immutable", new.spec.selector)]));
            }
            let replicas = old.spec.replicas;
            old.spec = new.spec;
            if keep_replicas {
                old.spec.replicas = replicas;
            }
        }
        (Object::DaemonSet(old), Object::DaemonSet(new)) => {
            if old.spec.selector != new.spec.selector {
                return Err(ApiError::invalid(kind, &name, &[format!("spec.selector: Invalid value: {}: field is immutable", new.spec.selector)]));
            }
            old.spec = new.spec;
        }
        (Object::Job(old), Object::Job(new)) => {
            if old.spec.template != new.spec.template && new.spec.template.metadata.labels.contains_key("batch.kubernetes.io/controller-uid") {
                old.spec.template = new.spec.template;
            }
            old.spec.parallelism = new.spec.parallelism;
            old.spec.suspend = new.spec.suspend;
        }
        (Object::ConfigMap(old), Object::ConfigMap(new)) => {
            old.data = new.data;
            old.binary_data = new.binary_data;
        }
        (Object::Secret(old), Object::Secret(new)) => {
            old.data = new.data;
            old.type_ = new.type_;
        }
        (Object::Node(old), Object::Node(new)) => old.spec = new.spec,
        (Object::Service(old), Object::Service(mut new)) => {
            crate::service_registry::keep_allocations(old, &mut new);
            old.spec = new.spec;
            old.status = new.status;
        }
        (Object::Endpoints(old), Object::Endpoints(new)) => old.subsets = new.subsets,
        (Object::HorizontalPodAutoscaler(old), Object::HorizontalPodAutoscaler(new)) => old.spec = new.spec,
        (Object::ResourceQuota(old), Object::ResourceQuota(new)) => old.spec = new.spec,
        (Object::LimitRange(old), Object::LimitRange(mut new)) => {
            crate::admission::limit_ranger::default_limit_range(&mut new);
            old.spec = new.spec;
        }
        (Object::Unsimulated(old), Object::Unsimulated(mut new)) => {
            // What the user wrote replaces the old body; the status stays the server's.
            match old.body.remove("status") {
                Some(status) => new.body.insert("status".into(), status),
                None => new.body.remove("status"),
            };
            old.body = new.body;
        }
        (Object::EndpointSlice(old), Object::EndpointSlice(new)) => {
            old.address_type = new.address_type;
            old.endpoints = new.endpoints;
            old.ports = new.ports;
        }
        _ => {}
    }
    let mut errs = validate_object(&updated);
    if let (Object::Service(svc), true) = (&mut updated, errs.is_empty()) {
        errs = crate::service_registry::allocate(store, rng, svc);
    }
    if !errs.is_empty() {
        return Err(ApiError::invalid(kind, &name, &errs));
    }
    if updated == existing {
        return Ok((ApplyAction::Unchanged, existing));
    }
    if spec_json(&updated) != spec_json(&existing) {
        updated.meta_mut().generation += 1;
    }
    Ok((ApplyAction::Configured, store.put(updated, now).clone()))
}

/// Merges a string map (labels, annotations) as `kubectl apply` does: keys the last applied
/// configuration held (`last`, its JSON object) and `new` leaves out are removed, `new`'s
/// keys are set, and keys set by anyone else stay.
fn merge_three_way(live: &mut crate::api::StringMap, last: Option<&serde_json::Value>, new: &crate::api::StringMap) {
    if let Some(last) = last.and_then(serde_json::Value::as_object) {
        live.retain(|k, _| new.contains_key(k) || !last.contains_key(k));
    }
    live.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
}

/// Writes a changed object back, as a PUT does (kubectl's patch, edit, replace, set, label;
/// the controllers' updates of their objects). A changed spec bumps `metadata.generation`,
/// as the API server does, and like it this refuses a changed `metadata.uid` and, for a
/// pod, spec changes beyond what a running pod may take (images, tolerations added, ...).
/// The scheduler's binding and the kubelets' status writes go through [`write`].
pub fn update(store: &mut Store, now: Time, object: Object) -> Result<Object, ApiError> {
    if let Some(existing) = store.get(&object) {
        let (uid, was) = (object.meta().uid.as_deref(), existing.meta().uid.as_deref());
        if uid.is_some() && uid != was {
            return Err(ApiError::invalid(object.kind(), object.name(), &[format!("metadata.uid: Invalid value: {:?}: field is immutable", uid.unwrap_or_default())]));
        }
        if let (Object::Pod(old), Object::Pod(new)) = (existing, &object) {
            if !pod_spec_change_allowed(&old.spec, &new.spec) {
                return Err(pod_spec_forbidden(&new.metadata.name));
            }
        }
    }
    write(store, now, object).map(Arc::unwrap_or_clone)
}

/// Whether a running pod's spec may change from `old` to `new`: only its containers'
/// images, and tolerations added to the ones it has (upstream's ValidatePodUpdate, for the
/// fields kubeplay models).
fn pod_spec_change_allowed(old: &crate::api::PodSpec, new: &crate::api::PodSpec) -> bool {
    let (mut a, mut b) = (old.clone(), new.clone());
    a.containers.to_mut().iter_mut().for_each(|c| c.image.clear());
    b.containers.to_mut().iter_mut().for_each(|c| c.image.clear());
    if b.tolerations.starts_with(&a.tolerations) {
        b.tolerations.truncate(a.tolerations.len());
    }
    a == b && old.containers.len() == new.containers.len()
}

/// The API server's refusal of a pod spec change [`pod_spec_change_allowed`] does not allow.
/// Whether the API server keeps `metadata.generation` for a kind (its registry strategy
/// sets it to 1 on creation in v1.28): workloads, HPAs, EndpointSlices, Ingresses and a few
/// policy kinds; not ConfigMaps, Secrets, Services, Pods, Namespaces or Nodes.
fn tracks_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet | Kind::StatefulSet | Kind::Job | Kind::CronJob | Kind::HorizontalPodAutoscaler | Kind::EndpointSlice | Kind::Ingress | Kind::IngressClass | Kind::NetworkPolicy | Kind::PodDisruptionBudget
    )
}

fn pod_spec_forbidden(name: &str) -> ApiError {
    ApiError::invalid(Kind::Pod, name, &["spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into()])
}

/// [`update`] answering with the stored object's shared handle instead of a copy (for
/// writers that need little or nothing of what they wrote).
pub fn write(store: &mut Store, now: Time, mut object: Object) -> Result<Arc<Object>, ApiError> {
    let Some(existing) = store.get(&object) else {
        return Err(ApiError::not_found(object.kind(), object.name()));
    };
    let generation = existing.meta().generation;
    let bump = matches!(object.kind(), Kind::Deployment | Kind::ReplicaSet | Kind::DaemonSet) && spec_json(existing) != spec_json(&object);
    object.meta_mut().generation = generation + i64::from(bump);
    Ok(store.put_shared(object, now))
}

/// Changes the stored object through `change` and writes it only if it differs (the
/// controllers' status updates).
pub fn update_if_changed(store: &mut Store, now: Time, key: &ObjectKey, change: impl FnOnce(&mut Object)) {
    let Some(current) = store.get(key) else { return };
    let mut updated = current.clone();
    change(&mut updated);
    if updated != *current {
        let _ = write(store, now, updated);
    }
}

/// Deletes an object. A pod on a node is deleted gracefully: it gets a
/// `deletionTimestamp` and its kubelet removes it once its containers stopped.
/// `grace` overrides the pod's `terminationGracePeriodSeconds` (`--grace-period`).
pub fn delete(store: &mut Store, now: Time, key: &ObjectKey, grace: Option<i64>) -> Result<Arc<Object>, ApiError> {
    if key.kind == Kind::Namespace && ["default", "kube-system", "kube-public", "kube-node-lease"].contains(&key.name.as_str()) {
        return Err(ApiError {
            code: 403,
            reason: "Forbidden".into(),
            message: format!("namespaces {:?} is forbidden: this namespace may not be deleted", key.name),
        });
    }
    // A copy is made only of an object that is marked, not of one removed at once.
    let existing = store.get_shared(key).ok_or_else(|| ApiError::not_found(key.kind, &key.name))?;
    if let Object::Namespace(ns) = &*existing {
        // The namespace stays, Terminating, until the namespace controller has emptied it.
        if ns.metadata.deletion_timestamp.is_none() {
            let mut ns = ns.clone();
            ns.metadata.deletion_timestamp = Some(now);
            ns.metadata.deletion_grace_period_seconds = Some(0);
            ns.status.phase = Some("Terminating".into());
            return Ok(store.put_shared(Object::Namespace(ns), now));
        }
        return Ok(existing);
    }
    if let Object::Pod(pod) = &*existing {
        let on_node = pod.spec.node_name.is_some() && !matches!(pod.phase(), "Succeeded" | "Failed");
        let g = if on_node { grace.unwrap_or(pod.spec.termination_grace_period_seconds.unwrap_or(30)).max(0) } else { 0 };
        if g > 0 {
            let deadline = Time(now.0 + g * 1000);
            let earlier = pod.metadata.deletion_timestamp.is_none_or(|t| deadline < t);
            if earlier {
                let mut pod = pod.clone();
                pod.metadata.deletion_timestamp = Some(deadline);
                pod.metadata.deletion_grace_period_seconds = Some(g);
                return Ok(store.put_shared(Object::Pod(pod), now));
            }
            return Ok(existing);
        }
    }
    // Let go of it first, so the removal need not copy it.
    drop(existing);
    store.remove(key, now).ok_or_else(|| ApiError::not_found(key.kind, &key.name))
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
        crate::controllers::serviceaccount::reconcile(&mut s, &mut r, Time(0));
        (s, r)
    }

    fn pod(name: &str, image: &str) -> Object {
        Object::Pod(Pod {
            metadata: ObjectMeta { name: name.into(), ..Default::default() },
            spec: crate::api::PodSpec { containers: vec![Container { name: "c".into(), image: image.into(), ..Default::default() }].into(), ..Default::default() }.into(),
            ..Default::default()
        })
    }

    #[test]
    fn a_port_gets_its_protocol_when_the_rest_of_its_container_is_defaulted() {
        let (mut s, mut r) = setup();
        let mut p = pod("web", "nginx:1.25");
        if let Object::Pod(p) = &mut p {
            let c = &mut Arc::make_mut(&mut p.spec).containers.to_mut()[0];
            c.image_pull_policy = Some("IfNotPresent".into());
            c.termination_message_path = Some("/dev/termination-log".into());
            c.termination_message_policy = Some("File".into());
            c.ports.push(crate::api::ContainerPort { container_port: 80, ..Default::default() });
        }
        let created = create(&mut s, &mut r, Time(0), p).unwrap();
        let port = &created.as_pod().unwrap().spec.containers[0].ports[0];
        assert_eq!(port.protocol.as_deref(), Some("TCP"));
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
        // Two containers of one name: the second is the duplicate, a third of another name is fine.
        let mut p = pod("twins", "nginx");
        if let Object::Pod(p) = &mut p {
            let spec = std::sync::Arc::make_mut(&mut p.spec);
            let first = spec.containers[0].clone();
            spec.containers.push(Container { name: "sidecar".into(), ..first.clone() });
            spec.containers.push(first);
        }
        assert_eq!(create(&mut s, &mut r, Time(0), p).unwrap_err().message, "Pod \"twins\" is invalid: spec.containers[2].name: Duplicate value: \"c\"");
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
        assert_eq!(apply(&mut s, &mut r, Time(3), pod("web", "nginx:1.26")).unwrap().0, ApplyAction::Configured, "images may change");
        let mut renamed = pod("web", "nginx:1.26");
        if let Object::Pod(p) = &mut renamed {
            Arc::make_mut(&mut p.spec).containers.to_mut()[0].name = "other".into();
        }
        let err = apply(&mut s, &mut r, Time(4), renamed).unwrap_err();
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
        crate::controllers::serviceaccount::reconcile(&mut s, &mut r, Time(0));
        let mut p = pod("cart", "nginx");
        p.meta_mut().namespace = Some("shop".into());
        create(&mut s, &mut r, Time(0), p).unwrap();
        let shop = ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: "shop".into() };
        delete(&mut s, Time(1), &shop, None).unwrap();
        assert_eq!(s.get(&shop).and_then(|o| o.as_namespace()).and_then(|n| n.status.phase.as_deref()), Some("Terminating"), "the namespace stays until emptied");
        let err = create(&mut s, &mut r, Time(1), { let mut p = pod("", "nginx"); p.meta_mut().generate_name = Some("late-".into()); p.meta_mut().namespace = Some("shop".into()); p }).unwrap_err();
        assert_eq!(err.message, "pods \"late-\" is forbidden: unable to create new content in namespace shop because it is being terminated", "named by generateName");
        crate::controllers::namespace::reconcile(&mut s, Time(1));
        assert_eq!(s.list(Kind::Pod, Some("shop")).count(), 0, "an unscheduled pod goes at once");
        assert!(s.get(&shop).is_none(), "nothing remained, so the namespace went in the same pass");
        assert!(delete(&mut s, Time(1), &ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: "default".into() }, None).is_err());
    }
}
