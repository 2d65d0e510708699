//! Applets that ask the kernel for something: processes and time (`ps`, `kill`,
//! `sleep`, `timeout`, `yes`, `dd`) and what needs a capability or a system
//! call the seccomp filter denies (`hostname NAME`, `mount`, `umount`,
//! `unshare`, `chroot`). The network applets are in [`super::net`].

use super::container::Stop;
use super::files::BYTES_PER_US;
use super::fs::{FsError, Node};
use super::sh::{Dest, Flow, Sh};

/// Memory copies run at this many bytes per microsecond (`dd`).
const COPY_BYTES_PER_US: u64 = 2_000;

/// `1`, `0.2`, `5s`, `2m` as microseconds.
pub(super) fn duration(text: &str) -> Option<u64> {
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&text[..i], &text[i..]),
        None => (text, "s"),
    };
    let factor = match unit {
        "s" => 1e6,
        "m" => 6e7,
        "h" => 3.6e9,
        "d" => 8.64e10,
        _ => return None,
    };
    let seconds: f64 = number.parse().ok().filter(|s: &f64| s.is_finite() && *s >= 0.0)?;
    Some((seconds * factor).min(1e15) as u64)
}

/// A `dd` size: `64M`, `1k`, `512`, `1MB`.
fn size(text: &str) -> Option<u64> {
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let factor: u64 = match &text[split..] {
        "" | "c" => 1,
        "w" => 2,
        "b" => 512,
        "k" | "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "kB" => 1000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    text[..split].parse::<u64>().ok()?.checked_mul(factor)
}

fn signal_number(name: &str) -> Option<i32> {
    let name = name.trim_start_matches('-').trim_start_matches("SIG");
    name.parse().ok().or(match name {
        "HUP" => Some(1),
        "INT" => Some(2),
        "QUIT" => Some(3),
        "KILL" => Some(9),
        "USR1" => Some(10),
        "SEGV" => Some(11),
        "USR2" => Some(12),
        "PIPE" => Some(13),
        "ALRM" => Some(14),
        "TERM" => Some(15),
        _ => None,
    })
}

impl Sh<'_, '_> {
    /// A kernel-facing applet, if `name` is one.
    pub(super) fn system(&mut self, pid: u32, name: &str, args: &[String]) -> Option<Flow> {
        Some(match name {
            "ps" => {
                let user = self.read_text("/etc/passwd").ok().and_then(|t| t.lines().find(|l| l.split(':').nth(2) == Some("0")).and_then(|l| l.split(':').next().map(String::from)));
                let text = self.c.procs.ps(user.as_deref().unwrap_or("0"));
                self.out(&text);
                Ok(0)
            }
            "sleep" | "usleep" => match args.first().and_then(|a| if name == "usleep" { a.parse().ok() } else { duration(a) }) {
                Some(us) => self.block(pid, Some(us), false).map(|_| 0),
                None => {
                    self.err(&format!("{name}: invalid number '{}'\n", args.first().map_or("", String::as_str)));
                    Ok(1)
                }
            },
            "timeout" => self.timeout(pid, args),
            "yes" => {
                let line = if args.is_empty() { "y".to_string() } else { args.join(" ") };
                self.stream(pid, &format!("{line}\n"))
            }
            "dd" => self.dd(pid, args),
            "hostname" => match args.first() {
                None => {
                    let text = format!("{}\n", self.c.hostname);
                    self.out(&text);
                    Ok(0)
                }
                Some(_) if !self.c.caps.has("CAP_SYS_ADMIN") => {
                    self.err("hostname: sethostname: Operation not permitted\n");
                    Ok(1)
                }
                Some(new) => {
                    self.c.hostname = new.clone();
                    self.c.changes += 1;
                    Ok(0)
                }
            },
            "uname" => {
                let all = format!("Linux {} 6.1.0-kubeplay #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux", self.c.hostname);
                let text = match args.first().map(String::as_str) {
                    Some("-a") => all,
                    Some("-n") => self.c.hostname.clone(),
                    Some("-r") => "6.1.0-kubeplay".into(),
                    Some("-m") => "x86_64".into(),
                    _ => "Linux".into(),
                };
                self.out(&format!("{text}\n"));
                Ok(0)
            }
            "mount" => self.mount(args),
            "umount" => {
                let target = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
                let why = if self.c.denied("umount2") || !self.c.caps.has("CAP_SYS_ADMIN") { FsError::Perm } else { FsError::Invalid };
                self.err(&format!("umount: can't unmount {target}: {why}\n"));
                Ok(1)
            }
            "unshare" | "nsenter" | "pivot_root" => {
                let flags = [("m", 0x20000), ("u", 0x4000000), ("i", 0x8000000), ("n", 0x4000_0000), ("p", 0x2000_0000), ("U", 0x1000_0000), ("C", 0x2000000)];
                let mask: u32 = args
                    .iter()
                    .filter(|a| a.starts_with('-') && !a.starts_with("--"))
                    .flat_map(|a| a[1..].chars())
                    .filter_map(|c| flags.iter().find(|(f, _)| f.starts_with(c)).map(|(_, m)| *m))
                    .fold(0, |m, f| m | f);
                let call = match name {
                    "unshare" => format!("unshare(0x{mask:x})"),
                    "nsenter" => "setns()".into(),
                    _ => "pivot_root".into(),
                };
                self.err(&format!("{name}: {call}: {}\n", FsError::Perm));
                Ok(1)
            }
            "chroot" => {
                let dir = args.first().cloned().unwrap_or_default();
                let program = args.get(1).cloned().unwrap_or_else(|| "/bin/sh".into());
                let msg = if !self.c.caps.has("CAP_SYS_CHROOT") {
                    format!("chroot: can't change root directory to '{dir}': {}\n", FsError::Perm)
                } else if !matches!(self.c.follow(pid, &self.path(&dir)), Ok(Node::Dir)) {
                    format!("chroot: can't change root directory to '{dir}': {}\n", FsError::NotFound)
                } else {
                    format!("chroot: can't execute '{program}': {}\n", FsError::NotFound)
                };
                self.err(&msg);
                Ok(127)
            }
            _ => return None,
        })
    }

    /// Endless output (`yes`, `cat /dev/zero`): a pipe fills and the writer
    /// dies of SIGPIPE; otherwise it writes until a deadline ends it.
    pub(super) fn stream(&mut self, pid: u32, unit: &str) -> Flow {
        let out = self.st.io.out.clone();
        if let Dest::Buffer(_) = out {
            self.write_repeat(&out, unit, u64::MAX);
            return Err(Stop::Signal(13));
        }
        let times = self.c.remaining().saturating_mul(BYTES_PER_US) / unit.len().max(1) as u64;
        self.write_repeat(&out, unit, times);
        self.block(pid, None, true).map(|_| 0)
    }

    /// The `kill` builtin: the PID namespace's init ignores signals it has no handler for.
    pub(super) fn kill(&mut self, args: &[String]) -> Flow {
        let mut signal = 15;
        let mut targets = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-s" => {
                    i += 1;
                    signal = args.get(i).and_then(|s| signal_number(s)).unwrap_or(15);
                }
                s if s.starts_with('-') && s.len() > 1 => signal = signal_number(s).unwrap_or(15),
                s => targets.push(s.to_string()),
            }
            i += 1;
        }
        if targets.is_empty() {
            self.err("sh: you need to specify whom to kill\n");
            return Ok(1);
        }
        let mut status = 0;
        for t in targets {
            let Ok(pid) = t.parse::<u32>() else {
                self.err(&format!("sh: invalid number '{t}'\n"));
                status = 1;
                continue;
            };
            if self.c.procs.get(pid).is_none_or(|p| p.state == super::process::State::Zombie) {
                self.err(&format!("sh: can't kill pid {pid}: No such process\n"));
                status = 1;
            } else if pid != 1 {
                self.c.kill(pid, signal);
                self.c.exit(pid, false);
            }
        }
        Ok(status)
    }

    fn timeout(&mut self, pid: u32, args: &[String]) -> Flow {
        let (signal, rest) = match args.first().map(String::as_str) {
            Some("-s") => (args.get(1).and_then(|s| signal_number(s)).unwrap_or(15), args.get(2..).unwrap_or_default()),
            _ => (15, args),
        };
        let (Some(us), Some(command)) = (rest.first().and_then(|a| duration(a)), rest.get(1..).filter(|c| !c.is_empty())) else {
            self.err("BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: timeout [-s SIG] [-k KILL_SECS] SECS PROG ARGS\n");
            return Ok(1);
        };
        let deadline = self.c.now_us.saturating_add(us);
        self.c.deadlines.push(deadline);
        self.c.exec(pid, command);
        let result = self.dispatch_in(command, pid);
        if let Some(i) = self.c.deadlines.iter().rposition(|d| *d == deadline) {
            self.c.deadlines.remove(i);
        }
        match result {
            Err(Stop::Signal(15)) if self.c.now_us >= deadline && self.c.dead.is_none() => Err(Stop::Signal(signal)),
            other => other,
        }
    }

    /// `dd`: its buffer of `bs` bytes is memory the cgroup pays for; past the limit the OOM killer ends it.
    fn dd(&mut self, pid: u32, args: &[String]) -> Flow {
        let opt = |key: &str| args.iter().find_map(|a| a.strip_prefix(key).and_then(|v| v.strip_prefix('=')));
        let bs = match opt("bs") {
            Some(v) => match size(v) {
                Some(n) if n > 0 => n,
                _ => {
                    self.err(&format!("dd: invalid number '{v}'\n"));
                    return Ok(1);
                }
            },
            None => 512,
        };
        let count = opt("count").and_then(|c| c.parse::<u64>().ok());
        let source = match opt("if") {
            None => Some(self.st.io.stdin.len() as u64),
            Some("/dev/zero" | "/dev/urandom" | "/dev/random") => None,
            Some(path) => match self.c.follow(pid, &self.path(path)) {
                Ok(Node::File(t)) => Some(t.len() as u64),
                Ok(Node::Binary(n)) => Some(n),
                Ok(_) => Some(0),
                Err(e) => {
                    self.err(&format!("dd: can't open '{path}': {e}\n"));
                    return Ok(1);
                }
            },
        };
        if !self.c.cgroup.charge(bs) {
            return Err(self.c.kill(pid, 9));
        }
        let (full, partial) = match (source, count) {
            (None, None) => {
                self.c.cgroup.uncharge(bs);
                return self.block(pid, None, true).map(|_| 0);
            }
            (None, Some(c)) => (c, 0),
            (Some(len), c) => ((len / bs).min(c.unwrap_or(u64::MAX)), u64::from(len % bs > 0 && c.is_none_or(|c| len / bs < c))),
        };
        let bytes = full * bs + if partial > 0 { source.unwrap_or(0) % bs } else { 0 };
        let copied = self.c.work(bytes / COPY_BYTES_PER_US);
        self.c.cgroup.uncharge(bs);
        copied?;
        match opt("of") {
            Some("/dev/null") => {}
            None => {
                let out = self.st.io.out.clone();
                self.write_repeat(&out, "\0", bytes);
            }
            Some(path) => {
                let full_path = self.path(path);
                let _ = self.c.remove(&full_path);
                if let Err(e) = self.c.create(&full_path, Node::Binary(bytes)) {
                    self.err(&format!("dd: can't open '{path}': {e}\n"));
                    return Ok(1);
                }
            }
        }
        self.err(&format!("{full}+{partial} records in\n{full}+{partial} records out\n"));
        Ok(0)
    }

    fn mount(&mut self, args: &[String]) -> Flow {
        let mut fstype = None;
        let mut operands = Vec::new();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-t" => {
                    i += 1;
                    fstype = args.get(i).cloned();
                }
                "-o" => i += 1,
                s if s.starts_with('-') => {}
                s => operands.push(s.to_string()),
            }
            i += 1;
        }
        if operands.is_empty() && fstype.is_none() {
            let text: String = self.c.vfs.mounts.iter().map(|m| format!("{} on {} type {} ({})\n", m.source, m.target, m.fstype, m.options)).collect();
            self.out(&text);
            return Ok(0);
        }
        if self.c.denied("mount") || !self.c.caps.has("CAP_SYS_ADMIN") {
            self.err("mount: permission denied (are you root?)\n");
            return Ok(1);
        }
        let (source, target) = match operands.as_slice() {
            [s, t] => (s.clone(), t.clone()),
            _ => {
                self.err("mount: can't find the target in /etc/fstab\n");
                return Ok(1);
            }
        };
        let full = self.path(&target);
        match self.c.mount(&source, &full, fstype.as_deref().unwrap_or("tmpfs")) {
            Ok(()) => Ok(0),
            Err(e) => {
                let why = if e == FsError::Invalid { "No such device".to_string() } else { e.to_string() };
                self.err(&format!("mount: mounting {source} on {target} failed: {why}\n"));
                Ok(1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_sizes_and_signals_parse_as_busybox_does() {
        assert_eq!(duration("0.2"), Some(200_000));
        assert_eq!(duration("1m"), Some(60_000_000));
        assert_eq!(duration("x"), None);
        assert_eq!(size("64M"), Some(64 << 20));
        assert_eq!(size("1kB"), Some(1000));
        assert_eq!(size("1Q"), None);
        assert_eq!(size("99999999999999G"), None);
        assert_eq!((signal_number("-9"), signal_number("-KILL"), signal_number("SIGTERM")), (Some(9), Some(9), Some(15)));
    }
}
