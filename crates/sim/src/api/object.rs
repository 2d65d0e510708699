//! `Object`: any stored object, and `Kind`: the types the API knows.

use super::meta::ObjectMeta;
use super::{Unsimulated, PodTemplateSpec, ConfigMap, DaemonSet, Deployment, EndpointSlice, Endpoints, Event, HorizontalPodAutoscaler, Job, Lease, LimitRange, Namespace, Node, Pod, ReplicaSet, ResourceQuota, Secret, Service, ServiceAccount};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds the simulated API serves, in discovery order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// `v1` Namespace.
    Namespace,
    /// `v1` Node.
    Node,
    /// `v1` Pod.
    Pod,
    /// `v1` Event.
    Event,
    /// `apps/v1` ReplicaSet.
    ReplicaSet,
    /// `apps/v1` Deployment.
    Deployment,
    /// `coordination.k8s.io/v1` Lease.
    Lease,
    /// `apps/v1` DaemonSet.
    DaemonSet,
    /// `batch/v1` Job.
    Job,
    /// `v1` ConfigMap.
    ConfigMap,
    /// `v1` Secret.
    Secret,
    /// `v1` ServiceAccount.
    ServiceAccount,
    /// `v1` Service.
    Service,
    /// `v1` Endpoints.
    Endpoints,
    /// `autoscaling/v2` HorizontalPodAutoscaler.
    HorizontalPodAutoscaler,
    /// `discovery.k8s.io/v1` EndpointSlice.
    EndpointSlice,
    /// `v1` ResourceQuota.
    ResourceQuota,
    /// `v1` LimitRange.
    LimitRange,
    /// `networking.k8s.io/v1` Ingress (stored, not simulated).
    Ingress,
    /// `networking.k8s.io/v1` IngressClass (stored, not simulated).
    IngressClass,
    /// `networking.k8s.io/v1` NetworkPolicy (stored, not simulated).
    NetworkPolicy,
    /// `v1` PersistentVolumeClaim (stored, not simulated).
    PersistentVolumeClaim,
    /// `v1` PersistentVolume (stored, not simulated).
    PersistentVolume,
    /// `storage.k8s.io/v1` StorageClass (stored, not simulated).
    StorageClass,
    /// `apps/v1` StatefulSet (stored, not simulated).
    StatefulSet,
    /// `batch/v1` CronJob (stored, not simulated).
    CronJob,
    /// `rbac.authorization.k8s.io/v1` Role (stored, not simulated).
    Role,
    /// `rbac.authorization.k8s.io/v1` RoleBinding (stored, not simulated).
    RoleBinding,
    /// `rbac.authorization.k8s.io/v1` ClusterRole (stored, not simulated).
    ClusterRole,
    /// `rbac.authorization.k8s.io/v1` ClusterRoleBinding (stored, not simulated).
    ClusterRoleBinding,
    /// `policy/v1` PodDisruptionBudget (stored, not simulated).
    PodDisruptionBudget,
}

