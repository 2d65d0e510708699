//! The sandbox's init side, run in a fresh single-threaded process (the server
//! re-executes itself with [`INIT_ARG`] before it starts any thread). It reads
//! the request from stdin, makes the namespaces, and forks the command's
//! process, which becomes PID 1 of the new PID namespace, builds its root,
//! drops privileges and executes the command. The init process stays outside
//! and relays the command's end: its exit code, or the signal that killed it.
//! Every mount is made inside the new mount namespace and ends with it.

use crate::linux::seccomp;
use crate::spec::{RootFs, SandboxSpec};
use nix::libc;
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::prctl;
use nix::sys::signal::{kill, Signal};
use nix::sys::stat::{makedev, mknod, umask, Mode, SFlag};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{chdir, chroot, fork, pivot_root, ForkResult, Gid, Uid};
use serde::{Deserialize, Serialize};
use std::ffi::CString;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// The first argument that turns the server binary into the sandbox's init.
pub const INIT_ARG: &str = "__kubeplay_sandbox_init";

/// Exit code of a run whose sandbox could not be set up (the output says why).
pub const SETUP_FAILED: i32 = 125;

/// What the parent sends the init process on its stdin, as one JSON line.
#[derive(Debug, Serialize, Deserialize)]
pub struct InitRequest {
    /// The run.
    pub spec: SandboxSpec,
    /// An empty host directory used only as a mount point inside the new mount namespace.
    pub stage: PathBuf,
}

/// Becomes the sandbox's init when the process was started with [`INIT_ARG`];
/// returns otherwise. Call it first thing in `main`, before any thread starts.
pub fn main_if_requested() {
    if std::env::args().nth(1).as_deref() == Some(INIT_ARG) {
        let code = init();
        std::process::exit(code);
    }
}

fn fail(step: &str, error: impl std::fmt::Display) -> String {
    format!("sandbox: {step}: {error}")
}

fn init() -> i32 {
    let _ = prctl::set_pdeathsig(Signal::SIGKILL);
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return SETUP_FAILED;
    }
    let request: InitRequest = match serde_json::from_str(&line) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}", fail("request", e));
            return SETUP_FAILED;
        }
    };
    let ns = request.spec.namespaces;
    let mut flags = CloneFlags::CLONE_NEWNS;
    for (on, flag) in [(ns.pid, CloneFlags::CLONE_NEWPID), (ns.uts, CloneFlags::CLONE_NEWUTS), (ns.ipc, CloneFlags::CLONE_NEWIPC), (ns.net, CloneFlags::CLONE_NEWNET), (ns.cgroup, CloneFlags::CLONE_NEWCGROUP)] {
        if on {
            flags |= flag;
        }
    }
    if let Some(path) = &request.spec.join_net {
        flags.remove(CloneFlags::CLONE_NEWNET);
        let joined = std::fs::File::open(path).map_err(|e| e.to_string()).and_then(|f| nix::sched::setns(f, CloneFlags::CLONE_NEWNET).map_err(|e| e.to_string()));
        if let Err(e) = joined {
            eprintln!("{}", fail(&format!("join {}", path.display()), e));
            return SETUP_FAILED;
        }
    }
    if let Err(e) = unshare(flags) {
        eprintln!("{}", fail("unshare", e));
        return SETUP_FAILED;
    }
    // SAFETY: this process is single-threaded (it was started for this purpose and dispatched before any thread).
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            let error = pid1(&request);
            eprintln!("{error}");
            let _ = std::io::stderr().flush();
            // SAFETY: ends the child at once; it shares no state that needs unwinding.
            unsafe { libc::_exit(if error.contains(": exec ") { 127 } else { SETUP_FAILED }) }
        }
        Ok(ForkResult::Parent { child }) => loop {
            match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, code)) => return code,
                Ok(WaitStatus::Signaled(_, signal, _)) => {
                    // Relay the signal itself, so the parent sees how the command ended.
                    let _ = nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
                    // SAFETY: restores the default action for a signal in a single-threaded process.
                    let _ = unsafe { nix::sys::signal::signal(signal, nix::sys::signal::SigHandler::SigDfl) };
                    let _ = kill(nix::unistd::getpid(), signal);
                    return 128 + signal as i32;
                }
                Ok(_) => continue,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => {
                    eprintln!("{}", fail("wait", e));
                    return SETUP_FAILED;
                }
            }
        },
        Err(e) => {
            eprintln!("{}", fail("fork", e));
            SETUP_FAILED
        }
    }
}

