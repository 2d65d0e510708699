//! The keys of the page's tab lists (the WAI-ARIA tabs pattern): only the selected tab is a
//! Tab stop, and the arrow keys move along the list, selecting as they go.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A tab's `tabindex`: the selected tab is the list's one Tab stop.
pub fn tab_index(selected: bool) -> &'static str {
    if selected { "0" } else { "-1" }
}

/// Keydown on a `role="tablist"`: Left and Right go to the previous and next tab (round the
/// ends), Home and End to the first and last; the tab reached gets the focus and is selected.
pub fn on_tablist_key() -> Callback<KeyboardEvent> {
    Callback::from(|e: KeyboardEvent| {
        let step: fn(usize, usize) -> usize = match e.key().as_str() {
            "ArrowRight" => |i, n| (i + 1) % n,
            "ArrowLeft" => |i, n| (i + n - 1) % n,
            "Home" => |_, _| 0,
            "End" => |_, n| n - 1,
            _ => return,
        };
        // From the tab the key was pressed on (Yew delegates events: the current target is
        // the app's root, not the list).
        let Some(tab) = e.target_dyn_into::<web_sys::Element>().filter(|t| t.get_attribute("role").as_deref() == Some("tab")) else { return };
        let Some(list) = tab.closest("[role=tablist]").ok().flatten() else { return };
        let Ok(tabs) = list.query_selector_all("[role=tab]") else { return };
        let n = tabs.length() as usize;
        let Some(at) = (0..n).find(|&i| tabs.item(i as u32).is_some_and(|t| t.is_same_node(Some(&tab)))) else { return };
        e.prevent_default();
        if let Some(tab) = tabs.item(step(at, n) as u32).and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = tab.focus();
            tab.click();
        }
    })
}
