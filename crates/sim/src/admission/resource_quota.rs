//! The ResourceQuota admission plugin and the usage it counts: what an object costs
//! against a quota (pkg/quota/v1/evaluator/core), the checks on create (missing
//! requests, stale status, exceeded hard limits) and the charge to `status.used`
//! (kube-semantics §9.5).

use super::forbidden;
use crate::api::{Kind, Object, Pod, Quantity, ResourceList, ResourceQuota};
use crate::apiserver::ApiError;
use crate::clock::Time;
use crate::store::{ObjectKey, Store};

/// Resources a pod must state in every container when a quota constrains them.
const VALIDATION_SET: [&str; 6] = ["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/// The object-count resource of a kind: `count/pods`, `count/deployments.apps`.
fn count_name(kind: Kind) -> String {
    format!("count/{}", kind.resource())
}

/// The legacy count names some kinds also answer to (`pods`, `services`, ...).
fn legacy_count(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Pod => "pods",
        Kind::Service => "services",
        Kind::ConfigMap => "configmaps",
        Kind::Secret => "secrets",
        Kind::ResourceQuota => "resourcequotas",
        _ => return None,
    })
}

/// Whether a pod still counts (QuotaV1Pod): not finished, and not past the end of its
/// grace period (the simulator's `deletionTimestamp` is that end), so a pod stuck
/// terminating on a failed node stops using the quota.
fn pod_counts(pod: &Pod, now: Time) -> bool {
    !matches!(pod.phase(), "Succeeded" | "Failed") && pod.metadata.deletion_timestamp.is_none_or(|end| now < end)
}

fn add(list: &mut ResourceList, name: &str, q: &Quantity) {
    let sum = list.get(name).map_or_else(|| q.clone(), |v| v.add(q));
    list.insert(name.to_string(), sum);
}

/// One container's (or pod's) usage from its requests and limits (podComputeUsageHelper).
fn compute_usage(requests: &ResourceList, limits: &ResourceList, into: &mut ResourceList) {
    for r in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(q) = requests.get(r) {
            add(into, r, q);
            add(into, &format!("requests.{r}"), q);
        }
        if let Some(q) = limits.get(r) {
            add(into, &format!("limits.{r}"), q);
        }
    }
}

/// What an object uses, at `now`, of every resource a quota can name.
pub fn usage(object: &Object, now: Time) -> ResourceList {
    let mut used = ResourceList::new();
    let kind = object.kind();
    if let Object::Pod(p) = object {
        if !pod_counts(p, now) {
            return used;
        }
        for c in &p.spec.containers {
            compute_usage(&c.resources.requests, &c.resources.limits, &mut used);
        }
    }
    let one = Quantity::from_count(1);
    used.insert(count_name(kind), one.clone());
    if let Some(name) = legacy_count(kind) {
        used.insert(name.into(), one);
    }
    if let Object::Service(svc) = object {
        if svc.has_node_ports() {
            used.insert("services.nodeports".into(), Quantity::from_count(svc.spec.ports.len() as i64));
        }
        if svc.type_name() == "LoadBalancer" {
            used.insert("services.loadbalancers".into(), Quantity::from_count(1));
        }
    }
    used
}

/// Whether a quota can say anything about objects of this kind through `name`.
fn matches(kind: Kind, name: &str) -> bool {
    name == count_name(kind)
        || legacy_count(kind) == Some(name)
        || (kind == Kind::Pod && (name.starts_with("requests.") || name.starts_with("limits.") || ["cpu", "memory", "ephemeral-storage"].contains(&name)))
        || (kind == Kind::Service && name.starts_with("services."))
}

/// What every object in the namespace uses of the quota's hard resources: the quota
/// controller's recalculation. Unused resources read `0`.
pub fn recalculate(store: &Store, quota: &ResourceQuota, now: Time) -> ResourceList {
    let ns = quota.metadata.namespace.as_deref().unwrap_or("");
    let mut used: ResourceList = quota.spec.hard.keys().map(|k| (k.clone(), Quantity::zero())).collect();
    for kind in Kind::ALL.into_iter().filter(|k| k.namespaced() && quota.spec.hard.keys().any(|n| matches(*k, n))) {
        for o in store.list(kind, Some(ns)) {
            for (name, q) in usage(o, now).into_iter().filter(|(n, _)| quota.spec.hard.contains_key(n)) {
                add(&mut used, &name, &q);
            }
        }
    }
    used
}

/// `name=value` pairs sorted by name and joined by commas (prettyPrint).
fn pretty(list: &ResourceList, names: &[&String]) -> String {
    names.iter().filter_map(|n| list.get(*n).map(|q| format!("{n}={q}"))).collect::<Vec<_>>().join(",")
}

/// "must specify limits.cpu for: c1,c2; requests.memory for: c1" when a pod leaves out
/// a value the quota constrains.
fn missing_values(pod: &Pod, restricted: &[&String]) -> Option<String> {
    let required: Vec<&str> = restricted.iter().map(|s| s.as_str()).filter(|r| VALIDATION_SET.contains(r)).collect();
    let mut missing: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for c in &pod.spec.containers {
        let mut has = ResourceList::new();
        compute_usage(&c.resources.requests, &c.resources.limits, &mut has);
        for r in required.iter().filter(|r| !has.contains_key(**r)) {
            missing.entry(r).or_default().push(&c.name);
        }
    }
    if missing.is_empty() {
        return None;
    }
    let parts: Vec<String> = missing.iter().map(|(r, names)| format!("{r} for: {}", names.join(","))).collect();
    Some(format!("must specify {}", parts.join("; ")))
}

