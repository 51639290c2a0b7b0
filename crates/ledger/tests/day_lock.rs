//! Two runs of one day never interleave: the second fails clearly or waits.

mod common;

use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::day;
use recon_ledger::{Ledger, LedgerError};

#[test]
fn a_second_run_of_the_same_day_is_refused_while_the_first_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("var").join("ledger.sqlite");
    let d = day("2026-11-21");
    // Two ledgers, as two processes would have.
    let first = Ledger::open(&db).unwrap();
    let second = Ledger::open(&db).unwrap();

    let held = first.lock_day(d, false).unwrap();
    let expected_path = dir.path().join("var/ledger.sqlite.locks/2026-11-21.lock");
    assert_eq!(held.path(), expected_path);

    // From another thread (flock is per open file, so this is a real
    // contention, not a re-entrant success).
    std::thread::scope(|s| {
        s.spawn(|| {
            let err = second.lock_day(d, false).unwrap_err();
            match &err {
                LedgerError::DayLocked { day, path } => {
                    assert_eq!(*day, d);
                    assert_eq!(*path, expected_path);
                }
                other => panic!("expected DayLocked, got {other:?}"),
            }
            let message = err.to_string();
            assert!(message.contains("2026-11-21"), "{message}");
            assert!(message.contains("another run"), "{message}");
            assert!(message.contains("2026-11-21.lock"), "{message}");
        });
    });
    // Even the same ledger cannot take the day twice.
    assert!(matches!(
        first.lock_day(d, false),
        Err(LedgerError::DayLocked { .. })
    ));
    // Other days are free.
    let _other = second.lock_day(d.next(), false).unwrap();

    drop(held);
    let again = second.lock_day(d, false).unwrap();
    assert_eq!(again.day(), d);
}

#[test]
fn a_waiting_run_gets_the_day_when_the_first_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let d = day("2026-11-21");
    let first = Ledger::open(&db).unwrap();
    let held = first.lock_day(d, false).unwrap();

    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let second = Ledger::open(&db).unwrap();
        let lock = second.lock_day(d, true).unwrap();
        tx.send(Instant::now()).unwrap();
        drop(lock);
    });
    // Still blocked while the first run holds the day.
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
    let released = Instant::now();
    drop(held);
    let acquired = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the waiting run gets the day");
    assert!(acquired >= released);
    waiter.join().unwrap();
}

#[test]
fn day_in_progress_tells_a_running_day_from_a_free_one() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    let d = day("2026-11-21");
    assert!(!ledger.day_in_progress(d).unwrap());
    let held = ledger.lock_day(d, false).unwrap();
    assert!(ledger.day_in_progress(d).unwrap());
    assert!(!ledger.day_in_progress(d.next()).unwrap());
    drop(held);
    assert!(!ledger.day_in_progress(d).unwrap());
    // Asking did not leave the day taken.
    ledger.lock_day(d, false).unwrap();
}

#[test]
fn a_run_of_another_day_waits_for_the_ledger_so_that_it_carries_what_the_first_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let d21 = day("2026-11-21");
    let d22 = d21.next();
    let first = Ledger::open(&db).unwrap();
    let second = Ledger::open(&db).unwrap();

    let held = first.lock_run(d21, false).unwrap();
    // The 22nd's own day is free (nobody runs it), the ledger is not.
    let err = second.lock_run(d22, false).unwrap_err();
    match &err {
        LedgerError::LedgerBusy { day, other, .. } => {
            assert_eq!(*day, d22);
            assert_eq!(*other, Some(d21));
        }
        other => panic!("expected LedgerBusy, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains("another run (of 2026-11-21)"), "{message}");
    assert!(message.contains("--wait"), "{message}");
    // Refused without holding on to the 22nd: a look at it sees it free.
    assert!(!second.day_in_progress(d22).unwrap());
    assert!(first.day_in_progress(d21).unwrap());

    // With --wait, the 22nd runs when the 21st is done.
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| {
            let got = second.lock_run(d22, true).unwrap();
            tx.send(Instant::now()).unwrap();
            drop(got);
        });
        std::thread::sleep(Duration::from_millis(300));
        let released = Instant::now();
        drop(held);
        let got_at = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(
            got_at >= released,
            "the 22nd started before the 21st let go"
        );
    });
}

#[test]
fn a_ledger_cut_to_nothing_is_refused_not_taken_for_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    // A new file: created, used by a run.
    let ledger = Ledger::open(&db).unwrap();
    drop(ledger.lock_run(day("2026-11-21"), false).unwrap());
    drop(ledger);
    // A file somebody else created empty, never used: a new ledger.
    let fresh = dir.path().join("fresh.sqlite");
    std::fs::write(&fresh, b"").unwrap();
    Ledger::open(&fresh).unwrap();

    // The used one truncated: refused, and left as it is.
    std::fs::write(&db, b"").unwrap();
    for f in ["ledger.sqlite-wal", "ledger.sqlite-shm"] {
        let _ = std::fs::remove_file(dir.path().join(f));
    }
    let err = Ledger::open(&db).unwrap_err();
    assert!(matches!(err, LedgerError::Truncated { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("ledger.sqlite is empty"), "{message}");
    assert!(message.contains("backup"), "{message}");
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "nothing written");
}
