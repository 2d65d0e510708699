//! The ReplicaSet controller: adopts and releases pods by label, creates and
//! deletes pods to match `spec.replicas`, and reports status.

use super::{controller_of, controller_ref, owned_pods, owned_pods_shared, pod_from_template};
use crate::api::{condition, Kind, Object, Pod, ReplicaSet};
use crate::apiserver;
use crate::clock::Time;
use crate::events::{self, Source};
use crate::rand::Rng;
use crate::store::{EventType, ObjectKey, Store};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// The key [`deletion_order`] compares, computed once per pod: assigned, phase, ready,
/// deletion cost, related pods on its node (more first), readiness age bucket (when ready),
/// restarts (more first), creation age bucket, uid.
type DeletionKey<'a> = (bool, u8, bool, i32, std::cmp::Reverse<usize>, Option<i64>, std::cmp::Reverse<i32>, Option<i64>, Option<&'a str>);

fn deletion_key(p: &Pod, rank: usize, now: Time) -> DeletionKey<'_> {
    let phase_rank = match p.phase() {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    };
    let ready = p.is_ready();
    let cost = p.metadata.annotations.get("controller.kubernetes.io/pod-deletion-cost").and_then(|v| v.parse::<i32>().ok()).unwrap_or(0);
    // A more recent time sorts first; zero/unknown counts as the most recent (None sorts first).
    let ready_since = condition(&p.status.conditions, "Ready").filter(|c| c.status == "True").and_then(|c| c.last_transition_time);
    let restarts = p.status.container_statuses.iter().map(|c| c.restart_count).max().unwrap_or(0);
    (
        p.spec.node_name.is_some(),
        phase_rank,
        ready,
        cost,
        std::cmp::Reverse(rank),
        if ready { ready_since.map(|t| log_bucket(now, t)) } else { None },
        std::cmp::Reverse(restarts),
        p.metadata.creation_timestamp.map(|t| log_bucket(now, t)),
        p.metadata.uid.as_deref(),
    )
}

/// Models pkg/controller/controller_utils.go ActivePodsWithRanks.Less: pods that sort
/// first are deleted first. `rank` is the number of related active pods on the pod's node.
pub fn deletion_order(a: (&Pod, usize), b: (&Pod, usize), now: Time) -> Ordering {
    deletion_key(a.0, a.1, now).cmp(&deletion_key(b.0, b.1, now))
}

/// The first `n` of `pods` in [`deletion_order`] (ties keep the given order), without sorting them all.
fn first_to_delete<'a>(pods: &[&'a Pod], ranks: &[usize], n: usize, now: Time) -> Vec<&'a Pod> {
    let keys: Vec<(DeletionKey<'a>, usize)> = pods.iter().zip(ranks).enumerate().map(|(i, (p, r))| (deletion_key(p, *r, now), i)).collect();
    let mut order: Vec<usize> = (0..pods.len()).collect();
    let n = n.min(order.len());
    if n == 0 {
        return Vec::new();
    }
    if n < order.len() {
        order.select_nth_unstable_by(n - 1, |&i, &j| keys[i].cmp(&keys[j]));
        order.truncate(n);
    }
    crate::sorting::sort_by(&mut order, |&i, &j| keys[i].cmp(&keys[j]));
    order.into_iter().map(|i| pods[i]).collect()
}

/// What the controller last saw of one pod it counts for a ReplicaSet.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Seen {
    active: bool,
    labeled: bool,
    ready: bool,
}

/// One ReplicaSet's controlled pods (in its namespace), counted from the watch.
#[derive(Clone, Debug)]
struct Tally {
    namespace: String,
    selector: crate::api::LabelSelector,
    labels: BTreeMap<String, String>,
    active: i32,
    labeled: i32,
    ready: i32,
    /// Pods that changed since the last claim (their labels may no longer match).
    changed: BTreeSet<ObjectKey>,
    /// Every controlled pod must be checked against the selector at the next claim.
    check_all: bool,
}

impl Tally {
    fn seen(&self, p: &Pod) -> Seen {
        let active = is_active(p);
        Seen { active, labeled: active && self.labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)), ready: active && p.is_ready() }
    }

    fn add(&mut self, s: Seen, sign: i32) {
        self.active += sign * i32::from(s.active);
        self.labeled += sign * i32::from(s.labeled);
        self.ready += sign * i32::from(s.ready);
    }
}

