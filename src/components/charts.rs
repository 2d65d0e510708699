//! Charts over virtual time: for each HorizontalPodAutoscaler its replicas (desired, current
//! and ready) and its metric
//! against the target, with the replica formula worked out on the latest numbers; for a
//! running load its request and error rates and its latency percentiles; and the
//! cluster's pods. Drawn as small SVG line charts from the simulator's time series.

use crate::hooks::use_objects;
use crate::ClusterHandle;
use kubeplay_sim::api::{HorizontalPodAutoscaler, Kind};
use kubeplay_sim::clock::Time;
use kubeplay_sim::series::{hpa_series_prefix, Series};
use kubeplay_sim::small_map::SmallMap;
use yew::prelude::*;

/// How much time a chart spans, in milliseconds (the last ten minutes).
const WINDOW_MS: i64 = 10 * 60 * 1000;
/// How old, in milliseconds, a series' newest sample may be and still be its value now: the
/// cluster samples every 5 s and a load every second, so an older sample means the series
/// has stopped (a load that ended) and its last value is no longer what happens.
const FRESH_MS: i64 = 30_000;
const WIDTH: f64 = 400.0;
const HEIGHT: f64 = 110.0;

/// One line of a chart: its label, its CSS class (colour) and its points.
struct Line<'a> {
    label: &'a str,
    class: &'static str,
    series: Option<&'a Series>,
}

/// The largest value shown, rounded up to a readable scale.
fn scale(max: f64) -> f64 {
    let max = max.max(1.0) * 1.1;
    let step = 10f64.powf(max.log10().floor());
    (max / step).ceil() * step
}

