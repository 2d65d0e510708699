//! Root tests of the lab's demos, one at a time: each asserts the kernel's own
//! answer (PID 1, the OOM kill count, throttled periods, EPERM without a
//! capability, the upper layer's contents) and, when its lab is dropped, that
//! nothing was left behind.

#![cfg(target_os = "linux")]

mod common;

use kubeplay_runtime::demo::{Controller, DemoReport, DemoRequest, KernelState, LayerEntryKind};
use kubeplay_runtime::linux::demos;

fn demo(lab: &common::Lab, request: DemoRequest) -> DemoReport {
    demos::run(&lab.sandbox, &request).unwrap_or_else(|e| panic!("{}: {e}", request.name()))
}

#[test]
fn namespaces_differ_from_the_hosts_and_a_veth_pair_carries_a_ping() {
    let Some(lab) = common::lab("ns") else { return };
    let report = demo(&lab, DemoRequest::Namespaces { hostname: "web-1".into() });
    let KernelState::Namespaces { rows, veth } = &report.state else { panic!("{:?}", report.state) };
    assert_eq!(rows.len(), 7);
    for row in rows {
        assert!(row.host > 0 && row.container > 0, "{row:?}");
        assert_ne!(row.host, row.container, "the run's {} namespace is its own", row.kind);
    }
    let output = |title: &str| report.steps.iter().find(|s| s.title.starts_with(title)).map(|s| s.outcome.output.clone()).unwrap_or_default();
    assert!(output("PID").starts_with("my PID is 1\n"));
    assert_eq!(output("UTS"), "web-1\n");
    assert!(output("network").contains("lo") && !output("network").contains("eth0"));
    assert!(output("user").starts_with("uid=0(root)"), "{}", output("user"));
    assert!(veth.is_some());
    assert!(output("a veth pair").contains("3 packets transmitted, 3 packets received"), "{}", output("a veth pair"));
}

#[test]
fn the_memory_limit_brings_the_oom_killer() {
    let Some(lab) = common::lab("memory") else { return };
    let report = demo(&lab, DemoRequest::Cgroups { controller: Controller::Memory, limit: 24 });
    let step = &report.steps[0];
    assert_eq!(step.outcome.exit_code, 137, "{}", step.outcome.output);
    let KernelState::Cgroup { limit, used, events, .. } = report.state else { panic!() };
    assert_eq!(limit, 24 << 20);
    assert!(events >= 1, "the kernel counted an OOM kill");
    assert!(used <= limit && used > limit / 2, "usage {used} reached the limit {limit}");
}

#[test]
fn a_cpu_quota_throttles_a_busy_loop() {
    let Some(lab) = common::lab("cpu") else { return };
    let report = demo(&lab, DemoRequest::Cgroups { controller: Controller::Cpu, limit: 20 });
    let KernelState::Cgroup { used, events, .. } = report.state else { panic!() };
    assert!(events > 0, "throttled periods: {:?}", report.steps[0].outcome.accounting);
    assert!(used <= 35, "a 20 % quota keeps the loop near 20 % of a CPU, saw {used} %");
}

#[test]
fn a_fork_bomb_hits_pids_max() {
    let Some(lab) = common::lab("pids") else { return };
    let report = demo(&lab, DemoRequest::Cgroups { controller: Controller::Pids, limit: 16 });
    let KernelState::Cgroup { events, .. } = report.state else { panic!() };
    assert!(events > 0);
    assert!(report.steps[0].outcome.output.contains("can't fork"), "{}", report.steps[0].outcome.output);
}

#[test]
fn overlay_copies_up_on_write_and_whites_out_on_delete() {
    let Some(lab) = common::lab("overlay-demo") else { return };
    let report = demo(&lab, DemoRequest::Overlay {});
    assert!(report.steps[0].outcome.output.starts_with("Welcome! This line comes from the app layer."));
    let KernelState::Overlay { layers, lower_unchanged } = &report.state else { panic!() };
    assert!(lower_unchanged);
    let upper = &layers[0];
    let kind = |path: &str| upper.entries.iter().find(|e| e.path == path).map(|e| e.kind);
    assert_eq!(kind("/app/a.txt"), Some(LayerEntryKind::File), "a.txt was copied up: {upper:?}");
    assert_eq!(kind("/app/b.txt"), Some(LayerEntryKind::Whiteout), "deleting b.txt left a whiteout");
    assert_eq!(kind("/app/c.txt"), Some(LayerEntryKind::File));
    assert_eq!(kind("/etc/motd"), None, "a file only read stays below");
    let app = &layers[1];
    assert!(app.entries.iter().any(|e| e.path == "/app/b.txt" && e.kind == LayerEntryKind::File), "the image layer still has b.txt");
    assert!(!lab.base.join("runs").read_dir().map(|mut d| d.next().is_some()).unwrap_or(false), "the container layer is removed after the report");
}

