//! The containers lab without its Linux backend: the same seven demos as
//! `kubeplay-runtime` runs for real, computed from a model of the kernel and
//! labelled as simulated. Nothing is a canned transcript: each demo runs the
//! real runner's script through a shell against a model of processes, files,
//! namespaces, capabilities and cgroup limits, so changing a limit changes
//! what happens. The same request always gives the same report (a virtual
//! clock, no randomness).
//!
//! The model, one concern per module: [`kernel`] (namespace inodes, network
//! namespaces, veth pairs, routes), [`process`] (a PID namespace's table),
//! [`caps`] (capability sets), [`cgroup`] (limits and accounting), [`fs`]
//! (layers and overlayfs), [`image`] (the busybox image, the app layer, the
//! chroot jail), [`vfs`] and [`procfs`] (mounts, `/proc`, `/sys`), and
//! [`container`] (one run: clock, deadlines, capped output).
//!
//! The shell, and why it is not the console's: `crate::shell::Shell` is the
//! node's bash with kubectl. A throwaway `Cluster` for it would be cheap
//! (about 3 ms to build), but its evaluator keeps stdout and stderr apart (a
//! run's output interleaves them), words its errors as bash, has no processes,
//! jobs or signals, and its `FileSystem` has no layers, whiteouts or mounts; a
//! container hook would have reached into every path of it. So the lab reuses
//! its grammar ([`crate::shell::parse`], with [`prepass`] and [`script`] adding
//! background jobs, functions and compound commands around it) and runs the
//! result with a compact evaluator of its own over the model: [`sh`] (control
//! flow, jobs, loops), [`exec`] (forks, pipelines, redirections, dispatch) and
//! [`expand`] (words), with busybox's applets in [`applets`], [`text`],
//! [`files`], [`system`] and [`net`]. The demos are in [`demos`] and [`oci`]; [`wire`] reads
//! the real runner's streamed events on the page.

pub mod applets;
pub mod caps;
pub mod cgroup;
pub mod container;
pub mod demos;
pub mod exec;
pub mod expand;
pub mod files;
pub mod fs;
pub mod image;
pub mod kernel;
pub mod net;
pub mod oci;
pub mod prepass;
pub mod process;
pub mod procfs;
pub mod script;
pub mod sh;
pub mod system;
pub mod text;
pub mod vfs;
pub mod wire;

use kubeplay_lab::{DemoReport, DemoRequest};

/// Runs one demo against the model: the report has the real runner's steps,
/// titles and commands, outputs computed from the model, and `simulated: true`.
pub fn run(request: &DemoRequest) -> Result<DemoReport, String> {
    request.validate()?;
    let mut kernel = kernel::Kernel::new();
    let (steps, state) = match request {
        DemoRequest::Chroot {} => demos::chroot(&mut kernel),
        DemoRequest::Namespaces { hostname } => demos::namespaces(&mut kernel, hostname),
        DemoRequest::Cgroups { controller, limit } => demos::cgroups(&mut kernel, *controller, *limit),
        DemoRequest::Overlay {} => demos::overlay(&mut kernel),
        DemoRequest::Capabilities {} => demos::capabilities(&mut kernel),
        DemoRequest::Oci { runtime } => oci::oci(&mut kernel, runtime.as_deref()),
        DemoRequest::Shell { command } => demos::shell(&mut kernel, command),
    };
    Ok(DemoReport { demo: request.name().into(), steps, state, simulated: true })
}
