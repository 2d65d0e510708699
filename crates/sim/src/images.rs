//! The image catalog: what each simulated image does when it runs. Images are
//! never pulled for real; a name maps to a behaviour here, and every other
//! part of the simulator (kubelet, traffic, logs, the lab) reads this one table.

use crate::clock::Duration;

/// How a simulated image behaves.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageBehavior {
    /// Time to pull on a node that does not have it yet.
    pub pull: Duration,
    /// Time from container start to "listening".
    pub start: Duration,
    /// CPU at idle, in millicores.
    pub idle_cpu_milli: i64,
    /// Memory at idle, in bytes.
    pub idle_memory: i64,
    /// Why a pull fails, if it does (`ErrImagePull` message).
    pub pull_error: Option<String>,
    /// Time to exit after SIGTERM; `None` when the main process ignores it (a shell or
    /// `sleep` as PID 1) and is killed at the end of the grace period.
    pub stop: Option<Duration>,
    /// Ports the default process serves (none for tools such as busybox).
    pub ports: &'static [i32],
    /// Without a command, the default process exits after this long with this code
    /// (`busybox` runs `sh`, which exits at once without a terminal); `None` runs on.
    pub default_exit: Option<(Duration, i32)>,
    /// CPU time one HTTP request costs, in microseconds (so 75 requests a second at
    /// 3,000 µs keep 225m of CPU busy).
    pub request_cpu_micros: i64,
}

/// What a container's main process does, from its image and `command`/`args`.
#[derive(Clone, Debug, PartialEq)]
pub struct Process {
    /// Exits after this long with this code; `None` runs until stopped.
    pub exits: Option<(Duration, i32)>,
    /// Time to exit after SIGTERM; `None` ignores it (killed at the end of the grace period).
    pub stop: Option<Duration>,
    /// Serves its ports this long after starting; `None` serves nothing.
    pub listens_after: Option<Duration>,
    /// The ports it serves; empty means any port the container declares.
    pub ports: Vec<i32>,
}

/// Interprets a shell script the way the workshop's one-liners need:
/// `sleep N`, `exit N`, `false`, endless loops; other commands take no time.
fn shell_script(script: &str) -> Option<(Duration, i32)> {
    let mut elapsed = Duration(0);
    let mut code = 0;
    for stmt in script.split(['\n', ';']).flat_map(|s| s.split("&&")).map(str::trim) {
        let words: Vec<&str> = stmt.split_whitespace().collect();
        match words.as_slice() {
            ["while", ..] | ["tail", "-f", ..] | ["sleep", "infinity"] => return None,
            ["sleep", n] => match Duration::parse(n) {
                Ok(d) => elapsed = elapsed + d,
                Err(_) => return Some((elapsed, 1)),
            },
            ["exit"] => return Some((elapsed, code)),
            ["exit", n] => return Some((elapsed, n.parse().unwrap_or(2))),
            ["false"] => code = 1,
            ["true"] => code = 0,
            _ => code = 0,
        }
    }
    Some((elapsed, code))
}

/// What the container runs: the image's default process, or its `command` and `args`.
pub fn process(image: &str, command: &[String], args: &[String]) -> Process {
    let b = lookup(image);
    let server = Process { exits: None, stop: b.stop, listens_after: Some(b.start), ports: b.ports.to_vec() };
    let argv: Vec<&str> = command.iter().chain(args.iter()).map(String::as_str).collect();
    let shell = |exits| Process { exits, stop: None, listens_after: None, ports: Vec::new() };
    match argv.as_slice() {
        [] => match b.default_exit {
            Some(exit) => shell(Some(exit)),
            None => server,
        },
        [sh, "-c", script, ..] if ["sh", "/bin/sh", "bash", "/bin/bash"].contains(sh) => shell(shell_script(script)),
        ["sleep", n] | ["/bin/sleep", n] => shell(if *n == "infinity" { None } else { Some((Duration::parse(n).unwrap_or(Duration(0)), 0)) }),
        ["true"] | ["/bin/true"] => shell(Some((Duration(0), 0))),
        ["false"] | ["/bin/false"] => shell(Some((Duration(0), 1))),
        _ if b.default_exit.is_some() => shell(Some((Duration(0), 0))),
        _ => server,
    }
}

impl ImageBehavior {
    fn server(pull_ms: i64, start_ms: i64, cpu: i64, mem_mi: i64) -> Self {
        ImageBehavior {
            pull: Duration::millis(pull_ms),
            start: Duration::millis(start_ms),
            idle_cpu_milli: cpu,
            idle_memory: mem_mi << 20,
            pull_error: None,
            stop: Some(Duration::millis(300)),
            ports: &[],
            default_exit: None,
            request_cpu_micros: 500,
        }
    }

