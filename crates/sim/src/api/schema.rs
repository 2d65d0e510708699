//! The schema of the API kubeplay serves: for every kind, its tree of fields with
//! Kubernetes' own names, the type names `kubectl explain` prints (`<string>`,
//! `<[]Container>`, `<map[string]Quantity>` ...), whether a field is required, and a
//! short description. Sub-trees (ObjectMeta, PodSpec, Container, LabelSelector, probes
//! ...) are shared, not repeated. Each type also lists, by name only, the fields a real
//! cluster has that kubeplay does not simulate: a manifest may use them (they are
//! accepted and ignored), while any other unknown field is refused.
//!
//! Read by `kubectl explain` and by the editor's field-name completion, through
//! [`lookup`], [`children`], [`type_at`] and [`is_unsimulated`].

use super::Kind;

/// The type of a field, as `kubectl explain` names it.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A JSON scalar: `string`, `integer` or `boolean`.
    Scalar(&'static str),
    /// A timestamp, written as RFC 3339 text (explain calls it `string`).
    Time,
    /// An object of a named type; `IntOrString` and `Quantity` are types without fields.
    Object(&'static Type),
    /// A list of the inner type.
    List(&'static Ty),
    /// A map from strings to the inner type.
    Map(&'static Ty),
}

impl Ty {
    /// The name `kubectl explain` prints between `<` and `>`: `string`, `[]Container`,
    /// `map[string]string`, `IntOrString` ...
    pub fn name(&self) -> String {
        match self {
            Ty::Scalar(s) => (*s).to_string(),
            Ty::Time => "string".into(),
            Ty::Object(t) => t.name.to_string(),
            Ty::List(t) => format!("[]{}", t.name()),
            Ty::Map(t) => format!("map[string]{}", t.name()),
        }
    }

    /// The object type inside, through lists and maps (`None` for scalars).
    pub fn object(&self) -> Option<&'static Type> {
        match *self {
            Ty::Object(t) => Some(t),
            Ty::List(t) | Ty::Map(t) => t.object(),
            Ty::Scalar(_) | Ty::Time => None,
        }
    }
}

/// A named object type: `PodSpec`, `Container` ...
#[derive(Debug)]
pub struct Type {
    /// The type's name in Kubernetes' API (`ObjectMeta`).
    pub name: &'static str,
    /// What it is, in a sentence.
    pub description: &'static str,
    /// The fields kubeplay models.
    pub fields: &'static [Field],
    /// Fields a real cluster has that kubeplay does not simulate (accepted and ignored).
    pub unsimulated: &'static [&'static str],
}

impl Type {
    /// The modelled field with this name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        let fields: &'static [Field] = self.fields;
        fields.iter().find(|f| f.name == name)
    }
}

/// One field of a type.
#[derive(Debug)]
pub struct Field {
    /// The JSON name (`imagePullPolicy`).
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether the API server refuses an object without it.
    pub required: bool,
    /// What it means, in a sentence or two.
    pub description: &'static str,
}

macro_rules! f {
    ($n:literal, $t:expr, $d:expr) => {
        Field { name: $n, ty: $t, required: false, description: $d }
    };
}
macro_rules! req {
    ($n:literal, $t:expr, $d:expr) => {
        Field { name: $n, ty: $t, required: true, description: $d }
    };
}
macro_rules! obj {
    ($t:ident) => {
        Ty::Object(&$t)
    };
}
macro_rules! list {
    ($t:ident) => {
        Ty::List(&Ty::Object(&$t))
    };
}
macro_rules! ty {
    ($name:literal, $d:literal, [$($field:expr),* $(,)?], [$($u:literal),* $(,)?]) => {
        Type { name: $name, description: $d, fields: &[$($field),*], unsimulated: &[$($u),*] }
    };
}

const S: Ty = Ty::Scalar("string");
const I: Ty = Ty::Scalar("integer");
const B: Ty = Ty::Scalar("boolean");
const T: Ty = Ty::Time;
const SL: Ty = Ty::List(&S);
const SM: Ty = Ty::Map(&S);
const QM: Ty = Ty::Map(&Ty::Object(&QUANTITY));

const API_VERSION: Field = f!("apiVersion", S, "The group and version this object is written in, e.g. apps/v1 or v1.");
const KIND: Field = f!("kind", S, "The object's type, in CamelCase, e.g. Deployment.");
const META: &str = "Name, namespace, labels, annotations and the other data every object carries.";
const SPEC: &str = "What you want: the desired state, written by you.";
const STATUS: &str = "What is: the observed state, written by the cluster. Read-only.";
const GENERATION: &str = "The metadata.generation the controller last acted on.";
const CONDITIONS: &str = "The latest observations of the object's state, one per condition type.";
const SELECTOR: &str = "Which pods belong to this object; must match the template's labels.";
const TEMPLATE: &str = "The pod to create: its labels and spec.";
const MIN_READY: &str = "Seconds a new pod must be ready before it counts as available. Defaults to 0.";
const HISTORY: &str = "How many old revisions to keep for rollback.";
const PORT_NAME: &str = "A name for the port (a DNS label), to refer to it by.";
const PROTOCOL: &str = "TCP (the default), UDP or SCTP.";

// Scalars with a schema of their own.
static INT_OR_STRING: Type = ty!("IntOrString", "A value that is either a whole number or a string, such as 1 or \"25%\" or \"http\".", [], []);
static QUANTITY: Type = ty!("Quantity", "An amount of a resource in Kubernetes notation, e.g. 500m (half a CPU) or 128Mi.", [], []);

// Metadata and selectors.
static OBJECT_META: Type = ty!("ObjectMeta", "Metadata every stored object has.", [
    f!("annotations", SM, "Free-form key/value notes for tools and people; not used to select objects."),
    f!("creationTimestamp", T, "When the object was stored. Set by the server; read-only."),
    f!("deletionGracePeriodSeconds", I, "Seconds the object has left to shut down once deletion started. Read-only."),
    f!("deletionTimestamp", T, "When deletion was requested; the object is Terminating from then on. Read-only."),
    f!("finalizers", SL, "Work that must finish before the object is removed; it stays until the list is empty."),
    f!("generateName", S, "A prefix from which the server makes a unique name when name is empty."),
    f!("generation", I, "A counter of changes to the desired state. Set by the server."),
    f!("labels", SM, "Key/value pairs that selectors match, e.g. app: web."),
    f!("name", S, "The object's name, unique per kind within its namespace. Cannot change."),
    f!("namespace", S, "The namespace the object lives in; empty means the default namespace."),
    f!("ownerReferences", list!(OWNER_REFERENCE), "The objects this one belongs to; when they are deleted, so is this one."),
    f!("resourceVersion", S, "An opaque version of the object, changed on every write."),
    f!("uid", S, "A unique id, generated by the server. Read-only."),
], ["managedFields", "selfLink"]);

static OWNER_REFERENCE: Type = ty!("OwnerReference", "Points at an object that owns this one.", [
    req!("apiVersion", S, "The owner's API version."),
    f!("blockOwnerDeletion", B, "If true, the owner is not removed before this object is (foreground deletion)."),
    f!("controller", B, "If true, the owner is this object's managing controller."),
    req!("kind", S, "The owner's kind."),
    req!("name", S, "The owner's name."),
    req!("uid", S, "The owner's uid."),
], []);

