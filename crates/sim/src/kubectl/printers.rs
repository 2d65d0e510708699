//! Table printers for `kubectl get`, following the server-side column handlers.

use crate::api::{condition, Deployment, EndpointSlice, Endpoints, ResourceQuota, Event, HorizontalPodAutoscaler, Kind, Namespace, Node, Object, Pod, PodTemplateSpec, ReplicaSet, Service};
use crate::clock::{human_duration, Time};

fn age(now: Time, t: Option<Time>) -> String {
    t.map_or_else(|| "<unknown>".to_string(), |t| human_duration(now - t))
}

/// Column headers for a kind (`wide` adds the priority-1 columns).
pub fn headers(kind: Kind, wide: bool) -> Vec<&'static str> {
    match (kind, wide) {
        (Kind::Pod, false) => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        (Kind::Pod, true) => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        (Kind::Node, false) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        (Kind::Node, true) => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"],
        (Kind::Namespace, _) => vec!["NAME", "STATUS", "AGE"],
        (Kind::ReplicaSet, false) => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        (Kind::ReplicaSet, true) => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        (Kind::Deployment, false) => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        (Kind::Deployment, true) => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        (Kind::Event, _) => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        (Kind::Lease, _) => vec!["NAME", "HOLDER", "AGE"],
        (Kind::ConfigMap, _) => vec!["NAME", "DATA", "AGE"],
        (Kind::Secret, _) => vec!["NAME", "TYPE", "DATA", "AGE"],
        (Kind::ServiceAccount, _) => vec!["NAME", "SECRETS", "AGE"],
        (Kind::Job, false) => vec!["NAME", "COMPLETIONS", "DURATION", "AGE"],
        (Kind::Job, true) => vec!["NAME", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        (Kind::DaemonSet, false) => vec!["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
        (Kind::Service, false) => vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
        (Kind::Service, true) => vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"],
        (Kind::Endpoints, _) => vec!["NAME", "ENDPOINTS", "AGE"],
        (Kind::HorizontalPodAutoscaler, _) => vec!["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
        (Kind::EndpointSlice, _) => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        (Kind::ResourceQuota, _) => vec!["NAME", "AGE", "REQUEST", "LIMIT"],
        (Kind::LimitRange, _) => vec!["NAME", "CREATED AT"],
        (Kind::DaemonSet, true) => vec!["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"],
        // The kinds kubeplay keeps without simulating, and NAME/AGE for any kind without
        // columns of its own.
        _ => super::kept::headers(kind, wide),
    }
}

/// One table row for an object.
pub fn row(object: &Object, now: Time, wide: bool) -> Vec<String> {
    match object {
        Object::Pod(p) => pod_row(p, now, wide),
        Object::Node(n) => node_row(n, now, wide),
        Object::Namespace(ns) => namespace_row(ns, now),
        Object::ReplicaSet(rs) => replica_set_row(rs, now, wide),
        Object::Deployment(d) => deployment_row(d, now, wide),
        Object::Event(e) => event_row(e, now),
        Object::Service(svc) => service_row(svc, now, wide),
        Object::HorizontalPodAutoscaler(hpa) => hpa_row(hpa, now),
        Object::Endpoints(ep) => vec![ep.metadata.name.clone(), endpoints_cell(ep), age(now, ep.metadata.creation_timestamp)],
        Object::DaemonSet(ds) => {
            let s = &ds.status;
            let selector: Vec<String> = ds.spec.template.spec.node_selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let row = vec![
                ds.metadata.name.clone(),
                s.desired_number_scheduled.to_string(),
                s.current_number_scheduled.to_string(),
                s.number_ready.to_string(),
                s.updated_number_scheduled.to_string(),
                s.number_available.to_string(),
                if selector.is_empty() { "<none>".into() } else { selector.join(",") },
                age(now, ds.metadata.creation_timestamp),
            ];
            with_template_columns(row, wide, &ds.spec.template, ds.spec.selector.to_string())
        }
        Object::Job(job) => {
            let s = &job.status;
            let completions = match (job.spec.completions, job.spec.parallelism.unwrap_or(1)) {
                (Some(c), _) => format!("{}/{c}", s.succeeded),
                (None, p) if p > 1 => format!("{}/1 of {p}", s.succeeded),
                (None, _) => format!("{}/1", s.succeeded),
            };
            let duration = match (s.start_time, s.completion_time) {
                (None, _) => String::new(),
                (Some(start), Some(end)) => human_duration(end - start),
                (Some(start), None) => human_duration(now - start),
            };
            let row = vec![job.metadata.name.clone(), completions, duration, age(now, job.metadata.creation_timestamp)];
            with_template_columns(row, wide, &job.spec.template, job.spec.selector.as_ref().map(|s| s.to_string()).unwrap_or_default())
        }
        Object::ConfigMap(cm) => vec![cm.metadata.name.clone(), (cm.data.len() + cm.binary_data.len()).to_string(), age(now, cm.metadata.creation_timestamp)],
        Object::Secret(s) => vec![s.metadata.name.clone(), s.type_.clone().unwrap_or_else(|| "Opaque".into()), s.data.len().to_string(), age(now, s.metadata.creation_timestamp)],
        Object::ServiceAccount(sa) => vec![sa.metadata.name.clone(), "0".into(), age(now, sa.metadata.creation_timestamp)],
        Object::Lease(l) => vec![l.metadata.name.clone(), l.spec.holder_identity.clone().unwrap_or_default(), age(now, l.metadata.creation_timestamp)],
        Object::EndpointSlice(es) => endpoint_slice_row(es, now),
        Object::ResourceQuota(q) => resource_quota_row(q, now),
        Object::LimitRange(lr) => vec![lr.metadata.name.clone(), lr.metadata.creation_timestamp.map(Time::rfc3339).unwrap_or_default()],
        Object::Unsimulated(o) => super::kept::row(o, now, wide),
    }
}

/// Up to three entries joined with commas, then ` + N more...` (printers.go listWithMoreString).
fn list_with_more(list: &[String], max: usize) -> String {
    if list.len() > max {
        format!("{} + {} more...", list[..max].join(","), list.len() - max)
    } else {
        list.join(",")
    }
}

/// Models printers.go printEndpointSlice: ports and addresses, `<unset>` when there are none.
fn endpoint_slice_row(es: &EndpointSlice, now: Time) -> Vec<String> {
    let ports: Vec<String> = es.ports.iter().map(|p| p.port.map(|n| n.to_string()).or_else(|| p.name.clone()).unwrap_or_else(|| "*".into())).collect();
    let addresses: Vec<String> = es.endpoints.iter().flat_map(|e| e.addresses.iter().cloned()).collect();
    let unset = |s: String| if s.is_empty() { "<unset>".to_string() } else { s };
    vec![es.metadata.name.clone(), es.address_type.clone(), unset(list_with_more(&ports, 3)), unset(list_with_more(&addresses, 3)), age(now, es.metadata.creation_timestamp)]
}

/// Models printers.go printResourceQuota: `name: used/hard` by resource name, limits apart.
fn resource_quota_row(q: &ResourceQuota, now: Time) -> Vec<String> {
    let (mut requests, mut limits) = (Vec::new(), Vec::new());
    for (name, hard) in &q.status.hard {
        let used = q.status.used.get(name).map_or_else(|| "0".to_string(), |u| u.to_string());
        let cell = format!("{name}: {used}/{hard}");
        if name.starts_with("limits.") { limits.push(cell) } else { requests.push(cell) }
    }
    vec![q.metadata.name.clone(), age(now, q.metadata.creation_timestamp), requests.join(", "), limits.join(", ")]
}

/// Models pkg/printers/internalversion/printers.go printPod: the STATUS column.
pub fn pod_status(pod: &Pod) -> String {
    let mut reason = pod.status.reason.clone().unwrap_or_else(|| pod.phase().to_string());
    let mut has_running = false;
    for cs in pod.status.container_statuses.iter().rev() {
        if let Some(w) = cs.state.waiting.as_ref().and_then(|w| w.reason.clone()).filter(|r| !r.is_empty()) {
            reason = w;
        } else if let Some(t) = &cs.state.terminated {
            reason = match (&t.reason, t.signal) {
                (Some(r), _) if !r.is_empty() => r.clone(),
                (_, Some(sig)) if sig != 0 => format!("Signal:{sig}"),
                _ => format!("ExitCode:{}", t.exit_code),
            };
        } else if cs.ready && cs.state.running.is_some() {
            has_running = true;
        }
    }
    if reason == "Completed" && has_running {
        reason = if pod.is_ready() { "Running".into() } else { "NotReady".into() };
    }
    if pod.metadata.deletion_timestamp.is_some() {
        reason = if pod.status.reason.as_deref() == Some("NodeLost") { "Unknown".into() } else { "Terminating".into() };
    }
    reason
}

fn pod_row(pod: &Pod, now: Time, wide: bool) -> Vec<String> {
    let total = pod.spec.containers.len();
    let ready = pod.status.container_statuses.iter().filter(|c| c.ready && c.state.running.is_some()).count();
    let restarts: i32 = pod.status.container_statuses.iter().map(|c| c.restart_count).sum();
    let last_exit = pod.status.container_statuses.iter().filter_map(|c| c.last_state.terminated.as_ref().and_then(|t| t.finished_at)).max();
    let restarts = match (restarts, last_exit) {
        (0, _) | (_, None) => restarts.to_string(),
        (n, Some(t)) => format!("{n} ({} ago)", human_duration(now - t)),
    };
    let mut row = vec![
        pod.metadata.name.clone(),
        format!("{ready}/{total}"),
        pod_status(pod),
        restarts,
        age(now, pod.metadata.creation_timestamp),
    ];
    if wide {
        row.push(pod.status.pod_ip.clone().unwrap_or_else(|| "<none>".into()));
        row.push(pod.spec.node_name.clone().unwrap_or_else(|| "<none>".into()));
        row.push("<none>".into());
        row.push("<none>".into());
    }
    row
}

fn node_row(node: &Node, now: Time, wide: bool) -> Vec<String> {
    let mut status = match condition(&node.status.conditions, "Ready") {
        Some(c) if c.status == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.spec.unschedulable {
        status.push_str(",SchedulingDisabled");
    }
    let mut roles: Vec<String> = node
        .metadata
        .labels
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("node-role.kubernetes.io/").map(str::to_string).or_else(|| (k == "kubernetes.io/role").then(|| v.clone())))
        .filter(|r| !r.is_empty())
        .collect();
    crate::sorting::sort(&mut roles);
    let roles = if roles.is_empty() { "<none>".to_string() } else { roles.join(",") };
    let mut row = vec![node.metadata.name.clone(), status, roles, age(now, node.metadata.creation_timestamp), node.status.node_info.kubelet_version.clone()];
    if wide {
        let addr = |t: &str| node.status.addresses.iter().find(|a| a.type_ == t).map_or_else(|| "<none>".to_string(), |a| a.address.clone());
        let or_unknown = |s: &str| if s.is_empty() { "<unknown>".to_string() } else { s.to_string() };
        let info = &node.status.node_info;
        row.extend([addr("InternalIP"), addr("ExternalIP"), or_unknown(&info.os_image), or_unknown(&info.kernel_version), or_unknown(&info.container_runtime_version)]);
    }
    row
}

fn namespace_row(ns: &Namespace, now: Time) -> Vec<String> {
    vec![ns.metadata.name.clone(), ns.status.phase.clone().unwrap_or_else(|| "Active".into()), age(now, ns.metadata.creation_timestamp)]
}

/// Appends the wide columns of a workload: CONTAINERS, IMAGES (joined with commas), SELECTOR.
fn with_template_columns(mut row: Vec<String>, wide: bool, t: &PodTemplateSpec, selector: String) -> Vec<String> {
    if wide {
        let names: Vec<&str> = t.spec.containers.iter().map(|c| c.name.as_str()).collect();
        let images: Vec<&str> = t.spec.containers.iter().map(|c| c.image.as_str()).collect();
        row.extend([names.join(","), images.join(","), selector]);
    }
    row
}

fn replica_set_row(rs: &ReplicaSet, now: Time, wide: bool) -> Vec<String> {
    let row = vec![
        rs.metadata.name.clone(),
        rs.replicas().to_string(),
        rs.status.replicas.to_string(),
        rs.status.ready_replicas.to_string(),
        age(now, rs.metadata.creation_timestamp),
    ];
    with_template_columns(row, wide, &rs.spec.template, rs.spec.selector.to_string())
}

/// Models the Service printer (kubectl-output.md 2.6).
fn service_row(svc: &Service, now: Time, wide: bool) -> Vec<String> {
    let s = &svc.spec;
    let cluster_ip = s.cluster_ips.first().or(s.cluster_ip.as_ref()).cloned().unwrap_or_else(|| "<none>".into());
    let external = match svc.type_name() {
        "ExternalName" => s.external_name.clone().unwrap_or_default(),
        "LoadBalancer" => {
            let mut ips: Vec<String> = svc.status.load_balancer.ingress.iter().filter_map(|i| i.ip.clone()).collect();
            ips.extend(s.external_ips.iter().cloned());
            if ips.is_empty() { "<pending>".into() } else { ips.join(",") }
        }
        _ if s.external_ips.is_empty() => "<none>".into(),
        _ => s.external_ips.join(","),
    };
    let ports: Vec<String> = s
        .ports
        .iter()
        .map(|p| {
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(np) => format!("{}:{np}/{proto}", p.port),
                None => format!("{}/{proto}", p.port),
            }
        })
        .collect();
    let mut row = vec![
        svc.metadata.name.clone(),
        svc.type_name().to_string(),
        cluster_ip,
        external,
        if ports.is_empty() { "<none>".into() } else { ports.join(",") },
        age(now, svc.metadata.creation_timestamp),
    ];
    if wide {
        let sel: Vec<String> = s.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        row.push(if sel.is_empty() { "<none>".into() } else { sel.join(",") });
    }
    row
}

/// Models the HPA printer of v1.28 (kubectl-output.md 2.13): TARGETS pairs each metric
/// with the current value at the same index.
fn hpa_row(hpa: &HorizontalPodAutoscaler, now: Time) -> Vec<String> {
    let targets: Vec<String> = hpa
        .spec
        .metrics
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let Some(r) = &m.resource else { return "<unknown>/<unknown>".into() };
            // By index, not by name; an AverageValue target wins over a utilization (as upstream checks it first).
            let current = hpa.status.current_metrics.get(i).and_then(|c| c.resource.as_ref()).map(|c| &c.current);
            if let Some(target) = &r.target.average_value {
                let cur = current.and_then(|c| c.average_value.as_ref()).map_or("<unknown>".into(), |q| q.to_string());
                return format!("{cur}/{target}");
            }
            let cur = current.and_then(|c| c.average_utilization).map_or("<unknown>".into(), |u| format!("{u}%"));
            let target = r.target.average_utilization.map_or("<auto>".into(), |t| format!("{t}%"));
            format!("{cur}/{target}")
        })
        .collect();
    let shown = match targets.len() {
        0 => "<none>".to_string(),
        1 | 2 => targets.join(", "),
        n => format!("{} + {} more...", targets[..2].join(", "), n - 2),
    };
    let r = &hpa.spec.scale_target_ref;
    vec![
        hpa.metadata.name.clone(),
        format!("{}/{}", r.kind, r.name),
        shown,
        hpa.spec.min_replicas.map_or("<unset>".into(), |m| m.to_string()),
        hpa.spec.max_replicas.to_string(),
        hpa.status.current_replicas.to_string(),
        age(now, hpa.metadata.creation_timestamp),
    ]
}

