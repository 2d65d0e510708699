//! One sandboxed run: its namespaces, process table, capabilities, seccomp
//! filter, cgroup, mounts, a virtual clock with the run's time limit (and any
//! `timeout` deadlines inside it), and the capped output the report keeps.

use super::caps::CapSets;
use super::cgroup::{Cgroup, Limits};
use super::kernel::{Kernel, NsSet};
use super::process::{ProcessTable, State};
use super::vfs::{Root, Vfs};
use kubeplay_lab::RunOutcome;

/// Wall and CPU time to set a run up (namespaces, mounts, privileges), in microseconds.
pub const SETUP_US: u64 = 2_000;
/// Wall and CPU time of a fork (and exec of an applet), in microseconds.
pub const FORK_US: u64 = 1_000;
/// Memory charged for the run's first shell.
pub const INIT_MEMORY: u64 = 640 << 10;
/// Memory charged for every further process.
pub const PROC_MEMORY: u64 = 192 << 10;

/// Why a process stopped running a script before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// It exited with this status (`exit`, or a shell error such as a failed fork).
    Exit(i32),
    /// A signal ended it.
    Signal(i32),
    /// A background process waits beyond what the model follows; it stays in the table.
    Parked,
}

/// The run's merged standard output and error, cut at the output cap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sink {
    /// What was kept.
    pub text: String,
    cap: usize,
    /// Bytes dropped beyond the cap.
    pub dropped: u64,
}

impl Sink {
    /// An empty sink keeping at most `cap` bytes.
    pub fn new(cap: usize) -> Self {
        Sink { text: String::new(), cap, dropped: 0 }
    }

    /// Appends what fits (whole characters only) and counts the rest.
    pub fn write(&mut self, s: &str) {
        let mut cut = s.len().min(self.cap.saturating_sub(self.text.len()));
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        self.text.push_str(&s[..cut]);
        self.dropped += (s.len() - cut) as u64;
    }

    /// Appends `s` `times` times without building what is dropped.
    pub fn write_repeat(&mut self, s: &str, times: u64) {
        let mut left = times;
        while left > 0 && self.text.len() + s.len() <= self.cap && !s.is_empty() {
            self.text.push_str(s);
            left -= 1;
        }
        if left > 0 {
            self.write(s);
            self.dropped += (left - 1) * s.len() as u64;
        }
    }
}

/// What a run is given.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The hostname in its UTS namespace.
    pub hostname: String,
    /// A user namespace in which it is root while the host sees `nobody`.
    pub user_ns: bool,
    /// Its capability sets.
    pub caps: CapSets,
    /// System calls the seccomp filter denies (`None`: no filter).
    pub seccomp: Option<Vec<&'static str>>,
    /// cgroup limits.
    pub limits: Limits,
    /// Wall-clock limit in microseconds.
    pub time_limit_us: u64,
    /// Most output bytes kept.
    pub output_cap: usize,
    /// Its root file system and mounts.
    pub root: Root,
    /// A network namespace to join instead of a new one.
    pub join_net: Option<u64>,
    /// The environment.
    pub env: Vec<(String, String)>,
}

/// A running sandbox.
pub struct Container<'k> {
    /// The kernel it runs on.
    pub kernel: &'k mut Kernel,
    /// Its namespaces.
    pub ns: NsSet,
    /// The hostname of its UTS namespace.
    pub hostname: String,
    /// Its PID namespace's processes.
    pub procs: ProcessTable,
    /// Every process's capability sets (they are the same in a run).
    pub caps: CapSets,
    /// Whether it runs in a user namespace of its own.
    pub user_ns: bool,
    /// System calls the seccomp filter denies.
    pub seccomp: Option<Vec<&'static str>>,
    /// Its cgroup.
    pub cgroup: Cgroup,
    /// Its mounts and file systems.
    pub vfs: Vfs,
    /// The environment of its first process.
    pub env: Vec<(String, String)>,
    /// Virtual time since the run started, in microseconds.
    pub now_us: u64,
    /// `timeout` deadlines in force (absolute microseconds).
    pub deadlines: Vec<u64>,
    time_limit_us: u64,
    /// The output kept so far.
    pub out: Sink,
    /// The signal that ended the whole run (its PID 1 died or the time limit came).
    pub dead: Option<i32>,
    /// Whether the time limit ended it.
    pub timed_out: bool,
    /// Counts changes to files, variables and processes (loops that change nothing repeat forever).
    pub changes: u64,
    own_net: bool,
}

