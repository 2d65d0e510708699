//! The `Volumes:` section and each container's `Mounts:` in `describe pod` and pod
//! templates (describe.go describeVolumes, describeContainerVolumes). Volumes are real
//! fields kubeplay keeps without simulating, so they are read from the kept JSON.

use super::Out;
use crate::api::KeptFields;
use serde_json::Value;

fn list<'a>(kept: Option<&'a KeptFields>, path: &str) -> &'a [Value] {
    kept.and_then(|k| k.get(path)).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// `Volumes:→<none>`, or each volume's name and source; `template` indents as a pod
/// template does (the title two spaces in, the names one more space).
pub(super) fn volumes(w: &mut Out, kept: Option<&KeptFields>, template: bool) {
    let (space, name_pad) = if template { ("  ", " ") } else { ("", "") };
    let vols = list(kept, "spec.volumes");
    if vols.is_empty() {
        w.line(0, format!("{space}Volumes:\t<none>"));
        return;
    }
    w.line(0, format!("{space}Volumes:"));
    for v in vols {
        w.line(1, format!("{name_pad}{}:", text(v, "name")));
        source(w, 2, v);
    }
}

/// The `Type:` line and the details of one volume's source.
fn source(w: &mut Out, level: usize, v: &Value) {
    let mut line = |t: String| w.line(level, t);
    if let Some(cm) = v.get("configMap") {
        line("Type:\tConfigMap (a volume populated by a ConfigMap)".into());
        line(format!("Name:\t{}", text(cm, "name")));
        line(format!("Optional:\t{}", flag(cm, "optional")));
    } else if let Some(s) = v.get("secret") {
        line("Type:\tSecret (a volume populated by a Secret)".into());
        line(format!("SecretName:\t{}", text(s, "secretName")));
        line(format!("Optional:\t{}", flag(s, "optional")));
    } else if let Some(e) = v.get("emptyDir") {
        line("Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)".into());
        line(format!("Medium:\t{}", text(e, "medium")));
        let limit = e.get("sizeLimit").map_or_else(|| "<unset>".to_string(), |l| l.as_str().map_or_else(|| l.to_string(), str::to_string));
        line(format!("SizeLimit:\t{limit}"));
    } else if let Some(c) = v.get("persistentVolumeClaim") {
        line("Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)".into());
        line(format!("ClaimName:\t{}", text(c, "claimName")));
        line(format!("ReadOnly:\t{}", flag(c, "readOnly")));
    } else if let Some(h) = v.get("hostPath") {
        line("Type:\tHostPath (bare host directory volume)".into());
        line(format!("Path:\t{}", text(h, "path")));
        line(format!("HostPathType:\t{}", text(h, "type")));
    } else if let Some(d) = v.get("downwardAPI") {
        line("Type:\tDownwardAPI (a volume populated by information about the pod)".into());
        line("Items:".into());
        for item in d.get("items").and_then(Value::as_array).into_iter().flatten() {
            let from = item.pointer("/fieldRef/fieldPath").or_else(|| item.pointer("/resourceFieldRef/resource")).and_then(Value::as_str).unwrap_or("");
            line(format!("  {from} -> {}", text(item, "path")));
        }
    } else {
        let kind = v.as_object().and_then(|m| m.keys().find(|k| *k != "name")).map_or("<unknown>", String::as_str);
        line(format!("Type:\t{kind} (kept by kubeplay, not simulated)"));
    }
}

/// A container's `Mounts:`: `<path> from <volume> (ro|rw[,path="<sub>"])`, by path.
pub(super) fn mounts(w: &mut Out, kept: Option<&KeptFields>, container: usize) {
    let mut lines: Vec<(String, String)> = list(kept, &format!("spec.containers[{container}].volumeMounts"))
        .iter()
        .map(|m| {
            let mode = if flag(m, "readOnly") { "ro" } else { "rw" };
            let sub = match text(m, "subPath") {
                "" => String::new(),
                s => format!(",path=\"{s}\""),
            };
            (text(m, "mountPath").to_string(), format!("{} from {} ({mode}{sub})", text(m, "mountPath"), text(m, "name")))
        })
        .collect();
    if lines.is_empty() {
        w.line(2, "Mounts:\t<none>");
        return;
    }
    crate::sorting::sort(&mut lines);
    w.line(2, "Mounts:");
    for (_, l) in lines {
        w.line(3, l);
    }
}
