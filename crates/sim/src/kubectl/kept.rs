//! `kubectl get` columns for the kinds kubeplay stores without simulating (Ingress,
//! PersistentVolumeClaim, StatefulSet ...), following the server-side printers of v1.28
//! (pkg/printers/internalversion/printers.go). Nothing reconciles these objects, so the
//! columns a controller would fill stay at their starting values (a claim `Pending`, a
//! StatefulSet `0/3`).

use crate::api::{Kind, LabelSelector, Unsimulated};
use crate::clock::{human_duration, Time};
use serde_json::Value;

/// Column headers of a kept kind (`wide` adds the priority-1 columns).
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    let mut h = match kind {
        Kind::Ingress => vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
        Kind::IngressClass => vec!["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
        Kind::NetworkPolicy => vec!["NAME", "POD-SELECTOR", "AGE"],
        Kind::PersistentVolumeClaim => vec!["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "AGE"],
        Kind::PersistentVolume => vec!["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "REASON", "AGE"],
        Kind::StorageClass => vec!["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"],
        Kind::StatefulSet => vec!["NAME", "READY", "AGE"],
        Kind::CronJob => vec!["NAME", "SCHEDULE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
        Kind::Role | Kind::ClusterRole => vec!["NAME", "CREATED AT"],
        Kind::RoleBinding | Kind::ClusterRoleBinding => vec!["NAME", "ROLE", "AGE"],
        Kind::PodDisruptionBudget => vec!["NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE"],
        _ => vec!["NAME", "AGE"],
    };
    if wide {
        match kind {
            Kind::PersistentVolumeClaim | Kind::PersistentVolume => h.push("VOLUMEMODE"),
            Kind::StatefulSet => h.extend(["CONTAINERS", "IMAGES"]),
            Kind::CronJob => h.extend(["CONTAINERS", "IMAGES", "SELECTOR"]),
            Kind::RoleBinding | Kind::ClusterRoleBinding => h.extend(["USERS", "GROUPS", "SERVICEACCOUNTS"]),
            _ => {}
        }
    }
    h
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn list<'a>(o: &'a Unsimulated, pointer: &str) -> &'a [Value] {
    o.at(pointer).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// `ReadWriteOnce` ... as kubectl abbreviates them: `RWO,ROX,RWX,RWOP`, in that order.
fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")].iter().filter(|(m, _)| has(m)).map(|(_, a)| *a).collect::<Vec<_>>().join(",")
}

/// A label selector cell: `<none>` for an empty one (FormatLabelSelector).
fn selector_cell(v: Option<&Value>) -> String {
    let selector: LabelSelector = v.and_then(|v| crate::decode::decode(v).ok()).map(|(s, _)| s).unwrap_or_default();
    let s = selector.to_string();
    if s.is_empty() { "<none>".into() } else { s }
}

/// The containers of a pod template at `pointer`: (names, images), comma-joined.
fn template_columns(o: &Unsimulated, pointer: &str) -> [String; 2] {
    let containers = list(o, pointer);
    let field = |k: &str| containers.iter().map(|c| text(c.get(k))).collect::<Vec<_>>().join(",");
    [field("name"), field("image")]
}

/// One row for a kept object.
pub fn row(o: &Unsimulated, now: Time, wide: bool) -> Vec<String> {
    let name = o.metadata.name.clone();
    let age = o.metadata.creation_timestamp.map_or_else(|| "<unknown>".into(), |t| human_duration(now - t));
    let mut row = match o.kind_id {
        Kind::Ingress => {
            let rules = list(o, "/spec/rules");
            let hosts: Vec<String> = rules.iter().map(|r| text(r.get("host"))).filter(|h| !h.is_empty()).collect();
            let hosts = match hosts.len() {
                0 => "*".to_string(),
                n if n > 3 => format!("{} + {} more...", hosts[..3].join(","), n - 3),
                _ => hosts.join(","),
            };
            let mut address: Vec<String> = list(o, "/status/loadBalancer/ingress").iter().map(|i| text(i.get("ip").or_else(|| i.get("hostname")))).collect();
            crate::sorting::sort(&mut address);
            let ports = if list(o, "/spec/tls").is_empty() { "80" } else { "80, 443" };
            let class = o.str_at("/spec/ingressClassName").unwrap_or("<none>").to_string();
            vec![name, class, hosts, address.join(","), ports.into(), age]
        }
        Kind::IngressClass => {
            let params = o.at("/spec/parameters").map_or_else(|| "<none>".to_string(), |p| format!("{}/{}", text(p.get("kind")), text(p.get("name"))));
            vec![name, text(o.at("/spec/controller")), params, age]
        }
        Kind::NetworkPolicy => vec![name, selector_cell(o.at("/spec/podSelector")), age],
        Kind::PersistentVolumeClaim => {
            let volume = text(o.at("/spec/volumeName"));
            let (capacity, modes) = if volume.is_empty() { (String::new(), String::new()) } else { (text(o.at("/status/capacity/storage")), access_modes(list(o, "/status/accessModes"))) };
            let phase = if o.metadata.deletion_timestamp.is_some() { "Terminating".into() } else { text(o.at("/status/phase")) };
            vec![name, phase, volume, capacity, modes, text(o.at("/spec/storageClassName")), age]
        }
        Kind::PersistentVolume => {
            let claim = o.at("/spec/claimRef").map_or_else(String::new, |c| format!("{}/{}", text(c.get("namespace")), text(c.get("name"))));
            let reclaim = o.str_at("/spec/persistentVolumeReclaimPolicy").unwrap_or("Retain").to_string();
            let phase = if o.metadata.deletion_timestamp.is_some() { "Terminating".into() } else { text(o.at("/status/phase")) };
            vec![name, text(o.at("/spec/capacity/storage")), access_modes(list(o, "/spec/accessModes")), reclaim, phase, claim, text(o.at("/spec/storageClassName")), text(o.at("/status/reason")), age]
        }
        Kind::StorageClass => {
            let default = o.metadata.annotations.get("storageclass.kubernetes.io/is-default-class").is_some_and(|v| v == "true");
            let shown = if default { format!("{name} (default)") } else { name };
            let expansion = o.at("/allowVolumeExpansion").and_then(Value::as_bool).unwrap_or(false);
            let reclaim = o.str_at("/reclaimPolicy").unwrap_or("Delete").to_string();
            let binding = o.str_at("/volumeBindingMode").unwrap_or("Immediate").to_string();
            vec![shown, text(o.at("/provisioner")), reclaim, binding, expansion.to_string(), age]
        }
        Kind::StatefulSet => {
            let ready = o.at("/status/readyReplicas").and_then(Value::as_i64).unwrap_or(0);
            let want = o.at("/spec/replicas").and_then(Value::as_i64).unwrap_or(1);
            vec![name, format!("{ready}/{want}"), age]
        }
        Kind::CronJob => {
            let suspend = if o.at("/spec/suspend").and_then(Value::as_bool).unwrap_or(false) { "True" } else { "False" };
            vec![name, text(o.at("/spec/schedule")), suspend.into(), list(o, "/status/active").len().to_string(), "<none>".into(), age]
        }
        Kind::Role | Kind::ClusterRole => vec![name, o.metadata.creation_timestamp.map(Time::rfc3339).unwrap_or_default()],
        Kind::RoleBinding | Kind::ClusterRoleBinding => vec![name, format!("{}/{}", text(o.at("/roleRef/kind")), text(o.at("/roleRef/name"))), age],
        Kind::PodDisruptionBudget => {
            let or_na = |p: &str| o.at(p).map_or_else(|| "N/A".to_string(), |v| text(Some(v)));
            let allowed = o.at("/status/disruptionsAllowed").and_then(Value::as_i64).unwrap_or(0);
            vec![name, or_na("/spec/minAvailable"), or_na("/spec/maxUnavailable"), allowed.to_string(), age]
        }
        _ => vec![name, age],
    };
    if wide {
        match o.kind_id {
            Kind::PersistentVolumeClaim | Kind::PersistentVolume => row.push(o.str_at("/spec/volumeMode").unwrap_or("Filesystem").to_string()),
            Kind::StatefulSet => row.extend(template_columns(o, "/spec/template/spec/containers")),
            Kind::CronJob => {
                row.extend(template_columns(o, "/spec/jobTemplate/spec/template/spec/containers"));
                row.push("<none>".into());
            }
            Kind::RoleBinding | Kind::ClusterRoleBinding => {
                let subjects = list(o, "/subjects");
                let of = |k: &str| subjects.iter().filter(|s| text(s.get("kind")) == k).map(|s| if k == "ServiceAccount" { format!("{}/{}", text(s.get("namespace")), text(s.get("name"))) } else { text(s.get("name")) }).collect::<Vec<_>>().join(", ");
                row.extend([of("User"), of("Group"), of("ServiceAccount")]);
            }
            _ => {}
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kept(kind: Kind, body: Value) -> Unsimulated {
        let mut value = body;
        value["metadata"] = json!({"name": "x"});
        Unsimulated::from_value(kind, &value).map(|(o, _)| o).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn ingress_hosts_ports_and_class_as_the_printer_writes_them() {
        let now = Time(100_000);
        let ing = kept(Kind::Ingress, json!({"spec": {"rules": [{"host": "a"}, {}, {"host": "b"}, {"host": "c"}, {"host": "d"}], "tls": [{}]}}));
        assert_eq!(row(&ing, now, false)[1..5], ["<none>", "a,b,c + 1 more...", "", "80, 443"]);
        let bare = kept(Kind::Ingress, json!({"spec": {"ingressClassName": "nginx", "rules": [{"http": {}}]}}));
        assert_eq!(row(&bare, now, false)[1..5], ["nginx", "*", "", "80"]);
    }

    #[test]
    fn an_unbound_claim_shows_no_capacity_and_a_volume_its_modes() {
        let now = Time(100_000);
        let pvc = kept(Kind::PersistentVolumeClaim, json!({"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "2Gi"}}}, "status": {"phase": "Pending"}}));
        assert_eq!(row(&pvc, now, false)[1..6], ["Pending", "", "", "", ""]);
        let pv = kept(Kind::PersistentVolume, json!({"spec": {"capacity": {"storage": "2Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"]}, "status": {"phase": "Available"}}));
        assert_eq!(row(&pv, now, true)[1..8], ["2Gi", "RWO,RWX", "Retain", "Available", "", "", ""]);
        assert_eq!(row(&pv, now, true).last().map(String::as_str), Some("Filesystem"));
    }
}
