//! A reader of DER, the binary encoding of certificates and keys: each element is a tag
//! byte, a length and that many bytes of content. It accepts what Go's `cryptobyte`
//! accepts: one-byte tags, definite lengths in their shortest form.

/// SEQUENCE.
pub const SEQUENCE: u8 = 0x30;
/// INTEGER.
pub const INTEGER: u8 = 0x02;
/// BIT STRING.
pub const BIT_STRING: u8 = 0x03;
/// OCTET STRING.
pub const OCTET_STRING: u8 = 0x04;
/// OBJECT IDENTIFIER.
pub const OID: u8 = 0x06;

/// The constructed, context-specific tag `[n]` (an explicitly tagged field).
pub const fn context(n: u8) -> u8 {
    0xa0 | n
}

/// What is left to read of a DER text.
#[derive(Clone, Copy, Debug)]
pub struct Der<'a>(&'a [u8]);

impl<'a> Der<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Der(bytes)
    }

    /// Whether everything was read.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The tag of the next element, if any.
    pub fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    /// Reads the next element whatever its tag: (tag, content, the whole element).
    pub fn any(&mut self) -> Option<(u8, &'a [u8], &'a [u8])> {
        let (&tag, after) = self.0.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&first, mut after) = after.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || after.len() < count || after[0] == 0 {
                return None;
            }
            let len = after[..count].iter().fold(0usize, |n, b| (n << 8) | usize::from(*b));
            after = &after[count..];
            if len < 0x80 {
                return None;
            }
            len
        };
        if after.len() < len {
            return None;
        }
        let header = self.0.len() - after.len();
        let whole = &self.0[..header + len];
        self.0 = &after[len..];
        Some((tag, &whole[header..], whole))
    }

    /// Reads the next element, which must have `tag`, and gives its content.
    pub fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        self.element(tag).map(|(content, _)| content)
    }

    /// Reads the next element, which must have `tag`: (content, the whole element).
    pub fn element(&mut self, tag: u8) -> Option<(&'a [u8], &'a [u8])> {
        let mut copy = *self;
        let (t, content, whole) = copy.any()?;
        if t != tag {
            return None;
        }
        *self = copy;
        Some((content, whole))
    }

    /// Reads the next element if it has `tag`: `Some(None)` when the next one has another
    /// tag (or there is none), `None` when it has the tag but is malformed.
    pub fn optional(&mut self, tag: u8) -> Option<Option<&'a [u8]>> {
        if self.peek() != Some(tag) {
            return Some(None);
        }
        self.read(tag).map(Some)
    }

    /// Reads an INTEGER and gives its big-endian bytes, checked to be minimally encoded.
    pub fn integer(&mut self) -> Option<Integer<'a>> {
        let bytes = self.read(INTEGER)?;
        match bytes {
            [] => None,
            [0, b, ..] if b & 0x80 == 0 => None,
            [0xff, b, ..] if b & 0x80 != 0 => None,
            _ => Some(Integer(bytes)),
        }
    }

    /// Reads a BIT STRING of whole bytes' worth of bits (unused bits zero) and gives its bits.
    pub fn bit_string(&mut self) -> Option<&'a [u8]> {
        let (&unused, bits) = self.read(BIT_STRING)?.split_first()?;
        let last_clean = bits.last().is_none_or(|b| b & ((1u8 << unused.min(7)) - 1) == 0);
        (unused < 8 && (unused == 0 || !bits.is_empty()) && last_clean).then_some(bits)
    }
}

/// A DER INTEGER's two's-complement, big-endian bytes.
#[derive(Clone, Copy, Debug)]
pub struct Integer<'a>(&'a [u8]);

impl<'a> Integer<'a> {
    /// Whether it is greater than zero.
    pub fn is_positive(&self) -> bool {
        self.0[0] & 0x80 == 0 && self.0.iter().any(|b| *b != 0)
    }

    /// Its magnitude without leading zero bytes (for comparing positive numbers).
    pub fn magnitude(&self) -> &'a [u8] {
        let skip = self.0.iter().take_while(|b| **b == 0).count();
        &self.0[skip..]
    }

    /// Its value when it fits in an `i64`.
    pub fn small(&self) -> Option<i64> {
        if self.0.len() > 8 {
            return None;
        }
        let negative = self.0[0] & 0x80 != 0;
        Some(self.0.iter().fold(if negative { -1i64 } else { 0 }, |n, b| (n << 8) | i64::from(*b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_and_refuses_what_cryptobyte_refuses() {
        let mut d = Der::new(&[0x30, 0x03, 0x02, 0x01, 0x05, 0x04, 0x00]);
        let mut seq = Der::new(d.read(SEQUENCE).unwrap());
        assert_eq!(seq.integer().unwrap().small(), Some(5));
        assert!(seq.is_empty());
        assert_eq!(d.optional(INTEGER), Some(None));
        assert_eq!(d.read(OCTET_STRING), Some(&[][..]));
        assert!(Der::new(&[0x30, 0x81, 0x05, 0, 0, 0, 0, 0]).any().is_none(), "a long form for a short length");
        assert!(Der::new(&[0x30, 0x80, 0x00, 0x00]).any().is_none(), "an indefinite length");
        assert!(Der::new(&[0x30, 0x05, 0x00]).any().is_none(), "longer than the text");
        assert!(Der::new(&[0x02, 0x02, 0x00, 0x05]).integer().is_none(), "a needless leading zero");
        assert_eq!(Der::new(&[0x02, 0x01, 0xff]).integer().unwrap().small(), Some(-1));
        assert_eq!(Der::new(&[0x03, 0x02, 0x01, 0x02]).bit_string(), Some(&[0x02][..]));
        assert!(Der::new(&[0x03, 0x02, 0x01, 0x01]).bit_string().is_none(), "an unused bit set");
    }
}
