//! The namespaces demo: one run per namespace kind showing what the command
//! sees, the inode of each namespace beside the server's own, a user
//! namespace in which the command is root while the host sees `nobody`, and
//! a veth pair between the run's network namespace and a second one made for
//! it, with a ping across. No packet leaves the two namespaces.

use super::{busybox_spec, step};
use crate::demo::{plan, DemoStep, KernelState, NamespaceRow};
use super::Runner;
use std::process::{Command, Stdio};

/// The namespace kinds, as `/proc/self/ns` names them.
const KINDS: [&str; 7] = ["pid", "uts", "mnt", "net", "ipc", "cgroup", "user"];


fn host_inode(kind: &str) -> u64 {
    std::fs::read_link(format!("/proc/self/ns/{kind}")).ok().and_then(|l| plan::inode_of(&l.to_string_lossy())).unwrap_or(0)
}


pub(super) fn run(r: &Runner, hostname: &str) -> Result<(Vec<DemoStep>, KernelState), String> {
    let mut steps = Vec::new();
    let mut spec = busybox_spec(r, plan::PRINT_INODES)?;
    spec.hostname = hostname.to_string();
    steps.push(step(r, plan::INODES_TITLE, plan::PRINT_INODES, &spec)?);
    let inside = plan::namespace_inodes(&steps[0].outcome.output);
    for (title, script) in plan::NAMESPACE_STEPS {
        spec.argv[2] = script.to_string();
        steps.push(step(r, title, script, &spec)?);
    }
    let (user_title, user_script) = plan::USER_STEP;
    let mut user_spec = busybox_spec(r, user_script)?;
    user_spec.namespaces.user = true;
    steps.push(step(r, user_title, user_script, &user_spec)?);
    let user_inode = plan::namespace_inodes(&steps.last().map(|s| s.outcome.output.clone()).unwrap_or_default()).into_iter().find(|(k, _)| k == "user").map(|(_, i)| i);
    let veth = veth_ping(r)?;
    let veth_addresses = veth.as_ref().map(|_| (plan::VETH_ADDRESSES.0.to_string(), plan::VETH_ADDRESSES.1.to_string()));
    steps.extend(veth);
    let rows = KINDS
        .iter()
        .map(|kind| {
            let container = if *kind == "user" { user_inode } else { None }.or_else(|| inside.iter().find(|(k, _)| k == kind).map(|(_, i)| *i)).unwrap_or(0);
            NamespaceRow { kind: kind.to_string(), host: host_inode(kind), container }
        })
        .collect();
    Ok((steps, KernelState::Namespaces { rows, veth: veth_addresses }))
}

/// Runs `ip` with fixed arguments; its stdio are private pipes.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip").args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).output().map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}

/// Named network namespaces of this server start with this; a sweep removes those of servers that are gone.
pub(crate) const NETNS_PREFIX: &str = "kp-";

/// Deletes the pair's namespaces (and with them the veth pair) when dropped.
struct NetnsPair(String, String);

impl Drop for NetnsPair {
    fn drop(&mut self) {
        let _ = ip(&["netns", "delete", &self.0]);
        let _ = ip(&["netns", "delete", &self.1]);
    }
}

/// Removes this lab's `kp-<pid>-...` network namespaces for which `is_stale(name)` holds.
pub(crate) fn sweep_netns(is_stale: impl Fn(&str) -> bool) -> usize {
    let Ok(dir) = std::fs::read_dir("/run/netns") else { return 0 };
    let mut removed = 0;
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(NETNS_PREFIX) && is_stale(&name) && ip(&["netns", "delete", &name]).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Two network namespaces joined by a veth pair, and a ping from the run in one to the other.
/// Without `ip` (iproute2) on the host the step is left out.
fn veth_ping(r: &Runner) -> Result<Option<DemoStep>, String> {
    if crate::which("ip").is_none() {
        return Ok(None);
    }
    let id = format!("{NETNS_PREFIX}{}-{}", std::process::id(), r.sandbox.next_id());
    let pair = NetnsPair(format!("{id}-a"), format!("{id}-b"));
    let (a, b) = (&pair.0, &pair.1);
    ip(&["netns", "add", a])?;
    ip(&["netns", "add", b])?;
    // Both ends live in namespaces made for this run, so fixed names cannot collide.
    let (veth_a, veth_b) = ("veth0".to_string(), "veth1".to_string());
    ip(&["-n", a, "link", "add", &veth_a, "type", "veth", "peer", "name", &veth_b, "netns", b])?;
    ip(&["-n", a, "addr", "add", &format!("{}/30", plan::VETH_ADDRESSES.0), "dev", &veth_a])?;
    ip(&["-n", b, "addr", "add", &format!("{}/30", plan::VETH_ADDRESSES.1), "dev", &veth_b])?;
    ip(&["-n", a, "link", "set", &veth_a, "up"])?;
    ip(&["-n", b, "link", "set", &veth_b, "up"])?;
    ip(&["-n", b, "link", "set", "lo", "up"])?;
    let (shown, script) = plan::veth_ping();
    let mut spec = busybox_spec(r, &script)?;
    spec.join_net = Some(format!("/run/netns/{a}").into());
    let run = step(r, plan::VETH_TITLE, &shown, &spec)?;
    drop(pair);
    Ok(Some(run))
}
