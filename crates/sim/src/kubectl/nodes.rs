//! `kubectl cordon|uncordon|drain`, and kubeplay's own `fault` command for
//! failing and recovering nodes.

use super::{fetch, CommandOutput, Flags};
use crate::api::{Kind, Object, Pod};
use crate::cluster::Cluster;
use crate::controllers::controller_of;

fn set_unschedulable(cluster: &mut Cluster, name: &str, on: bool) -> Result<bool, String> {
    let Object::Node(mut node) = fetch(cluster, Kind::Node, "", name)? else { return Err("error: not a node".into()) };
    if node.spec.unschedulable == on {
        return Ok(false);
    }
    node.spec.unschedulable = on;
    cluster.update(Object::Node(node)).map_err(|e| e.to_string())?;
    Ok(true)
}

/// `kubectl cordon NODE` / `kubectl uncordon NODE`.
pub fn cordon(cluster: &mut Cluster, f: &Flags, on: bool) -> CommandOutput {
    let mut out = CommandOutput::default();
    if f.positional.is_empty() {
        return CommandOutput::err("error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n".into(), 1);
    }
    let word = if on { "cordoned" } else { "uncordoned" };
    for name in &f.positional {
        match set_unschedulable(cluster, name, on) {
            Ok(true) => out.say(format!("node/{name} {word}")),
            Ok(false) => out.say(format!("node/{name} already {word}")),
            Err(e) => out.fail(e),
        }
    }
    out
}

/// Whether kubectl words (verb first) are a `drain`, which waits for the pods it evicts.
pub fn drain_waits(words: &[&str]) -> bool {
    words.first() == Some(&"drain")
}

/// Models staging/src/k8s.io/kubectl/pkg/drain: cordon, check every pod against the
/// filters, then evict (here: delete gracefully) and wait until the pods are gone. With no
/// time to wait (the page) the command stays pending while an evicted pod is still
/// terminating; its re-runs (`watch_since`: the store's version when it started) say
/// `pod/NAME evicted` for each pod of the node deleted since, and `node/NAME drained` once
/// none is left terminating.
pub fn drain(cluster: &mut Cluster, f: &Flags, max_wait: crate::clock::Duration, watch_since: Option<u64>) -> CommandOutput {
    let Some(name) = f.positional.first().cloned() else {
        return CommandOutput::err("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n".into(), 1);
    };
    if let Some(since) = watch_since {
        return drain_progress(cluster, &name, since);
    }
    let mut out = CommandOutput::default();
    match set_unschedulable(cluster, &name, true) {
        Ok(true) => out.say(format!("node/{name} cordoned")),
        Ok(false) => out.say(format!("node/{name} already cordoned")),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    }
    let pods: Vec<Pod> = cluster
        .store()
        .list(Kind::Pod, None)
        .filter_map(Object::as_pod)
        .filter(|p| p.spec.node_name.as_deref() == Some(name.as_str()) && p.metadata.deletion_timestamp.is_none())
        .cloned()
        .collect();
    let id = |p: &Pod| format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or(""), p.metadata.name);
    let (mut daemon, mut bare, mut mirror, mut evict) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in &pods {
        let done = matches!(p.phase(), "Succeeded" | "Failed");
        let owner = controller_of(&p.metadata);
        if !done && owner.is_some_and(|o| o.kind == "DaemonSet") {
            daemon.push(id(p));
        } else if !done && p.metadata.labels.get("tier").map(String::as_str) == Some("control-plane") && owner.is_none() {
            mirror.push(id(p));
        } else if !done && owner.is_none() {
            bare.push(id(p));
            evict.push(p.clone());
        } else {
            evict.push(p.clone());
        }
    }
    let mut errors = Vec::new();
    if !bare.is_empty() && !f.has("--force") {
        errors.push(format!("cannot delete Pods declare no controller (use --force to override): {}", bare.join(", ")));
    }
    if !daemon.is_empty() && !f.has("--ignore-daemonsets") {
        errors.push(format!("cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}", daemon.join(", ")));
    }
    if !errors.is_empty() {
        let joined = if errors.len() == 1 { errors[0].clone() } else { format!("[{}]", errors.join(", ")) };
        out.fail(format!("error: unable to drain node {name:?} due to error:{joined}, continuing command..."));
        out.fail(format!("There are pending nodes to be drained:\n {name}"));
        for e in errors {
            out.fail(e);
        }
        return out;
    }
    let mut warnings = Vec::new();
    if !bare.is_empty() {
        warnings.push(format!("deleting Pods that declare no controller: {}", bare.join(", ")));
    }
    if !daemon.is_empty() {
        warnings.push(format!("ignoring DaemonSet-managed Pods: {}", daemon.join(", ")));
    }
    if !warnings.is_empty() {
        out.stderr.push_str(&format!("Warning: {}\n", warnings.join("; ")));
    }
    crate::sorting::sort_by_key(&mut evict, id);
    for p in &evict {
        out.say(format!("evicting pod {}", id(p)));
    }
    let grace = f.grace_period().ok().flatten();
    for p in &evict {
        let _ = cluster.delete_with_grace(Kind::Pod, p.metadata.namespace.as_deref(), &p.metadata.name, grace);
    }
    let gone = |c: &Cluster, p: &Pod| {
        c.store().get(&crate::store::ObjectKey { kind: Kind::Pod, namespace: p.metadata.namespace.clone().unwrap_or_default(), name: p.metadata.name.clone() }).is_none_or(|o| o.meta().uid != p.metadata.uid)
    };
    if max_wait.as_millis() == 0 {
        // The page follows the time: the pods already gone are evicted, the others are waited for.
        for p in evict.iter().filter(|p| gone(cluster, p)) {
            out.say(format!("pod/{} evicted", p.metadata.name));
        }
        out.pending = !evict.iter().all(|p| gone(cluster, p));
        if !out.pending {
            out.say(format!("node/{name} drained"));
        }
        return out;
    }
    let deadline = cluster.now() + max_wait;
    while !evict.iter().all(|p| gone(cluster, p)) && cluster.now() < deadline {
        cluster.step_toward(deadline);
    }
    for p in &evict {
        if gone(cluster, p) {
            out.say(format!("pod/{} evicted", p.metadata.name));
        } else {
            out.fail(format!("error: timed out waiting for pod {} to be deleted", id(p)));
        }
    }
    if out.exit_code == 0 {
        out.say(format!("node/{name} drained"));
    }
    out
}

