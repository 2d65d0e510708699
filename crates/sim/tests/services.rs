//! Services and traffic: the workshop's load-balancing step (C) and the Service rules
//! of kube-semantics.md section 6, through the console's own commands.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};
use std::collections::BTreeMap;

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

fn node_port(c: &Cluster, name: &str) -> i32 {
    let svc = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == name).expect("the Service");
    svc.spec.ports[0].node_port.expect("a node port")
}

#[test]
fn the_default_cluster_has_the_kubernetes_and_kube_dns_services() {
    let mut c = Cluster::new(ClusterSettings::default());
    let svcs = ok(&mut c, "kubectl get svc -A");
    let lines: Vec<&str> = svcs.lines().collect();
    assert_eq!(lines[0], "NAMESPACE     NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE");
    assert_eq!(lines[1], "default       kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP                  5m");
    assert_eq!(lines[2], "kube-system   kube-dns     ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   5m");
    let eps = ok(&mut c, "kubectl get endpoints -n kube-system");
    assert!(eps.lines().nth(1).is_some_and(|l| l.starts_with("kube-dns   10.244.") && l.contains(":53,") && l.ends_with("+ 3 more...   5m")), "{eps}");
    assert!(ok(&mut c, "kubectl get ep kubernetes").contains("kubernetes   172.18.0.2:6443"));
}

#[test]
fn a_node_port_spreads_requests_over_every_ready_pod() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Step C, in today's commands (kubectl run no longer makes Deployments).
    ok(&mut c, "kubectl create deployment go-webserver --image=johscheuer/go-webserver --port=8000 --replicas=3");
    assert_eq!(ok(&mut c, "kubectl expose deployment/go-webserver --type=NodePort"), "service/go-webserver exposed\n");
    c.advance(Duration::seconds(30));
    let table = ok(&mut c, "kubectl get service go-webserver");
    let np = node_port(&c, "go-webserver");
    assert!(table.lines().nth(1).is_some_and(|l| l.starts_with("go-webserver   NodePort   10.") && l.contains(&format!("8000:{np}/TCP"))), "{table}");
    let pod_ips: Vec<String> = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter_map(|p| p.status.pod_ip.clone()).collect();
    assert_eq!(pod_ips.len(), 3);
    let mut served: BTreeMap<String, u32> = BTreeMap::new();
    for _ in 0..300 {
        let body = ok(&mut c, &format!("curl -s http://127.0.0.1:{np}"));
        assert!(body.starts_with("Hello my addresses are the following:\n127.0.0.1/8\n::1/128\n"), "{body}");
        let ip = body.lines().nth(3).unwrap().trim_end_matches("/24").to_string();
        *served.entry(ip).or_default() += 1;
    }
    assert_eq!(served.keys().cloned().collect::<Vec<_>>().len(), 3, "{served:?}");
    // Binomial(300, 1/3): mean 100, sd 8.2; four standard deviations either way.
    assert!(served.values().all(|n| (67..=133).contains(n)), "uniform per connection: {served:?}");
    // The same through the cluster IP and through another node's IP.
    let cluster_ip = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == "go-webserver").unwrap().spec.cluster_ip.clone().unwrap();
    assert!(ok(&mut c, &format!("curl {cluster_ip}:8000/health")) == "Alive");
    assert!(ok(&mut c, &format!("curl http://172.18.0.4:{np}/")).starts_with("Hello my addresses"));
}

#[test]
fn no_ready_endpoint_means_connection_refused() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    ok(&mut c, "kubectl expose deployment web --port=80 --type=NodePort");
    // Right away the pods are still pulling: the Endpoints list them as not ready.
    let np = node_port(&c, "web");
    let early = run(&mut c, &format!("curl 127.0.0.1:{np}"));
    assert_eq!((early.exit_code, early.stderr.as_str()), (7, format!("curl: (7) Failed to connect to 127.0.0.1 port {np} after 0 ms: Couldn't connect to server\n").as_str()));
    assert_eq!(ok(&mut c, "kubectl get ep web").lines().nth(1).unwrap().split_whitespace().nth(1), Some("0s"), "no ready address yet: an empty cell");
    c.advance(Duration::seconds(20));
    assert!(ok(&mut c, &format!("curl 127.0.0.1:{np}")).contains("<title>Welcome to nginx!</title>"));
    ok(&mut c, "kubectl scale deployment web --replicas=0");
    c.advance(Duration::seconds(40));
    assert_eq!(ok(&mut c, "kubectl get ep web").lines().nth(1).unwrap().split_whitespace().nth(1), Some("<none>"));
    assert_eq!(run(&mut c, &format!("curl -s 127.0.0.1:{np}")).exit_code, 7);
    let named = run(&mut c, "curl web");
    assert_eq!(named.exit_code, 6);
    assert!(named.stderr.starts_with("curl: (6) Could not resolve host: web\n"));
}

