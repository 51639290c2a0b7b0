//! The four tables of a day's reports, as typed cells. CSV, XLSX and HTML
//! all render from here, so the three never disagree about a row.
//!
//! No table is held as cells: [`Tables`] keeps each table's rows in their
//! order as references into the day's result (plus the lifecycle of the
//! exception rows), and a renderer asks for one row's cells at a time, which
//! borrow their text from the result and the records. A day of a million
//! orders costs a sorted index per table, not a million rows of cells.
//!
//! The parts: [`cell`] (a cell and its text), [`join`] (rows paired with
//! their input records), [`exceptions`] (the exception rows and their
//! break lifecycle), [`decided`] (the day's decisions by the row they are
//! about); this module holds the headers and the tables.

use std::collections::HashMap as StdHashMap;

use chrono::{DateTime, FixedOffset};
use recon_core::carry::{self, Break, ItemKind, Lifecycle};
use recon_core::{
    Day, DayResult, Decision, OrderOutcome, Rejection, Slip, SlipOutcome, SlipRead, StatementLine,
    StatementOutcome, Status,
};

use crate::{DayRecords, ReportInput};

mod cell;
mod decided;
mod exceptions;
mod join;

pub(crate) use cell::{Cell, push_money};
pub(crate) use decided::{DecisionIndex, past_tense};
pub(crate) use exceptions::BreakRow;
use exceptions::{BreakIndex, ExcItem, ExcRow, pick};
use join::{sorted_lines, sorted_orders};

/// The look-ups are made once per row of a million-row day: foldhash is
/// several times faster than SipHash on these short keys and still seeded
/// per process.
pub(crate) type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::RandomState>;
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// One row's status (what drives the highlighting of exception rows).
pub(crate) type RowStatus = Option<Status>;

/// What an exception row is about.
// The `kind` words are core's, the same the ledger stores for breaks.
pub(crate) const KIND_ORDER: &str = ItemKind::Order.as_str();
pub(crate) const KIND_LINE: &str = ItemKind::StatementLine.as_str();
pub(crate) const KIND_SLIP: &str = ItemKind::Slip.as_str();

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
    // The decision standing on the row's case (empty when none).
    "decision",
    "decided_by",
    "decided_at",
    "decision_note",
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
    "decision",
    "decided_by",
    "decided_at",
    "decision_note",
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
    // What finance fills in and hands back (`recon decide`): empty, or the
    // stale decision that waits on the case.
    "decision",
    "with",
    "write_off_amount",
    "reason",
    "note",
    "decided_by",
    "decided_at",
];
pub(crate) const QUARANTINE_HEADER: &[&str] = &["file", "line", "column", "value", "reason"];

/// Column index of `status` in the exceptions table (for charts).
pub(crate) const EXC_STATUS: usize = 2;
/// Column index of `origin_day` in the exceptions table; the break columns
/// follow it in [`EXCEPTIONS_HEADER`] order.
pub(crate) const EXC_ORIGIN: usize = 9;
/// How many columns a decision fills at the end of the reconciliation and
/// statement tables, and at the end of the exceptions table.
const DECIDED_COLUMNS: usize = 4;
const WAITING_COLUMNS: usize = 7;

/// The four tables, in the order of their files and sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableId {
    Reconciliation,
    Statement,
    Exceptions,
    Quarantine,
}

impl TableId {
    pub(crate) const ALL: [TableId; 4] = [
        TableId::Reconciliation,
        TableId::Statement,
        TableId::Exceptions,
        TableId::Quarantine,
    ];

    /// The CSV file name.
    pub(crate) fn file(self) -> &'static str {
        match self {
            TableId::Reconciliation => "reconciliation.csv",
            TableId::Statement => "statement.csv",
            TableId::Exceptions => "exceptions.csv",
            TableId::Quarantine => "quarantine.csv",
        }
    }

    /// The XLSX sheet name.
    pub(crate) fn sheet(self) -> &'static str {
        match self {
            TableId::Reconciliation => "Reconciliation",
            TableId::Statement => "Statement",
            TableId::Exceptions => "Exceptions",
            TableId::Quarantine => "Quarantine",
        }
    }

    pub(crate) fn header(self) -> &'static [&'static str] {
        match self {
            TableId::Reconciliation => RECONCILIATION_HEADER,
            TableId::Statement => STATEMENT_HEADER,
            TableId::Exceptions => EXCEPTIONS_HEADER,
            TableId::Quarantine => QUARANTINE_HEADER,
        }
    }
}

