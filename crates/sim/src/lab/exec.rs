//! How the shell runs commands: forks (each a process of the PID namespace),
//! pipelines whose stages run one after the other through pipes, background
//! jobs, redirections, and the dispatch of a command to a function, a builtin,
//! a nested shell or an applet (run in a forked process, or in the shell's own
//! for the last command of `sh -c`).

use super::container::Stop;
use super::script;
use super::script::Node;
use super::sh::{Dest, Dialect, Flow, Io, Sh, ShState, MAX_DEPTH, STEP_US};
use crate::shell::parse::{Command, Pipeline, Redirect};
use std::cell::RefCell;
use std::rc::Rc;

/// One element of a pipeline: a simple command, or a compound one (`for ...; done | sort`).
#[derive(Clone, Debug)]
pub enum Stage {
    /// A simple command.
    Cmd(Command),
    /// A compound command.
    Node(Node),
}

/// Opened redirections: the streams, and the files to fill when the command ends.
type Opened = (Io, Vec<(String, Rc<RefCell<String>>)>);

/// A background job waiting for the foreground to block.
pub struct Job {
    /// One forked process per stage.
    pub(super) pids: Vec<u32>,
    /// What the processes run.
    pub(super) stages: Vec<Stage>,
    /// The shell state they were forked with.
    pub(super) state: ShState,
}

/// How a shell names a signal that ended a foreground job.
fn signal_name(sig: i32) -> String {
    match sig {
        9 => "Killed".into(),
        11 => "Segmentation fault".into(),
        15 => "Terminated".into(),
        s => format!("Signal {s}"),
    }
}

impl Sh<'_, '_> {
    /// `eval`: a script run in this shell, every command as usual (none replaces the shell).
    pub fn script_in_place(&mut self, text: &str) -> Flow {
        if self.st.depth >= MAX_DEPTH {
            return Err(self.c.kill(self.st.pid, 11));
        }
        match script::compile(text) {
            Ok(program) => {
                let defs = std::mem::replace(&mut self.st.defs, Rc::new(program.functions));
                self.st.depth += 1;
                let result = self.nodes(&program.nodes, false);
                self.st.depth -= 1;
                self.st.defs = defs;
                result
            }
            Err(msg) => {
                self.err(&format!("{}: {msg}\n", self.name()));
                Ok(2)
            }
        }
    }

    /// Runs words as a command in process `pid` (`exec`).
    pub fn dispatch_in(&mut self, words: &[String], pid: u32) -> Flow {
        self.dispatch(words, Some(pid))
    }

    /// Forks a shell process; a failed fork ends this shell (status 2) after its message.
    pub(super) fn fork(&mut self) -> Result<u32, Stop> {
        match self.c.spawn(self.st.pid, "sh", &self.st.argv.clone()) {
            Err(Stop::Exit(errno)) => {
                let why = if errno == 12 { "Out of memory" } else { "Resource temporarily unavailable" };
                self.err(&format!("{}: can't fork: {why}\n", self.name()));
                Err(Stop::Exit(2))
            }
            other => other,
        }
    }

    /// Forks `n` processes (a pipeline's stages), or none when one fork fails.
    pub(super) fn fork_all(&mut self, n: usize) -> Result<Vec<u32>, Stop> {
        let mut pids = Vec::new();
        for _ in 0..n {
            match self.fork() {
                Ok(pid) => pids.push(pid),
                Err(e) => {
                    for pid in pids {
                        self.c.exit(pid, false);
                    }
                    return Err(e);
                }
            }
        }
        Ok(pids)
    }

    /// A child's end: its status; a signal is reported as a shell does.
    pub(super) fn ended(&mut self, pid: u32, result: Flow, report: bool) -> Flow {
        self.c.alive()?;
        let status = match result {
            Ok(s) | Err(Stop::Exit(s)) => s,
            Err(Stop::Parked) => return Ok(0),
            Err(Stop::Signal(sig)) => {
                if report && sig != 13 && !self.st.background {
                    self.err(&format!("{}\n", signal_name(sig)));
                }
                128 + sig
            }
        };
        self.c.exit(pid, self.st.background);
        Ok(status)
    }

    /// `&`: forks the stages' processes now; they run when the foreground first waits.
    pub(super) fn background(&mut self, stages: Vec<Stage>) -> Flow {
        let pids = self.fork_all(stages.len())?;
        self.st.last_bg = pids.last().copied();
        let state = ShState { background: true, io: Io { stdin: String::new(), ..self.st.io.clone() }, ..self.st.clone() };
        self.jobs.borrow_mut().push_back(Job { pids, stages, state });
        Ok(0)
    }

