//! Days are not islands: the items a day leaves open, carried into the next
//! runs, and the life of every break (new, persisting, resolved).
//!
//! A payment often spans two business days: paid at 23:55, booked at 00:03;
//! a slip uploaded today for yesterday's transfer; money today for an order
//! of last week. So every run ends with an *open set*: each order, statement
//! line and slip that is not `matched`, with its input record and its last
//! verdict. The ledger keeps it, and the next run starts from it:
//!
//! - items that [wait for more](Status::waits_for_more) (money, a slip, an
//!   order) go back to the matcher beside the day's own inputs, so late money
//!   matches old orders and old money matches late slips;
//! - items that need a person (amount or name mismatch, duplicate slip...)
//!   are carried unchanged: their verdict stays until someone fixes the
//!   input and reruns their day.
//!
//! A carried item keeps the name it had on its own day, prefixed with that
//! day: `2026-11-20/orders.csv:5`, `2026-11-20/slips/a.png` is written
//! `2026-11-20/a.png`. Finance staff see where it came from, and it can never
//! collide with today's `orders.csv:5`. [`origin_of`] reads the prefix back.
//!
//! Ages count calendar days from the item's own day: PromptPay and Bakong
//! settle seven days a week, so every day is a business day for Recon.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{
    Day, DayResult, Order, OrderOutcome, SlipOutcome, SlipRead, SourceRef, StatementLine,
    StatementOutcome, Status,
};

impl Status {
    /// An open item in this status may still be closed by a later day's
    /// data alone (money, a slip or an order arriving), so it goes back to
    /// the matcher. The others need a person and are carried as they are.
    pub fn waits_for_more(self) -> bool {
        matches!(
            self,
            Status::Pending
                | Status::Unpaid
                | Status::SlipNotOnStatement
                | Status::StatementUnmatched
        )
    }
}

/// The name a carried item has on later days: `<origin day>/<name>`.
/// Idempotent: a name that already carries a day is returned unchanged.
pub fn carried_name(origin: Day, name: &str) -> String {
    if origin_of(name).is_some() {
        name.to_string()
    } else {
        format!("{origin}/{name}")
    }
}

/// The day a carried name came from and the name it had on that day, or
/// `None` for an item of the day being run.
pub fn origin_of(name: &str) -> Option<(Day, &str)> {
    let (day, rest) = name.split_at_checked(10)?;
    let rest = rest.strip_prefix('/')?;
    let day: Day = day.parse().ok()?;
    // `parse` trims; a carried name is written exactly `YYYY-MM-DD/`.
    (day.to_string() == name[..10] && !rest.is_empty()).then_some((day, rest))
}

/// The day an item of `today`'s result came from.
pub fn origin_day(name: &str, today: Day) -> Day {
    origin_of(name).map_or(today, |(d, _)| d)
}

/// Whole calendar days from `from` to `to` (0 when `to` is not later).
pub fn days_between(from: Day, to: Day) -> u32 {
    (to.date() - from.date())
        .num_days()
        .clamp(0, u32::MAX as i64) as u32
}

/// What kind of record an open item or break is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Order,
    StatementLine,
    Slip,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::Order, ItemKind::StatementLine, ItemKind::Slip];

    /// The word the reports' `kind` column uses.
    pub const fn as_str(self) -> &'static str {
        match self {
            ItemKind::Order => "order",
            ItemKind::StatementLine => "statement_line",
            ItemKind::Slip => "slip",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ItemKind {
    type Err = String;

    /// The `kind` word of the reports, as a person may type it back:
    /// any case, `-` or a space for `_` (`Statement line`).
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        ItemKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "unknown kind {s:?} (expected one of {})",
                    ItemKind::ALL.map(ItemKind::as_str).join(", ")
                )
            })
    }
}

/// Where a break is in its life, as `exceptions.csv` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lifecycle {
    /// First seen open today.
    New,
    /// Open on an earlier run and still open.
    Persisting,
    /// Open on an earlier run and closed today (`resolved_by` says by what).
    Resolved,
}

