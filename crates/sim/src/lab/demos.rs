//! The demos: the real runner's scripts, step titles and commands (copied
//! from `kubeplay-runtime`'s demos) run against the model, and the kernel
//! state read back the way the real runner reads it.

use super::caps::{mask, CapSets};
use super::cgroup::Limits;
use super::container::{Container, Spec};
use super::fs::Layer;
use super::image;
use super::kernel::{Kernel, HOST, KINDS};
use super::sh::{self, Dialect};
use super::vfs::Root;
use kubeplay_lab::{capability_names, plan, CapabilityTrial, Controller, DemoStep, KernelState, LayerEntryKind, NamespaceRow, RunOutcome};
use std::rc::Rc;


/// The environment every run gets.
pub fn env() -> Vec<(String, String)> {
    plan::ENV.map(|(k, v)| (k.to_string(), v.to_string())).to_vec()
}

/// The standard sandbox over `lower` (the runtime's `SandboxSpec::standard`):
/// every namespace but the user one, the default capabilities, the seccomp
/// deny-list, 64 MiB, 64 processes, 5 s and 256 KiB of output.
pub fn standard(lower: Vec<Rc<Layer>>) -> Spec {
    Spec {
        hostname: plan::HOSTNAME.into(),
        user_ns: false,
        caps: CapSets::keeping(mask(&plan::DEFAULT_CAPS)),
        seccomp: Some(plan::SECCOMP_DENIED.to_vec()),
        limits: Limits::default(),
        time_limit_us: plan::TIMEOUT_MS * 1000,
        output_cap: plan::OUTPUT_CAP,
        root: Root::Overlay { lower, stage: "/var/lib/kubeplay/stage".into() },
        join_net: None,
        env: env(),
    }
}

/// Runs `script` in a new container; returns the outcome and its root's upper layer.
pub fn run_script(kernel: &mut Kernel, spec: Spec, dialect: Dialect, script: &str) -> (RunOutcome, Layer) {
    let mut c = Container::start(kernel, spec);
    let result = sh::run(&mut c, dialect, script);
    let upper = c.vfs.fses.first().map(|fs| fs.upper.clone()).unwrap_or_default();
    (c.finish(result), upper)
}

/// One step: `script` run in a container made from `spec`, shown as `command`.
pub fn step(kernel: &mut Kernel, spec: Spec, title: &str, command: &str, script: &str) -> DemoStep {
    DemoStep { title: title.into(), command: command.into(), outcome: run_script(kernel, spec, Dialect::Ash, script).0 }
}


/// The namespaces demo: what a run sees in each namespace, a user namespace, and a veth pair.
pub fn namespaces(kernel: &mut Kernel, hostname: &str) -> (Vec<DemoStep>, KernelState) {
    let busybox = Rc::new(image::busybox());
    let spec = || Spec { hostname: hostname.to_string(), ..standard(vec![busybox.clone()]) };
    let mut steps = vec![step(kernel, spec(), plan::INODES_TITLE, plan::PRINT_INODES, plan::PRINT_INODES)];
    let inside = plan::namespace_inodes(&steps[0].outcome.output);
    for (title, script) in plan::NAMESPACE_STEPS {
        steps.push(step(kernel, spec(), title, script, script));
    }
    let (user_title, user_script) = plan::USER_STEP;
    let user_spec = Spec { user_ns: true, ..standard(vec![busybox.clone()]) };
    steps.push(step(kernel, user_spec, user_title, user_script, user_script));
    let user_inode = plan::namespace_inodes(&steps[steps.len() - 1].outcome.output).into_iter().find(|(k, _)| k == "user").map(|(_, i)| i);
    // Two network namespaces joined by a veth pair; the run joins the first and pings the second.
    let veth = plan::VETH_ADDRESSES;
    let (a, b) = (kernel.add_netns(), kernel.add_netns());
    kernel.veth((a, "veth0", &format!("{}/30", veth.0)), (b, "veth1", &format!("{}/30", veth.1)));
    kernel.set_up(b, "lo", true);
    let (shown, script) = plan::veth_ping();
    let joined = Spec { join_net: Some(a), ..standard(vec![busybox.clone()]) };
    steps.push(step(kernel, joined, plan::VETH_TITLE, &shown, &script));
    kernel.remove_netns(a);
    kernel.remove_netns(b);
    let rows = KINDS
        .iter()
        .map(|kind| {
            let container = if *kind == "user" { user_inode } else { None }.or_else(|| inside.iter().find(|(k, _)| k == kind).map(|(_, i)| *i)).unwrap_or(0);
            NamespaceRow { kind: kind.to_string(), host: HOST.get(kind).unwrap_or(0), container }
        })
        .collect();
    (steps, KernelState::Namespaces { rows, veth: Some((veth.0.into(), veth.1.into())) })
}

