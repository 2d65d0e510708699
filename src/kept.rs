//! What the page keeps for the learner between visits (the editor's files, the cluster's
//! action log, the console history and transcript, lesson progress, rewind checkpoints, the
//! speed and open tab, the theme), in IndexedDB.
//!
//! [`open`] runs once before the page renders (`index.html` has already asked the browser to
//! open the database while the wasm downloaded): it opens the database [`DB_NAME`] (schema
//! [`SCHEMA_VERSION`]: one object store, [`STORE`], of string values under string keys),
//! reads every item into memory (unless its request has just created the database, which
//! then holds nothing), and moves the page's items out of localStorage (where earlier pages
//! kept them). After that, [`get_item`] answers from memory, synchronously, and
//! [`set_item`] / [`remove_item`] change the memory and write through to IndexedDB in the
//! background (a failed write is logged to the browser's console).
//!
//! Keys are the ones [`crate::storage_key`] makes, so embeds with their own scope keep their
//! own items in the one database. When IndexedDB cannot be used (no such API, private
//! browsing that refuses it, a newer schema from a later page, or no answer in time), and
//! before [`open`] has run, the same functions read and write localStorage instead. When
//! the browser refuses both (a frame of an `about:blank` or `srcdoc` page, blocked site
//! data), [`open`] knows at once and answers [`Backend::Nothing`]: the page keeps its
//! items in memory for the visit only, and says so. With persistence off ([`crate::set_persistence`]) nothing is read or kept.

use std::cell::{Cell, RefCell};
use kubeplay_sim::api::StringMap;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

/// The IndexedDB database of the page (one per site; embeds share it).
pub const DB_NAME: &str = "kubeplay";
/// The database's schema version: 1 is one object store, [`STORE`], string keys to string values.
pub const SCHEMA_VERSION: u32 = 1;
/// The object store that holds the items.
pub const STORE: &str = "kept";
/// How the keys of the page's items begin (in IndexedDB and in localStorage).
pub const KEY_PREFIX: &str = "kubeplay.";
/// How long [`open`] waits for the database before it uses localStorage.
const OPEN_TIMEOUT_MS: i32 = 5000;

/// Where the page keeps its items this session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// IndexedDB, read into memory at the start.
    IndexedDb,
    /// The browser's localStorage (IndexedDB could not be used, or [`open`] has not run).
    LocalStorage,
    /// Nowhere: the browser refuses this page both IndexedDB and localStorage, so the
    /// learner's work is kept in memory only, until the page closes (a file saved from
    /// it still holds that work).
    Nothing,
}

/// The open database and every item in it.
struct Store {
    /// The connection; `None` once a newer page in another tab asked to upgrade the schema
    /// (the items stay readable, changes are no longer written).
    db: Option<IdbDatabase>,
    /// Every item, as last written.
    items: StringMap,
}

