//! Rollout scenarios, replayed from the store's watch log: what a learner would
//! see at every instant of a Deployment's life.

use kubeplay_sim::api::{Kind, Object, Pod};
use kubeplay_sim::clock::{Duration, Time};
use kubeplay_sim::controllers::deployment::REVISION;
use kubeplay_sim::store::{EventType, ObjectKey};
use kubeplay_sim::{Cluster, ClusterSettings};
use std::collections::BTreeMap;

fn deployment(name: &str, replicas: u32, image: &str, strategy: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  strategy:\n    type: {strategy}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n"
    )
}

fn cluster() -> Cluster {
    Cluster::new(ClusterSettings { workers: 4, ..Default::default() })
}

fn apply(c: &mut Cluster, text: &str) {
    let report = c.apply_manifest(text, "deploy.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

/// The app's pods now, and the store version to replay from.
fn mark(c: &Cluster, app: &str) -> (u64, BTreeMap<String, Pod>) {
    let pods = c
        .store()
        .list(Kind::Pod, Some("default"))
        .filter_map(Object::as_pod)
        .filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some(app))
        .map(|p| (p.metadata.name.clone(), p.clone()))
        .collect();
    (c.store().resource_version(), pods)
}

/// Pods of the app (by label) at the end of every instant after `mark`.
fn instants(c: &Cluster, mark: (u64, BTreeMap<String, Pod>), app: &str) -> Vec<(Time, Vec<Pod>)> {
    let (since, mut pods) = mark;
    let mut out: Vec<(Time, Vec<Pod>)> = Vec::new();
    let events: Vec<_> = c.store().events_since(since).expect("the watch log reaches back").cloned().collect();
    for (i, e) in events.iter().enumerate() {
        if let Some(p) = e.object.as_pod().filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some(app)) {
            match e.type_ {
                EventType::Deleted => pods.remove(&p.metadata.name),
                _ => pods.insert(p.metadata.name.clone(), p.clone()),
            };
        }
        let end_of_instant = events.get(i + 1).is_none_or(|next| next.time != e.time);
        if end_of_instant {
            out.push((e.time, pods.values().cloned().collect()));
        }
    }
    out
}

fn image_of(p: &Pod) -> &str {
    &p.spec.containers[0].image
}

#[test]
fn rolling_update_of_ten_keeps_between_eight_ready_and_thirteen_pods() {
    let mut c = cluster();
    apply(&mut c, &deployment("web", 10, "nginx:1.25", "RollingUpdate"));
    c.advance(Duration::seconds(30));
    let ready = |c: &Cluster| c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready()).count();
    assert_eq!(ready(&c), 10);
    let since = mark(&c, "web");
    apply(&mut c, &deployment("web", 10, "nginx:1.26", "RollingUpdate"));
    c.advance(Duration::seconds(120));
    let history = instants(&c, since, "web");
    assert!(history.len() > 5, "the rollout takes several steps");
    let mut saw_surge = false;
    for (t, pods) in &history {
        let live = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_none()).count();
        let ready = pods.iter().filter(|p| p.metadata.deletion_timestamp.is_none() && p.is_ready()).count();
        assert!(live <= 13, "{live} pods without a deletionTimestamp at {t}");
        assert!(ready >= 8, "only {ready} ready pods at {t}");
        saw_surge |= live == 13;
    }
    assert!(saw_surge, "the rollout uses its surge of 3");
    assert_eq!(c.overruns(), 0, "every instant settles");
    let (_, last) = history.last().unwrap();
    assert_eq!(last.len(), 10);
    assert!(last.iter().all(|p| image_of(p) == "nginx:1.26" && p.is_ready()));
    // Two ReplicaSets: the new one at 10 with revision 2, the old one kept at 0.
    let mut sets: Vec<(i32, String)> = c
        .store()
        .list(Kind::ReplicaSet, Some("default"))
        .filter_map(Object::as_replica_set)
        .map(|rs| (rs.replicas(), rs.metadata.annotations[REVISION].clone()))
        .collect();
    sets.sort();
    assert_eq!(sets, vec![(0, "1".to_string()), (10, "2".to_string())]);
    let d = c.store().get(&ObjectKey { kind: Kind::Deployment, namespace: "default".into(), name: "web".into() }).and_then(Object::as_deployment).unwrap();
    assert_eq!((d.status.replicas, d.status.updated_replicas, d.status.available_replicas), (10, 10, 10));
    let progressing = kubeplay_sim::api::condition(&d.status.conditions, "Progressing").unwrap();
    assert_eq!(progressing.reason.as_deref(), Some("NewReplicaSetAvailable"));
    // The deployment controller's events, as kubectl describe lists them.
    let events: Vec<String> = kubeplay_sim::events::about(c.store(), &Object::Deployment(d.clone())).iter().map(|e| e.message.clone()).collect();
    let first_rs = events[0].trim_start_matches("Scaled up replica set ").split(' ').next().unwrap().to_string();
    assert_eq!(events[0], format!("Scaled up replica set {first_rs} to 10"));
    assert!(events[1].starts_with("Scaled up replica set web-") && events[1].ends_with(" to 3"), "{events:?}");
    assert_eq!(events[2], format!("Scaled down replica set {first_rs} to 8 from 10"), "{events:?}");
}

