//! The console: a shell prompt (as on the control-plane node, like `minikube ssh`) where learners type kubectl
//! and shell commands, with their output (errors in red, pod statuses coloured),
//! history on Up/Down and the transcript (its newest part) kept across reloads, heredocs
//! over several lines, and `clear`.
//! After `kubectl exec -it POD -- sh` the prompt is the container's until `exit` or Ctrl-D.

use crate::lessons::ConsoleLog;
use crate::ClusterHandle;
use kubeplay_sim::interface::ConsoleOutput;
use kubeplay_sim::shell::Shell;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Where the command history is kept between visits.
const HISTORY_KEY: &str = "kubeplay.console-history.v1";
/// How many commands the history keeps.
const HISTORY_LIMIT: usize = 200;
/// Wall-clock milliseconds between saves of a changed transcript.
const TRANSCRIPT_SAVE_MS: u32 = 2000;

/// One line of the transcript.
#[derive(Clone, Debug, PartialEq)]
pub enum Line {
    /// A command the learner typed, after the prompt as shown then (`~/k8s$`, `/ #`).
    Prompt(String, String),
    /// A further line of a command (a heredoc's body), after `> `.
    More(String),
    /// A line the command printed on standard output.
    Out(String),
    /// A line the command printed on standard error.
    Err(String),
}

/// The CSS class for a word of kubectl output that names a status.
pub fn status_class(word: &str) -> Option<&'static str> {
    match word {
        "Running" | "Ready" | "Completed" | "Succeeded" | "Active" | "True" => Some("st-ok"),
        "Pending" | "ContainerCreating" | "Terminating" | "PodInitializing" | "SchedulingDisabled" | "Unknown" => Some("st-wait"),
        "CrashLoopBackOff" | "Error" | "ErrImagePull" | "ImagePullBackOff" | "NotReady" | "Failed" | "OOMKilled" | "CreateContainerConfigError" | "Evicted" | "False" => {
            Some("st-bad")
        }
        _ => None,
    }
}

/// A stdout line with its status words wrapped in coloured spans.
fn coloured(line: &str) -> Html {
    let mut parts: Vec<Html> = Vec::new();
    let mut plain = String::new();
    for piece in line.split_inclusive(' ') {
        let word = piece.trim_end();
        match status_class(word) {
            Some(class) => {
                parts.push(html! { { std::mem::take(&mut plain) } });
                parts.push(html! { <span class={class}>{ word }</span> });
                plain.push_str(&piece[word.len()..]);
            }
            None => plain.push_str(piece),
        }
    }
    parts.push(html! { { plain } });
    html! { <>{ for parts }</> }
}

