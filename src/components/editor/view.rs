//! The editor's pieces on screen: the file tabs, the examples menu, the code area (gutter,
//! highlighted text, the textarea over it) and the list of problems. The tabs, the menu and
//! the list are plain functions, drawn with the editor: each component type costs the page's
//! wasm a few KiB of Yew's machinery. The code area stays a component, so an editor render
//! that leaves the text alone does not highlight it again.

use super::files::{OpenFiles, EXAMPLES};
use crate::editing::{self, Diagnostic, Severity};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// The height of one line of code in pixels (13 px type at line-height 1.5, as in the CSS).
pub const LINE_PX: f64 = 19.5;

/// The height of one line of the code beside `textarea` as laid out (a line number's):
/// ?present sets larger type. [`LINE_PX`] while nothing is laid out.
pub fn line_px(textarea: &web_sys::Element) -> f64 {
    let number = textarea.closest(".code").ok().flatten().and_then(|c| c.query_selector(".gutter .num").ok().flatten());
    number.map(|n| n.get_bounding_client_rect().height()).filter(|h| *h > 0.0).unwrap_or(LINE_PX)
}

/// Scrolls `textarea`, while it has the focus, so that the line with its caret shows whole
/// above its bottom edge, with the text's padding under it: a list of problems appearing under the text takes its
/// height from the text's box, and the line being typed must not slip under it.
/// Says whether it scrolled.
pub fn keep_caret_in_view(textarea: &web_sys::HtmlTextAreaElement) -> bool {
    let focused = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    if !focused.is_some_and(|f| f.is_same_node(Some(textarea))) {
        return false;
    }
    let caret = textarea.selection_end().ok().flatten().unwrap_or(0) as usize;
    let line = textarea.value().encode_utf16().take(caret).filter(|&c| c == u16::from(b'\n')).count() as f64;
    let px = line_px(textarea);
    // The textarea's padding (as in the CSS).
    const PAD: f64 = 12.0;
    let (top, height) = (f64::from(textarea.scroll_top()), f64::from(textarea.client_height()));
    // Where the line ends, with the padding under it (the list takes room from below only).
    let below = PAD * 2.0 + (line + 1.0) * px;
    let scrolls = below > top + height;
    if scrolls {
        textarea.set_scroll_top((below - height).ceil() as i32);
    }
    scrolls
}

/// What [`file_tabs`] shows and whom it tells.
pub struct FileTabsProps {
    /// The open files.
    pub files: OpenFiles,
    /// Show the tab at this index.
    pub activate: Callback<usize>,
    /// Open an empty tab.
    pub on_new: Callback<()>,
    /// Close the tab at this index.
    pub on_close: Callback<usize>,
}

/// The editor's tabs, one per open file, with a button for a new one.
pub fn file_tabs(p: &FileTabsProps) -> Html {
    let closable = p.files.files.len() > 1;
    html! {
        <div class="file-tabs" role="tablist" aria-label="Open files" onkeydown={crate::components::tabs::on_tablist_key()}>
            { for p.files.files.iter().enumerate().map(|(i, f)| {
                let selected = i == p.files.active;
                let activate = p.activate.reform(move |_: MouseEvent| i);
                let close = p.on_close.reform(move |e: MouseEvent| { e.stop_propagation(); i });
                html! {
                    <span class={classes!("file-tab", selected.then_some("active"))}>
                        <button role="tab" data-testid="file-tab" data-name={f.name.clone()} aria-selected={selected.to_string()} tabindex={crate::components::tabs::tab_index(selected)} onclick={activate} title={format!("~/{}", f.name)}>{ &f.name }</button>
                        if closable {
                            <button class="close" aria-label={format!("Close {}", f.name)} onclick={close}>{"×"}</button>
                        }
                    </span>
                }
            }) }
            <button class="new-file" data-testid="file-new" aria-label="New file" title="New file" onclick={p.on_new.reform(|_: MouseEvent| ())}>{"+"}</button>
        </div>
    }
}

