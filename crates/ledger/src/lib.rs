//! Recon's ledger: the one shared memory between runs, in one SQLite file.
//!
//! Owns:
//! - the schema and its migrations ([`SCHEMA_VERSION`]); a file written by a
//!   newer recon is refused, never misread;
//! - run history ([`Ledger::begin_run`], [`Ledger::finish_run`],
//!   [`Ledger::history`], [`Ledger::last_run`]);
//! - the run manifest chain for auditors ([`Ledger::record_manifest_with`],
//!   [`Ledger::manifest`], [`Ledger::verify_manifest_chain`]);
//! - per-day results, replaced as a whole in one transaction on every rerun
//!   ([`Ledger::record_day_with`], [`Ledger::day_result`],
//!   [`Ledger::day_result_matches`], [`Ledger::trend`]);
//! - what days leave open for later days, and the break lifecycle
//!   ([`Ledger::open_items_before`], [`Ledger::breaks`],
//!   [`Ledger::resolution`]);
//! - the slip registry behind cross-day `duplicate_slip`
//!   ([`Ledger::prior_uses`]);
//! - the OCR cache ([`recon_core::SlipCache`] for [`Ledger`]);
//! - the per-day run lock ([`Ledger::lock_day`], [`Ledger::day_in_progress`]);
//! - what a rerun of a day touches ([`Ledger::days_depending_on`]);
//! - the decisions people record on exceptions, append-only and hash-chained
//!   ([`Ledger::record_decisions`], [`Ledger::decisions`],
//!   [`Ledger::decisions_through`], [`Ledger::verify_decisions`]), and the
//!   aliases their confirms teach ([`Ledger::learn_alias`],
//!   [`Ledger::remove_alias`], [`Ledger::aliases`]).
//!
//! Days are not islands: every result row carries the day its item
//! came from (`origin_day`, read from the carried name, part of the key),
//! each day keeps the open set its run left and the day it carried from,
//! and a rerun of a day names every later day resting on it.
//!
//! Never does: business rules. It stores what the matcher and
//! `recon_core::carry` concluded and answers lookups; it does not decide
//! what a slip, a status or an open item means.
//!
//! The file runs in WAL mode (readers such as `recon status` never block a
//! run) with `synchronous = FULL` (a commit survives a power cut) and
//! foreign keys on. Money is stored as integer minor units. A day is one
//! transaction however large, and its rows (results, slip registrations,
//! open set, breaks) are stored as compact binary chunks, a few thousand
//! rows a day (`chunk`); slip keys are indexed by a 64-bit hash.
//! `examples/record_day_bench.rs` times every step on days of up to a
//! million orders, statement lines and slips.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use recon_core::Day;
use rusqlite::Connection;

use crate::error::SqlContext;

mod cache;
mod chunk;
mod decisions;
mod error;
mod lock;
mod manifest;
mod open;
mod results;
mod runs;
mod schema;

pub use decisions::RecordedDecision;
pub use error::LedgerError;
pub use lock::{DayLock, LedgerLock};
pub use manifest::{ChainBreak, ChainCheck, ChainProblem, ManifestLink, PREVIOUS_FIELD};
pub use open::DayCarry;
pub use results::SlipRegistration;
pub use runs::{RunId, RunRecord, RunStatus};
pub use schema::SCHEMA_VERSION;

/// How long a statement waits for another process's write transaction
/// before giving up with "database is locked". Runs of different days
/// share the file; their write transactions are short, so this is ample.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Page size of a new ledger file, in bytes (see [`Ledger::open`]).
const PAGE_SIZE: i64 = 16 * 1024;

/// Page cache per connection, in KiB (see [`Ledger::open`]).
const CACHE_KIB: i64 = 64 * 1024;

/// The size the WAL file is cut back to after a checkpoint.
const WAL_LIMIT_BYTES: i64 = 64 * 1024 * 1024;

/// An open ledger. `&self` methods are safe to call from several threads:
/// the connection sits behind a mutex.
pub struct Ledger {
    conn: Mutex<Connection>,
    path: PathBuf,
    locks_dir: PathBuf,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).finish()
    }
}

