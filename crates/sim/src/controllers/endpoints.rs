//! The endpoints controller: keeps one Endpoints object per Service with a selector,
//! listing the matching pods' IPs (ready ones in `addresses`, the others in
//! `notReadyAddresses`) with the ports each serves.

use crate::api::{EndpointAddress, EndpointPort, EndpointSubset, Endpoints, IntOrString, Kind, Object, ObjectMeta, ObjectReference, Pod, Service, ServicePort};
use crate::apiserver;
use crate::clock::Time;
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use std::collections::BTreeMap;

/// A pod's port for a Service port: the number, or the container port with that name.
pub fn resolve_target_port(pod: &Pod, target: &IntOrString) -> Option<i32> {
    match target {
        IntOrString::Int(n) => Some(*n),
        IntOrString::String(name) => pod.spec.containers.iter().flat_map(|c| &c.ports).find(|p| p.name.as_deref() == Some(name.as_str())).map(|p| p.container_port),
    }
}

/// The pod filter the endpoints and EndpointSlice controllers share (ShouldPodBeInEndpoints):
/// the Service's selector matches, the pod is not finished, and it has an IP.
pub fn selects(svc: &Service, pod: &Pod) -> bool {
    !svc.spec.selector.is_empty()
        && svc.spec.selector.iter().all(|(k, v)| pod.metadata.labels.get(k) == Some(v))
        && !matches!(pod.phase(), "Succeeded" | "Failed")
        && pod.status.pod_ip.is_some()
}

/// Models endpoints_controller.go's pod filter: [`selects`], and not being deleted
/// (unless the Service publishes not-ready addresses).
fn eligible(svc: &Service, pod: &Pod) -> bool {
    selects(svc, pod) && (pod.metadata.deletion_timestamp.is_none() || svc.spec.publish_not_ready_addresses)
}

/// The pod as an endpoint's `targetRef`.
pub fn pod_reference(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: "Pod".into(),
        namespace: pod.metadata.namespace.clone(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone().unwrap_or_default(),
        ..Default::default()
    }
}

/// Each Service port with the pod port it reaches; a named target port the pod does not
/// declare is left out.
pub fn resolved_ports<'a>(svc: &'a Service, pod: &'a Pod) -> impl Iterator<Item = (&'a ServicePort, i32)> + 'a {
    svc.spec.ports.iter().filter_map(move |sp| Some((sp, resolve_target_port(pod, &sp.target_port.clone().unwrap_or(IntOrString::Int(sp.port)))?)))
}

/// An IPv4 address as a key that sorts numerically (`10.244.1.10` after `10.244.1.9`).
pub fn ip_order(ip: &str) -> Vec<u32> {
    ip.split('.').map(|o| o.parse::<u32>().unwrap_or(0)).collect()
}

fn address(pod: &Pod) -> EndpointAddress {
    EndpointAddress { ip: pod.status.pod_ip.clone().unwrap_or_default(), node_name: pod.spec.node_name.clone(), target_ref: Some(pod_reference(pod)) }
}

/// A subset's ports: (name, pod port, protocol) per Service port.
type PortSet = Vec<(Option<String>, i32, Option<String>)>;

/// The subsets for a Service: pods grouped by the ports they resolve to, addresses in IP order.
pub fn subsets_for(svc: &Service, pods: &[&Pod]) -> Vec<EndpointSubset> {
    let mut groups: BTreeMap<PortSet, EndpointSubset> = BTreeMap::new();
    for pod in pods.iter().filter(|p| eligible(svc, p)) {
        let ports: PortSet = resolved_ports(svc, pod).map(|(sp, port)| (sp.name.clone(), port, sp.protocol.clone())).collect();
        if ports.is_empty() && !svc.spec.ports.is_empty() {
            continue;
        }
        let subset = groups.entry(ports.clone()).or_insert_with(|| EndpointSubset {
            ports: ports.iter().map(|(name, port, protocol)| EndpointPort { name: name.clone(), port: *port, protocol: protocol.clone() }).collect(),
            ..Default::default()
        });
        if pod.is_ready() || svc.spec.publish_not_ready_addresses {
            subset.addresses.push(address(pod));
        } else {
            subset.not_ready_addresses.push(address(pod));
        }
    }
    let by_ip = |a: &EndpointAddress| ip_order(&a.ip);
    groups
        .into_values()
        .map(|mut s| {
            crate::sorting::sort_by_key(&mut s.addresses, by_ip);
            crate::sorting::sort_by_key(&mut s.not_ready_addresses, by_ip);
            s
        })
        .collect()
}

/// One pass over every Service with a selector: writes its Endpoints when they change, and
/// removes the Endpoints of Services that are gone.
#[inline(never)]
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time) {
    let services = store.list_shared(Kind::Service, None);
    for o in &services {
        let Some(svc) = o.as_service().filter(|s| !s.spec.selector.is_empty()) else { continue };
        let ns = svc.metadata.namespace.clone().unwrap_or_default();
        let pods: Vec<&Pod> = store.list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).collect();
        let subsets = subsets_for(svc, &pods);
        let key = ObjectKey { kind: Kind::Endpoints, namespace: ns.clone(), name: svc.metadata.name.clone() };
        match store.get(&key).and_then(Object::as_endpoints) {
            Some(existing) if existing.subsets == subsets => {}
            Some(existing) => {
                let mut ep = existing.clone();
                ep.subsets = subsets;
                let _ = apiserver::write(store, now, Object::Endpoints(ep));
            }
            None => {
                let ep = Endpoints {
                    metadata: ObjectMeta { name: svc.metadata.name.clone(), namespace: Some(ns), labels: svc.metadata.labels.clone(), ..Default::default() },
                    subsets,
                    ..Default::default()
                };
                let _ = apiserver::create(store, rng, now, Object::Endpoints(ep));
            }
        }
    }
    let orphans: Vec<ObjectKey> = store
        .list(Kind::Endpoints, None)
        .filter(|ep| store.get(&ObjectKey { kind: Kind::Service, namespace: ep.namespace().into(), name: ep.name().into() }).is_none())
        .map(ObjectKey::of)
        .collect();
    for key in orphans {
        let _ = apiserver::delete(store, now, &key, None);
    }
}
