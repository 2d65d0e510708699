//! The events stream: what each component did, newest first (the scheduler assigning a pod,
//! the deployment controller scaling a ReplicaSet, a kubelet pulling an image), with a
//! filter for warnings and one for a word, so the architecture comes alive while it runs.

use crate::hooks::use_objects;
use kubeplay_sim::api::{Event, Kind};
use kubeplay_sim::clock::Time;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// How many events the list shows at most.
const SHOWN: usize = 200;

/// Who acted, as the control-plane strip names it (`kubelet on node-2`).
pub fn actor(e: &Event) -> String {
    let component = if e.source.component.is_empty() { &*e.reporting_component } else { &*e.source.component };
    match (component, e.source.host.as_str()) {
        (c, "") => c.to_string(),
        (c, host) => format!("{c} on {host}"),
    }
}

/// The object an event is about, as its row shows it: `pod/web-1`, `replicaset/web-7d9`.
fn shown_object(e: &Event) -> String {
    format!("{}/{}", e.involved_object.kind.to_lowercase(), e.involved_object.name)
}

/// Properties: the virtual time, for the ages.
#[derive(Properties, PartialEq)]
pub struct EventListProps {
    /// The cluster's current time.
    pub now: Time,
}

/// The events panel.
#[function_component(EventList)]
pub fn event_list(props: &EventListProps) -> Html {
    let events = use_objects(Kind::Event);
    let warnings_only = use_state(|| false);
    let word = use_state(String::new);
    let mut shown: Vec<&Event> = events.objects.values().filter_map(|o| o.as_event()).collect();
    shown.retain(|e| !*warnings_only || e.type_ == "Warning");
    let needle = word.to_lowercase();
    if !needle.is_empty() {
        // The words as the rows show them: the object as `pod/web-1`, so a name copied from a row finds it.
        shown.retain(|e| format!("{} {} {} {}", e.reason, e.message, shown_object(e), actor(e)).to_lowercase().contains(&needle));
    }
    kubeplay_sim::sorting::sort_by_key(&mut shown, |e| std::cmp::Reverse((e.last_timestamp, e.metadata.resource_version.as_deref().and_then(|v| v.parse::<u64>().ok()))));
    let total = shown.len();
    shown.truncate(SHOWN);
    let toggle = {
        let warnings_only = warnings_only.clone();
        Callback::from(move |_: Event2| warnings_only.set(!*warnings_only))
    };
    let filter = {
        let word = word.clone();
        Callback::from(move |e: InputEvent| word.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let now = props.now;
    html! {
        <div class="events" data-testid="events">
            <div class="events-filters">
                <label><input type="checkbox" data-testid="events-warnings" checked={*warnings_only} onchange={toggle} />{" warnings only"}</label>
                <input type="search" data-testid="events-filter" placeholder="filter: a pod, a reason, kubelet…" value={(*word).clone()} oninput={filter} aria-label="Filter events" />
                <span class="muted">{ crate::counted(total as u64, "event", "events") }</span>
            </div>
            <ul class="event-rows">
                { for shown.iter().map(|e| {
                    let age = e.last_timestamp.map(|t| kubeplay_sim::clock::human_duration(now - t)).unwrap_or_default();
                    html! {
                        <li class={classes!("event", (e.type_ == "Warning").then_some("warning"))} data-testid="event" data-reason={e.reason.to_string()}>
                            <span class="age">{ age }</span>
                            <div class="what">
                                <span class="reason">{ e.reason.to_string() }</span>
                                <span class="object">{ shown_object(e) }</span>
                            </div>
                            <div class="how">
                                <span class="actor">{ actor(e) }</span>{": "}
                                <span class="message">{ &e.message }{ if e.count > 1 { format!(" (x{})", e.count) } else { String::new() } }</span>
                            </div>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}

type Event2 = yew::events::Event;
