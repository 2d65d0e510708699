//! `sort` (`-n -r -u -f -b -k -t -s`) and `uniq` (`-c -d -u -i -f -s -w`, GNU's `-D`).

use super::{lines, Parsed, Spec, Tool};
use std::cmp::Ordering;

const SORT: Spec = Spec {
    gnu: "bcCdfghik:mMno:rRsS:t:T:uVyz",
    long: &[
        ("ignore-leading-blanks", 'b'),
        ("ignore-case", 'f'),
        ("general-numeric-sort", 'g'),
        ("human-numeric-sort", 'h'),
        ("numeric-sort", 'n'),
        ("reverse", 'r'),
        ("stable", 's'),
        ("unique", 'u'),
        ("key", 'k'),
        ("field-separator", 't'),
        ("output", 'o'),
        ("check", 'c'),
    ],
    busybox: "bcdfgiMnrsuVzo:k:t:S:T:",
    busybox_long: Some(&[]),
    unsimulated: "cCdhimMoRVz",
    gnu_usage: "",
    busybox_usage: "sort [-nrugMcszbdfiokt] [-o FILE] [-k START[.OFS][OPTS][,END[.OFS][OPTS]] [-t CHAR] [FILE]...",
    status: 2,
};

const UNIQ: Spec = Spec {
    gnu: "cdDf:is:uw:z",
    long: &[("count", 'c'), ("repeated", 'd'), ("all-repeated", 'D'), ("skip-fields", 'f'), ("ignore-case", 'i'), ("skip-chars", 's'), ("unique", 'u'), ("check-chars", 'w')],
    busybox: "cduf:is:w:z",
    busybox_long: Some(&[]),
    unsimulated: "z",
    gnu_usage: "",
    busybox_usage: "uniq [-cduiz] [-f,s,w N] [FILE [OUTFILE]]",
    status: 1,
};

/// The numeric prefix `-n` compares: blanks, a sign, digits and a fraction (0 if none).
fn number(s: &str) -> f64 {
    let s = s.trim_start();
    let end = s.char_indices().find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'))).map_or(s.len(), |(i, _)| i);
    s[..end].parse().unwrap_or(0.0)
}

/// Where each blank-separated field starts (its leading blanks belong to it, as in GNU
/// sort), or each `sep`-separated one.
fn field_starts(line: &str, sep: Option<char>) -> Vec<usize> {
    let mut starts = vec![0];
    let mut in_word = false;
    for (i, c) in line.char_indices() {
        match sep {
            Some(s) if c == s => starts.push(i + c.len_utf8()),
            Some(_) => {}
            None if c == ' ' || c == '\t' => {
                if in_word {
                    starts.push(i);
                }
                in_word = false;
            }
            None => in_word = true,
        }
    }
    starts
}

/// How `sort` compares lines.
struct Order {
    numeric: bool,
    fold: bool,
    blanks: bool,
    stable: bool,
    /// An `r` in `-k`: the keys compare the other way (not the whole lines after them).
    key_reverse: bool,
    /// `-k F1[,F2]`: fields F1 to F2 (to the end of the line without F2).
    key: Option<(usize, Option<usize>)>,
    sep: Option<char>,
}

impl Order {
    fn key<'a>(&self, line: &'a str) -> &'a str {
        let key = match self.key {
            None => line,
            Some((from, to)) => {
                let starts = field_starts(line, self.sep);
                let start = starts.get(from - 1).copied().unwrap_or(line.len());
                // A field ends where the next begins (less its separator).
                let end = to.and_then(|t| starts.get(t)).map_or(line.len(), |&e| e - self.sep.map_or(0, char::len_utf8));
                &line[start..end.max(start)]
            }
        };
        if self.blanks {
            key.trim_start_matches([' ', '\t'])
        } else {
            key
        }
    }

    /// The keys' order.
    fn keys(&self, a: &str, b: &str) -> Ordering {
        if self.key_reverse {
            return self.forward(b, a);
        }
        self.forward(a, b)
    }

    fn forward(&self, a: &str, b: &str) -> Ordering {
        let (ka, kb) = (self.key(a), self.key(b));
        if self.numeric {
            number(ka).total_cmp(&number(kb))
        } else if self.fold {
            ka.to_uppercase().cmp(&kb.to_uppercase())
        } else {
            ka.cmp(kb)
        }
    }

    /// The lines' order: lines with equal keys compare whole, bytewise, unless `-s` (or
    /// GNU's `-u`).
    fn cmp(&self, a: &str, b: &str) -> Ordering {
        self.keys(a, b).then_with(|| if self.stable { Ordering::Equal } else { a.cmp(b) })
    }
}

/// `-k`'s value: `F1[.C][OPTS][,F2[.C][OPTS]]` (characters within fields are not
/// simulated; the options letters apply to the whole sort).
fn key_spec(spec: &str) -> Option<(usize, Option<usize>)> {
    let field = |s: &str| s.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse::<usize>().ok()).filter(|&n| n > 0);
    let (from, to) = spec.split_once(',').map_or((spec, None), |(a, b)| (a, Some(b)));
    Some((field(from)?, match to {
        Some(t) => Some(field(t)?),
        None => None,
    }))
}

