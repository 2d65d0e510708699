//! The workshop's zero-downtime update (G): the todo app behind its NodePort under a steady
//! load while its image changes from v6 to dog. Readiness gates every new pod, so no request
//! fails, and `/version` answers flip from the old version to the new one.

mod common;
use common::todo_app;

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::Cluster;

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}


/// The version a `/version` answer names.
fn version(answer: &str) -> String {
    answer.split("\"version\":\"").nth(1).and_then(|rest| rest.split('"').next()).unwrap_or_default().to_string()
}

#[test]
fn a_rolling_update_under_load_loses_no_request_and_flips_the_version() {
    let mut c = todo_app();
    let port = ok(&mut c, "kubectl get -n todo-app service todo-app -o jsonpath={.spec.ports[0].nodePort}");
    let url = format!("http://127.0.0.1:{port}");
    assert_eq!(version(&ok(&mut c, &format!("curl -s {url}/version"))), "v6");
    ok(&mut c, &format!("load {url} 20/s"));
    c.advance(Duration::seconds(10));
    ok(&mut c, "kubectl -n todo-app set image deployments/todo-app todo-app=johscheuer/todo-app-web:dog");
    // Sample the answers every two seconds while the rollout runs.
    let mut seen = Vec::new();
    for _ in 0..120 {
        c.advance(Duration::seconds(2));
        let v = version(&ok(&mut c, &format!("curl -s {url}/version")));
        if seen.last() != Some(&v) {
            seen.push(v);
        }
    }
    assert_eq!(seen.first().map(String::as_str), Some("v6"), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("dog"), "{seen:?}");
    assert!(seen.iter().all(|v| v == "v6" || v == "dog"), "every answer came from a ready pod: {seen:?}");
    assert!(ok(&mut c, "kubectl -n todo-app rollout status deployment todo-app --watch=false").contains("successfully rolled out"));
    let load = &c.traffic().loads[0];
    assert!(load.sent >= 20 * 240, "the load ran throughout: {} sent", load.sent);
    assert_eq!(load.failed, 0, "no request failed during the update");
    let errors = c.series("load.errors");
    assert!(!errors.points.is_empty() && errors.points.iter().all(|p| p.1 == 0.0), "the error series stays at zero");
}

#[test]
fn with_no_ready_pod_behind_the_service_the_load_counts_failures() {
    // The other side: the same load against a Service with no pod behind it does fail.
    let mut c = todo_app();
    let port = ok(&mut c, "kubectl get -n todo-app service todo-app -o jsonpath={.spec.ports[0].nodePort}");
    ok(&mut c, &format!("load http://127.0.0.1:{port} 20/s"));
    ok(&mut c, "kubectl -n todo-app scale deployment todo-app --replicas=0");
    c.advance(Duration::seconds(60));
    assert!(c.traffic().loads[0].failed > 0);
    let out = run(&mut c, &format!("curl -s http://127.0.0.1:{port}/version"));
    assert_ne!(out.exit_code, 0, "curl fails: {}", out.stdout);
}
