//! `kubectl exec (POD | TYPE/NAME) [-c CONTAINER] -- COMMAND...`: runs a command in a
//! simulated container, with the console's own shell over the container's view of the
//! world: its hostname, environment (the container's `env`, ConfigMap and Secret
//! references, and the Service variables Kubernetes injects), `/etc/hosts` and
//! `/etc/resolv.conf`, and a `curl` that resolves Service names through cluster DNS and
//! `localhost` to the pod. `kubectl exec -it POD -- sh` opens a [`Session`]: the console's
//! following lines run in the container until `exit`.

use super::{resource_kind, verb_first, CommandOutput, Flags};
use crate::api::{Container, Kind, LabelSelector, Object, Pod};
use crate::clock::Time;
use crate::cluster::Cluster;
use crate::images;
use crate::shell::fs::FileSystem;
use crate::shell::Shell;
use crate::store::ObjectKey;
use crate::api::StringMap;

/// The environment a container sees: the Service variables first, then its own `env`.
fn environment(cluster: &Cluster, pod: &Pod, container: &Container) -> StringMap {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut env = StringMap::new();
    env.insert("HOSTNAME".to_string(), pod.metadata.name.clone());
    env.insert("PATH".to_string(), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string());
    // Docker-link style variables for the Services of the namespace (and `kubernetes`).
    // The kubelet builds the environment when the container starts.
    let started = pod.status.container_statuses.iter().find(|s| s.name == container.name).and_then(|s| s.state.running.as_ref()).and_then(|r| r.started_at);
    let created = started.or(pod.metadata.creation_timestamp);
    // The namespace's Services, and `kubernetes` from default (already among them there).
    let kubernetes = cluster.store().list(Kind::Service, Some("default")).filter(|s| ns != "default" && s.name() == "kubernetes");
    let services = cluster.store().list(Kind::Service, Some(ns)).chain(kubernetes);
    for s in services.filter_map(Object::as_service) {
        let (Some(ip), Some(port)) = (s.spec.cluster_ip.as_deref().filter(|ip| *ip != "None"), s.spec.ports.first()) else { continue };
        if s.metadata.creation_timestamp > created && s.metadata.name != "kubernetes" {
            continue; // Services made after the container started are not in its environment.
        }
        let name = s.metadata.name.to_uppercase().replace('-', "_");
        env.insert(format!("{name}_SERVICE_HOST"), ip.to_string());
        env.insert(format!("{name}_SERVICE_PORT"), port.port.to_string());
        env.insert(format!("{name}_PORT"), format!("tcp://{ip}:{}", port.port));
    }
    for e in &container.env {
        if let Some(v) = &e.value {
            env.insert(e.name.clone(), v.clone());
        } else if let Some(from) = &e.value_from {
            let value = from
                .config_map_key_ref
                .as_ref()
                .and_then(|r| cluster.store().get(&ObjectKey { kind: Kind::ConfigMap, namespace: ns.into(), name: r.name.clone() })?.as_config_map()?.data.get(&r.key).cloned())
                .or_else(|| {
                    let r = from.secret_key_ref.as_ref()?;
                    let secret = cluster.store().get(&ObjectKey { kind: Kind::Secret, namespace: ns.into(), name: r.name.clone() })?.as_secret()?;
                    let bytes = crate::api::base64_decode(secret.data.get(&r.key)?)?;
                    Some(String::from_utf8_lossy(&bytes).into_owned())
                });
            env.insert(e.name.clone(), value.unwrap_or_default());
        }
    }
    env
}

