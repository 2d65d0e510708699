//! `kubectl logs`: start-up lines from the image catalog, an access line per request the
//! pod served, `--previous` after a crash, and kubectl's errors.

use kubeplay_sim::api::{Kind, Object};
use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn pod_named(c: &Cluster, prefix: &str) -> String {
    c.store().list(Kind::Pod, Some("default")).map(|o| o.name().to_string()).find(|n| n.starts_with(prefix)).unwrap()
}

#[test]
fn nginx_logs_its_start_and_each_request() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl run web --image=nginx:1.25 --port=80");
    // Source: kubectl 1.28 against a cluster, while the image is pulled.
    assert_eq!(run(&mut c, "kubectl logs web").stderr, "Error from server (BadRequest): container \"web\" in pod \"web\" is waiting to start: ContainerCreating\n");
    c.advance(Duration::seconds(10));
    let ip = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).next().unwrap().status.pod_ip.clone().unwrap();
    run(&mut c, &format!("curl -s {ip}/"));
    run(&mut c, &format!("curl -s {ip}/missing"));
    let logs = run(&mut c, "kubectl logs web").stdout;
    let lines: Vec<&str> = logs.lines().collect();
    assert_eq!(lines.len(), 4, "{logs}");
    assert!(lines[2].starts_with("10.244.0.1 - - [01/Jan/2024:09:00:") && lines[2].contains("\"GET / HTTP/1.1\" 200 "), "{logs}");
    assert!(lines[3].contains("\"GET /missing HTTP/1.1\" 404 "), "{logs}");
    assert_eq!(run(&mut c, "kubectl logs web --tail=1").stdout.lines().count(), 1);
    assert_eq!(run(&mut c, "kubectl logs web -c nope").stderr, "error: container nope is not valid for pod web\n");
    assert_eq!(run(&mut c, "kubectl logs nope").stderr, "Error from server (NotFound): pods \"nope\" not found\n");
}

#[test]
fn a_crashing_container_has_previous_logs_and_deployments_pick_a_pod() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment crash --image=kubeplay/crashloop --replicas=2");
    // Pulled after 1 s, running from 1.5 s, exits at 3.5 s: at 2 s it has not crashed yet.
    c.advance(Duration::seconds(2));
    let pod = pod_named(&c, "crash-");
    assert_eq!(
        run(&mut c, &format!("kubectl logs {pod} --previous")).stderr,
        format!("Error from server (BadRequest): previous terminated container \"crashloop\" in pod \"{pod}\" not found\n")
    );
    c.advance(Duration::seconds(40));
    let previous = run(&mut c, &format!("kubectl logs {pod} -p"));
    assert_eq!(previous.stdout, "kubeplay/crashloop: starting\nkubeplay/crashloop: cannot start, exiting with code 1\n", "{}", previous.stderr);
    let via = run(&mut c, "kubectl logs deployment/crash");
    assert!(via.stderr.starts_with("Found 2 pods, using pod/crash-"), "{}", via.stderr);
}

#[test]
fn a_selector_prints_each_pods_last_ten_lines() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    run(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(30));
    let ip = run(&mut c, "kubectl get svc web -o jsonpath={.spec.clusterIP}").stdout;
    for _ in 0..30 {
        run(&mut c, &format!("curl -s http://{ip}/"));
    }
    let mut pods: Vec<String> = c.store().list(Kind::Pod, Some("default")).map(|o| o.name().to_string()).collect();
    pods.sort();
    // Each pod's own log, in name order, cut as kubectl cuts it for a selector (10 lines).
    let each: Vec<String> = pods.iter().map(|p| run(&mut c, &format!("kubectl logs {p} --tail=10")).stdout).collect();
    assert!(each.iter().all(|l| l.lines().count() == 10), "{each:?}");
    let out = run(&mut c, "kubectl logs -l app=web");
    assert_eq!((out.stdout, out.stderr), (each.concat(), String::new()));
    let last: Vec<String> = pods.iter().map(|p| run(&mut c, &format!("kubectl logs {p} --tail=1")).stdout).collect();
    assert_eq!(run(&mut c, "kubectl logs -l app=web --tail=1").stdout, last.concat());
    assert_eq!(run(&mut c, "kubectl logs -l app=nope").stderr, "No resources found in default namespace.\n");
    // Source: kubectl 1.28.
    assert_eq!(run(&mut c, "kubectl logs web -l app=web").stderr, "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n");
}

#[test]
fn all_containers_prints_each_containers_log_in_turn() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: web\n    image: nginx\n  - name: cache\n    image: redis\n", "two.yaml");
    c.advance(Duration::seconds(20));
    let web = run(&mut c, "kubectl logs two -c web").stdout;
    let cache = run(&mut c, "kubectl logs two -c cache").stdout;
    let out = run(&mut c, "kubectl logs two --all-containers");
    assert_eq!((out.stdout, out.stderr), (format!("{web}{cache}"), String::new()), "no note about a defaulted container");
    assert!(run(&mut c, "kubectl logs two -f --all-containers").stderr.starts_with("error: kubeplay does not follow several containers at once"));
}

/// `--tail` cuts each container's log with `--all-containers` too, as kubectl 1.28 does.
#[test]
fn all_containers_keeps_the_tail_of_each_log() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: two\nspec:\n  containers:\n  - name: web\n    image: nginx\n  - name: cache\n    image: redis\n", "two.yaml");
    c.advance(Duration::seconds(20));
    let web = run(&mut c, "kubectl logs two -c web --tail=1").stdout;
    let cache = run(&mut c, "kubectl logs two -c cache --tail=1").stdout;
    assert_eq!((web.lines().count(), cache.lines().count()), (1, 1), "{web}{cache}");
    assert!(run(&mut c, "kubectl logs two -c web").stdout.lines().count() > 1, "the log has more than its tail");
    assert_eq!(run(&mut c, "kubectl logs two --all-containers --tail=1").stdout, format!("{web}{cache}"));
}
