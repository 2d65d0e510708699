//! The shell's text filters for pipes: `grep`, `head`, `tail`, `wc`, `sort`, `uniq`,
//! `cut`, `base64` and `jq`, reading standard input (`operands.rs` feeds them their file
//! operands).

use super::commands::options;
use crate::kubectl::CommandOutput;

/// A filter by name; `None` when `name` is not one of them.
pub fn run(name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    Some(match name {
        "grep" | "egrep" => grep(args, stdin),
        "head" | "tail" => head_tail(name, args, stdin),
        "wc" => wc(args, stdin),
        "sort" => sort(args, stdin),
        "uniq" => uniq(args, stdin),
        "cut" => cut(args, stdin),
        "base64" => base64(args, stdin),
        "jq" => jq(args, stdin),
        _ => return None,
    })
}

/// Whether `name` matches a pattern with `*` (any run) and `?` (one character).
pub fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Classic two-pointer match with backtracking to the last star.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// A line count option: `-n 5`, `-n5`, `-5` or `--lines=5`.
fn count_option(args: &[String], default: usize) -> Result<(usize, Vec<String>), String> {
    let mut n = default;
    let mut rest = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let value = if a == "-n" {
            i += 1;
            Some(args.get(i).cloned().unwrap_or_default())
        } else if let Some(v) = a.strip_prefix("--lines=").or_else(|| a.strip_prefix("-n")) {
            Some(v.to_string())
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            Some(a[1..].to_string())
        } else {
            rest.push(a.clone());
            None
        };
        if let Some(v) = value {
            n = v.trim_start_matches('+').parse().map_err(|_| format!("invalid number of lines: '{v}'"))?;
        }
        i += 1;
    }
    Ok((n, rest))
}

fn head_tail(name: &str, args: &[String], stdin: &str) -> CommandOutput {
    let (n, _) = match count_option(args, 10) {
        Ok(v) => v,
        Err(e) => return CommandOutput::err(format!("{name}: {e}\n"), 1),
    };
    let lines: Vec<&str> = stdin.lines().collect();
    // `tail -n +N` starts at line N.
    let from_line = name == "tail" && args.iter().any(|a| a.starts_with('+') || a.starts_with("-n+") || a.starts_with("--lines=+"));
    let picked = if name == "head" {
        &lines[..n.min(lines.len())]
    } else if from_line {
        &lines[n.saturating_sub(1).min(lines.len())..]
    } else {
        &lines[lines.len().saturating_sub(n)..]
    };
    CommandOutput::ok(picked.iter().map(|l| format!("{l}\n")).collect())
}

fn grep(args: &[String], stdin: &str) -> CommandOutput {
    let mut pattern: Option<String> = None;
    let mut flags = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-e" {
            i += 1;
            pattern = args.get(i).cloned();
        } else if a.len() > 1 && a.starts_with('-') && pattern.is_none() {
            flags.extend(a[1..].chars());
        } else if pattern.is_none() {
            pattern = Some(a.clone());
        }
        i += 1;
    }
    let Some(pattern) = pattern else { return CommandOutput::err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n".into(), 2) };
    let ignore_case = flags.contains(&'i');
    let fold = |s: &str| if ignore_case { s.to_lowercase() } else { s.to_string() };
    // Extended alternatives (`a|b` with -E, `a\|b` in basic syntax) are each a substring;
    // `^` and `$` anchor; other regular expression syntax is matched literally.
    let alternatives: Vec<String> = if flags.contains(&'E') { pattern.split('|').map(fold).collect() } else { pattern.split("\\|").map(fold).collect() };
    let matches = |line: &str| {
        let line = fold(line);
        alternatives.iter().any(|alt| {
            let (start, rest) = alt.strip_prefix('^').map_or((false, alt.as_str()), |r| (true, r));
            let (end, needle) = rest.strip_suffix('$').map_or((false, rest), |r| (true, r));
            let hit = match (start, end) {
                (true, true) => line == needle,
                (true, false) => line.starts_with(needle),
                (false, true) => line.ends_with(needle),
                (false, false) if flags.contains(&'w') => line.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == needle),
                (false, false) => line.contains(needle),
            };
            hit
        })
    };
    let invert = flags.contains(&'v');
    let selected: Vec<(usize, &str)> = stdin.lines().enumerate().filter(|(_, l)| matches(l) != invert).collect();
    let exit_code = i32::from(selected.is_empty());
    let stdout = if flags.contains(&'q') {
        String::new()
    } else if flags.contains(&'c') {
        format!("{}\n", selected.len())
    } else {
        selected.iter().map(|(n, l)| if flags.contains(&'n') { format!("{}:{l}\n", n + 1) } else { format!("{l}\n") }).collect()
    };
    CommandOutput { stdout, exit_code, ..Default::default() }
}

