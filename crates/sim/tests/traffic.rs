//! Load, the workload model and metrics-server, read through `kubectl top` as learners do
//! in the workshop's autoscaling step (H).

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

/// `kubectl top pods` rows as (name, cpu, memory).
fn top_pods(c: &mut Cluster, args: &str) -> Vec<(String, String, String)> {
    ok(c, &format!("kubectl top pods {args}")).lines().skip(1).map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        (w[0].to_string(), w[1].to_string(), w[2].to_string())
    }).collect()
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: johscheuer/todo-app-web:v6
        ports:
        - containerPort: 3000
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {cpu: 100m, memory: 128Mi}
";

#[test]
fn top_prints_kubectls_table_once_metrics_exist() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28 (kubectl-output.md 4.5): every cell ends with a TAB.
    let nodes = ok(&mut c, "kubectl top nodes");
    let first = nodes.lines().next().unwrap();
    assert_eq!(first, "NAME            CPU(cores)   CPU%   MEMORY(bytes)   MEMORY%   ");
    assert!(nodes.lines().nth(1).unwrap().starts_with("control-plane   "), "{nodes}");
    assert_eq!(nodes.lines().count(), 5);
    c.apply_manifest(WEB, "web.yaml");
    assert_eq!(run(&mut c, "kubectl top pods").stderr, "error: metrics not available yet\n");
    c.advance(Duration::seconds(45));
    let pods = top_pods(&mut c, "");
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(pods.iter().all(|(_, cpu, mem)| cpu == "1m" && mem == "12Mi"), "idle: {pods:?}");
    let one = &pods[0].0.clone();
    let single = ok(&mut c, &format!("kubectl top pod {one}"));
    assert_eq!(single.lines().count(), 2);
    assert_eq!(run(&mut c, "kubectl top pod nope").stderr, "Error from server (NotFound): pods.metrics.k8s.io \"nope\" not found\n");
    let all = ok(&mut c, "kubectl top pods -A");
    assert!(all.starts_with("NAMESPACE     NAME ") && all.contains("kube-system   etcd-control-plane"), "{all}");
}

#[test]
fn load_spreads_over_the_endpoints_and_costs_cpu_up_to_the_limit() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(WEB, "web.yaml");
    ok(&mut c, "kubectl expose deployment web --type=NodePort");
    c.advance(Duration::seconds(30));
    let np = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == "web").unwrap().spec.ports[0].node_port.unwrap();
    assert!(ok(&mut c, &format!("load http://127.0.0.1:{np} 75/s for 2m")).starts_with("sending 75 requests/s"));
    c.advance(Duration::seconds(30));
    // 25 requests/s per pod at 3 ms of CPU each, plus 1m idle.
    assert!(top_pods(&mut c, "-l app=web").iter().all(|(_, cpu, _)| cpu == "76m"), "{:?}", top_pods(&mut c, "-l app=web"));
    ok(&mut c, "kubectl scale deployment web --replicas=1");
    c.advance(Duration::seconds(45));
    // All 75 requests/s on one pod would need 226m; the 100m limit throttles it.
    assert_eq!(top_pods(&mut c, "-l app=web").iter().map(|p| p.1.clone()).collect::<Vec<_>>(), vec!["100m"]);
    let status = ok(&mut c, "load");
    assert!(status.contains(&format!("http://127.0.0.1:{np}   75/s")), "{status}");
    c.advance(Duration::seconds(60));
    assert_eq!(ok(&mut c, "load"), "no load running\n", "the load ends after its 2 minutes");
    assert!(c.series("load.requests").points.iter().any(|p| p.1 == 75.0));
    c.advance(Duration::seconds(30));
    assert_eq!(top_pods(&mut c, "-l app=web")[0].1, "1m", "idle again");
}

#[test]
fn usage_overrides_the_model_until_auto() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(WEB, "web.yaml");
    c.advance(Duration::seconds(45));
    assert_eq!(ok(&mut c, "usage app=web cpu=80m memory=100Mi"), "pods matching app=web: cpu=80m memory=100Mi\n");
    c.advance(Duration::seconds(15));
    assert!(top_pods(&mut c, "").iter().all(|(_, cpu, mem)| cpu == "80m" && mem == "100Mi"), "{:?}", top_pods(&mut c, ""));
    ok(&mut c, "usage app=web auto");
    c.advance(Duration::seconds(15));
    assert!(top_pods(&mut c, "").iter().all(|(_, cpu, _)| cpu == "1m"));
    assert_eq!(run(&mut c, "load somewhere fast").exit_code, 2);
}