static LABEL_SELECTOR: Type = ty!("LabelSelector", "Selects objects by their labels. Every term must match; an empty selector matches everything.", [
    f!("matchExpressions", list!(LABEL_SELECTOR_REQUIREMENT), "Set-based terms, e.g. tier In (web, api)."),
    f!("matchLabels", SM, "Labels an object must have, with these values."),
], []);

static LABEL_SELECTOR_REQUIREMENT: Type = ty!("LabelSelectorRequirement", "One set-based selector term.", [
    req!("key", S, "The label key."),
    req!("operator", S, "In, NotIn, Exists or DoesNotExist."),
    f!("values", SL, "The values for In and NotIn; empty for Exists and DoesNotExist."),
], []);

static OBJECT_REFERENCE: Type = ty!("ObjectReference", "Points at another object.", [
    f!("apiVersion", S, "The referred object's API version."),
    f!("fieldPath", S, "A part of the object, e.g. spec.containers{web}."),
    f!("kind", S, "The referred object's kind."),
    f!("name", S, "The referred object's name."),
    f!("namespace", S, "The referred object's namespace."),
    f!("resourceVersion", S, "The version of the object that was meant."),
    f!("uid", S, "The referred object's uid."),
], []);

// Pods.
static POD_TEMPLATE_SPEC: Type = ty!("PodTemplateSpec", "A pod to create: the metadata and spec each copy gets.", [
    f!("metadata", obj!(OBJECT_META), "Labels and annotations each pod gets; the labels must match the selector."),
    f!("spec", obj!(POD_SPEC), "The spec of each pod."),
], []);

static POD_SPEC: Type = ty!("PodSpec", "What a pod runs and where it may run.", [
    f!("affinity", obj!(AFFINITY), "Rules about which nodes the pod may be scheduled to."),
    req!("containers", list!(CONTAINER), "The containers of the pod. At least one."),
    f!("dnsPolicy", S, "How the pod resolves names: ClusterFirst (the default), Default, ClusterFirstWithHostNet or None."),
    f!("nodeName", S, "The node the pod runs on. Set by the scheduler; setting it yourself skips scheduling."),
    f!("nodeSelector", SM, "Labels a node must have for the pod to be scheduled there."),
    f!("priority", I, "The pod's priority, resolved from its priority class by admission."),
    f!("restartPolicy", S, "When the kubelet restarts containers: Always (the default), OnFailure or Never."),
    f!("schedulerName", S, "The scheduler that places the pod. Defaults to default-scheduler."),
    f!("serviceAccountName", S, "The ServiceAccount the pod runs as. Defaults to default."),
    f!("terminationGracePeriodSeconds", I, "Seconds between SIGTERM and SIGKILL when the pod is deleted. Defaults to 30."),
    f!("tolerations", list!(TOLERATION), "Taints the pod tolerates, so it may run on nodes that have them."),
], [
    "activeDeadlineSeconds", "automountServiceAccountToken", "dnsConfig", "enableServiceLinks", "ephemeralContainers", "hostAliases", "hostIPC",
    "hostNetwork", "hostPID", "hostUsers", "hostname", "imagePullSecrets", "initContainers", "os", "overhead", "preemptionPolicy",
    "priorityClassName", "readinessGates", "resourceClaims", "runtimeClassName", "schedulingGates", "securityContext", "serviceAccount",
    "setHostnameAsFQDN", "shareProcessNamespace", "subdomain", "topologySpreadConstraints", "volumes",
]);

static CONTAINER: Type = ty!("Container", "One container of a pod: an image and how to run it.", [
    f!("args", SL, "Arguments to the entrypoint; replace the image's CMD."),
    f!("command", SL, "The entrypoint, run without a shell; replaces the image's ENTRYPOINT."),
    f!("env", list!(ENV_VAR), "Environment variables to set in the container."),
    f!("envFrom", list!(ENV_FROM_SOURCE), "ConfigMaps and Secrets whose keys all become environment variables."),
    f!("image", S, "The image to run, e.g. nginx:1.25."),
    f!("imagePullPolicy", S, "Always, IfNotPresent or Never. Defaults to Always for :latest, else IfNotPresent."),
    f!("livenessProbe", obj!(PROBE), "A check that restarts the container when it fails."),
    req!("name", S, "The container's name, unique within the pod."),
    f!("ports", list!(CONTAINER_PORT), "Ports the container listens on. Informational: any port can be reached."),
    f!("readinessProbe", obj!(PROBE), "A check that takes the pod out of Service endpoints while it fails."),
    f!("resources", obj!(RESOURCE_REQUIREMENTS), "CPU and memory the container asks for and may use."),
    f!("startupProbe", obj!(PROBE), "A check that holds back the other probes until the container has started."),
    f!("terminationMessagePath", S, "Where the container may write a message about why it ended."),
    f!("terminationMessagePolicy", S, "File (the default) or FallbackToLogsOnError."),
], [
    "lifecycle", "resizePolicy", "restartPolicy", "securityContext", "stdin", "stdinOnce", "tty", "volumeDevices", "volumeMounts", "workingDir",
]);

static CONTAINER_PORT: Type = ty!("ContainerPort", "A port a container listens on.", [
    req!("containerPort", I, "The port number, 1 to 65535."),
    f!("name", S, PORT_NAME),
    f!("protocol", S, PROTOCOL),
], ["hostIP", "hostPort"]);

static ENV_VAR: Type = ty!("EnvVar", "One environment variable.", [
    req!("name", S, "The variable's name."),
    f!("value", S, "The value; $(OTHER) refers to a variable defined earlier."),
    f!("valueFrom", obj!(ENV_VAR_SOURCE), "Where to read the value from, instead of value."),
], []);

static ENV_VAR_SOURCE: Type = ty!("EnvVarSource", "Where an environment variable's value comes from.", [
    f!("configMapKeyRef", obj!(CONFIG_MAP_KEY_SELECTOR), "A key of a ConfigMap."),
    f!("secretKeyRef", obj!(SECRET_KEY_SELECTOR), "A key of a Secret."),
], ["fieldRef", "resourceFieldRef"]);

const KEY_SELECTOR: &[Field] = &[
    req!("key", S, "The key to read."),
    f!("name", S, "The object's name, in the pod's namespace."),
    f!("optional", B, "If true, a missing object or key is not an error."),
];
static CONFIG_MAP_KEY_SELECTOR: Type = Type { name: "ConfigMapKeySelector", description: "Selects one key of a ConfigMap.", fields: KEY_SELECTOR, unsimulated: &[] };
static SECRET_KEY_SELECTOR: Type = Type { name: "SecretKeySelector", description: "Selects one key of a Secret.", fields: KEY_SELECTOR, unsimulated: &[] };

static ENV_FROM_SOURCE: Type = ty!("EnvFromSource", "A ConfigMap or Secret whose every key becomes an environment variable.", [
    f!("configMapRef", obj!(CONFIG_MAP_ENV_SOURCE), "The ConfigMap to read."),
    f!("secretRef", obj!(SECRET_ENV_SOURCE), "The Secret to read."),
], ["prefix"]);

const NAME_REF: &[Field] = &[f!("name", S, "The object's name, in the pod's namespace."), f!("optional", B, "If true, a missing object is not an error.")];
static CONFIG_MAP_ENV_SOURCE: Type = Type { name: "ConfigMapEnvSource", description: "Names a ConfigMap.", fields: NAME_REF, unsimulated: &[] };
static SECRET_ENV_SOURCE: Type = Type { name: "SecretEnvSource", description: "Names a Secret.", fields: NAME_REF, unsimulated: &[] };

