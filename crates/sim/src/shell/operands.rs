//! File operands for the text filters: `grep PATTERN FILE`, `wc -l FILE`, `head -n 3 FILE`,
//! `jq .items FILE`... The filters in `text.rs` read standard input; this splits their
//! arguments into the options they keep and the files to read, and runs them on each file
//! as coreutils print it (`grep` prefixes `FILE:` and `wc` appends ` FILE` when there are
//! several, with a `total` line for `wc`; `head` and `tail` put each file under a header).

use super::fs::resolve;
use super::Shell;
use crate::kubectl::CommandOutput;

/// Options whose value is the next argument, per filter.
fn takes_value(name: &str, arg: &str) -> bool {
    let options: &[&str] = match name {
        "grep" | "egrep" => &["-e", "-m", "-A", "-B", "-C"],
        "head" | "tail" => &["-n", "-c"],
        "cut" => &["-d", "-f", "-c", "-b"],
        "sort" => &["-k", "-t"],
        "base64" => &["-w"],
        "jq" => &["--arg", "--argjson", "--indent"],
        _ => &[],
    };
    options.contains(&arg)
}

/// Splits `args` into what the filter keeps (options, the pattern or program) and the
/// file operands.
pub fn split(name: &str, args: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut kept, mut files) = (Vec::new(), Vec::new());
    // grep's first operand is its pattern (unless -e gave one), jq's its program.
    let mut needs_first = matches!(name, "grep" | "egrep" | "jq") && !args.iter().any(|a| a == "-e");
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let option = a.len() > 1 && a.starts_with('-');
        if option {
            kept.push(a.clone());
            if takes_value(name, a) {
                if let Some(v) = args.get(i + 1) {
                    kept.push(v.clone());
                    i += 1;
                }
            }
        } else if needs_first {
            kept.push(a.clone());
            needs_first = false;
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    (kept, files)
}

/// Runs a text filter over its file operands (or standard input when it has none).
pub fn run(shell: &Shell, name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    let (kept, files) = split(name, args);
    if files.is_empty() {
        return super::text::run(name, args, stdin);
    }
    let mut out = CommandOutput::default();
    let mut contents = Vec::new();
    for f in &files {
        if f == "-" {
            contents.push((f.clone(), stdin.to_string()));
            continue;
        }
        match shell.fs.read(&resolve(&shell.cwd, f)) {
            Ok(text) => contents.push((f.clone(), text)),
            Err(e) => {
                out.stderr.push_str(&format!("{name}: {f}: {e}\n"));
                // grep reports trouble with 2 (1 means "no match"); the others with 1.
                out.exit_code = if matches!(name, "grep" | "egrep") { 2 } else { 1 };
            }
        }
    }
    let several = files.len() > 1;
    match name {
        "grep" | "egrep" | "wc" => {
            let mut found = false;
            let mut totals: Vec<u64> = Vec::new();
            for (file, text) in &contents {
                let one = super::text::run(name, &kept, text)?;
                out.stderr.push_str(&one.stderr);
                found |= one.exit_code == 0;
                for line in one.stdout.lines() {
                    if name == "wc" {
                        let numbers: Vec<u64> = line.split_whitespace().filter_map(|w| w.parse().ok()).collect();
                        totals.resize(numbers.len().max(totals.len()), 0);
                        totals.iter_mut().zip(&numbers).for_each(|(t, n)| *t += n);
                        out.stdout.push_str(&format!("{line} {file}\n"));
                    } else if several {
                        out.stdout.push_str(&format!("{file}:{line}\n"));
                    } else {
                        out.stdout.push_str(&format!("{line}\n"));
                    }
                }
            }
            if name == "wc" && several {
                let cells: Vec<String> = totals.iter().map(u64::to_string).collect();
                out.stdout.push_str(&format!("{} total\n", cells.join(" ")));
            }
            if out.exit_code == 0 && name != "wc" && !found {
                out.exit_code = 1;
            }
        }
        "head" | "tail" if several && !kept.iter().any(|k| k == "-q") => {
            // Each file under a `==> FILE <==` header, a blank line between them.
            for (n, (file, text)) in contents.iter().enumerate() {
                let one = super::text::run(name, &kept, text)?;
                out.stdout.push_str(&format!("{}==> {file} <==\n{}", if n > 0 { "\n" } else { "" }, one.stdout));
                out.stderr.push_str(&one.stderr);
            }
        }
        _ => {
            let all: String = contents.iter().map(|(_, t)| t.as_str()).collect();
            let one = super::text::run(name, &kept, &all)?;
            out.stdout.push_str(&one.stdout);
            out.stderr.push_str(&one.stderr);
            if out.exit_code == 0 {
                out.exit_code = one.exit_code;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn patterns_programs_and_option_values_are_not_files() {
        assert_eq!(split("grep", &words("-c hello f.txt")), (words("-c hello"), words("f.txt")));
        assert_eq!(split("grep", &words("-e hello f.txt g.txt")), (words("-e hello"), words("f.txt g.txt")));
        assert_eq!(split("head", &words("-n 3 pods.txt")), (words("-n 3"), words("pods.txt")));
        assert_eq!(split("jq", &words("-r .items[0] d.json")), (words("-r .items[0]"), words("d.json")));
        assert_eq!(split("cut", &words("-d : -f 1 passwd")), (words("-d : -f 1"), words("passwd")));
        assert_eq!(split("wc", &words("-l")), (words("-l"), vec![]));
    }
}
