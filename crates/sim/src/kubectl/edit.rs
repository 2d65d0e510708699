//! `kubectl edit`: the object's YAML opens in the page's editor as a file of its own; the
//! learner changes it and presses Apply, which sends the change as kubectl's edit does
//! when its editor closes.

use super::{fetch, object_value, targets, CommandOutput, Effect, Flags};
use crate::cluster::Cluster;

/// What kubectl prints when edit is given nothing to edit.
pub(super) const NOTHING_TO_EDIT: &str = "error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'
";

/// The editor file `kubectl edit` opens an object in.
fn edit_file(kind: crate::api::Kind, name: &str) -> String {
    format!("edit-{}-{}.yaml", kind.name().to_ascii_lowercase(), name)
}

/// Whether an editor file is one `kubectl edit` opened (its Apply sends the object as edited).
pub fn is_edit_file(file: &str) -> bool {
    file.strip_prefix("edit-").is_some_and(|rest| rest.ends_with(".yaml") && rest.contains('-'))
}

/// `kubectl edit TYPE NAME` / `TYPE/NAME`: an [`Effect::Edit`] with the object's YAML, and a
/// line saying where it opened.
pub fn edit(cluster: &Cluster, f: &Flags) -> CommandOutput {
    let targets = match targets(&f.positional) {
        Ok(t) => t,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let [(kind, name)] = targets.as_slice() else {
        if targets.len() > 1 {
            return CommandOutput::err("error: kubeplay's editor opens one object at a time; name a single object (kubectl edit deployment web)\n".into(), 1);
        }
        return CommandOutput::err(NOTHING_TO_EDIT.into(), 1);
    };
    let object = match fetch(cluster, *kind, &f.namespace(), name) {
        Ok(o) => o,
        Err(e) => return CommandOutput::err(format!("{e}\n"), 1),
    };
    let file = edit_file(*kind, name);
    let mut text = String::from(
        "# kubectl edit: change the object below and press Apply (Ctrl+Enter) to send it.\n# Lines starting with '#' are comments; status is kept by the cluster, not by you.\n#\n",
    );
    text.push_str(&super::yaml_out::to_yaml(&object_value(&object)));
    let shown = if *kind == crate::api::Kind::Pod { "pod".to_string() } else { kind.qualified() };
    let mut out = CommandOutput::ok(format!("{shown}/{name} opened in the editor as {file}: change it, then press Apply\n"));
    out.effects.push(Effect::Edit { file, text });
    out
}
