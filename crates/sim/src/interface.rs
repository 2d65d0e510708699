//! The one narrow interface between a cluster and everything that shows or
//! drives it (the page, the console, lesson checks). Calls return futures and
//! watches are subscriptions, so an implementation may live in this page
//! ([`LocalCluster`]) or across a network (a later HTTP/WebSocket client)
//! without the views changing.

use crate::api::{Kind, Object};
use crate::apiserver::ApiError;
use crate::clock::{Duration, Time};
use crate::cluster::{ApplyReport, Cluster};
use crate::kubectl;
use crate::replay::{Action, ActionLog};
use crate::shell::Shell;
use crate::series::Series;
use crate::store::WatchEvent;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

/// The answer to a call: a future, ready at once for the in-page simulator.
pub type Reply<'a, T> = Pin<Box<dyn Future<Output = Result<T, ApiError>> + 'a>>;

/// Objects of one kind and the store version they were read at (to watch from).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectList {
    /// The objects, ordered by namespace and name.
    pub items: Vec<Object>,
    /// Pass this to [`WatchRequest::since`] to receive every later change.
    pub resource_version: u64,
}

/// What to watch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WatchRequest {
    /// Only this kind (all kinds when `None`).
    pub kind: Option<Kind>,
    /// Only this namespace (all when `None`).
    pub namespace: Option<String>,
    /// Deliver changes after this resourceVersion.
    pub since: u64,
}

impl WatchRequest {
    fn matches(&self, e: &WatchEvent) -> bool {
        self.kind.is_none_or(|k| k == e.object.kind()) && self.namespace.as_deref().is_none_or(|ns| ns == e.object.namespace())
    }
}

/// One piece of a console command's output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsoleOutput {
    /// Text for standard output (ends with a newline when a line is complete).
    Stdout(String),
    /// Text for standard error.
    Stderr(String),
    /// Everything the command shows now, replacing what it printed before (`watch`).
    Screen(String),
    /// Something for the page to do (open the editor for `kubectl edit`).
    Effect(crate::kubectl::Effect),
    /// The command finished with this exit code; nothing follows.
    Exit(i32),
}

/// A saved cluster: an opaque, versioned text that [`ClusterInterface::restore`] accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot(pub String);

/// The cluster as the page sees it. Every view, the console and lesson checks use
/// only this.
pub trait ClusterInterface {
    /// Lists objects of a kind, optionally in one namespace.
    fn list(&self, kind: Kind, namespace: Option<&str>) -> Reply<'_, ObjectList>;
    /// The objects of a kind at once, for a view's first render, when the cluster runs in
    /// this page; `None` for one elsewhere, which answers only through [`Self::list`].
    fn list_now(&self, _kind: Kind) -> Option<ObjectList> {
        None
    }
    /// Subscribes to changes. The subscription ends (yields `None`) when the watch
    /// can no longer be served from `since`; the caller lists again.
    fn watch(&self, request: WatchRequest) -> Subscription<WatchEvent>;
    /// Applies a manifest (YAML or JSON, one or more objects) as `kubectl apply -f` would.
    fn apply(&self, manifest: &str, file: &str) -> Reply<'_, ApplyReport>;
    /// Deletes one object.
    fn delete(&self, kind: Kind, namespace: Option<&str>, name: &str) -> Reply<'_, Object>;
    /// Runs a console command line; its output may keep coming as time advances.
    /// Dropping the subscription stops the command (Ctrl-C).
    fn run(&self, line: &str) -> Subscription<ConsoleOutput>;
    /// Reads a recorded time series (e.g. `pods.running`).
    fn series(&self, name: &str) -> Reply<'_, Series>;
    /// Saves the whole cluster.
    fn snapshot(&self) -> Reply<'_, Snapshot>;
    /// Replaces the whole cluster with a saved one.
    fn restore(&self, snapshot: Snapshot) -> Reply<'_, ()>;
    /// The current virtual time.
    fn now(&self) -> Reply<'_, Time>;
    /// Writes a file into the console's file system (lessons, the editor); `read_only`
    /// protects it from the learner.
    fn put_file(&self, path: &str, text: &str, read_only: bool) -> Reply<'_, ()>;
    /// Reads a file of the console's file system (relative to its working directory).
    fn read_file(&self, path: &str) -> Reply<'_, String>;
    /// The console's prompt (`docker@control-plane:~$ `), which shows the working directory.
    fn prompt(&self) -> Reply<'_, String>;
    /// Tab completion: candidates for the last word of a console line.
    fn complete(&self, line: &str) -> Reply<'_, Vec<String>>;
    /// The action log of everything done to this cluster, as JSON, for a share link.
    fn share(&self) -> Reply<'_, String>;
    /// Replaces the cluster with the replay of a shared action log (JSON).
    fn replay(&self, log: &str) -> Reply<'_, ()>;
    /// Moves virtual time forward; returns the new time.
    fn advance(&self, by: Duration) -> Reply<'_, Time>;
    /// Jumps to the next moment something happens; returns the new time.
    fn step(&self) -> Reply<'_, Time>;
    /// Sets the number of worker nodes.
    fn set_workers(&self, workers: u32) -> Reply<'_, ()>;
    /// What the inspector shows about one object (describe, YAML, owners, scheduling).
    fn inspect(&self, kind: Kind, namespace: &str, name: &str) -> Reply<'_, crate::inspect::Inspection>;
    /// Takes the cluster back to an earlier moment (the log's start at the earliest) by
    /// replaying what was done until then; what came after is forgotten. Returns the time
    /// reached.
    fn rewind(&self, to: Time) -> Reply<'_, Time>;
}

