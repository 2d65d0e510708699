//! The ReplicaSet controller: adopts and releases pods by label, creates and
//! deletes pods to match `spec.replicas`, and reports status.

use super::{controller_of, controller_ref, owned_pods, owned_pods_shared, pod_from_template};
use crate::api::{condition, Kind, Object, Pod, ReplicaSet};
use crate::apiserver;
use crate::clock::Time;
use crate::events::{self, Source};
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

const SOURCE: Source<'static> = Source { component: "replicaset-controller", host: "" };
/// At most this many pods are created or deleted per sync (`burstReplicas`).
const BURST_REPLICAS: usize = 500;
/// How soon a ReplicaSet whose pod could not be created tries again.
const RETRY_AFTER: crate::clock::Duration = crate::clock::Duration::seconds(10);

/// Active: not finished and not being deleted (pkg/controller/controller_utils.go IsPodActive).
pub fn is_active(p: &Pod) -> bool {
    !matches!(p.phase(), "Succeeded" | "Failed") && p.metadata.deletion_timestamp.is_none()
}

/// When a ready pod became available, or `None` if it is not ready.
fn available_at(p: &Pod, min_ready_seconds: i32) -> Option<Time> {
    let c = condition(&p.status.conditions, "Ready").filter(|c| c.status == "True")?;
    Some(c.last_transition_time.unwrap_or_default() + crate::clock::Duration::seconds(i64::from(min_ready_seconds)))
}

/// Models pkg/api/v1/pod/util.go IsPodAvailable: ready for strictly more than minReadySeconds.
pub fn is_available(p: &Pod, min_ready_seconds: i32, now: Time) -> bool {
    available_at(p, min_ready_seconds).is_some_and(|t| min_ready_seconds == 0 || t < now)
}

/// floor(log2(d in nanoseconds)), -1 for d <= 0 (LogarithmicScaleDown buckets).
fn log_bucket(now: Time, t: Time) -> i64 {
    let ns = (now.0 - t.0) as i128 * 1_000_000;
    if ns <= 0 {
        -1
    } else {
        127 - i64::from(ns.leading_zeros())
    }
}

/// Models pkg/controller/controller_utils.go ActivePodsWithRanks.Less: pods that sort
/// first are deleted first. `rank` is the number of related active pods on the pod's node.
pub fn deletion_order(a: (&Pod, usize), b: (&Pod, usize), now: Time) -> Ordering {
    let ((a, ra), (b, rb)) = (a, b);
    let assigned = |p: &Pod| p.spec.node_name.is_some();
    let phase_rank = |p: &Pod| match p.phase() {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let cost = |p: &Pod| p.metadata.annotations.get("controller.kubernetes.io/pod-deletion-cost").and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    let ready_since = |p: &Pod| condition(&p.status.conditions, "Ready").filter(|c| c.status == "True").and_then(|c| c.last_transition_time);
    let restarts = |p: &Pod| p.status.container_statuses.iter().map(|c| c.restart_count).max().unwrap_or(0);
    // A more recent time sorts first; zero/unknown counts as the most recent.
    let recent_first = |x: Option<Time>, y: Option<Time>| -> Ordering {
        match (x, y) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => log_bucket(now, x).cmp(&log_bucket(now, y)),
        }
    };
    assigned(a)
        .cmp(&assigned(b))
        .then(phase_rank(a).cmp(&phase_rank(b)))
        .then(a.is_ready().cmp(&b.is_ready()))
        .then(cost(a).cmp(&cost(b)))
        .then(rb.cmp(&ra))
        .then_with(|| if a.is_ready() && b.is_ready() { recent_first(ready_since(a), ready_since(b)) } else { Ordering::Equal })
        .then(restarts(b).cmp(&restarts(a)))
        .then_with(|| recent_first(a.metadata.creation_timestamp, b.metadata.creation_timestamp))
        .then_with(|| a.metadata.uid.cmp(&b.metadata.uid))
}

/// Adopts matching orphans and releases owned pods whose labels no longer match.
/// Returns the pods it controls afterwards, in name order.
fn claim_pods(store: &mut Store, now: Time, rs: &ReplicaSet, rs_obj: &Object) -> Vec<Arc<Object>> {
    let ns = rs.metadata.namespace.clone().unwrap_or_default();
    let uid = rs.metadata.uid.clone().unwrap_or_default();
    // Its own pods (from the controller index) and the namespace's orphans it may claim.
    let mine = owned_pods_shared(store, &ns, &uid);
    let mut orphans = owned_pods_shared(store, &ns, "");
    orphans.retain(|o| o.as_pod().is_some_and(|p| rs.spec.selector.matches(&p.metadata.labels)));
    let mut owned = Vec::with_capacity(mine.len());
    for o in mine {
        let Some(pod) = o.as_pod() else { continue };
        if rs.spec.selector.matches(&pod.metadata.labels) {
            owned.push(o);
        } else {
            let mut pod = pod.clone();
            pod.metadata.owner_references.retain(|r| r.uid != uid);
            let _ = apiserver::update(store, now, Object::Pod(pod));
        }
    }
    let adopted = owned.len();
    for o in orphans {
        let Some(pod) = o.as_pod() else { continue };
        if pod.metadata.deletion_timestamp.is_none() && rs.metadata.deletion_timestamp.is_none() {
            let mut pod = pod.clone();
            pod.metadata.owner_references.push(controller_ref(rs_obj));
            if apiserver::update(store, now, Object::Pod(pod)).is_ok() {
                owned.extend(store.get_shared(&ObjectKey::of(&o)));
            }
        }
    }
    if owned.len() > adopted {
        owned.sort_by(|a, b| a.name().cmp(b.name()));
    }
    owned
}

