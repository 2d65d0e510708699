//! The horizontal pod autoscaler controller (kube-semantics.md section 7): every 15 s
//! each HPA reads its target's scale and the pods' CPU from metrics-server, computes the
//! replica count with the 0.1 tolerance and upstream's handling of unready and missing
//! pods, then either follows `spec.behavior` (stabilization windows per direction and
//! rate-limit policies, section 7.5) or, without it, the legacy rules (scale-down
//! stabilized over 5 minutes, scale-up limited to 2x or +4 per sync), and rescales.

use crate::api::{set_condition, Condition, HorizontalPodAutoscaler, HpaBehavior, HpaScalingRules, Kind, LabelSelector, MetricStatus, MetricValueStatus, Object, Pod, Quantity, ResourceMetricStatus};
use crate::apiserver;
use crate::clock::{Duration, Time};
use crate::events::{self, Source};
use crate::metrics_server::{MetricsServer, RESOLUTION};
use crate::store::{ObjectKey, Store};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const SOURCE: Source<'static> = Source { component: "horizontal-pod-autoscaler", host: "" };
/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_PERIOD: Duration = Duration::seconds(15);
/// `--horizontal-pod-autoscaler-tolerance`.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_STABILIZATION: Duration = Duration::seconds(300);
const CPU_INITIALIZATION: Duration = Duration::seconds(300);
const INITIAL_READINESS_DELAY: Duration = Duration::seconds(30);
const CPU_METRIC: &str = "cpu resource utilization (percentage of request)";

/// The controller's memory per HPA (`namespace/name`): its recommendations and next sync.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HpaState {
    /// Recent recommendations: (replicas, when).
    pub recommendations: BTreeMap<String, Vec<(i32, Time)>>,
    /// When each HPA syncs next.
    pub next_sync: BTreeMap<String, Time>,
    /// Scale-up events of HPAs with a behavior: (replicas added, when, outdated).
    #[serde(default)]
    pub scale_ups: BTreeMap<String, Vec<ScaleEvent>>,
    /// Scale-down events of HPAs with a behavior: (replicas removed, when, outdated).
    #[serde(default)]
    pub scale_downs: BTreeMap<String, Vec<ScaleEvent>>,
}

/// One rescale, for the behavior's rate limits.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScaleEvent {
    /// How many replicas were added or removed.
    pub change: i32,
    /// When.
    pub time: Time,
    /// Older than the direction's longest policy period (its slot can be reused).
    pub outdated: bool,
}

/// The outcome of the replica calculation.
#[derive(Clone, Debug, PartialEq)]
pub struct Calculation {
    /// Proposed replicas.
    pub replicas: i32,
    /// Utilization in percent of request, as reported in the status.
    pub utilization: i32,
    /// Average usage per pod, in millicores.
    pub raw_average_milli: i64,
}

/// Is a pod not yet a fair CPU sample? (replica_calculator.go groupPods, CPU branch).
fn cpu_unready(p: &Pod, sample_time: Time, now: Time) -> bool {
    let ready = crate::api::condition(&p.status.conditions, "Ready");
    let (Some(start), Some(ready)) = (p.status.start_time, ready) else { return true };
    let transition = ready.last_transition_time.unwrap_or(start);
    if now < start + CPU_INITIALIZATION {
        ready.status != "True" || sample_time < transition + RESOLUTION
    } else {
        ready.status != "True" && start + INITIAL_READINESS_DELAY > transition
    }
}

