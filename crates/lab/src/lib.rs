//! The containers lab's shared vocabulary: the demos a request may name (an
//! allowlist), the bounds on their parameters, and the report that comes back.
//! The real runner (`kubeplay-runtime`, Linux, root) and the simulated one
//! (`kubeplay-sim`'s `lab`) produce the same report, and the page draws it.

use serde::{Deserialize, Serialize};

pub mod catalog;
pub mod console;
pub mod plan;
pub mod summary;

/// Counters the kernel keeps for a run's cgroup, read after it ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accounting {
    /// The highest memory use seen, in bytes.
    pub memory_max_usage: u64,
    /// How many times the OOM killer killed a process of the run.
    pub oom_kills: u64,
    /// How many forks failed because `pids.max` was reached.
    pub pids_limit_hits: u64,
    /// CPU time used, in nanoseconds.
    pub cpu_usage_ns: u64,
    /// CFS periods in which the run was runnable.
    pub cpu_nr_periods: u64,
    /// Periods in which it was throttled because it used up its quota.
    pub cpu_nr_throttled: u64,
    /// Total time spent throttled, in nanoseconds.
    pub cpu_throttled_ns: u64,
}

/// Resource limits of a run, applied through cgroups.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Memory limit in bytes (swap included where the host accounts for it).
    pub memory_bytes: u64,
    /// Most processes and threads at once.
    pub pids_max: u64,
    /// CPU time allowed per `cpu_period_us`, in microseconds; `None` for no quota.
    pub cpu_quota_us: Option<u64>,
    /// The CFS period, in microseconds.
    pub cpu_period_us: u64,
}

impl Default for Limits {
    /// The standard sandbox's limits.
    fn default() -> Self {
        Limits { memory_bytes: plan::MEMORY_BYTES, pids_max: plan::PIDS_MAX, cpu_quota_us: None, cpu_period_us: plan::CPU_PERIOD_US }
    }
}

/// What came of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOutcome {
    /// Standard output and error, merged in the order written, cut at the output cap.
    pub output: String,
    /// Bytes dropped beyond the cap.
    pub output_dropped: u64,
    /// The exit code, or 128 + the signal number when a signal ended it.
    pub exit_code: i32,
    /// The signal that ended the command, if one did.
    pub signal: Option<i32>,
    /// Whether the wall-clock limit ended the run.
    pub timed_out: bool,
    /// The cgroup's counters.
    pub accounting: Accounting,
    /// Wall time from the start of the run until its cgroup was removed, in microseconds.
    pub wall_us: u64,
}

/// Which cgroup controller the cgroups demo shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Controller {
    /// A memory limit and the OOM killer.
    Memory,
    /// A CPU quota and throttling.
    Cpu,
    /// A process limit and a fork bomb.
    Pids,
}

/// A request to run one demo. Anything else (an unknown demo, an unknown or
/// out-of-range parameter) is refused before anything runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "demo", rename_all = "kebab-case", deny_unknown_fields)]
pub enum DemoRequest {
    /// A chroot jail of bash, ls and cat with the libraries `ldd` names.
    Chroot {},
    /// PID, UTS, mount, network, IPC and user namespaces, and a veth pair.
    Namespaces {
        /// The hostname inside the UTS namespace.
        #[serde(default = "default_hostname")]
        hostname: String,
    },
    /// A cgroup limit and what the kernel does at it.
    Cgroups {
        /// The controller shown.
        controller: Controller,
        /// MiB for memory, percent of one CPU for cpu, processes for pids.
        limit: u64,
    },
    /// Image layers under a container layer: copy-up and whiteouts.
    Overlay {},
    /// The same commands with and without the capability they need.
    Capabilities {},
    /// A whole container through an OCI runtime.
    Oci {
        /// `crun` or `runc`; the preferred installed one when absent.
        #[serde(default)]
        runtime: Option<String>,
    },
    /// A command typed by the learner, always in the standard sandbox.
    Shell {
        /// The command line, run by busybox `sh -c`.
        command: String,
    },
}

fn default_hostname() -> String {
    "container".into()
}

/// The bounds of [`DemoRequest::Cgroups`]' limit per controller.
pub fn limit_range(controller: Controller) -> (u64, u64) {
    match controller {
        Controller::Memory => (8, 256),
        Controller::Cpu => (5, 100),
        Controller::Pids => (8, 256),
    }
}

/// Longest shell command accepted, in bytes.
pub const MAX_COMMAND: usize = 2000;

