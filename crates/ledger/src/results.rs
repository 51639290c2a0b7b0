//! Per-day results and the slip registry: what a day concluded, replaced as
//! a whole on every rerun, and which slip keys were used by which orders.
//!
//! This module owns what is asked of the recorded days as a whole: the
//! slip registry's look-ups, the trend, the recorded days and the days that
//! depend on one. Writing a day is [`record`]'s, reading its rows back
//! [`read`]'s.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use chrono::Days;
use recon_core::{Day, OrderId, PriorUse, SlipKey, TrendPoint};
use rusqlite::{Connection, OptionalExtension, params};

use crate::chunk::{Part, Reader, Registration, day_from_number, day_number, key_hash};
use crate::error::SqlContext;
use crate::runs::parse_day;
use crate::{Ledger, LedgerError, RunId};

mod read;
mod record;

pub(crate) use read::legacy_day;
pub(crate) use record::{encode_day, minor_units, write_day};

/// Calls `each` with a reader over every chunk of `day`'s `part`, in
/// order, until it answers `false`.
pub(crate) fn for_each_chunk(
    conn: &Connection,
    day: Day,
    part: Part,
    mut each: impl FnMut(&mut Reader) -> Result<bool, LedgerError>,
) -> Result<(), LedgerError> {
    let ctx = || format!("reading the {} of {day}", part.as_str());
    let mut stmt = conn
        .prepare_cached(
            "SELECT chunk, data FROM day_chunks WHERE day = ?1 AND part = ?2 ORDER BY chunk",
        )
        .context(ctx)?;
    let mut rows = stmt
        .query(params![day.to_string(), part.as_str()])
        .context(ctx)?;
    while let Some(row) = rows.next().context(ctx)? {
        let chunk: i64 = row.get(0).context(ctx)?;
        let data = row
            .get_ref(1)
            .context(ctx)?
            .as_blob()
            .map_err(|e| LedgerError::Corrupt {
                table: "day_chunks",
                row: format!("{day} {} {chunk}", part.as_str()),
                detail: e.to_string(),
            })?;
        let mut reader = Reader::open(data, format!("{day} {} {chunk}", part.as_str()))?;
        if !each(&mut reader)? {
            return Ok(());
        }
        reader.end()?;
    }
    Ok(())
}

