//! The manifest editor: tabs that are files of the console's home directory, line
//! numbers, YAML highlighting, problems marked at their line as you type, auto-indent,
//! Tab/Shift-Tab, its own undo and redo, example manifests, and Apply / Delete with the
//! report `kubectl apply -f` gives. The text lives in a plain textarea laid over the
//! highlighted copy, so the browser's own caret, selection and input methods keep working.

mod files;
mod view;

pub use files::{OpenFile, OpenFiles, EXAMPLES, EXAMPLE_POD, FIRST_FILE};

use crate::editing::{self, Change, Edit, History, Revision};
use crate::lessons::ConsoleLog;
use crate::ClusterHandle;
use kubeplay_sim::small_map::SmallMap;
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// How long the text the editor opens with waits for its problems to be found (ms).
const FIRST_DIAGNOSIS_DELAY_MS: u32 = 400;

/// One line of the apply report.
#[derive(Clone, PartialEq)]
enum ReportLine {
    Ok(String),
    Warning(String),
    Error(String),
}

/// What can happen to the open files.
pub enum FilesAction {
    /// The shown file's text changed.
    SetText(String),
    /// Show a file, opening it if needed (`replace` overwrites an open tab's text).
    Open { name: String, text: String, replace: bool },
    /// Show the tab at this index.
    Activate(usize),
    /// Open an empty tab.
    New,
    /// Close the tab at this index.
    Close(usize),
}

impl Reducible for OpenFiles {
    type Action = FilesAction;
    fn reduce(self: Rc<Self>, action: FilesAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            FilesAction::SetText(t) => next.set_text(t),
            FilesAction::Open { name, text, replace } => next.open(&name, &text, replace),
            FilesAction::Activate(i) => next.active = i.min(next.files.len() - 1),
            FilesAction::New => next.open_new(),
            FilesAction::Close(i) => next.close(i),
        }
        next.save();
        Rc::new(next)
    }
}

