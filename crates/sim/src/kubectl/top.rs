//! `kubectl top pod|node` from metrics-server, and the console's `load` and `usage`
//! commands that drive the workload model.

use super::flags::{parse_selector, Flags};
use super::{tabwriter, CommandOutput};
use crate::api::{Kind, Object, Quantity};
use crate::clock::{Duration, Time};
use crate::cluster::Cluster;
use crate::traffic::{Load, Override};

/// CPU as kubectl top prints it: millicores rounded up.
fn cpu(milli: f64) -> String {
    format!("{}m", milli.ceil() as i64)
}

/// Memory as kubectl top prints it: whole MiB, truncated.
fn memory(bytes: i64) -> String {
    format!("{}Mi", bytes >> 20)
}

/// Every cell ends with a TAB, as in kubectl's top printer (so lines end in spaces).
fn table(rows: &[Vec<String>]) -> String {
    let text: String = rows.iter().map(|r| format!("{}\t\n", r.join("\t"))).collect();
    tabwriter::align(&text, 6, 3)
}

/// Go's duration text for a pod's age (`3m12s`), as in kubectl's "Metrics not available" error.
fn go_duration(d: Duration) -> String {
    d.go_string()
}

/// `kubectl top pod [NAME] [-n NS | -A] [-l SEL] [--containers]`.
fn top_pods(cluster: &Cluster, f: &Flags) -> CommandOutput {
    let all = f.all_namespaces();
    let ns = f.namespace();
    let selector = match f.selector() {
        Ok(s) => s,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let name = f.positional.get(1).cloned();
    let pods: Vec<&crate::api::Pod> = cluster
        .store()
        .list(Kind::Pod, if all { None } else { Some(ns.as_str()) })
        .filter_map(Object::as_pod)
        .filter(|p| name.as_ref().is_none_or(|n| &p.metadata.name == n))
        .filter(|p| selector.as_ref().is_none_or(|s| s.matches(&p.metadata.labels)))
        .collect();
    let metrics = cluster.metrics();
    let key = |p: &crate::api::Pod| format!("{}/{}", p.metadata.namespace.as_deref().unwrap_or(""), p.metadata.name);
    let mut served: Vec<(&crate::api::Pod, &crate::metrics_server::PodSample)> = pods.iter().filter_map(|p| Some((*p, metrics.pods.get(&key(p))?))).collect();
    match sort_by(f) {
        Ok(Some(by_cpu)) => crate::sorting::sort_by(&mut served, |a, b| by_usage(a.1.total(), b.1.total(), by_cpu)),
        Ok(None) => {}
        Err(e) => return CommandOutput::err(e, 1),
    }
    if let (Some(n), true) = (&name, served.is_empty()) {
        return CommandOutput::err(format!("Error from server (NotFound): pods.metrics.k8s.io {n:?} not found\n"), 1);
    }
    if served.is_empty() {
        let now = cluster.now();
        let old = pods.iter().find(|p| p.metadata.creation_timestamp.is_some_and(|t| now - t > Duration::seconds(120)));
        return match old {
            Some(p) => CommandOutput::err(
                format!("error: Metrics not available for pod {}, age: {}\n", key(p), go_duration(now - p.metadata.creation_timestamp.unwrap_or(Time(0)))),
                1,
            ),
            None => CommandOutput::err("error: metrics not available yet\n".into(), 1),
        };
    }
    let containers = f.has("--containers");
    let mut header: Vec<String> = Vec::new();
    if all {
        header.push("NAMESPACE".into());
    }
    if containers {
        header.push("POD".into());
    }
    header.extend(["NAME", "CPU(cores)", "MEMORY(bytes)"].map(String::from));
    let mut rows = vec![header];
    for &(p, sample) in &served {
        let prefix: Vec<String> = if all { vec![p.metadata.namespace.clone().unwrap_or_default()] } else { Vec::new() };
        if containers {
            for (c, cpu_m, mem) in &sample.containers {
                let mut row = prefix.clone();
                row.extend([p.metadata.name.clone(), c.clone(), cpu(*cpu_m), memory(*mem)]);
                rows.push(row);
            }
        } else {
            let (cpu_m, mem) = sample.total();
            let mut row = prefix;
            row.extend([p.metadata.name.clone(), cpu(cpu_m), memory(mem)]);
            rows.push(row);
        }
    }
    if f.has("--sum") {
        // Models metricsutil/metrics_printer.go printPodResourcesSum: a rule, then the
        // totals, under the CPU and MEMORY columns.
        let (cpu_m, mem) = served.iter().map(|(_, sample)| sample.total()).fold((0.0, 0), |(c, m), (pc, pm)| (c + pc, m + pm));
        let blanks = vec![String::new(); rows[0].len() - 2];
        rows.push([blanks.clone(), vec!["________".into(), "________".into()]].concat());
        rows.push([blanks, vec![cpu(cpu_m), memory(mem)]].concat());
    }
    if f.has("--no-headers") {
        rows.remove(0);
    }
    CommandOutput { stdout: table(&rows), ..Default::default() }
}

/// `--sort-by=cpu|memory`: `Some(true)` for CPU, `Some(false)` for memory.
fn sort_by(f: &Flags) -> Result<Option<bool>, String> {
    match f.value("--sort-by").as_deref() {
        None | Some("") => Ok(None),
        Some("cpu") => Ok(Some(true)),
        Some("memory") => Ok(Some(false)),
        Some(_) => Err("error: --sort-by accepts only cpu or memory\n".into()),
    }
}

/// The larger use first, by CPU or by memory.
fn by_usage(a: (f64, i64), b: (f64, i64), by_cpu: bool) -> std::cmp::Ordering {
    if by_cpu { b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal) } else { b.1.cmp(&a.1) }
}

