//! Entry point of the page: asks the browser for what it keeps for the learner (IndexedDB,
//! see `kubeplay_web::kept`), builds the in-page simulator while the database opens, then
//! mounts the app on `<body>`. On a first visit there is nothing to wait for, so the app
//! mounts at once and the database opens behind it. Each phase leaves a `kubeplay:` performance mark, which the
//! performance test prints.

fn main() {
    use kubeplay_web::kept;
    kubeplay_web::mark("kubeplay:start");
    let render = |cluster| {
        yew::Renderer::<kubeplay_web::App>::with_props(kubeplay_web::app::AppProps { cluster }).render();
        kubeplay_web::mark("kubeplay:first-render");
    };
    if kept::first_visit() {
        // Nothing kept to wait for: render now, and open the database behind the page.
        let opening = kept::open_behind();
        let cluster = kubeplay_web::ClusterHandle::local_default();
        kubeplay_web::mark("kubeplay:cluster-built");
        render(cluster);
        wasm_bindgen_futures::spawn_local(async move {
            let kept_after_all = opening.await;
            kubeplay_web::mark("kubeplay:storage-read");
            if kept_after_all {
                // The database holds earlier work that localStorage forgot: show it.
                let _ = web_sys::window().map(|w| w.location().reload());
            }
        });
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let opening = kept::open();
        let cluster = kubeplay_web::ClusterHandle::local_default();
        kubeplay_web::mark("kubeplay:cluster-built");
        opening.await;
        kubeplay_web::mark("kubeplay:storage-read");
        render(cluster);
    });
}
