//! "Share": the `<iframe>` snippet that puts this playground (one view, a lesson step)
//! on a slide, ready to copy.

use crate::lessons::url_param;
use crate::ClusterHandle;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Offers `text` as a file download named `name`.
fn download(name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "the browser could not make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "the browser could not make the file")?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(|_| "no link")?.dyn_into().map_err(|_| "no link")?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

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
    // Save everything the page keeps to a file, or open such a file (then the page reloads).
    let file_message = use_state(|| None::<String>);
    let save_file = {
        let file_message = file_message.clone();
        Callback::from(move |_: MouseEvent| {
            let text = crate::state_file::export(&crate::state_file::stored_items());
            file_message.set(download("kubeplay-state.json", &text).err());
        })
    };
    let open_file = {
        let file_message = file_message.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            let file_message = file_message.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string()).unwrap_or_default();
                let restored = match crate::state_file::import(&text) {
                    Ok(items) => crate::state_file::restore_items(&items).await,
                    Err(e) => Err(e),
                };
                match restored {
                    Ok(()) => {
                        if let Some(w) = web_sys::window() {
                            let _ = w.location().reload();
                        }
                    }
                    Err(message) => file_message.set(Some(message)),
                }
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
    let (button, onkeydown) = crate::hooks::use_escape_closes(&open);
    html! {
        <div class="share" {onkeydown}>
            <button ref={button} data-testid="share" onclick={toggle} aria-expanded={open.to_string()}>{"Share"}</button>
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
                    <div class="actions">
                        <button data-testid="save-file" onclick={save_file}>{"Save to a file"}</button>
                        <label class="file-button">{"Open a saved file"}<input type="file" accept=".json,application/json" data-testid="open-file" onchange={open_file} /></label>
                    </div>
                    if let Some(m) = &*file_message {
                        <p class="err-text" data-testid="file-error" role="alert">{ m.clone() }</p>
                    }
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
