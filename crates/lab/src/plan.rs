//! What each demo runs, once for both runners: the standard sandbox's settings
//! and every demo's titles, scripts and fixed files. The real runner
//! (`kubeplay-runtime`) hands them to the kernel, the simulated one
//! (`kubeplay-sim`'s `lab`) to its model, so the two cannot drift apart.

use crate::Controller;

/// The capabilities the standard sandbox keeps: Docker's default set minus
/// `CAP_MKNOD` (on a cgroup v2 host there is no device controller to stop a
/// node made with it from being opened).
pub const DEFAULT_CAPS: [&str; 13] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// System calls the standard sandbox's seccomp filter answers with `EPERM`.
pub const SECCOMP_DENIED: [&str; 21] = [
    "mount",
    "umount2",
    "pivot_root",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "ptrace",
    "reboot",
    "swapon",
    "swapoff",
    "userfaultfd",
];

/// The environment of every run.
pub const ENV: [(&str, &str); 3] = [("PATH", "/bin:/sbin:/usr/bin:/usr/sbin"), ("HOME", "/root"), ("TERM", "dumb")];
/// The hostname inside a run unless a demo names another.
pub const HOSTNAME: &str = "container";
/// The standard memory limit, in bytes.
pub const MEMORY_BYTES: u64 = 64 << 20;
/// The standard `pids.max`.
pub const PIDS_MAX: u64 = 64;
/// The CFS period, in microseconds.
pub const CPU_PERIOD_US: u64 = 100_000;
/// The standard wall-clock limit, in milliseconds.
pub const TIMEOUT_MS: u64 = 5_000;
/// The standard output cap, in bytes.
pub const OUTPUT_CAP: usize = 256 * 1024;
/// Output cap of the learner's shell commands.
pub const SHELL_OUTPUT_CAP: usize = 64 * 1024;
/// The shell demo's title.
pub const SHELL_TITLE: &str = "your command in the standard sandbox";

/// The chroot demo: what the jailed bash runs.
pub const CHROOT_SCRIPT: &str = "echo \"inside the jail, / holds:\"; if [ -x /bin/tree ]; then tree /; else ls -R /; fi; echo; cat /etc/passwd; ls /proc /home";
/// The chroot demo's command as the learner would type it.
pub fn chroot_command() -> String {
    format!("chroot jail /bin/bash -c '{CHROOT_SCRIPT}'")
}

/// The chroot demo's title.
pub const CHROOT_TITLE: &str = "a jail of bash, a few tools and their libraries";

/// The namespaces demo's first step: each namespace's inode.
pub const PRINT_INODES: &str = "for n in pid uts mnt net ipc cgroup user; do echo \"$n -> $(readlink /proc/self/ns/$n)\"; done";
/// Its title.
pub const INODES_TITLE: &str = "every namespace has an inode number; the run's differ from the host's";
/// The namespaces demo's steps after the first: (title, script), one per namespace kind.
pub const NAMESPACE_STEPS: [(&str, &str); 5] = [
    ("PID namespace: the command is PID 1 and sees only its own processes", "echo \"my PID is $$\"; ps"),
    ("UTS namespace: its own hostname", "hostname"),
    ("mount namespace: its own mount table", "cat /proc/self/mounts"),
    ("network namespace: only a loopback device", "ip -o link; ip -o -4 addr"),
    ("IPC namespace: its own shared memory", "ls -A /dev/shm; echo \"ipc -> $(readlink /proc/self/ns/ipc)\""),
];
/// The inode number in a namespace link such as `pid:[4026531836]`.
pub fn inode_of(link: &str) -> Option<u64> {
    link.split_once(":[")?.1.strip_suffix(']')?.parse().ok()
}

/// The `<kind> -> <link>` lines [`PRINT_INODES`] prints, as (kind, inode).
pub fn namespace_inodes(output: &str) -> Vec<(String, u64)> {
    output.lines().filter_map(|l| l.split_once(" -> ")).filter_map(|(k, link)| Some((k.trim().to_string(), inode_of(link.trim())?))).collect()
}

