//! kubeplay's teaching faults: an application that stops passing its readiness probe
//! leaves its Service's endpoints (and comes back when it recovers).

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n        ports: [{containerPort: 80}]\n        readinessProbe:\n          httpGet: {path: /, port: 80}\n          periodSeconds: 5\n";

fn endpoints(c: &mut Cluster) -> usize {
    let out = run(c, "kubectl get endpoints web -o jsonpath={.subsets[0].addresses[*].ip}").stdout;
    out.split_whitespace().count()
}

#[test]
fn a_pod_failing_its_readiness_probe_leaves_the_service_and_returns() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert!(c.apply_manifest(WEB, "web.yaml").errors.is_empty());
    run(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(40));
    assert_eq!(endpoints(&mut c), 2);
    let pod = run(&mut c, "kubectl get pods -l app=web -o jsonpath={.items[0].metadata.name}").stdout;
    let out = run(&mut c, &format!("fault fail-readiness {pod}"));
    assert_eq!(out.stdout, format!("pod/{pod}: its readiness probe now fails (HTTP 503); after failureThreshold probes it is not ready\n"));
    c.advance(Duration::seconds(20));
    let pods = run(&mut c, "kubectl get pods -l app=web").stdout;
    assert!(pods.lines().any(|l| l.starts_with(&pod) && l.contains(" 0/1 ") && l.contains("Running")), "running but not ready: {pods}");
    assert_eq!(endpoints(&mut c), 1, "the Service sends nothing to it");
    let events = run(&mut c, &format!("kubectl describe pod {pod}")).stdout;
    assert!(events.contains("Readiness probe failed: HTTP probe failed with statuscode: 503"), "{events}");
    assert_eq!(run(&mut c, &format!("fault recover-readiness {pod}")).stdout, format!("pod/{pod}: its readiness probe passes again\n"));
    c.advance(Duration::seconds(10));
    assert_eq!(endpoints(&mut c), 2, "back in the Service");
}

#[test]
fn readiness_faults_explain_what_they_cannot_break() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl run plain --image=nginx");
    c.advance(Duration::seconds(20));
    let out = run(&mut c, "fault fail-readiness plain");
    assert!(out.stderr.starts_with("error: pod plain has no readiness probe"), "{}", out.stderr);
    assert_eq!(run(&mut c, "fault fail-readiness nope").stderr, "Error from server (NotFound): pods \"nope\" not found\n");
    assert_eq!(run(&mut c, "fault fail-readiness").exit_code, 2);
}
