//! `kubectl exec POD [-c CONTAINER] -- COMMAND...`: runs one command in a simulated
//! container, with the console's own shell over the container's view of the world: its
//! hostname, environment (the container's `env`, ConfigMap and Secret references, and the
//! Service variables Kubernetes injects), `/etc/hosts` and `/etc/resolv.conf`, and a
//! `curl` that resolves Service names through cluster DNS and `localhost` to the pod.

use super::{CommandOutput, Flags};
use crate::api::{Kind, Object, Pod};
use crate::cluster::Cluster;
use crate::shell::fs::FileSystem;
use crate::shell::Shell;
use crate::store::ObjectKey;
use std::collections::BTreeMap;

/// The environment a container sees: the Service variables first, then its own `env`.
fn environment(cluster: &Cluster, pod: &Pod, container: &crate::api::Container) -> BTreeMap<String, String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut env = BTreeMap::new();
    env.insert("HOSTNAME".to_string(), pod.metadata.name.clone());
    env.insert("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string());
    // Docker-link style variables for the Services of the namespace (and `kubernetes`).
    // The kubelet builds the environment when the container starts.
    let started = pod.status.container_statuses.iter().find(|s| s.name == container.name).and_then(|s| s.state.running.as_ref()).and_then(|r| r.started_at);
    let created = started.or(pod.metadata.creation_timestamp);
    // The namespace's Services, and `kubernetes` from default (already among them there).
    let kubernetes = cluster.store().list(Kind::Service, Some("default")).filter(|s| ns != "default" && s.name() == "kubernetes");
    let services = cluster.store().list(Kind::Service, Some(ns)).chain(kubernetes);
    for s in services.filter_map(Object::as_service) {
        let (Some(ip), Some(port)) = (s.spec.cluster_ip.as_deref().filter(|ip| *ip != "None"), s.spec.ports.first()) else { continue };
        if s.metadata.creation_timestamp > created && s.metadata.name != "kubernetes" {
            continue; // Services made after the container started are not in its environment.
        }
        let name = s.metadata.name.to_uppercase().replace('-', "_");
        env.insert(format!("{name}_SERVICE_HOST"), ip.to_string());
        env.insert(format!("{name}_SERVICE_PORT"), port.port.to_string());
        env.insert(format!("{name}_PORT"), format!("tcp://{ip}:{}", port.port));
    }
    for e in &container.env {
        if let Some(v) = &e.value {
            env.insert(e.name.clone(), v.clone());
        } else if let Some(from) = &e.value_from {
            let value = from
                .config_map_key_ref
                .as_ref()
                .and_then(|r| cluster.store().get(&ObjectKey { kind: Kind::ConfigMap, namespace: ns.into(), name: r.name.clone() })?.as_config_map()?.data.get(&r.key).cloned())
                .or_else(|| {
                    let r = from.secret_key_ref.as_ref()?;
                    let secret = cluster.store().get(&ObjectKey { kind: Kind::Secret, namespace: ns.into(), name: r.name.clone() })?.as_secret()?;
                    let bytes = crate::api::base64_decode(secret.data.get(&r.key)?)?;
                    Some(String::from_utf8_lossy(&bytes).into_owned())
                });
            env.insert(e.name.clone(), value.unwrap_or_default());
        }
    }
    env
}