struct Channel<T> {
    queue: VecDeque<T>,
    waker: Option<Waker>,
    closed: bool,
}

/// The receiving end of a watch or a command's output. Items arrive in order;
/// `None` means the stream ended.
pub struct Subscription<T> {
    channel: Rc<RefCell<Channel<T>>>,
}

/// The sending end kept by the cluster implementation.
pub struct Sender<T> {
    channel: Weak<RefCell<Channel<T>>>,
}

/// A new connected sender and subscription.
pub fn subscription<T>() -> (Sender<T>, Subscription<T>) {
    let channel = Rc::new(RefCell::new(Channel { queue: VecDeque::new(), waker: None, closed: false }));
    (Sender { channel: Rc::downgrade(&channel) }, Subscription { channel })
}

impl<T> Sender<T> {
    /// Delivers an item; false when the subscriber has gone away.
    pub fn send(&self, item: T) -> bool {
        let Some(ch) = self.channel.upgrade() else { return false };
        let waker = {
            let mut ch = ch.borrow_mut();
            ch.queue.push_back(item);
            ch.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
        true
    }

    /// Ends the stream.
    pub fn close(&self) {
        if let Some(ch) = self.channel.upgrade() {
            let waker = {
                let mut ch = ch.borrow_mut();
                ch.closed = true;
                ch.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        }
    }

    /// True while someone still holds the subscription.
    pub fn is_connected(&self) -> bool {
        self.channel.strong_count() > 0
    }
}

impl<T> Subscription<T> {
    /// The next item if one is waiting, without blocking.
    pub fn try_next(&mut self) -> Option<T> {
        self.channel.borrow_mut().queue.pop_front()
    }

    /// Everything waiting now.
    pub fn drain(&mut self) -> Vec<T> {
        self.channel.borrow_mut().queue.drain(..).collect()
    }

    /// True once the sender has closed the stream and every item was taken.
    pub fn is_finished(&self) -> bool {
        let ch = self.channel.borrow();
        ch.closed && ch.queue.is_empty()
    }

    /// Waits for the next item; `None` once the stream has ended.
    pub fn recv(&mut self) -> Next<'_, T> {
        Next { sub: self }
    }
}

/// Future returned by [`Subscription::recv`].
pub struct Next<'a, T> {
    sub: &'a mut Subscription<T>,
}

impl<T> Future for Next<'_, T> {
    type Output = Option<T>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut ch = self.sub.channel.borrow_mut();
        if let Some(item) = ch.queue.pop_front() {
            return Poll::Ready(Some(item));
        }
        if ch.closed {
            return Poll::Ready(None);
        }
        ch.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Polls a future once; the in-page cluster's replies are always ready, so this
/// is how synchronous callers (tests, the headless runner) use the interface.
pub fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

fn ready<'a, T: 'a>(value: Result<T, ApiError>) -> Reply<'a, T> {
    Box::pin(std::future::ready(value))
}

/// A command that keeps printing as virtual time advances.
struct Stream {
    /// The console line, run again on every change.
    line: String,
    /// Where its output goes.
    sender: Sender<ConsoleOutput>,
    /// What it printed last.
    last: String,
    /// How it follows time.
    mode: Mode,
    /// When it gives up (`rollout status --timeout`, `wait`'s timeout), in virtual time.
    deadline: Option<Time>,
}

/// How a stream follows time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Run again; print the new end of its output (`rollout status`) or its new screen (`watch`).
    Rerun,
    /// `get -w`: run again from this store version, printing the rows of the changes since.
    Rows(u64),
    /// `logs -f` and `delete`: run again as a refresh (`watch_since` set), which prints the
    /// whole log and deletes nothing; print the lines that are new.
    Refresh(u64),
    /// `kubectl exec -it`: open until the shell's session with this number ends.
    Session(u64),
}

struct Local {
    cluster: Cluster,
    watchers: Vec<(WatchRequest, Sender<WatchEvent>)>,
    published: u64,
    /// Commands that follow virtual time (`rollout status`, `watch`, `get -w`, `logs -f`,
    /// `delete`, an exec session).
    streams: Vec<Stream>,
    /// The console's shell session (files, working directory, variables).
    shell: Shell,
    /// Everything done to the cluster, for share links.
    log: ActionLog,
}

/// Sends what a finished command printed, what it asks of the page and its exit code, then
/// ends the stream.
fn finish(sender: &Sender<ConsoleOutput>, mut out: kubectl::CommandOutput) {
    let warnings = out.take_warnings();
    if !warnings.is_empty() {
        sender.send(ConsoleOutput::Stderr(warnings));
    }
    if !out.stdout.is_empty() {
        sender.send(ConsoleOutput::Stdout(out.stdout));
    }
    if !out.stderr.is_empty() {
        sender.send(ConsoleOutput::Stderr(out.stderr));
    }
    for effect in out.effects {
        sender.send(ConsoleOutput::Effect(effect));
    }
    sender.send(ConsoleOutput::Exit(out.exit_code));
    sender.close();
}

