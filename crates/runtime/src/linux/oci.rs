//! Full OCI containers through a real runtime (crun or runc), for the
//! containers lab's sixth demo and its benchmark. We write the bundle's
//! `config.json` with oci-spec, run `<runtime> run` with only private pipes as
//! its stdio (crun once chowned a caller's `/dev/null`), and afterwards remove
//! the runtime's state, the bundle directory and any cgroup left behind.

use crate::linux::output::read_capped;
use crate::spec::{Limits, RunOutcome};
use nix::fcntl::OFlag;
use oci_spec::runtime::{
    LinuxCpuBuilder, LinuxDeviceCgroupBuilder, LinuxMemoryBuilder, LinuxPidsBuilder, LinuxResourcesBuilder, MountBuilder,
    RootBuilder, Spec,
};
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Most output bytes kept from one run; the rest is counted in `output_dropped`.
const OUTPUT_CAP: usize = 256 * 1024;
/// The runtime's `PATH` (its environment is cleared otherwise).
const HOST_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// The parent of every container's cgroup, relative to the runtime's own cgroups.
const CGROUP_PARENT: &str = "kubeplay-oci";
/// How long a killed runtime gets to exit before it is killed itself.
const KILL_GRACE: Duration = Duration::from_secs(2);
/// How long we wait for the output pipe to close once the runtime has exited.
const OUTPUT_GRACE: Duration = Duration::from_secs(2);
/// Hides the unified hierarchy in a private mount namespace, then runs the runtime (`$0 "$@"`).
const HIDE_UNIFIED: &str = "umount /sys/fs/cgroup/unified && exec \"$0\" \"$@\"";

/// An OCI runtime command-line tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OciRuntime {
    /// crun, written in C: the faster one.
    Crun,
    /// runc, written in Go: the reference implementation.
    Runc,
}

impl OciRuntime {
    /// The program's name (`crun` or `runc`).
    pub fn name(&self) -> &'static str {
        match self {
            OciRuntime::Crun => "crun",
            OciRuntime::Runc => "runc",
        }
    }

    /// Where the program is installed, if it is on `PATH`.
    pub fn path(&self) -> Option<String> {
        crate::which(self.name())
    }
}

/// The installed runtimes, preferred (faster) first: crun, then runc.
pub fn available() -> Vec<OciRuntime> {
    [OciRuntime::Crun, OciRuntime::Runc].into_iter().filter(|r| r.path().is_some()).collect()
}

/// One container run through an OCI runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OciRun {
    /// The runtime that ran it.
    pub runtime: OciRuntime,
    /// The first line of `<runtime> --version`.
    pub version: String,
    /// Output, exit code and wall time; the accounting stays empty because the runtime removes its cgroup.
    pub outcome: RunOutcome,
    /// The `config.json` we generated, as pretty JSON for the lab to show.
    pub bundle_config: String,
}

