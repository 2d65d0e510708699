//! Lessons in the page: fetched as data when opened (`lessons/index.yaml`, then
//! `lessons/<id>/lesson.yaml` and its files, or a trainer's `?lessonUrl=`), the console
//! history the checks read, and the learner's progress kept in the browser ([`crate::kept`]).

use kubeplay_sim::lesson::checks::{ClusterView, Ran};
use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::interface::now_or_never;
use kubeplay_sim::ClusterInterface;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Where the built-in course is served from (copied into `dist/` by Trunk).
pub const COURSE_BASE: &str = "lessons";

/// Fetches a text file; errors say what failed for the learner.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| format!("{url}: could not be fetched (offline, or not allowed by CORS)"))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| format!("{url}: not a response"))?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|_| format!("{url}: unreadable body"))?).await.map_err(|_| format!("{url}: unreadable body"))?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}

/// The parameters of a query string (`?lesson=web&present`), each as its key and the whole
/// `key=value` pair as written: `("lesson", "lesson=web")`, `("present", "present")`.
pub fn query_pairs(search: &str) -> impl Iterator<Item = (&str, &str)> {
    search.trim_start_matches('?').split('&').filter(|pair| !pair.is_empty()).map(|pair| (pair.split_once('=').map_or(pair, |(k, _)| k), pair))
}

/// The page's URL parameters (`?lesson=rolling-update&step=3`).
pub fn url_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let value = query_pairs(&search).find_map(|(key, pair)| (key == name).then(|| decode_uri(pair.split_once('=').map_or("", |(_, v)| v))));
    value
}

/// The query string of a link to `lesson` (or, for `None`, to the course: `course`, which
/// opens the Lessons tab on it): the page's other parameters (`embed`, `view`, `present`,
/// `theme`, `speed`, `lang`, ...) stay, so a presenter or a slide's iframe keeps its mode;
/// the lesson, step and lesson URL are replaced.
pub fn lesson_search(search: &str, lesson: Option<&str>) -> String {
    let mut parts: Vec<&str> = query_pairs(search).filter(|(key, _)| !matches!(*key, "lesson" | "step" | "lessonUrl" | "course")).map(|(_, pair)| pair).collect();
    let named = lesson.map_or_else(|| "course".to_string(), |id| format!("lesson={id}"));
    parts.push(&named);
    format!("?{}", parts.join("&"))
}

/// A link from this page to `lesson` (or to the course), keeping the page's other parameters.
pub fn lesson_href(lesson: Option<&str>) -> String {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    lesson_search(&search, lesson)
}

/// Percent-decoding for URL parameters (`%2F` -> `/`, `+` -> space).
pub fn decode_uri(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Opens (file name, text) in the editor.
pub type EditorOpener = yew::Callback<(String, String)>;

/// What the console ran, for checks on commands and output; views are told when it grows.
#[derive(Clone, Default)]
pub struct ConsoleLog {
    /// Commands with their output, oldest first.
    pub entries: Rc<RefCell<Vec<Ran>>>,
    /// Called after each finished command (the lesson panel re-checks).
    pub listeners: Rc<RefCell<Vec<yew::Callback<()>>>>,
    /// Puts a command into the console's input (the lesson's clickable commands).
    pub paste: Rc<RefCell<Option<yew::Callback<String>>>>,
    /// Runs a command in the console as if typed (the inspector's actions), so the learner
    /// sees the kubectl command behind a button.
    pub execute: Rc<RefCell<Option<yew::Callback<String>>>>,
    /// Told (file name, text) when `kubectl edit` opens an object in the editor: the editor
    /// opens the tab, the page shows the editor.
    pub editor_openers: Rc<RefCell<Vec<EditorOpener>>>,
}

impl PartialEq for ConsoleLog {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.entries, &other.entries)
    }
}

impl ConsoleLog {
    /// Opens a file in the editor (`kubectl edit`), telling everyone who registered.
    pub fn open_in_editor(&self, file: &str, text: &str) {
        let openers = self.editor_openers.borrow().clone();
        for o in openers {
            o.emit((file.to_string(), text.to_string()));
        }
    }

