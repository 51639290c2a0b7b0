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
        -- Issue 9: SHA-256 of the run manifest (inputs + reports) and of the
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
    -- open item carried over (issue 9). It is part of every key so that an
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
    // 2: days are not islands (issue 9): the open set each day leaves, the
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
