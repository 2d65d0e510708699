//! Browser tests (wasm-bindgen-test in headless Chromium) of the manifest editor: its text
//! operations, and what the learner sees after typing, pressing keys and clicking.

use kubeplay_web::components::Editor;
use kubeplay_web::editing::{self, Change, History, Revision, Severity};
use kubeplay_web::ClusterHandle;
use kubeplay_sim::api::Kind;
use kubeplay_sim::apiserver::ApplyAction;
use kubeplay_sim::cluster::{AppliedObject, ApplyReport};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing kept from earlier tests; the page's store reads the (empty) database afresh.
async fn forget_kept_work() {
    kubeplay_web::kept::replace_all(&[]).await.unwrap();
    assert_eq!(kubeplay_web::kept::open().await, kubeplay_web::kept::Backend::IndexedDb);
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx
";

// ---------------------------------------------------------------- text operations

#[wasm_bindgen_test]
fn enter_keeps_the_indentation_and_goes_deeper_after_a_key_that_opens() {
    let text = "spec:\n  containers:";
    let e = editing::newline(text, text.len(), text.len());
    assert_eq!(e.text, "spec:\n  containers:\n    ");
    assert_eq!(e.start, e.text.len());
    let text = "  - name: web";
    assert_eq!(editing::newline(text, text.len(), text.len()).text, "  - name: web\n    ", "aligned with the list item's keys");
    let text = "  - ports:";
    assert_eq!(editing::newline(text, text.len(), text.len()).text, "  - ports:\n      ");
    let text = "  image: nginx # the web server";
    assert_eq!(editing::newline(text, text.len(), text.len()).text, "  image: nginx # the web server\n  ");
    // Enter in the middle of a line splits it.
    let text = "a: 1b: 2";
    assert_eq!(editing::newline(text, 4, 4).text, "a: 1\nb: 2");
}

#[wasm_bindgen_test]
fn tab_and_shift_tab_move_the_selected_lines() {
    let text = "a:\nb:\nc:";
    let e = editing::indent(text, 0, 4, false);
    assert_eq!(e.text, "  a:\n  b:\nc:", "the two lines the selection touches move");
    assert_eq!((e.start, e.end), (2, 8));
    let back = editing::indent(&e.text, e.start, e.end, true);
    assert_eq!(back.text, text);
    // Without a selection Tab inserts spaces up to the next step; Shift-Tab outdents the line.
    assert_eq!(editing::indent("ab", 1, 1, false).text, "a b");
    assert_eq!(editing::indent("   x", 4, 4, true).text, " x");
    assert_eq!(editing::indent("x", 1, 1, true).text, "x", "nothing left of the first character");
}

#[wasm_bindgen_test]
fn undo_takes_back_typing_in_one_step_and_redo_brings_it_back() {
    let rev = |t: &str| Revision { text: t.into(), start: t.len(), end: t.len() };
    let mut h = History::default();
    h.record(rev(""), Change::Typing, 0.0);
    h.record(rev("a"), Change::Typing, 200.0);
    h.record(rev("ab"), Change::Typing, 400.0);
    h.record(rev("abc"), Change::Other, 500.0);
    h.record(rev("abc\n"), Change::Typing, 3000.0);
    assert_eq!(h.undo(rev("abc\nd")).unwrap().text, "abc\n");
    assert_eq!(h.undo(rev("abc\n")).unwrap().text, "abc", "Enter is its own step");
    assert_eq!(h.undo(rev("abc")).unwrap().text, "", "the three letters typed together go at once");
    assert!(h.undo(rev("")).is_none());
    assert_eq!(h.redo(rev("")).unwrap().text, "abc");
    h.record(rev("abc"), Change::Other, 4000.0);
    assert!(!h.can_redo(), "a new change drops what could be redone");
}

#[wasm_bindgen_test]
fn the_key_context_names_the_mapping_the_cursor_is_in() {
    let text = format!("{DEPLOYMENT}        imag");
    let c = editing::key_context(&text, text.len()).unwrap();
    assert_eq!(c.kind.as_deref(), Some("Deployment"));
    assert_eq!(c.path, ["spec", "template", "spec", "containers"]);
    assert_eq!(c.prefix, "imag");
    assert_eq!(c.siblings, ["image", "name"]);
    let text = format!("{DEPLOYMENT}  rep");
    let c = editing::key_context(&text, text.len()).unwrap();
    assert_eq!(c.path, ["spec"]);
    assert_eq!(c.siblings, ["selector", "template"]);
    let text = format!("{DEPLOYMENT}      - na");
    let c = editing::key_context(&text, text.len()).unwrap();
    assert_eq!(c.path, ["spec", "template", "spec", "containers"], "a new list item");
    assert!(c.siblings.is_empty());
    assert!(editing::key_context("kind: Pod\nmetadata:\n  name: x", 28).is_none(), "not in a key");
    // The second document of a file has its own kind.
    let text = "kind: Pod\n---\nkind: Service\nspec:\n  ty";
    assert_eq!(editing::key_context(text, text.len()).unwrap().kind.as_deref(), Some("Service"));
}

#[wasm_bindgen_test]
fn yaml_lines_are_split_into_highlighted_pieces() {
    assert_eq!(editing::highlight_line("  - name: web # front"), vec![("", "  "), ("y-dash", "- "), ("y-key", "name"), ("y-punct", ":"), ("", " "), ("y-value", "web "), ("y-comment", "# front")]);
    assert_eq!(editing::highlight_line("replicas: 3"), vec![("y-key", "replicas"), ("y-punct", ":"), ("", " "), ("y-number", "3")]);
    assert_eq!(editing::highlight_line("image: \"a#b\""), vec![("y-key", "image"), ("y-punct", ":"), ("", " "), ("y-string", "\"a#b\"")]);
    assert_eq!(editing::highlight_line("---"), vec![("y-doc", "---")]);
}

#[wasm_bindgen_test]
fn problems_are_found_at_their_line_while_typing() {
    let text = DEPLOYMENT.replace("  selector:", "  replicas: three\n  selector:");
    let d = editing::diagnose(&text, "web.yaml");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].line, d[0].severity), (6, Severity::Error));
    assert!(d[0].message.contains("--> web.yaml:6:13: spec.replicas"), "{}", d[0].message);
    // Unknown fields are refused (kubectl's strict decoding): each is marked at its own line.
    let d = editing::diagnose("kind: Pod\napiVersion: v1\nmetadata:\n  name: x\n  labls: {}\nspec:\n  containers: []\n  restartPolicyy: Never\n", "p.yaml");
    assert_eq!(d.iter().map(|d| (d.line, d.severity)).collect::<Vec<_>>(), vec![(5, Severity::Error), (8, Severity::Error)], "{d:?}");
    assert!(d[1].message.contains("did you mean \"restartPolicy\""), "{}", d[1].message);
    // A real field kubeplay does not simulate is accepted, with a note.
    let d = editing::diagnose("kind: Pod\napiVersion: v1\nmetadata:\n  name: x\nspec:\n  priorityClassName: high\n  containers: []\n", "p.yaml");
    assert_eq!(d.iter().map(|d| (d.line, d.severity)).collect::<Vec<_>>(), vec![(6, Severity::Warning)], "{d:?}");
    let d = editing::diagnose("kind: Pod\n  bad: [\n", "p.yaml");
    assert_eq!(d[0].severity, Severity::Error);
    assert!(d.iter().all(|d| d.line >= 1));
}