    fn costing(mut self, micros: i64) -> Self {
        self.request_cpu_micros = micros;
        self
    }

    /// An image whose default process is a shell or tool that exits at once.
    fn tool(mut self) -> Self {
        self.stop = None;
        self.default_exit = Some((Duration(0), 0));
        self
    }

    fn serving(mut self, ports: &'static [i32]) -> Self {
        self.ports = ports;
        self
    }
}

/// Splits `registry/repo:tag` into (repository without registry, tag); a missing tag is `latest`.
pub fn split_reference(image: &str) -> (&str, &str) {
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, "latest"),
    };
    let name = name.split('@').next().unwrap_or(name);
    // A first part that names a registry goes; the repository is the rest of the name.
    let repo = match name.split_once('/') {
        Some((registry, rest)) if registry.contains('.') || registry.contains(':') || registry == "localhost" => rest,
        _ => name,
    };
    (repo.strip_prefix("library/").unwrap_or(repo), tag)
}

/// Whether a repository is the Kubernetes Basics tutorial's `kubernetes-bootcamp` (from
/// gcr.io/google-samples, or its v2 from docker.io/jocatalin).
fn is_bootcamp(repo: &str) -> bool {
    matches!(repo, "google-samples/kubernetes-bootcamp" | "jocatalin/kubernetes-bootcamp")
}

/// Looks an image reference up in the catalog. Unknown but valid names behave as a
/// generic web server; references that cannot exist fail to pull.
pub fn lookup(image: &str) -> ImageBehavior {
    let (repo, tag) = split_reference(image);
    let invalid = image.is_empty() || image.chars().any(|c| c.is_ascii_uppercase() || c.is_whitespace());
    if invalid || tag.contains("doesnotexist") || tag.contains("nonexistent") || repo.contains("doesnotexist") {
        let mut b = ImageBehavior::server(1500, 0, 0, 0);
        let msg = format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/{repo}:{tag}\": failed to resolve reference \"docker.io/{repo}:{tag}\": docker.io/{repo}:{tag}: not found"
        );
        b.pull_error = Some(msg);
        return b;
    }
    // The Kubernetes Basics tutorial's app has two tags; it asks for a third (v10) to show a
    // failed pull.
    if is_bootcamp(repo) && tag != "v1" && tag != "v2" {
        let mut b = ImageBehavior::server(1500, 0, 0, 0);
        let reference = if image.contains('/') && image.split('/').next().is_some_and(|r| r.contains('.')) { image.to_string() } else { format!("docker.io/{image}") };
        b.pull_error = Some(format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found"));
        return b;
    }
    match repo {
        r if is_bootcamp(r) => ImageBehavior::server(2_000, 300, 1, 10).serving(&[8080]).costing(300),
        "nginx" => ImageBehavior::server(3_000, 500, 1, 3).serving(&[80]).costing(200),
        "busybox" | "alpine" => ImageBehavior::server(1_200, 100, 0, 1).tool(),
        "ubuntu" | "debian" => ImageBehavior::server(4_000, 100, 0, 1).tool(),
        "redis" | "johscheuer/redis-master" | "johscheuer/redis-slave" => ImageBehavior::server(2_500, 300, 2, 8).serving(&[6379]),
        // The todo app reads Redis on every request: a few milliseconds of CPU each.
        "johscheuer/todo-app-web" => ImageBehavior::server(3_500, 1_000, 1, 12).serving(&[3000]).costing(3_000),
        "johscheuer/go-webserver" | "johscheuer/gowiki" => ImageBehavior::server(2_000, 300, 1, 6).serving(&[8000]).costing(400),
        // The control plane's and each node's system pods at rest, about what `kubectl top pods
        // -n kube-system` shows on an idle kind or minikube cluster: the API server is by far
        // the largest, the scheduler and kube-proxy barely run.
        "etcd" => ImageBehavior::server(0, 2_000, 20, 35),
        "kube-apiserver" => ImageBehavior::server(0, 2_000, 45, 280),
        "kube-controller-manager" => ImageBehavior::server(0, 2_000, 15, 50),
        "kube-scheduler" => ImageBehavior::server(0, 2_000, 3, 22),
        "kube-proxy" => ImageBehavior::server(0, 2_000, 1, 16),
        "coredns/coredns" | "coredns" => ImageBehavior::server(0, 2_000, 2, 14),
        // An image built to fail, for showing crash loops: it exits with 1 two seconds after it starts.
        "kubeplay/crashloop" => {
            let mut b = ImageBehavior::server(1_000, 0, 0, 1);
            b.default_exit = Some((Duration::seconds(2), 1));
            b
        }
        _ => ImageBehavior::server(4_000, 1_000, 1, 10),
    }
}

