//! The action log behind share links: every change a learner makes (an apply, a console
//! command, a deletion, a node count, a file) with its virtual time, plus the seed. The
//! simulator is deterministic, so replaying the log on a fresh cluster gives the same
//! cluster: the same pods with the same names, at the same virtual time.

use crate::api::Kind;
use crate::clock::Time;
use crate::shell::Shell;
use crate::{Cluster, ClusterSettings};
use serde::{Deserialize, Serialize};

/// The format version a link carries; a link from another version is refused with a message.
pub const FORMAT_VERSION: u32 = 1;

/// One change to replay (read through [`ActionTwin`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "do", rename_all = "kebab-case")]
pub enum Action {
    /// A manifest applied from the editor.
    Apply {
        /// The manifest text.
        manifest: String,
        /// The file name errors mention.
        file: String,
    },
    /// A console input (one line, or several for a heredoc).
    Run {
        /// The input.
        line: String,
    },
    /// An object deleted from the page.
    Delete {
        /// Its kind's name (`Pod`).
        kind: String,
        /// Its namespace.
        namespace: Option<String>,
        /// Its name.
        name: String,
    },
    /// The number of worker nodes changed.
    Workers {
        /// The new number.
        workers: u32,
    },
    /// A file put into the console's file system (a lesson's material).
    File {
        /// Absolute path.
        path: String,
        /// Contents.
        text: String,
        /// Protected from the learner.
        read_only: bool,
    },
}

/// [`Action`]'s variants externally tagged, read by [`crate::tagged::untag`] without
/// serde's buffering of internally tagged enums.
#[derive(Deserialize)]
#[serde(remote = "Action", rename_all = "kebab-case")]
enum ActionTwin {
    Apply { manifest: String, file: String },
    Run { line: String },
    Delete { kind: String, namespace: Option<String>, name: String },
    Workers { workers: u32 },
    File { path: String, text: String, read_only: bool },
}

/// An [`Action`] read through its twin.
#[derive(Deserialize)]
struct Twinned(#[serde(with = "ActionTwin")] Action);

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::tagged::untag(d, "do", "internally tagged enum Action", |Twinned(action)| action)
    }
}

/// The log: the seed and worker count the cluster started with, when logging started, the
/// actions in order, and the virtual time the log reaches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionLog {
    /// The format version ([`FORMAT_VERSION`]).
    pub v: u32,
    /// Seed of the cluster's random source.
    pub seed: u64,
    /// Workers at the start.
    pub workers: u32,
    /// Virtual time (ms) the log starts at: a fresh cluster is advanced there first.
    pub start: i64,
    /// Virtual time (ms) the log reaches.
    pub now: i64,
    /// (virtual time in ms, action), in order.
    pub actions: Vec<(i64, Action)>,
}

impl ActionLog {
    /// An empty log for a cluster made with `settings`, starting at `start`.
    pub fn new(settings: &ClusterSettings, start: Time) -> Self {
        ActionLog { v: FORMAT_VERSION, seed: settings.seed, workers: settings.workers, start: start.0, now: start.0, actions: Vec::new() }
    }

    /// Appends an action taken at `at`.
    pub fn record(&mut self, at: Time, action: Action) {
        self.now = self.now.max(at.0);
        self.actions.push((at.0, action));
    }

    /// The log as compact JSON (what a share link compresses).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a log, refusing other format versions and damaged text with a message a
    /// learner can act on.
    pub fn from_json(text: &str) -> Result<ActionLog, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|_| "the shared cluster in this link is damaged (it is not a kubeplay action log)".to_string())?;
        match value.get("v").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(FORMAT_VERSION) => {}
            Some(v) => return Err(format!("this link was made by another version of kubeplay (format {v}; this page reads format {FORMAT_VERSION}), so its cluster cannot be replayed here")),
            None => return Err("the shared cluster in this link is damaged (it has no format version)".into()),
        }
        crate::decode::decode(&value).map(|(log, _)| log).map_err(|e| format!("the shared cluster in this link is damaged ({e})"))
    }

    /// The log as it stood at `at` (clamped to the log's span): the actions taken until
    /// then, reaching `at`. Replaying it rewinds the cluster to that moment, exactly, since
    /// the simulation is deterministic. At the log's start it holds no action: the fresh
    /// cluster, before anything was done (even what was done before time first moved).
    pub fn until(&self, at: Time) -> ActionLog {
        let at = at.0.clamp(self.start, self.now.max(self.start));
        let actions = self.actions.iter().filter(|(t, _)| *t <= at && at > self.start).cloned().collect();
        ActionLog { v: self.v, seed: self.seed, workers: self.workers, start: self.start, now: at, actions }
    }

    /// Replays the log on a fresh cluster: each action at its time, then on to `now`.
    pub fn replay(&self) -> Result<(Cluster, Shell, ActionLog), String> {
        let settings = ClusterSettings { seed: self.seed, workers: self.workers.min(5000), ..Default::default() };
        let mut cluster = Cluster::new(settings);
        let mut shell = Shell::default();
        let start = Time(self.start);
        if start > cluster.now() {
            cluster.advance_to(start);
        }
        let mut log = ActionLog::new(cluster.settings(), cluster.now());
        log.start = self.start;
        for (at, action) in &self.actions {
            let at = Time(*at);
            if at > cluster.now() {
                cluster.advance_to(at);
            }
            apply(&mut cluster, &mut shell, action)?;
            log.record(cluster.now(), action.clone());
        }
        let end = Time(self.now);
        if end > cluster.now() {
            cluster.advance_to(end);
        }
        log.now = cluster.now().0;
        Ok((cluster, shell, log))
    }
}

