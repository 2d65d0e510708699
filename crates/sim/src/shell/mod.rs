//! The console's shell, as on a node after `minikube ssh`: kubectl is configured, `curl`
//! reaches Services, and the workshop's shell idioms work (pipes, `$(...)`, variables,
//! heredocs, redirections into a small in-memory file system). The grammar is in
//! [`parse`], the files in [`fs`], the commands in `commands` and `text`.

mod commands;
pub mod complete;
pub(crate) mod filters;
pub mod fs;
pub mod jq;
pub mod parse;
mod operands;
mod session;
pub(crate) mod text;

use crate::cluster::Cluster;
use crate::kubectl::{self, CommandOutput, Context};
use fs::{resolve, FileSystem, ShellFiles};
use parse::{Join, ParseError, Part, Pipeline, Redirect, Script, Word};
use serde::{Deserialize, Serialize};
use crate::api::StringMap;

/// The home directory the console starts in.
pub const HOME: &str = "/home/docker";

/// A shell session: files, working directory, variables and the last exit status.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Shell {
    /// The files commands read and write.
    pub fs: FileSystem,
    cwd: String,
    vars: StringMap,
    status: i32,
    /// Set while the page refreshes a `kubectl get -w`: print the changes after this version.
    #[serde(skip)]
    watch_since: Option<u64>,
    /// Inside a container (`kubectl exec`): the names its DNS resolves. There is no kubectl
    /// there, and `curl` reaches what the pod would.
    #[serde(skip)]
    container_hosts: Option<StringMap>,
    /// The interactive shell `kubectl exec -it` opened in a container, with its number.
    #[serde(skip)]
    session: Option<(u64, Box<kubectl::Session>)>,
    /// How many sessions were opened (numbers them).
    #[serde(skip)]
    sessions: u64,
    /// The last session that ended, and kubectl's exit code for it.
    #[serde(skip)]
    ended: Option<(u64, i32)>,
    /// Inside a busybox or alpine container: its text filters are busybox's applets.
    #[serde(skip)]
    busybox: bool,
}

impl Default for Shell {
    fn default() -> Self {
        Shell::new(FileSystem::new())
    }
}

/// How deeply `$(...)` may nest while running (a guard, not a feature).
const MAX_DEPTH: usize = 8;

impl Shell {
    /// A session in the home directory over `fs`.
    pub fn new(fs: FileSystem) -> Self {
        let vars = StringMap::from_iter(
            [("HOME", HOME), ("USER", "docker"), ("HOSTNAME", "control-plane"), ("PATH", "/usr/local/bin:/usr/bin:/bin"), ("SHELL", "/bin/bash")].map(|(k, v)| (k.to_string(), v.to_string())),
        );
        Shell { fs, cwd: HOME.to_string(), vars, status: 0, watch_since: None, container_hosts: None, session: None, sessions: 0, ended: None, busybox: false }
    }

    /// The working directory.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// Changes the working directory (used by the runner to start where the script is).
    pub fn set_cwd(&mut self, dir: &str) {
        self.cwd = resolve("/", dir);
    }

    /// Makes this a container's shell: its environment and the host names its DNS answers.
    pub fn set_container(&mut self, env: StringMap, hosts: StringMap) {
        self.vars = env;
        self.container_hosts = Some(hosts);
    }

    /// Makes the text filters busybox's (a busybox or alpine container) or GNU's.
    pub fn set_busybox(&mut self, busybox: bool) {
        self.busybox = busybox;
    }

    /// Which tools answer the text filters: busybox's applets or GNU's.
    pub(crate) fn dialect(&self) -> filters::Dialect {
        if self.busybox { filters::Dialect::Busybox } else { filters::Dialect::Gnu }
    }