/// Models GetResourceReplicas for CPU Utilization: `current` replicas, the target
/// percentage and the pods the target selects.
pub fn cpu_replicas(current: i32, target: i32, pods: &[&Pod], metrics: &MetricsServer, now: Time) -> Result<Calculation, String> {
    let mut usage: BTreeMap<String, i64> = BTreeMap::new();
    let mut requests: BTreeMap<String, i64> = BTreeMap::new();
    let (mut ready, mut unready, mut missing) = (0, Vec::new(), Vec::new());
    for p in pods {
        if p.metadata.deletion_timestamp.is_some() || p.phase() == "Failed" {
            continue;
        }
        let name = p.metadata.name.clone();
        let request: i64 = p.request_milli("cpu");
        if request == 0 {
            let c = p.spec.containers.first().map_or("", |c| c.name.as_str());
            return Err(format!("failed to get cpu utilization: missing request for cpu in container {c} of Pod {name}"));
        }
        requests.insert(name.clone(), request);
        if p.phase() == "Pending" {
            unready.push(name);
            continue;
        }
        let key = format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or(""), p.metadata.name);
        let Some(sample) = metrics.pods.get(&key) else {
            missing.push(name);
            continue;
        };
        if cpu_unready(p, sample.timestamp, now) {
            unready.push(name);
            continue;
        }
        usage.insert(name, sample.total().0.ceil() as i64);
        ready += 1;
    }
    if usage.is_empty() {
        return Err("failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API".into());
    }
    let utilization_of = |usage: &BTreeMap<String, i64>| {
        let total: i64 = usage.values().sum();
        let requested: i64 = usage.keys().filter_map(|n| requests.get(n)).sum();
        (100 * total / requested.max(1)) as i32
    };
    let utilization = utilization_of(&usage);
    let raw_average_milli = usage.values().sum::<i64>() / usage.len() as i64;
    let ratio = f64::from(utilization) / f64::from(target);
    let scale_up_with_unready = !unready.is_empty() && ratio > 1.0;
    let result = |replicas| Ok(Calculation { replicas, utilization, raw_average_milli });
    if !scale_up_with_unready && missing.is_empty() {
        if (1.0 - ratio).abs() <= TOLERANCE {
            return result(current);
        }
        return result((ratio * f64::from(ready)).ceil() as i32);
    }
    // Fill in the pods without a fair sample, leaning against the proposed change.
    for name in &missing {
        let request = requests.get(name).copied().unwrap_or(0);
        usage.insert(name.clone(), if ratio < 1.0 { request * i64::from(target.max(100)) / 100 } else { 0 });
    }
    if scale_up_with_unready {
        for name in &unready {
            usage.insert(name.clone(), 0);
        }
    }
    let new_ratio = f64::from(utilization_of(&usage)) / f64::from(target);
    if (1.0 - new_ratio).abs() <= TOLERANCE || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return result(current);
    }
    let n = (new_ratio * usage.len() as f64).ceil() as i32;
    if (new_ratio < 1.0 && n > current) || (new_ratio > 1.0 && n < current) {
        return result(current);
    }
    result(n)
}

/// Legacy normalization (no `behavior`): stabilize scale-down over the window, then clamp
/// to [min, max] with the scale-up limit. Returns (replicas, AbleToScale reason, ScalingLimited reason).
pub fn normalize(history: &mut Vec<(i32, Time)>, proposal: i32, current: i32, min: i32, max: i32, now: Time) -> (i32, &'static str, &'static str) {
    let cutoff = Time(now.0 - DOWNSCALE_STABILIZATION.0);
    let stabilized = history.iter().filter(|(_, t)| *t > cutoff).map(|(r, _)| *r).fold(proposal, i32::max);
    match history.iter().rposition(|(_, t)| *t <= cutoff) {
        Some(i) => history[i] = (proposal, now),
        None => history.push((proposal, now)),
    }
    let able = if stabilized != proposal { "ScaleDownStabilized" } else { "ReadyForNewScale" };
    let scale_up_limit = (2 * current).max(4);
    let (max_allowed, max_reason) = if max > scale_up_limit { (scale_up_limit, "ScaleUpLimit") } else { (max, "TooManyReplicas") };
    let (value, limited) = if stabilized < min {
        (min, "TooFewReplicas")
    } else if stabilized > max_allowed {
        (max_allowed, max_reason)
    } else {
        (stabilized, "DesiredWithinRange")
    };
    (value, able, limited)
}

