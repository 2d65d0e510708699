//! `kubectl expose`: a Service for a Deployment, ReplicaSet, Pod or Service, with the
//! selector and port taken from it as kubectl does.

use super::flags::Flags;
use super::{fetch, targets, CommandOutput, Context};
use crate::api::{Kind, Object, PodSpec};
use crate::cluster::Cluster;
use serde_json::{json, Map, Value};

/// What `expose` reads from an object: the selector, the labels, and the pod spec.
type Introspected<'a> = (crate::api::StringMap, crate::api::StringMap, Option<&'a PodSpec>);

/// The selector, labels and pod spec of the object to expose.
fn introspect(o: &Object) -> Result<Introspected<'_>, String> {
    let labels = o.meta().labels.clone();
    let from_selector = |sel: &crate::api::LabelSelector| {
        if sel.match_expressions.is_empty() {
            Ok(sel.match_labels.clone())
        } else {
            Err("error: couldn't retrieve selectors via --selector flag or introspection: invalid deployment: no selectors, therefore cannot be exposed".to_string())
        }
    };
    match o {
        Object::Deployment(d) => Ok((from_selector(&d.spec.selector)?, labels, Some(&d.spec.template.spec))),
        Object::ReplicaSet(rs) => Ok((from_selector(&rs.spec.selector)?, labels, Some(&rs.spec.template.spec))),
        Object::Pod(p) => Ok((p.metadata.labels.clone(), labels, Some(&p.spec))),
        Object::Service(s) => Ok((s.spec.selector.clone(), labels, None)),
        other => Err(format!("error: cannot expose a {}", other.kind())),
    }
}

/// `kubectl expose TYPE NAME [--port] [--target-port] [--type] [--name] [--protocol] [-l]`.
pub fn expose(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let output = match super::object_output(f) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let list = match targets(&f.positional) {
        Ok(t) if t.len() == 1 => t,
        Ok(_) => return CommandOutput::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(), 1),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let (kind, name) = list[0].clone();
    let object = match fetch(cluster, kind, &f.namespace(), &name) {
        Ok(o) => o,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let (mut selector, labels, spec) = match introspect(&object) {
        Ok(t) => t,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    if let Some(text) = f.value("--selector") {
        selector = text.split(',').filter_map(|kv| kv.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect();
    }
    let container_ports: Vec<&crate::api::ContainerPort> = spec.map(|s| s.containers.iter().flat_map(|c| &c.ports).collect()).unwrap_or_default();
    let port: i32 = match f.value("--port") {
        Some(p) => match p.parse() {
            Ok(n) => n,
            Err(_) => return CommandOutput::err(format!("error: invalid argument {p:?} for \"--port\" flag: strconv.ParseInt: parsing {p:?}: invalid syntax\n"), 1),
        },
        None => match (&object, container_ports.first()) {
            (Object::Service(s), _) if !s.spec.ports.is_empty() => s.spec.ports[0].port,
            (_, Some(cp)) => cp.container_port,
            _ => return CommandOutput::err("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n".into(), 1),
        },
    };
    let target: Value = match f.value("--target-port") {
        Some(t) => t.parse::<i64>().map(Value::from).unwrap_or(Value::String(t)),
        None => json!(port),
    };
    let protocol = f.value("--protocol").unwrap_or_else(|| "TCP".into());
    let svc_name = f.value("--name").unwrap_or(name);
    let mut spec = Map::new();
    spec.insert("ports".into(), json!([{"port": port, "protocol": protocol, "targetPort": target}]));
    spec.insert("selector".into(), json!(selector));
    if let Some(t) = f.value("--type") {
        spec.insert("type".into(), json!(t));
    }
    let mut metadata = Map::new();
    metadata.insert("creationTimestamp".into(), Value::Null);
    if !labels.is_empty() {
        metadata.insert("labels".into(), json!(labels));
    }
    metadata.insert("name".into(), json!(svc_name));
    let value = json!({"apiVersion": "v1", "kind": "Service", "metadata": metadata, "spec": spec, "status": {"loadBalancer": {}}});
    if matches!(f.value("--dry-run").as_deref(), Some("client" | "unchanged")) {
        let mut out = CommandOutput::default();
        match output.as_str() {
            "" => out.say(format!("service/{svc_name} exposed (dry run)")),
            printer => super::print_typed(printer, &value, "service", f, ctx.files, &mut out),
        }
        return out;
    }
    let mut svc = match Object::decode(Kind::Service, &value) {
        Ok((o, _)) => o,
        Err(e) => return CommandOutput::err(format!("error: {e}\n"), 1),
    };
    svc.meta_mut().namespace = Some(f.namespace());
    match cluster.create(svc) {
        Ok(_) => CommandOutput { stdout: format!("service/{svc_name} exposed\n"), ..Default::default() },
        Err(e) => CommandOutput::err(format!("{}\n", super::files::api_error_line(&e, "creating", "")), 1),
    }
}
