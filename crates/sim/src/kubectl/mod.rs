//! kubectl and the console's first commands: what learners type, answered as
//! kubectl would (`apply`, `create`, `delete`, `get`, `scale`, `set image`,
//! `label`, `rollout`, `version`, the `create` generators and `run`, `config`,
//! `replace`, `set resources`, `port-forward`), plus the runner's `advance`.

mod api_resources;
mod autoscale;
mod config;
mod create;
mod curl;
mod delete;
mod diff;
mod edit;
mod events;
mod describe;
pub(crate) use describe::probe_text;
pub use describe::describe_object;
mod exec;
pub use exec::{session as exec_session, Flavor, Session};
mod explain;
mod field_selector;
mod expose;
mod files;
mod flags;
mod groups;
mod help;
mod kept;
pub(crate) mod jsonpath;
pub(crate) mod go_template;
mod logs;
mod minikube;
pub use logs::new_text as new_log_text;
mod mutate;
mod patch;
mod raw;
mod nodes;
mod port_forward;
pub mod printers;
mod real_flags;
mod rollout;
mod set_env;
mod set_resources;
mod sort_by;
mod top;
mod typed_json;
mod unsimulated;
mod version;
mod wait;
pub mod tabwriter;
pub mod yaml_out;

pub use config::KubeConfig;
pub use edit::is_edit_file;
pub use files::{Files, NoFiles};
pub use port_forward::PortForward;
use flags::Flags;
pub use flags::parse_selector;

use crate::api::{Kind, Object};
use crate::clock::Duration;
use crate::cluster::Cluster;
use crate::store::ObjectKey;

/// What a command printed and how it ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommandOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// 0 on success.
    pub exit_code: i32,
    /// The command waits for more (a `rollout status` run with no time to wait): run it
    /// again as virtual time advances, printing only what is new.
    pub pending: bool,
    /// What the page should do besides printing (open the editor for `kubectl edit`).
    pub effects: Vec<Effect>,
    /// For a pending command, the error it ends with when its timeout passes while the
    /// console follows it ([`follow_timeout`]).
    pub gives_up_with: Option<String>,
}

/// Something a command asks the page to do besides printing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// `kubectl edit`: open `text` in the editor as the file `file`.
    Edit {
        /// The editor tab's file name.
        file: String,
        /// The object's YAML, with a comment on how to send the change.
        text: String,
    },
}

impl CommandOutput {
    /// Success with this standard output.
    pub fn ok(stdout: String) -> Self {
        CommandOutput { stdout, ..Default::default() }
    }
    /// Failure with this standard error and exit code.
    pub fn err(stderr: String, exit_code: i32) -> Self {
        CommandOutput { stderr, exit_code, ..Default::default() }
    }
    /// Takes the warnings out of standard error (`Warning: ...`, klog's `W0000 ...`, pflag's
    /// `Flag --record has been deprecated, ...`, and the notes `Found 2 pods, using
    /// pod/...` and `Defaulted container ...`). kubectl writes each
    /// before the output of the object it concerns, so a console prints them first (for
    /// several objects, a later warning then comes earlier than kubectl would print it).
    pub fn take_warnings(&mut self) -> String {
        let is_warning = |l: &str| l.starts_with("Warning: ") || l.starts_with("warning: ") || l.starts_with("W0000 ") || (l.starts_with("Flag --") && l.contains(" has been deprecated")) || l.starts_with("Defaulted container ") || (l.starts_with("Found ") && l.contains(" pods, using pod/"));
        if !self.stderr.lines().any(is_warning) {
            return String::new();
        }
        let (mut warnings, mut rest) = (String::new(), String::new());
        for line in self.stderr.split_inclusive('\n') {
            if is_warning(line) { &mut warnings } else { &mut rest }.push_str(line);
        }
        self.stderr = rest;
        warnings
    }
    /// Appends a line to standard error and marks the command failed.
    fn fail(&mut self, line: impl AsRef<str>) {
        self.stderr.push_str(line.as_ref());
        self.stderr.push('\n');
        self.exit_code = 1;
    }
    /// Appends a line to standard error, marks the command failed and gives it back.
    fn and_fail(mut self, line: impl AsRef<str>) -> Self {
        self.fail(line);
        self
    }
    /// Appends a line to standard output.
    fn say(&mut self, line: impl AsRef<str>) {
        self.stdout.push_str(line.as_ref());
        self.stdout.push('\n');
    }
}

/// How long blocking commands (`rollout status`) may advance virtual time by default.
pub const DEFAULT_MAX_WAIT: Duration = Duration::seconds(600);

/// Where commands find files (`-f`) and how long blocking commands may wait.
pub struct Context<'a> {
    /// The file system `-f` reads.
    pub files: &'a dyn Files,
    /// The longest a blocking command advances virtual time.
    pub max_wait: Duration,
    /// Set when the page re-runs a pending command: `get -w` prints only the changes after
    /// this store version, `logs -f` its whole log, and `delete` deletes nothing again.
    pub watch_since: Option<u64>,
}

impl Default for Context<'_> {
    fn default() -> Self {
        Context { files: &NoFiles, max_wait: DEFAULT_MAX_WAIT, watch_since: None }
    }
}

