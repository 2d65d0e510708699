//! The imperative generators: `kubectl create deployment|namespace|configmap|secret
//! generic|docker-registry|tls|job|service|quota|serviceaccount` and `kubectl run`. Each builds the object exactly as kubectl does on
//! the client (so `--dry-run=client -o yaml` prints what kubectl 1.28 prints), then
//! creates it unless it is a dry run.

use super::files::api_error_line;
use super::flags::Flags;
use super::{CommandOutput, Context};
use crate::api::{Kind, Object};
use crate::cluster::Cluster;
use serde_json::{json, Map, Value};

mod hash;
mod sources;
mod tls;

use sources::Target;

/// `--dry-run`: none, client or server.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DryRun {
    None,
    Client,
    Server,
}

/// Reads `--dry-run` as kubectl does (a bare `--dry-run` is client, with its deprecation notice).
pub(super) fn dry_run(f: &Flags, out: &mut CommandOutput) -> Result<DryRun, String> {
    match f.value("--dry-run").as_deref() {
        None | Some("none") => Ok(DryRun::None),
        Some("client") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        // `--dry-run` with no value: kubectl warns and treats it as client.
        Some("unchanged") => {
            out.stderr.push_str("W0000 00:00:00.000000       1 helpers.go:692] --dry-run is deprecated and can be replaced with --dry-run=client.\n");
            Ok(DryRun::Client)
        }
        Some(other) => Err(format!("error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".")),
    }
}

/// The single NAME a generator needs, as kubectl checks it.
fn one_name<'a>(f: &'a Flags, command: &str, skip: usize) -> Result<&'a str, String> {
    let names = &f.positional[skip.min(f.positional.len())..];
    match names {
        [name] => Ok(name),
        _ => Err(format!("error: exactly one NAME is required, got {}\nSee 'kubectl {command} -h' for help and examples", names.len())),
    }
}

/// An integer flag, with kubectl's (pflag's) message when it does not parse.
fn int_flag(f: &Flags, long: &str, shown: &str, command: &str) -> Result<Option<i64>, String> {
    f.value(long)
        .map(|v| v.parse::<i64>().map_err(|_| format!("error: invalid argument {v:?} for \"{shown}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl {command} --help' for usage.")))
        .transpose()
}

/// The container name kubectl derives from an image: its last path segment without
/// tag or digest (characters a DNS label cannot hold become dashes).
pub fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split('@').next().unwrap_or(base);
    let base = base.split(':').next().unwrap_or(base);
    base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c.to_ascii_lowercase() } else { '-' }).collect()
}

/// `a=b,c=d` as a label map.
fn parse_labels(text: &str) -> Result<Map<String, Value>, String> {
    let mut labels = Map::new();
    for pair in text.split(',').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| format!("error: unexpected label spec: {pair}"))?;
        labels.insert(k.to_string(), Value::String(v.to_string()));
    }
    Ok(labels)
}

fn metadata(name: &str, namespace: Option<&str>, labels: Option<Map<String, Value>>) -> Value {
    let mut m = Map::new();
    m.insert("creationTimestamp".into(), Value::Null);
    if let Some(l) = labels {
        m.insert("labels".into(), Value::Object(l));
    }
    m.insert("name".into(), json!(name));
    if let Some(ns) = namespace {
        m.insert("namespace".into(), json!(ns));
    }
    Value::Object(m)
}

fn container(name: &str, image: &str, port: Option<i64>, command: &[String], as_command: bool, env: &[(String, String)]) -> Value {
    let mut c = Map::new();
    if !command.is_empty() {
        c.insert(if as_command { "command" } else { "args" }.into(), json!(command));
    }
    if !env.is_empty() {
        c.insert("env".into(), Value::Array(env.iter().map(|(k, v)| json!({"name": k, "value": v})).collect()));
    }
    c.insert("image".into(), json!(image));
    c.insert("name".into(), json!(name));
    if let Some(p) = port {
        c.insert("ports".into(), json!([{"containerPort": p}]));
    }
    c.insert("resources".into(), json!({}));
    Value::Object(c)
}

/// The namespace `-n` names, for the object's metadata (kubectl writes it only when given).
fn given_namespace(f: &Flags) -> Option<String> {
    f.value("--namespace")
}

