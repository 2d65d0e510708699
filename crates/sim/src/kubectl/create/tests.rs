//! Goldens for the generators. Sources: "kubectl 1.28" marks output captured from the
//! real binary with `--dry-run=client -o yaml`; "ours" marks kubeplay's own additions.

use crate::clock::Duration;
use crate::cluster::{Cluster, ClusterSettings};
use crate::kubectl::run;

fn cluster() -> Cluster {
    Cluster::new(ClusterSettings::default())
}

/// Source: kubectl 1.28, `kubectl create deployment web --image=nginx --replicas=3 --port=80 --dry-run=client -o yaml`.
const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
status: {}
";

#[test]
fn create_deployment_dry_run_prints_what_kubectl_builds() {
    let mut c = cluster();
    let out = run(&mut c, "kubectl create deployment web --image=nginx --replicas=3 --port=80 --dry-run=client -o yaml");
    assert_eq!(out.stdout, DEPLOYMENT);
    assert_eq!(out.exit_code, 0);
    assert!(!run(&mut c, "kubectl get deployments").stdout.contains("web"), "a client dry run creates nothing");
    assert_eq!(run(&mut c, "kubectl create deployment web --image=nginx --dry-run=client").stdout, "deployment.apps/web created (dry run)\n");
}

#[test]
fn create_deployment_runs_its_replicas() {
    let mut c = cluster();
    let out = run(&mut c, "kubectl create deployment web --image=nginx --replicas=3");
    assert_eq!((out.stdout.as_str(), out.exit_code), ("deployment.apps/web created\n", 0));
    c.advance(Duration::seconds(60));
    let table = run(&mut c, "kubectl get deployment web").stdout;
    assert!(table.lines().nth(1).is_some_and(|l| l.starts_with("web    3/3     3            3")), "{table}");
    let pods = run(&mut c, "kubectl get pods -l app=web").stdout;
    assert_eq!(pods.lines().count(), 4, "{pods}");
    // Source: kubectl 1.28 against a cluster.
    let again = run(&mut c, "kubectl create deployment web --image=nginx");
    assert_eq!((again.stderr.as_str(), again.exit_code), ("error: failed to create deployment: deployments.apps \"web\" already exists\n", 1));
}

#[test]
fn create_deployment_with_a_command_and_several_images() {
    let mut c = cluster();
    // Source: kubectl 1.28.
    let out = run(&mut c, "kubectl create deployment web --image=nginx -o yaml --dry-run=client -- sleep 10");
    assert!(out.stdout.contains("      containers:\n      - command:\n        - sleep\n        - \"10\"\n        image: nginx\n        name: nginx\n        resources: {}\n"), "{}", out.stdout);
    let both = run(&mut c, "kubectl create deployment web --image=johscheuer/go-webserver:v1 --image=redis:7 --port=8000 --dry-run=client -o yaml");
    assert!(both.stdout.contains("      - image: johscheuer/go-webserver:v1\n        name: go-webserver\n        ports:\n        - containerPort: 8000\n        resources: {}\n      - image: redis:7\n        name: redis\n        resources: {}\n"), "{}", both.stdout);
    let err = run(&mut c, "kubectl create deployment web --image=nginx --image=redis -- sleep 10");
    assert_eq!(err.stderr, "error: cannot specify multiple --image options and command\n");
}

