use super::checks::{ClusterView, Ran};
use super::*;
use crate::{Cluster, ClusterSettings};

const LESSON: &str = r#"
title: A first Deployment
summary: Create a Deployment and watch its pods start.
files: [web.yaml]
steps:
  - title: Create it
    text: |
      Apply the manifest.
    commands: ["kubectl apply -f web.yaml"]
    checks:
      - description: The Deployment web exists with 3 replicas
        object: {kind: Deployment, name: web, fields: {spec.replicas: 3, "spec.template.spec.containers[0].image": "nginx:1.25"}}
      - description: Three pods of web are Running and ready
        count: {selector: app=web, phase: Running, ready: true, equals: 3}
      - description: You listed the pods
        ran: kubectl get pods
    solution: ["kubectl apply -f web.yaml", "kubectl get pods"]
  - title: Scale it
    setup: ["kubectl apply -f web.yaml"]
    checks:
      - description: Five replicas are available
        object: {kind: Deployment, name: web, fields: {status.availableReplicas: ">=5"}}
    solution: ["k scale deployment web --replicas=5"]
"#;

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: \"nginx:1.25\"}]}\n";

#[test]
fn a_lesson_reads_with_its_steps_and_checks() {
    let lesson = parse_lesson(LESSON, "lesson.yaml").unwrap();
    assert_eq!(lesson.title, "A first Deployment");
    assert_eq!(lesson.files, vec!["web.yaml"]);
    assert_eq!(lesson.steps.len(), 2);
    assert_eq!(lesson.steps[0].checks.len(), 3);
    assert_eq!(lesson.steps[0].hint_after, 60);
    assert_eq!(lesson.steps[1].setup.as_deref(), Some(&["kubectl apply -f web.yaml".to_string()][..]));
}

#[test]
fn mistakes_in_a_lesson_file_have_a_line_and_a_path() {
    let typo = LESSON.replace("        ran: kubectl get pods", "        rann: kubectl get pods");
    let e = parse_lesson(&typo, "lesson.yaml").unwrap_err();
    assert_eq!(e.to_string(), "lesson.yaml:16:9: steps[0].checks[2].rann: unknown field");
    let two = LESSON.replace("        ran: kubectl get pods", "        ran: kubectl get pods\n        printed: hello");
    let e = parse_lesson(&two, "lesson.yaml").unwrap_err();
    assert_eq!(e.path, "steps[0].checks[2]");
    assert_eq!(e.message, "a check needs exactly one of object, count, ran, printed (2 given)");
    let kind = LESSON.replace("kind: Deployment, name: web, fields: {status", "kind: Deploymnet, name: web, fields: {status");
    assert_eq!(parse_lesson(&kind, "l.yaml").unwrap_err().message, "unknown kind \"Deploymnet\"");
    let e = parse_lesson("title: x\nsteps: 3\n", "l.yaml").unwrap_err();
    assert!(e.to_string().starts_with("l.yaml:2:8: steps: invalid type"), "{e}");
}

#[test]
fn checks_follow_the_cluster_and_the_history() {
    let lesson = parse_lesson(LESSON, "lesson.yaml").unwrap();
    let checks = &lesson.steps[0].checks;
    let mut c = Cluster::new(ClusterSettings::default());
    let history = vec![Ran { command: "k get pods -o wide | grep web".into(), output: String::new() }];
    assert_eq!(checks[0].evaluate(&c, &[]).detail, "Deployment \"web\" not found");
    assert!(checks[2].evaluate(&c, &history).passed, "k is kubectl and a pipe's first command counts");
    assert!(!checks[2].evaluate(&c, &[Ran { command: "kubectl get deployments".into(), output: String::new() }]).passed);
    let quoted = vec![Ran { command: "echo 'a; b' && kubectl get pods".into(), output: String::new() }];
    assert!(checks[2].evaluate(&c, &quoted).passed, "a quoted ; does not split the line, && does");
    c.apply_manifest(&WEB.replace("nginx:1.25", "nginx:1.26"), "web.yaml");
    assert_eq!(checks[0].evaluate(&c, &[]).detail, "spec.template.spec.containers[0].image is nginx:1.26, want nginx:1.25");
    c.apply_manifest(WEB, "web.yaml");
    assert!(checks[0].evaluate(&c, &[]).passed);
    assert_eq!(checks[1].evaluate(&c, &[]).detail, "0 found, 3 wanted");
    c.advance(crate::clock::Duration::seconds(60));
    assert_eq!(c.objects(crate::api::Kind::Pod, Some("default")).len(), 3);
    assert!(checks[1].evaluate(&c, &[]).passed, "{:?}", checks[1].evaluate(&c, &[]));
}

