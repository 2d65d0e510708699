//! What kubeplay keeps without simulating: real fields of simulated kinds (`volumes`,
//! `volumeMounts`, `securityContext` ...) and objects of kinds no kubeplay component acts
//! on (Ingress, PersistentVolumeClaim ...). They are stored as written, shown by `get -o
//! yaml`, `describe` and `get`, survive edits, reach the pods of a template, and are
//! deleted like any object. Tables and describe layouts follow kubectl's printers
//! (`../shared/kubectl-output.md` §2.15 and the volume lines of §3.1); the notes are ours.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::{run_in, CommandOutput, Context};
use kubeplay_sim::{Cluster, ClusterSettings};
mod common;
use common::Manifests;

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80}]
        volumeMounts:
        - {name: config, mountPath: /etc/web, readOnly: true}
        - {name: cache, mountPath: /cache}
      volumes:
      - name: config
        configMap: {name: web-config}
      - name: cache
        emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
";

const INGRESS: &str = "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
  - host: web.local
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port: {number: 80}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 2Gi}
";

fn setup() -> (Cluster, Manifests) {
    (Cluster::new(ClusterSettings::default()), Manifests([("web.yaml", WEB), ("ingress.yaml", INGRESS)].into_iter().collect()))
}

fn sh(c: &mut Cluster, files: &Manifests, line: &str) -> CommandOutput {
    run_in(c, line, &Context { files, ..Default::default() })
}

#[test]
fn volumes_reach_the_pods_and_describe_shows_mounts_and_sources() {
    let (mut c, files) = setup();
    let out = sh(&mut c, &files, "kubectl apply -f web.yaml");
    assert_eq!(out.stdout, "deployment.apps/web created\nservice/web created\n");
    assert!(out.stderr.contains("kubeplay: field \"spec.template.spec.volumes\" is kept but not simulated"), "{}", out.stderr);
    c.advance(Duration::seconds(30));
    let volumes = sh(&mut c, &files, "kubectl get pods -l app=web -o jsonpath={.items[*].spec.volumes[0].configMap.name}");
    assert_eq!(volumes.stdout, "web-config web-config");
    let describe = sh(&mut c, &files, "kubectl describe pods -l app=web").stdout;
    assert!(describe.contains("    Mounts:\n      /cache from cache (rw)\n      /etc/web from config (ro)\n"), "mounts sorted by path: {describe}");
    assert!(describe.contains("Volumes:\n  config:\n    Type:      ConfigMap (a volume populated by a ConfigMap)\n    Name:      web-config\n    Optional:  false\n  cache:\n    Type:        EmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:      \n    SizeLimit:   <unset>\nQoS Class:       BestEffort\n"), "the last volume's cells align with the lines after it, as Go's tabwriter does: {describe}");
    let template = sh(&mut c, &files, "kubectl describe deploy web").stdout;
    assert!(template.contains("  Volumes:\n   config:\n    Type:"), "a template's volume names get one more space: {template}");
    // Re-applying the same file changes nothing; the kept fields are part of the object.
    assert_eq!(sh(&mut c, &files, "kubectl apply -f web.yaml").stdout, "deployment.apps/web unchanged\nservice/web unchanged\n");
}

#[test]
fn changing_only_a_kept_field_of_the_template_rolls_out_a_new_replicaset() {
    let (mut c, files) = setup();
    sh(&mut c, &files, "kubectl apply -f web.yaml");
    c.advance(Duration::seconds(30));
    let patch = r#"kubectl patch deploy web --type=json -p '[{"op": "replace", "path": "/spec/template/spec/volumes/0/configMap/name", "value": "web-config-v2"}]'"#;
    let out = sh(&mut c, &files, patch);
    assert_eq!(out.stdout, "deployment.apps/web patched\n", "{}", out.stderr);
    c.advance(Duration::seconds(60));
    let rs = sh(&mut c, &files, "kubectl get rs -l app=web -o name").stdout;
    assert_eq!(rs.lines().count(), 2, "a new ReplicaSet for the new template: {rs}");
    let volumes = sh(&mut c, &files, "kubectl get pods -l app=web -o jsonpath={.items[*].spec.volumes[0].configMap.name}");
    assert_eq!(volumes.stdout, "web-config-v2 web-config-v2");
    let history = sh(&mut c, &files, "kubectl rollout history deploy web").stdout;
    assert!(history.contains("\n2 "), "{history}");
}