impl<'k> Container<'k> {
    /// Creates the namespaces, mounts and cgroup, and PID 1 (`sh`).
    pub fn start(kernel: &'k mut Kernel, spec: Spec) -> Self {
        let ns = kernel.namespaces(spec.join_net, spec.user_ns);
        kernel.set_up(ns.net, "lo", true);
        let mut cgroup = Cgroup::new(spec.limits);
        cgroup.fork();
        cgroup.charge(INIT_MEMORY);
        cgroup.work(SETUP_US);
        let mut procs = ProcessTable::default();
        procs.add(0, "sh", &["sh".to_string()], INIT_MEMORY);
        Container {
            kernel,
            ns,
            hostname: spec.hostname,
            procs,
            caps: spec.caps,
            user_ns: spec.user_ns,
            seccomp: spec.seccomp,
            cgroup,
            vfs: Vfs::new(spec.root),
            env: spec.env,
            now_us: SETUP_US,
            deadlines: Vec::new(),
            time_limit_us: spec.time_limit_us,
            out: Sink::new(spec.output_cap),
            dead: None,
            timed_out: false,
            changes: 0,
            own_net: spec.join_net.is_none(),
        }
    }

    /// Whether the seccomp filter denies a system call.
    pub fn denied(&self, syscall: &str) -> bool {
        self.seccomp.as_ref().is_some_and(|d| d.contains(&syscall))
    }

    /// Fails when the run is already over.
    pub fn alive(&self) -> Result<(), Stop> {
        self.dead.map_or(Ok(()), |s| Err(Stop::Signal(s)))
    }

    /// Forks: a new process, unless its memory would pass the limit (`Exit(12)`,
    /// ENOMEM) or `pids.max` is reached (`Exit(11)`, EAGAIN, counted by the cgroup).
    pub fn spawn(&mut self, ppid: u32, comm: &str, argv: &[String]) -> Result<u32, Stop> {
        self.work(FORK_US)?;
        if self.cgroup.memory + PROC_MEMORY > self.cgroup.limits.memory_bytes {
            return Err(Stop::Exit(12));
        }
        if !self.cgroup.fork() {
            return Err(Stop::Exit(11));
        }
        self.cgroup.charge(PROC_MEMORY);
        self.changes += 1;
        Ok(self.procs.add(ppid, comm, argv, PROC_MEMORY))
    }

    /// A shell process goes on as the applet `name` (no `exec`: its command line stays).
    pub fn run_applet(&mut self, pid: u32, name: &str) {
        if let Some(p) = self.procs.get_mut(pid) {
            p.comm = name.to_string();
            p.applet = true;
        }
    }

    /// A process executes a new program.
    pub fn exec(&mut self, pid: u32, argv: &[String]) {
        if let Some(p) = self.procs.get_mut(pid) {
            p.comm = argv.first().map_or("sh", |a| a.rsplit('/').next().unwrap_or(a)).to_string();
            p.argv = argv.to_vec();
            p.applet = false;
        }
    }

