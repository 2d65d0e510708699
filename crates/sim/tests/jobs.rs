//! Jobs: completions and parallelism, the failure back-off and backoff limit, deadlines.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn job(name: &str, extra_spec: &str, command: &str, restart: &str) -> String {
    format!(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}\nspec:\n{extra_spec}  template:\n    spec:\n      restartPolicy: {restart}\n      containers:\n      - name: work\n        image: busybox:1.36\n        command: [\"sh\", \"-c\", \"{command}\"]\n"
    )
}

fn job_of(c: &Cluster, name: &str) -> kubeplay_sim::api::Job {
    c.store().list(Kind::Job, Some("default")).filter_map(Object::as_job).find(|j| j.metadata.name == name).cloned().unwrap()
}

#[test]
fn completions_run_with_parallelism_until_done() {
    let mut c = Cluster::new(ClusterSettings::default());
    let report = c.apply_manifest(&job("batch", "  completions: 3\n  parallelism: 2\n", "sleep 5", "Never"), "job.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    c.advance(Duration::seconds(3));
    assert_eq!(job_of(&c, "batch").status.active, 2);
    assert!(run(&mut c, "kubectl get jobs").stdout.contains("batch   0/3           3s         3s"), "{}", run(&mut c, "kubectl get jobs").stdout);
    c.advance(Duration::seconds(20));
    let j = job_of(&c, "batch");
    assert_eq!((j.status.succeeded, j.status.active), (3, 0));
    assert!(j.status.conditions.iter().any(|c| c.type_ == "Complete" && c.status == "True"));
    let out = run(&mut c, "kubectl get jobs").stdout;
    assert!(out.contains("batch   3/3           "), "{out}");
    assert_eq!(run(&mut c, "kubectl get pods -l job-name=batch -o name").stdout.lines().count(), 3, "finished pods are kept");
}

#[test]
fn failures_back_off_and_hit_the_limit() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(&job("flaky", "  backoffLimit: 2\n", "exit 1", "Never"), "job.yaml");
    let mut created = Vec::new();
    for _ in 0..120 {
        c.advance(Duration::seconds(1));
        for p in c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod) {
            if !created.iter().any(|(n, _)| n == &p.metadata.name) {
                created.push((p.metadata.name.clone(), p.metadata.creation_timestamp.unwrap()));
            }
        }
    }
    assert_eq!(created.len(), 3, "backoffLimit 2: the third failure ends the job");
    let gaps: Vec<i64> = created.windows(2).map(|w| (w[1].1 - w[0].1).as_millis() / 1000).collect();
    assert!(gaps[0] >= 10 && gaps[0] <= 14 && gaps[1] >= 20 && gaps[1] <= 24, "10 s then 20 s back-off (plus pull and run): {gaps:?}");
    let j = job_of(&c, "flaky");
    let failed = j.status.conditions.iter().find(|c| c.type_ == "Failed").unwrap();
    assert_eq!(failed.reason.as_deref(), Some("BackoffLimitExceeded"));
    assert_eq!(j.status.failed, 3);
}

#[test]
fn deadlines_and_invalid_restart_policies() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(&job("slow", "  activeDeadlineSeconds: 10\n", "sleep 60", "Never"), "job.yaml");
    c.advance(Duration::seconds(15));
    let j = job_of(&c, "slow");
    assert_eq!(j.status.conditions[0].reason.as_deref(), Some("DeadlineExceeded"));
    assert!(c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).all(|p| p.metadata.deletion_timestamp.is_some()), "active pods are deleted");
    let report = c.apply_manifest(&job("bad", "", "true", "Always"), "job.yaml");
    assert_eq!(report.errors, vec!["Error from server (Invalid): Job.batch \"bad\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"".to_string()]);
}
