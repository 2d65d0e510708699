//! `kubectl set resources`: the requests and limits of the containers of pods and of
//! the pod templates of their owners (a changed Deployment template rolls out).

use super::{fetch, resource_kind, targets, CommandOutput, Flags};
use crate::api::{Kind, Object, Quantity};
use crate::cluster::Cluster;

/// `cpu=100m,memory=256Mi` as a resource list, with kubectl's messages for bad input.
fn resource_list(text: &str) -> Result<crate::api::ResourceList, String> {
    let mut list = crate::api::ResourceList::new();
    for item in text.split(',').filter(|s| !s.is_empty()) {
        let (name, value) = item.split_once('=').ok_or_else(|| format!("error: Invalid argument syntax {item}, expected <resource>=<value>"))?;
        list.insert(name.to_string(), Quantity::parse(value).map_err(|e| format!("error: {e}"))?);
    }
    Ok(list)
}

/// Whether a container name matches `-c`, where `*` stands for any run of characters
/// (the shell's linear matcher, so no pattern can take long).
fn matches(pattern: &str, name: &str) -> bool {
    crate::shell::text::wildcard(pattern, name)
}

/// The objects named by `TYPE NAME...`, `TYPE/NAME...`, or `TYPE` with `-l`/`--all`.
fn objects(cluster: &Cluster, f: &Flags, args: &[String]) -> Result<Vec<Object>, String> {
    let ns = f.namespace();
    if args.is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    if args.len() == 1 && !args[0].contains('/') {
        let kind = resource_kind(&args[0])?;
        let selector = f.selector()?;
        if selector.is_none() && !f.has("--all") {
            return Err("error: resource(s) were provided, but no name was specified".into());
        }
        let list: Vec<Object> = cluster.store().list(kind, kind.namespaced().then_some(ns.as_str())).filter(|o| selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels))).cloned().collect();
        return if list.is_empty() { Err(format!("error: no resources found in {ns} namespace")) } else { Ok(list) };
    }
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for (kind, name) in targets(args)? {
        match fetch(cluster, kind, &ns, &name) {
            Ok(o) => found.push(o),
            Err(e) => missing.push(e),
        }
    }
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(missing.join("\n"))
    }
}

