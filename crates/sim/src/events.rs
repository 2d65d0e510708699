//! The event recorder: components report what they did as core/v1 Events,
//! deduplicated into counts as client-go's recorder does, and expired after an hour.

use crate::api::{Event, EventSource, Kind, Object, ObjectMeta, ObjectReference, Pod};
use crate::clock::{Duration, Time};
use crate::store::{ObjectKey, Store};

/// Distinct messages under one key before the recorder starts combining them.
const AGGREGATE_AFTER: usize = 10;
/// The window those messages must fall in.
const AGGREGATE_WINDOW: Duration = Duration::seconds(600);
/// The message prefix of an aggregated event.
const COMBINED: &str = "(combined from similar events): ";

/// How long an event lives after its last update (`--event-ttl`).
pub const EVENT_TTL: Duration = Duration::seconds(3600);

/// Who reports an event.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// e.g. `deployment-controller`, `kubelet`, `default-scheduler`.
    pub component: &'static str,
    /// The node, for kubelets.
    pub host: &'a str,
}

/// Records an event about `about`, or bumps the count of an identical one.
pub fn record(store: &mut Store, now: Time, source: Source<'_>, about: &Object, type_: &'static str, reason: &'static str, message: &str) {
    record_on_field(store, now, source, about, None, type_, reason, message);
}

/// [`record`] for a part of an object (`spec.containers{nginx}`).
#[allow(clippy::too_many_arguments)]
pub fn record_on_field(store: &mut Store, now: Time, source: Source<'_>, about: &Object, field_path: Option<&str>, type_: &'static str, reason: &'static str, message: &str) {
    record_about(store, now, source, about.kind(), about.meta(), field_path, type_, reason, message);
}

/// [`record_on_field`] about a pod (its metadata is all an event needs of it, so nothing is copied).
#[allow(clippy::too_many_arguments)]
pub fn record_on_pod(store: &mut Store, now: Time, source: Source<'_>, pod: &Pod, field_path: Option<&str>, type_: &'static str, reason: &'static str, message: &str) {
    record_about(store, now, source, Kind::Pod, &pod.metadata, field_path, type_, reason, message);
}

#[allow(clippy::too_many_arguments)]
fn record_about(store: &mut Store, now: Time, source: Source<'_>, kind: Kind, meta: &ObjectMeta, field_path: Option<&str>, type_: &'static str, reason: &'static str, message: &str) {
    let namespace = meta.namespace.clone().unwrap_or_else(|| "default".into());
    let uid = meta.uid.clone().unwrap_or_default();
    // Events are named `<object>.<first occurrence in hex nanoseconds>`, so only this
    // object's events need looking at to find a repeat.
    let named_after = |e: &Event| e.metadata.name.strip_prefix(meta.name.as_str()).is_some_and(|rest| rest.starts_with('.'));
    // One look at this object's events: a repeat of this one, and the similar ones for the
    // aggregation below. Events about an object with a uid are found through the store's
    // index of them (in no order); the others by their names. The repeat and the combined
    // event taken are the first of their kind in name order, the oldest.
    // Only events of the same reason, type and source can be repeats or similar: that test
    // comes first, as it reads no names.
    let alike = |e: &Event| e.reason == reason && e.type_ == type_ && e.source.component == source.component;
    let prefix = if uid.is_empty() { format!("{}.", meta.name) } else { String::new() };
    let by_name = uid.is_empty().then(|| store.list_prefixed(Kind::Event, &namespace, &prefix).filter_map(Object::as_event).filter(|e| e.involved_object.uid.is_empty() && alike(e)));
    let by_uid = (!uid.is_empty()).then(|| store.events_about(&uid).filter(|e| alike(e) && e.metadata.namespace.as_deref() == Some(namespace.as_str()) && named_after(e)));
    let (mut similar, mut combined_event, mut repeat) = (0usize, None::<&Event>, None::<&Event>);
    for e in by_name.into_iter().flatten().chain(by_uid.into_iter().flatten()) {
        if e.message == message && e.involved_object.field_path.as_deref() == field_path {
            repeat = Some(oldest(repeat, e));
        } else if e.last_timestamp.is_some_and(|t| now - t <= AGGREGATE_WINDOW) {
            similar += 1;
            if e.message.starts_with(COMBINED) {
                combined_event = Some(oldest(combined_event, e));
            }
        }
    }
    let repeat = repeat.cloned();
    if let Some(mut e) = repeat {
        e.count += 1;
        e.last_timestamp = Some(now);
        store.put(Object::Event(e), now);
        return;
    }
    // Aggregation: once 10 distinct messages share (source, object, type, reason) within
    // 10 minutes, further ones are folded into one "(combined from similar events)" event.
    if similar >= AGGREGATE_AFTER && !message.starts_with(COMBINED) {
        let combined = format!("{COMBINED}{message}");
        if let Some(mut e) = combined_event.cloned() {
            e.message = combined;
            e.count += 1;
            e.last_timestamp = Some(now);
            store.put(Object::Event(e), now);
            return;
        }
        return record_about(store, now, source, kind, meta, field_path, type_, reason, &combined);
    }
    let name_at = |n: u64| {
        let mut name = String::with_capacity(meta.name.len() + 17);
        name.push_str(&meta.name);
        name.push('.');
        crate::text::push_hex(&mut name, now.0 as u64 * 1_000_000 + n);
        name
    };
    let mut n = 0u64;
    let mut name = name_at(n);
    while store.contains(Kind::Event, &namespace, &name) {
        n += 1;
        name = name_at(n);
    }
    let event = Event {
        api_version: "v1".into(),
        kind: "Event".into(),
        metadata: ObjectMeta { name, namespace: Some(namespace), creation_timestamp: Some(now), uid: Some(event_uid(now, n).into()), ..Default::default() },
        involved_object: Box::new(ObjectReference {
            kind: kind.name().into(),
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            uid,
            api_version: kind.api_version().into(),
            resource_version: meta.resource_version.clone(),
            field_path: field_path.map(Into::into),
        }),
        reason: reason.into(),
        message: message.into(),
        source: EventSource { component: source.component.into(), host: source.host.into() },
        first_timestamp: Some(now),
        last_timestamp: Some(now),
        count: 1,
        type_: type_.into(),
        reporting_component: source.component.into(),
        reporting_instance: source.host.into(),
    };
    store.put(Object::Event(event), now);
}