/// `kubectl top node [NAME]`.
fn top_nodes(cluster: &Cluster, f: &Flags) -> CommandOutput {
    let name = f.positional.get(1).cloned();
    let metrics = cluster.metrics();
    if metrics.nodes.is_empty() {
        return CommandOutput::err("error: metrics not available yet\n".into(), 1);
    }
    let mut rows = vec![["NAME", "CPU(cores)", "CPU%", "MEMORY(bytes)", "MEMORY%"].map(String::from).to_vec()];
    let mut nodes: Vec<&crate::api::Node> = cluster.store().list(Kind::Node, None).filter_map(Object::as_node).filter(|n| name.as_ref().is_none_or(|x| &n.metadata.name == x)).collect();
    match sort_by(f) {
        Ok(Some(by_cpu)) => {
            let usage = |n: &crate::api::Node| metrics.nodes.get(&n.metadata.name).copied().unwrap_or_default();
            crate::sorting::sort_by(&mut nodes, |a, b| by_usage(usage(a), usage(b), by_cpu));
        }
        Ok(None) => {}
        Err(e) => return CommandOutput::err(e, 1),
    }
    // The percentages are of what pods may use, or with --show-capacity of the whole node.
    let show_capacity = f.has("--show-capacity");
    let total = |n: &crate::api::Node, resource: &str| if show_capacity { n.status.capacity.get(resource).map_or(0, crate::api::Quantity::milli_value) } else { n.allocatable_milli(resource) };
    for n in nodes {
        match metrics.nodes.get(&n.metadata.name) {
            Some(&(cpu_m, mem)) => {
                let pct = |used: f64, alloc: i64| if alloc > 0 { format!("{}%", (100.0 * used / alloc as f64) as i64) } else { "<unknown>".into() };
                rows.push(vec![
                    n.metadata.name.clone(),
                    cpu(cpu_m),
                    pct(cpu_m, total(n, "cpu")),
                    memory(mem),
                    pct(mem as f64, total(n, "memory") / 1000),
                ]);
            }
            None => rows.push(vec![n.metadata.name.clone(), "<unknown>".into(), "<unknown>".into(), "<unknown>".into(), "<unknown>".into()]),
        }
    }
    if let (Some(n), 1) = (&name, rows.len()) {
        return CommandOutput::err(format!("Error from server (NotFound): nodes {n:?} not found\n"), 1);
    }
    if f.has("--no-headers") {
        rows.remove(0);
    }
    CommandOutput { stdout: table(&rows), ..Default::default() }
}

/// `kubectl top pod|node`.
pub fn top(cluster: &Cluster, f: &Flags) -> CommandOutput {
    match f.positional.first().map(String::as_str) {
        Some("pod" | "pods" | "po") => top_pods(cluster, f),
        Some("node" | "nodes" | "no") => top_nodes(cluster, f),
        Some(other) => CommandOutput::err(format!("error: unknown command {other:?} for \"kubectl top\"\n"), 1),
        None => CommandOutput::err("Display Resource (CPU/Memory) usage.\n\nAvailable Commands:\n  node          Display resource (CPU/memory) usage of nodes\n  pod           Display resource (CPU/memory) usage of pods\n".into(), 0),
    }
}

