//! kube-proxy: where a connection to a Service address goes. A cluster IP and port, or a
//! node's IP (or the node's own 127.0.0.1) and a node port, lead to one endpoint from the
//! Service's EndpointSlices: a `ready` one, or, when none is ready, one that is still
//! `serving` while `terminating`. Without affinity each connection picks uniformly at random
//! (what the iptables rules' 1/n, 1/(n-1), ... cascade amounts to), from the cluster's
//! seeded random source; with `sessionAffinity: ClientIP` a client stays on the endpoint it
//! got first until it has been idle for the timeout or the endpoint is no longer usable.
//! A pod IP leads to that pod.

use crate::api::{Kind, Object, Pod, Service, ServicePort};
use crate::clock::Time;
use crate::controllers::endpointslice::LABEL_SERVICE_NAME;
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where a connection ends up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
    /// The pod's IP.
    pub ip: String,
    /// The port on the pod.
    pub port: i32,
}

/// Why a connection fails, as a client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing listens, or the Service has no usable endpoint (iptables REJECT).
    ConnectionRefused,
    /// The address leads nowhere (no route, dropped).
    Timeout,
}

/// The node the console runs on (as after `minikube ssh`): its InternalIP is the client
/// address of the console's `curl` and of the load generator.
pub const CONSOLE_NODE: &str = "control-plane";

/// The console's client address: [`CONSOLE_NODE`]'s InternalIP (172.18.0.2 in the default cluster).
pub fn console_client_ip(store: &Store) -> String {
    let key = ObjectKey { kind: Kind::Node, namespace: String::new(), name: CONSOLE_NODE.into() };
    store.get(&key).and_then(Object::as_node).and_then(|n| n.internal_ip()).unwrap_or("127.0.0.1").to_string()
}

fn is_node_address(store: &Store, host: &str) -> bool {
    host == "127.0.0.1" || host == "localhost" || store.list(Kind::Node, None).filter_map(Object::as_node).any(|n| n.internal_ip() == Some(host))
}

/// The Service and port a host:port names, if any.
fn service_for<'a>(store: &'a Store, host: &str, port: i32) -> Option<(&'a Service, &'a ServicePort)> {
    let node = is_node_address(store, host);
    store.list(Kind::Service, None).filter_map(Object::as_service).find_map(|svc| {
        let by_cluster_ip = svc.spec.cluster_ip.as_deref() == Some(host);
        let by_lb = svc.status.load_balancer.ingress.iter().any(|i| i.ip.as_deref() == Some(host));
        let p = svc.spec.ports.iter().find(|p| ((by_cluster_ip || by_lb) && p.port == port) || (node && p.node_port == Some(port)))?;
        Some((svc, p))
    })
}

/// The endpoints kube-proxy programs for one Service port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePortRule {
    /// `namespace/name:port-name`: the key of the affinity table.
    pub service_port: String,
    /// The ClientIP affinity timeout in seconds, if the Service has affinity.
    pub affinity_timeout: Option<i64>,
    /// The endpoints connections go to: the ready ones, or the serving terminating ones.
    pub endpoints: Vec<Destination>,
}

/// A slice port matches a Service port by name (unset and "" are the same), or is the only one.
fn port_matches(name: Option<&str>, wanted: Option<&str>, only: bool) -> bool {
    name.unwrap_or("") == wanted.unwrap_or("") || only
}

/// Models kube-proxy's endpoint filtering (pkg/proxy/topology.go CategorizeEndpoints): the
/// ready endpoints of a Service port from its EndpointSlices, or, when none is ready, the
/// serving terminating ones. A Service without slices falls back to its Endpoints (what the
/// EndpointSlice mirroring controller would copy for a selector-less Service).
fn usable_endpoints(store: &Store, svc: &Service, port: &ServicePort) -> Vec<Destination> {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let slices: Vec<&crate::api::EndpointSlice> = store
        .list(Kind::EndpointSlice, Some(&ns))
        .filter_map(Object::as_endpoint_slice)
        .filter(|s| s.metadata.labels.get(LABEL_SERVICE_NAME) == Some(&svc.metadata.name))
        .collect();
    if slices.is_empty() {
        return endpoints_object(store, svc, port);
    }
    let (mut ready, mut fallback) = (Vec::new(), Vec::new());
    let mut seen = BTreeSet::new();
    for slice in slices {
        let Some(p) = slice.ports.iter().find(|p| port_matches(p.name.as_deref(), port.name.as_deref(), slice.ports.len() == 1 && svc.spec.ports.len() == 1)) else { continue };
        let Some(target) = p.port else { continue };
        for e in &slice.endpoints {
            let Some(ip) = e.addresses.first() else { continue };
            if !seen.insert(ip.clone()) {
                continue;
            }
            let pod = e.target_ref.as_ref().map(|r| r.name.clone()).unwrap_or_default();
            let d = Destination { namespace: ns.clone(), pod, ip: ip.clone(), port: target };
            if e.conditions.is_ready() {
                ready.push(d);
            } else if e.conditions.is_serving() && e.conditions.is_terminating() {
                fallback.push(d);
            }
        }
    }
    if ready.is_empty() { fallback } else { ready }
}

