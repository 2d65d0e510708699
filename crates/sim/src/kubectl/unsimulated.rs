//! kubectl's commands that need no simulation of their own (`api-versions`, `auth can-i`),
//! and those kubeplay does not simulate, which say so and point to what serves instead
//! (rather than cobra's "unknown command", which would name the very command typed).

use super::flags::Flags;
use super::CommandOutput;
use crate::api::Kind;

/// `kubectl api-versions`: the group/versions the API server serves, sorted as kubectl sorts them.
pub fn api_versions() -> CommandOutput {
    // autoscaling/v1 HorizontalPodAutoscalers are served too (converted to v2), and metrics-server's group.
    let mut versions: Vec<&str> = Kind::ALL.iter().map(|k| k.api_version()).chain(["autoscaling/v1", "metrics.k8s.io/v1beta1"]).collect();
    crate::sorting::sort(&mut versions);
    versions.dedup();
    CommandOutput::ok(versions.iter().map(|v| format!("{v}\n")).collect())
}

/// `kubectl auth can-i VERB RESOURCE`: the console acts as the cluster's administrator (as
/// with minikube or kind), so the answer is yes; the rest of `auth` is RBAC, not simulated.
pub fn auth(f: &Flags) -> CommandOutput {
    match f.positional.first().map(String::as_str) {
        Some("can-i") if f.positional.len() >= 3 => CommandOutput::ok("yes\n".into()),
        Some("can-i") => CommandOutput::err("error: you must specify two arguments: verb resource or a nonResourceURL\n".into(), 1),
        _ => not_simulated("auth"),
    }
}

/// Why a real kubectl command is not simulated, and what to use instead.
fn reason(command: &str) -> &'static str {
    match command {
        "auth" => "RBAC is not simulated: the console acts as the cluster's administrator, so `kubectl auth can-i` always answers yes",
        "cp" => "the simulated containers have no file system to copy files to or from",
        "debug" => "ephemeral debug containers are not simulated; `kubectl exec -it POD -- sh` opens a shell in a pod's container",
        "attach" => "`kubectl logs -f POD` follows what a container writes",
        "proxy" => "no API server listens on a port here; `kubectl get --raw PATH` reads the API's paths",
        "completion" => "the console completes commands with Tab already",
        "kustomize" => "kustomizations are not simulated; apply the manifests with `kubectl apply -f`",
        "certificate" => "certificate signing requests are not simulated",
        "plugin" => "kubectl plugins are not available in the console",
        _ => "it is not part of the simulation",
    }
}

/// kubeplay's message for a real kubectl command it does not simulate.
pub fn not_simulated(command: &str) -> CommandOutput {
    CommandOutput::err(format!("error: kubeplay does not simulate \"kubectl {command}\": {}\n", reason(command)), 1)
}

/// Whether `verb` is a real kubectl command kubeplay does not simulate.
pub fn is_unsimulated(verb: &str) -> bool {
    matches!(verb, "cp" | "debug" | "attach" | "proxy" | "completion" | "kustomize" | "certificate" | "plugin" | "alpha")
}

/// The commands that take `-k DIR` (`--kustomize`) in kubectl 1.28.
const KUSTOMIZE_VERBS: &[&str] = &["apply", "create", "delete", "diff", "get", "replace", "describe", "edit", "label", "annotate", "patch", "rollout", "set", "scale", "autoscale", "expose"];

/// kubeplay's message for `-k`/`--kustomize` given to a command that takes it: kubectl
/// would build the manifests with kustomize, which kubeplay does not have.
pub fn kustomize_not_simulated(verb: &str, args: &[String]) -> Option<CommandOutput> {
    let kustomize = |a: &String| a == "-k" || a == "--kustomize" || a.starts_with("--kustomize=") || (a.starts_with("-k") && !a.starts_with("--"));
    let given = args.iter().take_while(|a| *a != "--").any(kustomize);
    (KUSTOMIZE_VERBS.contains(&verb) && given).then(|| CommandOutput::err(format!("error: kubeplay does not simulate \"kubectl {verb} -k\": {}\n", reason("kustomize")), 1))
}