#[test]
fn generator_errors_read_as_kubectl_prints_them() {
    let mut c = cluster();
    // Source: kubectl 1.28.
    let cases = [
        ("kubectl create deployment --image=nginx", "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples\n"),
        ("kubectl create deployment web", "error: required flag(s) \"image\" not set\n"),
        ("kubectl create deployment web --image=nginx --replicas=x", "error: invalid argument \"x\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n"),
        ("kubectl create namespace", "error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n"),
        ("kubectl create secret generic s --from-literal=bad", "error: invalid literal source bad, expected key=value\n"),
        ("kubectl create configmap c --from-literal=a=1 --from-literal=a=2", "error: cannot add key \"a\", another key by that name already exists in Data for ConfigMap \"c\"\n"),
        // Source: kubectl 1.27 to 1.33 (a Secret's words differ from a ConfigMap's).
        ("kubectl create secret generic s --from-literal=a=1 --from-literal=a=2", "error: cannot add key a, another key by that name already exists\n"),
        ("kubectl create job j", "error: either --image or --from must be specified\n"),
        ("kubectl create deployment web --image=nginx --dry-run=bogus", "error: Invalid dry-run value (bogus). Must be \"none\", \"server\", or \"client\".\n"),
        ("kubectl create foo x", "error: unknown command \"foo x\"\nSee 'kubectl create -h' for help and examples\n"),
        ("kubectl run x", "error: required flag(s) \"image\" not set\n"),
    ];
    for (line, expected) in cases {
        let out = run(&mut c, line);
        assert_eq!((out.stderr.as_str(), out.exit_code), (expected, 1), "{line}");
    }
}

#[test]
fn namespace_configmap_secret_and_job_generators() {
    let mut c = cluster();
    // Source: kubectl 1.28 for all four.
    assert_eq!(run(&mut c, "kubectl create namespace shop --dry-run=client -o yaml").stdout, "apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: null\n  name: shop\nspec: {}\nstatus: {}\n");
    assert_eq!(
        run(&mut c, "kubectl create configmap cfg --from-literal=a=1 --from-literal=b=two --dry-run=client -o yaml").stdout,
        "apiVersion: v1\ndata:\n  a: \"1\"\n  b: two\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: cfg\n"
    );
    assert_eq!(
        run(&mut c, "kubectl create secret generic demo-secret --from-literal=username='demo' --from-literal=password='secret' --dry-run=client -o yaml").stdout,
        "apiVersion: v1\ndata:\n  password: c2VjcmV0\n  username: ZGVtbw==\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: demo-secret\n"
    );
    assert_eq!(
        run(&mut c, "kubectl create job j --image=busybox --dry-run=client -o yaml -- sleep 5").stdout,
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  creationTimestamp: null\n  name: j\nspec:\n  template:\n    metadata:\n      creationTimestamp: null\n    spec:\n      containers:\n      - command:\n        - sleep\n        - \"5\"\n        image: busybox\n        name: j\n        resources: {}\n      restartPolicy: Never\nstatus: {}\n"
    );
    // For real: the namespace exists, the secret's data decodes, the job completes.
    assert_eq!(run(&mut c, "kubectl create namespace shop").stdout, "namespace/shop created\n");
    assert_eq!(run(&mut c, "kubectl create secret generic demo-secret --from-literal=username=demo -n shop").stdout, "secret/demo-secret created\n");
    assert!(run(&mut c, "kubectl get secret demo-secret -n shop -o yaml").stdout.contains("  username: ZGVtbw==\n"));
    assert!(run(&mut c, "kubectl get secrets -n shop").stdout.contains("demo-secret   Opaque   1      0s"));
    assert_eq!(run(&mut c, "kubectl create job j --image=busybox -- sleep 5").stdout, "job.batch/j created\n");
    c.advance(Duration::seconds(60));
    assert!(run(&mut c, "kubectl get jobs").stdout.contains("j      1/1"), "{}", run(&mut c, "kubectl get jobs").stdout);
}

/// Source: kubectl 1.28's run generator (the binary needs a server even for a client dry
/// run, so this follows the fields it sets: labels run=NAME, dnsPolicy, restartPolicy).
const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: web
  name: web
spec:
  containers:
  - image: nginx
    name: web
    ports:
    - containerPort: 80
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
";

