//! kubectl and the console's first commands: what learners type, answered as
//! kubectl would. (`get`, `delete`, `version`, plus the runner's `advance`.)

pub mod printers;
pub mod tabwriter;

use crate::api::Kind;
use crate::clock::Duration;
use crate::cluster::{Cluster, KUBERNETES_VERSION};

/// What a command printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// 0 on success.
    pub exit_code: i32,
}

impl CommandOutput {
    fn ok(stdout: String) -> Self {
        CommandOutput { stdout, ..Default::default() }
    }
    fn err(stderr: String, exit_code: i32) -> Self {
        CommandOutput { stderr, exit_code, ..Default::default() }
    }
}

/// Splits a command line into words, honouring single and double quotes.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        Some('\\') if c == '"' => cur.extend(chars.next()),
                        Some(ch) => cur.push(ch),
                        None => return Err("unexpected EOF while looking for matching quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Runs one console line against the cluster.
pub fn run(cluster: &mut Cluster, line: &str) -> CommandOutput {
    let words = match split_words(line) {
        Ok(w) => w,
        Err(e) => return CommandOutput::err(format!("sh: syntax error: {e}\n"), 2),
    };
    let Some(first) = words.first() else { return CommandOutput::default() };
    match first.as_str() {
        "kubectl" | "k" => kubectl(cluster, &words[1..]),
        "advance" => match words.get(1).map(|w| Duration::parse(w)) {
            Some(Ok(d)) => {
                cluster.advance(d);
                CommandOutput::default()
            }
            Some(Err(e)) => CommandOutput::err(format!("advance: {e}\n"), 1),
            None => CommandOutput::err("advance: missing duration (e.g. advance 30s)\n".into(), 1),
        },
        other => CommandOutput::err(format!("sh: {other}: command not found\n"), 127),
    }
}

/// Flags common to the commands implemented so far.
struct Flags {
    namespace: Option<String>,
    all_namespaces: bool,
    output: Option<String>,
    positional: Vec<String>,
}

fn parse_flags(args: &[String]) -> Result<Flags, String> {
    let mut f = Flags { namespace: None, all_namespaces: false, output: None, positional: Vec::new() };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let mut value_of = |name: &str| -> Result<String, String> {
            if let Some(v) = a.strip_prefix(&format!("{name}=")) {
                return Ok(v.to_string());
            }
            i += 1;
            args.get(i).cloned().ok_or_else(|| format!("error: flag needs an argument: {name}"))
        };
        match a.as_str() {
            "-A" | "--all-namespaces" => f.all_namespaces = true,
            s if s == "-n" || s == "--namespace" || s.starts_with("--namespace=") || (s.starts_with("-n") && s.len() > 2) => {
                f.namespace = Some(if let Some(v) = s.strip_prefix("-n").filter(|v| !v.is_empty() && !s.starts_with("--")) {
                    v.trim_start_matches('=').to_string()
                } else {
                    value_of(if s.starts_with("--") { "--namespace" } else { "-n" })?
                })
            }
            s if s == "-o" || s == "--output" || s.starts_with("--output=") || (s.starts_with("-o") && s.len() > 2) => {
                f.output = Some(if let Some(v) = s.strip_prefix("-o").filter(|v| !v.is_empty() && !s.starts_with("--")) {
                    v.trim_start_matches('=').to_string()
                } else {
                    value_of(if s.starts_with("--") { "--output" } else { "-o" })?
                })
            }
            s if s.starts_with("--") => return Err(format!("error: unknown flag: {}", s.split('=').next().unwrap_or(s))),
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("error: unknown shorthand flag: '{}' in {s}", &s[1..2])),
            _ => f.positional.push(a.clone()),
        }
        i += 1;
    }
    Ok(f)
}

