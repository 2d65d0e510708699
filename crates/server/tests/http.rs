//! The server's guards, over real HTTP on 127.0.0.1: the page is served, /api
//! needs the token, foreign Origins and Hosts are refused.

use kubeplay_server::serve::{router, ServerConfig};
use std::io::{Read, Write};
use std::net::TcpStream;

struct Server {
    port: u16,
    token: String,
    _dist: tempdir::Dir,
}

mod tempdir {
    /// A scratch directory removed on drop.
    pub struct Dir(pub std::path::PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn start() -> Server {
    start_with(None)
}

fn start_with(lessons: Option<std::path::PathBuf>) -> Server {
    let dir = std::env::temp_dir().join(format!("kubeplay-http-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>kubeplay</title>").unwrap();
    std::fs::write(dir.join("app.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let token = kubeplay_server::serve::new_token();
    let cfg = ServerConfig { dist: dir.clone(), lessons, token: token.clone(), port, lab: kubeplay_server::lab::Lab::unavailable("not in this test") };
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, router(cfg)).await.unwrap();
        });
    });
    Server { port, token, _dist: tempdir::Dir(dir) }
}

fn rand_suffix() -> String {
    kubeplay_server::serve::new_token()[..8].to_string()
}

/// Sends one request and returns (status, body).
fn request(port: u16, path: &str, headers: &[(&str, String)]) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn serves_the_page_and_wasm() {
    let srv = start();
    let (status, body) = request(srv.port, "/", &[]);
    assert_eq!(status, 200);
    assert!(body.contains("<title>kubeplay</title>"));
    assert_eq!(request(srv.port, "/app.wasm", &[]).0, 200);
    assert_eq!(request(srv.port, "/missing.js", &[]).0, 404);
    assert_eq!(request(srv.port, "/../Cargo.toml", &[]).0, 400);
    assert_eq!(request(srv.port, "/%2e%2e/Cargo.toml", &[]).0, 400);
}

#[test]
fn health_needs_the_token() {
    let srv = start();
    assert_eq!(request(srv.port, "/api/health", &[]).0, 401);
    assert_eq!(request(srv.port, "/api/health", &[("X-Kubeplay-Token", "0".repeat(32))]).0, 401);
    let (status, body) = request(srv.port, "/api/health", &[("Authorization", format!("Bearer {}", srv.token))]);
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["host"]["os"], std::env::consts::OS);
    assert_eq!(request(srv.port, "/api/health", &[("X-Kubeplay-Token", srv.token.clone())]).0, 200);
}

#[test]
fn foreign_origins_and_hosts_are_refused() {
    let srv = start();
    let port = srv.port;
    let good = [("X-Kubeplay-Token", srv.token.clone())];
    assert_eq!(request(port, "/api/health", &[good[0].clone(), ("Origin", format!("http://127.0.0.1:{port}"))]).0, 200);
    assert_eq!(request(port, "/api/health", &[good[0].clone(), ("Origin", format!("http://localhost:{port}"))]).0, 200);
    assert_eq!(request(port, "/api/health", &[good[0].clone(), ("Origin", "http://evil.example".into())]).0, 403);
    assert_eq!(request(port, "/api/health", &[good[0].clone(), ("Origin", format!("http://127.0.0.1:{}", port.wrapping_add(1)))]).0, 403);
    // DNS rebinding: the right address under a foreign name.
    assert_eq!(request(port, "/api/health", &[good[0].clone(), ("Host", format!("evil.example:{port}"))]).0, 403);
    assert_eq!(request(port, "/", &[("Host", "evil.example".into())]).0, 403);
    assert_eq!(request(port, "/", &[("Host", format!("localhost:{port}"))]).0, 200);
}

#[test]
fn a_trainers_lessons_replace_the_built_in_ones() {
    let lessons = std::env::temp_dir().join(format!("kubeplay-lessons-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(lessons.join("mine")).unwrap();
    std::fs::write(lessons.join("mine/lesson.yaml"), "title: Mine\n").unwrap();
    let srv = start_with(Some(lessons.clone()));
    let (status, body) = request(srv.port, "/lessons/mine/lesson.yaml", &[]);
    let (missing, _) = request(srv.port, "/lessons/../index.html", &[]);
    let _ = std::fs::remove_dir_all(&lessons);
    assert_eq!((status, body.as_str()), (200, "title: Mine\n"));
    assert_eq!(missing, 400, "paths cannot leave the lessons folder");
}
