//! `kubectl wait`, as scripts and lessons use it: it moves virtual time until each object
//! meets the condition (or its timeout passes) and prints kubectl 1.28's lines and errors.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::{run, CommandOutput};
use kubeplay_sim::{Cluster, ClusterSettings};

fn cluster() -> Cluster {
    Cluster::new(ClusterSettings::default())
}

fn both(out: &CommandOutput) -> (&str, &str, i32) {
    (out.stdout.as_str(), out.stderr.as_str(), out.exit_code)
}

fn pod_names(c: &mut Cluster) -> Vec<String> {
    run(c, "kubectl get pods -l app=web -o name").stdout.lines().map(|l| l.trim_start_matches("pod/").to_string()).collect()
}

#[test]
fn waits_until_a_deployment_is_available_and_its_pods_are_ready() {
    let mut c = cluster();
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    let start = c.now();
    assert_eq!(both(&run(&mut c, "kubectl wait --for=condition=available deployment/web --timeout=60s")), ("deployment.apps/web condition met\n", "", 0));
    assert!(c.now() > start, "virtual time moved until the pods were ready");
    assert_eq!(run(&mut c, "kubectl get deploy web -o jsonpath={.status.readyReplicas}").stdout, "2");
    let names = pod_names(&mut c);
    let expected: String = names.iter().map(|n| format!("pod/{n} condition met\n")).collect();
    assert_eq!(run(&mut c, "kubectl wait --for=condition=Ready pod -l app=web").stdout, expected, "one line per pod, in name order");
    assert_eq!(run(&mut c, "kubectl wait --for=jsonpath={.status.readyReplicas}=2 deploy web").stdout, "deployment.apps/web condition met\n");
    assert_eq!(run(&mut c, "kubectl wait --for=jsonpath='{.status.phase}'=Running pods --all --timeout=0").stdout, expected);
    assert_eq!(run(&mut c, "kubectl wait --for=jsonpath={.status.podIP} pods --all --timeout=0").stdout, expected, "without a value the field only has to exist");
}

#[test]
fn a_rollout_that_cannot_finish_times_out() {
    let mut c = cluster();
    run(&mut c, "kubectl create deployment bad --image=nginx:doesnotexist");
    let start = c.now();
    let out = run(&mut c, "kubectl wait --for=condition=available deploy/bad --timeout=20s");
    assert_eq!(both(&out), ("", "error: timed out waiting for the condition on deployments/bad\n", 1));
    assert_eq!(c.now(), start + Duration::seconds(20), "it waited exactly its timeout");
    assert_eq!(both(&run(&mut c, "kubectl wait --for=condition=available deploy/bad --timeout=0")), ("", "error: condition not met for deployments/bad\n", 1));
    let default = run(&mut c, "kubectl wait --for=condition=available deploy/bad");
    assert_eq!(default.exit_code, 1);
    assert_eq!(c.now(), start + Duration::seconds(50), "30 s by default");
}

#[test]
fn waits_for_deletion_of_what_existed() {
    let mut c = cluster();
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    c.advance(Duration::seconds(30));
    let names = pod_names(&mut c);
    run(&mut c, "kubectl delete deploy web --wait=false");
    let expected: String = names.iter().map(|n| format!("pod/{n} condition met\n")).collect();
    assert_eq!(both(&run(&mut c, "kubectl wait --for=delete pod -l app=web --timeout=60s")), (expected.as_str(), "", 0));
    assert!(pod_names(&mut c).is_empty());
    assert_eq!(both(&run(&mut c, "kubectl wait --for=delete deploy/web")), ("", "", 0), "an object already gone is not visited");
}

#[test]
fn mistakes_get_kubectls_messages() {
    let mut c = cluster();
    run(&mut c, "kubectl create deployment web --image=nginx");
    for (line, err) in [
        ("kubectl wait --for=condition=available deploy/nope", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
        ("kubectl wait --for=condition=Ready pod -l app=none", "error: no matching resources found\n"),
        ("kubectl wait --for=foo deploy/web", "error: unrecognized condition: \"foo\"\n"),
        ("kubectl wait deploy/web", "error: unrecognized condition: \"\"\n"),
        ("kubectl wait --for=jsonpath={.a}=b=c deploy/web", "error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'\n"),
        ("kubectl wait --for=jsonpath={.status.replicas}= deploy/web", "error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3\n"),
        ("kubectl wait --for=jsonpath={..name}=x deploy/web --timeout=0", "error: given jsonpath expression matches more than one value\n"),
        ("kubectl wait --for=condition=available deploy/web --timeout=30", "error: invalid argument \"30\" for \"--timeout\" flag: time: missing unit in duration \"30\"\nSee 'kubectl wait --help' for usage.\n"),
        ("kubectl wait --for=condition=available deploy/web --timeout=inf", "error: invalid argument \"inf\" for \"--timeout\" flag: time: invalid duration \"inf\"\nSee 'kubectl wait --help' for usage.\n"),
        ("kubectl wait --for=jsonpath={.status}=x deploy/web --timeout=0", "error: jsonpath leads to a nested object or list which is not supported\n"),
        ("kubectl wait --for=condition=available deploy", "error: resource(s) were provided, but no name was specified\n"),
    ] {
        assert_eq!(run(&mut c, line).stderr, err, "{line}");
    }
}

#[test]
fn one_timeout_covers_the_whole_command() {
    let mut c = cluster();
    run(&mut c, "kubectl run p1 --image=busybox --restart=Never -- sleep 8");
    run(&mut c, "kubectl run p2 --image=busybox --restart=Never -- sleep 16");
    let start = c.now();
    let out = run(&mut c, "kubectl wait --for=jsonpath={.status.phase}=Succeeded pod/p1 pod/p2 --timeout=12s");
    assert_eq!(both(&out), ("pod/p1 condition met\n", "error: timed out waiting for the condition on pods/p2\n", 1));
    assert_eq!(c.now(), start + Duration::seconds(12));
}
