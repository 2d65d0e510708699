//! File applets over the run's mounts: `cat`, `ls`, `tree` (the jail's),
//! `touch`, `rm`, `mkdir`, `rmdir`, `mknod`, `readlink`, `ln`, `cp`, `mv`,
//! with busybox's messages (GNU's for the jail's `cat` and `ls`).

use super::applets::flags;
use super::container::Stop;
use super::fs::{FsError, Node};
use super::sh::{Dialect, Flow, Sh, STEP_US};

/// How fast output and file data move, in bytes per microsecond.
pub const BYTES_PER_US: u64 = 100;

/// `dir/name`, with `/` joined without doubling.
fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// An `ls` listing being written: its flags, its text, and whether a block came before.
struct Listing<'a> {
    flags: &'a str,
    out: String,
    first: bool,
}

/// One `ls -l` line.
fn long_line(name: &str, node: &Node) -> String {
    let (mode, size, link) = match node {
        Node::Dir | Node::Opaque if name == "tmp" => ("drwxrwxrwt", "4096".to_string(), String::new()),
        Node::Dir | Node::Opaque => ("drwxr-xr-x", "4096".to_string(), String::new()),
        Node::File(t) => ("-rw-r--r--", t.len().to_string(), String::new()),
        Node::Binary(n) => ("-rwxr-xr-x", n.to_string(), String::new()),
        Node::Link(t) => ("lrwxrwxrwx", t.len().to_string(), format!(" -> {t}")),
        Node::Device(major, minor) => ("crw-rw-rw-", format!("{major:>4}, {minor:>3}"), String::new()),
        Node::Whiteout => ("c---------", format!("{:>4}, {:>3}", 0, 0), String::new()),
    };
    let links = if matches!(node, Node::Dir | Node::Opaque) { 2 } else { 1 };
    format!("{mode} {links:>4} {:<8} {:<8} {size:>9} Jan  1 00:00 {name}{link}\n", "root", "root")
}

impl Sh<'_, '_> {
    /// A file applet, if `name` is one.
    pub(super) fn file_applet(&mut self, pid: u32, name: &str, args: &[String]) -> Option<Flow> {
        let (f, ops) = flags(args);
        Some(match name {
            "cat" => self.cat(pid, &ops),
            "ls" => self.ls(pid, &f, ops),
            "tree" => self.tree(pid, ops.first().map_or(".", String::as_str)),
            "touch" => Ok(self.each(&ops, |sh, full, op| sh.c.touch(full).map_err(|e| format!("touch: {op}: {e}\n")))),
            "mkdir" => Ok(self.each(&ops, |sh, full, op| {
                let result = if f.contains('p') { sh.mkdir_parents(full) } else { sh.c.mkdir(full) };
                result.map_err(|e| format!("mkdir: can't create directory '{op}': {e}\n"))
            })),
            "rmdir" => Ok(self.each(&ops, |sh, full, op| match sh.c.lookup(pid, full) {
                Ok(Node::Dir) => sh.c.remove(full).map_err(|e| format!("rmdir: '{op}': {e}\n")),
                Ok(_) => Err(format!("rmdir: '{op}': Not a directory\n")),
                Err(e) => Err(format!("rmdir: '{op}': {e}\n")),
            })),
            "rm" => self.rm(pid, &f, &ops),
            "mknod" => {
                let kind = ops.get(1).map_or("", String::as_str);
                let number = |i: usize| ops.get(i).and_then(|n| n.parse().ok()).unwrap_or(0);
                let node = if kind == "p" { Node::File(String::new()) } else { Node::Device(number(2), number(3)) };
                let allowed = kind == "p" || self.c.caps.has("CAP_MKNOD");
                Ok(self.each(&ops[..ops.len().min(1)], |sh, full, op| {
                    if allowed {
                        sh.c.create(full, node.clone()).map_err(|e| format!("mknod: {op}: {e}\n"))
                    } else {
                        Err(format!("mknod: {op}: {}\n", FsError::Perm))
                    }
                }))
            }
            "readlink" => {
                let full = self.path(ops.first().map_or("", String::as_str));
                let text = match self.c.lookup(pid, &full) {
                    Ok(_) if f.contains('f') => full,
                    Ok(Node::Link(target)) => target,
                    _ => return Some(Ok(1)),
                };
                self.out(&format!("{text}\n"));
                Ok(0)
            }
            "ln" if f.contains('s') && ops.len() == 2 => Ok(self.each(&ops[1..], |sh, full, op| sh.c.create(full, Node::Link(ops[0].clone())).map_err(|e| format!("ln: {op}: {e}\n")))),
            "cp" | "mv" if ops.len() == 2 => self.copy(pid, name, &ops[0], &ops[1]),
            _ => return None,
        })
    }

