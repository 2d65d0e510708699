//! The demos run for real: each turns a [`DemoRequest`] into one or more
//! sandboxed runs with a fixed command and reads back the kernel state it
//! made. Only the shell demo takes a command from the learner, and it always
//! runs in the standard sandbox.

mod limits;
mod namespaces;
mod overlay;

use crate::demo::{plan, DemoReport, DemoRequest, DemoStep, KernelState, LayerEntry, LayerEntryKind, LiveEvent};
use std::cell::RefCell;
use crate::linux::rootfs;
use crate::linux::sandbox::Sandbox;
use crate::spec::{RootFs, SandboxSpec};
use std::path::{Path, PathBuf};

pub(crate) use namespaces::sweep_netns;


/// A demo in progress: the sandbox, and where its progress goes.
pub struct Runner<'a> {
    /// The sandbox every step runs in.
    pub sandbox: &'a Sandbox,
    observer: RefCell<&'a mut dyn FnMut(LiveEvent)>,
}

impl Runner<'_> {
    fn emit(&self, event: LiveEvent) {
        (self.observer.borrow_mut())(event);
    }
}

/// Runs one demo and reports every step and the kernel state it made.
pub fn run(sandbox: &Sandbox, request: &DemoRequest) -> Result<DemoReport, String> {
    run_observed(sandbox, request, &mut |_| {})
}

/// Like [`run`], telling `observer` as each step starts and as its output arrives.
pub fn run_observed(sandbox: &Sandbox, request: &DemoRequest, observer: &mut dyn FnMut(LiveEvent)) -> Result<DemoReport, String> {
    request.validate()?;
    let r = &Runner { sandbox, observer: RefCell::new(observer) };
    let (steps, state) = match request {
        DemoRequest::Chroot {} => chroot(r)?,
        DemoRequest::Namespaces { hostname } => namespaces::run(r, hostname)?,
        DemoRequest::Cgroups { controller, limit } => limits::cgroups(r, *controller, *limit)?,
        DemoRequest::Overlay {} => overlay::run(r)?,
        DemoRequest::Capabilities {} => limits::capabilities(r)?,
        DemoRequest::Oci { runtime } => oci(r, runtime.as_deref())?,
        DemoRequest::Shell { command } => shell(r, command)?,
    };
    Ok(DemoReport { demo: request.name().into(), steps, state, simulated: false })
}

/// The busybox image every demo but the jail runs in.
fn image(sandbox: &Sandbox) -> Result<PathBuf, String> {
    rootfs::busybox_image(sandbox.base()).map_err(|e| format!("busybox image: {e}"))
}

/// The standard sandbox around `sh -c script` in a throwaway overlay of the busybox image.
fn busybox_spec(r: &Runner, script: &str) -> Result<SandboxSpec, String> {
    Ok(SandboxSpec::standard(&["sh", "-c", script], vec![image(r.sandbox)?]))
}

/// Runs `spec` and names the step, telling the observer as it goes.
fn step(r: &Runner, title: &str, command: &str, spec: &SandboxSpec) -> Result<DemoStep, String> {
    r.emit(LiveEvent::Step { title: title.into(), command: command.into() });
    let outcome = r.sandbox.run_observed(spec, &mut |event| r.emit(event))?;
    Ok(DemoStep { title: title.into(), command: command.into(), outcome })
}

fn shell(r: &Runner, command: &str) -> Result<(Vec<DemoStep>, KernelState), String> {
    let mut spec = busybox_spec(r, command)?;
    spec.output_cap = plan::SHELL_OUTPUT_CAP;
    Ok((vec![step(r, plan::SHELL_TITLE, command, &spec)?], KernelState::None))
}

