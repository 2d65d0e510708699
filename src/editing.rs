//! The manifest editor's text operations, apart from the DOM so they can be tested:
//! auto-indent on Enter, Tab and Shift-Tab over lines, an undo history that groups
//! typing, the YAML path at the cursor (for field-name completion), the YAML
//! highlighter's tokens, and the diagnostics a manifest's parse gives each line.
//! Offsets are byte offsets into the text; the component converts the textarea's
//! UTF-16 offsets with [`to_byte`] and [`to_utf16`].

/// The text after an edit and where the selection ends up (byte offsets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// The whole new text.
    pub text: String,
    /// Selection start.
    pub start: usize,
    /// Selection end.
    pub end: usize,
}

/// One indentation step in the editor (YAML is conventionally indented by two spaces).
pub const INDENT: usize = 2;

/// The byte offset of the start of the line holding `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].rfind('\n').map_or(0, |i| i + 1)
}

/// The byte offset of the end of the line holding `pos` (before its newline).
pub fn line_end(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    text[pos..].find('\n').map_or(text.len(), |i| pos + i)
}

fn leading_spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Enter: a newline indented like the line above, one step deeper after `key:` with
/// nothing after it, and aligned with the keys of a list item after `- key: value`.
pub fn newline(text: &str, start: usize, end: usize) -> Edit {
    let (start, end) = (start.min(text.len()), end.min(text.len()));
    let line = &text[line_start(text, start)..start];
    let base = leading_spaces(line);
    let body = split_comment(line.trim()).0.trim_end();
    let mut indent = base;
    if body == "-" || body.starts_with("- ") {
        indent += INDENT;
    }
    if body.ends_with(':') || body.ends_with(": |") || body.ends_with(": >") {
        indent += INDENT;
    }
    let insert = format!("\n{}", " ".repeat(indent));
    let mut new = String::with_capacity(text.len() + insert.len());
    new.push_str(&text[..start]);
    new.push_str(&insert);
    new.push_str(&text[end..]);
    let caret = start + insert.len();
    Edit { text: new, start: caret, end: caret }
}

/// Tab (`outdent` false) and Shift-Tab (`outdent` true). With no selection, Tab inserts
/// spaces to the next indentation step; with a selection, or with Shift-Tab, every line
/// the selection touches moves one step right or left (never past its first character).
pub fn indent(text: &str, start: usize, end: usize, outdent: bool) -> Edit {
    let (start, end) = (start.min(text.len()), end.min(text.len()));
    if start == end && !outdent {
        let column = start - line_start(text, start);
        let pad = INDENT - column % INDENT;
        let mut new = text.to_string();
        new.insert_str(start, &" ".repeat(pad));
        return Edit { text: new, start: start + pad, end: start + pad };
    }
    let first = line_start(text, start);
    // A selection that ends at the start of a line does not take that line along.
    let last_pos = if end > start && end == line_start(text, end) { end - 1 } else { end };
    let last = line_end(text, last_pos);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..first]);
    // Each line's start (in the old text) and how far its text moves.
    let mut moves: Vec<(usize, isize)> = Vec::new();
    let mut at = first;
    for (i, line) in text[first..last].split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let delta: isize = if outdent { -(leading_spaces(line).min(INDENT) as isize) } else if line.is_empty() { 0 } else { INDENT as isize };
        if delta > 0 {
            out.push_str(&" ".repeat(INDENT));
            out.push_str(line);
        } else {
            out.push_str(&line[(-delta) as usize..]);
        }
        moves.push((at, delta));
        at += line.len() + 1;
    }
    out.push_str(&text[last..]);
    // A position moves with the lines that start before it; removed spaces before it on its
    // own line take it along only as far as they reach.
    let place = |p: usize| -> usize {
        let moved: isize = moves.iter().filter(|(at, _)| p >= *at).map(|&(at, d)| if d < 0 { -((p - at).min((-d) as usize) as isize) } else { d }).sum();
        (p as isize + moved) as usize
    };
    Edit { text: out, start: place(start), end: place(end) }
}