#[wasm_bindgen_test]
fn the_clusters_refusals_are_placed_at_the_fields_they_name() {
    let text = format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec: {{ports: [{{port: 80}}]}}\n---\n{}", DEPLOYMENT.replace("  selector:", "  replicas: -2\n  selector:").replace("        app: web\n    spec:", "        app: other\n    spec:"));
    // The Service was created; the Deployment of the same name was refused.
    let service = AppliedObject { kind: Kind::Service, namespace: "default".into(), name: "web".into(), action: ApplyAction::Created };
    let report = |errors: &[&str], applied: Vec<AppliedObject>| ApplyReport { applied, errors: errors.iter().map(|e| e.to_string()).collect(), warnings: Vec::new() };
    let refusal = "The Deployment.apps \"web\" is invalid: [spec.replicas: Invalid value: -2: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`]";
    let d = editing::server_diagnostics(&text, &report(&[refusal], vec![service.clone()]));
    let found: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert_eq!(found, vec![
        (11, "spec.replicas: Invalid value: -2: must be greater than or equal to 0"),
        (17, "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"),
    ], "the second document's lines");
    // A refusal without fields, or of an object the text does not hold, is left out.
    assert_eq!(editing::server_diagnostics(&text, &report(&["Error from server (NotFound): namespaces \"nope\" not found"], vec![service.clone()])), vec![]);
    assert_eq!(editing::server_diagnostics(&text, &report(&["The Deployment.apps \"other\" is invalid: spec.replicas: Invalid value: -1"], vec![service])), vec![]);
    // A field the text leaves out is marked where its nearest parent is written.
    let d = editing::server_diagnostics(DEPLOYMENT, &report(&["The Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Required value"], vec![]));
    assert_eq!(d.iter().map(|d| d.line).collect::<Vec<_>>(), vec![15]);
}

