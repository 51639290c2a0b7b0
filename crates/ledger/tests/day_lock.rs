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
