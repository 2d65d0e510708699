//! The sandbox's seccomp deny-list: system calls a lab command never needs and
//! that an escape would (mounting, new namespaces, kernel modules, keyrings,
//! tracing other processes). They fail with `EPERM`; everything else is allowed.
//! A demo may take calls off the list so that the lesson shows a capability's
//! own effect, not the filter's (the capabilities demo's `mount`).

use nix::libc;
use seccompiler::{BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule, TargetArch};
use std::collections::BTreeMap;

/// The number of each denied system call (`kubeplay_lab::plan::SECCOMP_DENIED` names them).
fn number(name: &str) -> Option<libc::c_long> {
    Some(match name {
        "mount" => libc::SYS_mount,
        "umount2" => libc::SYS_umount2,
        "pivot_root" => libc::SYS_pivot_root,
        "unshare" => libc::SYS_unshare,
        "setns" => libc::SYS_setns,
        "keyctl" => libc::SYS_keyctl,
        "add_key" => libc::SYS_add_key,
        "request_key" => libc::SYS_request_key,
        "bpf" => libc::SYS_bpf,
        "perf_event_open" => libc::SYS_perf_event_open,
        "kexec_load" => libc::SYS_kexec_load,
        "kexec_file_load" => libc::SYS_kexec_file_load,
        "init_module" => libc::SYS_init_module,
        "finit_module" => libc::SYS_finit_module,
        "delete_module" => libc::SYS_delete_module,
        "open_by_handle_at" => libc::SYS_open_by_handle_at,
        "ptrace" => libc::SYS_ptrace,
        "reboot" => libc::SYS_reboot,
        "swapon" => libc::SYS_swapon,
        "swapoff" => libc::SYS_swapoff,
        "userfaultfd" => libc::SYS_userfaultfd,
        _ => return None,
    })
}

/// Namespace flags `clone` may not carry under the filter (a user namespace
/// would hand the process a fresh set of capabilities).
const CLONE_NAMESPACE_FLAGS: u64 = (libc::CLONE_NEWUSER | libc::CLONE_NEWNS | libc::CLONE_NEWPID | libc::CLONE_NEWNET | libc::CLONE_NEWUTS | libc::CLONE_NEWIPC | libc::CLONE_NEWCGROUP) as u64;

fn arch() -> Result<TargetArch, String> {
    TargetArch::try_from(std::env::consts::ARCH).map_err(|e| format!("seccomp: {e}"))
}

/// The two filters: the deny-list (minus `allow`) answering `EPERM`, and
/// `clone3` answering `ENOSYS` so the C library falls back to `clone`, whose
/// flags the first filter can inspect.
pub fn programs(allow: &[String]) -> Result<Vec<BpfProgram>, String> {
    let arch = arch()?;
    let mut rules = BTreeMap::<i64, Vec<SeccompRule>>::new();
    for name in kubeplay_lab::plan::SECCOMP_DENIED.iter().filter(|name| !allow.iter().any(|a| a == *name)) {
        rules.insert(number(name).ok_or_else(|| format!("seccomp: no number for {name}"))?, Vec::new());
    }
    let clone_rules = (0..63)
        .map(|bit| 1u64 << bit)
        .filter(|flag| CLONE_NAMESPACE_FLAGS & flag != 0)
        .map(|flag| SeccompCondition::new(0, SeccompCmpArgLen::Qword, SeccompCmpOp::MaskedEq(flag), flag).and_then(|c| SeccompRule::new(vec![c])))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("seccomp: {e}"))?;
    rules.insert(libc::SYS_clone, clone_rules);
    let deny = SeccompFilter::new(rules, SeccompAction::Allow, SeccompAction::Errno(libc::EPERM as u32), arch).map_err(|e| format!("seccomp: {e}"))?;
    let clone3 = SeccompFilter::new([(libc::SYS_clone3, Vec::new())].into_iter().collect(), SeccompAction::Allow, SeccompAction::Errno(libc::ENOSYS as u32), arch).map_err(|e| format!("seccomp: {e}"))?;
    [deny, clone3].into_iter().map(|f| BpfProgram::try_from(f).map_err(|e| format!("seccomp: {e}"))).collect()
}

/// Installs the filters on the calling thread (needs `no_new_privs` or CAP_SYS_ADMIN).
pub fn install(allow: &[String]) -> Result<(), String> {
    for program in programs(allow)? {
        seccompiler::apply_filter(&program).map_err(|e| format!("seccomp: {e}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_denied_call_has_a_number() {
        for name in kubeplay_lab::plan::SECCOMP_DENIED {
            assert!(number(name).is_some(), "{name}");
        }
    }

    #[test]
    fn the_filters_compile_and_allowing_a_call_shortens_the_program() {
        let full = programs(&[]).unwrap();
        let without_mount = programs(&["mount".into()]).unwrap();
        assert_eq!(full.len(), 2);
        assert!(without_mount[0].len() < full[0].len(), "taking mount off the list removes its rule");
        assert_eq!(full[1], without_mount[1]);
    }
}
