//! What the page's inspector shows about one object: kubectl's describe text (with its
//! events), its YAML, the chain of owners up to the object that made it, and for a pod
//! the scheduler's reasoning.

use crate::api::{Kind, Object};
use crate::apiserver::ApiError;
use crate::cluster::Cluster;
use crate::scheduler::Explanation;
use crate::store::ObjectKey;

/// One object as the inspector shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Inspection {
    /// The object's kind.
    pub kind: Kind,
    /// Its namespace ("" for cluster-scoped kinds).
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The object as stored.
    pub object: Object,
    /// `kubectl describe` output, or why kubeplay cannot describe this kind.
    pub describe: String,
    /// `kubectl get -o yaml` output.
    pub yaml: String,
    /// Its controllers, nearest first (a pod's ReplicaSet, then that one's Deployment).
    pub owners: Vec<(Kind, String)>,
    /// For a pod: how the scheduler chose its node (or why none fits).
    pub scheduling: Option<Explanation>,
    /// How many nodes the cluster has (for the scheduler's `0/N nodes are available`).
    pub nodes: usize,
    /// For a pod: each probe as `describe` writes it, with its recent runs.
    pub probes: Vec<(String, crate::kubelet::ProbeHistory)>,
}

/// Looks an object up and gathers what the inspector shows.
pub fn inspect(cluster: &Cluster, kind: Kind, namespace: &str, name: &str) -> Result<Inspection, ApiError> {
    let namespace = if kind.namespaced() { namespace.to_string() } else { String::new() };
    let key = ObjectKey { kind, namespace: namespace.clone(), name: name.to_string() };
    let object = cluster.store().get(&key).ok_or_else(|| ApiError::not_found(kind, name))?;
    let describe = crate::kubectl::describe_object(cluster, object).unwrap_or_else(|e| e);
    let yaml = crate::kubectl::yaml_out::to_yaml(&serde_json::to_value(object).unwrap_or_default());
    let mut owners = Vec::new();
    let mut current: &Object = object;
    // Follow controller references; a cycle cannot last longer than the store is big.
    while let Some(owner) = crate::controllers::controller_of(current.meta()).filter(|_| owners.len() < 8) {
        let Some(owner_kind) = Kind::from_kind_name(&owner.kind) else { break };
        owners.push((owner_kind, owner.name.clone()));
        let key = ObjectKey::in_namespace(owner_kind, &namespace, owner.name.clone());
        match cluster.store().get(&key) {
            Some(o) => current = o,
            None => break,
        }
    }
    let scheduling = (kind == Kind::Pod).then(|| cluster.scheduling_explanation(&format!("{namespace}/{name}")).cloned()).flatten();
    let nodes = cluster.store().list(Kind::Node, None).count();
    let probes = object.as_pod().map(|pod| cluster.probe_history(pod).into_iter().map(|h| (crate::kubectl::probe_text(&h.spec), h)).collect()).unwrap_or_default();
    Ok(Inspection { kind, namespace, name: name.to_string(), object: object.clone(), describe, yaml, owners, scheduling, nodes, probes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Duration;
    use crate::ClusterSettings;

    #[test]
    fn a_pods_probe_runs_are_kept_with_the_probe_as_describe_writes_it() {
        let mut c = Cluster::new(ClusterSettings::default());
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    readinessProbe:\n      httpGet: {path: /, port: 80}\n      periodSeconds: 5\n";
        assert!(c.apply_manifest(pod, "p.yaml").errors.is_empty());
        c.advance(Duration::seconds(120));
        let i = inspect(&c, Kind::Pod, "default", "web").unwrap();
        let [(spec, h)] = &i.probes[..] else { panic!("one probe: {:?}", i.probes) };
        assert_eq!(spec, "http-get http://:80/ delay=0s timeout=1s period=5s #success=1 #failure=3");
        assert_eq!((h.container.as_str(), h.probe.as_str(), h.passing), ("web", "Readiness", Some(true)));
        assert_eq!(h.runs.len(), 12, "the last twelve runs are kept");
        assert!(h.runs.iter().all(|r| r.ok));
        crate::kubectl::run(&mut c, "fault fail-readiness web");
        c.advance(Duration::seconds(20));
        let i = inspect(&c, Kind::Pod, "default", "web").unwrap();
        let h = &i.probes[0].1;
        assert_eq!((h.passing, h.failures), (Some(false), 4));
        assert_eq!(h.runs.last().map(|r| (r.ok, r.output.as_str())), Some((false, "HTTP probe failed with statuscode: 503")));
    }

    #[test]
    fn the_failures_that_restarted_a_container_stay_in_its_probe_history() {
        let mut c = Cluster::new(ClusterSettings::default());
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: wrong\nspec:\n  containers:\n  - name: web\n    image: nginx\n    livenessProbe:\n      httpGet: {path: /, port: 8080}\n";
        assert!(c.apply_manifest(pod, "p.yaml").errors.is_empty());
        c.advance(Duration::seconds(45));
        let restarts = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).find(|p| p.metadata.name == "wrong").map_or(0, |p| p.status.container_statuses[0].restart_count);
        assert!(restarts >= 1, "nginx does not serve 8080: the kubelet restarts it");
        let h = &inspect(&c, Kind::Pod, "default", "wrong").unwrap().probes[0].1;
        assert!(h.runs.iter().filter(|r| !r.ok).count() >= 3, "the three failures before the restart are kept: {:?}", h.runs);
    }

    #[test]
    fn a_pod_shows_its_owners_description_yaml_and_placement() {
        let mut c = Cluster::new(ClusterSettings::default());
        crate::kubectl::run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
        c.advance(Duration::seconds(20));
        let pod = c.store().list(Kind::Pod, Some("default")).next().unwrap().name().to_string();
        let i = inspect(&c, Kind::Pod, "default", &pod).unwrap();
        assert_eq!(i.owners.len(), 2);
        assert_eq!(i.owners[0].0, Kind::ReplicaSet);
        assert!(i.owners[0].1.starts_with("web-"));
        assert_eq!(i.owners[1], (Kind::Deployment, "web".to_string()));
        assert!(i.describe.starts_with(&format!("Name:             {pod}\n")), "{}", i.describe);
        assert!(i.describe.contains("Successfully assigned default/"), "the events are part of it");
        assert!(i.yaml.contains(&format!("  name: {pod}\n")));
        let s = i.scheduling.expect("the scheduler explains its choice");
        assert!(s.chosen.is_some());
        assert_eq!(i.nodes, 4);
        assert_eq!(inspect(&c, Kind::Pod, "default", "nope").unwrap_err().message, "pods \"nope\" not found");
    }
}
