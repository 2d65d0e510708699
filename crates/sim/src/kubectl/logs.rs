//! `kubectl logs`: what a container printed, from the image catalog (its start-up lines)
//! and the requests it served (its access log).

use super::flags::Flags;
use super::{fetch, targets, CommandOutput};
use crate::api::{Kind, Object, Pod};
use crate::cluster::Cluster;
use crate::images;

/// The pod a `logs` target names: a pod, or the first pod of a Deployment/ReplicaSet/Job.
fn pod_for(cluster: &Cluster, f: &Flags) -> Result<(Pod, Option<String>), String> {
    let word = f.positional.first().ok_or("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples")?;
    let (kind, name) = if word.contains('/') { targets(std::slice::from_ref(word))?.remove(0) } else { (Kind::Pod, word.clone()) };
    let ns = f.namespace();
    match fetch(cluster, kind, &ns, &name)? {
        Object::Pod(p) => Ok((p, None)),
        other => {
            let selector = match &other {
                Object::Deployment(d) => d.spec.selector.clone(),
                Object::ReplicaSet(rs) => rs.spec.selector.clone(),
                Object::Job(j) => j.spec.selector.clone().unwrap_or_default(),
                _ => return Err(format!("error: cannot get the logs from {}", kind.qualified())),
            };
            let pods: Vec<&Pod> = cluster.store().list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).filter(|p| selector.matches(&p.metadata.labels)).collect();
            let first = pods.first().ok_or_else(|| format!("error: timed out waiting for the condition on {}/{name}", kind.plural()))?;
            let note = (pods.len() > 1).then(|| format!("Found {} pods, using pod/{}", pods.len(), first.metadata.name));
            Ok(((*first).clone(), note))
        }
    }
}

/// `kubectl logs POD|TYPE/NAME [-c C] [--previous] [--tail N]`.
pub fn logs(cluster: &Cluster, f: &Flags) -> CommandOutput {
    let (pod, note) = match pod_for(cluster, f) {
        Ok(p) => p,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    if let Some(n) = note {
        out.stderr.push_str(&format!("{n}\n"));
    }
    let name = &pod.metadata.name;
    let container = match f.value("--container") {
        Some(c) if pod.spec.containers.iter().any(|x| x.name == c) => c,
        Some(c) => return CommandOutput::err(format!("error: container {c} is not valid for pod {name}\n"), 1),
        None => {
            let names: Vec<&str> = pod.spec.containers.iter().map(|c| c.name.as_str()).collect();
            if names.len() > 1 {
                out.stderr.push_str(&format!("Defaulted container {:?} out of: {}\n", names[0], names.join(", ")));
            }
            names.first().map(|s| s.to_string()).unwrap_or_default()
        }
    };
    let spec = pod.spec.containers.iter().find(|c| c.name == container).cloned().unwrap_or_default();
    let status = pod.status.container_statuses.iter().find(|s| s.name == container).cloned().unwrap_or_default();
    let process = images::process(&spec.image, &spec.command, &spec.args);
    let ports: Vec<i32> = if process.ports.is_empty() { spec.ports.iter().map(|p| p.container_port).collect() } else { process.ports.clone() };
    let startup = if process.listens_after.is_some() || (process.exits.is_some() && spec.command.is_empty()) { images::startup_log(&spec.image, &ports) } else { Vec::new() };
    let mut lines: Vec<String> = Vec::new();
    if f.has("--previous") {
        if status.last_state.terminated.is_none() {
            return CommandOutput::err(format!("Error from server (BadRequest): previous terminated container {container:?} in pod {name:?} not found\n"), 1);
        }
        lines.extend(startup);
    } else {
        // A container waiting to restart (CrashLoopBackOff) shows its last run, as the kubelet serves it.
        let started = status
            .state
            .running
            .as_ref()
            .and_then(|r| r.started_at)
            .or_else(|| status.state.terminated.as_ref().and_then(|t| t.started_at))
            .or_else(|| status.last_state.terminated.as_ref().and_then(|t| t.started_at));
        let Some(started) = started else {
            let reason = status.state.waiting.as_ref().and_then(|w| w.reason.clone()).unwrap_or_else(|| "ContainerCreating".into());
            return CommandOutput::err(format!("Error from server (BadRequest): container {container:?} in pod {name:?} is waiting to start: {reason}\n"), 1);
        };
        lines.extend(startup);
        let first_container = pod.spec.containers.first().is_some_and(|c| c.name == container);
        let key = format!("{}/{}", pod.metadata.namespace.as_deref().unwrap_or(""), name);
        if let Some(served) = cluster.traffic().served.get(&key).filter(|_| first_container) {
            for (at, path, code) in served.iter().filter(|(at, _, _)| *at >= started) {
                let len = images::answer(&spec.image, path, name, pod.status.pod_ip.as_deref().unwrap_or("")).map_or(0, |a| a.body.len());
                lines.push(images::access_log(&spec.image, *at, path, *code, len));
            }
        }
    }
    if let Some(n) = f.value("--tail").and_then(|t| t.parse::<i64>().ok()).filter(|n| *n >= 0) {
        let skip = lines.len().saturating_sub(n as usize);
        lines.drain(..skip);
    }
    for l in lines {
        out.say(l);
    }
    out
}