fn mount_fs(source: &str, target: &Path, fstype: &str, flags: MsFlags, data: Option<&str>) -> Result<(), String> {
    mount(Some(source), target, Some(fstype), flags, data).map_err(|e| fail(&format!("mount {fstype} on {}", target.display()), e))
}

fn bind_read_only(source: &Path, target: &Path) -> Result<(), String> {
    mount(Some(source), target, None::<&str>, MsFlags::MS_BIND | MsFlags::MS_REC, None::<&str>).map_err(|e| fail(&format!("bind {}", target.display()), e))?;
    let ro = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    mount(None::<&str>, target, None::<&str>, ro, None::<&str>).map_err(|e| fail(&format!("read-only {}", target.display()), e))
}

fn make_dir(path: &Path) -> Result<(), String> {
    std::fs::create_dir_all(path).map_err(|e| fail(&format!("mkdir {}", path.display()), e))
}

/// Runs as PID 1 of the new namespaces: root, devices, hostname, privileges, exec.
fn pid1(request: &InitRequest) -> String {
    let spec = &request.spec;
    let _ = prctl::set_pdeathsig(Signal::SIGKILL);
    umask(Mode::empty());
    if let Err(e) = mount(None::<&str>, "/", None::<&str>, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None::<&str>) {
        return fail("make / private", e);
    }
    let stage = &request.stage;
    if let Err(e) = mount_fs("tmpfs", stage, "tmpfs", MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some("size=64m,mode=755")) {
        return e;
    }
    let entered = match &spec.root {
        RootFs::Overlay { lower } => enter_overlay(stage, lower, &stage.join("upper"), &stage.join("work"), spec.namespaces.net),
        RootFs::OverlayKeep { lower, upper, work } => enter_overlay(stage, lower, upper, work, spec.namespaces.net),
        RootFs::Chroot { dir } => enter_chroot(stage, dir),
    };
    if let Err(e) = entered {
        return e;
    }
    if spec.namespaces.uts {
        if let Err(e) = nix::unistd::sethostname(&spec.hostname) {
            return fail("sethostname", e);
        }
    }
    if spec.namespaces.net {
        if let Err(e) = loopback_up() {
            return e;
        }
    }
    if let Err(e) = limit_resources().and_then(|_| drop_privileges(spec)) {
        return e;
    }
    exec(spec)
}

/// Mounts the overlay under the stage and makes it the root with `pivot_root`.
fn enter_overlay(stage: &Path, lower: &[PathBuf], upper: &Path, work: &Path, own_net: bool) -> Result<(), String> {
    let merged = stage.join("merged");
    for d in [upper, work, merged.as_path()] {
        make_dir(d)?;
    }
    let lowers: Vec<String> = lower.iter().map(|p| p.display().to_string()).collect();
    let data = format!("lowerdir={},upperdir={},workdir={}", lowers.join(":"), upper.display(), work.display());
    mount_fs("overlay", &merged, "overlay", MsFlags::empty(), Some(&data))?;
    for d in ["proc", "dev", "sys", "tmp", ".oldroot"] {
        make_dir(&merged.join(d))?;
    }
    let quiet = MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC;
    mount_fs("proc", &merged.join("proc"), "proc", quiet, None)?;
    mount_fs("tmpfs", &merged.join("dev"), "tmpfs", MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC, Some("size=64k,mode=755"))?;
    make_devices(&merged.join("dev"))?;
    // sysfs shows the run's own network devices when it has its own network namespace.
    let sys = if own_net { mount_fs("sysfs", &merged.join("sys"), "sysfs", quiet | MsFlags::MS_RDONLY, None) } else { Err(String::new()) };
    if sys.is_err() {
        mount_fs("tmpfs", &merged.join("sys"), "tmpfs", quiet | MsFlags::MS_RDONLY, Some("size=4k"))?;
    }
    chdir(&merged).map_err(|e| fail("chdir", e))?;
    pivot_root(".", ".oldroot").map_err(|e| fail("pivot_root", e))?;
    chdir("/").map_err(|e| fail("chdir /", e))?;
    umount2("/.oldroot", MntFlags::MNT_DETACH).map_err(|e| fail("detach the old root", e))?;
    let _ = std::fs::remove_dir("/.oldroot");
    protect_proc()
}

