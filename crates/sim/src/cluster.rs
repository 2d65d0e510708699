//! The `Cluster` facade: the default cluster, the virtual clock and the loop
//! that runs every component's reconcile in timestamp order.

use crate::api::{
    Condition, Container, DaemonSet, Deployment, Kind, LabelSelector, Namespace, Node, NodeAddress, NodeSpec, NodeStatus, NodeSystemInfo, Object,
    ObjectMeta, Pod, PodSpec, PodTemplateSpec, Quantity, ResourceRequirements, Taint, Toleration,
};
use crate::apiserver::{self, ApiError, ApplyAction};
use crate::clock::{Duration, Time};
use crate::{controllers, events};
use crate::kubelet::{Kubelet, NodePods};
use crate::manifest::{parse_manifest_with, ManifestError};
use crate::rand::Rng;
use crate::scheduler::Scheduler;
use crate::series::{SeriesStore, SERIES_CAPACITY};
use crate::store::{EventType, ObjectKey, Store, WatchEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The shape of a new cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClusterSettings {
    /// Seed of the cluster's random source.
    pub seed: u64,
    /// Number of worker nodes (`node-1` ... `node-N`).
    pub workers: u32,
    /// CPU of each node, as a quantity (`2`).
    pub node_cpu: String,
    /// Memory of each node, as a quantity (`4Gi`).
    pub node_memory: String,
    /// Pod capacity of each node.
    pub node_pods: u32,
    /// Virtual time at which the cluster is up and the learner starts.
    pub start: Time,
    /// Answer manifests in removed API versions (`apps/v1beta1` ...) exactly as a current
    /// cluster does, instead of converting them with a warning.
    #[serde(default)]
    pub refuse_removed_api_versions: bool,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        ClusterSettings {
            seed: 1,
            workers: 3,
            node_cpu: "2".into(),
            node_memory: "4Gi".into(),
            node_pods: 110,
            start: Time::from_utc(2024, 1, 1, 9, 0, 0),
            refuse_removed_api_versions: false,
        }
    }
}

/// How long the default cluster has been running when the learner arrives.
const WARM_UP: Duration = Duration::seconds(300);
/// Virtual time between samples of the built-in time series.
pub const SAMPLE_EVERY: Duration = Duration::seconds(5);
/// Safety bound on reconcile passes at one instant (a controller fight must not hang the page).
/// (A ReplicaSet creates at most 500 pods a pass, so a Deployment of 150,000 replicas takes
/// 300 passes to create.)
const MAX_PASSES: usize = 1024;
/// Kubernetes version the simulated cluster reports.
pub const KUBERNETES_VERSION: &str = "v1.28.0";

/// What one `apply` of a manifest did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// One entry per object: `(kind, namespace, name, action)`.
    pub applied: Vec<AppliedObject>,
    /// Errors: manifest problems and API refusals, in file order.
    pub errors: Vec<String>,
    /// Warnings about how objects were read (old API versions).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// One object an apply touched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppliedObject {
    /// The object's kind.
    pub kind: Kind,
    /// Its namespace ("" for cluster-scoped).
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Created, configured or unchanged.
    pub action: ApplyAction,
}

impl AppliedObject {
    /// kubectl's line: `pod/web created`.
    pub fn line(&self) -> String {
        format!("{}/{} {}", self.kind.qualified(), self.name, self.action.word())
    }
}

/// The whole simulated cluster.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Cluster {
    settings: ClusterSettings,
    now: Time,
    rng: Rng,
    store: Store,
    pub(crate) scheduler: Scheduler,
    kubelets: BTreeMap<String, Kubelet>,
    wakeups: crate::wakeups::Wakeups,
    series: SeriesStore,
    next_sample: Time,
    /// How often an instant did not settle within MAX_PASSES (a controller fight: a bug).
    #[serde(default)]
    overruns: u64,
    /// The random source of traffic (which endpoint serves a connection), apart from the
    /// cluster's own so that requests do not change the names of later objects.
    #[serde(default = "traffic_rng")]
    traffic_rng: Rng,
    /// Loads, request rates per pod and usage overrides.
    #[serde(default)]
    traffic: crate::traffic::Traffic,
    /// kube-proxy's ClientIP session affinity table.
    #[serde(default)]
    affinity: crate::kube_proxy::SessionAffinity,
    /// The latest pod and node metrics.
    #[serde(default)]
    metrics: crate::metrics_server::MetricsServer,
    /// The autoscaler's recommendations and sync times.
    #[serde(default)]
    hpa: controllers::hpa::HpaState,
    /// The store version each component last ran at: it runs again only for changes it
    /// watches or when its wake-up is due.
    #[serde(default)]
    seen: crate::small_map::SmallMap<String, u64>,
    /// kubectl's client configuration (current context, its namespace, port forwards);
    /// left out of snapshots while it is the default, so they stay as they were.
    #[serde(default, skip_serializing_if = "crate::kubectl::KubeConfig::is_default")]
    kubeconfig: crate::kubectl::KubeConfig,
    /// The ReplicaSet controller's counts of its pods, rebuilt after a restore.
    #[serde(skip)]
    replicaset_cache: controllers::replicaset::Cache,
    /// The metrics-server's table of pods, rebuilt after a restore.
    #[serde(skip)]
    metrics_watch: crate::metrics_server::PodWatch,
    /// The garbage collector's owners known to exist, rebuilt after a restore.
    #[serde(skip)]
    live_owners: controllers::garbage_collector::LiveOwners,
    /// When a node lease next goes stale, as the node monitor last answered (None: run it).
    #[serde(skip)]
    node_monitor_wake: Option<Option<Time>>,
    /// While a `kubectl ... --record` runs: the command, noted on every object it writes.
    #[serde(skip)]
    change_cause: Option<String>,
    /// Tests: give every kubelet run all of its node's pods and have it look each one up, as
    /// before runs were told which changed, to check that the shortcuts change nothing.
    #[cfg(test)]
    #[serde(skip)]
    kubelets_see_all: bool,
}

/// The annotation `--record` writes and `rollout history` shows.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// Mixed into the seed for the traffic random source ("traffic" in ASCII).
const TRAFFIC_SEED: u64 = 0x0074_7261_6666_6963;

fn traffic_rng() -> Rng {
    Rng::new(TRAFFIC_SEED)
}

fn meta(name: &str, namespace: Option<&str>) -> ObjectMeta {
    ObjectMeta { name: name.into(), namespace: namespace.map(Into::into), ..Default::default() }
}

fn quantity(text: &str) -> Quantity {
    Quantity::parse(text).unwrap_or_else(|_| Quantity::parse("0").expect("0 is a quantity"))
}

fn system_pod(name: &str, container: &str, node: Option<&str>, image: &str, cpu: &str, memory: Option<&str>) -> Pod {
    let mut requests = crate::api::ResourceList::new();
    requests.insert("cpu".to_string(), quantity(cpu));
    if let Some(m) = memory {
        requests.insert("memory".to_string(), quantity(m));
    }
    let mut pod = Pod {
        metadata: meta(name, Some("kube-system")),
        spec: std::sync::Arc::new(PodSpec {
            containers: vec![Container {
                name: container.into(),
                image: image.into(),
                resources: ResourceRequirements { requests, limits: Default::default() },
                ..Default::default()
            }]
            .into(),
            node_name: node.map(Into::into),
            priority: Some(2_000_001_000),
            tolerations: vec![Toleration { operator: Some("Exists".into()), ..Default::default() }],
            ..Default::default()
        }),
        ..Default::default()
    };
    pod.metadata.labels.insert("tier".into(), "control-plane".into());
    pod
}

