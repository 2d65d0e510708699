//! `kubectl rollout status|history|undo|pause|resume|restart` for Deployments.

use super::{fetch, tabwriter, targets, CommandOutput, Context, Flags};
use crate::api::{condition, Deployment, Kind, Object, ReplicaSet};
use crate::cluster::Cluster;
use crate::cluster::CHANGE_CAUSE;
use crate::controllers::deployment::{revision, shared_annotation, POD_TEMPLATE_HASH};

/// The ReplicaSets a Deployment controls (its revisions), in revision order.
fn replica_sets_of<'a>(cluster: &'a Cluster, d: &'a Deployment) -> Vec<&'a ReplicaSet> {
    let Some(uid) = d.metadata.uid.as_deref() else { return Vec::new() };
    let namespace = d.metadata.namespace.as_deref().unwrap_or("");
    let mut sets: Vec<&ReplicaSet> = cluster.store().controlled_by(uid).filter_map(Object::as_replica_set).filter(|rs| rs.metadata.namespace.as_deref().unwrap_or("") == namespace).collect();
    crate::sorting::sort_by_key(&mut sets, |rs| revision(&rs.metadata));
    sets
}

/// Models staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go DeploymentStatusViewer:
/// the line for the current state, and whether the rollout is done (or failed).
pub fn status_line(d: &Deployment) -> (String, Option<bool>) {
    let name = &d.metadata.name;
    if d.status.observed_generation.unwrap_or(0) < d.metadata.generation {
        return ("Waiting for deployment spec update to be observed...".into(), None);
    }
    if condition(&d.status.conditions, "Progressing").and_then(|c| c.reason.as_deref()) == Some("ProgressDeadlineExceeded") {
        return (format!("error: deployment {name:?} exceeded its progress deadline"), Some(false));
    }
    let s = &d.status;
    if s.updated_replicas < d.replicas() {
        return (format!("Waiting for deployment {name:?} rollout to finish: {} out of {} new replicas have been updated...", s.updated_replicas, d.replicas()), None);
    }
    if s.replicas > s.updated_replicas {
        return (format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...", s.replicas - s.updated_replicas), None);
    }
    if s.available_replicas < s.updated_replicas {
        return (format!("Waiting for deployment {name:?} rollout to finish: {} of {} updated replicas are available...", s.available_replicas, s.updated_replicas), None);
    }
    (format!("deployment {name:?} successfully rolled out"), Some(true))
}

fn deployment(cluster: &Cluster, f: &Flags, args: &[String]) -> Result<Deployment, String> {
    let list = targets(args).map_err(|e| e.to_string())?;
    let (kind, name) = list.into_iter().next().ok_or("error: required resource not specified")?;
    if kind != Kind::Deployment {
        return Err(format!("error: no rollout support for {}", kind.qualified()));
    }
    match fetch(cluster, kind, &f.namespace(), &name)? {
        Object::Deployment(d) => Ok(d),
        _ => Err("error: not a deployment".into()),
    }
}

/// Dispatches `rollout <sub> TYPE/NAME`.
pub fn rollout(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let Some(sub) = f.positional.first().cloned() else {
        return CommandOutput::err("error: Required subcommand not specified: history, pause, restart, resume, status, undo\n".into(), 1);
    };
    let d = match deployment(cluster, f, &f.positional[1..]) {
        Ok(d) => d,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let qualified = format!("deployment.apps/{}", d.metadata.name);
    let mut out = CommandOutput::default();
    match sub.as_str() {
        "status" => {
            // --timeout (0: none) stops the wait sooner than the console's own limit.
            let timeout = f.value("--timeout").and_then(|t| crate::clock::Duration::parse(&t).ok()).filter(|t| t.0 > 0);
            let deadline = cluster.now() + timeout.map_or(ctx.max_wait, |t| crate::clock::Duration(t.0.min(ctx.max_wait.0)));
            let mut last_version = None;
            loop {
                let key = crate::store::ObjectKey { kind: Kind::Deployment, namespace: f.namespace(), name: d.metadata.name.clone() };
                let Some(current) = cluster.store().get(&key).and_then(Object::as_deployment).cloned() else {
                    out.fail(format!("Error from server (NotFound): deployments.apps {:?} not found", d.metadata.name));
                    break;
                };
                if last_version != current.metadata.resource_version {
                    last_version = current.metadata.resource_version.clone();
                    let (line, done) = status_line(&current);
                    match done {
                        Some(false) => {
                            out.fail(line);
                            break;
                        }
                        Some(true) => {
                            out.say(line);
                            break;
                        }
                        None => out.say(line),
                    }
                    if !f.has("--watch") && f.value("--watch").is_some() {
                        break;
                    }
                }
                if ctx.max_wait.0 == 0 {
                    // No time to wait: the caller follows the rollout as time advances.
                    out.pending = true;
                    out.gives_up_with = Some("error: timed out waiting for the condition".into());
                    break;
                }
                if cluster.now() >= deadline {
                    out.fail("error: timed out waiting for the condition");
                    break;
                }
                cluster.step_toward(deadline);
            }
        }
        "history" if f.value("--revision").is_some_and(|v| v != "0") => {
            let given = f.value("--revision").unwrap_or_default();
            let wanted = match given.parse::<i64>() {
                Ok(n) if n > 0 => n,
                Ok(n) => return CommandOutput::err(format!("error: revision must be a positive integer: {n}\n"), 1),
                Err(_) => return CommandOutput::err(format!("error: invalid argument {given:?} for \"--revision\" flag: strconv.ParseInt: parsing {given:?}: invalid syntax\nSee 'kubectl rollout history --help' for usage.\n"), 1),
            };
            match replica_sets_of(cluster, &d).into_iter().find(|rs| revision(&rs.metadata) == wanted) {
                Some(rs) => {
                    // As kubectl's history viewer: the revision's change-cause shows among the template's annotations.
                    let mut template = rs.spec.template.clone();
                    if let Some(cause) = rs.metadata.annotations.get(CHANGE_CAUSE) {
                        template.metadata.annotations.insert(CHANGE_CAUSE.into(), cause.clone());
                    }
                    out.say(format!("{qualified} with revision #{wanted}\n{}", super::describe::pod_template_unaligned(&template)));
                }
                None => out.fail("error: unable to find the specified revision"),
            }
        }
        "history" => {
            let mut revisions: Vec<(i64, String)> = replica_sets_of(cluster, &d)
                .into_iter()
                .map(|rs| (revision(&rs.metadata), rs.metadata.annotations.get(CHANGE_CAUSE).cloned().unwrap_or_else(|| "<none>".into())))
                .filter(|(r, _)| *r > 0)
                .collect();
            crate::sorting::sort(&mut revisions);
            out.say(format!("{qualified} "));
            if revisions.is_empty() {
                out.say("No rollout history found.");
            } else {
                let mut text = "REVISION\tCHANGE-CAUSE\n".to_string();
                for (r, cause) in revisions {
                    text.push_str(&format!("{r}\t{cause}\n"));
                }
                out.stdout.push_str(&tabwriter::align(&text, 0, 2));
                out.say("");
            }
        }
        "undo" => {
            let to = f.value("--to-revision").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
            match rollback(cluster, &f.namespace(), &d.metadata.name, to) {
                Ok(msg) => out.say(format!("{qualified} {msg}")),
                Err(e) => out.fail(e),
            }
        }
        "pause" | "resume" => {
            let pause = sub == "pause";
            if d.spec.paused == pause {
                out.say(format!("{qualified} already {sub}d"));
            } else {
                let mut d = d.clone();
                d.spec.paused = pause;
                match cluster.update(Object::Deployment(d)) {
                    Ok(_) => out.say(format!("{qualified} {sub}d")),
                    Err(e) => out.fail(e.to_string()),
                }
            }
        }
        "restart" => {
            let mut d = d.clone();
            d.spec.template.metadata.annotations.insert("kubectl.kubernetes.io/restartedAt".into(), cluster.now().rfc3339());
            match cluster.update(Object::Deployment(d)) {
                Ok(_) => out.say(format!("{qualified} restarted")),
                Err(e) => out.fail(e.to_string()),
            }
        }
        other => out.fail(format!("error: unknown command {other:?} for \"kubectl rollout\"")),
    }
    out
}

/// Models staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go DeploymentRollbacker:
/// copies the chosen revision's template into the Deployment.
pub fn rollback(cluster: &mut Cluster, namespace: &str, name: &str, to_revision: i64) -> Result<String, String> {
    let Object::Deployment(d) = fetch(cluster, Kind::Deployment, namespace, name)? else { return Err("error: not a deployment".into()) };
    if d.spec.paused {
        return Err("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
    }
    let sets = replica_sets_of(cluster, &d);
    let target = if to_revision == 0 {
        if sets.len() < 2 {
            return Err(format!("error: no rollout history found for deployment {name:?}"));
        }
        sets[sets.len() - 2].clone()
    } else {
        sets.iter().find(|rs| revision(&rs.metadata) == to_revision).map(|rs| (*rs).clone()).ok_or_else(|| format!("error: unable to find specified revision {to_revision} in history"))?
    };
    let mut template = target.spec.template.clone();
    template.metadata.labels.remove(POD_TEMPLATE_HASH);
    if template == d.spec.template {
        return Ok(format!("skipped rollback (current template already matches revision {})", revision(&target.metadata)));
    }
    let mut updated = d.clone();
    updated.spec.template = template;
    // As kubectl's rollback: the Deployment keeps its controller annotations and takes the
    // revision's own (its change-cause).
    updated.metadata.annotations.retain(|k, _| !shared_annotation(k));
    updated.metadata.annotations.extend(target.metadata.annotations.iter().filter(|(k, _)| shared_annotation(k)).map(|(k, v)| (k.clone(), v.clone())));
    cluster.update(Object::Deployment(updated)).map_err(|e| e.to_string())?;
    Ok("rolled back".into())
}