/// Replicas changed in one direction within `period` before `now`.
fn changes_within(events: &[ScaleEvent], period: i32, now: Time) -> i32 {
    let start = Time(now.0 - i64::from(period) * 1000);
    events.iter().filter(|e| e.time > start).map(|e| e.change).sum()
}

/// Models pkg/controller/podautoscaler/horizontal.go calculateScaleUpLimitWithScalingRules.
fn scale_up_limit(current: i32, ups: &[ScaleEvent], downs: &[ScaleEvent], rules: &HpaScalingRules, now: Time) -> i32 {
    let select = rules.select_policy.as_deref().unwrap_or("Max");
    if select == "Disabled" {
        return current;
    }
    let proposals = rules.policies.iter().map(|p| {
        let start = current - changes_within(ups, p.period_seconds, now) + changes_within(downs, p.period_seconds, now);
        if p.type_ == "Pods" { start + p.value } else { (f64::from(start) * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32 }
    });
    let chosen = if select == "Min" { proposals.min() } else { proposals.max() };
    chosen.unwrap_or(current)
}

/// Models pkg/controller/podautoscaler/horizontal.go calculateScaleDownLimitWithBehaviors.
fn scale_down_limit(current: i32, ups: &[ScaleEvent], downs: &[ScaleEvent], rules: &HpaScalingRules, now: Time) -> i32 {
    let select = rules.select_policy.as_deref().unwrap_or("Max");
    if select == "Disabled" {
        return current;
    }
    let proposals = rules.policies.iter().map(|p| {
        let start = current - changes_within(ups, p.period_seconds, now) + changes_within(downs, p.period_seconds, now);
        if p.type_ == "Pods" { start - p.value } else { (f64::from(start) * (1.0 - f64::from(p.value) / 100.0)) as i32 }
    });
    // Max selects the biggest change, which is the smallest count.
    let chosen = if select == "Min" { proposals.max() } else { proposals.min() };
    chosen.unwrap_or(current)
}

/// Normalization with `spec.behavior` (section 7.5): stabilization per direction, then the
/// rate limits. Returns (replicas, AbleToScale reason, ScalingLimited reason).
#[allow(clippy::too_many_arguments)]
pub fn normalize_with_behavior(history: &mut Vec<(i32, Time)>, ups: &[ScaleEvent], downs: &[ScaleEvent], behavior: &HpaBehavior, proposal: i32, current: i32, min: i32, max: i32, now: Time) -> (i32, &'static str, &'static str) {
    let mut b = behavior.clone();
    b.set_defaults();
    let (up, down) = (b.scale_up.unwrap_or_default(), b.scale_down.unwrap_or_default());
    let up_window = Duration::seconds(i64::from(up.stabilization_window_seconds.unwrap_or(0)));
    let down_window = down.stabilization_window_seconds.map_or(DOWNSCALE_STABILIZATION, |w| Duration::seconds(i64::from(w)));
    let younger = |window: Duration| {
        let cutoff = Time(now.0 - window.0);
        move |(_, t): &&(i32, Time)| *t > cutoff
    };
    let up_rec = history.iter().filter(younger(up_window)).map(|(r, _)| *r).fold(proposal, i32::min);
    let down_rec = history.iter().filter(younger(down_window)).map(|(r, _)| *r).fold(proposal, i32::max);
    let stabilized = current.max(up_rec).min(down_rec);
    let oldest = Time(now.0 - up_window.0.max(down_window.0));
    match history.iter().rposition(|(_, t)| *t <= oldest) {
        Some(i) => history[i] = (proposal, now),
        None => history.push((proposal, now)),
    }
    let able = match (stabilized == proposal, proposal >= current) {
        (true, _) => "ReadyForNewScale",
        (false, true) => "ScaleUpStabilized",
        (false, false) => "ScaleDownStabilized",
    };
    let up_limit = scale_up_limit(current, ups, downs, &up, now).max(current);
    let (max_allowed, max_reason) = if up_limit < max { (up_limit, "ScaleUpLimit") } else { (max, "TooManyReplicas") };
    let down_limit = scale_down_limit(current, ups, downs, &down, now).min(current);
    let (min_allowed, min_reason) = if down_limit > min { (down_limit, "ScaleDownLimit") } else { (min, "TooFewReplicas") };
    let (value, limited) = if stabilized > max_allowed {
        (max_allowed, max_reason)
    } else if stabilized < min_allowed {
        (min_allowed, min_reason)
    } else {
        (stabilized, "DesiredWithinRange")
    };
    (value, able, limited)
}

/// Models horizontal.go storeScaleEvent: marks events older than the direction's longest
/// policy period outdated, then reuses an outdated slot or appends.
fn store_scale_event(events: &mut Vec<ScaleEvent>, rules: Option<&HpaScalingRules>, change: i32, now: Time) {
    let longest = rules.and_then(|r| r.policies.iter().map(|p| p.period_seconds).max()).unwrap_or(0);
    let cutoff = Time(now.0 - i64::from(longest) * 1000);
    for e in events.iter_mut() {
        e.outdated = e.time <= cutoff;
    }
    let event = ScaleEvent { change, time: now, outdated: false };
    match events.iter().rposition(|e| e.outdated) {
        Some(i) => events[i] = event,
        None => events.push(event),
    }
}

fn limited_message(reason: &str) -> &'static str {
    match reason {
        "TooFewReplicas" => "the desired replica count is less than the minimum replica count",
        "TooManyReplicas" => "the desired replica count is more than the maximum replica count",
        "ScaleUpLimit" => "the desired replica count is increasing faster than the maximum scale rate",
        "ScaleDownLimit" => "the desired replica count is decreasing faster than the maximum scale rate",
        _ => "the desired count is within the acceptable range",
    }
}

