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
