//! The client configuration (the kubeconfig kubectl reads) and `kubectl config`:
//! one cluster, user and context, all named `minikube` as minikube names them, whose
//! namespace is the default of every kubectl command given no `-n`.

use super::port_forward::PortForward;
use super::{go_template, no_printer, print_templated, tabwriter, templated, yaml_out, CommandOutput, Context, Flags};

/// The output formats `kubectl config view` names when it has no printer for `-o`.
const VIEW_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";
use crate::api::{Kind, Object};
use crate::cluster::Cluster;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The name of the one cluster, user and context (as minikube writes them).
pub const CONTEXT: &str = "minikube";

/// kubectl's client-side state: the current context's namespace and the port forwards
/// `kubectl port-forward` keeps open. Part of the cluster's snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeConfig {
    /// The current context's namespace; empty is `default`, as minikube writes it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// The forwards `kubectl port-forward` opened, until stopped or their pod goes away.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub port_forwards: Vec<PortForward>,
}

impl KubeConfig {
    /// The name of the one context (and of its cluster and user).
    pub const CONTEXT: &'static str = CONTEXT;

    /// Whether nothing was changed from a fresh kubeconfig (then snapshots leave it out).
    pub fn is_default(&self) -> bool {
        *self == KubeConfig::default()
    }

    /// The namespace commands use when given no `-n`.
    pub fn namespace(&self) -> &str {
        if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }
}

/// The API server's address, as `kubectl cluster-info` prints it.
fn server(cluster: &Cluster) -> String {
    let ip = cluster.store().list(Kind::Node, None).filter_map(Object::as_node).find_map(|n| n.internal_ip().map(str::to_string)).unwrap_or_default();
    format!("https://{ip}:6443")
}

/// The kubeconfig as JSON, certificate data shown as kubectl shows it (`DATA+OMITTED`),
/// or a placeholder certificate with `--raw`.
fn kubeconfig_value(cluster: &Cluster, raw: bool) -> serde_json::Value {
    let pem = |what: &str| crate::api::base64_encode(format!("-----BEGIN {what}-----\nkubeplay: a simulated cluster has no real keys\n-----END {what}-----\n").as_bytes());
    let data = |what: &str| if raw { pem(what) } else { "DATA+OMITTED".to_string() };
    json!({
        "apiVersion": "v1",
        "clusters": [{"cluster": {"certificate-authority-data": data("CERTIFICATE"), "server": server(cluster)}, "name": CONTEXT}],
        "contexts": [{"context": {"cluster": CONTEXT, "namespace": cluster.kubeconfig().namespace(), "user": CONTEXT}, "name": CONTEXT}],
        "current-context": CONTEXT,
        "kind": "Config",
        "preferences": {},
        "users": [{"name": CONTEXT, "user": {"client-certificate-data": data("CERTIFICATE"), "client-key-data": data("RSA PRIVATE KEY")}}],
    })
}

/// `-o json` in kubectl's field order (the Config type's, not sorted).
fn kubeconfig_json(v: &serde_json::Value) -> String {
    let s = |p: &str| serde_json::to_string(v.pointer(p).unwrap_or(&serde_json::Value::Null)).unwrap_or_default();
    format!(
        "{{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n    \"preferences\": {{}},\n    \"clusters\": [\n        {{\n            \"name\": {name},\n            \"cluster\": {{\n                \"server\": {server},\n                \"certificate-authority-data\": {ca}\n            }}\n        }}\n    ],\n    \"users\": [\n        {{\n            \"name\": {name},\n            \"user\": {{\n                \"client-certificate-data\": {cert},\n                \"client-key-data\": {key}\n            }}\n        }}\n    ],\n    \"contexts\": [\n        {{\n            \"name\": {name},\n            \"context\": {{\n                \"cluster\": {name},\n                \"user\": {name},\n                \"namespace\": {ns}\n            }}\n        }}\n    ],\n    \"current-context\": {name}\n}}\n",
        name = s("/current-context"),
        server = s("/clusters/0/cluster/server"),
        ca = s("/clusters/0/cluster/certificate-authority-data"),
        cert = s("/users/0/user/client-certificate-data"),
        key = s("/users/0/user/client-key-data"),
        ns = s("/contexts/0/context/namespace"),
    )
}

