//! Shared by the root tests: a sandbox under a per-process temporary base,
//! one test at a time, and the checks that nothing was left behind.

#![allow(dead_code)]

use kubeplay_runtime::linux::sandbox::Sandbox;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

static SERIAL: Mutex<()> = Mutex::new(());

/// A sandbox for one test, with the host state it must leave as it found.
pub struct Lab {
    pub sandbox: Sandbox,
    pub base: PathBuf,
    mounts_before: String,
    _one_at_a_time: MutexGuard<'static, ()>,
}

/// Why the root tests cannot run here, if they cannot (CI runs them as root).
pub fn missing_prerequisite() -> Option<String> {
    let host = kubeplay_runtime::probe();
    host.simulated_because
}

/// The sandbox, or `None` (with the reason printed) when this host cannot run it.
pub fn lab(name: &str) -> Option<Lab> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(reason) = missing_prerequisite() {
        // `scripts/dev test` sets this when it runs as root: then a skip would hide a broken set-up.
        assert!(std::env::var_os("KUBEPLAY_REQUIRE_ROOT_TESTS").is_none(), "the root tests must run here, but {reason}");
        eprintln!("skipped: {reason} (CI runs these tests as root with busybox-static installed)");
        return None;
    }
    let base = std::env::temp_dir().join(format!("kubeplay-test-{}-{name}", std::process::id()));
    let init = PathBuf::from(env!("CARGO_BIN_EXE_kubeplay-sandbox"));
    let sandbox = Sandbox::new(&base, &init).expect("sandbox");
    Some(Lab { sandbox, base, mounts_before: mounts(), _one_at_a_time: guard })
}

/// The mount table, less the one mount iproute2 makes for itself: the first `ip netns add`
/// on a machine bind-mounts `/run/netns` onto itself and leaves it there for good, so the
/// first test to make a network namespace would find it "left behind". The namespaces'
/// own mounts (`/run/netns/<name>`) stay in the table and are checked.
fn mounts() -> String {
    let table = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    table.lines().filter(|l| l.split(' ').nth(4) != Some("/run/netns")).map(|l| format!("{l}\n")).collect()
}

/// Processes whose parent is this test process.
pub fn children_of_us() -> Vec<String> {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
                .filter(|stat| stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1)) == Some(me.as_str()))
                .collect()
        })
        .unwrap_or_default()
}

/// Run groups of this process still present under any controller's `kubeplay/` directory.
pub fn our_cgroups() -> Vec<String> {
    let prefix = format!("-{}-", std::process::id());
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::from("/sys/fs/cgroup")];
    while let Some(dir) = pending.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else { continue };
        for entry in read.flatten() {
            let Ok(ft) = entry.file_type() else { continue };
            if !ft.is_dir() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if dir.file_name().is_some_and(|n| n == "kubeplay") && name.contains(&prefix) {
                found.push(entry.path().display().to_string());
            }
            // The kubeplay groups sit a few levels down at most; do not walk the whole tree.
            if entry.path().components().count() < 9 {
                pending.push(entry.path());
            }
        }
    }
    found
}

/// Named network namespaces this process made.
pub fn our_netns() -> Vec<String> {
    let prefix = format!("kp-{}-", std::process::id());
    std::fs::read_dir("/run/netns").map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with(&prefix)).collect()).unwrap_or_default()
}

/// Whether the host's loopback device is up (a run must never touch the host's network).
pub fn host_loopback_up() -> bool {
    let flags = std::fs::read_to_string("/sys/class/net/lo/flags").unwrap_or_default();
    u32::from_str_radix(flags.trim().trim_start_matches("0x"), 16).is_ok_and(|f| f & 1 == 1)
}

impl Drop for Lab {
    fn drop(&mut self) {
        let loopback = host_loopback_up();
        let leftovers = (mounts() != self.mounts_before, children_of_us(), our_cgroups(), our_netns());
        let _ = std::fs::remove_dir_all(&self.base);
        if !std::thread::panicking() {
            assert!(!leftovers.0, "a mount was left behind");
            assert!(leftovers.1.is_empty(), "processes were left behind: {:?}", leftovers.1);
            assert!(leftovers.2.is_empty(), "cgroups were left behind: {:?}", leftovers.2);
            assert!(leftovers.3.is_empty(), "network namespaces were left behind: {:?}", leftovers.3);
            assert!(loopback, "the host's loopback device is still up");
        }
    }
}
