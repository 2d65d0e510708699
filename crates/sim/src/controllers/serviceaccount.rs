//! The serviceaccount controller and the root-CA publisher: every active namespace
//! gets a `default` ServiceAccount and a `kube-root-ca.crt` ConfigMap.

use crate::api::{ConfigMap, Kind, Object, ObjectMeta, ServiceAccount};
use crate::apiserver;
use crate::clock::Time;
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};

/// A stand-in for the cluster CA certificate the publisher copies into each namespace.
const CA_CERT: &str = "-----BEGIN CERTIFICATE-----\nkubeplay simulated cluster CA\n-----END CERTIFICATE-----\n";

/// One pass over every namespace.
#[inline(never)]
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time) {
    let namespaces: Vec<String> =
        store.list(Kind::Namespace, None).filter(|n| n.meta().deletion_timestamp.is_none()).map(|n| n.name().to_string()).collect();
    for ns in namespaces {
        let meta = |name: &str| ObjectMeta { name: name.into(), namespace: Some(ns.clone()), ..Default::default() };
        if store.get(&ObjectKey { kind: Kind::ServiceAccount, namespace: ns.clone(), name: "default".into() }).is_none() {
            let _ = apiserver::create(store, rng, now, Object::ServiceAccount(ServiceAccount { metadata: meta("default"), ..Default::default() }));
        }
        if store.get(&ObjectKey { kind: Kind::ConfigMap, namespace: ns.clone(), name: "kube-root-ca.crt".into() }).is_none() {
            let mut cm = ConfigMap { metadata: meta("kube-root-ca.crt"), ..Default::default() };
            cm.data.insert("ca.crt".into(), CA_CERT.into());
            cm.metadata.annotations.insert("kubernetes.io/description".into(), "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".into());
            let _ = apiserver::create(store, rng, now, Object::ConfigMap(cm));
        }
    }
}