#[test]
fn ingress_and_claims_are_stored_listed_and_described() {
    let (mut c, files) = setup();
    sh(&mut c, &files, "kubectl apply -f web.yaml");
    let out = sh(&mut c, &files, "kubectl apply -f ingress.yaml");
    assert_eq!(out.stdout, "ingress.networking.k8s.io/web created\npersistentvolumeclaim/data created\n");
    assert!(out.stderr.contains("kubeplay: Ingress is stored but not simulated: no ingress controller runs in kubeplay"), "{}", out.stderr);
    c.advance(Duration::seconds(30));
    let tables = sh(&mut c, &files, "kubectl get ing,pvc").stdout;
    assert_eq!(
        tables,
        "NAME                            CLASS    HOSTS       ADDRESS   PORTS   AGE\ningress.networking.k8s.io/web   <none>   web.local             80      30s\n\nNAME                         STATUS    VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   AGE\npersistentvolumeclaim/data   Pending                                                     30s\n"
    );
    let describe = sh(&mut c, &files, "kubectl describe ingress web").stdout;
    let backend = describe.lines().find(|l| l.contains("web:80")).unwrap_or_default().to_string();
    assert!(backend.trim_start().starts_with("/   web:80 (10.244."), "the backend lists the Service's ready endpoints: {describe}");
    assert!(describe.starts_with("Name:             web\nLabels:           <none>\nNamespace:        default\nAddress:          \nIngress Class:    <none>\nDefault backend:  <default>\nRules:\n  Host        Path  Backends\n  ----        ----  --------\n  web.local   \n"), "{describe}");
    assert!(sh(&mut c, &files, "kubectl get pvc data -o jsonpath={.status.phase}").stdout == "Pending");
    assert_eq!(sh(&mut c, &files, "kubectl delete -f ingress.yaml").stdout, "ingress.networking.k8s.io \"web\" deleted\npersistentvolumeclaim \"data\" deleted\n");
    assert_eq!(sh(&mut c, &files, "kubectl get ing").stderr, "No resources found in default namespace.\n");
}

#[test]
fn old_ingress_versions_are_converted_with_a_warning_or_refused_as_a_current_cluster_does() {
    let (mut c, _) = setup();
    let old = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\nspec:\n  backend:\n    serviceName: web\n    servicePort: 80\n  rules:\n  - host: a.local\n    http:\n      paths:\n      - path: /x\n        backend:\n          serviceName: web\n          servicePort: http\n";
    let files = Manifests([("old.yaml", old)].into_iter().collect());
    let out = sh(&mut c, &files, "kubectl apply -f old.yaml");
    assert_eq!(out.stdout, "ingress.networking.k8s.io/old created\n");
    assert!(out.stderr.starts_with("Warning: extensions/v1beta1 Ingress was removed in Kubernetes v1.22"), "{}", out.stderr);
    let spec = sh(&mut c, &files, "kubectl get ing old -o jsonpath={.spec}").stdout;
    let spec: serde_json::Value = serde_json::from_str(&spec).expect("json");
    assert_eq!(spec["defaultBackend"], serde_json::json!({"service": {"name": "web", "port": {"number": 80}}}));
    assert_eq!(spec["rules"][0]["http"]["paths"][0]["backend"], serde_json::json!({"service": {"name": "web", "port": {"name": "http"}}}));
    assert_eq!(spec["rules"][0]["http"]["paths"][0]["pathType"], "ImplementationSpecific");
    // With `legacy-api refuse`, the answer of a cluster since v1.22.
    sh(&mut c, &files, "legacy-api refuse");
    sh(&mut c, &files, "kubectl delete ing old");
    let out = sh(&mut c, &files, "kubectl apply -f old.yaml");
    assert_eq!((out.stdout.as_str(), out.exit_code), ("", 1));
    assert!(out.stderr.starts_with("error: resource mapping not found for name: \"old\" namespace: \"\" from \"old.yaml\": no matches for kind \"Ingress\" in version \"extensions/v1beta1\"\nensure CRDs are installed first\n"), "{}", out.stderr);
}

#[test]
fn deleting_a_namespace_deletes_the_kept_objects_in_it() {
    let (mut c, files) = setup();
    sh(&mut c, &files, "kubectl create namespace shop");
    sh(&mut c, &files, "kubectl apply -n shop -f ingress.yaml");
    assert_eq!(sh(&mut c, &files, "kubectl get ing,pvc -n shop -o name").stdout, "ingress.networking.k8s.io/web\npersistentvolumeclaim/data\n");
    sh(&mut c, &files, "kubectl delete namespace shop");
    c.advance(Duration::seconds(30));
    assert_eq!(sh(&mut c, &files, "kubectl get ing,pvc -A -o name").stdout, "");
}

#[test]
fn a_manifests_status_is_dropped_and_statefulsets_scale_their_count() {
    let (mut c, _) = setup();
    let files = Manifests(
        [(
            "kept.yaml",
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\nstatus:\n  phase: Bound\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 1\n  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: db, image: redis}]}\n",
        )]
        .into_iter()
        .collect(),
    );
    sh(&mut c, &files, "kubectl apply -f kept.yaml");
    assert_eq!(sh(&mut c, &files, "kubectl get pvc data -o jsonpath={.status.phase}").stdout, "Pending", "a create drops the status it is given");
    assert_eq!(sh(&mut c, &files, "kubectl scale sts db --replicas=3").stdout, "statefulset.apps/db scaled\n");
    let table = sh(&mut c, &files, "kubectl get sts").stdout;
    assert!(table.starts_with("NAME   READY   AGE\ndb     0/3 "), "no controller makes its pods: {table}");
}
