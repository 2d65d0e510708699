//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`: forwards a local port of the
//! console to a port of one pod (a Service's, Deployment's ... pod is chosen once, as
//! kubectl chooses it). Unlike kubectl, which stays in the foreground until Ctrl-C, the
//! command returns to the prompt and the forward stays open in the client state, so the
//! console's `curl 127.0.0.1:LOCAL` reaches the pod. It ends with `port-forward stop
//! [LOCAL]` or when its pod goes away (kubectl exits with "lost connection to pod").

use super::{fetch, resource_kind, CommandOutput, Flags};
use crate::api::{IntOrString, Kind, Object, Pod};
use crate::cluster::Cluster;
use crate::store::ObjectKey;
use serde::{Deserialize, Serialize};

/// One open forward: 127.0.0.1 and [::1] port `local` to port `remote` of a pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortForward {
    /// The local port.
    pub local: i32,
    /// The pod's namespace.
    pub namespace: String,
    /// The pod the forward was opened to.
    pub pod: String,
    /// That pod's uid: a new pod of the same name is another pod.
    pub uid: String,
    /// The pod's port.
    pub remote: i32,
    /// What the learner named (`svc/web`), for `port-forward list`.
    pub target: String,
}

/// The first local port tried for `:REMOTE` (kubectl lets the OS choose one).
const FIRST_RANDOM_PORT: i32 = 40000;

/// The pod a Service, workload or pod names, as kubectl's AttachablePodForObject picks it:
/// a running, ready pod first, then the oldest.
fn attachable_pod(cluster: &Cluster, object: &Object) -> Result<Pod, String> {
    if let Object::Pod(p) = object {
        return Ok(p.clone());
    }
    let ns = object.namespace().to_string();
    let matches: Box<dyn Fn(&Pod) -> bool> = match object {
        Object::Service(s) if s.spec.selector.is_empty() => {
            return Err(format!("error: cannot attach to *v1.Service: invalid service '{}': Service is defined without a selector", s.metadata.name));
        }
        Object::Service(s) => {
            let sel = s.spec.selector.clone();
            Box::new(move |p: &Pod| sel.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)))
        }
        Object::Deployment(d) => Box::new(|p: &Pod| d.spec.selector.matches(&p.metadata.labels)),
        Object::ReplicaSet(rs) => Box::new(|p: &Pod| rs.spec.selector.matches(&p.metadata.labels)),
        Object::DaemonSet(ds) => Box::new(|p: &Pod| ds.spec.selector.matches(&p.metadata.labels)),
        Object::Job(j) => match &j.spec.selector {
            Some(sel) => Box::new(|p: &Pod| sel.matches(&p.metadata.labels)),
            None => Box::new(|_: &Pod| false),
        },
        other => return Err(format!("error: cannot attach to *v1.{}: selector for *v1.{} not implemented", other.kind().name(), other.kind().name())),
    };
    let mut pods: Vec<&Pod> = cluster.store().list(Kind::Pod, Some(&ns)).filter_map(Object::as_pod).filter(|p| p.metadata.deletion_timestamp.is_none() && matches(p)).collect();
    crate::sorting::sort_by_key(&mut pods, |p| (p.phase() != "Running", !p.is_ready(), p.metadata.creation_timestamp, p.metadata.name.clone()));
    // kubectl waits --pod-running-timeout (1m) for a pod; kubeplay does not wait.
    pods.first().map(|p| (*p).clone()).ok_or_else(|| "error: timed out waiting for the condition".to_string())
}

/// A Service port (number or name) as the container port of `pod` it reaches.
fn service_target(svc: &crate::api::Service, pod: &Pod, remote: &str) -> Result<(i32, Option<i32>), String> {
    let port = match remote.parse::<i32>() {
        Ok(n) => n,
        Err(_) => svc.spec.ports.iter().find(|p| p.name.as_deref() == Some(remote)).map(|p| p.port).ok_or_else(|| format!("error: Service '{}' does not have a named port '{remote}'", svc.metadata.name))?,
    };
    let named_local = remote.parse::<i32>().is_err().then_some(port);
    let sp = svc.spec.ports.iter().find(|p| p.port == port).ok_or_else(|| format!("error: Service {} does not have a service port {port}", svc.metadata.name))?;
    if svc.spec.cluster_ip.as_deref() == Some("None") {
        return Ok((port, named_local));
    }
    let target = match &sp.target_port {
        None | Some(IntOrString::Int(0)) => port,
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(name)) => named_container_port(pod, name)?,
    };
    Ok((target, named_local))
}