static RESOURCE_REQUIREMENTS: Type = ty!("ResourceRequirements", "Compute resources of a container.", [
    f!("limits", QM, "The most the container may use: more CPU is throttled, more memory is killed (OOMKilled)."),
    f!("requests", QM, "What the scheduler reserves on a node for the container; HPA utilization is measured against it."),
], ["claims"]);

static PROBE: Type = ty!("Probe", "A health check the kubelet runs against a container. Set exactly one of exec, httpGet and tcpSocket.", [
    f!("exec", obj!(EXEC_ACTION), "Run a command in the container; exit code 0 is success."),
    f!("failureThreshold", I, "Failures in a row that count as failed. Defaults to 3."),
    f!("httpGet", obj!(HTTP_GET_ACTION), "Send an HTTP GET; a status from 200 to 399 is success."),
    f!("initialDelaySeconds", I, "Seconds after the container starts before the first check."),
    f!("periodSeconds", I, "Seconds between checks. Defaults to 10."),
    f!("successThreshold", I, "Successes in a row that count as passed after a failure. Defaults to 1."),
    f!("tcpSocket", obj!(TCP_SOCKET_ACTION), "Open a TCP connection; connecting is success."),
    f!("timeoutSeconds", I, "Seconds before a check times out. Defaults to 1."),
], ["grpc", "terminationGracePeriodSeconds"]);

static EXEC_ACTION: Type = ty!("ExecAction", "A command to run in the container.", [
    f!("command", SL, "The command and its arguments, run without a shell."),
], []);

static HTTP_GET_ACTION: Type = ty!("HTTPGetAction", "An HTTP GET request to the pod.", [
    f!("path", S, "The path to request, e.g. /healthz."),
    req!("port", obj!(INT_OR_STRING), "The port, by number or by the container port's name."),
    f!("scheme", S, "HTTP (the default) or HTTPS."),
], ["host", "httpHeaders"]);

static TCP_SOCKET_ACTION: Type = ty!("TCPSocketAction", "A TCP connection to the pod.", [
    req!("port", obj!(INT_OR_STRING), "The port, by number or by the container port's name."),
], ["host"]);

static AFFINITY: Type = ty!("Affinity", "Scheduling constraints.", [
    f!("nodeAffinity", obj!(NODE_AFFINITY), "Which nodes the pod may run on, by node labels."),
], ["podAffinity", "podAntiAffinity"]);

static NODE_AFFINITY: Type = ty!("NodeAffinity", "Node selection by label expressions.", [
    f!("requiredDuringSchedulingIgnoredDuringExecution", obj!(NODE_SELECTOR), "Rules a node must meet for the pod to be scheduled there."),
], ["preferredDuringSchedulingIgnoredDuringExecution"]);

static NODE_SELECTOR: Type = ty!("NodeSelector", "Node selection terms; a node that meets any one term matches.", [
    req!("nodeSelectorTerms", list!(NODE_SELECTOR_TERM), "The terms, of which one must match."),
], []);

static NODE_SELECTOR_TERM: Type = ty!("NodeSelectorTerm", "Requirements that must all match.", [
    f!("matchExpressions", list!(NODE_SELECTOR_REQUIREMENT), "Requirements on node labels."),
    f!("matchFields", list!(NODE_SELECTOR_REQUIREMENT), "Requirements on node fields (metadata.name)."),
], []);

static NODE_SELECTOR_REQUIREMENT: Type = ty!("NodeSelectorRequirement", "One requirement on a node label or field.", [
    req!("key", S, "The label key or field name."),
    req!("operator", S, "In, NotIn, Exists, DoesNotExist, Gt or Lt."),
    f!("values", SL, "The values to compare with."),
], []);

static TOLERATION: Type = ty!("Toleration", "Lets a pod run on nodes with a matching taint.", [
    f!("effect", S, "The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute; empty matches all."),
    f!("key", S, "The taint key; empty with operator Exists matches every taint."),
    f!("operator", S, "Equal (the default) or Exists."),
    f!("tolerationSeconds", I, "For NoExecute: how long the pod stays bound after the taint appears."),
    f!("value", S, "The taint value, for operator Equal."),
], []);

static POD_STATUS: Type = ty!("PodStatus", "What the kubelet last reported about a pod.", [
    f!("conditions", list!(POD_CONDITION), "PodScheduled, Initialized, ContainersReady and Ready."),
    f!("containerStatuses", list!(CONTAINER_STATUS), "One entry per container."),
    f!("hostIP", S, "The IP of the node the pod runs on."),
    f!("message", S, "A human-readable note on why the pod is in its state."),
    f!("phase", S, "Pending, Running, Succeeded, Failed or Unknown."),
    f!("podIP", S, "The pod's IP address."),
    f!("qosClass", S, "Guaranteed, Burstable or BestEffort, from the containers' requests and limits."),
    f!("reason", S, "A CamelCase word saying why the pod is in its state, e.g. Evicted."),
    f!("startTime", T, "When the kubelet accepted the pod."),
], ["ephemeralContainerStatuses", "hostIPs", "initContainerStatuses", "nominatedNodeName", "podIPs", "resize", "resourceClaimStatuses"]);

const C_MESSAGE: Field = f!("message", S, "A human-readable explanation.");
const C_REASON: Field = f!("reason", S, "A CamelCase word for why the condition last changed.");
const C_STATUS: Field = req!("status", S, "True, False or Unknown.");
const C_TYPE: Field = req!("type", S, "The condition's type.");
const C_TRANSITION: Field = f!("lastTransitionTime", T, "When status last changed.");
const C_PROBE: Field = f!("lastProbeTime", T, "When the condition was last checked.");
const C_UPDATE: Field = f!("lastUpdateTime", T, "When the condition was last updated.");
const C_HEARTBEAT: Field = f!("lastHeartbeatTime", T, "When the node last reported this condition.");
const PROBED_CONDITION: &[Field] = &[C_PROBE, C_TRANSITION, C_MESSAGE, C_REASON, C_STATUS, C_TYPE];
const CONDITION: &[Field] = &[C_TRANSITION, C_MESSAGE, C_REASON, C_STATUS, C_TYPE];
static POD_CONDITION: Type = Type { name: "PodCondition", description: "One condition of a pod.", fields: PROBED_CONDITION, unsimulated: &[] };
static JOB_CONDITION: Type = Type { name: "JobCondition", description: "One condition of a job: Complete, Failed or Suspended.", fields: PROBED_CONDITION, unsimulated: &[] };
static REPLICA_SET_CONDITION: Type = Type { name: "ReplicaSetCondition", description: "One condition of a ReplicaSet.", fields: CONDITION, unsimulated: &[] };
static NAMESPACE_CONDITION: Type = Type { name: "NamespaceCondition", description: "One condition of a namespace.", fields: CONDITION, unsimulated: &[] };
static HPA_CONDITION: Type = Type { name: "HorizontalPodAutoscalerCondition", description: "One condition of an autoscaler: AbleToScale, ScalingActive or ScalingLimited.", fields: CONDITION, unsimulated: &[] };
static DEPLOYMENT_CONDITION: Type = ty!("DeploymentCondition", "One condition of a Deployment: Available, Progressing or ReplicaFailure.", [C_TRANSITION, C_UPDATE, C_MESSAGE, C_REASON, C_STATUS, C_TYPE], []);
static NODE_CONDITION: Type = ty!("NodeCondition", "One condition of a node, e.g. Ready or MemoryPressure.", [C_HEARTBEAT, C_TRANSITION, C_MESSAGE, C_REASON, C_STATUS, C_TYPE], []);

