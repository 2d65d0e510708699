//! `--field-selector`: `field=value`, `field==value` and `field!=value` terms joined by
//! commas, over the fields the API server lets each kind be selected by (every kind:
//! `metadata.name` and `metadata.namespace`; pods their node, phase, IP ...; events what
//! they are about). Other fields get the API server's BadRequest.

use crate::api::{Kind, Object};
use serde_json::Value;

/// One parsed term.
#[derive(Clone, Debug, PartialEq)]
struct Term {
    field: String,
    equal: bool,
    value: String,
}

/// A parsed `--field-selector`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSelector {
    text: String,
    terms: Vec<Term>,
}

/// The fields besides `metadata.name` and `metadata.namespace` each kind is selectable by,
/// with where their value is in the object's JSON.
fn kind_fields(kind: Kind) -> &'static [(&'static str, &'static str)] {
    match kind {
        Kind::Pod => &[
            ("spec.nodeName", "/spec/nodeName"),
            ("spec.restartPolicy", "/spec/restartPolicy"),
            ("spec.schedulerName", "/spec/schedulerName"),
            ("spec.serviceAccountName", "/spec/serviceAccountName"),
            ("spec.hostNetwork", "/spec/hostNetwork"),
            ("status.phase", "/status/phase"),
            ("status.podIP", "/status/podIP"),
            ("status.nominatedNodeName", "/status/nominatedNodeName"),
        ],
        Kind::Event => &[
            ("involvedObject.kind", "/involvedObject/kind"),
            ("involvedObject.namespace", "/involvedObject/namespace"),
            ("involvedObject.name", "/involvedObject/name"),
            ("involvedObject.uid", "/involvedObject/uid"),
            ("involvedObject.apiVersion", "/involvedObject/apiVersion"),
            ("involvedObject.resourceVersion", "/involvedObject/resourceVersion"),
            ("involvedObject.fieldPath", "/involvedObject/fieldPath"),
            ("reason", "/reason"),
            ("reportingComponent", "/reportingComponent"),
            ("source", "/source/component"),
            ("type", "/type"),
        ],
        Kind::Node => &[("spec.unschedulable", "/spec/unschedulable")],
        Kind::Namespace => &[("status.phase", "/status/phase")],
        Kind::Secret => &[("type", "/type")],
        Kind::ReplicaSet => &[("status.replicas", "/status/replicas")],
        Kind::Job => &[("status.successful", "/status/succeeded")],
        Kind::Service => &[("spec.clusterIP", "/spec/clusterIP")],
        _ => &[],
    }
}

/// A field's value as the API server compares it: a missing field is empty, except
/// booleans (false) and counts (0).
fn field_value(object: &Value, field: &str, pointer: &str) -> String {
    match object.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None if matches!(field, "spec.hostNetwork" | "spec.unschedulable") => "false".into(),
        Some(Value::Null) | None if matches!(field, "status.replicas" | "status.successful") => "0".into(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

impl FieldSelector {
    /// Parses a selector as the API server does.
    pub fn parse(text: &str) -> Result<FieldSelector, String> {
        let mut terms = Vec::new();
        for part in text.split(',').filter(|p| !p.is_empty()) {
            let (field, equal, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!("error: invalid selector: '{text}'; can't understand '{part}'"));
            };
            terms.push(Term { field: field.trim().into(), equal, value: value.trim().into() });
        }
        Ok(FieldSelector { text: text.into(), terms })
    }

    /// The API server's refusal of a field `kind` cannot be selected by, if any (`labels`:
    /// the `-l` selector given with it, which the message repeats).
    pub fn check(&self, kind: Kind, labels: &str) -> Result<(), String> {
        let known = |f: &str| matches!(f, "metadata.name" | "metadata.namespace") || kind_fields(kind).iter().any(|(k, _)| *k == f);
        match self.terms.iter().find(|t| !known(&t.field)) {
            None => Ok(()),
            Some(t) => {
                let version = kind.api_version();
                let group_version = if version.contains('/') { version.to_string() } else { format!("/{version}") };
                Err(format!(
                    "Error from server (BadRequest): Unable to find \"{group_version}, Resource={}\" that match label selector \"{labels}\", field selector \"{}\": field label not supported: {}",
                    kind.plural(),
                    self.text,
                    t.field
                ))
            }
        }
    }

    /// Whether an object (already checked for its kind) matches every term.
    pub fn matches(&self, o: &Object) -> bool {
        if self.terms.is_empty() {
            return true;
        }
        let value = serde_json::to_value(o).unwrap_or_default();
        self.terms.iter().all(|t| {
            let actual = match t.field.as_str() {
                "metadata.name" => o.name().to_string(),
                "metadata.namespace" => o.namespace().to_string(),
                f => kind_fields(o.kind()).iter().find(|(k, _)| *k == f).map(|(_, p)| field_value(&value, f, p)).unwrap_or_default(),
            };
            (actual == t.value) == t.equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_parse_and_unknown_fields_are_refused_as_the_api_server_does() {
        let s = FieldSelector::parse("status.phase!=Running,spec.nodeName==node-1").unwrap();
        assert_eq!(s.terms.len(), 2);
        assert!(s.check(Kind::Pod, "").is_ok());
        assert_eq!(
            FieldSelector::parse("status.hostIP=10.0.0.1").unwrap().check(Kind::Pod, "").unwrap_err(),
            "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"status.hostIP=10.0.0.1\": field label not supported: status.hostIP"
        );
        assert!(FieldSelector::parse("spec.replicas=2").unwrap().check(Kind::Deployment, "app=web").unwrap_err().contains("\"apps/v1, Resource=deployments\" that match label selector \"app=web\""));
        assert!(FieldSelector::parse("phase").is_err());
    }
}
