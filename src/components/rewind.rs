//! Going back in time: rewind the cluster by a little or to any moment since it started,
//! and checkpoints the learner saves and returns to (even after rewinding past them).
//! Both replay the action log, so the same pods come back with the same names.

use crate::ClusterHandle;
use kubeplay_sim::clock::Time;
use serde_json::{json, Value};
use yew::prelude::*;

/// Where the checkpoints are kept between visits.
const STORAGE_KEY: &str = "kubeplay.checkpoints.v1";
/// The most checkpoints kept (the oldest goes first).
const MAX_CHECKPOINTS: usize = 12;

/// A saved moment: its virtual time and the action log that leads there.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// The virtual time it was saved at.
    pub time: Time,
    /// The action log up to then (what replaying restores).
    pub log: String,
}

/// The checkpoints kept by earlier visits. A kept record that cannot be read whole keeps
/// the checkpoints that can be, and the page says what was reset.
fn load_checkpoints() -> Vec<Checkpoint> {
    let text = crate::kept::read_text(&crate::storage_key(STORAGE_KEY), "the checkpoints");
    if text.is_empty() {
        return Vec::new();
    }
    let listed: Option<Vec<Value>> = serde_json::from_str(&text).ok();
    let entries = listed.clone().unwrap_or_else(|| crate::kept::whole_objects(&text, "log"));
    let list: Vec<Checkpoint> = entries.iter().filter_map(checkpoint_of).collect();
    if listed.is_none_or(|l| l.len() != list.len()) {
        crate::kept::report_reset(if list.is_empty() { "the checkpoints" } else { "some of the checkpoints" });
    }
    list
}

/// One stored checkpoint, if it has a time and a log.
fn checkpoint_of(c: &Value) -> Option<Checkpoint> {
    Some(Checkpoint { time: Time(c.get("time")?.as_i64()?), log: c.get("log")?.as_str()?.to_string() })
}

fn save_checkpoints(list: &[Checkpoint]) {
    let v: Vec<Value> = list.iter().map(|c| json!({"time": c.time.0, "log": c.log})).collect();
    crate::kept::set_item(&crate::storage_key(STORAGE_KEY), &Value::Array(v).to_string());
}

/// `HH:MM:SS` of a virtual time.
fn clock(t: Time) -> String {
    t.rfc3339().get(11..19).unwrap_or("").to_string()
}

/// Properties of [`Rewind`].
#[derive(Properties, PartialEq)]
pub struct RewindProps {
    /// The cluster's virtual time.
    pub now: Time,
    /// Called with the time reached after going back (the page pauses there).
    pub on_rewound: Callback<Time>,
}