    /// Records a finished command and tells the listeners.
    pub fn record(&self, command: String, output: String) {
        self.entries.borrow_mut().push(Ran { command, output });
        let listeners = self.listeners.borrow().clone();
        for l in listeners {
            l.emit(());
        }
    }
}

/// Checks read the cluster through the page's interface.
pub struct InterfaceView<'a>(pub &'a dyn ClusterInterface);

impl ClusterView for InterfaceView<'_> {
    fn objects(&self, kind: Kind, namespace: Option<&str>) -> Vec<Object> {
        now_or_never(self.0.list(kind, namespace)).and_then(Result::ok).map(|l| l.items).unwrap_or_default()
    }
}

/// A learner's progress in one lesson: the step they are on and, per step, which checks
/// have passed (a check that passed once stays ticked).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// The open step.
    pub step: usize,
    /// Per step, per check.
    pub passed: Vec<Vec<bool>>,
}

fn progress_key(lesson: &str) -> String {
    crate::storage_key(&format!("kubeplay.lesson.{lesson}.v1"))
}

impl Progress {
    /// Reads the saved progress (`step|bits,bits,...`), sized to the lesson.
    /// Kept progress the page cannot read starts the lesson afresh, and the page says so.
    pub fn load(lesson: &str, checks_per_step: &[usize]) -> Progress {
        let text = crate::kept::read_text(&progress_key(lesson), &format!("your progress in the lesson {lesson}"));
        if !text.is_empty() && !Progress::readable(&text) {
            crate::kept::report_reset(&format!("your progress in the lesson {lesson}"));
        }
        Progress::parse(&text, checks_per_step)
    }

    /// Whether `text` is progress as [`Progress::encode`] writes it (`step|bits,bits`).
    pub fn readable(text: &str) -> bool {
        text.split_once('|').is_some_and(|(step, bits)| step.parse::<usize>().is_ok() && bits.chars().all(|c| matches!(c, '0' | '1' | ',')))
    }

    /// Parses `step|bits,bits` leniently (a damaged value gives a fresh start).
    pub fn parse(text: &str, checks_per_step: &[usize]) -> Progress {
        let (step, bits) = text.split_once('|').unwrap_or(("0", ""));
        let mut passed: Vec<Vec<bool>> = checks_per_step.iter().map(|&n| vec![false; n]).collect();
        for (row, saved) in passed.iter_mut().zip(bits.split(',')) {
            for (cell, b) in row.iter_mut().zip(saved.chars()) {
                *cell = b == '1';
            }
        }
        let step = step.parse::<usize>().unwrap_or(0).min(checks_per_step.len().saturating_sub(1));
        Progress { step, passed }
    }

    /// The saved form.
    pub fn encode(&self) -> String {
        let bits: Vec<String> = self.passed.iter().map(|row| row.iter().map(|b| if *b { '1' } else { '0' }).collect()).collect();
        format!("{}|{}", self.step, bits.join(","))
    }

    /// Saves it. Progress changes the moment a check passes, and a learner may reload or
    /// follow a link right then, so it is kept as a leaving page keeps its work (a few bytes
    /// in localStorage too, which writes at once).
    pub fn save(&self, lesson: &str) {
        crate::kept::set_item_leaving(&progress_key(lesson), &self.encode());
    }

    /// For the course overview: (steps done, steps) of a lesson the learner has opened.
    pub fn saved_summary(lesson: &str) -> Option<(usize, usize)> {
        let text = crate::kept::get_item(&progress_key(lesson))?;
        let sizes: Vec<usize> = text.split_once('|')?.1.split(',').map(str::len).collect();
        let p = Progress::parse(&text, &sizes);
        Some((p.steps_done(), sizes.len()))
    }

    /// How many steps have every check ticked.
    pub fn steps_done(&self) -> usize {
        self.passed.iter().filter(|row| row.iter().all(|b| *b)).count()
    }
}
