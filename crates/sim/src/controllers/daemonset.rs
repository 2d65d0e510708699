//! The DaemonSet controller: one pod per eligible node, pinned there by node
//! affinity and placed by the scheduler; replaced node by node on a template change.

use super::deployment::compute_hash;
use super::replicaset::{is_active, is_available};
use super::{owned_pods, pod_from_template};
use crate::api::{
    Affinity, DaemonSet, IntOrString, Kind, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Object, Pod, Taint, Toleration,
};
use crate::apiserver;
use crate::clock::Time;
use crate::events::{self, Source};
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};
use std::collections::BTreeMap;

const SOURCE: Source<'static> = Source { component: "daemonset-controller", host: "" };
/// The label that ties a daemon pod to a template revision.
pub const REVISION_HASH: &str = "controller-revision-hash";

/// The tolerations every daemon pod gets (daemonset_util.go AddOrUpdateDaemonPodTolerations).
fn daemon_tolerations() -> Vec<Toleration> {
    let t = |key: &str, effect: &str| Toleration { key: Some(format!("node.kubernetes.io/{key}")), operator: Some("Exists".into()), effect: Some(effect.into()), ..Default::default() };
    vec![
        t("not-ready", "NoExecute"),
        t("unreachable", "NoExecute"),
        t("disk-pressure", "NoSchedule"),
        t("memory-pressure", "NoSchedule"),
        t("pid-pressure", "NoSchedule"),
        t("unschedulable", "NoSchedule"),
    ]
}

/// Models daemon_controller.go NodeShouldRunDaemonPod: (should run, should continue running).
pub fn should_run(ds: &DaemonSet, node: &Node) -> (bool, bool) {
    let spec = &ds.spec.template.spec;
    if spec.node_name.as_deref().is_some_and(|n| n != node.metadata.name) || !spec.matches_node(node) {
        return (false, false);
    }
    let mut tolerations = spec.tolerations.clone();
    tolerations.extend(daemon_tolerations());
    let untolerated: Vec<&Taint> = node.spec.taints.iter().filter(|t| t.effect != "PreferNoSchedule" && !tolerations.iter().any(|tol| tol.tolerates(t))).collect();
    (untolerated.is_empty(), untolerated.iter().all(|t| t.effect == "NoSchedule"))
}

fn new_pod(ds: &DaemonSet, ds_obj: &Object, node: &str, hash: &str) -> Pod {
    let mut pod = pod_from_template(&ds.spec.template, ds_obj);
    pod.metadata.labels.insert(REVISION_HASH.into(), hash.into());
    let spec = std::sync::Arc::make_mut(&mut pod.spec);
    for tol in daemon_tolerations() {
        if !spec.tolerations.contains(&tol) {
            spec.tolerations.push(tol);
        }
    }
    let term = NodeSelectorTerm {
        match_fields: vec![NodeSelectorRequirement { key: "metadata.name".into(), operator: "In".into(), values: vec![node.into()] }],
        ..Default::default()
    };
    spec.affinity = Some(Affinity {
        node_affinity: Some(NodeAffinity { required_during_scheduling_ignored_during_execution: Some(NodeSelector { node_selector_terms: vec![term] }) }),
    });
    pod
}

/// The node a daemon pod is for: where it runs, or where its affinity pins it.
fn target_node(p: &Pod) -> Option<String> {
    p.spec.node_name.clone().or_else(|| {
        let terms = &p.spec.affinity.as_ref()?.node_affinity.as_ref()?.required_during_scheduling_ignored_during_execution.as_ref()?.node_selector_terms;
        terms.iter().flat_map(|t| &t.match_fields).find(|r| r.key == "metadata.name").and_then(|r| r.values.first().cloned())
    })
}