impl Ledger {
    /// Opens (or creates) the ledger at `path`, creating missing folders,
    /// switching to WAL, turning foreign keys on and applying any pending
    /// migrations.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent).map_err(|source| LedgerError::CreateDir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        // A ledger file cut to nothing (a truncated copy or disk image) would
        // open as a new, empty ledger: every earlier day's slip registry
        // gone and a reused slip let through. Its `.locks` folder, made by
        // the first run after the file had its header, tells it from a file
        // another process is creating right now.
        if fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0)
            && lock::locks_dir(path).is_dir()
        {
            return Err(LedgerError::Truncated {
                path: path.to_path_buf(),
            });
        }
        let open_err = |source| LedgerError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        // 16 KiB pages for a new file (an existing one keeps its own): a
        // day of a million orders writes a GB of rows, and bigger pages
        // mean a quarter less CPU and a third fewer WAL frames to write and
        // checkpoint. Only takes effect before the file's first write, so
        // it comes before the switch to WAL.
        conn.pragma_update(None, "page_size", PAGE_SIZE)
            .map_err(open_err)?;
        // The switch to WAL takes the file exclusively for a moment and, on
        // a fresh file that several processes open at once, SQLite answers
        // "busy" without calling the busy handler: wait as the timeout says.
        let started = std::time::Instant::now();
        let mode: String = loop {
            match conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get(0)) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(
                        e.code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    ) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => break other.map_err(open_err)?,
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(LedgerError::NotWal {
                path: path.to_path_buf(),
                mode,
            });
        }
        // FULL: a commit is on disk before it returns, so a day the run
        // reported done (reports written, exit code given to cron) is
        // still there after a power cut. NORMAL would keep the file
        // consistent but could roll the last commits back: the day's
        // previous results, its manifest gone, while the new reports and
        // the exit code already went out. FULL costs one fsync of the WAL
        // per commit, and a run commits a handful of times: recording a
        // large day syncs its WAL for the checkpoint anyway.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        // A large day is one transaction of up to a few GB of pages. A
        // bigger page cache (64 MiB, allocated only as used) keeps the
        // B-trees' inner pages at hand instead of spilling and re-reading
        // them through the WAL; after the checkpoint the WAL file is cut
        // back to 64 MiB rather than keeping the size of the largest day.
        conn.pragma_update(None, "cache_size", -CACHE_KIB)
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_size_limit", WAL_LIMIT_BYTES)
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(open_err)?;
        schema::migrate(&mut conn, path)?;
        Ok(Ledger {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            locks_dir: lock::locks_dir(path),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the day for this run: two runs of one day never interleave.
    /// With `wait`, blocks until the other run ends; without, fails at once
    /// with [`LedgerError::DayLocked`]. The lock is released when the
    /// returned guard is dropped or the process ends in any way.
    pub fn lock_day(&self, day: Day, wait: bool) -> Result<DayLock, LedgerError> {
        lock::lock_day(&self.locks_dir, day, wait)
    }

    /// What a run holds: its day ([`Ledger::lock_day`]), then the whole
    /// ledger, so that no two runs of one ledger interleave (days carry
    /// into each other). Without `wait`, a ledger another day's run holds
    /// fails at once with [`LedgerError::LedgerBusy`].
    pub fn lock_run(&self, day: Day, wait: bool) -> Result<DayLock, LedgerError> {
        lock::lock_run(&self.locks_dir, day, wait)
    }

    /// The ledger's lock without a day, taken only if no run holds it
    /// ([`LedgerLock`]); released when dropped.
    pub fn try_lock_ledger(&self) -> Result<Option<LedgerLock>, LedgerError> {
        lock::try_lock_ledger(&self.locks_dir).map_err(|source| LedgerError::LockLedger {
            path: self.locks_dir.join("ledger.lock"),
            source,
        })
    }

    /// Whether a run holds `day` right now. `recon status` uses it to tell a
    /// run in progress from one whose process died (both are unfinished in
    /// the history). Only a snapshot: the answer may change at once.
    pub fn day_in_progress(&self, day: Day) -> Result<bool, LedgerError> {
        match self.lock_day(day, false) {
            Ok(_free) => Ok(false),
            Err(LedgerError::DayLocked { .. }) => Ok(true),
            Err(e) => Err(e),
        }
    }

    /// The connection. A panic in another thread while it held the mutex
    /// cannot leave a half-done write behind (an unfinished transaction is
    /// rolled back when it is dropped), so a poisoned mutex is used as is.
    /// SQLite's own consistency check of the whole file (`PRAGMA
    /// integrity_check`): `Ok(())` or the problems it lists. For `recon
    /// status --check` and the crash tests.
    pub fn integrity_check(&self) -> Result<(), LedgerError> {
        let ctx = || "checking the ledger's integrity".to_string();
        let conn = self.conn();
        let mut stmt = conn.prepare("PRAGMA integrity_check").context(ctx)?;
        let problems: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(ctx)?;
        if problems == ["ok"] {
            Ok(())
        } else {
            Err(LedgerError::Damaged {
                path: self.path.clone(),
                problems,
            })
        }
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The crash-safety tests' fail point: with `RECON_TEST_ABORT_AT=<stage>`
/// (`ledger_commit` in a day's write, `decisions_commit` in a batch of
/// decisions) the process aborts inside the transaction, every row written
/// and nothing committed, as a power cut would. With
/// `RECON_TEST_ABORT_MARKER` set it first writes there what `count` (a
/// query of one number: how many rows the transaction wrote) answers, the
/// proof that it died at that moment.
/// One environment look-up otherwise.
///
/// `RECON_TEST_FULL_AT=<stage>` instead fails the transaction there with
/// the error SQLite gives on a full disk (`SQLITE_FULL`), rolled back: what
/// a run does when its ledger cannot be written.
pub(crate) fn fail_point_before_commit(
    tx: &rusqlite::Transaction<'_>,
    stage: &str,
    count: &str,
) -> rusqlite::Result<()> {
    if std::env::var_os("RECON_TEST_FULL_AT").is_some_and(|s| s == stage) {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full (injected by RECON_TEST_FULL_AT)".into()),
        ));
    }
    if std::env::var_os("RECON_TEST_ABORT_AT").is_none_or(|s| s != stage) {
        return Ok(());
    }
    if let Some(marker) = std::env::var_os("RECON_TEST_ABORT_MARKER") {
        let rows: i64 = tx.query_row(count, [], |r| r.get(0)).unwrap_or(-1);
        let _ = std::fs::write(marker, rows.to_string());
    }
    std::process::abort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragmas_are_set_on_the_connection() {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
        let conn = ledger.conn();
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        // synchronous = FULL (2): a committed day survives a power cut.
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2);
        let cache: i64 = conn
            .pragma_query_value(None, "cache_size", |r| r.get(0))
            .unwrap();
        assert_eq!(cache, -CACHE_KIB);
        let limit: i64 = conn
            .pragma_query_value(None, "journal_size_limit", |r| r.get(0))
            .unwrap();
        assert_eq!(limit, WAL_LIMIT_BYTES);
        let page: i64 = conn
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap();
        assert_eq!(page, PAGE_SIZE, "a new file gets the batch writer's pages");
        // Foreign keys are enforced, not just switched on: a result for a
        // run that does not exist is refused by SQLite itself.
        conn.execute(
            "INSERT INTO runs (id, day, started_at, inputs_json) VALUES (1, '2026-11-21', 'x', '[]')",
            [],
        )
        .unwrap();
        let err = conn
            .execute(
                "INSERT INTO days (day, run_id) VALUES ('2026-11-21', 99)",
                [],
            )
            .unwrap_err();
        assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
        conn.execute(
            "INSERT INTO days (day, run_id) VALUES ('2026-11-21', 1)",
            [],
        )
        .unwrap();
    }
}
