//! The theme switch in the top bar: light, dark, or the system's (auto), for a trainer whose
//! projector washes out one of them. The choice is kept where the page keeps the learner's
//! work; a link with `?theme=` still opens in its theme, and a choice made there changes the
//! address's `theme` (so a reload or a lesson link keeps it) rather than what is kept.

use crate::lessons::url_param;
use yew::prelude::*;

/// Where the chosen theme is kept between visits (`light` or `dark`; nothing for auto).
pub const THEME_KEY: &str = "kubeplay.theme.v1";

/// How the page looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// As the system is set (`prefers-color-scheme`).
    Auto,
    /// Dark ink on light panels.
    Light,
    /// Light ink on dark panels.
    Dark,
}

impl Theme {
    /// The theme a word names (`light`, `dark`, `auto`); `None` for any other word.
    pub fn parse(word: &str) -> Option<Theme> {
        match word {
            "auto" => Some(Theme::Auto),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The word for it, as `?theme=` and the `data-theme` attribute spell it.
    pub fn word(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// The theme the page opens in: the address's `?theme=` (`light`, `dark` or `auto`) if it
/// names one, else the one chosen here last time, else the system's.
pub fn initial(from_url: Option<&str>) -> Theme {
    from_url
        .and_then(Theme::parse)
        .or_else(|| crate::kept::get_item(&crate::storage_key(THEME_KEY)).as_deref().and_then(Theme::parse))
        .unwrap_or(Theme::Auto)
}

/// Shows the page in `theme` (the `data-theme` attribute of `<html>`, which the stylesheet reads).
pub fn apply(theme: Theme) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let _ = match theme {
        Theme::Auto => root.remove_attribute("data-theme"),
        _ => root.set_attribute("data-theme", theme.word()),
    };
}

/// The theme the page shows now.
fn shown() -> Theme {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("data-theme"))
        .as_deref()
        .and_then(Theme::parse)
        .unwrap_or(Theme::Auto)
}

/// The query string `search` with its `theme` parameter set to `theme` in its place (the
/// other parameters stay as they were written).
pub fn with_theme(search: &str, theme: Theme) -> String {
    let mut set = false;
    let mut parts: Vec<String> = Vec::new();
    for (key, pair) in crate::lessons::query_pairs(search) {
        if key == "theme" {
            if !set {
                parts.push(format!("theme={}", theme.word()));
                set = true;
            }
        } else {
            parts.push(pair.to_string());
        }
    }
    if !set {
        parts.push(format!("theme={}", theme.word()));
    }
    format!("?{}", parts.join("&"))
}

/// Keeps a theme chosen with the switch: in the address when it has `?theme=`, else where
/// the page keeps its work.
fn remember(theme: Theme) {
    if url_param("theme").is_some() {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let (Ok(path), Ok(search), Ok(hash)) = (location.pathname(), location.search(), location.hash()) else { return };
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{}{hash}", with_theme(&search, theme))));
        }
    } else if theme == Theme::Auto {
        crate::kept::remove_item(&crate::storage_key(THEME_KEY));
    } else {
        crate::kept::set_item(&crate::storage_key(THEME_KEY), theme.word());
    }
}

/// The top bar's theme switch: three buttons (light, dark, auto), the one in use pressed.
#[function_component(ThemeSwitch)]
pub fn theme_switch() -> Html {
    let theme = use_state(shown);
    let choose = |t: Theme| {
        let theme = theme.clone();
        Callback::from(move |_: MouseEvent| {
            apply(t);
            remember(t);
            theme.set(t);
        })
    };
    let options = [(Theme::Light, "☀", "Light theme"), (Theme::Dark, "☾", "Dark theme"), (Theme::Auto, "Auto", "Auto: the system's theme (light or dark as the computer is set)")];
    html! {
        <div class="theme-switch" role="group" aria-label="Theme" data-testid="theme">
            { for options.into_iter().map(|(t, mark, label)| html! {
                <button data-theme-choice={t.word()} aria-pressed={(*theme == t).to_string()} aria-label={label} title={label} onclick={choose(t)}>{ mark }</button>
            }) }
        </div>
    }
}
