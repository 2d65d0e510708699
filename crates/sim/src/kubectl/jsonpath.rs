//! kubectl's `-o jsonpath=TEMPLATE` and `-o custom-columns=SPEC` printers, after
//! k8s.io/client-go/util/jsonpath as kubectl 1.28 uses it: the same grammar
//! (`{.a.b}`, `[i]`, `[s:e:step]`, `[*]`, `[?(@.x=="y")]`, `..`, `.*`, unions,
//! `{range}`…`{end}`, quoted literals), the same output (several results joined by
//! a space, strings raw, maps and lists as compact JSON, missing keys print
//! nothing) and the same error messages.
//!
//! The parser and evaluator follow client-go's structure closely, including its
//! quirks (`[]` is `[0]`; an out-of-range index is an error even when missing keys
//! are allowed), but never recurse without bound: nesting and result counts are
//! capped so that any input ends in output or an error.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

use super::{tabwriter, CommandOutput};

/// How deeply filters, unions and ranges may nest before the template is refused.
const MAX_NESTING: usize = 64;
/// How many values one evaluation may produce before it is abandoned.
const MAX_RESULTS: usize = 2_000_000;
/// The most text one evaluation may print.
const MAX_OUTPUT: usize = 64 << 20;

/// One node of a parsed template, as client-go's parser builds them.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    /// Literal text: outside braces, or a quoted string inside them.
    Text(String),
    /// `{...}`: the nodes of one action, applied in turn.
    List(Vec<Node>),
    /// `.name`: a map key.
    Field(String),
    /// `.*`: every value of a map or list.
    Wildcard,
    /// `..`: a value and everything below it.
    Recursive,
    /// `[start:end:step]`, `[i]`, `[*]`.
    Array([Param; 3]),
    /// `[a, b]`: each alternative applied to the same input.
    Union(Vec<Vec<Node>>),
    /// `[?(left op right)]`, or `[?(left)]` (the operator is then "exists").
    Filter { left: Vec<Node>, right: Vec<Node>, op: String },
    /// An integer literal.
    Int(i64),
    /// A floating-point literal.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `range`, `end` (anything else fails when evaluated).
    Identifier(String),
}

/// One bound of a slice: its value, whether it was given, and whether it was
/// derived from the start (`[i]` is `[i:i+1]`).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

/// A parsed jsonpath template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

/// Parses a template as client-go's `jsonpath.Parse` does, with its error messages.
pub fn parse(text: &str) -> Result<Template, String> {
    parse_nodes(text, 0).map(|nodes| Template { nodes })
}

fn parse_nodes(text: &str, depth: usize) -> Result<Vec<Node>, String> {
    if depth > MAX_NESTING {
        return Err("jsonpath template nests too deeply".into());
    }
    let mut p = Parser { input: text, pos: 0, start: 0, width: 0, depth };
    let mut root = Vec::new();
    loop {
        let Some(brace) = p.rest().find('{') else {
            p.pos = p.input.len();
            p.push_text(&mut root);
            return Ok(root);
        };
        p.pos += brace;
        p.push_text(&mut root);
        p.pos += 1;
        p.consume();
        let mut action = Vec::new();
        p.parse_action(&mut action)?;
        root.push(Node::List(action));
    }
}

/// client-go's parser state: a byte position, the start of the pending token and
/// the width of the last character read (for `backup`).
struct Parser<'s> {
    input: &'s str,
    pos: usize,
    start: usize,
    width: usize,
    depth: usize,
}

