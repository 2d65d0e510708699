//! ReplicaSet and Deployment (`apps/v1`): the controllers' objects.

use super::meta::{Condition, ObjectMeta};
use super::pod::PodSpec;
use super::selector::{IntOrString, LabelSelector};
use serde::{Deserialize, Serialize};

fn is_zero(n: &i32) -> bool {
    *n == 0
}

/// `spec.template` of a workload: the pods it makes. Serializes with the real fields
/// kubeplay keeps without simulating (`volumes` ...) written back.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct PodTemplateSpec {
    /// Labels and annotations the pods get.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The pods' spec.
    #[serde(default)]
    pub spec: PodSpec,
}

impl Serialize for PodTemplateSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        /// The template's own fields, as they serialize without the kept ones.
        #[derive(Serialize)]
        struct Plain<'a> {
            metadata: &'a ObjectMeta,
            spec: &'a PodSpec,
        }
        super::unsimulated::serialize_with(&Plain { metadata: &self.metadata, spec: &self.spec }, self.metadata.unsimulated.as_deref(), s)
    }
}

/// A ReplicaSet: keeps a number of identical pods running.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSet {
    /// `apps/v1`.
    pub api_version: super::event::Label,
    /// `ReplicaSet`.
    pub kind: super::event::Label,
    /// Name, labels, owner (a Deployment) and revision annotations.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Desired replicas, selector, template.
    #[serde(default)]
    pub spec: ReplicaSetSpec,
    /// Observed replicas.
    #[serde(default)]
    pub status: ReplicaSetStatus,
}

/// `ReplicaSet.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSetSpec {
    /// Desired number of pods (defaults to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Seconds a pod must be ready before it counts as available.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    /// Which pods belong to it.
    #[serde(default)]
    pub selector: LabelSelector,
    /// What new pods look like.
    #[serde(default)]
    pub template: Box<PodTemplateSpec>,
}

/// `ReplicaSet.status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaSetStatus {
    /// Active pods owned.
    #[serde(default)]
    pub replicas: i32,
    /// Owned pods whose labels match the template's.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub fully_labeled_replicas: i32,
    /// Owned pods that are Ready.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    /// Ready for at least minReadySeconds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub available_replicas: i32,
    /// The generation this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// ReplicaFailure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// A Deployment: a ReplicaSet per template revision, rolled from one to the next.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// `apps/v1`.
    pub api_version: super::event::Label,
    /// `Deployment`.
    pub kind: super::event::Label,
    /// Name, labels, revision annotation.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Desired state and rollout strategy.
    #[serde(default)]
    pub spec: DeploymentSpec,
    /// Observed rollout state.
    #[serde(default)]
    pub status: DeploymentStatus,
}

/// `Deployment.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentSpec {
    /// Desired pods (defaults to 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Which pods belong to it.
    #[serde(default)]
    pub selector: LabelSelector,
    /// What the pods look like.
    #[serde(default)]
    pub template: Box<PodTemplateSpec>,
    /// RollingUpdate or Recreate.
    #[serde(default)]
    pub strategy: DeploymentStrategy,
    /// Seconds a pod must be ready before it counts as available.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    /// Old ReplicaSets kept for rollback (defaults to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// A paused deployment does not roll out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub paused: bool,
    /// Seconds without progress before Progressing turns False (defaults to 600).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
}

/// `Deployment.spec.strategy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStrategy {
    /// `RollingUpdate` (default) or `Recreate`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Surge and unavailability bounds for RollingUpdate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDeployment>,
}

/// `strategy.rollingUpdate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingUpdateDeployment {
    /// How many pods may be unavailable (defaults to 25%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// How many pods may exist above the desired count (defaults to 25%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
}

/// `Deployment.status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentStatus {
    /// The generation this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Pods of all its ReplicaSets.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub replicas: i32,
    /// Pods of the newest template.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub updated_replicas: i32,
    /// Ready pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    /// Available pods.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub available_replicas: i32,
    /// Desired minus available, at least 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unavailable_replicas: i32,
    /// Available and Progressing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Bumped when a template hash collides with an unrelated ReplicaSet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
}

impl Deployment {
    /// `spec.replicas` with its default.
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }

    /// True for the Recreate strategy.
    pub fn is_recreate(&self) -> bool {
        self.spec.strategy.type_.as_deref() == Some("Recreate")
    }
}

impl ReplicaSet {
    /// `spec.replicas` with its default.
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}

/// A DaemonSet: one pod on every eligible node.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSet {
    /// `apps/v1`.
    pub api_version: super::event::Label,
    /// `DaemonSet`.
    pub kind: super::event::Label,
    /// Name and labels.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Selector, template and update strategy.
    #[serde(default)]
    pub spec: DaemonSetSpec,
    /// Observed placement.
    #[serde(default)]
    pub status: DaemonSetStatus,
}

/// `DaemonSet.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetSpec {
    /// Which pods belong to it.
    #[serde(default)]
    pub selector: LabelSelector,
    /// What the pods look like.
    #[serde(default)]
    pub template: Box<PodTemplateSpec>,
    /// RollingUpdate (default) or OnDelete.
    #[serde(default)]
    pub update_strategy: DaemonSetUpdateStrategy,
    /// Seconds a pod must be ready before it counts as available.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    /// Old revisions kept (defaults to 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
}

/// `DaemonSet.spec.updateStrategy`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetUpdateStrategy {
    /// `RollingUpdate` or `OnDelete`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Bounds for RollingUpdate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDaemonSet>,
}

/// `updateStrategy.rollingUpdate` of a DaemonSet.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RollingUpdateDaemonSet {
    /// Nodes whose pod may be unavailable during an update (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// Nodes that may run an old and a new pod at once (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
}

/// `DaemonSet.status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonSetStatus {
    /// Nodes that should run the pod.
    #[serde(default)]
    pub desired_number_scheduled: i32,
    /// Nodes that run it and should.
    #[serde(default)]
    pub current_number_scheduled: i32,
    /// Nodes that run it but should not.
    #[serde(default)]
    pub number_misscheduled: i32,
    /// Nodes whose pod is ready.
    #[serde(default)]
    pub number_ready: i32,
    /// Nodes running the current template.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub updated_number_scheduled: i32,
    /// Nodes whose pod is available.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub number_available: i32,
    /// Desired minus available.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub number_unavailable: i32,
    /// The generation this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// A Job (`batch/v1`): runs pods until enough of them succeed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    /// `batch/v1`.
    pub api_version: super::event::Label,
    /// `Job`.
    pub kind: super::event::Label,
    /// Name and labels.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Parallelism, completions, limits and the pod template.
    #[serde(default)]
    pub spec: JobSpec,
    /// Progress.
    #[serde(default)]
    pub status: JobStatus,
}

/// `Job.spec`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobSpec {
    /// Pods running at once (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<i32>,
    /// Successes needed; unset makes a work-queue job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completions: Option<i32>,
    /// Failures tolerated before the job fails (default 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff_limit: Option<i32>,
    /// Seconds the job may be active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// Generated from the job's uid unless `manualSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// `NonIndexed` (default) or `Indexed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_mode: Option<String>,
    /// A suspended job runs no pods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<bool>,
    /// The pods it runs.
    #[serde(default)]
    pub template: Box<PodTemplateSpec>,
}

/// `Job.status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobStatus {
    /// When the job first ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<crate::clock::Time>,
    /// When it completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<crate::clock::Time>,
    /// Pods running.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub active: i32,
    /// Pods that succeeded.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub succeeded: i32,
    /// Pods that failed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub failed: i32,
    /// Active pods that are ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<i32>,
    /// Complete or Failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
