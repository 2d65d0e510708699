//! The API server's own `kubernetes` Service in `default`, with its Endpoints and
//! EndpointSlice pointing at the control plane: made at start, and made again some seconds
//! after someone deletes them (`kubectl delete all --all` does), as the API server's loop
//! keeps them. Not a kube-controller-manager controller, but it reconciles like one.

use crate::api::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice, EndpointSlicePort, EndpointAddress, EndpointSubset, Endpoints, IntOrString, Kind, Object, ObjectMeta, Service, ServicePort};
use crate::apiserver;
use crate::clock::{Duration, Time};
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};

/// How often the API server checks its Service.
pub const INTERVAL: Duration = Duration::seconds(10);

fn meta(labels: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta { name: "kubernetes".into(), namespace: Some("default".into()), labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), ..Default::default() }
}

/// The Service (cluster IP `cluster_ip`, port 443 to 6443), its Endpoints and its
/// EndpointSlice, pointing at `control_plane_ip`, in the order the API server makes them.
pub fn objects(cluster_ip: &str, control_plane_ip: &str) -> [Object; 3] {
    let mut service = Service { metadata: meta(&[("component", "apiserver"), ("provider", "kubernetes")]), ..Default::default() };
    service.spec.cluster_ip = Some(cluster_ip.into());
    service.spec.ports = vec![ServicePort { name: Some("https".into()), protocol: Some("TCP".into()), port: 443, target_port: Some(IntOrString::Int(6443)), node_port: None }];
    let endpoints = Endpoints {
        metadata: meta(&[]),
        subsets: vec![EndpointSubset {
            addresses: vec![EndpointAddress { ip: control_plane_ip.into(), ..Default::default() }],
            ports: vec![EndpointPort { name: Some("https".into()), port: 6443, protocol: Some("TCP".into()) }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let slice = EndpointSlice {
        metadata: meta(&[(super::endpointslice::LABEL_SERVICE_NAME, "kubernetes")]),
        address_type: "IPv4".into(),
        endpoints: vec![Endpoint { addresses: vec![control_plane_ip.into()], conditions: EndpointConditions { ready: Some(true), ..Default::default() }, ..Default::default() }],
        ports: vec![EndpointSlicePort { name: Some("https".into()), port: Some(6443), protocol: Some("TCP".into()) }],
        ..Default::default()
    };
    [Object::Service(service), Object::Endpoints(endpoints), Object::EndpointSlice(slice)]
}

/// Makes again whichever of the three objects is missing, once the check scheduled for
/// `due` comes; schedules that check [`INTERVAL`] ahead when something went missing.
/// Returns when it next needs to run.
///
/// Models `pkg/controlplane/controller/kubernetesservice` `Controller.UpdateKubernetesService`.
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time, due: Option<Time>) -> Option<Time> {
    let default_active = store.get(&ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: "default".into() }).is_some_and(|n| n.meta().deletion_timestamp.is_none());
    let control_plane_ip = store.list(Kind::Node, None).filter_map(Object::as_node).find_map(|n| n.internal_ip().map(str::to_string)).unwrap_or_default();
    let missing: Vec<Object> = objects(&crate::service_registry::service_ip(1), &control_plane_ip).into_iter().filter(|o| store.get(&ObjectKey::of(o)).is_none()).collect();
    if missing.is_empty() || !default_active {
        return None;
    }
    match due {
        Some(at) if at <= now => {
            for o in missing {
                let _ = apiserver::create(store, rng, now, o);
            }
            None
        }
        Some(at) => Some(at),
        None => Some(now + INTERVAL),
    }
}
