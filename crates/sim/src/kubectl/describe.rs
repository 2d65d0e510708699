//! `kubectl describe`: the client-side describers of kubectl 1.28 for the kinds the
//! simulator serves, laid out as `kubectl-output.md` §3 specifies.
//!
//! Every describer writes TAB-separated lines into an [`Out`], which aligns them as
//! kubectl's tab writer does (minwidth 0, padding 2) and is flushed once before a
//! non-empty Events table.

use super::{resource_kind, tabwriter, targets, CommandOutput, Flags};
use crate::api::{
    ConfigMap, Container, ContainerState, ContainerStatus, DaemonSet, Deployment, Event, IntOrString, Job, Kind, LabelSelector, Namespace, Node, Object,
    Pod, PodTemplateSpec, Probe, Quantity, ReplicaSet, Secret, ServiceAccount, Taint, Toleration,
};
use crate::clock::{human_duration, Time};
use crate::cluster::Cluster;
use crate::controllers::controller_of;
use crate::controllers::deployment::POD_TEMPLATE_HASH;
use crate::store::{ObjectKey, Store};

/// Annotations kubectl never shows.
const SKIPPED_ANNOTATIONS: [&str; 1] = ["kubectl.kubernetes.io/last-applied-configuration"];
/// Longest annotation line (`maxAnnotationLen`).
const MAX_ANNOTATION_LEN: usize = 140;

/// The `kubectl describe` text of one object (with its events), or why there is none.
pub fn describe_object(cluster: &Cluster, object: &Object) -> Result<String, String> {
    Ctx { store: cluster.store(), now: cluster.now(), show_events: true }.describe(object)
}

/// Runs `kubectl describe TYPE [NAME...]`, `TYPE/NAME...` or `TYPE -l SELECTOR`.
pub fn describe(cluster: &Cluster, f: &Flags) -> CommandOutput {
    let ctx = Ctx { store: cluster.store(), now: cluster.now(), show_events: f.bool_or("--show-events", true) };
    let mut out = CommandOutput::default();
    let request = match Request::parse(f) {
        Ok(r) => r,
        Err(e) => {
            out.fail(e);
            return out;
        }
    };
    let namespace = f.namespace();
    match request {
        Request::Named(list) => {
            let prefix_match = list.len() == 1 && f.positional.len() == 2;
            let mut texts = Vec::new();
            for (kind, name) in list {
                let key = ObjectKey::in_namespace(kind, &namespace, name.clone());
                match ctx.store.get(&key) {
                    Some(o) => texts.push(ctx.describe(o)),
                    None if prefix_match => return describe_prefixed(&ctx, kind, &namespace, &name),
                    None => texts.push(Err(format!("Error from server (NotFound): {} {name:?} not found", kind.resource()))),
                }
            }
            print_all(&mut out, texts);
        }
        Request::All(kind) => {
            let selector = match f.selector() {
                Ok(s) => s,
                Err(e) => {
                    out.fail(e);
                    return out;
                }
            };
            let ns = (kind.namespaced() && !f.all_namespaces()).then_some(namespace.as_str());
            let texts: Vec<_> =
                ctx.store.list(kind, ns).filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels))).map(|o| ctx.describe(o)).collect();
            if texts.is_empty() {
                out.stderr.push_str(&if f.all_namespaces() { "No resources found\n".to_string() } else { format!("No resources found in {namespace} namespace.\n") });
            }
            print_all(&mut out, texts);
        }
    }
    out
}

/// What the arguments ask for.
enum Request {
    /// Objects by name.
    Named(Vec<(Kind, String)>),
    /// Every object of a kind (in the namespace, or matching `-l`).
    All(Kind),
}

impl Request {
    /// Reads `TYPE NAME...`, `TYPE/NAME...` or `TYPE`, with kubectl's errors.
    fn parse(f: &Flags) -> Result<Request, String> {
        let Some(first) = f.positional.first() else {
            return Err("error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.".into());
        };
        let list = targets(&f.positional)?;
        if list.is_empty() {
            return Ok(Request::All(resource_kind(first)?));
        }
        if f.has("--selector") {
            return Err("error: name cannot be provided when a selector is specified".into());
        }
        if f.all_namespaces() {
            return Err("error: a resource cannot be retrieved by name across all namespaces".into());
        }
        Ok(Request::Named(list))
    }
}

/// Prints descriptions separated as kubectl separates them (`"\n\n"` before every one but
/// the first) and the errors after them.
fn print_all(out: &mut CommandOutput, texts: Vec<Result<String, String>>) {
    let mut errors = Vec::new();
    for text in texts {
        match text {
            Ok(s) if out.stdout.is_empty() => out.stdout.push_str(&s),
            Ok(s) => out.stdout.push_str(&format!("\n\n{s}")),
            Err(e) => errors.push(e),
        }
    }
    errors.iter().for_each(|e| out.fail(e));
}

/// Models staging/src/k8s.io/kubectl/pkg/cmd/describe/describe.go DescribeMatchingResources:
/// `describe pod web` with no pod `web` describes every pod whose name starts with `web`,
/// each followed by an empty line.
fn describe_prefixed(ctx: &Ctx<'_>, kind: Kind, namespace: &str, prefix: &str) -> CommandOutput {
    let mut out = CommandOutput::default();
    let ns = kind.namespaced().then_some(namespace);
    let mut found = false;
    for o in ctx.store.list(kind, ns).filter(|o| o.name().starts_with(prefix)) {
        found = true;
        match ctx.describe(o) {
            Ok(s) => out.say(s),
            Err(e) => out.fail(e),
        }
    }
    if !found {
        out.fail(format!("Error from server (NotFound): {} {prefix:?} not found", kind.resource()));
    }
    out
}

/// What every describer reads: the store, the clock and `--show-events`.
struct Ctx<'a> {
    store: &'a Store,
    now: Time,
    show_events: bool,
}

