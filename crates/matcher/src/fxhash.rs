//! A small, fast, deterministic hasher for the matcher's look-up tables
//! (the FxHash mix used by rustc). Keys are our own day's data, looked up
//! millions of times; SipHash's flood resistance buys nothing here and cost
//! a sixth of `match_day`. Tables are only used for look-ups, never iterated
//! into a decision, so the hash order cannot leak into results.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        // The multiply leaves the best-mixed bits high, and hashbrown picks
        // buckets with the low bits: rotate them down (as rustc-hash 2 does),
        // or keys differing late in a string collide.
        self.hash.rotate_left(26)
    }
}

pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

pub(crate) fn map_with_capacity<K, V>(n: usize) -> FxMap<K, V> {
    FxMap::with_capacity_and_hasher(n, BuildHasherDefault::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguishes_keys_and_is_stable() {
        let mut m: FxMap<&str, u32> = map_with_capacity(4);
        m.insert("TR1", 1);
        m.insert("TR10", 10);
        m.insert("", 0);
        assert_eq!(m.get("TR1"), Some(&1));
        assert_eq!(m.get("TR10"), Some(&10));
        assert_eq!(m.get(""), Some(&0));
        assert_eq!(m.get("TR2"), None);
        let h = |s: &str| {
            let mut h = FxHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_eq!(h("abcdefghij"), h("abcdefghij"));
        assert_ne!(h("abcdefghij"), h("abcdefghik"));
    }
}
