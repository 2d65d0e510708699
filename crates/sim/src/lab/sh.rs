//! The container's shell: runs a compiled script ([`super::script`]) in a
//! [`Container`] as busybox `ash` does. Every fork is a process in the PID
//! namespace (pipeline stages, `$(...)`, applets; builtins run in the shell),
//! the last command of `sh -c` runs in the shell's own process, background
//! jobs run when the foreground waits, and a loop that changes nothing
//! repeats until a deadline. Standard output and error reach the run's
//! output in the order written.

use super::container::{Container, Stop};
use super::exec::{Job, Stage};
use super::process::State;
use super::script::{self, Node};
use crate::shell::fs::resolve;
use crate::shell::parse::Join;
use std::cell::RefCell;
use crate::api::StringMap;
use std::collections::VecDeque;
use std::rc::Rc;

/// A command's result: its exit status, or why its process stopped.
pub type Flow = Result<i32, Stop>;

/// Most bytes a pipe or `$(...)` holds: stages run one after the other, so a
/// pipe holds all a writer wrote (an endless writer stops here, of SIGPIPE).
pub const PIPE_CAP: usize = 4 << 20;
/// Wall and CPU time of a builtin or a loop step, in microseconds.
pub const STEP_US: u64 = 20;
/// How deep functions, `sh -c` and `$(...)` nest before the stack runs out (SIGSEGV).
pub(super) const MAX_DEPTH: usize = 64;
/// Most output a loop iteration may write and still be repeated without running it.
const TAP_CAP: usize = 64 << 10;

/// Which shell and tools: busybox (the image) or bash with GNU coreutils (the jail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// busybox `ash` and applets.
    Ash,
    /// bash with the programs found in `/bin`.
    Bash,
}

/// Where a stream goes.
#[derive(Clone, Debug)]
pub enum Dest {
    /// The run's output.
    Terminal,
    /// `/dev/null`.
    Null,
    /// A pipe, `$(...)` or a file being written.
    Buffer(Rc<RefCell<String>>),
}

/// A command's standard streams.
#[derive(Clone, Debug)]
pub struct Io {
    /// What it reads.
    pub stdin: String,
    /// Standard output.
    pub out: Dest,
    /// Standard error.
    pub err: Dest,
}

/// A shell process's state (copied into forked subshells).
#[derive(Clone, Debug)]
pub struct ShState {
    /// Its PID.
    pub pid: u32,
    /// `$$`: the PID of the script's shell (subshells keep it).
    pub(super) top: u32,
    /// The command line forked subshells show in `ps`.
    pub(super) argv: Vec<String>,
    /// Variables and the environment.
    pub(super) vars: StringMap,
    /// Functions defined so far.
    pub(super) funcs: crate::small_map::SmallMap<String, Rc<Vec<Node>>>,
    /// The script's function definitions (name, body), by index.
    pub(super) defs: Rc<Vec<(String, String)>>,
    /// Its working directory.
    pub cwd: String,
    /// `$?`.
    pub(super) status: i32,
    /// `$!`.
    pub(super) last_bg: Option<u32>,
    /// Its streams.
    pub io: Io,
    /// Running a background job: a wait parks the process instead of blocking.
    pub(super) background: bool,
    /// How deeply functions, `eval`, `sh -c` and `$(...)` nest here.
    pub(super) depth: usize,
}

/// A shell running in a container.
pub struct Sh<'c, 'k> {
    /// The container.
    pub c: &'c mut Container<'k>,
    /// busybox or bash.
    pub dialect: Dialect,
    /// This process's state.
    pub st: ShState,
    /// Background jobs waiting to run (shared by the run's shells).
    pub(super) jobs: Rc<RefCell<VecDeque<Job>>>,
    /// What this shell wrote during the current loop iteration (longer than `TAP_CAP`: too much to repeat).
    pub(super) tap: Option<String>,
}

/// Runs `script` as `sh -c script` (`bash -c` in the jail) in PID 1 of the container.
pub fn run(c: &mut Container, dialect: Dialect, script: &str) -> Flow {
    let argv: Vec<String> = [if dialect == Dialect::Ash { "sh" } else { "/bin/bash" }, "-c", script].map(String::from).to_vec();
    c.exec(1, &argv);
    let vars = c.env.iter().cloned().collect::<StringMap>();
    let io = Io { stdin: String::new(), out: Dest::Terminal, err: Dest::Terminal };
    let st = ShState { pid: 1, top: 1, argv, vars, funcs: Default::default(), defs: Rc::default(), cwd: "/".into(), status: 0, last_bg: None, io, background: false, depth: 0 };
    Sh { c, dialect, st, jobs: Rc::default(), tap: None }.script(script)
}

