//! `kubectl get --sort-by=JSONPATH`: objects ordered by one field, as kubectl's runtime
//! sorter compares them (numbers by value, strings in natural order so `web-9` comes before
//! `web-10`, objects without the field first).

use super::jsonpath;
use serde_json::Value;
use std::cmp::Ordering;

/// kubectl's relaxed field path: `.a.b`, `a.b`, `{a.b}` and `{.a.b}` all mean `{.a.b}`.
fn relaxed(expression: &str) -> Result<String, String> {
    let inner = expression.strip_prefix('{').and_then(|e| e.strip_suffix('}')).unwrap_or(expression);
    let field = inner.strip_prefix('.').unwrap_or(inner);
    if field.is_empty() || field.contains(['{', '}']) {
        return Err("error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{field}}}"))
}

/// Strings compared as people read them, as kubectl's sortorder.NaturalLess does: a digit
/// before any other character, runs of digits by their value (then fewer leading zeros
/// first), other bytes as they are.
fn natural(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        match (x.is_ascii_digit(), y.is_ascii_digit()) {
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            (false, false) => {
                if x != y {
                    return x.cmp(&y);
                }
                (i, j) = (i + 1, j + 1);
            }
            (true, true) => {
                while i < a.len() && a[i] == b'0' {
                    i += 1;
                }
                while j < b.len() && b[j] == b'0' {
                    j += 1;
                }
                let (from_a, from_b) = (i, j);
                while i < a.len() && a[i].is_ascii_digit() {
                    i += 1;
                }
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let order = (i - from_a).cmp(&(j - from_b)).then_with(|| a[from_a..i].cmp(&b[from_b..j])).then(from_a.cmp(&from_b));
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
    (a.len() - i).cmp(&(b.len() - j)).then((i < a.len()).cmp(&(j < b.len())))
}

/// How two found values compare (a missing one first).
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => natural(x, y),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(x), Some(y)) => natural(&x.to_string(), &y.to_string()),
    }
}

/// Orders `items` (each with its JSON) by the field `expression` names; a stable sort.
pub fn sort<T>(items: &mut Vec<(T, Value)>, expression: &str) -> Result<(), String> {
    if expression.is_empty() {
        return Ok(());
    }
    let path = relaxed(expression)?;
    let template = jsonpath::parse(&path).map_err(|e| format!("error: error parsing jsonpath {path}, {e}"))?;
    let mut keyed: Vec<(Option<Value>, (T, Value))> = items.drain(..).map(|item| (template.first_value(&item.1), item)).collect();
    if !keyed.is_empty() && keyed.iter().all(|(k, _)| k.is_none()) {
        return Err(format!("error: couldn't find any field with path {path:?} in the list of objects"));
    }
    crate::sorting::sort_by(&mut keyed, |a, b| compare(a.0.as_ref(), b.0.as_ref()));
    items.extend(keyed.into_iter().map(|(_, item)| item));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_reads_numbers_by_value() {
        let mut names = vec!["web-10", "web-9", "web-1", "db", "web-09x", "web-9", "web-09", "9a", "a9", "web-"];
        crate::sorting::sort_by(&mut names, |a, b| natural(a, b));
        // Digits before letters and dashes; equal numbers, fewer leading zeros first.
        assert_eq!(names, vec!["9a", "a9", "db", "web-", "web-1", "web-9", "web-9", "web-09", "web-09x", "web-10"]);
    }

    #[test]
    fn relaxed_paths_and_their_error() {
        for e in [".metadata.name", "metadata.name", "{.metadata.name}", "{metadata.name}"] {
            assert_eq!(relaxed(e).unwrap(), "{.metadata.name}");
        }
        assert!(relaxed("{.a}{.b}").unwrap_err().starts_with("error: unexpected path string"));
    }
}
