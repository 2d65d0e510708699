//! A run's mount table and the file operations over it: each path goes to
//! the file system mounted deepest above it (the root overlay, a tmpfs, or
//! the generated `/proc` and `/sys`). A user namespace's root, being `nobody`
//! outside, may write only where anyone may (`/tmp`).

use super::container::Container;
#[cfg(test)]
use super::container::Spec;
use super::fs::{parent, FsError, Layer, Node, Overlay};
use std::rc::Rc;

/// What a mount point shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backing {
    /// One of the run's layered or tmpfs file systems.
    Fs(usize),
    /// The generated `/proc`.
    Proc,
    /// The generated `/sys` (read-only).
    Sys,
    /// A mask over a kernel file: listed in the table, never entered.
    Mask,
}

/// One line of `/proc/self/mounts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The device or name (`overlay`, `proc`, `tmpfs`).
    pub source: String,
    /// Where it is mounted.
    pub target: String,
    /// The file system type.
    pub fstype: String,
    /// Mount options as the kernel prints them.
    pub options: String,
    /// What it shows.
    pub backing: Backing,
}

/// How a run's root is built.
#[derive(Clone, Debug)]
pub enum Root {
    /// Image layers (top first) under a fresh upper layer kept at `stage` on the
    /// host, with the standard sandbox's `/proc`, `/dev` and `/sys`.
    Overlay {
        /// Read-only layers, top first.
        lower: Vec<Rc<Layer>>,
        /// The host directory holding `upper` and `work`.
        stage: String,
    },
    /// A directory bind-mounted read-only as `/`, nothing else (a chroot jail).
    Jail(Rc<Layer>),
    /// A read-only image as `/` with the mounts an OCI config lists (destination, type, source, options).
    Oci(Rc<Layer>, Vec<(String, String, String, Vec<String>)>),
}

/// The mount table and the file systems behind it.
#[derive(Clone, Debug, Default)]
pub struct Vfs {
    /// Mounts in the order they were made.
    pub mounts: Vec<Mount>,
    /// The file systems `Backing::Fs` points at.
    pub fses: Vec<Overlay>,
}

/// The standard sandbox's `/dev`: its own device nodes on its own tmpfs.
fn dev() -> Overlay {
    let mut fs = Overlay::default();
    for (name, major, minor) in [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)] {
        fs.upper.add(&format!("/{name}"), Node::Device(major, minor));
    }
    for (name, target) in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")] {
        fs.upper.add(&format!("/{name}"), Node::Link(target.into()));
    }
    fs.upper.add("/shm", Node::Dir);
    fs
}

impl Vfs {
    /// The mounts of a new run.
    pub fn new(root: Root) -> Vfs {
        let mut vfs = Vfs::default();
        match root {
            Root::Overlay { lower, stage } => {
                let lowerdir: Vec<&str> = lower.iter().map(|l| l.host_dir.as_str()).collect();
                let data = format!("rw,relatime,lowerdir={},upperdir={stage}/upper,workdir={stage}/work,uuid=on", lowerdir.join(":"));
                vfs.add("overlay", "/", "overlay", &data, Some(Overlay { lower, ..Default::default() }));
                vfs.add("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime", None);
                vfs.add("tmpfs", "/dev", "tmpfs", "rw,nosuid,noexec,relatime,size=64k,mode=755", Some(dev()));
                vfs.add("sysfs", "/sys", "sysfs", "ro,nosuid,nodev,noexec,relatime", None);
                for file in ["/proc/keys", "/proc/timer_list"] {
                    vfs.add("tmpfs", file, "tmpfs", "rw,nosuid,noexec,relatime,size=64k,mode=755", None);
                }
                vfs.add("tmpfs", "/proc/acpi", "tmpfs", "ro,relatime,size=4k", None);
                for dir in ["/proc/sys", "/proc/irq", "/proc/bus", "/proc/fs"] {
                    vfs.add("proc", dir, "proc", "ro,nosuid,nodev,relatime", None);
                }
            }
            Root::Jail(layer) => vfs.add("/dev/vda1", "/", "ext4", "ro,relatime", Some(Overlay { lower: vec![layer], read_only: true, ..Default::default() })),
            Root::Oci(image, mounts) => {
                vfs.add("/dev/vda1", "/", "ext4", "ro,relatime", Some(Overlay { lower: vec![image], read_only: true, ..Default::default() }));
                for (target, fstype, source, options) in mounts {
                    let ro = options.iter().any(|o| o == "ro");
                    let opts: Vec<&str> = options.iter().map(String::as_str).filter(|o| *o != "ro").collect();
                    let options = format!("{},{}", if ro { "ro" } else { "rw" }, if opts.is_empty() { "relatime".to_string() } else { opts.join(",") });
                    let fs = matches!(fstype.as_str(), "tmpfs" | "devpts" | "mqueue").then(|| if target == "/dev" { dev() } else { Overlay::default() });
                    vfs.add(&source, &target, &fstype, &options, fs);
                }
            }
        }
        vfs
    }

