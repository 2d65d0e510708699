//! The horizontal pod autoscaler controller (kube-semantics.md section 7): every 15 s
//! each HPA reads its target's scale and, per entry of `spec.metrics`, the pods' usage
//! from metrics-server; [`replica_calculator`] turns each Resource metric (cpu or memory,
//! a Utilization or an AverageValue target) into a proposal with the 0.1 tolerance and
//! upstream's handling of unready and missing pods. As horizontal.go
//! computeReplicasForMetrics does, the largest proposal wins and names the metric in the
//! reason (`memory resource utilization (percentage of request) above target`, `cpu
//! resource above target` for AverageValue); invalid metrics are skipped while one is
//! valid, unless that would scale down. Then the HPA either follows `spec.behavior`
//! (stabilization windows per direction and rate-limit policies, section 7.5) or, without
//! it, the legacy rules (scale-down stabilized over 5 minutes, scale-up limited to 2x or
//! +4 per sync), and rescales.

pub mod replica_calculator;

use crate::api::{set_condition, Condition, HorizontalPodAutoscaler, HpaBehavior, HpaScalingRules, Kind, LabelSelector, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus, Object, Pod, Quantity, ResourceMetricSource, ResourceMetricStatus};
use crate::apiserver;
use crate::clock::{Duration, Time};
use crate::events::{self, Source};
use crate::metrics_server::MetricsServer;
use crate::store::{ObjectKey, Store};
use serde::{Deserialize, Serialize};
use crate::small_map::SmallMap;

const SOURCE: Source<'static> = Source { component: "horizontal-pod-autoscaler", host: "" };
/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_PERIOD: Duration = Duration::seconds(15);
/// `--horizontal-pod-autoscaler-tolerance`.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_STABILIZATION: Duration = Duration::seconds(300);

/// The controller's memory per HPA (`namespace/name`): its recommendations and next sync.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HpaState {
    /// Recent recommendations: (replicas, when).
    pub recommendations: SmallMap<String, Vec<(i32, Time)>>,
    /// When each HPA syncs next.
    pub next_sync: SmallMap<String, Time>,
    /// Scale-up events of HPAs with a behavior: (replicas added, when, outdated).
    #[serde(default)]
    pub scale_ups: SmallMap<String, Vec<ScaleEvent>>,
    /// Scale-down events of HPAs with a behavior: (replicas removed, when, outdated).
    #[serde(default)]
    pub scale_downs: SmallMap<String, Vec<ScaleEvent>>,
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

/// One valid metric's proposal (computeReplicasForMetric).
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// Proposed replicas.
    pub replicas: i32,
    /// The metric as reasons name it, e.g. `memory resource utilization (percentage of request)`.
    pub metric: String,
    /// Its entry of `status.currentMetrics`.
    pub status: MetricStatus,
}

/// One invalid metric: what the controller reports about it.
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidMetric {
    /// The ScalingActive reason and Warning event, e.g. `FailedGetResourceMetric`.
    pub reason: &'static str,
    /// The error as that event and condition show it.
    pub error: String,
    /// The error as `FailedComputeMetricsReplicas` quotes it (`failed to get cpu resource metric value: ...`).
    pub wrapped: String,
}

fn milli_quantity(milli: i64) -> Option<Quantity> {
    Quantity::parse(&format!("{milli}m")).ok()
}

