//! Guided lessons as data: the format of `lessons/<id>/lesson.yaml` (steps with an
//! explanation, commands to paste, a starting state, checks, a hint and a solution), the
//! one engine that evaluates checks over the cluster and the console history
//! ([`checks`]), and [`verify`], which runs every solution on a fresh cluster and
//! reports the checks that do not pass (what `kubeplay lesson check` prints).

pub mod checks;
mod verify;

pub use checks::{Check, Outcome};
pub use verify::{verify, StepReport};

use serde::Deserialize;

/// A lesson: what the course overview shows and the steps inside.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Lesson {
    /// The lesson's id, used in URLs (`?lesson=rolling-update`); the folder name.
    #[serde(default)]
    pub id: String,
    /// The title.
    pub title: String,
    /// One or two sentences for the course overview.
    #[serde(default)]
    pub summary: String,
    /// The lesson's place in the course (lower first).
    #[serde(default)]
    pub order: u32,
    /// Files of the lesson folder put into the console's file system (read-only), as
    /// paths relative to the folder; they appear under `~/<path>`.
    #[serde(default)]
    pub files: Vec<String>,
    /// The language of this file; translations of its texts live next to it in
    /// `lesson.<lang>.yaml` (see [`Translation`]).
    #[serde(default = "english")]
    pub language: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

fn english() -> String {
    "en".into()
}

/// One step of a lesson.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Step {
    /// The step's title.
    pub title: String,
    /// The explanation, in Markdown.
    #[serde(default)]
    pub text: String,
    /// Commands the learner can click to paste into the console.
    #[serde(default)]
    pub commands: Vec<String>,
    /// Console commands that bring a fresh cluster to this step's starting state (run when
    /// the step is opened directly or reset); the previous steps' solutions when absent.
    #[serde(default)]
    pub setup: Option<Vec<String>>,
    /// What must be true for the step to be done.
    #[serde(default)]
    pub checks: Vec<Check>,
    /// A hint, shown after `hint_after` seconds on the step.
    #[serde(default)]
    pub hint: String,
    /// Seconds before the hint shows.
    #[serde(default = "default_hint_after")]
    pub hint_after: u32,
    /// Console commands that complete the step (shown by "show solution", and run by
    /// `kubeplay lesson check`).
    #[serde(default)]
    pub solution: Vec<String>,
}

fn default_hint_after() -> u32 {
    60
}

/// Why a lesson file could not be read: where, and what.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    /// `file:line:column`, or just the file.
    pub at: String,
    /// The field path, if any.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.at, self.message)
        } else {
            write!(f, "{}: {}: {}", self.at, self.path, self.message)
        }
    }
}

/// Reads a lesson file; unknown fields are errors (a typo in a check must not pass silently).
pub fn parse_lesson(text: &str, file: &str) -> Result<Lesson, LessonError> {
    let yaml = YamlFile::read(text, file)?;
    let lesson: Lesson = yaml.decode_strict()?;
    let at = |path: &str| yaml.at(path);
    if lesson.steps.is_empty() {
        return Err(LessonError { at: at("steps"), path: "steps".into(), message: "a lesson needs at least one step".into() });
    }
    for (i, step) in lesson.steps.iter().enumerate() {
        for (j, check) in step.checks.iter().enumerate() {
            if let Err(message) = check.validate() {
                let path = format!("steps[{i}].checks[{j}]");
                return Err(LessonError { at: at(&path), path, message });
            }
        }
    }
    Ok(lesson)
}

/// A translation of a lesson (`lesson.<lang>.yaml`): the texts a learner reads, step by step
/// in the lesson's order; commands, checks' data and solutions stay in the lesson itself.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Translation {
    /// The language (`de`, `fr`, ...).
    pub language: String,
    /// The title.
    #[serde(default)]
    pub title: Option<String>,
    /// The summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// The steps' texts, in order.
    #[serde(default)]
    pub steps: Vec<StepTranslation>,
}

/// One step's texts in another language.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct StepTranslation {
    /// The step's title.
    #[serde(default)]
    pub title: Option<String>,
    /// The explanation.
    #[serde(default)]
    pub text: Option<String>,
    /// The hint.
    #[serde(default)]
    pub hint: Option<String>,
    /// The checks' descriptions, in order.
    #[serde(default)]
    pub checks: Vec<String>,
}