fn wc(args: &[String], stdin: &str) -> CommandOutput {
    let (flags, _) = options(args);
    let lines = stdin.matches('\n').count();
    let words = stdin.split_whitespace().count();
    let bytes = stdin.len();
    let picked: Vec<usize> = if flags.is_empty() {
        vec![lines, words, bytes]
    } else {
        [('l', lines), ('w', words), ('c', bytes), ('m', stdin.chars().count())].iter().filter(|(f, _)| flags.contains(f)).map(|(_, v)| *v).collect()
    };
    let text = if picked.len() == 1 { picked[0].to_string() } else { picked.iter().map(|v| format!("{v:>7}")).collect::<Vec<_>>().join(" ") };
    CommandOutput::ok(format!("{text}\n"))
}

fn sort(args: &[String], stdin: &str) -> CommandOutput {
    let (flags, _) = options(args);
    let mut lines: Vec<&str> = stdin.lines().collect();
    if flags.contains(&'n') {
        let key = |l: &str| l.split_whitespace().next().and_then(|w| w.parse::<f64>().ok()).unwrap_or(0.0);
        lines.sort_by(|a, b| key(a).total_cmp(&key(b)).then_with(|| a.cmp(b)));
    } else {
        lines.sort();
    }
    if flags.contains(&'r') {
        lines.reverse();
    }
    if flags.contains(&'u') {
        lines.dedup();
    }
    CommandOutput::ok(lines.iter().map(|l| format!("{l}\n")).collect())
}

fn uniq(args: &[String], stdin: &str) -> CommandOutput {
    let (flags, _) = options(args);
    let mut runs: Vec<(usize, &str)> = Vec::new();
    for l in stdin.lines() {
        match runs.last_mut() {
            Some((n, last)) if *last == l => *n += 1,
            _ => runs.push((1, l)),
        }
    }
    let count = flags.contains(&'c');
    CommandOutput::ok(runs.iter().map(|(n, l)| if count { format!("{n:>7} {l}\n") } else { format!("{l}\n") }).collect())
}

/// `cut -d DELIM -f N[,M...]` (fields numbered from 1) and `cut -c N-M`.
fn cut(args: &[String], stdin: &str) -> CommandOutput {
    let mut delim = '\t';
    let mut fields: Option<String> = None;
    let mut chars: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let mut value = |flag: &str| -> Option<String> {
            if a == flag {
                i += 1;
                args.get(i).cloned()
            } else {
                a.strip_prefix(flag).map(str::to_string)
            }
        };
        if let Some(d) = value("-d") {
            delim = d.chars().next().unwrap_or('\t');
        } else if let Some(f) = value("-f") {
            fields = Some(f);
        } else if let Some(c) = value("-c") {
            chars = Some(c);
        }
        i += 1;
    }
    let ranges = |spec: &str| -> Vec<(usize, usize)> {
        spec.split(',')
            .filter_map(|r| match r.split_once('-') {
                Some((a, b)) => Some((a.parse().unwrap_or(1), b.parse().unwrap_or(usize::MAX))),
                None => r.parse().ok().map(|n| (n, n)),
            })
            .collect()
    };
    let within = |n: usize, rs: &[(usize, usize)]| rs.iter().any(|&(a, b)| n >= a && n <= b);
    let mut out = String::new();
    for line in stdin.lines() {
        if let Some(spec) = &fields {
            let rs = ranges(spec);
            if !line.contains(delim) {
                out.push_str(line);
            } else {
                let picked: Vec<&str> = line.split(delim).enumerate().filter(|(n, _)| within(n + 1, &rs)).map(|(_, f)| f).collect();
                out.push_str(&picked.join(&delim.to_string()));
            }
        } else if let Some(spec) = &chars {
            let rs = ranges(spec);
            out.extend(line.chars().enumerate().filter(|(n, _)| within(n + 1, &rs)).map(|(_, c)| c));
        } else {
            return CommandOutput::err("cut: you must specify a list of bytes, characters, or fields\n".into(), 1);
        }
        out.push('\n');
    }
    CommandOutput::ok(out)
}

