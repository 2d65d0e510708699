//! Patches, annotations and taints. Sources: RFC 7386 appendix A and RFC 6902 appendix A
//! for the patch arithmetic; kubectl 1.28 for messages; the workshop's label experiment.

use super::{json_patch, merge_patch, strategic_merge_patch};
use crate::api::{Kind, Object};
use crate::clock::Duration;
use crate::cluster::{Cluster, ClusterSettings};
use crate::kubectl::run;
use serde_json::{json, Value};

fn merged(target: Value, patch: Value) -> Value {
    let mut t = target;
    merge_patch(&mut t, &patch);
    t
}

#[test]
fn merge_patch_follows_rfc_7386() {
    // RFC 7386 appendix A, case by case.
    assert_eq!(merged(json!({"a": "b"}), json!({"a": "c"})), json!({"a": "c"}));
    assert_eq!(merged(json!({"a": "b"}), json!({"b": "c"})), json!({"a": "b", "b": "c"}));
    assert_eq!(merged(json!({"a": "b"}), json!({"a": null})), json!({}));
    assert_eq!(merged(json!({"a": "b", "b": "c"}), json!({"a": null})), json!({"b": "c"}));
    assert_eq!(merged(json!({"a": ["b"]}), json!({"a": "c"})), json!({"a": "c"}));
    assert_eq!(merged(json!({"a": "c"}), json!({"a": ["b"]})), json!({"a": ["b"]}));
    assert_eq!(merged(json!({"a": {"b": "c"}}), json!({"a": {"b": "d", "c": null}})), json!({"a": {"b": "d"}}));
    assert_eq!(merged(json!({"a": [{"b": "c"}]}), json!({"a": [1]})), json!({"a": [1]}));
    assert_eq!(merged(json!(["a", "b"]), json!(["c", "d"])), json!(["c", "d"]));
    assert_eq!(merged(json!({"a": "b"}), json!(["c"])), json!(["c"]));
    assert_eq!(merged(json!({"a": "foo"}), json!(null)), json!(null));
    assert_eq!(merged(json!({"a": "foo"}), json!("bar")), json!("bar"));
    assert_eq!(merged(json!({"e": null}), json!({"a": 1})), json!({"e": null, "a": 1}));
    assert_eq!(merged(json!([1, 2]), json!({"a": "b", "c": null})), json!({"a": "b"}));
    assert_eq!(merged(json!({}), json!({"a": {"bb": {"ccc": null}}})), json!({"a": {"bb": {}}}));
}

