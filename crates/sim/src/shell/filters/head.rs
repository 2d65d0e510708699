//! `head` and `tail`: the first or last lines (`-n`) or bytes (`-c`) of each input, under
//! `==> FILE <==` headers when there are several.

use super::{number_option, Spec, Tool, IGNORED};

const HEAD: Spec = Spec {
    gnu: "c:n:qvz",
    long: &[("lines", 'n'), ("bytes", 'c'), ("quiet", 'q'), ("silent", 'q'), ("verbose", 'v'), ("zero-terminated", 'z')],
    busybox: "n:c:qv",
    busybox_long: None,
    unsimulated: "z",
    gnu_usage: "",
    busybox_usage: "head [OPTIONS] [FILE]...",
    status: 1,
};

const TAIL: Spec = Spec {
    gnu: "c:n:fFqs:vz",
    long: &[("lines", 'n'), ("bytes", 'c'), ("follow", IGNORED), ("retry", IGNORED), ("quiet", 'q'), ("silent", 'q'), ("verbose", 'v'), ("sleep-interval", 's'), ("zero-terminated", 'z')],
    busybox: "fFs:n:c:qv",
    busybox_long: None,
    unsimulated: "z",
    gnu_usage: "",
    busybox_usage: "tail [OPTIONS] [FILE]...",
    status: 1,
};

/// Which part of an input to print.
#[derive(Clone, Copy)]
enum Part {
    /// `head -n N`.
    First(usize),
    /// `head -n -N`.
    AllBut(usize),
    /// `tail -n N`.
    Last(usize),
    /// `tail -n +N`.
    From(usize),
}

impl Part {
    /// Which of `n` units (lines, or bytes) to print.
    fn range(self, n: usize) -> std::ops::Range<usize> {
        match self {
            Part::First(k) => 0..k.min(n),
            Part::AllBut(k) => 0..n.saturating_sub(k),
            Part::Last(k) => n.saturating_sub(k)..n,
            Part::From(k) => k.saturating_sub(1).min(n)..n,
        }
    }

    /// The part of `text` to print, in lines or bytes (widened to whole characters).
    fn of(self, text: &str, lines: bool) -> &str {
        if lines {
            let lengths: Vec<usize> = text.split_inclusive('\n').map(str::len).collect();
            let range = self.range(lengths.len());
            let start: usize = lengths[..range.start].iter().sum();
            return &text[start..start + lengths[range].iter().sum::<usize>()];
        }
        let range = self.range(text.len());
        let (mut start, mut end) = (range.start, range.end);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        &text[start..end]
    }
}

/// `-n`/`-c`'s value: `N`, `-N` (head: all but the last N) or `+N` (tail: from the Nth).
fn part(head: bool, value: &str) -> Option<Part> {
    let (sign, digits) = match value.chars().next() {
        Some(s @ ('+' | '-')) => (Some(s), &value[1..]),
        _ => (None, value),
    };
    let n = digits.parse::<usize>().ok()?;
    Some(match (head, sign) {
        (true, Some('-')) => Part::AllBut(n),
        (true, _) => Part::First(n),
        (false, Some('+')) => Part::From(n),
        (false, _) => Part::Last(n),
    })
}

/// `head` or `tail` (the tool's name says which); the exit status.
pub(super) fn head_tail(t: &mut Tool, args: &[String]) -> i32 {
    let head = t.name == "head";
    let spec = if head { &HEAD } else { &TAIL };
    // `-5` is `-n 5`.
    let p = match t.options(spec, &number_option(args, 'n', "ncs")) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let unit = p.last_of("nc").unwrap_or('n');
    let value = p.value(unit).unwrap_or("10");
    let Some(part) = part(head, value) else {
        let message = match (t.gnu(), unit) {
            (true, 'n') => format!("invalid number of lines: '{value}'"),
            (true, _) => format!("invalid number of bytes: '{value}'"),
            (false, _) => format!("invalid number '{}'", value.trim_start_matches(['+', '-'])),
        };
        t.fail(&message);
        return 1;
    };
    let sources = if p.operands.is_empty() { vec!["-".to_string()] } else { p.operands.clone() };
    let inputs: Vec<(String, Result<String, String>)> = sources.iter().map(|s| (s.clone(), t.input(s))).collect();
    let opened = inputs.iter().filter(|(_, r)| r.is_ok()).count();
    // busybox's tail counts the files it opened; the others count operands.
    let several = if !t.gnu() && !head { opened > 1 } else { sources.len() > 1 };
    let headers = match p.last_of("qv") {
        Some(c) => c == 'v',
        None => several,
    };
    let mut status = 0;
    let mut printed = false;
    for (index, (source, read)) in inputs.iter().enumerate() {
        let text = match read {
            Ok(text) => text,
            Err(e) => {
                let message = match (t.gnu(), head) {
                    (true, _) => format!("cannot open '{source}' for reading: {e}"),
                    (false, true) => format!("{source}: {e}"),
                    (false, false) => format!("can't open '{source}': {e}"),
                };
                t.fail(&message);
                status = 1;
                continue;
            }
        };
        let mut out = String::new();
        if headers {
            // busybox's head separates by operand; the others by what was printed.
            let first = if !t.gnu() && head { index == 0 } else { !printed };
            let label = if source == "-" { "standard input" } else { source.as_str() };
            out.push_str(&format!("{}==> {label} <==\n", if first { "" } else { "\n" }));
        }
        out.push_str(part.of(text, unit == 'n'));
        t.out(&out);
        printed = true;
    }
    if !t.gnu() && !head && opened == 0 && !p.operands.is_empty() {
        t.fail("no files");
    }
    status
}
