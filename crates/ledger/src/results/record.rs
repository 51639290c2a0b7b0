//! Recording a day: its results, its slip registrations and what it
//! carries, encoded into chunks (`crate::chunk`) before the write and
//! replacing what the ledger held for the day in one transaction, with
//! amounts stored as exact integer minor units.

use std::collections::HashMap;

use recon_core::carry::origin_day;
use recon_core::{
    Break, Day, DayResult, Decimal, ItemKind, Lifecycle, Money, OpenItem, OrderId, Slip, SlipKey,
    SlipOutcome, SourceRef, Status,
};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use crate::chunk::{Part, ROWS_PER_CHUNK, Registration, day_number, encode_chunks, key_hash};
use crate::error::SqlContext;
use crate::open::DayCarry;
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

/// Deletes everything the ledger holds for `day` except the runs (and the
/// `days` row itself, which is updated in place): its chunks, the index
/// entries of its slip keys (found through its own registry chunks), its
/// carried origins and its resolved breaks.
fn delete_day(tx: &Transaction<'_>, day: Day) -> Result<(), LedgerError> {
    let day_text = day.to_string();
    let ctx = || format!("removing the previous results of {day}");
    let hashes = stored_registry_hashes(tx, day)?;
    {
        let mut stmt = tx
            .prepare_cached("DELETE FROM slip_keys WHERE hash = ?1 AND day = ?2")
            .context(ctx)?;
        let number = day_number(day);
        for h in hashes {
            stmt.execute(params![h, number]).context(ctx)?;
        }
    }
    for table in ["day_chunks", "carried_origins", "resolved_breaks"] {
        tx.execute(&format!("DELETE FROM {table} WHERE day = ?1"), [&day_text])
            .context(ctx)?;
    }
    Ok(())
}

/// The distinct key hashes `day`'s registry chunks hold, sorted.
fn stored_registry_hashes(tx: &Transaction<'_>, day: Day) -> Result<Vec<i64>, LedgerError> {
    let mut hashes = Vec::new();
    crate::results::for_each_chunk(tx, day, Part::Registry, |r| {
        for _ in 0..r.rows() {
            hashes.push(r.registration()?.hash);
        }
        Ok(true)
    })?;
    hashes.sort_unstable();
    hashes.dedup();
    Ok(hashes)
}

/// A day's rows encoded, ready to be written: done before the write
/// transaction (on every core), so that the ledger is locked only while
/// the bytes go in.
pub(crate) struct EncodedDay {
    chunks: Vec<(Part, usize, Option<i64>, Vec<u8>)>,
    key_hashes: Vec<i64>,
    origins: Vec<Day>,
    resolved: Vec<(ItemKind, String, Option<String>)>,
    own_orders: i64,
    own_matched: i64,
}

