//! Table tests ported from upstream's replica_calculator_test.go (case names and numbers
//! reused; one container per pod instead of two, so the levels are per pod), run for cpu
//! and memory and for AverageValue targets, plus the differences between the resources.

use super::*;
use crate::api::{Container, ObjectMeta, PodSpec, PodStatus, Quantity, ResourceRequirements};
use crate::metrics_server::PodSample;

const MI: i64 = 1 << 20;

fn now() -> Time {
    Time(3_600_000)
}

/// A pod state: phase, Ready, and whether it started within the CPU initialization period.
#[derive(Clone, Copy)]
struct State {
    phase: &'static str,
    ready: bool,
    hot: bool,
}

const RUNNING: State = State { phase: "Running", ready: true, hot: false };
const UNREADY_HOT: State = State { phase: "Running", ready: false, hot: true };
const UNREADY: State = State { phase: "Running", ready: false, hot: false };
const PENDING: State = State { phase: "Pending", ready: false, hot: true };
const FAILED: State = State { phase: "Failed", ready: false, hot: false };

/// One pod: its state, its request of the resource (`None`: the container has none)
/// and its sample (`None`: missing from metrics-server).
struct P(State, Option<&'static str>, Option<i64>);

/// Pods `p-0`, `p-1`, ... and a metrics-server holding their samples of `resource`.
fn cluster(resource: &str, pods: &[P]) -> (Vec<Pod>, MetricsServer) {
    let mut metrics = MetricsServer::default();
    let built = pods
        .iter()
        .enumerate()
        .map(|(i, P(state, request, level))| {
            let name = format!("p-{i}");
            let start = Time(now().0 - if state.hot { 60_000 } else { 600_000 });
            let mut requests = crate::api::ResourceList::new();
            if let Some(r) = request {
                requests.insert(resource.to_string(), Quantity::parse(r).unwrap());
            }
            let mut ready = crate::api::Condition::new("Ready", state.ready, start);
            ready.last_transition_time = Some(start);
            if let Some(level) = level {
                let (cpu, mem) = if resource == "cpu" { (*level as f64, 0) } else { (0.0, *level) };
                metrics.pods.insert(format!("default/{name}"), PodSample { timestamp: now(), containers: vec![("c".into(), cpu, mem)] });
            }
            Pod {
                metadata: ObjectMeta { name, namespace: Some("default".into()), ..Default::default() },
                spec: PodSpec { containers: vec![Container { name: "c".into(), resources: ResourceRequirements { requests, ..Default::default() }, ..Default::default() }].into(), ..Default::default() }.into(),
                status: PodStatus { phase: Some(state.phase.into()), start_time: Some(start), conditions: vec![ready], ..Default::default() },
                ..Default::default()
            }
        })
        .collect();
    (built, metrics)
}

fn utilization(resource: &str, current: i32, target: i32, pods: &[P]) -> Result<Calculation, String> {
    let (pods, metrics) = cluster(resource, pods);
    let refs: Vec<&Pod> = pods.iter().collect();
    utilization_replicas(current, resource, target, &refs, &metrics, now())
}

fn raw(resource: &str, current: i32, target_milli: i64, pods: &[P]) -> Result<Calculation, String> {
    let (pods, metrics) = cluster(resource, pods);
    let refs: Vec<&Pod> = pods.iter().collect();
    raw_replicas(current, resource, target_milli, &refs, &metrics, now())
}

fn ok(replicas: i32, utilization: Option<i32>, raw_average_milli: i64) -> Result<Calculation, String> {
    Ok(Calculation { replicas, utilization, raw_average_milli })
}

#[test]
fn utilization_cases_from_upstream_for_cpu_and_memory() {
    // (case, current, target %, pods as (state, request, level)); levels are millicores
    // for cpu and Mi for memory, requests "1" / "1000Mi" unless given.
    type Case = (&'static str, i32, i32, Vec<(State, i64)>, i32, i32, i64);
    let cases: Vec<Case> = vec![
        ("ScaleUp", 3, 30, vec![(RUNNING, 300), (RUNNING, 500), (RUNNING, 700)], 5, 50, 500),
        ("ScaleDown", 5, 50, vec![(RUNNING, 100), (RUNNING, 300), (RUNNING, 500), (RUNNING, 250), (RUNNING, 250)], 3, 28, 280),
        ("ScaleDownIgnoresFailedPods", 5, 50, vec![(RUNNING, 100), (RUNNING, 300), (RUNNING, 500), (RUNNING, 250), (RUNNING, 250), (FAILED, 1000), (FAILED, 1000)], 3, 28, 280),
        ("Tolerance", 3, 100, vec![(RUNNING, 1010), (RUNNING, 1030), (RUNNING, 1020)], 3, 102, 1020),
        ("Superfluous", 4, 100, vec![(RUNNING, 4000), (RUNNING, 9500), (RUNNING, 3000), (RUNNING, 7000)], 24, 587, 5875),
    ];
    for (name, current, target, pods, replicas, util, avg) in cases {
        let cpu: Vec<P> = pods.iter().map(|(s, l)| P(*s, Some("1"), Some(*l))).collect();
        assert_eq!(utilization("cpu", current, target, &cpu), ok(replicas, Some(util), avg), "cpu {name}");
        let memory: Vec<P> = pods.iter().map(|(s, l)| P(*s, Some("1000Mi"), Some(l * MI))).collect();
        assert_eq!(utilization("memory", current, target, &memory), ok(replicas, Some(util), avg * MI * 1000), "memory {name}");
    }
}

#[test]
fn missing_pods_lean_against_the_change() {
    // MissingMetricsNoChangeEq / Gt / Lt: the missing pod fills in at 100 % on a
    // scale-down and 0 on a scale-up, which brings the ratio within tolerance.
    for (level, util) in [(1000, 100), (1900, 190), (600, 60)] {
        let pods = [P(RUNNING, Some("1000Mi"), Some(level * MI)), P(RUNNING, Some("1000Mi"), None)];
        assert_eq!(utilization("memory", 2, 100, &pods).map(|c| (c.replicas, c.utilization)), Ok((2, Some(util))), "level {level}");
    }
    // MissingMetricsScaleUp (target 50): 2 pods at 190 %, 1 missing at 0 -> 127 % -> 8.
    let pods = [P(RUNNING, Some("1"), Some(1900)), P(RUNNING, Some("1"), Some(1900)), P(RUNNING, Some("1"), None)];
    assert_eq!(utilization("cpu", 3, 50, &pods).map(|c| c.replicas), Ok(8));
    // A scale-down with a target above 100 %: missing pods count at the target (1.27+).
    let pods = [P(RUNNING, Some("100Mi"), Some(50 * MI)), P(RUNNING, Some("100Mi"), None)];
    assert_eq!(utilization("memory", 2, 150, &pods).map(|c| c.replicas), Ok(2), "(50 + 150) / 200 = 100 % of 150: 0.67 -> 2");
}

#[test]
fn readiness_only_matters_for_cpu() {
    // ScaleUpUnreadyLessScale: cpu leaves the unready pod out, then counts it at 0 (-> 4);
    // memory takes every running pod's sample as it is (-> 5).
    let pods = |resource: &str| {
        let scale = if resource == "cpu" { 1 } else { MI };
        let request = if resource == "cpu" { "1" } else { "1000Mi" };
        vec![P(UNREADY, Some(request), Some(300 * scale)), P(RUNNING, Some(request), Some(500 * scale)), P(RUNNING, Some(request), Some(700 * scale))]
    };
    assert_eq!(utilization("cpu", 3, 30, &pods("cpu")), ok(4, Some(60), 600));
    assert_eq!(utilization("memory", 3, 30, &pods("memory")), ok(5, Some(50), 500 * MI * 1000));
    // ScaleUpUnreadyNoScale: the unready pods at 0 bring cpu within tolerance.
    let pods = [P(RUNNING, Some("1"), Some(400)), P(UNREADY_HOT, Some("1"), Some(500)), P(UNREADY_HOT, Some("1"), Some(700))];
    assert_eq!(utilization("cpu", 3, 30, &pods), ok(3, Some(40), 400));
    // Pending pods are unready for every resource: on a scale-up they count at 0.
    let pods = [P(RUNNING, Some("100Mi"), Some(200 * MI)), P(RUNNING, Some("100Mi"), Some(200 * MI)), P(PENDING, Some("100Mi"), None)];
    assert_eq!(utilization("memory", 3, 100, &pods).map(|c| (c.replicas, c.utilization)), Ok((4, Some(200))), "400/300 = 133 % -> ceil(1.33 * 3)");
}

#[test]
fn average_value_cases_from_upstream() {
    // The Pods-metric cases of replica_calculator_test.go (calcPlainMetricReplicas is
    // shared), with memory in bytes: usage = Σ / count in millibytes (upstream's levels
    // are milli-units, so the averages differ below the thousandth), ratio = usage / target.
    type Case = (&'static str, i32, Vec<(State, i64)>, i64, i32, i64);
    let cases: Vec<Case> = vec![
        ("ScaleUpCM", 3, vec![(RUNNING, 20000), (RUNNING, 10000), (RUNNING, 30000)], 15000, 4, 20_000_000),
        ("ScaleUpCMUnreadyHotCpuNoLessScale", 3, vec![(RUNNING, 50000), (RUNNING, 10000), (UNREADY_HOT, 30000)], 15000, 6, 30_000_000),
        ("ScaleUpCMUnreadyHotCpuScaleWouldScaleDown", 3, vec![(RUNNING, 50000), (UNREADY_HOT, 15000), (UNREADY_HOT, 30000)], 15000, 7, 31_666_666),
        ("ScaleDownCM", 5, vec![(RUNNING, 12000); 5], 20000, 3, 12_000_000),
        ("ToleranceCM", 3, vec![(RUNNING, 20000), (RUNNING, 21000), (RUNNING, 21000)], 20000, 3, 20_666_666),
    ];
    for (name, current, pods, target, replicas, usage) in cases {
        // No requests needed for AverageValue.
        let memory: Vec<P> = pods.iter().map(|(s, l)| P(*s, None, Some(*l))).collect();
        assert_eq!(raw("memory", current, target * 1000, &memory), ok(replicas, None, usage), "memory {name}");
    }
    // The same hot unready pod is left out for cpu: (50 + 10) / 2 = 30 -> with it at 0, 20 -> 4.
    let cpu = [P(RUNNING, None, Some(50)), P(RUNNING, None, Some(10)), P(UNREADY_HOT, None, Some(30))];
    assert_eq!(raw("cpu", 3, 15, &cpu), ok(4, None, 30));
}

#[test]
fn average_value_is_ceil_of_sum_over_target_outside_tolerance() {
    let at = |levels: &[i64], current| raw("memory", current, 100 * MI * 1000, &levels.iter().map(|l| P(RUNNING, None, Some(l * MI))).collect::<Vec<_>>()).map(|c| c.replicas);
    assert_eq!(at(&[150, 150, 160], 3), Ok(5), "460Mi / 100Mi");
    assert_eq!(at(&[105, 108, 100], 3), Ok(3), "104Mi is within 10 % of 100Mi");
    assert_eq!(at(&[40, 40, 40, 40], 4), Ok(2), "160Mi / 100Mi");
    // Missing pods: at the target on a scale-down, 0 on a scale-up.
    let with_missing = |level: i64| raw("memory", 3, 200 * MI * 1000, &[P(RUNNING, None, Some(level * MI)), P(RUNNING, None, Some(level * MI)), P(RUNNING, None, None)]).map(|c| c.replicas);
    assert_eq!(with_missing(100), Ok(2), "(100 + 100 + 200) / 3 = 133Mi -> 0.67 * 3");
    assert_eq!(with_missing(400), Ok(4), "(400 + 400 + 0) / 3 = 267Mi -> 1.33 * 3");
}

#[test]
fn errors_read_as_upstreams() {
    let no_request = [P(RUNNING, Some("100Mi"), Some(MI)), P(RUNNING, None, Some(MI))];
    assert_eq!(utilization("memory", 2, 60, &no_request), Err("missing request for memory in container c of Pod p-1".into()));
    let nothing = [P(RUNNING, Some("100Mi"), None)];
    assert_eq!(utilization("memory", 1, 60, &nothing), Err("unable to get metrics for resource memory: no metrics returned from resource metrics API".into()));
    assert_eq!(raw("memory", 1, 1000, &nothing), Err("unable to get metrics for resource memory: no metrics returned from resource metrics API".into()));
    assert_eq!(utilization("cpu", 0, 60, &[]).map(|c| c.replicas), Err("unable to get metrics for resource cpu: no metrics returned from resource metrics API".into()));
    let unready = [P(UNREADY_HOT, Some("1"), Some(500))];
    assert_eq!(utilization("cpu", 1, 60, &unready), Err("did not receive metrics for targeted pods (pods might be unready)".into()));
    // A resource metrics-server does not serve: every pod is missing.
    let (pods, metrics) = cluster("memory", &[P(RUNNING, Some("1Gi"), Some(MI))]);
    let refs: Vec<&Pod> = pods.iter().collect();
    assert_eq!(raw_replicas(1, "ephemeral-storage", 1000, &refs, &metrics, now()), Err("did not receive metrics for targeted pods (pods might be unready)".into()));
    // Requests of zero: nothing to divide by.
    assert_eq!(utilization("memory", 1, 60, &[P(RUNNING, Some("0"), Some(MI))]), Err("no metrics returned matched known pods".into()));
}

#[test]
fn huge_values_do_not_overflow() {
    let pods = [P(RUNNING, Some("8Ei"), Some(i64::MAX / 2)), P(RUNNING, Some("8Ei"), Some(i64::MAX / 2))];
    assert!(utilization("memory", 2, 1, &pods).is_ok());
    assert!(raw("memory", 2, 1, &pods).is_ok());
}