/// Splits a command line into words, honouring single and double quotes.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some(q) if q == c => break,
                        // In double quotes a backslash escapes only $ ` " \ and newline, as in sh.
                        Some('\\') if c == '"' => match chars.next() {
                            Some(e @ ('$' | '`' | '"' | '\\' | '\n')) => cur.push(e),
                            Some(other) => {
                                cur.push('\\');
                                cur.push(other);
                            }
                            None => return Err("unexpected EOF while looking for matching quote".into()),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err("unexpected EOF while looking for matching quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Whether a console line is compound (a list or a pipeline) with a waiting `kubectl delete`
/// inside: the page cannot follow one command of a line, so such a line waits as `kubeplay
/// run` does, advancing virtual time at once until the objects are gone.
pub fn waits_inside(line: &str) -> bool {
    let Ok(script) = crate::shell::parse::parse(line) else { return false };
    let commands: Vec<&crate::shell::parse::Command> = script.iter().flat_map(|(_, p)| &p.commands).collect();
    let literal = |c: &crate::shell::parse::Command| -> Vec<String> {
        c.words.iter().map(|w| w.iter().map(|p| if let crate::shell::parse::Part::Text { text, .. } = p { text.as_str() } else { "" }).collect()).collect()
    };
    let waiting_delete = |words: Vec<String>| {
        let Some((first, rest)) = words.split_first() else { return false };
        let args = verb_first(rest);
        let w: Vec<&str> = args.iter().map(String::as_str).collect();
        matches!(first.as_str(), "kubectl" | "k") && delete::waits(&w)
    };
    commands.len() > 1 && commands.iter().any(|c| waiting_delete(literal(c)))
}

/// How long a console line may advance virtual time when the page runs it: nothing, so
/// waiting commands are followed as time plays, except a compound line with a waiting
/// delete inside ([`waits_inside`]).
pub fn page_wait(line: &str) -> crate::clock::Duration {
    if waits_inside(line) { DEFAULT_MAX_WAIT } else { crate::clock::Duration(0) }
}

/// Whether a console line waits on virtual time when run (`rollout status` unless
/// `--watch=false`, `watch`, `get -w`, `logs -f`, `delete` unless `--wait=false`, `wait`
/// unless `--timeout=0`, `drain`, and `exec -it ... -- sh`), so an interactive console should follow
/// it instead of jumping ahead.
pub fn follows_time(line: &str) -> bool {
    let words = split_words(line).unwrap_or_default();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let rollout = matches!(w.as_slice(), ["kubectl" | "k", ..]) && w.windows(2).any(|p| p == ["rollout", "status"]) && !w.contains(&"--watch=false") && !w.contains(&"-w=false");
    !waits_inside(line) && (rollout || is_watch(line) || is_get_watch(line) || kubectl_waits(&words))
}

/// Whether a console line is a `kubectl logs -f`, a waiting `kubectl delete`, a `kubectl
/// wait --for=delete` or a `kubectl drain`, which the page follows by re-running it as a refresh
/// (`Context::watch_since` set).
pub fn refreshes(line: &str) -> bool {
    let words = split_words(line).unwrap_or_default();
    let Some((first, rest)) = words.split_first() else { return false };
    let args = verb_first(rest);
    let w: Vec<&str> = args.iter().map(String::as_str).collect();
    matches!(first.as_str(), "kubectl" | "k") && (delete::waits(&w) || logs::follows(&w) || wait::for_deletion(&w) || nodes::drain_waits(&w))
}

/// Whether kubectl words wait on virtual time in ways of their own: `delete` (unless
/// `--wait=false`), `logs -f`, `drain`, and `exec -it POD -- sh` (a session, until `exit`).
fn kubectl_waits(words: &[String]) -> bool {
    let Some((first, rest)) = words.split_first() else { return false };
    let args = verb_first(rest);
    let w: Vec<&str> = args.iter().map(String::as_str).collect();
    matches!(first.as_str(), "kubectl" | "k") && (delete::waits(&w) || logs::follows(&w) || exec::opens_session(&w) || wait::waits(&w) || nodes::drain_waits(&w))
}

/// Whether a console line is `kubectl get ... -w` or `kubectl events -w`, which print a row
/// per change.
pub fn is_get_watch(line: &str) -> bool {
    let words = split_words(line).unwrap_or_default();
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    matches!(w.as_slice(), ["kubectl" | "k", ..]) && (w.contains(&"get") || w.contains(&"events")) && (w.contains(&"-w") || w.contains(&"--watch"))
}

/// How long a followed line may wait before it gives up: `rollout status --timeout=T`
/// (none by default) or `wait` (`--timeout`, 30 s by default). `None`: no limit.
pub fn follow_timeout(line: &str) -> Option<crate::clock::Duration> {
    let words = split_words(line).unwrap_or_default();
    let (_, rest) = words.split_first().filter(|(first, _)| matches!(first.as_str(), "kubectl" | "k"))?;
    let args = verb_first(rest);
    let flags = Flags::parse(args.get(1..).unwrap_or_default()).ok()?;
    match args.first().map(String::as_str) {
        Some("wait") => wait::timeout(&flags).ok(),
        Some("rollout") if flags.positional.first().is_some_and(|s| s == "status") => crate::clock::Duration::parse(&flags.value("--timeout")?).ok(),
        _ => None,
    }
    .filter(|d| d.0 > 0)
}

/// Whether a console line is `watch ...`, whose output replaces itself on each refresh.
pub fn is_watch(line: &str) -> bool {
    line.trim_start().starts_with("watch ")
}

/// Runs one console line against the cluster, with no files to read.
pub fn run(cluster: &mut Cluster, line: &str) -> CommandOutput {
    run_in(cluster, line, &Context::default())
}

/// Runs one console line against the cluster in a context (files, wait limit).
pub fn run_in(cluster: &mut Cluster, line: &str, ctx: &Context<'_>) -> CommandOutput {
    match split_words(line) {
        Ok(words) => run_words(cluster, &words, ctx).unwrap_or_else(|| CommandOutput::err(format!("bash: {}: command not found\n", words[0]), 127)),
        Err(e) => CommandOutput::err(format!("bash: syntax error: {e}\n"), 2),
    }
}

/// Runs a command given as words if it is one of the cluster's (kubectl, curl, minikube's
/// `ip` and `service`, and the playground's own: fault, load, usage, legacy-api, advance);
/// `None` for any other name.
pub fn run_words(cluster: &mut Cluster, words: &[String], ctx: &Context<'_>) -> Option<CommandOutput> {
    let Some(first) = words.first() else { return Some(CommandOutput::default()) };
    Some(match first.as_str() {
        "kubectl" | "k" => kubectl(cluster, &words[1..], ctx),
        "fault" => nodes::fault(cluster, &words[1..]),
        "curl" => port_forward::curl(cluster, &words[1..], curl::curl),
        "port-forward" => port_forward::command(cluster, &words[1..]),
        "load" => top::load(cluster, &words[1..]),
        "minikube" => minikube::minikube(cluster, &words[1..]),
        "usage" => top::usage(cluster, &words[1..]),
        "legacy-api" => match words.get(1).map(String::as_str) {
            Some("refuse") => {
                cluster.set_refuse_removed_api_versions(true);
                CommandOutput::ok("manifests in removed API versions (apps/v1beta1, extensions/v1beta1 ...) are now refused, as a current cluster does\n".into())
            }
            Some("convert") => {
                cluster.set_refuse_removed_api_versions(false);
                CommandOutput::ok("manifests in removed API versions are now read as their current versions, with a warning\n".into())
            }
            _ => CommandOutput::err("usage: legacy-api refuse|convert\n".into(), 2),
        },
        "advance" => match words.get(1).map(|w| Duration::parse(w)) {
            Some(Ok(d)) => {
                cluster.advance(d);
                CommandOutput::default()
            }
            Some(Err(e)) => CommandOutput::err(format!("advance: {e}\n"), 1),
            None => CommandOutput::err("advance: missing duration (e.g. advance 30s)\n".into(), 1),
        },
        _ => return None,
    })
}

/// The label and field selectors of a `get`.
type Selectors<'a> = (Option<&'a crate::api::LabelSelector>, Option<&'a field_selector::FieldSelector>);

/// `get -w` after its table: one row per change since `since` to the objects the command
/// names, aligned under the table's header as kubectl's watch prints them.
fn watch_rows(cluster: &Cluster, kinds: &[Kind], names: &[String], f: &Flags, (selector, fields): Selectors<'_>, wide: bool, since: u64) -> CommandOutput {
    let namespace = f.namespace();
    let Some(events) = cluster.store().events_since(since) else { return CommandOutput { pending: true, ..Default::default() } };
    let mut out = CommandOutput { pending: true, ..Default::default() };
    for e in events {
        let o = &*e.object;
        let kind = o.kind();
        let namespaced_ok = !kind.namespaced() || f.all_namespaces() || o.namespace() == namespace;
        if !kinds.contains(&kind) || !namespaced_ok || !(names.is_empty() || names.iter().any(|n| n == o.name())) || !selector.is_none_or(|s| s.matches(&o.meta().labels)) || !fields.is_none_or(|s| s.matches(o)) {
            continue;
        }
        let mut header = printers::headers(kind, wide);
        let mut row = printers::row(o, e.time, wide);
        if f.all_namespaces() && kind.namespaced() {
            header.insert(0, "NAMESPACE");
            row.insert(0, o.namespace().to_string());
        }
        let aligned = tabwriter::align(&format!("{}\n{}\n", header.join("\t"), row.join("\t")), 6, 3);
        if let Some(line) = aligned.lines().nth(1) {
            out.say(line);
        }
    }
    out
}

/// JSON as kubectl's printer writes it: indented by four spaces.
pub(crate) fn json_text(value: &impl serde::Serialize) -> String {
    let mut text = Vec::new();
    let mut writer = serde_json::Serializer::with_formatter(&mut text, serde_json::ser::PrettyFormatter::with_indent(b"    "));
    match value.serialize(&mut writer) {
        Ok(()) => String::from_utf8(text).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Moves global flags written before the verb (`kubectl -n shop get pods`) after it.
fn verb_first(args: &[String]) -> Vec<String> {
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        let takes_value = matches!(args[i].as_str(), "-n" | "--namespace" | "-o" | "--output" | "-l" | "--selector" | "--context" | "--kubeconfig");
        i += if takes_value { 2 } else { 1 };
    }
    if i >= args.len() {
        return args.to_vec();
    }
    let mut out = vec![args[i].clone()];
    out.extend(args[..i].iter().cloned());
    out.extend(args[i + 1..].iter().cloned());
    out
}

/// The output formats `kubectl get` names when it has no printer for `-o`.
const GET_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// The output formats of the commands that print the objects they make or send
/// (`create`, `run`, `expose`, `apply`, `config view`).
pub(crate) const OBJECT_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// The `-o` of a command that prints the objects it makes: `Err` with kubectl's error
/// when no printer takes it (checked before anything is made).
pub(crate) fn object_output(f: &Flags) -> Result<String, CommandOutput> {
    let output = go_template::output_format(f).map_err(|o| no_printer(&o, OBJECT_FORMATS))?;
    match output.as_str() {
        "" | "yaml" | "json" | "name" => Ok(output),
        o if templated(o, false) => Ok(output),
        other => Err(no_printer(other, OBJECT_FORMATS)),
    }
}

/// Whether `-o` names a printer that takes a template: `go-template`, `template`,
/// their `-file` forms, `jsonpath`, `jsonpath-file`, and with `columns` `custom-columns`
/// (bare or with `=ARG`).
pub(crate) fn templated(output: &str, columns: bool) -> bool {
    let format = output.split_once('=').map_or(output, |(format, _)| format);
    go_template::handles(output) || matches!(format, "jsonpath" | "jsonpath-file" | "jsonpath-as-json") || (columns && format == "custom-columns")
}

/// Prints a typed object `value` (or a List of them) with the printer a non-empty `-o`
/// names: YAML, JSON in the Go structs' order, `RESOURCE/NAME` per object with `resource`
/// (`deployment.apps`, `event` ...), or a template printer.
pub(crate) fn print_typed(output: &str, value: &serde_json::Value, resource: &str, f: &Flags, files: &dyn Files, out: &mut CommandOutput) {
    match output {
        "yaml" => out.stdout.push_str(&yaml_out::to_yaml(value)),
        "json" => out.say(typed_json::typed_json(value)),
        "name" => {
            let objects = value.get("items").and_then(|i| i.as_array()).map_or_else(|| vec![value], |items| items.iter().collect());
            for o in objects {
                out.say(format!("{resource}/{}", o["metadata"]["name"].as_str().unwrap_or_default()));
            }
        }
        templated => print_templated(templated, f, files, value, out),
    }
}

/// Prints one object (or a List) with the template printer `output` names
/// (`go-template=`, `go-template-file=`, `template=`, `jsonpath=`, `jsonpath-file=`,
/// `custom-columns=`); files are read from `files`.
pub(crate) fn print_templated(output: &str, f: &Flags, files: &dyn Files, value: &serde_json::Value, out: &mut CommandOutput) {
    match output.split_once('=') {
        _ if go_template::handles(output) => go_template::print(output, f, files, value, out),
        Some(("jsonpath-file", path)) if !path.is_empty() => match go_template::read_template(files, path) {
            Ok(text) => jsonpath::print(&format!("jsonpath={text}"), f, value, out),
            Err(e) => *out = CommandOutput::err(e, 1),
        },
        _ => jsonpath::print(output, f, value, out),
    }
}

/// kubectl's error for an output format no printer takes, listing the `allowed` ones.
pub(crate) fn no_printer(format: &str, allowed: &str) -> CommandOutput {
    CommandOutput::err(format!("error: unable to match a printer suitable for the output format {format:?}, allowed formats are: {allowed}\n"), 1)
}

/// The flags each verb accepts besides `--namespace` and `--context` (and `--help`).
pub(crate) fn allowed_flags(verb: &str) -> &'static [&'static str] {
    match verb {
        "get" => &["--output", "--template", "--allow-missing-template-keys", "--selector", "--field-selector", "--all-namespaces", "--watch", "--show-labels", "--no-headers", "--filename", "--raw", "--sort-by", "--label-columns", "--show-kind", "--ignore-not-found"],
        "apply" => &["--filename", "--recursive", "--output", "--template", "--allow-missing-template-keys", "--validate", "--dry-run"],
        "diff" => &["--filename", "--recursive"],
        "wait" => &["--for", "--timeout", "--selector", "--all", "--filename", "--recursive"],
        "events" => &["--for", "--types", "--all-namespaces", "--no-headers", "--watch", "--output", "--template", "--allow-missing-template-keys"],
        "auth" => &["--all-namespaces"],
        "explain" => &["--recursive", "--api-version", "--output"],
        "create" => &["--filename", "--recursive", "--output", "--template", "--allow-missing-template-keys", "--validate", "--dry-run", "--save-config", "--image", "--replicas", "--port", "--from-literal", "--from-file", "--from-env-file", "--type", "--hard", "--tcp", "--node-port", "--clusterip", "--external-name", "--docker-server", "--docker-username", "--docker-password", "--docker-email", "--cert", "--key", "--append-hash"],
        "run" => &["--image", "--image-pull-policy", "--annotations", "--port", "--labels", "--selector", "--env", "--restart", "--command", "--dry-run", "--output", "--template", "--allow-missing-template-keys", "--record", "--expose", "--replicas"],
        "delete" => &["--filename", "--selector", "--field-selector", "--all", "--force", "--now", "--grace-period", "--recursive", "--all-namespaces", "--wait", "--dry-run", "--ignore-not-found", "--cascade"],
        "scale" => &["--replicas", "--filename", "--current-replicas"],
        "label" => &["--overwrite", "--selector", "--all"],
        "annotate" | "taint" => &["--overwrite"],
        "patch" => &["--patch", "--type"],
        "top" => &["--all-namespaces", "--selector", "--containers", "--sort-by", "--no-headers", "--show-capacity", "--sum"],
        "autoscale" => &["--min", "--max", "--cpu-percent", "--name"],
        "logs" => &["--container", "--previous", "--tail", "--follow", "--selector", "--all-containers"],
        "exec" => &["--container", "--stdin", "--tty"],
        "expose" => &["--port", "--target-port", "--type", "--name", "--protocol", "--selector", "--dry-run", "--output", "--template", "--allow-missing-template-keys"],
        "rollout" => &["--to-revision", "--revision", "--watch", "--timeout"],
        "describe" => &["--selector", "--all-namespaces", "--show-events"],
        "drain" => &["--force", "--ignore-daemonsets", "--grace-period", "--delete-emptydir-data", "--timeout"],
        "set" => &["--limits", "--requests", "--container", "--selector", "--all", "--containers", "--list", "--from", "--prefix", "--keys", "--overwrite"],
        "replace" => &["--filename", "--recursive", "--force", "--grace-period", "--output", "--validate"],
        "config" => &["--output", "--template", "--allow-missing-template-keys", "--minify", "--raw", "--flatten", "--current", "--no-headers"],
        "version" => &["--client", "--output"],
        "api-resources" => &["--output", "--namespaced", "--api-group", "--sort-by", "--no-headers"],
        _ => &[],
    }
}

fn kubectl(cluster: &mut Cluster, args: &[String], ctx: &Context<'_>) -> CommandOutput {
    let mut args = verb_first(args);
    // `logs -p` is --previous and `logs -f` --follow (elsewhere -p is --patch, -f --filename).
    if args.first().is_some_and(|v| v == "logs") {
        for a in args.iter_mut().skip(1) {
            match a.as_str() {
                "-p" => *a = "--previous".into(),
                "-f" => *a = "--follow".into(),
                _ => {}
            }
        }
    }
    let args = &args;
    let Some(verb) = args.first() else { return help::root() };
    match verb.as_str() {
        "help" => return help::help_topic(&args[1..]),
        "-h" | "--help" => return help::root(),
        "options" => return help::options(),
        // Whatever their flags, these say first that they are not simulated.
        v if unsimulated::is_unsimulated(v) => return unsimulated::not_simulated(v),
        // cobra finds the command before it reads any flag: a mistyped one is named as such,
        // whatever flags follow it (`kubectl gett pods -o wide`).
        v if !COMMANDS.contains(&v) => return CommandOutput::err(unknown_command(v), 1),
        _ => {}
    }
    if let Some(sub) = args[1..].iter().find(|a| !a.starts_with('-')).filter(|sub| verb == "create" && unsimulated::is_unsimulated_generator(sub)) {
        return unsimulated::generator_not_simulated(sub);
    }
    if let Some(out) = unsimulated::kustomize_not_simulated(verb, &args[1..]) {
        return out;
    }
    if let Some(out) = Some(verb.as_str()).filter(|v| *v == "run").and_then(|_| unsimulated::run_attached(&args[1..])) {
        return out;
    }
    if let Some(out) = unsimulated::flag_not_simulated(verb, &help::path(verb, &flags::positional_words(&args[1..])), &args[1..]) {
        return out;
    }
    let mut flags = match Flags::parse(&args[1..]) {
        Ok(f) => f,
        Err(e) => {
            let path = help::path(verb, &flags::positional_words(&args[1..]));
            return CommandOutput::err(format!("{e}\nSee 'kubectl {path} --help' for usage.\n"), 1);
        }
    };
    if flags.has("--help") && help::knows(verb) {
        return help::command(verb, &flags.positional);
    }
    flags.set_context_namespace(cluster.kubeconfig().namespace());
    if let Some(context) = flags.value("--context").filter(|c| c != config::CONTEXT && verb != "config") {
        return CommandOutput::err(format!("Error in configuration: context was not found for specified context: {context}\n"), 1);
    }
    // kubectl names the subcommand whose flags were wrong: `See 'kubectl create deployment --help'`.
    let path = help::path(verb, &flags.positional);
    let records = records_change_cause(verb, &flags);
    if flags.has("--record") && !records {
        return CommandOutput::err(format!("error: unknown flag: --record\nSee 'kubectl {path} --help' for usage.\n"), 1);
    }
    let allowed = allowed_flags(verb);
    if let Some(flag) = flags.first_unknown(allowed).filter(|f| *f != "--record").or_else(|| help::first_foreign(&path, &flags.given())) {
        return CommandOutput::err(format!("error: unknown flag: {flag}\nSee 'kubectl {path} --help' for usage.\n"), 1);
    }
    if let Err(e) = flags.check_integers(&path) {
        return CommandOutput::err(format!("{e}\nSee 'kubectl {path} --help' for usage.\n"), 1);
    }
    if let Some(out) = groups::without_subcommand(verb, &flags.positional) {
        return out;
    }
    if !flags.has("--record") {
        return dispatch(cluster, verb, &flags, args, ctx);
    }
    cluster.record_change_cause(Some(flags.recorded_command(verb)));
    let mut out = dispatch(cluster, verb, &flags, args, ctx);
    cluster.record_change_cause(None);
    // kubectl warns once its flags parsed; `run`'s removed flags fail before that.
    if !out.stderr.starts_with("error: unknown flag") {
        out.stderr.insert_str(0, "Flag --record has been deprecated, --record will be removed in the future\n");
    }
    out
}

/// Whether a command takes the deprecated `--record` (kubectl 1.28: apply, create -f, the
/// object-changing verbs and `set image|resources|selector|serviceaccount`; not the
/// generators of `create`, `set env`, `rollout`, `replace` or `delete`).
fn records_change_cause(verb: &str, flags: &Flags) -> bool {
    let sub = flags.positional.first().map(String::as_str);
    match verb {
        "apply" | "scale" | "expose" | "run" | "edit" | "patch" | "annotate" | "label" | "autoscale" => true,
        "create" => sub.is_none(),
        "set" => matches!(sub, Some("image" | "resources" | "selector" | "serviceaccount")),
        _ => false,
    }
}

/// Runs one verb whose flags were checked.
fn dispatch(cluster: &mut Cluster, verb: &str, flags: &Flags, args: &[String], ctx: &Context<'_>) -> CommandOutput {
    match verb {
        "get" => get(cluster, flags, ctx),
        "describe" => describe::describe(cluster, flags),
        "explain" => explain::explain(flags),
        "edit" => edit::edit(cluster, flags),
        "apply" => files::apply(cluster, flags, ctx, false),
        "diff" => diff::diff(cluster, flags, ctx),
        "wait" => wait::wait(cluster, flags, ctx),
        "events" => events::events(cluster, flags, ctx),
        "create" => create::create(cluster, flags, ctx),
        "run" => create::run(cluster, flags, &args[1..], ctx),
        "delete" => delete::delete(cluster, flags, ctx),
        "scale" => mutate::scale(cluster, flags),
        "set" if flags.positional.first().is_some_and(|s| s == "resources") => set_resources::set_resources(cluster, flags),
        "set" if flags.positional.first().is_some_and(|s| s == "env") => set_env::set_env(cluster, flags),
        "set" => mutate::set(cluster, flags),
        "replace" => files::replace(cluster, flags, ctx),
        "config" => config::config(cluster, flags, ctx),
        "port-forward" => port_forward::port_forward(cluster, flags),
        "label" => mutate::label(cluster, flags),
        "annotate" => patch::annotate(cluster, flags),
        "patch" => patch::patch(cluster, flags),
        "expose" => expose::expose(cluster, flags, ctx),
        "top" => top::top(cluster, flags),
        "autoscale" => autoscale::autoscale(cluster, flags),
        "logs" => logs::logs(cluster, flags, ctx),
        "exec" => exec::exec(cluster, flags),
        "taint" => patch::taint(cluster, flags),
        "rollout" => rollout::rollout(cluster, flags, ctx),
        "cordon" => nodes::cordon(cluster, flags, true),
        "uncordon" => nodes::cordon(cluster, flags, false),
        "drain" => nodes::drain(cluster, flags, ctx.max_wait, ctx.watch_since),
        "cluster-info" => cluster_info(cluster),
        "api-resources" => api_resources::api_resources(flags),
        "version" => version::version(flags),
        "api-versions" => unsimulated::api_versions(),
        "auth" => unsimulated::auth(flags),
        other => CommandOutput::err(unknown_command(other), 1),
    }
}

/// kubectl's commands in the order it adds them (its groups, then the rest; `alpha` is never
/// offered): cobra offers them in this order when a typed command is unknown.
const COMMANDS: &[&str] = &[
    "create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale", "autoscale", "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint",
    "describe", "logs", "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events", "diff", "apply", "patch", "replace", "wait", "kustomize", "label", "annotate",
    "completion", "api-versions", "api-resources", "config", "plugin", "version", "options",
];

/// cobra's message for an unknown command, with its suggestions: the commands within two
/// edits of what was typed (ignoring case) or starting with it.
fn unknown_command(typed: &str) -> String {
    let lower = typed.to_lowercase();
    let near: Vec<&str> = COMMANDS.iter().copied().filter(|c| crate::manifest::edit_distance(&lower, c) <= 2 || c.starts_with(&lower)).collect();
    let mut text = format!("error: unknown command {typed:?} for \"kubectl\"\n");
    if !near.is_empty() {
        text.push_str("\nDid you mean this?\n");
        for c in near {
            text.push_str(&format!("\t{c}\n"));
        }
    }
    text
}

/// `kubectl cluster-info` as it prints without a terminal (no colours).
fn cluster_info(cluster: &Cluster) -> CommandOutput {
    let ip = cluster.store().list(Kind::Node, None).filter_map(Object::as_node).find_map(|n| n.internal_ip().map(str::to_string)).unwrap_or_default();
    CommandOutput::ok(format!(
        "Kubernetes control plane is running at https://{ip}:6443\nCoreDNS is running at https://{ip}:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    ))
}

fn resource_kind(word: &str) -> Result<Kind, String> {
    Kind::from_resource(word).ok_or_else(|| format!("error: the server doesn't have a resource type {word:?}"))
}

/// kubectl's `all` category: the common workload kinds, in discovery order.
const ALL: [Kind; 9] = [Kind::Pod, Kind::Service, Kind::DaemonSet, Kind::Deployment, Kind::ReplicaSet, Kind::StatefulSet, Kind::HorizontalPodAutoscaler, Kind::CronJob, Kind::Job];

/// The kinds a TYPE argument names: one type, several joined by commas (`deploy,svc`), or
/// the `all` category.
fn resource_kinds(word: &str) -> Result<Vec<Kind>, String> {
    let mut kinds = Vec::new();
    for w in word.split(',') {
        if w == "all" {
            kinds.extend(ALL);
        } else {
            kinds.push(resource_kind(w)?);
        }
    }
    Ok(kinds)
}

/// Resolves `TYPE NAME...` or `TYPE/NAME...` arguments into (kind, names).
fn targets(positional: &[String]) -> Result<Vec<(Kind, String)>, String> {
    let mut out = Vec::new();
    if positional.first().is_some_and(|p| p.contains('/')) {
        for p in positional {
            let (kind, name) = p.split_once('/').ok_or_else(|| "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".to_string())?;
            out.push((resource_kind(kind)?, name.to_string()));
        }
        return Ok(out);
    }
    if let Some(kinds) = positional.first() {
        for kind in resource_kinds(kinds)? {
            out.extend(positional[1..].iter().map(|n| (kind, n.clone())));
        }
    }
    Ok(out)
}

/// The (kind, name) pairs `positional` names (`delete`, `wait`, `set env`): `TYPE NAME...`,
/// `TYPE/NAME...`, or `TYPE` with `-l`, `--field-selector` or `--all`; an error as kubectl
/// prints it.
fn named_or_selected(cluster: &Cluster, f: &Flags, positional: &[String]) -> Result<Vec<(Kind, String)>, CommandOutput> {
    let list = targets(positional).map_err(|e| CommandOutput::err(format!("{e}\n"), 1))?;
    if !list.is_empty() {
        return Ok(list);
    }
    let Some(kind) = positional.first() else {
        return Err(CommandOutput::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(), 1));
    };
    let kinds = resource_kinds(kind).map_err(|e| CommandOutput::err(format!("{e}\n"), 1))?;
    let selector = f.selector().map_err(|e| CommandOutput::err(format!("{e}\n"), 1))?;
    let fields = f.value("--field-selector").map(|t| field_selector::FieldSelector::parse(&t)).transpose().map_err(|e| CommandOutput::err(format!("{e}\n"), 1))?;
    if selector.is_none() && fields.is_none() && !f.has("--all") {
        return Err(CommandOutput::err("error: resource(s) were provided, but no name was specified\n".into(), 1));
    }
    if let Some(e) = fields.as_ref().and_then(|s| kinds.iter().find_map(|k| s.check(*k, &f.value("--selector").unwrap_or_default()).err())) {
        return Err(CommandOutput::err(format!("{e}\n"), 1));
    }
    let ns = f.namespace();
    Ok(kinds
        .iter()
        .flat_map(|&kind| {
            cluster
                .store()
                .list(kind, kind.namespaced().then_some(ns.as_str()))
                .filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels)))
                .filter(|o| fields.as_ref().is_none_or(|s| s.matches(o)))
                .map(move |o| (kind, o.name().to_string()))
        })
        .collect())
}