fn kubectl(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    let Some(verb) = args.first() else {
        return CommandOutput::ok("kubectl controls the Kubernetes cluster manager.\n\nRun 'kubectl --help' for usage.\n".into());
    };
    let flags = match parse_flags(&args[1..]) {
        Ok(f) => f,
        Err(e) => return CommandOutput::err(format!("{e}\nSee 'kubectl {verb} --help' for usage.\n"), 1),
    };
    match verb.as_str() {
        "get" => get(cluster, &flags),
        "delete" => delete(cluster, &flags),
        "version" => CommandOutput::ok(format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\nServer Version: {KUBERNETES_VERSION}\n")),
        other => CommandOutput::err(format!("error: unknown command {other:?} for \"kubectl\"\nRun 'kubectl --help' for usage.\n"), 1),
    }
}

fn resource_kind(word: &str) -> Result<Kind, String> {
    Kind::from_resource(word).ok_or_else(|| format!("error: the server doesn't have a resource type {word:?}\n"))
}

fn get(cluster: &Cluster, f: &Flags) -> CommandOutput {
    let Some(kinds) = f.positional.first() else {
        return CommandOutput::err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n".into(), 1);
    };
    let kinds: Vec<Kind> = match kinds.split(',').map(resource_kind).collect() {
        Ok(k) => k,
        Err(e) => return CommandOutput::err(e, 1),
    };
    let names = &f.positional[1..];
    let namespace = f.namespace.clone().unwrap_or_else(|| "default".into());
    let wide = f.output.as_deref() == Some("wide");
    let mut out = CommandOutput::default();
    let mut tables = Vec::new();
    for &kind in &kinds {
        let ns_filter = if !kind.namespaced() || f.all_namespaces { None } else { Some(namespace.as_str()) };
        let objects: Vec<_> = cluster.store().list(kind, ns_filter).filter(|o| names.is_empty() || names.iter().any(|n| n == o.name())).cloned().collect();
        for n in names {
            if !objects.iter().any(|o| o.name() == n) {
                out.stderr.push_str(&format!("Error from server (NotFound): {} {n:?} not found\n", kind.plural()));
                out.exit_code = 1;
            }
        }
        match f.output.as_deref() {
            Some("name") => {
                for o in &objects {
                    out.stdout.push_str(&format!("{}/{}\n", kind.name().to_ascii_lowercase(), o.name()));
                }
            }
            Some("json") => {
                let value = if objects.len() == 1 && !names.is_empty() {
                    serde_json::to_value(&objects[0]).unwrap_or_default()
                } else {
                    serde_json::json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {"resourceVersion": ""}})
                };
                out.stdout.push_str(&serde_json::to_string_pretty(&value).unwrap_or_default());
                out.stdout.push('\n');
            }
            None | Some("wide") => {
                if objects.is_empty() {
                    continue;
                }
                let prefix = if kinds.len() > 1 { format!("{}/", kind.name().to_ascii_lowercase()) } else { String::new() };
                let mut text = String::new();
                let mut header = printers::headers(kind, wide);
                if f.all_namespaces && kind.namespaced() {
                    header.insert(0, "NAMESPACE");
                }
                text.push_str(&header.join("\t"));
                text.push('\n');
                for o in &objects {
                    let mut row = printers::row(o, cluster.now(), wide);
                    row[0] = format!("{prefix}{}", row[0]);
                    if f.all_namespaces && kind.namespaced() {
                        row.insert(0, o.namespace().to_string());
                    }
                    text.push_str(&row.join("\t"));
                    text.push('\n');
                }
                tables.push(tabwriter::align(&text, 6, 3));
            }
            Some(other) => {
                return CommandOutput::err(
                    format!("error: unable to match a printer suitable for the output format {other:?}, allowed formats are: json,name,wide\n"),
                    1,
                )
            }
        }
    }
    out.stdout.push_str(&tables.join("\n"));
    if out.stdout.is_empty() && names.is_empty() {
        let scoped = kinds.iter().all(|k| k.namespaced()) && !f.all_namespaces;
        out.stderr.push_str(&if scoped { format!("No resources found in {namespace} namespace.\n") } else { "No resources found\n".to_string() });
    }
    out
}

