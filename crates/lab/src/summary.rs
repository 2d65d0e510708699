//! A demo's result in one line, the same whether the kernel or the model
//! computed it: the console prints it after a `lab` command, the lab view
//! records it in the console history, and lesson checks look for it.

use crate::{Controller, DemoReport, KernelState, LayerEntryKind};

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1u32 << 20))
}

/// The result in one line, e.g. `cgroups memory: limit 16.0 MiB, used at most 16.0 MiB, OOM kills: 1`.
pub fn summary(report: &DemoReport) -> String {
    let how = if report.simulated { " (simulated)" } else { "" };
    let text = match &report.state {
        KernelState::Jail { files } => {
            let programs = files.iter().filter(|f| f.path.starts_with("/bin/")).count();
            format!("chroot: the jail holds {programs} programs and {} files in all", files.iter().filter(|f| f.kind == LayerEntryKind::File).count())
        }
        KernelState::Namespaces { rows, veth } => {
            let own = rows.iter().filter(|r| r.host != r.container).count();
            let ping = report.steps.last().filter(|_| veth.is_some()).map(|s| s.outcome.exit_code == 0);
            let veth = match ping {
                Some(true) => "; the ping crossed the veth pair",
                Some(false) => "; the ping across the veth pair failed",
                None => "",
            };
            format!("namespaces: {own} of {} namespaces are the run's own{veth}", rows.len())
        }
        KernelState::Cgroup { controller, limit, used, events } => match controller {
            Controller::Memory => format!("cgroups memory: limit {}, used at most {}, OOM kills: {events}", mib(*limit), mib(*used)),
            Controller::Cpu => format!("cgroups cpu: quota {limit} % of a CPU, used {used} %, throttled periods: {events}"),
            Controller::Pids => format!("cgroups pids: pids.max {limit}, failed forks: {events}"),
        },
        KernelState::Overlay { layers, lower_unchanged } => {
            let upper = layers.iter().find(|l| l.writable);
            let count = |kind| upper.map_or(0, |l| l.entries.iter().filter(|e| e.kind == kind).count());
            format!(
                "overlay: the container layer holds {} files and {} whiteouts; the image layers are {}",
                count(LayerEntryKind::File),
                count(LayerEntryKind::Whiteout),
                if *lower_unchanged { "unchanged" } else { "CHANGED" }
            )
        }
        KernelState::Capabilities { trials } => {
            let decided = trials.iter().filter(|t| t.allowed == t.kept).count();
            format!("capabilities: {decided} of {} trials went as the capability decided", trials.len())
        }
        KernelState::Oci { runtime, .. } => {
            let code = report.steps.first().map_or(-1, |s| s.outcome.exit_code);
            format!("oci: {runtime} ran the container, exit code {code}")
        }
        KernelState::None => format!("{}: exit code {}", report.demo, report.steps.first().map_or(-1, |s| s.outcome.exit_code)),
    };
    format!("{text}{how}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Accounting, DemoStep, RunOutcome};

    fn report(state: KernelState, simulated: bool) -> DemoReport {
        let outcome = RunOutcome { exit_code: 137, accounting: Accounting { oom_kills: 1, ..Accounting::default() }, ..RunOutcome::default() };
        DemoReport { demo: "cgroups".into(), steps: vec![DemoStep { title: "t".into(), command: "c".into(), outcome }], state, simulated }
    }

    #[test]
    fn results_read_as_one_line() {
        let memory = KernelState::Cgroup { controller: Controller::Memory, limit: 16 << 20, used: 16 << 20, events: 1 };
        assert_eq!(summary(&report(memory.clone(), false)), "cgroups memory: limit 16.0 MiB, used at most 16.0 MiB, OOM kills: 1");
        assert_eq!(summary(&report(memory, true)), "cgroups memory: limit 16.0 MiB, used at most 16.0 MiB, OOM kills: 1 (simulated)");
        let cpu = KernelState::Cgroup { controller: Controller::Cpu, limit: 20, used: 21, events: 10 };
        assert_eq!(summary(&report(cpu, false)), "cgroups cpu: quota 20 % of a CPU, used 21 %, throttled periods: 10");
    }
}