    /// A compound command with redirections, piped into more commands, or in the background.
    pub(super) fn group(&mut self, node: &Node, redirects: &[Redirect], tail: &[Command], background: bool) -> Flow {
        let (io, files) = match self.redirections(redirects)? {
            Ok(opened) => opened,
            Err(status) => return Ok(status),
        };
        let saved = std::mem::replace(&mut self.st.io, io);
        let stages: Vec<Stage> = std::iter::once(Stage::Node(node.clone())).chain(tail.iter().cloned().map(Stage::Cmd)).collect();
        let result = if background {
            self.background(stages)
        } else if tail.is_empty() {
            self.node(node, false)
        } else {
            self.fork_all(stages.len()).and_then(|pids| self.stages(&stages, &pids))
        };
        self.st.io = saved;
        self.fill(files);
        result
    }

    /// A foreground pipeline; a lone command of `sh -c`'s last pipeline (`exec`) runs in the shell's process.
    pub(super) fn pipeline(&mut self, pipeline: &Pipeline, exec: bool) -> Flow {
        let status = if let [command] = pipeline.commands.as_slice() {
            self.command(command, exec.then_some(self.st.pid))?
        } else {
            let pids = self.fork_all(pipeline.commands.len())?;
            let stages: Vec<Stage> = pipeline.commands.iter().cloned().map(Stage::Cmd).collect();
            self.stages(&stages, &pids)?
        };
        Ok(if pipeline.negated { i32::from(status == 0) } else { status })
    }

    /// Runs each command of a pipeline in its own forked process, each one's output into the next.
    pub(super) fn stages(&mut self, stages: &[Stage], pids: &[u32]) -> Flow {
        let mut input = std::mem::take(&mut self.st.io.stdin);
        let mut status = 0;
        let last = pids.len().saturating_sub(1);
        for (i, (stage, &pid)) in stages.iter().zip(pids).enumerate() {
            let buffer = (i < last).then(|| Rc::new(RefCell::new(String::new())));
            let io = Io { stdin: std::mem::take(&mut input), out: buffer.clone().map_or(self.st.io.out.clone(), Dest::Buffer), err: self.st.io.err.clone() };
            let mut child = self.child(pid, io);
            let result = match stage {
                Stage::Cmd(command) => child.command(command, Some(pid)),
                Stage::Node(node) => child.node(node, false),
            };
            status = self.ended(pid, result, i == last)?;
            input = buffer.map(|b| b.take()).unwrap_or_default();
        }
        Ok(status)
    }

    /// Opens a redirection target: `/dev/null`, or a file created (or truncated) now.
    pub(super) fn open(&mut self, path: &str, append: bool, files: &mut Vec<(String, Rc<RefCell<String>>)>) -> Result<Dest, String> {
        let full = self.path(path);
        if full == "/dev/null" {
            return Ok(Dest::Null);
        }
        self.c.write_file(&full, "", append).map_err(|e| format!("{}: can't create {path}: {e}\n", self.name()))?;
        let buffer = Rc::new(RefCell::new(String::new()));
        files.push((full, buffer.clone()));
        Ok(Dest::Buffer(buffer))
    }

    /// Opens a command's redirections over this shell's streams; `Err(1)` after a message when one fails.
    pub(super) fn redirections(&mut self, redirects: &[Redirect]) -> Result<Result<Opened, i32>, Stop> {
        let mut io = self.st.io.clone();
        let mut files = Vec::new();
        for r in redirects {
            let opened = match r {
                Redirect::In(w) => {
                    let path = self.expand_joined(w)?;
                    self.read_text(&path).map(|text| io.stdin = text).map_err(|e| format!("{}: can't open '{path}': {e}\n", self.name()))
                }
                Redirect::Heredoc(w) => {
                    io.stdin = self.expand_joined(w)?;
                    Ok(())
                }
                Redirect::ErrToOut => {
                    io.err = io.out.clone();
                    Ok(())
                }
                Redirect::Out { fd, target, append } => {
                    let path = self.expand_joined(target)?;
                    self.open(&path, *append, &mut files).map(|dest| match fd {
                        1 => io.out = dest,
                        2 => io.err = dest,
                        _ => (io.out, io.err) = (dest.clone(), dest),
                    })
                }
            };
            if let Err(msg) = opened {
                self.err(&msg);
                return Ok(Err(1));
            }
        }
        Ok(Ok((io, files)))
    }

    /// Writes what redirected commands wrote into their files.
    pub(super) fn fill(&mut self, files: Vec<(String, Rc<RefCell<String>>)>) {
        for (path, buffer) in files {
            let _ = self.c.write_file(&path, &buffer.borrow(), true);
        }
    }