/// Whether `id` is a container id we accept: `[a-z0-9-]{1,48}`.
fn valid_id(id: &str) -> bool {
    (1..=48).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The OCI runtime spec for running `argv` in `rootfs` (read-only, by absolute path): runc's
/// default spec (pid, net, ipc, uts, mount and cgroup namespaces, masked and read-only paths,
/// three capabilities, no new privileges) plus a 16 MiB tmpfs on `/tmp`, a deny-all device
/// rule, the memory (swap the same), pids and cpu limits and the cgroup path.
pub fn bundle_config(rootfs: &Path, argv: &[String], hostname: &str, limits: &Limits, cgroups_path: &str) -> Result<Spec, String> {
    let oci = |e: oci_spec::OciSpecError| format!("OCI spec: {e}");
    let root_path = std::path::absolute(rootfs).map_err(|e| format!("rootfs {}: {e}", rootfs.display()))?;
    let memory = i64::try_from(limits.memory_bytes).map_err(|_| "memory limit too large".to_string())?;
    let pids = i64::try_from(limits.pids_max).map_err(|_| "pids limit too large".to_string())?;

    let mut spec = Spec::default();
    let mut process = spec.process().clone().unwrap_or_default();
    process.set_terminal(Some(false));
    process.set_args(Some(argv.to_vec()));
    process.set_env(Some(vec!["PATH=/bin:/sbin:/usr/bin:/usr/sbin".into(), "TERM=dumb".into(), "HOME=/root".into()]));
    process.set_cwd("/".into());
    spec.set_process(Some(process));
    spec.set_hostname(Some(hostname.to_string()));
    spec.set_root(Some(RootBuilder::default().path(root_path).readonly(true).build().map_err(oci)?));

    let mut mounts = spec.mounts().clone().unwrap_or_default();
    let tmp_options = ["nosuid", "nodev", "mode=1777", "size=16m"].map(String::from).to_vec();
    mounts.push(MountBuilder::default().destination("/tmp").typ("tmpfs").source("tmpfs").options(tmp_options).build().map_err(oci)?);
    spec.set_mounts(Some(mounts));

    let mut resources = LinuxResourcesBuilder::default()
        .devices(vec![LinuxDeviceCgroupBuilder::default().allow(false).access("rwm").build().map_err(oci)?])
        .memory(LinuxMemoryBuilder::default().limit(memory).swap(memory).build().map_err(oci)?)
        .pids(LinuxPidsBuilder::default().limit(pids).build().map_err(oci)?);
    if let Some(quota) = limits.cpu_quota_us {
        let quota = i64::try_from(quota).map_err(|_| "cpu quota too large".to_string())?;
        resources = resources.cpu(LinuxCpuBuilder::default().quota(quota).period(limits.cpu_period_us).build().map_err(oci)?);
    }
    let mut linux = spec.linux().clone().unwrap_or_default();
    linux.set_resources(Some(resources.build().map_err(oci)?));
    linux.set_cgroups_path(Some(PathBuf::from(cgroups_path)));
    spec.set_linux(Some(linux));
    Ok(spec)
}

/// The bundle's `config.json`, pretty, with each capability set sorted: oci-spec keeps them in
/// hash sets, and a learner comparing two runs should see the same file.
fn config_json(spec: &Spec) -> Result<String, String> {
    let mut value = serde_json::to_value(spec).map_err(|e| format!("config.json: {e}"))?;
    if let Some(sets) = value.pointer_mut("/process/capabilities").and_then(|c| c.as_object_mut()) {
        for set in sets.values_mut().filter_map(|s| s.as_array_mut()) {
            set.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        }
    }
    serde_json::to_string_pretty(&value).map_err(|e| format!("config.json: {e}"))
}

/// A hybrid host (v1 controllers plus a unified mount beside them), which crun refuses.
fn hybrid_cgroups() -> bool {
    Path::new("/sys/fs/cgroup/unified/cgroup.controllers").exists() && !Path::new("/sys/fs/cgroup/cgroup.controllers").exists()
}

/// Builds invocations of one runtime with its private state directory.
struct Invoker {
    program: String,
    state: PathBuf,
    /// `unshare` when crun must run with the unified hierarchy hidden (hybrid hosts).
    unshare: Option<String>,
}

impl Invoker {
    fn new(runtime: OciRuntime, base: &Path) -> Result<Invoker, String> {
        let program = runtime.path().ok_or_else(|| format!("{} is not installed", runtime.name()))?;
        let unshare = if runtime == OciRuntime::Crun && hybrid_cgroups() {
            Some(crate::which("unshare").ok_or("crun on a hybrid cgroup host needs unshare (util-linux)")?)
        } else {
            None
        };
        let state = base.join("oci-state").join(runtime.name());
        fs::DirBuilder::new().recursive(true).mode(0o700).create(&state).map_err(|e| format!("{}: {e}", state.display()))?;
        Ok(Invoker { program, state, unshare })
    }

    /// `<runtime> --root <state> <args>` with a clean environment; stdio is up to the caller.
    fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut cmd = match &self.unshare {
            Some(unshare) => {
                let mut cmd = Command::new(unshare);
                cmd.args(["-m", "--propagation", "private", "--", "/bin/sh", "-c", HIDE_UNIFIED]).arg(&self.program);
                cmd
            }
            None => Command::new(&self.program),
        };
        cmd.arg("--root").arg(&self.state).args(args).env_clear().env("PATH", HOST_PATH);
        cmd
    }

    /// Runs a short helper command (`kill`, `delete`) with pipes as all of its stdio.
    fn helper(&self, args: &[&str]) -> Result<Output, String> {
        piped_output(self.command(args)).map_err(|e| format!("{} {}: {e}", self.program, args.join(" ")))
    }

    /// The first line of `<runtime> --version`.
    fn version(&self) -> Result<String, String> {
        let mut cmd = Command::new(&self.program);
        cmd.arg("--version").env_clear().env("PATH", HOST_PATH);
        let out = piped_output(cmd).map_err(|e| format!("{} --version: {e}", self.program))?;
        Ok(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").trim().to_string())
    }
}

/// Runs `cmd` to its end with pipes, never the caller's stdio or `/dev/null`, as stdin, stdout and stderr.
fn piped_output(mut cmd: Command) -> std::io::Result<Output> {
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).output()
}

