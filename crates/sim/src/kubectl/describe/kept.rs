//! `describe` for the kinds kubeplay stores without simulating: Ingress as describe.go's
//! IngressDescriber lays it out (its backends resolved against the simulated Services and
//! Endpoints), the others as kubectl's generic describer prints any object (every field
//! under a title-cased label).

use super::{annotations, labels, Out};
use crate::api::{Kind, Object, Unsimulated};
use crate::store::{ObjectKey, Store};
use serde_json::Value;

/// Models describe.go describeIngressV1.
pub(super) fn ingress(w: &mut Out, ing: &Unsimulated, store: &Store) {
    let ns = ing.metadata.namespace.as_deref().unwrap_or("default");
    w.line(0, format!("Name:\t{}", ing.metadata.name));
    labels(w, "Labels", &ing.metadata.labels);
    w.line(0, format!("Namespace:\t{ns}"));
    let address: Vec<&str> = ing.at("/status/loadBalancer/ingress").and_then(Value::as_array).into_iter().flatten().filter_map(|i| i.get("ip").or_else(|| i.get("hostname")).and_then(Value::as_str)).collect();
    w.line(0, format!("Address:\t{}", address.join(",")));
    w.line(0, format!("Ingress Class:\t{}", ing.str_at("/spec/ingressClassName").unwrap_or("<none>")));
    match ing.at("/spec/defaultBackend") {
        Some(b) => w.line(0, format!("Default backend:\t{}", backend(b, ns, store))),
        None => w.line(0, "Default backend:\t<default>"),
    }
    if let Some(tls) = ing.at("/spec/tls").and_then(Value::as_array).filter(|t| !t.is_empty()) {
        w.line(0, "TLS:");
        for t in tls {
            let hosts: Vec<&str> = t.get("hosts").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            let secret = t.get("secretName").and_then(Value::as_str).unwrap_or("SNI");
            w.line(1, format!("{secret} terminates {}", hosts.join(",")));
        }
    }
    w.line(0, "Rules:");
    w.line(1, "Host\tPath\tBackends");
    w.line(1, "----\t----\t--------");
    let rules: Vec<&Value> = ing.at("/spec/rules").and_then(Value::as_array).into_iter().flatten().filter(|r| r.get("http").is_some()).collect();
    for rule in &rules {
        w.line(1, format!("{}\t", rule.get("host").and_then(Value::as_str).filter(|h| !h.is_empty()).unwrap_or("*")));
        for path in rule.pointer("/http/paths").and_then(Value::as_array).into_iter().flatten() {
            let shown = backend(path.get("backend").unwrap_or(&Value::Null), ns, store);
            w.line(2, format!("\t{} \t{shown}", path.get("path").and_then(Value::as_str).unwrap_or("")));
        }
    }
    if rules.is_empty() {
        let default = ing.at("/spec/defaultBackend").map_or_else(|| "<default>".to_string(), |b| backend(b, ns, store));
        w.line(1, format!("*\t*\t{default}"));
    }
    annotations(w, "Annotations", &ing.metadata.annotations);
}

/// A backend as `service:port (endpoints)`, the endpoints read from the store.
fn backend(b: &Value, ns: &str, store: &Store) -> String {
    let Some(svc) = b.get("service") else { return String::new() };
    let name = svc.get("name").and_then(Value::as_str).unwrap_or("");
    let port = svc.get("port").unwrap_or(&Value::Null);
    let (number, port_name) = (port.get("number").and_then(Value::as_i64), port.get("name").and_then(Value::as_str));
    let shown = format!("{name}:{}", number.map_or_else(|| port_name.unwrap_or("").to_string(), |n| n.to_string()));
    let get = |kind: Kind| store.get(&ObjectKey { kind, namespace: ns.to_string(), name: name.to_string() });
    let Some(ep) = get(Kind::Endpoints).and_then(|o| o.as_endpoints().cloned()) else {
        return format!("{shown} (<error: endpoints {name:?} not found>)");
    };
    let Some(service) = get(Kind::Service).and_then(|o| o.as_service().cloned()) else {
        // Upstream's format for this case has no space before the parenthesis.
        return format!("{shown}(<error: services {name:?} not found>)");
    };
    let wanted = service.spec.ports.iter().find(|p| number.is_some_and(|n| i64::from(p.port) == n) || port_name.is_some_and(|n| p.name.as_deref() == Some(n))).and_then(|p| p.name.clone()).unwrap_or_default();
    let mut list = Vec::new();
    for subset in &ep.subsets {
        for p in subset.ports.iter().filter(|p| p.name.clone().unwrap_or_default() == wanted) {
            list.extend(subset.addresses.iter().map(|a| format!("{}:{}", a.ip, p.port)));
        }
    }
    let cell = match list.len() {
        0 => "<none>".to_string(),
        n if n > 3 => format!("{} + {} more...", list[..3].join(","), n - 3),
        _ => list.join(","),
    };
    format!("{shown} ({cell})")
}

/// kubectl's generic describer: the object's type, metadata and every other field, each
/// under its name written as words (`ingressClassName` → `Ingress Class Name`).
pub(super) fn generic(w: &mut Out, o: &Object) {
    let meta = o.meta();
    w.line(0, format!("Name:\t{}", meta.name));
    if o.kind().namespaced() {
        w.line(0, format!("Namespace:\t{}", o.namespace()));
    }
    labels(w, "Labels", &meta.labels);
    annotations(w, "Annotations", &meta.annotations);
    let mut tree = serde_json::to_value(o).unwrap_or_default();
    if let Some(m) = tree.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in ["name", "namespace", "labels", "annotations"] {
            m.remove(k);
        }
    }
    if let Value::Object(map) = tree {
        let first = ["apiVersion", "kind", "metadata"];
        let order = first.iter().filter_map(|k| map.get_key_value(*k)).chain(map.iter().filter(|(k, _)| !first.contains(&k.as_str())));
        for (k, v) in order {
            field(w, 0, k, v);
        }
    }
}

/// One field and what it holds, nested two spaces a level.
fn field(w: &mut Out, level: usize, key: &str, value: &Value) {
    match value {
        Value::Object(m) => {
            w.line(level, format!("{}:", label(key)));
            for (k, v) in m {
                field(w, level + 1, k, v);
            }
        }
        Value::Array(items) => {
            w.line(level, format!("{}:", label(key)));
            for item in items {
                match item {
                    Value::Object(m) => m.iter().for_each(|(k, v)| field(w, level + 1, k, v)),
                    other => w.line(level + 1, scalar(other)),
                }
            }
        }
        other => w.line(level, format!("{}:\t{}", label(key), scalar(other))),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `ingressClassName` → `Ingress Class Name`, `apiVersion` → `API Version`, `uid` → `UID`.
fn label(key: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for c in key.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(c.to_ascii_uppercase().to_string());
        } else if let Some(last) = words.last_mut() {
            last.push(c);
        }
    }
    words.iter().map(|w| if ["Api", "Uid", "Ip", "Url", "Id"].contains(&w.as_str()) { w.to_ascii_uppercase() } else { w.clone() }).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn field_names_become_words_with_kubectls_acronyms() {
        assert_eq!(super::label("ingressClassName"), "Ingress Class Name");
        assert_eq!(super::label("apiVersion"), "API Version");
        assert_eq!(super::label("uid"), "UID");
        assert_eq!(super::label("storage"), "Storage");
    }
}
