//! `kubectl logs -f`, `kubectl exec` (TYPE/NAME targets and interactive sessions) and the
//! waiting `kubectl delete`: in a script, where they advance virtual time, and in the page
//! (through `LocalCluster`), where they follow it.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::interface::{now_or_never, ClusterInterface, ConsoleOutput, LocalCluster, Subscription};
use kubeplay_sim::kubectl::run;
use kubeplay_sim::shell::Shell;
use kubeplay_sim::{Cluster, ClusterSettings};

fn cluster() -> Cluster {
    Cluster::new(ClusterSettings::default())
}

fn pods(c: &Cluster, prefix: &str) -> Vec<String> {
    c.store().list(Kind::Pod, Some("default")).map(|o| o.name().to_string()).filter(|n| n.starts_with(prefix)).collect()
}

fn pod_ip(c: &Cluster, name: &str) -> String {
    c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).find(|p| p.metadata.name == name).and_then(|p| p.status.pod_ip.clone()).unwrap()
}

/// Everything a subscription holds right now, without waiting.
fn drain(sub: &mut Subscription<ConsoleOutput>) -> Vec<ConsoleOutput> {
    let mut out = Vec::new();
    while let Some(Some(piece)) = now_or_never(sub.recv()) {
        out.push(piece);
    }
    out
}

fn out(text: &str) -> ConsoleOutput {
    ConsoleOutput::Stdout(text.into())
}

#[test]
fn logs_follow_in_a_script_waits_for_the_container_to_stop() {
    let mut c = cluster();
    run(&mut c, "kubectl run crash --image=kubeplay/crashloop --restart=Never");
    c.advance(Duration::seconds(2));
    let start = c.now();
    let followed = run(&mut c, "kubectl logs -f crash");
    assert_eq!((followed.stdout.as_str(), followed.stderr.as_str(), followed.exit_code), ("kubeplay/crashloop: starting\nkubeplay/crashloop: cannot start, exiting with code 1\n", "", 0));
    let waited = c.now() - start;
    assert!(waited > Duration(0) && waited < Duration::seconds(5), "it ends when the container exits, not at the wait limit: {waited:?}");
    // A stopped container: the log, at once.
    let start = c.now();
    assert_eq!(run(&mut c, "kubectl logs --follow crash --tail=1").stdout, "kubeplay/crashloop: cannot start, exiting with code 1\n");
    assert_eq!(c.now(), start);
    // Without -f, -f is not --filename any more, and -p still means --previous.
    assert_eq!(run(&mut c, "kubectl logs -f").stderr, "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n");
}

#[test]
fn logs_of_a_deployment_use_the_pod_kubectl_picks() {
    let mut c = cluster();
    run(&mut c, "kubectl create deployment web --image=nginx:1.25 --replicas=1");
    c.advance(Duration::seconds(20));
    let first = pods(&c, "web-").remove(0);
    run(&mut c, "kubectl scale deployment web --replicas=3");
    c.advance(Duration::seconds(20));
    // The pod ready for longest comes first (kubectl's ByLogging order).
    let logs = run(&mut c, "kubectl logs deploy/web");
    assert_eq!(logs.stderr, format!("Found 3 pods, using pod/{first}\n"));
    assert_eq!(logs.stdout, "nginx: configuration complete, worker processes started\nnginx: listening on port 80\n");
    assert_eq!(run(&mut c, "kubectl logs rs/nope").stderr, "Error from server (NotFound): replicasets.apps \"nope\" not found\n");
}

