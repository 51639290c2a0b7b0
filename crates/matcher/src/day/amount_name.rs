//! Pass 2: amount, the window money can take and the payer's name, every
//! competing candidate solved in one assignment that ranks the evidence.

use super::*;

/// The lines of a crowded price (more than [`BIG_BLOCK`]): by name key,
/// and by booking time.
pub(super) struct Crowd {
    pub(super) index: Map<PairKey, Vec<LineIx>>,
    pub(super) by_time: Vec<TimedLine>,
}

impl<'a> Ctx<'a> {
    pub(super) fn blocks(&self) -> Map<(Currency, i64), Vec<LineIx>> {
        let mut blocks: Map<(Currency, i64), Vec<LineIx>> = Map::default();
        for l in self.lines.indices() {
            if self.eligible(l)
                && let Some(m) = self.line_minor[l]
            {
                blocks
                    .entry((self.lines[l].amount.currency, m))
                    .or_default()
                    .push(l);
            }
        }
        blocks
    }

    /// Line amounts in `[sought - tolerance, sought]` for the currency.
    pub(super) fn amount_keys(
        &self,
        keys: &BTreeSet<(Currency, i64)>,
        cur: Currency,
        sought: i64,
    ) -> Vec<i64> {
        let tol = tolerance_minor(self.cfg, cur);
        if tol == 0 {
            return vec![sought];
        }
        keys.range((cur, sought.saturating_sub(tol))..=(cur, sought))
            .map(|k| k.1)
            .rev()
            .collect()
    }

    /// Pass-2 candidates of one unit: same currency, amount in the fee
    /// range, in the window, payer name at or above the threshold.
    pub(super) fn candidate_edges(
        &self,
        u: OrderIx,
        blocks: &Map<(Currency, i64), Vec<LineIx>>,
        keys: &BTreeSet<(Currency, i64)>,
        crowds: &Map<(Currency, i64), Crowd>,
        edges: &mut Vec<Edge>,
    ) {
        if !self.open(u) {
            return;
        }
        let Some((cur, sought)) = self.sought(u) else {
            return;
        };
        let payer = self.payer_names(u);
        let (at, hard) = self.payment_time(u);
        let slip_day = self.slip_day(u);
        for amount in self.amount_keys(keys, cur, sought) {
            let Some(block) = blocks.get(&(cur, amount)) else {
                continue;
            };
            // (line, best name score) of the candidates.
            let mut scored: Vec<(LineIx, f64)> = Vec::new();
            let gap_ok = |l: LineIx| !hard || self.slip_line_gap_ok(l, slip_day, at);
            match crowds.get(&(cur, amount)) {
                // A crowded price: each payer name is compared only with the
                // lines that share its name keys.
                Some(crowd) => {
                    // Every payer name is looked up: the customer's name
                    // finds namesakes too, so stopping at the first name
                    // that finds a line would hide the slip sender's own
                    // line when someone else paid.
                    for p in &payer {
                        let mut cands = self.book.lookup(&crowd.index, &[*p], |k| k);
                        cands.retain(|l| gap_ok(*l));
                        self.nearest_in_time(&mut cands, at);
                        for l in cands {
                            let names = &self.line_names[l];
                            if let Some(s) = self.book.best(&[*p], names) {
                                scored.push((l, s));
                            }
                        }
                    }
                    // A typo in a word's first letters or words run together
                    // (`อนชา`, `ประเสริฐใจดี`) escape the name keys; a
                    // slip's time still finds its line: the first lines
                    // booked after the transfer are compared too, when the
                    // keys found none that soon.
                    if hard {
                        let soon = |l: LineIx| {
                            self.booked_within(
                                self.lines[l].booked_at,
                                at,
                                self.cfg.name_mismatch_gap_minutes,
                            )
                        };
                        let thr = self.cfg.name_threshold;
                        if !scored.iter().any(|(l, s)| *s >= thr && soon(*l)) {
                            let skew = self.cfg.booking_skew_minutes.clamp(0, MAX_WINDOW_MINUTES);
                            let from = at - chrono::Duration::minutes(skew);
                            let first = crowd.by_time.partition_point(|(t, _)| *t < from);
                            for (_, l) in crowd.by_time[first..]
                                .iter()
                                .take_while(|(_, l)| soon(*l))
                                .take(NEAR_SCAN)
                                .filter(|(_, l)| gap_ok(*l))
                            {
                                if let Some(s) = self.book.best(&payer, &self.line_names[*l]) {
                                    scored.push((*l, s));
                                }
                            }
                        }
                    }
                    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
                    scored.dedup_by_key(|x| x.0);
                }
                None => {
                    for l in block.iter().copied().filter(|l| gap_ok(*l)) {
                        let names = &self.line_names[l];
                        if let Some(s) = self.book.best(&payer, names) {
                            scored.push((l, s));
                        }
                    }
                }
            }
            for (l, score) in scored {
                if score < self.cfg.name_threshold || self.declined(u, l) {
                    continue;
                }
                let booked = self.lines[l].booked_at;
                let exact = i64::from(amount == sought);
                let name = (score * NAME_UNITS).round() as i64;
                let weight = if hard {
                    // The slip's time is evidence: a line booked promptly
                    // after the transfer beats a later one whatever the
                    // names (both reach the threshold), then the name, then
                    // the seconds (two namesakes paying one price a minute
                    // apart are told apart by who paid first).
                    let prompt = self.booked_within(booked, at, self.cfg.name_mismatch_gap_minutes);
                    let secs = (booked - at).num_seconds().abs().min(99_999);
                    SLIP_EVIDENCE
                        + exact * 4_000_000_000
                        + i64::from(prompt) * 2_000_000_000
                        + name * 100_000
                        + (99_999 - secs)
                } else {
                    let gap = minutes_between(booked, at);
                    exact * 100_000_000 + name * 1000 + (999 - gap.min(999))
                };
                edges.push(Edge {
                    unit: u.get(),
                    line: l.get(),
                    weight,
                });
            }
        }
    }