fn deployment(f: &Flags) -> Result<Value, String> {
    let cmd = "create deployment";
    let images = f.values("--image");
    if images.is_empty() {
        return Err("error: required flag(s) \"image\" not set".into());
    }
    let name = one_name(f, cmd, 1)?;
    let replicas = int_flag(f, "--replicas", "-r, --replicas", cmd)?.unwrap_or(1);
    let port = int_flag(f, "--port", "--port", cmd)?;
    if images.len() > 1 && !f.command.is_empty() {
        return Err("error: cannot specify multiple --image options and command".into());
    }
    let labels = crate::sorting::object_of([("app".to_string(), json!(name))]);
    let containers: Vec<Value> =
        images.iter().enumerate().map(|(i, image)| container(&container_name(image), image, port.filter(|_| i == 0), &f.command, true, &[])).collect();
    Ok(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(name, given_namespace(f).as_deref(), Some(labels.clone())),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "strategy": {},
            "template": {"metadata": metadata_template(labels), "spec": {"containers": containers}},
        },
        "status": {},
    }))
}

fn metadata_template(labels: Map<String, Value>) -> Value {
    let mut m = Map::new();
    m.insert("creationTimestamp".into(), Value::Null);
    if !labels.is_empty() {
        m.insert("labels".into(), Value::Object(labels));
    }
    Value::Object(m)
}

fn job(f: &Flags) -> Result<Value, String> {
    let name = one_name(f, "create job", 1)?;
    let image = f.value("--image").ok_or("error: either --image or --from must be specified")?;
    Ok(json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata(name, given_namespace(f).as_deref(), None),
        "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {"containers": [container(name, &image, None, &f.command, true, &[])], "restartPolicy": "Never"}}},
        "status": {},
    }))
}

/// `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME`: a Service
/// selecting `app=NAME`, one port per `--tcp=port[:targetPort]` (named `port-target`, or
/// the port alone when both are the same), as kubectl's service generator builds it.
fn service(f: &Flags) -> Result<Value, String> {
    let kind = f.positional.get(1).map(String::as_str);
    let (type_, command) = match kind {
        Some("clusterip") => ("ClusterIP", "create service clusterip"),
        Some("nodeport") => ("NodePort", "create service nodeport"),
        Some("loadbalancer") => ("LoadBalancer", "create service loadbalancer"),
        Some("externalname") => ("ExternalName", "create service externalname"),
        Some(_) => return Err(format!("error: unknown command {:?}\nSee 'kubectl create service -h' for help and examples", f.positional[1..].join(" "))),
        None => return Err("error: kubectl create service needs a type: clusterip, externalname, loadbalancer or nodeport".into()),
    };
    // Each type has its own flags; the others are unknown to it.
    let own: &[&str] = match type_ {
        "ClusterIP" => &["--tcp", "--clusterip"],
        "NodePort" => &["--tcp", "--node-port"],
        "LoadBalancer" => &["--tcp"],
        _ => &["--tcp", "--external-name"],
    };
    if let Some(flag) = ["--tcp", "--clusterip", "--node-port", "--external-name"].into_iter().find(|flag| f.has(flag) && !own.contains(flag)) {
        return Err(format!("error: unknown flag: {flag}\nSee 'kubectl {command} --help' for usage."));
    }
    let name = one_name(f, command, 2)?;
    let labels = crate::sorting::object_of([("app".to_string(), json!(name))]);
    let mut spec = Map::new();
    if type_ == "ExternalName" {
        let external = f.value("--external-name").ok_or("error: required flag(s) \"external-name\" not set")?;
        spec.insert("externalName".into(), json!(external));
    }
    let cluster_ip = f.value("--clusterip").filter(|ip| !ip.is_empty());
    let tcp: Vec<String> = f.values("--tcp").iter().flat_map(|t| t.split(',')).filter(|t| !t.is_empty()).map(String::from).collect();
    if tcp.is_empty() && type_ != "ExternalName" && cluster_ip.as_deref() != Some("None") {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    let node_port = int_flag(f, "--node-port", "--node-port", command)?.filter(|n| *n > 0);
    let mut ports = Vec::new();
    for t in &tcp {
        let (port, target) = t.split_once(':').unwrap_or((t, t));
        let number: u16 = port.parse().map_err(|_| format!("error: strconv.ParseUint: parsing {port:?}: invalid syntax"))?;
        // kubectl names the port after what was typed, colons as dashes (`80:80` is `80-80`).
        let name = t.replace(':', "-");
        let target = target.parse::<u16>().map_or_else(|_| json!(target), |n| json!(n));
        let mut p = Map::new();
        p.insert("name".into(), json!(name));
        if let Some(n) = node_port {
            p.insert("nodePort".into(), json!(n));
        }
        p.insert("port".into(), json!(number));
        p.insert("protocol".into(), json!("TCP"));
        p.insert("targetPort".into(), target);
        ports.push(Value::Object(p));
    }
    if let Some(ip) = cluster_ip {
        spec.insert("clusterIP".into(), json!(ip));
    }
    if !ports.is_empty() {
        spec.insert("ports".into(), Value::Array(ports));
    }
    spec.insert("selector".into(), Value::Object(labels.clone()));
    spec.insert("type".into(), json!(type_));
    Ok(service_object(f, name, Some(labels), Value::Object(spec)))
}

/// A Service as kubectl's generators print it, around its `spec`.
fn service_object(f: &Flags, name: &str, labels: Option<Map<String, Value>>, spec: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(name, given_namespace(f).as_deref(), labels),
        "spec": spec,
        "status": {"loadBalancer": {}},
    })
}