/// What discovery says about one kind: name, apiVersion, plural, short names, namespaced;
/// and whether kubeplay's components act on it (else it is only stored and shown).
type KindInfo = (Kind, &'static str, &'static str, &'static str, &'static [&'static str], bool, bool);

/// Per kind, in enum order.
const KINDS: [KindInfo; 31] = [
    (Kind::Namespace, "Namespace", "v1", "namespaces", &["ns"], false, true),
    (Kind::Node, "Node", "v1", "nodes", &["no"], false, true),
    (Kind::Pod, "Pod", "v1", "pods", &["po"], true, true),
    (Kind::Event, "Event", "v1", "events", &["ev"], true, true),
    (Kind::ReplicaSet, "ReplicaSet", "apps/v1", "replicasets", &["rs"], true, true),
    (Kind::Deployment, "Deployment", "apps/v1", "deployments", &["deploy"], true, true),
    (Kind::Lease, "Lease", "coordination.k8s.io/v1", "leases", &[], true, true),
    (Kind::DaemonSet, "DaemonSet", "apps/v1", "daemonsets", &["ds"], true, true),
    (Kind::Job, "Job", "batch/v1", "jobs", &[], true, true),
    (Kind::ConfigMap, "ConfigMap", "v1", "configmaps", &["cm"], true, true),
    (Kind::Secret, "Secret", "v1", "secrets", &[], true, true),
    (Kind::ServiceAccount, "ServiceAccount", "v1", "serviceaccounts", &["sa"], true, true),
    (Kind::Service, "Service", "v1", "services", &["svc"], true, true),
    (Kind::Endpoints, "Endpoints", "v1", "endpoints", &["ep"], true, true),
    (Kind::HorizontalPodAutoscaler, "HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers", &["hpa"], true, true),
    (Kind::EndpointSlice, "EndpointSlice", "discovery.k8s.io/v1", "endpointslices", &[], true, true),
    (Kind::ResourceQuota, "ResourceQuota", "v1", "resourcequotas", &["quota"], true, true),
    (Kind::LimitRange, "LimitRange", "v1", "limitranges", &["limits"], true, true),
    (Kind::Ingress, "Ingress", "networking.k8s.io/v1", "ingresses", &["ing"], true, false),
    (Kind::IngressClass, "IngressClass", "networking.k8s.io/v1", "ingressclasses", &[], false, false),
    (Kind::NetworkPolicy, "NetworkPolicy", "networking.k8s.io/v1", "networkpolicies", &["netpol"], true, false),
    (Kind::PersistentVolumeClaim, "PersistentVolumeClaim", "v1", "persistentvolumeclaims", &["pvc"], true, false),
    (Kind::PersistentVolume, "PersistentVolume", "v1", "persistentvolumes", &["pv"], false, false),
    (Kind::StorageClass, "StorageClass", "storage.k8s.io/v1", "storageclasses", &["sc"], false, false),
    (Kind::StatefulSet, "StatefulSet", "apps/v1", "statefulsets", &["sts"], true, false),
    (Kind::CronJob, "CronJob", "batch/v1", "cronjobs", &["cj"], true, false),
    (Kind::Role, "Role", "rbac.authorization.k8s.io/v1", "roles", &[], true, false),
    (Kind::RoleBinding, "RoleBinding", "rbac.authorization.k8s.io/v1", "rolebindings", &[], true, false),
    (Kind::ClusterRole, "ClusterRole", "rbac.authorization.k8s.io/v1", "clusterroles", &[], false, false),
    (Kind::ClusterRoleBinding, "ClusterRoleBinding", "rbac.authorization.k8s.io/v1", "clusterrolebindings", &[], false, false),
    (Kind::PodDisruptionBudget, "PodDisruptionBudget", "policy/v1", "poddisruptionbudgets", &["pdb"], true, false),
];

impl Kind {
    /// Every kind, in discovery order (the order of the discovery table).
    pub const ALL: [Kind; 31] = {
        let mut all = [Kind::Namespace; 31];
        let mut i = 0;
        while i < KINDS.len() {
            all[i] = KINDS[i].0;
            i += 1;
        }
        all
    };

    /// Whether kubeplay's components act on objects of this kind; the others (Ingress,
    /// PersistentVolumeClaim ...) are stored and shown but nothing reconciles them.
    pub fn is_simulated(self) -> bool {
        self.row().6
    }

    fn row(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// The `kind` field's value.
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// The current `apiVersion`.
    pub fn api_version(self) -> &'static str {
        self.row().2
    }

    /// The API group ("" for the core group).
    pub fn group(self) -> &'static str {
        self.api_version().rsplit_once('/').map_or("", |(g, _)| g)
    }

    /// The resource name in URLs and `kubectl get`, e.g. `pods`.
    pub fn plural(self) -> &'static str {
        self.row().3
    }

    /// kubectl's short names, e.g. `po`.
    pub fn short_names(self) -> &'static [&'static str] {
        self.row().4
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        self.row().5
    }

    /// The resource as API errors name it: `pods`, `deployments.apps`.
    pub fn resource(self) -> String {
        if self.group().is_empty() { self.plural().to_string() } else { format!("{}.{}", self.plural(), self.group()) }
    }

    /// How kubectl names an object of this kind: `pod`, `deployment.apps`.
    pub fn qualified(self) -> String {
        let lower = self.name().to_ascii_lowercase();
        if self.group().is_empty() { lower } else { format!("{lower}.{}", self.group()) }
    }

    /// Finds a kind by any name kubectl accepts: `Pod`, `pod`, `pods`, `po`, `deployment.apps`.
    pub fn from_resource(word: &str) -> Option<Kind> {
        let w = word.to_ascii_lowercase();
        let (w, group) = match w.split_once('.') {
            Some((r, g)) => (r.to_string(), Some(g.to_string())),
            None => (w, None),
        };
        Kind::ALL.into_iter().find(|k| {
            (k.name().eq_ignore_ascii_case(&w) || k.plural() == w || k.short_names().contains(&w.as_str()))
                && group.as_deref().is_none_or(|g| g == k.group() || (g.is_empty() && k.group().is_empty()))
        })
    }

    /// Finds a kind by its `kind` field value.
    pub fn from_kind_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Declares `Object` with one variant per simulated kind (and one for all the kinds kept
/// without simulation) and the accessors that match on it.
macro_rules! objects {
    ($($variant:ident($ty:ty) => $as:ident),* $(,)?) => {
        /// Any object the store holds. Serializes as the Kubernetes JSON of the inner object,
        /// with its kept unsimulated fields written back.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $(
                #[doc = concat!("A ", stringify!($variant), ".")]
                $variant($ty),
            )*
            /// An object of a kind kubeplay stores without simulating it.
            Unsimulated(Unsimulated),
        }

        impl Object {
            /// The object's kind.
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant,)* Object::Unsimulated(o) => o.kind_id }
            }

            /// The object's metadata.
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata,)* Object::Unsimulated(o) => &o.metadata }
            }

            /// The object's metadata, mutably.
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata,)* Object::Unsimulated(o) => &mut o.metadata }
            }

            /// Sets `apiVersion` and `kind` to this kind's current values.
            pub fn set_type_meta(&mut self) {
                let (v, k) = (self.kind().api_version(), self.kind().name());
                match self { $(Object::$variant(o) => (o.api_version, o.kind) = (v.into(), k.into()),)* Object::Unsimulated(o) => (o.api_version, o.kind) = (v.into(), k.into()) }
            }

            /// Decodes a typed object of `kind` from its JSON form, with the paths of the
            /// fields its type does not have; a failure names the field path. Real fields
            /// kubeplay does not simulate are kept (see [`Object::keep_unsimulated`]).
            pub fn decode(kind: Kind, value: &serde_json::Value) -> Result<(Object, Vec<String>), crate::decode::DecodeError> {
                let (mut object, unknown) = match kind {
                    $(Kind::$variant => {
                        let (o, unknown) = crate::decode::decode(value)?;
                        (Object::$variant(o), unknown)
                    })*
                    _ => {
                        let (o, unknown) = Unsimulated::from_value(kind, value)?;
                        (Object::Unsimulated(o), unknown)
                    }
                };
                object.keep_unsimulated(value, &unknown);
                Ok((object, unknown))
            }

            fn serialize_plain<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self { $(Object::$variant(o) => o.serialize(s),)* Object::Unsimulated(o) => o.serialize(s) }
            }

            $(
                #[doc = concat!("The ", stringify!($variant), " inside, if this is one.")]
                pub fn $as(&self) -> Option<&$ty> {
                    match self { Object::$variant(o) => Some(o), _ => None }
                }
            )*

            /// The kept object inside, if this is a kind kubeplay does not simulate.
            pub fn as_unsimulated(&self) -> Option<&Unsimulated> {
                match self { Object::Unsimulated(o) => Some(o), _ => None }
            }
        }
    };
}

