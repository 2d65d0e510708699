//! Browser tests (wasm-bindgen-test in headless Chromium): the page's views
//! render what the simulated cluster holds, read through the cluster interface.

use kubeplay_sim::clock::Duration;
use kubeplay_web::components::{Console, Editor, NodeList};
use kubeplay_web::ClusterHandle;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing kept from earlier tests; the page's store reads the (empty) database afresh.
async fn forget_kept_work() {
    kubeplay_web::kept::replace_all(&[]).await.unwrap();
    assert_eq!(kubeplay_web::kept::open().await, kubeplay_web::kept::Backend::IndexedDb);
}

#[derive(Properties, PartialEq)]
struct HarnessProps {
    cluster: ClusterHandle,
}

/// The views under test, inside the context the app normally provides.
#[function_component(Harness)]
fn harness(props: &HarnessProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <Editor />
            <Console />
            <NodeList />
        </ContextProvider<ClusterHandle>>
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn mount(cluster: &ClusterHandle) -> web_sys::Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Harness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone() }).render();
    root
}

/// Lets Yew render and the watch tasks run.
async fn settle() {
    for _ in 0..5 {
        yew::scheduler::flush().await;
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}

fn attr_of_all(root: &web_sys::Element, selector: &str, attr: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok()?.get_attribute(attr)).collect()
}

#[wasm_bindgen_test]
async fn node_list_shows_the_clusters_nodes() {
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    settle().await;
    assert_eq!(attr_of_all(&root, "[data-testid=node]", "data-name"), vec!["control-plane", "node-1", "node-2", "node-3"]);
    let system_pods = attr_of_all(&root, "[data-testid=pod]", "data-phase");
    assert_eq!(system_pods.len(), 10);
    assert!(system_pods.iter().all(|p| p == "Running"), "{system_pods:?}");
    // The control plane's static pods show without the node's name the card already shows.
    let card = root.query_selector("[data-testid=node][data-name=control-plane]").unwrap().expect("the control-plane card");
    let chips = card.query_selector_all("[data-testid=pod] .pod-name").unwrap();
    let shown: Vec<String> = (0..chips.length()).map(|i| chips.item(i).unwrap().text_content().unwrap()).collect();
    assert!(shown.iter().any(|n| n == "kube-apiserver") && shown.iter().any(|n| n == "etcd"), "{shown:?}");
    assert!(shown.iter().any(|n| n.starts_with("kube-proxy-") && n.len() > "kube-proxy-".len()), "a DaemonSet's pod keeps its name: {shown:?}");
    let names = attr_of_all(&card, "[data-testid=pod]", "data-name");
    assert!(names.iter().any(|n| n == "kube-apiserver-control-plane"), "the whole name stays in data-name: {names:?}");
}

#[wasm_bindgen_test]
async fn tab_stops_once_per_node_and_the_arrow_keys_move_between_pods() {
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    settle().await;
    let stops = attr_of_all(&root, "[data-testid=pod][tabindex='0']", "data-name");
    let pods = attr_of_all(&root, "[data-testid=pod]", "data-name");
    assert_eq!(stops.len(), 4, "one Tab stop per node, not one per pod: {stops:?}");
    assert_eq!(attr_of_all(&root, "ul.pods", "role"), vec!["group"; 4], "buttons in a group, not items of a list");
    assert_eq!(attr_of_all(&root, "ul.pods", "aria-label")[1], "Pods on node-1");
    assert!(pods.len() > stops.len());
    let focused = || document().active_element().and_then(|e| e.get_attribute("data-name")).unwrap_or_default();
    let key = |name: &str| {
        let init = web_sys::KeyboardEventInit::new();
        init.set_key(name);
        init.set_bubbles(true);
        init.set_cancelable(true);
        let on = document().active_element().expect("something has the focus");
        on.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    };
    root.query_selector("[data-testid=pod]").unwrap().unwrap().dyn_into::<web_sys::HtmlElement>().unwrap().focus().unwrap();
    assert_eq!(focused(), pods[0]);
    key("ArrowRight");
    assert_eq!(focused(), pods[1], "Right goes to the next pod");
    key("ArrowLeft");
    assert_eq!(focused(), pods[0], "Left comes back");
    key("End");
    assert_eq!(focused(), pods[pods.len() - 1], "End goes to the map's last pod, on another node");
    key("ArrowDown");
    assert_eq!(focused(), pods[pods.len() - 1], "and stays there");
    key("Home");
    assert_eq!(focused(), pods[0]);
}

#[wasm_bindgen_test]
async fn a_nodes_bars_count_what_its_pods_request_and_say_so() {
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    for line in ["kubectl create deployment web --image=nginx", "kubectl set resources deployment web --requests=cpu=300m"] {
        cluster.0.run(line).drain();
    }
    cluster.0.advance(Duration::seconds(30)).await.unwrap();
    settle().await;
    let rows = |root: &web_sys::Element| {
        let card = root.query_selector("[data-testid=node]:has([data-testid=pod][data-name^=web-])").unwrap().expect("a node runs the web pod");
        let list = card.query_selector_all("[data-testid=node-capacity] > div").unwrap();
        (0..list.length()).map(|i| list.item(i).unwrap().dyn_into::<web_sys::Element>().unwrap()).map(|r| (r.text_content().unwrap(), r.get_attribute("title").unwrap_or_default())).collect::<Vec<_>>()
    };
    let before = rows(&root);
    let texts: Vec<&str> = before.iter().map(|(t, _)| t.as_str()).collect();
    assert!(texts[0].starts_with("cpu requested") && texts[0].ends_with("300m / 2000m"), "{texts:?}");
    assert!(texts[1].starts_with("memory requested"), "{texts:?}");
    assert!(before[0].1.contains("requested by the pods") && before[0].1.contains("kubectl top node shows usage"), "{}", before[0].1);
    // The pod using three times its request changes nothing on the card: it shows requests.
    cluster.0.run("usage app=web cpu=900m").drain();
    cluster.0.advance(Duration::seconds(60)).await.unwrap();
    settle().await;
    assert_eq!(rows(&root), before);
}