fn namespace(f: &Flags) -> Result<Value, String> {
    let name = one_name(f, "create namespace", 1)?;
    Ok(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": metadata(name, None, None), "spec": {}, "status": {}}))
}

/// `kubectl create serviceaccount NAME`.
fn service_account(f: &Flags) -> Result<Value, String> {
    let name = one_name(f, "create serviceaccount", 1)?;
    Ok(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata(name, given_namespace(f).as_deref(), None)}))
}

/// `kubectl create quota NAME --hard=cpu=1,memory=1G,pods=2`.
fn quota(f: &Flags) -> Result<Value, String> {
    let name = one_name(f, "create quota", 1)?;
    let mut hard = Map::new();
    for pair in f.value("--hard").iter().flat_map(|h| h.split(',')).filter(|p| !p.is_empty()) {
        let Some((resource, value)) = pair.split_once('=').filter(|(r, _)| !r.is_empty()) else {
            return Err(format!("error: Invalid argument syntax {pair}, expected <resource>=<value>"));
        };
        let q = crate::api::Quantity::parse(value).map_err(|e| format!("error: {e}"))?;
        hard.insert(resource.to_string(), json!(q.to_string()));
    }
    let spec = if hard.is_empty() { json!({}) } else { json!({"hard": hard}) };
    Ok(json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": metadata(name, given_namespace(f).as_deref(), None), "spec": spec, "status": {}}))
}

fn config_map(f: &Flags, ctx: &Context<'_>) -> Result<Value, String> {
    let name = one_name(f, "create configmap", 1)?;
    let data = sources::data(f, ctx, Target::ConfigMap, name)?;
    let mut o = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata(name, given_namespace(f).as_deref(), None)});
    if !data.is_empty() {
        o["data"] = Value::Object(data);
    }
    Ok(o)
}

/// The flags only one kind of `create secret` takes: (kind, its own flags).
const SECRET_FLAGS: [(&str, &[&str]); 3] = [
    ("generic", &["--from-literal", "--from-env-file", "--type"]),
    ("docker-registry", &["--docker-server", "--docker-username", "--docker-password", "--docker-email"]),
    ("tls", &["--cert", "--key"]),
];

