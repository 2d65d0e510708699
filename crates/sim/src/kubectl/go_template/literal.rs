//! Literals inside actions as Go reads them: strings (`strconv.Unquote`, with every
//! escape), character constants, and numbers in any base with `_` separators
//! (`parse.newNumber`), with Go's error messages.

use super::parse::Number;

/// Go's `strconv.Unquote` of a double-quoted, backquoted or single-quoted literal.
pub(super) fn unquote(text: &str) -> Result<String, String> {
    let invalid = || "invalid syntax".to_string();
    if let Some(raw) = text.strip_prefix('`').and_then(|t| t.strip_suffix('`')) {
        return Ok(raw.replace('\r', ""));
    }
    let quote = text.chars().next().ok_or_else(invalid)?;
    let inner = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)).filter(|_| text.len() >= 2).ok_or_else(invalid)?;
    let mut out = String::new();
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = inner.chars().peekable();
    // Octal and \x escapes give bytes, which must form UTF-8 with their neighbours.
    let flush = |bytes: &mut Vec<u8>, out: &mut String| {
        out.push_str(&String::from_utf8_lossy(bytes));
        bytes.clear();
    };
    while let Some(c) = chars.next() {
        if c == quote || (c == '\n') {
            return Err(invalid());
        }
        if c != '\\' {
            flush(&mut bytes, &mut out);
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or_else(invalid)?;
        let mut hex = |n: usize| -> Result<u32, String> {
            let digits: String = (0..n).filter_map(|_| chars.next()).collect();
            if digits.len() != n {
                return Err(invalid());
            }
            u32::from_str_radix(&digits, 16).map_err(|_| invalid())
        };
        match e {
            'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' => {
                flush(&mut bytes, &mut out);
                out.push(match e {
                    'a' => '\u{7}',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'v' => '\u{b}',
                    _ => '\\',
                });
            }
            '\'' | '"' if e == quote => {
                flush(&mut bytes, &mut out);
                out.push(e);
            }
            'x' => bytes.push(hex(2)? as u8),
            'u' | 'U' => {
                flush(&mut bytes, &mut out);
                let v = hex(if e == 'u' { 4 } else { 8 })?;
                out.push(char::from_u32(v).ok_or_else(invalid)?);
            }
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars.next().and_then(|d| d.to_digit(8)).ok_or_else(invalid)?;
                    v = v * 8 + d;
                }
                if v > 255 {
                    return Err(invalid());
                }
                bytes.push(v as u8);
            }
            _ => return Err(invalid()),
        }
    }
    flush(&mut bytes, &mut out);
    if quote == '\'' && out.chars().count() != 1 {
        return Err(invalid());
    }
    if quote != '\'' && quote != '"' {
        return Err(invalid());
    }
    Ok(out)
}

/// Go's `parse.newNumber`: a character constant, an integer (any base, with `_`) or a float.
pub(super) fn number(text: &str, is_char: bool) -> Result<Number, String> {
    if is_char {
        let (c, tail) = unquote_char(&text[1..]).ok_or("invalid syntax")?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        let c = u32::from(c);
        return Ok(Number { text: text.into(), int: Some(c.into()), float: Some(c.into()), uint_only: false });
    }
    if text.ends_with('i') {
        return Err(format!("illegal number syntax: {}", super::fmt::quote(text)));
    }
    let int = parse_int(text);
    let uint_only = int.is_none() && text.strip_prefix('+').map_or(text, |t| t).starts_with(|c: char| c.is_ascii_digit()) && parse_uint(text.strip_prefix('+').unwrap_or(text)).is_some();
    if let Some(i) = int {
        return Ok(Number { text: text.into(), int: Some(i), float: Some(i as f64), uint_only: false });
    }
    if uint_only {
        let f = parse_uint(text.strip_prefix('+').unwrap_or(text)).unwrap_or(0) as f64;
        return Ok(Number { text: text.into(), int: None, float: Some(f), uint_only: true });
    }
    match parse_float(text) {
        Some(f) => {
            if !text.contains(['.', 'e', 'E', 'p', 'P']) {
                return Err(format!("integer overflow: {}", super::fmt::quote(text)));
            }
            let int = (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64);
            Ok(Number { text: text.into(), int, float: Some(f), uint_only: false })
        }
        None => Err(format!("illegal number syntax: {}", super::fmt::quote(text))),
    }
}

/// Digits with Go's underscore rule: only between digits (or after a base prefix).
fn clean_digits(digits: &str, after_prefix: bool) -> Option<String> {
    if digits.is_empty() || digits.ends_with('_') || (!after_prefix && digits.starts_with('_')) || digits.contains("__") {
        return None;
    }
    Some(digits.replace('_', ""))
}

fn split_base(text: &str) -> (u32, &str, bool) {
    let lower = |p: &str| text.len() > 2 && text[..2].eq_ignore_ascii_case(p);
    if lower("0x") {
        (16, &text[2..], true)
    } else if lower("0b") {
        (2, &text[2..], true)
    } else if lower("0o") {
        (8, &text[2..], true)
    } else if text.len() > 1 && text.starts_with('0') {
        (8, &text[1..], true)
    } else {
        (10, text, false)
    }
}

fn parse_uint(text: &str) -> Option<u64> {
    let (base, digits, prefixed) = split_base(text);
    let digits = clean_digits(digits, prefixed)?;
    u64::from_str_radix(&digits, base).ok()
}

fn parse_int(text: &str) -> Option<i64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest.starts_with(['+', '-']) {
        return None;
    }
    let magnitude = parse_uint(rest)?;
    if negative {
        if magnitude == 1 << 63 {
            Some(i64::MIN)
        } else {
            i64::try_from(magnitude).ok().map(|m| -m)
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

fn parse_float(text: &str) -> Option<f64> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if body.len() > 2 && body[..2].eq_ignore_ascii_case("0x") {
        return parse_hex_float(&body[2..]).map(|f| if text.starts_with('-') { -f } else { f });
    }
    let cleaned = text.replace('_', "");
    if text.contains('_') && (text.contains("__") || text.ends_with('_')) {
        return None;
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The digits after `0x` of a hexadecimal float: `1.8p3` is 1.5 × 2³ (the exponent is required).
fn parse_hex_float(text: &str) -> Option<f64> {
    let text = text.replace('_', "");
    let (mantissa, exp) = text.split_once(['p', 'P'])?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut value = 0f64;
    for c in int.chars().chain(frac.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16)?);
    }
    let scale = exp - 4 * i32::try_from(frac.len()).ok()?;
    Some(value * 2f64.powi(scale)).filter(|f| f.is_finite())
}

/// Go's `strconv.UnquoteChar` in a single-quoted literal: the first character (escapes
/// decoded) and the text after it.
fn unquote_char(body: &str) -> Option<(char, &str)> {
    let mut chars = body.char_indices();
    let (_, c) = chars.next()?;
    if c == '\'' {
        return None;
    }
    if c != '\\' {
        return Some((c, &body[c.len_utf8()..]));
    }
    let (_, e) = chars.next()?;
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' | '\'' => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        return Some((c, &body[2..]));
    }
    let (digits, radix) = match e {
        'x' => (2, 16),
        'u' => (4, 16),
        'U' => (8, 16),
        '0'..='7' => (3, 8),
        _ => return None,
    };
    let start = if radix == 8 { 1 } else { 2 };
    let end = start + digits;
    let value = u32::from_str_radix(body.get(start..end)?, radix).ok()?;
    if radix == 8 && value > 255 {
        return None;
    }
    Some((char::from_u32(value)?, &body[end..]))
}