impl Ctx<'_> {
    /// The description of one object, or an error for kinds kubeplay cannot describe.
    fn describe(&self, o: &Object) -> Result<String, String> {
        let mut w = Out::default();
        match o {
            Object::Deployment(d) => self.deployment(&mut w, d),
            Object::ReplicaSet(rs) => self.replica_set(&mut w, rs),
            Object::Pod(p) => self.pod(&mut w, p),
            Object::Node(n) => self.node(&mut w, n),
            Object::Namespace(ns) => namespace(&mut w, ns, self.store),
            Object::ConfigMap(cm) => config_map(&mut w, cm),
            Object::Secret(s) => secret(&mut w, s),
            Object::ServiceAccount(sa) => service_account(&mut w, sa),
            Object::DaemonSet(ds) => self.daemon_set(&mut w, ds),
            Object::Job(job) => self.job(&mut w, job),
            Object::Service(svc) => services::service(&mut w, svc, self.store),
            Object::HorizontalPodAutoscaler(hpa) => services::hpa(&mut w, hpa),
            Object::ResourceQuota(q) => policy::resource_quota(&mut w, q),
            Object::LimitRange(lr) => policy::limit_range(&mut w, lr),
            Object::Unsimulated(ing) if ing.kind_id == Kind::Ingress => kept::ingress(&mut w, ing, self.store),
            Object::Unsimulated(_) => kept::generic(&mut w, o),
            Object::Event(_) | Object::Lease(_) | Object::Endpoints(_) | Object::EndpointSlice(_) => {
                let r = o.kind().resource();
                return Err(format!("error: kubeplay cannot describe {r} yet; try 'kubectl get {r} {} -o yaml'", o.name()));
            }
        }
        if self.show_events && !matches!(o, Object::Namespace(_) | Object::Secret(_) | Object::ResourceQuota(_) | Object::LimitRange(_)) {
            self.events(&mut w, o);
        }
        Ok(w.finish())
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go DeploymentDescriber.
    fn deployment(&self, w: &mut Out, d: &Deployment) {
        w.line(0, format!("Name:\t{}", d.metadata.name));
        w.line(0, format!("Namespace:\t{}", d.metadata.namespace.as_deref().unwrap_or("")));
        w.line(0, format!("CreationTimestamp:\t{}", rfc1123z(d.metadata.creation_timestamp)));
        labels(w, "Labels", &d.metadata.labels);
        annotations(w, "Annotations", &d.metadata.annotations);
        w.line(0, format!("Selector:\t{}", selector_text(&d.spec.selector)));
        let s = &d.status;
        w.line(
            0,
            format!(
                "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
                d.replicas(),
                s.updated_replicas,
                s.replicas,
                s.available_replicas,
                s.unavailable_replicas
            ),
        );
        w.line(0, format!("StrategyType:\t{}", d.spec.strategy.type_.as_deref().unwrap_or("")));
        w.line(0, format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds));
        if let Some(ru) = &d.spec.strategy.rolling_update {
            let text = |v: &Option<IntOrString>| v.as_ref().map_or_else(|| "0".to_string(), int_or_string);
            w.line(0, format!("RollingUpdateStrategy:\t{} max unavailable, {} max surge", text(&ru.max_unavailable), text(&ru.max_surge)));
        }
        pod_template(w, &d.spec.template);
        workload_conditions(w, &s.conditions);
        let (old, new) = self.deployment_replica_sets(d);
        if !old.is_empty() || new.is_some() {
            w.line(0, format!("OldReplicaSets:\t{}", replica_set_list(&old)));
            w.line(0, format!("NewReplicaSet:\t{}", replica_set_list(&new.into_iter().collect::<Vec<_>>())));
        }
    }

    /// Models staging/src/k8s.io/kubectl/pkg/util/deployment/deployment.go FindNewReplicaSet and
    /// FindOldReplicaSets (all old ones, as kubectl 1.28 prints them): the ReplicaSets the
    /// Deployment controls, oldest first; the new one is the oldest whose template matches the
    /// Deployment's.
    fn deployment_replica_sets<'a>(&'a self, d: &Deployment) -> (Vec<&'a ReplicaSet>, Option<&'a ReplicaSet>) {
        let uid = d.metadata.uid.as_deref().unwrap_or("");
        let mut owned: Vec<&ReplicaSet> = self
            .store
            .list(Kind::ReplicaSet, d.metadata.namespace.as_deref())
            .filter_map(Object::as_replica_set)
            .filter(|rs| controller_of(&rs.metadata).is_some_and(|r| r.uid == uid))
            .collect();
        crate::sorting::sort_by(&mut owned, |a, b| (a.metadata.creation_timestamp, &a.metadata.name).cmp(&(b.metadata.creation_timestamp, &b.metadata.name)));
        let new = owned.iter().copied().find(|rs| same_template(&rs.spec.template, &d.spec.template));
        let old = owned.into_iter().filter(|rs| new.is_none_or(|n| n.metadata.uid != rs.metadata.uid)).collect();
        (old, new)
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go ReplicaSetDescriber.
    fn replica_set(&self, w: &mut Out, rs: &ReplicaSet) {
        w.line(0, format!("Name:\t{}", rs.metadata.name));
        w.line(0, format!("Namespace:\t{}", rs.metadata.namespace.as_deref().unwrap_or("")));
        w.line(0, format!("Selector:\t{}", or_none(selector_text(&rs.spec.selector))));
        labels(w, "Labels", &rs.metadata.labels);
        annotations(w, "Annotations", &rs.metadata.annotations);
        controlled_by(w, &rs.metadata);
        w.line(0, format!("Replicas:\t{} current / {} desired", rs.status.replicas, rs.replicas()));
        let (running, waiting, succeeded, failed) = self.pod_phases(&rs.metadata, &rs.spec.selector);
        w.line(0, format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"));
        pod_template(w, &rs.spec.template);
        workload_conditions(w, &rs.status.conditions);
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go getPodStatusForController: the
    /// controller's pods by phase.
    fn pod_phases(&self, owner: &crate::api::ObjectMeta, selector: &LabelSelector) -> (usize, usize, usize, usize) {
        let uid = owner.uid.as_deref().unwrap_or("");
        let mut counts = (0, 0, 0, 0);
        let pods = self.store.list(Kind::Pod, owner.namespace.as_deref()).filter_map(Object::as_pod);
        for p in pods.filter(|p| selector.matches(&p.metadata.labels) && controller_of(&p.metadata).is_some_and(|r| r.uid == uid)) {
            match p.phase() {
                "Running" => counts.0 += 1,
                "Pending" => counts.1 += 1,
                "Succeeded" => counts.2 += 1,
                "Failed" => counts.3 += 1,
                _ => {}
            }
        }
        counts
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go describePod.
    fn pod(&self, w: &mut Out, p: &Pod) {
        w.line(0, format!("Name:\t{}", p.metadata.name));
        w.line(0, format!("Namespace:\t{}", p.metadata.namespace.as_deref().unwrap_or("")));
        if let Some(priority) = p.spec.priority {
            w.line(0, format!("Priority:\t{priority}"));
        }
        if let Some(sa) = p.spec.service_account_name.as_deref().filter(|s| !s.is_empty()) {
            w.line(0, format!("Service Account:\t{sa}"));
        }
        match p.spec.node_name.as_deref().filter(|n| !n.is_empty()) {
            Some(node) => w.line(0, format!("Node:\t{node}/{}", p.status.host_ip.as_deref().unwrap_or(""))),
            None => w.line(0, "Node:\t<none>"),
        }
        if let Some(t) = p.status.start_time {
            w.line(0, format!("Start Time:\t{}", rfc1123z(Some(t))));
        }
        labels(w, "Labels", &p.metadata.labels);
        annotations(w, "Annotations", &p.metadata.annotations);
        match p.metadata.deletion_timestamp {
            Some(t) => {
                w.line(0, format!("Status:\tTerminating (lasts {})", human_duration(self.now - t)));
                w.line(0, format!("Termination Grace Period:\t{}s", p.metadata.deletion_grace_period_seconds.unwrap_or(0)));
            }
            None => w.line(0, format!("Status:\t{}", p.status.phase.as_deref().unwrap_or(""))),
        }
        if let Some(reason) = p.status.reason.as_deref().filter(|r| !r.is_empty()) {
            w.line(0, format!("Reason:\t{reason}"));
        }
        if let Some(message) = p.status.message.as_deref().filter(|m| !m.is_empty()) {
            w.line(0, format!("Message:\t{message}"));
        }
        let ip = p.status.pod_ip.as_deref().unwrap_or("");
        w.line(0, format!("IP:\t{ip}"));
        if ip.is_empty() {
            w.line(0, "IPs:\t<none>");
        } else {
            w.line(0, "IPs:");
            w.line(1, format!("IP:\t{ip}"));
        }
        controlled_by(w, &p.metadata);
        containers(w, "Containers", &p.spec.containers, Some(&p.status.container_statuses), "", p.metadata.unsimulated.as_deref());
        if !p.status.conditions.is_empty() {
            w.line(0, "Conditions:");
            w.line(1, "Type\tStatus");
            for c in &p.status.conditions {
                w.line(1, format!("{} \t{} ", c.type_, c.status));
            }
        }
        volumes::volumes(w, p.metadata.unsimulated.as_deref(), false);
        w.line(0, format!("QoS Class:\t{}", p.status.qos_class.as_deref().unwrap_or("")));
        labels(w, "Node-Selectors", &p.spec.node_selector);
        tolerations(w, &p.spec.tolerations);
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go describeNode.
    fn node(&self, w: &mut Out, n: &Node) {
        w.line(0, format!("Name:\t{}", n.metadata.name));
        w.line(0, format!("Roles:\t{}", or_none(node_roles(n).join(","))));
        labels(w, "Labels", &n.metadata.labels);
        annotations(w, "Annotations", &n.metadata.annotations);
        w.line(0, format!("CreationTimestamp:\t{}", rfc1123z(n.metadata.creation_timestamp)));
        taints(w, &n.spec.taints);
        w.line(0, format!("Unschedulable:\t{}", n.spec.unschedulable));
        self.node_lease(w, &n.metadata.name);
        node_conditions(w, n);
        w.line(0, "Addresses:");
        for a in &n.status.addresses {
            w.line(1, format!("{}:\t{}", a.type_, a.address));
        }
        for (title, list) in [("Capacity", &n.status.capacity), ("Allocatable", &n.status.allocatable)] {
            if !list.is_empty() {
                w.line(0, format!("{title}:"));
                list.iter().for_each(|(k, v)| w.line(1, format!("{k}:\t{v}")));
            }
        }
        let info = &n.status.node_info;
        w.line(0, "System Info:");
        for (k, v) in [
            ("Machine ID", ""),
            ("System UUID", ""),
            ("Boot ID", ""),
            ("Kernel Version", info.kernel_version.as_str()),
            ("OS Image", &info.os_image),
            ("Operating System", &info.operating_system),
            ("Architecture", &info.architecture),
            ("Container Runtime Version", &info.container_runtime_version),
            ("Kubelet Version", &info.kubelet_version),
            ("Kube-Proxy Version", &info.kube_proxy_version),
        ] {
            w.line(1, format!("{k}:\t{v}"));
        }
        if let Some(cidr) = n.spec.pod_cidr.as_deref().filter(|c| !c.is_empty()) {
            // The node IPAM controller sets podCIDRs along with podCIDR.
            w.line(0, format!("PodCIDR:\t{cidr}"));
            w.line(0, format!("PodCIDRs:\t{cidr}"));
        }
        self.node_resources(w, n);
    }

    /// The `Lease:` block from the node's Lease in `kube-node-lease`.
    fn node_lease(&self, w: &mut Out, node: &str) {
        let key = ObjectKey { kind: Kind::Lease, namespace: "kube-node-lease".into(), name: node.into() };
        let Some(lease) = self.store.get(&key).and_then(Object::as_lease) else {
            w.line(0, format!("Lease:\tFailed to get lease: leases.coordination.k8s.io {node:?} not found"));
            return;
        };
        w.line(0, "Lease:");
        w.line(1, format!("HolderIdentity:\t{}", lease.spec.holder_identity.as_deref().unwrap_or("<unset>")));
        w.line(1, "AcquireTime:\t<unset>");
        w.line(1, format!("RenewTime:\t{}", lease.spec.renew_time.map_or_else(|| "<unset>".to_string(), |t| rfc1123z(Some(t)))));
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go describeNodeResource: the pods on
    /// the node and their totals.
    fn node_resources(&self, w: &mut Out, n: &Node) {
        let pods: Vec<_> = self.store.pods_on_node(&n.metadata.name);
        let pods: Vec<&Pod> = pods.iter().filter_map(|o| o.as_pod()).filter(|p| !matches!(p.phase(), "Succeeded" | "Failed")).collect();
        let alloc = if n.status.allocatable.is_empty() { &n.status.capacity } else { &n.status.allocatable };
        let alloc_cpu = alloc.get("cpu").map_or(0, Quantity::milli_value);
        let alloc_mem = alloc.get("memory").map_or(0, Quantity::value);
        w.line(0, format!("Non-terminated Pods:\t({} in total)", pods.len()));
        w.line(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
        w.line(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---");
        for p in &pods {
            let cell = |which: Which, resource: &str, total: i64| {
                let sum = PodResource::of(p, which, resource);
                format!("{} ({}%)", sum.text, percent(sum.amount(resource), total))
            };
            w.line(
                1,
                format!(
                    "{}\t{}\t\t{}\t{}\t{}\t{}\t{}",
                    p.metadata.namespace.as_deref().unwrap_or(""),
                    p.metadata.name,
                    cell(Which::Requests, "cpu", alloc_cpu),
                    cell(Which::Limits, "cpu", alloc_cpu),
                    cell(Which::Requests, "memory", alloc_mem),
                    cell(Which::Limits, "memory", alloc_mem),
                    p.metadata.creation_timestamp.map_or_else(|| "<unknown>".to_string(), |t| human_duration(self.now - t)),
                ),
            );
        }
        w.line(0, "Allocated resources:");
        w.line(1, "(Total limits may be over 100 percent, i.e., overcommitted.)");
        w.line(1, "Resource\tRequests\tLimits");
        w.line(1, "--------\t--------\t------");
        let total = |which: Which, resource: &str| PodResource::sum(pods.iter().map(|p| PodResource::of(p, which, resource)));
        let mut rows: Vec<&str> = vec!["cpu", "memory", "ephemeral-storage"];
        rows.extend(alloc.keys().map(String::as_str).filter(|k| k.starts_with("hugepages-")));
        for resource in rows {
            let whole = alloc.get(resource).map_or(0, |q| if resource == "cpu" { q.milli_value() } else { q.value() });
            let (req, lim) = (total(Which::Requests, resource), total(Which::Limits, resource));
            let (req_pct, lim_pct) = (percent(req.amount(resource), whole), percent(lim.amount(resource), whole));
            w.line(1, format!("{resource}\t{} ({req_pct}%)\t{} ({lim_pct}%)", req.text, lim.text));
        }
        let standard = |k: &str| matches!(k, "cpu" | "memory" | "ephemeral-storage" | "pods") || k.starts_with("hugepages-");
        for resource in alloc.keys().filter(|k| !standard(k)) {
            let (req, lim) = (total(Which::Requests, resource), total(Which::Limits, resource));
            w.line(1, format!("{resource}\t{}\t{}", req.text, lim.text));
        }
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go DaemonSetDescriber (which prints
    /// no namespace).
    fn daemon_set(&self, w: &mut Out, ds: &DaemonSet) {
        w.line(0, format!("Name:\t{}", ds.metadata.name));
        w.line(0, format!("Selector:\t{}", selector_text(&ds.spec.selector)));
        let node_selector: Vec<String> = ds.spec.template.spec.node_selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        w.line(0, format!("Node-Selector:\t{}", or_none(node_selector.join(","))));
        labels(w, "Labels", &ds.metadata.labels);
        annotations(w, "Annotations", &ds.metadata.annotations);
        let s = &ds.status;
        w.line(0, format!("Desired Number of Nodes Scheduled: {}", s.desired_number_scheduled));
        w.line(0, format!("Current Number of Nodes Scheduled: {}", s.current_number_scheduled));
        w.line(0, format!("Number of Nodes Scheduled with Up-to-date Pods: {}", s.updated_number_scheduled));
        w.line(0, format!("Number of Nodes Scheduled with Available Pods: {}", s.number_available));
        w.line(0, format!("Number of Nodes Misscheduled: {}", s.number_misscheduled));
        let (running, waiting, succeeded, failed) = self.pod_phases(&ds.metadata, &ds.spec.selector);
        w.line(0, format!("Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"));
        pod_template(w, &ds.spec.template);
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go JobDescriber.
    fn job(&self, w: &mut Out, job: &Job) {
        let (spec, s) = (&job.spec, &job.status);
        w.line(0, format!("Name:\t{}", job.metadata.name));
        w.line(0, format!("Namespace:\t{}", job.metadata.namespace.as_deref().unwrap_or("")));
        w.line(0, format!("Selector:\t{}", spec.selector.as_ref().map(selector_text).unwrap_or_default()));
        labels(w, "Labels", &job.metadata.labels);
        annotations(w, "Annotations", &job.metadata.annotations);
        controlled_by(w, &job.metadata);
        if let Some(p) = spec.parallelism {
            w.line(0, format!("Parallelism:\t{p}"));
        }
        w.line(0, format!("Completions:\t{}", spec.completions.map_or_else(|| "<unset>".to_string(), |c| c.to_string())));
        if let Some(mode) = &spec.completion_mode {
            w.line(0, format!("Completion Mode:\t{mode}"));
        }
        if let Some(suspend) = spec.suspend {
            w.line(0, format!("Suspend:\t{suspend}"));
        }
        if let Some(t) = s.start_time {
            w.line(0, format!("Start Time:\t{}", rfc1123z(Some(t))));
        }
        if let Some(t) = s.completion_time {
            w.line(0, format!("Completed At:\t{}", rfc1123z(Some(t))));
        }
        if let (Some(start), Some(end)) = (s.start_time, s.completion_time) {
            w.line(0, format!("Duration:\t{}", human_duration(end - start)));
        }
        if let Some(d) = spec.active_deadline_seconds {
            w.line(0, format!("Active Deadline Seconds:\t{d}s"));
        }
        match s.ready {
            Some(ready) => w.line(0, format!("Pods Statuses:\t{} Active ({ready} Ready) / {} Succeeded / {} Failed", s.active, s.succeeded, s.failed)),
            None => w.line(0, format!("Pods Statuses:\t{} Active / {} Succeeded / {} Failed", s.active, s.succeeded, s.failed)),
        }
        pod_template(w, &spec.template);
    }

    /// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go DescribeEvents: `Events:
    /// <none>`, or a table after a flush.
    fn events(&self, w: &mut Out, o: &Object) {
        let events = events_about(self.store, o);
        if events.is_empty() {
            w.line(0, "Events:\t<none>");
            return;
        }
        w.flush();
        w.line(0, "Events:");
        w.line(1, "Type\tReason\tAge\tFrom\tMessage");
        w.line(1, "----\t------\t----\t----\t-------");
        let age = |t: Option<Time>| t.map_or_else(|| "<unknown>".to_string(), |t| human_duration(self.now - t));
        for e in events {
            let first = age(e.first_timestamp);
            let interval = if e.count > 1 { format!("{} (x{} over {first})", age(e.last_timestamp), e.count) } else { first };
            let from = if e.source.component.is_empty() { &e.reporting_component } else { &e.source.component };
            w.line(1, format!("{}\t{}\t{interval}\t{from}\t{}", e.type_, e.reason, e.message.trim()));
        }
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go NamespaceDescriber.
fn namespace(w: &mut Out, ns: &Namespace, store: &Store) {
    w.line(0, format!("Name:\t{}", ns.metadata.name));
    labels(w, "Labels", &ns.metadata.labels);
    annotations(w, "Annotations", &ns.metadata.annotations);
    let name = Some(ns.metadata.name.as_str());
    let quotas: Vec<_> = store.list(Kind::ResourceQuota, name).filter_map(Object::as_resource_quota).collect();
    let limits: Vec<_> = store.list(Kind::LimitRange, name).filter_map(Object::as_limit_range).collect();
    policy::namespace_status(w, ns, &quotas, &limits);
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go ConfigMapDescriber (keys sorted).
fn config_map(w: &mut Out, cm: &ConfigMap) {
    name_namespace_labels(w, &cm.metadata);
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    for (k, v) in &cm.data {
        w.line(0, format!("{k}:"));
        w.line(0, "----");
        w.line(0, v);
    }
    w.line(0, "");
    w.line(0, "BinaryData");
    w.line(0, "====");
    for (k, v) in &cm.binary_data {
        w.line(0, format!("{k}: {} bytes", base64_len(v)));
    }
    w.line(0, "");
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go SecretDescriber: sizes, never values.
fn secret(w: &mut Out, s: &Secret) {
    name_namespace_labels(w, &s.metadata);
    w.line(0, "");
    w.line(0, format!("Type:\t{}", s.type_.as_deref().unwrap_or("Opaque")));
    w.line(0, "");
    w.line(0, "Data");
    w.line(0, "====");
    for (k, v) in &s.data {
        w.line(0, format!("{k}:\t{} bytes", base64_len(v)));
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go ServiceAccountDescriber (kubeplay's
/// accounts carry no secrets).
fn service_account(w: &mut Out, sa: &ServiceAccount) {
    name_namespace_labels(w, &sa.metadata);
    w.line(0, "Image pull secrets:\t<none>");
    w.line(0, "Mountable secrets: \t<none>");
    w.line(0, "Tokens:            \t<none>");
}

/// Describe output under construction: TAB-separated text that is aligned in segments,
/// one per flush, as Go's tabwriter aligns it.
#[derive(Default)]
struct Out {
    aligned: String,
    pending: String,
}

impl Out {
    /// Writes one line, `level` two-space indents deep.
    fn line(&mut self, level: usize, text: impl AsRef<str>) {
        for _ in 0..level {
            self.pending.push_str("  ");
        }
        self.pending.push_str(text.as_ref());
        self.pending.push('\n');
    }

    /// Aligns what was written so far; later lines align on their own.
    fn flush(&mut self) {
        self.aligned.push_str(&tabwriter::align(&self.pending, 0, 2));
        self.pending.clear();
    }

    /// The finished text.
    fn finish(mut self) -> String {
        self.flush();
        self.aligned
    }
}

/// The opening lines most describers share: Name, Namespace, Labels, Annotations.
fn name_namespace_labels(w: &mut Out, meta: &crate::api::ObjectMeta) {
    w.line(0, format!("Name:\t{}", meta.name));
    w.line(0, format!("Namespace:\t{}", meta.namespace.as_deref().unwrap_or("")));
    labels(w, "Labels", &meta.labels);
    annotations(w, "Annotations", &meta.annotations);
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go printLabelsMultiline: `Title:→k=v`,
/// one label a line, or `<none>`.
fn labels(w: &mut Out, title: &str, labels: &crate::api::StringMap) {
    multiline(w, title, labels.iter().map(|(k, v)| format!("{k}={v}")).collect());
}

/// `Title:→first`, then `→next` per further value, or `Title:→<none>`.
fn multiline(w: &mut Out, title: &str, values: Vec<String>) {
    if values.is_empty() {
        w.line(0, format!("{title}:\t<none>"));
    }
    for (i, v) in values.iter().enumerate() {
        let head = if i == 0 { format!("{title}:") } else { String::new() };
        w.line(0, format!("{head}\t{v}"));
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go printAnnotationsMultiline: `k: v`
/// sorted by key; long or multi-line values go under the key, each line cut to 138 characters plus
/// `...`.
fn annotations(w: &mut Out, title: &str, annotations: &crate::api::StringMap) {
    let shown: Vec<(&String, &String)> = annotations.iter().filter(|(k, _)| !SKIPPED_ANNOTATIONS.contains(&k.as_str())).collect();
    if shown.is_empty() {
        w.line(0, format!("{title}:\t<none>"));
    }
    for (i, (k, v)) in shown.into_iter().enumerate() {
        let head = if i == 0 { format!("{title}:") } else { String::new() };
        let value = v.strip_suffix('\n').unwrap_or(v);
        if value.len() + k.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.line(0, format!("{head}\t{k}:"));
            for part in value.split('\n') {
                w.line(0, format!("\t  {}", shorten(part, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.line(0, format!("{head}\t{k}: {value}"));
        }
    }
}

/// The first `max` bytes of `s` and `...`, when it is longer (kept on a character boundary).
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go printTolerationsMultilineWithIndent,
/// sorted by key.
fn tolerations(w: &mut Out, list: &[Toleration]) {
    let mut sorted: Vec<&Toleration> = list.iter().collect();
    crate::sorting::sort_by_key(&mut sorted, |t| t.key.clone().unwrap_or_default());
    multiline(w, "Tolerations", sorted.into_iter().map(toleration_text).collect());
}

/// `key[=value][:effect][ op=Exists][ for Ns]`.
fn toleration_text(t: &Toleration) -> String {
    let (key, value, effect) = (t.key.as_deref().unwrap_or(""), t.value.as_deref().unwrap_or(""), t.effect.as_deref().unwrap_or(""));
    let mut s = key.to_string();
    if !value.is_empty() {
        s.push_str(&format!("={value}"));
    }
    if !effect.is_empty() {
        s.push_str(&format!(":{effect}"));
    }
    if t.operator.as_deref() == Some("Exists") && value.is_empty() {
        s.push_str(if key.is_empty() && effect.is_empty() { "op=Exists" } else { " op=Exists" });
    }
    if let Some(secs) = t.toleration_seconds {
        s.push_str(&format!(" for {secs}s"));
    }
    s
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go printNodeTaintsMultiline: sorted by
/// `effect,key`.
fn taints(w: &mut Out, list: &[Taint]) {
    let mut sorted: Vec<&Taint> = list.iter().collect();
    crate::sorting::sort_by_key(&mut sorted, |t| format!("{},{}", t.effect, t.key));
    let text = |t: &Taint| match t.value.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => format!("{}={v}:{}", t.key, t.effect),
        None => format!("{}:{}", t.key, t.effect),
    };
    multiline(w, "Taints", sorted.into_iter().map(text).collect());
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go findNodeRoles:
/// `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value, sorted and
/// deduplicated.
fn node_roles(n: &Node) -> Vec<String> {
    let mut roles: Vec<String> = n
        .metadata
        .labels
        .iter()
        .filter_map(|(k, v)| match k.strip_prefix("node-role.kubernetes.io/") {
            Some(role) => Some(role.to_string()),
            None => (k == "kubernetes.io/role").then(|| v.clone()),
        })
        .filter(|r| !r.is_empty())
        .collect();
    crate::sorting::sort(&mut roles);
    roles.dedup();
    roles
}

/// The node's Conditions table: every cell but the message ends in a space.
fn node_conditions(w: &mut Out, n: &Node) {
    if n.status.conditions.is_empty() {
        return;
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
    w.line(1, "----\t------\t-----------------\t------------------\t------\t-------");
    for c in &n.status.conditions {
        w.line(
            1,
            format!(
                "{} \t{} \t{} \t{} \t{} \t{}",
                c.type_,
                c.status,
                rfc1123z(c.last_heartbeat_time),
                rfc1123z(c.last_transition_time),
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            ),
        );
    }
}

/// The Deployment and ReplicaSet Conditions table, when there are conditions.
fn workload_conditions(w: &mut Out, conditions: &[crate::api::Condition]) {
    if conditions.is_empty() {
        return;
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus\tReason");
    w.line(1, "----\t------\t------");
    for c in conditions {
        w.line(1, format!("{} \t{}\t{}", c.type_, c.status, c.reason.as_deref().unwrap_or("")));
    }
}

/// `Controlled By:→Kind/name` for an object with a controller.
fn controlled_by(w: &mut Out, meta: &crate::api::ObjectMeta) {
    if let Some(r) = controller_of(meta) {
        w.line(0, format!("Controlled By:\t{}/{}", r.kind, r.name));
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go printReplicaSetsByLabels: `name
/// (current/desired replicas created)`.
fn replica_set_list(sets: &[&ReplicaSet]) -> String {
    let parts: Vec<String> = sets.iter().map(|rs| format!("{} ({}/{} replicas created)", rs.metadata.name, rs.status.replicas, rs.replicas())).collect();
    or_none(parts.join(", "))
}

/// Models staging/src/k8s.io/kubectl/pkg/util/deployment/deployment.go EqualIgnoreHash.
fn same_template(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove(POD_TEMPLATE_HASH);
        t
    };
    strip(a) == strip(b)
}

/// A Pod Template block as `rollout history --revision` prints it: raw tabs, not aligned.
pub(crate) fn pod_template_unaligned(t: &PodTemplateSpec) -> String {
    let mut w = Out::default();
    pod_template(&mut w, t);
    w.pending
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go DescribePodTemplate (kubectl 1.28: no
/// Node-Selectors or Tolerations).
fn pod_template(w: &mut Out, t: &PodTemplateSpec) {
    w.line(0, "Pod Template:");
    labels(w, "  Labels", &t.metadata.labels);
    if !t.metadata.annotations.is_empty() {
        annotations(w, "  Annotations", &t.metadata.annotations);
    }
    if let Some(sa) = t.spec.service_account_name.as_deref().filter(|s| !s.is_empty()) {
        w.line(1, format!("Service Account:\t{sa}"));
    }
    containers(w, "Containers", &t.spec.containers, None, "  ", t.metadata.unsimulated.as_deref());
    volumes::volumes(w, t.metadata.unsimulated.as_deref(), true);
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go describeContainers: `statuses` is
/// `None` in a template; `space` is the extra indent of a template.
fn containers(w: &mut Out, label: &str, list: &[Container], statuses: Option<&[ContainerStatus]>, space: &str, kept: Option<&crate::api::KeptFields>) {
    let none = if list.is_empty() { " <none>" } else { "" };
    w.line(0, format!("{space}{label}:{none}"));
    for (index, c) in list.iter().enumerate() {
        let status = statuses.and_then(|s| s.iter().find(|s| s.name == c.name));
        let name_indent = if space.is_empty() { "" } else { " " };
        w.line(1, format!("{name_indent}{}:", c.name));
        if let Some(s) = status {
            w.line(2, format!("Container ID:\t{}", s.container_id.as_deref().unwrap_or("")));
        }
        w.line(2, format!("Image:\t{}", c.image));
        if let Some(s) = status {
            w.line(2, format!("Image ID:\t{}", s.image_id));
        }
        container_ports(w, c);
        for (title, words) in [("Command", &c.command), ("Args", &c.args)] {
            if !words.is_empty() {
                w.line(2, format!("{title}:"));
                words.iter().flat_map(|word| word.split('\n')).for_each(|l| w.line(3, l));
            }
        }
        if let Some(s) = status {
            container_state(w, "State", &s.state);
            if s.last_state.terminated.is_some() {
                container_state(w, "Last State", &s.last_state);
            }
            w.line(2, format!("Ready:\t{}", if s.ready { "True" } else { "False" }));
            w.line(2, format!("Restart Count:\t{}", s.restart_count));
        }
        for (title, list) in [("Limits", &c.resources.limits), ("Requests", &c.resources.requests)] {
            if !list.is_empty() {
                w.line(2, format!("{title}:"));
                list.iter().for_each(|(k, v)| w.line(3, format!("{k}:\t{v}")));
            }
        }
        for (title, probe) in [("Liveness", &c.liveness_probe), ("Readiness", &c.readiness_probe), ("Startup", &c.startup_probe)] {
            if let Some(p) = probe {
                w.line(2, format!("{title}:\t{}", probe_text(p)));
            }
        }
        container_env(w, c);
        volumes::mounts(w, kept, index);
    }
}

/// `Port:`/`Ports:` and `Host Port:`/`Host Ports:` (kubeplay has no host ports: `0/<proto>`).
fn container_ports(w: &mut Out, c: &Container) {
    let proto = |p: &crate::api::ContainerPort| p.protocol.clone().unwrap_or_else(|| "TCP".into());
    let ports: Vec<String> = c.ports.iter().map(|p| format!("{}/{}", p.container_port, proto(p))).collect();
    let host: Vec<String> = c.ports.iter().map(|p| format!("0/{}", proto(p))).collect();
    for (one, many, list) in [("Port", "Ports", ports), ("Host Port", "Host Ports", host)] {
        match list.len() {
            0 => w.line(2, format!("{one}:\t<none>")),
            1 => w.line(2, format!("{one}:\t{}", list[0])),
            _ => w.line(2, format!("{many}:\t{}", list.join(", "))),
        }
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go describeStatus: the state and its detail lines.
fn container_state(w: &mut Out, title: &str, state: &ContainerState) {
    if let Some(r) = &state.running {
        w.line(2, format!("{title}:\tRunning"));
        w.line(3, format!("Started:\t{}", rfc1123z(r.started_at)));
    } else if let Some(wt) = &state.waiting {
        w.line(2, format!("{title}:\tWaiting"));
        if let Some(reason) = wt.reason.as_deref().filter(|r| !r.is_empty()) {
            w.line(3, format!("Reason:\t{reason}"));
        }
    } else if let Some(t) = &state.terminated {
        w.line(2, format!("{title}:\tTerminated"));
        if let Some(reason) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            w.line(3, format!("Reason:\t{reason}"));
        }
        w.line(3, format!("Exit Code:\t{}", t.exit_code));
        if let Some(signal) = t.signal.filter(|s| *s > 0) {
            w.line(3, format!("Signal:\t{signal}"));
        }
        w.line(3, format!("Started:\t{}", rfc1123z(t.started_at)));
        w.line(3, format!("Finished:\t{}", rfc1123z(t.finished_at)));
    } else {
        w.line(2, format!("{title}:\tWaiting"));
    }
}

/// `Environment Variables from:` and `Environment:` of a container.
fn container_env(w: &mut Out, c: &Container) {
    if !c.env_from.is_empty() {
        w.line(2, "Environment Variables from:");
        for e in &c.env_from {
            let (name, from, optional) = match (&e.config_map_ref, &e.secret_ref) {
                (Some(r), _) => (r.name.as_str(), "ConfigMap", r.optional.unwrap_or(false)),
                (None, Some(r)) => (r.name.as_str(), "Secret", r.optional.unwrap_or(false)),
                (None, None) => ("", "", false),
            };
            w.line(3, format!("{name}\t{from}\tOptional: {optional}"));
        }
    }
    if c.env.is_empty() {
        w.line(2, "Environment:\t<none>");
        return;
    }
    w.line(2, "Environment:");
    for e in &c.env {
        match &e.value_from {
            None => {
                for (i, part) in e.value.as_deref().unwrap_or("").split('\n').enumerate() {
                    let head = if i == 0 { format!("{}:", e.name) } else { String::new() };
                    w.line(3, format!("{head}\t{part}"));
                }
            }
            Some(src) => {
                if let Some(r) = &src.secret_key_ref {
                    w.line(3, format!("{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}", e.name, r.key, r.name, r.optional.unwrap_or(false)));
                } else if let Some(r) = &src.config_map_key_ref {
                    w.line(3, format!("{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}", e.name, r.key, r.name, r.optional.unwrap_or(false)));
                }
            }
        }
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go DescribeProbe, with the API server's
/// probe defaults filled in.
pub(crate) fn probe_text(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    );
    if let Some(e) = &p.exec {
        return format!("exec [{}] {attrs}", e.command.join(" "));
    }
    if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("HTTP").to_ascii_lowercase();
        let path = h.path.as_deref().filter(|p| !p.is_empty()).unwrap_or("/");
        let slash = if path.starts_with('/') { "" } else { "/" };
        return format!("http-get {scheme}://:{}{slash}{path} {attrs}", int_or_string(&h.port));
    }
    if let Some(t) = &p.tcp_socket {
        return format!("tcp-socket :{} {attrs}", int_or_string(&t.port));
    }
    format!("unknown {attrs}")
}

/// An IntOrString as Go's `String()` prints it.
fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// Models staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector,
/// printed: requirements sorted by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`.
fn selector_text(s: &LabelSelector) -> String {
    let mut parts: Vec<(String, String)> = s.match_labels.iter().map(|(k, v)| (k.clone(), format!("{k}={v}"))).collect();
    for r in &s.match_expressions {
        let mut values = r.values.clone();
        crate::sorting::sort(&mut values);
        let text = match r.operator.as_str() {
            "In" => format!("{} in ({})", r.key, values.join(",")),
            "NotIn" => format!("{} notin ({})", r.key, values.join(",")),
            "Exists" => r.key.clone(),
            "DoesNotExist" => format!("!{}", r.key),
            other => format!("{} {other}", r.key),
        };
        parts.push((r.key.clone(), text));
    }
    crate::sorting::sort_by(&mut parts, |a, b| a.0.cmp(&b.0));
    parts.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(",")
}

/// `s`, or `<none>` when it is empty.
fn or_none(s: String) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/describe/describe.go searchEvents: the events whose
/// involvedObject is `o` (kind, name, namespace and uid; kubelets name a node by its name in place
/// of its uid), oldest first.
fn events_about<'a>(store: &'a Store, o: &Object) -> Vec<&'a Event> {
    let kind = o.kind();
    let uid = o.meta().uid.as_deref().unwrap_or("");
    let ns = kind.namespaced().then(|| o.namespace());
    let mut events: Vec<&Event> = store
        .list(Kind::Event, ns)
        .filter_map(Object::as_event)
        .filter(|e| {
            let r = &e.involved_object;
            r.kind == kind.name()
                && r.name == o.name()
                && r.namespace.as_deref().unwrap_or("") == o.namespace()
                && (uid.is_empty() || *r.uid == *uid || (kind == Kind::Node && &*r.uid == o.name()))
        })
        .collect();
    crate::sorting::sort_by_key(&mut events, |e| e.last_timestamp);
    events
}

/// Requests or limits.
#[derive(Clone, Copy)]
enum Which {
    Requests,
    Limits,
}

/// A summed resource of one or more pods: its text and its value (cpu in thousandths).
struct PodResource {
    text: String,
    milli: i64,
}

impl PodResource {
    /// Models staging/src/k8s.io/kubectl/pkg/util/resource/resource.go PodRequestsAndLimits for one
    /// resource: the sum over containers.
    fn of(p: &Pod, which: Which, resource: &str) -> PodResource {
        let pick = |c: &Container| match which {
            Which::Requests => c.resources.requests.get(resource).cloned(),
            Which::Limits => c.resources.limits.get(resource).cloned(),
        };
        let list: Vec<Quantity> = p.spec.containers.iter().filter_map(pick).collect();
        let binary = list.iter().find(|q| q.milli_value() != 0).is_some_and(|q| q.as_str().ends_with('i'));
        let milli = list.iter().map(Quantity::milli_value).sum();
        PodResource { text: quantity_text(milli, binary), milli }
    }

    /// The total over pods, printed in the notation of the first non-zero one.
    fn sum(items: impl Iterator<Item = PodResource>) -> PodResource {
        let items: Vec<PodResource> = items.collect();
        let binary = items.iter().find(|r| r.milli != 0).is_some_and(|r| r.text.ends_with('i'));
        let milli = items.iter().map(|r| r.milli).sum();
        PodResource { text: quantity_text(milli, binary), milli }
    }

    /// The value compared with allocatable: millicores for cpu, whole units otherwise.
    fn amount(&self, resource: &str) -> i64 {
        if resource == "cpu" {
            self.milli
        } else {
            self.milli.div_euclid(1000) + i64::from(self.milli.rem_euclid(1000) != 0)
        }
    }
}

/// A value in thousandths in Kubernetes' canonical form, binary (`128Mi`) or decimal (`200m`).
fn quantity_text(milli: i64, binary: bool) -> String {
    let parse = |s: String| Quantity::parse(&s).map(|q| q.to_string()).unwrap_or(s);
    if binary && milli % 1000 == 0 {
        let units = milli / 1000;
        return if units != 0 && units % 1024 == 0 { parse(format!("{}Ki", units / 1024)) } else { units.to_string() };
    }
    parse(format!("{milli}m"))
}

/// A truncated percentage, computed in floating point as kubectl does; 0 when total is 0.
fn percent(value: i64, total: i64) -> i64 {
    if total == 0 {
        0
    } else {
        (value as f64 / total as f64 * 100.0) as i64
    }
}

/// Decoded length of a base64 value.
fn base64_len(v: &str) -> usize {
    let v = v.trim_end();
    let padding = v.bytes().rev().take_while(|b| *b == b'=').count();
    (v.len() / 4 * 3).saturating_sub(padding)
}

/// A time as Go's RFC1123Z in UTC (`Mon, 01 Jan 2024 09:00:00 +0000`); the zero time
/// when unset, as Go prints it.
fn rfc1123z(t: Option<Time>) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let Some(t) = t else { return "Mon, 01 Jan 0001 00:00:00 +0000".into() };
    let text = t.rfc3339();
    let field = |r: std::ops::Range<usize>| text.get(r).unwrap_or("");
    let month = field(5..7).parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied().unwrap_or("Jan");
    let weekday = DAYS[t.0.div_euclid(86_400_000).rem_euclid(7) as usize];
    format!("{weekday}, {} {month} {} {} +0000", field(8..10), field(0..4), field(11..19))
}

mod kept;
mod policy;
mod volumes;
mod services;

#[cfg(test)]
mod tests;
