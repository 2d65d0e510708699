//! The LimitRanger admission plugin: fills a new pod's missing requests and limits from
//! the namespace's LimitRanges, then checks min, max and the limit/request ratio
//! (plugin/pkg/admission/limitranger/admission.go; kube-semantics §9.2-9.4).

use crate::api::{Container, Kind, LimitRange, LimitRangeItem, Object, Pod, Quantity, ResourceList};
use crate::store::Store;

/// The annotation that records what LimitRanger set.
pub const ANNOTATION: &str = "kubernetes.io/limit-ranger";

/// API defaulting of a LimitRange (SetDefaults_LimitRangeItem): for Container items,
/// `default` falls back to `max`, and `defaultRequest` to `default`, then `min`.
pub fn default_limit_range(lr: &mut LimitRange) {
    for item in lr.spec.limits.iter_mut().filter(|i| i.type_ == "Container") {
        for (k, v) in item.max.clone() {
            item.default.get_or_insert_with(k, || v);
        }
        for (k, v) in item.default.clone() {
            item.default_request.get_or_insert_with(k, || v);
        }
        for (k, v) in item.min.clone() {
            item.default_request.get_or_insert_with(k, || v);
        }
    }
}

fn ranges<'a>(store: &'a Store, namespace: &str) -> Vec<&'a LimitRange> {
    store.list(Kind::LimitRange, Some(namespace)).filter_map(Object::as_limit_range).collect()
}

/// Fills one container's missing values from `defaults`; returns what it set as the
/// annotation's phrases (`cpu, memory request for container web`).
fn merge(container: &mut Container, requests: &ResourceList, limits: &ResourceList) -> Vec<String> {
    let mut set_limits: Vec<&str> = Vec::new();
    for (k, v) in limits {
        if !container.resources.limits.contains_key(k) {
            container.resources.limits.insert(k.clone(), v.clone());
            set_limits.push(k);
        }
    }
    let mut set_requests: Vec<&str> = Vec::new();
    for (k, v) in requests {
        if !container.resources.requests.contains_key(k) {
            container.resources.requests.insert(k.clone(), v.clone());
            set_requests.push(k);
        }
    }
    let mut phrases = Vec::new();
    if !set_requests.is_empty() {
        phrases.push(format!("{} request for container {}", set_requests.join(", "), container.name));
    }
    if !set_limits.is_empty() {
        phrases.push(format!("{} limit for container {}", set_limits.join(", "), container.name));
    }
    phrases
}

