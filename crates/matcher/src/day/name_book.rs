//! Names of a day, normalized once when first compared, and their blocking
//! keys: the first letters of their words, which crowded prices are
//! indexed by.

use super::*;

/// Normalized names, computed only when first compared (from any thread).
pub(super) struct NameBook<'a> {
    pub(super) raw: Vec<&'a str>,
    pub(super) norm: Vec<OnceLock<NormalizedName>>,
    /// Off for the verdicts: names are normalized, compared and dropped.
    pub(super) keep: bool,
}

pub(super) type NameId = u32;
/// Name scores by the two names' text (see [`NameBook::score_memo`]).
pub(super) type ScoreMemo<'a> = Map<(&'a str, &'a str), f64>;
/// Most remembered scores before the memo starts over (bounds its memory).
pub(super) const MEMO_LIMIT: usize = 1 << 20;
/// A name-word key for blocking: (letters, the letters).
pub(super) type NameKey = (u8, [char; 3]);
/// An index entry: two words' keys, or one key and [`NO_KEY`].
pub(super) type PairKey = (NameKey, NameKey);
pub(super) const NO_KEY: NameKey = (0, [' '; 3]);
/// Kind of the key of a word that shows fewer than three letters: it is
/// also filed under its first letter as this kind, which only such words
/// use, so a full name finds masked names without reading every name that
/// merely shares a first letter.
pub(super) const SHORT: u8 = 4;

/// A word's blocking keys: what it is filed under, what it is looked up
/// with, and the [`SHORT`] key it looks masked words up with (or
/// [`NO_KEY`]).
pub(super) struct WordKeys {
    pub(super) keys: [NameKey; 2],
    pub(super) query: NameKey,
    pub(super) short: NameKey,
}
/// Words of a name used for blocking keys (bounds the pairs per name).
pub(super) const KEYED_WORDS: usize = 4;

impl<'a> NameBook<'a> {
    pub(super) fn new() -> Self {
        NameBook {
            raw: Vec::new(),
            norm: Vec::new(),
            keep: true,
        }
    }

    pub(super) fn add(&mut self, s: &'a str) -> NameId {
        self.raw.push(s.trim());
        self.norm.push(OnceLock::new());
        (self.raw.len() - 1) as NameId
    }

    pub(super) fn add_party(&mut self, p: &'a recon_core::Party) -> Vec<NameId> {
        p.names()
            .filter(|n| !n.trim().is_empty())
            .map(|n| self.add(n))
            .collect()
    }

    /// Frees the normalized names and stops keeping new ones: the verdicts
    /// compare each name about once, so keeping a million of them only
    /// costs memory.
    pub(super) fn forget(&mut self) {
        self.norm = Vec::new();
        self.keep = false;
    }

    /// Runs `f` on the normalized name, kept or computed for the occasion.
    pub(super) fn with<R>(&self, id: NameId, f: impl FnOnce(&NormalizedName) -> R) -> R {
        if self.keep {
            f(self.get(id))
        } else {
            f(&names::normalize_name(self.raw[id as usize]))
        }
    }

    pub(super) fn get(&self, id: NameId) -> &NormalizedName {
        self.norm[id as usize].get_or_init(|| names::normalize_name(self.raw[id as usize]))
    }

    pub(super) fn score(&self, a: NameId, b: NameId) -> f64 {
        let (ra, rb) = (self.raw[a as usize], self.raw[b as usize]);
        if ra == rb && !ra.contains(['*', '•', '●']) && ra.chars().any(names::is_name_char) {
            return 1.0;
        }
        self.with(a, |na| {
            self.with(b, |nb| {
                // Same words after normalization (titles aside): no strsim.
                if na.same_words(nb) {
                    1.0
                } else {
                    names::similarity(na, nb)
                }
            })
        })
    }

    /// [`NameBook::score`], remembered by the two names' text: a crowd of
    /// namesakes (the same customer paying many orders, a popular name) is
    /// compared once per distinct pair of names, not once per line.
    pub(super) fn score_memo(&self, a: NameId, b: NameId, memo: &mut ScoreMemo<'a>) -> f64 {
        let key = (self.raw[a as usize], self.raw[b as usize]);
        if let Some(s) = memo.get(&key) {
            return *s;
        }
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        let s = self.score(a, b);
        memo.insert(key, s);
        s
    }

