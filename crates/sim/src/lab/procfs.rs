//! The generated file systems: `/proc` (per process `status`, `mounts`,
//! `uid_map`, `cgroup`, `cmdline` and the `ns/*` links, all read from the
//! model) and a small read-only `/sys/class/net`.

use super::container::Container;
use super::fs::{FsError, Node};
use super::kernel::KINDS;
use super::process::State;

/// Files in every `/proc/<pid>` directory.
const PID_FILES: [&str; 8] = ["cgroup", "cmdline", "comm", "gid_map", "mounts", "ns", "status", "uid_map"];

impl Container<'_> {
    /// The process a `/proc` path names (`self` is the reader) and the rest of the path.
    fn proc_target<'a>(&self, reader: u32, rel: &'a str) -> Option<(u32, &'a str)> {
        let rest = rel.trim_start_matches('/');
        let (first, tail) = rest.split_once('/').unwrap_or((rest, ""));
        let pid = if first == "self" { reader } else { first.parse().ok()? };
        self.procs.get(pid).map(|_| (pid, tail))
    }

    /// A `/proc` path as process `reader` sees it.
    pub fn proc_node(&self, reader: u32, rel: &str) -> Result<Node, FsError> {
        match rel {
            "/" => return Ok(Node::Dir),
            "/self" => return Ok(Node::Link(reader.to_string())),
            "/mounts" => return Ok(Node::Link("self/mounts".into())),
            "/version" => return Ok(Node::File("Linux version 6.1.0-kubeplay (simulated) #1 SMP PREEMPT_DYNAMIC\n".into())),
            "/uptime" => return Ok(Node::File(format!("{}.{:02} 0.00\n", self.now_us / 1_000_000, self.now_us / 10_000 % 100))),
            _ => {}
        }
        let (pid, tail) = self.proc_target(reader, rel).ok_or(FsError::NotFound)?;
        let p = self.procs.get(pid).ok_or(FsError::NotFound)?;
        let text = match tail {
            "" | "ns" => return Ok(Node::Dir),
            "status" => self.status(pid),
            "mounts" => self.vfs.table(),
            "uid_map" | "gid_map" if self.user_ns => format!("{:>10} {:>10} {:>10}\n", 0, 65534, 1),
            "uid_map" | "gid_map" => format!("{:>10} {:>10} {:>10}\n", 0, 0, u32::MAX),
            "cgroup" => "0::/\n".into(),
            "comm" => format!("{}\n", p.comm),
            "cmdline" => p.argv.iter().map(|a| format!("{a}\0")).collect(),
            _ => {
                let kind = tail.strip_prefix("ns/").filter(|k| KINDS.contains(k)).ok_or(FsError::NotFound)?;
                return Ok(Node::Link(format!("{kind}:[{}]", self.ns.get(kind).unwrap_or(0))));
            }
        };
        Ok(Node::File(text))
    }

    /// The entries of a `/proc` directory.
    pub fn proc_list(&self, reader: u32, rel: &str) -> Result<Vec<(String, Node)>, FsError> {
        if rel == "/" {
            let mut names: Vec<String> = self.procs.procs.keys().map(u32::to_string).collect();
            names.extend(["mounts", "self", "uptime", "version"].map(String::from));
            return names.into_iter().map(|n| Ok((n.clone(), self.proc_node(reader, &format!("/{n}"))?))).collect();
        }
        let (_, tail) = self.proc_target(reader, rel).ok_or(FsError::NotFound)?;
        let names: &[&str] = match tail {
            "" => &PID_FILES,
            "ns" => &KINDS,
            _ => return Err(FsError::NotDir),
        };
        let mut entries: Vec<(String, Node)> = names.iter().map(|n| Ok((n.to_string(), self.proc_node(reader, &format!("{rel}/{n}"))?))).collect::<Result<_, FsError>>()?;
        crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        Ok(entries)
    }

    /// `/proc/<pid>/status`, the lines a learner greps for.
    fn status(&self, pid: u32) -> String {
        let p = &self.procs.procs[&pid];
        let state = match p.state {
            State::Running => "R (running)",
            State::Sleeping => "S (sleeping)",
            State::Zombie => "Z (zombie)",
        };
        let seccomp = if self.seccomp.is_some() { "2" } else { "0" };
        format!(
            "Name:\t{}\nUmask:\t0000\nState:\t{state}\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t{}\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t\nNStgid:\t{pid}\nNSpid:\t{pid}\nNSpgid:\t1\nNSsid:\t1\nVmRSS:\t{} kB\nThreads:\t1\n{}NoNewPrivs:\t1\nSeccomp:\t{seccomp}\nSeccomp_filters:\t{}\n",
            p.comm,
            p.ppid,
            p.memory >> 10,
            self.caps.status_lines(),
            if seccomp == "2" { 2 } else { 0 },
        )
    }

    /// A `/sys` path: `class/net/<device>/{address,mtu,operstate}` of the run's network namespace.
    pub fn sys_node(&self, rel: &str) -> Result<Node, FsError> {
        let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
        let dev = |name: &str| self.kernel.nets.get(&self.ns.net).and_then(|n| n.devices.iter().find(|d| d.name == name));
        match parts.as_slice() {
            [] | ["class"] | ["class", "net"] => Ok(Node::Dir),
            ["class", "net", name] if dev(name).is_some() => Ok(Node::Dir),
            ["class", "net", name, file] => {
                let d = dev(name).ok_or(FsError::NotFound)?;
                let lo = d.name == "lo";
                Ok(Node::File(match *file {
                    "address" => format!("{}\n", d.mac),
                    "mtu" => if lo { "65536\n" } else { "1500\n" }.into(),
                    "operstate" => if lo {
                        "unknown\n"
                    } else if d.up {
                        "up\n"
                    } else {
                        "down\n"
                    }
                    .into(),
                    _ => return Err(FsError::NotFound),
                }))
            }
            _ => Err(FsError::NotFound),
        }
    }

    /// The entries of a `/sys` directory.
    pub fn sys_list(&self, rel: &str) -> Result<Vec<(String, Node)>, FsError> {
        let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
        let names: Vec<String> = match parts.as_slice() {
            [] => vec!["class".into()],
            ["class"] => vec!["net".into()],
            ["class", "net"] => self.kernel.nets.get(&self.ns.net).map(|n| n.devices.iter().map(|d| d.name.clone()).collect()).unwrap_or_default(),
            ["class", "net", _] => vec!["address".into(), "mtu".into(), "operstate".into()],
            _ => return Err(FsError::NotDir),
        };
        names.into_iter().map(|n| Ok((n.clone(), self.sys_node(&format!("{rel}/{n}"))?))).collect()
    }
}
