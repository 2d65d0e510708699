//! `kubectl patch` (strategic merge, JSON merge and JSON patch), `kubectl annotate`
//! and `kubectl taint`: changes to objects that already exist.

use super::flags::Flags;
use super::{fetch, object_value, targets, CommandOutput};
use crate::api::{Kind, Object, Taint};
use crate::cluster::Cluster;
use serde_json::{Map, Value};

/// The list fields strategic merge patch merges by a key instead of replacing
/// (the `patchMergeKey` tags of the API types kubeplay models).
const MERGE_KEYS: &[(&str, &str)] = &[
    ("containers", "name"),
    ("initContainers", "name"),
    ("ports", "containerPort"),
    ("env", "name"),
    ("volumes", "name"),
    ("volumeMounts", "mountPath"),
    ("conditions", "type"),
    ("ownerReferences", "uid"),
    ("imagePullSecrets", "name"),
];

/// RFC 7386 JSON merge patch: objects merge recursively, `null` removes, anything else replaces.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    merge(target, patch, false);
}

/// Strategic merge patch as the API server applies it to the modelled types: like a merge
/// patch, except that lists with a merge key merge element by element.
pub fn strategic_merge_patch(target: &mut Value, patch: &Value) {
    merge(target, patch, true);
}

fn merge(target: &mut Value, patch: &Value, strategic: bool) {
    let Value::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(t) = target else { return };
    for (key, value) in p {
        if value.is_null() {
            t.remove(key);
            continue;
        }
        let merge_key = MERGE_KEYS.iter().find(|(field, _)| field == key).map(|(_, k)| *k).filter(|_| strategic);
        match (t.get_mut(key), value, merge_key) {
            (Some(Value::Array(existing)), Value::Array(items), Some(mk)) => merge_list(existing, items, mk),
            (Some(existing), Value::Object(_), _) => merge(existing, value, strategic),
            _ => {
                let mut fresh = Value::Null;
                merge(&mut fresh, value, strategic);
                t.insert(key.clone(), if value.is_object() { fresh } else { value.clone() });
            }
        }
    }
}

/// Merges list items that share `key`; new items are appended; `$patch: delete` removes.
fn merge_list(existing: &mut Vec<Value>, items: &[Value], key: &str) {
    for item in items {
        let id = item.get(key);
        let at = id.and_then(|id| existing.iter().position(|e| e.get(key) == Some(id)));
        let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
        match (at, delete) {
            (Some(i), true) => {
                existing.remove(i);
            }
            (Some(i), false) => merge(&mut existing[i], item, true),
            (None, false) => existing.push(item.clone()),
            (None, true) => {}
        }
    }
}

/// Resolves one RFC 6901 pointer token (`~1` is `/`, `~0` is `~`).
fn token(t: &str) -> String {
    t.replace("~1", "/").replace("~0", "~")
}

fn parent<'a>(doc: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let mut parts: Vec<String> = path.split('/').skip(1).map(token).collect();
    let last = parts.pop().ok_or_else(|| format!("invalid JSON pointer {path:?}"))?;
    let mut at = doc;
    for p in parts {
        at = match at {
            Value::Object(m) => m.get_mut(&p),
            Value::Array(a) => p.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| format!("doc is missing path: {path:?}"))?;
    }
    Ok((at, last))
}

fn remove_at(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (p, last) = parent(doc, path)?;
    match p {
        Value::Object(m) => m.remove(&last),
        Value::Array(a) => last.parse::<usize>().ok().filter(|i| *i < a.len()).map(|i| a.remove(i)),
        _ => None,
    }
    .ok_or_else(|| format!("unable to remove nonexistent key: {last}: missing value"))
}

fn add_at(doc: &mut Value, path: &str, value: Value, replace: bool) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (p, last) = parent(doc, path)?;
    match p {
        Value::Object(m) => {
            if replace && !m.contains_key(&last) {
                return Err(format!("replace operation does not apply: doc is missing key: {path}: missing value"));
            }
            m.insert(last, value);
        }
        Value::Array(a) => {
            let i = if last == "-" { a.len() } else { last.parse::<usize>().map_err(|_| format!("invalid array index {last:?}"))? };
            match (replace, i <= a.len(), i < a.len()) {
                (true, _, true) => a[i] = value,
                (false, true, _) => a.insert(i, value),
                _ => return Err(format!("add operation does not apply: doc is missing path: {path:?}: missing value")),
            }
        }
        _ => return Err(format!("add operation does not apply: doc is missing path: {path:?}: missing value")),
    }
    Ok(())
}

