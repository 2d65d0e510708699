//! The node lifecycle controller: watches node Leases, marks nodes whose kubelet
//! stopped posting as `Unknown`, taints them, marks their pods not ready, and
//! keeps the `unschedulable` taint in step with cordon. Its taint manager evicts
//! pods once their NoExecute tolerations run out.

use crate::api::{condition, set_condition, Condition, Kind, Node, Object, Pod, Taint};
use crate::apiserver;
use crate::clock::{earliest, Duration, Time};
use crate::events::{self, Source};
use crate::store::{ObjectKey, Store};

const SOURCE: Source<'static> = Source { component: "node-controller", host: "" };
/// `--node-monitor-grace-period` (v1.28).
pub const MONITOR_GRACE: Duration = Duration::seconds(40);
/// `--node-monitor-period`: checks fall on this grid.
pub const MONITOR_PERIOD: Duration = Duration::seconds(5);
/// The taints the controller manages.
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// Set while Ready is False.
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
/// Set while the node is cordoned.
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

fn next_tick(t: Time) -> Time {
    let p = MONITOR_PERIOD.as_millis();
    Time((t.0 / p + 1) * p)
}

fn has_taint(n: &Node, key: &str, effect: &str) -> bool {
    n.spec.taints.iter().any(|t| t.key == key && t.effect == effect)
}

/// The node monitor's pass over every node, the first half of the controller (the taint
/// manager's [`evict`] is the other): marks nodes whose lease went stale as lost and keeps
/// the managed taints in step. It reads only nodes, their leases and the time, so its
/// answer (when a lease next goes stale) holds until one of those changes or that time
/// comes. Returns that time.
#[inline(never)]
pub fn monitor(store: &mut Store, now: Time) -> Option<Time> {
    let node_objs = store.list_shared(Kind::Node, None);
    let nodes: Vec<&Node> = node_objs.iter().filter_map(|o| o.as_node()).collect();
    let mut wake = None::<Time>;
    let mut unhealthy = Vec::new();
    // Nodes and their Leases are both listed in name order: walk them together.
    let leases: Vec<&crate::api::Lease> = store.list(Kind::Lease, Some("kube-node-lease")).filter_map(Object::as_lease).collect();
    let mut lease_at = 0;
    for node in &nodes {
        while lease_at < leases.len() && leases[lease_at].metadata.name < node.metadata.name {
            lease_at += 1;
        }
        let lease = leases.get(lease_at).filter(|l| l.metadata.name == node.metadata.name);
        let renewed = lease.and_then(|l| l.spec.renew_time).or(node.metadata.creation_timestamp).unwrap_or(now);
        // The controller notices on its first monitor tick past the grace period.
        let stale_at = next_tick(renewed + MONITOR_GRACE);
        if stale_at <= now {
            unhealthy.push(node.metadata.name.clone());
        } else {
            wake = earliest(wake, Some(stale_at));
        }
    }
    let any_ready = nodes.iter().any(|n| n.is_ready() && !unhealthy.contains(&n.metadata.name));
    for node in nodes {
        let gone = unhealthy.contains(&node.metadata.name);
        let lost = gone && condition(&node.status.conditions, "Ready").is_none_or(|c| c.status != "Unknown");
        if !lost && !gone && node.is_ready() && !node.spec.unschedulable && !node.spec.taints.iter().any(|t| [UNREACHABLE, NOT_READY, UNSCHEDULABLE].contains(&t.key.as_str())) {
            continue; // a healthy node: nothing to change
        }
        let mut n = node.clone();
        if lost {
            for c in n.status.conditions.iter_mut() {
                c.status = "Unknown".into();
                c.reason = Some("NodeStatusUnknown".into());
                c.message = Some("Kubelet stopped posting node status.".into());
                c.last_transition_time = Some(now);
            }
            let obj = Object::Node(node.clone());
            events::record(store, now, SOURCE, &obj, "Normal", "NodeNotReady", &format!("Node {} status is now: NodeNotReady", n.metadata.name));
            mark_pods_not_ready(store, now, &n.metadata.name);
        }
        let ready = !gone && n.is_ready();
        // Taints follow the Ready condition and the cordon flag.
        let mut wanted: Vec<(String, String)> = Vec::new();
        if !ready {
            let key = if gone { UNREACHABLE } else { NOT_READY };
            wanted.push((key.into(), "NoSchedule".into()));
            if any_ready {
                wanted.push((key.into(), "NoExecute".into()));
            }
        }
        if n.spec.unschedulable {
            wanted.push((UNSCHEDULABLE.into(), "NoSchedule".into()));
        }
        let managed = |t: &Taint| [UNREACHABLE, NOT_READY, UNSCHEDULABLE].contains(&t.key.as_str());
        n.spec.taints.retain(|t| !managed(t) || wanted.iter().any(|(k, e)| *k == t.key && *e == t.effect));
        for (k, e) in wanted {
            if !has_taint(&n, &k, &e) {
                let time_added = (e == "NoExecute").then_some(now);
                n.spec.taints.push(Taint { key: k, value: None, effect: e, time_added });
            }
        }
        if n != *node {
            let _ = apiserver::write(store, now, Object::Node(n));
        }
    }
    wake
}

