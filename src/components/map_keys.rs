//! The cluster map's arrow keys: they move the focus between pod chips as the chips show on
//! the screen, not in the page's order (a short window puts the control plane's card last,
//! and a wide map sets the node cards two or more to a row). Tab stops once per card, at
//! its first pod, so a keyboard gets past a map of thousands of pods.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Where a pod chip shows: the box of the card it is on (its node's or the waiting pods')
/// and its own box, each as [top, left, bottom, right] in whole pixels from the window's corner.
#[derive(Clone, Copy, PartialEq)]
struct Spot {
    card: [i32; 4],
    chip: [i32; 4],
}

impl Spot {
    /// Where `chip` shows (its card is the box around its list).
    fn of(chip: &Element) -> Spot {
        let edges = |el: &Element| {
            let r = el.get_bounding_client_rect();
            [r.top(), r.left(), r.bottom(), r.right()].map(|x| x.round() as i32)
        };
        let card = chip.parent_element().and_then(|list| list.parent_element()).unwrap_or_else(|| chip.clone());
        Spot { card: edges(&card), chip: edges(chip) }
    }

    /// Its place in the order a reader takes the chips in: card by card (top to bottom, then
    /// left to right), on each card row by row (a row's chips share their top), left to right.
    fn reading(&self) -> [i32; 4] {
        [self.card[0], self.card[1], self.chip[0], self.chip[1]]
    }
}

/// How good a move `key` makes from `here` to `to` (the lower the better), or None if the
/// key does not lead there. Right and Left go to the next and previous chip in reading order,
/// Home and End to the first and last. Down (Up) goes to the nearest row below (above) on
/// the card; past the card's last (first) row, to the nearest card below (above), one
/// sharing some of its width first, at its first (last) row; on the row, to the chip whose
/// middle is nearest across.
fn score(key: &str, here: &Spot, to: &Spot) -> Option<[i32; 4]> {
    let (from, at) = (here.reading(), to.reading());
    let down = match key {
        "ArrowRight" => return (at > from).then_some(at),
        "ArrowLeft" => return (at < from).then_some(at.map(|x| -x)),
        "Home" => return Some(at),
        "End" => return Some(at.map(|x| -x)),
        "ArrowDown" => true,
        _ => false,
    };
    // Distances in the direction of the move (negative: behind it).
    let ahead = |from: i32, to: i32| if down { to - from } else { from - to };
    let across = (to.chip[1] + to.chip[3] - here.chip[1] - here.chip[3]).abs();
    if to.card == here.card {
        let rows = ahead(here.chip[0], to.chip[0]);
        return (rows > 2).then_some([0, rows, 0, across]);
    }
    let gap = if down { to.card[0] - here.card[2] } else { here.card[0] - to.card[2] };
    let overlaps = to.card[1] < here.card[3] - 1 && to.card[3] > here.card[1] + 1;
    (gap >= -1).then_some([if overlaps { 1 } else { 2 }, gap, ahead(0, to.chip[0]), across])
}

/// Keydown in the map (from a pod chip): moves the focus to the chip the key leads to.
pub fn on_key(e: &web_sys::KeyboardEvent) {
    let key = e.key();
    if !matches!(key.as_str(), "ArrowRight" | "ArrowLeft" | "ArrowUp" | "ArrowDown" | "Home" | "End") {
        return;
    }
    let Some((from, chips)) = super::tabs::focused_items(e, "[data-testid=pod]", "[data-testid=cluster-map]") else { return };
    e.prevent_default();
    let here = Spot::of(&from);
    let mut best: Option<([i32; 4], HtmlElement)> = None;
    for chip in (0..chips.length()).filter_map(|i| chips.item(i)?.dyn_into::<HtmlElement>().ok()) {
        if let Some(s) = score(&key, &here, &Spot::of(&chip)) {
            if best.as_ref().is_none_or(|(b, _)| s < *b) {
                best = Some((s, chip));
            }
        }
    }
    if let Some((_, to)) = best {
        let _ = to.focus();
    }
}
