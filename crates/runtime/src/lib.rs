//! Linux container primitives for kubeplay's containers lab: what a container
//! is made of (namespaces, cgroups, chroot, overlay, capabilities), run for real
//! by `kubeplay serve` on a Linux host. Everything Linux-specific sits behind
//! `cfg(target_os = "linux")`; elsewhere the crate builds and reports that
//! nothing is available. It must not depend on the simulator or on web crates.

use serde::Serialize;

#[cfg(target_os = "linux")]
mod linux;

/// Which cgroup hierarchy the host mounts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
}

/// Looks at the host: root, cgroups, OCI runtimes.
pub fn probe() -> HostReport {
    #[cfg(target_os = "linux")]
    {
        linux::probe()
    }
    #[cfg(not(target_os = "linux"))]
    {
        HostReport { os: std::env::consts::OS.into(), root: false, cgroup: CgroupVersion::None, crun: None, runc: None, user_namespaces: false }
    }
}

/// Finds an executable on `PATH`.
pub fn which(name: &str) -> Option<String> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file()).map(|p| p.to_string_lossy().into_owned())
}

/// What happened inside a namespaced run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamespacedRun {
    /// The PID the command had inside its new PID namespace.
    pub pid_inside: i32,
    /// The hostname it saw inside its new UTS namespace.
    pub hostname_inside: String,
    /// Its exit code.
    pub exit_code: i32,
}

/// Runs a program in new PID, mount and UTS namespaces (root only) and reports
/// what it saw. Nothing is left behind: the namespaces end with the process.
pub fn run_in_namespaces(program: &str, hostname: &str) -> Result<NamespacedRun, String> {
    #[cfg(target_os = "linux")]
    {
        linux::run_in_namespaces(program, hostname)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (program, hostname);
        Err("namespaces need Linux".into())
    }
}
