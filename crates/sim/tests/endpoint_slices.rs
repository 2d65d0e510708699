//! EndpointSlices (kube-semantics.md section 6): the controller's slices as a learner reads
//! them with kubectl, through a rolling update and at scale, and kube-proxy's use of them.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};
use serde_json::Value;

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

fn json(c: &mut Cluster, line: &str) -> Value {
    serde_json::from_str(&ok(c, line)).expect("kubectl prints JSON")
}

/// The slices of a Service, as `kubectl get endpointslices -l kubernetes.io/service-name=SVC -o json` lists them.
fn slices(c: &mut Cluster, svc: &str) -> Vec<Value> {
    json(c, &format!("kubectl get endpointslices -l kubernetes.io/service-name={svc} -o json"))["items"].as_array().cloned().unwrap_or_default()
}

/// Every endpoint of a Service's slices.
fn endpoints(c: &mut Cluster, svc: &str) -> Vec<Value> {
    slices(c, svc).iter().flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default()).collect()
}

/// The pods' IPs, in the numeric order slices list them.
fn pod_ips(c: &Cluster, label: &str) -> Vec<String> {
    let mut ips: Vec<String> = c
        .store()
        .list(Kind::Pod, Some("default"))
        .filter_map(Object::as_pod)
        .filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some(label) && p.metadata.deletion_timestamp.is_none())
        .filter_map(|p| p.status.pod_ip.clone())
        .collect();
    ips.sort_by_key(|ip| ip.split('.').map(|o| o.parse::<u32>().unwrap()).collect::<Vec<_>>());
    ips
}

#[test]
fn a_service_gets_a_slice_with_its_pods_that_kubectl_lists() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create deployment web --image=nginx:1.25 --replicas=3");
    ok(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(30));
    let table = ok(&mut c, "kubectl get endpointslices");
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[0], vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], "{table}");
    // The API server keeps the `kubernetes` Service's slice; the controller names the others `<service>-<random>`.
    assert_eq!(rows[1], vec!["kubernetes", "IPv4", "6443", "172.18.0.2", "5m30s"], "{table}");
    let web = &rows[2];
    assert!(web[0].starts_with("web-") && web[0].len() == "web-".len() + 5, "{table}");
    assert_eq!(&web[1..4], &["IPv4", "80", pod_ips(&c, "web").join(",").as_str()], "{table}");
    assert_eq!(rows.len(), 3, "{table}");
    // Labelled for its Service and its manager, and owned by the Service.
    let yaml = ok(&mut c, &format!("kubectl get endpointslice {} -o yaml", web[0]));
    for line in ["    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io\n", "    kubernetes.io/service-name: web\n", "    kind: Service\n", "    controller: true\n", "  generateName: web-\n"] {
        assert!(yaml.contains(line), "{line:?} in {yaml}");
    }
    assert!(yaml.contains("- addresses:\n  - 10.244.") && yaml.contains("    ready: true\n    serving: true\n    terminating: false\n"), "{yaml}");
    // kube-dns has one too, with its three ports.
    let dns = ok(&mut c, "kubectl get endpointslices -n kube-system");
    assert!(dns.lines().nth(1).is_some_and(|l| l.starts_with("kube-dns-") && l.contains(" 53,53,9153 ")), "{dns}");
    // Deleting the Service takes its slice with it.
    ok(&mut c, "kubectl delete service web");
    c.advance(Duration::seconds(1));
    let after = ok(&mut c, "kubectl get endpointslices");
    assert!(!after.contains("web-"), "{after}");
}

#[test]
fn a_rolling_update_shows_terminating_endpoints_that_endpoints_leave_out() {
    let mut c = Cluster::new(ClusterSettings::default());
    // A shell as PID 1 ignores SIGTERM: old pods stay terminating for their 30 s grace period.
    let deploy = |image: &str| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sleepy\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: sleepy}}\n  template:\n    metadata:\n      labels: {{app: sleepy}}\n    spec:\n      containers:\n      - name: c\n        image: {image}\n        command: [sh, -c, 'sleep 3600']\n");
    assert!(c.apply_manifest(&deploy("busybox:1.36"), "d.yaml").errors.is_empty());
    ok(&mut c, "kubectl expose deployment sleepy --port=80");
    c.advance(Duration::seconds(20));
    let before = endpoints(&mut c, "sleepy");
    assert_eq!(before.len(), 2);
    assert!(before.iter().all(|e| e["conditions"] == serde_json::json!({"ready": true, "serving": true, "terminating": false})), "{before:?}");
    assert!(c.apply_manifest(&deploy("busybox:1.37"), "d.yaml").errors.is_empty());
    let mut seen_terminating = false;
    for _ in 0..120 {
        c.advance(Duration::seconds(1));
        for e in endpoints(&mut c, "sleepy").iter().filter(|e| e["conditions"]["terminating"] == true) {
            seen_terminating = true;
            let pod = e["targetRef"]["name"].as_str().unwrap().to_string();
            let ip = e["addresses"][0].as_str().unwrap().to_string();
            let status = json(&mut c, &format!("kubectl get pod {pod} -o json"));
            let pod_ready = status["status"]["conditions"].as_array().unwrap().iter().any(|cond| cond["type"] == "Ready" && cond["status"] == "True");
            assert_eq!(e["conditions"]["ready"], false, "a terminating endpoint is never ready: {e}");
            assert_eq!(e["conditions"]["serving"], pod_ready, "serving follows the pod's Ready condition: {e}");
            // The Endpoints object (and so `describe service`) no longer lists it.
            assert!(!ok(&mut c, "kubectl get endpoints sleepy").contains(&ip), "{ip} left the Endpoints");
        }
    }
    assert!(seen_terminating, "the old pods were listed while terminating");
    let after = endpoints(&mut c, "sleepy");
    assert_eq!(after.len(), 2, "{after:?}");
    assert!(after.iter().all(|e| e["conditions"]["ready"] == true && e["conditions"]["terminating"] == false));
    let ips: Vec<String> = after.iter().map(|e| e["addresses"][0].as_str().unwrap().to_string()).collect();
    assert_eq!(ips, pod_ips(&c, "sleepy"), "the new pods, in address order");
}

