//! The Deployment controller: one ReplicaSet per pod template, rolled from the
//! old to the new with RollingUpdate or Recreate, scaled proportionally, with
//! revisions, history cleanup, status and conditions.

use super::{controller_of, controller_ref};
use super::replicaset::is_active;
use crate::api::{condition, set_condition_last, Condition, Deployment, IntOrString, Kind, LabelSelector, Object, PodTemplateSpec, ReplicaSet, ReplicaSetSpec};
use crate::apiserver;
use crate::clock::{earliest, Duration, Time};
use crate::events::{self, Source};
use crate::rand::{Rng, NAME_ALPHABET};
use crate::store::{ObjectKey, Store};

const SOURCE: Source<'static> = Source { component: "deployment-controller", host: "" };
/// The revision of a ReplicaSet and of its Deployment.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// Earlier revisions a ReplicaSet had (after rollbacks).
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
/// `spec.replicas` of the Deployment when it last scaled this ReplicaSet.
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
/// `spec.replicas + maxSurge` when it last scaled this ReplicaSet.
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
/// The label that ties a ReplicaSet and its pods to one template.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

/// Models pkg/controller/deployment/util/deployment_util.go ResolveFenceposts: (surge, unavailable).
pub fn resolve_fenceposts(max_surge: Option<&IntOrString>, max_unavailable: Option<&IntOrString>, desired: i32) -> Result<(i32, i32), String> {
    let zero = IntOrString::Int(0);
    let surge = max_surge.unwrap_or(&zero).scaled_value(desired, true)?;
    let unavailable = max_unavailable.unwrap_or(&zero).scaled_value(desired, false)?;
    Ok(if surge == 0 && unavailable == 0 { (0, 1) } else { (surge, unavailable) })
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
    resolve_fenceposts(ru.max_surge.as_ref(), ru.max_unavailable.as_ref(), d.replicas()).unwrap_or((0, 1))
}

/// Models deployment_util.go MaxSurge.
pub fn max_surge(d: &Deployment) -> i32 {
    if d.is_recreate() { 0 } else { fenceposts(d).0 }
}

/// Models deployment_util.go MaxUnavailable.
pub fn max_unavailable(d: &Deployment) -> i32 {
    if d.is_recreate() || d.replicas() == 0 { 0 } else { fenceposts(d).1.min(d.replicas()) }
}

/// The revision annotation of an object (0 when missing).
pub fn revision(meta: &crate::api::ObjectMeta) -> i64 {
    meta.annotations.get(REVISION).and_then(|r| r.parse().ok()).unwrap_or(0)
}

/// Models pkg/controller/controller_utils.go ComputeHash: FNV-32a over the template (and the
/// collision count), encoded as upstream's SafeEncodeString does. The template is hashed as
/// its JSON tree (keys in order): the page serializes objects only into trees, so the wasm
/// carries one copy of each type's serializer.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut bytes = serde_json::to_value(template).map(|v| v.to_string().into_bytes()).unwrap_or_default();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(&c.to_le_bytes());
    }
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.to_string().bytes().map(|b| NAME_ALPHABET[usize::from(b) % NAME_ALPHABET.len()] as char).collect()
}

/// Templates equal when the `pod-template-hash` label is ignored (EqualIgnoreHash).
fn same_template(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove(POD_TEMPLATE_HASH);
        t
    };
    strip(a) == strip(b)
}

/// Models deployment_util.go NewRSNewReplicas.
pub fn new_rs_new_replicas(d: &Deployment, all: &[ReplicaSet], new_rs: &ReplicaSet) -> i32 {
    if d.is_recreate() {
        return d.replicas();
    }
    let max_total = d.replicas() + max_surge(d);
    let current: i32 = all.iter().map(ReplicaSet::replicas).sum();
    if current >= max_total {
        return new_rs.replicas();
    }
    new_rs.replicas() + (max_total - current).min(d.replicas() - new_rs.replicas()).max(0)
}

/// Writes a ReplicaSet's size and the Deployment's annotations on it; records the event.
fn scale(store: &mut Store, now: Time, d_obj: &Object, d: &Deployment, rs: &ReplicaSet, to: i32) -> bool {
    let key = ObjectKey::of(&Object::ReplicaSet(rs.clone()));
    let Some(Object::ReplicaSet(mut current)) = store.get(&key).cloned() else { return false };
    let from = current.replicas();
    let desired = d.replicas().to_string();
    let max = (d.replicas() + max_surge(d)).to_string();
    let annotations_ok = current.metadata.annotations.get(DESIRED_REPLICAS) == Some(&desired) && current.metadata.annotations.get(MAX_REPLICAS) == Some(&max);
    if from == to && annotations_ok {
        return false;
    }
    current.spec.replicas = Some(to);
    current.metadata.annotations.insert(DESIRED_REPLICAS.into(), desired);
    current.metadata.annotations.insert(MAX_REPLICAS.into(), max);
    if apiserver::update(store, now, Object::ReplicaSet(current)).is_err() {
        return false;
    }
    if from != to {
        let dir = if to > from { "up" } else { "down" };
        events::record(store, now, SOURCE, d_obj, "Normal", "ScalingReplicaSet", &format!("Scaled {dir} replica set {} to {to} from {from}", rs.metadata.name));
    }
    from != to
}