impl Cluster {
    /// A kubeadm-style cluster: a tainted control-plane node with its static pods,
    /// `settings.workers` workers, kube-proxy on every node and two coredns replicas,
    /// all running when the clock reaches `settings.start`.
    pub fn new(settings: ClusterSettings) -> Cluster {
        let begin = Time(settings.start.0 - WARM_UP.0);
        let mut c = Cluster {
            rng: Rng::new(settings.seed),
            now: begin,
            store: Store::default(),
            scheduler: Scheduler::default(),
            kubelets: BTreeMap::new(),
            wakeups: Default::default(),
            series: SeriesStore::with_capacity(SERIES_CAPACITY),
            next_sample: settings.start,
            overruns: 0,
            traffic_rng: Rng::new(settings.seed ^ TRAFFIC_SEED),
            traffic: Default::default(),
            affinity: Default::default(),
            metrics: Default::default(),
            hpa: Default::default(),
            seen: crate::small_map::SmallMap::new(),
            kubeconfig: Default::default(),
            replicaset_cache: Default::default(),
            metrics_watch: Default::default(),
            live_owners: Default::default(),
            node_monitor_wake: None,
            change_cause: None,
            #[cfg(test)]
            kubelets_see_all: false,
            settings,
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let _ = c.create(Object::Namespace(Namespace { metadata: meta(ns, None), ..Default::default() }));
        }
        c.add_node("control-plane", true);
        for i in 1..=c.settings.workers {
            c.add_node(&format!("node-{i}"), false);
        }
        c.settle();
        for (name, image, cpu, mem) in [
            ("etcd", "registry.k8s.io/etcd:3.5.9-0", "100m", Some("100Mi")),
            ("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.28.0", "250m", None),
            ("kube-controller-manager", "registry.k8s.io/kube-controller-manager:v1.28.0", "200m", None),
            ("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.28.0", "100m", None),
        ] {
            let mut pod = system_pod(&format!("{name}-control-plane"), name, Some("control-plane"), image, cpu, mem);
            pod.metadata.labels.insert("component".into(), name.into());
            let _ = c.create(Object::Pod(pod));
        }
        c.add_system_workloads();
        c.add_system_services();
        c.advance_to(c.settings.start);
        c
    }

    /// Registers a node with its kubelet and a kube-proxy pod.
    fn add_node(&mut self, name: &str, control_plane: bool) {
        let index = if control_plane { 0 } else { name.trim_start_matches("node-").parse::<u32>().unwrap_or(0) };
        let s = &self.settings;
        let resources: crate::api::ResourceList =
            [("cpu", s.node_cpu.as_str()), ("memory", s.node_memory.as_str()), ("pods", &s.node_pods.to_string()), ("ephemeral-storage", "100Gi")]
                .map(|(k, v)| (k.to_string(), quantity(v)))
                .into();
        let mut node = Node {
            metadata: meta(name, None),
            spec: NodeSpec { pod_cidr: Some(format!("10.244.{index}.0/24")), ..Default::default() },
            status: Box::new(NodeStatus {
                capacity: resources.clone(),
                allocatable: resources,
                conditions: [
                    ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                ]
                .into_iter()
                .map(|(t, r, m)| Condition { reason: Some(r.into()), message: Some(m.into()), last_heartbeat_time: Some(self.now), ..Condition::new(t, false, self.now) })
                    .chain(std::iter::once(Condition {
                        reason: Some("KubeletReady".into()),
                        message: Some("kubelet is posting ready status".into()),
                        last_heartbeat_time: Some(self.now),
                        ..Condition::new("Ready", true, self.now)
                    }))
                    .collect(),
                addresses: vec![
                    NodeAddress { type_: "InternalIP".into(), address: format!("172.18.0.{}", index + 2) },
                    NodeAddress { type_: "Hostname".into(), address: name.into() },
                ],
                node_info: NodeSystemInfo {
                    kubelet_version: KUBERNETES_VERSION.into(),
                    kube_proxy_version: KUBERNETES_VERSION.into(),
                    container_runtime_version: "containerd://1.7.1".into(),
                    os_image: "Debian GNU/Linux 11 (bullseye)".into(),
                    kernel_version: "6.1.0-18-amd64".into(),
                    operating_system: "linux".into(),
                    architecture: "amd64".into(),
                },
            }),
            ..Default::default()
        };
        let labels = &mut node.metadata.labels;
        for (k, v) in [("kubernetes.io/hostname", name), ("kubernetes.io/os", "linux"), ("kubernetes.io/arch", "amd64"), ("beta.kubernetes.io/os", "linux"), ("beta.kubernetes.io/arch", "amd64")] {
            labels.insert(k.into(), v.into());
        }
        if control_plane {
            labels.insert("node-role.kubernetes.io/control-plane".into(), String::new());
            node.spec.taints.push(Taint { key: "node-role.kubernetes.io/control-plane".into(), value: None, effect: "NoSchedule".into(), time_added: None });
        }
        // Settled by the caller once every new node is registered.
        if apiserver::create(&mut self.store, &mut self.rng, self.now, Object::Node(node)).is_err() {
            return;
        }
        let preloaded = [
            "registry.k8s.io/etcd:3.5.9-0",
            "registry.k8s.io/kube-apiserver:v1.28.0",
            "registry.k8s.io/kube-controller-manager:v1.28.0",
            "registry.k8s.io/kube-scheduler:v1.28.0",
            "registry.k8s.io/kube-proxy:v1.28.0",
            "registry.k8s.io/coredns/coredns:v1.10.1",
        ];
        self.kubelets.insert(name.into(), Kubelet::new(name, &preloaded));
        // A new kubelet starts at once: it registers its Lease and takes any pods bound to it.
        self.wakeups.insert(&kubelet_wakeup(name), self.now);
    }

    /// kube-proxy as a DaemonSet on every node and coredns as a two-replica Deployment,
    /// as kubeadm installs them.
    fn add_system_workloads(&mut self) {
        let labels = |v: &str| -> crate::api::StringMap { [("k8s-app".to_string(), v.to_string())].into() };
        // The system pods' specs, as the DaemonSet's and Deployment's templates.
        let mut proxy_spec = std::sync::Arc::unwrap_or_clone(system_pod("", "kube-proxy", None, "registry.k8s.io/kube-proxy:v1.28.0", "0", None).spec);
        proxy_spec.containers.to_mut()[0].resources = ResourceRequirements::default();
        proxy_spec.priority = None;
        let ds = DaemonSet {
            metadata: ObjectMeta { labels: labels("kube-proxy"), ..meta("kube-proxy", Some("kube-system")) },
            spec: crate::api::DaemonSetSpec {
                selector: LabelSelector::from_labels(&labels("kube-proxy")),
                template: Box::new(PodTemplateSpec { metadata: ObjectMeta { labels: labels("kube-proxy"), ..Default::default() }, spec: proxy_spec }),
                ..Default::default()
            },
            ..Default::default()
        };
        let _ = self.create(Object::DaemonSet(ds));

        let mut dns_spec = std::sync::Arc::unwrap_or_clone(system_pod("", "coredns", None, "registry.k8s.io/coredns/coredns:v1.10.1", "100m", Some("70Mi")).spec);
        dns_spec.priority = None;
        dns_spec.tolerations = vec![
            Toleration { key: Some("CriticalAddonsOnly".into()), operator: Some("Exists".into()), ..Default::default() },
            Toleration { key: Some("node-role.kubernetes.io/control-plane".into()), effect: Some("NoSchedule".into()), ..Default::default() },
        ];
        let d = Deployment {
            metadata: ObjectMeta { labels: labels("kube-dns"), ..meta("coredns", Some("kube-system")) },
            spec: crate::api::DeploymentSpec {
                replicas: Some(2),
                selector: LabelSelector::from_labels(&labels("kube-dns")),
                template: Box::new(PodTemplateSpec { metadata: ObjectMeta { labels: labels("kube-dns"), ..Default::default() }, spec: dns_spec }),
                ..Default::default()
            },
            ..Default::default()
        };
        let _ = self.create(Object::Deployment(d));
    }