#[wasm_bindgen_test]
fn two_objects_of_one_name_in_different_namespaces_keep_their_own_refusal_marks() {
    // The same Deployment name in two namespaces, blue's document first.
    let blue = DEPLOYMENT.replace("  name: web\n", "  name: web\n  namespace: blue\n");
    let green = DEPLOYMENT.replace("  name: web\n", "  name: web\n  namespace: green\n");
    let text = format!("{blue}---\n{green}");
    let line_of = |needle: &str, from: usize| text.lines().enumerate().skip(from).find(|(_, l)| *l == needle).map(|(i, _)| i + 1).unwrap();
    let green_start = line_of("  namespace: green", 0);
    let (blue_selector, blue_labels) = (line_of("  selector:", 0), line_of("      labels:", 0));
    let green_labels = line_of("      labels:", green_start);
    let selector = "The Deployment.apps \"web\" is invalid: spec.selector: Required value";
    let labels = "The Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`";
    let lines = |errors: &[&str], applied: Vec<AppliedObject>| {
        let report = ApplyReport { applied, errors: errors.iter().map(|e| e.to_string()).collect(), warnings: Vec::new() };
        editing::server_diagnostics(&text, &report).iter().map(|d| d.line).collect::<Vec<_>>()
    };
    // Both refused: each refusal is marked in its own namespace's document.
    assert_eq!(lines(&[selector, labels], vec![]), vec![blue_selector, green_labels], "blue's selector, green's labels");
    // Blue was created and green refused: the mark is in green's document, not at blue's labels.
    let blue_created = AppliedObject { kind: Kind::Deployment, namespace: "blue".into(), name: "web".into(), action: ApplyAction::Created };
    assert_eq!(lines(&[labels], vec![blue_created]), vec![green_labels]);
    assert!(blue_labels < green_start);
}

