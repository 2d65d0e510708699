//! The demos: the real runner's scripts, step titles and commands (copied
//! from `kubeplay-runtime`'s demos) run against the model, and the kernel
//! state read back the way the real runner reads it.

use super::caps::{mask, CapSets, DEFAULT_KEEP};
use super::cgroup::Limits;
use super::container::{Container, Spec};
use super::fs::Layer;
use super::image;
use super::kernel::{Kernel, HOST, KINDS};
use super::sh::{self, Dialect};
use super::vfs::Root;
use kubeplay_lab::{capability_names, CapabilityTrial, Controller, DemoStep, KernelState, NamespaceRow, RunOutcome};
use std::rc::Rc;

/// Output cap of the learner's shell commands.
pub const SHELL_OUTPUT_CAP: usize = 64 * 1024;

/// The system calls the standard sandbox's seccomp filter denies (`EPERM`).
pub const DENIED: [&str; 21] = [
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

/// The environment every run gets.
pub fn env() -> Vec<(String, String)> {
    [("PATH", "/bin:/sbin:/usr/bin:/usr/sbin"), ("HOME", "/root"), ("TERM", "dumb")].map(|(k, v)| (k.to_string(), v.to_string())).to_vec()
}

/// The standard sandbox over `lower` (the runtime's `SandboxSpec::standard`):
/// every namespace but the user one, the default capabilities, the seccomp
/// deny-list, 64 MiB, 64 processes, 5 s and 256 KiB of output.
pub fn standard(lower: Vec<Rc<Layer>>) -> Spec {
    Spec {
        hostname: "container".into(),
        user_ns: false,
        caps: CapSets::keeping(mask(&DEFAULT_KEEP)),
        seccomp: Some(DENIED.to_vec()),
        limits: Limits::default(),
        time_limit_us: 5_000_000,
        output_cap: 256 * 1024,
        root: Root::Overlay { lower, stage: "/var/lib/kubeplay/stage".into() },
        join_net: None,
        env: env(),
    }
}

/// Runs `script` in a new container; returns the outcome and its root's upper layer.
pub fn run_script(kernel: &mut Kernel, spec: Spec, dialect: Dialect, script: &str) -> (RunOutcome, Layer) {
    let mut c = Container::start(kernel, spec);
    let result = sh::run(&mut c, dialect, script);
    let upper = c.vfs.fses.first().map(|fs| fs.upper.clone()).unwrap_or_default();
    (c.finish(result), upper)
}

/// One step: `script` run in a container made from `spec`, shown as `command`.
pub fn step(kernel: &mut Kernel, spec: Spec, title: &str, command: &str, script: &str) -> DemoStep {
    DemoStep { title: title.into(), command: command.into(), outcome: run_script(kernel, spec, Dialect::Ash, script).0 }
}

/// The inode number in a namespace link such as `pid:[4026531836]`.
fn inode_of(link: &str) -> Option<u64> {
    link.split_once(":[")?.1.strip_suffix(']')?.parse().ok()
}

/// `<kind> -> <link>` lines as (kind, inode).
fn inodes_in(output: &str) -> Vec<(String, u64)> {
    output.lines().filter_map(|l| l.split_once(" -> ")).filter_map(|(k, link)| Some((k.trim().to_string(), inode_of(link.trim())?))).collect()
}

const PRINT_INODES: &str = "for n in pid uts mnt net ipc cgroup user; do echo \"$n -> $(readlink /proc/self/ns/$n)\"; done";

/// The namespaces demo: what a run sees in each namespace, a user namespace, and a veth pair.
pub fn namespaces(kernel: &mut Kernel, hostname: &str) -> (Vec<DemoStep>, KernelState) {
    let busybox = Rc::new(image::busybox());
    let spec = || Spec { hostname: hostname.to_string(), ..standard(vec![busybox.clone()]) };
    let mut steps = vec![step(kernel, spec(), "every namespace has an inode number; the run's differ from the host's", PRINT_INODES, PRINT_INODES)];
    let inside = inodes_in(&steps[0].outcome.output);
    for (title, script) in [
        ("PID namespace: the command is PID 1 and sees only its own processes", "echo \"my PID is $$\"; ps"),
        ("UTS namespace: its own hostname", "hostname"),
        ("mount namespace: its own mount table", "cat /proc/self/mounts"),
        ("network namespace: only a loopback device", "ip -o link; ip -o -4 addr"),
        ("IPC namespace: its own shared memory", "ls -A /dev/shm; echo \"ipc -> $(readlink /proc/self/ns/ipc)\""),
    ] {
        steps.push(step(kernel, spec(), title, script, script));
    }
    let user_script = "id; cat /proc/self/uid_map; echo \"user -> $(readlink /proc/self/ns/user)\"; touch /etc/x";
    let user_spec = Spec { user_ns: true, ..standard(vec![busybox.clone()]) };
    steps.push(step(kernel, user_spec, "user namespace: root inside, nobody (65534) outside; root's power ends at the namespace", user_script, user_script));
    let user_inode = inodes_in(&steps[steps.len() - 1].outcome.output).into_iter().find(|(k, _)| k == "user").map(|(_, i)| i);
    // Two network namespaces joined by a veth pair; the run joins the first and pings the second.
    let veth = ("10.200.0.1", "10.200.0.2");
    let (a, b) = (kernel.add_netns(), kernel.add_netns());
    kernel.veth((a, "veth0", &format!("{}/30", veth.0)), (b, "veth1", &format!("{}/30", veth.1)));
    kernel.set_up(b, "lo", true);
    let script = format!("ip -o -4 addr; ping -c 3 -i 0.2 -W 1 {}", veth.1);
    let joined = Spec { join_net: Some(a), ..standard(vec![busybox.clone()]) };
    steps.push(step(kernel, joined, "a veth pair: a cable between the run's network namespace and a second one", &format!("ping -c 3 {}", veth.1), &script));
    kernel.remove_netns(a);
    kernel.remove_netns(b);
    let rows = KINDS
        .iter()
        .map(|kind| {
            let container = if *kind == "user" { user_inode } else { None }.or_else(|| inside.iter().find(|(k, _)| k == kind).map(|(_, i)| *i)).unwrap_or(0);
            NamespaceRow { kind: kind.to_string(), host: HOST.get(kind).unwrap_or(0), container }
        })
        .collect();
    (steps, KernelState::Namespaces { rows, veth: Some((veth.0.into(), veth.1.into())) })
}

/// The commands the cgroups demo runs, per controller (the runtime's `cgroup_script`).
pub fn cgroup_script(controller: Controller, limit: u64) -> String {
    match controller {
        Controller::Memory => format!("echo 'allocating {} MiB under a {limit} MiB limit'; dd if=/dev/zero of=/dev/null bs={}M count=1", limit * 2, limit * 2),
        Controller::Cpu => "echo 'spinning for one second'; timeout 1 sh -c 'while :; do :; done'; echo done".into(),
        Controller::Pids => "echo 'a fork bomb'; bomb() { bomb | bomb & }; bomb; sleep 1".into(),
    }
}

/// The cgroups demo: one limit and what the kernel does at it.
pub fn cgroups(kernel: &mut Kernel, controller: Controller, limit: u64) -> (Vec<DemoStep>, KernelState) {
    let script = cgroup_script(controller, limit);
    let mut spec = standard(vec![Rc::new(image::busybox())]);
    let title = match controller {
        Controller::Memory => {
            spec.limits.memory_bytes = limit << 20;
            "memory.limit_in_bytes: past it, the OOM killer ends the process"
        }
        Controller::Cpu => {
            spec.limits.cpu_quota_us = Some(limit * spec.limits.cpu_period_us / 100);
            "cpu quota: the process may run so long per 100 ms period, then waits"
        }
        Controller::Pids => {
            spec.limits.pids_max = limit;
            spec.output_cap = 8 * 1024;
            spec.time_limit_us = 3_000_000;
            "pids.max: forks beyond it fail, the host is unaffected"
        }
    };
    let run = step(kernel, spec, title, &script, &script);
    let a = run.outcome.accounting;
    let (used, events) = match controller {
        Controller::Memory => (a.memory_max_usage, a.oom_kills),
        Controller::Cpu => (a.cpu_usage_ns.saturating_mul(100) / (run.outcome.wall_us.max(1) * 1000), a.cpu_nr_throttled),
        Controller::Pids => (if a.pids_limit_hits > 0 { limit } else { 0 }, a.pids_limit_hits),
    };
    let limit_in_unit = if controller == Controller::Memory { limit << 20 } else { limit };
    (vec![run], KernelState::Cgroup { controller, limit: limit_in_unit, used, events })
}

/// The overlay demo: copy-up, a whiteout and a new file over two read-only layers.
pub fn overlay(kernel: &mut Kernel) -> (Vec<DemoStep>, KernelState) {
    let script = "cat /etc/motd; echo 'second line' >> /app/a.txt; rm /app/b.txt; echo new > /app/c.txt; ls /app; cat /app/a.txt";
    let (busybox, app) = (Rc::new(image::busybox()), Rc::new(image::app()));
    let before = (*app).clone();
    let spec = Spec { root: Root::Overlay { lower: vec![app.clone(), busybox.clone()], stage: "/var/lib/kubeplay/runs/overlay-1".into() }, ..standard(Vec::new()) };
    let (outcome, upper) = run_script(kernel, spec, Dialect::Ash, script);
    let layer = |name: &str, writable: bool, l: &Layer, limit: usize| {
        let (entries, omitted) = l.listing(limit);
        kubeplay_lab::Layer { name: name.into(), writable, entries, omitted }
    };
    let layers = vec![layer("container layer (upper)", true, &upper, 100), layer(&app.name, false, &app, 100), layer(&busybox.name, false, &busybox, 12)];
    let step = DemoStep { title: "write, delete and create files over read-only layers".into(), command: script.into(), outcome };
    (vec![step], KernelState::Overlay { layers, lower_unchanged: *app == before })
}

/// The capabilities shown: the capability, what needs it, the command (which
/// prints its last word on a line of its own when the action worked), and
/// system calls the filter lets through (the runtime's `TRIALS`).
const TRIALS: [(&str, &str, &str, &[&str]); 3] = [
    ("CAP_NET_BIND_SERVICE", "listen on port 80", "nc -l -p 80 & sleep 0.2; netstat -ltn | grep ':80 ' && echo listening; kill $! 2>/dev/null", &[]),
    ("CAP_NET_RAW", "ping with a raw socket", "ping -c 1 -W 1 127.0.0.1 && echo reached", &[]),
    ("CAP_SYS_ADMIN", "mount a file system", "mount -t tmpfs lab /mnt && echo mounted", &["mount"]),
];

/// Whether a trial's action worked: its command printed its success word on a line of its own.
fn allowed(output: &str, command: &str) -> bool {
    let word = command.rsplit("echo ").next().unwrap_or("").split(';').next().unwrap_or("").trim();
    !word.is_empty() && output.lines().any(|l| l.trim() == word)
}

/// The capabilities demo: each action with and without the capability it needs.
pub fn capabilities(kernel: &mut Kernel) -> (Vec<DemoStep>, KernelState) {
    let busybox = Rc::new(image::busybox());
    let (mut steps, mut trials) = (Vec::new(), Vec::new());
    for (capability, action, command, allow) in TRIALS {
        for kept in [true, false] {
            let mut keep: Vec<&str> = DEFAULT_KEEP.iter().copied().filter(|c| *c != capability).collect();
            if kept {
                keep.push(capability);
            }
            let seccomp = DENIED.iter().copied().filter(|s| !allow.contains(s)).collect();
            let spec = Spec { caps: CapSets::keeping(mask(&keep)), seccomp: Some(seccomp), ..standard(vec![busybox.clone()]) };
            let title = format!("{action} {} {capability}", if kept { "with" } else { "without" });
            let run = step(kernel, spec, &title, command, &format!("grep CapEff /proc/self/status; {command}"));
            let effective = run.outcome.output.lines().find_map(|l| l.strip_prefix("CapEff:")).map(capability_names).unwrap_or_default();
            trials.push(CapabilityTrial { capability: capability.into(), action: action.into(), kept, allowed: allowed(&run.outcome.output, command), effective });
            steps.push(run);
        }
    }
    (steps, KernelState::Capabilities { trials })
}

/// The chroot demo: bash in a jail of its programs and libraries (GNU tools, so GNU's messages).
pub fn chroot(kernel: &mut Kernel) -> (Vec<DemoStep>, KernelState) {
    let script = "echo \"inside the jail, / holds:\"; if [ -x /bin/tree ]; then tree /; else ls -R /; fi; echo; cat /etc/passwd; ls /proc /home";
    let jail = Rc::new(image::jail());
    // Without CAP_SYS_CHROOT the classic escape (chroot into a subdirectory, then cd ..) is closed.
    let keep: Vec<&str> = DEFAULT_KEEP.iter().copied().filter(|c| *c != "CAP_SYS_CHROOT").collect();
    let env = vec![("PATH".to_string(), "/bin".to_string())];
    let spec = Spec { root: Root::Jail(jail.clone()), caps: CapSets::keeping(mask(&keep)), env, ..standard(Vec::new()) };
    let outcome = run_script(kernel, spec, Dialect::Bash, script).0;
    let step = DemoStep { title: "a jail of three programs and their libraries".into(), command: "chroot jail /bin/bash -c '...'".into(), outcome };
    (vec![step], KernelState::Jail { files: jail.listing(200).0 })
}

/// The shell demo: the learner's command in the standard sandbox, a fresh overlay each run.
pub fn shell(kernel: &mut Kernel, command: &str) -> (Vec<DemoStep>, KernelState) {
    let spec = Spec { output_cap: SHELL_OUTPUT_CAP, ..standard(vec![Rc::new(image::busybox())]) };
    (vec![step(kernel, spec, "your command in the standard sandbox", command, command)], KernelState::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_links_and_trial_outcomes_read_as_the_real_runner_reads_them() {
        assert_eq!(inode_of("pid:[4026531836]"), Some(4026531836));
        assert_eq!(inodes_in("pid -> pid:[4026532201]\nnoise\n"), vec![("pid".to_string(), 4026532201)]);
        assert!(allowed("x\nlistening\n", TRIALS[0].2) && !allowed("nc: bind: Permission denied\n", TRIALS[0].2));
        assert!(allowed("mounted\n", TRIALS[2].2));
    }
}