fn condition(type_: &str, status: bool, reason: &str, message: String, now: Time) -> Condition {
    Condition { reason: Some(reason.into()), message: Some(message), ..Condition::new(type_, status, now) }
}

/// The target's replicas and selector.
fn scale_of(store: &Store, ns: &str, kind: &str, name: &str) -> Option<(i32, LabelSelector)> {
    let kind = Kind::from_kind_name(kind)?;
    match store.get(&ObjectKey { kind, namespace: ns.into(), name: name.into() })? {
        Object::Deployment(d) => Some((d.spec.replicas.unwrap_or(1), d.spec.selector.clone())),
        Object::ReplicaSet(rs) => Some((rs.replicas(), rs.spec.selector.clone())),
        _ => None,
    }
}

fn rescale(store: &mut Store, now: Time, ns: &str, kind: &str, name: &str, replicas: i32) -> bool {
    let Some(kind) = Kind::from_kind_name(kind) else { return false };
    let key = ObjectKey { kind, namespace: ns.into(), name: name.into() };
    let Some(mut o) = store.get(&key).cloned() else { return false };
    match &mut o {
        Object::Deployment(d) => d.spec.replicas = Some(replicas),
        Object::ReplicaSet(rs) => rs.spec.replicas = Some(replicas),
        _ => return false,
    }
    apiserver::update(store, now, o).is_ok()
}

