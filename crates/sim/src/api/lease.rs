//! Lease (`coordination.k8s.io/v1`): the kubelet's heartbeat, renewed every 10 s
//! in `kube-node-lease`; the node lifecycle controller watches it.

use super::meta::ObjectMeta;
use crate::clock::Time;
use serde::{Deserialize, Serialize};

/// A Lease object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Lease {
    /// `coordination.k8s.io/v1`.
    pub api_version: super::event::Label,
    /// `Lease`.
    pub kind: super::event::Label,
    /// Named after the node, in `kube-node-lease`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Holder and renewal time.
    #[serde(default)]
    pub spec: LeaseSpec,
}

/// `Lease.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseSpec {
    /// The node name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_identity: Option<String>,
    /// 40 for node leases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    /// The last renewal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<Time>,
}

impl Lease {
    /// Sets `apiVersion` and `kind`.
    pub fn set_type_meta_fields(&mut self) {
        self.api_version = "coordination.k8s.io/v1".into();
        self.kind = "Lease".into();
    }
}