/// The files a container's shell finds.
fn container_files(pod: &Pod) -> FileSystem {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    let mut fs = FileSystem::new();
    fs.add_file("/etc/hostname", &format!("{}\n", pod.metadata.name), true);
    fs.add_file("/etc/hosts", &format!("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n{ip}\t{}\n", pod.metadata.name), true);
    fs.add_file("/etc/resolv.conf", &format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"), true);
    fs
}

/// The names the pod's DNS answers: `localhost` (the pod itself) and every Service by its
/// short name (own namespace), `name.namespace`, `name.namespace.svc` and the full name.
fn hosts(cluster: &Cluster, pod: &Pod) -> StringMap {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut hosts = StringMap::new();
    if let Some(ip) = &pod.status.pod_ip {
        hosts.insert("localhost".to_string(), ip.clone());
        hosts.insert("127.0.0.1".to_string(), ip.clone());
        hosts.insert(pod.metadata.name.clone(), ip.clone());
    }
    for s in cluster.store().list(Kind::Service, None).filter_map(Object::as_service) {
        let Some(ip) = s.spec.cluster_ip.clone().filter(|ip| ip != "None") else { continue };
        let (name, sns) = (s.metadata.name.clone(), s.metadata.namespace.clone().unwrap_or_default());
        if sns == ns {
            hosts.insert(name.clone(), ip.clone());
        }
        for n in [format!("{name}.{sns}"), format!("{name}.{sns}.svc"), format!("{name}.{sns}.svc.cluster.local")] {
            hosts.insert(n, ip.clone());
        }
    }
    hosts
}

/// The shells an image has, and so the prompt a session shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// busybox's `sh` (busybox, alpine and `*-alpine` tags): prompt `/ # `, no bash.
    Busybox,
    /// Debian-based images (nginx, redis, ubuntu, and any unknown image): `sh` is dash
    /// (prompt `# `) and `bash` prompts `root@POD:/# `.
    Dash,
    /// `bash` in a Debian-based image.
    Bash,
}

/// What an image's file system holds: busybox, a Debian userland, or no shell at all
/// (the distroless control-plane images).
fn userland(image: &str) -> Option<Flavor> {
    let (repo, tag) = images::split_reference(image);
    match repo {
        "busybox" | "alpine" => Some(Flavor::Busybox),
        "etcd" | "kube-apiserver" | "kube-controller-manager" | "kube-scheduler" | "coredns" | "coredns/coredns" => None,
        _ if tag.contains("alpine") => Some(Flavor::Busybox),
        _ => Some(Flavor::Dash),
    }
}

/// Whether a command word names a shell.
fn is_shell(word: &str) -> bool {
    matches!(word, "sh" | "bash" | "ash" | "/bin/sh" | "/bin/bash" | "/bin/ash")
}

/// The flavor of shell `word` starts in the image, or the runtime's error when the image
/// has no such program.
fn shell_in(image: &str, word: &str, pod: &Pod) -> Result<Flavor, String> {
    let base = word.rsplit('/').next().unwrap_or(word);
    match (userland(image), base) {
        (Some(Flavor::Busybox), "sh" | "ash") => Ok(Flavor::Busybox),
        (Some(Flavor::Dash), "sh") => Ok(Flavor::Dash),
        (Some(Flavor::Dash), "bash") => Ok(Flavor::Bash),
        _ => {
            // The exec's id, as containerd names it: 64 hex digits, here derived from the pod.
            let seed = pod.metadata.uid.as_deref().unwrap_or(&pod.metadata.name);
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            let id: String = (0..4)
                .map(|i| {
                    for b in seed.bytes().chain(word.bytes()).chain([i as u8]) {
                        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                    }
                    format!("{h:016x}")
                })
                .collect();
            let why = if word.starts_with('/') { format!("stat {word}: no such file or directory") } else { "executable file not found in $PATH".into() };
            Err(format!("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec {id:?}: OCI runtime exec failed: exec failed: unable to start container process: exec: {word:?}: {why}: unknown"))
        }
    }
}