objects! {
    Namespace(Namespace) => as_namespace,
    Node(Node) => as_node,
    Pod(Pod) => as_pod,
    Event(Event) => as_event,
    ReplicaSet(ReplicaSet) => as_replica_set,
    Deployment(Deployment) => as_deployment,
    Lease(Lease) => as_lease,
    DaemonSet(DaemonSet) => as_daemon_set,
    Job(Job) => as_job,
    ConfigMap(ConfigMap) => as_config_map,
    Secret(Secret) => as_secret,
    ServiceAccount(ServiceAccount) => as_service_account,
    Service(Service) => as_service,
    Endpoints(Endpoints) => as_endpoints,
    HorizontalPodAutoscaler(HorizontalPodAutoscaler) => as_hpa,
    EndpointSlice(EndpointSlice) => as_endpoint_slice,
    ResourceQuota(ResourceQuota) => as_resource_quota,
    LimitRange(LimitRange) => as_limit_range,
}

// The store holds every object as an `Arc<Object>`: two counts of 8 bytes, then this type. At
// 496 bytes (a Pod's 488 and the variant's tag) that fills an allocation of 512 bytes, a size
// class of the allocators the simulator runs with, exactly; at 640 it took 768. A kind that
// grows past a Pod keeps a rarely written part behind a `Box`, as Event, Node, Service and
// HorizontalPodAutoscaler do. (64-bit only: wasm32's pointers are half the size.)
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Object>() <= 496, "Object grew past 496 bytes: box a large part of the kind that grew");

