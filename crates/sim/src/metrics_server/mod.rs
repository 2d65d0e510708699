//! metrics-server: scrapes every kubelet on its resolution (15 s, as the official
//! manifests set it) and serves the latest CPU and memory per pod and per node. A pod is
//! served once each of its containers has two points, so new pods appear 15-30 s after
//! they start, as with the real one.

mod watch;

pub use watch::PodWatch;
use crate::api::{Kind, Object};
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

impl MetricsServer {
    /// The next scrape after `now`, on the resolution's grid.
    pub fn next_scrape(now: Time) -> Time {
        let r = RESOLUTION.as_millis();
        Time((now.0 / r + 1) * r)
    }

    /// One scrape of every kubelet. `watch` is the metrics-server's view of the pods,
    /// brought up to date first. The samples of pods scraped before are updated in place
    /// (no new keys or container names), and pods gone since are dropped.
    pub fn scrape(&mut self, watch: &mut PodWatch, store: &Store, traffic: &Traffic, now: Time) {
        watch.refresh(store);
        let previous = self.last_scrape;
        let at_rest = traffic.rates.is_empty() && traffic.overrides.is_empty();
        let mut per_node = vec![(0.0, 0); watch.node_names.len()];
        let (mut images, mut scratch) = (BTreeMap::new(), String::new());
        // The previous samples in key order, to pick up as the pods come in nearly that order.
        let mut old = std::mem::take(&mut self.pods).into_iter().peekable();
        let mut served = Vec::new();
        // The pods in the store's order (the table keeps none), as the samples are.
        let mut pods: Vec<_> = watch.pods.iter_mut().collect();
        pods.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (key, t) in pods {
            let changed = std::mem::replace(&mut t.changed, false);
            let Some(node) = t.node else { continue };
            let full;
            let usage = if at_rest {
                &t.at_rest
            } else {
                let (namespace, name) = key.parts();
                let Some(p) = store.get(&(Kind::Pod, namespace, name)).and_then(Object::as_pod) else { continue };
                full = watch::usage(traffic, p, &mut images, &mut scratch);
                &full
            };
            let (cpu, mem) = usage.iter().filter_map(|(_, u)| *u).fold((0.0, 0), |(c, m), (cpu, mem)| (c + cpu, m + mem));
            let n = &mut per_node[node as usize];
            *n = (n.0 + cpu, n.1 + mem);
            // Two points per container: it must have been running at the previous scrape.
            let has_two_points = t.started.zip(previous).is_some_and(|(s, prev)| s <= prev);
            if !(has_two_points && usage.iter().all(|(_, u)| u.is_some())) {
                continue;
            }
            while old.peek().is_some_and(|(k, _)| *k < t.key) {
                old.next();
            }
            let kept = old.next_if(|(k, _)| *k == t.key);
            let same_containers = |s: &PodSample| s.containers.len() == usage.len() && s.containers.iter().zip(usage).all(|(a, (b, _))| a.0 == *b);
            let sample = match kept {
                // A pod not written since it was last scraped has the same containers.
                Some((k, mut sample)) if !changed || same_containers(&sample) => {
                    sample.timestamp = now;
                    for (c, (_, u)) in sample.containers.iter_mut().zip(usage) {
                        (c.1, c.2) = u.unwrap_or_default();
                    }
                    (k, sample)
                }
                _ => {
                    let containers = usage.iter().map(|(name, u)| {
                        let (cpu, mem) = u.unwrap_or_default();
                        (name.clone(), cpu, mem)
                    });
                    (t.key.clone(), PodSample { timestamp: now, containers: containers.collect() })
                }
            };
            served.push(sample);
        }
        drop(old);
        self.pods = served.into_iter().collect();
        self.nodes.clear();
        if previous.is_some() {
            for n in store.list(Kind::Node, None).filter_map(Object::as_node).filter(|n| n.is_ready()) {
                let (cpu, mem) = watch.node_id(&n.metadata.name).map(|id| per_node[id as usize]).unwrap_or_default();
                self.nodes.insert(n.metadata.name.clone(), (cpu + NODE_OVERHEAD_CPU_MILLI, mem + NODE_OVERHEAD_MEMORY));
            }
        }
        self.last_scrape = Some(now);
    }
}