fn delete(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let (Some(kind), names) = (f.positional.first(), f.positional.get(1..).unwrap_or_default()) else {
        return CommandOutput::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(), 1);
    };
    let kind = match resource_kind(kind) {
        Ok(k) => k,
        Err(e) => return CommandOutput::err(e, 1),
    };
    if names.is_empty() {
        return CommandOutput::err("error: resource(s) were provided, but no name was specified\n".into(), 1);
    }
    let mut out = CommandOutput::default();
    for name in names {
        match cluster.delete(kind, f.namespace.as_deref(), name) {
            Ok(_) => out.stdout.push_str(&format!("{} {name:?} deleted\n", kind.name().to_ascii_lowercase())),
            Err(e) => {
                out.stderr.push_str(&format!("{e}\n"));
                out.exit_code = 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterSettings;

    fn cluster() -> Cluster {
        Cluster::new(ClusterSettings::default())
    }

    #[test]
    fn get_nodes_prints_kubectls_table() {
        let mut c = cluster();
        let out = run(&mut c, "kubectl get nodes");
        assert_eq!(out.exit_code, 0, "{out:?}");
        assert_eq!(
            out.stdout,
            "NAME            STATUS   ROLES           AGE   VERSION\n\
             control-plane   Ready    control-plane   5m    v1.28.0\n\
             node-1          Ready    <none>          5m    v1.28.0\n\
             node-2          Ready    <none>          5m    v1.28.0\n\
             node-3          Ready    <none>          5m    v1.28.0\n"
        );
    }

    #[test]
    fn get_pods_across_namespaces_and_the_empty_message() {
        let mut c = cluster();
        let out = run(&mut c, "kubectl get pods");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", "No resources found in default namespace.\n"));
        let out = run(&mut c, "kubectl get po -n kube-system");
        assert!(out.stdout.starts_with("NAME "), "{out:?}");
        assert!(out.stdout.contains("etcd-control-plane                      1/1     Running   0          5m\n"), "{}", out.stdout);
        let out = run(&mut c, "kubectl get pods -A -o wide");
        assert!(out.stdout.starts_with("NAMESPACE     NAME "), "{}", out.stdout);
        assert!(out.stdout.contains("10.244."));
    }

    #[test]
    fn errors_read_like_kubectl() {
        let mut c = cluster();
        assert_eq!(run(&mut c, "kubectl get foos").stderr, "error: the server doesn't have a resource type \"foos\"\n");
        assert_eq!(run(&mut c, "kubectl get pods web").stderr, "Error from server (NotFound): pods \"web\" not found\n");
        assert_eq!(run(&mut c, "kubectl delete pod web").stderr, "Error from server (NotFound): pods \"web\" not found\n");
        assert_eq!(run(&mut c, "kubectl frobnicate").stderr, "error: unknown command \"frobnicate\" for \"kubectl\"\nRun 'kubectl --help' for usage.\n");
        assert_eq!(run(&mut c, "kubectl get pods --replicas=3").stderr, "error: unknown flag: --replicas\nSee 'kubectl get --help' for usage.\n");
        assert_eq!(run(&mut c, "ls -l").exit_code, 127);
        assert_eq!(run(&mut c, "echo 'unterminated").exit_code, 2);
    }

    #[test]
    fn delete_and_advance() {
        let mut c = cluster();
        c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n", "p.yaml");
        let before = c.now();
        assert_eq!(run(&mut c, "advance 90s").exit_code, 0);
        assert_eq!(c.now() - before, Duration::seconds(90));
        assert!(run(&mut c, "kubectl get pods").stdout.contains("web    1/1     Running   0          90s"));
        assert_eq!(run(&mut c, "kubectl delete pod web").stdout, "pod \"web\" deleted\n");
        assert!(run(&mut c, "kubectl get pods").stdout.contains("web    0/1     Terminating   0          90s"), "nginx takes a moment to stop");
        run(&mut c, "advance 1s");
        assert_eq!(run(&mut c, "kubectl get pod web -o name").stderr, "Error from server (NotFound): pods \"web\" not found\n");
    }

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(split_words(r#"a "b c" 'd e' f\ g"#).unwrap(), vec!["a", "b c", "d e", "f g"]);
        assert_eq!(split_words("  ").unwrap(), Vec::<String>::new());
        assert!(split_words("'x").is_err());
    }
}
