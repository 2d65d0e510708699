//! Text applets for pipes and files: `grep`, `wc`, `head`, `tail`, `sort`,
//! `seq`, `tee`, `basename`, `dirname`, with busybox's output formats.

use super::applets::flags;
use super::container::Stop;
use super::sh::{Flow, Sh};

impl Sh<'_, '_> {
    /// A text applet, if `name` is one.
    pub(super) fn text_applet(&mut self, name: &str, args: &[String]) -> Option<Flow> {
        matches!(name, "grep" | "egrep" | "fgrep" | "wc" | "head" | "tail" | "sort" | "seq" | "tee" | "basename" | "dirname").then(|| self.text_filter(name, args))
    }

    fn text_filter(&mut self, name: &str, args: &[String]) -> Flow {
        match name {
            "grep" | "egrep" | "fgrep" => self.grep(args),
            "wc" => self.wc(args),
            "head" | "tail" => self.head_tail(name, args),
            "sort" => {
                let (f, files) = flags(args);
                let mut lines: Vec<String> = self.inputs(name, &files)?.lines().map(String::from).collect();
                if f.contains('n') {
                    lines.sort_by_key(|l| l.trim().split(|c: char| !c.is_ascii_digit() && c != '-').next().and_then(|n| n.parse::<i64>().ok()).unwrap_or(0));
                } else {
                    lines.sort();
                }
                if f.contains('r') {
                    lines.reverse();
                }
                if f.contains('u') {
                    lines.dedup();
                }
                let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
                self.out(&text);
                Ok(0)
            }
            "seq" => {
                let n: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
                let (first, step, last) = match n.as_slice() {
                    [l] => (1, 1, *l),
                    [f, l] => (*f, 1, *l),
                    [f, s, l] => (*f, *s, *l),
                    _ => return Ok(1),
                };
                let count = if step == 0 { 0 } else { ((last - first) / step + 1).clamp(0, 100_000) };
                let text: String = (0..count).map(|i| format!("{}\n", first + i * step)).collect();
                self.out(&text);
                Ok(0)
            }
            "tee" => {
                let input = self.st.io.stdin.clone();
                for f in flags(args).1 {
                    let _ = self.c.write_file(&self.path(&f), &input, false);
                }
                self.out(&input);
                Ok(0)
            }
            "basename" | "dirname" => {
                let a = args.first().map_or("", String::as_str).trim_end_matches('/');
                let text = match (name, a.rfind('/')) {
                    ("basename", Some(i)) => &a[i + 1..],
                    ("basename", None) => a,
                    (_, Some(0)) => "/",
                    (_, Some(i)) => &a[..i],
                    (_, None) => ".",
                };
                self.out(&format!("{text}\n"));
                Ok(0)
            }
            _ => Ok(127),
        }
    }

    /// Standard input (no operands or `-`) or the operands' files, joined.
    pub(super) fn inputs(&mut self, name: &str, files: &[String]) -> Result<String, Stop> {
        if files.is_empty() {
            return Ok(self.st.io.stdin.clone());
        }
        let mut text = String::new();
        for f in files {
            match if f == "-" { Ok(self.st.io.stdin.clone()) } else { self.read_text(f) } {
                Ok(t) => text.push_str(&t),
                Err(e) => self.err(&format!("{name}: {f}: {e}\n")),
            }
        }
        Ok(text)
    }

    pub(super) fn grep(&mut self, args: &[String]) -> Flow {
        let (f, mut operands) = flags(args);
        if operands.is_empty() {
            self.err("Usage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n");
            return Ok(2);
        }
        let pattern = operands.remove(0);
        let (ignore, pattern) = if f.contains('i') { (true, pattern.to_lowercase()) } else { (false, pattern) };
        let fixed = f.contains('F');
        let mut sources: Vec<(String, String)> = Vec::new();
        let mut status_err = false;
        if operands.is_empty() {
            sources.push((String::new(), self.st.io.stdin.clone()));
        }
        for file in &operands {
            match self.read_text(file) {
                Ok(t) => sources.push((file.clone(), t)),
                Err(e) => {
                    self.err(&format!("grep: {file}: {e}\n"));
                    status_err = true;
                }
            }
        }
        let mut found = 0;
        let mut out = String::new();
        for (file, text) in &sources {
            let mut count = 0;
            for (n, line) in text.lines().enumerate() {
                let subject = if ignore { line.to_lowercase() } else { line.to_string() };
                if (if fixed { subject.contains(&pattern) } else { matches(&pattern, &subject) }) == f.contains('v') {
                    continue;
                }
                count += 1;
                if !f.contains('c') && !f.contains('q') {
                    let prefix = if sources.len() > 1 { format!("{file}:") } else { String::new() };
                    let number = if f.contains('n') { format!("{}:", n + 1) } else { String::new() };
                    out.push_str(&format!("{prefix}{number}{line}\n"));
                }
            }
            if f.contains('c') {
                out.push_str(&if sources.len() > 1 { format!("{file}:{count}\n") } else { format!("{count}\n") });
            }
            found += count;
        }
        self.out(&out);
        Ok(if status_err && found == 0 { 2 } else { i32::from(found == 0) })
    }

