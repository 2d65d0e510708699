//! The kubeplay playground page: a Yew app that shows and drives a cluster
//! through [`kubeplay_sim::ClusterInterface`] only, so the same views can later
//! attach to a cluster that lives elsewhere.

pub mod app;
pub mod editing;
pub mod components;
pub mod hooks;
pub mod kept;
pub mod lab_client;
pub mod lessons;
pub mod markdown;
pub mod page_view;
pub mod share_link;
pub mod state_file;

use kubeplay_sim::ClusterInterface;
use std::rc::Rc;

pub use app::App;

/// The cluster the page talks to, shared through Yew context.
#[derive(Clone)]
pub struct ClusterHandle(pub Rc<dyn ClusterInterface>);

impl PartialEq for ClusterHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl ClusterHandle {
    /// A handle to the in-page simulator with the default cluster.
    pub fn local_default() -> Self {
        ClusterHandle(Rc::new(kubeplay_sim::LocalCluster::new(default_cluster())))
    }

    /// Replaces the cluster with a fresh default one (the console's files stay); returns its
    /// number of workers.
    pub async fn start_fresh(&self) -> Result<u32, kubeplay_sim::apiserver::ApiError> {
        let fresh = default_cluster();
        self.0.restore(kubeplay_sim::interface::Snapshot(fresh.snapshot())).await?;
        Ok(fresh.settings().workers)
    }
}

/// The cluster a first visit starts with.
fn default_cluster() -> kubeplay_sim::Cluster {
    kubeplay_sim::Cluster::new(kubeplay_sim::ClusterSettings::default())
}

thread_local! {
    /// Whether the page keeps the learner's work in the browser (an embedded page does
    /// not, unless asked with `&persist`).
    static PERSIST: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

thread_local! {
    /// What sets this page's kept work apart from other embeds of the same site (empty for
    /// the full page): several embeds on one slide deck keep their own editor, cluster and
    /// console history.
    static SCOPE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Sets the scope of this page's kept work (see [`storage_key`]).
pub fn set_storage_scope(scope: &str) {
    SCOPE.with(|s| *s.borrow_mut() = scope.to_string());
}

/// The key under which this page keeps an item: `base` for the full page, `base@SCOPE` for
/// an embed with its own scope.
pub fn storage_key(base: &str) -> String {
    SCOPE.with(|s| {
        let scope = s.borrow();
        if scope.is_empty() {
            base.to_string()
        } else {
            format!("{base}@{scope}")
        }
    })
}

/// Turns keeping work in the browser ([`kept`]) on or off for this page.
pub fn set_persistence(on: bool) {
    PERSIST.with(|p| p.set(on));
}

/// Whether the page's URL asks it to keep the learner's work in the browser: always, but for
/// an embed without `&persist` (`?embed` keeps nothing, so it need not read anything either).
pub fn keeps_work_by_url() -> bool {
    lessons::url_param("embed").is_none() || lessons::url_param("persist").is_some()
}

/// Whether the page keeps the learner's work in the browser (see [`set_persistence`]).
pub fn persisting() -> bool {
    PERSIST.with(|p| p.get())
}

/// A count and its noun, singular for one: `counted(1, "event", "events")` is `1 event`.
pub fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Leaves a performance mark (`performance.mark`) for timing the page's start.
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