/// Models the Endpoints printer (kubectl-output.md 2.7): ready `ip:port` pairs, the first three.
pub fn endpoints_cell(ep: &Endpoints) -> String {
    if ep.subsets.is_empty() {
        return "<none>".into();
    }
    let mut list = Vec::new();
    for subset in &ep.subsets {
        if subset.ports.is_empty() {
            list.extend(subset.addresses.iter().map(|a| a.ip.clone()));
        }
        for port in &subset.ports {
            list.extend(subset.addresses.iter().map(|a| format!("{}:{}", a.ip, port.port)));
        }
    }
    match list.len() {
        0..=3 => list.join(","),
        n => format!("{} + {} more...", list[..3].join(","), n - 3),
    }
}

fn deployment_row(d: &Deployment, now: Time, wide: bool) -> Vec<String> {
    let row = vec![
        d.metadata.name.clone(),
        format!("{}/{}", d.status.ready_replicas, d.replicas()),
        d.status.updated_replicas.to_string(),
        d.status.available_replicas.to_string(),
        age(now, d.metadata.creation_timestamp),
    ];
    with_template_columns(row, wide, &d.spec.template, d.spec.selector.to_string())
}

fn event_row(e: &Event, now: Time) -> Vec<String> {
    let object = format!("{}/{}", e.involved_object.kind.to_ascii_lowercase(), e.involved_object.name);
    vec![age(now, e.last_timestamp.or(e.first_timestamp)), e.type_.to_string(), e.reason.to_string(), object, e.message.trim().to_string()]
}