/// A remembered text and selection, for undo and redo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// The text.
    pub text: String,
    /// Selection start (byte offset).
    pub start: usize,
    /// Selection end (byte offset).
    pub end: usize,
}

/// What kind of change an edit was: consecutive typing is undone as one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Characters typed (grouped while the pauses are short).
    Typing,
    /// Anything else (Enter, Tab, paste, completion, an example loaded): one step each.
    Other,
}

/// The editor's own undo and redo history (changes made by code would otherwise break the
/// browser's native undo).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    undo: Vec<Revision>,
    redo: Vec<Revision>,
    last: Option<(Change, f64)>,
}

/// How many steps the history keeps.
const HISTORY_LIMIT: usize = 200;
/// Typing after a pause this long (ms) starts a new undo step.
const GROUP_MS: f64 = 1000.0;

impl History {
    /// Records the state before a change made at `now_ms`; typing within a second of more
    /// typing joins the step already recorded.
    pub fn record(&mut self, before: Revision, change: Change, now_ms: f64) {
        let joins = change == Change::Typing && matches!(self.last, Some((Change::Typing, t)) if now_ms - t < GROUP_MS);
        if !joins {
            self.undo.push(before);
            if self.undo.len() > HISTORY_LIMIT {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.last = Some((change, now_ms));
    }

    /// The state to go back to, given the current one (which redo will restore).
    pub fn undo(&mut self, current: Revision) -> Option<Revision> {
        let previous = self.undo.pop()?;
        self.redo.push(current);
        self.last = None;
        Some(previous)
    }

    /// The state undo left, given the current one.
    pub fn redo(&mut self, current: Revision) -> Option<Revision> {
        let next = self.redo.pop()?;
        self.undo.push(current);
        self.last = None;
        Some(next)
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }
}

/// Where the cursor is, for completion: the mapping keys leading to it (list items are
/// skipped, so `spec.template.spec.containers[0]` is `["spec", "template", "spec",
/// "containers"]`), the part of a key typed so far, the keys already present beside it, and
/// the document's `kind`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyContext {
    /// The `kind:` of the YAML document the cursor is in.
    pub kind: Option<String>,
    /// The keys of the mappings that hold the cursor's mapping, outermost first.
    pub path: Vec<String>,
    /// What has been typed of the key so far.
    pub prefix: String,
    /// Byte offset where the typed key starts (completion replaces from here).
    pub key_start: usize,
    /// The keys already in the same mapping.
    pub siblings: Vec<String>,
}

/// A line's indentation, its column after a list dash, and its key, if it has one.
struct LineShape<'a> {
    indent: usize,
    dash: bool,
    key_column: usize,
    key: Option<&'a str>,
    /// Nothing after `key:` (a nested mapping or list follows).
    opens: bool,
}

fn shape(line: &str) -> Option<LineShape<'_>> {
    let indent = leading_spaces(line);
    let mut rest = &line[indent..];
    if rest.is_empty() || rest.starts_with('#') || rest.starts_with("---") {
        return None;
    }
    let mut key_column = indent;
    let dash = rest == "-" || rest.starts_with("- ");
    if dash {
        let after = rest[1..].trim_start_matches(' ');
        key_column = indent + (rest.len() - after.len());
        rest = after;
    }
    let key = rest.find(':').filter(|&i| rest[i + 1..].is_empty() || rest[i + 1..].starts_with([' ', '#'])).map(|i| rest[..i].trim_matches(['"', '\'']));
    let opens = key.is_some_and(|k| {
        let value = rest[k.len()..].trim_start_matches(['"', '\'']).trim_start_matches(':').trim();
        value.is_empty() || value.starts_with('#')
    });
    Some(LineShape { indent, dash, key_column, key, opens })
}

