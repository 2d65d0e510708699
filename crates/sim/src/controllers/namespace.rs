//! The namespace controller: empties a namespace that is being deleted (every object in
//! it is deleted at once, pods gracefully), reports what remains in the namespace's
//! conditions, and removes the namespace when nothing is left (kube-semantics §12.6).

use crate::api::{set_condition, Condition, Kind, Object};
use crate::apiserver;
use crate::clock::Time;
use crate::store::{ObjectKey, Store};

/// The conditions a terminating namespace carries: type, and reason and message when
/// everything is fine on that account.
const SETTLED: [(&str, &str, &str); 5] = [
    ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
    ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
    ("NamespaceDeletionContentFailure", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
    ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
    ("NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
];

fn condition(type_: &'static str, status: bool, reason: &str, message: &str, now: Time) -> Condition {
    let mut c = Condition::new(type_, status, now);
    c.reason = Some(reason.into());
    c.message = Some(message.into());
    c
}

/// One pass over the namespaces being deleted.
#[inline(never)]
pub fn reconcile(store: &mut Store, now: Time) {
    let terminating: Vec<String> = store.list(Kind::Namespace, None).filter(|o| o.meta().deletion_timestamp.is_some()).map(|o| o.name().to_string()).collect();
    for ns in terminating {
        // Delete everything (upstream goes by group, then resource; kubeplay by kind order).
        let mut remaining: Vec<(String, usize)> = Vec::new();
        for kind in Kind::ALL.into_iter().filter(|k| k.namespaced()) {
            let keys: Vec<(ObjectKey, bool)> = store.list(kind, Some(&ns)).map(|o| (ObjectKey::of(o), o.meta().deletion_timestamp.is_some())).collect();
            for (key, deleting) in &keys {
                if !deleting {
                    let _ = apiserver::delete(store, now, key, None);
                }
            }
            let left = store.list(kind, Some(&ns)).count();
            if left > 0 {
                let group = kind.group();
                remaining.push((format!("{}.{group}", kind.plural()), left));
            }
        }
        let key = ObjectKey { kind: Kind::Namespace, namespace: String::new(), name: ns.clone() };
        if remaining.is_empty() {
            store.remove(&key, now);
            continue;
        }
        crate::sorting::sort(&mut remaining);
        let what: Vec<String> = remaining.iter().map(|(r, n)| format!("{r} has {n} resource instances")).collect();
        let message = format!("Some resources are remaining: {}", what.join(", "));
        apiserver::update_if_changed(store, now, &key, |o| {
            if let Object::Namespace(n) = o {
                for (type_, reason, ok) in SETTLED {
                    let c = if type_ == "NamespaceContentRemaining" { condition(type_, true, "SomeResourcesRemain", &message, now) } else { condition(type_, false, reason, ok, now) };
                    set_condition(&mut n.status.conditions, c);
                }
            }
        });
    }
}
