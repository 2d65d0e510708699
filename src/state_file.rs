//! Export and import of everything the page keeps for the learner (the cluster's action
//! log, the editor text, the console history, lesson progress) as one JSON file, so work
//! moves between browsers or survives clearing the browser's data. The theme chosen with
//! the top bar's switch is the viewer's, not the work's: it is neither saved in a file nor
//! replaced by opening one.

use serde_json::{json, Map, Value};

/// The file's `format` field.
pub const FORMAT: &str = "kubeplay-state";
/// The version of the file's layout this page writes and reads.
pub const VERSION: u64 = 1;
/// Keys the page keeps that belong in the file (all of the page's own, but the token and
/// the theme).
fn kept(key: &str) -> bool {
    key.starts_with("kubeplay.") && key != "kubeplay.token" && !is_theme(key)
}

/// Whether `key` keeps a theme chosen with the switch (the full page's or an embed's).
fn is_theme(key: &str) -> bool {
    let theme = crate::components::theme::THEME_KEY;
    key.strip_prefix(theme).is_some_and(|rest| rest.is_empty() || rest.starts_with('@'))
}

/// The file's text for the given stored items (key, value).
pub fn export(items: &[(String, String)]) -> String {
    let mut stored = Map::new();
    for (k, v) in items.iter().filter(|(k, _)| kept(k)) {
        stored.insert(k.clone(), Value::String(v.clone()));
    }
    serde_json::to_string_pretty(&json!({"format": FORMAT, "version": VERSION, "items": stored})).unwrap_or_default()
}

/// The stored items in a file, or what is wrong with it, in words for the learner.
pub fn import(text: &str) -> Result<Vec<(String, String)>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("This is not a kubeplay file (it is not JSON: {e})."))?;
    if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err("This is not a kubeplay file (it has no \"format\": \"kubeplay-state\").".into());
    }
    match v.get("version").and_then(Value::as_u64) {
        Some(VERSION) => {}
        Some(n) if n > VERSION => return Err(format!("This file comes from a newer kubeplay (format version {n}); this page reads version {VERSION}.")),
        _ => return Err("This kubeplay file has no version this page can read.".into()),
    }
    let items = v.get("items").and_then(Value::as_object).ok_or("This kubeplay file holds no saved items.")?;
    Ok(items.iter().filter(|(k, _)| kept(k)).filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect())
}

/// Every item the page keeps in the browser now.
pub fn stored_items() -> Vec<(String, String)> {
    crate::kept::items().into_iter().filter(|(k, _)| kept(k)).collect()
}

/// Replaces what the page keeps with `items` and waits until the browser has them (the
/// caller reloads the page to take them up; until then the page keeps nothing new). The
/// theme kept in this browser stays as it is.
pub async fn restore_items(items: &[(String, String)]) -> Result<(), String> {
    if !crate::persisting() {
        return Err("This page keeps nothing in the browser (an embedded page without &persist), so it cannot open a saved file.".into());
    }
    if crate::kept::backend() == crate::kept::Backend::Nothing {
        return Err("This browser does not let the page keep anything here (a frame of a page without an address, or site data blocked), so it cannot open a saved file. Open the playground in a tab of its own.".into());
    }
    let theme = crate::kept::items().into_iter().filter(|(k, _)| is_theme(k));
    let items: Vec<(String, String)> = items.iter().filter(|(k, _)| !is_theme(k)).cloned().chain(theme).collect();
    crate::kept::replace_all(&items).await.map_err(|e| format!("The browser refused to store the file's contents ({e}; storage full?)."))
}
