//! Lines from each Service card to the pods answering for it (its ready endpoints), drawn
//! along the gaps between the cluster map's cards (round the waiting pods' box, a card of
//! the nodes' grid, and a lower row of Services too), beneath the text of the two cards they join (the stylesheet stacks
//! the cards' blocks above the lines), under any other card they cannot go round (each
//! line is clipped to leave them out), and ending in a dot on
//! each pod's chip, and, while a load runs, dots
//! travelling along each line at the rate its pod receives requests.

use crate::hooks::use_objects;
use crate::ClusterHandle;
use gloo::timers::callback::Interval;
use kubeplay_sim::api::Kind;
use kubeplay_sim::traffic::ARRIVALS_SERIES;
use kubeplay_sim::small_map::SmallMap;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// One line: the Service (`ns/name`), the pod (`ns/name`), its SVG path, where it ends (the
/// middle of the pod chip's top edge) and the region it may be drawn in (an SVG path, with
/// `evenodd`: the map less every card but its Service's and its pod's node's).
#[derive(Clone, Debug, PartialEq)]
struct Link {
    service: String,
    pod: String,
    path: String,
    end: (f64, f64),
    clip: String,
}

/// Properties of [`ServiceLinks`].
#[derive(Properties, PartialEq)]
pub struct ServiceLinksProps {
    /// Changes whenever the map's layout may have moved (pods, nodes, Services).
    pub layout: u64,
}

/// Where an element sits inside the map's scrolled content.
fn rect_in(el: &web_sys::Element, map: &web_sys::Element) -> (f64, f64, f64, f64) {
    let (r, m) = (el.get_bounding_client_rect(), map.get_bounding_client_rect());
    let x = r.left() - m.left() + f64::from(map.scroll_left());
    let y = r.top() - m.top() + f64::from(map.scroll_top());
    (x, y, r.width(), r.height())
}

/// A card of the map and where it sits in the map (x, y, width, height).
type Card = (web_sys::Element, (f64, f64, f64, f64));

/// The cards a line passes under: each Service's, each node's and the waiting pods' box.
fn cards(map: &web_sys::Element) -> Vec<Card> {
    let Ok(found) = map.query_selector_all("[data-testid=service], [data-testid=node], .unscheduled") else { return Vec::new() };
    (0..found.length()).filter_map(|i| found.item(i)?.dyn_into::<web_sys::Element>().ok()).map(|card| {
        let rect = rect_in(&card, map);
        (card, rect)
    }).collect()
}

/// The region a line may be drawn in: the map (`size`) less every card but the two it joins
/// (its Service's card and the card of its pod's node), as an SVG path to fill `evenodd`.
fn clip_region(size: (f64, f64), cards: &[Card], joined: [&web_sys::Element; 2]) -> String {
    let mut d = format!("M0 0H{:.0}V{:.0}H0Z", size.0, size.1);
    for (card, (x, y, w, h)) in cards {
        if !joined.iter().any(|j| j.is_same_node(Some(card))) {
            d.push_str(&format!("M{x:.0} {y:.0}h{w:.0}v{h:.0}h{:.0}Z", -w));
        }
    }
    d
}

/// How far from a card's edge a line runs in the gap beside it (the map's gaps are 8 or 12 px).
const LANE: f64 = 4.0;
/// The radius of a line's corners.
const CORNER: f64 = 8.0;

/// The corners of the way from a Service card's bottom (`from`) to the top of a pod chip
/// (`to`) in the card `node` (x, y, width, height), along the gaps between the cards: down
/// into the gap under the Service, across, down a gap to the one above the node's card,
/// across to above the chip and down to it. The way down is the first clear one of: straight
/// down, the gaps beside the node's card, and the gaps beside each other card, the shortest
/// across; a way down the map's margin, outside all the cards, only when no gap between them
/// is clear.
fn route(from: (f64, f64), to: (f64, f64), node: (f64, f64, f64, f64), others: &[(f64, f64, f64, f64)]) -> Vec<(f64, f64)> {
    let ((x1, y1), (x2, y2), (nx, ny, nw, _)) = (from, to, node);
    let (below, above) = (y1 + LANE, ny - LANE);
    if above <= below {
        return vec![from, (x1, below.min(y2)), (x2, below.min(y2)), to];
    }
    // Whether the straight segment from a to b passes through another card.
    let crosses = |a: (f64, f64), b: (f64, f64)| {
        let (left, right, top, bottom) = (a.0.min(b.0), a.0.max(b.0), a.1.min(b.1), a.1.max(b.1));
        others.iter().any(|&(cx, cy, cw, ch)| left < cx + cw && right > cx && top < cy + ch && bottom > cy)
    };
    let clear = |x: f64| !crosses((x1, below), (x, below)) && !crosses((x, below), (x, above)) && !crosses((x, above), (x2, above));
    let beside = |(cx, _, cw, _): (f64, f64, f64, f64)| [cx - LANE, cx + cw + LANE];
    let candidates: Vec<f64> = std::iter::once(x1).chain(beside(node)).chain(others.iter().flat_map(|&card| beside(card))).filter(|&x| clear(x)).collect();
    // A gap between the cards before the map's margin outside them all (where a line hugs
    // the edge of a card's border, far from where it goes).
    let (left, right) = others.iter().chain(std::iter::once(&node)).fold((f64::MAX, f64::MIN), |(l, r), &(cx, _, cw, _)| (l.min(cx), r.max(cx + cw)));
    let between: Vec<f64> = candidates.iter().copied().filter(|&x| x > left && x < right).collect();
    let down = (if between.is_empty() { candidates } else { between })
        .into_iter()
        .min_by(|a, b| ((a - x1).abs() + (a - x2).abs()).total_cmp(&((b - x1).abs() + (b - x2).abs())))
        // Nothing is clear (a map too crowded to go round): down beside the node's card, the
        // Service's side; the clip hides the line under what it crosses.
        .unwrap_or_else(|| if (x1 - (nx - LANE)).abs() <= (x1 - (nx + nw + LANE)).abs() { nx - LANE } else { nx + nw + LANE });
    vec![from, (x1, below), (down, below), (down, above), (x2, above), to]
}

