//! The four tables of a day's reports, as typed cells. CSV, XLSX and HTML
//! all render from here, so the three never disagree about a row.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use recon_core::carry::{self, AgeBucket, Break, ItemKind, Lifecycle};
use recon_core::{
    Day, DayResult, Money, NameScore, OrderId, Rejection, SlipRead, SourceRef, Status, join_reasons,
};

use crate::{DayRecords, ReportInput};

/// One cell, with its type kept so the XLSX can write numbers as numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Money(Money),
    Score(NameScore),
    Time(DateTime<FixedOffset>),
    /// A calendar day (`origin_day`, `first_seen`): a date cell in the XLSX.
    Date(Day),
    Count(u64),
}

impl Cell {
    fn text_opt(s: Option<&str>) -> Cell {
        match s {
            Some(s) => Cell::Text(s.to_string()),
            None => Cell::Empty,
        }
    }

    fn money_opt(m: Option<Money>) -> Cell {
        m.map_or(Cell::Empty, Cell::Money)
    }

    fn time_opt(t: Option<DateTime<FixedOffset>>) -> Cell {
        t.map_or(Cell::Empty, Cell::Time)
    }

    /// The CSV form (before formula defusing).
    pub(crate) fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Money(m) => m.plain(),
            Cell::Score(s) if s.is_finite() => format!("{s:.3}"),
            Cell::Score(_) => String::new(),
            Cell::Time(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, false),
            Cell::Date(d) => d.to_string(),
            Cell::Count(n) => n.to_string(),
        }
    }
}

/// One row; `status` drives the highlighting of exception rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    pub status: Option<Status>,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    /// The CSV file name.
    pub file: &'static str,
    /// The XLSX sheet name.
    pub sheet: &'static str,
    pub header: &'static [&'static str],
    pub rows: Vec<Row>,
}

/// What an exception row is about.
pub(crate) const KIND_ORDER: &str = "order";
pub(crate) const KIND_LINE: &str = "statement_line";
pub(crate) const KIND_SLIP: &str = "slip";

pub(crate) const RECONCILIATION_HEADER: &[&str] = &[
    "order_id",
    "status",
    "slip",
    "statement_line",
    "expected_amount",
    "paid_amount",
    "currency",
    "name_score",
    "reasons",
    "customer_name",
    "ordered_at",
    "source",
    "origin_day",
];
pub(crate) const STATEMENT_HEADER: &[&str] = &[
    "statement_line",
    "status",
    "order_id",
    "amount",
    "currency",
    "counterparty_name",
    "reasons",
    "booked_at",
    "reference",
    "origin_day",
];
pub(crate) const EXCEPTIONS_HEADER: &[&str] = &[
    "kind",
    "id",
    "status",
    "amount",
    "currency",
    "reasons",
    "name",
    "related",
    "at",
    "origin_day",
    "lifecycle",
    "first_seen",
    "age_days",
    "age_bucket",
    "resolved_by",
];
pub(crate) const QUARANTINE_HEADER: &[&str] = &["file", "line", "column", "value", "reason"];

/// Column index of `status` in the exceptions table (for charts).
pub(crate) const EXC_STATUS: usize = 2;
/// Column index of `origin_day` in the exceptions table; the break columns
/// follow it in [`EXCEPTIONS_HEADER`] order.
pub(crate) const EXC_ORIGIN: usize = 9;

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
    /// What the by-age sums add: the order's expected amount, a statement
    /// line's money in (money out is counted, never summed, as in the
    /// statement section), the slip's amount.
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

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tables {
    pub reconciliation: Table,
    pub statement: Table,
    pub exceptions: Table,
    /// One per row of `exceptions`, same order.
    pub breaks: Vec<BreakRow>,
    pub quarantine: Table,
}

impl Tables {
    pub(crate) fn all(&self) -> [&Table; 4] {
        [
            &self.reconciliation,
            &self.statement,
            &self.exceptions,
            &self.quarantine,
        ]
    }
}

fn join_ids<T: std::fmt::Display>(ids: &[T]) -> Cell {
    if ids.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(
            ids.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("|"),
        )
    }
}

fn reasons_cell(reasons: &[recon_core::Reason]) -> Cell {
    if reasons.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(join_reasons(reasons))
    }
}

/// Lookups into the optional input rows. Carried records come under their
/// carried names (`2026-11-20/orders.csv:5`, `2026-11-20/a.png`), exactly
/// as their outcome rows name them, so the same joins find them.
struct Lookup<'a> {
    /// By source first: an order id may come back on a later day (a carried
    /// order and today's order with the same id are different rows).
    ordered_at_by_source: BTreeMap<&'a SourceRef, DateTime<FixedOffset>>,
    ordered_at_by_id: BTreeMap<&'a OrderId, DateTime<FixedOffset>>,
    lines: BTreeMap<&'a SourceRef, &'a recon_core::StatementLine>,
    slips: BTreeMap<&'a str, &'a recon_core::Slip>,
}

