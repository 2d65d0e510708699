//! `-f FILE|DIR`: where manifests come from, and the commands that read them
//! (`apply -f`, `create -f`, `delete -f`).

use super::{CommandOutput, Context, Flags};
use crate::apiserver::{ApiError, ApplyAction};
use crate::cluster::Cluster;
use crate::manifest::parse_manifest_with;

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
                names.sort();
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

/// `apply -f` (or `create -f` when `create_only`).
pub fn apply(cluster: &mut Cluster, f: &Flags, ctx: &Context<'_>, create_only: bool) -> CommandOutput {
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
        let text = match ctx.files.read(&file) {
            Ok(t) => t,
            Err(e) => {
                out.fail(e);
                continue;
            }
        };
        let (objects, errors) = parse_manifest_with(&text, &file, cluster.settings().refuse_removed_api_versions);
        for e in errors {
            out.fail(e.to_string());
        }
        for m in objects {
            for w in &m.warnings {
                out.stderr.push_str(w);
                out.stderr.push('\n');
            }
            let mut o = m.object;
            if o.kind().namespaced() && o.meta().namespace.is_none() {
                o.meta_mut().namespace = Some(f.namespace());
            }
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