#[test]
fn recreate_never_runs_old_and_new_pods_together() {
    let mut c = cluster();
    apply(&mut c, &deployment("app", 4, "nginx:1.25", "Recreate"));
    c.advance(Duration::seconds(30));
    let since = mark(&c, "app");
    apply(&mut c, &deployment("app", 4, "nginx:1.26", "Recreate"));
    c.advance(Duration::seconds(60));
    let history = instants(&c, since, "app");
    for (t, pods) in &history {
        let old = pods.iter().any(|p| image_of(p) == "nginx:1.25");
        let new = pods.iter().any(|p| image_of(p) == "nginx:1.26");
        assert!(!(old && new), "old and new pods together at {t}");
    }
    let (_, last) = history.last().unwrap();
    assert_eq!(last.iter().filter(|p| image_of(p) == "nginx:1.26" && p.is_ready()).count(), 4);
}

#[test]
fn same_seed_same_rollout() {
    let run = || {
        let mut c = cluster();
        apply(&mut c, &deployment("web", 6, "nginx:1.25", "RollingUpdate"));
        c.advance(Duration::seconds(20));
        apply(&mut c, &deployment("web", 6, "redis:7", "RollingUpdate"));
        c.advance(Duration::seconds(60));
        c.snapshot()
    };
    assert_eq!(run(), run());
}

#[test]
fn deleting_a_deployment_cascades_to_its_replica_sets_and_pods() {
    let mut c = cluster();
    apply(&mut c, &deployment("web", 3, "nginx:1.25", "RollingUpdate"));
    c.advance(Duration::seconds(20));
    c.delete(Kind::Deployment, Some("default"), "web").unwrap();
    assert_eq!(c.store().list(Kind::ReplicaSet, Some("default")).count(), 0);
    let terminating = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.metadata.deletion_timestamp.is_some()).count();
    assert_eq!(terminating, 3, "pods terminate gracefully");
    c.advance(Duration::seconds(5));
    assert_eq!(c.store().list(Kind::Pod, Some("default")).count(), 0);
}

#[test]
fn scaling_a_replica_set_deletes_the_least_valuable_pods_first() {
    let mut c = cluster();
    apply(&mut c, &deployment("web", 3, "nginx:1.25", "RollingUpdate"));
    c.advance(Duration::seconds(20));
    // An extra replica that is still starting is the one to go when scaling back down.
    let names = |c: &Cluster, ready: bool| -> Vec<String> {
        c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready() == ready).map(|p| p.metadata.name.clone()).collect()
    };
    let running = names(&c, true);
    apply(&mut c, &deployment("web", 4, "nginx:1.25", "RollingUpdate"));
    assert_eq!(names(&c, false).len(), 1, "one new pod is starting");
    apply(&mut c, &deployment("web", 3, "nginx:1.25", "RollingUpdate"));
    c.advance(Duration::seconds(1));
    assert_eq!(names(&c, true), running, "the three running pods stay");
    assert!(names(&c, false).is_empty(), "the starting pod was the one deleted");
}

fn rs_sizes(c: &Cluster) -> Vec<(String, i32)> {
    let mut v: Vec<(String, i32)> = c
        .store()
        .list(Kind::ReplicaSet, Some("default"))
        .filter_map(Object::as_replica_set)
        .map(|rs| (rs.spec.template.spec.containers[0].image.clone(), rs.replicas()))
        .collect();
    v.sort();
    v
}

