//! The ledger's schema as an ordered list of migrations.
//!
//! `PRAGMA user_version` is the number of migrations applied. A migration is
//! never edited once released: a change is a new entry at the end, so a
//! ledger file written by any earlier recon upgrades step by step, and a file
//! written by a newer recon is refused instead of being misread.
//!
//! Conventions: days are `YYYY-MM-DD` text (they sort as dates); instants
//! are RFC 3339 text with their offset; money is INTEGER minor units plus an
//! ISO 4217 code, never REAL.

use std::path::Path;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::LedgerError;

mod v7;

/// One step of the schema: SQL, then (for a change of layout SQL cannot
/// express) code, in the same transaction.
#[derive(Clone, Copy)]
pub(crate) struct Migration {
    sql: &'static str,
    then: Option<fn(&Transaction<'_>) -> rusqlite::Result<()>>,
}

impl Migration {
    pub(crate) const fn sql(sql: &'static str) -> Migration {
        Migration { sql, then: None }
    }
}

/// Every migration, in order. `MIGRATIONS[i]` brings the schema from version
/// `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[Migration] = &[
    // 1: runs, OCR cache, slip registry, per-day results.
    Migration::sql(
        r#"
    -- One row per `recon reconcile` of one day. `status` stays NULL while
    -- the run is going (or if its process died); finish_run sets it.
    CREATE TABLE runs (
        id                       INTEGER PRIMARY KEY,
        day                      TEXT    NOT NULL,
        started_at               TEXT    NOT NULL,
        finished_at              TEXT,
        status                   TEXT    CHECK (status IN ('clean', 'exceptions', 'failed')),
        exit_code                INTEGER,
        -- JSON array of InputFile (kind, name, sha256, bytes), in run order.
        inputs_json              TEXT    NOT NULL,
        -- JSON object with the run's headline figures or its error.
        summary_json             TEXT,
        -- SHA-256 of the run manifest (inputs + reports) and of the
        -- manifest recorded before it, chaining runs for auditors.
        manifest_sha256          TEXT,
        previous_manifest_sha256 TEXT
    );
    CREATE INDEX runs_by_day ON runs (day, id);

    -- A read slip per image and provider, so a rerun never pays twice.
    CREATE TABLE ocr_cache (
        image_sha256 TEXT NOT NULL,
        provider     TEXT NOT NULL,
        slip_json    TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (image_sha256, provider)
    ) WITHOUT ROWID;

    -- The days whose results the ledger holds, and the run that produced them.
    CREATE TABLE days (
        day    TEXT    PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id)
    ) WITHOUT ROWID;

    -- Every key of every read slip, with the order it paid: the memory
    -- behind `duplicate_slip` across days.
    CREATE TABLE slip_registry (
        key_kind  TEXT    NOT NULL CHECK (key_kind IN ('trans_ref', 'qr_payload', 'image_sha256')),
        key_value TEXT    NOT NULL,
        day       TEXT    NOT NULL REFERENCES days (day),
        order_id  TEXT,
        file      TEXT    NOT NULL,
        run_id    INTEGER NOT NULL REFERENCES runs (id)
    );
    CREATE INDEX slip_registry_by_key ON slip_registry (key_kind, key_value, day);
    CREATE INDEX slip_registry_by_day ON slip_registry (day);

    -- Per-day verdicts. `origin_day` is the day the item (order, statement
    -- line, slip) came from: today for today's inputs, an earlier day for an
    -- open item carried over. It is part of every key so that an
    -- old `orders.csv:5` and today's `orders.csv:5` can sit side by side.
    -- `seq` keeps the matcher's deterministic order. WITHOUT ROWID: the
    -- key is the storage order, so a day's rows sit together and the key
    -- is not stored twice.
    CREATE TABLE order_results (
        day             TEXT    NOT NULL REFERENCES days (day),
        origin_day      TEXT    NOT NULL,
        source_file     TEXT    NOT NULL,
        source_line     INTEGER NOT NULL,
        run_id          INTEGER NOT NULL REFERENCES runs (id),
        seq             INTEGER NOT NULL,
        order_id        TEXT    NOT NULL,
        status          TEXT    NOT NULL,
        customer_name   TEXT    NOT NULL,
        slip            TEXT,
        statement_lines TEXT    NOT NULL,  -- JSON array of {file, line}
        expected_minor  INTEGER NOT NULL,
        currency        TEXT    NOT NULL,
        paid_minor      INTEGER,
        paid_currency   TEXT,
        name_score      REAL,
        reasons         TEXT    NOT NULL,  -- as the reports print them
        reasons_json    TEXT    NOT NULL,
        PRIMARY KEY (day, origin_day, source_file, source_line)
    ) WITHOUT ROWID;
    CREATE INDEX order_results_by_order ON order_results (order_id, day);
    CREATE INDEX order_results_by_origin ON order_results (origin_day, day);

