//! The kubelet, one per node: pulls images, starts containers, runs their
//! processes as the image catalog describes them, probes them, restarts them
//! with back-off, stops them on deletion, and reports pod status and events.
//! Its private state (images on the node, each container's progress) travels
//! with snapshots.

use crate::text;
use crate::api::{
    set_condition, Condition, Container, ContainerState, ContainerStatus, IntOrString, Kind, Object, Pod, Probe, StateRunning, StateTerminated,
    StateWaiting,
};
use crate::apiserver;
use crate::clock::{Duration, Time};
use crate::events::{self, Source};
use crate::images::{self, Process};
use crate::store::{ObjectKey, Store};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Crash-loop and image-pull back-off: 10 s, doubling, capped at 300 s (kubelet.go).
const BACKOFF_INITIAL: Duration = Duration::seconds(10);
const BACKOFF_CAP: Duration = Duration::seconds(300);
/// A back-off entry older than twice the cap is forgotten.
const BACKOFF_EXPIRY: Duration = Duration::seconds(600);
/// How long `ErrImagePull` shows before the next sync reports `ImagePullBackOff`.
const PULL_ERROR_SHOWN: Duration = Duration::seconds(2);
/// Time the runtime takes to create and start a container.
const CREATE: Duration = Duration::millis(500);
/// The kubelet renews its node Lease this often (0.25 x the 40 s lease duration).
pub const LEASE_RENEW: Duration = Duration::seconds(10);

/// Where one container is in its life.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Phase {
    /// Pulling its image; done (or failed) at `until`.
    Pulling { until: Time, fails: bool },
    /// The last pull failed at `since`; pulls again at `until`.
    PullBackOff { since: Time, until: Time },
    /// Being created; runs at `until`.
    Creating { until: Time },
    /// Running since `since`; its process exits at `exit` with a code, if ever.
    Running { since: Time, exit: Option<(Time, i32)> },
    /// Exited at `at` with `code`; restarts at `restart_at`, if it will.
    Exited { at: Time, code: i32, restart_at: Option<Time> },
    /// Cannot be created: a referenced ConfigMap or Secret (or key) is missing; retries at `retry`.
    ConfigError { message: String, retry: Time },
}

/// The first missing ConfigMap/Secret reference of a container, as the kubelet words it.
fn missing_reference(store: &Store, namespace: &str, c: &Container) -> Option<String> {
    let get = |kind: Kind, name: &str| store.get(&ObjectKey { kind, namespace: namespace.into(), name: name.into() });
    let has_key = |o: &Object, key: &str| match o {
        Object::ConfigMap(cm) => cm.data.contains_key(key) || cm.binary_data.contains_key(key),
        Object::Secret(s) => s.data.contains_key(key),
        _ => false,
    };
    for e in &c.env {
        let Some(src) = &e.value_from else { continue };
        for (kind, word, title, sel) in [(Kind::ConfigMap, "configmap", "ConfigMap", &src.config_map_key_ref), (Kind::Secret, "secret", "Secret", &src.secret_key_ref)] {
            let Some(sel) = sel else { continue };
            if sel.optional == Some(true) {
                continue;
            }
            match get(kind, &sel.name) {
                None => return Some(format!("{word} {:?} not found", sel.name)),
                Some(o) if !has_key(o, &sel.key) => return Some(format!("couldn't find key {} in {title} {namespace}/{}", sel.key, sel.name)),
                Some(_) => {}
            }
        }
    }
    for e in &c.env_from {
        for (kind, word, r) in [(Kind::ConfigMap, "configmap", &e.config_map_ref), (Kind::Secret, "secret", &e.secret_ref)] {
            if let Some(r) = r.as_ref().filter(|r| r.optional != Some(true)) {
                if get(kind, &r.name).is_none() {
                    return Some(format!("{word} {:?} not found", r.name));
                }
            }
        }
    }
    None
}

/// How many runs of each probe the kubelet remembers for the inspector.
const PROBE_HISTORY: usize = 12;

/// One run of a probe: when, whether it passed, and what a failure said.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeRun {
    /// When the probe ran.
    pub at: Time,
    /// Whether it passed.
    pub ok: bool,
    /// A failure's output (`HTTP probe failed with statuscode: 503` ...); empty on success.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub output: String,
}

/// The recent runs of one probe of one container, for the inspector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeHistory {
    /// The container's name.
    pub container: String,
    /// `Startup`, `Liveness` or `Readiness`.
    pub probe: String,
    /// The probe as the container's spec sets it.
    pub spec: Probe,
    /// Whether the kubelet counts it passing (its threshold reached), failing, or neither yet.
    pub passing: Option<bool>,
    /// Passes in a row so far.
    pub successes: i32,
    /// Failures in a row so far.
    pub failures: i32,
    /// The last runs, oldest first.
    pub runs: Vec<ProbeRun>,
}

/// One probe's worker.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct ProbeWorker {
    next: Option<Time>,
    successes: i32,
    failures: i32,
    passing: Option<bool>,
    /// The last runs, oldest first (at most [`PROBE_HISTORY`]).
    #[serde(default, skip_serializing_if = "std::collections::VecDeque::is_empty")]
    history: std::collections::VecDeque<ProbeRun>,
}

