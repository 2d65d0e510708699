//! Building the short texts the control plane writes many times a second (event messages,
//! field paths, versions, names) without the formatter: `format!` walks its arguments through
//! `fmt::Write` one piece at a time and pads numbers a character at a time, which cost several
//! percent of a large rollout. Each function gives exactly what the `format!` it replaces gives.

/// The pieces joined, in one allocation of the right size (`format!("{a}{b}{c}")`).
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `before`, then `text` quoted as Rust's `{:?}` quotes it, then `after`
/// (`format!("{before}{text:?}{after}")`, as kubelet messages quote image names).
pub fn with_quoted(before: &str, text: &str, after: &str) -> String {
    // Printable ASCII without a quote or a backslash is written as it is; anything else takes
    // the formatter's escaping.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        concat(&[before, "\"", text, "\"", after])
    } else {
        format!("{before}{text:?}{after}")
    }
}

/// Appends `value` in decimal (`{}`).
pub fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// Appends `value` in decimal (`{}`), with its sign.
pub fn push_signed(out: &mut String, value: i64) {
    if value < 0 {
        out.push('-');
    }
    push_decimal(out, value.unsigned_abs());
}

/// Appends `value` in lower-case hex, padded with zeros to `width` digits (`{:0width$x}`).
pub fn push_hex_padded(out: &mut String, value: u64, width: usize) {
    let digits = (64 - value.leading_zeros() as usize).div_ceil(4).max(1);
    out.extend(std::iter::repeat_n('0', width.saturating_sub(digits)));
    push_hex(out, value);
}

/// Appends `value` in lower-case hex without leading zeros (`{:x}`).
pub fn push_hex(out: &mut String, value: u64) {
    let digits = (64 - value.leading_zeros() as usize).div_ceil(4).max(1);
    for i in (0..digits).rev() {
        out.push(char::from(b"0123456789abcdef"[((value >> (4 * i)) & 0xf) as usize]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_formatted() {
        for value in [0u64, 1, 9, 10, 15, 16, 99, 100, 255, 256, 12_345, 1_000_000, 0x1234_5678_9abc_def0, u64::MAX] {
            let (mut decimal, mut hex) = (String::from("v"), String::from("web."));
            push_decimal(&mut decimal, value);
            push_hex(&mut hex, value);
            assert_eq!((decimal, hex), (format!("v{value}"), format!("web.{value:x}")));
            let mut id = String::from("containerd://");
            push_hex_padded(&mut id, value, 64);
            assert_eq!(id, format!("containerd://{value:064x}"));
        }
        for value in [0i64, 7, -7, 1_764_000_000_000, i64::MIN, i64::MAX] {
            let mut text = String::new();
            push_signed(&mut text, value);
            assert_eq!(text, value.to_string());
        }
    }

    #[test]
    fn quoting_reads_as_debug_formatting() {
        for text in ["nginx:1.25", "", "registry.k8s.io/pause:3.9", "a b", "quote\"d", "back\\slash", "tab\there", "nöt-ascii", "\u{7f}"] {
            assert_eq!(with_quoted("image ", text, " pulled"), format!("image {text:?} pulled"), "{text}");
        }
        assert_eq!(concat(&["Created container ", "web"]), "Created container web");
        assert_eq!(concat(&[]), "");
    }
}