/// The day's tables: each table's rows in order, their cells made on
/// demand by [`Tables::row`].
pub(crate) struct Tables<'a> {
    today: Day,
    orders: Vec<&'a OrderOutcome>,
    lines: Vec<&'a StatementOutcome>,
    rejected: Vec<&'a Rejection>,
    /// Open exception rows, then the breaks resolved today.
    pub exceptions: Vec<ExcRow<'a>>,
    /// The input record's `ordered_at` of each row of `orders`.
    ordered_at: Vec<Option<DateTime<FixedOffset>>>,
    /// The input record of each row of `lines`.
    line_records: Vec<Option<&'a StatementLine>>,
    /// The decision standing on each decided case.
    applied: DecisionIndex<'a>,
    /// The latest stale decision on each case that has one.
    stale: DecisionIndex<'a>,
}

impl<'a> Tables<'a> {
    /// The day the tables are of.
    pub(crate) fn day(&self) -> Day {
        self.today
    }

    pub(crate) fn build(input: &ReportInput<'a>, records: &DayRecords<'a>) -> Tables<'a> {
        let result: &'a DayResult = input.result;
        let today = result.day;
        let mut index = BreakIndex::new(today, input.breaks);

        // Row order is the contract's, sorted here explicitly rather than
        // trusting the caller: orders by id, lines by file and line, slips
        // by file. (An already sorted input costs one pass.)
        let mut slips: Vec<&SlipOutcome> = result.slips.iter().collect();
        let mut rejected: Vec<&Rejection> = input.quarantine.iter().collect();
        // Orders and statement lines are sorted and joined to their records
        // on two threads (a third of the report's serial time at a million
        // orders); the slips and rejections sort here meanwhile.
        let ((orders, ordered_at), (lines, line_records)) = std::thread::scope(|s| {
            let orders = crate::spawn(s, "report-orders", || sorted_orders(result, records));
            let lines = sorted_lines(result, records);
            slips.sort_by(|a, b| a.file.cmp(&b.file));
            rejected.sort();
            (orders.join(), lines)
        });

        // Every exception row as before, then one row per break resolved
        // today (its outcome row is `matched`): the first rows stay what a
        // reader of the earlier layout expects, and filtering on
        // `lifecycle` separates the two.
        let mut open = Vec::new();
        let mut resolved = Vec::new();
        for (&o, &at) in orders.iter().zip(&ordered_at) {
            let brk = index.take(ItemKind::Order, &o.source.file, Some(o.source.line));
            if let Some(block) = pick(o.status, brk, &mut open, &mut resolved) {
                block.push(index.row(
                    ExcItem::Order(o, at),
                    o.status,
                    brk,
                    &o.source.file,
                    Some(o.expected.currency),
                    Some(o.expected),
                ));
            }
        }
        for (&l, &record) in lines.iter().zip(&line_records) {
            // Money going out is no payment and nobody decides on it: it
            // stays in `statement.csv` (and `money_out`), not here.
            if !l.amount.is_positive() {
                continue;
            }
            let brk = index.take(ItemKind::StatementLine, &l.line.file, Some(l.line.line));
            if let Some(block) = pick(l.status, brk, &mut open, &mut resolved) {
                block.push(index.row(
                    ExcItem::Line(l, record.map(|r: &StatementLine| r.booked_at)),
                    l.status,
                    brk,
                    &l.line.file,
                    Some(l.amount.currency),
                    Some(l.amount),
                ));
            }
        }
        for &s in &slips {
            let brk = index.take(ItemKind::Slip, &s.file, None);
            if let Some(block) = pick(s.status, brk, &mut open, &mut resolved) {
                block.push(index.row(
                    ExcItem::Slip(s, None),
                    s.status,
                    brk,
                    &s.file,
                    s.amount.map(|m| m.currency),
                    s.amount,
                ));
            }
        }
        // A break whose row is not in the result is still listed, never
        // dropped.
        let mut orphans: Vec<&Break> = index.left().collect();
        orphans.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
        for b in orphans {
            let block = if b.lifecycle == Lifecycle::Resolved {
                &mut resolved
            } else {
                &mut open
            };
            block.push(index.row(ExcItem::Orphan(b), b.status, Some(b), &b.key, None, None));
        }
        open.append(&mut resolved);
        // The slips the exception rows name (the only rows that show a
        // slip's sender and time); a later record of the same file wins.
        let mut slips: HashMap<&str, Option<&Slip>> = open
            .iter()
            .filter_map(|r| match r.item {
                ExcItem::Slip(s, _) => Some((s.file.as_str(), None)),
                _ => None,
            })
            .collect();
        if !slips.is_empty() {
            for read in records.slips {
                if let SlipRead::Read(slip) = read
                    && let Some(file) = slip.file.as_deref()
                    && let Some(found) = slips.get_mut(file)
                {
                    *found = Some(slip);
                }
            }
            for row in &mut open {
                if let ExcItem::Slip(s, slip) = &mut row.item {
                    *slip = slips.get(s.file.as_str()).copied().flatten();
                }
            }
        }

