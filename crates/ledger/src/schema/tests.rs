//! Migrations: step by step, all or nothing, from every released schema.

use super::*;

const V1: Migration = Migration::sql("CREATE TABLE a (x INTEGER NOT NULL);");
const V2: Migration = Migration::sql("ALTER TABLE a ADD COLUMN y TEXT; CREATE TABLE b (z TEXT);");
const BROKEN: Migration =
    Migration::sql("CREATE TABLE c (w TEXT); INSERT INTO nowhere VALUES (1);");

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
    // Open sets and breaks (schema 2) live in the day's chunks (schema 7).
    assert!(has_table(&ledger.conn(), "day_chunks"));
    assert!(has_table(&ledger.conn(), "resolved_breaks"));

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
    {
        // Schema 3 and 4 as they were released: lean rows, no per-row
        // foreign keys, only the carried rows indexed by origin.
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, &MIGRATIONS[..4]).unwrap();
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
                "breaks_by_key",
                "days_by_carried_from",
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
    let ledger = Ledger::open(&path).unwrap();
    let d20: Day = "2026-11-20".parse().unwrap();
    let d21: Day = "2026-11-21".parse().unwrap();
    {
        let conn = ledger.conn();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        assert_eq!(
            indexes(&conn),
            [
                "alias_events_by_pair",
                "day_chunks_by_hash",
                "days_by_carried_from",
                "decisions_by_day",
                "resolved_breaks_by_key",
                "runs_by_day",
                "runs_by_manifest_seq",
            ]
        );
        for table in [
            "order_results",
            "statement_results",
            "slip_results",
            "slip_registry",
            "open_items",
            "breaks",
        ] {
            assert!(!has_table(&conn, table), "{table} is gone");
        }
        // The same rows, as chunks: items per part, then one index entry
        // per key, one carried origin, one resolved break.
        let rows = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        let part = |p: &str| {
            rows(&format!(
                "SELECT COALESCE(SUM(rows), 0) FROM day_chunks WHERE part = '{p}'"
            ))
        };
        assert_eq!(
            [
                part("orders"),
                part("statement"),
                part("slips"),
                part("registry"),
                part("breaks"),
                rows("SELECT COUNT(*) FROM slip_keys"),
                rows("SELECT COUNT(*) FROM carried_origins"),
                rows("SELECT COUNT(*) FROM resolved_breaks"),
            ],
            [3, 1, 1, 2, 1, 2, 1, 1]
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
    assert_eq!(SCHEMA_VERSION, 7);
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

/// A ledger written by schema 6, the last to keep one row per result: the
/// schema 2 file's two days, plus an open set and a new break on the 21st.
fn v6_file(path: &Path) -> recon_core::OpenItem {
    v2_file(path);
    let mut conn = Connection::open(path).unwrap();
    migrate_with(&mut conn, path, &MIGRATIONS[..6]).unwrap();
    let item_json = r#"{"kind":"order","key":"orders.csv:3","origin_day":"2026-11-21","first_seen":"2026-11-21","status":"pending","record":{"kind":"order","record":{"source":{"file":"orders.csv","line":3},"order_id":"B-2","customer_name":"นางสาว ปวีณา วงศ์สวัสดิ์","amount":{"amount":"975.50","currency":"THB"},"ordered_at":"2026-11-21T08:04:18+07:00","slip":"b2.json"}},"verdict":{"kind":"order","outcome":{"order_id":"B-2","source":{"file":"orders.csv","line":3},"status":"pending","customer_name":"นางสาว ปวีณา วงศ์สวัสดิ์","slip":"b2.json","statement_lines":[],"expected":{"amount":"975.50","currency":"THB"},"paid":{"amount":"975.5","currency":"THB"},"name_score":0.9380000000000001,"reasons":[{"code":"awaiting_statement","detail":"until 2026-11-22"}]}}}"#;
    conn.execute(
        "INSERT INTO open_items (day, kind, key, origin_day, first_seen, status, item_json)
         VALUES ('2026-11-21', 'order', 'orders.csv:3', '2026-11-21', '2026-11-21', 'pending', ?1)",
        [item_json],
    )
    .unwrap();
    conn.execute_batch(
        "INSERT INTO breaks (day, kind, key, origin_day, first_seen, status, lifecycle,
             age_days, resolved_by)
         VALUES ('2026-11-21', 'order', 'orders.csv:3', '2026-11-21', '2026-11-21',
                 'pending', 'new', 0, NULL);",
    )
    .unwrap();
    assert_eq!(version(&conn), 6);
    serde_json::from_str(item_json).unwrap()
}

#[test]
fn a_schema_6_file_moves_into_chunks_and_answers_as_before() {
    use crate::{Ledger, RunId, SlipRegistration};
    use recon_core::{
        Day, ItemKind, Lifecycle, OrderId, PriorUse, Reason, ReasonCode, SlipKey, Status,
    };

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let item = v6_file(&path);
    let ledger = Ledger::open(&path).unwrap();
    let (d20, d21) = (
        "2026-11-20".parse::<Day>().unwrap(),
        "2026-11-21".parse::<Day>().unwrap(),
    );
    {
        let conn = ledger.conn();
        assert_eq!(version(&conn), SCHEMA_VERSION);
        for table in ["order_results", "slip_registry", "open_items", "breaks"] {
            assert!(!has_table(&conn, table), "{table} is gone");
        }
        let chunks: i64 = conn
            .query_row("SELECT COUNT(*) FROM day_chunks", [], |r| r.get(0))
            .unwrap();
        // 20th: orders, registry; 21st: orders, statement, slips, registry,
        // open items, breaks.
        assert_eq!(chunks, 8);
    }
    ledger.integrity_check().unwrap();

    // The results, in the matcher's order, with their money and reasons.
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
    assert_eq!(result.orders[1].expected.to_string(), "999.00 THB");
    assert_eq!(ledger.day_result(d20).unwrap().unwrap().orders.len(), 1);

    // The open set comes back exactly (its JSON is read as before), the
    // breaks in kind-then-key order, the resolution by item.
    assert_eq!(
        ledger.open_items_before(d21.next()).unwrap(),
        (Some(d21), vec![item])
    );
    let stored = ledger.breaks(d21).unwrap();
    let breaks: Vec<(&str, Lifecycle)> = stored
        .iter()
        .map(|b| (b.key.as_str(), b.lifecycle))
        .collect();
    assert_eq!(
        breaks,
        [
            ("2026-11-20/orders.csv:2", Lifecycle::Resolved),
            ("orders.csv:3", Lifecycle::New),
        ]
    );
    assert_eq!(
        ledger
            .resolution(ItemKind::Order, "2026-11-20/orders.csv:2")
            .unwrap(),
        Some((d21, "kbank.csv:7".to_string()))
    );
    assert_eq!(
        ledger.resolution(ItemKind::Order, "orders.csv:3").unwrap(),
        None
    );

    // The registry: by key across days, and by day.
    let a1 = SlipKey::TransRef("TR-A1".into());
    let b1 = SlipKey::TransRef("TR-B1".into());
    let uses = ledger
        .prior_uses(&[a1.clone(), b1.clone()], d21.next())
        .unwrap();
    assert_eq!(
        uses[&a1],
        PriorUse {
            day: d20,
            order_id: None,
            file: "a1.png".into(),
        }
    );
    assert_eq!(uses[&b1].order_id, Some(OrderId("B-1".into())));
    assert!(ledger.prior_uses(&[b1], d21).unwrap().is_empty());
    assert_eq!(
        ledger.slip_registrations(d21).unwrap(),
        [SlipRegistration {
            key_kind: "trans_ref".into(),
            key_value: "TR-B1".into(),
            order_id: Some(OrderId("B-1".into())),
            file: "b1.png".into(),
            run: RunId(2),
        }]
    );
    assert_eq!(ledger.days_depending_on(d20).unwrap(), [d21]);
    let trend: Vec<(u64, u64)> = ledger
        .trend(d21, 2)
        .unwrap()
        .iter()
        .map(|p| (p.orders, p.matched))
        .collect();
    assert_eq!(trend, [(1, 0), (1, 1)]);

    // A rerun of the converted day gives it back and keeps one set.
    let run = ledger
        .begin_run(
            d21,
            chrono::DateTime::parse_from_rfc3339("2026-11-22T02:00:00+07:00").unwrap(),
            &[],
        )
        .unwrap();
    ledger.record_day(run, &result, &[]).unwrap();
    assert!(ledger.day_result_matches(&result).unwrap());
    assert!(ledger.slip_registrations(d21).unwrap().is_empty());
    assert_eq!(ledger.days_depending_on(d20).unwrap(), [d21]);
}
