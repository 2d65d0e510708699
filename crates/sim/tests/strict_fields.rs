//! Unknown fields in manifests, as a v1.28 cluster with kubectl's default strict validation
//! treats them: the object is refused and every unknown field is named (kubeplay adds where
//! each one is and the field probably meant); real Kubernetes fields kubeplay does not
//! simulate are accepted with a note; `--validate` changes the first as kubectl's does.

use kubeplay_sim::kubectl::{run, run_in, CommandOutput, Context};
use kubeplay_sim::{Cluster, ClusterSettings};
mod common;
use common::Manifests;
use std::collections::BTreeMap;

const TYPOS: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replica: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
        imagePullPolicyy: Always
";

const UNSIMULATED: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  priorityClassName: high
  securityContext:
    runAsNonRoot: true
  containers:
  - name: web
    image: nginx
    volumeMounts:
    - name: data
      mountPath: /data
  volumes:
  - name: data
    emptyDir: {}
";

const INVENTED: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    loadBalance: round-robin
";

fn kubectl(c: &mut Cluster, line: &str) -> CommandOutput {
    let files = Manifests(BTreeMap::from([("d.yaml", TYPOS), ("pod.yaml", UNSIMULATED), ("svc.yaml", INVENTED)]));
    run_in(c, line, &Context { files: &files, ..Default::default() })
}

const REFUSED: &str = "Error from server (BadRequest): error when creating \"d.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"
  --> d.yaml:6:3: spec.replica: unknown field; did you mean \"replicas\"?
  --> d.yaml:18:9: spec.template.spec.containers[0].imagePullPolicyy: unknown field; did you mean \"imagePullPolicy\"?
";

#[test]
fn strict_validation_refuses_the_object_naming_every_unknown_field() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = kubectl(&mut c, "kubectl apply -f d.yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", REFUSED, 1));
    assert_eq!(run(&mut c, "kubectl get deployments").stderr, "No resources found in default namespace.\n", "nothing was created");
    for line in ["kubectl apply -f d.yaml --validate", "kubectl apply -f d.yaml --validate=true", "kubectl apply -f d.yaml --validate=Strict", "kubectl create -f d.yaml"] {
        assert_eq!(kubectl(&mut c, line).stderr, REFUSED, "{line}");
    }
}

#[test]
fn an_unknown_field_with_no_close_name_points_at_explain() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = kubectl(&mut c, "kubectl apply -f svc.yaml");
    assert_eq!(
        out.stderr,
        "Error from server (BadRequest): error when creating \"svc.yaml\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].loadBalance\"
  --> svc.yaml:10:5: spec.ports[0].loadBalance: unknown field; `kubectl explain service.spec.ports` lists the fields
"
    );
}

#[test]
fn real_fields_kubeplay_does_not_simulate_are_accepted_with_a_note() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = kubectl(&mut c, "kubectl apply -f pod.yaml");
    assert_eq!((out.stdout.as_str(), out.exit_code), ("pod/web created\n", 0));
    assert_eq!(
        out.stderr,
        "kubeplay: field \"spec.priorityClassName\" is kept but not simulated: a real cluster uses it; here it has no effect
  --> pod.yaml:6:3
kubeplay: field \"spec.securityContext\" is kept but not simulated: a real cluster uses it; here it has no effect
  --> pod.yaml:7:3
kubeplay: field \"spec.containers[0].volumeMounts\" is kept but not simulated: a real cluster uses it; here it has no effect
  --> pod.yaml:12:5
kubeplay: field \"spec.volumes\" is kept but not simulated: a real cluster uses it; here it has no effect
  --> pod.yaml:15:3
"
    );
}

#[test]
fn validate_false_drops_unknown_fields_silently() {
    for flag in ["--validate=false", "--validate=ignore"] {
        let mut c = Cluster::new(ClusterSettings::default());
        let out = kubectl(&mut c, &format!("kubectl apply -f d.yaml {flag}"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("deployment.apps/web created\n", "", 0), "{flag}");
        let replicas = run(&mut c, "kubectl get deployment web -o jsonpath={.spec.replicas}").stdout;
        assert_eq!(replicas, "1", "spec.replica was dropped, so the default of one replica applies");
    }
}

#[test]
fn validate_warn_creates_the_object_and_warns_per_field() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = kubectl(&mut c, "kubectl apply -f d.yaml --validate=warn");
    assert_eq!(out.stdout, "deployment.apps/web created\n");
    assert_eq!(
        out.stderr,
        "Warning: unknown field \"spec.replica\"
  --> d.yaml:6:3: spec.replica: unknown field; did you mean \"replicas\"?
Warning: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"
  --> d.yaml:18:9: spec.template.spec.containers[0].imagePullPolicyy: unknown field; did you mean \"imagePullPolicy\"?
"
    );
}

#[test]
fn validate_takes_only_kubectls_values() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = kubectl(&mut c, "kubectl apply -f d.yaml --validate=maybe");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "error: invalid - validate option \"maybe\"; must be one of: strict (or true), warn, ignore (or false)\n", 1));
}

#[test]
fn the_editor_path_is_strict_too() {
    let mut c = Cluster::new(ClusterSettings::default());
    let report = c.apply_manifest(TYPOS, "d.yaml");
    assert!(report.applied.is_empty());
    assert_eq!(report.errors, vec![REFUSED.trim_end().to_string()]);
    let report = c.apply_manifest(UNSIMULATED, "pod.yaml");
    assert_eq!(report.applied.len(), 1);
    assert_eq!(report.warnings.len(), 4, "{:?}", report.warnings);
}