    pub(super) fn amount_and_name(&mut self) {
        let blocks = self.blocks();
        let keys: BTreeSet<(Currency, i64)> = if self.cfg.fee_tolerance.is_empty() {
            BTreeSet::new()
        } else {
            blocks.keys().copied().collect()
        };
        // Big blocks (a common price) get a name-key index and a time
        // order, built once.
        let mut big: Vec<(&(Currency, i64), &Vec<LineIx>)> =
            blocks.iter().filter(|(_, b)| b.len() > BIG_BLOCK).collect();
        big.sort_unstable_by_key(|(k, _)| **k);
        let crowds: Map<(Currency, i64), Crowd> = big
            .into_iter()
            .map(|(k, block)| {
                let mut index: Map<PairKey, Vec<LineIx>> = Map::default();
                for l in block {
                    for nk in self.book.index_keys(&self.line_names[*l]) {
                        index.entry(nk).or_default().push(*l);
                    }
                }
                let mut by_time: Vec<TimedLine> = block
                    .iter()
                    .map(|l| (self.lines[*l].booked_at, *l))
                    .collect();
                by_time.sort_unstable();
                (*k, Crowd { index, by_time })
            })
            .collect();
        let this = &*self;
        let edges = par_chunks(self.units.len(), |range| {
            let mut edges = Vec::new();
            for u in range {
                this.candidate_edges(OrderIx::from_usize(u), &blocks, &keys, &crowds, &mut edges);
            }
            edges
        });
        let solved = assign::solve(edges, self.cfg.exhaustive_group_limit);
        for (u, l) in solved.linked {
            self.link(OrderIx::new(u), &[LineIx::new(l)], Link::AmountName);
        }
        for (u, ls) in solved.ambiguous {
            let ls: Vec<LineIx> = ls.into_iter().map(LineIx::new).collect();
            self.mark_ambiguous(OrderIx::new(u), &ls);
        }
    }
}