impl DemoRequest {
    /// The demo's name as requests spell it.
    pub fn name(&self) -> &'static str {
        match self {
            DemoRequest::Chroot {} => "chroot",
            DemoRequest::Namespaces { .. } => "namespaces",
            DemoRequest::Cgroups { .. } => "cgroups",
            DemoRequest::Overlay {} => "overlay",
            DemoRequest::Capabilities {} => "capabilities",
            DemoRequest::Oci { .. } => "oci",
            DemoRequest::Shell { .. } => "shell",
        }
    }

    /// Checks every parameter against its bounds.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            DemoRequest::Namespaces { hostname } => {
                let ok = !hostname.is_empty() && hostname.len() <= 63 && hostname.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
                if !ok {
                    return Err(format!("invalid hostname {hostname:?}: use 1 to 63 of a-z, 0-9 and -"));
                }
            }
            DemoRequest::Cgroups { controller, limit } => {
                let (lo, hi) = limit_range(*controller);
                if !(lo..=hi).contains(limit) {
                    return Err(format!("the {controller:?} limit must be {lo} to {hi}").to_lowercase());
                }
            }
            DemoRequest::Oci { runtime: Some(r) } if r != "crun" && r != "runc" => return Err(format!("unknown runtime {r:?}: crun or runc")),
            DemoRequest::Shell { command } if command.trim().is_empty() || command.len() > MAX_COMMAND || command.contains('\0') => {
                return Err(format!("the command must be 1 to {MAX_COMMAND} bytes"));
            }
            _ => {}
        }
        Ok(())
    }
}

/// One command a demo ran and what came of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoStep {
    /// What this step shows, in a few words.
    pub title: String,
    /// The command as the learner would type it.
    pub command: String,
    /// Output, exit code and the cgroup's counters.
    pub outcome: RunOutcome,
}

/// A namespace of the run beside the host's: different inode numbers mean different namespaces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceRow {
    /// `pid`, `uts`, `mnt`, `net`, `ipc`, `user`, `cgroup`.
    pub kind: String,
    /// The inode of the server's namespace of this kind.
    pub host: u64,
    /// The inode the run saw.
    pub container: u64,
}

/// What a file is in one overlay layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerEntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link.
    Link,
    /// A whiteout: a character device 0:0 hiding the file below.
    Whiteout,
    /// A directory marked opaque: it hides everything below it.
    Opaque,
}

/// One entry of a layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerEntry {
    /// Path inside the layer, starting with `/`.
    pub path: String,
    /// What it is.
    pub kind: LayerEntryKind,
    /// Size in bytes (files only).
    pub size: u64,
}

/// One overlay layer and its files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    /// Its name in the drawing.
    pub name: String,
    /// Whether the container may write to it (only the top layer).
    pub writable: bool,
    /// What it holds (large image layers are summarised by `omitted`).
    pub entries: Vec<LayerEntry>,
    /// Entries left out of the listing.
    pub omitted: usize,
}

/// One capability tried with and without it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityTrial {
    /// The capability, e.g. `CAP_NET_BIND_SERVICE`.
    pub capability: String,
    /// What needs it, e.g. `bind port 80`.
    pub action: String,
    /// Whether the run kept it.
    pub kept: bool,
    /// Whether the action succeeded.
    pub allowed: bool,
    /// The effective set the run had, by name.
    pub effective: Vec<String>,
}

/// The kernel state a demo created, for the lab's drawing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum KernelState {
    /// The jail's files as the host sees them.
    Jail {
        /// Paths inside the jail with sizes.
        files: Vec<LayerEntry>,
    },
    /// Namespace inodes, and the veth pair between two network namespaces.
    Namespaces {
        /// One row per namespace kind.
        rows: Vec<NamespaceRow>,
        /// The two ends' addresses, when a veth pair was made.
        veth: Option<(String, String)>,
    },
    /// A cgroup's limit beside what the run used.
    Cgroup {
        /// The controller.
        controller: Controller,
        /// The limit in the controller's unit (bytes, percent of a CPU, processes).
        limit: u64,
        /// What the run used at most, in the same unit.
        used: u64,
        /// What the kernel did at the limit: OOM kills, throttled periods or failed forks.
        events: u64,
    },
    /// The layer stack after the run, top first.
    Overlay {
        /// Layers, the container's first.
        layers: Vec<Layer>,
        /// Whether every image layer was byte-for-byte unchanged after the run.
        lower_unchanged: bool,
    },
    /// Each capability's trials.
    Capabilities {
        /// With and without, per capability.
        trials: Vec<CapabilityTrial>,
    },
    /// The OCI runtime and the bundle config it was given.
    Oci {
        /// `crun` or `runc`.
        runtime: String,
        /// Its version line.
        version: String,
        /// The generated `config.json`.
        config: String,
    },
    /// Nothing to draw (the shell).
    None,
}

/// The answer to a [`DemoRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoReport {
    /// The demo's name.
    pub demo: String,
    /// Each command it ran, in order.
    pub steps: Vec<DemoStep>,
    /// What it built in the kernel.
    pub state: KernelState,
    /// True when a model computed this instead of the kernel.
    pub simulated: bool,
}

