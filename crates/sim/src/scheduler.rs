//! kube-scheduler: binds each unscheduled pod to the best feasible node and keeps
//! the reasons, so the page and `FailedScheduling` can explain the decision.

use crate::api::{set_condition, Condition, Kind, Node, Object, Pod};
use crate::apiserver;
use crate::clock::Time;
use crate::store::{EventType, Store};
use serde::{Deserialize, Serialize};
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Scoring counts a container without requests as this much CPU (millicores)...
const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// ...and this much memory (bytes).
const DEFAULT_MEMORY_REQUEST: i64 = 200 << 20;

/// Why one scheduling attempt chose what it chose.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// For each node that failed a filter: the reason, as upstream words it.
    pub rejected: crate::api::StringMap,
    /// For each feasible node: its total score (when more than 100 nodes were scored,
    /// only the best 20), in name order.
    pub scores: crate::small_map::SmallMap<String, i64>,
    /// The chosen node, if any.
    pub chosen: Option<String>,
    /// How many feasible nodes were scored (large clusters score only a share of them).
    #[serde(default)]
    pub scored: usize,
}

impl Explanation {
    /// Models pkg/scheduler/schedule_one.go FitError.Error: `0/4 nodes are available: 1 node(s) ..., 3 Insufficient cpu.`
    pub fn failure_message(&self, total_nodes: usize) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for reason in self.rejected.values() {
            *counts.entry(reason.as_str()).or_default() += 1;
        }
        let mut parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
        crate::sorting::sort(&mut parts);
        format!("0/{total_nodes} nodes are available: {}.", parts.join(", "))
    }
}


/// What the pods bound to a node request (NodeResourcesFit's view of the node).
#[derive(Clone, Debug, Default)]
pub struct NodeUsage {
    pods: i64,
    cpu: i64,
    memory: i64,
    nonzero_cpu: i64,
    nonzero_memory: i64,
}

impl NodeUsage {
    /// What the non-terminal pods in `pods` request.
    fn of<'a>(pods: impl Iterator<Item = &'a Pod>) -> Self {
        let mut u = NodeUsage::default();
        for p in pods.filter(|p| !matches!(p.phase(), "Succeeded" | "Failed")) {
            u.add(p);
        }
        u
    }

    fn add(&mut self, p: &Pod) {
        self.count(p.request_milli("cpu"), p.request_milli("memory") / 1000, 1);
    }

    /// Adds (`sign` 1) or removes (-1) one pod requesting `cpu` millicores and `mem` bytes.
    fn count(&mut self, cpu: i64, mem: i64, sign: i64) {
        self.pods += sign;
        self.cpu += sign * cpu;
        self.memory += sign * mem;
        self.nonzero_cpu += sign * if cpu == 0 { DEFAULT_MILLI_CPU_REQUEST } else { cpu };
        self.nonzero_memory += sign * if mem == 0 { DEFAULT_MEMORY_REQUEST } else { mem };
    }
}

/// Usage per node position in `rows`, from the store's pods-by-node index.
fn node_usage(store: &Store, rows: &[NodeRow<'_>]) -> Vec<NodeUsage> {
    let mut usage = vec![NodeUsage::default(); rows.len()];
    let position: BTreeMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r.node.metadata.name.as_str(), i)).collect();
    for (node, pods) in store.bound_pods() {
        if let Some(&i) = position.get(node) {
            usage[i] = NodeUsage::of(pods);
        }
    }
    usage
}

/// How many of `pods` count for the default topology spread of `selector` in `namespace`
/// (terminal and terminating pods do not).
#[cfg(test)]
fn matching<'a>(pods: impl Iterator<Item = &'a Pod>, namespace: &str, selector: &crate::api::LabelSelector) -> i64 {
    pods.filter(|p| !matches!(p.phase(), "Succeeded" | "Failed") && p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.metadata.namespace.as_deref().unwrap_or("") == namespace && selector.matches(&p.metadata.labels))
        .count() as i64
}

