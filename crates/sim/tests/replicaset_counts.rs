//! The ReplicaSet controller keeps its pod counts up to date from the watch log instead of
//! counting every pod on each sync. Whatever happens to the pods, the status it writes must
//! equal a count from scratch: the pods each ReplicaSet controls, those carrying its
//! template's labels, and the ready ones.

use kubeplay_sim::api::{Kind, Object, ReplicaSet};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

/// A ReplicaSet's name, replicas, fullyLabeledReplicas and readyReplicas.
type Counts = Vec<(String, i32, i32, i32)>;

/// The counts as the controller wrote them, and as counted now from the pods.
fn written_and_counted(c: &Cluster) -> (Counts, Counts) {
    let sets: Vec<ReplicaSet> = c.store().list(Kind::ReplicaSet, Some("default")).filter_map(Object::as_replica_set).cloned().collect();
    let pods: Vec<_> = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).cloned().collect();
    let mut written = Vec::new();
    let mut counted = Vec::new();
    for rs in &sets {
        let uid = rs.metadata.uid.as_deref().unwrap_or_default().to_string();
        let mine: Vec<_> = pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none() && !matches!(p.phase().to_string().as_str(), "Succeeded" | "Failed"))
            .filter(|p| p.metadata.owner_references.iter().any(|r| r.controller == Some(true) && r.uid == uid))
            .collect();
        let labeled = mine.iter().filter(|p| rs.spec.template.metadata.labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v))).count();
        let ready = mine.iter().filter(|p| p.is_ready()).count();
        let name = rs.metadata.name.clone();
        written.push((name.clone(), rs.status.replicas, rs.status.fully_labeled_replicas, rs.status.ready_replicas));
        counted.push((name, mine.len() as i32, labeled as i32, ready as i32));
    }
    (written, counted)
}

fn ok(c: &mut Cluster, line: &str) {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
}

#[test]
fn the_counts_a_replicaset_writes_match_a_count_from_scratch_through_a_busy_hour() {
    let mut c = Cluster::new(ClusterSettings { workers: 4, ..Default::default() });
    let steps: &[&str] = &[
        "kubectl create deployment web --image=nginx --replicas=6",
        "kubectl scale deployment web --replicas=9",
        "kubectl set image deployment/web nginx=nginx:1.26",
        "kubectl scale deployment web --replicas=4",
        "kubectl label pods -l app=web extra=yes --overwrite",
        "kubectl set image deployment/web nginx=nginx:doesnotexist",
        "kubectl rollout undo deployment/web",
        "fault fail-node node-2",
        "kubectl delete pods -l app=web --wait=false",
        "kubectl scale deployment web --replicas=12",
        "fault recover-node node-2",
        "kubectl rollout restart deployment/web",
    ];
    for (i, step) in steps.iter().enumerate() {
        ok(&mut c, step);
        // Look at several moments: in the middle of the change and after it settles.
        for wait in [2, 9, 40] {
            c.advance(Duration::seconds(wait));
            let (written, counted) = written_and_counted(&c);
            // The controller writes status on its next sync; a moment later it must agree.
            c.advance(Duration::seconds(1));
            let (written_after, counted_after) = written_and_counted(&c);
            assert!(written == counted || written_after == counted_after, "after step {i} ({step}) + {wait}s:\nwritten {written_after:?}\ncounted {counted_after:?}");
        }
    }
    c.advance(Duration::seconds(600));
    let (written, counted) = written_and_counted(&c);
    assert_eq!(written, counted, "at rest");
    assert!(counted.iter().any(|(_, n, _, ready)| *n == 12 && *ready == 12), "the last ReplicaSet runs all 12: {counted:?}");
}
