//! Tab completion for the console: command names, kubectl's verbs, resource types, object
//! names (in the namespace the line names), flags, namespaces and file names.

use super::fs::resolve;
use super::Shell;
use crate::api::Kind;
use crate::cluster::Cluster;

/// The commands the console knows, for the first word.
const COMMANDS: &[&str] = &[
    "advance", "base64", "cat", "cd", "clear", "cp", "curl", "cut", "echo", "env", "export", "fault", "grep", "head", "help", "jq", "k", "kubectl", "legacy-api", "load", "ls", "mkdir", "mv", "port-forward",
    "printf", "pwd", "rm", "sed", "sleep", "sort", "tail", "touch", "uniq", "usage", "watch", "wc",
];

/// kubectl's verbs the console answers.
const VERBS: &[&str] = &[
    "annotate", "api-resources", "apply", "autoscale", "cluster-info", "config", "cordon", "create", "delete", "describe", "diff", "drain", "edit", "events", "exec", "explain", "expose", "get", "label", "logs", "patch", "port-forward",
    "replace", "rollout", "run", "scale", "set", "taint", "top", "uncordon", "version", "wait",
];

/// Flags offered after `-`.
const FLAGS: &[&str] = &[
    "--all-namespaces", "--dry-run=client", "--filename", "--image", "--namespace", "--output", "--port", "--replicas", "--selector", "--show-labels", "--type", "--watch", "-A", "-f", "-l", "-n",
    "-o", "-w",
];

/// Words that can follow each other word-for-word (`rollout status`, `top pod`, `create deployment`).
fn subcommands(verb: &str) -> &'static [&'static str] {
    match verb {
        "rollout" => &["history", "pause", "restart", "resume", "status", "undo"],
        "top" => &["node", "pod"],
        "create" => &["configmap", "deployment", "job", "namespace", "secret", "service"],
        "set" => &["image", "resources"],
        "config" => &["current-context", "get-contexts", "set-context", "use-context", "view"],
        _ => &[],
    }
}

/// Candidates for the last word of `line` (complete words; directories end with `/`).
pub fn complete(shell: &Shell, cluster: &Cluster, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let current = if line.ends_with(char::is_whitespace) || words.is_empty() { "" } else { words[words.len() - 1] };
    let before: Vec<&str> = if current.is_empty() { words.clone() } else { words[..words.len() - 1].to_vec() };
    let mut out: Vec<String> = if before.is_empty() {
        COMMANDS.iter().map(|c| c.to_string()).collect()
    } else if matches!(before[0], "kubectl" | "k") {
        kubectl_words(shell, cluster, &before, current)
    } else if matches!(before.last(), Some(&"-f")) || matches!(before[0], "cat" | "cd" | "cp" | "mv" | "rm" | "ls" | "head" | "tail" | "sed" | "touch" | "mkdir") {
        files(shell, current)
    } else {
        Vec::new()
    };
    out.retain(|c| c.starts_with(current));
    crate::sorting::sort(&mut out);
    out.dedup();
    out
}

