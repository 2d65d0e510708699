//! The OCI demo: a bundle `config.json` built from the same fields the real
//! runner's `bundle_config` sets (over the OCI spec's defaults, in the order
//! the runtime writes them), and the container a simulated `crun` or `runc`
//! makes from that config: its mounts, capabilities, limits and hostname.

use super::caps::{mask, CapSets};
use super::cgroup::Limits;
use super::container::Spec;
use super::demos::run_script;
use super::fs::Layer;
use super::image::{self, BUSYBOX_DIR};
use super::kernel::Kernel;
use super::sh::Dialect;
use super::vfs::Root;
use kubeplay_lab::{Accounting, DemoStep, KernelState};
use serde::Serialize;
use std::rc::Rc;

use kubeplay_lab::plan::{self, OCI_SCRIPT as SCRIPT};

/// The capabilities the OCI spec's default process keeps.
const DEFAULT_CAPS: [&str; 3] = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];

/// `config.json`: the parts of the OCI runtime spec the bundle sets.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    oci_version: &'static str,
    root: ConfigRoot,
    mounts: Vec<ConfigMount>,
    process: Process,
    /// The container's hostname.
    pub hostname: String,
    annotations: serde_json::Map<String, serde_json::Value>,
    linux: Linux,
}

#[derive(Clone, Debug, Serialize)]
struct ConfigRoot {
    path: String,
    readonly: bool,
}

