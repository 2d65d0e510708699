//! Entry point of the page: asks the browser for what it keeps for the learner (IndexedDB,
//! see `kubeplay_web::kept`), builds the in-page simulator while the database opens, then
//! mounts the app on `<body>`. Each phase leaves a `kubeplay:` performance mark, which the
//! performance test prints.

fn main() {
    kubeplay_web::mark("kubeplay:start");
    wasm_bindgen_futures::spawn_local(async {
        // An embed that keeps nothing reads nothing: it does not wait for the database, which
        // in some frames (a slide deck's about:blank or srcdoc page) never answers, and the
        // page stayed blank until the 5 s timeout.
        let opening = kubeplay_web::keeps_work_by_url().then(kubeplay_web::kept::open);
        let cluster = kubeplay_web::ClusterHandle::local_default();
        kubeplay_web::mark("kubeplay:cluster-built");
        if let Some(opening) = opening {
            opening.await;
        }
        kubeplay_web::mark("kubeplay:storage-read");
        yew::Renderer::<kubeplay_web::App>::with_props(kubeplay_web::app::AppProps { cluster }).render();
        kubeplay_web::mark("kubeplay:first-render");
    });
}
