//! The sandbox's parent side: starts the init process (this binary again, with
//! [`INIT_ARG`]) in a fresh cgroup, hands it the run as JSON, collects the
//! merged output up to a cap, enforces the wall-clock limit by killing the
//! whole cgroup, reads the kernel's accounting and removes the cgroup. Safe to
//! call from a multi-threaded server: nothing here forks without exec.

use crate::linux::cgroup::{Cgroup, CgroupRoot};
use crate::linux::init::{InitRequest, INIT_ARG};
use crate::linux::output::read_capped;
use crate::demo::LiveEvent;
use crate::spec::{RunOutcome, SandboxSpec};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest wall-clock limit a run may ask for.
pub const MAX_TIMEOUT_MS: u64 = 60_000;
/// How often a running sandbox reports what it uses.
pub const USAGE_EVERY: Duration = Duration::from_millis(200);
/// Largest output cap a run may ask for.
pub const MAX_OUTPUT_CAP: usize = 4 << 20;

/// Starts sandboxed runs. One per server; runs may overlap.
pub struct Sandbox {
    base: PathBuf,
    init_program: PathBuf,
    cgroups: CgroupRoot,
    prefix: String,
    counter: AtomicU64,
}

/// The first 8 characters of this boot's id: cgroup names start with it, so a
/// sweep can tell groups of an earlier boot from live ones.
fn boot_prefix() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id").map(|s| s.chars().filter(|c| c.is_ascii_hexdigit()).take(8).collect()).unwrap_or_else(|_| "00000000".into())
}

/// Whether a name made for one run (`overlay-<pid>-<n>`, `lab-<pid>-<n>`) belongs to a server that is gone.
pub(crate) fn of_dead_server(name: &str) -> bool {
    let pid = name.split('-').nth(1).and_then(|p| p.parse::<u32>().ok());
    pid.is_some_and(|pid| pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists())
}

/// Whether a run group named `<boot>-<pid>-<n>` belongs to a server that is gone.
fn is_stale(name: &str, boot: &str) -> bool {
    let mut parts = name.splitn(3, '-');
    let (Some(b), Some(pid)) = (parts.next(), parts.next()) else { return true };
    b != boot || pid.parse::<i32>().map_or(true, |pid| !Path::new(&format!("/proc/{pid}")).exists())
}

fn validate(spec: &SandboxSpec) -> Result<(), String> {
    if spec.argv.is_empty() {
        return Err("no command".into());
    }
    let host_ok = !spec.hostname.is_empty() && spec.hostname.len() <= 63 && spec.hostname.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !host_ok {
        return Err(format!("invalid hostname {:?}", spec.hostname));
    }
    if spec.timeout_ms == 0 || spec.timeout_ms > MAX_TIMEOUT_MS {
        return Err(format!("the time limit must be 1 to {MAX_TIMEOUT_MS} ms"));
    }
    if spec.output_cap > MAX_OUTPUT_CAP {
        return Err(format!("the output cap must be at most {MAX_OUTPUT_CAP} bytes"));
    }
    if spec.limits.memory_bytes < 4 << 20 || spec.limits.pids_max == 0 {
        return Err("the memory limit must be at least 4 MiB and pids.max at least 1".into());
    }
    Ok(())
}

/// Turns byte chunks into text without splitting a UTF-8 character across two calls.
#[derive(Default)]
struct Utf8Chunks(Vec<u8>);

impl Utf8Chunks {
    fn push(&mut self, bytes: &[u8]) -> String {
        self.0.extend_from_slice(bytes);
        let complete = match std::str::from_utf8(&self.0) {
            Ok(_) => self.0.len(),
            // An incomplete character at the end waits for the next chunk; invalid bytes do not.
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.0.len(),
        };
        let text = String::from_utf8_lossy(&self.0[..complete]).into_owned();
        self.0.drain(..complete);
        text
    }
}

