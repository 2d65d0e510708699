//! Label selectors and IntOrString: how controllers pick their pods and size their rollouts.

use serde::{Deserialize, Serialize};
use std::fmt;

/// `spec.selector` of workloads: all of `matchLabels` and all of `matchExpressions` must hold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Exact key=value pairs.
    #[serde(default, skip_serializing_if = "crate::api::StringMap::is_empty")]
    pub match_labels: crate::api::StringMap,
    /// Set-based requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    /// Values for `In` and `NotIn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl LabelSelector {
    /// A selector of exact labels.
    pub fn from_labels(labels: &crate::api::StringMap) -> Self {
        LabelSelector { match_labels: labels.clone(), match_expressions: Vec::new() }
    }

    /// True when the selector has no requirements (it selects everything).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Models staging/src/k8s.io/apimachinery/pkg/labels/selector.go Matches (after LabelSelectorAsSelector).
    pub fn matches(&self, labels: &crate::api::StringMap) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let value = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => value.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

impl fmt::Display for LabelSelector {
    /// The form kubectl prints in SELECTOR columns: `app=web,tier in (a,b)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = self.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, r.values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                other => format!("{} {other}", r.key),
            });
        }
        f.write_str(&parts.join(","))
    }
}

/// A field that is either a number or a string such as `25%` (maxSurge, targetPort).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A plain number.
    Int(i32),
    /// A string, usually a percentage.
    String(String),
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl IntOrString {
    /// Models staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go GetScaledValueFromIntOrPercent.
    pub fn scaled_value(&self, total: i32, round_up: bool) -> Result<i32, String> {
        match self {
            IntOrString::Int(i) => Ok(*i),
            IntOrString::String(s) => {
                let bad = || format!("invalid value for IntOrString: invalid type: string is not a percentage: {s:?}");
                let digits = s.strip_suffix('%').ok_or_else(bad)?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let p: i64 = digits.parse().map_err(|_| bad())?;
                let v = p as f64 * f64::from(total) / 100.0;
                Ok(if round_up { v.ceil() } else { v.floor() } as i32)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> crate::api::StringMap {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn selectors_match_labels_and_expressions() {
        let mut s = LabelSelector::from_labels(&labels(&[("app", "web")]));
        assert!(s.matches(&labels(&[("app", "web"), ("x", "y")])));
        assert!(!s.matches(&labels(&[("app", "db")])));
        s.match_expressions.push(LabelSelectorRequirement { key: "tier".into(), operator: "In".into(), values: vec!["a".into(), "b".into()] });
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "b")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
        assert_eq!(s.to_string(), "app=web,tier in (a,b)");
        let not = LabelSelector { match_expressions: vec![LabelSelectorRequirement { key: "x".into(), operator: "DoesNotExist".into(), values: vec![] }], ..Default::default() };
        assert!(not.matches(&labels(&[])));
        assert!(LabelSelector::default().matches(&labels(&[("any", "thing")])));
    }

    // Cases from upstream's intstr_test.go TestGetIntFromIntOrPercent table.
    #[test]
    fn scaled_values_round_like_upstream() {
        let s = |v: &str| IntOrString::String(v.into());
        assert_eq!(IntOrString::Int(5).scaled_value(100, true), Ok(5));
        assert_eq!(s("90%").scaled_value(100, true), Ok(90));
        assert_eq!(s("25%").scaled_value(10, true), Ok(3));
        assert_eq!(s("25%").scaled_value(10, false), Ok(2));
        assert_eq!(s("33%").scaled_value(1, true), Ok(1));
        assert_eq!(s("33%").scaled_value(1, false), Ok(0));
        for bad in ["90", "%", "90#", "#%", "30%0"] {
            assert!(s(bad).scaled_value(100, true).is_err(), "{bad}");
        }
        assert_eq!(serde_json::from_str::<IntOrString>("\"25%\"").unwrap(), s("25%"));
        assert_eq!(serde_json::from_str::<IntOrString>("1").unwrap(), IntOrString::Int(1));
    }
}