/// Runs a console input in the shell without letting it wait on virtual time.
fn run_now(cluster: &mut Cluster, shell: &mut Shell, line: &str) -> kubectl::CommandOutput {
    shell.run(cluster, line, kubectl::page_wait(line))
}


/// The simulator running in this process, behind [`ClusterInterface`].
pub struct LocalCluster {
    inner: RefCell<Local>,
}

impl LocalCluster {
    /// Wraps a cluster.
    pub fn new(cluster: Cluster) -> Self {
        let published = cluster.store().resource_version();
        let log = ActionLog::new(cluster.settings(), cluster.now());
        LocalCluster { inner: RefCell::new(Local { cluster, watchers: Vec::new(), published, streams: Vec::new(), shell: Shell::default(), log }) }
    }

    /// Notes an action in the share log at the current virtual time.
    fn record(&self, action: Action) {
        let mut inner = self.inner.borrow_mut();
        let now = inner.cluster.now();
        inner.log.record(now, action);
    }

    /// Replaces the cluster (after a restore or a replay); watchers list again.
    fn replace(&self, cluster: Cluster, shell: Option<Shell>, log: ActionLog) {
        let mut inner = self.inner.borrow_mut();
        inner.published = cluster.store().resource_version();
        inner.cluster = cluster;
        if let Some(shell) = shell {
            inner.shell = shell;
        }
        inner.log = log;
        // Watchers cannot follow a history swap: end their streams so they list again.
        for (_, s) in inner.watchers.drain(..) {
            s.close();
        }
    }

    /// Runs `f` on the cluster, then delivers the watch events it caused.
    fn mutate<R>(&self, f: impl FnOnce(&mut Cluster) -> R) -> R {
        self.mutate_with_shell(|c, _| f(c))
    }

    /// Runs `f` on the cluster and the console's shell, then delivers the watch events it caused.
    fn mutate_with_shell<R>(&self, f: impl FnOnce(&mut Cluster, &mut Shell) -> R) -> R {
        let (result, deliveries) = {
            let mut inner = self.inner.borrow_mut();
            let Local { cluster, shell, .. } = &mut *inner;
            let result = f(cluster, shell);
            let Local { cluster, watchers, published, .. } = &mut *inner;
            let events: Option<Vec<WatchEvent>> = cluster.store().events_since(*published).map(|e| e.cloned().collect());
            *published = cluster.store().resource_version();
            watchers.retain(|(_, s)| s.is_connected());
            // More changed than the watch log keeps: every watch ends, and its view lists again.
            let lost = events.is_none();
            let events = events.unwrap_or_default();
            let deliveries: Vec<(Sender<WatchEvent>, Vec<WatchEvent>)> = watchers
                .iter()
                .map(|(req, s)| (Sender { channel: s.channel.clone() }, events.iter().filter(|e| req.matches(e)).cloned().collect()))
                .collect();
            if lost {
                watchers.clear();
            }
            (result, deliveries.into_iter().map(|(s, e)| (s, e, lost)).collect::<Vec<_>>())
        };
        // Deliver outside the borrow: a woken view may call back into the cluster.
        for (sender, events, lost) in deliveries {
            if lost {
                sender.close();
                continue;
            }
            for e in events {
                sender.send(e);
            }
        }
        self.follow_streams();
        result
    }