    /// Opens one connection to `host:port` from the console (its node's address, see
    /// [`crate::kube_proxy::console_client_ip`]) through kube-proxy's rules: the pod that takes it.
    pub fn connect(&mut self, host: &str, port: i32) -> Result<crate::kube_proxy::Destination, crate::kube_proxy::Refusal> {
        let client = crate::kube_proxy::console_client_ip(&self.store);
        self.connect_from(&client, host, port)
    }

    /// Opens one connection to `host:port` from the address `client` (a pod's IP for a
    /// `curl` inside it): the pod that takes it, with the client's session affinity.
    pub fn connect_from(&mut self, client: &str, host: &str, port: i32) -> Result<crate::kube_proxy::Destination, crate::kube_proxy::Refusal> {
        self.affinity.expire(self.now, crate::kube_proxy::MAX_AFFINITY_TIMEOUT_SECONDS);
        crate::kube_proxy::route(&self.store, &mut self.traffic_rng, &mut self.affinity, client, self.now, host, port)
    }

    /// kube-proxy's ClientIP affinity table.
    pub fn session_affinity(&self) -> &crate::kube_proxy::SessionAffinity {
        &self.affinity
    }

    /// Loads, request rates and usage overrides.
    pub fn traffic(&self) -> &crate::traffic::Traffic {
        &self.traffic
    }

    /// Notes one request a pod served, for `kubectl logs`.
    pub fn record_request(&mut self, pod: &str, path: &str, status: u16) {
        let now = self.now;
        self.traffic.record(pod, now, path, status);
    }

    /// Starts a steady load on `host:port` (`load URL RATE/s [for DURATION]`).
    pub fn start_load(&mut self, load: crate::traffic::Load) {
        self.traffic.start(load);
        self.wakeups.insert("load-generator", self.now);
        self.settle();
    }

    /// Stops every load; returns how many ran.
    pub fn stop_loads(&mut self) -> usize {
        let n = self.traffic.stop();
        self.wakeups.remove("load-generator");
        n
    }

    /// Sets (or, with `None` values, clears) a usage override for matching pods.
    pub fn set_usage(&mut self, o: crate::traffic::Override) {
        self.traffic.overrides.retain(|x| !(x.namespace == o.namespace && x.selector == o.selector));
        if o.cpu_milli.is_some() || o.memory.is_some() {
            self.traffic.overrides.push(o);
        }
    }

    /// What metrics-server serves now.
    pub fn metrics(&self) -> &crate::metrics_server::MetricsServer {
        &self.metrics
    }

