//! `-o yaml`: JSON values printed the way kubectl prints YAML (keys sorted,
//! sequences not indented under their key, strings quoted when YAML would
//! read them as something else).

use serde_json::Value;

/// True when a plain scalar would not read back as the same string.
fn needs_quotes(s: &str) -> bool {
    if s.is_empty() || s.trim() != s {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"].contains(&lower.as_str()) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "?:,[]{}#&*!|>'\"%@`".contains(first) || s == "-" || s.starts_with("- ") || s.starts_with("---") {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\n') || s.contains('\t') {
        return true;
    }
    // Numbers, timestamps and other scalars YAML resolves to non-strings.
    s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || (s.len() >= 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' && s[..4].bytes().all(|b| b.is_ascii_digit()))
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if needs_quotes(s) => serde_json::to_string(s).unwrap_or_default(),
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
            keys.sort();
            for k in keys {
                let child = &map[k];
                let key = if needs_quotes(k) { serde_json::to_string(k).unwrap_or_default() } else { k.clone() };
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
    }

    #[test]
    fn round_trips_through_our_reader() {
        let v = json!({"a": ["x: y", "- z", "#c", "yes", "1.5", "plain"], "b": {"c": [{"d": 1, "e": [1, 2]}]}});
        let back = crate::yaml::parse_documents(&to_yaml(&v)).unwrap();
        assert_eq!(back[0].value, v);
    }
}
