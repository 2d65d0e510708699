//! Entry point of the page: asks the browser for what it keeps for the learner (IndexedDB,
//! see `kubeplay_web::kept`), builds the in-page simulator while the database opens, then
//! mounts the app on `<body>`. Each phase leaves a `kubeplay:` performance mark, which the
//! performance test prints.

fn main() {
    kubeplay_web::mark("kubeplay:start");
    wasm_bindgen_futures::spawn_local(async {
        let opening = kubeplay_web::kept::open();
        let cluster = kubeplay_web::ClusterHandle::local_default();
        kubeplay_web::mark("kubeplay:cluster-built");
        opening.await;
        kubeplay_web::mark("kubeplay:storage-read");
        yew::Renderer::<kubeplay_web::App>::with_props(kubeplay_web::app::AppProps { cluster }).render();
        kubeplay_web::mark("kubeplay:first-render");
    });
}