#[wasm_bindgen_test]
async fn the_map_draws_the_nodes_in_its_first_render() {
    // No empty map first: the in-page cluster answers the first render's list at once.
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    // Yew's scheduler runs at the first poll of `flush`; polling only once lets no other task
    // (such as a watch's first list) run before the DOM is read.
    let flush = std::pin::pin!(yew::scheduler::flush());
    let _ = std::future::Future::poll(flush, &mut std::task::Context::from_waker(std::task::Waker::noop()));
    assert_eq!(attr_of_all(&root, "[data-testid=node]", "data-name").len(), 4);
}

#[wasm_bindgen_test]
async fn changing_the_node_count_changes_the_map() {
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    settle().await;
    cluster.0.set_workers(5).await.unwrap();
    settle().await;
    assert_eq!(attr_of_all(&root, "[data-testid=node]", "data-name").len(), 6);
    cluster.0.set_workers(1).await.unwrap();
    settle().await;
    assert_eq!(attr_of_all(&root, "[data-testid=node]", "data-name"), vec!["control-plane", "node-1"]);
}

#[wasm_bindgen_test]
async fn applying_the_editor_text_creates_a_pod_that_starts() {
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    settle().await;
    let editor: web_sys::HtmlTextAreaElement = root.query_selector("[data-testid=editor]").unwrap().unwrap().dyn_into().unwrap();
    editor.set_value("apiVersion: v1\nkind: Pod\nmetadata:\n  name: hello\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n");
    editor.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    settle().await;
    let apply: web_sys::HtmlElement = root.query_selector("[data-testid=apply]").unwrap().unwrap().dyn_into().unwrap();
    apply.click();
    settle().await;
    let report = root.query_selector("[data-testid=apply-report]").unwrap().unwrap().text_content().unwrap();
    assert_eq!(report, "pod/hello created");
    let phase = |root: &web_sys::Element| attr_of_all(root, "[data-testid=pod][data-name=hello]", "data-phase");
    assert_eq!(phase(&root), vec!["Pending"]);
    cluster.0.advance(Duration::seconds(5)).await.unwrap();
    settle().await;
    assert_eq!(phase(&root), vec!["Running"]);
    assert_eq!(attr_of_all(&root, "[data-testid=pod][data-name=hello]", "data-ready"), vec!["true"]);
}

#[wasm_bindgen_test]
async fn a_broken_manifest_is_explained_and_kept() {
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    settle().await;
    let editor: web_sys::HtmlTextAreaElement = root.query_selector("[data-testid=editor]").unwrap().unwrap().dyn_into().unwrap();
    let broken = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: http\n";
    editor.set_value(broken);
    editor.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    settle().await;
    let apply: web_sys::HtmlElement = root.query_selector("[data-testid=apply]").unwrap().unwrap().dyn_into().unwrap();
    apply.click();
    settle().await;
    let report = root.query_selector("[data-testid=apply-report]").unwrap().unwrap().text_content().unwrap();
    assert!(report.contains("--> editor.yaml:10:22: spec.containers[0].ports[0].containerPort"), "{report}");
    assert_eq!(editor.value(), broken, "the learner's text is kept");
}

#[wasm_bindgen_test]
fn the_simulator_computes_the_same_history_in_the_browser() {
    let expected = include_str!("../crates/sim/tests/reference-scenario.hash").trim();
    let got = format!("{:016x}", kubeplay_sim::selfcheck::reference_scenario_hash());
    assert_eq!(got, expected, "wasm and native runs of the reference scenario differ");
}

/// A cluster and the views, with no console history from earlier tests.
async fn fresh_page() -> (ClusterHandle, web_sys::Element) {
    forget_kept_work().await;
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    settle().await;
    (cluster, root)
}

/// Types a line into the console and presses a key (Enter runs it).
async fn press(root: &web_sys::Element, text: Option<&str>, key: &str) -> web_sys::HtmlInputElement {
    press_with(root, text, key, false).await
}

/// [`press`] with Ctrl held or not.
async fn press_with(root: &web_sys::Element, text: Option<&str>, key: &str, ctrl: bool) -> web_sys::HtmlInputElement {
    let input: web_sys::HtmlInputElement = root.query_selector("[data-testid=console-input]").unwrap().unwrap().dyn_into().unwrap();
    if let Some(t) = text {
        input.set_value(t);
    }
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()).unwrap();
    settle().await;
    input
}

fn console_text(root: &web_sys::Element) -> String {
    root.query_selector("[data-testid=console-output]").unwrap().unwrap().text_content().unwrap()
}

#[wasm_bindgen_test]
async fn the_console_runs_kubectl_and_colours_statuses() {
    let (cluster, root) = fresh_page().await;
    press(&root, Some("kubectl create deployment web --image=nginx --replicas=2"), "Enter").await;
    assert!(console_text(&root).contains("$ kubectl create deployment web --image=nginx --replicas=2deployment.apps/web created"), "{}", console_text(&root));
    cluster.0.advance(Duration::seconds(30)).await.unwrap();
    press(&root, Some("kubectl get pods"), "Enter").await;
    let running = root.query_selector_all("[data-testid=console-output] .out .st-ok").unwrap();
    assert_eq!(running.length(), 2, "both pods' Running is coloured: {}", console_text(&root));
    press(&root, Some("kubectl get foo"), "Enter").await;
    let errors = root.query_selector_all("[data-testid=console-output] .err").unwrap();
    assert_eq!(errors.item(0).unwrap().text_content().unwrap(), "error: the server doesn't have a resource type \"foo\"");
    // History: Up brings back the commands, newest first; Down returns to an empty line.
    let input = press(&root, None, "ArrowUp").await;
    assert_eq!(input.value(), "kubectl get foo");
    press(&root, None, "ArrowUp").await;
    assert_eq!(input.value(), "kubectl get pods");
    press(&root, None, "ArrowDown").await;
    press(&root, None, "ArrowDown").await;
    assert_eq!(input.value(), "");
    press(&root, Some("clear"), "Enter").await;
    assert_eq!(console_text(&root), "");
}