/// Encodes a day's results, its slip registrations (sorted as
/// [`registrations`] sorts them), its open set and its breaks.
pub(crate) fn encode_day(
    result: &DayResult,
    registrations: &[Registration],
    open: &[OpenItem],
    breaks: &[Break],
) -> Result<EncodedDay, LedgerError> {
    let day = result.day;
    unique_items(
        day,
        "open item",
        open.iter().map(|i| (i.kind, i.key.as_str())),
    )?;
    unique_items(
        day,
        "break",
        breaks.iter().map(|b| (b.kind, b.key.as_str())),
    )?;
    unique_sources(day, "order", result.orders.iter().map(|o| &o.source))?;
    unique_sources(
        day,
        "statement line",
        result.statement.iter().map(|s| &s.line),
    )?;
    let mut files: Vec<&str> = result.slips.iter().map(|s| s.file.as_str()).collect();
    files.sort_unstable();
    if let Some(w) = files.windows(2).find(|w| w[0] == w[1]) {
        return Err(LedgerError::DuplicateResult {
            day,
            what: format!("slip {}", w[0]),
        });
    }
    let mut key_hashes: Vec<i64> = registrations.iter().map(|r| r.hash).collect();
    key_hashes.dedup();

    let mut chunks = Vec::new();
    let mut add = |part: Part, encoded: Vec<(usize, Vec<u8>)>| {
        chunks.extend(
            encoded
                .into_iter()
                .map(|(rows, data)| (part, rows, None, data)),
        );
    };
    add(
        Part::Orders,
        encode_chunks(&result.orders, |w, o| w.order(day, o))?,
    );
    add(
        Part::Statement,
        encode_chunks(&result.statement, |w, s| w.statement_line(day, s))?,
    );
    add(
        Part::Slips,
        encode_chunks(&result.slips, |w, s| w.slip(day, s))?,
    );
    add(
        Part::OpenItems,
        encode_chunks(open, |w, item| w.open_item(day, item))?,
    );
    add(
        Part::Breaks,
        encode_chunks(breaks, |w, b| {
            w.break_row(b);
            Ok(())
        })?,
    );
    // Registry chunks end where the hash changes, so that every row of a
    // hash is in the one chunk whose first hash is the greatest not above
    // it.
    let mut groups: Vec<&[Registration]> = Vec::new();
    let mut rest = registrations;
    while !rest.is_empty() {
        let mut end = rest.len().min(ROWS_PER_CHUNK);
        while end < rest.len() && rest[end].hash == rest[end - 1].hash {
            end += 1;
        }
        let (group, tail) = rest.split_at(end);
        groups.push(group);
        rest = tail;
    }
    let encoded = encode_chunks(&groups, |w, group| {
        for r in *group {
            w.registration(r);
        }
        Ok(())
    })?;
    for (group, (_, data)) in groups.iter().zip(encoded) {
        chunks.push((Part::Registry, group.len(), Some(group[0].hash), data));
    }

    let mut origins: Vec<Day> = result
        .orders
        .iter()
        .map(|o| origin_day(&o.source.file, day))
        .chain(
            result
                .statement
                .iter()
                .map(|s| origin_day(&s.line.file, day)),
        )
        .chain(result.slips.iter().map(|s| origin_day(&s.file, day)))
        .filter(|d| *d != day)
        .collect();
    origins.sort_unstable();
    origins.dedup();
    let resolved = breaks
        .iter()
        .filter(|b| b.lifecycle == Lifecycle::Resolved)
        .map(|b| (b.kind, b.key.clone(), b.resolved_by.clone()))
        .collect();
    // The day's own orders (not the carried ones) for `trend`.
    let own = result
        .orders
        .iter()
        .filter(|o| origin_day(&o.source.file, day) == day);
    let (own_orders, own_matched) = own.fold((0i64, 0i64), |(n, m), o| {
        (n + 1, m + i64::from(o.status == Status::Matched))
    });
    Ok(EncodedDay {
        chunks,
        key_hashes,
        origins,
        resolved,
        own_orders,
        own_matched,
    })
}

/// Refuses results that name one source (`file:line`) twice.
fn unique_sources<'a>(
    day: Day,
    what: &str,
    sources: impl Iterator<Item = &'a SourceRef>,
) -> Result<(), LedgerError> {
    let mut keys: Vec<(&str, u64)> = sources.map(|s| (s.file.as_str(), s.line)).collect();
    keys.sort_unstable();
    match keys.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(LedgerError::DuplicateResult {
            day,
            what: format!("{what} {}:{}", w[0].0, w[0].1),
        }),
        None => Ok(()),
    }
}

/// Refuses an open set or a break list that names one item twice (a key
/// is unique in a day's set).
fn unique_items<'a>(
    day: Day,
    what: &str,
    items: impl Iterator<Item = (ItemKind, &'a str)>,
) -> Result<(), LedgerError> {
    let mut keys: Vec<(ItemKind, &str)> = items.collect();
    keys.sort_unstable();
    match keys.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(LedgerError::BadCarry {
            day,
            detail: format!("{what} {} {} is listed twice", w[0].0.as_str(), w[0].1),
        }),
        None => Ok(()),
    }
}

