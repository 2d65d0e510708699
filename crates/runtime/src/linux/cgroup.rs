//! A small cgroupfs client. One run's processes go into a fresh cgroup,
//! `<our own cgroup>/kubeplay/<name>`, with memory, pids and CPU limits; when the
//! run ends we read the kernel's accounting, kill whatever is left and remove the
//! group. Hybrid hosts use their v1 controllers; pure v2 hosts the unified tree.

use crate::spec::{Accounting, Limits};
use nix::sys::signal::{kill, Signal};
use nix::sys::statfs::{statfs, CGROUP2_SUPER_MAGIC, CGROUP_SUPER_MAGIC};
use nix::unistd::Pid;
use std::collections::BTreeSet;
use std::fmt::Display;
use std::fs;
use std::io::{Error, ErrorKind, Result};
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The v1 controllers a group is made in. Not cpuset: its children need the parent's cpus and mems copied.
const V1_CONTROLLERS: [&str; 6] = ["memory", "pids", "cpu", "cpuacct", "devices", "freezer"];
/// Device nodes a v1 group may still use once all are denied: null, zero, full, random, urandom, tty, ptmx, pts.
const ALLOWED_DEVICES: [&str; 8] = ["c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm"];
/// The directory under our own cgroup that holds every group we make.
const PARENT: &str = "kubeplay";
/// How long `kill_all` keeps killing before it gives up.
const KILL_PATIENCE: Duration = Duration::from_secs(2);
/// `rmdir` attempts, and the pause between them while dying tasks leave.
const RMDIR_TRIES: u32 = 40;
const RMDIR_PAUSE: Duration = Duration::from_millis(25);

/// Where cgroup files live: one directory per v1 controller, or one v2 directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hierarchy {
    /// Legacy hierarchies (also used on hybrid hosts).
    V1 {
        /// Each controller (e.g. `memory`) with the cgroup's directory in that controller's mount.
        controllers: Vec<(String, PathBuf)>,
    },
    /// The unified hierarchy.
    V2 {
        /// The cgroup's directory, e.g. `/sys/fs/cgroup/<own path>`.
        dir: PathBuf,
    },
}

impl Hierarchy {
    /// The same layout one level down, in the subdirectory `sub`.
    fn child(&self, sub: &str) -> Hierarchy {
        match self {
            Hierarchy::V1 { controllers } => Hierarchy::V1 { controllers: controllers.iter().map(|(c, d)| (c.clone(), d.join(sub))).collect() },
            Hierarchy::V2 { dir } => Hierarchy::V2 { dir: dir.join(sub) },
        }
    }

    /// Every distinct directory (comounted controllers such as `cpu,cpuacct` share one).
    fn dirs(&self) -> Vec<&Path> {
        match self {
            Hierarchy::V1 { controllers } => {
                let mut dirs: Vec<&Path> = controllers.iter().map(|(_, d)| d.as_path()).collect();
                dirs.sort();
                dirs.dedup();
                dirs
            }
            Hierarchy::V2 { dir } => vec![dir],
        }
    }

    /// The directory holding `controller`'s files (on v2 the only directory).
    fn dir_of(&self, controller: &str) -> Option<&Path> {
        match self {
            Hierarchy::V1 { controllers } => controllers.iter().find(|(c, _)| c == controller).map(|(_, d)| d.as_path()),
            Hierarchy::V2 { dir } => Some(dir),
        }
    }
}

/// Our own cgroup, under whose `kubeplay/` directory every new group is made.
#[derive(Clone, Debug)]
pub struct CgroupRoot {
    own: Hierarchy,
}

impl CgroupRoot {
    /// Finds our own cgroup from `/proc/self/mountinfo` and `/proc/self/cgroup`.
    /// On hybrid hosts the v1 controllers are used and the unified mount is ignored.
    pub fn detect() -> Result<CgroupRoot> {
        CgroupRoot::from_proc(&fs::read_to_string("/proc/self/mountinfo")?, &fs::read_to_string("/proc/self/cgroup")?)
    }

