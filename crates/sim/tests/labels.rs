//! The workshop's label experiment: a bare pod with the app's label is not
//! adopted until it also carries the ReplicaSet's pod-template-hash; then the
//! ReplicaSet has one pod too many and deletes one by upstream's ranking.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::controllers::controller_of;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: simple\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: simple\n  template:\n    metadata:\n      labels:\n        app: simple\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";
const BARE_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lonely\n  labels:\n    app: simple\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n";

fn owner_of(c: &Cluster, pod: &str) -> Option<String> {
    c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).find(|p| p.metadata.name == pod).and_then(|p| controller_of(&p.metadata).map(|r| r.name.clone()))
}

#[test]
fn a_pod_is_adopted_only_with_the_template_hash_and_the_surplus_goes() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert!(c.apply_manifest(DEPLOYMENT, "simple.yaml").errors.is_empty());
    c.advance(Duration::seconds(40));
    assert!(c.apply_manifest(BARE_POD, "lonely.yaml").errors.is_empty());
    c.advance(Duration::seconds(10));
    assert_eq!(owner_of(&c, "lonely"), None, "app=simple alone does not match the ReplicaSet's selector");
    assert_eq!(run(&mut c, "kubectl get pods -l app=simple -o name").stdout.lines().count(), 3);

    let rs = c.store().list(Kind::ReplicaSet, Some("default")).filter_map(Object::as_replica_set).next().unwrap().clone();
    let hash = rs.metadata.labels["pod-template-hash"].clone();
    assert_eq!(run(&mut c, &format!("kubectl label pod lonely pod-template-hash={hash}")).stdout, "pod/lonely labeled\n");
    // Adopted at once; the ReplicaSet now has 3 for 2 wanted. All three run and are ready on
    // different nodes, so the pod that became ready most recently goes first: the bare one.
    assert_eq!(owner_of(&c, "lonely").as_deref(), Some(rs.metadata.name.as_str()));
    let lonely = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).find(|p| p.metadata.name == "lonely").unwrap();
    assert!(lonely.metadata.deletion_timestamp.is_some(), "the surplus pod is being deleted");
    let events = run(&mut c, "kubectl get events").stdout;
    assert!(events.contains("SuccessfulDelete") && events.contains("Deleted pod: lonely"), "{events}");
    c.advance(Duration::seconds(5));
    assert_eq!(run(&mut c, "kubectl get pods -o name").stdout.lines().count(), 2);

    // Removing the label releases a pod: the ReplicaSet makes a replacement.
    let pod = run(&mut c, "kubectl get pods -o name").stdout.lines().next().unwrap().trim_start_matches("pod/").to_string();
    assert_eq!(run(&mut c, &format!("kubectl label pod {pod} app-")).stdout, format!("pod/{pod} unlabeled\n"));
    assert_eq!(owner_of(&c, &pod), None, "released");
    c.advance(Duration::seconds(10));
    assert_eq!(run(&mut c, "kubectl get pods -l app=simple -o name").stdout.lines().count(), 2);
    assert_eq!(run(&mut c, "kubectl get pods -o name").stdout.lines().count(), 3);
}

#[test]
fn label_refuses_to_overwrite_without_the_flag() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(BARE_POD, "lonely.yaml");
    let out = run(&mut c, "kubectl label pod lonely app=other");
    assert_eq!(out.stderr, "error: 'app' already has a value (simple), and --overwrite is false\n");
    assert_eq!(run(&mut c, "kubectl label pod lonely app=other --overwrite").stdout, "pod/lonely labeled\n");
    assert_eq!(run(&mut c, "kubectl label pod lonely app=other").stdout, "pod/lonely not labeled\n");
}

