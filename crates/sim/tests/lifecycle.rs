//! Containers' lives: crash loops with growing back-off, restart policies,
//! probes, and the events a learner reads in `kubectl describe`.

use kubeplay_sim::api::{Kind, Object, Pod};
use kubeplay_sim::clock::{Duration, Time};
use kubeplay_sim::kubectl::run;
use kubeplay_sim::store::ObjectKey;
use kubeplay_sim::{Cluster, ClusterSettings};

fn pod_yaml(name: &str, image: &str, extra: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n  - name: main\n    image: {image}\n{extra}")
}

fn get(c: &Cluster, name: &str) -> Pod {
    c.store().get(&ObjectKey { kind: Kind::Pod, namespace: "default".into(), name: name.into() }).and_then(Object::as_pod).cloned().expect("pod exists")
}

fn status_word(c: &mut Cluster, name: &str) -> String {
    let out = run(c, &format!("kubectl get pod {name}")).stdout;
    out.lines().nth(1).map(|l| l.split_whitespace().nth(2).unwrap_or("").to_string()).unwrap_or_default()
}

fn events_of(c: &Cluster, name: &str) -> Vec<(String, String, i32)> {
    kubeplay_sim::events::about(c.store(), &Object::Pod(get(c, name))).iter().map(|e| (e.reason.to_string(), e.message.clone(), e.count)).collect()
}

#[test]
fn a_crashing_container_backs_off_10_20_40_seconds() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert!(c.apply_manifest(&pod_yaml("crash", "kubeplay/crashloop", ""), "p.yaml").errors.is_empty());
    let mut starts: Vec<Time> = Vec::new();
    let mut seen_backoff = false;
    for _ in 0..(200 * 2) {
        c.advance(Duration::millis(500));
        let p = get(&c, "crash");
        let cs = &p.status.container_statuses[0];
        if let Some(t) = cs.state.running.as_ref().and_then(|r| r.started_at) {
            if starts.last() != Some(&t) {
                starts.push(t);
            }
        }
        if cs.state.waiting.as_ref().and_then(|w| w.reason.as_deref()) == Some("CrashLoopBackOff") {
            seen_backoff = true;
            assert_eq!(p.phase(), "Running", "a crash-looping pod under Always stays Running");
        }
    }
    assert!(seen_backoff);
    let gaps: Vec<i64> = starts.windows(2).map(|w| (w[1] - w[0]).as_millis() / 1000).collect();
    // Each run lasts 2 s; the first crash restarts at once, then waits 10, 20, 40, 80 s.
    assert_eq!(&gaps[..5], &[2, 12, 22, 42, 82], "{gaps:?}");
    let p = get(&c, "crash");
    assert_eq!(p.status.container_statuses[0].restart_count as usize, starts.len() - 1);
    let events = events_of(&c, "crash");
    assert!(events.iter().any(|(r, m, n)| r == "BackOff" && m.starts_with("Back-off restarting failed container main in pod crash_default(") && *n > 1), "{events:?}");
    assert_eq!(c.overruns(), 0, "every instant settles");
    let table = run(&mut c, "kubectl get pods").stdout;
    assert!(table.contains("crash   0/1     CrashLoopBackOff   5 (") || table.contains("crash   1/1     Running   "), "{table}");
}

