//! The commands, as busybox prints them (GNU coreutils' wording in the jail):
//! the shell's builtins, the dispatch to applets, and the text applets. File
//! applets are in [`super::files`]; process, network and privileged ones in
//! [`super::system`].

use super::container::Stop;
use super::fs::Node;
use super::image::is_applet;
use super::sh::{Dialect, Flow, Sh};

/// Splits `-abc` flags from operands (`--` ends flags; `-` and numbers like `-5` are operands).
pub fn flags(args: &[String]) -> (String, Vec<String>) {
    let (mut flags, mut operands, mut ended) = (String::new(), Vec::new(), false);
    for a in args {
        if !ended && a == "--" {
            ended = true;
        } else if !ended && a.len() > 1 && a.starts_with('-') && !a[1..].starts_with(|c: char| c.is_ascii_digit()) {
            flags.push_str(a.trim_start_matches('-'));
        } else {
            operands.push(a.clone());
        }
    }
    (flags, operands)
}

/// Backslash escapes of `echo -e` and `printf`; `None` after `\c` (stop output).
fn unescape(s: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\u{7}'),
            Some('r') => out.push('\r'),
            Some('c') => return (out, false),
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    (out, true)
}

impl Sh<'_, '_> {
    /// A builtin of the shell (it runs in the shell's own process), if `name` is one.
    pub(super) fn builtin(&mut self, name: &str, args: &[String]) -> Option<Flow> {
        Some(match name {
            ":" | "true" => Ok(0),
            "false" => Ok(1),
            "echo" => self.echo(args),
            "printf" => self.printf(args),
            "test" | "[" | "[[" => Ok(self.test(name, args)),
            "kill" => self.kill(args),
            "wait" => self.wait_jobs(),
            "pwd" => {
                let cwd = format!("{}\n", self.st.cwd);
                self.out(&cwd);
                Ok(0)
            }
            "cd" => {
                let dir = self.path(args.first().map_or("/root", String::as_str));
                match self.c.follow(self.st.pid, &dir) {
                    Ok(Node::Dir) => {
                        self.st.cwd = dir;
                        Ok(0)
                    }
                    other => {
                        let why = other.err().map_or("Not a directory".to_string(), |e| e.to_string());
                        self.err(&format!("{}: cd: line 0: can't cd to {}: {why}\n", self.name(), args.first().map_or("/root", String::as_str)));
                        Ok(2)
                    }
                }
            }
            "export" | "readonly" | "local" => {
                for a in args {
                    if let Some((k, v)) = a.split_once('=') {
                        self.set_var(k, v);
                    }
                }
                Ok(0)
            }
            "unset" => {
                for a in args {
                    self.unset(a);
                }
                Ok(0)
            }
            "exit" => Err(Stop::Exit(args.first().and_then(|a| a.parse().ok()).unwrap_or(self.status()))),
            "read" => {
                let (_, names) = flags(args);
                let input = std::mem::take(&mut self.st.io.stdin);
                let (line, rest) = input.split_once('\n').map_or((input.as_str(), ""), |(l, r)| (l, r));
                let eof = input.is_empty();
                let value = line.to_string();
                self.st.io.stdin = rest.to_string();
                self.set_var(names.first().map_or("REPLY", String::as_str), &value);
                Ok(i32::from(eof))
            }
            "eval" => self.script_in_place(&args.join(" ")),
            "exec" if args.is_empty() => Ok(0),
            "exec" => {
                let pid = self.st.pid;
                self.dispatch_in(args, pid).and_then(|status| Err(Stop::Exit(status)))
            }
            "set" | "shift" | "umask" | "ulimit" | "trap" | "hash" => Ok(0),
            _ => return None,
        })
    }

    /// The program a command name runs: busybox runs its applets whatever the
    /// `PATH` (a standalone shell); bash runs what `/bin` holds.
    pub(super) fn program_name(&self, name: &str) -> Option<String> {
        let base = name.rsplit('/').next().unwrap_or(name).to_string();
        let path = if name.contains('/') { self.path(name) } else { format!("/bin/{name}") };
        let binary = matches!(self.c.follow(self.st.pid, &path), Ok(Node::Binary(_)));
        match self.dialect {
            Dialect::Ash if !name.contains('/') => (is_applet(name) || name == "busybox").then_some(base),
            Dialect::Ash => (binary && (is_applet(&base) || base == "busybox")).then_some(base),
            Dialect::Bash => binary.then_some(base),
        }
    }

    /// Runs an applet (or, in the jail, a GNU program) in process `pid`.
    pub(super) fn applet(&mut self, pid: u32, name: &str, args: &[String]) -> Flow {
        if self.dialect == Dialect::Bash && !matches!(name, "ls" | "cat" | "tree") {
            self.err(&format!("{name}: this program is not simulated\n"));
            return Ok(127);
        }
        match name {
            "busybox" if args.is_empty() => {
                self.out("BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n");
                Ok(0)
            }
            "busybox" => self.applet(pid, &args[0].clone(), &args[1..]),
            "id" | "whoami" => Ok(self.id(name, args)),
            "env" | "printenv" => {
                let text: String = self.vars().iter().filter(|(k, _)| k.chars().all(|c| c.is_ascii_uppercase() || c == '_')).map(|(k, v)| format!("{k}={v}\n")).collect();
                self.out(&text);
                Ok(0)
            }
            "echo" | "printf" | "true" | "false" | "test" | "[" | "kill" | "pwd" => self.builtin(name, args).unwrap_or(Ok(0)),
            _ => {
                self.text_applet(name, args).or_else(|| self.file_applet(pid, name, args)).or_else(|| self.system(pid, name, args)).or_else(|| self.net_applet(pid, name, args)).unwrap_or_else(|| {
                    self.err(&format!("{name}: this applet is not simulated\n"));
                    Ok(127)
                })
            }
        }
    }

