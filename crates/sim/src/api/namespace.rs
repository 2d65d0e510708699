//! Namespace: a scope for names, quotas and policies.

use super::meta::{Condition, ObjectMeta};
use serde::{Deserialize, Serialize};

/// A Namespace object (`v1`, cluster-scoped).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    /// Always `v1`.
    pub api_version: super::event::Label,
    /// Always `Namespace`.
    pub kind: super::event::Label,
    /// The namespace's name and labels.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Finalizers that must run before the namespace goes away.
    #[serde(default)]
    pub spec: NamespaceSpec,
    /// `Active` or `Terminating`.
    #[serde(default)]
    pub status: NamespaceStatus,
}

/// `Namespace.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamespaceSpec {
    /// `kubernetes` until the namespace controller has emptied it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

/// `Namespace.status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NamespaceStatus {
    /// `Active` or `Terminating`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// While terminating: what the namespace controller still waits for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