fn kubectl_words(shell: &Shell, cluster: &Cluster, before: &[&str], current: &str) -> Vec<String> {
    let previous = before.last().copied().unwrap_or("");
    if current.starts_with('-') {
        return FLAGS.iter().map(|f| f.to_string()).collect();
    }
    match previous {
        "-f" | "--filename" => return files(shell, current),
        "-n" | "--namespace" => return cluster.store().list(Kind::Namespace, None).map(|o| o.name().to_string()).collect(),
        "-o" | "--output" => return ["go-template-file=", "go-template=", "json", "jsonpath=", "name", "wide", "yaml"].iter().map(|s| s.to_string()).collect(),
        _ => {}
    }
    // Arguments after the verb, without flags and their values.
    let mut args: Vec<&str> = Vec::new();
    let mut namespace = cluster.kubeconfig().namespace().to_string();
    let mut i = 1;
    while i < before.len() {
        let w = before[i];
        if matches!(w, "-n" | "--namespace") {
            namespace = before.get(i + 1).map_or(namespace, |n| n.to_string());
            i += 2;
            continue;
        }
        if let Some(ns) = w.strip_prefix("--namespace=") {
            namespace = ns.to_string();
        } else if matches!(w, "-f" | "-o" | "-l" | "--filename" | "--output" | "--selector") {
            i += 2;
            continue;
        } else if !w.starts_with('-') {
            args.push(w);
        }
        i += 1;
    }
    let Some(verb) = args.first() else { return VERBS.iter().map(|v| v.to_string()).collect() };
    let subs = subcommands(verb);
    let rest = if !subs.is_empty() && args.len() >= 2 && subs.contains(&args[1]) { &args[2..] } else { &args[1..] };
    if !subs.is_empty() && args.len() == 1 {
        return subs.iter().map(|s| s.to_string()).collect();
    }
    let names_of = |kind: Kind| -> Vec<String> {
        let ns = kind.namespaced().then_some(namespace.as_str());
        cluster.store().list(kind, ns).map(|o| o.name().to_string()).collect()
    };
    match (*verb, rest) {
        ("logs" | "exec" | "port-forward", []) => names_of(Kind::Pod),
        ("config", _) if args.get(1).is_some_and(|s| *s == "use-context" || *s == "set-context") => vec![crate::kubectl::KubeConfig::CONTEXT.to_string()],
        ("top", _) if args.get(1) == Some(&"pod") => names_of(Kind::Pod),
        ("top", _) if args.get(1) == Some(&"node") => names_of(Kind::Node),
        ("get" | "describe" | "delete" | "label" | "annotate" | "scale" | "expose" | "autoscale" | "rollout" | "set" | "patch" | "cordon" | "uncordon" | "drain" | "taint", []) => {
            if matches!(*verb, "cordon" | "uncordon" | "drain" | "taint") {
                return names_of(Kind::Node);
            }
            // Resource types by their plural names, as kubectl offers them.
            Kind::ALL.iter().map(|k| k.plural().to_string()).collect()
        }
        (_, [kind, ..]) => match crate::api::Kind::from_resource(kind.trim_end_matches('/')) {
            Some(k) => names_of(k),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Files and directories matching the start of a path.
fn files(shell: &Shell, current: &str) -> Vec<String> {
    let (dir, _) = match current.rfind('/') {
        Some(i) => (&current[..=i], &current[i + 1..]),
        None => ("", current),
    };
    let listed = shell.fs.list(&resolve(&shell.cwd, if dir.is_empty() { "." } else { dir })).unwrap_or_default();
    listed.into_iter().map(|(n, is_dir)| format!("{dir}{n}{}", if is_dir { "/" } else { "" })).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_commands_verbs_kinds_names_flags_and_files() {
        let mut c = Cluster::new(crate::ClusterSettings::default());
        let mut s = Shell::default();
        s.run(&mut c, "kubectl create deployment web --image=nginx; kubectl create namespace shop; echo x > web.yaml; mkdir manifests", crate::clock::Duration(0));
        assert_eq!(complete(&s, &c, "kub"), vec!["kubectl"]);
        assert_eq!(complete(&s, &c, "kubectl ro"), vec!["rollout"]);
        assert_eq!(complete(&s, &c, "kubectl rollout st"), vec!["status"]);
        assert_eq!(complete(&s, &c, "kubectl get dep"), vec!["deployments"]);
        assert_eq!(complete(&s, &c, "kubectl rollout status deployment "), vec!["web"]);
        assert_eq!(complete(&s, &c, "k describe deploy w"), vec!["web"]);
        assert_eq!(complete(&s, &c, "kubectl get pods -n sh"), vec!["shop"]);
        assert_eq!(complete(&s, &c, "kubectl get pods -n kube-system kube-sch"), vec!["kube-scheduler-control-plane"]);
        assert_eq!(complete(&s, &c, "kubectl get pods --sh"), vec!["--show-labels"]);
        assert_eq!(complete(&s, &c, "kubectl apply -f "), vec!["manifests/", "web.yaml"]);
        assert_eq!(complete(&s, &c, "cat w"), vec!["web.yaml"]);
        assert!(complete(&s, &c, "kubectl cordon ").contains(&"node-1".to_string()));
        assert!(complete(&s, &c, "grep ").is_empty());
    }

    #[test]
    fn completes_config_port_forward_and_the_context_namespace() {
        let mut c = Cluster::new(crate::ClusterSettings::default());
        let mut s = Shell::default();
        s.run(&mut c, "kubectl create namespace shop; kubectl config set-context --current --namespace=shop; kubectl create deployment shopfront --image=nginx", crate::clock::Duration(0));
        assert_eq!(complete(&s, &c, "kubectl con"), vec!["config"]);
        assert_eq!(complete(&s, &c, "kubectl config use"), vec!["use-context"]);
        assert_eq!(complete(&s, &c, "kubectl config use-context "), vec!["minikube"]);
        assert_eq!(complete(&s, &c, "kubectl set res"), vec!["resources"]);
        assert_eq!(complete(&s, &c, "kubectl rep"), vec!["replace"]);
        assert_eq!(complete(&s, &c, "kubectl port-f"), vec!["port-forward"]);
        assert_eq!(complete(&s, &c, "port-f"), vec!["port-forward"]);
        assert_eq!(complete(&s, &c, "kubectl set resources deployment sh"), vec!["shopfront"], "names in the context's namespace");
        assert!(complete(&s, &c, "kubectl set resources deployment -n default sh").is_empty());
    }
}
