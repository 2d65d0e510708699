//! Pod: one or more containers scheduled together on a node.

use super::meta::{Condition, ObjectMeta, Toleration};
use super::quantity::Quantity;
use crate::clock::Time;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A Pod object (`v1`, namespaced).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    /// Always `v1`.
    pub api_version: super::event::Label,
    /// Always `Pod`.
    pub kind: super::event::Label,
    /// Name, namespace, labels, owners.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// What to run and where it may run, shared between the pod's versions: a status
    /// write copies a handle, not the containers (`Arc::make_mut` to change it).
    #[serde(default)]
    pub spec: Arc<PodSpec>,
    /// What is happening, written by the scheduler and the kubelet.
    #[serde(default)]
    pub status: PodStatus,
}

/// Field by field, with the shared spec compared by handle first (a status write's copy
/// still holds the stored pod's spec, so the kubelet's "did anything change" is cheap).
impl PartialEq for Pod {
    fn eq(&self, other: &Pod) -> bool {
        let Pod { api_version, kind, metadata, spec, status } = self;
        *api_version == other.api_version && *kind == other.kind && *metadata == other.metadata && (Arc::ptr_eq(spec, &other.spec) || **spec == *other.spec) && *status == other.status
    }
}

/// `Pod.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// The application containers.
    #[serde(default)]
    pub containers: super::SharedVec<Container>,
    /// `Always`, `OnFailure` or `Never`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    /// Seconds between SIGTERM and SIGKILL on deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    /// `ClusterFirst` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_policy: Option<String>,
    /// The node this pod is bound to; set by the scheduler (or by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// Node labels the pod requires.
    #[serde(default, skip_serializing_if = "crate::api::StringMap::is_empty")]
    pub node_selector: crate::api::StringMap,
    /// Taints the pod tolerates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// Node affinity rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// `default-scheduler` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<String>,
    /// `default` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    /// Scheduling priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
}

/// `Pod.spec.containers[]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// Unique within the pod.
    #[serde(default)]
    pub name: String,
    /// The image reference, e.g. `nginx:1.25`.
    #[serde(default)]
    pub image: String,
    /// Overrides the image's entrypoint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    /// Overrides the image's arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    /// Environment variables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    /// Variables from whole ConfigMaps or Secrets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_from: Vec<EnvFromSource>,
    /// Ports the container listens on (informational, and named targets for Services).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// Requests and limits.
    #[serde(default, skip_serializing_if = "ResourceRequirements::is_empty")]
    pub resources: ResourceRequirements,
    /// `Always`, `IfNotPresent` or `Never`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<String>,
    /// Where the container's termination message is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_path: Option<String>,
    /// `File` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub termination_message_policy: Option<String>,
    /// Restarts the container when it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Probe>,
    /// Keeps the container out of Service endpoints while it fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Probe>,
    /// Holds off the other probes until the application has started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub startup_probe: Option<Probe>,
}

/// A health check the kubelet runs against a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Probe {
    /// An HTTP GET; 200-399 is success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpGetAction>,
    /// A TCP connect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_socket: Option<TcpSocketAction>,
    /// A command run in the container; exit 0 is success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecAction>,
    /// Seconds after start before the first probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    /// Seconds between probes (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    /// Seconds before a probe times out (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    /// Consecutive successes to count as passing (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    /// Consecutive failures to count as failing (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
}

/// `httpGet` of a probe.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HttpGetAction {
    /// The request path (default `/`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A number or the name of a container port.
    pub port: super::IntOrString,
    /// `HTTP` or `HTTPS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
}

/// `tcpSocket` of a probe.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TcpSocketAction {
    /// A number or the name of a container port.
    pub port: super::IntOrString,
}

/// `exec` of a probe.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExecAction {
    /// The command and its arguments.
    #[serde(default)]
    pub command: Vec<String>,
}