    /// Same as [`CgroupRoot::detect`], from the texts of those two files.
    pub fn from_proc(mountinfo: &str, proc_self_cgroup: &str) -> Result<CgroupRoot> {
        let mounts: Vec<Mount> = mountinfo.lines().filter_map(Mount::parse).collect();
        // Each line is `id:controllers:path`; v2's has id 0 and no controllers.
        let memberships: Vec<(&str, Vec<&str>, &str)> = proc_self_cgroup
            .lines()
            .filter_map(|line| {
                let mut parts = line.splitn(3, ':');
                let (id, list, path) = (parts.next()?, parts.next()?, parts.next()?);
                Some((id, list.split(',').filter(|c| !c.is_empty()).collect(), path))
            })
            .collect();
        let mut controllers = Vec::new();
        for controller in V1_CONTROLLERS {
            let Some((_, _, path)) = memberships.iter().find(|(_, list, _)| list.contains(&controller)) else { continue };
            let dir = mounts.iter().filter(|m| m.fstype == "cgroup" && m.options.iter().any(|o| o == controller)).find_map(|m| m.locate(path));
            if let Some(dir) = dir {
                controllers.push((controller.to_string(), dir));
            }
        }
        if !controllers.is_empty() {
            return Ok(CgroupRoot { own: Hierarchy::V1 { controllers } });
        }
        let unified = memberships.iter().find(|(id, list, _)| *id == "0" && list.is_empty());
        let dir = unified.and_then(|(_, _, path)| mounts.iter().filter(|m| m.fstype == "cgroup2").find_map(|m| m.locate(path)));
        dir.map(|dir| CgroupRoot { own: Hierarchy::V2 { dir } })
            .ok_or_else(|| Error::new(ErrorKind::NotFound, "no usable cgroup hierarchy is mounted"))
    }

    /// A root at explicit directories (tests use a fake tree).
    pub fn at(hierarchy: Hierarchy) -> CgroupRoot {
        CgroupRoot { own: hierarchy }
    }

    /// Our own cgroup's directories.
    pub fn hierarchy(&self) -> &Hierarchy {
        &self.own
    }

    /// Makes `kubeplay/<name>` (`name` matching `[a-z0-9-]{1,64}`) and writes `limits` into it.
    /// If a limit cannot be written the group is removed again and the error returned.
    pub fn create(&self, name: &str, limits: &Limits) -> Result<Cgroup> {
        if !valid_name(name) {
            return Err(Error::new(ErrorKind::InvalidInput, format!("bad cgroup name {name:?}: want [a-z0-9-]{{1,64}}")));
        }
        let parent = self.own.child(PARENT);
        enable_v2_controllers(&self.own);
        for dir in parent.dirs() {
            fs::create_dir_all(dir).map_err(|e| at_path(e, dir))?;
        }
        enable_v2_controllers(&parent);
        // Built before the directories exist so that any failure below removes what was made.
        let group = Cgroup { name: name.to_string(), dirs: parent.child(name), removed: false };
        for dir in group.dirs.dirs() {
            fs::create_dir_all(dir).map_err(|e| at_path(e, dir))?;
        }
        match &group.dirs {
            Hierarchy::V1 { .. } => group.limit_v1(limits)?,
            Hierarchy::V2 { dir } => limit_v2(dir, limits)?,
        }
        Ok(group)
    }

    /// Kills the processes of, and removes, every existing `kubeplay/<name>` for which
    /// `is_stale(name)` holds. Returns how many groups were removed.
    pub fn sweep(&self, is_stale: impl Fn(&str) -> bool) -> Result<usize> {
        let parent = self.own.child(PARENT);
        let mut names = BTreeSet::new();
        for dir in parent.dirs() {
            let subdirs = subdirectories(dir).into_iter().filter_map(|d| Some(d.file_name()?.to_str()?.to_string()));
            names.extend(subdirs.filter(|n| valid_name(n)));
        }
        let (mut removed, mut failure) = (0, None);
        for name in names.into_iter().filter(|n| is_stale(n)) {
            let group = Cgroup { dirs: parent.child(&name), name, removed: false };
            match group.remove() {
                Ok(()) => removed += 1,
                Err(e) => failure = Some(e),
            }
        }
        failure.map_or(Ok(removed), Err)
    }
}

/// One run's cgroup. Dropping it removes it (best effort); [`Cgroup::remove`] reports errors.
#[derive(Debug)]
pub struct Cgroup {
    name: String,
    dirs: Hierarchy,
    removed: bool,
}

impl Cgroup {
    /// The group's name (its directory under `kubeplay/`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Moves process `pid` into the group, in every hierarchy.
    pub fn add(&self, pid: i32) -> Result<()> {
        self.dirs.dirs().into_iter().try_for_each(|dir| write_value(dir, "cgroup.procs", pid))
    }