#[test]
fn verifying_runs_solutions_and_setups() {
    let lesson = parse_lesson(LESSON, "lesson.yaml").unwrap();
    let files = vec![("web.yaml".to_string(), WEB.to_string())];
    let reports = verify(&lesson, &files, 1);
    assert_eq!(reports.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(), vec!["Create it", "Scale it", "Scale it (from its setup)"]);
    assert!(reports.iter().all(StepReport::passed), "{reports:#?}");
    assert!(reports[0].transcript.starts_with("$ kubectl apply -f web.yaml\ndeployment.apps/web created\n$ kubectl get pods\n"));
    // A wrong solution is reported with what was found.
    let wrong = LESSON.replace("k scale deployment web --replicas=5", "k scale deployment web --replicas=4");
    let reports = verify(&parse_lesson(&wrong, "l.yaml").unwrap(), &files, 1);
    assert!(!reports[1].passed());
    assert_eq!(reports[1].checks[0].1.detail, "status.availableReplicas is 4, want >=5");
}

#[test]
fn translations_replace_the_texts_and_must_fit_the_lesson() {
    let mut lesson = parse_lesson(LESSON, "lesson.yaml").unwrap();
    let de = "language: de\ntitle: Ein erstes Deployment\nsteps:\n  - title: Anlegen\n    checks: [Das Deployment web hat 3 Replikas]\n";
    let t = parse_translation(de, "lesson.de.yaml", &lesson).unwrap();
    lesson.translate(&t);
    assert_eq!((lesson.title.as_str(), lesson.language.as_str()), ("Ein erstes Deployment", "de"));
    assert_eq!(lesson.steps[0].title, "Anlegen");
    assert_eq!(lesson.steps[0].checks[0].description, "Das Deployment web hat 3 Replikas");
    assert_eq!(lesson.steps[0].checks[1].description, "Three pods of web are Running and ready", "untranslated texts stay");
    assert_eq!(lesson.steps[1].title, "Scale it");
    let too_many = "language: de\nsteps: [{title: a}, {title: b}, {title: c}]\n";
    assert_eq!(parse_translation(too_many, "l.de.yaml", &lesson).unwrap_err().message, "3 steps translated, the lesson has 2");
    assert_eq!(parse_translation("language: de\nsteps: [{titel: a}]\n", "l.de.yaml", &lesson).unwrap_err().to_string(), "l.de.yaml:2:10: steps[0].titel: unknown field");
}

#[test]
fn the_todo_app_lessons_counters_check_waits_for_the_counters_not_for_the_load_to_start() {
    struct Nothing;
    impl ClusterView for Nothing {
        fn objects(&self, _: crate::api::Kind, _: Option<&str>) -> Vec<crate::api::Object> {
            Vec::new()
        }
    }
    let lesson = parse_lesson(include_str!("../../../../lessons/todo-app/lesson.yaml"), "lesson.yaml").unwrap();
    let check = lesson.steps[2].checks.iter().find(|c| c.description == "You looked at the load's counters").unwrap();
    let started = Ran { command: "load http://127.0.0.1:30228 20/s".into(), output: "sending 20 requests/s to http://127.0.0.1:30228\n".into() };
    assert!(!check.evaluate(&Nothing, std::slice::from_ref(&started)).passed, "starting the load is not looking at its counters");
    let listed = Ran { command: "load".into(), output: "TARGET                   RATE   SENT   FAILED   ENDS\nhttp://127.0.0.1:30228   20/s   2260   0        never\n".into() };
    assert!(check.evaluate(&Nothing, &[started, listed]).passed);
}