fn fresh(store: &Store, rs: &ReplicaSet) -> ReplicaSet {
    store.get(&(Kind::ReplicaSet, rs.metadata.namespace.as_deref().unwrap_or(""), rs.metadata.name.as_str())).and_then(Object::as_replica_set).cloned().unwrap_or_else(|| rs.clone())
}

/// Adopts matching orphan ReplicaSets, releases mismatched ones, returns the owned ones
/// ordered by creation time, then name.
fn claim_replica_sets(store: &mut Store, now: Time, d: &Deployment, d_obj: &Object) -> Vec<ReplicaSet> {
    let ns = d.metadata.namespace.clone().unwrap_or_default();
    let uid = d.metadata.uid.as_deref().unwrap_or_default().to_string();
    let all: Vec<ReplicaSet> = store.list(Kind::ReplicaSet, Some(&ns)).filter_map(Object::as_replica_set).cloned().collect();
    let mut owned = Vec::new();
    for mut rs in all {
        let matches = d.spec.selector.matches(&rs.metadata.labels);
        match controller_of(&rs.metadata).map(|r| r.uid.clone()) {
            Some(o) if o == uid && matches => owned.push(rs),
            Some(o) if o == uid => {
                rs.metadata.owner_references.retain(|r| r.uid != uid);
                let _ = apiserver::write(store, now, Object::ReplicaSet(rs));
            }
            None if matches && rs.metadata.deletion_timestamp.is_none() => {
                rs.metadata.owner_references.push(controller_ref(d_obj));
                if let Ok(Object::ReplicaSet(rs)) = apiserver::update(store, now, Object::ReplicaSet(rs)) {
                    owned.push(rs);
                }
            }
            _ => {}
        }
    }
    crate::sorting::sort_by(&mut owned, |a, b| (a.metadata.creation_timestamp, &a.metadata.name).cmp(&(b.metadata.creation_timestamp, &b.metadata.name)));
    owned
}

/// Sets the Progressing condition if its status or reason changes (or when `touch` marks progress).
fn set_progressing(d: &mut Deployment, now: Time, status: bool, reason: &str, message: String, touch: bool) {
    let old = condition(&d.status.conditions, "Progressing").cloned();
    let new_status = if status { "True" } else { "False" };
    if let Some(o) = &old {
        if o.status == new_status && o.reason.as_deref() == Some(reason) && !touch {
            return;
        }
    }
    let mut c = Condition::new("Progressing", status, now);
    c.reason = Some(reason.into());
    c.message = Some(message);
    c.last_update_time = Some(now);
    if let Some(o) = old.filter(|o| o.status == new_status) {
        c.last_transition_time = o.last_transition_time;
    }
    // As upstream's RemoveDeploymentCondition + SetDeploymentCondition: the condition moves last.
    d.status.conditions.retain(|c| c.type_ != "Progressing");
    d.status.conditions.push(c);
}

/// The annotations a Deployment and its ReplicaSets do not share (upstream's annotationsToSkip).
const NOT_COPIED: [&str; 6] = [REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "kubectl.kubernetes.io/last-applied-configuration", "deprecated.deployment.rollback.to"];

/// Whether an annotation passes between a Deployment and its ReplicaSets (the learner's own,
/// such as a change-cause): to the new ReplicaSet as it syncs, back to the Deployment on undo.
pub fn shared_annotation(key: &str) -> bool {
    !NOT_COPIED.contains(&key)
}

/// Copies the Deployment's own annotations (a `kubernetes.io/change-cause`, the learner's)
/// onto its new ReplicaSet, except the ones the controller or `apply` keeps (upstream's
/// copyDeploymentAnnotationsToReplicaSet). Returns whether any changed.
fn copy_annotations(d: &Deployment, rs: &mut ReplicaSet) -> bool {
    let mut changed = false;
    for (k, v) in &d.metadata.annotations {
        if shared_annotation(k) && rs.metadata.annotations.get(k) != Some(v) {
            rs.metadata.annotations.insert(k.clone(), v.clone());
            changed = true;
        }
    }
    changed
}

