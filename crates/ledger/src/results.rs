//! Per-day results and the slip registry: what a day concluded, replaced as
//! a whole on every rerun, and which slip keys were used by which orders.

use std::collections::{BTreeMap, HashMap};

use chrono::Days;
use recon_core::carry::origin_day;
use recon_core::{
    Currency, Day, DayResult, Decimal, Money, OrderId, OrderOutcome, PriorUse, Reason, Slip,
    SlipKey, SlipOutcome, SourceRef, StatementOutcome, Status, TrendPoint,
};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use crate::error::SqlContext;
use crate::open::{self, DayCarry};
use crate::runs::parse_day;
use crate::{Ledger, LedgerError, RunId};

/// Integer minor units of `money`, refusing (instead of rounding or
/// overflowing) an amount the ledger cannot hold exactly.
pub(crate) fn minor_units(
    day: Day,
    what: impl FnOnce() -> String,
    money: &Money,
) -> Result<i64, LedgerError> {
    let factor = Decimal::from(10i64.pow(money.currency.minor_digits()));
    money
        .amount
        .checked_mul(factor)
        .filter(|scaled| scaled.fract().is_zero())
        .and_then(|scaled| i64::try_from(scaled).ok())
        .ok_or_else(|| LedgerError::AmountOutOfRange {
            day,
            what: what(),
            amount: money.to_string(),
        })
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    // Serializing plain data structs (strings, numbers, vectors) into a
    // String cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}

/// Deletes everything the ledger holds for `day` except the runs (and the
/// `days` row itself, which is updated in place).
fn delete_day(tx: &Transaction<'_>, day: &str) -> rusqlite::Result<()> {
    for table in [
        "order_results",
        "statement_results",
        "slip_results",
        "slip_registry",
        "open_items",
        "breaks",
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE day = ?1"), [day])?;
    }
    Ok(())
}

/// The days whose stored results depend on `?1` (see
/// [`Ledger::days_depending_on`]). `origin_day <> day` repeats what
/// `origin_day = ?1 AND day > ?1` implies so that SQLite uses the partial
/// indexes of carried rows (schema 3) instead of reading every row.
const DAYS_DEPENDING_ON: &str = "SELECT day FROM order_results
       WHERE origin_day = ?1 AND day > ?1 AND origin_day <> day
 UNION SELECT day FROM statement_results
       WHERE origin_day = ?1 AND day > ?1 AND origin_day <> day
 UNION SELECT day FROM slip_results
       WHERE origin_day = ?1 AND day > ?1 AND origin_day <> day
 UNION SELECT day FROM days WHERE carried_from IS NOT NULL AND day > ?1
 UNION SELECT later.day FROM slip_registry this
       JOIN slip_registry later
         ON later.key_kind = this.key_kind AND later.key_value = this.key_value
       WHERE this.day = ?1 AND later.day > ?1
 ORDER BY 1";

/// One row of the slip registry: a key of a slip read on a day, the order
/// it paid (none when it paid no order) and the run that recorded it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SlipRegistration {
    /// `trans_ref`, `qr_payload` or `image_sha256`.
    pub key_kind: String,
    pub key_value: String,
    pub order_id: Option<OrderId>,
    /// The slip's file name in the day's `slips/`.
    pub file: String,
    pub run: RunId,
}

impl Ledger {
    /// [`Ledger::record_day_with`] for a run that carried nothing in and
    /// leaves nothing open for later days (no open set, no breaks).
    pub fn record_day(
        &self,
        run: RunId,
        result: &DayResult,
        slips: &[Slip],
    ) -> Result<(), LedgerError> {
        self.record_day_with(run, result, slips, &DayCarry::default())
    }