/// Syncs every HPA that is due. Returns when the next one is.
pub fn reconcile(store: &mut Store, metrics: &MetricsServer, state: &mut HpaState, now: Time) -> Option<Time> {
    let hpas = store.list_shared(Kind::HorizontalPodAutoscaler, None);
    let live: Vec<String> = hpas.iter().map(|o| format!("{}/{}", o.namespace(), o.name())).collect();
    state.next_sync.retain(|k, _| live.contains(k));
    state.recommendations.retain(|k, _| live.contains(k));
    state.scale_ups.retain(|k, _| live.contains(k));
    state.scale_downs.retain(|k, _| live.contains(k));
    for o in &hpas {
        let Some(hpa) = o.as_hpa() else { continue };
        let key = format!("{}/{}", o.namespace(), o.name());
        if state.next_sync.get(&key).is_some_and(|t| *t > now) {
            continue;
        }
        state.next_sync.insert(key.clone(), now + SYNC_PERIOD);
        sync(store, metrics, state, &key, hpa, o, now);
    }
    state.next_sync.values().min().copied()
}

fn sync(store: &mut Store, metrics: &MetricsServer, state: &mut HpaState, key: &str, hpa: &HorizontalPodAutoscaler, obj: &Object, now: Time) {
    let ns = hpa.metadata.namespace.clone().unwrap_or_default();
    let r = &hpa.spec.scale_target_ref;
    let mut status = hpa.status.clone();
    let Some((current, selector)) = scale_of(store, &ns, &r.kind, &r.name) else {
        let resource = Kind::from_kind_name(&r.kind).map_or(r.kind.to_lowercase(), |k| k.resource());
        let msg = format!("the HPA controller was unable to get the target's current scale: {resource} {:?} not found", r.name);
        events::record(store, now, SOURCE, obj, "Warning", "FailedGetScale", &format!("{resource} {:?} not found", r.name));
        set_condition(&mut status.conditions, condition("AbleToScale", false, "FailedGetScale", msg, now));
        write_status(store, now, obj, status);
        return;
    };
    let history = state.recommendations.entry(key.to_string()).or_insert_with(|| vec![(current, now)]);
    let (min, max) = (hpa.spec.min_replicas.unwrap_or(1), hpa.spec.max_replicas);
    let target = hpa.cpu_target().unwrap_or(80);
    let mut reason = String::new();
    let desired = if current == 0 && min != 0 {
        set_condition(&mut status.conditions, condition("ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero".into(), now));
        0
    } else if current > max {
        reason = "Current number of replicas above Spec.MaxReplicas".into();
        max
    } else if current < min {
        reason = "Current number of replicas below Spec.MinReplicas".into();
        min
    } else {
        let pods: Vec<&Pod> = store.list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).filter(|p| selector.matches(&p.metadata.labels)).collect();
        match cpu_replicas(current, target, &pods, metrics, now) {
            Err(e) => {
                events::record(store, now, SOURCE, obj, "Warning", "FailedGetResourceMetric", &e);
                events::record(store, now, SOURCE, obj, "Warning", "FailedComputeMetricsReplicas", &format!("invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: {e}"));
                set_condition(&mut status.conditions, condition("ScalingActive", false, "FailedGetResourceMetric", format!("the HPA was unable to compute the replica count: {e}"), now));
                status.current_replicas = current;
                write_status(store, now, obj, status);
                return;
            }
            Ok(calc) => {
                status.current_metrics = vec![MetricStatus {
                    type_: "Resource".into(),
                    resource: Some(ResourceMetricStatus {
                        name: "cpu".into(),
                        current: MetricValueStatus { average_utilization: Some(calc.utilization), average_value: Quantity::parse(&format!("{}m", calc.raw_average_milli)).ok() },
                    }),
                }];
                set_condition(&mut status.conditions, condition("ScalingActive", true, "ValidMetricFound", format!("the HPA was able to successfully calculate a replica count from {CPU_METRIC}"), now));
                reason = if calc.replicas > current { format!("{CPU_METRIC} above target") } else { "All metrics below target".into() };
                let (value, able, limited) = match &hpa.spec.behavior {
                    Some(b) => {
                        let ups = state.scale_ups.get(key).map_or(&[][..], Vec::as_slice);
                        let downs = state.scale_downs.get(key).map_or(&[][..], Vec::as_slice);
                        normalize_with_behavior(history, ups, downs, b, calc.replicas, current, min, max, now)
                    }
                    None => normalize(history, calc.replicas, current, min, max, now),
                };
                let able_message = match able {
                    "ScaleDownStabilized" => "recent recommendations were higher than current one, applying the highest recent recommendation",
                    "ScaleUpStabilized" => "recent recommendations were lower than current one, applying the lowest recent recommendation",
                    _ => "recommended size matches current size",
                };
                set_condition(&mut status.conditions, condition("AbleToScale", true, able, able_message.into(), now));
                set_condition(&mut status.conditions, condition("ScalingLimited", limited != "DesiredWithinRange", limited, limited_message(limited).into(), now));
                value
            }
        }
    };
    if desired != current && !(current == 0 && min != 0) {
        if rescale(store, now, &ns, &r.kind, &r.name, desired) {
            events::record(store, now, SOURCE, obj, "Normal", "SuccessfulRescale", &format!("New size: {desired}; reason: {reason}"));
            set_condition(&mut status.conditions, condition("AbleToScale", true, "SucceededRescale", format!("the HPA controller was able to update the target scale to {desired}"), now));
            status.last_scale_time = Some(now);
            if let Some(b) = &hpa.spec.behavior {
                if desired > current {
                    store_scale_event(state.scale_ups.entry(key.to_string()).or_default(), b.scale_up.as_ref(), desired - current, now);
                } else {
                    store_scale_event(state.scale_downs.entry(key.to_string()).or_default(), b.scale_down.as_ref(), current - desired, now);
                }
            }
        }
        status.desired_replicas = desired;
    } else {
        status.desired_replicas = current;
    }
    status.current_replicas = current;
    status.observed_generation = Some(hpa.metadata.generation);
    write_status(store, now, obj, status);
}