/// Finds the new ReplicaSet, or creates it when `create` is set. Sets its revision to the
/// next one when it is not already the newest (a rollback).
fn new_replica_set(store: &mut Store, rng: &mut Rng, now: Time, d: &mut Deployment, d_obj: &Object, owned: &[ReplicaSet], create: bool) -> Option<ReplicaSet> {
    let existing = owned.iter().find(|rs| same_template(&rs.spec.template, &d.spec.template)).cloned();
    let max_old = owned.iter().filter(|rs| existing.as_ref().is_none_or(|e| e.metadata.uid != rs.metadata.uid)).map(|rs| revision(&rs.metadata)).max().unwrap_or(0);
    if let Some(mut rs) = existing {
        let rev = revision(&rs.metadata);
        let mut changed = copy_annotations(d, &mut rs);
        if rev <= max_old {
            let history = rs.metadata.annotations.get(REVISION_HISTORY).cloned().filter(|h| !h.is_empty());
            let mut list = history.map(|h| format!("{h},{rev}")).unwrap_or_else(|| rev.to_string());
            while list.len() > 2000 {
                list = list.split_once(',').map(|(_, rest)| rest.to_string()).unwrap_or_default();
            }
            rs.metadata.annotations.insert(REVISION_HISTORY.into(), list);
            rs.metadata.annotations.insert(REVISION.into(), (max_old + 1).to_string());
            changed = true;
        }
        if rs.spec.min_ready_seconds != d.spec.min_ready_seconds {
            rs.spec.min_ready_seconds = d.spec.min_ready_seconds;
            changed = true;
        }
        if changed {
            if let Ok(Object::ReplicaSet(updated)) = apiserver::update(store, now, Object::ReplicaSet(rs.clone())) {
                rs = updated;
            }
        }
        d.metadata.annotations.insert(REVISION.into(), revision(&rs.metadata).to_string());
        if condition(&d.status.conditions, "Progressing").is_none() {
            set_progressing(d, now, true, "FoundNewReplicaSet", format!("Found new replica set {:?}", rs.metadata.name), false);
        }
        return Some(rs);
    }
    if !create {
        return None;
    }
    let hash = compute_hash(&d.spec.template, d.status.collision_count);
    let mut template = d.spec.template.clone();
    template.metadata.labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let mut selector: LabelSelector = d.spec.selector.clone();
    selector.match_labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let mut rs = ReplicaSet {
        spec: ReplicaSetSpec { replicas: Some(0), min_ready_seconds: d.spec.min_ready_seconds, selector, template: template.clone() },
        ..Default::default()
    };
    rs.metadata.name = format!("{}-{hash}", d.metadata.name);
    rs.metadata.namespace = d.metadata.namespace.clone();
    rs.metadata.labels = template.metadata.labels.clone();
    rs.metadata.owner_references = vec![controller_ref(d_obj)].into();
    copy_annotations(d, &mut rs);
    rs.metadata.annotations.insert(REVISION.into(), (max_old + 1).to_string());
    let mut all = owned.to_vec();
    all.push(rs.clone());
    let replicas = new_rs_new_replicas(d, &all, &rs);
    rs.spec.replicas = Some(replicas);
    rs.metadata.annotations.insert(DESIRED_REPLICAS.into(), d.replicas().to_string());
    rs.metadata.annotations.insert(MAX_REPLICAS.into(), (d.replicas() + max_surge(d)).to_string());
    match apiserver::create(store, rng, now, Object::ReplicaSet(rs)) {
        Ok(Object::ReplicaSet(created)) => {
            if replicas > 0 {
                events::record(store, now, SOURCE, d_obj, "Normal", "ScalingReplicaSet", &format!("Scaled up replica set {} to {replicas}", created.metadata.name));
            }
            d.metadata.annotations.insert(REVISION.into(), revision(&created.metadata).to_string());
            set_progressing(d, now, true, "NewReplicaSetCreated", format!("Created new replica set {:?}", created.metadata.name), false);
            Some(created)
        }
        Ok(_) => None,
        Err(e) if e.code == 409 => {
            // A ReplicaSet of that name exists with another template: a hash collision.
            d.status.collision_count = Some(d.status.collision_count.unwrap_or(0) + 1);
            None
        }
        Err(e) => {
            events::record(store, now, SOURCE, d_obj, "Warning", "ReplicaSetCreateError", &format!("Failed to create new replica set: {}", e.message));
            None
        }
    }
}

/// Models pkg/controller/deployment/rolling.go rolloutRolling (one phase per sync).
fn rollout_rolling(store: &mut Store, rng: &mut Rng, now: Time, d: &mut Deployment, d_obj: &Object, owned: &[ReplicaSet]) {
    let Some(new_rs) = new_replica_set(store, rng, now, d, d_obj, owned, true) else { return };
    let olds: Vec<ReplicaSet> = owned.iter().filter(|rs| rs.metadata.uid != new_rs.metadata.uid).map(|rs| fresh(store, rs)).collect();
    let mut all = olds.clone();
    all.push(new_rs.clone());
    // reconcileNewReplicaSet
    let target = if new_rs.replicas() >= d.replicas() { d.replicas() } else { new_rs_new_replicas(d, &all, &new_rs) };
    if target != new_rs.replicas() {
        scale(store, now, d_obj, d, &new_rs, target);
        return;
    }
    // reconcileOldReplicaSets
    let old_total: i32 = olds.iter().map(ReplicaSet::replicas).sum();
    if old_total > 0 {
        let all_pods: i32 = all.iter().map(ReplicaSet::replicas).sum();
        let min_available = d.replicas() - max_unavailable(d);
        let new_unavailable = new_rs.replicas() - new_rs.status.available_replicas;
        let max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down > 0 {
            let mut scaled = false;
            let mut cleaned = 0;
            let mut olds = olds.clone();
            for rs in olds.iter_mut() {
                if cleaned >= max_scaled_down {
                    break;
                }
                if rs.replicas() == 0 || rs.replicas() == rs.status.available_replicas {
                    continue;
                }
                let n = (max_scaled_down - cleaned).min(rs.replicas() - rs.status.available_replicas);
                let to = rs.replicas() - n;
                scaled |= scale(store, now, d_obj, d, rs, to);
                rs.spec.replicas = Some(to);
                cleaned += n;
            }
            let available: i32 = olds.iter().chain(std::iter::once(&new_rs)).map(|rs| rs.status.available_replicas).sum();
            if available > min_available {
                let total = available - min_available;
                let mut done = 0;
                for rs in &olds {
                    if done >= total {
                        break;
                    }
                    if rs.replicas() == 0 {
                        continue;
                    }
                    let n = rs.replicas().min(total - done);
                    scaled |= scale(store, now, d_obj, d, rs, rs.replicas() - n);
                    done += n;
                }
            }
            if scaled {
                return;
            }
        }
    }
    if is_complete(d, store, owned, Some(&new_rs)) {
        cleanup(store, now, d, owned, Some(&new_rs));
    }
}

