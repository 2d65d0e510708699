//! The console's transcript kept between visits (what was typed and printed), so a reload
//! shows the console as it was. Only its newest part is kept: at most [`KEPT_LINES`] lines
//! and about [`KEPT_CHARS`] characters.

use super::console::Line;
use serde_json::{json, Value};

/// Where the transcript is kept (a JSON array of lines).
pub const TRANSCRIPT_KEY: &str = "kubeplay.console-transcript.v1";
/// The most lines kept.
pub const KEPT_LINES: usize = 500;
/// About the most characters kept (whole lines, newest first, until this is reached).
pub const KEPT_CHARS: usize = 64 * 1024;

/// The newest lines of `lines` that fit the bounds, oldest first.
pub fn newest(lines: &[Line]) -> &[Line] {
    let mut chars = 0;
    let mut from = lines.len();
    for line in lines.iter().rev().take(KEPT_LINES) {
        chars += size(line);
        if chars > KEPT_CHARS {
            break;
        }
        from -= 1;
    }
    &lines[from..]
}

/// The characters a line holds.
fn size(line: &Line) -> usize {
    match line {
        Line::Prompt(ps1, c) => ps1.len() + c.len(),
        Line::More(t) | Line::Out(t) | Line::Err(t) => t.len(),
    }
}

/// The kept form of a transcript: its newest lines (see [`newest`]) as JSON.
pub fn to_text(lines: &[Line]) -> String {
    let v: Vec<Value> = newest(lines)
        .iter()
        .map(|l| match l {
            Line::Prompt(ps1, c) => json!({"kind": "prompt", "ps1": ps1, "text": c}),
            Line::More(t) => json!({"kind": "more", "text": t}),
            Line::Out(t) => json!({"kind": "out", "text": t}),
            Line::Err(t) => json!({"kind": "err", "text": t}),
        })
        .collect();
    Value::Array(v).to_string()
}

/// One kept line, if it is one the console prints.
fn line_of(v: &Value) -> Option<Line> {
    let text = v.get("text")?.as_str()?.to_string();
    Some(match v.get("kind")?.as_str()? {
        "prompt" => Line::Prompt(v.get("ps1")?.as_str()?.to_string(), text),
        "more" => Line::More(text),
        "out" => Line::Out(text),
        "err" => Line::Err(text),
        _ => return None,
    })
}

/// The lines in a kept transcript, and whether all of it could be read (a damaged record
/// gives the whole lines that can still be read).
pub fn from_text(text: &str) -> (Vec<Line>, bool) {
    let listed: Option<Vec<Value>> = serde_json::from_str(text).ok();
    let entries = listed.clone().unwrap_or_else(|| crate::kept::whole_objects(text, "kind"));
    let lines: Vec<Line> = entries.iter().filter_map(line_of).collect();
    let whole = listed.is_some_and(|l| l.len() == lines.len());
    (lines, whole)
}

/// The transcript of the last visit; one the page cannot read (or not all of) is said to be reset.
pub fn load() -> Vec<Line> {
    let text = crate::kept::read_text(&crate::storage_key(TRANSCRIPT_KEY), "the console's output");
    if text.is_empty() {
        return Vec::new();
    }
    let (lines, whole) = from_text(&text);
    if !whole {
        crate::kept::report_reset(if lines.is_empty() { "the console's output" } else { "some of the console's output" });
    }
    lines
}

/// Keeps the newest part of the transcript; `leaving`: the page is going away now.
pub fn save(lines: &[Line], leaving: bool) {
    let key = crate::storage_key(TRANSCRIPT_KEY);
    let text = to_text(lines);
    if leaving {
        crate::kept::set_item_leaving(&key, &text);
    } else {
        crate::kept::set_item(&key, &text);
    }
}