static CONTAINER_STATUS: Type = ty!("ContainerStatus", "What the kubelet last reported about one container.", [
    f!("containerID", S, "The runtime's id of the container, as runtime://id."),
    req!("image", S, "The image the container runs."),
    req!("imageID", S, "The image's digest."),
    f!("lastState", obj!(CONTAINER_STATE), "The state of the container's previous run, if it restarted."),
    req!("name", S, "The container's name."),
    req!("ready", B, "Whether the readiness probe passes."),
    req!("restartCount", I, "How often the container was restarted."),
    f!("started", B, "Whether the startup probe passed."),
    f!("state", obj!(CONTAINER_STATE), "The container's current state."),
], ["allocatedResources", "resources"]);

static CONTAINER_STATE: Type = ty!("ContainerState", "Exactly one of waiting, running and terminated.", [
    f!("running", obj!(CONTAINER_STATE_RUNNING), "The container is running."),
    f!("terminated", obj!(CONTAINER_STATE_TERMINATED), "The container ended."),
    f!("waiting", obj!(CONTAINER_STATE_WAITING), "The container is not running yet."),
], []);

static CONTAINER_STATE_RUNNING: Type = ty!("ContainerStateRunning", "A running container.", [f!("startedAt", T, "When it started.")], []);
static CONTAINER_STATE_WAITING: Type = ty!("ContainerStateWaiting", "A container that is not running yet.", [
    f!("message", S, "Why it waits, in words."),
    f!("reason", S, "Why it waits, e.g. ImagePullBackOff or CrashLoopBackOff."),
], []);
static CONTAINER_STATE_TERMINATED: Type = ty!("ContainerStateTerminated", "A container that ended.", [
    req!("exitCode", I, "The exit code of its last run."),
    f!("finishedAt", T, "When it ended."),
    f!("reason", S, "Why it ended, e.g. Completed, Error or OOMKilled."),
    f!("signal", I, "The signal that ended it, if any."),
    f!("startedAt", T, "When it started."),
], ["containerID", "message"]);

// Workloads.
static DEPLOYMENT_SPEC: Type = ty!("DeploymentSpec", "The desired state of a Deployment.", [
    f!("minReadySeconds", I, MIN_READY),
    f!("paused", B, "If true, changes to the template do not start a rollout."),
    f!("progressDeadlineSeconds", I, "Seconds a rollout may make no progress before it is reported as failed. Defaults to 600."),
    f!("replicas", I, "How many pods to run. Defaults to 1."),
    f!("revisionHistoryLimit", I, "How many old ReplicaSets to keep for rollback. Defaults to 10."),
    req!("selector", obj!(LABEL_SELECTOR), SELECTOR),
    f!("strategy", obj!(DEPLOYMENT_STRATEGY), "How pods of a new revision replace the old ones."),
    req!("template", obj!(POD_TEMPLATE_SPEC), TEMPLATE),
], []);

static DEPLOYMENT_STRATEGY: Type = ty!("DeploymentStrategy", "How a Deployment replaces old pods with new ones.", [
    f!("rollingUpdate", obj!(ROLLING_UPDATE_DEPLOYMENT), "The limits of a rolling update; only with type RollingUpdate."),
    f!("type", S, "RollingUpdate (the default): replace pods a few at a time; Recreate: stop all old pods first."),
], []);

static ROLLING_UPDATE_DEPLOYMENT: Type = ty!("RollingUpdateDeployment", "The pace of a rolling update.", [
    f!("maxSurge", obj!(INT_OR_STRING), "How many pods may exist above the desired count during the update, as a number or a percentage (rounded up). Defaults to 25%."),
    f!("maxUnavailable", obj!(INT_OR_STRING), "How many pods may be unavailable during the update, as a number or a percentage (rounded down). Defaults to 25%."),
], []);

static DEPLOYMENT_STATUS: Type = ty!("DeploymentStatus", "The observed state of a Deployment.", [
    f!("availableReplicas", I, "Pods ready for at least minReadySeconds."),
    f!("collisionCount", I, "Counts hash collisions of template names."),
    f!("conditions", list!(DEPLOYMENT_CONDITION), CONDITIONS),
    f!("observedGeneration", I, GENERATION),
    f!("readyReplicas", I, "Pods that are ready."),
    f!("replicas", I, "Pods of all revisions."),
    f!("unavailableReplicas", I, "Pods still needed for the desired count to be available."),
    f!("updatedReplicas", I, "Pods of the current revision."),
], []);

static REPLICA_SET_SPEC: Type = ty!("ReplicaSetSpec", "The desired state of a ReplicaSet.", [
    f!("minReadySeconds", I, MIN_READY),
    f!("replicas", I, "How many pods to run. Defaults to 1."),
    req!("selector", obj!(LABEL_SELECTOR), SELECTOR),
    f!("template", obj!(POD_TEMPLATE_SPEC), TEMPLATE),
], []);

static REPLICA_SET_STATUS: Type = ty!("ReplicaSetStatus", "The observed state of a ReplicaSet.", [
    f!("availableReplicas", I, "Pods ready for at least minReadySeconds."),
    f!("conditions", list!(REPLICA_SET_CONDITION), CONDITIONS),
    f!("fullyLabeledReplicas", I, "Pods whose labels match the template's."),
    f!("observedGeneration", I, GENERATION),
    f!("readyReplicas", I, "Pods that are ready."),
    req!("replicas", I, "Pods that exist."),
], []);

static DAEMON_SET_SPEC: Type = ty!("DaemonSetSpec", "The desired state of a DaemonSet: one pod on every eligible node.", [
    f!("minReadySeconds", I, MIN_READY),
    f!("revisionHistoryLimit", I, HISTORY),
    req!("selector", obj!(LABEL_SELECTOR), SELECTOR),
    req!("template", obj!(POD_TEMPLATE_SPEC), TEMPLATE),
    f!("updateStrategy", obj!(DAEMON_SET_UPDATE_STRATEGY), "How pods are replaced when the template changes."),
], []);

static DAEMON_SET_UPDATE_STRATEGY: Type = ty!("DaemonSetUpdateStrategy", "How a DaemonSet replaces its pods.", [
    f!("rollingUpdate", obj!(ROLLING_UPDATE_DAEMON_SET), "The pace of a rolling update; only with type RollingUpdate."),
    f!("type", S, "RollingUpdate (the default) or OnDelete: replace a pod only when you delete it."),
], []);

static ROLLING_UPDATE_DAEMON_SET: Type = ty!("RollingUpdateDaemonSet", "The pace of a DaemonSet's rolling update.", [
    f!("maxSurge", obj!(INT_OR_STRING), "Nodes that may run an old and a new pod at once. Defaults to 0."),
    f!("maxUnavailable", obj!(INT_OR_STRING), "Nodes that may be without a ready pod during the update. Defaults to 1."),
], []);

