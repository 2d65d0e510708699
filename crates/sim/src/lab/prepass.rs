//! What the console's grammar lacks, added to the text before it is parsed:
//! a background `&` becomes `; BG;` (the console reads `&` as `;`), and each
//! function definition `name() { ...; }` is taken out into a table, leaving
//! `DEF <index>` where it was. Both scans follow quotes and escapes. (An `&`
//! inside a heredoc body is marked too.)

use super::script::{BG, DEF};

/// Where the quoting state says a character is: (inside quotes, escaped).
struct Quotes {
    single: bool,
    double: bool,
    escaped: bool,
}

impl Quotes {
    /// Steps over `c`; true when `c` is unquoted and unescaped.
    fn plain(&mut self, c: char) -> bool {
        if self.escaped {
            self.escaped = false;
            return false;
        }
        match c {
            '\\' if !self.single => self.escaped = true,
            '\'' if !self.double => self.single = !self.single,
            '"' if !self.single => self.double = !self.double,
            _ => return !self.single && !self.double,
        }
        false
    }
}

/// Replaces each background `&` (not `&&`, `&>`, `>&`, `<&`) by `; BG;`.
pub(super) fn mark_background(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut q = Quotes { single: false, double: false, escaped: false };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if q.plain(c) && c == '&' {
            let (prev, next) = (i.checked_sub(1).map(|p| chars[p]), chars.get(i + 1).copied());
            if next == Some('&') {
                out.push_str("&&");
                i += 2;
                continue;
            }
            if !matches!(prev, Some('>' | '<')) && next != Some('>') {
                out.push_str(&format!(" ;{BG};"));
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Takes `name() { body }` definitions out of a script (recursively out of
/// their bodies), leaving `DEF <index>` where each was.
pub(super) fn take_functions(text: &str, table: &mut Vec<(String, String)>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut q = Quotes { single: false, double: false, escaped: false };
    let mut at_start = true;
    let mut i = 0;
    while i < chars.len() {
        if at_start && !q.single && !q.double && !q.escaped {
            if let Some((name, open, close)) = definition(&chars, i) {
                let inner: String = chars[open + 1..close].iter().collect();
                let body = take_functions(&inner, table);
                table.push((name, body));
                out.push_str(&format!("{DEF} {}", table.len() - 1));
                i = close + 1;
                at_start = false;
                continue;
            }
        }
        let c = chars[i];
        let plain = q.plain(c);
        if plain && matches!(c, ';' | '&' | '|' | '\n' | '{' | '}') {
            at_start = true;
        } else if !(plain && (c == ' ' || c == '\t')) {
            at_start = false;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A definition starting at `i`: its name and the positions of its braces.
fn definition(chars: &[char], mut i: usize) -> Option<(String, usize, usize)> {
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.' | '-');
    while chars.get(i).is_some_and(|c| *c == ' ' || *c == '\t') {
        i += 1;
    }
    let start = i;
    while chars.get(i).copied().is_some_and(is_name) {
        i += 1;
    }
    let name: String = chars[start..i].iter().collect();
    let skip = |i: &mut usize| {
        while chars.get(*i).is_some_and(|c| c.is_whitespace()) {
            *i += 1;
        }
    };
    skip(&mut i);
    if name.is_empty() || chars.get(i) != Some(&'(') {
        return None;
    }
    i += 1;
    skip(&mut i);
    if chars.get(i) != Some(&')') {
        return None;
    }
    i += 1;
    skip(&mut i);
    if chars.get(i) != Some(&'{') {
        return None;
    }
    let open = i;
    let mut q = Quotes { single: false, double: false, escaped: false };
    let mut depth = 0;
    for (j, c) in chars.iter().enumerate().skip(open) {
        if q.plain(*c) {
            match c {
                '{' => depth += 1,
                '}' if depth == 1 => return Some((name, open, j)),
                '}' => depth -= 1,
                _ => {}
            }
        }
    }
    None
}