/// What the kubelet knows about one container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Work {
    phase: Phase,
    restarts: i32,
    last: Option<StateTerminated>,
    crash_backoff: Option<(Duration, Time)>,
    pull_backoff: Option<Duration>,
    startup: ProbeWorker,
    liveness: ProbeWorker,
    readiness: ProbeWorker,
}

impl Work {
    /// The instants at which this container has something to do or to show.
    fn due_times(&self, times: &mut Vec<Time>) {
        match &self.phase {
            Phase::Pulling { until, .. } | Phase::Creating { until } => times.push(*until),
            Phase::PullBackOff { since, until } => times.extend([*since + PULL_ERROR_SHOWN, *until]),
            Phase::Running { exit, .. } => {
                times.extend(exit.map(|e| e.0));
                times.extend([self.startup.next, self.liveness.next, self.readiness.next].into_iter().flatten());
            }
            Phase::Exited { restart_at, .. } => times.extend(*restart_at),
            Phase::ConfigError { retry, .. } => times.push(*retry),
        }
    }
}

/// The kubelet of one node.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Kubelet {
    /// The node this kubelet runs on.
    pub node: String,
    images: BTreeSet<String>,
    pods: BTreeMap<String, Vec<Work>>,
    stopping: BTreeMap<String, (Time, bool)>,
    last_ip: u8,
    /// When the kubelet stopped (the node failed); `None` while it runs.
    #[serde(default)]
    stopped_at: Option<Time>,
    /// When the node Lease is renewed next.
    #[serde(default)]
    next_renew: Option<Time>,
    /// Per pod uid: the resourceVersion the last sync left it at, and when it next has
    /// something due. A pod with neither a new version nor a due time is not synced
    /// (rebuilt after a restore: every pod syncs once, which changes nothing). A hash map:
    /// it is looked up by uid, never walked in an order that matters.
    #[serde(skip)]
    synced: rustc_hash::FxHashMap<String, (Option<String>, Option<Time>)>,
    /// The next instant any pod here has something due, as the last pass over all of this
    /// node's pods left it; `None` before the first pass (and after a restart or restore),
    /// when the next run must look at every pod.
    #[serde(skip)]
    pods_due: Option<Option<Time>>,
    /// The store's resourceVersion when the last pass over all of this node's pods ended:
    /// while nothing is due, a pod not written since then is known to be synced.
    #[serde(skip)]
    passed_at: Option<u64>,
    /// Tests: look up every pod in every pass (the check the shortcuts must agree with).
    #[cfg(test)]
    #[serde(skip)]
    pub(crate) check_every_pod: bool,
    /// Pods (by uid) whose application answers its readiness probe with an error (the
    /// `fault fail-readiness` teaching knob), until recovered.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    broken_readiness: BTreeSet<String>,
}