thread_local! {
    /// The store while IndexedDB is in use.
    static STORE_STATE: RefCell<Option<Store>> = const { RefCell::new(None) };
    /// Set by [`replace_all`]: the page reloads next, so nothing it still holds may overwrite
    /// the items just put in place.
    static FROZEN: Cell<bool> = const { Cell::new(false) };
    /// Keys [`set_item_leaving`] also wrote to localStorage: the page came back (from the
    /// back/forward cache), so a later change of one must drop that copy, or the next open
    /// would move the older value over the newer one.
    static LEFT_IN_LOCAL_STORAGE: RefCell<std::collections::BTreeSet<String>> = const { RefCell::new(std::collections::BTreeSet::new()) };
    /// Set by [`open`] when the browser refused both IndexedDB and localStorage.
    static REFUSED: Cell<bool> = const { Cell::new(false) };
    /// Keys whose kept values are not text (so the page cannot read them), found by [`open`].
    static NOT_TEXT: RefCell<std::collections::BTreeSet<String>> = const { RefCell::new(std::collections::BTreeSet::new()) };
    /// What the page found kept but could not read (or not all of), in words, in the order found.
    static RESETS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// Told each time [`report_reset`] adds to [`resets`] (the page's notice).
    static ON_RESET: RefCell<Option<std::rc::Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Says that a kept record could not be read (or only in part) and was reset: `what` names
/// it for the learner ("the checkpoints"). Each is said once per visit.
pub fn report_reset(what: &str) {
    let added = RESETS.with(|r| {
        let mut r = r.borrow_mut();
        let new = !r.iter().any(|w| w == what);
        if new {
            r.push(what.to_string());
        }
        new
    });
    if added {
        warn(format!("{what} kept in this browser could not be read and was reset."));
        if let Some(listener) = ON_RESET.with(|l| l.borrow().clone()) {
            listener();
        }
    }
}

/// What was reported by [`report_reset`] since [`open`], in the order found.
pub fn resets() -> Vec<String> {
    RESETS.with(|r| r.borrow().clone())
}

/// Calls `listener` each time [`report_reset`] adds something (`None` stops it).
pub fn on_reset(listener: Option<std::rc::Rc<dyn Fn()>>) {
    ON_RESET.with(|l| *l.borrow_mut() = listener);
}

/// The item kept under `key`: `Ok(None)` if there is none, `Err(())` if there is one the page
/// cannot read (a value that is not text, written by something other than this page).
#[allow(clippy::result_unit_err)]
pub fn read_item(key: &str) -> Result<Option<String>, ()> {
    match get_item(key) {
        None if crate::persisting() && NOT_TEXT.with(|k| k.borrow().contains(key)) => Err(()),
        found => Ok(found),
    }
}

/// The text kept under `key`, "" if there is none. One the page cannot read is reported as
/// reset under `what` (the page's notice lists it) and read as "".
pub fn read_text(key: &str, what: &str) -> String {
    read_item(key).unwrap_or_else(|()| {
        report_reset(what);
        None
    })
    .unwrap_or_default()
}

/// The JSON objects that begin with `{"FIRST_KEY":` and are whole in `text`, in order: what
/// can still be read of a damaged record (cut off, or with a broken part) whose entries are
/// such objects. (The page writes its objects' keys in sorted order, so each entry begins
/// with the same key.)
pub fn whole_objects(text: &str, first_key: &str) -> Vec<serde_json::Value> {
    let start = format!("{{\"{first_key}\":");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|rest| rest.find(&start)) {
        let begin = from + at;
        let mut stream = serde_json::Deserializer::from_str(&text[begin..]).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(value)) => {
                found.push(value);
                from = begin + stream.byte_offset().max(1);
            }
            _ => from = begin + start.len(),
        }
    }
    found
}

/// Opens the page's database and reads what it keeps; moves the page's items out of
/// localStorage into it. Returns where the page keeps its items from now on. Calling it
/// again reads everything afresh (as a reload would).
///
/// The browser is asked to open the database at the call, before the returned future is
/// first polled, so the page can build its cluster while the database opens.
pub fn open() -> impl std::future::Future<Output = Backend> {
    if let Some(old) = STORE_STATE.with(|s| s.borrow_mut().take()) {
        if let Some(db) = old.db {
            db.close();
        }
    }
    FROZEN.with(|f| f.set(false));
    REFUSED.with(|r| r.set(false));
    NOT_TEXT.with(|k| k.borrow_mut().clear());
    RESETS.with(|r| r.borrow_mut().clear());
    let request = request_db();
    async move {
        let opened = match answered_db(request).await {
            // A database this very request created held nothing: no need to wait for a read
            // (a first visit renders sooner). Another page of the site that opened it since
            // (a second tab, an embed) may have written its own items meanwhile; this page
            // does not see those, as if it had read before they were written.
            Ok(db) if created(&db) && db.object_store_names().contains(STORE) => Ok((db, StringMap::new())),
            Ok(db) => match read_all(&db).await {
                Ok(items) => Ok((db, items)),
                Err(e) => {
                    db.close();
                    Err(e)
                }
            },
            Err(e) => Err(e),
        };
        finish_open(opened).await
    }
}

/// Keeps the opened database and its items, or falls back to localStorage.
async fn finish_open(opened: Result<(IdbDatabase, StringMap), String>) -> Backend {
    let (db, items) = match opened {
        Ok(opened) => opened,
        Err(e) if local_storage_refused() => {
            warn(format!("IndexedDB cannot be used ({e}) and localStorage is refused too; the page keeps nothing."));
            REFUSED.with(|r| r.set(true));
            // The items live in memory for this visit, so the page still reads back what it
            // keeps and "Save to a file" still has the learner's work.
            STORE_STATE.with(|s| *s.borrow_mut() = Some(Store { db: None, items: StringMap::new() }));
            return Backend::Nothing;
        }
        Err(e) => {
            warn(format!("IndexedDB cannot be used ({e}); the page keeps its work in localStorage."));
            return Backend::LocalStorage;
        }
    };
    watch_for_upgrades(&db);
    STORE_STATE.with(|s| *s.borrow_mut() = Some(Store { db: Some(db.clone()), items }));
    move_from_local_storage(&db).await;
    Backend::IndexedDb
}

