//! Pass 1, exact keys: a slip's transRef on the statement, an order id in
//! a statement reference or description.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn exact_keys(&mut self) {
        let mut by_ref: Map<Cow<'a, str>, Vec<LineIx>> = Map::default();
        for (l, line) in self.lines.iter_enumerated() {
            if !line.amount.is_positive() {
                continue;
            }
            if let Some(r) = line.reference.as_deref() {
                let key: Cow<str> = if r.contains(char::is_whitespace) {
                    Cow::Owned(r.chars().filter(|c| !c.is_whitespace()).collect())
                } else {
                    Cow::Borrowed(r)
                };
                if !key.is_empty() {
                    by_ref.entry(key).or_default().push(l);
                }
            }
        }
        // transRef on the slip = reference on the statement.
        for u in self.units.indices() {
            if !self.open(u) {
                continue;
            }
            let Some(tr) = self.valid_slip(u).and_then(|s| s.trans_ref.as_ref()) else {
                continue;
            };
            let cands: Vec<LineIx> = by_ref
                .get(tr.0.as_str())
                .map(|v| v.iter().copied().filter(|l| self.line_free(*l)).collect())
                .unwrap_or_default();
            match cands.len() {
                0 => {}
                1 => self.link(u, &cands, Link::TransRef),
                _ => self.mark_ambiguous(u, &cands),
            }
        }
        // Slips no order claims still explain their statement line.
        for s in self.slips.indices() {
            let info = &self.slips[s];
            if !info.users.is_empty() || !info.dup.is_empty() {
                continue;
            }
            let Some(tr) = info.slip().and_then(|x| x.trans_ref.as_ref()) else {
                continue;
            };
            let cands: Vec<LineIx> = by_ref
                .get(tr.0.as_str())
                .map(|v| v.iter().copied().filter(|l| self.line_free(*l)).collect())
                .unwrap_or_default();
            if let [l] = cands[..] {
                self.lstate[l].orphan_slip = Some(s);
                self.slips[s].line = Some(l);
            }
        }
        // An order id written in a statement reference or description.
        for l in self.lines.indices() {
            if !self.line_free(l) || !self.money_in(l) {
                continue;
            }
            let line = self.lines[l];
            let mut found: BTreeSet<OrderIx> = BTreeSet::new();
            for text in [line.reference.as_deref(), line.description.as_deref()]
                .into_iter()
                .flatten()
            {
                for w in words(text) {
                    if let Some(o) = self.order_by_id.get(w) {
                        let o = self.units[*o].leader.unwrap_or(*o);
                        found.insert(o);
                    }
                }
            }
            let found: Vec<OrderIx> = found.into_iter().filter(|u| self.open(*u)).collect();
            match found.len() {
                0 => {}
                1 => self.link(found[0], &[l], Link::OrderIdRef),
                _ => {
                    // Several ids on one transfer: it pays them together
                    // when the sum is exact.
                    let cur = line.amount.currency;
                    let sum: Option<i64> = found
                        .iter()
                        .map(|u| self.expected(*u).filter(|e| e.0 == cur).map(|e| e.1))
                        .sum();
                    if sum == minor(&line.amount) {
                        for u in &found {
                            self.link(*u, &[l], Link::ManyOrders);
                        }
                    }
                }
            }
        }
    }
}
