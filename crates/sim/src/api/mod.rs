//! The API types: lean Kubernetes objects with Kubernetes' own field names,
//! serialized exactly as the API server's JSON.

mod autoscaling;
mod config;
mod discovery;
mod event;
mod lease;
mod meta;
mod namespace;
mod node;
mod object;
mod pod;
mod quantity;
mod quota;
pub mod schema;
mod selector;
mod shared_vec;
mod string_map;
mod service;
pub mod unsimulated;
mod workloads;

pub use meta::{condition, set_condition, set_condition_last, Condition, ObjectMeta, OwnerReference, StringMap, Taint, Toleration};
pub use namespace::{Namespace, NamespaceSpec, NamespaceStatus};
pub use node::{Node, NodeAddress, NodeSpec, NodeStatus, NodeSystemInfo};
pub use object::{Kind, Object};
pub use pod::{
    Affinity, Container, ContainerPort, EnvFromSource, EnvVarSource, KeySelector, NameRef, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, ContainerState, ContainerStatus, EnvVar, ExecAction, HttpGetAction, Pod, PodSpec, PodStatus, Probe, ResourceRequirements,
    TcpSocketAction,
    StateRunning, StateTerminated, StateWaiting,
};
pub use autoscaling::{CrossVersionObjectReference, HorizontalPodAutoscaler, HpaBehavior, MetricReading, HpaScalingPolicy, HpaScalingRules, HpaSpec, HpaStatus, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, ResourceMetricSource, ResourceMetricStatus};
pub use config::{base64_decode, base64_encode, ConfigMap, Secret, ServiceAccount};
pub use event::{Event, EventSource, ObjectReference};
pub use lease::{Lease, LeaseSpec};
pub use quantity::Quantity;
pub use quota::{LimitRange, LimitRangeItem, LimitRangeSpec, ResourceList, ResourceQuota, ResourceQuotaSpec, ResourceQuotaStatus};
pub use discovery::{Endpoint, EndpointConditions, EndpointSlice, EndpointSlicePort};
pub use unsimulated::{KeptFields, Unsimulated};
pub use shared_vec::SharedVec;
pub use selector::{IntOrString, LabelSelector, LabelSelectorRequirement};
pub use service::{ClientIPConfig, DEFAULT_CLIENT_IP_TIMEOUT_SECONDS, EndpointAddress, EndpointPort, EndpointSubset, Endpoints, LoadBalancerIngress, LoadBalancerStatus, Service, ServicePort, ServiceSpec, ServiceStatus, SessionAffinityConfig};
pub use workloads::{
    Job, JobSpec, JobStatus, DaemonSet, DaemonSetSpec, DaemonSetStatus, DaemonSetUpdateStrategy, RollingUpdateDaemonSet, Deployment, DeploymentSpec, DeploymentStatus, DeploymentStrategy, PodTemplateSpec, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus,
    RollingUpdateDeployment,
};