/// `kubectl config SUBCOMMAND`: current-context, get-contexts, get-clusters, get-users,
/// view, use-context and set-context (of the one context).
pub fn config(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let Some(sub) = f.positional.first() else {
        // Without a subcommand kubectl prints the group's help on standard error and fails.
        let help = super::help::command("config", &[]);
        return CommandOutput::err(help.stdout, 1);
    };
    let args = &f.positional[1..];
    let output = f.value("--output").unwrap_or_default();
    match sub.as_str() {
        "current-context" => CommandOutput::ok(format!("{CONTEXT}\n")),
        "get-contexts" => get_contexts(cluster, f, args, &output),
        "get-clusters" | "get-users" => CommandOutput::ok(format!("NAME\n{CONTEXT}\n")),
        "view" => {
            // --flatten shows the data too (kubectl 1.28 prints it whole).
            let value = kubeconfig_value(cluster, f.has("--raw") || f.has("--flatten"));
            let output = match go_template::output_format(f) {
                Ok(o) => o,
                Err(o) => return no_printer(&o, VIEW_FORMATS),
            };
            match output.as_str() {
                "" | "yaml" => CommandOutput::ok(yaml_out::to_yaml(&value)),
                "json" => CommandOutput::ok(kubeconfig_json(&value)),
                o if templated(o, false) || o.starts_with("jsonpath") => {
                    let mut out = CommandOutput::default();
                    print_templated(o, f, ctx.files, &value, &mut out);
                    out
                }
                other => no_printer(other, VIEW_FORMATS),
            }
        }
        "use-context" | "use" => match args {
            [name] if name == CONTEXT => CommandOutput::ok(format!("Switched to context {CONTEXT:?}.\n")),
            [name] => CommandOutput::err(format!("error: no context exists with the name: {name:?}\n"), 1),
            _ => CommandOutput::err(format!("error: Unexpected args: [{}]\n", args.join(" ")), 1),
        },
        "set-context" => {
            let name = match (args, f.has("--current")) {
                ([], false) => return CommandOutput::err("error: you must specify a non-empty context name or --current\n".into(), 1),
                ([], true) => CONTEXT,
                ([name], _) if name == CONTEXT => CONTEXT,
                ([name], _) => return CommandOutput::err(format!("error: kubeplay's kubeconfig has one context, {CONTEXT:?}: change it with --current (context {name:?} was not created)\n"), 1),
                _ => return CommandOutput::err(format!("error: Unexpected args: [{}]\n", args.join(" ")), 1),
            };
            if let Some(ns) = f.value("--namespace") {
                cluster.kubeconfig_mut().namespace = if ns == "default" { String::new() } else { ns };
            }
            CommandOutput::ok(format!("Context {name:?} modified.\n"))
        }
        "set" | "unset" | "set-cluster" | "set-credentials" | "delete-cluster" | "delete-context" | "delete-user" | "rename-context" => CommandOutput::err(
            format!("error: kubeplay's kubeconfig is managed for you: `kubectl config {sub}` is not simulated (use-context and set-context --current --namespace=NS are)\n"),
            1,
        ),
        other => CommandOutput::err(format!("error: unknown command {other:?}\nSee 'kubectl config -h' for help and examples\n"), 1),
    }
}

