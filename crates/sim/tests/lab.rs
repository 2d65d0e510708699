//! The simulated containers lab against the real one: every report recorded
//! on a Linux host by `kubeplay-runtime` (`tests/lab-real/*.json`) is run
//! again through the model and must have the same shape and the same key
//! output; then the model's own promises: limits change outcomes, each run
//! starts from a fresh overlay, the same request gives the same report, and
//! odd input never panics.

use kubeplay_lab::{Controller, DemoReport, DemoRequest, KernelState, LayerEntryKind};
use kubeplay_sim::lab;
use std::collections::BTreeSet;

fn run(request: DemoRequest) -> DemoReport {
    lab::run(&request).unwrap_or_else(|e| panic!("{request:?}: {e}"))
}

fn shell(command: &str) -> DemoReport {
    run(DemoRequest::Shell { command: command.into() })
}

fn output(report: &DemoReport) -> &str {
    &report.steps[0].outcome.output
}

/// The recorded real reports, by file stem.
fn recorded() -> Vec<(String, DemoReport)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lab-real");
    let mut reports: Vec<(String, DemoReport)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap()))
        .collect();
    reports.sort_by(|a, b| a.0.cmp(&b.0));
    reports
}

/// The request that produced a recorded report (the file name tells which).
fn request_for(name: &str, real: &DemoReport) -> DemoRequest {
    match (name, &real.state) {
        ("chroot", _) => DemoRequest::Chroot {},
        ("namespaces", _) => DemoRequest::Namespaces { hostname: "container".into() },
        ("overlay", _) => DemoRequest::Overlay {},
        ("capabilities", _) => DemoRequest::Capabilities {},
        ("oci", KernelState::Oci { runtime, .. }) => DemoRequest::Oci { runtime: Some(runtime.clone()) },
        ("shell", _) => DemoRequest::Shell { command: real.steps[0].command.clone() },
        (_, KernelState::Cgroup { controller, limit, .. }) => DemoRequest::Cgroups { controller: *controller, limit: if *controller == Controller::Memory { limit >> 20 } else { *limit } },
        _ => panic!("no request known for {name}"),
    }
}

/// A line with what differs between runs of a real kernel blanked: namespace
/// inode numbers (`ipc:[4026532180]`), ping times, the OCI container id.
fn normalize(line: &str) -> String {
    let mut out = line.to_string();
    if let (Some(open), Some(close)) = (out.find(":["), out.rfind(']')) {
        if open < close && out[open + 2..close].chars().all(|c| c.is_ascii_digit()) {
            out.replace_range(open + 2..close, "N");
        }
    }
    if let Some(i) = out.find(" time=") {
        out.truncate(i);
    }
    if let Some(i) = out.find("round-trip min/avg/max = ") {
        out.truncate(i + 24);
    }
    out
}

/// Real lines the model deliberately prints otherwise, by demo.
fn deliberately_different(demo: &str, line: &str) -> bool {
    match demo {
        // The fork bomb's messages interleave as its processes race ("sh: sh: sh: can't fork");
        // the model's forks run in turn, each message on its own line (checked below by key line).
        "cgroups-pids" => line.contains("can't fork"),
        // The recording host had cgroup v1 hierarchies ("9:name=systemd:/"); the model is cgroup v2 ("0::/").
        "oci" => line.split(':').next().is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())),
        _ => false,
    }
}

