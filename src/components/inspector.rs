//! The inspector: click a pod, node or Service on the map to see what kubectl would tell
//! about it (describe with its events, the YAML), the chain of owners (Deployment ->
//! ReplicaSet -> Pod, each a link), and for a pod how the scheduler chose its node.

use crate::lessons::ConsoleLog;
use crate::ClusterHandle;
use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Time;
use kubeplay_sim::inspect::Inspection;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// An object the inspector can show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its kind.
    pub kind: Kind,
    /// Its namespace ("" for nodes).
    pub namespace: String,
    /// Its name.
    pub name: String,
}

/// What views call to open the inspector on an object (provided by the app).
#[derive(Clone, PartialEq)]
pub struct InspectHandle(pub Callback<Target>);

/// Click and Enter/Space handlers that open the inspector on `target` (for chips and
/// cards that are not buttons, so they stay keyboard-reachable).
pub fn opener(handle: Option<&InspectHandle>, target: Target) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let Some(handle) = handle.cloned() else { return (Callback::noop(), Callback::noop()) };
    let (h2, t2) = (handle.clone(), target.clone());
    let click = Callback::from(move |e: MouseEvent| {
        e.stop_propagation();
        handle.0.emit(target.clone());
    });
    let key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            h2.0.emit(t2.clone());
        }
    });
    (click, key)
}

/// The inspector's tabs.
#[derive(Clone, Copy, PartialEq)]
enum View {
    Details,
    Yaml,
    Scheduling,
    Probes,
}

/// Properties of [`Inspector`].
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The object shown.
    pub target: Target,
    /// Virtual time (the view refreshes as it moves).
    pub now: Time,
    /// Opens another object (an owner).
    pub on_select: Callback<Target>,
    /// Closes the inspector.
    pub on_close: Callback<()>,
}

/// The scheduler's reasoning for a pod, one row per node.
fn scheduling(i: &Inspection) -> Html {
    let Some(ex) = &i.scheduling else {
        return html! { <p class="muted">{"The scheduler has not looked at this pod (a DaemonSet pod, or one bound by name)."}</p> };
    };
    let mut nodes: Vec<&String> = ex.rejected.keys().chain(ex.scores.keys()).collect();
    kubeplay_sim::sorting::sort(&mut nodes);
    nodes.dedup();
    html! {
        <div class="scheduling" data-testid="inspector-scheduling">
            <p>{ match &ex.chosen {
                Some(n) => format!("Bound to {n}: it passed every filter and scored highest."),
                None => ex.failure_message(i.nodes),
            } }</p>
            if ex.scored > 0 && ex.scored < ex.scores.len().max(1) {
                <p class="muted">{ if ex.scored == 1 { "1 feasible node was scored.".to_string() } else { format!("{} feasible nodes were scored.", ex.scored) } }</p>
            }
            <table>
                <thead><tr><th>{"Node"}</th><th>{"Filters"}</th><th>{"Score"}</th></tr></thead>
                <tbody>{ for nodes.into_iter().map(|n| {
                    let chosen = ex.chosen.as_ref() == Some(n);
                    html! {
                        <tr class={classes!(chosen.then_some("chosen"))}>
                            <td>{ n }</td>
                            <td>{ ex.rejected.get(n).cloned().unwrap_or_else(|| "passed".into()) }</td>
                            <td>{ ex.scores.get(n).map(|s| s.to_string()).unwrap_or_default() }</td>
                        </tr>
                    }
                }) }</tbody>
            </table>
        </div>
    }
}

/// A pod's probes, each with its last runs as marks (pass or fail, the time and output on
/// hover) and where the kubelet's count stands against the thresholds.
fn probes(i: &Inspection, now: kubeplay_sim::clock::Time) -> Html {
    let rows = i.probes.iter().map(|(spec, h)| {
        let state = match h.passing {
            Some(true) => format!("passing ({} in a row)", h.successes),
            Some(false) => format!("failing ({} in a row)", h.failures),
            None if h.runs.is_empty() => "not run yet".to_string(),
            None => "not decided yet".to_string(),
        };
        let marks = h.runs.iter().map(|r| {
            let ago = kubeplay_sim::clock::human_duration(now - r.at);
            let title = if r.ok { format!("passed {ago} ago") } else { format!("failed {ago} ago: {}", r.output) };
            html! { <span class={classes!("run", if r.ok { "ok" } else { "bad" })} {title} data-ok={r.ok.to_string()}>{ if r.ok { "✓" } else { "✗" } }</span> }
        });
        html! {
            <li data-testid="probe" data-probe={h.probe.clone()} data-container={h.container.clone()}>
                <div class="probe-head"><strong>{ format!("{} · {}", h.container, h.probe) }</strong><span class={classes!("state", h.passing.map(|p| if p { "ok" } else { "bad" }))}>{ state }</span></div>
                <code>{ spec }</code>
                <div class="runs" aria-label="Last runs, oldest first">{ for marks }</div>
            </li>
        }
    });
    html! {
        <div class="probes" data-testid="inspector-probes">
            <ul>{ for rows }</ul>
        </div>
    }
}

