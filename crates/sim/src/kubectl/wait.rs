//! `kubectl wait --for=condition=NAME[=VALUE]|delete|jsonpath={EXPR}[=VALUE] TARGETS`: waits,
//! in virtual time, for each object in turn, printing `KIND/NAME condition met`, as kubectl
//! 1.28's `wait` does (its messages, one `--timeout` for the whole command, 30 s by default,
//! `0` checking once). With no time to wait (the page), what is met so far is printed and
//! the command stays pending.

use super::flags::Flags;
use super::{files, jsonpath, named_or_selected, object_value, resource_kind, targets, CommandOutput, Context};
use crate::clock::Duration;
use crate::cluster::Cluster;
use crate::store::ObjectKey;
use serde_json::Value;

/// What `--for` asks.
enum Condition {
    /// `delete`: the object is gone.
    Deleted,
    /// `condition=NAME[=VALUE]`: `status.conditions` has NAME with VALUE (default true), for
    /// the object's current generation.
    Status { name: String, value: String },
    /// `jsonpath={EXPR}[=VALUE]`: the expression gives VALUE (or, without one, anything).
    Path { template: jsonpath::Template, value: Option<String> },
}

impl Condition {
    /// Parses `--for` with kubectl's errors.
    fn parse(text: &str) -> Result<Condition, String> {
        if text.eq_ignore_ascii_case("delete") {
            return Ok(Condition::Deleted);
        }
        if let Some(rest) = text.strip_prefix("condition=") {
            let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
            return Ok(Condition::Status { name: name.into(), value: value.into() });
        }
        if let Some(input) = text.strip_prefix("jsonpath=") {
            // The expression, then optionally `=VALUE` (none: the field only has to exist).
            let (expression, value) = split_jsonpath(input)?;
            let expression = relaxed(&expression)?;
            let template = jsonpath::parse(&expression).map_err(|e| format!("error: {e}"))?;
            return Ok(Condition::Path { template, value: value.map(|v| v.trim_matches(|c| c == '\'' || c == '"').to_string()) });
        }
        Err(format!("error: unrecognized condition: {text:?}"))
    }

    /// Whether the object (`None`: it does not exist) meets the condition.
    fn met(&self, object: Option<&Value>) -> Result<bool, String> {
        let Some(o) = object else { return Ok(matches!(self, Condition::Deleted)) };
        match self {
            Condition::Deleted => Ok(false),
            Condition::Status { name, value } => {
                let conditions = o.pointer("/status/conditions").and_then(Value::as_array).cloned().unwrap_or_default();
                let Some(c) = conditions.iter().find(|c| c.get("type").and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case(name))) else { return Ok(false) };
                let Some(status) = c.get("status").and_then(Value::as_str) else { return Ok(false) };
                // A condition observed for an older generation does not count.
                let generation = o.pointer("/metadata/generation").and_then(Value::as_i64);
                let observed = c.get("observedGeneration").or_else(|| o.pointer("/status/observedGeneration")).and_then(Value::as_i64);
                if let (Some(g), Some(seen)) = (generation, observed) {
                    if seen < g {
                        return Ok(false);
                    }
                }
                Ok(status.eq_ignore_ascii_case(value))
            }
            Condition::Path { template, value } => {
                let groups = template.values(o).map_err(|e| format!("error: {e}"))?;
                let found: Vec<&Value> = groups.iter().flatten().collect();
                if groups.len() > 1 {
                    return Err("error: given jsonpath expression matches more than one list".into());
                }
                match found.as_slice() {
                    [] => Ok(false),
                    [_, _, ..] => Err("error: given jsonpath expression matches more than one value".into()),
                    [Value::Object(_) | Value::Array(_)] if value.is_some() => Err("error: jsonpath leads to a nested object or list which is not supported".into()),
                    [v] => Ok(match value {
                        None => true,
                        Some(wanted) => match v {
                            Value::String(s) => s.trim() == wanted.trim(),
                            other => other.to_string().trim() == wanted.trim(),
                        },
                    }),
                }
            }
        }
    }
}

