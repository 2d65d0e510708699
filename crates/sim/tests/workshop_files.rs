//! Every manifest of the 2018 workshop (`workshop/`), applied with `kubectl apply -f` to a
//! fresh cluster, and what happens: what a real v1.28 cluster answers, or, where kubeplay
//! differs on purpose (old API versions converted, kinds kept without simulation), kubeplay's
//! own message. One row per file.

use kubeplay_sim::kubectl::{run_in, Context, Files};
use kubeplay_sim::{Cluster, ClusterSettings};
use std::path::PathBuf;

struct Workshop(PathBuf);

impl Files for Workshop {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|_| format!("error: the path {path:?} does not exist"))
    }
    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        Some(std::fs::read_dir(self.0.join(path)).ok()?.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
    }
}

/// What applying a file prints: its stdout lines, then the first line of each error.
fn outcome(target: &str) -> Vec<String> {
    let mut c = Cluster::new(ClusterSettings::default());
    let files = Workshop(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../workshop"));
    let out = run_in(&mut c, &format!("kubectl apply -f {target}"), &Context { files: &files, ..Default::default() });
    let mut lines: Vec<String> = out.stdout.lines().map(String::from).collect();
    lines.extend(out.stderr.lines().filter(|l| l.starts_with("error") || l.starts_with("Warning") || l.contains("is stored but not simulated")).map(|l| l.chars().take(120).collect()));
    lines
}

const OLD_INGRESS: &str = "Warning: extensions/v1beta1 Ingress was removed in Kubernetes v1.22: a current cluster answers ";
const KEPT_INGRESS: &str = "kubeplay: Ingress is stored but not simulated";
const V1BETA1: &str = "Warning: apps/v1beta1 Deployment was removed in Kubernetes v1.16: a current cluster answers ";

#[test]
fn every_workshop_file_applies_or_fails_as_documented() {
    let table: &[(&str, &[&str])] = &[
        ("class_1/resources/cgroups_test.yml", &["pod/nginx created"]),
        ("class_2/resources/simple-pod.yml", &["pod/simple created"]),
        ("class_2/resources/simple.yml", &["deployment.apps/simple created"]),
        ("class_3/resources/dapi-pod.yml", &["pod/dapi-pod created"]),
        ("class_3/resources/grafana.yml", &["deployment.apps/grafana created"]),
        // Differs on purpose: a real cluster refuses extensions/v1beta1 Ingress (removed in 1.22);
        // kubeplay converts it to networking.k8s.io/v1, says so, and keeps it unsimulated.
        ("class_3/resources/ing-path.yml", &["ingress.networking.k8s.io/demo-ingress created", OLD_INGRESS, KEPT_INGRESS]),
        ("class_3/resources/prometheus.yml", &["configmap/prometheus-config created", "deployment.apps/prometheus created", "service/prometheus created"]),
        // As a real cluster: the claim is created (kubeplay keeps it Pending and says so).
        ("class_3/resources/pvc-demo.yml", &["persistentvolumeclaim/pvc-demo created", "kubeplay: PersistentVolumeClaim is stored but not simulated"]),
        ("class_3/resources/pvc-deployment.yml", &["deployment.apps/pvc-demo created"]),
        ("class_3/resources/secret-pod-env.yml", &["pod/secret-pod created"]),
        ("class_3/resources/secret-pod.yml", &["pod/secret-pod created"]),
        ("class_3/resources/shared_state.yml", &["pod/shared-state created"]),
        ("class_3/solutions/ing-nbvh.yml", &["ingress.networking.k8s.io/demo-ingress created", OLD_INGRESS, KEPT_INGRESS]),
        ("class_4/resources/prometheus.yml", &["configmap/prometheus-config created", "deployment.apps/prometheus created", "service/prometheus created"]),
        ("class_4/solutions/k8s-deploy-v2.yml", &["service/gowiki created", "deployment.apps/gowiki created", "ingress.networking.k8s.io/gowiki-ingress created", OLD_INGRESS, KEPT_INGRESS]),
        ("class_4/solutions/k8s-deploy.yml", &["service/gowiki created", "deployment.apps/gowiki created", "ingress.networking.k8s.io/gowiki-ingress created", OLD_INGRESS, KEPT_INGRESS]),
        ("hdm_workshop_2018/resources/simple-pod.yml", &["pod/simple created"]),
        ("hdm_workshop_2018/resources/simple.yml", &["deployment.apps/simple created"]),
        // Real cluster: no Knative CRDs installed.
        ("todo-app-web.master/knative/todo-app.yaml", &["error: resource mapping not found for name: \"todo-app-web\" namespace: \"todo-app\" from \"todo-app-web.m"]),
        ("todo-app-web/docker-compose.yaml", &["error: error validating \"todo-app-web/docker-compose.yaml\": error validating data: [apiVersion not set, kind not"]),
        // A directory applies in file-name order, as kubectl does (G2).
        (
            "todo-app-web.master/k8s-deployment",
            &[
                "namespace/todo-app created",
                "deployment.apps/redis-master created",
                "service/redis-master created",
                "deployment.apps/redis-slave created",
                "service/redis-slave created",
                "configmap/todo-app-config created",
                "deployment.apps/todo-app created",
                "service/todo-app created",
            ],
        ),
        // Differs on purpose: a real cluster refuses apps/v1beta1; kubeplay converts it and says so.
        (
            "todo-app-web/k8s-deployment",
            &[
                "namespace/todo-app created",
                "deployment.apps/redis-master created",
                "service/redis-master created",
                "deployment.apps/redis-slave created",
                "service/redis-slave created",
                "configmap/todo-app-config created",
                "deployment.apps/todo-app created",
                "service/todo-app created",
                V1BETA1,
                V1BETA1,
                V1BETA1,
            ],
        ),
    ];
    for (target, expected) in table {
        let got = outcome(target);
        assert_eq!(got.len(), expected.len(), "{target}: {got:#?}");
        for (g, e) in got.iter().zip(expected.iter()) {
            assert!(g.starts_with(e), "{target}:\n  got      {g}\n  expected {e}");
        }
    }
    // Every manifest file of the folder is in the table (directories cover their files).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../workshop");
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
                let rel = p.strip_prefix(&root).unwrap().to_string_lossy().into_owned();
                assert!(table.iter().any(|(t, _)| rel == *t || rel.starts_with(&format!("{t}/"))), "{rel} is not in the table");
            }
        }
    }
}

