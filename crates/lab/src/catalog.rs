//! What each demo is for, in the lab's own words: the title and explanation the
//! page shows above a demo's run button, and the request it starts with.

use crate::{Controller, DemoRequest};

/// One demo of the lab, as the page lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoInfo {
    /// The name requests use (`namespaces`, ...).
    pub id: &'static str,
    /// A short title for the step list.
    pub title: &'static str,
    /// What the demo shows and what to look for, in Markdown.
    pub explanation: &'static str,
}

/// The demos in the order a workshop meets them.
pub const DEMOS: [DemoInfo; 7] = [
    DemoInfo {
        id: "chroot",
        title: "A chroot jail",
        explanation: "Before namespaces there was `chroot`: it changes what `/` means for one process. \
We copy `bash`, `ls` and `cat` (and `tree`, which draws the listing, when the host has it) into a \
directory together with the shared libraries `ldd` says they need, and start `bash` with that \
directory as its root.\n\n\
The box lists every file in the jail: those programs and their libraries, nothing else. The \
jailed shell then draws its `/` and tries what it cannot open: there is no `/etc/passwd`, no \
`/proc`, no `/home`. The jail is only a narrower view of the same machine: the processes, the \
network and the hostname are still the host's.",
    },
    DemoInfo {
        id: "namespaces",
        title: "Namespaces",
        explanation: "A namespace gives a process its own copy of one kind of kernel resource. Each \
namespace has an inode number; two processes share a namespace exactly when the numbers match.\n\n\
The run gets new **PID** (it is PID 1 and `ps` sees only its own processes), **UTS** (its own \
hostname), **mount**, **network** (only `lo`), **IPC** and **cgroup** namespaces. A **user** \
namespace makes it root inside while the host sees the unprivileged user `nobody`, which is why \
it still cannot write files the host's root owns. Finally a **veth pair**, a virtual cable, joins \
the run's network namespace to a second one, and a ping crosses it.",
    },
    DemoInfo {
        id: "cgroups",
        title: "Cgroups: limits",
        explanation: "Namespaces decide what a process can see; **cgroups** decide how much it may use. \
Pick a controller and a limit, then run:\n\n\
- **memory**: the command asks for twice the limit; the kernel's OOM killer ends it (exit code 137);\n\
- **cpu**: a busy loop may use only its quota of each 100 ms period and waits out the rest \
(the throttled periods count up);\n\
- **pids**: a fork bomb hits `pids.max`; further forks fail and the host does not notice.\n\n\
Change the limit and run again: the outcome follows the number.",
    },
    DemoInfo {
        id: "overlay",
        title: "Layers: overlayfs",
        explanation: "An image is a stack of read-only layers; a container adds one writable layer on \
top, and overlayfs shows the stack as one file system.\n\n\
The container appends to `/app/a.txt` (the file is **copied up** into its layer first), deletes \
`/app/b.txt` (a **whiteout** in its layer hides the file below) and creates `/app/c.txt`. The \
image layers underneath are unchanged, which is why many containers can share one image.",
    },
    DemoInfo {
        id: "capabilities",
        title: "Capabilities",
        explanation: "Root's power is split into **capabilities**. A container keeps a small set of them \
and loses the rest. Each action below runs twice, with and without the capability it needs:\n\n\
- listening on port 80 needs `CAP_NET_BIND_SERVICE`;\n\
- `ping` with a raw socket needs `CAP_NET_RAW`;\n\
- mounting a file system needs `CAP_SYS_ADMIN`, which containers do not get.\n\n\
The process is root (uid 0) in every run; only the capability differs.",
    },
    DemoInfo {
        id: "oci",
        title: "A real container runtime",
        explanation: "Everything above, put together, is what an OCI runtime does. We write a bundle \
(a root file system and a `config.json` describing namespaces, mounts, capabilities and cgroup \
limits) and hand it to `crun` or `runc`, the runtimes under containerd and CRI-O, and so under \
Kubernetes' kubelet.\n\n\
Read the generated `config.json`: every field is one of the mechanisms you have seen.",
    },
    DemoInfo {
        id: "shell",
        title: "Your own commands",
        explanation: "Type commands and run them in the standard sandbox: fresh namespaces, a \
throwaway copy of a busybox image, cgroup limits, a reduced set of capabilities and a filter on \
dangerous system calls. Try `ps`, `hostname`, `id`, `ip link`, `cat /proc/self/status`, \
`mount`, or `rm -rf /bin` (the next run starts from a fresh copy).",
    },
];

impl DemoInfo {
    /// The request the demo starts with.
    pub fn default_request(&self) -> DemoRequest {
        match self.id {
            "chroot" => DemoRequest::Chroot {},
            "namespaces" => DemoRequest::Namespaces { hostname: "container".into() },
            "cgroups" => DemoRequest::Cgroups { controller: Controller::Memory, limit: 32 },
            "overlay" => DemoRequest::Overlay {},
            "capabilities" => DemoRequest::Capabilities {},
            "oci" => DemoRequest::Oci { runtime: None },
            _ => DemoRequest::Shell { command: "ps; hostname; id".into() },
        }
    }
}

/// The demo named `id`.
pub fn demo(id: &str) -> Option<&'static DemoInfo> {
    DEMOS.iter().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_starts_with_a_valid_request_of_its_own_kind() {
        for info in DEMOS {
            let request = info.default_request();
            assert_eq!(request.name(), info.id);
            assert!(request.validate().is_ok(), "{}", info.id);
        }
        assert!(demo("overlay").is_some() && demo("docker").is_none());
    }
}
