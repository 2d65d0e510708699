//! `kubectl api-resources`: the resource types the API server serves (those kubeplay
//! simulates or keeps), with kubectl's filters (`--namespaced`, `--api-group`), `-o name`,
//! `--sort-by` and `--no-headers`.

use super::flags::Flags;
use super::{tabwriter, CommandOutput};
use crate::api::Kind;

/// Runs `kubectl api-resources`: the core group first, then by group (as discovery lists
/// them), each group by name unless `--sort-by` says otherwise.
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/apiresources/apiresources.go` `RunAPIResources`.
pub fn api_resources(f: &Flags) -> CommandOutput {
    let output = f.value("--output").unwrap_or_default();
    match output.as_str() {
        "" | "name" => {}
        "wide" => return CommandOutput::err("error: kubeplay does not print the VERBS and CATEGORIES columns of -o wide; kubectl api-resources without it lists the same resources\n".into(), 1),
        other => return CommandOutput::err(format!("error: --output {other} is not available\n"), 1),
    }
    let mut kinds: Vec<Kind> = Kind::ALL.to_vec();
    // `--namespaced` filters only when given, either way.
    if f.has("--namespaced") || !f.bool_or("--namespaced", true) {
        let namespaced = f.bool_or("--namespaced", true);
        kinds.retain(|k| k.namespaced() == namespaced);
    }
    if let Some(group) = f.value("--api-group") {
        kinds.retain(|k| k.group() == group);
    }
    crate::sorting::sort_by_key(&mut kinds, |k| (!k.group().is_empty(), k.group(), k.plural()));
    match f.value("--sort-by").as_deref() {
        None | Some("") => {}
        Some("name") => crate::sorting::sort_by_key(&mut kinds, |k| k.plural()),
        Some("kind") => crate::sorting::sort_by_key(&mut kinds, |k| k.name()),
        Some(_) => return CommandOutput::err("error: --sort-by accepts only name or kind\n".into(), 1),
    }
    if output == "name" {
        let names: String = kinds.iter().map(|k| if k.group().is_empty() { format!("{}\n", k.plural()) } else { format!("{}.{}\n", k.plural(), k.group()) }).collect();
        return CommandOutput::ok(names);
    }
    let mut text = if f.has("--no-headers") { String::new() } else { String::from("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n") };
    for k in kinds {
        text.push_str(&format!("{}\t{}\t{}\t{}\t{}\n", k.plural(), k.short_names().join(","), k.api_version(), k.namespaced(), k.name()));
    }
    CommandOutput::ok(tabwriter::align(&text, 6, 3))
}
