//! `kubectl explain TYPE[.field...]`: the fields of a kind, read from the API schema
//! ([`crate::api::schema`]), in kubectl v1.28's plaintext layout (the OpenAPI v3
//! template: `GROUP:`/`KIND:`/`VERSION:`, `FIELD:`, `DESCRIPTION:` wrapped at 76
//! columns, `FIELDS:` with a TAB between a name and its type), with `--recursive` and
//! `--api-version`. Fields a real cluster has and kubeplay does not simulate are named in
//! a note of kubeplay's own on standard error.

use super::{CommandOutput, Flags};
use crate::api::schema::{self, Ty, Type};
use crate::api::Kind;

/// What a timestamp field adds to its description, as the API's `Time` type does.
const TIME_DESCRIPTION: &str = "A point in time, written in RFC 3339 form (2024-05-01T12:00:00Z) and kept to the second.";

/// Models staging/src/k8s.io/kubectl/pkg/cmd/explain/explain.go Run with the plaintext
/// template of staging/src/k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl.
pub fn explain(f: &Flags) -> CommandOutput {
    let Some(target) = f.positional.first() else {
        return CommandOutput::err("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n".into(), 1);
    };
    if f.positional.len() > 1 {
        return CommandOutput::err("error: We accept only this format: explain RESOURCE\n".into(), 1);
    }
    match f.value("--output").as_deref() {
        None | Some("plaintext") => {}
        Some("plaintext-openapiv2") => {
            return CommandOutput::err("kubeplay: only the plaintext layout of explain is simulated; leave out --output\n".into(), 1);
        }
        Some(other) => return CommandOutput::err(format!("error: unrecognized format: {other}\n"), 1),
    }
    let mut words: Vec<&str> = target.split('.').collect();
    if words.len() > 1 && words.last() == Some(&"") {
        words.pop();
    }
    if words.iter().any(|w| w.is_empty()) {
        return CommandOutput::err("error: invalid jsonpath syntax, first node must be field node\n".into(), 1);
    }
    let (resource, path) = (words[0], &words[1..]);
    let Some(kind) = Kind::from_resource(resource) else {
        return CommandOutput::err(format!("the server doesn't have a resource type {resource:?}\n"), 1);
    };
    if !kind.is_simulated() {
        return CommandOutput::err(format!("kubeplay: a real cluster explains {kind} ({}); kubeplay stores {kind} objects without simulating them and has no field descriptions for them\n", kind.api_version()), 1);
    }
    if let Some(gv) = f.value("--api-version").filter(|v| v != kind.api_version()) {
        let (group, version) = gv.split_once('/').unwrap_or(("", &gv));
        // A version the server serves has a schema document, just not for this resource.
        let message = if Kind::ALL.iter().any(|k| k.api_version() == gv) {
            format!("error: GVR ({group}/{version}, Resource={}) not found in OpenAPI schema\n", kind.plural())
        } else {
            format!("error: couldn't find resource for \"{group}/{version}, Resource={}\"\n", kind.plural())
        };
        return CommandOutput::err(message, 1);
    }
    let (group, version) = kind.api_version().split_once('/').unwrap_or(("", kind.api_version()));
    let mut out = CommandOutput::default();
    if !group.is_empty() {
        out.stdout.push_str(&format!("GROUP:      {group}\n"));
    }
    out.stdout.push_str(&format!("KIND:       {}\nVERSION:    {version}\n\n", kind.name()));
    let recursive = f.bool_or("--recursive", false);
    let mut current: &'static Type = schema::root(kind);
    let mut description = format!("{}\n", current.description);
    for (i, name) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let Some(field) = current.field(name) else {
            if current.unsimulated.contains(name) {
                out.stderr.push_str(&format!("kubeplay: {name} is a field of {} that kubeplay does not simulate: a real cluster explains it; here it is accepted and ignored\n", current.name));
                return out;
            }
            out.fail(format!("error: field {:?} does not exist", path.last().unwrap_or(name)));
            return out;
        };
        match field.ty.object() {
            Some(inner) => {
                if last {
                    out.stdout.push_str(&format!("FIELD: {name} <{}>\n\n", field.ty.name()));
                    description = format!("{}\n{}\n", field.description, inner.description);
                }
                current = inner;
            }
            None if last => {
                out.stdout.push_str(&format!("FIELD: {name} <{}>\n\n", field.ty.name()));
                let time = if matches!(field.ty, Ty::Time) { format!("{TIME_DESCRIPTION}\n") } else { String::new() };
                out.stdout.push_str(&described(&format!("{}\n{time}", field.description)));
                out.stdout.push('\n');
                return out;
            }
            None => {
                out.fail(format!("error: field {:?} does not exist", path.last().unwrap_or(name)));
                return out;
            }
        }
    }
    out.stdout.push_str(&described(&description));
    if !current.fields.is_empty() {
        out.stdout.push_str("FIELDS:\n");
        field_list(current, 1, recursive, &mut out.stdout);
    }
    out.stdout.push('\n');
    if !current.unsimulated.is_empty() {
        out.stderr.push_str(&format!("kubeplay: {} also has these Kubernetes fields, which kubeplay accepts but does not simulate: {}\n", current.name, current.unsimulated.join(", ")));
    }
    out
}

