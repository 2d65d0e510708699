//! `-f FILE|DIR`: where manifests come from, and the commands that read them
//! (`apply -f`, `create -f`, `delete -f`, `replace -f`).

use super::{CommandOutput, Context, Flags};
use crate::apiserver::{ApiError, ApplyAction};
use crate::cluster::Cluster;
use crate::manifest::{parse_manifest_validated, parse_manifest_with, Validation};

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
fn file_objects(cluster: &Cluster, f: &Flags, ctx: &Context<'_>, file: &str, out: &mut CommandOutput) -> Vec<crate::api::Object> {
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
    for m in parsed {
        for w in &m.warnings {
            out.stderr.push_str(w);
            out.stderr.push('\n');
        }
        let mut o = m.object;
        if o.kind().namespaced() && o.meta().namespace.is_none() {
            o.meta_mut().namespace = Some(f.namespace());
        }
        objects.push(o);
    }
    objects
}

/// `apply -f` (or `create -f` when `create_only`).
pub fn apply(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>, create_only: bool) -> CommandOutput {
    if let Err(e) = Validation::from_flag(f.value("--validate").as_deref()) {
        return CommandOutput::err(format!("{e}\n"), 1);
    }
    let paths = f.values("--filename");
    if paths.is_empty() {
        return CommandOutput::err("error: must specify one of -f and -k\n".into(), 1);
    }
    let mut out = CommandOutput::default();
    let files = match expand(ctx.files, &paths, f.has("--recursive")) {
        Ok(files) => files,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    for file in files {
        for o in file_objects(cluster, f, ctx, &file, &mut out) {
            let kind = o.kind();
            let result = if create_only { cluster.create(o).map(|c| (ApplyAction::Created, c)) } else { cluster.apply(o) };
            match result {
                Ok((action, obj)) => out.say(format!("{}/{} {}", kind.qualified(), obj.name(), action.word())),
                Err(e) => out.fail(api_error_line(&e, "creating", &file)),
            }
        }
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
                Err(e) => out.fail(api_error_line(&e, "deleting", &file)),
            }
        }
    }
    out
}

/// Every object of the `-f` files, with the file it came from; read errors and manifest
/// warnings go to `out` as `apply` prints them.
pub(super) fn read_all(cluster: &Cluster, f: &Flags, ctx: &Context<'_>, out: &mut CommandOutput) -> Result<Vec<(String, crate::api::Object)>, CommandOutput> {
    let files = expand(ctx.files, &f.values("--filename"), f.has("--recursive")).map_err(|e| CommandOutput::err(format!("{e}\n"), 1))?;
    let mut objects = Vec::new();
    for file in files {
        objects.extend(file_objects(cluster, f, ctx, &file, out).into_iter().map(|o| (file.clone(), o)));
    }
    Ok(objects)
}

/// Replaces a live object by `o` as a PUT does: spec, labels and annotations become the
/// file's (controllers add theirs back); status and the server's metadata stay.
fn replace_object(cluster: &mut Cluster, o: crate::api::Object) -> Result<(), ApiError> {
    let key = crate::store::ObjectKey::of(&o);
    if cluster.store().get(&key).is_none() {
        return Err(ApiError::not_found(key.kind, &key.name));
    }
    let annotations = o.meta().annotations.clone();
    let (_, stored) = cluster.apply(o)?;
    if stored.meta().annotations != annotations {
        let mut fixed = stored;
        fixed.meta_mut().annotations = annotations;
        cluster.update(fixed)?;
    }
    Ok(())
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
    let objects = match read_all(cluster, f, ctx, &mut out) {
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