impl<'a> Lookup<'a> {
    fn new(records: &DayRecords<'a>) -> Lookup<'a> {
        let mut slips = BTreeMap::new();
        for read in records.slips {
            if let SlipRead::Read(slip) = read
                && let Some(file) = slip.file.as_deref()
            {
                slips.insert(file, slip);
            }
        }
        Lookup {
            ordered_at_by_source: records
                .orders
                .iter()
                .map(|o| (&o.source, o.ordered_at))
                .collect(),
            ordered_at_by_id: records
                .orders
                .iter()
                .map(|o| (&o.order_id, o.ordered_at))
                .collect(),
            lines: records.lines.iter().map(|l| (&l.source, l)).collect(),
            slips,
        }
    }

    fn ordered_at(&self, o: &recon_core::OrderOutcome) -> Option<DateTime<FixedOffset>> {
        self.ordered_at_by_source
            .get(&o.source)
            .or_else(|| self.ordered_at_by_id.get(&o.order_id))
            .copied()
    }
}

/// The breaks of the day by `(kind, key)`, each taken once.
struct BreakIndex<'a> {
    today: Day,
    by_key: BTreeMap<(ItemKind, String), &'a Break>,
}

impl<'a> BreakIndex<'a> {
    fn new(today: Day, breaks: &'a [Break]) -> BreakIndex<'a> {
        BreakIndex {
            today,
            by_key: breaks
                .iter()
                .map(|b| ((b.kind, b.key.clone()), b))
                .collect(),
        }
    }

    fn take(&mut self, kind: ItemKind, key: &str) -> Option<&'a Break> {
        if self.by_key.is_empty() {
            return None;
        }
        self.by_key.remove(&(kind, key.to_string()))
    }

    /// The break columns of a row and its typed form. A row without a
    /// break (a caller that keeps no open set) is new today, aged from the
    /// day its name carries.
    fn cells(
        &self,
        kind: ItemKind,
        key: &str,
        brk: Option<&Break>,
        currency: Option<recon_core::Currency>,
        amount: Option<Money>,
    ) -> (Vec<Cell>, BreakRow) {
        let (origin, lifecycle, first_seen, age_days, resolved_by) = match brk {
            Some(b) => (
                b.origin_day,
                b.lifecycle,
                b.first_seen,
                b.age_days,
                b.resolved_by.as_deref().filter(|s| !s.is_empty()),
            ),
            None => {
                let origin = carry::origin_day(key, self.today);
                (
                    origin,
                    Lifecycle::New,
                    self.today,
                    carry::days_between(origin, self.today),
                    None,
                )
            }
        };
        let cells = vec![
            Cell::Date(origin),
            Cell::Text(lifecycle.as_str().into()),
            Cell::Date(first_seen),
            Cell::Count(age_days.into()),
            Cell::Text(AgeBucket::of(age_days).label().into()),
            Cell::text_opt(resolved_by),
        ];
        let row = BreakRow {
            kind,
            lifecycle,
            age_days,
            currency,
            amount,
        };
        (cells, row)
    }
}

/// Money in only: a money-out line is counted in the by-age figures but
/// never summed with payments.
fn money_in(m: Money) -> Option<Money> {
    m.is_positive().then_some(m)
}

