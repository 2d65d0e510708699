//! `describe service` and `describe hpa` (kubectl-output.md 3.5 and 3.6, v1.28 layouts).

use super::{name_namespace_labels, rfc1123z, Out};
use crate::api::{HorizontalPodAutoscaler, IntOrString, Kind, Object, Service};
use crate::store::{ObjectKey, Store};

fn or_none(values: Vec<String>) -> String {
    if values.is_empty() { "<none>".into() } else { values.join(",") }
}

/// The ready `ip:port` pairs of a Service port's Endpoints, as v1.28 prints them.
fn endpoints_for(store: &Store, svc: &Service, port_name: Option<&str>) -> String {
    let key = ObjectKey { kind: Kind::Endpoints, namespace: svc.metadata.namespace.clone().unwrap_or_default(), name: svc.metadata.name.clone() };
    let Some(ep) = store.get(&key).and_then(Object::as_endpoints).filter(|ep| !ep.subsets.is_empty()) else { return "<none>".into() };
    let mut list = Vec::new();
    for subset in &ep.subsets {
        for p in subset.ports.iter().filter(|p| p.name.as_deref() == port_name || subset.ports.len() == 1) {
            list.extend(subset.addresses.iter().map(|a| format!("{}:{}", a.ip, p.port)));
        }
    }
    match list.len() {
        0..=3 => list.join(","),
        n => format!("{} + {} more...", list[..3].join(","), n - 3),
    }
}

/// Models describe.go ServiceDescriber (v1.28 reads the Endpoints object).
pub(super) fn service(w: &mut Out, svc: &Service, store: &Store) {
    let s = &svc.spec;
    name_namespace_labels(w, &svc.metadata);
    w.line(0, format!("Selector:\t{}", or_none(s.selector.iter().map(|(k, v)| format!("{k}={v}")).collect())));
    w.line(0, format!("Type:\t{}", svc.type_name()));
    if let Some(policy) = &s.ip_family_policy {
        w.line(0, format!("IP Family Policy:\t{policy}"));
    }
    w.line(0, format!("IP Families:\t{}", or_none(s.ip_families.clone())));
    w.line(0, format!("IP:\t{}", s.cluster_ip.clone().unwrap_or_default()));
    w.line(0, format!("IPs:\t{}", or_none(s.cluster_ips.clone())));
    if !s.external_ips.is_empty() {
        w.line(0, format!("External IPs:\t{}", s.external_ips.join(",")));
    }
    if let Some(name) = &s.external_name {
        w.line(0, format!("External Name:\t{name}"));
    }
    let ingress: Vec<String> = svc.status.load_balancer.ingress.iter().filter_map(|i| i.ip.clone()).collect();
    if !ingress.is_empty() {
        w.line(0, format!("LoadBalancer Ingress:\t{}", ingress.join(", ")));
    }
    for p in &s.ports {
        let name = p.name.clone().unwrap_or_else(|| "<unset>".into());
        let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
        w.line(0, format!("Port:\t{name}  {}/{proto}", p.port));
        let target = match &p.target_port {
            Some(IntOrString::Int(n)) => n.to_string(),
            Some(IntOrString::String(t)) => t.clone(),
            None => p.port.to_string(),
        };
        w.line(0, format!("TargetPort:\t{target}/{proto}"));
        if let Some(np) = p.node_port {
            w.line(0, format!("NodePort:\t{name}  {np}/{proto}"));
        }
        w.line(0, format!("Endpoints:\t{}", endpoints_for(store, svc, p.name.as_deref())));
    }
    w.line(0, format!("Session Affinity:\t{}", s.session_affinity.clone().unwrap_or_else(|| "None".into())));
    if let Some(policy) = s.external_traffic_policy.as_ref().filter(|_| svc.has_node_ports()) {
        w.line(0, format!("External Traffic Policy:\t{policy}"));
    }
}

/// Models describe.go HorizontalPodAutoscalerDescriber (autoscaling/v2).
pub(super) fn hpa(w: &mut Out, hpa: &HorizontalPodAutoscaler) {
    name_namespace_labels(w, &hpa.metadata);
    w.line(0, format!("CreationTimestamp:\t{}", rfc1123z(hpa.metadata.creation_timestamp)));
    let r = &hpa.spec.scale_target_ref;
    w.line(0, format!("Reference:\t{}/{}", r.kind, r.name));
    w.line(0, "Metrics:\t( current / target )");
    for (i, m) in hpa.spec.metrics.iter().enumerate() {
        let Some(res) = &m.resource else { continue };
        let current = hpa.status.current_metrics.get(i).and_then(|c| c.resource.as_ref()).map(|c| &c.current);
        // An AverageValue target wins over a utilization, as upstream checks it first.
        if let Some(target) = &res.target.average_value {
            let cur = current.and_then(|c| c.average_value.as_ref()).map_or("<unknown>".into(), ToString::to_string);
            w.line(1, format!("resource {} on pods:\t{cur} / {target}", res.name));
            continue;
        }
        let cur = match current.and_then(|c| c.average_utilization) {
            Some(u) => format!("{u}% ({})", current.and_then(|c| c.average_value.as_ref()).map_or("<nil>".into(), ToString::to_string)),
            None => "<unknown>".into(),
        };
        let target = res.target.average_utilization.map_or("<auto>".into(), |t| format!("{t}%"));
        w.line(1, format!("resource {} on pods  (as a percentage of request):\t{cur} / {target}", res.name));
    }
    w.line(0, format!("Min replicas:\t{}", hpa.spec.min_replicas.map_or("<unset>".into(), |m| m.to_string())));
    w.line(0, format!("Max replicas:\t{}", hpa.spec.max_replicas));
    w.line(0, format!("{} pods:\t{} current / {} desired", r.kind, hpa.status.current_replicas, hpa.status.desired_replicas));
    if !hpa.status.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason\tMessage");
        w.line(1, "----\t------\t------\t-------");
        for c in &hpa.status.conditions {
            w.line(1, format!("{}\t{}\t{}\t{}", c.type_, c.status, c.reason.as_deref().unwrap_or(""), c.message.as_deref().unwrap_or("")));
        }
    }
}
