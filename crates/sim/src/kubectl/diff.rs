//! `kubectl diff -f FILE`: what `kubectl apply -f FILE` would change. Like kubectl, it
//! writes each object's live YAML and the YAML a server-side dry run of the apply gives
//! into two folders and shows `diff -u -N` of them; the exit code is 1 when something
//! would change. Also `kubectl apply view-last-applied`.

use super::files::{api_error_line, read_all};
use super::flags::Flags;
use super::{object_value, resource_kind, targets, yaml_out, CommandOutput, Context};
use crate::api::{Kind, Object};
use serde_json::Value;
use crate::cluster::Cluster;
use crate::manifest::LAST_APPLIED;
use crate::store::ObjectKey;

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;

/// One line of an edit script: kept, removed (only in the old text) or added.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line<'a> {
    Same(&'a str),
    Removed(&'a str),
    Added(&'a str),
}

/// The shortest edit turning `old` into `new`, by longest common subsequence.
fn edit_script<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Line<'a>> {
    let (n, m) = (old.len(), new.len());
    // lcs[i][j]: the common subsequence length of old[i..] and new[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i] == new[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut script) = (0, 0, Vec::with_capacity(n + m));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            script.push(Line::Same(old[i]));
            (i, j) = (i + 1, j + 1);
        } else if j < m && (i == n || lcs[i][j + 1] > lcs[i + 1][j]) {
            script.push(Line::Added(new[j]));
            j += 1;
        } else {
            script.push(Line::Removed(old[i]));
            i += 1;
        }
    }
    script
}

/// A hunk range as GNU diff writes it: `start,count`, just `start` for one line, and the
/// line before for an empty range.
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{},0", start.saturating_sub(1)),
        1 => start.to_string(),
        _ => format!("{start},{count}"),
    }
}