/// The path of an editor tab in the console's file system.
fn path_of(name: &str) -> String {
    format!("{}/{name}", kubeplay_sim::shell::HOME)
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The textarea's selection as byte offsets into its text.
fn selection(ta: &HtmlTextAreaElement, text: &str) -> (usize, usize) {
    let s = ta.selection_start().ok().flatten().unwrap_or(0);
    let e = ta.selection_end().ok().flatten().unwrap_or(s);
    (editing::to_byte(text, s), editing::to_byte(text, e))
}

/// Puts a text and selection into the textarea at once (so Yew's later render, which sets
/// the same value, leaves the caret where it is).
fn show(ta: &HtmlTextAreaElement, text: &str, start: usize, end: usize) {
    ta.set_value(text);
    let _ = ta.set_selection_range(editing::to_utf16(text, start), editing::to_utf16(text, end));
}

/// The manifest editor (see the module documentation).
#[function_component(Editor)]
pub fn editor() -> Html {
    let client = use_context::<ClusterHandle>().expect("ClusterHandle context is provided by the app");
    let log = use_context::<ConsoleLog>();
    let files = use_reducer(OpenFiles::load);
    let histories = use_mut_ref(SmallMap::<String, History>::new);
    // The text and selection as of the last key press, for the undo step typing records.
    let last = use_mut_ref(|| Revision { text: files.current().text.clone(), start: 0, end: 0 });
    let report = use_state(Vec::<ReportLine>::new);
    // What the cluster refused at the last Apply, at the lines of the fields it named, kept
    // with the text it was applied from: shown until that text changes.
    let refused = use_state(|| Rc::new((String::new(), Vec::<editing::Diagnostic>::new())));
    let textarea = use_node_ref();
    let highlight = use_node_ref();
    let gutter = use_node_ref();
    // Escape, then Tab, moves the focus out of the editor instead of indenting.
    let tab_leaves = use_mut_ref(|| false);
    // The field names offered at the cursor (typing a key, or Ctrl+Space).
    let popup = use_state(|| None::<view::Popup>);

    // `kubectl edit` in the console opens its object here, in a tab of its own.
    {
        let (files, log) = (files.clone(), log.clone());
        use_effect_with((), move |_| {
            let opener = Callback::from(move |(name, text): (String, String)| files.dispatch(FilesAction::Open { name, text, replace: true }));
            if let Some(log) = &log {
                log.editor_openers.borrow_mut().push(opener.clone());
            }
            move || {
                if let Some(log) = &log {
                    log.editor_openers.borrow_mut().retain(|o| o != &opener);
                }
            }
        });
    }
    let current = files.current().clone();
    // The problems in the text, found just after each change is shown. The text the editor
    // opens with waits a little longer: parsing is the first use of the manifest code, which
    // the browser compiles then, and the cluster map should not wait for it.
    let diagnostics = use_state(|| Rc::new(Vec::new()));
    let diagnosed = use_mut_ref(|| 0u32);
    {
        let (diagnostics, diagnosed) = (diagnostics.clone(), diagnosed.clone());
        use_effect_with((current.text.clone(), current.name.clone()), move |(text, name)| {
            let (text, name) = (text.clone(), name.clone());
            let generation = {
                let mut g = diagnosed.borrow_mut();
                *g += 1;
                *g
            };
            let delay = if generation == 1 { FIRST_DIAGNOSIS_DELAY_MS } else { 0 };
            gloo::timers::callback::Timeout::new(delay, move || {
                // Only the newest text's problems are shown.
                if *diagnosed.borrow() == generation {
                    diagnostics.set(Rc::new(editing::diagnose(&text, &name)));
                }
            })
            .forget();
        });
    }
    // The refusals placed in the text as it is (each placed cause is part of its refusal's message).
    let placed: &[editing::Diagnostic] = if refused.0 == current.text { &refused.1 } else { &[] };
    let marked = |refusal: &str| placed.iter().any(|d| refusal.contains(d.message.as_str()));
    let diagnostics = if placed.is_empty() {
        (*diagnostics).clone()
    } else {
        let mut all: Vec<editing::Diagnostic> = diagnostics.iter().chain(placed).cloned().collect();
        kubeplay_sim::sorting::sort_by_key(&mut all, |d| (d.line, std::cmp::Reverse(d.severity)));
        Rc::new(all)
    };
    {
        let last = last.clone();
        use_effect_with((current.name.clone(), current.text.clone()), move |(_, text)| {
            if last.borrow().text != *text {
                last.borrow_mut().text = text.clone();
            }
        });
    }

    // A list of problems or an Apply's report showing under the text takes its height from
    // the text's box: the line being typed comes back into view. The offered field names
    // are placed again at once, not a frame later when the scroll event comes.
    {
        let (textarea, popup) = (textarea.clone(), popup.clone());
        use_effect_with((diagnostics.len(), report.len()), move |_| {
            if let Some(ta) = textarea.cast::<HtmlTextAreaElement>() {
                if view::keep_caret_in_view(&ta) && popup.is_some() {
                    popup.set((*popup).clone());
                }
            }
        });
    }

    // Records an edit made by a key (Enter, Tab, undo ...) and shows it.
    let commit = {
        let (files, histories, last, name) = (files.clone(), histories.clone(), last.clone(), current.name.clone());
        Rc::new(move |ta: &HtmlTextAreaElement, before: Revision, edit: Edit, change: Change| {
            histories.borrow_mut().get_or_default(name.clone()).record(before, change, now_ms());
            show(ta, &edit.text, edit.start, edit.end);
            *last.borrow_mut() = Revision { text: edit.text.clone(), start: edit.start, end: edit.end };
            files.dispatch(FilesAction::SetText(edit.text));
        })
    };

    let on_input = {
        let (files, histories, last, name, popup) = (files.clone(), histories.clone(), last.clone(), current.name.clone(), popup.clone());
        Callback::from(move |e: InputEvent| {
            let ta = e.target_unchecked_into::<HtmlTextAreaElement>();
            let value = ta.value();
            let change = match e.input_type().as_str() {
                "insertText" | "deleteContentBackward" | "deleteContentForward" => Change::Typing,
                _ => Change::Other,
            };
            let before = last.borrow().clone();
            histories.borrow_mut().get_or_default(name.clone()).record(before, change, now_ms());
            let (start, end) = selection(&ta, &value);
            popup.set(if change == Change::Typing && start == end { view::Popup::at(&value, start, false) } else { None });
            *last.borrow_mut() = Revision { text: value.clone(), start, end };
            files.dispatch(FilesAction::SetText(value));
        })
    };

    let put_current = {
        let (client, files) = (client.clone(), files.clone());
        move || {
            let (client, f) = (client.clone(), files.current().clone());
            async move {
                let _ = client.0.put_file(&path_of(&f.name), &f.text, false).await;
                f
            }
        }
    };

    let on_apply = {
        let (client, report, refused, put_current) = (client.clone(), report.clone(), refused.clone(), put_current.clone());
        Callback::from(move |_: ()| {
            let (client, report, refused, put) = (client.clone(), report.clone(), refused.clone(), put_current());
            wasm_bindgen_futures::spawn_local(async move {
                let file = put.await;
                let lines = match client.0.apply(&file.text, &file.name).await {
                    Ok(r) => {
                        refused.set(Rc::new((file.text.clone(), editing::server_diagnostics(&file.text, &r))));
                        let mut lines: Vec<ReportLine> = r.warnings.into_iter().map(ReportLine::Warning).collect();
                        lines.extend(r.applied.iter().map(|a| ReportLine::Ok(a.line())));
                        lines.extend(r.errors.into_iter().map(ReportLine::Error));
                        if lines.is_empty() {
                            lines.push(ReportLine::Error("error: no objects passed to apply".into()));
                        }
                        lines
                    }
                    Err(e) => vec![ReportLine::Error(e.to_string())],
                };
                report.set(lines);
            });
        })
    };

    // Delete runs `kubectl delete -f FILE` in the console, so the learner sees the command.
    let on_delete = {
        let (client, report, log, put_current) = (client.clone(), report.clone(), log.clone(), put_current.clone());
        Callback::from(move |_: MouseEvent| {
            let (client, report, log, put) = (client.clone(), report.clone(), log.clone(), put_current());
            wasm_bindgen_futures::spawn_local(async move {
                let file = put.await;
                let line = format!("kubectl delete -f {}", file.name);
                match log.as_ref().and_then(|l| l.execute.borrow().clone()) {
                    Some(execute) => {
                        report.set(vec![ReportLine::Ok(format!("$ {line}  (see the console)"))]);
                        execute.emit(line);
                    }
                    None => {
                        let mut sub = client.0.run(&line);
                        let mut lines = Vec::new();
                        while let Some(piece) = sub.recv().await {
                            match piece {
                                kubeplay_sim::interface::ConsoleOutput::Stdout(t) => lines.extend(t.lines().map(|l| ReportLine::Ok(l.to_string()))),
                                kubeplay_sim::interface::ConsoleOutput::Stderr(t) => lines.push(ReportLine::Error(t)),
                                _ => {}
                            }
                        }
                        report.set(lines);
                    }
                }
            });
        })
    };

    let on_keydown = {
        let (files, histories, last, name, commit, on_apply, tab_leaves, popup) = (files.clone(), histories.clone(), last.clone(), current.name.clone(), commit.clone(), on_apply.clone(), tab_leaves.clone(), popup.clone());
        Callback::from(move |e: KeyboardEvent| {
            let ta = e.target_unchecked_into::<HtmlTextAreaElement>();
            let value = ta.value();
            let (start, end) = selection(&ta, &value);
            let here = Revision { text: value.clone(), start, end };
            *last.borrow_mut() = here.clone();
            let ctrl = e.ctrl_key() || e.meta_key();
            let key = e.key();
            if let Some(p) = (*popup).clone() {
                let n = p.items.len();
                match key.as_str() {
                    "ArrowDown" | "ArrowUp" => {
                        e.prevent_default();
                        let selected = if key == "ArrowDown" { (p.selected + 1) % n } else { (p.selected + n - 1) % n };
                        popup.set(Some(view::Popup { selected, ..p }));
                        return;
                    }
                    "Enter" | "Tab" if !ctrl => {
                        e.prevent_default();
                        popup.set(None);
                        commit(&ta, here, editing::complete(&value, &p.context, start, &p.items[p.selected]), Change::Other);
                        return;
                    }
                    "Escape" => {
                        popup.set(None);
                        return;
                    }
                    _ => {}
                }
            }
            if key == " " && ctrl {
                e.prevent_default();
                popup.set(view::Popup::at(&value, start, true));
                return;
            }
            if key == "Escape" {
                *tab_leaves.borrow_mut() = true;
                return;
            }
            let leaves = std::mem::take(&mut *tab_leaves.borrow_mut());
            match (key.as_str(), ctrl, e.shift_key(), e.alt_key()) {
                ("Enter", true, _, _) => {
                    e.prevent_default();
                    on_apply.emit(());
                }
                ("Enter", false, false, false) => {
                    e.prevent_default();
                    commit(&ta, here, editing::newline(&value, start, end), Change::Other);
                }
                ("Tab", false, shift, false) if !leaves => {
                    e.prevent_default();
                    commit(&ta, here, editing::indent(&value, start, end, shift), Change::Other);
                }
                ("z" | "Z", true, false, _) | ("z" | "Z" | "y" | "Y", true, true, _) | ("y" | "Y", true, false, _) => {
                    e.prevent_default();
                    let redo = key.eq_ignore_ascii_case("y") || e.shift_key();
                    let mut h = histories.borrow_mut();
                    let history = h.get_or_default(name.clone());
                    let target = if redo { history.redo(here) } else { history.undo(here) };
                    drop(h);
                    if let Some(r) = target {
                        show(&ta, &r.text, r.start, r.end);
                        *last.borrow_mut() = r.clone();
                        // Undo and redo change the text without a new history step.
                        files.dispatch(FilesAction::SetText(r.text));
                    }
                }
                _ => {}
            }
        })
    };
    // A click on an offered field name chooses it.
    let on_choose = {
        let (popup, textarea, commit) = (popup.clone(), textarea.clone(), commit.clone());
        Callback::from(move |i: usize| {
            let (Some(p), Some(ta)) = ((*popup).clone(), textarea.cast::<HtmlTextAreaElement>()) else { return };
            let value = ta.value();
            let (start, end) = selection(&ta, &value);
            popup.set(None);
            if let Some(s) = p.items.get(i) {
                commit(&ta, Revision { text: value.clone(), start, end }, editing::complete(&value, &p.context, start, s), Change::Other);
                let _ = ta.focus();
            }
        })
    };

    let on_scroll = {
        let (highlight, gutter, popup) = (highlight.clone(), gutter.clone(), popup.clone());
        Callback::from(move |e: Event| {
            let ta = e.target_unchecked_into::<web_sys::Element>();
            if let Some(h) = highlight.cast::<web_sys::Element>() {
                h.set_scroll_top(ta.scroll_top());
                h.set_scroll_left(ta.scroll_left());
            }
            if let Some(g) = gutter.cast::<web_sys::Element>() {
                g.set_scroll_top(ta.scroll_top());
            }
            // The offered field names stay under the caret's line (placed again where it went).
            if popup.is_some() {
                popup.set((*popup).clone());
            }
        })
    };

    // Leaving the text or switching tabs writes the file, so the console sees it.
    let on_blur = {
        let (put_current, popup) = (put_current.clone(), popup.clone());
        Callback::from(move |_: FocusEvent| {
            popup.set(None);
            let put = put_current();
            wasm_bindgen_futures::spawn_local(async move {
                put.await;
            })
        })
    };

    let activate = {
        let (files, client, put_current) = (files.clone(), client.clone(), put_current.clone());
        Callback::from(move |i: usize| {
            let (files, client, put) = (files.clone(), client.clone(), put_current());
            wasm_bindgen_futures::spawn_local(async move {
                put.await;
                files.dispatch(FilesAction::Activate(i));
                // The console may have changed the file since (`cat > deployment.yaml <<EOF`).
                if let Some(f) = files.files.get(i) {
                    if let Ok(text) = client.0.read_file(&path_of(&f.name)).await {
                        if text != f.text {
                            files.dispatch(FilesAction::SetText(text));
                        }
                    }
                }
            });
        })
    };

    let goto_line = {
        let textarea = textarea.clone();
        Callback::from(move |line: usize| {
            if let Some(ta) = textarea.cast::<HtmlTextAreaElement>() {
                let value = ta.value();
                let start = value.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum::<usize>();
                let end = editing::line_end(&value, start);
                let _ = ta.focus();
                let _ = ta.set_selection_range(editing::to_utf16(&value, start), editing::to_utf16(&value, end));
                ta.set_scroll_top(((line.saturating_sub(3)) as f64 * view::line_px(&ta)) as i32);
            }
        })
    };

    html! {
        <section class="editor">
            <header class="panel-head">
                { view::file_tabs(&view::FileTabsProps {
                    files: (*files).clone(),
                    activate,
                    on_new: { let f = files.clone(); Callback::from(move |_| f.dispatch(FilesAction::New)) },
                    on_close: { let f = files.clone(); Callback::from(move |i| f.dispatch(FilesAction::Close(i))) },
                }) }
                <div class="actions">
                    { view::example_picker(&view::ExamplePickerProps { on_pick: { let f = files.clone(); Callback::from(move |(name, text): (String, String)| f.dispatch(FilesAction::Open { name, text, replace: false })) } }) }
                    <button class="ghost" data-testid="editor-delete" onclick={on_delete} title="kubectl delete -f this file">{"Delete"}</button>
                    <button class="primary" data-testid="apply" onclick={on_apply.reform(|_: MouseEvent| ())} title="kubectl apply -f this file (Ctrl+Enter)">{"Apply"}</button>
                </div>
            </header>
            <view::Code text={current.text.clone()} diagnostics={diagnostics.clone()} textarea={textarea.clone()} highlight={highlight.clone()} gutter={gutter.clone()}
                {on_input} {on_keydown} {on_scroll} {on_blur} popup={(*popup).clone()} {on_choose} />
            { view::problems(&view::ProblemsProps { diagnostics: diagnostics.clone(), goto_line }) }
            <ul class="report" data-testid="apply-report" aria-live="polite">
                { for report.iter().map(|l| match l {
                    ReportLine::Ok(t) => html! { <li class="ok">{ t }</li> },
                    ReportLine::Warning(t) => html! { <li class="warning"><pre>{ t }</pre></li> },
                    // A refusal already marked in the text shows its first words, the rest on request.
                    ReportLine::Error(t) if marked(t) && t.contains(" is invalid: ") => {
                        let head = t.split(" is invalid: ").next().unwrap_or(t);
                        html! { <li class="error"><details><summary><pre>{ format!("{head} is invalid: the fields are marked in the text") }</pre></summary><pre>{ t }</pre></details></li> }
                    }
                    ReportLine::Error(t) => html! { <li class="error"><pre>{ t }</pre></li> },
                }) }
            </ul>
        </section>
    }
}
