//! "Share": the `<iframe>` snippet that puts this playground (one view, a lesson step)
//! on a slide, ready to copy.

use crate::lessons::url_param;
use crate::ClusterHandle;
use yew::prelude::*;

/// The views an embedded page can show alone.
const VIEWS: [(&str, &str); 4] = [("map", "Cluster map"), ("console", "Console"), ("lesson", "Lesson"), ("", "Whole page")];

/// The snippet for an iframe showing `view` (empty: the whole page) of the page at `base`,
/// keeping the open lesson and step.
pub fn embed_snippet(base: &str, view: &str, lesson: Option<&str>, step: Option<&str>) -> String {
    let mut query = vec!["embed".to_string()];
    if !view.is_empty() {
        query.push(format!("view={view}"));
    }
    if let Some(l) = lesson {
        query.push(format!("lesson={l}"));
    }
    if let Some(s) = step {
        query.push(format!("step={s}"));
    }
    format!("<iframe src=\"{base}?{}\" width=\"960\" height=\"540\" style=\"border:0\" title=\"kubeplay\"></iframe>", query.join("&amp;"))
}

/// The Share button and its panel.
#[function_component(Share)]
pub fn share() -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let open = use_state(|| false);
    // The share link once made, or why it could not be.
    let link = use_state(|| None::<Result<String, String>>);
    let view = use_state(|| "map".to_string());
    let copied = use_state(|| false);
    let base = web_sys::window().and_then(|w| w.location().href().ok()).map(|h| h.split(['?', '#']).next().unwrap_or_default().to_string()).unwrap_or_default();
    let snippet = embed_snippet(&base, &view, url_param("lesson").as_deref(), url_param("step").as_deref());
    let toggle = {
        let (open, copied, link) = (open.clone(), copied.clone(), link.clone());
        Callback::from(move |_: MouseEvent| {
            open.set(!*open);
            copied.set(false);
            link.set(None);
        })
    };
    let make_link = {
        let (client, link) = (client.clone(), link.clone());
        Callback::from(move |_: MouseEvent| {
            let (client, link) = (client.clone(), link.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let made = match client.0.share().await {
                    Ok(log) => crate::share_link::encode(&log).await,
                    Err(e) => Err(e.message),
                };
                let made = made.map(|packed| {
                    let href = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
                    let url = format!("{}#s={packed}", href.split('#').next().unwrap_or_default());
                    if let Some(w) = web_sys::window() {
                        let _ = w.navigator().clipboard().write_text(&url);
                    }
                    url
                });
                link.set(Some(made));
            });
        })
    };
    let pick = {
        let (view, copied) = (view.clone(), copied.clone());
        Callback::from(move |e: Event| {
            view.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value());
            copied.set(false);
        })
    };
    let copy = {
        let (snippet, copied) = (snippet.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(clipboard) = web_sys::window().map(|w| w.navigator().clipboard()) {
                let _ = clipboard.write_text(&snippet);
                copied.set(true);
            }
        })
    };
    html! {
        <div class="share">
            <button data-testid="share" onclick={toggle} aria-expanded={open.to_string()}>{"Share"}</button>
            if *open {
                <div class="share-panel" data-testid="share-panel">
                    <div class="actions">
                        <button data-testid="share-link" onclick={make_link}>{"Copy a link to this cluster"}</button>
                        <span class="muted">{"Replays everything you did, at the same moments."}</span>
                    </div>
                    { match &*link {
                        Some(Ok(url)) => html! { <input data-testid="share-url" readonly=true value={url.clone()} /> },
                        Some(Err(e)) => html! { <p class="err-text" data-testid="share-error">{ e.clone() }</p> },
                        None => html! {},
                    } }
                    <label>{"Embed in slides: "}
                        <select data-testid="embed-view" onchange={pick}>
                            { for VIEWS.iter().map(|(v, label)| html! { <option value={*v} selected={*v == view.as_str()}>{ *label }</option> }) }
                        </select>
                    </label>
                    <textarea data-testid="embed-code" readonly=true value={snippet} rows="4" />
                    <div class="actions">
                        <button class="primary" data-testid="copy-embed" onclick={copy}>{ if *copied { "Copied ✓" } else { "Copy embed code" } }</button>
                        <span class="muted">{"Add "}<code>{"&autoplay"}</code>{" to start the clock, "}<code>{"&speed=10"}</code>{" to run faster."}</span>
                    </div>
                </div>
            }
        </div>
    }
}
