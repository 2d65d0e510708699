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
        }
    }

    fn ignoring_sigterm(mut self) -> Self {
        self.stop = None;
        self
    }
}

/// Splits `registry/repo:tag` into (repository without registry, tag); a missing tag is `latest`.
pub fn split_reference(image: &str) -> (String, String) {
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, t),
        _ => (image, "latest"),
    };
    let name = name.split('@').next().unwrap_or(name);
    let mut parts: Vec<&str> = name.split('/').collect();
    if parts.len() > 1 && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost") {
        parts.remove(0);
    }
    let repo = parts.join("/");
    let repo = repo.strip_prefix("library/").unwrap_or(&repo).to_string();
    (repo, tag.to_string())
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
    match repo.as_str() {
        "nginx" => ImageBehavior::server(3_000, 500, 1, 3),
        "busybox" | "alpine" => ImageBehavior::server(1_200, 100, 0, 1).ignoring_sigterm(),
        "ubuntu" | "debian" => ImageBehavior::server(4_000, 100, 0, 1).ignoring_sigterm(),
        "redis" | "johscheuer/redis-master" | "johscheuer/redis-slave" => ImageBehavior::server(2_500, 300, 2, 8),
        "johscheuer/todo-app-web" => ImageBehavior::server(3_500, 1_000, 1, 12),
        "johscheuer/go-webserver" | "johscheuer/gowiki" => ImageBehavior::server(2_000, 300, 1, 6),
        "etcd" | "kube-apiserver" | "kube-controller-manager" | "kube-scheduler" | "kube-proxy" | "coredns/coredns" | "coredns" => {
            ImageBehavior::server(0, 2_000, 20, 50)
        }
        _ => ImageBehavior::server(4_000, 1_000, 1, 10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_like_docker() {
        assert_eq!(split_reference("nginx"), ("nginx".into(), "latest".into()));
        assert_eq!(split_reference("nginx:1.15.3"), ("nginx".into(), "1.15.3".into()));
        assert_eq!(split_reference("docker.io/library/nginx:1.25"), ("nginx".into(), "1.25".into()));
        assert_eq!(split_reference("localhost:5000/team/app"), ("team/app".into(), "latest".into()));
        assert_eq!(split_reference("registry.k8s.io/etcd:3.5.9-0"), ("etcd".into(), "3.5.9-0".into()));
    }

    #[test]
    fn known_unknown_and_impossible_images() {
        assert!(lookup("nginx:1.25").pull_error.is_none());
        assert!(lookup("example/some-service:v3").pull_error.is_none(), "unknown but valid images run");
        assert!(lookup("nginx:doesnotexist").pull_error.unwrap().contains("not found"));
        assert!(lookup("Nginx").pull_error.is_some());
    }
}
