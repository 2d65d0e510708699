//! Runs a lesson's solutions on a fresh simulated cluster and reports every check, so
//! course authors keep lessons green (`kubeplay lesson check DIR`).

use super::checks::Ran;
use super::{Lesson, Outcome};
use crate::clock::Duration;
use crate::shell::{fs::FileSystem, Shell, HOME};
use crate::{Cluster, ClusterSettings};

/// How long a step's checks may take to pass after its solution ran (virtual time).
const SETTLE: Duration = Duration::seconds(1200);
/// How often the checks are looked at while waiting.
const POLL: Duration = Duration::seconds(5);

/// What verifying one step found.
#[derive(Clone, Debug, PartialEq)]
pub struct StepReport {
    /// The step's title, with "(from its setup)" when the step was started from its own setup.
    pub title: String,
    /// Each check's description and outcome (a check that passed once counts as passed).
    pub checks: Vec<(String, Outcome)>,
    /// The console transcript of the solution (`$ command` and output).
    pub transcript: String,
}

impl StepReport {
    /// Every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|(_, o)| o.passed)
    }
}

/// A cluster and console with the lesson's files, as the page opens a lesson.
struct Session {
    cluster: Cluster,
    shell: Shell,
    history: Vec<Ran>,
}

impl Session {
    fn new(files: &[(String, String)], seed: u64) -> Self {
        let mut fs = FileSystem::new();
        for (path, text) in files {
            fs.add_file(&format!("{HOME}/{path}"), text, true);
        }
        Session { cluster: Cluster::new(ClusterSettings { seed, ..Default::default() }), shell: Shell::new(fs), history: Vec::new() }
    }

    fn run(&mut self, command: &str, transcript: &mut String) {
        let out = self.shell.run(&mut self.cluster, command, crate::kubectl::DEFAULT_MAX_WAIT);
        transcript.push_str(&format!("$ {command}\n{}{}", out.stdout, out.stderr));
        self.history.push(Ran { command: command.to_string(), output: format!("{}{}", out.stdout, out.stderr) });
    }

    /// Runs the solution, then waits for the checks (each latches once passed).
    fn step(&mut self, step: &super::Step, title: String) -> StepReport {
        let mut transcript = String::new();
        let mut outcomes: Vec<Option<Outcome>> = vec![None; step.checks.len()];
        let look = |s: &Session, outcomes: &mut Vec<Option<Outcome>>| {
            for (check, slot) in step.checks.iter().zip(outcomes.iter_mut()) {
                if !slot.as_ref().is_some_and(|o| o.passed) {
                    *slot = Some(check.evaluate(&s.cluster, &s.history));
                }
            }
            outcomes.iter().all(|o| o.as_ref().is_some_and(|o| o.passed))
        };
        for command in &step.solution {
            self.run(command, &mut transcript);
            look(self, &mut outcomes);
        }
        let deadline = self.cluster.now() + SETTLE;
        while !look(self, &mut outcomes) && self.cluster.now() < deadline {
            self.cluster.advance(POLL);
        }
        let checks = step.checks.iter().zip(outcomes).map(|(c, o)| (c.description.clone(), o.unwrap_or(Outcome { passed: false, detail: "not evaluated".into() }))).collect();
        StepReport { title, checks, transcript }
    }
}

/// Runs every step's solution in order on one fresh cluster; then, for each step with its
/// own `setup`, runs that setup on a fresh cluster followed by the step's solution.
pub fn verify(lesson: &Lesson, files: &[(String, String)], seed: u64) -> Vec<StepReport> {
    let mut reports = Vec::new();
    let mut session = Session::new(files, seed);
    for step in &lesson.steps {
        reports.push(session.step(step, step.title.clone()));
    }
    for step in lesson.steps.iter().filter(|s| s.setup.is_some()) {
        let mut fresh = Session::new(files, seed);
        let mut ignored = String::new();
        for command in step.setup.iter().flatten() {
            fresh.run(command, &mut ignored);
        }
        // The setup's commands are not the learner's: checks on the history start empty.
        fresh.history.clear();
        reports.push(fresh.step(step, format!("{} (from its setup)", step.title)));
    }
    reports
}
