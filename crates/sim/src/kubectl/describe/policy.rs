//! `describe resourcequota`, `describe limitrange` and the quota and limit sections of
//! `describe namespace` (describe.go describeQuota, describeLimitRange,
//! DescribeResourceQuotas, describeNamespaceLimitRanges).

use super::{rfc1123z, Out};
use crate::api::{LimitRange, LimitRangeSpec, Namespace, ResourceQuota};

/// `Resource  Used  Hard` rows of a quota, sorted by resource name; `dashes` is the
/// underline kubectl prints under Used and Hard (`----` alone, `---` in a namespace).
fn quota_table(w: &mut Out, level: usize, q: &ResourceQuota, dashes: &str) {
    w.line(level, "Resource\tUsed\tHard");
    w.line(level, format!("--------\t{dashes}\t{dashes}"));
    for (name, hard) in &q.status.hard {
        let used = q.status.used.get(name).map_or_else(|| "0".to_string(), |u| u.to_string());
        w.line(level, format!("{name}\t{used}\t{hard}"));
    }
}

/// Models describeQuota.
pub(super) fn resource_quota(w: &mut Out, q: &ResourceQuota) {
    w.line(0, format!("Name:\t{}", q.metadata.name));
    w.line(0, format!("Namespace:\t{}", q.metadata.namespace.as_deref().unwrap_or("")));
    quota_table(w, 0, q, "----");
}

/// One row per item and resource (upstream walks a Go map; kubeplay sorts by name),
/// `-` where a value is not set. A Pod item has no defaults.
fn limit_rows(w: &mut Out, spec: &LimitRangeSpec, prefix: &str) {
    for item in &spec.limits {
        let maps = [&item.min, &item.max, &item.default_request, &item.default, &item.max_limit_request_ratio];
        let mut names: Vec<&String> = maps.iter().flat_map(|m| m.keys()).collect();
        crate::sorting::sort(&mut names);
        names.dedup();
        for name in names {
            let cells: Vec<String> = maps.iter().map(|m| m.get(name).map_or_else(|| "-".to_string(), |q| q.to_string())).collect();
            w.line(0, format!("{prefix}{}\t{name}\t{}", item.type_, cells.join("\t")));
        }
    }
}

const LIMIT_HEADER: &str = "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio";
const LIMIT_RULE: &str = "----\t--------\t---\t---\t---------------\t-------------\t-----------------------";

/// Models describeLimitRange.
pub(super) fn limit_range(w: &mut Out, lr: &LimitRange) {
    w.line(0, format!("Name:\t{}", lr.metadata.name));
    w.line(0, format!("Namespace:\t{}", lr.metadata.namespace.as_deref().unwrap_or("")));
    w.line(0, LIMIT_HEADER);
    w.line(0, LIMIT_RULE);
    limit_rows(w, &lr.spec, "");
}

/// Models DescribeNamespace after the labels: status, conditions while it terminates, then
/// its quotas and limit ranges.
pub(super) fn namespace_status(w: &mut Out, ns: &Namespace, quotas: &[&ResourceQuota], limits: &[&LimitRange]) {
    w.line(0, format!("Status:\t{}", ns.status.phase.as_deref().unwrap_or("")));
    if !ns.status.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage");
        w.line(1, "----\t------\t------------------\t------\t-------");
        for c in &ns.status.conditions {
            let (reason, message) = (c.reason.as_deref().unwrap_or(""), c.message.as_deref().unwrap_or(""));
            w.line(1, format!("{}\t{}\t{}\t{reason}\t{message}", c.type_, c.status, rfc1123z(c.last_transition_time)));
        }
    }
    w.line(0, "");
    if quotas.is_empty() {
        w.line(0, "No resource quota.");
    } else {
        w.line(0, "Resource Quotas");
        for q in quotas {
            w.line(1, format!("Name:\t{}", q.metadata.name));
            quota_table(w, 1, q, "---");
        }
    }
    w.line(0, "");
    if limits.is_empty() {
        w.line(0, "No LimitRange resource.");
    } else {
        w.line(0, format!("Resource Limits\n {LIMIT_HEADER}"));
        w.line(0, format!(" {LIMIT_RULE}"));
        for lr in limits {
            limit_rows(w, &lr.spec, " ");
        }
    }
}