impl Sandbox {
    /// A sandbox keeping its state under `base` and starting `init_program`
    /// (normally `/proc/self/exe`) as the init. Removes run groups left by a
    /// server that is gone.
    pub fn new(base: &Path, init_program: &Path) -> Result<Sandbox, String> {
        let stage = base.join("stage");
        std::fs::create_dir_all(&stage).map_err(|e| format!("create {}: {e}", stage.display()))?;
        let cgroups = CgroupRoot::detect().map_err(|e| format!("cgroups: {e}"))?;
        let prefix = boot_prefix();
        let _ = cgroups.sweep(|name| is_stale(name, &prefix));
        // The namespaces demo's veth pairs live in named network namespaces; those of a dead server go too,
        // with the OCI demo's containers and the overlay demo's container layers.
        crate::linux::demos::sweep_netns(of_dead_server);
        crate::linux::oci::sweep(base, of_dead_server);
        for entry in std::fs::read_dir(base.join("runs")).into_iter().flatten().flatten() {
            if of_dead_server(&entry.file_name().to_string_lossy()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        Ok(Sandbox { base: base.to_path_buf(), init_program: init_program.to_path_buf(), cgroups, prefix, counter: AtomicU64::new(0) })
    }

    /// A number unique among this sandbox's runs, for names of things made for one run.
    pub fn next_id(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed)
    }

    /// Where the sandbox keeps images and run state.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Runs `spec` to its end (or its time limit) and reports what happened.
    pub fn run(&self, spec: &SandboxSpec) -> Result<RunOutcome, String> {
        self.run_observed(spec, &mut |_| {})
    }

    /// Like [`Sandbox::run`], telling `on_event` the output as it is written (up to the cap)
    /// and, every [`USAGE_EVERY`], what the run uses.
    pub fn run_observed(&self, spec: &SandboxSpec, on_event: &mut dyn FnMut(LiveEvent)) -> Result<RunOutcome, String> {
        validate(spec)?;
        let started = Instant::now();
        let n = self.next_id();
        let group = self.cgroups.create(&format!("{}-{}-{n}", self.prefix, std::process::id()), &spec.limits).map_err(|e| format!("create the run's cgroup: {e}"))?;
        let result = self.run_in(&group, spec, on_event);
        let accounting = group.accounting();
        group.remove().map_err(|e| format!("remove the run's cgroup: {e}"))?;
        let mut outcome = result?;
        outcome.accounting = accounting;
        outcome.wall_us = started.elapsed().as_micros() as u64;
        Ok(outcome)
    }

    fn run_in(&self, group: &Cgroup, spec: &SandboxSpec, on_event: &mut dyn FnMut(LiveEvent)) -> Result<RunOutcome, String> {
        let (read_end, write_end) = nix::unistd::pipe().map_err(|e| format!("pipe: {e}"))?;
        let write_copy = write_end.try_clone().map_err(|e| format!("pipe: {e}"))?;
        let mut child = Command::new(&self.init_program)
            .arg(INIT_ARG)
            .env_clear()
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::from(write_end))
            .stderr(Stdio::from(write_copy))
            .spawn()
            .map_err(|e| format!("start the sandbox init {}: {e}", self.init_program.display()))?;
        let cap = spec.output_cap;
        let (live_tx, live) = mpsc::channel();
        let reader = std::thread::spawn(move || read_capped(read_end, cap, Some(live_tx)));
        let mut text = Utf8Chunks::default();
        let mut pass_on = |on_event: &mut dyn FnMut(LiveEvent)| {
            while let Ok(chunk) = live.try_recv() {
                let piece = text.push(&chunk);
                if !piece.is_empty() {
                    on_event(LiveEvent::Output { text: piece });
                }
            }
        };
        let mut next_usage = Instant::now() + USAGE_EVERY;
        let pid = Pid::from_raw(child.id() as i32);
        let request = InitRequest { spec: spec.clone(), stage: self.base.join("stage") };
        let sent = group.add(pid.as_raw()).map_err(|e| format!("join the run's cgroup: {e}")).and_then(|_| {
            let line = serde_json::to_string(&request).map_err(|e| e.to_string())? + "\n";
            let mut stdin = child.stdin.take().ok_or("no stdin")?;
            stdin.write_all(line.as_bytes()).map_err(|e| format!("send the run: {e}"))
        });
        if let Err(e) = sent {
            group.kill_all();
            let _ = child.wait();
            let _ = reader.join();
            return Err(e);
        }
        let deadline = Instant::now() + Duration::from_millis(spec.timeout_ms);
        let mut timed_out = false;
        let status = loop {
            match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) => {
                    pass_on(on_event);
                    if Instant::now() >= next_usage {
                        let (memory_bytes, pids, cpu_ns) = group.usage();
                        on_event(LiveEvent::Usage { memory_bytes, pids, cpu_ns });
                        next_usage += USAGE_EVERY;
                    }
                    if Instant::now() >= deadline {
                        timed_out = true;
                        group.kill_all();
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                Ok(WaitStatus::Exited(_, code)) => break (code, None),
                Ok(WaitStatus::Signaled(_, signal, _)) => break (128 + signal as i32, Some(signal as i32)),
                Ok(_) => continue,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(format!("wait for the sandbox: {e}")),
            }
        };
        // Whatever the command left running (without a PID namespace) ends with the run.
        group.kill_all();
        let (kept, dropped) = reader.join().unwrap_or_default();
        pass_on(on_event);
        Ok(RunOutcome {
            output: String::from_utf8_lossy(&kept).into_owned(),
            output_dropped: dropped,
            exit_code: status.0,
            signal: status.1,
            timed_out,
            ..RunOutcome::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_groups_of_other_boots_or_dead_servers_are_stale() {
        let me = std::process::id();
        assert!(!is_stale(&format!("abcd1234-{me}-3"), "abcd1234"));
        assert!(is_stale(&format!("ffff0000-{me}-3"), "abcd1234"), "another boot");
        assert!(is_stale("abcd1234-999999999-0", "abcd1234"), "a server that is gone");
        assert!(is_stale("junk", "abcd1234"));
        assert!(of_dead_server("overlay-999999999-2") && of_dead_server("lab-999999999-0"));
        assert!(!of_dead_server(&format!("lab-{me}-1")), "this server's own runs are not swept");
        assert!(!of_dead_server("lab-x-1") && !of_dead_server("kubeplay"));
    }

    #[test]
    fn text_chunks_never_split_a_character() {
        let mut chunks = Utf8Chunks::default();
        let bytes = "grüß".as_bytes();
        assert_eq!(chunks.push(&bytes[..3]), "gr", "the first half of ü waits");
        assert_eq!(chunks.push(&bytes[3..]), "üß");
        assert_eq!(chunks.push(b"\xff!"), "\u{fffd}!", "invalid bytes pass as a replacement");
    }

    #[test]
    fn requests_out_of_bounds_are_refused() {
        let ok = SandboxSpec::standard(&["true"], vec![]);
        assert!(validate(&ok).is_ok());
        let mut s = ok.clone();
        s.hostname = "a/b".into();
        assert!(validate(&s).unwrap_err().contains("hostname"));
        let mut s = ok.clone();
        s.timeout_ms = MAX_TIMEOUT_MS + 1;
        assert!(validate(&s).is_err());
        let mut s = ok.clone();
        s.argv.clear();
        assert!(validate(&s).is_err());
        let mut s = ok;
        s.limits.memory_bytes = 1024;
        assert!(validate(&s).is_err());
    }
}