#[test]
fn run_creates_one_pod() {
    let mut c = cluster();
    assert_eq!(run(&mut c, "kubectl run web --image=nginx --port=80 --dry-run=client -o yaml").stdout, POD);
    let out = run(&mut c, "kubectl run web --image=nginx --labels=app=web,tier=front");
    assert_eq!(out.stdout, "pod/web created\n");
    c.advance(Duration::seconds(30));
    let pods = run(&mut c, "kubectl get pods -l tier=front").stdout;
    assert!(pods.contains("web    1/1     Running"), "{pods}");
    let args = run(&mut c, "kubectl run box --image=busybox --restart=Never --env=A=1 --dry-run=client -o yaml -- sleep 10").stdout;
    assert!(args.contains("  - args:\n    - sleep\n    - \"10\"\n    env:\n    - name: A\n      value: \"1\"\n    image: busybox\n    name: box\n"), "{args}");
    assert!(args.contains("  restartPolicy: Never\n"));
}

#[test]
fn the_2018_run_with_replicas_is_refused_with_a_way_forward() {
    let mut c = cluster();
    let out = run(&mut c, "kubectl run --image=nginx --port=80 --labels='inovex=class' --record --replicas=3 my-nginx");
    // First kubectl 1.28's own lines, then ours.
    assert!(out.stderr.starts_with("error: unknown flag: --replicas\nSee 'kubectl run --help' for usage.\n"), "{}", out.stderr);
    assert!(out.stderr.contains("kubectl create deployment my-nginx --image=nginx --replicas=3 --port=80"), "{}", out.stderr);
    assert_eq!(out.exit_code, 1);
    assert!(!run(&mut c, "kubectl get pods").stdout.contains("my-nginx"));
}

#[test]
fn server_dry_run_validates_without_storing() {
    let mut c = cluster();
    assert_eq!(run(&mut c, "kubectl create deployment web --image=nginx --dry-run=server").stdout, "deployment.apps/web created (server dry run)\n");
    assert!(!run(&mut c, "kubectl get deployments").stdout.contains("web"));
    run(&mut c, "kubectl create namespace shop");
    let out = run(&mut c, "kubectl create namespace shop --dry-run=server");
    assert_eq!(out.stderr, "Error from server (AlreadyExists): namespaces \"shop\" already exists\n");
}

