//! ResourceQuota and LimitRange: the per-namespace policies that admission enforces
//! (a ceiling on what a namespace may use, and defaults and bounds per container).

use super::meta::ObjectMeta;
use super::quantity::Quantity;
use serde::{Deserialize, Serialize};

/// Resource names to amounts (`pods: 10`, `requests.cpu: 1`), in name order: a sorted vector
/// of the few pairs (a `BTreeMap` node had room for eleven, copied with every pod).
pub type ResourceList = crate::small_map::SmallMap<String, Quantity>;

/// A ResourceQuota (`v1`): hard limits on what a namespace may hold and use.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuota {
    /// Always `v1`.
    pub api_version: super::event::Label,
    /// Always `ResourceQuota`.
    pub kind: super::event::Label,
    /// Name and namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The hard limits.
    #[serde(default)]
    pub spec: ResourceQuotaSpec,
    /// What is enforced and what is used now.
    #[serde(default)]
    pub status: ResourceQuotaStatus,
}

/// `ResourceQuota.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuotaSpec {
    /// The ceiling per resource name: `pods`, `requests.cpu`, `limits.memory`, `cpu`, `services`, ...
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub hard: ResourceList,
}

/// `ResourceQuota.status`, written by the quota controller and by admission.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceQuotaStatus {
    /// The limits being enforced (a copy of `spec.hard` once the controller saw it).
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub hard: ResourceList,
    /// What the namespace uses of each hard resource.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub used: ResourceList,
}

/// A LimitRange (`v1`): default requests and limits for containers, and their bounds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRange {
    /// Always `v1`.
    pub api_version: super::event::Label,
    /// Always `LimitRange`.
    pub kind: super::event::Label,
    /// Name and namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The rules.
    #[serde(default)]
    pub spec: LimitRangeSpec,
}

/// `LimitRange.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRangeSpec {
    /// One item per type (`Container`, `Pod`).
    #[serde(default)]
    pub limits: Vec<LimitRangeItem>,
}

/// One LimitRange rule: bounds and defaults for a `Container` or a whole `Pod`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LimitRangeItem {
    /// `Container` or `Pod` (also `PersistentVolumeClaim`, stored but not enforced).
    #[serde(rename = "type")]
    pub type_: String,
    /// The largest limit allowed.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub max: ResourceList,
    /// The smallest request allowed.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub min: ResourceList,
    /// The limit given to a container that sets none.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub default: ResourceList,
    /// The request given to a container that sets none.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub default_request: ResourceList,
    /// The largest limit/request ratio allowed.
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub max_limit_request_ratio: ResourceList,
}