    CREATE TABLE statement_results (
        day               TEXT    NOT NULL REFERENCES days (day),
        origin_day        TEXT    NOT NULL,
        source_file       TEXT    NOT NULL,
        source_line       INTEGER NOT NULL,
        run_id            INTEGER NOT NULL REFERENCES runs (id),
        seq               INTEGER NOT NULL,
        status            TEXT    NOT NULL,
        order_ids         TEXT    NOT NULL,  -- JSON array
        amount_minor      INTEGER NOT NULL,
        currency          TEXT    NOT NULL,
        counterparty_name TEXT,
        reasons           TEXT    NOT NULL,
        reasons_json      TEXT    NOT NULL,
        PRIMARY KEY (day, origin_day, source_file, source_line)
    ) WITHOUT ROWID;
    CREATE INDEX statement_results_by_origin ON statement_results (origin_day, day);

    CREATE TABLE slip_results (
        day            TEXT    NOT NULL REFERENCES days (day),
        origin_day     TEXT    NOT NULL,
        file           TEXT    NOT NULL,
        run_id         INTEGER NOT NULL REFERENCES runs (id),
        seq            INTEGER NOT NULL,
        status         TEXT    NOT NULL,
        order_ids      TEXT    NOT NULL,  -- JSON array
        statement_file TEXT,
        statement_line INTEGER,
        amount_minor   INTEGER,
        currency       TEXT,
        trans_ref      TEXT,
        reasons        TEXT    NOT NULL,
        reasons_json   TEXT    NOT NULL,
        PRIMARY KEY (day, origin_day, file)
    ) WITHOUT ROWID;
    CREATE INDEX slip_results_by_origin ON slip_results (origin_day, day);
    "#,
    ),
    // 2: days are not islands: the open set each day leaves, the
    // break lifecycle, where a run's open set came from, and the manifests
    // themselves (not only their hashes) so the chain can be re-verified.
    Migration::sql(
        r#"
    -- The day whose open set this day's run started from (the latest
    -- recorded day before it); NULL when it started from nothing.
    ALTER TABLE days ADD COLUMN carried_from TEXT REFERENCES days (day);
    CREATE INDEX days_by_carried_from ON days (carried_from);

    -- The manifest JSON whose SHA-256 is manifest_sha256, and its place in
    -- the chain (1, 2, ...). The chain follows the order manifests were
    -- recorded in, which is not the run-id order when runs of different
    -- days overlap.
    ALTER TABLE runs ADD COLUMN manifest_json TEXT;
    ALTER TABLE runs ADD COLUMN manifest_seq INTEGER;
    UPDATE runs SET manifest_seq = (
        SELECT COUNT(*) FROM runs earlier
        WHERE earlier.manifest_sha256 IS NOT NULL AND earlier.id <= runs.id
    ) WHERE manifest_sha256 IS NOT NULL;
    CREATE UNIQUE INDEX runs_by_manifest_seq ON runs (manifest_seq)
        WHERE manifest_seq IS NOT NULL;

    -- The open set a day's run left for the next: every order, statement
    -- line and slip not matched, under its carried name (`key`).
    -- `item_json` is the whole recon_core::OpenItem (record and verdict);
    -- the other columns repeat parts of it for queries.
    CREATE TABLE open_items (
        day        TEXT NOT NULL REFERENCES days (day),
        kind       TEXT NOT NULL CHECK (kind IN ('order', 'statement_line', 'slip')),
        key        TEXT NOT NULL,
        origin_day TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        status     TEXT NOT NULL,
        item_json  TEXT NOT NULL,
        PRIMARY KEY (day, kind, key)
    ) WITHOUT ROWID;

    -- The break lifecycle of each day: every item open after the day's run
    -- (new or persisting) and every carried item the run closed (resolved).
    CREATE TABLE breaks (
        day         TEXT    NOT NULL REFERENCES days (day),
        kind        TEXT    NOT NULL CHECK (kind IN ('order', 'statement_line', 'slip')),
        key         TEXT    NOT NULL,
        origin_day  TEXT    NOT NULL,
        first_seen  TEXT    NOT NULL,
        status      TEXT    NOT NULL,
        lifecycle   TEXT    NOT NULL CHECK (lifecycle IN ('new', 'persisting', 'resolved')),
        age_days    INTEGER NOT NULL CHECK (age_days >= 0),
        resolved_by TEXT,
        PRIMARY KEY (day, kind, key)
    ) WITHOUT ROWID;
    -- One item's history across days (`resolution`).
    CREATE INDEX breaks_by_key ON breaks (kind, key, day);
    "#,
    ),
    // 3: lean rows for days of a million orders, statement lines and slips
    //. The results and the registry are rebuilt (SQLite cannot
    // drop a column that carries a foreign key):
    // - `reasons` went: it repeated `reasons_json` as text and nothing read
    //   it back (the reports join the reasons themselves);
    // - the per-row foreign keys to `days` and `runs` went: each cost two
    //   look-ups per row, and the only writer (`record_day_with`) writes
    //   the `days` row and its rows in one transaction after checking the
    //   run; `days.run_id` still references `runs`;
    // - `order_results_by_order` went: no query looks orders up by id;
    // - the `origin_day` indexes now hold only the carried rows (origin day
    //   before the day), the only ones `days_depending_on` asks for, a few
    //   rows a day instead of every row.
    Migration::sql(
        r#"
    CREATE TABLE order_results_3 (
        day             TEXT    NOT NULL,
        origin_day      TEXT    NOT NULL,
        source_file     TEXT    NOT NULL,
        source_line     INTEGER NOT NULL,
        run_id          INTEGER NOT NULL,
        seq             INTEGER NOT NULL,
        order_id        TEXT    NOT NULL,
        status          TEXT    NOT NULL,
        customer_name   TEXT    NOT NULL,
        slip            TEXT,
        statement_lines TEXT    NOT NULL,  -- JSON array of {file, line}
        expected_minor  INTEGER NOT NULL,
        currency        TEXT    NOT NULL,
        paid_minor      INTEGER,
        paid_currency   TEXT,
        name_score      REAL,
        reasons_json    TEXT    NOT NULL,
        PRIMARY KEY (day, origin_day, source_file, source_line)
    ) WITHOUT ROWID;
    INSERT INTO order_results_3
        SELECT day, origin_day, source_file, source_line, run_id, seq, order_id, status,
               customer_name, slip, statement_lines, expected_minor, currency, paid_minor,
               paid_currency, name_score, reasons_json
        FROM order_results ORDER BY day, origin_day, source_file, source_line;
    DROP TABLE order_results;
    ALTER TABLE order_results_3 RENAME TO order_results;
    CREATE INDEX order_results_carried ON order_results (origin_day, day)
        WHERE origin_day <> day;

    CREATE TABLE statement_results_3 (
        day               TEXT    NOT NULL,
        origin_day        TEXT    NOT NULL,
        source_file       TEXT    NOT NULL,
        source_line       INTEGER NOT NULL,
        run_id            INTEGER NOT NULL,
        seq               INTEGER NOT NULL,
        status            TEXT    NOT NULL,
        order_ids         TEXT    NOT NULL,  -- JSON array
        amount_minor      INTEGER NOT NULL,
        currency          TEXT    NOT NULL,
        counterparty_name TEXT,
        reasons_json      TEXT    NOT NULL,
        PRIMARY KEY (day, origin_day, source_file, source_line)
    ) WITHOUT ROWID;
    INSERT INTO statement_results_3
        SELECT day, origin_day, source_file, source_line, run_id, seq, status, order_ids,
               amount_minor, currency, counterparty_name, reasons_json
        FROM statement_results ORDER BY day, origin_day, source_file, source_line;
    DROP TABLE statement_results;
    ALTER TABLE statement_results_3 RENAME TO statement_results;
    CREATE INDEX statement_results_carried ON statement_results (origin_day, day)
        WHERE origin_day <> day;

    CREATE TABLE slip_results_3 (
        day            TEXT    NOT NULL,
        origin_day     TEXT    NOT NULL,
        file           TEXT    NOT NULL,
        run_id         INTEGER NOT NULL,
        seq            INTEGER NOT NULL,
        status         TEXT    NOT NULL,
        order_ids      TEXT    NOT NULL,  -- JSON array
        statement_file TEXT,
        statement_line INTEGER,
        amount_minor   INTEGER,
        currency       TEXT,
        trans_ref      TEXT,
        reasons_json   TEXT    NOT NULL,
        PRIMARY KEY (day, origin_day, file)
    ) WITHOUT ROWID;
    INSERT INTO slip_results_3
        SELECT day, origin_day, file, run_id, seq, status, order_ids, statement_file,
               statement_line, amount_minor, currency, trans_ref, reasons_json
        FROM slip_results ORDER BY day, origin_day, file;
    DROP TABLE slip_results;
    ALTER TABLE slip_results_3 RENAME TO slip_results;
    CREATE INDEX slip_results_carried ON slip_results (origin_day, day)
        WHERE origin_day <> day;

    CREATE TABLE slip_registry_3 (
        key_kind  TEXT    NOT NULL CHECK (key_kind IN ('trans_ref', 'qr_payload', 'image_sha256')),
        key_value TEXT    NOT NULL,
        day       TEXT    NOT NULL,
        order_id  TEXT,
        file      TEXT    NOT NULL,
        run_id    INTEGER NOT NULL
    );
    INSERT INTO slip_registry_3 (key_kind, key_value, day, order_id, file, run_id)
        SELECT key_kind, key_value, day, order_id, file, run_id FROM slip_registry
        ORDER BY day, key_kind, key_value, order_id IS NULL, order_id, file;
    DROP TABLE slip_registry;
    ALTER TABLE slip_registry_3 RENAME TO slip_registry;
    CREATE INDEX slip_registry_by_key ON slip_registry (key_kind, key_value, day);
    CREATE INDEX slip_registry_by_day ON slip_registry (day);
    "#,
    ),
    // 4: each day's own order counts, written with its results, so that
    // `trend` reads one row a day instead of every order of every day in
    // its window (30 million rows at a million orders a day). Days
    // recorded before get theirs counted here, once.
    Migration::sql(
        r#"
    ALTER TABLE days ADD COLUMN own_orders INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE days ADD COLUMN own_matched INTEGER NOT NULL DEFAULT 0;
    UPDATE days SET
        own_orders = (SELECT COUNT(*) FROM order_results o
                      WHERE o.day = days.day AND o.origin_day = days.day),
        own_matched = (SELECT COUNT(*) FROM order_results o
                       WHERE o.day = days.day AND o.origin_day = days.day
                         AND o.status = 'matched');
    "#,
    ),
    // 5: what people decided about exceptions, and the aliases their
    // confirms taught. Both tables are append-only: triggers refuse UPDATE
    // and DELETE, a change of mind is a new row (a `reopen`, a `remove`).
    // AUTOINCREMENT so an id is never reused and `sqlite_sequence` still
    // knows the last id after the last row is deleted behind the triggers'
    // back (`verify_decisions` reports it).
    Migration::sql(
        r#"
    -- One row per recon_core::Decision. `sha256` is the SHA-256 of
    -- `previous_sha256` (empty for the first) followed by the decision's
    -- JSON, so the rows form a hash chain in id order.
    CREATE TABLE decisions (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        day             TEXT    NOT NULL,
        kind            TEXT    NOT NULL CHECK (kind IN ('confirm', 'link', 'decline',
                                                         'write_off', 'resolve', 'reopen')),
        case_kind       TEXT    NOT NULL CHECK (case_kind IN ('order', 'statement_line', 'slip')),
        case_id         TEXT    NOT NULL CHECK (case_id <> ''),
        with_json       TEXT    NOT NULL CHECK (json_valid(with_json)),  -- JSON array of CaseRef
        amount_minor    INTEGER,
        currency        TEXT,
        reason          TEXT,
        note            TEXT    NOT NULL,
        decided_by      TEXT    NOT NULL CHECK (trim(decided_by) <> ''),
        decided_at      TEXT    NOT NULL,
        previous_sha256 TEXT,
        sha256          TEXT    NOT NULL,
        CHECK ((amount_minor IS NULL) = (currency IS NULL))
    );
    CREATE INDEX decisions_by_day ON decisions (day, id);
    CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
    BEGIN
        SELECT RAISE(ABORT, 'decisions are append-only');
    END;
    CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
    BEGIN
        SELECT RAISE(ABORT, 'decisions are append-only');
    END;

    -- Aliases (a customer's name and a payer's name that belong together)
    -- as events: the aliases in force are the `learn`s not followed by a
    -- `remove` of the same pair. `since_day` is the day of the decision
    -- that taught a `learn`; a `remove` has none.
    CREATE TABLE alias_events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        customer    TEXT    NOT NULL CHECK (customer <> ''),
        payer       TEXT    NOT NULL CHECK (payer <> ''),
        action      TEXT    NOT NULL CHECK (action IN ('learn', 'remove')),
        since_day   TEXT,
        decision_id INTEGER REFERENCES decisions (id),
        "by"        TEXT    NOT NULL CHECK (trim("by") <> ''),
        at          TEXT    NOT NULL,
        CHECK ((action = 'learn') = (since_day IS NOT NULL))
    );
    CREATE INDEX alias_events_by_pair ON alias_events (customer, payer, id);
    CREATE TRIGGER alias_events_no_update BEFORE UPDATE ON alias_events
    BEGIN
        SELECT RAISE(ABORT, 'alias events are append-only');
    END;
    CREATE TRIGGER alias_events_no_delete BEFORE DELETE ON alias_events
    BEGIN
        SELECT RAISE(ABORT, 'alias events are append-only');
    END;
    "#,
    ),
    // A provider's final answer that an image is no slip it can read
    // (EasySlip SLIP_NOT_FOUND, NextOCR status false, CLOVA inferResult
    // ERROR), kept like a read so that a rerun does not pay for it again.
    Migration::sql(
        r#"
    CREATE TABLE ocr_refusals (
        image_sha256 TEXT NOT NULL,
        provider     TEXT NOT NULL,
        reason       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (image_sha256, provider)
    ) WITHOUT ROWID;
    "#,
    ),
    // 7: a day's results, slip registrations, open set and breaks in
    // compact binary chunks (a few thousand rows a day instead of millions),
    // slip keys indexed by a 64-bit hash, the carried origins and resolved
    // breaks each in a narrow table of their own. Every recorded day is
    // converted; the tables of one row per result go.
    Migration {
        sql: v7::SQL,
        then: Some(v7::convert),
    },
];