/// Waits for the runtime to exit; at `deadline` asks it to SIGKILL the container, and kills the
/// runtime itself if it is still there `KILL_GRACE` later. Returns its status and whether it timed out.
fn wait_with_deadline(child: &mut Child, inv: &Invoker, id: &str, deadline: Instant) -> Result<(ExitStatus, bool), String> {
    let mut kill_sent: Option<Instant> = None;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok((status, kill_sent.is_some())),
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("waiting for the runtime: {e}"));
            }
        }
        let now = Instant::now();
        match kill_sent {
            None if now >= deadline => {
                let _ = inv.helper(&["kill", id, "KILL"]);
                kill_sent = Some(now);
            }
            Some(sent) if now >= sent + KILL_GRACE => {
                let _ = child.kill();
                let status = child.wait().map_err(|e| format!("waiting for the runtime: {e}"))?;
                return Ok((status, true));
            }
            _ => std::thread::sleep(Duration::from_millis(1)),
        }
    }
}

/// `<runtime> run --bundle <bundle> <id>` with stdin a closed pipe and stdout and stderr on one private pipe.
fn run_container(inv: &Invoker, bundle: &Path, id: &str, timeout: Duration) -> Result<RunOutcome, String> {
    let deadline = Instant::now() + timeout;
    let (read_end, write_end) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| format!("pipe: {e}"))?;
    let mut child = {
        let write_copy = write_end.try_clone().map_err(|e| format!("pipe: {e}"))?;
        let mut cmd = inv.command(&[OsStr::new("run"), OsStr::new("--bundle"), bundle.as_os_str(), OsStr::new(id)]);
        cmd.stdin(Stdio::piped()).stdout(Stdio::from(write_copy)).stderr(Stdio::from(write_end));
        // The runtime dies with the server; what it leaves is swept at the next start (`sweep`).
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).map_err(std::io::Error::from));
        }
        cmd.spawn().map_err(|e| format!("{}: {e}", inv.program))?
        // `cmd` drops here, closing our copies of the write end.
    };
    drop(child.stdin.take());
    let (tx, output) = mpsc::channel();
    std::thread::spawn(move || tx.send(read_capped(read_end, OUTPUT_CAP, None)));
    let (status, timed_out) = wait_with_deadline(&mut child, inv, id, deadline)?;
    let (kept, output_dropped) = output.recv_timeout(OUTPUT_GRACE).unwrap_or_default();
    // The runtime passes on its container's status as 128 + signal when a signal ended it.
    let (exit_code, signal) = match (status.code(), status.signal()) {
        (Some(code), _) => (code, (129..160).contains(&code).then_some(code - 128)),
        (None, Some(sig)) => (128 + sig, Some(sig)),
        (None, None) => (-1, None),
    };
    Ok(RunOutcome { output: String::from_utf8_lossy(&kept).into_owned(), output_dropped, exit_code, signal, timed_out, ..RunOutcome::default() })
}

