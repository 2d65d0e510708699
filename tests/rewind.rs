//! Browser tests of going back in time: the Rewind panel's buttons and checkpoints take
//! the cluster back to an earlier moment, with the same pods as then.

use kubeplay_sim::api::Kind;
use kubeplay_sim::clock::{Duration, Time};
use kubeplay_web::components::Rewind;
use kubeplay_web::ClusterHandle;
use std::cell::Cell;
use std::rc::Rc;
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
    now: Time,
    reached: Rc<Cell<Option<Time>>>,
}

#[function_component(Harness)]
fn harness(props: &HarnessProps) -> Html {
    let reached = props.reached.clone();
    html! {
        <ContextProvider<ClusterHandle> context={props.cluster.clone()}>
            <Rewind now={props.now} on_rewound={Callback::from(move |t| reached.set(Some(t)))} />
        </ContextProvider<ClusterHandle>>
    }
}

async fn settle() {
    for _ in 0..5 {
        yew::scheduler::flush().await;
        gloo::timers::future::TimeoutFuture::new(0).await;
    }
}

fn click(root: &web_sys::Element, selector: &str) {
    let el: web_sys::HtmlElement = root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("{selector} is shown")).dyn_into().unwrap();
    el.click();
}

async fn pod_names(cluster: &ClusterHandle) -> Vec<String> {
    cluster.0.list(Kind::Pod, Some("default")).await.unwrap().items.iter().map(|o| o.name().to_string()).collect()
}

async fn run(cluster: &ClusterHandle, line: &str) {
    let mut out = cluster.0.run(line);
    while out.recv().await.is_some() {}
}

/// A cluster with a Deployment of 2 started 40 s ago and scaled to 4 ten seconds ago, and
/// the Rewind panel mounted and opened at the current time.
async fn scaled_cluster() -> (ClusterHandle, web_sys::Element, Rc<Cell<Option<Time>>>, Vec<String>) {
    forget_kept_work().await;
    let cluster = ClusterHandle::local_default();
    run(&cluster, "kubectl create deployment web --image=nginx --replicas=2").await;
    cluster.0.advance(Duration::seconds(30)).await.unwrap();
    let two = pod_names(&cluster).await;
    run(&cluster, "kubectl scale deployment web --replicas=4").await;
    let now = cluster.0.advance(Duration::seconds(10)).await.unwrap();
    assert_eq!(pod_names(&cluster).await.len(), 4);
    let reached = Rc::new(Cell::new(None));
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Harness>::with_root_and_props(root.clone(), HarnessProps { cluster: cluster.clone(), now, reached: reached.clone() }).render();
    settle().await;
    click(&root, "[data-testid=rewind]");
    settle().await;
    (cluster, root, reached, two)
}

#[wasm_bindgen_test]
async fn going_back_30_seconds_brings_back_the_pods_of_that_moment() {
    let (cluster, root, reached, two) = scaled_cluster().await;
    click(&root, "[data-testid=back-30s]");
    settle().await;
    let now = cluster.0.now().await.unwrap();
    assert_eq!(reached.get(), Some(now), "the page is told where time stands");
    assert_eq!(pod_names(&cluster).await, two, "before the scale: the same two pods, by name");
    assert!(root.query_selector(".rewind-panel").unwrap().is_none(), "the panel closes");
}

#[wasm_bindgen_test]
async fn a_checkpoint_returns_even_after_rewinding_past_it() {
    let (cluster, root, _, two) = scaled_cluster().await;
    let four = pod_names(&cluster).await;
    click(&root, "[data-testid=checkpoint-save]");
    settle().await;
    let saved: Vec<String> = {
        let list = root.query_selector_all("[data-testid=checkpoint]").unwrap();
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok()?.get_attribute("data-time")).collect()
    };
    assert_eq!(saved, ["09:00:40"]);
    click(&root, "[data-testid=back-start]");
    settle().await;
    assert!(pod_names(&cluster).await.is_empty(), "at the start there was no Deployment");
    assert_ne!(two, four);
    click(&root, "[data-testid=rewind]");
    settle().await;
    click(&root, "[data-testid=checkpoint] button");
    settle().await;
    assert_eq!(pod_names(&cluster).await, four, "the checkpoint's four pods are back");
    let kept = kubeplay_web::kept::get_item("kubeplay.checkpoints.v1").unwrap();
    assert!(kept.contains("\"time\""), "checkpoints survive a reload: {kept}");
}
