//! The four tables of a day's reports, as typed cells. CSV, XLSX and HTML
//! all render from here, so the three never disagree about a row.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use recon_core::{
    DayResult, Money, NameScore, OrderId, Rejection, SlipRead, SourceRef, Status, join_reasons,
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
];
pub(crate) const EXCEPTIONS_HEADER: &[&str] = &[
    "kind", "id", "status", "amount", "currency", "reasons", "name", "related", "at",
];
pub(crate) const QUARANTINE_HEADER: &[&str] = &["file", "line", "column", "value", "reason"];

/// Column index of `status` in the exceptions table (for charts).
pub(crate) const EXC_STATUS: usize = 2;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tables {
    pub reconciliation: Table,
    pub statement: Table,
    pub exceptions: Table,
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

/// Lookups into the optional input rows.
struct Lookup<'a> {
    ordered_at: BTreeMap<&'a OrderId, DateTime<FixedOffset>>,
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
            ordered_at: records
                .orders
                .iter()
                .map(|o| (&o.order_id, o.ordered_at))
                .collect(),
            lines: records.lines.iter().map(|l| (&l.source, l)).collect(),
            slips,
        }
    }
}

pub(crate) fn build(input: &ReportInput, records: &DayRecords) -> Tables {
    let result: &DayResult = input.result;
    let look = Lookup::new(records);

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
                    Cell::time_opt(look.ordered_at.get(&o.order_id).copied()),
                    Cell::Text(o.source.to_string()),
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
                    ],
                }
            })
            .collect(),
    };

    let mut exceptions = Vec::new();
    for o in orders.iter().filter(|o| o.status.is_exception()) {
        exceptions.push(Row {
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
                Cell::time_opt(look.ordered_at.get(&o.order_id).copied()),
            ],
        });
    }
    for l in lines.iter().filter(|l| l.status.is_exception()) {
        exceptions.push(Row {
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
        });
    }
    for s in slips.iter().filter(|s| s.status.is_exception()) {
        let slip = look.slips.get(s.file.as_str());
        let sender = slip.and_then(|x| x.sender.name.as_deref());
        let lines: Vec<SourceRef> = s.statement_line.iter().cloned().collect();
        exceptions.push(Row {
            status: Some(s.status),
            cells: vec![
                Cell::Text(KIND_SLIP.into()),
                Cell::Text(s.file.clone()),
                Cell::Text(s.status.as_str().into()),
                Cell::money_opt(s.amount),
                Cell::text_opt(s.amount.map(|m| m.currency.code())),
                reasons_cell(&s.reasons),
                Cell::text_opt(sender),
                related(None, &lines, &s.order_ids),
                Cell::time_opt(slip.and_then(|x| x.transferred_at)),
            ],
        });
    }

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
            rows: exceptions,
        },
        quarantine,
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
