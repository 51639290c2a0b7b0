//! Processes that die: the test binary runs itself as a child process.
//!
//! - A run killed inside `record_day`'s transaction: the child takes the day
//!   lock, starts a run, and aborts (SIGABRT, no unwinding, no destructors)
//!   after the day's old results were deleted and the new ones inserted but
//!   before the commit. The parent then checks the ledger as the next run
//!   would find it.
//! - A process killed inside `record_decisions`' transaction, the batch
//!   inserted but not committed: none of it is in the ledger, and the chain
//!   and the ids go on from the decisions before it.
//! - A day held by another process: refused while it lives, free the moment
//!   it is killed (SIGKILL).
//!
//! The abort point is the ledger's fail point (`RECON_TEST_ABORT_AT=
//! ledger_commit` in `Ledger::record_day_with`, `decisions_commit` in
//! `Ledger::record_decisions`): a kill from outside could
//! not hit that moment reliably.

use std::path::Path;
use std::process::Command;

mod common;

use common::{at, breaks_of, day, day_result, decision, inputs};
use recon_core::{CaseRef, DecisionKind};
use recon_ledger::{DayCarry, Ledger, RunStatus};

const CHILD_DB: &str = "RECON_LEDGER_CRASH_CHILD_DB";
const TEST_NAME: &str = "a_run_killed_inside_record_day_leaves_the_previous_results";

fn child(db: &Path) -> ! {
    let d = day("2026-11-21");
    let ledger = Ledger::open(db).expect("child opens the ledger");
    let _lock = ledger.lock_day(d, false).expect("child takes the day");
    let run = ledger
        .begin_run(d, at("2026-11-22T02:00:00+07:00"), &inputs())
        .expect("child begins a run");
    let (result, slips) = day_result(d, 7, "crashed");
    let breaks = breaks_of(&result);
    let _ = ledger.record_day_with(
        run,
        &result,
        &slips,
        &DayCarry {
            breaks: &breaks,
            ..DayCarry::default()
        },
    );
    // Reaching this line means the hook did not fire: tell the parent.
    std::process::exit(3);
}

#[test]
fn a_run_killed_inside_record_day_leaves_the_previous_results() {
    if let Some(db) = std::env::var_os(CHILD_DB) {
        child(Path::new(&db));
    }

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("var").join("ledger.sqlite");
    let marker = dir.path().join("marker");
    let d = day("2026-11-21");

    let (before, before_slips) = day_result(d, 4, "first");
    let before_breaks = breaks_of(&before);
    // Two unpaid orders; the fixture's unclaimed line is money going out,
    // which is no break.
    assert_eq!(before_breaks.len(), 2);
    {
        let ledger = Ledger::open(&db).unwrap();
        let run = ledger
            .begin_run(d, at("2026-11-22T01:00:00+07:00"), &inputs())
            .unwrap();
        ledger
            .record_day_with(
                run,
                &before,
                &before_slips,
                &DayCarry {
                    breaks: &before_breaks,
                    ..DayCarry::default()
                },
            )
            .unwrap();
        ledger
            .finish_run(
                run,
                at("2026-11-22T01:00:05+07:00"),
                RunStatus::Exceptions,
                "{}",
            )
            .unwrap();
    }

    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, &db)
        .env("RECON_TEST_ABORT_AT", "ledger_commit")
        .env("RECON_TEST_ABORT_MARKER", &marker)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the child should have died: {status:?}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(6),
            "child must die by SIGABRT: {status:?}"
        );
    }
    // Inside its transaction the child had replaced the 4 orders by its 7.
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "7");

    // The file is sound as SQLite sees it (the torn transaction in the WAL
    // has no commit frame and is ignored)...
    let check: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let ledger = Ledger::open(&db).unwrap();
    // ...and the previous results, breaks and registrations are exactly
    // what they were.
    assert_eq!(ledger.day_result(d).unwrap().as_ref(), Some(&before));
    assert_eq!(ledger.breaks(d).unwrap(), before_breaks);
    let keys: Vec<_> = before_slips
        .iter()
        .flat_map(|s| s.registry_keys())
        .collect();
    let later = ledger.prior_uses(&keys, d.next()).unwrap();
    assert_eq!(later.len(), keys.len());
    assert!(
        later
            .values()
            .all(|u| u.order_id.as_ref().unwrap().0.starts_with("first-"))
    );
    let crashed_keys: Vec<_> = day_result(d, 7, "crashed")
        .1
        .iter()
        .flat_map(|s| s.registry_keys())
        .collect();
    assert!(
        ledger
            .prior_uses(&crashed_keys, d.next())
            .unwrap()
            .is_empty()
    );
    // The dead run shows as unfinished; the day lock died with the process.
    let last = ledger.last_run(d).unwrap().unwrap();
    assert_eq!(last.status, None);
    assert_eq!(last.finished_at, None);
    let _lock = ledger.lock_day(d, false).expect("lock released by the OS");

    // And the next run completes.
    let (after, after_slips) = day_result(d, 2, "next");
    let run = ledger
        .begin_run(d, at("2026-11-22T03:00:00+07:00"), &inputs())
        .unwrap();
    ledger.record_day(run, &after, &after_slips).unwrap();
    ledger
        .finish_run(
            run,
            at("2026-11-22T03:00:01+07:00"),
            RunStatus::Exceptions,
            "{}",
        )
        .unwrap();
    assert_eq!(ledger.day_result(d).unwrap().as_ref(), Some(&after));
    let runs = ledger.history(10).unwrap();
    let statuses: Vec<_> = runs.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            Some(RunStatus::Exceptions),
            None,
            Some(RunStatus::Exceptions)
        ]
    );
}