    /// The processes in the group and any cgroups beneath it (v1: per the pids or memory controller).
    pub fn pids(&self) -> Vec<i32> {
        let dir = self.dirs.dir_of("pids").or_else(|| self.dirs.dir_of("memory")).or_else(|| self.dirs.dirs().first().copied());
        dir.map(pids_below).unwrap_or_default()
    }

    /// SIGKILLs everything in the group until it is empty, giving up after about two seconds.
    /// v1 freezes the group first (if the freezer is mounted) so forks cannot race the kill;
    /// v2 uses `cgroup.kill` where the kernel has it.
    pub fn kill_all(&self) {
        let deadline = Instant::now() + KILL_PATIENCE;
        match &self.dirs {
            Hierarchy::V1 { .. } => {
                if let Some(freezer) = self.dirs.dir_of("freezer") {
                    let state = freezer.join("freezer.state");
                    if fs::write(&state, "FROZEN").is_ok() {
                        let frozen_by = Instant::now() + KILL_PATIENCE / 4;
                        while fs::read_to_string(&state).is_ok_and(|s| s.trim() != "FROZEN") && Instant::now() < frozen_by {
                            sleep(Duration::from_millis(5));
                        }
                        self.signal_all();
                        let _ = fs::write(&state, "THAWED");
                    }
                }
            }
            Hierarchy::V2 { dir } if dir.join("cgroup.kill").exists() => {
                let _ = fs::write(dir.join("cgroup.kill"), "1");
            }
            Hierarchy::V2 { .. } => {}
        }
        while self.signal_all() > 0 && Instant::now() < deadline {
            sleep(Duration::from_millis(10));
        }
    }