/// The `DESCRIPTION:` block: the text wrapped at 76 columns and indented by 4.
fn described(text: &str) -> String {
    format!("DESCRIPTION:\n{}\n", indent(&wrap(text, 76), 4))
}

/// The fields of a type, by name, each with its type and (unless recursive) its
/// description; recursive lists nest each object's fields two columns deeper.
fn field_list(t: &'static Type, level: usize, recursive: bool, out: &mut String) {
    let mut fields: Vec<_> = t.fields.iter().collect();
    crate::sorting::sort_by_key(&mut fields, |f| f.name);
    let pad = level * 2;
    for f in fields {
        out.push_str(&format!("{}{}\t<{}>{}\n", " ".repeat(pad), f.name, f.ty.name(), if f.required { " -required-" } else { "" }));
        if recursive {
            if let Some(inner) = f.ty.object() {
                field_list(inner, level + 1, true, out);
            }
        } else {
            out.push_str(&indent(&wrap(f.description, 78usize.saturating_sub(pad)), pad + 2));
            out.push_str("\n\n");
        }
    }
}

/// Prefixes every line (and the empty text after a final newline) with `n` spaces, as
/// the template's `indent` does.
fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", text.replace('\n', &format!("\n{pad}")))
}

/// Breaks text into lines of at most `width` characters at spaces, as kubectl's word-wrap
/// writer does: newlines in the text are kept, a word as long as the width or longer
/// stays whole, and the spaces where a line breaks are dropped.
/// Models github.com/mitchellh/go-wordwrap WrapString.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let (mut current, mut word, mut spaces) = (0usize, String::new(), String::new());
    let count = |s: &str| s.chars().count();
    for c in text.chars() {
        if c == '\n' {
            end_line(&mut out, &mut word, &mut spaces, current, width);
            out.push('\n');
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if spaces.is_empty() || !word.is_empty() {
                current += count(&spaces) + count(&word);
                out.push_str(&spaces);
                out.push_str(&word);
                spaces.clear();
                word.clear();
            }
            spaces.push(c);
        } else {
            word.push(c);
            let word_len = count(&word);
            if current + count(&spaces) + word_len > width && word_len < width {
                out.push('\n');
                current = 0;
                spaces.clear();
            }
        }
    }
    end_line(&mut out, &mut word, &mut spaces, current, width);
    out
}

/// Ends a line of [`wrap`]: the pending word with the spaces before it, or, with no word,
/// the trailing spaces if they still fit.
fn end_line(out: &mut String, word: &mut String, spaces: &mut String, current: usize, width: usize) {
    if !word.is_empty() || current + spaces.chars().count() <= width {
        out.push_str(spaces);
    }
    out.push_str(word);
    word.clear();
    spaces.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_lines_at_spaces_and_keeps_newlines() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap("aaaaaaaaaa bb", 4), "aaaaaaaaaa\nbb", "a long word stays whole");
        assert_eq!(wrap("ab\ncd ef", 5), "ab\ncd ef", "a newline starts a new line");
        assert_eq!(wrap("", 5), "");
        assert_eq!(wrap("short", 76), "short");
        assert_eq!(indent("a\nb\n", 4), "    a\n    b\n    ");
    }
}