    fn echo(&mut self, args: &[String]) -> Flow {
        let (mut newline, mut escapes, mut i) = (true, false, 0);
        while let Some(a) = args.get(i).filter(|a| a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c))) {
            newline &= !a.contains('n');
            escapes = a.contains('e') || (escapes && !a.contains('E'));
            i += 1;
        }
        let mut text = args[i..].join(" ");
        if escapes {
            let (t, go_on) = unescape(&text);
            text = t;
            newline &= go_on;
        }
        if newline {
            text.push('\n');
        }
        self.out(&text);
        Ok(0)
    }

    fn printf(&mut self, args: &[String]) -> Flow {
        let Some(format) = args.first() else {
            self.err("printf: usage: printf FORMAT [ARGUMENT...]\n");
            return Ok(1);
        };
        let (format, _) = unescape(format);
        let mut values = args[1..].iter();
        let mut out = String::new();
        loop {
            let mut chars = format.chars();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.push(c);
                    continue;
                }
                let mut v = || values.next().map_or("", String::as_str);
                match chars.next() {
                    Some('%') => out.push('%'),
                    Some('s') | Some('b') => out.push_str(v()),
                    Some('d') | Some('i') => out.push_str(&v().parse::<i64>().unwrap_or(0).to_string()),
                    Some('x') => out.push_str(&format!("{:x}", v().parse::<i64>().unwrap_or(0))),
                    Some('c') => out.extend(v().chars().next()),
                    Some(o) => out.extend(['%', o]),
                    None => out.push('%'),
                }
            }
            if values.len() == 0 || !format.contains('%') {
                break;
            }
        }
        self.out(&out);
        Ok(0)
    }

    /// `test` / `[`: 0 true, 1 false, 2 misuse.
    fn test(&mut self, name: &str, args: &[String]) -> i32 {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        if name != "test" {
            if args.last() != Some(&(if name == "[" { "]" } else { "]]" })) {
                self.err(&format!("{}: {name}: missing ]\n", self.name()));
                return 2;
            }
            args.pop();
        }
        let negate = args.first() == Some(&"!");
        if negate {
            args.remove(0);
        }
        let node = |sh: &Self, p: &str| sh.c.follow(sh.st.pid, &sh.path(p)).ok();
        let truth = match args.as_slice() {
            [] => false,
            [s] => !s.is_empty(),
            ["-n", s] => !s.is_empty(),
            ["-z", s] => s.is_empty(),
            ["-e" | "-r" | "-w", p] => node(self, p).is_some(),
            ["-f", p] => matches!(node(self, p), Some(Node::File(_) | Node::Binary(_))),
            ["-d", p] => matches!(node(self, p), Some(Node::Dir)),
            ["-x", p] => matches!(node(self, p), Some(Node::Binary(_) | Node::Dir)),
            ["-s", p] => matches!(node(self, p), Some(Node::File(t)) if !t.is_empty()) || matches!(node(self, p), Some(Node::Binary(n)) if n > 0),
            ["-L" | "-h", p] => matches!(self.c.lookup(self.st.pid, &self.path(p)), Ok(Node::Link(_))),
            [a, "=" | "==", b] => a == b,
            [a, "!=", b] => a != b,
            [a, op, b] => {
                let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) else {
                    self.err(&format!("{}: {name}: {a}: integer expected\n", self.name()));
                    return 2;
                };
                match *op {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    "-ge" => x >= y,
                    _ => return 2,
                }
            }
            _ => return 2,
        };
        i32::from(truth == negate)
    }

    /// The user and group names of uid/gid 0 from the image's `/etc/passwd` and `/etc/group`.
    fn id(&mut self, name: &str, args: &[String]) -> i32 {
        let lookup = |sh: &Self, file: &str| sh.read_text(file).ok().and_then(|t| t.lines().find(|l| l.split(':').nth(2) == Some("0")).and_then(|l| l.split(':').next().map(String::from)));
        let (user, group) = (lookup(self, "/etc/passwd"), lookup(self, "/etc/group"));
        let (f, _) = flags(args);
        let text = match (name, f.contains('u') || f.contains('g'), f.contains('n')) {
            ("whoami", ..) | (_, true, true) => match if f.contains('g') { &group } else { &user } {
                Some(n) => n.clone(),
                None => {
                    self.err(&format!("{name}: unknown ID 0\n"));
                    return 1;
                }
            },
            (_, true, false) => "0".into(),
            _ => format!("uid=0{} gid=0{}", user.map_or(String::new(), |u| format!("({u})")), group.map_or(String::new(), |g| format!("({g})"))),
        };
        self.out(&format!("{text}\n"));
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_operands() {
        let args: Vec<String> = ["-la", "/tmp", "-", "-5", "--", "-x"].map(String::from).to_vec();
        assert_eq!(flags(&args), ("la".to_string(), vec!["/tmp".to_string(), "-".into(), "-5".into(), "-x".into()]));
        assert_eq!(unescape("a\\tb\\c rest"), ("a\tb".to_string(), false));
    }
}
