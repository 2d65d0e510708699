//! How the learner left the page, kept between visits as the rest of their work is (keyed
//! per embed): the simulation speed, the left column's open tab, and whether the containers
//! lab was shown. The page's address wins over it (`?speed=`, `?lesson=`, `?lab`).

use serde_json::{json, Map, Value};

/// Where the view is kept (a JSON object: `speed`, `tab`, `lab`).
pub const VIEW_KEY: &str = "kubeplay.view.v1";
/// The words of the left column's tabs.
pub const TABS: [&str; 4] = ["lesson", "editor", "events", "charts"];

/// The kept view; `None` where nothing (readable) was kept.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeptView {
    /// The speed (one of [`crate::components::time_controls::SPEEDS`]).
    pub speed: Option<u32>,
    /// The open tab (one of [`TABS`]).
    pub tab: Option<String>,
    /// Whether the containers lab was shown instead of the cluster.
    pub lab: Option<bool>,
}

/// The kept form of a view.
pub fn to_text(view: &KeptView) -> String {
    let mut m = Map::new();
    if let Some(s) = view.speed {
        m.insert("speed".into(), json!(s));
    }
    if let Some(t) = &view.tab {
        m.insert("tab".into(), json!(t));
    }
    if let Some(l) = view.lab {
        m.insert("lab".into(), json!(l));
    }
    Value::Object(m).to_string()
}

/// The view in a kept record, and whether all of it could be read (the parts that can
/// be are used).
pub fn from_text(text: &str) -> (KeptView, bool) {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) else { return (KeptView::default(), false) };
    let speed = m.get("speed").map(|v| v.as_u64().and_then(|s| u32::try_from(s).ok()).filter(|s| crate::components::time_controls::SPEEDS.contains(s)));
    let tab = m.get("tab").map(|v| v.as_str().filter(|t| TABS.contains(t)).map(str::to_string));
    let lab = m.get("lab").map(Value::as_bool);
    let whole = ![speed.is_some_and(|s| s.is_none()), tab.as_ref().is_some_and(Option::is_none), lab.is_some_and(|l| l.is_none())].contains(&true);
    (KeptView { speed: speed.flatten(), tab: tab.flatten(), lab: lab.flatten() }, whole)
}

/// The view the learner left; one the page cannot read (or not all of) is said to be reset.
pub fn load() -> KeptView {
    match crate::kept::read_item(&crate::storage_key(VIEW_KEY)) {
        Ok(None) => KeptView::default(),
        Ok(Some(text)) => {
            let (view, whole) = from_text(&text);
            if !whole {
                crate::kept::report_reset("the view (speed and open tab)");
            }
            view
        }
        Err(()) => {
            crate::kept::report_reset("the view (speed and open tab)");
            KeptView::default()
        }
    }
}

/// Keeps the view for the next visit.
pub fn save(view: &KeptView) {
    crate::kept::set_item(&crate::storage_key(VIEW_KEY), &to_text(view));
}
