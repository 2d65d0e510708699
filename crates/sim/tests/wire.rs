//! Wire compatibility with upstream's API types (k8s-openapi): every field we
//! write reads back through them unchanged, so our JSON is Kubernetes' JSON
//! for the fields we model, and theirs reads into ours.

use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, coordination::v1 as coordination, core::v1 as core, networking::v1 as networking, rbac::v1 as rbac};
use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::{Duration, Time};
use kubeplay_sim::{Cluster, ClusterSettings};
use serde_json::Value;

/// Timestamps compared at whole seconds (metav1.Time's precision; MicroTime adds digits).
fn normalize(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(t) = Time::parse_rfc3339(s) {
                *s = Time(t.0 - t.0.rem_euclid(1000)).rfc3339();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize),
        Value::Object(map) => map.values_mut().for_each(normalize),
        _ => {}
    }
}

/// Every leaf of `ours` is present, equal, in `theirs`.
fn contained(ours: &Value, theirs: &Value, path: &str, missing: &mut Vec<String>) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => contained(v, w, &format!("{path}.{k}"), missing),
                    None if v.is_null() || v == &Value::Object(Default::default()) || v == &Value::Array(vec![]) => {}
                    None => missing.push(format!("{path}.{k}")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                contained(v, w, &format!("{path}[{i}]"), missing);
            }
        }
        (a, b) if a == b => {}
        (a, b) => missing.push(format!("{path}: ours {a} theirs {b}")),
    }
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(object: &Object) {
    let mut ours = serde_json::to_value(object).unwrap();
    let theirs: T = serde_json::from_value(ours.clone()).unwrap_or_else(|e| panic!("{} {}: upstream cannot read ours: {e}", object.kind(), object.name()));
    let mut back = serde_json::to_value(&theirs).unwrap();
    normalize(&mut ours);
    normalize(&mut back);
    let mut missing = Vec::new();
    contained(&ours, &back, "", &mut missing);
    assert!(missing.is_empty(), "{} {}: fields upstream does not know or reads differently: {missing:?}", object.kind(), object.name());
    // And theirs reads back into ours.
    let again = Object::decode(object.kind(), &back).unwrap_or_else(|e| panic!("{}: we cannot read upstream's: {e}", object.kind())).0;
    assert_eq!(again.name(), object.name());
}