/// One pass over every DaemonSet.
#[inline(never)]
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time) {
    let sets: Vec<DaemonSet> = store.list(Kind::DaemonSet, None).filter_map(Object::as_daemon_set).cloned().collect();
    let node_objs = store.list_shared(Kind::Node, None);
    let nodes: Vec<&Node> = node_objs.iter().filter_map(|o| o.as_node()).collect();
    for ds in sets {
        if ds.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let ds_obj = Object::DaemonSet(ds.clone());
        let uid = ds.metadata.uid.as_deref().unwrap_or_default().to_string();
        let hash = compute_hash(&ds.spec.template, None);
        let ns = ds.metadata.namespace.clone().unwrap_or_default();
        let mut by_node: BTreeMap<String, Vec<Pod>> = BTreeMap::new();
        for p in owned_pods(store, &ns, &uid) {
            if let Some(n) = target_node(p) {
                by_node.entry(n).or_default().push(p.clone());
            }
        }
        let mut to_create = Vec::new();
        let mut to_delete: Vec<Pod> = Vec::new();
        let mut desired = 0;
        let max_unavailable_spec = ds.spec.update_strategy.rolling_update.as_ref().and_then(|r| r.max_unavailable.clone()).unwrap_or(IntOrString::Int(1));
        let mut old_available = Vec::new();
        let mut unavailable = 0;
        let mut runs_on: BTreeMap<&str, bool> = BTreeMap::new();
        for &node in &nodes {
            let (run, keep) = should_run(&ds, node);
            runs_on.insert(&node.metadata.name, run);
            let pods = by_node.remove(&node.metadata.name).unwrap_or_default();
            if run {
                desired += 1;
            }
            let mut active: Vec<Pod> = Vec::new();
            for p in pods {
                if matches!(p.phase(), "Succeeded" | "Failed") && keep {
                    to_delete.push(p);
                } else if is_active(&p) {
                    active.push(p);
                }
            }
            if !keep {
                to_delete.extend(active);
                continue;
            }
            if run && active.is_empty() {
                to_create.push(node.metadata.name.clone());
                unavailable += 1;
                continue;
            }
            crate::sorting::sort_by(&mut active, |a, b| (a.spec.node_name.is_none(), a.metadata.creation_timestamp, &a.metadata.name).cmp(&(b.spec.node_name.is_none(), b.metadata.creation_timestamp, &b.metadata.name)));
            if active.len() > 1 {
                to_delete.extend(active.split_off(1));
            }
            if let Some(p) = active.first() {
                let current = p.metadata.labels.get(REVISION_HASH) == Some(&hash);
                let available = is_available(p, ds.spec.min_ready_seconds, now);
                if !available {
                    unavailable += 1;
                    if !current {
                        to_delete.push(p.clone());
                    }
                } else if !current {
                    old_available.push(p.clone());
                }
            }
        }
        // Pods for nodes that are gone.
        for (_, pods) in by_node {
            to_delete.extend(pods.into_iter().filter(is_active));
        }
        if ds.spec.update_strategy.type_.as_deref() != Some("OnDelete") {
            let max_unavailable = max_unavailable_spec.scaled_value(desired, true).unwrap_or(1).max(1);
            let budget = (max_unavailable - unavailable).max(0) as usize;
            to_delete.extend(old_available.into_iter().take(budget));
        }
        for node in to_create {
            match apiserver::create(store, rng, now, Object::Pod(new_pod(&ds, &ds_obj, &node, &hash))) {
                Ok(p) => events::record(store, now, SOURCE, &ds_obj, "Normal", "SuccessfulCreate", &format!("Created pod: {}", p.name())),
                Err(e) => events::record(store, now, SOURCE, &ds_obj, "Warning", "FailedCreate", &format!("Error creating: {}", e.message)),
            }
        }
        for p in to_delete {
            if apiserver::delete(store, now, &ObjectKey::of(&Object::Pod(p.clone())), None).is_ok() {
                events::record(store, now, SOURCE, &ds_obj, "Normal", "SuccessfulDelete", &format!("Deleted pod: {}", p.metadata.name));
            }
        }
        // Status from the pods as they are now.
        let pods: Vec<Pod> = owned_pods(store, &ns, &uid).filter(|p| is_active(p)).cloned().collect();
        let mut status = ds.status.clone();
        let scheduled: Vec<&Pod> = pods.iter().filter(|p| p.spec.node_name.is_some()).collect();
        let should = |p: &Pod| p.spec.node_name.as_deref().and_then(|n| runs_on.get(n)).copied().unwrap_or(false);
        status.desired_number_scheduled = desired;
        status.current_number_scheduled = scheduled.iter().filter(|p| should(p)).count() as i32;
        status.number_misscheduled = scheduled.iter().filter(|p| !should(p)).count() as i32;
        status.number_ready = scheduled.iter().filter(|p| p.is_ready()).count() as i32;
        status.updated_number_scheduled = scheduled.iter().filter(|p| p.metadata.labels.get(REVISION_HASH) == Some(&hash)).count() as i32;
        status.number_available = scheduled.iter().filter(|p| is_available(p, ds.spec.min_ready_seconds, now)).count() as i32;
        status.number_unavailable = (desired - status.number_available).max(0);
        status.observed_generation = Some(ds.metadata.generation);
        apiserver::update_if_changed(store, now, &ObjectKey::of(&ds_obj), |o| {
            if let Object::DaemonSet(current) = o {
                current.status = status;
            }
        });
    }
}
