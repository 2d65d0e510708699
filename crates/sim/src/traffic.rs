//! The load generator (the workshop's vegeta) and the workload model. Every tick a load's
//! requests are routed as kube-proxy routes connections: over the Service's usable
//! endpoints by a seeded multinomial draw (each request a uniform choice, so per-pod counts
//! vary as on a real cluster), or all to the pinned endpoint under ClientIP affinity. Each
//! pod is a queue in front of its CPU (M/M/1-like): latency grows as its utilisation nears 1
//! and requests beyond its capacity time out. A pod's CPU follows from its image's idle use
//! plus its cost per request, capped by its limit. `usage` overrides the CPU and memory
//! model for chosen pods, like running a stress tool inside them. No per-request state is
//! kept: a tick's requests are counted in bulk.

use crate::api::{Kind, LabelSelector, Object, Pod};
use crate::clock::{Duration, Time};
use crate::images;
use crate::kube_proxy::SessionAffinity;
use crate::rand::Rng;
use crate::series::SeriesStore;
use crate::store::{ObjectKey, Store};
use serde::{Deserialize, Serialize};
use crate::small_map::SmallMap;

/// How often the load generator re-reads the endpoints and records its totals.
pub const TICK: Duration = Duration::seconds(1);
/// How long the load generator waits for an answer (vegeta's default timeout): the
/// longest latency it reports; requests a pod cannot serve within it are errors.
pub const TIMEOUT_MS: f64 = 30_000.0;
/// The network's share of every request's latency (client to node, kube-proxy, pod), in ms.
pub const NETWORK_MS: f64 = 0.5;
/// Prefix of the per-pod series of the requests each pod received each second while a load
/// runs (`load.arrivals/NAMESPACE/POD`), which the map draws as dots.
pub const ARRIVALS_SERIES: &str = "load.arrivals/";
/// The latency series recorded each tick, with their quantiles.
pub const LATENCY_SERIES: [(&str, f64); 3] = [("load.latency.p50", 0.5), ("load.latency.p90", 0.9), ("load.latency.p99", 0.99)];
/// The highest utilisation the steady-state part of the queue model uses; beyond it the
/// backlog carried from tick to tick tells the wait.
const MAX_UTILISATION: f64 = 0.95;
/// How much of a pod's arrival rate each tick's count moves its smoothed rate (about a
/// ten-second average).
const RATE_SMOOTHING: f64 = 0.1;

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
    /// Requests that failed: refused (no usable endpoint) or timed out (a pod at capacity).
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
    pub rates: SmallMap<String, f64>,
    /// Usage overrides, newest last.
    pub overrides: Vec<Override>,
    /// The last requests each pod (`namespace/name`) served one by one (curl): when,
    /// the path and the status, for its access log.
    #[serde(default)]
    pub served: SmallMap<String, std::collections::VecDeque<(Time, String, u16)>>,
    /// The fraction of a request each load owes from earlier ticks (rates that are not whole).
    #[serde(default)]
    pub carry: SmallMap<String, f64>,
    /// When the load generator last sent.
    #[serde(default)]
    pub last_tick: Option<Time>,
    /// Each loaded pod's queue (`namespace/name`): one entry per pod, never per request.
    #[serde(default)]
    pub queues: SmallMap<String, PodQueue>,
}

/// A pod's request queue between ticks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PodQueue {
    /// Requests accepted and not served yet.
    pub backlog: f64,
    /// Arrivals per second, smoothed over about ten seconds.
    pub rate: f64,
}

/// How many served requests a pod's access log keeps.
pub const ACCESS_LOG_LINES: usize = 200;

fn pod_key(p: &Pod) -> String {
    format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or(""), p.metadata.name)
}

/// Where a load's requests go this tick: (pod key, requests) pairs; `None` when the target
/// refuses them all (a Service without usable endpoints, an address nothing listens on).
fn route_load(store: &Store, rng: &mut Rng, affinity: &mut SessionAffinity, client: &str, now: Time, load: &Load, count: u64) -> Option<Vec<(String, u64)>> {
    match crate::kube_proxy::service_rule(store, &load.host, load.port) {
        Some(rule) if rule.endpoints.is_empty() => None,
        Some(rule) => {
            let counts = rule.split(rng, affinity, client, now, count);
            Some(rule.endpoints.iter().zip(counts).filter(|(_, n)| *n > 0).map(|(d, n)| (format!("{}/{}", d.namespace, d.pod), n)).collect())
        }
        None => crate::kube_proxy::pod_by_ip(store, &load.host).map(|p| vec![(pod_key(p), count)]),
    }
}

