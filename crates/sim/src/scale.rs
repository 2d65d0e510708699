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
    /// When every pod of the Deployment was running and ready.
    pub created_ms: f64,
    /// When the rollout to the new image ended: every pod ready on it, the old ones gone.
    pub rolled_ms: f64,
    /// The virtual time each phase took (to the second), as a rollout's watcher would see it.
    pub virtual_secs: [i64; 2],
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
            "workers {}, replicas {}\ncluster built        {:>8.2} s\ncreated and running  {:>8.2} s  ({} ready after {} s of virtual time)\nrolled out           {:>8.2} s  ({} ready on the new image after {} s)\nwall time            {:>8.2} s\nstore changes        {} ({per_second:.0} per second)\npeak memory          {memory}\n",
            self.workers,
            self.replicas,
            secs(self.built_ms),
            secs(self.created_ms - self.built_ms),
            self.first_ready,
            self.virtual_secs[0],
            secs(self.rolled_ms - self.created_ms),
            self.rolled_ready,
            self.virtual_secs[1],
            secs(self.rolled_ms),
            self.changes,
        )
    }
}

/// The scenario's two phases: the image the Deployment is applied with, and the most virtual
/// time the phase may take (creating and starting every pod; the rollout to the new image).
/// A phase ends as soon as its goal is met ([`Scenario::step`]).
pub const PHASES: [(&str, Duration); 2] = [("nginx:1.25", Duration::seconds(120)), ("nginx:1.26", Duration::seconds(1200))];

/// How far [`Scenario::step`] moves the clock: the resolution of the phases' virtual times.
pub const STEP: Duration = Duration::seconds(1);

/// The scenario's Deployment `web` of `replicas` pods on `image`, as a manifest.
pub fn deployment(replicas: u32, image: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        resources:\n          requests: {{cpu: 10m, memory: 16Mi}}\n")
}

/// How many of the Deployment's pods are ready on `image`.
pub fn ready_with(c: &Cluster, image: &str) -> usize {
    c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready() && p.spec.containers.first().is_some_and(|c| c.image == image)).count()
}

/// One run of the scenario, phase by phase, so that a caller can move the clock its own way
/// (a browser, which must not be held for minutes, pauses between steps: `tests/scale.rs`).
pub struct Scenario<'a> {
    /// The cluster: `workers` nodes of 16 CPU, 64 GiB and 250 pods each.
    pub cluster: Cluster,
    now_ms: &'a dyn Fn() -> f64,
    start: f64,
    /// When the current phase began, in virtual time.
    began: crate::clock::Time,
    report: ScaleReport,
}

impl<'a> Scenario<'a> {
    /// Builds the cluster, timing the phases with `now_ms` (any clock in milliseconds).
    pub fn build(workers: u32, replicas: u32, now_ms: &'a dyn Fn() -> f64) -> Scenario<'a> {
        let start = now_ms();
        let cluster = Cluster::new(ClusterSettings { workers, node_pods: 250, node_cpu: "16".into(), node_memory: "64Gi".into(), ..Default::default() });
        let report = ScaleReport { workers, replicas, built_ms: now_ms() - start, created_ms: 0.0, rolled_ms: 0.0, virtual_secs: [0; 2], first_ready: 0, rolled_ready: 0, changes: 0 };
        Scenario { began: cluster.now(), cluster, now_ms, start, report }
    }

    /// Applies phase `phase`'s Deployment.
    pub fn begin(&mut self, phase: usize) {
        self.cluster.apply_manifest(&deployment(self.report.replicas, PHASES[phase].0), "d.yaml");
        self.began = self.cluster.now();
    }

    /// Whether phase `phase` met its goal: every one of the Deployment's pods ready on the
    /// phase's image, and no other pod left (the old ones deleted, not only terminating).
    pub fn done(&self, phase: usize) -> bool {
        let replicas = self.report.replicas as usize;
        self.cluster.store().list(Kind::Pod, Some("default")).count() == replicas && ready_with(&self.cluster, PHASES[phase].0) == replicas
    }

    /// Moves phase `phase` on by [`STEP`] of virtual time, unless its goal is met or its
    /// time is up; returns whether it moved (the caller steps until it does not).
    pub fn step(&mut self, phase: usize) -> bool {
        if self.done(phase) || self.cluster.now() - self.began >= PHASES[phase].1 {
            return false;
        }
        self.cluster.advance(STEP);
        true
    }

    /// Notes the end of phase `phase`: its time and the pods ready on its image.
    pub fn end(&mut self, phase: usize) {
        let ready = ready_with(&self.cluster, PHASES[phase].0);
        let at = (self.now_ms)() - self.start;
        self.report.virtual_secs[phase] = (self.cluster.now() - self.began).0 / 1000;
        if phase == 0 {
            (self.report.created_ms, self.report.first_ready) = (at, ready);
        } else {
            (self.report.rolled_ms, self.report.rolled_ready) = (at, ready);
        }
        self.report.changes = self.cluster.store().resource_version();
    }

    /// The figures, and the cluster (which the caller may look at, or not spend time dropping).
    pub fn finish(self) -> (ScaleReport, Cluster) {
        (self.report, self.cluster)
    }
}

/// Runs the scenario on `workers` nodes with `replicas` pods, timing its phases with
/// `now_ms` (any clock in milliseconds).
pub fn run(workers: u32, replicas: u32, now_ms: &dyn Fn() -> f64) -> (ScaleReport, Cluster) {
    let mut scenario = Scenario::build(workers, replicas, now_ms);
    for phase in 0..PHASES.len() {
        scenario.begin(phase);
        while scenario.step(phase) {}
        scenario.end(phase);
    }
    scenario.finish()
}