/// `create secret docker-registry NAME`: a `kubernetes.io/dockerconfigjson` Secret holding
/// the registry credentials as a docker config file (or the files of `--from-file`).
fn docker_registry_secret(f: &Flags, ctx: &Context<'_>) -> Result<Value, String> {
    let command = "create secret docker-registry";
    let name = one_name(f, command, 2)?;
    let data = if f.has("--from-file") {
        crate::sorting::object_of(sources::data(f, ctx, Target::Secret, name)?.into_iter().map(|(k, v)| (k, Value::String(crate::api::base64_encode(v.as_str().unwrap_or_default().as_bytes())))))
    } else {
        let (user, password) = (f.value("--docker-username").unwrap_or_default(), f.value("--docker-password").unwrap_or_default());
        if user.is_empty() || password.is_empty() {
            return Err("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
        }
        let server = f.value("--docker-server").unwrap_or_else(|| "https://index.docker.io/v1/".into());
        // Go's encoder: the entry's fields in struct order (a sorted map cannot keep it), the
        // email left out when empty, HTML characters escaped.
        let quote = |v: &str| super::jsonpath::go_marshal(&Value::String(v.into()));
        let email = f.value("--docker-email").filter(|e| !e.is_empty()).map(|e| format!(",\"email\":{}", quote(&e))).unwrap_or_default();
        let auth = crate::api::base64_encode(format!("{user}:{password}").as_bytes());
        let text = format!("{{\"auths\":{{{}:{{\"username\":{},\"password\":{}{email},\"auth\":{}}}}}}}", quote(&server), quote(&user), quote(&password), quote(&auth));
        let mut data = Map::new();
        data.insert(".dockerconfigjson".into(), Value::String(crate::api::base64_encode(text.as_bytes())));
        data
    };
    let mut o = json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata(name, given_namespace(f).as_deref(), None)});
    if !data.is_empty() {
        o["data"] = Value::Object(data);
    }
    o["type"] = json!("kubernetes.io/dockerconfigjson");
    Ok(o)
}

/// `create secret tls NAME`: kubectl checks the NAME, `-o` and `--dry-run` before it
/// looks at the files.
fn tls_secret(f: &Flags, ctx: &Context<'_>) -> Result<Value, String> {
    let name = one_name(f, "create secret tls", 2)?;
    super::object_output(f).map_err(|o| o.stderr.trim_end().to_string())?;
    dry_run(f, &mut CommandOutput::default())?;
    tls::secret(f, ctx, metadata(name, given_namespace(f).as_deref(), None))
}

fn secret(f: &Flags, ctx: &Context<'_>) -> Result<Value, String> {
    let kind = f.positional.get(1).map(String::as_str);
    // Each kind refuses the others' flags; `--from-file` is generic's and docker-registry's.
    let own = |flag: &str| SECRET_FLAGS.iter().any(|(k, flags)| Some(*k) == kind && flags.contains(&flag)) || (flag == "--from-file" && kind != Some("tls"));
    let foreign = SECRET_FLAGS.iter().flat_map(|(_, flags)| flags.iter()).chain(&["--from-file"]).find(|flag| f.has(flag) && !own(flag));
    if let Some(flag) = foreign {
        let sub = kind.filter(|k| SECRET_FLAGS.iter().any(|(own, _)| own == k)).map(|k| format!(" {k}")).unwrap_or_default();
        return Err(format!("error: unknown flag: {flag}\nSee 'kubectl create secret{sub} --help' for usage."));
    }
    match kind {
        Some("generic") => {}
        Some("docker-registry") => return docker_registry_secret(f, ctx),
        Some("tls") => return tls_secret(f, ctx),
        // `create secret` without a kind was answered before (see `groups`).
        _ => return Err(format!("error: unknown command {:?}\nSee 'kubectl create secret -h' for help and examples", f.positional[1..].join(" "))),
    }
    let name = one_name(f, "create secret generic", 2)?;
    let data = crate::sorting::object_of(sources::data(f, ctx, Target::Secret, name)?.into_iter().map(|(k, v)| (k, Value::String(crate::api::base64_encode(v.as_str().unwrap_or_default().as_bytes())))));
    let mut o = json!({"apiVersion": "v1", "kind": "Secret", "metadata": metadata(name, given_namespace(f).as_deref(), None)});
    if !data.is_empty() {
        o["data"] = Value::Object(data);
    }
    if let Some(t) = f.value("--type") {
        o["type"] = json!(t);
    }
    Ok(o)
}

/// The Service `run --expose` makes for its pod (kubectl's service generator): the pod's
/// name, selecting the pod's labels, one unnamed TCP port sending to the same port, and
/// labels only when `--labels` gave some.
fn run_service(f: &Flags, pod: &Value) -> Result<Value, String> {
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let port = int_flag(f, "--port", "--port", "run")?.unwrap_or_default();
    let labels = f.value("--labels").map(|l| parse_labels(&l)).transpose()?;
    Ok(service_object(f, name, labels, json!({"ports": [{"port": port, "protocol": "TCP", "targetPort": port}], "selector": pod["metadata"]["labels"].clone()})))
}