/// The completion context at `pos` if the cursor is where a mapping key is being typed
/// (only letters before it on its line, after the indentation or a list dash).
pub fn key_context(text: &str, pos: usize) -> Option<KeyContext> {
    let pos = pos.min(text.len());
    let start = line_start(text, pos);
    let before = &text[start..pos];
    let prefix_len = before.len() - before.trim_end_matches(|c: char| c.is_ascii_alphanumeric()).len();
    let lead = &before[..before.len() - prefix_len];
    let lead_trimmed = lead.trim_start_matches(' ');
    if !(lead_trimmed.is_empty() || lead_trimmed.trim_end() == "-" && lead_trimmed.ends_with(' ')) {
        return None;
    }
    if text[pos..line_end(text, pos)].contains(':') {
        return None;
    }
    let column = lead.len();
    let (doc_start, doc_end) = document_bounds(text, pos);
    let new_item = !lead_trimmed.is_empty();
    // Walk upwards. `want` is the column of the mapping being climbed out of: a line whose key
    // sits further left (or, after a list dash, at the dash's column) holds it.
    let mut path = Vec::new();
    let mut siblings = Vec::new();
    let (mut want, mut inclusive, mut own) = if new_item { (leading_spaces(lead), true, false) } else { (column, false, true) };
    for line in text[doc_start..start].lines().rev() {
        let Some(s) = shape(line) else { continue };
        if own && s.key_column == want {
            siblings.extend(s.key.map(str::to_string));
            if s.dash {
                (want, inclusive, own) = (s.indent, true, false);
            }
            continue;
        }
        let holds = if inclusive { s.key_column <= want } else { s.key_column < want };
        if !holds {
            continue;
        }
        own = false;
        let Some(key) = s.key.filter(|_| s.opens) else { continue };
        path.push(key.to_string());
        (want, inclusive) = if s.dash { (s.indent, true) } else { (s.key_column, false) };
        if want == 0 && !inclusive {
            break;
        }
    }
    path.reverse();
    // Keys after the cursor at the same column belong to the same mapping too.
    let after_end = (line_end(text, pos) + 1).min(text.len()).min(doc_end);
    for line in text[after_end..doc_end].lines() {
        let Some(s) = shape(line) else { continue };
        if s.key_column < column || (s.dash && s.indent < column) {
            break;
        }
        if s.key_column == column {
            if let Some(k) = s.key {
                siblings.push(k.to_string());
            }
        }
    }
    kubeplay_sim::sorting::sort(&mut siblings);
    siblings.dedup();
    Some(KeyContext { kind: document_kind(&text[doc_start..doc_end]), path, prefix: before[lead.len()..].to_string(), key_start: start + lead.len(), siblings })
}

/// The byte range of the YAML document (between `---` lines) holding `pos`.
fn document_bounds(text: &str, pos: usize) -> (usize, usize) {
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let is_separator = line.trim_end() == "---" || line.starts_with("--- ");
        if is_separator {
            if offset + line.len() <= pos {
                start = offset + line.len();
            } else if offset >= pos {
                return (start, offset);
            }
        }
        offset += line.len();
    }
    (start, text.len())
}

fn document_kind(doc: &str) -> Option<String> {
    doc.lines().find_map(|l| l.strip_prefix("kind:")).map(|v| v.trim().trim_matches(['"', '\'']).to_string()).filter(|k| !k.is_empty())
}

/// A highlighted piece of a line: the CSS class (empty for plain text) and its text.
pub type Token<'a> = (&'static str, &'a str);

