//! Recording a day: every row of its results, its slip registrations and
//! what it carries, replacing what the ledger held for the day in one
//! transaction, with amounts stored as exact integer minor units.

use std::collections::HashMap;

use recon_core::carry::origin_day;
use recon_core::{
    Day, DayResult, Decimal, Money, OrderId, OrderOutcome, Slip, SlipKey, SlipOutcome,
    StatementOutcome, Status,
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

        crate::fail_point_before_commit(&tx, "ledger_commit", "order_results").context(ctx)?;

        tx.commit().context(ctx)?;
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use recon_core::Currency;

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
