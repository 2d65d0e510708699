//! Real cgroup v1 tests (root, on a v1 or hybrid host): limits show in the
//! control files, the kernel enforces them and counts what happened, and every
//! group made here is gone at the end. Skipped elsewhere.

#![cfg(target_os = "linux")]

use kubeplay_runtime::linux::cgroup::{Cgroup, CgroupRoot, Hierarchy};
use kubeplay_runtime::Limits;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One test at a time: they fork, and the pids and CPU figures should be their own.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

const MIB: u64 = 1 << 20;

fn v1_root() -> Option<CgroupRoot> {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: needs root");
        return None;
    }
    let root = CgroupRoot::detect().expect("detect the cgroup hierarchy");
    if matches!(root.hierarchy(), Hierarchy::V2 { .. }) {
        eprintln!("skipped: this host is v2");
        return None;
    }
    Some(root)
}

/// A name no other test run or session uses.
fn unique(tag: &str) -> String {
    format!("test-{}-{tag}", std::process::id())
}

/// Directories called `name` under `kubeplay/` in any controller.
fn leftovers(root: &CgroupRoot, name: &str) -> Vec<PathBuf> {
    let Hierarchy::V1 { controllers } = root.hierarchy() else { unreachable!() };
    controllers.iter().map(|(_, dir)| dir.join("kubeplay").join(name)).filter(|d| d.exists()).collect()
}

fn controller_dir(root: &CgroupRoot, controller: &str, name: &str) -> PathBuf {
    let Hierarchy::V1 { controllers } = root.hierarchy() else { unreachable!() };
    let (_, dir) = controllers.iter().find(|(c, _)| c == controller).expect("controller mounted");
    dir.join("kubeplay").join(name)
}

/// Starts `sh -c 'read x; exec <script>'`, puts it in `group`, then lets it go on: the
/// script runs entirely inside the group.
fn run_in(group: &Cgroup, script: &str) -> Child {
    let mut child = Command::new("/bin/sh")
        .args(["-c", &format!("read x; exec {script}")])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sh");
    group.add(child.id() as i32).expect("join the cgroup");
    writeln!(child.stdin.take().unwrap(), "go").unwrap();
    child
}

/// A process that is gone or a zombie (reparented, waiting for its new parent to reap it).
fn dead(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| s.rsplit(')').next().is_some_and(|r| r.trim_start().starts_with('Z')))
}

#[test]
fn a_32_mib_group_shows_its_limit_and_is_gone_after_remove() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(root) = v1_root() else { return };
    let name = unique("limit");
    let limits = Limits { memory_bytes: 32 * MIB, pids_max: 20, cpu_quota_us: None, cpu_period_us: 100_000 };
    let group = root.create(&name, &limits).unwrap();
    let read = |controller: &str, file: &str| std::fs::read_to_string(controller_dir(&root, controller, &name).join(file)).unwrap();
    assert_eq!(read("memory", "memory.limit_in_bytes").trim(), (32 * MIB).to_string());
    assert_eq!(read("pids", "pids.max").trim(), "20");
    assert_eq!(read("cpu", "cpu.cfs_quota_us").trim(), "-1");
    assert_eq!(read("cpu", "cpu.cfs_period_us").trim(), "100000");
    let Hierarchy::V1 { controllers } = root.hierarchy() else { unreachable!() };
    if controllers.iter().any(|(c, _)| c == "devices") {
        let allowed = read("devices", "devices.list");
        assert!(allowed.contains("c 1:3 rwm") && allowed.contains("c 136:* rwm") && !allowed.contains("a *:* rwm"), "{allowed}");
    }
    assert!(!leftovers(&root, &name).is_empty());
    group.remove().unwrap();
    assert_eq!(leftovers(&root, &name), Vec::<PathBuf>::new());
}

