//! Lesson checks: data, evaluated by one engine over the cluster's objects and the console
//! history. A check is one of: an object with fields matching (or absent), a count of
//! objects matching a selector (pods in a phase, ready), a command that was run, or text
//! a command printed.

use crate::api::{Kind, Object};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One check of a step.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Check {
    /// What the learner sees next to the tick ("Three pods of web are Running").
    pub description: String,
    /// An object exists (or not) with these fields.
    #[serde(default)]
    pub object: Option<ObjectCheck>,
    /// So many objects match.
    #[serde(default)]
    pub count: Option<CountCheck>,
    /// A command starting with these words was run (`kubectl` may be typed `k`).
    #[serde(default)]
    pub ran: Option<String>,
    /// Some command printed this text (a curl answer, a demo's result).
    #[serde(default)]
    pub printed: Option<String>,
}

/// An object and the fields it must have.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct ObjectCheck {
    /// Its kind (`Deployment`, `Service`, `HorizontalPodAutoscaler`, ...).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Its namespace (`default` when unset; ignored for cluster-scoped kinds).
    #[serde(default)]
    pub namespace: Option<String>,
    /// Field paths (`spec.replicas`, `spec.template.spec.containers[0].image`) and their
    /// values; a string value may start with `>`, `>=`, `<`, `<=` or `!=` to compare.
    #[serde(default)]
    pub fields: BTreeMap<String, Value>,
    /// The object must not exist.
    #[serde(default)]
    pub absent: bool,
}

/// How many objects must match.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct CountCheck {
    /// The kind (`Pod` when unset).
    #[serde(default)]
    pub kind: Option<String>,
    /// The namespace (`default` when unset).
    #[serde(default)]
    pub namespace: Option<String>,
    /// A label selector as kubectl takes it (`app=web,tier!=db`).
    #[serde(default)]
    pub selector: Option<String>,
    /// Pods only: their phase (`Running`, `Pending`, ...).
    #[serde(default)]
    pub phase: Option<String>,
    /// Pods only: whether they are ready.
    #[serde(default)]
    pub ready: Option<bool>,
    /// Pods only: the image of their first container.
    #[serde(default)]
    pub image: Option<String>,
    /// Pods only: the node they are bound to.
    #[serde(default)]
    pub node: Option<String>,
    /// Exactly this many.
    #[serde(default)]
    pub equals: Option<usize>,
    /// At least this many.
    #[serde(default)]
    pub min: Option<usize>,
    /// At most this many.
    #[serde(default)]
    pub max: Option<usize>,
}

/// A command the learner ran, with what it printed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ran {
    /// The command line.
    pub command: String,
    /// Standard output and error.
    pub output: String,
}

/// Whether a check passes now, and what was found (for the learner and for authors).
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The check passes.
    pub passed: bool,
    /// What was found, e.g. `2 of the 3 pods wanted`.
    pub detail: String,
}

/// The objects a check can see.
pub trait ClusterView {
    /// Objects of a kind, optionally in one namespace.
    fn objects(&self, kind: Kind, namespace: Option<&str>) -> Vec<Object>;
}

impl ClusterView for crate::Cluster {
    fn objects(&self, kind: Kind, namespace: Option<&str>) -> Vec<Object> {
        self.store().list(kind, namespace).cloned().collect()
    }
}

fn kind_of(name: &str) -> Result<Kind, String> {
    Kind::from_kind_name(name).ok_or_else(|| format!("unknown kind {name:?}"))
}

