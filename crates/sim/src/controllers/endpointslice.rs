//! The EndpointSlice controller: for every Service with a selector, keeps EndpointSlices
//! (`<service>-<random>`, at most 100 endpoints each) listing the matching pods with
//! their ready, serving and terminating conditions. Unlike Endpoints, terminating pods
//! stay listed (not ready, serving while still Ready), which kube-proxy falls back to.
//! Models pkg/controller/endpointslice (reconciler.go, utils.go).

use super::controller_ref;
use super::endpoints::{ip_order, pod_reference, resolved_ports, selects};
use crate::api::{Endpoint, EndpointConditions, EndpointSlice, EndpointSlicePort, Kind, Object, ObjectMeta, Pod, Service};
use crate::apiserver;
use crate::clock::Time;
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use std::collections::BTreeMap;

/// The label that ties a slice to its Service.
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
/// The label that names the controller managing a slice.
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// This controller's value of [`LABEL_MANAGED_BY`].
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// `--max-endpoints-per-slice`, kube-controller-manager's default.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// A slice's ports as a sortable key: (name, port, protocol).
type PortKey = Vec<(Option<String>, Option<i32>, Option<String>)>;

fn port_key(ports: &[EndpointSlicePort]) -> PortKey {
    ports.iter().map(|p| (p.name.clone(), p.port, p.protocol.clone())).collect()
}

/// The slice ports a pod serves for the Service: every Service port whose target the pod resolves.
fn ports_for(svc: &Service, pod: &Pod) -> Vec<EndpointSlicePort> {
    resolved_ports(svc, pod).map(|(sp, port)| EndpointSlicePort { name: Some(sp.name.clone().unwrap_or_default()), port: Some(port), protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())) }).collect()
}

/// Models podToEndpoint: serving = Ready, terminating = being deleted, ready = serving and
/// not terminating (or the Service publishes not-ready addresses).
fn endpoint(svc: &Service, pod: &Pod) -> Endpoint {
    let serving = pod.is_ready();
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = svc.spec.publish_not_ready_addresses || (serving && !terminating);
    Endpoint {
        addresses: vec![pod.status.pod_ip.clone().unwrap_or_default()],
        conditions: EndpointConditions { ready: Some(ready), serving: Some(serving), terminating: Some(terminating) },
        node_name: pod.spec.node_name.clone(),
        target_ref: Some(pod_reference(pod)),
    }
}

/// The pod an endpoint stands for (its identity across updates).
fn pod_of(e: &Endpoint) -> String {
    e.target_ref.as_ref().map_or_else(|| e.addresses.first().cloned().unwrap_or_default(), |r| r.name.clone())
}

/// Endpoint order within a slice: by address (numerically), then pod.
fn sort_endpoints(endpoints: &mut [Endpoint]) {
    let ip = |e: &Endpoint| e.addresses.first().map(|a| ip_order(a)).unwrap_or_default();
    crate::sorting::sort_by_cached_key(endpoints, |e| (ip(e), pod_of(e)));
}

/// The labels a slice of `svc` carries: the Service's own plus the two the controller owns.
fn slice_labels(svc: &Service) -> crate::api::StringMap {
    let mut labels = svc.metadata.labels.clone();
    labels.insert(LABEL_SERVICE_NAME.into(), svc.metadata.name.clone());
    labels.insert(LABEL_MANAGED_BY.into(), CONTROLLER_NAME.into());
    if svc.spec.cluster_ip.as_deref() == Some("None") {
        labels.insert("service.kubernetes.io/headless".into(), String::new());
    }
    labels
}

/// A new slice for `svc` (named by the API server from `<service>-`).
fn new_slice(svc: &Object, ports: Vec<EndpointSlicePort>, endpoints: Vec<Endpoint>) -> EndpointSlice {
    let service = svc.as_service().expect("a Service");
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: Some(format!("{}-", service.metadata.name)),
            namespace: service.metadata.namespace.clone(),
            labels: slice_labels(service),
            owner_references: vec![controller_ref(svc)].into(),
            ..Default::default()
        },
        address_type: "IPv4".into(),
        endpoints,
        ports,
        ..Default::default()
    }
}

/// What one Service's reconcile writes.
#[derive(Default)]
struct Plan {
    update: Vec<EndpointSlice>,
    create: Vec<EndpointSlice>,
    delete: Vec<EndpointSlice>,
    kept: usize,
}

