//! Pass 4: a slip's amount booked promptly after it by a payer with
//! another name, linked by amount and time.

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn name_mismatches(&mut self) {
        // Per amount, lines by booking time: only the slip's neighbourhood
        // is looked at.
        let by_time: Map<(Currency, i64), Vec<TimedLine>> = self
            .blocks()
            .into_iter()
            .map(|(k, ls)| {
                let mut v: Vec<_> = ls
                    .into_iter()
                    .map(|l| (self.lines[l].booked_at, l))
                    .collect();
                v.sort_unstable();
                (k, v)
            })
            .collect();
        let mut edges = Vec::new();
        let gap_limit = self
            .cfg
            .name_mismatch_gap_minutes
            .clamp(0, MAX_WINDOW_MINUTES);
        let skew = self.cfg.booking_skew_minutes.clamp(0, MAX_WINDOW_MINUTES);
        for u in self.units.indices() {
            if !self.open(u) {
                continue;
            }
            let Some(slip) = self.valid_slip(u) else {
                continue;
            };
            let (Some(at), Some(amount)) = (slip.transferred_at, slip.amount.as_ref()) else {
                continue;
            };
            let Some(m) = minor(amount) else { continue };
            let Some(block) = by_time.get(&(amount.currency, m)) else {
                continue;
            };
            let from = at - chrono::Duration::minutes(skew);
            let first = block.partition_point(|(t, _)| *t < from);
            for (t, l) in &block[first..] {
                if !self.booked_within(*t, at, gap_limit) {
                    break;
                }
                if self.declined(u, *l) {
                    continue;
                }
                let gap = (*t - at).num_seconds().abs();
                edges.push(Edge {
                    unit: u.get(),
                    line: l.get(),
                    weight: 1_000_000 - gap.min(999_999),
                });
            }
        }
        let solved = assign::solve(edges, self.cfg.exhaustive_group_limit);
        for (u, l) in solved.linked {
            let (u, l) = (OrderIx::new(u), LineIx::new(l));
            let has_names = !self.line_names[l].is_empty();
            let how = if has_names {
                Link::NameMismatch
            } else {
                Link::AmountTime
            };
            self.link(u, &[l], how);
        }
        for (u, ls) in solved.ambiguous {
            let ls: Vec<LineIx> = ls.into_iter().map(LineIx::new).collect();
            self.mark_ambiguous(OrderIx::new(u), &ls);
        }
    }
}
