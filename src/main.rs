//! Entry point of the page: mounts the app on `<body>` with the in-page simulator.

fn main() {
    let cluster = kubeplay_web::ClusterHandle::local_default();
    yew::Renderer::<kubeplay_web::App>::with_props(kubeplay_web::app::AppProps { cluster }).render();
}