#[wasm_bindgen_test]
async fn rollout_status_in_the_console_follows_the_clock() {
    let (cluster, root) = fresh_page().await;
    press(&root, Some("kubectl create deployment web --image=nginx --replicas=2"), "Enter").await;
    let before = cluster.0.now().await.unwrap();
    press(&root, Some("kubectl rollout status deployment/web"), "Enter").await;
    assert!(console_text(&root).contains("Waiting for deployment \"web\" rollout to finish: 0 of 2 updated replicas are available..."), "{}", console_text(&root));
    assert_eq!(cluster.0.now().await.unwrap(), before, "the command did not move the clock");
    for _ in 0..20 {
        cluster.0.advance(Duration::seconds(1)).await.unwrap();
        settle().await;
    }
    assert!(console_text(&root).ends_with("deployment \"web\" successfully rolled out"), "{}", console_text(&root));
    // Ctrl-C stops a command that is still waiting.
    press(&root, Some("kubectl set image deployment/web nginx=nginx:1.26"), "Enter").await;
    press(&root, Some("kubectl rollout status deployment/web"), "Enter").await;
    press_with(&root, None, "c", true).await;
    let after_interrupt = console_text(&root);
    assert!(after_interrupt.ends_with("$ ^C"), "{after_interrupt}");
    for _ in 0..20 {
        cluster.0.advance(Duration::seconds(1)).await.unwrap();
        settle().await;
    }
    assert_eq!(console_text(&root), after_interrupt, "nothing more after Ctrl-C");
}

#[wasm_bindgen_test]
async fn a_service_card_follows_its_ready_pods() {
    let cluster = ClusterHandle::local_default();
    let root = mount(&cluster);
    settle().await;
    assert!(root.query_selector("[data-testid=service]").unwrap().is_none(), "the default Services are not shown");
    press(&root, Some("kubectl create deployment web --image=nginx --replicas=2"), "Enter").await;
    press(&root, Some("kubectl expose deployment web --port=80 --type=NodePort"), "Enter").await;
    assert_eq!(attr_of_all(&root, "[data-testid=service]", "data-ready"), vec!["0"], "pods still starting");
    cluster.0.advance(Duration::seconds(20)).await.unwrap();
    settle().await;
    assert_eq!(attr_of_all(&root, "[data-testid=service][data-name=web]", "data-ready"), vec!["2"]);
    let card = root.query_selector("[data-testid=service]").unwrap().unwrap().text_content().unwrap();
    assert!(card.contains("NodePort") && card.contains("node port 3") && card.contains("selects app=web"), "{card}");
    press(&root, Some("kubectl scale deployment web --replicas=0"), "Enter").await;
    cluster.0.advance(Duration::seconds(40)).await.unwrap();
    settle().await;
    assert_eq!(attr_of_all(&root, "[data-testid=service]", "data-ready"), vec!["0"]);
    assert!(root.query_selector("[data-testid=service]").unwrap().unwrap().text_content().unwrap().contains("no ready pod"));
}

#[wasm_bindgen_test]
async fn the_console_is_a_shell_with_files_heredocs_and_a_working_directory() {
    let (_cluster, root) = fresh_page().await;
    let prompt = || root.query_selector("[data-testid=console-prompt]").unwrap().unwrap().text_content().unwrap();
    assert_eq!(prompt(), "~$");
    press(&root, Some("mkdir k8s && cd k8s"), "Enter").await;
    assert_eq!(prompt(), "~/k8s$", "the prompt shows the working directory");
    // A heredoc continues over several lines before it runs.
    press(&root, Some("cat > cm.yaml <<EOF"), "Enter").await;
    assert_eq!(prompt(), ">");
    for line in ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: settings}", "data: {mode: fast}", "EOF"] {
        press(&root, Some(line), "Enter").await;
    }
    assert_eq!(prompt(), "~/k8s$");
    press(&root, Some("kubectl apply -f cm.yaml && kubectl get configmap settings -o jsonpath='{.data.mode}' | wc -c"), "Enter").await;
    let text = console_text(&root);
    assert!(text.contains("configmap/settings created4"), "{text}");
    assert!(text.contains("> kind: ConfigMap"), "continuation lines are shown after > : {text}");
}

#[wasm_bindgen_test]
async fn exec_it_enters_a_containers_shell_until_exit_or_ctrl_d() {
    let (cluster, root) = fresh_page().await;
    let prompt = || root.query_selector("[data-testid=console-prompt]").unwrap().unwrap().text_content().unwrap();
    press(&root, Some("kubectl run box --image=busybox -- sleep 3600"), "Enter").await;
    cluster.0.advance(Duration::seconds(10)).await.unwrap();
    press(&root, Some("kubectl exec -it box -- sh"), "Enter").await;
    assert_eq!(prompt(), "/ #", "busybox's prompt");
    press(&root, Some("hostname"), "Enter").await;
    assert!(console_text(&root).contains("/ # hostnamebox"), "{}", console_text(&root));
    press(&root, Some("exit"), "Enter").await;
    assert_eq!(prompt(), "~$");
    press(&root, Some("kubectl exec -it box -- sh"), "Enter").await;
    assert_eq!(prompt(), "/ #");
    press_with(&root, Some(""), "d", true).await;
    assert_eq!(prompt(), "~$", "Ctrl-D leaves the container's shell");
}