#[test]
fn restart_policies_decide_the_phase() {
    let mut c = Cluster::new(ClusterSettings::default());
    let cmd = |code: i32| format!("    command: [\"sh\", \"-c\", \"exit {code}\"]\n");
    c.apply_manifest(&pod_yaml("never-fails", "busybox", &format!("{}  restartPolicy: Never\n", cmd(1))), "p.yaml");
    c.apply_manifest(&pod_yaml("never-ok", "busybox", &format!("{}  restartPolicy: Never\n", cmd(0))), "p.yaml");
    c.apply_manifest(&pod_yaml("onfailure-ok", "busybox", &format!("{}  restartPolicy: OnFailure\n", cmd(0))), "p.yaml");
    c.apply_manifest(&pod_yaml("sleeper", "busybox", "    command: [\"sleep\", \"30\"]\n  restartPolicy: Never\n"), "p.yaml");
    c.advance(Duration::seconds(10));
    assert_eq!((get(&c, "never-fails").phase(), status_word(&mut c, "never-fails").as_str()), ("Failed", "Error"));
    assert_eq!((get(&c, "never-ok").phase(), status_word(&mut c, "never-ok").as_str()), ("Succeeded", "Completed"));
    assert_eq!((get(&c, "onfailure-ok").phase(), status_word(&mut c, "onfailure-ok").as_str()), ("Succeeded", "Completed"));
    assert_eq!(get(&c, "sleeper").phase(), "Running");
    c.advance(Duration::seconds(30));
    assert_eq!(get(&c, "sleeper").phase(), "Succeeded");
    let t = get(&c, "never-fails").status.container_statuses[0].state.terminated.clone().unwrap();
    assert_eq!((t.exit_code, t.reason.as_deref()), (1, Some("Error")));
}

#[test]
fn the_kubelet_reports_pulling_creating_and_starting() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(&pod_yaml("web", "nginx:1.25", ""), "p.yaml");
    c.advance(Duration::seconds(10));
    let reasons: Vec<String> = events_of(&c, "web").into_iter().map(|(r, m, _)| format!("{r}: {m}")).collect();
    let node = get(&c, "web").spec.node_name.clone().unwrap();
    assert_eq!(
        reasons,
        vec![
            format!("Scheduled: Successfully assigned default/web to {node}"),
            "Pulling: Pulling image \"nginx:1.25\"".to_string(),
            "Pulled: Successfully pulled image \"nginx:1.25\" in 3s (3s including waiting)".to_string(),
            "Created: Created container main".to_string(),
            "Started: Started container main".to_string(),
        ]
    );
    // A second pod on the same node finds the image there.
    let mut spec = pod_yaml("web2", "nginx:1.25", "");
    spec.push_str(&format!("  nodeName: {node}\n"));
    c.apply_manifest(&spec, "p.yaml");
    c.advance(Duration::seconds(2));
    assert!(events_of(&c, "web2").iter().any(|(r, m, _)| r == "Pulled" && m == "Container image \"nginx:1.25\" already present on machine"));
}

#[test]
fn readiness_gates_ready_and_liveness_restarts() {
    let mut c = Cluster::new(ClusterSettings::default());
    let ready_probe = "    readinessProbe:\n      httpGet:\n        path: /\n        port: 80\n      periodSeconds: 2\n";
    c.apply_manifest(&pod_yaml("ok", "nginx:1.25", ready_probe), "p.yaml");
    let bad_ready = "    readinessProbe:\n      tcpSocket:\n        port: 8080\n      periodSeconds: 5\n";
    c.apply_manifest(&pod_yaml("never-ready", "nginx:1.25", bad_ready), "p.yaml");
    let bad_live = "    livenessProbe:\n      httpGet:\n        path: /healthz\n        port: 9000\n      periodSeconds: 5\n      failureThreshold: 3\n";
    c.apply_manifest(&pod_yaml("restarts", "nginx:1.25", bad_live), "p.yaml");
    c.advance(Duration::seconds(8));
    assert!(get(&c, "ok").is_ready());
    assert!(!get(&c, "never-ready").is_ready());
    assert_eq!(get(&c, "never-ready").phase(), "Running");
    assert!(run(&mut c, "kubectl get pod never-ready").stdout.contains("never-ready   0/1     Running"));
    c.advance(Duration::seconds(60));
    let unhealthy = events_of(&c, "never-ready").into_iter().find(|(r, _, _)| r == "Unhealthy").unwrap();
    assert!(unhealthy.1.starts_with("Readiness probe failed: dial tcp 10.244.") && unhealthy.1.ends_with(":8080: connect: connection refused"), "{unhealthy:?}");
    assert!(unhealthy.2 > 5, "one deduplicated event with a growing count");
    let restarts = get(&c, "restarts").status.container_statuses[0].restart_count;
    assert!(restarts >= 2, "liveness failures restart the container: {restarts}");
    assert!(events_of(&c, "restarts").iter().any(|(r, m, _)| r == "Killing" && m == "Container main failed liveness probe, will be restarted"));
    assert_eq!(c.overruns(), 0, "every instant settles");
}

