//! `kubectl autoscale`: an HPA for a Deployment or ReplicaSet.

use super::flags::Flags;
use super::{fetch, targets, CommandOutput};
use crate::api::{CrossVersionObjectReference, HorizontalPodAutoscaler, Kind, MetricSpec, MetricTarget, Object, ObjectMeta, ResourceMetricSource};
use crate::cluster::Cluster;

fn int(f: &Flags, flag: &str) -> Result<Option<i32>, String> {
    f.value(flag).map(|v| v.parse::<i32>().map_err(|_| format!("error: invalid argument {v:?} for \"{flag}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax"))).transpose()
}

/// `kubectl autoscale TYPE NAME --max=N [--min=N] [--cpu-percent=N] [--name=NAME]`.
pub fn autoscale(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    if f.value("--max").is_none() {
        return CommandOutput::err("error: required flag(s) \"max\" not set\n".into(), 1);
    }
    let list = match targets(&f.positional) {
        Ok(t) if t.len() == 1 => t,
        Ok(_) => return CommandOutput::err("error: You must provide one or more resources by argument or filename.\n".into(), 1),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let (min, max, cpu) = match (int(f, "--min"), int(f, "--max"), int(f, "--cpu-percent")) {
        (Ok(a), Ok(b), Ok(c)) => (a, b.unwrap_or(0), c),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    // Models autoscale.go AutoscaleOptions.Validate (before the object is read).
    if max < 1 {
        return CommandOutput::err(format!("error: --max=MAXPODS is required and must be at least 1, max: {max}\n"), 1);
    }
    if let Some(min) = min.filter(|min| max < *min) {
        return CommandOutput::err(format!("error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}\n"), 1);
    }
    let (kind, name) = list[0].clone();
    if !matches!(kind, Kind::Deployment | Kind::ReplicaSet) {
        return CommandOutput::err(format!("error: cannot autoscale a {}: not scalable\n", kind.name()), 1);
    }
    if let Err(e) = fetch(cluster, kind, &f.namespace(), &name) {
        return CommandOutput::err(format!("{e}\n"), 1);
    }
    let hpa_name = f.value("--name").unwrap_or_else(|| name.clone());
    let hpa = HorizontalPodAutoscaler {
        metadata: ObjectMeta { name: hpa_name.clone(), namespace: Some(f.namespace()), ..Default::default() },
        spec: Box::new(crate::api::HpaSpec {
            scale_target_ref: CrossVersionObjectReference { api_version: Some(kind.api_version().into()), kind: kind.name().into(), name },
            min_replicas: min,
            max_replicas: max,
            metrics: cpu
                .map(|pct| MetricSpec {
                    type_: "Resource".into(),
                    resource: Some(ResourceMetricSource { name: "cpu".into(), target: MetricTarget { type_: "Utilization".into(), average_utilization: Some(pct), average_value: None } }),
                })
                .into_iter()
                .collect(),
            behavior: None,
        }),
        ..Default::default()
    };
    match cluster.create(Object::HorizontalPodAutoscaler(hpa)) {
        Ok(_) => CommandOutput { stdout: format!("horizontalpodautoscaler.autoscaling/{hpa_name} autoscaled\n"), ..Default::default() },
        Err(e) => CommandOutput::err(format!("{}\n", super::files::api_error_line(&e, "creating", "")), 1),
    }
}
