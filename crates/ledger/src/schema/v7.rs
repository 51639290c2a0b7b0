//! Schema 7: a day in compact binary chunks (`crate::chunk`).
//!
//! The tables schema 6 kept one row per result, registration, open item
//! and break are read day by day, written as chunks with the same encoder
//! a run uses, and dropped, all in the migration's one transaction: an
//! interrupted upgrade leaves the file at schema 6, whole.

use recon_core::Day;
use rusqlite::Transaction;

use crate::LedgerError;
use crate::RunId;
use crate::chunk::{KEY_KINDS, Registration, key_hash};
use crate::open::legacy_open_set;
use crate::results::{encode_day, legacy_day, write_day};
use crate::runs::parse_day;

pub(super) const SQL: &str = r#"
    -- A day's rows as compact binary chunks, `part` by `part` in order
    -- (`chunk` 0, 1, …): results in the matcher's order, slip
    -- registrations sorted by key hash (`first_hash` is the chunk's
    -- smallest; a hash never straddles two chunks), the open set and the
    -- breaks. `rows` counts the items a chunk holds.
    CREATE TABLE day_chunks (
        day        TEXT    NOT NULL,
        part       TEXT    NOT NULL CHECK (part IN ('orders', 'statement', 'slips',
                                                   'registry', 'open_items', 'breaks')),
        chunk      INTEGER NOT NULL CHECK (chunk >= 0),
        rows       INTEGER NOT NULL CHECK (rows > 0),
        first_hash INTEGER CHECK ((part = 'registry') = (first_hash IS NOT NULL)),
        data       BLOB    NOT NULL,
        PRIMARY KEY (day, part, chunk)
    );
    CREATE INDEX day_chunks_by_hash ON day_chunks (day, first_hash)
        WHERE part = 'registry';

    -- Every slip key registered on a day, as a 64-bit hash of its kind and
    -- value, and the day as a number (days since 0001-01-01): the index
    -- behind cross-day `duplicate_slip`. The registration itself is in the
    -- day's registry chunks.
    CREATE TABLE slip_keys (
        hash INTEGER NOT NULL,
        day  INTEGER NOT NULL,
        PRIMARY KEY (hash, day)
    ) WITHOUT ROWID;

    -- The earlier days whose open items a day's results hold (the carried
    -- rows' origin days): what `days_depending_on` asks.
    CREATE TABLE carried_origins (
        origin_day TEXT NOT NULL,
        day        TEXT NOT NULL,
        PRIMARY KEY (origin_day, day)
    ) WITHOUT ROWID;

    -- The breaks a day resolved (carried items it closed), by item: when
    -- and by what an item was closed (`resolution`).
    CREATE TABLE resolved_breaks (
        day         TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('order', 'statement_line', 'slip')),
        key         TEXT NOT NULL,
        resolved_by TEXT,
        PRIMARY KEY (day, kind, key)
    ) WITHOUT ROWID;
    CREATE INDEX resolved_breaks_by_key ON resolved_breaks (kind, key, day);
"#;

fn sql_err(e: LedgerError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

/// Converts every recorded day, then drops the old tables.
pub(super) fn convert(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let days: Vec<(String, i64, Option<String>)> = tx
        .prepare("SELECT day, run_id, carried_from FROM days ORDER BY day")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (day_text, run, carried_from) in days {
        let day = parse_day("days", &day_text, &day_text).map_err(sql_err)?;
        let carried_from = carried_from
            .map(|d| parse_day("days", &day_text, &d))
            .transpose()
            .map_err(sql_err)?;
        let result = legacy_day(tx, day).map_err(sql_err)?;
        let registrations = legacy_registrations(tx, day)?;
        let (open, breaks) = legacy_open_set(tx, day).map_err(sql_err)?;
        let encoded = encode_day(&result, &registrations, &open, &breaks).map_err(sql_err)?;
        write_day(tx, day, RunId(run), carried_from, &encoded).map_err(sql_err)?;
    }
    tx.execute_batch(
        "DROP TABLE order_results;
         DROP TABLE statement_results;
         DROP TABLE slip_results;
         DROP TABLE slip_registry;
         DROP TABLE open_items;
         DROP TABLE breaks;",
    )
}

/// The registrations of `day` in schema 6's `slip_registry`, as the new
/// chunks sort them.
fn legacy_registrations(tx: &Transaction<'_>, day: Day) -> rusqlite::Result<Vec<Registration>> {
    let rows: Vec<(String, String, Option<String>, String)> = tx
        .prepare("SELECT key_kind, key_value, order_id, file FROM slip_registry WHERE day = ?1")?
        .query_map([day.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (kind, value, order_id, file) in rows {
        // The old table's CHECK allowed only these kinds.
        let kind = KEY_KINDS.into_iter().find(|k| *k == kind).ok_or_else(|| {
            sql_err(LedgerError::Corrupt {
                table: "slip_registry",
                row: format!("{day} {kind} {value}"),
                detail: format!("unknown key kind {kind:?}"),
            })
        })?;
        out.push(Registration {
            hash: key_hash(kind, &value),
            kind,
            value,
            order_id,
            file,
        });
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}