static DAEMON_SET_STATUS: Type = ty!("DaemonSetStatus", "The observed state of a DaemonSet.", [
    req!("currentNumberScheduled", I, "Nodes running a pod of the DaemonSet that should."),
    req!("desiredNumberScheduled", I, "Nodes that should run a pod of the DaemonSet."),
    f!("numberAvailable", I, "Nodes whose pod is available."),
    req!("numberMisscheduled", I, "Nodes running a pod of the DaemonSet that should not."),
    req!("numberReady", I, "Nodes whose pod is ready."),
    f!("numberUnavailable", I, "Nodes that should run an available pod and do not."),
    f!("observedGeneration", I, GENERATION),
    f!("updatedNumberScheduled", I, "Nodes running a pod of the current template."),
], ["collisionCount", "conditions"]);

static JOB_SPEC: Type = ty!("JobSpec", "The desired state of a Job: pods that run to completion.", [
    f!("activeDeadlineSeconds", I, "Seconds the job may run before it is failed and its pods stopped."),
    f!("backoffLimit", I, "Failed pods tolerated before the job is failed. Defaults to 6."),
    f!("completionMode", S, "NonIndexed (the default) or Indexed: each pod gets its own completion index."),
    f!("completions", I, "Successful pods needed for the job to complete. Defaults to 1."),
    f!("parallelism", I, "The most pods running at once. Defaults to 1."),
    f!("selector", obj!(LABEL_SELECTOR), "The job's pods. Generated by the server unless manualSelector is set."),
    f!("suspend", B, "If true, no pods are created and running ones are stopped."),
    req!("template", obj!(POD_TEMPLATE_SPEC), "The pod to run; restartPolicy must be Never or OnFailure."),
], ["backoffLimitPerIndex", "manualSelector", "maxFailedIndexes", "podFailurePolicy", "podReplacementPolicy", "ttlSecondsAfterFinished"]);

static JOB_STATUS: Type = ty!("JobStatus", "The observed state of a Job.", [
    f!("active", I, "Pods running."),
    f!("completionTime", T, "When the job completed."),
    f!("conditions", list!(JOB_CONDITION), CONDITIONS),
    f!("failed", I, "Pods that failed."),
    f!("ready", I, "Running pods that are ready."),
    f!("startTime", T, "When the job controller started the job."),
    f!("succeeded", I, "Pods that succeeded."),
], ["completedIndexes", "failedIndexes", "terminating", "uncountedTerminatedPods"]);

// Services and endpoints.
static SERVICE_SPEC: Type = ty!("ServiceSpec", "The desired state of a Service: a stable address for a set of pods.", [
    f!("clusterIP", S, "The virtual IP inside the cluster; assigned when empty, None for a headless service."),
    f!("clusterIPs", SL, "The cluster IPs, one per IP family; the first equals clusterIP."),
    f!("externalIPs", SL, "Extra IPs on which nodes accept traffic for the service."),
    f!("externalName", S, "For type ExternalName: the DNS name the service's name points at."),
    f!("externalTrafficPolicy", S, "Cluster (the default) or Local: external traffic goes only to pods on the receiving node."),
    f!("internalTrafficPolicy", S, "Cluster (the default) or Local, for traffic from inside the cluster."),
    f!("ipFamilies", SL, "IPv4 and/or IPv6."),
    f!("ipFamilyPolicy", S, "SingleStack, PreferDualStack or RequireDualStack."),
    f!("ports", list!(SERVICE_PORT), "The ports the service exposes."),
    f!("publishNotReadyAddresses", B, "If true, pods are endpoints even before they are ready."),
    f!("selector", SM, "Pods with these labels receive the traffic. Without a selector, endpoints are managed by hand."),
    f!("sessionAffinity", S, "None (the default) or ClientIP: a client keeps reaching the same pod."),
    f!("sessionAffinityConfig", obj!(SESSION_AFFINITY_CONFIG), "Settings of ClientIP affinity."),
    f!("type", S, "ClusterIP (the default), NodePort, LoadBalancer or ExternalName."),
], ["allocateLoadBalancerNodePorts", "healthCheckNodePort", "loadBalancerClass", "loadBalancerIP", "loadBalancerSourceRanges"]);

static SERVICE_PORT: Type = ty!("ServicePort", "One port of a Service.", [
    f!("name", S, "The port's name; required when there are several ports."),
    f!("nodePort", I, "For NodePort and LoadBalancer: the port on every node, 30000-32767; assigned when empty."),
    req!("port", I, "The port the service listens on."),
    f!("protocol", S, PROTOCOL),
    f!("targetPort", obj!(INT_OR_STRING), "The pods' port, by number or by container port name. Defaults to port."),
], ["appProtocol"]);

static SESSION_AFFINITY_CONFIG: Type = ty!("SessionAffinityConfig", "Session affinity settings.", [
    f!("clientIP", obj!(CLIENT_IP_CONFIG), "Settings of ClientIP affinity."),
], []);

static CLIENT_IP_CONFIG: Type = ty!("ClientIPConfig", "ClientIP affinity settings.", [
    f!("timeoutSeconds", I, "Seconds a client sticks to its pod. Defaults to 10800 (3 hours)."),
], []);

static SERVICE_STATUS: Type = ty!("ServiceStatus", "The observed state of a Service.", [
    f!("loadBalancer", obj!(LOAD_BALANCER_STATUS), "The load balancer, for type LoadBalancer."),
], ["conditions"]);

static LOAD_BALANCER_STATUS: Type = ty!("LoadBalancerStatus", "A load balancer.", [
    f!("ingress", list!(LOAD_BALANCER_INGRESS), "Its addresses."),
], []);

static LOAD_BALANCER_INGRESS: Type = ty!("LoadBalancerIngress", "An address of a load balancer.", [f!("ip", S, "The IP address.")], ["hostname", "ipMode", "ports"]);

static ENDPOINT_SUBSET: Type = ty!("EndpointSubset", "Addresses that share a set of ports.", [
    f!("addresses", list!(ENDPOINT_ADDRESS), "Ready addresses."),
    f!("notReadyAddresses", list!(ENDPOINT_ADDRESS), "Addresses of pods that are not ready."),
    f!("ports", list!(CORE_ENDPOINT_PORT), "The ports."),
], []);

static ENDPOINT_ADDRESS: Type = ty!("EndpointAddress", "One endpoint's address.", [
    req!("ip", S, "The IP address."),
    f!("nodeName", S, "The node it is on."),
    f!("targetRef", obj!(OBJECT_REFERENCE), "The pod behind it."),
], ["hostname"]);

static CORE_ENDPOINT_PORT: Type = ty!("EndpointPort", "A port of endpoints.", [
    f!("name", S, "The service port's name."),
    req!("port", I, "The port number."),
    f!("protocol", S, PROTOCOL),
], ["appProtocol"]);

static ENDPOINT: Type = ty!("Endpoint", "One backend of an EndpointSlice.", [
    req!("addresses", SL, "Its IP addresses."),
    f!("conditions", obj!(ENDPOINT_CONDITIONS), "Whether it is ready, serving and terminating."),
    f!("nodeName", S, "The node it is on."),
    f!("targetRef", obj!(OBJECT_REFERENCE), "The pod behind it."),
], ["deprecatedTopology", "hints", "hostname", "zone"]);

static ENDPOINT_CONDITIONS: Type = ty!("EndpointConditions", "The state of an endpoint.", [
    f!("ready", B, "Whether it should receive traffic."),
    f!("serving", B, "Whether its pod is ready, even while terminating."),
    f!("terminating", B, "Whether its pod is terminating."),
], []);