/// The schema version this build writes and understands.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

fn user_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
        .map(|v| v.clamp(0, u32::MAX as i64) as u32)
}

/// Brings the file up to [`SCHEMA_VERSION`], one migration per transaction.
///
/// The version is re-read inside each write transaction, so two processes
/// opening a fresh ledger at once apply each migration exactly once.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), LedgerError> {
    migrate_with(conn, path, MIGRATIONS)
}

fn migrate_with(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
) -> Result<(), LedgerError> {
    let supported = migrations.len() as u32;
    let open_err = |source| LedgerError::Open {
        path: path.to_path_buf(),
        source,
    };
    let check_not_newer = |found: u32| {
        if found > supported {
            Err(LedgerError::SchemaTooNew {
                path: path.to_path_buf(),
                found,
                supported,
            })
        } else {
            Ok(())
        }
    };
    let found = user_version(conn).map_err(open_err)?;
    check_not_newer(found)?;
    if found == supported {
        return Ok(());
    }
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(open_err)?;
        let current = user_version(&tx).map_err(open_err)?;
        check_not_newer(current)?;
        if current == supported {
            return Ok(());
        }
        let next = current + 1;
        let migration_err = |source| LedgerError::Migration {
            path: path.to_path_buf(),
            version: next,
            source,
        };
        let migration = migrations[current as usize];
        tx.execute_batch(migration.sql).map_err(migration_err)?;
        if let Some(then) = migration.then {
            then(&tx).map_err(migration_err)?;
        }
        tx.pragma_update(None, "user_version", next as i64)
            .map_err(migration_err)?;
        tx.commit().map_err(migration_err)?;
    }
}

#[cfg(test)]
mod tests;
