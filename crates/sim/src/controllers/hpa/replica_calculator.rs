//! Models pkg/controller/podautoscaler/replica_calculator.go for Resource metrics
//! (kube-semantics.md section 7.3): GetResourceReplicas (a Utilization target, percent of
//! the pods' requests) and GetRawResourceReplicas with calcPlainMetricReplicas (an
//! AverageValue target, a quantity per pod), with groupPods' ignored, unready and missing
//! pods. Values are thousandths of the resource's unit (millicores, millibytes), as the
//! resource metrics client reads them with `MilliValue`; readiness only matters for cpu.

use super::TOLERANCE;
use crate::api::{condition, Pod};
use crate::clock::{Duration, Time};
use crate::metrics_server::{MetricsServer, PodSample, RESOLUTION};
use crate::small_map::{SmallMap, SmallSet};

/// `--horizontal-pod-autoscaler-cpu-initialization-period`.
const CPU_INITIALIZATION: Duration = Duration::seconds(300);
/// `--horizontal-pod-autoscaler-initial-readiness-delay`.
const INITIAL_READINESS_DELAY: Duration = Duration::seconds(30);

/// The outcome of the replica calculation for one Resource metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Calculation {
    /// Proposed replicas.
    pub replicas: i32,
    /// Utilization in percent of request (Utilization targets only).
    pub utilization: Option<i32>,
    /// Average usage per pod in thousandths of the unit (millicores, millibytes).
    pub raw_average_milli: i64,
}

/// A pod's usage of a resource in thousandths, its containers summed; `None` for a
/// resource metrics-server does not serve.
pub fn pod_usage_milli(sample: &PodSample, resource: &str) -> Option<i64> {
    let (cpu, memory) = sample.total();
    match resource {
        "cpu" => Some(cpu.ceil() as i64),
        "memory" => Some(memory.saturating_mul(1000)),
        _ => None,
    }
}

/// One pod's sample of the resource: usage in thousandths and when it was taken.
#[derive(Clone, Copy, Debug)]
struct PodMetric {
    value: i64,
    timestamp: Time,
}

/// Models metrics/client.go GetResourceMetric: the selected pods' samples, by pod name.
fn resource_metrics(resource: &str, pods: &[&Pod], metrics: &MetricsServer) -> Result<SmallMap<String, PodMetric>, String> {
    let key = |p: &Pod| format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or(""), p.metadata.name);
    let samples: Vec<(&Pod, &PodSample)> = pods.iter().filter_map(|p| metrics.pods.get(&key(p)).map(|s| (*p, s))).collect();
    if samples.is_empty() {
        return Err(format!("unable to get metrics for resource {resource}: no metrics returned from resource metrics API"));
    }
    let mut by_name = SmallMap::new();
    for (p, s) in samples {
        if let Some(value) = pod_usage_milli(s, resource) {
            by_name.insert(p.metadata.name.clone(), PodMetric { value, timestamp: s.timestamp });
        }
    }
    Ok(by_name)
}

/// Is a pod not yet a fair CPU sample? (groupPods, CPU branch).
fn cpu_unready(p: &Pod, sample_time: Time, now: Time) -> bool {
    let ready = condition(&p.status.conditions, "Ready");
    let (Some(start), Some(ready)) = (p.status.start_time, ready) else { return true };
    let transition = ready.last_transition_time.unwrap_or(start);
    if now < start + CPU_INITIALIZATION {
        ready.status != "True" || sample_time < transition + RESOLUTION
    } else {
        ready.status != "True" && start + INITIAL_READINESS_DELAY > transition
    }
}

/// The pods by how they take part (groupPods).
#[derive(Debug, Default)]
struct PodGroups {
    ready: usize,
    unready: SmallSet<String>,
    missing: SmallSet<String>,
    ignored: SmallSet<String>,
}

/// Models groupPods: deleted and failed pods are ignored, pending ones unready, pods
/// without a sample missing; for cpu only, pods that are not yet a fair sample are unready.
fn group_pods(pods: &[&Pod], metrics: &SmallMap<String, PodMetric>, resource: &str, now: Time) -> PodGroups {
    let mut g = PodGroups::default();
    for p in pods {
        let name = p.metadata.name.clone();
        if p.metadata.deletion_timestamp.is_some() || p.phase() == "Failed" {
            g.ignored.insert(name);
        } else if p.phase() == "Pending" {
            g.unready.insert(name);
        } else if let Some(m) = metrics.get(&name) {
            if resource == "cpu" && cpu_unready(p, m.timestamp, now) {
                g.unready.insert(name);
            } else {
                g.ready += 1;
            }
        } else {
            g.missing.insert(name);
        }
    }
    g
}