/// Splits one YAML line into highlighted pieces: comments, keys, list dashes, document
/// markers, and values (strings, numbers, booleans and null, plain text).
pub fn highlight_line(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let indent = leading_spaces(line);
    if indent > 0 {
        out.push(("", &line[..indent]));
    }
    let mut rest = &line[indent..];
    if rest.starts_with("---") || rest.starts_with("...") {
        out.push(("y-doc", rest));
        return out;
    }
    while rest.starts_with("- ") || rest == "-" {
        let dash_len = if rest == "-" { 1 } else { 2 };
        out.push(("y-dash", &rest[..dash_len]));
        rest = &rest[dash_len..];
    }
    if rest.starts_with('#') {
        out.push(("y-comment", rest));
        return out;
    }
    let (body, comment) = split_comment(rest);
    let key_end = body.find(':').filter(|&i| body[i + 1..].is_empty() || body[i + 1..].starts_with(' ')).filter(|&i| !body[..i].contains(['{', '[', '"']) || body.starts_with('"'));
    let value = match key_end {
        Some(i) => {
            out.push(("y-key", &body[..i]));
            out.push(("y-punct", ":"));
            &body[i + 1..]
        }
        None => body,
    };
    if !value.is_empty() {
        let trimmed = value.trim_start();
        let space = &value[..value.len() - trimmed.len()];
        if !space.is_empty() {
            out.push(("", space));
        }
        if !trimmed.is_empty() {
            out.push((value_class(trimmed.trim_end()), trimmed));
        }
    }
    if !comment.is_empty() {
        out.push(("y-comment", comment));
    }
    out
}

/// Splits a line's body from a trailing ` # comment` outside quotes.
fn split_comment(s: &str) -> (&str, &str) {
    let mut quote = None;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if i > 0 && bytes[i - 1] == b' ' => return (&s[..i], &s[i..]),
            _ => {}
        }
    }
    (s, "")
}

fn value_class(v: &str) -> &'static str {
    if v.starts_with(['"', '\'']) {
        "y-string"
    } else if matches!(v, "true" | "false" | "null" | "~" | "yes" | "no" | "True" | "False") {
        "y-bool"
    } else if v.parse::<f64>().is_ok() {
        "y-number"
    } else if v.starts_with(['|', '>']) {
        "y-punct"
    } else if v.starts_with(['{', '[']) {
        "y-flow"
    } else {
        "y-value"
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Applying will go through, but something looks wrong.
    Warning,
    /// Applying will fail.
    Error,
}

/// A problem found in the editor's text, at a line (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The line it is on (1-based).
    pub line: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What kubectl and kubeplay say about it.
    pub message: String,
}