impl<'k> Sh<'_, 'k> {
    /// The shell's name in its messages.
    pub fn name(&self) -> &'static str {
        if self.dialect == Dialect::Ash {
            "sh"
        } else {
            "bash"
        }
    }

    /// A path as this shell's working directory makes it.
    pub fn path(&self, p: &str) -> String {
        resolve(&self.st.cwd, p)
    }

    /// A subshell in process `pid` with streams `io`.
    pub(super) fn child(&mut self, pid: u32, io: Io) -> Sh<'_, 'k> {
        let st = ShState { pid, io, ..self.st.clone() };
        Sh { c: &mut *self.c, dialect: self.dialect, st, jobs: self.jobs.clone(), tap: None }
    }

    /// Writes to a stream.
    pub fn write(&mut self, dest: &Dest, s: &str) {
        if let Some(tap) = self.tap.as_mut().filter(|t| t.len() <= TAP_CAP) {
            tap.push_str(s);
        }
        match dest {
            Dest::Terminal => self.c.out.write(s),
            Dest::Null => {}
            Dest::Buffer(b) => {
                let mut b = b.borrow_mut();
                let mut cut = s.len().min(PIPE_CAP.saturating_sub(b.len()));
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                b.push_str(&s[..cut]);
            }
        }
    }

    /// Writes `s` `times` times (an endless stream cut by a deadline).
    pub fn write_repeat(&mut self, dest: &Dest, s: &str, times: u64) {
        if let Some(tap) = self.tap.as_mut().filter(|t| t.len() <= TAP_CAP) {
            tap.push_str(&" ".repeat(TAP_CAP + 1));
        }
        match dest {
            Dest::Terminal => self.c.out.write_repeat(s, times),
            Dest::Null => {}
            Dest::Buffer(b) => {
                let room = PIPE_CAP.saturating_sub(b.borrow().len()) / s.len().max(1);
                let text = s.repeat(room.min(times.try_into().unwrap_or(usize::MAX)));
                self.write(dest, &text);
            }
        }
    }

    /// Standard output.
    pub fn out(&mut self, s: &str) {
        let d = self.st.io.out.clone();
        self.write(&d, s);
    }

    /// Standard error.
    pub fn err(&mut self, s: &str) {
        let d = self.st.io.err.clone();
        self.write(&d, s);
    }

    /// The last exit status (`$?`).
    pub fn status(&self) -> i32 {
        self.st.status
    }

    /// Removes a variable.
    pub fn unset(&mut self, name: &str) {
        if self.st.vars.remove(name).is_some() {
            self.c.changes += 1;
        }
    }

    /// Compiles and runs a script in this shell, its last command in this process.
    pub fn script(&mut self, text: &str) -> Flow {
        match script::compile(text) {
            Ok(program) => {
                self.st.defs = Rc::new(program.functions);
                self.nodes(&program.nodes, true)
            }
            Err(msg) => {
                self.err(&format!("{}: {msg}\n", self.name()));
                Ok(2)
            }
        }
    }

    pub(super) fn nodes(&mut self, nodes: &[Node], exec_last: bool) -> Flow {
        for (i, node) in nodes.iter().enumerate() {
            let go = match node.join() {
                Join::Always => true,
                Join::And => self.st.status == 0,
                Join::Or => self.st.status != 0,
            };
            if go {
                self.st.status = self.node(node, exec_last && i + 1 == nodes.len())?;
                self.c.alive()?;
            }
        }
        Ok(self.st.status)
    }

    pub(super) fn node(&mut self, node: &Node, exec: bool) -> Flow {
        match node {
            Node::Pipe { pipeline, background: true, .. } => self.background(pipeline.commands.iter().cloned().map(Stage::Cmd).collect()),
            Node::Group { node, redirects, tail, background, .. } => self.group(node, redirects, tail, *background),
            Node::Pipe { pipeline, .. } => self.pipeline(pipeline, exec),
            Node::Def { index, .. } => {
                let Some((name, text)) = self.st.defs.get(*index).cloned() else { return Ok(0) };
                match script::body(&text) {
                    Ok(body) => {
                        self.st.funcs.insert(name, Rc::new(body));
                        Ok(0)
                    }
                    Err(msg) => {
                        self.err(&format!("{}: {msg}\n", self.name()));
                        Ok(2)
                    }
                }
            }
            Node::For { var, items, body, .. } => {
                let mut words = Vec::new();
                for w in items {
                    words.extend(self.expand(w)?);
                }
                let mut status = 0;
                for w in words {
                    self.set_var(var, &w);
                    status = self.nodes(body, false)?;
                    self.c.work(STEP_US)?;
                }
                Ok(status)
            }
            Node::While { until, cond, body, .. } => self.repeat(*until, cond, body),
            Node::If { arms, otherwise, .. } => {
                for (cond, then) in arms {
                    if self.nodes(cond, false)? == 0 {
                        return self.nodes(then, false);
                    }
                }
                if otherwise.is_empty() {
                    Ok(0)
                } else {
                    self.nodes(otherwise, false)
                }
            }
        }
    }

    /// `while`/`until`. An iteration that changed nothing (no file, variable or
    /// process) does the same forever: its output repeats until a deadline ends the loop.
    pub(super) fn repeat(&mut self, until: bool, cond: &[Node], body: &[Node]) -> Flow {
        let outer = self.tap.take();
        let mut status = 0;
        let result = loop {
            let (changes, start) = (self.c.changes, self.c.now_us);
            self.tap = Some(String::new());
            let go = match self.nodes(cond, false) {
                Ok(s) => (s == 0) != until,
                Err(e) => break Err(e),
            };
            if !go {
                break Ok(status);
            }
            match self.nodes(body, false).and_then(|s| self.c.work(STEP_US).map(|_| s)) {
                Ok(s) => status = s,
                Err(e) => break Err(e),
            }
            let tap = self.tap.take().unwrap_or_default();
            if self.c.changes == changes && tap.len() <= TAP_CAP {
                break self.forever(&tap, self.c.now_us - start);
            }
        };
        self.tap = outer;
        result
    }

    /// Repeats an iteration's output `text` (each taking `step_us`) until a deadline.
    pub(super) fn forever(&mut self, text: &str, step_us: u64) -> Flow {
        if self.st.background {
            return Err(Stop::Parked);
        }
        let out = self.st.io.out.clone();
        if let (Dest::Buffer(_), false) = (&out, text.is_empty()) {
            self.write_repeat(&out, text, u64::MAX);
            return Err(Stop::Signal(13));
        }
        if !text.is_empty() {
            let times = self.c.remaining() / step_us.max(1);
            self.write_repeat(&out, text, times);
        }
        self.block(self.st.pid, None, true).map(|_| 0)
    }

    /// Waits `us` (or forever), spinning on the CPU when `spin`. Queued
    /// background jobs run first; in a background job the process parks.
    pub fn block(&mut self, pid: u32, us: Option<u64>, spin: bool) -> Result<(), Stop> {
        if self.st.background {
            if let Some(p) = self.c.procs.get_mut(pid) {
                p.state = State::Sleeping;
                p.wake_at = us.map(|u| self.c.now_us + u);
            }
            return Err(Stop::Parked);
        }
        self.run_jobs();
        let result = self.c.wait(us, spin);
        self.c.reap();
        result
    }

    /// Runs the queued background jobs, in the order they were started.
    pub(super) fn run_jobs(&mut self) {
        loop {
            let Some(job) = self.jobs.borrow_mut().pop_front() else { break };
            if self.c.dead.is_some() {
                break;
            }
            let mut sh = Sh { c: &mut *self.c, dialect: self.dialect, st: job.state, jobs: self.jobs.clone(), tap: None };
            let _ = sh.stages(&job.stages, &job.pids);
        }
    }

    /// `wait`: background jobs run, then the sleeping ones are waited for.
    pub fn wait_jobs(&mut self) -> Flow {
        self.run_jobs();
        let sleeping: Vec<Option<u64>> = self.c.procs.procs.values().filter(|p| p.state == State::Sleeping).map(|p| p.wake_at).collect();
        if !sleeping.is_empty() {
            let until = sleeping.iter().try_fold(0u64, |m, w| w.map(|w| m.max(w)));
            self.block(self.st.pid, until.map(|u| u.saturating_sub(self.c.now_us)), false)?;
            let done: Vec<u32> = self.c.procs.procs.values().filter(|p| p.state == State::Sleeping).map(|p| p.pid).collect();
            for pid in done {
                self.c.exit(pid, false);
            }
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::demos::{run_script, standard};
    use super::super::image;
    use super::super::kernel::Kernel;
    use super::*;

    fn sh(script: &str) -> String {
        run_script(&mut Kernel::new(), standard(vec![Rc::new(image::busybox())]), Dialect::Ash, script).0.output
    }

    #[test]
    fn the_last_command_runs_in_the_shells_own_process() {
        let out = sh("ps; ps");
        let (first, second) = out.split_at(out.find("PID   USER").and_then(|i| out[i + 1..].find("PID   USER").map(|j| i + 1 + j)).unwrap());
        assert!(first.contains("    2 root     {ps} sh -c ps; ps"), "{first}");
        assert!(second.contains("    1 root     {ps} sh -c ps; ps") && !second.contains("    2 "), "{second}");
    }

    #[test]
    fn lists_jobs_and_redirections() {
        assert_eq!(sh("false && echo no || echo yes; ! true; echo $?"), "yes\n1\n");
        // A background job runs when the foreground first waits.
        assert_eq!(sh("echo a & echo b; sleep 0.1; echo c"), "b\na\nc\n");
        assert_eq!(sh("echo x > /proc/nope"), "sh: can't create /proc/nope: No such file or directory\n");
        assert_eq!(sh("echo err 2>&1 >/dev/null | wc -l; ls /nope 2>/dev/null; echo $?"), "0\n1\n");
        assert_eq!(sh("printf 'b\\na\\n' | sort | head -1"), "a\n");
        assert_eq!(sh("X=1; f() { echo $X $1 $#; }; f one two"), "1 one 2\n");
        assert_eq!(sh("echo /etc/pass*"), "/etc/passwd\n");
    }
}
