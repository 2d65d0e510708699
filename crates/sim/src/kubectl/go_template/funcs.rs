//! The functions a kubectl template may call: text/template's builtins (Go 1.20)
//! and kubectl's two additions, `exists` and `base64decode`, with their errors.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::Value;

use super::exec::{child, Key};
use super::fmt;
use super::value::{Kind, Val};

/// Every function name a template may use.
pub(super) const NAMES: &[&str] = &[
    "and", "base64decode", "call", "eq", "exists", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or", "print", "printf", "println", "slice", "urlquery",
];

/// What a parameter accepts, as the Go type of the function's parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Param {
    /// `reflect.Value`: anything, missing values included.
    Value,
    /// `interface{}`: anything; a missing value becomes nil.
    Any,
    /// `string`.
    Str,
    /// No type: the receiver of a `(pipeline).field` chain.
    Untyped,
}

/// A function's parameters: fixed ones, then the type of any more.
pub(super) struct Signature {
    pub fixed: &'static [Param],
    pub variadic: Option<Param>,
}

/// The signature of a function, if there is one by that name.
pub(super) fn signature(name: &str) -> Option<Signature> {
    use Param::*;
    let (fixed, variadic): (&'static [Param], _) = match name {
        "and" | "or" | "call" | "index" | "slice" | "eq" => (&[Value], Some(Value)),
        "ne" | "lt" | "le" | "gt" | "ge" => (&[Value, Value], None),
        "len" | "not" => (&[Value], None),
        "html" | "js" | "urlquery" | "print" | "println" => (&[], Some(Any)),
        "printf" => (&[Str], Some(Any)),
        "base64decode" => (&[Str], None),
        "exists" => (&[Any], Some(Any)),
        _ => return None,
    };
    Some(Signature { fixed, variadic })
}

/// Calls a function on arguments already checked against its signature.
pub(super) fn call<'a>(name: &str, args: Vec<Val<'a>>) -> Result<Val<'a>, String> {
    let text = |i: usize| args.get(i).and_then(Val::as_str).unwrap_or_default().to_string();
    match name {
        "print" => Ok(Val::Str(fmt::sprint(&args))),
        "println" => Ok(Val::Str(fmt::sprintln(&args))),
        "printf" => Ok(Val::Str(fmt::sprintf(&text(0), &args[1..]))),
        "html" => Ok(Val::Str(html_escape(&escaper_text(&args)))),
        "js" => Ok(Val::Str(js_escape(&escaper_text(&args)))),
        "urlquery" => Ok(Val::Str(query_escape(&escaper_text(&args)))),
        "base64decode" => base64_decode(&text(0)).map(|b| Val::Str(String::from_utf8_lossy(&b).into_owned())).map_err(|at| format!("base64 decode failed: illegal base64 data at input byte {at}")),
        "not" => Ok(Val::Bool(!indirect(&args[0]).truth())),
        "len" => length(&args[0]).map(|n| Val::Int(n as i64)),
        "index" => index(&args[0], &args[1..]),
        "slice" => slice(&args[0], &args[1..]),
        "eq" => eq(&args[0], &args[1..]).map(Val::Bool),
        "ne" => eq(&args[0], &args[1..2]).map(|e| Val::Bool(!e)),
        "lt" => lt(&args[0], &args[1]).map(Val::Bool),
        "le" => le(&args[0], &args[1]).map(Val::Bool),
        "gt" => le(&args[0], &args[1]).map(|le| Val::Bool(!le)),
        "ge" => lt(&args[0], &args[1]).map(|lt| Val::Bool(!lt)),
        "exists" => Ok(Val::Bool(exists(&args[0], &args[1..]))),
        "call" => match indirect(&args[0]) {
            Val::Missing => Err("call of nil".into()),
            f => Err(format!("non-function of type {}", f.type_name())),
        },
        _ => Err(format!("{} is not a defined function", fmt::quote(name))),
    }
}

/// Go's `indirectInterface`: a nil held in an interface is no value at all.
fn indirect<'a>(v: &Val<'a>) -> Val<'a> {
    match v {
        Val::Nil => Val::Missing,
        Val::Data(d, _) if d.is_null() => Val::Missing,
        Val::Data(d, _) => Val::Data(d.clone(), false),
        other => other.clone(),
    }
}

/// Whether a value is a nil held in an interface (Go's `indirect` finding nil).
fn is_nil_in_interface(v: &Val<'_>) -> bool {
    matches!(v, Val::Nil) || v.data().is_some_and(Value::is_null)
}

