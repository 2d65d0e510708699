use super::*;
use crate::clock::Duration;
use crate::ClusterSettings;

fn session() -> (Cluster, Shell) {
    (Cluster::new(ClusterSettings::default()), Shell::default())
}

fn sh(c: &mut Cluster, s: &mut Shell, input: &str) -> CommandOutput {
    s.run(c, input, Duration::seconds(600))
}

const SIMPLE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: simple\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: simple}\n  template:\n    metadata:\n      labels: {app: simple}\n    spec:\n      containers:\n      - {name: nginx, image: nginx}\n";

#[test]
fn files_written_with_heredocs_are_applied_by_kubectl() {
    let (mut c, mut s) = session();
    let out = sh(&mut c, &mut s, &format!("cat > simple.yml <<EOF\n{SIMPLE}EOF"));
    assert_eq!((out.exit_code, out.stderr.as_str()), (0, ""));
    assert_eq!(sh(&mut c, &mut s, "ls").stdout, "simple.yml\n");
    assert_eq!(sh(&mut c, &mut s, "kubectl apply -f simple.yml").stdout, "deployment.apps/simple created\n");
    sh(&mut c, &mut s, "sleep 30");
    let out = sh(&mut c, &mut s, "kubectl get pods --no-headers | grep simple | wc -l");
    assert_eq!(out.stdout, "3\n", "{out:?}");
}

#[test]
fn stdin_manifests_and_command_substitution() {
    let (mut c, mut s) = session();
    let out = sh(&mut c, &mut s, &format!("cat <<'EOF' | kubectl apply -f -\n{SIMPLE}EOF"));
    assert_eq!(out.stdout, "deployment.apps/simple created\n", "{out:?}");
    sh(&mut c, &mut s, "sleep 20");
    let out = sh(&mut c, &mut s, "RS=$(kubectl get rs -o name | head -1); echo \"first: $RS\"");
    assert!(out.stdout.starts_with("first: replicaset.apps/simple-"), "{out:?}");
    // The workshop's label experiment: capture the hash with jq (quotes kept), patch from a file.
    let hash_cmd = "POD_HASH=$(kubectl get rs -o json | jq '.items[0].spec.selector.matchLabels.\"pod-template-hash\"')";
    assert_eq!(sh(&mut c, &mut s, hash_cmd).exit_code, 0);
    let hash = s.var("POD_HASH").unwrap_or_default().to_string();
    assert!(hash.starts_with('"') && hash.len() > 4, "{hash}");
    sh(&mut c, &mut s, "kubectl run simple --image=nginx --labels=app=simple");
    sh(&mut c, &mut s, "cat > patch.yml <<EOF\nmetadata:\n  labels:\n    pod-template-hash: ${POD_HASH}\nEOF");
    assert!(sh(&mut c, &mut s, "cat patch.yml").stdout.contains(&format!("pod-template-hash: {hash}")));
    let out = sh(&mut c, &mut s, "kubectl patch pod simple --patch \"$(cat patch.yml)\"");
    assert_eq!(out.stdout, "pod/simple patched\n", "{out:?}");
}

