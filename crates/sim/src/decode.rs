//! The decoder every typed read goes through: serde over a JSON tree that keeps
//! the field path of where it is, so a wrong value is reported with its path
//! (and, through the manifest's recorded positions, its line and column), and
//! every field the types do not know is collected instead of silently dropped.
//! One small deserializer for all types keeps the wasm lean.

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;

/// A decoding failure at a field path (its [`DecodeFailure`], boxed: failures are rare, and a
/// one-word error keeps the result of every decoding step small).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(Box<DecodeFailure>);

/// Where and how a decode failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeFailure {
    /// Where it failed, e.g. `spec.containers[0].ports[0].containerPort` ("" for the root).
    pub path: String,
    /// serde's description, e.g. `invalid type: string "eighty", expected i32`.
    pub message: String,
}

impl std::ops::Deref for DecodeError {
    type Target = DecodeFailure;
    fn deref(&self) -> &DecodeFailure {
        &self.0
    }
}

impl std::ops::DerefMut for DecodeError {
    fn deref_mut(&mut self) -> &mut DecodeFailure {
        &mut self.0
    }
}

impl DecodeError {
    /// Attaches the node's path to an error raised by a visitor (the innermost path wins).
    #[inline(never)]
    fn at(mut self, node: &Decoder) -> Self {
        if self.path.is_empty() {
            self.path = node.path();
        }
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError(Box::new(DecodeFailure { path: String::new(), message: msg.to_string() }))
    }
}

/// Decodes `T` from a JSON tree; returns it with the paths of the fields `T` does not have.
pub fn decode<'de, T: Deserialize<'de>>(value: &'de Value) -> Result<(T, Vec<String>)> {
    let unknown = RefCell::new(Vec::new());
    let t = T::deserialize(Decoder { value, at: None, unknown: &unknown, siblings: &[] })?;
    Ok((t, unknown.into_inner()))
}

/// The field names of one struct type, as serde's derive lists them (renamed, no skipped fields).
pub type FieldNames = &'static [&'static str];

thread_local! {
    /// While [`with_known_fields`] runs: each unknown field's path and its struct's fields.
    static KNOWN_FIELDS: RefCell<Option<Vec<(String, FieldNames)>>> = const { RefCell::new(None) };
}

/// Runs `f` (decodes) and returns its result with, for every unknown field met, its path
/// and the fields of the type it was found in: the types' own lists, for did-you-mean hints.
pub fn with_known_fields<R>(f: impl FnOnce() -> R) -> (R, Vec<(String, FieldNames)>) {
    KNOWN_FIELDS.with(|k| *k.borrow_mut() = Some(Vec::new()));
    let result = f();
    (result, KNOWN_FIELDS.with(|k| k.borrow_mut().take()).unwrap_or_default())
}

/// One step of a field path, linked to the step before it. The path is written out only
/// when it is needed (an error, an unknown field), not for every value decoded.
struct Step<'de, 'p> {
    parent: Option<&'p Step<'de, 'p>>,
    name: &'de str,
    /// The item's index in a list (`name` is then unused).
    index: Option<usize>,
    /// An enum's variant, written `.Variant` even at the root.
    variant: bool,
}

impl Step<'_, '_> {
    fn write(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write(out);
        }
        if let Some(i) = self.index {
            out.push('[');
            out.push_str(&i.to_string());
            out.push(']');
        } else {
            if !out.is_empty() || self.variant {
                out.push('.');
            }
            out.push_str(self.name);
        }
    }
}

/// A serde deserializer over one node of the tree.
#[derive(Clone, Copy)]
struct Decoder<'de, 'u> {
    value: &'de Value,
    /// Where the node is (None at the root).
    at: Option<&'u Step<'de, 'u>>,
    unknown: &'u RefCell<Vec<String>>,
    /// The fields of the struct this node is a field of (empty in maps and lists).
    siblings: FieldNames,
}

impl Decoder<'_, '_> {
    /// The node's field path, e.g. `spec.containers[0].ports[0].containerPort` ("" at the root).
    #[inline(never)]
    fn path(&self) -> String {
        let mut out = String::new();
        if let Some(step) = self.at {
            step.write(&mut out);
        }
        out
    }
}

type Result<T> = std::result::Result<T, DecodeError>;