fn write_status(store: &mut Store, now: Time, obj: &Object, status: crate::api::HpaStatus) {
    apiserver::update_if_changed(store, now, &ObjectKey::of(obj), |o| {
        if let Object::HorizontalPodAutoscaler(h) = o {
            // Condition times move only when a condition changes; the order is upstream's.
            let mut status = status;
            let rank = |t: &str| ["AbleToScale", "ScalingActive", "ScalingLimited"].iter().position(|x| *x == t).unwrap_or(3);
            status.conditions.sort_by_key(|c| rank(&c.type_));
            for c in status.conditions.iter_mut() {
                if let Some(old) = crate::api::condition(&h.status.conditions, &c.type_).filter(|old| old.status == c.status && old.reason == c.reason && old.message == c.message) {
                    c.last_transition_time = old.last_transition_time;
                }
            }
            h.status = status;
        }
    });
}

#[cfg(test)]
mod behavior_tests {
    use super::*;
    use crate::api::HpaScalingPolicy;

    fn rules(window: Option<i32>, select: &str, policies: &[(&str, i32, i32)]) -> Option<HpaScalingRules> {
        Some(HpaScalingRules {
            stabilization_window_seconds: window,
            select_policy: Some(select.into()),
            policies: policies.iter().map(|(t, v, p)| HpaScalingPolicy { type_: (*t).into(), value: *v, period_seconds: *p }).collect(),
        })
    }

    fn at(s: i64) -> Time {
        Time(1_000_000 + s * 1000)
    }

