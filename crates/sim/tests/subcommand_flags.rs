//! kubectl's flag errors name the subcommand whose flags were wrong (`See 'kubectl create
//! deployment --help'`), each subcommand refuses the flags of its siblings (`rollout undo
//! --revision`), and `apply view-last-applied` reads `-f`. Every expected text was printed
//! by kubectl 1.28 (the binary needs no cluster to refuse a flag).

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::shell::Shell;
use kubeplay_sim::{Cluster, ClusterSettings};

#[test]
fn flag_errors_name_the_subcommand() {
    let mut c = Cluster::new(ClusterSettings::default());
    let cases = [
        ("kubectl create deployment x --image=nginx --foo", "error: unknown flag: --foo\nSee 'kubectl create deployment --help' for usage.\n"),
        ("kubectl create deploy x --image=nginx --from-literal=a=b", "error: unknown flag: --from-literal\nSee 'kubectl create deployment --help' for usage.\n"),
        ("kubectl create secret tls x --cert tls.crt --key", "error: flag needs an argument: --key\nSee 'kubectl create secret tls --help' for usage.\n"),
        ("kubectl create configmap x --image=nginx", "error: unknown flag: --image\nSee 'kubectl create configmap --help' for usage.\n"),
        ("kubectl create namespace x --replicas=3", "error: unknown flag: --replicas\nSee 'kubectl create namespace --help' for usage.\n"),
        ("kubectl create -f x.yaml --image=nginx", "error: unknown flag: --image\nSee 'kubectl create --help' for usage.\n"),
        ("kubectl create svc clusterip x --tcp=80 --node-port=3", "error: unknown flag: --node-port\nSee 'kubectl create service clusterip --help' for usage.\n"),
        ("kubectl create secret --from-literal=a=b", "error: unknown flag: --from-literal\nSee 'kubectl create secret --help' for usage.\n"),
        ("kubectl create sa x --image=n", "error: unknown flag: --image\nSee 'kubectl create serviceaccount --help' for usage.\n"),
        ("kubectl create quota q --hard=pods=1 --tcp=8", "error: unknown flag: --tcp\nSee 'kubectl create quota --help' for usage.\n"),
        ("kubectl rollout status deploy/x --foo", "error: unknown flag: --foo\nSee 'kubectl rollout status --help' for usage.\n"),
        ("kubectl rollout undo deploy/x --revision=2", "error: unknown flag: --revision\nSee 'kubectl rollout undo --help' for usage.\n"),
        ("kubectl rollout history deploy/x --to-revision=2", "error: unknown flag: --to-revision\nSee 'kubectl rollout history --help' for usage.\n"),
        ("kubectl rollout status deploy/x --timeout", "error: flag needs an argument: --timeout\nSee 'kubectl rollout status --help' for usage.\n"),
        ("kubectl rollout restart deploy/x --watch", "error: unknown flag: --watch\nSee 'kubectl rollout restart --help' for usage.\n"),
        ("kubectl set image deploy/x x=y --foo", "error: unknown flag: --foo\nSee 'kubectl set image --help' for usage.\n"),
        ("kubectl set image deploy/x x=y --limits=cpu=1", "error: unknown flag: --limits\nSee 'kubectl set image --help' for usage.\n"),
        ("kubectl set resources deploy/x --from=configmap/x", "error: unknown flag: --from\nSee 'kubectl set resources --help' for usage.\n"),
        ("kubectl set env deploy/x --limits=cpu=1", "error: unknown flag: --limits\nSee 'kubectl set env --help' for usage.\n"),
        ("kubectl top pod --show-capacity", "error: unknown flag: --show-capacity\nSee 'kubectl top pod --help' for usage.\n"),
        ("kubectl top node --containers", "error: unknown flag: --containers\nSee 'kubectl top node --help' for usage.\n"),
        ("kubectl top pods --containers --foo", "error: unknown flag: --foo\nSee 'kubectl top pod --help' for usage.\n"),
        ("kubectl config view --foo", "error: unknown flag: --foo\nSee 'kubectl config view --help' for usage.\n"),
        ("kubectl config view --current", "error: unknown flag: --current\nSee 'kubectl config view --help' for usage.\n"),
        ("kubectl config get-contexts --minify", "error: unknown flag: --minify\nSee 'kubectl config get-contexts --help' for usage.\n"),
        ("kubectl config set-context --raw", "error: unknown flag: --raw\nSee 'kubectl config set-context --help' for usage.\n"),
        ("kubectl get pods --foo", "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"),
        ("kubectl get pods -z", "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.\n"),
        ("kubectl run x --image=nginx --foo", "error: unknown flag: --foo\nSee 'kubectl run --help' for usage.\n"),
        ("kubectl create job j --image=busybox --port=80", "error: unknown flag: --port\nSee 'kubectl create job --help' for usage.\n"),
        ("kubectl scale --replicas=abc deploy/x", "error: invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl scale --help' for usage.\n"),
        ("kubectl rollout undo deploy/x --to-revision=abc", "error: invalid argument \"abc\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl rollout undo --help' for usage.\n"),
        ("kubectl logs x --tail=abc", "error: invalid argument \"abc\" for \"--tail\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl logs --help' for usage.\n"),
        ("kubectl delete pods --all --grace-period=abc", "error: invalid argument \"abc\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl delete --help' for usage.\n"),
        ("kubectl create deployment -r", "error: flag needs an argument: 'r' in -r\nSee 'kubectl create deployment --help' for usage.\n"),
    ];
    for (line, expected) in cases {
        let out = run(&mut c, line);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", expected, 1), "{line}");
    }
}

