//! `kubectl events` (kubectl 1.28's command, besides `get events`): oldest first, repeated
//! events with their count, the object as `Kind/name`, filtered by `--for` and `--types`.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

#[test]
fn events_are_listed_oldest_first_with_their_repeats() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    run(&mut c, "kubectl create deployment bad --image=nginx:doesnotexist");
    c.advance(Duration::seconds(120));
    let all = run(&mut c, "kubectl events").stdout;
    let lines: Vec<&str> = all.lines().collect();
    assert!(lines[0].starts_with("LAST SEEN ") && lines[0].ends_with("OBJECT                      MESSAGE"), "{all}");
    let started = lines.iter().position(|l| l.contains("Started   ") && l.contains("Pod/web-")).expect("the web pod started");
    let scaled = lines.iter().position(|l| l.contains("ScalingReplicaSet") && l.contains("Deployment/web ")).expect("the deployment scaled");
    assert!(scaled < started, "oldest first: {all}");
    let repeated = lines.iter().find(|l| l.contains("Error: ErrImagePull")).expect("the pull failed");
    let cells: Vec<&str> = repeated.split_whitespace().take(7).collect();
    assert_eq!(cells[..6], ["44s", "(x4", "over", "118s)", "Warning", "Failed"], "{repeated}");
    assert!(cells[6].starts_with("Pod/bad-"), "{repeated}");
    let warnings = run(&mut c, "kubectl events --types=Warning").stdout;
    assert!(warnings.lines().skip(1).all(|l| l.contains("   Warning   ")), "{warnings}");
    assert_eq!(warnings.lines().count(), 3, "{warnings}");
    let web = run(&mut c, "kubectl events --for deploy/web").stdout;
    assert_eq!(web.lines().count(), 2, "{web}");
    assert!(web.ends_with("Deployment/web   Scaled up replica set web-7995b8d97d to 1\n"), "{web}");
    let everywhere = run(&mut c, "kubectl events -A --types Warning --no-headers").stdout;
    assert!(everywhere.lines().all(|l| l.starts_with("default   ")), "{everywhere}");
    assert_eq!(run(&mut c, "kubectl events -n kube-public").stderr, "No events found in kube-public namespace.\n");
    let bad = run(&mut c, "kubectl events --types=Error");
    assert_eq!((bad.stderr.as_str(), bad.exit_code), ("error: valid --types are Normal or Warning\n", 1));
}

#[test]
fn a_script_gets_the_table_of_events_w() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    c.advance(Duration::seconds(10));
    let out = run(&mut c, "kubectl events -w --for deploy/web");
    assert!(!out.pending, "a script does not wait on a watch");
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn events_print_as_an_event_list_with_o() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl run p --image=nginx");
    c.advance(Duration::seconds(20));
    // JSON as kubectl prints the typed EventList: the Go structs' field order, an
    // ObjectReference's namespace before its name, a zero eventTime as null.
    let json = run(&mut c, "kubectl events --for pod/p -o json").stdout;
    assert!(json.starts_with("{\n    \"kind\": \"EventList\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {},\n    \"items\": [\n        {\n            \"kind\": \"Event\",\n            \"apiVersion\": \"v1\",\n            \"metadata\": {\n                \"name\": \"p."), "{json}");
    assert!(json.contains("\"involvedObject\": {\n                \"kind\": \"Pod\",\n                \"namespace\": \"default\",\n                \"name\": \"p\",\n                \"uid\": "), "{json}");
    assert!(json.contains("\"count\": 1,\n            \"type\": \"Normal\",\n            \"eventTime\": null,\n            \"reportingComponent\": \"default-scheduler\",\n            \"reportingInstance\": \"\"\n        },"), "{json}");
    let reasons: Vec<String> = serde_json::from_str::<serde_json::Value>(&json).unwrap()["items"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap().to_string()).collect();
    assert_eq!(reasons, ["Scheduled", "Pulling", "Pulled", "Created", "Started"], "oldest first, as the table");
    let yaml = run(&mut c, "kubectl events --for pod/p -o yaml").stdout;
    assert!(yaml.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  count: 1\n"), "YAML keys sorted, as sigs.k8s.io/yaml writes them: {yaml}");
    assert!(yaml.ends_with("kind: EventList\nmetadata: {}\n"), "{yaml}");
    let names = run(&mut c, "kubectl events --for pod/p -o name").stdout;
    assert_eq!(names.lines().count(), 5);
    assert!(names.lines().all(|l| l.starts_with("event/p.")), "{names}");
    let template = run(&mut c, "kubectl events --for pod/p -o 'go-template={{range .items}}{{.reason}},{{end}}'").stdout;
    assert_eq!(template, "Scheduled,Pulling,Pulled,Created,Started,");
    let wide = run(&mut c, "kubectl events -o wide");
    assert_eq!(wide.stderr, "Error: unable to match a printer suitable for the output format \"wide\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n", "as kubectl 1.28 prints it");
    assert_eq!(run(&mut c, "kubectl events -n kube-public -o json").stderr, "No events found in kube-public namespace.\n");
}

#[test]
fn a_watch_prints_each_event_as_its_own_yaml_document() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl run p --image=nginx");
    c.advance(Duration::seconds(20));
    let yaml = run(&mut c, "kubectl events --for pod/p -w -o yaml").stdout;
    assert_eq!(yaml.matches("kind: Event\n").count(), 5, "{yaml}");
    assert_eq!(yaml.matches("---\n").count(), 4, "a separator between documents, none before the first: {yaml}");
    assert!(yaml.starts_with("apiVersion: v1\ncount: 1\n"), "{yaml}");
}
