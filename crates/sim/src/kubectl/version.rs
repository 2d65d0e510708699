//! `kubectl version [--client] [-o json|yaml]`: the versions of kubectl and of the API
//! server, both the simulated cluster's release.

use super::flags::Flags;
use super::CommandOutput;
use crate::cluster::KUBERNETES_VERSION;

/// The kustomize kubectl 1.28 embeds.
const KUSTOMIZE: &str = "v5.0.4-0.20230601165947-6ce0bf390ce3";

/// The build of the release's binaries (v1.28.0: its commit, the date its kubeadm reports,
/// its Go), as `version.Info` fields in their Go order.
fn info() -> Vec<(&'static str, String)> {
    let (major, minor) = KUBERNETES_VERSION.trim_start_matches('v').split_once('.').map_or(("1", "28"), |(major, rest)| (major, rest.split('.').next().unwrap_or(rest)));
    vec![
        ("major", major.to_string()),
        ("minor", minor.to_string()),
        ("gitVersion", KUBERNETES_VERSION.to_string()),
        ("gitCommit", "855e7c48de7388eb330da0f8d9d2394ee818fb8d".into()),
        ("gitTreeState", "clean".into()),
        ("buildDate", "2023-08-15T10:20:15Z".into()),
        ("goVersion", "go1.20.7".into()),
        ("compiler", "gc".into()),
        ("platform", "linux/amd64".into()),
    ]
}

/// Runs `kubectl version`.
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/version/version.go` `Run`.
pub fn version(f: &Flags) -> CommandOutput {
    let client_only = f.has("--client");
    match f.value("--output").as_deref() {
        None | Some("") => {
            let mut text = format!("Client Version: {KUBERNETES_VERSION}\nKustomize Version: {KUSTOMIZE}\n");
            if !client_only {
                text.push_str(&format!("Server Version: {KUBERNETES_VERSION}\n"));
            }
            CommandOutput::ok(text)
        }
        Some("json") => {
            // Go's json.MarshalIndent with two spaces, fields in the struct's order.
            let block = |indent: &str| info().iter().map(|(k, v)| format!("{indent}  \"{k}\": \"{v}\"")).collect::<Vec<_>>().join(",\n");
            let mut text = format!("{{\n  \"clientVersion\": {{\n{}\n  }},\n  \"kustomizeVersion\": \"{KUSTOMIZE}\"", block("  "));
            if !client_only {
                text.push_str(&format!(",\n  \"serverVersion\": {{\n{}\n  }}", block("  ")));
            }
            text.push_str("\n}\n");
            CommandOutput::ok(text)
        }
        Some("yaml") => {
            // sigs.k8s.io/yaml: keys sorted, strings quoted where YAML would read another type.
            let mut fields = info();
            fields.sort_by(|a, b| a.0.cmp(b.0));
            let block = || fields.iter().map(|(k, v)| format!("  {k}: {}\n", if v.parse::<f64>().is_ok() || k == &"buildDate" { format!("\"{v}\"") } else { v.clone() })).collect::<String>();
            let mut text = format!("clientVersion:\n{}kustomizeVersion: {KUSTOMIZE}\n", block());
            if !client_only {
                text.push_str(&format!("serverVersion:\n{}", block()));
            }
            // kubectl prints the YAML with Println: an empty line follows.
            text.push('\n');
            CommandOutput::ok(text)
        }
        Some(_) => CommandOutput::err("error: --output must be 'yaml' or 'json'\n".into(), 1),
    }
}