#[test]
fn create_service_builds_what_kubectl_builds() {
    let mut c = cluster();
    let spec = |line: &str| {
        let mut c = cluster();
        let out = run(&mut c, line).stdout;
        out.split_once("spec:\n").map(|(_, s)| format!("spec:\n{s}")).unwrap_or(out)
    };
    // Source: kubectl 1.28, each with --dry-run=client -o yaml.
    assert_eq!(
        run(&mut c, "kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml").stdout,
        "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  ports:\n  - name: 80-8080\n    port: 80\n    protocol: TCP\n    targetPort: 8080\n  selector:\n    app: web\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n"
    );
    assert_eq!(
        spec("kubectl create service nodeport web --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml"),
        "spec:\n  ports:\n  - name: 80-8080\n    nodePort: 30080\n    port: 80\n    protocol: TCP\n    targetPort: 8080\n  selector:\n    app: web\n  type: NodePort\nstatus:\n  loadBalancer: {}\n"
    );
    assert_eq!(
        spec("kubectl create service clusterip web --tcp=80,443:https --dry-run=client -o yaml"),
        "spec:\n  ports:\n  - name: \"80\"\n    port: 80\n    protocol: TCP\n    targetPort: 80\n  - name: 443-https\n    port: 443\n    protocol: TCP\n    targetPort: https\n  selector:\n    app: web\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n"
    );
    assert_eq!(spec("kubectl create service clusterip web --clusterip=None --dry-run=client -o yaml"), "spec:\n  clusterIP: None\n  selector:\n    app: web\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n");
    assert_eq!(
        spec("kubectl create service externalname web --external-name=example.com --dry-run=client -o yaml"),
        "spec:\n  externalName: example.com\n  selector:\n    app: web\n  type: ExternalName\nstatus:\n  loadBalancer: {}\n"
    );
    assert_eq!(
        spec("kubectl create service externalname web --external-name=a.b --tcp=80:8080 --dry-run=client -o yaml"),
        "spec:\n  externalName: a.b\n  ports:\n  - name: 80-8080\n    port: 80\n    protocol: TCP\n    targetPort: 8080\n  selector:\n    app: web\n  type: ExternalName\nstatus:\n  loadBalancer: {}\n"
    );
    for (line, err) in [
        ("kubectl create service clusterip web", "error: at least one tcp port specifier must be provided\n"),
        ("kubectl create service clusterip --tcp=80", "error: exactly one NAME is required, got 0\nSee 'kubectl create service clusterip -h' for help and examples\n"),
        ("kubectl create service clusterip web --tcp=abc", "error: strconv.ParseUint: parsing \"abc\": invalid syntax\n"),
        ("kubectl create service externalname web", "error: required flag(s) \"external-name\" not set\n"),
        ("kubectl create service foo web", "error: unknown command \"foo web\"\nSee 'kubectl create service -h' for help and examples\n"),
        ("kubectl create service nodeport web --tcp=80 --clusterip=None", "error: unknown flag: --clusterip\nSee 'kubectl create service nodeport --help' for usage.\n"),
        ("kubectl create service loadbalancer web --tcp=80 --node-port=30001", "error: unknown flag: --node-port\nSee 'kubectl create service loadbalancer --help' for usage.\n"),
        ("kubectl create service clusterip web --tcp=80 --external-name=x", "error: unknown flag: --external-name\nSee 'kubectl create service clusterip --help' for usage.\n"),
    ] {
        assert_eq!(run(&mut c, line).stderr, err, "{line}");
    }
    // Created for real, it routes to the Deployment of the same name.
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    assert_eq!(run(&mut c, "kubectl create service nodeport web --tcp=80").stdout, "service/web created\n");
    c.advance(Duration::seconds(30));
    let endpoints = run(&mut c, "kubectl get endpoints web -o jsonpath={.subsets[0].addresses[*].ip}").stdout;
    assert_eq!(endpoints.split(' ').count(), 2, "{endpoints}");
}

#[test]
fn run_expose_makes_a_service_for_the_pod() {
    let mut c = cluster();
    // Ours, after kubectl's service generator: the pod's name, its labels as the selector, no labels of its own.
    let out = run(&mut c, "kubectl run web --image=nginx --port=80 --expose --dry-run=client -o yaml").stdout;
    assert!(out.starts_with("apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  name: web\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 80\n  selector:\n    run: web\nstatus:\n  loadBalancer: {}\n---\napiVersion: v1\nkind: Pod\n"), "{out}");
    assert_eq!(run(&mut c, "kubectl run web --image=nginx --port=80 --expose").stdout, "service/web created\npod/web created\n");
    c.advance(Duration::seconds(20));
    let endpoints = run(&mut c, "kubectl get endpoints web -o jsonpath={.subsets[0].addresses[*].ip}").stdout;
    assert!(endpoints.starts_with("10.244."), "the Service selects the pod: {endpoints}");
    assert_eq!(run(&mut c, "kubectl run other --image=nginx --expose").stderr, "error: --port must be set when exposing a service\nSee 'kubectl run -h' for help and examples\n");
}