#[test]
fn unschedulable_pods_get_a_failed_scheduling_event() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(&pod_yaml("huge", "nginx", "    resources:\n      requests:\n        memory: 64Gi\n"), "p.yaml");
    c.advance(Duration::seconds(5));
    let events = events_of(&c, "huge");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, "FailedScheduling");
    assert!(events[0].1.starts_with("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient memory. preemption: "), "{}", events[0].1);
}

#[test]
fn idle_cluster_writes_nothing() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(&pod_yaml("web", "nginx:1.25", ""), "p.yaml");
    c.advance(Duration::seconds(30));
    let rv = c.store().resource_version();
    c.advance(Duration::seconds(30));
    let writes: Vec<String> = c.store().events_since(rv).unwrap().map(|e| format!("{} {}", e.object.kind(), e.object.name())).collect();
    assert_eq!(writes.len(), 12, "only the four kubelets renew their Lease, every 10 s: {writes:?}");
    assert!(writes.iter().all(|w| w.starts_with("Lease ")), "{writes:?}");
}

#[test]
fn a_failed_nodes_pods_are_replaced_after_the_toleration_period() {
    let mut c = Cluster::new(ClusterSettings::default());
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";
    assert!(c.apply_manifest(deployment, "d.yaml").errors.is_empty());
    c.advance(Duration::seconds(30));
    let on = |c: &Cluster, node: &str| c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.spec.node_name.as_deref() == Some(node)).map(|p| p.metadata.name.clone()).collect::<Vec<_>>();
    let victims = on(&c, "node-2");
    assert_eq!(victims.len(), 1, "the replicas are spread over the workers");
    let failed_at = c.now();
    assert!(c.fail_node("node-2"));
    c.advance(Duration::seconds(30));
    assert!(run(&mut c, "kubectl get nodes").stdout.contains("node-2          Ready"), "still Ready within the 40 s grace period");
    c.advance(Duration::seconds(20));
    assert!(run(&mut c, "kubectl get nodes").stdout.contains("node-2          NotReady"));
    assert!(!get(&c, &victims[0]).is_ready(), "its pods are marked not ready");
    let node = c.store().get(&ObjectKey { kind: Kind::Node, namespace: String::new(), name: "node-2".into() }).and_then(Object::as_node).cloned().unwrap();
    let taints: Vec<String> = node.spec.taints.iter().map(|t| format!("{}:{}", t.key, t.effect)).collect();
    assert_eq!(taints, vec!["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]);
    let tainted_at = node.spec.taints[1].time_added.unwrap();
    assert!(tainted_at - failed_at >= Duration::seconds(40) && tainted_at - failed_at <= Duration::seconds(55), "{:?}", tainted_at - failed_at);
    // Five minutes of tolerance, then eviction; the Deployment replaces the pod elsewhere.
    c.advance(Duration::seconds(290));
    assert!(get(&c, &victims[0]).metadata.deletion_timestamp.is_none());
    c.advance(Duration::seconds(20));
    let evicted = get(&c, &victims[0]);
    assert!(evicted.metadata.deletion_timestamp.is_some(), "evicted after 300 s");
    assert_eq!(run(&mut c, &format!("kubectl get pod {}", victims[0])).stdout.lines().nth(1).unwrap().split_whitespace().nth(2), Some("Terminating"), "no kubelet confirms the kill");
    c.advance(Duration::seconds(10));
    let ready_elsewhere = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready() && p.spec.node_name.as_deref() != Some("node-2")).count();
    assert_eq!(ready_elsewhere, 3);
    // The node comes back: the evicted pod goes, the taints go.
    assert!(c.recover_node("node-2"));
    c.advance(Duration::seconds(10));
    assert!(run(&mut c, "kubectl get nodes").stdout.contains("node-2          Ready"));
    assert!(c.store().get(&ObjectKey { kind: Kind::Pod, namespace: "default".into(), name: victims[0].clone() }).is_none());
    let node = c.store().get(&ObjectKey { kind: Kind::Node, namespace: String::new(), name: "node-2".into() }).and_then(Object::as_node).cloned().unwrap();
    assert!(node.spec.taints.is_empty());
    assert_eq!(c.overruns(), 0);
}