#[test]
fn strategic_merge_merges_containers_by_name() {
    let mut pod = json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.25"}, {"name": "log", "image": "busybox"}]}});
    strategic_merge_patch(&mut pod, &json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}));
    assert_eq!(pod, json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}, {"name": "log", "image": "busybox"}]}}));
    strategic_merge_patch(&mut pod, &json!({"spec": {"containers": [{"name": "log", "$patch": "delete"}, {"name": "side", "image": "redis"}]}}));
    assert_eq!(pod, json!({"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}, {"name": "side", "image": "redis"}]}}));
    // A plain merge patch replaces the list instead.
    merge_patch(&mut pod, &json!({"spec": {"containers": [{"name": "only"}]}}));
    assert_eq!(pod, json!({"spec": {"containers": [{"name": "only"}]}}));
}

#[test]
fn json_patch_follows_rfc_6902() {
    // RFC 6902 appendix A.1, A.2, A.3, A.6, A.7, A.8, A.9 and A.10.
    let mut d = json!({"foo": "bar"});
    json_patch(&mut d, &json!([{"op": "add", "path": "/baz", "value": "qux"}])).unwrap();
    assert_eq!(d, json!({"baz": "qux", "foo": "bar"}));
    let mut d = json!({"foo": ["bar", "baz"]});
    json_patch(&mut d, &json!([{"op": "add", "path": "/foo/1", "value": "qux"}])).unwrap();
    assert_eq!(d, json!({"foo": ["bar", "qux", "baz"]}));
    let mut d = json!({"baz": "qux", "foo": "bar"});
    json_patch(&mut d, &json!([{"op": "remove", "path": "/baz"}])).unwrap();
    assert_eq!(d, json!({"foo": "bar"}));
    let mut d = json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}});
    json_patch(&mut d, &json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}])).unwrap();
    assert_eq!(d, json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}));
    let mut d = json!({"foo": ["all", "grass", "cows", "eat"]});
    json_patch(&mut d, &json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}])).unwrap();
    assert_eq!(d, json!({"foo": ["all", "cows", "eat", "grass"]}));
    let mut d = json!({"baz": "qux", "foo": ["a", 2, "c"]});
    json_patch(&mut d, &json!([{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}])).unwrap();
    let mut d2 = json!({"baz": "qux"});
    assert!(json_patch(&mut d2, &json!([{"op": "test", "path": "/baz", "value": "bar"}])).is_err());
    let mut d = json!({"foo": "bar"});
    json_patch(&mut d, &json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}])).unwrap();
    assert_eq!(d, json!({"foo": "bar", "child": {"grandchild": {}}}));
    let mut d = json!({"foo": "bar"});
    assert!(json_patch(&mut d, &json!([{"op": "add", "path": "/baz/bat", "value": "qux"}])).is_err(), "A.12: adding to a nonexistent target");
    let mut d = json!({"foo": ["bar"]});
    json_patch(&mut d, &json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}])).unwrap();
    assert_eq!(d, json!({"foo": ["bar", ["abc", "def"]]}), "A.16: adding an array value");
}

fn cluster_with_simple() -> Cluster {
    let mut c = Cluster::new(ClusterSettings::default());
    let report = c.apply_manifest(include_str!("../../../../../workshop/class_2/resources/simple.yml"), "simple.yml");
    assert!(report.errors.is_empty(), "{report:?}");
    c.advance(Duration::seconds(60));
    c
}

fn pods_with(c: &Cluster, app: &str) -> Vec<String> {
    c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some(app) && p.metadata.deletion_timestamp.is_none()).map(|p| p.metadata.name.clone()).collect()
}

#[test]
fn the_label_experiment_through_patch() {
    let mut c = cluster_with_simple();
    let rs = c.store().list(Kind::ReplicaSet, Some("default")).next().expect("a ReplicaSet").name().to_string();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: simple\n  labels:\n    app: simple\nspec:\n  containers:\n  - name: simple\n    image: nginx:1.15.3\n";
    c.apply_manifest(pod, "simple-pod.yml");
    c.advance(Duration::seconds(20));
    assert_eq!(pods_with(&c, "simple").len(), 4, "the bare pod is not adopted: its labels lack the pod-template-hash");
    let hash = rs.rsplit('-').next().unwrap().to_string();
    // F6/F7: the hash captured without `jq -r` keeps its JSON quotes, which YAML reads as a string.
    let out = run(&mut c, &format!("kubectl patch pod simple --patch 'metadata:\n  labels:\n    pod-template-hash: \"{hash}\"'"));
    assert_eq!((out.stdout.as_str(), out.exit_code), ("pod/simple patched\n", 0), "{}", out.stderr);
    c.advance(Duration::seconds(40));
    let left = pods_with(&c, "simple");
    assert_eq!(left.len(), 3, "adopted, one pod too many, one deleted: {left:?}");
    let again = run(&mut c, "kubectl patch deployment simple -p '{\"spec\":{\"replicas\":3}}'");
    assert_eq!(again.stdout, "deployment.apps/simple patched (no change)\n");
}