#[test]
fn docker_registry_secrets_as_kubectl_builds_them() {
    let mut c = cluster();
    // Source: kubectl 1.28, each with --dry-run=client -o yaml.
    assert_eq!(
        run(&mut c, "kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=ana --docker-password=s3cret --docker-email=ana@example.com --dry-run=client -o yaml").stdout,
        "apiVersion: v1\ndata:\n  .dockerconfigjson: eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJ1c2VybmFtZSI6ImFuYSIsInBhc3N3b3JkIjoiczNjcmV0IiwiZW1haWwiOiJhbmFAZXhhbXBsZS5jb20iLCJhdXRoIjoiWVc1aE9uTXpZM0psZEE9PSJ9fX0=\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: regcred\ntype: kubernetes.io/dockerconfigjson\n"
    );
    // The default server, no email, and Go's escaping of HTML characters in the password.
    let escaped = run(&mut c, "kubectl create secret docker-registry regcred --docker-username=ana '--docker-password=p<&>' --dry-run=client -o yaml").stdout;
    assert!(escaped.contains("  .dockerconfigjson: eyJhdXRocyI6eyJodHRwczovL2luZGV4LmRvY2tlci5pby92MS8iOnsidXNlcm5hbWUiOiJhbmEiLCJwYXNzd29yZCI6InBcdTAwM2NcdTAwMjZcdTAwM2UiLCJhdXRoIjoiWVc1aE9uQThKajQ9In19fQ==\n"), "{escaped}");
    for (line, err) in [
        ("kubectl create secret docker-registry regcred --docker-username=ana", "error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n"),
        ("kubectl create secret generic r --docker-username=ana", "error: unknown flag: --docker-username\nSee 'kubectl create secret generic --help' for usage.\n"),
        ("kubectl create secret docker-registry r --docker-username=a --docker-password=b --from-literal=k=v", "error: unknown flag: --from-literal\nSee 'kubectl create secret docker-registry --help' for usage.\n"),
    ] {
        assert_eq!(run(&mut c, line).stderr, err, "{line}");
    }
    assert_eq!(run(&mut c, "kubectl create secret docker-registry regcred --docker-username=ana --docker-password=s3cret").stdout, "secret/regcred created\n");
    assert_eq!(run(&mut c, "kubectl get secret regcred").stdout.lines().nth(1).map(|l| l.split_whitespace().take(3).collect::<Vec<_>>()), Some(vec!["regcred", "kubernetes.io/dockerconfigjson", "1"]));
}