    /// Replaces everything the ledger holds for `result.day` with this
    /// run's, in one transaction: results, slip registrations, the open set
    /// the day leaves ([`DayCarry::open`]), its breaks and the day it
    /// carried from. Afterwards the ledger holds exactly this run's set, or
    /// (on any error, crash or power cut) exactly the previous one.
    ///
    /// `slips` are the slips read this run from the day's own folder; each
    /// registers all its [`Slip::registry_keys`] under the orders its slip
    /// outcome names (or under no order when it paid none). Carried slips
    /// stay registered on their own day.
    ///
    /// Rows of carried items keep their carried names
    /// (`2026-11-20/orders.csv`) and are stored under their origin day, so
    /// [`Ledger::day_result`] gives back exactly `result`.
    pub fn record_day_with(
        &self,
        run: RunId,
        result: &DayResult,
        slips: &[Slip],
        carry: &DayCarry<'_>,
    ) -> Result<(), LedgerError> {
        let day = result.day;
        let day_text = day.to_string();
        if let Some(from) = carry.carried_from.filter(|from| *from >= day) {
            return Err(LedgerError::BadCarry {
                day,
                detail: format!(
                    "the run cannot start from the open set of {from}, which is not an earlier day"
                ),
            });
        }
        let ctx = || format!("recording day {day} (run {run})");
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(ctx)?;

        let run_day: Option<String> = tx
            .query_row("SELECT day FROM runs WHERE id = ?1", [run.0], |r| r.get(0))
            .optional()
            .context(ctx)?;
        let run_day = match run_day {
            Some(d) => parse_day("runs", &format!("id {run}"), &d)?,
            None => return Err(LedgerError::UnknownRun(run)),
        };
        if run_day != day {
            return Err(LedgerError::RunDayMismatch {
                run,
                run_day,
                result_day: day,
            });
        }

        delete_day(&tx, &day_text).context(ctx)?;
        // The day's own orders (not the carried ones) for `trend`.
        let own = result
            .orders
            .iter()
            .filter(|o| origin_day(&o.source.file, day) == day);
        let (own_orders, own_matched) = own.fold((0i64, 0i64), |(n, m), o| {
            (n + 1, m + i64::from(o.status == Status::Matched))
        });
        tx.execute(
            "INSERT INTO days (day, run_id, carried_from, own_orders, own_matched)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (day) DO UPDATE
             SET run_id = excluded.run_id, carried_from = excluded.carried_from,
                 own_orders = excluded.own_orders, own_matched = excluded.own_matched",
            params![
                day_text,
                run.0,
                carry.carried_from.map(|d| d.to_string()),
                own_orders,
                own_matched
            ],
        )
        .context(ctx)?;

        insert_orders(&tx, run, day, &result.orders)?;
        insert_statement(&tx, run, day, &result.statement)?;
        insert_slips(&tx, run, day, &result.slips)?;
        insert_registrations(&tx, run, day, &result.slips, slips)?;
        open::insert_open_items(&tx, day, carry.open)?;
        open::insert_breaks(&tx, day, carry.breaks)?;

        #[cfg(test)]
        crate::crash_tests::maybe_abort_before_commit(&tx, "order_results");

        tx.commit().context(ctx)?;
        Ok(())
    }

    /// For each key, its earliest registration on a day strictly before
    /// `before` (on the same day the matcher decides by itself, from the
    /// day's own slips). Keys never seen before are absent.
    pub fn prior_uses(
        &self,
        keys: &[SlipKey],
        before: Day,
    ) -> Result<BTreeMap<SlipKey, PriorUse>, LedgerError> {
        let ctx = || format!("looking up earlier uses of {} slip keys", keys.len());
        let before_text = before.to_string();
        let mut conn = self.conn();
        // One read transaction for all the look-ups: one snapshot (a day
        // recorded meanwhile by another process is seen by none or all),
        // and one WAL read lock instead of one per key, which cost more
        // than the look-ups themselves.
        let tx = conn.transaction().context(ctx)?;
        // The key index hands over a key's rows day by day, earliest
        // first, without a sort per look-up; the choice among the
        // earliest day's rows is made below. `before` is bound once.
        let mut stmt = tx
            .prepare_cached(
                "SELECT day, order_id, file FROM slip_registry
                 WHERE key_kind = ?1 AND key_value = ?2 AND day < ?3
                 ORDER BY day",
            )
            .context(ctx)?;
        stmt.raw_bind_parameter(3, &before_text).context(ctx)?;
        let mut hits = BTreeMap::new();
        for key in keys {
            stmt.raw_bind_parameter(1, key.kind()).context(ctx)?;
            stmt.raw_bind_parameter(2, key.value()).context(ctx)?;
            let mut rows = stmt.raw_query();
            let mut earliest: Option<(String, Option<String>, String)> = None;
            while let Some(r) = rows.next().context(ctx)? {
                let day: String = r.get(0).context(ctx)?;
                if earliest.as_ref().is_some_and(|(first, ..)| *first != day) {
                    break;
                }
                let candidate = (day, r.get(1).context(ctx)?, r.get(2).context(ctx)?);
                // On the earliest day an order beats none, then the
                // smallest order id and file (SQLite's text order is
                // Rust's), so the answer is stable.
                let rank = |(_, order, file): &(String, Option<String>, String)| {
                    (order.is_none(), order.clone(), file.clone())
                };
                if earliest
                    .as_ref()
                    .is_none_or(|best| rank(&candidate) < rank(best))
                {
                    earliest = Some(candidate);
                }
            }
            if let Some((day, order_id, file)) = earliest {
                let row = format!("{} {}", key.kind(), key.value());
                hits.insert(
                    key.clone(),
                    PriorUse {
                        day: parse_day("slip_registry", &row, &day)?,
                        order_id: order_id.map(OrderId),
                        file,
                    },
                );
            }
        }
        drop(stmt);
        tx.finish().context(ctx)?;
        Ok(hits)
    }

