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

use rusqlite::{Connection, TransactionBehavior};

use crate::LedgerError;

/// Every migration, in order. `MIGRATIONS[i]` brings the schema from version
/// `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: runs, OCR cache, slip registry, per-day results.
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
    // 2: days are not islands: the open set each day leaves, the
    // break lifecycle, where a run's open set came from, and the manifests
    // themselves (not only their hashes) so the chain can be re-verified.
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
    // 4: each day's own order counts, written with its results, so that
    // `trend` reads one row a day instead of every order of every day in
    // its window (30 million rows at a million orders a day). Days
    // recorded before get theirs counted here, once.
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
    // 5: what people decided about exceptions, and the aliases their
    // confirms taught. Both tables are append-only: triggers refuse UPDATE
    // and DELETE, a change of mind is a new row (a `reopen`, a `remove`).
    // AUTOINCREMENT so an id is never reused and `sqlite_sequence` still
    // knows the last id after the last row is deleted behind the triggers'
    // back (`verify_decisions` reports it).
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
    // A provider's final answer that an image is no slip it can read
    // (EasySlip SLIP_NOT_FOUND, NextOCR status false, CLOVA inferResult
    // ERROR), kept like a read so that a rerun does not pay for it again.
    r#"
    CREATE TABLE ocr_refusals (
        image_sha256 TEXT NOT NULL,
        provider     TEXT NOT NULL,
        reason       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        PRIMARY KEY (image_sha256, provider)
    ) WITHOUT ROWID;
    "#,
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
    migrations: &[&str],
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
        tx.execute_batch(migrations[current as usize])
            .map_err(migration_err)?;
        tx.pragma_update(None, "user_version", next as i64)
            .map_err(migration_err)?;
        tx.commit().map_err(migration_err)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "CREATE TABLE a (x INTEGER NOT NULL);";
    const V2: &str = "ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z TEXT);";
    const BROKEN: &str = "CREATE TABLE c (w TEXT); INSERT INTO nowhere VALUES (1);";

    fn version(conn: &Connection) -> u32 {
        user_version(conn).unwrap()
    }

    fn has_table(conn: &Connection, name: &str) -> bool {
        conn.query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    }

    #[test]
    fn an_older_file_is_upgraded_step_by_step_keeping_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, &[V1]).unwrap();
        conn.execute("INSERT INTO a (x) VALUES (7)", []).unwrap();
        assert_eq!(version(&conn), 1);

        migrate_with(&mut conn, &path, &[V1, V2]).unwrap();
        assert_eq!(version(&conn), 2);
        assert!(has_table(&conn, "b"));
        let x: i64 = conn.query_row("SELECT x FROM a", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 7);
        // Idempotent: nothing left to do.
        migrate_with(&mut conn, &path, &[V1, V2]).unwrap();
        assert_eq!(version(&conn), 2);
        // And an older build refuses the upgraded file.
        let err = migrate_with(&mut conn, &path, &[V1]).unwrap_err();
        assert!(matches!(
            err,
            LedgerError::SchemaTooNew {
                found: 2,
                supported: 1,
                ..
            }
        ));
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        let err = migrate_with(&mut conn, &path, &[V1, BROKEN]).unwrap_err();
        match &err {
            LedgerError::Migration { version, .. } => assert_eq!(*version, 2),
            other => panic!("expected a migration error, got {other:?}"),
        }
        assert!(err.to_string().contains("schema version 2"), "{err}");
        // Version 1 was committed on its own; version 2 left no trace.
        assert_eq!(version(&conn), 1);
        assert!(has_table(&conn, "a"));
        assert!(!has_table(&conn, "c"));
    }

    /// A ledger written by the first release (schema 1) with a recorded day
    /// and two runs that stored manifest hashes the old way (hash only).
    fn v1_file(path: &Path) {
        let mut conn = Connection::open(path).unwrap();
        migrate_with(&mut conn, path, &MIGRATIONS[..1]).unwrap();
        conn.execute_batch(
            "INSERT INTO runs (id, day, started_at, inputs_json, status, manifest_sha256)
                 VALUES (1, '2026-11-20', '2026-11-21T00:10:00+07:00', '[]', 'clean', 'm1'),
                        (2, '2026-11-21', '2026-11-22T00:10:00+07:00', '[]', 'clean', 'm2'),
                        (3, '2026-11-21', '2026-11-22T00:20:00+07:00', '[]', NULL, NULL);
             UPDATE runs SET previous_manifest_sha256 = 'm1' WHERE id = 2;
             INSERT INTO days (day, run_id) VALUES ('2026-11-20', 1), ('2026-11-21', 2);
             INSERT INTO order_results (day, origin_day, source_file, source_line, run_id, seq,
                 order_id, status, customer_name, statement_lines, expected_minor, currency,
                 reasons, reasons_json)
             VALUES ('2026-11-21', '2026-11-21', 'orders.csv', 2, 2, 0, 'A-1', 'unpaid',
                 'x', '[]', 150000, 'THB', 'no_slip', '[{\"code\":\"no_slip\",\"detail\":null}]');",
        )
        .unwrap();
        assert_eq!(version(&conn), 1);
    }

    #[test]
    fn a_schema_1_file_upgrades_keeping_its_days_runs_and_manifest_hashes() {
        use crate::{ChainProblem, Ledger, RunId};
        use recon_core::Day;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        v1_file(&path);
        let ledger = Ledger::open(&path).unwrap();
        assert_eq!(version(&ledger.conn()), SCHEMA_VERSION);
        assert!(has_table(&ledger.conn(), "open_items"));
        assert!(has_table(&ledger.conn(), "breaks"));

        let d20: Day = "2026-11-20".parse().unwrap();
        let d21: Day = "2026-11-21".parse().unwrap();
        let result = ledger.day_result(d21).unwrap().unwrap();
        assert_eq!(result.orders.len(), 1);
        assert_eq!(result.orders[0].order_id.0, "A-1");
        assert_eq!(ledger.history(10).unwrap().len(), 3);
        // Old days carried nothing and left no open set.
        let carried: Option<String> = ledger
            .conn()
            .query_row(
                "SELECT carried_from FROM days WHERE day = '2026-11-21'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(carried, None);
        assert_eq!(
            ledger.open_items_before(d21.next()).unwrap(),
            (Some(d21), vec![])
        );
        assert!(ledger.breaks(d21).unwrap().is_empty());
        assert!(ledger.days_depending_on(d20).unwrap().is_empty());

        // The old hashes took positions 1 and 2 in the chain; they cannot be
        // verified (no JSON was kept), and say so, but the chain goes on
        // from the last of them.
        let check = ledger.verify_manifest_chain().unwrap();
        assert_eq!(check.runs_checked, 2);
        let problems: Vec<(RunId, &ChainProblem)> =
            check.broken.iter().map(|b| (b.run, &b.problem)).collect();
        assert_eq!(
            problems,
            [
                (
                    RunId(1),
                    &ChainProblem::JsonMissing {
                        stored: "m1".into()
                    }
                ),
                (
                    RunId(2),
                    &ChainProblem::JsonMissing {
                        stored: "m2".into()
                    }
                ),
            ]
        );
        let link = ledger
            .record_manifest_with(RunId(3), |p| {
                format!(r#"{{"previous_manifest_sha256":"{}"}}"#, p.unwrap_or("-"))
            })
            .unwrap();
        assert_eq!(link.previous.as_deref(), Some("m2"));
        let check = ledger.verify_manifest_chain().unwrap();
        assert_eq!(check.runs_checked, 3);
        assert_eq!(check.broken.len(), 2, "only the two old hashes: {check:?}");
    }

    /// A ledger written by schema 2: two days, the second
    /// carrying an order of the first, with results in every table, slip
    /// registrations, an open set and breaks.
    fn v2_file(path: &Path) {
        let mut conn = Connection::open(path).unwrap();
        migrate_with(&mut conn, path, &MIGRATIONS[..2]).unwrap();
        conn.execute_batch(
            r#"INSERT INTO runs (id, day, started_at, inputs_json, status)
                 VALUES (1, '2026-11-20', '2026-11-21T00:10:00+07:00', '[]', 'exceptions'),
                        (2, '2026-11-21', '2026-11-22T00:10:00+07:00', '[]', 'clean');
             INSERT INTO days (day, run_id, carried_from)
                 VALUES ('2026-11-20', 1, NULL), ('2026-11-21', 2, '2026-11-20');
             INSERT INTO order_results (day, origin_day, source_file, source_line, run_id, seq,
                 order_id, status, customer_name, slip, statement_lines, expected_minor,
                 currency, paid_minor, paid_currency, name_score, reasons, reasons_json)
             VALUES
                 ('2026-11-20', '2026-11-20', 'orders.csv', 2, 1, 0, 'A-1', 'unpaid', 'x',
                  NULL, '[]', 150000, 'THB', NULL, NULL, NULL, 'no_slip',
                  '[{"code":"no_slip","detail":null}]'),
                 ('2026-11-21', '2026-11-21', 'orders.csv', 2, 2, 1, 'B-1', 'matched',
                  'นาย สมชาย ใจดี', 'b1.png', '[{"file":"kbank.csv","line":6}]', 99900, 'THB',
                  99900, 'THB', 0.93, 'linked_by: trans_ref',
                  '[{"code":"linked_by","detail":"trans_ref"}]'),
                 ('2026-11-21', '2026-11-20', '2026-11-20/orders.csv', 2, 2, 0, 'A-1',
                  'matched', 'x', NULL, '[{"file":"kbank.csv","line":7}]', 150000, 'THB',
                  150000, 'THB', NULL, 'late_transfer', '[{"code":"late_transfer","detail":null}]');
             INSERT INTO statement_results (day, origin_day, source_file, source_line, run_id,
                 seq, status, order_ids, amount_minor, currency, counterparty_name, reasons,
                 reasons_json)
             VALUES ('2026-11-21', '2026-11-21', 'kbank.csv', 6, 2, 0, 'matched', '["B-1"]',
                     99900, 'THB', 'MR. SOMCHAI', '', '[]');
             INSERT INTO slip_results (day, origin_day, file, run_id, seq, status, order_ids,
                 statement_file, statement_line, amount_minor, currency, trans_ref, reasons,
                 reasons_json)
             VALUES ('2026-11-21', '2026-11-21', 'b1.png', 2, 0, 'matched', '["B-1"]',
                     'kbank.csv', 6, 99900, 'THB', 'TR-B1', '', '[]');
             INSERT INTO slip_registry (key_kind, key_value, day, order_id, file, run_id)
             VALUES ('trans_ref', 'TR-A1', '2026-11-20', NULL, 'a1.png', 1),
                    ('trans_ref', 'TR-B1', '2026-11-21', 'B-1', 'b1.png', 2);
             INSERT INTO breaks (day, kind, key, origin_day, first_seen, status, lifecycle,
                 age_days, resolved_by)
             VALUES ('2026-11-21', 'order', '2026-11-20/orders.csv:2', '2026-11-20',
                     '2026-11-20', 'matched', 'resolved', 1, 'kbank.csv:7');"#,
        )
        .unwrap();
        assert_eq!(version(&conn), 2);
    }

    fn columns(conn: &Connection, table: &str) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap();
        stmt.query_map([table], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn indexes(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT name FROM sqlite_schema
                 WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
            )
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_schema_2_file_upgrades_to_lean_rows_and_day_counts_and_answers_as_before() {
        use crate::{Ledger, RunId};
        use recon_core::{Day, ItemKind, PriorUse, Reason, ReasonCode, SlipKey, Status};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        v2_file(&path);
        let ledger = Ledger::open(&path).unwrap();
        let d20: Day = "2026-11-20".parse().unwrap();
        let d21: Day = "2026-11-21".parse().unwrap();
        {
            let conn = ledger.conn();
            assert_eq!(version(&conn), SCHEMA_VERSION);
            for table in [
                "order_results",
                "statement_results",
                "slip_results",
                "slip_registry",
            ] {
                let cols = columns(&conn, table);
                assert!(!cols.contains(&"reasons".to_string()), "{table}: {cols:?}");
                assert!(cols.contains(&"run_id".to_string()), "{table}: {cols:?}");
                let fks: i64 = conn
                    .query_row(
                        "SELECT COUNT(*) FROM pragma_foreign_key_list(?1)",
                        [table],
                        |r| r.get(0),
                    )
                    .unwrap();
                assert_eq!(fks, 0, "{table} keeps no per-row foreign keys");
            }
            assert_eq!(
                indexes(&conn),
                [
                    "alias_events_by_pair",
                    "breaks_by_key",
                    "days_by_carried_from",
                    "decisions_by_day",
                    "order_results_carried",
                    "runs_by_day",
                    "runs_by_manifest_seq",
                    "slip_registry_by_day",
                    "slip_registry_by_key",
                    "slip_results_carried",
                    "statement_results_carried",
                ]
            );
            let rows = |table: &str| -> i64 {
                conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                    .unwrap()
            };
            assert_eq!(
                [
                    rows("order_results"),
                    rows("statement_results"),
                    rows("slip_results"),
                    rows("slip_registry"),
                    rows("breaks"),
                ],
                [3, 1, 1, 2, 1]
            );
        }
        ledger.integrity_check().unwrap();
        // An existing file keeps its page size (changing it would mean
        // rewriting the whole file).
        let page: i64 = ledger
            .conn()
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        assert_eq!(page, 4096);

        // Every answer survives the rebuild.
        let result = ledger.day_result(d21).unwrap().unwrap();
        let orders: Vec<(&str, &str, Status)> = result
            .orders
            .iter()
            .map(|o| (o.source.file.as_str(), o.order_id.0.as_str(), o.status))
            .collect();
        assert_eq!(
            orders,
            [
                ("2026-11-20/orders.csv", "A-1", Status::Matched),
                ("orders.csv", "B-1", Status::Matched),
            ]
        );
        assert_eq!(
            result.orders[1].reasons,
            [Reason::with(ReasonCode::LinkedBy, "trans_ref")]
        );
        assert_eq!(result.orders[1].name_score, Some(0.93));
        assert_eq!(result.statement[0].order_ids[0].0, "B-1");
        assert_eq!(result.slips[0].trans_ref.as_deref(), Some("TR-B1"));
        assert_eq!(ledger.days_depending_on(d20).unwrap(), [d21]);
        let key = SlipKey::TransRef("TR-A1".into());
        assert_eq!(
            ledger.prior_uses(std::slice::from_ref(&key), d21).unwrap()[&key],
            PriorUse {
                day: d20,
                order_id: None,
                file: "a1.png".into(),
            }
        );
        let trend: Vec<(u64, u64)> = ledger
            .trend(d21, 2)
            .unwrap()
            .iter()
            .map(|p| (p.orders, p.matched))
            .collect();
        assert_eq!(trend, [(1, 0), (1, 1)], "own orders only");
        assert_eq!(
            ledger
                .resolution(ItemKind::Order, "2026-11-20/orders.csv:2")
                .unwrap(),
            Some((d21, "kbank.csv:7".to_string()))
        );

        // The upgraded file takes a rerun of the day and gives it back.
        let run = ledger
            .begin_run(
                d21,
                chrono::DateTime::parse_from_rfc3339("2026-11-22T02:00:00+07:00").unwrap(),
                &[],
            )
            .unwrap();
        ledger.record_day(run, &result, &[]).unwrap();
        assert_eq!(ledger.day_result(d21).unwrap().as_ref(), Some(&result));
        assert_eq!(ledger.recorded_days().unwrap()[1], (d21, run));
        assert_ne!(run, RunId(2));
        assert_eq!(ledger.days_depending_on(d20).unwrap(), [d21]);
    }

    #[test]
    fn a_schema_4_file_gains_append_only_decision_tables_and_keeps_its_days() {
        use crate::Ledger;
        use recon_core::{CaseRef, Day, Decision, DecisionKind};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        v2_file(&path);
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_with(&mut conn, &path, &MIGRATIONS[..4]).unwrap();
            assert_eq!(version(&conn), 4);
            assert!(!has_table(&conn, "decisions"));
        }
        let ledger = Ledger::open(&path).unwrap();
        let d21: Day = "2026-11-21".parse().unwrap();
        assert_eq!(ledger.day_result(d21).unwrap().unwrap().orders.len(), 2);
        // The upgraded file takes decisions and gives them back.
        let confirm = Decision {
            day: d21,
            kind: DecisionKind::Confirm,
            case: CaseRef::order("B-1"),
            with: vec![],
            amount: None,
            reason: None,
            note: "จ่ายโดยภรรยา".into(),
            by: "nok".into(),
            at: chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+07:00").unwrap(),
        };
        assert_eq!(
            ledger
                .record_decisions(std::slice::from_ref(&confirm))
                .unwrap(),
            [1]
        );
        assert_eq!(ledger.decisions(Some(d21)).unwrap()[0].decision, confirm);
        assert!(ledger.verify_decisions().unwrap().is_empty());
        let conn = ledger.conn();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        assert_eq!(SCHEMA_VERSION, 6);
        assert!(has_table(&conn, "decisions"));
        assert!(has_table(&conn, "ocr_refusals"));
        assert!(has_table(&conn, "alias_events"));
        let count = |table: &str| -> i64 {
            conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!((count("decisions"), count("alias_events")), (1, 0));

        conn.execute_batch(
            r#"INSERT INTO decisions (day, kind, case_kind, case_id, with_json, note,
                   decided_by, decided_at, sha256)
               VALUES ('2026-11-21', 'confirm', 'order', 'B-1', '[]', 'ok', 'nok',
                       '2026-11-22T09:00:00+07:00', 'x');
               INSERT INTO alias_events (customer, payer, action, since_day, decision_id,
                   "by", at)
               VALUES ('นาย สมชาย ใจดี', 'MRS. MALI JAIDEE', 'learn', '2026-11-21', 1, 'nok',
                       '2026-11-22T09:00:00+07:00');"#,
        )
        .unwrap();
        for (sql, message) in [
            (
                "UPDATE decisions SET note = 'changed'",
                "decisions are append-only",
            ),
            ("DELETE FROM decisions", "decisions are append-only"),
            (
                "UPDATE alias_events SET payer = 'someone else'",
                "alias events are append-only",
            ),
            ("DELETE FROM alias_events", "alias events are append-only"),
        ] {
            let err = conn.execute(sql, []).unwrap_err();
            assert!(err.to_string().contains(message), "{sql}: {err}");
        }
        assert_eq!((count("decisions"), count("alias_events")), (2, 1));
        // The CHECKs hold too: an unknown kind, an author with no name, an
        // amount without its currency, a remove that says since when.
        for sql in [
            "INSERT INTO decisions (day, kind, case_kind, case_id, with_json, note, decided_by,
                 decided_at, sha256)
             VALUES ('2026-11-21', 'approve', 'order', 'B-1', '[]', '', 'nok', 't', 'x')",
            "INSERT INTO decisions (day, kind, case_kind, case_id, with_json, note, decided_by,
                 decided_at, sha256)
             VALUES ('2026-11-21', 'confirm', 'order', 'B-1', '[]', '', '  ', 't', 'x')",
            "INSERT INTO decisions (day, kind, case_kind, case_id, with_json, amount_minor,
                 note, decided_by, decided_at, sha256)
             VALUES ('2026-11-21', 'write_off', 'order', 'B-1', '[]', 500, '', 'nok', 't', 'x')",
            "INSERT INTO alias_events (customer, payer, action, since_day, \"by\", at)
             VALUES ('a', 'b', 'remove', '2026-11-21', 'nok', 't')",
        ] {
            let err = conn.execute(sql, []).unwrap_err();
            assert!(err.to_string().contains("CHECK"), "{sql}: {err}");
        }
        assert_eq!((count("decisions"), count("alias_events")), (2, 1));
    }

    #[test]
    fn the_release_migrations_apply_to_an_empty_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.sqlite");
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn, &path).unwrap();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        assert!(has_table(&conn, "runs"));
    }
}
