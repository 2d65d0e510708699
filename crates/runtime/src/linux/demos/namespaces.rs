//! The namespaces demo: one run per namespace kind showing what the command
//! sees, the inode of each namespace beside the server's own, a user
//! namespace in which the command is root while the host sees `nobody`, and
//! a veth pair between the run's network namespace and a second one made for
//! it, with a ping across. No packet leaves the two namespaces.

use super::{busybox_spec, step};
use crate::demo::{DemoStep, KernelState, NamespaceRow};
use super::Runner;
use std::process::{Command, Stdio};

/// The namespace kinds, as `/proc/self/ns` names them.
const KINDS: [&str; 7] = ["pid", "uts", "mnt", "net", "ipc", "cgroup", "user"];

/// The two ends of the veth pair (a /30 of their own; both ends live in namespaces made for the run).
const VETH_ADDRESSES: (&str, &str) = ("10.200.0.1", "10.200.0.2");

/// The inode number in a namespace link such as `pid:[4026531836]`.
pub(crate) fn inode_of(link: &str) -> Option<u64> {
    link.split_once(":[")?.1.strip_suffix(']')?.parse().ok()
}

/// Reads `<kind> -> <link>` lines into (kind, inode).
fn inodes_in(output: &str) -> Vec<(String, u64)> {
    output.lines().filter_map(|l| l.split_once(" -> ")).filter_map(|(k, link)| Some((k.trim().to_string(), inode_of(link.trim())?))).collect()
}

fn host_inode(kind: &str) -> u64 {
    std::fs::read_link(format!("/proc/self/ns/{kind}")).ok().and_then(|l| inode_of(&l.to_string_lossy())).unwrap_or(0)
}

const PRINT_INODES: &str = "for n in pid uts mnt net ipc cgroup user; do echo \"$n -> $(readlink /proc/self/ns/$n)\"; done";

pub(super) fn run(r: &Runner, hostname: &str) -> Result<(Vec<DemoStep>, KernelState), String> {
    let mut steps = Vec::new();
    let mut spec = busybox_spec(r, PRINT_INODES)?;
    spec.hostname = hostname.to_string();
    steps.push(step(r, "every namespace has an inode number; the run's differ from the host's", PRINT_INODES, &spec)?);
    let inside = inodes_in(&steps[0].outcome.output);
    for (title, script) in [
        ("PID namespace: the command is PID 1 and sees only its own processes", "echo \"my PID is $$\"; ps"),
        ("UTS namespace: its own hostname", "hostname"),
        ("mount namespace: its own mount table", "cat /proc/self/mounts"),
        ("network namespace: only a loopback device", "ip -o link; ip -o -4 addr"),
        ("IPC namespace: its own shared memory", "ls -A /dev/shm; echo \"ipc -> $(readlink /proc/self/ns/ipc)\""),
    ] {
        spec.argv[2] = script.to_string();
        steps.push(step(r, title, script, &spec)?);
    }
    let user_script = "id; cat /proc/self/uid_map; echo \"user -> $(readlink /proc/self/ns/user)\"; touch /etc/x";
    let mut user_spec = busybox_spec(r, user_script)?;
    user_spec.namespaces.user = true;
    steps.push(step(r, "user namespace: root inside, nobody (65534) outside; root's power ends at the namespace", user_script, &user_spec)?);
    let user_inode = inodes_in(&steps.last().map(|s| s.outcome.output.clone()).unwrap_or_default()).into_iter().find(|(k, _)| k == "user").map(|(_, i)| i);
    let veth = veth_ping(r)?;
    let veth_addresses = veth.as_ref().map(|_| (VETH_ADDRESSES.0.to_string(), VETH_ADDRESSES.1.to_string()));
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

/// Removes `kp-<pid>-...` network namespaces whose server process is gone.
pub(crate) fn sweep_netns() -> usize {
    let Ok(dir) = std::fs::read_dir("/run/netns") else { return 0 };
    let mut removed = 0;
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(NETNS_PREFIX) else { continue };
        let alive = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()).is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive && ip(&["netns", "delete", &name]).is_ok() {
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
    ip(&["-n", a, "addr", "add", &format!("{}/30", VETH_ADDRESSES.0), "dev", &veth_a])?;
    ip(&["-n", b, "addr", "add", &format!("{}/30", VETH_ADDRESSES.1), "dev", &veth_b])?;
    ip(&["-n", a, "link", "set", &veth_a, "up"])?;
    ip(&["-n", b, "link", "set", &veth_b, "up"])?;
    ip(&["-n", b, "link", "set", "lo", "up"])?;
    let script = format!("ip -o -4 addr; ping -c 3 -i 0.2 -W 1 {}", VETH_ADDRESSES.1);
    let mut spec = busybox_spec(r, &script)?;
    spec.join_net = Some(format!("/run/netns/{a}").into());
    let run = step(r, "a veth pair: a cable between the run's network namespace and a second one", &format!("ping -c 3 {}", VETH_ADDRESSES.1), &spec)?;
    drop(pair);
    Ok(Some(run))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_links_read_as_inodes() {
        assert_eq!(inode_of("pid:[4026531836]"), Some(4026531836));
        assert_eq!(inode_of("garbage"), None);
        let lines = "pid -> pid:[4026532201]\nuts -> uts:[4026532199]\nnoise\n";
        assert_eq!(inodes_in(lines), vec![("pid".to_string(), 4026532201), ("uts".to_string(), 4026532199)]);
    }
}
