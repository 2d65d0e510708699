//! Small kubectl commands learners type early: `get all`, `cluster-info`, `api-resources`.

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::run;
use kubeplay_sim::{Cluster, ClusterSettings};

#[test]
fn get_all_prints_one_table_per_kind_with_qualified_names() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    run(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(20));
    let out = run(&mut c, "kubectl get all").stdout;
    let headers: Vec<&str> = out.lines().filter(|l| l.starts_with("NAME")).collect();
    assert_eq!(headers.len(), 4, "pods, services, deployments, replicasets: {out}");
    let firsts: Vec<&str> = out.split("\n\n").map(|t| t.lines().nth(1).unwrap().split('/').next().unwrap()).collect();
    assert_eq!(firsts, vec!["pod", "service", "deployment.apps", "replicaset.apps"]);
    assert!(out.contains("service/kubernetes   ClusterIP   10.96.0.1"), "{out}");
    assert!(run(&mut c, "kubectl get all -n kube-system").stdout.contains("daemonset.apps/kube-proxy"));
    assert_eq!(run(&mut c, "kubectl get all -n kube-public").stderr, "No resources found in kube-public namespace.\n");
}

#[test]
fn cluster_info_and_api_resources() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28 against a kind cluster, without a terminal (no colours).
    assert_eq!(
        run(&mut c, "kubectl cluster-info").stdout,
        "Kubernetes control plane is running at https://172.18.0.2:6443\nCoreDNS is running at https://172.18.0.2:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    );
    let resources = run(&mut c, "kubectl api-resources").stdout;
    assert!(resources.starts_with("NAME                       SHORTNAMES   APIVERSION                     NAMESPACED   KIND\nconfigmaps                 cm           v1                             true         ConfigMap\n"), "{resources}");
    assert!(resources.contains("\ndeployments                deploy       apps/v1                        true         Deployment\n"));
    assert!(resources.contains("\ningresses                  ing          networking.k8s.io/v1           true         Ingress\n"), "kinds kubeplay keeps are served too");
    assert_eq!(resources.lines().count(), 32);
}

#[test]
fn get_raw_reads_api_paths_and_the_metrics_api() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert_eq!(run(&mut c, "kubectl get --raw /healthz").stdout, "ok");
    run(&mut c, "kubectl run web --image=nginx");
    c.advance(Duration::seconds(60));
    let out = run(&mut c, "kubectl get --raw=/apis/metrics.k8s.io/v1beta1/namespaces/default/pods");
    assert!(out.stdout.starts_with("{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"items\":[{\"containers\":[{\"name\":\"web\",\"usage\":{\"cpu\":\""), "{}", out.stdout);
    let list = run(&mut c, "kubectl get --raw /api/v1/namespaces/default/pods").stdout;
    assert!(list.starts_with("{\"apiVersion\":\"v1\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\""), "{list}");
    assert_eq!(run(&mut c, "kubectl get --raw /apis/nope/v1/things").stderr, "Error from server (NotFound): the server could not find the requested resource\n");
    assert_eq!(run(&mut c, "kubectl get --raw").stderr, "error: flag needs an argument: --raw\n");
}

#[test]
fn label_picks_objects_by_selector_or_all_of_a_type() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl run a --image=nginx --labels=app=web");
    run(&mut c, "kubectl run b --image=nginx --labels=app=web");
    run(&mut c, "kubectl run z --image=nginx --labels=app=db");
    let out = run(&mut c, "kubectl label pods -l app=web tier=front");
    assert_eq!((out.stdout.as_str(), out.exit_code), ("pod/a labeled\npod/b labeled\n", 0), "{}", out.stderr);
    assert_eq!(run(&mut c, "kubectl get pods -l tier=front -o name").stdout, "pod/a\npod/b\n");
    assert_eq!(run(&mut c, "kubectl label pods --all tier-").stdout, "pod/a unlabeled\npod/b unlabeled\npod/z not labeled\n");
    assert_eq!(run(&mut c, "kubectl label pods -l app=web").stderr, "error: at least one label update is required\n");
    assert_eq!(run(&mut c, "kubectl label pods -l app=nothing x=y").stdout, "");
}