impl Lifecycle {
    pub const ALL: [Lifecycle; 3] = [Lifecycle::New, Lifecycle::Persisting, Lifecycle::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::New => "new",
            Lifecycle::Persisting => "persisting",
            Lifecycle::Resolved => "resolved",
        }
    }
}

impl fmt::Display for Lifecycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The age buckets finance teams report open items in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AgeBucket {
    /// 0–1 days.
    Fresh,
    /// 2–7 days.
    Week,
    /// 8–30 days.
    Month,
    /// More than 30 days.
    Old,
}

impl AgeBucket {
    pub const ALL: [AgeBucket; 4] = [
        AgeBucket::Fresh,
        AgeBucket::Week,
        AgeBucket::Month,
        AgeBucket::Old,
    ];

    pub fn of(age_days: u32) -> AgeBucket {
        match age_days {
            0..=1 => AgeBucket::Fresh,
            2..=7 => AgeBucket::Week,
            8..=30 => AgeBucket::Month,
            _ => AgeBucket::Old,
        }
    }

    /// The label the reports print (`0-1`, `2-7`, `8-30`, `>30`).
    pub fn label(self) -> &'static str {
        match self {
            AgeBucket::Fresh => "0-1",
            AgeBucket::Week => "2-7",
            AgeBucket::Month => "8-30",
            AgeBucket::Old => ">30",
        }
    }
}

/// An input record of an open item, under its carried name. Open items are
/// few next to a day's rows, so the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum CarriedRecord {
    Order(Order),
    StatementLine(StatementLine),
    Slip(SlipRead),
}

/// The last verdict on an open item, under carried names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "outcome", rename_all = "snake_case")]
pub enum LastVerdict {
    Order(OrderOutcome),
    StatementLine(StatementOutcome),
    Slip(SlipOutcome),
}

/// One item a run left open, as the ledger keeps it for the next run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenItem {
    pub kind: ItemKind,
    /// The item's carried name: `2026-11-20/orders.csv:5`,
    /// `2026-11-20/kbank.csv:12`, `2026-11-20/a.png`. Unique in an open set.
    pub key: String,
    pub origin_day: Day,
    /// The first run day it was reported open.
    pub first_seen: Day,
    pub status: Status,
    pub record: CarriedRecord,
    pub verdict: LastVerdict,
}

/// One row of a day's break lifecycle: every open item of the day and
/// every carried item closed today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Break {
    pub kind: ItemKind,
    /// The item's carried name (see [`OpenItem::key`]).
    pub key: String,
    pub origin_day: Day,
    pub first_seen: Day,
    /// Today's status; `matched` when resolved.
    pub status: Status,
    pub lifecycle: Lifecycle,
    /// Calendar days from the item's own day to today.
    pub age_days: u32,
    /// For a resolved break: what closed it (statement lines, slip, orders).
    pub resolved_by: Option<String>,
}

impl Break {
    pub fn age_bucket(&self) -> AgeBucket {
        AgeBucket::of(self.age_days)
    }
}

/// The key of an order outcome of `today`'s result.
pub fn order_key(o: &OrderOutcome, today: Day) -> String {
    source_key(&o.source, today)
}

/// The key of a statement outcome of `today`'s result.
pub fn line_key(l: &StatementOutcome, today: Day) -> String {
    source_key(&l.line, today)
}

/// The key of a slip outcome of `today`'s result.
pub fn slip_key(s: &SlipOutcome, today: Day) -> String {
    carried_name(today, &s.file)
}

fn source_key(source: &SourceRef, today: Day) -> String {
    format!("{}:{}", carried_name(today, &source.file), source.line)
}

fn carry_source(source: &SourceRef, day: Day) -> SourceRef {
    SourceRef::new(carried_name(day, &source.file), source.line)
}

/// `today`'s own inputs, so that open items can keep their records.
#[derive(Debug, Clone, Copy)]
pub struct DayInputs<'a> {
    pub orders: &'a [Order],
    pub lines: &'a [StatementLine],
    pub slips: &'a [SlipRead],
}

