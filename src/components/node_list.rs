//! The cluster at a glance: one card per node with how much of its capacity its pods
//! request, and a chip per pod, plus the pods no node has taken yet.

use super::inspector::{opener, InspectHandle, Target};
use crate::hooks::use_objects;
use crate::ClusterHandle;
use kubeplay_sim::api::{Kind, Object, Pod};
use kubeplay_sim::kubectl::printers::pod_status;
use kubeplay_sim::small_map::SmallMap;
use std::sync::Arc;
use yew::prelude::*;

/// Fraction of `used` in `total`, as a CSS width.
fn percent(used: i64, total: i64) -> String {
    let p = if total <= 0 { 0.0 } else { (used as f64 * 100.0 / total as f64).clamp(0.0, 100.0) };
    format!("width: {p:.1}%")
}

/// The tooltip of a node's bar for `resource` (`CPU`, `memory`): it counts requests, the
/// node's allocated share, not usage.
fn requested_title(resource: &str) -> String {
    format!(
        "{resource} requested by the pods on this node (the sum of their requests: what the scheduler counts), \
         out of the node's allocatable {resource}. Not what the pods use: kubectl top node shows usage."
    )
}

/// The look of a pod's state, recognisable without reading: a class for its colour and
/// border, and a symbol.
fn state_look(status: &str, ready: bool) -> (&'static str, &'static str) {
    match status {
        "Running" if ready => ("ready", ""),
        "Running" | "NotReady" => ("running", "…"),
        "Pending" | "ContainerCreating" | "PodInitializing" => ("pending", "◌"),
        "Terminating" | "Unknown" => ("terminating", "✕"),
        "Completed" | "Succeeded" => ("done", "✓"),
        "CrashLoopBackOff" => ("failing crashloop", "↻"),
        "ErrImagePull" | "ImagePullBackOff" | "InvalidImageName" => ("failing imagepull", "⤓"),
        _ => ("failing", "!"),
    }
}

/// A colour per Deployment revision, so a rolling update is one colour replacing another.
const REVISION_COLOURS: [&str; 6] = ["#326ce5", "#9b51e0", "#0f9d8a", "#e8710a", "#d6336c", "#6b8e23"];

/// One stored version of an object, as the map was given it: equal to another only if it
/// is the same version (the watch cache keeps an unchanged object's handle), so a chip or
/// card whose objects did not change is not drawn again.
#[derive(Clone)]
pub struct Shown(pub Arc<Object>);

