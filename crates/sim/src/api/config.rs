//! ConfigMap, Secret and ServiceAccount (`v1`): configuration and identity for pods.

use super::meta::ObjectMeta;
use serde::{Deserialize, Serialize};
use crate::api::StringMap;

/// A ConfigMap: named text values for pods.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMap {
    /// `v1`.
    pub api_version: super::event::Label,
    /// `ConfigMap`.
    pub kind: super::event::Label,
    /// Name and namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Text values.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub data: StringMap,
    /// Base64 binary values.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub binary_data: StringMap,
}

/// A Secret: values kept out of manifests, base64-encoded in `data`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    /// `v1`.
    pub api_version: super::event::Label,
    /// `Secret`.
    pub kind: super::event::Label,
    /// Name and namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// `Opaque` by default.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Base64-encoded values.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub data: StringMap,
    /// Plain values, merged into `data` on write.
    #[serde(default, skip_serializing_if = "StringMap::is_empty")]
    pub string_data: StringMap,
}

/// A ServiceAccount: the identity pods run as.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    /// `v1`.
    pub api_version: super::event::Label,
    /// `ServiceAccount`.
    pub kind: super::event::Label,
    /// Name and namespace.
    #[serde(default)]
    pub metadata: ObjectMeta,
}

/// Base64 (standard alphabet, padded), as Secrets store their values.
pub fn base64_encode(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes base64 (standard alphabet; padding optional, whitespace ignored); `None` when
/// a character is outside the alphabet.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_decodes_what_it_encodes() {
        for s in ["", "f", "fo", "foo", "s3cr3t!", "admin\n"] {
            assert_eq!(super::base64_decode(&super::base64_encode(s.as_bytes())).as_deref(), Some(s.as_bytes()));
        }
        assert_eq!(super::base64_decode("YWRtaW4=\n"), Some(b"admin".to_vec()));
        assert_eq!(super::base64_decode("a*b"), None);
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(super::base64_encode(b""), "");
        assert_eq!(super::base64_encode(b"f"), "Zg==");
        assert_eq!(super::base64_encode(b"fo"), "Zm8=");
        assert_eq!(super::base64_encode(b"foo"), "Zm9v");
        assert_eq!(super::base64_encode(b"s3cr3t!"), "czNjcjN0IQ==");
    }
}