/// Binds the jail read-only under the stage and `chroot`s into it.
fn enter_chroot(stage: &Path, dir: &Path) -> Result<(), String> {
    let jail = stage.join("jail");
    make_dir(&jail)?;
    bind_read_only(dir, &jail)?;
    chroot(&jail).map_err(|e| fail("chroot", e))?;
    chdir("/").map_err(|e| fail("chdir /", e))
}

/// The device nodes a container gets: its own inodes on its own tmpfs, never the host's.
fn make_devices(dev: &Path) -> Result<(), String> {
    for (name, major, minor) in [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)] {
        let path = dev.join(name);
        mknod(&path, SFlag::S_IFCHR, Mode::from_bits_truncate(0o666), makedev(major, minor)).map_err(|e| fail(&format!("mknod {}", path.display()), e))?;
    }
    for (name, target) in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")] {
        std::os::unix::fs::symlink(target, dev.join(name)).map_err(|e| fail("symlink in /dev", e))?;
    }
    make_dir(&dev.join("shm"))
}

/// Hides kernel files a container must not read and makes kernel settings read-only,
/// so that even a process holding a capability cannot change the host through /proc.
fn protect_proc() -> Result<(), String> {
    for file in ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats"] {
        if Path::new(file).is_file() {
            mount(Some("/dev/null"), file, None::<&str>, MsFlags::MS_BIND, None::<&str>).map_err(|e| fail(&format!("mask {file}"), e))?;
        }
    }
    for dir in ["/proc/acpi", "/proc/scsi"] {
        if Path::new(dir).is_dir() {
            mount_fs("tmpfs", Path::new(dir), "tmpfs", MsFlags::MS_RDONLY, Some("size=4k"))?;
        }
    }
    for path in ["/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs"] {
        if Path::new(path).exists() {
            bind_read_only(Path::new(path), Path::new(path))?;
        }
    }
    Ok(())
}

/// Brings the loopback device of the new network namespace up.
fn loopback_up() -> Result<(), String> {
    // SAFETY: plain socket and ioctl calls on a zeroed ifreq naming "lo"; the descriptor is closed below.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(fail("socket", nix::errno::Errno::last()));
        }
        let mut request: libc::ifreq = std::mem::zeroed();
        for (slot, byte) in request.ifr_name.iter_mut().zip(b"lo\0") {
            *slot = *byte as libc::c_char;
        }
        let mut result = libc::ioctl(fd, libc::SIOCGIFFLAGS as _, &mut request);
        if result == 0 {
            request.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            result = libc::ioctl(fd, libc::SIOCSIFFLAGS as _, &request);
        }
        let error = nix::errno::Errno::last();
        libc::close(fd);
        if result != 0 {
            return Err(fail("bring lo up", error));
        }
    }
    Ok(())
}

fn limit_resources() -> Result<(), String> {
    use nix::sys::resource::{setrlimit, Resource};
    for (resource, limit) in [(Resource::RLIMIT_NOFILE, 256), (Resource::RLIMIT_FSIZE, 64 << 20), (Resource::RLIMIT_CORE, 0)] {
        setrlimit(resource, limit, limit).map_err(|e| fail("setrlimit", e))?;
    }
    Ok(())
}