    /// Headline figures of the recorded days in `[until - (days - 1), until]`,
    /// oldest first, from the counts each day's results were recorded with
    /// (one row a day, however many orders): orders, matched orders, and
    /// orders with any other status. Only each day's own orders count (an
    /// order carried for a week would otherwise count seven times). Days
    /// that were never recorded are left out rather than shown as zero.
    pub fn trend(&self, until: Day, days: u32) -> Result<Vec<TrendPoint>, LedgerError> {
        if days == 0 {
            return Ok(Vec::new());
        }
        let from = until
            .date()
            .checked_sub_days(Days::new(u64::from(days - 1)))
            .map(Day::new)
            .unwrap_or(until);
        let ctx = || format!("reading the trend up to {until}");
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT day, own_orders, own_matched FROM days
                 WHERE day BETWEEN ?1 AND ?2 ORDER BY day",
            )
            .context(ctx)?;
        let rows = stmt
            .query_map(params![from.to_string(), until.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(ctx)?;
        rows.into_iter()
            .map(|(day, orders, matched)| {
                let orders = orders.max(0) as u64;
                let matched = matched.max(0) as u64;
                Ok(TrendPoint {
                    day: parse_day("days", &day, &day)?,
                    orders,
                    matched,
                    exceptions: orders - matched.min(orders),
                })
            })
            .collect()
    }

    /// The slip registry rows of `day` (the keys behind cross-day
    /// `duplicate_slip`), sorted by key, order and file: for audits, for
    /// `recon status` and for the crash tests that check a rerun after a
    /// kill registers every slip exactly once.
    pub fn slip_registrations(&self, day: Day) -> Result<Vec<SlipRegistration>, LedgerError> {
        let ctx = || format!("listing the slip registrations of {day}");
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT key_kind, key_value, order_id, file, run_id FROM slip_registry
                 WHERE day = ?1
                 ORDER BY key_kind, key_value, order_id IS NULL, order_id, file, run_id",
            )
            .context(ctx)?;
        stmt.query_map([day.to_string()], |r| {
            Ok(SlipRegistration {
                key_kind: r.get(0)?,
                key_value: r.get(1)?,
                order_id: r.get::<_, Option<String>>(2)?.map(OrderId),
                file: r.get(3)?,
                run: RunId(r.get(4)?),
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .context(ctx)
    }

    /// Every day the ledger holds results for, in order, with the run
    /// whose results they are.
    pub fn recorded_days(&self) -> Result<Vec<(Day, RunId)>, LedgerError> {
        let ctx = || "listing recorded days".to_string();
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT day, run_id FROM days ORDER BY day")
            .context(ctx)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(ctx)?;
        rows.into_iter()
            .map(|(d, run)| Ok((parse_day("days", &d, &d)?, RunId(run))))
            .collect()
    }

    /// Later days whose stored results depend on `day`, so that rerunning
    /// `day` means rerunning them too, oldest first, each once:
    /// - they carry an item (order, statement line, slip) that came from
    ///   `day`;
    /// - their run started from the open set of `day` or of a later day
    ///   (`carried_from >= day`): the carry chain, every open set after
    ///   `day` was shaped by it;
    /// - their run started from the open set of a day before `day`
    ///   (`carried_from < day`): they skipped `day`, which is being run
    ///   late (a gap filled) and now sits between them and their start, so
    ///   they should have started from `day`'s open set;
    /// - they registered a slip key that `day` registered too, so their
    ///   `duplicate_slip` verdicts may rest on `day`'s registrations.
    ///
    /// Call it before recording a rerun of `day` (old registrations) and
    /// after (new ones) to cover keys that appear or disappear.
    pub fn days_depending_on(&self, day: Day) -> Result<Vec<Day>, LedgerError> {
        let ctx = || format!("finding the days that depend on {day}");
        let conn = self.conn();
        let mut stmt = conn.prepare(DAYS_DEPENDING_ON).context(ctx)?;
        let rows = stmt
            .query_map([day.to_string()], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(ctx)?;
        rows.iter()
            .map(|d| parse_day("order_results", d, d))
            .collect()
    }

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

    /// Reads every stored result row of `day` into `sink`, in primary-key
    /// order with its `seq`, from one read snapshot, until the sink says
    /// stop. `false` when the day was never recorded.
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
        {
            let mut stmt = tx
                .prepare(
                    "SELECT seq, source_file, source_line, order_id, status, customer_name, slip,
                            statement_lines, expected_minor, currency, paid_minor, paid_currency,
                            name_score, reasons_json
                     FROM order_results WHERE day = ?1",
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
                if !sink.order(r.get(0).context(ctx)?, raw.decode()?) {
                    return Ok(true);
                }
            }
        }
        {
            let mut stmt = tx
                .prepare(
                    "SELECT seq, source_file, source_line, status, order_ids, amount_minor,
                            currency, counterparty_name, reasons_json
                     FROM statement_results WHERE day = ?1",
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
                if !sink.statement_line(r.get(0).context(ctx)?, raw.decode()?) {
                    return Ok(true);
                }
            }
        }
        {
            let mut stmt = tx
                .prepare(
                    "SELECT seq, file, status, order_ids, statement_file, statement_line,
                            amount_minor, currency, trans_ref, reasons_json
                     FROM slip_results WHERE day = ?1",
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
                if !sink.slip(r.get(0).context(ctx)?, raw.decode()?) {
                    return Ok(true);
                }
            }
        }
        tx.finish().context(ctx)?;
        Ok(true)
    }
}

/// Where [`Ledger::read_day`] puts each decoded row with its `seq`;
/// `false` stops the read.
trait ResultSink {
    fn order(&mut self, seq: i64, outcome: OrderOutcome) -> bool;
    fn statement_line(&mut self, seq: i64, outcome: StatementOutcome) -> bool;
    fn slip(&mut self, seq: i64, outcome: SlipOutcome) -> bool;
}

/// Rows read in primary-key order put back in the matcher's order. They
/// are read unsorted because SQLite would sort a million rows in a temp
/// B-tree first; here they are mostly in order already (the matcher's
/// order follows files and lines), which the sort finds in one pass.
fn in_seq_order<T>(mut rows: Vec<(i64, T)>) -> Vec<T> {
    rows.sort_by_key(|(seq, _)| *seq);
    rows.into_iter().map(|(_, item)| item).collect()
}

fn line_number(line: u64) -> i64 {
    i64::try_from(line).unwrap_or(i64::MAX)
}

fn insert_orders(
    tx: &Transaction<'_>,
    run: RunId,
    day: Day,
    orders: &[OrderOutcome],
) -> Result<(), LedgerError> {
    let day_text = day.to_string();
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO order_results (day, origin_day, source_file, source_line, run_id, seq,
                 order_id, status, customer_name, slip, statement_lines, expected_minor, currency,
                 paid_minor, paid_currency, name_score, reasons_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )
        .context(|| format!("recording the orders of {day}"))?;
    for (seq, origin) in key_order(day, orders, |o| (&o.source.file, o.source.line)) {
        let o = &orders[seq];
        let expected = minor_units(
            day,
            || format!("order {} expected", o.order_id),
            &o.expected,
        )?;
        let paid = match &o.paid {
            Some(m) => Some(minor_units(
                day,
                || format!("order {} paid", o.order_id),
                m,
            )?),
            None => None,
        };
        stmt.execute(params![
            day_text,
            origin.as_deref().unwrap_or(&day_text),
            o.source.file,
            line_number(o.source.line),
            run.0,
            seq as i64,
            o.order_id.0,
            o.status.as_str(),
            o.customer_name,
            o.slip,
            to_json(&o.statement_lines),
            expected,
            o.expected.currency.code(),
            paid,
            o.paid.map(|m| m.currency.code()),
            o.name_score,
            to_json(&o.reasons),
        ])
        .context(|| format!("recording order {} of {day} ({})", o.order_id, o.source))?;
    }
    Ok(())
}

fn insert_statement(
    tx: &Transaction<'_>,
    run: RunId,
    day: Day,
    lines: &[StatementOutcome],
) -> Result<(), LedgerError> {
    let day_text = day.to_string();
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO statement_results (day, origin_day, source_file, source_line, run_id, seq,
                 status, order_ids, amount_minor, currency, counterparty_name, reasons_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .context(|| format!("recording the statement lines of {day}"))?;
    for (seq, origin) in key_order(day, lines, |s| (&s.line.file, s.line.line)) {
        let s = &lines[seq];
        let amount = minor_units(day, || format!("statement line {}", s.line), &s.amount)?;
        stmt.execute(params![
            day_text,
            origin.as_deref().unwrap_or(&day_text),
            s.line.file,
            line_number(s.line.line),
            run.0,
            seq as i64,
            s.status.as_str(),
            to_json(&s.order_ids),
            amount,
            s.amount.currency.code(),
            s.counterparty_name,
            to_json(&s.reasons),
        ])
        .context(|| format!("recording statement line {} of {day}", s.line))?;
    }
    Ok(())
}

fn insert_slips(
    tx: &Transaction<'_>,
    run: RunId,
    day: Day,
    slips: &[SlipOutcome],
) -> Result<(), LedgerError> {
    let day_text = day.to_string();
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO slip_results (day, origin_day, file, run_id, seq, status, order_ids,
                 statement_file, statement_line, amount_minor, currency, trans_ref, reasons_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )
        .context(|| format!("recording the slips of {day}"))?;
    for (seq, origin) in key_order(day, slips, |s| (&s.file, 0)) {
        let s = &slips[seq];
        let amount = match &s.amount {
            Some(m) => Some(minor_units(day, || format!("slip {}", s.file), m)?),
            None => None,
        };
        stmt.execute(params![
            day_text,
            origin.as_deref().unwrap_or(&day_text),
            s.file,
            run.0,
            seq as i64,
            s.status.as_str(),
            to_json(&s.order_ids),
            s.statement_line.as_ref().map(|l| l.file.as_str()),
            s.statement_line.as_ref().map(|l| line_number(l.line)),
            amount,
            s.amount.map(|m| m.currency.code()),
            s.trans_ref,
            to_json(&s.reasons),
        ])
        .context(|| format!("recording slip {} of {day}", s.file))?;
    }
    Ok(())
}

/// The positions of `items` in the order of the results tables' primary
/// key (origin day, file, line), each with its origin day as text when it
/// is not `day` (a carried item). Inserting in key order makes every
/// B-tree insert an append to its last page instead of a search that
/// splits pages all over the table; `seq` keeps the matcher's order.
fn key_order<T>(
    day: Day,
    items: &[T],
    source: impl Fn(&T) -> (&str, u64),
) -> Vec<(usize, Option<String>)> {
    let mut keyed: Vec<(Day, &str, u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(seq, item)| {
            let (file, line) = source(item);
            (origin_day(file, day), file, line, seq)
        })
        .collect();
    keyed.sort_unstable();
    keyed
        .into_iter()
        .map(|(origin, _, _, seq)| (seq, (origin != day).then(|| origin.to_string())))
        .collect()
}

/// [`Slip::registry_keys`] as `(kind, value)` borrowed from the slip
/// rather than copied (a unit test holds the two together).
fn registry_keys(slip: &Slip) -> impl Iterator<Item = (&'static str, &str)> {
    // `SlipKey::kind` names the kinds; an empty String does not allocate.
    let kind = |key: SlipKey| key.kind();
    [
        slip.trans_ref
            .as_ref()
            .map(|r| (kind(SlipKey::TransRef(String::new())), r.0.as_str())),
        slip.qr_payload
            .as_deref()
            .map(|q| (kind(SlipKey::QrPayload(String::new())), q)),
        slip.image_sha256
            .as_deref()
            .map(|h| (kind(SlipKey::ImageSha256(String::new())), h)),
    ]
    .into_iter()
    .flatten()
}

fn insert_registrations(
    tx: &Transaction<'_>,
    run: RunId,
    day: Day,
    outcomes: &[SlipOutcome],
    slips: &[Slip],
) -> Result<(), LedgerError> {
    let orders_by_file: HashMap<&str, &[OrderId]> = outcomes
        .iter()
        .map(|o| (o.file.as_str(), o.order_ids.as_slice()))
        .collect();
    // One row per (key, order, file), in the key index's order (kind as
    // text, then value) so that its inserts walk the index once from start
    // to end; the same slip listed twice, or one key under several
    // orders, registers once per (key, order, file). A sorted vector of
    // borrowed text, not a set of owned keys: two million keys cost a set
    // more than SQLite's inserts, and copies of them 250 MB.
    let mut rows: Vec<(&'static str, &str, Option<&str>, &str)> =
        Vec::with_capacity(slips.len() * 3);
    for slip in slips {
        let file = slip.file.as_deref().unwrap_or_default();
        let orders = orders_by_file.get(file).copied().unwrap_or_default();
        for (kind, value) in registry_keys(slip) {
            match orders {
                [] => rows.push((kind, value, None, file)),
                several => rows.extend(
                    several
                        .iter()
                        .map(|order| (kind, value, Some(order.0.as_str()), file)),
                ),
            }
        }
    }
    rows.sort_unstable();
    rows.dedup();
    let day_text = day.to_string();
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO slip_registry (key_kind, key_value, day, order_id, file, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .context(|| format!("registering the slips of {day}"))?;
    for (kind, value, order, file) in rows {
        stmt.execute(params![kind, value, day_text, order, file, run.0])
            .context(|| format!("registering slip {file} of {day}"))?;
    }
    Ok(())
}

// Reading results back: raw columns first, decoded outside rusqlite's
// closures so that a damaged row is a `Corrupt` error naming it.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_depending_on_reads_only_carried_rows_through_their_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
        let conn = ledger.conn();
        let mut stmt = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {DAYS_DEPENDING_ON}"))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map(["2026-11-21"], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let plan = plan.join("\n");
        for index in [
            "order_results_carried",
            "statement_results_carried",
            "slip_results_carried",
            "slip_registry_by_day",
            "slip_registry_by_key",
        ] {
            assert!(plan.contains(index), "{index} unused:\n{plan}");
        }
        for table in ["order_results", "statement_results", "slip_results"] {
            assert!(
                !plan.contains(&format!("SCAN {table}")),
                "{table} scanned:\n{plan}"
            );
        }
    }

    #[test]
    fn borrowed_registry_keys_are_the_slips_own() {
        use recon_core::{Provider, TransRef};
        let mut slip = Slip::empty(Provider::Easyslip);
        let owned = |s: &Slip| -> Vec<(String, String)> {
            s.registry_keys()
                .iter()
                .map(|k| (k.kind().to_string(), k.value().to_string()))
                .collect()
        };
        let borrowed = |s: &Slip| -> Vec<(String, String)> {
            registry_keys(s)
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(borrowed(&slip), owned(&slip));
        assert!(owned(&slip).is_empty());
        slip.image_sha256 = Some("ab".repeat(32));
        assert_eq!(borrowed(&slip), owned(&slip));
        slip.trans_ref = TransRef::new("016325143052ABC");
        slip.qr_payload = Some("0041000600000101030040220016325143052ABC5102TH9104ABCD".into());
        assert_eq!(borrowed(&slip), owned(&slip));
        assert_eq!(owned(&slip).len(), 3);
    }

    #[test]
    fn minor_units_refuse_what_cannot_be_stored_exactly() {
        let day: Day = "2026-11-21".parse().unwrap();
        let m = Money::parse("1500.25", Currency::Thb).unwrap();
        assert_eq!(minor_units(day, String::new, &m).unwrap(), 150025);
        let neg = Money::parse("-0.05", Currency::Usd).unwrap();
        assert_eq!(minor_units(day, String::new, &neg).unwrap(), -5);
        // Too large for i64 minor units, and too large to even scale: an
        // error naming the amount, never a panic or a silent rounding.
        let huge = Money::new(Decimal::MAX, Currency::Thb);
        let err = minor_units(day, || "order A-1 expected".into(), &huge).unwrap_err();
        assert!(err.to_string().contains("order A-1 expected"), "{err}");
        let big = Money::new(Decimal::from(i64::MAX), Currency::Thb);
        assert!(minor_units(day, String::new, &big).is_err());
        let fraction = Money::new(Decimal::new(1005, 3), Currency::Thb);
        assert!(minor_units(day, String::new, &fraction).is_err());
    }
}
