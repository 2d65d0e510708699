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
    // About 25 requests/s per pod (each request picks a pod at random) at 3 ms of CPU each,
    // plus 1m idle: 76m on average, up to the 100m limit.
    let cpus: Vec<i64> = top_pods(&mut c, "-l app=web").iter().map(|(_, cpu, _)| cpu.trim_end_matches('m').parse().unwrap()).collect();
    assert_eq!(cpus.len(), 3);
    assert!(cpus.iter().all(|m| (40..=100).contains(m)), "{cpus:?}");
    assert!((190..=228).contains(&cpus.iter().sum::<i64>()), "225m of requests and 3m idle, less what the limit throttles: {cpus:?}");
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
    // From the node a Service's name does not resolve, as curl finds too.
    let out = run(&mut c, "load http://web 10/s");
    assert_eq!((out.exit_code, out.stderr.lines().next()), (6, Some("load: could not resolve host: web")));
    assert_eq!(ok(&mut c, "load"), "no load running\n");
}

/// The mean of a series' values recorded after `from`.
fn mean_since(c: &Cluster, name: &str, from: kubeplay_sim::clock::Time) -> f64 {
    let points: Vec<f64> = c.series(name).points.iter().filter(|p| p.0 > from).map(|p| p.1).collect();
    assert!(!points.is_empty(), "{name} has points after {from:?}");
    points.iter().sum::<f64>() / points.len() as f64
}

#[test]
fn latency_grows_as_the_load_nears_the_pods_capacity_and_overload_fails() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(WEB, "web.yaml");
    ok(&mut c, "kubectl expose deployment web --type=NodePort");
    c.advance(Duration::seconds(30));
    let np = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == "web").unwrap().spec.ports[0].node_port.unwrap();
    // Three pods limited to 100m, 3 ms of CPU a request: about 99 requests/s in all.
    let mut p90 = Vec::new();
    for rate in [15, 45, 75] {
        let from = c.now();
        ok(&mut c, &format!("load http://127.0.0.1:{np} {rate}/s for 60s"));
        c.advance(Duration::seconds(60));
        p90.push(mean_since(&c, "load.latency.p90", from));
        let (p50, p99) = (mean_since(&c, "load.latency.p50", from), mean_since(&c, "load.latency.p99", from));
        assert!(p50 <= p90[p90.len() - 1] && p90[p90.len() - 1] <= p99, "{rate}/s: p50 {p50} p90 {p90:?} p99 {p99}");
    }
    assert!(p90.windows(2).all(|w| w[0] < w[1]), "p90 (ms) grows with the load: {p90:?}");
    assert!(p90[0] < 50.0 && p90[2] > 2.0 * p90[0], "{p90:?}");
    let status = ok(&mut c, "load");
    assert_eq!(status, "no load running\n");
    // Well past capacity: requests queue up, latency climbs to the client's 30 s timeout,
    // and from then on what the pods cannot serve fails, which `load` counts.
    let from = c.now();
    ok(&mut c, &format!("load http://127.0.0.1:{np} 200/s"));
    c.advance(Duration::seconds(15));
    assert_eq!(mean_since(&c, "load.errors", from), 0.0, "nothing has waited 30 s yet");
    let climbing = mean_since(&c, "load.latency.p50", from);
    assert!(climbing > 1000.0, "a growing queue: {climbing} ms");
    let late = c.now() + Duration::seconds(25);
    c.advance(Duration::seconds(45));
    let errors = mean_since(&c, "load.errors", late);
    assert!(errors > 70.0 && errors < 130.0, "about 100 of 200 requests/s fail: {errors}");
    assert!(mean_since(&c, "load.latency.p50", late) > 20_000.0, "answers come just before the timeout");
    let row: Vec<String> = ok(&mut c, "load").lines().nth(1).unwrap().split_whitespace().map(String::from).collect();
    let (sent, failed): (u64, u64) = (row[2].parse().unwrap(), row[3].parse().unwrap());
    assert!(failed > sent / 10 && failed < sent / 2, "{row:?}");
}

#[test]
fn a_three_hour_load_keeps_the_state_bounded() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create deployment go-webserver --image=johscheuer/go-webserver --port=8000 --replicas=3");
    ok(&mut c, "kubectl expose deployment/go-webserver --type=NodePort");
    c.advance(Duration::seconds(30));
    let np = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == "go-webserver").unwrap().spec.ports[0].node_port.unwrap();
    ok(&mut c, &format!("load http://127.0.0.1:{np} 1000/s for 3h"));
    let start = c.now();
    c.advance(Duration::seconds(3600));
    let state = |c: &Cluster| serde_json::to_string(c.traffic()).unwrap().len() + serde_json::to_string(c.session_affinity()).unwrap().len();
    let after_an_hour = state(&c);
    c.advance(Duration::seconds(2 * 3600 - 10));
    let row: Vec<String> = ok(&mut c, "load").lines().nth(1).unwrap().split_whitespace().map(String::from).collect();
    let ticks = (c.now() - start).as_millis() / 1000 + 1;
    assert_eq!(row[2], (ticks * 1000).to_string(), "every request of every second was sent: {row:?}");
    assert!(state(&c) <= after_an_hour + 64, "no per-request state: {after_an_hour} then {}", state(&c));
    for name in ["load.requests", "load.errors", "load.latency.p50", "load.latency.p90", "load.latency.p99"] {
        let n = c.series(name).points.len();
        assert!(n > 500 && n <= kubeplay_sim::series::SERIES_CAPACITY, "{name}: {n} points");
    }
    c.advance(Duration::seconds(10));
    assert_eq!(ok(&mut c, "load"), "no load running\n", "the load ends after its 3 hours");
}

/// The map's request dots read what each pod received each second (`load.arrivals/NS/POD`):
/// the pods behind a Service share the load, and a pod gone a minute has no series left.
#[test]
fn each_pod_behind_a_service_records_the_requests_it_received() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create deployment web --image=nginx --replicas=3");
    ok(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(20));
    let ip = ok(&mut c, "kubectl get svc web -o jsonpath={.spec.clusterIP}");
    ok(&mut c, &format!("load http://{ip} 30/s"));
    c.advance(Duration::seconds(10));
    let pods: Vec<String> = c.store().list(Kind::Pod, Some("default")).map(|o| o.name().to_string()).collect();
    let last = |c: &Cluster, pod: &str| c.series(&format!("{}default/{pod}", kubeplay_sim::traffic::ARRIVALS_SERIES)).points.last().map(|p| p.1);
    let received: Vec<f64> = pods.iter().map(|p| last(&c, p).unwrap_or(0.0)).collect();
    assert_eq!(received.iter().sum::<f64>(), 30.0, "{received:?}");
    assert!(received.iter().all(|n| *n > 0.0), "every ready pod gets a share: {received:?}");
    ok(&mut c, &format!("kubectl delete pod {}", pods[0]));
    c.advance(Duration::seconds(90));
    assert_eq!(last(&c, &pods[0]), None, "the deleted pod's series is forgotten");
}