#[test]
fn two_hundred_fifty_pods_need_three_slices_of_at_most_a_hundred() {
    let mut c = Cluster::new(ClusterSettings { node_cpu: "16".into(), ..Default::default() });
    ok(&mut c, "kubectl create deployment web --image=nginx:1.25 --replicas=250");
    ok(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(90));
    let table = ok(&mut c, "kubectl get endpointslices -l kubernetes.io/service-name=web");
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{table}");
    let sizes: Vec<usize> = slices(&mut c, "web").iter().map(|s| s["endpoints"].as_array().map_or(0, Vec::len)).collect();
    assert!(sizes.iter().all(|n| *n <= 100), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), 250);
    // kubectl shows three addresses of each and how many more.
    for (row, n) in rows.iter().zip(&sizes) {
        assert!(row.contains(&format!(" + {} more... ", n - 3)), "{row}");
    }
    // Every pod is in exactly one slice.
    let mut listed: Vec<String> = endpoints(&mut c, "web").iter().map(|e| e["addresses"][0].as_str().unwrap().to_string()).collect();
    listed.sort();
    listed.dedup();
    assert_eq!(listed.len(), 250);
    // Scaled to zero, one empty placeholder slice stays.
    ok(&mut c, "kubectl scale deployment web --replicas=0");
    c.advance(Duration::seconds(60));
    let empty = ok(&mut c, "kubectl get endpointslices -l kubernetes.io/service-name=web");
    let rows: Vec<Vec<&str>> = empty.lines().skip(1).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows.len(), 1, "{empty}");
    assert_eq!(&rows[0][1..4], &["IPv4", "<unset>", "<unset>"], "{empty}");
}

#[test]
fn without_ready_endpoints_traffic_goes_to_serving_terminating_ones() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl run web --image=nginx:1.25");
    c.advance(Duration::seconds(20));
    let ip = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).find(|p| p.metadata.name == "web").and_then(|p| p.status.pod_ip.clone()).unwrap();
    // A Service without a selector, with slices written by hand (as for an outside backend).
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: manual\nspec:\n  ports:\n  - name: http\n    port: 8080\n    targetPort: 80\n";
    assert!(c.apply_manifest(service, "svc.yaml").errors.is_empty());
    let slice = |name: &str, address: &str, ready: bool, serving: bool, terminating: bool| {
        format!("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}\n  labels: {{kubernetes.io/service-name: manual}}\naddressType: IPv4\nports: [{{name: http, port: 80, protocol: TCP}}]\nendpoints:\n- addresses: [{address}]\n  conditions: {{ready: {ready}, serving: {serving}, terminating: {terminating}}}\n")
    };
    let cluster_ip = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == "manual").unwrap().spec.cluster_ip.clone().unwrap();
    // Only a terminating endpoint that still serves: kube-proxy falls back to it.
    assert!(c.apply_manifest(&slice("manual-1", &ip, false, true, true), "s.yaml").errors.is_empty());
    assert!(ok(&mut c, &format!("curl -s {cluster_ip}:8080")).contains("answering from pod web."));
    // Once it no longer serves either, the connection is refused.
    assert!(c.apply_manifest(&slice("manual-1", &ip, false, false, true), "s.yaml").errors.is_empty());
    assert_eq!(run(&mut c, &format!("curl -s {cluster_ip}:8080")).exit_code, 7);
    // A ready endpoint elsewhere wins over a serving terminating one.
    assert!(c.apply_manifest(&slice("manual-1", &ip, false, true, true), "s.yaml").errors.is_empty());
    assert!(c.apply_manifest(&slice("manual-2", "192.0.2.10", true, true, false), "s2.yaml").errors.is_empty());
    for _ in 0..10 {
        assert_eq!(run(&mut c, &format!("curl -s {cluster_ip}:8080")).exit_code, 7, "192.0.2.10 does not answer: the ready endpoint is the only one used");
    }
    // The controller leaves hand-made slices alone.
    c.advance(Duration::seconds(5));
    assert_eq!(slices(&mut c, "manual").len(), 2);
}
