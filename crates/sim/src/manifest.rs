//! Manifests: the YAML or JSON a learner writes, decoded into typed objects,
//! with every mistake pointed at by file, line, column and field path.

use crate::api::{schema, Kind, Object};
use crate::yaml::{parse_documents, Pos, Spans};
use serde_json::Value;
use std::fmt;

/// What went wrong in a manifest, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestError {
    /// The file name as the learner knows it (`pod.yaml`, or `editor`).
    pub file: String,
    /// Line and column, when known.
    pub pos: Option<Pos>,
    /// The field path, e.g. `spec.containers[0].image`, when the error is about one field.
    pub path: Option<String>,
    /// The message a real kubectl/cluster would print.
    pub message: String,
    /// kubeplay's own explanation: what was expected and what to try.
    pub help: Option<String>,
    /// Further located lines, one per other field the message is about: (position, path, help).
    pub more: Vec<(Option<Pos>, String, String)>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        let mut loc = format!("  --> {}", self.file);
        if let Some(p) = self.pos {
            loc.push_str(&format!(":{}:{}", p.line, p.column));
        }
        match (&self.path, &self.help) {
            (Some(path), Some(help)) => write!(f, "\n{loc}: {path}: {help}")?,
            (None, Some(help)) => write!(f, "\n{loc}: {help}")?,
            (Some(path), None) => write!(f, "\n{loc}: {path}")?,
            (None, None) => write!(f, "\n{loc}")?,
        }
        for (pos, path, help) in &self.more {
            write!(f, "\n  --> {}", self.file)?;
            if let Some(p) = pos {
                write!(f, ":{}:{}", p.line, p.column)?;
            }
            write!(f, ": {path}: {help}")?;
        }
        Ok(())
    }
}

/// How unknown fields are treated: kubectl's `--validate`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Validation {
    /// Refuse an object with unknown fields (`strict` or `true`; kubectl's default).
    #[default]
    Strict,
    /// Accept it with a warning per unknown field (`warn`).
    Warn,
    /// Drop unknown fields silently (`ignore` or `false`).
    Ignore,
}

impl Validation {
    /// Reads `--validate`'s value as kubectl does (any case); no flag is `strict`.
    pub fn from_flag(value: Option<&str>) -> Result<Validation, String> {
        match value.map(str::to_ascii_lowercase).as_deref() {
            None | Some("strict" | "true") => Ok(Validation::Strict),
            Some("warn") => Ok(Validation::Warn),
            Some("ignore" | "false") => Ok(Validation::Ignore),
            Some(_) => Err(format!("error: invalid - validate option {:?}; must be one of: strict (or true), warn, ignore (or false)", value.unwrap_or_default())),
        }
    }
}

/// One decoded object and where its document started.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestObject {
    /// The typed object.
    pub object: Object,
    /// The line of the document it came from.
    pub line: usize,
    /// What the learner should know about how it was read (`Warning: ...` lines).
    pub warnings: Vec<String>,
    /// The document as written, before any conversion (what `kubectl apply` records).
    pub source: Value,
}

/// The annotation in which `kubectl apply` keeps the configuration it last sent; its next
/// apply compares with it to know which fields it set and may remove.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

impl ManifestObject {
    /// The document as written, with the object's namespace in its metadata (`default` for a
    /// namespaced object that names none), as kubectl sends it.
    pub fn source_in_namespace(&self) -> Value {
        let mut source = self.source.clone();
        if let Some(meta) = source.get_mut("metadata").and_then(Value::as_object_mut).filter(|_| self.object.kind().namespaced()) {
            let ns = self.object.meta().namespace.as_deref().unwrap_or("default");
            meta.insert("namespace".into(), Value::String(ns.into()));
        }
        source
    }

    /// The object to send for `kubectl apply` (or `create --save-config`): the decoded object
    /// carrying its [`LAST_APPLIED`] annotation, which holds the document as written in the
    /// object's namespace, without that annotation, as compact JSON with sorted keys and a
    /// final line break (as kubectl's encoder writes it, HTML characters escaped as Go does).
    pub fn with_applied_configuration(&self) -> Object {
        let mut source = self.source_in_namespace();
        if let Some(meta) = source.get_mut("metadata").and_then(Value::as_object_mut) {
            let annotations = meta.entry("annotations").or_insert_with(|| Value::Object(Default::default()));
            if let Some(a) = annotations.as_object_mut() {
                a.remove(LAST_APPLIED);
            }
        }
        let json = crate::kubectl::jsonpath::go_marshal(&source);
        let mut object = self.object.clone();
        object.meta_mut().annotations.insert(LAST_APPLIED.into(), json + "\n");
        object
    }
}

