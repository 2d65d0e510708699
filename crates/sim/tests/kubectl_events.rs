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
