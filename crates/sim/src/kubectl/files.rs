//! `-f FILE|DIR`: where manifests come from, and the commands that read them
//! (`apply -f`, `create -f`, `delete -f`, `replace -f`).

use super::{CommandOutput, Context, Flags};
use crate::apiserver::{ApiError, ApplyAction};
use crate::cluster::Cluster;
use super::create::{dry_run, DryRun};
use super::yaml_out;
use crate::api::Object;
use crate::manifest::{parse_manifest_validated, parse_manifest_with, ManifestObject, Validation, LAST_APPLIED};
use crate::store::ObjectKey;

/// A file system commands can read manifests from (the runner's disk, the console's files).
pub trait Files {
    /// The text of a file.
    fn read(&self, path: &str) -> Result<String, String>;
    /// The names in a directory, or `None` when `path` is not a directory.
    fn list_dir(&self, path: &str) -> Option<Vec<String>>;
}

/// No files at all (the page before the console's file system exists).
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        Err(format!("error: the path {path:?} does not exist"))
    }
    fn list_dir(&self, _path: &str) -> Option<Vec<String>> {
        None
    }
}

/// Expands `-f` arguments: a directory gives its `.yaml`, `.yml` and `.json` files in
/// name order (kubectl does not reorder by kind).
fn expand(files: &dyn Files, paths: &[String], recursive: bool) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.starts_with("http://") || p.starts_with("https://") {
            let file = p.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("manifest.yaml");
            return Err(format!("error: kubeplay cannot download {p}: the console has no network.\n  hint: save the manifest in a file (cat > {file} <<'EOF', paste it, then a line EOF) and use -f {file}"));
        }
        match files.list_dir(p) {
            Some(mut names) => {
                crate::sorting::sort(&mut names);
                for n in names {
                    let full = format!("{}/{n}", p.trim_end_matches('/'));
                    if files.list_dir(&full).is_some() {
                        if recursive {
                            out.extend(expand(files, &[full], true)?);
                        }
                    } else if [".yaml", ".yml", ".json"].iter().any(|e| n.ends_with(e)) {
                        out.push(full);
                    }
                }
            }
            None => {
                files.read(p)?;
                out.push(p.clone());
            }
        }
    }
    Ok(out)
}

/// How kubectl reports an API error about an object from a file.
pub fn api_error_line(e: &ApiError, doing: &str, file: &str) -> String {
    if e.reason == "Invalid" {
        format!("The {}", e.message)
    } else if file.is_empty() {
        format!("Error from server ({}): {}", e.reason, e.message)
    } else {
        format!("Error from server ({}): error when {doing} {file:?}: {}", e.reason, e.message)
    }
}

/// The objects of one `-f` file, namespaced by `-n` where they name none; read errors and
/// manifest errors and warnings go to `out` as `apply` prints them.
fn file_objects(cluster: &Cluster, f: &Flags, ctx: &Context<'_>, file: &str, out: &mut CommandOutput) -> Vec<ManifestObject> {
    let text = match ctx.files.read(file) {
        Ok(t) => t,
        Err(e) => {
            out.fail(e);
            return Vec::new();
        }
    };
    let validation = Validation::from_flag(f.value("--validate").as_deref()).unwrap_or_default();
    let (parsed, errors) = parse_manifest_validated(&text, file, cluster.settings().refuse_removed_api_versions, validation);
    for e in errors {
        out.fail(e.to_string());
    }
    let mut objects = Vec::new();
    for mut m in parsed {
        for w in &m.warnings {
            out.stderr.push_str(w);
            out.stderr.push('\n');
        }
        if m.object.kind().namespaced() && m.object.meta().namespace.is_none() {
            m.object.meta_mut().namespace = Some(f.namespace());
        }
        objects.push(m);
    }
    objects
}

/// The object as kubectl sends it: the document as written, in its namespace, with the
/// last-applied configuration when `o` carries one.
fn sent(m: &ManifestObject, o: &Object) -> serde_json::Value {
    let mut v = m.source_in_namespace();
    if let Some(meta) = v.get_mut("metadata").and_then(serde_json::Value::as_object_mut) {
        if let Some(config) = o.meta().annotations.get(LAST_APPLIED) {
            let annotations = meta.entry("annotations").or_insert_with(|| serde_json::json!({}));
            if let Some(a) = annotations.as_object_mut() {
                a.insert(LAST_APPLIED.into(), config.clone().into());
            }
        }
    }
    v
}

