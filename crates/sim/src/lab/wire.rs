//! Reading the lab server's streamed events on the page through the crate's decoder
//! ([`crate::decode`]), which every api type already goes through, rather than through
//! serde_json's reader of its `Value` (a second copy of every list and struct reader of the
//! report). The events are internally tagged (`{"event": "output", "text": ...}`): the tag
//! is taken out and the rest read as an externally tagged twin of the enum, as
//! [`crate::tagged`] reads the share links' actions.

use crate::decode::decode;
use crate::tagged::retag;
use kubeplay_lab::{CapabilityTrial, Controller, DemoReport, DemoStep, KernelState, Layer, LayerEntry, LiveEvent, NamespaceRow};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One line of `POST api/lab/run`'s answer, or None when it is not an event.
pub fn read_event(line: &str) -> Option<LiveEvent> {
    let value = retag(serde_json::from_str(line).ok()?, "event").ok()?;
    decode::<Event>(&value).ok().map(|(Event(event), _)| event)
}

#[derive(Deserialize)]
struct Event(#[serde(with = "EventTwin")] LiveEvent);

/// [`LiveEvent`]'s variants externally tagged.
#[derive(Deserialize)]
#[serde(remote = "LiveEvent", rename_all = "kebab-case")]
enum EventTwin {
    Step {
        title: String,
        command: String,
    },
    Output {
        text: String,
    },
    Usage {
        memory_bytes: u64,
        pids: u64,
        cpu_ns: u64,
    },
    Report {
        #[serde(with = "ReportTwin")]
        report: DemoReport,
    },
    Error {
        error: String,
    },
}

/// [`DemoReport`] with its kernel state read through [`StateTwin`].
#[derive(Deserialize)]
#[serde(remote = "DemoReport")]
struct ReportTwin {
    demo: String,
    steps: Vec<DemoStep>,
    #[serde(deserialize_with = "state")]
    state: KernelState,
    simulated: bool,
}

fn state<'de, D: Deserializer<'de>>(d: D) -> Result<KernelState, D::Error> {
    #[derive(Deserialize)]
    struct State(#[serde(with = "StateTwin")] KernelState);
    let value = retag(Value::deserialize(d)?, "kind").map_err(|_| serde::de::Error::custom("not a kernel state"))?;
    decode::<State>(&value).map(|(State(state), _)| state).map_err(serde::de::Error::custom)
}

/// [`KernelState`]'s variants externally tagged.
#[derive(Deserialize)]
#[serde(remote = "KernelState", rename_all = "kebab-case")]
enum StateTwin {
    Jail { files: Vec<LayerEntry> },
    Namespaces { rows: Vec<NamespaceRow>, veth: Option<(String, String)> },
    Cgroup { controller: Controller, limit: u64, used: u64, events: u64 },
    Overlay { layers: Vec<Layer>, lower_unchanged: bool },
    Capabilities { trials: Vec<CapabilityTrial> },
    Oci { runtime: String, version: String, config: String },
    None {},
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_lab::{Accounting, LayerEntryKind, RunOutcome};

    /// One report per kernel state, each with a step, as the server streams them.
    fn every_event() -> Vec<LiveEvent> {
        let entry = |path: &str, kind| LayerEntry { path: path.into(), kind, size: 3 };
        let states = vec![
            KernelState::Jail { files: vec![entry("/bin/bash", LayerEntryKind::File)] },
            KernelState::Namespaces { rows: vec![NamespaceRow { kind: "pid".into(), host: 1, container: 2 }], veth: Some(("10.0.0.1".into(), "10.0.0.2".into())) },
            KernelState::Namespaces { rows: vec![], veth: None },
            KernelState::Cgroup { controller: Controller::Cpu, limit: 50, used: 49, events: 7 },
            KernelState::Overlay { layers: vec![Layer { name: "upper".into(), writable: true, entries: vec![entry("/etc/x", LayerEntryKind::Whiteout)], omitted: 1 }], lower_unchanged: true },
            KernelState::Capabilities { trials: vec![CapabilityTrial { capability: "CAP_NET_BIND_SERVICE".into(), action: "bind port 80".into(), kept: false, allowed: false, effective: vec!["CAP_CHOWN".into()] }] },
            KernelState::Oci { runtime: "crun".into(), version: "crun 1.8".into(), config: "{}".into() },
            KernelState::None,
        ];
        let outcome = RunOutcome { output: "hi\n".into(), exit_code: 137, signal: Some(9), accounting: Accounting { oom_kills: 1, ..Accounting::default() }, ..RunOutcome::default() };
        let step = DemoStep { title: "t".into(), command: "c".into(), outcome };
        let mut events = vec![
            LiveEvent::Step { title: "a step".into(), command: "ls /".into() },
            LiveEvent::Output { text: "bin\n".into() },
            LiveEvent::Usage { memory_bytes: 1 << 20, pids: 3, cpu_ns: 5 },
            LiveEvent::Error { error: "no cgroup v2".into() },
        ];
        events.extend(states.into_iter().map(|state| LiveEvent::Report { report: DemoReport { demo: "x".into(), steps: vec![step.clone()], state, simulated: false } }));
        events
    }

    #[test]
    fn every_event_reads_as_serde_json_reads_it() {
        for event in every_event() {
            let line = serde_json::to_string(&event).unwrap();
            assert_eq!(read_event(&line), Some(event), "{line}");
        }
        // The derive's own reader (buffered) as the reference, on variations and damage alike.
        let report = |state: &str| format!(r#"{{"event":"report","report":{{"demo":"x","steps":[],"simulated":true,"state":{state}}}}}"#);
        let mut lines = vec![
            r#"{"text":"x","event":"output","extra":[1]}"#.to_string(),
            r#"["error","gone"]"#.into(),
            report(r#"{"kind":"none","rows":3}"#),
            report(r#"{"rows":[],"kind":"namespaces"}"#),
        ];
        let damaged = [r#"{"text":"x"}"#, r#"{"event":"nope"}"#, r#"{"event":"output","text":5}"#, r#"{"event":"usage","pids":1,"cpu_ns":2}"#, r#"{"event":2,"text":"x"}"#, r#""output""#, "[]", "not json"];
        lines.extend(damaged.map(String::from));
        lines.extend([r#"{"kind":"nope"}"#, r#"{"controller":"cpu"}"#, r#"{"kind":"cgroup","controller":"disk","limit":1,"used":1,"events":0}"#].map(report));
        for line in &lines {
            assert_eq!(read_event(line), serde_json::from_str::<LiveEvent>(line).ok(), "{line}");
        }
        assert_eq!(lines.iter().filter(|l| read_event(l).is_some()).count(), 4, "the variations read, the damage does not");
    }
}
