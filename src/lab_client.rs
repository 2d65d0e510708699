//! The containers lab's two back ends: the real one, `POST api/lab/run` on the
//! `kubeplay serve` that served this page, and the simulated one in the page.
//! The page talks to the API only when the served HTML carries the backend
//! marker, and only with the token the server put in it; the token stays in
//! this tab's session storage and leaves the address bar at once, so share and
//! embed links never contain it.

use kubeplay_lab::{DemoReport, DemoRequest, LiveEvent};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export function meta_content(name) {
  const m = document.querySelector(`meta[name="${name}"]`);
  return m ? m.content : undefined;
}
export function drop_token_from_address() {
  const u = new URL(location.href);
  if (u.searchParams.has('token')) {
    u.searchParams.delete('token');
    history.replaceState(history.state, '', u.toString());
  }
}
export async function api_get(path, token) {
  const response = await fetch(path, { headers: { 'X-Kubeplay-Token': token }, cache: 'no-store' });
  return [response.status, await response.text()];
}
export async function api_stream(path, token, body, on_line) {
  const response = await fetch(path, {
    method: 'POST', cache: 'no-store', body,
    headers: { 'X-Kubeplay-Token': token, 'Content-Type': 'application/json', 'Accept': 'application/x-ndjson' },
  });
  if (!response.ok || !response.body) return [response.status, await response.text()];
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    pending += decoder.decode(value || new Uint8Array(), { stream: !done });
    let end;
    while ((end = pending.indexOf('\n')) >= 0) {
      on_line(pending.slice(0, end));
      pending = pending.slice(end + 1);
    }
    if (done) break;
  }
  return [response.status, ''];
}
"#)]
extern "C" {
    fn meta_content(name: &str) -> Option<String>;
    fn drop_token_from_address();
    #[wasm_bindgen(catch)]
    async fn api_get(path: &str, token: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn api_stream(path: &str, token: &str, body: String, on_line: &Closure<dyn FnMut(String)>) -> Result<JsValue, JsValue>;
}

/// Where this tab keeps the server's token.
const TOKEN_KEY: &str = "kubeplay.token";

/// Which lab the page runs.
#[derive(Clone, Debug, PartialEq)]
pub enum LabBackend {
    /// Still asking the server.
    Probing,
    /// The real kernel, through the server that served the page.
    Real {
        /// The per-start token.
        token: String,
        /// What the host offers, for the badge (`cgroup v1+v2 (hybrid), crun, runc`).
        host: String,
    },
    /// The model in the page, and why.
    Simulated {
        /// Why the real lab is not available.
        reason: String,
    },
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Keeps the token the served page carries for this tab and takes it out of the address
/// bar, as the page starts: a lesson link or a reload then still finds it, and the
/// projector does not show it.
pub fn keep_token() {
    let _ = token();
}

/// The token the served page carries (kept for this tab), if any.
fn token() -> Option<String> {
    if let Some(t) = meta_content("kubeplay-token").filter(|t| !t.is_empty()) {
        if let Some(s) = session_storage() {
            let _ = s.set_item(TOKEN_KEY, &t);
        }
        drop_token_from_address();
        return Some(t);
    }
    drop_token_from_address();
    session_storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
}

async fn get(path: &str, token: &str) -> Result<(u16, String), String> {
    let answer = api_get(path, token).await.map_err(|_| "the server did not answer".to_string())?;
    let pair = js_sys::Array::from(&answer);
    let status = pair.get(0).as_f64().unwrap_or(0.0) as u16;
    Ok((status, pair.get(1).as_string().unwrap_or_default()))
}

/// Asks the server (only when the page came from `kubeplay serve`) whether the lab runs for real.
pub async fn detect() -> LabBackend {
    if meta_content("kubeplay-backend").is_none() {
        return LabBackend::Simulated { reason: "this page is not served by kubeplay serve".into() };
    }
    let Some(token) = token() else {
        return LabBackend::Simulated { reason: "open the address kubeplay serve printed: its token lets the page use the server".into() };
    };
    match get("api/health", &token).await {
        Ok((200, text)) => {
            let health: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            if health["lab"]["real"] == true {
                let h = &health["host"];
                let mut parts = vec![format!("cgroup {}", h["cgroup"].as_str().unwrap_or("?"))];
                parts.extend(["crun", "runc"].iter().filter(|r| h[**r].is_string()).map(|r| r.to_string()));
                LabBackend::Real { token, host: parts.join(", ") }
            } else {
                LabBackend::Simulated { reason: health["lab"]["simulated_because"].as_str().unwrap_or("the server cannot run it").to_string() }
            }
        }
        Ok((401, _)) => LabBackend::Simulated { reason: "the server has restarted since this tab opened; open the address it printed".into() },
        Ok((status, _)) => LabBackend::Simulated { reason: format!("the server answered HTTP {status}") },
        Err(e) => LabBackend::Simulated { reason: e },
    }
}

/// Runs one demo on `backend`; a real run tells `on_event` each step and output as it happens.
pub async fn run(backend: &LabBackend, request_body: &DemoRequest, on_event: yew::Callback<LiveEvent>) -> Result<DemoReport, String> {
    let LabBackend::Real { token, .. } = backend else {
        return kubeplay_sim::lab::run(request_body);
    };
    let body = serde_json::to_string(request_body).map_err(|e| e.to_string())?;
    let last = Rc::new(RefCell::new(None::<LiveEvent>));
    let on_line = {
        let last = last.clone();
        Closure::<dyn FnMut(String)>::new(move |line: String| match kubeplay_sim::lab::wire::read_event(&line) {
            Some(event @ (LiveEvent::Report { .. } | LiveEvent::Error { .. })) => *last.borrow_mut() = Some(event),
            Some(event) => on_event.emit(event),
            None => {}
        })
    };
    let answer = api_stream("api/lab/run", token, body, &on_line).await.map_err(|_| "the server did not answer".to_string())?;
    let pair = js_sys::Array::from(&answer);
    let status = pair.get(0).as_f64().unwrap_or(0.0) as u16;
    if status != 200 {
        let v: serde_json::Value = serde_json::from_str(&pair.get(1).as_string().unwrap_or_default()).unwrap_or_default();
        return Err(v["error"].as_str().map(str::to_string).unwrap_or_else(|| format!("HTTP {status}")));
    }
    let ended = last.borrow_mut().take();
    match ended {
        Some(LiveEvent::Report { report }) => Ok(report),
        Some(LiveEvent::Error { error }) => Err(error),
        _ => Err("the server ended the run without a report".into()),
    }
}
