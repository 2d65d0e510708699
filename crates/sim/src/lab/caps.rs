//! Capability sets as the kernel keeps them per process: five 64-bit masks,
//! printed by `/proc/<pid>/status` as `CapEff:\t00000000a00425fb`.

use kubeplay_lab::CAPABILITY_NAMES;


/// The mask bit of a capability named like `CAP_NET_RAW` (0 for an unknown name).
pub fn bit(name: &str) -> u64 {
    CAPABILITY_NAMES.iter().position(|n| *n == name).map_or(0, |i| 1 << i)
}

/// The mask of several capabilities.
pub fn mask<S: AsRef<str>>(names: &[S]) -> u64 {
    names.iter().fold(0, |m, n| m | bit(n.as_ref()))
}

/// The names in a mask, lowest bit first.
pub fn names(mask: u64) -> Vec<&'static str> {
    CAPABILITY_NAMES.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect()
}

/// A process's five capability sets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CapSets {
    /// Kept across `execve` when the file allows it.
    pub inheritable: u64,
    /// What the process may make effective.
    pub permitted: u64,
    /// What the kernel checks.
    pub effective: u64,
    /// The most any `execve` can ever grant.
    pub bounding: u64,
    /// Kept across `execve` of ordinary programs.
    pub ambient: u64,
}

impl CapSets {
    /// Root's sets after a sandbox dropped everything but `keep` (ambient cleared).
    pub fn keeping(keep: u64) -> Self {
        CapSets { inheritable: keep, permitted: keep, effective: keep, bounding: keep, ambient: 0 }
    }

    /// Whether the effective set holds the capability.
    pub fn has(&self, name: &str) -> bool {
        self.effective & bit(name) != 0
    }

    /// The five `Cap*` lines of `/proc/<pid>/status`.
    pub fn status_lines(&self) -> String {
        let sets = [("CapInh", self.inheritable), ("CapPrm", self.permitted), ("CapEff", self.effective), ("CapBnd", self.bounding), ("CapAmb", self.ambient)];
        sets.iter().map(|(name, m)| format!("{name}:\t{m:016x}\n")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_set_is_the_runtimes_mask() {
        let sets = CapSets::keeping(mask(&kubeplay_lab::plan::DEFAULT_CAPS));
        assert!(sets.status_lines().contains("CapEff:\t00000000a00425fb\n"));
        assert!(sets.has("CAP_NET_RAW") && !sets.has("CAP_SYS_ADMIN"));
        assert_eq!(names(mask(&["CAP_KILL", "CAP_CHOWN"])), vec!["CAP_CHOWN", "CAP_KILL"]);
        assert_eq!(bit("CAP_NOPE"), 0);
    }
}