/// Where the page keeps its items now.
pub fn backend() -> Backend {
    if REFUSED.with(Cell::get) {
        Backend::Nothing
    } else if STORE_STATE.with(|s| s.borrow().is_some()) {
        Backend::IndexedDb
    } else {
        Backend::LocalStorage
    }
}

/// The item kept under `key`, if any (`None` with persistence off).
pub fn get_item(key: &str) -> Option<String> {
    if !crate::persisting() {
        return None;
    }
    match STORE_STATE.with(|s| s.borrow().as_ref().map(|store| store.items.get(key).cloned())) {
        Some(value) => value,
        None => local_storage()?.get_item(key).ok()?,
    }
}

/// Keeps `value` under `key` (nothing with persistence off).
pub fn set_item(key: &str, value: &str) {
    change(key, Some(value));
}

/// Keeps `value` under `key` so that it survives the page going away now (`pagehide`, or a
/// reload right after a lesson check passed): a write to IndexedDB started now may be cut off
/// with the page, so the value also goes to localStorage, which writes at once; the next
/// [`open`] moves it into the database, over the older value there.
pub fn set_item_leaving(key: &str, value: &str) {
    if !crate::persisting() || FROZEN.with(Cell::get) {
        return;
    }
    set_item(key, value);
    if backend() == Backend::IndexedDb {
        if let Some(storage) = local_storage() {
            // Written every time (a copy from an earlier leave must not outlive newer work);
            // if it cannot be written, no older copy stays behind either.
            if storage.set_item(key, value).is_ok() {
                LEFT_IN_LOCAL_STORAGE.with(|k| k.borrow_mut().insert(key.to_string()));
            } else {
                let _ = storage.remove_item(key);
            }
        }
    }
}

/// Forgets the item under `key`.
pub fn remove_item(key: &str) {
    change(key, None);
}

/// Every item of the page's own (keys beginning with [`KEY_PREFIX`]); empty with persistence off.
pub fn items() -> Vec<(String, String)> {
    if !crate::persisting() {
        return Vec::new();
    }
    STORE_STATE
        .with(|s| s.borrow().as_ref().map(|store| store.items.iter().filter(|(k, _)| k.starts_with(KEY_PREFIX)).map(|(k, v)| (k.clone(), v.clone())).collect()))
        .unwrap_or_else(local_items)
}

/// Replaces every item of the page's own with `items` and waits until they are written.
/// Meant to be followed by a reload: until the next [`open`], later changes are ignored, so
/// nothing the page still holds (the cluster it saves every few seconds) overwrites them.
pub async fn replace_all(items: &[(String, String)]) -> Result<(), String> {
    if !crate::persisting() {
        return Err("this page keeps nothing in the browser".into());
    }
    FROZEN.with(|f| f.set(true));
    let result = replace_now(items).await;
    if result.is_err() {
        FROZEN.with(|f| f.set(false));
    }
    result
}

async fn replace_now(items: &[(String, String)]) -> Result<(), String> {
    if REFUSED.with(Cell::get) {
        return Err("this browser does not let the page keep anything here".into());
    }
    let in_db = STORE_STATE.with(|s| s.borrow().as_ref().map(|store| (store.db.clone(), store.items.keys().cloned().collect::<Vec<_>>())));
    let Some((db, old_keys)) = in_db else {
        let storage = local_storage().ok_or("the browser has no localStorage")?;
        remove_local_items(&storage);
        for (key, value) in items {
            storage.set_item(key, value).map_err(|e| describe(&e))?;
        }
        return Ok(());
    };
    let db = db.ok_or("a newer kubeplay page in another tab upgraded the browser's storage; reload this page")?;
    let ops: Vec<(&str, Option<&str>)> =
        old_keys.iter().filter(|k| k.starts_with(KEY_PREFIX)).map(|k| (k.as_str(), None)).chain(items.iter().map(|(k, v)| (k.as_str(), Some(v.as_str())))).collect();
    write_and_wait(&db, &ops).await?;
    STORE_STATE.with(|s| {
        if let Some(store) = s.borrow_mut().as_mut() {
            store.items.retain(|k, _| !k.starts_with(KEY_PREFIX));
            store.items.extend(items.iter().cloned());
        }
    });
    // A copy a leaving page left in localStorage would be moved over the new items.
    if let Some(storage) = local_storage() {
        remove_local_items(&storage);
    }
    Ok(())
}