/// `load URL RATE/s [for DURATION]`, `load stop`, `load` (what runs).
pub fn load(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    match args {
        [] => {
            let loads = &cluster.traffic().loads;
            if loads.is_empty() {
                return CommandOutput { stdout: "no load running\n".into(), ..Default::default() };
            }
            let mut rows = vec![["TARGET", "RATE", "SENT", "FAILED", "ENDS"].map(String::from).to_vec()];
            for l in loads {
                let ends = l.until.map_or("never".into(), |t| t.rfc3339());
                rows.push(vec![l.url.clone(), format!("{}/s", l.rate), l.sent.to_string(), l.failed.to_string(), ends]);
            }
            let text: String = rows.iter().map(|r| format!("{}\n", r.join("\t"))).collect();
            CommandOutput { stdout: tabwriter::align(&text, 6, 3), ..Default::default() }
        }
        [stop] if stop == "stop" => {
            let n = cluster.stop_loads();
            CommandOutput { stdout: format!("stopped {n} load(s)\n"), ..Default::default() }
        }
        [url, rate, rest @ ..] => {
            let usage = "usage: load URL RATE/s [for DURATION]   e.g. load http://127.0.0.1:31000 75/s for 5m\n";
            let Some(per_second) = rate.strip_suffix("/s").and_then(|r| r.parse::<f64>().ok()).filter(|r| *r > 0.0 && *r <= 1_000_000.0) else {
                return CommandOutput::err(usage.into(), 2);
            };
            let until = match rest {
                [] => None,
                [f, d] if f == "for" => match Duration::parse(d) {
                    Ok(d) => Some(cluster.now() + d),
                    Err(e) => return CommandOutput::err(format!("load: {e}\n"), 2),
                },
                _ => return CommandOutput::err(usage.into(), 2),
            };
            let target = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
            let authority = target.split('/').next().unwrap_or(target);
            let (host, port) = match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.parse().unwrap_or(80)),
                None => (authority.to_string(), 80),
            };
            if !super::curl::is_ip(&host) {
                // As curl would: from the node, a Service's name does not resolve.
                return CommandOutput::err(format!("load: could not resolve host: {host}\n  hint: the console runs on a node, where Service names do not resolve; use the Service's CLUSTER-IP or a node port (kubectl get svc)\n"), 6);
            }
            cluster.start_load(Load { url: url.clone(), host, port, rate: per_second, until, sent: 0, failed: 0 });
            let ends = until.map_or(String::new(), |t| format!(" until {}", t.rfc3339()));
            CommandOutput { stdout: format!("sending {per_second} requests/s to {url}{ends}\n"), ..Default::default() }
        }
        _ => CommandOutput::err("usage: load URL RATE/s [for DURATION] | load stop\n".into(), 2),
    }
}

/// `usage [-n NS] SELECTOR cpu=QTY [memory=QTY]` or `usage SELECTOR auto`.
pub fn usage(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    let help = "usage: usage [-n NAMESPACE] SELECTOR cpu=QTY [memory=QTY] | usage SELECTOR auto   e.g. usage app=web cpu=300m\n";
    // Like kubectl's verbs, the current context's namespace unless `-n` says otherwise.
    let mut namespace = cluster.kubeconfig().namespace().to_string();
    let mut rest: Vec<&String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "-n" || args[i] == "--namespace" {
            namespace = args.get(i + 1).cloned().unwrap_or_default();
            i += 2;
        } else {
            rest.push(&args[i]);
            i += 1;
        }
    }
    let Some((sel, settings)) = rest.split_first() else { return CommandOutput::err(help.into(), 2) };
    let selector = match parse_selector(sel) {
        Ok(s) => s,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 2),
    };
    let mut o = Override { namespace, selector, cpu_milli: None, memory: None };
    for s in settings {
        match s.split_once('=') {
            Some(("cpu", q)) => match Quantity::parse(q) {
                Ok(q) => o.cpu_milli = Some(q.milli_value() as f64),
                Err(e) => return CommandOutput::err(format!("usage: {e}\n"), 2),
            },
            Some(("memory", q)) => match Quantity::parse(q) {
                Ok(q) => o.memory = Some(q.milli_value() / 1000),
                Err(e) => return CommandOutput::err(format!("usage: {e}\n"), 2),
            },
            None if *s == "auto" => {}
            _ => return CommandOutput::err(help.into(), 2),
        }
    }
    let said = if o.cpu_milli.is_none() && o.memory.is_none() { "back to the workload model".to_string() } else { settings.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ") };
    cluster.set_usage(o);
    CommandOutput { stdout: format!("pods matching {sel}: {said}\n"), ..Default::default() }
}