/// Key lines per demo that must be in both outputs of a step, exactly.
fn key_lines(demo: &str) -> &'static [(usize, &'static str)] {
    match demo {
        "chroot" => &[(0, "inside the jail, / holds:"), (0, "5 directories, 9 files"), (0, "cat: /etc/passwd: No such file or directory"), (0, "ls: cannot access '/home': No such file or directory")],
        "namespaces" => &[
            (0, "user -> user:[4026531837]"),
            (1, "my PID is 1"),
            (2, "container"),
            (5, "ipc -> ipc:["),
            (6, "uid=0(root) gid=0(root)"),
            (6, "touch: /etc/x: Permission denied"),
            (7, "3 packets transmitted, 3 packets received, 0% packet loss"),
        ],
        "cgroups-memory" => &[(0, "allocating 64 MiB under a 32 MiB limit")],
        "cgroups-cpu" => &[(0, "Terminated"), (0, "done")],
        "cgroups-pids" => &[(0, "a fork bomb"), (0, "can't fork: Resource temporarily unavailable")],
        "capabilities" => &[
            (0, "listening"),
            (1, "nc: bind: Permission denied"),
            (2, "1 packets transmitted, 1 packets received, 0% packet loss"),
            (3, "ping: permission denied (are you root?)"),
            (4, "mounted"),
            (5, "mount: permission denied (are you root?)"),
        ],
        "oci" => &[(0, "PID 1 on oci-demo"), (0, "CapEff:\t0000000020000420")],
        "overlay" => &[(0, "Welcome! This line comes from the app layer."), (0, "second line")],
        "shell" => &[(0, "uid=0(root) gid=0(root)"), (0, "CapEff:\t00000000a00425fb"), (0, "mount: permission denied (are you root?)"), (0, "11")],
        _ => &[],
    }
}

#[test]
fn every_recorded_real_report_is_matched_by_the_model() {
    let reports = recorded();
    assert_eq!(reports.len(), 9, "one recording per demo and controller");
    for (name, real) in reports {
        let sim = run(request_for(&name, &real));
        assert!(sim.simulated && !real.simulated, "{name}");
        assert_eq!(sim.demo, real.demo, "{name}");
        assert_eq!(sim.steps.len(), real.steps.len(), "{name}: steps");
        assert_eq!(std::mem::discriminant(&sim.state), std::mem::discriminant(&real.state), "{name}: kernel state kind");
        for (i, (s, r)) in sim.steps.iter().zip(&real.steps).enumerate() {
            assert_eq!(s.title, r.title, "{name} step {i}: title");
            // The OCI container's id names the server process that ran it.
            let command = |c: &str| if name == "oci" { c.rsplit_once(" lab-").map_or(c.to_string(), |(head, _)| head.to_string()) } else { c.to_string() };
            assert_eq!(command(&s.command), command(&r.command), "{name} step {i}: command");
            assert_eq!((s.outcome.exit_code, s.outcome.signal), (r.outcome.exit_code, r.outcome.signal), "{name} step {i}: exit\n{}", s.outcome.output);
            assert_eq!(s.outcome.timed_out, r.outcome.timed_out, "{name} step {i}");
            let sim_lines: BTreeSet<String> = s.outcome.output.lines().map(normalize).collect();
            for line in r.outcome.output.lines().filter(|l| !deliberately_different(&name, l)) {
                assert!(sim_lines.contains(&normalize(line)), "{name} step {i}: the real line {line:?} is missing from\n{}", s.outcome.output);
            }
        }
        for (i, line) in key_lines(&name) {
            assert!(real.steps[*i].outcome.output.contains(line), "{name}: the key line {line:?} is not in the recording");
            assert!(sim.steps[*i].outcome.output.contains(line), "{name} step {i}: {line:?} missing from\n{}", sim.steps[*i].outcome.output);
        }
        same_state(&name, &sim.state, &real.state);
    }
}