#[wasm_bindgen_test]
fn lesson_markdown_and_progress() {
    use kubeplay_web::lessons::{decode_uri, Progress};
    use kubeplay_web::markdown::{blocks, inlines, Block, Inline};
    assert_eq!(
        inlines("Run `kubectl get pods` **now**, *please*."),
        vec![Inline::Text("Run ".into()), Inline::Code("kubectl get pods".into()), Inline::Text(" ".into()), Inline::Strong("now".into()), Inline::Text(", ".into()), Inline::Em("please".into()), Inline::Text(".".into())]
    );
    assert_eq!(inlines("2 * 3 and `open"), vec![Inline::Text("2 * 3 and `open".into())], "unclosed markers stay literal");
    let b = blocks("One\ntwo.\n\n- a\n- b `c`\n  continued\nafter");
    assert_eq!(b[0], Block::Paragraph(vec![Inline::Text("One two.".into())]));
    assert_eq!(b[1], Block::List(vec![vec![Inline::Text("a".into())], vec![Inline::Text("b ".into()), Inline::Code("c".into()), Inline::Text(" continued".into())]]));
    assert_eq!(b[2], Block::Paragraph(vec![Inline::Text("after".into())]));
    let p = Progress { step: 2, passed: vec![vec![true, true], vec![true, false], vec![]] };
    assert_eq!(p.encode(), "2|11,10,");
    assert_eq!(Progress::parse(&p.encode(), &[2, 2, 0]), p);
    assert_eq!(Progress::parse("9|1", &[1, 1]).step, 1, "a step beyond the lesson is clamped");
    assert_eq!(Progress::parse("garbage", &[2]), Progress { step: 0, passed: vec![vec![false, false]] });
    assert_eq!(p.steps_done(), 2, "a step without checks counts as done");
    assert_eq!(decode_uri("a%2Fb+c"), "a/b c");
    assert_eq!(decode_uri("100%"), "100%");
}

#[wasm_bindgen_test]
fn lesson_links_keep_the_pages_mode() {
    use kubeplay_web::lessons::lesson_search;
    assert_eq!(lesson_search("?present&theme=dark", Some("labels")), "?present&theme=dark&lesson=labels");
    assert_eq!(lesson_search("?embed&view=lesson&lesson=labels&step=3&lang=de", None), "?embed&view=lesson&lang=de&course", "back to the course");
    assert_eq!(lesson_search("?lessonUrl=https%3A%2F%2Fx%2Fl%2F&speed=10", Some("rolling-update")), "?speed=10&lesson=rolling-update");
    assert_eq!(lesson_search("", None), "?course");
    assert_eq!(lesson_search("?course&theme=light", Some("quotas")), "?theme=light&lesson=quotas");
}

#[wasm_bindgen_test]
async fn tab_completes_verbs_kinds_and_names() {
    let (_cluster, root) = fresh_page().await;
    press(&root, Some("kubectl create deployment web --image=nginx"), "Enter").await;
    let input = press(&root, Some("kubectl get dep"), "Tab").await;
    settle().await;
    assert_eq!(input.value(), "kubectl get deployments ");
    press(&root, Some("kubectl rollout status deployment w"), "Tab").await;
    settle().await;
    assert_eq!(input.value(), "kubectl rollout status deployment web ");
    // Several candidates: pressing Tab lists them under the prompt.
    press(&root, Some("kubectl get pods -n kube-system kube-"), "Tab").await;
    settle().await;
    assert!(console_text(&root).contains("kube-apiserver-control-plane  kube-controller-manager-control-plane"), "{}", console_text(&root));
}

#[wasm_bindgen_test]
async fn a_node_switched_off_on_the_map_goes_not_ready_and_comes_back() {
    let (cluster, root) = fresh_page().await;
    let button = |testid: &str| -> web_sys::HtmlElement { root.query_selector(&format!("[data-name=node-1] [data-testid={testid}]")).unwrap().expect(testid).dyn_into().unwrap() };
    assert!(root.query_selector("[data-name=control-plane] [data-testid=fail-node]").unwrap().is_none(), "the control plane has no switch");
    button("fail-node").click();
    settle().await;
    cluster.0.advance(Duration::seconds(60)).await.unwrap();
    settle().await;
    let card = root.query_selector("[data-testid=node][data-name=node-1]").unwrap().unwrap();
    assert!(card.class_name().contains("not-ready"), "{}", card.outer_html());
    button("recover-node").click();
    settle().await;
    cluster.0.advance(Duration::seconds(20)).await.unwrap();
    settle().await;
    let card = root.query_selector("[data-testid=node][data-name=node-1]").unwrap().unwrap();
    assert!(!card.class_name().contains("not-ready"), "{}", card.outer_html());
}

#[function_component(EventsHarness)]
fn events_harness(props: &HarnessProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <kubeplay_web::components::EventList now={kubeplay_sim::clock::Time(0)} />
        </ContextProvider<ClusterHandle>>
    }
}

#[wasm_bindgen_test]
async fn the_events_stream_shows_who_acted_and_filters() {
    let cluster = ClusterHandle::local_default();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<EventsHarness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone() }).render();
    let mut out = cluster.0.run("kubectl create deployment web --image=nginx:doesnotexist");
    out.drain();
    cluster.0.advance(Duration::seconds(30)).await.unwrap();
    settle().await;
    let reasons = attr_of_all(&root, "[data-testid=event]", "data-reason");
    assert!(reasons.contains(&"ScalingReplicaSet".to_string()) && reasons.contains(&"Scheduled".to_string()), "{reasons:?}");
    let text = root.text_content().unwrap();
    assert!(text.contains("deployment-controller") && text.contains("default-scheduler"), "who acted is named: {text}");
    // Warnings only: the failed pulls of the image that does not exist.
    let warnings: web_sys::HtmlInputElement = root.query_selector("[data-testid=events-warnings]").unwrap().unwrap().dyn_into().unwrap();
    warnings.click();
    settle().await;
    let reasons = attr_of_all(&root, "[data-testid=event]", "data-reason");
    assert!(!reasons.is_empty() && reasons.iter().all(|r| r == "Failed" || r == "BackOff"), "{reasons:?}");
}