#[test]
fn removed_api_versions_can_be_refused_exactly_as_a_current_cluster_does() {
    let mut c = Cluster::new(ClusterSettings::default());
    let files = Workshop(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../workshop"));
    let ctx = Context { files: &files, ..Default::default() };
    assert!(run_in(&mut c, "legacy-api refuse", &ctx).stdout.starts_with("manifests in removed API versions"));
    let out = run_in(&mut c, "kubectl apply -f todo-app-web/k8s-deployment/redis-master-deployment.yaml", &ctx);
    // Source: the message a v1.16+ cluster gives for apps/v1beta1 (kubectl 1.28).
    assert!(
        out.stderr.starts_with("error: resource mapping not found for name: \"redis-master\" namespace: \"todo-app\" from \"todo-app-web/k8s-deployment/redis-master-deployment.yaml\": no matches for kind \"Deployment\" in version \"apps/v1beta1\"\nensure CRDs are installed first\n"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    run_in(&mut c, "legacy-api convert", &ctx);
    run_in(&mut c, "kubectl create namespace todo-app", &ctx);
    let again = run_in(&mut c, "kubectl apply -f todo-app-web/k8s-deployment/redis-master-deployment.yaml", &ctx);
    assert_eq!(again.stdout, "deployment.apps/redis-master created\n");
    assert!(again.stderr.starts_with("Warning: apps/v1beta1 Deployment was removed"));
}