/// The line a kubectl or kubeplay message points at, read from its `--> FILE:LINE:COL:`
/// part (the location kubeplay adds under a server error).
pub fn located_line(message: &str, file: &str) -> Option<usize> {
    let at = message.find(&format!("--> {file}:"))? + 5 + file.len();
    let digits: String = message[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The problems parsing `text` as a manifest finds, each at its line: what applying it
/// would refuse before it reaches the cluster, and the warnings it would print.
pub fn diagnose(text: &str, file: &str) -> Vec<Diagnostic> {
    let (objects, errors) = kubeplay_sim::manifest::parse_manifest(text, file);
    let mut out = Vec::new();
    for e in &errors {
        let message = e.to_string();
        // A strict decoding error names every unknown field, each on its own located line:
        // the first carries the whole message, the others their own line of it.
        let located: Vec<(usize, &str)> = message.lines().filter_map(|l| Some((located_line(l, file)?, l.trim()))).collect();
        match located.split_first() {
            Some((_, rest)) => {
                out.push(Diagnostic { line: located[0].0, severity: Severity::Error, message: message.clone() });
                out.extend(rest.iter().map(|(line, text)| Diagnostic { line: *line, severity: Severity::Error, message: text.to_string() }));
            }
            None => out.push(Diagnostic { line: e.pos.map_or(1, |p| p.line), severity: Severity::Error, message }),
        }
    }
    for o in &objects {
        for w in &o.warnings {
            out.push(Diagnostic { line: located_line(w, file).unwrap_or(1), severity: Severity::Warning, message: w.clone() });
        }
    }
    kubeplay_sim::sorting::sort_by_key(&mut out, |d| (d.line, std::cmp::Reverse(d.severity)));
    out
}

/// The problems the cluster found when `text` was applied (its `report`), at the lines of the
/// fields they name. The cluster applies the text's objects in order, and each one it refuses
/// adds one error after the text's own problems; so the objects missing from
/// `report.applied` are paired, in order, with the last errors, and each `Kind "name" is
/// invalid: path: ...` refusal is placed in its own object's document (two objects of one
/// name in different namespaces keep their own marks), each field path at where that field
/// (or its nearest written parent) is in the text. Refusals that name no field stay in the
/// apply report only.
pub fn server_diagnostics(text: &str, report: &kubeplay_sim::cluster::ApplyReport) -> Vec<Diagnostic> {
    let Ok(docs) = kubeplay_sim::yaml::parse_documents(text) else { return Vec::new() };
    let (objects, _) = kubeplay_sim::manifest::parse_manifest(text, "");
    // The objects the cluster refused: those the applied list (in file order too) skips.
    let mut applied = report.applied.iter().peekable();
    let refused: Vec<&kubeplay_sim::manifest::ManifestObject> = objects
        .iter()
        .filter(|o| {
            let (kind, ns, name) = (o.object.kind(), o.object.namespace(), o.object.name());
            let taken = applied.peek().is_some_and(|a| a.kind == kind && a.name == name && (ns.is_empty() || a.namespace == ns));
            if taken {
                applied.next();
            }
            !taken
        })
        .collect();
    let paired = report.errors.iter().rev().zip(refused.iter().rev());
    let mut out = Vec::new();
    for (error, object) in paired {
        let Some((subject, causes)) = error.split_once(" is invalid: ") else { continue };
        // `...Deployment.apps "web"`: the kind (before any group) and the quoted name.
        let Some((kind, name)) = subject.rsplit_once(' ').map(|(head, name)| (head.rsplit(' ').next().unwrap_or(head), name.trim_matches('"'))) else { continue };
        let kind = kind.split('.').next().unwrap_or(kind);
        if object.object.kind().name() != kind || object.object.name() != name {
            continue;
        }
        // The object's document: the last one that starts at or before the object's line.
        let Some(doc) = docs.iter().rev().find(|d| d.start.line <= object.line) else { continue };
        let field = |f: &str| doc.value.pointer(f).and_then(|v| v.as_str()).map(str::to_string);
        if field("/kind").as_deref() != Some(kind) || field("/metadata/name").as_deref() != Some(name) {
            continue;
        }
        for (path, message) in field_causes(causes.trim_start_matches('[').trim_end_matches(']')) {
            // A key's line is where a mapping or list value is introduced, so it comes first.
            if let Some(pos) = doc.spans.keys.get(path).copied().or_else(|| doc.spans.locate(path)) {
                out.push(Diagnostic { line: pos.line, severity: Severity::Error, message: format!("{path}: {message}") });
            }
        }
    }
    kubeplay_sim::sorting::sort_by_key(&mut out, |d| d.line);
    out
}

/// The `path: message` causes of an Invalid refusal (`a.b: Required value, c[0].d: Invalid
/// value: ...`), found where a field path and a colon follow the start or a `, `.
fn field_causes(causes: &str) -> Vec<(&str, &str)> {
    let is_path = |p: &str| p.starts_with(|c: char| c.is_ascii_alphabetic()) && p.chars().all(|c| c.is_ascii_alphanumeric() || ".[]".contains(c));
    let mut starts: Vec<usize> = Vec::new();
    for (at, _) in std::iter::once((0, "")).chain(causes.match_indices(", ").map(|(i, m)| (i + m.len(), m))) {
        if let Some(colon) = causes[at..].find(": ") {
            if is_path(&causes[at..at + colon]) {
                starts.push(at);
            }
        }
    }
    starts.iter().enumerate().map(|(i, &at)| {
        let end = starts.get(i + 1).map_or(causes.len(), |&next| next - 2);
        let cause = &causes[at..end];
        let colon = cause.find(": ").unwrap_or(cause.len());
        (&cause[..colon], cause.get(colon + 2..).unwrap_or(""))
    }).collect()
}

/// The byte offset of a UTF-16 offset (what a textarea reports) in `text`.
pub fn to_byte(text: &str, utf16: u32) -> usize {
    let mut units = 0u32;
    for (i, c) in text.char_indices() {
        if units >= utf16 {
            return i;
        }
        units += c.len_utf16() as u32;
    }
    text.len()
}

/// The UTF-16 offset (what a textarea takes) of a byte offset in `text`.
pub fn to_utf16(text: &str, byte: usize) -> u32 {
    text[..byte.min(text.len())].chars().map(|c| c.len_utf16() as u32).sum()
}

/// A field name the editor offers at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The field's name.
    pub name: &'static str,
    /// Its type as `kubectl explain` prints it (`string`, `[]Container` ...).
    pub ty: String,
    /// What it means.
    pub description: &'static str,
    /// What follows the name when it is chosen: `": "` for a value, a new indented line
    /// for an object, a list dash for a list.
    pub opens: Opens,
}

/// What kind of value a completed field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opens {
    /// A scalar on the same line.
    Value,
    /// A mapping on the next lines.
    Mapping,
    /// A list on the next lines.
    List,
}