/// An SVG line chart of the last [`WINDOW_MS`] up to `now`.
fn chart(title: &str, unit: &str, lines: &[Line<'_>], now: Time) -> Html {
    let start = now.0 - WINDOW_MS;
    let visible = |s: &Series| s.points.iter().filter(|(t, _)| t.0 >= start).map(|p| p.1).fold(0.0f64, f64::max);
    let top = scale(lines.iter().filter_map(|l| l.series).map(visible).fold(0.0, f64::max));
    let x = |t: Time| ((t.0 - start) as f64 / WINDOW_MS as f64 * WIDTH).clamp(0.0, WIDTH);
    let y = |v: f64| HEIGHT - (v / top * HEIGHT).clamp(0.0, HEIGHT);
    let polyline = |s: &Series| s.points.iter().filter(|(t, _)| t.0 >= start).map(|(t, v)| format!("{:.1},{:.1}", x(*t), y(*v))).collect::<Vec<_>>().join(" ");
    // The value now, if the series is still recorded; a dash if it stopped.
    let latest = |s: &Series| s.points.last().map(|&(t, v)| if now.0 - t.0 <= FRESH_MS { format!(" {}", with_unit(v, unit)) } else { " \u{2013}".to_string() });
    html! {
        <figure class="chart" data-testid="chart" data-title={title.to_string()}>
            <figcaption>
                <span class="chart-title">{ title }</span>
                { for lines.iter().map(|l| html! {
                    <span class={classes!("legend", l.class)}>{ l.label }{ l.series.and_then(latest).unwrap_or_default() }</span>
                }) }
            </figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none" role="img" aria-label={title.to_string()}>
                <line class="grid" x1="0" x2={WIDTH.to_string()} y1={(HEIGHT / 2.0).to_string()} y2={(HEIGHT / 2.0).to_string()} />
                { for lines.iter().filter_map(|l| l.series.map(|s| html! { <polyline class={l.class} points={polyline(s)} /> })) }
            </svg>
            <div class="axis"><span>{"10 min ago"}</span><span class="scale">{ format!("0 to {} {unit}", number(top)) }</span><span>{"now"}</span></div>
        </figure>
    }
}

/// A legend's value with its chart's unit, so it reads alone (`cpu 38%`, `sent 75/s`,
/// `p99 181.8 ms`); counts of pods stay bare numbers.
fn with_unit(v: f64, unit: &str) -> String {
    match unit {
        "%" | "/s" => format!("{}{unit}", number(v)),
        "ms" => format!("{} ms", number(v)),
        _ => number(v),
    }
}

/// A value as the charts print it: whole numbers plain, others with one decimal.
fn number(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{}", v.round() as i64) } else { format!("{v:.1}") }
}

/// The replica formula written out on the latest numbers of the first metric
/// (kube-semantics §7.3), as a guide to the controller's arithmetic: the controller also
/// counts only ready pods, takes the largest proposal of several metrics and limits how
/// fast it scales, which the text says.
fn formula(hpa: &HorizontalPodAutoscaler) -> String {
    let current = hpa.status.current_replicas;
    let Some(reading) = hpa.first_metric_reading() else { return String::new() };
    let (goal, unit) = (reading.target.unwrap_or(0.0), if reading.percent { "%" } else { "" });
    let Some(value) = reading.current.filter(|_| goal > 0.0 && current > 0) else { return waiting(hpa, reading.name) };
    let ratio = value / goal;
    let (min, max) = (hpa.spec.min_replicas.unwrap_or(1), hpa.spec.max_replicas);
    let head = format!("{} {}{unit} / target {}{unit} = ratio {ratio:.2}", reading.name, number(value), number(goal));
    if (ratio - 1.0).abs() <= 0.1 {
        return format!("{head}: within the 0.1 tolerance, so it keeps {current}. Desired: {}.", hpa.status.desired_replicas);
    }
    let proposal = (ratio * f64::from(current)).ceil() as i32;
    let bounded = proposal.clamp(min, max);
    let clamp = if bounded != proposal { format!(", kept within {min}..{max}: {bounded}") } else { String::new() };
    format!("{head}; ceil({ratio:.2} × {}) = {proposal}{clamp}. {}", crate::counted(current.max(0) as u64, "pod", "pods"), decision(hpa, bounded))
}

/// The formula's last sentence: what the controller wants and, when that is not the
/// formula's result, why, as its conditions say (the scale-down stabilization window keeps
/// pods after a dip; the scale-up rate limits how many it adds at once).
fn decision(hpa: &HorizontalPodAutoscaler, formula: i32) -> String {
    let desired = hpa.status.desired_replicas;
    if desired == formula {
        return format!("The controller wants {desired}.");
    }
    let reason = |type_: &str| hpa.status.conditions.iter().find(|c| c.type_ == type_ && c.status == "True").and_then(|c| c.reason.as_deref());
    let window = |rules: Option<&kubeplay_sim::api::HpaScalingRules>, default: i32| rules.and_then(|r| r.stabilization_window_seconds).unwrap_or(default);
    let behavior = hpa.spec.behavior.as_ref();
    match (reason("AbleToScale"), reason("ScalingLimited")) {
        (Some("ScaleDownStabilized"), _) => format!(
            "The controller wants {desired}, not {formula}: it scales down only to the highest result of the last {} (its scale-down stabilization window), so a short dip does not remove pods.",
            seconds(window(behavior.and_then(|b| b.scale_down.as_ref()), 300))
        ),
        (Some("ScaleUpStabilized"), _) => format!(
            "The controller wants {desired}, not {formula}: it scales up only to the lowest result of the last {} (its scale-up stabilization window).",
            seconds(window(behavior.and_then(|b| b.scale_up.as_ref()), 0))
        ),
        (_, Some("ScaleUpLimit")) => format!("The controller wants {desired}, not {formula}: it adds pods only so fast (by default, every 15 s, at most double the pods or 4 more, whichever is more)."),
        (_, Some("ScaleDownLimit")) => format!("The controller wants {desired}, not {formula}: its scale-down policy removes pods only so fast."),
        _ => format!("The controller wants {desired} (it counts ready pods only and takes the largest result of several metrics)."),
    }
}

/// A window in seconds as the formula says it: `5 minutes`, `90 s`.
fn seconds(s: i32) -> String {
    match s {
        60 => "minute".to_string(),
        s if s > 60 && s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} s"),
    }
}

/// Why an autoscaler has no metric yet: its ScalingActive condition's message when it says
/// (with the fix for the commonest cause), else that the first metrics are on their way.
fn waiting(hpa: &HorizontalPodAutoscaler, metric: &str) -> String {
    let failing = hpa.status.conditions.iter().find(|c| c.type_ == "ScalingActive" && c.status == "False").and_then(|c| c.message.clone());
    match failing {
        Some(message) if message.contains("missing request for") => {
            format!("No {metric} figure: {message}. Utilization is a share of the pods' requests, so give them one, e.g. kubectl set resources deployment {} --requests={metric}=100m.", hpa.spec.scale_target_ref.name)
        }
        Some(message) => format!("No {metric} figure: {message}."),
        None => format!("Waiting for the first {metric} metrics."),
    }
}