/// The longest start all candidates share.
fn common_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else { return String::new() };
    let mut end = first.len();
    for w in &words[1..] {
        end = end.min(first.bytes().zip(w.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(end) {
        end -= 1;
    }
    first[..end].to_string()
}

/// What the console shows of the shell's prompt: the working directory and `$` on the node
/// (`docker@control-plane:~/k8s$ ` -> `~/k8s$`), a container's prompt as it is during a
/// `kubectl exec -it` session (`/ # ` -> `/ #`).
fn short_prompt(prompt: &str) -> String {
    let p = prompt.trim_end();
    match p.strip_prefix("docker@") {
        Some(rest) => rest.split_once(':').map_or(rest, |(_, dir)| dir).to_string(),
        None => p.to_string(),
    }
}

/// Whether a prompt is a container's (a `kubectl exec -it` session), where Ctrl-D exits.
fn in_container(ps1: &str) -> bool {
    !ps1.ends_with('$')
}

/// The commands of earlier visits; a kept history the page cannot read is said to be reset.
fn load_history() -> Vec<String> {
    let text = crate::kept::read_text(&crate::storage_key(HISTORY_KEY), "the console history");
    let lines: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    // A command is one line of text; a line with control characters was not typed here.
    let commands: Vec<String> = lines.iter().filter(|l| !l.chars().any(|c| c.is_control() && c != '\t')).map(|l| l.to_string()).collect();
    if commands.len() != lines.len() {
        crate::kept::report_reset(if commands.is_empty() { "the console history" } else { "some of the console history" });
    }
    commands
}

fn save_history(history: &[String]) {
    crate::kept::set_item(&crate::storage_key(HISTORY_KEY), &history.join("\n"));
}

/// The cue over the output's right edge while wide output (kubectl's `-o wide` tables,
/// `describe`) hides columns there: where it sits, clear of the output's scrollbars.
#[derive(Clone, Copy, Debug, PartialEq)]
struct MoreRight {
    /// The width of the vertical scrollbar, in pixels.
    right: i32,
    /// The height of the horizontal scrollbar, in pixels.
    bottom: i32,
}

impl MoreRight {
    /// The cue for the output `el`, if some of its text lies beyond its right edge.
    fn of(el: &web_sys::Element) -> Option<MoreRight> {
        let hidden = el.scroll_width() - el.client_width() - el.scroll_left();
        let outer = el.get_bounding_client_rect();
        (hidden > 1).then(|| MoreRight { right: outer.width() as i32 - el.client_width(), bottom: outer.height() as i32 - el.client_height() })
    }
}

/// The console panel.
#[function_component(Console)]
pub fn console() -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let log = use_context::<ConsoleLog>().unwrap_or_default();
    // The transcript is shared by every running command (a `rollout status` may still be
    // printing when the next command starts); `redraw` asks Yew to show it again.
    let transcript = use_mut_ref(super::transcript::load);
    // Set when the transcript changes; cleared when it is kept.
    let changed = use_mut_ref(|| false);
    {
        // Keep a changed transcript every few seconds, and once more as the page goes away.
        let (transcript, changed) = (transcript.clone(), changed.clone());
        use_effect_with((), move |_| {
            let save = move |leaving: bool| {
                if std::mem::take(&mut *changed.borrow_mut()) {
                    super::transcript::save(&transcript.borrow(), leaving);
                }
            };
            let every = save.clone();
            let interval = gloo::timers::callback::Interval::new(TRANSCRIPT_SAVE_MS, move || every(false));
            let on_leave = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || save(true));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w.add_event_listener_with_callback("pagehide", wasm_bindgen::JsCast::unchecked_ref(on_leave.as_ref()));
            }
            move || {
                drop(interval);
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback("pagehide", wasm_bindgen::JsCast::unchecked_ref(on_leave.as_ref()));
                }
            }
        });
    }
    let redraw = use_force_update();
    // How many lines at the top were kept from the last visit (a quiet rule marks where they
    // end, so the learner sees that the commands of then no longer run); none after clear.
    let kept_lines = use_mut_ref({
        let transcript = transcript.clone();
        move || transcript.borrow().len()
    });
    let history = use_state(load_history);
    // Position while browsing the history with Up/Down (== len: the fresh line).
    let cursor = use_state(|| usize::MAX);
    // Bumped by Ctrl-C: commands started under an older value stop.
    let interrupts = use_mut_ref(|| 0u32);
    // Where the running `watch` commands draw.
    let screens = use_mut_ref(super::screens::Screens::default);
    let input = use_node_ref();
    let output = use_node_ref();
    // The prompt as shown (`~$`, `~/k8s$`, a container's `/ #`), and a command still
    // being typed over several lines (a heredoc, an open quote).
    let cwd = use_state(|| "~$".to_string());
    let unfinished = use_mut_ref(String::new);
    let shown = transcript.borrow().len();
    // Where the cue that more columns hide at the right sits, while some do.
    let more_right = use_state(|| None::<MoreRight>);
    let check_width = {
        let (output, more_right) = (output.clone(), more_right.clone());
        move || {
            if let Some(el) = output.cast::<web_sys::Element>() {
                let now = MoreRight::of(&el);
                if *more_right != now {
                    more_right.set(now);
                }
            }
        }
    };
    {
        // Keep the newest output in view.
        let (output, check_width) = (output.clone(), check_width.clone());
        use_effect_with(shown, move |_| {
            if let Some(el) = output.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
            check_width();
        });
    }
    // Scrolling sideways, or coming back after the window was resized, shows or hides the cue.
    let recheck = {
        let check_width = check_width.clone();
        Callback::from(move |_: Event| check_width())
    };
    let recheck_on_enter = Callback::from(move |_: MouseEvent| check_width());
    let scroll_right = {
        let output = output.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = output.cast::<web_sys::Element>() {
                el.set_scroll_left(el.scroll_left() + el.client_width() * 3 / 4);
            }
        })
    };
    let push = {
        let (transcript, redraw, changed) = (transcript.clone(), redraw.clone(), changed.clone());
        move |lines: Vec<Line>| {
            transcript.borrow_mut().extend(lines);
            *changed.borrow_mut() = true;
            redraw.force_update();
        }
    };
    // Runs a command and shows its output as it comes; the prompt is asked for afterwards.
    let execute = {
        let (client, transcript, interrupts, redraw, push, cwd, log, changed) = (client.clone(), transcript.clone(), interrupts.clone(), redraw.clone(), push.clone(), cwd.clone(), log.clone(), changed.clone());
        let screens = screens.clone();
        move |command: String| {
            let (client, push, cwd, log, changed) = (client.clone(), push.clone(), cwd.clone(), log.clone(), changed.clone());
            let started_under = *interrupts.borrow();
            let interrupts = interrupts.clone();
            // Where this command's output starts (a `watch` refresh redraws it there, above
            // what commands typed after it print).
            let screen = screens.borrow_mut().open(transcript.borrow().len());
            let (transcript, redraw, screens) = (transcript.clone(), redraw.clone(), screens.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut sub = client.0.run(&command);
                // A command may change the prompt and keep running (`kubectl exec -it` opens
                // a container's shell that lasts until `exit`): show the prompt now too.
                if let Ok(prompt) = client.0.prompt().await {
                    cwd.set(short_prompt(&prompt));
                }
                let mut printed = String::new();
                while let Some(piece) = sub.recv().await {
                    if *interrupts.borrow() != started_under {
                        break; // Ctrl-C: dropping the subscription stops the command
                    }
                    match piece {
                        ConsoleOutput::Stdout(text) => {
                            printed.push_str(&text);
                            let (end, lines) = (transcript.borrow().len(), text.lines().map(|l| Line::Out(l.to_string())).collect::<Vec<_>>());
                            screens.borrow_mut().printed(screen, end, lines.len());
                            push(lines);
                        }
                        ConsoleOutput::Stderr(text) => {
                            printed.push_str(&text);
                            let (end, lines) = (transcript.borrow().len(), text.lines().map(|l| Line::Err(l.to_string())).collect::<Vec<_>>());
                            screens.borrow_mut().printed(screen, end, lines.len());
                            push(lines);
                        }
                        ConsoleOutput::Screen(text) => {
                            screens.borrow_mut().draw(screen, &mut transcript.borrow_mut(), text.lines().map(|l| Line::Out(l.to_string())).collect());
                            *changed.borrow_mut() = true;
                            printed = text;
                            redraw.force_update();
                        }
                        ConsoleOutput::Effect(kubeplay_sim::kubectl::Effect::Edit { file, text }) => log.open_in_editor(&file, &text),
                        ConsoleOutput::Exit(_) => break,
                    }
                }
                screens.borrow_mut().close(screen);
                log.record(command, printed);
                if let Ok(prompt) = client.0.prompt().await {
                    cwd.set(short_prompt(&prompt));
                }
            });
        }
    };
    let run = {
        let (transcript, history, cursor, redraw, changed, screens) = (transcript.clone(), history.clone(), cursor.clone(), redraw.clone(), changed.clone(), screens.clone());
        let kept_lines = kept_lines.clone();
        let (push, cwd, unfinished, execute) = (push.clone(), cwd.clone(), unfinished.clone(), execute.clone());
        move |typed: String| {
            // A line continuing an unfinished command joins it; the command runs once complete.
            let continuing = !unfinished.borrow().is_empty();
            if continuing {
                push(vec![Line::More(typed.clone())]);
                let mut u = unfinished.borrow_mut();
                u.push('\n');
                u.push_str(&typed);
            } else if typed.trim().is_empty() {
                return;
            } else {
                push(vec![Line::Prompt((*cwd).clone(), typed.trim().to_string())]);
                *unfinished.borrow_mut() = typed.trim().to_string();
            }
            if Shell::is_incomplete(&unfinished.borrow()) {
                return;
            }
            let command = std::mem::take(&mut *unfinished.borrow_mut());
            let mut h = (*history).clone();
            // Multi-line commands (heredocs) are not kept: the history is one line per command.
            if h.last() != Some(&command) && !command.contains('\n') {
                h.push(command.clone());
            }
            let start = h.len().saturating_sub(HISTORY_LIMIT);
            h.drain(..start);
            save_history(&h);
            cursor.set(h.len());
            history.set(h);
            if command == "clear" {
                transcript.borrow_mut().clear();
                screens.borrow_mut().cleared();
                *kept_lines.borrow_mut() = 0;
                *changed.borrow_mut() = true;
                redraw.force_update();
                return;
            }
            execute(command);
        }
    };
    // Lessons put commands into the input (one line) or run them (a heredoc over several lines).
    {
        let (log, input, run, run_typed) = (log.clone(), input.clone(), run.clone(), run.clone());
        use_effect_with((), move |_| {
            let paste = Callback::from(move |command: String| {
                let command = command.trim_end().to_string();
                if command.contains('\n') {
                    for line in command.lines() {
                        run(line.to_string());
                    }
                } else if let Some(field) = input.cast::<HtmlInputElement>() {
                    field.set_value(&command);
                    let _ = field.focus();
                }
            });
            *log.paste.borrow_mut() = Some(paste);
            let execute = Callback::from(move |command: String| run_typed(command));
            *log.execute.borrow_mut() = Some(execute);
            move || {
                *log.paste.borrow_mut() = None;
                *log.execute.borrow_mut() = None;
            }
        });
    }
    // Escape, then Tab, moves the focus on (as in the editor); Shift-Tab always does.
    let tab_leaves = use_mut_ref(|| false);
    let onkeydown = {
        let (history, cursor, input, interrupts) = (history.clone(), cursor.clone(), input.clone(), interrupts.clone());
        let (cwd, unfinished, client, push, execute) = (cwd.clone(), unfinished.clone(), client.clone(), push.clone(), execute.clone());
        move |e: KeyboardEvent| {
            let Some(field) = input.cast::<HtmlInputElement>() else { return };
            let leaves = std::mem::replace(&mut *tab_leaves.borrow_mut(), e.key() == "Escape");
            match e.key().as_str() {
                "Tab" if leaves || e.shift_key() => {}
                "Enter" => {
                    e.prevent_default();
                    let command = field.value();
                    field.set_value("");
                    run(command);
                }
                "c" if e.ctrl_key() => {
                    e.prevent_default();
                    // In a container's shell Ctrl-C goes to that shell (which only prompts
                    // again); on the node it stops the running commands.
                    if !in_container(&cwd) {
                        *interrupts.borrow_mut() += 1;
                    }
                    let line = format!("{}^C", field.value());
                    let continuing = !std::mem::take(&mut *unfinished.borrow_mut()).is_empty();
                    push(vec![if continuing { Line::More(line) } else { Line::Prompt((*cwd).clone(), line) }]);
                    field.set_value("");
                }
                "d" if e.ctrl_key() => {
                    // Ctrl-D on an empty line ends a container's shell, as `exit` does.
                    e.prevent_default();
                    if field.value().is_empty() && unfinished.borrow().is_empty() && in_container(&cwd) {
                        push(vec![Line::Prompt((*cwd).clone(), String::new())]);
                        execute("exit".to_string());
                    }
                }
                "Tab" => {
                    // Complete the last word: one candidate fills it in, several fill in what
                    // they share and, pressed again, are listed under the prompt.
                    e.prevent_default();
                    let line = field.value();
                    let (client, push, cwd) = (client.clone(), push.clone(), cwd.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        let Ok(candidates) = client.0.complete(&line).await else { return };
                        let start = if line.ends_with(' ') { line.len() } else { line.rfind(' ').map_or(0, |i| i + 1) };
                        let typed = &line[start..];
                        let shared = common_prefix(&candidates);
                        match candidates.as_slice() {
                            [] => {}
                            [one] => field.set_value(&format!("{}{one}{}", &line[..start], if one.ends_with('/') { "" } else { " " })),
                            _ if shared.len() > typed.len() => field.set_value(&format!("{}{shared}", &line[..start])),
                            many => push(vec![Line::Prompt((*cwd).clone(), line.clone()), Line::Out(many.join("  "))]),
                        }
                    });
                }
                "ArrowUp" | "ArrowDown" => {
                    e.prevent_default();
                    let len = history.len();
                    let at = (*cursor).min(len);
                    let next = if e.key() == "ArrowUp" { at.saturating_sub(1) } else { (at + 1).min(len) };
                    field.set_value(history.get(next).map_or("", String::as_str));
                    cursor.set(next);
                }
                _ => {}
            }
        }
    };
    let focus = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(field) = input.cast::<HtmlInputElement>() {
                let _ = field.focus();
            }
        })
    };
    html! {
        <section class="console panel" onclick={focus}>
            <header class="panel-head">
                <h2>{"Console"}</h2>
                <span class="hint" title="A shell with kubectl: type help for the commands; Tab completes, ↑↓ go through the history, Ctrl-C stops, Escape then Tab leaves the console">{"a shell with kubectl  ·  help  ·  Tab  ·  ↑↓  ·  Ctrl-C  ·  Esc Tab leaves"}</span>
            </header>
            // While the cue shows, the lines that wrap (typed commands, errors) keep clear of it.
            <div class={classes!("console-view", more_right.is_some().then_some("more-right"))}>
                <div class="console-output" data-testid="console-output" ref={output} aria-live="polite" onscroll={recheck} onmouseenter={recheck_on_enter}>
                    { for transcript.borrow().iter().enumerate().map(|(i, l)| {
                        let kept_end = (i + 1 == *kept_lines.borrow()).then_some("kept-end");
                        match l {
                            Line::Prompt(ps1, c) => html! { <div class={classes!("prompt", kept_end)}><span class="ps1">{ format!("{ps1} ") }</span>{ crate::markdown::whole_words(c) }</div> },
                            Line::More(c) => html! { <div class={classes!("prompt", "more", kept_end)}><span class="ps1">{"> "}</span>{ crate::markdown::whole_words(c) }</div> },
                            Line::Out(t) => html! { <div class={classes!("out", kept_end)}>{ coloured(t) }</div> },
                            Line::Err(t) => html! { <div class={classes!("err", kept_end)}>{ t }</div> },
                        }
                    }) }
                </div>
                if let Some(more) = *more_right {
                    <button class="console-more" data-testid="console-more" tabindex="-1" onclick={scroll_right}
                        style={format!("right: {}px; bottom: {}px", more.right, more.bottom)}
                        title="More to the right: scroll sideways (Shift + wheel) or click here" aria-label="Scroll the output right">{"→"}</button>
                }
            </div>
            <div class="console-line">
                <span class="ps1" data-testid="console-prompt">{ if unfinished.borrow().is_empty() { (*cwd).clone() } else { ">".to_string() } }</span>
                <input data-testid="console-input" ref={input} {onkeydown} spellcheck="false" autocomplete="off"
                    aria-label="Console command" placeholder="kubectl get pods" />
            </div>
        </section>
    }
}
