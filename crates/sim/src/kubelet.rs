//! The kubelet, one per node: pulls images, starts containers and reports pod
//! status. Its private state (which images the node has, when each pod's next
//! step is due) travels with snapshots.

use crate::api::{set_condition, Condition, ContainerState, ContainerStatus, Kind, Object, Pod, StateRunning, StateWaiting};
use crate::apiserver;
use crate::clock::{Duration, Time};
use crate::images;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What the kubelet is waiting for on a pod.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
enum Step {
    /// Pulling and starting: containers run at this time.
    StartAt(Time),
    /// The pull fails at this time.
    PullFailsAt(Time),
    /// The pull failed at `since`; in back-off until `until`, then it pulls again.
    BackOff { since: Time, until: Time },
    /// Being deleted: the containers have exited by this time (killed if `killed`).
    Stopping { at: Time, killed: bool },
}

/// Back-off after a failed pull starts here and doubles up to the cap (kubelet.go constants).
const BACKOFF_INITIAL: Duration = Duration::seconds(10);
const BACKOFF_CAP: Duration = Duration::seconds(300);
/// How long `ErrImagePull` shows before the kubelet's next sync reports `ImagePullBackOff`.
const PULL_ERROR_SHOWN: Duration = Duration::seconds(2);

/// The kubelet of one node.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Kubelet {
    /// The node this kubelet runs on.
    pub node: String,
    /// Images already on the node.
    images: BTreeSet<String>,
    /// Per pod uid: the next thing that happens.
    steps: BTreeMap<String, Step>,
    /// Per pod uid: the current pull back-off.
    backoff: BTreeMap<String, Duration>,
    /// Last octet handed out from the node's pod CIDR.
    last_ip: u8,
}

