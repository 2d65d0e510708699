//! File operands of `jq` and `base64` (`jq .items FILE`, `base64 -d FILE`): they read
//! standard input, so this splits their arguments into the options they keep (and jq's
//! program) and the files, and feeds them the files' text. The line filters (grep, wc,
//! head ...) read their own operands (`filters`).

use super::fs::resolve;
use super::Shell;
use crate::kubectl::CommandOutput;

/// How many of the next arguments an option takes as its values.
fn values_of(name: &str, arg: &str) -> usize {
    match (name, arg) {
        ("jq", "--arg" | "--argjson") => 2,
        ("jq", "--indent") | ("base64", "-w") => 1,
        _ => 0,
    }
}

/// Splits `args` into what the filter keeps (options, jq's program) and the file operands.
pub fn split(name: &str, args: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut kept, mut files) = (Vec::new(), Vec::new());
    let mut needs_first = name == "jq";
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a.len() > 1 && a.starts_with('-') {
            kept.push(a.clone());
            for _ in 0..values_of(name, a) {
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

/// Runs `jq` or `base64` over its file operands (or standard input when it has none);
/// `None` for any other name.
pub fn run(shell: &Shell, name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    if !matches!(name, "jq" | "base64") {
        return None;
    }
    let (kept, files) = split(name, args);
    if files.is_empty() {
        return super::text::run(name, args, stdin);
    }
    let mut out = CommandOutput::default();
    let mut all = String::new();
    for f in &files {
        if f == "-" {
            all.push_str(stdin);
            continue;
        }
        match shell.fs.read(&resolve(&shell.cwd, f)) {
            Ok(text) => all.push_str(&text),
            Err(e) => {
                out.stderr.push_str(&format!("{name}: {f}: {e}\n"));
                out.exit_code = if name == "jq" { 2 } else { 1 };
            }
        }
    }
    let one = super::text::run(name, &kept, &all)?;
    out.stdout.push_str(&one.stdout);
    out.stderr.push_str(&one.stderr);
    if out.exit_code == 0 {
        out.exit_code = one.exit_code;
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
    fn programs_and_option_values_are_not_files() {
        assert_eq!(split("jq", &words("-r .items f.json")), (words("-r .items"), words("f.json")));
        assert_eq!(split("jq", &words("--arg n web .x f.json g.json")), (words("--arg n web .x"), words("f.json g.json")));
        assert_eq!(split("base64", &words("-d -w 0 s.txt")), (words("-d -w 0"), words("s.txt")));
    }
}