impl Check {
    /// Exactly one kind of check must be given, with a known kind and a valid selector.
    pub fn validate(&self) -> Result<(), String> {
        let given = [self.object.is_some(), self.count.is_some(), self.ran.is_some(), self.printed.is_some()].iter().filter(|g| **g).count();
        if given != 1 {
            return Err(format!("a check needs exactly one of object, count, ran, printed ({given} given)"));
        }
        if self.description.trim().is_empty() {
            return Err("a check needs a description".into());
        }
        if let Some(o) = &self.object {
            kind_of(&o.kind)?;
        }
        if let Some(c) = &self.count {
            kind_of(c.kind.as_deref().unwrap_or("Pod"))?;
            if let Some(s) = &c.selector {
                crate::kubectl::parse_selector(s)?;
            }
            if c.equals.is_none() && c.min.is_none() && c.max.is_none() {
                return Err("a count check needs equals, min or max".into());
            }
        }
        Ok(())
    }

    /// Evaluates the check now.
    pub fn evaluate(&self, cluster: &dyn ClusterView, history: &[Ran]) -> Outcome {
        let result = if let Some(o) = &self.object {
            object(o, cluster)
        } else if let Some(c) = &self.count {
            count(c, cluster)
        } else if let Some(words) = &self.ran {
            ran(words, history)
        } else if let Some(text) = &self.printed {
            match history.iter().any(|r| r.output.contains(text.as_str())) {
                true => Ok("printed".to_string()),
                // Quoted as the learner would type it: Debug quoting escaped the text's own
                // quotes (`"\"version\":\"dog\""`), which the lesson panel showed as is.
                false => Err(format!("no command printed “{text}” yet")),
            }
        } else {
            Err("an empty check".to_string())
        };
        match result {
            Ok(detail) => Outcome { passed: true, detail },
            Err(detail) => Outcome { passed: false, detail },
        }
    }
}

fn namespace_of(kind: Kind, ns: &Option<String>) -> Option<String> {
    kind.namespaced().then(|| ns.clone().unwrap_or_else(|| "default".into()))
}

fn object(check: &ObjectCheck, cluster: &dyn ClusterView) -> Result<String, String> {
    let kind = kind_of(&check.kind)?;
    let ns = namespace_of(kind, &check.namespace);
    let found = cluster.objects(kind, ns.as_deref()).into_iter().find(|o| o.name() == check.name);
    let what = format!("{} {:?}", check.kind, check.name);
    let Some(found) = found else {
        return if check.absent { Ok(format!("{what} is gone")) } else { Err(format!("{what} not found")) };
    };
    if check.absent {
        return Err(format!("{what} still exists"));
    }
    let value = serde_json::to_value(&found).unwrap_or(Value::Null);
    for (path, want) in &check.fields {
        let got = lookup(&value, path);
        if !matches_value(got, want) {
            let shown = got.map_or_else(|| "unset".to_string(), plain);
            return Err(format!("{path} is {shown}, want {}", plain(want)));
        }
    }
    Ok(format!("{what} as wanted"))
}

/// A value as a learner reads it (strings without quotes).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Splits a field path at dots, except escaped ones (`annotations.deployment\.kubernetes\.io/revision`).
fn segments(path: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = path.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.last_mut().into_iter().for_each(|s| s.extend(chars.next())),
            '.' => out.push(String::new()),
            c => out.last_mut().into_iter().for_each(|s| s.push(c)),
        }
    }
    out
}

/// Follows `a.b[0].c` through a JSON value.
pub fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = value;
    for segment in segments(path) {
        let segment = segment.as_str();
        let (key, indexes) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            v = v.get(key)?;
        }
        for index in indexes.split('[').skip(1) {
            let n: usize = index.trim_end_matches(']').parse().ok()?;
            v = v.get(n)?;
        }
    }
    Some(v)
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Equality (numbers and strings compare by their text), or a comparison written as
/// `>N`, `>=N`, `<N`, `<=N`, `!=X`.
fn matches_value(got: Option<&Value>, want: &Value) -> bool {
    if let Value::String(w) = want {
        for op in [">=", "<=", "!=", ">", "<"] {
            if let Some(rest) = w.strip_prefix(op) {
                let rest = rest.trim();
                if op == "!=" {
                    return got.is_none_or(|g| plain(g) != rest);
                }
                let (Some(g), Ok(r)) = (got.and_then(number), rest.parse::<f64>()) else { return false };
                return match op {
                    ">=" => g >= r,
                    "<=" => g <= r,
                    ">" => g > r,
                    _ => g < r,
                };
            }
        }
    }
    got.is_some_and(|g| g == want || plain(g) == plain(want))
}