    /// Sends SIGKILL to every process in the group; returns how many there were.
    fn signal_all(&self) -> usize {
        let pids = self.pids();
        for &pid in &pids {
            let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        pids.len()
    }

    /// The kernel's counters for the group; a missing file counts as 0.
    pub fn accounting(&self) -> Accounting {
        let read = |controller: &str, file: &str| self.dirs.dir_of(controller).and_then(|d| fs::read_to_string(d.join(file)).ok()).unwrap_or_default();
        let cpu_stat = read("cpu", "cpu.stat");
        let stat = |key: &str| value_of(&cpu_stat, key);
        match &self.dirs {
            Hierarchy::V1 { .. } => Accounting {
                memory_max_usage: number(&read("memory", "memory.max_usage_in_bytes")),
                oom_kills: value_of(&read("memory", "memory.oom_control"), "oom_kill"),
                pids_limit_hits: value_of(&read("pids", "pids.events"), "max"),
                cpu_usage_ns: number(&read("cpuacct", "cpuacct.usage")),
                cpu_nr_periods: stat("nr_periods"),
                cpu_nr_throttled: stat("nr_throttled"),
                cpu_throttled_ns: stat("throttled_time"),
            },
            Hierarchy::V2 { .. } => Accounting {
                memory_max_usage: number(&read("memory", "memory.peak")),
                oom_kills: value_of(&read("memory", "memory.events"), "oom_kill"),
                pids_limit_hits: value_of(&read("pids", "pids.events"), "max"),
                cpu_usage_ns: stat("usage_usec").saturating_mul(1000),
                cpu_nr_periods: stat("nr_periods"),
                cpu_nr_throttled: stat("nr_throttled"),
                cpu_throttled_ns: stat("throttled_usec").saturating_mul(1000),
            },
        }
    }

    /// What the group uses now: (memory bytes, processes, CPU nanoseconds).
    pub fn usage(&self) -> (u64, u64, u64) {
        let read = |controller: &str, file: &str| self.dirs.dir_of(controller).and_then(|d| fs::read_to_string(d.join(file)).ok()).unwrap_or_default();
        let pids = number(&read("pids", "pids.current"));
        match &self.dirs {
            Hierarchy::V1 { .. } => (number(&read("memory", "memory.usage_in_bytes")), pids, number(&read("cpuacct", "cpuacct.usage"))),
            Hierarchy::V2 { .. } => (number(&read("memory", "memory.current")), pids, value_of(&read("cpu", "cpu.stat"), "usage_usec").saturating_mul(1000)),
        }
    }

    /// Kills everything in the group, then removes its directories (retrying while dying tasks leave).
    pub fn remove(mut self) -> Result<()> {
        self.remove_now()
    }

    fn remove_now(&mut self) -> Result<()> {
        self.removed = true;
        self.kill_all();
        // Try every directory, then report the first failure.
        let results: Vec<Result<()>> = self.dirs.dirs().into_iter().map(remove_dir).collect();
        results.into_iter().collect()
    }

    /// v1 limits: memory (and memory+swap where accounted), pids, CFS quota, and devices if mounted.
    fn limit_v1(&self, limits: &Limits) -> Result<()> {
        let needed = |controller: &str| {
            self.dirs.dir_of(controller).ok_or_else(|| Error::new(ErrorKind::NotFound, format!("the v1 {controller} controller is not mounted")))
        };
        let memory = needed("memory")?;
        // memory first: memory+swap may never be set below it.
        write_value(memory, "memory.limit_in_bytes", limits.memory_bytes)?;
        if memory.join("memory.memsw.limit_in_bytes").exists() {
            write_value(memory, "memory.memsw.limit_in_bytes", limits.memory_bytes)?;
        }
        if memory.join("memory.swappiness").exists() {
            let _ = write_value(memory, "memory.swappiness", 0);
        }
        write_value(needed("pids")?, "pids.max", limits.pids_max)?;
        let cpu = needed("cpu")?;
        write_value(cpu, "cpu.cfs_period_us", limits.cpu_period_us)?;
        write_value(cpu, "cpu.cfs_quota_us", limits.cpu_quota_us.map_or(-1, |q| q as i64))?;
        if let Some(devices) = self.dirs.dir_of("devices") {
            write_value(devices, "devices.deny", "a")?;
            ALLOWED_DEVICES.iter().try_for_each(|rule| write_value(devices, "devices.allow", rule))?;
        }
        Ok(())
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        if !self.removed {
            let _ = self.remove_now();
        }
    }
}

/// v2 limits: memory with no swap, pids, and `cpu.max`.
fn limit_v2(dir: &Path, limits: &Limits) -> Result<()> {
    write_value(dir, "memory.max", limits.memory_bytes)?;
    if dir.join("memory.swap.max").exists() {
        write_value(dir, "memory.swap.max", 0)?;
    }
    write_value(dir, "pids.max", limits.pids_max)?;
    let quota = limits.cpu_quota_us.map_or("max".to_string(), |q| q.to_string());
    write_value(dir, "cpu.max", format!("{quota} {}", limits.cpu_period_us))
}

/// On v2, lets the children of a cgroup use the memory, pids and cpu controllers (each alone,
/// errors ignored: one the kernel lacks must not stop the others).
fn enable_v2_controllers(cgroup: &Hierarchy) {
    let Hierarchy::V2 { dir } = cgroup else { return };
    let control = dir.join("cgroup.subtree_control");
    if control.exists() {
        for controller in ["+memory", "+pids", "+cpu"] {
            let _ = fs::write(&control, controller);
        }
    }
}

/// One line of `/proc/self/mountinfo`, the fields we need.
struct Mount {
    /// The directory of the file system shown at the mount point.
    root: String,
    point: PathBuf,
    fstype: String,
    /// Super options; for cgroup v1 they name the controllers.
    options: Vec<String>,
}

impl Mount {
    fn parse(line: &str) -> Option<Mount> {
        let (before, after) = line.split_once(" - ")?;
        let mut fields = before.split(' ');
        let (root, point) = (fields.nth(3)?, fields.next()?);
        let mut after = after.split(' ');
        let fstype = after.next()?.to_string();
        let options = after.nth(1).unwrap_or("").split(',').map(str::to_string).collect();
        Some(Mount { root: unescape(root), point: PathBuf::from(unescape(point)), fstype, options })
    }