/// Per node position, how many pods in `namespace` match `selector`, for the default topology
/// spread, counted from scratch (the tests check the scheduler's cache against it).
#[cfg(test)]
fn matching_per_node(store: &Store, rows: &[NodeRow<'_>], namespace: &str, selector: &crate::api::LabelSelector) -> Vec<i64> {
    let position: BTreeMap<&str, usize> = rows.iter().enumerate().map(|(i, r)| (r.node.metadata.name.as_str(), i)).collect();
    let mut counts = vec![0; rows.len()];
    for (node, pods) in store.bound_pods() {
        if let Some(&i) = position.get(node) {
            counts[i] = matching(pods, namespace, selector);
        }
    }
    counts
}

/// Matching pods per node number for one spread selector (a ReplicaSet's).
#[derive(Clone, Debug)]
struct SpreadCounts {
    namespace: String,
    selector: crate::api::LabelSelector,
    counts: Vec<i64>,
}

/// Changes the entry for node number `id` with `change`, growing `by_node` to reach it.
fn change_node<V: Default + Clone>(by_node: &mut Vec<V>, id: u32, change: impl FnOnce(&mut V)) {
    let at = id as usize;
    if by_node.len() <= at {
        by_node.resize(at + 1, V::default());
    }
    change(&mut by_node[at]);
}

/// What the cache last counted of one pod: enough to take its share back out when the pod
/// changes or goes, so a change costs the same however many pods share its node.
#[derive(Clone, Debug, PartialEq)]
struct Counted {
    node: String,
    /// The node's number in the cache.
    id: u32,
    namespace: String,
    labels: crate::api::StringMap,
    /// Not terminal: counts in its node's usage.
    in_usage: bool,
    /// Neither terminal nor terminating: counts for topology spread.
    in_spread: bool,
    /// Requested CPU (millicores) and memory (bytes).
    cpu: i64,
    memory: i64,
}

impl Counted {
    /// What counts of a bound pod (`None` while it is unbound), numbering its node in `cache`.
    fn of(p: &Pod, cache: &mut NodeCache) -> Option<Counted> {
        let node = p.spec.node_name.as_deref().filter(|n| !n.is_empty())?;
        let in_usage = !matches!(p.phase(), "Succeeded" | "Failed");
        Some(Counted {
            id: cache.id_of(node),
            node: node.to_string(),
            namespace: p.metadata.namespace.clone().unwrap_or_default(),
            labels: p.metadata.labels.clone(),
            in_usage,
            in_spread: in_usage && p.metadata.deletion_timestamp.is_none(),
            cpu: p.request_milli("cpu"),
            memory: p.request_milli("memory") / 1000,
        })
    }

    /// True when `p` would count exactly as this does (checked without allocating).
    fn same_as(&self, p: &Pod) -> bool {
        let in_usage = !matches!(p.phase(), "Succeeded" | "Failed");
        p.spec.node_name.as_deref() == Some(self.node.as_str())
            && self.in_usage == in_usage
            && self.in_spread == (in_usage && p.metadata.deletion_timestamp.is_none())
            && self.labels == p.metadata.labels
    }

    /// Adds (`sign` 1) or takes out (-1) this pod's share of `cache`.
    fn apply(&self, cache: &mut NodeCache, sign: i64) {
        if self.in_usage {
            change_node(&mut cache.usage, self.id, |u| u.count(self.cpu, self.memory, sign));
        }
        if self.in_spread {
            for spread in cache.spreads.values_mut() {
                if spread.namespace == self.namespace && spread.selector.matches(&self.labels) {
                    change_node(&mut spread.counts, self.id, |n| *n += sign);
                }
            }
        }
    }
}

/// The scheduler's cache (upstream keeps one too): what each node's bound pods request and,
/// per spread selector, how many matching pods each node runs. Each pass applies the pod
/// changes since the last one, read from the watch log, taking out what a changed pod
/// counted before and adding what it counts now; when the log no longer reaches back (or
/// after a restore) the cache is rebuilt from the store.
#[derive(Clone, Debug, Default)]
struct NodeCache {
    seen: Option<u64>,
    /// Every node as a pass reads it, in name order; `None` until a pass rebuilds it (after
    /// a node came or went, or the log moved on), updated in place when a node changes.
    nodes: Option<Vec<NodeFacts>>,
    /// Every node name met, numbered in the order met: the usage and spread counts are kept
    /// by these numbers, so a pass reads them without looking names up.
    ids: FxHashMap<String, u32>,
    /// What the bound pods request, by node number.
    usage: Vec<NodeUsage>,
    /// By ReplicaSet uid; entries a pass with pending pods did not use are dropped.
    spreads: BTreeMap<String, SpreadCounts>,
    /// What each bound pod counts for, by uid.
    counted: FxHashMap<String, Counted>,
}

impl NodeCache {
    /// Brings the cache up to the store's current resourceVersion.
    fn refresh(&mut self, store: &Store) {
        let rv = store.resource_version();
        let events = self.seen.filter(|s| *s <= rv).and_then(|since| store.events_since(since));
        self.seen = Some(rv);
        let Some(events) = events else {
            self.nodes = None;
            self.spreads.clear();
            self.usage.clear();
            self.counted.clear();
            for pod in store.list(Kind::Pod, None).filter_map(Object::as_pod) {
                self.update(pod, false);
            }
            return;
        };
        for e in events {
            match &*e.object {
                Object::Pod(p) => self.update(p, e.type_ == EventType::Deleted),
                Object::Node(_) => self.node_changed(&e.object, e.type_),
                _ => {}
            }
        }
    }

    /// Brings one node's facts up to date, or has the next pass read every node again when
    /// one came or went.
    fn node_changed(&mut self, object: &Arc<Object>, type_: EventType) {
        if self.nodes.is_none() {
            return;
        }
        let facts = NodeFacts::of(object.clone(), self);
        let Some(nodes) = self.nodes.as_mut() else { return };
        let at = nodes.binary_search_by(|f| f.name().cmp(object.name()));
        match (type_, at, facts) {
            (EventType::Modified, Ok(at), Some(facts)) => nodes[at] = facts,
            _ => self.nodes = None,
        }
    }

    /// Takes out what `pod` counted for and, unless it was deleted, adds what it counts now.
    fn update(&mut self, pod: &Pod, deleted: bool) {
        let uid = pod.metadata.uid.as_deref().unwrap_or_default();
        let before = self.counted.get(uid);
        if !deleted && before.is_some_and(|c| c.same_as(pod)) {
            return;
        }
        if let Some(old) = self.counted.remove(uid) {
            old.apply(self, -1);
        }
        if let Some(now) = Counted::of(pod, self).filter(|_| !deleted) {
            now.apply(self, 1);
            self.counted.insert(uid.to_string(), now);
        }
    }

    /// The number of the node named `node`, given it the first time it is met.
    fn id_of(&mut self, node: &str) -> u32 {
        if let Some(&id) = self.ids.get(node) {
            return id;
        }
        let id = self.ids.len() as u32;
        self.ids.insert(node.to_string(), id);
        id
    }

    /// Usage by node position.
    fn usage_of(&self, rows: &[NodeRow<'_>]) -> Vec<NodeUsage> {
        rows.iter().map(|r| self.usage.get(r.id as usize).cloned().unwrap_or_default()).collect()
    }

    /// Matching pods by node position for the ReplicaSet `uid`'s selector, counted once and then kept.
    ///
    /// A new selector is counted from the pods as the cache knows them (as of its last
    /// refresh), not from the store: pods this pass has bound since are the local counts'
    /// to add, and the next refresh adds them to the cache's.
    fn spread_of(&mut self, rows: &[NodeRow<'_>], uid: &str, namespace: &str, selector: &crate::api::LabelSelector) -> Vec<i64> {
        if !self.spreads.get(uid).is_some_and(|s| s.namespace == namespace && &s.selector == selector) {
            let mut counts = Vec::new();
            for c in self.counted.values().filter(|c| c.in_spread && c.namespace == namespace && selector.matches(&c.labels)) {
                change_node(&mut counts, c.id, |n| *n += 1);
            }
            self.spreads.insert(uid.to_string(), SpreadCounts { namespace: namespace.to_string(), selector: selector.clone(), counts });
        }
        let counts = &self.spreads[uid].counts;
        rows.iter().map(|r| counts.get(r.id as usize).copied().unwrap_or(0)).collect()
    }
}

/// How many feasible nodes the scheduler looks for before it stops filtering
/// (upstream's numFeasibleNodesToFind with the adaptive percentageOfNodesToScore).
pub fn feasible_nodes_to_find(all: usize) -> usize {
    if all < 100 {
        return all;
    }
    let percentage = (50 - all as i64 / 125).max(5) as usize;
    (all * percentage / 100).max(100)
}

/// What the filters and scores read of a node besides its name and taints: allocatable
/// resources parsed once, and whether its spec has anything they must look at (most nodes
/// have nothing, so placing a pod reads only these, not every node object).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Capacity {
    cpu: i64,
    memory: i64,
    pods: i64,
    /// `spec.unschedulable`.
    unschedulable: bool,
    /// Whether it has a NoSchedule or NoExecute taint.
    hard_taints: bool,
    /// Whether it has a PreferNoSchedule taint.
    soft_taints: bool,
}

impl Capacity {
    fn of(node: &Node) -> Self {
        let has = |effects: &[&str]| node.spec.taints.iter().any(|t| effects.contains(&t.effect.as_str()));
        Capacity {
            cpu: node.allocatable_milli("cpu"),
            memory: node.allocatable_milli("memory") / 1000,
            pods: node.allocatable_milli("pods") / 1000,
            unschedulable: node.spec.unschedulable,
            hard_taints: has(&["NoSchedule", "NoExecute"]),
            soft_taints: has(&["PreferNoSchedule"]),
        }
    }
}

/// A node and its [`Capacity`], kept by the cache from pass to pass (a node's quantities
/// are parsed when it changes, not for every pass).
#[derive(Clone, Debug)]
struct NodeFacts {
    node: Arc<Object>,
    capacity: Capacity,
    /// The node's number in the cache.
    id: u32,
}

impl NodeFacts {
    /// `None` for an object that is not a node.
    fn of(node: Arc<Object>, cache: &mut NodeCache) -> Option<Self> {
        let capacity = Capacity::of(node.as_node()?);
        let id = cache.id_of(node.name());
        Some(NodeFacts { node, capacity, id })
    }

    fn name(&self) -> &str {
        self.node.name()
    }

    /// Everything a pass reads, for the debug check against the store.
    fn key(&self) -> (u64, Capacity) {
        (self.node.meta().resource_version.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0), self.capacity)
    }

    fn row(&self) -> Option<NodeRow<'_>> {
        Some(NodeRow { node: self.node.as_node()?, capacity: self.capacity, id: self.id })
    }
}