/// The hunks of `diff -u` between two texts (empty when they are equal).
pub fn unified_hunks(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let script = edit_script(&a, &b);
    let changed: Vec<usize> = script.iter().enumerate().filter(|(_, l)| !matches!(l, Line::Same(_))).map(|(i, _)| i).collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        // A hunk runs from CONTEXT lines before a change to CONTEXT after the last change
        // that is at most 2 * CONTEXT kept lines from the one before it.
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] - last <= 2 * CONTEXT + 1 {
            k += 1;
            last = changed[k];
        }
        k += 1;
        let (from, to) = (first.saturating_sub(CONTEXT), (last + CONTEXT + 1).min(script.len()));
        // Line numbers (1-based) where the hunk starts in each text.
        let before = &script[..from];
        let old_start = before.iter().filter(|l| !matches!(l, Line::Added(_))).count() + 1;
        let new_start = before.iter().filter(|l| !matches!(l, Line::Removed(_))).count() + 1;
        let hunk = &script[from..to];
        let old_count = hunk.iter().filter(|l| !matches!(l, Line::Added(_))).count();
        let new_count = hunk.iter().filter(|l| !matches!(l, Line::Removed(_))).count();
        out.push_str(&format!("@@ -{} +{} @@\n", range(old_start, old_count), range(new_start, new_count)));
        for l in hunk {
            let (mark, text) = match l {
                Line::Same(t) => (' ', t),
                Line::Removed(t) => ('-', t),
                Line::Added(t) => ('+', t),
            };
            out.push(mark);
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

/// The file name kubectl gives an object in its folders: `apps.v1.Deployment.default.web`
/// (a cluster-scoped object has an empty namespace: `v1.Namespace..team`).
fn file_name(o: &Object) -> String {
    let kind = o.kind();
    format!("{}.{}.{}.{}", kind.api_version().replace('/', "."), kind.name(), o.namespace(), o.name())
}

/// Hides a Secret's values as kubectl diff does: `***` where both sides agree (or only one
/// has the key), `*** (before)` and `*** (after)` where they differ.
fn mask_secret_data(live: &mut Value, merged: &mut Value) {
    let (before, after) = (live.get("data").cloned().unwrap_or_default(), merged.get("data").cloned().unwrap_or_default());
    let mask = |side: &mut Value, other: &Value, changed: &str| {
        if let Some(data) = side.get_mut("data").and_then(Value::as_object_mut) {
            for (k, v) in data.iter_mut() {
                let differs = other.get(k).is_some_and(|o| o != v);
                *v = Value::String(if differs { changed.to_string() } else { "***".to_string() });
            }
        }
    };
    mask(live, &after, "*** (before)");
    mask(merged, &before, "*** (after)");
}

/// `kubectl diff -f FILE...`.
pub fn diff(cluster: &Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    if !f.has("--filename") {
        return CommandOutput::err("error: must specify one of -f and -k\n".into(), 1);
    }
    let mut out = CommandOutput::default();
    let objects = match read_all(cluster, f, ctx, &mut out, true) {
        Ok(o) => o,
        Err(mut e) => {
            e.exit_code = 2;
            return e;
        }
    };
    if out.exit_code != 0 {
        out.exit_code = 2;
    }
    // kubectl's folders are made by MkdirTemp; here their numbers follow virtual time.
    let stamp = cluster.now().0 / 1000;
    let (live_dir, merged_dir) = (format!("/tmp/LIVE-{}", 1_000_000_000 + stamp % 1_000_000_000), format!("/tmp/MERGED-{}", 2_000_000_000 + stamp % 1_000_000_000));
    let when = format!("{}.000000000 +0000", cluster.now().rfc3339().replace('T', " ").trim_end_matches('Z'));
    for (file, o) in objects {
        let stored = cluster.store().get(&ObjectKey::of(&o));
        let name = file_name(&o);
        let secret = o.kind() == Kind::Secret;
        let mut merged = match cluster.validate_apply(o) {
            Ok((_, merged)) => object_value(&merged),
            Err(e) => {
                out.stderr.push_str(&format!("{}\n", api_error_line(&e, "creating", &file)));
                out.exit_code = 2;
                continue;
            }
        };
        let mut live = stored.map(object_value).unwrap_or(Value::Null);
        // A dry run stores nothing, so the object keeps its resourceVersion.
        if let (Some(rv), Some(meta)) = (live.pointer("/metadata/resourceVersion").cloned(), merged.get_mut("metadata").and_then(Value::as_object_mut)) {
            meta.insert("resourceVersion".into(), rv);
        }
        if secret {
            mask_secret_data(&mut live, &mut merged);
        }
        let text = |v: &Value| if v.is_null() { String::new() } else { yaml_out::to_yaml(v) };
        let hunks = unified_hunks(&text(&live), &text(&merged));
        if hunks.is_empty() {
            continue;
        }
        // GNU diff dates a missing file (-N) at the epoch.
        let live_when = if live.is_null() { "1970-01-01 00:00:00.000000000 +0000" } else { when.as_str() };
        out.stdout.push_str(&format!("diff -u -N {live_dir}/{name} {merged_dir}/{name}\n--- {live_dir}/{name}\t{live_when}\n+++ {merged_dir}/{name}\t{when}\n{hunks}"));
        if out.exit_code == 0 {
            out.exit_code = 1;
        }
    }
    out
}

/// `kubectl apply view-last-applied TYPE NAME|TYPE/NAME|-f FILE [-o yaml|json]`: the
/// configuration the last apply recorded on each object named (or described in the files).
pub fn view_last_applied(cluster: &Cluster, f: &Flags, ctx: &Context<'_>) -> CommandOutput {
    let args = &f.positional[1..];
    let mut out = CommandOutput::default();
    let list: Vec<(Kind, String, String)> = if f.has("--filename") {
        match read_all(cluster, f, ctx, &mut out, false) {
            Ok(objects) => objects.into_iter().map(|(_, o)| (o.kind(), o.name().to_string(), o.namespace().to_string())).collect(),
            Err(e) => return e,
        }
    } else {
        let named = match targets(args) {
            Ok(list) if !list.is_empty() => list,
            Ok(_) => match args {
                [] => return CommandOutput::err(super::edit::NOTHING_TO_EDIT.into(), 1),
                [kind] => match resource_kind(kind) {
                    Ok(_) => return CommandOutput::err("error: resource(s) were provided, but no name was specified\n".into(), 1),
                    Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
                },
                _ => return CommandOutput::err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n".into(), 1),
            },
            Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
        };
        named.into_iter().map(|(kind, name)| (kind, name, f.namespace())).collect()
    };
    let output = f.value("--output").unwrap_or_else(|| "yaml".into());
    if output != "yaml" && output != "json" {
        return CommandOutput::err(format!("error: Unexpected -o output mode: {output}, the flag 'output' must be one of yaml|json\nSee 'kubectl apply view-last-applied -h' for help and examples\n"), 1);
    }
    for (kind, name, namespace) in list {
        let key = ObjectKey::in_namespace(kind, &namespace, name.clone());
        let Some(o) = cluster.store().get(&key) else {
            out.fail(format!("Error from server (NotFound): {} {name:?} not found", kind.resource()));
            continue;
        };
        let Some(config) = o.meta().annotations.get(LAST_APPLIED).and_then(|t| serde_json::from_str::<Value>(t).ok()) else {
            out.fail(format!("error: no last-applied-configuration annotation found on resource: {name}"));
            continue;
        };
        if output == "json" {
            // The stored text indented by two spaces (Go's json.Indent), its escapes kept.
            let pretty = serde_json::to_string_pretty(&config).unwrap_or_default();
            out.say(pretty.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"));
        } else {
            out.stdout.push_str(&yaml_out::to_yaml(&config));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::unified_hunks;

    #[test]
    fn hunks_match_gnu_diff() {
        // Outputs of GNU diffutils 3.8 `diff -u` for the same inputs (headers removed).
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n";
        assert_eq!(unified_hunks(old, old), "");
        assert_eq!(unified_hunks(old, &old.replace("g\n", "G\n")), "@@ -4,7 +4,7 @@\n d\n e\n f\n-g\n+G\n h\n i\n j\n");
        assert_eq!(unified_hunks(old, &old.replace("b\n", "B\n").replace("l\n", "L\n")), "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,5 +9,5 @@\n i\n j\n k\n-l\n+L\n m\n");
        assert_eq!(unified_hunks(old, &old.replace("b\n", "B\n").replace("h\n", "H\n")), "@@ -1,11 +1,11 @@\n a\n-b\n+B\n c\n d\n e\n f\n g\n-h\n+H\n i\n j\n k\n", "changes 6 lines apart share a hunk");
        assert_eq!(unified_hunks("", "x\ny\n"), "@@ -0,0 +1,2 @@\n+x\n+y\n");
        assert_eq!(unified_hunks("x\n", ""), "@@ -1 +0,0 @@\n-x\n");
        assert_eq!(unified_hunks("a\nb\n", "a\nc\nb\n"), "@@ -1,2 +1,3 @@\n a\n+c\n b\n");
    }
}
