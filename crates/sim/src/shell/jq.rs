//! A small `jq` for the playground's shell: the subset of jq that learners pipe
//! `kubectl get ... -o json` into (`.items[].metadata.name`, `select(...)`,
//! `{name: .metadata.name}`, `length`, `keys`, `map`, `join`, ...), printed as jq
//! prints it and failing with jq's own messages, line and column included.
//!
//! The reference is jq 1.6, output and messages checked byte for byte against it;
//! jq 1.7 words a few messages differently (`Cannot index array with "foo"`,
//! `unexpected end of file`, `jq: parse error: ...`). jq 1.6's semantics are kept
//! too: `a // b` lets errors in `a` through, and a `try` written `(...)?` or `f?`
//! also swallows errors raised by what consumes its results (`.a?`, `.[0]?` and
//! `.[]?` only skip what they cannot index).
//!
//! Self-contained, to keep the wasm bundle small: its own JSON value type and
//! reader, which keep object keys in input order as jq does (the workspace's
//! serde_json does not enable `preserve_order`).
//!
//! Supported: `.`, `..`, `.foo`, `."key"`, `.["key"]`, `.[N]` (negative too), `.[]`,
//! `?`, `|`, `,`, `//`, `==` `!=` `<` `<=` `>` `>=`, `and` `or`, `+ - * / %`,
//! unary `-`, `[...]`, `{...}` (bare-word, string, `(expr)` and shorthand keys),
//! literals, `"\(interpolation)"`, `@text @json @csv @tsv`, `#` comments, and the
//! builtins `length keys keys_unsorted to_entries first last first(f) tostring
//! tojson ascii_downcase ascii_upcase not empty type add sort unique sort_by(f)
//! select(f) map(f) has(k) join(s) test(s) startswith(s) endswith(s) split(s)`.
//! `test` is a plain substring match, not a regex: only a leading `^` and a
//! trailing `$` anchor are understood (and flags are ignored).
//!
//! Not supported: variables and `as`, `if`, `reduce`, `foreach`, `def`, `try`
//! (the keyword), `label`, slices `.[a:b]`, assignments (`=`, `|=`, `+=`, ...),
//! `?//` and the other `@formats` (a compile error says so), and the other
//! builtins (reported as jq reports an unknown function: `name/N is not defined`).
//! Where jq 1.6 reports several syntax errors (its parser recovers), only the
//! first is reported.

use std::cell::Cell;
use std::cmp::Ordering;

/// A JSON value; objects keep their keys in insertion order.
#[derive(Clone, Debug)]
enum V {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<V>),
    Obj(Vec<(String, V)>),
}
use V::*;

/// How deeply a filter may nest (brackets, operators, suffixes) before it is refused.
const MAX_DEPTH: usize = 64;
/// How deeply input JSON may nest (jq's own limit).
const MAX_JSON_DEPTH: usize = 256;
/// How many evaluation steps one run may take, so that any filter ends.
const MAX_STEPS: u64 = 20_000_000;
/// The most text one run may print, and the longest string it may build.
const MAX_OUTPUT: usize = 64 << 20;

thread_local!(static STEPS: Cell<u64> = const { Cell::new(0) });

/// Runs a jq filter over JSON text (one or more whitespace-separated JSON values) and returns
/// the output text, one result per line, as jq prints it (pretty, 2-space indent, like `jq`;
/// with `raw` (-r) strings print without quotes). Errors read like jq 1.6/1.7's own messages,
/// e.g. `jq: error: syntax error, unexpected ...` / `jq: error (at <stdin>:N): Cannot index array with "foo"`.
///
/// The wording is jq 1.6's (`Cannot index array with string "foo"`, `parse error: ...` for
/// input that is not JSON). Every line, in `Ok` and `Err` alike, ends with a newline. As in
/// jq, a runtime error ends only the input it happened on; the `Err` text is then what a
/// terminal would show: the results printed before and after the error, with the error
/// lines in between. Filters nesting over 64 levels, runs over 20 million steps and output
/// over 64 MiB are refused with an error, so that any input ends.
pub fn run(filter: &str, input: &str, raw: bool, compact: bool) -> Result<String, String> {
    let ast = parse(filter)?;
    STEPS.with(|s| s.set(0));
    let (mut text, mut failed, mut j) = (String::new(), false, J::new(input));
    while let Some(v) = j.next_value() {
        let v = v.map_err(|e| format!("{text}parse error: {e}\n"))?;
        // jq reads its input a line at a time: errors name the last line it read.
        let last = j.i.saturating_sub(1);
        let end = input.as_bytes()[last..].iter().position(|&c| c == b'\n').map_or(input.len(), |n| last + n + 1);
        let line = input.as_bytes()[..end].iter().filter(|&&c| c == b'\n').count();
        let r = eval(&ast, &v, &mut |x| {
            match x {
                Str(s) if raw => text.push_str(&s),
                x => dump(&x, (!compact).then_some(0), &mut text),
            }
            text.push('\n');
            if text.len() > MAX_OUTPUT { Err(Fail::Msg("output too large for the playground".into())) } else { Ok(()) }
        });
        if let Err(Fail::Msg(m)) = r {
            text += &format!("jq: error (at <stdin>:{line}): {m}\n");
            failed = true;
        }
    }
    if failed { Err(text) } else { Ok(text) }
}

// ---- JSON input ------------------------------------------------------------------------

/// An open array or object, or an object key waiting for its value.
enum Frame {
    Arr(Vec<V>),
    Obj(Vec<(String, V)>),
    Key(String),
}

/// jq 1.6's JSON reader (`jv_parse.c`): a state machine fed a byte at a time, so that bad
/// input fails with jq's message at jq's line and column.
struct J<'a> {
    s: &'a str,
    /// The next byte to read, and the position jq reports (the column counts bytes).
    i: usize,
    line: usize,
    col: usize,
    stack: Vec<Frame>,
    /// The value just completed, not yet placed.
    next: Option<V>,
    /// Where the literal (number, `true`, ...) being read starts.
    literal: Option<usize>,
    /// Where the string being read starts, and whether a `\` was just read in it.
    string: Option<usize>,
    escaped: bool,
}

impl<'a> J<'a> {
    fn new(s: &'a str) -> Self {
        J { s, i: 0, line: 1, col: 0, stack: Vec::new(), next: None, literal: None, string: None, escaped: false }
    }
    fn at(&self, msg: &str) -> String {
        format!("{msg} at line {}, column {}", self.line, self.col)
    }
    /// The next top-level value, an error, or `None` at the end of the input.
    fn next_value(&mut self) -> Option<Result<V, String>> {
        while let Some(&c) = self.s.as_bytes().get(self.i) {
            self.i += 1;
            (self.line, self.col) = if c == b'\n' { (self.line + 1, 0) } else { (self.line, self.col + 1) };
            match self.scan(c) {
                Err(e) => return Some(Err(self.at(e))),
                Ok(Some(v)) => return Some(Ok(v)),
                Ok(None) => {}
            }
        }
        let eof = if self.string.is_some() {
            "Unfinished string at EOF".to_string()
        } else if let Err(e) = self.end_literal(self.s.len()) {
            format!("{e} at EOF")
        } else if !self.stack.is_empty() {
            "Unfinished JSON term at EOF".to_string()
        } else {
            return self.next.take().map(Ok);
        };
        Some(Err(self.at(&eof)))
    }
    /// Reads byte `c`; a top-level value completed by it is handed out, unless `c` is an error
    /// (then jq drops it: `1,` prints nothing).
    fn scan(&mut self, c: u8) -> Result<Option<V>, &'static str> {
        if let Some(start) = self.string {
            match (self.escaped, c) {
                (false, b'"') => {
                    self.string = None;
                    let s = unquote(&self.s[start..self.i - 1])?;
                    self.value(Str(s))?;
                }
                (false, b'\\') => self.escaped = true,
                _ => self.escaped = false,
            }
            return Ok(self.done());
        }
        if !b" \t\r\n\"[]{}:,".contains(&c) {
            self.literal = self.literal.or(Some(self.i - 1));
            return Ok(None);
        }
        self.end_literal(self.i - 1)?;
        let out = self.done();
        match c {
            b'"' => self.string = Some(self.i),
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => self.token(c)?,
        }
        Ok(out.or_else(|| self.done()))
    }
    /// A value completed at the top level is ready to hand out.
    fn done(&mut self) -> Option<V> {
        if self.stack.is_empty() { self.next.take() } else { None }
    }
    fn value(&mut self, v: V) -> Result<(), &'static str> {
        if self.next.is_some() {
            return Err("Expected separator between values");
        }
        self.next = Some(v);
        Ok(())
    }
    /// Ends the literal being read (it ends before byte `end`), as jq's `check_literal`.
    fn end_literal(&mut self, end: usize) -> Result<(), &'static str> {
        let Some(start) = self.literal.take() else { return Ok(()) };
        let t = &self.s[start..end];
        let v = match t.as_bytes().first() {
            Some(b't' | b'f' | b'n') => match t {
                "true" | "false" => Bool(t == "true"),
                "null" => Null,
                _ => return Err("Invalid literal"),
            },
            _ => Num(t.parse().map_err(|_| "Invalid numeric literal")?),
        };
        self.value(v)
    }
    /// A structural character, as jq's `token`.
    fn token(&mut self, c: u8) -> Result<(), &'static str> {
        match c {
            b'[' | b'{' if self.stack.len() >= MAX_JSON_DEPTH => return Err("Exceeds depth limit for parsing"),
            b'[' | b'{' if self.next.is_some() => return Err("Expected separator between values"),
            b'[' => self.stack.push(Frame::Arr(Vec::new())),
            b'{' => self.stack.push(Frame::Obj(Vec::new())),
            b':' => match (self.stack.last(), self.next.take()) {
                (None, _) | (_, None) => return Err("Expected string key before ':'"),
                (Some(Frame::Obj(_)), Some(Str(k))) => self.stack.push(Frame::Key(k)),
                (Some(Frame::Obj(_)), _) => return Err("Object keys must be strings"),
                _ => return Err("':' not as part of an object"),
            },
            b',' => {
                let (Some(v), false) = (self.next.take(), self.stack.is_empty()) else {
                    return Err("Expected value before ','");
                };
                match self.stack.last_mut() {
                    Some(Frame::Arr(a)) => a.push(v),
                    Some(Frame::Key(_)) => self.set_key(v),
                    _ => return Err("Objects must consist of key:value pairs"),
                }
            }
            b']' => {
                let Some(Frame::Arr(a)) = self.stack.last_mut() else { return Err("Unmatched ']'") };
                match self.next.take() {
                    Some(v) => a.push(v),
                    None if !a.is_empty() => return Err("Expected another array element"),
                    None => {}
                }
                self.next = self.stack.pop().map(|f| if let Frame::Arr(a) = f { Arr(a) } else { Null });
            }
            _ => {
                match (self.next.take(), self.stack.last()) {
                    (Some(v), Some(Frame::Key(_))) => self.set_key(v),
                    (Some(_), Some(_)) => return Err("Objects must consist of key:value pairs"),
                    (None, Some(Frame::Obj(o))) if !o.is_empty() => return Err("Expected another key-value pair"),
                    (None, Some(Frame::Obj(_))) => {}
                    _ => return Err("Unmatched '}'"),
                }
                self.next = self.stack.pop().map(|f| if let Frame::Obj(o) = f { Obj(o) } else { Null });
            }
        }
        Ok(())
    }
    /// Sets the pending key of the object below it to `v`.
    fn set_key(&mut self, v: V) {
        if let (Some(Frame::Key(k)), Some(Frame::Obj(o))) = (self.stack.pop(), self.stack.last_mut()) {
            set(o, k, v);
        }
    }
}

