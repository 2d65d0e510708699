//! The workshop's autoscaling step (H7-H12): the todo app (its 2018 apps/v1beta1
//! manifests, converted), `kubectl autoscale --min=1 --max=10 --cpu-percent=40`, a load
//! of 75 requests/s for 5 minutes, and the HPA's decisions checked against the formula.

mod common;
use common::todo_app;

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::controllers::hpa::normalize;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::Cluster;

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

fn replicas(c: &Cluster) -> i32 {
    c.store().list(Kind::Deployment, Some("todo-app")).filter_map(Object::as_deployment).find(|d| d.metadata.name == "todo-app").and_then(|d| d.spec.replicas).unwrap()
}


#[test]
fn the_todo_app_scales_with_load_and_back_after_the_window() {
    let mut c = todo_app();
    assert_eq!(ok(&mut c, "kubectl -n todo-app autoscale deployment todo-app --min=1 --max=10 --cpu-percent=40"), "horizontalpodautoscaler.autoscaling/todo-app autoscaled\n");
    let fresh = ok(&mut c, "kubectl -n todo-app get hpa");
    assert_eq!(fresh.lines().nth(1).unwrap(), "todo-app   Deployment/todo-app   1%/40%    1         10        3          0s", "{fresh}");
    // Idle at 1% of request: the proposal is 1, but a new HPA remembers the current 3 for 5 minutes.
    c.advance(Duration::seconds(240));
    assert_eq!(replicas(&c), 3, "no scale-down inside the stabilization window");
    c.advance(Duration::seconds(90));
    assert_eq!(replicas(&c), 1, "scaled down once the window passed");
    // H11: vegeta at 75/s for 5 minutes against the NodePort.
    let np = c.store().list(Kind::Service, Some("todo-app")).filter_map(Object::as_service).find(|s| s.metadata.name == "todo-app").unwrap().spec.ports[0].node_port.unwrap();
    ok(&mut c, &format!("load http://127.0.0.1:{np} 75/s for 5m"));
    let mut seen = vec![replicas(&c)];
    for _ in 0..20 {
        c.advance(Duration::seconds(15));
        if seen.last() != Some(&replicas(&c)) {
            seen.push(replicas(&c));
        }
    }
    // 225m of demand: one throttled pod at 100% -> 3 pods at 75% -> 6 pods at about 38%.
    assert_eq!(seen, vec![1, 3, 6], "scale-up steps");
    let hpa = ok(&mut c, "kubectl -n todo-app get hpa todo-app");
    assert!(hpa.contains("38%/40%") || hpa.contains("39%/40%"), "{hpa}");
    // The load ends; 5 minutes later the HPA goes back down to 1.
    c.advance(Duration::seconds(240));
    assert_eq!(replicas(&c), 6, "still inside the window after the load");
    c.advance(Duration::seconds(90));
    assert_eq!(replicas(&c), 1);
    let rescales: Vec<String> = c
        .store()
        .list(Kind::Event, Some("todo-app"))
        .filter_map(Object::as_event)
        .filter(|e| e.reason == "SuccessfulRescale")
        .map(|e| e.message.clone())
        .collect();
    assert!(rescales.contains(&"New size: 3; reason: cpu resource utilization (percentage of request) above target".to_string()), "{rescales:?}");
    assert!(rescales.contains(&"New size: 1; reason: All metrics below target".to_string()), "{rescales:?}");
}