/// Models pkg/controller/deployment/recreate.go rolloutRecreate.
fn rollout_recreate(store: &mut Store, rng: &mut Rng, now: Time, d: &mut Deployment, d_obj: &Object, owned: &[ReplicaSet]) {
    let new_rs = new_replica_set(store, rng, now, d, d_obj, owned, false);
    let olds: Vec<ReplicaSet> = owned.iter().filter(|rs| new_rs.as_ref().is_none_or(|n| n.metadata.uid != rs.metadata.uid)).cloned().collect();
    let mut scaled = false;
    for rs in olds.iter().filter(|rs| rs.replicas() > 0) {
        scaled |= scale(store, now, d_obj, d, rs, 0);
    }
    if scaled {
        return;
    }
    let old_uids: Vec<String> = olds.iter().filter_map(|rs| rs.metadata.uid.as_deref().map(str::to_string)).collect();
    let ns = d.metadata.namespace.clone().unwrap_or_default();
    let old_pods_running = olds.iter().any(|rs| fresh(store, rs).status.replicas > 0)
        || store.list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).any(|p| {
            !matches!(p.phase(), "Succeeded" | "Failed") && controller_of(&p.metadata).is_some_and(|r| old_uids.contains(&r.uid))
        });
    if old_pods_running {
        return;
    }
    let Some(new_rs) = new_rs.or_else(|| new_replica_set(store, rng, now, d, d_obj, owned, true)) else { return };
    if scale(store, now, d_obj, d, &new_rs, d.replicas()) {
        return;
    }
    if is_complete(d, store, owned, Some(&new_rs)) {
        cleanup(store, now, d, owned, Some(&new_rs));
    }
}

/// Models pkg/controller/deployment/sync.go scale: proportional scaling while several
/// ReplicaSets are active.
/// Models pkg/controller/deployment/sync.go scale: the sizes the ReplicaSets should get when
/// `spec.replicas` changed while several are active (proportional scaling). Returns the
/// ReplicaSets to write, with their new sizes (a ReplicaSet may keep its size).
pub fn scaled_sizes<'a>(d: &Deployment, owned: &'a [ReplicaSet], new_rs: Option<&'a ReplicaSet>) -> Vec<(&'a ReplicaSet, i32)> {
    let replicas = d.replicas();
    let olds: Vec<&ReplicaSet> = owned.iter().filter(|rs| new_rs.is_none_or(|n| n.metadata.uid != rs.metadata.uid)).collect();
    let active: Vec<&ReplicaSet> = owned.iter().filter(|rs| rs.replicas() > 0).collect();
    if active.len() <= 1 {
        let target = match (active.first(), new_rs) {
            (Some(rs), _) => Some(*rs),
            (None, Some(n)) => Some(n),
            (None, None) => olds.iter().max_by_key(|rs| (rs.metadata.creation_timestamp, rs.metadata.name.clone())).copied(),
        };
        return target.map(|rs| vec![(rs, replicas)]).unwrap_or_default();
    }
    if let Some(n) = new_rs {
        let saturated = n.replicas() == replicas && n.metadata.annotations.get(DESIRED_REPLICAS) == Some(&replicas.to_string()) && n.status.available_replicas == replicas;
        if saturated {
            return olds.into_iter().filter(|rs| rs.replicas() > 0).map(|rs| (rs, 0)).collect();
        }
    }
    if d.is_recreate() {
        return Vec::new();
    }
    let allowed = if replicas > 0 { replicas + max_surge(d) } else { 0 };
    let current: i32 = active.iter().map(|rs| rs.replicas()).sum();
    let to_add = allowed - current;
    let mut sorted = active.clone();
    crate::sorting::sort_by(&mut sorted, |a, b| {
        let by_size = b.replicas().cmp(&a.replicas());
        let by_age = (a.metadata.creation_timestamp, &a.metadata.name).cmp(&(b.metadata.creation_timestamp, &b.metadata.name));
        by_size.then(if to_add > 0 { by_age.reverse() } else { by_age })
    });
    let mut sizes: Vec<i32> = sorted.iter().map(|rs| rs.replicas()).collect();
    let mut added = 0;
    if to_add != 0 {
        for (i, rs) in sorted.iter().enumerate() {
            if rs.replicas() == 0 || added == to_add {
                continue;
            }
            let annotated = rs.metadata.annotations.get(MAX_REPLICAS).and_then(|v| v.parse::<i32>().ok()).filter(|v| *v > 0).unwrap_or(d.status.replicas);
            let fraction = if replicas == 0 {
                -rs.replicas()
            } else if annotated == 0 {
                0
            } else {
                (f64::from(rs.replicas()) * f64::from(replicas + max_surge(d)) / f64::from(annotated)).round() as i32 - rs.replicas()
            };
            let proportion = if to_add > 0 { fraction.min(to_add - added) } else { fraction.max(to_add - added) };
            sizes[i] += proportion;
            added += proportion;
        }
        if let Some(first) = sizes.first_mut() {
            *first = (*first + to_add - added).max(0);
        }
    }
    sorted.into_iter().zip(sizes).collect()
}