    /// A variable's value.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// The prompt, as bash on the control-plane node shows it (`docker@control-plane:~$ `),
    /// or the container's while a `kubectl exec -it` session is open (`/ # `).
    pub fn prompt(&self) -> String {
        if let Some(p) = self.session_prompt() {
            return p;
        }
        let dir = match self.cwd.strip_prefix(HOME) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("~{rest}"),
            _ => self.cwd.clone(),
        };
        format!("docker@control-plane:{dir}$ ")
    }

    /// Whether `input` needs more lines (an open quote, heredoc, or a trailing `|`).
    pub fn is_incomplete(input: &str) -> bool {
        parse::is_incomplete(input)
    }

    /// Runs one input (a line, or several for a heredoc) and returns what it printed;
    /// inside the container while a `kubectl exec -it` session is open.
    /// `max_wait` bounds how long blocking commands advance virtual time.
    pub fn run(&mut self, cluster: &mut Cluster, input: &str, max_wait: crate::clock::Duration) -> CommandOutput {
        if self.session.is_some() {
            return self.in_session(cluster, input, max_wait);
        }
        self.run_on_node(cluster, input, max_wait)
    }

    /// Runs one input in this shell itself, even while a session is open (the page's
    /// re-runs of commands that follow time, started on the node).
    pub fn run_on_node(&mut self, cluster: &mut Cluster, input: &str, max_wait: crate::clock::Duration) -> CommandOutput {
        match parse::parse(input) {
            Ok(script) => {
                let mut out = CommandOutput::default();
                self.script(cluster, &script, max_wait, &mut out, 0);
                out.exit_code = self.status;
                out
            }
            Err(ParseError::Syntax(msg)) => {
                self.status = 2;
                CommandOutput::err(format!("bash: {msg}\n"), 2)
            }
            Err(ParseError::Incomplete(what)) => {
                self.status = 2;
                let msg = match what.as_str() {
                    "here-document" => "bash: warning: here-document delimited by end-of-file".to_string(),
                    "'" | "\"" | "`" => format!("bash: unexpected EOF while looking for matching `{what}'"),
                    _ => "bash: syntax error: unexpected end of file".to_string(),
                };
                CommandOutput::err(format!("{msg}\n"), 2)
            }
        }
    }

    /// Runs a `kubectl get -w` input for the page's refresh: only the changes after store
    /// version `since` are printed, and nothing waits on virtual time.
    pub fn run_watching(&mut self, cluster: &mut Cluster, input: &str, since: u64) -> CommandOutput {
        self.watch_since = Some(since);
        let out = self.run_on_node(cluster, input, crate::clock::Duration(0));
        self.watch_since = None;
        out
    }

    /// Runs a parsed script, appending to `out`; stdout of the last pipeline's last
    /// command is in `out.stdout`.
    fn script(&mut self, cluster: &mut Cluster, script: &Script, max_wait: crate::clock::Duration, out: &mut CommandOutput, depth: usize) {
        for (join, pipeline) in script {
            let run = match join {
                Join::Always => true,
                Join::And => self.status == 0,
                Join::Or => self.status != 0,
            };
            if run {
                let result = self.pipeline(cluster, pipeline, max_wait, depth);
                out.stdout.push_str(&result.stdout);
                out.stderr.push_str(&result.stderr);
                out.effects.extend(result.effects);
                out.pending = result.pending;
                out.gives_up_with = result.gives_up_with;
                self.status = result.exit_code;
            }
        }
    }

    fn pipeline(&mut self, cluster: &mut Cluster, pipeline: &Pipeline, max_wait: crate::clock::Duration, depth: usize) -> CommandOutput {
        let mut stdin = String::new();
        let mut stderr = String::new();
        let mut last = CommandOutput::default();
        let mut effects = Vec::new();
        for command in &pipeline.commands {
            let mut out = self.command(cluster, command, &stdin, max_wait, depth);
            stderr.push_str(&std::mem::take(&mut out.stderr));
            stdin = std::mem::take(&mut out.stdout);
            effects.append(&mut out.effects);
            last = out;
        }
        last.stdout = stdin;
        last.stderr = stderr;
        last.effects = effects;
        if pipeline.negated {
            last.exit_code = i32::from(last.exit_code == 0);
        }
        last
    }

    fn command(&mut self, cluster: &mut Cluster, command: &parse::Command, stdin: &str, max_wait: crate::clock::Duration, depth: usize) -> CommandOutput {
        let mut errors = String::new();
        let mut words = Vec::new();
        for w in &command.words {
            words.extend(self.expand(cluster, w, max_wait, depth, &mut errors));
        }
        let mut assigned = Vec::new();
        for (name, value) in &command.assignments {
            let v = self.expand_joined(cluster, value, max_wait, depth, &mut errors);
            assigned.push((name.clone(), v));
        }
        let mut input = stdin.to_string();
        let mut outputs: Vec<(u8, String, bool)> = Vec::new();
        let mut err_to_out = false;
        for r in &command.redirects {
            match r {
                Redirect::In(w) => {
                    let path = self.expand_joined(cluster, w, max_wait, depth, &mut errors);
                    match self.fs.read(&resolve(&self.cwd, &path)) {
                        Ok(text) => input = text,
                        Err(e) => return CommandOutput::err(format!("{errors}bash: {path}: {e}\n"), 1),
                    }
                }
                Redirect::Heredoc(w) => input = self.expand_joined(cluster, w, max_wait, depth, &mut errors),
                Redirect::Out { fd, target, append } => outputs.push((*fd, self.expand_joined(cluster, target, max_wait, depth, &mut errors), *append)),
                Redirect::ErrToOut => err_to_out = true,
            }
        }
        let mut out = if words.is_empty() {
            for (name, value) in assigned {
                self.vars.insert(name, value);
            }
            CommandOutput { exit_code: if errors.is_empty() { 0 } else { self.status }, ..Default::default() }
        } else {
            self.builtin(cluster, &words, &input, max_wait)
        };
        out.stderr.insert_str(0, &errors);
        if err_to_out {
            let err = std::mem::take(&mut out.stderr);
            out.stdout.push_str(&err);
        }
        for (fd, path, append) in outputs {
            let text = match fd {
                1 => std::mem::take(&mut out.stdout),
                2 => std::mem::take(&mut out.stderr),
                _ => std::mem::take(&mut out.stdout) + &std::mem::take(&mut out.stderr),
            };
            if path == "/dev/null" {
                continue;
            }
            if let Err(e) = self.fs.write(&resolve(&self.cwd, &path), &text, append) {
                out.stderr.push_str(&format!("bash: {path}: {e}\n"));
                out.exit_code = 1;
            }
        }
        out
    }

    /// Runs a command by name: the cluster's own, then the shell's.
    fn builtin(&mut self, cluster: &mut Cluster, words: &[String], stdin: &str, max_wait: crate::clock::Duration) -> CommandOutput {
        let files = ShellFiles { fs: &self.fs, cwd: &self.cwd, stdin };
        let ctx = Context { files: &files, max_wait, watch_since: self.watch_since };
        if let Some(hosts) = &self.container_hosts {
            // A container has curl (reaching what the pod reaches) but none of the node's tools.
            if words[0] == "curl" {
                let mut out = kubectl::run_words(cluster, &container_curl(hosts, words), &ctx).unwrap_or_default();
                // The node's hint about Service names does not apply where they resolve.
                out.stderr = out.stderr.lines().filter(|l| !l.starts_with("  hint: the console runs on a node")).map(|l| format!("{l}\n")).collect();
                return out;
            }
            if matches!(words[0].as_str(), "kubectl" | "k" | "fault" | "load" | "usage" | "legacy-api" | "advance" | "watch") {
                return CommandOutput::err(format!("sh: {}: not found\n", words[0]), 127);
            }
        } else if let Some(opened) = kubectl::exec_session(cluster, words) {
            return self.open_session(opened, max_wait);
        } else if let Some(out) = kubectl::run_words(cluster, words, &ctx) {
            return out;
        }
        let args = &words[1..];
        match words[0].as_str() {
            "cd" => commands::cd(self, args),
            "pwd" => CommandOutput::ok(format!("{}\n", self.cwd)),
            "export" => commands::export(self, args),
            "unset" => {
                for a in args {
                    self.vars.remove(a);
                }
                CommandOutput::default()
            }
            "env" | "printenv" => CommandOutput::ok(self.vars.iter().filter(|(k, _)| args.is_empty() || args.contains(k)).map(|(k, v)| if args.is_empty() { format!("{k}={v}\n") } else { format!("{v}\n") }).collect()),
            "sleep" => commands::sleep(cluster, args),
            "watch" => self.watch(cluster, args, max_wait),
            "lab" if self.container_hosts.is_none() => lab_command(args),
            "help" if self.container_hosts.is_none() => CommandOutput::ok(HELP.into()),
            name => commands::run(self, name, args, stdin)
                .or_else(|| text::filter(Some(self), name, args, stdin))
                .or_else(|| operands::run(self, name, args, stdin))
                .unwrap_or_else(|| CommandOutput::err(format!("bash: {name}: command not found\n{}", stand_in(name)), 127)),
        }
    }

    /// `watch [-n SECONDS] [-t] COMMAND...`: the command's output under a title. In the
    /// page (no time to wait) it stays pending and the console shows each refresh in place;
    /// a script gets one refresh.
    fn watch(&mut self, cluster: &mut Cluster, args: &[String], max_wait: crate::clock::Duration) -> CommandOutput {
        let mut interval = 2.0;
        let mut title = true;
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-n" | "--interval" => {
                    i += 1;
                    match args.get(i).and_then(|v| v.parse::<f64>().ok()) {
                        Some(v) => interval = v.max(0.1),
                        None => return CommandOutput::err(format!("watch: failed to parse argument: '{}'\n", args.get(i).map_or("", String::as_str)), 1),
                    }
                }
                "-t" | "--no-title" => title = false,
                s if s.starts_with("-n") => match s[2..].parse::<f64>() {
                    Ok(v) => interval = v.max(0.1),
                    Err(_) => return CommandOutput::err(format!("watch: failed to parse argument: '{}'\n", &s[2..]), 1),
                },
                _ => break,
            }
            i += 1;
        }
        if i >= args.len() {
            return CommandOutput::err("Usage:\n watch [options] command\n".into(), 1);
        }
        // Like watch, hand the words to `sh -c` joined by spaces.
        let command = args[i..].join(" ");
        let inner = self.run(cluster, &command, crate::clock::Duration(0));
        let mut stdout = if title { format!("Every {interval:.1}s: {command}\n\n") } else { String::new() };
        stdout.push_str(&inner.stdout);
        stdout.push_str(&inner.stderr);
        CommandOutput { stdout, pending: max_wait.as_millis() == 0, ..Default::default() }
    }

    /// A word's fields: quoted parts join, unquoted expansions split on blanks, and an
    /// unquoted `*` or `?` matches files.
    fn expand(&mut self, cluster: &mut Cluster, word: &Word, max_wait: crate::clock::Duration, depth: usize, errors: &mut String) -> Vec<String> {
        let mut fields: Vec<(String, bool)> = Vec::new();
        let mut current: Option<(String, bool)> = None;
        for part in word {
            let (value, quoted, literal) = match part {
                Part::Text { text, quoted } => (text.clone(), *quoted, true),
                Part::Var { name, quoted } => (self.lookup(name), *quoted, false),
                Part::Command { script, quoted } => (self.substitute(cluster, script, max_wait, depth, errors), *quoted, false),
            };
            if quoted || literal {
                let glob = !quoted && value.contains(['*', '?']);
                let cur = current.get_or_insert_with(|| (String::new(), false));
                cur.0.push_str(&value);
                cur.1 |= glob;
                continue;
            }
            let starts_blank = value.starts_with(char::is_whitespace);
            let ends_blank = value.ends_with(char::is_whitespace);
            let pieces: Vec<&str> = value.split_whitespace().collect();
            if starts_blank {
                fields.extend(current.take());
            }
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    fields.extend(current.take());
                }
                current.get_or_insert_with(|| (String::new(), false)).0.push_str(piece);
            }
            if ends_blank && !pieces.is_empty() {
                fields.extend(current.take());
            }
        }
        fields.extend(current);
        fields.into_iter().flat_map(|(f, glob)| if glob { self.glob(&f) } else { vec![f] }).collect()
    }

    /// A word expanded without splitting (assignments, redirection targets, heredocs).
    fn expand_joined(&mut self, cluster: &mut Cluster, word: &Word, max_wait: crate::clock::Duration, depth: usize, errors: &mut String) -> String {
        let mut s = String::new();
        for part in word {
            match part {
                Part::Text { text, .. } => s.push_str(text),
                Part::Var { name, .. } => s.push_str(&self.lookup(name)),
                Part::Command { script, .. } => s.push_str(&self.substitute(cluster, script, max_wait, depth, errors)),
            }
        }
        s
    }

    fn lookup(&self, name: &str) -> String {
        match name {
            "?" => self.status.to_string(),
            "$" => "1".into(),
            "#" => "0".into(),
            "0" => "bash".into(),
            _ => self.vars.get(name).cloned().unwrap_or_default(),
        }
    }

    /// `$(...)`: what the script prints, trailing newlines removed; its errors go to the terminal.
    fn substitute(&mut self, cluster: &mut Cluster, script: &Script, max_wait: crate::clock::Duration, depth: usize, errors: &mut String) -> String {
        if depth >= MAX_DEPTH {
            errors.push_str("bash: command substitution nested too deeply\n");
            return String::new();
        }
        let mut out = CommandOutput::default();
        self.script(cluster, script, max_wait, &mut out, depth + 1);
        errors.push_str(&out.stderr);
        out.stdout.trim_end_matches('\n').to_string()
    }

    /// Files matching a pattern with `*` and `?` in its last component, in name order (the
    /// pattern itself when nothing matches, as bash does).
    fn glob(&self, pattern: &str) -> Vec<String> {
        let (dir, name) = match pattern.rfind('/') {
            Some(i) => (&pattern[..=i], &pattern[i + 1..]),
            None => ("", pattern),
        };
        let listed = self.fs.list(&resolve(&self.cwd, if dir.is_empty() { "." } else { dir })).unwrap_or_default();
        let matches: Vec<String> = listed.into_iter().filter(|(n, _)| !n.starts_with('.') && text::wildcard(name, n)).map(|(n, _)| format!("{dir}{n}")).collect();
        if matches.is_empty() {
            vec![pattern.to_string()]
        } else {
            matches
        }
    }
}

