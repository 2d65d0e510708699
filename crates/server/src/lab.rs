//! The containers lab's API: `POST /api/lab/run` takes one allowlisted demo
//! request as JSON and answers with its report, run for real in the sandbox
//! when this host allows it. At most [`MAX_CONCURRENT`] demos run at once;
//! request bodies are small and must be JSON.

use axum::body::Bytes;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kubeplay_runtime::demo::DemoRequest;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Most demos running at the same time; more get 429.
pub const MAX_CONCURRENT: usize = 2;
/// Largest request body accepted, in bytes (the route's body limit answers 413 beyond it).
pub const MAX_BODY: usize = 4096;

/// The sandbox when this host can run the lab for real, or why it cannot.
#[derive(Clone)]
pub struct Lab {
    #[cfg(target_os = "linux")]
    sandbox: Option<Arc<kubeplay_runtime::linux::sandbox::Sandbox>>,
    unavailable: Option<String>,
    running: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab").field("unavailable", &self.unavailable).finish()
    }
}

impl Lab {
    /// A lab that only reports why it cannot run.
    pub fn unavailable(reason: &str) -> Lab {
        Lab {
            #[cfg(target_os = "linux")]
            sandbox: None,
            unavailable: Some(reason.to_string()),
            running: Arc::default(),
        }
    }

    /// The real lab with its state under `base`, started by re-executing this
    /// binary, when the host allows it; otherwise a lab saying why not.
    pub fn detect(base: &Path) -> Lab {
        if let Some(reason) = kubeplay_runtime::probe().simulated_because {
            return Lab::unavailable(&reason);
        }
        #[cfg(target_os = "linux")]
        {
            // The image is built once, before the first request needs it.
            if let Err(e) = kubeplay_runtime::linux::rootfs::busybox_image(base) {
                return Lab::unavailable(&format!("the busybox image could not be built in {}: {e}", base.display()));
            }
            match kubeplay_runtime::linux::sandbox::Sandbox::new(base, Path::new("/proc/self/exe")) {
                Ok(sandbox) => Lab { sandbox: Some(Arc::new(sandbox)), unavailable: None, running: Arc::default() },
                Err(e) => Lab::unavailable(&format!("the sandbox could not start: {e}")),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = base;
            Lab::unavailable("the lab needs Linux")
        }
    }

    /// Why the lab is simulated, or `None` when it runs for real.
    pub fn simulated_because(&self) -> Option<&str> {
        self.unavailable.as_deref()
    }
}

fn error(status: StatusCode, text: impl Into<String>) -> Response {
    (status, Json(serde_json::json!({ "error": text.into() }))).into_response()
}

/// Gives the slot back when the demo ends, however it ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn take_slot(running: &Arc<AtomicUsize>) -> Option<Slot> {
    running.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| (n < MAX_CONCURRENT).then_some(n + 1)).ok().map(|_| Slot(running.clone()))
}

/// `POST /api/lab/run`: the report as JSON, or with `Accept: application/x-ndjson` the
/// demo's progress as it happens, one [`kubeplay_runtime::demo::LiveEvent`] per line.
pub async fn run(lab: Lab, headers: &HeaderMap, body: Bytes) -> Response {
    let json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(';').next().is_some_and(|t| t.trim() == "application/json"));
    if !json {
        return error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "the request must be JSON (Content-Type: application/json)");
    }
    let request: DemoRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, format!("not a demo request: {e}")),
    };
    if let Err(e) = request.validate() {
        return error(StatusCode::BAD_REQUEST, e);
    }
    if let Some(reason) = &lab.unavailable {
        return error(StatusCode::SERVICE_UNAVAILABLE, format!("the lab cannot run on this host: {reason}"));
    }
    let Some(slot) = take_slot(&lab.running) else {
        return error(StatusCode::TOO_MANY_REQUESTS, format!("{MAX_CONCURRENT} demos are running; try again when one ends"));
    };
    let live = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/x-ndjson"));
    if live {
        return run_demo_live(lab, request, slot);
    }
    run_demo(lab, request, slot).await
}

#[cfg(target_os = "linux")]
async fn run_demo(lab: Lab, request: DemoRequest, slot: Slot) -> Response {
    let Some(sandbox) = lab.sandbox.clone() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "the lab cannot run on this host");
    };
    let result = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        kubeplay_runtime::linux::demos::run(&sandbox, &request)
    })
    .await;
    match result {
        Ok(Ok(report)) => Json(report).into_response(),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the demo's worker ended unexpectedly"),
    }
}

