//! `-o yaml`: JSON values printed the way kubectl prints YAML (keys sorted,
//! sequences not indented under their key, strings quoted when YAML would
//! read them as something else).

use serde_json::Value;

/// True when YAML would read the plain scalar as something other than a string (a
/// bool, null, a number, a timestamp): go-yaml double-quotes those.
fn resolves_to_non_string(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    s.is_empty()
        || ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"].contains(&lower.as_str())
        || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || (s.len() >= 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' && s[..4].bytes().all(|b| b.is_ascii_digit()))
}

/// True when a string cannot be written plain because of YAML's syntax (an indicator
/// first, `: ` or ` #` inside, spaces around): go-yaml single-quotes those.
fn plain_not_allowed(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    s.trim() != s
        || "?:,[]{}#&*!|>'\"%@`".contains(first)
        || s == "-"
        || s.starts_with("- ")
        || s.starts_with("---")
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if resolves_to_non_string(s) || s.contains(['\n', '\t']) => serde_json::to_string(s).unwrap_or_default(),
        Value::String(s) if plain_not_allowed(s) => format!("'{}'", s.replace('\'', "''")),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        _ => String::new(),
    }
}

fn is_block(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty()) || matches!(v, Value::Object(o) if !o.is_empty())
}

fn write(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            crate::sorting::sort(&mut keys);
            for k in keys {
                let child = &map[k];
                let key = scalar(&Value::String(k.clone()));
                match child {
                    Value::Object(_) if is_block(child) => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write(child, indent + 2, out);
                    }
                    Value::Array(_) if is_block(child) => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        write(child, indent, out);
                    }
                    _ => out.push_str(&format!("{pad}{key}: {}\n", scalar(child))),
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                if is_block(item) {
                    let mut inner = String::new();
                    write(item, indent + 2, &mut inner);
                    // The first line of the item goes after "- ".
                    let rest = inner.strip_prefix(&" ".repeat(indent + 2)).unwrap_or(&inner);
                    out.push_str(&format!("{pad}- {rest}"));
                } else {
                    out.push_str(&format!("{pad}- {}\n", scalar(item)));
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

/// Prints a value as kubectl's YAML.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    write(v, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_like_kubectl() {
        let v = json!({
            "kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": "web", "creationTimestamp": "2024-01-01T09:00:00Z", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}], "args": ["-c", "true"]}], "nodeSelector": {}},
            "status": {"phase": "Pending", "ready": "true", "port": "8080", "empty": ""}
        });
        let want = "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: \"2024-01-01T09:00:00Z\"\n  labels:\n    app: web\n  name: web\nspec:\n  containers:\n  - args:\n    - -c\n    - \"true\"\n    image: nginx\n    name: web\n    ports:\n    - containerPort: 80\n  nodeSelector: {}\nstatus:\n  empty: \"\"\n  phase: Pending\n  port: \"8080\"\n  ready: \"true\"\n";
        assert_eq!(to_yaml(&v), want);
        let message = json!({"message": "Some resources are remaining: pods. has 1 resource instances", "q": "it's: x"});
        assert_eq!(to_yaml(&message), "message: 'Some resources are remaining: pods. has 1 resource instances'\nq: 'it''s: x'\n", "go-yaml single-quotes what plain style cannot carry");
    }

    #[test]
    fn round_trips_through_our_reader() {
        let v = json!({"a": ["x: y", "- z", "#c", "yes", "1.5", "plain", "it's: here", " padded"], "b": {"c": [{"d": 1, "e": [1, 2]}]}});
        let back = crate::yaml::parse_documents(&to_yaml(&v)).unwrap();
        assert_eq!(back[0].value, v);
    }
}