/// Of an event found before (if any) and `e`, the one first in name order: the older.
fn oldest<'a>(found: Option<&'a Event>, e: &'a Event) -> &'a Event {
    found.filter(|f| f.metadata.name <= e.metadata.name).unwrap_or(e)
}

/// An event's uid, `event-<virtual ms>-<n>`.
fn event_uid(now: Time, n: u64) -> String {
    let mut uid = String::with_capacity(32);
    uid.push_str("event-");
    crate::text::push_signed(&mut uid, now.0);
    uid.push('-');
    crate::text::push_decimal(&mut uid, n);
    uid
}

/// Deletes events past their TTL; returns when the next one expires.
#[inline(never)]
pub fn expire(store: &mut Store, now: Time) -> Option<Time> {
    let mut next = None::<Time>;
    let mut expired = Vec::new();
    for e in store.list(Kind::Event, None).filter_map(Object::as_event) {
        let deadline = e.last_timestamp.unwrap_or_default() + EVENT_TTL;
        if deadline <= now {
            expired.push(ObjectKey::of(&Object::Event(e.clone())));
        } else {
            next = crate::clock::earliest(next, Some(deadline));
        }
    }
    for k in expired {
        store.remove(&k, now);
    }
    next
}

/// Events about one object, oldest first (as `kubectl describe` lists them).
pub fn about<'a>(store: &'a Store, object: &Object) -> Vec<&'a Event> {
    let uid = object.meta().uid.as_deref().unwrap_or_default();
    let ns = object.meta().namespace.clone().unwrap_or_else(|| "default".into());
    let mut events: Vec<&Event> = store.list(Kind::Event, Some(&ns)).filter_map(Object::as_event).filter(|e| *e.involved_object.uid == *uid).collect();
    crate::sorting::sort_by_key(&mut events, |e| (e.last_timestamp, e.metadata.name.clone()));
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Namespace, ObjectMeta};

    #[test]
    fn repeats_count_and_many_similar_messages_combine() {
        let mut store = Store::default();
        let ns = Object::Namespace(Namespace { metadata: ObjectMeta { name: "default".into(), uid: Some("ns-uid".into()), ..Default::default() }, ..Default::default() });
        let src = Source { component: "kubelet", host: "node-1" };
        record(&mut store, Time(0), src, &ns, "Normal", "Pulled", "same");
        record(&mut store, Time(1000), src, &ns, "Normal", "Pulled", "same");
        let events: Vec<&Event> = store.list(Kind::Event, Some("default")).filter_map(Object::as_event).collect();
        assert_eq!((events.len(), events[0].count), (1, 2));
        for i in 0..15 {
            record(&mut store, Time(2000 + i), src, &ns, "Warning", "Unhealthy", &format!("probe failed: {i}"));
        }
        let unhealthy: Vec<&Event> = store.list(Kind::Event, Some("default")).filter_map(Object::as_event).filter(|e| e.reason == "Unhealthy").collect();
        assert_eq!(unhealthy.len(), 11, "ten distinct events, then one combined");
        let combined = unhealthy.iter().find(|e| e.message.starts_with("(combined from similar events): ")).unwrap();
        assert_eq!((combined.message.as_str(), combined.count), ("(combined from similar events): probe failed: 14", 5));
        assert_eq!(expire(&mut store, Time(2000 + 3_600_000)), Some(Time(2001 + 3_600_000)), "the next one to expire");
        assert_eq!(expire(&mut store, Time(3_700_000)), None, "all expired after an hour");
        assert_eq!(store.list(Kind::Event, None).count(), 0);
    }
}