    fn wc(&mut self, args: &[String]) -> Flow {
        let (f, files) = flags(args);
        let text = self.inputs("wc", &files)?;
        let counts = [('l', text.matches('\n').count()), ('w', text.split_whitespace().count()), ('c', text.len())];
        let chosen: Vec<usize> = counts.iter().filter(|(c, _)| f.is_empty() || f.contains(*c) || (*c == 'c' && f.contains('m'))).map(|(_, n)| *n).collect();
        let mut line = if let [one] = chosen.as_slice() { one.to_string() } else { chosen.iter().map(|n| format!("{n:9}")).collect::<Vec<_>>().join(" ") };
        if let [file] = files.as_slice() {
            line.push_str(&format!(" {file}"));
        }
        self.out(&format!("{line}\n"));
        Ok(0)
    }

    fn head_tail(&mut self, name: &str, args: &[String]) -> Flow {
        let mut n: Option<String> = None;
        let mut files = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-n" => {
                    i += 1;
                    n = args.get(i).cloned();
                }
                s if s.starts_with("-n") => n = Some(s[2..].to_string()),
                s if s.len() > 1 && s.starts_with('-') && s[1..].chars().all(|c| c.is_ascii_digit()) => n = Some(s[1..].to_string()),
                s => files.push(s.to_string()),
            }
            i += 1;
        }
        let n_text = n.unwrap_or_else(|| "10".into());
        let Ok(count) = n_text.trim_start_matches('+').parse::<usize>() else {
            self.err(&format!("{name}: invalid number '{n_text}'\n"));
            return Ok(1);
        };
        let text = self.inputs(name, &files)?;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let picked = match (name, n_text.starts_with('+')) {
            ("head", _) => &lines[..count.min(lines.len())],
            (_, true) => &lines[count.saturating_sub(1).min(lines.len())..],
            _ => &lines[lines.len().saturating_sub(count)..],
        };
        let out = picked.concat();
        self.out(&out);
        Ok(0)
    }
}

/// Whether a basic regular expression (`^`, `$`, `.`, `*`, literals) matches
/// somewhere in `text`: a set of pattern positions steps through the text, so
/// any pattern takes linear time.
pub fn matches(pattern: &str, text: &str) -> bool {
    let mut p: Vec<char> = pattern.chars().collect();
    let anchored = p.first() == Some(&'^');
    if anchored {
        p.remove(0);
    }
    let to_end = p.last() == Some(&'$');
    if to_end {
        p.pop();
    }
    let mut toks: Vec<(char, bool)> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let star = p.get(i + 1) == Some(&'*');
        toks.push((p[i], star));
        i += 1 + usize::from(star);
    }
    let n = toks.len();
    // A starred token may be skipped.
    let close = |s: &mut Vec<bool>| {
        for i in 0..n {
            if s[i] && toks[i].1 {
                s[i + 1] = true;
            }
        }
    };
    let mut states = vec![false; n + 1];
    states[0] = true;
    close(&mut states);
    for ch in text.chars() {
        if states[n] && !to_end {
            return true;
        }
        let mut next = vec![false; n + 1];
        for (i, (c, star)) in toks.iter().enumerate() {
            if states[i] && (*c == '.' || *c == ch) {
                next[if *star { i } else { i + 1 }] = true;
            }
        }
        next[0] |= !anchored;
        close(&mut next);
        states = next;
    }
    states[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_regular_expressions() {
        assert!(matches("CapEff", "CapEff:\t00000000a00425fb"));
        assert!(matches(":80 ", "tcp        0      0 :::80                   :::*"));
        assert!(matches("^Cap.*fb$", "CapEff:\t00000000a00425fb"));
        assert!(!matches("^Eff", "CapEff"));
        assert!(matches("a*b", "b") && !matches("x", ""));
        assert!(!matches(&format!("{}b", "a*".repeat(500)), &"a".repeat(5000)), "linear, not exponential");
    }
}
