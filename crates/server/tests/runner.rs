//! `kubeplay run` end to end: the binary, a script, its files and the trace.

use std::process::Command;

fn run(script: &str, extra: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeplay")).arg("run").arg(script).args(extra).output().expect("kubeplay runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code().unwrap_or(-1))
}

fn scripts() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts")
}

#[test]
fn a_script_named_without_its_folder_reads_files_beside_it() {
    let folder = scripts().join("rollout");
    let out = Command::new(env!("CARGO_BIN_EXE_kubeplay")).current_dir(&folder).args(["run", "script.txt"]).output().expect("kubeplay runs");
    let out = String::from_utf8_lossy(&out.stdout);
    assert!(out.starts_with("$ kubectl apply -f web-v1.yaml\ndeployment.apps/web created\n"), "{out}");
}

#[test]
fn rollout_and_undo_script() {
    let trace = std::env::temp_dir().join(format!("kubeplay-trace-{}.jsonl", std::process::id()));
    let script = scripts().join("rollout/script.txt");
    let (out, err, code) = run(script.to_str().unwrap(), &["--seed", "7", "--trace", trace.to_str().unwrap()]);
    assert_eq!(code, 1, "the last line uses an unknown flag, so the run fails: {err}");
    assert!(out.starts_with("$ kubectl apply -f web-v1.yaml\ndeployment.apps/web created\n$ kubectl rollout status deployment/web\n"), "{out}");
    assert!(out.contains("Waiting for deployment \"web\" rollout to finish: 0 of 3 updated replicas are available...\n"), "{out}");
    assert!(out.contains("deployment \"web\" successfully rolled out\n$ kubectl get deployments\nNAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    3/3     3            3           "), "{out}");
    assert!(out.contains("$ kubectl apply -f web-v2.yaml\ndeployment.apps/web configured\n"), "{out}");
    assert!(out.contains("$ kubectl rollout history deployment/web\ndeployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"), "{out}");
    assert!(out.contains("$ kubectl rollout undo deployment/web\ndeployment.apps/web rolled back\n"), "{out}");
    // The old ReplicaSet comes back as revision 3.
    assert!(out.contains("REVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n"), "{out}");
    assert!(out.contains("      - image: nginx:1.25\n"), "the yaml shows the rolled-back image: {out}");
    assert!(!out.contains(".500Z"), "timestamps print in whole seconds as kubectl shows them");
    assert!(out.contains("  annotations:\n    deployment.kubernetes.io/revision: \"3\"\n"), "{out}");
    assert!(out.contains("$ kubectl scale deployment web --replicas=5\ndeployment.apps/web scaled\n$ advance 30s\n$ kubectl get deploy web\nNAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    5/5     5            5"), "{out}");
    assert!(out.ends_with("$ kubectl get pods --no-such-flag\nerror: unknown flag: --no-such-flag\nSee 'kubectl get --help' for usage.\n"), "{out}");

    let text = std::fs::read_to_string(&trace).unwrap();
    let _ = std::fs::remove_file(&trace);
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("each trace line is JSON")).collect();
    assert!(lines.len() > 100);
    let mut last_time = kubeplay_sim::clock::Time(0);
    for l in &lines {
        let time = kubeplay_sim::clock::Time::parse_rfc3339(l["time"].as_str().unwrap()).expect("RFC 3339 time");
        assert!(time >= last_time, "trace is in time order");
        last_time = time;
        assert!(["ADDED", "MODIFIED", "DELETED"].contains(&l["type"].as_str().unwrap()));
        assert!(l["object"]["kind"].is_string() && l["object"]["metadata"]["name"].is_string());
    }
    let rs_added = lines.iter().filter(|l| l["type"] == "ADDED" && l["object"]["kind"] == "ReplicaSet" && l["object"]["metadata"]["namespace"] == "default").count();
    assert_eq!(rs_added, 2, "two templates, two ReplicaSets; the undo reuses the first");

    // Same seed, same transcript.
    let (again, _, _) = run(script.to_str().unwrap(), &["--seed", "7"]);
    assert_eq!(again, out);
}