/// Splits `EXPR[=VALUE]` where `=` inside `{}` belongs to the expression, with kubectl's errors.
fn split_jsonpath(input: &str) -> Result<(String, Option<String>), String> {
    let mut depth = 0usize;
    let mut parts: Vec<String> = vec![String::new()];
    for c in input.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            '=' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    match parts.as_slice() {
        [expression] => Ok((expression.clone(), None)),
        [_, value] if value.is_empty() => Err("error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3".into()),
        [expression, value] => Ok((expression.clone(), Some(value.clone()))),
        _ => Err("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into()),
    }
}

/// kubectl's relaxed jsonpath: `.status.phase`, `status.phase` and `{.status.phase}` alike.
fn relaxed(expression: &str) -> Result<String, String> {
    let e = expression.trim_matches(|c| c == '\'' || c == '"');
    if e.is_empty() {
        return Err("error: jsonpath expression cannot be empty".into());
    }
    let inner = e.strip_prefix('{').and_then(|e| e.strip_suffix('}')).unwrap_or(e);
    Ok(format!("{{{}{inner}}}", if inner.starts_with('.') { "" } else { "." }))
}

/// The objects a wait names: `TYPE NAME...`, `TYPE/NAME...`, `TYPE -l SELECTOR|--all`, `-f FILE`.
fn wanted(cluster: &Cluster, f: &Flags, ctx: &Context<'_>) -> Result<Vec<ObjectKey>, CommandOutput> {
    let ns = f.namespace();
    if f.has("--filename") {
        let mut scratch = CommandOutput::default();
        return Ok(files::read_all(cluster, f, ctx, &mut scratch, false)?.into_iter().map(|(_, o)| ObjectKey::in_namespace(o.kind(), &ns, o.name())).collect());
    }
    if f.positional.is_empty() {
        return Err(CommandOutput::err("error: resource(s) were provided, but no name was specified\n".into(), 1));
    }
    Ok(named_or_selected(cluster, f, &f.positional)?.into_iter().map(|(kind, name)| ObjectKey::in_namespace(kind, &ns, name)).collect())
}

/// The objects a deletion wait watches, as they were when it started: run again by a console
/// that follows it (`since`, the store version it started at), those deleted since still
/// count and those created since (a ReplicaSet's replacements) do not, as kubectl lists once.
/// Named objects keep the order they were given in; selected ones are in name order.
fn as_at_start(cluster: &Cluster, keys: Vec<ObjectKey>, f: &Flags, since: Option<u64>) -> Vec<ObjectKey> {
    let Some(events) = since.and_then(|v| cluster.store().events_since(v)) else { return keys };
    let (mut added, mut deleted) = (Vec::new(), Vec::new());
    for e in events {
        match e.type_ {
            crate::store::EventType::Added => added.push(ObjectKey::of(&e.object)),
            crate::store::EventType::Deleted => deleted.push((ObjectKey::of(&e.object), e.object.meta().labels.clone())),
            crate::store::EventType::Modified => {}
        }
    }
    let existed = |k: &ObjectKey| (cluster.store().get(k).is_some() && !added.contains(k)) || deleted.iter().any(|(d, _)| d == k);
    let named = targets(&f.positional).unwrap_or_default();
    if !named.is_empty() || f.has("--filename") {
        return keys.into_iter().filter(|k| existed(k)).collect();
    }
    let selector = f.selector().ok().flatten();
    let kind = f.positional.first().and_then(|k| resource_kind(k).ok());
    let ns = f.namespace();
    let was_selected = |(k, labels): &&(ObjectKey, crate::api::StringMap)| Some(k.kind) == kind && (!k.kind.namespaced() || k.namespace == ns) && selector.as_ref().is_none_or(|s| s.matches(labels));
    let mut at_start: Vec<ObjectKey> = keys.into_iter().chain(deleted.iter().filter(was_selected).map(|(k, _)| k.clone())).filter(|k| !added.contains(k)).collect();
    crate::sorting::sort(&mut at_start);
    at_start.dedup();
    at_start
}

/// `--timeout`: 30 s by default, 0 to check once, negative for a week; Go's duration
/// syntax, so a number other than 0 needs a unit.
pub(super) fn timeout(f: &Flags) -> Result<Duration, String> {
    let Some(t) = f.value("--timeout") else { return Ok(Duration::seconds(30)) };
    let flag_error = |why: &str| format!("error: invalid argument {t:?} for \"--timeout\" flag: time: {why} {t:?}\nSee 'kubectl wait --help' for usage.");
    let magnitude = t.strip_prefix('-').unwrap_or(&t);
    if magnitude != "0" && magnitude.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(flag_error(if magnitude.is_empty() { "invalid duration" } else { "missing unit in duration" }));
    }
    let parsed = Duration::parse(magnitude).map_err(|_| flag_error("invalid duration"))?;
    Ok(if t.starts_with('-') && parsed.0 > 0 { Duration::seconds(7 * 24 * 3600) } else { parsed })
}

