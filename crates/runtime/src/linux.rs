//! The Linux implementations behind the crate's portable API.

use crate::{which, CgroupVersion, HostReport, NamespacedRun};
use nix::mount::{mount, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult};
use std::ffi::CString;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, IntoRawFd};
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
    }
}

/// Writes a small report from the child to the parent over a pipe, then execs.
fn child(program: &CString, hostname: &str, mut report: std::fs::File) -> ! {
    let code = (|| -> Result<(), String> {
        // Our own copy of the mount table: nothing we mount leaks to the host.
        mount(None::<&str>, "/", None::<&str>, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None::<&str>).map_err(|e| format!("make / private: {e}"))?;
        nix::unistd::sethostname(hostname).map_err(|e| format!("sethostname: {e}"))?;
        let pid = nix::unistd::getpid().as_raw();
        let name = nix::unistd::gethostname().map_err(|e| e.to_string())?.to_string_lossy().into_owned();
        let _ = writeln!(report, "{pid} {name}");
        drop(report);
        let _ = nix::unistd::execv(program, &[program.as_c_str()]);
        Err("exec failed".into())
    })();
    if let Err(e) = code {
        eprintln!("kubeplay-runtime: {e}");
    }
    // SAFETY: _exit is async-signal-safe and ends the forked child without running the parent's destructors.
    unsafe { nix::libc::_exit(127) }
}

pub(crate) fn run_in_namespaces(program: &str, hostname: &str) -> Result<NamespacedRun, String> {
    if !nix::unistd::geteuid().is_root() {
        return Err("new namespaces need root".into());
    }
    let program_c = CString::new(program).map_err(|_| "program path contains a NUL byte".to_string())?;
    let (read_fd, write_fd) = nix::unistd::pipe().map_err(|e| e.to_string())?;
    // Fork first so the caller (perhaps a multi-threaded server) never changes its own namespaces.
    // SAFETY: the child only calls async-signal-safe functions (unshare, fork, waitpid, _exit) before exec or exit.
    match unsafe { fork() }.map_err(|e| e.to_string())? {
        ForkResult::Child => {
            drop(read_fd);
            let write = unsafe { std::fs::File::from_raw_fd(write_fd.into_raw_fd()) };
            if unshare(CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUTS).is_err() {
                unsafe { nix::libc::_exit(126) }
            }
            // The first child of an unshare(CLONE_NEWPID) caller is PID 1 of the new namespace.
            match unsafe { fork() } {
                Ok(ForkResult::Child) => child(&program_c, hostname, write),
                Ok(ForkResult::Parent { child }) => {
                    drop(write);
                    let code = match waitpid(child, None) {
                        Ok(WaitStatus::Exited(_, c)) => c,
                        Ok(WaitStatus::Signaled(_, sig, _)) => 128 + sig as i32,
                        _ => 125,
                    };
                    unsafe { nix::libc::_exit(code) }
                }
                Err(_) => unsafe { nix::libc::_exit(125) },
            }
        }
        ForkResult::Parent { child } => {
            drop(write_fd);
            let mut text = String::new();
            let mut read = std::fs::File::from(read_fd);
            let _ = read.read_to_string(&mut text);
            let exit_code = match waitpid(child, None).map_err(|e| e.to_string())? {
                WaitStatus::Exited(_, c) => c,
                WaitStatus::Signaled(_, sig, _) => 128 + sig as i32,
                other => return Err(format!("unexpected wait status {other:?}")),
            };
            let mut parts = text.split_whitespace();
            let pid_inside = parts.next().and_then(|p| p.parse().ok()).ok_or_else(|| format!("the child reported nothing (exit code {exit_code})"))?;
            let hostname_inside = parts.next().unwrap_or("").to_string();
            Ok(NamespacedRun { pid_inside, hostname_inside, exit_code })
        }
    }
}