    /// Applies `op` to each operand (made absolute), printing its errors: 0, or 1 after any.
    fn each(&mut self, operands: &[String], mut op: impl FnMut(&mut Self, &str, &str) -> Result<(), String>) -> i32 {
        let mut status = 0;
        for operand in operands {
            let full = self.path(operand);
            if let Err(msg) = op(self, &full, operand) {
                self.err(&msg);
                status = 1;
            }
        }
        status
    }

    fn mkdir_parents(&mut self, full: &str) -> Result<(), FsError> {
        let mut path = String::new();
        for part in full.split('/').filter(|p| !p.is_empty()) {
            path = format!("{path}/{part}");
            match self.c.lookup(self.st.pid, &path) {
                Ok(Node::Dir) => {}
                Ok(_) => return Err(FsError::NotDir),
                Err(_) => self.c.mkdir(&path)?,
            }
        }
        Ok(())
    }

    fn cat(&mut self, pid: u32, files: &[String]) -> Flow {
        let gnu = self.dialect == Dialect::Bash;
        let mut status = 0;
        let stdin = ["-".to_string()];
        for f in if files.is_empty() { &stdin[..] } else { files } {
            let node = if f == "-" { Ok(Node::File(self.st.io.stdin.clone())) } else { self.c.follow(pid, &self.path(f)) };
            match node {
                Ok(Node::File(text)) => {
                    self.c.work(text.len() as u64 / BYTES_PER_US)?;
                    self.out(&text);
                }
                Ok(Node::Binary(size)) => {
                    self.c.work(size / BYTES_PER_US)?;
                    let out = self.st.io.out.clone();
                    self.write(&out, "\u{7f}ELF\u{2}\u{1}\u{1}");
                    self.write_repeat(&out, "\0", size.saturating_sub(7));
                }
                Ok(Node::Device(1, 3) | Node::Link(_)) => {}
                Ok(Node::Device(1, 5 | 7)) => return self.stream(pid, &"\0".repeat(4096)),
                Ok(Node::Device(1, _)) => return self.stream(pid, &(0..4096u32).map(|i| char::from(b'!' + (i.wrapping_mul(2_654_435_761) >> 25) as u8 % 94)).collect::<String>()),
                Ok(Node::Dir | Node::Opaque) => {
                    self.err(&if gnu { format!("cat: {f}: Is a directory\n") } else { "cat: read error: Is a directory\n".into() });
                    status = 1;
                }
                Ok(Node::Device(..) | Node::Whiteout) => {
                    self.err("cat: read error: No such device or address\n");
                    status = 1;
                }
                Err(e) => {
                    self.err(&if gnu { format!("cat: {f}: {e}\n") } else { format!("cat: can't open '{f}': {e}\n") });
                    status = 1;
                }
            }
        }
        Ok(status)
    }

    fn ls(&mut self, pid: u32, f: &str, mut operands: Vec<String>) -> Flow {
        let gnu = self.dialect == Dialect::Bash;
        if operands.is_empty() {
            operands.push(".".into());
        }
        let (mut files, mut dirs, mut status) = (Vec::new(), Vec::new(), 0);
        for op in &operands {
            let full = self.path(op);
            let node = if f.contains('l') || f.contains('d') { self.c.lookup(pid, &full) } else { self.c.follow(pid, &full) };
            match node {
                Ok(Node::Dir | Node::Opaque) if !f.contains('d') => dirs.push((op.clone(), full)),
                Ok(node) => files.push((op.clone(), node)),
                Err(e) => {
                    self.err(&if gnu { format!("ls: cannot access '{op}': {e}\n") } else { format!("ls: {op}: {e}\n") });
                    status = if gnu { 2 } else { 1 };
                }
            }
        }
        let out: String = files.iter().map(|(name, node)| if f.contains('l') { long_line(name, node) } else { format!("{name}\n") }).collect();
        let headers = dirs.len() + files.len() > 1 || f.contains('R');
        let mut listing = Listing { flags: f, out, first: files.is_empty() };
        for (shown, full) in dirs {
            self.ls_dir(pid, &mut listing, (&shown, &full), headers, 0)?;
        }
        self.out(&listing.out);
        Ok(status)
    }

    fn ls_dir(&mut self, pid: u32, listing: &mut Listing, (shown, full): (&str, &str), header: bool, depth: usize) -> Result<(), Stop> {
        self.c.work(STEP_US)?;
        let (f, out) = (listing.flags, &mut listing.out);
        if !std::mem::replace(&mut listing.first, false) {
            out.push('\n');
        }
        if header {
            out.push_str(&format!("{shown}:\n"));
        }
        let mut entries = match self.c.list(pid, full) {
            Ok(e) => e,
            Err(e) => {
                self.err(&format!("ls: {shown}: {e}\n"));
                return Ok(());
            }
        };
        if f.contains('a') {
            entries.splice(0..0, [(".".to_string(), Node::Dir), ("..".to_string(), Node::Dir)]);
        } else if !f.contains('A') {
            entries.retain(|(n, _)| !n.starts_with('.'));
        }
        if f.contains('l') {
            let blocks: u64 = entries.iter().map(|(_, n)| if matches!(n, Node::Dir) { 4 } else { 0 }).sum();
            out.push_str(&format!("total {blocks}\n"));
        }
        for (name, node) in &entries {
            out.push_str(&if f.contains('l') { long_line(name, node) } else { format!("{name}\n") });
        }
        if f.contains('R') && depth < 16 {
            for (name, node) in entries.iter().filter(|(n, _)| n != "." && n != "..") {
                if matches!(node, Node::Dir | Node::Opaque) {
                    self.ls_dir(pid, listing, (&join(shown, name), &join(full, name)), true, depth + 1)?;
                }
            }
        }
        Ok(())
    }