#[test]
fn json_is_indented_by_four_spaces_and_a_missing_object_prints_only_its_error() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28 (its JSON printer indents by four spaces).
    let out = run(&mut c, "kubectl create configmap cfg --from-literal=a=b --dry-run=client -o json").stdout;
    assert_eq!(out, "{\n    \"kind\": \"ConfigMap\",\n    \"apiVersion\": \"v1\",\n    \"metadata\": {\n        \"name\": \"cfg\",\n        \"creationTimestamp\": null\n    },\n    \"data\": {\n        \"a\": \"b\"\n    }\n}\n", "a typed object's fields in Go's order");
    run(&mut c, "kubectl create deployment web --image=nginx");
    assert!(run(&mut c, "kubectl get deploy web -o json").stdout.starts_with("{\n    \"apiVersion\": \"apps/v1\",\n"), "get decodes into maps: keys sorted");
    let exposed = run(&mut c, "kubectl expose deploy web --port=80 --dry-run=client -o json").stdout;
    assert!(exposed.starts_with("{\n    \"kind\": \"Service\",\n    \"apiVersion\": \"v1\",\n") && exposed.contains("\"protocol\": \"TCP\",\n                \"port\": 80,"), "{exposed}");
    for format in ["json", "yaml"] {
        let out = run(&mut c, &format!("kubectl get rs nope -o {format}"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", "Error from server (NotFound): replicasets.apps \"nope\" not found\n"), "-o {format}");
    }
    // Two names, one missing: the one found, as a List, and the error.
    let out = run(&mut c, "kubectl get deploy web nope -o json");
    assert!(out.stdout.contains("\"kind\": \"List\"") && out.stdout.contains("\"name\": \"web\""), "{}", out.stdout);
    assert_eq!(out.stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
}

#[test]
fn sort_by_orders_rows_by_a_field() {
    let mut c = Cluster::new(ClusterSettings::default());
    for (name, replicas) in [("b", 3), ("a", 1), ("c", 2)] {
        run(&mut c, &format!("kubectl create deployment {name} --image=nginx --replicas={replicas}"));
        c.advance(Duration::seconds(5));
    }
    c.advance(Duration::seconds(30));
    let names = |out: String| out.lines().skip(1).map(|l| l.split_whitespace().next().unwrap_or_default().to_string()).collect::<Vec<_>>();
    assert_eq!(names(run(&mut c, "kubectl get deploy --sort-by=.spec.replicas").stdout), ["a", "c", "b"], "numbers by value");
    assert_eq!(names(run(&mut c, "kubectl get deploy --sort-by={.metadata.creationTimestamp}").stdout), ["b", "a", "c"], "oldest first");
    assert_eq!(names(run(&mut c, "kubectl get deploy --sort-by=metadata.name").stdout), ["a", "b", "c"]);
    let events = run(&mut c, "kubectl get events --sort-by=.lastTimestamp").stdout;
    assert!(events.starts_with("LAST SEEN"), "{events}");
    let out = run(&mut c, "kubectl get deploy --sort-by=.spec.nope");
    assert_eq!(out.stderr, "error: couldn't find any field with path \"{.spec.nope}\" in the list of objects\n");
    // top: the largest first.
    c.advance(Duration::seconds(60));
    let top = run(&mut c, "kubectl top pods -A --sort-by=memory").stdout;
    let memory: Vec<u64> = top.lines().skip(1).filter_map(|l| l.split_whitespace().nth(3)?.trim_end_matches("Mi").parse().ok()).collect();
    assert!(memory.len() > 3 && memory.windows(2).all(|w| w[0] >= w[1]), "{top}");
    assert_eq!(run(&mut c, "kubectl top pods --sort-by=disk").stderr, "error: --sort-by accepts only cpu or memory\n");
}

