//! EndpointSlice (`discovery.k8s.io/v1`): the Service's endpoints in slices of up to
//! 100, each endpoint with its ready, serving and terminating conditions.

use super::event::ObjectReference;
use super::meta::ObjectMeta;
use serde::{Deserialize, Serialize};

/// An EndpointSlice, kept by the EndpointSlice controller for a Service with a selector.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSlice {
    /// Always `discovery.k8s.io/v1`.
    pub api_version: super::event::Label,
    /// Always `EndpointSlice`.
    pub kind: super::event::Label,
    /// `<service>-<suffix>`, labelled `kubernetes.io/service-name`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// `IPv4`.
    #[serde(default)]
    pub address_type: String,
    /// The pods behind the Service.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// The ports they serve.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<EndpointSlicePort>,
}

/// One pod in a slice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The pod IP.
    #[serde(default)]
    pub addresses: Vec<String>,
    /// Whether kube-proxy may send it traffic.
    #[serde(default)]
    pub conditions: EndpointConditions,
    /// The node the pod runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// The pod.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<ObjectReference>,
}

/// An endpoint's conditions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConditions {
    /// Ready and not terminating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    /// Ready, whether terminating or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<bool>,
    /// Being deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminating: Option<bool>,
}

/// A port of a slice.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSlicePort {
    /// The Service port's name ("" when unnamed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The pod port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    /// `TCP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

impl EndpointConditions {
    /// `ready`, read as kube-proxy does: unset means ready.
    pub fn is_ready(&self) -> bool {
        self.ready.unwrap_or(true)
    }

    /// `serving`: unset means the same as `ready`.
    pub fn is_serving(&self) -> bool {
        self.serving.unwrap_or_else(|| self.is_ready())
    }

    /// `terminating`: unset means not terminating.
    pub fn is_terminating(&self) -> bool {
        self.terminating.unwrap_or(false)
    }
}