/// Sets (`Some`) or removes (`None`) one item: in memory and, in the background, in IndexedDB.
fn change(key: &str, value: Option<&str>) {
    if !crate::persisting() || FROZEN.with(Cell::get) {
        return;
    }
    let in_db = STORE_STATE.with(|s| {
        let mut s = s.borrow_mut();
        let Some(store) = s.as_mut() else { return false };
        if store.items.get(key).map(String::as_str) == value {
            return true;
        }
        match value {
            Some(v) => store.items.insert(key.to_string(), v.to_string()),
            None => store.items.remove(key),
        };
        if let Some(db) = &store.db {
            write_behind(db, key, value);
        }
        true
    });
    if in_db && LEFT_IN_LOCAL_STORAGE.with(|k| k.borrow_mut().remove(key)) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(key);
        }
    }
    if !in_db {
        let Some(storage) = local_storage() else { return };
        let done = match value {
            Some(v) => storage.set_item(key, v),
            None => storage.remove_item(key),
        };
        if let Err(e) = done {
            warn(format!("localStorage refused to keep {key} ({})", describe(&e)));
        }
    }
}

/// Starts writing one change; a failure is logged, never raised.
fn write_behind(db: &IdbDatabase, key: &str, value: Option<&str>) {
    let started = write(db, &[(key, value)]);
    let key = key.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        let done = match started {
            Ok(tx) => finished(&tx).await,
            Err(e) => Err(e),
        };
        if let Err(e) = done {
            warn(format!("IndexedDB did not keep {key} ({e})"));
        }
    });
}

/// Writes the changes in one transaction and waits until it has committed.
async fn write_and_wait(db: &IdbDatabase, ops: &[(&str, Option<&str>)]) -> Result<(), String> {
    finished(&write(db, ops)?).await
}

/// Starts one read-write transaction that puts (`Some`) or deletes (`None`) the given items.
fn write(db: &IdbDatabase, ops: &[(&str, Option<&str>)]) -> Result<IdbTransaction, String> {
    let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite).map_err(|e| describe(&e))?;
    let requests = tx.object_store(STORE).and_then(|store| {
        for (key, value) in ops {
            let key = JsValue::from_str(key);
            match value {
                Some(v) => store.put_with_key(&JsValue::from_str(v), &key)?,
                None => store.delete(&key)?,
            };
        }
        Ok(())
    });
    match requests {
        Ok(()) => Ok(tx),
        Err(e) => {
            let _ = tx.abort();
            Err(describe(&e))
        }
    }
}

/// Waits until a transaction has committed (or says why it did not).
async fn finished(tx: &IdbTransaction) -> Result<(), String> {
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onabort(Some(&reject));
    });
    match JsFuture::from(done).await {
        Ok(_) => Ok(()),
        Err(_) => Err(tx.error().map_or_else(|| "the transaction was aborted".to_string(), |e| format!("{}: {}", e.name(), e.message()))),
    }
}

/// The result of a request, once it has one.
async fn result_of(request: &IdbRequest) -> Result<JsValue, String> {
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await.map_err(|_| request_error(request))?;
    request.result().map_err(|e| describe(&e))
}

/// The name of the promise under which `index.html` starts opening the database while the
/// wasm downloads (its script uses [`DB_NAME`], [`SCHEMA_VERSION`] and [`STORE`] too). It
/// settles with the database, or fails with the request's error.
const EARLY_OPEN: &str = "kubeplayOpening";
/// The property an open request's upgrade sets on the database: `true` when it created it
/// (the upgrade saw version 0), in `index.html` and in [`open_request`].
const CREATED: &str = "kubeplayCreated";

