//! The values a template handles: pieces of the decoded JSON object kubectl gives
//! it (`map[string]interface{}`, `[]interface{}`, `int64`, `float64`, `string`,
//! `bool`, nil) and what functions and literals make (`int`, `string`, `bool`,
//! `float64`), with Go's names for their types.

use std::borrow::Cow;

use serde_json::Value;

/// A value during execution (Go's `reflect.Value`).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Val<'a> {
    /// Go's invalid value: a missing map key, a nil that went through a pipeline.
    Missing,
    /// A piece of the data. `boxed`: its static type is `interface {}` (it was read
    /// straight out of a map or slice, not yet through a pipeline).
    Data(Cow<'a, Value>, bool),
    /// A string made by a literal or a function.
    Str(String),
    /// An `int` (a literal, an index, `len`).
    Int(i64),
    /// A `float64` literal.
    Float(f64),
    /// A `bool` literal or a function's answer.
    Bool(bool),
    /// A `uint8`: a byte read from a string by `index`.
    Byte(u8),
    /// An explicit `nil` argument.
    Nil,
}

/// The kinds of value comparisons and conversions tell apart (Go's `reflect.Kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Invalid,
    Nil,
    Bool,
    Int,
    Uint,
    Float,
    String,
    Slice,
    Map,
}

impl<'a> Val<'a> {
    /// A piece of the data as read out of a map or slice.
    pub fn boxed(v: &'a Value) -> Self {
        Val::Data(Cow::Borrowed(v), true)
    }

    /// The value as the end of a pipeline leaves it: out of its interface, nil gone invalid.
    pub fn unboxed(self) -> Self {
        match self {
            Val::Data(v, _) if v.is_null() => Val::Missing,
            Val::Data(v, _) => Val::Data(v, false),
            Val::Nil => Val::Missing,
            other => other,
        }
    }

    /// The value's kind, looking inside an interface.
    pub fn kind(&self) -> Kind {
        match self {
            Val::Missing => Kind::Invalid,
            Val::Nil => Kind::Nil,
            Val::Str(_) => Kind::String,
            Val::Int(_) => Kind::Int,
            Val::Byte(_) => Kind::Uint,
            Val::Float(_) => Kind::Float,
            Val::Bool(_) => Kind::Bool,
            Val::Data(v, _) => match v.as_ref() {
                Value::Null => Kind::Nil,
                Value::Bool(_) => Kind::Bool,
                Value::Number(n) if n.is_f64() => Kind::Float,
                Value::Number(_) => Kind::Int,
                Value::String(_) => Kind::String,
                Value::Array(_) => Kind::Slice,
                Value::Object(_) => Kind::Map,
            },
        }
    }

    /// Go's name of the value's dynamic type (`%T`, "len of type float64").
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Missing | Val::Nil => "<nil>",
            Val::Str(_) => "string",
            Val::Int(_) => "int",
            Val::Byte(_) => "uint8",
            Val::Float(_) => "float64",
            Val::Bool(_) => "bool",
            // A nil interface has no dynamic type: %T prints <nil>.
            Val::Data(v, _) if v.is_null() => "<nil>",
            Val::Data(v, _) => crate::kubectl::jsonpath::go_type(v),
        }
    }

    /// The static type Go reports for a receiver (`can't evaluate field x in type ...`).
    pub fn static_type_name(&self) -> &'static str {
        match self {
            Val::Data(_, true) => "interface {}",
            other => other.type_name(),
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::Data(v, _) => v.as_str(),
            _ => None,
        }
    }

    /// The value of an integer (signed or not).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(*i),
            Val::Byte(b) => Some(i64::from(*b)),
            Val::Data(v, _) if self.kind() == Kind::Int => v.as_i64(),
            _ => None,
        }
    }

    /// The value of a float.
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Val::Float(f) => Some(*f),
            Val::Data(v, _) if self.kind() == Kind::Float => v.as_f64(),
            _ => None,
        }
    }

    /// The JSON a data value holds.
    pub fn data(&self) -> Option<&Value> {
        match self {
            Val::Data(v, _) => Some(v.as_ref()),
            _ => None,
        }
    }

    /// Go's `isTrue`: false for the zero value of any kind, and for nil and invalid.
    pub fn truth(&self) -> bool {
        match self {
            Val::Missing | Val::Nil => false,
            Val::Str(s) => !s.is_empty(),
            Val::Int(i) => *i != 0,
            Val::Byte(b) => *b != 0,
            Val::Float(f) => *f != 0.0,
            Val::Bool(b) => *b,
            Val::Data(v, _) => match v.as_ref() {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Object(m) => !m.is_empty(),
            },
        }
    }

    /// The length of a string (bytes), slice or map.
    pub fn len(&self) -> Option<usize> {
        match self {
            Val::Str(s) => Some(s.len()),
            Val::Data(v, _) => match v.as_ref() {
                Value::String(s) => Some(s.len()),
                Value::Array(a) => Some(a.len()),
                Value::Object(m) => Some(m.len()),
                _ => None,
            },
            _ => None,
        }
    }
}
