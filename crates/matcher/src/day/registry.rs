//! Pass 0, the slip registry: which order uses which slip, and which use
//! is a duplicate of an earlier one (today, or a day in the ledger).

use super::*;

impl<'a> Ctx<'a> {
    pub(super) fn register_slips(&mut self) {
        let mut by_file: Map<&str, SlipIx> = map_with_capacity(self.slips.len());
        for (i, s) in self.slips.iter_enumerated() {
            by_file.entry(s.file).or_insert(i);
        }
        // Orders that name a slip file, in the order they were placed: the
        // first use of a slip is the genuine one. A slip carried from an
        // earlier day was there first.
        let mut uses: Vec<(Day, DateTime<FixedOffset>, OrderIx, SlipIx)> = Vec::new();
        for (o, order) in self.orders.iter_enumerated() {
            let Some(file) = order.slip.as_deref().filter(|f| !f.trim().is_empty()) else {
                continue;
            };
            match by_file.get(file.trim()) {
                Some(s) => {
                    self.units[o].slip = Some(*s);
                    self.slips[*s].users.push(o);
                    uses.push((self.slips[*s].origin, order.ordered_at, o, *s));
                }
                None => self.units[o].slip_missing = true,
            }
        }
        uses.sort_unstable();

        let prior = self.input.prior_uses;
        // Most slips have two keys (transRef and file name); the map grows
        // for the few with a QR payload or an image hash.
        let mut first: Map<(u8, &str), OrderIx> = map_with_capacity(uses.len() * 2);
        let mut followers: BTreeMap<OrderIx, Vec<OrderIx>> = BTreeMap::new();
        for (_, _, o, s) in uses {
            let info = &self.slips[s];
            let keys = slip_keys(info);
            if let Some(reasons) = prior_hit(keys.as_slice(), prior, info) {
                self.units[o].dup = reasons;
                continue;
            }
            let original = keys.as_slice().iter().find_map(|k| first.get(k).copied());
            match original {
                Some(o0) => followers.entry(o0).or_default().push(o),
                None => {
                    for k in keys.as_slice() {
                        first.insert(*k, o);
                    }
                }
            }
        }
        // Several orders on one slip: one transfer for several orders of the
        // same customer when the slip's amount is exactly their sum;
        // otherwise every later use is a duplicate.
        for (o0, fs) in followers {
            if self.pays_together(o0, &fs) {
                for f in &fs {
                    self.units[*f].leader = Some(o0);
                }
                self.units[o0].followers = fs;
            } else {
                let orig = self.order_at_day(o0);
                for f in fs {
                    self.units[f].dup = vec![Reason::with(ReasonCode::DuplicateOf, &orig)];
                }
            }
        }
        // Slips no order names: a reused copy, or a slip whose remark names
        // an order that has no slip yet.
        for s in self.slips.indices() {
            let info = &self.slips[s];
            if !info.users.is_empty() {
                continue;
            }
            let keys = slip_keys(info);
            let keys: Vec<(u8, &str)> = keys
                .as_slice()
                .iter()
                .copied()
                .filter(|k| k.0 != 3)
                .collect();
            if let Some(reasons) = prior_hit(&keys, prior, info) {
                self.slips[s].dup = reasons;
                continue;
            }
            if let Some(o0) = keys.iter().find_map(|k| first.get(k).copied()) {
                let orig = self.order_at_day(o0);
                self.slips[s].dup = vec![Reason::with(ReasonCode::DuplicateOf, orig)];
                continue;
            }
            let Some(remark) = info.slip().and_then(|x| x.remark.as_deref()) else {
                continue;
            };
            let found: BTreeSet<OrderIx> = words(remark)
                .filter_map(|w| self.order_by_id.get(w).copied())
                .collect();
            if found.len() == 1
                && let Some(o) = found.first().copied()
            {
                let unit = &mut self.units[o];
                if unit.slip.is_none() && !unit.slip_missing {
                    unit.slip = Some(s);
                    unit.slip_by_remark = true;
                    self.slips[s].users.push(o);
                }
            }
        }
    }

    pub(super) fn pays_together(&self, o0: OrderIx, fs: &[OrderIx]) -> bool {
        let Some(slip) = self.units[o0].slip.and_then(|s| self.slips[s].slip()) else {
            return false;
        };
        let Some(paid) = slip.amount.as_ref().and_then(minor) else {
            return false;
        };
        let cur = self.orders[o0].amount.currency;
        let mut sum = 0i64;
        for o in std::iter::once(&o0).chain(fs) {
            let a = &self.orders[*o].amount;
            if a.currency != cur {
                return false;
            }
            match minor(a) {
                Some(m) => sum += m,
                None => return false,
            }
        }
        let same_customer = fs.iter().all(|f| {
            self.book.score(self.customer[o0], self.customer[*f]) >= self.cfg.name_threshold
        });
        sum == paid && same_customer
    }
}

/// A slip's registry keys, borrowed, plus its file name (kind 3) so that the
/// same file named by two orders is one slip. At most four: no allocation.
#[derive(Clone, Copy)]
pub(super) struct SlipKeys<'s> {
    pub(super) items: [(u8, &'s str); 4],
    pub(super) len: usize,
}

impl<'s> SlipKeys<'s> {
    pub(super) fn as_slice(&self) -> &[(u8, &'s str)] {
        &self.items[..self.len]
    }
}

pub(super) fn slip_keys<'s>(info: &SlipInfo<'s>) -> SlipKeys<'s> {
    let mut keys = SlipKeys {
        items: [(0, ""); 4],
        len: 0,
    };
    let mut push = |k: (u8, &'s str)| {
        keys.items[keys.len] = k;
        keys.len += 1;
    };
    if let SlipKind::Read(s) = info.kind {
        if let Some(t) = &s.trans_ref {
            push((0, t.0.as_str()));
        }
        if let Some(q) = &s.qr_payload {
            push((1, q.as_str()));
        }
        if let Some(h) = &s.image_sha256 {
            push((2, h.as_str()));
        }
    }
    if !info.file.is_empty() {
        push((3, info.file));
    }
    keys
}

/// The earlier use of one of `keys` in the ledger, as reasons. A carried
/// slip's own registration on the day it came in (or on a day it was carried
/// through) is the slip itself, not an earlier use.
pub(super) fn prior_hit(
    keys: &[(u8, &str)],
    prior: &BTreeMap<SlipKey, recon_core::PriorUse>,
    slip: &SlipInfo,
) -> Option<Vec<Reason>> {
    if prior.is_empty() {
        return None;
    }
    let itself = |p: &recon_core::PriorUse| {
        recon_core::carry::origin_of(slip.file)
            .is_some_and(|(d, name)| p.file == slip.file || (p.day == d && p.file == name))
    };
    for (kind, v) in keys {
        let key = match kind {
            0 => SlipKey::TransRef(v.to_string()),
            1 => SlipKey::QrPayload(v.to_string()),
            2 => SlipKey::ImageSha256(v.to_string()),
            _ => continue,
        };
        if let Some(p) = prior.get(&key).filter(|p| !itself(p)) {
            let who = p
                .order_id
                .as_ref()
                .map_or_else(|| p.file.clone(), |o| o.0.clone());
            return Some(vec![
                Reason::with(ReasonCode::DuplicateOf, format!("{who}@{}", p.day)),
                Reason::with(ReasonCode::DuplicateKey, key.kind()),
            ]);
        }
    }
    None
}
