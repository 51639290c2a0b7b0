//! Decisions and aliases: recorded all or nothing, read back exactly,
//! append-only, and a changed or removed row found by the hash chain.

mod common;

use std::path::Path;

use common::{at, day, decision, open, sql_count, thb};
use recon_core::{Alias, CaseRef, Currency, Decimal, Decision, DecisionKind, ItemKind, Money};
use recon_ledger::{Ledger, LedgerError, RecordedDecision, SCHEMA_VERSION};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

fn khr(text: &str) -> Money {
    Money::parse(text, Currency::Khr).unwrap()
}

fn slip(id: &str) -> CaseRef {
    CaseRef {
        kind: ItemKind::Slip,
        id: id.into(),
    }
}

/// One decision of every kind, over two days, as finance would record
/// them: carried ids, several lines, amounts in baht and riel, Thai and
/// Khmer notes, different offsets and a time with milliseconds.
fn every_kind() -> Vec<Decision> {
    let confirm = decision(
        "2026-11-21",
        DecisionKind::Confirm,
        CaseRef::order("ORD-1"),
        "ลูกค้าโอนจากบัญชีของภรรยา (นาง มาลี ใจดี)",
    );
    let link = Decision {
        with: vec![
            CaseRef::line("2026-11-20/kbank.csv:12"),
            CaseRef::line("kbank.csv:7"),
        ],
        ..decision(
            "2026-11-21",
            DecisionKind::Link,
            CaseRef::order("2026-11-20/ORD-2"),
            "แบ่งจ่ายสองครั้ง",
        )
    };
    let decline = Decision {
        with: vec![CaseRef::order("ORD-3")],
        by: "somchai@shop.example".into(),
        at: at("2026-11-22T10:05:30.250+07:00"),
        ..decision(
            "2026-11-21",
            DecisionKind::Decline,
            CaseRef::line("kbank.csv:9"),
            "ชื่อผู้โอนไม่ใช่ลูกค้า",
        )
    };
    let write_off_thb = Decision {
        amount: Some(thb("50")),
        reason: Some("bank_fee".into()),
        ..decision(
            "2026-11-21",
            DecisionKind::WriteOff,
            CaseRef::order("ORD-4"),
            "ค่าธรรมเนียมธนาคาร 50 บาท",
        )
    };
    let write_off_khr = Decision {
        amount: Some(khr("4100")),
        reason: Some("fx".into()),
        at: at("2026-11-21T16:00:00+07:00"),
        ..decision(
            "2026-11-20",
            DecisionKind::WriteOff,
            CaseRef::order("KH-77"),
            "អត្រាប្តូរប្រាក់",
        )
    };
    let resolve = Decision {
        reason: Some("refunded".into()),
        at: at("2026-11-22T02:30:00+00:00"),
        ..decision(
            "2026-11-21",
            DecisionKind::Resolve,
            slip("2026-11-20/a.png"),
            "คืนเงินแล้ว",
        )
    };
    let reopen = decision(
        "2026-11-21",
        DecisionKind::Reopen,
        CaseRef::order("ORD-1"),
        "ยืนยันผิดคน",
    );
    vec![
        confirm,
        link,
        decline,
        write_off_thb,
        write_off_khr,
        resolve,
        reopen,
    ]
}

fn decisions_of(recorded: &[RecordedDecision]) -> Vec<Decision> {
    recorded.iter().map(|r| r.decision.clone()).collect()
}

fn raw(dir: &Path) -> Connection {
    Connection::open(dir.join("ledger.sqlite")).unwrap()
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}

