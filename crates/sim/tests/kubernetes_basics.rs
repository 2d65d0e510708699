//! The official Kubernetes Basics tutorial's commands, whose app (`kubernetes-bootcamp`)
//! answers on 8080 with its pod's name and version, and whose `v10` tag does not exist.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::shell::Shell;
use kubeplay_sim::{Cluster, ClusterSettings};

#[test]
fn the_bootcamp_app_answers_and_its_missing_tag_fails_to_pull() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    let mut sh = |c: &mut Cluster, line: &str| s.run(c, line, Duration::seconds(120));
    sh(&mut c, "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1");
    c.advance(Duration::seconds(30));
    sh(&mut c, "export POD_NAME=\"$(kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}')\"");
    let pod = sh(&mut c, "echo $POD_NAME").stdout;
    let hello = sh(&mut c, "kubectl exec -ti $POD_NAME -- curl http://localhost:8080");
    assert_eq!(hello.stdout, format!("Hello Kubernetes bootcamp! | Running on: {} | v=1\n", pod.trim()));
    assert_eq!(sh(&mut c, "kubectl set image deployments/kubernetes-bootcamp kubernetes-bootcamp=gcr.io/google-samples/kubernetes-bootcamp:v10").stdout, "deployment.apps/kubernetes-bootcamp image updated\n");
    c.advance(Duration::seconds(30));
    let pods = sh(&mut c, "kubectl get pods").stdout;
    assert!(pods.lines().any(|l| l.contains(" 0/1     ImagePullBackOff ")), "{pods}");
    assert!(pods.lines().any(|l| l.contains(" 1/1     Running ")), "the old pod keeps serving: {pods}");
    let events = sh(&mut c, "kubectl describe pods").stdout;
    assert!(events.contains("Failed to pull image \"gcr.io/google-samples/kubernetes-bootcamp:v10\": rpc error: code = NotFound desc = failed to pull and unpack image \"gcr.io/google-samples/kubernetes-bootcamp:v10\""), "{events}");
    assert_eq!(sh(&mut c, "kubectl rollout undo deployments/kubernetes-bootcamp").stdout, "deployment.apps/kubernetes-bootcamp rolled back\n");
}

#[test]
fn the_tutorials_minikube_commands_reach_the_node_port() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    let mut sh = |c: &mut Cluster, line: &str| s.run(c, line, Duration::seconds(60));
    sh(&mut c, "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1");
    sh(&mut c, "kubectl expose deployment/kubernetes-bootcamp --type=\"NodePort\" --port 8080");
    c.advance(Duration::seconds(30));
    sh(&mut c, "export NODE_PORT=\"$(kubectl get services/kubernetes-bootcamp -o go-template='{{(index .spec.ports 0).nodePort}}')\"");
    let port = sh(&mut c, "echo $NODE_PORT").stdout;
    assert_eq!(sh(&mut c, "minikube ip").stdout, "172.18.0.2\n", "the control plane's InternalIP, as kubectl get nodes -o wide shows it");
    let hello = sh(&mut c, "curl http://\"$(minikube ip):$NODE_PORT\"").stdout;
    assert!(hello.starts_with("Hello Kubernetes bootcamp! | Running on: kubernetes-bootcamp-"), "{hello}");
    assert_eq!(sh(&mut c, "minikube service kubernetes-bootcamp --url").stdout, format!("http://172.18.0.2:{}", port));
    assert!(sh(&mut c, "minikube start").stderr.starts_with("minikube start: kubeplay runs the cluster itself"));
}