/// The faults and fixes a trainer reaches for, as the kubectl commands behind them:
/// (label, test id, command line, tooltip). An empty command line is a button shown off,
/// its tooltip saying why.
fn actions(i: &Inspection) -> Vec<(&'static str, &'static str, String, &'static str)> {
    let ns = &i.namespace;
    let name = &i.name;
    match &i.object {
        Object::Pod(p) if p.metadata.deletion_timestamp.is_none() => {
            let mut list = vec![("Delete pod", "action-delete-pod", format!("kubectl delete pod {name} -n {ns}"), "Kill this pod: its ReplicaSet makes a new one")];
            if p.spec.containers.iter().any(|c| c.readiness_probe.is_some()) {
                list.push(("Fail readiness", "action-fail-readiness", format!("fault fail-readiness {name} -n {ns}"), "The app answers its readiness probe with 503: the pod leaves its Services"));
                list.push(("Recover readiness", "action-recover-readiness", format!("fault recover-readiness {name} -n {ns}"), "The app passes its readiness probe again"));
            } else {
                // Shown, but off, so a trainer looking for it learns why it does nothing here.
                list.push(("Fail readiness", "action-fail-readiness", String::new(), "This pod has no readiness probe, so there is no readiness to fail: give its container a readinessProbe (the todo-app's pods have one)"));
            }
            list
        }
        Object::Deployment(d) => {
            let replicas = d.spec.replicas.unwrap_or(1);
            let container = d.spec.template.spec.containers.first();
            let mut list = vec![
                ("Scale +1", "action-scale-up", format!("kubectl scale deployment {name} -n {ns} --replicas={}", replicas + 1), "One more replica"),
                ("Scale −1", "action-scale-down", format!("kubectl scale deployment {name} -n {ns} --replicas={}", (replicas - 1).max(0)), "One replica fewer"),
            ];
            if let Some(c) = container {
                let base = c.image.rsplit_once(':').filter(|(_, tag)| !tag.contains('/')).map_or(c.image.as_str(), |(b, _)| b);
                list.push(("Push a bad image", "action-bad-image", format!("kubectl set image deployment/{name} -n {ns} {}={base}:no-such-tag", c.name), "Roll out an image that cannot be pulled, and watch the rollout stall"));
            }
            list.push(("Roll back", "action-undo", format!("kubectl rollout undo deployment/{name} -n {ns}"), "Go back to the previous revision"));
            list
        }
        Object::Node(n) => {
            let mut list = Vec::new();
            if n.spec.unschedulable {
                list.push(("Uncordon", "action-uncordon", format!("kubectl uncordon {name}"), "Let the scheduler use this node again"));
            } else {
                list.push(("Cordon", "action-cordon", format!("kubectl cordon {name}"), "No new pods here; the running ones stay"));
            }
            list.push(("Drain", "action-drain", format!("kubectl drain {name} --ignore-daemonsets --delete-emptydir-data"), "Cordon, then evict every pod but the DaemonSets'"));
            let cpu = n.status.capacity.get("cpu").map(|q| q.milli_value()).unwrap_or_default();
            for (label, id, cores, memory, tip) in [
                ("Resize: 1 CPU, 2 GiB", "action-resize-small", 1, "2Gi", "A smaller machine: pods that no longer fit stay, new ones may not"),
                ("Resize: 2 CPU, 4 GiB", "action-resize-medium", 2, "4Gi", "The default worker size"),
                ("Resize: 4 CPU, 8 GiB", "action-resize-large", 4, "8Gi", "A bigger machine: pending pods that now fit are scheduled"),
            ] {
                if cpu != cores * 1000 {
                    list.push((label, id, format!("fault resize-node {name} --cpu={cores} --memory={memory}"), tip));
                }
            }
            list
        }
        _ => Vec::new(),
    }
}

