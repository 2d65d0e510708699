//! The cluster's seeded random source. Every choice upstream makes at random
//! (pod name suffixes, uids, ties) draws from here, so a seed fixes the history.

use serde::{Deserialize, Serialize};

/// A small, fast, seedable generator (SplitMix64). Its whole state is one number,
/// so snapshots carry it exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rng {
    state: u64,
}

/// The alphabet upstream uses for generated name suffixes (no vowels, no look-alikes).
pub const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng { state: seed ^ 0x853c_49e6_748f_ea9b }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0), without modulo bias worth noticing at our sizes.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// `len` characters from [`NAME_ALPHABET`], like upstream's `utilrand.String`.
    pub fn name_suffix(&mut self, len: usize) -> String {
        (0..len).map(|_| NAME_ALPHABET[self.below(NAME_ALPHABET.len() as u64) as usize] as char).collect()
    }

    /// A version-4-shaped UUID string for `metadata.uid`.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        // `a` and `b` as 32 hex digits, dashed as 8-4-4-4-12, with the version digit (4) and
        // the variant digit (8, 9, a or b, from b's top two bits) in their places.
        let mut hex = String::with_capacity(32);
        crate::text::push_hex_padded(&mut hex, a, 16);
        crate::text::push_hex_padded(&mut hex, b, 16);
        let variant = ["8", "9", "a", "b"][(b >> 62) as usize];
        crate::text::concat(&[&hex[0..8], "-", &hex[8..12], "-4", &hex[13..16], "-", variant, &hex[17..20], "-", &hex[20..32]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng::new(8).next_u64(), xs[0]);
    }

    #[test]
    fn suffixes_and_uids_have_upstream_shape() {
        let mut r = Rng::new(1);
        let s = r.name_suffix(5);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|c| NAME_ALPHABET.contains(&c)));
        let u = r.uuid();
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'));
    }

    #[test]
    fn below_stays_in_range() {
        let mut r = Rng::new(3);
        assert!((0..1000).all(|_| r.below(3) < 3));
    }
}
