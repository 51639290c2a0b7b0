//! The matcher's look-up tables: hash maps with foldhash, the hasher the
//! report crate uses too. Keys are our own day's data, looked up millions of
//! times; SipHash's flood resistance buys nothing here. The seed is fixed,
//! so a day costs the same on every run; tables only answer look-ups and
//! are never iterated into a decision, so the hash order cannot leak into
//! results.

use std::collections::HashMap;

pub(crate) type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

pub(crate) fn map_with_capacity<K, V>(n: usize) -> Map<K, V> {
    Map::with_capacity_and_hasher(n, foldhash::fast::FixedState::default())
}