/// The largest int32, which older API versions used for "no limit".
const MAX_INT32: i64 = i32::MAX as i64;

/// autoscaling/v1 is still served: its `targetCPUUtilizationPercentage` becomes v2's
/// CPU Utilization metric (the API server's own conversion).
fn hpa_v1_to_v2(value: &mut Value) {
    value["apiVersion"] = Value::String("autoscaling/v2".into());
    if let Some(spec) = value.get_mut("spec").and_then(Value::as_object_mut) {
        if let Some(pct) = spec.remove("targetCPUUtilizationPercentage") {
            spec.insert("metrics".into(), serde_json::json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": pct}}}]));
        }
    }
}

/// Reads a workload written for an API version removed in Kubernetes 1.16 as `apps/v1`,
/// with the old version's defaults, and says so. Returns the warning, or `None` when the
/// object needs no conversion.
fn convert_legacy(value: &mut Value, api_version: &str, kind: &str) -> Option<String> {
    if kind == "Ingress" && ["extensions/v1beta1", "networking.k8s.io/v1beta1"].contains(&api_version) {
        return convert_ingress(value, api_version);
    }
    if !["apps/v1beta1", "apps/v1beta2", "extensions/v1beta1"].contains(&api_version) || !["Deployment", "ReplicaSet", "DaemonSet"].contains(&kind) {
        return None;
    }
    let obj = value.as_object_mut()?;
    obj.insert("apiVersion".into(), Value::String("apps/v1".into()));
    let spec = obj.entry("spec").or_insert_with(|| Value::Object(Default::default())).as_object_mut()?;
    if !spec.contains_key("selector") {
        // Older versions defaulted the selector to the template's labels.
        if let Some(labels) = spec.get("template").and_then(|t| t.pointer("/metadata/labels")).cloned() {
            spec.insert("selector".into(), serde_json::json!({ "matchLabels": labels }));
        }
    }
    match (api_version, kind) {
        ("apps/v1beta1", "Deployment") => {
            spec.entry("revisionHistoryLimit").or_insert(Value::from(2));
        }
        ("extensions/v1beta1", "Deployment") => {
            spec.entry("revisionHistoryLimit").or_insert(Value::from(MAX_INT32));
            spec.entry("progressDeadlineSeconds").or_insert(Value::from(MAX_INT32));
            let strategy = spec.entry("strategy").or_insert_with(|| serde_json::json!({}));
            if strategy.get("type").and_then(Value::as_str).unwrap_or("RollingUpdate") == "RollingUpdate" {
                if let Some(s) = strategy.as_object_mut() {
                    let ru = s.entry("rollingUpdate").or_insert_with(|| serde_json::json!({}));
                    if let Some(ru) = ru.as_object_mut() {
                        ru.entry("maxUnavailable").or_insert(Value::from(1));
                        ru.entry("maxSurge").or_insert(Value::from(1));
                    }
                }
            }
        }
        ("extensions/v1beta1", "DaemonSet") => {
            spec.entry("updateStrategy").or_insert_with(|| serde_json::json!({"type": "OnDelete"}));
        }
        _ => {}
    }
    Some(format!(
        "Warning: {api_version} {kind} was removed in Kubernetes v1.16: a current cluster answers `no matches for kind \"{kind}\" in version \"{api_version}\"`; kubeplay read it as apps/v1 with {api_version}'s defaults. Write `apiVersion: apps/v1` to be ready for a real cluster."
    ))
}

/// An Ingress of `extensions/v1beta1` or `networking.k8s.io/v1beta1` (removed in v1.22) as
/// `networking.k8s.io/v1`: `serviceName`/`servicePort` become `service.name`/`service.port`,
/// `spec.backend` becomes `spec.defaultBackend`, and a path without `pathType` gets the old
/// versions' default, `ImplementationSpecific`.
fn convert_ingress(value: &mut Value, api_version: &str) -> Option<String> {
    fn backend(b: &mut Value) {
        let Some(b) = b.as_object_mut() else { return };
        let (name, port) = (b.remove("serviceName"), b.remove("servicePort"));
        if name.is_none() && port.is_none() {
            return;
        }
        let name = name.unwrap_or_default();
        let port = match port {
            Some(Value::String(s)) => match s.parse::<i64>() {
                Ok(n) => serde_json::json!({ "number": n }),
                Err(_) => serde_json::json!({ "name": s }),
            },
            Some(n @ Value::Number(_)) => serde_json::json!({ "number": n }),
            _ => serde_json::json!({}),
        };
        b.insert("service".into(), serde_json::json!({ "name": name, "port": port }));
    }
    let obj = value.as_object_mut()?;
    obj.insert("apiVersion".into(), Value::String("networking.k8s.io/v1".into()));
    if let Some(spec) = obj.get_mut("spec").and_then(Value::as_object_mut) {
        if let Some(mut b) = spec.remove("backend") {
            backend(&mut b);
            spec.insert("defaultBackend".into(), b);
        }
        for rule in spec.get_mut("rules").and_then(Value::as_array_mut).into_iter().flatten() {
            for path in rule.pointer_mut("/http/paths").and_then(Value::as_array_mut).into_iter().flatten() {
                if let Some(p) = path.as_object_mut() {
                    p.entry("pathType").or_insert_with(|| "ImplementationSpecific".into());
                    if let Some(b) = p.get_mut("backend") {
                        backend(b);
                    }
                }
            }
        }
    }
    Some(format!(
        "Warning: {api_version} Ingress was removed in Kubernetes v1.22: a current cluster answers `no matches for kind \"Ingress\" in version \"{api_version}\"`; kubeplay read it as networking.k8s.io/v1 (serviceName/servicePort became service.name/service.port). Write `apiVersion: networking.k8s.io/v1` to be ready for a real cluster."
    ))
}

fn describe_json(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = root;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (field, indices) = part.split_once('[').map_or((part, ""), |(f, rest)| (f, rest));
        if !field.is_empty() {
            cur = cur.get(field)?;
        }
        for idx in indices.split('[').filter(|s| !s.is_empty()) {
            cur = cur.get(idx.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(cur)
}

/// The edit distance between two names (insertions, deletions, substitutions).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// The known field an unknown one was probably meant to be: equal but for case, else
/// within two edits (and closer than the name is long), the closest first.
fn did_you_mean<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let score = |k: &str| if k.eq_ignore_ascii_case(unknown) { 0 } else { edit_distance(unknown, k) };
    known.iter().copied().filter(|k| *k != unknown).map(|k| (score(k), k)).filter(|(d, _)| *d <= 2 && *d < unknown.chars().count()).min_by_key(|(d, _)| *d).map(|(_, k)| k)
}

/// One field of a manifest that its kind's type does not model.
struct UnknownField {
    path: String,
    pos: Option<Pos>,
    /// A real Kubernetes field kubeplay does not simulate (else a field no cluster knows).
    unsimulated: bool,
    /// kubeplay's help: the field meant, or where to look up the fields.
    help: String,
}

/// The fields a decode met that the types do not model, in document order, each told
/// apart as real-but-not-simulated (from the schema) or unknown, with the field meant
/// for a typo (from the fields of the type it sits in, and the real ones kubeplay skips).
fn unknown_fields(kind: Kind, unknown: &[(String, crate::decode::FieldNames)], spans: &Spans) -> Vec<UnknownField> {
    let mut out: Vec<UnknownField> = unknown
        .iter()
        .map(|(path, known)| {
            let names: Vec<&str> = path.split('.').map(|p| p.split('[').next().unwrap_or(p)).collect();
            let (name, parent) = names.split_last().map_or(("", &[][..]), |(n, p)| (*n, p));
            let unsimulated = schema::is_unsimulated(kind, parent, name);
            let mut candidates: Vec<&str> = known.to_vec();
            candidates.extend(schema::type_at(kind, parent).map_or(&[][..], |t| t.unsimulated));
            let help = match did_you_mean(name, &candidates) {
                Some(meant) => format!("unknown field; did you mean {meant:?}?"),
                None => format!("unknown field; `kubectl explain {}` lists the fields", [kind.name().to_ascii_lowercase().as_str()].into_iter().chain(parent.iter().copied()).collect::<Vec<_>>().join(".")),
            };
            let pos = spans.keys.get(path).copied().or_else(|| spans.locate(path));
            UnknownField { path: path.clone(), pos, unsimulated, help }
        })
        .collect();
    crate::sorting::sort_by_key(&mut out, |u| u.pos.map(|p| (p.line, p.column)));
    out
}

/// The apiserver's version word for a kind (`v1` for `apps/v1`).
fn version_of(kind: Kind) -> &'static str {
    kind.api_version().rsplit('/').next().unwrap_or("v1")
}

/// Decodes one JSON value of a known kind, turning serde's complaint into a located error.
/// Fields no cluster knows are refused (strict), warned about (warn) or dropped (ignore),
/// as kubectl's `--validate`; real fields kubeplay does not simulate get a note. Returns
/// the object with its warnings and notes.
fn decode(kind: Kind, value: Value, spans: &Spans, file: &str, validation: Validation) -> Result<(Object, Vec<String>), Box<ManifestError>> {
    let (decoded, unknown) = crate::decode::with_known_fields(|| Object::decode(kind, &value));
    let object = match decoded {
        Ok((o, _)) => o,
        Err(e) => return Err(Box::new(type_error(kind, &value, e, spans, file))),
    };
    let fields = unknown_fields(kind, &unknown, spans);
    let located = |u: &UnknownField, message: String, help: Option<String>| ManifestError { file: file.into(), pos: u.pos, path: Some(u.path.clone()), message, help, more: Vec::new() };
    if validation == Validation::Strict {
        let refused: Vec<&UnknownField> = fields.iter().filter(|u| !u.unsimulated).collect();
        if let Some(first) = refused.first() {
            let list: Vec<String> = refused.iter().map(|u| format!("unknown field {:?}", u.path)).collect();
            let message = format!(
                "Error from server (BadRequest): error when creating {file:?}: {kind} in version {:?} cannot be handled as a {kind}: strict decoding error: {}",
                version_of(kind),
                list.join(", ")
            );
            let mut e = located(first, message, Some(first.help.clone()));
            e.more = refused[1..].iter().map(|u| (u.pos, u.path.clone(), u.help.clone())).collect();
            return Err(Box::new(e));
        }
    }
    let kept_note = (!kind.is_simulated()).then(|| {
        let why = match kind {
            Kind::Ingress => "no ingress controller runs in kubeplay, so nothing routes traffic for it",
            Kind::PersistentVolumeClaim => "no volume provisioner runs in kubeplay, so the claim stays Pending and pods that use it run without its storage",
            Kind::StatefulSet | Kind::CronJob => "no controller makes its pods in kubeplay",
            _ => "no kubeplay component acts on it",
        };
        format!("kubeplay: {kind} is stored but not simulated: {why}")
    });
    let notes = kept_note.into_iter().chain(fields
        .iter()
        .filter_map(|u| match (u.unsimulated, validation) {
            (true, _) => Some(ManifestError { path: None, ..located(u, format!("kubeplay: field {:?} is kept but not simulated: a real cluster uses it; here it has no effect", u.path), None) }),
            (false, Validation::Warn) => Some(located(u, format!("Warning: unknown field {:?}", u.path), Some(u.help.clone()))),
            (false, _) => None,
        })
        .map(|e| e.to_string()))
        .collect();
    Ok((object, notes))
}

/// A value of the wrong type, as the apiserver refuses it, located at its field.
fn type_error(kind: Kind, value: &Value, e: crate::decode::DecodeError, spans: &Spans, file: &str) -> ManifestError {
    let path = e.path.clone();
    let inner = e.message.clone();
    let got = lookup(value, &path).map(describe_json).unwrap_or_else(|| "something else".into());
    let expected = inner.split(", expected ").nth(1).map(|s| s.to_string());
    let help = match expected {
        Some(exp) => format!("expected {exp}, got {got}"),
        None => format!("{inner} (got {got})"),
    };
    ManifestError {
        file: file.into(),
        pos: spans.locate(&path),
        path: Some(path.clone()),
        message: format!("Error from server (BadRequest): error when creating {file:?}: {kind} in version {:?} cannot be handled as a {kind}: {inner}", version_of(kind)),
        help: Some(help),
        more: Vec::new(),
    }
}

/// Parses a manifest file: one or more YAML documents, JSON, or a `kind: List`.
/// Returns every object it could decode and every error it found.
pub fn parse_manifest(text: &str, file: &str) -> (Vec<ManifestObject>, Vec<ManifestError>) {
    parse_manifest_with(text, file, false)
}

/// [`parse_manifest`], optionally refusing API versions a current cluster no longer serves
/// (`apps/v1beta1` ...) exactly as such a cluster does, instead of converting them.
pub fn parse_manifest_with(text: &str, file: &str, refuse_removed: bool) -> (Vec<ManifestObject>, Vec<ManifestError>) {
    parse_manifest_validated(text, file, refuse_removed, Validation::Strict)
}

/// [`parse_manifest_with`], treating unknown fields as `--validate` says.
pub fn parse_manifest_validated(text: &str, file: &str, refuse_removed: bool, validation: Validation) -> (Vec<ManifestObject>, Vec<ManifestError>) {
    let docs = match parse_documents(text) {
        Ok(d) => d,
        Err(e) => {
            let err = ManifestError {
                file: file.into(),
                pos: Some(e.pos),
                path: None,
                message: format!("error: error parsing {file}: error converting YAML to JSON: yaml: {}", e.as_kubectl_says(text)),
                help: Some("check the indentation: nested fields go two spaces deeper than their parent, and tabs are not allowed".into()),
                more: Vec::new(),
            };
            return (Vec::new(), vec![err]);
        }
    };
    let (mut objects, mut errors) = (Vec::new(), Vec::new());
    for doc in docs {
        let mut items = vec![(doc.value, String::new())];
        if items[0].0.get("kind").and_then(Value::as_str) == Some("List") {
            let list = items.pop().map(|(v, _)| v).unwrap_or_default();
            items = list.get("items").and_then(Value::as_array).cloned().unwrap_or_default().into_iter().enumerate().map(|(i, v)| (v, format!("items[{i}]."))).collect();
        }
        for (mut value, prefix) in items {
            let source = value.clone();
            let at = |p: &str| doc.spans.locate(&format!("{prefix}{p}")).or(Some(doc.start));
            let kind_name = value.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
            let legacy_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
            let warning = if refuse_removed { None } else { convert_legacy(&mut value, &legacy_version, &kind_name) };
            if legacy_version == "autoscaling/v1" && kind_name == "HorizontalPodAutoscaler" {
                hpa_v1_to_v2(&mut value);
            }
            let api_version = value.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
            if api_version.is_empty() || kind_name.is_empty() {
                let missing: Vec<&str> = [("apiVersion not set", api_version.is_empty()), ("kind not set", kind_name.is_empty())]
                    .into_iter()
                    .filter_map(|(m, b)| b.then_some(m))
                    .collect();
                errors.push(ManifestError {
                    file: file.into(),
                    pos: at(""),
                    path: None,
                    message: format!(
                        "error: error validating {file:?}: error validating data: [{}]; if you choose to ignore these errors, turn validation off with --validate=false",
                        missing.join(", ")
                    ),
                    help: Some("every object starts with `apiVersion:` and `kind:`, e.g. `apiVersion: v1` and `kind: Pod`".into()),
                    more: Vec::new(),
                });
                continue;
            }
            let kind = match Kind::from_kind_name(&kind_name).filter(|k| k.api_version() == api_version) {
                Some(k) => k,
                None => {
                    let name = value.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
                    let ns = value.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or("");
                    let hint = match Kind::from_resource(&kind_name) {
                        Some(k) if k.name() != kind_name => format!("kind names are case-sensitive: did you mean `kind: {}`?", k.name()),
                        Some(k) => format!("{} is served as apiVersion `{}`", k.name(), k.api_version()),
                        None => "no built-in kind has this name; a custom resource needs its CustomResourceDefinition, which kubeplay does not simulate".to_string(),
                    };
                    let message = format!(
                        "error: resource mapping not found for name: {name:?} namespace: {ns:?} from {file:?}: no matches for kind {kind_name:?} in version {api_version:?}\nensure CRDs are installed first"
                    );
                    errors.push(ManifestError { file: file.into(), pos: at("kind"), path: Some("kind".into()), message, help: Some(hint), more: Vec::new() });
                    continue;
                }
            };
            let mut spans = doc.spans.clone();
            if !prefix.is_empty() {
                spans.values = spans.values.into_iter().filter_map(|(k, v)| k.strip_prefix(&prefix).map(|k| (k.to_string(), v))).collect();
                spans.keys = spans.keys.into_iter().filter_map(|(k, v)| k.strip_prefix(&prefix).map(|k| (k.to_string(), v))).collect();
            }
            match decode(kind, value, &spans, file, validation) {
                Ok((object, unknown)) => objects.push(ManifestObject { object, line: at("").map_or(1, |p| p.line), warnings: warning.into_iter().chain(unknown).collect(), source }),
                Err(e) => errors.push(*e),
            }
        }
    }
    (objects, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_several_documents() {
        let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n";
        let (objs, errs) = parse_manifest(text, "app.yaml");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(objs.iter().map(|o| (o.object.kind(), o.object.name().to_string(), o.line)).collect::<Vec<_>>(),
            vec![(Kind::Namespace, "shop".to_string(), 1), (Kind::Pod, "web".to_string(), 6)]);
    }

    #[test]
    fn type_errors_carry_line_column_and_path() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx\n    ports:\n    - containerPort: eighty\n";
        let (objs, errs) = parse_manifest(text, "bad.yml");
        assert!(objs.is_empty());
        let e = &errs[0];
        assert_eq!(e.path.as_deref(), Some("spec.containers[0].ports[0].containerPort"));
        assert_eq!(e.pos, Some(Pos { line: 10, column: 22 }));
        assert!(e.message.starts_with("Error from server (BadRequest): error when creating \"bad.yml\": Pod in version \"v1\" cannot be handled as a Pod"), "{}", e.message);
        let shown = e.to_string();
        assert!(shown.contains("--> bad.yml:10:22: spec.containers[0].ports[0].containerPort: expected i32, got the string \"eighty\""), "{shown}");
    }

    #[test]
    fn unknown_kinds_and_missing_type_meta() {
        let (_, errs) = parse_manifest("apiVersion: v1\nkind: pod\nmetadata:\n  name: x\n", "p.yaml");
        assert!(errs[0].message.contains("no matches for kind \"pod\" in version \"v1\""));
        assert!(errs[0].help.as_deref().unwrap().contains("kind: Pod"));
        assert_eq!(errs[0].pos, Some(Pos { line: 2, column: 7 }));
        let (_, errs) = parse_manifest("metadata:\n  name: x\n", "p.yaml");
        assert!(errs[0].message.contains("[apiVersion not set, kind not set]"));
    }

    #[test]
    fn syntax_errors_never_panic_and_point_at_a_line() {
        let (objs, errs) = parse_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: {}\n", "p.yaml");
        assert!(objs.is_empty());
        assert_eq!(errs[0].pos.map(|p| p.line), Some(5));
        for junk in ["", "---", "- 1\n- 2", "{", "kind: List\nitems: 3", "]["] {
            let _ = parse_manifest(junk, "junk");
        }
    }

    #[test]
    fn workloads_from_2018_are_read_as_apps_v1_with_a_warning() {
        let text = "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: todo\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: todo\n    spec:\n      containers:\n      - name: todo\n        image: johscheuer/todo-app-web:v6\n";
        let (objs, errs) = parse_manifest(text, "todo.yaml");
        assert!(errs.is_empty(), "{errs:?}");
        let Object::Deployment(d) = &objs[0].object else { panic!("a Deployment") };
        assert_eq!(d.api_version, "apps/v1");
        assert_eq!(d.spec.selector.to_string(), "app=todo", "selector from the template's labels");
        assert_eq!(d.spec.revision_history_limit, Some(2), "apps/v1beta1's default");
        assert!(objs[0].warnings[0].contains("no matches for kind \"Deployment\" in version \"apps/v1beta1\""));
        let (_, errs) = parse_manifest(&text.replace("apps/v1beta1", "apps/v1alpha9"), "todo.yaml");
        assert!(errs[0].message.contains("no matches for kind \"Deployment\" in version \"apps/v1alpha9\""), "versions that never existed get the real error");
    }

    const TYPOS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  Labels:\n    app: web\nspec:\n  replica: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        imagePullPolicyy: Always\n        volumeMounts: []\n";

    #[test]
    fn unknown_fields_are_refused_by_default_naming_the_field_meant() {
        let (objs, errs) = parse_manifest(TYPOS, "d.yaml");
        assert!(objs.is_empty());
        assert_eq!(
            errs[0].to_string(),
            "Error from server (BadRequest): error when creating \"d.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: \
             unknown field \"metadata.Labels\", unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"\n  \
             --> d.yaml:5:3: metadata.Labels: unknown field; did you mean \"labels\"?\n  \
             --> d.yaml:8:3: spec.replica: unknown field; did you mean \"replicas\"?\n  \
             --> d.yaml:20:9: spec.template.spec.containers[0].imagePullPolicyy: unknown field; did you mean \"imagePullPolicy\"?",
            "volumeMounts is a real field kubeplay does not simulate: not refused"
        );
        assert_eq!(errs[0].pos, Some(Pos { line: 5, column: 3 }), "the editor marks the first one");
    }

    #[test]
    fn unknown_fields_warn_with_the_field_meant() {
        let (objs, errs) = parse_manifest_validated(TYPOS, "d.yaml", false, Validation::Warn);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            objs[0].warnings,
            vec![
                "Warning: unknown field \"metadata.Labels\"\n  --> d.yaml:5:3: metadata.Labels: unknown field; did you mean \"labels\"?",
                "Warning: unknown field \"spec.replica\"\n  --> d.yaml:8:3: spec.replica: unknown field; did you mean \"replicas\"?",
                // imagePullPolicy is left out of the JSON when unset: the names come from the type, not from a value.
                "Warning: unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"\n  --> d.yaml:20:9: spec.template.spec.containers[0].imagePullPolicyy: unknown field; did you mean \"imagePullPolicy\"?",
                "kubeplay: field \"spec.template.spec.containers[0].volumeMounts\" is kept but not simulated: a real cluster uses it; here it has no effect\n  --> d.yaml:21:9",
            ],
        );
        let (objs, _) = parse_manifest_validated("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    ports:\n    - port: 80\n      targetport: 8080\n      bogus: 1\n", "l.yaml", false, Validation::Warn);
        assert_eq!(
            objs[0].warnings,
            vec![
                "Warning: unknown field \"spec.ports[0].targetport\"\n  --> l.yaml:11:7: spec.ports[0].targetport: unknown field; did you mean \"targetPort\"?",
                "Warning: unknown field \"spec.ports[0].bogus\"\n  --> l.yaml:12:7: spec.ports[0].bogus: unknown field; `kubectl explain service.spec.ports` lists the fields",
            ]
        );
        let (objs, errs) = parse_manifest_validated(TYPOS, "d.yaml", false, Validation::Ignore);
        assert!(errs.is_empty());
        assert_eq!(objs[0].warnings.len(), 1, "only kubeplay's note: {:?}", objs[0].warnings);
    }

    #[test]
    fn validate_values_as_kubectl_reads_them() {
        for (v, want) in [(None, Validation::Strict), (Some("true"), Validation::Strict), (Some("Strict"), Validation::Strict), (Some("warn"), Validation::Warn), (Some("false"), Validation::Ignore), (Some("ignore"), Validation::Ignore)] {
            assert_eq!(Validation::from_flag(v), Ok(want), "{v:?}");
        }
        assert_eq!(Validation::from_flag(Some("yes")), Err("error: invalid - validate option \"yes\"; must be one of: strict (or true), warn, ignore (or false)".into()));
    }

    #[test]
    fn did_you_mean_needs_a_close_name() {
        let known = ["name", "image", "imagePullPolicy", "ports", "env", "envFrom"];
        assert_eq!(did_you_mean("imagePullPolicyy", &known), Some("imagePullPolicy"));
        assert_eq!(did_you_mean("IMAGEPULLPOLICY", &known), Some("imagePullPolicy"), "case differs only");
        assert_eq!(did_you_mean("prots", &known), Some("ports"));
        assert_eq!(did_you_mean("volumes", &known), None);
        assert_eq!(did_you_mean("ev", &known), Some("env"));
        assert_eq!(did_you_mean("xy", &["ab", "ip"]), None, "two edits of a two-letter name say nothing");
        assert_eq!(did_you_mean("envFro", &known), Some("envFrom"), "the closest wins");
    }

    #[test]
    fn lists_and_json() {
        let text = r#"{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}}]}"#;
        let (objs, errs) = parse_manifest(text, "l.json");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(objs.len(), 2);
    }
}
