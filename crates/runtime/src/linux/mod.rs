//! The Linux implementations behind the crate's portable API.

pub mod init;
pub mod oci;
mod output;
pub mod cgroup;
pub mod demos;
pub mod rootfs;
pub mod sandbox;
pub mod seccomp;

use crate::{which, CgroupVersion, HostReport};
use std::path::Path;

fn cgroup_version() -> CgroupVersion {
    let root = Path::new("/sys/fs/cgroup");
    if root.join("cgroup.controllers").exists() {
        return CgroupVersion::V2;
    }
    let v1 = ["memory", "cpu", "pids"].iter().any(|c| root.join(c).is_dir());
    match (v1, root.join("unified").join("cgroup.controllers").exists()) {
        (true, true) => CgroupVersion::Hybrid,
        (true, false) => CgroupVersion::V1,
        (false, true) => CgroupVersion::V2,
        (false, false) => CgroupVersion::None,
    }
}

pub(crate) fn probe() -> HostReport {
    let userns = std::fs::read_to_string("/proc/sys/user/max_user_namespaces").map(|s| s.trim() != "0").unwrap_or(false)
        && std::fs::read_to_string("/proc/sys/kernel/unprivileged_userns_clone").map(|s| s.trim() != "0").unwrap_or(true);
    HostReport {
        os: "linux".into(),
        root: nix::unistd::geteuid().is_root(),
        cgroup: cgroup_version(),
        crun: which("crun"),
        runc: which("runc"),
        user_namespaces: userns,
        busybox: Path::new(rootfs::BUSYBOX).is_file(),
        simulated_because: None,
    }
}