/// The kernel state beside the recorded one: equal where the model is exact, close where it is timing.
fn same_state(name: &str, sim: &KernelState, real: &KernelState) {
    match (sim, real) {
        (KernelState::Jail { files: s }, KernelState::Jail { files: r }) => assert_eq!(s, r, "{name}"),
        (KernelState::Namespaces { rows: s, veth: sv }, KernelState::Namespaces { rows: r, veth: rv }) => {
            assert_eq!(sv, rv, "{name}");
            let kinds = |rows: &[kubeplay_lab::NamespaceRow]| rows.iter().map(|row| (row.kind.clone(), row.host)).collect::<Vec<_>>();
            assert_eq!(kinds(s), kinds(r), "{name}: kinds and host inodes");
        }
        (KernelState::Cgroup { controller, limit, used, events }, KernelState::Cgroup { limit: rl, used: ru, events: re, .. }) => {
            assert_eq!(limit, rl, "{name}");
            match controller {
                Controller::Memory => assert_eq!((used, events), (ru, re), "{name}"),
                Controller::Cpu => assert!(used.abs_diff(*ru) <= 2 && events.abs_diff(*re) <= 2, "{name}: used {used} vs {ru}, throttled {events} vs {re}"),
                Controller::Pids => assert!(used == ru && *events > 0, "{name}"),
            }
        }
        (KernelState::Overlay { layers: s, lower_unchanged: su }, KernelState::Overlay { layers: r, lower_unchanged: ru }) => {
            assert!(*su && *ru, "{name}");
            assert_eq!(s[..2], r[..2], "{name}: the container and app layers");
            assert_eq!((s[2].entries.len(), s[2].omitted), (r[2].entries.len(), r[2].omitted), "{name}: the busybox layer's size");
        }
        (KernelState::Capabilities { trials: s }, KernelState::Capabilities { trials: r }) => assert_eq!(s, r, "{name}"),
        (KernelState::Oci { runtime, version, config }, KernelState::Oci { runtime: rr, config: rc, .. }) => {
            assert_eq!(runtime, rr, "{name}");
            assert!(version.starts_with(&format!("{runtime} version ")) && version.ends_with("(simulated)"), "{version}");
            let mut s: serde_json::Value = serde_json::from_str(config).unwrap();
            let mut r: serde_json::Value = serde_json::from_str(rc).unwrap();
            for v in [&mut s, &mut r] {
                v["linux"]["cgroupsPath"] = "kubeplay-oci/ID".into();
            }
            assert_eq!(s, r, "{name}: config.json");
            assert!(config.starts_with("{\n  \"ociVersion\""), "the runtime's field order");
        }
        (KernelState::None, KernelState::None) => {}
        _ => panic!("{name}: kernel states differ"),
    }
}

fn cgroup(controller: Controller, limit: u64) -> (DemoReport, u64, u64) {
    let report = run(DemoRequest::Cgroups { controller, limit });
    let KernelState::Cgroup { used, events, .. } = report.state else { panic!("{:?}", report.state) };
    (report, used, events)
}

#[test]
fn a_memory_limit_is_where_the_oom_killer_strikes() {
    for limit in [8, 256] {
        // The demo always asks for twice the limit.
        let (report, used, events) = cgroup(Controller::Memory, limit);
        let outcome = &report.steps[0].outcome;
        assert_eq!((outcome.exit_code, outcome.signal, outcome.accounting.oom_kills), (137, Some(9), 1));
        assert_eq!((used, events), (limit << 20, 1));
        assert!(outcome.output.contains(&format!("allocating {} MiB under a {limit} MiB limit", 2 * limit)));
    }
    let fits = shell("dd if=/dev/zero of=/dev/null bs=16M count=1");
    let outcome = &fits.steps[0].outcome;
    assert_eq!((outcome.exit_code, outcome.accounting.oom_kills), (0, 0), "{}", outcome.output);
    assert_eq!(outcome.output, "1+0 records in\n1+0 records out\n");
    assert!(outcome.accounting.memory_max_usage > 16 << 20 && outcome.accounting.memory_max_usage < 64 << 20);
    let killed = shell("dd if=/dev/zero of=/dev/null bs=128M count=1");
    let outcome = &killed.steps[0].outcome;
    assert_eq!((outcome.exit_code, outcome.signal, outcome.accounting.oom_kills), (137, Some(9), 1));
    assert_eq!(outcome.accounting.memory_max_usage, 64 << 20, "usage peaked at memory.max");
    let not_last = shell("dd if=/dev/zero of=/dev/null bs=128M count=1; echo after $?");
    assert_eq!((output(&not_last), not_last.steps[0].outcome.exit_code), ("Killed\nafter 137\n", 0), "a forked dd dies, the shell goes on");
}

