//! `kubectl events` (kubectl 1.28): a namespace's events oldest first, each as
//! `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`, a repeated one as `5s (x3 over 2m)`;
//! `--for KIND/NAME` keeps one object's, `--types` some types, `-A` every namespace's.

use super::flags::Flags;
use super::{resource_kind, tabwriter, CommandOutput, Context};
use crate::api::{Event, Kind, Object};
use crate::clock::{human_duration, Time};
use crate::cluster::Cluster;

/// An event's LAST SEEN cell: its age, and for a repeated one its count and first sighting.
fn interval(e: &Event, now: Time) -> String {
    let since = |t: Option<Time>| t.map_or_else(|| "<unknown>".to_string(), |t| human_duration(now - t));
    if e.count > 1 {
        format!("{} (x{} over {})", since(e.last_timestamp), e.count, since(e.first_timestamp))
    } else {
        since(e.first_timestamp.or(e.last_timestamp))
    }
}

/// One event's cells, as kubectl events prints them.
fn cells(e: &Event, now: Time, all: bool) -> String {
    let namespace = if all { format!("{}\t", e.metadata.namespace.as_deref().unwrap_or("")) } else { String::new() };
    format!("{namespace}{}\t{}\t{}\t{}/{}\t{}\n", interval(e, now), e.type_, e.reason, e.involved_object.kind, e.involved_object.name, e.message.trim())
}

/// The header, as kubectl events prints it.
fn header(all: bool) -> &'static str {
    if all { "NAMESPACE\tLAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n" } else { "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n" }
}

/// An event as kubectl events decodes it: a typed core/v1 Event, its kind set, its zero
/// `eventTime` printed as null.
fn typed(e: &Event) -> serde_json::Value {
    let mut v = serde_json::to_value(e).unwrap_or_default();
    if let Some(map) = v.as_object_mut() {
        map.insert("kind".into(), "Event".into());
        map.insert("apiVersion".into(), "v1".into());
        map.entry("eventTime").or_insert(serde_json::Value::Null);
        map.entry("reportingComponent").or_insert("".into());
        map.entry("reportingInstance").or_insert("".into());
    }
    v
}

/// Prints `value` (an Event, or the EventList of several) with `-o`'s printer; `more` when
/// an object was printed before it (YAML then separates the documents with `---`).
fn print_as(output: &str, value: &serde_json::Value, more: bool, f: &Flags, ctx: &Context<'_>, out: &mut CommandOutput) {
    if more && output == "yaml" {
        out.stdout.push_str("---\n");
    }
    super::print_typed(output, value, "event", f, ctx.files, out);
}

/// `kubectl events` (`-w`: then a row per new or repeated event; the page runs it again with
/// `ctx.watch_since` set for those rows, a script gets the table). `-o json|yaml|name` and
/// the template printers print the events as an EventList (each event alone with `-w`).
pub fn events(cluster: &Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let output = match super::object_output(f) {
        Ok(o) => o,
        // kubectl events returns this error to cobra, which capitalises it.
        Err(mut e) => {
            e.stderr = e.stderr.replacen("error: ", "Error: ", 1);
            return e;
        }
    };
    let types: Vec<String> = f.values("--types").iter().flat_map(|v| v.split(',')).filter(|t| !t.is_empty()).map(String::from).collect();
    if types.iter().any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning")) {
        return CommandOutput::err("error: valid --types are Normal or Warning\n".into(), 1);
    }
    let about = match f.value("--for") {
        None => None,
        Some(target) => {
            let Some((kind, name)) = target.split_once('/') else {
                return CommandOutput::err("error: --for must be in resource/name form\n".into(), 1);
            };
            if name.contains('/') {
                return CommandOutput::err("error: arguments in resource/name form may not have more than one slash\n".into(), 1);
            }
            match resource_kind(kind) {
                Ok(kind) => Some((kind, name.to_string())),
                Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
            }
        }
    };
    let all = f.all_namespaces();
    let namespace = f.namespace();
    let wanted = |e: &&Event| {
        (all || e.metadata.namespace.as_deref() == Some(namespace.as_str()))
            && about.as_ref().is_none_or(|(kind, name)| e.involved_object.kind == kind.name() && e.involved_object.name == *name)
            && (types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case(&e.type_)))
    };
    let watching = f.has("--watch");
    if let (true, Some(since)) = (watching, ctx.watch_since) {
        // The rows of the events added or repeated since, aligned under the table's header.
        let mut out = CommandOutput { pending: true, ..Default::default() };
        for change in cluster.store().events_since(since).into_iter().flatten().filter(|c| c.type_ != crate::store::EventType::Deleted) {
            if let Some(e) = change.object.as_event().filter(|e| wanted(e)) {
                if !output.is_empty() {
                    print_as(&output, &typed(e), true, f, ctx, &mut out);
                    continue;
                }
                let aligned = tabwriter::align(&format!("{}{}", header(all), cells(e, change.time, all)), 6, 3);
                out.stdout.extend(aligned.lines().nth(1).map(|l| format!("{l}\n")));
            }
        }
        return out;
    }
    let mut found: Vec<&Event> = cluster.store().list(Kind::Event, if all { None } else { Some(namespace.as_str()) }).filter_map(Object::as_event).filter(wanted).collect();
    let pending = watching && ctx.max_wait.as_millis() == 0;
    if found.is_empty() {
        let message = if all { "No events found.\n".to_string() } else { format!("No events found in {namespace} namespace.\n") };
        return CommandOutput { stderr: message, pending, ..Default::default() };
    }
    // Oldest first, by when each was last seen (a stable sort keeps the store's order for ties).
    crate::sorting::sort_by_key(&mut found, |e| e.last_timestamp.or(e.first_timestamp));
    if !output.is_empty() {
        let mut out = CommandOutput { pending, ..Default::default() };
        if watching {
            // A watch prints each event as it comes, the ones already there first.
            for (i, e) in found.into_iter().enumerate() {
                print_as(&output, &typed(e), i > 0, f, ctx, &mut out);
            }
        } else {
            let items: Vec<serde_json::Value> = found.into_iter().map(typed).collect();
            let list = serde_json::json!({"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": items});
            print_as(&output, &list, false, f, ctx, &mut out);
        }
        return out;
    }
    let now = cluster.now();
    let mut text = String::new();
    if !f.has("--no-headers") {
        text.push_str(header(all));
    }
    for e in found {
        text.push_str(&cells(e, now, all));
    }
    CommandOutput { stdout: tabwriter::align(&text, 6, 3), pending, ..Default::default() }
}
