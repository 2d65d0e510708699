//! Commands that change one field of live objects: `scale`, `set image`, `label`.

use super::{fetch, targets, CommandOutput, Flags};
use crate::api::{Kind, Object};
use crate::cluster::Cluster;

/// `kubectl scale TYPE NAME --replicas=N`.
pub fn scale(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let Some(replicas) = f.value("--replicas") else {
        return CommandOutput::err("error: required flag(s) \"replicas\" not set\n".into(), 1);
    };
    let Ok(replicas) = replicas.parse::<i32>() else {
        return CommandOutput::err(format!("error: invalid argument {replicas:?} for \"--replicas\" flag: strconv.ParseInt: parsing {replicas:?}: invalid syntax\n"), 1);
    };
    if replicas < 0 {
        return CommandOutput::err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n".into(), 1);
    }
    let list = match targets(&f.positional) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => return CommandOutput::err("error: resource(s) were provided, but no name was specified\n".into(), 1),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    // `--current-replicas`: a precondition on the count before the change (-1: none). Any
    // other number holds, as Go's int: one no count can be (negative, past i32) fails it.
    let current = f.value("--current-replicas").and_then(|v| v.parse::<i64>().ok()).filter(|c| *c != -1);
    let mut out = CommandOutput::default();
    for (kind, name) in list {
        let result = fetch(cluster, kind, &f.namespace(), &name).and_then(|mut o| {
            let now = match &o {
                Object::Deployment(d) => d.spec.replicas.unwrap_or(1),
                Object::ReplicaSet(rs) => rs.spec.replicas.unwrap_or(1),
                _ => -1,
            };
            if let Some(expected) = current.filter(|c| now >= 0 && *c != i64::from(now)) {
                // Models staging/src/k8s.io/kubectl/pkg/scale/scale.go PreconditionError.
                return Err(format!("error: Expected replicas to be {expected}, was {now}"));
            }
            match &mut o {
                Object::Deployment(d) => d.spec.replicas = Some(replicas),
                Object::ReplicaSet(rs) => rs.spec.replicas = Some(replicas),
                // Stored without a controller: the count changes, no pods follow.
                Object::Unsimulated(sts) if sts.kind_id == Kind::StatefulSet => {
                    if let Some(spec) = sts.body.entry("spec").or_insert_with(|| serde_json::json!({})).as_object_mut() {
                        spec.insert("replicas".into(), replicas.into());
                    }
                }
                _ => return Err(format!("error: no scaler has been implemented for {{\"{}\" {:?}}}", kind.group(), kind.name())),
            }
            cluster.update(o).map_err(|e| e.to_string())
        });
        match result {
            Ok(_) => out.say(format!("{}/{name} scaled", kind.qualified())),
            Err(e) => out.fail(e),
        }
    }
    out
}

/// Resolved `(kind, name)` targets and the change arguments that follow them.
pub(super) type TargetsAndChanges<'a> = (Vec<(Kind, String)>, &'a [String]);

/// Splits `TYPE NAME... CHANGE...` arguments at the first change and resolves the
/// resources, with kubectl's messages when either part is missing.
pub(super) fn targets_and_changes<'a>(args: &'a [String], is_change: impl Fn(&str) -> bool, what: &str) -> Result<TargetsAndChanges<'a>, CommandOutput> {
    let (resources, changes) = split_changes(args, is_change, what)?;
    match targets(resources) {
        Ok(t) if !t.is_empty() => Ok((t, changes)),
        Ok(_) => Err(CommandOutput::err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n".into(), 1)),
        Err(e) => Err(CommandOutput::err(format!("{e}\n"), 1)),
    }
}

