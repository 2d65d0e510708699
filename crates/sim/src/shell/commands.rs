//! The shell's file and session commands: `cd`, `ls`, `cat`, `echo`, `mkdir`, `rm`,
//! `cp`, `mv`, `touch`, `export`, `sleep` and a few answers about the machine, with
//! coreutils' messages.

use super::fs::{resolve, FsError};
use super::Shell;
use crate::cluster::Cluster;
use crate::kubectl::CommandOutput;

/// Splits `-abc` style options from operands (`--` ends options).
pub fn options(args: &[String]) -> (Vec<char>, Vec<String>) {
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut ended = false;
    for a in args {
        if !ended && a == "--" {
            ended = true;
        } else if !ended && a.len() > 1 && a.starts_with('-') && !a.starts_with("--") {
            flags.extend(a[1..].chars());
        } else if !ended && a.starts_with("--") {
            // Long options are taken as their first letter (--recursive = -r, --all = -a).
            flags.extend(a[2..].chars().next());
        } else {
            operands.push(a.clone());
        }
    }
    (flags, operands)
}

fn fail(out: &mut CommandOutput, cmd: &str, path: &str, e: FsError) {
    out.stderr.push_str(&format!("{cmd}: {path}: {e}\n"));
    out.exit_code = 1;
}

/// `cd [DIR]`.
pub fn cd(shell: &mut Shell, args: &[String]) -> CommandOutput {
    // `cd` alone goes to $HOME (a container's is /root).
    let home = shell.vars.get("HOME").cloned().unwrap_or_else(|| super::HOME.to_string());
    let target = match args.first().map(String::as_str) {
        None | Some("~") => home,
        Some(dir) => resolve(&shell.cwd, dir),
    };
    if shell.fs.is_dir(&target) {
        shell.cwd = target;
        CommandOutput::default()
    } else {
        let e = if shell.fs.exists(&target) { FsError::NotADirectory } else { FsError::NotFound };
        CommandOutput::err(format!("bash: cd: {}: {e}\n", args.first().map_or(target.as_str(), String::as_str)), 1)
    }
}

/// `export NAME=value ...` (and `export NAME`).
pub fn export(shell: &mut Shell, args: &[String]) -> CommandOutput {
    let mut out = CommandOutput::default();
    for a in args {
        let (name, value) = a.split_once('=').unwrap_or((a, ""));
        if !super::parse::is_name(name) {
            out.stderr.push_str(&format!("bash: export: `{a}': not a valid identifier\n"));
            out.exit_code = 1;
        } else if a.contains('=') {
            shell.vars.insert(name.to_string(), value.to_string());
        }
    }
    out
}

/// `sleep N[s|m]`: virtual time moves on by that much (at most ten minutes).
pub fn sleep(cluster: &mut Cluster, args: &[String]) -> CommandOutput {
    let Some(arg) = args.first() else { return CommandOutput::err("sleep: missing operand\n".into(), 1) };
    let seconds = arg.strip_suffix('s').unwrap_or(arg);
    let parsed = match seconds.strip_suffix('m') {
        Some(m) => m.parse::<f64>().map(|m| m * 60.0),
        None => seconds.parse::<f64>(),
    };
    match parsed {
        Ok(s) if s >= 0.0 && s.is_finite() => {
            cluster.advance(crate::clock::Duration::millis((s.min(600.0) * 1000.0) as i64));
            CommandOutput::default()
        }
        _ => CommandOutput::err(format!("sleep: invalid time interval '{arg}'\n"), 1),
    }
}