fn base64(args: &[String], stdin: &str) -> CommandOutput {
    let (flags, _) = options(args);
    if flags.contains(&'d') {
        match crate::api::base64_decode(stdin) {
            Some(bytes) => CommandOutput::ok(String::from_utf8_lossy(&bytes).into_owned()),
            None => CommandOutput::err("base64: invalid input\n".into(), 1),
        }
    } else {
        CommandOutput::ok(format!("{}\n", crate::api::base64_encode(stdin.as_bytes())))
    }
}

fn jq(args: &[String], stdin: &str) -> CommandOutput {
    let (flags, operands) = options(args);
    let filter = operands.first().map_or(".", String::as_str);
    match super::jq::run(filter, stdin, flags.contains(&'r'), flags.contains(&'c')) {
        Ok(text) => CommandOutput::ok(text),
        // A compile error is all standard error (exit 3); otherwise results printed before
        // a runtime error (exit 5) or an input parse error (exit 4, as this machine's jq 1.6
        // exits) stay on standard output.
        Err(e) if e.contains("compile error") => CommandOutput::err(e, 3),
        Err(e) => {
            let mut out = CommandOutput { exit_code: 5, ..Default::default() };
            for line in e.split_inclusive('\n') {
                if line.starts_with("jq: error (at") {
                    out.stderr.push_str(line);
                } else if line.starts_with("parse error:") || line.starts_with("jq: error (at <stdin>:0)") {
                    out.stderr.push_str(line);
                    out.exit_code = 4;
                } else {
                    out.stdout.push_str(line);
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn wildcards_match_like_the_shell() {
        assert!(wildcard("*.yaml", "deployment.yaml"));
        assert!(!wildcard("*.yaml", "deployment.yml"));
        assert!(wildcard("d?p*", "deploy"));
        assert!(wildcard("*", ""));
    }

    #[test]
    fn filters_print_what_coreutils_prints() {
        let pods = "NAME    READY\nweb-1   1/1\nweb-2   0/1\ndb-1    1/1\n";
        assert_eq!(grep(&args("web"), pods).stdout, "web-1   1/1\nweb-2   0/1\n");
        assert_eq!(grep(&args("-v NAME"), pods).stdout.lines().count(), 3);
        assert_eq!(grep(&args("-c 1/1"), pods).stdout, "2\n");
        assert_eq!(grep(&args("-E web-2|db"), pods).stdout, "web-2   0/1\ndb-1    1/1\n");
        assert_eq!(grep(&args("nothing"), pods).exit_code, 1);
        assert_eq!(head_tail("head", &args("-n 2"), pods).stdout, "NAME    READY\nweb-1   1/1\n");
        assert_eq!(head_tail("tail", &args("-1"), pods).stdout, "db-1    1/1\n");
        assert_eq!(head_tail("tail", &args("-n +2"), pods).stdout, "web-1   1/1\nweb-2   0/1\ndb-1    1/1\n", "tail -n +N starts at line N");
        assert_eq!(wc(&args("-l"), pods).stdout, "4\n");
        assert_eq!(wc(&[], "a b\nc\n").stdout, "      2       3       6\n");
        assert_eq!(sort(&args("-r"), "b\na\nc\n").stdout, "c\nb\na\n");
        assert_eq!(uniq(&args("-c"), "a\na\nb\n").stdout, "      2 a\n      1 b\n");
        assert_eq!(cut(&args("-d / -f 2"), "pod/web-1\npod/web-2\n").stdout, "web-1\nweb-2\n");
        assert_eq!(base64(&args("-d"), "YWRtaW4=").stdout, "admin");
        assert_eq!(base64(&[], "admin").stdout, "YWRtaW4=\n");
    }
}