/// Which of its node's pods a kubelet run is given.
pub enum NodePods<'a> {
    /// None of them changed since the last run.
    Unchanged,
    /// The ones that changed since the last run, as they are now, in the store's order (none
    /// deleted); the others are as the last run left them.
    Changed(&'a [Arc<Object>]),
    /// All of them, in the store's order.
    All(&'a [Arc<Object>]),
}

/// A container's field path in its pod's events (`spec.containers{nginx}`).
fn container_field(name: &str) -> String {
    text::concat(&["spec.containers{", name, "}"])
}

/// The next back-off after `previous`: 10 s at first, then doubled up to the cap.
fn next_backoff(previous: Option<Duration>) -> Duration {
    previous.map_or(BACKOFF_INITIAL, |d| Duration((d.0 * 2).min(BACKOFF_CAP.0)))
}

/// A crash back-off entry still in force for an exit at `at` (older ones are forgotten).
fn live_entry(entry: Option<(Duration, Time)>, at: Time) -> Option<(Duration, Time)> {
    entry.filter(|(_, updated)| at - *updated <= BACKOFF_EXPIRY)
}

fn kill_code(killed: bool) -> i32 {
    if killed { 137 } else { 0 }
}

fn terminated(started: Option<Time>, at: Time, code: i32) -> StateTerminated {
    StateTerminated {
        exit_code: code,
        reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
        started_at: started,
        finished_at: Some(at),
        signal: None,
    }
}

/// Resolves a probe's port: a number, or the name of a container port.
fn probe_port(c: &Container, port: &IntOrString) -> Option<i32> {
    match port {
        IntOrString::Int(n) => Some(*n),
        IntOrString::String(name) => c.ports.iter().find(|p| p.name.as_deref() == Some(name)).map(|p| p.container_port),
    }
}

/// Runs a probe against a container's process as the catalog describes it.
fn probe_result(probe: &Probe, c: &Container, process: &Process, since: Time, now: Time, pod_ip: &str) -> Result<(), String> {
    let listening = process.listens_after.is_some_and(|d| now >= since + d);
    let serves = |port: i32| listening && (process.ports.contains(&port) || (process.ports.is_empty() && c.ports.iter().any(|p| p.container_port == port)));
    if let Some(http) = &probe.http_get {
        let port = probe_port(c, &http.port).ok_or_else(|| format!("port {:?} is not a container port", http.port))?;
        let path = http.path.clone().unwrap_or_else(|| "/".into());
        return if serves(port) { Ok(()) } else { Err(format!("Get \"http://{pod_ip}:{port}{path}\": dial tcp {pod_ip}:{port}: connect: connection refused")) };
    }
    if let Some(tcp) = &probe.tcp_socket {
        let port = probe_port(c, &tcp.port).ok_or_else(|| format!("port {:?} is not a container port", tcp.port))?;
        return if serves(port) { Ok(()) } else { Err(format!("dial tcp {pod_ip}:{port}: connect: connection refused")) };
    }
    if let Some(exec) = &probe.exec {
        let fails = exec.command.first().is_some_and(|c| c == "false") || exec.command.iter().any(|w| w.contains("exit 1"));
        return if fails { Err(String::new()) } else { Ok(()) };
    }
    Ok(())
}

impl Kubelet {
    /// A kubelet for `node` whose images are already present (the node's system pods).
    pub fn new(node: &str, preloaded: &[&str]) -> Self {
        Kubelet { node: node.into(), images: crate::sorting::set_of(preloaded.iter().map(|s| s.to_string())), ..Default::default() }
    }

    fn next_pod_ip(&mut self, cidr: Option<&str>) -> Option<String> {
        let base = cidr?.split('/').next()?;
        let octets: Vec<&str> = base.split('.').collect();
        if octets.len() != 4 {
            return None;
        }
        self.last_ip = if self.last_ip >= 254 { 2 } else { self.last_ip.max(1) + 1 };
        Some(format!("{}.{}.{}.{}", octets[0], octets[1], octets[2], self.last_ip))
    }

    /// Stops the kubelet, as when its machine fails: no heartbeats, no pod syncs.
    pub fn stop(&mut self, now: Time) {
        self.stopped_at.get_or_insert(now);
    }

    /// Starts a stopped kubelet again, as after a reboot: containers start afresh.
    pub fn restart(&mut self) {
        if self.stopped_at.take().is_some() {
            self.pods.clear();
            self.stopping.clear();
            self.synced.clear();
            self.pods_due = None;
            self.passed_at = None;
            self.next_renew = None;
        }
    }

    /// The recent runs of every probe of a pod's containers, in container and probe order.
    pub fn probe_history(&self, pod: &Pod) -> Vec<ProbeHistory> {
        let Some(works) = pod.metadata.uid.as_deref().and_then(|uid| self.pods.get(uid)) else { return Vec::new() };
        let mut out = Vec::new();
        for (c, w) in pod.spec.containers.iter().zip(works) {
            for (probe, spec, worker) in [("Startup", &c.startup_probe, &w.startup), ("Liveness", &c.liveness_probe, &w.liveness), ("Readiness", &c.readiness_probe, &w.readiness)] {
                if let Some(spec) = spec {
                    let runs = worker.history.iter().cloned().collect();
                    out.push(ProbeHistory { container: c.name.clone(), probe: probe.into(), spec: spec.clone(), passing: worker.passing, successes: worker.successes, failures: worker.failures, runs });
                }
            }
        }
        out
    }

    /// Makes the application in a pod (by uid) fail its readiness probe, or pass it again.
    pub fn set_readiness_broken(&mut self, uid: &str, broken: bool) {
        if broken {
            self.broken_readiness.insert(uid.to_string());
        } else {
            self.broken_readiness.remove(uid);
        }
    }

    /// Whether the kubelet is running.
    pub fn is_running(&self) -> bool {
        self.stopped_at.is_none()
    }

    /// Renews the node Lease and posts Ready when the node had lost it.
    fn heartbeat(&mut self, store: &mut Store, now: Time, node: &crate::api::Node) {
        if self.next_renew.is_some_and(|t| t > now) {
            return;
        }
        self.next_renew = Some(now + LEASE_RENEW);
        let key = ObjectKey { kind: Kind::Lease, namespace: "kube-node-lease".into(), name: self.node.clone() };
        let mut lease = store.get(&key).and_then(Object::as_lease).cloned().unwrap_or_else(|| {
            let mut l = crate::api::Lease::default();
            l.metadata.name = self.node.clone();
            l.metadata.namespace = Some("kube-node-lease".into());
            l.spec.holder_identity = Some(self.node.clone());
            l.spec.lease_duration_seconds = Some(40);
            l
        });
        lease.spec.renew_time = Some(now);
        if store.get(&key).is_some() {
            let _ = apiserver::write(store, now, Object::Lease(lease));
        } else {
            lease.set_type_meta_fields();
            lease.metadata.uid = Some(format!("lease-{}", self.node).into());
            lease.metadata.creation_timestamp = Some(now);
            store.put(Object::Lease(lease), now);
        }
        if !node.is_ready() {
            let mut n = node.clone();
            for c in n.status.conditions.iter_mut() {
                let ready = c.type_ == "Ready";
                let (status, reason, message) = match &*c.type_ {
                    "Ready" => ("True", "KubeletReady", "kubelet is posting ready status"),
                    "MemoryPressure" => ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                    "DiskPressure" => ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    _ => ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                };
                if c.status != status || ready {
                    c.last_transition_time = Some(now);
                }
                c.status = status.into();
                c.reason = Some(reason.into());
                c.message = Some(message.into());
                c.last_heartbeat_time = Some(now);
            }
            let obj = Object::Node(n.clone());
            let _ = apiserver::write(store, now, obj.clone());
            let source = Source { component: "kubelet", host: &self.node };
            events::record(store, now, source, &obj, "Normal", "NodeReady", &format!("Node {} status is now: NodeReady", self.node));
        }
    }

    /// One sync of every pod on this node. Returns when it next needs to run.
    pub fn reconcile(&mut self, store: &mut Store, now: Time) -> Option<Time> {
        let pods = store.pods_on_node(&self.node);
        self.reconcile_pods(store, now, NodePods::All(&pods))
    }

    /// Whether none of this node's pods has anything due now, as far as the last pass over
    /// them knows: if none of them changed since, a run only renews the node Lease.
    fn pods_quiet(&self, now: Time) -> bool {
        self.pods_due.is_some_and(|due| due.is_none_or(|t| t > now))
    }

    /// [`Kubelet::reconcile`] told which of this node's pods changed since the last run (see
    /// [`NodePods`]). When none changed and none has anything due, the run only renews the
    /// Lease. Only pods that changed or have something due are synced.
    #[inline(never)]
    pub fn reconcile_pods(&mut self, store: &mut Store, now: Time, pods: NodePods<'_>) -> Option<Time> {
        if self.stopped_at.is_some() {
            return None;
        }
        let node_obj = store.get_shared(&(Kind::Node, "", self.node.as_str()))?;
        let node = node_obj.as_node()?;
        self.heartbeat(store, now, node);
        let renew = self.next_renew.filter(|t| *t > now);
        let listed;
        let quiet = self.pods_quiet(now);
        let (pods, partial) = match pods {
            NodePods::All(pods) => (pods, false),
            // The others are synced and none is due: the changed ones are all there is to do.
            NodePods::Changed(pods) if quiet && self.passed_at.is_some() => (pods, true),
            NodePods::Unchanged if quiet => return self.pods_due.flatten().into_iter().chain(renew).min(),
            NodePods::Unchanged | NodePods::Changed(_) => {
                listed = store.pods_on_node(&self.node);
                (&listed[..], false)
            }
        };
        let pods: Vec<&Pod> = pods.iter().filter_map(|o| o.as_pod()).collect();
        if !partial && self.pods.len().max(self.synced.len()).max(self.stopping.len()) > pods.len() {
            let live: BTreeSet<&str> = crate::sorting::set_of(pods.iter().filter_map(|p| p.metadata.uid.as_deref()));
            self.pods.retain(|uid, _| live.contains(uid.as_str()));
            self.stopping.retain(|uid, _| live.contains(uid.as_str()));
            self.synced.retain(|uid, _| live.contains(uid.as_str()));
        }
        let source_host = self.node.clone();
        let source = Source { component: "kubelet", host: &source_host };
        // Nothing due and not written since the last pass: synced then, so not looked up.
        let unwritten_since = self.passed_at.filter(|_| quiet);
        #[cfg(test)]
        let unwritten_since = unwritten_since.filter(|_| !self.check_every_pod);
        for &current in &pods {
            if matches!(current.phase(), "Succeeded" | "Failed") && current.metadata.deletion_timestamp.is_none() {
                continue;
            }
            if unwritten_since.is_some_and(|passed| current.metadata.resource_version.as_deref().and_then(|v| v.parse::<u64>().ok()).is_some_and(|v| v <= passed)) {
                continue;
            }
            // Most pods on a touched node have not changed: decided without allocating.
            let uid_ref = current.metadata.uid.as_deref().unwrap_or_default();
            let unchanged = self.synced.get(uid_ref).is_some_and(|(rv, next)| *rv == current.metadata.resource_version && next.is_none_or(|t| t > now));
            if unchanged {
                continue;
            }
            let uid = uid_ref.to_string();
            let mut pod = current.clone();
            if !self.pods.contains_key(&uid) {
                if pod.metadata.deletion_timestamp.is_some() {
                    store.remove(&ObjectKey::of(&Object::Pod(pod)), now);
                    self.synced.remove(&uid);
                    continue;
                }
                self.admit(store, source, &mut pod, node.spec.pod_cidr.as_deref(), node.internal_ip(), now);
            }
            if pod.metadata.deletion_timestamp.is_some() {
                if self.terminate(store, source, &mut pod, &uid, now) {
                    store.remove(&ObjectKey::of(&Object::Pod(pod)), now);
                    self.pods.remove(&uid);
                    self.stopping.remove(&uid);
                    self.synced.remove(&uid);
                    continue;
                }
            } else {
                self.sync_containers(store, source, &pod, &uid, now);
            }
            self.write_status(&mut pod, &uid, now);
            let mut rv = current.metadata.resource_version.clone();
            if pod != *current {
                if let Ok(written) = apiserver::write(store, now, Object::Pod(pod)) {
                    rv = written.meta().resource_version.clone();
                }
            }
            let next = self.pod_wakeup(&uid, now);
            self.synced.insert(uid, (rv, next));
        }
        let due = self.pods_next_due(now);
        self.pods_due = Some(due);
        self.passed_at = Some(store.resource_version());
        due.into_iter().chain(renew).min()
    }

    /// The next instant one pod has something due (a container step, a probe, its stop).
    fn pod_wakeup(&self, uid: &str, now: Time) -> Option<Time> {
        let mut times = Vec::new();
        for w in self.pods.get(uid).into_iter().flatten() {
            w.due_times(&mut times);
        }
        times.extend(self.stopping.get(uid).map(|s| s.0));
        times.into_iter().filter(|t| *t > now).min()
    }

    /// The next instant any pod on this node has something due, from what each pod's last
    /// sync noted (a pod not synced in this pass was not due, so its note still holds).
    fn pods_next_due(&self, now: Time) -> Option<Time> {
        let due = self.synced.values().filter_map(|(_, next)| *next).filter(|t| *t > now).min();
        #[cfg(debug_assertions)]
        {
            let mut times = Vec::new();
            for w in self.pods.values().flatten() {
                w.due_times(&mut times);
            }
            times.extend(self.stopping.values().map(|s| s.0));
            assert_eq!(due, times.into_iter().filter(|t| *t > now).min(), "the notes of {} agree with its pods", self.node);
        }
        due
    }

    /// First sight of a pod: accept it, give it an IP, start pulling its images.
    fn admit(&mut self, store: &mut Store, source: Source<'_>, pod: &mut Pod, cidr: Option<&str>, host_ip: Option<&str>, now: Time) {
        pod.status.start_time = Some(now);
        pod.status.host_ip = host_ip.map(Into::into);
        pod.status.pod_ip = self.next_pod_ip(cidr);
        set_condition(&mut pod.status.conditions, Condition::new("Initialized", true, now));
        let mut works = Vec::with_capacity(pod.spec.containers.len());
        for c in &pod.spec.containers {
            let phase = self.begin_pull(store, source, pod, c, now);
            works.push(Work {
                phase,
                restarts: 0,
                last: None,
                crash_backoff: None,
                pull_backoff: None,
                startup: ProbeWorker::default(),
                liveness: ProbeWorker::default(),
                readiness: ProbeWorker::default(),
            });
        }
        self.pods.insert(pod.metadata.uid.as_deref().unwrap_or_default().to_string(), works);
    }

    fn begin_pull(&mut self, store: &mut Store, source: Source<'_>, pod: &Pod, c: &Container, now: Time) -> Phase {
        let field = container_field(&c.name);
        let b = images::lookup(&c.image);
        let present = self.images.contains(&c.image) && c.image_pull_policy.as_deref() != Some("Always");
        if present {
            events::record_on_pod(store, now, source, pod, Some(&field), "Normal", "Pulled", &text::with_quoted("Container image ", &c.image, " already present on machine"));
            return Phase::Creating { until: now + CREATE };
        }
        events::record_on_pod(store, now, source, pod, Some(&field), "Normal", "Pulling", &text::with_quoted("Pulling image ", &c.image, ""));
        Phase::Pulling { until: now + b.pull, fails: b.pull_error.is_some() }
    }

    fn start(&mut self, store: &mut Store, source: Source<'_>, pod: &Pod, i: usize, now: Time) {
        let c = &pod.spec.containers[i];
        let field = container_field(&c.name);
        events::record_on_pod(store, now, source, pod, Some(&field), "Normal", "Created", &text::concat(&["Created container ", &c.name]));
        events::record_on_pod(store, now, source, pod, Some(&field), "Normal", "Started", &text::concat(&["Started container ", &c.name]));
        let process = images::process(&c.image, &c.command, &c.args);
        let uid = pod.metadata.uid.as_deref().unwrap_or_default();
        let Some(w) = self.pods.get_mut(uid).and_then(|ws| ws.get_mut(i)) else { return };
        w.phase = Phase::Running { since: now, exit: process.exits.map(|(d, code)| (now + d, code)) };
        let first = |p: &Option<Probe>| p.as_ref().map(|p| now + Duration::seconds(i64::from(p.initial_delay_seconds.unwrap_or(0))));
        // Counts start over with the container; the runs before it stay in the history, so
        // the failures that caused a restart can still be seen.
        w.startup = ProbeWorker { next: first(&c.startup_probe), history: std::mem::take(&mut w.startup.history), ..Default::default() };
        w.liveness = ProbeWorker { next: if c.startup_probe.is_some() { None } else { first(&c.liveness_probe) }, history: std::mem::take(&mut w.liveness.history), ..Default::default() };
        w.readiness = ProbeWorker { next: if c.startup_probe.is_some() { None } else { first(&c.readiness_probe) }, history: std::mem::take(&mut w.readiness.history), ..Default::default() };
    }

    /// Advances every container of a running pod through whatever is due.
    fn sync_containers(&mut self, store: &mut Store, source: Source<'_>, pod: &Pod, uid: &str, now: Time) {
        let restart_policy = pod.spec.restart_policy.as_deref().unwrap_or("Always");
        for i in 0..pod.spec.containers.len() {
            let c = &pod.spec.containers[i];
            // The container's field path, made only for an event (most syncs record none).
            let field = || container_field(&c.name);
            // A few transitions can fall due at once (pulled, then created...).
            for _ in 0..8 {
                let Some(w) = self.pods.get(uid).and_then(|ws| ws.get(i)).cloned() else { return };
                match w.phase {
                    Phase::Pulling { until, fails } if until <= now => {
                        let delay = next_backoff(w.pull_backoff);
                        let next = if fails {
                            let err = images::lookup(&c.image).pull_error.unwrap_or_default();
                            events::record_on_pod(store, now, source, pod, Some(&field()), "Warning", "Failed", &format!("Failed to pull image {:?}: {err}", c.image));
                            events::record_on_pod(store, now, source, pod, Some(&field()), "Warning", "Failed", "Error: ErrImagePull");
                            Phase::PullBackOff { since: now, until: now + delay }
                        } else {
                            self.images.insert(c.image.clone());
                            let took = images::lookup(&c.image).pull.go_string();
                            events::record_on_pod(store, now, source, pod, Some(&field()), "Normal", "Pulled", &text::with_quoted("Successfully pulled image ", &c.image, &text::concat(&[" in ", &took, " (", &took, " including waiting)"])));
                            Phase::Creating { until: now + CREATE }
                        };
                        let w = &mut self.pods.get_mut(uid).expect("pod is known")[i];
                        if fails {
                            w.pull_backoff = Some(delay);
                        }
                        w.phase = next;
                    }
                    Phase::PullBackOff { until, .. } if until <= now => {
                        let phase = self.begin_pull(store, source, pod, c, now);
                        self.pods.get_mut(uid).expect("pod is known")[i].phase = phase;
                    }
                    Phase::Creating { until } | Phase::ConfigError { retry: until, .. } if until <= now => {
                        let ns = pod.metadata.namespace.clone().unwrap_or_default();
                        match missing_reference(store, &ns, c) {
                            Some(message) => {
                                events::record_on_pod(store, now, source, pod, Some(&field()), "Warning", "Failed", &format!("Error: {message}"));
                                // A sync error: the kubelet tries again on its next sync, about 10 s later.
                                self.pods.get_mut(uid).expect("pod is known")[i].phase = Phase::ConfigError { message, retry: now + Duration::seconds(10) };
                                break;
                            }
                            None => self.start(store, source, pod, i, until.max(now)),
                        }
                    }
                    Phase::Running { since, exit: Some((at, code)) } if at <= now => {
                        let restart = match restart_policy {
                            "Never" => false,
                            "OnFailure" => code != 0,
                            _ => true,
                        };
                        let w = &mut self.pods.get_mut(uid).expect("pod is known")[i];
                        w.last = Some(terminated(Some(since), at, code));
                        let restart_at = match (restart, live_entry(w.crash_backoff, at)) {
                            (false, _) => None,
                            (true, None) => Some(at),
                            (true, Some((delay, _))) => Some(at + delay),
                        };
                        w.phase = Phase::Exited { at, code, restart_at };
                        if restart_at.is_some_and(|t| t > now) {
                            let msg = format!("Back-off restarting failed container {} in pod {}_{}({uid})", c.name, pod.metadata.name, pod.metadata.namespace.as_deref().unwrap_or(""));
                            events::record_on_pod(store, now, source, pod, Some(&field()), "Warning", "BackOff", &msg);
                        }
                    }
                    Phase::Exited { at, restart_at: Some(t), .. } if t <= now => {
                        let w = &mut self.pods.get_mut(uid).expect("pod is known")[i];
                        let delay = next_backoff(live_entry(w.crash_backoff, at).map(|(d, _)| d));
                        w.crash_backoff = Some((delay, now));
                        w.restarts += 1;
                        self.start(store, source, pod, i, now);
                    }
                    Phase::Running { since, .. } => {
                        if !self.run_probes(store, source, pod, i, since, now) {
                            break;
                        }
                    }
                    _ => break,
                }
            }
        }
    }

    /// Runs the probes due now; returns true if the container was killed (so the caller
    /// processes its exit).
    fn run_probes(&mut self, store: &mut Store, source: Source<'_>, pod: &Pod, i: usize, since: Time, now: Time) -> bool {
        let c = &pod.spec.containers[i];
        let uid = pod.metadata.uid.as_deref().unwrap_or_default();
        let process = std::cell::OnceCell::new();
        let process = || process.get_or_init(|| images::process(&c.image, &c.command, &c.args));
        let ip = pod.status.pod_ip.clone().unwrap_or_default();
        let field = container_field(&c.name);
        for (kind, probe) in [("Startup", &c.startup_probe), ("Liveness", &c.liveness_probe), ("Readiness", &c.readiness_probe)] {
            let Some(probe) = probe else { continue };
            let Some(w) = self.pods.get_mut(uid).and_then(|ws| ws.get_mut(i)) else { return false };
            let worker = match kind {
                "Startup" => &mut w.startup,
                "Liveness" => &mut w.liveness,
                _ => &mut w.readiness,
            };
            let Some(due) = worker.next.filter(|t| *t <= now) else { continue };
            worker.next = Some(due + Duration::seconds(i64::from(probe.period_seconds.unwrap_or(10).max(1))));
            let broken = kind == "Readiness" && self.broken_readiness.contains(uid);
            let result = if broken { Err("HTTP probe failed with statuscode: 503".to_string()) } else { probe_result(probe, c, process(), since, due, &ip) };
            let (success_threshold, failure_threshold) = (probe.success_threshold.unwrap_or(1), probe.failure_threshold.unwrap_or(3));
            if worker.history.len() == PROBE_HISTORY {
                worker.history.pop_front();
            }
            worker.history.push_back(ProbeRun { at: due, ok: result.is_ok(), output: result.as_ref().err().cloned().unwrap_or_default() });
            match &result {
                Ok(()) => {
                    worker.successes += 1;
                    worker.failures = 0;
                    if worker.successes >= success_threshold {
                        worker.passing = Some(true);
                    }
                }
                Err(_) => {
                    worker.failures += 1;
                    worker.successes = 0;
                    if worker.failures >= failure_threshold {
                        worker.passing = Some(false);
                    }
                }
            }
            let passing = worker.passing;
            if kind == "Startup" && passing == Some(true) {
                worker.next = None;
                let first = |p: &Option<Probe>| p.as_ref().map(|p| due + Duration::seconds(i64::from(p.initial_delay_seconds.unwrap_or(0))));
                w.liveness.next = first(&c.liveness_probe);
                w.readiness.next = first(&c.readiness_probe);
            }
            if let Err(output) = result {
                events::record_on_pod(store, now, source, pod, Some(&field), "Warning", "Unhealthy", &format!("{kind} probe failed: {output}"));
                if kind != "Readiness" && passing == Some(false) {
                    let never = pod.spec.restart_policy.as_deref() == Some("Never");
                    let msg = format!("Container {} failed {} probe{}", c.name, kind.to_ascii_lowercase(), if never { "" } else { ", will be restarted" });
                    events::record_on_pod(store, now, source, pod, Some(&field), "Normal", "Killing", &msg);
                    if let Some(w) = self.pods.get_mut(uid).and_then(|ws| ws.get_mut(i)) {
                        let code = if process().stop.is_some() { 143 } else { 137 };
                        w.phase = Phase::Running { since, exit: Some((now, code)) };
                    }
                    return true;
                }
            }
        }
        false
    }

    /// Graceful termination: SIGTERM now, containers gone when their process exits or the
    /// grace period ends. Returns true once the pod can be removed from the API.
    fn terminate(&mut self, store: &mut Store, source: Source<'_>, pod: &mut Pod, uid: &str, now: Time) -> bool {
        if let Some(&(at, killed)) = self.stopping.get(uid) {
            if at > now {
                return false;
            }
            if let Some(works) = self.pods.get_mut(uid) {
                for w in works.iter_mut() {
                    if let Phase::Running { since, .. } = w.phase {
                        w.phase = Phase::Exited { at, code: kill_code(killed), restart_at: None };
                        w.last = Some(terminated(Some(since), at, kill_code(killed)));
                    }
                }
            }
            return true;
        }
        let running: Vec<&Container> = pod
            .spec
            .containers
            .iter()
            .enumerate()
            .filter(|(i, _)| self.pods.get(uid).and_then(|ws| ws.get(*i)).is_some_and(|w| matches!(w.phase, Phase::Running { .. })))
            .map(|(_, c)| c)
            .collect();
        if running.is_empty() {
            return true;
        }
        for c in &running {
            events::record_on_pod(store, now, source, pod, Some(&container_field(&c.name)), "Normal", "Killing", &text::concat(&["Stopping container ", &c.name]));
        }
        let grace = Duration::seconds(pod.metadata.deletion_grace_period_seconds.unwrap_or(30));
        let stop = running.iter().map(|c| images::process(&c.image, &c.command, &c.args).stop).try_fold(Duration(0), |acc, s| s.map(|d| acc.max(d)));
        let (after, killed) = match stop {
            Some(d) if d < grace => (d, false),
            _ => (grace, true),
        };
        self.stopping.insert(uid.into(), (now + after, killed));
        if let Some(works) = self.pods.get_mut(uid) {
            for w in works.iter_mut() {
                w.readiness.passing = Some(false);
            }
        }
        false
    }

    /// Writes container statuses, conditions and phase from the kubelet's view.
    fn write_status(&self, pod: &mut Pod, uid: &str, now: Time) {
        let Some(works) = self.pods.get(uid) else { return };
        let restart_policy = pod.spec.restart_policy.as_deref().unwrap_or("Always");
        let mut statuses = Vec::with_capacity(pod.spec.containers.len());
        let mut previous = std::mem::take(&mut pod.status.container_statuses);
        for (i, (c, w)) in pod.spec.containers.iter().zip(works).enumerate() {
            // The last written status of this container: its texts are reused while they hold.
            let mut last = previous.get_mut(i).filter(|p| p.name == c.name && p.image == c.image).map(std::mem::take);
            let (name, image) = match &mut last {
                Some(p) => (std::mem::take(&mut p.name), std::mem::take(&mut p.image)),
                None => (c.name.clone(), c.image.clone()),
            };
            let mut s = ContainerStatus { name, image, restart_count: w.restarts, ..Default::default() };
            let waiting = |reason: &str, message: Option<String>| ContainerState { waiting: Some(StateWaiting { reason: Some(reason.into()), message }), ..Default::default() };
            match &w.phase {
                Phase::Pulling { .. } | Phase::Creating { .. } => s.state = waiting("ContainerCreating", None),
                Phase::ConfigError { message, .. } => s.state = waiting("CreateContainerConfigError", Some(message.clone())),
                Phase::PullBackOff { since, .. } => {
                    let err = images::lookup(&c.image).pull_error.unwrap_or_default();
                    s.state = if now < *since + PULL_ERROR_SHOWN {
                        waiting("ErrImagePull", Some(err))
                    } else {
                        waiting("ImagePullBackOff", Some(format!("Back-off pulling image {:?}", c.image)))
                    };
                }
                Phase::Running { since, .. } => {
                    s.state = ContainerState { running: Some(StateRunning { started_at: Some(*since) }), ..Default::default() };
                    let started = c.startup_probe.is_none() || w.startup.passing == Some(true);
                    s.started = Some(started);
                    let ready_probe_ok = c.readiness_probe.is_none() || w.readiness.passing == Some(true);
                    s.ready = started && ready_probe_ok && w.readiness.passing != Some(false) && pod.metadata.deletion_timestamp.is_none();
                    // The same run of the same image keeps its ids (made from its start and image).
                    match last.as_mut().filter(|p| p.state.running.as_ref().and_then(|r| r.started_at) == Some(*since) && p.container_id.is_some()) {
                        Some(p) => (s.container_id, s.image_id) = (p.container_id.take(), std::mem::take(&mut p.image_id)),
                        None => {
                            // 64 hex digits, as `{:064x}` (which pads one character at a time:
                            // 2 % of a large rollout).
                            let mut container_id = String::from("containerd://");
                            text::push_hex_padded(&mut container_id, (since.0 as u64).wrapping_mul(0x9e37_79b9) ^ uid.len() as u64, 64);
                            s.container_id = Some(container_id);
                            s.image_id = text::concat(&["docker.io/library/", &c.image, "@sha256:"]);
                            text::push_hex_padded(&mut s.image_id, c.image.len() as u64, 64);
                        }
                    }
                }
                Phase::Exited { at, code, restart_at } => {
                    let t = w.last.clone().unwrap_or_else(|| terminated(None, *at, *code));
                    s.state = match restart_at {
                        Some(r) if *r > now => waiting(
                            "CrashLoopBackOff",
                            Some(format!(
                                "back-off {} restarting failed container={} pod={}_{}({uid})",
                                w.crash_backoff.map_or(BACKOFF_INITIAL, |b| b.0).go_string(),
                                c.name,
                                pod.metadata.name,
                                pod.metadata.namespace.as_deref().unwrap_or("")
                            )),
                        ),
                        _ => ContainerState { terminated: Some(t), ..Default::default() },
                    };
                    s.started = Some(false);
                }
            }
            // A container that will not run again shows its exit as its state, not as lastState.
            if let Some(last) = w.last.as_ref().filter(|_| !matches!(w.phase, Phase::Exited { restart_at: None, .. })) {
                s.last_state = ContainerState { terminated: Some(last.clone()), ..Default::default() };
            }
            statuses.push(s);
        }
        // Models pkg/kubelet/kubelet_pods.go getPhase.
        let ever_started = |w: &Work| w.restarts > 0 || w.last.is_some() || matches!(w.phase, Phase::Running { .. });
        let all_exited_for_good = works.iter().all(|w| matches!(w.phase, Phase::Exited { restart_at: None, .. }));
        let phase = if !works.iter().all(ever_started) {
            "Pending"
        } else if all_exited_for_good {
            let failed = works.iter().any(|w| matches!(w.phase, Phase::Exited { code, .. } if code != 0));
            if failed && restart_policy != "Always" { "Failed" } else if !failed && restart_policy != "Always" { "Succeeded" } else { "Running" }
        } else {
            "Running"
        };
        pod.status.phase = Some(phase.into());
        let all_ready = statuses.iter().all(|s| s.ready);
        let unready: Vec<&str> = statuses.iter().filter(|s| !s.ready).map(|s| s.name.as_str()).collect();
        for type_ in ["Ready", "ContainersReady"] {
            let (status, reason) = if all_ready { ("True", None) } else { ("False", Some("ContainersNotReady")) };
            let unchanged = crate::api::condition(&pod.status.conditions, type_).is_some_and(|old| old.status == status && old.reason.as_deref() == reason);
            if !unchanged {
                let mut c = Condition::new(type_, all_ready, now);
                if !all_ready {
                    c.reason = reason.map(Into::into);
                    c.message = Some(format!("containers with unready status: [{}]", unready.join(" ")));
                }
                set_condition(&mut pod.status.conditions, c);
            }
        }
        pod.status.container_statuses = statuses;
        // The kubelet writes its conditions in this order, PodScheduled last (generateAPIPodStatus).
        let rank = |t: &str| ["Initialized", "Ready", "ContainersReady", "PodScheduled"].iter().position(|x| *x == t).unwrap_or(4);
        crate::sorting::sort_by_key(&mut pod.status.conditions, |c| rank(&c.type_));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ContainerPort, HttpGetAction};

    #[test]
    fn probes_follow_the_process() {
        let c = Container { name: "web".into(), image: "nginx".into(), ports: vec![ContainerPort { container_port: 80, name: Some("http".into()), protocol: None }], ..Default::default() };
        let p = images::process("nginx", &[], &[]);
        let probe = Probe { http_get: Some(HttpGetAction { path: Some("/".into()), port: IntOrString::String("http".into()), scheme: None }), ..Default::default() };
        let t0 = Time(0);
        assert_eq!(probe_result(&probe, &c, &p, t0, Time(100), "10.244.1.2"), Err("Get \"http://10.244.1.2:80/\": dial tcp 10.244.1.2:80: connect: connection refused".into()));
        assert_eq!(probe_result(&probe, &c, &p, t0, Time(600), "10.244.1.2"), Ok(()));
        let wrong = Probe { http_get: Some(HttpGetAction { path: None, port: IntOrString::Int(8080), scheme: None }), ..Default::default() };
        assert!(probe_result(&wrong, &c, &p, t0, Time(60_000), "ip").is_err(), "nginx does not serve 8080");
    }
}