    /// Adds a mount; `fs` is the file system behind it, if it is one the model holds.
    pub fn add(&mut self, source: &str, target: &str, fstype: &str, options: &str, fs: Option<Overlay>) {
        let backing = match (fs, fstype) {
            (Some(fs), _) => {
                self.fses.push(fs);
                Backing::Fs(self.fses.len() - 1)
            }
            (None, "proc") if !options.starts_with("ro") => Backing::Proc,
            (None, "sysfs") => Backing::Sys,
            _ => Backing::Mask,
        };
        self.mounts.push(Mount { source: source.into(), target: target.into(), fstype: fstype.into(), options: options.into(), backing });
    }

    /// `/proc/self/mounts`.
    pub fn table(&self) -> String {
        self.mounts.iter().map(|m| format!("{} {} {} {} 0 0\n", m.source, m.target, m.fstype, m.options)).collect()
    }

    /// The mount a path is in and the path inside it.
    pub fn route(&self, path: &str) -> (Backing, String) {
        let inside = |m: &Mount| m.target == "/" || path == m.target || path.starts_with(&format!("{}/", m.target));
        let mount = self.mounts.iter().rev().filter(|m| m.backing != Backing::Mask || path == m.target).find(|m| inside(m));
        match mount {
            Some(m) if m.target == "/" => (m.backing, path.to_string()),
            Some(m) => (m.backing, format!("/{}", path[m.target.len()..].trim_start_matches('/'))),
            None => (Backing::Mask, path.to_string()),
        }
    }

    /// Whether something is mounted at `path`.
    pub fn is_mount_point(&self, path: &str) -> bool {
        self.mounts.iter().any(|m| m.target == path)
    }
}

