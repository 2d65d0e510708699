//! The demos of limits: a cgroup controller at its limit (the OOM killer, CPU
//! throttling, a contained fork bomb) and capabilities (the same action with
//! and without the capability it needs).

use super::{busybox_spec, step};
use crate::demo::{capability_names, CapabilityTrial, Controller, DemoStep, KernelState};
use super::Runner;

/// The commands the cgroups demo runs, per controller.
pub(crate) fn cgroup_script(controller: Controller, limit: u64) -> String {
    match controller {
        // dd fills its whole buffer from /dev/zero: the buffer is memory the cgroup pays for.
        Controller::Memory => format!("echo 'allocating {} MiB under a {limit} MiB limit'; dd if=/dev/zero of=/dev/null bs={}M count=1", limit * 2, limit * 2),
        Controller::Cpu => "echo 'spinning for one second'; timeout 1 sh -c 'while :; do :; done'; echo done".into(),
        Controller::Pids => "echo 'a fork bomb'; bomb() { bomb | bomb & }; bomb; sleep 1".into(),
    }
}

pub(super) fn cgroups(r: &Runner, controller: Controller, limit: u64) -> Result<(Vec<DemoStep>, KernelState), String> {
    let script = cgroup_script(controller, limit);
    let mut spec = busybox_spec(r, &script)?;
    let title = match controller {
        Controller::Memory => {
            spec.limits.memory_bytes = limit << 20;
            "memory.limit_in_bytes: past it, the OOM killer ends the process"
        }
        Controller::Cpu => {
            spec.limits.cpu_quota_us = Some(limit * spec.limits.cpu_period_us / 100);
            "cpu quota: the process may run so long per 100 ms period, then waits"
        }
        Controller::Pids => {
            spec.limits.pids_max = limit;
            spec.output_cap = 8 * 1024;
            spec.timeout_ms = 3_000;
            "pids.max: forks beyond it fail, the host is unaffected"
        }
    };
    let run = step(r, title, &script, &spec)?;
    let a = run.outcome.accounting;
    let (used, events) = match controller {
        Controller::Memory => (a.memory_max_usage, a.oom_kills),
        Controller::Cpu => (a.cpu_usage_ns.saturating_mul(100) / (run.outcome.wall_us.max(1) * 1000), a.cpu_nr_throttled),
        Controller::Pids => (if a.pids_limit_hits > 0 { limit } else { 0 }, a.pids_limit_hits),
    };
    let limit_in_unit = if controller == Controller::Memory { limit << 20 } else { limit };
    Ok((vec![run], KernelState::Cgroup { controller, limit: limit_in_unit, used, events }))
}

/// The capabilities shown: the capability, what needs it, the command (which
/// prints its last word on a line of its own when the action worked), and
/// system calls the filter must let through.
pub(crate) const TRIALS: [(&str, &str, &str, &[&str]); 3] = [
    ("CAP_NET_BIND_SERVICE", "listen on port 80", "nc -l -p 80 & sleep 0.2; netstat -ltn | grep ':80 ' && echo listening; kill $! 2>/dev/null", &[]),
    ("CAP_NET_RAW", "ping with a raw socket", "ping -c 1 -W 1 127.0.0.1 && echo reached", &[]),
    ("CAP_SYS_ADMIN", "mount a file system", "mount -t tmpfs lab /mnt && echo mounted", &["mount"]),
];

/// Whether a trial's action worked: its command printed its success word on a line of its own.
fn allowed(output: &str, command: &str) -> bool {
    let word = command.rsplit("echo ").next().unwrap_or("").split(';').next().unwrap_or("").trim();
    !word.is_empty() && output.lines().any(|l| l.trim() == word)
}

pub(super) fn capabilities(r: &Runner) -> Result<(Vec<DemoStep>, KernelState), String> {
    let mut steps = Vec::new();
    let mut trials = Vec::new();
    for (capability, action, command, allow) in TRIALS {
        for kept in [true, false] {
            let script = format!("grep CapEff /proc/self/status; {command}");
            let mut spec = busybox_spec(r, &script)?;
            // The filter lets the action's system calls through, so the capability alone decides.
            spec.seccomp_allow = allow.iter().map(|s| s.to_string()).collect();
            spec.keep_caps.retain(|c| c != capability);
            if kept {
                spec.keep_caps.push(capability.to_string());
            }
            let title = format!("{action} {} {capability}", if kept { "with" } else { "without" });
            let run = step(r, &title, command, &spec)?;
            let effective = run.outcome.output.lines().find_map(|l| l.strip_prefix("CapEff:")).map(capability_names).unwrap_or_default();
            trials.push(CapabilityTrial { capability: capability.into(), action: action.into(), kept, allowed: allowed(&run.outcome.output, command), effective });
            steps.push(run);
        }
    }
    Ok((steps, KernelState::Capabilities { trials }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_read_as_allowed_or_denied() {
        let [bind, ping, mount] = TRIALS.map(|t| t.2);
        assert!(!allowed("nc: bind: Permission denied\n", bind));
        assert!(allowed("tcp 0 0 0.0.0.0:80 0.0.0.0:* LISTEN\nlistening\n", bind));
        assert!(allowed("64 bytes from 127.0.0.1\nreached\n", ping));
        assert!(allowed("mounted\n", mount));
        assert!(!allowed("mount: permission denied (are you root?)\n", mount));
        assert!(!allowed("CapEff: 0\n", mount));
    }
}
