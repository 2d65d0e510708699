//! The virtual clock and its controls: play/pause, speed, step to the next event.

use kubeplay_sim::clock::Time;
use yew::prelude::*;

/// Speeds the learner can pick (virtual seconds per wall second).
pub const SPEEDS: [u32; 4] = [1, 10, 60, 300];

/// What [`time_controls`] shows and whom it tells.
pub struct TimeControlsProps {
    /// The cluster's virtual time.
    pub now: Time,
    /// Whether time is running.
    pub playing: bool,
    /// The current speed factor.
    pub speed: u32,
    /// Play or pause.
    pub on_toggle: Callback<()>,
    /// A new speed was chosen.
    pub on_speed: Callback<u32>,
    /// Jump to the next event.
    pub on_step: Callback<()>,
    /// The cluster went back to an earlier moment (rewind or a checkpoint).
    pub on_rewound: Callback<Time>,
}

/// The clock bar in the page header (a plain function, not a component: it keeps no state, and each component type costs the
/// page's wasm a few KiB of Yew's machinery).
pub fn time_controls(props: &TimeControlsProps) -> Html {
    let clock = props.now.rfc3339();
    let clock = clock.get(11..19).unwrap_or("").to_string();
    let toggle = props.on_toggle.reform(|_: MouseEvent| ());
    let step = props.on_step.reform(|_: MouseEvent| ());
    let on_speed = props.on_speed.clone();
    let change = Callback::from(move |e: Event| {
        let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
        if let Ok(s) = v.parse() {
            on_speed.emit(s);
        }
    });
    html! {
        <div class="time-controls">
            <span class="clock" data-testid="clock" title="Virtual time in the cluster">{ clock }</span>
            <button data-testid="play-pause" onclick={toggle} aria-label={ if props.playing { "Pause" } else { "Play" } }>
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button data-testid="step" onclick={step} disabled={props.playing} title="Jump to the next thing that happens">{"Step ▸"}</button>
            <super::Rewind now={props.now} on_rewound={props.on_rewound.clone()} />
            <label class="speed">
                <span>{"speed"}</span>
                <select data-testid="speed" onchange={change} aria-label="Speed">
                    { for SPEEDS.iter().map(|s| html! { <option value={s.to_string()} selected={*s == props.speed}>{ format!("{s}×") }</option> }) }
                </select>
            </label>
        </div>
    }
}