#[test]
fn logs_follow_in_the_page_prints_new_lines_until_the_pod_is_gone() {
    let c = LocalCluster::new(cluster());
    drain(&mut c.run("kubectl run web --image=nginx:1.25"));
    now_or_never(c.advance(Duration::seconds(10))).unwrap().unwrap();
    let ip = c.with_cluster(|c| pod_ip(c, "web"));
    let mut follow = c.run("kubectl logs -f web --tail=1");
    assert_eq!(drain(&mut follow), vec![out("nginx: listening on port 80\n")]);
    now_or_never(c.advance(Duration::seconds(5))).unwrap().unwrap();
    assert!(drain(&mut follow).is_empty(), "nothing new, nothing printed");
    drain(&mut c.run(&format!("curl -s {ip}/missing")));
    drain(&mut c.run(&format!("curl -s {ip}/")));
    let fresh: String = drain(&mut follow)
        .into_iter()
        .map(|p| match p {
            ConsoleOutput::Stdout(t) => t,
            other => panic!("only new lines: {other:?}"),
        })
        .collect();
    let lines: Vec<&str> = fresh.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("\"GET /missing HTTP/1.1\" 404 ") && lines[1].contains("\"GET / HTTP/1.1\" 200 "), "{lines:?}");
    // Deleting the pod stops its container, which ends the follow (and the delete's wait).
    let mut delete = c.run("kubectl delete pod web");
    assert_eq!(drain(&mut delete), vec![out("pod \"web\" deleted\n")]);
    let mut later = Vec::new();
    for _ in 0..5 {
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        later.extend(drain(&mut follow));
    }
    assert_eq!(later, vec![ConsoleOutput::Exit(0)]);
    assert_eq!(drain(&mut delete), vec![ConsoleOutput::Exit(0)], "the delete ended with the pod");
    assert!(delete.is_finished());
}

