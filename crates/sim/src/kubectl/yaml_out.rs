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

/// A string with line breaks as go-yaml writes it: a literal block (`|`, `|-` without a
/// final line break, `|+` with several; an indentation hint `2` when it begins with a space
/// or a break), its lines `indent` deep. `None` when it must be double-quoted instead (tabs,
/// other control characters, spaces at the end of a line).
fn literal(s: &str, indent: usize) -> Option<String> {
    if s.contains(" \n") || s.ends_with(' ') || s.chars().any(|c| c.is_control() && c != '\n') {
        return None;
    }
    let hint = if s.starts_with([' ', '\n']) { "2" } else { "" };
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    // A body of line breaks alone keeps them all (`|2+`), as go-yaml writes it.
    let chomp = match trailing {
        0 => "-",
        1 if !body.is_empty() => "",
        _ => "+",
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{hint}{chomp}\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    Some(out)
}

/// The block literal for a string value that has line breaks and may be written so.
fn literal_of(v: &Value, indent: usize) -> Option<String> {
    v.as_str().filter(|s| s.contains('\n')).and_then(|s| literal(s, indent))
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
                    _ => match literal_of(child, indent + 2) {
                        Some(block) => out.push_str(&format!("{pad}{key}: {block}")),
                        None => out.push_str(&format!("{pad}{key}: {}\n", scalar(child))),
                    },
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
                } else if let Some(block) = literal_of(item, indent + 2) {
                    out.push_str(&format!("{pad}- {block}"));
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
    fn strings_with_line_breaks_are_literal_blocks_as_kubectl_writes_them() {
        // Source: kubectl 1.28, `create configmap cfg --from-file=...` of these contents, -o yaml.
        let data = json!({"data": {
            "f1.yml": "a: 1\nb:\n  c: 2\n", "f2.txt": "no newline\nend", "f3.txt": "two\n\n", "f4.txt": " lead\nx\n",
            "f5.txt": "trail \nx\n", "f6.txt": "tab\there\nx\n", "f7.txt": "\n\nstarts with breaks\n",
        }});
        assert_eq!(
            to_yaml(&data),
            "data:\n  f1.yml: |\n    a: 1\n    b:\n      c: 2\n  f2.txt: |-\n    no newline\n    end\n  f3.txt: |+\n    two\n\n  f4.txt: |2\n     lead\n    x\n  f5.txt: \"trail \\nx\\n\"\n  f6.txt: \"tab\\there\\nx\\n\"\n  f7.txt: |2\n\n\n    starts with breaks\n"
        );
        assert_eq!(to_yaml(&json!({"args": ["-c", "echo a\necho b\n"]})), "args:\n- -c\n- |\n  echo a\n  echo b\n");
        // Source: kubectl 1.28, a file of one line break.
        assert_eq!(to_yaml(&json!({"nl.txt": "\n"})), "nl.txt: |2+\n\n");
    }

    #[test]
    fn round_trips_through_our_reader() {
        let v = json!({"a": ["x: y", "- z", "#c", "yes", "1.5", "plain", "it's: here", " padded", "two\nlines", " lead\n\nx\n\n", "\n", "\n\n"], "b": {"c": [{"d": 1, "e": [1, 2], "f": "a\nb"}]}});
        let back = crate::yaml::parse_documents(&to_yaml(&v)).unwrap();
        assert_eq!(back[0].value, v);
    }
}
