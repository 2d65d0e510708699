//! A PID namespace's process table: PID 1 is the run's `sh -c <script>`,
//! every fork takes the next PID, and `ps` lists the table as busybox does.

use crate::small_map::SmallMap;

/// What a process is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Running or runnable.
    Running,
    /// Waiting beyond what the model follows (a listener, a background `sleep`).
    Sleeping,
    /// Exited, holding its PID until its parent reaps it.
    Zombie,
}

/// One process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// Its PID in the namespace.
    pub pid: u32,
    /// Its parent's PID.
    pub ppid: u32,
    /// The command name (`/proc/<pid>/status` `Name:`).
    pub comm: String,
    /// The command line.
    pub argv: Vec<String>,
    /// A forked shell running the applet `comm` without `exec` (busybox's
    /// standalone shell): `ps` shows `{comm}` before the shell's command line.
    pub applet: bool,
    /// What it does now.
    pub state: State,
    /// When a sleeping process would wake (`None`: it waits for an event that never comes).
    pub wake_at: Option<u64>,
    /// Memory charged for it, in bytes.
    pub memory: u64,
}

impl Process {
    /// What `ps` shows in its COMMAND column.
    pub fn label(&self) -> String {
        if self.applet {
            format!("{{{}}} {}", self.comm, self.argv.join(" "))
        } else {
            self.argv.join(" ")
        }
    }
}

/// The processes of one PID namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessTable {
    next: u32,
    /// Processes by PID.
    pub procs: SmallMap<u32, Process>,
}

impl Default for ProcessTable {
    fn default() -> Self {
        ProcessTable { next: 1, procs: SmallMap::new() }
    }
}

impl ProcessTable {
    /// The PID the next fork gets.
    pub fn next_pid(&self) -> u32 {
        self.next
    }

    /// Adds a process with the next PID.
    pub fn add(&mut self, ppid: u32, comm: &str, argv: &[String], memory: u64) -> u32 {
        let pid = self.next;
        self.next += 1;
        self.procs.insert(pid, Process { pid, ppid, comm: comm.into(), argv: argv.to_vec(), applet: false, state: State::Running, wake_at: None, memory });
        pid
    }

    /// A process by PID.
    pub fn get(&self, pid: u32) -> Option<&Process> {
        self.procs.get(&pid)
    }

    /// A process by PID, to change it.
    pub fn get_mut(&mut self, pid: u32) -> Option<&mut Process> {
        self.procs.get_mut(&pid)
    }

    /// busybox `ps`: `PID   USER     COMMAND` and one line per live process.
    pub fn ps(&self, user: &str) -> String {
        let mut out = String::from("PID   USER     COMMAND\n");
        for p in self.procs.values().filter(|p| p.state != State::Zombie) {
            out.push_str(&format!("{:5} {:<8.8} {}\n", p.pid, user, p.label()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ps_lists_live_processes_as_busybox_does() {
        let mut t = ProcessTable::default();
        let argv: Vec<String> = ["sh", "-c", "ps"].map(String::from).to_vec();
        assert_eq!(t.add(0, "sh", &argv, 0), 1);
        let child = t.add(1, "ps", &argv, 0);
        t.get_mut(child).unwrap().applet = true;
        t.add(1, "sh", &argv, 0);
        t.get_mut(3).unwrap().state = State::Zombie;
        assert_eq!(t.ps("root"), format!("PID   USER     COMMAND\n    1 root     sh -c ps\n    {child} root     {{ps}} sh -c ps\n"));
        assert_eq!(t.next_pid(), 4);
    }
}
