//! YAML reading with positions: every value keeps the line and column it came
//! from, so a wrong field can be pointed at. Scalars resolve the way
//! Kubernetes' YAML reader does (YAML 1.1 booleans such as `yes` included).

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};
use crate::small_map::SmallMap;

/// A 1-based line and column in the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// Where each field path of a document starts (`spec.containers[0].image`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Spans {
    /// Position of the value at each path.
    pub values: SmallMap<String, Pos>,
    /// Position of the mapping key that introduced each path.
    pub keys: SmallMap<String, Pos>,
}

impl Spans {
    /// The best position for a path: its value, else its key, else the nearest parent's.
    pub fn locate(&self, path: &str) -> Option<Pos> {
        let mut p = path.to_string();
        loop {
            if let Some(pos) = self.values.get(&p).or_else(|| self.keys.get(&p)) {
                return Some(*pos);
            }
            let cut = p.rfind(['.', '['])?;
            p.truncate(cut);
        }
    }
}

/// One YAML document as JSON, with its positions.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// The document's content.
    pub value: Value,
    /// Positions of its paths.
    pub spans: Spans,
    /// Where the document starts.
    pub start: Pos,
}

/// A syntax error with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct YamlError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it found wrong.
    pub message: String,
}

impl YamlError {
    /// The error as kubectl words it after `yaml: ` (go-yaml's reader, whose words the
    /// parser's mostly are): the problem without the parser's "while parsing ..." context, a
    /// few problems in go-yaml's own words, and go-yaml's line: one less for a parse error
    /// (it counts those lines from 0), and the line after the end of `text` for an end of
    /// stream. [`YamlError::pos`] stays where the problem is, for the editor's mark.
    pub fn as_kubectl_says(&self, text: &str) -> String {
        let (parsing, problem) = match self.message.split_once(", ") {
            Some((context, problem)) if context.starts_with("while ") => (context.starts_with("while parsing"), problem),
            _ => (false, self.message.as_str()),
        };
        let problem = match problem {
            "simple key expected" => "could not find expected ':'",
            "tabs disallowed within this context (block indentation)" => "found character that cannot start any token",
            "expected ',' or ']'" => "did not find expected ',' or ']'",
            other => other,
        };
        let line = if problem == "found unexpected end of stream" {
            // go-yaml's end of stream starts a line of its own after a last line without one.
            text.matches('\n').count() + usize::from(!text.is_empty() && !text.ends_with('\n')) + 1
        } else if parsing {
            self.pos.line.saturating_sub(1).max(1)
        } else {
            self.pos.line
        };
        format!("line {line}: {problem}")
    }
}

fn pos(span: &Span) -> Pos {
    Pos { line: span.start.line(), column: span.start.col() + 1 }
}

/// Resolves a plain (unquoted) scalar as YAML 1.1 / Kubernetes does.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => return Value::Bool(true),
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => return Value::Bool(false),
        _ => {}
    }
    let plain = text.replace('_', "");
    let (neg, digits) = match plain.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let int = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i64>().ok()
    } else {
        None
    };
    if let Some(i) = int {
        return Value::Number(Number::from(if neg { -i } else { i }));
    }
    let looks_float = plain.bytes().any(|b| b.is_ascii_digit())
        && plain.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && plain.bytes().next().is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'));
    if looks_float {
        if let Some(n) = plain.parse::<f64>().ok().and_then(Number::from_f64) {
            return Value::Number(n);
        }
    }
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "-.inf" | ".nan" | ".NaN" | ".NAN" => Value::String(text.into()),
        _ => Value::String(text.into()),
    }
}