/// The file commands; `None` when `name` is not one of them.
pub fn run(shell: &mut Shell, name: &str, args: &[String], stdin: &str) -> Option<CommandOutput> {
    Some(match name {
        "ls" => ls(shell, args),
        "cat" => cat(shell, args, stdin),
        "echo" => echo(args),
        "printf" => printf(args),
        "mkdir" => {
            let (flags, dirs) = options(args);
            let mut out = CommandOutput::default();
            if dirs.is_empty() {
                return Some(CommandOutput::err("mkdir: missing operand\n".into(), 1));
            }
            for d in dirs {
                if let Err(e) = shell.fs.mkdir(&resolve(&shell.cwd, &d), flags.contains(&'p')) {
                    out.stderr.push_str(&format!("mkdir: cannot create directory '{d}': {e}\n"));
                    out.exit_code = 1;
                }
            }
            out
        }
        "rm" => {
            let (flags, paths) = options(args);
            let mut out = CommandOutput::default();
            for p in paths {
                let full = resolve(&shell.cwd, &p);
                match shell.fs.remove(&full, flags.contains(&'r') || flags.contains(&'R')) {
                    Err(FsError::NotFound) if flags.contains(&'f') => {}
                    Err(e) => {
                        out.stderr.push_str(&format!("rm: cannot remove '{p}': {e}\n"));
                        out.exit_code = 1;
                    }
                    Ok(()) => {}
                }
            }
            out
        }
        "touch" => {
            let mut out = CommandOutput::default();
            for p in options(args).1 {
                let full = resolve(&shell.cwd, &p);
                if !shell.fs.exists(&full) {
                    if let Err(e) = shell.fs.write(&full, "", false) {
                        out.stderr.push_str(&format!("touch: cannot touch '{p}': {e}\n"));
                        out.exit_code = 1;
                    }
                }
            }
            out
        }
        "cp" | "mv" => copy(shell, name, args),
        "sed" => sed(shell, args, stdin),
        "true" => CommandOutput::default(),
        "false" => CommandOutput { exit_code: 1, ..Default::default() },
        "whoami" => CommandOutput::ok(format!("{}\n", if shell.container_hosts.is_some() { "root" } else { "docker" })),
        "hostname" => CommandOutput::ok(format!("{}\n", shell.vars.get("HOSTNAME").map_or("control-plane", String::as_str))),
        "uname" => CommandOutput::ok(if args.iter().any(|a| a == "-a") { "Linux control-plane 5.10.57 #1 SMP x86_64 GNU/Linux\n" } else { "Linux\n" }.into()),
        "which" | "type" => {
            let known = ["kubectl", "curl", "ls", "cat", "grep", "jq", "head", "tail", "wc", "sort", "echo", "base64"];
            let mut out = CommandOutput::default();
            for a in args {
                if known.contains(&a.as_str()) {
                    out.stdout.push_str(&format!("/usr/bin/{a}\n"));
                } else {
                    out.exit_code = 1;
                }
            }
            out
        }
        _ => return None,
    })
}

fn ls(shell: &Shell, args: &[String]) -> CommandOutput {
    let (flags, mut paths) = options(args);
    let all = flags.contains(&'a');
    let long = flags.contains(&'l');
    if paths.is_empty() {
        paths.push(".".into());
    }
    let mut out = CommandOutput::default();
    let many = paths.len() > 1;
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for p in &paths {
        let full = resolve(&shell.cwd, p);
        if shell.fs.is_dir(&full) {
            dirs.push((p.clone(), full));
        } else if shell.fs.exists(&full) {
            files.push((p.clone(), full));
        } else {
            out.stderr.push_str(&format!("ls: cannot access '{p}': No such file or directory\n"));
            out.exit_code = 2;
        }
    }
    let line = |name: &str, full: &str, dir: bool| -> String {
        if long {
            let size = if dir { 4096 } else { shell.fs.read(full).map(|t| t.len()).unwrap_or(0) };
            format!("{} 1 docker docker {size:>5} Jan  1 00:00 {name}\n", if dir { "drwxr-xr-x" } else { "-rw-r--r--" })
        } else {
            format!("{name}\n")
        }
    };
    for (name, full) in &files {
        out.stdout.push_str(&line(name, full, false));
    }
    for (i, (name, full)) in dirs.iter().enumerate() {
        if many {
            out.stdout.push_str(&format!("{}{name}:\n", if i > 0 || !files.is_empty() { "\n" } else { "" }));
        }
        let entries = shell.fs.list(full).unwrap_or_default();
        if long {
            out.stdout.push_str(&format!("total {}\n", entries.len() * 4));
        }
        if all {
            out.stdout.push_str(&line(".", full, true));
            out.stdout.push_str(&line("..", full, true));
        }
        for (n, is_dir) in entries.iter().filter(|(n, _)| all || !n.starts_with('.')) {
            out.stdout.push_str(&line(n, &format!("{}/{n}", full.trim_end_matches('/')), *is_dir));
        }
    }
    out
}

fn cat(shell: &Shell, args: &[String], stdin: &str) -> CommandOutput {
    let (_, paths) = options(args);
    if paths.is_empty() {
        return CommandOutput::ok(stdin.to_string());
    }
    let mut out = CommandOutput::default();
    for p in paths {
        if p == "-" {
            out.stdout.push_str(stdin);
            continue;
        }
        match shell.fs.read(&resolve(&shell.cwd, &p)) {
            Ok(text) => out.stdout.push_str(&text),
            Err(e) => fail(&mut out, "cat", &p, e),
        }
    }
    out
}

fn echo(args: &[String]) -> CommandOutput {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i).filter(|a| a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))) {
        newline &= !a.contains('n');
        escapes = a.contains('e');
        i += 1;
    }
    let mut text = args[i..].join(" ");
    if escapes {
        text = backslash_escapes(&text);
    }
    if newline {
        text.push('\n');
    }
    CommandOutput::ok(text)
}

