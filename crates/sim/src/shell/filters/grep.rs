//! `grep`, `egrep` and `fgrep`: lines that match, with `-i -v -w -x` to choose them and
//! `-c -l -L -o -q -n -h -H -m -A -B -C` to shape what is printed.

use super::regex::{is_word, Regex, Syntax};
use super::{lines, number_option, Parsed, Spec, Tool, IGNORED};

const SPEC: Spec = Spec {
    gnu: "A:B:C:D:EFGHIPTUVX:abcd:e:f:hiLlm:noqRrsuvwxyZz",
    long: &[
        ("extended-regexp", 'E'),
        ("fixed-strings", 'F'),
        ("basic-regexp", 'G'),
        ("perl-regexp", 'P'),
        ("regexp", 'e'),
        ("file", 'f'),
        ("ignore-case", 'i'),
        ("word-regexp", 'w'),
        ("line-regexp", 'x'),
        ("count", 'c'),
        ("color", IGNORED),
        ("colour", IGNORED),
        ("files-with-matches", 'l'),
        ("files-without-match", 'L'),
        ("max-count", 'm'),
        ("only-matching", 'o'),
        ("quiet", 'q'),
        ("silent", 'q'),
        ("no-messages", 's'),
        ("invert-match", 'v'),
        ("with-filename", 'H'),
        ("no-filename", 'h'),
        ("line-number", 'n'),
        ("after-context", 'A'),
        ("before-context", 'B'),
        ("context", 'C'),
        ("recursive", 'r'),
        ("text", 'a'),
    ],
    busybox: "HhnlLcoqvsrRiwFExzm:A:B:C:e:f:",
    busybox_long: Some(&[("color", IGNORED), ("colour", IGNORED)]),
    unsimulated: "DdXrRbTVZz",
    gnu_usage: "Usage: grep [OPTION]... PATTERNS [FILE]...\n",
    busybox_usage: "grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...",
    status: 2,
};

/// How lines are chosen.
struct Chooser {
    re: Regex,
    word: bool,
    line: bool,
    invert: bool,
}

impl Chooser {
    /// The first match in `text` from `from`, as `-w` and `-x` restrict it.
    fn find(&self, text: &[char], from: usize) -> Option<(usize, usize)> {
        if self.line {
            return (from == 0 && self.re.ends(text, 0).last() == Some(&text.len())).then_some((0, text.len()));
        }
        let mut from = from;
        while let Some((start, end)) = self.re.find(text, from) {
            if !self.word {
                return Some((start, end));
            }
            // busybox's -w (GNU's is compiled into the program): the leftmost-longest match
            // must have no word character on either side, else it tries later starts, and
            // none after an empty match.
            let before = start == 0 || !is_word(text[start - 1]);
            if before && (end == text.len() || !is_word(text[end])) {
                return Some((start, end));
            }
            if end == start {
                return None;
            }
            from = start + 1;
        }
        None
    }

    fn selects(&self, line: &str) -> bool {
        let matched = if self.word || self.line { self.find(&line.chars().collect::<Vec<_>>(), 0).is_some() } else { self.re.is_match(line) };
        matched != self.invert
    }

    /// `-o`: each non-empty match in the line.
    fn parts(&self, line: &str) -> Vec<String> {
        let text: Vec<char> = line.chars().collect();
        let (mut parts, mut from) = (Vec::new(), 0);
        while from <= text.len() {
            let Some((start, end)) = self.find(&text, from) else { break };
            if end > start {
                parts.push(text[start..end].iter().collect());
            }
            from = end.max(start + 1);
        }
        parts
    }
}

/// A number option's value, or a usage error.
fn number(t: &mut Tool, p: &Parsed, c: char) -> Result<Option<usize>, i32> {
    let Some(v) = p.value(c) else { return Ok(None) };
    match v.parse::<usize>() {
        Ok(n) => Ok(Some(n)),
        Err(_) => {
            let message = match (t.gnu(), c) {
                (true, 'm') => "invalid max count".to_string(),
                (true, _) => format!("{v}: invalid context length argument"),
                (false, _) => format!("invalid number '{v}'"),
            };
            t.fail(&message);
            Err(2)
        }
    }
}