#[test]
fn lists_status_and_redirections() {
    let (mut c, mut s) = session();
    let out = sh(&mut c, &mut s, "kubectl get deployment nope 2>/dev/null || echo missing");
    assert_eq!(out.stdout, "missing\n");
    assert_eq!(out.stderr, "");
    let out = sh(&mut c, &mut s, "kubectl get deployment nope > out.txt 2>&1; cat out.txt");
    assert_eq!(out.stdout, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
    let out = sh(&mut c, &mut s, "false && echo no; echo $?");
    assert_eq!(out.stdout, "1\n");
    let out = sh(&mut c, &mut s, "! grep x < out.txt && echo none");
    assert_eq!(out.stdout, "none\n");
    assert_eq!(sh(&mut c, &mut s, "echo a >> log; echo b >> log; cat log").stdout, "a\nb\n");
}

#[test]
fn directories_prompt_and_globs() {
    let (mut c, mut s) = session();
    sh(&mut c, &mut s, "mkdir -p k8s/base && cd k8s");
    assert_eq!(s.prompt(), "docker@control-plane:~/k8s$ ");
    sh(&mut c, &mut s, "echo 'kind: ConfigMap' > a.yaml; echo x > b.yaml; touch notes.txt");
    assert_eq!(sh(&mut c, &mut s, "echo *.yaml").stdout, "a.yaml b.yaml\n");
    assert_eq!(sh(&mut c, &mut s, "echo '*.yaml'").stdout, "*.yaml\n");
    assert_eq!(sh(&mut c, &mut s, "pwd; cd ..; pwd").stdout, "/home/docker/k8s\n/home/docker\n");
    let out = sh(&mut c, &mut s, "cd nowhere");
    assert_eq!((out.stderr.as_str(), out.exit_code), ("bash: cd: nowhere: No such file or directory\n", 1));
    let out = sh(&mut c, &mut s, "cat k8s/missing.yaml");
    assert_eq!(out.stderr, "cat: k8s/missing.yaml: No such file or directory\n");
}

#[test]
fn read_only_material_and_unknown_commands() {
    let (mut c, _) = session();
    let mut fs = FileSystem::new();
    fs.add_file("/home/docker/workshop/resources/simple.yml", SIMPLE, true);
    let mut s = Shell::new(fs);
    let out = sh(&mut c, &mut s, "echo x > workshop/resources/simple.yml");
    assert_eq!(out.stderr, "bash: workshop/resources/simple.yml: Read-only file system\n");
    assert_eq!(sh(&mut c, &mut s, "kubectl apply -f workshop/resources/").stdout, "deployment.apps/simple created\n");
    let out = sh(&mut c, &mut s, "vegeta attack");
    assert_eq!(
        (out.stderr.as_str(), out.exit_code),
        ("bash: vegeta: command not found\n  hint: the console sends load with its own command: load http://127.0.0.1:<nodePort> 75/s for 5m (and load alone shows its counters)\n", 127)
    );
    for (line, hint) in [("git clone https://github.com/johscheuer/todo-app-web", "a lesson puts the workshop's files"), ("docker ps", "the Containers lab")] {
        let out = sh(&mut c, &mut s, line);
        let name = line.split(' ').next().unwrap();
        assert!(out.stderr.starts_with(&format!("bash: {name}: command not found\n  hint: ")) && out.stderr.contains(hint), "{out:?}");
    }
    let out = sh(&mut c, &mut s, "hey -z 5m");
    assert_eq!((out.stderr.as_str(), out.exit_code), ("bash: hey: command not found\n", 127));
    let out = sh(&mut c, &mut s, "echo 'unterminated");
    assert_eq!(out.stderr, "bash: unexpected EOF while looking for matching `''\n");
    assert!(Shell::is_incomplete("cat <<EOF\nabc"));
}

#[test]
fn curl_reaches_a_node_port_found_with_jsonpath() {
    let (mut c, mut s) = session();
    sh(&mut c, &mut s, "kubectl create deployment web --image=nginx --replicas=2 && kubectl expose deployment web --port=80 --type=NodePort");
    sh(&mut c, &mut s, "sleep 30");
    let out = sh(&mut c, &mut s, "curl -s http://127.0.0.1:$(kubectl get service web -o jsonpath='{.spec.ports[].nodePort}') | grep -c 'Welcome to nginx'");
    assert_eq!(out.stdout, "2\n", "the title and the heading of nginx's page: {out:?}");
    // -v, as the 2018 workshop ran it: the exchange on standard error, the page on standard output.
    let port = sh(&mut c, &mut s, "kubectl get service web -o jsonpath='{.spec.ports[].nodePort}'").stdout;
    let out = sh(&mut c, &mut s, &format!("curl -v http://127.0.0.1:{port}"));
    assert!(out.stdout.contains("<h1>Welcome to nginx!</h1>"), "{out:?}");
    let length = out.stdout.len();
    assert_eq!(
        out.stderr,
        format!("*   Trying 127.0.0.1:{port}...\n* Connected to 127.0.0.1 (127.0.0.1) port {port}\n> GET / HTTP/1.1\n> Host: 127.0.0.1:{port}\n> User-Agent: curl/7.88.1\n> Accept: */*\n> \n< HTTP/1.1 200 OK\n< Content-Type: text/html\n< Content-Length: {length}\n< \n* Connection #0 to host 127.0.0.1 left intact\n")
    );
    let out = sh(&mut c, &mut s, "curl -v http://127.0.0.1:30999");
    assert_eq!(out.stderr, "*   Trying 127.0.0.1:30999...\ncurl: (7) Failed to connect to 127.0.0.1 port 30999 after 0 ms: Couldn't connect to server\n");
}

#[test]
fn jq_errors_go_to_standard_error_with_jqs_exit_codes() {
    let (mut c, mut s) = session();
    let out = sh(&mut c, &mut s, "printf 'x' > /dev/null; echo '{\"a\":1} {\"a\":\"x\"}' | jq '.a + 1'");
    assert_eq!(out.stdout, "2\n", "{out:?}");
    assert_eq!(out.stderr, "jq: error (at <stdin>:1): string (\"x\") and number (1) cannot be added\n");
    assert_eq!(out.exit_code, 5);
    let out = sh(&mut c, &mut s, "kubectl get nodes | jq .");
    assert_eq!(out.exit_code, 4, "a table is not JSON: {out:?}");
    assert!(out.stderr.starts_with("parse error: Invalid numeric literal at line 1, column 5"), "{out:?}");
    let out = sh(&mut c, &mut s, "echo '{}' | jq 'foo'");
    assert_eq!((out.stdout.as_str(), out.exit_code), ("", 3));
    assert!(out.stderr.ends_with("jq: 1 compile error\n"), "{out:?}");
}

#[test]
fn printf_formats_like_bash() {
    let (mut c, mut s) = session();
    assert_eq!(sh(&mut c, &mut s, "printf '%s=%d\\n' a 1 b 2").stdout, "a=1\nb=2\n");
    assert_eq!(sh(&mut c, &mut s, "printf 'x'").stdout, "x");
    assert_eq!(sh(&mut c, &mut s, "printf -- '-----BEGIN %s-----\\n' KEY").stdout, "-----BEGIN KEY-----\n", "-- ends the options");
}

#[test]
fn watch_in_a_script_shows_one_refresh() {
    let (mut c, mut s) = session();
    let out = sh(&mut c, &mut s, "watch -n 0.5 'kubectl get nodes | wc -l'");
    assert_eq!((out.stdout.as_str(), out.pending), ("Every 0.5s: kubectl get nodes | wc -l\n\n5\n", false));
    assert!(s.run(&mut c, "watch -t kubectl get ns default --no-headers", Duration(0)).pending, "the page follows it");
    assert_eq!(sh(&mut c, &mut s, "watch -n x ls").stderr, "watch: failed to parse argument: 'x'\n");
}

#[test]
fn exec_runs_commands_in_the_containers_world() {
    let (mut c, mut s) = session();
    sh(&mut c, &mut s, "kubectl create deployment web --image=nginx --replicas=1 && kubectl expose deployment web --port=80 --name=early");
    sh(&mut c, &mut s, "sleep 30");
    sh(&mut c, &mut s, "kubectl expose deployment web --port=80");
    let pod = sh(&mut c, &mut s, "kubectl get pods -o name | head -1").stdout.trim().trim_start_matches("pod/").to_string();
    assert_eq!(sh(&mut c, &mut s, &format!("kubectl exec {pod} -- hostname")).stdout, format!("{pod}\n"));
    assert_eq!(sh(&mut c, &mut s, &format!("kubectl exec -it {pod} -- cat /etc/hostname")).stdout, format!("{pod}\n"));
    let env = sh(&mut c, &mut s, &format!("kubectl exec {pod} -- env")).stdout;
    assert!(env.contains("KUBERNETES_SERVICE_HOST=10.96.0.1\n") && env.contains(&format!("HOSTNAME={pod}\n")), "{env}");
    assert!(env.contains("EARLY_SERVICE_HOST=10.") && !env.contains("WEB_SERVICE_HOST"), "only Services older than the container: {env}");
    let out = sh(&mut c, &mut s, &format!("kubectl exec {pod} -- sh -c 'curl -s http://web.default.svc.cluster.local | grep -c Welcome; curl -s localhost | head -1'"));
    assert_eq!(out.stdout, "2\n<!DOCTYPE html>\n", "{out:?}");
    let out = sh(&mut c, &mut s, &format!("kubectl exec {pod} -- curl http://nope"));
    assert_eq!((out.stderr.as_str(), out.exit_code), ("curl: (6) Could not resolve host: nope\ncommand terminated with exit code 6\n", 6));
    let out = sh(&mut c, &mut s, &format!("kubectl exec {pod} -- kubectl get pods"));
    assert_eq!(out.stderr, "sh: kubectl: not found\ncommand terminated with exit code 127\n");
    assert_eq!(sh(&mut c, &mut s, "kubectl exec nope -- ls").stderr, "Error from server (NotFound): pods \"nope\" not found\n");
    assert_eq!(sh(&mut c, &mut s, &format!("kubectl exec {pod}")).stderr, "error: you must specify at least one command for the container\n");
    // An interactive shell: the following lines run in the container until `exit`.
    assert_eq!(sh(&mut c, &mut s, &format!("kubectl exec -it {pod} -- sh")).exit_code, 0);
    assert_eq!(s.prompt(), "# ", "nginx's image is Debian-based: sh is dash");
    assert_eq!(sh(&mut c, &mut s, "hostname").stdout, format!("{pod}\n"));
    assert_eq!(sh(&mut c, &mut s, "exit").exit_code, 0);
    assert_eq!(s.prompt(), "docker@control-plane:~$ ");
}

#[test]
fn curl_in_a_container_resolves_names_and_leaves_from_the_pods_address() {
    let hosts: crate::api::StringMap = [("localhost", "10.244.1.5"), ("web", "10.96.0.10")].into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let words: Vec<String> = ["curl", "-s", "http://web/version"].map(String::from).to_vec();
    assert_eq!(super::container_curl(&hosts, &words), ["curl", "--interface", "10.244.1.5", "-s", "http://10.96.0.10/version"]);
}

#[test]
fn text_filters_read_their_file_operands() {
    let (mut c, mut s) = session();
    sh(&mut c, &mut s, "printf 'a\\nhello\\nhello world\\n' > f.txt");
    sh(&mut c, &mut s, "echo hello > g.txt");
    assert_eq!(sh(&mut c, &mut s, "grep -c hello f.txt").stdout, "2\n");
    assert_eq!(sh(&mut c, &mut s, "true && grep hello f.txt").stdout, "hello\nhello world\n");
    assert_eq!(sh(&mut c, &mut s, "grep hello f.txt g.txt").stdout, "f.txt:hello\nf.txt:hello world\ng.txt:hello\n");
    assert_eq!(sh(&mut c, &mut s, "wc -l f.txt").stdout, "3 f.txt\n");
    // GNU wc pads the columns to the width of the files' total size (26 bytes: two digits).
    assert_eq!(sh(&mut c, &mut s, "wc -l f.txt g.txt").stdout, " 3 f.txt\n 1 g.txt\n 4 total\n");
    assert_eq!(sh(&mut c, &mut s, "head -n 1 f.txt").stdout, "a\n");
    assert_eq!(sh(&mut c, &mut s, "head -n 1 f.txt g.txt").stdout, "==> f.txt <==\na\n\n==> g.txt <==\nhello\n");
    assert_eq!(sh(&mut c, &mut s, "wc -l nope.txt").exit_code, 1, "wc reports a missing file with 1");
    assert_eq!(sh(&mut c, &mut s, "sort -r f.txt").stdout, "hello world\nhello\na\n");
    let missing = sh(&mut c, &mut s, "grep x nope.txt");
    assert_eq!((missing.stderr.as_str(), missing.exit_code), ("grep: nope.txt: No such file or directory\n", 2));
    assert_eq!(sh(&mut c, &mut s, "grep -q nothing f.txt").exit_code, 1);
    assert_eq!(sh(&mut c, &mut s, "cat f.txt | grep -c hello").stdout, "2\n", "standard input as before");
}

#[test]
fn help_lists_the_consoles_commands_and_each_one_it_names_runs() {
    let (mut c, mut s) = session();
    let help = sh(&mut c, &mut s, "help").stdout;
    assert!(help.contains("kubectl (or k) ...") && help.contains("advance DURATION"), "{help}");
    // Every tool the help names is one the shell has (clear is the page's own).
    // It fits the page's console at 1280x720 (about 58 columns).
    let widest = help.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(widest <= 54, "{widest} columns: {help}");
    let tools = help.lines().skip_while(|l| *l != "Shell").skip(1).take(4).flat_map(|l| l.split("  ").filter_map(|part| part.split_once(": ")).flat_map(|(_, names)| names.split(' ')).collect::<Vec<_>>()).collect::<Vec<_>>();
    assert!(tools.len() > 20, "{tools:?}");
    for tool in tools.into_iter().filter(|t| !t.is_empty() && *t != "clear") {
        let out = sh(&mut c, &mut s, &format!("echo | {tool}"));
        assert!(!out.stderr.contains("command not found"), "{tool}: {out:?}");
    }
    for word in ["advance", "watch", "load", "usage", "fault", "port-forward", "legacy-api", "lab"] {
        assert!(help.contains(&format!("\n  {word} ")), "{word}");
        assert!(!sh(&mut c, &mut s, word).stderr.contains("command not found"), "{word}");
    }
}

#[test]
fn the_basics_tutorial_keeps_a_pod_name_read_with_a_go_template() {
    let (mut c, mut s) = session();
    sh(&mut c, &mut s, "kubectl create deployment kubernetes-bootcamp --image=gcr.io/google-samples/kubernetes-bootcamp:v1");
    sh(&mut c, &mut s, "sleep 30");
    let out = sh(&mut c, &mut s, "export POD_NAME=\"$(kubectl get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}')\"");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "", 0));
    let name = s.var("POD_NAME").unwrap_or_default().to_string();
    assert!(name.starts_with("kubernetes-bootcamp-") && !name.contains('\n'), "the substitution drops the last newline: {name:?}");
    assert_eq!(sh(&mut c, &mut s, "echo Name of the Pod: $POD_NAME").stdout, format!("Name of the Pod: {name}\n"));
    // A template kept in a file (whose last line ends, after `{{end}}`, with a newline).
    sh(&mut c, &mut s, "cat > names.tmpl <<'EOF'\n{{range .items}}{{.metadata.name}} {{.status.phase}}\n{{end}}\nEOF");
    assert_eq!(sh(&mut c, &mut s, "kubectl get pods -o go-template-file=names.tmpl").stdout, format!("{name} Running\n\n"));
    assert_eq!(sh(&mut c, &mut s, "kubectl get pods -o templatefile=names.tmpl | wc -l").stdout, "2\n");
    // And a jsonpath one (its newline printed too, as kubectl 1.28 prints it).
    sh(&mut c, &mut s, "echo '{.items[0].metadata.name}' > name.jsonpath");
    assert_eq!(sh(&mut c, &mut s, "kubectl get pods -o jsonpath-file=name.jsonpath").stdout, format!("{name}\n"));
    // apply prints what it sent: one object, or a List of several.
    sh(&mut c, &mut s, "cat > two.yaml <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\nEOF");
    assert_eq!(sh(&mut c, &mut s, "kubectl apply -f two.yaml -o go-template='{{range .items}}{{.kind}}/{{.metadata.name}} {{end}}'").stdout, "ConfigMap/a ConfigMap/b ");
    assert_eq!(sh(&mut c, &mut s, "kubectl apply -f two.yaml --dry-run=client -o go-template='{{.kind}} {{len .items}}'").stdout, "List 2");
}