#[test]
fn label_columns_and_the_client_version() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    run(&mut c, "kubectl label deploy web tier=front");
    let out = run(&mut c, "kubectl get deploy -L tier,app.kubernetes.io/name --label-columns app").stdout;
    assert!(out.starts_with("NAME   READY   UP-TO-DATE   AVAILABLE   AGE   TIER    NAME   APP\nweb    0/1     1            0           0s    front          web\n"), "{out}");
    assert_eq!(run(&mut c, "kubectl version --client").stdout, "Client Version: v1.28.0\nKustomize Version: v5.0.4-0.20230601165947-6ce0bf390ce3\n");
}

#[test]
fn a_new_nodes_conditions_carry_the_kubelets_messages() {
    let mut c = Cluster::new(ClusterSettings::default());
    let out = run(&mut c, "kubectl describe node node-1").stdout;
    for message in ["KubeletHasSufficientMemory   kubelet has sufficient memory available\n", "KubeletHasNoDiskPressure     kubelet has no disk pressure\n", "KubeletHasSufficientPID      kubelet has sufficient PID available\n"] {
        assert!(out.contains(message), "{message}: {out}");
    }
}

/// The `version.Info` lines of v1.28.0's build, as kubectl 1.28 prints them in JSON.
const INFO_JSON: &str = "    \"major\": \"1\",\n    \"minor\": \"28\",\n    \"gitVersion\": \"v1.28.0\",\n    \"gitCommit\": \"855e7c48de7388eb330da0f8d9d2394ee818fb8d\",\n    \"gitTreeState\": \"clean\",\n    \"buildDate\": \"2023-08-15T10:20:15Z\",\n    \"goVersion\": \"go1.20.7\",\n    \"compiler\": \"gc\",\n    \"platform\": \"linux/amd64\"\n";

#[test]
fn version_prints_json_and_yaml() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Layout: kubectl 1.28 (`version --client -o json|yaml`); the values are v1.28.0's.
    let json = run(&mut c, "kubectl version --client -o json").stdout;
    assert_eq!(json, format!("{{\n  \"clientVersion\": {{\n{INFO_JSON}  }},\n  \"kustomizeVersion\": \"v5.0.4-0.20230601165947-6ce0bf390ce3\"\n}}\n"));
    let both = run(&mut c, "kubectl version -o json").stdout;
    assert!(both.ends_with(&format!("\"kustomizeVersion\": \"v5.0.4-0.20230601165947-6ce0bf390ce3\",\n  \"serverVersion\": {{\n{INFO_JSON}  }}\n}}\n")), "{both}");
    let yaml = run(&mut c, "kubectl version --client -o yaml").stdout;
    assert_eq!(yaml, "clientVersion:\n  buildDate: \"2023-08-15T10:20:15Z\"\n  compiler: gc\n  gitCommit: 855e7c48de7388eb330da0f8d9d2394ee818fb8d\n  gitTreeState: clean\n  gitVersion: v1.28.0\n  goVersion: go1.20.7\n  major: \"1\"\n  minor: \"28\"\n  platform: linux/amd64\nkustomizeVersion: v5.0.4-0.20230601165947-6ce0bf390ce3\n\n");
    assert_eq!(run(&mut c, "kubectl version -o wide").stderr, "error: --output must be 'yaml' or 'json'\n");
    assert_eq!(run(&mut c, "kubectl version --short").stderr, "error: unknown flag: --short\nSee 'kubectl version --help' for usage.\n");
}

#[test]
fn delete_takes_several_types_and_the_all_category() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    run(&mut c, "kubectl expose deployment web --port=80");
    run(&mut c, "kubectl create deployment api --image=nginx");
    c.advance(Duration::seconds(30));
    assert_eq!(run(&mut c, "kubectl delete deploy,svc -l app=web --wait=false").stdout, "deployment.apps \"web\" deleted\nservice \"web\" deleted\n");
    assert_eq!(run(&mut c, "kubectl get deploy,svc -o name").stdout, "deployment.apps/api\nservice/kubernetes\n");
    c.advance(Duration::seconds(30));
    // kubectl lists the category first, then deletes each object: the ReplicaSet is its
    // own line, not gone with its Deployment before kubectl reaches it.
    let pod = run(&mut c, "kubectl get pods -o name").stdout;
    let rs = run(&mut c, "kubectl get rs -o name").stdout;
    let out = run(&mut c, "kubectl delete all --all --wait=false");
    let expected = format!(
        "pod \"{}\" deleted\nservice \"kubernetes\" deleted\ndeployment.apps \"api\" deleted\nreplicaset.apps \"{}\" deleted\n",
        pod.trim().trim_start_matches("pod/"),
        rs.trim().trim_start_matches("replicaset.apps/")
    );
    assert_eq!((out.stdout, out.stderr), (expected, String::new()));
    assert_eq!(run(&mut c, "kubectl delete all -l app=nope").stderr, "No resources found\n");
    assert_eq!(run(&mut c, "kubectl delete deploy,svc web").stderr, "Error from server (NotFound): deployments.apps \"web\" not found\nError from server (NotFound): services \"web\" not found\n");
}

