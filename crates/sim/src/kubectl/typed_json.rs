//! JSON as kubectl prints a typed object (`create deployment ... -o json`): fields in the
//! order of the Go structs (`kind` and `apiVersion` first, `metadata.name` before
//! `namespace`, a container's `name` before its `image` ...), indented by four spaces.
//! `get -o json` prints decoded maps instead, whose keys are sorted; that is `json_text`.

use super::jsonpath::go_marshal;
use serde_json::Value;

/// Field names in an order that agrees with every Go struct the generators print (each
/// struct's fields appear here in its own order); other names follow, sorted.
const FIELD_ORDER: &[&str] = &[
    "kind", "apiVersion", "metadata", "immutable", "spec", "data", "stringData", "binaryData",
    "name", "generateName", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "labels", "annotations", "ownerReferences",
    "image", "command", "args", "workingDir",
    "replicas", "parallelism", "completions", "volumes", "initContainers", "containers", "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName", "backoffLimit",
    "ports", "envFrom", "env", "resources", "limits", "requests",
    "selector", "manualSelector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit", "paused", "progressDeadlineSeconds",
    "clusterIP", "clusterIPs", "type", "rollingUpdate", "externalIPs", "sessionAffinity", "externalName",
    "hostPort", "containerPort", "protocol", "appProtocol", "port", "targetPort", "nodePort",
    "value", "valueFrom", "matchLabels", "matchExpressions", "hard", "scopes",
    "status",
];

/// Fields that are Go maps, not structs: their keys are the user's (label names, data
/// keys) and print sorted, whatever they are called.
const MAP_FIELDS: &[&str] = &["data", "stringData", "binaryData", "labels", "annotations", "matchLabels", "nodeSelector", "hard", "limits", "requests"];

/// A core/v1 Event's fields, in the Go struct's order.
const EVENT_ORDER: &[&str] = &[
    "kind", "apiVersion", "metadata", "involvedObject", "reason", "message", "source", "firstTimestamp", "lastTimestamp", "count", "type", "eventTime", "series", "action", "related", "reportingComponent", "reportingInstance",
];

/// An ObjectReference's fields (an Event's `involvedObject`), in the Go struct's order.
const REFERENCE_ORDER: &[&str] = &["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

/// An EventSource's fields.
const SOURCE_ORDER: &[&str] = &["component", "host"];

/// Which Go type an object is printed as: its fields' order.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// A struct whose fields follow [`FIELD_ORDER`].
    Fields,
    /// A Go map: keys sorted.
    Map,
    /// An Event (whose `reason` and `message` come before `type`, unlike a condition's).
    Event,
    /// An ObjectReference (`namespace` before `name`, `apiVersion` after `uid`).
    Reference,
    /// An EventSource.
    Source,
}

fn rank(order: &[&str], key: &str) -> usize {
    order.iter().position(|k| *k == key).unwrap_or(order.len())
}

/// The shape of field `key`'s value `v` in an object of shape `parent`.
fn shape_of(parent: Shape, key: &str, v: &Value) -> Shape {
    match (parent, key) {
        (Shape::Event, "involvedObject" | "related") => Shape::Reference,
        (Shape::Event, "source") => Shape::Source,
        _ if is_map(key, v) => Shape::Map,
        _ => Shape::Fields,
    }
}

/// Whether the value of field `key` is a map (a Service's `selector` is; a Deployment's,
/// with `matchLabels`, is a struct).
fn is_map(key: &str, v: &Value) -> bool {
    MAP_FIELDS.contains(&key) || (key == "selector" && v.get("matchLabels").is_none() && v.get("matchExpressions").is_none())
}

fn write(v: &Value, depth: usize, shape: Shape, pretty: bool, out: &mut String) {
    let indent = |d: usize| if pretty { "    ".repeat(d) } else { String::new() };
    let (open_object, open_array, colon, comma, last) = if pretty { ("{\n", "[\n", ": ", ",\n", "\n") } else { ("{", "[", ":", ",", "") };
    match v {
        Value::Object(map) if !map.is_empty() => {
            let shape = if shape == Shape::Fields && map.get("kind").and_then(Value::as_str) == Some("Event") { Shape::Event } else { shape };
            let mut keys: Vec<&String> = map.keys().collect();
            // A stable sort: names of equal rank (unknown ones, a map's keys) stay sorted.
            let order = match shape {
                Shape::Map => None,
                Shape::Fields => Some(FIELD_ORDER),
                Shape::Event => Some(EVENT_ORDER),
                Shape::Reference => Some(REFERENCE_ORDER),
                Shape::Source => Some(SOURCE_ORDER),
            };
            if let Some(order) = order {
                crate::sorting::sort_by_key(&mut keys, |k| rank(order, k));
            }
            out.push_str(open_object);
            for (i, k) in keys.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                out.push_str(&go_marshal(&Value::String((*k).clone())));
                out.push_str(colon);
                let value = &map[k.as_str()];
                write(value, depth + 1, shape_of(shape, k, value), pretty, out);
                out.push_str(if i + 1 < keys.len() { comma } else { last });
            }
            out.push_str(&indent(depth));
            out.push('}');
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str(open_array);
            for (i, item) in items.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                write(item, depth + 1, Shape::Fields, pretty, out);
                out.push_str(if i + 1 < items.len() { comma } else { last });
            }
            out.push_str(&indent(depth));
            out.push(']');
        }
        other => out.push_str(&go_marshal(other)),
    }
}

/// A typed object's JSON as kubectl prints it (no final line break).
pub fn typed_json(v: &Value) -> String {
    let mut out = String::new();
    write(v, 0, Shape::Fields, true, &mut out);
    out
}

/// A typed object's JSON on one line, as Go's json.Marshal writes it (what `--save-config`
/// keeps in the last-applied annotation).
pub fn typed_json_compact(v: &Value) -> String {
    let mut out = String::new();
    write(v, 0, Shape::Fields, false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::typed_json;

    #[test]
    fn fields_follow_the_go_structs() {
        let v = serde_json::json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"creationTimestamp": null, "name": "x", "namespace": "team"}, "type": "Opaque", "data": {"type": "Yg==", "a": "YQ=="}, "extra": []});
        assert_eq!(
            typed_json(&v),
            "{\n    \"kind\": \"Secret\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"x\",\n        \"namespace\": \"team\",\n        \"creationTimestamp\": null\n    },\n    \"data\": {\n        \"a\": \"YQ==\",\n        \"type\": \"Yg==\"\n    },\n    \"type\": \"Opaque\",\n    \"extra\": []\n}"
        );
    }
}
