//! The part of Go's fmt package templates reach: `print`, `println`, `printf`
//! (flags, width, precision, `%[n]` indexes, the `%!verb(type=value)` complaints),
//! and how an action prints its value (`map[a:1 b:2]`, `[x y]`, `<no value>`).

use std::fmt::Write as _;

use serde_json::Value;

use super::value::{Kind, Val};
use crate::kubectl::jsonpath::{go_float, go_quote, go_sharp_u, go_sharp_v};

/// Go's `strconv.Quote`.
pub(super) fn quote(s: &str) -> String {
    go_quote(s)
}

/// Go's `%#U` of a character (`U+007D '}'`).
pub(super) fn sharp_u(c: char) -> String {
    go_sharp_u(c)
}

/// Go's `fmt.Sprint` of one value (`%v`); nil and invalid print `<nil>`.
pub(super) fn sprint_one(v: &Val<'_>) -> String {
    let mut p = Printer::default();
    p.arg(v, 'v', Flags::default());
    p.out
}

/// Go's `fmt.Sprint`: a space between two operands when neither is a string.
pub(super) fn sprint(args: &[Val<'_>]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = a.kind() == Kind::String;
        if i > 0 && !is_string && !prev_string {
            p.out.push(' ');
        }
        p.arg(a, 'v', Flags::default());
        prev_string = is_string;
    }
    p.out
}

/// Go's `fmt.Sprintln`: operands separated by spaces, then a newline.
pub(super) fn sprintln(args: &[Val<'_>]) -> String {
    let mut p = Printer::default();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.out.push(' ');
        }
        p.arg(a, 'v', Flags::default());
    }
    p.out.push('\n');
    p.out
}

/// Go's `fmt.Sprintf`.
pub(super) fn sprintf(format: &str, args: &[Val<'_>]) -> String {
    let chars: Vec<char> = format.chars().collect();
    let mut p = Printer::default();
    let mut arg_num = 0;
    let mut reordered = false;
    let mut i = 0;
    // Go's `argNumber`: an explicit `[n]` index at `i`, if any (a bad one is skipped).
    let arg_index = |i: &mut usize, arg_num: &mut usize, reordered: &mut bool, good: &mut bool| {
        if chars.get(*i) != Some(&'[') {
            return;
        }
        *reordered = true;
        match chars[*i..].iter().position(|c| *c == ']') {
            Some(close) => {
                let digits: String = chars[*i + 1..*i + close].iter().collect();
                match digits.parse::<usize>() {
                    Ok(n) if !digits.starts_with('+') && n >= 1 && n <= args.len() => *arg_num = n - 1,
                    _ => *good = false,
                }
                *i += close + 1;
            }
            None => {
                *good = false;
                *i += 1;
            }
        }
    };
    let number = |i: &mut usize| -> Option<usize> {
        let start = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        (*i > start).then(|| chars[start..*i].iter().collect::<String>().parse().unwrap_or(usize::MAX))
    };
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            p.out.push(c);
            continue;
        }
        let mut flags = Flags::default();
        while let Some(&f) = chars.get(i) {
            match f {
                '#' => flags.sharp = true,
                '0' => flags.zero = true,
                '+' => flags.plus = true,
                '-' => flags.minus = true,
                ' ' => flags.space = true,
                _ => break,
            }
            i += 1;
        }
        let mut good = true;
        arg_index(&mut i, &mut arg_num, &mut reordered, &mut good);
        if chars.get(i) == Some(&'*') {
            i += 1;
            match args.get(arg_num).and_then(Val::as_int) {
                Some(w) => {
                    flags.minus |= w < 0;
                    flags.width = Some(w.unsigned_abs() as usize);
                }
                None => p.out.push_str("%!(BADWIDTH)"),
            }
            arg_num += 1;
        } else {
            flags.width = number(&mut i);
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            arg_index(&mut i, &mut arg_num, &mut reordered, &mut good);
            if chars.get(i) == Some(&'*') {
                i += 1;
                match args.get(arg_num).and_then(Val::as_int).filter(|p| *p >= 0) {
                    Some(prec) => flags.precision = Some(prec as usize),
                    None => p.out.push_str("%!(BADPREC)"),
                }
                arg_num += 1;
            } else {
                flags.precision = Some(number(&mut i).unwrap_or(0));
            }
        }
        arg_index(&mut i, &mut arg_num, &mut reordered, &mut good);
        let Some(&verb) = chars.get(i) else {
            p.out.push_str("%!(NOVERB)");
            break;
        };
        i += 1;
        if verb == '%' {
            p.out.push('%');
            continue;
        }
        // %+v is %v (the plus marks struct field names, which JSON data has none of).
        if verb == 'v' {
            flags.plus = false;
        }
        if !good {
            let _ = write!(p.out, "%!{verb}(BADINDEX)");
            continue;
        }
        match args.get(arg_num) {
            Some(a) => {
                arg_num += 1;
                p.arg(a, verb, flags);
            }
            None => {
                let _ = write!(p.out, "%!{verb}(MISSING)");
            }
        }
    }
    if !reordered && arg_num < args.len() {
        p.out.push_str("%!(EXTRA ");
        for (i, a) in args[arg_num..].iter().enumerate() {
            if i > 0 {
                p.out.push_str(", ");
            }
            if matches!(a, Val::Missing | Val::Nil) || a.data().is_some_and(Value::is_null) {
                p.out.push_str("<nil>");
            } else {
                p.out.push_str(a.type_name());
                p.out.push('=');
                p.arg(a, 'v', Flags::default());
            }
        }
        p.out.push(')');
    }
    p.out
}

