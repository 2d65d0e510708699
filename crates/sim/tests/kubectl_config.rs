//! The client side of kubectl: the kubeconfig's context namespace as every command's
//! default, kept in snapshots; `replace -f`; `port-forward` through the console's curl;
//! unknown manifest fields with the field meant.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::{run, CommandOutput};
use kubeplay_sim::shell::Shell;
use kubeplay_sim::{Cluster, ClusterSettings};

fn sh(c: &mut Cluster, s: &mut Shell, input: &str) -> CommandOutput {
    s.run(c, input, Duration::seconds(600))
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";

#[test]
fn the_context_namespace_is_every_commands_default() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    run(&mut c, "kubectl create namespace shop");
    // kubectl 1.28 capture
    assert_eq!(run(&mut c, "kubectl config set-context --current --namespace=shop").stdout, "Context \"minikube\" modified.\n");
    assert_eq!(run(&mut c, "kubectl config get-contexts").stdout, "CURRENT   NAME       CLUSTER    AUTHINFO   NAMESPACE\n*         minikube   minikube   minikube   shop\n");
    assert_eq!(run(&mut c, "kubectl config view --minify -o jsonpath={..namespace}").stdout, "shop");
    assert_eq!(run(&mut c, "kubectl get pods").stderr, "No resources found in shop namespace.\n");
    sh(&mut c, &mut s, &format!("cat > web.yaml <<'EOF'\n{WEB}EOF"));
    assert_eq!(sh(&mut c, &mut s, "kubectl apply -f web.yaml").stdout, "deployment.apps/web created\n");
    assert_eq!(run(&mut c, "kubectl create deployment api --image=nginx").stdout, "deployment.apps/api created\n");
    assert_eq!(run(&mut c, "kubectl expose deployment web --port=80").stdout, "service/web exposed\n");
    assert_eq!(run(&mut c, "kubectl run solo --image=nginx").stdout, "pod/solo created\n");
    c.advance(Duration::seconds(30));
    let shop = run(&mut c, "kubectl get deploy,svc -o name").stdout;
    assert_eq!(shop, "deployment.apps/api\ndeployment.apps/web\nservice/web\n");
    assert_eq!(run(&mut c, "kubectl get deployments -n default").stderr, "No resources found in default namespace.\n", "-n still wins");
    assert_eq!(run(&mut c, "kubectl scale deployment web --replicas=3").stdout, "deployment.apps/web scaled\n");
    assert_eq!(run(&mut c, "kubectl set image deployment/web web=nginx:1.26").stdout, "deployment.apps/web image updated\n");
    assert_eq!(run(&mut c, "kubectl set resources deployment/web --requests=cpu=100m").stdout, "deployment.apps/web resource requirements updated\n");
    assert!(run(&mut c, "kubectl rollout status deployment/web").stdout.ends_with("deployment \"web\" successfully rolled out\n"));
    assert!(run(&mut c, "kubectl describe deployment web").stdout.contains("Namespace:              shop\n"));
    assert_eq!(run(&mut c, "kubectl exec solo -- hostname").stdout, "solo\n");
    assert_eq!(run(&mut c, "kubectl logs solo").exit_code, 0);
    assert_eq!(run(&mut c, "kubectl label pod solo tier=x").stdout, "pod/solo labeled\n");
    assert_eq!(run(&mut c, "kubectl delete deployment api").stdout, "deployment.apps \"api\" deleted\n");
    assert_eq!(sh(&mut c, &mut s, "kubectl delete -f web.yaml").stdout, "deployment.apps \"web\" deleted\n");
    // Back to default.
    assert_eq!(run(&mut c, "kubectl config set-context minikube --namespace=default").stdout, "Context \"minikube\" modified.\n");
    assert!(run(&mut c, "kubectl get svc").stdout.contains("kubernetes"));
    assert!(c.kubeconfig().is_default());
    assert_eq!(run(&mut c, "kubectl --context dev get pods").stderr, "Error in configuration: context was not found for specified context: dev\n");
    assert_eq!(run(&mut c, "kubectl get pod solo --context minikube -n shop -o name").stdout, "pod/solo\n");
}

#[test]
fn the_client_configuration_survives_a_snapshot() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert!(!c.snapshot().contains("kubeconfig"), "a fresh kubeconfig is left out, so recorded snapshots stay as they were");
    run(&mut c, "kubectl config set-context --current --namespace=shop");
    run(&mut c, "kubectl run solo --image=nginx -n default");
    c.advance(Duration::seconds(30));
    assert_eq!(run(&mut c, "kubectl port-forward pod/solo 8080:80 -n default").exit_code, 0);
    let mut back = Cluster::restore(&c.snapshot()).unwrap();
    assert_eq!(run(&mut back, "kubectl config get-contexts -o name").stdout, "minikube\n");
    assert!(run(&mut back, "kubectl config view").stdout.contains("    namespace: shop\n"));
    assert!(run(&mut back, "curl -s 127.0.0.1:8080").stdout.contains("Welcome to nginx!"));
}