fn capability_set(names: &[String]) -> Result<caps::CapsHashSet, String> {
    names.iter().map(|n| n.parse::<caps::Capability>().map_err(|_| fail("capabilities", format!("unknown capability {n}")))).collect()
}

/// Narrows the bounding set to the kept capabilities, then either becomes
/// `nobody` inside a user namespace of its own (where it is root) or narrows
/// the other sets; then `no_new_privs` and the seccomp filter.
fn drop_privileges(spec: &SandboxSpec) -> Result<(), String> {
    let keep = capability_set(&spec.keep_caps)?;
    for cap in caps::all().difference(&keep) {
        caps::drop(None, caps::CapSet::Bounding, *cap).map_err(|e| fail("drop from the bounding set", e))?;
    }
    caps::clear(None, caps::CapSet::Ambient).map_err(|e| fail("clear ambient capabilities", e))?;
    if spec.namespaces.user {
        enter_user_namespace()?;
    } else {
        for set in [caps::CapSet::Effective, caps::CapSet::Permitted, caps::CapSet::Inheritable] {
            caps::set(None, set, &keep).map_err(|e| fail("set capabilities", e))?;
        }
    }
    prctl::set_no_new_privs().map_err(|e| fail("no_new_privs", e))?;
    if spec.seccomp {
        seccomp::install(&spec.seccomp_allow)?;
    }
    Ok(())
}

/// Becomes `nobody` (65534) on the host, then root of a new user namespace that maps only that id.
fn enter_user_namespace() -> Result<(), String> {
    let nobody = 65534;
    nix::unistd::setgroups(&[]).map_err(|e| fail("setgroups", e))?;
    nix::unistd::setresgid(Gid::from_raw(nobody), Gid::from_raw(nobody), Gid::from_raw(nobody)).map_err(|e| fail("setresgid", e))?;
    nix::unistd::setresuid(Uid::from_raw(nobody), Uid::from_raw(nobody), Uid::from_raw(nobody)).map_err(|e| fail("setresuid", e))?;
    // Changing uid made the process non-dumpable, which hands its /proc files to root; take them back.
    prctl::set_dumpable(true).map_err(|e| fail("set dumpable", e))?;
    unshare(CloneFlags::CLONE_NEWUSER).map_err(|e| fail("unshare user namespace", e))?;
    for (file, text) in [("/proc/self/setgroups", "deny".to_string()), ("/proc/self/uid_map", format!("0 {nobody} 1")), ("/proc/self/gid_map", format!("0 {nobody} 1"))] {
        std::fs::write(file, text).map_err(|e| fail(&format!("write {file}"), e))?;
    }
    Ok(())
}

/// Finds the program on the run's PATH inside its root and executes it with the run's environment.
fn exec(spec: &SandboxSpec) -> String {
    let Some(program) = spec.argv.first() else {
        return fail("exec", "no command");
    };
    let path_var = spec.env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_str()).unwrap_or("/bin:/usr/bin");
    let resolved = if program.contains('/') {
        PathBuf::from(program)
    } else {
        match path_var.split(':').map(|d| Path::new(d).join(program)).find(|p| p.is_file()) {
            Some(p) => p,
            None => return format!("sandbox: exec {program}: not found"),
        }
    };
    let to_c = |s: &str| CString::new(s).map_err(|_| fail("exec", "a NUL byte in the command"));
    let built = (|| -> Result<(CString, Vec<CString>, Vec<CString>), String> {
        let path = to_c(&resolved.to_string_lossy())?;
        let argv = spec.argv.iter().map(|a| to_c(a)).collect::<Result<Vec<_>, _>>()?;
        let env = spec.env.iter().map(|(k, v)| to_c(&format!("{k}={v}"))).collect::<Result<Vec<_>, _>>()?;
        Ok((path, argv, env))
    })();
    match built {
        Ok((path, argv, env)) => match nix::unistd::execve(&path, &argv, &env) {
            Err(e) => format!("sandbox: exec {program}: {e}"),
            Ok(never) => match never {},
        },
        Err(e) => e,
    }
}