impl Container<'_> {
    /// What `path` is, as process `pid` sees it (a link is not followed).
    pub fn lookup(&self, pid: u32, path: &str) -> Result<Node, FsError> {
        match self.vfs.route(path) {
            (Backing::Fs(i), rel) => self.vfs.fses[i].find(&rel).cloned().ok_or(FsError::NotFound),
            (Backing::Proc, rel) => self.proc_node(pid, &rel),
            (Backing::Sys, rel) => self.sys_node(&rel),
            (Backing::Mask, _) => Err(FsError::NotFound),
        }
    }

    /// What `path` is after following symbolic links.
    pub fn follow(&self, pid: u32, path: &str) -> Result<Node, FsError> {
        let mut path = path.to_string();
        for _ in 0..8 {
            match self.lookup(pid, &path)? {
                Node::Link(target) => path = crate::shell::fs::resolve(parent(&path), &target),
                node => return Ok(node),
            }
        }
        Err(FsError::NotFound)
    }

    /// The entries of a directory, in name order.
    pub fn list(&self, pid: u32, path: &str) -> Result<Vec<(String, Node)>, FsError> {
        match self.vfs.route(path) {
            (Backing::Fs(i), rel) => self.vfs.fses[i].list(&rel),
            (Backing::Proc, rel) => self.proc_list(pid, &rel),
            (Backing::Sys, rel) => self.sys_list(&rel),
            (Backing::Mask, _) => Err(FsError::NotFound),
        }
    }

    /// The writable file system under `path` and the path inside it.
    fn writable(&self, path: &str) -> Result<(usize, String), FsError> {
        match self.vfs.route(path) {
            (Backing::Fs(i), rel) if self.user_ns && !path.starts_with("/tmp/") && !self.vfs.fses[i].read_only => {
                Err(if self.vfs.fses[i].find(&rel).is_some() || self.vfs.fses[i].find(parent(&rel)).is_some() { FsError::Access } else { FsError::NotFound })
            }
            (Backing::Fs(i), rel) => Ok((i, rel)),
            (Backing::Proc, rel) if self.proc_node(1, &rel).is_err() => Err(FsError::NotFound),
            (Backing::Proc, _) => Err(FsError::Access),
            _ => Err(FsError::ReadOnly),
        }
    }

    /// Writes (or appends to) a file.
    pub fn write_file(&mut self, path: &str, text: &str, append: bool) -> Result<(), FsError> {
        let (i, rel) = self.writable(path)?;
        self.changes += 1;
        self.vfs.fses[i].write(&rel, text, append)
    }

    /// `touch`.
    pub fn touch(&mut self, path: &str) -> Result<(), FsError> {
        let (i, rel) = self.writable(path)?;
        self.changes += 1;
        self.vfs.fses[i].touch(&rel)
    }

    /// Makes a directory.
    pub fn mkdir(&mut self, path: &str) -> Result<(), FsError> {
        let (i, rel) = self.writable(path)?;
        self.changes += 1;
        self.vfs.fses[i].mkdir(&rel)
    }

    /// Puts a new node (a device, a file of zeros) at a path.
    pub fn create(&mut self, path: &str, node: Node) -> Result<(), FsError> {
        let (i, rel) = self.writable(path)?;
        self.changes += 1;
        self.vfs.fses[i].create(&rel, node)
    }

    /// Removes a file or an empty directory; a mount point is busy.
    pub fn remove(&mut self, path: &str) -> Result<(), FsError> {
        if self.vfs.is_mount_point(path) {
            return Err(FsError::Busy);
        }
        let (i, rel) = self.writable(path)?;
        self.changes += 1;
        self.vfs.fses[i].remove(&rel)
    }

    /// Mounts a new `tmpfs` (or `proc`) on a directory.
    pub fn mount(&mut self, source: &str, target: &str, fstype: &str) -> Result<(), FsError> {
        if !matches!(self.follow(1, target)?, Node::Dir) {
            return Err(FsError::NotDir);
        }
        let fs = match fstype {
            "tmpfs" => Some(Overlay::default()),
            "proc" => None,
            _ => return Err(FsError::Invalid),
        };
        self.changes += 1;
        self.vfs.add(source, target, fstype, "rw,relatime", fs);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::demos::standard;
    use super::super::image;
    use super::super::kernel::Kernel;
    use super::*;

    #[test]
    fn paths_go_to_the_deepest_mount_above_them() {
        let mut kernel = Kernel::new();
        let c = Container::start(&mut kernel, standard(vec![Rc::new(image::busybox())]));
        assert_eq!(c.vfs.route("/proc/self/status"), (Backing::Proc, "/self/status".to_string()));
        assert_eq!(c.vfs.route("/dev/null").0, Backing::Fs(1));
        assert_eq!(c.vfs.route("/etc/passwd"), (Backing::Fs(0), "/etc/passwd".to_string()));
        assert_eq!(c.vfs.table().lines().count(), 11, "the standard sandbox's mounts, as recorded");
        assert!(matches!(c.lookup(1, "/proc/self/ns/pid"), Ok(Node::Link(l)) if l == format!("pid:[{}]", c.ns.pid)));
        assert!(matches!(c.follow(1, "/bin/ls"), Ok(Node::Binary(_))), "applet links lead to busybox");
    }

    #[test]
    fn writes_follow_the_mounts_and_the_user_namespace() {
        let mut kernel = Kernel::new();
        let mut c = Container::start(&mut kernel, standard(vec![Rc::new(image::busybox())]));
        assert_eq!(c.write_file("/sys/x", "", false), Err(FsError::ReadOnly));
        assert_eq!(c.remove("/proc"), Err(FsError::Busy));
        c.mount("lab", "/mnt", "tmpfs").unwrap();
        c.write_file("/mnt/f", "x", false).unwrap();
        assert!(c.vfs.fses[0].upper.entries.is_empty(), "the file is on the tmpfs, not in the container layer");
        assert_eq!(c.vfs.route("/mnt/f").0, Backing::Fs(2));
        let user = Spec { user_ns: true, ..standard(vec![Rc::new(image::busybox())]) };
        let mut kernel = Kernel::new();
        let mut c = Container::start(&mut kernel, user);
        assert_eq!(c.touch("/etc/x"), Err(FsError::Access), "nobody outside may not write root's files");
        c.touch("/tmp/x").unwrap();
    }
}