/// Properties of [`Charts`].
#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// Virtual time: the charts read their series again when it moves.
    pub now: Time,
}

/// The charts view: autoscalers, load, pods.
#[function_component(Charts)]
pub fn charts(props: &ChartsProps) -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let hpas = use_objects(Kind::HorizontalPodAutoscaler);
    let series = use_state(SmallMap::<String, Series>::new);
    let prefixes: Vec<String> = hpas.objects.keys().map(|(ns, name)| hpa_series_prefix(ns, name)).collect();
    {
        let series = series.clone();
        use_effect_with((props.now, prefixes), move |(_, prefixes)| {
            let mut names: Vec<String> = ["load.requests", "load.errors", "load.latency.p50", "load.latency.p99", "pods.running", "pods.pending"].map(String::from).to_vec();
            for p in prefixes {
                names.extend(["desired", "current", "ready", "metric", "target"].map(|s| format!("{p}/{s}")));
            }
            wasm_bindgen_futures::spawn_local(async move {
                let mut got = SmallMap::new();
                for name in names {
                    if let Ok(s) = client.0.series(&name).await {
                        if !s.points.is_empty() {
                            got.insert(name, s);
                        }
                    }
                }
                series.set(got);
            });
        });
    }
    let get = |name: &str| series.get(name);
    let now = props.now;
    let autoscalers = hpas.objects.iter().filter_map(|((ns, name), o)| o.as_hpa().map(|h| (ns, name, h))).map(|(ns, name, hpa)| {
        let p = hpa_series_prefix(ns, name);
        let (metric_name, unit) = hpa.first_metric_reading().map_or(("cpu", "%"), |r| (r.name, if r.percent { "%" } else { "" }));
        html! {
            <section class="chart-group" data-testid="hpa-charts" data-name={name.clone()}>
                <h3>{ format!("HorizontalPodAutoscaler {name}") }<span class="badge">{ ns }</span></h3>
                { chart("Replicas", "pods", &[
                    Line { label: "desired", class: "c-desired", series: get(&format!("{p}/desired")) },
                    Line { label: "current", class: "c-scaled", series: get(&format!("{p}/current")) },
                    Line { label: "ready", class: "c-current", series: get(&format!("{p}/ready")) },
                ], now) }
                { chart(&format!("{metric_name} against target"), unit, &[
                    Line { label: metric_name, class: "c-metric", series: get(&format!("{p}/metric")) },
                    Line { label: "target", class: "c-target", series: get(&format!("{p}/target")) },
                ], now) }
                <p class="formula" data-testid="hpa-formula">{ formula(hpa) }</p>
            </section>
        }
    }).collect::<Html>();
    let load = get("load.requests").is_some();
    // Whether a load still runs: its requests are still counted.
    let load_running = get("load.requests").and_then(|s| s.points.last()).is_some_and(|(t, _)| now.0 - t.0 <= FRESH_MS);
    html! {
        <div class="charts" data-testid="charts">
            { autoscalers }
            if load {
                <section class="chart-group" data-testid="load-charts">
                    <h3>{"Load"}if !load_running { <span class="muted" data-testid="load-state">{"no load running now"}</span> }</h3>
                    { chart("Requests", "/s", &[
                        Line { label: "sent", class: "c-requests", series: get("load.requests") },
                        Line { label: "failed", class: "c-errors", series: get("load.errors") },
                    ], now) }
                    { chart("Latency", "ms", &[
                        Line { label: "p50", class: "c-p50", series: get("load.latency.p50") },
                        Line { label: "p99", class: "c-p99", series: get("load.latency.p99") },
                    ], now) }
                </section>
            }
            <section class="chart-group" data-testid="cluster-charts">
                <h3>{"Cluster"}</h3>
                { chart("Pods", "pods", &[
                    Line { label: "running", class: "c-current", series: get("pods.running") },
                    Line { label: "pending", class: "c-errors", series: get("pods.pending") },
                ], now) }
            </section>
            if hpas.objects.is_empty() && !load {
                <p class="muted hint">{"Start a load (load http://CLUSTER-IP 500/s) or an autoscaler to see them charted here. An autoscaler on CPU needs the pods to request CPU: kubectl set resources deployment NAME --requests=cpu=100m, then kubectl autoscale deployment NAME --cpu-percent=50 --max=10."}</p>
            }
        </div>
    }
}
