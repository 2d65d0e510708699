//! ObjectMeta and the pieces every object shares.

use crate::clock::Time;
use serde::{Deserialize, Serialize};

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// Labels, annotations and the like: a few string pairs in key order, shared between copies
/// of an object until one changes them.
pub use super::string_map::StringMap;

/// `metadata` of every object, with Kubernetes' field names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// Unique within the namespace (or the cluster, for cluster-scoped kinds).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Prefix for a server-generated name when `name` is empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    /// The namespace, for namespaced kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Set by the API server on creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<std::sync::Arc<str>>,
    /// The store's version of this object, as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Bumped on every spec change.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub generation: i64,
    /// Set by the API server on creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    /// Set when a graceful deletion starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    /// The grace period of a pending deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Identifying key/value pairs that selectors match.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub labels: StringMap,
    /// Non-identifying key/value pairs.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub annotations: StringMap,
    /// The objects this one belongs to (garbage collection, adoption).
    #[serde(default, skip_serializing_if = "<[OwnerReference]>::is_empty")]
    pub owner_references: super::SharedVec<OwnerReference>,
    /// Keys that must be removed before the object is deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    /// Real fields of the object (or pod template) this metadata belongs to that kubeplay
    /// keeps without simulating them; written back wherever the object is shown.
    #[serde(skip)]
    pub unsimulated: Option<Box<super::unsimulated::KeptFields>>,
}

/// A pointer to an owning object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// The owner's apiVersion.
    pub api_version: super::event::Label,
    /// The owner's kind.
    pub kind: super::event::Label,
    /// The owner's name.
    pub name: String,
    /// The owner's uid.
    pub uid: String,
    /// True for the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// Foreground deletion waits for this owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// A `status.conditions[]` entry, shared by Pods and Nodes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The condition's name, e.g. `Ready`.
    #[serde(rename = "type")]
    pub type_: super::event::Label,
    /// `True`, `False` or `Unknown`.
    pub status: super::event::Label,
    /// When the node last reported it (nodes only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Time>,
    /// When the probe last ran (pods only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_probe_time: Option<Time>,
    /// When the condition was last updated (Deployments: last progress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<Time>,
    /// When `status` last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// A CamelCase reason for the last transition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Condition {
    /// A condition with only type, status and transition time set.
    pub fn new(type_: &'static str, status: bool, at: Time) -> Self {
        Condition {
            type_: type_.into(),
            status: if status { "True" } else { "False" }.into(),
            last_transition_time: Some(at),
            ..Default::default()
        }
    }
}

/// Finds a condition by type.
pub fn condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// Models pkg/controller/deployment/util SetDeploymentCondition: the changed condition
/// moves to the end of the list (so a rolled-out Deployment lists Available, then Progressing).
pub fn set_condition_last(conditions: &mut Vec<Condition>, mut new: Condition) {
    if let Some(old) = conditions.iter().find(|c| c.type_ == new.type_) {
        if old.status == new.status {
            new.last_transition_time = old.last_transition_time;
        }
    }
    conditions.retain(|c| c.type_ != new.type_);
    conditions.push(new);
}

/// Sets a condition's status, keeping `lastTransitionTime` when the status is unchanged.
pub fn set_condition(conditions: &mut Vec<Condition>, mut new: Condition) {
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        Some(old) => {
            if old.status == new.status {
                new.last_transition_time = old.last_transition_time;
            }
            *old = new;
        }
        None => conditions.push(new),
    }
}

/// `spec.taints[]` on a Node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    /// The taint key.
    pub key: String,
    /// The taint value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: String,
    /// When a NoExecute taint was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_added: Option<Time>,
}

/// `spec.tolerations[]` on a Pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    /// The taint key to match; empty with `Exists` matches every key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `Equal` (the default) or `Exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// The value to match with `Equal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The effect to match; empty matches every effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<String>,
    /// How long a NoExecute taint is tolerated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// Models pkg/apis/core/v1/helper ToleratesTaint (staging/src/k8s.io/api/core/v1/toleration.go).
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if let Some(effect) = self.effect.as_deref().filter(|e| !e.is_empty()) {
            if effect != taint.effect {
                return false;
            }
        }
        let key = self.key.as_deref().unwrap_or("");
        if !key.is_empty() && key != taint.key {
            return false;
        }
        match self.operator.as_deref().unwrap_or("Equal") {
            "Exists" => true,
            "Equal" | "" => self.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: Option<&str>, effect: &str) -> Taint {
        Taint { key: key.into(), value: value.map(Into::into), effect: effect.into(), time_added: None }
    }

    #[test]
    fn tolerations_match_like_upstream() {
        let cp = taint("node-role.kubernetes.io/control-plane", None, "NoSchedule");
        let exists = Toleration { key: Some(cp.key.clone()), operator: Some("Exists".into()), effect: Some("NoSchedule".into()), ..Default::default() };
        assert!(exists.tolerates(&cp));
        let wrong_effect = Toleration { effect: Some("NoExecute".into()), ..exists.clone() };
        assert!(!wrong_effect.tolerates(&cp));
        let everything = Toleration { operator: Some("Exists".into()), ..Default::default() };
        assert!(everything.tolerates(&cp));
        let equal = Toleration { key: Some("dedicated".into()), value: Some("gpu".into()), ..Default::default() };
        assert!(equal.tolerates(&taint("dedicated", Some("gpu"), "NoSchedule")));
        assert!(!equal.tolerates(&taint("dedicated", Some("cpu"), "NoSchedule")));
    }

    #[test]
    fn set_condition_keeps_transition_time_when_status_unchanged() {
        let mut cs = vec![Condition::new("Ready", true, Time(1000))];
        set_condition(&mut cs, Condition::new("Ready", true, Time(5000)));
        assert_eq!(cs[0].last_transition_time, Some(Time(1000)));
        set_condition(&mut cs, Condition::new("Ready", false, Time(6000)));
        assert_eq!(cs[0].last_transition_time, Some(Time(6000)));
        assert_eq!(condition(&cs, "Ready").map(|c| &*c.status), Some("False"));
    }
}