impl<'s> Parser<'s> {
    fn rest(&self) -> &'s str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn next(&mut self) -> Option<char> {
        let c = self.rest().chars().next();
        self.width = c.map_or(0, char::len_utf8);
        self.pos += self.width;
        c
    }

    fn backup(&mut self) {
        self.pos -= self.width;
        self.width = 0;
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn consume(&mut self) -> &'s str {
        let text = self.input.get(self.start..self.pos).unwrap_or("");
        self.start = self.pos;
        text
    }

    /// The byte two before the position: what precedes a just-read quote.
    fn escaped(&self) -> bool {
        self.pos.checked_sub(2).and_then(|i| self.input.as_bytes().get(i)) == Some(&b'\\')
    }

    fn push_text(&mut self, nodes: &mut Vec<Node>) {
        if self.pos > self.start {
            nodes.push(Node::Text(self.consume().to_string()));
        }
    }

    /// Parses `{text}` in a parser of its own and returns the nodes of its first action.
    fn sub_action(&self, text: &str) -> Result<Vec<Node>, String> {
        let mut nodes = parse_nodes(&format!("{{{text}}}"), self.depth + 1)?;
        match nodes.first_mut() {
            Some(Node::List(list)) => Ok(std::mem::take(list)),
            _ => Ok(Vec::new()),
        }
    }

    /// Everything up to and including the closing `}` of an action.
    fn parse_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            let rest = self.rest();
            if rest.starts_with('}') {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if rest.starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if rest.starts_with("..") {
                self.parse_recursive(cur)?;
                continue;
            }
            match self.next() {
                None | Some('\r' | '\n') => return Err("unclosed action".into()),
                Some(' ' | '@' | '$') => {
                    self.consume();
                }
                Some('[') => self.parse_array(cur)?,
                Some(q @ ('"' | '\'')) => self.parse_quote(cur, q)?,
                Some('.') => self.parse_field(cur),
                Some(c) if c == '+' || c == '-' || c.is_numeric() => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                Some(c) => return Err(format!("unrecognized character in action: {}", go_sharp_u(c))),
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        while !is_terminator(self.next()) {}
        self.backup();
        let value = self.consume();
        cur.push(match value {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            _ => Node::Identifier(value.to_string()),
        });
    }

    fn parse_recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if cur.last() == Some(&Node::Recursive) {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume();
        cur.push(Node::Recursive);
        if self.peek().is_some_and(is_alphanumeric) {
            self.parse_field(cur);
        }
        Ok(())
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        while matches!(self.next(), Some(c) if c == '.' || c.is_numeric()) {}
        self.backup();
        let value = self.consume();
        if let Ok(i) = value.parse::<i64>() {
            cur.push(Node::Int(i));
        } else if let Some(f) = value.parse::<f64>().ok().filter(|f| f.is_finite()) {
            cur.push(Node::Float(f));
        } else {
            return Err(format!("cannot parse number {value}"));
        }
        Ok(())
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                Some(_) => {}
            }
        }
        let text = self.consume();
        let text = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        let text = if text == "*" { ":" } else { text };
        if text.contains(',') {
            let union = text.split(',').map(|alt| self.sub_action(&format!("[{}]", alt.trim_matches(' ')))).collect::<Result<_, _>>()?;
            cur.push(Node::Union(union));
        } else if let Some(key) = dict_key(text) {
            cur.extend(self.sub_action(&format!(".{key}"))?);
        } else {
            cur.push(Node::Array(slice_params(text)?));
        }
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume();
        let (mut begin, mut end, mut pair) = (false, false, '"');
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(q @ ('"' | '\'')) if !begin => {
                    begin = true;
                    pair = q;
                }
                Some(q @ ('"' | '\'')) => end |= q == pair && !self.escaped(),
                Some(')') if begin == end => break,
                Some(_) => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume();
        let text = text.get(..text.len().saturating_sub(2)).unwrap_or("");
        let node = match split_filter(text) {
            Some((left, op, right)) => Node::Filter { left: self.sub_action(left)?, right: self.sub_action(right)?, op: op.into() },
            None => Node::Filter { left: self.sub_action(text)?, right: Vec::new(), op: "exists".into() },
        };
        cur.push(node);
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some(c) if c == end && !self.escaped() => break,
                Some(_) => {}
            }
        }
        let value = self.consume();
        let text = unquote(value).map_err(|e| format!("unquote string {value} error {e}"))?;
        cur.push(Node::Text(text));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) {
        self.consume();
        loop {
            match self.next() {
                Some('\\') => {
                    self.next();
                }
                c if is_terminator(c) => {
                    self.backup();
                    break;
                }
                _ => {}
            }
        }
        let value = self.consume();
        cur.push(if value == "*" { Node::Wildcard } else { Node::Field(value.replace('\\', "")) });
    }
}

/// Characters that end a field name or identifier (`None` is the end of input).
fn is_terminator(c: Option<char>) -> bool {
    matches!(c, None | Some(' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'))
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// `'key'` in brackets: a quoted key without quotes inside.
fn dict_key(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.contains('\'')).then_some(inner)
}

/// Splits a filter as client-go's `^([^!<>=]+)([!<>=]+)(.+?)$` does.
fn split_filter(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let op_start = text.find(is_op).filter(|&i| i > 0)?;
    let mut op_end = text[op_start..].find(|c| !is_op(c)).map_or(text.len(), |n| op_start + n);
    if op_end == text.len() {
        op_end -= 1;
    }
    (op_end > op_start).then(|| (&text[..op_start], &text[op_start..op_end], &text[op_end..]))
}