/// Carries out one action as the page did.
pub fn apply(cluster: &mut Cluster, shell: &mut Shell, action: &Action) -> Result<(), String> {
    match action {
        Action::Apply { manifest, file } => {
            cluster.apply_manifest(manifest, file);
        }
        Action::Run { line } => {
            shell.run(cluster, line, crate::kubectl::page_wait(line));
        }
        Action::Delete { kind, namespace, name } => {
            let kind = Kind::from_kind_name(kind).ok_or_else(|| format!("the shared cluster names an unknown kind {kind:?}"))?;
            let _ = cluster.delete(kind, namespace.as_deref(), name);
        }
        Action::Workers { workers } => cluster.set_workers(*workers),
        Action::File { path, text, read_only } => shell.fs.add_file(path, text, *read_only),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Duration;

    fn pod_names(c: &Cluster) -> Vec<String> {
        c.store().list(Kind::Pod, None).map(|o| format!("{}/{}/{}", o.namespace(), o.name(), o.as_pod().map_or("", |p| p.phase()))).collect()
    }

    #[test]
    fn a_replayed_log_gives_the_same_cluster() {
        let mut c = Cluster::new(ClusterSettings { seed: 42, ..Default::default() });
        let mut shell = Shell::default();
        let mut log = ActionLog::new(c.settings(), c.now());
        let act = |c: &mut Cluster, shell: &mut Shell, log: &mut ActionLog, a: Action| {
            apply(c, shell, &a).unwrap();
            log.record(c.now(), a);
        };
        act(&mut c, &mut shell, &mut log, Action::Run { line: "kubectl create deployment web --image=nginx --replicas=3".into() });
        for _ in 0..7 {
            c.advance(Duration::millis(1300));
        }
        act(&mut c, &mut shell, &mut log, Action::Workers { workers: 5 });
        c.advance(Duration::seconds(20));
        act(&mut c, &mut shell, &mut log, Action::Run { line: "cat > scale.sh <<EOF\nkubectl scale deployment web --replicas=6\nEOF".into() });
        act(&mut c, &mut shell, &mut log, Action::Run { line: "kubectl set image deployment/web nginx=nginx:1.26".into() });
        c.advance(Duration::seconds(7));
        act(&mut c, &mut shell, &mut log, Action::Run { line: "kubectl scale deployment web --replicas=6".into() });
        c.advance(Duration::seconds(45));
        log.now = c.now().0;

        let text = log.to_json();
        let (replayed, replayed_shell, again) = ActionLog::from_json(&text).unwrap().replay().unwrap();
        assert_eq!(replayed.now(), c.now());
        assert_eq!(pod_names(&replayed), pod_names(&c), "same pods, same names, same phases");
        assert_eq!(replayed_shell.fs.read("/home/docker/scale.sh").unwrap(), "kubectl scale deployment web --replicas=6\n");
        assert_eq!(again.actions, log.actions, "the replayed cluster can be shared again");
    }

    #[test]
    fn other_versions_and_damage_are_explained() {
        assert_eq!(
            ActionLog::from_json("{\"v\":9,\"seed\":1}").unwrap_err(),
            "this link was made by another version of kubeplay (format 9; this page reads format 1), so its cluster cannot be replayed here"
        );
        assert_eq!(ActionLog::from_json("{\"v\":1,\"seed\":\"x\"}").unwrap_err(), "the shared cluster in this link is damaged (seed: invalid type: string \"x\", expected u64)");
        assert!(ActionLog::from_json("garbage").unwrap_err().contains("damaged"));
        for (action, why) in [
            (r#"{"line":"ls"}"#, "actions[0]: missing field `do`"),
            (r#"{"do":"jump"}"#, "actions[0]: unknown variant `jump`, expected one of `apply`, `run`, `delete`, `workers`, `file`"),
            (r#"{"do":"run"}"#, "actions[0]: missing field `line`"),
            (r#"{"do":"workers","workers":-1}"#, "actions[0]: workers: invalid value: integer `-1`, expected u32"),
            (r#"{"do":"file","path":"/a","text":"x","read_only":"no"}"#, "actions[0]: read_only: invalid type: string \"no\", expected a boolean"),
            (r#"{"do":7}"#, "actions[0]: invalid type: integer `7`, expected variant identifier"),
            (r#"{"do":null}"#, "actions[0]: invalid type: null, expected variant identifier"),
            (r#""run""#, "actions[0]: invalid type: string \"run\", expected internally tagged enum Action"),
            ("[]", "actions[0]: missing field `do`"),
        ] {
            let text = format!(r#"{{"v":1,"seed":1,"workers":2,"start":0,"now":5,"actions":[[1,{action}]]}}"#);
            assert_eq!(ActionLog::from_json(&text).unwrap_err(), format!("the shared cluster in this link is damaged ({why})"), "{action}");
        }
        // Read as the derive read them: the tag anywhere, or first in a list; other fields ignored.
        let text = r#"{"v":1,"seed":1,"workers":2,"start":0,"now":5,"actions":[[1,{"line":"ls","do":"run","by":"me"}],[2,["workers",3]]]}"#;
        let read = ActionLog::from_json(text).unwrap().actions;
        assert_eq!(read, vec![(1, Action::Run { line: "ls".into() }), (2, Action::Workers { workers: 3 })]);
        let log = ActionLog { actions: vec![(0, Action::Delete { kind: "Nope".into(), namespace: None, name: "x".into() })], ..ActionLog::new(&ClusterSettings::default(), Time(0)) };
        assert_eq!(log.replay().err().unwrap(), "the shared cluster names an unknown kind \"Nope\"");
    }
}