/// `cp [-r] SRC... DEST` and `mv SRC... DEST`.
fn copy(shell: &mut Shell, name: &str, args: &[String]) -> CommandOutput {
    let (flags, mut paths) = options(args);
    let mut out = CommandOutput::default();
    if paths.len() < 2 {
        return CommandOutput::err(format!("{name}: missing file operand\n"), 1);
    }
    let dest = paths.pop().unwrap_or_default();
    let dest_full = resolve(&shell.cwd, &dest);
    let into_dir = shell.fs.is_dir(&dest_full);
    for src in paths {
        let full = resolve(&shell.cwd, &src);
        let target = if into_dir { format!("{}/{}", dest_full.trim_end_matches('/'), full.rsplit('/').next().unwrap_or("")) } else { dest_full.clone() };
        let result = if shell.fs.is_dir(&full) {
            if name == "cp" && !flags.contains(&'r') && !flags.contains(&'R') {
                out.stderr.push_str(&format!("cp: -r not specified; omitting directory '{src}'\n"));
                out.exit_code = 1;
                continue;
            }
            copy_tree(shell, &full, &target)
        } else {
            shell.fs.read(&full).and_then(|text| shell.fs.write(&target, &text, false))
        };
        let result = result.and_then(|()| if name == "mv" { shell.fs.remove(&full, true) } else { Ok(()) });
        if let Err(e) = result {
            out.stderr.push_str(&format!("{name}: cannot {} '{src}': {e}\n", if name == "mv" { "move" } else { "copy" }));
            out.exit_code = 1;
        }
    }
    out
}

fn copy_tree(shell: &mut Shell, from: &str, to: &str) -> Result<(), FsError> {
    shell.fs.mkdir(to, true)?;
    for (n, dir) in shell.fs.list(from)? {
        let (src, dst) = (format!("{from}/{n}"), format!("{to}/{n}"));
        if dir {
            copy_tree(shell, &src, &dst)?;
        } else {
            let text = shell.fs.read(&src)?;
            shell.fs.write(&dst, &text, false)?;
        }
    }
    Ok(())
}

/// `sed [-i] 's/OLD/NEW/[g]' [FILE...]`: the substitute command with literal text (the
/// delimiter is the character after `s`), on standard input or files, in place with `-i`.
fn sed(shell: &mut Shell, args: &[String], stdin: &str) -> CommandOutput {
    let (flags, operands) = options(args);
    let Some(script) = operands.first() else { return CommandOutput::err("Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n".into(), 1) };
    let mut chars = script.chars();
    let parsed = match (chars.next(), chars.next()) {
        (Some('s'), Some(delim)) => {
            let parts: Vec<&str> = script[1 + delim.len_utf8()..].split(delim).collect();
            match parts.as_slice() {
                [old, new, opts] if opts.chars().all(|c| c == 'g') && !old.is_empty() => Some((old.to_string(), new.to_string(), opts.contains('g'))),
                _ => None,
            }
        }
        _ => None,
    };
    let Some((old, new, global)) = parsed else {
        return CommandOutput::err(format!("sed: -e expression #1, char {}: this console's sed knows only s/old/new/ and s/old/new/g\n", script.chars().count()), 1);
    };
    let edit = |text: &str| -> String {
        text.split_inclusive('\n').map(|line| if global { line.replace(&old, &new) } else { line.replacen(&old, &new, 1) }).collect()
    };
    let files = &operands[1..];
    if files.is_empty() {
        return CommandOutput::ok(edit(stdin));
    }
    let mut out = CommandOutput::default();
    for f in files {
        let full = resolve(&shell.cwd, f);
        match shell.fs.read(&full) {
            Ok(text) if flags.contains(&'i') => {
                if let Err(e) = shell.fs.write(&full, &edit(&text), false) {
                    out.stderr.push_str(&format!("sed: couldn't edit {f}: {e}\n"));
                    out.exit_code = 4;
                }
            }
            Ok(text) => out.stdout.push_str(&edit(&text)),
            Err(e) => {
                out.stderr.push_str(&format!("sed: can't read {f}: {e}\n"));
                out.exit_code = 2;
            }
        }
    }
    out
}

/// `\n`, `\t` and `\\` as `echo -e` and `printf` read them.
fn backslash_escapes(text: &str) -> String {
    text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")
}

/// `printf FORMAT [ARG...]`: `%s`, `%d`, `%%` and the escapes `\n`, `\t`, `\\`; the format
/// is reused while arguments remain, as bash does.
fn printf(args: &[String]) -> CommandOutput {
    // `--` ends the options, as for bash's builtin: `printf -- '-----BEGIN ...'`.
    let args = if args.first().is_some_and(|a| a == "--") { &args[1..] } else { args };
    let Some(format) = args.first() else { return CommandOutput::err("printf: usage: printf format [arguments]\n".into(), 2) };
    let format = backslash_escapes(format);
    let mut rest = args[1..].iter();
    let mut out = String::new();
    loop {
        let mut consumed = false;
        let mut chars = format.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('%') => out.push('%'),
                Some('s') => {
                    consumed = true;
                    out.push_str(rest.next().map_or("", String::as_str));
                }
                Some('d') => {
                    consumed = true;
                    out.push_str(&rest.next().and_then(|a| a.parse::<i64>().ok()).unwrap_or(0).to_string());
                }
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        if !consumed || rest.len() == 0 {
            break;
        }
    }
    CommandOutput::ok(out)
}
