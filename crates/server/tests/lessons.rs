//! `kubeplay lesson check`: every built-in lesson's solutions pass their checks, and a
//! lesson whose solution falls short is reported with what was found.

use std::process::Command;

fn check(args: &[&str]) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeplay")).arg("lesson").arg("check").args(args).output().expect("kubeplay runs");
    (String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr), out.status.code().unwrap_or(-1))
}

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn every_built_in_lesson_passes() {
    let course = repo().join("lessons");
    let (out, code) = check(&[course.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let index = std::fs::read_to_string(course.join("index.yaml")).unwrap();
    let ids: Vec<&str> = index.lines().filter_map(|l| l.trim().strip_prefix("- id: ")).collect();
    assert!(ids.len() >= 6, "{ids:?}");
    for id in ids {
        assert!(out.contains(&format!("lesson {id} (")), "{id} was checked: {out}");
    }
    assert!(!out.contains("FAIL") && !out.contains('✗'), "{out}");
}

#[test]
fn a_solution_that_falls_short_is_reported() {
    let dir = std::env::temp_dir().join(format!("kubeplay-lesson-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("lesson.yaml"),
        "title: Scale\nsteps:\n  - title: Two replicas\n    checks:\n      - description: web has 2 available replicas\n        object: {kind: Deployment, name: web, fields: {status.availableReplicas: 2}}\n    solution: [\"kubectl create deployment web --image=nginx\"]\n",
    )
    .unwrap();
    let (out, code) = check(&[dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("  FAIL Two replicas\n       ✗ web has 2 available replicas: status.availableReplicas is 1, want 2\n"), "{out}");
    assert!(out.contains("       | $ kubectl create deployment web --image=nginx\n       | deployment.apps/web created\n"), "the transcript of a failing step is shown: {out}");
    let (out, code) = check(&["/no/such/lesson"]);
    assert_eq!(code, 1);
    assert!(out.contains("error: cannot read /no/such/lesson/lesson.yaml"), "{out}");
}
