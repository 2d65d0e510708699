//! Where `create configmap` and `create secret generic` take their keys from:
//! `--from-literal=key=value`, `--from-file=[key=]path` (a file, or every regular file of
//! a directory) and `--from-env-file=path` (`KEY=value` lines), read from the console's
//! files and checked as kubectl checks them.

use super::super::flags::Flags;
use super::super::Context;
use serde_json::{Map, Value};

/// The object the keys are for: `ConfigMap` or `Secret`, which word their key errors
/// differently and read their sources in a different order.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    ConfigMap,
    Secret,
}

/// The keys and values of the sources `f` names, in kubectl's order: files, literals,
/// then env files for a ConfigMap; literals, files, then env files for a Secret.
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/create/create_configmap.go` and
/// `create_secret.go` (`handle*FromLiteralSources`, `handle*FromFileSources`,
/// `handle*FromEnvFileSources`).
pub(super) fn data(f: &Flags, ctx: &Context<'_>, target: Target, name: &str) -> Result<Map<String, Value>, String> {
    let env_files = slice_values(f, "--from-env-file");
    let files = slice_values(f, "--from-file");
    if !env_files.is_empty() && (!files.is_empty() || f.has("--from-literal")) {
        return Err("error: from-env-file cannot be combined with from-file or from-literal".into());
    }
    let mut data = Keys { data: Map::new(), target, name };
    if target == Target::Secret {
        literals(f, &mut data)?;
    }
    for source in files {
        file_source(ctx, &source, &mut data)?;
    }
    if target == Target::ConfigMap {
        literals(f, &mut data)?;
    }
    for path in env_files {
        env_file(ctx, &path, &mut data)?;
    }
    Ok(data.data)
}

/// The values of a string-slice flag (`--from-file`, `--from-env-file`) as pflag reads
/// them: each occurrence is one line of comma-separated values, a value in double quotes may
/// hold commas (`""` is a quote), and an empty occurrence gives none.
fn slice_values(f: &Flags, flag: &str) -> Vec<String> {
    let mut values = Vec::new();
    for occurrence in f.values(flag).iter().filter(|v| !v.is_empty()) {
        let (mut field, mut quoted, mut at_start) = (String::new(), false, true);
        let mut chars = occurrence.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if at_start => quoted = true,
                '"' if quoted && chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' if quoted => quoted = false,
                ',' if !quoted => {
                    values.push(std::mem::take(&mut field));
                    at_start = true;
                    continue;
                }
                c => field.push(c),
            }
            at_start = false;
        }
        values.push(field);
    }
    values
}

/// The keys gathered so far, for one object.
struct Keys<'a> {
    data: Map<String, Value>,
    target: Target,
    name: &'a str,
}

impl Keys<'_> {
    /// Adds a key, refusing a name a key cannot have or one already taken.
    fn add(&mut self, key: &str, value: String) -> Result<(), String> {
        if let Some(why) = key_problem(key) {
            return Err(match self.target {
                Target::ConfigMap => format!("error: {key:?} is not a valid key name for a ConfigMap: {why}"),
                Target::Secret => format!("error: {key:?} is not valid key name for a Secret {why}"),
            });
        }
        if self.data.contains_key(key) {
            // kubectl words the two differently (1.27 to 1.33).
            return Err(match self.target {
                Target::ConfigMap => format!("error: cannot add key {key:?}, another key by that name already exists in Data for ConfigMap {:?}", self.name),
                Target::Secret => format!("error: cannot add key {key}, another key by that name already exists"),
            });
        }
        self.data.insert(key.to_string(), Value::String(value));
        Ok(())
    }
}

/// Why `key` cannot name a ConfigMap's or Secret's key, if it cannot.
///
/// Models `staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go` `IsConfigMapKey`.
fn key_problem(key: &str) -> Option<String> {
    let mut problems = Vec::new();
    if key.len() > 253 {
        problems.push("must be no more than 253 characters".to_string());
    }
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) {
        problems.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".into());
    }
    match key {
        "." => problems.push("must not be '.'".into()),
        ".." => problems.push("must not be '..'".into()),
        k if k.starts_with("..") => problems.push("must not start with '..'".into()),
        _ => {}
    }
    (!problems.is_empty()).then(|| problems.join(";"))
}

fn literals(f: &Flags, data: &mut Keys<'_>) -> Result<(), String> {
    for literal in f.values("--from-literal") {
        let (k, v) = literal.split_once('=').filter(|(k, _)| !k.is_empty()).ok_or_else(|| format!("error: invalid literal source {literal}, expected key=value"))?;
        data.add(k, v.to_string())?;
    }
    Ok(())
}

/// Reads one file, with kubectl's message when it is missing.
fn read(ctx: &Context<'_>, path: &str) -> Result<String, String> {
    ctx.files.read(path).map_err(|_| format!("error: error reading {path}: no such file or directory"))
}

/// `--from-file=[key=]path`: the file's content under its name (or the key given), or
/// each regular file of a directory under its own name.
fn file_source(ctx: &Context<'_>, source: &str, data: &mut Keys<'_>) -> Result<(), String> {
    let (key, path) = match source.split_once('=') {
        Some((k, p)) => (Some(k), p),
        None => (None, source),
    };
    // An empty path (`--from-file=,x`) names no file, not the working directory.
    let listed = if path.is_empty() { None } else { ctx.files.list_dir(path) };
    let Some(entries) = listed else {
        let text = read(ctx, path)?;
        let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
        return data.add(key.unwrap_or(name), text);
    };
    if key.is_some() {
        return Err("error: cannot give a key name for a directory path".into());
    }
    for entry in entries {
        let inside = format!("{}/{entry}", path.trim_end_matches('/'));
        if ctx.files.list_dir(&inside).is_none() {
            data.add(&entry, read(ctx, &inside)?)?;
        }
    }
    Ok(())
}

/// `--from-env-file=path`: one key a `KEY=value` line (a line with no `=` is a key whose
/// value would come from kubectl's own environment, empty here); blank lines and `#`
/// comments are skipped.
///
/// Models `staging/src/k8s.io/kubectl/pkg/cmd/util/env_file.go` `processEnvFileLine`.
fn env_file(ctx: &Context<'_>, path: &str, data: &mut Keys<'_>) -> Result<(), String> {
    if ctx.files.list_dir(path).is_some() {
        return Err("error: env config file cannot be a directory".into());
    }
    let text = read(ctx, path)?;
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 { line.trim_start_matches('\u{feff}') } else { line };
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        let valid = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || "-._".contains(c)) && key.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c));
        if !valid {
            return Err(format!("error: {key:?} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
        }
        data.add(key, value.to_string())?;
    }
    Ok(())
}