static DISCOVERY_ENDPOINT_PORT: Type = ty!("EndpointPort", "A port of an EndpointSlice.", [
    f!("name", S, "The service port's name."),
    f!("port", I, "The port number."),
    f!("protocol", S, PROTOCOL),
], ["appProtocol"]);

static EVENT_SOURCE: Type = ty!("EventSource", "The component that reported an event.", [
    f!("component", S, "The component, e.g. kubelet."),
    f!("host", S, "The node it runs on."),
], []);

// Cluster objects.
static NAMESPACE_SPEC: Type = ty!("NamespaceSpec", "The desired state of a namespace.", [
    f!("finalizers", SL, "Work that must finish before the namespace is removed."),
], []);

static NAMESPACE_STATUS: Type = ty!("NamespaceStatus", "The observed state of a namespace.", [
    f!("conditions", list!(NAMESPACE_CONDITION), CONDITIONS),
    f!("phase", S, "Active or Terminating."),
], []);

static NODE_SPEC: Type = ty!("NodeSpec", "How a node may be used.", [
    f!("podCIDR", S, "The range pod IPs on this node come from."),
    f!("taints", list!(TAINT), "Taints that repel pods that do not tolerate them."),
    f!("unschedulable", B, "If true, no new pods are scheduled here (kubectl cordon)."),
], ["configSource", "externalID", "podCIDRs", "providerID"]);

static TAINT: Type = ty!("Taint", "Marks a node so that only pods that tolerate it are placed or kept there.", [
    req!("effect", S, "NoSchedule, PreferNoSchedule or NoExecute."),
    req!("key", S, "The taint key."),
    f!("timeAdded", T, "When a NoExecute taint was added."),
    f!("value", S, "The taint value."),
], []);

static NODE_STATUS: Type = ty!("NodeStatus", "What the kubelet reports about its node.", [
    f!("addresses", list!(NODE_ADDRESS), "The node's addresses."),
    f!("allocatable", QM, "What pods may request in total: capacity minus what the system reserves."),
    f!("capacity", QM, "The node's total resources."),
    f!("conditions", list!(NODE_CONDITION), CONDITIONS),
    f!("nodeInfo", obj!(NODE_SYSTEM_INFO), "Versions and identity of the node."),
], ["config", "daemonEndpoints", "images", "phase", "volumesAttached", "volumesInUse"]);

static NODE_ADDRESS: Type = ty!("NodeAddress", "One address of a node.", [
    req!("address", S, "The address."),
    req!("type", S, "Hostname, InternalIP or ExternalIP."),
], []);

static NODE_SYSTEM_INFO: Type = ty!("NodeSystemInfo", "Facts about a node's system.", [
    req!("architecture", S, "The CPU architecture, e.g. amd64."),
    req!("containerRuntimeVersion", S, "The container runtime and its version."),
    req!("kernelVersion", S, "The kernel version."),
    req!("kubeProxyVersion", S, "The kube-proxy version."),
    req!("kubeletVersion", S, "The kubelet version."),
    req!("operatingSystem", S, "The operating system, e.g. linux."),
    req!("osImage", S, "The OS distribution."),
], ["bootID", "machineID", "systemUUID"]);

static LEASE_SPEC: Type = ty!("LeaseSpec", "Who holds a lease and until when.", [
    f!("holderIdentity", S, "The holder."),
    f!("leaseDurationSeconds", I, "Seconds the lease is valid after its last renewal."),
    f!("renewTime", T, "When the holder last renewed it."),
], ["acquireTime", "leaseTransitions"]);

// Autoscaling.
static HPA_SPEC: Type = ty!("HorizontalPodAutoscalerSpec", "The desired behaviour of an autoscaler.", [
    f!("behavior", obj!(HPA_BEHAVIOR), "How fast to scale up and down. Defaults apply when empty."),
    req!("maxReplicas", I, "The most replicas it may set."),
    f!("metrics", list!(METRIC_SPEC), "The metrics to follow; the largest proposal wins. Defaults to 80% CPU utilization."),
    f!("minReplicas", I, "The fewest replicas it may set. Defaults to 1."),
    req!("scaleTargetRef", obj!(CROSS_VERSION_OBJECT_REFERENCE), "The object to scale, e.g. a Deployment."),
], []);

static CROSS_VERSION_OBJECT_REFERENCE: Type = ty!("CrossVersionObjectReference", "Names an object to scale.", [
    f!("apiVersion", S, "Its API version, e.g. apps/v1."),
    req!("kind", S, "Its kind, e.g. Deployment."),
    req!("name", S, "Its name."),
], []);

static METRIC_SPEC: Type = ty!("MetricSpec", "One metric to scale on.", [
    f!("resource", obj!(RESOURCE_METRIC_SOURCE), "A resource of the pods (cpu, memory), as metrics-server measures it."),
    req!("type", S, "Resource (simulated), or ContainerResource, Pods, Object or External."),
], ["containerResource", "external", "object", "pods"]);

static RESOURCE_METRIC_SOURCE: Type = ty!("ResourceMetricSource", "A resource metric and its target.", [
    req!("name", S, "cpu or memory."),
    req!("target", obj!(METRIC_TARGET), "The value to keep it at."),
], []);

static METRIC_TARGET: Type = ty!("MetricTarget", "A metric's target value.", [
    f!("averageUtilization", I, "Percent of the pods' requests, averaged over the pods."),
    f!("averageValue", obj!(QUANTITY), "An amount averaged over the pods."),
    req!("type", S, "Utilization, AverageValue or Value."),
], ["value"]);

static HPA_BEHAVIOR: Type = ty!("HorizontalPodAutoscalerBehavior", "Scaling speed, up and down.", [
    f!("scaleDown", obj!(HPA_SCALING_RULES), "Rules for scaling down. By default the highest proposal of the last 5 minutes is used."),
    f!("scaleUp", obj!(HPA_SCALING_RULES), "Rules for scaling up. By default there is no waiting window."),
], []);

static HPA_SCALING_RULES: Type = ty!("HPAScalingRules", "Rules for one direction of scaling.", [
    f!("policies", list!(HPA_SCALING_POLICY), "Limits on how much may change per period."),
    f!("selectPolicy", S, "Max (the default), Min or Disabled: which policy applies."),
    f!("stabilizationWindowSeconds", I, "Seconds of past proposals considered, to avoid flapping."),
], []);

static HPA_SCALING_POLICY: Type = ty!("HPAScalingPolicy", "A limit on change per period.", [
    req!("periodSeconds", I, "The period, in seconds."),
    req!("type", S, "Pods or Percent."),
    req!("value", I, "The amount allowed per period."),
], []);

static HPA_STATUS: Type = ty!("HorizontalPodAutoscalerStatus", "The observed state of an autoscaler.", [
    f!("conditions", list!(HPA_CONDITION), CONDITIONS),
    f!("currentMetrics", list!(METRIC_STATUS), "The metrics as last read."),
    f!("currentReplicas", I, "Replicas of the target as last seen."),
    req!("desiredReplicas", I, "Replicas the autoscaler last asked for."),
    f!("lastScaleTime", T, "When it last changed the replica count."),
    f!("observedGeneration", I, GENERATION),
], []);

static METRIC_STATUS: Type = ty!("MetricStatus", "A metric as last read.", [
    f!("resource", obj!(RESOURCE_METRIC_STATUS), "A resource metric."),
    req!("type", S, "The metric's source type."),
], ["containerResource", "external", "object", "pods"]);

