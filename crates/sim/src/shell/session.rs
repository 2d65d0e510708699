//! An interactive shell in a container, opened by `kubectl exec -it POD -- sh`: while it
//! is open the console's lines run in the container and the prompt is the container's;
//! `exit` (or Ctrl-D, which the page sends as `exit`) returns to the node, and so does the
//! container stopping, with kubectl's `command terminated with exit code 137`.

use super::Shell;
use crate::clock::Duration;
use crate::cluster::Cluster;
use crate::kubectl::{self, CommandOutput, Flavor, Session};

/// What kubectl prints when the container (and so the shell in it) was killed.
const KILLED: i32 = 137;

impl Shell {
    /// Starts a session opened by `kubectl exec -it`; in the page (no time to wait) the
    /// exec command stays pending until the session ends.
    pub(super) fn open_session(&mut self, opened: Result<(Session, String), CommandOutput>, max_wait: Duration) -> CommandOutput {
        match opened {
            Ok((session, notes)) => {
                self.sessions += 1;
                self.session = Some((self.sessions, Box::new(session)));
                CommandOutput { stderr: notes, pending: max_wait.as_millis() == 0, ..Default::default() }
            }
            Err(out) => out,
        }
    }

    /// Runs an input typed while a session is open: in the container, `exit` ending it;
    /// on the node when the container has stopped meanwhile (after kubectl's notice).
    pub(super) fn in_session(&mut self, cluster: &mut Cluster, input: &str, max_wait: Duration) -> CommandOutput {
        if let Some(notice) = self.end_session_if_gone(cluster) {
            let mut out = self.run_on_node(cluster, input, max_wait);
            out.stderr.insert_str(0, &notice.stderr);
            return out;
        }
        let Some((id, session)) = self.session.as_mut() else { return self.run_on_node(cluster, input, max_wait) };
        let words = kubectl::split_words(input.trim()).unwrap_or_default();
        if words.first().is_none_or(|w| w != "exit") {
            return session.shell.run(cluster, input, max_wait);
        }
        let code = match words.get(1) {
            None => session.shell.status,
            Some(n) => n.parse::<i32>().map_or(2, |n| n & 255),
        };
        let mut out = CommandOutput { exit_code: code, ..Default::default() };
        if session.tty && session.flavor == Flavor::Bash {
            out.stdout.push_str("exit\n");
        }
        if code != 0 {
            out.stderr.push_str(&format!("command terminated with exit code {code}\n"));
        }
        self.ended = Some((*id, code));
        self.session = None;
        self.status = code;
        out
    }

    /// Ends the open session if its container no longer runs (the pod deleted, or the
    /// container stopped or restarted), returning kubectl's notice; `None` otherwise.
    pub fn end_session_if_gone(&mut self, cluster: &Cluster) -> Option<CommandOutput> {
        let (id, session) = self.session.as_ref()?;
        if session.alive(cluster) {
            return None;
        }
        self.ended = Some((*id, KILLED));
        self.session = None;
        self.status = KILLED;
        Some(CommandOutput::err(format!("command terminated with exit code {KILLED}\n"), KILLED))
    }

    /// Whether the console's lines run in a container now.
    pub fn in_container(&self) -> bool {
        self.session.is_some()
    }

    /// The open session's number (each `kubectl exec -it` opens a new one).
    pub fn session_id(&self) -> Option<u64> {
        self.session.as_ref().map(|(id, _)| *id)
    }

    /// `None` while session `id` is open; once it ended, the exit code kubectl returned.
    pub fn session_exit(&self, id: u64) -> Option<i32> {
        match (&self.session, self.ended) {
            (Some((open, _)), _) if *open == id => None,
            (_, Some((ended, code))) if ended == id => Some(code),
            _ => Some(0),
        }
    }

    /// The open session's prompt.
    pub(super) fn session_prompt(&self) -> Option<String> {
        self.session.as_ref().map(|(_, s)| s.prompt())
    }
}