/// Whether `db` was created by the request that opened it (so it holds no items yet).
fn created(db: &IdbDatabase) -> bool {
    js_sys::Reflect::get(db, &CREATED.into()).ok().and_then(|v| v.as_bool()) == Some(true)
}

/// Asks the browser to open (creating or upgrading if need be) the page's database: takes
/// over the request `index.html` started, the first time, else makes one. The promise
/// settles with the database, or with nothing after a timeout.
fn request_db() -> Result<js_sys::Promise, String> {
    let window = web_sys::window().ok_or("no window")?;
    let early = js_sys::Reflect::get(&window, &EARLY_OPEN.into()).ok().and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let opening = match early {
        Some(promise) => {
            let _ = js_sys::Reflect::delete_property(&window, &EARLY_OPEN.into());
            promise
        }
        None => open_request(&window)?,
    };
    let timeout = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, OPEN_TIMEOUT_MS);
    });
    Ok(js_sys::Promise::race(&js_sys::Array::of3(&opening, &timeout, &refusal(&window))))
}

/// A promise that fails at once if the browser refuses this page IndexedDB, and otherwise
/// never settles. Where a page may not keep data (a frame of an `about:blank` page), an open
/// request is never answered at all, but listing the databases fails straight away ("The
/// user denied permission to access the database"), so the page need not wait for the
/// timeout. A browser without `indexedDB.databases()` waits as before.
fn refusal(window: &web_sys::Window) -> js_sys::Promise {
    let never = || js_sys::Promise::new(&mut |_, _| {});
    let Some(factory) = window.indexed_db().ok().flatten() else { return never() };
    let listed = js_sys::Reflect::get(&factory, &"databases".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call0(&factory).ok())
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    let Some(listed) = listed else { return never() };
    js_sys::Promise::new(&mut |_, reject| {
        let refused = Closure::once(move |e: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&format!("the browser refuses this page IndexedDB ({})", error_text(&e))));
        });
        let _ = listed.catch(&refused);
        // Called at most once, when the browser refuses; a page opens its storage once.
        refused.forget();
    })
}

/// Opens the database from here (when `index.html` did not): a promise of the database.
fn open_request(window: &web_sys::Window) -> Result<js_sys::Promise, String> {
    let factory = window.indexed_db().map_err(|e| describe(&e))?.ok_or("this browser has no IndexedDB")?;
    let request = factory.open_with_u32(DB_NAME, SCHEMA_VERSION).map_err(|e| describe(&e))?;
    // Schema 1: the object store. (A later schema adds its steps here and in index.html, by
    // the old version.)
    let upgrading = request.clone();
    let upgrade = Closure::once_into_js(move |event: JsValue| {
        let old_version = js_sys::Reflect::get(&event, &"oldVersion".into()).ok().and_then(|v| v.as_f64());
        if let Some(db) = upgrading.result().ok().and_then(|r| r.dyn_into::<IdbDatabase>().ok()) {
            let _ = js_sys::Reflect::set(&db, &CREATED.into(), &JsValue::from_bool(old_version == Some(0.0)));
            if !db.object_store_names().contains(STORE) {
                if let Err(e) = db.create_object_store(STORE) {
                    warn(format!("could not create the IndexedDB store ({})", describe(&e)));
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(js_sys::Promise::new(&mut |resolve, reject| {
        let (done, failed) = (request.clone(), request.clone());
        let success = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &done.result().unwrap_or(JsValue::UNDEFINED));
        });
        let error = Closure::once_into_js(move |_: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&request_error(&failed)));
        });
        request.set_onsuccess(Some(success.unchecked_ref()));
        request.set_onerror(Some(error.unchecked_ref()));
    }))
}

/// The database once the browser has answered the request from [`request_db`].
async fn answered_db(requested: Result<js_sys::Promise, String>) -> Result<IdbDatabase, String> {
    match JsFuture::from(requested?).await {
        Ok(answer) if answer.is_undefined() => Err(format!("no answer within {} s", OPEN_TIMEOUT_MS / 1000)),
        Ok(answer) => answer.dyn_into::<IdbDatabase>().map_err(|_| "the database did not open".to_string()),
        Err(e) => Err(error_text(&e)),
    }
}

