//! `kubectl rollout`: the change causes `rollout history` shows for each revision (from
//! `--record`, or from the annotate habit that replaced it, through the deployment
//! controller's annotation copying), one revision's template, and `rollout status --timeout`.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn history(c: &mut Cluster) -> String {
    run(c, "kubectl rollout history deployment/web").stdout
}

#[test]
fn record_notes_the_command_on_the_new_revision() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    c.advance(Duration::seconds(30));
    let mut out = run(&mut c, "kubectl set image deployment/web nginx=nginx:1.26 --record");
    assert_eq!(out.stdout, "deployment.apps/web image updated\n");
    // kubectl warns while it parses the flags, so a console shows the warning first.
    assert_eq!(out.take_warnings(), "Flag --record has been deprecated, --record will be removed in the future\n");
    assert_eq!(out.stderr, "");
    c.advance(Duration::seconds(60));
    assert_eq!(history(&mut c), "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         kubectl set image deployment/web nginx=nginx:1.26 --record=true\n\n");
    // Flags are written as --name=value by their long names, in the order given.
    run(&mut c, "kubectl scale deploy web --replicas 3 --record -n default");
    let noted = run(&mut c, "kubectl get deploy web -o jsonpath='{.metadata.annotations.kubernetes\\.io/change-cause}'").stdout;
    assert_eq!(noted, "kubectl scale deploy web --replicas=3 --record=true --namespace=default");
}

#[test]
fn record_is_refused_where_kubectl_refuses_it() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = run(&mut c, "kubectl create deployment web --image=nginx --record");
    assert_eq!(out.stderr, "error: unknown flag: --record\nSee 'kubectl create deployment --help' for usage.\n");
    run(&mut c, "kubectl create deployment web --image=nginx");
    let out = run(&mut c, "kubectl rollout undo deployment/web --record");
    assert_eq!(out.stderr, "error: unknown flag: --record\nSee 'kubectl rollout undo --help' for usage.\n");
    let out = run(&mut c, "kubectl set env deployment/web A=b --record");
    assert_eq!(out.stderr, "error: unknown flag: --record\nSee 'kubectl set env --help' for usage.\n");
}

#[test]
fn an_annotated_cause_follows_the_new_replica_set_and_comes_back_with_undo() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx:1.25");
    c.advance(Duration::seconds(30));
    run(&mut c, "kubectl set image deployment/web nginx=nginx:1.26");
    run(&mut c, "kubectl annotate deployment web kubernetes.io/change-cause=\"to 1.26\"");
    c.advance(Duration::seconds(60));
    run(&mut c, "kubectl set image deployment/web nginx=nginx:1.27");
    run(&mut c, "kubectl annotate deployment web kubernetes.io/change-cause=\"to 1.27\" --overwrite");
    c.advance(Duration::seconds(60));
    assert_eq!(history(&mut c), "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         to 1.26\n3         to 1.27\n\n");
    // Undo takes the revision's own cause back onto the Deployment.
    run(&mut c, "kubectl rollout undo deployment/web");
    c.advance(Duration::seconds(60));
    assert_eq!(history(&mut c), "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n3         to 1.27\n4         to 1.26\n\n");
}

#[test]
fn history_of_one_revision_prints_its_pod_template() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx:1.25");
    c.advance(Duration::seconds(30));
    run(&mut c, "kubectl set image deployment/web nginx=nginx:1.26");
    c.advance(Duration::seconds(60));
    let out = run(&mut c, "kubectl rollout history deployment/web --revision=2").stdout;
    let hash = out.split("pod-template-hash=").nth(1).and_then(|s| s.lines().next()).unwrap_or_default().to_string();
    assert_eq!(hash.len(), 10, "{out}");
    assert_eq!(
        out,
        format!("deployment.apps/web with revision #2\nPod Template:\n  Labels:\tapp=web\n\tpod-template-hash={hash}\n  Containers:\n   nginx:\n    Image:\tnginx:1.26\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n\n")
    );
    let out = run(&mut c, "kubectl rollout history deployment/web --revision=7");
    assert_eq!((out.stderr.as_str(), out.exit_code), ("error: unable to find the specified revision\n", 1));
    assert!(run(&mut c, "kubectl rollout history deployment/web --revision=0").stdout.contains("REVISION  CHANGE-CAUSE\n1 "), "0 is the list");
    assert_eq!(run(&mut c, "kubectl rollout history deployment/web --revision=-1").stderr, "error: revision must be a positive integer: -1\n");
    // A recorded cause shows among the template's annotations, as kubectl's history viewer puts it there.
    run(&mut c, "kubectl set image deployment/web nginx=nginx:1.27 --record");
    c.advance(Duration::seconds(60));
    let out = run(&mut c, "kubectl rollout history deployment/web --revision=3").stdout;
    assert!(out.contains("\n  Annotations:\tkubernetes.io/change-cause: kubectl set image deployment/web nginx=nginx:1.27 --record=true\n  Containers:\n"), "{out}");
}

#[test]
fn rollout_status_stops_at_its_timeout() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx:doesnotexist");
    let start = c.now();
    let out = run(&mut c, "kubectl rollout status deployment/web --timeout=10s");
    assert_eq!(out.stderr, "error: timed out waiting for the condition\n");
    assert_eq!(c.now() - start, Duration::seconds(10), "the clock moved by the timeout, not by the console's limit");
}