const DECISIONS_TEST: &str = "a_process_killed_inside_record_decisions_leaves_none_of_its_batch";

fn decisions_child(db: &Path) -> ! {
    let ledger = Ledger::open(db).expect("child opens the ledger");
    let batch: Vec<_> = (1..=3)
        .map(|i| {
            decision(
                "2026-11-21",
                DecisionKind::Confirm,
                CaseRef::order(format!("CRASH-{i}")),
                "ยืนยัน",
            )
        })
        .collect();
    let _ = ledger.record_decisions(&batch);
    std::process::exit(3);
}

#[test]
fn a_process_killed_inside_record_decisions_leaves_none_of_its_batch() {
    if let Some(db) = std::env::var_os(CHILD_DB) {
        decisions_child(Path::new(&db));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let marker = dir.path().join("marker");
    let before = [
        decision(
            "2026-11-20",
            DecisionKind::Link,
            CaseRef::order("ORD-1"),
            "แบ่งจ่าย",
        ),
        decision(
            "2026-11-21",
            DecisionKind::Resolve,
            CaseRef::order("ORD-2"),
            "เงินสด",
        ),
    ];
    let head = {
        let ledger = Ledger::open(&db).unwrap();
        assert_eq!(ledger.record_decisions(&before).unwrap(), [1, 2]);
        ledger.decision_chain_head().unwrap()
    };

    let status = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", DECISIONS_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, &db)
        .env("RECON_TEST_ABORT_AT", "decisions_commit")
        .env("RECON_TEST_ABORT_MARKER", &marker)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(6),
            "child must die by SIGABRT: {status:?}"
        );
    }
    assert!(!status.success(), "the child should have died: {status:?}");
    // Inside its transaction the child held all three after the two.
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "5");

    let ledger = Ledger::open(&db).unwrap();
    ledger.integrity_check().unwrap();
    let ids: Vec<i64> = ledger
        .decisions(None)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, [1, 2]);
    assert_eq!(ledger.decision_chain_head().unwrap(), head);
    assert!(ledger.verify_decisions().unwrap().is_empty());
    // The ids the dead batch took were never given out.
    let next = decision(
        "2026-11-21",
        DecisionKind::Reopen,
        CaseRef::order("ORD-2"),
        "",
    );
    assert_eq!(ledger.record_decisions(&[next]).unwrap(), [3]);
    assert!(ledger.verify_decisions().unwrap().is_empty());
}

const HOLDER_DB: &str = "RECON_LEDGER_LOCK_HOLDER_DB";
const HOLDER_MARKER: &str = "RECON_LEDGER_LOCK_HOLDER_MARKER";
const HOLDER_TEST: &str = "a_day_held_by_another_process_is_free_once_that_process_is_killed";

/// Kills the child if an assertion fails first, so no holder outlives the
/// test.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The child: takes the day, says so, and holds it until it is killed.
fn hold_day_until_killed(db: &Path) -> ! {
    let ledger = Ledger::open(db).expect("holder opens the ledger");
    let _lock = ledger
        .lock_day(day("2026-11-21"), false)
        .expect("holder takes the day");
    if let Some(marker) = std::env::var_os(HOLDER_MARKER) {
        std::fs::write(marker, "locked").expect("holder writes its marker");
    }
    // Never returns normally; the deadline only stops an orphan if the
    // parent test died before killing us.
    std::thread::sleep(std::time::Duration::from_secs(120));
    std::process::exit(4);
}

#[test]
fn a_day_held_by_another_process_is_free_once_that_process_is_killed() {
    use std::time::{Duration, Instant};

    if let Some(db) = std::env::var_os(HOLDER_DB) {
        hold_day_until_killed(Path::new(&db));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.sqlite");
    let marker = dir.path().join("holder-marker");
    let d = day("2026-11-21");
    let ledger = Ledger::open(&db).unwrap();

    let mut holder = KillOnDrop(
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", HOLDER_TEST, "--nocapture", "--test-threads=1"])
            .env(HOLDER_DB, &db)
            .env(HOLDER_MARKER, &marker)
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let holder = &mut holder.0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while !marker.exists() {
        assert!(Instant::now() < deadline, "the holder never took the day");
        if let Some(status) = holder.try_wait().unwrap() {
            panic!("the holder ended early: {status:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }

    // Another process holds the day: refused at once, with the lock's path.
    match ledger.lock_day(d, false) {
        Err(recon_ledger::LedgerError::DayLocked { day: locked, path }) => {
            assert_eq!(locked, d);
            assert!(path.ends_with("ledger.sqlite.locks/2026-11-21.lock"));
        }
        other => panic!("expected DayLocked, got {other:?}"),
    }

    // A run that waits gets the day as soon as the holder is killed
    // (SIGKILL: no destructor, no unlock; the OS releases the lock).
    std::thread::scope(|s| {
        let waiter = s.spawn(|| ledger.lock_day(d, true).map(|l| l.day()));
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            !waiter.is_finished(),
            "the waiter must block while the day is held"
        );
        holder.kill().unwrap();
        holder.wait().unwrap();
        assert_eq!(waiter.join().unwrap().unwrap(), d);
    });
}