#[test]
fn every_kind_we_write_is_upstream_json() {
    let mut c = Cluster::new(ClusterSettings::default());
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        ports:\n        - containerPort: 80\n          name: http\n        readinessProbe:\n          httpGet: {path: /, port: http}\n        resources:\n          requests: {cpu: 100m, memory: 64Mi}\n          limits: {memory: 128Mi}\n        env:\n        - name: MODE\n          value: demo\n        volumeMounts:\n        - {name: config, mountPath: /etc/web, readOnly: true}\n        securityContext: {runAsNonRoot: true}\n      volumes:\n      - name: config\n        configMap: {name: web}\n      - name: scratch\n        emptyDir: {sizeLimit: 64Mi}\n";
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: work\n        image: busybox\n        command: [sh, -c, 'exit 1']\n";
    assert!(c.apply_manifest(deployment, "d.yaml").errors.is_empty());
    assert!(c.apply_manifest(job, "j.yaml").errors.is_empty());
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: s3cr3t\n";
    assert!(c.apply_manifest(secret, "s.yaml").errors.is_empty());
    let service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: http\n";
    assert!(c.apply_manifest(service, "svc.yaml").errors.is_empty());
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 4\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target: {type: Utilization, averageUtilization: 50}\n  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 60\n      selectPolicy: Min\n      policies: [{type: Pods, value: 1, periodSeconds: 30}]\n";
    assert!(c.apply_manifest(hpa, "hpa.yaml").errors.is_empty());
    let policies = "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: compute\nspec:\n  hard: {pods: '20', requests.cpu: '4', limits.memory: 8Gi}\n---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\nspec:\n  limits:\n  - type: Container\n    default: {cpu: 500m, memory: 256Mi}\n    defaultRequest: {cpu: 100m}\n    max: {memory: 1Gi}\n    maxLimitRequestRatio: {cpu: '10'}\n";
    assert!(c.apply_manifest(policies, "policies.yaml").errors.is_empty());
    let slice = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: external-1\n  labels: {kubernetes.io/service-name: external}\naddressType: IPv4\nports: [{name: http, port: 8080, protocol: TCP}]\nendpoints:\n- addresses: [192.0.2.10]\n  conditions: {ready: true, serving: true, terminating: false}\n";
    assert!(c.apply_manifest(slice, "slice.yaml").errors.is_empty());
    // Kinds kubeplay stores without simulating.
    let kept = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: web.local\n    http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n---
apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n---
apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress]}\n---
apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}\n---
apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: disk}\nspec: {capacity: {storage: 2Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /data}}\n---
apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: k8s.io/minikube-hostpath\n---
apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: db, image: redis}]}\n---
apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: tick}\nspec:\n  schedule: '*/5 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec: {restartPolicy: Never, containers: [{name: t, image: busybox}]}\n---
apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader}\nrules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]\n---
apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: read}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects: [{kind: ServiceAccount, name: default, namespace: default}]\n---
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: viewer}\nrules: [{apiGroups: [''], resources: [nodes], verbs: [get]}]\n---
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: view}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: viewer}\nsubjects: [{kind: User, name: ada, apiGroup: rbac.authorization.k8s.io}]\n---
apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 1, selector: {matchLabels: {app: web}}}\n";
    let report = c.apply_manifest(kept, "kept.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    c.advance(Duration::seconds(40));
    let mut seen = std::collections::BTreeSet::new();
    for kind in Kind::ALL {
        for o in c.store().list(kind, None) {
            seen.insert(kind);
            match kind {
                Kind::Namespace => round_trip::<core::Namespace>(o),
                Kind::Node => round_trip::<core::Node>(o),
                Kind::Pod => round_trip::<core::Pod>(o),
                Kind::Event => round_trip::<core::Event>(o),
                Kind::ReplicaSet => round_trip::<apps::ReplicaSet>(o),
                Kind::Deployment => round_trip::<apps::Deployment>(o),
                Kind::Lease => round_trip::<coordination::Lease>(o),
                Kind::DaemonSet => round_trip::<apps::DaemonSet>(o),
                Kind::Job => round_trip::<batch::Job>(o),
                Kind::ConfigMap => round_trip::<core::ConfigMap>(o),
                Kind::Secret => round_trip::<core::Secret>(o),
                Kind::ServiceAccount => round_trip::<core::ServiceAccount>(o),
                Kind::Service => round_trip::<core::Service>(o),
                Kind::Endpoints => round_trip::<core::Endpoints>(o),
                Kind::HorizontalPodAutoscaler => round_trip::<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>(o),
                Kind::EndpointSlice => round_trip::<k8s_openapi::api::discovery::v1::EndpointSlice>(o),
                Kind::ResourceQuota => round_trip::<core::ResourceQuota>(o),
                Kind::LimitRange => round_trip::<core::LimitRange>(o),
                Kind::Ingress => round_trip::<networking::Ingress>(o),
                Kind::IngressClass => round_trip::<networking::IngressClass>(o),
                Kind::NetworkPolicy => round_trip::<networking::NetworkPolicy>(o),
                Kind::PersistentVolumeClaim => round_trip::<core::PersistentVolumeClaim>(o),
                Kind::PersistentVolume => round_trip::<core::PersistentVolume>(o),
                Kind::StorageClass => round_trip::<k8s_openapi::api::storage::v1::StorageClass>(o),
                Kind::StatefulSet => round_trip::<apps::StatefulSet>(o),
                Kind::CronJob => round_trip::<batch::CronJob>(o),
                Kind::Role => round_trip::<rbac::Role>(o),
                Kind::RoleBinding => round_trip::<rbac::RoleBinding>(o),
                Kind::ClusterRole => round_trip::<rbac::ClusterRole>(o),
                Kind::ClusterRoleBinding => round_trip::<rbac::ClusterRoleBinding>(o),
                Kind::PodDisruptionBudget => round_trip::<k8s_openapi::api::policy::v1::PodDisruptionBudget>(o),
            }
        }
    }
    assert_eq!(seen.len(), Kind::ALL.len(), "the scenario produces every kind");
    // The kept fields reach the pods, and upstream reads them there.
    let pod = c.store().list(Kind::Pod, Some("default")).find(|o| o.name().starts_with("web-")).map(|o| serde_json::to_value(o).unwrap()).expect("a web pod");
    assert_eq!(pod["spec"]["volumes"][0]["configMap"]["name"], "web");
    assert_eq!(pod["spec"]["containers"][0]["volumeMounts"][0]["mountPath"], "/etc/web");
    assert_eq!(pod["spec"]["containers"][0]["securityContext"]["runAsNonRoot"], true);
    let pvc = c.store().list(Kind::PersistentVolumeClaim, Some("default")).next().map(|o| serde_json::to_value(o).unwrap()).expect("the claim");
    assert_eq!(pvc["status"]["phase"], "Pending", "no provisioner binds it");
}