/// `kubectl set resources TYPE NAME [-c CONTAINER] [--limits=...] [--requests=...]`.
pub fn set_resources(cluster: &mut Cluster, f: &Flags) -> CommandOutput {
    let list = match objects(cluster, f, &f.positional[1..]) {
        Ok(l) => l,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let (limits, requests) = (f.value("--limits").unwrap_or_default(), f.value("--requests").unwrap_or_default());
    if limits.is_empty() && requests.is_empty() {
        return CommandOutput::err("error: you must specify an update to requests or limits (in the form of --requests/--limits)\n".into(), 1);
    }
    let (limits, requests) = match (resource_list(&limits), resource_list(&requests)) {
        (Ok(l), Ok(r)) => (l, r),
        (Err(e), _) | (_, Err(e)) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let selector = f.value("--container").unwrap_or_else(|| "*".into());
    let mut out = CommandOutput::default();
    for obj in list {
        let kind = obj.kind();
        let mut updated = obj.clone();
        let Some(list) = updated.containers_mut() else {
            out.fail(format!("error: {}/{} the object is not a pod or does not have a pod template: *v1.{}", kind.resource(), obj.name(), kind.name()));
            continue;
        };
        let mut chosen = list.iter_mut().filter(|c| matches(&selector, &c.name)).peekable();
        if chosen.peek().is_none() {
            out.fail(format!("error: unable to find container named {selector}"));
            continue;
        }
        for c in chosen {
            c.resources.limits.extend(limits.clone());
            c.resources.requests.extend(requests.clone());
        }
        if updated == obj {
            continue; // kubectl sends no patch and prints nothing
        }
        if kind == Kind::Job {
            // A Job's pod template is immutable (kubectl shows the whole template where "..." stands).
            out.fail(format!("error: failed to patch resources update to pod template Job.batch {:?} is invalid: spec.template: Invalid value: core.PodTemplateSpec{{...}}: field is immutable", obj.name()));
            continue;
        }
        match cluster.apply(updated) {
            Ok(_) => out.say(format!("{}/{} resource requirements updated", kind.qualified(), obj.name())),
            Err(e) => out.fail(format!("error: failed to patch resources update to pod template {}", e.message)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::run;
    use super::*;
    use crate::clock::Duration;
    use crate::cluster::ClusterSettings;

    #[test]
    fn container_patterns() {
        assert!(matches("*", "web"));
        assert!(matches("ng*", "nginx") && matches("*x", "nginx") && matches("n*i*x", "nginx"));
        assert!(!matches("web", "nginx") && !matches("ng*", "web"));
    }

    #[test]
    fn a_deployment_rolls_out_its_new_resources() {
        let mut c = Cluster::new(ClusterSettings::default());
        run(&mut c, "kubectl create deployment web --image=nginx");
        c.advance(Duration::seconds(30));
        let out = run(&mut c, "kubectl set resources deployment/web --limits=cpu=200m,memory=512Mi --requests=cpu=100m");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("deployment.apps/web resource requirements updated\n", ""));
        let d = c.store().list(Kind::Deployment, Some("default")).find_map(Object::as_deployment).unwrap().clone();
        let r = &d.spec.template.spec.containers[0].resources;
        assert_eq!((r.limits["cpu"].to_string(), r.limits["memory"].to_string(), r.requests["cpu"].to_string()), ("200m".into(), "512Mi".into(), "100m".into()));
        assert_eq!(run(&mut c, "kubectl set resources deployment web -c nginx --limits=cpu=200m").stdout, "", "no change, nothing printed");
        c.advance(Duration::seconds(60));
        let pods: Vec<_> = c.store().list(Kind::Pod, Some("default")).filter_map(Object::as_pod).filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
        assert_eq!(pods.len(), 1);
        assert_eq!(pods[0].spec.containers[0].resources.limits["memory"].to_string(), "512Mi", "the new template rolled out");
        assert!(run(&mut c, "kubectl rollout history deployment/web").stdout.contains("2         <none>"));
    }

    #[test]
    fn kubectls_errors() {
        let mut c = Cluster::new(ClusterSettings::default());
        run(&mut c, "kubectl create deployment web --image=nginx");
        // kubectl 1.28 captures (--local against a file)
        assert_eq!(run(&mut c, "kubectl set resources deployment/web").stderr, "error: you must specify an update to requests or limits (in the form of --requests/--limits)\n");
        assert_eq!(run(&mut c, "kubectl set resources deployment/web --limits=").stderr, "error: you must specify an update to requests or limits (in the form of --requests/--limits)\n");
        assert_eq!(run(&mut c, "kubectl set resources deployment/web --limits=cpu=abc").stderr, "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n");
        assert_eq!(run(&mut c, "kubectl set resources deployment/web --limits=cpu").stderr, "error: Invalid argument syntax cpu, expected <resource>=<value>\n");
        assert_eq!(run(&mut c, "kubectl set resources deployment/web -c nope --limits=cpu=1").stderr, "error: unable to find container named nope\n");
        assert_eq!(run(&mut c, "kubectl set resources deployment/nope --limits=cpu=1").stderr, "Error from server (NotFound): deployments.apps \"nope\" not found\n");
        assert!(run(&mut c, "kubectl set resources --limits=cpu=1").stderr.starts_with("error: You must provide one or more resources by argument or filename.\n"));
        assert_eq!(run(&mut c, "kubectl set resources deployment --limits=cpu=1").stderr, "error: resource(s) were provided, but no name was specified\n");
        assert_eq!(run(&mut c, "kubectl set resources deployment -l app=web --limits=cpu=1").stdout, "deployment.apps/web resource requirements updated\n");
        run(&mut c, "kubectl create job once --image=busybox");
        assert_eq!(run(&mut c, "kubectl set resources job/once --limits=cpu=1").stderr, "error: failed to patch resources update to pod template Job.batch \"once\" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable\n");
        assert_eq!(run(&mut c, "kubectl set resources service/kubernetes --limits=cpu=1").stderr, "error: services/kubernetes the object is not a pod or does not have a pod template: *v1.Service\n");
        run(&mut c, "kubectl run solo --image=nginx");
        let out = run(&mut c, "kubectl set resources pod/solo --limits=cpu=1");
        assert!(out.stderr.starts_with("error: failed to patch resources update to pod template Pod \"solo\" is invalid: spec: Forbidden: pod updates may not change fields other than"), "{}", out.stderr);
    }
}
