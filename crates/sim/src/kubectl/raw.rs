//! `kubectl get --raw PATH`: the API server's JSON for a URL path, as a learner sees it
//! when exploring the API: the resource paths of every modelled kind (`/api/v1/namespaces/
//! default/pods`, `/apis/apps/v1/deployments`), the `metrics.k8s.io/v1beta1` objects the
//! metrics-server serves (what `kubectl top` and the HPA read), and the health endpoints.

use super::CommandOutput;
use crate::api::{Kind, Object};
use crate::cluster::Cluster;
use crate::store::ObjectKey;
use serde_json::{json, Map, Value};

/// The API server's answer for a path it does not serve.
const NOT_FOUND: &str = "Error from server (NotFound): the server could not find the requested resource\n";

/// CPU in nanocores as metrics-server writes it (`38123456n`).
fn nanocores(milli: f64) -> String {
    format!("{}n", (milli * 1_000_000.0).round() as i64)
}

/// Memory in bytes, or in `Ki` when it divides evenly (`1534568Ki`).
fn memory(bytes: i64) -> String {
    if bytes % 1024 == 0 && bytes != 0 { format!("{}Ki", bytes / 1024) } else { bytes.to_string() }
}

fn pod_metrics(cluster: &Cluster, key: &str) -> Option<Value> {
    let sample = cluster.metrics().pods.get(key)?;
    let (ns, name) = key.split_once('/')?;
    let pod = cluster.store().get(&ObjectKey { kind: Kind::Pod, namespace: ns.into(), name: name.into() })?;
    let containers: Vec<Value> = sample.containers.iter().map(|(c, cpu, mem)| json!({"name": c, "usage": {"cpu": nanocores(*cpu), "memory": memory(*mem)}})).collect();
    Some(json!({
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": cluster.now().rfc3339(), "labels": pod.meta().labels},
        "timestamp": sample.timestamp.rfc3339(),
        "window": format!("{}s", crate::metrics_server::RESOLUTION.as_millis() / 1000),
        "containers": containers,
    }))
}

fn node_metrics(cluster: &Cluster, name: &str) -> Option<Value> {
    let (cpu, mem) = cluster.metrics().nodes.get(name)?;
    let node = cluster.store().get(&ObjectKey { kind: Kind::Node, namespace: String::new(), name: name.into() })?;
    let at = cluster.metrics().last_scrape.unwrap_or_default();
    Some(json!({
        "metadata": {"name": name, "creationTimestamp": cluster.now().rfc3339(), "labels": node.meta().labels},
        "timestamp": at.rfc3339(),
        "window": format!("{}s", crate::metrics_server::RESOLUTION.as_millis() / 1000),
        "usage": {"cpu": nanocores(*cpu), "memory": memory(*mem)},
    }))
}

fn list(kind: &str, api_version: &str, items: Vec<Value>) -> Value {
    json!({"kind": kind, "apiVersion": api_version, "metadata": {}, "items": items})
}

/// `/apis/metrics.k8s.io/v1beta1/...`.
fn metrics(cluster: &Cluster, rest: &[&str]) -> Option<Value> {
    const V: &str = "metrics.k8s.io/v1beta1";
    let with_type = |mut v: Value, kind: &str| {
        if let Some(m) = v.as_object_mut() {
            m.insert("kind".into(), json!(kind));
            m.insert("apiVersion".into(), json!(V));
        }
        v
    };
    Some(match rest {
        ["nodes"] => list("NodeMetricsList", V, cluster.metrics().nodes.keys().filter_map(|n| node_metrics(cluster, n)).collect()),
        ["nodes", name] => with_type(node_metrics(cluster, name)?, "NodeMetrics"),
        ["pods"] => list("PodMetricsList", V, cluster.metrics().pods.keys().filter_map(|k| pod_metrics(cluster, k)).collect()),
        ["namespaces", ns, "pods"] => list("PodMetricsList", V, cluster.metrics().pods.keys().filter(|k| k.split('/').next() == Some(*ns)).filter_map(|k| pod_metrics(cluster, k)).collect()),
        ["namespaces", ns, "pods", name] => with_type(pod_metrics(cluster, &format!("{ns}/{name}"))?, "PodMetrics"),
        _ => return None,
    })
}