/// `env[]` entry: a literal value or a reference.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVar {
    /// The variable name.
    pub name: String,
    /// The literal value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A value read from a ConfigMap or Secret key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
}

/// `env[].valueFrom`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvVarSource {
    /// A ConfigMap key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_key_ref: Option<KeySelector>,
    /// A Secret key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key_ref: Option<KeySelector>,
}

/// A key of a named ConfigMap or Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KeySelector {
    /// The object's name.
    #[serde(default)]
    pub name: String,
    /// The key.
    #[serde(default)]
    pub key: String,
    /// Missing is fine when true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// `envFrom[]`: every key of a ConfigMap or Secret.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvFromSource {
    /// A ConfigMap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_ref: Option<NameRef>,
    /// A Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<NameRef>,
}

/// A reference by name.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NameRef {
    /// The object's name.
    #[serde(default)]
    pub name: String,
    /// Missing is fine when true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional: Option<bool>,
}

/// `ports[]` entry of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    /// The port number inside the pod.
    pub container_port: i32,
    /// An IANA service name Services can target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `TCP` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// `resources` of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResourceRequirements {
    /// What the scheduler reserves.
    #[serde(default, skip_serializing_if = "super::quota::ResourceList::is_empty")]
    pub requests: super::quota::ResourceList,
    /// The ceiling enforced at run time.
    #[serde(default, skip_serializing_if = "super::quota::ResourceList::is_empty")]
    pub limits: super::quota::ResourceList,
}

impl ResourceRequirements {
    /// True when neither requests nor limits are set.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.limits.is_empty()
    }
}

/// `Pod.status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<super::event::Label>,
    /// PodScheduled, Initialized, ContainersReady, Ready.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// A brief CamelCase reason (e.g. `Evicted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The node's IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "hostIP")]
    pub host_ip: Option<String>,
    /// The pod's IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "podIP")]
    pub pod_ip: Option<String>,
    /// When the kubelet accepted the pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    /// One entry per container.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_statuses: Vec<ContainerStatus>,
    /// `Guaranteed`, `Burstable` or `BestEffort`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qos_class: Option<super::event::Label>,
}

/// `status.containerStatuses[]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    /// The container's name.
    pub name: String,
    /// Passing its readiness probe (or running, without one).
    pub ready: bool,
    /// How often the kubelet restarted it.
    pub restart_count: i32,
    /// The image it runs.
    pub image: String,
    /// The resolved image digest.
    #[serde(default)]
    #[serde(rename = "imageID")]
    pub image_id: String,
    /// The runtime's container id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "containerID")]
    pub container_id: Option<String>,
    /// Past its startup probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
    /// What it is doing now.
    #[serde(default)]
    pub state: ContainerState,
    /// How its previous run ended.
    #[serde(default, skip_serializing_if = "ContainerState::is_empty")]
    pub last_state: ContainerState,
}

/// One of waiting, running or terminated.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerState {
    /// Not running yet (or between restarts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<StateWaiting>,
    /// Running since a time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<StateRunning>,
    /// Ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated: Option<StateTerminated>,
}

impl ContainerState {
    /// True when no state is set.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_none() && self.running.is_none() && self.terminated.is_none()
    }
}

/// `state.waiting`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StateWaiting {
    /// e.g. `ContainerCreating`, `ImagePullBackOff`, `CrashLoopBackOff`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `state.running`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateRunning {
    /// When the container started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
}

/// `state.terminated`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateTerminated {
    /// The process's exit code.
    pub exit_code: i32,
    /// The signal that ended it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    /// `Completed`, `Error`, `OOMKilled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    /// When it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Time>,
}

impl Pod {
    /// `status.phase`, `Pending` when unset.
    pub fn phase(&self) -> &str {
        self.status.phase.as_deref().unwrap_or("Pending")
    }

    /// True when the Ready condition is True.
    pub fn is_ready(&self) -> bool {
        super::meta::condition(&self.status.conditions, "Ready").is_some_and(|c| c.status == "True")
    }

