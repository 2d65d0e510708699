//! The control plane's scale scenario in headless Chromium (`kubeplay_sim::scale`, the same
//! one `cargo run --profile bench -p kubeplay-sim --example scale` runs natively), built as
//! the page is (release profile). It prints its figures and checks the rollout finished;
//! times are figures, not asserts. The test command runs it at 500 workers and 5,000 pods
//! (`cargo test --release -p kubeplay-web --target wasm32-unknown-unknown --test scale --
//! --include-ignored --nocapture`, with the wasm runner's environment as in `scripts/dev`);
//! `KUBEPLAY_SCALE="WORKERS REPLICAS"` at build time picks another size.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The size to run: `KUBEPLAY_SCALE` when the test was built with it, else 500 workers and 5,000 pods.
fn size() -> (u32, u32) {
    let words: Vec<u32> = option_env!("KUBEPLAY_SCALE").unwrap_or("500 5000").split_whitespace().filter_map(|w| w.parse().ok()).collect();
    (words.first().copied().unwrap_or(500), words.get(1).copied().unwrap_or(5000))
}

/// Left out of the (debug) wasm suite; the test command runs it in release with `--include-ignored`.
#[wasm_bindgen_test]
#[ignore = "a benchmark: run in release, see the module's doc"]
async fn the_scale_scenario_runs_in_the_browser() {
    use kubeplay_sim::scale::{Scenario, PHASES};
    let (workers, replicas) = size();
    let performance = web_sys::window().and_then(|w| w.performance()).expect("a page has performance.now()");
    // kubeplay_sim::scale::run's steps, with pauses for the browser.
    let now_ms = || performance.now();
    let mut scenario = Scenario::build(workers, replicas, &now_ms);
    for phase in 0..PHASES.len() {
        scenario.begin(phase);
        // A pause for the browser after each virtual second (WebDriver gives up on a page
        // that does not answer for long).
        while scenario.step(phase) {
            gloo::timers::future::TimeoutFuture::new(0).await;
        }
        scenario.end(phase);
    }
    let (report, c) = scenario.finish();
    let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>().buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length();
    let text = report.lines(&format!("{:.0} MiB (the wasm memory, which only grows)", f64::from(memory) / 1048576.0));
    for line in text.lines() {
        console_log!("scale in headless Chromium: {line}");
    }
    assert_eq!(report.first_ready, replicas as usize, "every pod ran the first image before the rollout");
    assert_eq!(report.rolled_ready, replicas as usize, "every pod runs the new image after it");
    assert_eq!(c.overruns(), 0);
}