/// The patterns: `-e`'s, `-f` files' lines, or else the first operand; one per line.
fn patterns(t: &mut Tool, p: &mut Parsed) -> Result<Vec<String>, i32> {
    let mut patterns: Vec<String> = p.opts.iter().filter(|(c, _)| *c == 'e').map(|(_, v)| v.clone()).collect();
    for (_, file) in p.opts.iter().filter(|(c, _)| *c == 'f') {
        match t.input(file) {
            Ok(text) => patterns.extend(lines(&text).map(String::from)),
            Err(e) => {
                t.fail(&format!("{file}: {e}"));
                return Err(2);
            }
        }
    }
    if !p.has('e') && !p.has('f') {
        if p.operands.is_empty() {
            return Err(t.usage(&SPEC, ""));
        }
        patterns.push(p.operands.remove(0));
    }
    Ok(patterns.iter().flat_map(|p| p.split('\n')).map(String::from).collect())
}

/// The compiled patterns, in the syntax `-E -F -G -P` (or the name) chose.
fn compile(t: &mut Tool, name: &str, p: &Parsed, patterns: &[String]) -> Result<Regex, i32> {
    let syntax = match (p.last_of("EFGP"), name) {
        (Some('E'), _) | (None, "egrep") => Syntax::Extended,
        (Some('F'), _) | (None, "fgrep") => Syntax::Fixed,
        (Some('P'), _) => Syntax::Perl,
        _ => Syntax::Basic,
    };
    // GNU's -w is part of the program; busybox's own way is applied match by match.
    let ignore_case = p.has('i') || p.has('y');
    let compiled = if p.has('w') && t.gnu() { Regex::whole_words(patterns, syntax, ignore_case) } else { Regex::new(patterns, syntax, ignore_case) };
    compiled.map_err(|e| {
        if t.gnu() {
            t.fail(e.gnu());
        } else {
            let bad = patterns.iter().find(|one| Regex::new(std::slice::from_ref(one), syntax, false).is_err());
            t.fail(&format!("bad regex '{}'", bad.map_or("", String::as_str)));
        }
        2
    })
}

/// `grep` run as `name`; its exit status.
pub(super) fn grep(t: &mut Tool, name: &str, args: &[String]) -> i32 {
    // GNU's `-5` is `-C 5`.
    let args = if t.gnu() { number_option(args, 'C', "efmABCdDX") } else { args.to_vec() };
    let mut p = match t.options(&SPEC, &args) {
        Ok(p) => p,
        Err(status) => return status,
    };
    let prepared = patterns(t, &mut p).and_then(|patterns| compile(t, name, &p, &patterns)).and_then(|re| {
        let numbers = [number(t, &p, 'm')?, number(t, &p, 'A')?, number(t, &p, 'B')?, number(t, &p, 'C')?];
        Ok((re, numbers))
    });
    let (re, [max, after, before, context]) = match prepared {
        Ok(prepared) => prepared,
        Err(status) => return status,
    };
    let sources = if p.operands.is_empty() { vec!["-".to_string()] } else { p.operands.clone() };
    let names = match p.last_of("Hh") {
        Some(c) => c == 'H',
        None => sources.len() > 1,
    };
    let search = Search {
        chooser: Chooser { re, word: p.has('w') && !t.gnu(), line: p.has('x'), invert: p.has('v') },
        shape: Shape { names, numbers: p.has('n'), after: after.or(context).unwrap_or(0), before: before.or(context).unwrap_or(0) },
        max,
        mode: ['q', 'l', 'L', 'c', 'o'].into_iter().find(|&c| p.has(c)),
    };
    let (mut found, mut failed, mut printed_any) = (false, false, false);
    for source in &sources {
        match t.input(source) {
            Ok(text) => {
                let label = if source == "-" { "(standard input)" } else { source.as_str() };
                let (out, selected) = search.file(label, &text, &mut printed_any);
                if selected && search.mode == Some('q') {
                    return 0;
                }
                found |= selected;
                t.out(&out);
            }
            Err(e) => {
                if !p.has('s') {
                    t.fail(&format!("{source}: {e}"));
                }
                failed = true;
            }
        }
    }
    // Trouble is 2 even when something matched, unless -q already succeeded.
    match (failed, found) {
        (true, _) => 2,
        (false, true) => 0,
        (false, false) => 1,
    }
}

