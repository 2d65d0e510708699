//! `kubectl apply` as a learner meets it: the last-applied configuration it records, its
//! three-way merge (what `kubectl scale` or `kubectl label` changed survives a re-apply of
//! a file that does not name it), its warning for objects made imperatively, and the dry
//! runs of `apply`, `create -f` and `delete`. Messages as kubectl 1.28 prints them.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::{run_in, CommandOutput, Context};
use kubeplay_sim::{Cluster, ClusterSettings};
mod common;
use common::Manifests;

/// A Deployment that leaves `replicas` to whoever scales it (an autoscaler, `kubectl scale`).
const UNSCALED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
";

fn files() -> Manifests {
    let scaled = UNSCALED.replace("spec:\n  selector", "spec:\n  replicas: 2\n  selector");
    let relabelled = UNSCALED.replace("tier: front", "stage: test");
    let texts: Vec<(&'static str, &'static str)> = vec![("web.yaml", UNSCALED), ("scaled.yaml", scaled.leak()), ("relabelled.yaml", relabelled.leak())];
    Manifests(texts.into_iter().collect())
}

fn sh(c: &mut Cluster, line: &str) -> CommandOutput {
    run_in(c, line, &Context { files: &files(), ..Default::default() })
}

fn replicas(c: &mut Cluster) -> String {
    sh(c, "kubectl get deploy web -o jsonpath={.spec.replicas}").stdout
}

const WARNING: &str = "Warning: resource deployments/web is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n";

#[test]
fn apply_records_the_file_as_its_last_applied_configuration() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert_eq!(sh(&mut c, "kubectl apply -f web.yaml").stdout, "deployment.apps/web created\n");
    let yaml = sh(&mut c, "kubectl get deploy web -o yaml").stdout;
    let expected = "    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"web\",\"tier\":\"front\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":\"nginx:1.25\",\"name\":\"web\"}]}}}}\n";
    assert!(yaml.contains(expected), "sorted keys, the namespace filled in, empty annotations, a final line break: {yaml}");
    // Not copied to the ReplicaSet, and describe leaves it out.
    assert!(!sh(&mut c, "kubectl get rs -o yaml").stdout.contains("last-applied"));
    assert!(!sh(&mut c, "kubectl describe deploy web").stdout.contains("last-applied"));
    assert_eq!(sh(&mut c, "kubectl apply -f web.yaml").stdout, "deployment.apps/web unchanged\n");
}

#[test]
fn a_scaled_deployment_keeps_its_replicas_when_the_file_does_not_name_them() {
    let mut c = Cluster::new(ClusterSettings::default());
    sh(&mut c, "kubectl apply -f web.yaml");
    assert_eq!(replicas(&mut c), "1");
    sh(&mut c, "kubectl scale deploy web --replicas=4");
    assert_eq!(sh(&mut c, "kubectl apply -f web.yaml").stdout, "deployment.apps/web unchanged\n");
    assert_eq!(replicas(&mut c), "4", "neither apply set replicas, so kubectl scale's 4 stays");
    // A file that names replicas sets them; taking them out again leaves the default.
    assert_eq!(sh(&mut c, "kubectl apply -f scaled.yaml").stdout, "deployment.apps/web configured\n");
    assert_eq!(replicas(&mut c), "2");
    sh(&mut c, "kubectl scale deploy web --replicas=5");
    sh(&mut c, "kubectl apply -f web.yaml");
    assert_eq!(replicas(&mut c), "1", "the last apply set replicas and this one removes them");
}

