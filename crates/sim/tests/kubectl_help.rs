//! `kubectl --help`, `kubectl VERB -h`, `kubectl help [VERB]` and `kubectl options`: the
//! layout of kubectl's help (checked against kubectl 1.28), kubeplay's own descriptions,
//! and exactly the flags kubeplay accepts, with kubectl's names, shorthands and defaults.

use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn help(line: &str) -> String {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = run(&mut c, line);
    assert_eq!((out.exit_code, out.stderr.as_str()), (0, ""), "{line}");
    out.stdout
}

const CLOSING: &str = "Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

#[test]
fn a_verb_without_flags() {
    let expected = format!("Stop the scheduler from placing new pods on a node.\n\nExamples:\n  # Keep new pods off node-1\n  kubectl cordon node-1\n\nUsage:\n  kubectl cordon NODE [options]\n\n{CLOSING}");
    assert_eq!(help("kubectl cordon -h"), expected);
    assert_eq!(help("kubectl cordon --help"), expected);
    assert_eq!(help("kubectl help cordon"), expected);
    assert_eq!(help("kubectl cordon node-1 -h"), expected, "arguments are ignored");
}

#[test]
fn a_subcommand_with_its_flags_and_defaults() {
    assert_eq!(
        help("kubectl rollout status --help"),
        format!(
            "Wait for a rollout to finish, printing its progress.\n\nExamples:\n  # Follow the web Deployment until its new pods are available\n  kubectl rollout status deployment/web\n\nOptions:\n    \
             --revision=0:\n\tFollow this revision only, failing if a newer one replaces it (0: the latest).\n\n    \
             --timeout=0s:\n\tHow long to wait before giving up, with a unit (30s, 5m); 0 waits without a limit.\n\n    \
             -w, --watch=true:\n\tKeep printing progress until the rollout is done; --watch=false prints the state once.\n\n\
             Usage:\n  kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]\n\n{CLOSING}"
        )
    );
    assert_eq!(help("kubectl rollout status deployment/web -h"), help("kubectl rollout status --help"));
    let create = help("kubectl create deploy web -h");
    assert!(create.starts_with("Make a Deployment running one image.\n"), "{create}");
    assert!(create.contains("\n    --image=[]:\n") && create.contains("\n    --port=-1:\n") && create.contains("\n    -r, --replicas=1:\n"), "{create}");
    let scale = help("kubectl scale -h");
    assert!(scale.contains("\n    --replicas=0:\n\tThe number of pods wanted.\n"), "no -r for scale: {scale}");
}

#[test]
fn a_verb_with_subcommands() {
    assert_eq!(
        help("kubectl rollout --help"),
        format!(
            "Follow, pause, restart or undo the rollout of a Deployment.\n\nExamples:\n  # Wait for the web Deployment's rollout to finish\n  kubectl rollout status deployment/web\n  \n  # Go back to the previous revision\n  kubectl rollout undo deployment/web\n\n\
             Available Commands:\n  \
             history       List a Deployment's revisions\n  \
             pause         Stop a Deployment from rolling out changes to its template\n  \
             restart       Replace every pod of a Deployment through a new rollout\n  \
             resume        Let a paused Deployment roll out again\n  \
             status        Wait for a rollout to finish, printing its progress\n  \
             undo          Go back to an earlier revision\n\n\
             Usage:\n  kubectl rollout SUBCOMMAND [options]\n\n\
             Use \"kubectl rollout <command> --help\" for more information about a given command.\n{CLOSING}"
        )
    );
    assert_eq!(help("kubectl rollout frob -h"), help("kubectl rollout -h"), "an unknown subcommand shows its parent's help");
    let top = help("kubectl top -h");
    assert!(top.contains("\nAvailable Commands:\n  node          Show the CPU and memory each node uses\n  pod           Show the CPU and memory pods use\n\nUsage:\n"), "{top}");
}

