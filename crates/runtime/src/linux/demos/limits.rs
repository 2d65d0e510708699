//! The demos of limits: a cgroup controller at its limit (the OOM killer, CPU
//! throttling, a contained fork bomb) and capabilities (the same action with
//! and without the capability it needs).

use super::{busybox_spec, step};
use crate::demo::{capability_names, plan, CapabilityTrial, Controller, DemoStep, KernelState};
use super::Runner;

pub(super) fn cgroups(r: &Runner, controller: Controller, limit: u64) -> Result<(Vec<DemoStep>, KernelState), String> {
    let (title, script) = plan::cgroup_step(controller, limit);
    let mut spec = busybox_spec(r, &script)?;
    plan::set_cgroup_limit(&mut spec.limits, controller, limit);
    if controller == Controller::Pids {
        spec.output_cap = plan::PIDS_OUTPUT_CAP;
        spec.timeout_ms = plan::PIDS_TIMEOUT_MS;
    }
    let run = step(r, title, &script, &spec)?;
    let state = plan::cgroup_state(controller, limit, &run.outcome);
    Ok((vec![run], state))
}

pub(super) fn capabilities(r: &Runner) -> Result<(Vec<DemoStep>, KernelState), String> {
    let mut steps = Vec::new();
    let mut trials = Vec::new();
    for (capability, action, command, allow) in plan::CAPABILITY_TRIALS {
        for kept in [true, false] {
            let script = plan::capability_script(command);
            let mut spec = busybox_spec(r, &script)?;
            // The filter lets the action's system calls through, so the capability alone decides.
            spec.seccomp_allow = allow.iter().map(|s| s.to_string()).collect();
            spec.keep_caps.retain(|c| c != capability);
            if kept {
                spec.keep_caps.push(capability.to_string());
            }
            let title = plan::capability_title(action, capability, kept);
            let run = step(r, &title, command, &spec)?;
            let effective = run.outcome.output.lines().find_map(|l| l.strip_prefix("CapEff:")).map(capability_names).unwrap_or_default();
            trials.push(CapabilityTrial { capability: capability.into(), action: action.into(), kept, allowed: plan::capability_allowed(&run.outcome.output, command), effective });
            steps.push(run);
        }
    }
    Ok((steps, KernelState::Capabilities { trials }))
}
