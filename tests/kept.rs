//! Browser tests (wasm-bindgen-test in headless Chromium) of what the page keeps between
//! visits: IndexedDB through `kubeplay_web::kept`, the move from localStorage, embeds'
//! scopes, the fallback to localStorage, and the state file over the store.

use kubeplay_web::components::editor::OpenFiles;
use kubeplay_web::kept::{self, Backend};
use kubeplay_web::lessons::Progress;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn factory() -> web_sys::IdbFactory {
    web_sys::window().unwrap().indexed_db().unwrap().unwrap()
}

/// Waits for a request's success (or error) event.
async fn settled(request: &web_sys::IdbRequest) -> Result<JsValue, JsValue> {
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    wasm_bindgen_futures::JsFuture::from(done).await?;
    request.result()
}

/// Deletes the page's database, as a browser that never saw the page has none.
async fn delete_database() {
    settled(&factory().delete_database(kept::DB_NAME).unwrap()).await.expect("the database is deleted");
}

/// The value the database itself holds under `key` (read with a connection of its own).
async fn in_database(key: &str) -> Option<String> {
    let db: web_sys::IdbDatabase = settled(&factory().open(kept::DB_NAME).unwrap()).await.unwrap().unchecked_into();
    let store = db.transaction_with_str(kept::STORE).unwrap().object_store(kept::STORE).unwrap();
    let value = settled(&store.get(&JsValue::from_str(key)).unwrap()).await.unwrap().as_string();
    db.close();
    value
}

/// Nothing kept (as after clearing the browser's data), then a reload.
async fn empty_store() {
    kept::replace_all(&[]).await.unwrap();
    local_storage().clear().unwrap();
    assert_eq!(kept::open().await, Backend::IndexedDb);
}

/// What a reload does: the page reads everything afresh from the database.
async fn reload() {
    assert_eq!(kept::open().await, Backend::IndexedDb);
}

#[wasm_bindgen_test]
async fn a_value_written_is_read_back_after_a_reload_and_is_not_in_local_storage() {
    empty_store().await;
    kept::set_item("kubeplay.test.v1", "kept across visits");
    kept::set_item("kubeplay.gone.v1", "soon removed");
    kept::remove_item("kubeplay.gone.v1");
    assert_eq!(kept::get_item("kubeplay.test.v1").as_deref(), Some("kept across visits"), "read back at once, from memory");
    reload().await;
    assert_eq!(kept::get_item("kubeplay.test.v1").as_deref(), Some("kept across visits"));
    assert_eq!(kept::get_item("kubeplay.gone.v1"), None);
    assert_eq!(in_database("kubeplay.test.v1").await.as_deref(), Some("kept across visits"));
    assert_eq!(local_storage().get_item("kubeplay.test.v1").unwrap(), None, "localStorage is not used");
    empty_store().await;
}

#[wasm_bindgen_test]
async fn what_a_leaving_page_writes_is_read_after_a_reload_and_never_outlives_newer_work() {
    empty_store().await;
    kept::set_item("kubeplay.cluster.v1", "old");
    // The page goes away: the value goes to localStorage too, which the next open moves in.
    kept::set_item_leaving("kubeplay.cluster.v1", "left");
    assert_eq!(local_storage().get_item("kubeplay.cluster.v1").unwrap().as_deref(), Some("left"));
    reload().await;
    assert_eq!(kept::get_item("kubeplay.cluster.v1").as_deref(), Some("left"));
    assert_eq!(local_storage().get_item("kubeplay.cluster.v1").unwrap(), None, "moved into the database");
    // The page comes back from the back/forward cache and keeps working: the copy goes.
    kept::set_item_leaving("kubeplay.cluster.v1", "left again");
    kept::set_item("kubeplay.cluster.v1", "newer");
    assert_eq!(local_storage().get_item("kubeplay.cluster.v1").unwrap(), None, "no older copy to move over the newer value");
    reload().await;
    assert_eq!(kept::get_item("kubeplay.cluster.v1").as_deref(), Some("newer"));
    empty_store().await;
}