/// All operands' lines (standard input without operands); on a file that cannot be read,
/// the exit status after reporting it.
fn read_all(t: &mut Tool, p: &Parsed, status: i32) -> Result<String, i32> {
    let sources = if p.operands.is_empty() { vec!["-".to_string()] } else { p.operands.clone() };
    let mut all = String::new();
    for source in &sources {
        match t.input(source) {
            Ok(text) => all.push_str(&text),
            Err(e) => {
                t.fail(&if t.gnu() { format!("cannot read: {source}: {e}") } else { format!("{source}: {e}") });
                return Err(status);
            }
        }
        if !all.is_empty() && !all.ends_with('\n') {
            all.push('\n');
        }
    }
    Ok(all)
}

/// `sort`; the exit status.
pub(super) fn sort(t: &mut Tool, args: &[String]) -> i32 {
    let p = match t.options(&SORT, args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let mut order = Order { numeric: p.has('n') || p.has('g'), fold: p.has('f'), blanks: p.has('b'), stable: p.has('s') || (p.has('u') && t.gnu()), key_reverse: false, key: None, sep: None };
    if let Some(k) = p.value('k') {
        let Some(key) = key_spec(k) else {
            t.fail(&if t.gnu() { format!("invalid number at field start: invalid count at start of '{k}'") } else { "bad field specification".into() });
            return 2;
        };
        order.key = Some(key);
        let letters: String = k.chars().filter(char::is_ascii_alphabetic).collect();
        order.numeric |= letters.contains(['n', 'g']);
        order.fold |= letters.contains('f');
        order.blanks |= letters.contains('b');
        order.key_reverse = letters.contains('r');
    }
    if let Some(sep) = p.value('t') {
        let mut chars = sep.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            t.fail(&if t.gnu() { format!("multi-character tab '{sep}'") } else { "bad -t parameter".into() });
            return 2;
        };
        order.sep = Some(c);
    }
    let text = match read_all(t, &p, 2) {
        Ok(text) => text,
        Err(status) => return status,
    };
    let mut all: Vec<&str> = lines(&text).collect();
    crate::sorting::sort_by(&mut all, |a, b| if p.has('r') { order.cmp(b, a) } else { order.cmp(a, b) });
    if p.has('u') {
        all.dedup_by(|b, a| order.keys(a, b) == Ordering::Equal);
    }
    t.out(&all.iter().map(|l| format!("{l}\n")).collect::<String>());
    0
}

/// `uniq`; the exit status.
pub(super) fn uniq(t: &mut Tool, args: &[String]) -> i32 {
    let p = match t.options(&UNIQ, args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    if p.operands.len() > 2 {
        return t.usage(&UNIQ, &if t.gnu() { format!("extra operand '{}'", p.operands[2]) } else { String::new() });
    }
    if p.operands.len() == 2 {
        t.fail("OUTPUT: writing to a file is not simulated");
        return 1;
    }
    // -f, -s and -w: fields and characters skipped, characters compared.
    let mut numbers = [0, 0, usize::MAX];
    for (k, (c, what)) in [('f', "fields to skip"), ('s', "bytes to skip"), ('w', "bytes to compare")].into_iter().enumerate() {
        let Some(v) = p.value(c) else { continue };
        match v.parse() {
            Ok(n) => numbers[k] = n,
            Err(_) => {
                t.fail(&if t.gnu() { format!("{v}: invalid number of {what}") } else { format!("invalid number '{v}'") });
                return 1;
            }
        }
    }
    let [fields, chars, width] = numbers;
    let source = p.operands.first().map_or("-", String::as_str);
    let text = match t.input(source) {
        Ok(text) => text,
        Err(e) => {
            t.fail(&if t.gnu() { format!("{source}: {e}") } else { format!("can't open '{source}': {e}") });
            return 1;
        }
    };
    // The part of a line compared: after `-f` fields and `-s` characters, at most `-w` of them.
    let compared = |line: &str| -> String {
        let rest = field_starts(line, None).get(fields).map_or("", |&i| &line[i..]);
        let key: String = rest.chars().skip(chars).take(width).collect();
        if p.has('i') {
            key.to_lowercase()
        } else {
            key
        }
    };
    let mut runs: Vec<Vec<&str>> = Vec::new();
    let mut last_key = None;
    for line in lines(&text) {
        let key = Some(compared(line));
        match runs.last_mut() {
            Some(run) if last_key == key => run.push(line),
            _ => runs.push(vec![line]),
        }
        last_key = key;
    }
    let mut out = String::new();
    for run in runs {
        let n = run.len();
        if (p.has('d') || p.has('D')) && n == 1 || p.has('u') && n > 1 {
            continue;
        }
        let shown = if p.has('D') { &run[..] } else { &run[..1] };
        for line in shown {
            out.push_str(&if p.has('c') { format!("{n:>7} {line}\n") } else { format!("{line}\n") });
        }
    }
    t.out(&out);
    0
}
