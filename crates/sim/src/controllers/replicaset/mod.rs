//! The ReplicaSet controller: adopts and releases pods by label, creates and
//! deletes pods to match `spec.replicas`, and reports status.

mod cache;
mod ranking;

pub use cache::Cache;
pub use ranking::deletion_order;

use super::{controller_of, controller_ref, owned_pods, owned_pods_shared, pod_from_template};
use crate::api::{condition, Kind, Object, Pod, ReplicaSet};
use ranking::{first_to_delete, Candidate};
use crate::apiserver;
use crate::clock::Time;
use crate::events::{self, Source};
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use std::collections::BTreeSet;
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

/// Adopts matching orphans and releases owned pods whose labels no longer match (only
/// pods that changed since the last claim can have stopped matching). Returns how many
/// active pods it controls afterwards, and the pods it failed to release.
fn claim_pods(store: &mut Store, cache: &mut Cache, now: Time, rs: &ReplicaSet, rs_obj: &Object) -> (i32, BTreeSet<ObjectKey>) {
    let ns = rs.metadata.namespace.clone().unwrap_or_default();
    let uid = rs.metadata.uid.as_deref().unwrap_or_default().to_string();
    cache.refresh(store);
    let tally = cache.tally(store, rs);
    let mut changed = std::mem::take(&mut tally.changed);
    crate::sorting::sort(&mut changed);
    changed.dedup();
    let mine: Vec<Arc<Object>> = if std::mem::take(&mut tally.check_all) {
        owned_pods_shared(store, &ns, &uid)
    } else {
        let controlled = |o: &Arc<Object>| o.meta().owner_references.iter().any(|r| r.controller == Some(true) && r.uid == uid);
        changed.into_iter().filter_map(|name| store.get_shared(&(Kind::Pod, ns.as_str(), name.as_str()))).filter(controlled).collect()
    };
    // The namespace's orphans it may claim.
    let mut orphans = owned_pods_shared(store, &ns, "");
    orphans.retain(|o| o.as_pod().is_some_and(|p| rs.spec.selector.matches(&p.metadata.labels)));
    let mut kept = BTreeSet::new();
    for o in mine {
        let Some(pod) = o.as_pod() else { continue };
        if !rs.spec.selector.matches(&pod.metadata.labels) {
            let mut pod = pod.clone();
            pod.metadata.owner_references.retain(|r| r.uid != uid);
            if apiserver::write(store, now, Object::Pod(pod)).is_err() {
                kept.insert(ObjectKey::of(&o));
            }
        }
    }
    for o in orphans {
        let Some(pod) = o.as_pod() else { continue };
        if pod.metadata.deletion_timestamp.is_none() && rs.metadata.deletion_timestamp.is_none() {
            let mut pod = pod.clone();
            pod.metadata.owner_references.push(controller_ref(rs_obj));
            let _ = apiserver::write(store, now, Object::Pod(pod));
        }
    }
    cache.refresh(store);
    let tally = cache.tally(store, rs);
    // A pod whose release failed is still controlled but not owned: it is retried next time.
    tally.changed.extend(kept.iter().map(|k| k.name.clone()));
    let unreleased = kept.iter().filter(|k| store.get(k).and_then(Object::as_pod).is_some_and(is_active)).count() as i32;
    (tally.active - unreleased, kept)
}