#[wasm_bindgen_test]
async fn the_events_filter_finds_an_object_written_as_its_row_shows_it() {
    let cluster = ClusterHandle::local_default();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<EventsHarness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone() }).render();
    cluster.0.run("kubectl create deployment web --image=nginx").drain();
    cluster.0.advance(Duration::seconds(30)).await.unwrap();
    settle().await;
    let objects = |root: &web_sys::Element| {
        let rows = root.query_selector_all("[data-testid=event] .object").unwrap();
        (0..rows.length()).filter_map(|i| rows.item(i)?.text_content()).collect::<Vec<_>>()
    };
    // A row's object, copied into the filter, finds that object's events and no others.
    let replica_set = objects(&root).into_iter().find(|o| o.starts_with("replicaset/web-")).expect("the ReplicaSet's events are listed");
    let filter: web_sys::HtmlInputElement = root.query_selector("[data-testid=events-filter]").unwrap().unwrap().dyn_into().unwrap();
    filter.set_value(&replica_set);
    filter.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    settle().await;
    let found = objects(&root);
    assert!(!found.is_empty() && found.iter().all(|o| *o == replica_set), "{replica_set}: {found:?}");
    filter.set_value("pod/web-");
    filter.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    settle().await;
    let found = objects(&root);
    assert!(!found.is_empty() && found.iter().all(|o| o.starts_with("pod/web-")), "{found:?}");
}

#[derive(Properties, PartialEq)]
struct InspectorHarnessProps {
    cluster: ClusterHandle,
    target: kubeplay_web::components::Target,
}

#[function_component(InspectorHarness)]
fn inspector_harness(props: &InspectorHarnessProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <kubeplay_web::components::Inspector target={props.target.clone()} now={kubeplay_sim::clock::Time(0)} on_select={Callback::noop()} on_close={Callback::noop()} />
        </ContextProvider<ClusterHandle>>
    }
}

#[wasm_bindgen_test]
async fn the_inspector_explains_why_a_pod_waits_for_a_node() {
    let cluster = ClusterHandle::local_default();
    let big = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests: {cpu: \"64\"}\n";
    cluster.0.apply(big, "big.yaml").await.unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let target = kubeplay_web::components::Target { kind: kubeplay_sim::api::Kind::Pod, namespace: "default".into(), name: "big".into() };
    yew::Renderer::<InspectorHarness>::with_root_and_props(root.clone(), InspectorHarnessProps { cluster: cluster.clone(), target }).render();
    settle().await;
    let describe = root.query_selector("[data-testid=inspector-describe]").unwrap().expect("details first").text_content().unwrap();
    assert!(describe.starts_with("Name:") && describe.lines().any(|l| l.starts_with("Status:") && l.ends_with(" Pending")), "{describe}");
    assert!(describe.contains("FailedScheduling"), "the event is part of the details: {describe}");
    let tabs = root.query_selector_all("[role=tab]").unwrap();
    let scheduling: web_sys::HtmlElement = (0..tabs.length()).filter_map(|i| tabs.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).find(|t| t.text_content().as_deref() == Some("Scheduling")).expect("a pod has a Scheduling tab");
    scheduling.click();
    settle().await;
    let text = root.query_selector("[data-testid=inspector-scheduling]").unwrap().unwrap().text_content().unwrap();
    assert!(text.contains("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu."), "{text}");
}

#[wasm_bindgen_test]
async fn the_inspector_resizes_a_node_and_the_waiting_pod_is_placed() {
    let cluster = ClusterHandle::local_default();
    let big = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  nodeSelector: {kubernetes.io/hostname: node-1}\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      requests: {cpu: '3'}\n";
    cluster.0.apply(big, "big.yaml").await.unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let target = kubeplay_web::components::Target { kind: kubeplay_sim::api::Kind::Node, namespace: String::new(), name: "node-1".into() };
    yew::Renderer::<InspectorHarness>::with_root_and_props(root.clone(), InspectorHarnessProps { cluster: cluster.clone(), target }).render();
    settle().await;
    assert!(root.query_selector("[data-testid=action-resize-medium]").unwrap().is_none(), "no action for the size it has");
    let large: web_sys::HtmlElement = root.query_selector("[data-testid=action-resize-large]").unwrap().expect("a bigger size is offered").dyn_into().unwrap();
    large.click();
    settle().await;
    cluster.0.advance(Duration::seconds(10)).await.unwrap();
    let mut out = cluster.0.run("kubectl get pod big -o jsonpath={.spec.nodeName}/{.status.phase}");
    let text: String = out.drain().into_iter().filter_map(|o| if let kubeplay_sim::interface::ConsoleOutput::Stdout(t) = o { Some(t) } else { None }).collect();
    assert_eq!(text, "node-1/Running");
}

#[wasm_bindgen_test]
async fn a_pod_without_a_readiness_probe_says_why_its_readiness_cannot_fail() {
    let cluster = ClusterHandle::local_default();
    cluster.0.apply("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n", "web.yaml").await.unwrap();
    cluster.0.advance(Duration::seconds(20)).await.unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let target = kubeplay_web::components::Target { kind: kubeplay_sim::api::Kind::Pod, namespace: "default".into(), name: "web".into() };
    yew::Renderer::<InspectorHarness>::with_root_and_props(root.clone(), InspectorHarnessProps { cluster: cluster.clone(), target }).render();
    settle().await;
    let fail: web_sys::HtmlButtonElement = root.query_selector("[data-testid=action-fail-readiness]").unwrap().expect("the fault is offered").dyn_into().unwrap();
    assert!(fail.disabled(), "there is no readiness to fail");
    assert!(fail.title().starts_with("This pod has no readiness probe"), "{}", fail.title());
    assert!(root.query_selector("[data-testid=action-recover-readiness]").unwrap().is_none());
    assert!(!root.query_selector("[data-testid=action-delete-pod]").unwrap().unwrap().dyn_into::<web_sys::HtmlButtonElement>().unwrap().disabled());
}

#[wasm_bindgen_test]
async fn the_inspector_shows_a_pods_probe_runs_turn_red() {
    let cluster = ClusterHandle::local_default();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    readinessProbe:\n      httpGet: {path: /, port: 80}\n      periodSeconds: 5\n";
    cluster.0.apply(pod, "web.yaml").await.unwrap();
    cluster.0.advance(Duration::seconds(60)).await.unwrap();
    cluster.0.run("fault fail-readiness web").drain();
    cluster.0.advance(Duration::seconds(20)).await.unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let target = kubeplay_web::components::Target { kind: kubeplay_sim::api::Kind::Pod, namespace: "default".into(), name: "web".into() };
    yew::Renderer::<InspectorHarness>::with_root_and_props(root.clone(), InspectorHarnessProps { cluster: cluster.clone(), target }).render();
    settle().await;
    let tabs = root.query_selector_all("[role=tab]").unwrap();
    let probes: web_sys::HtmlElement = (0..tabs.length()).filter_map(|i| tabs.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).find(|t| t.text_content().as_deref() == Some("Probes")).expect("a pod with probes has a Probes tab");
    probes.click();
    settle().await;
    let probe = root.query_selector("[data-testid=probe][data-probe=Readiness]").unwrap().expect("the readiness probe is listed");
    let text = probe.text_content().unwrap();
    assert!(text.contains("web · Readiness") && text.contains("failing (4 in a row)") && text.contains("http-get http://:80/"), "{text}");
    let marks = attr_of_all(&probe, ".run", "data-ok");
    assert_eq!(marks.len(), 12);
    assert_eq!(marks[8..], ["false", "false", "false", "false"], "the last four runs failed: {marks:?}");
    assert!(marks[..8].iter().all(|m| m == "true"), "{marks:?}");
}

#[function_component(ChartsHarness)]
fn charts_harness(props: &HarnessProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <kubeplay_web::components::Charts now={kubeplay_sim::clock::Time(0)} />
        </ContextProvider<ClusterHandle>>
    }
}