impl<'de> de::Deserializer<'de> for Decoder<'de, '_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visitor.visit_seq(Seq { items: items.iter(), index: 0, parent: &self }),
            Value::Object(map) => visitor.visit_map(Map { entries: map.iter(), pending: None, parent: &self, fields: &[] }),
        };
        result.map_err(|e| e.at(&self))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(self, _name: &'static str, _variants: &'static [&'static str], visitor: V) -> Result<V::Value> {
        match self.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()).map_err(|e: DecodeError| e.at(&self)),
            Value::Object(map) if map.len() == 1 => {
                let (variant, value) = map.iter().next().expect("one entry");
                let step = Step { parent: self.at, name: variant, index: None, variant: true };
                let inner = Decoder { value, at: Some(&step), unknown: self.unknown, siblings: &[] };
                visitor.visit_enum(Variant { name: variant, value: inner }).map_err(|e| e.at(&self))
            }
            other => Err(self.mismatch(other, &"a variant name, or a map with one key naming it")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.note_unknown();
        visitor.visit_unit()
    }

    // Typed entry points visit only the shape they expect, so each visitor's
    // instantiation carries one branch instead of all six (a large saving in wasm).
    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        self.visit_object(fields, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_object(&[], visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Array(items) => visitor.visit_seq(Seq { items: items.iter(), index: 0, parent: &self }).map_err(|e| e.at(&self)),
            other => Err(self.mismatch(other, &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s).map_err(|e: DecodeError| e.at(&self)),
            other => Err(self.mismatch(other, &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(*b).map_err(|e: DecodeError| e.at(&self)),
            other => Err(self.mismatch(other, &visitor)),
        }
    }

    // Numbers: only the number branch (a number type's visitor rejects every other shape
    // with the same message `mismatch` writes).
    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.visit_number(visitor)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char
        bytes byte_buf unit unit_struct tuple tuple_struct
    }
}

impl<'de> Decoder<'de, '_> {
    /// A mapping, as a struct with these fields or (none) as a map.
    fn visit_object<V: Visitor<'de>>(self, fields: FieldNames, visitor: V) -> Result<V::Value> {
        match self.value {
            Value::Object(map) => visitor.visit_map(Map { entries: map.iter(), pending: None, parent: &self, fields }).map_err(|e| e.at(&self)),
            other => Err(self.mismatch(other, &visitor)),
        }
    }

    /// A number, as `deserialize_any` visits it.
    fn visit_number<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let Value::Number(n) = self.value else { return Err(self.mismatch(self.value, &visitor)) };
        let result = if let Some(u) = n.as_u64() {
            visitor.visit_u64(u)
        } else if let Some(i) = n.as_i64() {
            visitor.visit_i64(i)
        } else {
            visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
        };
        result.map_err(|e: DecodeError| e.at(&self))
    }

    /// The error for a value of the wrong shape, at this path.
    #[inline(never)]
    fn mismatch(&self, found: &Value, expected: &dyn de::Expected) -> DecodeError {
        <DecodeError as de::Error>::invalid_type(unexpected(found), expected).at(self)
    }

    /// Records this node as a field its type does not have, with the type's fields.
    #[inline(never)]
    fn note_unknown(&self) {
        let path = self.path();
        KNOWN_FIELDS.with(|k| {
            if let Some(known) = k.borrow_mut().as_mut() {
                known.push((path.clone(), self.siblings));
            }
        });
        self.unknown.borrow_mut().push(path);
    }
}

/// An enum written as `{"Variant": value}`.
struct Variant<'de, 'u> {
    name: &'de str,
    value: Decoder<'de, 'u>,
}

impl<'de, 'u> de::EnumAccess<'de> for Variant<'de, 'u> {
    type Error = DecodeError;
    type Variant = Decoder<'de, 'u>;
    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self::Variant)> {
        let v = seed.deserialize(de::value::BorrowedStrDeserializer::new(self.name))?;
        Ok((v, self.value))
    }
}

impl<'de> de::VariantAccess<'de> for Decoder<'de, '_> {
    type Error = DecodeError;
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_any(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_any(self, visitor)
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => n.as_i64().map_or(de::Unexpected::Float(n.as_f64().unwrap_or(0.0)), de::Unexpected::Signed),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct Seq<'a, 'de, 'u> {
    items: std::slice::Iter<'de, Value>,
    index: usize,
    parent: &'a Decoder<'de, 'u>,
}

impl<'de> de::SeqAccess<'de> for Seq<'_, 'de, '_> {
    type Error = DecodeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(item) = self.items.next() else { return Ok(None) };
        let step = Step { parent: self.parent.at, name: "", index: Some(self.index), variant: false };
        self.index += 1;
        seed.deserialize(Decoder { value: item, at: Some(&step), unknown: self.parent.unknown, siblings: &[] }).map(Some)
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'a, 'de, 'u> {
    entries: serde_json::map::Iter<'de>,
    pending: Option<(&'de String, &'de Value)>,
    parent: &'a Decoder<'de, 'u>,
    /// The struct's fields (empty for a map).
    fields: FieldNames,
}