#[test]
fn bad_usage_is_explained() {
    let (_, err, code) = run("/no/such/script", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /no/such/script"));
    let script = scripts().join("rollout/script.txt");
    let (_, err, code) = run(script.to_str().unwrap(), &["--nodes", "zero"]);
    assert_eq!(code, 2);
    assert!(err.contains("--nodes needs a number"));
}

#[test]
fn the_label_experiment_with_its_shell_idioms() {
    let script = scripts().join("labels/script.txt");
    let (out, err, code) = run(script.to_str().unwrap(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("$ kubectl get po -o jsonpath='{.items[*].spec.containers[].image}'; echo\nnginx:1.15.3-alpine nginx:1.15.3-alpine nginx:1.15.3-alpine\n"), "{out}");
    assert!(out.contains("$ kubectl get po -l app=simple --no-headers | wc -l\n4\n"), "the stray pod makes four: {out}");
    assert!(out.contains("| jq -c '.spec.selector'\n{\"matchLabels\":{\"app\":\"simple\",\"pod-template-hash\":\""), "{out}");
    // The heredoc spans lines; the transcript shows them as bash does.
    assert!(out.contains("$ cat > patch.yml <<EOF\n> metadata:\n>   labels:\n>     pod-template-hash: ${POD_HASH}\n> EOF\n$ kubectl patch pod simple --patch \"$(cat patch.yml)\"\npod/simple patched\n"), "{out}");
    assert!(out.ends_with("$ kubectl get po -l app=simple --no-headers | wc -l\n3\n$ kubectl get pod simple 2>&1 | head -1\nError from server (NotFound): pods \"simple\" not found\n"), "adopted, then removed as the surplus: {out}");
}

#[test]
fn logs_follow_exec_sessions_and_waiting_deletes() {
    let script = scripts().join("exec/script.txt");
    let (out, err, code) = run(script.to_str().unwrap(), &[]);
    assert_eq!(code, 1, "sessions that end with a non-zero code fail the run: {err}");
    // logs -f follows until the container exits.
    assert!(out.contains("$ kubectl logs -f crash\nkubeplay/crashloop: starting\nkubeplay/crashloop: cannot start, exiting with code 1\n$ advance 20s\n"), "{out}");
    // In a session the lines follow the container's prompt, until exit.
    assert!(
        out.contains("$ kubectl exec -it box -- sh\n/ # hostname\nbox\n/ # cd /etc\n/etc # kubectl get pods\nsh: kubectl: not found\n/etc # exit\ncommand terminated with exit code 127\n$ kubectl exec -it deploy/web -- bash\nroot@web-"),
        "{out}"
    );
    assert!(out.contains(":/# echo $HOSTNAME | cut -c1-4\nweb-\nroot@web-") && out.contains(":/# exit 3\nexit\ncommand terminated with exit code 3\n$ kubectl delete pod box\n"), "{out}");
    // delete waits until the pod is gone.
    assert!(out.contains("$ kubectl delete pod box\npod \"box\" deleted\n$ kubectl get pods box\nError from server (NotFound): pods \"box\" not found\n"), "{out}");
    // The container stops while the session is open: kubectl's notice, back on the node.
    assert!(out.ends_with("$ kubectl exec -it short -- sh\n/ # sleep 20\ncommand terminated with exit code 137\n$ kubectl get -h | head -1\nList objects, or show one in detail.\n"), "{out}");
}

/// The workshop's steps B, C, G and H (EXERCISES.md) typed as a learner does today: what
/// each step shows in the workshop shows here too.
#[test]
fn the_workshops_steps_b_c_g_h() {
    let script = scripts().join("workshop/script.txt");
    let (out, err, code) = run(script.to_str().unwrap(), &[]);
    assert_eq!(code, 1, "the first line is 2018's kubectl run --replicas, which fails today: {err}");
    // B: run --replicas is refused with a way forward; the Deployment and its NodePort answer.
    assert!(out.starts_with("$ kubectl run --image=nginx --port=80 --labels='inovex=class' --record --replicas=3 my-nginx\nerror: unknown flag: --replicas\n"), "{out}");
    assert!(out.contains("hint: for a Deployment, as the 2018 workshop made: kubectl create deployment my-nginx --image=nginx --replicas=3 --port=80\n  hint: create deployment takes no --labels; it labels the pods app=my-nginx, so select them with -l app=my-nginx\n"), "{out}");
    assert!(out.contains("NAME       READY   UP-TO-DATE   AVAILABLE   AGE\nmy-nginx   3/3     3            3           30s\n"), "{out}");
    assert!(out.contains("| grep '<title>'\n<title>Welcome to nginx!</title>\n"), "{out}");
    // C: the NodePort spreads requests: more than one pod address answers.
    let answers: std::collections::BTreeSet<&str> = out.split("$ curl -s http://127.0.0.1:$PORT | tail -1\n").skip(1).filter_map(|s| s.lines().next()).collect();
    assert!(answers.len() > 1 && answers.iter().all(|a| a.starts_with("10.244.")), "{answers:?}");
    // G: the todo app's files apply in name order; its version flips from v6 to dog.
    assert!(out.contains("namespace/todo-app created\ndeployment.apps/redis-master created\nservice/redis-master created\ndeployment.apps/redis-slave created\nservice/redis-slave created\nconfigmap/todo-app-config created\ndeployment.apps/todo-app created\nservice/todo-app created\n"), "{out}");
    assert!(out.contains("$ kubectl -n todo-app get po --no-headers | wc -l\n6\n"), "{out}");
    let versions: Vec<&str> = out.split("/version\n").skip(1).filter_map(|s| s.split('$').next()).collect();
    assert_eq!(versions, ["{\"version\":\"v6\"}", "{\"version\":\"dog\"}"]);
    assert!(out.contains("deployment \"todo-app\" successfully rolled out\n"), "{out}");
    // H: metrics for the four nodes; the autoscaler goes to 1, grows under 75 requests/s, and shrinks after.
    assert!(out.contains("$ kubectl top nodes | tail -n +2 | wc -l\n4\n"), "{out}");
    let replicas: Vec<u32> = out.split("{.status.currentReplicas}'; echo\n").skip(1).filter_map(|s| s.lines().next()?.parse().ok()).collect();
    assert_eq!(replicas.len(), 3, "{out}");
    assert_eq!((replicas[0], replicas[2]), (1, 1), "idle, then after the load: {replicas:?}");
    assert!(replicas[1] > 3, "under load the HPA scales out: {replicas:?}");
    let (again, _, _) = run(script.to_str().unwrap(), &[]);
    assert_eq!(again, out, "the same script gives the same transcript");
}