/// The charts view after running `lines` in the console and two virtual minutes.
async fn charts_after(cluster: &ClusterHandle, lines: &[&str]) -> web_sys::Element {
    for line in lines {
        cluster.0.run(line).drain();
    }
    cluster.0.advance(Duration::seconds(120)).await.unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<ChartsHarness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone() }).render();
    settle().await;
    root
}

#[wasm_bindgen_test]
async fn the_charts_follow_an_autoscaler_and_write_out_its_formula() {
    let cluster = ClusterHandle::local_default();
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources:\n          requests: {cpu: 100m}\n";
    cluster.0.apply(web, "web.yaml").await.unwrap();
    let root = charts_after(&cluster, &["kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=10", "usage app=web cpu=150m"]).await;
    assert_eq!(attr_of_all(&root, "[data-testid=hpa-charts]", "data-name"), vec!["web"]);
    let titles = attr_of_all(&root, "[data-testid=chart]", "data-title");
    assert_eq!(titles, vec!["Replicas", "cpu against target", "Pods"], "no load runs, so no load charts");
    // A group's heading names the group, not again its chart.
    let groups = root.query_selector_all(".chart-group").unwrap();
    for i in 0..groups.length() {
        let group: web_sys::Element = groups.item(i).unwrap().dyn_into().unwrap();
        let heading = group.query_selector("h3").unwrap().unwrap().first_child().unwrap().text_content().unwrap();
        let charts = attr_of_all(&group, "[data-testid=chart]", "data-title");
        assert!(!charts.contains(&heading), "the heading {heading:?} repeats a chart's title: {charts:?}");
    }
    let formula = root.query_selector("[data-testid=hpa-formula]").unwrap().unwrap().text_content().unwrap();
    assert!(formula.starts_with("cpu ") && formula.contains("/ target 50% = ratio "), "{formula}");
    let lines = root.query_selector_all("[data-testid=hpa-charts] polyline").unwrap();
    assert_eq!(lines.length(), 5, "desired, current, ready, cpu and target");
}

/// Properties of [`ChartsAtHarness`].
#[derive(Properties, PartialEq)]
struct ChartsAtProps {
    cluster: ClusterHandle,
    now: kubeplay_sim::clock::Time,
}

/// The charts at a given moment, as the page passes its clock.
#[function_component(ChartsAtHarness)]
fn charts_at_harness(props: &ChartsAtProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <kubeplay_web::components::Charts now={props.now} />
        </ContextProvider<ClusterHandle>>
    }
}

/// The charts drawn now, in a fresh root.
async fn charts_now(cluster: &ClusterHandle) -> web_sys::Element {
    let now = cluster.0.now().await.unwrap();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<ChartsAtHarness>::with_root_and_props(root.clone(), ChartsAtProps { cluster: cluster.clone(), now }).render();
    settle().await;
    root
}

fn text_of(root: &web_sys::Element, selector: &str) -> Option<String> {
    root.query_selector(selector).unwrap().and_then(|e| e.text_content())
}

#[wasm_bindgen_test]
async fn a_load_that_ended_shows_no_rate_as_current() {
    let cluster = ClusterHandle::local_default();
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n    nodePort: 30080\n";
    cluster.0.apply(web, "web.yaml").await.unwrap();
    cluster.0.advance(Duration::seconds(30)).await.unwrap();
    cluster.0.run("load http://127.0.0.1:30080 50/s for 1m").drain();
    cluster.0.advance(Duration::seconds(20)).await.unwrap();
    let running = charts_now(&cluster).await;
    assert_eq!(text_of(&running, ".legend.c-requests").as_deref(), Some("sent 50/s"), "while it runs, the rate now");
    assert_eq!(text_of(&running, "[data-testid=load-state]"), None);
    // Two minutes later the load has ended: its last rate is not shown as the rate now.
    cluster.0.advance(Duration::seconds(120)).await.unwrap();
    let ended = charts_now(&cluster).await;
    assert_eq!(text_of(&ended, ".legend.c-requests").as_deref(), Some("sent \u{2013}"));
    assert_eq!(text_of(&ended, ".legend.c-p99").as_deref(), Some("p99 \u{2013}"));
    assert_eq!(text_of(&ended, "[data-testid=load-state]").as_deref(), Some("no load running now"));
    assert_ne!(text_of(&ended, ".legend.c-current").as_deref(), Some("running \u{2013}"), "the pods are still counted");
}

