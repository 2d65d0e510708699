//! The cluster at a glance: one card per node with its capacity in use and a
//! chip per pod, plus the pods no node has taken yet.

use super::inspector::{opener, InspectHandle, Target};
use crate::hooks::use_objects;
use crate::ClusterHandle;
use kubeplay_sim::api::{Kind, Node, Pod};
use kubeplay_sim::kubectl::printers::pod_status;
use yew::prelude::*;

/// Fraction of `used` in `total`, as a CSS width.
fn percent(used: i64, total: i64) -> String {
    let p = if total <= 0 { 0.0 } else { (used as f64 * 100.0 / total as f64).clamp(0.0, 100.0) };
    format!("width: {p:.1}%")
}

fn pod_chip(pod: &Pod, inspect: Option<&InspectHandle>) -> Html {
    let status = pod_status(pod);
    let class = match status.as_str() {
        "Running" if pod.is_ready() => "pod ready",
        "Running" => "pod running",
        "Pending" | "ContainerCreating" => "pod pending",
        "Terminating" => "pod terminating",
        "Completed" | "Succeeded" => "pod done",
        _ => "pod failing",
    };
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let class = classes!(class, (ns == "kube-system").then_some("system"));
    let title = format!("{ns}/{}: {status} (click for details)", pod.metadata.name);
    let (onclick, onkeydown) = opener(inspect, Target { kind: Kind::Pod, namespace: ns.clone(), name: pod.metadata.name.clone() });
    html! {
        <li class={class} title={title} tabindex="0" role="button" {onclick} {onkeydown}
            data-testid="pod"
            data-name={pod.metadata.name.clone()}
            data-namespace={ns}
            data-phase={pod.phase().to_string()}
            data-ready={pod.is_ready().to_string()}>
            <span class="pod-name">{ &pod.metadata.name }</span>
            <span class="pod-status">{ status }</span>
        </li>
    }
}

fn node_card(node: &Node, pods: &[&Pod], fault: Callback<(String, bool)>, inspect: Option<&InspectHandle>) -> Html {
    let cpu_used: i64 = pods.iter().map(|p| p.request_milli("cpu")).sum();
    let mem_used: i64 = pods.iter().map(|p| p.request_milli("memory")).sum();
    let (cpu, mem, max_pods) = (node.allocatable_milli("cpu"), node.allocatable_milli("memory"), node.allocatable_milli("pods") / 1000);
    let ready = node.is_ready();
    let role = if node.metadata.labels.contains_key("node-role.kubernetes.io/control-plane") { "control-plane" } else { "worker" };
    let gib = |milli: i64| format!("{:.1}", milli as f64 / 1000.0 / (1u64 << 30) as f64);
    let (open_node, _) = opener(inspect, Target { kind: Kind::Node, namespace: String::new(), name: node.metadata.name.clone() });
    html! {
        <section class={classes!("node", (!ready).then_some("not-ready"))} data-testid="node" data-name={node.metadata.name.clone()}>
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
            <dl class="capacity">
                <dt>{"cpu"}</dt><dd><div class="bar"><div style={percent(cpu_used, cpu)}></div></div><span>{ format!("{}m / {}m", cpu_used, cpu) }</span></dd>
                <dt>{"memory"}</dt><dd><div class="bar"><div style={percent(mem_used, mem)}></div></div><span>{ format!("{} / {} GiB", gib(mem_used), gib(mem)) }</span></dd>
                <dt>{"pods"}</dt><dd><div class="bar"><div style={percent(pods.len() as i64, max_pods)}></div></div><span>{ format!("{} / {}", pods.len(), max_pods) }</span></dd>
            </dl>
            <ul class="pods">{ for pods.iter().map(|p| pod_chip(p, inspect)) }</ul>
        </section>
    }
}

/// Nodes and their pods, read through the cluster interface and kept live by watches.
#[function_component(NodeList)]
pub fn node_list() -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let fault = Callback::from(move |(name, fail): (String, bool)| {
        // The console's own fault command, so a share link replays it too.
        let line = format!("fault {} {name}", if fail { "fail-node" } else { "recover-node" });
        let mut sub = client.0.run(&line);
        wasm_bindgen_futures::spawn_local(async move { while sub.recv().await.is_some() {} });
    });
    let inspect = use_context::<InspectHandle>();
    let inspect = inspect.as_ref();
    let nodes = use_objects(Kind::Node);
    let pods = use_objects(Kind::Pod);
    let all_pods: Vec<&Pod> = pods.objects.values().filter_map(|o| o.as_pod()).collect();
    let unscheduled: Vec<&Pod> = all_pods.iter().copied().filter(|p| p.spec.node_name.is_none()).collect();
    html! {
        <div class="cluster-map" data-testid="cluster-map">
            <super::ServiceList />
            if !unscheduled.is_empty() {
                <section class="unscheduled">
                    <header><h3>{"Waiting for a node"}</h3></header>
                    <ul class="pods">{ for unscheduled.iter().map(|p| pod_chip(p, inspect)) }</ul>
                </section>
            }
            <div class="nodes">
            { for nodes.objects.values().filter_map(|o| o.as_node()).map(|n| {
                let on_node: Vec<&Pod> = all_pods.iter().copied().filter(|p| p.spec.node_name.as_deref() == Some(n.metadata.name.as_str())).collect();
                node_card(n, &on_node, fault.clone(), inspect)
            }) }
            </div>
        </div>
    }
}