/// The bounds of `[start:end:step]`, as client-go's `^(-?\d*)(:-?\d*)?(:-?\d*)?$` reads them.
fn slice_params(text: &str) -> Result<[Param; 3], String> {
    let invalid = || format!("invalid array index {text}");
    let signed_digits = |s: &str| {
        let sign = usize::from(s.starts_with('-'));
        sign + s[sign..].bytes().take_while(u8::is_ascii_digit).count()
    };
    let mut groups = [None; 3];
    let first = signed_digits(text);
    groups[0] = Some(&text[..first]);
    let mut rest = &text[first..];
    for group in groups.iter_mut().skip(1) {
        if let Some(after) = rest.strip_prefix(':') {
            let len = signed_digits(after);
            *group = Some(&after[..len]);
            rest = &after[len..];
        }
    }
    if !rest.is_empty() {
        return Err(invalid());
    }
    let mut params = [Param::default(); 3];
    for (i, group) in groups.iter().enumerate() {
        match group {
            Some(digits) if !digits.is_empty() => {
                params[i].known = true;
                params[i].value = digits.parse().map_err(|_| format!("array index {digits} is not a number"))?;
            }
            None if i == 1 => params[1] = Param { value: params[0].value.wrapping_add(1), known: true, derived: true },
            _ => {}
        }
    }
    Ok(params)
}

/// Go's `strconv.Unquote`, accepting single quotes as well (client-go's `UnquoteExtend`).
fn unquote(s: &str) -> Result<String, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    let quote = match s.as_bytes() {
        [q @ (b'"' | b'\''), .., last] if q == last => *q,
        _ => return Err(SYNTAX),
    };
    let inner = &s[1..s.len() - 1];
    if !inner.contains('\\') && !inner.contains(char::from(quote)) {
        return Ok(inner.to_string());
    }
    let mut out = String::new();
    let mut rest = inner;
    while let Some(c) = rest.chars().next() {
        if c == char::from(quote) {
            return Err(SYNTAX);
        }
        if c != '\\' {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let (ch, used) = unescape(&rest[1..], quote).ok_or(SYNTAX)?;
        out.push(ch);
        rest = &rest[1 + used..];
    }
    Ok(out)
}

/// One escape after a backslash: the character and how many bytes it used.
fn unescape(s: &str, quote: u8) -> Option<(char, usize)> {
    let c = *s.as_bytes().first()?;
    let hex = |n: usize| -> Option<u32> {
        let digits = s.get(1..1 + n)?;
        digits.bytes().all(|b| b.is_ascii_hexdigit()).then(|| u32::from_str_radix(digits, 16).ok())?
    };
    Some(match c {
        b'a' => ('\u{7}', 1),
        b'b' => ('\u{8}', 1),
        b'f' => ('\u{c}', 1),
        b'n' => ('\n', 1),
        b'r' => ('\r', 1),
        b't' => ('\t', 1),
        b'v' => ('\u{b}', 1),
        b'\\' => ('\\', 1),
        b'\'' | b'"' if c == quote => (char::from(c), 1),
        b'x' => (char::from_u32(hex(2)?)?, 3),
        b'u' => (char::from_u32(hex(4)?)?, 5),
        b'U' => (char::from_u32(hex(8)?)?, 9),
        b'0'..=b'7' => {
            let digits = s.get(..3)?;
            let v = digits.bytes().all(|b| (b'0'..=b'7').contains(&b)).then(|| u32::from_str_radix(digits, 8).ok())??;
            (char::from_u32(v).filter(|_| v <= 255)?, 3)
        }
        _ => return None,
    })
}

/// A value met while evaluating: borrowed from the data, or made by the template.
type Val<'a> = Cow<'a, Value>;

/// An evaluation error, with the values client-go returns alongside it (an
/// "exists" filter counts those).
struct Fail<'a> {
    msg: String,
    partial: Vec<Val<'a>>,
}

fn fail<'a>(msg: impl Into<String>, partial: Vec<Val<'a>>) -> Fail<'a> {
    Fail { msg: msg.into(), partial }
}

type Walk<'a> = Result<Vec<Val<'a>>, Fail<'a>>;

/// client-go's `JSONPath` during one execution: range bookkeeping and budgets.
struct Exec<'t> {
    nodes: &'t [Node],
    allow_missing: bool,
    begin_range: usize,
    in_range: usize,
    end_range: usize,
    last_end: Option<usize>,
    spent: usize,
}