#[wasm_bindgen_test]
async fn a_cluster_log_larger_than_local_storage_allows_is_kept() {
    empty_store().await;
    // localStorage holds a few million characters per site; this is 12 million.
    let log: String = "kubectl scale deployment web --replicas=3\n".repeat(12_000_000 / 42 + 1);
    assert!(local_storage().set_item("kubeplay.too-big", &log).is_err(), "localStorage refuses it");
    kept::set_item(kubeplay_web::app::CLUSTER_KEY, &log);
    reload().await;
    assert_eq!(kept::get_item(kubeplay_web::app::CLUSTER_KEY).map(|l| l.len()), Some(log.len()));
    empty_store().await;
}

/// Runs `index.html`'s own first script, which starts opening the database while the wasm
/// downloads (the page's `kept::open` takes that request over).
fn start_opening_as_index_html_does() {
    let html = include_str!("../index.html");
    let start = html.find("<script>").expect("index.html has a script") + "<script>".len();
    let end = start + html[start..].find("</script>").expect("the script ends");
    assert!(html[start..end].contains("indexedDB.open"), "the first script opens the database");
    js_sys::Function::new_no_args(&html[start..end]).call0(&JsValue::NULL).expect("the script runs");
}

#[wasm_bindgen_test]
async fn a_database_this_visit_created_starts_empty_and_what_the_visit_keeps_is_read_after_a_reload() {
    empty_store().await;
    // The page's own request creates the database, then index.html's early one does.
    for early in [false, true] {
        delete_database().await;
        let early_request = early.then(|| {
            start_opening_as_index_html_does();
            js_sys::Reflect::get(&web_sys::window().unwrap(), &"kubeplayOpening".into()).unwrap().unchecked_into::<js_sys::Promise>()
        });
        assert_eq!(kept::open().await, Backend::IndexedDb);
        if let Some(request) = early_request {
            let db = wasm_bindgen_futures::JsFuture::from(request).await.unwrap();
            assert_eq!(js_sys::Reflect::get(&db, &"kubeplayCreated".into()).unwrap().as_bool(), Some(true), "index.html marks the database it created");
        }
        assert_eq!(kept::items(), Vec::new(), "a new database holds nothing");
        kept::set_item("kubeplay.first-visit.v1", "written on the first visit");
        // The database exists now: a reload reads it (the note that it was created does
        // not outlive the connection that made it).
        reload().await;
        assert_eq!(kept::get_item("kubeplay.first-visit.v1").as_deref(), Some("written on the first visit"), "early open: {early}");
        assert_eq!(in_database("kubeplay.first-visit.v1").await.as_deref(), Some("written on the first visit"));
    }
    empty_store().await;
}

#[wasm_bindgen_test]
async fn the_first_visit_moves_what_localstorage_kept_into_indexeddb() {
    empty_store().await;
    // A browser where an earlier page kept the editor in localStorage, and no database yet.
    delete_database().await;
    let storage = local_storage();
    storage.set_item("kubeplay.editor.v1", "# an old single editor text").unwrap();
    storage.set_item("kubeplay.lesson.first-deployment.v1", "1|11,0").unwrap();
    storage.set_item("another-app.setting", "left alone").unwrap();
    assert_eq!(kept::open().await, Backend::IndexedDb);
    assert_eq!(OpenFiles::load().current().text, "# an old single editor text", "the old text is the first tab");
    assert_eq!(Progress::saved_summary("first-deployment"), Some((1, 2)));
    assert_eq!(storage.get_item("kubeplay.editor.v1").unwrap(), None, "moved, not copied");
    assert_eq!(storage.get_item("another-app.setting").unwrap().as_deref(), Some("left alone"), "other keys of the site stay");
    assert_eq!(in_database("kubeplay.editor.v1").await.as_deref(), Some("# an old single editor text"));
    reload().await;
    assert_eq!(OpenFiles::load().current().text, "# an old single editor text");
    storage.remove_item("another-app.setting").unwrap();
    empty_store().await;
}

#[wasm_bindgen_test]
async fn two_embeds_and_the_full_page_keep_their_work_apart() {
    empty_store().await;
    let save_text = |scope: &str, text: &str| {
        kubeplay_web::set_storage_scope(scope);
        let mut files = OpenFiles::default();
        files.set_text(text.into());
        files.save();
        Progress { step: 1, passed: vec![vec![true], vec![scope.is_empty()]] }.save("rolling");
    };
    save_text("", "# the full page");
    save_text("id=one", "# embed one");
    save_text("id=two", "# embed two");
    reload().await;
    for (scope, text) in [("", "# the full page"), ("id=one", "# embed one"), ("id=two", "# embed two")] {
        kubeplay_web::set_storage_scope(scope);
        assert_eq!(OpenFiles::load().current().text, text, "scope {scope:?}");
        let done = if scope.is_empty() { 2 } else { 1 };
        assert_eq!(Progress::saved_summary("rolling"), Some((done, 2)), "scope {scope:?}");
    }
    kubeplay_web::set_storage_scope("");
    assert!(in_database("kubeplay.editor.v2@id=one").await.unwrap().contains("# embed one"));
    assert!(in_database("kubeplay.editor.v2@id=two").await.unwrap().contains("# embed two"));
    empty_store().await;
}

