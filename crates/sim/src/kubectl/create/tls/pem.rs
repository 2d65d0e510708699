//! PEM blocks as Go's `encoding/pem` finds them: a `-----BEGIN TYPE-----` line, optional
//! `Key: value` headers, base64 text, and a matching `-----END TYPE-----` line. A block
//! that is not well formed (no end line, a different type at the end, bad base64) is
//! passed over and the search goes on after its BEGIN line, as Go's decoder does.

/// One decoded block: its type (`CERTIFICATE`, `PRIVATE KEY` ...) and its bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct Block {
    /// The word(s) between `BEGIN ` and the dashes.
    pub kind: String,
    /// The decoded body (DER for certificates and keys).
    pub bytes: Vec<u8>,
}

const BEGIN: &str = "-----BEGIN ";
const END: &str = "\n-----END ";
const DASHES: &str = "-----";

/// Every well-formed block of `text`, in order.
///
/// Models `encoding/pem` `Decode`, called until it finds no more blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some((block, after)) = decode(rest) {
        found.push(block);
        rest = after;
    }
    found
}

/// The first well-formed block of `data` and the text after it.
fn decode(data: &str) -> Option<(Block, &str)> {
    let mut rest = data;
    loop {
        // A BEGIN line at the very start, or after a newline anywhere.
        rest = match rest.strip_prefix(BEGIN) {
            Some(after) => after,
            None => &rest[rest.find("\n-----BEGIN ")? + 1 + BEGIN.len()..],
        };
        let (type_line, after_type) = line(rest);
        rest = after_type;
        let Some(kind) = type_line.strip_suffix(DASHES) else { continue };
        // Headers: lines with a colon, until the first line without one.
        let mut headers = false;
        loop {
            if rest.is_empty() {
                return None;
            }
            let (l, next) = line(rest);
            if !l.contains(':') {
                break;
            }
            headers = true;
            rest = next;
        }
        let body = rest;
        // Without headers the END line may come at once, with no newline before it.
        let (end_at, trailer_at) = if !headers && body.starts_with(&END[1..]) {
            (0, END.len() - 1)
        } else {
            match body.find(END) {
                Some(i) => (i, i + END.len()),
                None => continue,
            }
        };
        let trailer = &body[trailer_at..];
        let wanted = kind.len() + DASHES.len();
        if trailer.len() < wanted || !trailer.is_char_boundary(wanted) {
            continue;
        }
        let (end_type, end_rest) = trailer.split_at(wanted);
        if end_type.strip_suffix(DASHES) != Some(kind) || !line(end_rest).0.is_empty() {
            continue;
        }
        let Some(bytes) = base64_standard(&body[..end_at]) else { continue };
        let after = line(&body[trailer_at - 1..]).1;
        return Some((Block { kind: kind.to_string(), bytes }, after));
    }
}

/// One line without its newline and trailing spaces, tabs and carriage returns, and what
/// follows the newline (Go's `getLine`).
fn line(text: &str) -> (&str, &str) {
    let (l, rest) = match text.find('\n') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    (l.trim_end_matches([' ', '\t', '\r']), rest)
}

/// Base64 as Go's `StdEncoding` decodes a PEM body: spaces, tabs and line breaks are
/// skipped, the text must come in padded groups of four; `None` when it does not.
fn base64_standard(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')).collect();
    if digits.len() % 4 != 0 {
        return None;
    }
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(digits.len() / 4 * 3);
    let groups = digits.len() / 4;
    for (g, group) in digits.chunks(4).enumerate() {
        // Padding only ends the last group: `xx==` or `xxx=`.
        let pad = group.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && g + 1 != groups) {
            return None;
        }
        let mut n = 0u32;
        for &c in &group[..4 - pad] {
            n = (n << 6) | u32::from(value(c)?);
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_and_passes_over_broken_ones() {
        let text = "junk\n-----BEGIN A-----\naGVsbG8=\n-----END A-----\n-----BEGIN B-----\n!!\n-----END B-----\n-----BEGIN C-----\nProc-Type: 4,ENCRYPTED\n\naGk=\n-----END C-----  \ntail";
        let found = blocks(text);
        assert_eq!(found, vec![Block { kind: "A".into(), bytes: b"hello".to_vec() }, Block { kind: "C".into(), bytes: b"hi".to_vec() }]);
        assert!(blocks("-----BEGIN A-----\naGk=\n-----END B-----\n").is_empty(), "the END line names another type");
        assert!(blocks("-----BEGIN A-----\naGk\n-----END A-----\n").is_empty(), "unpadded base64");
        assert!(blocks("-----BEGIN A-----\naGk=\n").is_empty(), "no END line");
        assert_eq!(blocks("-----BEGIN A-----\n-----END A-----\n"), vec![Block { kind: "A".into(), bytes: vec![] }]);
    }
}