/// `/api/v1/...` and `/apis/GROUP/VERSION/...` for the modelled kinds.
fn resources(cluster: &Cluster, group_version: &str, rest: &[&str]) -> Option<Value> {
    let (ns, plural, name) = match rest {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return None,
    };
    let kind = Kind::ALL.into_iter().find(|k| k.plural() == plural && k.api_version() == group_version)?;
    if !kind.namespaced() && ns.is_some() {
        return None;
    }
    match name {
        Some(name) => {
            let key = ObjectKey { kind, namespace: ns.unwrap_or("").to_string(), name: name.to_string() };
            cluster.store().get(&key).map(|o| serde_json::to_value(o).unwrap_or_default())
        }
        None => {
            let items: Vec<Value> = cluster.store().list(kind, ns).map(|o: &Object| serde_json::to_value(o).unwrap_or_default()).collect();
            let mut v = list(&format!("{}List", kind.name()), kind.api_version(), items);
            v["metadata"] = json!({"resourceVersion": cluster.store().resource_version().to_string()});
            Some(v)
        }
    }
}

/// Answers `kubectl get --raw PATH`.
pub fn get_raw(cluster: &Cluster, path: &str) -> CommandOutput {
    let path = path.split('?').next().unwrap_or_default();
    if !path.starts_with('/') {
        return CommandOutput::err(format!("error: couldn't parse the raw path {path:?}: it must start with /\n"), 1);
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    let value = match parts.as_slice() {
        ["healthz" | "livez" | "readyz"] => return CommandOutput::ok("ok".into()),
        ["apis", "metrics.k8s.io", "v1beta1", rest @ ..] => metrics(cluster, rest),
        ["api", "v1", rest @ ..] => resources(cluster, "v1", rest),
        ["apis", group, version, rest @ ..] => resources(cluster, &format!("{group}/{version}"), rest),
        _ => None,
    };
    match value {
        Some(v) => CommandOutput::ok(format!("{}\n", Value::Object(v.as_object().cloned().unwrap_or_else(Map::new)))),
        None => CommandOutput::err(NOT_FOUND.into(), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Duration;
    use crate::ClusterSettings;

    #[test]
    fn metrics_objects_read_as_metrics_server_serves_them() {
        let mut c = Cluster::new(ClusterSettings::default());
        crate::kubectl::run(&mut c, "kubectl run web --image=nginx");
        assert_eq!(get_raw(&c, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web").stderr, NOT_FOUND, "no sample yet");
        c.advance(Duration::seconds(60));
        let out = get_raw(&c, "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web");
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["kind"], "PodMetrics");
        assert_eq!(v["window"], "15s");
        assert_eq!(v["containers"][0]["name"], "web");
        assert!(v["containers"][0]["usage"]["cpu"].as_str().unwrap().ends_with('n'));
        let nodes: Value = serde_json::from_str(&get_raw(&c, "/apis/metrics.k8s.io/v1beta1/nodes").stdout).unwrap();
        assert_eq!(nodes["kind"], "NodeMetricsList");
        assert_eq!(nodes["items"].as_array().unwrap().len(), 4);
        assert_eq!(nanocores(38.123456), "38123456n");
        assert_eq!(memory(7340032), "7168Ki");
        assert_eq!(memory(1000), "1000");
    }

    #[test]
    fn resource_paths_and_health() {
        let mut c = Cluster::new(ClusterSettings::default());
        crate::kubectl::run(&mut c, "kubectl create deployment web --image=nginx");
        let d: Value = serde_json::from_str(&get_raw(&c, "/apis/apps/v1/namespaces/default/deployments/web").stdout).unwrap();
        assert_eq!((d["kind"].as_str(), d["metadata"]["name"].as_str()), (Some("Deployment"), Some("web")));
        let nodes: Value = serde_json::from_str(&get_raw(&c, "/api/v1/nodes").stdout).unwrap();
        assert_eq!(nodes["kind"], "NodeList");
        let ns: Value = serde_json::from_str(&get_raw(&c, "/api/v1/namespaces/kube-system").stdout).unwrap();
        assert_eq!(ns["kind"], "Namespace");
        assert_eq!(get_raw(&c, "/healthz").stdout, "ok");
        assert_eq!(get_raw(&c, "/apis/apps/v1/namespaces/default/pods").stderr, NOT_FOUND, "pods are not in apps/v1");
        assert_eq!(get_raw(&c, "/nope").stderr, NOT_FOUND);
    }
}
