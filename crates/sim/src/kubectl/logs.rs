//! `kubectl logs`: what a container printed, from the image catalog (its start-up lines)
//! and the requests it served (its access log); with `-f` it keeps printing new lines as
//! virtual time advances, until the container stops.

use super::flags::Flags;
use super::{fetch, targets, CommandOutput, Context};
use crate::api::{condition, Kind, Object, Pod};
use crate::cluster::Cluster;
use crate::images;
use crate::store::ObjectKey;

/// Whether kubectl words (verb first) are `logs -f`, which follows the log.
pub fn follows(words: &[&str]) -> bool {
    words.first() == Some(&"logs") && words.iter().any(|w| matches!(*w, "-f" | "--follow" | "--follow=true"))
}

/// Models staging/src/k8s.io/kubectl/pkg/util/podutils/podutils.go ByLogging: the pod
/// whose log is most worth reading sorts first (scheduled, running, ready for longest,
/// most restarted, oldest; then by name, for a deterministic tie).
fn by_logging(p: &Pod) -> impl Ord {
    let phase = match p.phase() {
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    let ready_since = condition(&p.status.conditions, "Ready").filter(|c| c.status == "True").map(|c| c.last_transition_time.map_or(0, |t| t.0));
    let restarts = p.status.container_statuses.iter().map(|s| s.restart_count).max().unwrap_or(0);
    let created = p.metadata.creation_timestamp.map_or(0, |t| t.0);
    (p.spec.node_name.as_deref().unwrap_or("").is_empty(), phase, ready_since.is_none(), ready_since.unwrap_or(0), -restarts, created, p.metadata.name.clone())
}

/// The pod a `logs` target names: a pod, or the pod of a Deployment/ReplicaSet/Job that
/// kubectl would pick, with kubectl's note when there were several.
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
            let mut pods: Vec<&Pod> = cluster.store().list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).filter(|p| selector.matches(&p.metadata.labels)).collect();
            crate::sorting::sort_by_cached_key(&mut pods, |p| by_logging(p));
            let first = pods.first().ok_or_else(|| format!("error: timed out waiting for the condition on {}/{name}", kind.plural()))?;
            let note = (pods.len() > 1).then(|| format!("Found {} pods, using pod/{}", pods.len(), first.metadata.name));
            Ok(((*first).clone(), note))
        }
    }
}

/// Whether the container runs now.
fn running(pod: &Pod, container: &str) -> bool {
    pod.status.container_statuses.iter().any(|s| s.name == container && s.state.running.is_some())
}

/// The lines of the container's current run (or last, while it waits to restart), or of
/// its previous run; an error as the API server words it.
fn lines(cluster: &Cluster, pod: &Pod, container: &str, previous: bool) -> Result<Vec<String>, String> {
    let name = &pod.metadata.name;
    let spec = pod.spec.containers.iter().find(|c| c.name == container).cloned().unwrap_or_default();
    let status = pod.status.container_statuses.iter().find(|s| s.name == container).cloned().unwrap_or_default();
    let process = images::process(&spec.image, &spec.command, &spec.args);
    let ports: Vec<i32> = if process.ports.is_empty() { spec.ports.iter().map(|p| p.container_port).collect() } else { process.ports.clone() };
    let startup = if process.listens_after.is_some() || (process.exits.is_some() && spec.command.is_empty()) { images::startup_log(&spec.image, &ports) } else { Vec::new() };
    if previous {
        if status.last_state.terminated.is_none() {
            return Err(format!("Error from server (BadRequest): previous terminated container {container:?} in pod {name:?} not found"));
        }
        return Ok(startup);
    }
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
        return Err(format!("Error from server (BadRequest): container {container:?} in pod {name:?} is waiting to start: {reason}"));
    };
    let mut lines = startup;
    let first_container = pod.spec.containers.first().is_some_and(|c| c.name == container);
    let key = format!("{}/{}", pod.metadata.namespace.as_deref().unwrap_or(""), name);
    if let Some(served) = cluster.traffic().served.get(&key).filter(|_| first_container) {
        for (at, path, code) in served.iter().filter(|(at, _, _)| *at >= started) {
            let len = images::answer(&spec.image, path, name, pod.status.pod_ip.as_deref().unwrap_or("")).map_or(0, |a| a.body.len());
            lines.push(images::access_log(&spec.image, *at, path, *code, len));
        }
    }
    Ok(lines)
}