fn pointer_get(doc: &Value, path: &str) -> Option<Value> {
    doc.pointer(path).cloned()
}

/// RFC 6902 JSON patch: add, remove, replace, move, copy and test, in order.
pub fn json_patch(doc: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops.as_array().ok_or("json: cannot unmarshal object into Go value of type jsonpatch.Patch")?;
    for op in ops {
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        let from = op.get("from").and_then(Value::as_str).unwrap_or_default();
        let value = op.get("value").cloned().unwrap_or(Value::Null);
        match op.get("op").and_then(Value::as_str).unwrap_or_default() {
            "add" => add_at(doc, path, value, false)?,
            "replace" => add_at(doc, path, value, true)?,
            "remove" => {
                remove_at(doc, path)?;
            }
            "move" => {
                let v = remove_at(doc, from)?;
                add_at(doc, path, v, false)?;
            }
            "copy" => {
                let v = pointer_get(doc, from).ok_or_else(|| format!("copy operation does not apply: doc is missing from path: {from:?}"))?;
                add_at(doc, path, v, false)?;
            }
            "test" => {
                if pointer_get(doc, path).as_ref() != Some(&value) {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(())
}

/// Reads a patch given as JSON or YAML (kubectl accepts both).
fn parse_patch(text: &str) -> Result<Value, String> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return Ok(v);
    }
    match crate::yaml::parse_documents(text) {
        Ok(mut docs) if docs.len() == 1 => Ok(docs.remove(0).value),
        Ok(_) => Err(format!("error: unable to parse {text:?}: expected one document")),
        Err(e) => Err(format!("error: unable to parse {text:?}: yaml: {}", e.as_kubectl_says(text))),
    }
}

fn printed_kind(kind: Kind) -> String {
    if kind == Kind::Pod { "pod".into() } else { kind.qualified() }
}

/// `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`.
pub fn patch(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let Some(text) = f.value("--patch") else {
        return CommandOutput::err("error: must specify --patch or --patch-file containing the contents of the patch\n".into(), 1);
    };
    let kind_of_patch = f.value("--type").unwrap_or_else(|| "strategic".into());
    if !["json", "merge", "strategic"].contains(&kind_of_patch.as_str()) {
        return CommandOutput::err(format!("error: --type must be one of [json merge strategic], not {kind_of_patch:?}\n"), 1);
    }
    let list = match targets(&f.positional) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => return CommandOutput::err("error: must specify --patch or --patch-file containing the contents of the patch\n".into(), 1),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let patch = match parse_patch(&text) {
        Ok(p) => p,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    for (kind, name) in list {
        match patch_one(cluster, f, kind, &name, &patch, &kind_of_patch) {
            Ok(true) => out.say(format!("{}/{name} patched", printed_kind(kind))),
            Ok(false) => out.say(format!("{}/{name} patched (no change)", printed_kind(kind))),
            Err(e) => out.fail(e),
        }
    }
    out
}

fn patch_one(cluster: &mut Cluster, f: &Flags, kind: Kind, name: &str, patch: &Value, how: &str) -> Result<bool, String> {
    let current = fetch(cluster, kind, &f.namespace(), name)?;
    let mut doc = serde_json::to_value(&current).map_err(|e| e.to_string())?;
    match how {
        "json" => json_patch(&mut doc, patch).map_err(|e| format!("Error from server (UnprocessableEntity): {e}"))?,
        "merge" => merge_patch(&mut doc, patch),
        _ => {
            if !patch.is_object() {
                return Err("Error from server (BadRequest): json: cannot unmarshal array into Go value of type map[string]interface {}".into());
            }
            strategic_merge_patch(&mut doc, patch);
        }
    }
    let (patched, _) = Object::decode(kind, &doc).map_err(|e| format!("Error from server (BadRequest): {e}"))?;
    if object_value(&patched) == object_value(&current) {
        return Ok(false);
    }
    cluster.update(patched).map(|_| true).map_err(|e| super::files::api_error_line(&e, "patching", ""))
}

/// `kubectl annotate TYPE NAME key=value... [key-] [--overwrite]`.
pub fn annotate(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let (list, changes) = match super::mutate::targets_and_changes(&f.positional, |a| a.contains('=') || a.ends_with('-'), "annotation") {
        Ok(t) => t,
        Err(out) => return out,
    };
    let mut out = CommandOutput::default();
    'objects: for (kind, name) in list {
        let mut obj = match fetch(cluster, kind, &f.namespace(), &name) {
            Ok(o) => o,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        let changed_before = obj.meta().annotations.clone();
        for change in changes {
            let annotations = &mut obj.meta_mut().annotations;
            if let Some(key) = change.strip_suffix('-').filter(|_| !change.contains('=')) {
                annotations.remove(key);
            } else if let Some((k, v)) = change.split_once('=') {
                if let Some(old) = annotations.get(k).filter(|old| *old != v && !f.has("--overwrite")) {
                    out.fail(format!("error: --overwrite is false but found the following declared annotation(s): '{k}' already has a value ({old})"));
                    continue 'objects;
                }
                annotations.insert(k.into(), v.into());
            }
        }
        if obj.meta().annotations != changed_before {
            if let Err(e) = cluster.update(obj) {
                out.fail(e.to_string());
                continue;
            }
        }
        out.say(format!("{}/{name} annotated", printed_kind(kind)));
    }
    out
}

/// One `key[=value]:Effect[-]` argument of `kubectl taint`.
struct TaintSpec {
    key: String,
    value: Option<String>,
    effect: Option<String>,
    remove: bool,
}

fn parse_taint(arg: &str) -> Result<TaintSpec, String> {
    let (body, remove) = match arg.strip_suffix('-') {
        Some(b) => (b, true),
        None => (arg, false),
    };
    let (kv, effect) = match body.split_once(':') {
        Some((kv, e)) => (kv, Some(e.to_string())),
        None => (body, None),
    };
    if let Some(e) = effect.as_deref().filter(|e| !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(e)) {
        return Err(format!("error: invalid taint effect: {e}, unsupported taint effect"));
    }
    if effect.is_none() && !remove {
        return Err(format!("error: invalid taint spec: {arg}, unknown taint spec"));
    }
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (kv.to_string(), None),
    };
    Ok(TaintSpec { key, value, effect, remove })
}

/// `kubectl taint nodes NAME key=value:Effect... [key:Effect-]`.
pub fn taint(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let split = f.positional.iter().position(|a| a.contains(':') || a.contains('=') || a.ends_with('-')).unwrap_or(f.positional.len());
    let (resources, changes) = f.positional.split_at(split);
    if changes.is_empty() {
        return CommandOutput::err("error: at least one taint update is required\n".into(), 1);
    }
    let specs: Vec<TaintSpec> = match changes.iter().map(|c| parse_taint(c)).collect() {
        Ok(s) => s,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let nodes = match targets(resources) {
        Ok(t) if !t.is_empty() && t.iter().all(|(k, _)| *k == Kind::Node) => t,
        Ok(t) if !t.is_empty() => return CommandOutput::err("error: taint only applies to nodes\n".into(), 1),
        Ok(_) => return CommandOutput::err("error: at least one taint update is required\n".into(), 1),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    for (_, name) in nodes {
        match taint_node(cluster, f, &name, &specs) {
            Ok(word) => out.say(format!("node/{name} {word}")),
            Err(e) => out.fail(e),
        }
    }
    out
}

fn taint_node(cluster: &mut Cluster, f: &Flags, name: &str, specs: &[TaintSpec]) -> Result<&'static str, String> {
    let obj = fetch(cluster, Kind::Node, "", name)?;
    let Object::Node(mut node) = obj else { return Err(format!("Error from server (NotFound): nodes {name:?} not found")) };
    let mut removed_any = false;
    for s in specs {
        let matches = |t: &Taint| t.key == s.key && s.effect.as_ref().is_none_or(|e| &t.effect == e);
        if s.remove {
            let before = node.spec.taints.len();
            node.spec.taints.retain(|t| !matches(t));
            if node.spec.taints.len() == before {
                let shown = s.effect.as_ref().map_or(s.key.clone(), |e| format!("{}:{e}", s.key));
                return Err(format!("error: taint {shown:?} not found"));
            }
            removed_any = true;
        } else {
            let effect = s.effect.clone().unwrap_or_default();
            if let Some(existing) = node.spec.taints.iter_mut().find(|t| matches(t)) {
                if !f.has("--overwrite") {
                    return Err(format!("error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false", s.key));
                }
                existing.value = s.value.clone();
            } else {
                let time_added = (effect == "NoExecute").then(|| cluster.now());
                node.spec.taints.push(Taint { key: s.key.clone(), value: s.value.clone(), effect, time_added });
            }
        }
    }
    let word = if removed_any && specs.iter().all(|s| s.remove) { "untainted" } else { "tainted" };
    cluster.update(Object::Node(node)).map(|_| word).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
