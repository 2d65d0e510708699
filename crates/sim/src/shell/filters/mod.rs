//! The text filters both shells run: `grep` (and `egrep`, `fgrep`), `wc`, `head`, `tail`,
//! `sort`, `uniq` and `cut`. One implementation serves the console's shell (GNU grep and
//! coreutils, as on a minikube node or in a Debian-based container) and the containers
//! lab's simulated Linux (busybox). What really differs between the two is a [`Dialect`]:
//! the wording of errors and usage hints, a few exit codes and column widths, and which
//! options exist. The filters read and write through [`Io`], which each shell implements
//! over its own files and streams.

mod cut;
mod grep;
mod head;
pub mod regex;
mod sort;
mod wc;

/// Which implementation of the tools a shell has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// GNU grep and coreutils.
    Gnu,
    /// busybox 1.35's applets.
    Busybox,
}

/// What a filter reads and writes.
pub trait Io {
    /// Standard input.
    fn stdin(&self) -> &str;
    /// A file's text, or why it cannot be read (`No such file or directory`).
    fn read(&mut self, path: &str) -> Result<String, String>;
    /// Writes to standard output.
    fn out(&mut self, text: &str);
    /// Writes to standard error.
    fn err(&mut self, text: &str);
}

/// How busybox's usage messages begin.
pub const BUSYBOX_BANNER: &str = "BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n";

/// Runs filter `name`; its exit status, or `None` when `name` is not a filter.
pub fn run(dialect: Dialect, name: &str, args: &[String], io: &mut dyn Io) -> Option<i32> {
    // GNU's egrep and fgrep are scripts that run `grep -E` and `grep -F`.
    let label = if dialect == Dialect::Gnu && name.ends_with("grep") { "grep" } else { name };
    let mut tool = Tool { dialect, name: label, io };
    Some(match name {
        "grep" | "egrep" | "fgrep" => grep::grep(&mut tool, name, args),
        "wc" => wc::wc(&mut tool, args),
        "head" | "tail" => head::head_tail(&mut tool, args),
        "sort" => sort::sort(&mut tool, args),
        "uniq" => sort::uniq(&mut tool, args),
        "cut" => cut::cut(&mut tool, args),
        _ => return None,
    })
}

/// The option letter a long option without a short form maps to (like `--color`): accepted,
/// with or without a value, and ignored.
const IGNORED: char = '\0';

/// A filter's options, as getopt strings: letters, with `:` after one that takes a value.
struct Spec {
    /// GNU's short options.
    gnu: &'static str,
    /// GNU's long options and the letters they stand for.
    long: &'static [(&'static str, char)],
    /// busybox's short options.
    busybox: &'static str,
    /// busybox's long options; `None` when it takes none at all (`--x` is then an invalid `-`).
    busybox_long: Option<&'static [(&'static str, char)]>,
    /// Options the real tool has that are not simulated.
    unsimulated: &'static str,
    /// GNU's usage line printed before its `Try '... --help'` hint (only grep's has one).
    gnu_usage: &'static str,
    /// busybox's usage line, after `Usage: `.
    busybox_usage: &'static str,
    /// The exit status of a usage error.
    status: i32,
}

/// Parsed arguments: the options in order, with their values, and the operands.
#[derive(Default)]
struct Parsed {
    opts: Vec<(char, String)>,
    operands: Vec<String>,
}

impl Parsed {
    fn has(&self, c: char) -> bool {
        self.opts.iter().any(|(o, _)| *o == c)
    }

    /// The last value given for `c`.
    fn value(&self, c: char) -> Option<&str> {
        self.opts.iter().rev().find(|(o, _)| *o == c).map(|(_, v)| v.as_str())
    }

    /// Which of `letters` came last.
    fn last_of(&self, letters: &str) -> Option<char> {
        self.opts.iter().rev().map(|(o, _)| *o).find(|o| letters.contains(*o))
    }
}

/// A filter being run: its dialect, the name its messages carry, and its streams.
struct Tool<'a> {
    dialect: Dialect,
    name: &'a str,
    io: &'a mut dyn Io,
}

