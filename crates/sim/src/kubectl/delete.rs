//! `kubectl delete`: by name, by label selector or `--all`, or what `-f` files describe;
//! then, as kubectl does by default (`--wait=true`), it waits until the objects are really
//! gone: a pod's containers stopped within its grace period, a namespace emptied.

use super::create::{dry_run, DryRun};
use super::flags::Flags;
use super::{files, named_or_selected, CommandOutput, Context};
use crate::cluster::Cluster;
use crate::store::ObjectKey;

/// An object being deleted: where it is and which incarnation (its uid).
type Deleted = (ObjectKey, Option<std::sync::Arc<str>>);

/// Models staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go DeleteOptions.RunDelete:
/// deletes, prints `KIND "NAME" deleted` for each, then waits for them to be gone. With no
/// time to wait (the page) the command stays pending; its re-runs (`ctx.watch_since` set)
/// delete nothing and end once nothing they name is still terminating.
pub fn delete(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    if ctx.watch_since.is_some() {
        return still_terminating(cluster, f, ctx);
    }
    let mut out = CommandOutput::default();
    let orphan = match cascade(f, &mut out) {
        Ok(orphan) => orphan,
        Err(e) => return CommandOutput::err(e, 1),
    };
    match dry_run(f, &mut out) {
        Ok(DryRun::None) => {}
        Ok(mode) => return dry_delete(cluster, f, ctx, mode, out),
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    }
    // Only a delete that goes ahead orphans anything.
    if orphan && f.grace_period().is_ok() {
        orphan_all(cluster, f, ctx);
    }
    let warnings = std::mem::take(&mut out.stderr);
    let (mut out, deleted) = if f.has("--filename") { from_files(cluster, f, ctx) } else { by_name(cluster, f) };
    out.stderr.insert_str(0, &warnings);
    if f.bool_or("--wait", true) && !deleted.is_empty() {
        wait(cluster, &deleted, ctx, &mut out);
    }
    out
}