impl Template {
    /// Applies the template to `data` and prints the results as client-go's
    /// `Execute` does. With `allow_missing_keys` (as `kubectl get` sets it) a
    /// missing key yields nothing instead of `KEY is not found`.
    pub fn execute(&self, data: &Value, allow_missing_keys: bool) -> Result<String, String> {
        let mut out = String::new();
        for group in self.find(data, allow_missing_keys)? {
            for (i, v) in group.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&text_of(v));
                if out.len() > MAX_OUTPUT {
                    return Err("the template prints too much".into());
                }
            }
        }
        Ok(out)
    }

    /// Applies the template as `-o jsonpath-as-json` does: each top-level node's results
    /// as one JSON array, indented by four spaces (Go's json.MarshalIndent), then a line
    /// break.
    pub fn execute_as_json(&self, data: &Value, allow_missing_keys: bool) -> Result<String, String> {
        let mut out = String::new();
        for group in self.find(data, allow_missing_keys)? {
            let array = Value::Array(group.into_iter().map(|v| v.into_owned()).collect());
            // Go escapes these three in strings, the only place JSON text can hold them.
            out.push_str(&super::json_text(&array).replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"));
            out.push('\n');
            if out.len() > MAX_OUTPUT {
                return Err("the template prints too much".into());
            }
        }
        Ok(out)
    }

    /// The first value the template finds in `data` (missing keys find nothing), for `--sort-by`.
    pub fn first_value(&self, data: &Value) -> Option<Value> {
        let data = as_decoded(data);
        let groups = self.find(&data, true).ok()?;
        groups.into_iter().flatten().next().map(|v| v.into_owned())
    }

    /// Every value the template finds, by top-level node (missing keys find nothing), for
    /// `kubectl wait --for=jsonpath=`, which refuses more than one.
    pub fn values(&self, data: &Value) -> Result<Vec<Vec<Value>>, String> {
        let data = as_decoded(data);
        Ok(self.find(&data, true)?.into_iter().map(|g| g.into_iter().map(|v| v.into_owned()).collect()).collect())
    }

    /// The results of each top-level node, as client-go's `FindResults`.
    fn find<'a>(&self, data: &'a Value, allow_missing: bool) -> Result<Vec<Vec<Val<'a>>>, String> {
        let mut exec = Exec { nodes: &self.nodes, allow_missing, begin_range: 0, in_range: 0, end_range: 0, last_end: None, spent: 0 };
        exec.find_results(0, Cow::Borrowed(data), 0)
    }
}