#[wasm_bindgen_test]
async fn the_formula_says_why_the_autoscaler_keeps_pods_after_the_load_drops() {
    let cluster = ClusterHandle::local_default();
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources:\n          requests: {cpu: 100m}\n";
    cluster.0.apply(web, "web.yaml").await.unwrap();
    cluster.0.run("kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=10").drain();
    cluster.0.run("usage app=web cpu=150m").drain();
    cluster.0.advance(Duration::seconds(120)).await.unwrap();
    let busy = charts_now(&cluster).await;
    let formula = text_of(&busy, "[data-testid=hpa-formula]").unwrap();
    assert!(!formula.contains("stabilization"), "{formula}");
    // The usage drops: the formula's result falls to 1, the controller keeps its pods a while.
    cluster.0.run("usage app=web cpu=1m").drain();
    cluster.0.advance(Duration::seconds(60)).await.unwrap();
    let quiet = charts_now(&cluster).await;
    let formula = text_of(&quiet, "[data-testid=hpa-formula]").unwrap();
    assert!(formula.contains("= 1. The controller wants "), "{formula}");
    assert!(formula.contains(", not 1: it scales down only to the highest result of the last 5 minutes (its scale-down stabilization window)"), "{formula}");
}

#[wasm_bindgen_test]
async fn an_autoscalers_replicas_chart_shows_the_ready_pods_lag_behind_a_scale_up() {
    let cluster = ClusterHandle::local_default();
    // Its pods are ready 20 s after they start (their readiness probe waits that long).
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources:\n          requests: {cpu: 100m}\n        readinessProbe:\n          httpGet: {path: /, port: 80}\n          initialDelaySeconds: 20\n          periodSeconds: 5\n";
    cluster.0.apply(web, "web.yaml").await.unwrap();
    cluster.0.run("kubectl autoscale deployment web --cpu-percent=50 --max=10").drain();
    cluster.0.advance(Duration::seconds(60)).await.unwrap();
    let calm = charts_now(&cluster).await;
    assert_eq!(text_of(&calm, ".legend.c-scaled").as_deref(), Some("current 1"));
    assert_eq!(text_of(&calm, ".legend.c-current").as_deref(), Some("ready 1"));
    // Busy pods: the autoscaler adds pods, which are not ready yet when it has.
    cluster.0.run("usage app=web cpu=200m").drain();
    let mut seen = Vec::new();
    for _ in 0..18 {
        cluster.0.advance(Duration::seconds(5)).await.unwrap();
        let root = charts_now(&cluster).await;
        seen.push((text_of(&root, ".legend.c-scaled").unwrap_or_default(), text_of(&root, ".legend.c-current").unwrap_or_default()));
    }
    let number = |t: &str| t.rsplit(' ').next().and_then(|n| n.parse::<u32>().ok()).unwrap_or(0);
    assert!(seen.iter().any(|(current, ready)| number(ready) < number(current)), "the ready pods lag behind: {seen:?}");
    assert!(seen.last().is_some_and(|(current, ready)| number(current) > 1 && number(ready) == number(current)), "and catch up: {seen:?}");
}

#[wasm_bindgen_test]
async fn the_chart_legends_say_their_units() {
    let cluster = ClusterHandle::local_default();
    cluster.0.run("kubectl create deployment web --image=nginx").drain();
    cluster.0.run("kubectl set resources deployment web --requests=cpu=100m").drain();
    cluster.0.run("kubectl autoscale deployment web --cpu-percent=50 --max=10").drain();
    cluster.0.run("usage app=web cpu=30m").drain();
    cluster.0.advance(Duration::seconds(90)).await.unwrap();
    let root = charts_now(&cluster).await;
    // As the formula says them: a percentage of the request.
    assert_eq!(text_of(&root, ".legend.c-target").as_deref(), Some("target 50%"));
    assert_eq!(text_of(&root, ".legend.c-metric").as_deref(), Some("cpu 30%"));
    assert_eq!(text_of(&root, ".legend.c-desired").as_deref(), Some("desired 1"), "a count of pods stays a number");
}

#[wasm_bindgen_test]
async fn an_autoscaler_without_cpu_requests_says_why_and_how_to_fix_it() {
    let cluster = ClusterHandle::local_default();
    let root = charts_after(&cluster, &["kubectl create deployment web --image=nginx", "kubectl autoscale deployment web --cpu-percent=50 --max=10"]).await;
    let formula = root.query_selector("[data-testid=hpa-formula]").unwrap().unwrap().text_content().unwrap();
    assert!(formula.starts_with("No cpu figure: the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container nginx of Pod web-"), "{formula}");
    assert!(formula.ends_with("kubectl set resources deployment web --requests=cpu=100m."), "{formula}");
}

#[wasm_bindgen_test]
fn a_state_file_round_trips_and_wrong_files_are_explained() {
    use kubeplay_web::state_file::{export, import};
    let items = vec![("kubeplay.editor.v1".to_string(), "kind: Pod".to_string()), ("kubeplay.token".to_string(), "secret".to_string()), ("other".to_string(), "x".to_string())];
    let text = export(&items);
    assert_eq!(import(&text).unwrap(), vec![("kubeplay.editor.v1".to_string(), "kind: Pod".to_string())], "only the page's own items, never the token");
    assert!(import("{").unwrap_err().starts_with("This is not a kubeplay file (it is not JSON"));
    assert_eq!(import("{\"format\":\"kubeplay-state\",\"version\":7,\"items\":{}}").unwrap_err(), "This file comes from a newer kubeplay (format version 7); this page reads version 1.");
    assert_eq!(import("{\"format\":\"x\"}").unwrap_err(), "This is not a kubeplay file (it has no \"format\": \"kubeplay-state\").");
}

#[wasm_bindgen_test]
fn a_theme_chosen_on_a_link_changes_only_the_links_theme() {
    use kubeplay_web::components::theme::{with_theme, Theme};
    assert_eq!(with_theme("?present&theme=dark&speed=10", Theme::Light), "?present&theme=light&speed=10");
    assert_eq!(with_theme("?theme=dark&theme=light", Theme::Auto), "?theme=auto");
    assert_eq!(with_theme("", Theme::Dark), "?theme=dark");
    assert_eq!(Theme::parse("blue"), None);
}