impl Object {
    /// The object's name.
    pub fn name(&self) -> &str {
        &self.meta().name
    }

    /// The namespace, or "" for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or("")
    }
}

impl Object {
    /// The pod template of a workload (Deployment, ReplicaSet, DaemonSet, Job).
    pub fn template_mut(&mut self) -> Option<&mut PodTemplateSpec> {
        match self {
            Object::Deployment(o) => Some(&mut o.spec.template),
            Object::ReplicaSet(o) => Some(&mut o.spec.template),
            Object::DaemonSet(o) => Some(&mut o.spec.template),
            Object::Job(o) => Some(&mut o.spec.template),
            _ => None,
        }
    }

    /// The containers to change of a pod or of a workload's pod template (copied first if
    /// another version shares them); `None` for other kinds.
    pub fn containers_mut(&mut self) -> Option<&mut Vec<super::Container>> {
        match self {
            Object::Pod(p) => Some(std::sync::Arc::make_mut(&mut p.spec).containers.to_mut()),
            other => other.template_mut().map(|t| t.spec.containers.to_mut()),
        }
    }

    /// Keeps the real fields the decode met that kubeplay does not simulate (the schema
    /// names them), with their values from `value`: those under `spec.template.` on the
    /// pod template's metadata, so the pods made from it carry them, the others on the
    /// object's. Status fields and metadata fields are not kept.
    pub fn keep_unsimulated(&mut self, value: &serde_json::Value, unknown: &[String]) {
        for path in unknown {
            let names: Vec<&str> = path.split('.').map(|p| p.split('[').next().unwrap_or(p)).collect();
            let Some((name, parent)) = names.split_last() else { continue };
            let in_meta = parent.last().is_some_and(|p| *p == "metadata");
            if parent.first() == Some(&"status") || in_meta || !super::schema::is_unsimulated(self.kind(), parent, name) {
                continue;
            }
            let Some(v) = super::unsimulated::value_at(value, path) else { continue };
            let (meta, relative) = match (path.strip_prefix("spec.template."), self.template_mut()) {
                (Some(rest), Some(t)) => (&mut t.metadata, rest),
                _ => (self.meta_mut(), path.as_str()),
            };
            meta.unsimulated.get_or_insert_with(Default::default).insert(relative.to_string(), v.clone());
        }
    }
}

impl Serialize for Object {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.meta().unsimulated.as_deref() {
            None => self.serialize_plain(s),
            Some(kept) => super::unsimulated::serialize_with(&Plain(self), Some(kept), s),
        }
    }
}

/// An object serialized without its kept fields (they are written back around it).
struct Plain<'a>(&'a Object);

impl Serialize for Plain<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_plain(s)
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Object, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let kind_name = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default().to_string();
        let kind = Kind::from_kind_name(&kind_name).ok_or_else(|| serde::de::Error::custom(format!("unknown kind {kind_name:?}")))?;
        Object::decode(kind, &value).map(|(o, _)| o).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_discovery_table_is_in_enum_order_and_names_every_kind_once() {
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(k as usize, i, "{k:?} is row {i} of the table");
            assert_eq!(k.row().0, k);
        }
        let simulated = Kind::ALL.iter().filter(|k| k.is_simulated()).count();
        assert_eq!((simulated, Kind::ALL.len() - simulated), (18, 13));
        assert!(!Kind::Ingress.is_simulated() && Kind::LimitRange.is_simulated());
    }
}