/// One node as a scheduling pass sees it.
struct NodeRow<'a> {
    node: &'a Node,
    capacity: Capacity,
    /// The node's number in the scheduler's cache (`u32::MAX` for rows read straight from the store).
    id: u32,
}

impl<'a> NodeRow<'a> {
    fn of(node: &'a Node) -> Self {
        NodeRow { node, capacity: Capacity::of(node), id: u32::MAX }
    }
}

impl std::ops::Deref for NodeRow<'_> {
    type Target = Capacity;
    fn deref(&self) -> &Capacity {
        &self.capacity
    }
}

fn node_rows(store: &Store) -> Vec<NodeRow<'_>> {
    store.list(Kind::Node, None).filter_map(Object::as_node).map(NodeRow::of).collect()
}

/// What a pod requests, read once per scheduling attempt: CPU (millicores) and memory (bytes).
#[derive(Clone, Copy, PartialEq)]
struct Requests {
    cpu: i64,
    memory: i64,
}

impl Requests {
    fn of(pod: &Pod) -> Self {
        Requests { cpu: pod.request_milli("cpu"), memory: pod.request_milli("memory") / 1000 }
    }
}

/// Runs the filter plugins; `Err` carries the reason of the first that fails.
fn filter(pod: &Pod, requests: Requests, row: &NodeRow<'_>, u: &NodeUsage) -> Result<(), String> {
    let node = row.node;
    let tolerates = |key: &str, value: Option<&str>, effect: &str| {
        let taint = crate::api::Taint { key: key.into(), value: value.map(Into::into), effect: effect.into(), time_added: None };
        pod.spec.tolerations.iter().any(|t| t.tolerates(&taint))
    };
    if row.unschedulable && !tolerates("node.kubernetes.io/unschedulable", None, "NoSchedule") {
        return Err("node(s) were unschedulable".into());
    }
    if row.hard_taints {
        for taint in node.spec.taints.iter().filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute") {
            if !pod.spec.tolerations.iter().any(|t| t.tolerates(taint)) {
                return Err(format!("node(s) had untolerated taint {{{}: {}}}", taint.key, taint.value.as_deref().unwrap_or("")));
            }
        }
    }
    if !pod.spec.matches_node(node) {
        return Err("node(s) didn't match Pod's node affinity/selector".into());
    }
    if u.pods + 1 > row.pods {
        return Err("Too many pods".into());
    }
    // (The same checks as `fits`, each with its reason.)
    let cpu = requests.cpu;
    if cpu > 0 && cpu > row.cpu - u.cpu {
        return Err("Insufficient cpu".into());
    }
    let mem = requests.memory;
    if mem > 0 && mem > row.memory - u.memory {
        return Err("Insufficient memory".into());
    }
    Ok(())
}