/// Splits the open set left by an earlier run into what goes back to the
/// matcher (records, under carried names) and what is carried unchanged.
pub fn split_open(open: &[OpenItem]) -> (CarriedInputs, Vec<&OpenItem>) {
    let mut rematch = CarriedInputs::default();
    let mut frozen = Vec::new();
    for item in open {
        if !item.status.waits_for_more() {
            frozen.push(item);
            continue;
        }
        match &item.record {
            CarriedRecord::Order(o) => rematch.orders.push(o.clone()),
            CarriedRecord::StatementLine(l) => rematch.lines.push(l.clone()),
            CarriedRecord::Slip(s) => rematch.slips.push(s.clone()),
        }
    }
    (rematch, frozen)
}

/// Carried records to match beside the day's own inputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CarriedInputs {
    pub orders: Vec<Order>,
    pub lines: Vec<StatementLine>,
    pub slips: Vec<SlipRead>,
}

/// Adds the frozen open items' last verdicts to `result`, keeping its
/// deterministic order (orders by id then source, lines by source, slips by
/// file).
pub fn append_frozen(result: &mut DayResult, frozen: &[&OpenItem]) {
    for item in frozen {
        match &item.verdict {
            LastVerdict::Order(o) => result.orders.push(o.clone()),
            LastVerdict::StatementLine(l) => result.statement.push(l.clone()),
            LastVerdict::Slip(s) => result.slips.push(s.clone()),
        }
    }
    if !frozen.is_empty() {
        result
            .orders
            .sort_by(|a, b| (&a.order_id, &a.source).cmp(&(&b.order_id, &b.source)));
        result.statement.sort_by(|a, b| a.line.cmp(&b.line));
        result.slips.sort_by(|a, b| a.file.cmp(&b.file));
    }
}

/// The open items that expire `today` (carried longer than the look-back
/// without a decision), as they last stood with `expired` added to their
/// reasons: shown once more, then no longer carried.
pub fn expire(items: &[OpenItem], today: Day) -> Vec<OpenItem> {
    use crate::{Reason, ReasonCode};
    items
        .iter()
        .map(|i| {
            let mut i = i.clone();
            let why = Reason::with(
                ReasonCode::Expired,
                format!("{} days open", days_between(i.origin_day, today)),
            );
            match &mut i.verdict {
                LastVerdict::Order(o) => o.reasons.push(why),
                LastVerdict::StatementLine(l) => l.reasons.push(why),
                LastVerdict::Slip(s) => s.reasons.push(why),
            }
            i
        })
        .collect()
}

/// The break lifecycle of `today`: one [`Break`] per open outcome of
/// `result` (money going out excepted) and per item of `previous` closed
/// today. `previous` is the open
/// set the run started from (after the look-back).
pub fn breaks(today: Day, result: &DayResult, previous: &[OpenItem]) -> Vec<Break> {
    let before: BTreeMap<(ItemKind, &str), &OpenItem> = previous
        .iter()
        .map(|i| ((i.kind, i.key.as_str()), i))
        .collect();
    let mut out = Vec::new();
    let mut push = |kind: ItemKind, key: String, status: Status, closed_by: Vec<String>| {
        let origin_day = origin_day(&key, today);
        let earlier = before.get(&(kind, key.as_str()));
        // `matched` and a person's `resolved` close a break.
        let (lifecycle, first_seen, resolved_by) = match (earlier, status.is_exception()) {
            (None, false) => return,
            (None, true) => (Lifecycle::New, today, None),
            (Some(e), false) => {
                let by = if status == Status::Resolved {
                    "decision".to_string()
                } else {
                    closed_by.join("|")
                };
                (Lifecycle::Resolved, e.first_seen, Some(by))
            }
            (Some(e), true) => (Lifecycle::Persisting, e.first_seen, None),
        };
        out.push(Break {
            kind,
            key,
            origin_day,
            first_seen,
            status,
            lifecycle,
            age_days: days_between(origin_day, today),
            resolved_by,
        });
    };
    for o in &result.orders {
        let mut by: Vec<String> = o.slip.iter().cloned().collect();
        by.extend(o.statement_lines.iter().map(ToString::to_string));
        push(ItemKind::Order, order_key(o, today), o.status, by);
    }
    // Money going out is no payment: it is no break (and no exception row,
    // no case), and it is never carried.
    for l in result.statement.iter().filter(|l| l.amount.is_positive()) {
        let by = l.order_ids.iter().map(|id| id.0.clone()).collect();
        push(ItemKind::StatementLine, line_key(l, today), l.status, by);
    }
    for s in &result.slips {
        let mut by: Vec<String> = s.statement_line.iter().map(ToString::to_string).collect();
        by.extend(s.order_ids.iter().map(|id| id.0.clone()));
        push(ItemKind::Slip, slip_key(s, today), s.status, by);
    }
    out.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    out
}