pub(crate) fn build(input: &ReportInput, records: &DayRecords) -> Tables {
    let result: &DayResult = input.result;
    let today = result.day;
    let look = Lookup::new(records);
    let mut index = BreakIndex::new(today, input.breaks);

    // Row order is the contract's, sorted here explicitly rather than
    // trusting the caller: orders by id, lines by file and line, slips by
    // file.
    let mut orders: Vec<_> = result.orders.iter().collect();
    orders.sort_by(|a, b| (&a.order_id, &a.source).cmp(&(&b.order_id, &b.source)));
    let mut lines: Vec<_> = result.statement.iter().collect();
    lines.sort_by(|a, b| a.line.cmp(&b.line));
    let mut slips: Vec<_> = result.slips.iter().collect();
    slips.sort_by(|a, b| a.file.cmp(&b.file));
    let mut rejected: Vec<&Rejection> = input.quarantine.iter().collect();
    rejected.sort();

    let reconciliation = Table {
        file: "reconciliation.csv",
        sheet: "Reconciliation",
        header: RECONCILIATION_HEADER,
        rows: orders
            .iter()
            .map(|o| Row {
                status: Some(o.status),
                cells: vec![
                    Cell::Text(o.order_id.0.clone()),
                    Cell::Text(o.status.as_str().into()),
                    Cell::text_opt(o.slip.as_deref()),
                    join_ids(&o.statement_lines),
                    Cell::Money(o.expected),
                    Cell::money_opt(o.paid),
                    Cell::Text(o.expected.currency.code().into()),
                    o.name_score.map_or(Cell::Empty, Cell::Score),
                    reasons_cell(&o.reasons),
                    Cell::Text(o.customer_name.clone()),
                    Cell::time_opt(look.ordered_at(o)),
                    Cell::Text(o.source.to_string()),
                    Cell::Date(carry::origin_day(&o.source.file, today)),
                ],
            })
            .collect(),
    };

    let statement = Table {
        file: "statement.csv",
        sheet: "Statement",
        header: STATEMENT_HEADER,
        rows: lines
            .iter()
            .map(|l| {
                let line = look.lines.get(&l.line);
                Row {
                    status: Some(l.status),
                    cells: vec![
                        Cell::Text(l.line.to_string()),
                        Cell::Text(l.status.as_str().into()),
                        join_ids(&l.order_ids),
                        Cell::Money(l.amount),
                        Cell::Text(l.amount.currency.code().into()),
                        Cell::text_opt(l.counterparty_name.as_deref()),
                        reasons_cell(&l.reasons),
                        Cell::time_opt(line.map(|x| x.booked_at)),
                        Cell::text_opt(line.and_then(|x| x.reference.as_deref())),
                        Cell::Date(carry::origin_day(&l.line.file, today)),
                    ],
                }
            })
            .collect(),
    };

    // Every exception row as before, then one row per break resolved
    // today (its outcome row is `matched`): the first rows stay what a
    // reader of the earlier layout expects, and filtering on `lifecycle`
    // separates the two.
    let mut open = Exceptions::default();
    let mut resolved = Exceptions::default();
    for o in &orders {
        let key = carry::order_key(o, today);
        let brk = index.take(ItemKind::Order, &key);
        let Some(block) = pick(o.status, brk, &mut open, &mut resolved) else {
            continue;
        };
        let (life, row) = index.cells(
            ItemKind::Order,
            &key,
            brk,
            Some(o.expected.currency),
            Some(o.expected),
        );
        block.push(
            Row {
                status: Some(o.status),
                cells: vec![
                    Cell::Text(KIND_ORDER.into()),
                    Cell::Text(o.order_id.0.clone()),
                    Cell::Text(o.status.as_str().into()),
                    Cell::Money(o.expected),
                    Cell::Text(o.expected.currency.code().into()),
                    reasons_cell(&o.reasons),
                    Cell::Text(o.customer_name.clone()),
                    related(o.slip.as_deref(), &o.statement_lines, &[]),
                    Cell::time_opt(look.ordered_at(o)),
                ],
            },
            life,
            row,
        );
    }
    for l in &lines {
        let key = carry::line_key(l, today);
        let brk = index.take(ItemKind::StatementLine, &key);
        let Some(block) = pick(l.status, brk, &mut open, &mut resolved) else {
            continue;
        };
        let (life, row) = index.cells(
            ItemKind::StatementLine,
            &key,
            brk,
            Some(l.amount.currency),
            money_in(l.amount),
        );
        block.push(
            Row {
                status: Some(l.status),
                cells: vec![
                    Cell::Text(KIND_LINE.into()),
                    Cell::Text(l.line.to_string()),
                    Cell::Text(l.status.as_str().into()),
                    Cell::Money(l.amount),
                    Cell::Text(l.amount.currency.code().into()),
                    reasons_cell(&l.reasons),
                    Cell::text_opt(l.counterparty_name.as_deref()),
                    related(None, &[], &l.order_ids),
                    Cell::time_opt(look.lines.get(&l.line).map(|x| x.booked_at)),
                ],
            },
            life,
            row,
        );
    }
    for s in &slips {
        let key = carry::slip_key(s, today);
        let brk = index.take(ItemKind::Slip, &key);
        let Some(block) = pick(s.status, brk, &mut open, &mut resolved) else {
            continue;
        };
        let slip = look.slips.get(s.file.as_str());
        let sender = slip.and_then(|x| x.sender.name.as_deref());
        let slip_lines: Vec<SourceRef> = s.statement_line.iter().cloned().collect();
        let (life, row) = index.cells(
            ItemKind::Slip,
            &key,
            brk,
            s.amount.map(|m| m.currency),
            s.amount,
        );
        block.push(
            Row {
                status: Some(s.status),
                cells: vec![
                    Cell::Text(KIND_SLIP.into()),
                    Cell::Text(s.file.clone()),
                    Cell::Text(s.status.as_str().into()),
                    Cell::money_opt(s.amount),
                    Cell::text_opt(s.amount.map(|m| m.currency.code())),
                    reasons_cell(&s.reasons),
                    Cell::text_opt(sender),
                    related(None, &slip_lines, &s.order_ids),
                    Cell::time_opt(slip.and_then(|x| x.transferred_at)),
                ],
            },
            life,
            row,
        );
    }
    // A break whose row is not in the result (a caller's open set out of
    // step with its result) is still listed, never dropped: it names its
    // item by key and has no amount.
    let mut orphans: Vec<&Break> = index.by_key.values().copied().collect();
    orphans.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
    for b in orphans {
        let block = if b.lifecycle == Lifecycle::Resolved {
            &mut resolved
        } else {
            &mut open
        };
        let (life, row) = index.cells(b.kind, &b.key, Some(b), None, None);
        let mut cells = vec![
            Cell::Text(b.kind.as_str().into()),
            Cell::Text(b.key.clone()),
            Cell::Text(b.status.as_str().into()),
        ];
        cells.resize(EXC_ORIGIN, Cell::Empty);
        block.push(
            Row {
                status: Some(b.status),
                cells,
            },
            life,
            row,
        );
    }
    open.rows.append(&mut resolved.rows);
    open.breaks.append(&mut resolved.breaks);

    let quarantine = Table {
        file: "quarantine.csv",
        sheet: "Quarantine",
        header: QUARANTINE_HEADER,
        rows: rejected
            .iter()
            .map(|r| Row {
                status: None,
                cells: vec![
                    Cell::Text(r.file.clone()),
                    r.line.map_or(Cell::Empty, Cell::Count),
                    Cell::text_opt(r.column.as_deref()),
                    Cell::text_opt(r.value.as_deref()),
                    Cell::Text(r.reason.clone()),
                ],
            })
            .collect(),
    };

    Tables {
        reconciliation,
        statement,
        exceptions: Table {
            file: "exceptions.csv",
            sheet: "Exceptions",
            header: EXCEPTIONS_HEADER,
            rows: open.rows,
        },
        breaks: open.breaks,
        quarantine,
    }
}