/// A re-run of a drain the page follows: `pod/NAME evicted` for each pod of the node
/// deleted since the store's version `since`, then `node/NAME drained` once none of the
/// node's pods is terminating; pending until then.
fn drain_progress(cluster: &Cluster, name: &str, since: u64) -> CommandOutput {
    let mut out = CommandOutput::default();
    if let Some(events) = cluster.store().events_since(since) {
        for e in events.filter(|e| e.type_ == crate::store::EventType::Deleted) {
            if let Some(p) = e.object.as_pod().filter(|p| p.spec.node_name.as_deref() == Some(name)) {
                out.say(format!("pod/{} evicted", p.metadata.name));
            }
        }
    }
    out.pending = cluster.store().pods_on_node(name).iter().filter_map(|o| o.as_pod()).any(|p| p.metadata.deletion_timestamp.is_some());
    if !out.pending {
        out.say(format!("node/{name} drained"));
    }
    out
}

/// `fault fail-node NODE`, `fault recover-node NODE`, `fault resize-node NODE --cpu=N
/// --memory=Q`, `fault fail-readiness POD [-n NS]` and `fault recover-readiness POD [-n
/// NS]`: kubeplay's own way to break (and change) things.
pub fn fault(cluster: &mut Cluster, words: &[String]) -> CommandOutput {
    let usage = "usage: fault fail-node NODE | fault recover-node NODE | fault resize-node NODE --cpu=CPUS --memory=MEMORY | fault fail-readiness POD [-n NAMESPACE] | fault recover-readiness POD [-n NAMESPACE]\n";
    if words.first().map(String::as_str) == Some("resize-node") {
        let value = |flag: &str| words.iter().find_map(|w| w.strip_prefix(flag).and_then(|v| v.strip_prefix('=')));
        let node = words[1..].iter().find(|w| !w.starts_with("--"));
        let (Some(node), Some(cpu), Some(memory)) = (node, value("--cpu"), value("--memory")) else { return CommandOutput::err(usage.into(), 2) };
        let node = node.trim_start_matches("node/");
        return match cluster.resize_node(node, cpu, memory) {
            Ok(()) => CommandOutput::ok(format!("node/{node} resized: {cpu} CPU, {memory} memory (its pods stay; the scheduler sees the new room)\n")),
            Err(e) => CommandOutput::err(format!("{e}\n"), 1),
        };
    }
    if let Some(action @ ("fail-readiness" | "recover-readiness")) = words.first().map(String::as_str) {
        let mut namespace = cluster.kubeconfig().namespace().to_string();
        let mut pod = None;
        let mut i = 1;
        while i < words.len() {
            match words[i].as_str() {
                "-n" | "--namespace" => {
                    namespace = words.get(i + 1).cloned().unwrap_or_default();
                    i += 1;
                }
                w => pod = Some(w.trim_start_matches("pod/").to_string()),
            }
            i += 1;
        }
        let Some(pod) = pod else { return CommandOutput::err(usage.into(), 2) };
        let broken = action == "fail-readiness";
        return match cluster.set_readiness_broken(&namespace, &pod, broken) {
            Ok(()) if broken => CommandOutput::ok(format!("pod/{pod}: its readiness probe now fails (HTTP 503); after failureThreshold probes it is not ready\n")),
            Ok(()) => CommandOutput::ok(format!("pod/{pod}: its readiness probe passes again\n")),
            Err(e) => CommandOutput::err(format!("{e}\n"), 1),
        };
    }
    match (words.first().map(String::as_str), words.get(1)) {
        (Some("fail-node"), Some(node)) if cluster.fail_node(node) => CommandOutput::ok(format!("node/{node} failed: its kubelet stopped\n")),
        (Some("recover-node"), Some(node)) if cluster.recover_node(node) => CommandOutput::ok(format!("node/{node} recovered: its kubelet is back\n")),
        (Some(_), Some(node)) => CommandOutput::err(format!("Error from server (NotFound): nodes {node:?} not found\n"), 1),
        _ => CommandOutput::err(usage.into(), 2),
    }
}
