//! The console's text filters. `grep`, `head`, `tail`, `wc`, `sort`, `uniq` and `cut` are
//! the ones the containers lab shares ([`super::filters`], in GNU's dialect) and read their
//! file operands themselves; `base64` and `jq` are the console's own and read standard
//! input (`operands.rs` feeds them their file operands).

use super::commands::options;
use super::filters::{self, Dialect, Io};
use super::fs::{resolve, FsError};
use super::Shell;
use crate::kubectl::CommandOutput;

/// The console's files (none for standard input alone) and streams, for a shared filter.
struct Console<'a> {
    shell: Option<&'a Shell>,
    stdin: &'a str,
    out: CommandOutput,
}

impl Io for Console<'_> {
    fn stdin(&self) -> &str {
        self.stdin
    }

    fn read(&mut self, path: &str) -> Result<String, String> {
        let shell = self.shell.ok_or(FsError::NotFound.to_string())?;
        shell.fs.read(&resolve(&shell.cwd, path)).map_err(|e| e.to_string())
    }

    fn out(&mut self, text: &str) {
        self.out.stdout.push_str(text);
    }

    fn err(&mut self, text: &str) {
        self.out.stderr.push_str(text);
    }
}

/// Runs a shared filter over `shell`'s files (or standard input alone without a shell);
/// `None` when `name` is not one.
pub fn filter(shell: Option<&Shell>, name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    let mut console = Console { shell, stdin, out: CommandOutput::default() };
    let dialect = shell.map_or(Dialect::Gnu, Shell::dialect);
    let status = filters::run(dialect, name, args, &mut console)?;
    console.out.exit_code = status;
    Some(console.out)
}

/// A filter by name over standard input; `None` when `name` is not one of them.
pub fn run(name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    match name {
        "base64" => Some(base64(args, stdin)),
        "jq" => Some(jq(args, stdin)),
        _ => filter(None, name, args, stdin),
    }
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

    fn filter(name: &str, a: &[String], stdin: &str) -> CommandOutput {
        run(name, a, stdin).unwrap()
    }
    fn grep(a: &[String], stdin: &str) -> CommandOutput {
        filter("grep", a, stdin)
    }
    fn head_tail(name: &str, a: &[String], stdin: &str) -> CommandOutput {
        filter(name, a, stdin)
    }
    fn wc(a: &[String], stdin: &str) -> CommandOutput {
        filter("wc", a, stdin)
    }
    fn sort(a: &[String], stdin: &str) -> CommandOutput {
        filter("sort", a, stdin)
    }
    fn uniq(a: &[String], stdin: &str) -> CommandOutput {
        filter("uniq", a, stdin)
    }
    fn cut(a: &[String], stdin: &str) -> CommandOutput {
        filter("cut", a, stdin)
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