#[test]
fn api_resources_filters_and_names() {
    let mut c = Cluster::new(ClusterSettings::default());
    assert_eq!(run(&mut c, "kubectl api-resources -o name --api-group=apps").stdout, "daemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n");
    let cluster_wide = run(&mut c, "kubectl api-resources --namespaced=false --no-headers").stdout;
    assert!(cluster_wide.starts_with("namespaces            ns    v1                             false   Namespace\nnodes "), "{cluster_wide}");
    assert!(cluster_wide.lines().all(|l| l.contains(" false ")), "{cluster_wide}");
    let namespaced = run(&mut c, "kubectl api-resources --namespaced -o name").stdout;
    assert!(namespaced.starts_with("configmaps\n") && !namespaced.contains("nodes\n"), "{namespaced}");
    assert_eq!(run(&mut c, "kubectl api-resources --api-group=batch --sort-by=kind -o name").stdout, "cronjobs.batch\njobs.batch\n");
    // Source: kubectl 1.28.
    assert_eq!(run(&mut c, "kubectl api-resources -o yaml").stderr, "error: --output yaml is not available\n");
    assert_eq!(run(&mut c, "kubectl api-resources --sort-by=x").stderr, "error: --sort-by accepts only name or kind\n");
    assert_eq!(run(&mut c, "kubectl api-resources --namespaced=maybe").stderr, "error: invalid argument \"maybe\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax\nSee 'kubectl api-resources --help' for usage.\n");
    assert_eq!(run(&mut c, "kubectl get pods -w=maybe").stderr, "error: invalid argument \"maybe\" for \"-w, --watch\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax\nSee 'kubectl get --help' for usage.\n");
}

#[test]
fn ignore_not_found_and_show_kind() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    assert_eq!(run(&mut c, "kubectl get deploy --show-kind").stdout, "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   0/1     1            0           0s\n");
    for line in ["kubectl get deploy nope --ignore-not-found", "kubectl get svc -l app=nope --ignore-not-found", "kubectl delete deploy nope --ignore-not-found"] {
        let out = run(&mut c, line);
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "", 0), "{line}");
    }
    assert_eq!(run(&mut c, "kubectl get deploy nope web --ignore-not-found -o name").stdout, "deployment.apps/web\n");
    let out = run(&mut c, "kubectl delete deploy nope web --ignore-not-found --wait=false");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("deployment.apps \"web\" deleted\n", ""));
}

#[test]
fn only_the_kinds_whose_strategy_sets_it_carry_a_generation() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create configmap cfg --from-literal=a=1");
    run(&mut c, "kubectl create deployment web --image=nginx");
    run(&mut c, "kubectl expose deployment web --port=80");
    c.advance(Duration::seconds(10));
    // As a v1.28 API server stores them: no generation on ConfigMaps, Services or Pods.
    assert_eq!(run(&mut c, "kubectl get configmap cfg -o yaml").stdout.lines().filter(|l| l.starts_with("  generation:")).count(), 0);
    assert_eq!(run(&mut c, "kubectl get service web -o jsonpath={.metadata.generation}").stdout, "");
    assert_eq!(run(&mut c, "kubectl get pods -o jsonpath={.items[*].metadata.generation}").stdout, "");
    assert_eq!(run(&mut c, "kubectl get deployment web -o jsonpath={.metadata.generation}").stdout, "1");
    assert_eq!(run(&mut c, "kubectl get rs -o jsonpath={.items[*].metadata.generation}").stdout, "1");
}

