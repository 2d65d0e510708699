//! A run's cgroup: its limits (`memory.max`, `pids.max`, `cpu.max`) and the
//! counters the kernel keeps, charged by the model as processes start,
//! allocate memory and spin on the CPU.

use kubeplay_lab::Accounting;

pub use kubeplay_lab::Limits;

/// One cgroup: limits, current use and the counters read after the run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cgroup {
    /// Its limits.
    pub limits: Limits,
    /// Bytes charged now.
    pub memory: u64,
    /// Tasks in it now.
    pub pids: u64,
    /// The counters (`memory.peak`, `memory.events`, `pids.events`, `cpu.stat`).
    pub acct: Accounting,
}

impl Cgroup {
    /// An empty cgroup with these limits.
    pub fn new(limits: Limits) -> Self {
        Cgroup { limits, ..Default::default() }
    }

    /// Charges `bytes`. Past `memory.max` the charge fails: the OOM killer runs
    /// (counted) and the usage peaked at the limit.
    pub fn charge(&mut self, bytes: u64) -> bool {
        let want = self.memory.saturating_add(bytes);
        if want > self.limits.memory_bytes {
            self.acct.memory_max_usage = self.acct.memory_max_usage.max(self.limits.memory_bytes);
            self.acct.oom_kills += 1;
            return false;
        }
        self.memory = want;
        self.acct.memory_max_usage = self.acct.memory_max_usage.max(want);
        true
    }

    /// Returns memory freed by a process.
    pub fn uncharge(&mut self, bytes: u64) {
        self.memory = self.memory.saturating_sub(bytes);
    }

    /// A fork: one more task, unless `pids.max` is reached (then the failure is counted).
    pub fn fork(&mut self) -> bool {
        if self.pids >= self.limits.pids_max {
            self.acct.pids_limit_hits += 1;
            return false;
        }
        self.pids += 1;
        true
    }

    /// A task ended.
    pub fn exit(&mut self) {
        self.pids = self.pids.saturating_sub(1);
    }

    /// The share of one CPU the quota allows, in parts per million.
    fn share_ppm(&self) -> u64 {
        match self.limits.cpu_quota_us {
            Some(q) => (q.saturating_mul(1_000_000) / self.limits.cpu_period_us.max(1)).min(1_000_000),
            None => 1_000_000,
        }
    }

    /// Short work between waits: all CPU, too brief for the quota to matter.
    pub fn work(&mut self, wall_us: u64) {
        self.acct.cpu_usage_ns += wall_us * 1000;
    }

    /// A process spinning on the CPU for `wall_us`: under a quota it runs its
    /// share of each period and is throttled for the rest.
    pub fn spin(&mut self, wall_us: u64) {
        let cpu_ns = wall_us * self.share_ppm() / 1000;
        self.acct.cpu_usage_ns += cpu_ns;
        if self.limits.cpu_quota_us.is_some() {
            let periods = wall_us.div_ceil(self.limits.cpu_period_us.max(1));
            self.acct.cpu_nr_periods += periods;
            if self.share_ppm() < 1_000_000 {
                self.acct.cpu_nr_throttled += periods;
                self.acct.cpu_throttled_ns += wall_us * 1000 - cpu_ns;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_past_the_limit_is_an_oom_kill_at_the_limit() {
        let mut cg = Cgroup::new(Limits { memory_bytes: 32 << 20, ..Limits::default() });
        assert!(cg.charge(1 << 20));
        assert!(!cg.charge(64 << 20));
        assert_eq!((cg.acct.memory_max_usage, cg.acct.oom_kills), (32 << 20, 1));
    }

    #[test]
    fn a_quota_throttles_every_period_and_pids_max_refuses_forks() {
        let mut cg = Cgroup::new(Limits { cpu_quota_us: Some(20_000), pids_max: 1, ..Limits::default() });
        cg.spin(1_000_000);
        assert_eq!((cg.acct.cpu_usage_ns, cg.acct.cpu_nr_periods, cg.acct.cpu_nr_throttled), (200_000_000, 10, 10));
        assert!(cg.fork() && !cg.fork());
        assert_eq!(cg.acct.pids_limit_hits, 1);
        let mut full = Cgroup::new(Limits { cpu_quota_us: Some(100_000), ..Limits::default() });
        full.spin(1_000_000);
        assert_eq!((full.acct.cpu_usage_ns, full.acct.cpu_nr_throttled), (1_000_000_000, 0));
    }
}