/// The header's Rewind button and its panel.
#[function_component(Rewind)]
pub fn rewind(props: &RewindProps) -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let open = use_state(|| false);
    let start = use_state(|| None::<Time>);
    let target = use_state(|| None::<i64>);
    let checkpoints = use_state(load_checkpoints);
    let error = use_state(|| None::<String>);
    let now = props.now;

    let toggle = {
        let (open, start, target, client) = (open.clone(), start.clone(), target.clone(), client.clone());
        Callback::from(move |_: MouseEvent| {
            if !*open {
                // Where the cluster's history begins (the slider's left end).
                let (start, client) = (start.clone(), client.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(log) = client.0.share().await {
                        start.set(serde_json::from_str::<Value>(&log).ok().and_then(|v| v.get("start")?.as_i64()).map(Time));
                    }
                });
                target.set(None);
            }
            open.set(!*open);
        })
    };
    // Where a jump back landed: the page is told the time, or the panel says what failed.
    let landed = {
        let (on_rewound, error, open) = (props.on_rewound.clone(), error.clone(), open.clone());
        Callback::from(move |result: Result<Time, String>| match result {
            Ok(t) => {
                error.set(None);
                open.set(false);
                on_rewound.emit(t);
            }
            Err(e) => error.set(Some(e)),
        })
    };
    let go_to = {
        let (client, landed) = (client.clone(), landed.clone());
        Callback::from(move |t: Time| {
            let (client, landed) = (client.clone(), landed.clone());
            wasm_bindgen_futures::spawn_local(async move { landed.emit(client.0.rewind(t).await.map_err(|e| e.message)) });
        })
    };
    let restore = {
        let client = client.clone();
        Callback::from(move |c: Checkpoint| {
            let (client, landed) = (client.clone(), landed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let replayed = client.0.replay(&c.log).await.map_err(|e| e.message);
                landed.emit(match replayed {
                    Ok(()) => Ok(client.0.now().await.unwrap_or(c.time)),
                    Err(e) => Err(e),
                });
            });
        })
    };
    let save = {
        let (client, checkpoints) = (client.clone(), checkpoints.clone());
        Callback::from(move |_: MouseEvent| {
            let (client, checkpoints) = (client.clone(), checkpoints.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let (Ok(log), Ok(time)) = (client.0.share().await, client.0.now().await) {
                    let mut list: Vec<Checkpoint> = (*checkpoints).iter().filter(|c| c.time != time).cloned().collect();
                    list.push(Checkpoint { time, log });
                    kubeplay_sim::sorting::sort_by_key(&mut list, |c| c.time);
                    if list.len() > MAX_CHECKPOINTS {
                        list.remove(0);
                    }
                    save_checkpoints(&list);
                    checkpoints.set(list);
                }
            });
        })
    };
    let forget = {
        let checkpoints = checkpoints.clone();
        Callback::from(move |time: Time| {
            let list: Vec<Checkpoint> = (*checkpoints).iter().filter(|c| c.time != time).cloned().collect();
            save_checkpoints(&list);
            checkpoints.set(list);
        })
    };

    let first = start.unwrap_or(now);
    let chosen = Time(target.unwrap_or(now.0).clamp(first.0, now.0));
    let on_slide = {
        let target = target.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<web_sys::HtmlInputElement>().value();
            target.set(v.parse::<f64>().ok().map(|ms| ms as i64));
        })
    };
    let back_to = |to: Time| {
        let go_to = go_to.clone();
        Callback::from(move |_: MouseEvent| go_to.emit(Time(to.0.max(first.0))))
    };
    let (button, onkeydown) = crate::hooks::use_escape_closes(&open);
    html! {
        <div class="rewind" {onkeydown}>
            <button ref={button} data-testid="rewind" aria-expanded={open.to_string()} onclick={toggle} title="Go back to an earlier moment, or save one to come back to">{"⟲ Rewind"}</button>
            if *open {
                <div class="rewind-panel" role="dialog" aria-label="Rewind time">
                    <div class="rewind-row">
                        <button data-testid="back-30s" onclick={back_to(Time(now.0 - 30_000))} disabled={now.0 - first.0 < 1000}>{"−30 s"}</button>
                        <button data-testid="back-5m" onclick={back_to(Time(now.0 - 300_000))} disabled={now.0 - first.0 < 1000}>{"−5 min"}</button>
                        <button data-testid="back-start" onclick={back_to(first)} disabled={now.0 == first.0}>{ format!("to the start ({})", clock(first)) }</button>
                    </div>
                    <label class="rewind-slider">
                        <input type="range" data-testid="rewind-slider" min={first.0.to_string()} max={now.0.to_string()} step="1000" value={chosen.0.to_string()} oninput={on_slide} aria-label="Moment to go back to" />
                        <button class="primary" data-testid="rewind-go" disabled={chosen == now} onclick={{ let go_to = go_to.clone(); move |_: MouseEvent| go_to.emit(chosen) }}>{ format!("Go back to {}", clock(chosen)) }</button>
                    </label>
                    <h4>{"Checkpoints"}</h4>
                    <button data-testid="checkpoint-save" onclick={save}>{ format!("Save this moment ({})", clock(now)) }</button>
                    <ul class="checkpoints">
                        { for checkpoints.iter().rev().map(|c| {
                            let (restore, forget, cp, time) = (restore.clone(), forget.clone(), c.clone(), c.time);
                            html! {
                                <li data-testid="checkpoint" data-time={clock(c.time)}>
                                    <span class="when">{ clock(c.time) }</span>
                                    <button onclick={move |_: MouseEvent| restore.emit(cp.clone())}>{"Return here"}</button>
                                    <button class="ghost" aria-label={format!("Forget the checkpoint at {}", clock(time))} onclick={move |_: MouseEvent| forget.emit(time)}>{"×"}</button>
                                </li>
                            }
                        }) }
                    </ul>
                    if let Some(e) = &*error { <p class="err-text">{ e }</p> }
                    <p class="muted small">{"Going back replays what you did until then: the same pods return with the same names. What came after is forgotten unless a checkpoint keeps it."}</p>
                </div>
            }
        </div>
    }
}
