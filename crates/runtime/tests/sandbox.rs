//! Root tests of the standard sandbox: what a command inside it sees and
//! cannot do, and that limits end it without touching the host. Each test
//! also checks (when its lab is dropped) that no mount, process, cgroup or
//! network namespace is left behind.

#![cfg(target_os = "linux")]

mod common;

use kubeplay_runtime::linux::rootfs::busybox_image;
use kubeplay_runtime::{RunOutcome, SandboxSpec};

fn sh(lab: &common::Lab, script: &str) -> (SandboxSpec, RunOutcome) {
    let spec = SandboxSpec::standard(&["sh", "-c", script], vec![busybox_image(&lab.base).unwrap()]);
    let outcome = lab.sandbox.run(&spec).expect("run");
    (spec, outcome)
}

fn run(lab: &common::Lab, spec: &SandboxSpec) -> RunOutcome {
    lab.sandbox.run(spec).expect("run")
}

#[test]
fn the_command_is_pid_1_with_its_own_hostname_and_only_loopback() {
    let Some(lab) = common::lab("pid1") else { return };
    let host_name = nix::unistd::gethostname().unwrap();
    let (_, out) = sh(&lab, "echo $$; hostname; ls /sys/class/net; ps | wc -l");
    assert_eq!(out.exit_code, 0, "{}", out.output);
    let lines: Vec<&str> = out.output.lines().collect();
    assert_eq!(lines[0], "1", "the first process of a new PID namespace is PID 1");
    assert_eq!(lines[1], "container");
    assert_eq!(lines[2], "lo", "a new network namespace has only loopback");
    assert_eq!(lines[3].trim(), "4", "ps sees its header, sh, wc and itself only");
    assert_eq!(nix::unistd::gethostname().unwrap(), host_name, "the host's name is untouched");
}

#[test]
fn kernel_settings_devices_and_new_namespaces_are_out_of_reach() {
    let Some(lab) = common::lab("reach") else { return };
    let script = "echo x > /proc/sys/kernel/hostname || echo sysctl-refused; \
                  mknod /tmp/sda b 8 0 && echo made-node; \
                  unshare -U true || echo unshare-refused; \
                  cat /proc/kcore | wc -c; \
                  hostname other || echo hostname-refused";
    let (_, out) = sh(&lab, script);
    for expected in ["sysctl-refused", "unshare-refused", "hostname-refused"] {
        assert!(out.output.lines().any(|l| l == expected), "expected {expected} in:\n{}", out.output);
    }
    assert!(!out.output.contains("made-node"), "no block device may be made:\n{}", out.output);
    assert!(out.output.lines().any(|l| l.trim() == "0"), "/proc/kcore reads as empty:\n{}", out.output);
}

#[test]
fn writes_land_in_a_throwaway_layer_and_the_image_is_untouched() {
    let Some(lab) = common::lab("overlay") else { return };
    let image = busybox_image(&lab.base).unwrap();
    let before: Vec<_> = std::fs::read_dir(image.join("bin")).unwrap().flatten().map(|e| e.file_name()).collect();
    let (_, out) = sh(&lab, "rm -rf /bin/ls /etc; echo hacked > /root/x; ls /etc 2>&1; cat /root/x");
    assert!(out.output.contains("hacked"), "{}", out.output);
    let after: Vec<_> = std::fs::read_dir(image.join("bin")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(before, after, "the image's /bin is unchanged");
    assert!(image.join("etc/passwd").is_file() && !image.join("root/x").exists());
    let (_, again) = sh(&lab, "ls /bin/ls && cat /etc/hostname");
    assert_eq!(again.exit_code, 0, "a second run starts from the image again: {}", again.output);
}

#[test]
fn the_time_limit_kills_everything_the_run_started() {
    let Some(lab) = common::lab("timeout") else { return };
    let mut spec = SandboxSpec::standard(&["sh", "-c", "sleep 100 & sleep 100 & sleep 100"], vec![busybox_image(&lab.base).unwrap()]);
    spec.timeout_ms = 300;
    let started = std::time::Instant::now();
    let out = run(&lab, &spec);
    assert!(out.timed_out);
    assert_eq!(out.signal, Some(9));
    assert!(started.elapsed().as_secs() < 5, "ended in {:?}", started.elapsed());
}

#[test]
fn output_beyond_the_cap_is_counted_and_dropped() {
    let Some(lab) = common::lab("cap") else { return };
    let mut spec = SandboxSpec::standard(&["sh", "-c", "dd if=/dev/zero bs=1000 count=100 2>/dev/null"], vec![busybox_image(&lab.base).unwrap()]);
    spec.output_cap = 1000;
    let out = run(&lab, &spec);
    assert_eq!(out.output.len(), 1000);
    assert_eq!(out.output_dropped, 99_000);
}

#[test]
fn a_fork_bomb_and_a_memory_hog_stay_inside_their_limits() {
    let Some(lab) = common::lab("bombs") else { return };
    let host_pids_before = std::fs::read_dir("/proc").unwrap().flatten().filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok()).count();
    let mut spec = SandboxSpec::standard(&["sh", "-c", "bomb() { bomb | bomb & }; bomb; sleep 1"], vec![busybox_image(&lab.base).unwrap()]);
    spec.limits.pids_max = 24;
    spec.timeout_ms = 3000;
    spec.output_cap = 4096;
    let bomb = run(&lab, &spec);
    assert!(bomb.accounting.pids_limit_hits > 0, "forks hit pids.max: {:?}", bomb.accounting);
    let host_pids_after = std::fs::read_dir("/proc").unwrap().flatten().filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok()).count();
    assert!(host_pids_after < host_pids_before + 10, "the host's process count is unaffected ({host_pids_before} -> {host_pids_after})");

    let mut spec = SandboxSpec::standard(&["sh", "-c", "dd if=/dev/zero of=/dev/null bs=64M count=1"], vec![busybox_image(&lab.base).unwrap()]);
    spec.limits.memory_bytes = 16 << 20;
    let hog = run(&lab, &spec);
    assert_eq!(hog.exit_code, 137, "the OOM killer ends the hog: {}", hog.output);
    assert!(hog.accounting.oom_kills >= 1, "{:?}", hog.accounting);
    assert!(hog.accounting.memory_max_usage <= 16 << 20);
}

#[test]
fn a_user_namespace_makes_nobody_root_inside() {
    let Some(lab) = common::lab("userns") else { return };
    let mut spec = SandboxSpec::standard(&["sh", "-c", "id -u; cat /proc/self/uid_map; touch /etc/x"], vec![busybox_image(&lab.base).unwrap()]);
    spec.namespaces.user = true;
    let out = run(&lab, &spec);
    let lines: Vec<&str> = out.output.lines().collect();
    assert_eq!(lines[0], "0", "root inside: {}", out.output);
    assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["0", "65534", "1"], "uid 0 inside is 65534 outside");
    assert!(out.output.contains("Permission denied"), "root of the namespace cannot write the host-owned image: {}", out.output);
}

#[test]
fn a_missing_program_and_a_bad_request_are_reported() {
    let Some(lab) = common::lab("errors") else { return };
    let spec = SandboxSpec::standard(&["no-such-program"], vec![busybox_image(&lab.base).unwrap()]);
    let out = run(&lab, &spec);
    assert_eq!(out.exit_code, 127);
    assert!(out.output.contains("no-such-program: not found"), "{}", out.output);
    let mut bad = spec.clone();
    bad.hostname = "../x".into();
    assert!(lab.sandbox.run(&bad).is_err());
}