impl<'t> Exec<'t> {
    fn find_results<'a>(&mut self, from: usize, data: Val<'a>, depth: usize) -> Result<Vec<Vec<Val<'a>>>, String> {
        let nodes = self.nodes;
        let mut full = Vec::new();
        let mut i = from;
        while let Some(node) = nodes.get(i) {
            let results = self.walk(vec![data.clone()], node).map_err(|f| f.msg)?;
            if self.end_range > 0 && self.end_range <= self.in_range {
                self.end_range -= 1;
                self.last_end = Some(i);
                break;
            }
            if self.begin_range > 0 {
                if depth >= MAX_NESTING {
                    return Err("ranges nest too deeply".into());
                }
                self.begin_range -= 1;
                self.in_range += 1;
                if results.is_empty() {
                    // Walks the body once, without output, to find its end.
                    self.find_results(i + 1, Cow::Owned(Value::Null), depth + 1)?;
                }
                for value in results {
                    full.extend(self.find_results(i + 1, value, depth + 1)?);
                }
                self.in_range -= 1;
                if let Some(end) = self.last_end.filter(|&e| e > i) {
                    i = end;
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn charge<'a>(&mut self, n: usize) -> Result<(), Fail<'a>> {
        self.spent += n;
        if self.spent > MAX_RESULTS {
            return Err(fail("the template produces too many results", Vec::new()));
        }
        Ok(())
    }

    fn walk<'a>(&mut self, input: Vec<Val<'a>>, node: &Node) -> Walk<'a> {
        let results = match node {
            Node::List(nodes) => self.eval_list(input, nodes)?,
            Node::Text(text) => vec![Cow::Owned(Value::String(text.clone()))],
            Node::Field(name) => self.eval_field(input, name)?,
            Node::Array(params) => self.eval_array(input, params)?,
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op)?,
            Node::Int(i) => vec![Cow::Owned(Value::from(*i)); input.len()],
            Node::Float(f) => vec![Cow::Owned(Value::from(*f)); input.len()],
            Node::Bool(b) => vec![Cow::Owned(Value::Bool(*b)); input.len()],
            Node::Wildcard => self.eval_wildcard(input)?,
            Node::Recursive => self.eval_recursive(input)?,
            Node::Union(alternatives) => self.eval_union(input, alternatives)?,
            Node::Identifier(name) => self.eval_identifier(input, name)?,
        };
        self.charge(results.len())?;
        Ok(results)
    }

    fn eval_list<'a>(&mut self, input: Vec<Val<'a>>, nodes: &[Node]) -> Walk<'a> {
        nodes.iter().try_fold(input, |cur, node| self.walk(cur, node))
    }

    fn eval_identifier<'a>(&mut self, input: Vec<Val<'a>>, name: &str) -> Walk<'a> {
        match name {
            "range" => {
                self.begin_range += 1;
                Ok(input)
            }
            "end" if self.in_range > 0 => {
                self.end_range += 1;
                Ok(Vec::new())
            }
            "end" => Err(fail("not in range, nothing to end", Vec::new())),
            _ => Err(fail(format!("unrecognized identifier {name}"), input)),
        }
    }

    fn eval_field<'a>(&mut self, input: Vec<Val<'a>>, name: &str) -> Walk<'a> {
        if input.is_empty() {
            return Ok(input);
        }
        let results: Vec<Val<'a>> = input.iter().filter_map(|v| field(v, name)).collect();
        if results.is_empty() && !self.allow_missing {
            return Err(fail(format!("{name} is not found"), results));
        }
        Ok(results)
    }

    fn eval_union<'a>(&mut self, input: Vec<Val<'a>>, alternatives: &[Vec<Node>]) -> Walk<'a> {
        let mut results = Vec::new();
        for nodes in alternatives {
            match self.eval_list(input.clone(), nodes) {
                Ok(found) => {
                    self.charge(found.len())?;
                    results.extend(found);
                }
                Err(f) => return Err(fail(f.msg, input)),
            }
        }
        Ok(results)
    }

    fn eval_wildcard<'a>(&mut self, input: Vec<Val<'a>>) -> Walk<'a> {
        let mut results = Vec::new();
        for value in input.iter().filter(|v| !v.is_null()) {
            let below = children(value);
            self.charge(below.len())?;
            results.extend(below);
        }
        Ok(results)
    }

    fn eval_recursive<'a>(&mut self, input: Vec<Val<'a>>) -> Walk<'a> {
        let mut results = Vec::new();
        for value in input {
            let below = children(&value);
            if !below.is_empty() {
                self.charge(below.len())?;
                results.push(value);
                results.extend(self.eval_recursive(below)?);
            }
        }
        Ok(results)
    }

    fn eval_filter<'a>(&mut self, input: Vec<Val<'a>>, left: &[Node], right: &[Node], op: &str) -> Walk<'a> {
        let mut results = Vec::new();
        for value in &input {
            let Some(len) = value.as_array().map(Vec::len) else {
                return Err(fail(format!("{} is not array or slice and cannot be filtered", go_sprint(value)), input.clone()));
            };
            for i in 0..len {
                let item: Vec<Val<'a>> = index(value, i).into_iter().collect();
                let lefts = self.eval_list(item.clone(), left);
                if op == "exists" {
                    // client-go counts what a failing left side returned as found.
                    let found = match lefts {
                        Ok(values) => !values.is_empty(),
                        Err(f) => !f.partial.is_empty(),
                    };
                    if found {
                        results.extend(item);
                    }
                    continue;
                }
                let Some(l) = self.single(lefts, &input)? else { continue };
                let rights = self.eval_list(item.clone(), right);
                let Some(r) = self.single(rights, &input)? else { continue };
                if compare(op, &l, &r).map_err(|e| fail(e, results.clone()))? {
                    results.extend(item);
                }
            }
        }
        Ok(results)
    }

    fn eval_array<'a>(&mut self, input: Vec<Val<'a>>, params: &[Param; 3]) -> Walk<'a> {
        let mut results = Vec::new();
        for value in &input {
            if value.is_null() {
                continue;
            }
            let Some(len) = value.as_array().map(Vec::len) else {
                return Err(fail(format!("{} is not array or slice", go_type(value)), input.clone()));
            };
            let (start, end) = match slice_bounds(params, len) {
                Ok(Some(bounds)) => bounds,
                Ok(None) => return Ok(results),
                Err(e) => return Err(fail(e, input.clone())),
            };
            let step = match params[2] {
                Param { known: true, value, .. } if value <= 0 => return Err(fail("step must be > 0", input.clone())),
                Param { known: true, value, .. } => usize::try_from(value).unwrap_or(usize::MAX),
                _ => 1,
            };
            self.charge((end - start).div_ceil(step))?;
            results.extend((start..end).step_by(step).filter_map(|i| index(value, i)));
        }
        Ok(results)
    }

    /// The one value a side of a comparison yields (`None`: no value, skip the item).
    fn single<'a>(&self, side: Walk<'a>, input: &[Val<'a>]) -> Result<Option<Val<'a>>, Fail<'a>> {
        let mut values = side.map_err(|f| fail(f.msg, input.to_vec()))?;
        match values.len() {
            0 => Ok(None),
            1 => Ok(values.pop()),
            _ => Err(fail("can only compare one element at a time", input.to_vec())),
        }
    }
}