/// What a demo reports while it runs, one JSON object per line (`POST api/lab/run`
/// with `Accept: application/x-ndjson`): a step starts, some output arrives, and at the
/// end the whole report or an error. (The page reads them through `kubeplay_sim::lab::wire`,
/// without serde's buffering of internally tagged enums.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum LiveEvent {
    /// A step starts.
    Step {
        /// Its title.
        title: String,
        /// Its command.
        command: String,
    },
    /// Output of the running step, as it was written.
    Output {
        /// The text.
        text: String,
    },
    /// What the running step uses now, read from its cgroup a few times a second.
    Usage {
        /// Memory charged to it, in bytes.
        memory_bytes: u64,
        /// Its processes.
        pids: u64,
        /// CPU time used so far, in nanoseconds.
        cpu_ns: u64,
    },
    /// The demo ended with this report.
    Report {
        /// The report, as the non-streaming answer would carry it.
        report: DemoReport,
    },
    /// The demo could not run.
    Error {
        /// Why.
        error: String,
    },
}

/// Capability names by bit number (Linux 6.x).
pub const CAPABILITY_NAMES: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// Names the bits of a capability mask as `/proc/<pid>/status` prints it (`CapEff: 00000000a80425fb`).
pub fn capability_names(hex_mask: &str) -> Vec<String> {
    let mask = u64::from_str_radix(hex_mask.trim(), 16).unwrap_or(0);
    (0..64).filter(|bit| mask & (1u64 << bit) != 0).map(|bit| CAPABILITY_NAMES.get(bit).map_or_else(|| format!("cap_{bit}"), |n| n.to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse_from_json_and_unknown_ones_are_refused() {
        let r: DemoRequest = serde_json::from_str(r#"{"demo":"cgroups","controller":"memory","limit":32}"#).unwrap();
        assert_eq!(r, DemoRequest::Cgroups { controller: Controller::Memory, limit: 32 });
        assert!(r.validate().is_ok());
        let r: DemoRequest = serde_json::from_str(r#"{"demo":"namespaces"}"#).unwrap();
        assert_eq!(r, DemoRequest::Namespaces { hostname: "container".into() });
        assert!(serde_json::from_str::<DemoRequest>(r#"{"demo":"rm-rf"}"#).is_err(), "unknown demo");
        assert!(serde_json::from_str::<DemoRequest>(r#"{"demo":"overlay","rootfs":"../../etc"}"#).is_err(), "unknown parameter");
        assert!(serde_json::from_str::<DemoRequest>(r#"{"demo":"cgroups","controller":"devices","limit":1}"#).is_err());
    }

    #[test]
    fn parameters_out_of_bounds_are_refused() {
        assert!(DemoRequest::Cgroups { controller: Controller::Memory, limit: 4 }.validate().unwrap_err().contains("8 to 256"));
        assert!(DemoRequest::Cgroups { controller: Controller::Cpu, limit: 101 }.validate().is_err());
        assert!(DemoRequest::Namespaces { hostname: "../etc".into() }.validate().is_err());
        assert!(DemoRequest::Namespaces { hostname: "Web".into() }.validate().is_err());
        assert!(DemoRequest::Oci { runtime: Some("docker".into()) }.validate().is_err());
        assert!(DemoRequest::Shell { command: "x".repeat(MAX_COMMAND + 1) }.validate().is_err());
        assert!(DemoRequest::Shell { command: "  ".into() }.validate().is_err());
        assert!(DemoRequest::Shell { command: "echo hi".into() }.validate().is_ok());
    }

    #[test]
    fn live_events_keep_their_wire_format() {
        let usage = LiveEvent::Usage { memory_bytes: 1, pids: 2, cpu_ns: 3 };
        assert_eq!(serde_json::to_string(&usage).unwrap(), r#"{"event":"usage","memory_bytes":1,"pids":2,"cpu_ns":3}"#);
        let none = serde_json::to_string(&KernelState::None).unwrap();
        assert_eq!(none, r#"{"kind":"none"}"#);
        let cgroup = serde_json::to_string(&KernelState::Cgroup { controller: Controller::Memory, limit: 1, used: 2, events: 0 }).unwrap();
        assert_eq!(cgroup, r#"{"kind":"cgroup","controller":"memory","limit":1,"used":2,"events":0}"#);
    }

    #[test]
    fn capability_masks_read_as_names() {
        // Docker's default set as /proc/self/status shows it.
        let names = capability_names("00000000a80425fb");
        assert_eq!(names.len(), 14);
        assert!(names.contains(&"CAP_NET_BIND_SERVICE".to_string()) && names.contains(&"CAP_MKNOD".to_string()));
        assert!(!names.contains(&"CAP_SYS_ADMIN".to_string()));
        assert_eq!(capability_names("0000000000200000"), vec!["CAP_SYS_ADMIN"]);
        assert!(capability_names("zz").is_empty());
    }
}
