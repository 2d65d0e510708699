//! Simulation speed: a full Deployment rollout at growing sizes, and the cost of
//! scheduling one pod as the node count grows. `cargo bench -p kubeplay-sim`;
//! `scripts/bench` runs the set and records the figures in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubeplay_sim::api::{Container, Kind, Object, ObjectMeta, Pod, PodSpec};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::{Cluster, ClusterSettings};
use std::hint::black_box;

fn deployment(replicas: u32, image: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        resources:\n          requests: {{cpu: 10m, memory: 16Mi}}\n")
}

/// Creates `replicas` pods on `workers` nodes, waits until they run, then rolls them to a new image.
fn rollout(workers: u32, replicas: u32) -> usize {
    let mut c = Cluster::new(ClusterSettings { workers, node_pods: 250, node_cpu: "16".into(), node_memory: "64Gi".into(), ..Default::default() });
    c.apply_manifest(&deployment(replicas, "nginx:1.25"), "d.yaml");
    c.advance(Duration::seconds(60));
    c.apply_manifest(&deployment(replicas, "nginx:1.26"), "d.yaml");
    c.advance(Duration::seconds(600));
    c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready() && p.spec.containers[0].image == "nginx:1.26").count()
}

fn bench_rollout(c: &mut Criterion) {
    let mut group = c.benchmark_group("rollout");
    group.sample_size(10);
    for (workers, replicas) in [(10u32, 100u32), (50, 500)] {
        group.bench_with_input(BenchmarkId::from_parameter(format!("{workers}n-{replicas}p")), &(workers, replicas), |b, &(w, r)| {
            b.iter(|| assert_eq!(black_box(rollout(w, r)), r as usize))
        });
    }
    group.finish();
}

fn bench_schedule(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule-one-pod");
    for workers in [50u32, 500] {
        let mut cluster = Cluster::new(ClusterSettings { workers, ..Default::default() });
        cluster.apply_manifest(&deployment(workers, "nginx:1.25"), "d.yaml");
        cluster.advance(Duration::seconds(30));
        let pod = Pod {
            metadata: ObjectMeta { name: "probe".into(), namespace: Some("default".into()), ..Default::default() },
            spec: PodSpec { containers: vec![Container { name: "c".into(), image: "nginx".into(), ..Default::default() }], ..Default::default() },
            ..Default::default()
        };
        group.bench_with_input(BenchmarkId::from_parameter(format!("{workers}-nodes")), &workers, |b, _| {
            b.iter(|| black_box(kubeplay_sim::scheduler::schedule(cluster.store(), &pod)).chosen.is_some())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_rollout, bench_schedule);
criterion_main!(benches);
