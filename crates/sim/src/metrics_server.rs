//! metrics-server: scrapes every kubelet on its resolution (15 s, as the official
//! manifests set it) and serves the latest CPU and memory per pod and per node. A pod is
//! served once each of its containers has two points, so new pods appear 15-30 s after
//! they start, as with the real one.

use crate::api::{Kind, Object, Pod};
use crate::clock::{Duration, Time};
use crate::traffic::Traffic;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `--metric-resolution`.
pub const RESOLUTION: Duration = Duration::seconds(15);
/// CPU and memory a node's own processes use besides its pods (kubelet, runtime, OS).
const NODE_OVERHEAD_CPU_MILLI: f64 = 60.0;
const NODE_OVERHEAD_MEMORY: i64 = 600 << 20;

/// One pod's metrics (`PodMetrics`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PodSample {
    /// When the sample was taken.
    pub timestamp: Time,
    /// Per container: name, CPU in millicores, memory in bytes.
    pub containers: Vec<(String, f64, i64)>,
}

impl PodSample {
    /// Total CPU (millicores) and memory (bytes).
    pub fn total(&self) -> (f64, i64) {
        self.containers.iter().fold((0.0, 0), |(c, m), (_, cpu, mem)| (c + cpu, m + mem))
    }
}

/// The metrics-server's memory of the last scrapes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MetricsServer {
    /// Pods with metrics, by `namespace/name`.
    pub pods: BTreeMap<String, PodSample>,
    /// Nodes with metrics: CPU (millicores) and memory (bytes).
    pub nodes: BTreeMap<String, (f64, i64)>,
    /// The last scrape, if any.
    pub last_scrape: Option<Time>,
}

/// When a pod's containers all started (running), the latest of those start times.
fn started(p: &Pod) -> Option<Time> {
    let mut latest = None::<Time>;
    for c in &p.spec.containers {
        let s = p.status.container_statuses.iter().find(|s| s.name == c.name)?;
        let t = s.state.running.as_ref()?.started_at?;
        latest = Some(latest.map_or(t, |l: Time| l.max(t)));
    }
    latest
}

impl MetricsServer {
    /// The next scrape after `now`, on the resolution's grid.
    pub fn next_scrape(now: Time) -> Time {
        let r = RESOLUTION.as_millis();
        Time((now.0 / r + 1) * r)
    }

    /// One scrape of every kubelet. The samples of pods scraped before are updated in
    /// place (no new keys or container names), and pods gone since are dropped.
    pub fn scrape(&mut self, store: &Store, traffic: &Traffic, now: Time) {
        let previous = self.last_scrape;
        let mut per_node: BTreeMap<String, (f64, i64)> = BTreeMap::new();
        let mut images = BTreeMap::new();
        let (mut scratch, mut key) = (String::new(), String::new());
        for p in store.list(Kind::Pod, None).filter_map(Object::as_pod) {
            let Some(node) = p.spec.node_name.as_deref() else { continue };
            let usage = traffic.container_usage_with(p, &mut images, &mut scratch);
            let (cpu, mem) = usage.iter().filter_map(|(_, u)| *u).fold((0.0, 0), |(c, m), (cpu, mem)| (c + cpu, m + mem));
            match per_node.get_mut(node) {
                Some(n) => *n = (n.0 + cpu, n.1 + mem),
                None => {
                    per_node.insert(node.to_string(), (cpu, mem));
                }
            }
            // Two points per container: it must have been running at the previous scrape.
            let has_two_points = started(p).zip(previous).is_some_and(|(s, prev)| s <= prev);
            if !(has_two_points && usage.iter().all(|(_, u)| u.is_some())) {
                continue;
            }
            key.clear();
            key.push_str(p.metadata.namespace.as_deref().unwrap_or(""));
            key.push('/');
            key.push_str(&p.metadata.name);
            let same_containers = |s: &PodSample| s.containers.len() == usage.len() && s.containers.iter().zip(&usage).all(|(a, (b, _))| a.0 == *b);
            match self.pods.get_mut(key.as_str()).filter(|s| same_containers(s)) {
                Some(sample) => {
                    sample.timestamp = now;
                    for (c, (_, u)) in sample.containers.iter_mut().zip(&usage) {
                        let (cpu, mem) = u.unwrap_or_default();
                        (c.1, c.2) = (cpu, mem);
                    }
                }
                None => {
                    let containers = usage.iter().map(|(name, u)| {
                        let (cpu, mem) = u.unwrap_or_default();
                        (name.to_string(), cpu, mem)
                    });
                    self.pods.insert(key.clone(), PodSample { timestamp: now, containers: containers.collect() });
                }
            }
        }
        self.pods.retain(|_, s| s.timestamp == now);
        self.nodes.clear();
        if previous.is_some() {
            for n in store.list(Kind::Node, None).filter_map(Object::as_node).filter(|n| n.is_ready()) {
                let (cpu, mem) = per_node.get(&n.metadata.name).copied().unwrap_or_default();
                self.nodes.insert(n.metadata.name.clone(), (cpu + NODE_OVERHEAD_CPU_MILLI, mem + NODE_OVERHEAD_MEMORY));
            }
        }
        self.last_scrape = Some(now);
    }
}
