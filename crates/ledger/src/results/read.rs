//! Reading a recorded day back: every stored row of its results, from one
//! read snapshot, decoded chunk by chunk into the matcher's outcomes (a
//! damaged chunk is a `Corrupt` error naming it), either collected
//! ([`Ledger::day_result`]) or compared row by row
//! ([`Ledger::day_result_matches`]).

use recon_core::{
    Currency, Day, DayResult, Money, OrderId, OrderOutcome, Reason, SlipOutcome, SourceRef,
    StatementOutcome, Status,
};
use rusqlite::OptionalExtension;

use super::for_each_chunk;
use crate::chunk::Part;
use crate::error::SqlContext;
use crate::{Ledger, LedgerError};

impl Ledger {
    /// The stored results of `day`, as the matcher produced them, or `None`
    /// when the day was never recorded.
    pub fn day_result(&self, day: Day) -> Result<Option<DayResult>, LedgerError> {
        struct Collect {
            orders: Vec<(i64, OrderOutcome)>,
            statement: Vec<(i64, StatementOutcome)>,
            slips: Vec<(i64, SlipOutcome)>,
        }
        impl ResultSink for Collect {
            fn order(&mut self, seq: i64, o: OrderOutcome) -> bool {
                self.orders.push((seq, o));
                true
            }
            fn statement_line(&mut self, seq: i64, s: StatementOutcome) -> bool {
                self.statement.push((seq, s));
                true
            }
            fn slip(&mut self, seq: i64, s: SlipOutcome) -> bool {
                self.slips.push((seq, s));
                true
            }
        }
        let mut sink = Collect {
            orders: Vec::new(),
            statement: Vec::new(),
            slips: Vec::new(),
        };
        if !self.read_day(day, &mut sink)? {
            return Ok(None);
        }
        Ok(Some(DayResult {
            day,
            orders: in_seq_order(sink.orders),
            statement: in_seq_order(sink.statement),
            slips: in_seq_order(sink.slips),
        }))
    }

    /// Whether the stored results of `day` are exactly `result`, as
    /// `day_result(day) == Some(result)` but row by row, holding no copy
    /// of the day (a million orders read back take 1.7 GB), and stopping
    /// at the first difference. `false` for a day never recorded. For a
    /// rerun deciding whether the days built on `day` stay valid.
    pub fn day_result_matches(&self, result: &DayResult) -> Result<bool, LedgerError> {
        struct Compare<'a> {
            result: &'a DayResult,
            seen: [Vec<bool>; 3],
            differs: bool,
        }
        impl Compare<'_> {
            /// Whether row `seq` of table `t` is `found`: each position of
            /// the expected list once. A row that is not stops the read.
            fn check<T: PartialEq>(
                &mut self,
                t: usize,
                expected: &[T],
                seq: i64,
                found: &T,
            ) -> bool {
                let same = usize::try_from(seq)
                    .ok()
                    .filter(|&i| i < expected.len())
                    .is_some_and(|i| {
                        !std::mem::replace(&mut self.seen[t][i], true) && expected[i] == *found
                    });
                self.differs |= !same;
                same
            }
        }
        impl ResultSink for Compare<'_> {
            fn order(&mut self, seq: i64, o: OrderOutcome) -> bool {
                self.check(0, &self.result.orders, seq, &o)
            }
            fn statement_line(&mut self, seq: i64, s: StatementOutcome) -> bool {
                self.check(1, &self.result.statement, seq, &s)
            }
            fn slip(&mut self, seq: i64, s: SlipOutcome) -> bool {
                self.check(2, &self.result.slips, seq, &s)
            }
        }
        let mut sink = Compare {
            result,
            seen: [
                vec![false; result.orders.len()],
                vec![false; result.statement.len()],
                vec![false; result.slips.len()],
            ],
            differs: false,
        };
        let recorded = self.read_day(result.day, &mut sink)?;
        // No stored row differed, came twice or was not expected, and
        // every expected row was found.
        Ok(recorded && !sink.differs && sink.seen.iter().all(|seen| seen.iter().all(|&s| s)))
    }

    /// Reads every stored result row of `day` into `sink`, chunk by
    /// chunk with its `seq` (its place in the matcher's order), from one
    /// read snapshot, until the sink says stop. `false` when the day was
    /// never recorded.
    fn read_day(&self, day: Day, sink: &mut impl ResultSink) -> Result<bool, LedgerError> {
        let day_text = day.to_string();
        let ctx = || format!("reading the results of {day}");
        let mut guard = self.conn();
        let tx = guard.transaction().context(ctx)?;
        let recorded: Option<i64> = tx
            .query_row("SELECT run_id FROM days WHERE day = ?1", [&day_text], |r| {
                r.get(0)
            })
            .optional()
            .context(ctx)?;
        if recorded.is_none() {
            return Ok(false);
        }
        let mut going = true;
        for part in [Part::Orders, Part::Statement, Part::Slips] {
            let mut seq = 0i64;
            for_each_chunk(&tx, day, part, |r| {
                for _ in 0..r.rows() {
                    going = match part {
                        Part::Orders => sink.order(seq, r.order()?),
                        Part::Statement => sink.statement_line(seq, r.statement_line()?),
                        _ => sink.slip(seq, r.slip()?),
                    };
                    seq += 1;
                    if !going {
                        return Ok(false);
                    }
                }
                Ok(true)
            })?;
            if !going {
                return Ok(true);
            }
        }
        tx.finish().context(ctx)?;
        Ok(true)
    }
}

