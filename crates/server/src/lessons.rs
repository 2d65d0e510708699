//! `kubeplay lesson check DIR...`: reads a lesson folder (or a course folder with
//! `index.yaml`), runs every step's solution on a fresh simulated cluster and prints each
//! check's outcome, so course authors can keep lessons green in their own CI.

use kubeplay_sim::lesson::{parse_course, parse_lesson, parse_translation, verify, Lesson};
use std::path::{Path, PathBuf};

/// A lesson read from its folder, with the files it puts into the console.
pub struct LessonDir {
    /// The parsed lesson (its id is the folder name).
    pub lesson: Lesson,
    /// The lesson's files: path relative to the folder, and text.
    pub files: Vec<(String, String)>,
}

/// Reads `DIR/lesson.yaml` and the files it lists.
pub fn read_lesson(dir: &Path) -> Result<LessonDir, String> {
    let path = dir.join("lesson.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lesson = parse_lesson(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
    lesson.id = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut files = Vec::new();
    for f in &lesson.files {
        if f.starts_with('/') || f.split('/').any(|p| p == "..") {
            return Err(format!("{}: files: {f:?} must stay inside the lesson's folder", path.display()));
        }
        let text = std::fs::read_to_string(dir.join(f)).map_err(|e| format!("{}: files: cannot read {f}: {e}", path.display()))?;
        files.push((f.clone(), text));
    }
    // Translations (`lesson.<lang>.yaml`) must read and fit the lesson.
    let mut translations: Vec<PathBuf> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    translations.retain(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("lesson.") && n.ends_with(".yaml") && n != "lesson.yaml"));
    translations.sort();
    for t in translations {
        let text = std::fs::read_to_string(&t).map_err(|e| format!("cannot read {}: {e}", t.display()))?;
        parse_translation(&text, &t.display().to_string(), &lesson).map_err(|e| e.to_string())?;
    }
    Ok(LessonDir { lesson, files })
}

/// The lesson folders a path names: itself, or those its `index.yaml` lists.
pub fn lesson_dirs(path: &Path) -> Result<Vec<PathBuf>, String> {
    let index = path.join("index.yaml");
    if !index.exists() {
        return Ok(vec![path.to_path_buf()]);
    }
    let text = std::fs::read_to_string(&index).map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let course = parse_course(&text, &index.display().to_string()).map_err(|e| e.to_string())?;
    Ok(course.lessons.iter().map(|l| path.join(&l.id)).collect())
}

/// Checks each lesson under `paths`; prints a report and returns whether all passed.
pub fn check(paths: &[PathBuf], verbose: bool, mut print: impl FnMut(&str)) -> bool {
    let mut all = true;
    for path in paths {
        let dirs = match lesson_dirs(path) {
            Ok(d) => d,
            Err(e) => {
                print(&format!("error: {e}\n"));
                all = false;
                continue;
            }
        };
        for dir in dirs {
            let LessonDir { lesson, files } = match read_lesson(&dir) {
                Ok(l) => l,
                Err(e) => {
                    print(&format!("error: {e}\n"));
                    all = false;
                    continue;
                }
            };
            print(&format!("lesson {} ({})\n", lesson.id, lesson.title));
            for report in verify(&lesson, &files, 1) {
                let mark = if report.passed() { "ok  " } else { "FAIL" };
                print(&format!("  {mark} {}\n", report.title));
                for (description, outcome) in &report.checks {
                    print(&format!("       {} {description}: {}\n", if outcome.passed { "✓" } else { "✗" }, outcome.detail));
                }
                if !report.passed() || verbose {
                    for line in report.transcript.lines() {
                        print(&format!("       | {line}\n"));
                    }
                }
                all &= report.passed();
            }
        }
    }
    all
}