/// `kubectl run NAME --image=IMAGE`: one Pod, labelled `run=NAME` unless `--labels` says otherwise.
fn pod(f: &Flags) -> Result<Value, String> {
    let cmd = "run";
    let image = f.value("--image").ok_or("error: required flag(s) \"image\" not set")?;
    let name = f.positional.first().ok_or("error: NAME is required for run\nSee 'kubectl run -h' for help and examples")?;
    // `run --port` is a string kubectl converts itself.
    let port = f.value("--port").filter(|p| !p.is_empty()).map(|p| p.parse::<i64>().map_err(|_| format!("error: strconv.Atoi: parsing {p:?}: invalid syntax"))).transpose()?;
    let restart = f.value("--restart").unwrap_or_else(|| "Always".into());
    if !["Always", "OnFailure", "Never"].contains(&restart.as_str()) {
        return Err(format!("error: invalid restart policy: {restart}\nSee 'kubectl {cmd} -h' for help and examples"));
    }
    let labels = match f.value("--labels").or_else(|| f.value("--selector")) {
        Some(text) => parse_labels(&text)?,
        None => crate::sorting::object_of([("run".to_string(), json!(name))]),
    };
    let pull_policy = f.value("--image-pull-policy").filter(|p| !p.is_empty());
    if let Some(p) = pull_policy.as_deref().filter(|p| !["Always", "IfNotPresent", "Never"].contains(p)) {
        return Err(format!("error: invalid image pull policy: {p}\nSee 'kubectl {cmd} -h' for help and examples"));
    }
    let mut annotations = Map::new();
    for a in f.values("--annotations") {
        let (k, v) = a.split_once('=').ok_or_else(|| format!("error: invalid annotations format: {a}"))?;
        annotations.insert(k.to_string(), json!(v));
    }
    let mut env = Vec::new();
    for e in f.values("--env") {
        let (k, v) = e.split_once('=').ok_or_else(|| format!("error: invalid env: {e}"))?;
        env.push((k.to_string(), v.to_string()));
    }
    let mut command = f.positional[1..].to_vec();
    command.extend(f.command.iter().cloned());
    let mut container = container(name, &image, port, &command, f.has("--command"), &env);
    if let Some(p) = pull_policy {
        container["imagePullPolicy"] = json!(p);
    }
    let mut metadata = metadata(name, given_namespace(f).as_deref(), Some(labels));
    if !annotations.is_empty() {
        metadata["annotations"] = Value::Object(annotations);
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [container], "dnsPolicy": "ClusterFirst", "restartPolicy": restart},
        "status": {},
    }))
}

/// The hint kubeplay adds when a 2018-era `kubectl run` flag is refused.
fn run_hint(f: &Flags, flag: &str) -> String {
    let name = f.positional.first().map_or("NAME", String::as_str);
    let image = f.value("--image").unwrap_or_else(|| "IMAGE".into());
    let mut suggestion = format!("kubectl create deployment {name} --image={image}");
    if let Some(r) = f.value("--replicas") {
        suggestion.push_str(&format!(" --replicas={r}"));
    }
    if let Some(p) = f.value("--port") {
        suggestion.push_str(&format!(" --port={p}"));
    }
    let mut hint = format!(
        "  hint: since kubectl 1.18, `kubectl run` creates a single Pod and no longer takes {flag}.\n  hint: for a Deployment, as the 2018 workshop made: {suggestion}\n"
    );
    // The workshop then selects its pods by the labels it gave (`-l inovex`), which
    // create deployment does not take.
    if f.value("--labels").is_some() {
        hint.push_str(&format!("  hint: create deployment takes no --labels; it labels the pods app={name}, so select them with -l app={name}\n"));
    }
    hint
}

/// `kubectl run`.
pub fn run(cluster: &mut Cluster, f: &Flags, raw: &[String], ctx: &Context<'_>) -> CommandOutput {
    for removed in ["--replicas", "--generator", "--serviceaccount", "--schedule"] {
        if raw.iter().any(|a| a == removed || a.starts_with(&format!("{removed}="))) {
            return CommandOutput::err(format!("error: unknown flag: {removed}\nSee 'kubectl run --help' for usage.\n{}", run_hint(f, removed)), 1);
        }
    }
    if f.has("--expose") {
        if f.value("--port").is_none() {
            return CommandOutput::err("error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples\n".into(), 1);
        }
        // The Service first (kubectl prints it before the pod), then the pod it selects.
        let pod = pod(f);
        let service = pod.as_ref().map_err(Clone::clone).and_then(|p| run_service(f, p));
        let mut out = finish(cluster, f, ctx, service, CommandOutput::default());
        if out.exit_code != 0 {
            return out;
        }
        if matches!(f.value("--output").as_deref(), Some("yaml")) {
            out.stdout.push_str("---\n");
        }
        return finish(cluster, f, ctx, pod, out);
    }
    finish(cluster, f, ctx, pod(f), CommandOutput::default())
}

