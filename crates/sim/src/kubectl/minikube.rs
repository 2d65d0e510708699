//! `minikube ip` and `minikube service NAME --url`, which the official tutorials type to
//! reach a NodePort Service from the laptop; kubeplay's cluster stands in for minikube's
//! (its kubeconfig context is even called `minikube`). Other subcommands say they are not
//! needed.

use super::CommandOutput;
use crate::api::{Kind, Object};
use crate::cluster::Cluster;
use crate::store::ObjectKey;

/// The address `minikube ip` prints: the control-plane node's InternalIP.
fn ip(cluster: &Cluster) -> String {
    cluster.store().list(Kind::Node, None).filter_map(Object::as_node).find_map(|n| n.internal_ip().map(str::to_string)).unwrap_or_default()
}

/// Runs `minikube ARGS...`.
pub fn minikube(cluster: &Cluster, args: &[String]) -> CommandOutput {
    match args.first().map(String::as_str) {
        Some("ip") => CommandOutput::ok(format!("{}\n", ip(cluster))),
        Some("service") => service(cluster, &args[1..]),
        Some(other) => CommandOutput::err(format!("minikube {other}: kubeplay runs the cluster itself, so minikube is not needed here; only `minikube ip` and `minikube service NAME --url` answer\n"), 1),
        None => CommandOutput::err("usage: minikube ip | minikube service NAME [-n NAMESPACE] --url\n".into(), 2),
    }
}

/// `minikube service NAME [-n NS] [--url]`: the URL of each of the Service's node ports
/// (kubeplay opens no browser, so the URL is printed either way).
fn service(cluster: &Cluster, args: &[String]) -> CommandOutput {
    let mut namespace = "default".to_string();
    let mut name = None;
    let mut words = args.iter();
    while let Some(w) = words.next() {
        match w.as_str() {
            "-n" | "--namespace" => namespace = words.next().cloned().unwrap_or_default(),
            w if w.starts_with("--namespace=") => namespace = w["--namespace=".len()..].to_string(),
            w if w.starts_with('-') => {}
            w => name = Some(w.to_string()),
        }
    }
    let Some(name) = name else { return CommandOutput::err("usage: minikube service NAME [-n NAMESPACE] --url\n".into(), 2) };
    let Some(Object::Service(svc)) = cluster.store().get(&ObjectKey::in_namespace(Kind::Service, &namespace, name.clone())) else {
        return CommandOutput::err(format!("minikube service: there is no Service {name:?} in namespace {namespace}\n"), 1);
    };
    let ports: Vec<i32> = svc.spec.ports.iter().filter_map(|p| p.node_port).collect();
    if ports.is_empty() {
        return CommandOutput::err(format!("minikube service: service {namespace}/{name} has no node port (it is not of type NodePort or LoadBalancer)\n"), 1);
    }
    let ip = ip(cluster);
    CommandOutput::ok(ports.iter().map(|p| format!("http://{ip}:{p}\n")).collect())
}