/// What a container of `image` prints when it starts (`kubectl logs`), in kubeplay's words.
pub fn startup_log(image: &str, ports: &[i32]) -> Vec<String> {
    let (repo, _) = split_reference(image);
    let port = ports.first().copied().unwrap_or(80);
    match repo {
        "nginx" => vec!["nginx: configuration complete, worker processes started".into(), format!("nginx: listening on port {port}")],
        "johscheuer/go-webserver" | "johscheuer/gowiki" => vec![format!("Listening on :{port}")],
        "johscheuer/todo-app-web" => vec!["[GIN-debug] Loaded config /etc/todo-app/redis.config".into(), format!("[GIN-debug] Listening and serving HTTP on :{port}")],
        "redis" | "johscheuer/redis-master" | "johscheuer/redis-slave" => vec![format!("* Ready to accept connections tcp (port {port})")],
        "kubeplay/crashloop" => vec!["kubeplay/crashloop: starting".into(), "kubeplay/crashloop: cannot start, exiting with code 1".into()],
        "busybox" | "alpine" | "ubuntu" | "debian" => Vec::new(),
        _ => vec![format!("{repo}: listening on port {port}")],
    }
}

/// One access-log line for a request `image` served at `at` (nginx's combined format for
/// nginx, a short line for the others).
pub fn access_log(image: &str, at: crate::clock::Time, path: &str, status: u16, body_len: usize) -> String {
    let (repo, _) = split_reference(image);
    let stamp = at.rfc3339();
    if repo == "nginx" {
        // 2024-01-01T09:00:21Z -> 01/Jan/2024:09:00:21 +0000
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let month = stamp.get(5..7).and_then(|m| m.parse::<usize>().ok()).and_then(|m| months.get(m.wrapping_sub(1))).copied().unwrap_or("Jan");
        let (y, d, t) = (stamp.get(0..4).unwrap_or(""), stamp.get(8..10).unwrap_or(""), stamp.get(11..19).unwrap_or(""));
        return format!("10.244.0.1 - - [{d}/{month}/{y}:{t} +0000] \"GET {path} HTTP/1.1\" {status} {body_len} \"-\" \"curl/7.88.1\" \"-\"");
    }
    format!("{stamp} GET {path} {status}")
}

/// An HTTP answer from a simulated container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