/// Streams the demo's events as lines of JSON while a worker thread runs it.
#[cfg(target_os = "linux")]
fn run_demo_live(lab: Lab, request: DemoRequest, slot: Slot) -> Response {
    use kubeplay_runtime::demo::LiveEvent;
    let Some(sandbox) = lab.sandbox.clone() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "the lab cannot run on this host");
    };
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let line = |event: &LiveEvent| serde_json::to_string(event).unwrap_or_default() + "\n";
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let result = kubeplay_runtime::linux::demos::run_observed(&sandbox, &request, &mut |event| {
            let _ = tx.send(line(&event));
        });
        let last = match result {
            Ok(report) => LiveEvent::Report { report },
            Err(error) => LiveEvent::Error { error },
        };
        let _ = tx.send(line(&last));
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|line| (Ok::<_, std::convert::Infallible>(line), rx)) });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/x-ndjson")
        .header(header::CACHE_CONTROL, "no-store")
        .body(axum::body::Body::from_stream(stream))
        .unwrap_or_else(|_| error(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
}

#[cfg(not(target_os = "linux"))]
fn run_demo_live(_lab: Lab, _request: DemoRequest, _slot: Slot) -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, "the lab needs Linux")
}

#[cfg(not(target_os = "linux"))]
async fn run_demo(_lab: Lab, _request: DemoRequest, _slot: Slot) -> Response {
    error(StatusCode::SERVICE_UNAVAILABLE, "the lab needs Linux")
}

/// The median, 10th and 90th percentile of `samples` in microseconds.
pub fn percentiles(samples: &mut [u64]) -> (u64, u64, u64) {
    samples.sort_unstable();
    let at = |q: usize| samples.get((samples.len().saturating_sub(1)) * q / 100).copied().unwrap_or(0);
    (at(50), at(10), at(90))
}

/// Times `runs` back-to-back starts of `/bin/true` in the busybox image with our
/// sandbox, `crun run` and `runc run` (the ones installed), each from start to
/// clean-up, and returns a Markdown table (root only).
#[cfg(target_os = "linux")]
pub fn bench(base: &Path, runs: usize) -> Result<String, String> {
    use kubeplay_runtime::linux::{oci, rootfs, sandbox::Sandbox};
    let image = rootfs::busybox_image(base).map_err(|e| format!("busybox image: {e}"))?;
    let sandbox = Sandbox::new(base, Path::new("/proc/self/exe"))?;
    let spec = kubeplay_runtime::SandboxSpec::standard(&["/bin/true"], vec![image.clone()]);
    let mut own = (0..runs).map(|_| sandbox.run(&spec).map(|o| o.wall_us)).collect::<Result<Vec<_>, _>>()?;
    let mut rows = vec![("kubeplay sandbox (namespaces, overlay, pivot_root, cgroups, seccomp)".to_string(), percentiles(&mut own))];
    for runtime in oci::available() {
        let mut samples = oci::bench(runtime, base, &image, runs)?;
        let version = runtime.path().and_then(|p| std::process::Command::new(p).arg("--version").stdin(std::process::Stdio::null()).output().ok()).map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string()).unwrap_or_default();
        rows.push((format!("`{} run` ({version})", runtime.name()), percentiles(&mut samples)));
    }
    let ms = |us: u64| format!("{:.1} ms", us as f64 / 1000.0);
    let mut table = format!("| runtime ({runs} runs of /bin/true, start to clean-up) | median | p10 | p90 |\n|---|---|---|---|\n");
    for (name, (median, p10, p90)) in rows {
        table.push_str(&format!("| {name} | {} | {} | {} |\n", ms(median), ms(p10), ms(p90)));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_sorted_samples() {
        let mut samples = vec![50, 10, 40, 20, 30, 90, 60, 80, 70, 100, 0];
        assert_eq!(percentiles(&mut samples), (50, 10, 90));
        assert_eq!(percentiles(&mut []), (0, 0, 0));
    }

    #[test]
    fn slots_are_limited_and_given_back() {
        let running = Arc::new(AtomicUsize::new(0));
        let a = take_slot(&running).unwrap();
        let _b = take_slot(&running).unwrap();
        assert!(take_slot(&running).is_none());
        drop(a);
        assert!(take_slot(&running).is_some());
    }
}
