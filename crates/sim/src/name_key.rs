//! A name as an ordered map's key, kept inline when short: the store's maps of names (one
//! per kind and namespace, up to a million and a half events in one) then compare bytes
//! held in their own nodes instead of reading each name from the heap.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;

/// The longest name kept inline (pod and event names of generated objects fit).
const INLINE: usize = 46;

/// A name, ordered (and borrowed, as bytes) as the `str` it holds.
#[derive(Clone)]
pub enum NameKey {
    /// A name of at most [`INLINE`] bytes: its length and bytes.
    Inline(u8, [u8; INLINE]),
    /// A longer name.
    Heap(Box<str>),
}

impl NameKey {
    /// The key for `name`.
    pub fn new(name: &str) -> NameKey {
        NameKey::of_text(name.as_bytes())
    }

    /// The key holding `bytes`, inline when short; `bytes` are UTF-8 (a `str`'s, or a joined key's).
    fn of_text(bytes: &[u8]) -> NameKey {
        if bytes.len() > INLINE {
            return NameKey::Heap(String::from_utf8_lossy(bytes).into());
        }
        let mut inline = [0; INLINE];
        inline[..bytes.len()].copy_from_slice(bytes);
        NameKey::Inline(bytes.len() as u8, inline)
    }

    /// The key for a namespaced name: `namespace`, a NUL byte, `name` (no name holds a NUL),
    /// so that keys order as (namespace, name) pairs do.
    pub fn pair(namespace: &str, name: &str) -> NameKey {
        NameKey::joined(&[], namespace, name)
    }

    /// [`NameKey::pair`] after the ASCII bytes `head` (a kind's number, say), so that keys
    /// order by `head` first.
    pub fn joined(head: &[u8], namespace: &str, name: &str) -> NameKey {
        with_joined(head, namespace, name, NameKey::of_text)
    }

    /// The namespace and name of a key made by [`NameKey::pair`].
    pub fn parts(&self) -> (&str, &str) {
        let bytes = self.bytes();
        let at = bytes.iter().position(|b| *b == 0).unwrap_or(bytes.len());
        fn text(b: &[u8]) -> &str {
            std::str::from_utf8(b).unwrap_or_default()
        }
        (text(&bytes[..at]), text(bytes.get(at + 1..).unwrap_or_default()))
    }

    /// The name's bytes (always UTF-8: they were copied from a `str`).
    pub fn bytes(&self) -> &[u8] {
        match self {
            NameKey::Inline(len, bytes) => &bytes[..usize::from(*len)],
            NameKey::Heap(name) => name.as_bytes(),
        }
    }
}

/// Calls `f` with the bytes of [`NameKey::pair`]`(namespace, name)`, built on the stack when
/// short: a look-up by a pair then allocates nothing.
pub fn with_pair<R>(namespace: &str, name: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    with_joined(&[], namespace, name, f)
}

/// [`with_pair`] for the keys of [`NameKey::joined`].
pub fn with_joined<R>(head: &[u8], namespace: &str, name: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    debug_assert!(head.is_ascii(), "a key's head is ASCII, so the key stays UTF-8");
    let len = head.len() + namespace.len() + 1 + name.len();
    let fill = |buf: &mut [u8]| {
        let (h, rest) = buf.split_at_mut(head.len());
        h.copy_from_slice(head);
        let (ns, rest) = rest.split_at_mut(namespace.len());
        ns.copy_from_slice(namespace.as_bytes());
        rest[0] = 0;
        rest[1..].copy_from_slice(name.as_bytes());
    };
    if len <= 2 * INLINE {
        let mut buf = [0u8; 2 * INLINE];
        fill(&mut buf[..len]);
        f(&buf[..len])
    } else {
        let mut buf = vec![0u8; len];
        fill(&mut buf);
        f(&buf)
    }
}

impl Borrow<[u8]> for NameKey {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

impl PartialEq for NameKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for NameKey {}

// Hashed as its bytes are, so a hash map keyed by names is searched by borrowed bytes.
impl std::hash::Hash for NameKey {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.bytes().hash(h)
    }
}

impl PartialOrd for NameKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

// Byte order is `str`'s order.
impl Ord for NameKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.bytes().cmp(other.bytes())
    }
}

impl fmt::Debug for NameKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&String::from_utf8_lossy(self.bytes()), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn pairs_order_as_namespace_then_name() {
        // "a" sorts before "a-b" as a namespace, though "a/" sorts after "a-" as text.
        let pairs = [("a", "z"), ("a-b", "a"), ("default", "web-1"), ("default", "web-10"), ("default", &"x".repeat(60))];
        let keys: Vec<NameKey> = pairs.iter().map(|(ns, n)| NameKey::pair(ns, n)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(sorted, keys);
        let map: BTreeMap<NameKey, usize> = keys.iter().cloned().zip(0..).collect();
        for (i, (ns, n)) in pairs.iter().enumerate() {
            assert_eq!(with_pair(ns, n, |k| map.get(k).copied()), Some(i));
            assert_eq!(keys[i].parts(), (*ns, *n));
        }
        assert_eq!(with_pair("a", "b", |k| map.get(k).copied()), None);
    }

    #[test]
    fn keys_order_and_find_as_the_names_do() {
        let long = "a-name-longer-than-forty-six-bytes-which-goes-to-the-heap";
        let names = ["web-1", "web-10", "web-1.17f", "", "Web", long, "web-2", "é", "a-name-longer-than-forty-six-bytes-which-goes"];
        let map: BTreeMap<NameKey, usize> = names.iter().enumerate().map(|(i, n)| (NameKey::new(n), i)).collect();
        let mut sorted = names.to_vec();
        sorted.sort();
        let listed: Vec<&str> = map.keys().map(|k| std::str::from_utf8(k.bytes()).unwrap()).collect();
        assert_eq!(listed, sorted, "the map lists names in str order, inline and long alike");
        assert_eq!(map.get(long.as_bytes()), Some(&5));
        assert_eq!(map.get("web-1".as_bytes()), Some(&0));
        let prefixed: Vec<usize> = map.range::<[u8], _>((std::ops::Bound::Included("web-1".as_bytes()), std::ops::Bound::Unbounded)).take_while(|(k, _)| k.bytes().starts_with(b"web-1")).map(|(_, &i)| i).collect();
        assert_eq!(prefixed, vec![0, 2, 1], "a prefix range finds web-1, web-1.17f and web-10 in order");
    }
}