/// Whether the node has room for the pod: the pod count and the requested resources
/// (NodeResourcesFit and the pod limit of [`filter`], without the reasons).
fn fits(requests: Requests, row: &NodeRow<'_>, u: &NodeUsage) -> bool {
    u.pods < row.pods && (requests.cpu <= 0 || requests.cpu <= row.cpu - u.cpu) && (requests.memory <= 0 || requests.memory <= row.memory - u.memory)
}

/// Models pkg/scheduler/framework/plugins/noderesources least_allocated.go leastResourceScorer.
pub fn least_allocated_score(requested: &[(i64, i64)]) -> i64 {
    let per = requested.iter().map(|&(req, alloc)| if alloc == 0 || req > alloc { 0 } else { (alloc - req) * 100 / alloc });
    per.sum::<i64>() / requested.len().max(1) as i64
}

/// Models pkg/scheduler/framework/plugins/noderesources balanced_allocation.go balancedResourceScorer.
pub fn balanced_allocation_score(requested: &[(i64, i64)]) -> i64 {
    let fraction = |&(req, alloc): &(i64, i64)| if alloc == 0 { 1.0 } else { (req as f64 / alloc as f64).min(1.0) };
    let std = match requested.len() {
        0 | 1 => 0.0,
        2 => (fraction(&requested[0]) - fraction(&requested[1])).abs() / 2.0,
        n => {
            let mean = requested.iter().map(fraction).sum::<f64>() / n as f64;
            (requested.iter().map(fraction).map(|f| (f - mean) * (f - mean)).sum::<f64>() / n as f64).sqrt()
        }
    };
    ((1.0 - std) * 100.0).trunc() as i64
}

/// The selector the default topology spread constraint uses for `pod`: its
/// ReplicaSet's (upstream's DefaultSelector also looks at Services and StatefulSets).
fn spread_selector(store: &Store, pod: &Pod) -> Option<crate::api::LabelSelector> {
    let owner = crate::controllers::controller_of(&pod.metadata).filter(|r| r.kind == "ReplicaSet")?;
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    store.list(Kind::ReplicaSet, Some(ns)).filter_map(Object::as_replica_set).find(|rs| rs.metadata.uid.as_deref() == Some(owner.uid.as_str())).map(|rs| rs.spec.selector.clone())
}

/// Models pkg/scheduler/framework/plugins/podtopologyspread scoring with the system default
/// constraint (spread over `kubernetes.io/hostname`, ScheduleAnyway): nodes with fewer
/// matching pods score higher, normalized as `100 * (max + min - count) / max`.
pub fn spread_scores(counts: &[i64]) -> Vec<i64> {
    let max = counts.iter().copied().max().unwrap_or(0);
    let min = counts.iter().copied().min().unwrap_or(0);
    counts.iter().map(|&c| if max == 0 { 100 } else { 100 * (max + min - c) / max }).collect()
}

/// The cluster as one scheduling pass sees it: every node's allocatable resources and what
/// its bound pods request, read once. [`SchedulingPass::place`] is the work the scheduler
/// does for each pending pod of a pass (the filters over upstream's share of nodes from a
/// rotating start, then the scores), which the benchmarks measure per pod.
pub struct SchedulingPass<'a> {
    rows: Vec<NodeRow<'a>>,
    usage: Vec<NodeUsage>,
    next_start: usize,
}

impl<'a> SchedulingPass<'a> {
    /// Reads the nodes and their usage from `store`.
    pub fn of(store: &'a Store) -> Self {
        let rows = node_rows(store);
        let usage = node_usage(store, &rows);
        SchedulingPass { rows, usage, next_start: 0 }
    }

    /// Chooses a node for `pod` (without a spread selector) as a pass would, and moves the
    /// search's start on; binds nothing.
    pub fn place(&mut self, pod: &Pod) -> Explanation {
        let (ex, _, processed) = schedule_with(&self.rows, &self.usage, None, pod, self.next_start, None);
        if !self.rows.is_empty() {
            self.next_start = (self.next_start + processed) % self.rows.len();
        }
        ex
    }
}

/// How many of the best scores an explanation keeps when many nodes were scored.
const SCORES_KEPT: usize = 20;