/// The ready addresses of a Service port's Endpoints object.
fn endpoints_object(store: &Store, svc: &Service, port: &ServicePort) -> Vec<Destination> {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let key = ObjectKey { kind: Kind::Endpoints, namespace: ns.clone(), name: svc.metadata.name.clone() };
    let Some(ep) = store.get(&key).and_then(Object::as_endpoints) else { return Vec::new() };
    let mut out = Vec::new();
    for subset in &ep.subsets {
        let Some(p) = subset.ports.iter().find(|p| port_matches(p.name.as_deref(), port.name.as_deref(), subset.ports.len() == 1)) else { continue };
        for a in &subset.addresses {
            let pod = a.target_ref.as_ref().map(|r| r.name.clone()).unwrap_or_default();
            out.push(Destination { namespace: ns.clone(), pod, ip: a.ip.clone(), port: p.port });
        }
    }
    out
}

/// The rule for one Service port.
fn rule_for(store: &Store, svc: &Service, port: &ServicePort) -> ServicePortRule {
    ServicePortRule {
        service_port: format!("{}/{}:{}", svc.metadata.namespace.as_deref().unwrap_or(""), svc.metadata.name, port.name.as_deref().unwrap_or("")),
        affinity_timeout: svc.client_ip_affinity_timeout(),
        endpoints: usable_endpoints(store, svc, port),
    }
}

/// The usable endpoints behind `host:port` when it names a Service (cluster IP, load
/// balancer IP, or a node port on a node's address); `None` when it names no Service.
pub fn service_backends(store: &Store, host: &str, port: i32) -> Option<Vec<Destination>> {
    service_rule(store, host, port).map(|r| r.endpoints)
}

/// The rule behind `host:port` when it names a Service.
pub fn service_rule(store: &Store, host: &str, port: i32) -> Option<ServicePortRule> {
    let (svc, sp) = service_for(store, host, port)?;
    Some(rule_for(store, svc, sp))
}

/// The pod with an IP.
pub fn pod_by_ip<'a>(store: &'a Store, ip: &str) -> Option<&'a Pod> {
    store.list(Kind::Pod, None).filter_map(Object::as_pod).find(|p| p.status.pod_ip.as_deref() == Some(ip) && p.metadata.deletion_timestamp.is_none())
}

/// A client's pinned endpoint under ClientIP affinity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// The endpoint the client sticks to.
    pub endpoint: Destination,
    /// When the client last connected through this pin.
    pub last_used: Time,
}

/// kube-proxy's session affinity table (the iptables `recent` lists): one pin per Service
/// port and client address, forgotten once idle for the Service's timeout.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionAffinity {
    /// Pins by `namespace/service:port client-ip`.
    pub pins: crate::small_map::SmallMap<String, Pin>,
}

impl SessionAffinity {
    /// Forgets pins idle for longer than `max_timeout` seconds (the longest any Service
    /// allows, 86400), so the table stays bounded.
    pub fn expire(&mut self, now: Time, max_timeout: i64) {
        self.pins.retain(|_, p| now.0 - p.last_used.0 <= max_timeout * 1000);
    }
}

/// The longest `timeoutSeconds` the API allows.
pub const MAX_AFFINITY_TIMEOUT_SECONDS: i64 = 86400;

/// The iptables choice among `n` endpoints: rule i matches with probability 1/(n-i), which
/// is a uniform choice, drawn here in one step.
pub fn pick(rng: &mut Rng, n: usize) -> usize {
    rng.below(n as u64) as usize
}