/// The controller's informer cache: per ReplicaSet, counts of its active, labeled and ready
/// pods, kept up to date from the watch log so a sync costs what changed, not every pod.
/// Rebuilt from the store when the log no longer reaches back (and after a restore).
#[derive(Clone, Debug, Default)]
pub struct Cache {
    seen: Option<u64>,
    /// By ReplicaSet uid.
    tallies: BTreeMap<String, Tally>,
    /// Per counted pod: the ReplicaSets (uids) it is counted for and as what.
    pods: HashMap<ObjectKey, Vec<(String, Seen)>>,
}

impl Cache {
    /// Brings the counts up to the store's current resourceVersion.
    fn refresh(&mut self, store: &Store) {
        let rv = store.resource_version();
        if self.seen == Some(rv) {
            return;
        }
        let events = self.seen.filter(|s| *s <= rv).and_then(|s| store.events_since(s));
        match events {
            Some(events) => {
                for e in events {
                    if let Object::Pod(p) = &*e.object {
                        self.note(p, e.type_ == EventType::Deleted);
                    }
                }
            }
            None => {
                self.tallies.clear();
                self.pods.clear();
            }
        }
        self.seen = Some(rv);
    }

    fn note(&mut self, p: &Pod, gone: bool) {
        let key = ObjectKey { kind: Kind::Pod, namespace: p.metadata.namespace.clone().unwrap_or_default(), name: p.metadata.name.clone() };
        for (uid, seen) in self.pods.remove(&key).unwrap_or_default() {
            if let Some(t) = self.tallies.get_mut(&uid) {
                t.add(seen, -1);
            }
        }
        if gone {
            return;
        }
        let mut counted = Vec::new();
        for r in p.metadata.owner_references.iter().filter(|r| r.controller == Some(true)) {
            let Some(t) = self.tallies.get_mut(&r.uid).filter(|t| t.namespace == key.namespace) else { continue };
            if counted.iter().any(|(u, _)| *u == r.uid) {
                continue;
            }
            let seen = t.seen(p);
            t.add(seen, 1);
            t.changed.insert(key.clone());
            counted.push((r.uid.clone(), seen));
        }
        if !counted.is_empty() {
            self.pods.insert(key, counted);
        }
    }

    /// The tally of `rs`, counted from scratch when it is new or its selector or labels changed.
    fn tally(&mut self, store: &Store, rs: &ReplicaSet) -> &mut Tally {
        let (ns, uid) = (rs.metadata.namespace.clone().unwrap_or_default(), rs.metadata.uid.clone().unwrap_or_default());
        let valid = self.tallies.get(&uid).is_some_and(|t| t.namespace == ns && t.selector == rs.spec.selector && t.labels == rs.spec.template.metadata.labels);
        if !valid {
            let mut t = Tally {
                namespace: ns.clone(),
                selector: rs.spec.selector.clone(),
                labels: rs.spec.template.metadata.labels.clone(),
                active: 0,
                labeled: 0,
                ready: 0,
                changed: BTreeSet::new(),
                check_all: true,
            };
            for p in owned_pods(store, &ns, &uid) {
                let seen = t.seen(p);
                t.add(seen, 1);
                let key = ObjectKey { kind: Kind::Pod, namespace: ns.clone(), name: p.metadata.name.clone() };
                let entry = self.pods.entry(key).or_default();
                match entry.iter_mut().find(|(u, _)| *u == uid) {
                    Some(e) => e.1 = seen,
                    None => entry.push((uid.clone(), seen)),
                }
            }
            self.tallies.insert(uid.clone(), t);
        }
        self.tallies.get_mut(&uid).expect("tally just ensured")
    }
}