/// Reads a translation and checks it fits `lesson` (no more steps or checks than it has).
pub fn parse_translation(text: &str, file: &str, lesson: &Lesson) -> Result<Translation, LessonError> {
    let yaml = YamlFile::read(text, file)?;
    let t: Translation = yaml.decode_strict()?;
    let at = |path: &str| yaml.at(path);
    if t.steps.len() > lesson.steps.len() {
        return Err(LessonError { at: at("steps"), path: "steps".into(), message: format!("{} steps translated, the lesson has {}", t.steps.len(), lesson.steps.len()) });
    }
    for (i, (ts, step)) in t.steps.iter().zip(&lesson.steps).enumerate() {
        if ts.checks.len() > step.checks.len() {
            let path = format!("steps[{i}].checks");
            return Err(LessonError { at: at(&path), path, message: format!("{} check descriptions, the step has {} checks", ts.checks.len(), step.checks.len()) });
        }
    }
    Ok(t)
}

impl Lesson {
    /// Puts a translation's texts in place; what it leaves out stays in the original language.
    pub fn translate(&mut self, t: &Translation) {
        self.language = t.language.clone();
        if let Some(title) = &t.title {
            self.title = title.clone();
        }
        if let Some(summary) = &t.summary {
            self.summary = summary.clone();
        }
        for (step, ts) in self.steps.iter_mut().zip(&t.steps) {
            step.title = ts.title.clone().unwrap_or_else(|| step.title.clone());
            step.text = ts.text.clone().unwrap_or_else(|| step.text.clone());
            step.hint = ts.hint.clone().unwrap_or_else(|| step.hint.clone());
            for (check, d) in step.checks.iter_mut().zip(&ts.checks) {
                check.description = d.clone();
            }
        }
    }
}

/// The course: every lesson's id, title and summary, in order (`lessons/index.yaml`
/// lists the folders; the page fetches each lesson when it is opened).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Course {
    /// The course title.
    pub title: String,
    /// The lessons, in order.
    pub lessons: Vec<CourseEntry>,
}

/// One lesson in the course overview.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct CourseEntry {
    /// The lesson's folder name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    #[serde(default)]
    pub summary: String,
}

/// Reads the course index.
pub fn parse_course(text: &str, file: &str) -> Result<Course, LessonError> {
    let yaml = YamlFile::read(text, file)?;
    let (course, _): (Course, Vec<String>) = crate::decode::decode(&yaml.doc.value).map_err(|e| LessonError { at: file.into(), path: e.path.clone(), message: e.message.clone() })?;
    Ok(course)
}

/// A lesson file's first YAML document, with the positions of its fields for messages.
struct YamlFile<'a> {
    file: &'a str,
    doc: crate::yaml::Document,
}

impl<'a> YamlFile<'a> {
    /// Parses the YAML; syntax errors and empty files are errors.
    fn read(text: &str, file: &'a str) -> Result<Self, LessonError> {
        let docs = crate::yaml::parse_documents(text).map_err(|e| LessonError { at: format!("{file}:{}:{}", e.pos.line, e.pos.column), path: String::new(), message: e.message })?;
        let doc = docs.into_iter().next().ok_or_else(|| LessonError { at: file.into(), path: String::new(), message: "the file is empty".into() })?;
        Ok(YamlFile { file, doc })
    }

    /// `file:line:column` of a field path (or of its nearest parent), else the file.
    fn at(&self, path: &str) -> String {
        self.doc.spans.locate(path).map_or_else(|| self.file.to_string(), |p| format!("{}:{}:{}", self.file, p.line, p.column))
    }

    /// Decodes `T`; a field `T` does not have is an error at its key.
    fn decode_strict<T: serde::de::DeserializeOwned>(&self) -> Result<T, LessonError> {
        let (value, unknown): (T, Vec<String>) = crate::decode::decode(&self.doc.value).map_err(|e| LessonError { at: self.at(&e.path), path: e.path.clone(), message: e.message.clone() })?;
        if let Some(path) = unknown.first() {
            let key = self.doc.spans.keys.get(path).map(|p| format!("{}:{}:{}", self.file, p.line, p.column));
            return Err(LessonError { at: key.unwrap_or_else(|| self.at(path)), path: path.clone(), message: "unknown field".into() });
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests;