/// Go's `unicode.IsPrint`, near enough: not a control, a space other than ' ', or a
/// format character (zero-width spaces and joiners, direction marks, BOM).
pub(super) fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let format = matches!(u32::from(c), 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF);
    !(c.is_control() || c.is_whitespace() || format)
}

/// Go's `strconv.QuoteToASCII` (`%+q`).
fn quote_ascii(s: &str) -> String {
    let mut out = String::new();
    for c in quote(s).chars() {
        match u32::from(c) {
            n if n < 0x80 => out.push(c),
            n if n <= 0xFFFF => {
                let _ = write!(out, "\\u{n:04x}");
            }
            n => {
                let _ = write!(out, "\\U{n:08x}");
            }
        }
    }
    out
}

/// A verb's flags, width and precision.
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

#[derive(Default)]
struct Printer {
    out: String,
}

impl Printer {
    /// Pads `s` to the width: spaces (or zeros after any sign) on the left, or spaces
    /// on the right with `-`.
    fn pad(&mut self, s: &str, flags: Flags, numeric: bool) {
        let len = s.chars().count();
        let width = flags.width.unwrap_or(0);
        if len >= width {
            self.out.push_str(s);
            return;
        }
        let fill = width - len;
        if flags.minus {
            self.out.push_str(s);
            self.out.extend(std::iter::repeat_n(' ', fill));
        } else if flags.zero {
            let (sign, digits) = if numeric && s.starts_with(['+', '-', ' ']) { s.split_at(1) } else { ("", s) };
            self.out.push_str(sign);
            self.out.extend(std::iter::repeat_n('0', fill));
            self.out.push_str(digits);
        } else {
            self.out.extend(std::iter::repeat_n(' ', fill));
            self.out.push_str(s);
        }
    }

    /// `%!verb(type=value)`.
    fn bad_verb(&mut self, verb: char, v: &Val<'_>) {
        let _ = write!(self.out, "%!{verb}(");
        if matches!(v, Val::Missing | Val::Nil) || v.data().is_some_and(Value::is_null) {
            self.out.push_str("<nil>");
        } else {
            self.out.push_str(v.type_name());
            self.out.push('=');
            self.value(v, 'v', Flags::default());
        }
        self.out.push(')');
    }

    /// One operand of a print function.
    fn arg(&mut self, v: &Val<'_>, verb: char, flags: Flags) {
        if verb == 'T' {
            let name = if v.data().is_some_and(Value::is_null) || matches!(v, Val::Missing | Val::Nil) { "<nil>" } else { v.type_name() };
            self.pad(name, flags, false);
            return;
        }
        if matches!(v, Val::Missing | Val::Nil) || v.data().is_some_and(Value::is_null) {
            match verb {
                'v' => self.pad("<nil>", flags, false),
                _ => self.bad_verb(verb, v),
            }
            return;
        }
        self.value(v, verb, flags);
    }

