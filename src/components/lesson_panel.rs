//! The lesson panel: the course overview, then one lesson step at a time with its
//! explanation, commands to click into the console, checks that tick as the cluster
//! changes, a hint after a while, the solution on request, and "reset this step".

use crate::lessons::{fetch_text, lesson_href, url_param, ConsoleLog, InterfaceView, Progress, COURSE_BASE};
use crate::markdown;
use crate::ClusterHandle;
use gloo::timers::callback::Timeout;
use kubeplay_sim::clock::Time;
use kubeplay_sim::lesson::{parse_course, parse_lesson, Course, Lesson, Outcome};
use std::rc::Rc;
use yew::prelude::*;

/// Properties: the virtual time (checks are looked at again when it moves).
#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// The cluster's current time.
    pub now: Time,
}

/// What the panel shows.
#[derive(Clone, PartialEq)]
enum Loaded {
    /// Fetching.
    Loading,
    /// The course overview.
    Course(Course),
    /// A lesson, open (shared: every render and callback holds it without copying).
    Lesson(Rc<Lesson>),
    /// Something could not be fetched or read.
    Failed(String),
}

/// Opens a lesson: fetches it and its files, puts the files into the console's file system.
async fn open_lesson(client: &ClusterHandle, base: &str, id: &str) -> Result<Lesson, String> {
    let url = format!("{base}/lesson.yaml");
    let text = fetch_text(&url).await?;
    let mut lesson = parse_lesson(&text, &url).map_err(|e| e.to_string())?;
    lesson.id = id.to_string();
    // A translation for `?lang=` (or the browser's language), when the lesson has one.
    let lang = url_param("lang").or_else(|| web_sys::window().and_then(|w| w.navigator().language())).unwrap_or_default();
    let lang: String = lang.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_lowercase();
    if !lang.is_empty() && lang != lesson.language {
        let url = format!("{base}/lesson.{lang}.yaml");
        if let Ok(text) = fetch_text(&url).await {
            if let Ok(t) = kubeplay_sim::lesson::parse_translation(&text, &url, &lesson) {
                lesson.translate(&t);
            }
        }
    }
    for f in &lesson.files {
        let text = fetch_text(&format!("{base}/{f}")).await?;
        let _ = client.0.put_file(&format!("{}/{f}", kubeplay_sim::shell::HOME), &text, true).await;
    }
    Ok(lesson)
}