/// Models staging/src/k8s.io/kubectl/pkg/util/podutils/podutils.go ActivePods, reversed as
/// attachablePodForObject sorts: the most active pod first (scheduled, running, ready for
/// longest, fewest restarts, oldest; then by name, for a deterministic tie).
fn most_active(p: &Pod) -> impl Ord {
    let phase = match p.phase() {
        "Running" => 0,
        "Unknown" => 1,
        _ => 2,
    };
    let ready_since = crate::api::condition(&p.status.conditions, "Ready").filter(|c| c.status == "True").map(|c| c.last_transition_time.map_or(0, |t| t.0));
    let restarts = p.status.container_statuses.iter().map(|s| s.restart_count).max().unwrap_or(0);
    let created = p.metadata.creation_timestamp.map_or(0, |t| t.0);
    (p.spec.node_name.as_deref().unwrap_or("").is_empty(), phase, ready_since.is_none(), ready_since.unwrap_or(0), restarts, created, p.metadata.name.clone())
}

/// Models staging/src/k8s.io/kubectl/pkg/polymorphichelpers/attachablepodforobject.go:
/// the pod `POD`, `pod/NAME` or `TYPE/NAME` (a workload or Service) stands for.
fn target_pod(cluster: &Cluster, word: &str, ns: &str) -> Result<Pod, String> {
    let (kind, name) = match word.split_once('/') {
        Some((t, n)) => (resource_kind(t)?, n.to_string()),
        None => (Kind::Pod, word.to_string()),
    };
    let object = super::fetch(cluster, kind, ns, &name)?;
    let selector = match &object {
        Object::Pod(p) => return Ok(p.clone()),
        Object::Deployment(d) => d.spec.selector.clone(),
        Object::ReplicaSet(rs) => rs.spec.selector.clone(),
        Object::DaemonSet(ds) => ds.spec.selector.clone(),
        Object::Job(j) => j.spec.selector.clone().unwrap_or_default(),
        Object::Service(s) if s.spec.selector.is_empty() => return Err(format!("error: invalid service '{name}': Service is defined without a selector")),
        Object::Service(s) => LabelSelector { match_labels: s.spec.selector.clone(), ..Default::default() },
        _ => return Err(format!("error: cannot attach to *v1.{0}: selector for *v1.{0} not implemented", kind.name())),
    };
    let mut pods: Vec<&Pod> = cluster.store().list(Kind::Pod, Some(ns)).filter_map(Object::as_pod).filter(|p| selector.matches(&p.metadata.labels)).collect();
    crate::sorting::sort_by_cached_key(&mut pods, |p| most_active(p));
    pods.first().map(|p| (*p).clone()).ok_or_else(|| format!("error: timed out waiting for the condition on {}/{name}", kind.plural()))
}