static RESOURCE_METRIC_STATUS: Type = ty!("ResourceMetricStatus", "A resource metric's current value.", [
    req!("current", obj!(METRIC_VALUE_STATUS), "The value."),
    req!("name", S, "cpu or memory."),
], []);

static METRIC_VALUE_STATUS: Type = ty!("MetricValueStatus", "A metric's current value.", [
    f!("averageUtilization", I, "Percent of the pods' requests, averaged."),
    f!("averageValue", obj!(QUANTITY), "The amount averaged over the pods."),
], ["value"]);

// Policy.
static RESOURCE_QUOTA_SPEC: Type = ty!("ResourceQuotaSpec", "Limits on what a namespace may use in total.", [
    f!("hard", QM, "The limits, e.g. requests.cpu: 2 or pods: 10."),
], ["scopeSelector", "scopes"]);

static RESOURCE_QUOTA_STATUS: Type = ty!("ResourceQuotaStatus", "A quota's limits and usage.", [
    f!("hard", QM, "The limits in force."),
    f!("used", QM, "What the namespace uses now."),
], []);

static LIMIT_RANGE_SPEC: Type = ty!("LimitRangeSpec", "Per-object limits in a namespace.", [
    req!("limits", list!(LIMIT_RANGE_ITEM), "The limits."),
], []);

static LIMIT_RANGE_ITEM: Type = ty!("LimitRangeItem", "Limits and defaults for one type of object.", [
    f!("default", QM, "Limits given to containers that set none."),
    f!("defaultRequest", QM, "Requests given to containers that set none."),
    f!("max", QM, "The most an object may set."),
    f!("maxLimitRequestRatio", QM, "The largest allowed limit divided by request."),
    f!("min", QM, "The least an object may set."),
    req!("type", S, "Container, Pod or PersistentVolumeClaim."),
], []);

// The kinds.
macro_rules! kind {
    ($name:literal, $d:literal, [$($field:expr),* $(,)?], [$($u:literal),* $(,)?]) => {
        ty!($name, $d, [API_VERSION, KIND, f!("metadata", obj!(OBJECT_META), META), $($field),*], [$($u),*])
    };
}

static POD: Type = kind!("Pod", "A group of containers that run together on one node, sharing a network address.", [
    f!("spec", obj!(POD_SPEC), SPEC),
    f!("status", obj!(POD_STATUS), STATUS),
], []);
static DEPLOYMENT: Type = kind!("Deployment", "Keeps a number of identical pods running and rolls out changes to them through ReplicaSets.", [
    f!("spec", obj!(DEPLOYMENT_SPEC), SPEC),
    f!("status", obj!(DEPLOYMENT_STATUS), STATUS),
], []);
static REPLICA_SET: Type = kind!("ReplicaSet", "Keeps a number of pods matching a selector running. Usually managed by a Deployment.", [
    f!("spec", obj!(REPLICA_SET_SPEC), SPEC),
    f!("status", obj!(REPLICA_SET_STATUS), STATUS),
], []);
static DAEMON_SET: Type = kind!("DaemonSet", "Runs one copy of a pod on every eligible node.", [
    f!("spec", obj!(DAEMON_SET_SPEC), SPEC),
    f!("status", obj!(DAEMON_SET_STATUS), STATUS),
], []);
static JOB: Type = kind!("Job", "Runs pods until a number of them succeed.", [
    f!("spec", obj!(JOB_SPEC), SPEC),
    f!("status", obj!(JOB_STATUS), STATUS),
], []);
static SERVICE: Type = kind!("Service", "A stable name and virtual IP in front of a set of pods, chosen by labels.", [
    f!("spec", obj!(SERVICE_SPEC), SPEC),
    f!("status", obj!(SERVICE_STATUS), STATUS),
], []);
static ENDPOINTS: Type = kind!("Endpoints", "The addresses behind a Service, kept by the endpoints controller.", [
    f!("subsets", list!(ENDPOINT_SUBSET), "Groups of addresses with their ports."),
], []);
static ENDPOINT_SLICE: Type = kind!("EndpointSlice", "A part of the endpoints of a Service.", [
    req!("addressType", S, "IPv4, IPv6 or FQDN."),
    req!("endpoints", list!(ENDPOINT), "The backends."),
    f!("ports", list!(DISCOVERY_ENDPOINT_PORT), "The ports every endpoint serves."),
], []);
static CONFIG_MAP: Type = kind!("ConfigMap", "Configuration as key/value pairs, for pods to read as environment variables or files.", [
    f!("binaryData", SM, "Binary values, base64-encoded."),
    f!("data", SM, "Text values."),
], ["immutable"]);
static SECRET: Type = kind!("Secret", "Sensitive key/value data such as passwords or tokens.", [
    f!("data", SM, "Values, base64-encoded."),
    f!("stringData", SM, "Values as plain text, merged into data on write. Write-only."),
    f!("type", S, "What the data is for, e.g. Opaque (the default) or kubernetes.io/tls."),
], ["immutable"]);
static SERVICE_ACCOUNT: Type = kind!("ServiceAccount", "An identity for processes in pods.", [], ["automountServiceAccountToken", "imagePullSecrets", "secrets"]);
static NAMESPACE: Type = kind!("Namespace", "A scope for names, quotas and policies.", [
    f!("spec", obj!(NAMESPACE_SPEC), SPEC),
    f!("status", obj!(NAMESPACE_STATUS), STATUS),
], []);
static NODE: Type = kind!("Node", "A machine that runs pods, with its kubelet.", [
    f!("spec", obj!(NODE_SPEC), SPEC),
    f!("status", obj!(NODE_STATUS), STATUS),
], []);
static EVENT: Type = kind!("Event", "A report of something that happened to an object. Kept for an hour.", [
    f!("count", I, "How often it happened."),
    f!("firstTimestamp", T, "When it first happened."),
    req!("involvedObject", obj!(OBJECT_REFERENCE), "The object it is about."),
    f!("lastTimestamp", T, "When it last happened."),
    f!("message", S, "What happened, in words."),
    f!("reason", S, "A CamelCase word for what happened, e.g. Scheduled or BackOff."),
    f!("reportingComponent", S, "The component that reported it."),
    f!("reportingInstance", S, "The instance of the component."),
    f!("source", obj!(EVENT_SOURCE), "The component that reported it."),
    f!("type", S, "Normal or Warning."),
], ["action", "eventTime", "related", "series"]);
static LEASE: Type = kind!("Lease", "A lock with an expiry, e.g. a node's heartbeat.", [
    f!("spec", obj!(LEASE_SPEC), SPEC),
], []);
static HPA: Type = kind!("HorizontalPodAutoscaler", "Sets the replica count of a workload from observed metrics such as CPU utilization.", [
    f!("spec", obj!(HPA_SPEC), SPEC),
    f!("status", obj!(HPA_STATUS), STATUS),
], []);
static RESOURCE_QUOTA: Type = kind!("ResourceQuota", "Limits what all objects of a namespace may use together.", [
    f!("spec", obj!(RESOURCE_QUOTA_SPEC), SPEC),
    f!("status", obj!(RESOURCE_QUOTA_STATUS), STATUS),
], []);
static LIMIT_RANGE: Type = kind!("LimitRange", "Limits and defaults for each pod or container of a namespace.", [
    f!("spec", obj!(LIMIT_RANGE_SPEC), SPEC),
], []);

