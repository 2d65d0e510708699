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

#[test]
fn tutorial_forms_kubeplay_cannot_follow_say_what_to_do_instead() {
    let mut c = Cluster::new(ClusterSettings::default());
    // kustomize, where kubectl 1.28 takes -k (elsewhere -k stays an unknown shorthand).
    for line in ["kubectl apply -k .", "kubectl delete --kustomize=overlays/dev", "kubectl get -k ."] {
        let out = run(&mut c, line);
        let verb = line.split(' ').nth(1).unwrap_or_default();
        assert_eq!(out.stderr, format!("error: kubeplay does not simulate \"kubectl {verb} -k\": kustomizations are not simulated; apply the manifests with `kubectl apply -f`\n"), "{line}");
    }
    assert_eq!(run(&mut c, "kubectl logs -k web").stderr, "error: unknown shorthand flag: 'k' in -k\nSee 'kubectl logs --help' for usage.\n");
    // A manifest by URL, as the tutorials apply theirs.
    let url = run(&mut c, "kubectl apply -f https://k8s.io/examples/application/deployment.yaml");
    assert_eq!(
        (url.stderr.as_str(), url.exit_code),
        ("error: kubeplay cannot download https://k8s.io/examples/application/deployment.yaml: the console has no network.\n  hint: save the manifest in a file (cat > deployment.yaml <<'EOF', paste it, then a line EOF) and use -f deployment.yaml\n", 1)
    );
    // `kubectl run -i -t --rm`, as the HPA walkthrough starts its load generator. kubectl's
    // own checks of those flags come first (source: kubectl 1.28).
    let hpa = run(&mut c, "kubectl run -i --tty load-generator --rm --image=busybox:1.28 --restart=Never -- /bin/sh -c \"while sleep 0.01; do wget -q -O- http://php-apache; done\"");
    assert!(hpa.stderr.starts_with("error: kubeplay does not simulate attaching to the pod \"kubectl run\" starts (-i, -t, --attach, --rm): "), "{}", hpa.stderr);
    assert!(hpa.stderr.contains("\n  hint: a pod's request loop is not turned into traffic; to load a Service, use the console's load command"), "{}", hpa.stderr);
    assert_eq!(run(&mut c, "kubectl get pods").stderr, "No resources found in default namespace.\n", "nothing was created");
    assert_eq!(run(&mut c, "kubectl run x --image=busybox --rm").stderr, "error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples\n");
    assert_eq!(
        run(&mut c, "kubectl run x --image=busybox -it --dry-run=client -o yaml").stderr,
        "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\nSee 'kubectl run -h' for help and examples\n"
    );
    assert_eq!(run(&mut c, "kubectl run x --image=busybox -- sh -i").stdout, "pod/x created\n", "flags after -- are the container's");
}

#[test]
fn real_flags_kubeplay_lacks_are_named_not_called_unknown() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    for (line, flag, command) in [
        ("kubectl delete --raw=/api/v1/namespaces/default/pods/x", "--raw", "delete"),
        ("kubectl get pods --output-watch-events", "--output-watch-events", "get"),
        ("kubectl top pod --field-selector=status.phase=Running", "--field-selector", "top pod"),
        ("kubectl top nodes --use-protocol-buffers", "--use-protocol-buffers", "top node"),
        ("kubectl scale deploy web --replicas=2 --resource-version=5", "--resource-version", "scale"),
        ("kubectl cordon node-1 --dry-run=client", "--dry-run", "cordon"),
        ("kubectl get pods -v=6", "--v", "get"),
        ("kubectl get pods --request-timeout=5s", "--request-timeout", "get"),
    ] {
        let out = run(&mut c, line);
        assert_eq!(out.stderr, format!("error: kubeplay does not simulate the flag {flag} of \"kubectl {command}\"; run the command without it\n"), "{line}");
        assert_eq!(out.exit_code, 1);
    }
    // Flags kubectl does not have stay unknown, with kubectl's message; and nothing was deleted.
    assert_eq!(run(&mut c, "kubectl top node --containers").stderr, "error: unknown flag: --containers\nSee 'kubectl top node --help' for usage.\n");
    assert_eq!(run(&mut c, "kubectl get deploy -o name").stdout, "deployment.apps/web\n");
}