#[test]
fn a_cpu_quota_is_the_share_of_the_second_the_loop_gets() {
    let (low, used_low, throttled_low) = cgroup(Controller::Cpu, 5);
    let (_, used_full, throttled_full) = cgroup(Controller::Cpu, 100);
    assert_eq!((used_low, used_full), (5, 100));
    assert!((9..=11).contains(&throttled_low), "{throttled_low}");
    assert_eq!(throttled_full, 0);
    let outcome = &low.steps[0].outcome;
    assert_eq!(outcome.output, "spinning for one second\nTerminated\ndone\n");
    assert!(outcome.accounting.cpu_throttled_ns > 900_000_000, "throttled nearly all of the second");
    let (_, used_mid, _) = cgroup(Controller::Cpu, 40);
    assert_eq!(used_mid, 40);
}

#[test]
fn a_fork_bomb_stops_at_pids_max() {
    for limit in [8, 256] {
        let (report, used, events) = cgroup(Controller::Pids, limit);
        let outcome = &report.steps[0].outcome;
        assert_eq!(used, limit, "the table filled up to pids.max");
        assert!(events > 0 && events == outcome.accounting.pids_limit_hits);
        assert!(outcome.output.starts_with("a fork bomb\nsh: can't fork: Resource temporarily unavailable\n"), "{}", outcome.output);
        assert_eq!(outcome.exit_code, 0, "the host (and the demo's own shell) is unaffected");
        assert!(outcome.wall_us >= 1_000_000, "the shell still slept its second");
    }
    assert!(cgroup(Controller::Pids, 256).2 > cgroup(Controller::Pids, 8).2, "more processes, more failed forks at the end");
}

#[test]
fn every_namespace_differs_from_the_hosts_and_the_hostname_is_the_requested_one() {
    let report = run(DemoRequest::Namespaces { hostname: "web-1".into() });
    let KernelState::Namespaces { rows, veth } = &report.state else { panic!() };
    assert_eq!(rows.len(), 7);
    for row in rows {
        assert_ne!(row.container, row.host, "{}", row.kind);
        assert!(row.container >= 4026532160, "{}", row.kind);
    }
    let uts = report.steps.iter().find(|s| s.title.starts_with("UTS namespace")).unwrap();
    assert_eq!(uts.outcome.output, "web-1\n");
    assert_eq!(veth.as_ref().map(|v| v.1.as_str()), Some("10.200.0.2"));
    let ps = &report.steps[1].outcome.output;
    assert_eq!(ps.lines().filter(|l| l.starts_with("    ")).count(), 1, "only its own process:\n{ps}");
}

#[test]
fn the_overlay_copies_up_whites_out_and_leaves_the_image_alone() {
    let report = run(DemoRequest::Overlay {});
    let KernelState::Overlay { layers, lower_unchanged } = &report.state else { panic!() };
    assert!(*lower_unchanged);
    let upper: Vec<(&str, LayerEntryKind, u64)> = layers[0].entries.iter().map(|e| (e.path.as_str(), e.kind, e.size)).collect();
    assert_eq!(upper, vec![("/app", LayerEntryKind::Dir, 0), ("/app/a.txt", LayerEntryKind::File, 23), ("/app/b.txt", LayerEntryKind::Whiteout, 0), ("/app/c.txt", LayerEntryKind::File, 4)]);
    assert!(layers[0].writable && !layers[1].writable && !layers[2].writable);
    let app: Vec<(&str, u64)> = layers[1].entries.iter().map(|e| (e.path.as_str(), e.size)).collect();
    assert_eq!(app, vec![("/app", 0), ("/app/a.txt", 11), ("/app/b.txt", 26), ("/etc", 0), ("/etc/motd", 45)], "the app layer is unchanged");
    assert_eq!(output(&report), "Welcome! This line comes from the app layer.\na.txt\nc.txt\nfirst line\nsecond line\n");
}