/// The registrations of `day` whose key hash is `hash`: read from the one
/// registry chunk that can hold them (chunks never split a hash), decoded
/// once per look-up session through `cache`.
fn registrations_with_hash(
    conn: &Connection,
    day: Day,
    hash: i64,
    cache: &mut HashMap<(Day, i64), Rc<Vec<Registration>>>,
) -> Result<Vec<Registration>, LedgerError> {
    let ctx = || format!("reading the slip registry of {day}");
    let found: Option<(i64, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT chunk, data FROM day_chunks
             WHERE day = ?1 AND part = 'registry' AND first_hash <= ?2
             ORDER BY first_hash DESC LIMIT 1",
        )
        .context(ctx)?
        .query_row(params![day.to_string(), hash], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()
        .context(ctx)?;
    let Some((chunk, data)) = found else {
        return Ok(Vec::new());
    };
    let rows = match cache.get(&(day, chunk)) {
        Some(rows) => rows.clone(),
        None => {
            let mut r = Reader::open(&data, format!("{day} registry {chunk}"))?;
            let mut rows = Vec::with_capacity(r.rows());
            for _ in 0..r.rows() {
                rows.push(r.registration()?);
            }
            r.end()?;
            let rows = Rc::new(rows);
            cache.insert((day, chunk), rows.clone());
            rows
        }
    };
    Ok(rows.iter().filter(|r| r.hash == hash).cloned().collect())
}

/// The days whose stored results depend on `?1` through what they carry
/// (see [`Ledger::days_depending_on`]; shared slip keys are looked up
/// apart): those holding a carried item of `?1`, and those that carried an
/// open set in at all after it.
const DAYS_DEPENDING_ON: &str = "SELECT day FROM carried_origins WHERE origin_day = ?1 AND day > ?1
 UNION SELECT day FROM days WHERE carried_from IS NOT NULL AND day > ?1
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
        let before_number = day_number(before);
        let mut conn = self.conn();
        // One read transaction for all the look-ups: one snapshot (a day
        // recorded meanwhile by another process is seen by none or all),
        // and one WAL read lock instead of one per key, which cost more
        // than the look-ups themselves.
        let tx = conn.transaction().context(ctx)?;
        let mut cache = HashMap::new();
        let mut hits = BTreeMap::new();
        {
            // The key index hands over a hash's days, earliest first; a
            // day whose registrations hold another key of the same hash is
            // passed over.
            let mut stmt = tx
                .prepare_cached(
                    "SELECT day FROM slip_keys WHERE hash = ?1 AND day < ?2 ORDER BY day",
                )
                .context(ctx)?;
            for key in keys {
                let hash = key_hash(key.kind(), key.value());
                let days: Vec<i64> = stmt
                    .query_map(params![hash, before_number], |r| r.get(0))
                    .and_then(|rows| rows.collect())
                    .context(ctx)?;
                for number in days {
                    let day = day_from_number(number).ok_or_else(|| LedgerError::Corrupt {
                        table: "slip_keys",
                        row: format!("{hash} {number}"),
                        detail: format!("day number {number}"),
                    })?;
                    // On the earliest day an order beats none, then the
                    // smallest order id and file, so the answer is stable.
                    let best = registrations_with_hash(&tx, day, hash, &mut cache)?
                        .into_iter()
                        .filter(|r| r.kind == key.kind() && r.value == key.value())
                        .min_by(|a, b| {
                            (a.order_id.is_none(), &a.order_id, &a.file).cmp(&(
                                b.order_id.is_none(),
                                &b.order_id,
                                &b.file,
                            ))
                        });
                    if let Some(r) = best {
                        hits.insert(
                            key.clone(),
                            PriorUse {
                                day,
                                order_id: r.order_id.map(OrderId),
                                file: r.file,
                            },
                        );
                        break;
                    }
                }
            }
        }
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
        let mut conn = self.conn();
        let tx = conn.transaction().context(ctx)?;
        let run: Option<i64> = tx
            .query_row(
                "SELECT run_id FROM days WHERE day = ?1",
                [day.to_string()],
                |r| r.get(0),
            )
            .optional()
            .context(ctx)?;
        let Some(run) = run else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for_each_chunk(&tx, day, Part::Registry, |r| {
            for _ in 0..r.rows() {
                let reg = r.registration()?;
                out.push(SlipRegistration {
                    key_kind: reg.kind.to_string(),
                    key_value: reg.value,
                    order_id: reg.order_id.map(OrderId),
                    file: reg.file,
                    run: RunId(run),
                });
            }
            Ok(true)
        })?;
        tx.finish().context(ctx)?;
        out.sort_by(|a, b| {
            (
                &a.key_kind,
                &a.key_value,
                a.order_id.is_none(),
                &a.order_id,
                &a.file,
            )
                .cmp(&(
                    &b.key_kind,
                    &b.key_value,
                    b.order_id.is_none(),
                    &b.order_id,
                    &b.file,
                ))
        });
        Ok(out)
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
        let mut conn = self.conn();
        let tx = conn.transaction().context(ctx)?;
        let mut later: BTreeSet<Day> = {
            let mut stmt = tx.prepare(DAYS_DEPENDING_ON).context(ctx)?;
            let rows = stmt
                .query_map([day.to_string()], |r| r.get::<_, String>(0))
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .context(ctx)?;
            rows.iter()
                .map(|d| parse_day("days", d, d))
                .collect::<Result<_, _>>()?
        };
        // Shared slip keys: only a recorded later day can share one.
        let any_later: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM days WHERE day > ?1)",
                [day.to_string()],
                |r| r.get(0),
            )
            .context(ctx)?;
        if any_later {
            let mut mine: Vec<Registration> = Vec::new();
            for_each_chunk(&tx, day, Part::Registry, |r| {
                for _ in 0..r.rows() {
                    mine.push(r.registration()?);
                }
                Ok(true)
            })?;
            let mut cache = HashMap::new();
            let mut stmt = tx
                .prepare_cached("SELECT day FROM slip_keys WHERE hash = ?1 AND day > ?2")
                .context(ctx)?;
            let number = day_number(day);
            let mut previous_hash = None;
            for reg in &mine {
                if previous_hash == Some(reg.hash) {
                    continue;
                }
                previous_hash = Some(reg.hash);
                let days: Vec<i64> = stmt
                    .query_map(params![reg.hash, number], |r| r.get(0))
                    .and_then(|rows| rows.collect())
                    .context(ctx)?;
                for n in days {
                    let Some(other) = day_from_number(n) else {
                        continue;
                    };
                    if later.contains(&other) {
                        continue;
                    }
                    let theirs = registrations_with_hash(&tx, other, reg.hash, &mut cache)?;
                    let shared = mine.iter().filter(|m| m.hash == reg.hash).any(|m| {
                        theirs
                            .iter()
                            .any(|t| t.kind == m.kind && t.value == m.value)
                    });
                    if shared {
                        later.insert(other);
                    }
                }
            }
        }
        tx.finish().context(ctx)?;
        Ok(later.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_depending_on_reads_carried_origins_through_their_key() {
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
        assert!(
            plan.contains("SEARCH carried_origins USING PRIMARY KEY"),
            "carried_origins not searched by its key:\n{plan}"
        );
        assert!(!plan.contains("SCAN carried_origins"), "{plan}");
        assert!(!plan.contains("day_chunks"), "no chunk is read:\n{plan}");
    }
}