    /// Re-runs the commands that follow time and sends what they print anew; a finished
    /// one sends its exit code and ends. A dropped subscription (Ctrl-C) ends it too.
    fn follow_streams(&self) {
        let mut sends: Vec<(Sender<ConsoleOutput>, Vec<ConsoleOutput>)> = Vec::new();
        {
            let mut inner = self.inner.borrow_mut();
            let Local { cluster, streams, shell, .. } = &mut *inner;
            streams.retain(|s| s.sender.is_connected());
            let mut finished = Vec::new();
            for (i, Stream { line, sender, last, mode, deadline }) in streams.iter_mut().enumerate() {
                let out = match *mode {
                    Mode::Session(id) => {
                        // The session ends by `exit` (already answered) or with its container.
                        let pieces = match (shell.end_session_if_gone(cluster), shell.session_exit(id)) {
                            (Some(notice), _) => vec![ConsoleOutput::Stderr(notice.stderr), ConsoleOutput::Exit(notice.exit_code)],
                            (None, Some(code)) => vec![ConsoleOutput::Exit(code)],
                            (None, None) => continue,
                        };
                        sends.push((Sender { channel: sender.channel.clone() }, pieces));
                        finished.push(i);
                        continue;
                    }
                    Mode::Rows(since) | Mode::Refresh(since) => shell.run_watching(cluster, line, since),
                    Mode::Rerun => shell.run_on_node(cluster, line, Duration(0)),
                };
                if let Mode::Rows(_) = mode {
                    // Only the rows of changes that are new since the last refresh.
                    let fresh = out.stdout.strip_prefix(last.as_str()).unwrap_or(&out.stdout).to_string();
                    if !fresh.is_empty() {
                        sends.push((Sender { channel: sender.channel.clone() }, vec![ConsoleOutput::Stdout(fresh)]));
                    }
                    *last = out.stdout;
                    continue;
                }
                let mut pieces = Vec::new();
                if kubectl::is_watch(line) {
                    if out.stdout != *last {
                        pieces.push(ConsoleOutput::Screen(out.stdout.clone()));
                        *last = out.stdout;
                    }
                    sends.push((Sender { channel: sender.channel.clone() }, pieces));
                    continue;
                }
                let new_text = out.stdout.strip_prefix(last.as_str()).filter(|_| !last.is_empty()).map(str::to_string);
                let fresh = match new_text {
                    _ if matches!(mode, Mode::Refresh(_)) => kubectl::new_log_text(last, &out.stdout),
                    Some(rest) => rest,
                    None if out.stdout.lines().last() == last.lines().last() => String::new(),
                    None => out.stdout.lines().last().map(|l| format!("{l}\n")).unwrap_or_default(),
                };
                if !fresh.is_empty() {
                    pieces.push(ConsoleOutput::Stdout(fresh));
                }
                *last = out.stdout.clone();
                if out.pending && deadline.is_some_and(|d| cluster.now() >= d) {
                    let message = out.gives_up_with.clone().unwrap_or_else(|| "error: timed out waiting for the condition".into());
                    pieces.push(ConsoleOutput::Stderr(format!("{message}\n")));
                    pieces.push(ConsoleOutput::Exit(1));
                    finished.push(i);
                } else if !out.pending {
                    if !out.stderr.is_empty() {
                        pieces.push(ConsoleOutput::Stderr(out.stderr));
                    }
                    pieces.push(ConsoleOutput::Exit(out.exit_code));
                    finished.push(i);
                }
                sends.push((Sender { channel: sender.channel.clone() }, pieces));
            }
            for i in finished.into_iter().rev() {
                streams.remove(i);
            }
        }
        for (sender, pieces) in sends {
            let done = pieces.iter().any(|p| matches!(p, ConsoleOutput::Exit(_)));
            for p in pieces {
                sender.send(p);
            }
            if done {
                sender.close();
            }
        }
    }

    /// The objects of a kind, optionally in one namespace, with the store's resource version.
    fn list_in(&self, kind: Kind, namespace: Option<&str>) -> ObjectList {
        let inner = self.inner.borrow();
        let store = inner.cluster.store();
        ObjectList { items: store.list(kind, namespace).cloned().collect(), resource_version: store.resource_version() }
    }

    /// Read access to the cluster for code inside this crate's process (the runner).
    pub fn with_cluster<R>(&self, f: impl FnOnce(&Cluster) -> R) -> R {
        f(&self.inner.borrow().cluster)
    }
}

