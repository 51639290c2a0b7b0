//! The OCR cache behind `SlipCache`: exact round trip, per provider, and a
//! damaged row is a miss, never a panic.

mod common;

use common::slip;
use recon_core::{Provider, SlipCache};
use recon_ledger::Ledger;
use rusqlite::Connection;

#[test]
fn a_slip_comes_back_exactly_and_only_for_its_provider() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let s = slip("a.jpg", "c");
    {
        let ledger = Ledger::open(&db).unwrap();
        assert_eq!(ledger.cached(sha, Provider::Easyslip), None);
        ledger.store(sha, &s);
        assert_eq!(ledger.cached(sha, Provider::Easyslip).as_ref(), Some(&s));
        assert_eq!(ledger.cached(sha, Provider::Nextocr), None);
        assert_eq!(
            ledger.cached("0".repeat(64).as_str(), Provider::Easyslip),
            None
        );
    }
    // It survives a reopen (the point of caching: the next run).
    let ledger = Ledger::open(&db).unwrap();
    let back = ledger.cached(sha, Provider::Easyslip).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.raw_response, s.raw_response);
    assert_eq!(back.evidence, s.evidence);

    // Storing again replaces, it does not duplicate.
    let mut newer = s.clone();
    newer.remark = Some("second read".into());
    ledger.store(sha, &newer);
    assert_eq!(ledger.cached(sha, Provider::Easyslip), Some(newer));
    let rows: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM ocr_cache", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);

    // Another provider's reading of the same image is kept beside it.
    let mut local = s.clone();
    local.provider = Provider::Local;
    ledger.store(sha, &local);
    assert_eq!(ledger.cached(sha, Provider::Local), Some(local));
    assert!(ledger.cached(sha, Provider::Easyslip).is_some());
}

#[test]
fn a_damaged_row_reads_as_a_miss() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let ledger = Ledger::open(&db).unwrap();
    let conn = Connection::open(&db).unwrap();
    for (sha, json) in [
        ("bad-json", "{not json"),
        ("wrong-shape", r#"{"provider":"easyslip","amount":"lots"}"#),
        (
            "other-provider",
            &serde_json::to_string(&slip("x.jpg", "o"))
                .unwrap()
                .replace("easyslip", "clova"),
        ),
    ] {
        conn.execute(
            "INSERT INTO ocr_cache (image_sha256, provider, slip_json, created_at)
             VALUES (?1, 'easyslip', ?2, '2026-11-22T00:00:00Z')",
            [sha, json],
        )
        .unwrap();
        assert_eq!(ledger.cached(sha, Provider::Easyslip), None, "{sha}");
    }
    // And a good store over a damaged row repairs it.
    let s = slip("x.jpg", "o");
    ledger.store("bad-json", &s);
    assert_eq!(ledger.cached("bad-json", Provider::Easyslip), Some(s));
}

#[test]
fn the_cache_is_shared_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    std::thread::scope(|scope| {
        for t in 0..4 {
            let ledger = &ledger;
            scope.spawn(move || {
                for i in 0..25 {
                    let s = slip(&format!("{t}-{i}.jpg"), "t");
                    ledger.store(&format!("sha-{t}-{i}"), &s);
                }
            });
        }
    });
    for t in 0..4 {
        for i in 0..25 {
            let s = ledger
                .cached(&format!("sha-{t}-{i}"), Provider::Easyslip)
                .unwrap();
            assert_eq!(s.file.as_deref(), Some(format!("{t}-{i}.jpg").as_str()));
        }
    }
}
