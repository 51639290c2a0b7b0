//! The rows of the exceptions table and their break lifecycle: the record
//! a row is about ([`ExcItem`]), its break columns ([`BreakRow`]), the
//! day's breaks indexed by kind and key so that each row takes its own
//! ([`BreakIndex`]), and which rows are listed at all ([`pick`]).

use chrono::{DateTime, FixedOffset};
use recon_core::carry::{self, AgeBucket, Break, ItemKind, Lifecycle};
use recon_core::{Day, Money, OrderOutcome, Slip, SlipOutcome, StatementOutcome, Status};

use super::cell::{push_day, push_u64};
use super::{HashMap, HashSet, KIND_LINE, KIND_ORDER, KIND_SLIP};

/// Where one row of the exceptions table is in the break lifecycle, kept
/// typed for the by-age figures of the Summary sheet, the page and
/// `summary.json`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BreakRow {
    pub kind: ItemKind,
    pub lifecycle: Lifecycle,
    pub age_days: u32,
    /// The row's currency, when it has one.
    pub currency: Option<recon_core::Currency>,
    /// What the by-age sums add: the order's expected amount, the
    /// statement line's money in (money going out is no exception row),
    /// the slip's amount.
    pub amount: Option<Money>,
}

impl BreakRow {
    pub(crate) fn bucket(&self) -> AgeBucket {
        AgeBucket::of(self.age_days)
    }

    pub(crate) fn is_open(&self) -> bool {
        self.lifecycle != Lifecycle::Resolved
    }
}

/// The record an exception row is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ExcItem<'a> {
    /// With its record's `ordered_at`.
    Order(&'a OrderOutcome, Option<DateTime<FixedOffset>>),
    /// With its record's `booked_at`.
    Line(&'a StatementOutcome, Option<DateTime<FixedOffset>>),
    /// With the slip as read, when it was.
    Slip(&'a SlipOutcome, Option<&'a Slip>),
    /// A break whose row is not in the result (a caller's open set out of
    /// step with its result): it names its item by key and has no amount.
    Orphan(&'a Break),
}

/// One row of the exceptions table: its record and its break columns.
#[derive(Debug, Clone)]
pub(crate) struct ExcRow<'a> {
    pub item: ExcItem<'a>,
    pub status: Status,
    pub(super) origin: Day,
    pub(super) first_seen: Day,
    pub(super) resolved_by: Option<&'a str>,
    pub brk: BreakRow,
}

impl ExcRow<'_> {
    /// The `kind` column's word.
    pub(crate) fn kind_word(&self) -> &'static str {
        match self.item {
            ExcItem::Order(..) => KIND_ORDER,
            ExcItem::Line(..) => KIND_LINE,
            ExcItem::Slip(..) => KIND_SLIP,
            ExcItem::Orphan(b) => b.kind.as_str(),
        }
    }
}

/// The breaks of the day by `(kind, key)`, each taken once.
pub(super) struct BreakIndex<'a> {
    today: Day,
    /// `today` as its carried-name prefix, `2026-11-21/`.
    prefix: String,
    /// One map per kind (orders, statement lines, slips): by key.
    by_key: [HashMap<&'a str, &'a Break>; 3],
    /// The line numbers the order and statement-line break keys end with
    /// (`…:<line>`): a row whose line is not among them has no break, and
    /// its key is never built (a million-row day has a break on a few rows).
    lines: [HashSet<u64>; 2],
    /// The key being looked up, reused from row to row.
    key: String,
}

impl<'a> BreakIndex<'a> {
    pub(super) fn new(today: Day, breaks: &'a [Break]) -> BreakIndex<'a> {
        let mut prefix = String::new();
        push_day(&mut prefix, today);
        prefix.push('/');
        BreakIndex {
            today,
            prefix,
            by_key: {
                let mut maps: [HashMap<&str, &Break>; 3] = Default::default();
                for b in breaks {
                    maps[kind_slot(b.kind)].insert(b.key.as_str(), b);
                }
                maps
            },
            lines: {
                let mut sets: [HashSet<u64>; 2] = Default::default();
                for b in breaks {
                    let slot = kind_slot(b.kind);
                    if let Some(set) = sets.get_mut(slot)
                        && let Some((_, line)) = b.key.rsplit_once(':')
                        && let Ok(line) = line.parse()
                    {
                        set.insert(line);
                    }
                }
                sets
            },
            key: String::new(),
        }
    }

    /// The break of an item named `file` (with `:line` for orders and
    /// statement lines), keyed as `carry::{order_key, line_key, slip_key}`
    /// key it.
    pub(super) fn take(
        &mut self,
        kind: ItemKind,
        file: &str,
        line: Option<u64>,
    ) -> Option<&'a Break> {
        let slot = kind_slot(kind);
        if self.by_key[slot].is_empty() {
            return None;
        }
        if let (Some(line), Some(lines)) = (line, self.lines.get(slot))
            && !lines.contains(&line)
        {
            return None;
        }
        self.key.clear();
        if carry::origin_of(file).is_none() {
            self.key.push_str(&self.prefix);
        }
        self.key.push_str(file);
        if let Some(line) = line {
            self.key.push(':');
            push_u64(&mut self.key, line);
        }
        self.by_key[slot].remove(self.key.as_str())
    }

