//! Entry point of the page: reads what the browser keeps for the learner (IndexedDB, see
//! `kubeplay_web::kept`), then mounts the app on `<body>` with the in-page simulator.

fn main() {
    wasm_bindgen_futures::spawn_local(async {
        kubeplay_web::kept::open().await;
        let cluster = kubeplay_web::ClusterHandle::local_default();
        yew::Renderer::<kubeplay_web::App>::with_props(kubeplay_web::app::AppProps { cluster }).render();
    });
}
