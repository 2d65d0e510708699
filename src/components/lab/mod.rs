//! The containers lab: each demo as a step with its explanation, its few
//! parameters, a run button, the terminal output of every command it ran and
//! a drawing of the kernel state it made. Runs on the real kernel through
//! `kubeplay serve` when the server allows it, otherwise on the page's model,
//! and always says which.

mod drawing;

use crate::lab_client::{self, LabBackend};
use crate::lessons::ConsoleLog;
use crate::markdown;
use drawing::drawing;
use kubeplay_lab::catalog::{DemoInfo, DEMOS};
use kubeplay_lab::{limit_range, Controller, DemoReport, DemoRequest, DemoStep, LiveEvent};
use kubeplay_sim::small_map::SmallMap;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// One step of the run in progress, as the server streams it.
#[derive(Clone, Default, PartialEq)]
struct LiveStep {
    title: String,
    command: String,
    output: String,
    /// The latest reading of its cgroup: (memory bytes, processes, CPU nanoseconds).
    usage: Option<(u64, u64, u64)>,
}

/// The steps of the run in progress.
#[derive(Clone, Default, PartialEq)]
struct Live(Vec<LiveStep>);

/// What changes the run in progress.
enum LiveAction {
    /// A new run starts.
    Clear,
    /// The server reported progress.
    Event(LiveEvent),
}

impl Reducible for Live {
    type Action = LiveAction;

    fn reduce(self: Rc<Self>, action: LiveAction) -> Rc<Self> {
        let mut steps = self.0.clone();
        match action {
            LiveAction::Clear => steps.clear(),
            LiveAction::Event(LiveEvent::Step { title, command }) => steps.push(LiveStep { title, command, ..LiveStep::default() }),
            LiveAction::Event(LiveEvent::Output { text }) => {
                if let Some(last) = steps.last_mut() {
                    last.output.push_str(&text);
                }
            }
            LiveAction::Event(LiveEvent::Usage { memory_bytes, pids, cpu_ns }) => {
                if let Some(last) = steps.last_mut() {
                    last.usage = Some((memory_bytes, pids, cpu_ns));
                }
            }
            LiveAction::Event(_) => {}
        }
        Rc::new(Live(steps))
    }
}

/// Properties: the demo to open first (`?demo=`).
#[derive(Properties, PartialEq)]
pub struct ContainersLabProps {
    /// A demo id from the catalog.
    #[prop_or_default]
    pub first: Option<String>,
}