/// Replaces what the ledger holds for `day` by `encoded`, inside `tx`:
/// the `days` row (run, carried from, own order counts), the chunks, the
/// slip key index, the carried origins and the resolved breaks.
pub(crate) fn write_day(
    tx: &Transaction<'_>,
    day: Day,
    run: RunId,
    carried_from: Option<Day>,
    encoded: &EncodedDay,
) -> Result<(), LedgerError> {
    let day_text = day.to_string();
    let ctx = || format!("recording day {day} (run {run})");
    delete_day(tx, day)?;
    tx.execute(
        "INSERT INTO days (day, run_id, carried_from, own_orders, own_matched)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (day) DO UPDATE
         SET run_id = excluded.run_id, carried_from = excluded.carried_from,
             own_orders = excluded.own_orders, own_matched = excluded.own_matched",
        params![
            day_text,
            run.0,
            carried_from.map(|d| d.to_string()),
            encoded.own_orders,
            encoded.own_matched
        ],
    )
    .context(ctx)?;
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO day_chunks (day, part, chunk, rows, first_hash, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .context(ctx)?;
        let mut numbers: HashMap<Part, i64> = HashMap::new();
        for (part, rows, first_hash, data) in &encoded.chunks {
            let n = numbers.entry(*part).or_insert(0);
            stmt.execute(params![
                day_text,
                part.as_str(),
                *n,
                *rows as i64,
                first_hash,
                data
            ])
            .context(ctx)?;
            *n += 1;
        }
    }
    {
        // Sorted: each insert lands after the one before in the index.
        let mut stmt = tx
            .prepare_cached("INSERT INTO slip_keys (hash, day) VALUES (?1, ?2)")
            .context(|| format!("registering the slips of {day}"))?;
        let number = day_number(day);
        for h in &encoded.key_hashes {
            stmt.execute(params![h, number])
                .context(|| format!("registering the slips of {day}"))?;
        }
    }
    {
        let mut stmt = tx
            .prepare_cached("INSERT INTO carried_origins (origin_day, day) VALUES (?1, ?2)")
            .context(ctx)?;
        for origin in &encoded.origins {
            stmt.execute(params![origin.to_string(), day_text])
                .context(ctx)?;
        }
    }
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO resolved_breaks (day, kind, key, resolved_by) VALUES (?1, ?2, ?3, ?4)",
            )
            .context(ctx)?;
        for (kind, key, by) in &encoded.resolved {
            stmt.execute(params![day_text, kind.as_str(), key, by])
                .context(|| format!("recording break {} {key} of {day}", kind.as_str()))?;
        }
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
        if let Some(from) = carry.carried_from.filter(|from| *from >= day) {
            return Err(LedgerError::BadCarry {
                day,
                detail: format!(
                    "the run cannot start from the open set of {from}, which is not an earlier day"
                ),
            });
        }
        let encoded = encode_day(
            result,
            &registrations(&result.slips, slips),
            carry.open,
            carry.breaks,
        )?;
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

        write_day(&tx, day, run, carry.carried_from, &encoded)?;
        drop(encoded);

        crate::fail_point_before_commit(
            &tx,
            "ledger_commit",
            "SELECT COALESCE(SUM(rows), 0) FROM day_chunks WHERE part = 'orders'",
        )
        .context(ctx)?;

        tx.commit().context(ctx)?;
        Ok(())
    }
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

/// One registration per (key, order, file) of the day's own slips, sorted
/// by key hash (then kind, value, order, file): the same slip listed
/// twice, or one key under several orders, registers once per (key,
/// order, file).
pub(crate) fn registrations(outcomes: &[SlipOutcome], slips: &[Slip]) -> Vec<Registration> {
    let orders_by_file: HashMap<&str, &[OrderId]> = outcomes
        .iter()
        .map(|o| (o.file.as_str(), o.order_ids.as_slice()))
        .collect();
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
    let mut out: Vec<Registration> = rows
        .into_iter()
        .map(|(kind, value, order, file)| Registration {
            hash: key_hash(kind, value),
            kind,
            value: value.to_string(),
            order_id: order.map(str::to_string),
            file: file.to_string(),
        })
        .collect();
    out.sort_unstable();
    out
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