    /// [`NameBook::best`] through a memo (same pairs, same order, same
    /// answer).
    pub(super) fn best_memo(
        &self,
        a: &[NameId],
        b: &[NameId],
        memo: &mut ScoreMemo<'a>,
    ) -> Option<f64> {
        let mut best: Option<f64> = None;
        for x in a {
            for y in b {
                let s = self.score_memo(*x, *y, memo);
                best = Some(best.map_or(s, |v: f64| v.max(s)));
                if s >= 1.0 {
                    return best;
                }
            }
        }
        best
    }

    /// The best score over all pairs, `None` when one side has no name.
    pub(super) fn best(&self, a: &[NameId], b: &[NameId]) -> Option<f64> {
        let mut best: Option<f64> = None;
        for x in a {
            for y in b {
                let s = self.score(*x, *y);
                best = Some(best.map_or(s, |v: f64| v.max(s)));
                if s >= 1.0 {
                    return best;
                }
            }
        }
        best
    }

    /// Per word (at most [`KEYED_WORDS`]), the keys it is filed under: its
    /// first letter, its first three letters when it shows three, and, when
    /// it shows fewer (`อร***`, an initial), its first letter as a
    /// [`SHORT`] key, so that a full name can find a masked one.
    pub(super) fn word_keys(&self, id: NameId) -> Vec<WordKeys> {
        self.get(id)
            .tokens()
            .take(KEYED_WORDS)
            .filter_map(|t| {
                let mut cs = t.text.chars();
                let (Some(a), b, c) = (cs.next(), cs.next(), cs.next()) else {
                    return None;
                };
                let initial = (1, [a, ' ', ' ']);
                Some(match (b, c) {
                    (Some(b), Some(c)) => WordKeys {
                        keys: [initial, (3, [a, b, c])],
                        query: (3, [a, b, c]),
                        short: (SHORT, [a, ' ', ' ']),
                    },
                    _ => WordKeys {
                        keys: [initial, (SHORT, [a, ' ', ' '])],
                        query: initial,
                        short: NO_KEY,
                    },
                })
            })
            .collect()
    }

    /// Index entries of names: every key with [`NO_KEY`] (found by one-word
    /// names), and every pair of keys of two different words (found by
    /// names of two or more words, which at the threshold must agree on two
    /// words).
    pub(super) fn index_keys(&self, ids: &[NameId]) -> Vec<PairKey> {
        let mut out = Vec::new();
        for id in ids {
            let wk = self.word_keys(*id);
            for (i, wi) in wk.iter().enumerate() {
                for a in &wi.keys {
                    out.push((*a, NO_KEY));
                    for wj in &wk[i + 1..] {
                        for b in &wj.keys {
                            out.push(if a <= b { (*a, *b) } else { (*b, *a) });
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Entries to look one name up with: per word its three-letter key, or
    /// its one-letter key when fewer letters are visible (`ใ***`, an
    /// initial), and for a word that shows three letters also its
    /// [`SHORT`] key (the other side may show fewer: `อรทัย` finds
    /// `อร***`); a one-word name looks its keys up alone, a longer name
    /// every pair of its words' keys.
    pub(super) fn query_keys(&self, id: NameId) -> Vec<PairKey> {
        let qk: Vec<[NameKey; 2]> = self
            .word_keys(id)
            .into_iter()
            .map(|w| [w.query, w.short])
            .collect();
        let mut out = Vec::new();
        if let [only] = &qk[..] {
            for k in only.iter().filter(|k| **k != NO_KEY) {
                out.push((*k, NO_KEY));
            }
        }
        for (i, a) in qk.iter().enumerate() {
            for b in &qk[i + 1..] {
                for x in a.iter().filter(|k| **k != NO_KEY) {
                    for y in b.iter().filter(|k| **k != NO_KEY) {
                        out.push(if x <= y { (*x, *y) } else { (*y, *x) });
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Items of `index` (lists sorted ascending) filed under an entry of one
    /// of `names` (see [`NameBook::index_keys`]): the cost is the size of
    /// the answer, not of the crowd that shares one word.
    pub(super) fn lookup<K: std::hash::Hash + Eq, T: Copy + Ord>(
        &self,
        index: &Map<K, Vec<T>>,
        names: &[NameId],
        key: impl Fn(PairKey) -> K,
    ) -> Vec<T> {
        let mut out: Vec<T> = Vec::new();
        for id in names {
            for k in self.query_keys(*id) {
                if let Some(list) = index.get(&key(k)) {
                    out.extend_from_slice(list);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