struct Builder<'a> {
    events: std::iter::Peekable<Parser<'a, saphyr_parser::StrInput<'a>>>,
    anchors: SmallMap<usize, Value>,
    /// The document's value positions (the first for a path counts) and key positions (the
    /// last counts), in the order met; sorted into [`Spans`] once the document is read.
    values: Vec<(String, Pos)>,
    keys: Vec<(String, Pos)>,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        match self.events.next() {
            Some(Ok((ev, span))) => Ok((ev, span)),
            Some(Err(e)) => Err(YamlError {
                pos: Pos { line: e.marker().line(), column: e.marker().col() + 1 },
                message: e.info().to_string(),
            }),
            None => Err(YamlError { pos: Pos { line: 1, column: 1 }, message: "unexpected end of input".into() }),
        }
    }

    /// Reads one node whose first event is `ev`, recording spans under `path`.
    fn node(&mut self, ev: Event<'a>, span: Span, path: &str) -> Result<Value, YamlError> {
        self.values.push((path.to_string(), pos(&span)));
        match ev {
            Event::Scalar(text, style, anchor, _tag) => {
                let v = if style == ScalarStyle::Plain { resolve_plain(&text) } else { Value::String(text.into_owned()) };
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::Alias(id) => Ok(self.anchors.get(&id).cloned().unwrap_or(Value::Null)),
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (ev, span) = self.next()?;
                    if matches!(ev, Event::SequenceEnd) {
                        break;
                    }
                    let child = format!("{path}[{}]", items.len());
                    items.push(self.node(ev, span, &child)?);
                }
                let v = Value::Array(items);
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = Map::new();
                loop {
                    let (ev, key_span) = self.next()?;
                    if matches!(ev, Event::MappingEnd) {
                        break;
                    }
                    let key = match self.node(ev, key_span, &format!("{path}#key"))? {
                        Value::String(s) => s,
                        Value::Null => "null".into(),
                        other => other.to_string(),
                    };
                    let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    self.keys.push((child.clone(), pos(&key_span)));
                    let (ev, span) = self.next()?;
                    let value = self.node(ev, span, &child)?;
                    if key == "<<" {
                        if let Value::Object(merged) = value {
                            for (k, v) in merged {
                                map.entry(k).or_insert(v);
                            }
                        }
                        continue;
                    }
                    if map.contains_key(&key) {
                        return Err(YamlError {
                            pos: pos(&key_span),
                            message: format!("mapping key {key:?} already defined"),
                        });
                    }
                    map.insert(key, value);
                }
                let v = Value::Object(map);
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                Ok(v)
            }
            other => Err(YamlError { pos: pos(&span), message: format!("unexpected {other:?}") }),
        }
    }
}