/// Models reconciler.reconcileByPortMapping for one Service: endpoints stay in the slice
/// they are in (with fresh conditions), gone ones leave it, new ones fill slices with room
/// and then new slices; emptied slices go, and a Service with nothing keeps one empty
/// placeholder slice.
fn plan(svc_obj: &Object, pods: &[&Pod], existing: Vec<EndpointSlice>) -> Plan {
    let svc = svc_obj.as_service().expect("a Service");
    let mut desired: BTreeMap<PortKey, (Vec<EndpointSlicePort>, BTreeMap<String, Endpoint>)> = BTreeMap::new();
    // Terminating pods stay listed (includeTerminating), unlike in Endpoints.
    for pod in pods.iter().filter(|p| selects(svc, p)) {
        let ports = ports_for(svc, pod);
        let group = desired.entry(port_key(&ports)).or_insert_with(|| (ports, BTreeMap::new()));
        group.1.insert(pod.metadata.name.clone(), endpoint(svc, pod));
    }
    let labels = slice_labels(svc);
    let mut existing: Vec<Option<EndpointSlice>> = existing.into_iter().map(Some).collect();
    let mut plan = Plan::default();
    for (key, (ports, mut wanted)) in desired {
        let mut mine: Vec<(EndpointSlice, EndpointSlice)> = existing.iter_mut().filter(|s| s.as_ref().is_some_and(|s| port_key(&s.ports) == key)).filter_map(Option::take).map(|s| (s.clone(), s)).collect();
        for (_, slice) in &mut mine {
            slice.endpoints = std::mem::take(&mut slice.endpoints).into_iter().filter_map(|e| wanted.remove(&pod_of(&e))).collect();
        }
        let mut rest: Vec<Endpoint> = wanted.into_values().collect();
        sort_endpoints(&mut rest);
        let mut rest = rest.into_iter().peekable();
        for (_, slice) in &mut mine {
            while slice.endpoints.len() < MAX_ENDPOINTS_PER_SLICE && rest.peek().is_some() {
                slice.endpoints.extend(rest.next());
            }
        }
        for (before, mut slice) in mine {
            if slice.endpoints.is_empty() {
                plan.delete.push(before);
                continue;
            }
            sort_endpoints(&mut slice.endpoints);
            slice.metadata.labels = labels.clone();
            plan.kept += 1;
            if slice != before {
                plan.update.push(slice);
            }
        }
        let rest: Vec<Endpoint> = rest.collect();
        for chunk in rest.chunks(MAX_ENDPOINTS_PER_SLICE) {
            plan.create.push(new_slice(svc_obj, ports.clone(), chunk.to_vec()));
        }
    }
    plan.delete.extend(existing.into_iter().flatten());
    if plan.kept == 0 && plan.create.is_empty() {
        let placeholder = |s: &EndpointSlice| s.endpoints.is_empty() && s.ports.is_empty();
        if plan.delete.len() == 1 && placeholder(&plan.delete[0]) {
            let mut slice = plan.delete.remove(0);
            if slice.metadata.labels != labels {
                slice.metadata.labels = labels;
                plan.update.push(slice);
            }
        } else {
            plan.create.push(new_slice(svc_obj, Vec::new(), Vec::new()));
        }
    }
    plan
}

/// The slices this controller manages for a Service, in name order.
fn managed_slices(store: &Store, namespace: &str, service: &str) -> Vec<EndpointSlice> {
    store
        .list(Kind::EndpointSlice, Some(namespace))
        .filter_map(Object::as_endpoint_slice)
        .filter(|s| s.metadata.labels.get(LABEL_SERVICE_NAME).map(String::as_str) == Some(service) && s.metadata.labels.get(LABEL_MANAGED_BY).map(String::as_str) == Some(CONTROLLER_NAME))
        .cloned()
        .collect()
}

/// One pass over every Service with a selector: writes its slices where they changed, and
/// deletes the slices this controller made for Services that are gone.
#[inline(never)]
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time) {
    let services = store.list_shared(Kind::Service, None);
    for o in &services {
        let Some(svc) = o.as_service().filter(|s| !s.spec.selector.is_empty()) else { continue };
        let ns = svc.metadata.namespace.clone().unwrap_or_default();
        let pods: Vec<&Pod> = store.list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).collect();
        let plan = plan(o, &pods, managed_slices(store, &ns, &svc.metadata.name));
        for slice in plan.update {
            let _ = apiserver::write(store, now, Object::EndpointSlice(slice));
        }
        for slice in plan.create {
            let _ = apiserver::create(store, rng, now, Object::EndpointSlice(slice));
        }
        for slice in plan.delete {
            let _ = apiserver::delete(store, now, &ObjectKey::of(&Object::EndpointSlice(slice)), None);
        }
    }
    let orphans: Vec<ObjectKey> = store
        .list(Kind::EndpointSlice, None)
        .filter(|o| o.meta().labels.get(LABEL_MANAGED_BY).map(String::as_str) == Some(CONTROLLER_NAME))
        .filter(|o| {
            let service = o.meta().labels.get(LABEL_SERVICE_NAME).cloned().unwrap_or_default();
            store.get(&ObjectKey { kind: Kind::Service, namespace: o.namespace().into(), name: service }).is_none()
        })
        .map(ObjectKey::of)
        .collect();
    for key in orphans {
        let _ = apiserver::delete(store, now, &key, None);
    }
}