/// Rows of the exceptions table with their typed break columns.
#[derive(Default)]
struct Exceptions {
    rows: Vec<Row>,
    breaks: Vec<BreakRow>,
}

impl Exceptions {
    fn push(&mut self, mut row: Row, life: Vec<Cell>, brk: BreakRow) {
        row.cells.extend(life);
        self.rows.push(row);
        self.breaks.push(brk);
    }
}

/// Which block an outcome row goes to: every exception is listed; a
/// matched row only when it closed a break today.
fn pick<'e>(
    status: Status,
    brk: Option<&Break>,
    open: &'e mut Exceptions,
    resolved: &'e mut Exceptions,
) -> Option<&'e mut Exceptions> {
    if status.is_exception() {
        Some(open)
    } else if brk.is_some_and(|b| b.lifecycle == Lifecycle::Resolved) {
        Some(resolved)
    } else {
        None
    }
}

/// The other records an exception row points at, `|`-joined: slip file,
/// statement lines, order ids.
fn related(slip: Option<&str>, lines: &[SourceRef], orders: &[OrderId]) -> Cell {
    let mut ids: Vec<String> = slip.map(str::to_string).into_iter().collect();
    ids.extend(lines.iter().map(ToString::to_string));
    ids.extend(orders.iter().map(ToString::to_string));
    join_ids(&ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use recon_core::Currency;

    #[test]
    fn cells_render_per_contract() {
        let m = Money::parse("1500", Currency::Thb).unwrap();
        assert_eq!(Cell::Money(m).plain(), "1500.00");
        assert_eq!(Cell::Score(0.91666).plain(), "0.917");
        assert_eq!(Cell::Score(1.0).plain(), "1.000");
        assert_eq!(Cell::Score(f64::NAN).plain(), "");
        let bkk = FixedOffset::east_opt(7 * 3600).unwrap();
        let t = bkk.with_ymd_and_hms(2026, 11, 21, 14, 5, 0).unwrap();
        assert_eq!(Cell::Time(t).plain(), "2026-11-21T14:05:00+07:00");
        assert_eq!(
            join_ids(&[
                SourceRef::new("kbank.csv", 6),
                SourceRef::new("kbank.csv", 9)
            ])
            .plain(),
            "kbank.csv:6|kbank.csv:9"
        );
        assert_eq!(join_ids::<String>(&[]), Cell::Empty);
    }
}
