//! `Object`: any stored object, and `Kind`: the types the API knows.

use super::meta::ObjectMeta;
use super::{Namespace, Node, Pod};
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
}

impl Kind {
    /// Every kind, in discovery order.
    pub const ALL: [Kind; 3] = [Kind::Namespace, Kind::Node, Kind::Pod];

    /// The `kind` field's value.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
        }
    }

    /// The current `apiVersion`.
    pub fn api_version(self) -> &'static str {
        "v1"
    }

    /// The resource name in URLs and `kubectl get`, e.g. `pods`.
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Namespace => "namespaces",
            Kind::Node => "nodes",
            Kind::Pod => "pods",
        }
    }

    /// kubectl's short names, e.g. `po`.
    pub fn short_names(self) -> &'static [&'static str] {
        match self {
            Kind::Namespace => &["ns"],
            Kind::Node => &["no"],
            Kind::Pod => &["po"],
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(self) -> bool {
        matches!(self, Kind::Pod)
    }

    /// Finds a kind by any name kubectl accepts: `Pod`, `pod`, `pods`, `po`.
    pub fn from_resource(word: &str) -> Option<Kind> {
        let w = word.to_ascii_lowercase();
        Kind::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(&w) || k.plural() == w || k.short_names().contains(&w.as_str()))
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

/// Any object the store holds. Serializes as the Kubernetes JSON of the inner object.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Object {
    /// A Namespace.
    Namespace(Namespace),
    /// A Node.
    Node(Node),
    /// A Pod.
    Pod(Pod),
}

impl Object {
    /// The object's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Object::Namespace(_) => Kind::Namespace,
            Object::Node(_) => Kind::Node,
            Object::Pod(_) => Kind::Pod,
        }
    }

    /// The object's metadata.
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
        }
    }

    /// The object's metadata, mutably.
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Namespace(o) => &mut o.metadata,
            Object::Node(o) => &mut o.metadata,
            Object::Pod(o) => &mut o.metadata,
        }
    }

    /// The object's name.
    pub fn name(&self) -> &str {
        &self.meta().name
    }

    /// The namespace, or "" for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or("")
    }

    /// Sets `apiVersion` and `kind` to this kind's current values.
    pub fn set_type_meta(&mut self) {
        let (v, k) = (self.kind().api_version().to_string(), self.kind().name().to_string());
        match self {
            Object::Namespace(o) => (o.api_version, o.kind) = (v, k),
            Object::Node(o) => (o.api_version, o.kind) = (v, k),
            Object::Pod(o) => (o.api_version, o.kind) = (v, k),
        }
    }

    /// The Pod inside, if this is one.
    pub fn as_pod(&self) -> Option<&Pod> {
        match self {
            Object::Pod(p) => Some(p),
            _ => None,
        }
    }

    /// The Node inside, if this is one.
    pub fn as_node(&self) -> Option<&Node> {
        match self {
            Object::Node(n) => Some(n),
            _ => None,
        }
    }

    /// Decodes a typed object of `kind` from its JSON form.
    pub fn from_value(kind: Kind, value: serde_json::Value) -> Result<Object, serde_json::Error> {
        Ok(match kind {
            Kind::Namespace => Object::Namespace(serde_json::from_value(value)?),
            Kind::Node => Object::Node(serde_json::from_value(value)?),
            Kind::Pod => Object::Pod(serde_json::from_value(value)?),
        })
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Object, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let kind_name = value.get("kind").and_then(|k| k.as_str()).unwrap_or_default().to_string();
        let kind = Kind::from_kind_name(&kind_name).ok_or_else(|| serde::de::Error::custom(format!("unknown kind {kind_name:?}")))?;
        Object::from_value(kind, value).map_err(serde::de::Error::custom)
    }
}