/// The checked `start..end` of a slice of `len` items; `None` when it selects nothing.
fn slice_bounds(params: &[Param; 3], len: usize) -> Result<Option<(usize, usize)>, String> {
    let n = i64::try_from(len).unwrap_or(i64::MAX);
    let mut start = if params[0].known { params[0].value } else { 0 };
    if start < 0 {
        start = start.wrapping_add(n);
    }
    let mut end = if params[1].known { params[1].value } else { n };
    if end < 0 || (end == 0 && params[1].derived) {
        end = end.wrapping_add(n);
    }
    if end == start {
        return Ok(None);
    }
    if start >= n || start < 0 {
        return Err(format!("array index out of bounds: index {start}, length {len}"));
    }
    if end > n || end < 0 {
        return Err(format!("array index out of bounds: index {}, length {len}", end.wrapping_sub(1)));
    }
    if start > end {
        return Err(format!("starting index {start} is greater than ending index {end}"));
    }
    Ok(Some((start as usize, end as usize)))
}

fn field<'a>(v: &Val<'a>, name: &str) -> Option<Val<'a>> {
    match v {
        Cow::Borrowed(b) => {
            let b: &'a Value = b;
            b.as_object()?.get(name).map(Cow::Borrowed)
        }
        Cow::Owned(o) => o.as_object()?.get(name).cloned().map(Cow::Owned),
    }
}

fn index<'a>(v: &Val<'a>, i: usize) -> Option<Val<'a>> {
    match v {
        Cow::Borrowed(b) => {
            let b: &'a Value = b;
            b.as_array()?.get(i).map(Cow::Borrowed)
        }
        Cow::Owned(o) => o.as_array()?.get(i).cloned().map(Cow::Owned),
    }
}

/// What `.*` and `..` step into: map values, list items, a string's bytes.
fn children<'a>(v: &Val<'a>) -> Vec<Val<'a>> {
    let bytes = |s: &str| s.bytes().map(|b| Cow::Owned(Value::from(b))).collect();
    match v {
        Cow::Borrowed(b) => {
            let b: &'a Value = b;
            match b {
                Value::Object(m) => m.values().map(Cow::Borrowed).collect(),
                Value::Array(a) => a.iter().map(Cow::Borrowed).collect(),
                Value::String(s) => bytes(s),
                _ => Vec::new(),
            }
        }
        Cow::Owned(o) => match o {
            Value::Object(m) => m.values().cloned().map(Cow::Owned).collect(),
            Value::Array(a) => a.iter().cloned().map(Cow::Owned).collect(),
            Value::String(s) => bytes(s),
            _ => Vec::new(),
        },
    }
}

/// A value as Go's text/template comparisons see it.
#[derive(PartialEq, PartialOrd)]
enum Basic<'v> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'v str),
}

fn basic(v: &Value) -> Result<Basic<'_>, String> {
    match v {
        Value::Bool(b) => Ok(Basic::Bool(*b)),
        Value::Number(n) => Ok(n.as_i64().map_or_else(|| Basic::Float(n.as_f64().unwrap_or(f64::NAN)), Basic::Int)),
        Value::String(s) => Ok(Basic::Str(s)),
        _ => Err("invalid type for comparison".into()),
    }
}

/// A filter's comparison, with text/template's `eq`, `lt`… rules: both sides of
/// one basic kind, booleans only for equality.
fn compare(op: &str, left: &Value, right: &Value) -> Result<bool, String> {
    if !matches!(op, "<" | ">" | "==" | "!=" | "<=" | ">=") {
        return Err(format!("unrecognized filter operator {op}"));
    }
    let (l, r) = (basic(left)?, basic(right)?);
    if std::mem::discriminant(&l) != std::mem::discriminant(&r) {
        return Err("incompatible types for comparison".into());
    }
    if matches!(l, Basic::Bool(_)) && !matches!(op, "==" | "!=") {
        return Err("invalid type for comparison".into());
    }
    Ok(match op {
        "==" => l == r,
        "!=" => l != r,
        "<" => l < r,
        ">" => l > r,
        "<=" => l <= r,
        _ => l >= r,
    })
}