/// Reads one object, as a kubectl NotFound error when missing.
fn fetch(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> Result<Object, String> {
    cluster
        .store()
        .get(&ObjectKey::in_namespace(kind, namespace, name))
        .cloned()
        .ok_or_else(|| format!("Error from server (NotFound): {} {name:?} not found", kind.resource()))
}

/// Serializes an object as kubectl prints it in JSON and YAML: timestamps in whole
/// seconds, as the API server stores them.
fn object_value(o: &Object) -> serde_json::Value {
    fn whole_seconds(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) if s.len() > 20 && s.ends_with('Z') && s.as_bytes().get(19) == Some(&b'.') => {
                if let Some(t) = crate::clock::Time::parse_rfc3339(s) {
                    *s = crate::clock::Time(t.0 - t.0.rem_euclid(1000)).rfc3339();
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(whole_seconds),
            serde_json::Value::Object(map) => map.values_mut().for_each(whole_seconds),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(o).unwrap_or_default();
    whole_seconds(&mut v);
    v
}

fn get(cluster: &Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    if f.has("--raw") {
        return match f.value("--raw").or_else(|| f.positional.first().cloned()) {
            Some(path) => raw::get_raw(cluster, &path),
            None => CommandOutput::err("error: flag needs an argument: --raw\n".into(), 1),
        };
    }
    let Some(first) = f.positional.first() else {
        return CommandOutput::err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n".into(), 1);
    };
    let (kinds, names): (Vec<Kind>, Vec<String>) = if first.contains('/') {
        match targets(&f.positional) {
            Ok(t) => {
                let mut kinds: Vec<Kind> = t.iter().map(|(k, _)| *k).collect();
                kinds.dedup();
                (kinds, t.into_iter().map(|(_, n)| n).collect())
            }
            Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
        }
    } else {
        // `all` is kubectl's category of the common workload kinds, in discovery order.
        match resource_kinds(first) {
            Ok(k) => (k, f.positional[1..].to_vec()),
            Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
        }
    };
    let namespace = f.namespace();
    let selector = match f.selector() {
        Ok(s) => s,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let fields = match f.value("--field-selector").map(|t| field_selector::FieldSelector::parse(&t)).transpose() {
        Ok(s) => s,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let labels = f.value("--selector").unwrap_or_default();
    if let Some(e) = fields.as_ref().and_then(|s| kinds.iter().find_map(|k| s.check(*k, &labels).err())) {
        return CommandOutput::err(format!("{e}\n"), 1);
    }
    let output = match go_template::output_format(f) {
        Ok(o) => o,
        Err(o) => return no_printer(&o, GET_FORMATS),
    };
    let wide = output == "wide";
    if f.has("--watch") {
        if let Some(since) = ctx.watch_since {
            return watch_rows(cluster, &kinds, &names, f, (selector.as_ref(), fields.as_ref()), wide, since);
        }
    }
    // In the page a watch stays open (the page prints a row per change); a script gets the table.
    let mut out = CommandOutput { pending: f.has("--watch") && ctx.max_wait.as_millis() == 0, ..Default::default() };
    let mut tables = Vec::new();
    let mut all_objects = Vec::new();
    // -L: one column a label key, named by its last segment in capitals.
    let label_columns: Vec<String> = f.values("--label-columns").iter().flat_map(|v| v.split(',')).filter(|k| !k.is_empty()).map(String::from).collect();
    let label_headers: Vec<String> = label_columns.iter().map(|k| k.rsplit('/').next().unwrap_or(k).to_uppercase()).collect();
    for &kind in &kinds {
        let ns_filter = if !kind.namespaced() || f.all_namespaces() { None } else { Some(namespace.as_str()) };
        let mut objects: Vec<Object> = cluster
            .store()
            .list(kind, ns_filter)
            .filter(|o| names.is_empty() || names.iter().any(|n| n == o.name()))
            .filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels)))
            .filter(|o| fields.as_ref().is_none_or(|s| s.matches(o)))
            .cloned()
            .collect();
        if let Some(expression) = f.value("--sort-by") {
            let mut keyed: Vec<(Object, serde_json::Value)> = objects.into_iter().map(|o| { let v = object_value(&o); (o, v) }).collect();
            if let Err(e) = sort_by::sort(&mut keyed, &expression) {
                return CommandOutput::err(format!("{e}\n"), 1);
            }
            objects = keyed.into_iter().map(|(o, _)| o).collect();
        }
        for n in names.iter().filter(|_| !f.has("--ignore-not-found")) {
            if !objects.iter().any(|o| o.name() == n) {
                out.fail(format!("Error from server (NotFound): {} {n:?} not found", kind.resource()));
            }
        }
        match output.as_str() {
            "name" => objects.iter().for_each(|o| out.say(format!("{}/{}", kind.qualified(), o.name()))),
            "json" | "yaml" => all_objects.extend(objects),
            o if templated(o, true) => all_objects.extend(objects),
            "" | "wide" => {
                if objects.is_empty() {
                    continue;
                }
                let prefix = if kinds.len() > 1 || f.has("--show-kind") { format!("{}/", kind.qualified()) } else { String::new() };
                let mut header = printers::headers(kind, wide);
                let all_ns = f.all_namespaces() && kind.namespaced();
                if all_ns {
                    header.insert(0, "NAMESPACE");
                }
                header.extend(label_headers.iter().map(String::as_str));
                if f.has("--show-labels") {
                    header.push("LABELS");
                }
                let mut text = if f.has("--no-headers") { String::new() } else { header.join("\t") + "\n" };
                for o in &objects {
                    let mut row = printers::row(o, cluster.now(), wide);
                    row[0] = format!("{prefix}{}", row[0]);
                    if all_ns {
                        row.insert(0, o.namespace().to_string());
                    }
                    row.extend(label_columns.iter().map(|k| o.meta().labels.get(k).cloned().unwrap_or_default()));
                    if f.has("--show-labels") {
                        let labels: Vec<String> = o.meta().labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        row.push(if labels.is_empty() { "<none>".into() } else { labels.join(",") });
                    }
                    text.push_str(&row.join("\t"));
                    text.push('\n');
                }
                tables.push(tabwriter::align(&text, 6, 3));
            }
            other => return no_printer(other, GET_FORMATS),
        }
    }
    if output == "json" || output == "yaml" {
        // Only the NotFound errors when nothing named was found (no empty List).
        if all_objects.is_empty() && !names.is_empty() {
            return out;
        }
        // One object for one name asked of one kind (kubectl's singleItemImplied), else a List.
        let value = if all_objects.len() == 1 && names.len() == 1 && kinds.len() == 1 {
            object_value(&all_objects[0])
        } else {
            serde_json::json!({"apiVersion": "v1", "items": all_objects.iter().map(object_value).collect::<Vec<_>>(), "kind": "List", "metadata": {"resourceVersion": ""}})
        };
        if output == "json" {
            out.say(json_text(&value));
        } else {
            out.stdout.push_str(&yaml_out::to_yaml(&value));
        }
        return out;
    }
    if templated(&output, true) {
        // kubectl prints the one object named (or only its NotFound), else a List of all.
        let single = names.len() == 1 && kinds.len() == 1;
        let value = match all_objects.as_slice() {
            [o] if single => object_value(o),
            _ if single => return out,
            objects => serde_json::json!({"apiVersion": "v1", "items": objects.iter().map(object_value).collect::<Vec<_>>(), "kind": "List", "metadata": {"resourceVersion": ""}}),
        };
        print_templated(&output, f, ctx.files, &value, &mut out);
        return out;
    }
    out.stdout.push_str(&tables.join("\n"));
    if out.stdout.is_empty() && names.is_empty() && !f.has("--ignore-not-found") {
        let scoped = kinds.iter().all(|k| k.namespaced()) && !f.all_namespaces();
        out.stderr.push_str(&if scoped { format!("No resources found in {namespace} namespace.\n") } else { "No resources found\n".to_string() });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterSettings;

    fn cluster() -> Cluster {
        Cluster::new(ClusterSettings::default())
    }

    #[test]
    fn get_nodes_prints_kubectls_table() {
        let mut c = cluster();
        let out = run(&mut c, "kubectl get nodes");
        assert_eq!(out.exit_code, 0, "{out:?}");
        assert_eq!(
            out.stdout,
            "NAME            STATUS   ROLES           AGE   VERSION\n\
             control-plane   Ready    control-plane   5m    v1.28.0\n\
             node-1          Ready    <none>          5m    v1.28.0\n\
             node-2          Ready    <none>          5m    v1.28.0\n\
             node-3          Ready    <none>          5m    v1.28.0\n"
        );
    }

    #[test]
    fn get_pods_across_namespaces_and_the_empty_message() {
        let mut c = cluster();
        let out = run(&mut c, "kubectl get pods");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", "No resources found in default namespace.\n"));
        let out = run(&mut c, "kubectl get po -n kube-system");
        assert!(out.stdout.starts_with("NAME "), "{out:?}");
        assert!(out.stdout.contains("etcd-control-plane                      1/1     Running   0          5m\n"), "{}", out.stdout);
        let out = run(&mut c, "kubectl get pods -A -o wide");
        assert!(out.stdout.starts_with("NAMESPACE     NAME "), "{}", out.stdout);
        assert!(out.stdout.contains("10.244."));
    }

    #[test]
    fn errors_read_like_kubectl() {
        let mut c = cluster();
        assert_eq!(run(&mut c, "kubectl get foos").stderr, "error: the server doesn't have a resource type \"foos\"\n");
        assert_eq!(run(&mut c, "kubectl get pods web").stderr, "Error from server (NotFound): pods \"web\" not found\n");
        assert_eq!(run(&mut c, "kubectl delete pod web").stderr, "Error from server (NotFound): pods \"web\" not found\n");
        assert_eq!(run(&mut c, "kubectl frobnicate").stderr, "error: unknown command \"frobnicate\" for \"kubectl\"\n");
        // Source: kubectl 1.28 (cobra's suggestions, in the order kubectl adds its commands).
        assert_eq!(run(&mut c, "kubectl gett pods").stderr, "error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tset\n\tget\n");
        assert_eq!(run(&mut c, "kubectl po").stderr, "error: unknown command \"po\" for \"kubectl\"\n\nDid you mean this?\n\ttop\n\tport-forward\n\tcp\n");
        assert_eq!(run(&mut c, "kubectl desribe pods").stderr, "error: unknown command \"desribe\" for \"kubectl\"\n\nDid you mean this?\n\tdescribe\n");
        // Source: kubectl 1.33: the command is looked up before the flags are read.
        assert_eq!(run(&mut c, "kubectl gett pods -o wide").stderr, "error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tset\n\tget\n");
        assert_eq!(run(&mut c, "kubectl delte pod x --force").stderr, "error: unknown command \"delte\" for \"kubectl\"\n\nDid you mean this?\n\tdelete\n");
        assert_eq!(run(&mut c, "kubectl creat deployment web --image=nginx").stderr, "error: unknown command \"creat\" for \"kubectl\"\n\nDid you mean this?\n\tcreate\n");
        assert_eq!(run(&mut c, "kubectl get pods --replicas=3").stderr, "error: unknown flag: --replicas\nSee 'kubectl get --help' for usage.\n");
        assert_eq!(run(&mut c, "ls -l").exit_code, 127);
        assert_eq!(run(&mut c, "echo 'unterminated").exit_code, 2);
    }

    #[test]
    fn delete_and_advance() {
        let mut c = cluster();
        c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n", "p.yaml");
        let before = c.now();
        assert_eq!(run(&mut c, "advance 90s").exit_code, 0);
        assert_eq!(c.now() - before, Duration::seconds(90));
        assert!(run(&mut c, "kubectl get pods").stdout.contains("web    1/1     Running   0          90s"));
        assert_eq!(run(&mut c, "kubectl delete pod web --wait=false").stdout, "pod \"web\" deleted\n");
        assert!(run(&mut c, "kubectl get pods").stdout.contains("web    0/1     Terminating   0          90s"), "nginx takes a moment to stop");
        run(&mut c, "advance 1s");
        assert_eq!(run(&mut c, "kubectl get pod web -o name").stderr, "Error from server (NotFound): pods \"web\" not found\n");
    }

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(split_words(r#"a "b c" 'd e' f\ g"#).unwrap(), vec!["a", "b c", "d e", "f g"]);
        assert_eq!(split_words("  ").unwrap(), Vec::<String>::new());
        assert!(split_words("'x").is_err());
    }
}