#[test]
fn autoscale_errors_read_as_kubectl_prints_them() {
    let mut c = todo_app();
    // Source: kubectl 1.28.
    assert_eq!(run(&mut c, "kubectl -n todo-app autoscale deployment todo-app --min=1").stderr, "error: required flag(s) \"max\" not set\n");
    // kubectl 1.27 to 1.33 print no "See" line after this one.
    assert_eq!(run(&mut c, "kubectl -n todo-app autoscale deployment todo-app --max=0").stderr, "error: --max=MAXPODS is required and must be at least 1, max: 0\n");
    assert_eq!(run(&mut c, "kubectl -n todo-app autoscale deployment nope --max=2 --min=3").stderr, "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 2, min: 3\n");
    assert_eq!(run(&mut c, "kubectl -n todo-app autoscale deployment todo-app --max=abc").stderr, "error: invalid argument \"abc\" for \"--max\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl autoscale --help' for usage.\n");
    assert_eq!(run(&mut c, "kubectl -n todo-app autoscale deployment nope --max=3").stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
    // autoscaling/v1 manifests still apply, converted to v2, and sync at once.
    let v1 = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: todo\n  namespace: todo-app\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: todo-app\n  minReplicas: 2\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 50\n";
    assert!(c.apply_manifest(v1, "hpa.yaml").errors.is_empty());
    let table = ok(&mut c, "kubectl -n todo-app get hpa todo");
    assert_eq!(table.lines().nth(1).unwrap(), "todo   Deployment/todo-app   1%/50%    2         5         3          0s", "{table}");
}

// The replica calculator's arithmetic, in the spirit of upstream's replica_calculator_test.go.
#[test]
fn normalization_stabilizes_and_limits() {
    let t = |s: i64| kubeplay_sim::clock::Time(s * 1000);
    let mut h = vec![(5, t(0))];
    assert_eq!(normalize(&mut h, 2, 5, 1, 10, t(60)), (5, "ScaleDownStabilized", "DesiredWithinRange"), "a higher recommendation within 5 minutes holds");
    let mut h = vec![(5, t(0))];
    assert_eq!(normalize(&mut h, 2, 5, 1, 10, t(301)).0, 2, "older recommendations no longer count");
    let mut h = Vec::new();
    assert_eq!(normalize(&mut h, 20, 3, 1, 10, t(0)), (6, "ReadyForNewScale", "ScaleUpLimit"), "at most double (or 4) per step");
    let mut h = Vec::new();
    assert_eq!(normalize(&mut h, 20, 8, 1, 10, t(0)), (10, "ReadyForNewScale", "TooManyReplicas"));
    let mut h = Vec::new();
    assert_eq!(normalize(&mut h, 0, 3, 2, 10, t(0)).2, "TooFewReplicas");
}

#[test]
fn behavior_policies_pace_the_same_load() {
    let mut c = todo_app();
    // One pod a minute up; scale-down stabilized for 60 s and then one pod a minute.
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: todo-app, namespace: todo-app}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: todo-app}\n  minReplicas: 1\n  maxReplicas: 10\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 40}}}]\n  behavior:\n    scaleUp:\n      policies: [{type: Pods, value: 1, periodSeconds: 60}]\n    scaleDown:\n      stabilizationWindowSeconds: 60\n      policies: [{type: Pods, value: 1, periodSeconds: 60}]\n";
    assert!(c.apply_manifest(hpa, "hpa.yaml").errors.is_empty());
    // Defaults are filled field by field: scaleUp keeps its window 0 and selectPolicy Max.
    let yaml = ok(&mut c, "kubectl -n todo-app get hpa todo-app -o yaml");
    assert!(yaml.contains("    scaleUp:\n      policies:\n      - periodSeconds: 60\n        type: Pods\n        value: 1\n      selectPolicy: Max\n      stabilizationWindowSeconds: 0\n"), "{yaml}");
    // Idle: down after the 60 s window, one pod a minute: 3 -> 2 -> 1.
    let mut seen = vec![replicas(&c)];
    for _ in 0..16 {
        c.advance(Duration::seconds(15));
        if seen.last() != Some(&replicas(&c)) {
            seen.push(replicas(&c));
        }
    }
    assert_eq!(seen, vec![3, 2, 1], "scale-down paced by the policy");
    let np = c.store().list(Kind::Service, Some("todo-app")).filter_map(Object::as_service).find(|s| s.metadata.name == "todo-app").unwrap().spec.ports[0].node_port.unwrap();
    ok(&mut c, &format!("load http://127.0.0.1:{np} 75/s for 10m"));
    let mut ups = vec![(replicas(&c), c.now())];
    for _ in 0..40 {
        c.advance(Duration::seconds(15));
        if ups.last().map(|u| u.0) != Some(replicas(&c)) {
            ups.push((replicas(&c), c.now()));
        }
    }
    let counts: Vec<i32> = ups.iter().map(|u| u.0).collect();
    assert_eq!(counts, vec![1, 2, 3, 4, 5, 6], "one pod at a time up to the six the load needs");
    for w in ups.windows(2).skip(1) {
        assert!(w[1].1 - w[0].1 >= Duration::seconds(60), "at most one pod a minute: {ups:?}");
    }
    let status = ok(&mut c, "kubectl -n todo-app describe hpa todo-app");
    assert!(status.contains("ScaleUpLimit") || status.contains("DesiredWithinRange"), "{status}");
}

#[test]
fn behavior_is_validated_with_kubernetes_messages() {
    let mut c = todo_app();
    let bad = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x, namespace: todo-app}\nspec:\n  scaleTargetRef: {kind: Deployment, name: todo-app}\n  maxReplicas: 3\n  behavior:\n    scaleUp: {selectPolicy: Fastest, policies: [{type: Pods, value: 0, periodSeconds: 15}]}\n";
    let report = c.apply_manifest(bad, "hpa.yaml");
    let text = format!("{:?}", report.errors);
    assert!(text.contains("spec.behavior.scaleUp.selectPolicy: Unsupported value: \\\"Fastest\\\": supported values: \\\"Disabled\\\", \\\"Max\\\", \\\"Min\\\""), "{text}");
    assert!(text.contains("spec.behavior.scaleUp.policies[0].value: Invalid value: 0: must be greater than zero"), "{text}");
}