/// One result as client-go prints it: maps and lists as JSON, the rest with `fmt.Print`.
fn text_of(v: &Value) -> String {
    match v {
        Value::Object(_) | Value::Array(_) => {
            let mut out = String::new();
            go_json(v, &mut out);
            out
        }
        _ => go_sprint(v),
    }
}

/// Go's `fmt.Sprint` of a decoded JSON value: `map[k:v]`, `[a b]`, `<nil>`.
pub(crate) fn go_sprint(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number(n),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(go_sprint).collect::<Vec<_>>().join(" ")),
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
            let entries: Vec<String> = entries.iter().map(|(k, v)| format!("{k}:{}", go_sprint(v))).collect();
            format!("map[{}]", entries.join(" "))
        }
    }
}

/// Go's `%#v` of a decoded JSON value, as kubectl dumps the object a template failed on.
pub(crate) fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::String(s) => go_quote(s),
        Value::Array(items) => format!("[]interface {{}}{{{}}}", items.iter().map(go_sharp_v).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
            let entries: Vec<String> = entries.iter().map(|(k, v)| format!("{}:{}", go_quote(k), go_sharp_v(v))).collect();
            format!("map[string]interface {{}}{{{}}}", entries.join(", "))
        }
        _ => go_sprint(v),
    }
}

/// Go's name for a decoded JSON value's type, as in "string is not array or slice".
pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

fn go_number(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_u64(), n.as_f64()) {
        (Some(i), _, _) => i.to_string(),
        (_, Some(u), _) => u.to_string(),
        (_, _, Some(f)) => go_float(f),
        _ => n.to_string(),
    }
}

/// Go's `%v` of a float64: `%g` with the shortest digits (exponent from 1e+06, below 1e-04).
pub(crate) fn go_float(f: f64) -> String {
    if !f.is_finite() {
        return if f.is_nan() { "NaN" } else if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let (mantissa, exp) = split_exponent(f);
    if f != 0.0 && !(-4..6).contains(&exp) {
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
    } else {
        format!("{f}")
    }
}

/// Go's encoding/json form of a float64 (exponent below 1e-6 and from 1e21).
fn go_json_float(f: f64) -> String {
    let a = f.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let (mantissa, exp) = split_exponent(f);
        let width = if exp < 0 { 1 } else { 2 };
        format!("{mantissa}e{}{:0width$}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
    } else {
        format!("{f}")
    }
}

/// The shortest digits of `f` as `mantissa` and decimal exponent (`1.5`, 6 for 1.5e6).
fn split_exponent(f: f64) -> (String, i32) {
    let sci = format!("{f:e}");
    match sci.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse().unwrap_or(0)),
        None => (sci, 0),
    }
}

/// Go's `json.Marshal` of a decoded JSON value, as text (what kubectl writes into the
/// last-applied configuration, a docker config ...).
pub(crate) fn go_marshal(v: &Value) -> String {
    let mut out = String::new();
    go_json(v, &mut out);
    out
}

/// Go's `json.Marshal` of a decoded JSON value: compact, keys sorted, HTML-safe.
fn go_json(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.as_f64().filter(|_| n.is_f64()).map_or_else(|| n.to_string(), go_json_float)),
        Value::String(s) => go_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json_string(k, out);
                out.push(':');
                go_json(v, out);
            }
            out.push('}');
        }
    }
}