/// Debug builds check the cache against the store at every scale-down: the candidates
/// are the active pods `rs` owns (less those whose release failed), each as the pod reads now, and `related` counts the active pods of `rs`'s family per node.
#[cfg(debug_assertions)]
fn check_candidates(store: &Store, nodes: &cache::NodeIds, rs: &ReplicaSet, unreleased: &BTreeSet<ObjectKey>, candidates: &[(&String, &Candidate)], related: &[u32]) {
    let (ns, uid) = (rs.metadata.namespace.as_deref().unwrap_or(""), rs.metadata.uid.as_deref().unwrap_or(""));
    let from_store: Vec<(String, Candidate)> = owned_pods(store, ns, uid)
        .filter(|p| is_active(p) && !unreleased.contains(&ObjectKey { kind: Kind::Pod, namespace: ns.to_string(), name: p.metadata.name.clone() }))
        .map(|p| (p.metadata.name.clone(), Candidate::of(p, p.spec.node_name.as_deref().and_then(|n| nodes.find(n)))))
        .collect();
    let mut cached: Vec<(String, Candidate)> = candidates.iter().map(|(n, c)| ((*n).clone(), (*c).clone())).collect();
    cached.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(cached, from_store, "the scale-down candidates of {} agree with the store", rs.metadata.name);
    let mut counted: std::collections::BTreeMap<&str, u32> = Default::default();
    for sibling in family(store, rs) {
        let Some(sibling_uid) = sibling.metadata.uid.as_deref() else { continue };
        for node in owned_pods(store, ns, sibling_uid).filter(|p| is_active(p)).filter_map(|p| p.spec.node_name.as_deref()) {
            *counted.entry(node).or_default() += 1;
        }
    }
    for (name, id) in nodes.iter() {
        let cached = related.get(id as usize).copied().unwrap_or(0);
        assert_eq!(cached, counted.get(name).copied().unwrap_or(0), "related pods of {} on {name}", rs.metadata.name);
    }
}

/// `rs` and the ReplicaSets sharing its controller (a Deployment's old and new ones), or
/// `rs` alone when nothing controls it.
fn family<'a>(store: &'a Store, rs: &ReplicaSet) -> Vec<&'a ReplicaSet> {
    let owner = controller_of(&rs.metadata).map(|r| r.uid.as_str());
    store
        .list(Kind::ReplicaSet, Some(rs.metadata.namespace.as_deref().unwrap_or("")))
        .filter_map(Object::as_replica_set)
        .filter(|other| match owner {
            Some(o) => controller_of(&other.metadata).is_some_and(|r| r.uid == o),
            None => other.metadata.uid == rs.metadata.uid,
        })
        .collect()
}

/// How many active pods of `rs`'s [`family`] run on each node (indexed by the cache's node
/// ids): the rank upstream's scale-down gives a pod's node.
fn related_per_node(store: &Store, cache: &mut Cache, rs: &ReplicaSet) -> Vec<u32> {
    let mut per_node = Vec::new();
    for member in family(store, rs) {
        cache.tally(store, member).add_per_node(&mut per_node);
    }
    per_node
}