/// A pod as a queue: how many requests a second its CPU can serve and the CPU time one
/// takes (seconds). Each container gets an equal share of the requests (as the CPU model
/// has it) and can use its CPU limit, or the node's CPU without one, less its idle use.
/// A pod with a container that is not running can serve nothing: `Some((0.0, 0.0))`.
/// (The caller treats a pod it cannot find as answering at network speed.)
fn capacity(store: &Store, pod: &Pod, images: &mut std::collections::BTreeMap<String, images::ImageBehavior>) -> Option<(f64, f64)> {
    let node_cpu = pod
        .spec
        .node_name
        .as_ref()
        .and_then(|n| store.get(&ObjectKey { kind: Kind::Node, namespace: String::new(), name: n.clone() }))
        .and_then(Object::as_node)
        .and_then(|n| n.status.allocatable.get("cpu"))
        .map_or(1000.0, |q| q.milli_value() as f64);
    let n = pod.spec.containers.len().max(1) as f64;
    let (mut per_container, mut service) = (f64::INFINITY, 0.0f64);
    for c in &pod.spec.containers {
        if !pod.status.container_statuses.iter().any(|s| s.name == c.name && s.state.running.is_some()) {
            return Some((0.0, 0.0));
        }
        let b = images.entry(c.image.clone()).or_insert_with(|| images::lookup(&c.image));
        let cpu = c.resources.limits.get("cpu").map_or(node_cpu, |l| l.milli_value() as f64);
        let free = (cpu - b.idle_cpu_milli as f64).max(1.0);
        let cost = b.request_cpu_micros.max(1) as f64;
        per_container = per_container.min(free * 1000.0 / cost);
        service = service.max(cost / 1e6);
    }
    Some((per_container * n, service))
}

/// One pod's share of a tick's latency: requests served, the fixed part (network and CPU
/// time, ms), utilisation, and the rate (per ms) at which its queue drains.
#[derive(Clone, Copy, Debug)]
struct Queue {
    served: f64,
    base: f64,
    rho: f64,
    drain: f64,
}

impl Queue {
    /// M/M/1 with a fixed service part: P(latency > base + t) = rho * exp(-drain * t).
    fn cdf(&self, t: f64) -> f64 {
        if t < self.base {
            0.0
        } else if self.rho <= 0.0 {
            1.0
        } else {
            1.0 - self.rho * (-self.drain * (t - self.base)).exp()
        }
    }

    fn quantile(&self, q: f64) -> f64 {
        if self.rho <= 1.0 - q { self.base } else { self.base + (self.rho / (1.0 - q)).ln() / self.drain }
    }
}