/// Where the lines of `now` that `before` did not have start: after the longest end of
/// `before` that `now` begins with (the access log keeps only its latest lines, so the
/// oldest may have dropped off the front).
pub fn first_new<S: PartialEq>(before: &[S], now: &[S]) -> usize {
    (0..=before.len().min(now.len())).rev().find(|&k| before[before.len() - k..] == now[..k]).unwrap_or(0)
}

/// The lines of the text `now` that are new since the text `before` (see [`first_new`]).
pub fn new_text(before: &str, now: &str) -> String {
    let (b, n): (Vec<&str>, Vec<&str>) = (before.lines().collect(), now.lines().collect());
    n[first_new(&b, &n)..].iter().map(|l| format!("{l}\n")).collect()
}

/// `kubectl logs [-f] POD|TYPE/NAME [-c C] [--previous] [--tail N]`. Following, a script
/// (time to wait) gets every line until the container stops or the wait limit; the page
/// (no time to wait) gets a pending command whose re-runs (`ctx.watch_since` set) print
/// the whole log, untrimmed, for the console to show what is new.
pub fn logs(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    if f.has("--all-containers") && f.has("--follow") {
        return CommandOutput::err("error: kubeplay does not follow several containers at once: follow one with kubectl logs -f POD -c CONTAINER\n".into(), 1);
    }
    if f.has("--selector") {
        return selected(cluster, f);
    }
    let refresh = ctx.watch_since.is_some();
    let (pod, note) = match pod_for(cluster, f) {
        Ok(p) => p,
        // Followed until its pod went away: the stream just ends.
        Err(_) if refresh => return CommandOutput::default(),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    if let Some(n) = note.filter(|_| !refresh) {
        out.stderr.push_str(&format!("{n}\n"));
    }
    let name = &pod.metadata.name;
    // `--tail=N`: where each log's last N lines begin (all of it when not given or negative).
    let tail = |all: &[String]| f.value("--tail").and_then(|t| t.parse::<i64>().ok()).filter(|n| *n >= 0).map_or(0, |n| all.len().saturating_sub(n as usize));
    if f.has("--all-containers") {
        // Each container's log in turn, each cut to its tail, as kubectl prints them with
        // --all-containers (one log request a container, the same options for each).
        for c in &pod.spec.containers {
            match lines(cluster, &pod, &c.name, f.has("--previous")) {
                Ok(all) => all[tail(&all)..].iter().for_each(|l| out.say(l)),
                Err(e) => return out.and_fail(e),
            }
        }
        return out;
    }
    let container = match f.value("--container") {
        Some(c) if pod.spec.containers.iter().any(|x| x.name == c) => c,
        Some(c) => return CommandOutput::err(format!("error: container {c} is not valid for pod {name}\n"), 1),
        None => {
            let names: Vec<&str> = pod.spec.containers.iter().map(|c| c.name.as_str()).collect();
            if names.len() > 1 && !refresh {
                out.stderr.push_str(&format!("Defaulted container {:?} out of: {}\n", names[0], names.join(", ")));
            }
            names.first().map(|s| s.to_string()).unwrap_or_default()
        }
    };
    let previous = f.has("--previous");
    let all = match lines(cluster, &pod, &container, previous) {
        Ok(l) => l,
        Err(_) if refresh => return out,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let follow = f.has("--follow") && !previous;
    if follow && refresh {
        all.iter().for_each(|l| out.say(l));
        out.pending = running(&pod, &container);
        return out;
    }
    all[tail(&all)..].iter().for_each(|l| out.say(l));
    if !follow || !running(&pod, &container) {
        return out;
    }
    if ctx.max_wait.as_millis() == 0 {
        out.pending = true;
        return out;
    }
    let key = ObjectKey { kind: Kind::Pod, namespace: pod.metadata.namespace.clone().unwrap_or_default(), name: name.clone() };
    let deadline = cluster.now() + ctx.max_wait;
    let mut seen = all;
    while cluster.now() < deadline {
        cluster.step_toward(deadline);
        let Some(now) = cluster.store().get(&key).and_then(Object::as_pod).filter(|p| p.metadata.uid == pod.metadata.uid).cloned() else { break };
        let Ok(fresh) = lines(cluster, &now, &container, false) else { break };
        fresh[first_new(&seen, &fresh)..].iter().for_each(|l| out.say(l));
        seen = fresh;
        if !running(&now, &container) {
            break;
        }
    }
    out
}

/// `kubectl logs -l SELECTOR`: the logs of every matching pod in name order, each cut to
/// its last 10 lines unless `--tail` says otherwise, each pod's default container (or
/// `-c`).
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go` `LogsOptions.RunLogs` for a
/// selector (without `-f`, which kubeplay follows for one pod only).
fn selected(cluster: &Cluster, f: &Flags) -> CommandOutput {
    if !f.positional.is_empty() {
        return CommandOutput::err("error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n".into(), 1);
    }
    if f.has("--follow") {
        return CommandOutput::err("error: kubeplay does not follow the logs of several pods at once: follow one with kubectl logs -f POD (or deployment/NAME)\n".into(), 1);
    }
    let selector = match f.selector() {
        Ok(s) => s.unwrap_or_default(),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let ns = f.namespace();
    let pods: Vec<Pod> = cluster.store().list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).filter(|p| selector.matches(&p.metadata.labels)).cloned().collect();
    let mut out = CommandOutput::default();
    if pods.is_empty() {
        out.stderr.push_str(&format!("No resources found in {ns} namespace.\n"));
        return out;
    }
    let keep = f.value("--tail").and_then(|t| t.parse::<i64>().ok()).unwrap_or(10);
    for pod in &pods {
        let name = &pod.metadata.name;
        let skip = |all: &[String]| if keep < 0 { 0 } else { all.len().saturating_sub(keep as usize) };
        if f.has("--all-containers") {
            for c in &pod.spec.containers {
                match lines(cluster, pod, &c.name, f.has("--previous")) {
                    Ok(all) => all[skip(&all)..].iter().for_each(|l| out.say(l)),
                    Err(e) => return out.and_fail(e),
                }
            }
            continue;
        }
        let container = match f.value("--container") {
            Some(c) if pod.spec.containers.iter().any(|x| x.name == c) => c,
            Some(c) => return out.and_fail(format!("error: container {c} is not valid for pod {name}")),
            None => {
                let names: Vec<&str> = pod.spec.containers.iter().map(|c| c.name.as_str()).collect();
                if names.len() > 1 {
                    out.stderr.push_str(&format!("Defaulted container {:?} out of: {}\n", names[0], names.join(", ")));
                }
                names.first().map(|s| s.to_string()).unwrap_or_default()
            }
        };
        let all = match lines(cluster, pod, &container, f.has("--previous")) {
            Ok(l) => l,
            Err(e) => return out.and_fail(e),
        };
        all[skip(&all)..].iter().for_each(|l| out.say(l));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_lines_follow_a_log_that_drops_its_oldest() {
        assert_eq!(first_new(&["a", "b"], &["a", "b", "c"]), 2);
        assert_eq!(first_new(&["a", "b", "c"], &["b", "c", "d"]), 2);
        assert_eq!(first_new::<&str>(&[], &["a"]), 0);
        assert_eq!(first_new(&["x", "x"], &["x", "x", "x"]), 2);
        assert_eq!(new_text("a\nb\n", "a\nb\nc\nd\n"), "c\nd\n");
        assert_eq!(new_text("a\nb\n", "a\nb\n"), "");
    }
}