/// A search over files, once its options are read.
struct Search {
    chooser: Chooser,
    shape: Shape,
    /// `-m`.
    max: Option<usize>,
    /// What is printed instead of the lines: `-q`, `-l`, `-L`, `-c` or `-o`.
    mode: Option<char>,
}

impl Search {
    /// What one file prints, and whether it counts as found (for `-L`: listed).
    fn file(&self, label: &str, text: &str, printed_any: &mut bool) -> (String, bool) {
        let all: Vec<&str> = lines(text).collect();
        let mut chosen: Vec<usize> = Vec::new();
        for (i, line) in all.iter().enumerate() {
            if self.max.is_some_and(|m| chosen.len() >= m) {
                break;
            }
            if self.chooser.selects(line) {
                chosen.push(i);
                if matches!(self.mode, Some('q' | 'l')) {
                    break;
                }
            }
        }
        let out = match self.mode {
            Some('q') => String::new(),
            Some('l') if !chosen.is_empty() => format!("{label}\n"),
            Some('L') if chosen.is_empty() => format!("{label}\n"),
            Some('l' | 'L') => String::new(),
            Some('c') if self.shape.names => format!("{label}:{}\n", chosen.len()),
            Some('c') => format!("{}\n", chosen.len()),
            Some(_) if self.chooser.invert => String::new(),
            Some(_) => chosen.iter().flat_map(|&i| self.chooser.parts(all[i]).into_iter().map(move |part| self.shape.prefix(label, i, ':') + &part + "\n")).collect(),
            None => self.shape.lines(label, &all, &chosen, printed_any),
        };
        (out, if self.mode == Some('L') { chosen.is_empty() } else { !chosen.is_empty() })
    }
}

/// How chosen lines are printed: file names, line numbers, context.
#[derive(Clone, Copy)]
struct Shape {
    names: bool,
    numbers: bool,
    after: usize,
    before: usize,
}

impl Shape {
    /// `FILE:` and `N:` (with `-` instead of `:` for a context line).
    fn prefix(&self, label: &str, i: usize, sep: char) -> String {
        let mut s = String::new();
        if self.names {
            s.push_str(&format!("{label}{sep}"));
        }
        if self.numbers {
            s.push_str(&format!("{}{sep}", i + 1));
        }
        s
    }

    /// The chosen lines with their context, `--` between groups that do not touch (and
    /// between files).
    fn lines(&self, label: &str, all: &[&str], chosen: &[usize], printed_any: &mut bool) -> String {
        let mut out = String::new();
        let line = |out: &mut String, j: usize, sep: char| out.push_str(&format!("{}{}\n", self.prefix(label, j, sep), all[j]));
        let mut next: Option<usize> = None; // the first line after those printed from this file
        for (k, &i) in chosen.iter().enumerate() {
            let from = i.saturating_sub(self.before).max(next.unwrap_or(0));
            if (self.after > 0 || self.before > 0) && *printed_any && next.is_none_or(|n| from > n) {
                out.push_str("--\n");
            }
            (from..i).for_each(|j| line(&mut out, j, '-'));
            line(&mut out, i, ':');
            let until = chosen.get(k + 1).map_or(all.len(), |&n| n).min(i + 1 + self.after);
            (i + 1..until).for_each(|j| line(&mut out, j, '-'));
            next = Some(until);
            *printed_any = true;
        }
        out
    }
}