impl Tool<'_> {
    fn gnu(&self) -> bool {
        self.dialect == Dialect::Gnu
    }

    fn out(&mut self, text: &str) {
        self.io.out(text);
    }

    /// Prints `NAME: message` on standard error.
    fn fail(&mut self, message: &str) {
        let text = format!("{}: {message}\n", self.name);
        self.io.err(&text);
    }

    /// An operand's text: standard input for `-`.
    fn input(&mut self, operand: &str) -> Result<String, String> {
        if operand == "-" {
            Ok(self.io.stdin().to_string())
        } else {
            self.io.read(operand)
        }
    }

    /// A usage error: `message` (if any), then each dialect's pointer to the help; the
    /// exit status.
    fn usage(&mut self, spec: &Spec, message: &str) -> i32 {
        if !message.is_empty() {
            self.fail(message);
        }
        let hint = if self.gnu() { format!("{}Try '{} --help' for more information.\n", spec.gnu_usage, self.name) } else { format!("{BUSYBOX_BANNER}\nUsage: {}\n", spec.busybox_usage) };
        self.io.err(&hint);
        spec.status
    }

    /// Parses `args` as getopt does (options and operands in any order, `--` ends the
    /// options); on a usage error, the exit status after printing it.
    fn options(&mut self, spec: &Spec, args: &[String]) -> Result<Parsed, i32> {
        let short = if self.gnu() { spec.gnu } else { spec.busybox };
        let takes_value = |c: char| short.find(c).is_some_and(|i| short[i + c.len_utf8()..].starts_with(':'));
        let mut parsed = Parsed::default();
        let mut args = args.iter();
        while let Some(a) = args.next() {
            if a == "--" {
                parsed.operands.extend(args.by_ref().cloned());
            } else if a == "-" || !a.starts_with('-') {
                parsed.operands.push(a.clone());
            } else if let Some(long) = a.strip_prefix("--") {
                let Some(known) = (if self.gnu() { Some(spec.long) } else { spec.busybox_long }) else { return Err(self.usage(spec, "invalid option -- '-'")) };
                let (name, given) = long.split_once('=').map_or((long, None), |(n, v)| (n, Some(v.to_string())));
                let Some(&(_, c)) = known.iter().find(|(n, _)| *n == name) else { return Err(self.usage(spec, &format!("unrecognized option '{a}'"))) };
                let value = match (takes_value(c), given) {
                    (true, Some(v)) => v,
                    (true, None) => match args.next() {
                        Some(v) => v.clone(),
                        None => return Err(self.usage(spec, &format!("option '--{name}' requires an argument"))),
                    },
                    (false, Some(_)) if c != IGNORED => return Err(self.usage(spec, &format!("option '--{name}' doesn't allow an argument"))),
                    (false, given) => given.unwrap_or_default(),
                };
                parsed.opts.push((c, value));
            } else {
                for (at, c) in a[1..].char_indices() {
                    if c == ':' || !short.contains(c) {
                        return Err(self.usage(spec, &format!("invalid option -- '{c}'")));
                    }
                    if !takes_value(c) {
                        parsed.opts.push((c, String::new()));
                        continue;
                    }
                    let rest = &a[1 + at + c.len_utf8()..];
                    let value = if !rest.is_empty() {
                        rest.to_string()
                    } else if let Some(v) = args.next() {
                        v.clone()
                    } else {
                        return Err(self.usage(spec, &format!("option requires an argument -- '{c}'")));
                    };
                    parsed.opts.push((c, value));
                    break;
                }
            }
        }
        if let Some(c) = parsed.opts.iter().map(|(c, _)| *c).find(|c| spec.unsimulated.contains(*c)) {
            self.fail(&format!("-{c}: this option is not simulated"));
            return Err(spec.status);
        }
        Ok(parsed)
    }
}

/// `args` with the obsolete `-N` (a number as an option) written `-{letter}N`; an option's
/// value (after one of the `valued` letters) stays as it is.
fn number_option(args: &[String], letter: char, valued: &str) -> Vec<String> {
    let mut value_next = false;
    args.iter()
        .map(|a| {
            let short = a.len() > 1 && a.starts_with('-') && !a.starts_with("--");
            let number = short && !value_next && a[1..].bytes().all(|b| b.is_ascii_digit());
            value_next = !value_next && short && a.ends_with(|c| valued.contains(c));
            if number {
                format!("-{letter}{}", &a[1..])
            } else {
                a.clone()
            }
        })
        .collect()
}

/// The lines of `text` without their newlines (a last line may lack one).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_inclusive('\n').map(|l| l.strip_suffix('\n').unwrap_or(l))
}

#[cfg(test)]
mod tests;
