//! A reference scenario whose whole history is hashed, so native builds and
//! the wasm build in the browser can be checked to compute the same cluster.

use crate::clock::Duration;
use crate::cluster::{Cluster, ClusterSettings};
use crate::kubectl;

/// FNV-1a, 64 bits: small and the same on every target.
fn fnv64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Runs a scenario that touches every controller (rollouts, a crash loop, a job, a
/// failed node, scaling) and hashes every store change and the final snapshot.
pub fn reference_scenario_hash() -> u64 {
    let mut c = Cluster::new(ClusterSettings { seed: 2018, ..Default::default() });
    let deploy = |image: &str, replicas: u32| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        resources:\n          requests: {{cpu: 150m, memory: 96Mi}}\n")
    };
    let mut h = 0u64;
    let mut step = |c: &mut Cluster, d: Duration| {
        let since = c.store().resource_version();
        c.advance(d);
        if let Some(events) = c.store().events_since(since) {
            for e in events {
                h ^= fnv64(serde_json::to_string(&e.object).unwrap_or_default().as_bytes()).rotate_left((e.resource_version % 63) as u32);
            }
        }
    };
    c.apply_manifest(&deploy("nginx:1.25", 6), "d.yaml");
    step(&mut c, Duration::seconds(20));
    c.apply_manifest(&deploy("nginx:1.26", 9), "d.yaml");
    step(&mut c, Duration::millis(3500));
    c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n    image: kubeplay/crashloop\n", "p.yaml");
    c.apply_manifest("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  completions: 2\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: w\n        image: busybox\n        command: [sleep, '2']\n", "j.yaml");
    step(&mut c, Duration::seconds(30));
    c.fail_node("node-1");
    step(&mut c, Duration::seconds(400));
    kubectl::run(&mut c, "kubectl rollout undo deployment/web");
    kubectl::run(&mut c, "kubectl scale deployment web --replicas=4");
    step(&mut c, Duration::seconds(60));
    h ^ fnv64(c.snapshot().as_bytes())
}

#[cfg(test)]
mod tests {
    /// The hash the wasm test in `tests/web.rs` must also compute. When behaviour changes on
    /// purpose, regenerate it with `cargo test -p kubeplay-sim print_reference_hash -- --ignored --nocapture`.
    const EXPECTED: &str = include_str!("../tests/reference-scenario.hash");

    #[test]
    fn native_matches_the_recorded_hash() {
        let h = super::reference_scenario_hash();
        assert_eq!(h, super::reference_scenario_hash(), "the same run twice gives the same history");
        assert_eq!(format!("{h:016x}"), EXPECTED.trim(), "regenerate tests/reference-scenario.hash if the change is intended");
    }

    #[test]
    #[ignore]
    fn print_reference_hash() {
        println!("{:016x}", super::reference_scenario_hash());
    }
}