/// Adopts matching orphans and releases owned pods whose labels no longer match (only
/// pods that changed since the last claim can have stopped matching). Returns how many
/// active pods it controls afterwards, and the pods it failed to release.
fn claim_pods(store: &mut Store, cache: &mut Cache, now: Time, rs: &ReplicaSet, rs_obj: &Object) -> (i32, BTreeSet<ObjectKey>) {
    let ns = rs.metadata.namespace.clone().unwrap_or_default();
    let uid = rs.metadata.uid.clone().unwrap_or_default();
    cache.refresh(store);
    let tally = cache.tally(store, rs);
    let changed = std::mem::take(&mut tally.changed);
    let mine: Vec<Arc<Object>> = if std::mem::take(&mut tally.check_all) {
        owned_pods_shared(store, &ns, &uid)
    } else {
        let controlled = |o: &Arc<Object>| o.meta().owner_references.iter().any(|r| r.controller == Some(true) && r.uid == uid);
        changed.iter().filter_map(|k| store.get_shared(k)).filter(controlled).collect()
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
    tally.changed.extend(kept.iter().cloned());
    let unreleased = kept.iter().filter(|k| store.get(k).and_then(Object::as_pod).is_some_and(is_active)).count() as i32;
    (tally.active - unreleased, kept)
}

/// The active pods `rs` owns after a claim, in name order (the pods whose release failed left out).
fn active_owned(store: &Store, rs: &ReplicaSet, unreleased: &BTreeSet<ObjectKey>) -> Vec<Arc<Object>> {
    let (ns, uid) = (rs.metadata.namespace.as_deref().unwrap_or(""), rs.metadata.uid.as_deref().unwrap_or(""));
    let mut pods = owned_pods_shared(store, ns, uid);
    pods.retain(|o| o.as_pod().is_some_and(is_active) && (unreleased.is_empty() || !unreleased.contains(&ObjectKey::of(o))));
    pods
}

/// How many active pods of any ReplicaSet with the same controller as `rs` (or of `rs`
/// alone) each node runs: the rank upstream's scale-down gives a pod's node.
fn related_per_node<'a>(store: &'a Store, rs: &ReplicaSet) -> HashMap<&'a str, usize, BuildFnv> {
    let ns = rs.metadata.namespace.as_deref().unwrap_or("");
    let owner = controller_of(&rs.metadata).map(|r| r.uid.clone());
    let siblings = store.list(Kind::ReplicaSet, Some(ns)).filter_map(Object::as_replica_set).filter(|other| match &owner {
        Some(o) => controller_of(&other.metadata).is_some_and(|r| &r.uid == o),
        None => other.metadata.uid == rs.metadata.uid,
    });
    let mut per_node: HashMap<&str, usize, BuildFnv> = HashMap::default();
    for sibling in siblings {
        let Some(uid) = sibling.metadata.uid.as_deref() else { continue };
        for p in owned_pods(store, ns, uid).filter(|p| is_active(p)) {
            if let Some(node) = p.spec.node_name.as_deref() {
                *per_node.entry(node).or_default() += 1;
            }
        }
    }
    per_node
}

/// FNV-1a, a quick hash for the short node names [`related_per_node`] counts by (the map is
/// only looked up, never iterated, so its order cannot reach the history).
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type BuildFnv = std::hash::BuildHasherDefault<Fnv>;

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
                            Ok(p) => events::record(store, now, SOURCE, rs_obj, "Normal", "SuccessfulCreate", &format!("Created pod: {}", p.name())),
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
                let owned = active_owned(store, rs, &unreleased);
                let mut victims: Vec<&Pod> = owned.iter().filter_map(|o| o.as_pod()).collect();
                if n < victims.len() {
                    let related_on = related_per_node(store, rs);
                    let rank = |p: &Pod| p.spec.node_name.as_deref().and_then(|n| related_on.get(n)).copied().unwrap_or(0);
                    let ranks: Vec<usize> = victims.iter().map(|p| rank(p)).collect();
                    victims = first_to_delete(&victims, &ranks, n, now);
                }
                for p in victims.into_iter().take(n) {
                    let key = ObjectKey { kind: Kind::Pod, namespace: p.metadata.namespace.clone().unwrap_or_default(), name: p.metadata.name.clone() };
                    if apiserver::delete(store, now, &key, None).is_ok() {
                        events::record(store, now, SOURCE, rs_obj, "Normal", "SuccessfulDelete", &format!("Deleted pod: {}", p.metadata.name));
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
    cache.tallies.retain(|uid, _| sets.iter().any(|o| o.meta().uid.as_deref() == Some(uid.as_str())));
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
