//! Pass 3: several transfers for one order (split payments) and one
//! transfer for several orders of one customer, by exact sums.

use super::*;

/// Lines (or orders: `I` is their rank) filed under one (currency, name
/// key), by amount in minor units then rank: a split payment's parts are at
/// most what is still due, so only that slice of a crowd of namesakes is
/// read.
pub(super) type AmountIndex<I> = Map<(Currency, PairKey), Vec<(i64, I)>>;

impl<'a> Ctx<'a> {
    /// Free lines with a usable amount, by (currency, name key) and amount.
    pub(super) fn free_lines_by_key(&self) -> AmountIndex<LineIx> {
        let mut m: AmountIndex<LineIx> = Map::default();
        for l in self.lines.indices() {
            if !self.eligible(l) {
                continue;
            }
            let Some(amount) = self.line_minor[l].filter(|a| *a > 0) else {
                continue;
            };
            let cur = self.lines[l].amount.currency;
            for k in self.book.index_keys(&self.line_names[l]) {
                m.entry((cur, k)).or_default().push((amount, l));
            }
        }
        for v in m.values_mut() {
            v.sort_unstable();
        }
        m
    }

    /// Items of `index` filed under a name key of one of `names` whose
    /// amount is in `(0, below)` (`strict`) or `(0, below]`, by rank without
    /// repeats: the same answer as looking every name up and filtering by
    /// amount, at the cost of the answer rather than of the crowd.
    pub(super) fn lookup_below<I: Copy + Ord>(
        &self,
        index: &AmountIndex<I>,
        names: &[NameId],
        cur: Currency,
        below: i64,
        strict: bool,
    ) -> Vec<I> {
        let mut keys: Vec<PairKey> = names
            .iter()
            .flat_map(|id| self.book.query_keys(*id))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut out = Vec::new();
        for k in keys {
            let Some(list) = index.get(&(cur, k)) else {
                continue;
            };
            let end = if strict {
                list.partition_point(|(a, _)| *a < below)
            } else {
                list.partition_point(|(a, _)| *a <= below)
            };
            out.extend(list[..end].iter().map(|(_, item)| *item));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Keeps at most [`SCAN_LIMIT`] candidate lines, the nearest in time to
    /// `at` (ties by rank), so that a crowd of namesakes paying the same
    /// price cannot make matching quadratic.
    pub(super) fn nearest_in_time(&self, cands: &mut Vec<LineIx>, at: DateTime<FixedOffset>) {
        if cands.len() > SCAN_LIMIT {
            cands.sort_by_key(|l| ((self.lines[*l].booked_at - at).num_seconds().abs(), *l));
            cands.truncate(SCAN_LIMIT);
            cands.sort_unstable();
        }
    }

    /// The first [`SUBSET_CANDIDATES`] of `cands` (in their order) whose
    /// names reach the threshold against `names`: the names are compared
    /// only until enough are found.
    pub(super) fn first_namesakes<'s, I: Copy>(
        &self,
        cands: impl IntoIterator<Item = I>,
        names_of: impl Fn(I) -> (&'s [NameId], &'s [NameId]),
        memo: &mut ScoreMemo<'a>,
    ) -> Vec<I> {
        let mut out = Vec::new();
        for c in cands {
            let (a, b) = names_of(c);
            if self
                .book
                .best_memo(a, b, memo)
                .is_some_and(|s| s >= self.cfg.name_threshold)
            {
                out.push(c);
                if out.len() == SUBSET_CANDIDATES {
                    break;
                }
            }
        }
        out
    }

    pub(super) fn split_payments(&mut self) {
        let index = self.free_lines_by_key();
        if index.is_empty() {
            return;
        }
        let max_parts = self.cfg.max_split_parts.max(2);
        let mut memo = ScoreMemo::default();
        for u in self.units.indices() {
            let unit = &self.units[u];
            // Open units, and units whose slip paid only part of the order.
            let partial = !unit.lines.is_empty()
                && matches!(unit.link, Some(Link::TransRef | Link::AmountName));
            if self.blocked(u) || !unit.ambiguous.is_empty() || !(unit.lines.is_empty() || partial)
            {
                continue;
            }
            let Some((cur, expected)) = self.expected(u) else {
                continue;
            };
            let paid: i64 = unit.lines.iter().filter_map(|l| self.line_minor[*l]).sum();
            let needed = expected - paid;
            if needed <= 0 {
                continue;
            }
            let (min_parts, max_parts) = if unit.lines.is_empty() {
                (2, max_parts)
            } else {
                (1, max_parts.saturating_sub(unit.lines.len()))
            };
            if max_parts < min_parts {
                continue;
            }
            let payer = self.payer_names(u);
            // Every part is at most what is still due.
            let mut cands: Vec<LineIx> = self.lookup_below(&index, &payer, cur, needed, false);
            cands.retain(|l| self.line_free(*l));
            self.nearest_in_time(&mut cands, self.orders[u].ordered_at);
            let line_names = &self.line_names;
            let cands =
                self.first_namesakes(cands, |l| (&payer[..], &line_names[l][..]), &mut memo);
            let amounts: Vec<i64> = cands
                .iter()
                .map(|l| self.line_minor[*l].unwrap_or(0))
                .collect();
            let found = exact_subsets(&amounts, needed, min_parts, max_parts, 2);
            match found.len() {
                0 => {}
                1 => {
                    let ls: Vec<LineIx> = found[0].iter().map(|i| cands[*i]).collect();
                    self.link(u, &ls, Link::Split);
                }
                _ => {
                    let ls: BTreeSet<LineIx> = found.iter().flatten().map(|i| cands[*i]).collect();
                    let ls: Vec<LineIx> = ls.into_iter().collect();
                    self.units[u]
                        .reasons
                        .push(Reason::new(ReasonCode::SeveralSplitCombinations));
                    self.mark_ambiguous(u, &ls);
                }
            }
        }
    }

    pub(super) fn one_transfer_many_orders(&mut self) {
        // Open orders without a usable slip, by (currency, customer name
        // key) and what they expect.
        let mut index: AmountIndex<OrderIx> = Map::default();
        for u in self.units.indices() {
            if !self.open(u) || self.valid_slip(u).is_some() || !self.units[u].followers.is_empty()
            {
                continue;
            }
            let Some(expected) = self.expected(u).map(|e| e.1).filter(|e| *e > 0) else {
                continue;
            };
            let cur = self.orders[u].amount.currency;
            for k in self.book.index_keys(&[self.customer[u]]) {
                index.entry((cur, k)).or_default().push((expected, u));
            }
        }
        if index.is_empty() {
            return;
        }
        for v in index.values_mut() {
            v.sort_unstable();
        }
        let max_parts = self.cfg.max_split_parts.max(2);
        let mut memo = ScoreMemo::default();
        for l in self.lines.indices() {
            if !self.eligible(l) {
                continue;
            }
            let line = self.lines[l];
            let Some(total) = self.line_minor[l] else {
                continue;
            };
            let cur = line.amount.currency;
            let names = &self.line_names[l];
            // Each order expects less than the transfer brought.
            let mut cands: Vec<OrderIx> = self.lookup_below(&index, names, cur, total, true);
            cands.retain(|u| self.open(*u));
            let customer = &self.customer;
            let cands = self.first_namesakes(
                cands,
                |u| (std::slice::from_ref(&customer[u]), &names[..]),
                &mut memo,
            );
            if cands.len() < 2 {
                continue;
            }
            let amounts: Vec<i64> = cands
                .iter()
                .map(|u| self.expected(*u).map_or(0, |e| e.1))
                .collect();
            let found = exact_subsets(&amounts, total, 2, max_parts, 2);
            if let [one] = &found[..] {
                for i in one {
                    self.link(cands[*i], &[l], Link::ManyOrders);
                }
            }
        }
    }
}

/// Index sets of `amounts` with `min..=max` members summing to `target`;
/// stops after `limit` sets (we only need to know "one" or "several").
pub(super) fn exact_subsets(
    amounts: &[i64],
    target: i64,
    min: usize,
    max: usize,
    limit: usize,
) -> Vec<Vec<usize>> {
    struct Walk<'a> {
        amounts: &'a [i64],
        min: usize,
        max: usize,
        limit: usize,
        picked: Vec<usize>,
        out: Vec<Vec<usize>>,
    }
    impl Walk<'_> {
        fn go(&mut self, start: usize, left: i64) {
            if self.out.len() >= self.limit {
                return;
            }
            if left == 0 && self.picked.len() >= self.min {
                self.out.push(self.picked.clone());
                return;
            }
            if self.picked.len() == self.max || left <= 0 {
                return;
            }
            for i in start..self.amounts.len() {
                if self.amounts[i] <= left {
                    self.picked.push(i);
                    self.go(i + 1, left - self.amounts[i]);
                    self.picked.pop();
                }
            }
        }
    }
    if max == 0 || target <= 0 {
        return Vec::new();
    }
    let mut w = Walk {
        amounts,
        min,
        max,
        limit,
        picked: Vec::new(),
        out: Vec::new(),
    };
    w.go(0, target);
    w.out
}
