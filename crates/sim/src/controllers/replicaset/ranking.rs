//! Which pods a ReplicaSet deletes first when it scales down: upstream's
//! ActivePodsWithRanks ordering (pkg/controller/controller_utils.go), read from a
//! [`Candidate`], the few fields of a pod it looks at.

use crate::api::{condition, Pod};
use crate::clock::Time;
use std::cmp::{Ordering, Reverse};

/// floor(log2(d in nanoseconds)), -1 for d <= 0 (LogarithmicScaleDown buckets).
fn log_bucket(now: Time, t: Time) -> i64 {
    let ns = (now.0 - t.0) as i128 * 1_000_000;
    if ns <= 0 {
        -1
    } else {
        127 - i64::from(ns.leading_zeros())
    }
}

/// What the scale-down ranking reads of one active pod. The controller's cache keeps one
/// per pod it counts, so a sync ranks these instead of reading every pod from the store.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The pod's node (an id from the cache's node names), `None` while unscheduled.
    pub node: Option<u32>,
    /// Pending 0, Unknown 1, Running 2, anything else 3.
    pub phase_rank: u8,
    /// Whether its Ready condition is True.
    pub ready: bool,
    /// The `controller.kubernetes.io/pod-deletion-cost` annotation (0 when absent or not a number).
    pub cost: i32,
    /// When it became ready, while it is.
    pub ready_since: Option<Time>,
    /// The most restarts of any of its containers.
    pub restarts: i32,
    /// Its creationTimestamp.
    pub created: Option<Time>,
    /// Its uid, the last tie-breaker.
    pub uid: Option<Box<str>>,
    /// The uid's first eight bytes as a number that sorts as they do, compared before the
    /// uid itself: many pods tie on everything else, and this keeps the tie-break from
    /// reading each uid from the heap.
    pub uid_prefix: u64,
}

/// The first eight bytes of `uid` (zero-padded) as a big-endian number: comparing two of
/// these orders them as comparing the strings' first eight bytes would.
fn prefix_of(uid: Option<&str>) -> u64 {
    let mut bytes = [0u8; 8];
    for (b, u) in bytes.iter_mut().zip(uid.unwrap_or("").bytes()) {
        *b = u;
    }
    u64::from_be_bytes(bytes)
}

impl Candidate {
    /// The ranking's inputs of `p`; `node` is the id of its node, if it has one.
    pub fn of(p: &Pod, node: Option<u32>) -> Candidate {
        let phase_rank = match p.phase() {
            "Pending" => 0,
            "Unknown" => 1,
            "Running" => 2,
            _ => 3,
        };
        let ready_condition = condition(&p.status.conditions, "Ready").filter(|c| c.status == "True");
        Candidate {
            node,
            phase_rank,
            ready: ready_condition.is_some(),
            cost: p.metadata.annotations.get("controller.kubernetes.io/pod-deletion-cost").and_then(|v| v.parse::<i32>().ok()).unwrap_or(0),
            ready_since: ready_condition.and_then(|c| c.last_transition_time),
            restarts: p.status.container_statuses.iter().map(|c| c.restart_count).max().unwrap_or(0),
            created: p.metadata.creation_timestamp,
            uid: p.metadata.uid.as_deref().map(Box::from),
            uid_prefix: prefix_of(p.metadata.uid.as_deref()),
        }
    }

    /// The key the ranking compares, given the number of related active pods on the pod's
    /// node (`rank`): assigned, phase, ready, deletion cost, related pods (more first),
    /// readiness age bucket (when ready; more recent first, unknown first), restarts (more
    /// first), creation age bucket, uid. Pods with smaller keys are deleted first.
    fn key(&self, rank: usize, now: Time) -> DeletionKey<'_> {
        (
            self.node.is_some(),
            self.phase_rank,
            self.ready,
            self.cost,
            Reverse(rank),
            if self.ready { self.ready_since.map(|t| log_bucket(now, t)) } else { None },
            Reverse(self.restarts),
            self.created.map(|t| log_bucket(now, t)),
            (self.uid.is_some(), self.uid_prefix),
            self.uid.as_deref(),
        )
    }
}

/// See [`Candidate::key`].
type DeletionKey<'a> = (bool, u8, bool, i32, Reverse<usize>, Option<i64>, Reverse<i32>, Option<i64>, (bool, u64), Option<&'a str>);

/// Models ActivePodsWithRanks.Less: pods that sort first are deleted first. `rank` is the
/// number of related active pods on the pod's node.
pub fn deletion_order(a: (&Pod, usize), b: (&Pod, usize), now: Time) -> Ordering {
    // Two pods on the same node or none: the node id only tells whether there is one.
    let node = |p: &Pod| p.spec.node_name.as_ref().map(|_| 0);
    let (ca, cb) = (Candidate::of(a.0, node(a.0)), Candidate::of(b.0, node(b.0)));
    ca.key(a.1, now).cmp(&cb.key(b.1, now))
}

/// The first `n` of `candidates` (each with its name) in the deletion order, without
/// sorting them all; `rank` gives each one's related pods on its node. Ties go to the
/// first name, so the order the candidates come in does not matter.
pub fn first_to_delete<'a, T: Ord>(candidates: &'a [(T, &'a Candidate)], rank: impl Fn(&Candidate) -> usize, n: usize, now: Time) -> Vec<usize> {
    let keys: Vec<(DeletionKey<'a>, &T)> = candidates.iter().map(|(name, c)| (c.key(rank(c), now), name)).collect();
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    let n = n.min(order.len());
    if n == 0 {
        return Vec::new();
    }
    if n < order.len() {
        order.select_nth_unstable_by(n - 1, |&i, &j| keys[i].cmp(&keys[j]));
        order.truncate(n);
    }
    crate::sorting::sort_by(&mut order, |&i, &j| keys[i].cmp(&keys[j]));
    order
}