/// `kubectl run` with `-i`, `-t`, `--attach` or `--rm`: kubectl's own checks of those
/// flags, then kubeplay's message, since it does not attach a console to a new pod.
pub fn run_attached(args: &[String]) -> Option<CommandOutput> {
    let (flags, command) = args.iter().position(|a| a == "--").map_or((args, &[][..]), |i| (&args[..i], &args[i + 1..]));
    let switch = |long: &str, short: char| {
        flags.iter().any(|a| a == long || a.strip_prefix(long).is_some_and(|v| v == "=true") || (a.len() > 1 && a.starts_with('-') && !a.starts_with("--") && a[1..].chars().all(|c| c == 'i' || c == 't') && a.contains(short)))
    };
    let attached = switch("--stdin", 'i') || switch("--tty", 't') || flags.iter().any(|a| a == "--attach" || a == "--attach=true");
    let rm = flags.iter().any(|a| a == "--rm" || a == "--rm=true");
    let see = "See 'kubectl run -h' for help and examples";
    if rm && !attached {
        return Some(CommandOutput::err(format!("error: --rm should only be used for attached containers\n{see}\n"), 1));
    }
    if !attached {
        return None;
    }
    if flags.iter().any(|a| a.starts_with("--dry-run") && a != "--dry-run=none") {
        return Some(CommandOutput::err(format!("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\n{see}\n"), 1));
    }
    let mut text = "error: kubeplay does not simulate attaching to the pod \"kubectl run\" starts (-i, -t, --attach, --rm): run it without those flags, then follow its output with kubectl logs -f NAME, or open a shell in it with kubectl exec -it NAME -- sh\n".to_string();
    if command.iter().any(|w| w.contains("wget") || w.contains("curl")) {
        text.push_str("  hint: a pod's request loop is not turned into traffic; to load a Service, use the console's load command, e.g. load http://CLUSTER-IP 20/s (kubectl get svc shows the CLUSTER-IP), and load stop to end it\n");
    }
    Some(CommandOutput::err(text, 1))
}

/// kubeplay's message for a flag kubectl 1.28 has for the command `path` (or for every
/// command) that kubeplay does not take there, for the first such flag in `args`; kubectl
/// would accept it, so "unknown flag" would mislead.
pub fn flag_not_simulated(verb: &str, path: &str, args: &[String]) -> Option<CommandOutput> {
    let own = super::real_flags::COMMANDS.iter().find(|(p, _)| *p == path).map_or(&[][..], |(_, flags)| *flags);
    let real = |name: &str| own.iter().chain(super::real_flags::GLOBAL).find(|(long, short)| *long == name || (!short.is_empty() && *short == name)).map(|(long, _)| *long);
    let accepted = |long: &'static str| {
        let global = ["--namespace", "--context", "--help", "--record"].contains(&long);
        (global || super::allowed_flags(verb).contains(&long)) && super::help::first_foreign(path, &[long]).is_none()
    };
    for arg in args.iter().take_while(|a| *a != "--") {
        let name = match arg.strip_prefix("--") {
            Some(rest) => format!("--{}", rest.split('=').next().unwrap_or(rest)),
            None if arg.len() > 1 && arg.starts_with('-') => arg.chars().take(2).collect(),
            None => continue,
        };
        if super::flags::canonical(&name).is_some_and(accepted) {
            continue;
        }
        if let Some(long) = real(&name) {
            return Some(CommandOutput::err(format!("error: kubeplay does not simulate the flag {long} of \"kubectl {path}\"; run the command without it\n"), 1));
        }
    }
    None
}

/// Whether `create SUBCOMMAND` is one of kubectl's generators kubeplay does not have.
pub fn is_unsimulated_generator(subcommand: &str) -> bool {
    matches!(
        subcommand,
        "clusterrole" | "clusterrolebinding" | "cronjob" | "cj" | "ingress" | "ing" | "poddisruptionbudget" | "pdb" | "priorityclass" | "pc" | "role" | "rolebinding" | "token"
    )
}

/// kubeplay's message for a `create` generator it does not have.
pub fn generator_not_simulated(subcommand: &str) -> CommandOutput {
    CommandOutput::err(format!("error: kubeplay has no \"kubectl create {subcommand}\" generator: write the object in a manifest and apply it with kubectl apply -f (kubeplay keeps kinds it does not simulate, such as Ingress or Role, without acting on them)\n"), 1)
}