    // Cases in the spirit of upstream's TestNormalizeDesiredReplicasWithBehavior and
    // TestScalingWithRules tables, worked out from kube-semantics.md section 7.5.
    #[test]
    fn rate_limits_follow_the_policies() {
        let defaults = HpaBehavior::default();
        let none: &[ScaleEvent] = &[];
        // Default scale-up: max(+4 pods, +100%) per 15 s.
        assert_eq!(normalize_with_behavior(&mut vec![], none, none, &defaults, 10, 1, 1, 20, at(0)), (5, "ReadyForNewScale", "ScaleUpLimit"));
        assert_eq!(normalize_with_behavior(&mut vec![], none, none, &defaults, 30, 10, 1, 25, at(0)), (20, "ReadyForNewScale", "ScaleUpLimit"));
        assert_eq!(normalize_with_behavior(&mut vec![], none, none, &defaults, 30, 10, 1, 15, at(0)), (15, "ReadyForNewScale", "TooManyReplicas"));
        // A scale-up 10 s ago counts against the period: from 5 (after +4), the start is 1.
        let ups = [ScaleEvent { change: 4, time: at(-10), outdated: false }];
        assert_eq!(normalize_with_behavior(&mut vec![], &ups, none, &defaults, 10, 5, 1, 20, at(0)), (5, "ReadyForNewScale", "ScaleUpLimit"));
        // ...and no longer after the period.
        let ups = [ScaleEvent { change: 4, time: at(-20), outdated: false }];
        assert_eq!(normalize_with_behavior(&mut vec![], &ups, none, &defaults, 20, 5, 1, 20, at(0)), (10, "ReadyForNewScale", "ScaleUpLimit"));
        // Scale-down by percent truncates; Min picks the smaller change; Disabled holds.
        let down = |select: &str| HpaBehavior { scale_up: None, scale_down: rules(Some(0), select, &[("Percent", 50, 60), ("Pods", 1, 60)]) };
        assert_eq!(normalize_with_behavior(&mut vec![], none, none, &down("Max"), 1, 9, 1, 20, at(0)), (4, "ReadyForNewScale", "ScaleDownLimit"));
        assert_eq!(normalize_with_behavior(&mut vec![], none, none, &down("Min"), 1, 9, 1, 20, at(0)), (8, "ReadyForNewScale", "ScaleDownLimit"));
        assert_eq!(normalize_with_behavior(&mut vec![], none, none, &down("Disabled"), 1, 9, 1, 20, at(0)), (9, "ReadyForNewScale", "ScaleDownLimit"));
        assert_eq!(normalize_with_behavior(&mut vec![], none, none, &down("Max"), 3, 9, 5, 20, at(0)), (5, "ReadyForNewScale", "TooFewReplicas"));
    }

    #[test]
    fn stabilization_windows_per_direction() {
        let b = HpaBehavior { scale_up: rules(Some(60), "Max", &[("Percent", 100, 15)]), scale_down: rules(Some(120), "Max", &[("Percent", 100, 15)]) };
        let none: &[ScaleEvent] = &[];
        // Up: the lowest recommendation of the last 60 s wins.
        let mut history = vec![(2, at(-30))];
        assert_eq!(normalize_with_behavior(&mut history, none, none, &b, 8, 2, 1, 20, at(0)), (2, "ScaleUpStabilized", "DesiredWithinRange"));
        assert_eq!(history.len(), 2, "the proposal is stored");
        // Down: the highest of the last 120 s wins; older ones are forgotten.
        let mut history = vec![(9, at(-200)), (6, at(-100))];
        assert_eq!(normalize_with_behavior(&mut history, none, none, &b, 2, 8, 1, 20, at(0)), (6, "ScaleDownStabilized", "DesiredWithinRange"));
        assert_eq!(history, vec![(2, at(0)), (6, at(-100))], "the entry older than both windows is reused");
    }

    #[test]
    fn scale_events_reuse_outdated_slots() {
        let rules = rules(None, "Max", &[("Pods", 4, 15), ("Percent", 100, 60)]);
        let mut events = vec![];
        store_scale_event(&mut events, rules.as_ref(), 2, at(0));
        store_scale_event(&mut events, rules.as_ref(), 3, at(30));
        assert_eq!(events.len(), 2, "within the longest period (60 s): kept");
        store_scale_event(&mut events, rules.as_ref(), 1, at(70));
        assert_eq!(events.iter().map(|e| (e.change, e.outdated)).collect::<Vec<_>>(), vec![(1, false), (3, false)], "the first is outdated and its slot reused");
    }
}
