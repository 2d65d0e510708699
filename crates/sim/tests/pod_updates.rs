//! What the API server lets a running pod's update change: its containers' images and
//! labels, not its node, its requests or its uid (kubectl patch, edit and replace all go
//! through this check).

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

const FORBIDDEN: &str = "The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n";

#[test]
fn a_running_pod_takes_new_images_and_labels_but_not_a_new_node_requests_or_uid() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl run p --image=nginx");
    c.advance(Duration::seconds(10));
    let node = run(&mut c, "kubectl get pod p -o jsonpath={.spec.nodeName}").stdout;
    let other = if node == "node-1" { "node-2" } else { "node-1" };
    let moved = run(&mut c, &format!("kubectl patch pod p -p '{{\"spec\":{{\"nodeName\":\"{other}\"}}}}'"));
    assert_eq!((moved.stderr.as_str(), moved.exit_code), (FORBIDDEN, 1));
    let bigger = run(&mut c, "kubectl patch pod p -p '{\"spec\":{\"containers\":[{\"name\":\"p\",\"resources\":{\"requests\":{\"cpu\":\"2\"}}}]}}'");
    assert_eq!(bigger.stderr, FORBIDDEN);
    let uid = run(&mut c, "kubectl patch pod p --type=json -p '[{\"op\":\"replace\",\"path\":\"/metadata/uid\",\"value\":\"x\"}]'");
    assert_eq!(uid.stderr, "The Pod \"p\" is invalid: metadata.uid: Invalid value: \"x\": field is immutable\n");
    assert_eq!(run(&mut c, "kubectl get pod p -o jsonpath={.spec.nodeName}").stdout, node, "the pod stayed where it was");
    assert_eq!(run(&mut c, "kubectl set image pod/p p=nginx:1.26").stdout, "pod/p image updated\n");
    assert_eq!(run(&mut c, "kubectl label pod p tier=web").stdout, "pod/p labeled\n");
    let tolerations = run(&mut c, "kubectl get pod p -o json").stdout;
    let mut pod: serde_json::Value = serde_json::from_str(&tolerations).unwrap();
    pod["spec"]["tolerations"].as_array_mut().unwrap().push(serde_json::json!({"key": "disk", "operator": "Exists"}));
    let patch = serde_json::json!({"spec": {"tolerations": pod["spec"]["tolerations"]}}).to_string();
    assert_eq!(run(&mut c, &format!("kubectl patch pod p -p '{patch}'")).stdout, "pod/p patched\n", "a toleration added to the ones it has");
}