    /// The `kubernetes` Service (the API server, with Endpoints kept by the API server
    /// itself) and `kube-dns`, as kubeadm creates them.
    fn add_system_services(&mut self) {
        let port = |name: &str, port: i32, protocol: &str, target: i32| crate::api::ServicePort {
            name: Some(name.into()),
            protocol: Some(protocol.into()),
            port,
            target_port: Some(crate::api::IntOrString::Int(target)),
            node_port: None,
        };
        let control_plane_ip = self.store.list(Kind::Node, None).filter_map(Object::as_node).find_map(|n| n.internal_ip().map(str::to_string)).unwrap_or_default();
        for o in controllers::kubernetes_service::objects(&crate::service_registry::service_ip(1), &control_plane_ip) {
            let _ = self.create(o);
        }
        let mut dns = crate::api::Service { metadata: meta("kube-dns", Some("kube-system")), ..Default::default() };
        dns.metadata.labels = [("k8s-app", "kube-dns"), ("kubernetes.io/cluster-service", "true"), ("kubernetes.io/name", "CoreDNS")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        dns.spec.selector = [("k8s-app".to_string(), "kube-dns".to_string())].into();
        dns.spec.cluster_ip = Some(crate::service_registry::service_ip(10));
        dns.spec.ports = vec![port("dns", 53, "UDP", 53), port("dns-tcp", 53, "TCP", 53), port("metrics", 9153, "TCP", 9153)];
        let _ = self.create(Object::Service(dns));
    }

    /// The current virtual time.
    pub fn now(&self) -> Time {
        self.now
    }

    /// Sets whether removed API versions are refused as a current cluster does.
    pub fn set_refuse_removed_api_versions(&mut self, refuse: bool) {
        self.settings.refuse_removed_api_versions = refuse;
    }

    /// kubectl's client configuration (the kubeconfig's context and namespace).
    pub fn kubeconfig(&self) -> &crate::kubectl::KubeConfig {
        &self.kubeconfig
    }

    /// kubectl's client configuration, to change (`kubectl config set-context`, `port-forward`).
    pub fn kubeconfig_mut(&mut self) -> &mut crate::kubectl::KubeConfig {
        &mut self.kubeconfig
    }

    /// The settings this cluster was made with (workers reflect later changes).
    pub fn settings(&self) -> &ClusterSettings {
        &self.settings
    }

    /// Read access to every stored object.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The scheduler's last explanation for a pod (`namespace/name`).
    pub fn scheduling_explanation(&self, pod: &str) -> Option<&crate::scheduler::Explanation> {
        self.scheduler.explanations.get(pod)
    }

    /// A recorded time series.
    pub fn series(&self, name: &str) -> crate::series::Series {
        self.series.get(name)
    }

    /// Notes `cause` (a kubectl command line) on every object written until it is set to
    /// `None` again: `kubectl --record`.
    pub fn record_change_cause(&mut self, cause: Option<String>) {
        self.change_cause = cause;
    }

    /// The object with the recorded change cause, if a `--record` command is running.
    fn with_change_cause(&self, mut object: Object) -> Object {
        if let Some(cause) = &self.change_cause {
            object.meta_mut().annotations.insert(CHANGE_CAUSE.into(), cause.clone());
        }
        object
    }

    /// Creates an object through the API server and lets the components react.
    pub fn create(&mut self, object: Object) -> Result<Object, ApiError> {
        let object = self.with_change_cause(object);
        let created = apiserver::create(&mut self.store, &mut self.rng, self.now, object)?;
        self.settle();
        Ok(created)
    }

    /// What creating `object` would give, without storing it (`--dry-run=server`): the
    /// API server's defaulting, validation and admission run on a copy of the store.
    pub fn validate_create(&self, object: Object) -> Result<Object, ApiError> {
        let (mut store, mut rng) = (self.store.clone(), self.rng.clone());
        apiserver::create(&mut store, &mut rng, self.now, object)
    }

    /// Creates or updates an object (`kubectl apply`).
    pub fn apply(&mut self, object: Object) -> Result<(ApplyAction, Object), ApiError> {
        let object = self.with_change_cause(object);
        let result = apiserver::apply(&mut self.store, &mut self.rng, self.now, object)?;
        self.settle();
        Ok(result)
    }

    /// Writes an object as `kubectl replace` and the page's Apply of a `kubectl edit` file do:
    /// its spec, labels and annotations become exactly the given ones (controllers add theirs
    /// back); status and the server's metadata stay. Creates it if it does not exist.
    pub fn replace(&mut self, object: Object) -> Result<(ApplyAction, Object), ApiError> {
        let object = self.with_change_cause(object);
        let result = apiserver::apply_with(&mut self.store, &mut self.rng, self.now, object, false)?;
        self.settle();
        Ok(result)
    }

    /// What applying `object` would give, without storing it (`apply --dry-run`).
    pub fn validate_apply(&self, object: Object) -> Result<(ApplyAction, Object), ApiError> {
        let (mut store, mut rng) = (self.store.clone(), self.rng.clone());
        apiserver::apply(&mut store, &mut rng, self.now, self.with_change_cause(object))
    }

    /// Deletes an object (pods gracefully, with their own grace period).
    pub fn delete(&mut self, kind: Kind, namespace: Option<&str>, name: &str) -> Result<Object, ApiError> {
        self.delete_with_grace(kind, namespace, name, None)
    }

    /// Writes a changed object (kubectl's scale, set image, label, rollout pause).
    pub fn update(&mut self, object: Object) -> Result<Object, ApiError> {
        let object = self.with_change_cause(object);
        let updated = apiserver::update(&mut self.store, self.now, object)?;
        self.settle();
        Ok(updated)
    }

    /// Deletes an object; `grace` overrides a pod's termination grace period (0 removes it at once).
    pub fn delete_with_grace(&mut self, kind: Kind, namespace: Option<&str>, name: &str, grace: Option<i64>) -> Result<Object, ApiError> {
        let removed = self.delete_unsettled(kind, namespace, name, grace);
        self.settle();
        removed
    }

    /// Deletes several objects one after the other, as kubectl sends its DELETEs for a list
    /// it read first, before the controllers react (so a Deployment's ReplicaSet in the
    /// list is deleted by the command, not first by the garbage collector).
    pub fn delete_each(&mut self, objects: &[(Kind, String, String)], grace: Option<i64>) -> Vec<Result<Object, ApiError>> {
        let results = objects.iter().map(|(kind, namespace, name)| self.delete_unsettled(*kind, Some(namespace), name, grace)).collect();
        self.settle();
        results
    }

    /// `--cascade=orphan`: takes the object's uid out of its dependents' owner references
    /// before it is deleted, so the garbage collector leaves them (as its orphan finalizer
    /// does).
    pub fn orphan_dependents(&mut self, kind: Kind, namespace: &str, name: &str) {
        let Some(uid) = self.store.get(&ObjectKey::in_namespace(kind, namespace, name)).and_then(|o| o.meta().uid.as_deref().map(str::to_string)) else { return };
        // From the owner index: a scan of every object would make `delete --all
        // --cascade=orphan` cost the square of the namespace's objects.
        let dependents: Vec<Object> = self
            .store
            .owned_by(&uid)
            .filter(|o| !o.kind().namespaced() || o.meta().namespace.as_deref().unwrap_or("") == namespace)
            .cloned()
            .collect();
        for mut o in dependents {
            o.meta_mut().owner_references.retain(|r| r.uid != uid);
            let _ = apiserver::write(&mut self.store, self.now, o);
        }
    }

    fn delete_unsettled(&mut self, kind: Kind, namespace: Option<&str>, name: &str, grace: Option<i64>) -> Result<Object, ApiError> {
        let ns = if kind.namespaced() { namespace.unwrap_or("default") } else { "" };
        let removed = Arc::unwrap_or_clone(apiserver::delete(&mut self.store, self.now, &ObjectKey { kind, namespace: ns.into(), name: name.into() }, grace)?);
        if kind == Kind::Node {
            self.kubelets.remove(name);
            self.wakeups.remove(&kubelet_wakeup(name));
        }
        Ok(removed)
    }

    /// Parses a manifest and applies every object in it, in file order.
    pub fn apply_manifest(&mut self, text: &str, file: &str) -> ApplyReport {
        let (objects, manifest_errors) = parse_manifest_with(text, file, self.settings.refuse_removed_api_versions);
        let mut report = ApplyReport { errors: manifest_errors.iter().map(ManifestError::to_string).collect(), ..Default::default() };
        for o in objects {
            report.warnings.extend(o.warnings.iter().cloned());
            // An edited object goes back as kubectl edit sends it: exactly as edited, its
            // last-applied configuration untouched; a manifest as kubectl apply sends it.
            let result = if !crate::kubectl::is_edit_file(file) {
                self.apply(o.with_applied_configuration())
            } else if self.store.get(&ObjectKey::of(&o.object)).is_none() {
                // kubectl edit patches the object it opened: one deleted meanwhile is not made again.
                Err(ApiError::not_found(o.object.kind(), o.object.name()))
            } else {
                self.replace(o.object)
            };
            match result {
                Ok((action, obj)) => report.applied.push(AppliedObject {
                    kind: obj.kind(),
                    namespace: obj.namespace().into(),
                    name: obj.name().into(),
                    action,
                }),
                Err(e) => report.errors.push(e.to_string()),
            }
        }
        report
    }

    /// Sets the number of workers, counting the worker nodes the cluster has now (one
    /// deleted with kubectl is gone, one applied from a manifest is there): adds `node-N`
    /// nodes with the lowest free numbers, or removes the highest-numbered `node-N` ones
    /// together with the pods bound to them.
    pub fn set_workers(&mut self, workers: u32) {
        let workers = workers.min(5000);
        let number = |name: &str| name.strip_prefix("node-").and_then(|n| n.parse::<u32>().ok());
        let present: Vec<String> = self
            .store
            .list(Kind::Node, None)
            .filter(|n| !n.meta().labels.contains_key("node-role.kubernetes.io/control-plane"))
            .map(|n| n.name().to_string())
            .collect();
        let count = present.len();
        if workers as usize > count {
            // The free numbers wanted are all at most `workers`: mark which of those are taken.
            let mut taken = vec![false; workers as usize + 1];
            for n in present.iter().filter_map(|n| number(n)) {
                if let Some(t) = taken.get_mut(n as usize) {
                    *t = true;
                }
            }
            let free: Vec<u32> = (1..=workers).filter(|i| !taken[*i as usize]).take(workers as usize - count).collect();
            for i in free {
                self.add_node(&format!("node-{i}"), false);
            }
        } else {
            let mut numbered: Vec<(u32, String)> = present.iter().filter_map(|n| Some((number(n)?, n.clone()))).collect();
            crate::sorting::sort_by(&mut numbered, |a, b| a.cmp(b));
            for (_, name) in numbered.into_iter().rev().take(count - workers as usize) {
                let bound: Vec<ObjectKey> = self.store.pods_on_node(&name).iter().map(|o| ObjectKey::of(o)).collect();
                for k in bound {
                    self.store.remove(&k, self.now);
                }
                let _ = self.delete(Kind::Node, None, &name);
            }
        }
        self.settings.workers = workers;
        self.settle();
    }

    fn wake(&mut self, component: &str, at: Option<Time>) {
        match at {
            Some(t) => self.wakeups.insert(component, t),
            None => self.wakeups.remove(component),
        };
    }

    /// Runs every component at the current instant until nothing changes.
    ///
    /// The components' entry points are `#[inline(never)]`, and `index.html` limits how
    /// large a function wasm-opt inlines into its one caller: inlined here, they made one
    /// function of 136 KB of wasm, which Chromium compiled in about 90 ms at start-up.
    fn settle(&mut self) {
        for pass in 0..=MAX_PASSES {
            if pass == MAX_PASSES {
                self.overruns += 1;
                break;
            }
            let before = self.store.resource_version();
            let now = self.now;
            // First, so admission sees a new quota's status before anything is created under it.
            if self.should_run("resourcequota-controller", |e| !matches!(e.object.kind(), Kind::Event | Kind::Lease | Kind::Node | Kind::Endpoints | Kind::EndpointSlice)) {
                controllers::resource_quota::reconcile(&mut self.store, now);
            }
            if self.should_run("namespace-controller", |e| e.object.kind() == Kind::Namespace || (e.type_ == EventType::Deleted && !e.object.namespace().is_empty())) {
                controllers::namespace::reconcile(&mut self.store, now);
            }
            if self.should_run("serviceaccount-controller", |e| matches!(e.object.kind(), Kind::Namespace | Kind::ServiceAccount | Kind::ConfigMap)) {
                controllers::serviceaccount::reconcile(&mut self.store, &mut self.rng, now);
            }
            // Like upstream's deletePod handler, pod deletions wake the controller (Recreate waits for them).
            let deployment_watch = |e: &WatchEvent| matches!(e.object.kind(), Kind::Deployment | Kind::ReplicaSet) || (e.object.kind() == Kind::Pod && e.type_ == EventType::Deleted);
            if self.should_run("deployment-controller", deployment_watch) {
                let at = controllers::deployment::reconcile(&mut self.store, &mut self.rng, now);
                self.wake("deployment-controller", at);
            }
            if self.should_run("replicaset-controller", |e| matches!(e.object.kind(), Kind::ReplicaSet | Kind::Pod)) {
                let at = controllers::replicaset::reconcile(&mut self.store, &mut self.rng, &mut self.replicaset_cache, now);
                self.wake("replicaset-controller", at);
            }
            let daemon_pod = |o: &Object| o.kind() == Kind::Pod && controllers::controller_of(o.meta()).is_some_and(|r| r.kind == "DaemonSet");
            if self.should_run("daemonset-controller", |e| matches!(e.object.kind(), Kind::DaemonSet | Kind::Node) || daemon_pod(&e.object)) {
                controllers::daemonset::reconcile(&mut self.store, &mut self.rng, now);
            }
            if self.should_run("job-controller", |e| matches!(e.object.kind(), Kind::Job | Kind::Pod)) {
                let at = controllers::job::reconcile(&mut self.store, &mut self.rng, now);
                self.wake("job-controller", at);
            }
            let gc_since = self.seen.get("garbage-collector").copied();
            // Pods matter to the endpoints controller only when some Service selects them.
            let selectors: Vec<(String, crate::api::StringMap)> = self
                .store
                .list(Kind::Service, None)
                .filter_map(Object::as_service)
                .filter(|s| !s.spec.selector.is_empty())
                .map(|s| (s.metadata.namespace.clone().unwrap_or_default(), s.spec.selector.clone()))
                .collect();
            let selected = |o: &Object| {
                o.as_pod().is_some_and(|p| selectors.iter().any(|(ns, sel)| p.metadata.namespace.as_deref() == Some(ns) && sel.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v))))
            };
            if self.should_run("endpoints-controller", |e| matches!(e.object.kind(), Kind::Service | Kind::Endpoints) || selected(&e.object)) {
                controllers::endpoints::reconcile(&mut self.store, &mut self.rng, now);
            }
            if self.should_run("endpointslice-controller", |e| matches!(e.object.kind(), Kind::Service | Kind::EndpointSlice) || selected(&e.object)) {
                controllers::endpointslice::reconcile(&mut self.store, &mut self.rng, now);
            }
            if self.should_run("garbage-collector", |e| e.type_ == EventType::Deleted || matches!(e.object.kind(), Kind::Pod | Kind::ReplicaSet)) {
                controllers::garbage_collector::reconcile(&mut self.store, now, gc_since, &mut self.live_owners);
            }
            let lifecycle_seen = self.seen.get("node-lifecycle-controller").copied();
            let lifecycle_due = self.wakeups.get("node-lifecycle-controller").is_some_and(|t| t <= now);
            if self.should_run("node-lifecycle-controller", |e| matches!(e.object.kind(), Kind::Node | Kind::Lease | Kind::Pod)) {
                // The node monitor's answer holds until a node or lease changes or its time
                // comes: when only pods changed, the taint manager runs alone.
                let nodes_changed = |e: &WatchEvent| matches!(e.object.kind(), Kind::Node | Kind::Lease);
                let monitor_holds = !lifecycle_due && lifecycle_seen.and_then(|seen| self.store.events_since(seen)).is_some_and(|mut events| !events.any(nodes_changed));
                let monitor_at = match self.node_monitor_wake {
                    Some(at) if monitor_holds => at,
                    _ => controllers::node_lifecycle::monitor(&mut self.store, now),
                };
                self.node_monitor_wake = Some(monitor_at);
                let at = crate::clock::earliest(monitor_at, controllers::node_lifecycle::evict(&mut self.store, now));
                self.wake("node-lifecycle-controller", at);
            }
            let apiserver_own = |o: &Object| o.name() == "kubernetes" && o.namespace() == "default" && matches!(o.kind(), Kind::Service | Kind::Endpoints | Kind::EndpointSlice);
            if self.should_run("kubernetes-service", |e| e.type_ == EventType::Deleted && apiserver_own(&e.object)) {
                let at = controllers::kubernetes_service::reconcile(&mut self.store, &mut self.rng, now, self.wakeups.get("kubernetes-service"));
                self.wake("kubernetes-service", at);
            }
            if self.should_run("event-ttl", |_| false) {
                let at = events::expire(&mut self.store, now);
                self.wake("event-ttl", at);
            }
            if self.should_run("load-generator", |_| false) {
                let at = self.traffic.tick(&self.store, &mut self.traffic_rng, &mut self.affinity, now, &mut self.series);
                self.wake("load-generator", at);
            }
            if self.should_run("horizontal-pod-autoscaler", |e| e.object.kind() == Kind::HorizontalPodAutoscaler) {
                let at = controllers::hpa::reconcile(&mut self.store, &self.metrics, &mut self.hpa, now);
                self.wake("horizontal-pod-autoscaler", at);
            }
            if self.should_run("scheduler", |e| matches!(e.object.kind(), Kind::Pod | Kind::Node)) {
                self.scheduler.reconcile(&mut self.store, now);
                self.follow_watch();
            }
            self.run_kubelets(now);
            if self.store.resource_version() == before {
                break;
            }
        }
    }

    /// Runs the kubelets whose pods or node changed since they last ran, or whose wake-up is
    /// due. The changes are read once for all of them, and the pods grouped by node once.
    fn run_kubelets(&mut self, now: Time) {
        let rv = self.store.resource_version();
        let since = self.seen.get("kubelets").copied();
        self.seen.insert("kubelets".into(), rv);
        // What changed: a pod written, as the log last has it, or its node's pods all to be
        // looked at (the node itself changed, or one of its pods went).
        let mut changes: Vec<Touch> = Vec::new();
        let mut everything = since.is_none();
        if let Some(since) = since.filter(|s| *s != rv) {
            match self.store.events_since(since) {
                Some(events) => {
                    for e in events {
                        match &*e.object {
                            Object::Pod(p) if p.spec.node_name.is_some() => changes.push(Touch { object: e.object.clone(), all: e.type_ == EventType::Deleted }),
                            Object::Node(_) => changes.push(Touch { object: e.object.clone(), all: true }),
                            _ => {}
                        }
                    }
                }
                None => everything = true,
            }
        }
        let mut touched = changes_by_node(changes);
        // The kubelets to run, by name, each once (sorted once: no B-tree for a list read once).
        let mut due: Vec<String> = if everything { self.kubelets.keys().cloned().collect() } else { touched.keys().cloned().collect() };
        due.extend(self.wakeups.due_with_prefix(KUBELET_WAKEUP, now).map(|k| k[KUBELET_WAKEUP.len()..].to_string()));
        crate::sorting::sort_by(&mut due, String::cmp);
        due.dedup();
        for name in due {
            let Some(kubelet) = self.kubelets.get_mut(&name) else { continue };
            #[cfg(test)]
            let everything = {
                kubelet.check_every_pod = self.kubelets_see_all;
                everything || self.kubelets_see_all
            };
            let changed: Option<Vec<Arc<Object>>> = match touched.get_mut(name.as_str()) {
                _ if everything => None,
                Some(Some(pods)) => Some(std::mem::take(pods)),
                Some(None) => None,
                None => Some(Vec::new()),
            };
            // Debug builds check that the log's last word on each changed pod is the store's.
            #[cfg(debug_assertions)]
            for pod in changed.iter().flatten() {
                assert!(self.store.get_shared(&**pod).is_some_and(|now| Arc::ptr_eq(&now, pod)), "{} on {name} is not the store's version", pod.name());
            }
            let all = if changed.is_none() { self.store.pods_on_node(&name) } else { Vec::new() };
            let pods = match &changed {
                // A kubelet woken only by its clock, whose pods all wait, just renews its Lease.
                Some(c) if c.is_empty() => NodePods::Unchanged,
                Some(c) => NodePods::Changed(c),
                None => NodePods::All(&all),
            };
            let at = kubelet.reconcile_pods(&mut self.store, now, pods);
            self.wake(&kubelet_wakeup(&name), at);
            self.follow_watch();
        }
    }

    /// Brings the informer caches (the ReplicaSet controller's, the metrics-server's) up to
    /// the store's version. Called after each kubelet and the scheduler, so a burst of
    /// writes between two runs of their components does not outrun the watch log and force
    /// a list of every pod; what they hold does not depend on when they follow.
    fn follow_watch(&mut self) {
        self.replicaset_cache.refresh(&self.store);
        self.metrics_watch.refresh(&self.store);
    }

    /// Whether a component must run now: its wake-up is due, or the store changed in a
    /// way it cares about since it last ran (a watch, in Kubernetes terms). Marks it as run.
    fn should_run(&mut self, component: &str, relevant: impl Fn(&WatchEvent) -> bool) -> bool {
        let rv = self.store.resource_version();
        let seen = self.seen.insert(component.to_string(), rv);
        let due = self.wakeups.get(component).is_some_and(|t| t <= self.now);
        let changed = match seen {
            None => true,
            Some(seen) if seen == rv => false,
            Some(seen) => self.store.events_since(seen).is_none_or(|mut events| events.any(&relevant)),
        };
        due || changed
    }

    fn sample(&mut self, at: Time) {
        let (mut running, mut pending) = (0usize, 0usize);
        for p in self.store.list(Kind::Pod, None).filter_map(Object::as_pod) {
            match p.phase() {
                "Running" => running += 1,
                "Pending" => pending += 1,
                _ => {}
            }
        }
        let ready_nodes = self.store.list(Kind::Node, None).filter_map(Object::as_node).filter(|n| n.is_ready()).count();
        self.series.record("pods.running", at, running as f64);
        self.series.record("pods.pending", at, pending as f64);
        self.series.record("nodes.ready", at, ready_nodes as f64);
        self.series.sample_autoscalers(&self.store, at);
    }

    /// Stops a node's kubelet, as when the machine fails. Returns false for an unknown node.
    pub fn fail_node(&mut self, name: &str) -> bool {
        let Some(k) = self.kubelets.get_mut(name) else { return false };
        k.stop(self.now);
        self.wakeups.remove(&kubelet_wakeup(name));
        self.settle();
        true
    }

    /// The recent runs of a pod's probes, from the kubelet of its node (empty before it
    /// is placed or when it has no probes).
    pub fn probe_history(&self, pod: &crate::api::Pod) -> Vec<crate::kubelet::ProbeHistory> {
        pod.spec.node_name.as_deref().and_then(|n| self.kubelets.get(n)).map(|k| k.probe_history(pod)).unwrap_or_default()
    }

    /// Gives a node new CPU and memory, as when its machine is resized and its kubelet
    /// restarts: capacity and allocatable change, the pods on it stay, and the scheduler
    /// sees the room at once (pending pods that now fit are placed). An error names an
    /// unknown node or a size that is not a quantity.
    pub fn resize_node(&mut self, name: &str, cpu: &str, memory: &str) -> Result<(), String> {
        let parse = |what: &str, v: &str| match Quantity::parse(v) {
            Ok(q) if q.milli_value() > 0 => Ok(q),
            _ => Err(format!("error: invalid {what} {v:?}: give a positive quantity such as 4 or 8Gi")),
        };
        let (cpu, memory) = (parse("cpu", cpu)?, parse("memory", memory)?);
        let key = ObjectKey { kind: Kind::Node, namespace: String::new(), name: name.into() };
        if self.store.get(&key).is_none() {
            return Err(format!("Error from server (NotFound): nodes {name:?} not found"));
        }
        crate::apiserver::update_if_changed(&mut self.store, self.now, &key, |o| {
            if let Object::Node(n) = o {
                for list in [&mut n.status.capacity, &mut n.status.allocatable] {
                    list.insert("cpu".into(), cpu.clone());
                    list.insert("memory".into(), memory.clone());
                }
            }
        });
        self.settle();
        Ok(())
    }

    /// Makes a pod's application fail its readiness probe (`broken`) or pass it again, as
    /// when an app reports it cannot serve: after `failureThreshold` probes the pod is not
    /// ready and leaves its Services' endpoints. A pod without a readiness probe has
    /// nothing to fail, which the error says.
    pub fn set_readiness_broken(&mut self, namespace: &str, name: &str, broken: bool) -> Result<(), String> {
        let key = ObjectKey { kind: Kind::Pod, namespace: namespace.into(), name: name.into() };
        let pod = self.store.get(&key).and_then(Object::as_pod).ok_or_else(|| format!("Error from server (NotFound): pods {name:?} not found"))?;
        if pod.spec.containers.iter().all(|c| c.readiness_probe.is_none()) {
            return Err(format!("error: pod {name} has no readiness probe, so Kubernetes counts it ready while its containers run; give it a readinessProbe to see a failing one take it out of its Services"));
        }
        let (uid, node) = (pod.metadata.uid.as_deref().unwrap_or_default().to_string(), pod.spec.node_name.clone().unwrap_or_default());
        let kubelet = self.kubelets.get_mut(&node).ok_or_else(|| format!("error: pod {name} is not running on a node yet"))?;
        kubelet.set_readiness_broken(&uid, broken);
        self.settle();
        Ok(())
    }

    /// Starts a failed node's kubelet again. Returns false for an unknown node.
    pub fn recover_node(&mut self, name: &str) -> bool {
        let Some(k) = self.kubelets.get_mut(name) else { return false };
        k.restart();
        self.wakeups.insert(&kubelet_wakeup(name), self.now);
        self.settle();
        true
    }

    /// How many instants failed to settle (components kept changing the store); 0 in a
    /// healthy simulation, checked by the scenario tests.
    pub fn overruns(&self) -> u64 {
        self.overruns
    }

    /// The next instant at which some component asked to run.
    pub fn next_wakeup(&self) -> Option<Time> {
        self.wakeups.next_after(self.now)
    }

    /// Moves virtual time to `target`, running every due reconcile in timestamp order.
    pub fn advance_to(&mut self, target: Time) {
        self.settle();
        while self.now < target {
            let mut next = target.min(self.next_wakeup().unwrap_or(target));
            if self.next_sample <= next && self.next_sample > self.now {
                next = self.next_sample;
            }
            let scrape = crate::metrics_server::MetricsServer::next_scrape(self.now);
            next = next.min(scrape);
            self.now = next;
            self.settle();
            if self.now >= self.next_sample {
                self.sample(self.now);
                self.next_sample = self.now + SAMPLE_EVERY;
            }
            if self.now == scrape {
                self.metrics.scrape(&mut self.metrics_watch, &self.store, &self.traffic, self.now);
            }
        }
    }

    /// Moves virtual time forward by `by`.
    pub fn advance(&mut self, by: Duration) {
        self.advance_to(self.now + Duration(by.0.max(0)));
    }

    /// Jumps to the next moment something happens, but not past `limit` (blocking commands
    /// wait this way, one event at a time).
    pub fn step_toward(&mut self, limit: Time) -> Time {
        let target = self.next_wakeup().map_or(limit, |t| t.min(limit));
        self.advance_to(target);
        self.now
    }

    /// Jumps to the next moment something happens (or by `max_idle` if nothing is due).
    pub fn step(&mut self, max_idle: Duration) -> Time {
        let target = self.next_wakeup().unwrap_or(self.now + max_idle);
        self.advance_to(target);
        self.now
    }

    /// The whole cluster as JSON text: store, clock, random state and component state.
    /// (Through `serde_json::Value`, the same path every other serialization takes.)
    pub fn snapshot(&self) -> String {
        serde_json::to_value(self).map(|v| v.to_string()).unwrap_or_default()
    }

    /// Rebuilds a cluster from [`Cluster::snapshot`] output.
    pub fn restore(snapshot: &str) -> Result<Cluster, String> {
        let value: serde_json::Value = serde_json::from_str(snapshot).map_err(|e| format!("cannot restore the cluster: {e}"))?;
        crate::decode::decode(&value).map(|(c, _)| c).map_err(|e| format!("cannot restore the cluster: {e}"))
    }
}