fn go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut q = String::from('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\u{7}' => q.push_str("\\a"),
            '\u{8}' => q.push_str("\\b"),
            '\u{c}' => q.push_str("\\f"),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            '\u{b}' => q.push_str("\\v"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(q, "\\x{:02x}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(q, "\\u{:04x}", u32::from(c));
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Go's `%#U`: `U+0027 '''`, without the character when it does not print.
pub(crate) fn go_sharp_u(c: char) -> String {
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("U+{:04X} '{c}'", u32::from(c))
    }
}

/// The data as kubectl's unstructured decoder hands it to jsonpath: whole numbers
/// are integers (the API server writes `2`, not `2.0`), larger ones floats.
pub(crate) fn as_decoded(v: &Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Value::from(f as i64),
            _ => v.clone(),
        },
        Value::Number(n) if n.as_i64().is_none() => n.as_f64().map_or_else(|| v.clone(), Value::from),
        Value::Array(items) => Value::Array(items.iter().map(as_decoded).collect()),
        Value::Object(map) => Value::Object(crate::sorting::object_of(map.iter().map(|(k, v)| (k.clone(), as_decoded(v))))),
        _ => v.clone(),
    }
}

/// Prints what `kubectl get` found (one object, or the `List` kubectl wraps several
/// in) with the `-o jsonpath=` or `-o custom-columns=` printer; a missing key prints
/// nothing unless `--allow-missing-template-keys=false` (in `f`). A printer that cannot
/// be built replaces `out` with its error, as kubectl reports only that.
pub fn print(output: &str, f: &super::Flags, found: &Value, out: &mut CommandOutput) {
    let (format, arg) = output.split_once('=').unwrap_or((output, ""));
    let data = as_decoded(found);
    if format == "custom-columns" {
        print_columns(arg, &data, f.has("--no-headers"), out);
    } else {
        print_template(arg, &data, f.bool_or("--allow-missing-template-keys", true), format == "jsonpath-as-json", out);
    }
}

fn print_template(template: &str, data: &Value, allow_missing_keys: bool, as_json: bool, out: &mut CommandOutput) {
    if template.is_empty() {
        *out = CommandOutput::err("error: template format specified but no template given\n".into(), 1);
        return;
    }
    let parsed = match parse(template) {
        Ok(t) => t,
        Err(e) => {
            *out = CommandOutput::err(format!("error: error parsing jsonpath {template}, {e}\n"), 1);
            return;
        }
    };
    let result = if as_json { parsed.execute_as_json(data, allow_missing_keys) } else { parsed.execute(data, allow_missing_keys) };
    match result {
        Ok(text) => out.stdout.push_str(&text),
        Err(e) => {
            out.stderr.push_str(&format!(
                "error: error executing jsonpath {}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{template}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n\n",
                go_quote(template),
                go_sharp_v(data)
            ));
            out.exit_code = 1;
        }
    }
}

/// One `HEADER:path` of a custom-columns spec, its path made a full template.
struct Column {
    header: String,
    template: String,
}

fn parse_columns(spec: &str) -> Result<Vec<Column>, String> {
    if spec.is_empty() {
        return Err("custom-columns format specified but no custom columns given".into());
    }
    spec.split(',')
        .map(|part| {
            let (header, path) = part.split_once(':').ok_or_else(|| format!("unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"))?;
            Ok(Column { header: header.into(), template: relaxed_path(path)? })
        })
        .collect()
}

/// kubectl's `RelaxedJSONPathExpression`: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all become `{.a.b}`.
fn relaxed_path(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Ok(String::new());
    }
    let field = |s: &str| {
        let s = s.strip_prefix('.').filter(|r| !r.is_empty()).unwrap_or(s);
        (!s.is_empty() && !s.contains(['{', '}'])).then(|| format!("{{.{s}}}"))
    };
    path.strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .and_then(field)
        .or_else(|| field(path))
        .ok_or_else(|| "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into())
}

fn print_columns(spec: &str, data: &Value, no_headers: bool, out: &mut CommandOutput) {
    let columns = match parse_columns(spec) {
        Ok(c) => c,
        Err(e) => {
            *out = CommandOutput::err(format!("error: {e}\n"), 1);
            return;
        }
    };
    let mut text = String::new();
    if !no_headers {
        text.push_str(&columns.iter().map(|c| c.header.as_str()).collect::<Vec<_>>().join("\t"));
        text.push('\n');
    }
    let result = columns.iter().map(|c| parse(&c.template)).collect::<Result<Vec<_>, _>>().and_then(|templates| column_rows(&templates, data, &mut text));
    out.stdout.push_str(&tabwriter::align(&text, 6, 3));
    if let Err(e) = result {
        out.fail(format!("error: {e}"));
    }
}

/// One row per object (the items of a list), its cells TAB-separated.
fn column_rows(templates: &[Template], data: &Value, text: &mut String) -> Result<(), String> {
    let objects: Vec<&Value> = match data.get("items").and_then(Value::as_array) {
        Some(items) => items.iter().collect(),
        None => vec![data],
    };
    for object in objects {
        let cells = templates.iter().map(|t| column_cell(t, object)).collect::<Result<Vec<_>, _>>()?;
        text.push_str(&cells.join("\t"));
        text.push('\n');
        if text.len() > MAX_OUTPUT {
            return Err("the columns print too much".into());
        }
    }
    Ok(())
}

/// A cell: every result with `fmt.Sprint`, joined by commas; `<none>` when there is none.
fn column_cell(template: &Template, object: &Value) -> Result<String, String> {
    let groups = template.find(object, true)?;
    let mut values = Vec::new();
    if groups.first().is_none_or(Vec::is_empty) {
        values.push("<none>".to_string());
    }
    values.extend(groups.iter().flatten().map(|v| go_sprint(v).replace('\u{1b}', "^[").replace('\r', "\\r")));
    Ok(values.join(","))
}

#[cfg(test)]
mod tests;