#[test]
fn every_kind_reads_back_as_recorded_in_id_order_and_chained() {
    let dir = tempfile::tempdir().unwrap();
    let given = every_kind();
    let kinds: Vec<DecisionKind> = given.iter().map(|d| d.kind).collect();
    for k in DecisionKind::ALL {
        assert!(kinds.contains(&k), "{k} is missing from the fixture");
    }
    {
        let ledger = open(dir.path());
        assert_eq!(ledger.decision_chain_head().unwrap(), None);
        assert_eq!(
            ledger.record_decisions(&given).unwrap(),
            [1, 2, 3, 4, 5, 6, 7]
        );
    }
    // Read back from the file by a new connection.
    let ledger = open(dir.path());
    let all = ledger.decisions(None).unwrap();
    assert_eq!(decisions_of(&all), given);
    assert_eq!(
        all.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6, 7]
    );
    // Amounts read back with their currency's minor digits.
    assert_eq!(all[3].decision.amount.unwrap().plain(), "50.00");
    assert_eq!(all[3].decision.amount.unwrap().amount.to_string(), "50.00");
    assert_eq!(
        all[4].decision.amount,
        Some(Money::from_minor(410_000, Currency::Khr))
    );
    assert_eq!(
        all[2].decision.at.to_rfc3339(),
        "2026-11-22T10:05:30.250+07:00"
    );
    assert_eq!(all[5].decision.at.offset().local_minus_utc(), 0);

    // Every row is chained to the one before it.
    let shas: Vec<&str> = all.iter().map(|r| r.sha256.as_str()).collect();
    assert!(shas.iter().all(|s| s.len() == 64));
    let conn = raw(dir.path());
    let links: Vec<Option<String>> = conn
        .prepare("SELECT previous_sha256 FROM decisions ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(links[0], None);
    for i in 1..links.len() {
        assert_eq!(links[i].as_deref(), Some(shas[i - 1]), "decision {}", i + 1);
    }
    assert_eq!(
        ledger.decision_chain_head().unwrap().as_deref(),
        Some(shas[6])
    );
    // Stored the way the schema says: words, minor units, RFC 3339.
    let (kind, case_kind, case_id, with_json): (String, String, String, String) = conn
        .query_row(
            "SELECT kind, case_kind, case_id, with_json FROM decisions WHERE id = 2",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), case_kind.as_str(), case_id.as_str()),
        ("link", "order", "2026-11-20/ORD-2")
    );
    let with: Vec<CaseRef> = serde_json::from_str(&with_json).unwrap();
    assert_eq!(with, given[1].with);
    let (minor, currency, decided_at): (i64, String, String) = conn
        .query_row(
            "SELECT amount_minor, currency, decided_at FROM decisions WHERE id = 5",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (minor, currency.as_str(), decided_at.as_str()),
        (410_000, "KHR", "2026-11-21T16:00:00+07:00")
    );

    // By day, and up to a day: in id order, not day order.
    let d20 = ledger.decisions(Some(day("2026-11-20"))).unwrap();
    assert_eq!(d20.iter().map(|r| r.id).collect::<Vec<_>>(), [5]);
    let d21 = ledger.decisions(Some(day("2026-11-21"))).unwrap();
    assert_eq!(
        d21.iter().map(|r| r.id).collect::<Vec<_>>(),
        [1, 2, 3, 4, 6, 7]
    );
    assert!(
        ledger
            .decisions(Some(day("2026-11-22")))
            .unwrap()
            .is_empty()
    );
    assert_eq!(ledger.decisions_through(day("2026-11-20")).unwrap(), d20);
    assert_eq!(ledger.decisions_through(day("2026-11-22")).unwrap(), all);

    // A later batch goes on from the head.
    let later = decision(
        "2026-11-19",
        DecisionKind::Resolve,
        CaseRef::order("OLD-1"),
        "เงินสด",
    );
    assert_eq!(ledger.record_decisions(&[later]).unwrap(), [8]);
    let through_20: Vec<i64> = ledger
        .decisions_through(day("2026-11-20"))
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(through_20, [5, 8]);
    let previous: String = conn
        .query_row(
            "SELECT previous_sha256 FROM decisions WHERE id = 8",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(previous, shas[6]);
    assert_eq!(ledger.verify_decisions().unwrap(), Vec::<String>::new());
    assert!(ledger.record_decisions(&[]).unwrap().is_empty());
    assert_eq!(sql_count(dir.path(), "SELECT COUNT(*) FROM decisions"), 8);
}

/// The hash is over the previous hash and the decision's JSON exactly as
/// written here. If this fails, the JSON of `Decision` changed and every
/// chain already recorded would stop verifying: hash the old form for old
/// rows (a new migration) instead of changing this text.
#[test]
fn the_chain_hash_is_sha256_of_the_previous_hash_and_the_decision_json() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let first = Decision {
        amount: Some(thb("50")),
        reason: Some("bank_fee".into()),
        ..decision(
            "2026-11-21",
            DecisionKind::WriteOff,
            CaseRef::order("ORD-4"),
            "ค่าธรรมเนียม",
        )
    };
    let second = Decision {
        with: vec![CaseRef::line("2026-11-20/kbank.csv:12")],
        ..decision(
            "2026-11-21",
            DecisionKind::Decline,
            CaseRef::order("ORD-5"),
            "",
        )
    };
    ledger.record_decisions(&[first, second]).unwrap();
    let json_1 = r#"{"day":"2026-11-21","kind":"write_off","case":{"kind":"order","id":"ORD-4"},"with":[],"amount":{"amount":"50.00","currency":"THB"},"reason":"bank_fee","note":"ค่าธรรมเนียม","by":"nok@shop.example","at":"2026-11-22T09:30:00+07:00"}"#;
    let json_2 = r#"{"day":"2026-11-21","kind":"decline","case":{"kind":"order","id":"ORD-5"},"with":[{"kind":"statement_line","id":"2026-11-20/kbank.csv:12"}],"amount":null,"reason":null,"note":"","by":"nok@shop.example","at":"2026-11-22T09:30:00+07:00"}"#;
    let sha_1 = sha256_hex(&[json_1]);
    let sha_2 = sha256_hex(&[&sha_1, json_2]);
    let shas: Vec<String> = ledger
        .decisions(None)
        .unwrap()
        .into_iter()
        .map(|r| r.sha256)
        .collect();
    assert_eq!(shas, [sha_1, sha_2.clone()]);
    assert_eq!(ledger.decision_chain_head().unwrap(), Some(sha_2));
}

