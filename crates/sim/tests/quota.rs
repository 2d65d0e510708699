//! Namespaces with policies: ResourceQuota, LimitRange and namespace deletion, as a
//! learner meets them through kubectl.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert!(out.stderr.is_empty(), "{line}: {}", out.stderr);
    out.stdout
}

fn apply(c: &mut Cluster, yaml: &str) {
    let report = c.apply_manifest(yaml, "policy.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

fn pod_names(c: &mut Cluster, ns: &str) -> Vec<String> {
    ok(c, &format!("kubectl get pods -n {ns} -o name")).lines().map(str::to_string).collect()
}

/// The `QoS Class:` line of `describe pod`.
fn qos(c: &mut Cluster, pod: &str) -> String {
    let text = ok(c, &format!("kubectl describe pod {pod} -n team"));
    text.lines().find_map(|l| l.strip_prefix("QoS Class:")).unwrap_or_default().trim().to_string()
}

const QUOTA: &str = "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: compute\n  namespace: team\nspec:\n  hard:\n    pods: \"2\"\n    requests.cpu: \"1\"\n    limits.memory: 1Gi\n";

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: team\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        resources:\n          requests: {cpu: 200m, memory: 64Mi}\n          limits: {memory: 128Mi}\n";

#[test]
fn a_deployment_stops_at_the_quota_with_the_event_and_resumes_when_raised() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create namespace team");
    apply(&mut c, QUOTA);
    apply(&mut c, DEPLOYMENT);
    c.advance(Duration::seconds(30));
    assert_eq!(pod_names(&mut c, "team").len(), 2, "the third pod is refused");
    let quota = ok(&mut c, "kubectl get quota -n team");
    assert_eq!(quota.lines().next().unwrap(), "NAME      AGE   REQUEST                           LIMIT");
    assert!(quota.contains("compute   30s   pods: 2/2, requests.cpu: 400m/1   limits.memory: 256Mi/1Gi"), "{quota}");
    let rs = ok(&mut c, "kubectl get rs -n team -o name");
    let rs_name = rs.trim().trim_start_matches("replicaset.apps/").to_string();
    let events = ok(&mut c, "kubectl get events -n team");
    let expected = format!("Error creating: pods \"{rs_name}-\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2");
    assert!(events.contains(&expected), "{events}");
    let describe = ok(&mut c, &format!("kubectl describe rs {rs_name} -n team"));
    assert!(describe.contains("ReplicaFailure   True    FailedCreate"), "{describe}");
    assert!(describe.contains("Warning  FailedCreate"), "{describe}");
    let d = ok(&mut c, "kubectl get deployment web -n team -o jsonpath={.status.conditions[*].type}");
    assert!(d.contains("ReplicaFailure"), "the Deployment carries the failure: {d}");
    assert!(ok(&mut c, "kubectl get deployment web -n team").contains("web    2/3"));

    // Raising the quota lets the ReplicaSet's next retry through; the failure clears.
    apply(&mut c, &QUOTA.replace("pods: \"2\"", "pods: \"5\""));
    c.advance(Duration::seconds(30));
    assert_eq!(pod_names(&mut c, "team").len(), 3);
    assert!(ok(&mut c, "kubectl get quota compute -n team").contains("pods: 3/5, requests.cpu: 600m/1"));
    let d = ok(&mut c, "kubectl get deployment web -n team -o jsonpath={.status.conditions[*].type}");
    assert!(!d.contains("ReplicaFailure"), "{d}");
}

#[test]
fn a_pod_without_the_constrained_values_is_refused_with_kubectl_text() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create namespace team");
    apply(&mut c, QUOTA);
    let out = run(&mut c, "kubectl run web --image=nginx -n team");
    assert_eq!(out.stderr, "Error from server (Forbidden): pods \"web\" is forbidden: failed quota: compute: must specify limits.memory for: web; requests.cpu for: web\n");
    // Usage goes down again when pods go away.
    apply(&mut c, DEPLOYMENT);
    c.advance(Duration::seconds(20));
    ok(&mut c, "kubectl scale deployment web -n team --replicas=1");
    c.advance(Duration::seconds(60));
    assert!(ok(&mut c, "kubectl get quota -n team").contains("pods: 1/2, requests.cpu: 200m/1"));
    let describe = ok(&mut c, "kubectl describe quota compute -n team");
    assert_eq!(describe, "Name:          compute\nNamespace:     team\nResource       Used   Hard\n--------       ----   ----\nlimits.memory  128Mi  1Gi\npods           1      2\nrequests.cpu   200m   1\n");
}