/// The inspector panel for one object, refreshed as virtual time moves.
#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let log = use_context::<ConsoleLog>();
    let found = use_state(|| None::<Result<Inspection, String>>);
    // Runs an action in the console (so the command shows), or directly without one.
    let act = {
        let client = client.clone();
        Callback::from(move |line: String| match log.as_ref().and_then(|l| l.execute.borrow().clone()) {
            Some(execute) => execute.emit(line),
            None => {
                let mut sub = client.0.run(&line);
                wasm_bindgen_futures::spawn_local(async move { while sub.recv().await.is_some() {} });
            }
        })
    };
    let view = use_state(|| View::Details);
    {
        let found = found.clone();
        use_effect_with((props.target.clone(), props.now), move |(target, _)| {
            let target = target.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let got = client.0.inspect(target.kind, &target.namespace, &target.name).await;
                found.set(Some(got.map_err(|e| e.message)));
            });
        });
    }
    let t = &props.target;
    // Keyboard use: the inspector takes the focus when it opens (the next Tab is inside it,
    // not on the pods behind it), Escape closes it, and closing gives the focus back to what
    // opened it (the pod, node or Service on the map).
    let aside = use_node_ref();
    let opener = use_mut_ref(|| {
        let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
        active.map(|e| {
            let (name, testid) = (e.get_attribute("data-name"), e.get_attribute("data-testid"));
            (e, name, testid)
        })
    });
    {
        let aside = aside.clone();
        use_effect_with(props.target.clone(), move |_| {
            if let Some(el) = aside.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let close_and_return = {
        let on_close = props.on_close.clone();
        Callback::from(move |()| {
            on_close.emit(());
            if let Some((el, name, testid)) = opener.borrow().as_ref() {
                let back = if el.is_connected() && el.get_attribute("data-name") == *name {
                    Some(el.clone())
                } else {
                    // Drawn anew since (a pod scheduled meanwhile): the same kind of thing
                    // (pod, node, Service) by name, whether or not it is its node's Tab stop.
                    let doc = web_sys::window().and_then(|w| w.document());
                    let kind = testid.as_ref().map(|t| format!("[data-testid=\"{t}\"]")).unwrap_or_default();
                    name.as_ref().and_then(|n| doc?.query_selector(&format!("{kind}[data-name=\"{n}\"][tabindex]")).ok().flatten())
                };
                if let Some(el) = back.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                    let _ = el.focus();
                }
            }
        })
    };
    let close = close_and_return.reform(|_: MouseEvent| ());
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            e.stop_propagation();
            close_and_return.emit(());
        }
    });
    let tab = |v: View, label: &'static str| {
        let view = view.clone();
        let selected = *view == v;
        html! { <button role="tab" aria-selected={selected.to_string()} tabindex={super::tabs::tab_index(selected)} onclick={move |_: MouseEvent| view.set(v)}>{ label }</button> }
    };
    let body = match &*found {
        None => html! { <p class="muted">{"Looking it up..."}</p> },
        // Usually the learner's own doing (a deleted pod, a finished rollout): said plainly, not as an error.
        Some(Err(e)) if !e.contains("not found") => html! { <p class="gone" data-testid="inspector-gone">{ e.clone() }</p> },
        Some(Err(_)) => {
            let replaced = if t.kind == Kind::Pod { " If a ReplicaSet owned it, a new pod has taken its place: pick that one on the map." } else { "" };
            html! { <p class="gone" data-testid="inspector-gone">{ format!("{} {} is no longer in the cluster: it was deleted.{replaced}", t.kind, t.name) }</p> }
        }
        Some(Ok(i)) => {
            // The chain from the top owner down to this object. Each arrow stays on the line of
            // the name it points to: a narrow sheet wraps the chain before an arrow, never after.
            let chain = i.owners.iter().rev().map(|(kind, name)| {
                let target = Target { kind: *kind, namespace: i.namespace.clone(), name: name.clone() };
                let on_select = props.on_select.clone();
                html! { <button class="link" onclick={move |_: MouseEvent| on_select.emit(target.clone())}>{ format!("{kind} {name}") }</button> }
            });
            let mut chain = chain.chain(std::iter::once(html! { <span>{ format!("{} {}", i.kind, i.name) }</span> }));
            let top = chain.next();
            let owners = chain.map(|item| html! { <span class="hop"><span class="arrow">{"→"}</span>{ item }</span> });
            let buttons = actions(i).into_iter().map(|(label, id, line, tip)| {
                let act = act.clone();
                let off = line.is_empty();
                let title = if off { tip.to_string() } else { format!("{tip}: {line}") };
                html! { <button data-testid={id} {title} disabled={off} onclick={move |_: MouseEvent| act.emit(line.clone())}>{ label }</button> }
            });
            html! {
                <>
                    <div class="actions" data-testid="inspector-actions">{ for buttons }</div>
                    if !i.owners.is_empty() {
                        <nav class="owners" data-testid="inspector-owners" aria-label="Owners">{ top }{ for owners }</nav>
                    }
                    <nav class="tabs" role="tablist" onkeydown={super::tabs::on_tablist_key()}>
                        { tab(View::Details, "Details") }
                        { tab(View::Yaml, "YAML") }
                        if i.kind == Kind::Pod { { tab(View::Scheduling, "Scheduling") } }
                        if !i.probes.is_empty() { { tab(View::Probes, "Probes") } }
                    </nav>
                    { match *view {
                        View::Yaml => html! { <pre data-testid="inspector-yaml">{ &i.yaml }</pre> },
                        View::Scheduling if i.kind == Kind::Pod => scheduling(i),
                        View::Probes if !i.probes.is_empty() => probes(i, props.now),
                        _ => html! { <pre data-testid="inspector-describe">{ &i.describe }</pre> },
                    } }
                </>
            }
        }
    };
    html! {
        <aside class="inspector" ref={aside} tabindex="-1" {onkeydown} data-testid="inspector" data-kind={t.kind.name()} data-name={t.name.clone()} aria-label={format!("Inspector: {} {}", t.kind, t.name)}>
            <header>
                <h3><span class="kind">{ t.kind.name() }</span>{ &t.name }</h3>
                if !t.namespace.is_empty() { <span class="badge">{ &t.namespace }</span> }
                <button class="ghost" data-testid="inspector-close" onclick={close} aria-label="Close the inspector">{"×"}</button>
            </header>
            <div class="inspector-body">{ body }</div>
        </aside>
    }
}
