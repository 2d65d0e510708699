//! Describe layouts, checked against kubectl-output.md section 3.

use super::*;
use crate::clock::Duration;
use crate::cluster::ClusterSettings;
use crate::kubectl::run;

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
          limits:
            cpu: 200m
            memory: 128Mi
        readinessProbe:
          httpGet:
            port: 80
";

fn cluster_with(manifest: &str) -> Cluster {
    let mut c = Cluster::new(ClusterSettings::default());
    let report = c.apply_manifest(manifest, "d.yaml");
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    c.advance(Duration::seconds(30));
    c
}

fn names(c: &Cluster, kind: Kind) -> Vec<String> {
    c.store()
        .list(kind, Some("default"))
        .map(|o| o.name().to_string())
        .collect()
}

/// The cells of the Events table, checking that every row starts its cells in the
/// header's columns (the table is aligned on its own, after a flush).
fn event_rows(text: &str) -> Vec<Vec<String>> {
    let table = &text[text.find("\nEvents:\n").expect("an events table") + 9..];
    let lines: Vec<&str> = table.lines().collect();
    let starts: Vec<usize> = ["Type", "Reason", "Age", "From", "Message"]
        .iter()
        .map(|h| lines[0].find(h).expect("header"))
        .collect();
    lines
        .iter()
        .map(|l| {
            let cells: Vec<String> = starts
                .iter()
                .zip(starts.iter().skip(1).map(Some).chain([None]))
                .map(|(&a, b)| l[a..b.map_or(l.len(), |&b| b)].trim_end().to_string())
                .collect();
            assert!(
                starts
                    .iter()
                    .skip(1)
                    .all(|&s| l.as_bytes()[s - 1] == b' ' && l.as_bytes()[s - 2] == b' '),
                "misaligned row {l:?}"
            );
            cells
        })
        .collect()
}

fn ok(c: &mut Cluster, line: &str) -> String {
    let out = run(c, line);
    assert_eq!((out.exit_code, out.stderr.as_str()), (0, ""), "{line}");
    out.stdout
}