/// Writes the sizes [`scaled_sizes`] chose.
fn proportional_scale(store: &mut Store, now: Time, d: &Deployment, d_obj: &Object, owned: &[ReplicaSet], new_rs: Option<&ReplicaSet>) {
    for (rs, size) in scaled_sizes(d, owned, new_rs) {
        scale(store, now, d_obj, d, rs, size);
    }
}

fn is_complete(d: &Deployment, store: &Store, owned: &[ReplicaSet], new_rs: Option<&ReplicaSet>) -> bool {
    let status = compute_status(d, store, owned, new_rs);
    status.updated_replicas == d.replicas() && status.replicas == d.replicas() && status.available_replicas == d.replicas()
}

/// Models pkg/controller/deployment/sync.go cleanupDeployment: which old ReplicaSets go
/// when there are more than `revisionHistoryLimit` (only those scaled to zero and settled).
pub fn history_to_delete<'a>(d: &Deployment, olds: &'a [ReplicaSet]) -> Vec<&'a ReplicaSet> {
    let limit = d.spec.revision_history_limit.unwrap_or(10);
    let mut candidates: Vec<&ReplicaSet> = olds.iter().filter(|rs| rs.metadata.deletion_timestamp.is_none()).collect();
    let diff = candidates.len() as i64 - i64::from(limit);
    if diff <= 0 {
        return Vec::new();
    }
    crate::sorting::sort_by(&mut candidates, |a, b| (revision(&a.metadata), a.metadata.creation_timestamp, &a.metadata.name).cmp(&(revision(&b.metadata), b.metadata.creation_timestamp, &b.metadata.name)));
    candidates
        .into_iter()
        .take(diff as usize)
        .filter(|rs| rs.replicas() == 0 && rs.status.replicas == 0 && rs.status.observed_generation.unwrap_or(0) >= rs.metadata.generation)
        .collect()
}

/// Deletes what [`history_to_delete`] chose.
fn cleanup(store: &mut Store, now: Time, d: &Deployment, owned: &[ReplicaSet], new_rs: Option<&ReplicaSet>) {
    let olds: Vec<ReplicaSet> = owned.iter().filter(|rs| new_rs.is_none_or(|n| n.metadata.uid != rs.metadata.uid)).map(|rs| fresh(store, rs)).collect();
    let doomed: Vec<ObjectKey> = history_to_delete(d, &olds).into_iter().map(|rs| ObjectKey::of(&Object::ReplicaSet(rs.clone()))).collect();
    for key in doomed {
        let _ = apiserver::delete(store, now, &key, None);
    }
}

fn compute_status(d: &Deployment, store: &Store, owned: &[ReplicaSet], new_rs: Option<&ReplicaSet>) -> crate::api::DeploymentStatus {
    let current: Vec<ReplicaSet> = owned.iter().map(|rs| fresh(store, rs)).collect();
    let mut s = d.status.clone();
    s.replicas = current.iter().map(|rs| rs.status.replicas).sum();
    s.updated_replicas = new_rs.map(|n| fresh(store, n).status.replicas).unwrap_or(0);
    s.ready_replicas = current.iter().map(|rs| rs.status.ready_replicas).sum();
    s.available_replicas = current.iter().map(|rs| rs.status.available_replicas).sum();
    let total: i32 = current.iter().map(ReplicaSet::replicas).sum();
    s.unavailable_replicas = (total - s.available_replicas).max(0);
    s.observed_generation = Some(d.metadata.generation);
    s
}