/// The start of every kubelet's name among the wake-ups (`kubelet/node-1`).
const KUBELET_WAKEUP: &str = "kubelet/";

/// A node's kubelet's name among the wake-ups.
fn kubelet_wakeup(node: &str) -> String {
    crate::text::concat(&[KUBELET_WAKEUP, node])
}

/// One change a kubelet hears of: a pod written (as the log has it), or, with `all`, a node
/// changed or one of its pods gone, so that its kubelet looks at every pod of it.
struct Touch {
    object: Arc<Object>,
    all: bool,
}

impl Touch {
    /// The node the change is about (a pod's: bound pods never move).
    fn node(&self) -> &str {
        match &*self.object {
            Object::Pod(p) => p.spec.node_name.as_deref().unwrap_or(""),
            other => other.name(),
        }
    }
}

/// Per touched node, its changed pods in the store's order, each once and as it is now, or
/// `None` when its kubelet must look at all of them. A pod's last write in the log is the
/// store's version: nothing but its own kubelet writes a bound pod while the kubelets run,
/// and a deletion sends its node to `None`. Sorted once rather than kept in B-trees: what a
/// node gets does not depend on the changes' order.
fn changes_by_node(mut changes: Vec<Touch>) -> crate::small_map::SmallMap<String, Option<Vec<Arc<Object>>>> {
    // A stable sort by node, the "all" ones first, then by name: a pod's writes stay in the
    // log's order, so the last of a run is its current version.
    crate::sorting::sort_by(&mut changes, |a, b| (a.node(), !a.all, a.object.namespace(), a.object.name()).cmp(&(b.node(), !b.all, b.object.namespace(), b.object.name())));
    let mut grouped: Vec<(String, Option<Vec<Arc<Object>>>)> = Vec::new();
    for change in changes {
        match grouped.last_mut() {
            Some((last, pods)) if last.as_str() == change.node() => {
                if let Some(pods) = pods.as_mut() {
                    match pods.last_mut() {
                        Some(held) if held.namespace() == change.object.namespace() && held.name() == change.object.name() => *held = change.object,
                        _ => pods.push(change.object),
                    }
                }
            }
            _ => {
                let node = change.node().to_string();
                grouped.push((node, (!change.all).then(|| vec![change.object])));
            }
        }
    }
    crate::small_map::SmallMap::from_sorted(grouped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubelets_told_only_the_changed_pods_make_the_same_history_as_when_given_all() {
        let run = |see_all: bool| {
            let mut c = Cluster::new(ClusterSettings { seed: 7, ..Default::default() });
            c.kubelets_see_all = see_all;
            let web = |image: &str, replicas: u32| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - name: web\n        image: {image}\n        readinessProbe: {{httpGet: {{path: /, port: 80}}, periodSeconds: 5}}\n");
            let mut history = Vec::new();
            c.apply_manifest(&web("nginx:1.25", 8), "web.yaml");
            c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata: {name: crash}\nspec: {containers: [{name: c, image: kubeplay/crashloop}]}\n", "crash.yaml");
            for step in 0..30 {
                match step {
                    4 => {
                        c.apply_manifest(&web("nginx:1.26", 8), "web.yaml");
                    }
                    8 => {
                        let pod = c.store().list(Kind::Pod, Some("default")).find(|o| o.name().starts_with("web-")).map(|o| o.name().to_string()).unwrap_or_default();
                        c.set_readiness_broken("default", &pod, true).expect("a web pod");
                    }
                    12 => {
                        assert!(c.fail_node("node-2"));
                    }
                    _ => {}
                };
                let since = c.store().resource_version();
                c.advance(Duration::seconds(17));
                history.extend(c.store().events_since(since).into_iter().flatten().map(|e| serde_json::to_string(&e.object).unwrap_or_default()));
            }
            (history, c.snapshot())
        };
        let (told, given_all) = (run(false), run(true));
        assert!(told.0.len() > 300, "the scenario did things: {} changes", told.0.len());
        assert_eq!(told.0.len(), given_all.0.len());
        if let Some(i) = told.0.iter().zip(&given_all.0).position(|(a, b)| a != b) {
            panic!("change {i} differs:\n{}\n{}", told.0[i], given_all.0[i]);
        }
        assert!(told.1 == given_all.1, "the final snapshots differ");
    }

    fn pods(c: &Cluster) -> Vec<(String, String, Option<String>)> {
        c.store()
            .list(Kind::Pod, None)
            .filter_map(Object::as_pod)
            .map(|p| (p.metadata.name.clone(), p.phase().to_string(), p.spec.node_name.clone()))
            .collect()
    }

    #[test]
    fn default_cluster_is_up_at_start() {
        let c = Cluster::new(ClusterSettings::default());
        assert_eq!(c.now(), ClusterSettings::default().start);
        let nodes: Vec<String> = c.store().list(Kind::Node, None).map(|n| n.name().to_string()).collect();
        assert_eq!(nodes, vec!["control-plane", "node-1", "node-2", "node-3"]);
        let ps = pods(&c);
        assert_eq!(ps.len(), 4 + 2 + 4, "{ps:?}");
        assert!(ps.iter().all(|(_, phase, _)| phase == "Running"), "{ps:?}");
        for (name, _, node) in &ps {
            if name.starts_with("coredns-") {
                assert_ne!(node.as_deref(), Some("control-plane"), "coredns does not tolerate the control-plane taint's absence of an Exists toleration... it lands on workers");
            }
        }
        let ns: Vec<String> = c.store().list(Kind::Namespace, None).map(|n| n.name().to_string()).collect();
        assert_eq!(ns, vec!["default", "kube-node-lease", "kube-public", "kube-system"]);
    }

    #[test]
    fn a_pod_goes_pending_then_running_after_its_pull() {
        let mut c = Cluster::new(ClusterSettings::default());
        let report = c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n", "pod.yaml");
        assert_eq!(report.applied.iter().map(AppliedObject::line).collect::<Vec<_>>(), vec!["pod/web created"]);
        let get = |c: &Cluster| c.store().get(&ObjectKey { kind: Kind::Pod, namespace: "default".into(), name: "web".into() }).and_then(Object::as_pod).cloned().unwrap();
        let p = get(&c);
        assert!(p.spec.node_name.as_deref().is_some_and(|n| n.starts_with("node-")), "scheduled at once onto a worker");
        assert_eq!(p.status.container_statuses[0].state.waiting.as_ref().unwrap().reason.as_deref(), Some("ContainerCreating"));
        c.advance(Duration::seconds(1));
        assert_eq!(get(&c).phase(), "Pending", "nginx takes 3.5 s to pull and start");
        c.advance(Duration::seconds(5));
        let p = get(&c);
        assert_eq!(p.phase(), "Running");
        assert!(p.is_ready());
        assert!(p.status.pod_ip.as_deref().unwrap().starts_with("10.244."));
    }

    #[test]
    fn an_impossible_image_fails_to_pull_and_backs_off() {
        let mut c = Cluster::new(ClusterSettings::default());
        c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  containers:\n  - name: c\n    image: nginx:doesnotexist\n", "p.yaml");
        let reason = |c: &Cluster| {
            let key = ObjectKey { kind: Kind::Pod, namespace: "default".into(), name: "bad".into() };
            c.store().get(&key).and_then(Object::as_pod).and_then(|p| p.status.container_statuses[0].state.waiting.clone()).and_then(|w| w.reason).unwrap_or_default()
        };
        c.advance(Duration::seconds(2));
        assert_eq!(reason(&c), "ErrImagePull");
        c.advance(Duration::seconds(3));
        assert_eq!(reason(&c), "ImagePullBackOff");
    }

    #[test]
    fn same_seed_same_history_and_snapshots_round_trip() {
        let run = || {
            let mut c = Cluster::new(ClusterSettings { seed: 42, ..Default::default() });
            for i in 0..5 {
                c.apply_manifest(&format!("apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: w-\n  labels: {{n: \"{i}\"}}\nspec:\n  containers:\n  - name: c\n    image: redis\n"), "p.yaml");
                c.advance(Duration::seconds(2));
            }
            c
        };
        let (a, b) = (run(), run());
        assert_eq!(a.snapshot(), b.snapshot());
        let mut restored = Cluster::restore(&a.snapshot()).unwrap();
        let mut original = a.clone();
        restored.advance(Duration::seconds(60));
        original.advance(Duration::seconds(60));
        assert_eq!(restored.snapshot(), original.snapshot());
        assert!(Cluster::restore("{not json").is_err());
    }

    #[test]
    fn changing_the_worker_count_adds_and_removes_nodes() {
        let mut c = Cluster::new(ClusterSettings::default());
        c.set_workers(5);
        assert_eq!(c.store().list(Kind::Node, None).count(), 6);
        c.advance(Duration::seconds(10));
        assert!(pods(&c).iter().any(|(_, _, n)| n.as_deref() == Some("node-5")), "the new node runs kube-proxy");
        c.set_workers(1);
        let names: Vec<String> = c.store().list(Kind::Node, None).map(|n| n.name().to_string()).collect();
        assert_eq!(names, vec!["control-plane", "node-1"]);
        assert!(pods(&c).iter().all(|(_, _, n)| matches!(n.as_deref(), Some("control-plane") | Some("node-1") | None)));
    }

    #[test]
    fn the_worker_count_counts_the_nodes_there_are() {
        let mut c = Cluster::new(ClusterSettings::default());
        let workers = |c: &Cluster| c.store().list(Kind::Node, None).map(|n| n.name().to_string()).filter(|n| n != "control-plane").collect::<Vec<_>>();
        // A worker deleted with kubectl: one more worker is the missing one again.
        c.delete(Kind::Node, None, "node-2").unwrap();
        assert_eq!(workers(&c), ["node-1", "node-3"]);
        c.set_workers(3);
        assert_eq!(workers(&c), ["node-1", "node-2", "node-3"]);
        c.delete(Kind::Node, None, "node-3").unwrap();
        c.set_workers(4);
        assert_eq!(workers(&c), ["node-1", "node-2", "node-3", "node-4"], "as many as asked for");
        c.set_workers(1);
        assert_eq!(workers(&c), ["node-1"]);
    }

    #[test]
    fn unschedulable_pod_says_why() {
        let mut c = Cluster::new(ClusterSettings::default());
        c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: \"3\"\n", "p.yaml");
        let key = ObjectKey { kind: Kind::Pod, namespace: "default".into(), name: "big".into() };
        let p = c.store().get(&key).and_then(Object::as_pod).unwrap();
        assert!(p.spec.node_name.is_none());
        let cond = crate::api::condition(&p.status.conditions, "PodScheduled").unwrap();
        assert_eq!(cond.message.as_deref(), Some("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu."));
    }

    #[test]
    fn series_are_sampled_on_virtual_time() {
        let mut c = Cluster::new(ClusterSettings::default());
        c.advance(Duration::seconds(60));
        let s = c.series("pods.running");
        assert_eq!(s.points.len(), 13, "samples at start, +5s, ... +60s");
        assert!(s.points.iter().all(|(_, v)| *v == 10.0));
        assert_eq!(c.series("nodes.ready").points.last().map(|p| p.1), Some(4.0));
    }
}
