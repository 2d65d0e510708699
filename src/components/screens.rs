//! Where each running full-screen command (`watch`) draws in the console's transcript: its
//! region, redrawn in place at each refresh, while the commands typed after it print below
//! (on a real machine `watch` takes the terminal; the page's console stays free for a second
//! command, as the workshop's second terminal was).

use kubeplay_sim::small_map::SmallMap;

/// The regions of the running full-screen commands, each `(first line, line count)`.
#[derive(Debug, Default)]
pub struct Screens {
    next: u64,
    regions: SmallMap<u64, (usize, usize)>,
}

impl Screens {
    /// A region for a command whose output starts at line `start`; returns its id.
    pub fn open(&mut self, start: usize) -> u64 {
        self.next += 1;
        self.regions.insert(self.next, (start, 0));
        self.next
    }

    /// Replaces the lines of region `id` in `lines` with `screen`; the regions below move
    /// up or down with it.
    pub fn draw<T>(&mut self, id: u64, lines: &mut Vec<T>, screen: Vec<T>) {
        let Some(&(start, len)) = self.regions.get(&id) else { return };
        let from = start.min(lines.len());
        let to = (start + len).min(lines.len());
        let drawn = screen.len();
        lines.splice(from..to, screen);
        for (other, region) in self.regions.iter_mut() {
            if *other == id {
                *region = (from, drawn);
            } else if region.0 > from || (region.0 == from && *other > id) {
                region.0 = (region.0 + drawn).saturating_sub(to - from);
            }
        }
    }

    /// The command of region `id` printed `added` lines at the transcript's end, which was
    /// line `end`: they are its region's too while nothing else printed after it (a `watch`
    /// prints its first screen so, and redraws it from then on).
    pub fn printed(&mut self, id: u64, end: usize, added: usize) {
        if let Some(region) = self.regions.get_mut(&id).filter(|r| r.0 + r.1 == end) {
            region.1 += added;
        }
    }

    /// Forgets region `id` (its command ended); its lines stay.
    pub fn close(&mut self, id: u64) {
        self.regions.remove(&id);
    }

    /// The transcript was emptied (`clear`): the running commands draw from the top.
    pub fn cleared(&mut self) {
        for region in self.regions.values_mut() {
            *region = (0, 0);
        }
    }
}
