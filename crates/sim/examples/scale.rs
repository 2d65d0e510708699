//! The control plane at scale: `cargo run --profile bench -p kubeplay-sim --example scale -- WORKERS REPLICAS`
//! builds a cluster of WORKERS nodes, creates a Deployment of REPLICAS pods, waits until
//! they run, rolls it to a new image, and prints wall time, store changes per second and
//! peak memory (the figures BENCHMARKS.md records for the 5,000-node scenario).

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::{Cluster, ClusterSettings};
use std::time::Instant;

fn deployment(replicas: u32, image: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        resources:\n          requests: {{cpu: 10m, memory: 16Mi}}\n")
}

/// Peak resident memory of this process in MiB (Linux; 0 elsewhere).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok()).map_or(0.0, |kb| kb / 1024.0)
}

fn ready_with(c: &Cluster, image: &str) -> usize {
    c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.is_ready() && p.spec.containers[0].image == image).count()
}

fn main() {
    let args: Vec<u32> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (workers, replicas) = (args.first().copied().unwrap_or(200), args.get(1).copied().unwrap_or(2000));
    let start = Instant::now();
    let mut c = Cluster::new(ClusterSettings { workers, node_pods: 250, node_cpu: "16".into(), node_memory: "64Gi".into(), ..Default::default() });
    let built = start.elapsed();
    c.apply_manifest(&deployment(replicas, "nginx:1.25"), "d.yaml");
    c.advance(Duration::seconds(120));
    let created = start.elapsed();
    let first = ready_with(&c, "nginx:1.25");
    c.apply_manifest(&deployment(replicas, "nginx:1.26"), "d.yaml");
    c.advance(Duration::seconds(1200));
    let total = start.elapsed();
    let rolled = ready_with(&c, "nginx:1.26");
    let changes = c.store().resource_version();
    println!("workers {workers}, replicas {replicas}");
    println!("cluster built        {:>8.2} s", built.as_secs_f64());
    println!("created and running  {:>8.2} s  ({first} ready)", (created - built).as_secs_f64());
    println!("rolled out           {:>8.2} s  ({rolled} ready on the new image)", (total - created).as_secs_f64());
    println!("wall time            {:>8.2} s", total.as_secs_f64());
    println!("store changes        {changes} ({:.0} per second)", changes as f64 / total.as_secs_f64());
    println!("peak memory          {:.0} MiB", peak_rss_mib());
    println!("unsettled instants   {}", c.overruns());
}
