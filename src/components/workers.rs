//! The cluster panel's worker nodes: how many there are and a button to add or remove one.
//! The count is the worker nodes the cluster has (a node deleted with kubectl is not
//! counted), so it always matches the map.

use crate::hooks::use_objects;
use crate::ClusterHandle;
use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::interface::ObjectList;
use yew::prelude::*;

/// The most workers the buttons make (the console's `fault` and kubectl can go further).
pub const MAX_WORKERS: u32 = 12;

/// How many of `nodes` are workers (not the control plane).
fn worker_count<'a>(nodes: impl Iterator<Item = &'a Object>) -> u32 {
    nodes.filter(|n| n.kind() == Kind::Node && !n.meta().labels.contains_key("node-role.kubernetes.io/control-plane")).count() as u32
}

/// The worker count and its − and + buttons.
#[function_component(Workers)]
pub fn workers() -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let nodes = use_objects(Kind::Node);
    let count = worker_count(nodes.objects.values().map(|o| o.as_ref()));
    // One worker more or fewer than the cluster has at the click (read at once when the
    // cluster is in the page, so quick clicks each count), within 1..=MAX_WORKERS.
    // The button pressed last (−1 or +1): when it becomes disabled (at one worker, or at
    // the most) with the focus on it, the focus goes to the other one instead of the page.
    let pressed = use_mut_ref(|| 0i32);
    let (remove, add) = (use_node_ref(), use_node_ref());
    {
        let (pressed, remove, add) = (pressed.clone(), remove.clone(), add.clone());
        use_effect_with(count, move |&count| {
            let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
            let lost = |button: &NodeRef, delta: i32| {
                let el = button.cast::<web_sys::Element>();
                // Chromium moves the focus of a button that becomes disabled to the body.
                el.is_some() && (active == el || (*pressed.borrow() == delta && active.as_ref().is_none_or(|a| a.tag_name() == "BODY")))
            };
            let to = if count <= 1 && lost(&remove, -1) {
                Some(&add)
            } else if count >= MAX_WORKERS && lost(&add, 1) {
                Some(&remove)
            } else {
                None
            };
            if let Some(button) = to.and_then(|b| b.cast::<web_sys::HtmlElement>()) {
                let _ = button.focus();
            }
            // A later change (kubectl delete node) is not the press's.
            *pressed.borrow_mut() = 0;
        });
    }
    let change = |delta: i32| {
        let (client, pressed) = (client.clone(), pressed.clone());
        Callback::from(move |_: MouseEvent| {
            *pressed.borrow_mut() = delta;
            let now = client.0.list_now(Kind::Node).map_or(count, |list: ObjectList| worker_count(list.items.iter()));
            let n = (now as i32 + delta).clamp(1, MAX_WORKERS as i32) as u32;
            if n != now {
                let client = client.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = client.0.set_workers(n).await;
                });
            }
        })
    };
    html! {
        <>
            <span data-testid="worker-count">{ if count == 1 { "1 worker".to_string() } else { format!("{count} workers") } }</span>
            <button class="ghost" data-testid="remove-node" ref={remove} disabled={count <= 1} onclick={change(-1)} aria-label="Remove a worker node">{"−"}</button>
            <button class="ghost" data-testid="add-node" ref={add} disabled={count >= MAX_WORKERS} onclick={change(1)} aria-label="Add a worker node">{"+"}</button>
        </>
    }
}