    /// A process ended: it leaves the table (or stays a zombie until reaped).
    pub fn exit(&mut self, pid: u32, zombie: bool) {
        let Some(p) = self.procs.get_mut(pid) else { return };
        self.cgroup.uncharge(std::mem::take(&mut p.memory));
        if zombie {
            p.state = State::Zombie;
        } else {
            self.procs.procs.remove(&pid);
            self.cgroup.exit();
        }
        if let Some(net) = self.kernel.nets.get_mut(&self.ns.net) {
            net.listening.retain(|_, owner| *owner != pid);
        }
    }

    /// Removes the zombies.
    pub fn reap(&mut self) {
        let zombies: Vec<u32> = self.procs.procs.values().filter(|p| p.state == State::Zombie).map(|p| p.pid).collect();
        for pid in zombies {
            self.procs.procs.remove(&pid);
            self.cgroup.exit();
        }
    }

    /// A signal kills `pid`; when that is PID 1 the kernel ends the whole PID namespace.
    pub fn kill(&mut self, pid: u32, signal: i32) -> Stop {
        if pid == 1 {
            self.dead = Some(signal);
        }
        self.changes += 1;
        Stop::Signal(signal)
    }

    /// The nearest deadline: a `timeout`'s or the run's limit.
    fn nearest(&self) -> u64 {
        self.deadlines.iter().copied().fold(self.time_limit_us, u64::min)
    }

    /// Short CPU-bound work; the run's time limit still applies.
    pub fn work(&mut self, us: u64) -> Result<(), Stop> {
        self.alive()?;
        let end = (self.now_us + us).min(self.time_limit_us);
        self.cgroup.work(end - self.now_us);
        self.now_us = end;
        if end >= self.time_limit_us {
            return Err(self.expire());
        }
        Ok(())
    }

    fn expire(&mut self) -> Stop {
        self.timed_out = true;
        self.dead = Some(9);
        Stop::Signal(9)
    }

    /// Waits (or spins on the CPU when `spin`) for `us`, or forever: a deadline
    /// that comes first ends the wait with `SIGTERM` (a `timeout`) or `SIGKILL` (the run's limit).
    pub fn wait(&mut self, us: Option<u64>, spin: bool) -> Result<(), Stop> {
        self.alive()?;
        let limit = self.nearest();
        let target = us.map(|u| self.now_us.saturating_add(u));
        let end = target.map_or(limit, |t| t.min(limit)).max(self.now_us);
        if spin {
            self.cgroup.spin(end - self.now_us);
        }
        self.now_us = end;
        match target {
            Some(t) if t <= limit => Ok(()),
            _ if limit >= self.time_limit_us => Err(self.expire()),
            _ => Err(Stop::Signal(15)),
        }
    }

    /// Microseconds until the nearest deadline.
    pub fn remaining(&self) -> u64 {
        self.nearest().saturating_sub(self.now_us)
    }

    /// Ends the run: everything left is killed and the outcome read.
    pub fn finish(self, result: Result<i32, Stop>) -> RunOutcome {
        let (exit_code, signal) = match (self.dead, result) {
            (Some(s), _) | (None, Err(Stop::Signal(s))) => (128 + s, Some(s)),
            (None, Ok(code) | Err(Stop::Exit(code))) => (code, None),
            (None, Err(Stop::Parked)) => (0, None),
        };
        if self.own_net {
            self.kernel.remove_netns(self.ns.net);
        } else if let Some(net) = self.kernel.nets.get_mut(&self.ns.net) {
            net.listening.clear();
        }
        RunOutcome { output: self.out.text, output_dropped: self.out.dropped, exit_code, signal, timed_out: self.timed_out, accounting: self.cgroup.acct, wall_us: self.now_us }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sink_keeps_whole_characters_up_to_the_cap() {
        let mut s = Sink::new(4);
        s.write("abcé!");
        assert_eq!((s.text.as_str(), s.dropped), ("abc", 3));
        let mut s = Sink::new(65536);
        s.write_repeat("y\n", 1_000_000);
        assert_eq!((s.text.len(), s.dropped), (65536, 2_000_000 - 65536));
    }
}
