//! Security tests of the containers lab's API against a running `kubeplay
//! serve` (the real binary, so the sandbox's init is the server itself): the
//! token, Origin and Host guards, the allowlist and its bounds, bombs and
//! output contained, the concurrency limit, and nothing left behind when the
//! server is killed in the middle of a run. Traffic goes to 127.0.0.1 only.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A `kubeplay serve` child with its address and token; killed by pid on drop.
struct Served {
    child: Child,
    port: u16,
    token: String,
    dirs: Vec<PathBuf>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for d in &self.dirs {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

fn serve(name: &str) -> Served {
    let dist = std::env::temp_dir().join(format!("kubeplay-lab-dist-{}-{name}", std::process::id()));
    let lab = std::env::temp_dir().join(format!("kubeplay-lab-state-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><html><head><title>kubeplay</title></head><body></body></html>").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["serve", "--port", "0", "--dist"])
        .arg(&dist)
        .arg("--lab-dir")
        .arg(&lab)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    lines.read_line(&mut first).unwrap();
    // Keep reading what the server prints, as a terminal would.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let url = first.split_whitespace().last().unwrap_or_default().to_string();
    let port = url.split(':').nth(2).and_then(|p| p.split('/').next()).and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("no address in {first:?}"));
    let token = url.split("token=").nth(1).unwrap_or_default().to_string();
    Served { child, port, token, dirs: vec![dist, lab] }
}

/// Sends one request; returns (status, body).
fn http(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let status = resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default())
}