fn named_container_port(pod: &Pod, name: &str) -> Result<i32, String> {
    pod.spec.containers.iter().flat_map(|c| &c.ports).find(|p| p.name.as_deref() == Some(name)).map(|p| p.container_port).ok_or_else(|| format!("error: Pod '{}' does not have a named port '{name}'", pod.metadata.name))
}

/// Parses one port argument as client-go does: `[LOCAL:]REMOTE`, `:REMOTE` for any free port.
fn parse_port(local: &str, remote: i32) -> Result<Option<i32>, String> {
    if remote <= 0 {
        return Err("error: remote port must be > 0".into());
    }
    if remote > 65535 {
        return Err(format!("error: error parsing remote port '{remote}': strconv.ParseUint: parsing \"{remote}\": value out of range"));
    }
    let n = match local.parse::<u64>() {
        Ok(n) if n > 65535 => return Err(format!("error: error parsing local port '{local}': strconv.ParseUint: parsing {local:?}: value out of range")),
        Ok(n) => n as i32,
        Err(_) => return Err(format!("error: error parsing local port '{local}': strconv.ParseUint: parsing {local:?}: invalid syntax")),
    };
    Ok((n != 0).then_some(n))
}

/// `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`.
pub fn port_forward(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let [target, ports @ ..] = f.positional.as_slice() else {
        return CommandOutput::err("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n".into(), 1);
    };
    if ports.is_empty() {
        return CommandOutput::err("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n".into(), 1);
    }
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => match resource_kind(k) {
            Ok(k) => (k, n.to_string()),
            Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
        },
        None => (Kind::Pod, target.clone()),
    };
    let ns = f.namespace();
    let object = match fetch(cluster, kind, &ns, &name) {
        Ok(o) => o,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let pod = match attachable_pod(cluster, &object) {
        Ok(p) => p,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    // Each argument as (local as written, remote container port).
    let mut wanted = Vec::new();
    for p in ports {
        let parts: Vec<&str> = p.split(':').collect();
        let (local, remote) = match parts.as_slice() {
            [r] => (*r, *r),
            [l, r] => (if l.is_empty() { "0" } else { *l }, *r),
            _ => return CommandOutput::err(format!("error: invalid port format '{p}'\n"), 1),
        };
        let resolved = match &object {
            Object::Service(svc) => service_target(svc, &pod, remote).map(|(target, named)| (named.map_or(local.to_string(), |n| if local == remote { n.to_string() } else { local.to_string() }), target)),
            _ => match remote.parse::<i32>() {
                Ok(n) => Ok((local.to_string(), n)),
                Err(_) => named_container_port(&pod, remote).map(|n| (if local == remote { n.to_string() } else { local.to_string() }, n)),
            },
        };
        match resolved {
            Ok(pair) => wanted.push(pair),
            Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
        }
    }
    if pod.phase() != "Running" {
        return CommandOutput::err(format!("error: unable to forward port because pod is not running. Current status={}\n", pod.phase()), 1);
    }
    let mut parsed = Vec::new();
    for (local, remote) in &wanted {
        match parse_port(local, *remote) {
            Ok(l) => parsed.push((l, *remote)),
            Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
        }
    }
    prune(cluster);
    let mut out = CommandOutput::default();
    let mut failed = Vec::new();
    for (local, remote) in parsed {
        let in_use = |c: &Cluster, port: i32| c.kubeconfig().port_forwards.iter().any(|pf| pf.local == port);
        let local = match local {
            Some(l) => l,
            None => (FIRST_RANDOM_PORT..).find(|p| !in_use(cluster, *p)).unwrap_or(FIRST_RANDOM_PORT),
        };
        if in_use(cluster, local) {
            out.stderr.push_str(&format!("Unable to listen on port {local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{local}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:{local}: bind: address already in use]\n"));
            failed.push(format!("{{{local} {remote}}}"));
            continue;
        }
        out.say(format!("Forwarding from 127.0.0.1:{local} -> {remote}"));
        out.say(format!("Forwarding from [::1]:{local} -> {remote}"));
        let forward = PortForward { local, namespace: ns.clone(), pod: pod.metadata.name.clone(), uid: pod.metadata.uid.as_deref().unwrap_or_default().to_string(), remote, target: target.clone() };
        cluster.kubeconfig_mut().port_forwards.push(forward);
    }
    if out.stdout.is_empty() {
        out.fail(format!("error: unable to listen on any of the requested ports: [{}]", failed.join(" ")));
    } else {
        out.stderr.push_str("  hint: kubeplay keeps the forward open in the background (kubectl would hold the terminal until Ctrl-C): curl 127.0.0.1:PORT reaches the pod; `port-forward stop` ends it\n");
    }
    out
}

/// Drops the forwards whose pod is gone (kubectl's forward ends with its pod); returns them.
fn prune(cluster: &mut Cluster) -> Vec<PortForward> {
    let alive = |c: &Cluster, pf: &PortForward| {
        c.store()
            .get(&ObjectKey { kind: Kind::Pod, namespace: pf.namespace.clone(), name: pf.pod.clone() })
            .and_then(Object::as_pod)
            .is_some_and(|p| p.metadata.uid.as_deref().unwrap_or_default() == pf.uid && !matches!(p.phase(), "Succeeded" | "Failed"))
    };
    let (keep, gone): (Vec<PortForward>, Vec<PortForward>) = cluster.kubeconfig().port_forwards.iter().cloned().partition(|pf| alive(cluster, pf));
    if !gone.is_empty() {
        cluster.kubeconfig_mut().port_forwards = keep;
    }
    gone
}

/// `port-forward list` and `port-forward stop [LOCAL]`: kubeplay's own way to see and
/// end the forwards `kubectl port-forward` left open (with kubectl: Ctrl-C or `kill`).
pub fn command(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    let usage = "usage: port-forward list | port-forward stop [LOCAL_PORT]   (start one with kubectl port-forward TYPE/NAME [LOCAL:]REMOTE)\n";
    prune(cluster);
    let forwards = cluster.kubeconfig().port_forwards.clone();
    let line = |pf: &PortForward| format!("127.0.0.1:{} -> {} (pod/{} port {}, namespace {})", pf.local, pf.target, pf.pod, pf.remote, pf.namespace);
    match (args.first().map(String::as_str), args.get(1)) {
        (Some("list"), None) if forwards.is_empty() => CommandOutput::ok("no port forwards\n".into()),
        (Some("list"), None) => CommandOutput::ok(forwards.iter().map(|pf| line(pf) + "\n").collect()),
        (Some("stop"), port) => {
            let port = match port.map(|p| p.parse::<i32>()) {
                Some(Ok(p)) => Some(p),
                Some(Err(_)) => return CommandOutput::err(usage.into(), 2),
                None => None,
            };
            let (stopped, keep): (Vec<PortForward>, Vec<PortForward>) = forwards.into_iter().partition(|pf| port.is_none_or(|p| pf.local == p));
            if stopped.is_empty() {
                return CommandOutput::err(port.map_or("no port forwards\n".to_string(), |p| format!("port-forward: nothing forwards port {p}\n")), 1);
            }
            cluster.kubeconfig_mut().port_forwards = keep;
            CommandOutput::ok(stopped.iter().map(|pf| format!("stopped {}\n", line(pf))).collect())
        }
        _ => CommandOutput::err(usage.into(), 2),
    }
}

/// Where a request of the console to `host:port` goes: through an open forward to its
/// pod's IP and port, or (`None`) as it is. A forward whose pod went away is dropped and
/// reported, as kubectl reports "lost connection to pod".
fn forwarded(cluster: &mut Cluster, host: &str, port: i32) -> Option<Result<(String, PortForward), PortForward>> {
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return None;
    }
    if let Some(gone) = prune(cluster).into_iter().find(|pf| pf.local == port) {
        return Some(Err(gone));
    }
    let pf = cluster.kubeconfig().port_forwards.iter().find(|pf| pf.local == port)?.clone();
    let key = ObjectKey { kind: Kind::Pod, namespace: pf.namespace.clone(), name: pf.pod.clone() };
    let ip = cluster.store().get(&key).and_then(Object::as_pod).and_then(|p| p.status.pod_ip.clone())?;
    Some(Ok((ip, pf)))
}