#[test]
fn update_and_delete_are_refused_by_the_file_itself() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.record_decisions(&every_kind()).unwrap();
    let alias = Alias {
        customer: "นาย สมชาย ใจดี".into(),
        payer: "MRS. MALI JAIDEE".into(),
        since: day("2026-11-21"),
    };
    assert!(
        ledger
            .learn_alias(&alias, Some(1), "nok", at("2026-11-22T09:31:00+07:00"))
            .unwrap()
    );
    let conn = raw(dir.path());
    for (sql, message) in [
        (
            "UPDATE decisions SET note = 'แก้ไข' WHERE id = 2",
            "decisions are append-only",
        ),
        (
            "UPDATE decisions SET sha256 = previous_sha256",
            "decisions are append-only",
        ),
        (
            "DELETE FROM decisions WHERE id = 7",
            "decisions are append-only",
        ),
        ("DELETE FROM decisions", "decisions are append-only"),
        (
            "UPDATE alias_events SET payer = 'SOMEONE ELSE'",
            "alias events are append-only",
        ),
        ("DELETE FROM alias_events", "alias events are append-only"),
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains(message), "{sql}: {err}");
    }
    assert_eq!(decisions_of(&ledger.decisions(None).unwrap()), every_kind());
    assert_eq!(ledger.aliases().unwrap(), [alias]);
    assert!(ledger.verify_decisions().unwrap().is_empty());
}

#[test]
fn a_batch_with_one_bad_decision_records_none_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let first = every_kind().remove(0);
    let head = {
        let ledger = open(dir.path());
        ledger.record_decisions(&[first]).unwrap();
        ledger.decision_chain_head().unwrap()
    };
    let good = every_kind();
    // The second decision has no author: the schema's CHECK refuses it
    // after the first of the batch was inserted.
    let nobody = Decision {
        by: "   ".into(),
        ..good[1].clone()
    };
    {
        let ledger = open(dir.path());
        let err = ledger
            .record_decisions(&[good[2].clone(), nobody, good[3].clone()])
            .unwrap_err();
        match &err {
            LedgerError::Sql { context, source } => {
                assert!(context.contains("decision 2 of 3"), "{context}");
                assert!(context.contains("2026-11-20/ORD-2"), "{context}");
                assert!(source.to_string().contains("CHECK"), "{source}");
            }
            other => panic!("expected the CHECK to refuse it, got {other:?}"),
        }
        // An amount the ledger cannot hold: refused before SQLite sees it.
        let huge = Decision {
            amount: Some(Money::new(Decimal::MAX, Currency::Thb)),
            ..good[3].clone()
        };
        let err = ledger
            .record_decisions(&[good[4].clone(), huge])
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::AmountOutOfRange { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("decision 2 of the batch"), "{err}");
    }
    // Nothing of either batch is in the file.
    assert_eq!(sql_count(dir.path(), "SELECT COUNT(*) FROM decisions"), 1);
    let ledger = open(dir.path());
    assert_eq!(ledger.decision_chain_head().unwrap(), head);
    // And the ids and the chain go on as if the failed batches never were.
    assert_eq!(
        ledger
            .record_decisions(&[good[2].clone(), good[3].clone()])
            .unwrap(),
        [2, 3]
    );
    assert_eq!(ledger.verify_decisions().unwrap(), Vec::<String>::new());
}