/// Removes the cgroup directories named `kubeplay-oci/<id>` that a runtime left behind, at the
/// root of each hierarchy and under our own cgroup in it. Only those exact directories.
fn remove_leftover_cgroups(id: &str) {
    let mut own = vec!["/".to_string()];
    for line in fs::read_to_string("/proc/self/cgroup").unwrap_or_default().lines() {
        if let Some(path) = line.splitn(3, ':').nth(2).filter(|p| !own.iter().any(|o| o == p)) {
            own.push(path.to_string());
        }
    }
    let cgroup_root = Path::new("/sys/fs/cgroup");
    let mut hierarchies = vec![cgroup_root.to_path_buf()];
    hierarchies.extend(fs::read_dir(cgroup_root).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    for hierarchy in &hierarchies {
        for path in &own {
            let dir = hierarchy.join(path.trim_start_matches('/')).join(CGROUP_PARENT).join(id);
            if dir.is_dir() {
                let _ = fs::remove_dir(&dir);
            }
        }
    }
}

/// Runs `argv` in a container with id `id` (`[a-z0-9-]{1,48}`) through `runtime`. The bundle is
/// `<base>/oci/<id>/` (its `config.json` points at `rootfs`, which is not copied) and the runtime's
/// state lives in `<base>/oci-state/<runtime>`. The exit code is the runtime's (137 when the
/// container's PID 1 was OOM-killed). After `timeout_ms` the container is killed and `timed_out` set.
/// State, bundle and cgroups are removed before it returns; `wall_us` spans bundle to cleanup.
#[allow(clippy::too_many_arguments)]
pub fn run(runtime: OciRuntime, base: &Path, id: &str, rootfs: &Path, argv: &[String], hostname: &str, limits: &Limits, timeout_ms: u64) -> Result<OciRun, String> {
    if !valid_id(id) {
        return Err(format!("invalid container id {id:?}: use 1 to 48 of [a-z0-9-]"));
    }
    if !rootfs.is_dir() {
        return Err(format!("rootfs {} is not a directory", rootfs.display()));
    }
    let inv = Invoker::new(runtime, base)?;
    let version = inv.version()?;
    let spec = bundle_config(rootfs, argv, hostname, limits, &format!("{CGROUP_PARENT}/{id}"))?;
    let config = config_json(&spec)?;

    let start = Instant::now();
    let bundles = base.join("oci");
    fs::create_dir_all(&bundles).map_err(|e| format!("{}: {e}", bundles.display()))?;
    let bundle = bundles.join(id);
    match fs::create_dir(&bundle) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(format!("container id {id} is in use")),
        Err(e) => return Err(format!("{}: {e}", bundle.display())),
        Ok(()) => {}
    }
    let result = fs::write(bundle.join("config.json"), &config)
        .map_err(|e| format!("config.json: {e}"))
        .and_then(|()| run_container(&inv, &bundle, id, Duration::from_millis(timeout_ms)));
    // Both runtimes keep a container's state in `<state>/<id>`; without it there is nothing to delete
    // (skipping the call saves a runtime start, about 10 ms with crun's unshare wrapper).
    if inv.state.join(id).exists() {
        let _ = inv.helper(&["delete", "-f", id]);
    }
    let _ = fs::remove_dir_all(&bundle);
    remove_leftover_cgroups(id);
    let mut outcome = result?;
    outcome.wall_us = start.elapsed().as_micros() as u64;
    Ok(OciRun { runtime, version, outcome, bundle_config: config })
}