/// A day as schema 6 and earlier stored it, one row per result, in the
/// matcher's order: what the migration to schema 7 reads.
pub(crate) fn legacy_day(conn: &rusqlite::Connection, day: Day) -> Result<DayResult, LedgerError> {
    let day_text = day.to_string();
    let ctx = || format!("reading the results of {day} as schema 6 kept them");
    let mut result = DayResult {
        day,
        orders: Vec::new(),
        statement: Vec::new(),
        slips: Vec::new(),
    };
    {
        let mut stmt = conn
            .prepare(
                "SELECT seq, source_file, source_line, order_id, status, customer_name, slip,
                        statement_lines, expected_minor, currency, paid_minor, paid_currency,
                        name_score, reasons_json
                 FROM order_results WHERE day = ?1 ORDER BY seq",
            )
            .context(ctx)?;
        let mut rows = stmt.query([&day_text]).context(ctx)?;
        while let Some(r) = rows.next().context(ctx)? {
            let raw = RawOrder {
                file: r.get(1).context(ctx)?,
                line: r.get(2).context(ctx)?,
                order_id: r.get(3).context(ctx)?,
                status: r.get(4).context(ctx)?,
                customer_name: r.get(5).context(ctx)?,
                slip: r.get(6).context(ctx)?,
                statement_lines: r.get(7).context(ctx)?,
                expected_minor: r.get(8).context(ctx)?,
                currency: r.get(9).context(ctx)?,
                paid_minor: r.get(10).context(ctx)?,
                paid_currency: r.get(11).context(ctx)?,
                name_score: r.get(12).context(ctx)?,
                reasons_json: r.get(13).context(ctx)?,
            };
            result.orders.push(raw.decode()?);
        }
    }
    {
        let mut stmt = conn
            .prepare(
                "SELECT seq, source_file, source_line, status, order_ids, amount_minor,
                        currency, counterparty_name, reasons_json
                 FROM statement_results WHERE day = ?1 ORDER BY seq",
            )
            .context(ctx)?;
        let mut rows = stmt.query([&day_text]).context(ctx)?;
        while let Some(r) = rows.next().context(ctx)? {
            let raw = RawStatement {
                file: r.get(1).context(ctx)?,
                line: r.get(2).context(ctx)?,
                status: r.get(3).context(ctx)?,
                order_ids: r.get(4).context(ctx)?,
                amount_minor: r.get(5).context(ctx)?,
                currency: r.get(6).context(ctx)?,
                counterparty_name: r.get(7).context(ctx)?,
                reasons_json: r.get(8).context(ctx)?,
            };
            result.statement.push(raw.decode()?);
        }
    }
    {
        let mut stmt = conn
            .prepare(
                "SELECT seq, file, status, order_ids, statement_file, statement_line,
                        amount_minor, currency, trans_ref, reasons_json
                 FROM slip_results WHERE day = ?1 ORDER BY seq",
            )
            .context(ctx)?;
        let mut rows = stmt.query([&day_text]).context(ctx)?;
        while let Some(r) = rows.next().context(ctx)? {
            let raw = RawSlip {
                file: r.get(1).context(ctx)?,
                status: r.get(2).context(ctx)?,
                order_ids: r.get(3).context(ctx)?,
                statement_file: r.get(4).context(ctx)?,
                statement_line: r.get(5).context(ctx)?,
                amount_minor: r.get(6).context(ctx)?,
                currency: r.get(7).context(ctx)?,
                trans_ref: r.get(8).context(ctx)?,
                reasons_json: r.get(9).context(ctx)?,
            };
            result.slips.push(raw.decode()?);
        }
    }
    Ok(result)
}

/// Where [`Ledger::read_day`] puts each decoded row with its `seq`;
/// `false` stops the read.
trait ResultSink {
    fn order(&mut self, seq: i64, outcome: OrderOutcome) -> bool;
    fn statement_line(&mut self, seq: i64, outcome: StatementOutcome) -> bool;
    fn slip(&mut self, seq: i64, outcome: SlipOutcome) -> bool;
}

/// Rows in the matcher's order (chunks store them in that order already).
fn in_seq_order<T>(rows: Vec<(i64, T)>) -> Vec<T> {
    rows.into_iter().map(|(_, item)| item).collect()
}

// Rows of the tables schema 6 and earlier kept one row per result (read
// only by the migration to schema 7): raw columns first, decoded outside
// rusqlite's closures so that a damaged row is a `Corrupt` error naming it.