impl<'de> de::MapAccess<'de> for Map<'_, 'de, '_> {
    type Error = DecodeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some((k, v)) = self.entries.next() else { return Ok(None) };
        self.pending = Some((k, v));
        seed.deserialize(de::value::BorrowedStrDeserializer::new(k)).map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let Some((k, v)) = self.pending.take() else { return Err(<DecodeError as de::Error>::custom("value without a key")) };
        let step = Step { parent: self.parent.at, name: k, index: None, variant: false };
        seed.deserialize(Decoder { value: v, at: Some(&step), unknown: self.parent.unknown, siblings: self.fields })
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Deployment, Pod};
    use serde_json::json;

    #[test]
    fn type_errors_name_their_path() {
        let v = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": "eighty"}]}]}});
        let err = decode::<Pod>(&v).unwrap_err();
        assert_eq!(err.path, "spec.containers[0].ports[0].containerPort");
        assert_eq!(err.message, "invalid type: string \"eighty\", expected i32");
    }

    #[test]
    fn a_number_field_names_what_it_found_instead() {
        let found = |port: serde_json::Value| {
            let v = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": port}]}]}});
            let err = decode::<Pod>(&v).unwrap_err();
            assert_eq!(err.path, "spec.containers[0].ports[0].containerPort");
            err.message.clone()
        };
        assert_eq!(found(json!(null)), "invalid type: unit value, expected i32");
        assert_eq!(found(json!(true)), "invalid type: boolean `true`, expected i32");
        assert_eq!(found(json!([80])), "invalid type: sequence, expected i32");
        assert_eq!(found(json!({"port": 80})), "invalid type: map, expected i32");
        assert_eq!(found(json!(80.5)), "invalid type: floating point `80.5`, expected i32");
        assert_eq!(found(json!(4_000_000_000u64)), "invalid value: integer `4000000000`, expected i32");
        let ok = json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "x", "ports": [{"containerPort": -80}]}]}});
        assert_eq!(decode::<Pod>(&ok).unwrap().0.spec.containers[0].ports[0].container_port, -80);
    }

    #[test]
    fn every_unknown_field_is_collected() {
        let v = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "lables": {}},
            "spec": {"replica": 3, "template": {"spec": {"containers": [{"name": "c", "image": "x", "imagePullPolicyy": "Always"}]}}}});
        let (d, unknown) = decode::<Deployment>(&v).unwrap();
        assert_eq!(d.metadata.name, "x");
        assert_eq!(unknown, vec!["metadata.lables", "spec.replica", "spec.template.spec.containers[0].imagePullPolicyy"]);
    }

    #[test]
    fn unknown_fields_come_with_the_fields_of_their_type() {
        let v = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "labels": {"any": "key"}}, "spce": {}, "spec": {"containers": [{"name": "c", "imagePullPolicyy": "Always"}]}});
        let (decoded, known) = with_known_fields(|| decode::<Pod>(&v));
        assert_eq!(decoded.unwrap().1, vec!["spce", "spec.containers[0].imagePullPolicyy"]);
        assert_eq!(known.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(), vec!["spce", "spec.containers[0].imagePullPolicyy"]);
        assert_eq!(known[0].1, &["apiVersion", "kind", "metadata", "spec", "status"], "serde's own list, by the serialized names");
        assert!(known[1].1.contains(&"imagePullPolicy"), "fields skipped when empty are listed too: {:?}", known[1].1);
        let _ = decode::<Pod>(&v);
        assert!(KNOWN_FIELDS.with(|k| k.borrow().is_none()), "recording ends with the closure");
    }

    #[test]
    fn options_enums_and_untagged_values() {
        let v = json!({"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"replicas": null, "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}}}});
        let (d, _) = decode::<Deployment>(&v).unwrap();
        assert_eq!(d.spec.replicas, None);
        let ru = d.spec.strategy.rolling_update.unwrap();
        assert_eq!(ru.max_surge, Some(crate::api::IntOrString::String("25%".into())));
        assert_eq!(ru.max_unavailable, Some(crate::api::IntOrString::Int(1)));
        let (t, _) = decode::<crate::store::EventType>(&json!("DELETED")).unwrap();
        assert_eq!(t, crate::store::EventType::Deleted);
        assert!(decode::<crate::store::EventType>(&json!("GONE")).is_err());
    }
}
