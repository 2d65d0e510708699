//! What several integration tests share: the workshop's todo app, applied and settled,
//! and manifests held in memory for `kubectl apply -f`. Each test file uses some of them.
#![allow(dead_code)]

use kubeplay_sim::clock::Duration;
use kubeplay_sim::kubectl::Files;
use kubeplay_sim::{Cluster, ClusterSettings};
use std::collections::BTreeMap;

/// Manifests held in memory, by file name, as the console's files.
pub struct Manifests(pub BTreeMap<&'static str, &'static str>);

impl Files for Manifests {
    fn read(&self, path: &str) -> Result<String, String> {
        self.0.get(path).map(|t| t.to_string()).ok_or_else(|| format!("error: the path {path:?} does not exist"))
    }
    fn list_dir(&self, _path: &str) -> Option<Vec<String>> {
        None
    }
}

/// A cluster running the workshop's todo app (its 2018 manifests, converted) in the
/// `todo-app` namespace, 90 s after it was applied.
pub fn todo_app() -> Cluster {
    let mut c = Cluster::new(ClusterSettings::default());
    for file in ["namespace.yaml", "redis-master-deployment.yaml", "redis-master-service.yaml", "redis-slave-deployment.yaml", "redis-slave-service.yaml", "todo-app-config.yaml", "todo-app-deployment.yaml", "todo-app-service.yaml"] {
        let text = std::fs::read_to_string(format!("{}/../../workshop/todo-app-web/k8s-deployment/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(c.apply_manifest(&text, file).errors.is_empty(), "{file}");
    }
    c.advance(Duration::seconds(90));
    c
}