/// Models horizontal.go computeStatusForResourceMetricGeneric: an AverageValue target
/// (checked first, as upstream does) or a Utilization target of cpu or memory.
fn resource_proposal(res: &ResourceMetricSource, current: i32, pods: &[&Pod], metrics: &MetricsServer, now: Time) -> Result<Proposal, String> {
    let name = res.name.as_str();
    let status = |current: MetricValueStatus| MetricStatus { type_: "Resource".into(), resource: Some(ResourceMetricStatus { name: name.into(), current }) };
    let target: &MetricTarget = &res.target;
    if let Some(value) = &target.average_value {
        // Validation rejects these; the controller must not divide by them.
        if value.milli_value() <= 0 {
            return Err(format!("invalid resource metric source: averageValue {value} must be positive"));
        }
        let calc = replica_calculator::raw_replicas(current, name, value.milli_value(), pods, metrics, now).map_err(|e| format!("failed to get {name} usage: {e}"))?;
        let current_value = MetricValueStatus { average_utilization: None, average_value: milli_quantity(calc.raw_average_milli) };
        return Ok(Proposal { replicas: calc.replicas, metric: format!("{name} resource"), status: status(current_value) });
    }
    let Some(utilization) = target.average_utilization else {
        return Err("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".into());
    };
    if utilization <= 0 {
        return Err(format!("invalid resource metric source: averageUtilization {utilization} must be greater than 0"));
    }
    let calc = replica_calculator::utilization_replicas(current, name, utilization, pods, metrics, now).map_err(|e| format!("failed to get {name} utilization: {e}"))?;
    let current_value = MetricValueStatus { average_utilization: calc.utilization, average_value: milli_quantity(calc.raw_average_milli) };
    Ok(Proposal { replicas: calc.replicas, metric: format!("{name} resource utilization (percentage of request)"), status: status(current_value) })
}