    /// GNU `tree` with its ASCII lines.
    fn tree(&mut self, pid: u32, root: &str) -> Flow {
        let full = self.path(root);
        let (mut dirs, mut files) = (0, 0);
        let mut out = format!("{root}\n");
        if matches!(self.c.follow(pid, &full), Ok(Node::Dir)) {
            dirs += 1;
            self.tree_walk(pid, &full, "", &mut out, (&mut dirs, &mut files));
        } else {
            out = format!("{root}  [error opening dir]\n");
        }
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        out.push_str(&format!("\n{}, {}\n", plural(dirs, "directory", "directories"), plural(files, "file", "files")));
        self.out(&out);
        Ok(0)
    }

    fn tree_walk(&mut self, pid: u32, dir: &str, prefix: &str, out: &mut String, counts: (&mut usize, &mut usize)) {
        let entries: Vec<(String, Node)> = self.c.list(pid, dir).unwrap_or_default().into_iter().filter(|(n, _)| !n.starts_with('.')).collect();
        let (dirs, files) = counts;
        for (i, (name, node)) in entries.iter().enumerate() {
            let last = i + 1 == entries.len();
            let link = if let Node::Link(t) = node { format!(" -> {t}") } else { String::new() };
            out.push_str(&format!("{prefix}{}{name}{link}\n", if last { "`-- " } else { "|-- " }));
            if matches!(node, Node::Dir | Node::Opaque) && prefix.len() < 64 {
                *dirs += 1;
                self.tree_walk(pid, &join(dir, name), &format!("{prefix}{}", if last { "    " } else { "|   " }), out, (&mut *dirs, &mut *files));
            } else {
                *files += 1;
            }
        }
    }

    fn rm(&mut self, pid: u32, f: &str, operands: &[String]) -> Flow {
        let (recursive, force) = (f.contains('r') || f.contains('R'), f.contains('f'));
        let mut status = 0;
        for op in operands {
            let full = self.path(op);
            match self.c.lookup(pid, &full) {
                Err(FsError::NotFound) if force => {}
                Err(e) => {
                    self.err(&format!("rm: can't remove '{op}': {e}\n"));
                    status = 1;
                }
                Ok(Node::Dir | Node::Opaque) if !recursive => {
                    self.err(&format!("rm: '{op}' is a directory\n"));
                    status = 1;
                }
                Ok(_) => {
                    if !self.remove_tree(pid, op, &full)? {
                        status = 1;
                    }
                }
            }
        }
        Ok(status)
    }

    /// Removes a tree depth first, reporting each failure; false after any.
    fn remove_tree(&mut self, pid: u32, shown: &str, full: &str) -> Result<bool, Stop> {
        self.c.work(STEP_US)?;
        let mut ok = true;
        if let (Ok(Node::Dir | Node::Opaque), Ok(entries)) = (self.c.lookup(pid, full), self.c.list(pid, full)) {
            for (name, _) in entries {
                ok &= self.remove_tree(pid, &join(shown, &name), &join(full, &name))?;
            }
        }
        if let Err(e) = self.c.remove(full) {
            self.err(&format!("rm: can't remove '{shown}': {e}\n"));
            ok = false;
        }
        Ok(ok)
    }

    fn copy(&mut self, pid: u32, name: &str, from: &str, to: &str) -> Flow {
        let source = match self.c.follow(pid, &self.path(from)) {
            Ok(Node::Dir) => {
                self.err(&format!("{name}: omitting directory '{from}'\n"));
                return Ok(1);
            }
            Ok(node) => node,
            Err(e) => {
                self.err(&format!("{name}: can't stat '{from}': {e}\n"));
                return Ok(1);
            }
        };
        let mut target = self.path(to);
        if matches!(self.c.follow(pid, &target), Ok(Node::Dir)) {
            target = join(&target, from.rsplit('/').next().unwrap_or(from));
        }
        let written = match source {
            Node::File(text) => self.c.write_file(&target, &text, false),
            node => {
                let _ = self.c.remove(&target);
                self.c.create(&target, node)
            }
        };
        if let Err(e) = written {
            self.err(&format!("{name}: can't create '{to}': {e}\n"));
            return Ok(1);
        }
        if name == "mv" {
            let _ = self.c.remove(&self.path(from));
        }
        Ok(0)
    }
}