/// The type of the kinds kubeplay stores without simulating (Ingress, PersistentVolumeClaim
/// ...): only their type and metadata are read; the rest is kept as written.
static KEPT: Type = kind!("Object", "An object of a kind kubeplay stores without simulating.", [], []);

/// The type of a kind's objects.
pub fn root(kind: Kind) -> &'static Type {
    match kind {
        Kind::Namespace => &NAMESPACE,
        Kind::Node => &NODE,
        Kind::Pod => &POD,
        Kind::Event => &EVENT,
        Kind::ReplicaSet => &REPLICA_SET,
        Kind::Deployment => &DEPLOYMENT,
        Kind::Lease => &LEASE,
        Kind::DaemonSet => &DAEMON_SET,
        Kind::Job => &JOB,
        Kind::ConfigMap => &CONFIG_MAP,
        Kind::Secret => &SECRET,
        Kind::ServiceAccount => &SERVICE_ACCOUNT,
        Kind::Service => &SERVICE,
        Kind::Endpoints => &ENDPOINTS,
        Kind::HorizontalPodAutoscaler => &HPA,
        Kind::EndpointSlice => &ENDPOINT_SLICE,
        Kind::ResourceQuota => &RESOURCE_QUOTA,
        Kind::LimitRange => &LIMIT_RANGE,
        _ => &KEPT,
    }
}

/// The field at a path of field names (`["spec", "template", "spec", "containers"]`),
/// stepping through lists and maps; `None` for the empty path or a field kubeplay does
/// not model.
pub fn lookup(kind: Kind, path: &[&str]) -> Option<&'static Field> {
    let (last, parent) = path.split_last()?;
    type_at(kind, parent)?.field(last)
}

/// The object type at a path: the kind's own type for the empty path, else the type of
/// the field there (the element type of a list or map); `None` past a scalar.
pub fn type_at(kind: Kind, path: &[&str]) -> Option<&'static Type> {
    path.iter().try_fold(root(kind), |t, name| t.field(name)?.ty.object())
}

/// The modelled fields under a path, in name order: what `kubectl explain` lists and
/// what the editor offers to complete. Empty past a scalar or an unknown field.
pub fn children(kind: Kind, path: &[&str]) -> Vec<&'static Field> {
    let mut fields: Vec<&'static Field> = type_at(kind, path).map(|t| t.fields.iter().collect()).unwrap_or_default();
    crate::sorting::sort_by_key(&mut fields, |f| f.name);
    fields
}

/// Whether `name`, under the object at `path`, is a real Kubernetes field that kubeplay
/// does not simulate (accepted and ignored, not refused as unknown).
pub fn is_unsimulated(kind: Kind, path: &[&str], name: &str) -> bool {
    type_at(kind, path).is_some_and(|t| t.unsimulated.contains(&name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value};

    /// A value of the field's type, with an unknown key in every object.
    fn sample(ty: &Ty, depth: usize) -> Value {
        match ty {
            Ty::Scalar("integer") => json!(1),
            Ty::Scalar("boolean") => json!(true),
            Ty::Scalar(_) => json!("x"),
            Ty::Time => json!("2024-01-01T00:00:00Z"),
            Ty::Object(t) if t.name == "IntOrString" => json!(1),
            Ty::Object(t) if t.name == "Quantity" => json!("1"),
            Ty::Object(t) => object(t, depth),
            Ty::List(inner) => json!([sample(inner, depth)]),
            Ty::Map(inner) => json!({ "k": sample(inner, depth) }),
        }
    }

    fn object(t: &Type, depth: usize) -> Value {
        let mut map = Map::new();
        for f in t.fields {
            map.insert(f.name.into(), sample(&f.ty, depth + 1));
        }
        map.insert("zzProbe".into(), json!(1));
        Value::Object(map)
    }

    /// Every type the schema reaches from a kind, with its path.
    fn types(t: &'static Type, path: String, out: &mut Vec<(String, &'static Type)>) {
        out.push((path.clone(), t));
        for f in t.fields {
            if let Some(inner) = f.ty.object().filter(|i| !i.fields.is_empty()) {
                let index = if matches!(f.ty, Ty::List(_)) { "[0]" } else if matches!(f.ty, Ty::Map(_)) { ".k" } else { "" };
                let sep = if path.is_empty() { "" } else { "." };
                types(inner, format!("{path}{sep}{}{index}", f.name), out);
            }
        }
    }

    #[test]
    fn the_schema_matches_the_types_serde_decodes() {
        for kind in Kind::ALL.into_iter().filter(|k| k.is_simulated()) {
            let mut value = object(root(kind), 0);
            value["apiVersion"] = json!(kind.api_version());
            value["kind"] = json!(kind.name());
            let (decoded, unknown) = crate::decode::with_known_fields(|| Object::decode(kind, &value));
            assert!(decoded.is_ok(), "{kind}: every field's sample decodes: {decoded:?}");
            let mut expected = Vec::new();
            types(root(kind), String::new(), &mut expected);
            let probes: Vec<&(String, crate::decode::FieldNames)> = unknown.iter().collect();
            assert_eq!(probes.len(), expected.len(), "{kind}: {:?}", probes.iter().map(|p| &p.0).collect::<Vec<_>>());
            for (path, t) in expected {
                let probe = if path.is_empty() { "zzProbe".to_string() } else { format!("{path}.zzProbe") };
                let (_, serde_fields) = unknown.iter().find(|(p, _)| *p == probe).unwrap_or_else(|| panic!("{kind}: {probe} reported"));
                for f in t.fields {
                    assert!(serde_fields.contains(&f.name), "{kind} {}: {} is modelled by the schema but not decoded", t.name, f.name);
                }
                let is_condition = t.name.ends_with("Condition");
                for name in serde_fields.iter() {
                    assert!(is_condition || t.field(name).is_some() || t.unsimulated.contains(name), "{kind} {}: decoded field {name} missing from the schema", t.name);
                }
                for name in t.unsimulated {
                    assert!(t.field(name).is_none(), "{}: {name} is both modelled and unsimulated", t.name);
                }
            }
        }
    }

    #[test]
    fn lookups_follow_lists_and_name_types_as_explain_does() {
        assert_eq!(lookup(Kind::Deployment, &["spec", "template", "spec", "containers"]).map(|f| f.ty.name()), Some("[]Container".into()));
        assert_eq!(lookup(Kind::Pod, &["spec", "containers", "resources", "limits"]).map(|f| f.ty.name()), Some("map[string]Quantity".into()));
        assert_eq!(lookup(Kind::Deployment, &["spec", "strategy", "rollingUpdate", "maxSurge"]).map(|f| f.ty.name()), Some("IntOrString".into()));
        assert_eq!(lookup(Kind::Pod, &["metadata", "creationTimestamp"]).map(|f| f.ty.name()), Some("string".into()));
        assert!(lookup(Kind::Pod, &["spec", "volumes"]).is_none());
        assert!(is_unsimulated(Kind::Pod, &["spec"], "volumes"));
        assert!(!is_unsimulated(Kind::Pod, &["spec"], "volumez"));
        assert_eq!(children(Kind::Service, &["spec", "ports"]).iter().map(|f| f.name).collect::<Vec<_>>(), ["name", "nodePort", "port", "protocol", "targetPort"]);
        assert!(children(Kind::Pod, &["spec", "nodeName"]).is_empty());
    }

    use crate::api::Object;
}