/// The user-namespace step: (title, script).
pub const USER_STEP: (&str, &str) = ("user namespace: root inside, nobody (65534) outside; root's power ends at the namespace", "id; cat /proc/self/uid_map; echo \"user -> $(readlink /proc/self/ns/user)\"; touch /etc/x");
/// The two ends of the veth pair (a /30 of their own, both in namespaces made for the run).
pub const VETH_ADDRESSES: (&str, &str) = ("10.200.0.1", "10.200.0.2");
/// The veth step's title.
pub const VETH_TITLE: &str = "a veth pair: a cable between the run's network namespace and a second one";

/// The veth step: (the command shown, the script run).
pub fn veth_ping() -> (String, String) {
    (format!("ping -c 3 {}", VETH_ADDRESSES.1), format!("ip -o -4 addr; ping -c 3 -i 0.2 -W 1 {}", VETH_ADDRESSES.1))
}

/// The cgroups demo for one controller: its title and script.
pub fn cgroup_step(controller: Controller, limit: u64) -> (&'static str, String) {
    match controller {
        // dd fills its whole buffer from /dev/zero: the buffer is memory the cgroup pays for.
        Controller::Memory => (
            "memory.limit_in_bytes: past it, the OOM killer ends the process",
            format!("echo 'allocating {} MiB under a {limit} MiB limit'; dd if=/dev/zero of=/dev/null bs={}M count=1", limit * 2, limit * 2),
        ),
        Controller::Cpu => ("cpu quota: the process may run so long per 100 ms period, then waits", "echo 'spinning for one second'; timeout 1 sh -c 'while :; do :; done'; echo done".into()),
        Controller::Pids => ("pids.max: forks beyond it fail, the host is unaffected", "echo 'a fork bomb'; bomb() { bomb | bomb & }; bomb; sleep 1".into()),
    }
}

/// Sets the one limit the cgroups demo varies (`limit` in MiB, percent of a CPU or processes).
pub fn set_cgroup_limit(limits: &mut crate::Limits, controller: Controller, limit: u64) {
    match controller {
        Controller::Memory => limits.memory_bytes = limit << 20,
        Controller::Cpu => limits.cpu_quota_us = Some(limit * limits.cpu_period_us / 100),
        Controller::Pids => limits.pids_max = limit,
    }
}

/// What the cgroups demo draws from its run: the limit beside what was used, and the
/// kernel's events at the limit (OOM kills, throttled periods or failed forks).
pub fn cgroup_state(controller: Controller, limit: u64, outcome: &crate::RunOutcome) -> crate::KernelState {
    let a = outcome.accounting;
    let (used, events) = match controller {
        Controller::Memory => (a.memory_max_usage, a.oom_kills),
        Controller::Cpu => (a.cpu_usage_ns.saturating_mul(100) / (outcome.wall_us.max(1) * 1000), a.cpu_nr_throttled),
        Controller::Pids => (if a.pids_limit_hits > 0 { limit } else { 0 }, a.pids_limit_hits),
    };
    let limit = if controller == Controller::Memory { limit << 20 } else { limit };
    crate::KernelState::Cgroup { controller, limit, used, events }
}

/// The fork bomb's output cap, in bytes.
pub const PIDS_OUTPUT_CAP: usize = 8 * 1024;
/// The fork bomb's wall-clock limit, in milliseconds.
pub const PIDS_TIMEOUT_MS: u64 = 3_000;

/// The overlay demo's app layer: (path, contents).
pub const APP_FILES: [(&str, &str); 3] = [("app/a.txt", "first line\n"), ("app/b.txt", "this file will be deleted\n"), ("etc/motd", "Welcome! This line comes from the app layer.\n")];
/// The overlay demo: what the container does.
pub const OVERLAY_SCRIPT: &str = "cat /etc/motd; echo 'second line' >> /app/a.txt; rm /app/b.txt; echo new > /app/c.txt; ls /app; cat /app/a.txt";
/// Its title.
pub const OVERLAY_TITLE: &str = "write, delete and create files over read-only layers";
/// Whether the overlay drawing lists an image file: the image's configuration and the one
/// binary every command links to (the other entries are counted, not listed).
pub fn shown_in_image_listing(path: &str, is_dir: bool) -> bool {
    !is_dir && (path.starts_with("/etc/") || path == "/bin/busybox")
}