#[wasm_bindgen_test]
async fn a_page_without_persistence_keeps_and_reads_nothing() {
    empty_store().await;
    kept::set_item("kubeplay.test.v1", "before");
    kubeplay_web::set_persistence(false);
    assert_eq!(kept::get_item("kubeplay.test.v1"), None);
    kept::set_item("kubeplay.test.v1", "while off");
    assert!(kept::items().is_empty());
    assert!(kubeplay_web::state_file::restore_items(&[]).await.is_err());
    kubeplay_web::set_persistence(true);
    reload().await;
    assert_eq!(kept::get_item("kubeplay.test.v1").as_deref(), Some("before"));
    empty_store().await;
}

#[wasm_bindgen_test]
async fn a_state_file_replaces_everything_kept_and_later_changes_wait_for_the_reload() {
    empty_store().await;
    kept::set_item("kubeplay.editor.v2", "{}");
    kept::set_item("kubeplay.cluster.v1", "the cluster before");
    let file = kubeplay_web::state_file::export(&[("kubeplay.cluster.v1".into(), "the file's cluster".into())]);
    let items = kubeplay_web::state_file::import(&file).unwrap();
    kubeplay_web::state_file::restore_items(&items).await.unwrap();
    // The page's timer saves the cluster it still shows before the reload: ignored.
    kept::set_item("kubeplay.cluster.v1", "the cluster before");
    reload().await;
    assert_eq!(kubeplay_web::state_file::stored_items(), [("kubeplay.cluster.v1".to_string(), "the file's cluster".to_string())]);
    kept::set_item("kubeplay.cluster.v1", "after the reload");
    assert_eq!(kept::get_item("kubeplay.cluster.v1").as_deref(), Some("after the reload"), "changes are kept again");
    empty_store().await;
}

#[wasm_bindgen_test]
async fn opening_a_state_file_keeps_the_theme_chosen_in_this_browser() {
    empty_store().await;
    kept::set_item("kubeplay.theme.v1", "dark");
    kept::set_item("kubeplay.theme.v1@id=slide", "light");
    kept::set_item("kubeplay.editor.v2", "{}");
    // A file saved where another theme was chosen (an older page saved the theme too).
    let file = r#"{"format":"kubeplay-state","version":1,"items":{"kubeplay.theme.v1":"light","kubeplay.cluster.v1":"the file's cluster"}}"#;
    let items = kubeplay_web::state_file::import(file).unwrap();
    kubeplay_web::state_file::restore_items(&items).await.unwrap();
    reload().await;
    assert_eq!(kept::get_item("kubeplay.theme.v1").as_deref(), Some("dark"));
    assert_eq!(kept::get_item("kubeplay.theme.v1@id=slide").as_deref(), Some("light"));
    assert_eq!(kept::get_item("kubeplay.cluster.v1").as_deref(), Some("the file's cluster"));
    assert_eq!(kept::get_item("kubeplay.editor.v2"), None, "the rest is the file's");
    // The theme is not saved in a file either.
    let saved = kubeplay_web::state_file::export(&kept::items());
    assert!(!saved.contains("theme"), "{saved}");
    empty_store().await;
}