impl Served {
    fn demo(&self, body: &str) -> (u16, serde_json::Value) {
        let (status, text) = http(self.port, "POST", "/api/lab/run", &[("X-Kubeplay-Token", &self.token), ("Content-Type", "application/json")], body);
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    fn real(&self) -> bool {
        let (_, body) = http(self.port, "GET", "/api/health", &[("X-Kubeplay-Token", &self.token)], "");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let real = v["lab"]["real"] == true;
        if !real {
            assert!(std::env::var_os("KUBEPLAY_REQUIRE_ROOT_TESTS").is_none(), "the lab must run for real here: {}", v["lab"]);
            eprintln!("skipped the real-lab part: {}", v["lab"]["simulated_because"]);
        }
        real
    }
}

#[test]
fn the_guards_refuse_strangers() {
    let srv = serve("guards");
    let port = srv.port;
    let body = r#"{"demo":"shell","command":"echo hi"}"#;
    let json = ("Content-Type", "application/json");
    assert_eq!(http(port, "POST", "/api/lab/run", &[json], body).0, 401, "no token");
    assert_eq!(http(port, "POST", "/api/lab/run", &[json, ("X-Kubeplay-Token", &"0".repeat(32))], body).0, 401, "wrong token");
    let token = ("X-Kubeplay-Token", srv.token.as_str());
    assert_eq!(http(port, "POST", "/api/lab/run", &[json, token, ("Origin", "http://evil.example")], body).0, 403, "foreign Origin");
    let rebound = format!("evil.example:{port}");
    assert_eq!(http(port, "POST", "/api/lab/run", &[json, token, ("Host", &rebound)], body).0, 403, "foreign Host (DNS rebinding)");
    assert_eq!(http(port, "GET", "/api/lab/run", &[token], "").0, 405, "only POST runs a demo");
    assert_eq!(http(port, "POST", "/api/lab/run", &[token, ("Content-Type", "text/plain")], body).0, 415, "a form post is not JSON");
    let page = http(port, "GET", &format!("/?token={}", srv.token), &[], "").1;
    assert!(page.contains(&srv.token) && page.contains("kubeplay-backend"));
    let stranger = http(port, "GET", "/", &[], "").1;
    assert!(stranger.contains("kubeplay-backend") && !stranger.contains(&srv.token), "the page holds the token only for the printed address");
}

#[test]
fn only_allowlisted_demos_with_parameters_in_bounds_are_accepted() {
    let srv = serve("allowlist");
    for (body, why) in [
        (r#"{"demo":"rm -rf /"}"#, "unknown demo"),
        (r#"{"demo":"overlay","rootfs":"../../etc"}"#, "unknown parameter"),
        (r#"{"demo":"namespaces","hostname":"../../etc/passwd"}"#, "traversal in the hostname"),
        (r#"{"demo":"oci","runtime":"../../bin/sh"}"#, "traversal in the runtime"),
        (r#"{"demo":"cgroups","controller":"memory","limit":100000}"#, "limit out of bounds"),
        (r#"{"demo":"cgroups","controller":"../memory","limit":32}"#, "unknown controller"),
        (r#"{"demo":"shell","command":""}"#, "empty command"),
        ("not json", "not JSON"),
    ] {
        let (status, v) = srv.demo(body);
        assert_eq!(status, 400, "{why}: {v}");
    }
    let big = format!(r#"{{"demo":"shell","command":"{}"}}"#, "x".repeat(5000));
    assert_eq!(srv.demo(&big).0, 413, "a body beyond 4 KiB");
}

fn host_processes() -> usize {
    std::fs::read_dir("/proc").unwrap().flatten().filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok()).count()
}

#[test]
fn bombs_and_floods_stay_inside_the_sandbox() {
    let srv = serve("bombs");
    if !srv.real() {
        return;
    }
    let before = host_processes();
    let (status, v) = srv.demo(r#"{"demo":"shell","command":"bomb() { bomb | bomb & }; bomb; sleep 1"}"#);
    assert_eq!(status, 200, "{v}");
    assert!(v["steps"][0]["outcome"]["accounting"]["pids_limit_hits"].as_u64().unwrap() > 0, "{v}");
    assert!(host_processes() < before + 10, "the host's processes are unaffected");
    let (_, v) = srv.demo(r#"{"demo":"shell","command":"dd if=/dev/zero of=/dev/null bs=512M count=1"}"#);
    assert_eq!(v["steps"][0]["outcome"]["exit_code"], 137, "the memory hog is OOM-killed: {v}");
    let (_, v) = srv.demo(r#"{"demo":"shell","command":"yes"}"#);
    let outcome = &v["steps"][0]["outcome"];
    assert_eq!(outcome["output"].as_str().unwrap().len(), 64 * 1024, "output is capped");
    assert!(outcome["output_dropped"].as_u64().unwrap() > 0);
    assert_eq!(outcome["timed_out"], true, "an endless command meets the time limit");
    assert_eq!(http(srv.port, "GET", "/api/health", &[("X-Kubeplay-Token", &srv.token)], "").0, 200, "the server still answers");
}

#[test]
fn at_most_two_demos_run_at_once() {
    let srv = std::sync::Arc::new(serve("concurrency"));
    if !srv.real() {
        return;
    }
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let srv = srv.clone();
            std::thread::spawn(move || srv.demo(r#"{"demo":"shell","command":"sleep 1"}"#).0)
        })
        .collect();
    let mut statuses: Vec<u16> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 200, 429]);
}

/// Cgroup directories of run groups started by server `pid`.
fn run_groups_of(pid: u32) -> Vec<PathBuf> {
    let needle = format!("-{pid}-");
    let mut found = Vec::new();
    for controller in ["memory", "pids", "cpu"] {
        let mut pending = vec![PathBuf::from("/sys/fs/cgroup").join(controller)];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    if entry.file_name().to_string_lossy().contains(&needle) {
                        found.push(entry.path());
                    }
                    pending.push(entry.path());
                }
            }
        }
    }
    found
}

#[test]
fn a_killed_server_leaves_nothing_running_and_the_next_one_sweeps() {
    let mut srv = serve("killed");
    if !srv.real() {
        return;
    }
    let port = srv.port;
    let token = srv.token.clone();
    let pid = srv.child.id();
    let running = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let body = r#"{"demo":"shell","command":"sleep 30 & sleep 30"}"#;
        let req = format!("POST /api/lab/run HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Kubeplay-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        let _ = s.write_all(req.as_bytes());
        let _ = s.read_to_end(&mut Vec::new());
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let groups = run_groups_of(pid);
    assert!(!groups.is_empty(), "the run is in its cgroup");
    srv.child.kill().unwrap();
    srv.child.wait().unwrap();
    let _ = running.join();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let survivors: Vec<String> = groups.iter().filter_map(|g| std::fs::read_to_string(g.join("cgroup.procs")).ok()).filter(|p| !p.trim().is_empty()).collect();
    assert!(survivors.is_empty(), "every process of the run died with the server: {survivors:?}");
    drop(serve("sweeper"));
    assert!(run_groups_of(pid).is_empty(), "the next server removed the dead server's groups");
}

#[test]
fn output_streams_while_the_command_still_runs() {
    let srv = serve("live");
    if !srv.real() {
        return;
    }
    let mut s = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
    let body = r#"{"demo":"shell","command":"echo one; sleep 2; echo two"}"#;
    let req = format!(
        // HTTP/1.0: the body is the bare stream of lines, without chunk framing.
        "POST /api/lab/run HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nX-Kubeplay-Token: {}\r\nContent-Type: application/json\r\nAccept: application/x-ndjson\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        srv.port,
        srv.token,
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut reader = BufReader::new(s);
    let mut seen = String::new();
    while !seen.contains(r#""text":"one\n""#) {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "the stream ended before the first output: {seen}");
        seen.push_str(&line);
    }
    let running: Vec<String> = run_groups_of(srv.child.id()).iter().filter_map(|g| std::fs::read_to_string(g.join("cgroup.procs")).ok()).filter(|p| !p.trim().is_empty()).collect();
    assert!(!running.is_empty(), "the first line arrived while the command was still running");
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let events: Vec<serde_json::Value> = rest.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert!(events.iter().any(|e| e["event"] == "output" && e["text"] == "two\n"), "{rest}");
    let usage = events.iter().find(|e| e["event"] == "usage").unwrap_or_else(|| panic!("the run's usage is read while it runs: {rest}"));
    assert!(usage["pids"].as_u64().unwrap() >= 2, "sh and sleep: {usage}");
    assert!(usage["memory_bytes"].as_u64().unwrap() > 0);
    let last = events.last().unwrap();
    assert_eq!(last["event"], "report");
    assert_eq!(last["report"]["steps"][0]["outcome"]["output"], "one\ntwo\n");
}