fn count(check: &CountCheck, cluster: &dyn ClusterView) -> Result<String, String> {
    let kind = kind_of(check.kind.as_deref().unwrap_or("Pod"))?;
    let ns = namespace_of(kind, &check.namespace);
    let selector = check.selector.as_deref().map(crate::kubectl::parse_selector).transpose()?;
    let n = cluster
        .objects(kind, ns.as_deref())
        .iter()
        .filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels)))
        .filter(|o| match o.as_pod() {
            Some(p) => {
                p.metadata.deletion_timestamp.is_none()
                    && check.phase.as_deref().is_none_or(|ph| p.phase() == ph)
                    && check.ready.is_none_or(|r| p.is_ready() == r)
                    && check.image.as_deref().is_none_or(|i| p.spec.containers.first().is_some_and(|c| c.image == i))
                    && check.node.as_deref().is_none_or(|n| p.spec.node_name.as_deref() == Some(n))
            }
            None => true,
        })
        .count();
    let ok = check.equals.is_none_or(|e| n == e) && check.min.is_none_or(|m| n >= m) && check.max.is_none_or(|m| n <= m);
    let wanted = match (check.equals, check.min, check.max) {
        (Some(e), _, _) => format!("{e}"),
        (None, Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (None, Some(lo), None) => format!("at least {lo}"),
        (None, None, Some(hi)) => format!("at most {hi}"),
        _ => "some".into(),
    };
    let detail = format!("{n} found, {wanted} wanted");
    if ok {
        Ok(detail)
    } else {
        Err(detail)
    }
}

/// Whether some command in the history starts with these words (the last one may be
/// the start of a word).
/// The commands of a console line: split at `|`, `;`, `&` and newlines outside quotes
/// (`lab shell 'ps; id'` is one command).
fn commands_of(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quote) = (0, None::<char>);
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '|' | ';' | '&' | '\n') => {
                parts.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&line[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty()).collect()
}

fn ran(words: &str, history: &[Ran]) -> Result<String, String> {
    let normalize = |line: &str| -> Vec<String> {
        let mut w = crate::kubectl::split_words(line).unwrap_or_default();
        if w.first().is_some_and(|f| f == "k") {
            w[0] = "kubectl".into();
        }
        w
    };
    let wanted = normalize(words);
    // Every command of a line counts (`kubectl get pods | grep web` ran `kubectl get pods`).
    let found = history.iter().flat_map(|r| commands_of(&r.command)).any(|c| {
        let c = normalize(c);
        // The last word may be the start of one (`-o jsonpath` matches `-o jsonpath={...}`).
        let n = wanted.len();
        n > 0 && c.len() >= n && c[..n - 1] == wanted[..n - 1] && c[n - 1].starts_with(wanted[n - 1].as_str())
    });
    if found {
        Ok(format!("you ran {words}"))
    } else {
        Err(format!("{words} has not been run yet"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Empty;
    impl ClusterView for Empty {
        fn objects(&self, _: Kind, _: Option<&str>) -> Vec<Object> {
            Vec::new()
        }
    }

    #[test]
    fn a_printed_check_quotes_its_text_as_typed() {
        let check = Check { description: "The app reports dog".into(), printed: Some(r#""version":"dog""#.into()), ..Check::default() };
        assert_eq!(check.evaluate(&Empty, &[]).detail, r#"no command printed “"version":"dog"” yet"#);
        let ran = [Ran { command: "curl -s x/version".into(), output: r#"{"version":"dog"}"#.into() }];
        assert!(check.evaluate(&Empty, &ran).passed);
    }
}