impl ServicePortRule {
    /// The endpoint index a client's affinity pins, after checking it is still usable and
    /// not expired; records the use. `None` without affinity or without a usable pin.
    fn pinned(&self, affinity: &mut SessionAffinity, client: &str, now: Time) -> Option<usize> {
        let timeout = self.affinity_timeout?;
        let key = format!("{} {client}", self.service_port);
        let pin = affinity.pins.get_mut(&key)?;
        let fresh = now.0 - pin.last_used.0 <= timeout * 1000;
        match self.endpoints.iter().position(|d| *d == pin.endpoint).filter(|_| fresh) {
            Some(i) => {
                pin.last_used = now;
                Some(i)
            }
            None => {
                affinity.pins.remove(&key);
                None
            }
        }
    }

    /// Notes a new pin when the Service has affinity.
    fn pin(&self, affinity: &mut SessionAffinity, client: &str, now: Time, index: usize) {
        if self.affinity_timeout.is_some() {
            affinity.pins.insert(format!("{} {client}", self.service_port), Pin { endpoint: self.endpoints[index].clone(), last_used: now });
        }
    }

    /// The endpoint one new connection from `client` goes to (`None`: no usable endpoint).
    pub fn choose(&self, rng: &mut Rng, affinity: &mut SessionAffinity, client: &str, now: Time) -> Option<usize> {
        if self.endpoints.is_empty() {
            return None;
        }
        if let Some(i) = self.pinned(affinity, client, now) {
            return Some(i);
        }
        let i = pick(rng, self.endpoints.len());
        self.pin(affinity, client, now, i);
        Some(i)
    }

    /// Spreads `count` new connections from one client over the endpoints as `count`
    /// independent uniform choices would (a multinomial draw, as sequential binomials), or
    /// all to the client's pinned endpoint under affinity. Returns how many each endpoint
    /// gets, in endpoint order (empty when there is no usable endpoint).
    pub fn split(&self, rng: &mut Rng, affinity: &mut SessionAffinity, client: &str, now: Time, count: u64) -> Vec<u64> {
        let n = self.endpoints.len();
        if n == 0 {
            return Vec::new();
        }
        let mut counts = vec![0u64; n];
        if self.affinity_timeout.is_some() {
            if count > 0 {
                let i = self.choose(rng, affinity, client, now).unwrap_or(0);
                counts[i] = count;
            }
            return counts;
        }
        let mut left = count;
        for (i, c) in counts.iter_mut().enumerate() {
            if left == 0 {
                break;
            }
            *c = if i == n - 1 { left } else { binomial(rng, left, 1.0 / (n - i) as f64) };
            left -= *c;
        }
        counts
    }
}

/// A uniform number in [0, 1).
fn unit(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A Binomial(n, p) draw: inversion when the mean is small, else the normal approximation
/// (rounded and clamped), which is exact enough for routing counts and costs two draws.
pub fn binomial(rng: &mut Rng, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial(rng, n, 1.0 - p);
    }
    let mean = n as f64 * p;
    if mean < 30.0 {
        // Walks the cumulative distribution from 0 (BINV).
        let q = 1.0 - p;
        let (s, a) = (p / q, (n + 1) as f64 * p / q);
        let mut r = q.powf(n as f64);
        let mut u = unit(rng);
        let mut x = 0u64;
        while u > r && x < n {
            u -= r;
            x += 1;
            r *= a / x as f64 - s;
        }
        return x;
    }
    let (u1, u2) = (unit(rng).max(f64::MIN_POSITIVE), unit(rng));
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    (mean + z * (mean * (1.0 - p)).sqrt()).round().clamp(0.0, n as f64) as u64
}

/// Routes one new connection from `client` to `host:port`.
pub fn route(store: &Store, rng: &mut Rng, affinity: &mut SessionAffinity, client: &str, now: Time, host: &str, port: i32) -> Result<Destination, Refusal> {
    if let Some(rule) = service_rule(store, host, port) {
        return match rule.choose(rng, affinity, client, now) {
            Some(i) => Ok(rule.endpoints[i].clone()),
            None => Err(Refusal::ConnectionRefused),
        };
    }
    if let Some(pod) = pod_by_ip(store, host) {
        return Ok(Destination { namespace: pod.metadata.namespace.clone().unwrap_or_default(), pod: pod.metadata.name.clone(), ip: host.to_string(), port });
    }
    if is_node_address(store, host) {
        return Err(Refusal::ConnectionRefused);
    }
    Err(Refusal::Timeout)
}

