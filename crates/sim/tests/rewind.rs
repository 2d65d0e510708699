//! Rewinding: the page takes the cluster back to an earlier moment by replaying the
//! action log until then. What a learner sees after rewinding must be what they saw at
//! that moment: the same pods with the same names, the same phases, the same files.

use kubeplay_sim::api::Kind;
use kubeplay_sim::clock::{Duration, Time};
use kubeplay_sim::interface::{now_or_never, ClusterInterface};
use kubeplay_sim::{Cluster, ClusterSettings, LocalCluster};

fn run(c: &LocalCluster, line: &str) {
    c.run(line).drain();
}

/// The pods as `kubectl get pods` lists them (name, phase, node).
fn pods(c: &LocalCluster) -> Vec<(String, String, Option<String>)> {
    let list = now_or_never(c.list(Kind::Pod, Some("default"))).unwrap().unwrap();
    list.items.iter().filter_map(|o| o.as_pod()).map(|p| (p.metadata.name.clone(), p.phase().to_string(), p.spec.node_name.clone())).collect()
}

fn now(c: &LocalCluster) -> Time {
    now_or_never(c.now()).unwrap().unwrap()
}

#[test]
fn rewinding_shows_the_cluster_exactly_as_it_was_and_forgets_what_came_after() {
    let c = LocalCluster::new(Cluster::new(ClusterSettings::default()));
    run(&c, "kubectl create deployment web --image=nginx --replicas=2");
    now_or_never(c.advance(Duration::seconds(30))).unwrap().unwrap();
    let at_30s = now(&c);
    let pods_at_30s = pods(&c);
    assert_eq!(pods_at_30s.len(), 2);
    assert!(pods_at_30s.iter().all(|(_, phase, _)| phase == "Running"));
    now_or_never(c.advance(Duration::seconds(10))).unwrap().unwrap();
    now_or_never(c.put_file("/home/docker/notes.txt", "written later", false)).unwrap().unwrap();
    run(&c, "kubectl scale deployment web --replicas=5");
    now_or_never(c.advance(Duration::seconds(30))).unwrap().unwrap();
    assert_eq!(pods(&c).len(), 5);

    let reached = now_or_never(c.rewind(at_30s)).unwrap().unwrap();
    assert_eq!(reached, at_30s);
    assert_eq!(now(&c), at_30s);
    assert_eq!(pods(&c), pods_at_30s, "the same pods, names, phases and nodes as at that moment");
    assert!(now_or_never(c.read_file("/home/docker/notes.txt")).unwrap().is_err(), "the file written later is gone");
    let log = now_or_never(c.share()).unwrap().unwrap();
    assert!(!log.contains("scale"), "the scale is forgotten: {log}");

    // Time goes on from there as if the later actions never happened.
    now_or_never(c.advance(Duration::seconds(60))).unwrap().unwrap();
    assert_eq!(pods(&c).len(), 2);
}

#[test]
fn rewinding_to_the_start_or_before_gives_the_fresh_cluster() {
    let c = LocalCluster::new(Cluster::new(ClusterSettings::default()));
    let start = now(&c);
    run(&c, "kubectl run early --image=nginx");
    now_or_never(c.advance(Duration::seconds(5))).unwrap().unwrap();
    run(&c, "kubectl run solo --image=nginx");
    now_or_never(c.advance(Duration::seconds(20))).unwrap().unwrap();
    let reached = now_or_never(c.rewind(Time(0))).unwrap().unwrap();
    assert_eq!(reached, start);
    assert!(pods(&c).is_empty(), "the start is the fresh cluster, before even what was done before time moved");
}
