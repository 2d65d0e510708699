//! `kubectl set env RESOURCE KEY=VALUE... KEY-...`: sets or removes environment variables
//! in the containers of a pod template (a Deployment's change rolls it out), adds every key
//! of a ConfigMap or Secret with `--from`, or lists them with `--list`, as kubectl 1.28 does.

use super::flags::Flags;
use super::{fetch, targets, CommandOutput};
use crate::api::{Container, EnvVar, EnvVarSource, KeySelector, Kind, Object};
use crate::cluster::Cluster;

/// Whether an argument is a change (`KEY=VALUE` or `KEY-`), as kubectl splits them from resources.
fn is_change(a: &str) -> bool {
    a.contains('=') || (a.ends_with('-') && a.len() > 1)
}

/// Kubernetes' rule for environment variable names (validation.IsEnvVarName).
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '.' | '_')) && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// The changes: variables to set and names to remove, with kubectl's errors.
fn parse_changes(changes: &[String]) -> Result<(Vec<EnvVar>, Vec<String>), String> {
    let (mut set, mut remove) = (Vec::new(), Vec::new());
    for c in changes {
        if let Some((name, value)) = c.split_once('=') {
            if !valid_name(name) {
                return Err(format!("error: {name:?} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
            }
            set.push(EnvVar { name: name.into(), value: Some(value.into()), value_from: None });
        } else if let Some(name) = c.strip_suffix('-') {
            remove.push(name.to_string());
        } else {
            return Err(format!("error: unknown environment variable: {c}"));
        }
    }
    if remove.iter().any(|r| set.iter().any(|s| s.name == *r)) {
        return Err("error: can not both modify and remove the same environment variable in the same command".into());
    }
    Ok((set, remove))
}

/// The variables `--from=configmap/NAME|secret/NAME` adds: one per key (or per `--keys`),
/// named after the key in capitals with other characters as `_`, read by reference.
fn from_source(cluster: &Cluster, f: &Flags, out: &mut CommandOutput) -> Result<Vec<EnvVar>, String> {
    let Some(from) = f.value("--from") else { return Ok(Vec::new()) };
    let list = targets(std::slice::from_ref(&from)).map_err(|e| e.to_string())?;
    let keys: Vec<String> = f.values("--keys").iter().flat_map(|v| v.split(',')).map(String::from).collect();
    let mut env = Vec::new();
    for (kind, name) in list {
        let o = fetch(cluster, kind, &f.namespace(), &name)?;
        let (data, secret): (Vec<&String>, bool) = match &o {
            Object::ConfigMap(cm) => (cm.data.keys().collect(), false),
            Object::Secret(s) => (s.data.keys().collect(), true),
            _ => return Err("error: unsupported resource specified in --from".into()),
        };
        for key in data.into_iter().filter(|k| keys.is_empty() || keys.contains(k)) {
            let env_name: String = key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_uppercase() } else { '_' }).collect();
            if env_name != *key {
                out.stderr.push_str(&format!("Warning: key {key} transferred to {env_name}\n"));
            }
            let selector = KeySelector { name: name.clone(), key: key.clone(), optional: None };
            let source = if secret { EnvVarSource { secret_key_ref: Some(selector), ..Default::default() } } else { EnvVarSource { config_map_key_ref: Some(selector), ..Default::default() } };
            env.push(EnvVar { name: format!("{}{env_name}", f.value("--prefix").unwrap_or_default()), value: None, value_from: Some(source) });
        }
    }
    Ok(env)
}

/// How `--list` shows a variable read by reference.
fn reference(source: &EnvVarSource) -> String {
    match (&source.config_map_key_ref, &source.secret_key_ref) {
        (Some(k), _) => format!("configmap {}, key {}", k.name, k.key),
        (_, Some(k)) => format!("secret {}, key {}", k.name, k.key),
        _ => "an unknown source".into(),
    }
}

/// `kubectl set env`.
pub fn set_env(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let args = &f.positional[1..];
    let split = args.iter().position(|a| is_change(a)).unwrap_or(args.len());
    let (resources, changes) = args.split_at(split);
    if changes.iter().any(|c| !is_change(c)) {
        return CommandOutput::err(format!("error: all resources must be specified before environment changes: {}\n", args.join(" ")), 1);
    }
    let list = match targets(resources) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) if resources.len() == 1 && (f.has("--all") || f.has("--selector")) => match super::named_or_selected(cluster, f, resources) {
            Ok(list) => list,
            Err(e) => return e,
        },
        Ok(_) => return CommandOutput::err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n".into(), 1),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    if f.has("--keys") && !f.has("--from") {
        return CommandOutput::err("error: when specifying --keys, a configmap or secret must be provided with --from\n".into(), 1);
    }
    let (mut set, remove) = match parse_changes(changes) {
        Ok(c) => c,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    match from_source(cluster, f, &mut out) {
        Ok(env) => set.extend(env),
        Err(e) => {
            out.fail(e);
            return out;
        }
    }
    // `-c` is `--container` to the flag table (set resources' flag); set env spells it --containers.
    let wanted = f.value("--containers").or_else(|| f.value("--container")).unwrap_or_else(|| "*".into());
    let overwrite = f.bool_or("--overwrite", true);
    for (kind, name) in list {
        let original = match fetch(cluster, kind, &f.namespace(), &name) {
            Ok(o) => o,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        let mut updated = original.clone();
        let Some(all) = updated.containers_mut() else {
            out.fail(format!("error: {}/{name} the object is not a pod or does not have a pod template: *v1.{}", kind.plural(), kind.name()));
            continue;
        };
        let chosen: Vec<&mut Container> = all.iter_mut().filter(|c| wanted == "*" || c.name == wanted).collect();
        if chosen.is_empty() {
            out.stderr.push_str(&format!("Warning: {}/{name} does not have any containers matching {wanted:?}\n", kind.name()));
            continue;
        }
        let mut failed = None;
        for c in chosen {
            if !overwrite {
                if let Some(taken) = set.iter().find_map(|e| c.env.iter().find(|old| old.name == e.name && old.value != e.value)) {
                    failed = Some(format!("error: {}/{name} '{}' already has a value ({}), and --overwrite is false", kind.plural(), taken.name, taken.value.clone().unwrap_or_default()));
                    break;
                }
            }
            c.env.retain(|e| !remove.contains(&e.name));
            for e in &set {
                match c.env.iter_mut().find(|old| old.name == e.name) {
                    Some(old) => *old = e.clone(),
                    None => c.env.push(e.clone()),
                }
            }
            if f.has("--list") {
                out.say(format!("# {} {name}, container {}", kind.name(), c.name));
                for e in &c.env {
                    match &e.value_from {
                        Some(source) => out.say(format!("# {} from {}", e.name, reference(source))),
                        None => out.say(format!("{}={}", e.name, e.value.clone().unwrap_or_default())),
                    }
                }
            }
        }
        if let Some(e) = failed {
            out.fail(e);
            continue;
        }
        if f.has("--list") || updated == original {
            continue;
        }
        let result = if kind == Kind::Pod { cluster.apply(updated).map(|(_, o)| o) } else { cluster.update(updated) };
        match result {
            Ok(_) => out.say(format!("{}/{name} env updated", kind.qualified())),
            Err(e) => out.fail(format!("error: failed to patch env update to pod template: {e}")),
        }
    }
    out
}