#[test]
fn replace_puts_the_whole_object() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    sh(&mut c, &mut s, &format!("cat > web.yaml <<'EOF'\n{WEB}EOF"));
    let out = sh(&mut c, &mut s, "kubectl replace -f web.yaml");
    assert_eq!((out.stderr.as_str(), out.exit_code), ("Error from server (NotFound): error when replacing \"web.yaml\": deployments.apps \"web\" not found\n", 1));
    sh(&mut c, &mut s, "kubectl apply -f web.yaml");
    run(&mut c, "kubectl annotate deployment web note=old");
    c.advance(Duration::seconds(30));
    sh(&mut c, &mut s, "sed -i 's/replicas: 2/replicas: 1/' web.yaml");
    sh(&mut c, &mut s, "sed -i 's/nginx:1.25/nginx:1.26/' web.yaml");
    assert_eq!(sh(&mut c, &mut s, "kubectl replace -f web.yaml").stdout, "deployment.apps/web replaced\n");
    c.advance(Duration::seconds(60));
    assert_eq!(run(&mut c, "kubectl get deployment web -o jsonpath={.spec.replicas}/{.spec.template.spec.containers[0].image}").stdout, "1/nginx:1.26");
    assert_eq!(run(&mut c, "kubectl get deployment web -o jsonpath={.metadata.annotations}").stdout, "{\"deployment.kubernetes.io/revision\":\"2\"}", "the file's annotations (none), and the controller's again");
    assert!(run(&mut c, "kubectl rollout history deployment web").stdout.contains("2         <none>"));
    let out = sh(&mut c, &mut s, "kubectl replace --force -f web.yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("deployment.apps \"web\" deleted\ndeployment.apps/web replaced\n", ""));
    assert_eq!(sh(&mut c, &mut s, "kubectl replace").stderr, "error: must specify one of -f and -k\n");
    // A bare pod: --force waits until the old pod is gone.
    run(&mut c, "kubectl run solo --image=nginx");
    c.advance(Duration::seconds(30));
    sh(&mut c, &mut s, "kubectl get pod solo -o yaml > solo.yaml");
    let uid = run(&mut c, "kubectl get pod solo -o jsonpath={.metadata.uid}").stdout;
    let out = sh(&mut c, &mut s, "kubectl replace --force -f solo.yaml");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("pod \"solo\" deleted\npod/solo replaced\n", ""));
    assert_ne!(run(&mut c, "kubectl get pod solo -o jsonpath={.metadata.uid}").stdout, uid, "a new pod");
}

#[test]
fn port_forward_from_the_console() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    run(&mut c, "kubectl create deployment web --image=nginx");
    run(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(30));
    let out = sh(&mut c, &mut s, "kubectl port-forward svc/web 8080:80");
    assert_eq!(out.stdout, "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n");
    assert_eq!(sh(&mut c, &mut s, "curl -s http://127.0.0.1:8080 | grep -c 'Welcome to nginx'").stdout, "2\n");
    assert_eq!(sh(&mut c, &mut s, "kubectl port-forward pod/nope 9090:80").stderr, "Error from server (NotFound): pods \"nope\" not found\n");
    run(&mut c, "kubectl scale deployment web --replicas=0");
    c.advance(Duration::seconds(60));
    let out = sh(&mut c, &mut s, "curl -s http://127.0.0.1:8080");
    assert_eq!(out.exit_code, 7, "the pod went away, and the forward with it");
    assert_eq!(sh(&mut c, &mut s, "kubectl port-forward deploy/web 8080:80").stderr, "error: timed out waiting for the condition\n");
}

#[test]
fn unknown_manifest_fields_name_the_field_meant() {
    let mut c = Cluster::new(ClusterSettings::default());
    let mut s = Shell::default();
    let typo = WEB.replace("  replicas: 2", "  replica: 2").replace("        image: nginx:1.25\n", "        image: nginx:1.25\n        imagePullPolicyy: Always\n");
    sh(&mut c, &mut s, &format!("cat > d.yaml <<'EOF'\n{typo}EOF"));
    // Strict validation (kubectl's default): the object is refused, every unknown field named.
    let out = sh(&mut c, &mut s, "kubectl apply -f d.yaml");
    assert_eq!((out.stdout.as_str(), out.exit_code), ("", 1));
    assert_eq!(
        out.stderr,
        "Error from server (BadRequest): error when creating \"d.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"\n  --> d.yaml:8:3: spec.replica: unknown field; did you mean \"replicas\"?\n  --> d.yaml:20:9: spec.template.spec.containers[0].imagePullPolicyy: unknown field; did you mean \"imagePullPolicy\"?\n"
    );
    let out = sh(&mut c, &mut s, "kubectl apply -f d.yaml --validate=warn");
    assert_eq!(out.stdout, "deployment.apps/web created\n");
    assert_eq!(
        out.stderr,
        "Warning: unknown field \"spec.replica\"\n  --> d.yaml:8:3: spec.replica: unknown field; did you mean \"replicas\"?\nWarning: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"\n  --> d.yaml:20:9: spec.template.spec.containers[0].imagePullPolicyy: unknown field; did you mean \"imagePullPolicy\"?\n"
    );
}

#[test]
fn the_usage_knob_follows_the_context_namespace() {
    let mut c = kubeplay_sim::Cluster::new(kubeplay_sim::ClusterSettings::default());
    kubeplay_sim::kubectl::run(&mut c, "kubectl create namespace shop");
    kubeplay_sim::kubectl::run(&mut c, "kubectl config set-context --current --namespace=shop");
    kubeplay_sim::kubectl::run(&mut c, "kubectl create deployment web --image=nginx");
    c.advance(kubeplay_sim::clock::Duration::seconds(20));
    let out = kubeplay_sim::kubectl::run(&mut c, "usage app=web cpu=300m");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    c.advance(kubeplay_sim::clock::Duration::seconds(60));
    let top = kubeplay_sim::kubectl::run(&mut c, "kubectl top pods").stdout;
    assert!(top.lines().nth(1).is_some_and(|l| l.starts_with("web-") && l.contains("300m")), "{top}");
}