#[wasm_bindgen_test]
fn completion_offers_the_schema_fields_that_fit_where_the_cursor_is() {
    let names = |text: &str| editing::suggestions(&editing::key_context(text, text.len()).unwrap()).iter().map(|s| s.name).collect::<Vec<_>>();
    assert_eq!(names(&format!("{DEPLOYMENT}  rep")), ["replicas"]);
    assert_eq!(names(&format!("{DEPLOYMENT}        imag")), ["imagePullPolicy"], "image is already there");
    assert_eq!(names(&format!("{DEPLOYMENT}  s")), ["strategy"], "selector is already there");
    assert_eq!(names("kind: Service\nspec:\n  ty"), ["type"]);
    assert_eq!(names("ap"), ["apiVersion"], "without a kind, the fields every object has");
    let text = format!("{DEPLOYMENT}        readinessProbe:\n          httpG");
    assert_eq!(names(&text), ["httpGet"]);
    // Choosing one writes what its value needs.
    let text = format!("{DEPLOYMENT}        po");
    let ctx = editing::key_context(&text, text.len()).unwrap();
    let ports = editing::suggestions(&ctx).into_iter().find(|s| s.name == "ports").unwrap();
    assert_eq!(ports.ty, "[]ContainerPort");
    let done = editing::complete(&text, &ctx, text.len(), &ports);
    assert!(done.text.ends_with("        ports:\n        - "), "{:?}", done.text);
    assert_eq!(done.start, done.text.len());
    let text = "kind: Pod\nmeta";
    let ctx = editing::key_context(text, text.len()).unwrap();
    let meta = editing::suggestions(&ctx).remove(0);
    assert_eq!(editing::complete(text, &ctx, text.len(), &meta).text, "kind: Pod\nmetadata:\n  ");
}

// ---------------------------------------------------------------- the component

#[derive(Properties, PartialEq)]
struct HarnessProps {
    cluster: ClusterHandle,
}

#[function_component(Harness)]
fn harness(props: &HarnessProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <Editor />
        </ContextProvider<ClusterHandle>>
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn settle() {
    for _ in 0..5 {
        yew::scheduler::flush().await;
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}

/// A fresh editor (nothing kept from earlier tests) over a fresh cluster.
async fn fresh_editor() -> (ClusterHandle, web_sys::Element, web_sys::HtmlTextAreaElement) {
    forget_kept_work().await;
    let cluster = ClusterHandle::local_default();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Harness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone() }).render();
    settle().await;
    let ta = root.query_selector("[data-testid=editor]").unwrap().unwrap().dyn_into().unwrap();
    (cluster, root, ta)
}

/// Replaces the text as typing would (an input event).
async fn type_text(ta: &web_sys::HtmlTextAreaElement, text: &str) {
    ta.set_value(text);
    let _ = ta.set_selection_range(text.encode_utf16().count() as u32, text.encode_utf16().count() as u32);
    ta.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    settle().await;
}

/// Presses a key in the textarea.
async fn key(ta: &web_sys::HtmlTextAreaElement, key: &str, ctrl: bool, shift: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    ta.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    settle().await;
}

fn texts(root: &web_sys::Element, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.text_content()).collect()
}

#[wasm_bindgen_test]
async fn keys_indent_and_undo_in_the_textarea() {
    let (_, _, ta) = fresh_editor().await;
    type_text(&ta, "spec:").await;
    key(&ta, "Enter", false, false).await;
    assert_eq!(ta.value(), "spec:\n  ", "Enter indents under the key");
    key(&ta, "Tab", false, false).await;
    assert_eq!(ta.value(), "spec:\n    ");
    key(&ta, "Tab", false, true).await;
    assert_eq!(ta.value(), "spec:\n  ", "Shift-Tab takes the step back");
    key(&ta, "z", true, false).await;
    assert_eq!(ta.value(), "spec:\n    ", "Ctrl+Z undoes Shift-Tab");
    key(&ta, "z", true, false).await;
    key(&ta, "z", true, false).await;
    assert_eq!(ta.value(), "spec:");
    key(&ta, "y", true, false).await;
    assert_eq!(ta.value(), "spec:\n  ", "Ctrl+Y redoes");
    // Escape, then Tab, leaves the text alone (the focus may move on).
    key(&ta, "Escape", false, false).await;
    key(&ta, "Tab", false, false).await;
    assert_eq!(ta.value(), "spec:\n  ");
}