/// `--cascade`: whether the dependents are orphaned (`orphan`, or the deprecated `false`);
/// `background` (the default, or `true`) and `foreground` leave them to the garbage
/// collector, which kubeplay runs at once either way.
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/delete/delete_flags.go` `GetCascadingStrategy`.
fn cascade(f: &Flags, out: &mut CommandOutput) -> Result<bool, String> {
    let value = f.value("--cascade").unwrap_or_else(|| "background".into());
    let deprecated = |old: &str, new: &str| format!("warning: --cascade={old} is deprecated (boolean value) and can be replaced with --cascade={new}.\n");
    match value.as_str() {
        "background" | "foreground" => Ok(false),
        "orphan" => Ok(true),
        "true" => {
            out.stderr.push_str(&deprecated("true", "background"));
            Ok(false)
        }
        "false" => {
            out.stderr.push_str(&deprecated("false", "orphan"));
            Ok(true)
        }
        other => Err(format!("error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"\n")),
    }
}

/// Orphans the dependents of every object the command is about to delete.
fn orphan_all(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) {
    let keys: Vec<ObjectKey> = if f.has("--filename") {
        file_keys(cluster, f, ctx)
    } else {
        let ns = f.namespace();
        named_or_selected(cluster, f, &f.positional).unwrap_or_default().into_iter().map(|(kind, name)| ObjectKey::in_namespace(kind, &ns, name)).collect()
    };
    for key in keys {
        cluster.orphan_dependents(key.kind, &key.namespace, &key.name);
    }
}

/// Whether a console line is a `kubectl delete` that waits (so the page follows time for it).
pub fn waits(words: &[&str]) -> bool {
    words.first() == Some(&"delete") && !words.iter().any(|w| matches!(*w, "--wait=false" | "--wait=0" | "--wait=f" | "--wait=False") || (w.starts_with("--dry-run") && !w.ends_with("=none")))
}

/// `delete --dry-run=client|server`: says what would be deleted (objects that exist), and
/// deletes and waits for nothing.
fn dry_delete(cluster: &Cluster, f: &Flags, ctx: &Context<'_>, mode: DryRun, mut out: CommandOutput) -> CommandOutput {
    let suffix = if mode == DryRun::Server { "(server dry run)" } else { "(dry run)" };
    let targets: Vec<(String, ObjectKey)> = if f.has("--filename") {
        let objects = match files::read_all(cluster, f, ctx, &mut out, false) {
            Ok(o) => o,
            Err(e) => return e,
        };
        objects.into_iter().map(|(file, o)| (file, ObjectKey::of(&o))).collect()
    } else {
        let ns = f.namespace();
        match named_or_selected(cluster, f, &f.positional) {
            Ok(list) => list.into_iter().map(|(kind, name)| (String::new(), ObjectKey::in_namespace(kind, &ns, name))).collect(),
            Err(e) => return e,
        }
    };
    if targets.is_empty() && !f.has("--filename") {
        out.stderr.push_str("No resources found\n");
    }
    for (file, key) in targets {
        if cluster.store().get(&key).is_some() {
            out.say(format!("{} {:?} deleted {suffix}", key.kind.qualified(), key.name));
        } else {
            out.fail(files::api_error_line(&crate::apiserver::ApiError::not_found(key.kind, &key.name), "deleting", &file));
        }
    }
    out
}

/// Whether `key` still holds the incarnation `uid` (uid `None`: anything).
fn present(cluster: &Cluster, (key, uid): &Deleted) -> bool {
    cluster.store().get(key).is_some_and(|o| uid.is_none() || o.meta().uid == *uid)
}

/// Advances virtual time until every deleted object is gone, up to `ctx.max_wait`; with no
/// time to wait the command is left pending.
fn wait(cluster: &mut Cluster, deleted: &[Deleted], ctx: &Context<'_>, out: &mut CommandOutput) {
    if ctx.max_wait.as_millis() == 0 {
        out.pending = deleted.iter().any(|d| present(cluster, d));
        return;
    }
    let deadline = cluster.now() + ctx.max_wait;
    while deleted.iter().any(|d| present(cluster, d)) && cluster.now() < deadline {
        cluster.step_toward(deadline);
    }
    for d in deleted.iter().filter(|d| present(cluster, d)) {
        out.fail(format!("error: timed out waiting for the condition on {}/{}", d.0.kind.plural(), d.0.name));
    }
}

/// The objects `-f` names, as keys (their namespace filled in as `delete` fills it).
fn file_keys(cluster: &Cluster, f: &Flags, ctx: &Context<'_>) -> Vec<ObjectKey> {
    let mut scratch = CommandOutput::default();
    let objects = files::read_all(cluster, f, ctx, &mut scratch, false).unwrap_or_default();
    objects
        .into_iter()
        .map(|(_, o)| {
            let kind = o.kind();
            let namespace = if kind.namespaced() { o.meta().namespace.clone().unwrap_or_else(|| f.namespace()) } else { String::new() };
            ObjectKey { kind, namespace, name: o.name().to_string() }
        })
        .collect()
}

/// `delete -f`: what the files describe, with the incarnations it removed.
fn from_files(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> (CommandOutput, Vec<Deleted>) {
    let before: Vec<Deleted> = file_keys(cluster, f, ctx).into_iter().filter_map(|k| cluster.store().get(&k).map(|o| o.meta().uid.clone()).map(|uid| (k, uid))).collect();
    let out = files::delete(cluster, f, ctx);
    (out, before)
}

/// `delete TYPE NAME...`, `delete TYPE/NAME...`, `delete TYPE -l SELECTOR|--all`.
fn by_name(cluster: &mut Cluster, f: &Flags) -> (CommandOutput, Vec<Deleted>) {
    let grace = match f.grace_period() {
        Ok(g) => g,
        Err(e) => return (CommandOutput::err(format!("{e}\n"), 1), Vec::new()),
    };
    let list = match named_or_selected(cluster, f, &f.positional) {
        Ok(l) => l,
        Err(out) => return (out, Vec::new()),
    };
    let mut out = CommandOutput::default();
    if list.is_empty() {
        out.stderr.push_str("No resources found\n");
        return (out, Vec::new());
    }
    if f.has("--force") && grace == Some(0) {
        out.stderr.push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let ns = f.namespace();
    let mut deleted = Vec::new();
    let objects: Vec<(crate::api::Kind, String, String)> = list.into_iter().map(|(kind, name)| (kind, ns.clone(), name)).collect();
    for ((kind, _, name), result) in objects.iter().zip(cluster.delete_each(&objects, grace)) {
        match result {
            Ok(o) => {
                out.say(format!("{} {name:?} {}", kind.qualified(), if grace == Some(0) && f.has("--force") { "force deleted" } else { "deleted" }));
                deleted.push((ObjectKey::in_namespace(*kind, &ns, name.clone()), o.meta().uid.clone()));
            }
            Err(e) if e.reason == "NotFound" && f.has("--ignore-not-found") => {}
            Err(e) => out.fail(e.to_string()),
        }
    }
    (out, deleted)
}

/// A re-run of a pending delete: nothing is deleted again; it stays pending while an object
/// it names is still terminating (has a deletion timestamp).
fn still_terminating(cluster: &Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let keys: Vec<ObjectKey> = if f.has("--filename") {
        file_keys(cluster, f, ctx)
    } else {
        let ns = f.namespace();
        named_or_selected(cluster, f, &f.positional).unwrap_or_default().into_iter().map(|(kind, name)| ObjectKey::in_namespace(kind, &ns, name)).collect()
    };
    let pending = keys.iter().any(|k| cluster.store().get(k).is_some_and(|o| o.meta().deletion_timestamp.is_some()));
    CommandOutput { pending, ..Default::default() }
}
