//! The run manifest chain: recorded linearly (also by concurrent writers),
//! read back exactly, and any rewritten or removed manifest reported with
//! the run it concerns.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::thread;

use common::{day, run_of};
use recon_core::Day;
use recon_ledger::{ChainProblem, Ledger, LedgerError, ManifestLink, RunId};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

fn db(dir: &Path) -> PathBuf {
    dir.join("ledger.sqlite")
}

/// A manifest as the CLI writes it: the run's files and the link.
fn manifest_json(run: RunId, d: Day, previous: Option<&str>) -> String {
    serde_json::json!({
        "run": run.0,
        "day": d.to_string(),
        "inputs": [{"name": "statements/kbank.csv", "sha256": "a".repeat(64)}],
        "reports": [{"name": "reconciliation.csv", "sha256": format!("{:064x}", run.0)}],
        "previous_manifest_sha256": previous,
    })
    .to_string()
}

fn record(ledger: &Ledger, run: RunId, d: Day) -> ManifestLink {
    ledger
        .record_manifest_with(run, |previous| manifest_json(run, d, previous))
        .unwrap()
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn raw(dir: &Path) -> Connection {
    Connection::open(db(dir)).unwrap()
}

/// Three manifests on two days (the 21st run twice), plus a failed run
/// that never records one. Returns the runs with manifests, in order.
fn three_runs(ledger: &Ledger) -> Vec<(RunId, ManifestLink)> {
    let d = day("2026-11-21");
    let r1 = run_of(ledger, d);
    let l1 = record(ledger, r1, d);
    let _failed = run_of(ledger, d.next());
    let r2 = run_of(ledger, d.next());
    let l2 = record(ledger, r2, d.next());
    let r3 = run_of(ledger, d);
    let l3 = record(ledger, r3, d);
    vec![(r1, l1), (r2, l2), (r3, l3)]
}

#[test]
fn manifests_chain_run_to_run_and_read_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&db(dir.path())).unwrap();
    let runs = three_runs(&ledger);
    let (r1, l1) = &runs[0];
    let (r2, l2) = &runs[1];
    let (r3, l3) = &runs[2];
    assert_eq!(l1.previous, None);
    assert_eq!(l2.previous.as_ref(), Some(&l1.sha256));
    assert_eq!(l3.previous.as_ref(), Some(&l2.sha256));

    let json = ledger.manifest(*r2).unwrap().unwrap();
    assert_eq!(
        json,
        manifest_json(*r2, day("2026-11-22"), Some(&l1.sha256))
    );
    assert_eq!(sha256_hex(&json), l2.sha256);
    assert_eq!(l2.sha256.len(), 64);
    let record = ledger.run(*r3).unwrap().unwrap();
    assert_eq!(record.manifest_sha256.as_ref(), Some(&l3.sha256));
    assert_eq!(record.previous_manifest_sha256.as_ref(), Some(&l2.sha256));
    // The failed run between r1 and r2 has no manifest and is no link.
    assert_eq!(ledger.manifest(RunId(r1.0 + 1)).unwrap(), None);

    let check = ledger.verify_manifest_chain().unwrap();
    assert_eq!(check.runs_checked, 3);
    assert!(check.is_intact(), "{:?}", check.broken);
}

#[test]
fn a_manifest_is_recorded_once_and_only_if_it_would_verify() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&db(dir.path())).unwrap();
    let d = day("2026-11-21");
    let r1 = run_of(&ledger, d);
    let l1 = record(&ledger, r1, d);

    let err = ledger
        .record_manifest_with(r1, |p| manifest_json(r1, d, p))
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::ManifestExists(r) if r == r1),
        "{err:?}"
    );
    assert!(matches!(
        ledger.record_manifest_with(RunId(99), |p| manifest_json(RunId(99), d, p)),
        Err(LedgerError::UnknownRun(RunId(99)))
    ));
    // A run that is not there (removed) has no manifest to show.
    assert_eq!(ledger.manifest(RunId(99)).unwrap(), None);

    // A JSON naming another previous manifest, none, or not JSON at all.
    let r2 = run_of(&ledger, d);
    for bad in [
        manifest_json(r2, d, Some(&"0".repeat(64))),
        manifest_json(r2, d, None),
        r#"{"run": 2}"#.to_string(),
        "not json".to_string(),
    ] {
        let err = ledger
            .record_manifest_with(r2, |_| bad.clone())
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::BadManifest { run, .. } if run == r2),
            "{err:?}"
        );
        assert!(err.to_string().starts_with(&format!("run {r2}: ")), "{err}");
        assert_eq!(ledger.manifest(r2).unwrap(), None, "nothing recorded");
    }
    // The refused attempts left no trace in the chain.
    let l2 = record(&ledger, r2, d);
    assert_eq!(l2.previous, Some(l1.sha256));
    assert!(ledger.verify_manifest_chain().unwrap().is_intact());
}