/// Whom [`example_picker`] tells.
pub struct ExamplePickerProps {
    /// Called with the example's file name and manifest.
    pub on_pick: Callback<(String, String)>,
}

/// A menu of example manifests; each opens in its own tab.
pub fn example_picker(p: &ExamplePickerProps) -> Html {
    let onchange = p.on_pick.reform(|e: Event| {
        let select = e.target_unchecked_into::<HtmlSelectElement>();
        let pick = EXAMPLES.iter().find(|(_, file, _)| *file == select.value());
        select.set_value("");
        pick.map(|(_, file, text)| (file.to_string(), text.to_string())).unwrap_or_default()
    });
    html! {
        <select class="examples" data-testid="editor-examples" aria-label="Open an example manifest" {onchange}>
            <option value="" selected=true>{"Examples…"}</option>
            { for EXAMPLES.iter().map(|(label, file, _)| html! { <option value={*file}>{ *label }</option> }) }
        </select>
    }
}

/// The field names offered at the cursor, and where the list opens.
#[derive(Clone, Debug, PartialEq)]
pub struct Popup {
    /// Where the key being typed sits.
    pub context: editing::KeyContext,
    /// The fields that fit.
    pub items: Vec<editing::Suggestion>,
    /// The highlighted one (Enter or Tab takes it).
    pub selected: usize,
    /// The caret's line (0-based) and column, for placing the list.
    pub line: usize,
    /// The column where the key starts.
    pub column: usize,
}

impl Popup {
    /// The offer at byte offset `pos` of `text`, if the cursor is on a key with fields to
    /// offer; `explicit` (Ctrl+Space) offers them before anything is typed.
    pub fn at(text: &str, pos: usize, explicit: bool) -> Option<Popup> {
        let context = editing::key_context(text, pos)?;
        if context.prefix.is_empty() && !explicit {
            return None;
        }
        let items = editing::suggestions(&context);
        // A key typed out in full is left alone.
        if items.is_empty() || (!explicit && items.len() == 1 && items[0].name == context.prefix) {
            return None;
        }
        let line = text[..context.key_start].matches('\n').count();
        let column = text[editing::line_start(text, context.key_start)..context.key_start].chars().count();
        Some(Popup { context, items, selected: 0, line, column })
    }
}

/// Properties of [`Code`].
#[derive(Properties, PartialEq)]
pub struct CodeProps {
    /// The text shown.
    pub text: String,
    /// Its problems, by line.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// The textarea.
    pub textarea: NodeRef,
    /// The highlighted copy under it.
    pub highlight: NodeRef,
    /// The line numbers.
    pub gutter: NodeRef,
    /// Text typed, pasted or cut.
    pub on_input: Callback<InputEvent>,
    /// Keys (Enter, Tab, undo ...).
    pub on_keydown: Callback<KeyboardEvent>,
    /// Scrolling (the gutter and the highlighting follow).
    pub on_scroll: Callback<Event>,
    /// The text lost the focus.
    pub on_blur: Callback<FocusEvent>,
    /// The field names offered, if any.
    pub popup: Option<Popup>,
    /// An offered field was clicked (its index).
    pub on_choose: Callback<usize>,
}