#[wasm_bindgen_test]
async fn without_a_usable_indexeddb_the_page_keeps_its_work_in_localstorage() {
    empty_store().await;
    kept::set_item("kubeplay.test.v1", "in the database");
    // A newer page (schema 2) upgraded the database: this connection lets it, and this page
    // can no longer open schema 1.
    let newer: web_sys::IdbDatabase = settled(&factory().open_with_u32(kept::DB_NAME, kept::SCHEMA_VERSION + 1).unwrap()).await.unwrap().unchecked_into();
    newer.close();
    assert_eq!(kept::open().await, Backend::LocalStorage);
    assert_eq!(kept::backend(), Backend::LocalStorage);
    kept::set_item("kubeplay.editor.v2", "kept in localStorage");
    assert_eq!(local_storage().get_item("kubeplay.editor.v2").unwrap().as_deref(), Some("kept in localStorage"));
    assert_eq!(kept::get_item("kubeplay.editor.v2").as_deref(), Some("kept in localStorage"));
    assert_eq!(kubeplay_web::state_file::stored_items().len(), 1);
    // Once the database works again, what was kept meanwhile moves into it.
    delete_database().await;
    reload().await;
    assert_eq!(kept::get_item("kubeplay.editor.v2").as_deref(), Some("kept in localStorage"));
    assert_eq!(local_storage().get_item("kubeplay.editor.v2").unwrap(), None);
    empty_store().await;
}

#[wasm_bindgen_test]
fn one_notice_names_every_record_reset_and_no_longer_says_those_are_kept() {
    let cluster = "The cluster kept in this browser could not be restored: its record is damaged (it is not a kubeplay action log). This is a fresh cluster; your editor files and console history are kept.";
    assert_eq!(kubeplay_web::app::notice_text(Some(cluster), &[]).as_deref(), Some(cluster));
    let resets = ["the editor's files".to_string(), "the checkpoints".to_string(), "the console history".to_string()];
    let both = kubeplay_web::app::notice_text(Some(cluster), &resets).unwrap();
    assert_eq!(
        both,
        "The cluster kept in this browser could not be restored: its record is damaged (it is not a kubeplay action log). This is a fresh cluster. Some of what this browser kept could not be read, so the page reset it: the editor's files, the checkpoints and the console history. Everything else is kept."
    );
    assert_eq!(kubeplay_web::app::notice_text(None, &[]), None);
}

#[wasm_bindgen_test]
fn what_can_be_read_of_a_cut_off_record_is_its_whole_entries() {
    let cut = r#"[{"log":"one","time":1},{"log":"two {\"log\":","time":2},{"log":"thr"#;
    let whole = kept::whole_objects(cut, "log");
    assert_eq!(whole.iter().map(|v| v["log"].as_str().unwrap()).collect::<Vec<_>>(), ["one", "two {\"log\":"]);
    assert!(kept::whole_objects("not json at all", "log").is_empty());
}

#[wasm_bindgen_test]
fn the_console_transcript_is_kept_bounded_and_read_back_in_part_when_damaged() {
    use kubeplay_web::components::console::Line;
    use kubeplay_web::components::transcript::{from_text, newest, to_text, KEPT_CHARS, KEPT_LINES};
    let lines = vec![Line::Prompt("~$".into(), "kubectl get nodes".into()), Line::Out("NAME  STATUS".into()), Line::Err("error: \"quoted\"".into()), Line::More("EOF".into())];
    assert_eq!(from_text(&to_text(&lines)), (lines.clone(), true));
    // Only the newest part is kept: at most so many lines, and so many characters.
    let many: Vec<Line> = (0..KEPT_LINES + 10).map(|i| Line::Out(format!("line {i}"))).collect();
    assert_eq!(newest(&many).len(), KEPT_LINES);
    assert_eq!(newest(&many).last(), many.last());
    let wide: Vec<Line> = (0..40).map(|i| Line::Out(format!("{i:>4000}"))).collect();
    assert!(newest(&wide).len() == KEPT_CHARS / 4000, "{}", newest(&wide).len());
    // A cut-off record gives its whole lines; one in no known form gives none.
    let text = to_text(&lines);
    let (read, whole) = from_text(&text[..text.len() - 5]);
    assert_eq!((read.as_slice(), whole), (&lines[..3], false));
    assert_eq!(from_text("not json"), (Vec::new(), false));
}

#[wasm_bindgen_test]
fn the_kept_view_reads_what_it_can_and_says_when_not_all() {
    use kubeplay_web::page_view::{from_text, to_text, KeptView};
    let view = KeptView { speed: Some(60), tab: Some("charts".into()), lab: Some(false) };
    assert_eq!(from_text(&to_text(&view)), (view, true));
    assert_eq!(from_text(r#"{"speed":7,"tab":"events"}"#), (KeptView { speed: None, tab: Some("events".into()), lab: None }, false));
    assert_eq!(from_text("speed: fast"), (KeptView::default(), false));
    assert_eq!(from_text("{}"), (KeptView::default(), true));
}