#[test]
fn service_accounts_and_generators_kubeplay_lacks() {
    let mut c = cluster();
    // Source: kubectl 1.28, `kubectl create serviceaccount build-bot --dry-run=client -o yaml`.
    assert_eq!(run(&mut c, "kubectl create serviceaccount build-bot --dry-run=client -o yaml").stdout, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  creationTimestamp: null\n  name: build-bot\n");
    assert_eq!(run(&mut c, "kubectl create sa").stderr, "error: exactly one NAME is required, got 0\nSee 'kubectl create serviceaccount -h' for help and examples\n");
    assert_eq!(run(&mut c, "kubectl create sa build-bot").stdout, "serviceaccount/build-bot created\n");
    assert_eq!(run(&mut c, "kubectl get sa build-bot -o name").stdout, "serviceaccount/build-bot\n");
    // Ours: a generator kubeplay lacks says so, whatever its flags, instead of "unknown flag".
    let out = run(&mut c, "kubectl create role reader --verb=get --resource=pods");
    assert!(out.stderr.starts_with("error: kubeplay has no \"kubectl create role\" generator: write the object in a manifest"), "{}", out.stderr);
    assert!(run(&mut c, "kubectl create cronjob hello --image=busybox --schedule='*/1 * * * *'").stderr.starts_with("error: kubeplay has no \"kubectl create cronjob\" generator"));
}

#[test]
fn json_follows_the_go_structs_as_kubectl_prints_typed_objects() {
    let mut c = cluster();
    // Source: kubectl 1.28, `kubectl create deployment web --image=nginx --replicas=2 --port=80 --dry-run=client -o json`.
    assert_eq!(
        run(&mut c, "kubectl create deployment web --image=nginx --replicas=2 --port=80 --dry-run=client -o json").stdout,
        "{\n    \"kind\": \"Deployment\",\n    \"apiVersion\": \"apps/v1\",\n    \"metadata\": {\n        \"name\": \"web\",\n        \"creationTimestamp\": null,\n        \"labels\": {\n            \"app\": \"web\"\n        }\n    },\n    \"spec\": {\n        \"replicas\": 2,\n        \"selector\": {\n            \"matchLabels\": {\n                \"app\": \"web\"\n            }\n        },\n        \"template\": {\n            \"metadata\": {\n                \"creationTimestamp\": null,\n                \"labels\": {\n                    \"app\": \"web\"\n                }\n            },\n            \"spec\": {\n                \"containers\": [\n                    {\n                        \"name\": \"nginx\",\n                        \"image\": \"nginx\",\n                        \"ports\": [\n                            {\n                                \"containerPort\": 80\n                            }\n                        ],\n                        \"resources\": {}\n                    }\n                ]\n            }\n        },\n        \"strategy\": {}\n    },\n    \"status\": {}\n}\n"
    );
    // Source: kubectl 1.28; a data key named like a field ("type") stays in the map's sorted order.
    assert_eq!(
        run(&mut c, "kubectl create secret generic db --from-literal=type=x --from-literal=a=1 --dry-run=client -o json").stdout,
        "{\n    \"kind\": \"Secret\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"db\",\n        \"creationTimestamp\": null\n    },\n    \"data\": {\n        \"a\": \"MQ==\",\n        \"type\": \"eA==\"\n    }\n}\n"
    );
}

#[test]
fn run_mistakes_read_as_kubectl_prints_them() {
    let mut c = cluster();
    // Source: kubectl 1.28 (`--dry-run=client`, which needs no cluster for these).
    for (line, expected) in [
        ("kubectl run x --image=nginx --restart=Sometimes --dry-run=client", "error: invalid restart policy: Sometimes\nSee 'kubectl run -h' for help and examples\n"),
        ("kubectl run x --image=nginx --port=abc --dry-run=client", "error: strconv.Atoi: parsing \"abc\": invalid syntax\n"),
        ("kubectl run x --image=nginx --env=FOO --dry-run=client -o yaml", "error: invalid env: FOO\n"),
        ("kubectl run x --image=nginx --labels=bad --dry-run=client", "error: unexpected label spec: bad\n"),
        ("kubectl run x --image=nginx --image-pull-policy=Foo --dry-run=client", "error: invalid image pull policy: Foo\nSee 'kubectl run -h' for help and examples\n"),
        ("kubectl run x --image=nginx --annotations=bad --dry-run=client", "error: invalid annotations format: bad\n"),
    ] {
        let out = run(&mut c, line);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", expected, 1), "{line}");
    }
}

#[test]
fn run_sets_the_pull_policy_and_annotations() {
    let mut c = cluster();
    let yaml = run(&mut c, "kubectl run x --image=nginx --image-pull-policy=Never --annotations=team=a --annotations=b=c --dry-run=client -o yaml").stdout;
    assert!(yaml.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    b: c\n    team: a\n  creationTimestamp: null\n"), "{yaml}");
    assert!(yaml.contains("  - image: nginx\n    imagePullPolicy: Never\n    name: x\n"), "{yaml}");
}

#[test]
fn append_hash_names_as_kubectl_names() {
    let mut c = cluster();
    // Source: kubectl 1.28, `--dry-run=client -o name`.
    for (line, expected) in [
        ("kubectl create configmap x --from-literal=a=1 --append-hash", "configmap/x-m8mt92gg65\n"),
        ("kubectl create configmap x --append-hash", "configmap/x-62ctbmbfd2\n"),
        ("kubectl create secret generic x --from-literal=a=1 --append-hash", "secret/x-hbhk6tkb4h\n"),
        ("kubectl create secret generic x --append-hash", "secret/x-b8485c8589\n"),
    ] {
        let out = run(&mut c, &format!("{line} --dry-run=client -o name"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), (expected, ""), "{line}");
    }
    assert_eq!(run(&mut c, "kubectl create configmap x --from-literal=a=1 --append-hash").stdout, "configmap/x-m8mt92gg65 created\n");
    assert_eq!(run(&mut c, "kubectl create deployment x --image=nginx --append-hash").stderr, "error: unknown flag: --append-hash\nSee 'kubectl create deployment --help' for usage.\n");
}
