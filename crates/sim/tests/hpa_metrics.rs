//! HorizontalPodAutoscalers on memory, on AverageValue targets and on several metrics
//! (kube-semantics.md section 7): what a learner sees in `kubectl get hpa`, `describe`
//! and the events when `usage` pushes the pods' usage past the targets.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    out.stdout
}

fn apply(c: &mut Cluster, yaml: &str) {
    let report = c.apply_manifest(yaml, "x.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

fn replicas(c: &Cluster) -> i32 {
    c.store().list(Kind::Deployment, Some("default")).filter_map(Object::as_deployment).find(|d| d.metadata.name == "web").and_then(|d| d.spec.replicas).unwrap()
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    c.store().list(Kind::Event, Some("default")).filter_map(Object::as_event).filter(|e| e.reason == reason).map(|e| e.message.clone()).collect()
}

/// The `kubectl get hpa web` row.
fn row(c: &mut Cluster) -> String {
    ok(c, "kubectl get hpa web").lines().nth(1).unwrap().to_string()
}

/// A Deployment `web` of `replicas` nginx pods with these requests, running for a minute.
fn web(replicas: i32, requests: &str) -> Cluster {
    let mut c = Cluster::new(ClusterSettings::default());
    apply(&mut c, &format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources: {{requests: {requests}}}\n"));
    c.advance(Duration::seconds(60));
    c
}

/// An autoscaling/v2 HPA `web` (1 to 10 replicas) with these `spec.metrics` entries.
fn hpa(c: &mut Cluster, metrics: &[&str]) {
    let metrics: Vec<String> = metrics.iter().map(|m| format!("  - {m}\n")).collect();
    apply(c, &format!("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: web}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}\n  minReplicas: 1\n  maxReplicas: 10\n  metrics:\n{}", metrics.concat()));
}

fn utilization(resource: &str, percent: i32) -> String {
    format!("{{type: Resource, resource: {{name: {resource}, target: {{type: Utilization, averageUtilization: {percent}}}}}}}")
}

fn average_value(resource: &str, value: &str) -> String {
    format!("{{type: Resource, resource: {{name: {resource}, target: {{type: AverageValue, averageValue: {value}}}}}}}")
}

/// Advances 15 s at a time until the replicas change (at most `limit` steps).
fn until_rescaled(c: &mut Cluster, limit: usize) -> i32 {
    let before = replicas(c);
    for _ in 0..limit {
        c.advance(Duration::seconds(15));
        if replicas(c) != before {
            break;
        }
    }
    replicas(c)
}

#[test]
fn memory_utilization_scales_up_when_usage_passes_the_target() {
    let mut c = web(2, "{cpu: 100m, memory: 100Mi}");
    hpa(&mut c, &[&utilization("memory", 60)]);
    ok(&mut c, "usage app=web memory=30Mi");
    c.advance(Duration::seconds(30));
    assert_eq!(row(&mut c), "web    Deployment/web   30%/60%   1         10        2          30s");
    assert_eq!(replicas(&c), 2, "below target, but a new HPA holds its first recommendation for 5 minutes");
    // 150Mi of 100Mi requested: 150 % of a 60 % target -> ceil(2.5 * 2) = 5, at most 4 per step.
    ok(&mut c, "usage app=web memory=150Mi");
    assert_eq!(until_rescaled(&mut c, 4), 4);
    assert_eq!(events(&c, "SuccessfulRescale"), vec!["New size: 4; reason: memory resource utilization (percentage of request) above target"]);
    assert!(row(&mut c).contains(" 150%/60% "), "{}", row(&mut c));
    // The average is in millibytes, as upstream reports it: 150Mi is 157286400.
    let describe = ok(&mut c, "kubectl describe hpa web");
    assert!(describe.contains("  resource memory on pods  (as a percentage of request):  150% (157286400) / 60%\n"), "{describe}");
    assert!(describe.contains("ValidMetricFound  the HPA was able to successfully calculate a replica count from memory resource utilization (percentage of request)"), "{describe}");
    let yaml = ok(&mut c, "kubectl get hpa web -o yaml");
    assert!(yaml.contains("  currentMetrics:\n  - resource:\n      current:\n        averageUtilization: 150\n        averageValue: \"157286400\"\n      name: memory\n    type: Resource\n"), "{yaml}");
    // The new pods have the same usage: the HPA keeps going up to the maximum.
    for _ in 0..12 {
        c.advance(Duration::seconds(15));
    }
    assert_eq!(replicas(&c), 10);
}

#[test]
fn the_largest_proposal_wins_and_names_its_metric() {
    let mut c = web(2, "{cpu: 100m, memory: 100Mi}");
    hpa(&mut c, &[&utilization("cpu", 50), &utilization("memory", 60)]);
    // cpu 60 % of 50 -> 3; memory 150 % of 60 -> 5 (limited to 4): memory names the reason.
    ok(&mut c, "usage app=web cpu=60m memory=150Mi");
    assert_eq!(until_rescaled(&mut c, 4), 4);
    assert_eq!(events(&c, "SuccessfulRescale"), vec!["New size: 4; reason: memory resource utilization (percentage of request) above target"]);
    assert!(row(&mut c).contains(" 60%/50%, 150%/60% "), "{}", row(&mut c));
    let describe = ok(&mut c, "kubectl describe hpa web");
    assert!(describe.contains("  resource cpu on pods  (as a percentage of request):     60% (60m) / 50%\n  resource memory on pods  (as a percentage of request):  150% (157286400) / 60%\n"), "{describe}");

    let mut c = web(2, "{cpu: 100m, memory: 100Mi}");
    hpa(&mut c, &[&utilization("cpu", 50), &utilization("memory", 60)]);
    // cpu 120 % of 50 -> 5 (limited to 4); memory 70 % of 60 -> 3: cpu names it.
    ok(&mut c, "usage app=web cpu=120m memory=70Mi");
    assert_eq!(until_rescaled(&mut c, 4), 4);
    assert_eq!(events(&c, "SuccessfulRescale"), vec!["New size: 4; reason: cpu resource utilization (percentage of request) above target"]);
}

#[test]
fn average_value_targets_need_no_requests() {
    let mut c = web(3, "{}");
    hpa(&mut c, &[&average_value("memory", "100Mi")]);
    // Within the tolerance: 105Mi against 100Mi holds.
    ok(&mut c, "usage app=web memory=105Mi");
    c.advance(Duration::seconds(45));
    assert_eq!(replicas(&c), 3);
    assert!(row(&mut c).contains(" 110100480/100Mi "), "{}", row(&mut c));
    // 150Mi each: ceil(3 * 150Mi / 100Mi) = 5.
    ok(&mut c, "usage app=web memory=150Mi");
    assert_eq!(until_rescaled(&mut c, 4), 5);
    assert_eq!(events(&c, "SuccessfulRescale"), vec!["New size: 5; reason: memory resource above target"]);
    let describe = ok(&mut c, "kubectl describe hpa web");
    assert!(describe.contains("  resource memory on pods:  157286400 / 100Mi\n"), "{describe}");
    let yaml = ok(&mut c, "kubectl get hpa web -o yaml");
    assert!(yaml.contains("      current:\n        averageValue: \"157286400\"\n      name: memory\n"), "{yaml}");

    let mut c = web(2, "{}");
    hpa(&mut c, &[&average_value("cpu", "200m")]);
    ok(&mut c, "usage app=web cpu=500m");
    assert_eq!(until_rescaled(&mut c, 4), 4, "ceil(2 * 500m / 200m) = 5, at most 4 per step");
    assert_eq!(events(&c, "SuccessfulRescale"), vec!["New size: 4; reason: cpu resource above target"]);
    assert!(row(&mut c).contains(" 500m/200m "), "{}", row(&mut c));
}

#[test]
fn a_missing_memory_request_is_reported_like_cpu() {
    let mut c = web(2, "{cpu: 100m}");
    hpa(&mut c, &[&utilization("memory", 60)]);
    c.advance(Duration::seconds(30));
    let pod = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).map(|p| p.metadata.name.clone()).min().unwrap();
    let error = format!("failed to get memory utilization: missing request for memory in container web of Pod {pod}");
    assert!(events(&c, "FailedGetResourceMetric").contains(&error), "{:?}", events(&c, "FailedGetResourceMetric"));
    assert!(events(&c, "FailedComputeMetricsReplicas").contains(&format!("invalid metrics (1 invalid out of 1), first error is: failed to get memory resource metric value: {error}")));
    let describe = ok(&mut c, "kubectl describe hpa web");
    assert!(describe.contains("  AbleToScale    True    SucceededGetScale        the HPA controller was able to get the target's current scale\n"), "{describe}");
    assert!(describe.contains(&format!("  ScalingActive  False   FailedGetResourceMetric  the HPA was unable to compute the replica count: {error}\n")), "{describe}");
    assert!(row(&mut c).contains(" <unknown>/60% "), "{}", row(&mut c));

    // Next to a valid cpu metric, the invalid one is skipped when scaling up...
    let mut c = web(2, "{cpu: 100m}");
    hpa(&mut c, &[&utilization("memory", 60), &utilization("cpu", 50)]);
    ok(&mut c, "usage app=web cpu=100m");
    assert_eq!(until_rescaled(&mut c, 4), 4);
    assert_eq!(events(&c, "SuccessfulRescale"), vec!["New size: 4; reason: cpu resource utilization (percentage of request) above target"]);
    assert!(row(&mut c).contains(" <unknown>/60%, 100%/50% "), "{}", row(&mut c));
    // ...but blocks a scale-down.
    ok(&mut c, "usage app=web cpu=1m");
    for _ in 0..30 {
        c.advance(Duration::seconds(15));
    }
    assert_eq!(replicas(&c), 4, "no scale-down while a metric is invalid");
    assert!(events(&c, "FailedComputeMetricsReplicas").iter().any(|m| m.starts_with("invalid metrics (1 invalid out of 2), first error is: failed to get memory resource metric value: failed to get memory utilization: missing request for memory")));
}

#[test]
fn v1_and_autoscale_stay_cpu_utilization() {
    let mut c = web(2, "{cpu: 100m, memory: 100Mi}");
    ok(&mut c, "kubectl autoscale deployment web --max=5 --cpu-percent=50");
    let yaml = ok(&mut c, "kubectl get hpa web -o yaml");
    assert!(yaml.contains("  metrics:\n  - resource:\n      name: cpu\n      target:\n        averageUtilization: 50\n        type: Utilization\n    type: Resource\n"), "{yaml}");
    ok(&mut c, "kubectl delete hpa web");
    apply(&mut c, "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 70\n");
    c.advance(Duration::seconds(15));
    assert!(row(&mut c).contains("/70% "), "{}", row(&mut c));
}

#[test]
fn odd_metrics_are_reported_not_panicked_on() {
    let mut c = web(2, "{cpu: 100m, memory: 100Mi}");
    hpa(
        &mut c,
        &[
            "{type: Pods, pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: 10}}}",
            "{type: Resource, resource: {name: memory, target: {type: Utilization}}}",
            "{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 0}}}",
            "{type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: '0'}}}",
            "{type: Resource, resource: {name: gpu, target: {type: AverageValue, averageValue: 1}}}",
            "{type: Shiny}",
        ],
    );
    c.advance(Duration::seconds(45));
    assert_eq!(replicas(&c), 2);
    let failed = events(&c, "FailedComputeMetricsReplicas");
    assert!(failed.iter().any(|m| m.starts_with("invalid metrics (6 invalid out of 6), first error is: failed to get pods metric value: unable to fetch metrics from custom metrics API")), "{failed:?}");
    let resource = events(&c, "FailedGetResourceMetric");
    assert!(resource.contains(&"invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".to_string()), "{resource:?}");
    assert!(resource.contains(&"failed to get gpu usage: did not receive metrics for targeted pods (pods might be unready)".to_string()), "{resource:?}");
    assert!(events(&c, "InvalidMetricSourceType").contains(&"unknown metric source type \"Shiny\"".to_string()));
    let table = row(&mut c);
    assert!(table.contains("<unknown>/<unknown>, <unknown>/<auto> + 4 more..."), "{table}");
    ok(&mut c, "kubectl describe hpa web");
}
