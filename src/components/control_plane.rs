//! The control-plane strip: one chip per component (the scheduler, each controller, the
//! kubelet of each node) that lights up when it has just acted, with what it did last, so
//! the architecture slide comes alive: apply a Deployment and watch the deployment
//! controller, then the ReplicaSet controller, the scheduler and a kubelet take turns.

use crate::hooks::use_objects;
use kubeplay_sim::api::{Event, Kind};
use kubeplay_sim::clock::{human_duration, Time};
use kubeplay_sim::small_map::SmallMap;
use yew::prelude::*;

/// The components in the order a request travels, with the label the strip shows.
const COMPONENTS: [(&str, &str); 7] = [
    ("deployment-controller", "deployment controller"),
    ("replicaset-controller", "replicaset controller"),
    ("daemonset-controller", "daemonset controller"),
    ("job-controller", "job controller"),
    ("horizontal-pod-autoscaler", "autoscaler"),
    ("default-scheduler", "scheduler"),
    ("node-controller", "node controller"),
];

/// Milliseconds an action keeps its chip lit, then dimmed.
const LIT_MS: i64 = 10_000;
const DIM_MS: i64 = 60_000;

/// Who reported an event: the component, and the node for a kubelet.
fn actor(e: &Event) -> String {
    let component = if e.source.component.is_empty() { &e.reporting_component } else { &e.source.component };
    if component == "kubelet" { format!("kubelet/{}", e.source.host) } else { component.to_string() }
}

/// How the strip names an actor (its chip's label, which the last-action line uses too):
/// `deployment controller`, `scheduler`, `kubelet node-2`; a component the strip has no
/// chip for is named by its words (`endpoint-controller` is `endpoint controller`).
pub fn label(actor: &str) -> String {
    if let Some(node) = actor.strip_prefix("kubelet/") {
        return format!("kubelet {node}");
    }
    COMPONENTS.iter().find(|(key, _)| *key == actor).map_or_else(|| actor.replace('-', " "), |(_, label)| label.to_string())
}

/// Properties of [`ControlPlaneStrip`].
#[derive(Properties, PartialEq)]
pub struct ControlPlaneProps {
    /// Virtual time, to fade chips as actions age.
    pub now: Time,
}

/// The strip of components over the cluster map.
/// The strip's line for the newest event: who acted, then what it did. The reason is left
/// out when the message already starts with it ("Created container nginx").
fn last_action(actor: &str, e: &Event) -> String {
    if e.message.starts_with(&*e.reason) {
        format!("{actor}: {}", e.message)
    } else {
        format!("{actor}: {} \u{2014} {}", e.reason, e.message)
    }
}

#[function_component(ControlPlaneStrip)]
pub fn control_plane_strip(props: &ControlPlaneProps) -> Html {
    let events = use_objects(Kind::Event);
    let nodes = use_objects(Kind::Node);
    // The newest event of each actor.
    let mut last: SmallMap<String, &Event> = SmallMap::new();
    for e in events.objects.values().filter_map(|o| o.as_event()) {
        let key = actor(e);
        if last.get(&key).is_none_or(|old| old.last_timestamp < e.last_timestamp) {
            last.insert(key, e);
        }
    }
    let now = props.now;
    let chip = |key: String, label: String| {
        let latest = last.get(&key).copied();
        let age = latest.and_then(|e| e.last_timestamp).map(|t| now.0 - t.0);
        let state = match age {
            Some(a) if a <= LIT_MS => "lit",
            Some(a) if a <= DIM_MS => "dim",
            _ => "idle",
        };
        let title = latest.map_or_else(|| format!("{label}: nothing yet"), |e| format!("{label}, {} ago: {} {}", human_duration(kubeplay_sim::clock::Duration(age.unwrap_or(0).max(0))), e.reason, e.message));
        html! { <li class={classes!("component", state)} data-testid="component" data-name={key.clone()} data-state={state} {title}>{ label }</li> }
    };
    let newest = last.values().copied().filter(|e| e.last_timestamp.is_some_and(|t| now.0 - t.0 <= DIM_MS)).max_by_key(|e| e.last_timestamp);
    html! {
        <div class="control-plane-strip" aria-label="Which component acted">
            <ul>
                { for COMPONENTS.iter().map(|(key, _)| chip(key.to_string(), label(key))) }
                { for nodes.objects.values().map(|n| { let key = format!("kubelet/{}", n.name()); let shown = label(&key); chip(key, shown) }) }
            </ul>
            <p class="last-action" data-testid="last-action">{ match newest {
                Some(e) => last_action(&label(&actor(e)), e),
                None => "Quiet: no component acted in the last minute.".to_string(),
            } }</p>
        </div>
    }
}