/// kubectl's warning when `apply` meets an object that no apply or `create --save-config` made.
fn missing_annotation_warning(o: &Object) -> String {
    format!("Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n", o.kind().plural(), o.name())
}

/// `apply -f` (or `create -f` when `create_only`), with `--dry-run`, `-o` and, for
/// `create`, `--save-config`. Apply records each object's last-applied configuration and
/// merges three ways with it (see [`crate::apiserver::apply`]).
pub fn apply(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>, create_only: bool) -> CommandOutput {
    if let Err(e) = Validation::from_flag(f.value("--validate").as_deref()) {
        return CommandOutput::err(format!("{e}\n"), 1);
    }
    if !create_only && f.positional.first().is_some_and(|p| p == "view-last-applied") {
        return super::diff::view_last_applied(cluster, f, ctx);
    }
    let paths = f.values("--filename");
    if paths.is_empty() {
        return CommandOutput::err("error: must specify one of -f and -k\n".into(), 1);
    }
    let mut out = CommandOutput::default();
    let mode = match dry_run(f, &mut out) {
        Ok(m) => m,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let files = match expand(ctx.files, &paths, f.has("--recursive")) {
        Ok(files) => files,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let output = match super::object_output(f) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let suffix = match mode {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    // With -o yaml|json the objects are printed once all are sent: one alone, several as a List.
    let mut printed = Vec::new();
    for file in files {
        for m in file_objects(cluster, f, ctx, &file, &mut out) {
            let o = if !create_only || f.has("--save-config") { m.with_applied_configuration() } else { m.object.clone() };
            let as_sent = sent(&m, &o);
            let (kind, name) = (o.kind(), o.name().to_string());
            let stored = cluster.store().get(&ObjectKey::of(&o)).cloned();
            if !create_only && stored.as_ref().is_some_and(|l| !l.meta().annotations.contains_key(LAST_APPLIED)) && mode != DryRun::Client {
                out.stderr.push_str(&missing_annotation_warning(&o));
            }
            let sent_to_server = |r: Result<(ApplyAction, Object), ApiError>| r.map(|(action, stored)| (action, super::object_value(&stored)));
            let result = match (create_only, mode) {
                // A client-side dry run sends nothing: it shows the object it would send (for an
                // apply to an existing object, the live one), and the server's objections do not show.
                (_, DryRun::Client) => Ok(match stored {
                    Some(live) if !create_only => (ApplyAction::Configured, super::object_value(&live)),
                    _ => (ApplyAction::Created, as_sent),
                }),
                (true, DryRun::None) => sent_to_server(cluster.create(o).map(|c| (ApplyAction::Created, c))),
                (true, DryRun::Server) => sent_to_server(cluster.validate_create(o).map(|c| (ApplyAction::Created, c))),
                (false, DryRun::None) => sent_to_server(cluster.apply(o)),
                (false, DryRun::Server) => sent_to_server(cluster.validate_apply(o)),
            };
            match result {
                Ok((action, value)) => match output.as_str() {
                    "name" => out.say(format!("{}/{}", kind.qualified(), name)),
                    "" => out.say(format!("{}/{} {}{suffix}", kind.qualified(), name, action.word())),
                    // yaml, json and the templates print once all are sent.
                    _ => printed.push(value),
                },
                Err(e) => out.fail(api_error_line(&e, "creating", &file)),
            }
        }
    }
    let value = match printed.len() {
        0 => return out,
        1 => printed.remove(0),
        _ => serde_json::json!({"apiVersion": "v1", "items": printed, "kind": "List", "metadata": {"resourceVersion": ""}}),
    };
    match output.as_str() {
        "json" => out.say(super::json_text(&value)),
        "yaml" => out.stdout.push_str(&yaml_out::to_yaml(&value)),
        templated => super::print_templated(templated, f, ctx.files, &value, &mut out),
    }
    out
}

/// `delete -f`.
pub fn delete(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let grace = match f.grace_period() {
        Ok(g) => g,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let files = match expand(ctx.files, &f.values("--filename"), f.has("--recursive")) {
        Ok(files) => files,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    for file in files {
        let Ok(text) = ctx.files.read(&file) else { continue };
        let (objects, errors) = parse_manifest_with(&text, &file, cluster.settings().refuse_removed_api_versions);
        for e in errors {
            out.fail(e.to_string());
        }
        for o in objects.into_iter().map(|m| m.object) {
            let ns = o.meta().namespace.clone().unwrap_or_else(|| f.namespace());
            match cluster.delete_with_grace(o.kind(), Some(&ns), o.name(), grace) {
                Ok(_) => out.say(format!("{} {:?} deleted", o.kind().qualified(), o.name())),
                Err(e) if e.reason == "NotFound" && f.has("--ignore-not-found") => {}
                Err(e) => out.fail(api_error_line(&e, "deleting", &file)),
            }
        }
    }
    out
}

/// Every object of the `-f` files, with the file it came from (carrying its last-applied
/// configuration when `applied`, as `apply` sends it); read errors and manifest warnings go
/// to `out` as `apply` prints them.
pub(super) fn read_all(cluster: &Cluster, f: &Flags, ctx: &Context<'_>, out: &mut CommandOutput, applied: bool) -> Result<Vec<(String, crate::api::Object)>, CommandOutput> {
    let files = expand(ctx.files, &f.values("--filename"), f.has("--recursive")).map_err(|e| CommandOutput::err(format!("{e}\n"), 1))?;
    let mut objects = Vec::new();
    for file in files {
        objects.extend(file_objects(cluster, f, ctx, &file, out).into_iter().map(|m| (file.clone(), if applied { m.with_applied_configuration() } else { m.object })));
    }
    Ok(objects)
}

/// Replaces a live object by `o` as a PUT does (see [`Cluster::replace`]).
fn replace_object(cluster: &mut Cluster, o: crate::api::Object) -> Result<(), ApiError> {
    let key = ObjectKey::of(&o);
    if cluster.store().get(&key).is_none() {
        return Err(ApiError::not_found(key.kind, &key.name));
    }
    cluster.replace(o).map(|_| ())
}

/// `replace -f`, and `replace --force -f`: delete, wait until gone, create.
pub fn replace(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    if let Err(e) = Validation::from_flag(f.value("--validate").as_deref()) {
        return CommandOutput::err(format!("{e}\n"), 1);
    }
    if !f.has("--filename") {
        return if f.has("--force") {
            CommandOutput::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n".into(), 1)
        } else {
            CommandOutput::err("error: must specify one of -f and -k\n".into(), 1)
        };
    }
    let grace = match f.grace_period() {
        Ok(g) => g,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let mut out = CommandOutput::default();
    let objects = match read_all(cluster, f, ctx, &mut out, false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let name = |o: &crate::api::Object| format!("{}/{}", o.kind().qualified(), o.name());
    if !f.has("--force") {
        for (file, o) in objects {
            let shown = name(&o);
            match replace_object(cluster, o) {
                Ok(()) => out.say(format!("{shown} replaced")),
                Err(e) => out.fail(api_error_line(&e, "replacing", &file)),
            }
        }
        return out;
    }
    // kubectl deletes every object first (stopping at the first error), waits, then creates.
    for (file, o) in &objects {
        match cluster.delete_with_grace(o.kind(), o.meta().namespace.as_deref(), o.name(), grace) {
            Ok(_) => out.say(format!("{} {:?} deleted", o.kind().qualified(), o.name())),
            Err(e) => {
                out.fail(api_error_line(&e, "deleting", file));
                return out;
            }
        }
    }
    // kubectl polls until the objects are gone (5 minutes at most); a page with no time to
    // wait still waits, as the command blocks.
    let wait = if ctx.max_wait.as_millis() == 0 { super::DEFAULT_MAX_WAIT } else { ctx.max_wait };
    let deadline = cluster.now() + wait;
    let gone = |c: &Cluster| objects.iter().all(|(_, o)| c.store().get(&crate::store::ObjectKey::of(o)).is_none());
    while !gone(cluster) && cluster.now() < deadline {
        cluster.step_toward(deadline);
    }
    if !gone(cluster) {
        out.fail("error: timed out waiting for the condition");
        return out;
    }
    for (_, o) in objects {
        let shown = name(&o);
        match cluster.create(o) {
            Ok(_) => out.say(format!("{shown} replaced")),
            Err(e) => out.fail(api_error_line(&e, "", "")),
        }
    }
    out
}