/// Parses every document of a YAML stream (`---` separated). Empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Document>, YamlError> {
    let mut b = Builder { events: Parser::new_from_str(text).peekable(), anchors: SmallMap::new(), values: Vec::new(), keys: Vec::new() };
    let mut docs = Vec::new();
    loop {
        let (ev, span) = b.next()?;
        match ev {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                let (ev, span) = b.next()?;
                let start = pos(&span);
                if matches!(ev, Event::DocumentEnd) {
                    continue;
                }
                b.values.clear();
                b.keys.clear();
                let value = b.node(ev, span, "")?;
                if !value.is_null() {
                    let mut keys = std::mem::take(&mut b.keys);
                    keys.reverse();
                    let mut spans = Spans { values: SmallMap::from_unsorted_keep_first(std::mem::take(&mut b.values)), keys: SmallMap::from_unsorted_keep_first(keys) };
                    spans.values.remove("");
                    docs.push(Document { value, spans, start });
                }
            }
            other => return Err(YamlError { pos: pos(&span), message: format!("unexpected {other:?}") }),
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_a_pod_with_positions() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 80\n";
        let docs = parse_documents(text).unwrap();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(d.value["spec"]["containers"][0]["ports"][0]["containerPort"], json!(80));
        assert_eq!(d.spans.values["spec.containers[0].image"], Pos { line: 8, column: 12 });
        assert_eq!(d.spans.keys["spec.containers[0].image"], Pos { line: 8, column: 5 });
        assert_eq!(d.spans.locate("spec.containers[0].nothing"), Some(Pos { line: 7, column: 5 }));
    }

    #[test]
    fn resolves_scalars_like_kubernetes() {
        let docs = parse_documents("a: yes\nb: 'yes'\nc: 3\nd: \"3\"\ne: 0.5\nf: ~\ng: 1e3\nh: 0x1F\ni: 1.2.3\n").unwrap();
        assert_eq!(docs[0].value, json!({"a": true, "b": "yes", "c": 3, "d": "3", "e": 0.5, "f": null, "g": 1000.0, "h": 31, "i": "1.2.3"}));
    }

    #[test]
    fn splits_documents_and_keeps_absolute_lines() {
        let text = "kind: A\n---\n---\nkind: B\nx: [1, 2]\n";
        let docs = parse_documents(text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].value, json!({"kind": "B", "x": [1, 2]}));
        assert_eq!(docs[1].spans.values["x[1]"], Pos { line: 5, column: 8 });
    }

    #[test]
    fn reports_syntax_errors_with_line_and_column() {
        let err = parse_documents("metadata:\n  name: a\n labels: {}\n").unwrap_err();
        assert_eq!(err.pos.line, 3, "{err:?}");
        let err = parse_documents("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(err.pos.line, 2, "{err:?}");
        let err = parse_documents("a: 1\na: 2\n").unwrap_err();
        assert!(err.message.contains("already defined"), "{err:?}");
    }

    /// Broken manifests and what `kubectl create --dry-run=client -f` 1.33 prints after
    /// `error converting YAML to JSON: yaml: ` for each.
    #[test]
    fn syntax_errors_read_as_kubectl_prints_them() {
        let head = "apiVersion: v1\nkind: Pod\nmetadata:\n";
        for (body, says) in [
            ("  name: a\n  minR", "line 6: could not find expected ':'"),
            ("  name: a\n   labels: x\n", "line 5: mapping values are not allowed in this context"),
            ("\tname: a\n", "line 4: found character that cannot start any token"),
            ("  name: \"a\n", "line 5: found unexpected end of stream"),
            ("  name: a\nspec:\n  containers:\n  - name: x\n   image: nginx\n", "line 7: did not find expected key"),
            ("  name: a\n  labels: [x\n", "line 5: did not find expected ',' or ']'"),
            ("  name: a: b\n", "line 4: mapping values are not allowed in this context"),
            ("  name: a\n labels:\n  x: y\n", "line 4: did not find expected key"),
            ("  name: 'a\n", "line 5: found unexpected end of stream"),
            ("  name: a\nspec:\n  containers:\n    - name: a\n    image: b\n", "line 7: did not find expected '-' indicator"),
            ("  name: a\nspec:\n  containers:\n  - name: a\n    image: b\n - name: c\n", "line 8: did not find expected key"),
        ] {
            let text = format!("{head}{body}");
            let err = parse_documents(&text).unwrap_err();
            assert_eq!(err.as_kubectl_says(&text), says, "{text:?}: {err:?}");
        }
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a\n";
        assert_eq!(parse_documents(text).unwrap_err().as_kubectl_says(text), "line 3: did not find expected ',' or '}'");
        // The editor's mark stays on the line with the problem.
        let text = format!("{head}  name: a\nspec:\n  containers:\n  - name: x\n   image: nginx\n");
        assert_eq!(parse_documents(&text).unwrap_err().pos.line, 8);
    }

    #[test]
    fn anchors_and_merge_keys() {
        let docs = parse_documents("base: &b {x: 1}\nother:\n  <<: *b\n  z: 2\n").unwrap();
        assert_eq!(docs[0].value["other"], json!({"x": 1, "z": 2}));
        // YAML 1.1, as Kubernetes reads it: a bare `y` key is the boolean true.
        assert_eq!(parse_documents("y: 1\n").unwrap()[0].value, json!({"true": 1}));
    }
}