#[test]
fn the_chain_follows_recording_order_not_run_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&db(dir.path())).unwrap();
    // Runs of two days overlap: the 21st starts first, the 22nd finishes
    // first.
    let (d21, d22) = (day("2026-11-21"), day("2026-11-22"));
    let first_started = run_of(&ledger, d21);
    let second_started = run_of(&ledger, d22);
    let a = record(&ledger, second_started, d22);
    let b = record(&ledger, first_started, d21);
    assert_eq!(a.previous, None);
    assert_eq!(b.previous, Some(a.sha256.clone()));
    let check = ledger.verify_manifest_chain().unwrap();
    assert_eq!(check.runs_checked, 2);
    assert!(check.is_intact(), "{:?}", check.broken);
    // And the next one links to the last recorded, not the highest run.
    let third = run_of(&ledger, d21);
    assert_eq!(record(&ledger, third, d21).previous, Some(b.sha256));
}

#[test]
fn concurrent_writers_still_make_one_linear_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = db(dir.path());
    drop(Ledger::open(&path).unwrap());
    const PER_THREAD: usize = 15;
    // Two connections, as two `recon` processes of different days would
    // hold; each begins its runs and records their manifests interleaved
    // with the other's.
    let writers: Vec<_> = ["2026-11-21", "2026-11-22"]
        .into_iter()
        .map(|d| {
            let path = path.clone();
            thread::spawn(move || {
                let ledger = Ledger::open(&path).unwrap();
                let d = day(d);
                (0..PER_THREAD)
                    .map(|_| {
                        let run = run_of(&ledger, d);
                        (run, record(&ledger, run, d))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let links: Vec<(RunId, ManifestLink)> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_eq!(links.len(), 2 * PER_THREAD);

    // Linear: one start, every manifest the previous of at most one other,
    // and following the links from the last visits all of them.
    let shas: BTreeSet<&String> = links.iter().map(|(_, l)| &l.sha256).collect();
    assert_eq!(shas.len(), links.len());
    assert_eq!(
        links.iter().filter(|(_, l)| l.previous.is_none()).count(),
        1
    );
    let previous: BTreeSet<&String> = links
        .iter()
        .filter_map(|(_, l)| l.previous.as_ref())
        .collect();
    assert_eq!(
        previous.len(),
        links.len() - 1,
        "no manifest is linked twice"
    );
    assert!(previous.is_subset(&shas));

    let ledger = Ledger::open(&path).unwrap();
    let check = ledger.verify_manifest_chain().unwrap();
    assert_eq!(check.runs_checked, 2 * PER_THREAD);
    assert!(check.is_intact(), "{:?}", check.broken);
}

#[test]
fn a_rewritten_manifest_is_reported_naming_its_run() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&db(dir.path())).unwrap();
    let runs = three_runs(&ledger);
    let (r2, l2) = &runs[1];

    // Someone edits run 2's manifest (say, a report hash) in place.
    raw(dir.path())
        .execute(
            "UPDATE runs SET manifest_json = replace(manifest_json, 'kbank', 'scb') WHERE id = ?1",
            [r2.0],
        )
        .unwrap();
    let check = ledger.verify_manifest_chain().unwrap();
    assert_eq!(check.runs_checked, 3);
    assert_eq!(check.broken.len(), 1, "{:?}", check.broken);
    let b = &check.broken[0];
    assert_eq!((b.run, b.day), (*r2, day("2026-11-22")));
    match &b.problem {
        ChainProblem::HashMismatch { stored, computed } => {
            assert_eq!(stored.as_ref(), Some(&l2.sha256));
            assert_ne!(computed, &l2.sha256);
        }
        other => panic!("expected a hash mismatch, got {other:?}"),
    }
    let line = b.to_string();
    assert!(
        line.starts_with(&format!("run {r2} (day 2026-11-22): ")),
        "{line}"
    );
    assert!(line.contains("changed after it was recorded"), "{line}");

    // Covering it up by rewriting the stored hash too moves the break to
    // the next run, whose link no longer matches.
    let (r3, _) = &runs[2];
    let json = ledger.manifest(*r2).unwrap().unwrap();
    raw(dir.path())
        .execute(
            "UPDATE runs SET manifest_sha256 = ?2 WHERE id = ?1",
            rusqlite::params![r2.0, sha256_hex(&json)],
        )
        .unwrap();
    let check = ledger.verify_manifest_chain().unwrap();
    assert_eq!(check.broken.len(), 1, "{:?}", check.broken);
    assert_eq!(check.broken[0].run, *r3);
    assert!(
        matches!(
            &check.broken[0].problem,
            ChainProblem::PreviousMismatch { prior_run: Some(p), .. } if p == r2
        ),
        "{:?}",
        check.broken
    );
}

#[test]
fn a_manifest_whose_own_link_disagrees_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&db(dir.path())).unwrap();
    let runs = three_runs(&ledger);
    let (r1, l1) = &runs[0];
    let (r2, _) = &runs[1];
    // The JSON of run 1 rewritten to claim a predecessor, its hash and the
    // next run's link column kept in step, so only the JSONs tell: run 1's
    // own field, and run 2's JSON, which still names the original.
    let forged = manifest_json(*r1, day("2026-11-21"), Some(&"f".repeat(64)));
    let forged_sha = sha256_hex(&forged);
    let conn = raw(dir.path());
    conn.execute(
        "UPDATE runs SET manifest_json = ?2, manifest_sha256 = ?3 WHERE id = ?1",
        rusqlite::params![r1.0, forged, forged_sha],
    )
    .unwrap();
    conn.execute(
        "UPDATE runs SET previous_manifest_sha256 = ?2 WHERE previous_manifest_sha256 = ?1",
        rusqlite::params![l1.sha256, forged_sha],
    )
    .unwrap();
    let check = ledger.verify_manifest_chain().unwrap();
    assert_eq!(check.broken.len(), 2, "{:?}", check.broken);
    assert_eq!(check.broken[0].run, *r1);
    assert_eq!(
        check.broken[0].problem,
        ChainProblem::JsonPreviousMismatch {
            in_json: Some("f".repeat(64)),
            in_ledger: None,
        }
    );
    assert_eq!(check.broken[1].run, *r2);
    assert_eq!(
        check.broken[1].problem,
        ChainProblem::JsonPreviousMismatch {
            in_json: Some(l1.sha256.clone()),
            in_ledger: Some(forged_sha),
        }
    );
}

#[test]
fn a_deleted_run_in_the_middle_is_reported_at_the_run_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&db(dir.path())).unwrap();
    let runs = three_runs(&ledger);
    let (r1, l1) = &runs[0];
    let (r2, l2) = &runs[1];
    let (r3, _) = &runs[2];
    raw(dir.path())
        .execute("DELETE FROM runs WHERE id = ?1", [r2.0])
        .unwrap();

    let check = ledger.verify_manifest_chain().unwrap();
    assert_eq!(check.runs_checked, 2);
    assert!(!check.is_intact());
    assert!(
        check.broken.iter().all(|b| b.run == *r3),
        "{:?}",
        check.broken
    );
    assert!(check.broken.contains(&recon_ledger::ChainBreak {
        run: *r3,
        day: day("2026-11-21"),
        problem: ChainProblem::PreviousMismatch {
            recorded: Some(l2.sha256.clone()),
            expected: Some(l1.sha256.clone()),
            prior_run: Some(*r1),
        },
    }));
    assert!(
        check.broken.iter().any(|b| b.problem
            == ChainProblem::Gap {
                position: 3,
                expected: 2
            }),
        "{:?}",
        check.broken
    );
    let text: Vec<String> = check.broken.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains("removed")), "{text:?}");

    // Deleting the first one is caught too: the new first links to a
    // manifest that is not there.
    raw(dir.path())
        .execute("DELETE FROM runs WHERE id = ?1", [r1.0])
        .unwrap();
    let check = ledger.verify_manifest_chain().unwrap();
    assert!(
        check.broken.iter().any(|b| b.run == *r3
            && matches!(
                b.problem,
                ChainProblem::PreviousMismatch {
                    prior_run: None,
                    ..
                }
            )),
        "{:?}",
        check.broken
    );
}