/// Filters nodes from `start` round the list until enough feasible ones are found, then
/// scores those. Returns the explanation, the chosen node's position and how many nodes
/// were looked at.
///
/// `memo`, when given, holds each node's resource score (least allocated plus balanced
/// allocation) for the requests it was last worked out for: a pass places pod after pod with
/// the same requests, and only the chosen node's usage changes between them, so the pass
/// clears that node's entry and the others are read, not worked out again.
fn schedule_with(rows: &[NodeRow<'_>], usage: &[NodeUsage], spread: Option<&[i64]>, pod: &Pod, start: usize, memo: Option<&mut [Option<(Requests, i64)>]>) -> (Explanation, Option<usize>, usize) {
    let mut ex = Explanation::default();
    let wanted = feasible_nodes_to_find(rows.len());
    let mut feasible: Vec<usize> = Vec::new();
    let mut processed = 0;
    let requests = Requests::of(pod);
    // A pod pinned to named nodes is checked against those first (NodeAffinity's PreFilter);
    // if none fits, the full search below words the failure over every node.
    if let Some(names) = pod.spec.pinned_nodes() {
        // Rows are in name order (as the store lists nodes).
        let pinned: Vec<usize> = names.iter().filter_map(|n| rows.binary_search_by(|r| r.node.metadata.name.as_str().cmp(n)).ok()).collect();
        let fits: Vec<usize> = pinned.into_iter().filter(|&at| filter(pod, requests, &rows[at], &usage[at]).is_ok()).collect();
        if !fits.is_empty() {
            let soft = fits.iter().any(|&at| rows[at].soft_taints);
            return score(rows, usage, spread, pod, requests, fits, soft, ex, 0, memo);
        }
    }
    // A pod that asks nothing of the node's labels passes a node without taints or the
    // unschedulable mark on its resources alone; any other case takes the full filter, which
    // also words the reason a node fails.
    let plain = pod.spec.asks_nothing_of_nodes();
    let mut at = if rows.is_empty() { 0 } else { start % rows.len() };
    // Whether a feasible node has a PreferNoSchedule taint (noted while its row is at hand).
    let mut soft = false;
    for _ in 0..rows.len() {
        if feasible.len() >= wanted {
            break;
        }
        processed += 1;
        let (row, u) = (&rows[at], &usage[at]);
        if plain && !row.unschedulable && !row.hard_taints && fits(requests, row, u) {
            feasible.push(at);
            soft |= row.soft_taints;
        } else {
            match filter(pod, requests, row, u) {
                Ok(()) => {
                    feasible.push(at);
                    soft |= row.soft_taints;
                }
                Err(reason) => {
                    ex.rejected.insert(row.node.metadata.name.clone(), reason);
                }
            }
        }
        at += 1;
        if at == rows.len() {
            at = 0;
        }
    }
    score(rows, usage, spread, pod, requests, feasible, soft, ex, processed, memo)
}

/// Scores the feasible nodes and picks the best.
#[allow(clippy::too_many_arguments)]
///
/// `soft`: whether any feasible node has a PreferNoSchedule taint (without one, every node's
/// taint score is the same 100, and no row is read for it).
fn score(rows: &[NodeRow<'_>], usage: &[NodeUsage], spread: Option<&[i64]>, pod: &Pod, requests: Requests, feasible: Vec<usize>, soft: bool, mut ex: Explanation, processed: usize, mut memo: Option<&mut [Option<(Requests, i64)>]>) -> (Explanation, Option<usize>, usize) {
    let untolerated = |at: usize| {
        if !rows[at].soft_taints {
            return 0;
        }
        rows[at].node.spec.taints.iter().filter(|t| t.effect == "PreferNoSchedule" && !pod.spec.tolerations.iter().any(|tol| tol.tolerates(t))).count() as i64
    };
    let prefer_counts: Vec<i64> = if soft { feasible.iter().map(|&at| untolerated(at)).collect() } else { Vec::new() };
    let max_prefer = prefer_counts.iter().copied().max().unwrap_or(0);
    // [`spread_scores`] over the feasible nodes' counts, worked out node by node below.
    let (spread_max, spread_min) = match spread {
        Some(counts) => feasible.iter().fold((i64::MIN, i64::MAX), |(max, min), &at| (max.max(counts[at]), min.min(counts[at]))),
        None => (0, 0),
    };
    let spread_of = |at: usize| match spread {
        Some(_) if spread_max == 0 => 100,
        Some(counts) => 100 * (spread_max + spread_min - counts[at]) / spread_max,
        None => 0,
    };
    let (pod_cpu, pod_mem) = (requests.cpu, requests.memory);
    let nz_cpu = if pod_cpu == 0 { DEFAULT_MILLI_CPU_REQUEST } else { pod_cpu };
    let nz_mem = if pod_mem == 0 { DEFAULT_MEMORY_REQUEST } else { pod_mem };
    // Highest score wins; ties go to the first name (upstream picks at random): rows are in
    // name order, so that is the first position (positions are unique, so the order is total).
    let order = |a: &(i64, usize), b: &(i64, usize)| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1));
    // (score, node position): all of them, or, when more than 100 nodes are scored, only the
    // best SCORES_KEPT, best first, each new one put in its place as it comes.
    let all = feasible.len() <= 100;
    let keep = if all { feasible.len() } else { SCORES_KEPT };
    let mut best: Vec<(i64, usize)> = Vec::with_capacity(keep + 1);
    for (i, &at) in feasible.iter().enumerate() {
        let prefer = prefer_counts.get(i).copied().unwrap_or(0);
        let known = memo.as_deref().and_then(|m| m[at]).filter(|(r, _)| *r == requests).map(|(_, s)| s);
        let resources = known.unwrap_or_else(|| {
            let (row, u) = (&rows[at], &usage[at]);
            let least = least_allocated_score(&[(u.nonzero_cpu + nz_cpu, row.cpu), (u.nonzero_memory + nz_mem, row.memory)]);
            let balanced = balanced_allocation_score(&[(u.cpu + pod_cpu, row.cpu), (u.memory + pod_mem, row.memory)]);
            if let Some(m) = memo.as_deref_mut() {
                m[at] = Some((requests, least + balanced));
            }
            least + balanced
        });
        let taint = if max_prefer == 0 { 100 } else { 100 - 100 * prefer / max_prefer };
        let scored = (resources + 3 * taint + 2 * spread_of(at), at);
        if all {
            best.push(scored);
        } else if best.len() < keep || best.last().is_some_and(|last| order(&scored, last).is_lt()) {
            let place = best.partition_point(|b| order(b, &scored).is_lt());
            best.insert(place, scored);
            best.truncate(keep);
        }
    }
    ex.scored = feasible.len();
    let chosen = if all { best.iter().min_by(|a, b| order(a, b)) } else { best.first() }.map(|s| s.1);
    let mut scored = best;
    // Kept in name order, which is the rows' order: sorted by position, not by name.
    crate::sorting::sort_by_key(&mut scored, |s| s.1);
    let name = |at: usize| rows[at].node.metadata.name.clone();
    ex.chosen = chosen.map(name);
    ex.scores = crate::small_map::SmallMap::from_sorted(scored.iter().map(|&(score, at)| (name(at), score)).collect());
    (ex, chosen, processed)
}