/// Types text at the end as a key press would (an `insertText` input event).
async fn type_more(ta: &web_sys::HtmlTextAreaElement, more: &str) {
    let text = format!("{}{more}", ta.value());
    ta.set_value(&text);
    let end = text.encode_utf16().count() as u32;
    let _ = ta.set_selection_range(end, end);
    let init = web_sys::InputEventInit::new();
    init.set_input_type("insertText");
    init.set_bubbles(true);
    ta.dispatch_event(&web_sys::InputEvent::new_with_event_init_dict("input", &init).unwrap()).unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn typing_a_key_offers_field_names_and_enter_takes_one() {
    let (_, root, ta) = fresh_editor().await;
    type_text(&ta, DEPLOYMENT).await;
    type_more(&ta, "        re").await;
    let offered = texts(&root, "[data-testid=completion] li .c-name");
    assert_eq!(offered, ["readinessProbe", "resources"]);
    key(&ta, "ArrowDown", false, false).await;
    let doc = root.query_selector("[data-testid=completion] .c-doc").unwrap().unwrap().text_content().unwrap();
    assert!(!doc.is_empty(), "the highlighted field's meaning is shown");
    key(&ta, "Enter", false, false).await;
    assert!(ta.value().ends_with("        resources:\n          "), "{:?}", ta.value());
    assert!(root.query_selector("[data-testid=completion]").unwrap().is_none(), "the list closes");
    // Escape closes the list without taking anything.
    type_more(&ta, "li").await;
    assert_eq!(texts(&root, "[data-testid=completion] li .c-name"), ["limits"]);
    key(&ta, "Escape", false, false).await;
    assert!(root.query_selector("[data-testid=completion]").unwrap().is_none());
    assert!(ta.value().ends_with("          li"));
}

#[wasm_bindgen_test]
async fn problems_are_marked_at_their_line_and_listed() {
    let (_, root, ta) = fresh_editor().await;
    type_text(&ta, &DEPLOYMENT.replace("  selector:", "  replicas: three\n  selector:")).await;
    let numbers = root.query_selector_all(".gutter .num").unwrap();
    assert_eq!(numbers.length() as usize, DEPLOYMENT.lines().count() + 2, "a number per line (and the empty last line)");
    let marked = root.query_selector(".gutter .num.error").unwrap().expect("line 6 is marked");
    assert_eq!(marked.text_content().unwrap(), "6");
    assert!(marked.get_attribute("title").unwrap().contains("spec.replicas: expected i32, got the string \"three\""), "the message on hover");
    let listed = texts(&root, "[data-testid=editor-problems] li");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].starts_with("line 6"), "{listed:?}");
    assert_eq!(root.query_selector_all(".hl-line.error").unwrap().length(), 1, "the line is tinted");
    // Mending the line clears the marks.
    type_text(&ta, DEPLOYMENT).await;
    assert!(root.query_selector("[data-testid=editor-problems]").unwrap().is_none());
    assert!(root.query_selector(".gutter .num.error").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn what_the_cluster_refuses_on_apply_is_marked_at_its_line_until_the_text_changes() {
    let (_, root, ta) = fresh_editor().await;
    let bad = DEPLOYMENT.replace("  selector:", "  replicas: -2\n  selector:");
    type_text(&ta, &bad).await;
    assert!(root.query_selector("[data-testid=editor-problems]").unwrap().is_none(), "nothing to see before applying");
    let apply: web_sys::HtmlElement = root.query_selector("[data-testid=apply]").unwrap().unwrap().dyn_into().unwrap();
    apply.click();
    for _ in 0..20 {
        settle().await;
        if root.query_selector("[data-testid=editor-problems]").unwrap().is_some() {
            break;
        }
    }
    let listed = texts(&root, "[data-testid=editor-problems] li");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(listed[0].starts_with("line 6") && listed[0].contains("spec.replicas: Invalid value: -2"), "{listed:?}");
    assert_eq!(root.query_selector(".gutter .num.error").unwrap().expect("line 6 is marked").text_content().unwrap(), "6");
    let summary = root.query_selector("[data-testid=apply-report] li.error summary").unwrap().expect("the report sums the marked refusal up");
    assert_eq!(summary.text_content().unwrap(), "Error from server (Invalid): Deployment.apps \"web\" is invalid: the fields are marked in the text");
    assert!(texts(&root, "[data-testid=apply-report] li").iter().any(|l| l.contains("must be greater than or equal to 0")), "and keeps the whole refusal, shown on request");
    type_text(&ta, &bad.replace("-2", "2")).await;
    assert!(root.query_selector("[data-testid=editor-problems]").unwrap().is_none(), "a change to the text clears the refusal's marks");
}

#[wasm_bindgen_test]
async fn the_text_is_highlighted_beneath_the_textarea() {
    let (_, root, ta) = fresh_editor().await;
    type_text(&ta, "kind: Pod # a pod\nspec:\n  replicas: 2\n").await;
    assert_eq!(texts(&root, ".hl .y-key"), ["kind", "spec", "replicas"]);
    assert_eq!(texts(&root, ".hl .y-comment"), ["# a pod"]);
    assert_eq!(texts(&root, ".hl .y-number"), ["2"]);
}

#[wasm_bindgen_test]
async fn examples_open_in_tabs_that_are_console_files_and_apply() {
    let (cluster, root, ta) = fresh_editor().await;
    assert_eq!(texts(&root, "[data-testid=file-tab]"), ["editor.yaml"]);
    let select: web_sys::HtmlSelectElement = root.query_selector("[data-testid=editor-examples]").unwrap().unwrap().dyn_into().unwrap();
    select.set_value("deployment.yaml");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    assert_eq!(texts(&root, "[data-testid=file-tab]"), ["editor.yaml", "deployment.yaml"]);
    assert!(ta.value().contains("kind: Deployment"));
    let apply: web_sys::HtmlElement = root.query_selector("[data-testid=apply]").unwrap().unwrap().dyn_into().unwrap();
    apply.click();
    settle().await;
    assert_eq!(root.query_selector("[data-testid=apply-report]").unwrap().unwrap().text_content().unwrap(), "deployment.apps/web created");
    let file = cluster.0.read_file("/home/docker/deployment.yaml").await.unwrap();
    assert!(file.contains("kind: Deployment"), "the tab is a file the console can read");
    // The first tab keeps its own text; the tabs survive a remount (a reload).
    let first: web_sys::HtmlElement = root.query_selector("[data-testid=file-tab][data-name='editor.yaml']").unwrap().unwrap().dyn_into().unwrap();
    first.click();
    settle().await;
    assert!(ta.value().contains("kind: Pod"));
    let kept = kubeplay_web::kept::get_item("kubeplay.editor.v2").unwrap();
    assert!(kept.contains("deployment.yaml") && kept.contains("\"active\":0"), "{kept}");
    // A new tab, then closing it, shows a neighbour.
    let new: web_sys::HtmlElement = root.query_selector("[data-testid=file-new]").unwrap().unwrap().dyn_into().unwrap();
    new.click();
    settle().await;
    assert_eq!(texts(&root, "[data-testid=file-tab]"), ["editor.yaml", "deployment.yaml", "untitled-1.yaml"]);
    assert_eq!(ta.value(), "");
    let close: web_sys::HtmlElement = root.query_selector("[aria-label='Close untitled-1.yaml']").unwrap().unwrap().dyn_into().unwrap();
    close.click();
    settle().await;
    assert_eq!(texts(&root, "[data-testid=file-tab]"), ["editor.yaml", "deployment.yaml"]);
    assert!(ta.value().contains("kind: Deployment"));
}

#[wasm_bindgen_test]
async fn embeds_keep_their_tabs_apart_from_the_full_page_and_each_other() {
    forget_kept_work().await;
    let mut page = kubeplay_web::components::editor::OpenFiles::default();
    page.set_text("# the full page's text".into());
    page.save();
    kubeplay_web::set_storage_scope("view=editor&lesson=rolling");
    assert_eq!(kubeplay_web::components::editor::OpenFiles::load().current().text, kubeplay_web::components::editor::EXAMPLE_POD, "an embed starts from the example");
    let mut embed = kubeplay_web::components::editor::OpenFiles::default();
    embed.set_text("# the embed's text".into());
    embed.save();
    assert!(kubeplay_web::kept::get_item("kubeplay.editor.v2@view=editor&lesson=rolling").unwrap().contains("the embed's text"));
    kubeplay_web::set_storage_scope("");
    assert_eq!(kubeplay_web::components::editor::OpenFiles::load().current().text, "# the full page's text");
    forget_kept_work().await;
}

/// The tab `kubectl edit` opens is named edit-KIND-NAME.yaml, and an object's name may be
/// 253 characters: the page reads such a tab back as it kept it, and says nothing was reset.
#[wasm_bindgen_test]
async fn a_kubectl_edit_tab_of_a_long_named_object_survives_a_reload() {
    forget_kept_work().await;
    let kind = Kind::ALL.iter().map(|k| k.name().to_ascii_lowercase()).max_by_key(String::len).unwrap();
    let name = format!("edit-{kind}-{}.yaml", "a".repeat(253));
    let mut files = kubeplay_web::components::editor::OpenFiles::default();
    files.open(&name, "# being edited\n", true);
    files.save();
    let read = kubeplay_web::components::editor::OpenFiles::load();
    assert_eq!(read.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["editor.yaml", name.as_str()]);
    assert_eq!(read.current().text, "# being edited\n", "the edited tab is still the one shown");
    assert!(kubeplay_web::kept::resets().is_empty(), "{:?}", kubeplay_web::kept::resets());
    forget_kept_work().await;
}

#[derive(Properties, PartialEq)]
struct WithConsoleProps {
    cluster: ClusterHandle,
    log: kubeplay_web::lessons::ConsoleLog,
}

/// The editor beside the console, sharing the page's console log as in the app.
#[function_component(WithConsole)]
fn with_console(props: &WithConsoleProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <ContextProvider<kubeplay_web::lessons::ConsoleLog> context={props.log.clone()}>
                <Editor />
                <kubeplay_web::components::Console />
            </ContextProvider<kubeplay_web::lessons::ConsoleLog>>
        </ContextProvider<ClusterHandle>>
    }
}

