//! The control plane at scale: a cluster of many workers runs one Deployment, then rolls it
//! to a new image. The native example (`examples/scale.rs`) and the browser measurement
//! (`tests/scale.rs`, in headless Chromium) run this same scenario and print its figures.

use crate::api::{Kind, Object};
use crate::clock::Duration;
use crate::cluster::{Cluster, ClusterSettings};

/// What one run of the scenario measured (times in milliseconds from the start).
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleReport {
    /// Workers in the cluster.
    pub workers: u32,
    /// Replicas of the Deployment.
    pub replicas: u32,
    /// When the cluster was built.
    pub built_ms: f64,
    /// When the Deployment's pods were created and running (two virtual minutes after applying it).
    pub created_ms: f64,
    /// When the rollout to the new image ended (twenty virtual minutes later).
    pub rolled_ms: f64,
    /// Pods ready on the first image after the first phase.
    pub first_ready: usize,
    /// Pods ready on the new image at the end.
    pub rolled_ready: usize,
    /// Store changes in all (the final resourceVersion).
    pub changes: u64,
}

impl ScaleReport {
    /// The figures as lines of text, `memory` being the peak memory as the caller measured it.
    pub fn lines(&self, memory: &str) -> String {
        let secs = |ms: f64| ms / 1000.0;
        let per_second = self.changes as f64 / secs(self.rolled_ms).max(1e-9);
        format!(
            "workers {}, replicas {}\ncluster built        {:>8.2} s\ncreated and running  {:>8.2} s  ({} ready)\nrolled out           {:>8.2} s  ({} ready on the new image)\nwall time            {:>8.2} s\nstore changes        {} ({per_second:.0} per second)\npeak memory          {memory}\n",
            self.workers,
            self.replicas,
            secs(self.built_ms),
            secs(self.created_ms - self.built_ms),
            self.first_ready,
            secs(self.rolled_ms - self.created_ms),
            self.rolled_ready,
            secs(self.rolled_ms),
            self.changes,
        )
    }
}

/// The image the Deployment starts on, and the one it rolls to.
pub const IMAGES: (&str, &str) = ("nginx:1.25", "nginx:1.26");
/// Virtual time the first phase runs (creating and starting every pod), and the rollout.
pub const PHASES: (Duration, Duration) = (Duration::seconds(120), Duration::seconds(1200));

/// The scenario's Deployment `web` of `replicas` pods on `image`, as a manifest.
pub fn deployment(replicas: u32, image: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        resources:\n          requests: {{cpu: 10m, memory: 16Mi}}\n")
}

/// The scenario's cluster: `workers` nodes of 16 CPU, 64 GiB and 250 pods each.
pub fn cluster(workers: u32) -> Cluster {
    Cluster::new(ClusterSettings { workers, node_pods: 250, node_cpu: "16".into(), node_memory: "64Gi".into(), ..Default::default() })
}

/// How many of the Deployment's pods are ready on `image`.
pub fn ready_with(c: &Cluster, image: &str) -> usize {
    c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready() && p.spec.containers.first().is_some_and(|c| c.image == image)).count()
}

/// Runs the scenario on `workers` nodes with `replicas` pods, timing its phases with
/// `now_ms` (any clock in milliseconds). Returns the figures and the cluster, which the
/// caller may look at (or not spend time dropping). A browser, which must not be held for
/// minutes, runs the same steps with pauses between (`tests/scale.rs`).
pub fn run(workers: u32, replicas: u32, now_ms: &dyn Fn() -> f64) -> (ScaleReport, Cluster) {
    let start = now_ms();
    let mut c = cluster(workers);
    let built_ms = now_ms() - start;
    c.apply_manifest(&deployment(replicas, IMAGES.0), "d.yaml");
    c.advance(PHASES.0);
    let created_ms = now_ms() - start;
    let first_ready = ready_with(&c, IMAGES.0);
    c.apply_manifest(&deployment(replicas, IMAGES.1), "d.yaml");
    c.advance(PHASES.1);
    let rolled_ms = now_ms() - start;
    let report = ScaleReport { workers, replicas, built_ms, created_ms, rolled_ms, first_ready, rolled_ready: ready_with(&c, IMAGES.1), changes: c.store().resource_version() };
    (report, c)
}
