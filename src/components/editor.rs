//! The manifest editor: the learner's YAML, kept across reloads, applied to
//! the cluster with the same report `kubectl apply -f` gives.

use crate::ClusterHandle;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// Where the editor text is kept between visits.
const STORAGE_KEY: &str = "kubeplay.editor.v1";

/// The manifest a first visit starts with.
pub const EXAMPLE_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
    ports:
    - containerPort: 80
";

fn load_text() -> String {
    crate::local_storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).unwrap_or_else(|| EXAMPLE_POD.to_string())
}

/// One line of the apply report.
#[derive(Clone, PartialEq)]
enum ReportLine {
    Ok(String),
    Warning(String),
    Error(String),
}

/// A textarea for manifests with an Apply button and the result underneath.
#[function_component(Editor)]
pub fn editor() -> Html {
    let client = use_context::<ClusterHandle>().expect("ClusterHandle context is provided by the app");
    let text = use_state(load_text);
    let report = use_state(Vec::<ReportLine>::new);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            if let Some(s) = crate::local_storage() {
                let _ = s.set_item(STORAGE_KEY, &value);
            }
            text.set(value);
        })
    };
    let on_apply = {
        let (text, report) = (text.clone(), report.clone());
        Callback::from(move |_: MouseEvent| {
            let (client, text, report) = (client.clone(), (*text).clone(), report.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let lines = match client.0.apply(&text, "editor.yaml").await {
                    Ok(r) => {
                        let mut lines: Vec<ReportLine> = r.warnings.into_iter().map(ReportLine::Warning).collect();
                        lines.extend(r.applied.iter().map(|a| ReportLine::Ok(a.line())));
                        lines.extend(r.errors.into_iter().map(ReportLine::Error));
                        if lines.is_empty() {
                            lines.push(ReportLine::Error("error: no objects passed to apply".into()));
                        }
                        lines
                    }
                    Err(e) => vec![ReportLine::Error(e.to_string())],
                };
                report.set(lines);
            });
        })
    };
    let on_reset = {
        let (text, report) = (text.clone(), report.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(s) = crate::local_storage() {
                let _ = s.remove_item(STORAGE_KEY);
            }
            text.set(EXAMPLE_POD.to_string());
            report.set(Vec::new());
        })
    };
    html! {
        <section class="editor">
            <header class="panel-head">
                <h2>{"Manifest"}</h2>
                <div class="actions">
                    <button class="ghost" onclick={on_reset} title="Replace the text with the example Pod">{"Example"}</button>
                    <button class="primary" data-testid="apply" onclick={on_apply}>{"Apply"}</button>
                </div>
            </header>
            <textarea data-testid="editor" spellcheck="false" aria-label="Manifest (YAML or JSON)"
                value={(*text).clone()} oninput={on_input} />
            <ul class="report" data-testid="apply-report" aria-live="polite">
                { for report.iter().map(|l| match l {
                    ReportLine::Ok(t) => html! { <li class="ok">{ t }</li> },
                    ReportLine::Warning(t) => html! { <li class="warning"><pre>{ t }</pre></li> },
                    ReportLine::Error(t) => html! { <li class="error"><pre>{ t }</pre></li> },
                }) }
            </ul>
        </section>
    }
}
