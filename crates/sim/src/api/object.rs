//! `Object`: any stored object, and `Kind`: the types the API knows.

use super::meta::ObjectMeta;
use super::{ConfigMap, DaemonSet, Deployment, EndpointSlice, Endpoints, Event, HorizontalPodAutoscaler, Job, Lease, LimitRange, Namespace, Node, Pod, ReplicaSet, ResourceQuota, Secret, Service, ServiceAccount};
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
}

/// What discovery says about one kind: name, apiVersion, plural, short names, namespaced.
type KindInfo = (Kind, &'static str, &'static str, &'static str, &'static [&'static str], bool);

/// Per kind, in enum order.
const KINDS: [KindInfo; 18] = [
    (Kind::Namespace, "Namespace", "v1", "namespaces", &["ns"], false),
    (Kind::Node, "Node", "v1", "nodes", &["no"], false),
    (Kind::Pod, "Pod", "v1", "pods", &["po"], true),
    (Kind::Event, "Event", "v1", "events", &["ev"], true),
    (Kind::ReplicaSet, "ReplicaSet", "apps/v1", "replicasets", &["rs"], true),
    (Kind::Deployment, "Deployment", "apps/v1", "deployments", &["deploy"], true),
    (Kind::Lease, "Lease", "coordination.k8s.io/v1", "leases", &[], true),
    (Kind::DaemonSet, "DaemonSet", "apps/v1", "daemonsets", &["ds"], true),
    (Kind::Job, "Job", "batch/v1", "jobs", &[], true),
    (Kind::ConfigMap, "ConfigMap", "v1", "configmaps", &["cm"], true),
    (Kind::Secret, "Secret", "v1", "secrets", &[], true),
    (Kind::ServiceAccount, "ServiceAccount", "v1", "serviceaccounts", &["sa"], true),
    (Kind::Service, "Service", "v1", "services", &["svc"], true),
    (Kind::Endpoints, "Endpoints", "v1", "endpoints", &["ep"], true),
    (Kind::HorizontalPodAutoscaler, "HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers", &["hpa"], true),
    (Kind::EndpointSlice, "EndpointSlice", "discovery.k8s.io/v1", "endpointslices", &[], true),
    (Kind::ResourceQuota, "ResourceQuota", "v1", "resourcequotas", &["quota"], true),
    (Kind::LimitRange, "LimitRange", "v1", "limitranges", &["limits"], true),
];

impl Kind {
    /// Every kind, in discovery order.
    pub const ALL: [Kind; 18] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Event,
        Kind::ReplicaSet,
        Kind::Deployment,
        Kind::Lease,
        Kind::DaemonSet,
        Kind::Job,
        Kind::ConfigMap,
        Kind::Secret,
        Kind::ServiceAccount,
        Kind::Service,
        Kind::Endpoints,
        Kind::HorizontalPodAutoscaler,
        Kind::EndpointSlice,
        Kind::ResourceQuota,
        Kind::LimitRange,
    ];

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

/// Declares `Object` with one variant per kind and the accessors that match on it.
macro_rules! objects {
    ($($variant:ident($ty:ty) => $as:ident),* $(,)?) => {
        /// Any object the store holds. Serializes as the Kubernetes JSON of the inner object.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum Object {
            $(
                #[doc = concat!("A ", stringify!($variant), ".")]
                $variant($ty),
            )*
        }

        impl Object {
            /// The object's kind.
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant,)* }
            }

            /// The object's metadata.
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata,)* }
            }

            /// The object's metadata, mutably.
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata,)* }
            }

            /// Sets `apiVersion` and `kind` to this kind's current values.
            pub fn set_type_meta(&mut self) {
                let (v, k) = (self.kind().api_version().to_string(), self.kind().name().to_string());
                match self { $(Object::$variant(o) => (o.api_version, o.kind) = (v, k),)* }
            }

            /// Decodes a typed object of `kind` from its JSON form, with the paths of the
            /// fields its type does not have; a failure names the field path.
            pub fn decode(kind: Kind, value: &serde_json::Value) -> Result<(Object, Vec<String>), crate::decode::DecodeError> {
                Ok(match kind { $(Kind::$variant => {
                    let (o, unknown) = crate::decode::decode(value)?;
                    (Object::$variant(o), unknown)
                })* })
            }

            $(
                #[doc = concat!("The ", stringify!($variant), " inside, if this is one.")]
                pub fn $as(&self) -> Option<&$ty> {
                    match self { Object::$variant(o) => Some(o), _ => None }
                }
            )*
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

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Object, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let kind_name = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default().to_string();
        let kind = Kind::from_kind_name(&kind_name).ok_or_else(|| serde::de::Error::custom(format!("unknown kind {kind_name:?}")))?;
        Object::decode(kind, &value).map(|(o, _)| o).map_err(serde::de::Error::custom)
    }
}
