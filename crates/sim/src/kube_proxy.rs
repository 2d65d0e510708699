//! kube-proxy: where a connection to a Service address goes. A cluster IP and port, or a
//! node's IP (or the node's own 127.0.0.1) and a node port, lead to one ready endpoint,
//! picked uniformly at random per connection as the iptables rules do (1/n, 1/(n-1), ...),
//! from the cluster's seeded random source. A pod IP leads to that pod.

use crate::api::{Kind, Object, Pod, Service, ServicePort};
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};

/// Where a connection ends up.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// Nothing listens, or the Service has no ready endpoint (iptables REJECT).
    ConnectionRefused,
    /// The address leads nowhere (no route, dropped).
    Timeout,
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

/// The ready endpoints of a Service port: (pod namespace/name, ip, port). Falls back to
/// serving-but-terminating ones when none is ready, as kube-proxy does.
fn endpoints_of(store: &Store, svc: &Service, port: &ServicePort) -> Vec<Destination> {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let key = ObjectKey { kind: Kind::Endpoints, namespace: ns.clone(), name: svc.metadata.name.clone() };
    let Some(ep) = store.get(&key).and_then(Object::as_endpoints) else { return Vec::new() };
    let mut out = Vec::new();
    for subset in &ep.subsets {
        let Some(p) = subset.ports.iter().find(|p| p.name == port.name || subset.ports.len() == 1) else { continue };
        for a in &subset.addresses {
            let pod = a.target_ref.as_ref().map(|r| r.name.clone()).unwrap_or_default();
            out.push(Destination { namespace: ns.clone(), pod, ip: a.ip.clone(), port: p.port });
        }
    }
    out
}

/// The ready endpoints behind `host:port` when it names a Service (cluster IP, load
/// balancer IP, or a node port on a node's address); `None` when it names no Service.
pub fn service_backends(store: &Store, host: &str, port: i32) -> Option<Vec<Destination>> {
    let (svc, sp) = service_for(store, host, port)?;
    Some(endpoints_of(store, svc, sp))
}

/// The pod with an IP.
pub fn pod_by_ip<'a>(store: &'a Store, ip: &str) -> Option<&'a Pod> {
    store.list(Kind::Pod, None).filter_map(Object::as_pod).find(|p| p.status.pod_ip.as_deref() == Some(ip) && p.metadata.deletion_timestamp.is_none())
}

/// Routes one new connection to `host:port`.
pub fn route(store: &Store, rng: &mut Rng, host: &str, port: i32) -> Result<Destination, Refusal> {
    if let Some(ready) = service_backends(store, host, port) {
        if ready.is_empty() {
            return Err(Refusal::ConnectionRefused);
        }
        // iptables: rule i matches with probability 1/(n-i), so each endpoint gets 1/n.
        let n = ready.len();
        for (i, d) in ready.iter().enumerate() {
            if i == n - 1 || rng.below((n - i) as u64) == 0 {
                return Ok(d.clone());
            }
        }
    }
    if let Some(pod) = pod_by_ip(store, host) {
        return Ok(Destination { namespace: pod.metadata.namespace.clone().unwrap_or_default(), pod: pod.metadata.name.clone(), ip: host.to_string(), port });
    }
    if is_node_address(store, host) {
        return Err(Refusal::ConnectionRefused);
    }
    Err(Refusal::Timeout)
}