#[test]
fn a_capability_alone_decides_each_action() {
    let report = run(DemoRequest::Capabilities {});
    let KernelState::Capabilities { trials } = &report.state else { panic!() };
    assert_eq!(trials.len(), 6);
    for pair in trials.chunks(2) {
        let (with, without) = (&pair[0], &pair[1]);
        assert!(with.kept && !without.kept);
        for t in pair {
            assert_eq!(t.allowed, t.kept, "{} kept={}", t.capability, t.kept);
        }
        let (a, b): (BTreeSet<&String>, BTreeSet<&String>) = (with.effective.iter().collect(), without.effective.iter().collect());
        let differ: Vec<&&String> = a.symmetric_difference(&b).collect();
        assert_eq!(differ, vec![&&with.capability], "the effective sets differ by exactly the capability");
    }
}

#[test]
fn the_learners_shell() {
    assert_eq!(output(&shell("echo hi | wc -c")), "3\n");
    let ps = shell("ps");
    assert_eq!(output(&ps), "PID   USER     COMMAND\n    1 root     {ps} sh -c ps\n");
    let gone = shell("rm -rf /bin; ls /bin");
    assert_eq!(output(&gone), "ls: /bin: No such file or directory\n", "busybox runs its applets without /bin");
    let fresh = shell("ls /bin");
    assert!(output(&fresh).lines().any(|l| l == "busybox") && output(&fresh).lines().any(|l| l == "ls"), "a new run starts from a fresh overlay");
    let yes = shell("yes");
    let outcome = &yes.steps[0].outcome;
    assert_eq!(outcome.output.len(), 65536);
    assert!(outcome.output_dropped > 0 && outcome.timed_out);
    assert_eq!((outcome.exit_code, outcome.signal, outcome.wall_us), (137, Some(9), 5_000_000));
    let unknown = shell("foo");
    assert_eq!((output(&unknown), unknown.steps[0].outcome.exit_code), ("sh: foo: not found\n", 127));
    let mount = shell("mount -t tmpfs x /mnt");
    assert_eq!((output(&mount), mount.steps[0].outcome.exit_code), ("mount: permission denied (are you root?)\n", 1));
    assert_eq!(yes.state, KernelState::None);
}

#[test]
fn the_shell_computes_from_the_model() {
    // Files written in a run are read back in the same run, and the order of stdout and stderr is kept.
    assert_eq!(output(&shell("cd /tmp; echo a > f; cat f nope; ls")), "a\ncat: can't open 'nope': No such file or directory\nf\n");
    // Pipelines are processes: ps sees every stage.
    let ps = shell("ps | grep -c sh");
    assert_eq!(output(&ps), "3\n");
    // Compound commands, functions, command substitution, background jobs and wait.
    assert_eq!(output(&shell("for i in 1 2 3; do echo $i; done | tail -1")), "3\n");
    assert_eq!(output(&shell("greet() { echo \"hi $1\"; }; greet you; x=$(hostname); echo $x")), "hi you\ncontainer\n");
    let waited = shell("sleep 1 & wait; echo done");
    assert_eq!(output(&waited), "done\n");
    assert!(waited.steps[0].outcome.wall_us >= 1_000_000);
    // The network namespace holds only lo: nothing else is routed.
    assert_eq!(output(&shell("ping -c 1 8.8.8.8")), "PING 8.8.8.8 (8.8.8.8): 56 data bytes\nping: sendto: Network is unreachable\n");
    assert!(output(&shell("nc -l -p 8080 & sleep 0.1; echo hello | nc 127.0.0.1 8080")).contains("hello"));
    // Privileged calls: without the capability, or filtered by seccomp.
    assert_eq!(output(&shell("hostname web")), "hostname: sethostname: Operation not permitted\n");
    assert_eq!(output(&shell("unshare -n sh")), "unshare: unshare(0x40000000): Operation not permitted\n");
    assert_eq!(output(&shell("mknod /tmp/null c 1 3")), "mknod: /tmp/null: Operation not permitted\n");
    // A busy loop under `timeout` ends with SIGTERM; an endless one at the run's time limit.
    let loop_ = shell("timeout 1 sh -c 'while :; do :; done'; echo $?");
    assert_eq!(output(&loop_), "Terminated\n143\n");
    let endless = shell("while true; do echo hi; done");
    let outcome = &endless.steps[0].outcome;
    assert!(outcome.timed_out && outcome.output.len() == 65536 && outcome.output_dropped > 0, "cut at the cap like any output");
    assert!(outcome.output.starts_with("hi\nhi\n"));
    // Runaway recursion ends as the stack would: SIGSEGV.
    assert_eq!(shell("f() { f; }; f").steps[0].outcome.signal, Some(11));
}