/// `kubectl config get-contexts [NAME] [-o name] [--no-headers]`.
fn get_contexts(cluster: &Cluster, f: &Flags, names: &[String], output: &str) -> CommandOutput {
    let mut out = CommandOutput::default();
    let missing: Vec<&String> = names.iter().filter(|n| *n != CONTEXT).collect();
    let shown = names.is_empty() || missing.len() < names.len();
    match output {
        "name" => {
            if shown {
                out.say(CONTEXT);
            }
        }
        "" => {
            let mut text = if f.has("--no-headers") { String::new() } else { "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n".to_string() };
            if shown {
                text.push_str(&format!("*\t{CONTEXT}\t{CONTEXT}\t{CONTEXT}\t{}\n", cluster.kubeconfig().namespace()));
            }
            out.stdout = tabwriter::align(&text, 6, 3);
        }
        other => return CommandOutput::err(format!("error: output must be one of '' or 'name': {other}\n"), 1),
    }
    for n in missing {
        out.fail(format!("error: context {n} not found"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use crate::cluster::{Cluster, ClusterSettings};

    #[test]
    fn one_context_named_as_minikube_names_it() {
        let mut c = Cluster::new(ClusterSettings::default());
        assert_eq!(run(&mut c, "kubectl config current-context").stdout, "minikube\n");
        // kubectl 1.28 capture (a kubeconfig with one context)
        assert_eq!(run(&mut c, "kubectl config get-contexts").stdout, "CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE\n*         minikube   minikube   minikube   default\n");
        let out = run(&mut c, "kubectl config get-contexts nope");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n", "error: context nope not found\n", 1));
        assert_eq!(run(&mut c, "kubectl config get-contexts -o name").stdout, "minikube\n");
        assert_eq!(run(&mut c, "kubectl config use-context minikube").stdout, "Switched to context \"minikube\".\n");
        assert_eq!(run(&mut c, "kubectl config use-context dev").stderr, "error: no context exists with the name: \"dev\"\n");
        assert_eq!(run(&mut c, "kubectl config set-context").stderr, "error: you must specify a non-empty context name or --current\n");
        assert_eq!(run(&mut c, "kubectl config frob").stderr, "error: unknown command \"frob\"\nSee 'kubectl config -h' for help and examples\n");
        let bare = run(&mut c, "kubectl config");
        assert!(bare.stderr.starts_with("Read and change the kubeconfig") && bare.stderr.contains("\n  use-context ") && bare.exit_code == 1, "{bare:?}");
        assert!(c.kubeconfig().is_default(), "reading changes nothing");
    }

    #[test]
    fn view_omits_certificate_data_like_kubectl() {
        let mut c = Cluster::new(ClusterSettings::default());
        // kubectl 1.28 capture, with this cluster's server address
        let expected = "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://172.18.0.2:6443\n  name: minikube\ncontexts:\n- context:\n    cluster: minikube\n    namespace: default\n    user: minikube\n  name: minikube\ncurrent-context: minikube\nkind: Config\npreferences: {}\nusers:\n- name: minikube\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n";
        assert_eq!(run(&mut c, "kubectl config view").stdout, expected);
        assert_eq!(run(&mut c, "kubectl config view --minify").stdout, expected);
        assert!(run(&mut c, "kubectl cluster-info").stdout.starts_with("Kubernetes control plane is running at https://172.18.0.2:6443\n"), "the same server as cluster-info");
        let json = run(&mut c, "kubectl config view -o json").stdout;
        assert!(json.starts_with("{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n    \"preferences\": {},\n    \"clusters\": [\n        {\n            \"name\": \"minikube\",\n            \"cluster\": {\n                \"server\": \"https://172.18.0.2:6443\",\n                \"certificate-authority-data\": \"DATA+OMITTED\"\n"), "{json}");
        assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
        assert_eq!(run(&mut c, "kubectl config view --minify -o jsonpath={..namespace}").stdout, "default");
        let raw = run(&mut c, "kubectl config view --raw").stdout;
        assert!(raw.contains("client-key-data: LS0tLS1CRUdJTi") && !raw.contains("DATA+OMITTED"), "{raw}");
        // Source: kubectl 1.28 with this kubeconfig: --flatten prints the data whole, as --raw.
        assert_eq!(run(&mut c, "kubectl config view --flatten").stdout, raw);
        assert!(run(&mut c, "kubectl config view -o wide").stderr.starts_with("error: unable to match a printer suitable for the output format \"wide\""));
    }
}