/// Lists a directory tree as layer entries (paths from `/`), at most `limit` of them.
pub(crate) fn list_tree(root: &Path, limit: usize) -> (Vec<LayerEntry>, usize) {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let mut entries = Vec::new();
    let mut omitted = 0;
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else { continue };
        let mut children: Vec<_> = read.flatten().collect();
        children.sort_by_key(|e| e.file_name());
        for child in children.into_iter().rev() {
            let Ok(meta) = child.path().symlink_metadata() else { continue };
            let path = format!("/{}", child.path().strip_prefix(root).unwrap_or(&child.path()).display());
            if path.starts_with("/.kubeplay") {
                continue;
            }
            let ft = meta.file_type();
            let kind = if ft.is_char_device() && meta.rdev() == 0 {
                LayerEntryKind::Whiteout
            } else if ft.is_dir() && opaque(&child.path()) {
                LayerEntryKind::Opaque
            } else if ft.is_dir() {
                LayerEntryKind::Dir
            } else if ft.is_symlink() {
                LayerEntryKind::Link
            } else {
                LayerEntryKind::File
            };
            if ft.is_dir() {
                pending.push(child.path());
            }
            if entries.len() < limit {
                entries.push(LayerEntry { path, kind, size: if ft.is_file() { meta.len() } else { 0 } });
            } else {
                omitted += 1;
            }
        }
    }
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    (entries, omitted)
}

/// Whether overlayfs marked a directory opaque (`trusted.overlay.opaque=y`).
fn opaque(dir: &Path) -> bool {
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else { return false };
    let mut value = [0u8; 4];
    // SAFETY: reads at most 4 bytes into a local buffer; both strings are NUL-terminated.
    let n = unsafe { nix::libc::lgetxattr(c.as_ptr(), c"trusted.overlay.opaque".as_ptr(), value.as_mut_ptr().cast(), value.len()) };
    n == 1 && value[0] == b'y'
}

fn chroot(r: &Runner) -> Result<(Vec<DemoStep>, KernelState), String> {
    let jail = rootfs::ldd_jail(r.sandbox.base()).map_err(|e| format!("build the jail: {e}"))?;
    let mut spec = SandboxSpec::standard(&["/bin/bash", "-c", plan::CHROOT_SCRIPT], vec![]);
    spec.root = RootFs::Chroot { dir: jail.clone() };
    spec.env = vec![("PATH".into(), "/bin".into())];
    // Without CAP_SYS_CHROOT the classic escape (chroot into a subdirectory, then cd ..) is closed.
    spec.keep_caps.retain(|c| c != "CAP_SYS_CHROOT");
    let run = step(r, plan::CHROOT_TITLE, &plan::chroot_command(), &spec)?;
    let (files, _) = list_tree(&jail, 200);
    Ok((vec![run], KernelState::Jail { files }))
}

fn oci(r: &Runner, runtime: Option<&str>) -> Result<(Vec<DemoStep>, KernelState), String> {
    use crate::linux::oci;
    let available = oci::available();
    let chosen = match runtime {
        Some(name) => available.into_iter().find(|r| r.name() == name).ok_or_else(|| format!("{name} is not installed on this host"))?,
        None => available.into_iter().next().ok_or("neither crun nor runc is installed on this host")?,
    };
    let rootfs = image(r.sandbox)?;
    let argv: Vec<String> = ["sh", "-c", plan::OCI_SCRIPT].iter().map(|s| s.to_string()).collect();
    let id = format!("lab-{}-{}", std::process::id(), r.sandbox.next_id());
    let limits = crate::spec::Limits::default();
    let (title, command) = plan::oci_step(chosen.name(), &id);
    r.emit(LiveEvent::Step { title: title.clone(), command: command.clone() });
    let run = oci::run(chosen, r.sandbox.base(), &id, &rootfs, &argv, plan::OCI_HOSTNAME, &limits, 10_000)?;
    r.emit(LiveEvent::Output { text: run.outcome.output.clone() });
    let step = DemoStep { title, command, outcome: run.outcome };
    Ok((vec![step], KernelState::Oci { runtime: chosen.name().into(), version: run.version, config: run.bundle_config }))
}