/// What a container running `image` answers to `GET path`, given its pod's name and IP.
/// `None` when the port does not speak HTTP (the client sees an empty reply).
pub fn answer(image: &str, path: &str, pod: &str, pod_ip: &str) -> Option<Answer> {
    let (repo, tag) = split_reference(image);
    let ok = |content_type, body: String| Some(Answer { status: 200, content_type, body });
    let not_found = |body: String| Some(Answer { status: 404, content_type: "text/plain; charset=utf-8", body });
    let path = path.split('?').next().unwrap_or(path);
    match repo {
        "nginx" => match path {
            "/" | "/index.html" => ok(
                "text/html",
                format!("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>nginx {tag} answering from pod {pod}.</p>\n</body>\n</html>\n"),
            ),
            _ => Some(Answer {
                status: 404,
                content_type: "text/html",
                body: "<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n".into(),
            }),
        },
        // go-hello-webserver: its interface addresses, read once at start-up.
        "johscheuer/go-webserver" => match path {
            "/health" => ok("text/plain; charset=utf-8", "Alive".into()),
            _ => ok("text/plain; charset=utf-8", format!("Hello my addresses are the following:\n127.0.0.1/8\n::1/128\n{pod_ip}/24\n")),
        },
        "johscheuer/todo-app-web" => match path {
            "/version" => ok("application/json; charset=utf-8", format!("{{\"version\":\"{tag}\"}}")),
            "/health" => ok("application/json; charset=utf-8", "{\"redis-master-0\":\"ok\",\"redis-slave-0\":\"ok\",\"self\":\"ok\"}".into()),
            "/read/todo" => ok("application/json; charset=utf-8", "[]".into()),
            "/whoami" => ok("application/json; charset=utf-8", format!("[\"127.0.0.1/8\",\"{pod_ip}/24\"]")),
            "/" | "/index.html" => ok("text/html; charset=utf-8", format!("<!DOCTYPE html>\n<html>\n<head><title>Todo App</title></head>\n<body>\n<h1>Todo App</h1>\n<footer>version {tag}</footer>\n</body>\n</html>\n")),
            _ => not_found("404 page not found".into()),
        },
        "redis" | "johscheuer/redis-master" | "johscheuer/redis-slave" => None,
        // Its server.js: the same line for every path, the version from the tag.
        r if is_bootcamp(r) => ok("text/plain", format!("Hello Kubernetes bootcamp! | Running on: {pod} | v={}\n", tag.trim_start_matches('v'))),
        _ => ok("text/plain; charset=utf-8", format!("Hello from {pod} ({image})\n")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_apps_answer_as_their_sources_do() {
        let go = answer("johscheuer/go-webserver", "/", "go-1", "10.244.1.5").unwrap();
        assert_eq!(go.body, "Hello my addresses are the following:\n127.0.0.1/8\n::1/128\n10.244.1.5/24\n");
        assert_eq!(answer("johscheuer/go-webserver", "/health", "go-1", "10.244.1.5").unwrap().body, "Alive");
        assert_eq!(answer("johscheuer/todo-app-web:v6", "/version", "t", "10.244.1.6").unwrap().body, "{\"version\":\"v6\"}");
        assert_eq!(answer("johscheuer/todo-app-web:dog", "/nope", "t", "10.244.1.6").unwrap().status, 404);
        assert!(answer("nginx:1.25", "/", "web-1", "10.244.1.7").unwrap().body.contains("<title>Welcome to nginx!</title>"));
        assert_eq!(answer("redis", "/", "r", "10.244.1.8"), None);
        let bootcamp = answer("gcr.io/google-samples/kubernetes-bootcamp:v1", "/", "kubernetes-bootcamp-5b9c8d7b8f-x2x9q", "10.244.1.9").unwrap();
        assert_eq!(bootcamp.body, "Hello Kubernetes bootcamp! | Running on: kubernetes-bootcamp-5b9c8d7b8f-x2x9q | v=1\n");
        assert_eq!(answer("docker.io/jocatalin/kubernetes-bootcamp:v2", "/", "p", "10.244.1.9").unwrap().body, "Hello Kubernetes bootcamp! | Running on: p | v=2\n");
    }

    #[test]
    fn references_split_like_docker() {
        assert_eq!(split_reference("nginx"), ("nginx", "latest"));
        assert_eq!(split_reference("nginx:1.15.3"), ("nginx", "1.15.3"));
        assert_eq!(split_reference("docker.io/library/nginx:1.25"), ("nginx", "1.25"));
        assert_eq!(split_reference("localhost:5000/team/app"), ("team/app", "latest"));
        assert_eq!(split_reference("registry.k8s.io/etcd:3.5.9-0"), ("etcd", "3.5.9-0"));
        assert_eq!(split_reference("docker.io/johscheuer/go-webserver:v1"), ("johscheuer/go-webserver", "v1"));
        assert_eq!(split_reference("team/app/web:2"), ("team/app/web", "2"));
    }

    #[test]
    fn commands_decide_what_a_container_does() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(process("busybox", &s(&["sh", "-c", "exit 1"]), &[]).exits, Some((Duration(0), 1)));
        assert_eq!(process("busybox", &s(&["sleep", "5"]), &[]).exits, Some((Duration::seconds(5), 0)));
        assert_eq!(process("busybox", &s(&["sh", "-c"]), &s(&["echo hi; sleep 3; exit 2"])).exits, Some((Duration::seconds(3), 2)));
        assert_eq!(process("busybox", &s(&["sh", "-c", "while true; do sleep 1; done"]), &[]).exits, None);
        assert_eq!(process("busybox", &[], &[]).exits, Some((Duration(0), 0)), "busybox's sh exits without a terminal");
        let nginx = process("nginx:1.25", &[], &[]);
        assert_eq!((nginx.exits, nginx.ports.clone(), nginx.listens_after), (None, vec![80], Some(Duration::millis(500))));
        assert_eq!(process("kubeplay/crashloop", &[], &[]).exits, Some((Duration::seconds(2), 1)));
        assert_eq!(process("busybox", &s(&["sleep", "infinity"]), &[]).stop, None, "sleep as PID 1 ignores SIGTERM");
    }

    #[test]
    fn known_unknown_and_impossible_images() {
        assert!(lookup("nginx:1.25").pull_error.is_none());
        assert!(lookup("example/some-service:v3").pull_error.is_none(), "unknown but valid images run");
        assert!(lookup("nginx:doesnotexist").pull_error.unwrap().contains("not found"));
        assert!(lookup("Nginx").pull_error.is_some());
        assert_eq!(lookup("gcr.io/google-samples/kubernetes-bootcamp:v1").ports, &[8080]);
        assert_eq!(
            lookup("gcr.io/google-samples/kubernetes-bootcamp:v10").pull_error.unwrap(),
            "rpc error: code = NotFound desc = failed to pull and unpack image \"gcr.io/google-samples/kubernetes-bootcamp:v10\": failed to resolve reference \"gcr.io/google-samples/kubernetes-bootcamp:v10\": gcr.io/google-samples/kubernetes-bootcamp:v10: not found",
            "the tutorial's missing tag"
        );
    }
}