        Tables {
            today,
            orders,
            lines,
            rejected,
            exceptions: open,
            ordered_at,
            line_records,
            applied: DecisionIndex::new(input.decisions.applied.values()),
            stale: DecisionIndex::new(input.decisions.stale.iter().map(|(d, _)| d)),
        }
    }

    /// The day's decisions that stand, by the row they are about.
    pub(crate) fn applied(&self) -> &DecisionIndex<'a> {
        &self.applied
    }

    /// The decision standing on row `i` of `table` (none for quarantine
    /// rows).
    pub(crate) fn decision(&self, table: TableId, i: usize) -> Option<&'a Decision> {
        match table {
            TableId::Reconciliation => self.applied.order(&self.orders[i].order_id.0),
            TableId::Statement => self.applied.line(&self.lines[i].line),
            TableId::Exceptions => on_item(&self.applied, &self.exceptions[i].item),
            TableId::Quarantine => None,
        }
    }

    /// The stale decision waiting on the case `kind` `id` names, if any.
    pub(crate) fn waiting_on(&self, kind: ItemKind, id: &str) -> Option<&'a Decision> {
        self.stale.case(kind, id)
    }

    /// The sender's name of each exception row's slip, as read, by file.
    pub(crate) fn slip_senders(&self) -> HashMap<&'a str, &'a str> {
        self.exceptions
            .iter()
            .filter_map(|r| match r.item {
                ExcItem::Slip(s, Some(slip)) => {
                    Some((s.file.as_str(), slip.sender.name.as_deref()?))
                }
                _ => None,
            })
            .collect()
    }

    /// The stale decision waiting on exception row `i`, if any.
    pub(crate) fn waiting(&self, i: usize) -> Option<&'a Decision> {
        on_item(&self.stale, &self.exceptions[i].item)
    }

    pub(crate) fn len(&self, table: TableId) -> usize {
        match table {
            TableId::Reconciliation => self.orders.len(),
            TableId::Statement => self.lines.len(),
            TableId::Exceptions => self.exceptions.len(),
            TableId::Quarantine => self.rejected.len(),
        }
    }

    /// Puts row `i` of `table` into `cells` (cleared first) and returns the
    /// row's status.
    pub(crate) fn row(&self, table: TableId, i: usize, cells: &mut Vec<Cell<'a>>) -> RowStatus {
        cells.clear();
        match table {
            TableId::Reconciliation => {
                let o = self.orders[i];
                let ordered_at = self.ordered_at[i];
                cells.extend([
                    Cell::Text(&o.order_id.0),
                    Cell::Text(o.status.as_str()),
                    Cell::text_opt(o.slip.as_deref()),
                    Cell::sources(&o.statement_lines),
                    Cell::Money(o.expected),
                    Cell::money_in(o.paid, o.expected.currency),
                    Cell::Text(o.expected.currency.code()),
                    o.name_score.map_or(Cell::Empty, Cell::Score),
                    Cell::reasons(&o.reasons),
                    Cell::Text(&o.customer_name),
                    Cell::time_opt(ordered_at),
                    Cell::Source(&o.source),
                    Cell::Date(carry::origin_day(&o.source.file, self.today)),
                ]);
                decided_cells(self.applied.order(&o.order_id.0), cells);
                Some(o.status)
            }
            TableId::Statement => {
                let l = self.lines[i];
                let line = self.line_records[i];
                cells.extend([
                    Cell::Source(&l.line),
                    Cell::Text(l.status.as_str()),
                    Cell::orders(&l.order_ids),
                    Cell::Money(l.amount),
                    Cell::Text(l.amount.currency.code()),
                    Cell::text_opt(l.counterparty_name.as_deref()),
                    Cell::reasons(&l.reasons),
                    Cell::time_opt(line.map(|x| x.booked_at)),
                    Cell::text_opt(line.and_then(|x| x.reference.as_deref())),
                    Cell::Date(carry::origin_day(&l.line.file, self.today)),
                ]);
                decided_cells(self.applied.line(&l.line), cells);
                Some(l.status)
            }
            TableId::Exceptions => {
                let row = &self.exceptions[i];
                self.exception_cells(row, cells);
                Some(row.status)
            }
            TableId::Quarantine => {
                let r = self.rejected[i];
                cells.extend([
                    Cell::Text(&r.file),
                    r.line.map_or(Cell::Empty, Cell::Count),
                    Cell::text_opt(r.column.as_deref()),
                    Cell::text_opt(r.value.as_deref()),
                    Cell::Text(&r.reason),
                ]);
                None
            }
        }
    }

    fn exception_cells(&self, row: &ExcRow<'a>, cells: &mut Vec<Cell<'a>>) {
        match row.item {
            ExcItem::Order(o, ordered_at) => cells.extend([
                Cell::Text(KIND_ORDER),
                Cell::Text(&o.order_id.0),
                Cell::Text(o.status.as_str()),
                Cell::Money(o.expected),
                Cell::Text(o.expected.currency.code()),
                Cell::reasons(&o.reasons),
                Cell::Text(&o.customer_name),
                Cell::related(o.slip.as_deref(), &o.statement_lines, &[]),
                Cell::time_opt(ordered_at),
            ]),
            ExcItem::Line(l, booked_at) => cells.extend([
                Cell::Text(KIND_LINE),
                Cell::Source(&l.line),
                Cell::Text(l.status.as_str()),
                Cell::Money(l.amount),
                Cell::Text(l.amount.currency.code()),
                Cell::reasons(&l.reasons),
                Cell::text_opt(l.counterparty_name.as_deref()),
                Cell::related(None, &[], &l.order_ids),
                Cell::time_opt(booked_at),
            ]),
            ExcItem::Slip(s, slip) => {
                cells.extend([
                    Cell::Text(KIND_SLIP),
                    Cell::Text(&s.file),
                    Cell::Text(s.status.as_str()),
                    Cell::money_opt(s.amount),
                    Cell::text_opt(s.amount.map(|m| m.currency.code())),
                    Cell::reasons(&s.reasons),
                    Cell::text_opt(slip.and_then(|x| x.sender.name.as_deref())),
                    Cell::related(None, s.statement_line.as_slice(), &s.order_ids),
                    Cell::time_opt(slip.and_then(|x| x.transferred_at)),
                ]);
            }
            ExcItem::Orphan(b) => {
                cells.extend([
                    Cell::Text(b.kind.as_str()),
                    Cell::Text(&b.key),
                    Cell::Text(b.status.as_str()),
                ]);
                cells.resize(EXC_ORIGIN, Cell::Empty);
            }
        }
        cells.extend([
            Cell::Date(row.origin),
            Cell::Text(row.brk.lifecycle.as_str()),
            Cell::Date(row.first_seen),
            Cell::Count(row.brk.age_days.into()),
            Cell::Text(row.brk.bucket().label()),
            Cell::text_opt(row.resolved_by),
        ]);
        waiting_cells(on_item(&self.stale, &row.item), cells);
    }
}