/// Pods of any ReplicaSet with the same controller as `rs` (or of `rs` alone).
fn related_pods(store: &Store, rs: &ReplicaSet) -> Vec<Arc<Object>> {
    let ns = rs.metadata.namespace.as_deref().unwrap_or("");
    let owner = controller_of(&rs.metadata).map(|r| r.uid.clone());
    let siblings: Vec<String> = store
        .list(Kind::ReplicaSet, Some(ns))
        .filter_map(Object::as_replica_set)
        .filter(|other| match &owner {
            Some(o) => controller_of(&other.metadata).is_some_and(|r| &r.uid == o),
            None => other.metadata.uid == rs.metadata.uid,
        })
        .filter_map(|r| r.metadata.uid.clone())
        .collect();
    siblings.iter().flat_map(|uid| owned_pods_shared(store, ns, uid)).filter(|o| o.as_pod().is_some_and(is_active)).collect()
}

/// One pass over every ReplicaSet. Returns when a pod next becomes available.
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time) -> Option<Time> {
    let sets = store.list_shared(Kind::ReplicaSet, None);
    let mut wake = None::<Time>;
    for rs_obj in sets {
        let Some(rs) = rs_obj.as_replica_set() else { continue };
        let owned = claim_pods(store, now, rs, &rs_obj);
        let active: Vec<&Pod> = owned.iter().filter_map(|o| o.as_pod()).filter(|p| is_active(p)).collect();
        let diff = active.len() as i64 - i64::from(rs.replicas());
        // The last failed create, kept as the ReplicaFailure condition until a sync succeeds.
        let mut failure: Option<String> = None;
        if rs.metadata.deletion_timestamp.is_none() {
            if diff < 0 {
                // Slow start: batches of 1, 2, 4, ... stopping at the first failure.
                let mut remaining = (-diff as usize).min(BURST_REPLICAS);
                let mut batch = 1;
                'create: while remaining > 0 {
                    for _ in 0..batch.min(remaining) {
                        match apiserver::create(store, rng, now, Object::Pod(pod_from_template(&rs.spec.template, &rs_obj))) {
                            Ok(p) => events::record(store, now, SOURCE, &rs_obj, "Normal", "SuccessfulCreate", &format!("Created pod: {}", p.name())),
                            Err(e) => {
                                events::record(store, now, SOURCE, &rs_obj, "Warning", "FailedCreate", &format!("Error creating: {}", e.message));
                                failure = Some(e.message);
                                // Upstream requeues with a backoff; kubeplay retries every 10 s.
                                wake = crate::clock::earliest(wake, Some(now + RETRY_AFTER));
                                break 'create;
                            }
                        }
                        remaining -= 1;
                    }
                    batch *= 2;
                }
            } else if diff > 0 {
                let n = (diff as usize).min(BURST_REPLICAS);
                let mut victims = active.clone();
                if n < victims.len() {
                    let related = related_pods(store, rs);
                    let mut related_on: BTreeMap<&str, usize> = BTreeMap::new();
                    for p in related.iter().filter_map(|o| o.as_pod()) {
                        if let Some(node) = p.spec.node_name.as_deref() {
                            *related_on.entry(node).or_default() += 1;
                        }
                    }
                    let rank = |p: &Pod| p.spec.node_name.as_deref().and_then(|n| related_on.get(n)).copied().unwrap_or(0);
                    let ranks: Vec<usize> = victims.iter().map(|p| rank(p)).collect();
                    let mut order: Vec<usize> = (0..victims.len()).collect();
                    order.sort_by(|&i, &j| deletion_order((victims[i], ranks[i]), (victims[j], ranks[j]), now));
                    victims = order.into_iter().take(n).map(|i| victims[i]).collect();
                }
                for p in victims.into_iter().take(n) {
                    let key = ObjectKey { kind: Kind::Pod, namespace: p.metadata.namespace.clone().unwrap_or_default(), name: p.metadata.name.clone() };
                    if apiserver::delete(store, now, &key, None).is_ok() {
                        events::record(store, now, SOURCE, &rs_obj, "Normal", "SuccessfulDelete", &format!("Deleted pod: {}", p.metadata.name));
                    }
                }
            }
        }
        // Status from the pods as they are now (the store is immediately consistent).
        let uid = rs.metadata.uid.clone().unwrap_or_default();
        let ns = rs.metadata.namespace.as_deref().unwrap_or("");
        let min_ready = rs.spec.min_ready_seconds;
        let mut status = rs.status.clone();
        let (mut replicas, mut labeled, mut ready, mut available) = (0, 0, 0, 0);
        for p in owned_pods(store, ns, &uid).filter(|p| is_active(p)) {
            replicas += 1;
            labeled += i32::from(rs.spec.template.metadata.labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)));
            ready += i32::from(p.is_ready());
            available += i32::from(is_available(p, min_ready, now));
            if let Some(t) = available_at(p, min_ready).filter(|t| min_ready > 0 && *t >= now) {
                wake = crate::clock::earliest(wake, Some(Time(t.0 + 1)));
            }
        }
        status.replicas = replicas;
        status.fully_labeled_replicas = labeled;
        status.ready_replicas = ready;
        status.available_replicas = available;
        status.observed_generation = Some(rs.metadata.generation);
        // As calculateStatus: set when a sync fails and none is set, cleared when one succeeds.
        match failure {
            Some(message) if condition(&status.conditions, "ReplicaFailure").is_none() => {
                let mut c = crate::api::Condition::new("ReplicaFailure", true, now);
                c.reason = Some("FailedCreate".into());
                c.message = Some(message);
                status.conditions.push(c);
            }
            Some(_) => {}
            None => status.conditions.retain(|c| c.type_ != "ReplicaFailure"),
        }
        apiserver::update_if_changed(store, now, &ObjectKey::of(&rs_obj), |o| {
            if let Object::ReplicaSet(current) = o {
                current.status = status;
            }
        });
    }
    wake
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ContainerStatus, Condition as Cond};
    use crate::clock::Duration;

    /// A pod described by the ranking's inputs.
    fn pod(name: &str, node: Option<&str>, phase: &str, ready_since: Option<i64>, restarts: i32, created: i64) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.uid = Some(name.into());
        p.metadata.creation_timestamp = Some(Time(created * 1000));
        p.spec.node_name = node.map(Into::into);
        p.status.phase = Some(phase.into());
        if let Some(t) = ready_since {
            p.status.conditions.push(Cond::new("Ready", true, Time(t * 1000)));
        }
        p.status.container_statuses.push(ContainerStatus { restart_count: restarts, ..Default::default() });
        p
    }

    fn first(a: (&Pod, usize), b: (&Pod, usize)) -> String {
        let now = Time(10_000 * 1000);
        let order = deletion_order(a, b, now);
        assert_eq!(deletion_order(b, a, now), order.reverse(), "the order is antisymmetric");
        if order == Ordering::Greater { b.0.metadata.name.clone() } else { a.0.metadata.name.clone() }
    }

    // One case per rule of ActivePodsWithRanks.Less, in upstream's order.
    #[test]
    fn deletion_ranking_rules() {
        let running = |name: &str| pod(name, Some("n1"), "Running", Some(100), 0, 50);
        assert_eq!(first((&pod("unassigned", None, "Pending", None, 0, 50), 1), (&running("assigned"), 1)), "unassigned");
        assert_eq!(first((&pod("pending", Some("n1"), "Pending", None, 0, 50), 1), (&running("running"), 1)), "pending");
        assert_eq!(first((&pod("not-ready", Some("n1"), "Running", None, 0, 50), 1), (&running("ready"), 1)), "not-ready");
        let mut cheap = running("cheap");
        cheap.metadata.annotations.insert("controller.kubernetes.io/pod-deletion-cost".into(), "-10".into());
        assert_eq!(first((&running("normal"), 1), (&cheap, 1)), "cheap", "lower deletion cost goes first");
        assert_eq!(first((&running("crowded"), 3), (&running("alone"), 1)), "crowded", "more related pods on its node goes first");
        // Ready for 100 s vs for 9,000 s: different log2 buckets, the more recent goes first.
        assert_eq!(first((&pod("old-ready", Some("n1"), "Running", Some(1000), 0, 50), 1), (&pod("new-ready", Some("n1"), "Running", Some(9900), 0, 50), 1)), "new-ready");
        assert_eq!(first((&pod("calm", Some("n1"), "Running", Some(100), 0, 50), 1), (&pod("restarty", Some("n1"), "Running", Some(100), 7, 50), 1)), "restarty");
        assert_eq!(first((&pod("older", Some("n1"), "Running", Some(100), 0, 10), 1), (&pod("newer", Some("n1"), "Running", Some(100), 0, 9990), 1)), "newer");
        // Same buckets everywhere: the uid decides (upstream: UID ascending).
        assert_eq!(first((&pod("b", Some("n1"), "Running", Some(100), 0, 50), 1), (&pod("a", Some("n1"), "Running", Some(100), 0, 51), 1)), "a");
    }

    #[test]
    fn availability_waits_for_min_ready_seconds() {
        let p = pod("p", Some("n1"), "Running", Some(100), 0, 50);
        assert!(is_available(&p, 0, Time(100_000)));
        assert!(!is_available(&p, 10, Time(110_000)), "strictly more than minReadySeconds");
        assert!(is_available(&p, 10, Time(110_000) + Duration::millis(1)));
        assert!(!is_available(&pod("q", Some("n1"), "Running", None, 0, 50), 0, Time(200_000)));
    }
}
