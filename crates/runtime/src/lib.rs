//! Linux container primitives for kubeplay's containers lab: what a container
//! is made of (namespaces, cgroups, chroot, overlay, capabilities), run for real
//! by `kubeplay serve` on a Linux host. Everything Linux-specific sits behind
//! `cfg(target_os = "linux")`; elsewhere the crate builds and reports that
//! nothing is available. It must not depend on the simulator or on web crates.

use serde::{Deserialize, Serialize};

#[cfg(target_os = "linux")]
pub mod linux;
/// The demo allowlist and reports, shared with the simulator and the page.
pub use kubeplay_lab as demo;
pub mod spec;

pub use spec::{Accounting, Limits, Namespaces, RootFs, RunOutcome, SandboxSpec, DEFAULT_CAPS};

/// Which cgroup hierarchy the host mounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CgroupVersion {
    /// Only the legacy per-controller hierarchies.
    V1,
    /// Only the unified hierarchy.
    V2,
    /// v1 controllers plus a unified hierarchy beside them (as on this kind of host).
    Hybrid,
    /// No cgroup file system found.
    None,
}

/// What this host can show in the containers lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostReport {
    /// The operating system (`linux`, `macos`, ...).
    pub os: String,
    /// Running with effective uid 0.
    pub root: bool,
    /// The cgroup layout.
    pub cgroup: CgroupVersion,
    /// Path of `crun`, if installed.
    pub crun: Option<String>,
    /// Path of `runc`, if installed.
    pub runc: Option<String>,
    /// Whether unprivileged user namespaces are allowed.
    pub user_namespaces: bool,
    /// Whether Debian's busybox-static is installed (the lab's image).
    pub busybox: bool,
    /// Why the lab must be simulated on this host, or `None` when it can run for real.
    pub simulated_because: Option<String>,
}

impl HostReport {
    /// Fills `simulated_because` from the other fields.
    fn with_verdict(mut self) -> HostReport {
        self.simulated_because = if self.os != "linux" {
            Some(format!("the server runs on {}, and the lab needs Linux", self.os))
        } else if !self.root {
            Some("the server does not run as root".into())
        } else if self.cgroup == CgroupVersion::None {
            Some("this host mounts no cgroup file system".into())
        } else if !self.busybox {
            Some("busybox-static is not installed".into())
        } else {
            None
        };
        self
    }
}

/// Looks at the host: root, cgroups, OCI runtimes.
pub fn probe() -> HostReport {
    #[cfg(target_os = "linux")]
    {
        linux::probe().with_verdict()
    }
    #[cfg(not(target_os = "linux"))]
    {
        HostReport { os: std::env::consts::OS.into(), root: false, cgroup: CgroupVersion::None, crun: None, runc: None, user_namespaces: false, busybox: false, simulated_because: None }.with_verdict()
    }
}

/// Finds an executable on `PATH`.
pub fn which(name: &str) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()).map(|p| p.to_string_lossy().into_owned())
}