/// The pod and container an exec runs in, once checked as kubectl and the kubelet check
/// them; what kubectl notes on the way (a defaulted container) is in `notes`.
fn prepare(cluster: &Cluster, f: &Flags, notes: &mut String) -> Result<(Pod, Container), String> {
    let word = f.positional.first().ok_or("error: pod, type/name or --filename must be specified")?;
    let pod = target_pod(cluster, word, &f.namespace())?;
    let name = &pod.metadata.name;
    let container = match f.value("--container") {
        Some(c) => pod.spec.containers.iter().find(|x| x.name == c).cloned().ok_or_else(|| format!("error: unable to upgrade connection: container {c} not found in pod {name}"))?,
        None => pod.spec.containers.first().cloned().ok_or_else(|| format!("error: pod {name} has no containers"))?,
    };
    let phase = pod.phase();
    if phase == "Succeeded" || phase == "Failed" {
        return Err(format!("error: cannot exec into a container in a completed pod; current phase is {phase}"));
    }
    if !pod.status.container_statuses.iter().any(|s| s.name == container.name && s.state.running.is_some()) {
        return Err(format!("error: unable to upgrade connection: container not found ({:?})", container.name));
    }
    if pod.spec.containers.len() > 1 && f.value("--container").is_none() {
        notes.push_str(&format!("Defaulted container {:?} out of: {}\n", container.name, pod.spec.containers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")));
    }
    Ok((pod, container))
}

/// The command to run: the words after `--`, or (deprecated) after the pod.
fn command_words(f: &Flags, notes: &mut String) -> Vec<String> {
    if f.command.is_empty() && f.positional.len() > 1 {
        notes.push_str("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.\n");
        return f.positional[1..].to_vec();
    }
    f.command.clone()
}

/// A shell over the container's files, environment and DNS, in `/`.
fn container_shell(cluster: &Cluster, pod: &Pod, container: &Container) -> Shell {
    let mut shell = Shell::new(container_files(pod));
    shell.set_cwd("/");
    shell.set_container(environment(cluster, pod, container), hosts(cluster, pod));
    shell.set_busybox(userland(&container.image) == Some(Flavor::Busybox));
    shell
}

/// `kubectl exec`: one command (a shell given no input, without `-i`, exits at once).
pub fn exec(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let mut notes = String::new();
    if f.positional.is_empty() {
        return CommandOutput::err("error: pod, type/name or --filename must be specified\n".into(), 1);
    }
    let words = command_words(f, &mut notes);
    if words.is_empty() {
        return CommandOutput::err("error: you must specify at least one command for the container\n".into(), 1);
    }
    let (pod, container) = match prepare(cluster, f, &mut notes) {
        Ok(p) => p,
        Err(e) => return CommandOutput::err(format!("{notes}{e}\n"), 1),
    };
    let mut out = CommandOutput { stderr: notes, ..Default::default() };
    if is_shell(&words[0]) {
        if let Err(e) = shell_in(&container.image, &words[0], &pod) {
            out.fail(e);
            return out;
        }
        if words.len() == 1 {
            // No -i: the shell reads an empty input and exits, as it does for kubectl.
            return out;
        }
    }
    // `sh -c 'a | b'` runs its script; anything else is one command, its words quoted.
    let line = if is_shell(&words[0]) && words.get(1).is_some_and(|w| w == "-c") {
        words.get(2).cloned().unwrap_or_default()
    } else {
        words.iter().map(|w| if w.is_empty() || w.contains([' ', '\'', '"', '$', '|', ';', '&', '<', '>', '*', '\\']) { format!("'{}'", w.replace('\'', "'\\''")) } else { w.clone() }).collect::<Vec<_>>().join(" ")
    };
    let mut shell = container_shell(cluster, &pod, &container);
    let result = shell.run(cluster, &line, crate::clock::Duration(0));
    out.stdout = result.stdout;
    out.stderr.push_str(&result.stderr);
    if result.exit_code != 0 {
        out.stderr.push_str(&format!("command terminated with exit code {}\n", result.exit_code));
        out.exit_code = result.exit_code;
    }
    out
}

/// An interactive shell in a container (`kubectl exec -it POD -- sh`): the console's
/// lines run in it until `exit`, or until the container stops.
#[derive(Clone, Debug)]
pub struct Session {
    /// The pod it runs in.
    pub pod: ObjectKey,
    /// That pod's uid (a pod of the same name made later is another pod).
    pub uid: Option<std::sync::Arc<str>>,
    /// The container's name.
    pub container: String,
    /// When the container's current run started: a restart ends the session too.
    pub started: Option<Time>,
    /// The shell running, which decides the prompt.
    pub flavor: Flavor,
    /// With `-t` the shell prompts; with `-i` alone it reads lines silently.
    pub tty: bool,
    /// The shell's state: working directory, variables, files.
    pub shell: Shell,
}

impl Session {
    /// The prompt the shell prints: busybox `/ # `, dash `# `, bash `root@POD:/# `;
    /// nothing without a terminal.
    pub fn prompt(&self) -> String {
        let cwd = self.shell.cwd();
        let dir = match cwd.strip_prefix("/root") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("~{rest}"),
            _ => cwd.to_string(),
        };
        match (self.tty, self.flavor) {
            (false, _) => String::new(),
            (true, Flavor::Busybox) => format!("{dir} # "),
            (true, Flavor::Dash) => "# ".into(),
            (true, Flavor::Bash) => format!("root@{}:{dir}# ", self.pod.name),
        }
    }

    /// Whether the shell's container still runs (the same pod, the same run).
    pub fn alive(&self, cluster: &Cluster) -> bool {
        let Some(pod) = cluster.store().get(&self.pod).and_then(Object::as_pod) else { return false };
        pod.metadata.uid == self.uid && pod.status.container_statuses.iter().any(|s| s.name == self.container && s.state.running.as_ref().is_some_and(|r| r.started_at == self.started))
    }
}

/// Whether kubectl words (verb first) open an interactive session: `exec -i[t] ... -- SHELL`.
pub fn opens_session(words: &[&str]) -> bool {
    let Some(dash) = words.iter().position(|w| *w == "--") else { return false };
    let (before, after) = (&words[..dash], &words[dash + 1..]);
    let stdin = before.iter().any(|w| matches!(*w, "-i" | "--stdin" | "--stdin=true") || (w.starts_with('-') && !w.starts_with("--") && w.len() > 2 && w[1..].chars().all(|c| c == 'i' || c == 't') && w.contains('i')));
    before.first() == Some(&"exec") && stdin && after.len() == 1 && is_shell(after[0])
}

/// `kubectl exec -i[t] (POD | TYPE/NAME) [-c C] -- SHELL` given as console words: the
/// session it opens with kubectl's notes, or what kubectl prints instead; `None` for any
/// other command (it runs as usual).
pub fn session(cluster: &Cluster, words: &[String]) -> Option<Result<(Session, String), CommandOutput>> {
    let (first, rest) = words.split_first()?;
    let args = verb_first(rest);
    let w: Vec<&str> = args.iter().map(String::as_str).collect();
    if !matches!(first.as_str(), "kubectl" | "k") || !opens_session(&w) {
        return None;
    }
    let mut f = Flags::parse(&args[1..]).ok()?;
    if f.command.len() != 1 || f.has("--help") || f.first_unknown(super::allowed_flags("exec")).is_some() || f.value("--context").is_some_and(|c| c != super::config::CONTEXT) {
        return None;
    }
    f.set_context_namespace(cluster.kubeconfig().namespace());
    let mut notes = String::new();
    let (pod, container) = match prepare(cluster, &f, &mut notes) {
        Ok(p) => p,
        Err(e) => return Some(Err(CommandOutput::err(format!("{notes}{e}\n"), 1))),
    };
    let flavor = match shell_in(&container.image, f.command.first()?, &pod) {
        Ok(fl) => fl,
        Err(e) => return Some(Err(CommandOutput::err(format!("{notes}{e}\n"), 1))),
    };
    // A session's shell also knows its home (the runtime sets HOME), with the usual folders.
    let mut shell = Shell::new(container_files(&pod));
    shell.set_cwd("/");
    let mut env = environment(cluster, &pod, &container);
    env.insert("HOME".into(), "/root".into());
    shell.set_container(env, hosts(cluster, &pod));
    shell.set_busybox(flavor == Flavor::Busybox);
    for dir in ["/root", "/tmp"] {
        let _ = shell.fs.mkdir(dir, true);
    }
    let started = pod.status.container_statuses.iter().find(|s| s.name == container.name).and_then(|s| s.state.running.as_ref()).and_then(|r| r.started_at);
    let key = ObjectKey { kind: Kind::Pod, namespace: pod.metadata.namespace.clone().unwrap_or_default(), name: pod.metadata.name.clone() };
    Some(Ok((Session { pod: key, uid: pod.metadata.uid.clone(), container: container.name.clone(), started, flavor, tty: f.has("--tty"), shell }, notes)))
}
