//! HorizontalPodAutoscaler (`autoscaling/v2`): scales a workload to keep a metric near
//! its target.

use super::meta::{Condition, ObjectMeta};
use crate::clock::Time;
use serde::{Deserialize, Serialize};

/// An HPA.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HorizontalPodAutoscaler {
    /// `autoscaling/v2`.
    pub api_version: super::event::Label,
    /// `HorizontalPodAutoscaler`.
    pub kind: super::event::Label,
    /// Name and namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Target, bounds and metrics.
    #[serde(default)]
    pub spec: Box<HpaSpec>,
    /// What the controller last saw and did.
    #[serde(default)]
    pub status: HpaStatus,
}

/// What an HPA scales and how.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaSpec {
    /// The workload (a Deployment, ReplicaSet or StatefulSet).
    #[serde(default)]
    pub scale_target_ref: CrossVersionObjectReference,
    /// Lower bound (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// Upper bound.
    #[serde(default)]
    pub max_replicas: i32,
    /// The metrics; the largest proposal among them wins. CPU at 80 % when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricSpec>,
    /// How fast to scale up and down; without it the controller's legacy rules apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<HpaBehavior>,
}

/// `spec.behavior`: rules per direction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaBehavior {
    /// Rules for adding replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<HpaScalingRules>,
    /// Rules for removing replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<HpaScalingRules>,
}

/// Stabilization window and rate limits for one direction.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaScalingRules {
    /// Recommendations younger than this many seconds are considered together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stabilization_window_seconds: Option<i32>,
    /// `Max`, `Min` or `Disabled`: which policy wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<String>,
    /// The rate limits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<HpaScalingPolicy>,
}

/// One rate limit: at most `value` pods (or percent) per `periodSeconds`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaScalingPolicy {
    /// `Pods` or `Percent`.
    #[serde(rename = "type")]
    pub type_: String,
    /// How many pods, or what percent of the current replicas.
    pub value: i32,
    /// The window the limit applies to.
    pub period_seconds: i32,
}

impl HpaBehavior {
    /// Models pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscalerBehavior:
    /// fills a given behavior field by field (scale-down's window stays unset; the
    /// controller uses its 300 s flag).
    pub fn set_defaults(&mut self) {
        let up = self.scale_up.get_or_insert_with(Default::default);
        up.stabilization_window_seconds.get_or_insert(0);
        up.select_policy.get_or_insert_with(|| "Max".into());
        if up.policies.is_empty() {
            up.policies = vec![HpaScalingPolicy { type_: "Pods".into(), value: 4, period_seconds: 15 }, HpaScalingPolicy { type_: "Percent".into(), value: 100, period_seconds: 15 }];
        }
        let down = self.scale_down.get_or_insert_with(Default::default);
        down.select_policy.get_or_insert_with(|| "Max".into());
        if down.policies.is_empty() {
            down.policies = vec![HpaScalingPolicy { type_: "Percent".into(), value: 100, period_seconds: 15 }];
        }
    }
}

/// `scaleTargetRef`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrossVersionObjectReference {
    /// e.g. `apps/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// e.g. `Deployment`.
    #[serde(default)]
    pub kind: String,
    /// The workload's name.
    #[serde(default)]
    pub name: String,
}

/// One metric of `spec.metrics`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricSpec {
    /// `Resource`, the one type the controller computes; `Pods`, `Object` and `External`
    /// fail as in a cluster without a custom metrics API (their own fields are not kept).
    #[serde(rename = "type")]
    pub type_: String,
    /// For `Resource`: which resource and its target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceMetricSource>,
}

/// A resource metric (cpu or memory) and its target.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceMetricSource {
    /// `cpu` or `memory`.
    pub name: String,
    /// The target.
    #[serde(default)]
    pub target: MetricTarget,
}

/// `Utilization` (percent of request) or `AverageValue`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricTarget {
    /// `Utilization`, `AverageValue` or `Value`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Percent of the pods' requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_utilization: Option<i32>,
    /// Per-pod quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_value: Option<super::Quantity>,
}

/// What the HPA observed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaStatus {
    /// The generation last acted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// When it last changed the scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_scale_time: Option<Time>,
    /// The workload's replicas when last checked.
    #[serde(default)]
    pub current_replicas: i32,
    /// What it wants.
    #[serde(default)]
    pub desired_replicas: i32,
    /// The metrics as last read, one per `spec.metrics` entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub current_metrics: Vec<MetricStatus>,
    /// AbleToScale, ScalingActive, ScalingLimited.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// One current metric; an entry whose metric could not be computed keeps an empty type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricStatus {
    /// `Resource`.
    #[serde(rename = "type")]
    pub type_: String,
    /// For `Resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceMetricStatus>,
}

/// A resource metric's current value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceMetricStatus {
    /// `cpu` or `memory`.
    pub name: String,
    /// Its value.
    #[serde(default)]
    pub current: MetricValueStatus,
}

/// A metric's value: utilization and average.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricValueStatus {
    /// Percent of request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_utilization: Option<i32>,
    /// Per-pod average, a milli-quantity as upstream writes it (so memory reads
    /// `157286400` for 150Mi, or with an `m` suffix when not a whole byte).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_value: Option<super::Quantity>,
}

/// An HPA's first Resource metric as a chart reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricReading<'a> {
    /// The resource (`cpu`, `memory`).
    pub name: &'a str,
    /// Whether the values are percent of request (a Utilization target) or plain values.
    pub percent: bool,
    /// The last measured value, once there is one.
    pub current: Option<f64>,
    /// The target value.
    pub target: Option<f64>,
}

impl HorizontalPodAutoscaler {
    /// The first metric's current value against its target (`status.currentMetrics` read by
    /// index, as kubectl does), in percent for Utilization, else in whole units.
    pub fn first_metric_reading(&self) -> Option<MetricReading<'_>> {
        let spec = self.spec.metrics.first().and_then(|m| m.resource.as_ref())?;
        let current = self.status.current_metrics.first().and_then(|m| m.resource.as_ref()).map(|r| &r.current);
        let plain = |q: &super::Quantity| q.milli_value() as f64 / 1000.0;
        Some(match spec.target.average_utilization {
            Some(percent) => MetricReading { name: &spec.name, percent: true, current: current.and_then(|c| c.average_utilization).map(f64::from), target: Some(f64::from(percent)) },
            None => MetricReading { name: &spec.name, percent: false, current: current.and_then(|c| c.average_value.as_ref()).map(plain), target: spec.target.average_value.as_ref().map(plain) },
        })
    }

    /// The CPU utilization target in percent, if one of the metrics is one.
    pub fn cpu_target(&self) -> Option<i32> {
        self.spec.metrics.iter().find_map(|m| m.resource.as_ref().filter(|r| r.name == "cpu" && r.target.type_ == "Utilization")?.target.average_utilization)
    }
}