#[wasm_bindgen_test]
async fn kubectl_edit_in_the_console_opens_the_object_in_a_tab_and_apply_sends_the_change() {
    forget_kept_work().await;
    let cluster = ClusterHandle::local_default();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<WithConsole>::with_root_and_props(root.clone(), WithConsoleProps { cluster: cluster.clone(), log: Default::default() }).render();
    settle().await;
    let console: web_sys::HtmlInputElement = root.query_selector("[data-testid=console-input]").unwrap().unwrap().dyn_into().unwrap();
    for line in ["kubectl create deployment web --image=nginx --replicas=2", "kubectl edit deployment web"] {
        console.set_value(line);
        let init = web_sys::KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_bubbles(true);
        console.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
        settle().await;
    }
    assert_eq!(texts(&root, "[data-testid=file-tab]"), ["editor.yaml", "edit-deployment-web.yaml"]);
    let ta: web_sys::HtmlTextAreaElement = root.query_selector("[data-testid=editor]").unwrap().unwrap().dyn_into().unwrap();
    assert!(ta.value().contains("  replicas: 2\n"), "{}", ta.value());
    type_text(&ta, &ta.value().replacen("  replicas: 2\n", "  replicas: 3\n", 1)).await;
    let apply: web_sys::HtmlElement = root.query_selector("[data-testid=apply]").unwrap().unwrap().dyn_into().unwrap();
    apply.click();
    settle().await;
    assert_eq!(root.query_selector("[data-testid=apply-report]").unwrap().unwrap().text_content().unwrap(), "deployment.apps/web configured");
    let d = cluster.0.list(kubeplay_sim::api::Kind::Deployment, Some("default")).await.unwrap();
    assert_eq!(d.items[0].as_deployment().unwrap().spec.replicas, Some(3));
}
