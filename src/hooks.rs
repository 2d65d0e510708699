//! Hooks that keep a view's copy of cluster objects current: list once, then
//! follow the watch (an informer, as client-go calls it).

use std::sync::Arc;
use crate::ClusterHandle;
use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::interface::WatchRequest;
use kubeplay_sim::store::EventType;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

/// A view's cache of one kind's objects, keyed by namespace and name.
#[derive(Clone, Default, PartialEq)]
pub struct ObjectCache {
    /// Objects by (namespace, name).
    pub objects: BTreeMap<(String, String), Arc<Object>>,
}

/// Changes to an [`ObjectCache`].
pub enum CacheAction {
    /// Replace everything (after a list).
    Reset(Vec<Object>),
    /// Apply one watch event.
    Event(EventType, Arc<Object>),
}

impl ObjectCache {
    /// A cache of the objects a list answered.
    fn of(items: Vec<Object>) -> ObjectCache {
        ObjectCache { objects: kubeplay_sim::sorting::map_of(items.into_iter().map(|o| (key(&o), Arc::new(o)))) }
    }
}

/// An object's place in an [`ObjectCache`].
fn key(o: &Object) -> (String, String) {
    (o.namespace().to_string(), o.name().to_string())
}

impl Reducible for ObjectCache {
    type Action = CacheAction;
    fn reduce(self: Rc<Self>, action: CacheAction) -> Rc<Self> {
        match action {
            CacheAction::Reset(items) => Rc::new(ObjectCache::of(items)),
            CacheAction::Event(type_, o) => {
                let mut next = (*self).clone();
                if type_ == EventType::Deleted {
                    next.objects.remove(&key(&o));
                } else {
                    next.objects.insert(key(&o), o);
                }
                Rc::new(next)
            }
        }
    }
}

/// All objects of `kind`, kept current by a watch for as long as the component lives. A
/// cluster in the page fills the cache for the first render, so a view never draws empty
/// first.
#[hook]
pub fn use_objects(kind: Kind) -> UseReducerHandle<ObjectCache> {
    let client = use_context::<ClusterHandle>().expect("ClusterHandle context is provided by the app");
    // The resource version of that first list, which the watch starts from.
    let listed = use_mut_ref(|| None::<u64>);
    let cache = {
        let (client, listed) = (client.clone(), listed.clone());
        use_reducer(move || match client.0.list_now(kind) {
            Some(list) => {
                *listed.borrow_mut() = Some(list.resource_version);
                ObjectCache::of(list.items)
            }
            None => ObjectCache::default(),
        })
    };
    {
        let dispatcher = cache.dispatcher();
        use_effect_with((client, kind), move |(client, kind)| {
            let alive = Rc::new(Cell::new(true));
            let (client, kind, flag) = (client.clone(), *kind, alive.clone());
            let mut since = listed.borrow_mut().take();
            wasm_bindgen_futures::spawn_local(async move {
                while flag.get() {
                    if since.is_none() {
                        let Ok(list) = client.0.list(kind, None).await else { return };
                        since = Some(list.resource_version);
                        dispatcher.dispatch(CacheAction::Reset(list.items));
                    }
                    let mut watch = client.0.watch(WatchRequest { kind: Some(kind), namespace: None, since: since.take().unwrap_or_default() });
                    while let Some(event) = watch.recv().await {
                        if !flag.get() {
                            return;
                        }
                        dispatcher.dispatch(CacheAction::Event(event.type_, event.object));
                    }
                }
            });
            move || alive.set(false)
        });
    }
    cache
}

/// A panel's Escape: the button that opens the panel (its ref) and a key handler for the
/// panel's container. Escape closes the open panel from anywhere in it, and the focus goes
/// back to the button.
#[hook]
pub fn use_escape_closes(open: &UseStateHandle<bool>) -> (NodeRef, Callback<KeyboardEvent>) {
    let button = use_node_ref();
    let onkeydown = {
        let (open, button) = (open.clone(), button.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" && *open {
                e.prevent_default();
                open.set(false);
                if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                    let _ = b.focus();
                }
            }
        })
    };
    (button, onkeydown)
}