/// The open set `today`'s run leaves for the next: every outcome of
/// `result` that is not `matched` (except money going out), with its record (from today's inputs or
/// from `previous`) and its verdict, all under carried names.
pub fn open_after(
    today: Day,
    result: &DayResult,
    inputs: DayInputs<'_>,
    previous: &[OpenItem],
    breaks: &[Break],
) -> Vec<OpenItem> {
    // Look-ups only, a million of each on a big day: hashed, not sorted.
    type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
    let first_seen: Map<(ItemKind, &str), Day> = breaks
        .iter()
        .map(|b| ((b.kind, b.key.as_str()), b.first_seen))
        .collect();
    let carried: Map<(ItemKind, &str), &CarriedRecord> = previous
        .iter()
        .map(|i| ((i.kind, i.key.as_str()), &i.record))
        .collect();
    let orders: Map<&SourceRef, &Order> = inputs.orders.iter().map(|o| (&o.source, o)).collect();
    let lines: Map<&SourceRef, &StatementLine> =
        inputs.lines.iter().map(|l| (&l.source, l)).collect();
    let slips: Map<&str, &SlipRead> = inputs.slips.iter().map(|s| (s.file(), s)).collect();

    let open = |s: Status| s.is_exception();
    let mut out = Vec::with_capacity(
        result.orders.iter().filter(|o| open(o.status)).count()
            + result.statement.iter().filter(|l| open(l.status)).count()
            + result.slips.iter().filter(|s| open(s.status)).count(),
    );
    let mut push =
        |kind: ItemKind, key: String, status: Status, own: Option<CarriedRecord>, verdict| {
            let record = match own {
                Some(r) => r,
                // Not among today's inputs: carried in (re-matched or frozen).
                None => match carried.get(&(kind, key.as_str())) {
                    Some(r) => (*r).clone(),
                    // An outcome with no record cannot be carried; it cannot
                    // happen (every outcome comes from an input or the open set).
                    None => return,
                },
            };
            out.push(OpenItem {
                origin_day: origin_day(&key, today),
                first_seen: first_seen
                    .get(&(kind, key.as_str()))
                    .copied()
                    .unwrap_or(today),
                kind,
                key,
                status,
                record,
                verdict,
            });
        };
    for o in result.orders.iter().filter(|o| o.status.is_exception()) {
        let own = orders
            .get(&o.source)
            .filter(|_| origin_of(&o.source.file).is_none())
            .map(|r| CarriedRecord::Order(carry_order(r, today)));
        let verdict = LastVerdict::Order(carry_order_outcome(o, today));
        push(ItemKind::Order, order_key(o, today), o.status, own, verdict);
    }
    // Money out (refunds, fees, transfers to suppliers) is reported on its
    // day and not carried: no later order or slip can claim it.
    for l in result
        .statement
        .iter()
        .filter(|l| l.status.is_exception() && l.amount.is_positive())
    {
        let own = lines
            .get(&l.line)
            .filter(|_| origin_of(&l.line.file).is_none())
            .map(|r| CarriedRecord::StatementLine(carry_line(r, today)));
        let verdict = LastVerdict::StatementLine(carry_line_outcome(l, today));
        push(
            ItemKind::StatementLine,
            line_key(l, today),
            l.status,
            own,
            verdict,
        );
    }
    for s in result.slips.iter().filter(|s| s.status.is_exception()) {
        let own = slips
            .get(s.file.as_str())
            .filter(|_| origin_of(&s.file).is_none())
            .map(|r| CarriedRecord::Slip(carry_slip(r, today)));
        let verdict = LastVerdict::Slip(carry_slip_outcome(s, today));
        push(ItemKind::Slip, slip_key(s, today), s.status, own, verdict);
    }
    out.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    out
}

