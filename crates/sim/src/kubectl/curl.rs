//! `curl` in the console, which runs on a node (as after `minikube ssh`): a request to a
//! cluster IP, a node port, a load balancer IP or a pod IP goes through kube-proxy to
//! one pod, which answers as its image does. The client address (for ClientIP session
//! affinity) is the console node's, or the one `--interface ADDR` gives (a pod's IP when
//! the curl runs inside a pod).

use super::CommandOutput;
use crate::api::{Kind, Object, Pod};
use crate::cluster::Cluster;
use crate::images;
use crate::kube_proxy::Refusal;
use crate::store::ObjectKey;

/// The parts of a URL curl needs.
struct Url {
    host: String,
    port: i32,
    path: String,
}

fn parse_url(text: &str) -> Result<Url, String> {
    let rest = match text.split_once("://") {
        Some(("http", rest)) => rest,
        Some((scheme, _)) => return Err(format!("curl: (1) Protocol \"{scheme}\" not supported")),
        None => text,
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<i32>().map_err(|_| format!("curl: (3) URL using bad/illegal format or missing URL: {text}"))?),
        None => (authority, 80),
    };
    if host.is_empty() {
        return Err("curl: (3) URL using bad/illegal format or missing URL".into());
    }
    Ok(Url { host: host.to_string(), port, path })
}

pub(super) fn is_ip(host: &str) -> bool {
    host == "localhost" || (host.split('.').count() == 4 && host.split('.').all(|o| o.parse::<u8>().is_ok()))
}

/// The container of a pod that serves `port` now, if any (running and listening).
fn serving_container<'a>(cluster: &Cluster, pod: &'a Pod, port: i32) -> Option<&'a crate::api::Container> {
    pod.spec.containers.iter().find(|c| {
        let process = images::process(&c.image, &c.command, &c.args);
        let declared = c.ports.iter().any(|p| p.container_port == port);
        let serves = process.ports.contains(&port) || (process.ports.is_empty() && declared);
        let started = pod.status.container_statuses.iter().find(|s| s.name == c.name).and_then(|s| s.state.running.as_ref()).and_then(|r| r.started_at);
        match (serves, started, process.listens_after) {
            (true, Some(t), Some(after)) => cluster.now() >= t + after,
            _ => false,
        }
    })
}

/// `curl [-s] [-S] [-i] [-f] [-v] [--interface ADDR] URL`.
pub fn curl(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    let mut silent = false;
    let mut show_errors = false;
    let mut include = false;
    let mut fail = false;
    let mut verbose = false;
    let mut url = None;
    let mut interface = None;
    let mut words = args.iter();
    while let Some(a) = words.next() {
        match a.as_str() {
            "--interface" => match words.next() {
                Some(addr) => interface = Some(addr.clone()),
                None => return CommandOutput::err("curl: option --interface: requires parameter\ncurl: try 'curl --help' for more information\n".into(), 2),
            },
            "-s" | "--silent" => silent = true,
            "-S" | "--show-error" => show_errors = true,
            "-i" | "--include" => include = true,
            "-f" | "--fail" => fail = true,
            "-v" | "--verbose" => verbose = true,
            "-sS" | "-Ss" => (silent, show_errors) = (true, true),
            "-L" | "--location" | "-k" | "--insecure" => {}
            flag if flag.starts_with('-') => return CommandOutput::err(format!("curl: option {flag}: is unknown\ncurl: try 'curl --help' for more information\n"), 2),
            u => url = Some(u.to_string()),
        }
    }
    let Some(url) = url else {
        return CommandOutput::err("curl: try 'curl --help' for more information\n".into(), 2);
    };
    let mut out = CommandOutput::default();
    let error = |out: &mut CommandOutput, code: i32, message: String| {
        if !silent || show_errors {
            out.stderr.push_str(&message);
            out.stderr.push('\n');
        }
        out.exit_code = code;
    };
    let url = match parse_url(&url) {
        Ok(u) => u,
        Err(e) => {
            error(&mut out, 3, e);
            return out;
        }
    };
    if !is_ip(&url.host) {
        error(&mut out, 6, format!("curl: (6) Could not resolve host: {}", url.host));
        out.stderr.push_str("  hint: the console runs on a node, where Service names do not resolve; use the Service's CLUSTER-IP or a node port (kubectl get svc)\n");
        return out;
    }
    let refused = format!("curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server", url.host, url.port);
    let connected = match &interface {
        Some(client) => cluster.connect_from(client, &url.host, url.port),
        None => cluster.connect(&url.host, url.port),
    };
    if verbose {
        out.stderr.push_str(&format!("*   Trying {}:{}...\n", url.host, url.port));
    }
    let dest = match connected {
        Ok(d) => d,
        Err(Refusal::ConnectionRefused) => {
            error(&mut out, 7, refused);
            return out;
        }
        Err(Refusal::Timeout) => {
            error(&mut out, 28, format!("curl: (28) Failed to connect to {} port {} after 130000 ms: Couldn't connect to server", url.host, url.port));
            return out;
        }
    };
    // The pod kube-proxy chose (a terminating one still answers while its container runs), or the one with that IP.
    let chosen = ObjectKey { kind: Kind::Pod, namespace: dest.namespace.clone(), name: dest.pod.clone() };
    let chosen = cluster.store().get(&chosen).and_then(Object::as_pod).filter(|p| p.status.pod_ip.as_deref() == Some(dest.ip.as_str()));
    let pod = chosen.or_else(|| crate::kube_proxy::pod_by_ip(cluster.store(), &dest.ip)).cloned();
    let Some((pod, container)) = pod.as_ref().and_then(|p| Some((p, serving_container(cluster, p, dest.port)?))) else {
        error(&mut out, 7, refused);
        return out;
    };
    let Some(answer) = images::answer(&container.image, &url.path, &pod.metadata.name, &dest.ip) else {
        error(&mut out, 52, "curl: (52) Empty reply from server".into());
        return out;
    };
    cluster.record_request(&format!("{}/{}", dest.namespace, dest.pod), &url.path, answer.status);
    let reason = if answer.status == 200 { "OK" } else { "Not Found" };
    if verbose {
        // The exchange as curl -v shows it on standard error (the body goes to standard output).
        let (host, port) = (&url.host, url.port);
        out.stderr.push_str(&format!(
            "* Connected to {host} ({host}) port {port}\n> GET {} HTTP/1.1\n> Host: {host}:{port}\n> User-Agent: curl/7.88.1\n> Accept: */*\n> \n< HTTP/1.1 {} {reason}\n< Content-Type: {}\n< Content-Length: {}\n< \n",
            url.path,
            answer.status,
            answer.content_type,
            answer.body.len()
        ));
    }
    if fail && answer.status >= 400 {
        error(&mut out, 22, format!("curl: (22) The requested URL returned error: {}", answer.status));
        return out;
    }
    if include {
        out.stdout.push_str(&format!("HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n", answer.status, answer.content_type, answer.body.len()));
    }
    out.stdout.push_str(&answer.body);
    if verbose {
        out.stderr.push_str(&format!("* Connection #0 to host {} left intact\n", url.host));
    }
    out
}
