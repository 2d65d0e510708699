//! Which pod a ReplicaSet deletes when it scales down: upstream ranks a pod by how many
//! active pods of its ReplicaSet and of the ReplicaSets sharing its controller (a
//! Deployment's old and new ones) run on the same node, before the pod's age.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::store::ObjectKey;
use kubeplay_sim::{Cluster, ClusterSettings};

fn ok(c: &mut Cluster, line: &str) {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
}

/// A ReplicaSet of `replicas` nginx pods labelled `app=NAME`, controlled by the object with
/// `controller_uid` when one is given.
fn replica_set(name: &str, replicas: i32, controller_uid: Option<&str>) -> String {
    let owner = controller_uid.map_or(String::new(), |uid| {
        format!("  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: family\n    uid: {uid}\n    controller: true\n")
    });
    format!(
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: {name}\n{owner}spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n"
    )
}

/// The nodes of the pods labelled `app=NAME`.
fn nodes_of(c: &Cluster, app: &str) -> Vec<String> {
    c.store()
        .list(Kind::Pod, Some("default"))
        .filter_map(Object::as_pod)
        .filter(|p| p.metadata.deletion_timestamp.is_none() && p.metadata.labels.get("app").map(String::as_str) == Some(app))
        .map(|p| p.spec.node_name.clone().unwrap_or_default())
        .collect()
}

/// Replica set `a` gets an older pod on node-2 (beside replica set `b`'s pod) and a newer
/// one on node-1, then scales down to one; returns the node of the pod it keeps.
fn kept_after_scale_down(siblings: bool) -> Vec<String> {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create configmap family");
    let uid = c
        .store()
        .get(&ObjectKey { kind: Kind::ConfigMap, namespace: "default".into(), name: "family".into() })
        .and_then(|o| o.meta().uid.clone())
        .expect("the ConfigMap has a uid");
    let controller = siblings.then_some(&*uid);
    ok(&mut c, "kubectl cordon node-1");
    ok(&mut c, "kubectl cordon node-3");
    assert!(c.apply_manifest(&replica_set("b", 1, controller), "b.yaml").errors.is_empty());
    assert!(c.apply_manifest(&replica_set("a", 1, controller), "a.yaml").errors.is_empty());
    c.advance(Duration::seconds(30));
    ok(&mut c, "kubectl cordon node-2");
    ok(&mut c, "kubectl uncordon node-1");
    ok(&mut c, "kubectl scale rs a --replicas=2");
    c.advance(Duration::seconds(30));
    let mut placed = nodes_of(&c, "a");
    placed.sort();
    assert_eq!(placed, ["node-1", "node-2"], "a's pods before the scale-down");
    assert_eq!(nodes_of(&c, "b"), ["node-2"]);
    ok(&mut c, "kubectl uncordon node-2");
    ok(&mut c, "kubectl uncordon node-3");
    ok(&mut c, "kubectl scale rs a --replicas=1");
    c.advance(Duration::seconds(40));
    nodes_of(&c, "a")
}

#[test]
fn a_pod_beside_its_siblings_pods_goes_first() {
    // node-2 runs a's older pod and b's pod: two related pods against one on node-1.
    assert_eq!(kept_after_scale_down(true), ["node-1"]);
}

#[test]
fn without_siblings_the_more_recently_ready_pod_goes_first() {
    // Each of a's pods is alone of its family on its node: the newer one (node-1) goes.
    assert_eq!(kept_after_scale_down(false), ["node-2"]);
}