#[test]
fn scaling_during_a_rollout_is_proportional() {
    let mut c = cluster();
    // A rollout that cannot finish (the new image never pulls) leaves two active ReplicaSets.
    apply(&mut c, &deployment("web", 10, "nginx:1.25", "RollingUpdate"));
    c.advance(Duration::seconds(30));
    apply(&mut c, &deployment("web", 10, "nginx:doesnotexist", "RollingUpdate"));
    c.advance(Duration::seconds(30));
    assert_eq!(rs_sizes(&c), vec![("nginx:1.25".to_string(), 8), ("nginx:doesnotexist".to_string(), 5)], "stuck: 8 old available, 5 new");
    // Scaling to 20 adds the 10 extra replicas in proportion 8:5 of the allowed 13 -> 25 total.
    apply(&mut c, &deployment("web", 20, "nginx:doesnotexist", "RollingUpdate"));
    assert_eq!(rs_sizes(&c), vec![("nginx:1.25".to_string(), 15), ("nginx:doesnotexist".to_string(), 10)]);
    let events = run_events(&c);
    assert!(events.iter().any(|m| m.starts_with("Scaled up replica set web-") && m.ends_with(" to 15 from 8")), "{events:?}");
    assert_eq!(c.overruns(), 0);
}

fn run_events(c: &Cluster) -> Vec<String> {
    let d = c.store().get(&ObjectKey { kind: Kind::Deployment, namespace: "default".into(), name: "web".into() }).cloned().unwrap();
    kubeplay_sim::events::about(c.store(), &d).iter().map(|e| e.message.clone()).collect()
}

#[test]
fn a_stuck_rollout_exceeds_its_progress_deadline() {
    let mut c = cluster();
    apply(&mut c, &deployment("web", 2, "nginx:1.25", "RollingUpdate").replace("spec:\n  replicas", "spec:\n  progressDeadlineSeconds: 60\n  replicas"));
    c.advance(Duration::seconds(20));
    apply(&mut c, &deployment("web", 2, "nginx:doesnotexist", "RollingUpdate").replace("spec:\n  replicas", "spec:\n  progressDeadlineSeconds: 60\n  replicas"));
    c.advance(Duration::seconds(50));
    let out = kubeplay_sim::kubectl::run(&mut c, "kubectl rollout status deployment/web");
    assert_eq!(out.exit_code, 1);
    assert!(out.stdout.starts_with("Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated...\n"), "{out:?}");
    assert_eq!(out.stderr, "error: deployment \"web\" exceeded its progress deadline\n");
    let d = c.store().get(&ObjectKey { kind: Kind::Deployment, namespace: "default".into(), name: "web".into() }).and_then(Object::as_deployment).cloned().unwrap();
    let p = kubeplay_sim::api::condition(&d.status.conditions, "Progressing").unwrap();
    assert_eq!((&*p.status, p.reason.as_deref()), ("False", Some("ProgressDeadlineExceeded")));
    // The old pods keep serving: availability holds at replicas - maxUnavailable.
    assert_eq!(d.status.available_replicas, 2);
}

#[test]
fn history_is_trimmed_to_the_revision_limit_and_paused_deployments_wait() {
    let mut c = cluster();
    let with_limit = |image: &str| deployment("web", 1, image, "RollingUpdate").replace("spec:\n  replicas", "spec:\n  revisionHistoryLimit: 2\n  replicas");
    for v in ["1.21", "1.22", "1.23", "1.24", "1.25"] {
        apply(&mut c, &with_limit(&format!("nginx:{v}")));
        c.advance(Duration::seconds(30));
    }
    let images: Vec<String> = rs_sizes(&c).into_iter().map(|(i, _)| i).collect();
    assert_eq!(images, vec!["nginx:1.23", "nginx:1.24", "nginx:1.25"], "the new one and two old ones are kept");
    assert_eq!(kubeplay_sim::kubectl::run(&mut c, "kubectl rollout pause deployment/web").stdout, "deployment.apps/web paused\n");
    apply(&mut c, &with_limit("nginx:1.26").replace("  replicas: 1", "  paused: true\n  replicas: 1"));
    c.advance(Duration::seconds(30));
    assert!(!rs_sizes(&c).iter().any(|(i, _)| i == "nginx:1.26"), "paused: no new ReplicaSet");
    apply(&mut c, &with_limit("nginx:1.26"));
    c.advance(Duration::seconds(30));
    assert!(rs_sizes(&c).contains(&("nginx:1.26".to_string(), 1)));
}

#[test]
fn min_ready_seconds_delays_availability() {
    let mut c = cluster();
    apply(&mut c, &deployment("web", 2, "nginx:1.25", "RollingUpdate").replace("spec:\n  replicas", "spec:\n  minReadySeconds: 10\n  replicas"));
    c.advance(Duration::seconds(8));
    let d = |c: &Cluster| c.store().get(&ObjectKey { kind: Kind::Deployment, namespace: "default".into(), name: "web".into() }).and_then(Object::as_deployment).cloned().unwrap();
    assert_eq!((d(&c).status.ready_replicas, d(&c).status.available_replicas), (2, 0), "ready but not yet available");
    c.advance(Duration::seconds(10));
    assert_eq!(d(&c).status.available_replicas, 2);
}