/// What the console offers instead of a tool the 2018 workshop used that it does not have,
/// as a hint line after bash's "command not found" (empty for other commands).
fn stand_in(name: &str) -> &'static str {
    match name {
        "vegeta" => "  hint: the console sends load with its own command: load http://127.0.0.1:<nodePort> 75/s for 5m (and load alone shows its counters)\n",
        "git" => "  hint: nothing is fetched here; a lesson puts the workshop's files in your home folder when you open it (the Lessons tab), ls shows them\n",
        "docker" => "  hint: the Containers lab (at the top of the page) takes a container apart; lab DEMO runs one of its demos here\n",
        _ => "",
    }
}

/// What `help` prints: the console's own commands, then the shell's, at most 54 columns
/// wide, so that the page's console shows it whole beside the map on a 1280x720 projector.
const HELP: &str = "This console is a shell on a machine of the simulated
cluster, with kubectl configured for it.

Kubernetes
  kubectl (or k) ... the cluster's kubectl (kubectl
                     get pods, kubectl help, ...)
  advance DURATION   move the cluster's clock on
                     (advance 30s, advance 5m)
  watch COMMAND      run a command again as the clock
                     moves (Ctrl-C stops it)
  load URL RATE/s    send requests to a Service (load
                     http://10.96.0.20 200/s for 5m;
                     load stop)
  usage SELECTOR ... make the pods use CPU or memory
                     (usage app=web cpu=300m;
                     usage app=web auto)
  fault ...          break and mend things: fail-node,
                     recover-node, resize-node,
                     fail-readiness, recover-readiness
  port-forward ...   list or stop kubectl's forwards
  legacy-api ...     refuse, or convert, manifests in
                     removed API versions
  lab [DEMO]         run a containers-lab demo here
                     (chroot, namespaces, cgroups,
                     overlay, capabilities, oci)