/// A JSON string's contents without its quotes, its escapes decoded as jq's `found_string`.
fn unquote(body: &str) -> Result<String, &'static str> {
    let hex = |h: Option<&str>| {
        h.filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit())).and_then(|h| u32::from_str_radix(h, 16).ok())
    };
    let (mut out, mut rest) = (String::new(), body);
    while let Some(n) = rest.find(|c: char| c == '\\' || c < ' ') {
        out += &rest[..n];
        if rest.as_bytes()[n] != b'\\' {
            return Err("Invalid string: control characters from U+0000 through U+001F must be escaped");
        }
        let e = rest[n + 1..].chars().next().unwrap_or('\\');
        rest = rest.get(n + 1 + e.len_utf8()..).unwrap_or("");
        if e != 'u' {
            out.push(unescape(e).ok_or("Invalid escape")?);
            continue;
        }
        if rest.len() < 4 {
            return Err("Invalid \\uXXXX escape");
        }
        let mut u = hex(rest.get(..4)).ok_or("Invalid characters in \\uXXXX escape")?;
        rest = &rest[4..];
        if (0xD800..0xDC00).contains(&u) {
            match hex(rest.strip_prefix("\\u").and_then(|r| r.get(..4))) {
                Some(l @ 0xDC00..0xE000) => u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00),
                _ => return Err("Invalid \\uXXXX\\uXXXX surrogate pair escape"),
            }
            rest = &rest[6..];
        }
        out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
    }
    Ok(out + rest)
}

/// What the simple escapes `\n`, `\t`, `\"`, ... stand for.
fn unescape(e: char) -> Option<char> {
    let i = "\"\\/bfnrt".find(e)?;
    ['"', '\\', '/', '\u{8}', '\u{c}', '\n', '\r', '\t'].get(i).copied()
}

// ---- Values ------------------------------------------------------------------------------

fn get<'a>(o: &'a [(String, V)], k: &str) -> Option<&'a V> {
    o.iter().find(|p| p.0 == k).map(|p| &p.1)
}

fn set(o: &mut Vec<(String, V)>, k: String, v: V) {
    match o.iter_mut().find(|p| p.0 == k) {
        Some(p) => p.1 = v,
        None => o.push((k, v)),
    }
}

fn kind(v: &V) -> &'static str {
    ["null", "boolean", "boolean", "number", "string", "array", "object"][rank(v)]
}

fn rank(v: &V) -> usize {
    match v {
        Null => 0,
        Bool(b) => 1 + *b as usize,
        Num(_) => 3,
        Str(_) => 4,
        Arr(_) => 5,
        Obj(_) => 6,
    }
}

fn truthy(v: &V) -> bool {
    !matches!(v, Null | Bool(false))
}

