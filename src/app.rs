//! The page layout and the loop that turns wall time into virtual time.

use crate::components::{Console, Editor, LessonPanel, NodeList, TimeControls};
use crate::lessons::{url_param, ConsoleLog};
use crate::ClusterHandle;
use gloo::timers::callback::Interval;
use kubeplay_sim::clock::{Duration, Time};
use yew::prelude::*;

/// Wall-clock milliseconds between virtual-time steps while playing.
const TICK_MS: u32 = 100;

/// Properties of [`App`]: the cluster to show (the in-page simulator by default).
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The cluster behind the page.
    pub cluster: ClusterHandle,
}

/// The left column's top panel.
#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Lesson,
    Editor,
}

/// The playground page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let client = props.cluster.clone();
    let now = use_state(|| Time(0));
    let playing = use_state(|| true);
    let speed = use_state(|| 1u32);
    let workers = use_state(|| 3u32);
    let log = use_memo((), |_| ConsoleLog::default());
    // The left column's top panel: the lessons (first when a lesson is named in the URL) or the editor.
    let tab = use_state(|| if url_param("lesson").is_some() || url_param("lessonUrl").is_some() { Tab::Lesson } else { Tab::Editor });

    {
        let (client, now) = (client.clone(), now.clone());
        use_effect_with(client.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(t) = client.0.now().await {
                    now.set(t);
                }
            });
        });
    }
    {
        let (client, now) = (client.clone(), now.clone());
        use_effect_with((*playing, *speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                Interval::new(TICK_MS, move || {
                    let (client, now) = (client.clone(), now.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(t) = client.0.advance(Duration::millis(i64::from(TICK_MS) * i64::from(speed))).await {
                            now.set(t);
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }
    let on_toggle = {
        let playing = playing.clone();
        Callback::from(move |()| playing.set(!*playing))
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |s| speed.set(s))
    };
    let on_step = {
        let (client, now) = (client.clone(), now.clone());
        Callback::from(move |()| {
            let (client, now) = (client.clone(), now.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(t) = client.0.step().await {
                    now.set(t);
                }
            });
        })
    };
    let select = |t: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(t))
    };
    let change_workers = |delta: i32| {
        let (client, workers) = (client.clone(), workers.clone());
        Callback::from(move |_: MouseEvent| {
            let n = (*workers as i32 + delta).clamp(1, 12) as u32;
            let (client, workers) = (client.clone(), workers.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if client.0.set_workers(n).await.is_ok() {
                    workers.set(n);
                }
            });
        })
    };
    html! {
        <ContextProvider<ClusterHandle> context={client.clone()}>
        <ContextProvider<ConsoleLog> context={(*log).clone()}>
            <div class="app">
                <header class="topbar">
                    <div class="brand"><span class="logo">{"⎈"}</span>{"kubeplay"}</div>
                    <TimeControls now={*now} playing={*playing} speed={*speed} {on_toggle} {on_speed} {on_step} />
                </header>
                <main class="workspace">
                    <div class="left-column">
                        <section class="panel tabbed">
                            <nav class="tabs" role="tablist">
                                <button role="tab" data-testid="tab-lesson" aria-selected={(*tab == Tab::Lesson).to_string()} onclick={select(Tab::Lesson)}>{"Lessons"}</button>
                                <button role="tab" data-testid="tab-editor" aria-selected={(*tab == Tab::Editor).to_string()} onclick={select(Tab::Editor)}>{"Editor"}</button>
                            </nav>
                            // Both stay mounted so the editor keeps its text and the lesson its state.
                            <div class="tab-body" hidden={*tab != Tab::Lesson}><LessonPanel now={*now} /></div>
                            <div class="tab-body" hidden={*tab != Tab::Editor}><Editor /></div>
                        </section>
                        <Console />
                    </div>
                    <section class="cluster panel">
                        <header class="panel-head">
                            <h2>{"Cluster"}</h2>
                            <div class="actions workers">
                                <span>{ format!("{} workers", *workers) }</span>
                                <button class="ghost" data-testid="remove-node" onclick={change_workers(-1)} aria-label="Remove a worker node">{"−"}</button>
                                <button class="ghost" data-testid="add-node" onclick={change_workers(1)} aria-label="Add a worker node">{"+"}</button>
                            </div>
                        </header>
                        <NodeList />
                    </section>
                </main>
            </div>
        </ContextProvider<ConsoleLog>>
        </ContextProvider<ClusterHandle>>
    }
}