#[test]
fn kubectl_create_quota_builds_what_kubectl_builds() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28 `create quota ... --dry-run=client -o yaml`.
    assert_eq!(
        ok(&mut c, "kubectl create quota compute --hard=cpu=1,memory=1G,pods=2,requests.cpu=500m --dry-run=client -o yaml"),
        "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  creationTimestamp: null\n  name: compute\nspec:\n  hard:\n    cpu: \"1\"\n    memory: 1G\n    pods: \"2\"\n    requests.cpu: 500m\nstatus: {}\n"
    );
    assert_eq!(run(&mut c, "kubectl create quota compute --hard=cpu").stderr, "error: Invalid argument syntax cpu, expected <resource>=<value>\n");
    assert_eq!(ok(&mut c, "kubectl create quota objects --hard=services=1,count/deployments.apps=1"), "resourcequota/objects created\n");
    ok(&mut c, "kubectl create deployment a --image=nginx");
    let out = run(&mut c, "kubectl create deployment b --image=nginx");
    assert_eq!(out.stderr, "error: failed to create deployment: deployments.apps \"b\" is forbidden: exceeded quota: objects, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1\n");
    let out = run(&mut c, "kubectl expose deployment a --port=80");
    assert!(out.stderr.contains("services \"a\" is forbidden: exceeded quota: objects, requested: services=1, used: services=1, limited: services=1"), "the kubernetes Service counts: {}", out.stderr);
}

const LIMITS: &str = "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: team\nspec:\n  limits:\n  - type: Container\n    default: {cpu: 500m, memory: 256Mi}\n    defaultRequest: {cpu: 100m, memory: 128Mi}\n    max: {cpu: \"1\"}\n";

#[test]
fn a_limit_range_fills_defaults_and_refuses_what_is_too_big() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create namespace team");
    apply(&mut c, LIMITS);
    ok(&mut c, "kubectl run web --image=nginx -n team");
    let resources = ok(&mut c, "kubectl get pod web -n team -o jsonpath={.spec.containers[0].resources}");
    assert_eq!(resources, "{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}");
    let yaml = ok(&mut c, "kubectl get pod web -n team -o yaml");
    assert!(yaml.contains("    kubernetes.io/limit-ranger: 'LimitRanger plugin set: cpu, memory request for container web; cpu, memory limit for container web'\n"), "{yaml}");
    assert_eq!(qos(&mut c, "web"), "Burstable");
    let big = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  namespace: team\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      limits: {cpu: \"2\", memory: 256Mi}\n";
    let report = c.apply_manifest(big, "big.yaml");
    assert_eq!(report.errors, ["Error from server (Forbidden): pods \"big\" is forbidden: maximum cpu usage per Container is 1, but limit is 2"]);
    let describe = ok(&mut c, "kubectl describe limitrange defaults -n team");
    assert_eq!(
        describe,
        "Name:       defaults\nNamespace:  team\nType        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n----        --------  ---  ---  ---------------  -------------  -----------------------\nContainer   cpu       -    1    100m             500m           -\nContainer   memory    -    -    128Mi            256Mi          -\n"
    );
    let ns = ok(&mut c, "kubectl describe namespace team");
    assert!(ns.contains("No resource quota.\n\nResource Limits\n Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n"), "{ns}");
    // Applying the same pod file again changes nothing: the defaults stay.
    let plain = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: plain\n  namespace: team\nspec:\n  containers:\n  - name: app\n    image: nginx\n";
    assert_eq!(c.apply_manifest(plain, "plain.yaml").applied[0].action.word(), "created");
    let again = c.apply_manifest(plain, "plain.yaml");
    assert!(again.errors.is_empty(), "{:?}", again.errors);
    assert_eq!(again.applied[0].action.word(), "unchanged");
    // Requests equal to limits for cpu and memory make the pod Guaranteed.
    let exact = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: exact\n  namespace: team\nspec:\n  containers:\n  - name: app\n    image: nginx\n    resources:\n      limits: {cpu: 300m, memory: 64Mi}\n";
    apply(&mut c, exact);
    assert_eq!(qos(&mut c, "exact"), "Guaranteed");
}

#[test]
fn a_deleted_namespace_terminates_its_pods_then_disappears() {
    let mut c = Cluster::new(ClusterSettings::default());
    ok(&mut c, "kubectl create namespace team");
    apply(&mut c, &DEPLOYMENT.replace("replicas: 3", "replicas: 2"));
    c.advance(Duration::seconds(20));
    // Without waiting (kubectl waits by default), to look at the namespace while it terminates.
    assert_eq!(ok(&mut c, "kubectl delete namespace team --wait=false"), "namespace \"team\" deleted\n");
    let ns = ok(&mut c, "kubectl get namespace team");
    assert!(ns.contains("team   Terminating   20s"), "{ns}");
    let yaml = ok(&mut c, "kubectl get namespace team -o yaml");
    assert!(yaml.contains("message: 'Some resources are remaining: pods. has 2 resource instances'"), "{yaml}");
    assert!(yaml.contains("reason: SomeResourcesRemain"), "{yaml}");
    let out = run(&mut c, "kubectl run late --image=nginx -n team");
    assert_eq!(out.stderr, "Error from server (Forbidden): pods \"late\" is forbidden: unable to create new content in namespace team because it is being terminated\n");
    assert!(ok(&mut c, "kubectl get pods -n team").contains("Terminating"));
    assert!(run(&mut c, "kubectl delete namespace default").stderr.contains("namespaces \"default\" is forbidden: this namespace may not be deleted"));
    c.advance(Duration::seconds(40));
    assert_eq!(run(&mut c, "kubectl get namespace team").stderr, "Error from server (NotFound): namespaces \"team\" not found\n");
    assert_eq!(run(&mut c, "kubectl get pods -n team").stderr, "No resources found in team namespace.\n");
}
