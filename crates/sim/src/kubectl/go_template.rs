//! kubectl's `-o go-template=TEMPLATE` printer (also `-o template=`, `--template`,
//! `-o go-template-file=FILE`, `-o templatefile=FILE`), after
//! k8s.io/cli-runtime/pkg/printers/template.go as kubectl 1.28 uses it: Go's
//! text/template (Go 1.20) run on the object decoded into `map[string]interface{}`,
//! with kubectl's functions `exists` and `base64decode`, `<no value>` for missing
//! keys (an error with `--allow-missing-template-keys=false`), and kubectl's
//! messages when the template does not parse or fails.
//!
//! The engine is a subset of text/template written for kubeplay: everything but
//! method calls and complex numbers, which JSON data cannot have. Nesting, template
//! calls and the work one run may do are bounded, so any input ends in output or an
//! error.

mod exec;
mod fmt;
mod funcs;
mod lex;
mod literal;
mod parse;
mod value;

#[cfg(test)]
mod kubectl_cases;

use serde_json::Value;

use super::{CommandOutput, Files, Flags};
use crate::kubectl::jsonpath::{as_decoded, go_marshal, go_quote, go_sprint};

/// The output formats this printer serves.
const FORMATS: &[&str] = &["go-template", "go-template-file", "template", "templatefile"];

/// A parsed template.
#[derive(Debug)]
pub struct Template {
    tree: parse::Tree,
}

/// Parses a template as `template.New("output").Funcs(...).Parse(text)` does in
/// kubectl; the error is Go's (`template: output:1: unexpected "}" in operand`).
pub fn parse(text: &str) -> Result<Template, String> {
    parse::parse(text, funcs::NAMES).map(|tree| Template { tree })
}

impl Template {
    /// Runs the template on decoded data (whole numbers as integers): what it printed,
    /// and Go's error if it stopped early (`template: output:1:2: executing ...`).
    pub fn execute(&self, data: &Value, allow_missing_keys: bool) -> (String, Result<(), String>) {
        let mut out = String::new();
        let result = exec::execute(&self.tree, data, !allow_missing_keys, &mut out);
        (out, result)
    }
}

/// Whether `-o` names a printer of this module, bare or with `=ARG`.
pub fn handles(output: &str) -> bool {
    FORMATS.contains(&output.split_once('=').map_or(output, |(format, _)| format))
}

/// The output format `-o` and `--template` ask for together, as kubectl's
/// `PrintFlags.ToPrinter` reads them: `--template` alone means `go-template`; with
/// a bare template format (`-o go-template`, `-o jsonpath`) it is that format's
/// argument. `Err` holds the format no printer matches (`-o go-template=A
/// --template B`), for the caller's "unable to match a printer" message.
pub fn output_format(f: &Flags) -> Result<String, String> {
    let output = f.value("--output").unwrap_or_default();
    let template = f.value("--template").unwrap_or_default();
    if template.is_empty() {
        return Ok(output);
    }
    if output.is_empty() {
        return Ok(format!("go-template={template}"));
    }
    let templated = |o: &str| handles(o) || matches!(o, "jsonpath" | "jsonpath-file" | "jsonpath-as-json");
    match output.split_once('=') {
        None if templated(&output) => Ok(format!("{output}={template}")),
        Some((format, _)) if templated(format) => Err(output),
        _ => Ok(output),
    }
}

/// Prints `found` (one object, or the `List` kubectl wraps several in) with the
/// template `output` names (`go-template=...`, `go-template-file=PATH`, read from
/// `files`). A template that cannot be read or parsed replaces `out` with kubectl's
/// error; one that fails while running leaves what it printed, then kubectl's
/// debugging dump on standard output and the error on standard error.
pub fn print(output: &str, f: &Flags, files: &dyn Files, found: &Value, out: &mut CommandOutput) {
    let (format, arg) = output.split_once('=').unwrap_or((output, ""));
    if arg.is_empty() {
        *out = CommandOutput::err("error: template format specified but no template given\n".into(), 1);
        return;
    }
    let text = if format.ends_with("file") {
        match read_template(files, arg) {
            Ok(t) => t,
            Err(e) => {
                *out = CommandOutput::err(e, 1);
                return;
            }
        }
    } else {
        arg.to_string()
    };
    let template = match parse(&text) {
        Ok(t) => t,
        Err(e) => {
            *out = CommandOutput::err(format!("error: error parsing template {text}, {e}\n"), 1);
            return;
        }
    };
    let data = as_decoded(found);
    let allow_missing_keys = f.bool_or("--allow-missing-template-keys", true);
    let (printed, result) = template.execute(&data, allow_missing_keys);
    out.stdout.push_str(&printed);
    if let Err(e) = result {
        out.stdout.push_str(&format!(
            "Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{text}\n\traw data was:\n\t\t{}\n\tobject given to template engine was:\n\t\t{}\n\n",
            go_marshal(&data),
            go_sprint(&data)
        ));
        out.stderr.push_str(&format!("error: error executing template {}: {e}\n", go_quote(&text)));
        out.exit_code = 1;
    }
}

/// The text of a template file (`-o go-template-file=`, `-o jsonpath-file=`), or
/// kubectl's error reading it.
pub(crate) fn read_template(files: &dyn Files, path: &str) -> Result<String, String> {
    if files.list_dir(path).is_some() {
        return Err(format!("error: error reading --template {path}, read {path}: is a directory\n"));
    }
    files.read(path).map_err(|_| format!("error: error reading --template {path}, open {path}: no such file or directory\n"))
}

#[cfg(test)]
mod tests;
