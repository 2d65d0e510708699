//! The load generator (the workshop's vegeta) and the workload model: a steady request
//! rate to a URL is spread over the Service's ready endpoints as kube-proxy spreads
//! connections (evenly, in expectation), and each pod's CPU follows from its image's idle
//! use plus its cost per request, capped by its limit. `usage` overrides the model for
//! chosen pods, like running a stress tool inside them.

use crate::api::{LabelSelector, Pod};
use crate::clock::{Duration, Time};
use crate::images;
use crate::series::SeriesStore;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How often the load generator re-reads the endpoints and records its totals.
pub const TICK: Duration = Duration::seconds(1);

/// One running load: `load URL RATE/s [for DURATION]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// The target as typed.
    pub url: String,
    /// Host (an IP) and port.
    pub host: String,
    /// Port.
    pub port: i32,
    /// Requests per second.
    pub rate: f64,
    /// When it stops by itself.
    pub until: Option<Time>,
    /// Requests sent so far.
    pub sent: u64,
    /// Requests that failed (no ready endpoint).
    pub failed: u64,
}

/// A `usage SELECTOR cpu=QTY [memory=QTY]` override.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Override {
    /// Namespace of the pods.
    pub namespace: String,
    /// Which pods.
    pub selector: LabelSelector,
    /// CPU per pod, in millicores.
    pub cpu_milli: Option<f64>,
    /// Memory per pod, in bytes.
    pub memory: Option<i64>,
}

/// The traffic state: loads, the request rate each pod serves, overrides.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Traffic {
    /// Running loads.
    pub loads: Vec<Load>,
    /// Requests per second each pod (`namespace/name`) serves now.
    pub rates: BTreeMap<String, f64>,
    /// Usage overrides, newest last.
    pub overrides: Vec<Override>,
    /// The last requests each pod (`namespace/name`) served one by one (curl): when,
    /// the path and the status, for its access log.
    #[serde(default)]
    pub served: BTreeMap<String, std::collections::VecDeque<(Time, String, u16)>>,
}

/// How many served requests a pod's access log keeps.
pub const ACCESS_LOG_LINES: usize = 200;

fn pod_key(p: &Pod) -> String {
    format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or(""), p.metadata.name)
}

/// The ready endpoints (pod keys) behind host:port, or the pod with that IP.
fn backends(store: &Store, host: &str, port: i32) -> Vec<String> {
    match crate::kube_proxy::service_backends(store, host, port) {
        Some(ready) => ready.into_iter().map(|d| format!("{}/{}", d.namespace, d.pod)).collect(),
        None => crate::kube_proxy::pod_by_ip(store, host).map(pod_key).into_iter().collect(),
    }
}

impl Traffic {
    /// Notes one request a pod served (its access log).
    pub fn record(&mut self, pod: &str, at: Time, path: &str, status: u16) {
        let log = self.served.entry(pod.to_string()).or_default();
        log.push_back((at, path.to_string(), status));
        while log.len() > ACCESS_LOG_LINES {
            log.pop_front();
        }
    }

    /// Starts a load (replacing one to the same URL).
    pub fn start(&mut self, load: Load) {
        self.loads.retain(|l| l.url != load.url);
        self.loads.push(load);
    }

    /// Stops every load; returns how many ran.
    pub fn stop(&mut self) -> usize {
        let n = self.loads.len();
        self.loads.clear();
        self.rates.clear();
        n
    }

    /// One tick: ends finished loads, spreads each rate over the current backends, counts
    /// requests and failures, and records `load.requests` / `load.errors` per second.
    /// Returns when it next needs to run.
    pub fn tick(&mut self, store: &Store, now: Time, series: &mut SeriesStore) -> Option<Time> {
        self.loads.retain(|l| l.until.is_none_or(|t| t > now));
        self.rates.clear();
        let (mut total, mut errors) = (0.0, 0.0);
        for load in &mut self.loads {
            let pods = backends(store, &load.host, load.port);
            let per_second = load.rate;
            load.sent += per_second as u64;
            total += per_second;
            if pods.is_empty() {
                load.failed += per_second as u64;
                errors += per_second;
                continue;
            }
            for p in &pods {
                *self.rates.entry(p.clone()).or_default() += per_second / pods.len() as f64;
            }
        }
        if !self.loads.is_empty() || total > 0.0 {
            series.record("load.requests", now, total);
            series.record("load.errors", now, errors);
        }
        (!self.loads.is_empty()).then_some(now + TICK)
    }

    /// Each container's CPU (millicores) and memory (bytes) now, by the workload model or
    /// an override. `None` for containers that are not running.
    pub fn container_usage(&self, pod: &Pod) -> Vec<(String, Option<(f64, i64)>)> {
        self.container_usage_with(pod, &mut BTreeMap::new())
    }

    /// [`Traffic::container_usage`] with a cache of image lookups (a scrape reads many pods
    /// of few images).
    pub fn container_usage_with(&self, pod: &Pod, images: &mut BTreeMap<String, images::ImageBehavior>) -> Vec<(String, Option<(f64, i64)>)> {
        let rate = self.rates.get(&pod_key(pod)).copied().unwrap_or(0.0);
        let forced = self
            .overrides
            .iter()
            .rev()
            .find(|o| pod.metadata.namespace.as_deref() == Some(o.namespace.as_str()) && o.selector.matches(&pod.metadata.labels));
        let n = pod.spec.containers.len().max(1) as f64;
        pod.spec
            .containers
            .iter()
            .map(|c| {
                let running = pod.status.container_statuses.iter().any(|s| s.name == c.name && s.state.running.is_some());
                if !running {
                    return (c.name.clone(), None);
                }
                let b = images.entry(c.image.clone()).or_insert_with(|| images::lookup(&c.image));
                let mut cpu = b.idle_cpu_milli as f64 + rate / n * b.request_cpu_micros as f64 / 1000.0;
                let mut memory = b.idle_memory;
                if let Some(o) = forced {
                    cpu = o.cpu_milli.map_or(cpu, |v| v / n);
                    memory = o.memory.map_or(memory, |v| v / n as i64);
                }
                // The CPU limit throttles (CFS quota).
                if let Some(limit) = c.resources.limits.get("cpu") {
                    cpu = cpu.min(limit.milli_value() as f64);
                }
                (c.name.clone(), Some((cpu, memory)))
            })
            .collect()
    }
}