/// An SVG path through `points`, its corners rounded (less where a segment is short).
fn rounded(points: &[(f64, f64)]) -> String {
    let mut pts: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for &p in points {
        if pts.last().is_none_or(|&q: &(f64, f64)| (q.0 - p.0).abs() + (q.1 - p.1).abs() > 0.5) {
            pts.push(p);
        }
    }
    let Some(&(x0, y0)) = pts.first() else { return String::new() };
    let mut d = format!("M{x0:.1} {y0:.1}");
    for w in pts.windows(3) {
        let (p, c, n) = (w[0], w[1], w[2]);
        let (d1, d2) = ((c.0 - p.0).hypot(c.1 - p.1), (n.0 - c.0).hypot(n.1 - c.1));
        let k = CORNER.min(d1 / 2.0).min(d2 / 2.0);
        let a = (c.0 - (c.0 - p.0) / d1 * k, c.1 - (c.1 - p.1) / d1 * k);
        let b = (c.0 + (n.0 - c.0) / d2 * k, c.1 + (n.1 - c.1) / d2 * k);
        d.push_str(&format!(" L{:.1} {:.1} Q{:.1} {:.1} {:.1} {:.1}", a.0, a.1, c.0, c.1, b.0, b.1));
    }
    if let Some(&(x, y)) = pts.last().filter(|_| pts.len() > 1) {
        d.push_str(&format!(" L{x:.1} {y:.1}"));
    }
    d
}

/// The map's scrolled size without the overlay, which is sized to it: counted, the overlay
/// would keep the map as wide as before a scroll bar came, or as tall as before pods went,
/// scrolling on over nothing. Hidden while the size is read (no paint comes between).
fn content_size(map: &web_sys::Element, overlay: &web_sys::Element) -> (f64, f64) {
    let _ = overlay.set_attribute("hidden", "");
    let size = (f64::from(map.scroll_width()), f64::from(map.scroll_height()));
    let _ = overlay.remove_attribute("hidden");
    size
}

/// The paths from each Service card to its endpoints' pod chips, measured in the DOM over a
/// map of `size`.
fn measure(map: &web_sys::Element, pairs: &[(String, String)], size: (f64, f64)) -> Vec<Link> {
    let find = |selector: String| map.query_selector(&selector).ok().flatten();
    let cards = cards(map);
    pairs
        .iter()
        .filter_map(|(service, pod)| {
            let (sns, sname) = service.split_once('/')?;
            let (pns, pname) = pod.split_once('/')?;
            let card = find(format!("[data-testid=service][data-name=\"{sname}\"][data-namespace=\"{sns}\"]"))?;
            let chip = find(format!("[data-testid=pod][data-name=\"{pname}\"][data-namespace=\"{pns}\"]"))?;
            let (cx, cy, cw, ch) = rect_in(&card, map);
            let (px, py, pw, _) = rect_in(&chip, map);
            let (x1, y1, x2, y2) = (cx + cw / 2.0, cy + ch, px + pw / 2.0, py);
            let node = chip.closest("[data-testid=node], .unscheduled").ok().flatten().unwrap_or_else(|| chip.clone());
            // The line runs along the gaps between the cards; inside the two it joins it passes
            // beneath their blocks (stacked above it), and it is clipped to pass under any
            // other card it cannot go round (a map too crowded for any clear way down).
            let others: Vec<(f64, f64, f64, f64)> = cards.iter().filter(|(c, _)| !c.is_same_node(Some(&card)) && !c.is_same_node(Some(&node))).map(|(_, r)| *r).collect();
            let path = rounded(&route((x1, y1), (x2, y2), rect_in(&node, map), &others));
            let clip = clip_region(size, &cards, [&card, &node]);
            Some(Link { service: service.clone(), pod: pod.clone(), path, end: (x2, y2), clip })
        })
        .collect()
}