impl ClusterInterface for LocalCluster {
    fn list(&self, kind: Kind, namespace: Option<&str>) -> Reply<'_, ObjectList> {
        ready(Ok(self.list_in(kind, namespace)))
    }

    fn list_now(&self, kind: Kind) -> Option<ObjectList> {
        Some(self.list_in(kind, None))
    }

    fn watch(&self, request: WatchRequest) -> Subscription<WatchEvent> {
        let (sender, sub) = subscription();
        let mut inner = self.inner.borrow_mut();
        let backlog: Option<Vec<WatchEvent>> =
            inner.cluster.store().events_since(request.since).map(|events| events.filter(|e| request.matches(e)).cloned().collect());
        match backlog {
            Some(backlog) => {
                for e in backlog {
                    sender.send(e);
                }
                inner.watchers.push((request, sender));
            }
            None => sender.close(),
        }
        sub
    }

    fn apply(&self, manifest: &str, file: &str) -> Reply<'_, ApplyReport> {
        self.record(Action::Apply { manifest: manifest.into(), file: file.into() });
        ready(Ok(self.mutate(|c| c.apply_manifest(manifest, file))))
    }

    fn delete(&self, kind: Kind, namespace: Option<&str>, name: &str) -> Reply<'_, Object> {
        self.record(Action::Delete { kind: kind.name().into(), namespace: namespace.map(Into::into), name: name.into() });
        ready(self.mutate(|c| c.delete(kind, namespace, name)))
    }

    fn run(&self, line: &str) -> Subscription<ConsoleOutput> {
        self.record(Action::Run { line: line.into() });
        let (sender, sub) = subscription();
        let (since, session_before) = {
            let inner = self.inner.borrow();
            (inner.cluster.store().resource_version(), inner.shell.session_id())
        };
        let mut out = self.mutate_with_shell(|c, sh| run_now(c, sh, line));
        if out.pending && kubectl::follows_time(line) {
            let warnings = out.take_warnings();
            if !warnings.is_empty() {
                sender.send(ConsoleOutput::Stderr(warnings));
            }
            if !out.stdout.is_empty() {
                sender.send(ConsoleOutput::Stdout(out.stdout.clone()));
            }
            if !out.stderr.is_empty() {
                sender.send(ConsoleOutput::Stderr(out.stderr.clone()));
            }
            let mut inner = self.inner.borrow_mut();
            let Local { cluster, shell, streams, .. } = &mut *inner;
            let opened = shell.session_id().filter(|id| Some(*id) != session_before);
            let (mode, last) = if let Some(id) = opened {
                (Mode::Session(id), String::new())
            } else if kubectl::is_get_watch(line) {
                (Mode::Rows(since), String::new())
            } else if kubectl::refreshes(line) {
                // The whole log (untrimmed by --tail), to tell what is new from.
                (Mode::Refresh(since), shell.run_watching(cluster, line, since).stdout)
            } else {
                (Mode::Rerun, out.stdout)
            };
            let deadline = kubectl::follow_timeout(line).map(|t| cluster.now() + t);
            streams.push(Stream { line: line.to_string(), sender, last, mode, deadline });
            return sub;
        }
        finish(&sender, out);
        sub
    }

    fn series(&self, name: &str) -> Reply<'_, Series> {
        ready(Ok(self.inner.borrow().cluster.series(name)))
    }

    fn snapshot(&self) -> Reply<'_, Snapshot> {
        ready(Ok(Snapshot(self.inner.borrow().cluster.snapshot())))
    }

    fn restore(&self, snapshot: Snapshot) -> Reply<'_, ()> {
        let result = Cluster::restore(&snapshot.0).map_err(ApiError::bad_request);
        ready(result.map(|restored| {
            // A share link replays from a fresh cluster: after a restore it starts here.
            let log = ActionLog::new(restored.settings(), restored.now());
            self.replace(restored, None, log);
        }))
    }

    fn put_file(&self, path: &str, text: &str, read_only: bool) -> Reply<'_, ()> {
        self.record(Action::File { path: path.into(), text: text.into(), read_only });
        self.inner.borrow_mut().shell.fs.add_file(path, text, read_only);
        ready(Ok(()))
    }

    fn share(&self) -> Reply<'_, String> {
        let inner = self.inner.borrow();
        let mut log = inner.log.clone();
        log.now = inner.cluster.now().0;
        ready(Ok(log.to_json()))
    }

    fn replay(&self, log: &str) -> Reply<'_, ()> {
        let result = ActionLog::from_json(log).and_then(|l| l.replay()).map_err(ApiError::bad_request);
        ready(result.map(|(cluster, shell, log)| self.replace(cluster, Some(shell), log)))
    }

    fn read_file(&self, path: &str) -> Reply<'_, String> {
        let inner = self.inner.borrow();
        let full = crate::shell::fs::resolve(inner.shell.cwd(), path);
        ready(inner.shell.fs.read(&full).map_err(|e| ApiError::bad_request(format!("{path}: {e}"))))
    }

    fn prompt(&self) -> Reply<'_, String> {
        ready(Ok(self.inner.borrow().shell.prompt()))
    }

    fn complete(&self, line: &str) -> Reply<'_, Vec<String>> {
        let inner = self.inner.borrow();
        ready(Ok(crate::shell::complete::complete(&inner.shell, &inner.cluster, line)))
    }

    fn now(&self) -> Reply<'_, Time> {
        ready(Ok(self.inner.borrow().cluster.now()))
    }

    fn advance(&self, by: Duration) -> Reply<'_, Time> {
        ready(Ok(self.mutate(|c| {
            c.advance(by);
            c.now()
        })))
    }

    fn step(&self) -> Reply<'_, Time> {
        ready(Ok(self.mutate(|c| c.step(Duration::seconds(1)))))
    }

    fn set_workers(&self, workers: u32) -> Reply<'_, ()> {
        self.record(Action::Workers { workers });
        self.mutate(|c| c.set_workers(workers));
        ready(Ok(()))
    }

    fn rewind(&self, to: Time) -> Reply<'_, Time> {
        let log = {
            let inner = self.inner.borrow();
            let mut log = inner.log.clone();
            log.now = inner.cluster.now().0;
            log.until(to)
        };
        let result = log.replay().map_err(ApiError::bad_request);
        ready(result.map(|(cluster, shell, log)| {
            let now = cluster.now();
            self.replace(cluster, Some(shell), log);
            now
        }))
    }

    fn inspect(&self, kind: Kind, namespace: &str, name: &str) -> Reply<'_, crate::inspect::Inspection> {
        ready(self.with_cluster(|c| crate::inspect::inspect(c, kind, namespace, name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::ClusterSettings;
    use crate::store::EventType;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.25\n";

    fn local() -> LocalCluster {
        LocalCluster::new(Cluster::new(ClusterSettings::default()))
    }

    #[test]
    fn list_then_watch_sees_a_pod_through_its_life() {
        let c = local();
        let list = now_or_never(c.list(Kind::Pod, Some("default"))).unwrap().unwrap();
        assert!(list.items.is_empty());
        let mut watch = c.watch(WatchRequest { kind: Some(Kind::Pod), namespace: Some("default".into()), since: list.resource_version });
        let report = now_or_never(c.apply(POD, "pod.yaml")).unwrap().unwrap();
        assert_eq!(report.applied.len(), 1);
        now_or_never(c.advance(Duration::seconds(10))).unwrap().unwrap();
        let events = watch.drain();
        assert_eq!(events[0].type_, EventType::Added);
        let phases: Vec<String> = events.iter().filter_map(|e| e.object.as_pod()).map(|p| p.phase().to_string()).collect();
        assert_eq!(phases.first().map(String::as_str), Some("Pending"));
        assert_eq!(phases.last().map(String::as_str), Some("Running"));
        assert!(events.iter().all(|e| e.object.namespace() == "default"));
    }

    #[test]
    fn next_waits_until_an_event_arrives() {
        let c = local();
        let mut watch = c.watch(WatchRequest { kind: Some(Kind::Node), since: now_or_never(c.list(Kind::Node, None)).unwrap().unwrap().resource_version, ..Default::default() });
        assert_eq!(now_or_never(watch.recv()), None, "nothing yet: the future is pending");
        now_or_never(c.set_workers(4)).unwrap().unwrap();
        let e = now_or_never(watch.recv()).flatten().expect("a node was added");
        assert_eq!((e.type_, e.object.name()), (EventType::Added, "node-4"));
    }

    #[test]
    fn a_watch_that_falls_behind_the_log_ends_so_its_view_lists_again() {
        let c = local();
        now_or_never(c.set_workers(10)).unwrap().unwrap();
        let since = now_or_never(c.list(Kind::Pod, None)).unwrap().unwrap().resource_version;
        let mut watch = c.watch(WatchRequest { kind: Some(Kind::Pod), since, ..Default::default() });
        // Thousands of pods created, bound and started in one step: more changes than the log keeps.
        c.run("kubectl create deployment load --image=nginx --replicas=5000").drain();
        now_or_never(c.advance(Duration::seconds(60))).unwrap().unwrap();
        let mut seen = 0;
        loop {
            match now_or_never(watch.recv()) {
                Some(Some(_)) => seen += 1,
                Some(None) => break,
                None => panic!("the watch neither delivered everything nor ended ({seen} events)"),
            }
        }
        let pods = now_or_never(c.list(Kind::Pod, None)).unwrap().unwrap().items.len();
        assert!(pods > 5000, "a new list has every pod: {pods}");
    }

    /// Everything a subscription holds right now, without waiting.
    /// What a watch prints while virtual time moves on a second at a time for `seconds`:
    /// rows on standard output only.
    fn rows_over(c: &LocalCluster, sub: &mut Subscription<ConsoleOutput>, seconds: usize) -> String {
        let mut rows = String::new();
        for _ in 0..seconds {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            for piece in drain(sub) {
                match piece {
                    ConsoleOutput::Stdout(t) => rows.push_str(&t),
                    other => panic!("a watch only adds rows: {other:?}"),
                }
            }
        }
        rows
    }

    fn drain(sub: &mut Subscription<ConsoleOutput>) -> Vec<ConsoleOutput> {
        let mut out = Vec::new();
        while let Some(Some(piece)) = now_or_never(sub.recv()) {
            out.push(piece);
        }
        out
    }

    #[test]
    fn rollout_status_follows_virtual_time_instead_of_jumping_ahead() {
        let c = local();
        let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx:1.25}]}\n";
        now_or_never(c.apply(deploy, "d.yaml")).unwrap().unwrap();
        let start = now_or_never(c.now()).unwrap().unwrap();
        let mut sub = c.run("kubectl rollout status deployment/web");
        assert_eq!(drain(&mut sub), vec![ConsoleOutput::Stdout("Waiting for deployment \"web\" rollout to finish: 0 of 2 updated replicas are available...\n".into())]);
        assert_eq!(now_or_never(c.now()).unwrap().unwrap(), start, "the clock did not move");
        let mut later = Vec::new();
        for _ in 0..30 {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            later.extend(drain(&mut sub));
        }
        assert_eq!(later.last(), Some(&ConsoleOutput::Exit(0)), "{later:?}");
        assert!(later.contains(&ConsoleOutput::Stdout("deployment \"web\" successfully rolled out\n".into())), "{later:?}");
        assert_eq!(c.inner.borrow().streams.len(), 0, "a finished stream is forgotten");
        // Ctrl-C: dropping the subscription ends a stream that has not finished.
        now_or_never(c.apply(&deploy.replace("nginx:1.25", "nginx:1.26"), "d.yaml")).unwrap().unwrap();
        let sub = c.run("kubectl rollout status deployment/web");
        assert_eq!(c.inner.borrow().streams.len(), 1);
        drop(sub);
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        assert_eq!(c.inner.borrow().streams.len(), 0);
    }

    #[test]
    fn drain_follows_virtual_time_until_its_pods_are_gone() {
        let c = local();
        let _ = drain(&mut c.run("kubectl create deployment web --image=nginx --replicas=3"));
        now_or_never(c.advance(Duration::seconds(20))).unwrap().unwrap();
        let mut sub = c.run("kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data");
        let mut seen = drain(&mut sub);
        let text = |seen: &[ConsoleOutput]| seen.iter().map(|p| match p { ConsoleOutput::Stdout(t) | ConsoleOutput::Stderr(t) => t.clone(), _ => String::new() }).collect::<String>();
        assert!(text(&seen).contains("node/node-1 cordoned\nevicting pod default/web-"), "{seen:?}");
        assert!(!text(&seen).contains("timed out"), "it waits for the pods instead of giving up at once: {seen:?}");
        assert!(!seen.iter().any(|p| matches!(p, ConsoleOutput::Exit(_))), "{seen:?}");
        for _ in 0..40 {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            seen.extend(drain(&mut sub));
        }
        assert_eq!(seen.last(), Some(&ConsoleOutput::Exit(0)), "{seen:?}");
        let all = text(&seen);
        assert!(all.contains("pod/coredns-") && all.contains(" evicted\n"), "{all}");
        assert!(all.ends_with("node/node-1 drained\n"), "{all}");
        assert!(!all.contains("timed out"), "{all}");
    }

    #[test]
    fn rollout_status_gives_up_at_its_timeout_as_kubectl_does() {
        let c = local();
        // An image that never pulls: the rollout cannot finish.
        let _ = drain(&mut c.run("kubectl create deployment web --image=nginx:doesnotexist"));
        let mut sub = c.run("kubectl rollout status deploy/web --timeout=5s");
        let mut seen = drain(&mut sub);
        assert!(!seen.contains(&ConsoleOutput::Exit(1)), "it waits first: {seen:?}");
        for _ in 0..4 {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            seen.extend(drain(&mut sub));
        }
        assert!(!seen.iter().any(|p| matches!(p, ConsoleOutput::Exit(_))), "still waiting after 4 s: {seen:?}");
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        seen.extend(drain(&mut sub));
        assert_eq!(seen[seen.len() - 2..], [ConsoleOutput::Stderr("error: timed out waiting for the condition\n".into()), ConsoleOutput::Exit(1)], "{seen:?}");
        assert_eq!(c.inner.borrow().streams.len(), 0);
        assert_eq!(kubectl::follow_timeout("kubectl rollout status deploy/web --timeout 2m"), Some(Duration::seconds(120)));
        assert_eq!(kubectl::follow_timeout("kubectl rollout status deploy/web --timeout=0"), None, "0 waits for ever");
        assert_eq!(kubectl::follow_timeout("kubectl get pods --timeout=5s"), None);
        assert_eq!(kubectl::follow_timeout("kubectl -n default wait --for=delete pod/x"), Some(Duration::seconds(30)), "a wait's default, flags before the verb too");
        assert_eq!(kubectl::follow_timeout("kubectl wait --for=delete pod/x --timeout=1e400"), None, "refused, not overflowing");
    }

    #[test]
    fn the_console_follows_kubectl_wait_in_virtual_time() {
        let c = local();
        let _ = drain(&mut c.run("kubectl create deployment web --image=nginx --replicas=2"));
        let start = now_or_never(c.now()).unwrap().unwrap();
        let mut sub = c.run("kubectl wait --for=condition=available deploy/web");
        assert_eq!(drain(&mut sub), vec![], "nothing met yet");
        assert_eq!(now_or_never(c.now()).unwrap().unwrap(), start, "the clock did not jump");
        let mut seen = Vec::new();
        for _ in 0..30 {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            seen.extend(drain(&mut sub));
        }
        assert_eq!(seen, vec![ConsoleOutput::Stdout("deployment.apps/web condition met\n".into()), ConsoleOutput::Exit(0)]);
        // A named object that never existed is not waited for on the page either.
        let mut sub = c.run("kubectl wait --for=delete pod/never-there");
        assert_eq!(drain(&mut sub), vec![ConsoleOutput::Exit(0)]);
        // Waiting for deletion: the pods that existed count, though they are gone when it looks again.
        let mut sub = c.run("kubectl wait --for=delete pod -l app=web");
        assert_eq!(drain(&mut sub), vec![]);
        let _ = drain(&mut c.run("kubectl delete deploy web --wait=false"));
        let mut seen = Vec::new();
        for _ in 0..40 {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            seen.extend(drain(&mut sub));
        }
        let text: String = seen.iter().filter_map(|p| if let ConsoleOutput::Stdout(t) = p { Some(t.as_str()) } else { None }).collect();
        assert_eq!(text.matches("condition met\n").count(), 2, "{seen:?}");
        assert_eq!(seen.last(), Some(&ConsoleOutput::Exit(0)));
        // Its timeout, 30 s by default, ends it with kubectl's error naming the object.
        let _ = drain(&mut c.run("kubectl create deployment bad --image=nginx:doesnotexist"));
        let mut sub = c.run("kubectl wait --for=condition=available deploy/bad");
        let mut seen = Vec::new();
        for _ in 0..31 {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            seen.extend(drain(&mut sub));
        }
        assert_eq!(seen, vec![ConsoleOutput::Stderr("error: timed out waiting for the condition on deployments/bad\n".into()), ConsoleOutput::Exit(1)]);
    }

    #[test]
    fn kubectl_events_w_prints_a_row_per_new_event() {
        let c = local();
        let mut sub = c.run("kubectl events -w");
        assert_eq!(drain(&mut sub), vec![ConsoleOutput::Stderr("No events found in default namespace.\n".into())], "none yet; it keeps watching");
        let _ = drain(&mut c.run("kubectl create deployment web --image=nginx"));
        let rows = rows_over(&c, &mut sub, 10);
        assert!(rows.contains("ScalingReplicaSet   Deployment/web"), "{rows}");
        assert!(rows.contains("Started") && rows.contains("Pod/web-"), "{rows}");
        assert!(!rows.contains("LAST SEEN"), "rows only, under the header printed first: {rows}");
        drop(sub);
    }

    #[test]
    fn watch_refreshes_its_screen_in_place_until_stopped() {
        let c = local();
        let mut sub = c.run("watch -n 1 kubectl get deployments");
        let first = drain(&mut sub);
        assert_eq!(first, vec![ConsoleOutput::Stdout("Every 1.0s: kubectl get deployments\n\nNo resources found in default namespace.\n".into())]);
        let _ = c.run("kubectl create deployment web --image=nginx");
        let mut screens: Vec<String> = Vec::new();
        for _ in 0..20 {
            now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
            screens.extend(drain(&mut sub).into_iter().map(|p| match p {
                ConsoleOutput::Screen(s) => s,
                other => panic!("a watch only refreshes its screen: {other:?}"),
            }));
        }
        assert!(screens.iter().any(|s| s.contains("web    0/1")), "{screens:?}");
        assert!(screens.last().unwrap().starts_with("Every 1.0s: kubectl get deployments\n\nNAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    1/1     1            1"), "{screens:?}");
        assert_eq!(c.inner.borrow().streams.len(), 1, "a watch runs until Ctrl-C");
        drop(sub);
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        assert_eq!(c.inner.borrow().streams.len(), 0);
    }

    #[test]
    fn get_watch_prints_a_row_per_change_until_stopped() {
        let c = local();
        let _ = c.run("kubectl create deployment web --image=nginx");
        let mut sub = c.run("kubectl get deployments -w");
        let first = drain(&mut sub);
        assert!(matches!(&first[..], [ConsoleOutput::Stdout(t)] if t.starts_with("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/1")), "{first:?}");
        let rows = rows_over(&c, &mut sub, 15);
        assert!(rows.lines().all(|l| l.starts_with("web    ")), "rows only, no header again: {rows}");
        assert!(rows.lines().last().unwrap().starts_with("web    1/1     1            1"), "{rows}");
        let count = rows.lines().count();
        now_or_never(c.advance(Duration::seconds(5))).unwrap().unwrap();
        assert!(drain(&mut sub).is_empty(), "nothing changed, nothing printed");
        let _ = c.run("kubectl scale deployment web --replicas=2");
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        assert!(!drain(&mut sub).is_empty(), "the scale shows up after {count} rows");
        drop(sub);
        now_or_never(c.advance(Duration::seconds(1))).unwrap().unwrap();
        assert_eq!(c.inner.borrow().streams.len(), 0);
    }

    #[test]
    fn a_shared_log_replays_into_the_same_cluster_elsewhere() {
        let c = local();
        now_or_never(c.apply(POD, "pod.yaml")).unwrap().unwrap();
        c.run("kubectl create deployment web --image=nginx --replicas=2").drain();
        now_or_never(c.advance(Duration::seconds(12))).unwrap().unwrap();
        now_or_never(c.set_workers(4)).unwrap().unwrap();
        now_or_never(c.advance(Duration::seconds(30))).unwrap().unwrap();
        let link = now_or_never(c.share()).unwrap().unwrap();
        let pods = |c: &LocalCluster| now_or_never(c.list(Kind::Pod, None)).unwrap().unwrap().items.iter().map(|o| o.name().to_string()).collect::<Vec<_>>();
        let other = local();
        let mut watch = other.watch(WatchRequest::default());
        now_or_never(other.replay(&link)).unwrap().unwrap();
        assert_eq!(pods(&other), pods(&c));
        assert_eq!(now_or_never(other.now()).unwrap().unwrap(), now_or_never(c.now()).unwrap().unwrap());
        watch.drain();
        assert!(watch.is_finished(), "views list again after a replay");
        assert!(now_or_never(other.replay("{\"v\":2}")).unwrap().unwrap_err().message.contains("another version of kubeplay"));
    }

    #[test]
    fn dropped_watchers_are_forgotten_and_restore_ends_watches() {
        let c = local();
        let snap = now_or_never(c.snapshot()).unwrap().unwrap();
        drop(c.watch(WatchRequest::default()));
        let mut kept = c.watch(WatchRequest { since: u64::MAX, ..Default::default() });
        now_or_never(c.apply(POD, "pod.yaml")).unwrap().unwrap();
        assert_eq!(c.inner.borrow().watchers.len(), 1);
        now_or_never(c.restore(snap)).unwrap().unwrap();
        kept.drain();
        assert!(kept.is_finished());
        assert!(now_or_never(c.list(Kind::Pod, Some("default"))).unwrap().unwrap().items.is_empty(), "restored to before the apply");
        assert!(now_or_never(c.restore(Snapshot("garbage".into()))).unwrap().is_err());
    }

    #[test]
    fn commands_stream_their_output_and_exit_code() {
        let c = local();
        let mut out = c.run("kubectl get nodes");
        let items = out.drain();
        assert!(matches!(&items[0], ConsoleOutput::Stdout(s) if s.starts_with("NAME ")));
        assert_eq!(items.last(), Some(&ConsoleOutput::Exit(0)));
        assert!(out.is_finished());
    }
}