/// Writes status and the Available / Progressing conditions; returns a deadline to wake at.
fn sync_status(store: &mut Store, now: Time, mut d: Deployment, owned: &[ReplicaSet], new_rs: Option<&ReplicaSet>) -> Option<Time> {
    let before = d.status.clone();
    let mut status = compute_status(&d, store, owned, new_rs);
    status.conditions = d.status.conditions.clone();
    d.status = status;
    let min_available = d.replicas() - max_unavailable(&d);
    let mut available = Condition::new("Available", d.status.available_replicas >= min_available, now);
    available.last_update_time = Some(now);
    if d.status.available_replicas >= min_available {
        available.reason = Some("MinimumReplicasAvailable".into());
        available.message = Some("Deployment has minimum availability.".into());
    } else {
        available.reason = Some("MinimumReplicasUnavailable".into());
        available.message = Some("Deployment does not have minimum availability.".into());
    }
    let old = condition(&d.status.conditions, "Available").cloned();
    if old.as_ref().is_none_or(|o| o.status != available.status || o.reason != available.reason) {
        set_condition_last(&mut d.status.conditions, available);
    }
    // A ReplicaSet's ReplicaFailure (the new one's first) becomes the Deployment's (getReplicaFailures).
    let failure = new_rs.into_iter().chain(owned.iter()).find_map(|rs| condition(&rs.status.conditions, "ReplicaFailure")).cloned();
    match failure {
        Some(mut c) => {
            c.last_update_time = Some(now);
            if condition(&d.status.conditions, "ReplicaFailure").is_none_or(|old| old.status != c.status || old.reason != c.reason || old.message != c.message) {
                set_condition_last(&mut d.status.conditions, c);
            }
        }
        None => d.status.conditions.retain(|c| c.type_ != "ReplicaFailure"),
    }
    let mut wake = None;
    if let (Some(deadline), Some(new_rs)) = (d.spec.progress_deadline_seconds, new_rs) {
        let name = &new_rs.metadata.name;
        let complete = d.status.updated_replicas == d.replicas() && d.status.replicas == d.replicas() && d.status.available_replicas == d.replicas();
        let progressed = d.status.updated_replicas > before.updated_replicas
            || (d.status.replicas - d.status.updated_replicas) < (before.replicas - before.updated_replicas)
            || d.status.ready_replicas > before.ready_replicas
            || d.status.available_replicas > before.available_replicas;
        let current = condition(&d.status.conditions, "Progressing").cloned();
        let reason = current.as_ref().and_then(|c| c.reason.clone()).unwrap_or_default();
        if complete && !d.spec.paused {
            set_progressing(&mut d, now, true, "NewReplicaSetAvailable", format!("ReplicaSet {name:?} has successfully progressed."), false);
        } else if progressed {
            set_progressing(&mut d, now, true, "ReplicaSetUpdated", format!("ReplicaSet {name:?} is progressing."), true);
        } else if reason != "NewReplicaSetAvailable" && reason != "ProgressDeadlineExceeded" && !d.spec.paused {
            let last = current.and_then(|c| c.last_update_time).unwrap_or(now);
            let limit = last + Duration::seconds(i64::from(deadline));
            if limit < now {
                set_progressing(&mut d, now, false, "ProgressDeadlineExceeded", format!("ReplicaSet {name:?} has timed out progressing."), false);
            } else {
                wake = Some(Time(limit.0 + 1));
            }
        }
    }
    let key = ObjectKey::of(&Object::Deployment(d.clone()));
    apiserver::update_if_changed(store, now, &key, |o| {
        if let Object::Deployment(stored) = o {
            stored.status = d.status;
            stored.metadata.annotations = d.metadata.annotations;
        }
    });
    wake
}

