//! `--field-selector` on `get` and `delete`, as tutorials use it: running or failed pods,
//! the pods of one node, the events about one kind; unsupported fields get the API
//! server's BadRequest.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn names(out: &str) -> Vec<&str> {
    out.lines().skip(1).filter_map(|l| l.split_whitespace().next()).collect()
}

#[test]
fn pods_are_selected_by_phase_and_node_and_failed_ones_deleted() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    run(&mut c, "kubectl run once --image=busybox --restart=Never -- sh -c 'exit 1'");
    c.advance(Duration::seconds(30));
    let running = run(&mut c, "kubectl get pods --field-selector=status.phase=Running").stdout;
    assert_eq!(names(&running).len(), 2, "{running}");
    assert!(names(&running).iter().all(|n| n.starts_with("web-")), "{running}");
    assert_eq!(names(&run(&mut c, "kubectl get pods --field-selector status.phase!=Running,metadata.namespace=default").stdout), ["once"]);
    let node = run(&mut c, "kubectl get pod once -o jsonpath={.spec.nodeName}").stdout;
    let on_node = run(&mut c, &format!("kubectl get pods -A --field-selector spec.nodeName={node} -o name")).stdout;
    assert!(on_node.contains("pod/once\n") && on_node.contains("pod/kube-proxy-"), "every namespace's pods on that node: {on_node}");
    assert_eq!(run(&mut c, "kubectl delete pods --field-selector=status.phase=Failed").stdout, "pod \"once\" deleted\n");
    assert_eq!(names(&run(&mut c, "kubectl get pods").stdout).len(), 2);
}

#[test]
fn events_are_selected_by_what_they_are_about() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    c.advance(Duration::seconds(10));
    let events = run(&mut c, "kubectl get events --field-selector involvedObject.kind=Deployment").stdout;
    assert_eq!(events.lines().count(), 2, "{events}");
    assert!(events.contains("ScalingReplicaSet   deployment/web   Scaled up replica set web-"), "{events}");
    assert_eq!(run(&mut c, "kubectl get events --field-selector type=Warning").stderr, "No resources found in default namespace.\n");
}

#[test]
fn unsupported_fields_get_the_api_servers_bad_request() {
    let mut c = Cluster::new(ClusterSettings::default());
    for (line, err) in [
        ("kubectl get pods --field-selector status.hostIP=1.2.3.4", "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"status.hostIP=1.2.3.4\": field label not supported: status.hostIP\n"),
        ("kubectl delete deploy --field-selector spec.replicas=2", "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" that match label selector \"\", field selector \"spec.replicas=2\": field label not supported: spec.replicas\n"),
    ] {
        let out = run(&mut c, line);
        assert_eq!((out.stderr.as_str(), out.exit_code), (err, 1), "{line}");
    }
}