#[test]
fn deployment_matches_kubectls_layout() {
    let mut c = cluster_with(WEB);
    let rs = names(&c, Kind::ReplicaSet).remove(0);
    let created = rfc1123z(Some(Time::from_utc(2024, 1, 1, 9, 0, 0)));
    let want = format!(
        "Name:                   web
Namespace:              default
CreationTimestamp:      {created}
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 1
Selector:               app=web
Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:      nginx:1.25
    Port:       80/TCP
    Host Port:  0/TCP
    Limits:
      cpu:     200m
      memory:  128Mi
    Requests:
      cpu:        100m
      memory:     64Mi
    Readiness:    http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    NewReplicaSetAvailable
OldReplicaSets:  <none>
NewReplicaSet:   {rs} (2/2 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  30s   deployment-controller  Scaled up replica set {rs} to 2
"
    );
    assert_eq!(ok(&mut c, "kubectl describe deployment web"), want);
    assert_eq!(
        ok(&mut c, "kubectl describe deploy/web"),
        want,
        "TYPE/NAME form"
    );
    assert_eq!(created, "Mon, 01 Jan 2024 09:00:00 +0000");
}

#[test]
fn a_rollout_shows_old_and_new_replica_sets() {
    let mut c = cluster_with(WEB);
    ok(&mut c, "kubectl set image deployment/web nginx=nginx:1.26");
    c.advance(Duration::seconds(60));
    let text = ok(&mut c, "kubectl describe deployment web");
    let mut sets: Vec<&ReplicaSet> = c
        .store()
        .list(Kind::ReplicaSet, Some("default"))
        .filter_map(Object::as_replica_set)
        .collect();
    sets.sort_by_key(|rs| rs.metadata.creation_timestamp);
    let (old, new) = (&sets[0].metadata.name, &sets[1].metadata.name);
    assert!(text.contains(&format!("OldReplicaSets:  {old} (0/0 replicas created)\nNewReplicaSet:   {new} (2/2 replicas created)\n")), "{text}");
    assert!(
        text.contains("Annotations:            deployment.kubernetes.io/revision: 2\n"),
        "{text}"
    );
    assert!(text.contains(&format!("  Normal  ScalingReplicaSet  90s   deployment-controller  Scaled up replica set {old} to 2\n")), "{text}");
    assert!(
        text.contains(&format!("Scaled down replica set {old} to 0 from 1\n")),
        "{text}"
    );
}

#[test]
fn replica_set_matches_kubectls_layout() {
    let mut c = cluster_with(WEB);
    let rs = names(&c, Kind::ReplicaSet).remove(0);
    let hash = rs.trim_start_matches("web-");
    let pods = names(&c, Kind::Pod);
    let want = format!(
        "Name:           {rs}
Namespace:      default
Selector:       app=web,pod-template-hash={hash}
Labels:         app=web
                pod-template-hash={hash}
Annotations:    deployment.kubernetes.io/desired-replicas: 2
                deployment.kubernetes.io/max-replicas: 3
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/web
Replicas:       2 current / 2 desired
Pods Status:    2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=web
           pod-template-hash={hash}
  Containers:
   nginx:
    Image:      nginx:1.25
    Port:       80/TCP
    Host Port:  0/TCP
    Limits:
      cpu:     200m
      memory:  128Mi
    Requests:
      cpu:        100m
      memory:     64Mi
    Readiness:    http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:  <none>
    Mounts:       <none>
  Volumes:        <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  30s   replicaset-controller  Created pod: {}
  Normal  SuccessfulCreate  30s   replicaset-controller  Created pod: {}
",
        pods[0], pods[1]
    );
    let mut got = ok(&mut c, &format!("kubectl describe rs {rs}"));
    // The two creations happen at the same instant; their order is the store's.
    if !got.contains(&format!("Created pod: {}\n  Normal", pods[0])) {
        got = got
            .replace(&pods[0], "FIRST")
            .replace(&pods[1], &pods[0])
            .replace("FIRST", &pods[1]);
    }
    assert_eq!(got, want);
}

#[test]
fn running_pod_matches_kubectls_layout() {
    let mut c = cluster_with(WEB);
    let rs = names(&c, Kind::ReplicaSet).remove(0);
    let name = names(&c, Kind::Pod).remove(0);
    let Some(Object::Pod(p)) = c
        .store()
        .get(&ObjectKey {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: name.clone(),
        })
        .cloned()
    else {
        panic!("no pod")
    };
    let s = &p.status.container_statuses[0];
    let hash = rs.trim_start_matches("web-");
    let node = p.spec.node_name.clone().unwrap_or_default();
    let host_ip = p.status.host_ip.clone().unwrap_or_default();
    let ip = p.status.pod_ip.clone().unwrap_or_default();
    let start = rfc1123z(p.status.start_time);
    let started = rfc1123z(s.state.running.as_ref().and_then(|r| r.started_at));
    let (id, image_id) = (
        s.container_id.clone().unwrap_or_default(),
        s.image_id.clone(),
    );
    let text = ok(&mut c, &format!("kubectl describe pod {name}"));
    let head = format!(
        "Name:             {name}
Namespace:        default
Priority:         0
Service Account:  default
Node:             {node}/{host_ip}
Start Time:       {start}
Labels:           app=web
                  pod-template-hash={hash}
Annotations:      <none>
Status:           Running
IP:               {ip}
IPs:
  IP:           {ip}
Controlled By:  ReplicaSet/{rs}
Containers:
  nginx:
    Container ID:   {id}
    Image:          nginx:1.25
    Image ID:       {image_id}
    Port:           80/TCP
    Host Port:      0/TCP
    State:          Running
      Started:      {started}
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     200m
      memory:  128Mi
    Requests:
      cpu:        100m
      memory:     64Mi
    Readiness:    http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3
    Environment:  <none>
    Mounts:       <none>
Conditions:
  Type              Status
"
    );
    assert!(text.starts_with(&head), "{text}");
    let tail = "Volumes:            <none>
QoS Class:          Burstable
Node-Selectors:     <none>
Tolerations:        node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                    node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
";
    assert!(text.contains(tail), "{text}");
    // In the kubelet's order, PodScheduled last (kubectl-output.md 3.4).
    let conditions = "Conditions:\n  Type              Status\n  Initialized       True \n  Ready             True \n  ContainersReady   True \n  PodScheduled      True \n";
    assert!(text.contains(conditions), "{text}");
    let rows = event_rows(&text);
    assert_eq!(rows[0], ["Type", "Reason", "Age", "From", "Message"]);
    assert_eq!(rows[1], ["----", "------", "----", "----", "-------"]);
    assert_eq!(
        rows[2],
        [
            "Normal",
            "Scheduled",
            "30s",
            "default-scheduler",
            &format!("Successfully assigned default/{name} to {node}")
        ]
    );
    assert!(
        rows.iter()
            .any(|r| r[1] == "Started" && r[3] == "kubelet" && r[4] == "Started container nginx"),
        "{text}"
    );
    // During the grace period the deletion time lies ahead: kubectl prints `<invalid>`.
    ok(&mut c, &format!("kubectl delete pod {name} --wait=false"));
    let text = ok(&mut c, &format!("kubectl describe pod {name}"));
    assert!(text.contains("Status:                    Terminating (lasts <invalid>)\nTermination Grace Period:  30s\nIP:                        "), "{text}");
}

#[test]
fn pending_and_crashing_pods() {
    let manifest = "apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, exit 1]
    resources:
      requests:
        cpu: \"64\"
";
    let mut c = cluster_with(manifest);
    let text = ok(&mut c, "kubectl describe pod big");
    let want_head = "Name:             big
Namespace:        default
Priority:         0
Service Account:  default
Node:             <none>
Labels:           <none>
Annotations:      <none>
Status:           Pending
IP:               \nIPs:              <none>
Containers:
  app:
    Image:      busybox:1.36
    Port:       <none>
    Host Port:  <none>
    Command:
      sh
      -c
      exit 1
    Requests:
      cpu:        64
    Environment:  <none>
    Mounts:       <none>
Conditions:
  Type           Status
  PodScheduled   False \nVolumes:         <none>
QoS Class:       Burstable
";
    assert!(text.starts_with(want_head), "{text}");
    assert!(text.contains("  Warning  FailedScheduling  "), "{text}");

    let crash = "apiVersion: v1
kind: Pod
metadata:
  name: crash
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, exit 1]
";
    c.apply_manifest(crash, "c.yaml");
    c.advance(Duration::seconds(60));
    let text = ok(&mut c, "kubectl describe pod crash");
    assert!(text.contains("    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n      Reason:       Error\n      Exit Code:    1\n"), "{text}");
    assert!(text.contains("QoS Class:          BestEffort\n"), "{text}");
    assert!(text.contains("  Warning  BackOff  "), "{text}");
    assert!(
        text.contains(" (x"),
        "repeated events show 'xN over': {text}"
    );
}

