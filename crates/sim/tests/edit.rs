//! `kubectl edit`: the object opens in the page's editor, and applying the changed text
//! changes the object, as closing kubectl's editor does.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::{run, Effect};
use kubeplay_sim::{Cluster, ClusterSettings};

#[test]
fn edit_opens_the_objects_yaml_and_applying_the_change_configures_it() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    c.advance(Duration::seconds(20));
    let out = run(&mut c, "kubectl edit deploy/web");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "deployment.apps/web opened in the editor as edit-deployment-web.yaml: change it, then press Apply\n");
    let [Effect::Edit { file, text }] = out.effects.as_slice() else { panic!("one edit effect: {:?}", out.effects) };
    assert_eq!(file, "edit-deployment-web.yaml");
    assert!(text.starts_with("# kubectl edit:"), "{text}");
    assert!(text.contains("  replicas: 2\n") && text.contains("status:"), "the whole object, as kubectl edit shows it: {text}");
    // The learner changes the replicas and presses Apply.
    let changed = text.replacen("  replicas: 2\n", "  replicas: 4\n", 1);
    let report = c.apply_manifest(&changed, file);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.applied.iter().map(|a| a.line()).collect::<Vec<_>>(), ["deployment.apps/web configured"]);
    c.advance(Duration::seconds(20));
    assert_eq!(run(&mut c, "kubectl get deploy web -o jsonpath={.status.readyReplicas}").stdout, "4");
}

#[test]
fn edit_explains_what_it_needs() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = run(&mut c, "kubectl edit");
    assert_eq!(out.stderr.lines().next(), Some("error: You must provide one or more resources by argument or filename."));
    assert_eq!(run(&mut c, "kubectl edit deployment nope").stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
    assert!(run(&mut c, "kubectl edit deployment nope").effects.is_empty());
    assert_eq!(run(&mut c, "kubectl edit pod a b").exit_code, 1);
}

#[test]
fn an_edit_sends_the_object_as_edited_and_leaves_the_last_applied_configuration_alone() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    run(&mut c, "kubectl label deploy web owner=ana");
    let out = run(&mut c, "kubectl edit deploy web");
    let [Effect::Edit { file, text }] = out.effects.as_slice() else { panic!("one edit effect: {:?}", out.effects) };
    // The learner deletes the label kubectl label added.
    let changed = text.replacen("    owner: ana\n", "", 1);
    assert_ne!(&changed, text);
    let report = c.apply_manifest(&changed, file);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(run(&mut c, "kubectl get deploy web -o jsonpath={.metadata.labels}").stdout, r#"{"app":"web"}"#, "what the editor removed is gone");
    assert_eq!(run(&mut c, "kubectl apply view-last-applied deploy/web").stderr, "error: no last-applied-configuration annotation found on resource: web\n", "an edit is not an apply");
}

#[test]
fn an_edit_of_an_object_deleted_meanwhile_is_not_found() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    let out = run(&mut c, "kubectl edit deploy web");
    let [Effect::Edit { file, text }] = out.effects.as_slice() else { panic!("one edit effect: {:?}", out.effects) };
    run(&mut c, "kubectl delete deploy web");
    let report = c.apply_manifest(text, file);
    assert_eq!(report.errors, ["Error from server (NotFound): deployments.apps \"web\" not found"], "as kubectl edit's patch would fail");
    assert_eq!(run(&mut c, "kubectl get deploy").stderr, "No resources found in default namespace.\n");
}