/// Models horizontal.go computeReplicasForMetric for one entry of `spec.metrics`. Only
/// Resource metrics are served: there is no custom or external metrics API.
pub fn compute_replicas_for_metric(spec: &MetricSpec, current: i32, pods: &[&Pod], metrics: &MetricsServer, now: Time) -> Result<Proposal, InvalidMetric> {
    let invalid = |reason, error: String, what: &str| InvalidMetric { reason, wrapped: format!("failed to get {what} metric value: {error}"), error };
    match (spec.type_.as_str(), &spec.resource) {
        ("Resource", Some(res)) => resource_proposal(res, current, pods, metrics, now).map_err(|e| invalid("FailedGetResourceMetric", e, &format!("{} resource", res.name))),
        ("Resource", None) => Err(invalid("FailedGetResourceMetric", "invalid resource metric source: no resource was set".into(), "resource")),
        ("Pods" | "Object", _) => {
            let what = if spec.type_ == "Pods" { "pods" } else { "object" };
            let reason = if spec.type_ == "Pods" { "FailedGetPodsMetric" } else { "FailedGetObjectMetric" };
            Err(invalid(reason, "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered".into(), what))
        }
        ("External", _) => Err(invalid("FailedGetExternalMetric", "unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered".into(), "external")),
        ("ContainerResource", _) => Err(invalid("FailedGetContainerResourceMetric", "the simulator computes Resource metrics only".into(), "container resource")),
        (other, _) => {
            let error = format!("unknown metric source type {other:?}");
            Err(InvalidMetric { reason: "InvalidMetricSourceType", wrapped: error.clone(), error })
        }
    }
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

fn condition(type_: &'static str, status: bool, reason: &str, message: String, now: Time) -> Condition {
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
#[inline(never)]
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
    set_condition(&mut status.conditions, condition("AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale".into(), now));
    let history = state.recommendations.get_or_insert_with(key.to_string(), || vec![(current, now)]);
    let (min, max) = (hpa.spec.min_replicas.unwrap_or(1), hpa.spec.max_replicas);
    let mut reason = String::new();
    // Only the branch that reads metrics reports them (setStatus with nil statuses otherwise).
    status.current_metrics = Vec::new();
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
        let default_metrics = [MetricSpec { type_: "Resource".into(), resource: Some(ResourceMetricSource { name: "cpu".into(), target: MetricTarget { type_: "Utilization".into(), average_utilization: Some(80), average_value: None } }) }];
        let specs = if hpa.spec.metrics.is_empty() { &default_metrics[..] } else { &hpa.spec.metrics[..] };
        let proposals: Vec<Result<Proposal, InvalidMetric>> = specs.iter().map(|m| compute_replicas_for_metric(m, current, &pods, metrics, now)).collect();
        // Models computeReplicasForMetrics: the largest proposal wins (the first on a tie).
        let (mut proposal, mut metric) = (0, String::new());
        let mut first_invalid: Option<&InvalidMetric> = None;
        let mut invalid_count = 0;
        status.current_metrics = vec![MetricStatus::default(); specs.len()];
        for (i, p) in proposals.iter().enumerate() {
            match p {
                Ok(p) => {
                    status.current_metrics[i] = p.status.clone();
                    if proposal == 0 || p.replicas > proposal {
                        (proposal, metric) = (p.replicas, p.metric.clone());
                    }
                }
                Err(e) => {
                    events::record(store, now, SOURCE, obj, "Warning", e.reason, &e.error);
                    first_invalid.get_or_insert(e);
                    invalid_count += 1;
                }
            }
        }
        if let Some(e) = first_invalid.filter(|_| invalid_count >= specs.len() || proposal < current) {
            let message = format!("invalid metrics ({invalid_count} invalid out of {}), first error is: {}", specs.len(), e.wrapped);
            events::record(store, now, SOURCE, obj, "Warning", "FailedComputeMetricsReplicas", &message);
            set_condition(&mut status.conditions, condition("ScalingActive", false, e.reason, format!("the HPA was unable to compute the replica count: {}", e.error), now));
            status.current_replicas = current;
            write_status(store, now, obj, status);
            return;
        }
        set_condition(&mut status.conditions, condition("ScalingActive", true, "ValidMetricFound", format!("the HPA was able to successfully calculate a replica count from {metric}"), now));
        if proposal > current {
            reason = format!("{metric} above target");
        } else if proposal < current {
            reason = "All metrics below target".into();
        }
        let (value, able, limited) = match &hpa.spec.behavior {
            Some(b) => {
                let ups = state.scale_ups.get(key).map_or(&[][..], Vec::as_slice);
                let downs = state.scale_downs.get(key).map_or(&[][..], Vec::as_slice);
                normalize_with_behavior(history, ups, downs, b, proposal, current, min, max, now)
            }
            None => normalize(history, proposal, current, min, max, now),
        };
        let able_message = match able {
            "ScaleDownStabilized" => "recent recommendations were higher than current one, applying the highest recent recommendation",
            "ScaleUpStabilized" => "recent recommendations were lower than current one, applying the lowest recent recommendation",
            _ => "recommended size matches current size",
        };
        set_condition(&mut status.conditions, condition("AbleToScale", true, able, able_message.into(), now));
        set_condition(&mut status.conditions, condition("ScalingLimited", limited != "DesiredWithinRange", limited, limited_message(limited).into(), now));
        value
    };
    if desired != current && !(current == 0 && min != 0) {
        if rescale(store, now, &ns, &r.kind, &r.name, desired) {
            events::record(store, now, SOURCE, obj, "Normal", "SuccessfulRescale", &format!("New size: {desired}; reason: {reason}"));
            set_condition(&mut status.conditions, condition("AbleToScale", true, "SucceededRescale", format!("the HPA controller was able to update the target scale to {desired}"), now));
            status.last_scale_time = Some(now);
            if let Some(b) = &hpa.spec.behavior {
                if desired > current {
                    store_scale_event(state.scale_ups.get_or_default(key.to_string()), b.scale_up.as_ref(), desired - current, now);
                } else {
                    store_scale_event(state.scale_downs.get_or_default(key.to_string()), b.scale_down.as_ref(), current - desired, now);
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
            crate::sorting::sort_by_key(&mut status.conditions, |c| rank(&c.type_));
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

#[cfg(test)]
mod metric_tests {
    use super::*;
    use crate::api::{Container, ObjectMeta, PodSpec, PodStatus, ResourceRequirements};
    use crate::metrics_server::PodSample;

    fn resource(name: &str, utilization: Option<i32>, value: Option<&str>) -> MetricSpec {
        let target = MetricTarget { type_: if value.is_some() { "AverageValue" } else { "Utilization" }.into(), average_utilization: utilization, average_value: value.map(|v| Quantity::parse(v).unwrap()) };
        MetricSpec { type_: "Resource".into(), resource: Some(ResourceMetricSource { name: name.into(), target }) }
    }

    /// Two running, ready pods with 100m / 100Mi requests using 150m / 150Mi each.
    fn pods_and_metrics() -> (Vec<Pod>, MetricsServer) {
        let mut metrics = MetricsServer::default();
        let start = Time(0);
        let pods = (0..2)
            .map(|i| {
                let name = format!("p-{i}");
                metrics.pods.insert(format!("default/{name}"), PodSample { timestamp: Time(600_000), containers: vec![("c".into(), 150.0, 150 << 20)] });
                let requests = [("cpu", "100m"), ("memory", "100Mi")].into_iter().map(|(k, v)| (k.to_string(), Quantity::parse(v).unwrap())).collect();
                Pod {
                    metadata: ObjectMeta { name, namespace: Some("default".into()), ..Default::default() },
                    spec: PodSpec { containers: vec![Container { name: "c".into(), resources: ResourceRequirements { requests, ..Default::default() }, ..Default::default() }].into(), ..Default::default() }.into(),
                    status: PodStatus { phase: Some("Running".into()), start_time: Some(start), conditions: vec![Condition::new("Ready", true, start)], ..Default::default() },
                    ..Default::default()
                }
            })
            .collect();
        (pods, metrics)
    }

    #[test]
    fn each_metric_names_itself_as_upstream() {
        let (pods, metrics) = pods_and_metrics();
        let refs: Vec<&Pod> = pods.iter().collect();
        let at = Time(600_000);
        let proposal = |m: &MetricSpec| compute_replicas_for_metric(m, 2, &refs, &metrics, at);
        let p = proposal(&resource("memory", Some(60), None)).unwrap();
        assert_eq!((p.replicas, p.metric.as_str()), (5, "memory resource utilization (percentage of request)"));
        assert_eq!(p.status.resource.unwrap().current, MetricValueStatus { average_utilization: Some(150), average_value: Quantity::parse("157286400").ok() });
        let p = proposal(&resource("cpu", None, Some("100m"))).unwrap();
        assert_eq!((p.replicas, p.metric.as_str()), (3, "cpu resource"));
        assert_eq!(p.status.resource.unwrap().current, MetricValueStatus { average_utilization: None, average_value: Quantity::parse("150m").ok() });
        // AverageValue is read first, as upstream does, whatever the type says.
        let mut both = resource("memory", Some(60), Some("300Mi"));
        both.resource.as_mut().unwrap().target.type_ = "Utilization".into();
        assert_eq!(proposal(&both).unwrap().metric, "memory resource");
    }

    #[test]
    fn invalid_metrics_wrap_their_errors_as_upstream() {
        let (pods, metrics) = pods_and_metrics();
        let refs: Vec<&Pod> = pods.iter().collect();
        let invalid = |m: &MetricSpec| compute_replicas_for_metric(m, 2, &refs, &metrics, Time(600_000)).unwrap_err();
        let e = invalid(&resource("memory", None, None));
        assert_eq!(e.reason, "FailedGetResourceMetric");
        assert_eq!(e.wrapped, "failed to get memory resource metric value: invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
        assert_eq!(invalid(&resource("cpu", Some(0), None)).error, "invalid resource metric source: averageUtilization 0 must be greater than 0");
        assert_eq!(invalid(&resource("memory", None, Some("0"))).error, "invalid resource metric source: averageValue 0 must be positive");
        let e = invalid(&resource("ephemeral-storage", Some(60), None));
        assert_eq!(e.wrapped, "failed to get ephemeral-storage resource metric value: failed to get ephemeral-storage utilization: did not receive metrics for targeted pods (pods might be unready)");
        let e = invalid(&MetricSpec { type_: "External".into(), resource: None });
        assert_eq!((e.reason, e.wrapped.as_str()), ("FailedGetExternalMetric", "failed to get external metric value: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered"));
        let e = invalid(&MetricSpec { type_: "Shiny".into(), resource: None });
        assert_eq!((e.reason, e.wrapped.as_str()), ("InvalidMetricSourceType", "unknown metric source type \"Shiny\""));
    }
}