#[wasm_bindgen_test]
async fn counts_say_one_thing_in_the_singular() {
    assert_eq!(kubeplay_web::counted(1u64, "event", "events"), "1 event");
    assert_eq!(kubeplay_web::counted(0u64, "event", "events"), "0 events");
    // The events panel: a filter that finds one event says "1 event".
    let cluster = ClusterHandle::local_default();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<EventsHarness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone() }).render();
    cluster.0.run("kubectl run solo --image=nginx").drain();
    cluster.0.advance(Duration::seconds(30)).await.unwrap();
    settle().await;
    let filter: web_sys::HtmlInputElement = root.query_selector("[data-testid=events-filter]").unwrap().unwrap().dyn_into().unwrap();
    filter.set_value("successfully assigned default/solo");
    filter.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    settle().await;
    assert_eq!(attr_of_all(&root, "[data-testid=event]", "data-reason"), vec!["Scheduled"]);
    let count = root.query_selector(".events-filters .muted").unwrap().unwrap().text_content().unwrap();
    assert_eq!(count, "1 event");
    // An autoscaler held at one pod writes its formula with "1 pod".
    let cluster = ClusterHandle::local_default();
    let web = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources:\n          requests: {cpu: 100m}\n";
    cluster.0.apply(web, "web.yaml").await.unwrap();
    let root = charts_after(&cluster, &["kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=1", "usage app=web cpu=80m"]).await;
    let formula = root.query_selector("[data-testid=hpa-formula]").unwrap().unwrap().text_content().unwrap();
    assert!(formula.contains(" × 1 pod) = 2, kept within 1..1: 1."), "{formula}");
}

#[function_component(StripHarness)]
fn strip_harness(props: &HarnessProps) -> Html {
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <kubeplay_web::components::ControlPlaneStrip now={kubeplay_sim::clock::Time(3_000)} />
        </ContextProvider<ClusterHandle>>
    }
}

#[wasm_bindgen_test]
async fn the_strips_last_action_names_who_acted_as_its_chip_does() {
    let cluster = ClusterHandle::local_default();
    cluster.0.run("kubectl create deployment web --image=nginx").drain();
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<StripHarness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone() }).render();
    settle().await;
    let line = root.query_selector("[data-testid=last-action]").unwrap().unwrap().text_content().unwrap();
    let chips: Vec<String> = {
        let list = root.query_selector_all("[data-testid=component]").unwrap();
        (0..list.length()).filter_map(|i| list.item(i)?.text_content()).collect()
    };
    let (who, _) = line.split_once(": ").unwrap_or_else(|| panic!("who acted, then what it did: {line}"));
    assert!(chips.iter().any(|c| c == who), "{line:?} names who acted as a chip does: {chips:?}");
    assert!(!who.contains("-controller") && !who.contains("default-scheduler"), "{line}");
    assert_eq!(kubeplay_web::components::control_plane::label("kubelet/node-2"), "kubelet node-2");
    assert_eq!(kubeplay_web::components::control_plane::label("endpoint-controller"), "endpoint controller");
}

#[wasm_bindgen_test]
fn a_watch_redraws_its_own_lines_and_the_lines_after_it_move_with_them() {
    use kubeplay_web::components::screens::Screens;
    let mut screens = Screens::default();
    let mut lines: Vec<&str> = vec!["$ watch a"];
    let a = screens.open(lines.len());
    // Its first screen is printed as any output is; the first refresh replaces it.
    screens.printed(a, lines.len(), 1);
    lines.push("a0");
    screens.draw(a, &mut lines, vec!["a1", "a2"]);
    lines.push("$ watch b");
    let b = screens.open(lines.len());
    screens.draw(b, &mut lines, vec!["b1"]);
    lines.push("$ kubectl set image");
    let c = screens.open(lines.len());
    screens.printed(c, lines.len(), 1);
    lines.push("image updated");
    // A taller screen for a, then a shorter one: b and what followed move with it.
    screens.draw(a, &mut lines, vec!["a1", "a2", "a3"]);
    screens.draw(b, &mut lines, vec!["b2"]);
    assert_eq!(lines, ["$ watch a", "a1", "a2", "a3", "$ watch b", "b2", "$ kubectl set image", "image updated"]);
    screens.draw(a, &mut lines, vec!["a4"]);
    screens.draw(b, &mut lines, vec!["b3", "b4"]);
    assert_eq!(lines, ["$ watch a", "a4", "$ watch b", "b3", "b4", "$ kubectl set image", "image updated"]);
    // After clear, the running ones draw from the top, a first.
    screens.close(b);
    lines.clear();
    screens.cleared();
    screens.draw(a, &mut lines, vec!["a5"]);
    assert_eq!(lines, ["a5"]);
}

#[wasm_bindgen_test]
async fn a_command_typed_while_watch_runs_stays_in_the_console_below_the_watch() {
    let (cluster, root) = fresh_page().await;
    press(&root, Some("watch -n 1 kubectl get deployments"), "Enter").await;
    cluster.0.advance(Duration::seconds(1)).await.unwrap();
    settle().await;
    press(&root, Some("kubectl create deployment web --image=nginx"), "Enter").await;
    for _ in 0..3 {
        cluster.0.advance(Duration::seconds(1)).await.unwrap();
        settle().await;
    }
    let text = console_text(&root);
    let watch = text.find("Every 1.0s: kubectl get deployments").expect(&text);
    let shown = text.find("web   ").expect(&text);
    let typed = text.find("$ kubectl create deployment web --image=nginx").expect(&text);
    assert!(watch < shown && shown < typed, "the watch shows the new Deployment above the command typed after it: {text}");
    assert!(text.ends_with("deployment.apps/web created"), "{text}");
    assert_eq!(text.matches("Every 1.0s").count(), 1, "one screen, redrawn in place: {text}");
}