    fn value(&mut self, v: &Val<'_>, verb: char, flags: Flags) {
        if verb == 'v' && flags.sharp {
            let text = match v {
                Val::Data(d, _) => go_sharp_v(d),
                Val::Str(s) => quote(s),
                Val::Float(f) => go_float(*f),
                other => sprint_one(other),
            };
            self.out.push_str(&text);
            return;
        }
        match v {
            Val::Missing | Val::Nil => self.pad("<nil>", flags, false),
            Val::Str(s) => self.string(s, verb, flags, v),
            Val::Int(i) => self.integer(*i, verb, flags, v),
            Val::Byte(b) => self.integer(i64::from(*b), verb, flags, v),
            Val::Float(f) => self.float(*f, verb, flags, v),
            Val::Bool(b) => self.boolean(*b, verb, flags, v),
            Val::Data(d, _) => match d.as_ref() {
                Value::Null => self.pad("<nil>", flags, false),
                Value::Bool(b) => self.boolean(*b, verb, flags, v),
                Value::Number(n) => match n.as_i64().filter(|_| !n.is_f64()) {
                    Some(i) => self.integer(i, verb, flags, v),
                    None => self.float(n.as_f64().unwrap_or(0.0), verb, flags, v),
                },
                Value::String(s) => self.string(s, verb, flags, v),
                Value::Array(items) => {
                    self.out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push(' ');
                        }
                        self.value(&Val::boxed(item), verb, flags);
                    }
                    self.out.push(']');
                }
                Value::Object(map) => {
                    let mut entries: Vec<_> = map.iter().collect();
                    crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
                    self.out.push_str("map[");
                    for (i, (k, item)) in entries.into_iter().enumerate() {
                        if i > 0 {
                            self.out.push(' ');
                        }
                        self.string(k, verb, flags, &Val::Str(k.clone()));
                        self.out.push(':');
                        self.value(&Val::boxed(item), verb, flags);
                    }
                    self.out.push(']');
                }
            },
        }
    }

    fn boolean(&mut self, b: bool, verb: char, flags: Flags, v: &Val<'_>) {
        match verb {
            't' | 'v' => self.pad(if b { "true" } else { "false" }, flags, false),
            _ => self.bad_verb(verb, v),
        }
    }

    fn string(&mut self, s: &str, verb: char, flags: Flags, v: &Val<'_>) {
        let truncated: String = match flags.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        };
        match verb {
            'v' | 's' => self.pad(&truncated, flags, false),
            'q' => {
                let q = if flags.sharp && !truncated.contains('`') && !truncated.chars().any(|c| c.is_control() && c != '\t') {
                    format!("`{truncated}`")
                } else if flags.plus {
                    quote_ascii(&truncated)
                } else {
                    quote(&truncated)
                };
                self.pad(&q, flags, false);
            }
            'x' | 'X' => {
                let mut hex = String::new();
                for (i, b) in truncated.bytes().enumerate() {
                    if flags.space && i > 0 {
                        hex.push(' ');
                    }
                    if flags.sharp && (flags.space || i == 0) {
                        hex.push_str(if verb == 'x' { "0x" } else { "0X" });
                    }
                    let _ = if verb == 'x' { write!(hex, "{b:02x}") } else { write!(hex, "{b:02X}") };
                }
                self.pad(&hex, flags, false);
            }
            _ => self.bad_verb(verb, v),
        }
    }

    fn integer(&mut self, i: i64, verb: char, flags: Flags, v: &Val<'_>) {
        let magnitude = i.unsigned_abs();
        let digits = match verb {
            'v' | 'd' => magnitude.to_string(),
            'b' => format!("{magnitude:b}"),
            'o' | 'O' => format!("{magnitude:o}"),
            'x' => format!("{magnitude:x}"),
            'X' => format!("{magnitude:X}"),
            'c' => {
                let c = u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}');
                return self.pad(&c.to_string(), flags, false);
            }
            'q' => {
                let c = u32::try_from(i).ok().and_then(char::from_u32).unwrap_or('\u{FFFD}');
                let q = quote(&c.to_string());
                let inner = &q[1..q.len() - 1];
                let inner = if inner == "'" { "\\'" } else if inner == "\\\"" { "\"" } else { inner };
                return self.pad(&format!("'{inner}'"), flags, false);
            }
            'U' => {
                let printable = u32::try_from(i).ok().and_then(char::from_u32).filter(|c| flags.sharp && is_printable(*c));
                let text = match printable {
                    Some(c) => format!("U+{magnitude:04X} '{c}'"),
                    None => format!("U+{magnitude:04X}"),
                };
                return self.pad(&text, flags, false);
            }
            _ => return self.bad_verb(verb, v),
        };
        let digits = match flags.precision {
            Some(0) if i == 0 => String::new(),
            Some(p) if digits.len() < p => format!("{}{digits}", "0".repeat(p - digits.len())),
            _ => digits,
        };
        let prefix = match verb {
            'O' => "0o",
            'b' if flags.sharp => "0b",
            'o' if flags.sharp && !digits.starts_with('0') => "0",
            'x' if flags.sharp => "0x",
            'X' if flags.sharp => "0X",
            _ => "",
        };
        let sign = if i < 0 {
            "-"
        } else if flags.plus {
            "+"
        } else if flags.space {
            " "
        } else {
            ""
        };
        let zero = Flags { zero: flags.zero && flags.precision.is_none(), ..flags };
        self.pad(&format!("{sign}{prefix}{digits}"), zero, true);
    }

    fn float(&mut self, f: f64, verb: char, flags: Flags, v: &Val<'_>) {
        let body = match verb {
            'v' => match flags.precision {
                None => go_float(f),
                Some(p) => format_g(f, p.max(1), flags.sharp),
            },
            'g' | 'G' => {
                let s = match flags.precision {
                    None => go_float(f),
                    Some(p) => format_g(f, p.max(1), flags.sharp),
                };
                if verb == 'G' {
                    s.to_uppercase()
                } else {
                    s
                }
            }
            'e' | 'E' => {
                let s = format_e(f, flags.precision.unwrap_or(6));
                if verb == 'E' {
                    s.to_uppercase()
                } else {
                    s
                }
            }
            'f' | 'F' => {
                if f.is_finite() {
                    format!("{f:.*}", flags.precision.unwrap_or(6))
                } else {
                    go_float(f)
                }
            }
            _ => return self.bad_verb(verb, v),
        };
        let body = if !body.starts_with(['-', '+']) && flags.plus {
            format!("+{body}")
        } else if !body.starts_with(['-', '+']) && flags.space {
            format!(" {body}")
        } else {
            body
        };
        let zero = Flags { zero: flags.zero && f.is_finite(), ..flags };
        self.pad(&body, zero, true);
    }
}

/// `%.Ne`: one digit, N decimals, an exponent of at least two digits.
fn format_e(f: f64, precision: usize) -> String {
    if !f.is_finite() {
        return go_float(f);
    }
    let s = format!("{f:.precision$e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
}

/// `%.Ng`: N significant digits, exponent form when the exponent is below -4 or at
/// least N, trailing zeros dropped (kept with `#`).
fn format_g(f: f64, precision: usize, sharp: bool) -> String {
    if !f.is_finite() {
        return go_float(f);
    }
    let e = format!("{f:.*e}", precision - 1);
    let exp: i32 = e.split_once('e').and_then(|(_, x)| x.parse().ok()).unwrap_or(0);
    let trim = |s: String| if sharp || !s.contains('.') { s } else { s.trim_end_matches('0').trim_end_matches('.').to_string() };
    if exp < -4 || exp >= precision as i32 {
        let (mantissa, _) = e.split_once('e').unwrap_or((&e, ""));
        format!("{}e{}{:02}", trim(mantissa.to_string()), if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
    } else {
        let decimals = (precision as i32 - 1 - exp).max(0) as usize;
        trim(format!("{f:.decimals$}"))
    }
}
