//! kubectl's command groups (`set`, `rollout`, `top`, `config`, `create secret`, `create
//! service`) typed without a subcommand, which prints the group's help and fails, or with
//! a word that is none of the group's subcommands, which kubectl calls an unknown command.

use super::CommandOutput;

/// Each group with every subcommand kubectl 1.28 has in it (also those kubeplay does not
/// simulate, which their own commands answer), short names included.
const GROUPS: &[(&str, &[&str])] = &[
    ("set", &["env", "image", "resources", "selector", "serviceaccount", "sa", "subject"]),
    ("rollout", &["history", "pause", "restart", "resume", "status", "undo"]),
    ("top", &["node", "nodes", "no", "pod", "pods", "po"]),
    (
        "config",
        &["current-context", "delete-cluster", "delete-context", "delete-user", "get-clusters", "get-contexts", "get-users", "rename-context", "set", "set-cluster", "set-context", "set-credentials", "unset", "use-context", "use", "view"],
    ),
    ("create secret", &["docker-registry", "generic", "tls"]),
    ("create service", &["clusterip", "externalname", "loadbalancer", "nodeport"]),
];

/// What kubectl prints for a group typed without one of its subcommands, given the verb
/// and the positional words; `None` when a subcommand (or no group) is named.
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go` `DefaultSubCommandRun`
/// (the help, on standard error) and cobra's unknown-command check for a group's words.
pub fn without_subcommand(verb: &str, positional: &[String]) -> Option<CommandOutput> {
    let (group, rest) = match (verb, positional) {
        ("create", [sub, rest @ ..]) if matches!(sub.as_str(), "secret" | "service" | "svc") => (if sub == "secret" { "create secret" } else { "create service" }, rest),
        ("create", _) => return None,
        (verb, rest) => (verb, rest),
    };
    let (_, subcommands) = GROUPS.iter().find(|(g, _)| *g == group)?;
    match rest.first() {
        Some(word) if subcommands.contains(&word.as_str()) => None,
        Some(_) => Some(CommandOutput::err(format!("error: unknown command {:?}\nSee 'kubectl {group} -h' for help and examples\n", rest.join(" ")), 1)),
        None => {
            let (verb, words) = group.split_once(' ').map_or((group, vec![]), |(v, sub)| (v, vec![sub.to_string()]));
            let help = super::help::command(verb, &words).stdout;
            // `rollout` alone prints its help on standard output (and fails all the same).
            Some(if group == "rollout" { CommandOutput { stdout: help, exit_code: 1, ..Default::default() } } else { CommandOutput::err(help, 1) })
        }
    }
}