#[derive(Clone, Debug, Serialize)]
struct ConfigMount {
    destination: String,
    #[serde(rename = "type")]
    kind: String,
    source: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Process {
    terminal: bool,
    user: User,
    args: Vec<String>,
    env: Vec<String>,
    cwd: String,
    capabilities: Capabilities,
    rlimits: Vec<Rlimit>,
    no_new_privileges: bool,
}

#[derive(Clone, Debug, Serialize)]
struct User {
    uid: u32,
    gid: u32,
}

#[derive(Clone, Debug, Serialize)]
struct Capabilities {
    bounding: Vec<String>,
    effective: Vec<String>,
    inheritable: Vec<String>,
    permitted: Vec<String>,
    ambient: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
struct Rlimit {
    #[serde(rename = "type")]
    kind: String,
    hard: u64,
    soft: u64,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Linux {
    resources: Resources,
    cgroups_path: String,
    namespaces: Vec<Namespace>,
    masked_paths: Vec<String>,
    readonly_paths: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
struct Resources {
    devices: Vec<DeviceRule>,
    memory: Memory,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpu: Option<Cpu>,
    pids: Pids,
}

#[derive(Clone, Debug, Serialize)]
struct DeviceRule {
    allow: bool,
    access: String,
}

#[derive(Clone, Debug, Serialize)]
struct Memory {
    limit: u64,
    swap: u64,
}

#[derive(Clone, Debug, Serialize)]
struct Cpu {
    quota: u64,
    period: u64,
}

#[derive(Clone, Debug, Serialize)]
struct Pids {
    limit: u64,
}

#[derive(Clone, Debug, Serialize)]
struct Namespace {
    #[serde(rename = "type")]
    kind: String,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

impl Config {
    /// The bundle's config: the OCI spec's defaults with the runner's command,
    /// environment, hostname, read-only root, `/tmp`, limits and cgroup path.
    pub fn new(rootfs: &str, argv: &[String], hostname: &str, limits: &Limits, cgroups_path: &str) -> Config {
        let mount =
            |destination: &str, kind: &str, source: &str, options: &[&str]| ConfigMount { destination: destination.into(), kind: kind.into(), source: source.into(), options: strings(options) };
        let mounts = vec![
            mount("/proc", "proc", "proc", &[]),
            mount("/dev", "tmpfs", "tmpfs", &["nosuid", "strictatime", "mode=755", "size=65536k"]),
            mount("/dev/pts", "devpts", "devpts", &["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            mount("/dev/shm", "tmpfs", "shm", &["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            mount("/dev/mqueue", "mqueue", "mqueue", &["nosuid", "noexec", "nodev"]),
            mount("/sys", "sysfs", "sysfs", &["nosuid", "noexec", "nodev", "ro"]),
            mount("/sys/fs/cgroup", "cgroup", "cgroup", &["nosuid", "noexec", "nodev", "relatime", "ro"]),
            mount("/tmp", "tmpfs", "tmpfs", &["nosuid", "nodev", "mode=1777", "size=16m"]),
        ];
        let caps = strings(&DEFAULT_CAPS);
        let capabilities = Capabilities { bounding: caps.clone(), effective: caps.clone(), inheritable: caps.clone(), permitted: caps.clone(), ambient: caps };
        let process = Process {
            terminal: false,
            user: User { uid: 0, gid: 0 },
            args: argv.to_vec(),
            env: vec!["PATH=/bin:/sbin:/usr/bin:/usr/sbin".into(), "TERM=dumb".into(), "HOME=/root".into()],
            cwd: "/".into(),
            capabilities,
            rlimits: vec![Rlimit { kind: "RLIMIT_NOFILE".into(), hard: 1024, soft: 1024 }],
            no_new_privileges: true,
        };
        let resources = Resources {
            devices: vec![DeviceRule { allow: false, access: "rwm".into() }],
            memory: Memory { limit: limits.memory_bytes, swap: limits.memory_bytes },
            cpu: limits.cpu_quota_us.map(|quota| Cpu { quota, period: limits.cpu_period_us }),
            pids: Pids { limit: limits.pids_max },
        };
        let linux = Linux {
            resources,
            cgroups_path: cgroups_path.into(),
            namespaces: ["pid", "network", "ipc", "uts", "mount", "cgroup"].iter().map(|k| Namespace { kind: k.to_string() }).collect(),
            masked_paths: strings(&[
                "/proc/acpi",
                "/proc/asound",
                "/proc/kcore",
                "/proc/keys",
                "/proc/latency_stats",
                "/proc/timer_list",
                "/proc/timer_stats",
                "/proc/sched_debug",
                "/sys/firmware",
                "/proc/scsi",
            ]),
            readonly_paths: strings(&["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]),
        };
        Config { oci_version: "1.0.2-dev", root: ConfigRoot { path: rootfs.into(), readonly: true }, mounts, process, hostname: hostname.into(), annotations: Default::default(), linux }
    }

    /// The container a runtime makes from this config over `image`: no user
    /// namespace, the config's capabilities, no seccomp filter (the config has none).
    pub fn container(&self, image: Rc<Layer>) -> Spec {
        let caps = mask(&self.process.capabilities.effective);
        let mounts = self.mounts.iter().map(|m| (m.destination.clone(), m.kind.clone(), m.source.clone(), m.options.clone())).collect();
        let env = self.process.env.iter().filter_map(|e| e.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let limits = Limits {
            memory_bytes: self.linux.resources.memory.limit,
            pids_max: self.linux.resources.pids.limit,
            cpu_quota_us: self.linux.resources.cpu.as_ref().map(|c| c.quota),
            ..Limits::default()
        };
        Spec {
            hostname: self.hostname.clone(),
            user_ns: false,
            caps: CapSets { ambient: caps, ..CapSets::keeping(caps) },
            seccomp: None,
            limits,
            time_limit_us: 10_000_000,
            output_cap: 256 * 1024,
            root: Root::Oci(image, mounts),
            join_net: None,
            env,
        }
    }
}

/// The OCI demo: a whole container through the named runtime (`crun` by default).
pub fn oci(kernel: &mut Kernel, runtime: Option<&str>) -> (Vec<DemoStep>, KernelState) {
    let runtime = runtime.unwrap_or("crun");
    let version = if runtime == "runc" { "runc version 1.1.5 (simulated)" } else { "crun version 1.8.1 (simulated)" };
    let id = "lab-sim-1";
    let argv = strings(&["sh", "-c", SCRIPT]);
    let config = Config::new(BUSYBOX_DIR, &argv, plan::OCI_HOSTNAME, &Limits::default(), &format!("kubeplay-oci/{id}"));
    let json = serde_json::to_string_pretty(&config).unwrap_or_default();
    let spec = config.container(Rc::new(image::busybox()));
    let mut outcome = run_script(kernel, spec, Dialect::Ash, SCRIPT).0;
    // The runtime made and removed the container's cgroup itself: no counters to read (as for real).
    outcome.accounting = Accounting::default();
    let (title, command) = plan::oci_step(runtime, id);
    let step = DemoStep { title, command, outcome };
    (vec![step], KernelState::Oci { runtime: runtime.into(), version: version.into(), config: json })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_carries_the_inputs_in_the_runtimes_order() {
        let limits = Limits { memory_bytes: 32 << 20, pids_max: 50, cpu_quota_us: Some(20_000), cpu_period_us: 100_000 };
        let config = Config::new("/srv/rootfs", &strings(&["sh", "-c", "echo hi"]), "demo", &limits, "kubeplay-oci/abc");
        let json: serde_json::Value = serde_json::to_value(&config).unwrap();
        assert_eq!(json["process"]["args"], serde_json::json!(["sh", "-c", "echo hi"]));
        assert_eq!((json["hostname"].as_str(), json["root"]["readonly"].as_bool()), (Some("demo"), Some(true)));
        assert_eq!(json["linux"]["resources"]["memory"]["swap"], 32 << 20);
        assert_eq!(json["linux"]["resources"]["cpu"]["quota"], 20_000);
        assert_eq!(json["linux"]["cgroupsPath"], "kubeplay-oci/abc");
        assert!(json["mounts"][0].get("options").is_none());
        let text = serde_json::to_string_pretty(&config).unwrap();
        assert!(text.starts_with("{\n  \"ociVersion\": \"1.0.2-dev\",\n  \"root\""), "{text}");
        let spec = config.container(Rc::new(image::busybox()));
        assert_eq!(spec.caps.effective, 0x2000_0420, "CapEff of crun's default set");
        assert_eq!(spec.limits.pids_max, 50);
    }
}