/// The panel.
#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let log = use_context::<ConsoleLog>().expect("the App provides the console log");
    let loaded = use_state(|| Loaded::Loading);
    let progress = use_state(Progress::default);
    let outcomes = use_state(Vec::<Outcome>::new);
    let show_hint = use_state(|| false);
    let show_solution = use_state(|| false);
    // Bumped when the console finishes a command, so `ran`/`printed` checks are looked at.
    let ran = use_state(|| 0u32);

    // Load the course or the lesson named in the URL.
    {
        let (client, loaded, progress) = (client.clone(), loaded.clone(), progress.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let custom = url_param("lessonUrl");
                let named = url_param("lesson");
                let result = match (custom, named) {
                    (Some(url), _) => {
                        let base = url.trim_end_matches("/lesson.yaml").trim_end_matches('/').to_string();
                        let id = base.rsplit('/').next().unwrap_or("custom").to_string();
                        open_lesson(&client, &base, &id).await.map(|l| Loaded::Lesson(Rc::new(l)))
                    }
                    (None, Some(id)) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => {
                        open_lesson(&client, &format!("{COURSE_BASE}/{id}"), &id).await.map(|l| Loaded::Lesson(Rc::new(l)))
                    }
                    (None, Some(id)) => Err(format!("no lesson is called {id:?}")),
                    (None, None) => {
                        let url = format!("{COURSE_BASE}/index.yaml");
                        match fetch_text(&url).await {
                            Ok(text) => parse_course(&text, &url).map(Loaded::Course).map_err(|e| e.to_string()),
                            Err(e) => Err(e),
                        }
                    }
                };
                match result {
                    Ok(Loaded::Lesson(lesson)) => {
                        let sizes: Vec<usize> = lesson.steps.iter().map(|s| s.checks.len()).collect();
                        let mut p = Progress::load(&lesson.id, &sizes);
                        if let Some(step) = url_param("step").and_then(|s| s.parse::<usize>().ok()) {
                            p.step = step.clamp(1, sizes.len().max(1)) - 1;
                        }
                        progress.set(p);
                        loaded.set(Loaded::Lesson(lesson));
                    }
                    Ok(other) => loaded.set(other),
                    Err(e) => loaded.set(Loaded::Failed(e)),
                }
            });
        });
    }
    // Hear about finished console commands.
    {
        let (log, ran) = (log.clone(), ran.clone());
        use_effect_with((), move |_| {
            let cb = Callback::from(move |()| ran.set(*ran + 1));
            log.listeners.borrow_mut().push(cb);
            move || log.listeners.borrow_mut().clear()
        });
    }
    // Look at the checks whenever time moves, a command finishes or the step changes.
    {
        let (client, log, progress, outcomes, loaded) = (client.clone(), log.clone(), progress.clone(), outcomes.clone(), loaded.clone());
        // Which lesson is open, by identity (comparing whole lessons on every tick is wasted work).
        let open = match &*loaded {
            Loaded::Lesson(l) => Rc::as_ptr(l) as usize,
            _ => 0,
        };
        use_effect_with((props.now, *ran, progress.step, open), move |_| {
            if let Loaded::Lesson(lesson) = &*loaded {
                if let Some(step) = lesson.steps.get(progress.step) {
                    let view = InterfaceView(&*client.0);
                    let history = log.entries.borrow();
                    let now: Vec<Outcome> = step.checks.iter().map(|c| c.evaluate(&view, &history)).collect();
                    let mut p = (*progress).clone();
                    let mut changed = false;
                    if let Some(row) = p.passed.get_mut(p.step) {
                        for (cell, o) in row.iter_mut().zip(&now) {
                            if o.passed && !*cell {
                                *cell = true;
                                changed = true;
                            }
                        }
                    }
                    if changed {
                        p.save(&lesson.id);
                        progress.set(p);
                    }
                    if *outcomes != now {
                        outcomes.set(now);
                    }
                }
            }
        });
    }
    // The hint shows after the step's delay (wall-clock seconds on the step).
    {
        let show_hint = show_hint.clone();
        let delay = match &*loaded {
            Loaded::Lesson(l) => l.steps.get(progress.step).map_or(60, |s| s.hint_after),
            _ => 60,
        };
        use_effect_with((progress.step, delay), move |&(_, delay)| {
            show_hint.set(false);
            let timer = Timeout::new(delay.saturating_mul(1000), move || show_hint.set(true));
            move || drop(timer)
        });
    }

    // Presenter mode: `n` opens the next step (the callback is refreshed every render).
    let next_key = use_mut_ref(Callback::<()>::noop);
    {
        let next_key = next_key.clone();
        use_effect_with((), move |_| {
            let listener = url_param("present").is_some().then(|| {
                crate::app::KeyListener::new(move |e| {
                    if e.key() == "n" {
                        next_key.borrow().emit(());
                    }
                })
            });
            move || drop(listener)
        });
    }

    let lesson = match &*loaded {
        Loaded::Loading => return html! { <div class="lesson-body muted" data-testid="lesson-loading">{"Loading lessons…"}</div> },
        Loaded::Failed(e) => return html! { <div class="lesson-body" data-testid="lesson-error"><p class="err-text">{ format!("The lesson could not be opened: {e}") }</p><p><a href={lesson_href(None)}>{"Back to the course"}</a></p></div> },
        Loaded::Course(course) => return course_overview(course),
        Loaded::Lesson(l) => l.clone(),
    };
    let steps = lesson.steps.len();
    let at = progress.step.min(steps.saturating_sub(1));
    let step = &lesson.steps[at];
    let passed_row = progress.passed.get(at).cloned().unwrap_or_default();
    let done = passed_row.iter().all(|b| *b);

    let go = |to: usize| {
        let (progress, show_solution, id) = (progress.clone(), show_solution.clone(), lesson.id.clone());
        Callback::from(move |_: MouseEvent| {
            let mut p = (*progress).clone();
            p.step = to;
            p.save(&id);
            progress.set(p);
            show_solution.set(false);
        })
    };
    if at + 1 < steps {
        let (progress, show_solution, id) = (progress.clone(), show_solution.clone(), lesson.id.clone());
        *next_key.borrow_mut() = Callback::from(move |()| {
            let mut p = (*progress).clone();
            p.step = at + 1;
            p.save(&id);
            progress.set(p);
            show_solution.set(false);
        });
    }
    let paste = |command: String| {
        let log = log.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(cb) = log.paste.borrow().as_ref() {
                cb.emit(command.clone());
            }
        })
    };
    let reset = {
        let (client, lesson, progress, log) = (client.clone(), lesson.clone(), progress.clone(), log.clone());
        Callback::from(move |_: MouseEvent| {
            let (client, lesson, progress, log) = (client.clone(), lesson.clone(), progress.clone(), log.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let at = progress.step;
                if client.start_fresh().await.is_err() {
                    return;
                }
                // The step's own setup, or the solutions of the steps before it.
                let commands: Vec<String> = match &lesson.steps[at].setup {
                    Some(setup) => setup.clone(),
                    None => lesson.steps[..at].iter().flat_map(|s| s.solution.clone()).collect(),
                };
                for c in commands {
                    let mut sub = client.0.run(&c);
                    while sub.recv().await.is_some() {}
                }
                log.entries.borrow_mut().clear();
                let mut p = (*progress).clone();
                if let Some(row) = p.passed.get_mut(at) {
                    row.iter_mut().for_each(|b| *b = false);
                }
                p.save(&lesson.id);
                progress.set(p);
            });
        })
    };
    let toggle_solution = {
        let show_solution = show_solution.clone();
        Callback::from(move |_: MouseEvent| show_solution.set(!*show_solution))
    };

    html! {
        <div class="lesson" data-testid="lesson" data-step={(at + 1).to_string()}>
          <div class="lesson-body lesson-scroll">
            // One row for the way back, the steps and where the learner is: the step's text
            // starts higher (a projector or a slide has little height to spare).
            <div class="lesson-title">
                <a href={lesson_href(None)} class="back" title="All lessons">{"◂ Lessons"}</a>
                <ol class="step-dots" aria-label="Steps">
                    { for (0..steps).map(|i| {
                        let done = progress.passed.get(i).is_some_and(|r| r.iter().all(|b| *b));
                        html! { <li class={classes!((i == at).then_some("current"), done.then_some("done"))}><button class="dot" onclick={go(i)} title={lesson.steps[i].title.clone()} aria-label={format!("Step {}", i + 1)}>{ i + 1 }</button></li> }
                    }) }
                </ol>
                <span class="muted step-count" data-testid="lesson-step-count">{ format!("Step {} of {steps}", at + 1) }</span>
            </div>
            <h3>{ &lesson.title }</h3>
            <h4 data-testid="step-title">{ &step.title }</h4>
            <div class="step-text">{ markdown::render(&step.text) }</div>
            if !step.commands.is_empty() {
                <div class="commands">
                    { for step.commands.iter().map(|c| html! {
                        <button class="command" data-testid="lesson-command" onclick={paste(c.clone())} title="Put this command into the console">
                            <code>{ markdown::whole_words(c.trim_end()) }</code>
                        </button>
                    }) }
                </div>
            }
            if *show_hint && !done && !step.hint.is_empty() {
                <div class="hint-box" data-testid="hint">{ markdown::render(&step.hint) }</div>
            }
            if *show_solution {
                <div class="solution" data-testid="solution">
                    { for step.solution.iter().map(|c| html! {
                        <button class="command" onclick={paste(c.clone())}><code>{ markdown::whole_words(c.trim_end()) }</code></button>
                    }) }
                </div>
            }
          </div>
          <div class="lesson-foot">
            if !step.checks.is_empty() {
                <ul class="checks" data-testid="checks">
                    { for step.checks.iter().enumerate().map(|(i, c)| {
                        let ok = passed_row.get(i).copied().unwrap_or(false);
                        let detail = outcomes.get(i).map(|o| o.detail.clone()).unwrap_or_default();
                        html! {
                            <li class={if ok { "check ok" } else { "check" }} data-testid="check" data-passed={ok.to_string()} title={detail.clone()}>
                                <span class="tick" aria-hidden="true">{ if ok { "✓" } else { "○" } }</span>
                                <span class="what">{ &c.description }</span>
                                if !ok && !detail.is_empty() { <span class="detail">{ detail }</span> }
                            </li>
                        }
                    }) }
                </ul>
            }
            <div class="lesson-actions">
                <button class="ghost" onclick={toggle_solution} data-testid="show-solution">{ if *show_solution { "Hide solution" } else { "Show solution" } }</button>
                <button class="ghost" onclick={reset} data-testid="reset-step" title="A fresh cluster, brought to this step's start">{"Reset this step"}</button>
                <span class="spacer" />
                if at > 0 { <button onclick={go(at - 1)}>{"Back"}</button> }
                if at + 1 < steps {
                    <button class={if done { "primary" } else { "" }} onclick={go(at + 1)} data-testid="next-step">{"Next"}</button>
                } else if done {
                    <span class="finished" data-testid="lesson-finished">{"Lesson complete ✓"}</span>
                }
            </div>
          </div>
        </div>
    }
}

/// The list of lessons with each one's progress.
fn course_overview(course: &Course) -> Html {
    html! {
        <div class="lesson-body" data-testid="course">
            <h3>{ &course.title }</h3>
            <ol class="course">
                { for course.lessons.iter().map(|l| {
                    let progress = Progress::saved_summary(&l.id);
                    html! {
                        <li>
                            <a href={lesson_href(Some(&l.id))} data-testid="course-lesson">{ &l.title }</a>
                            if let Some((done, total)) = progress {
                                <span class={if done == total { "badge done" } else { "badge" }}>{ if done == total { "done ✓".to_string() } else { format!("{done} of {}", crate::counted(total as u64, "step", "steps")) } }</span>
                            }
                            <p class="muted">{ &l.summary }</p>
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}
