//! Root integration test: full containers through every installed OCI runtime
//! (crun, runc). Each run must be PID 1 with its own hostname and only `lo`, an
//! OOM kill must exit 137, a timeout must kill, and nothing may be left behind:
//! no bundle, no runtime state, no cgroup, and the host's `/dev/null` intact.

#![cfg(target_os = "linux")]

use kubeplay_runtime::linux::oci::{self, OciRun, OciRuntime};
use kubeplay_runtime::linux::rootfs::busybox_image;
use kubeplay_runtime::Limits;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One container test at a time: they share the base directory and the runtimes' state.
static SERIAL: Mutex<()> = Mutex::new(());

/// Root, at least one runtime and busybox; `None` (after saying why) when something is missing.
fn setup() -> Option<(PathBuf, PathBuf, Vec<OciRuntime>)> {
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped: needs root");
        return None;
    }
    let runtimes = oci::available();
    if runtimes.is_empty() {
        eprintln!("skipped: neither crun nor runc is installed");
        return None;
    }
    let base = std::env::temp_dir().join(format!("kubeplay-oci-test-{}", std::process::id()));
    match busybox_image(&base) {
        Ok(rootfs) => Some((base, rootfs, runtimes)),
        Err(e) => {
            eprintln!("skipped: no busybox rootfs: {e}");
            None
        }
    }
}

fn argv(script: &str) -> Vec<String> {
    ["sh", "-c", script].map(String::from).to_vec()
}

fn id(runtime: OciRuntime, what: &str) -> String {
    format!("t{}-{}-{what}", std::process::id(), runtime.name())
}

/// What a run must leave behind: nothing.
fn assert_clean(base: &Path, runtime: OciRuntime, id: &str) {
    let bundles: Vec<_> = std::fs::read_dir(base.join("oci")).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(bundles.is_empty(), "bundles left: {bundles:?}");

    let mut own = vec!["/".to_string()];
    own.extend(std::fs::read_to_string("/proc/self/cgroup").unwrap().lines().filter_map(|l| l.splitn(3, ':').nth(2)).map(String::from));
    for hierarchy in std::fs::read_dir("/sys/fs/cgroup").unwrap().flatten() {
        for path in &own {
            let dir = hierarchy.path().join(path.trim_start_matches('/')).join("kubeplay-oci").join(id);
            assert!(!dir.exists(), "cgroup left: {}", dir.display());
        }
    }

    let state = base.join("oci-state").join(runtime.name());
    let mut list = Command::new(runtime.path().unwrap());
    list.arg("--root").arg(&state).args(["list", "-q"]);
    let out = list.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).output().unwrap();
    assert!(out.status.success(), "{} list: {}", runtime.name(), String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "", "{} still lists containers", runtime.name());

    let null = std::fs::metadata("/dev/null").unwrap();
    assert!(null.file_type().is_char_device(), "/dev/null is no longer a device");
    assert_eq!(null.permissions().mode() & 0o777, 0o666, "/dev/null mode changed");
    assert_eq!(std::os::unix::fs::MetadataExt::uid(&null), 0, "/dev/null owner changed");
}

fn run(base: &Path, rootfs: &Path, runtime: OciRuntime, what: &str, script: &str, limits: &Limits, timeout_ms: u64) -> OciRun {
    let id = id(runtime, what);
    let run = oci::run(runtime, base, &id, rootfs, &argv(script), "kubeplay-oci", limits, timeout_ms).unwrap_or_else(|e| panic!("{} {what}: {e}", runtime.name()));
    assert_clean(base, runtime, &id);
    run
}

#[test]
fn namespaces_oom_and_timeout_with_every_runtime() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some((base, rootfs, runtimes)) = setup() else { return };
    for runtime in runtimes {
        let name = runtime.name();

        let ns = run(&base, &rootfs, runtime, "ns", "echo pid=$$; hostname; ls /sys/class/net", &Limits::default(), 10_000);
        let out = &ns.outcome.output;
        assert_eq!(ns.outcome.exit_code, 0, "{name}: {out}");
        assert!(out.lines().any(|l| l == "pid=1"), "{name}: {out}");
        assert!(out.lines().any(|l| l == "kubeplay-oci"), "{name}: {out}");
        let interfaces: Vec<&str> = out.lines().skip(2).collect();
        assert_eq!(interfaces, ["lo"], "{name}: {out}");
        assert!(ns.version.starts_with(&format!("{name} version")), "{name}: {}", ns.version);
        assert!(ns.bundle_config.contains("\"cgroupsPath\""), "{name}: {}", ns.bundle_config);

        let small = Limits { memory_bytes: 32 << 20, ..Limits::default() };
        let oom = run(&base, &rootfs, runtime, "oom", "dd if=/dev/zero of=/dev/null bs=100M count=1", &small, 10_000);
        assert_eq!(oom.outcome.exit_code, 137, "{name}: {}", oom.outcome.output);
        assert_eq!(oom.outcome.signal, Some(9));
        assert!(!oom.outcome.timed_out);

        let started = Instant::now();
        let slow = run(&base, &rootfs, runtime, "timeout", "sleep 30", &Limits::default(), 500);
        assert!(slow.outcome.timed_out, "{name}: {:?}", slow.outcome);
        assert!(started.elapsed() < Duration::from_secs(5), "{name}: took {:?}", started.elapsed());
        eprintln!("{name}: ns {} us, oom {} us, timeout {} us", ns.outcome.wall_us, oom.outcome.wall_us, slow.outcome.wall_us);
    }
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn bench_times_every_run() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some((base, rootfs, runtimes)) = setup() else { return };
    for runtime in runtimes {
        let mut walls = oci::bench(runtime, &base, &rootfs, 5).unwrap_or_else(|e| panic!("{}: {e}", runtime.name()));
        assert_eq!(walls.len(), 5);
        assert!(walls.iter().all(|&w| w > 0));
        walls.sort_unstable();
        eprintln!("{}: /bin/true median {} us of {walls:?}", runtime.name(), walls[2]);
        assert_clean(&base, runtime, &format!("bench-{}-4", std::process::id()));
    }
    let _ = std::fs::remove_dir_all(&base);
}
