//! What one sandboxed run is asked to do and what came of it. Portable types:
//! the spec travels as JSON from the server to its single-threaded init
//! process, and the outcome is what the lab shows.

use serde::{Deserialize, Serialize};

pub use kubeplay_lab::{Accounting, Limits, RunOutcome};
use kubeplay_lab::plan;
use std::path::PathBuf;

/// The namespaces a run gets. All on is the standard sandbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespaces {
    /// Own process tree: the command is PID 1.
    pub pid: bool,
    /// Own mount table (always needed to set up the root; kept for the report).
    pub mount: bool,
    /// Own hostname.
    pub uts: bool,
    /// Own System V IPC objects and POSIX message queues.
    pub ipc: bool,
    /// Own network stack: only a loopback device.
    pub net: bool,
    /// Own cgroup view: its cgroup looks like the root.
    pub cgroup: bool,
    /// A user namespace in which the command is root while it is `nobody` (65534) outside.
    pub user: bool,
}

impl Namespaces {
    /// Every namespace but the user namespace (the standard sandbox).
    pub const STANDARD: Namespaces = Namespaces { pid: true, mount: true, uts: true, ipc: true, net: true, cgroup: true, user: false };
}

/// The root file system a run sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RootFs {
    /// A throwaway overlay: `lower` directories (top first) under a fresh tmpfs upper layer,
    /// entered with `pivot_root`. Writes vanish with the run.
    Overlay {
        /// Read-only layers, top first.
        lower: Vec<PathBuf>,
    },
    /// An overlay whose upper and work directories are kept at the given host paths
    /// (inside `base`), so the lab can show what the container wrote.
    OverlayKeep {
        /// Read-only layers, top first.
        lower: Vec<PathBuf>,
        /// The container layer.
        upper: PathBuf,
        /// Overlayfs' work directory (same file system as `upper`).
        work: PathBuf,
    },
    /// A plain `chroot` into a directory bind-mounted read-only (the jail demo); the
    /// mount namespace still hides everything the jail does not contain.
    Chroot {
        /// The jail directory.
        dir: PathBuf,
    },
}

/// One sandboxed run: the command and every limit around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxSpec {
    /// The program and its arguments (resolved inside the root).
    pub argv: Vec<String>,
    /// The environment, replacing the server's entirely.
    pub env: Vec<(String, String)>,
    /// The hostname inside the UTS namespace.
    pub hostname: String,
    /// Which namespaces to create.
    pub namespaces: Namespaces,
    /// A network namespace to join (a path under `/run/netns`, made by the server) instead of a new one.
    pub join_net: Option<PathBuf>,
    /// The root file system.
    pub root: RootFs,
    /// cgroup limits.
    pub limits: Limits,
    /// Capabilities kept (names like `CAP_NET_BIND_SERVICE`); all others are dropped from every set.
    pub keep_caps: Vec<String>,
    /// Whether the seccomp deny-list is installed.
    pub seccomp: bool,
    /// System calls taken off the deny-list for this run (a demo that shows a capability's own effect).
    pub seccomp_allow: Vec<String>,
    /// Wall-clock limit in milliseconds; then everything in the run's cgroup is killed.
    pub timeout_ms: u64,
    /// Most output bytes kept; the rest is counted and dropped.
    pub output_cap: usize,
}

/// The capabilities the standard sandbox keeps (shared with the simulated lab).
pub use kubeplay_lab::plan::DEFAULT_CAPS;

impl SandboxSpec {
    /// The standard sandbox around `argv` in a throwaway overlay of `lower`.
    pub fn standard(argv: &[&str], lower: Vec<PathBuf>) -> SandboxSpec {
        SandboxSpec {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            env: plan::ENV.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            hostname: plan::HOSTNAME.into(),
            namespaces: Namespaces::STANDARD,
            join_net: None,
            root: RootFs::Overlay { lower },
            limits: Limits::default(),
            keep_caps: DEFAULT_CAPS.iter().map(|s| s.to_string()).collect(),
            seccomp: true,
            seccomp_allow: Vec::new(),
            timeout_ms: plan::TIMEOUT_MS,
            output_cap: plan::OUTPUT_CAP,
        }
    }
}

