//! Node: a machine the scheduler places pods on and a kubelet runs.

use super::meta::{Condition, ObjectMeta, Taint};
use super::quantity::Quantity;
use serde::{Deserialize, Serialize};

/// A Node object (`v1`, cluster-scoped).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// Always `v1`.
    pub api_version: super::event::Label,
    /// Always `Node`.
    pub kind: super::event::Label,
    /// Name, labels (roles, hostname) and the like.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Taints, cordon flag, pod CIDR.
    #[serde(default)]
    pub spec: NodeSpec,
    /// Capacity, conditions and addresses, written by the kubelet.
    #[serde(default)]
    pub status: Box<NodeStatus>,
}

/// `Node.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSpec {
    /// The range pod IPs on this node come from.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "podCIDR")]
    pub pod_cidr: Option<String>,
    /// Taints repel pods that do not tolerate them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// Set by `kubectl cordon`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unschedulable: bool,
}

/// `Node.status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    /// Total resources of the machine.
    #[serde(default, skip_serializing_if = "super::quota::ResourceList::is_empty")]
    pub capacity: super::quota::ResourceList,
    /// What is left for pods after system reservations.
    #[serde(default, skip_serializing_if = "super::quota::ResourceList::is_empty")]
    pub allocatable: super::quota::ResourceList,
    /// Ready, MemoryPressure, DiskPressure, PIDPressure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// InternalIP and Hostname.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    /// Versions the kubelet reports.
    #[serde(default)]
    pub node_info: NodeSystemInfo,
}

/// `Node.status.addresses[]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeAddress {
    /// `InternalIP`, `ExternalIP` or `Hostname`.
    #[serde(rename = "type")]
    pub type_: String,
    /// The address itself.
    pub address: String,
}

/// `Node.status.nodeInfo`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSystemInfo {
    /// e.g. `v1.28.0`.
    #[serde(default)]
    pub kubelet_version: String,
    /// e.g. `v1.28.0`.
    #[serde(default)]
    pub kube_proxy_version: String,
    /// e.g. `containerd://1.7.1`.
    #[serde(default)]
    pub container_runtime_version: String,
    /// e.g. `Debian GNU/Linux 12 (bookworm)`.
    #[serde(default)]
    pub os_image: String,
    /// e.g. `6.1.0-18-amd64`.
    #[serde(default)]
    pub kernel_version: String,
    /// `linux`.
    #[serde(default)]
    pub operating_system: String,
    /// `amd64`.
    #[serde(default)]
    pub architecture: String,
}

impl Node {
    /// True when the Ready condition is True.
    pub fn is_ready(&self) -> bool {
        super::meta::condition(&self.status.conditions, "Ready").is_some_and(|c| c.status == "True")
    }

    /// An allocatable resource in thousandths (cpu in millicores, memory in milli-bytes, pods x1000).
    pub fn allocatable_milli(&self, resource: &str) -> i64 {
        self.status.allocatable.get(resource).map_or(0, Quantity::milli_value)
    }

    /// The node's InternalIP, if it has one.
    pub fn internal_ip(&self) -> Option<&str> {
        self.status.addresses.iter().find(|a| a.type_ == "InternalIP").map(|a| a.address.as_str())
    }
}