#[test]
fn a_note_edited_behind_the_triggers_back_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.record_decisions(&every_kind()[..3]).unwrap();
    let conn = raw(dir.path());
    conn.execute_batch(
        "DROP TRIGGER decisions_no_update;
         UPDATE decisions SET note = 'ลูกค้าจ่ายครบแล้ว' WHERE id = 2;",
    )
    .unwrap();

    let problems = ledger.verify_decisions().unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("decision 2 (link order 2026-11-20/ORD-2, day 2026-11-21)"),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].contains("changed after it was recorded"),
        "{}",
        problems[0]
    );
    // The edited note is what reads back: the ledger does not hide it.
    assert_eq!(
        ledger.decisions(None).unwrap()[1].decision.note,
        "ลูกค้าจ่ายครบแล้ว"
    );

    // A forger who also rehashes the row breaks the link of the next one.
    let edited = &ledger.decisions(None).unwrap()[1].decision;
    let previous: String = conn
        .query_row("SELECT sha256 FROM decisions WHERE id = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let forged = sha256_hex(&[&previous, &serde_json::to_string(edited).unwrap()]);
    conn.execute("UPDATE decisions SET sha256 = ?1 WHERE id = 2", [&forged])
        .unwrap();
    let problems = ledger.verify_decisions().unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("decision 3 (decline statement_line kbank.csv:9"),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].contains("but decision 2 before it is"),
        "{}",
        problems[0]
    );
    // The head still names the untouched last row.
    assert_eq!(
        ledger.decision_chain_head().unwrap(),
        Some(ledger.decisions(None).unwrap()[2].sha256.clone())
    );

    // A row that no longer decodes is named too, not an error.
    conn.execute("UPDATE decisions SET day = 'someday' WHERE id = 1", [])
        .unwrap();
    let problems = ledger.verify_decisions().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("decision 1 (confirm order ORD-1, day someday) cannot be read")),
        "{problems:#?}"
    );
    let err = ledger.decisions(None).unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::Corrupt {
                table: "decisions",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn deleted_decisions_are_reported_in_the_middle_and_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    ledger.record_decisions(&every_kind()[..5]).unwrap();
    let conn = raw(dir.path());
    conn.execute_batch(
        "DROP TRIGGER decisions_no_delete;
         DELETE FROM decisions WHERE id = 2;",
    )
    .unwrap();
    let problems = ledger.verify_decisions().unwrap();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems[0].starts_with("decision 2 is missing (the ids go from 1 to 3)"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].starts_with("decision 3 (decline statement_line kbank.csv:9")
            && problems[1].contains("but decision 1 before it is"),
        "{}",
        problems[1]
    );

    // Deleting the last rows leaves every link whole; the ids the ledger
    // gave out still tell.
    conn.execute("DELETE FROM decisions WHERE id >= 4", [])
        .unwrap();
    let problems = ledger.verify_decisions().unwrap();
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(
        problems[2].starts_with(
            "decisions 4 to 5 are missing (after decision 3, the last one left; \
             the ledger gave out ids up to 5)"
        ),
        "{}",
        problems[2]
    );
    assert_eq!(ledger.decisions(None).unwrap().len(), 2);

    // And the first.
    conn.execute("DELETE FROM decisions WHERE id = 1", [])
        .unwrap();
    let problems = ledger.verify_decisions().unwrap();
    assert!(
        problems[0].starts_with("decisions 1 to 2 are missing (the first decision left is 3)"),
        "{problems:#?}"
    );
    assert!(
        problems[1].starts_with("decision 3 (decline")
            && problems[1].contains("no decision comes before it"),
        "{problems:#?}"
    );
}

