//! Opening a ledger: folders, migrations, WAL, refusing newer files.

mod common;

use common::{at, day, day_result, inputs};
use recon_ledger::{Ledger, LedgerError, RunStatus, SCHEMA_VERSION};
use rusqlite::Connection;

const TABLES: [&str; 11] = [
    "alias_events",
    "carried_origins",
    "day_chunks",
    "days",
    "decisions",
    "ocr_cache",
    "ocr_refusals",
    "resolved_breaks",
    "runs",
    "slip_keys",
    "sqlite_sequence",
];

fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn user_version(conn: &Connection) -> i64 {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap()
}

#[test]
fn migrates_an_empty_file_and_reopening_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Missing parent folders are created.
    let db = dir.path().join("var").join("deep").join("ledger.sqlite");
    let d = day("2026-11-21");
    {
        let ledger = Ledger::open(&db).unwrap();
        let run = ledger
            .begin_run(d, at("2026-11-22T01:00:00+07:00"), &inputs())
            .unwrap();
        let (result, slips) = day_result(d, 3, "a");
        ledger.record_day(run, &result, &slips).unwrap();
        ledger
            .finish_run(
                run,
                at("2026-11-22T01:00:02+07:00"),
                RunStatus::Exceptions,
                "{}",
            )
            .unwrap();
    }
    let conn = Connection::open(&db).unwrap();
    assert_eq!(user_version(&conn), i64::from(SCHEMA_VERSION));
    assert_eq!(tables(&conn), TABLES);
    let schema_before: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();

    // Reopening twice: no migration runs again, nothing is lost.
    for _ in 0..2 {
        let ledger = Ledger::open(&db).unwrap();
        assert_eq!(ledger.history(10).unwrap().len(), 1);
        assert_eq!(ledger.day_result(d).unwrap().unwrap().orders.len(), 3);
    }
    let schema_after: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(schema_before, schema_after);
    assert_eq!(user_version(&conn), i64::from(SCHEMA_VERSION));
}

#[test]
fn a_file_from_a_newer_recon_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    drop(Ledger::open(&db).unwrap());
    let newer = i64::from(SCHEMA_VERSION) + 1;
    Connection::open(&db)
        .unwrap()
        .pragma_update(None, "user_version", newer)
        .unwrap();

    let err = Ledger::open(&db).unwrap_err();
    match &err {
        LedgerError::SchemaTooNew {
            found, supported, ..
        } => {
            assert_eq!(i64::from(*found), newer);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("ledger.sqlite"), "{message}");
    assert!(message.contains("newer recon"), "{message}");
    // Nothing was touched.
    assert_eq!(user_version(&Connection::open(&db).unwrap()), newer);
}

#[test]
fn the_file_is_in_wal_mode_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let ledger = Ledger::open(&db).unwrap();
    ledger
        .begin_run(day("2026-11-21"), at("2026-11-22T01:00:00+07:00"), &[])
        .unwrap();
    // WAL is a property of the file: a fresh connection sees it too, and
    // the write went to the -wal file.
    let conn = Connection::open(&db).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert!(dir.path().join("ledger.sqlite-wal").exists());
}

#[test]
fn foreign_keys_are_enforced_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    let d = day("2026-11-21");
    let (result, slips) = day_result(d, 2, "a");
    // A run that was never begun cannot own results.
    let err = ledger
        .record_day(recon_ledger::RunId(42), &result, &slips)
        .unwrap_err();
    assert!(matches!(err, LedgerError::UnknownRun(_)), "{err:?}");
    assert!(ledger.day_result(d).unwrap().is_none());
}

#[test]
fn an_unreadable_file_is_a_clear_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    std::fs::write(
        &db,
        b"this is not a database, it is a text file with enough bytes to look like a header",
    )
    .unwrap();
    let err = Ledger::open(&db).unwrap_err();
    assert!(matches!(err, LedgerError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains("ledger.sqlite"), "{err}");
}

#[test]
fn several_processes_opening_a_fresh_file_at_once_migrate_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    // Each thread has its own connection, as separate processes would.
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| Ledger::open(&db).map(|_| ())))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in results {
        r.unwrap();
    }
    let conn = Connection::open(&db).unwrap();
    assert_eq!(user_version(&conn), i64::from(SCHEMA_VERSION));
    assert_eq!(tables(&conn), TABLES);
}