impl PartialEq for Shown {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A pod with the revision of the Deployment's ReplicaSet that owns it, if any.
type PodRow = (Shown, Option<u32>);

/// The revision of the ReplicaSet that owns a pod, if a Deployment's (revisions by
/// ReplicaSet uid).
fn revision_of(pod: &Pod, revisions: &SmallMap<&str, u32>) -> Option<u32> {
    let owner = pod.metadata.owner_references.iter().find(|o| o.kind == "ReplicaSet")?;
    revisions.get(owner.uid.as_str()).copied()
}

/// Properties of [`PodChip`].
#[derive(Properties, PartialEq)]
struct PodChipProps {
    pod: Shown,
    revision: Option<u32>,
    inspect: Option<InspectHandle>,
    /// The node's first pod: the one Tab stops at (the arrow keys reach the others).
    tab_stop: bool,
}

/// One pod: its name and state, coloured by state and tinted by revision.
#[function_component(PodChip)]
fn pod_chip(props: &PodChipProps) -> Html {
    let Some(pod) = props.pod.0.as_pod() else { return Html::default() };
    let revision = props.revision;
    let status = pod_status(pod);
    let (look, symbol) = state_look(&status, pod.is_ready());
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let class = classes!("pod", look, (ns == "kube-system").then_some("system"));
    let rev_text = revision.map(|r| format!(", revision {r}")).unwrap_or_default();
    let title = format!("{ns}/{}: {status}{rev_text} (click for details)", pod.metadata.name);
    let style = revision.map(|r| format!("--rev: {}", REVISION_COLOURS[(r.saturating_sub(1) as usize) % REVISION_COLOURS.len()]));
    let (onclick, onkeydown) = opener(props.inspect.as_ref(), Target { kind: Kind::Pod, namespace: ns.clone(), name: pod.metadata.name.clone() });
    html! {
        <li class={class} title={title} tabindex={if props.tab_stop { "0" } else { "-1" }} role="button" {onclick} {onkeydown} {style}
            data-testid="pod"
            data-name={pod.metadata.name.clone()}
            data-namespace={ns}
            data-phase={pod.phase().to_string()}
            data-ready={pod.is_ready().to_string()}
            data-revision={revision.map(|r| r.to_string())}>
            <span class="pod-name">{ name_html(shown_name(pod)) }</span>
            <span class="pod-status">
                if !symbol.is_empty() { <span class="pod-icon" aria-hidden="true">{ symbol }</span> }
                <span class="pod-state">{ status }</span>
            </span>
        </li>
    }
}

/// The name a chip shows: a static pod's (`kube-apiserver-control-plane`) without its node's
/// name, which the card it sits on already shows; the whole name is in its title.
fn shown_name(pod: &Pod) -> &str {
    let node = pod.spec.node_name.as_deref().unwrap_or_default();
    let is_static = pod.metadata.namespace.as_deref() == Some("kube-system") && !node.is_empty();
    is_static.then(|| pod.metadata.name.strip_suffix(node)?.strip_suffix('-').filter(|s| !s.is_empty())).flatten().unwrap_or(&pod.metadata.name)
}

/// The three parts of a Deployment's pod name (`web-6dcd8f997f-xzqd6`): the Deployment's
/// name with its hyphen, the ReplicaSet's template hash with its hyphen, and the pod's own
/// five characters; None for another name. (By its shape: a hash of 6 to 10 and an ending of
/// 5 lowercase letters or digits, as the ReplicaSet controller makes them.)
fn replica_name_parts(name: &str) -> Option<(&str, &str, &str)> {
    let (rest, own) = name.rsplit_once('-')?;
    let (deployment, hash) = rest.rsplit_once('-')?;
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if deployment.is_empty() || own.len() != 5 || !(6..=10).contains(&hash.len()) || !plain(own) || !plain(hash) {
        return None;
    }
    let split = deployment.len() + 1;
    Some((&name[..split], &name[split..split + hash.len() + 1], own))
}

/// A pod's name as chips and endpoints show it: whole, the template hash of a Deployment's pod
/// in a span of its own (class `pod-hash`) that a crowded map shortens to an ellipsis.
pub fn name_html(name: &str) -> Html {
    match replica_name_parts(name) {
        Some((deployment, hash, own)) => html! { <>{ deployment }<span class="pod-hash">{ hash }</span>{ own }</> },
        None => html! { { name } },
    }
}

/// Properties of [`PodChips`].
#[derive(Properties, PartialEq)]
struct PodChipsProps {
    pods: Vec<PodRow>,
    inspect: Option<InspectHandle>,
    /// What a screen reader calls the group ("Pods on node-1").
    label: AttrValue,
}

/// A list of pod chips, keyed by pod so a pod coming or going redraws only its own chip.
#[function_component(PodChips)]
fn pod_chips(props: &PodChipsProps) -> Html {
    html! {
        // A group of buttons, not a list: its items are pods to open, and a list may hold only items.
        <ul class="pods" role="group" aria-label={props.label.clone()} onkeydown={Callback::from(|e: KeyboardEvent| super::map_keys::on_key(&e))}>
            { for props.pods.iter().enumerate().map(|(i, (pod, revision))| {
                let key = pod.0.meta().uid.as_deref().map_or_else(|| format!("{}/{}", pod.0.namespace(), pod.0.name()), str::to_string);
                html! { <PodChip {key} pod={pod.clone()} revision={*revision} inspect={props.inspect.clone()} tab_stop={i == 0} /> }
            }) }
        </ul>
    }
}

/// A taint as the map shows it: short, with the whole taint on hover.
fn taint_chip(t: &kubeplay_sim::api::Taint) -> Html {
    let short = match t.key.as_str() {
        "node.kubernetes.io/unschedulable" => "cordoned".to_string(),
        "node.kubernetes.io/not-ready" => "not-ready".to_string(),
        "node.kubernetes.io/unreachable" => "unreachable".to_string(),
        "node-role.kubernetes.io/control-plane" => "control-plane".to_string(),
        k => k.rsplit('/').next().unwrap_or(k).to_string(),
    };
    let value = t.value.as_deref().map(|v| format!("={v}")).unwrap_or_default();
    let effect = t.effect.clone();
    html! { <li class={classes!("taint", effect.clone())} data-testid="taint" title={format!("taint {}{value}:{effect}", t.key)}>{ format!("{short}:{effect}") }</li> }
}

/// A row of a node card's capacity: its label ("requested" after cpu and memory, which a
/// compact card shows in the tooltip only), its bar and its figures; its tooltip starts with
/// the figures, which the narrowest compact card leaves out.
fn capacity_row(label: &'static str, title: String, width: String, figures: String) -> Html {
    let title = format!("{label}: {figures}. {title}");
    html! {
        <div {title}>
            <dt>{ label }if label != "pods" { <span class="requested">{" requested"}</span> }</dt>
            <dd><div class="bar"><div style={width}></div></div><span>{ figures }</span></dd>
        </div>
    }
}

/// Properties of [`NodeCard`].
#[derive(Properties, PartialEq)]
struct NodeCardProps {
    node: Shown,
    pods: Vec<PodRow>,
    fault: Callback<(String, bool)>,
    inspect: Option<InspectHandle>,
}

/// One node: its role and readiness, taints, capacity bars and pods.
#[function_component(NodeCard)]
fn node_card(props: &NodeCardProps) -> Html {
    let Some(node) = props.node.0.as_node() else { return Html::default() };
    let pods = props.pods.iter().filter_map(|(p, _)| p.0.as_pod());
    // What the pods request (and the scheduler counts), not what they use.
    let cpu_requested: i64 = pods.clone().map(|p| p.request_milli("cpu")).sum();
    let mem_requested: i64 = pods.map(|p| p.request_milli("memory")).sum();
    let (cpu, mem, max_pods) = (node.allocatable_milli("cpu"), node.allocatable_milli("memory"), node.allocatable_milli("pods") / 1000);
    let ready = node.is_ready();
    let role = if node.metadata.labels.contains_key("node-role.kubernetes.io/control-plane") { "control-plane" } else { "worker" };
    let gib = |milli: i64| format!("{:.1}", milli as f64 / 1000.0 / (1u64 << 30) as f64);
    let (open_node, _) = opener(props.inspect.as_ref(), Target { kind: Kind::Node, namespace: String::new(), name: node.metadata.name.clone() });
    let fault = props.fault.clone();
    html! {
        <section class={classes!("node", (!ready).then_some("not-ready"))} data-testid="node" data-name={node.metadata.name.clone()} data-role={role}>
            <header>
                <h3><button class="link" data-testid="inspect-node" onclick={open_node} title="Details of this node">{ &node.metadata.name }</button></h3>
                <span class={classes!("badge", role)}>{ role }</span>
                <span class={classes!("badge", if ready { "ok" } else { "bad" })}>{ if ready { "Ready" } else { "NotReady" } }</span>
                if role == "worker" {
                    // A fault to watch the cluster heal: the node stops (its lease is not renewed)
                    // or comes back.
                    <button class="ghost power" data-testid={if ready { "fail-node" } else { "recover-node" }}
                        title={if ready { "Switch this node off: after 40 s it is NotReady, after 5 min its pods move" } else { "Switch this node back on" }}
                        onclick={let name = node.metadata.name.clone(); move |_: MouseEvent| fault.emit((name.clone(), ready))}>
                        { if ready { "Switch off" } else { "Switch on" } }
                    </button>
                }
            </header>
            if !node.spec.taints.is_empty() {
                <ul class="taints" aria-label="Taints">{ for node.spec.taints.iter().map(taint_chip) }</ul>
            }
            <dl class="capacity" data-testid="node-capacity">
                { capacity_row("cpu", requested_title("CPU"), percent(cpu_requested, cpu), format!("{}m / {}m", cpu_requested, cpu)) }
                { capacity_row("memory", requested_title("memory"), percent(mem_requested, mem), format!("{} / {} GiB", gib(mem_requested), gib(mem))) }
                { capacity_row("pods", "Pods on this node, out of the most it takes (allocatable pods)".into(), percent(props.pods.len() as i64, max_pods), format!("{} / {}", props.pods.len(), max_pods)) }
            </dl>
            <PodChips pods={props.pods.clone()} inspect={props.inspect.clone()} label={format!("Pods on {}", node.metadata.name)} />
        </section>
    }
}

/// Nodes and their pods, read through the cluster interface and kept live by watches.
/// Only the cards and chips whose objects changed are drawn again.
#[function_component(NodeList)]
pub fn node_list() -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let fault = use_callback(client, |(name, fail): (String, bool), client| {
        // The console's own fault command, so a share link replays it too.
        let line = format!("fault {} {name}", if fail { "fail-node" } else { "recover-node" });
        let mut sub = client.0.run(&line);
        wasm_bindgen_futures::spawn_local(async move { while sub.recv().await.is_some() {} });
    });
    let inspect = use_context::<InspectHandle>();
    let nodes = use_objects(Kind::Node);
    let pods = use_objects(Kind::Pod);
    let replica_sets = use_objects(Kind::ReplicaSet);
    let revisions: SmallMap<&str, u32> = SmallMap::from_iter(replica_sets.objects.values().filter_map(|o| {
        let m = o.meta();
        Some((m.uid.as_deref()?, m.annotations.get("deployment.kubernetes.io/revision")?.parse().ok()?))
    }));
    use std::hash::{Hash, Hasher};
    // Pods grouped by the node they run on ("" for those waiting for one), in name order;
    // and a hash of anything that moves chips around: pods, where they run, their state, the nodes.
    let mut by_node: SmallMap<&str, Vec<PodRow>> = SmallMap::new();
    let mut layout = std::collections::hash_map::DefaultHasher::new();
    for o in pods.objects.values() {
        let Some(p) = o.as_pod() else { continue };
        (&p.metadata.name, &p.spec.node_name, p.is_ready(), p.metadata.deletion_timestamp.is_some()).hash(&mut layout);
        by_node.entry(p.spec.node_name.as_deref().unwrap_or("")).or_default().push((Shown(o.clone()), revision_of(p, &revisions)));
    }
    nodes.objects.len().hash(&mut layout);
    let layout = layout.finish();
    let unscheduled = by_node.remove("").unwrap_or_default();
    html! {
        <div class="cluster-map" data-testid="cluster-map">
            <super::ServiceList />
            // The waiting pods' box is the first card of the nodes' grid (not a band across
            // the map), so the lines from the Services run down the grid's gaps beside it.
            <div class="nodes">
            if !unscheduled.is_empty() {
                <section class="unscheduled">
                    <header><h3>{"Waiting for a node"}</h3></header>
                    <PodChips pods={unscheduled} inspect={inspect.clone()} label="Pods waiting for a node" />
                </section>
            }
            { for nodes.objects.values().filter(|o| o.as_node().is_some()).map(|o| {
                let pods = by_node.remove(o.name()).unwrap_or_default();
                html! { <NodeCard key={o.name().to_string()} node={Shown(o.clone())} {pods} fault={fault.clone()} inspect={inspect.clone()} /> }
            }) }
            </div>
            <super::ServiceLinks {layout} />
        </div>
    }
}