/// Every item in the database.
async fn read_all(db: &IdbDatabase) -> Result<StringMap, String> {
    let tx = db.transaction_with_str(STORE).map_err(|e| describe(&e))?;
    let store = tx.object_store(STORE).map_err(|e| describe(&e))?;
    let keys = store.get_all_keys().map_err(|e| describe(&e))?;
    let values = store.get_all().map_err(|e| describe(&e))?;
    let keys: js_sys::Array = result_of(&keys).await?.unchecked_into();
    let values: js_sys::Array = result_of(&values).await?.unchecked_into();
    // A value that is not text (put there by something other than the page) cannot be read:
    // its key is noted, so the record it should have been is said to be reset.
    let not_text: Vec<String> = keys.iter().zip(values.iter()).filter(|(_, v)| v.as_string().is_none()).filter_map(|(k, _)| k.as_string()).collect();
    NOT_TEXT.with(|k| k.borrow_mut().extend(not_text));
    Ok(StringMap::from_iter(keys.iter().zip(values.iter()).filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?)))))
}

/// When a newer page in another tab asks to upgrade the schema, lets it: this connection
/// closes, and this tab keeps its items in memory only.
fn watch_for_upgrades(db: &IdbDatabase) {
    let this = db.clone();
    let on_change = Closure::once_into_js(move |_: JsValue| {
        this.close();
        STORE_STATE.with(|s| {
            if let Some(store) = s.borrow_mut().as_mut().filter(|store| store.db.as_ref() == Some(&this)) {
                store.db = None;
            }
        });
        warn("a newer kubeplay page upgraded this browser's storage; reload this page to keep its changes.".into());
    });
    db.set_onversionchange(Some(on_change.unchecked_ref()));
}

/// Moves the page's items from localStorage into the database (they win over what the
/// database holds: they were written by an earlier page, or while IndexedDB could not be
/// used). localStorage loses them once the database has them; if writing fails they stay
/// there for the next visit, and this visit still sees them.
async fn move_from_local_storage(db: &IdbDatabase) {
    let old = local_items();
    if old.is_empty() {
        return;
    }
    STORE_STATE.with(|s| {
        if let Some(store) = s.borrow_mut().as_mut() {
            store.items.extend(old.iter().cloned());
        }
    });
    let ops: Vec<(&str, Option<&str>)> = old.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))).collect();
    match (write_and_wait(db, &ops).await, local_storage()) {
        (Ok(()), Some(storage)) => {
            for (key, _) in &old {
                let _ = storage.remove_item(key);
            }
        }
        (Ok(()), None) => {}
        (Err(e), _) => warn(format!("could not move the work kept in localStorage to IndexedDB ({e}); it stays in localStorage.")),
    }
}

/// The browser's localStorage (the fallback, and where earlier pages kept their items).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether the browser refuses this page localStorage (reading the property throws a
/// `SecurityError`, as in a frame of an `about:blank` page).
fn local_storage_refused() -> bool {
    web_sys::window().is_none_or(|w| w.local_storage().is_err())
}

/// Removes the page's items from localStorage.
fn remove_local_items(storage: &web_sys::Storage) {
    for (key, _) in local_items() {
        let _ = storage.remove_item(&key);
    }
}

/// The page's items in localStorage.
fn local_items() -> Vec<(String, String)> {
    let Some(storage) = local_storage() else { return Vec::new() };
    let n = storage.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(KEY_PREFIX))
        .filter_map(|k| storage.get_item(&k).ok().flatten().map(|v| (k, v)))
        .collect()
}

/// Tells the browser's console (never the learner) what went wrong.
fn warn(message: String) {
    gloo::console::warn!(format!("kubeplay: {message}"));
}

/// Why a request failed.
fn request_error(request: &IdbRequest) -> String {
    match request.error() {
        Ok(Some(e)) => format!("{}: {}", e.name(), e.message()),
        _ => "the request failed".to_string(),
    }
}

/// Why opening failed, from either opener: a string already, or a `DOMException` (the
/// early opener passes the request's error on as it is).
fn error_text(e: &JsValue) -> String {
    match e.dyn_ref::<web_sys::DomException>() {
        Some(d) => format!("{}: {}", d.name(), d.message()),
        None => describe(e),
    }
}

/// A thrown JavaScript value in words.
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).or_else(|| e.as_string()).unwrap_or_else(|| format!("{e:?}"))
}