#[test]
fn the_same_request_gives_the_same_report() {
    let requests = [
        DemoRequest::Chroot {},
        DemoRequest::Namespaces { hostname: "container".into() },
        DemoRequest::Cgroups { controller: Controller::Pids, limit: 32 },
        DemoRequest::Cgroups { controller: Controller::Cpu, limit: 20 },
        DemoRequest::Overlay {},
        DemoRequest::Capabilities {},
        DemoRequest::Oci { runtime: None },
        DemoRequest::Shell { command: "ps; sleep 1 & ls /proc; yes | head -2".into() },
    ];
    for request in requests {
        assert_eq!(run(request.clone()), run(request.clone()), "{request:?}");
    }
}

#[test]
fn odd_input_is_refused_or_reported_never_a_panic() {
    let long = format!("echo {}", "a".repeat(1995));
    let deep_subst = "$(".repeat(600);
    let deep_if = "if ".repeat(600);
    let deep_fn = "f(){ ".repeat(300);
    let evals = format!("{}echo x", "eval ".repeat(390));
    let odd = [
        "echo 'unbalanced",
        "echo \"unbalanced",
        "$(",
        "`",
        ":(){ :|:& };:",
        ":(){ :|:& };:; sleep 1",
        "f() { f | f; }; f",
        "&",
        "; ;",
        "|| true",
        "done",
        "fi; then",
        "while",
        "for 1 in x; do :; done",
        "echo ${",
        "cat <<EOF",
        "cat < /nope; echo > /proc/x; echo > /sys/x",
        "rm -rf /",
        "rm -rf / ; ls /",
        "ls -R / | wc -l",
        "cat /dev/zero | head -c 10",
        "cat /bin/busybox",
        "busybox busybox busybox ls",
        "exec exec exec",
        "kill -9 1; kill 0; kill abc; kill",
        "timeout -s KILL 1 yes",
        "dd bs=99999999999999999999G",
        "ping -c 999999999 127.0.0.1",
        "ping -i 0 127.0.0.1",
        "seq 1 0 5",
        "printf %",
        "[ -x",
        "test 1 -eq x",
        "\u{1F600} é",
        &long,
        &deep_subst,
        &deep_if,
        &deep_fn,
        &evals,
    ];
    for command in odd {
        let request = DemoRequest::Shell { command: command.to_string() };
        match lab::run(&request) {
            Ok(report) => {
                assert_eq!(report.steps.len(), 1, "{command:?}");
                assert!(report.steps[0].outcome.output.len() <= 64 * 1024, "{command:?}");
                assert!(report.steps[0].outcome.wall_us <= 5_000_000, "{command:?}");
            }
            Err(e) => assert!(!e.is_empty()),
        }
    }
    assert!(lab::run(&DemoRequest::Shell { command: "x".repeat(2001) }).is_err());
    assert!(lab::run(&DemoRequest::Shell { command: " ".into() }).is_err());
    assert!(lab::run(&DemoRequest::Cgroups { controller: Controller::Memory, limit: 4 }).is_err());
    assert!(lab::run(&DemoRequest::Namespaces { hostname: "Bad/Name".into() }).is_err());
    assert!(lab::run(&DemoRequest::Oci { runtime: Some("docker".into()) }).is_err());
}
