//! Real kubectl commands kubeplay does not simulate say so, with what serves instead, rather
//! than cobra's "unknown command" suggesting the very command typed; `api-versions` and
//! `auth can-i` answer as an administrator's kubectl does.

use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

#[test]
fn unsimulated_commands_say_so_whatever_their_flags() {
    let mut c = Cluster::new(ClusterSettings::default());
    for (line, start) in [
        ("kubectl cp web-0:/etc/motd motd", "error: kubeplay does not simulate \"kubectl cp\": "),
        ("kubectl debug pod/web -it --image=busybox", "error: kubeplay does not simulate \"kubectl debug\": "),
        ("kubectl proxy --port=8001", "error: kubeplay does not simulate \"kubectl proxy\": "),
        ("kubectl -n dev attach web", "error: kubeplay does not simulate \"kubectl attach\": "),
        ("kubectl auth whoami", "error: kubeplay does not simulate \"kubectl auth\": "),
    ] {
        let out = run(&mut c, line);
        assert!(out.stderr.starts_with(start), "{line}: {}", out.stderr);
        assert!(!out.stderr.contains("Did you mean"), "{line}: {}", out.stderr);
        assert_eq!(out.exit_code, 1);
    }
    assert!(run(&mut c, "kubectl atach web").stderr.contains("Did you mean this?\n\tattach\n"), "a typo is still suggested");
}

#[test]
fn api_versions_and_auth_can_i_answer() {
    let mut c = Cluster::new(ClusterSettings::default());
    let versions = run(&mut c, "kubectl api-versions").stdout;
    let lines: Vec<&str> = versions.lines().collect();
    assert!(lines.contains(&"apps/v1") && lines.contains(&"autoscaling/v1") && lines.contains(&"autoscaling/v2") && lines.contains(&"metrics.k8s.io/v1beta1"), "{versions}");
    assert_eq!(lines.last(), Some(&"v1"), "sorted as strings, so the core group's v1 is last: {versions}");
    assert_eq!(run(&mut c, "kubectl auth can-i create deployments").stdout, "yes\n");
    assert_eq!(run(&mut c, "kubectl auth can-i '*' '*' -A").stdout, "yes\n");
    assert_eq!(run(&mut c, "kubectl auth can-i create").stderr, "error: you must specify two arguments: verb resource or a nonResourceURL\n");
}