#[test]
fn node_matches_kubectls_layout() {
    let mut c = cluster_with(WEB);
    let text = ok(&mut c, "kubectl describe node control-plane");
    let created = rfc1123z(Some(Time::from_utc(2024, 1, 1, 8, 55, 0)));
    let head = format!(
        "Name:               control-plane
Roles:              control-plane
Labels:             beta.kubernetes.io/arch=amd64
                    beta.kubernetes.io/os=linux
                    kubernetes.io/arch=amd64
                    kubernetes.io/hostname=control-plane
                    kubernetes.io/os=linux
                    node-role.kubernetes.io/control-plane=
Annotations:        <none>
CreationTimestamp:  {created}
Taints:             node-role.kubernetes.io/control-plane:NoSchedule
Unschedulable:      false
Lease:
  HolderIdentity:  control-plane
  AcquireTime:     <unset>
  RenewTime:       "
    );
    assert!(text.starts_with(&head), "{text}");
    assert!(text.contains("\nConditions:\n  Type             Status  LastHeartbeatTime                 LastTransitionTime                Reason                       Message\n  ----             ------  -----------------                 ------------------                ------                       -------\n  MemoryPressure   False   "), "{text}");
    let body = "Addresses:
  InternalIP:  172.18.0.2
  Hostname:    control-plane
Capacity:
  cpu:                2
  ephemeral-storage:  100Gi
  memory:             4Gi
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  100Gi
  memory:             4Gi
  pods:               110
System Info:
  Machine ID:                 \n  System UUID:                \n  Boot ID:                    \n  Kernel Version:             6.1.0-18-amd64
  OS Image:                   Debian GNU/Linux 11 (bullseye)
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  containerd://1.7.1
  Kubelet Version:            v1.28.0
  Kube-Proxy Version:         v1.28.0
PodCIDR:                      10.244.0.0/24
PodCIDRs:                     10.244.0.0/24
Non-terminated Pods:          (5 in total)
  Namespace                   Name                                     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----                                     ------------  ----------  ---------------  -------------  ---
  kube-system                 etcd-control-plane                       100m (5%)     0 (0%)      100Mi (2%)       0 (0%)         5m30s
  kube-system                 kube-apiserver-control-plane             250m (12%)    0 (0%)      0 (0%)           0 (0%)         5m30s
  kube-system                 kube-controller-manager-control-plane    200m (10%)    0 (0%)      0 (0%)           0 (0%)         5m30s
";
    assert!(text.contains(body), "{text}");
    let allocated = "Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                650m (32%)  0 (0%)
  memory             100Mi (2%)  0 (0%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:";
    assert!(text.contains(allocated), "{text}");
}

#[test]
fn describing_a_kind_describes_every_object_and_prefixes_match() {
    let mut c = cluster_with(WEB);
    let pods = names(&c, Kind::Pod);
    let all = ok(&mut c, "kubectl describe pods");
    assert_eq!(
        all.matches("Name:             web-").count(),
        2,
        "the two pods of the default namespace: {all}"
    );
    let second = all
        .find(&format!("Name:             {}\n", pods[1]))
        .expect("second pod");
    assert!(
        all[..second].ends_with("\n\n\n"),
        "two empty lines between objects"
    );
    // `describe pod web` finds the pods whose names start with `web`, each followed by an empty line.
    let prefixed = ok(&mut c, "kubectl describe pod web");
    assert_eq!(prefixed.matches("Name:             web-").count(), 2);
    assert!(
        prefixed.ends_with("\n\n") && !prefixed.ends_with("\n\n\n"),
        "{prefixed}"
    );
    assert_eq!(
        prefixed.matches("\n\nName:").count(),
        1,
        "one empty line between them: {prefixed}"
    );
    let labelled = ok(
        &mut c,
        "kubectl describe pods -l app=web --show-events=false",
    );
    assert_eq!(labelled.matches("Name:     ").count(), 2);
    assert!(!labelled.contains("Events:"), "{labelled}");
    let system = ok(&mut c, "kubectl describe deploy -A");
    assert!(
        system.contains("Name:                   coredns\nNamespace:              kube-system\n"),
        "{system}"
    );
}

#[test]
fn errors_read_like_kubectl() {
    let mut c = cluster_with(WEB);
    let err = |c: &mut Cluster, line: &str| {
        let out = run(c, line);
        assert_eq!(out.exit_code, 1, "{line}: {out:?}");
        out.stderr
    };
    assert_eq!(
        err(&mut c, "kubectl describe foo x"),
        "error: the server doesn't have a resource type \"foo\"\n"
    );
    assert_eq!(
        err(&mut c, "kubectl describe deployment nope"),
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
    assert_eq!(
        err(&mut c, "kubectl describe pod/nope"),
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
    assert_eq!(err(&mut c, "kubectl describe"), "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
    assert_eq!(
        err(&mut c, "kubectl describe pods web -l app=web"),
        "error: name cannot be provided when a selector is specified\n"
    );
    assert_eq!(
        err(&mut c, "kubectl describe pods --watch"),
        "error: unknown flag: --watch\nSee 'kubectl describe --help' for usage.\n"
    );
    let out = run(&mut c, "kubectl describe deployment web nope");
    assert!(
        out.stdout.starts_with("Name:                   web\n"),
        "{out:?}"
    );
    assert_eq!(
        (out.stderr.as_str(), out.exit_code),
        (
            "Error from server (NotFound): deployments.apps \"nope\" not found\n",
            1
        )
    );
    let out = run(&mut c, "kubectl describe pods -l app=nothing");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit_code),
        ("", "No resources found in default namespace.\n", 0)
    );
}

#[test]
fn namespace_config_and_accounts() {
    let manifest = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  color: blue
  size: large
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: s3cr3t
";
    let mut c = cluster_with(manifest);
    assert_eq!(
            ok(&mut c, "kubectl describe ns default"),
            "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
        );
    assert_eq!(
            ok(&mut c, "kubectl describe configmap cfg"),
            "Name:         cfg\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\ncolor:\n----\nblue\nsize:\n----\nlarge\n\nBinaryData\n====\n\nEvents:  <none>\n"
        );
    assert_eq!(
            ok(&mut c, "kubectl describe secret creds"),
            "Name:         creds\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  6 bytes\n"
        );
    assert_eq!(
            ok(&mut c, "kubectl describe sa default"),
            "Name:                default\nNamespace:           default\nLabels:              <none>\nAnnotations:         <none>\nImage pull secrets:  <none>\nMountable secrets:   <none>\nTokens:              <none>\nEvents:              <none>\n"
        );
}

#[test]
fn daemon_sets_and_jobs() {
    let job = "apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: app
        image: busybox:1.36
        command: [sh, -c, echo hi]
";
    let mut c = cluster_with(job);
    let ds = ok(&mut c, "kubectl describe ds kube-proxy -n kube-system");
    let head = "Name:           kube-proxy
Selector:       k8s-app=kube-proxy
Node-Selector:  <none>
Labels:         k8s-app=kube-proxy
Annotations:    <none>
Desired Number of Nodes Scheduled: 4
Current Number of Nodes Scheduled: 4
Number of Nodes Scheduled with Up-to-date Pods: 4
Number of Nodes Scheduled with Available Pods: 4
Number of Nodes Misscheduled: 0
Pods Status:  4 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  k8s-app=kube-proxy
  Containers:
   kube-proxy:
";
    assert!(ds.starts_with(head), "{ds}");
    let text = ok(&mut c, "kubectl describe job once");
    assert!(text.starts_with("Name:             once\nNamespace:        default\nSelector:         batch.kubernetes.io/controller-uid="), "{text}");
    assert!(text.contains("\nParallelism:      1\nCompletions:      1\nCompletion Mode:  NonIndexed\nSuspend:          false\nStart Time:       "), "{text}");
    assert!(
        text.contains("Normal  SuccessfulCreate  30s   job-controller  Created pod: once-"),
        "{text}"
    );
}

#[test]
fn annotations_and_quantities_render_as_kubectl_does() {
    let mut w = Out::default();
    let long = "x".repeat(200);
    let notes: crate::api::StringMap = [
        ("a", "short"),
        ("b", long.as_str()),
        ("kubectl.kubernetes.io/last-applied-configuration", "{}"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    annotations(&mut w, "Annotations", &notes);
    assert_eq!(
        w.finish(),
        format!(
            "Annotations:  a: short\n              b:\n                {}...\n",
            "x".repeat(138)
        )
    );
    assert_eq!(quantity_text(134_217_728_000, true), "128Mi");
    assert_eq!(quantity_text(131_072_000, true), "128Ki");
    assert_eq!(quantity_text(1_000_000, true), "1000");
    assert_eq!(quantity_text(2000, false), "2");
    assert_eq!(quantity_text(650, false), "650m");
    assert_eq!(quantity_text(0, false), "0");
    assert_eq!(
        toleration_text(&Toleration {
            operator: Some("Exists".into()),
            ..Default::default()
        }),
        "op=Exists"
    );
    assert_eq!(
        rfc1123z(Some(Time::from_utc(2026, 11, 27, 5, 53, 5))),
        "Fri, 27 Nov 2026 05:53:05 +0000"
    );
}

#[test]
fn service_matches_kubectls_layout() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment nginx --image=nginx --replicas=3 --port=80");
    run(&mut c, "kubectl expose deployment nginx --type=NodePort");
    c.advance(Duration::seconds(30));
    let svc = c.store().list(Kind::Service, Some("default")).filter_map(Object::as_service).find(|s| s.metadata.name == "nginx").unwrap().clone();
    let ip = svc.spec.cluster_ip.clone().unwrap();
    let np = svc.spec.ports[0].node_port.unwrap();
    let mut ips: Vec<String> = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter_map(|p| p.status.pod_ip.clone()).collect();
    ips.sort_by_key(|ip| ip.split('.').map(|o| o.parse::<u32>().unwrap()).collect::<Vec<_>>());
    let endpoints: Vec<String> = ips.iter().map(|ip| format!("{ip}:80")).collect();
    // Layout source: kubectl 1.28 against a kind cluster (kubectl-output.md 3.5).
    let expected = format!(
        "Name:                     nginx\nNamespace:                default\nLabels:                   app=nginx\nAnnotations:              <none>\nSelector:                 app=nginx\nType:                     NodePort\nIP Family Policy:         SingleStack\nIP Families:              IPv4\nIP:                       {ip}\nIPs:                      {ip}\nPort:                     <unset>  80/TCP\nTargetPort:               80/TCP\nNodePort:                 <unset>  {np}/TCP\nEndpoints:                {}\nSession Affinity:         None\nExternal Traffic Policy:  Cluster\nEvents:                   <none>\n",
        endpoints.join(",")
    );
    assert_eq!(run(&mut c, "kubectl describe svc nginx").stdout, expected);
}

#[test]
fn hpa_matches_kubectls_layout() {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: nginx}}\n  template:\n    metadata: {labels: {app: nginx}}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        resources: {requests: {cpu: 10m}}\n", "d.yaml");
    c.advance(Duration::seconds(60));
    run(&mut c, "kubectl autoscale deployment nginx --min=1 --max=10 --cpu-percent=50");
    c.advance(Duration::seconds(20));
    let created = rfc1123z(c.store().list(Kind::HorizontalPodAutoscaler, Some("default")).next().unwrap().meta().creation_timestamp);
    // Layout source: kubectl 1.28 (kubectl-output.md 3.6); the long metric line widens the first column.
    let expected = format!(
        "Name:                                                  nginx\nNamespace:                                             default\nLabels:                                                <none>\nAnnotations:                                           <none>\nCreationTimestamp:                                     {created}\nReference:                                             Deployment/nginx\nMetrics:                                               ( current / target )\n  resource cpu on pods  (as a percentage of request):  10% (1m) / 50%\nMin replicas:                                          1\nMax replicas:                                          10\nDeployment pods:                                       3 current / 3 desired\nConditions:\n  Type            Status  Reason               Message\n  ----            ------  ------               -------\n  AbleToScale     True    ScaleDownStabilized  recent recommendations were higher than current one, applying the highest recent recommendation\n  ScalingActive   True    ValidMetricFound     the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)\n  ScalingLimited  False   DesiredWithinRange   the desired count is within the acceptable range\nEvents:           <none>\n"
    );
    assert_eq!(run(&mut c, "kubectl describe hpa nginx").stdout, expected);
}