fn corrupt(table: &'static str, row: &str, detail: impl Into<String>) -> LedgerError {
    LedgerError::Corrupt {
        table,
        row: row.to_string(),
        detail: detail.into(),
    }
}

fn decode_status(table: &'static str, row: &str, text: &str) -> Result<Status, LedgerError> {
    text.parse()
        .map_err(|_| corrupt(table, row, format!("unknown status {text:?}")))
}

fn decode_money(
    table: &'static str,
    row: &str,
    minor: i64,
    currency: &str,
) -> Result<Money, LedgerError> {
    let currency: Currency = currency
        .parse()
        .map_err(|_| corrupt(table, row, format!("unknown currency {currency:?}")))?;
    Ok(Money::from_minor(minor, currency))
}

fn decode_optional_money(
    table: &'static str,
    row: &str,
    minor: Option<i64>,
    currency: Option<String>,
) -> Result<Option<Money>, LedgerError> {
    match (minor, currency) {
        (Some(m), Some(c)) => decode_money(table, row, m, &c).map(Some),
        (None, None) => Ok(None),
        _ => Err(corrupt(
            table,
            row,
            "amount without currency or currency without amount",
        )),
    }
}

fn decode_json<T: serde::de::DeserializeOwned>(
    table: &'static str,
    row: &str,
    column: &str,
    text: &str,
) -> Result<T, LedgerError> {
    serde_json::from_str(text).map_err(|e| corrupt(table, row, format!("{column}: {e}")))
}

fn source_line(table: &'static str, row: &str, line: i64) -> Result<u64, LedgerError> {
    u64::try_from(line).map_err(|_| corrupt(table, row, format!("negative line {line}")))
}

struct RawOrder {
    file: String,
    line: i64,
    order_id: String,
    status: String,
    customer_name: String,
    slip: Option<String>,
    statement_lines: String,
    expected_minor: i64,
    currency: String,
    paid_minor: Option<i64>,
    paid_currency: Option<String>,
    name_score: Option<f64>,
    reasons_json: String,
}

impl RawOrder {
    fn decode(self) -> Result<OrderOutcome, LedgerError> {
        const T: &str = "order_results";
        let row = format!("{}:{}", self.file, self.line);
        Ok(OrderOutcome {
            source: SourceRef::new(self.file.clone(), source_line(T, &row, self.line)?),
            status: decode_status(T, &row, &self.status)?,
            order_id: OrderId(self.order_id),
            customer_name: self.customer_name,
            slip: self.slip,
            statement_lines: decode_json(T, &row, "statement_lines", &self.statement_lines)?,
            expected: decode_money(T, &row, self.expected_minor, &self.currency)?,
            paid: decode_optional_money(T, &row, self.paid_minor, self.paid_currency)?,
            name_score: self.name_score,
            reasons: decode_json::<Vec<Reason>>(T, &row, "reasons_json", &self.reasons_json)?,
        })
    }
}

struct RawStatement {
    file: String,
    line: i64,
    status: String,
    order_ids: String,
    amount_minor: i64,
    currency: String,
    counterparty_name: Option<String>,
    reasons_json: String,
}

impl RawStatement {
    fn decode(self) -> Result<StatementOutcome, LedgerError> {
        const T: &str = "statement_results";
        let row = format!("{}:{}", self.file, self.line);
        Ok(StatementOutcome {
            line: SourceRef::new(self.file.clone(), source_line(T, &row, self.line)?),
            status: decode_status(T, &row, &self.status)?,
            order_ids: decode_json(T, &row, "order_ids", &self.order_ids)?,
            amount: decode_money(T, &row, self.amount_minor, &self.currency)?,
            counterparty_name: self.counterparty_name,
            reasons: decode_json(T, &row, "reasons_json", &self.reasons_json)?,
        })
    }
}

struct RawSlip {
    file: String,
    status: String,
    order_ids: String,
    statement_file: Option<String>,
    statement_line: Option<i64>,
    amount_minor: Option<i64>,
    currency: Option<String>,
    trans_ref: Option<String>,
    reasons_json: String,
}

impl RawSlip {
    fn decode(self) -> Result<SlipOutcome, LedgerError> {
        const T: &str = "slip_results";
        let row = self.file.clone();
        let statement_line = match (self.statement_file, self.statement_line) {
            (Some(f), Some(l)) => Some(SourceRef::new(f, source_line(T, &row, l)?)),
            (None, None) => None,
            _ => {
                return Err(corrupt(
                    T,
                    &row,
                    "statement line without file or file without line",
                ));
            }
        };
        Ok(SlipOutcome {
            status: decode_status(T, &row, &self.status)?,
            order_ids: decode_json(T, &row, "order_ids", &self.order_ids)?,
            statement_line,
            amount: decode_optional_money(T, &row, self.amount_minor, self.currency)?,
            trans_ref: self.trans_ref,
            reasons: decode_json(T, &row, "reasons_json", &self.reasons_json)?,
            file: self.file,
        })
    }
}