/// An order under carried names (its source and its slip).
pub fn carry_order(o: &Order, day: Day) -> Order {
    let mut o = o.clone();
    o.source = carry_source(&o.source, day);
    o.slip = o.slip.map(|s| carried_name(day, &s));
    o
}

pub fn carry_line(l: &StatementLine, day: Day) -> StatementLine {
    let mut l = l.clone();
    l.source = carry_source(&l.source, day);
    l
}

pub fn carry_slip(s: &SlipRead, day: Day) -> SlipRead {
    match s.clone() {
        SlipRead::Read(mut slip) => {
            slip.file = slip.file.map(|f| carried_name(day, &f));
            SlipRead::Read(slip)
        }
        SlipRead::Unreadable { file, reason } => SlipRead::Unreadable {
            file: carried_name(day, &file),
            reason,
        },
        SlipRead::Pending { file, reason } => SlipRead::Pending {
            file: carried_name(day, &file),
            reason,
        },
    }
}

fn carry_order_outcome(o: &OrderOutcome, day: Day) -> OrderOutcome {
    let mut o = o.clone();
    o.source = carry_source(&o.source, day);
    o.slip = o.slip.map(|s| carried_name(day, &s));
    o.statement_lines = o
        .statement_lines
        .iter()
        .map(|l| carry_source(l, day))
        .collect();
    o
}

fn carry_line_outcome(l: &StatementOutcome, day: Day) -> StatementOutcome {
    let mut l = l.clone();
    l.line = carry_source(&l.line, day);
    l
}