/// One pass over every Deployment. Returns the earliest progress deadline to check.
#[inline(never)]
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time) -> Option<Time> {
    let deployments: Vec<Deployment> = store.list(Kind::Deployment, None).filter_map(Object::as_deployment).cloned().collect();
    let mut wake = None::<Time>;
    for mut d in deployments {
        if d.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let d_obj = Object::Deployment(d.clone());
        if d.spec.selector.is_empty() {
            events::record(store, now, SOURCE, &d_obj, "Warning", "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            continue;
        }
        let owned = claim_replica_sets(store, now, &d, &d_obj);
        let scaling_event = owned.iter().any(|rs| rs.replicas() > 0 && rs.metadata.annotations.get(DESIRED_REPLICAS).is_some_and(|v| v != &d.replicas().to_string()));
        if d.spec.paused || scaling_event {
            let new_rs = new_replica_set(store, rng, now, &mut d, &d_obj, &owned, false);
            proportional_scale(store, now, &d, &d_obj, &owned, new_rs.as_ref());
            if d.spec.paused {
                cleanup(store, now, &d, &owned, new_rs.as_ref());
            }
        } else if d.is_recreate() {
            rollout_recreate(store, rng, now, &mut d, &d_obj, &owned);
        } else {
            rollout_rolling(store, rng, now, &mut d, &d_obj, &owned);
        }
        let owned = claim_replica_sets(store, now, &d, &d_obj);
        let new_rs = owned.iter().find(|rs| same_template(&rs.spec.template, &d.spec.template)).cloned();
        if let Some(t) = sync_status(store, now, d, &owned, new_rs.as_ref()) {
            wake = earliest(wake, Some(t));
        }
    }
    wake
}

/// True while a pod of `rs` is still active (used by tests and describe).
pub fn has_active_pods(store: &Store, rs: &ReplicaSet) -> bool {
    let uid = rs.metadata.uid.as_deref().unwrap_or("");
    super::owned_pods(store, rs.metadata.namespace.as_deref().unwrap_or(""), uid).any(is_active)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> IntOrString {
        IntOrString::String(v.into())
    }

    type FencepostCase = (Option<IntOrString>, Option<IntOrString>, i32, Result<(i32, i32), ()>);

    // Cases from upstream's deployment_util_test.go TestResolveFenceposts.
    #[test]
    fn resolve_fenceposts_table() {
        let cases: &[FencepostCase] = &[
            (Some(s("0%")), Some(s("0%")), 0, Ok((0, 1))),
            (Some(s("39%")), Some(s("39%")), 10, Ok((4, 3))),
            (Some(s("oops")), Some(s("39%")), 10, Err(())),
            (Some(s("55%")), Some(s("urg")), 10, Err(())),
            (None, Some(s("39%")), 10, Ok((0, 3))),
            (Some(s("39%")), None, 10, Ok((4, 0))),
            (None, None, 10, Ok((0, 1))),
            (Some(s("25%")), Some(s("25%")), 10, Ok((3, 2))),
            (Some(s("25%")), Some(s("25%")), 1, Ok((1, 0))),
            (Some(s("25%")), Some(s("25%")), 4, Ok((1, 1))),
        ];
        for (surge, unavail, desired, want) in cases {
            let got = resolve_fenceposts(surge.as_ref(), unavail.as_ref(), *desired).map_err(|_| ());
            assert_eq!(&got, want, "surge {surge:?} unavailable {unavail:?} desired {desired}");
        }
    }

    fn deployment(replicas: i32, surge: IntOrString, unavailable: IntOrString) -> Deployment {
        let mut d = Deployment::default();
        d.spec.replicas = Some(replicas);
        d.spec.strategy.type_ = Some("RollingUpdate".into());
        d.spec.strategy.rolling_update = Some(crate::api::RollingUpdateDeployment { max_surge: Some(surge), max_unavailable: Some(unavailable) });
        d
    }

    fn rs(replicas: i32) -> ReplicaSet {
        ReplicaSet { spec: ReplicaSetSpec { replicas: Some(replicas), ..Default::default() }, ..Default::default() }
    }

    // Cases from upstream's deployment_util_test.go TestNewRSNewReplicas.
    #[test]
    fn new_rs_new_replicas_table() {
        let cases = [
            ("can not scale up - to newRSReplicas", 1, s("1"), 5, 0, 5, 5),
            ("scale up - to depDeplicas", 6, IntOrString::Int(2), 5, 1, 6, 5),
            ("recreate - to depDeplicas", 3, IntOrString::Int(0), 1, 0, 3, 3),
        ];
        for (name, dep_replicas, surge, new_replicas, old_replicas, want, _unused) in cases {
            let mut d = deployment(dep_replicas, if name.starts_with("can not") { IntOrString::Int(1) } else { surge.clone() }, IntOrString::Int(1));
            if name.starts_with("recreate") {
                d.spec.strategy.type_ = Some("Recreate".into());
                d.spec.strategy.rolling_update = None;
            }
            let new = rs(new_replicas);
            let all = vec![new.clone(), rs(old_replicas)];
            assert_eq!(new_rs_new_replicas(&d, &all, &new), want, "{name}");
        }
    }

    /// A ReplicaSet as upstream's test helper makes it: all replicas available, created at
    /// `hour`, with the replica annotations of the Deployment before the change.
    fn rs_at(name: &str, replicas: i32, hour: u32, desired: i32, surge: i32) -> ReplicaSet {
        let mut r = rs(replicas);
        r.metadata.name = name.into();
        r.metadata.uid = Some(name.into());
        r.metadata.creation_timestamp = Some(Time::from_utc(2016, 5, 20, hour, 0, 0));
        r.status.available_replicas = replicas;
        r.metadata.annotations.insert(DESIRED_REPLICAS.into(), desired.to_string());
        r.metadata.annotations.insert(MAX_REPLICAS.into(), (desired + surge).to_string());
        r
    }

    // Cases from upstream's sync_test.go TestScale (names, inputs and expected sizes). Old
    // ReplicaSets are given oldest last; the Deployment helper's surge and unavailability are 0.
    #[test]
    fn proportional_scaling_table() {
        type Case<'a> = (&'a str, i32, i32, i32, i32, Option<(i32, i32)>, &'a [i32], &'a [i32]);
        // (name, old replicas, new replicas, old surge, new surge, (new rs size, expected), old sizes, expected old sizes)
        let cases: &[Case] = &[
            ("normal scaling event: 10 -> 12", 10, 12, 0, 0, Some((10, 12)), &[], &[]),
            ("normal scaling event: 10 -> 5", 10, 5, 0, 0, Some((10, 5)), &[], &[]),
            ("proportional scaling: 5 -> 10", 5, 10, 0, 0, Some((2, 4)), &[3], &[6]),
            ("proportional scaling: 5 -> 3", 5, 3, 0, 0, Some((2, 1)), &[3], &[2]),
            ("proportional scaling: 9 -> 4", 9, 4, 0, 0, Some((8, 4)), &[1], &[0]),
            ("proportional scaling: 7 -> 10", 7, 10, 0, 0, Some((2, 3)), &[3, 2], &[4, 3]),
            ("proportional scaling: 13 -> 8", 13, 8, 0, 0, Some((2, 1)), &[8, 3], &[5, 2]),
            ("leftover distribution: 3 -> 4", 3, 4, 0, 0, Some((1, 2)), &[1, 1], &[1, 1]),
            ("leftover distribution: 3 -> 2", 3, 2, 0, 0, Some((1, 1)), &[1, 1], &[1, 0]),
            ("proportional scaling (no new rs): 4 -> 5", 4, 5, 0, 0, None, &[2, 2], &[3, 2]),
            ("proportional scaling: 6 -> 0", 6, 0, 0, 0, Some((3, 0)), &[2, 1], &[0, 0]),
            ("proportional scaling: 0 -> 6", 6, 6, 0, 0, Some((0, 6)), &[0, 0], &[0, 0]),
            ("deployment with surge pods", 10, 20, 2, 2, Some((6, 11)), &[6], &[11]),
            ("change both surge and size", 10, 50, 3, 6, Some((5, 22)), &[8], &[34]),
        ];
        for (name, old_replicas, new_replicas, old_surge, new_surge, new_rs, olds, want_olds) in cases {
            let d = deployment(*new_replicas, IntOrString::Int(*new_surge), IntOrString::Int(0));
            let mut owned: Vec<ReplicaSet> = Vec::new();
            if let Some((size, _)) = new_rs {
                owned.push(rs_at("foo-new", *size, 2, *old_replicas, *old_surge));
            }
            for (i, size) in olds.iter().enumerate() {
                owned.push(rs_at(&format!("foo-old{i}"), *size, 1 - i as u32, *old_replicas, *old_surge));
            }
            let new = new_rs.map(|_| owned[0].clone());
            let sizes = scaled_sizes(&d, &owned, new.as_ref());
            let size_of = |n: &str| sizes.iter().find(|(rs, _)| rs.metadata.name == n).map(|(_, s)| *s).unwrap_or_else(|| owned.iter().find(|r| r.metadata.name == n).unwrap().replicas());
            if let Some((_, want)) = new_rs {
                assert_eq!(size_of("foo-new"), *want, "{name}: new ReplicaSet");
            }
            for (i, want) in want_olds.iter().enumerate() {
                assert_eq!(size_of(&format!("foo-old{i}")), *want, "{name}: old ReplicaSet {i}");
            }
        }
    }

    // Cases from upstream's sync_test.go TestDeploymentController_cleanupDeployment:
    // (spec replicas, status replicas) of the old ReplicaSets, the limit, the expected deletions.
    #[test]
    fn history_cleanup_table() {
        type Case<'a> = (&'a [(i32, i32)], i32, usize);
        let cases: &[Case] = &[
            (&[(0, 0), (0, 0), (0, 0)], 1, 2),
            (&[(0, 0), (0, 1), (1, 0), (1, 1)], 0, 1),
            (&[(0, 0), (0, 0)], 0, 2),
            (&[(1, 1), (1, 1)], 0, 0),
            (&[(0, 0), (0, 0), (0, 0)], i32::MAX, 0),
        ];
        for (i, (sets, limit, want)) in cases.iter().enumerate() {
            let mut d = Deployment::default();
            d.spec.revision_history_limit = Some(*limit);
            let olds: Vec<ReplicaSet> = sets
                .iter()
                .enumerate()
                .map(|(n, (spec, status))| {
                    let mut r = rs(*spec);
                    r.metadata.name = format!("foo-{}", n + 1);
                    r.status.replicas = *status;
                    r
                })
                .collect();
            assert_eq!(history_to_delete(&d, &olds).len(), *want, "scenario {i}");
        }
        // An already deleted ReplicaSet is not deleted again.
        let mut gone = rs(0);
        gone.metadata.deletion_timestamp = Some(Time(1));
        let mut d = Deployment::default();
        d.spec.revision_history_limit = Some(0);
        assert!(history_to_delete(&d, &[gone]).is_empty());
    }

    #[test]
    fn template_hash_is_stable_and_shaped_like_upstream() {
        let mut t = PodTemplateSpec::default();
        t.metadata.labels.insert("app".into(), "web".into());
        let h = compute_hash(&t, None);
        assert_eq!(h, compute_hash(&t, None));
        assert!(h.len() >= 8 && h.len() <= 10, "{h}");
        assert!(h.bytes().all(|b| NAME_ALPHABET.contains(&b)));
        assert_ne!(h, compute_hash(&t, Some(1)), "the collision count changes the hash");
        let mut hashed = t.clone();
        hashed.metadata.labels.insert(POD_TEMPLATE_HASH.into(), h);
        assert!(same_template(&t, &hashed));
    }
}