#[test]
fn each_capability_decides_its_action() {
    let Some(lab) = common::lab("caps") else { return };
    let report = demo(&lab, DemoRequest::Capabilities {});
    let KernelState::Capabilities { trials } = &report.state else { panic!() };
    assert_eq!(trials.len(), 6);
    for t in trials {
        assert_eq!(t.allowed, t.kept, "{} ({}) kept={}: {:?}", t.capability, t.action, t.kept, report.steps);
        assert_eq!(t.effective.contains(&t.capability), t.kept);
    }
    let without_bind = report.steps.iter().find(|s| s.title == "listen on port 80 without CAP_NET_BIND_SERVICE").unwrap();
    assert!(without_bind.outcome.output.contains("bind: Permission denied"));
}

#[test]
fn the_jail_holds_only_its_programs_and_libraries() {
    let Some(lab) = common::lab("jail") else { return };
    let report = demo(&lab, DemoRequest::Chroot {});
    let out = &report.steps[0].outcome.output;
    for program in ["bash", "cat", "ls", "libc.so.6", "ld-linux"] {
        assert!(out.contains(program), "the jail's listing names {program}: {out}");
    }
    assert!(out.contains("cat: /etc/passwd: No such file or directory"));
    let KernelState::Jail { files } = &report.state else { panic!() };
    assert!(files.iter().any(|f| f.path == "/bin/bash" && f.size > 100_000));
    assert!(files.iter().any(|f| f.path.contains("libc.so")), "ldd's libraries are in the jail");
}

#[test]
fn the_shell_runs_the_learners_command_in_the_standard_sandbox() {
    let Some(lab) = common::lab("shell") else { return };
    let report = demo(&lab, DemoRequest::Shell { command: "echo hello from $(hostname); mount -t tmpfs x /mnt || echo no-mount".into() });
    let out = &report.steps[0].outcome.output;
    assert!(out.starts_with("hello from container\n"), "{out}");
    assert!(out.contains("no-mount"), "the learner's shell cannot mount: {out}");
}

#[test]
fn an_oci_runtime_runs_the_same_image() {
    let Some(lab) = common::lab("oci-demo") else { return };
    if kubeplay_runtime::linux::oci::available().is_empty() {
        assert!(std::env::var_os("KUBEPLAY_REQUIRE_ROOT_TESTS").is_none(), "crun or runc must be installed");
        return;
    }
    let report = demo(&lab, DemoRequest::Oci { runtime: None });
    let out = &report.steps[0].outcome.output;
    assert!(out.starts_with("PID 1 on oci-demo"), "{out}");
    let KernelState::Oci { config, .. } = &report.state else { panic!() };
    assert!(config.contains("\"hostname\": \"oci-demo\""));
}

#[test]
fn a_new_sandbox_sweeps_what_a_dead_server_left_in_its_folder() {
    let Some(lab) = common::lab("sweep") else { return };
    let stale_layer = lab.base.join("runs/overlay-999999999-0/upper/app");
    let stale_bundle = lab.base.join("oci/lab-999999999-3");
    let live_layer = lab.base.join(format!("runs/overlay-{}-7", std::process::id()));
    for dir in [&stale_layer, &stale_bundle, &live_layer] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let init = std::path::Path::new(env!("CARGO_BIN_EXE_kubeplay-sandbox"));
    let _again = kubeplay_runtime::linux::sandbox::Sandbox::new(&lab.base, init).unwrap();
    assert!(!lab.base.join("runs/overlay-999999999-0").exists(), "a dead server's container layer is removed");
    assert!(!stale_bundle.exists(), "a dead server's OCI bundle is removed");
    assert!(live_layer.exists(), "a live server's run is left alone");
}
