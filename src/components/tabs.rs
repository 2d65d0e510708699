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
        if let Some(tab) = move_focus(&e, "[role=tab]", "[role=tablist]", step) {
            tab.click();
        }
    })
}

/// The element matching `item` that a key was pressed on, and every such element in the
/// `within` container around it (in the page's order, the first included), or None when the
/// key was pressed elsewhere. (From the event's target: Yew delegates events, so the current
/// target is the app's root, not the container.)
pub fn focused_items(e: &KeyboardEvent, item: &str, within: &str) -> Option<(web_sys::Element, web_sys::NodeList)> {
    let from = e.target_dyn_into::<web_sys::Element>().filter(|t| t.matches(item).unwrap_or(false))?;
    let all = from.closest(within).ok().flatten()?.query_selector_all(item).ok()?;
    Some((from, all))
}

/// Moves the focus from the element matching `item` that a key was pressed on to another
/// such element in the same `within` container, the one `step(at, count)` picks; returns it.
pub fn move_focus(e: &KeyboardEvent, item: &str, within: &str, step: fn(usize, usize) -> usize) -> Option<web_sys::HtmlElement> {
    let (from, all) = focused_items(e, item, within)?;
    let n = all.length() as usize;
    let at = (0..n).find(|&i| all.item(i as u32).is_some_and(|t| t.is_same_node(Some(&from))))?;
    e.prevent_default();
    let to = all.item(step(at, n) as u32)?.dyn_into::<web_sys::HtmlElement>().ok()?;
    let _ = to.focus();
    Some(to)
}