/// The overlay demo's layer names, top first.
pub const LAYER_NAMES: [&str; 3] = ["container layer (upper)", "image layer 2: app", "image layer 1: busybox"];

/// The capabilities demo: the capability, what needs it, the command (which prints its
/// last word on a line of its own when the action worked), and system calls the filter
/// must let through so that the capability alone decides.
pub const CAPABILITY_TRIALS: [(&str, &str, &str, &[&str]); 3] = [
    ("CAP_NET_BIND_SERVICE", "listen on port 80", "nc -l -p 80 & sleep 0.2; netstat -ltn | grep ':80 ' && echo listening; kill $! 2>/dev/null", &[]),
    ("CAP_NET_RAW", "ping with a raw socket", "ping -c 1 -W 1 127.0.0.1 && echo reached", &[]),
    ("CAP_SYS_ADMIN", "mount a file system", "mount -t tmpfs lab /mnt && echo mounted", &["mount"]),
];

/// A capability trial's title.
pub fn capability_title(action: &str, capability: &str, kept: bool) -> String {
    format!("{action} {} {capability}", if kept { "with" } else { "without" })
}

/// What a trial runs: the effective set, then the action.
pub fn capability_script(command: &str) -> String {
    format!("grep CapEff /proc/self/status; {command}")
}

/// Whether a trial's action worked: its command printed its success word on a line of its own.
pub fn capability_allowed(output: &str, command: &str) -> bool {
    let word = command.rsplit("echo ").next().unwrap_or("").split(';').next().unwrap_or("").trim();
    !word.is_empty() && output.lines().any(|l| l.trim() == word)
}

/// The OCI demo: what the container runs.
pub const OCI_SCRIPT: &str = "echo \"PID $$ on $(hostname)\"; ps; grep CapEff /proc/self/status; cat /proc/self/cgroup | head -3";
/// The OCI demo's hostname.
pub const OCI_HOSTNAME: &str = "oci-demo";

/// The OCI demo's step: (title, command shown) for a runtime and container id.
pub fn oci_step(runtime: &str, id: &str) -> (String, String) {
    (format!("a container started by {runtime}"), format!("{runtime} run --bundle ./bundle {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_as_allowed_or_denied() {
        let [bind, ping, mount] = CAPABILITY_TRIALS.map(|t| t.2);
        assert!(!capability_allowed("nc: bind: Permission denied\n", bind));
        assert!(capability_allowed("tcp 0 0 0.0.0.0:80 0.0.0.0:* LISTEN\nlistening\n", bind));
        assert!(capability_allowed("64 bytes from 127.0.0.1\nreached\n", ping));
        assert!(capability_allowed("mounted\n", mount));
        assert!(!capability_allowed("mount: permission denied (are you root?)\n", mount));
        assert!(!capability_allowed("CapEff: 0\n", mount));
    }

    #[test]
    fn namespace_links_read_as_inodes() {
        assert_eq!(inode_of("pid:[4026531836]"), Some(4026531836));
        assert_eq!(inode_of("garbage"), None);
        let lines = "pid -> pid:[4026532201]\nuts -> uts:[4026532199]\nnoise\n";
        assert_eq!(namespace_inodes(lines), vec![("pid".to_string(), 4026532201), ("uts".to_string(), 4026532199)]);
    }

    #[test]
    fn the_memory_demo_asks_for_twice_its_limit() {
        let (_, script) = cgroup_step(Controller::Memory, 16);
        assert!(script.ends_with("bs=32M count=1"), "{script}");
        assert_eq!(DEFAULT_CAPS.len(), 13);
        assert!(!DEFAULT_CAPS.contains(&"CAP_MKNOD") && !DEFAULT_CAPS.contains(&"CAP_SYS_ADMIN"));
    }
}