    /// Sum of a resource's requests over the containers, in thousandths.
    pub fn request_milli(&self, resource: &str) -> i64 {
        self.spec.containers.iter().filter_map(|c| c.resources.requests.get(resource)).map(Quantity::milli_value).sum()
    }
}

/// `spec.affinity` (node affinity only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Affinity {
    /// Which nodes the pod may or prefers to run on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
}

/// `affinity.nodeAffinity`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeAffinity {
    /// Hard rule: the node must match one of the terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
}

/// A list of node selector terms, ORed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelector {
    /// The terms; one must match.
    #[serde(default)]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// Requirements that must all hold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    /// Requirements on node labels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Requirements on node fields (`metadata.name`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_fields: Vec<NodeSelectorRequirement>,
}

/// One requirement: `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeSelectorRequirement {
    /// Label key or field name.
    pub key: String,
    /// The operator.
    pub operator: String,
    /// Values to compare with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl NodeSelectorRequirement {
    fn holds(&self, value: Option<&str>) -> bool {
        let num = |s: &str| s.parse::<i64>().ok();
        match self.operator.as_str() {
            "In" => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            "NotIn" => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            "Gt" => matches!((value.and_then(num), self.values.first().and_then(|s| num(s))), (Some(a), Some(b)) if a > b),
            "Lt" => matches!((value.and_then(num), self.values.first().and_then(|s| num(s))), (Some(a), Some(b)) if a < b),
            _ => false,
        }
    }
}

impl PodSpec {
    /// The only node names the required node affinity allows, when every term pins
    /// `metadata.name` with `In` (as DaemonSet pods do); `None` when any node may match.
    /// Models the NodeAffinity PreFilter result of kube-scheduler.
    pub fn pinned_nodes(&self) -> Option<Vec<&str>> {
        let required = self.affinity.as_ref()?.node_affinity.as_ref()?.required_during_scheduling_ignored_during_execution.as_ref()?;
        let mut names = Vec::new();
        for t in &required.node_selector_terms {
            let pin = t.match_fields.iter().find(|r| r.key == "metadata.name" && r.operator == "In")?;
            names.extend(pin.values.iter().map(String::as_str));
        }
        (!required.node_selector_terms.is_empty()).then_some(names)
    }

    /// Whether the pod has neither a node selector nor a required node affinity, so that
    /// every node matches it.
    pub fn asks_nothing_of_nodes(&self) -> bool {
        self.node_selector.is_empty() && self.required_node_affinity().is_none()
    }

    /// The selector of the required node affinity, if the pod has one.
    fn required_node_affinity(&self) -> Option<&NodeSelector> {
        self.affinity.as_ref().and_then(|a| a.node_affinity.as_ref()).and_then(|n| n.required_during_scheduling_ignored_during_execution.as_ref())
    }

    /// Models component-helpers/scheduling/corev1/nodeaffinity: `nodeSelector` and the
    /// required node affinity terms both hold for `node`.
    pub fn matches_node(&self, node: &super::Node) -> bool {
        // Most pods ask nothing of the node: answer without reading it (the scheduler asks
        // this of hundreds of nodes per pod, and each node read is a cache miss).
        if self.asks_nothing_of_nodes() {
            return true;
        }
        let required = self.required_node_affinity();
        let labels = &node.metadata.labels;
        if !self.node_selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            return false;
        }
        let Some(required) = required else {
            return true;
        };
        required.node_selector_terms.iter().any(|t| {
            (!t.match_expressions.is_empty() || !t.match_fields.is_empty())
                && t.match_expressions.iter().all(|r| r.holds(labels.get(&r.key).map(String::as_str)))
                && t.match_fields.iter().all(|r| r.holds((r.key == "metadata.name").then_some(node.metadata.name.as_str())))
        })
    }
}