#[test]
fn service_manifests_from_the_workshop_apply() {
    let mut c = Cluster::new(ClusterSettings::default());
    for file in ["namespace.yaml", "redis-master-deployment.yaml", "redis-master-service.yaml", "todo-app-deployment.yaml", "todo-app-config.yaml", "todo-app-service.yaml"] {
        let text = std::fs::read_to_string(format!("{}/../../workshop/todo-app-web/k8s-deployment/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let report = c.apply_manifest(&text, file);
        assert!(report.errors.is_empty(), "{file}: {:?}", report.errors);
    }
    c.advance(Duration::seconds(60));
    let svcs = ok(&mut c, "kubectl -n todo-app get svc");
    assert!(svcs.contains("redis-master   ClusterIP   10.") && svcs.contains("6379/TCP"), "{svcs}");
    assert!(svcs.contains("todo-app       NodePort    10."), "{svcs}");
    let np = c.store().list(Kind::Service, Some("todo-app")).filter_map(Object::as_service).find(|s| s.metadata.name == "todo-app").unwrap().spec.ports[0].node_port.unwrap();
    assert_eq!(ok(&mut c, &format!("curl -s 127.0.0.1:{np}/version")), "{\"version\":\"v6\"}");
    // A requested node port that is taken is refused with the API server's message.
    let clash = format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: other\n  namespace: todo-app\nspec:\n  type: NodePort\n  selector: {{name: todo-app}}\n  ports:\n  - port: 80\n    nodePort: {np}\n");
    let report = c.apply_manifest(&clash, "clash.yaml");
    assert_eq!(report.errors, vec![format!("Error from server (Invalid): Service \"other\" is invalid: spec.ports[0].nodePort: Invalid value: {np}: provided port is already allocated")]);
}

/// The pod address a go-webserver answer names (its fourth line).
fn answered_by(body: &str) -> String {
    body.lines().nth(3).unwrap_or_default().trim_end_matches("/24").to_string()
}

#[test]
fn client_ip_affinity_keeps_each_client_on_one_pod() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create deployment go-webserver --image=johscheuer/go-webserver --port=8000 --replicas=3");
    ok(&mut c, "kubectl expose deployment/go-webserver --type=NodePort");
    c.advance(Duration::seconds(30));
    let np = node_port(&c, "go-webserver");
    ok(&mut c, r#"kubectl patch service go-webserver -p '{"spec":{"sessionAffinity":"ClientIP"}}'"#);
    assert!(ok(&mut c, "kubectl describe service go-webserver").contains("\nSession Affinity:         ClientIP\n"));
    let yaml = ok(&mut c, "kubectl get service go-webserver -o yaml");
    assert!(yaml.contains("  sessionAffinity: ClientIP\n"), "{yaml}");
    // The console is one client: every curl reaches the pod the first one did.
    let first: Vec<String> = (0..50).map(|_| answered_by(&ok(&mut c, &format!("curl -s http://127.0.0.1:{np}")))).collect();
    assert!(first.iter().all(|ip| *ip == first[0]), "{first:?}");
    // Other client addresses (as a curl inside a pod has) are pinned each to their own pod.
    let mut pinned = std::collections::BTreeSet::new();
    for i in 1..=8 {
        let answers: Vec<String> = (0..10).map(|_| answered_by(&ok(&mut c, &format!("curl -s --interface 10.244.9.{i} http://127.0.0.1:{np}")))).collect();
        assert!(answers.iter().all(|ip| *ip == answers[0]), "client {i}: {answers:?}");
        pinned.insert(answers[0].clone());
    }
    assert!(pinned.len() > 1, "different clients land on different pods: {pinned:?}");
    // The pinned pod goes away: the console moves to another pod, and stays there.
    let pod = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).find(|p| p.status.pod_ip.as_deref() == Some(first[0].as_str())).unwrap().metadata.name.clone();
    ok(&mut c, &format!("kubectl delete pod {pod}"));
    let moved: Vec<String> = (0..20).map(|_| answered_by(&ok(&mut c, &format!("curl -s http://127.0.0.1:{np}")))).collect();
    assert!(moved[0] != first[0] && moved.iter().all(|ip| *ip == moved[0]), "{moved:?}");
    // With a 10 s timeout, a client idle for longer is spread again.
    ok(&mut c, r#"kubectl patch service go-webserver -p '{"spec":{"sessionAffinityConfig":{"clientIP":{"timeoutSeconds":10}}}}'"#);
    let mut after_idle = std::collections::BTreeSet::new();
    for _ in 0..12 {
        c.advance(Duration::seconds(11));
        after_idle.insert(answered_by(&ok(&mut c, &format!("curl -s http://127.0.0.1:{np}"))));
    }
    assert!(after_idle.len() > 1, "{after_idle:?}");
    // Back to None: spread per connection again.
    ok(&mut c, r#"kubectl patch service go-webserver -p '{"spec":{"sessionAffinity":"None","sessionAffinityConfig":null}}'"#);
    let spread: std::collections::BTreeSet<String> = (0..60).map(|_| answered_by(&ok(&mut c, &format!("curl -s http://127.0.0.1:{np}")))).collect();
    assert_eq!(spread.len(), 3, "{spread:?}");
}

#[test]
fn the_api_server_makes_its_kubernetes_service_again() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert_eq!(run(&mut c, "kubectl delete all --all").stdout, "service \"kubernetes\" deleted\n");
    c.advance(Duration::seconds(9));
    assert_eq!(run(&mut c, "kubectl get svc").stderr, "No resources found in default namespace.\n");
    c.advance(Duration::seconds(1));
    assert_eq!(ok(&mut c, "kubectl get svc"), "NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nkubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   0s\n");
    assert!(ok(&mut c, "kubectl get endpoints kubernetes").contains("kubernetes   172.18.0.2:6443   0s"));
}
