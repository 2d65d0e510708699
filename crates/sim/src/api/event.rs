//! Event (`v1`): what happened to an object, as `kubectl describe` and `get events` show it.

use super::meta::ObjectMeta;
use crate::clock::Time;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A string that is most often one of the simulator's own constants (a kind, an apiVersion,
/// a reason, a component), so a copy of an object or an event allocates no copy of it. Every
/// object's `apiVersion` and `kind` and an owner reference's are one: the API server sets
/// them to the constants on each write, where they had been two small allocations.
pub type Label = Cow<'static, str>;

/// A core/v1 Event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// `v1`.
    pub api_version: Label,
    /// `Event`.
    pub kind: Label,
    /// `<object>.<hex>` name in the object's namespace (`default` for cluster-scoped objects).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The object the event is about.
    #[serde(default)]
    pub involved_object: Box<ObjectReference>,
    /// CamelCase reason, e.g. `ScalingReplicaSet`.
    #[serde(default)]
    pub reason: Label,
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// The component that reported it.
    #[serde(default)]
    pub source: EventSource,
    /// First occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<Time>,
    /// Latest occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<Time>,
    /// How often it happened.
    #[serde(default)]
    pub count: i32,
    /// `Normal` or `Warning`.
    #[serde(rename = "type", default)]
    pub type_: Label,
    /// The reporting controller, e.g. `deployment-controller`.
    #[serde(default)]
    pub reporting_component: Label,
    /// The reporting instance (a node name for kubelets).
    #[serde(default)]
    pub reporting_instance: String,
}

/// `involvedObject`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    /// The object's kind.
    #[serde(default)]
    pub kind: Label,
    /// Its namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its uid.
    #[serde(default)]
    pub uid: std::sync::Arc<str>,
    /// Its apiVersion.
    #[serde(default)]
    pub api_version: Label,
    /// Its resourceVersion when the event was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// A part of the object, e.g. `spec.containers{nginx}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field_path: Option<String>,
}

/// `source`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSource {
    /// e.g. `kubelet`, `deployment-controller`.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub component: Label,
    /// The node, for kubelet events.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub host: String,
}