/// The samples left once ignored and unready pods are dropped, or upstream's error when
/// none is.
fn usable(metrics: SmallMap<String, PodMetric>, groups: &PodGroups) -> Result<SmallMap<String, i64>, String> {
    let mut left = SmallMap::new();
    for (n, m) in &metrics {
        if !groups.ignored.contains(n) && !groups.unready.contains(n) {
            left.insert(n.clone(), m.value);
        }
    }
    if left.is_empty() {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    Ok(left)
}

/// Models calculatePodRequests: each pod's request summed over its containers; a
/// container without one is an error.
fn pod_requests(pods: &[&Pod], resource: &str) -> Result<SmallMap<String, i64>, String> {
    let mut requests = SmallMap::new();
    for p in pods {
        let mut sum = 0i64;
        for c in &p.spec.containers {
            let Some(q) = c.resources.requests.get(resource) else {
                return Err(format!("missing request for {resource} in container {} of Pod {}", c.name, p.metadata.name));
            };
            sum = sum.saturating_add(q.milli_value());
        }
        requests.insert(p.metadata.name.clone(), sum);
    }
    Ok(requests)
}

fn clamp_i64(v: i128) -> i64 {
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// Models metrics/utilization.go GetResourceUtilizationRatio: (ratio, utilization in
/// percent, raw average), over the pods that have both a value and a request.
fn utilization_ratio(metrics: &SmallMap<String, i64>, requests: &SmallMap<String, i64>, target: i32) -> Result<(f64, i32, i64), String> {
    let (mut total, mut requested, mut count) = (0i128, 0i128, 0i128);
    for (name, value) in metrics {
        let Some(request) = requests.get(name) else { continue };
        total += i128::from(*value);
        requested += i128::from(*request);
        count += 1;
    }
    if requested == 0 || count == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let utilization = (total * 100 / requested).clamp(i128::from(i32::MIN), i128::from(i32::MAX)) as i32;
    Ok((f64::from(utilization) / f64::from(target), utilization, clamp_i64(total / count)))
}

/// Models metrics/utilization.go GetMetricUsageRatio: (ratio, average usage).
fn usage_ratio(metrics: &SmallMap<String, i64>, target: i64) -> (f64, i64) {
    let total: i128 = metrics.values().map(|v| i128::from(*v)).sum();
    let average = clamp_i64(total / (metrics.len().max(1) as i128));
    (average as f64 / target as f64, average)
}

/// The part both calculations share once the first ratio is known: within tolerance
/// and with every pod sampled, `ceil(ratio * ready)`; otherwise fill in missing pods
/// (`fill_missing`, leaning against the change) and, on a scale-up, unready pods at 0,
/// and keep `current` when the new ratio is within tolerance or turns the direction.
fn replicas_for(current: i32, ratio: f64, groups: &PodGroups, mut metrics: SmallMap<String, i64>, fill_missing: impl Fn(&str) -> Option<i64>, ratio_of: impl Fn(&SmallMap<String, i64>) -> Result<f64, String>) -> Result<i32, String> {
    let scale_up_with_unready = !groups.unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if (1.0 - ratio).abs() <= TOLERANCE {
            return Ok(current);
        }
        return Ok((ratio * groups.ready as f64).ceil() as i32);
    }
    for name in &groups.missing {
        if let Some(v) = fill_missing(name) {
            metrics.insert(name.clone(), v);
        }
    }
    if scale_up_with_unready {
        for name in &groups.unready {
            metrics.insert(name.clone(), 0);
        }
    }
    let new_ratio = ratio_of(&metrics)?;
    if (1.0 - new_ratio).abs() <= TOLERANCE || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return Ok(current);
    }
    let n = (new_ratio * metrics.len() as f64).ceil() as i32;
    if (new_ratio < 1.0 && n > current) || (new_ratio > 1.0 && n < current) {
        return Ok(current);
    }
    Ok(n)
}

/// Models GetResourceReplicas: replicas for a Utilization target (`target` percent of
/// the pods' requests) of `resource` over the pods the target selects.
pub fn utilization_replicas(current: i32, resource: &str, target: i32, pods: &[&Pod], metrics: &MetricsServer, now: Time) -> Result<Calculation, String> {
    let samples = resource_metrics(resource, pods, metrics)?;
    let groups = group_pods(pods, &samples, resource, now);
    let usage = usable(samples, &groups)?;
    let requests = pod_requests(pods, resource)?;
    let (ratio, utilization, raw_average_milli) = utilization_ratio(&usage, &requests, target)?;
    // Missing pods: at max(100 %, target) of their request on a scale-down, 0 on a scale-up.
    let fill = |name: &str| match ratio {
        r if r < 1.0 => Some(requests.get(name).copied().unwrap_or(0).saturating_mul(i64::from(target.max(100))) / 100),
        r if r > 1.0 => Some(0),
        _ => None,
    };
    let replicas = replicas_for(current, ratio, &groups, usage, fill, |m| utilization_ratio(m, &requests, target).map(|r| r.0))?;
    Ok(Calculation { replicas, utilization: Some(utilization), raw_average_milli })
}

/// Models GetRawResourceReplicas and calcPlainMetricReplicas: replicas for an
/// AverageValue target (`target_milli` thousandths per pod) of `resource`.
pub fn raw_replicas(current: i32, resource: &str, target_milli: i64, pods: &[&Pod], metrics: &MetricsServer, now: Time) -> Result<Calculation, String> {
    let samples = resource_metrics(resource, pods, metrics)?;
    let groups = group_pods(pods, &samples, resource, now);
    let usage = usable(samples, &groups)?;
    let (ratio, raw_average_milli) = usage_ratio(&usage, target_milli);
    // Missing pods: at the target on a scale-down, 0 otherwise.
    let fill = |_: &str| Some(if ratio < 1.0 { target_milli } else { 0 });
    let replicas = replicas_for(current, ratio, &groups, usage, fill, |m| Ok(usage_ratio(m, target_milli).0))?;
    Ok(Calculation { replicas, utilization: None, raw_average_milli })
}

#[cfg(test)]
mod tests;