#[test]
fn patch_types_and_errors() {
    let mut c = cluster_with_simple();
    let out = run(&mut c, "kubectl patch deployment simple --type=json -p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":5}]'");
    assert_eq!(out.stdout, "deployment.apps/simple patched\n", "{}", out.stderr);
    assert!(run(&mut c, "kubectl get deployment simple -o yaml").stdout.contains("  replicas: 5\n"));
    let out = run(&mut c, "kubectl patch deployment simple --type=merge -p '{\"metadata\":{\"labels\":{\"tier\":\"web\"}}}'");
    assert_eq!(out.stdout, "deployment.apps/simple patched\n");
    // Sources: kubectl 1.28.
    assert_eq!(run(&mut c, "kubectl patch deployment simple").stderr, "error: must specify --patch or --patch-file containing the contents of the patch\n");
    assert_eq!(run(&mut c, "kubectl patch deployment simple -p '{}' --type=foo").stderr, "error: --type must be one of [json merge strategic], not \"foo\"\n");
    assert_eq!(run(&mut c, "kubectl patch deployment nope -p '{}'").stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
    // Sources: kubectl 1.33 (`patch -f FILE --local -p ...`): go-yaml's words and line.
    assert_eq!(run(&mut c, "kubectl patch deployment simple -p 'a: [x'").stderr, "error: unable to parse \"a: [x\": yaml: line 1: did not find expected ',' or ']'\n");
    let bad = run(&mut c, "kubectl patch deployment simple -p '{\"spec\":{\"replicas\":\"three\"}}'");
    assert_eq!(bad.exit_code, 1);
    assert!(bad.stderr.starts_with("Error from server (BadRequest): "), "{}", bad.stderr);
    assert!(run(&mut c, "kubectl get deployment simple -o yaml").stdout.contains("  replicas: 5\n"), "a refused patch changes nothing");
}

#[test]
fn annotate_adds_overwrites_and_removes() {
    let mut c = cluster_with_simple();
    assert_eq!(run(&mut c, "kubectl annotate deployment simple team=blue").stdout, "deployment.apps/simple annotated\n");
    let refused = run(&mut c, "kubectl annotate deployment simple team=red");
    assert_eq!(refused.stderr, "error: --overwrite is false but found the following declared annotation(s): 'team' already has a value (blue)\n");
    assert_eq!(run(&mut c, "kubectl annotate deployment simple team=red --overwrite").stdout, "deployment.apps/simple annotated\n");
    assert!(run(&mut c, "kubectl get deployment simple -o yaml").stdout.contains("    team: red\n"));
    assert_eq!(run(&mut c, "kubectl annotate deployment simple team-").stdout, "deployment.apps/simple annotated\n");
    assert!(!run(&mut c, "kubectl get deployment simple -o yaml").stdout.contains("team"));
    assert_eq!(run(&mut c, "kubectl annotate pod").stderr, "error: at least one annotation update is required\n");
}

#[test]
fn taints_steer_the_scheduler() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert_eq!(run(&mut c, "kubectl taint nodes node-1 dedicated=gpu:NoSchedule").stdout, "node/node-1 tainted\n");
    assert_eq!(run(&mut c, "kubectl taint nodes node-2 dedicated=gpu:NoSchedule").stdout, "node/node-2 tainted\n");
    assert_eq!(
        run(&mut c, "kubectl taint nodes node-1 dedicated=cpu:NoSchedule").stderr,
        "error: node node-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n"
    );
    assert_eq!(run(&mut c, "kubectl taint nodes node-1 dedicated=x:Sometimes").stderr, "error: invalid taint effect: Sometimes, unsupported taint effect\n");
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=4");
    c.advance(Duration::seconds(30));
    let nodes: Vec<String> = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter_map(|p| p.spec.node_name.clone()).collect();
    assert_eq!(nodes, vec!["node-3"; 4], "only the untainted worker takes pods");
    assert_eq!(run(&mut c, "kubectl taint nodes node-1 dedicated:NoSchedule-").stdout, "node/node-1 untainted\n");
    assert_eq!(run(&mut c, "kubectl taint nodes node-1 dedicated:NoSchedule-").stderr, "error: taint \"dedicated:NoSchedule\" not found\n");
    assert_eq!(run(&mut c, "kubectl taint nodes").stderr, "error: at least one taint update is required\n");
}