Shell
  files: ls cat cd pwd mkdir cp mv rm touch
  text: echo printf grep sed base64 jq
  lines: head tail sort uniq cut wc
  web: curl   other: env export unset sleep clear
  | pipes, > and >> redirects, && ||, $(...), $VARS
  and heredocs work as in bash.

Keys: Tab completes, Up and Down walk the history,
Ctrl-C stops a command, Ctrl-D leaves a container;
clear empties the screen.
";

/// `lab DEMO [ARGS]`: a containers-lab demo on the simulated kernel, printed as its
/// transcript and one-line summary (lesson checks look for the summary).
fn lab_command(args: &[String]) -> CommandOutput {
    match kubeplay_lab::console::parse(args).and_then(|request| crate::lab::run(&request)) {
        Ok(report) => CommandOutput::ok(kubeplay_lab::console::transcript(&report)),
        Err(e) if args.is_empty() => CommandOutput::ok(e),
        Err(e) => CommandOutput::err(format!("{e}\n"), 1),
    }
}

/// A container's `curl` arguments with host names resolved as its DNS would.
fn container_curl(hosts: &StringMap, words: &[String]) -> Vec<String> {
    let mut out = words.to_vec();
    for w in out.iter_mut().skip(1).filter(|w| !w.starts_with('-')) {
        let (scheme, rest) = match w.split_once("://") {
            Some((s, r)) => (format!("{s}://"), r.to_string()),
            None => (String::new(), w.clone()),
        };
        let end = rest.find(['/', ':']).unwrap_or(rest.len());
        let host = &rest[..end];
        // Names (and 127.0.0.1, the pod itself) resolve; other addresses and unknown names stay
        // as they are, and curl itself reports a name it cannot resolve.
        if let Some(ip) = hosts.get(host) {
            *w = format!("{scheme}{ip}{}", &rest[end..]);
        }
    }
    // The request leaves from the pod's own address (what ClientIP session affinity keys on).
    if let Some(ip) = hosts.get("localhost") {
        out.insert(1.min(out.len()), "--interface".into());
        out.insert(2.min(out.len()), ip.clone());
    }
    out
}

#[cfg(test)]
mod tests;