/// The text the escapers work on: one string as it is, else `fmt.Sprint` of the
/// arguments with missing values printed as `<no value>`.
fn escaper_text(args: &[Val<'_>]) -> String {
    if let [one] = args {
        if let Some(s) = one.as_str() {
            return s.to_string();
        }
    }
    let printable: Vec<Val<'_>> = args.iter().map(|a| if matches!(indirect(a), Val::Missing) { Val::Str("<no value>".into()) } else { a.clone() }).collect();
    fmt::sprint(&printable)
}

/// Go's `template.HTMLEscapeString`.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u00{:02X}", c as u32);
            }
            c if !c.is_ascii() && !fmt::is_printable(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(b)),
            b' ' => out.push('+'),
            b => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Go's `base64.StdEncoding.DecodeString`; the error is the offset of the bad byte.
fn base64_decode(s: &str) -> Result<Vec<u8>, usize> {
    let src = s.as_bytes();
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let skip_newlines = |mut si: usize| {
        while si < src.len() && matches!(src[si], b'\n' | b'\r') {
            si += 1;
        }
        si
    };
    let mut out = Vec::new();
    let mut si = 0;
    loop {
        let mut quantum = [0u32; 4];
        let mut j = 0;
        let mut ended = false;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return Err(si - j);
            }
            let c = src[si];
            si += 1;
            if let Some(v) = value(c) {
                quantum[j] = v;
                j += 1;
                continue;
            }
            if matches!(c, b'\n' | b'\r') {
                continue;
            }
            if c != b'=' || j < 2 {
                return Err(si - 1);
            }
            if j == 2 {
                si = skip_newlines(si);
                if si == src.len() {
                    return Err(src.len());
                }
                if src[si] != b'=' {
                    return Err(si - 1);
                }
                si += 1;
            }
            si = skip_newlines(si);
            if si < src.len() {
                return Err(si);
            }
            ended = true;
            break;
        }
        let n = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..j - 1]);
        if ended {
            return Ok(out);
        }
    }
}