/// The console's `curl` through the open forwards: a URL to 127.0.0.1 (or localhost)
/// at a forwarded port is sent to the pod, and curl's messages keep the address typed.
/// A curl run in a pod (`--interface`) is not the console's and is passed through.
pub fn curl(cluster: &mut Cluster, args: &[String], run: fn(&mut Cluster, &[String]) -> CommandOutput) -> CommandOutput {
    let mut skip = false;
    let url_at = args.iter().position(|a| {
        let this = !skip && !a.starts_with('-');
        skip = a == "--interface";
        this
    });
    let Some(i) = url_at.filter(|_| !args.iter().any(|a| a == "--interface")) else { return run(cluster, args) };
    let url = &args[i];
    let (scheme, rest) = url.split_once("://").map_or(("", url.as_str()), |(s, r)| (s, r));
    let (authority, path) = rest.find('/').map_or((rest, ""), |j| (&rest[..j], &rest[j..]));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.contains(']') => (h, p.parse::<i32>().unwrap_or(-1)),
        _ => (authority, 80),
    };
    if !scheme.is_empty() && scheme != "http" {
        return run(cluster, args);
    }
    match forwarded(cluster, host, port) {
        None => run(cluster, args),
        Some(Err(gone)) => {
            let mut out = run(cluster, args);
            out.stderr.push_str(&format!("  hint: the port-forward of 127.0.0.1:{port} ended when pod/{} went away (kubectl printed \"error: lost connection to pod\"); run kubectl port-forward again\n", gone.pod));
            out
        }
        Some(Ok((ip, pf))) => {
            let mut rewritten = args.to_vec();
            rewritten[i] = format!("http://{ip}:{}{path}", pf.remote);
            let mut out = run(cluster, &rewritten);
            if out.exit_code == 7 {
                // kubectl accepted the connection but the pod refused it: curl sees it closed.
                let refused = format!("curl: (7) Failed to connect to {ip} port {} after 0 ms: Couldn't connect to server\n", pf.remote);
                out.stderr = out.stderr.replace(&refused, "curl: (52) Empty reply from server\n");
                out.exit_code = 52;
                out.stderr.push_str(&format!("  hint: nothing in pod/{} listens on port {} (kubectl port-forward prints \"an error occurred forwarding {} -> {}\")\n", pf.pod, pf.remote, pf.local, pf.remote));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use crate::clock::Duration;
    use crate::cluster::{Cluster, ClusterSettings};

    fn with_web() -> Cluster {
        let mut c = Cluster::new(ClusterSettings::default());
        run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
        run(&mut c, "kubectl expose deployment web --port=8080 --target-port=80");
        c.advance(Duration::seconds(30));
        c
    }

    #[test]
    fn a_forward_to_a_service_reaches_one_of_its_pods() {
        let mut c = with_web();
        let out = run(&mut c, "kubectl port-forward svc/web 9090:8080");
        assert_eq!((out.stdout.as_str(), out.exit_code), ("Forwarding from 127.0.0.1:9090 -> 80\nForwarding from [::1]:9090 -> 80\n", 0), "{out:?}");
        let out = run(&mut c, "curl -s http://127.0.0.1:9090/");
        assert!(out.stdout.contains("Welcome to nginx!"), "{out:?}");
        assert!(run(&mut c, "curl -s localhost:9090").stdout.contains("Welcome to nginx!"));
        assert_eq!(run(&mut c, "curl http://127.0.0.1:9091/").exit_code, 7, "another port is not forwarded");
        // kubectl: the same port twice cannot listen.
        let out = run(&mut c, "kubectl port-forward svc/web 9090:8080");
        assert_eq!(out.stderr, "Unable to listen on port 9090: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:9090: bind: address already in use unable to create listener: Error listen tcp6 [::1]:9090: bind: address already in use]\nerror: unable to listen on any of the requested ports: [{9090 80}]\n");
        assert!(run(&mut c, "port-forward list").stdout.starts_with("127.0.0.1:9090 -> svc/web (pod/web-"));
        assert!(run(&mut c, "port-forward stop 9090").stdout.starts_with("stopped 127.0.0.1:9090 -> svc/web"));
        assert_eq!(run(&mut c, "curl http://127.0.0.1:9090/").exit_code, 7);
        assert!(c.kubeconfig().is_default());
    }

    #[test]
    fn the_forward_ends_with_its_pod() {
        let mut c = with_web();
        run(&mut c, "kubectl run solo --image=nginx");
        c.advance(Duration::seconds(30));
        let out = run(&mut c, "kubectl port-forward solo 8080:80");
        assert_eq!(out.stdout, "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n");
        assert!(run(&mut c, "curl -s 127.0.0.1:8080").stdout.contains("Welcome to nginx!"));
        let out = run(&mut c, "curl 127.0.0.1:8080/ -s -S --fail");
        assert_eq!(out.exit_code, 0, "{out:?}");
        run(&mut c, "kubectl delete pod solo --grace-period=0 --force");
        let out = run(&mut c, "curl 127.0.0.1:8080");
        assert_eq!(out.exit_code, 7);
        assert!(out.stderr.contains("  hint: the port-forward of 127.0.0.1:8080 ended when pod/solo went away"), "{}", out.stderr);
        assert_eq!(run(&mut c, "port-forward list").stdout, "no port forwards\n");
    }

    #[test]
    fn kubectls_errors() {
        let mut c = with_web();
        let usage = "error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples\n";
        assert_eq!(run(&mut c, "kubectl port-forward").stderr, usage);
        assert_eq!(run(&mut c, "kubectl port-forward pod/web").stderr, usage);
        assert_eq!(run(&mut c, "kubectl port-forward pod/nope 8080:80").stderr, "Error from server (NotFound): pods \"nope\" not found\n");
        assert_eq!(run(&mut c, "kubectl port-forward nope 80").stderr, "Error from server (NotFound): pods \"nope\" not found\n");
        assert_eq!(run(&mut c, "kubectl port-forward deploy/nope 80").stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
        assert_eq!(run(&mut c, "kubectl port-forward svc/web 8080:80").stderr, "error: Service web does not have a service port 80\n");
        assert_eq!(run(&mut c, "kubectl port-forward svc/web 8080:http").stderr, "error: Service 'web' does not have a named port 'http'\n");
        assert_eq!(run(&mut c, "kubectl port-forward deploy/web abc:80").stderr, "error: error parsing local port 'abc': strconv.ParseUint: parsing \"abc\": invalid syntax\n");
        run(&mut c, "kubectl run starting --image=nginx");
        assert_eq!(run(&mut c, "kubectl port-forward starting 8080:80").stderr, "error: unable to forward port because pod is not running. Current status=Pending\n");
        assert_eq!(run(&mut c, "kubectl port-forward svc/kubernetes 443 -n default").stderr, "error: cannot attach to *v1.Service: invalid service 'kubernetes': Service is defined without a selector\n");
        let out = run(&mut c, "kubectl port-forward deploy/web 8080:http");
        assert!(out.stderr.starts_with("error: Pod 'web-") && out.stderr.ends_with("' does not have a named port 'http'\n"), "named ports are looked up in the pod: {}", out.stderr);
    }

    #[test]
    fn a_random_local_port_and_a_pod_that_does_not_listen() {
        let mut c = with_web();
        let out = run(&mut c, "kubectl port-forward deployment/web :81");
        assert_eq!(out.stdout, "Forwarding from 127.0.0.1:40000 -> 81\nForwarding from [::1]:40000 -> 81\n");
        let out = run(&mut c, "curl 127.0.0.1:40000");
        assert_eq!((out.exit_code, out.stderr.lines().next()), (52, Some("curl: (52) Empty reply from server")));
    }
}