/// The lines and request dots over the cluster map.
#[function_component(ServiceLinks)]
pub fn service_links(props: &ServiceLinksProps) -> Html {
    let client = use_context::<ClusterHandle>().expect("the App provides the cluster");
    let endpoints = use_objects(Kind::Endpoints);
    let overlay = use_node_ref();
    let links = use_state(Vec::<Link>::new);
    let size = use_state(|| (0.0f64, 0.0f64));
    // Requests per second each pod received in the last second of load.
    let arrivals = use_state(SmallMap::<String, f64>::new);
    // Bumped each second, so the lines follow reflows nothing else reports (a resized window).
    // Counted in a cell: the timer's closure outlives the render whose state it captured.
    let tick = use_state(|| 0u32);
    let ticks = use_mut_ref(|| 0u32);
    let pairs: Vec<(String, String)> = endpoints
        .objects
        .values()
        .filter_map(|o| o.as_endpoints())
        .filter(|e| e.metadata.namespace.as_deref() != Some("kube-system") && !(e.metadata.name == "kubernetes" && e.metadata.namespace.as_deref() == Some("default")))
        .flat_map(|e| {
            let service = format!("{}/{}", e.metadata.namespace.clone().unwrap_or_default(), e.metadata.name);
            e.subsets.iter().flat_map(|s| &s.addresses).filter_map(|a| a.target_ref.as_ref()).map(move |r| (service.clone(), format!("{}/{}", r.namespace.clone().unwrap_or_default(), r.name))).collect::<Vec<_>>()
        })
        .collect();
    {
        let (overlay, links, size) = (overlay.clone(), links.clone(), size.clone());
        use_effect_with((props.layout, pairs.clone(), *tick), move |(_, pairs, _)| {
            if let Some((over, map)) = overlay.cast::<web_sys::Element>().and_then(|o| o.parent_element().map(|m| (o, m))) {
                let s = content_size(&map, &over);
                let measured = measure(&map, pairs, s);
                if *links != measured {
                    links.set(measured);
                }
                if *size != s {
                    size.set(s);
                }
            }
        });
    }
    {
        let (tick, ticks, client, arrivals) = (tick.clone(), ticks.clone(), client.clone(), arrivals.clone());
        let pods: Vec<String> = pairs.iter().map(|(_, p)| p.clone()).collect();
        use_effect_with(pods, move |pods| {
            let pods = pods.clone();
            let timer = (!pods.is_empty()).then(|| Interval::new(1000, move || {
                let n = ticks.borrow().wrapping_add(1);
                *ticks.borrow_mut() = n;
                tick.set(n);
                let (client, arrivals, pods) = (client.clone(), arrivals.clone(), pods.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let now = client.0.now().await.map(|t| t.0).unwrap_or(0);
                    let mut rates = SmallMap::new();
                    for pod in pods {
                        if let Ok(s) = client.0.series(&format!("{ARRIVALS_SERIES}{pod}")).await {
                            if let Some((_, v)) = s.points.last().filter(|(t, _)| now - t.0 <= 2000) {
                                rates.insert(pod, *v);
                            }
                        }
                    }
                    // Not compared with `*arrivals`: that is the value when the timer started.
                    arrivals.set(rates);
                });
            }));
            move || drop(timer)
        });
    }
    let (w, h) = *size;
    html! {
        <div class="service-links" ref={overlay} aria-hidden="true" data-links={links.len().to_string()} data-busy={arrivals.len().to_string()} style={format!("width: {w}px; height: {h}px")}>
            <svg width={w.to_string()} height={h.to_string()}>
                <defs>
                    { for links.iter().enumerate().map(|(i, l)| html! {
                        <clipPath id={format!("service-link-clip-{i}")}><path clip-rule="evenodd" d={l.clip.clone()} /></clipPath>
                    }) }
                </defs>
                { for links.iter().enumerate().map(|(i, l)| {
                    let busy = arrivals.contains_key(&l.pod);
                    // The dot sits just above the chip, clear of it and of a chip in the row above.
                    html! { <>
                        <path d={l.path.clone()} class={classes!("link", busy.then_some("busy"))} data-service={l.service.clone()} data-pod={l.pod.clone()} clip-path={format!("url(#service-link-clip-{i})")} />
                        <circle class="link-end" cx={format!("{:.0}", l.end.0)} cy={format!("{:.0}", l.end.1 - 3.0)} r="2.5" />
                    </> }
                }) }
            </svg>
            { for links.iter().filter_map(|l| {
                // Up to 6 dots on a line, more for a busier pod; each takes 1.2 s. They pass
                // under the same cards as their line.
                let rate = arrivals.get(&l.pod).copied().unwrap_or(0.0);
                let dots = if rate <= 0.0 { 0 } else { (rate / 5.0).ceil().clamp(1.0, 6.0) as usize };
                (dots > 0).then(|| html! {
                    <div class="link-dots" style={format!("clip-path: path(evenodd, '{}')", l.clip)}>
                        { for (0..dots).map(|i| html! {
                            <span class="req-dot" style={format!("offset-path: path('{}'); animation-delay: -{:.2}s", l.path, i as f64 * 1.2 / dots as f64)}></span>
                        }) }
                    </div>
                })
            }) }
        </div>
    }
}