    /// Where cgroup `path` (as `/proc/self/cgroup` names it) appears under this mount, if it does.
    fn locate(&self, path: &str) -> Option<PathBuf> {
        let inside = if self.root == "/" { path } else { path.strip_prefix(self.root.as_str()).filter(|r| r.is_empty() || r.starts_with('/'))? };
        Some(self.point.join(inside.trim_start_matches('/')))
    }
}

/// Undoes the escapes mountinfo uses in paths (space, tab, newline, backslash).
fn unescape(field: &str) -> String {
    field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")
}

/// Group names become directory names: `[a-z0-9-]{1,64}`, so never `..` or a path.
fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Writes `value` to the control file `dir/file`, naming the file in any error.
fn write_value(dir: &Path, file: &str, value: impl Display) -> Result<()> {
    let path = dir.join(file);
    fs::write(&path, value.to_string()).map_err(|e| at_path(e, &path))
}

fn at_path(error: Error, path: &Path) -> Error {
    Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// A file holding one number; anything else reads as 0.
fn number(text: &str) -> u64 {
    text.trim().parse().unwrap_or(0)
}

/// The value of `key` in a file of `key value` lines; 0 if absent.
fn value_of(text: &str, key: &str) -> u64 {
    text.lines().find_map(|line| line.split_once(' ').filter(|(k, _)| *k == key).map(|(_, v)| number(v))).unwrap_or(0)
}

/// The pids in `dir/cgroup.procs` and in every cgroup below it (a run may have made some).
/// Pids not visible in our PID namespace read as 0 and are skipped: `kill(0)` would hit our own group.
fn pids_below(dir: &Path) -> Vec<i32> {
    let procs = fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
    let mut pids: Vec<i32> = procs.lines().filter_map(|l| l.trim().parse().ok()).filter(|&p| p > 0).collect();
    for child in subdirectories(dir) {
        pids.extend(pids_below(&child));
    }
    pids
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    let entries = fs::read_dir(dir).into_iter().flatten().flatten();
    entries.filter(|e| e.file_type().is_ok_and(|t| t.is_dir())).map(|e| e.path()).collect()
}

fn on_cgroupfs(dir: &Path) -> bool {
    // If statfs fails, assume cgroupfs: then no file is ever deleted.
    statfs(dir).map_or(true, |s| [CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC].contains(&s.filesystem_type()))
}

/// Removes a cgroup directory, child cgroups first. `rmdir` fails with EBUSY while dying tasks
/// remain, so it is retried. A directory that is not on a cgroup file system (a fake tree in
/// tests) holds plain files that stop `rmdir`: those are deleted before the retry.
fn remove_dir(dir: &Path) -> Result<()> {
    for child in subdirectories(dir) {
        remove_dir(&child)?;
    }
    let mut tries = 0;
    loop {
        let error = match fs::remove_dir(dir) {
            Err(e) if e.kind() != ErrorKind::NotFound => e,
            _ => return Ok(()),
        };
        tries += 1;
        if tries == RMDIR_TRIES {
            return Err(at_path(error, dir));
        }
        if on_cgroupfs(dir) {
            sleep(RMDIR_PAUSE);
        } else {
            for entry in fs::read_dir(dir)?.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_file()) {
                    fs::remove_file(entry.path())?;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Verbatim from this (hybrid) host's /proc/self/mountinfo and /proc/self/cgroup.
    const HYBRID_MOUNTINFO: &str = "\
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";
    const HYBRID_CGROUP: &str = "\
9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/f470b0b3d556f893f59ccacd6b27a632
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
";

    fn v1(pairs: &[(&str, &str)]) -> Hierarchy {
        Hierarchy::V1 { controllers: pairs.iter().map(|(c, d)| (c.to_string(), PathBuf::from(d))).collect() }
    }

    #[test]
    fn hybrid_host_uses_the_v1_controllers_and_ignores_the_unified_mount() {
        let root = CgroupRoot::from_proc(HYBRID_MOUNTINFO, HYBRID_CGROUP).unwrap();
        let expected = v1(&[
            ("memory", "/sys/fs/cgroup/memory/process_api/f470b0b3d556f893f59ccacd6b27a632"),
            ("pids", "/sys/fs/cgroup/pids"),
            ("cpu", "/sys/fs/cgroup/cpu"),
            ("cpuacct", "/sys/fs/cgroup/cpuacct"),
            ("devices", "/sys/fs/cgroup/devices"),
            ("freezer", "/sys/fs/cgroup/freezer"),
        ]);
        assert_eq!(root.hierarchy(), &expected);
    }

    #[test]
    fn pure_v2_host_uses_the_unified_directory() {
        let mountinfo = "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
        let root = CgroupRoot::from_proc(mountinfo, "0::/user.slice/x\n").unwrap();
        assert_eq!(root.hierarchy(), &Hierarchy::V2 { dir: "/sys/fs/cgroup/user.slice/x".into() });
        assert!(CgroupRoot::from_proc("27 1 254:0 / / rw - ext4 /dev/vda rw\n", "0::/\n").is_err(), "no cgroup mount at all");
    }

    #[test]
    fn comounted_cpu_and_cpuacct_share_one_directory() {
        // As inside a v1 container: each mount shows the container's own cgroup as its root.
        let mountinfo = "\
701 690 0:30 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime master:11 - cgroup cgroup rw,cpu,cpuacct
702 690 0:32 /docker/abc /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime master:13 - cgroup cgroup rw,memory
";
        let root = CgroupRoot::from_proc(mountinfo, "4:cpu,cpuacct:/docker/abc/run\n3:memory:/docker/abc\n").unwrap();
        let expected = v1(&[
            ("memory", "/sys/fs/cgroup/memory"),
            ("cpu", "/sys/fs/cgroup/cpu,cpuacct/run"),
            ("cpuacct", "/sys/fs/cgroup/cpu,cpuacct/run"),
        ]);
        assert_eq!(root.hierarchy(), &expected);
        assert_eq!(root.hierarchy().dirs().len(), 2);
    }

    #[test]
    fn small_files_and_mountinfo_escapes_parse() {
        assert_eq!(unescape(r"/mnt/my\040disk\134x"), r"/mnt/my disk\x");
        let stat = "nr_periods 12\nnr_throttled 5\nthrottled_time 123456\n";
        assert_eq!(value_of(stat, "nr_throttled"), 5);
        assert_eq!(value_of(stat, "nr_bursts"), 0);
        assert_eq!(value_of("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill"), 3);
        assert_eq!(number("33554432\n"), 33554432);
        assert_eq!(number("max\n"), 0);
    }

    #[test]
    fn names_that_are_not_plain_lowercase_words_are_refused() {
        let root = CgroupRoot::at(Hierarchy::V2 { dir: std::env::temp_dir().join("kubeplay-never-created") });
        for bad in ["../x", "a/b", "", "Upper", "..", &"a".repeat(65)] {
            let err = root.create(bad, &Limits::default()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad:?}");
        }
        assert!(valid_name("run-42") && valid_name(&"a".repeat(64)));
    }

    /// A FAKE v2 tree of plain files in a temp dir: this host's unified mount has no usable
    /// resource controllers, so the v2 path can only be checked against files we write ourselves.
    #[test]
    fn fake_v2_tree_gets_limits_and_reports_accounting() {
        let base = std::env::temp_dir().join(format!("kubeplay-fake-v2-{}", std::process::id()));
        let own = base.join("user.slice/x");
        fs::create_dir_all(&own).unwrap();
        fs::write(own.join("cgroup.subtree_control"), "").unwrap();
        // A swap file present before create(): it must be set to 0.
        fs::create_dir_all(own.join("kubeplay/run-1")).unwrap();
        fs::write(own.join("kubeplay/run-1/memory.swap.max"), "max\n").unwrap();
        let root = CgroupRoot::at(Hierarchy::V2 { dir: own.clone() });

        let limits = Limits { memory_bytes: 64 << 20, pids_max: 32, cpu_quota_us: Some(50_000), cpu_period_us: 100_000 };
        let group = root.create("run-1", &limits).unwrap();
        let dir = own.join("kubeplay/run-1");
        let read = |file: &str| fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(read("memory.max"), "67108864");
        assert_eq!(read("memory.swap.max"), "0");
        assert_eq!(read("pids.max"), "32");
        assert_eq!(read("cpu.max"), "50000 100000");
        assert_eq!(fs::read_to_string(own.join("cgroup.subtree_control")).unwrap(), "+cpu", "each controller written separately");

        fs::write(dir.join("memory.peak"), "1048576\n").unwrap();
        fs::write(dir.join("memory.events"), "low 0\nhigh 0\nmax 9\noom 2\noom_kill 2\noom_group_kill 0\n").unwrap();
        fs::write(dir.join("pids.events"), "max 7\n").unwrap();
        fs::write(dir.join("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\nthrottled_usec 250\n").unwrap();
        let expected =
            Accounting { memory_max_usage: 1 << 20, oom_kills: 2, pids_limit_hits: 7, cpu_usage_ns: 1_500_000, cpu_nr_periods: 10, cpu_nr_throttled: 4, cpu_throttled_ns: 250_000 };
        assert_eq!(group.accounting(), expected);
        assert!(group.pids().is_empty());

        let unlimited = root.create("run-2", &Limits { cpu_quota_us: None, ..limits }).unwrap();
        assert_eq!(fs::read_to_string(own.join("kubeplay/run-2/cpu.max")).unwrap(), "max 100000");
        assert!(!own.join("kubeplay/run-2/memory.swap.max").exists(), "swap is only set where the kernel has the file");
        assert_eq!(unlimited.accounting(), Accounting::default(), "missing files count as 0");

        group.remove().unwrap();
        assert!(!dir.exists());
        drop(unlimited);
        assert!(!own.join("kubeplay/run-2").exists(), "dropping a group removes it");
        fs::remove_dir_all(&base).unwrap();
    }
}