#[test]
fn a_subcommand_takes_its_own_flags() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28.
    let external = run(&mut c, "kubectl create service externalname x --external-name=a.b --tcp=80 --dry-run=client -o yaml");
    assert_eq!(external.stdout, "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: x\n  name: x\nspec:\n  externalName: a.b\n  ports:\n  - name: \"80\"\n    port: 80\n    protocol: TCP\n    targetPort: 80\n  selector:\n    app: x\n  type: ExternalName\nstatus:\n  loadBalancer: {}\n");
    let template = run(&mut c, "kubectl create deployment web --image=nginx --dry-run=client -o go-template --template={{.spec.replicas}}");
    assert_eq!((template.stdout.as_str(), template.stderr.as_str()), ("1", ""));
    c.advance(Duration::seconds(120));
    let top = run(&mut c, "kubectl top pods -n kube-system --sort-by=cpu");
    assert!(top.stdout.starts_with("NAME ") && top.stderr.is_empty(), "{top:?}");
}

#[test]
fn view_last_applied_reads_the_objects_of_files() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n";
    s.run(&mut c, &format!("cat > cfg.yaml <<'EOF'\n{manifest}EOF"), Duration(0));
    assert_eq!(s.run(&mut c, "kubectl apply -f cfg.yaml", Duration(0)).stdout, "configmap/cfg created\n");
    let shown = s.run(&mut c, "kubectl apply view-last-applied -f cfg.yaml", Duration(0));
    assert_eq!((shown.stdout.as_str(), shown.stderr.as_str()), ("apiVersion: v1\ndata:\n  a: \"1\"\nkind: ConfigMap\nmetadata:\n  annotations: {}\n  name: cfg\n  namespace: default\n", ""));
}

#[test]
fn a_group_needs_one_of_its_subcommands() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28.
    for (line, expected) in [
        ("kubectl top foo", "error: unknown command \"foo\"\nSee 'kubectl top -h' for help and examples\n"),
        ("kubectl rollout foo deploy/web", "error: unknown command \"foo deploy/web\"\nSee 'kubectl rollout -h' for help and examples\n"),
        ("kubectl set foo", "error: unknown command \"foo\"\nSee 'kubectl set -h' for help and examples\n"),
        ("kubectl config foo", "error: unknown command \"foo\"\nSee 'kubectl config -h' for help and examples\n"),
        ("kubectl create service foo x", "error: unknown command \"foo x\"\nSee 'kubectl create service -h' for help and examples\n"),
        ("kubectl create secret foo", "error: unknown command \"foo\"\nSee 'kubectl create secret -h' for help and examples\n"),
    ] {
        let out = run(&mut c, line);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", expected, 1), "{line}");
    }
    // Alone, a group prints its help (kubeplay's words) on standard error and fails;
    // `rollout` prints it on standard output.
    for (line, summary) in [("kubectl create secret", "Make a Secret.\n"), ("kubectl create svc", "Make a Service of one type.\n"), ("kubectl set", "Change a field"), ("kubectl top", "Show the CPU")] {
        let out = run(&mut c, line);
        assert!(out.stdout.is_empty() && out.stderr.starts_with(summary) && out.stderr.contains("\nAvailable Commands:\n") && out.exit_code == 1, "{line}: {out:?}");
    }
    // Source: kubectl 1.28 (the help after the error is kubeplay's).
    let create = run(&mut c, "kubectl create");
    assert!(create.stderr.starts_with("Error: must specify one of -f and -k\n\nMake objects from manifest files") && create.stdout.is_empty() && create.exit_code == 1, "{create:?}");
    let rollout = run(&mut c, "kubectl rollout");
    assert!(rollout.stdout.starts_with("Follow, pause, restart or undo") && rollout.stderr.is_empty() && rollout.exit_code == 1, "{rollout:?}");
}