/// kube-proxy's programmed rules for every Service port at once, as it syncs them from
/// Services and EndpointSlices: routing many connections then costs a lookup and a draw each.
/// The routing benchmark uses it; the simulation routes through [`route`] per request.
#[derive(Clone, Debug, Default)]
pub struct ProxyRules {
    rules: Vec<ServicePortRule>,
    by_address: BTreeMap<String, BTreeMap<i32, usize>>,
    by_node_port: BTreeMap<i32, usize>,
    node_addresses: BTreeSet<String>,
}

impl ProxyRules {
    /// Reads every Service and its endpoints from the store.
    pub fn sync(store: &Store) -> ProxyRules {
        let mut node_addresses: BTreeSet<String> = crate::sorting::set_of(store.list(Kind::Node, None).filter_map(Object::as_node).filter_map(|n| n.internal_ip().map(str::to_string)));
        node_addresses.extend(["127.0.0.1".to_string(), "localhost".to_string()]);
        let mut rules = ProxyRules { node_addresses, ..Default::default() };
        for svc in store.list(Kind::Service, None).filter_map(Object::as_service) {
            let addresses: Vec<String> = svc.spec.cluster_ip.iter().filter(|ip| *ip != "None").cloned().chain(svc.status.load_balancer.ingress.iter().filter_map(|i| i.ip.clone())).collect();
            for sp in &svc.spec.ports {
                let index = rules.rules.len();
                rules.rules.push(rule_for(store, svc, sp));
                for a in &addresses {
                    rules.by_address.entry(a.clone()).or_default().entry(sp.port).or_insert(index);
                }
                if let Some(np) = sp.node_port {
                    rules.by_node_port.entry(np).or_insert(index);
                }
            }
        }
        rules
    }

    /// The rule for `host:port`, if it names a Service.
    pub fn lookup(&self, host: &str, port: i32) -> Option<&ServicePortRule> {
        let by_ip = self.by_address.get(host).and_then(|ports| ports.get(&port));
        let index = by_ip.or_else(|| self.by_node_port.get(&port).filter(|_| self.node_addresses.contains(host)))?;
        self.rules.get(*index)
    }

    /// Routes one new connection from `client` to a Service address; `None` when `host:port`
    /// names no Service.
    pub fn route(&self, rng: &mut Rng, affinity: &mut SessionAffinity, client: &str, now: Time, host: &str, port: i32) -> Option<Result<&Destination, Refusal>> {
        let rule = self.lookup(host, port)?;
        Some(rule.choose(rng, affinity, client, now).map(|i| &rule.endpoints[i]).ok_or(Refusal::ConnectionRefused))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_draws_have_the_right_mean_and_stay_in_range() {
        let mut rng = Rng::new(5);
        for (n, p) in [(10u64, 0.3), (1000, 0.01), (10_000, 0.25), (50, 0.9)] {
            let draws: Vec<u64> = (0..2000).map(|_| binomial(&mut rng, n, p)).collect();
            assert!(draws.iter().all(|x| *x <= n));
            let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
            let sd = (n as f64 * p * (1.0 - p) / draws.len() as f64).sqrt();
            assert!((mean - n as f64 * p).abs() < 5.0 * sd + 0.01, "n={n} p={p}: mean {mean}");
        }
    }

    #[test]
    fn a_split_keeps_every_connection() {
        let rule = ServicePortRule {
            service_port: "default/web:".into(),
            affinity_timeout: None,
            endpoints: (0..7).map(|i| Destination { namespace: "default".into(), pod: format!("p{i}"), ip: format!("10.0.0.{i}"), port: 80 }).collect(),
        };
        let mut rng = Rng::new(9);
        let counts = rule.split(&mut rng, &mut SessionAffinity::default(), "c", Time(0), 7000);
        assert_eq!(counts.iter().sum::<u64>(), 7000);
        assert!(counts.iter().all(|c| (800..1200).contains(c)), "{counts:?}");
    }
}