#[test]
fn cordon_and_drain_move_workloads_off_a_node() {
    let mut c = Cluster::new(ClusterSettings::default());
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";
    c.apply_manifest(deployment, "d.yaml");
    c.apply_manifest(&pod_yaml("bare", "nginx:1.25", "  nodeName: node-1\n"), "p.yaml");
    c.advance(Duration::seconds(30));
    assert_eq!(run(&mut c, "kubectl cordon node-1").stdout, "node/node-1 cordoned\n");
    assert_eq!(run(&mut c, "kubectl cordon node-1").stdout, "node/node-1 already cordoned\n");
    assert!(run(&mut c, "kubectl get nodes").stdout.contains("node-1          Ready,SchedulingDisabled"));
    let out = run(&mut c, "kubectl drain node-1");
    assert_eq!(out.exit_code, 1);
    let proxy = c.store().list(Kind::Pod, Some("kube-system")).filter_map(Object::as_pod).find(|p| p.metadata.name.starts_with("kube-proxy-") && p.spec.node_name.as_deref() == Some("node-1")).unwrap().metadata.name.clone();
    assert_eq!(
        out.stderr,
        format!("error: unable to drain node \"node-1\" due to error:[cannot delete Pods declare no controller (use --force to override): default/bare, cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/{proxy}], continuing command...\nThere are pending nodes to be drained:\n node-1\ncannot delete Pods declare no controller (use --force to override): default/bare\ncannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/{proxy}\n")
    );
    let out = run(&mut c, "kubectl drain node-1 --ignore-daemonsets --force");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert!(out.stdout.starts_with("node/node-1 already cordoned\nevicting pod "), "{}", out.stdout);
    assert!(out.stdout.ends_with("node/node-1 drained\n"));
    assert_eq!(out.stderr, format!("Warning: deleting Pods that declare no controller: default/bare; ignoring DaemonSet-managed Pods: kube-system/{proxy}\n"));
    c.advance(Duration::seconds(10));
    let on_node_1: Vec<String> = c.store().list(Kind::Pod, None).filter_map(Object::as_pod).filter(|p| p.spec.node_name.as_deref() == Some("node-1")).map(|p| p.metadata.name.clone()).collect();
    assert_eq!(on_node_1, vec![proxy], "only the daemon pod stays");
    assert_eq!(c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready()).count(), 3, "the Deployment's pods run elsewhere");
    assert_eq!(run(&mut c, "kubectl uncordon node-1").stdout, "node/node-1 uncordoned\n");
}

#[test]
fn a_daemon_set_follows_the_nodes() {
    let mut c = Cluster::new(ClusterSettings::default());
    let ds = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers:\n      - name: agent\n        image: redis:7\n";
    c.apply_manifest(ds, "ds.yaml");
    c.advance(Duration::seconds(20));
    let agents = |c: &Cluster| c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready()).map(|p| p.spec.node_name.clone().unwrap()).collect::<Vec<_>>();
    let mut nodes = agents(&c);
    nodes.sort();
    assert_eq!(nodes, vec!["node-1", "node-2", "node-3"], "workers only: the control plane's taint is not tolerated");
    run(&mut c, "kubectl cordon node-2");
    c.set_workers(4);
    c.advance(Duration::seconds(20));
    assert_eq!(agents(&c).len(), 4, "a new node gets its daemon pod");
    assert!(run(&mut c, "kubectl get ds agent").stdout.contains("agent   4         4         4       4            4           <none>"));
    // A new template replaces the pods one node at a time (maxUnavailable 1).
    c.apply_manifest(&ds.replace("redis:7", "redis:7.2"), "ds.yaml");
    let mut max_missing = 0;
    for _ in 0..60 {
        c.advance(Duration::millis(500));
        max_missing = max_missing.max(4 - agents(&c).len());
    }
    assert_eq!(max_missing, 1);
    let images: Vec<String> = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).map(|p| p.spec.containers[0].image.clone()).collect();
    assert_eq!(images, vec!["redis:7.2"; 4]);
}