/// Go's `len`.
fn length(item: &Val<'_>) -> Result<usize, String> {
    if is_nil_in_interface(item) {
        return Err("len of nil pointer".into());
    }
    if matches!(item, Val::Missing) {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    item.len().ok_or_else(|| format!("len of type {}", item.type_name()))
}

/// An index argument (Go's `indexArg`), checked against `cap`.
fn index_arg(index: &Val<'_>, cap: usize) -> Result<usize, String> {
    let x = match indirect(index) {
        Val::Missing => return Err("cannot index slice/array with nil".into()),
        i => i.as_int().ok_or_else(|| format!("cannot index slice/array with type {}", i.type_name()))?,
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

/// Go's `index`: `index x 1 "a"` is `x[1]["a"]`.
fn index<'a>(item: &Val<'a>, indexes: &[Val<'a>]) -> Result<Val<'a>, String> {
    let mut item = indirect(item);
    if matches!(item, Val::Missing) {
        return Err("index of untyped nil".into());
    }
    for i in indexes {
        if is_nil_in_interface(&item) {
            return Err("index of nil pointer".into());
        }
        item = match (&item, item.kind()) {
            (_, Kind::String) => {
                let s = item.as_str().unwrap_or_default();
                let x = index_arg(i, s.len())?;
                Val::Byte(*s.as_bytes().get(x).ok_or("reflect: string index out of range")?)
            }
            (Val::Data(d, _), Kind::Slice) => {
                let x = index_arg(i, item.len().unwrap_or(0))?;
                Val::Data(child(d, Key::Index(x)).ok_or("reflect: slice index out of range")?, true)
            }
            (Val::Data(d, _), Kind::Map) => {
                let key = match indirect(i) {
                    Val::Missing => return Err("value is nil; should be of type string".into()),
                    k => k.as_str().map(str::to_string).ok_or_else(|| format!("value has type {}; should be string", k.type_name()))?,
                };
                Val::Data(child(d, Key::Field(&key)).unwrap_or(Cow::Owned(Value::Null)), true)
            }
            _ => return Err(format!("can't index item of type {}", item.type_name())),
        };
    }
    Ok(item)
}

/// Go's `slice`: `slice x 1 2` is `x[1:2]`.
fn slice<'a>(item: &Val<'a>, indexes: &[Val<'a>]) -> Result<Val<'a>, String> {
    let item = indirect(item);
    if matches!(item, Val::Missing) {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let (len, cap) = match item.kind() {
        Kind::String if indexes.len() == 3 => return Err("cannot 3-index slice a string".into()),
        Kind::String => (item.len().unwrap_or(0), item.len().unwrap_or(0)),
        Kind::Slice => (item.len().unwrap_or(0), decoded_capacity(item.len().unwrap_or(0))),
        _ => return Err(format!("can't slice item of type {}", item.type_name())),
    };
    let mut idx = [0, len, cap];
    for (n, i) in indexes.iter().enumerate() {
        idx[n] = index_arg(i, cap)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    if let Some(s) = item.as_str() {
        return Ok(Val::Str(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]]).into_owned()));
    }
    // Up to the capacity, past the length, a slice holds nils.
    let all = item.data().and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let items = (idx[0]..idx[1]).map(|i| all.get(i).cloned().unwrap_or(Value::Null)).collect();
    Ok(Val::Data(Cow::Owned(Value::Array(items)), false))
}

/// The capacity encoding/json leaves a decoded `[]interface{}` with: appended one by
/// one, it doubles from 1 (up to 256 elements; beyond, this takes the length).
fn decoded_capacity(len: usize) -> usize {
    match len {
        0 => 0,
        1..=256 => len.next_power_of_two(),
        _ => len,
    }
}

/// The kinds comparisons know (Go's `basicKind`); `None` for the rest.
fn basic_kind(v: &Val<'_>) -> Option<Kind> {
    match v.kind() {
        k @ (Kind::Bool | Kind::Int | Kind::Uint | Kind::Float | Kind::String) => Some(k),
        _ => None,
    }
}

/// `%s` of a value, as Go's comparison errors print one.
fn sprintf_s(v: &Val<'_>) -> String {
    fmt::sprintf("%s", std::slice::from_ref(v))
}

/// Go's `eq`: whether the first argument equals any of the others.
fn eq(first: &Val<'_>, others: &[Val<'_>]) -> Result<bool, String> {
    let a = indirect(first);
    if others.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(&a);
    for other in others {
        let b = indirect(other);
        let k2 = basic_kind(&b);
        let truth = match (k1, k2) {
            (Some(Kind::Int | Kind::Uint), Some(Kind::Int | Kind::Uint)) => a.as_int() == b.as_int(),
            (Some(x), Some(y)) if x != y => return Err("incompatible types for comparison".into()),
            (Some(Kind::Float), _) => a.as_float() == b.as_float(),
            (Some(Kind::Bool), _) => a.truth() == b.truth(),
            (Some(_), Some(_)) => a.as_str() == b.as_str(),
            // One side missing: not equal, and no error.
            (Some(_), None) | (None, Some(_)) if matches!(a, Val::Missing) || matches!(b, Val::Missing) => false,
            (Some(_), None) | (None, Some(_)) => return Err("incompatible types for comparison".into()),
            (None, None) => match (&a, &b) {
                (Val::Missing, Val::Missing) => true,
                (Val::Missing, _) | (_, Val::Missing) => false,
                _ if a.type_name() == b.type_name() => return Err(format!("non-comparable type {}: {}", sprintf_s(&b), b.type_name())),
                _ => return Err(format!("non-comparable types {}: {}, {}: {}", sprintf_s(&a), a.type_name(), b.type_name(), fmt::sprint_one(&b))),
            },
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go's `lt`.
fn lt(a: &Val<'_>, b: &Val<'_>) -> Result<bool, String> {
    let (a, b) = (indirect(a), indirect(b));
    let bad_type = || "invalid type for comparison".to_string();
    let k1 = basic_kind(&a).ok_or_else(bad_type)?;
    let k2 = basic_kind(&b).ok_or_else(bad_type)?;
    match (k1, k2) {
        (Kind::Int | Kind::Uint, Kind::Int | Kind::Uint) => Ok(a.as_int() < b.as_int()),
        (x, y) if x != y => Err("incompatible types for comparison".into()),
        (Kind::Bool, _) => Err(bad_type()),
        (Kind::Float, _) => Ok(a.as_float() < b.as_float()),
        _ => Ok(a.as_str() < b.as_str()),
    }
}

/// Go's `le`: `lt` or `eq`.
fn le(a: &Val<'_>, b: &Val<'_>) -> Result<bool, String> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

/// kubectl's `exists`: whether `index` would find something that is not nil.
fn exists(item: &Val<'_>, indexes: &[Val<'_>]) -> bool {
    let mut v = item.clone();
    for i in indexes {
        if is_nil_in_interface(&v) || matches!(v, Val::Missing) {
            return false;
        }
        let i = indirect(i);
        v = match (&v, v.kind()) {
            (_, Kind::String) => match i.as_int().and_then(|x| usize::try_from(x).ok()).and_then(|x| v.as_str().and_then(|s| s.as_bytes().get(x).copied())) {
                Some(b) => Val::Byte(b),
                None => return false,
            },
            (Val::Data(d, _), Kind::Slice) => match i.as_int().and_then(|x| usize::try_from(x).ok()).and_then(|x| child(d, Key::Index(x))) {
                Some(c) => Val::Data(c, true),
                None => return false,
            },
            (Val::Data(d, _), Kind::Map) => {
                let Some(key) = (match &i {
                    Val::Missing => Some(String::new()),
                    k => k.as_str().map(str::to_string),
                }) else {
                    return false;
                };
                match child(d, Key::Field(&key)) {
                    Some(c) => Val::Data(c, true),
                    None => return false,
                }
            }
            _ => return false,
        };
    }
    !is_nil_in_interface(&v) && !matches!(v, Val::Missing)
}