/// `kubectl create ...`: a generator when a subcommand is named, else `create -f`.
pub fn create(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let built = match f.positional.first().map(String::as_str) {
        // Without -f, cobra prints the error and then the command's help (kubeplay's words).
        None if !f.has("--filename") => return CommandOutput::err(format!("Error: must specify one of -f and -k\n\n{}", super::help::command("create", &[]).stdout), 1),
        None => return super::files::apply(cluster, f, ctx, true),
        Some("deployment" | "deploy") => deployment(f),
        Some("namespace" | "ns") => namespace(f),
        Some("configmap" | "cm") => config_map(f, ctx),
        Some("secret") => secret(f, ctx),
        Some("job") => job(f),
        Some("quota" | "resourcequota") => quota(f),
        Some("serviceaccount" | "sa") => service_account(f),
        Some("service" | "svc") => service(f),
        Some(_) => {
            let rest = f.positional.join(" ");
            return CommandOutput::err(format!("error: unknown command {rest:?}\nSee 'kubectl create -h' for help and examples\n"), 1);
        }
    };
    finish(cluster, f, ctx, built, CommandOutput::default())
}

/// Prints (dry run) or creates the built object, with kubectl's messages.
fn finish(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>, built: Result<Value, String>, mut out: CommandOutput) -> CommandOutput {
    let mut value = match built {
        Ok(v) => v,
        Err(e) => {
            out.fail(e);
            return out;
        }
    };
    let output = match super::object_output(f) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mode = match dry_run(f, &mut out) {
        Ok(m) => m,
        Err(e) => {
            out.fail(e);
            return out;
        }
    };
    if f.has("--append-hash") {
        let name = format!("{}-{}", value["metadata"]["name"].as_str().unwrap_or_default(), hash::suffix(&value));
        value["metadata"]["name"] = json!(name);
    }
    if f.bool_or("--save-config", false) {
        // kubectl keeps the object as it built it, before this annotation, on one line.
        let config = format!("{}\n", super::typed_json::typed_json_compact(&value));
        value["metadata"]["annotations"] = json!({crate::manifest::LAST_APPLIED: config});
    }
    let kind_name = value["kind"].as_str().unwrap_or_default().to_string();
    let Some(kind) = Kind::from_kind_name(&kind_name) else { return out };
    let name = value["metadata"]["name"].as_str().unwrap_or_default().to_string();
    if mode == DryRun::Client {
        match output.as_str() {
            "" => out.say(format!("{}/{name} created (dry run)", kind.qualified())),
            printer => super::print_typed(printer, &value, &kind.qualified(), f, ctx.files, &mut out),
        }
        return out;
    }
    if kind.namespaced() && value["metadata"].get("namespace").is_none() {
        value["metadata"]["namespace"] = json!(f.namespace());
    }
    let object = match Object::decode(kind, &value) {
        Ok((o, _)) => o,
        Err(e) => {
            out.fail(format!("error: {e}"));
            return out;
        }
    };
    let result = if mode == DryRun::Server { cluster.validate_create(object) } else { cluster.create(object) };
    match result {
        Ok(created) => match output.as_str() {
            "" => out.say(format!("{}/{name} created{}", kind.qualified(), if mode == DryRun::Server { " (server dry run)" } else { "" })),
            printer => super::print_typed(printer, &serde_json::to_value(&created).unwrap_or_default(), &kind.qualified(), f, ctx.files, &mut out),
        },
        // create_deployment.go wraps the server's answer in its own error (kubectl-output.md 4.1).
        Err(e) if kind == Kind::Deployment => out.fail(format!("error: failed to create deployment: {}", e.message)),
        Err(e) => out.fail(api_error_line(&e, "creating", "")),
    }
    out
}

#[cfg(test)]
mod tests;