#[test]
fn labels_merge_three_ways() {
    let mut c = Cluster::new(ClusterSettings::default());
    sh(&mut c, "kubectl apply -f web.yaml");
    sh(&mut c, "kubectl label deploy web owner=ana");
    sh(&mut c, "kubectl apply -f relabelled.yaml");
    let labels = sh(&mut c, "kubectl get deploy web -o jsonpath={.metadata.labels}").stdout;
    assert_eq!(labels, r#"{"app":"web","owner":"ana","stage":"test"}"#, "tier (set by the last apply) goes, owner (set by kubectl label) stays");
}

#[test]
fn applying_onto_an_imperatively_created_object_warns_first_and_keeps_its_labels() {
    let mut c = Cluster::new(ClusterSettings::default());
    sh(&mut c, "kubectl create deployment web --image=nginx:1.24 --replicas=3");
    let out = sh(&mut c, "kubectl apply -f web.yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("deployment.apps/web configured\n", WARNING, 0));
    assert_eq!(replicas(&mut c), "3", "the file leaves replicas out and nothing was applied before");
    assert_eq!(sh(&mut c, "kubectl apply -f web.yaml").stderr, "", "patched automatically: no second warning");
    // `create --save-config` records the configuration, so apply does not warn.
    let mut c = Cluster::new(ClusterSettings::default());
    assert_eq!(sh(&mut c, "kubectl create -f web.yaml --save-config").stdout, "deployment.apps/web created\n");
    let out = sh(&mut c, "kubectl apply -f web.yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("deployment.apps/web unchanged\n", ""));
}

#[test]
fn a_generator_with_save_config_records_what_it_built() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28, `--dry-run=client -o yaml`.
    assert_eq!(
        sh(&mut c, "kubectl create namespace x --save-config --dry-run=client -o yaml").stdout,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\",\"creationTimestamp\":null},\"spec\":{},\"status\":{}}\n  creationTimestamp: null\n  name: x\nspec: {}\nstatus: {}\n"
    );
    let deployment = sh(&mut c, "kubectl create deployment x --image=nginx --save-config --dry-run=client -o yaml").stdout;
    assert!(deployment.contains("\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"metadata\":{\"name\":\"x\",\"creationTimestamp\":null,\"labels\":{\"app\":\"x\"}},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"x\"}},\"template\":{\"metadata\":{\"creationTimestamp\":null,\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx\",\"resources\":{}}]}},\"strategy\":{}},\"status\":{}}\n"), "{deployment}");
    // Created for real, it is an object apply can merge with: no warning.
    assert_eq!(sh(&mut c, "kubectl create deployment web --image=nginx:1.24 --save-config").stdout, "deployment.apps/web created\n");
    let out = sh(&mut c, "kubectl apply -f web.yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("deployment.apps/web configured\n", ""));
}

#[test]
fn the_console_prints_warnings_before_the_output_as_kubectl_does() {
    let mut c = Cluster::new(ClusterSettings::default());
    sh(&mut c, "kubectl create deployment web --image=nginx");
    let mut out = sh(&mut c, "kubectl apply -f web.yaml");
    assert_eq!(out.take_warnings(), WARNING);
    assert_eq!(out.stderr, "", "only the warnings were taken");
    sh(&mut c, "kubectl scale deploy web --replicas=2");
    c.advance(Duration::seconds(30));
    let mut logs = sh(&mut c, "kubectl logs deploy/web");
    assert!(logs.take_warnings().starts_with("Found 2 pods, using pod/web-"), "kubectl says which pod it picked before the log");
    let mut out = sh(&mut c, "kubectl apply -f missing.yaml");
    assert_eq!(out.take_warnings(), "");
    assert!(out.stderr.contains("does not exist"), "errors stay: {}", out.stderr);
}

#[test]
fn dry_runs_change_nothing() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert_eq!(sh(&mut c, "kubectl apply -f web.yaml --dry-run=client").stdout, "deployment.apps/web created (dry run)\n");
    assert_eq!(sh(&mut c, "kubectl create -f web.yaml --dry-run=server").stdout, "deployment.apps/web created (server dry run)\n");
    assert_eq!(sh(&mut c, "kubectl get deploy").stderr, "No resources found in default namespace.\n");
    sh(&mut c, "kubectl apply -f web.yaml");
    assert_eq!(sh(&mut c, "kubectl apply -f scaled.yaml --dry-run=server").stdout, "deployment.apps/web configured (server dry run)\n");
    assert_eq!(sh(&mut c, "kubectl apply -f web.yaml --dry-run=client").stdout, "deployment.apps/web configured (dry run)\n", "a client-side dry run compares nothing");
    let sent = sh(&mut c, "kubectl create -f scaled.yaml --dry-run=client -o yaml").stdout;
    assert!(sent.starts_with("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n") && sent.contains("  replicas: 2\n"), "the object as it would be sent: {sent}");
    assert!(!sent.contains("uid:") && !sent.contains("status:") && !sent.contains("strategy:"), "nothing the server fills in: {sent}");
    assert_eq!(sh(&mut c, "kubectl apply -f scaled.yaml --dry-run=server -o name").stdout, "deployment.apps/web\n");
    let printed = sh(&mut c, "kubectl apply -f scaled.yaml --dry-run=server -o yaml").stdout;
    assert!(printed.contains("  replicas: 2\n"), "the object as it would be stored: {printed}");
    assert_eq!(replicas(&mut c), "1");
    assert_eq!(sh(&mut c, "kubectl delete deploy web --dry-run=client").stdout, "deployment.apps \"web\" deleted (dry run)\n");
    assert_eq!(sh(&mut c, "kubectl delete -f web.yaml --dry-run=server").stdout, "deployment.apps \"web\" deleted (server dry run)\n");
    let missing = sh(&mut c, "kubectl delete deploy nope --dry-run=client");
    assert_eq!((missing.stderr.as_str(), missing.exit_code), ("Error from server (NotFound): deployments.apps \"nope\" not found\n", 1));
    let bad = sh(&mut c, "kubectl delete deploy web --dry-run=maybe");
    assert_eq!(bad.stderr, "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n");
    c.advance(Duration::seconds(30));
    assert_eq!(sh(&mut c, "kubectl get deploy web -o jsonpath={.status.readyReplicas}").stdout, "1", "still there and running");
}

#[test]
fn diff_shows_what_apply_would_change_and_exits_1() {
    let mut c = Cluster::new(ClusterSettings::default());
    let new = sh(&mut c, "kubectl diff -f web.yaml");
    assert_eq!(new.exit_code, 1, "a new object is a difference");
    assert!(new.stdout.starts_with("diff -u -N /tmp/LIVE-"), "{}", new.stdout);
    assert!(new.stdout.contains("/apps.v1.Deployment.default.web\n--- /tmp/LIVE-"), "kubectl's file name for the object: {}", new.stdout);
    assert!(new.stdout.contains("@@ -0,0 +1,"), "everything is added: {}", new.stdout);
    assert_eq!(sh(&mut c, "kubectl get deploy").stderr, "No resources found in default namespace.\n", "diff changes nothing");
    sh(&mut c, "kubectl apply -f web.yaml");
    let same = sh(&mut c, "kubectl diff -f web.yaml");
    assert_eq!((same.stdout.as_str(), same.exit_code), ("", 0));
    let scaled = sh(&mut c, "kubectl diff -f scaled.yaml");
    assert_eq!(scaled.exit_code, 1);
    let hunk = scaled.stdout.split_once("@@").map(|(_, h)| h).unwrap_or_default();
    for line in ["-  generation: 1\n+  generation: 2\n", "-  replicas: 1\n+  replicas: 2\n"] {
        assert!(hunk.contains(line), "{line:?} in {}", scaled.stdout);
    }
    assert!(!hunk.contains("resourceVersion"), "a dry run keeps the resourceVersion: {}", scaled.stdout);
    assert_eq!(replicas(&mut c), "1");
}

#[test]
fn view_last_applied_prints_what_apply_recorded() {
    let mut c = Cluster::new(ClusterSettings::default());
    sh(&mut c, "kubectl apply -f web.yaml");
    let yaml = sh(&mut c, "kubectl apply view-last-applied deploy/web").stdout;
    assert!(yaml.starts_with("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations: {}\n  labels:\n    app: web\n    tier: front\n  name: web\n  namespace: default\nspec:\n"), "{yaml}");
    let json = sh(&mut c, "kubectl apply view-last-applied deployment web -o json").stdout;
    assert!(json.starts_with("{\n  \"apiVersion\": \"apps/v1\",\n"), "indented by two spaces, as Go's json.Indent: {json}");
    for (line, err) in [
        ("kubectl apply view-last-applied deploy/web -o wide", "error: Unexpected -o output mode: wide, the flag 'output' must be one of yaml|json\nSee 'kubectl apply view-last-applied -h' for help and examples\n"),
        ("kubectl apply view-last-applied deploy", "error: resource(s) were provided, but no name was specified\n"),
    ] {
        assert_eq!(sh(&mut c, line).stderr, err, "{line}");
    }
    assert!(sh(&mut c, "kubectl apply view-last-applied").stderr.starts_with("error: You must provide one or more resources by argument or filename.\n"));
    sh(&mut c, "kubectl create deployment plain --image=nginx");
    let none = sh(&mut c, "kubectl apply view-last-applied deploy/plain");
    assert_eq!((none.stderr.as_str(), none.exit_code), ("error: no last-applied-configuration annotation found on resource: plain\n", 1));
    assert_eq!(sh(&mut c, "kubectl apply view-last-applied deploy/gone").stderr, "Error from server (NotFound): deployments.apps \"gone\" not found\n");
}

#[test]
fn replace_sends_the_object_exactly_and_apply_prints_several_objects_as_a_list() {
    let mut c = Cluster::new(ClusterSettings::default());
    sh(&mut c, "kubectl create -f web.yaml");
    sh(&mut c, "kubectl scale deploy web --replicas=4");
    assert_eq!(sh(&mut c, "kubectl replace -f web.yaml").stdout, "deployment.apps/web replaced\n");
    assert_eq!(replicas(&mut c), "1", "a PUT resets what the file leaves out, unlike apply");
    let both = sh(&mut c, "kubectl apply -f web.yaml -f relabelled.yaml --dry-run=server -o yaml").stdout;
    assert!(both.starts_with("apiVersion: v1\nitems:\n- apiVersion: apps/v1\n"), "{both}");
    assert!(both.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"), "{both}");
}

#[test]
fn diff_masks_secrets_and_names_cluster_scoped_objects_as_kubectl_does() {
    let secret_v1 = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  user: YW5h\n  password: czNjcmV0\n";
    let secret_v2 = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  user: YW5h\n  password: bmV3\n";
    let namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n";
    let files = Manifests([("v1.yaml", secret_v1), ("v2.yaml", secret_v2), ("ns.yaml", namespace)].into_iter().collect());
    let mut c = Cluster::new(ClusterSettings::default());
    let run = |c: &mut Cluster, line: &str| run_in(c, line, &Context { files: &files, ..Default::default() });
    run(&mut c, "kubectl apply -f v1.yaml");
    let diff = run(&mut c, "kubectl diff -f v2.yaml").stdout;
    assert!(diff.contains("-  password: '*** (before)'\n+  password: '*** (after)'\n"), "{diff}");
    assert!(diff.contains("  user: '***'\n") && !diff.contains("  user: YW5h") && !diff.contains("password: bmV3"), "no data value shows: {diff}");
    let new = run(&mut c, "kubectl diff -f ns.yaml").stdout;
    assert!(new.contains("/v1.Namespace..team\t1970-01-01 00:00:00.000000000 +0000\n+++ "), "an empty namespace in the name, the epoch for the missing side: {new}");
    let missing = run(&mut c, "kubectl diff -f nope.yaml");
    assert_eq!(missing.exit_code, 2, "errors exit 2, differences 1");
}