#[test]
fn missing_service_accounts_and_config_references() {
    let mut c = Cluster::new(ClusterSettings::default());
    let report = c.apply_manifest(&pod_yaml("robot", "nginx", "  serviceAccountName: builder\n"), "p.yaml");
    assert_eq!(report.errors, vec!["Error from server (Forbidden): pods \"robot\" is forbidden: error looking up service account default/builder: serviceaccount \"builder\" not found".to_string()]);
    assert!(run(&mut c, "kubectl get sa").stdout.contains("default   0         "));
    assert!(run(&mut c, "kubectl get cm -n kube-system").stdout.contains("kube-root-ca.crt"));

    let env = "    env:\n    - name: COLOR\n      valueFrom:\n        configMapKeyRef:\n          name: settings\n          key: color\n";
    c.apply_manifest(&pod_yaml("configured", "nginx:1.25", env), "p.yaml");
    c.advance(Duration::seconds(8));
    assert_eq!(status_word(&mut c, "configured"), "CreateContainerConfigError");
    assert!(events_of(&c, "configured").iter().any(|(r, m, _)| r == "Failed" && m == "Error: configmap \"settings\" not found"));
    c.apply_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  shade: blue\n", "cm.yaml");
    c.advance(Duration::seconds(11));
    let p = get(&c, "configured");
    assert_eq!(p.status.container_statuses[0].state.waiting.as_ref().and_then(|w| w.message.clone()).as_deref(), Some("couldn't find key color in ConfigMap default/settings"));
    c.apply_manifest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n", "cm.yaml");
    c.advance(Duration::seconds(11));
    assert!(get(&c, "configured").is_ready(), "starts once the key exists");
}

/// `fault resize-node`: a bigger machine makes room the scheduler uses at once; a smaller
/// one keeps its pods (nothing evicts them) but new pods no longer fit.
#[test]
fn resizing_a_node_changes_what_the_scheduler_can_place() {
    let mut c = Cluster::new(ClusterSettings::default());
    let big = |name: &str| format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeSelector: {{kubernetes.io/hostname: node-1}}\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests: {{cpu: '3'}}\n");
    assert!(c.apply_manifest(&big("big"), "big.yaml").errors.is_empty());
    c.advance(Duration::seconds(5));
    assert_eq!(status_word(&mut c, "big"), "Pending", "3 CPUs do not fit a 2-CPU worker");
    let out = run(&mut c, "fault resize-node node-1 --cpu=4 --memory=8Gi");
    assert_eq!(out.stdout, "node/node-1 resized: 4 CPU, 8Gi memory (its pods stay; the scheduler sees the new room)\n", "{}", out.stderr);
    assert_eq!(run(&mut c, "kubectl get node node-1 -o jsonpath={.status.allocatable.cpu}/{.status.capacity.memory}").stdout, "4/8Gi");
    c.advance(Duration::seconds(10));
    assert_eq!(get(&c, "big").spec.node_name.as_deref(), Some("node-1"));
    assert_eq!(status_word(&mut c, "big"), "Running");
    // Smaller again: the running pod stays; a second one like it waits.
    run(&mut c, "fault resize-node node-1 --cpu=1 --memory=2Gi");
    assert!(c.apply_manifest(&big("big2"), "big2.yaml").errors.is_empty());
    c.advance(Duration::seconds(10));
    assert_eq!(status_word(&mut c, "big"), "Running");
    assert_eq!(status_word(&mut c, "big2"), "Pending");
    assert_eq!(run(&mut c, "fault resize-node node-9 --cpu=4 --memory=8Gi").stderr, "Error from server (NotFound): nodes \"node-9\" not found\n");
    assert_eq!(run(&mut c, "fault resize-node node-1 --cpu=lots --memory=8Gi").stderr, "error: invalid cpu \"lots\": give a positive quantity such as 4 or 8Gi\n");
    assert_eq!(run(&mut c, "fault resize-node node-1").exit_code, 2, "usage");
}