/// How many scheduling explanations are kept (the most recent ones).
const EXPLANATIONS_KEPT: usize = 1000;

/// The scheduler component: binds every pending, unbound pod it can.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Scheduler {
    /// The last explanation per pod (`namespace/name`), for the page's inspector.
    pub explanations: BTreeMap<String, Explanation>,
    /// The order explanations were written in, oldest first (only the newest are kept).
    #[serde(default)]
    written: VecDeque<String>,
    /// Where the next pod's search for feasible nodes starts (upstream's nextStartNodeIndex).
    #[serde(default)]
    next_start: usize,
    /// Per-node usage and spread counts, rebuilt after a restore.
    #[serde(skip)]
    cache: NodeCache,
}

impl Scheduler {
    fn explain(&mut self, key: String, ex: Explanation) {
        if self.explanations.insert(key.clone(), ex).is_none() {
            self.written.push_back(key);
        }
        while self.written.len() > EXPLANATIONS_KEPT {
            if let Some(old) = self.written.pop_front() {
                self.explanations.remove(&old);
            }
        }
    }

    /// One reconcile pass. Returns nothing to wake for: it runs again on every store change.
    #[inline(never)]
    pub fn reconcile(&mut self, store: &mut Store, now: Time) {
        // Kept current on every run, so a pass with pending pods reads only the latest changes
        // (not a rebuild from every bound pod once the watch log has moved on).
        self.cache.refresh(store);
        let queue = store.unbound_pods();
        let mut pending: Vec<&Pod> = queue
            .iter()
            .filter_map(|o| o.as_pod())
            .filter(|p| p.metadata.deletion_timestamp.is_none() && p.spec.scheduler_name.as_deref().unwrap_or("default-scheduler") == "default-scheduler")
            .collect();
        if pending.is_empty() {
            return;
        }
        crate::sorting::sort_by(&mut pending, |a, b| (a.metadata.creation_timestamp, &a.metadata.name).cmp(&(b.metadata.creation_timestamp, &b.metadata.name)));
        let read = |cache: &mut NodeCache| -> Vec<NodeFacts> { store.list_shared(Kind::Node, None).into_iter().filter_map(|o| NodeFacts::of(o, cache)).collect() };
        let facts = match self.cache.nodes.take() {
            Some(facts) => facts,
            None => read(&mut self.cache),
        };
        // Debug builds check the kept facts against the nodes as stored.
        debug_assert!(facts.iter().map(NodeFacts::key).eq(read(&mut self.cache).iter().map(NodeFacts::key)), "the scheduler's node facts fell behind the store");
        let nodes: Vec<NodeRow<'_>> = facts.iter().filter_map(NodeFacts::row).collect();
        let total = nodes.len();
        let mut usage = self.cache.usage_of(&nodes);
        let mut memo = vec![None; total];
        // Matching pods per node, per spread selector (its ReplicaSet's uid), kept up to date as pods bind.
        let mut spreads: BTreeMap<String, (String, crate::api::LabelSelector, Vec<i64>)> = BTreeMap::new();
        for &pod in &pending {
            let key = crate::text::concat(&[pod.metadata.namespace.as_deref().unwrap_or(""), "/", &pod.metadata.name]);
            let ns = pod.metadata.namespace.as_deref().unwrap_or("");
            let owner = crate::controllers::controller_of(&pod.metadata).filter(|r| r.kind == "ReplicaSet").map(|r| r.uid.clone());
            if let Some(uid) = owner.as_ref().filter(|u| !spreads.contains_key(*u)) {
                if let Some(sel) = spread_selector(store, pod) {
                    let counts = self.cache.spread_of(&nodes, uid, ns, &sel);
                    spreads.insert(uid.clone(), (ns.to_string(), sel, counts));
                }
            }
            let spread = owner.as_ref().and_then(|u| spreads.get(u)).map(|(_, _, c)| c.as_slice());
            let (ex, chosen, processed) = schedule_with(&nodes, &usage, spread, pod, self.next_start, Some(&mut memo));
            if total > 0 {
                self.next_start = (self.next_start + processed) % total;
            }
            let mut bound = pod.clone();
            match &ex.chosen {
                Some(node) => {
                    let at = chosen.unwrap_or_default();
                    usage[at].add(pod);
                    memo[at] = None;
                    for (sel_ns, sel, counts) in spreads.values_mut() {
                        if sel_ns == ns && sel.matches(&pod.metadata.labels) {
                            counts[at] += 1;
                        }
                    }
                    Arc::make_mut(&mut bound.spec).node_name = Some(node.clone());
                    set_condition(&mut bound.status.conditions, Condition::new("PodScheduled", true, now));
                }
                None => {
                    let mut c = Condition::new("PodScheduled", false, now);
                    c.reason = Some("Unschedulable".into());
                    c.message = Some(ex.failure_message(total));
                    set_condition(&mut bound.status.conditions, c);
                }
            }
            let source = crate::events::Source { component: "default-scheduler", host: "" };
            match &ex.chosen {
                Some(node) => crate::events::record_on_pod(store, now, source, pod, None, "Normal", "Scheduled", &crate::text::concat(&["Successfully assigned ", &key, " to ", node])),
                None => {
                    let msg = format!("{} preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling.", ex.failure_message(total));
                    crate::events::record_on_pod(store, now, source, pod, None, "Warning", "FailedScheduling", &msg);
                }
            }
            self.explain(key, ex);
            if bound != *pod {
                let _ = apiserver::write(store, now, Object::Pod(bound));
            }
        }
        self.cache.spreads.retain(|uid, _| spreads.contains_key(uid));
        drop(nodes);
        self.cache.nodes = Some(facts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nodes as rows carrying the numbers `cache` gave them.
    fn numbered_rows<'a>(nodes: &'a [Arc<Object>], cache: &NodeCache) -> Vec<NodeRow<'a>> {
        let number = |n: &'a Node| NodeRow { id: cache.ids.get(&n.metadata.name).copied().unwrap_or(u32::MAX), ..NodeRow::of(n) };
        nodes.iter().filter_map(|o| o.as_node()).map(number).collect()
    }