fn carry_slip_outcome(s: &SlipOutcome, day: Day) -> SlipOutcome {
    let mut s = s.clone();
    s.file = carried_name(day, &s.file);
    s.statement_line = s.statement_line.map(|l| carry_source(&l, day));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, Money, OrderId, Party, Reason};
    use chrono::{DateTime, FixedOffset};

    fn day(s: &str) -> Day {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    fn order(line: u64, id: &str, slip: Option<&str>) -> Order {
        Order {
            source: SourceRef::new("orders.csv", line),
            order_id: OrderId(id.into()),
            customer_name: "สมชาย ใจดี".into(),
            amount: Money::from_minor(10_000, Currency::Thb),
            ordered_at: at("2026-11-20T23:50:00+07:00"),
            slip: slip.map(Into::into),
        }
    }

    fn order_outcome(o: &Order, status: Status, lines: &[SourceRef]) -> OrderOutcome {
        OrderOutcome {
            order_id: o.order_id.clone(),
            source: o.source.clone(),
            status,
            customer_name: o.customer_name.clone(),
            slip: o.slip.clone(),
            statement_lines: lines.to_vec(),
            expected: o.amount,
            paid: None,
            name_score: None,
            reasons: vec![Reason {
                code: "test".into(),
                detail: None,
            }],
        }
    }

    fn line(file: &str, n: u64) -> StatementLine {
        StatementLine {
            source: SourceRef::new(file, n),
            account: "1234567890".into(),
            booked_at: at("2026-11-21T00:03:00+07:00"),
            amount: Money::from_minor(10_000, Currency::Thb),
            counterparty: Party::default(),
            reference: None,
            description: None,
        }
    }

    fn result(d: Day, orders: Vec<OrderOutcome>) -> DayResult {
        DayResult {
            day: d,
            orders,
            statement: vec![],
            slips: vec![],
        }
    }

    #[test]
    fn kind_words_read_back_and_wrong_words_name_the_choices() {
        for k in ItemKind::ALL {
            assert_eq!(k.as_str().parse::<ItemKind>().unwrap(), k);
            assert_eq!(k.to_string(), k.as_str());
        }
        assert_eq!(
            " Statement Line ".parse::<ItemKind>().unwrap(),
            ItemKind::StatementLine
        );
        assert_eq!(
            "statement-line".parse::<ItemKind>().unwrap(),
            ItemKind::StatementLine
        );
        let err = "line".parse::<ItemKind>().unwrap_err();
        assert!(
            err.contains("\"line\"") && err.contains("statement_line"),
            "{err}"
        );
        assert!("".parse::<ItemKind>().is_err());
    }

    #[test]
    fn carried_names_round_trip_and_never_stack() {
        let d = day("2026-11-20");
        let name = carried_name(d, "kbank.csv");
        assert_eq!(name, "2026-11-20/kbank.csv");
        assert_eq!(carried_name(day("2026-11-21"), &name), name);
        assert_eq!(origin_of(&name), Some((d, "kbank.csv")));
        assert_eq!(origin_of("kbank.csv"), None);
        assert_eq!(origin_of("2026-11-20/"), None);
        assert_eq!(origin_of("2026-13-20/x.csv"), None);
        assert_eq!(origin_of(" 026-11-20/x.csv"), None);
        assert_eq!(origin_of("2026-11-20x.csv"), None);
        // Multi-byte names never split inside a character.
        assert_eq!(origin_of("สลิปโอนเงิน.png"), None);
        assert_eq!(origin_day("a.png", d), d);
        assert_eq!(origin_day("2026-11-01/a.png", d), day("2026-11-01"));
    }

    #[test]
    fn ages_fall_in_the_finance_buckets() {
        let labels: Vec<&str> = [0, 1, 2, 7, 8, 30, 31, 400]
            .map(|a| AgeBucket::of(a).label())
            .to_vec();
        assert_eq!(
            labels,
            ["0-1", "0-1", "2-7", "2-7", "8-30", "8-30", ">30", ">30"]
        );
        assert_eq!(days_between(day("2026-11-20"), day("2026-12-01")), 11);
        assert_eq!(days_between(day("2026-12-01"), day("2026-11-20")), 0);
    }

    #[test]
    fn an_open_order_is_new_then_persisting_then_resolved() {
        let d1 = day("2026-11-20");
        let d2 = day("2026-11-21");
        let d3 = day("2026-11-22");
        let o = order(5, "A-1", Some("a.png"));
        let other = order(6, "A-2", None);

        // Day 1: A-1 waits for its money, A-2 is paid.
        let r1 = result(
            d1,
            vec![
                order_outcome(&o, Status::Pending, &[]),
                order_outcome(&other, Status::Matched, &[SourceRef::new("k.csv", 2)]),
            ],
        );
        let b1 = breaks(d1, &r1, &[]);
        assert_eq!(b1.len(), 1);
        assert_eq!(b1[0].key, "2026-11-20/orders.csv:5");
        assert_eq!(b1[0].lifecycle, Lifecycle::New);
        let inputs = [o.clone(), other.clone()];
        let open1 = open_after(
            d1,
            &r1,
            DayInputs {
                orders: &inputs,
                lines: &[],
                slips: &[],
            },
            &[],
            &b1,
        );
        assert_eq!(open1.len(), 1);
        let CarriedRecord::Order(carried) = &open1[0].record else {
            panic!("an order was expected: {:?}", open1[0].record)
        };
        assert_eq!(carried.source.to_string(), "2026-11-20/orders.csv:5");
        assert_eq!(carried.slip.as_deref(), Some("2026-11-20/a.png"));

        // Day 2: carried back in, still waiting: persisting, age 1.
        let (rematch, frozen) = split_open(&open1);
        assert_eq!(rematch.orders.len(), 1);
        assert!(frozen.is_empty());
        let r2 = result(
            d2,
            vec![order_outcome(
                &rematch.orders[0],
                Status::SlipNotOnStatement,
                &[],
            )],
        );
        let b2 = breaks(d2, &r2, &open1);
        assert_eq!(
            (b2[0].lifecycle, b2[0].first_seen, b2[0].age_days),
            (Lifecycle::Persisting, d1, 1)
        );
        let open2 = open_after(
            d2,
            &r2,
            DayInputs {
                orders: &[],
                lines: &[],
                slips: &[],
            },
            &open1,
            &b2,
        );
        assert_eq!(open2.len(), 1);
        assert_eq!(open2[0].first_seen, d1);
        assert_eq!(open2[0].record, open1[0].record);

        // Day 3: the money lands; resolved by that line.
        let (rematch, _) = split_open(&open2);
        let paid_by = carry_line(&line("kbank.csv", 9), d3);
        let r3 = result(
            d3,
            vec![order_outcome(
                &rematch.orders[0],
                Status::Matched,
                std::slice::from_ref(&paid_by.source),
            )],
        );
        let b3 = breaks(d3, &r3, &open2);
        assert_eq!(b3.len(), 1);
        assert_eq!(b3[0].lifecycle, Lifecycle::Resolved);
        assert_eq!(b3[0].age_days, 2);
        assert_eq!(
            b3[0].resolved_by.as_deref(),
            Some("2026-11-20/a.png|2026-11-22/kbank.csv:9")
        );
        assert!(
            open_after(
                d3,
                &r3,
                DayInputs {
                    orders: &[],
                    lines: &[],
                    slips: &[]
                },
                &open2,
                &b3
            )
            .is_empty()
        );
    }

    #[test]
    fn a_break_that_needs_a_person_is_carried_unchanged() {
        let d1 = day("2026-11-20");
        let d2 = day("2026-11-21");
        let o = order(7, "B-1", None);
        let l = line("kbank.csv", 3);
        let r1 = result(
            d1,
            vec![order_outcome(
                &o,
                Status::AmountMismatch,
                std::slice::from_ref(&l.source),
            )],
        );
        let b1 = breaks(d1, &r1, &[]);
        let open1 = open_after(
            d1,
            &r1,
            DayInputs {
                orders: std::slice::from_ref(&o),
                lines: &[l],
                slips: &[],
            },
            &[],
            &b1,
        );
        let (rematch, frozen) = split_open(&open1);
        assert!(rematch.orders.is_empty());
        assert_eq!(frozen.len(), 1);

        let mut r2 = result(d2, vec![]);
        append_frozen(&mut r2, &frozen);
        assert_eq!(r2.orders.len(), 1);
        assert_eq!(r2.orders[0].source.to_string(), "2026-11-20/orders.csv:7");
        assert_eq!(
            r2.orders[0].statement_lines[0].to_string(),
            "2026-11-20/kbank.csv:3"
        );
        let b2 = breaks(d2, &r2, &open1);
        assert_eq!(b2[0].lifecycle, Lifecycle::Persisting);
        assert_eq!(b2[0].status, Status::AmountMismatch);
        assert_eq!(b2[0].age_bucket(), AgeBucket::Fresh);
    }

    #[test]
    fn money_out_is_not_carried() {
        let d1 = day("2026-11-20");
        let mut out = line("kbank.csv", 4);
        out.amount = Money::from_minor(-5_000, Currency::Thb);
        let incoming = line("kbank.csv", 5);
        let verdict = |l: &StatementLine| StatementOutcome {
            line: l.source.clone(),
            status: Status::StatementUnmatched,
            order_ids: vec![],
            amount: l.amount,
            counterparty_name: None,
            reasons: vec![],
        };
        let mut r1 = result(d1, vec![]);
        r1.statement = vec![verdict(&out), verdict(&incoming)];
        let b1 = breaks(d1, &r1, &[]);
        let broken: Vec<&str> = b1.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(broken, ["2026-11-20/kbank.csv:5"], "money out is no break");
        let lines = [out, incoming];
        let open = open_after(
            d1,
            &r1,
            DayInputs {
                orders: &[],
                lines: &lines,
                slips: &[],
            },
            &[],
            &b1,
        );
        let keys: Vec<&str> = open.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(keys, ["2026-11-20/kbank.csv:5"]);
    }

    #[test]
    fn open_items_survive_json() {
        let d1 = day("2026-11-20");
        let o = order(5, "A-1", None);
        let r1 = result(d1, vec![order_outcome(&o, Status::Unpaid, &[])]);
        let b1 = breaks(d1, &r1, &[]);
        let open = open_after(
            d1,
            &r1,
            DayInputs {
                orders: &[o],
                lines: &[],
                slips: &[],
            },
            &[],
            &b1,
        );
        let json = serde_json::to_string(&open).unwrap();
        let back: Vec<OpenItem> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, open);
    }
}