/// Every pod on a lost node turns not ready, so endpoints drop it at once.
fn mark_pods_not_ready(store: &mut Store, now: Time, node: &str) {
    for o in store.pods_on_node(node) {
        let Some(p) = o.as_pod().filter(|p| p.is_ready()) else { continue };
        let mut p = p.clone();
        set_condition(&mut p.status.conditions, Condition::new("Ready", false, now));
        for cs in p.status.container_statuses.iter_mut() {
            cs.ready = false;
        }
        let obj = Object::Pod(p.clone());
        let _ = apiserver::write(store, now, obj.clone());
        events::record(store, now, SOURCE, &obj, "Warning", "NodeNotReady", "Node is not ready");
    }
}

/// Models pkg/controller/nodelifecycle/scheduler/taint_manager.go: deletes pods that do not
/// tolerate a node's NoExecute taints, at once or when their toleration runs out. Returns
/// when the next toleration runs out.
pub fn evict(store: &mut Store, now: Time) -> Option<Time> {
    let nodes: Vec<Node> = store.list(Kind::Node, None).filter_map(Object::as_node).filter(|n| n.spec.taints.iter().any(|t| t.effect == "NoExecute")).cloned().collect();
    let mut wake = None::<Time>;
    for node in nodes {
        let taints: Vec<&Taint> = node.spec.taints.iter().filter(|t| t.effect == "NoExecute").collect();
        let pods: Vec<Pod> = store.pods_on_node(&node.metadata.name).iter().filter_map(|o| o.as_pod()).filter(|p| p.metadata.deletion_timestamp.is_none()).cloned().collect();
        for mut pod in pods {
            let mut deadline: Option<Time> = None;
            let mut never = true;
            let mut untolerated = false;
            for taint in &taints {
                let matching: Vec<_> = pod.spec.tolerations.iter().filter(|t| t.tolerates(taint)).collect();
                if matching.is_empty() {
                    untolerated = true;
                    break;
                }
                if let Some(secs) = matching.iter().filter_map(|t| t.toleration_seconds).min() {
                    never = false;
                    let d = taint.time_added.unwrap_or(now) + Duration::seconds(secs.max(0));
                    deadline = earliest(deadline, Some(d));
                }
            }
            let due = untolerated || (!never && deadline.is_some_and(|d| d <= now));
            if !due {
                if let Some(d) = deadline.filter(|_| !never) {
                    wake = earliest(wake, Some(d));
                }
                continue;
            }
            let ns = pod.metadata.namespace.clone().unwrap_or_default();
            let obj = Object::Pod(pod.clone());
            events::record(store, now, SOURCE, &obj, "Normal", "TaintManagerEviction", &format!("Marking for deletion Pod {ns}/{}", pod.metadata.name));
            let mut c = Condition::new("DisruptionTarget", true, now);
            c.reason = Some("DeletionByTaintManager".into());
            c.message = Some("Taint manager: deleting due to NoExecute taint".into());
            set_condition(&mut pod.status.conditions, c);
            let _ = apiserver::write(store, now, Object::Pod(pod.clone()));
            let _ = apiserver::delete(store, now, &ObjectKey::of(&Object::Pod(pod)), None);
        }
    }
    wake
}