/// Removes containers, bundles and cgroups of runs whose server is gone (`is_stale(id)`):
/// `delete -f` through the runtime's state, then the bundle and the leftover cgroups.
/// Returns how many containers were removed.
pub fn sweep(base: &Path, is_stale: impl Fn(&str) -> bool) -> usize {
    let mut removed = 0;
    for runtime in available() {
        let Ok(inv) = Invoker::new(runtime, base) else { continue };
        for entry in fs::read_dir(&inv.state).into_iter().flatten().flatten() {
            let id = entry.file_name().to_string_lossy().into_owned();
            if valid_id(&id) && is_stale(&id) {
                let _ = inv.helper(&["delete", "-f", &id]);
                remove_leftover_cgroups(&id);
                removed += 1;
            }
        }
    }
    for entry in fs::read_dir(base.join("oci")).into_iter().flatten().flatten() {
        let id = entry.file_name().to_string_lossy().into_owned();
        if valid_id(&id) && is_stale(&id) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    removed
}

/// `runs` back-to-back runs of `/bin/true` (64 MiB memory, 64 pids) in `rootfs`; each run's `wall_us`.
pub fn bench(runtime: OciRuntime, base: &Path, rootfs: &Path, runs: usize) -> Result<Vec<u64>, String> {
    let limits = Limits { memory_bytes: 64 << 20, pids_max: 64, cpu_quota_us: None, cpu_period_us: 100_000 };
    let argv = ["/bin/true".to_string()];
    (0..runs)
        .map(|n| {
            let id = format!("bench-{}-{n}", std::process::id());
            let run = run(runtime, base, &id, rootfs, &argv, "bench", &limits, 10_000)?;
            match run.outcome.exit_code {
                0 => Ok(run.outcome.wall_us),
                code => Err(format!("{} run of /bin/true exited {code}: {}", runtime.name(), run.outcome.output.trim())),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_config_carries_the_inputs() {
        let limits = Limits { memory_bytes: 32 << 20, pids_max: 50, cpu_quota_us: Some(20_000), cpu_period_us: 100_000 };
        let argv = vec!["sh".to_string(), "-c".to_string(), "echo hi".to_string()];
        let spec = bundle_config(Path::new("/srv/rootfs"), &argv, "demo", &limits, "kubeplay-oci/abc").unwrap();
        let json: serde_json::Value = serde_json::to_value(&spec).unwrap();
        assert_eq!(json["process"]["args"], serde_json::json!(["sh", "-c", "echo hi"]));
        assert_eq!(json["process"]["terminal"], false);
        assert_eq!(json["hostname"], "demo");
        assert_eq!(json["root"]["path"], "/srv/rootfs");
        assert_eq!(json["root"]["readonly"], true);
        let resources = &json["linux"]["resources"];
        assert_eq!(resources["memory"]["limit"], 32 << 20);
        assert_eq!(resources["memory"]["swap"], 32 << 20);
        assert_eq!(resources["pids"]["limit"], 50);
        assert_eq!(resources["cpu"]["quota"], 20_000);
        assert_eq!(resources["cpu"]["period"], 100_000);
        assert_eq!(json["linux"]["cgroupsPath"], "kubeplay-oci/abc");
        let namespaces: Vec<&str> = json["linux"]["namespaces"].as_array().unwrap().iter().map(|n| n["type"].as_str().unwrap()).collect();
        for ns in ["pid", "network", "ipc", "uts", "mount"] {
            assert!(namespaces.contains(&ns), "{ns} missing from {namespaces:?}");
        }
        let mounts = json["mounts"].as_array().unwrap();
        assert!(mounts.iter().any(|m| m["destination"] == "/tmp" && m["type"] == "tmpfs"));
    }

    #[test]
    fn no_cpu_section_without_a_quota() {
        let spec = bundle_config(Path::new("/r"), &["true".into()], "h", &Limits::default(), "p").unwrap();
        let json = serde_json::to_value(&spec).unwrap();
        assert!(json["linux"]["resources"].get("cpu").is_none());
    }

    #[test]
    fn container_ids_are_checked() {
        for bad in ["../x", "A", "", &"a".repeat(49), "a b", "a/b"] {
            assert!(!valid_id(bad), "{bad:?} accepted");
        }
        for good in ["a", "demo-1", &"0".repeat(48)] {
            assert!(valid_id(good), "{good:?} refused");
        }
        let err = run(OciRuntime::Runc, Path::new("/nonexistent"), "../x", Path::new("/"), &[], "h", &Limits::default(), 1).unwrap_err();
        assert!(err.contains("invalid container id"), "{err}");
    }
}