/// The files a container's shell finds.
fn container_files(pod: &Pod) -> FileSystem {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    let mut fs = FileSystem::new();
    fs.add_file("/etc/hostname", &format!("{}\n", pod.metadata.name), true);
    fs.add_file("/etc/hosts", &format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n{ip}\t{}\n", pod.metadata.name), true);
    fs.add_file("/etc/resolv.conf", &format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"), true);
    fs
}

/// The names the pod's DNS answers: `localhost` (the pod itself) and every Service by its
/// short name (own namespace), `name.namespace`, `name.namespace.svc` and the full name.
fn hosts(cluster: &Cluster, pod: &Pod) -> BTreeMap<String, String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut hosts = BTreeMap::new();
    if let Some(ip) = &pod.status.pod_ip {
        hosts.insert("localhost".to_string(), ip.clone());
        hosts.insert("127.0.0.1".to_string(), ip.clone());
        hosts.insert(pod.metadata.name.clone(), ip.clone());
    }
    for s in cluster.store().list(Kind::Service, None).filter_map(Object::as_service) {
        let Some(ip) = s.spec.cluster_ip.clone().filter(|ip| ip != "None") else { continue };
        let (name, sns) = (s.metadata.name.clone(), s.metadata.namespace.clone().unwrap_or_default());
        if sns == ns {
            hosts.insert(name.clone(), ip.clone());
        }
        for n in [format!("{name}.{sns}"), format!("{name}.{sns}.svc"), format!("{name}.{sns}.svc.cluster.local")] {
            hosts.insert(n, ip.clone());
        }
    }
    hosts
}

/// `kubectl exec`.
pub fn exec(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let Some(name) = f.positional.first() else {
        return CommandOutput::err("error: pod, type/name or --filename must be specified\n".into(), 1);
    };
    let name = name.strip_prefix("pod/").or_else(|| name.strip_prefix("pods/")).unwrap_or(name);
    if f.command.is_empty() {
        return CommandOutput::err("error: you must specify at least one command for the container\n".into(), 1);
    }
    let ns = f.namespace();
    let Some(pod) = cluster.store().get(&ObjectKey { kind: Kind::Pod, namespace: ns.clone(), name: name.to_string() }).and_then(Object::as_pod).cloned() else {
        return CommandOutput::err(format!("Error from server (NotFound): pods {name:?} not found\n"), 1);
    };
    let container = match f.value("--container") {
        Some(c) => match pod.spec.containers.iter().find(|x| x.name == c) {
            Some(x) => x.clone(),
            None => return CommandOutput::err(format!("error: unable to upgrade connection: container {c} not found in pod {name}\n"), 1),
        },
        None => match pod.spec.containers.first() {
            Some(x) => x.clone(),
            None => return CommandOutput::err(format!("error: pod {name} has no containers\n"), 1),
        },
    };
    let phase = pod.phase().to_string();
    if phase == "Succeeded" || phase == "Failed" {
        return CommandOutput::err(format!("error: cannot exec into a container in a completed pod; current phase is {phase}\n"), 1);
    }
    let running = pod.status.container_statuses.iter().any(|s| s.name == container.name && s.state.running.is_some());
    if !running {
        return CommandOutput::err(format!("error: unable to upgrade connection: container not found ({:?})\n", container.name), 1);
    }
    let mut out = CommandOutput::default();
    if pod.spec.containers.len() > 1 && f.value("--container").is_none() {
        out.stderr.push_str(&format!("Defaulted container {:?} out of: {}\n", container.name, pod.spec.containers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")));
    }
    let words = &f.command;
    if matches!(words[0].as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash") && words.len() == 1 {
        out.stderr.push_str("kubeplay: an interactive shell in a container is not simulated; run one command at a time, e.g. kubectl exec POD -- cat /etc/hostname\n");
        out.exit_code = 1;
        return out;
    }
    // `sh -c 'a | b'` runs its script; anything else is one command, its words quoted.
    let line = if matches!(words[0].as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash") && words.get(1).is_some_and(|w| w == "-c") {
        words.get(2).cloned().unwrap_or_default()
    } else {
        words.iter().map(|w| if w.is_empty() || w.contains([' ', '\'', '"', '$', '|', ';', '&', '<', '>', '*', '\\']) { format!("'{}'", w.replace('\'', "'\\''")) } else { w.clone() }).collect::<Vec<_>>().join(" ")
    };
    let mut shell = Shell::new(container_files(&pod));
    shell.set_cwd("/");
    shell.set_container(environment(cluster, &pod, &container), hosts(cluster, &pod));
    let result = shell.run(cluster, &line, crate::clock::Duration(0));
    out.stdout = result.stdout;
    out.stderr.push_str(&result.stderr);
    if result.exit_code != 0 {
        out.stderr.push_str(&format!("command terminated with exit code {}\n", result.exit_code));
        out.exit_code = result.exit_code;
    }
    out
}