    /// Runs a simple command: expansions, redirections, then a function, a
    /// builtin or a program (in process `proc` when given, else in a fork).
    pub(super) fn command(&mut self, command: &Command, proc: Option<u32>) -> Flow {
        self.c.work(STEP_US)?;
        let mut words = Vec::new();
        for w in &command.words {
            words.extend(self.expand(w)?);
        }
        let (io, files) = match self.redirections(&command.redirects)? {
            Ok(opened) => opened,
            Err(status) => return Ok(status),
        };
        let reads_own_input = command.redirects.iter().any(|r| matches!(r, Redirect::In(_) | Redirect::Heredoc(_)));
        let mut assigned = Vec::new();
        for (name, value) in &command.assignments {
            assigned.push((name.clone(), self.expand_joined(value)?));
        }
        let saved = std::mem::replace(&mut self.st.io, io);
        let result = if words.is_empty() {
            for (name, value) in assigned {
                self.set_var(&name, &value);
            }
            Ok(0)
        } else {
            let old: Vec<(String, Option<String>)> = assigned.iter().map(|(n, _)| (n.clone(), self.st.vars.get(n).cloned())).collect();
            for (name, value) in assigned {
                self.st.vars.insert(name, value);
            }
            let r = self.dispatch(&words, proc);
            for (name, value) in old {
                match value {
                    Some(v) => self.st.vars.insert(name, v),
                    None => self.st.vars.remove(&name),
                };
            }
            r
        };
        // What `read` consumed of the shell's input stays consumed.
        let rest = std::mem::take(&mut self.st.io.stdin);
        self.st.io = saved;
        if !reads_own_input {
            self.st.io.stdin = rest;
        }
        self.fill(files);
        result
    }

    /// Runs expanded words: a function, a builtin, or a program (forked unless `proc` is given).
    pub(super) fn dispatch(&mut self, words: &[String], proc: Option<u32>) -> Flow {
        let name = words[0].as_str();
        if let Some(body) = self.st.funcs.get(name).cloned() {
            return self.call(&body, &words[1..], proc);
        }
        if let Some(result) = self.builtin(name, &words[1..]) {
            return result;
        }
        let Some(program) = self.program_name(name) else {
            self.err(&if self.dialect == Dialect::Ash { format!("sh: {name}: not found\n") } else { format!("bash: {name}: command not found\n") });
            return Ok(127);
        };
        match proc {
            Some(pid) => self.program(pid, &program, words),
            None => {
                let pid = self.fork()?;
                let result = self.program(pid, &program, words);
                self.ended(pid, result, true)
            }
        }
    }

    /// Runs a program in process `pid`: a shell, or an applet.
    pub(super) fn program(&mut self, pid: u32, program: &str, words: &[String]) -> Flow {
        if matches!(program, "sh" | "ash" | "bash") {
            self.c.exec(pid, words);
            return self.nested(pid, words);
        }
        if self.dialect == Dialect::Bash {
            self.c.exec(pid, words);
        } else {
            self.c.run_applet(pid, program);
        }
        self.applet(pid, program, &words[1..])
    }

    /// `sh -c SCRIPT`, `sh FILE` or `sh` reading standard input, in process `pid`.
    pub fn nested(&mut self, pid: u32, words: &[String]) -> Flow {
        if self.st.depth >= MAX_DEPTH {
            return Err(self.c.kill(pid, 11));
        }
        let text = match words.get(1).map(String::as_str) {
            Some("-c") => words.get(2).cloned().unwrap_or_default(),
            Some(file) => match self.read_text(file) {
                Ok(t) => t,
                Err(e) => {
                    self.err(&format!("{}: can't open '{file}': {e}\n", self.name()));
                    return Ok(2);
                }
            },
            None => self.st.io.stdin.clone(),
        };
        let st = ShState { pid, top: pid, argv: words.to_vec(), funcs: Default::default(), defs: Rc::default(), status: 0, last_bg: None, depth: self.st.depth + 1, ..self.st.clone() };
        Sh { c: &mut *self.c, dialect: self.dialect, st, jobs: self.jobs.clone(), tap: None }.script(&text)
    }

    /// Calls a function with positional parameters `$1`..`$9` and `$#`.
    pub(super) fn call(&mut self, body: &[Node], args: &[String], proc: Option<u32>) -> Flow {
        if self.st.depth >= MAX_DEPTH {
            return Err(self.c.kill(proc.unwrap_or(self.st.pid), 11));
        }
        let saved: Vec<(String, Option<String>)> = (1..=9).map(|i| i.to_string()).chain(["#".to_string()]).map(|k| (k.clone(), self.st.vars.get(&k).cloned())).collect();
        for i in 1..=9 {
            self.st.vars.insert(i.to_string(), args.get(i - 1).cloned().unwrap_or_default());
        }
        self.st.vars.insert("#".into(), args.len().to_string());
        self.st.depth += 1;
        let result = self.nodes(body, false);
        self.st.depth -= 1;
        for (k, v) in saved {
            match v {
                Some(v) => self.st.vars.insert(k, v),
                None => self.st.vars.remove(&k),
            };
        }
        result
    }
}