#[test]
fn delete_waits_for_the_object_to_be_gone() {
    let mut c = cluster();
    run(&mut c, "kubectl run box --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    let start = c.now();
    let deleted = run(&mut c, "kubectl delete pod box");
    assert_eq!((deleted.stdout.as_str(), deleted.exit_code), ("pod \"box\" deleted\n", 0));
    // sleep ignores SIGTERM: the kubelet kills it at the end of the 30 s grace period.
    let waited = c.now() - start;
    assert!(waited >= Duration::seconds(30) && waited < Duration::seconds(32), "{waited:?}");
    assert_eq!(run(&mut c, "kubectl get pods").stderr, "No resources found in default namespace.\n");

    run(&mut c, "kubectl run box --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    let start = c.now();
    assert_eq!(run(&mut c, "kubectl delete pod box --wait=false").stdout, "pod \"box\" deleted\n");
    assert_eq!(c.now(), start, "--wait=false returns at once");
    assert!(run(&mut c, "kubectl get pods").stdout.contains("box    0/1     Terminating"));
    run(&mut c, "kubectl run other --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    let start = c.now();
    assert_eq!(run(&mut c, "kubectl delete pod other --now").stdout, "pod \"other\" deleted\n");
    assert_eq!(c.now() - start, Duration::seconds(1), "--now: a one-second grace period");
    let start = c.now();
    run(&mut c, "kubectl run other --image=busybox -- sleep 3600");
    assert_eq!(run(&mut c, "kubectl delete pod other --force --grace-period=0").stdout, "pod \"other\" force deleted\n");
    assert_eq!(c.now(), start, "a forced delete is gone at once");

    // A namespace waits for what is in it.
    run(&mut c, "kubectl create namespace team-a");
    run(&mut c, "kubectl run db -n team-a --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    let start = c.now();
    assert_eq!(run(&mut c, "kubectl delete namespace team-a").stdout, "namespace \"team-a\" deleted\n");
    assert!(c.now() - start >= Duration::seconds(30));
    assert_eq!(run(&mut c, "kubectl get ns team-a").stderr, "Error from server (NotFound): namespaces \"team-a\" not found\n");
}

#[test]
fn delete_in_a_script_gives_up_at_the_wait_limit() {
    let mut c = cluster();
    run(&mut c, "kubectl run box --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    let mut shell = Shell::default();
    let out = shell.run(&mut c, "kubectl delete pod box", Duration::seconds(5));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("pod \"box\" deleted\n", "error: timed out waiting for the condition on pods/box\n", 1));
}

#[test]
fn delete_in_the_page_follows_time() {
    let c = LocalCluster::new(cluster());
    drain(&mut c.run("kubectl run box --image=busybox -- sleep 3600"));
    drain(&mut c.run("kubectl create deployment web --image=nginx --replicas=2"));
    now_or_never(c.advance(Duration::seconds(10))).unwrap().unwrap();
    let start = now_or_never(c.now()).unwrap().unwrap();
    let mut sub = c.run("kubectl delete pod box");
    assert_eq!(drain(&mut sub), vec![out("pod \"box\" deleted\n")]);
    assert_eq!(now_or_never(c.now()).unwrap().unwrap(), start, "the clock did not jump");
    let mut later = Vec::new();
    for _ in 0..29 {
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        later.extend(drain(&mut sub));
    }
    assert!(later.is_empty(), "still terminating: {later:?}");
    for _ in 0..3 {
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        later.extend(drain(&mut sub));
    }
    assert_eq!(later, vec![ConsoleOutput::Exit(0)]);
    // By selector: the ReplicaSet's new pods are not waited for, only the deleted ones.
    let mut sub = c.run("kubectl delete pods -l app=web");
    let first = drain(&mut sub);
    assert!(matches!(&first[..], [ConsoleOutput::Stdout(t)] if t.lines().count() == 2 && t.lines().all(|l| l.starts_with("pod \"web-") && l.ends_with("\" deleted"))), "{first:?}");
    let mut later = Vec::new();
    for _ in 0..5 {
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        later.extend(drain(&mut sub));
    }
    assert_eq!(later, vec![ConsoleOutput::Exit(0)]);
    // Without waiting, the command ends at once.
    drain(&mut c.run("kubectl run box --image=busybox -- sleep 3600"));
    let mut sub = c.run("kubectl delete pod box --wait=false");
    assert_eq!(drain(&mut sub), vec![out("pod \"box\" deleted\n"), ConsoleOutput::Exit(0)]);
}

/// A compound line cannot be followed one command at a time, so a waiting delete inside it
/// waits as in a script: the clock moves on until the pod is gone, then the rest runs.
#[test]
fn a_delete_inside_a_compound_line_waits_before_the_rest_runs() {
    let c = LocalCluster::new(cluster());
    drain(&mut c.run("kubectl run box --image=busybox -- sleep 3600"));
    now_or_never(c.advance(Duration::seconds(10))).unwrap().unwrap();
    let start = now_or_never(c.now()).unwrap().unwrap();
    let got = drain(&mut c.run("kubectl delete pod box && kubectl get pods"));
    assert_eq!(got, vec![ConsoleOutput::Stdout("pod \"box\" deleted\n".into()), ConsoleOutput::Stderr("No resources found in default namespace.\n".into()), ConsoleOutput::Exit(0)]);
    let waited = now_or_never(c.now()).unwrap().unwrap() - start;
    assert!(waited >= Duration::seconds(30), "busybox's sleep ignores SIGTERM: the grace period passes ({waited:?})");
    // The same line replays to the same moment (the share log records the line only).
    let log = now_or_never(c.share()).unwrap().unwrap();
    let (replayed, _, _) = kubeplay_sim::replay::ActionLog::from_json(&log).unwrap().replay().unwrap();
    assert!(pods(&replayed, "box").is_empty());
    // `-f` names files for delete; the delete still waits before the rest.
    for line in ["kubectl delete -f pod.yaml && kubectl get pods", "kubectl delete pod box; echo gone", "kubectl get pods | grep box && kubectl delete pod box --now"] {
        assert!(kubeplay_sim::kubectl::waits_inside(line), "{line}");
    }
    for line in ["kubectl delete pod box", "kubectl logs -f box && echo done", "kubectl delete pod box --wait=false; kubectl get pods"] {
        assert!(!kubeplay_sim::kubectl::waits_inside(line), "{line}");
    }
}

#[test]
fn exec_reaches_pods_through_workloads_and_services() {
    let mut c = cluster();
    run(&mut c, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    run(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(20));
    let names = pods(&c, "web-");
    let targets = ["deploy/web".to_string(), "deployment/web".into(), format!("rs/{}", names[0].rsplit_once('-').unwrap().0), "svc/web".into(), format!("pod/{}", names[0])];
    for target in &targets {
        let out = run(&mut c, &format!("kubectl exec {target} -- hostname"));
        assert!(names.contains(&out.stdout.trim().to_string()), "{target}: {out:?}");
    }
    assert_eq!(run(&mut c, "kubectl exec cm/kube-root-ca.crt -- ls").stderr, "error: cannot attach to *v1.ConfigMap: selector for *v1.ConfigMap not implemented\n");
    assert_eq!(run(&mut c, "kubectl exec deploy/nope -- ls").stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
    assert_eq!(run(&mut c, "kubectl exec foo/web -- ls").stderr, "error: the server doesn't have a resource type \"foo\"\n");
}

#[test]
fn exec_without_a_terminal_or_a_command() {
    let mut c = cluster();
    run(&mut c, "kubectl run box --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    // Source: kubectl 1.28.
    assert_eq!(run(&mut c, "kubectl exec box").stderr, "error: you must specify at least one command for the container\n");
    assert_eq!(run(&mut c, "kubectl exec -it box").stderr, "error: you must specify at least one command for the container\n");
    assert_eq!(run(&mut c, "kubectl exec").stderr, "error: pod, type/name or --filename must be specified\n");
    // A shell without -i reads nothing and exits.
    let out = run(&mut c, "kubectl exec box -- sh");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "", 0));
    // The old form without --.
    let out = run(&mut c, "kubectl exec box hostname");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("box\n", "kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n"));
    // busybox has no bash.
    let out = run(&mut c, "kubectl exec box -- bash -c 'echo hi'");
    assert!(out.stderr.starts_with("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \""), "{out:?}");
    assert!(out.stderr.ends_with("\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"bash\": executable file not found in $PATH: unknown\n"), "{out:?}");
    assert!(run(&mut c, "kubectl exec box -- /bin/bash").stderr.contains("exec: \"/bin/bash\": stat /bin/bash: no such file or directory: unknown\n"));
}

#[test]
fn an_interactive_shell_in_a_script_runs_lines_in_the_container_until_exit() {
    let mut c = cluster();
    run(&mut c, "kubectl run box --image=busybox -- sleep 3600");
    run(&mut c, "kubectl run web --image=nginx:1.25");
    c.advance(Duration::seconds(10));
    let mut sh = Shell::default();
    let wait = Duration::seconds(60);
    let line = |sh: &mut Shell, c: &mut Cluster, l: &str| {
        let o = sh.run(c, l, wait);
        (o.stdout, o.stderr, o.exit_code)
    };
    assert_eq!(sh.prompt(), "docker@control-plane:~$ ");
    assert_eq!(line(&mut sh, &mut c, "kubectl exec -it box -- sh"), (String::new(), String::new(), 0));
    assert_eq!(sh.prompt(), "/ # ", "busybox's sh");
    assert!(sh.in_container());
    assert_eq!(line(&mut sh, &mut c, "hostname"), ("box\n".into(), String::new(), 0));
    assert_eq!(line(&mut sh, &mut c, "cd /etc"), (String::new(), String::new(), 0));
    assert_eq!(sh.prompt(), "/etc # ");
    assert_eq!(line(&mut sh, &mut c, "kubectl get pods"), (String::new(), "sh: kubectl: not found\n".into(), 127));
    assert_eq!(line(&mut sh, &mut c, "exit"), (String::new(), "command terminated with exit code 127\n".into(), 127), "exit passes on the last status");
    assert_eq!(sh.prompt(), "docker@control-plane:~$ ");
    assert_eq!(line(&mut sh, &mut c, "echo $?"), ("127\n".into(), String::new(), 0));
    // Debian-based images: dash as sh, and bash.
    line(&mut sh, &mut c, "kubectl exec -it web -- sh");
    assert_eq!(sh.prompt(), "# ");
    assert_eq!(line(&mut sh, &mut c, "exit 0"), (String::new(), String::new(), 0));
    line(&mut sh, &mut c, "kubectl exec -it web -- /bin/bash");
    assert_eq!(sh.prompt(), "root@web:/# ");
    assert_eq!(line(&mut sh, &mut c, "cd && pwd"), ("/root\n".into(), String::new(), 0));
    assert_eq!(sh.prompt(), "root@web:~# ");
    assert_eq!(line(&mut sh, &mut c, "exit 3"), ("exit\n".into(), "command terminated with exit code 3\n".into(), 3));
    // -i alone: the shell reads lines without prompting.
    line(&mut sh, &mut c, "kubectl exec -i box -- sh");
    assert_eq!(sh.prompt(), "");
    assert_eq!(line(&mut sh, &mut c, "cat /etc/hostname"), ("box\n".into(), String::new(), 0));
    line(&mut sh, &mut c, "exit");
    assert!(!sh.in_container());
}

#[test]
fn a_session_ends_when_its_pod_goes_away() {
    let mut c = cluster();
    run(&mut c, "kubectl run box --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    let mut sh = Shell::default();
    sh.run(&mut c, "kubectl exec -it box -- sh", Duration::seconds(60));
    c.delete(Kind::Pod, Some("default"), "box").unwrap();
    assert!(sh.end_session_if_gone(&c).is_none(), "the container runs until its grace period ends");
    c.advance(Duration::seconds(31));
    let out = sh.run(&mut c, "hostname", Duration::seconds(60));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("control-plane\n", "command terminated with exit code 137\n"), "kubectl's notice, then the line runs on the node");
    assert_eq!(sh.prompt(), "docker@control-plane:~$ ");
}

#[test]
fn an_interactive_shell_in_the_page() {
    let c = LocalCluster::new(cluster());
    drain(&mut c.run("kubectl run box --image=busybox -- sleep 3600"));
    now_or_never(c.advance(Duration::seconds(10))).unwrap().unwrap();
    let prompt = || now_or_never(c.prompt()).unwrap().unwrap();
    let mut session = c.run("kubectl exec -it box -- sh");
    assert_eq!(drain(&mut session), vec![], "the session stays open");
    assert_eq!(prompt(), "/ # ");
    assert_eq!(drain(&mut c.run("echo $HOSTNAME")), vec![out("box\n"), ConsoleOutput::Exit(0)]);
    now_or_never(c.advance(Duration::seconds(5))).unwrap().unwrap();
    assert_eq!(drain(&mut session), vec![]);
    assert_eq!(drain(&mut c.run("exit")), vec![ConsoleOutput::Exit(0)]);
    assert_eq!(drain(&mut session), vec![ConsoleOutput::Exit(0)]);
    assert!(session.is_finished());
    assert_eq!(prompt(), "docker@control-plane:~$ ");
    // The pod deleted meanwhile (from the page's delete button): kubectl's notice, back on the node.
    let mut session = c.run("kubectl exec -it box -- sh");
    now_or_never(c.delete(Kind::Pod, Some("default"), "box")).unwrap().unwrap();
    let mut later = Vec::new();
    for _ in 0..32 {
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        later.extend(drain(&mut session));
    }
    assert_eq!(later, vec![ConsoleOutput::Stderr("command terminated with exit code 137\n".into()), ConsoleOutput::Exit(137)]);
    assert_eq!(prompt(), "docker@control-plane:~$ ");
    assert_eq!(drain(&mut c.run("hostname")), vec![out("control-plane\n"), ConsoleOutput::Exit(0)]);
}

#[test]
fn a_command_followed_from_the_node_keeps_running_there_during_a_session() {
    let c = LocalCluster::new(cluster());
    drain(&mut c.run("kubectl run box --image=busybox -- sleep 3600"));
    drain(&mut c.run("kubectl run web --image=nginx:1.25"));
    now_or_never(c.advance(Duration::seconds(10))).unwrap().unwrap();
    let mut follow = c.run("kubectl logs -f web");
    assert_eq!(drain(&mut follow).len(), 1);
    let _session = c.run("kubectl exec -it box -- sh");
    let ip = c.with_cluster(|c| pod_ip(c, "web"));
    drain(&mut c.run(&format!("curl -s {ip}/")));
    let fresh = drain(&mut follow);
    assert!(matches!(&fresh[..], [ConsoleOutput::Stdout(l)] if l.contains("\"GET / HTTP/1.1\" 200 ")), "{fresh:?}");
}

#[test]
fn odd_exec_and_logs_lines_do_not_panic() {
    let mut c = cluster();
    run(&mut c, "kubectl run box --image=busybox -- sleep 3600");
    c.advance(Duration::seconds(10));
    let mut sh = Shell::default();
    for line in [
        "kubectl exec -it box -n -- sh",
        "kubectl exec -it -- sh",
        "kubectl exec -it box -- -- sh",
        "kubectl exec -ti box -c nope -- sh",
        "kubectl exec -it pod/ -- sh",
        "kubectl exec -it / -- sh",
        "kubectl logs -f /",
        "kubectl logs -f deploy/",
        "kubectl logs -f box --tail=-5",
        "kubectl delete",
        "kubectl delete pods",
        "kubectl delete -f nope.yaml",
        "kubectl help rollout status extra",
        "kubectl -h -h",
    ] {
        sh.run(&mut c, line, Duration::seconds(5));
        sh.run(&mut c, "exit", Duration::seconds(5));
    }
    assert!(!sh.in_container());
}