/// The lab view.
#[function_component(ContainersLab)]
pub fn containers_lab(props: &ContainersLabProps) -> Html {
    let backend = use_state(|| LabBackend::Probing);
    {
        let backend = backend.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { backend.set(lab_client::detect().await) });
        });
    }
    let start = props.first.as_deref().and_then(|id| DEMOS.iter().position(|d| d.id == id)).unwrap_or(0);
    let selected = use_state(|| start);
    // Each demo's request (its parameters) and last report, kept while the learner moves between demos.
    let requests = use_state(|| DEMOS.iter().map(DemoInfo::default_request).collect::<Vec<_>>());
    let reports = use_state(SmallMap::<usize, Result<DemoReport, String>>::new);
    let running = use_state(|| false);
    let live = use_reducer(Live::default);
    // Runs are recorded as the console's `lab` command, so lesson checks see them.
    let log = use_context::<ConsoleLog>();
    let info = &DEMOS[*selected];
    let request = requests[*selected].clone();

    let set_request = {
        let (requests, selected) = (requests.clone(), *selected);
        Callback::from(move |r: DemoRequest| {
            let mut all = (*requests).clone();
            all[selected] = r;
            requests.set(all);
        })
    };
    let run = {
        let (backend, reports, running, selected, request, log, live) = (backend.clone(), reports.clone(), running.clone(), *selected, request.clone(), log.clone(), live.clone());
        Callback::from(move |_: MouseEvent| {
            if *running || *backend == LabBackend::Probing {
                return;
            }
            running.set(true);
            live.dispatch(LiveAction::Clear);
            let mut cleared = (*reports).clone();
            cleared.remove(&selected);
            reports.set(cleared);
            let (backend, reports, running, request, log) = ((*backend).clone(), reports.clone(), running.clone(), request.clone(), log.clone());
            let on_event = {
                let live = live.dispatcher();
                Callback::from(move |e: LiveEvent| live.dispatch(LiveAction::Event(e)))
            };
            wasm_bindgen_futures::spawn_local(async move {
                let result = match request.validate() {
                    Ok(()) => lab_client::run(&backend, &request, on_event).await,
                    Err(e) => Err(e),
                };
                if let (Some(log), Ok(report)) = (&log, &result) {
                    log.record(kubeplay_lab::console::command(&request), kubeplay_lab::console::transcript(report));
                }
                let mut all = (*reports).clone();
                all.insert(selected, result);
                reports.set(all);
                running.set(false);
            });
        })
    };
    let badge = match &*backend {
        LabBackend::Probing => html! { <span class="lab-badge" data-testid="lab-backend" data-kind="probing">{"Looking for kubeplay serve…"}</span> },
        LabBackend::Real { host, .. } => html! {
            <span class="lab-badge real" data-testid="lab-backend" data-kind="real" title={host.clone()}>{"Real Linux kernel"}<small>{ format!(" · {host}") }</small></span>
        },
        LabBackend::Simulated { reason } => html! {
            <span class="lab-badge simulated" data-testid="lab-backend" data-kind="simulated" title={reason.clone()}>{"Simulated"}<small>{ format!(" · {reason}") }</small></span>
        },
    };
    html! {
        <div class="lab" data-testid="containers-lab">
            <nav class="lab-steps" aria-label="Demos">
                <h2>{"Containers lab"}</h2>
                { badge }
                <ol>
                    { for DEMOS.iter().enumerate().map(|(i, d)| {
                        let selected_state = selected.clone();
                        let done = matches!(reports.get(&i), Some(Ok(_)));
                        html! {
                            <li>
                                <button class={classes!("lab-step-link", (i == *selected).then_some("current"), done.then_some("done"))}
                                    data-testid="lab-demo" data-demo={d.id} aria-current={(i == *selected).then_some("step")}
                                    onclick={move |_: MouseEvent| selected_state.set(i)}>
                                    <span class="lab-step-number">{ if done { "✓".to_string() } else { (i + 1).to_string() } }</span>{ d.title }
                                </button>
                            </li>
                        }
                    }) }
                </ol>
            </nav>
            <section class="lab-demo" data-testid="lab-demo-view" data-demo={info.id}>
                <h2>{ info.title }</h2>
                <div class="markdown" data-testid="lab-explanation">{ markdown::render(info.explanation) }</div>
                { parameters(&request, &set_request) }
                <div class="lab-run-row">
                    <button class="primary" data-testid="lab-run" disabled={*running || *backend == LabBackend::Probing} onclick={run}>
                        { if *running { "Running…" } else { "Run" } }
                    </button>
                    if matches!(&*backend, LabBackend::Simulated { .. }) {
                        <span class="muted">{"Computed by the page's model of a Linux kernel."}</span>
                    }
                </div>
                { match reports.get(&*selected) {
                    Some(Ok(done)) => report(done),
                    Some(Err(e)) => html! { <p class="error" data-testid="lab-error" role="alert">{ e.clone() }</p> },
                    None if *running => html! {
                        <div class="lab-report live" data-testid="lab-live" aria-busy="true">
                            { for live.0.iter().map(|s| html! {
                                <div class="lab-step">
                                    <div class="lab-step-title">{ capitalized(&s.title) }</div>
                                    <pre class="terminal" data-testid="lab-live-output"><span class="prompt">{"$ "}</span>{ s.command.clone() }{"\n"}{ s.output.clone() }<span class="cursor" aria-hidden="true">{"▌"}</span></pre>
                                    if let Some((memory, pids, cpu)) = s.usage {
                                        <div class="lab-exit" data-testid="lab-usage">{ format!("now: memory {} · {} · CPU {:.2} s", drawing::bytes(memory), crate::counted(pids, "process", "processes"), cpu as f64 / 1e9) }</div>
                                    }
                                </div>
                            }) }
                        </div>
                    },
                    None => html! {},
                } }
            </section>
        </div>
    }
}

