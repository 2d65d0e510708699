//! Drawings of the kernel state a demo made: the namespace table with inode
//! numbers and the veth cable, a cgroup gauge, the overlay layer stack with
//! the files that moved, the capability grid, the jail's files and the OCI
//! bundle's config.

use kubeplay_lab::{Controller, KernelState, Layer, LayerEntry, LayerEntryKind};
use yew::prelude::*;

/// Bytes in a short human form (`32.0 MiB`).
pub fn bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / f64::from(1u32 << 20)),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// The drawing for one kernel state (a plain function, not a component: it has no state of
/// its own, and each component type costs the page's wasm a few KiB of Yew's machinery).
pub fn drawing(state: &KernelState) -> Html {
    match state {
        KernelState::Jail { files } => jail(files),
        KernelState::Namespaces { rows, veth } => html! {
            <figure class="lab-figure" data-testid="lab-drawing" data-kind="namespaces">
                <table class="ns-table">
                    <thead><tr><th>{"namespace"}</th><th>{"host inode"}</th><th>{"run's inode"}</th><th></th></tr></thead>
                    <tbody>
                        { for rows.iter().map(|r| {
                            let own = r.host != r.container;
                            html! {
                                <tr data-testid="ns-row" data-kind={r.kind.clone()} class={if own { "own" } else { "shared" }}>
                                    <td class="mono">{ r.kind.clone() }</td>
                                    <td class="mono">{ r.host }</td>
                                    <td class="mono">{ r.container }</td>
                                    <td>{ if own { "its own" } else { "shared with the host" } }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                if let Some((a, b)) = veth {
                    <div class="veth" data-testid="veth">
                        <span class="ns-box">{"the run's network namespace"}<br /><code>{ format!("veth0 {a}") }</code></span>
                        <span class="cable" aria-hidden="true"></span>
                        <span class="ns-box">{"a second namespace"}<br /><code>{ format!("veth1 {b}") }</code></span>
                    </div>
                }
            </figure>
        },
        KernelState::Cgroup { controller, limit, used, events } => {
            let (used_text, limit_text, events_text) = match controller {
                Controller::Memory => (bytes(*used), bytes(*limit), format!("OOM kills: {events}")),
                Controller::Cpu => (format!("{used} % of a CPU"), format!("{limit} %"), format!("throttled periods: {events}")),
                Controller::Pids => (crate::counted(*used, "process", "processes"), crate::counted(*limit, "process", "processes"), format!("failed forks: {events}")),
            };
            let share = if *limit == 0 { 0.0 } else { (*used as f64 / *limit as f64 * 100.0).min(100.0) };
            html! {
                <figure class="lab-figure" data-testid="lab-drawing" data-kind="cgroup">
                    <div class="gauge-label"><span>{ format!("used at most {used_text}") }</span><span>{ format!("limit {limit_text}") }</span></div>
                    <div class="gauge" role="meter" aria-valuenow={format!("{share:.0}")} aria-valuemin="0" aria-valuemax="100">
                        <div class={classes!("gauge-fill", (share >= 99.0).then_some("full"))} style={format!("width: {share:.1}%")}></div>
                    </div>
                    <figcaption data-testid="cgroup-events">{ events_text }</figcaption>
                </figure>
            }
        }
        KernelState::Overlay { layers, lower_unchanged } => html! {
            <figure class="lab-figure" data-testid="lab-drawing" data-kind="overlay">
                <div class="layers">{ for layers.iter().map(|l| layer(l, layers)) }</div>
                <figcaption>{ if *lower_unchanged { "The image layers are unchanged after the run." } else { "An image layer changed!" } }</figcaption>
            </figure>
        },
        KernelState::Capabilities { trials } => html! {
            <figure class="lab-figure" data-testid="lab-drawing" data-kind="capabilities">
                <table class="caps-table">
                    <thead><tr><th>{"action"}</th><th>{"capability"}</th><th>{"with it"}</th><th>{"without it"}</th></tr></thead>
                    <tbody>
                        { for trials.chunks(2).map(|pair| {
                            let with = pair.iter().find(|t| t.kept).map(|t| t.allowed);
                            let without = pair.iter().find(|t| !t.kept).map(|t| t.allowed);
                            let cell = |allowed: Option<bool>| match allowed {
                                Some(true) => html! { <td class="allowed">{"✓ allowed"}</td> },
                                Some(false) => html! { <td class="denied">{"✗ denied"}</td> },
                                None => html! { <td></td> },
                            };
                            html! {
                                <tr data-testid="cap-row">
                                    <td>{ pair[0].action.clone() }</td>
                                    <td class="mono">{ pair[0].capability.clone() }</td>
                                    { cell(with) }{ cell(without) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </figure>
        },
        KernelState::Oci { runtime, version, config } => html! {
            <figure class="lab-figure" data-testid="lab-drawing" data-kind="oci">
                <figcaption>{ format!("{version}: the bundle's config.json") }</figcaption>
                <details>
                    <summary>{ format!("config.json given to {runtime}") }</summary>
                    <pre class="terminal">{ config.clone() }</pre>
                </details>
            </figure>
        },
        KernelState::None => html! {},
    }
}

fn jail(files: &[LayerEntry]) -> Html {
    html! {
        <figure class="lab-figure" data-testid="lab-drawing" data-kind="jail">
            <figcaption>{"The jail as the host sees it: every file the jailed shell can reach"}</figcaption>
            <ul class="file-list">
                { for files.iter().map(|f| html! {
                    <li class={if f.kind == LayerEntryKind::Dir { "dir" } else { "file" }}>
                        <code>{ f.path.clone() }</code>
                        if f.kind == LayerEntryKind::File { <span class="muted">{ format!(" {}", bytes(f.size)) }</span> }
                    </li>
                }) }
            </ul>
        </figure>
    }
}

/// One layer box; in the container layer, files that also exist below are marked as copied up.
fn layer(l: &Layer, all: &[Layer]) -> Html {
    let below = |path: &str| all.iter().filter(|o| !o.writable).any(|o| o.entries.iter().any(|e| e.path == path && e.kind == LayerEntryKind::File));
    html! {
        <div class={classes!("layer", l.writable.then_some("writable"))} data-testid="layer">
            <div class="layer-name">{ l.name.clone() }{ if l.writable { " · read-write" } else { " · read-only" } }</div>
            <ul>
                { for l.entries.iter().filter(|e| e.kind != LayerEntryKind::Dir).map(|e| {
                    let (class, note) = match e.kind {
                        LayerEntryKind::Whiteout => ("whiteout", " whiteout: hides the file below"),
                        LayerEntryKind::Opaque => ("opaque", " opaque directory"),
                        LayerEntryKind::File if l.writable && below(&e.path) => ("copied-up", " copied up, then changed"),
                        LayerEntryKind::File if l.writable => ("new", " new"),
                        _ => ("", ""),
                    };
                    html! { <li class={class} data-testid="layer-entry" data-kind={class}><code>{ e.path.clone() }</code><span class="muted">{ note }</span></li> }
                }) }
                if l.omitted > 0 { <li class="muted">{ format!("… and {} more", l.omitted) }</li> }
            </ul>
        </div>
    }
}