#[test]
fn aliases_in_force_are_the_learns_not_removed_since() {
    let dir = tempfile::tempdir().unwrap();
    let t = at("2026-11-22T09:31:00+07:00");
    let somchai_mali = Alias {
        customer: "นาย สมชาย ใจดี".into(),
        payer: "MRS. MALI JAIDEE".into(),
        since: day("2026-11-20"),
    };
    let company = Alias {
        customer: "Sokha Chan".into(),
        payer: "CHAN TRADING CO., LTD.".into(),
        since: day("2026-11-21"),
    };
    let somchai_company = Alias {
        customer: "นาย สมชาย ใจดี".into(),
        payer: "บริษัท ใจดี จำกัด".into(),
        since: day("2026-11-21"),
    };
    {
        let ledger = open(dir.path());
        let ids = ledger.record_decisions(&every_kind()[..1]).unwrap();
        assert!(ledger.aliases().unwrap().is_empty());
        assert!(
            ledger
                .learn_alias(&somchai_mali, Some(ids[0]), "nok", t)
                .unwrap()
        );
        // Learnt again (a rerun of the confirm): already in force.
        let again = Alias {
            since: day("2026-11-21"),
            ..somchai_mali.clone()
        };
        assert!(!ledger.learn_alias(&again, Some(ids[0]), "nok", t).unwrap());
        assert!(ledger.learn_alias(&company, None, "dara", t).unwrap());
        assert!(
            ledger
                .learn_alias(&somchai_company, None, "nok", t)
                .unwrap()
        );
        // Sorted by customer, then payer; each keeps its first day.
        assert_eq!(
            ledger.aliases().unwrap(),
            [
                company.clone(),
                somchai_mali.clone(),
                somchai_company.clone()
            ]
        );

        assert!(
            ledger
                .remove_alias(&somchai_mali.customer, &somchai_mali.payer, "nok", t)
                .unwrap()
        );
        assert!(
            !ledger
                .remove_alias(&somchai_mali.customer, &somchai_mali.payer, "nok", t)
                .unwrap()
        );
        // Same payer, other customer: not an alias.
        assert!(
            !ledger
                .remove_alias(&company.customer, &somchai_mali.payer, "nok", t)
                .unwrap()
        );
        assert_eq!(
            ledger.aliases().unwrap(),
            [company.clone(), somchai_company.clone()]
        );
        // Learnt anew later: in force again, from the new day.
        let relearnt = Alias {
            since: day("2026-11-23"),
            ..somchai_mali.clone()
        };
        assert!(ledger.learn_alias(&relearnt, None, "nok", t).unwrap());

        // A decision that does not exist cannot teach one.
        let ghost = Alias {
            payer: "GHOST".into(),
            ..company.clone()
        };
        let err = ledger.learn_alias(&ghost, Some(99), "nok", t).unwrap_err();
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
    }
    let ledger = open(dir.path());
    assert_eq!(
        ledger.aliases().unwrap(),
        [
            company,
            Alias {
                since: day("2026-11-23"),
                ..somchai_mali
            },
            somchai_company
        ]
    );
    // Learn, learn, learn, remove, learn: five events, none rewritten.
    assert_eq!(
        sql_count(dir.path(), "SELECT COUNT(*) FROM alias_events"),
        5
    );
    assert_eq!(
        sql_count(
            dir.path(),
            "SELECT COUNT(*) FROM alias_events WHERE action = 'remove' AND since_day IS NULL"
        ),
        1
    );
    assert_eq!(
        sql_count(
            dir.path(),
            "SELECT decision_id FROM alias_events WHERE id = 1"
        ),
        1
    );
}

#[test]
fn writers_in_several_processes_make_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let path = dir.path().join("ledger.sqlite");
    std::thread::scope(|s| {
        for w in 0..4 {
            let path = &path;
            s.spawn(move || {
                // Its own connection, as another process would have.
                let ledger = Ledger::open(path).unwrap();
                for b in 0..8 {
                    let batch: Vec<Decision> = (0..2)
                        .map(|i| {
                            decision(
                                "2026-11-21",
                                DecisionKind::Confirm,
                                CaseRef::order(format!("W{w}-{b}-{i}")),
                                "",
                            )
                        })
                        .collect();
                    let ids = ledger.record_decisions(&batch).unwrap();
                    assert_eq!(ids[1], ids[0] + 1, "a batch is contiguous");
                }
            });
        }
    });
    let ledger = open(dir.path());
    assert_eq!(ledger.decisions(None).unwrap().len(), 64);
    assert_eq!(ledger.verify_decisions().unwrap(), Vec::<String>::new());
}

#[test]
fn the_schema_version_counts_the_decisions_migration() {
    // Decisions came with version 5; the cached OCR refusals with 6; days
    // in chunks with 7.
    assert_eq!(SCHEMA_VERSION, 7);
    let dir = tempfile::tempdir().unwrap();
    drop(open(dir.path()));
    let version: i64 = raw(dir.path())
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, 7);
}

#[test]
fn a_time_rfc_3339_cannot_hold_exactly_is_refused_not_shifted() {
    use chrono::{FixedOffset, TimeZone};
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    // An offset with seconds: RFC 3339 text keeps offsets to the minute,
    // and the time would come back 30 seconds off.
    let odd = FixedOffset::east_opt(7 * 3600 + 30).unwrap();
    let shifted = Decision {
        at: odd.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        ..every_kind()[1].clone()
    };
    let err = ledger
        .record_decisions(&[every_kind()[0].clone(), shifted])
        .unwrap_err();
    match &err {
        LedgerError::BadDecision {
            position, detail, ..
        } => {
            assert_eq!(*position, 2);
            assert!(detail.contains("to the minute"), "{detail}");
        }
        other => panic!("expected BadDecision, got {other:?}"),
    }
    assert!(err.to_string().contains("2026-11-20/ORD-2"), "{err}");
    assert!(ledger.decisions(None).unwrap().is_empty());
}
