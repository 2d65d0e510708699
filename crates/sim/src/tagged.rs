//! Reading internally tagged enums (`{"do": "run", "line": "ls"}`) without serde's derived
//! reader, which buffers each such value in serde's private `Content` tree and compiles a
//! reader of every field type again over that tree (KBs of the page's wasm per enum). The
//! value is read as JSON, its tag taken out, and the rest read as the enum's externally
//! tagged twin (`{"run": {"line": "ls"}}`: a `#[serde(remote)]` copy of the enum's variants),
//! through the crate's decoder ([`crate::decode`]), the one reader of every api type, so no
//! second reader of these types is compiled over serde_json's `Value`. Writing is unchanged:
//! serde's derive writes the tag, then the variant's fields.

use serde::de::{Deserializer, Error, Unexpected};
use serde::Deserialize;
use serde_json::Value;

/// What is wrong with a value read as internally tagged.
pub enum Untagged {
    /// It is neither a map nor a list.
    Neither(Value),
    /// It has no tag.
    Missing,
    /// Its tag is not a string.
    NotAName(Value),
}

/// The variant a tag names and the rest of the value: the tag is taken from anywhere in a map
/// or first in a list, as serde's derive takes it.
pub fn split(value: Value, tag: &str) -> Result<(String, Value), Untagged> {
    let (variant, rest) = match value {
        Value::Object(mut fields) => (fields.remove(tag), Value::Object(fields)),
        Value::Array(mut items) if !items.is_empty() => (Some(items.remove(0)), Value::Array(items)),
        Value::Array(_) => (None, Value::Null),
        other => return Err(Untagged::Neither(other)),
    };
    match variant {
        Some(Value::String(name)) => Ok((name, rest)),
        Some(other) => Err(Untagged::NotAName(other)),
        None => Err(Untagged::Missing),
    }
}

/// `{"tag": "variant", fields...}` (or `["variant", fields...]`) as the externally tagged
/// `{"variant": {fields...}}` that a twin reads.
pub fn retag(value: Value, tag: &str) -> Result<Value, Untagged> {
    let (variant, rest) = split(value, tag)?;
    Ok(Value::Object(serde_json::Map::from_iter([(variant, rest)])))
}

/// Reads an internally tagged value whose tag field is `tag` through the crate's decoder as
/// `W`, a newtype over the enum read with its twin (`struct W(#[serde(with = "Twin")] Enum)`),
/// with serde's derive's messages; `unwrap` takes the enum out. `expecting` ends the error
/// for a value that is neither a map nor a list (`internally tagged enum Action`).
pub fn untag<'de, D: Deserializer<'de>, W: serde::de::DeserializeOwned, T>(d: D, tag: &'static str, expecting: &'static str, unwrap: fn(W) -> T) -> Result<T, D::Error> {
    match retag(Value::deserialize(d)?, tag) {
        Ok(value) => crate::decode::decode::<W>(&value).map(|(w, _)| unwrap(w)).map_err(|e| {
            // The twin's paths start at the variant (`.file.read_only`); the reader knows the
            // value by its fields (`read_only`), found where the outer reader puts its path.
            let field = e.path.strip_prefix('.').and_then(|p| p.split_once('.')).map_or("", |(_, field)| field);
            if field.is_empty() { D::Error::custom(&e.message) } else { D::Error::custom(format_args!("{field}: {}", e.message)) }
        }),
        Err(Untagged::Neither(other)) => Err(D::Error::invalid_type(unexpected(&other), &expecting)),
        Err(Untagged::NotAName(other)) => Err(D::Error::invalid_type(unexpected(&other), &"variant identifier")),
        Err(Untagged::Missing) => Err(D::Error::missing_field(tag)),
    }
}

/// How serde's errors name a JSON value of the wrong type.
fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        // serde_json's own word for it (serde's is "unit value").
        Value::Null => Unexpected::Other("null"),
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (_, Some(i)) => Unexpected::Signed(i),
            _ => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}