#[test]
fn allocating_past_the_memory_limit_is_oom_killed_and_counted() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(root) = v1_root() else { return };
    let name = unique("oom");
    let limits = Limits { memory_bytes: 32 * MIB, pids_max: 64, cpu_quota_us: None, cpu_period_us: 100_000 };
    let group = root.create(&name, &limits).unwrap();
    let status = run_in(&group, r#"python3 -c "b=bytearray(100*1024*1024)""#).wait().unwrap();
    assert_eq!(status.signal(), Some(9), "killed by the OOM killer: {status:?}");
    let counted = group.accounting();
    eprintln!("oom: {counted:?}");
    assert!(counted.oom_kills >= 1, "{counted:?}");
    assert!(counted.memory_max_usage > 24 * MIB && counted.memory_max_usage <= 32 * MIB, "{counted:?}");
    group.remove().unwrap();
    assert_eq!(leftovers(&root, &name), Vec::<PathBuf>::new());
}

#[test]
fn forks_past_pids_max_fail_and_kill_all_leaves_nothing() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(root) = v1_root() else { return };
    let name = unique("pids");
    let limits = Limits { memory_bytes: 64 * MIB, pids_max: 16, cpu_quota_us: None, cpu_period_us: 100_000 };
    let group = root.create(&name, &limits).unwrap();
    let mut child = run_in(&group, r#"sh -c 'for i in $(seq 64); do sleep 2 & done; wait'"#);
    let start = Instant::now();
    while group.accounting().pids_limit_hits == 0 && start.elapsed() < Duration::from_secs(3) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let running = group.pids();
    let counted = group.accounting();
    eprintln!("pids: {} running, {counted:?}", running.len());
    assert!(counted.pids_limit_hits > 0, "{counted:?}");
    assert!(running.len() > 1 && running.len() <= 16, "{running:?}");
    group.kill_all();
    assert_eq!(group.pids(), Vec::<i32>::new());
    // The shell may already have given up on its own at the first failed fork.
    child.wait().unwrap();
    let start = Instant::now();
    while !running.iter().all(|&p| dead(p)) && start.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(running.iter().all(|&p| dead(p)), "a process of the group is still running");
    group.remove().unwrap();
    assert_eq!(leftovers(&root, &name), Vec::<PathBuf>::new());
}

#[test]
fn a_busy_loop_under_a_20_percent_quota_is_throttled() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(root) = v1_root() else { return };
    let name = unique("cpu");
    let limits = Limits { memory_bytes: 64 * MIB, pids_max: 16, cpu_quota_us: Some(20_000), cpu_period_us: 100_000 };
    let group = root.create(&name, &limits).unwrap();
    let status = run_in(&group, "timeout 1 sh -c 'while :; do :; done'").wait().unwrap();
    assert_eq!(status.code(), Some(124), "stopped by timeout");
    let counted = group.accounting();
    eprintln!("cpu: {counted:?}");
    assert!(counted.cpu_nr_throttled > 0 && counted.cpu_throttled_ns > 0, "{counted:?}");
    assert!(counted.cpu_usage_ns > 0 && counted.cpu_usage_ns < 600_000_000, "{counted:?}");
    group.remove().unwrap();
    assert_eq!(leftovers(&root, &name), Vec::<PathBuf>::new());
}

#[test]
fn sweep_removes_stale_groups_and_keeps_the_others() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(root) = v1_root() else { return };
    let (stale_name, kept_name) = (unique("stale"), unique("kept"));
    let stale = root.create(&stale_name, &Limits::default()).unwrap();
    let kept = root.create(&kept_name, &Limits::default()).unwrap();
    let mut orphan = run_in(&stale, "sleep 30");
    // As if the server had crashed: the group stays behind with a process in it.
    std::mem::forget(stale);
    let removed = root.sweep(|name| name == stale_name).unwrap();
    assert_eq!(removed, 1);
    assert_eq!(orphan.wait().unwrap().signal(), Some(9), "the stale group's process was killed");
    assert_eq!(leftovers(&root, &stale_name), Vec::<PathBuf>::new());
    assert!(!leftovers(&root, &kept_name).is_empty(), "a group that is not stale is kept");
    kept.remove().unwrap();
    assert_eq!(leftovers(&root, &kept_name), Vec::<PathBuf>::new());
}