/// `kubectl wait`.
pub fn wait(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let condition = match Condition::parse(&f.value("--for").unwrap_or_default()) {
        Ok(c) => c,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let limit = match timeout(f) {
        Ok(t) => t,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let keys = match wanted(cluster, f, ctx) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let deleting = matches!(condition, Condition::Deleted);
    // kubectl does not visit a named object already gone when it waits for its deletion.
    let keys = match ctx.watch_since {
        _ if !deleting => keys,
        None => keys.into_iter().filter(|k| cluster.store().get(k).is_some()).collect(),
        since => as_at_start(cluster, keys, f, since),
    };
    if keys.is_empty() && !deleting {
        return CommandOutput::err("error: no matching resources found\n".into(), 1);
    }
    let mut out = CommandOutput::default();
    let current = |cluster: &Cluster, key: &ObjectKey| cluster.store().get(key).map(object_value);
    // One timeout for the whole command, as kubectl has had since 1.27.
    let deadline = cluster.now() + Duration(limit.0.min(ctx.max_wait.0));
    for key in keys {
        let named = format!("{}/{}", key.kind.plural(), key.name);
        loop {
            let object = current(cluster, &key);
            if !deleting && object.is_none() {
                out.fail(format!("Error from server (NotFound): {} {:?} not found", key.kind.resource(), key.name));
                return out;
            }
            match condition.met(object.as_ref()) {
                Ok(true) => {
                    out.say(format!("{}/{} condition met", key.kind.qualified(), key.name));
                    break;
                }
                Ok(false) => {}
                Err(e) => {
                    out.fail(e);
                    return out;
                }
            }
            if limit.0 == 0 {
                out.fail(format!("error: condition not met for {named}"));
                return out;
            }
            if ctx.max_wait.0 == 0 {
                // No time to wait: the caller runs the command again as time advances, and
                // gives up with kubectl's message when the timeout passes.
                out.pending = true;
                out.gives_up_with = Some(format!("error: timed out waiting for the condition on {named}"));
                return out;
            }
            if cluster.now() >= deadline {
                out.fail(format!("error: timed out waiting for the condition on {named}"));
                return out;
            }
            cluster.step_toward(deadline);
        }
    }
    out
}

/// Whether kubectl words are a `wait` that may wait (not `--timeout=0`).
pub fn waits(words: &[&str]) -> bool {
    words.first() == Some(&"wait") && !words.iter().any(|w| matches!(*w, "--timeout=0" | "--timeout=0s"))
}

/// Whether kubectl words are a `wait --for=delete`, which a console follows as a refresh
/// (`Context::watch_since` set) so that objects deleted meanwhile still count.
pub fn for_deletion(words: &[&str]) -> bool {
    waits(words) && words.iter().enumerate().any(|(i, w)| w.eq_ignore_ascii_case("--for=delete") || (*w == "--for" && words.get(i + 1).is_some_and(|v| v.eq_ignore_ascii_case("delete"))))
}
