//! Root integration test: a program in new PID, mount and UTS namespaces is PID 1,
//! sees its own hostname, and leaves no mounts or processes behind.

#![cfg(target_os = "linux")]

/// The tests fork; one at a time, so "no process left behind" sees only its own.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn mounts() -> String {
    std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default()
}

fn children_of_us() -> usize {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
                .filter(|stat| stat.rsplit(')').next().and_then(|rest| rest.split_whitespace().nth(1)) == Some(me.as_str()))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn true_runs_as_pid_1_with_its_own_hostname_and_leaves_nothing() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let report = kubeplay_runtime::probe();
    if !report.root {
        eprintln!("skipped: needs root (this test runs as root in CI)");
        return;
    }
    let host_name_before = nix::unistd::gethostname().unwrap();
    let mounts_before = mounts();
    let run = kubeplay_runtime::run_in_namespaces("/bin/true", "kubeplay-demo").expect("namespaced run");
    assert_eq!(run.pid_inside, 1, "the first process in a new PID namespace is PID 1");
    assert_eq!(run.hostname_inside, "kubeplay-demo");
    assert_eq!(run.exit_code, 0);
    assert_eq!(nix::unistd::gethostname().unwrap(), host_name_before, "the host's name is untouched");
    assert_eq!(mounts(), mounts_before, "no mount is left behind");
    assert_eq!(children_of_us(), 0, "no process is left behind");
}

#[test]
fn a_failing_program_reports_its_exit_code() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    if !kubeplay_runtime::probe().root {
        eprintln!("skipped: needs root");
        return;
    }
    let run = kubeplay_runtime::run_in_namespaces("/bin/false", "x").unwrap();
    assert_eq!((run.pid_inside, run.exit_code), (1, 1));
    assert!(kubeplay_runtime::run_in_namespaces("/no/such/program", "x").unwrap().exit_code != 0);
}

#[test]
fn probe_reads_this_host() {
    let r = kubeplay_runtime::probe();
    assert_eq!(r.os, "linux");
    assert_eq!(r.root, nix::unistd::geteuid().is_root());
    assert_ne!(r.cgroup, kubeplay_runtime::CgroupVersion::None, "this kind of host mounts cgroups");
}
