//! Per-day results and the slip registry: what a day concluded, replaced as
//! a whole on every rerun, and which slip keys were used by which orders.
//!
//! This module owns what is asked of the recorded days as a whole: the
//! slip registry's look-ups, the trend, the recorded days and the days that
//! depend on one. Writing a day is [`record`]'s, reading its rows back
//! [`read`]'s.

use std::collections::BTreeMap;

use chrono::Days;
use recon_core::{Day, OrderId, PriorUse, SlipKey, TrendPoint};
use rusqlite::params;

use crate::error::SqlContext;
use crate::runs::parse_day;
use crate::{Ledger, LedgerError, RunId};

mod read;
mod record;

pub(crate) use record::minor_units;

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
    /// open cases (`cases` of the summary the day's run finished with; the
    /// day's unmatched own orders when it has none). Only each day's own orders count (an
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
                // A day's open cases are in the summary its run finished
                // with (`cases`); a run recorded before it kept that
                // figure, or one that never finished, has none.
                "SELECT d.day, d.own_orders, d.own_matched,
                        CASE WHEN json_valid(r.summary_json)
                             THEN json_extract(r.summary_json, '$.cases') END
                 FROM days d LEFT JOIN runs r ON r.id = d.run_id
                 WHERE d.day BETWEEN ?1 AND ?2 ORDER BY d.day",
            )
            .context(ctx)?;
        let rows = stmt
            .query_map(params![from.to_string(), until.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(ctx)?;
        rows.into_iter()
            .map(|(day, orders, matched, cases)| {
                let orders = orders.max(0) as u64;
                let matched = matched.max(0) as u64;
                Ok(TrendPoint {
                    day: parse_day("days", &day, &day)?,
                    orders,
                    matched,
                    cases: cases.map_or(orders - matched.min(orders), |c| c.max(0) as u64),
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
}
