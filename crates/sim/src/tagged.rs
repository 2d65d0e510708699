//! Reading internally tagged enums (`{"do": "run", "line": "ls"}`) without serde's derived
//! reader, which buffers each such value in serde's private `Content` tree and compiles a
//! reader of every field type again over that tree (KBs of the page's wasm per enum). The
//! value is read as JSON, its tag taken out, and the rest read as the enum's externally
//! tagged twin (`{"run": {"line": "ls"}}`: a `#[serde(remote)]` copy of the enum's variants),
//! which serde reads directly. Writing is unchanged: serde's derive writes the tag, then the
//! variant's fields.

use serde::de::{self, DeserializeSeed, Deserializer, Error, IntoDeserializer, Unexpected, Visitor};
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

/// Reads an internally tagged value whose tag field is `tag` with `twin`, the reader of the
/// enum's externally tagged twin, with serde's derive's messages. `expecting` ends the error
/// for a value that is neither a map nor a list (`internally tagged enum Action`).
pub fn untag<'de, D: Deserializer<'de>, T>(d: D, tag: &'static str, expecting: &'static str, twin: fn(Tagged) -> Result<T, serde_json::Error>) -> Result<T, D::Error> {
    match split(Value::deserialize(d)?, tag) {
        Ok((variant, rest)) => twin(Tagged { variant, rest }).map_err(D::Error::custom),
        Err(Untagged::Neither(other)) => Err(D::Error::invalid_type(unexpected(&other), &expecting)),
        Err(Untagged::NotAName(other)) => Err(D::Error::invalid_type(unexpected(&other), &"variant identifier")),
        Err(Untagged::Missing) => Err(D::Error::missing_field(tag)),
    }
}

/// The value without its tag, read as the twin's variant the tag names.
pub struct Tagged {
    variant: String,
    rest: Value,
}

impl<'de> Deserializer<'de> for Tagged {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> de::EnumAccess<'de> for Tagged {
    type Error = serde_json::Error;
    type Variant = Rest;
    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Rest), Self::Error> {
        Ok((seed.deserialize(self.variant.into_deserializer())?, Rest(self.rest)))
    }
}

/// The variant's fields: a map, or a list in field order (the twins have struct variants only).
pub struct Rest(Value);

impl<'de> de::VariantAccess<'de> for Rest {
    type Error = serde_json::Error;
    fn unit_variant(self) -> Result<(), Self::Error> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Self::Error> {
        seed.deserialize(self.0)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(visitor)
    }
}

/// How serde's errors name a JSON value of the wrong type.
fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
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