    /// The breaks no row took.
    pub(super) fn left(&self) -> impl Iterator<Item = &'a Break> + '_ {
        self.by_key.iter().flat_map(|m| m.values().copied())
    }

    /// The break columns of a row. A row without a break (a caller that
    /// keeps no open set) is new today, aged from the day its name carries.
    pub(super) fn row<'i>(
        &self,
        item: ExcItem<'i>,
        status: Status,
        brk: Option<&'i Break>,
        key_name: &str,
        currency: Option<recon_core::Currency>,
        amount: Option<Money>,
    ) -> ExcRow<'i> {
        let (origin, lifecycle, first_seen, age_days, resolved_by) = match brk {
            Some(b) => (
                b.origin_day,
                b.lifecycle,
                b.first_seen,
                b.age_days,
                b.resolved_by.as_deref().filter(|s| !s.is_empty()),
            ),
            None => {
                let origin = carry::origin_day(key_name, self.today);
                (
                    origin,
                    Lifecycle::New,
                    self.today,
                    carry::days_between(origin, self.today),
                    None,
                )
            }
        };
        let kind = match item {
            ExcItem::Order(..) => ItemKind::Order,
            ExcItem::Line(..) => ItemKind::StatementLine,
            ExcItem::Slip(..) => ItemKind::Slip,
            ExcItem::Orphan(b) => b.kind,
        };
        ExcRow {
            item,
            status,
            origin,
            first_seen,
            resolved_by,
            brk: BreakRow {
                kind,
                lifecycle,
                age_days,
                currency,
                amount,
            },
        }
    }
}

fn kind_slot(kind: ItemKind) -> usize {
    match kind {
        ItemKind::Order => 0,
        ItemKind::StatementLine => 1,
        ItemKind::Slip => 2,
    }
}

/// Which block an outcome row goes to: every exception is listed; a
/// matched row only when it closed a break today.
pub(super) fn pick<'e, T>(
    status: Status,
    brk: Option<&Break>,
    open: &'e mut Vec<T>,
    resolved: &'e mut Vec<T>,
) -> Option<&'e mut Vec<T>> {
    if status.is_exception() {
        Some(open)
    } else if brk.is_some_and(|b| b.lifecycle == Lifecycle::Resolved) {
        Some(resolved)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use recon_core::{Currency, OrderId, SourceRef};

    #[test]
    fn break_keys_are_the_carry_keys() {
        let today: Day = "2026-11-21".parse().unwrap();
        let brk = |kind, key: String| Break {
            kind,
            key,
            origin_day: today,
            first_seen: today,
            status: Status::Unpaid,
            lifecycle: Lifecycle::New,
            age_days: 0,
            resolved_by: None,
        };
        let own = SourceRef::new("orders.csv", 7);
        let carried = SourceRef::new("2026-11-19/kbank.csv", 30);
        let line = StatementOutcome {
            line: carried.clone(),
            status: Status::StatementUnmatched,
            order_ids: vec![],
            amount: Money::from_minor(100, Currency::Thb),
            counterparty_name: None,
            reasons: vec![],
        };
        let slip = SlipOutcome {
            file: "a.png".into(),
            status: Status::Pending,
            order_ids: vec![],
            statement_line: None,
            amount: None,
            trans_ref: None,
            reasons: vec![],
        };
        let order = OrderOutcome {
            order_id: OrderId("A-1".into()),
            source: own.clone(),
            status: Status::Unpaid,
            customer_name: String::new(),
            slip: None,
            statement_lines: vec![],
            expected: Money::from_minor(100, Currency::Thb),
            paid: None,
            name_score: None,
            reasons: vec![],
        };
        let breaks = vec![
            brk(ItemKind::Order, carry::order_key(&order, today)),
            brk(ItemKind::StatementLine, carry::line_key(&line, today)),
            brk(ItemKind::Slip, carry::slip_key(&slip, today)),
        ];
        let mut index = BreakIndex::new(today, &breaks);
        assert!(
            index
                .take(ItemKind::Order, &own.file, Some(own.line))
                .is_some()
        );
        assert!(
            index
                .take(ItemKind::StatementLine, &carried.file, Some(carried.line))
                .is_some()
        );
        assert!(index.take(ItemKind::Slip, "a.png", None).is_some());
        assert_eq!(index.left().count(), 0);
    }
}
