//! `kubectl set env`, as a workshop uses it for configuration: a changed variable rolls the
//! Deployment out, `--from` reads a ConfigMap's keys by reference, `--list` shows them, and
//! mistakes get kubectl 1.28's messages.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn web() -> Cluster {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    c.advance(Duration::seconds(20));
    c
}

#[test]
fn a_changed_variable_rolls_the_deployment_out() {
    let mut c = web();
    assert_eq!(run(&mut c, "kubectl set env deployment/web MODE=debug COLOR=blue").stdout, "deployment.apps/web env updated\n");
    let same = run(&mut c, "kubectl set env deployment/web MODE=debug");
    assert_eq!((same.stdout.as_str(), same.stderr.as_str()), ("", ""), "nothing changes, nothing is printed");
    c.advance(Duration::seconds(60));
    assert_eq!(run(&mut c, "kubectl get rs --no-headers").stdout.lines().count(), 2, "a new ReplicaSet rolled out");
    let pod = run(&mut c, "kubectl get pods -o name").stdout.lines().next().unwrap_or_default().trim_start_matches("pod/").to_string();
    assert_eq!(run(&mut c, &format!("kubectl get pod {pod} -o jsonpath={{.spec.containers[0].env[*].name}}")).stdout, "MODE COLOR", "the new pod has them");
    assert_eq!(run(&mut c, "kubectl set env deployment/web COLOR-").stdout, "deployment.apps/web env updated\n");
    assert_eq!(run(&mut c, "kubectl set env deployment/web --list").stdout, "# Deployment web, container nginx\nMODE=debug\n");
}

#[test]
fn from_reads_a_configmaps_keys_by_reference() {
    let mut c = web();
    run(&mut c, "kubectl create configmap web-config --from-literal=mode=debug --from-literal=log.level=info");
    let out = run(&mut c, "kubectl set env deployment/web --from=configmap/web-config --prefix=APP_");
    assert_eq!(out.stdout, "deployment.apps/web env updated\n");
    assert_eq!(out.stderr, "Warning: key log.level transferred to LOG_LEVEL\nWarning: key mode transferred to MODE\n");
    assert_eq!(
        run(&mut c, "kubectl set env deployment/web --list").stdout,
        "# Deployment web, container nginx\n# APP_LOG_LEVEL from configmap web-config, key log.level\n# APP_MODE from configmap web-config, key mode\n"
    );
    assert_eq!(run(&mut c, "kubectl set env deployment/web --from=configmap/nope").stderr, "Error from server (NotFound): configmaps \"nope\" not found\n");
}

#[test]
fn mistakes_get_kubectls_messages() {
    let mut c = web();
    run(&mut c, "kubectl set env deployment/web MODE=debug");
    for (line, err) in [
        ("kubectl set env deployment/web A=1 A-", "error: can not both modify and remove the same environment variable in the same command\n"),
        ("kubectl set env A=1 deployment/web", "error: all resources must be specified before environment changes: A=1 deployment/web\n"),
        ("kubectl set env deployment/web MODE=quiet --overwrite=false", "error: deployments/web 'MODE' already has a value (debug), and --overwrite is false\n"),
        ("kubectl set env deployment/web --containers=nope A=1", "Warning: Deployment/web does not have any containers matching \"nope\"\n"),
    ] {
        assert_eq!(run(&mut c, line).stderr, err, "{line}");
    }
    assert!(run(&mut c, "kubectl set env deployment/web 1A=x").stderr.starts_with("error: \"1A\" is not a valid key name: a valid environment variable name must consist of"));
    assert_eq!(run(&mut c, "kubectl set env deployment/web --list").stdout, "# Deployment web, container nginx\nMODE=debug\n", "nothing changed");
}