/// The code area: line numbers with problem markers, the highlighted text, and the
/// transparent textarea the learner types into.
#[function_component(Code)]
pub fn code(p: &CodeProps) -> Html {
    let worst = |line: usize| p.diagnostics.iter().filter(|d| d.line == line).map(|d| d.severity).max();
    let lines: Vec<&str> = p.text.split('\n').collect();
    html! {
        <div class="code">
            <div class="gutter" ref={p.gutter.clone()} aria-hidden="true">
                { for (1..=lines.len()).map(|n| {
                    let messages: Vec<&str> = p.diagnostics.iter().filter(|d| d.line == n).map(|d| d.message.as_str()).collect();
                    let class = match worst(n) { Some(Severity::Error) => "error", Some(Severity::Warning) => "warning", None => "" };
                    html! { <div class={classes!("num", class)} data-line={n.to_string()} title={(!messages.is_empty()).then(|| messages.join("\n\n"))}>{ n }</div> }
                }) }
            </div>
            <div class="code-area">
                <div class="hl" ref={p.highlight.clone()} aria-hidden="true">
                    { for lines.iter().enumerate().map(|(i, line)| {
                        let class = match worst(i + 1) { Some(Severity::Error) => "error", Some(Severity::Warning) => "warning", None => "" };
                        html! {
                            <div class={classes!("hl-line", class)}>
                                { for editing::highlight_line(line).into_iter().map(|(class, text)| if class.is_empty() { html! { {text} } } else { html! { <span class={class}>{ text }</span> } }) }
                                { "\u{200b}" }
                            </div>
                        }
                    }) }
                </div>
                <textarea data-testid="editor" ref={p.textarea.clone()} spellcheck="false" wrap="off" autocomplete="off" autocapitalize="off"
                    aria-label="Manifest (YAML or JSON). Tab indents; press Escape then Tab to leave."
                    value={p.text.clone()} oninput={p.on_input.clone()} onkeydown={p.on_keydown.clone()} onscroll={p.on_scroll.clone()} onblur={p.on_blur.clone()} />
                if let Some(popup) = &p.popup { { completion_list(popup, &p.textarea, &p.on_choose) } }
            </div>
        </div>
    }
}

/// The list of offered field names under the caret, the highlighted one's meaning below.
fn completion_list(popup: &Popup, textarea: &NodeRef, on_choose: &Callback<usize>) -> Html {
    let (top, left, height, line) = textarea.cast::<web_sys::Element>().map_or((0, 0, 0, LINE_PX), |t| (t.scroll_top(), t.scroll_left(), t.client_height(), line_px(&t)));
    // Under the caret's line, or above it when there is more room there.
    let caret_top = 12.0 + popup.line as f64 * line - f64::from(top);
    let (below, above) = (f64::from(height) - caret_top - line, caret_top);
    let vertical = if below < 120.0 && above > below { format!("bottom: {:.0}px", f64::from(height) - caret_top) } else { format!("top: {:.0}px", caret_top + line) };
    let room = below.max(above).clamp(60.0, 240.0);
    let style = format!("{vertical}; left: calc(12px + {}ch - {left}px); max-height: {room:.0}px", popup.column);
    let chosen = popup.items.get(popup.selected);
    html! {
        <div class="completion" {style} data-testid="completion">
            <ul role="listbox" aria-label="Fields">
                { for popup.items.iter().enumerate().take(40).map(|(i, s)| {
                    // mousedown, not click: the textarea keeps the focus.
                    let choose = on_choose.reform(move |e: MouseEvent| { e.prevent_default(); i });
                    html! {
                        <li role="option" aria-selected={(i == popup.selected).to_string()} class={classes!((i == popup.selected).then_some("selected"))} onmousedown={choose}>
                            <span class="c-name">{ s.name }</span><span class="c-type">{ &s.ty }</span>
                        </li>
                    }
                }) }
            </ul>
            if let Some(s) = chosen { <p class="c-doc">{ s.description }</p> }
        </div>
    }
}

/// What [`problems`] lists and whom it tells.
pub struct ProblemsProps {
    /// The problems to list.
    pub diagnostics: Rc<Vec<Diagnostic>>,
    /// Moves the caret to a line.
    pub goto_line: Callback<usize>,
}

/// The problems found while typing, each with its line (a click goes there).
pub fn problems(p: &ProblemsProps) -> Html {
    if p.diagnostics.is_empty() {
        return html! {};
    }
    html! {
        <ul class="problems" data-testid="editor-problems" aria-label="Problems in this file">
            { for p.diagnostics.iter().map(|d| {
                let line = d.line;
                let class = if d.severity == Severity::Error { "error" } else { "warning" };
                html! {
                    <li class={class}>
                        <button class="goto" onclick={p.goto_line.reform(move |_: MouseEvent| line)}>{ format!("line {line}") }</button>
                        <pre>{ &d.message }</pre>
                    </li>
                }
            }) }
        </ul>
    }
}