/// The `q` quantile of the mixture of the pods' latencies, weighted by requests served (ms).
fn latency_quantile(queues: &[Queue], q: f64) -> f64 {
    let total: f64 = queues.iter().map(|x| x.served).sum();
    let (mut lo, mut hi) = (0.0f64, queues.iter().map(|x| x.quantile(q)).fold(0.0, f64::max).min(TIMEOUT_MS));
    if total <= 0.0 {
        return hi;
    }
    for _ in 0..40 {
        let mid = (lo + hi) / 2.0;
        if queues.iter().map(|x| x.served * x.cdf(mid)).sum::<f64>() >= q * total {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
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
        self.carry.clear();
        self.queues.clear();
        n
    }

    /// One tick: ends finished loads, routes each load's requests for the second (from the
    /// console's address, see [`crate::kube_proxy::console_client_ip`]), lets every pod serve
    /// what its CPU allows, and records `load.requests`, `load.errors` and the latency
    /// quantiles `load.latency.p50/p90/p99` (ms). Returns when it next needs to run.
    #[inline(never)]
    pub fn tick(&mut self, store: &Store, rng: &mut Rng, affinity: &mut SessionAffinity, now: Time, series: &mut SeriesStore) -> Option<Time> {
        self.loads.retain(|l| l.until.is_none_or(|t| t > now));
        self.carry.retain(|url, _| self.loads.iter().any(|l| &l.url == url));
        if self.loads.is_empty() {
            self.rates.clear();
            self.queues.clear();
            return None;
        }
        if let Some(next) = self.last_tick.map(|t| t + TICK).filter(|t| *t > now) {
            return Some(next); // Woken early: the second is not over.
        }
        self.last_tick = Some(now);
        self.rates.clear();
        let client = crate::kube_proxy::console_client_ip(store);
        let (mut total, mut refused) = (0u64, 0u64);
        let mut sent: Vec<(usize, String, u64)> = Vec::new();
        for (i, load) in self.loads.iter_mut().enumerate() {
            let owed = load.rate * TICK.as_millis() as f64 / 1000.0 + self.carry.get(&load.url).copied().unwrap_or(0.0);
            let count = owed.floor().max(0.0) as u64;
            self.carry.insert(load.url.clone(), owed - count as f64);
            load.sent += count;
            total += count;
            match route_load(store, rng, affinity, &client, now, load, count) {
                Some(split) => sent.extend(split.into_iter().map(|(pod, n)| (i, pod, n))),
                None => {
                    load.failed += count;
                    refused += count;
                }
            }
        }
        let mut arrivals: SmallMap<String, u64> = self.queues.keys().map(|k| (k.clone(), 0)).collect();
        for (_, pod, n) in &sent {
            *arrivals.entry(pod.clone()).or_default() += n;
        }
        // Each pod serves what its CPU allows this second; the rest waits, and what would
        // wait longer than the client's timeout fails.
        let seconds = TICK.as_millis() as f64 / 1000.0;
        let mut images = std::collections::BTreeMap::new();
        let mut queues = Vec::new();
        let mut dropped: SmallMap<&str, f64> = SmallMap::new();
        for (key, &n) in &arrivals {
            if n > 0 {
                self.rates.insert(key.clone(), n as f64 / seconds);
                // What each pod received this second, for the map's request dots.
                series.record(&format!("{ARRIVALS_SERIES}{key}"), now, n as f64);
            }
            let (ns, name) = key.split_once('/').unwrap_or(("", key));
            let pod = store.get(&ObjectKey { kind: Kind::Pod, namespace: ns.into(), name: name.into() }).and_then(Object::as_pod);
            let Some((mu, service)) = pod.and_then(|p| capacity(store, p, &mut images)) else {
                self.queues.remove(key);
                if n > 0 {
                    queues.push(Queue { served: n as f64, base: NETWORK_MS, rho: 0.0, drain: 1.0 });
                }
                continue;
            };
            let q = self.queues.entry(key.clone()).or_default();
            q.rate += RATE_SMOOTHING * (n as f64 / seconds - q.rate);
            let work = q.backlog + n as f64;
            let served = work.min(mu * seconds);
            let mut backlog = work - served;
            let lost = (backlog - mu * TIMEOUT_MS / 1000.0).max(0.0);
            backlog -= lost;
            if lost > 0.0 {
                dropped.insert(key.as_str(), lost);
            }
            let wait = if mu > 0.0 { (q.backlog + backlog) / 2.0 / mu * 1000.0 } else { 0.0 };
            q.backlog = backlog;
            if served > 0.0 {
                let rho = (q.rate / mu).min(MAX_UTILISATION);
                queues.push(Queue { served, base: NETWORK_MS + service * 1000.0 + wait, rho, drain: mu * (1.0 - rho) / 1000.0 });
            }
            if n == 0 && q.backlog == 0.0 && q.rate < 0.01 {
                self.queues.remove(key);
            }
        }
        let mut errors = refused;
        for (i, pod, n) in &sent {
            if let Some(lost) = dropped.get(pod.as_str()).filter(|_| *n > 0) {
                let lost = (lost * *n as f64 / arrivals[pod] as f64).round() as u64;
                self.loads[*i].failed += lost;
                errors += lost;
            }
        }
        series.forget_quiet(ARRIVALS_SERIES, Time(now.0 - 60_000));
        series.record("load.requests", now, total as f64);
        series.record("load.errors", now, errors as f64);
        if !queues.is_empty() {
            for (name, q) in LATENCY_SERIES {
                series.record(name, now, latency_quantile(&queues, q));
            }
        }
        Some(now + TICK)
    }

    /// Each container's CPU (millicores) and memory (bytes) now, by the workload model or
    /// an override, `None` for containers that are not running. `images` caches image
    /// lookups (a scrape reads many pods of few images); `key` is scratch space for the
    /// pod's `namespace/name`, so a scrape does not allocate one per pod.
    pub fn container_usage_with<'p>(&self, pod: &'p Pod, images: &mut std::collections::BTreeMap<String, images::ImageBehavior>, key: &mut String) -> Vec<(&'p str, Option<(f64, i64)>)> {
        let rate = if self.rates.is_empty() {
            0.0
        } else {
            key.clear();
            key.push_str(pod.metadata.namespace.as_deref().unwrap_or(""));
            key.push('/');
            key.push_str(&pod.metadata.name);
            self.rates.get(key.as_str()).copied().unwrap_or(0.0)
        };
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
                    return (c.name.as_str(), None);
                }
                if !images.contains_key(&c.image) {
                    images.insert(c.image.clone(), images::lookup(&c.image));
                }
                let Some(b) = images.get(&c.image) else { return (c.name.as_str(), None) };
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
                (c.name.as_str(), Some((cpu, memory)))
            })
            .collect()
    }
}