/// The cgroups demo: one limit and what the kernel does at it.
pub fn cgroups(kernel: &mut Kernel, controller: Controller, limit: u64) -> (Vec<DemoStep>, KernelState) {
    let (title, script) = plan::cgroup_step(controller, limit);
    let mut spec = standard(vec![Rc::new(image::busybox())]);
    plan::set_cgroup_limit(&mut spec.limits, controller, limit);
    if controller == Controller::Pids {
        spec.output_cap = plan::PIDS_OUTPUT_CAP;
        spec.time_limit_us = plan::PIDS_TIMEOUT_MS * 1000;
    }
    let run = step(kernel, spec, title, &script, &script);
    let state = plan::cgroup_state(controller, limit, &run.outcome);
    (vec![run], state)
}

/// The overlay demo: copy-up, a whiteout and a new file over two read-only layers.
pub fn overlay(kernel: &mut Kernel) -> (Vec<DemoStep>, KernelState) {
    let script = plan::OVERLAY_SCRIPT;
    let (busybox, app) = (Rc::new(image::busybox()), Rc::new(image::app()));
    let before = (*app).clone();
    let spec = Spec { root: Root::Overlay { lower: vec![app.clone(), busybox.clone()], stage: "/var/lib/kubeplay/runs/overlay-1".into() }, ..standard(Vec::new()) };
    let (outcome, upper) = run_script(kernel, spec, Dialect::Ash, script);
    let layer = |name: &str, writable: bool, l: &Layer, limit: usize| {
        let (entries, omitted) = l.listing(limit);
        kubeplay_lab::Layer { name: name.into(), writable, entries, omitted }
    };
    // The image's own files, as the real runner lists them.
    let (all, _) = busybox.listing(usize::MAX);
    let (shown, hidden): (Vec<_>, Vec<_>) = all.into_iter().partition(|e| plan::shown_in_image_listing(&e.path, e.kind == LayerEntryKind::Dir));
    let image_layer = kubeplay_lab::Layer { name: busybox.name.clone(), writable: false, entries: shown, omitted: hidden.len() };
    let layers = vec![layer(plan::LAYER_NAMES[0], true, &upper, 100), layer(&app.name, false, &app, 100), image_layer];
    let step = DemoStep { title: plan::OVERLAY_TITLE.into(), command: script.into(), outcome };
    (vec![step], KernelState::Overlay { layers, lower_unchanged: *app == before })
}

/// The capabilities demo: each action with and without the capability it needs.
pub fn capabilities(kernel: &mut Kernel) -> (Vec<DemoStep>, KernelState) {
    let busybox = Rc::new(image::busybox());
    let (mut steps, mut trials) = (Vec::new(), Vec::new());
    for (capability, action, command, allow) in plan::CAPABILITY_TRIALS {
        for kept in [true, false] {
            let mut keep: Vec<&str> = plan::DEFAULT_CAPS.iter().copied().filter(|c| *c != capability).collect();
            if kept {
                keep.push(capability);
            }
            let seccomp = plan::SECCOMP_DENIED.iter().copied().filter(|s| !allow.contains(s)).collect();
            let spec = Spec { caps: CapSets::keeping(mask(&keep)), seccomp: Some(seccomp), ..standard(vec![busybox.clone()]) };
            let title = plan::capability_title(action, capability, kept);
            let run = step(kernel, spec, &title, command, &plan::capability_script(command));
            let effective = run.outcome.output.lines().find_map(|l| l.strip_prefix("CapEff:")).map(capability_names).unwrap_or_default();
            trials.push(CapabilityTrial { capability: capability.into(), action: action.into(), kept, allowed: plan::capability_allowed(&run.outcome.output, command), effective });
            steps.push(run);
        }
    }
    (steps, KernelState::Capabilities { trials })
}

/// The chroot demo: bash in a jail of its programs and libraries (GNU tools, so GNU's messages).
pub fn chroot(kernel: &mut Kernel) -> (Vec<DemoStep>, KernelState) {
    let script = plan::CHROOT_SCRIPT;
    let jail = Rc::new(image::jail());
    // Without CAP_SYS_CHROOT the classic escape (chroot into a subdirectory, then cd ..) is closed.
    let keep: Vec<&str> = plan::DEFAULT_CAPS.iter().copied().filter(|c| *c != "CAP_SYS_CHROOT").collect();
    let env = vec![("PATH".to_string(), "/bin".to_string())];
    let spec = Spec { root: Root::Jail(jail.clone()), caps: CapSets::keeping(mask(&keep)), env, ..standard(Vec::new()) };
    let outcome = run_script(kernel, spec, Dialect::Bash, script).0;
    let step = DemoStep { title: plan::CHROOT_TITLE.into(), command: plan::chroot_command(), outcome };
    (vec![step], KernelState::Jail { files: jail.listing(200).0 })
}

/// The shell demo: the learner's command in the standard sandbox, a fresh overlay each run.
pub fn shell(kernel: &mut Kernel, command: &str) -> (Vec<DemoStep>, KernelState) {
    let spec = Spec { output_cap: plan::SHELL_OUTPUT_CAP, ..standard(vec![Rc::new(image::busybox())]) };
    (vec![step(kernel, spec, plan::SHELL_TITLE, command, command)], KernelState::None)
}
