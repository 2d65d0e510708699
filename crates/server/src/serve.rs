//! `kubeplay serve`: the built page and the backend API on 127.0.0.1 only.
//! Every request must name this server in `Host` (against DNS rebinding) and,
//! when it carries an `Origin`, come from this server's own page; `/api`
//! additionally needs the per-start token.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::lab::{self, Lab};

/// What the server needs to answer requests.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The built page (`dist/`).
    pub dist: PathBuf,
    /// A trainer's lessons served as `/lessons/...` instead of the built-in ones (`--lessons DIR`).
    pub lessons: Option<PathBuf>,
    /// The secret `/api` requires, new at every start.
    pub token: String,
    /// The port clients use (part of the allowed Host and Origin values).
    pub port: u16,
    /// The containers lab: real when this host allows it.
    pub lab: Lab,
}

/// A fresh random token: 32 hex characters from the OS's random source.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without OS randomness fall back to something unguessable enough for a local dev server.
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        bytes = (t ^ u128::from(std::process::id()) << 64).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn allowed_hosts(port: u16) -> [String; 3] {
    [format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")]
}

fn plain(status: StatusCode, text: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{text}\n")).into_response()
}

/// Compares two strings in time independent of where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn token_of(headers: &HeaderMap) -> Option<&str> {
    if let Some(v) = headers.get("x-kubeplay-token").and_then(|v| v.to_str().ok()) {
        return Some(v);
    }
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
}

async fn guard(State(cfg): State<Arc<ServerConfig>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let hosts = allowed_hosts(cfg.port);
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !hosts.iter().any(|h| h == host) {
        return plain(StatusCode::FORBIDDEN, "forbidden: this server answers only to 127.0.0.1, localhost or [::1] on its own port");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let ok = origin.to_str().ok().is_some_and(|o| hosts.iter().any(|h| o == format!("http://{h}")));
        if !ok {
            return plain(StatusCode::FORBIDDEN, "forbidden: cross-origin requests are not accepted");
        }
    }
    if request.uri().path().starts_with("/api/") || request.uri().path() == "/api" {
        match token_of(headers) {
            Some(t) if same_secret(t, &cfg.token) => {}
            _ => return plain(StatusCode::UNAUTHORIZED, "unauthorized: a valid token is required"),
        }
    }
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

async fn health(State(cfg): State<Arc<ServerConfig>>) -> Response {
    Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "host": kubeplay_runtime::probe(),
        "lab": { "real": cfg.lab.simulated_because().is_none(), "simulated_because": cfg.lab.simulated_because() },
    }))
    .into_response()
}

async fn lab_run(State(cfg): State<Arc<ServerConfig>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    lab::run(cfg.lab.clone(), &headers, body).await
}

/// Marks a page served by `kubeplay serve`: only then does the page talk to `/api`.
pub const BACKEND_MARKER: &str = r#"<meta name="kubeplay-backend" content="kubeplay serve">"#;

/// The page with the backend marker, and the token when the request carried the right one
/// (`?token=...`, as the URL the server prints). The page keeps the token for the tab and
/// takes it out of the address bar, so share and embed links never contain it.
fn mark_page(html: &str, query: Option<&str>, token: &str) -> String {
    let given = query.unwrap_or("").split('&').find_map(|kv| kv.strip_prefix("token="));
    let mut head = BACKEND_MARKER.to_string();
    if given.is_some_and(|t| same_secret(t, token)) {
        head.push_str(&format!(r#"<meta name="kubeplay-token" content="{token}">"#));
    }
    match html.find("</head>") {
        Some(at) => format!("{}{head}{}", &html[..at], &html[at..]),
        None => format!("{head}{html}"),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "yaml" | "yml" | "md" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a URL path to a file under `dist`, refusing anything that could leave it.
pub fn resolve(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    if rel.contains(['\\', '\0', '%']) {
        return None;
    }
    let rel_path = Path::new(rel);
    if !rel_path.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(dist.join(rel_path))
}

async fn static_file(State(cfg): State<Arc<ServerConfig>>, request: Request) -> Response {
    let url_path = request.uri().path();
    let resolved = match (&cfg.lessons, url_path.strip_prefix("/lessons/")) {
        (Some(dir), Some(rest)) => resolve(dir, rest),
        _ => resolve(&cfg.dist, url_path),
    };
    let Some(path) = resolved else {
        return plain(StatusCode::BAD_REQUEST, "bad request: invalid path");
    };
    let query = request.uri().query().map(str::to_string);
    match tokio::fs::read(&path).await {
        Ok(bytes) if path == cfg.dist.join("index.html") => {
            let page = mark_page(&String::from_utf8_lossy(&bytes), query.as_deref(), &cfg.token);
            Response::builder()
                .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
                .header(header::CACHE_CONTROL, "no-store")
                .body(Body::from(page))
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
        }
        Ok(bytes) => {
            // Trunk's hashed assets never change; everything else (the page, lessons) may.
            let hashed = path.extension().is_some_and(|e| e == "wasm" || e == "js" || e == "css");
            let cache = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
            Response::builder()
                .header(header::CONTENT_TYPE, content_type(&path))
                .header(header::CACHE_CONTROL, cache)
                .body(Body::from(bytes))
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
        }
        Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

/// The whole HTTP surface.
pub fn router(cfg: ServerConfig) -> Router {
    let cfg = Arc::new(cfg);
    Router::new()
        .route("/api/health", get(health))
        .route("/api/lab/run", post(lab_run).layer(DefaultBodyLimit::max(lab::MAX_BODY)))
        .fallback(static_file)
        .layer(middleware::from_fn_with_state(cfg.clone(), guard))
        .with_state(cfg)
}

/// Binds 127.0.0.1:`port` (0 picks a free port) and serves until the process ends.
pub async fn serve(dist: PathBuf, lessons: Option<PathBuf>, lab: Lab, port: u16, on_ready: impl FnOnce(SocketAddr, &str)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let addr = listener.local_addr()?;
    let token = new_token();
    on_ready(addr, &token);
    axum::serve(listener, router(ServerConfig { dist, lessons, token, port: addr.port(), lab })).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_dist() {
        let d = Path::new("/srv/dist");
        assert_eq!(resolve(d, "/"), Some(PathBuf::from("/srv/dist/index.html")));
        assert_eq!(resolve(d, "/app.wasm"), Some(PathBuf::from("/srv/dist/app.wasm")));
        for bad in ["/../etc/passwd", "/a/../../x", "/%2e%2e/x", "/..\\x", "/./x"] {
            assert_eq!(resolve(d, bad), None, "{bad}");
        }
        assert_eq!(resolve(d, "//etc/passwd"), Some(PathBuf::from("/srv/dist/etc/passwd")), "extra slashes stay inside dist");
    }

    #[test]
    fn the_page_carries_the_marker_and_the_token_only_for_the_right_token() {
        let token = "a".repeat(32);
        let html = "<html><head><title>k</title></head><body></body></html>";
        let right = mark_page(html, Some(&format!("lesson=x&token={token}")), &token);
        assert!(right.contains(BACKEND_MARKER) && right.contains(&format!(r#"<meta name="kubeplay-token" content="{token}">"#)));
        assert!(right.find(BACKEND_MARKER) < right.find("</head>"));
        for query in [None, Some("token=bbbb"), Some("x=1")] {
            let page = mark_page(html, query, &token);
            assert!(page.contains(BACKEND_MARKER) && !page.contains(&token), "{query:?}");
        }
    }

    #[test]
    fn tokens_are_fresh_and_compare_exactly() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &b));
        assert!(!same_secret(&a, &a[..31]));
    }
}