#[test]
fn the_flags_are_those_kubeplay_accepts() {
    let logs = help("kubectl logs -h");
    let flags: Vec<&str> = logs.lines().filter(|l| l.starts_with("    -")).collect();
    assert_eq!(flags, ["    --all-containers=false:", "    -c, --container='':", "    -f, --follow=false:", "    -p, --previous=false:", "    -l, --selector='':", "    --tail=-1:"]);
    let delete = help("kubectl delete -h");
    let flags: Vec<&str> = delete.lines().filter(|l| l.starts_with("    -")).collect();
    assert_eq!(
        flags,
        ["    --all=false:", "    -A, --all-namespaces=false:", "    --cascade='background':", "    --dry-run='none':", "    --field-selector='':", "    -f, --filename=[]:", "    --force=false:", "    --grace-period=-1:", "    --ignore-not-found=false:", "    --now=false:", "    -R, --recursive=false:", "    -l, --selector='':", "    --wait=true:"]
    );
    let exec = help("kubectl exec deploy/web -h");
    let flags: Vec<&str> = exec.lines().filter(|l| l.starts_with("    -")).collect();
    assert_eq!(flags, ["    -c, --container='':", "    -i, --stdin=false:", "    -t, --tty=false:"]);
    let run_help = help("kubectl run -h");
    assert!(run_help.contains("    -l, --labels='':\n") && !run_help.contains("--replicas") && !run_help.contains("--selector"), "{run_help}");
    // Every flag listed parses for its verb.
    let mut c = Cluster::new(ClusterSettings::default());
    for verb in ["get", "delete", "logs", "exec", "apply", "describe", "rollout status"] {
        for line in help(&format!("kubectl {verb} -h")).lines().filter(|l| l.starts_with("    -")) {
            let flag = line.trim().split(['=', ' ']).find(|w| w.starts_with("--")).unwrap().trim_end_matches(',');
            let out = run(&mut c, &format!("kubectl {verb} {flag}=x"));
            assert!(!out.stderr.contains("unknown flag"), "{verb} {flag}: {out:?}");
        }
    }
}

#[test]
fn the_root_help_lists_the_commands_by_group() {
    let root = help("kubectl --help");
    assert!(root.starts_with("kubectl reads and changes the objects of a Kubernetes cluster through its API server.\n\n In kubeplay it drives the simulated cluster on this page.\n\nBasic Commands (Beginner):\n  create          Make objects"), "{root}");
    assert!(root.contains("\nTroubleshooting and Debugging Commands:\n  describe        Show an object in detail, with its recent events\n  logs            Print what a container of a pod wrote\n"), "{root}");
    assert!(root.ends_with(&format!("\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\n{CLOSING}")), "{root}");
    assert_eq!(help("kubectl"), root);
    assert_eq!(help("kubectl -h"), root);
    assert_eq!(help("kubectl help"), root);
    // Every command listed has a help of its own.
    for name in root.lines().filter(|l| l.starts_with("  ") && !l.starts_with("  kubectl")).map(|l| l.split_whitespace().next().unwrap()) {
        let text = help(&format!("kubectl {name} -h"));
        assert!(text.ends_with(CLOSING) && text.contains(&format!("\nUsage:\n  kubectl {name}")), "{name}: {text}");
    }
}

#[test]
fn unknown_topics_and_commands() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = run(&mut c, "kubectl help frob");
    assert_eq!(out.exit_code, 0);
    assert!(out.stdout.is_empty() && out.stderr.starts_with("Unknown help topic [`frob`]\n\n\nBasic Commands (Beginner):\n"), "{out:?}");
    assert_eq!(run(&mut c, "kubectl frob -h").stderr, "error: unknown command \"frob\" for \"kubectl\"\n");
    // After `--`, -h belongs to the container's command.
    assert_eq!(run(&mut c, "kubectl exec web -- ls -h").stderr, "Error from server (NotFound): pods \"web\" not found\n");
}

#[test]
fn global_options() {
    assert_eq!(
        help("kubectl options"),
        "The following options can be passed to any command:\n\n    --context='':\n\tThe kubeconfig context to use (kubeplay's kubeconfig has one, minikube).\n\n    -n, --namespace='':\n\tThe namespace to work in, instead of the current context's.\n\n"
    );
}