/// jq's total order: null < false < true < numbers < strings < arrays < objects; objects
/// compare their sorted keys first, then their values key by key.
fn cmp(a: &V, b: &V) -> Ordering {
    let key = |x: f64| if x.is_nan() { f64::NEG_INFINITY } else { x + 0.0 };
    let lex = |mut o: Box<dyn Iterator<Item = Ordering> + '_>| o.find(|o| o.is_ne());
    match (a, b) {
        (Num(x), Num(y)) => key(*x).total_cmp(&key(*y)),
        (Str(x), Str(y)) => x.cmp(y),
        (Arr(x), Arr(y)) => lex(Box::new(x.iter().zip(y).map(|(a, b)| cmp(a, b)))).unwrap_or(x.len().cmp(&y.len())),
        (Obj(x), Obj(y)) => {
            let (kx, ky) = (sorted_keys(x), sorted_keys(y));
            let val = |k: &String| get(x, k).zip(get(y, k)).map_or(Ordering::Equal, |(a, b)| cmp(a, b));
            kx.cmp(&ky).then_with(|| lex(Box::new(kx.iter().map(val))).unwrap_or(Ordering::Equal))
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn sorted_keys(o: &[(String, V)]) -> Vec<String> {
    sort(o.iter().map(|p| p.0.clone()).collect(), |a, b| a <= b)
}

/// A stable sort by binary insertion: small in the wasm bundle, and quick enough here.
fn sort<T>(a: Vec<T>, le: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(a.len());
    for x in a {
        out.insert(out.partition_point(|y| le(y, &x)), x);
    }
    out
}

/// A number as jq prints it: the shortest digits that read back the same, integers without
/// `.0`, and an exponent outside jq's plain range (`1e-05`, `1e+17`).
fn fmt_num(x: f64) -> String {
    if x.is_nan() || x == 0.0 {
        return if x.is_nan() { "null" } else if x.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Display gives the shortest round-trip digits, unscaled ("0.0001", "1000"); take them apart.
    let plain = format!("{}", x.abs().min(f64::MAX));
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let all = format!("{int}{frac}");
    let d = all.trim_matches('0');
    let p = int.len() as i32 - (all.len() - all.trim_start_matches('0').len()) as i32; // the decimal point's place
    let (n, exp) = (d.len() as i32, p - 1);
    let body = if p <= -4 || p > n + 15 {
        let (h, t) = d.split_at(1.min(d.len()));
        format!("{h}{}{t}e{}{:02}", if t.is_empty() { "" } else { "." }, if exp < 0 { '-' } else { '+' }, exp.abs())
    } else if p <= 0 {
        format!("0.{}{d}", "0".repeat(-p as usize))
    } else if p >= n {
        format!("{d}{}", "0".repeat((p - n) as usize))
    } else {
        format!("{}.{}", &d[..p as usize], &d[p as usize..])
    };
    format!("{}{body}", if x < 0.0 { "-" } else { "" })
}

fn quote(s: &str, o: &mut String) {
    o.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => *o += &format!("\\{c}"),
            '\n' => *o += "\\n",
            '\t' => *o += "\\t",
            '\r' => *o += "\\r",
            '\u{8}' => *o += "\\b",
            '\u{c}' => *o += "\\f",
            c if c < ' ' || c == '\u{7f}' => *o += &format!("\\u{:04x}", c as u32),
            c => o.push(c),
        }
    }
    o.push('"');
}

/// Writes `v` as JSON: pretty at indent level `ind` (two spaces a level), or compact with `None`.
fn dump(v: &V, ind: Option<usize>, o: &mut String) {
    let nl = |ind: Option<usize>, o: &mut String| {
        if let Some(d) = ind {
            *o += &format!("\n{}", "  ".repeat(d));
        }
    };
    let inner = ind.map(|d| d + 1);
    let (open, close, len) = match v {
        Null | Bool(_) => return *o += ["null", "false", "true"][rank(v)],
        Num(n) => return *o += &fmt_num(*n),
        Str(s) => return quote(s, o),
        Arr(a) => ('[', ']', a.len()),
        Obj(m) => ('{', '}', m.len()),
    };
    o.push(open);
    for i in 0..len {
        o.push_str(if i > 0 { "," } else { "" });
        nl(inner, o);
        match v {
            Arr(a) => dump(&a[i], inner, o),
            Obj(m) => {
                quote(&m[i].0, o);
                o.push_str(if ind.is_some() { ": " } else { ":" });
                dump(&m[i].1, inner, o);
            }
            _ => {}
        }
    }
    if len > 0 {
        nl(ind, o);
    }
    o.push(close);
}

fn tojson(v: &V) -> String {
    let mut s = String::new();
    dump(v, None, &mut s);
    s
}

fn tostr(v: &V) -> String {
    if let Str(s) = v { s.clone() } else { tojson(v) }
}

/// `kind (value)` for error messages, the value cut to 11 bytes and `...` as jq does.
fn desc(v: &V) -> String {
    let mut s = tojson(v);
    if s.len() > 14 {
        s.truncate((0..=11).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0));
        s += "...";
    }
    format!("{} ({s})", kind(v))
}

// ---- Filter syntax -----------------------------------------------------------------------
#[derive(Debug)]
enum Ast {
    Identity,
    Recurse,
    Lit(V),
    /// `"a\(x)b"`: literal parts and interpolated expressions.
    Interp(Vec<Ast>),
    Format(String),
    /// `t[k]`; optional (`t[k]?`) skips the values it cannot index.
    Index(Box<Ast>, Box<Ast>, bool),
    /// `t[]`; optional (`t[]?`) skips the values it cannot iterate.
    Iter(Box<Ast>, bool),
    Try(Box<Ast>),
    Arr(Option<Box<Ast>>),
    Obj(Vec<(Ast, Ast)>),
    Neg(Box<Ast>),
    Pipe(Box<Ast>, Box<Ast>),
    Comma(Box<Ast>, Box<Ast>),
    Alt(Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    Bin(&'static str, Box<Ast>, Box<Ast>),
    Call(String, Vec<Ast>),
}

const BUILTINS: &[&str] = &[
    "length/0", "keys/0", "keys_unsorted/0", "to_entries/0", "first/0", "last/0", "tostring/0", "tojson/0",
    "ascii_downcase/0", "ascii_upcase/0", "not/0", "empty/0", "type/0", "add/0", "sort/0", "unique/0", "select/1",
    "map/1", "has/1", "join/1", "test/1", "first/1", "startswith/1", "endswith/1", "split/1", "sort_by/1",
];
/// jq's binary operators and their precedence (higher binds tighter); `|` and `//` group
/// to the right, the others to the left, and comparisons not at all.
const BINOPS: &[(&str, u8)] = &[
    ("|", 1), (",", 2), ("//", 3), ("or", 4), ("and", 5), ("==", CMP), ("!=", CMP), ("<", CMP), ("<=", CMP), (">", CMP),
    (">=", CMP), ("+", 7), ("-", 7), ("*", 8), ("/", 8), ("%", 8),
];
const CMP: u8 = 6;
const KEYWORDS: &[&str] = &[
    "and", "or", "if", "then", "elif", "else", "end", "as", "def", "reduce", "foreach", "try", "catch", "label",
    "import", "include", "__loc__",
];
const UNSUPPORTED: &[&str] = &[
    "if", "as", "def", "reduce", "foreach", "try", "label", "import", "include", "$", "=", "|=", "+=", "-=", "*=",
    "/=", "%=", "//=", "?//", "@base32", "@base32d", "@base64", "@base64d", "@html", "@sh", "@uri",
];
const SYMS: &[&str] = &[
    "?//", "//=", "|=", "+=", "-=", "*=", "/=", "%=", "==", "!=", "<=", ">=", "//", "..", "|", ",", ".", "[", "]",
    "(", ")", "{", "}", ":", ";", "<", ">", "+", "-", "*", "/", "%", "?", "=", "$",
];

#[derive(Debug, PartialEq)]
enum Tok {
    End,
    Field(String),
    Ident(String),
    /// A number, or why it does not read as one.
    Num(Result<f64, String>),
    Str,
    Format(String),
    Sym(&'static str),
    Bad,
}

/// A recursive-descent parser over the filter's characters (binary operators by precedence
/// climbing, see [`BINOPS`]; then unary `-`, then suffixes bind tightest).
struct P {
    s: Vec<char>,
    i: usize,
    depth: usize,
    /// The brackets open around the current position (closers that match none are
    /// INVALID_CHARACTER to jq's lexer).
    open: Vec<char>,
    /// Where the last two lexemes (tokens, whitespace runs, comments) start: jq places an
    /// unexpected end of the filter at the last one before it.
    marks: (usize, usize),
    /// Where the program's first token is.
    start: usize,
    /// Calls of unknown functions, reported once the whole filter has parsed.
    undefined: Vec<(String, usize)>,
    /// jq's second opinions on a syntax error, reported after it.
    hints: Vec<(String, usize)>,
}

/// A compile error: its message and where in the filter it is (a char offset).
type PR<T> = Result<T, (String, usize)>;

fn parse(filter: &str) -> Result<Ast, String> {
    let (s, no) = (filter.chars().collect(), Vec::new);
    let mut p = P { s, i: 0, depth: 0, open: Vec::new(), marks: (0, 0), start: 0, undefined: no(), hints: no() };
    if p.peek().0 == Tok::End {
        return Ok(Ast::Identity); // jq runs an empty program as `.`
    }
    p.start = p.i;
    let r = p.pipe().and_then(|a| match p.peek().0 {
        Tok::End => Ok(a),
        _ => Err(p.unexpected(", expecting $end")),
    });
    let errors = match r {
        Ok(a) if p.undefined.is_empty() => return Ok(a),
        Ok(_) => p.undefined,
        Err(e) => [vec![e], p.hints].concat(),
    };
    // Each error shows its line, padded with as many spaces as the error's column (jq 1.6).
    let mut out = String::new();
    for (msg, pos) in &errors {
        let before: String = p.s[..*pos].iter().collect();
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        let line = filter[line_start..].split('\n').next().unwrap_or("");
        let (n, pad) = (before.matches('\n').count() + 1, " ".repeat(before.len() - line_start));
        out += &format!("jq: error: {msg} at <top-level>, line {n}:\n{line}{pad}\n");
    }
    let n = errors.len();
    Err(format!("{out}jq: {n} compile error{}\n", if n == 1 { "" } else { "s" }))
}

/// The bracket a closer closes.
fn opener(closer: &str) -> Option<char> {
    ['(', '[', '{'].get(")]}".find(closer)?).copied()
}

impl P {
    fn at(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }
    fn mark(&mut self) {
        if self.i != self.marks.1 {
            self.marks = (self.marks.1, self.i);
        }
    }
    fn word(&self, from: usize) -> String {
        self.s.iter().skip(self.i + from).take_while(|c| c.is_ascii_alphanumeric() || **c == '_').collect()
    }
    /// The next token and its length, without consuming it (whitespace and comments are).
    fn peek(&mut self) -> (Tok, usize) {
        while let Some(c) = self.at(0).filter(|c| c.is_whitespace() || *c == '#') {
            self.mark();
            while self.at(0).is_some_and(|d| if c == '#' { d != '\n' } else { d.is_whitespace() }) {
                self.i += 1;
            }
        }
        self.mark();
        let word_at = |k: usize| self.at(k).is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        let format_at = self.at(1).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        let Some(c) = self.at(0) else { return (Tok::End, 0) };
        // jq's lexer: `[0-9.]+([eE][+-]?[0-9]+)?`, except where `.` or `..` is as long.
        let digits_at = |k: usize| (k..).take_while(|&k| self.at(k).is_some_and(|c| c.is_ascii_digit())).count();
        let mut n = (0..).take_while(|&k| self.at(k).is_some_and(|c| c == '.' || c.is_ascii_digit())).count();
        if c.is_ascii_digit() || n > 2 || (n == 2 && self.at(1) != Some('.')) {
            let sign = self.at(n + 1).is_some_and(|c| c == '+' || c == '-') as usize;
            if self.at(n).is_some_and(|c| c == 'e' || c == 'E') && digits_at(n + 1 + sign) > 0 {
                n += 1 + sign + digits_at(n + 1 + sign);
            }
            let text: String = self.s[self.i..self.i + n].iter().collect();
            let num = match J::new(&text).next_value() {
                Some(Ok(Num(x))) => Ok(x),
                Some(Err(e)) => Err(format!("{e} (while parsing '{text}')")),
                _ => Err(format!("Invalid numeric literal (while parsing '{text}')")),
            };
            return (Tok::Num(num), n);
        }
        match c {
            '.' if word_at(1) => (Tok::Field(self.word(1)), 1 + self.word(1).len()),
            '@' if format_at => (Tok::Format(self.word(1)), 1 + self.word(1).len()),
            _ if word_at(0) => (Tok::Ident(self.word(0)), self.word(0).len()),
            '"' => (Tok::Str, 1),
            _ => match SYMS.iter().find(|s| s.chars().enumerate().all(|(k, ch)| self.at(k) == Some(ch))) {
                Some(s) => (Tok::Sym(s), s.len()),
                None => (Tok::Bad, 1),
            },
        }
    }
    /// Consumes a token of length `n`, keeping track of open brackets.
    fn bump(&mut self, n: usize) {
        match self.at(0) {
            Some(c @ ('(' | '[' | '{')) => self.open.push(c),
            Some(')' | ']' | '}') => {
                self.open.pop();
            }
            _ => {}
        }
        self.i += n;
    }
    fn eat(&mut self, want: &str) -> bool {
        let (t, n) = self.peek();
        let hit = matches!(&t, Tok::Sym(s) if *s == want) || matches!(&t, Tok::Ident(w) if w == want);
        if hit {
            self.bump(n);
        }
        hit
    }
    /// Consumes the `"` opening a string, if that comes next.
    fn eat_quote(&mut self) -> bool {
        let hit = self.peek().0 == Tok::Str;
        self.i += hit as usize;
        hit
    }
    fn expect(&mut self, want: &str, expecting: &str) -> PR<()> {
        if self.eat(want) { Ok(()) } else { Err(self.unexpected(expecting)) }
    }
    fn enter(&mut self) -> PR<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((format!("filter nests too deeply for the playground (over {MAX_DEPTH} levels)"), self.i));
        }
        Ok(())
    }
    /// `f` one level deeper.
    fn nested<T>(&mut self, f: impl FnOnce(&mut P) -> PR<T>) -> PR<T> {
        self.enter()?;
        let r = f(self)?;
        self.depth -= 1;
        Ok(r)
    }
    fn unsupported(&self, what: &str) -> (String, usize) {
        (format!("{what} is not supported by the playground's jq"), self.i)
    }
    /// A syntax error at the next token, worded as jq's parser words it (or a note that the
    /// construct is not supported).
    fn unexpected(&mut self, expecting: &str) -> (String, usize) {
        let tok = self.peek().0;
        // (after a comparison, bison has too many alternatives to list)
        let expecting = if matches!(&tok, Tok::Sym(s) if BINOPS.contains(&(s, CMP))) { "" } else { expecting };
        let name = match tok {
            Tok::Ident(w) if UNSUPPORTED.contains(&w.as_str()) => return self.unsupported(&format!("`{w}`")),
            Tok::Format(f) if UNSUPPORTED.contains(&format!("@{f}").as_str()) => {
                let (msg, pos) = self.unsupported(&format!("`@{f}`"));
                let hint = if f == "base64d" { ": pipe `jq -r` into `base64 -d`" } else { "" };
                return (msg + hint, pos);
            }
            Tok::Sym("$") => return self.unsupported("`$` (variables)"),
            Tok::Sym(s) if UNSUPPORTED.contains(&s) => return self.unsupported(&format!("`{s}`")),
            Tok::End => {
                return (format!("syntax error, unexpected $end{expecting} (Unix shell quoting issues?)"), self.marks.0);
            }
            Tok::Field(_) => "FIELD".into(),
            Tok::Ident(w) if KEYWORDS.contains(&w.as_str()) => w,
            Tok::Ident(_) => "IDENT".into(),
            Tok::Num(_) => "LITERAL".into(),
            Tok::Str => "QQSTRING_START".into(),
            Tok::Format(_) => "FORMAT".into(),
            Tok::Sym(s @ (")" | "]" | "}")) if self.open.last().copied() == opener(s) => {
                format!("'{s}'")
            }
            Tok::Sym(")" | "]" | "}") | Tok::Bad => "INVALID_CHARACTER".into(),
            Tok::Sym(s) if s.len() == 1 => format!("'{s}'"),
            Tok::Sym(s) => s.into(),
        };
        (format!("syntax error, unexpected {name}{expecting} (Unix shell quoting issues?)"), self.i)
    }

    fn pipe(&mut self) -> PR<Ast> {
        self.expr(1)
    }
    /// Binary operators by precedence climbing: operands, then operators binding at least `min`.
    fn expr(&mut self, min: u8) -> PR<Ast> {
        self.peek(); // (to skip whitespace: `start` is where the left operand begins)
        let (d, start) = (self.depth, self.i);
        let (mut l, mut compared) = (self.unary()?, false);
        loop {
            let (op, n) = match self.peek() {
                (Tok::Sym(s), n) => (s, n),
                (Tok::Ident(w), n) if w == "and" || w == "or" => (if w == "and" { "and" } else { "or" }, n),
                _ => break,
            };
            let Some(&(op, prec)) = BINOPS.iter().find(|b| b.0 == op) else { break };
            if prec < min || (prec == CMP && compared) {
                break; // comparisons do not chain: `1 == 2 == 3` is a syntax error
            }
            self.bump(n);
            self.enter()?;
            let (a, b) = (Box::new(l), Box::new(self.expr(if matches!(op, "|" | "//") { prec } else { prec + 1 })?));
            compared = prec == CMP;
            if op == "/" && matches!((&*a, &*b), (Ast::Lit(Num(_)), Ast::Lit(Num(z))) if *z == 0.0) {
                return Err(("Division by zero?".into(), start)); // jq folds constants as it parses
            }
            l = match op {
                "|" => Ast::Pipe(a, b),
                "," => Ast::Comma(a, b),
                "//" => Ast::Alt(a, b),
                "or" => Ast::Or(a, b),
                "and" => Ast::And(a, b),
                _ => Ast::Bin(op, a, b),
            };
        }
        self.depth = d;
        Ok(l)
    }
    /// A term, or `-` and an operand that binds like `*` (jq: `-1 / x` is `-(1 / x)`).
    fn unary(&mut self) -> PR<Ast> {
        if self.eat("-") { self.nested(|p| Ok(Ast::Neg(Box::new(p.expr(8)?)))) } else { self.postfix(true) }
    }
    /// A term and its suffixes: `.foo`, `."foo"`, `[...]`, `.[...]`, `?`. A `?` right after an
    /// index makes that index optional; after anything else it is `try`, which nothing but
    /// another `?` may follow, and which `try` (false) leaves for the caller, as in jq.
    fn postfix(&mut self, try_ok: bool) -> PR<Ast> {
        let d = self.depth;
        let (mut indexed, mut tried) = (self.peek().0 != Tok::Sym("("), false);
        let mut t = self.primary()?;
        loop {
            let (tok, n) = self.peek();
            let question = tok == Tok::Sym("?");
            let opt = question && indexed && matches!(t, Ast::Index(.., false) | Ast::Iter(_, false));
            let suffix = matches!(tok, Tok::Field(_) | Tok::Sym("." | "[" | "?"));
            if !suffix || (tried && !question) || (question && !opt && !try_ok) {
                break;
            }
            self.enter()?;
            self.bump(n);
            let b = Box::new(t);
            t = match tok {
                Tok::Field(f) => Ast::Index(b, Box::new(Ast::Lit(Str(f))), false),
                Tok::Sym("[") => self.bracket(b)?,
                Tok::Sym("?") => match *b {
                    Ast::Index(t, k, _) if opt => Ast::Index(t, k, true),
                    Ast::Iter(t, _) if opt => Ast::Iter(t, true),
                    t => Ast::Try(Box::new(t)),
                },
                _ if self.at(0) == Some('[') => *b, // `.a.[0]`, as jq 1.7 allows
                _ if self.eat_quote() => Ast::Index(b, Box::new(self.string()?), false),
                _ => return Err(self.unexpected(", expecting FORMAT or QQSTRING_START")),
            };
            (indexed, tried) = (!question, tried || (question && !opt));
        }
        self.depth = d;
        Ok(t)
    }
    /// After `term[`: `]` or `expr]`.
    fn bracket(&mut self, t: Box<Ast>) -> PR<Ast> {
        if self.eat("]") {
            return Ok(Ast::Iter(t, false));
        }
        if self.peek().0 != Tok::Sym(":") {
            let k = self.pipe()?;
            if self.eat("]") {
                return Ok(Ast::Index(t, Box::new(k), false));
            }
        }
        Err(if self.peek().0 == Tok::Sym(":") { self.unsupported("`[from:to]` slicing") } else { self.unexpected("") })
    }
    fn primary(&mut self) -> PR<Ast> {
        let (tok, n) = self.peek();
        let pos = self.i;
        let at_start = pos == self.start;
        if !matches!(tok, Tok::Sym(")" | "]" | "}")) {
            self.bump(n); // a stray closer stays unconsumed and open brackets unchanged
        }
        Ok(match tok {
            Tok::Sym(".") if self.eat_quote() => Ast::Index(Box::new(Ast::Identity), Box::new(self.string()?), false),
            Tok::Sym(".") if self.peek().0 == Tok::Bad => {
                self.hints.push(("try .[\"field\"] instead of .field for unusually named fields".into(), pos));
                return Err(self.unexpected(""));
            }
            Tok::Sym(".") => Ast::Identity,
            Tok::Sym("..") => Ast::Recurse,
            Tok::Field(f) => Ast::Index(Box::new(Ast::Identity), Box::new(Ast::Lit(Str(f))), false),
            Tok::Num(Ok(x)) => Ast::Lit(Num(x)),
            Tok::Num(Err(e)) => return Err((e, pos)),
            Tok::Str => self.string()?,
            Tok::Format(f) if !UNSUPPORTED.contains(&format!("@{f}").as_str()) => Ast::Format(f),
            Tok::Sym("(") => self.nested(|p| {
                let e = p.pipe()?;
                p.expect(")", "").map(|_| e)
            })?,
            Tok::Sym("[") if self.eat("]") => Ast::Arr(None),
            Tok::Sym("[") => self.nested(|p| {
                let e = p.pipe()?;
                p.expect("]", "").map(|_| Ast::Arr(Some(Box::new(e))))
            })?,
            Tok::Sym("{") => self.nested(P::object)?,
            Tok::Ident(w) if w == "true" || w == "false" => Ast::Lit(Bool(w == "true")),
            Tok::Ident(w) if w == "null" => Ast::Lit(Null),
            Tok::Ident(w) if !KEYWORDS.contains(&w.as_str()) => {
                let mut args = Vec::new();
                if self.eat("(") {
                    self.nested(|p| {
                        args.push(p.pipe()?);
                        while p.eat(";") {
                            args.push(p.pipe()?);
                        }
                        p.expect(")", ", expecting ';' or ')'")
                    })?;
                }
                let sig = format!("{w}/{}", args.len());
                if !BUILTINS.contains(&sig.as_str()) {
                    self.undefined.push((format!("{sig} is not defined"), pos));
                }
                Ast::Call(w, args)
            }
            _ => {
                self.i = pos;
                return Err(self.unexpected(if at_start { ", expecting $end" } else { "" }));
            }
        })
    }
    /// After `{`: `key: value` pairs, where a value is a term or a pipe of terms, as in jq.
    fn object(&mut self) -> PR<Ast> {
        let mut pairs = Vec::new();
        while !self.eat("}") {
            let (tok, n) = self.peek();
            let ident = matches!(tok, Tok::Ident(_));
            let (key, short) = match tok {
                Tok::Ident(k) => (Ast::Lit(Str(k.clone())), Some(Ast::Lit(Str(k)))),
                Tok::Str => {
                    self.bump(n);
                    match self.string()? {
                        Ast::Lit(k) => (Ast::Lit(k.clone()), Some(Ast::Lit(k))),
                        k => (k, None),
                    }
                }
                Tok::Sym("(") => {
                    self.bump(n);
                    let k = self.pipe()?;
                    self.expect(")", "")?;
                    (k, None)
                }
                _ => {
                    if matches!(tok, Tok::Num(_)) {
                        self.hints.push(("May need parentheses around object key expression".into(), self.i));
                    }
                    return Err(self.unexpected(""));
                }
            };
            if ident {
                self.bump(n);
            }
            let value = match short {
                _ if self.eat(":") => self.objval()?,
                Some(k) => Ast::Index(Box::new(Ast::Identity), Box::new(k), false),
                None => return Err(self.unexpected(", expecting ':'")),
            };
            pairs.push((key, value));
            if !self.eat(",") {
                self.expect("}", ", expecting '}'")?;
                break;
            }
        }
        Ok(Ast::Obj(pairs))
    }
    /// A value in `{k: value}`: a term, maybe negated, or a pipe of them (jq's `ExpD`).
    fn objval_term(&mut self) -> PR<Ast> {
        if self.eat("-") { self.nested(|p| Ok(Ast::Neg(Box::new(p.objval_term()?)))) } else { self.postfix(false) }
    }
    fn objval(&mut self) -> PR<Ast> {
        self.nested(|p| {
            let t = p.objval_term()?;
            Ok(if p.eat("|") { Ast::Pipe(Box::new(t), Box::new(p.objval()?)) } else { t })
        })
    }
    /// A string literal, from after its opening `"`; with `\(...)` it is an interpolation.
    /// As in jq, each run of escapes is read as a JSON string, with the JSON reader's errors.
    fn string(&mut self) -> PR<Ast> {
        let (mut parts, mut lit) = (Vec::new(), String::new());
        loop {
            self.mark();
            let run = self.i;
            match (self.at(0), self.at(1)) {
                (None, _) | (Some('\\'), None) => {
                    // (a lone `\` at the end is jq's INVALID_CHARACTER)
                    return Err(self.unexpected(", expecting QQSTRING_TEXT or QQSTRING_INTERP_START or QQSTRING_END"));
                }
                (Some('"'), _) => {
                    self.i += 1;
                    break;
                }
                (Some('\\'), Some('(')) => {
                    self.i += 1;
                    self.bump(1);
                    parts.push(Ast::Lit(Str(std::mem::take(&mut lit))));
                    parts.push(self.nested(|p| {
                        let e = p.pipe()?;
                        p.expect(")", "").map(|_| e)
                    })?);
                }
                (Some('\\'), _) => {
                    while self.at(0) == Some('\\') && self.at(1).is_some_and(|c| c != '(') {
                        let alnum = |k: &usize| self.at(2 + k).is_some_and(|c| c.is_ascii_alphanumeric());
                        let hex = (0..4).take_while(alnum).count();
                        self.i += 2 + if self.at(1) == Some('u') { hex } else { 0 };
                    }
                    let text = format!("\"{}\"", self.s[run..self.i].iter().collect::<String>());
                    match J::new(&text).next_value() {
                        Some(Ok(Str(s))) => lit += &s,
                        Some(Err(e)) => return Err((format!("{e} (while parsing '{text}')"), run)),
                        _ => {}
                    }
                }
                _ => {
                    while self.at(0).is_some_and(|c| c != '"' && c != '\\') {
                        lit.push(self.s[self.i]);
                        self.i += 1;
                    }
                }
            }
        }
        if parts.is_empty() {
            return Ok(Ast::Lit(Str(lit)));
        }
        parts.push(Ast::Lit(Str(lit)));
        Ok(Ast::Interp(parts))
    }
}

// ---- Evaluation --------------------------------------------------------------------------

/// Why evaluation stopped.
enum Fail {
    /// A jq runtime error.
    Msg(String),
    /// `first(f)` has its value; never reaches the user.
    Break,
}

impl From<String> for Fail {
    fn from(m: String) -> Self {
        Fail::Msg(m)
    }
}

type R = Result<(), Fail>;
/// Where a filter sends each of its results (evaluation is continuation-passing, as jq's
/// backtracking is: results stream one at a time).
type Out<'a> = &'a mut dyn FnMut(V) -> R;

fn each(v: &V) -> Result<Vec<V>, String> {
    match v {
        Arr(a) => Ok(a.clone()),
        Obj(o) => Ok(o.iter().map(|p| p.1.clone()).collect()),
        _ => Err(format!("Cannot iterate over {}", desc(v))),
    }
}

fn index(t: &V, k: &V) -> Result<V, String> {
    match (t, k) {
        (Null, Str(_) | Num(_) | Obj(_)) => Ok(Null),
        (Obj(o), Str(s)) => Ok(get(o, s).cloned().unwrap_or(Null)),
        (Arr(a), Num(n)) => {
            // jq 1.6: only integer indices find an element.
            let i = if *n < 0.0 { a.len() as f64 + n } else { *n };
            Ok(if i >= 0.0 && i < a.len() as f64 && n.fract() == 0.0 { a[i as usize].clone() } else { Null })
        }
        (Arr(_), Obj(_)) => Err("Start and end indices of an array slice must be numbers".into()),
        (_, Str(s)) => Err(format!("Cannot index {} with string \"{s}\"", kind(t))),
        _ => Err(format!("Cannot index {} with {}", kind(t), kind(k))),
    }
}

/// A number as C's `(intmax_t)` cast on x86 makes it, as jq's `%` does.
fn int(x: f64) -> i64 {
    if x.is_nan() || x.abs() >= 9.2e18 { i64::MIN } else { x as i64 }
}

fn arith(op: &str, l: V, r: V) -> Result<V, String> {
    Ok(match (op, l, r) {
        ("+", Null, x) | ("+", x, Null) => x,
        ("+", Num(a), Num(b)) => Num(a + b),
        ("+", Str(a), Str(b)) => Str(a + &b),
        ("+", Arr(a), Arr(b)) => Arr([a, b].concat()),
        ("+", Obj(mut a), Obj(b)) => {
            b.into_iter().for_each(|(k, v)| set(&mut a, k, v));
            Obj(a)
        }
        ("-", Num(a), Num(b)) => Num(a - b),
        ("-", Arr(a), Arr(b)) => Arr(a.into_iter().filter(|x| b.iter().all(|y| cmp(x, y).is_ne())).collect()),
        ("*", Num(a), Num(b)) => Num(a * b),
        ("*", Str(s), Num(n)) | ("*", Num(n), Str(s)) if n <= 0.0 || s.is_empty() => Null,
        ("*", Str(s), Num(n)) | ("*", Num(n), Str(s)) if s.len() as f64 * n < MAX_OUTPUT as f64 => {
            Str(s.repeat((n as usize).max(1)))
        }
        ("*", Obj(mut a), Obj(b)) => {
            for (k, v) in b {
                let merged = match (get(&a, &k), v) {
                    (Some(Obj(x)), Obj(y)) => arith("*", Obj(x.clone()), Obj(y))?,
                    (_, v) => v,
                };
                set(&mut a, k, merged);
            }
            Obj(a)
        }
        ("/", Num(a), Num(b)) if b != 0.0 => Num(a / b),
        ("/", Str(a), Str(b)) => f1("split", &Str(a), &Str(b))?,
        ("%", Num(a), Num(b)) if int(b) != 0 => Num(int(a).wrapping_rem(int(b)) as f64),
        (op, l, r) => {
            let verbs = ["added", "subtracted", "multiplied", "divided", "divided (remainder)"];
            let verb = verbs["+-*/%".find(op).unwrap_or(0)];
            let zero = matches!((&l, &r), (Num(_), Num(_))) && "/%".contains(op);
            let why = if zero { " because the divisor is zero" } else { "" };
            return Err(format!("{} and {} cannot be {verb}{why}", desc(&l), desc(&r)));
        }
    })
}

fn sortable(v: &V) -> Result<Vec<V>, String> {
    match v {
        Arr(a) => Ok(a.clone()),
        _ => Err(format!("{} cannot be sorted, as it is not an array", desc(v))),
    }
}

fn keys(v: &V, sorted: bool) -> Result<Vec<V>, String> {
    match v {
        Obj(o) if sorted => Ok(sorted_keys(o).into_iter().map(Str).collect()),
        Obj(o) => Ok(o.iter().map(|p| Str(p.0.clone())).collect()),
        Arr(a) => Ok((0..a.len()).map(|i| Num(i as f64)).collect()),
        _ => Err(format!("{} has no keys", desc(v))),
    }
}

/// The builtins without arguments.
fn f0(name: &str, v: &V) -> Result<V, String> {
    let s = |f: fn(&str) -> String| match v {
        Str(s) => Ok(Str(f(s))),
        _ => Err("explode input must be a string".to_string()),
    };
    Ok(match name {
        "length" => match v {
            Null => Num(0.0),
            Bool(_) => return Err(format!("{} has no length", desc(v))),
            Num(n) => Num(n.abs()),
            Str(s) => Num(s.chars().count() as f64),
            Arr(_) | Obj(_) => Num(each(v)?.len() as f64),
        },
        "keys" | "keys_unsorted" => Arr(keys(v, name == "keys")?),
        "to_entries" => Arr(keys(v, false)?
            .into_iter()
            .map(|k| Ok(Obj(vec![("key".into(), k.clone()), ("value".into(), index(v, &k)?)])))
            .collect::<Result<_, String>>()?),
        "first" => index(v, &Num(0.0))?,
        "last" => index(v, &Num(-1.0))?,
        "tostring" => Str(tostr(v)),
        "tojson" => Str(tojson(v)),
        "ascii_downcase" => s(str::to_ascii_lowercase)?,
        "ascii_upcase" => s(str::to_ascii_uppercase)?,
        "not" => Bool(!truthy(v)),
        "type" => Str(kind(v).into()),
        "add" => each(v)?.into_iter().try_fold(Null, |a, x| arith("+", a, x))?,
        "sort" => Arr(sort(sortable(v)?, |a, b| cmp(a, b).is_le())),
        _ => return Err(format!("{name}/0 is not defined")),
    })
}

/// The builtins with one value argument (`has("k")`, `join(", ")`, ...).
fn f1(name: &str, v: &V, a: &V) -> Result<V, String> {
    Ok(match (name, v, a) {
        ("has", Null, _) => Bool(false),
        ("has", Obj(o), Str(k)) => Bool(get(o, k).is_some()),
        ("has", Arr(x), Num(n)) => Bool(*n >= 0.0 && *n < x.len() as f64),
        ("has", ..) => return Err(format!("Cannot check whether {} has a {} key", kind(v), kind(a))),
        ("join", ..) => {
            let mut acc = Null;
            for x in each(v)? {
                let x = match x {
                    Null => Str(String::new()),
                    Bool(_) | Num(_) => Str(tojson(&x)),
                    x => x,
                };
                let sep = if let Null = acc { Str(String::new()) } else { arith("+", acc, a.clone())? };
                acc = arith("+", sep, x)?;
            }
            if let Null = acc { Str(String::new()) } else { acc }
        }
        ("test", ..) => {
            // `test(re)` or `test([re, flags])` (flags ignored): a substring, maybe anchored.
            let re = match a {
                Str(_) => a,
                Arr(x) if !x.is_empty() => &x[0],
                _ => return Err(format!("{} not a string or array", kind(a))),
            };
            let (Str(s), Str(p)) = (v, re) else {
                let bad = if let Str(_) = v { re } else { v };
                return Err(format!("{} cannot be matched, as it is not a string", desc(bad)));
            };
            Bool(match (p.strip_prefix('^'), p.strip_suffix('$')) {
                (Some(p), _) if p.ends_with('$') => s == &p[..p.len() - 1],
                (Some(p), _) => s.starts_with(p),
                (_, Some(p)) => s.ends_with(p),
                _ => s.contains(p.as_str()),
            })
        }
        ("startswith", Str(s), Str(p)) => Bool(s.starts_with(p.as_str())),
        ("endswith", Str(s), Str(p)) => Bool(s.ends_with(p.as_str())),
        ("startswith" | "endswith", ..) => return Err(format!("{name}() requires string inputs")),
        ("split", Str(s), Str(_)) if s.is_empty() => Arr(Vec::new()),
        ("split", Str(s), Str(p)) if p.is_empty() => Arr(s.chars().map(|c| Str(c.into())).collect()),
        ("split", Str(s), Str(p)) => Arr(s.split(p.as_str()).map(|x| Str(x.into())).collect()),
        ("split", ..) => return Err("split input and separator must be strings".into()),
        _ => return Err(format!("{name}/1 is not defined")),
    })
}

fn collect(f: &Ast, v: &V) -> Result<Vec<V>, Fail> {
    let mut r = Vec::new();
    eval(f, v, &mut |x| {
        r.push(x);
        Ok(())
    })?;
    Ok(r)
}

fn recurse(v: &V, out: Out) -> R {
    out(v.clone())?;
    each(v).unwrap_or_default().iter().try_for_each(|x| recurse(x, out))
}

/// Builds `{k: v, ...}` a pair at a time; the later pairs vary fastest, as in jq.
fn build(pairs: &[(Ast, Ast)], v: &V, acc: Vec<(String, V)>, out: Out) -> R {
    let Some(((k, x), rest)) = pairs.split_first() else { return out(Obj(acc)) };
    eval(k, v, &mut |key| {
        eval(x, v, &mut |val| {
            let Str(key) = &key else { return Err(format!("Cannot use {} as object key", desc(&key)).into()) };
            let mut acc = acc.clone();
            set(&mut acc, key.clone(), val);
            build(rest, v, acc, out)
        })
    })
}

/// `"a\(x)b"`, built from the end: the last interpolation varies slowest, as in jq.
fn interp(parts: &[Ast], v: &V, suffix: String, out: Out) -> R {
    let Some((last, rest)) = parts.split_last() else { return out(Str(suffix)) };
    eval(last, v, &mut |x| interp(rest, v, tostr(&x) + &suffix, out))
}

fn format(f: &str, v: &V) -> Result<V, String> {
    let row = match (f, v) {
        ("text", _) => return Ok(Str(tostr(v))),
        ("json", _) => return Ok(Str(tojson(v))),
        ("csv" | "tsv", Arr(a)) => a,
        ("csv" | "tsv", _) => return Err(format!("{} cannot be {f}-formatted, only array", desc(v))),
        _ => return Err(format!("{f} is not a valid format")),
    };
    let cell = |x: &V| match x {
        Null => Ok(String::new()),
        Bool(_) | Num(_) => Ok(tojson(x)),
        Str(s) if f == "csv" => Ok(format!("\"{}\"", s.replace('"', "\"\""))),
        Str(s) => Ok(s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n").replace('\r', "\\r")),
        _ => Err(format!("{} is not valid in a csv row", desc(x))),
    };
    Ok(Str(row.iter().map(cell).collect::<Result<Vec<_>, _>>()?.join(if f == "csv" { "," } else { "\t" })))
}

fn eval(a: &Ast, v: &V, out: Out) -> R {
    if STEPS.with(|s| s.replace(s.get() + 1)) > MAX_STEPS {
        return Err(Fail::Msg("the filter took too many steps for the playground".into()));
    }
    match a {
        Ast::Identity => out(v.clone()),
        Ast::Recurse => recurse(v, out),
        Ast::Lit(x) => out(x.clone()),
        Ast::Interp(parts) => interp(parts, v, String::new(), out),
        Ast::Format(f) => out(format(f, v)?),
        Ast::Index(t, k, opt) => eval(k, v, &mut |k| {
            eval(t, v, &mut |t| match index(&t, &k) {
                Err(_) if *opt => Ok(()),
                x => out(x?),
            })
        }),
        Ast::Iter(t, opt) => eval(t, v, &mut |t| match each(&t) {
            Err(_) if *opt => Ok(()),
            x => x?.into_iter().try_for_each(&mut *out),
        }),
        // jq 1.6's `try` also swallows the errors of what its results feed (1.7 no longer does).
        Ast::Try(body) => match eval(body, v, out) {
            Err(Fail::Break) => Err(Fail::Break),
            _ => Ok(()),
        },
        Ast::Arr(None) => out(Arr(Vec::new())),
        Ast::Arr(Some(e)) => out(Arr(collect(e, v)?)),
        Ast::Obj(pairs) => build(pairs, v, Vec::new(), out),
        Ast::Neg(e) => eval(e, v, &mut |x| match x {
            Num(n) => out(Num(-n)),
            x => Err(format!("{} cannot be negated", desc(&x)).into()),
        }),
        Ast::Pipe(l, r) => eval(l, v, &mut |x| eval(r, &x, out)),
        Ast::Comma(l, r) => eval(l, v, out).and_then(|_| eval(r, v, out)),
        // jq 1.6: the left side's truthy results, else the right side's; errors pass through.
        Ast::Alt(l, r) => {
            let mut any = false;
            eval(l, v, &mut |x| if truthy(&x) { out(x).inspect(|_| any = true) } else { Ok(()) })?;
            if any { Ok(()) } else { eval(r, v, out) }
        }
        Ast::And(l, r) | Ast::Or(l, r) => {
            let or = matches!(a, Ast::Or(..));
            eval(l, v, &mut |x| match truthy(&x) == or {
                true => out(Bool(or)),
                false => eval(r, v, &mut |y| out(Bool(truthy(&y)))),
            })
        }
        // jq runs the right operand's outputs in the outer loop.
        Ast::Bin(op, l, r) => eval(r, v, &mut |b| {
            eval(l, v, &mut |a| {
                let c = cmp(&a, &b);
                out(match *op {
                    "==" => Bool(c.is_eq()),
                    "!=" => Bool(c.is_ne()),
                    "<" => Bool(c.is_lt()),
                    "<=" => Bool(c.is_le()),
                    ">" => Bool(c.is_gt()),
                    ">=" => Bool(c.is_ge()),
                    _ => arith(op, a, b.clone())?,
                })
            })
        }),
        Ast::Call(name, args) => call(name, args, v, out),
    }
}

fn call(name: &str, args: &[Ast], v: &V, out: Out) -> R {
    match (name, args) {
        ("empty", []) => Ok(()),
        ("select", [f]) => eval(f, v, &mut |c| if truthy(&c) { out(v.clone()) } else { Ok(()) }),
        ("map", [f]) => {
            let mut r = Vec::new();
            for x in each(v)? {
                r.extend(collect(f, &x)?);
            }
            out(Arr(r))
        }
        ("first", [f]) => {
            let mut got = None;
            if let Err(Fail::Msg(m)) = eval(f, v, &mut |x| Err(Fail::Break).inspect_err(|_| got = Some(x))) {
                return Err(Fail::Msg(m));
            }
            got.map_or(Ok(()), out)
        }
        ("sort_by", [_]) | ("unique", []) => {
            let mut keyed = Vec::new();
            for x in each(v)? {
                keyed.push((Arr(if let [f] = args { collect(f, &x)? } else { vec![x.clone()] }), x));
            }
            if !matches!(v, Arr(_)) {
                let keys = Arr(keyed.into_iter().map(|p| p.0).collect());
                let msg = format!("{} and {} cannot be sorted, as they are not both arrays", desc(v), desc(&keys));
                return Err(msg.into());
            }
            let mut sorted = sort(keyed, |a, b| cmp(&a.0, &b.0).is_le());
            if name == "unique" {
                sorted.dedup_by(|a, b| cmp(&a.0, &b.0).is_eq());
            }
            out(Arr(sorted.into_iter().map(|p| p.1).collect()))
        }
        (_, [f]) => eval(f, v, &mut |a| out(f1(name, v, &a)?)),
        _ => out(f0(name, v)?),
    }
}
#[cfg(test)]
mod tests {
    //! Expected outputs are jq 1.6's, byte for byte (checked against the real binary).
    use super::run;

    const PODS: &str = r#"{
    "apiVersion": "v1",
    "items": [
        {
            "kind": "Pod",
            "metadata": {"name": "web-1", "labels": {"app": "web", "app.kubernetes.io/name": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]},
            "status": {"phase": "Running", "podIP": "10.244.1.5", "restarts": 0}
        },
        {
            "kind": "Pod",
            "metadata": {"name": "Web-2", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}, {"name": "log", "image": "busybox"}]},
            "status": {"phase": "Pending", "restarts": 3}
        }
    ],
    "kind": "List"
}
"#;
    const DEPLOY: &str = "{\"kind\": \"Deployment\", \"metadata\": {\"name\": \"web\", \"uid\": \"u1\"}, \"spec\": {\"replicas\": 3}}\n";

    fn ok(filter: &str, input: &str) -> String {
        run(filter, input, false, false).unwrap_or_else(|e| panic!("{filter}: {e}"))
    }
    fn raw(filter: &str, input: &str) -> String {
        run(filter, input, true, false).unwrap_or_else(|e| panic!("{filter}: {e}"))
    }
    fn compact(filter: &str, input: &str) -> String {
        run(filter, input, false, true).unwrap_or_else(|e| panic!("{filter}: {e}"))
    }
    fn err(filter: &str, input: &str) -> String {
        run(filter, input, false, false).expect_err(filter)
    }

    #[test]
    fn paths_and_iteration() {
        assert_eq!(raw(".items[].metadata.name", PODS), "web-1\nWeb-2\n");
        assert_eq!(ok(".items[].metadata.name", PODS), "\"web-1\"\n\"Web-2\"\n");
        assert_eq!(ok(".spec.replicas", DEPLOY), "3\n");
        assert_eq!(ok(".items | length", PODS), "2\n");
        assert_eq!(ok(".items[-1].metadata.name", PODS), "\"Web-2\"\n");
        assert_eq!(compact(".[5], .[-5], .[1.5], .[1]", "[1, 2, 3]"), "null\nnull\nnull\n2\n");
        assert_eq!(ok(".nope.deeper", PODS), "null\n");
        assert_eq!(raw(".items[0].metadata.labels.\"app.kubernetes.io/name\"", PODS), "web\n");
        assert_eq!(raw(".items[0].metadata.labels[\"app\"], .items[0].metadata . \"labels\".app", PODS), "web\nweb\n");
        assert_eq!(raw(".items[1].spec.containers[].image", PODS), "nginx:1.25\nbusybox\n");
        assert_eq!(compact(".items[0].metadata.labels | .[]", PODS), "\"web\"\n\"web\"\n");
        assert_eq!(compact("[..|.image? // empty]", PODS), "[\"nginx:1.25\",\"nginx:1.25\",\"busybox\"]\n");
        assert_eq!(ok("", "5"), "5\n", "an empty program is `.`");
    }

    #[test]
    fn pretty_and_compact_output_keep_key_order() {
        let want = "{\n  \"kind\": \"Deployment\",\n  \"metadata\": {\n    \"name\": \"web\",\n    \"uid\": \"u1\"\n  },\n  \"spec\": {\n    \"replicas\": 3\n  }\n}\n";
        assert_eq!(ok(".", DEPLOY), want);
        assert_eq!(raw(".", DEPLOY), want);
        assert_eq!(compact(".", DEPLOY), "{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"uid\":\"u1\"},\"spec\":{\"replicas\":3}}\n");
        assert_eq!(ok("[], {}, [1, [2]]", "null"), "[]\n{}\n[\n  1,\n  [\n    2\n  ]\n]\n");
        assert_eq!(run(".[]", "[\"a\", {\"b\": \"c\"}]", true, true).unwrap(), "a\n{\"b\":\"c\"}\n");
    }

    #[test]
    fn select_and_comparisons() {
        assert_eq!(raw(".items[] | select(.status.phase == \"Running\") | .metadata.name", PODS), "web-1\n");
        assert_eq!(raw(".items[] | select(.status.phase != \"Running\").metadata.name", PODS), "Web-2\n");
        assert_eq!(raw(".items[] | select(.status.restarts > 0 and .kind == \"Pod\") | .metadata.name", PODS), "Web-2\n");
        assert_eq!(raw(".items[] | select(.status.podIP == null or .status.restarts >= 5) | .metadata.name", PODS), "Web-2\n");
        assert_eq!(raw(".items[] | select(.status.podIP | not) | .metadata.name", PODS), "Web-2\n");
        let cmps = "[1 < 2, 2 <= 1, \"a\" < \"b\", null < false, [1] > {}, {\"a\":1} == {\"a\":1.0}, {\"a\":2} < {\"b\":1}]";
        assert_eq!(compact(cmps, "null"), "[true,false,true,true,false,true,true]\n");
        assert_eq!(compact("[(true,false) and (true,false)], [(1,2) + (10,20)]", "null"), "[true,false,false]\n[11,12,21,22]\n");
    }

    #[test]
    fn construction_and_interpolation() {
        assert_eq!(
            compact(".items[] | {name: .metadata.name, ip: .status.podIP}", PODS),
            "{\"name\":\"web-1\",\"ip\":\"10.244.1.5\"}\n{\"name\":\"Web-2\",\"ip\":null}\n"
        );
        assert_eq!(ok(".items[0] | {\"pod name\": .metadata.name, kind}", PODS), "{\n  \"pod name\": \"web-1\",\n  \"kind\": \"Pod\"\n}\n");
        assert_eq!(compact("{(.kind): .apiVersion, n: .items | length, if: 1,}", PODS), "{\"List\":\"v1\",\"n\":2,\"if\":1}\n");
        assert_eq!(compact("{a: (1, 2), b: (3, 4)}", "null"), "{\"a\":1,\"b\":3}\n{\"a\":1,\"b\":4}\n{\"a\":2,\"b\":3}\n{\"a\":2,\"b\":4}\n");
        assert_eq!(compact("[.items[].metadata.name], (.items | map(.metadata.name))", PODS), "[\"web-1\",\"Web-2\"]\n[\"web-1\",\"Web-2\"]\n");
        assert_eq!(compact("\"hi\", 42, -1.5, true, null, [.[]?]", "7"), "\"hi\"\n42\n-1.5\ntrue\nnull\n[]\n");
        assert_eq!(raw(".items[] | \"\\(.metadata.name): \\(.status.restarts)\"", PODS), "web-1: 0\nWeb-2: 3\n");
        assert_eq!(compact("\"\\(1,2) \\(3,4)\", \"\\([1]) \\(null) \\u00e9\\ud83d\\ude00\"", "null"), "\"1 3\"\n\"2 3\"\n\"1 4\"\n\"2 4\"\n\"[1] null é😀\"\n");
    }

    #[test]
    fn builtins() {
        assert_eq!(compact(".items[0].metadata.labels | keys", PODS), "[\"app\",\"app.kubernetes.io/name\"]\n");
        assert_eq!(compact("keys, keys_unsorted", "{\"b\":1,\"a\":2}"), "[\"a\",\"b\"]\n[\"b\",\"a\"]\n");
        assert_eq!(compact("to_entries", "{\"b\":1,\"a\":2}"), "[{\"key\":\"b\",\"value\":1},{\"key\":\"a\",\"value\":2}]\n");
        assert_eq!(compact("to_entries", "[\"x\"]"), "[{\"key\":0,\"value\":\"x\"}]\n");
        assert_eq!(compact(".items[] | .status | has(\"podIP\")", PODS), "true\nfalse\n");
        assert_eq!(compact("has(0, 5, -1), (null | has(\"a\"))", "[1, 2]"), "true\nfalse\nfalse\nfalse\n");
        assert_eq!(raw("[.items[].metadata.name] | join(\", \")", PODS), "web-1, Web-2\n");
        assert_eq!(raw("[1, null, \"a\", true] | join(\"-\"), ([] | join(\"-\"))", "null"), "1--a-true\n\n");
        assert_eq!(raw(".items | first.metadata.name, last.metadata.name", PODS), "web-1\nWeb-2\n");
        assert_eq!(raw("first(.items[].metadata.name), [first(empty)]", PODS), "web-1\n[]\n");
        assert_eq!(compact(".items[].status.restarts | tostring", PODS), "\"0\"\n\"3\"\n");
        assert_eq!(raw(".items[].metadata.name | ascii_downcase, ascii_upcase", PODS), "web-1\nWEB-1\nweb-2\nWEB-2\n");
        assert_eq!(raw(".items[].metadata.name | select(test(\"eb-2\"))", PODS), "Web-2\n");
        let anchors = "[test(\"^ng\"), test(\"z$\"), test(\"^nginx$\"), test(\"G\"), startswith(\"ngi\"), endswith(\"x\")]";
        assert_eq!(compact(anchors, "\"nginx\""), "[true,false,true,false,true,true]\n");
        assert_eq!(compact("split(\":\"), (. / \"n\")", "\"nginx:1.25\""), "[\"nginx\",\"1.25\"]\n[\"\",\"gi\",\"x:1.25\"]\n");
        assert_eq!(compact("[length, type], (.[0] | length)", "[\"héllo\"]"), "[1,\"array\"]\n5\n");
        assert_eq!(compact("add, sort, unique, (map(tostring) | add)", "[3, 1.5, 3]"), "7.5\n[1.5,3,3]\n[1.5,3]\n\"31.53\"\n");
        let mixed = "[{\"b\":1}, {\"a\":2}, {\"a\":1}, [2], \"z\", 10, true, null]";
        assert_eq!(compact("sort", mixed), "[null,true,10,\"z\",[2],{\"a\":1},{\"a\":2},{\"b\":1}]\n");
        assert_eq!(compact(".items | sort_by(.metadata.name) | map(.metadata.name)", PODS), "[\"Web-2\",\"web-1\"]\n");
        assert_eq!(compact("sort_by(.n) | map(.i)", "[{\"n\":2,\"i\":1},{\"n\":1,\"i\":2},{\"n\":2,\"i\":3}]"), "[2,1,3]\n");
        assert_eq!(compact("[.[] | type]", "[null, true, 1, \"s\", [], {}]"), "[\"null\",\"boolean\",\"number\",\"string\",\"array\",\"object\"]\n");
        assert_eq!(compact("map(tojson)", "[1, \"a\", {\"b\": [null]}]"), "[\"1\",\"\\\"a\\\"\",\"{\\\"b\\\":[null]}\"]\n");
    }

    #[test]
    fn optional_alternative_arithmetic_formats() {
        assert_eq!(ok(".[]?, .foo?, (.[0].a)?", "3"), "");
        // `?` after an index skips the values it cannot index; `(...)?` stops at the first error.
        assert_eq!(compact("[.[]?.a?], [(.[] | .a)?], [.[] | .[0]?]", "[1, {\"a\": 2}, \"s\", [3]]"), "[2]\n[]\n[3]\n");
        assert_eq!(raw(".items[] | .status.podIP // \"none\"", PODS), "10.244.1.5\nnone\n");
        assert_eq!(compact("[.a // 1, (.b, .c) // 2, (.x // empty)]", "{\"a\": false, \"b\": null, \"c\": 0}"), "[1,0]\n");
        // jq 1.6: `//` lets the left side's errors through; `(...)?` also swallows what its results cause.
        assert_eq!(err(".[0] // 1", "{}\n"), "jq: error (at <stdin>:1): Cannot index object with number\n");
        assert_eq!(ok("(1)? | .a, (.[0]? | .a)?", "[5]"), "");
        assert_eq!(err(".[0]? | .a", "[5]\n"), "jq: error (at <stdin>:1): Cannot index number with string \"a\"\n");
        assert_eq!(compact("[.spec.replicas * 2 + 1, 10 % 3, -10 % 3, 7 / 2, -.spec.replicas, 1 - 3, -1 + 2]", DEPLOY), "[7,1,-1,3.5,-3,-2,1]\n");
        assert_eq!(
            compact("[1,2,3,2] - [2], {a:1} + {b:2, a:3}, \"a\" + \"b\", null + 1, \"ab\" * 2, {a:{b:1}} * {a:{c:2}}", "null"),
            "[1,3]\n{\"a\":3,\"b\":2}\n\"ab\"\n1\n\"abab\"\n{\"a\":{\"b\":1,\"c\":2}}\n"
        );
        assert_eq!(
            raw(".items[] | [.metadata.name, .status.phase, .status.restarts, .status.podIP] | @tsv", PODS),
            "web-1\tRunning\t0\t10.244.1.5\nWeb-2\tPending\t3\t\n"
        );
        assert_eq!(raw("@csv, @json, @text", "[\"a\\\"b\", 1, true]"), "\"a\"\"b\",1,true\n[\"a\\\"b\",1,true]\n[\"a\\\"b\",1,true]\n");
        assert_eq!(ok(".spec # the spec\n| .replicas", DEPLOY), "3\n");
    }

    #[test]
    fn numbers_strings_and_multiple_inputs() {
        let nums = "[1.0, 1.5, 100, 1e-5, 0.0001, 1e17, 1e15, 1e1000, -0.5, 3.0e2, 12345678901234567890, -1e-7, 0.1, -0]";
        let want = "[1,1.5,100,1e-05,0.0001,1e+17,1000000000000000,1.7976931348623157e+308,-0.5,300,12345678901234567000,-1e-07,0.1,-0]\n";
        assert_eq!(compact(".", nums), want);
        let s = r#""a\"b\\c\n\u0001é\ud83d\ude00\t\u007f""#;
        assert_eq!(ok(".", s), "\"a\\\"b\\\\c\\n\\u0001é😀\\t\\u007f\"\n");
        assert_eq!(raw(".", s), "a\"b\\c\n\u{1}é😀\t\u{7f}\n");
        assert_eq!(ok(".", "1 2\n3\t\"x\"{}[]"), "1\n2\n3\n\"x\"\n{}\n[]\n");
        assert_eq!(ok(".", ""), "");
        assert_eq!(ok(".a", "  \n "), "");
        assert_eq!(compact(".", "{\"a\":1,\"a\":2}"), "{\"a\":2}\n");
    }

    #[test]
    fn runtime_errors_read_like_jq() {
        let lines = PODS.lines().count();
        let at = |msg: &str| format!("jq: error (at <stdin>:{lines}): {msg}\n");
        assert_eq!(err(".items.foo", PODS), at("Cannot index array with string \"foo\""));
        assert_eq!(err(".kind[0]", PODS), at("Cannot index string with number"));
        assert_eq!(err(".kind.foo", PODS), at("Cannot index string with string \"foo\""));
        assert_eq!(err(".items[0].status.restarts.x", PODS), at("Cannot index number with string \"x\""));
        let one = |filter: &str, input: &str| err(filter, &format!("{input}\n"));
        let at1 = |msg: &str| format!("jq: error (at <stdin>:1): {msg}\n");
        assert_eq!(one(".[0]", "{\"a\":1}"), at1("Cannot index object with number"));
        assert_eq!(one(".[]", "3"), at1("Cannot iterate over number (3)"));
        assert_eq!(one(".x[]", "{}"), at1("Cannot iterate over null (null)"));
        assert_eq!(one(".[]", "\"abcdefghijklmnop\""), at1("Cannot iterate over string (\"abcdefghij...)"));
        assert_eq!(one("length", "true"), at1("boolean (true) has no length"));
        assert_eq!(one("keys", "1"), at1("number (1) has no keys"));
        assert_eq!(one(". + 1", "\"a\""), at1("string (\"a\") and number (1) cannot be added"));
        assert_eq!(one(". / 0", "1"), at1("number (1) and number (0) cannot be divided because the divisor is zero"));
        assert_eq!(one(". % 0", "1"), at1("number (1) and number (0) cannot be divided (remainder) because the divisor is zero"));
        assert_eq!(one("has(1)", "{}"), at1("Cannot check whether object has a number key"));
        assert_eq!(one("test(\"a\")", "1"), at1("number (1) cannot be matched, as it is not a string"));
        assert_eq!(one("join(\",\")", "[{}]"), at1("string (\"\") and object ({}) cannot be added"));
        assert_eq!(one("ascii_downcase", "1"), at1("explode input must be a string"));
        assert_eq!(one("{(.a): 1}", "{\"a\": 1}"), at1("Cannot use number (1) as object key"));
        assert_eq!(one("@csv", "{}"), at1("object ({}) cannot be csv-formatted, only array"));
        assert_eq!(one("@nope", "1"), at1("nope is not a valid format"));
        assert_eq!(one("-1 / \"s\"", "1"), at1("number (1) and string (\"s\") cannot be divided"));
        assert_eq!(one("unique", "{\"a\":1}"), at1("object ({\"a\":1}) and array ([[1]]) cannot be sorted, as they are not both arrays"));
        // Results before the error still print; later inputs still run; `?` does not hide later errors.
        assert_eq!(err(".[] | .a", "[{\"a\":1}, 2]"), "1\njq: error (at <stdin>:0): Cannot index number with string \"a\"\n");
        assert_eq!(err(".a", "1\n{\"a\":2}\n"), "jq: error (at <stdin>:1): Cannot index number with string \"a\"\n2\n");
        assert_eq!(one(".[]? | .a", "[1]"), at1("Cannot index number with string \"a\""));
    }

    #[test]
    fn compile_errors_read_like_jq() {
        // jq 1.6 prints the error's line padded with spaces up to the error's column.
        let syntax = |line: &str, pad: usize, tok: &str| {
            format!("jq: error: syntax error, unexpected {tok} (Unix shell quoting issues?) at <top-level>, line 1:\n{line}{}\njq: 1 compile error\n", " ".repeat(pad))
        };
        assert_eq!(err("foo", "1"), "jq: error: foo/0 is not defined at <top-level>, line 1:\nfoo\njq: 1 compile error\n");
        assert_eq!(
            err("map(1; 2) | bar", "1"),
            "jq: error: map/2 is not defined at <top-level>, line 1:\nmap(1; 2) | bar\njq: error: bar/0 is not defined at <top-level>, line 1:\nmap(1; 2) | bar            \njq: 2 compile errors\n"
        );
        // A learner's classic: a key with dashes reads as subtractions.
        let (f, sp) = (".metadata.labels.pod-template-hash", |n: usize| " ".repeat(n));
        assert_eq!(
            err(f, "1"),
            format!("jq: error: template/0 is not defined at <top-level>, line 1:\n{f}{}\njq: error: hash/0 is not defined at <top-level>, line 1:\n{f}{}\njq: 2 compile errors\n", sp(21), sp(30))
        );
        assert_eq!(err(".foo |", "1"), syntax(".foo |", 5, "$end"));
        assert_eq!(err(".foo |  # why", "1"), syntax(".foo |  # why", 8, "$end"));
        assert_eq!(err(".items[", "1"), syntax(".items[", 6, "$end"));
        assert_eq!(err(".a b", "1"), syntax(".a b", 3, "IDENT, expecting $end"));
        assert_eq!(err(".a)", "1"), syntax(".a)", 2, "INVALID_CHARACTER, expecting $end"));
        assert_eq!(err(".[1,]", "1"), syntax(".[1,]", 4, "']'"));
        assert_eq!(err("'.foo'", "1"), syntax("'.foo'", 0, "INVALID_CHARACTER, expecting $end"));
        assert_eq!(err("{a: 1 + 2}", "1"), syntax("{a: 1 + 2}", 6, "'+', expecting '}'"));
        assert_eq!(err("| .a", "1"), syntax("| .a", 0, "'|', expecting $end"));
        assert_eq!(err(".a | | .b", "1"), syntax(".a | | .b", 5, "'|'"));
        assert_eq!(err("1 == 2 == 3", "1"), syntax("1 == 2 == 3", 7, "=="));
        assert_eq!(err("map(.a", "1"), syntax("map(.a", 4, "$end, expecting ';' or ')'"));
        assert_eq!(err(".a.", "1"), syntax(".a.", 2, "$end, expecting FORMAT or QQSTRING_START"));
        assert_eq!(err("\"abc", "1"), syntax("\"abc", 1, "$end, expecting QQSTRING_TEXT or QQSTRING_INTERP_START or QQSTRING_END"));
        assert_eq!(
            err("\"x\\q\"", "1"),
            "jq: error: Invalid escape at line 1, column 4 (while parsing '\"\\q\"') at <top-level>, line 1:\n\"x\\q\"  \njq: 1 compile error\n"
        );
        assert_eq!(
            err("1.2.3", "1"),
            "jq: error: Invalid numeric literal at EOF at line 1, column 5 (while parsing '1.2.3') at <top-level>, line 1:\n1.2.3\njq: 1 compile error\n"
        );
        assert_eq!(err("1 + 2 / 0", "1"), "jq: error: Division by zero? at <top-level>, line 1:\n1 + 2 / 0    \njq: 1 compile error\n");
        assert_eq!(err("-(1)?[0]", "1"), syntax("-(1)?[0]", 5, "'[', expecting $end"));
        assert_eq!(err("{a: (1)?}", "1"), syntax("{a: (1)?}", 7, "'?', expecting '}'"));
        assert_eq!(err(".a |\n\n .b[", "1"), "jq: error: syntax error, unexpected $end (Unix shell quoting issues?) at <top-level>, line 3:\n .b[   \njq: 1 compile error\n");
        assert_eq!(err(".a |= 1", "1"), "jq: error: `|=` is not supported by the playground's jq at <top-level>, line 1:\n.a |= 1   \njq: 1 compile error\n");
        for (filter, what) in [("if . then 1 else 2 end", "`if`"), (". as $x | $x", "`as`"), ("@base64d", "`@base64d`"), (".[1:]", "`[from:to]` slicing")] {
            assert!(err(filter, "1").starts_with(&format!("jq: error: {what} is not supported")), "{filter}");
        }
    }

    #[test]
    fn input_parse_errors_read_like_jq() {
        let table = "NAME    READY   STATUS    RESTARTS   AGE\nweb-1   1/1     Running   0          5m\n";
        assert_eq!(err(".", table), "parse error: Invalid numeric literal at line 1, column 5\n");
        assert_eq!(err(".", "apiVersion: v1\nkind: Pod\n"), "parse error: Invalid numeric literal at line 1, column 11\n");
        assert_eq!(err(".", "hello\n"), "parse error: Invalid numeric literal at line 2, column 0\n");
        assert_eq!(err(".", "nope "), "parse error: Invalid literal at line 1, column 5\n");
        assert_eq!(err(".", "1 2 tru"), "1\n2\nparse error: Invalid literal at EOF at line 1, column 7\n");
        assert_eq!(err(".", "{\"a\": 1\n"), "parse error: Unfinished JSON term at EOF at line 2, column 0\n");
        assert_eq!(err(".", "\"abc"), "parse error: Unfinished string at EOF at line 1, column 4\n");
        assert_eq!(err(".", "[1 \"a\"]"), "parse error: Expected separator between values at line 1, column 6\n");
        assert_eq!(err(".", "{a: 1}"), "parse error: Invalid numeric literal at line 1, column 3\n");
        assert_eq!(err(".", "{\"a\": 1,}"), "parse error: Expected another key-value pair at line 1, column 9\n");
        assert_eq!(err(".", "\"\\q\""), "parse error: Invalid escape at line 1, column 4\n");
        assert_eq!(err(".", "\"\\ud800\""), "parse error: Invalid \\uXXXX\\uXXXX surrogate pair escape at line 1, column 8\n");
        assert_eq!(err(".", &"[".repeat(300)), "parse error: Exceeds depth limit for parsing at line 1, column 257\n");
        // As jq hands out a number only once the character after it is read, `2` is lost here.
        assert_eq!(err(".", "1 2,"), "1\nparse error: Expected value before ',' at line 1, column 4\n");
        assert_eq!(err(".", "{1:2}"), "parse error: Object keys must be strings at line 1, column 3\n");
        assert_eq!(err(".", "{\"a\":1}}"), "{\n  \"a\": 1\n}\nparse error: Unmatched '}' at line 1, column 8\n");
        assert_eq!(compact(".", "[inf, -nan, +1, .5, 00012]"), "[1.7976931348623157e+308,null,1,0.5,12]\n");
    }

    /// Malformed filters and inputs, deep nesting and random bytes: errors, never a panic.
    #[test]
    fn never_panics() {
        let atoms = [
            ".", "..", ".a", ".[", "]", "[", "{", "}", "(", ")", "|", ",", "?", ":", ";", "-", "+", "*", "/", "%",
            "==", "<", ">=", "//", "and", "or", "not", "\"", "\"\\(", "\\", "\\u", "1", "-1.5e3", "1e999", "1.2.",
            "null", "length", "keys", "select(", "map(", "has(", "join(", "test(", "first", "last", "to_entries",
            "tostring", "ascii_downcase", "sort_by(", "first(", "split(", "unique", "add", "empty", "$x", "|=", "@tsv",
            "@csv", "@", "#", "\n", " ", "é", "[]", ".[]", ".[-1]", ".[1:]", ".[nan]", "{a:.b}", "{(1):2}", "\"x\"", "'",
            "!", "\"ab\" * 1e9", "{}*{}",
        ];
        let inputs = [
            "", "null", "1", "-0", "\"s\"", "[1,[2,{\"a\":[3]}]]", "{\"a\":{\"b\":[1,\"x\",null]},\"c\":true}", "[",
            "{\"a\"", "{\"a\":}", "[1,]", "\"\\u12\"", "\"\\ud800\"", "\"\\é\"", "\"\\", "tru", "1e", "]", "{1:2}", "é",
            "\"a", "[{}, [], \"\", 0.5, -1e400] {\"k\": \"v\"}",
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..4000 {
            let filter: String = (0..1 + next(10)).map(|_| atoms[next(atoms.len())]).collect();
            let input = inputs[next(inputs.len())];
            let _ = run(&filter, input, next(2) == 0, next(2) == 0);
            let _ = run(".[]?, ..", &filter, false, false);
        }
        for n in [50, 5_000] {
            for f in ["(", "[", "{a:", "-", ".a", "1,", "1+", ". | ", "\"\\(", ".[", "not|"] {
                let r = run(&f.repeat(n), "{}", false, false);
                assert!(n < 100 || r.is_err_and(|e| e.contains("nests too deeply")), "{f}");
            }
        }
        assert!(run(".", &"[".repeat(100_000), false, false).is_err());
        assert!(run("[..] | length", &format!("{}{}", "[".repeat(250), "]".repeat(250)), false, false).is_ok());
    }
}