/// The demo's parameters, as form fields (none for most demos).
fn parameters(request: &DemoRequest, on_change: &Callback<DemoRequest>) -> Html {
    let on_change = on_change.clone();
    match request {
        DemoRequest::Cgroups { controller, limit } => {
            let (lo, hi) = limit_range(*controller);
            let unit = match controller {
                Controller::Memory => "MiB",
                Controller::Cpu => "% of a CPU",
                Controller::Pids => "processes",
            };
            let limit = *limit;
            let pick = {
                let on_change = on_change.clone();
                Callback::from(move |e: Event| {
                    let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                    let controller = match value.as_str() {
                        "cpu" => Controller::Cpu,
                        "pids" => Controller::Pids,
                        _ => Controller::Memory,
                    };
                    let (lo, hi) = limit_range(controller);
                    let default = match controller {
                        Controller::Memory => 32,
                        Controller::Cpu => 20,
                        Controller::Pids => 16,
                    };
                    on_change.emit(DemoRequest::Cgroups { controller, limit: default.clamp(lo, hi) });
                })
            };
            let controller = *controller;
            let slide = Callback::from(move |e: InputEvent| {
                let value = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
                on_change.emit(DemoRequest::Cgroups { controller, limit: value as u64 });
            });
            html! {
                <div class="lab-params">
                    <label>{"Controller "}
                        <select data-testid="lab-controller" onchange={pick}>
                            <option value="memory" selected={controller == Controller::Memory}>{"memory"}</option>
                            <option value="cpu" selected={controller == Controller::Cpu}>{"cpu"}</option>
                            <option value="pids" selected={controller == Controller::Pids}>{"pids"}</option>
                        </select>
                    </label>
                    <label>{"Limit "}
                        <input type="range" data-testid="lab-limit" min={lo.to_string()} max={hi.to_string()} value={limit.to_string()} oninput={slide} />
                        <output data-testid="lab-limit-value">{ format!("{limit} {unit}") }</output>
                    </label>
                </div>
            }
        }
        DemoRequest::Namespaces { hostname } => {
            let edit = Callback::from(move |e: InputEvent| on_change.emit(DemoRequest::Namespaces { hostname: e.target_unchecked_into::<HtmlInputElement>().value() }));
            html! {
                <div class="lab-params">
                    <label>{"Hostname inside "}<input data-testid="lab-hostname" value={hostname.clone()} oninput={edit} maxlength="63" spellcheck="false" /></label>
                </div>
            }
        }
        DemoRequest::Oci { runtime } => {
            let pick = Callback::from(move |e: Event| {
                let value = e.target_unchecked_into::<HtmlSelectElement>().value();
                on_change.emit(DemoRequest::Oci { runtime: (value != "auto").then_some(value) });
            });
            let current = runtime.clone().unwrap_or_else(|| "auto".into());
            html! {
                <div class="lab-params">
                    <label>{"Runtime "}
                        <select data-testid="lab-runtime" onchange={pick}>
                            { for [("auto", "the host's preferred one"), ("crun", "crun"), ("runc", "runc")].iter().map(|(v, label)| html! { <option value={*v} selected={current == *v}>{ *label }</option> }) }
                        </select>
                    </label>
                </div>
            }
        }
        DemoRequest::Shell { command } => {
            let edit = Callback::from(move |e: InputEvent| on_change.emit(DemoRequest::Shell { command: e.target_unchecked_into::<HtmlInputElement>().value() }));
            html! {
                <div class="lab-params">
                    <label class="wide">{"Command "}<input class="mono" data-testid="lab-command" value={command.clone()} oninput={edit} spellcheck="false" /></label>
                </div>
            }
        }
        _ => html! {},
    }
}

/// Every step's terminal and the drawing of what the demo made.
fn report(report: &DemoReport) -> Html {
    html! {
        <div class="lab-report" data-testid="lab-report" data-simulated={report.simulated.to_string()}>
            { drawing(&report.state) }
            { for report.steps.iter().map(step) }
        </div>
    }
}

/// How a run ended, in a few words (`exit 137 · killed by SIGKILL · 25 ms`).
fn ending(step: &DemoStep) -> String {
    let o = &step.outcome;
    let mut parts = vec![format!("exit {}", o.exit_code)];
    if let Some(signal) = o.signal {
        parts.push(format!("killed by {}", if signal == 9 { "SIGKILL".to_string() } else { format!("signal {signal}") }));
    }
    if o.timed_out {
        parts.push("time limit reached".into());
    }
    if o.accounting.oom_kills > 0 {
        parts.push(format!("OOM kills: {}", o.accounting.oom_kills));
    }
    if o.output_dropped > 0 {
        parts.push(format!("{} more bytes of output dropped", o.output_dropped));
    }
    parts.push(format!("{:.1} ms", o.wall_us as f64 / 1000.0));
    parts.join(" · ")
}

/// The title with its first letter in upper case (titles are written as phrases).
fn capitalized(title: &str) -> String {
    let mut chars = title.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn step(step: &DemoStep) -> Html {
    let failed = step.outcome.exit_code != 0;
    html! {
        <div class="lab-step" data-testid="lab-step">
            <div class="lab-step-title">{ capitalized(&step.title) }</div>
            <pre class="terminal" data-testid="lab-output"><span class="prompt">{"$ "}</span>{ step.command.clone() }{"\n"}{ step.outcome.output.clone() }</pre>
            <div class={classes!("lab-exit", failed.then_some("failed"))}>{ ending(step) }</div>
        </div>
    }
}