impl Kubelet {
    /// A kubelet for `node` whose images are already present (the node's system pods).
    pub fn new(node: &str, preloaded: &[&str]) -> Self {
        Kubelet { node: node.into(), images: preloaded.iter().map(|s| s.to_string()).collect(), ..Default::default() }
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

    /// One sync of every pod on this node. Returns when it next needs to run.
    pub fn reconcile(&mut self, store: &mut Store, now: Time) -> Option<Time> {
        let node_key = crate::store::ObjectKey { kind: Kind::Node, namespace: String::new(), name: self.node.clone() };
        let node = store.get(&node_key).and_then(Object::as_node).cloned()?;
        let pods: Vec<Pod> =
            store.list(Kind::Pod, None).filter_map(Object::as_pod).filter(|p| p.spec.node_name.as_deref() == Some(self.node.as_str())).cloned().collect();
        let live: BTreeSet<String> = pods.iter().filter_map(|p| p.metadata.uid.clone()).collect();
        self.steps.retain(|uid, _| live.contains(uid));
        self.backoff.retain(|uid, _| live.contains(uid));
        for mut pod in pods {
            let uid = pod.metadata.uid.clone().unwrap_or_default();
            let before = pod.clone();
            if pod.metadata.deletion_timestamp.is_some() {
                if self.terminate(&mut pod, &uid, now) {
                    store.remove(&crate::store::ObjectKey::of(&Object::Pod(pod)), now);
                    self.steps.remove(&uid);
                    continue;
                }
            } else {
                if pod.status.container_statuses.is_empty() {
                    self.admit(&mut pod, node.spec.pod_cidr.as_deref(), node.internal_ip(), now);
                }
                self.advance_pod(&mut pod, &uid, now);
            }
            if pod != before {
                let _ = apiserver::update(store, now, Object::Pod(pod));
            }
        }
        self.steps
            .values()
            .map(|s| match s {
                Step::StartAt(t) | Step::PullFailsAt(t) | Step::Stopping { at: t, .. } => *t,
                Step::BackOff { since, until } => {
                    let shown = *since + PULL_ERROR_SHOWN;
                    if shown > now { shown.min(*until) } else { *until }
                }
            })
            .filter(|t| *t > now)
            .min()
    }

    /// First sight of a pod: accept it, give it an IP, start pulling.
    fn admit(&mut self, pod: &mut Pod, cidr: Option<&str>, host_ip: Option<&str>, now: Time) {
        pod.status.start_time = Some(now);
        pod.status.host_ip = host_ip.map(Into::into);
        pod.status.pod_ip = self.next_pod_ip(cidr);
        set_condition(&mut pod.status.conditions, Condition::new("Initialized", true, now));
        let mut not_ready = Condition::new("Ready", false, now);
        not_ready.reason = Some("ContainersNotReady".into());
        let names: Vec<&str> = pod.spec.containers.iter().map(|c| c.name.as_str()).collect();
        not_ready.message = Some(format!("containers with unready status: [{}]", names.join(" ")));
        let mut containers_ready = not_ready.clone();
        containers_ready.type_ = "ContainersReady".into();
        set_condition(&mut pod.status.conditions, not_ready);
        set_condition(&mut pod.status.conditions, containers_ready);
        pod.status.container_statuses = pod
            .spec
            .containers
            .iter()
            .map(|c| ContainerStatus {
                name: c.name.clone(),
                image: c.image.clone(),
                started: Some(false),
                state: ContainerState { waiting: Some(StateWaiting { reason: Some("ContainerCreating".into()), message: None }), ..Default::default() },
                ..Default::default()
            })
            .collect();
        let uid = pod.metadata.uid.clone().unwrap_or_default();
        self.begin_pull(pod, &uid, now);
    }

    /// Graceful termination: SIGTERM now, containers gone when their image exits or the
    /// grace period ends. Returns true once the pod can be removed from the API.
    fn terminate(&mut self, pod: &mut Pod, uid: &str, now: Time) -> bool {
        let running = pod.status.container_statuses.iter().any(|c| c.state.running.is_some());
        match self.steps.get(uid).cloned() {
            Some(Step::Stopping { at, killed }) if at <= now => {
                for cs in pod.status.container_statuses.iter_mut() {
                    let started_at = cs.state.running.as_ref().and_then(|r| r.started_at);
                    let code = if killed { 137 } else { 0 };
                    cs.state = ContainerState {
                        terminated: Some(crate::api::StateTerminated {
                            exit_code: code,
                            reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
                            started_at,
                            finished_at: Some(at),
                            signal: None,
                        }),
                        ..Default::default()
                    };
                    cs.ready = false;
                }
                true
            }
            Some(Step::Stopping { .. }) => false,
            _ if !running => true,
            _ => {
                let grace = Duration::seconds(pod.metadata.deletion_grace_period_seconds.unwrap_or(30));
                let stop = pod.spec.containers.iter().map(|c| images::lookup(&c.image).stop).try_fold(Duration(0), |acc, s| s.map(|d| acc.max(d)));
                let (after, killed) = match stop {
                    Some(d) if d < grace => (d, false),
                    _ => (grace, true),
                };
                self.steps.insert(uid.into(), Step::Stopping { at: now + after, killed });
                for cs in pod.status.container_statuses.iter_mut() {
                    cs.ready = false;
                }
                set_condition(&mut pod.status.conditions, Condition::new("Ready", false, now));
                set_condition(&mut pod.status.conditions, Condition::new("ContainersReady", false, now));
                false
            }
        }
    }

    fn begin_pull(&mut self, pod: &Pod, uid: &str, now: Time) {
        let mut ready_at = now;
        for c in &pod.spec.containers {
            let b = images::lookup(&c.image);
            if let Some(_err) = &b.pull_error {
                self.steps.insert(uid.into(), Step::PullFailsAt(now + b.pull));
                return;
            }
            let present = self.images.contains(&c.image) && c.image_pull_policy.as_deref() != Some("Always");
            let pull = if present { Duration(0) } else { b.pull };
            ready_at = ready_at + pull + b.start;
        }
        self.steps.insert(uid.into(), Step::StartAt(ready_at));
    }

    fn advance_pod(&mut self, pod: &mut Pod, uid: &str, now: Time) {
        match self.steps.get(uid).cloned() {
            Some(Step::StartAt(t)) if t <= now => {
                self.steps.remove(uid);
                for c in &pod.spec.containers {
                    self.images.insert(c.image.clone());
                }
                for (i, cs) in pod.status.container_statuses.iter_mut().enumerate() {
                    cs.state = ContainerState { running: Some(StateRunning { started_at: Some(t) }), ..Default::default() };
                    cs.ready = true;
                    cs.started = Some(true);
                    cs.container_id = Some(format!("containerd://{:0>64}", format!("{:x}{i}", t.0)));
                    cs.image_id = format!("docker.io/library/{}@sha256:{:0>64}", cs.image, format!("{:x}", cs.image.len()));
                }
                pod.status.phase = Some("Running".into());
                set_condition(&mut pod.status.conditions, Condition::new("ContainersReady", true, t));
                set_condition(&mut pod.status.conditions, Condition::new("Ready", true, t));
            }
            Some(Step::PullFailsAt(t)) if t <= now => {
                let image = pod.spec.containers.iter().map(|c| c.image.clone()).find(|i| images::lookup(i).pull_error.is_some()).unwrap_or_default();
                let msg = images::lookup(&image).pull_error.unwrap_or_default();
                set_waiting(pod, &image, "ErrImagePull", &msg);
                let delay = self.backoff.get(uid).map_or(BACKOFF_INITIAL, |d| Duration((d.0 * 2).min(BACKOFF_CAP.0)));
                self.backoff.insert(uid.into(), delay);
                self.steps.insert(uid.into(), Step::BackOff { since: t, until: t + delay });
            }
            Some(Step::BackOff { until, .. }) if until <= now => {
                self.begin_pull(pod, uid, now);
            }
            Some(Step::BackOff { since, .. }) if since + PULL_ERROR_SHOWN <= now => {
                let image = pod.spec.containers.iter().map(|c| c.image.clone()).find(|i| images::lookup(i).pull_error.is_some()).unwrap_or_default();
                if pod.status.container_statuses.iter().any(|c| c.state.waiting.as_ref().and_then(|w| w.reason.as_deref()) == Some("ErrImagePull")) {
                    set_waiting(pod, &image, "ImagePullBackOff", &format!("Back-off pulling image {image:?}"));
                }
            }
            _ => {}
        }
    }
}

fn set_waiting(pod: &mut Pod, image: &str, reason: &str, message: &str) {
    for cs in pod.status.container_statuses.iter_mut().filter(|c| c.image == image) {
        cs.state = ContainerState { waiting: Some(StateWaiting { reason: Some(reason.into()), message: Some(message.into()) }), ..Default::default() };
    }
}