/// The fields of the modelled schema that fit where the cursor is: under its mapping's
/// path in the document's kind, starting with what was typed (ignoring case), and not
/// already present beside it. Without a known `kind:` the top level offers the fields
/// every object has.
pub fn suggestions(ctx: &KeyContext) -> Vec<Suggestion> {
    use kubeplay_sim::api::schema::{self, Ty};
    use kubeplay_sim::api::Kind;
    let kind = ctx.kind.as_deref().and_then(Kind::from_kind_name);
    let path: Vec<&str> = ctx.path.iter().map(String::as_str).collect();
    let fields = match kind {
        Some(k) => schema::children(k, &path),
        // Any kind's top level: apiVersion, kind, metadata (and, under metadata, its fields).
        None => schema::children(Kind::ConfigMap, &path).into_iter().filter(|f| ["apiVersion", "kind", "metadata"].contains(&f.name) || !path.is_empty()).collect(),
    };
    let prefix = ctx.prefix.to_ascii_lowercase();
    fields
        .into_iter()
        .filter(|f| f.name.to_ascii_lowercase().starts_with(&prefix) && !ctx.siblings.iter().any(|s| s == f.name))
        .map(|f| Suggestion {
            name: f.name,
            ty: f.ty.name(),
            description: f.description,
            opens: match f.ty {
                Ty::List(inner) if inner.object().is_some() => Opens::List,
                Ty::Object(t) if !t.fields.is_empty() => Opens::Mapping,
                Ty::Map(_) => Opens::Mapping,
                _ => Opens::Value,
            },
        })
        .collect()
}

/// Puts a chosen suggestion in place of the typed part of the key at `ctx`, with what its
/// value needs after it; the caret goes where the value is written.
pub fn complete(text: &str, ctx: &KeyContext, cursor: usize, s: &Suggestion) -> Edit {
    let cursor = cursor.min(text.len()).max(ctx.key_start);
    let line = &text[line_start(text, ctx.key_start)..ctx.key_start];
    let column = line.len();
    let insert = match s.opens {
        Opens::Value => format!("{}: ", s.name),
        Opens::Mapping => format!("{}:\n{}", s.name, " ".repeat(column + INDENT)),
        Opens::List => format!("{}:\n{}- ", s.name, " ".repeat(column)),
    };
    let mut out = String::with_capacity(text.len() + insert.len());
    out.push_str(&text[..ctx.key_start]);
    out.push_str(&insert);
    out.push_str(&text[cursor..]);
    let caret = ctx.key_start + insert.len();
    Edit { text: out, start: caret, end: caret }
}