/// Splits `RESOURCES... CHANGE...` at the first change; kubectl's message when none is given.
fn split_changes<'a>(args: &'a [String], is_change: impl Fn(&str) -> bool, what: &str) -> Result<(&'a [String], &'a [String]), CommandOutput> {
    let split = args.iter().position(|a| is_change(a)).unwrap_or(args.len());
    let (resources, changes) = args.split_at(split);
    if changes.is_empty() {
        return Err(CommandOutput::err(format!("error: at least one {what} update is required\n"), 1));
    }
    Ok((resources, changes))
}

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE...`.
pub fn set(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    match f.positional.first().map(String::as_str) {
        Some("image") => {}
        Some(other) => return CommandOutput::err(format!("error: unknown command {other:?} for \"kubectl set\"\n"), 1),
        None => return CommandOutput::err("error: Required resource not specified.\n".into(), 1),
    }
    let (list, pairs) = match targets_and_changes(&f.positional[1..], |a| a.contains('='), "image") {
        Ok(t) => t,
        Err(out) => return out,
    };
    let mut out = CommandOutput::default();
    for (kind, name) in list {
        let obj = match fetch(cluster, kind, &f.namespace(), &name) {
            Ok(o) => o,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        let mut updated = obj.clone();
        let containers = match &mut updated {
            Object::Deployment(d) => d.spec.template.spec.containers.to_mut(),
            Object::ReplicaSet(rs) => rs.spec.template.spec.containers.to_mut(),
            Object::Pod(p) => std::sync::Arc::make_mut(&mut p.spec).containers.to_mut(),
            _ => {
                out.fail(format!("error: the object of kind {} has no containers", kind.name()));
                continue;
            }
        };
        let mut missing = None;
        for pair in pairs {
            let (container, image) = pair.split_once('=').unwrap_or((pair, ""));
            let mut found = false;
            for c in containers.iter_mut().filter(|c| container == "*" || c.name == container) {
                c.image = image.to_string();
                found = true;
            }
            if !found {
                missing = Some(container.to_string());
            }
        }
        if let Some(c) = missing {
            out.fail(format!("error: unable to find container named {c:?}"));
            continue;
        }
        if updated == obj {
            continue; // kubectl prints nothing when the image is already set
        }
        match cluster.update(updated) {
            Ok(_) => out.say(format!("{}/{name} image updated", kind.qualified())),
            Err(e) => out.fail(e.to_string()),
        }
    }
    out
}

/// `kubectl label TYPE NAME key=value... [key-] [--overwrite]`.
pub fn label(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let is_change = |a: &str| a.contains('=') || a.ends_with('-');
    let found = if f.has("--selector") || f.has("--all") { selected(cluster, f, is_change, "label") } else { targets_and_changes(&f.positional, is_change, "label") };
    let (list, changes) = match found {
        Ok(t) => t,
        Err(out) => return out,
    };
    let mut out = CommandOutput::default();
    for (kind, name) in list {
        let mut obj = match fetch(cluster, kind, &f.namespace(), &name) {
            Ok(o) => o,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        let before = obj.meta().labels.clone();
        let mut removed = false;
        let mut error = None;
        for change in changes {
            let labels = &mut obj.meta_mut().labels;
            if let Some(key) = change.strip_suffix('-').filter(|_| !change.contains('=')) {
                removed |= labels.remove(key).is_some();
            } else if let Some((k, v)) = change.split_once('=') {
                match labels.get(k) {
                    Some(old) if old != v && !f.has("--overwrite") => {
                        error = Some(format!("error: '{k}' already has a value ({old}), and --overwrite is false"));
                    }
                    _ => {
                        labels.insert(k.into(), v.into());
                    }
                }
            }
        }
        if let Some(e) = error {
            out.fail(e);
            continue;
        }
        let word = if obj.meta().labels == before { "not labeled" } else if removed { "unlabeled" } else { "labeled" };
        if word != "not labeled" {
            if let Err(e) = cluster.update(obj) {
                out.fail(e.to_string());
                continue;
            }
        }
        let prefix = if kind == Kind::Pod { "pod".to_string() } else { kind.qualified() };
        out.say(format!("{prefix}/{name} {word}"));
    }
    out
}

/// `TYPE -l SELECTOR CHANGE...` or `TYPE --all CHANGE...`: the objects of that type in the
/// namespace that the selector picks (every one with `--all`), and the changes.
fn selected<'a>(cluster: &Cluster, f: &'a Flags, is_change: impl Fn(&str) -> bool, what: &str) -> Result<TargetsAndChanges<'a>, CommandOutput> {
    let (resources, changes) = split_changes(&f.positional, is_change, what)?;
    let [kind] = resources else {
        return Err(CommandOutput::err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n".into(), 1));
    };
    let kind = super::resource_kind(kind).map_err(|e| CommandOutput::err(format!("{e}\n"), 1))?;
    let selector = match f.value("--selector").map(|s| super::parse_selector(&s)) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return Err(CommandOutput::err(format!("{e}\n"), 1)),
        None => None,
    };
    let ns = f.namespace();
    let list = cluster
        .store()
        .list(kind, kind.namespaced().then_some(ns.as_str()))
        .filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels)))
        .map(|o| (kind, o.name().to_string()))
        .collect();
    Ok((list, changes))
}
