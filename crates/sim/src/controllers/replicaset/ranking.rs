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

    /// The key without the uid's text, as two integers that order as the key does: every
    /// field mapped to unsigned bits that keep its order (negatives below positives,
    /// `Reverse` as the complement, `None` below every bucket), the first field highest.
    /// Two candidates whose integers are equal compare by [`Candidate::key`].
    fn packed(&self, rank: usize, now: Time) -> (u128, u128) {
        let signed = |v: i32| u128::from(v as u32 ^ 0x8000_0000);
        // Buckets are -1..=127; None sorts first.
        let bucket = |b: Option<i64>| b.map_or(0, |b| (b + 2) as u128);
        let ready_since = if self.ready { self.ready_since.map(|t| log_bucket(now, t)) } else { None };
        let fewer_related = u128::from(u32::MAX - rank.min(u32::MAX as usize) as u32);
        let fewer_restarts = u128::from(u32::MAX) - signed(self.restarts);
        let high = u128::from(self.node.is_some()) << 115
            | u128::from(self.phase_rank & 3) << 113
            | u128::from(self.ready) << 112
            | signed(self.cost) << 80
            | fewer_related << 48
            | bucket(ready_since) << 40
            | fewer_restarts << 8
            | bucket(self.created.map(|t| log_bucket(now, t)));
        (high, u128::from(self.uid.is_some()) << 64 | u128::from(self.uid_prefix))
    }
}

/// A candidate's [`Candidate::packed`] key and its index, as [`first_to_delete`] ranks them.
pub type Packed = (u128, u128, u32);

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
/// `keys` is a buffer to rank in (its contents are replaced).
pub fn first_to_delete<'a, T: Ord>(candidates: &'a [(T, &'a Candidate)], rank: impl Fn(&Candidate) -> usize, n: usize, now: Time, keys: &mut Vec<Packed>) -> Vec<usize> {
    let n = n.min(candidates.len());
    if n == 0 {
        return Vec::new();
    }
    // Packed keys sort in place without reaching back into the candidates, except on the
    // rare tie of everything up to the uid's first eight bytes.
    keys.clear();
    keys.extend(candidates.iter().enumerate().map(|(i, (_, c))| {
        let (high, low) = c.packed(rank(c), now);
        (high, low, i as u32)
    }));
    let full = |i: u32| {
        let (name, c) = &candidates[i as usize];
        (c.key(rank(c), now), name)
    };
    let order = |a: &Packed, b: &Packed| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| full(a.2).cmp(&full(b.2)));
    if n < keys.len() {
        keys.select_nth_unstable_by(n - 1, order);
    }
    crate::sorting::sort_by(&mut keys[..n], order);
    keys[..n].iter().map(|&(_, _, i)| i as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Candidates over every field's edge values, and the ranks to go with them.
    fn spread() -> Vec<(String, Candidate, usize)> {
        let mut rng = crate::rand::Rng::new(7);
        let times = [None, Some(Time(-5_000)), Some(Time(0)), Some(Time(999_000)), Some(Time(1_000_000)), Some(Time(1_000_001))];
        let ints = [i32::MIN, -10, -1, 0, 1, 7, i32::MAX];
        let uids = [None, Some("a"), Some("abcdefgh"), Some("abcdefgh-1"), Some("abcdefgh-2"), Some("b")];
        (0..3000)
            .map(|i| {
                let mut pick = |n: usize| (rng.next_u64() % n as u64) as usize;
                let uid = uids[pick(uids.len())];
                let c = Candidate {
                    node: [None, Some(0), Some(3)][pick(3)],
                    phase_rank: pick(4) as u8,
                    ready: pick(2) == 1,
                    cost: ints[pick(ints.len())],
                    ready_since: times[pick(times.len())],
                    restarts: ints[pick(ints.len())],
                    created: times[pick(times.len())],
                    uid: uid.map(Box::from),
                    uid_prefix: prefix_of(uid),
                };
                (format!("pod-{:04}", i % 1500), c, [0, 1, 2, 110, usize::MAX][pick(5)])
            })
            .collect()
    }

    #[test]
    fn packed_keys_order_as_the_full_keys() {
        let now = Time(1_000_000);
        let all = spread();
        for (_, a, ra) in &all[..300] {
            for (_, b, rb) in &all {
                let (pa, pb) = (a.packed(*ra, now), b.packed(*rb, now));
                if pa != pb {
                    assert_eq!(pa.cmp(&pb), a.key(*ra, now).cmp(&b.key(*rb, now)), "{a:?} rank {ra} against {b:?} rank {rb}");
                }
            }
        }
    }

    #[test]
    fn first_to_delete_takes_the_head_of_the_full_order() {
        let now = Time(1_000_000);
        let all = spread();
        let candidates: Vec<(&String, &Candidate)> = all.iter().map(|(name, c, _)| (name, c)).collect();
        let ranks: std::collections::HashMap<*const Candidate, usize> = all.iter().map(|(_, c, r)| (c as *const Candidate, *r)).collect();
        let rank_of = |c: &Candidate| ranks[&(c as *const Candidate)];
        let mut sorted: Vec<usize> = (0..candidates.len()).collect();
        sorted.sort_by(|&i, &j| (candidates[i].1.key(rank_of(candidates[i].1), now), candidates[i].0).cmp(&(candidates[j].1.key(rank_of(candidates[j].1), now), candidates[j].0)));
        for n in [1, 2, 17, 500, 2999, 3000, 4000] {
            let chosen = first_to_delete(&candidates, rank_of, n, now, &mut Vec::new());
            let expected: Vec<(&Candidate, &String)> = sorted.iter().take(n).map(|&i| (candidates[i].1, candidates[i].0)).collect();
            let got: Vec<(&Candidate, &String)> = chosen.iter().map(|&i| (candidates[i].1, candidates[i].0)).collect();
            assert_eq!(got, expected, "first {n}");
        }
    }
}