    // Upstream's TestNumFeasibleNodesToFind cases for the default (adaptive) percentage.
    #[test]
    fn feasible_nodes_to_find_follows_the_adaptive_percentage() {
        assert_eq!(feasible_nodes_to_find(10), 10, "fewer than 100 nodes: all of them");
        assert_eq!(feasible_nodes_to_find(99), 99);
        assert_eq!(feasible_nodes_to_find(100), 100, "50 - 0 = 50% of 100 is below the minimum of 100");
        assert_eq!(feasible_nodes_to_find(1000), 420, "50 - 1000/125 = 42%");
        assert_eq!(feasible_nodes_to_find(6000), 300, "the percentage never drops below 5%");
    }

    #[test]
    fn the_cache_agrees_with_a_count_from_scratch_through_rollouts_and_failures() {
        let mut c = crate::Cluster::new(crate::ClusterSettings { workers: 4, ..Default::default() });
        let web = |image: &str, replicas: u32| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec: {{containers: [{{name: web, image: {image}, resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}}}]}}\n");
        let check = |c: &crate::Cluster, when: &str| {
            let node_objs = c.store().list_shared(Kind::Node, None);
            let mut cache = c.scheduler.cache.clone();
            cache.refresh(c.store());
            let rows = numbered_rows(&node_objs, &cache);
            let (cached, fresh) = (cache.usage_of(&rows), node_usage(c.store(), &rows));
            let summary = |u: &[NodeUsage]| u.iter().map(|u| (u.pods, u.cpu, u.memory, u.nonzero_cpu, u.nonzero_memory)).collect::<Vec<_>>();
            assert_eq!(summary(&cached), summary(&fresh), "usage {when}");
            for (uid, s) in &cache.spreads {
                let counts: Vec<i64> = rows.iter().map(|r| s.counts.get(r.id as usize).copied().unwrap_or(0)).collect();
                assert_eq!(counts, matching_per_node(c.store(), &rows, &s.namespace, &s.selector), "spread of {uid} {when}");
            }
            summary(&cached).iter().map(|u| u.0).sum::<i64>()
        };
        c.apply_manifest(&web("nginx:1.25", 6), "web.yaml");
        let mut seen_pods = Vec::new();
        for step in 0..40 {
            if step == 5 {
                c.apply_manifest(&web("nginx:1.26", 6), "web.yaml");
            }
            if step == 15 {
                c.apply_manifest(&web("nginx:1.26", 2), "web.yaml");
            }
            if step == 20 {
                assert!(c.fail_node("node-2"));
            }
            c.advance(crate::clock::Duration::seconds(30));
            seen_pods.push(check(&c, &format!("after step {step}")));
        }
        assert!(!c.scheduler.cache.spreads.is_empty(), "the rollout's ReplicaSet spread counts were cached");
        assert!(seen_pods.iter().any(|&n| n > 6 + 4), "the rollout's surge and the DaemonSets' pods were counted: {seen_pods:?}");
    }

    #[test]
    fn spreads_of_overlapping_selectors_agree_with_a_count_from_scratch() {
        // Two Deployments with the same template: their ReplicaSets' selectors (the same
        // pod-template-hash) match each other's pods, so each pod counts for both spreads.
        let mut c = crate::Cluster::new(crate::ClusterSettings { workers: 3, ..Default::default() });
        let twin = |name: &str, replicas: u32| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: twin}}}}\n  template:\n    metadata: {{labels: {{app: twin}}}}\n    spec: {{containers: [{{name: web, image: nginx}}]}}\n");
        c.apply_manifest(&twin("a", 3), "a.yaml");
        c.advance(crate::clock::Duration::seconds(20));
        c.apply_manifest(&format!("{}---\n{}", twin("a", 6), twin("b", 3)), "twins.yaml");
        for step in 0..6 {
            if step == 2 {
                c.apply_manifest(&twin("b", 6), "b.yaml");
            }
            c.advance(crate::clock::Duration::seconds(20));
            let node_objs = c.store().list_shared(Kind::Node, None);
            let mut cache = c.scheduler.cache.clone();
            cache.refresh(c.store());
            let rows = numbered_rows(&node_objs, &cache);
            assert!(!cache.spreads.is_empty() || step > 2, "step {step}: spreads were kept");
            for (uid, sp) in &cache.spreads {
                let counts: Vec<i64> = rows.iter().map(|r| sp.counts.get(r.id as usize).copied().unwrap_or(0)).collect();
                assert_eq!(counts, matching_per_node(c.store(), &rows, &sp.namespace, &sp.selector), "step {step}: spread of {uid}");
            }
        }
    }

    #[test]
    fn large_clusters_score_a_rotating_subset_of_nodes() {
        let mut c = crate::Cluster::new(crate::ClusterSettings { workers: 500, ..Default::default() });
        c.apply_manifest("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n", "d.yaml");
        let pods: Vec<String> = c.store().list(Kind::Pod, Some("default")).map(|o| format!("default/{}", o.name())).collect();
        assert_eq!(pods.len(), 2);
        let explanations: Vec<&Explanation> = pods.iter().map(|p| c.scheduling_explanation(p).expect("explained")).collect();
        // 501 nodes (the control plane is filtered out): 46% of them, 230, are scored per pod,
        // and the explanation keeps the best 20.
        assert!(explanations.iter().all(|e| e.scored == 230 && e.scores.len() == SCORES_KEPT), "{explanations:?}");
        let best: Vec<Vec<&String>> = explanations.iter().map(|e| e.scores.keys().collect()).collect();
        assert_ne!(best[0], best[1], "the second pod's search starts where the first one's stopped");
    }

    /// The scores a placement keeps and the node it picks, against every feasible node scored
    /// and sorted in full: with spread counts, with and without the pass's kept scores, over
    /// the 100-node line where only the best 20 are kept.
    #[test]
    fn the_kept_scores_and_the_choice_are_those_of_a_full_sort() {
        let nodes: Vec<Node> = (0..160).map(|i| Node { metadata: crate::api::ObjectMeta { name: format!("node-{i:03}"), ..Default::default() }, ..Default::default() }).collect();
        let rows: Vec<NodeRow<'_>> = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| NodeRow { node, capacity: Capacity { cpu: 2000 + 500 * (i as i64 % 3), memory: 4 << 30, pods: 110, unschedulable: false, hard_taints: false, soft_taints: false }, id: i as u32 })
            .collect();
        // Uneven usage with many ties, and spread counts that differ from node to node.
        let usage: Vec<NodeUsage> = (0..160i64).map(|i| NodeUsage { pods: i % 7, cpu: 100 * (i % 5), memory: (i % 4) << 28, nonzero_cpu: 100 * (i % 5) + 100, nonzero_memory: ((i % 4) << 28) + (200 << 20) }).collect();
        let counts: Vec<i64> = (0..160i64).map(|i| (i * 7) % 5).collect();
        let pod: Pod = serde_json::from_value(serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}}]}})).unwrap();
        let requests = Requests::of(&pod);
        for n in [60usize, 100, 101, 160] {
            let feasible: Vec<usize> = (0..n).map(|i| (i * 37 + 11) % 160).collect();
            let spread_counts: Vec<i64> = feasible.iter().map(|&at| counts[at]).collect();
            let spread = spread_scores(&spread_counts);
            let mut all: Vec<(i64, usize)> = feasible
                .iter()
                .zip(&spread)
                .map(|(&at, s)| {
                    let (row, u) = (&rows[at], &usage[at]);
                    let least = least_allocated_score(&[(u.nonzero_cpu + requests.cpu, row.cpu), (u.nonzero_memory + requests.memory, row.memory)]);
                    let balanced = balanced_allocation_score(&[(u.cpu + requests.cpu, row.cpu), (u.memory + requests.memory, row.memory)]);
                    (least + balanced + 300 + 2 * s, at)
                })
                .collect();
            all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let chosen = all[0].1;
            all.truncate(if n > 100 { SCORES_KEPT } else { n });
            all.sort_by_key(|s| s.1);
            let expected: Vec<(String, i64)> = all.iter().map(|&(score, at)| (rows[at].node.metadata.name.clone(), score)).collect();
            let mut memo = vec![None; rows.len()];
            for round in 0..2 {
                let memo = (round == 1).then_some(&mut memo[..]);
                let (ex, picked, _) = score(&rows, &usage, Some(&counts), &pod, requests, feasible.clone(), false, Explanation::default(), n, memo);
                assert_eq!(picked, Some(chosen), "{n} nodes, round {round}");
                assert_eq!(ex.scores.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>(), expected, "{n} nodes, round {round}");
                assert_eq!(ex.scored, n);
            }
        }
    }

    // Cases in the spirit of upstream's least_allocated_test.go / balanced_allocation_test.go tables.
    #[test]
    fn least_allocated_matches_upstream_arithmetic() {
        // nothing scheduled, pod requests 0 -> counts defaults on a 4000m / 10000 node pair
        assert_eq!(least_allocated_score(&[(0, 4000), (0, 10000)]), 100);
        // cpu 3000/4000 -> 25, memory 5000/10000 -> 50, mean 37
        assert_eq!(least_allocated_score(&[(3000, 4000), (5000, 10000)]), 37);
        // over-requested resource scores 0
        assert_eq!(least_allocated_score(&[(5000, 4000), (0, 10000)]), 50);
    }

    #[test]
    fn balanced_allocation_matches_upstream_arithmetic() {
        assert_eq!(balanced_allocation_score(&[(3000, 4000), (5000, 10000)]), 87); // |0.75-0.5|/2 = 0.125
        assert_eq!(balanced_allocation_score(&[(0, 4000), (0, 10000)]), 100);
        assert_eq!(balanced_allocation_score(&[(6000, 4000), (0, 10000)]), 50);
    }

    #[test]
    fn spreading_prefers_nodes_with_fewer_replicas() {
        assert_eq!(spread_scores(&[0, 0, 0]), vec![100, 100, 100]);
        assert_eq!(spread_scores(&[1, 0, 0]), vec![0, 100, 100]);
        assert_eq!(spread_scores(&[2, 1, 1]), vec![50, 100, 100]);
    }

    #[test]
    fn failure_message_groups_and_sorts_reasons() {
        let mut ex = Explanation::default();
        ex.rejected.insert("cp".into(), "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }".into());
        for n in ["w1", "w2", "w3"] {
            ex.rejected.insert(n.into(), "Insufficient cpu".into());
        }
        assert_eq!(ex.failure_message(4), "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.");
    }
}