#[test]
fn top_without_headers_and_of_capacity() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.advance(Duration::seconds(120));
    let nodes = run(&mut c, "kubectl top nodes --no-headers").stdout;
    assert!(nodes.starts_with("control-plane   144m   7%    1003Mi   24%   \nnode-1          63m    3%    630Mi    15%   \n"), "{nodes}");
    let pods = run(&mut c, "kubectl top pods -n kube-system --no-headers").stdout;
    assert!(pods.starts_with("coredns-") && !pods.contains("CPU(cores)"), "{pods}");
    // --sum: a rule and the totals under the CPU and MEMORY columns (kubectl-output.md 4.5).
    let sum = run(&mut c, "kubectl top pods -n kube-system -l k8s-app=kube-dns --sum").stdout;
    assert!(sum.ends_with("\n                           ________     ________        \n                           4m           28Mi            \n"), "{sum}");
    // The simulated nodes reserve nothing, so capacity and allocatable give the same percentages.
    let capacity = run(&mut c, "kubectl top nodes --show-capacity");
    assert_eq!((capacity.stdout, capacity.stderr), (run(&mut c, "kubectl top nodes").stdout, String::new()));
}

#[test]
fn delete_cascade_orphan_keeps_the_dependents() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    c.advance(Duration::seconds(30));
    assert_eq!(run(&mut c, "kubectl delete deploy web --cascade=orphan").stdout, "deployment.apps \"web\" deleted\n");
    c.advance(Duration::seconds(10));
    let rs = run(&mut c, "kubectl get rs -o jsonpath={.items[*].metadata.ownerReferences}");
    assert_eq!((rs.stdout.as_str(), rs.stderr.as_str()), ("", ""), "the ReplicaSet stays, owned by nothing");
    assert_eq!(run(&mut c, "kubectl get rs --no-headers").stdout.lines().count(), 1);
    // Source: kubectl 1.28 (these need no cluster).
    let out = run(&mut c, "kubectl delete rs --all --cascade=false");
    assert_eq!(out.stderr, "warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n");
    c.advance(Duration::seconds(10));
    assert_eq!(run(&mut c, "kubectl get pods --no-headers").stdout.lines().count(), 2, "the pods outlive their ReplicaSet");
    assert_eq!(run(&mut c, "kubectl delete pods --all --cascade=bogus").stderr, "error: invalid cascade value (bogus). Must be \"background\", \"foreground\", or \"orphan\"\n");
    let background = run(&mut c, "kubectl delete pods --all --cascade --wait=false");
    assert_eq!((background.stdout.lines().count(), background.stderr.as_str()), (2, ""));
}

#[test]
fn scale_checks_the_current_replicas_first() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    let out = run(&mut c, "kubectl scale deployment web --current-replicas=1 --replicas=3");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "error: Expected replicas to be 1, was 2\n", 1));
    assert_eq!(run(&mut c, "kubectl get deploy web -o jsonpath={.spec.replicas}").stdout, "2", "nothing changed");
    assert_eq!(run(&mut c, "kubectl scale deployment web --current-replicas=2 --replicas=3").stdout, "deployment.apps/web scaled\n");
}

/// kubectl's precondition holds for any count but -1 (its "none"): a negative one, or one
/// beyond what a replica count can be, never matches, so nothing is scaled.
#[test]
fn scale_refuses_a_current_replicas_that_cannot_match() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    for (given, said) in [("99999999999", "99999999999"), ("-2", "-2")] {
        let out = run(&mut c, &format!("kubectl scale deployment web --current-replicas={given} --replicas=3"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", format!("error: Expected replicas to be {said}, was 2\n").as_str(), 1), "{given}");
        assert_eq!(run(&mut c, "kubectl get deploy web -o jsonpath={.spec.replicas}").stdout, "2", "nothing changed with {given}");
    }
    assert_eq!(run(&mut c, "kubectl scale deployment web --current-replicas=-1 --replicas=3").stdout, "deployment.apps/web scaled\n", "-1 is no precondition");
}