/// One pass over every ReplicaSet. Returns when a pod next becomes available.
#[inline(never)]
pub fn reconcile(store: &mut Store, rng: &mut Rng, cache: &mut Cache, now: Time) -> Option<Time> {
    let sets = store.list_shared(Kind::ReplicaSet, None);
    let mut wake = None::<Time>;
    for rs_obj in &sets {
        let Some(rs) = rs_obj.as_replica_set() else { continue };
        let rs_obj: &Object = rs_obj;
        let (active, unreleased) = claim_pods(store, cache, now, rs, rs_obj);
        let diff = i64::from(active) - i64::from(rs.replicas());
        // The last failed create, kept as the ReplicaFailure condition until a sync succeeds.
        let mut failure: Option<String> = None;
        if rs.metadata.deletion_timestamp.is_none() {
            if diff < 0 {
                // Slow start: batches of 1, 2, 4, ... stopping at the first failure.
                let mut remaining = (-diff as usize).min(BURST_REPLICAS);
                let mut batch = 1;
                'create: while remaining > 0 {
                    for _ in 0..batch.min(remaining) {
                        match apiserver::create(store, rng, now, Object::Pod(pod_from_template(&rs.spec.template, rs_obj))) {
                            Ok(p) => events::record(store, now, SOURCE, rs_obj, "Normal", "SuccessfulCreate", &crate::text::concat(&["Created pod: ", p.name()])),
                            Err(e) => {
                                events::record(store, now, SOURCE, rs_obj, "Warning", "FailedCreate", &format!("Error creating: {}", e.message));
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
                let related = related_per_node(store, cache, rs);
                let uid = rs.metadata.uid.as_deref().unwrap_or("");
                let ns = rs.metadata.namespace.as_deref().unwrap_or("");
                let kept = |name: &str| unreleased.contains(&ObjectKey { kind: Kind::Pod, namespace: ns.to_string(), name: name.to_string() });
                let mut ranking = std::mem::take(&mut cache.ranking);
                let candidates: Vec<(&String, &Candidate)> = match cache.get(uid) {
                    Some(tally) => tally.candidates.iter().filter(|(name, _)| unreleased.is_empty() || !kept(name)).collect(),
                    None => Vec::new(),
                };
                #[cfg(debug_assertions)]
                check_candidates(store, &cache.nodes, rs, &unreleased, &candidates, &related);
                let chosen: Vec<String> = if n < candidates.len() {
                    let rank = |c: &Candidate| c.node.and_then(|id| related.get(id as usize)).map_or(0, |r| *r as usize);
                    first_to_delete(&candidates, rank, n, now, &mut ranking).into_iter().map(|i| candidates[i].0.clone()).collect()
                } else {
                    // All of them go, in name order.
                    let mut all: Vec<String> = candidates.iter().map(|(name, _)| (*name).clone()).collect();
                    crate::sorting::sort(&mut all);
                    all
                };
                // Kept empty: its room is reused, and a copy of the cache copies nothing.
                ranking.clear();
                cache.ranking = ranking;
                for name in chosen {
                    let key = ObjectKey { kind: Kind::Pod, namespace: ns.to_string(), name };
                    if apiserver::delete(store, now, &key, None).is_ok() {
                        events::record(store, now, SOURCE, rs_obj, "Normal", "SuccessfulDelete", &crate::text::concat(&["Deleted pod: ", &key.name]));
                    }
                }
            }
        }
        // Status from the pods as they are now (the store is immediately consistent).
        let uid = rs.metadata.uid.as_deref().unwrap_or_default().to_string();
        let ns = rs.metadata.namespace.as_deref().unwrap_or("");
        let min_ready = rs.spec.min_ready_seconds;
        let mut status = rs.status.clone();
        let (mut replicas, mut labeled, mut ready, mut available) = (0, 0, 0, 0);
        if min_ready == 0 {
            // Available is ready when minReadySeconds is 0: the cached counts answer.
            cache.refresh(store);
            let t = cache.tally(store, rs);
            (replicas, labeled, ready, available) = (t.active, t.labeled, t.ready, t.ready);
        }
        let counted = if min_ready > 0 { owned_pods(store, ns, &uid).filter(|p| is_active(p)).collect() } else { Vec::new() };
        for p in counted {
            replicas += 1;
            labeled += i32::from(rs.spec.template.metadata.labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)));
            ready += i32::from(p.is_ready());
            available += i32::from(is_available(p, min_ready, now));
            if let Some(t) = available_at(p, min_ready).filter(|t| *t >= now) {
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
        apiserver::update_if_changed(store, now, &ObjectKey::of(rs_obj), |o| {
            if let Object::ReplicaSet(current) = o {
                current.status = status;
            }
        });
    }
    cache.retain(|uid| sets.iter().any(|o| o.meta().uid.as_deref() == Some(uid)));
    wake
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;
    use crate::api::{ContainerStatus, Condition as Cond};
    use crate::clock::Duration;

    /// A pod described by the ranking's inputs.
    fn pod(name: &str, node: Option<&str>, phase: &str, ready_since: Option<i64>, restarts: i32, created: i64) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.uid = Some(name.into());
        p.metadata.creation_timestamp = Some(Time(created * 1000));
        std::sync::Arc::make_mut(&mut p.spec).node_name = node.map(Into::into);
        p.status.phase = Some(phase.to_string().into());
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