/// Checks a new object against every quota of its namespace and, when it fits, charges
/// its usage to them at once (as the admission plugin does). `name` is how errors name it.
pub fn admit(store: &mut Store, now: Time, object: &Object, name: &str) -> Result<(), ApiError> {
    let kind = object.kind();
    let ns = object.namespace().to_string();
    let quotas: Vec<ResourceQuota> = store.list(Kind::ResourceQuota, Some(&ns)).filter_map(Object::as_resource_quota).cloned().collect();
    if quotas.is_empty() {
        return Ok(());
    }
    let delta = usage(object, now);
    let mut charged = Vec::new();
    for quota in &quotas {
        let restricted: Vec<&String> = quota.status.hard.keys().filter(|n| matches(kind, n)).collect();
        if restricted.is_empty() {
            continue;
        }
        if let Object::Pod(pod) = object {
            if let Some(msg) = missing_values(pod, &restricted) {
                return Err(forbidden(kind, name, &format!("failed quota: {}: {msg}", quota.metadata.name)));
            }
        }
        if restricted.iter().any(|r| !quota.status.used.contains_key(*r)) {
            let names: Vec<&str> = restricted.iter().map(|s| s.as_str()).collect();
            return Err(forbidden(kind, name, &format!("status unknown for quota: {}, resources: {}", quota.metadata.name, names.join(","))));
        }
        let mut used = quota.status.used.clone();
        let mut exceeded = Vec::new();
        for r in &restricted {
            let Some(d) = delta.get(*r) else { continue };
            let new = used.get(*r).map_or_else(|| d.clone(), |u| u.add(d));
            if new.cmp_value(&quota.status.hard[*r]).is_gt() {
                exceeded.push(*r);
            }
            used.insert((*r).clone(), new);
        }
        if !exceeded.is_empty() {
            let message = format!(
                "exceeded quota: {}, requested: {}, used: {}, limited: {}",
                quota.metadata.name,
                pretty(&delta, &exceeded),
                pretty(&quota.status.used, &exceeded),
                pretty(&quota.status.hard, &exceeded)
            );
            return Err(forbidden(kind, name, &message));
        }
        if used != quota.status.used {
            charged.push((ObjectKey::of(&Object::ResourceQuota(quota.clone())), used));
        }
    }
    for (key, used) in charged {
        crate::apiserver::update_if_changed(store, now, &key, |o| {
            if let Object::ResourceQuota(q) = o {
                q.status.used = used;
            }
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Container;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    /// A container as (name, requests, limits).
    type Spec<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [(&'a str, &'a str)]);

    fn pod(containers: &[Spec<'_>]) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = "web".into();
        for (name, requests, limits) in containers {
            let mut c = Container { name: name.to_string(), ..Default::default() };
            c.resources.requests = requests.iter().map(|(k, v)| (k.to_string(), q(v))).collect();
            c.resources.limits = limits.iter().map(|(k, v)| (k.to_string(), q(v))).collect();
            std::sync::Arc::make_mut(&mut p.spec).containers.push(c);
        }
        p
    }

    #[test]
    fn a_pod_uses_its_summed_requests_and_limits() {
        let p = pod(&[("a", &[("cpu", "100m"), ("memory", "64Mi")], &[("cpu", "200m")]), ("b", &[("cpu", "250m")], &[])]);
        let u = usage(&Object::Pod(p), Time(0));
        assert_eq!(u["pods"].to_string(), "1");
        assert_eq!(u["count/pods"].to_string(), "1");
        assert_eq!(u["requests.cpu"].to_string(), "350m");
        assert_eq!(u["cpu"].to_string(), "350m");
        assert_eq!(u["limits.cpu"].to_string(), "200m");
        assert_eq!(u["requests.memory"].to_string(), "64Mi");
        assert!(!u.contains_key("limits.memory"));
        let mut done = pod(&[("a", &[("cpu", "1")], &[])]);
        done.status.phase = Some("Succeeded".into());
        assert!(usage(&Object::Pod(done), Time(0)).is_empty(), "a finished pod uses nothing");
        let mut stuck = pod(&[("a", &[("cpu", "1")], &[])]);
        stuck.metadata.deletion_timestamp = Some(Time(30_000));
        assert_eq!(usage(&Object::Pod(stuck.clone()), Time(10_000))["pods"].to_string(), "1", "terminating within its grace period");
        assert!(usage(&Object::Pod(stuck), Time(30_000)).is_empty(), "past its grace period it no longer counts");
    }

    #[test]
    fn missing_values_name_each_resource_and_container() {
        let p = pod(&[("c1", &[("cpu", "100m")], &[]), ("c2", &[], &[])]);
        let (a, b, c) = ("limits.cpu".to_string(), "requests.cpu".to_string(), "pods".to_string());
        assert_eq!(missing_values(&p, &[&a, &b, &c]).unwrap(), "must specify limits.cpu for: c1,c2; requests.cpu for: c2");
        assert_eq!(missing_values(&p, &[&c]), None, "counting pods needs no requests");
    }
}