/// The decision of `index` on the item an exception row is about.
fn on_item<'a>(index: &DecisionIndex<'a>, item: &ExcItem<'_>) -> Option<&'a Decision> {
    if index.is_empty() {
        return None;
    }
    match item {
        ExcItem::Order(o, _) => index.order(&o.order_id.0),
        ExcItem::Line(l, _) => index.line(&l.line),
        ExcItem::Slip(s, _) => index.slip(&s.file),
        ExcItem::Orphan(b) => index.case(b.kind, &b.key),
    }
}

/// `decision,decided_by,decided_at,decision_note`: the decision standing on
/// a row's case.
fn decided_cells<'a>(d: Option<&'a Decision>, cells: &mut Vec<Cell<'a>>) {
    match d {
        Some(d) => cells.extend([
            Cell::Text(d.kind.as_str()),
            Cell::text_nonempty(&d.by),
            Cell::Time(d.at),
            Cell::text_nonempty(&d.note),
        ]),
        None => cells.extend([Cell::Empty; DECIDED_COLUMNS]),
    }
}

/// `decision,with,write_off_amount,reason,note,decided_by,decided_at`: what finance
/// fills in, or the stale decision that waits on the case.
fn waiting_cells<'a>(d: Option<&'a Decision>, cells: &mut Vec<Cell<'a>>) {
    match d {
        Some(d) => cells.extend([
            Cell::Text(d.kind.as_str()),
            Cell::cases(&d.with),
            Cell::money_opt(d.amount),
            Cell::text_opt(d.reason.as_deref()),
            Cell::text_nonempty(&d.note),
            Cell::text_nonempty(&d.by),
            Cell::Time(d.at),
        ]),
        None => cells.extend([Cell::Empty; WAITING_COLUMNS]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use recon_core::{
        CaseRef, Currency, DayDecisions, DecisionKind, Money, OrderId, SourceRef, StatementOutcome,
    };

    fn decision(kind: DecisionKind, case: CaseRef) -> Decision {
        Decision {
            day: "2026-11-21".parse().unwrap(),
            kind,
            case,
            with: vec![CaseRef::line("kbank.csv:6")],
            amount: Some(Money::from_minor(5_000, Currency::Thb)),
            reason: Some("bank_fee".into()),
            note: "n".into(),
            by: "nok".into(),
            at: FixedOffset::east_opt(7 * 3600)
                .unwrap()
                .with_ymd_and_hms(2026, 11, 22, 9, 30, 0)
                .unwrap(),
        }
    }

    /// Every row, decided or not, has one cell per header column, and the
    /// decision's cells are the last ones.
    #[test]
    fn rows_are_as_wide_as_their_headers() {
        let thb = Money::from_minor(150_000, Currency::Thb);
        let result = DayResult {
            day: "2026-11-21".parse().unwrap(),
            orders: ["A-1", "A-2"]
                .iter()
                .enumerate()
                .map(|(i, id)| OrderOutcome {
                    order_id: OrderId((*id).into()),
                    source: SourceRef::new("orders.csv", i as u64 + 2),
                    status: Status::Unpaid,
                    customer_name: String::new(),
                    slip: None,
                    statement_lines: vec![],
                    expected: thb,
                    paid: None,
                    name_score: None,
                    reasons: vec![],
                })
                .collect(),
            statement: vec![StatementOutcome {
                line: SourceRef::new("kbank.csv", 6),
                status: Status::StatementUnmatched,
                order_ids: vec![],
                amount: thb,
                counterparty_name: None,
                reasons: vec![],
            }],
            slips: vec![],
        };
        let mut decisions = DayDecisions::default();
        let confirm = decision(DecisionKind::Confirm, CaseRef::order("A-1"));
        decisions.applied.insert(confirm.case.clone(), confirm);
        decisions.stale.push((
            decision(DecisionKind::WriteOff, CaseRef::order("A-2")),
            "why".into(),
        ));
        let input = ReportInput {
            result: &result,
            quarantine: &[],
            inputs: &[],
            trend: &[],
            tool_version: "test",
            breaks: &[],
            decisions: &decisions,
            provider_health: None,
        };
        let tables = Tables::build(&input, &DayRecords::default());
        let mut cells = Vec::new();
        for table in TableId::ALL {
            for i in 0..tables.len(table) {
                tables.row(table, i, &mut cells);
                assert_eq!(cells.len(), table.header().len(), "{table:?} row {i}");
            }
        }
        tables.row(TableId::Reconciliation, 0, &mut cells);
        let tail: Vec<String> = cells[cells.len() - DECIDED_COLUMNS..]
            .iter()
            .map(Cell::plain)
            .collect();
        assert_eq!(tail, ["confirm", "nok", "2026-11-22T09:30:00+07:00", "n"]);
        tables.row(TableId::Reconciliation, 1, &mut cells);
        assert!(
            cells[cells.len() - DECIDED_COLUMNS..]
                .iter()
                .all(|c| *c == Cell::Empty)
        );
        // A-2's stale write-off waits on its exception row; A-1's applied
        // confirm is not written there (finance would hand it back twice).
        let row_of = |id: &str| {
            let mut cells = Vec::new();
            let i = (0..tables.len(TableId::Exceptions))
                .find(|&i| {
                    tables.row(TableId::Exceptions, i, &mut cells);
                    cells[1].plain() == id
                })
                .unwrap();
            tables.row(TableId::Exceptions, i, &mut cells);
            cells[cells.len() - WAITING_COLUMNS..]
                .iter()
                .map(Cell::plain)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            row_of("A-2"),
            [
                "write_off",
                "kbank.csv:6",
                "50.00",
                "bank_fee",
                "n",
                "nok",
                "2026-11-22T09:30:00+07:00"
            ]
        );
        assert!(row_of("A-1").iter().all(String::is_empty));
        assert_eq!(
            EXCEPTIONS_HEADER[EXCEPTIONS_HEADER.len() - WAITING_COLUMNS],
            "decision"
        );
    }
}