/// The mutating half: defaults from every Container item of the namespace's LimitRanges
/// (a later item overrides an earlier one, as upstream's loop does), and the annotation
/// saying what was set.
pub fn default_pod(store: &Store, pod: &mut Pod) {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let (mut requests, mut limits) = (ResourceList::new(), ResourceList::new());
    for lr in ranges(store, &ns) {
        for item in lr.spec.limits.iter().filter(|i| i.type_ == "Container") {
            for (k, v) in &item.default_request {
                requests.insert(k.clone(), v.clone());
            }
            for (k, v) in &item.default {
                limits.insert(k.clone(), v.clone());
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return;
    }
    let phrases: Vec<String> = std::sync::Arc::make_mut(&mut pod.spec).containers.to_mut().iter_mut().flat_map(|c| merge(c, &requests, &limits)).collect();
    if !phrases.is_empty() {
        pod.metadata.annotations.insert(ANNOTATION.into(), format!("LimitRanger plugin set: {}", phrases.join("; ")));
    }
}

/// Request and limit values compared in milli-units, as upstream does when they fit.
fn milli(q: Option<&Quantity>) -> i64 {
    q.map_or(0, Quantity::milli_value)
}

/// The min, max and ratio checks of one item against one set of requests and limits.
fn check(item: &LimitRangeItem, scope: &str, requests: &ResourceList, limits: &ResourceList, errors: &mut Vec<String>) {
    for (name, min) in &item.min {
        let (req, lim) = (requests.get(name), limits.get(name));
        match req {
            None => errors.push(format!("minimum {name} usage per {scope} is {min}.  No request is specified")),
            Some(r) if milli(Some(r)) < min.milli_value() => errors.push(format!("minimum {name} usage per {scope} is {min}, but request is {r}")),
            _ => match lim {
                Some(l) if milli(Some(l)) < min.milli_value() => errors.push(format!("minimum {name} usage per {scope} is {min}, but limit is {l}")),
                _ => {}
            },
        }
    }
    for (name, max) in &item.max {
        let (req, lim) = (requests.get(name), limits.get(name));
        match lim {
            None => errors.push(format!("maximum {name} usage per {scope} is {max}.  No limit is specified")),
            Some(l) if milli(Some(l)) > max.milli_value() => errors.push(format!("maximum {name} usage per {scope} is {max}, but limit is {l}")),
            _ => match req {
                Some(r) if milli(Some(r)) > max.milli_value() => errors.push(format!("maximum {name} usage per {scope} is {max}, but request is {r}")),
                _ => {}
            },
        }
    }
    for (name, ratio) in &item.max_limit_request_ratio {
        let (req, lim) = (milli(requests.get(name)), milli(limits.get(name)));
        if req == 0 {
            errors.push(format!("{name} max limit to request ratio per {scope} is {ratio}, but no request is specified or request is 0"));
        } else if lim == 0 {
            errors.push(format!("{name} max limit to request ratio per {scope} is {ratio}, but no limit is specified or limit is 0"));
        } else if (lim as f64 / req as f64) * 1000.0 > ratio.milli_value() as f64 {
            errors.push(format!("{name} max limit to request ratio per {scope} is {ratio}, but provided ratio is {:.6}", lim as f64 / req as f64));
        }
    }
}

/// Sums the containers' values of every resource they name.
fn pod_totals(pod: &Pod, pick: impl Fn(&Container) -> &ResourceList) -> ResourceList {
    let mut total = crate::api::ResourceList::new();
    for c in &pod.spec.containers {
        for (k, v) in pick(c) {
            let sum = total.get(k).map_or_else(|| v.clone(), |t| t.add(v));
            total.insert(k.clone(), sum);
        }
    }
    total
}

/// The validating half: every failed check, in range, item and container order.
pub fn validate_pod(store: &Store, pod: &Pod) -> Vec<String> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let mut errors = Vec::new();
    for lr in ranges(store, &ns) {
        for item in &lr.spec.limits {
            match item.type_.as_str() {
                "Container" => {
                    for c in &pod.spec.containers {
                        check(item, "Container", &c.resources.requests, &c.resources.limits, &mut errors);
                    }
                }
                "Pod" => check(item, "Pod", &pod_totals(pod, |c| &c.resources.requests), &pod_totals(pod, |c| &c.resources.limits), &mut errors),
                _ => {}
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    fn list(pairs: &[(&str, &str)]) -> ResourceList {
        pairs.iter().map(|(k, v)| (k.to_string(), q(v))).collect()
    }

    fn errors(item: &LimitRangeItem, requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Vec<String> {
        let mut e = Vec::new();
        check(item, "Container", &list(requests), &list(limits), &mut e);
        e
    }

    #[test]
    fn min_max_and_ratio_read_as_upstream_prints_them() {
        let item = LimitRangeItem { type_: "Container".into(), min: list(&[("cpu", "100m")]), max: list(&[("cpu", "1")]), max_limit_request_ratio: list(&[("cpu", "2")]), ..Default::default() };
        assert_eq!(errors(&item, &[("cpu", "200m")], &[("cpu", "400m")]), Vec::<String>::new());
        assert_eq!(errors(&item, &[], &[("cpu", "500m")]), ["minimum cpu usage per Container is 100m.  No request is specified", "cpu max limit to request ratio per Container is 2, but no request is specified or request is 0"]);
        assert_eq!(errors(&item, &[("cpu", "50m")], &[("cpu", "100m")])[0], "minimum cpu usage per Container is 100m, but request is 50m");
        assert_eq!(errors(&item, &[("cpu", "500m")], &[]), ["maximum cpu usage per Container is 1.  No limit is specified", "cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0"]);
        assert_eq!(errors(&item, &[("cpu", "500m")], &[("cpu", "2")])[0], "maximum cpu usage per Container is 1, but limit is 2");
        assert_eq!(errors(&item, &[("cpu", "250m")], &[("cpu", "1")]), ["cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000"]);
    }

    #[test]
    fn defaulting_of_the_range_itself() {
        let mut lr = LimitRange::default();
        lr.spec.limits.push(LimitRangeItem { type_: "Container".into(), max: list(&[("memory", "1Gi")]), min: list(&[("cpu", "50m")]), ..Default::default() });
        default_limit_range(&mut lr);
        let item = &lr.spec.limits[0];
        assert_eq!(item.default, list(&[("memory", "1Gi")]), "default falls back to max");
        assert_eq!(item.default_request, list(&[("cpu", "50m"), ("memory", "1Gi")]), "defaultRequest falls back to default, then min");
    }

    #[test]
    fn merge_fills_only_what_is_missing_and_says_so() {
        let mut c = Container { name: "web".into(), ..Default::default() };
        c.resources.limits = list(&[("memory", "64Mi")]);
        let phrases = merge(&mut c, &list(&[("cpu", "100m"), ("memory", "128Mi")]), &list(&[("cpu", "500m"), ("memory", "256Mi")]));
        assert_eq!(phrases, ["cpu, memory request for container web", "cpu limit for container web"]);
        assert_eq!(c.resources.limits["memory"].to_string(), "64Mi", "a set limit stays");
    }
}
