//! What kubeplay keeps without simulating it: objects of kinds a real cluster serves but
//! no kubeplay component acts on (Ingress, PersistentVolumeClaim, StatefulSet ...), and
//! real fields of the simulated kinds that nothing reads (`volumes`, `volumeMounts`,
//! `securityContext` ...). Both are stored as written, so `kubectl get -o yaml`, `edit`
//! and `describe` show them and pods made from a template carry them; apply prints a note
//! that they have no effect.

use super::meta::ObjectMeta;
use super::Kind;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Real fields kubeplay accepts but does not simulate, kept as written: the field's path
/// (relative to the object or pod template that holds them, e.g.
/// `spec.containers[0].volumeMounts`) and its JSON value.
pub type KeptFields = BTreeMap<String, Value>;

/// An object of a kind kubeplay stores but does not simulate: its type and metadata are
/// read like any object's, the rest (`spec`, `rules`, `status` ...) is kept as JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsimulated {
    /// The kind, one of [`Kind::is_simulated`]'s `false` ones.
    pub kind_id: Kind,
    /// `apiVersion`.
    pub api_version: super::event::Label,
    /// `kind`.
    pub kind: super::event::Label,
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// Every other top-level field, in name order.
    pub body: Map<String, Value>,
}

impl Unsimulated {
    /// Reads an object of `kind` from its JSON form; only `metadata` is checked.
    pub fn from_value(kind: Kind, value: &Value) -> Result<(Unsimulated, Vec<String>), crate::decode::DecodeError> {
        let mut body = value.as_object().cloned().unwrap_or_default();
        let meta = body.remove("metadata").unwrap_or_else(|| Value::Object(Map::new()));
        let (metadata, unknown) = crate::decode::decode::<ObjectMeta>(&meta).map_err(|mut e| {
            e.path = if e.path.is_empty() { "metadata".into() } else { format!("metadata.{}", e.path) };
            e
        })?;
        let unknown = unknown.into_iter().map(|p| format!("metadata.{p}")).collect();
        body.remove("apiVersion");
        body.remove("kind");
        Ok((Unsimulated { kind_id: kind, api_version: kind.api_version().into(), kind: kind.name().into(), metadata, body }, unknown))
    }

    /// A string at a JSON pointer into the body (`/spec/ingressClassName`).
    pub fn str_at(&self, pointer: &str) -> Option<&str> {
        self.at(pointer)?.as_str()
    }

    /// The value at a JSON pointer into the body.
    pub fn at(&self, pointer: &str) -> Option<&Value> {
        let p = pointer.strip_prefix('/')?;
        let (first, rest) = p.split_once('/').unwrap_or((p, ""));
        let top = self.body.get(first)?;
        if rest.is_empty() { Some(top) } else { top.pointer(&format!("/{rest}")) }
    }
}

impl Serialize for Unsimulated {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3 + self.body.len()))?;
        map.serialize_entry("apiVersion", &self.api_version)?;
        map.serialize_entry("kind", &self.kind)?;
        map.serialize_entry("metadata", &self.metadata)?;
        for (k, v) in &self.body {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One step of a kept field's path: a field name or a list index.
enum Step<'a> {
    Field(&'a str),
    Index(usize),
}

/// `spec.containers[0].volumeMounts` as steps.
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        out.push(Step::Field(name));
        while !rest.is_empty() {
            let (index, after) = rest.split_once(']')?;
            out.push(Step::Index(index.parse().ok()?));
            rest = after.strip_prefix('[').unwrap_or(after);
        }
    }
    Some(out)
}

/// The value a kept path names in a JSON tree.
pub fn value_at<'v>(tree: &'v Value, path: &str) -> Option<&'v Value> {
    steps(path)?.iter().try_fold(tree, |v, step| match step {
        Step::Field(name) => v.get(name),
        Step::Index(i) => v.get(i),
    })
}

/// Writes a kept field back into a JSON tree, creating the objects on its way; a list
/// index that does not exist (the list changed) drops the field.
pub fn restore(tree: &mut Value, kept: &KeptFields) {
    for (path, value) in kept {
        if let Some(steps) = steps(path) {
            put(tree, &steps, value);
        }
    }
}

fn put(at: &mut Value, steps: &[Step<'_>], value: &Value) {
    match steps {
        [Step::Field(name)] => {
            if let Value::Object(m) = at {
                m.insert((*name).to_string(), value.clone());
            }
        }
        [Step::Field(name), rest @ ..] => {
            if let Value::Object(m) = at {
                put(m.entry((*name).to_string()).or_insert_with(|| Value::Object(Map::new())), rest, value);
            }
        }
        [Step::Index(i), rest @ ..] => {
            if let Some(next) = at.get_mut(*i) {
                put(next, rest, value);
            }
        }
        [] => {}
    }
}

/// Serializes `inner` with the kept fields written back, or as it is when none are kept.
pub fn serialize_with<T: Serialize, S: Serializer>(inner: &T, kept: Option<&KeptFields>, s: S) -> Result<S::Ok, S::Error> {
    match kept.filter(|k| !k.is_empty()) {
        None => inner.serialize(s),
        Some(kept) => {
            let mut tree = serde_json::to_value(inner).map_err(serde::ser::Error::custom)?;
            restore(&mut tree, kept);
            tree.serialize(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kept_paths_are_read_and_written_back_through_lists() {
        let tree = json!({"spec": {"containers": [{"name": "a", "volumeMounts": [{"name": "d", "mountPath": "/d"}]}], "volumes": [{"name": "d"}]}});
        assert_eq!(value_at(&tree, "spec.containers[0].volumeMounts"), Some(&json!([{"name": "d", "mountPath": "/d"}])));
        assert_eq!(value_at(&tree, "spec.containers[1].volumeMounts"), None);
        let mut bare = json!({"spec": {"containers": [{"name": "a"}]}});
        let kept: KeptFields = [
            ("spec.volumes".to_string(), json!([{"name": "d"}])),
            ("spec.containers[0].volumeMounts".to_string(), json!([{"name": "d", "mountPath": "/d"}])),
            ("spec.containers[3].volumeMounts".to_string(), json!([])),
            ("spec.affinity.podAffinity".to_string(), json!({})),
        ]
        .into_iter()
        .collect();
        restore(&mut bare, &kept);
        assert_eq!(bare["spec"]["volumes"], json!([{"name": "d"}]));
        assert_eq!(bare["spec"]["containers"][0]["volumeMounts"][0]["mountPath"], "/d");
        assert_eq!(bare["spec"]["containers"].as_array().map(Vec::len), Some(1), "a missing list entry is not invented");
        assert_eq!(bare["spec"]["affinity"], json!({"podAffinity": {}}), "objects on the way are created");
    }
}
