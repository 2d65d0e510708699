//! Simulation speed: a full Deployment rollout at growing sizes, the cost of
//! scheduling one pod as the node count grows, routing connections through kube-proxy,
//! and a long load test. `cargo bench -p kubeplay-sim`; `scripts/bench` runs the set
//! and records the figures in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use kubeplay_sim::api::{Container, Kind, Object, ObjectMeta, Pod, PodSpec};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::{Cluster, ClusterSettings};
use std::hint::black_box;

/// The allocator the scale example measures with (see its note).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// The scheduler's cost per pod at 50, 500 and 5,000 nodes that each run one replica (and
/// kube-proxy): the filters over upstream's share of nodes and the scores, as a pass pays
/// for each pending pod.
fn bench_schedule(c: &mut Criterion) {
    let mut group = c.benchmark_group("schedule-one-pod");
    for workers in [50u32, 500, 5000] {
        let mut cluster = Cluster::new(ClusterSettings { workers, ..Default::default() });
        cluster.apply_manifest(&deployment(workers, "nginx:1.25"), "d.yaml");
        cluster.advance(Duration::seconds(30));
        let mut requests = kubeplay_sim::api::ResourceList::new();
        requests.insert("cpu".to_string(), kubeplay_sim::api::Quantity::parse("100m").expect("a quantity"));
        let pod = Pod {
            metadata: ObjectMeta { name: "probe".into(), namespace: Some("default".into()), ..Default::default() },
            spec: PodSpec {
                containers: vec![Container {
                    name: "c".into(),
                    image: "nginx".into(),
                    resources: kubeplay_sim::api::ResourceRequirements { requests, ..Default::default() },
                    ..Default::default()
                }]
                .into(),
                ..Default::default()
            }
            .into(),
            ..Default::default()
        };
        let mut pass = kubeplay_sim::scheduler::SchedulingPass::of(cluster.store());
        assert!(pass.place(&pod).chosen.is_some(), "the pod fits one of {workers} nodes");
        group.bench_with_input(BenchmarkId::from_parameter(format!("{workers}-nodes")), &workers, |b, _| b.iter(|| black_box(pass.place(&pod)).chosen.is_some()));
    }
    group.finish();
}

/// A cluster with `replicas` go-webserver pods behind a NodePort Service, all ready; and the node port.
fn served_cluster(replicas: u32) -> (Cluster, i32) {
    let mut c = Cluster::new(ClusterSettings { workers: 10, node_cpu: "16".into(), node_memory: "64Gi".into(), ..Default::default() });
    kubeplay_sim::kubectl::run(&mut c, &format!("kubectl create deployment web --image=johscheuer/go-webserver --port=8000 --replicas={replicas}"));
    kubeplay_sim::kubectl::run(&mut c, "kubectl expose deployment web --type=NodePort");
    c.advance(Duration::seconds(60));
    let svc = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == "web").cloned().expect("the Service");
    (c, svc.spec.ports[0].node_port.expect("a node port"))
}

/// Connections routed per second: one at a time through kube-proxy's synced rules (a lookup
/// and a uniform draw each), in bulk as the load generator splits a tick, and one at a time
/// from the store as the console's curl does.
fn bench_routing(c: &mut Criterion) {
    use kubeplay_sim::kube_proxy::{self, ProxyRules, SessionAffinity};
    let (cluster, np) = served_cluster(100);
    let rules = ProxyRules::sync(cluster.store());
    assert_eq!(rules.lookup("127.0.0.1", np).map(|r| r.endpoints.len()), Some(100));
    let now = cluster.now();
    let mut group = c.benchmark_group("routing");
    const N: u64 = 100_000;
    group.throughput(Throughput::Elements(N));
    group.bench_function("per-connection/100-endpoints", |b| {
        b.iter(|| {
            let (mut rng, mut affinity) = (kubeplay_sim::rand::Rng::new(1), SessionAffinity::default());
            let mut ports = 0i64;
            for _ in 0..N {
                if let Some(Ok(d)) = rules.route(&mut rng, &mut affinity, "172.18.0.2", now, "127.0.0.1", np) {
                    ports += i64::from(d.port);
                }
            }
            assert_eq!(black_box(ports), 8000 * N as i64)
        })
    });
    let rule = rules.lookup("127.0.0.1", np).expect("the rule").clone();
    group.bench_function("bulk-split/100-endpoints", |b| {
        b.iter(|| {
            let (mut rng, mut affinity) = (kubeplay_sim::rand::Rng::new(1), SessionAffinity::default());
            assert_eq!(black_box(rule.split(&mut rng, &mut affinity, "172.18.0.2", now, N)).iter().sum::<u64>(), N)
        })
    });
    const CURLS: u64 = 1_000;
    group.throughput(Throughput::Elements(CURLS));
    group.bench_function("per-connection-from-store/100-endpoints", |b| {
        b.iter(|| {
            let (mut rng, mut affinity) = (kubeplay_sim::rand::Rng::new(1), SessionAffinity::default());
            for _ in 0..CURLS {
                assert!(black_box(kube_proxy::route(cluster.store(), &mut rng, &mut affinity, "172.18.0.2", now, "127.0.0.1", np)).is_ok());
            }
        })
    });
    group.finish();
}

/// A 10-minute virtual load test at 10,000 requests/s on 100 pods: routing, the queue model
/// and the series, with the rest of the cluster running alongside.
fn bench_load_test(c: &mut Criterion) {
    let (cluster, np) = served_cluster(100);
    let mut group = c.benchmark_group("load-test");
    group.sample_size(10);
    group.bench_function("100-pods-10k-rps-10min", |b| {
        b.iter_batched(
            || cluster.clone(),
            |mut c| {
                kubeplay_sim::kubectl::run(&mut c, &format!("load http://127.0.0.1:{np} 10000/s for 10m"));
                c.advance(Duration::seconds(600));
                assert_eq!(black_box(c.series("load.requests").points.iter().map(|p| p.1).sum::<f64>()), 6_000_000.0);
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench_rollout, bench_schedule, bench_routing, bench_load_test);
criterion_main!(benches);
