//! One run per day at a time: an OS file lock on `<db>.locks/<day>.lock`;
//! and one run per ledger at a time: `<db>.locks/ledger.lock`, taken after
//! the day's. Days carry into each other (a day's run reads what the days
//! before it left open and writes what it leaves open), so a run of the
//! 22nd beside a run of the 21st would carry nothing from it and record a
//! day built on a gap; queued one behind the other, the later one sees the
//! earlier one's result.
//!
//! An OS lock (flock on Unix, LockFileEx on Windows) rather than a row in
//! the database because the operating system releases it when the process
//! dies, however it dies: a run killed by cron or the OOM killer never
//! leaves a stale lock behind. Lock files are never deleted: removing one
//! while another process has it open would let two runs hold "the" lock.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use recon_core::Day;

use crate::LedgerError;

/// Holds a day for one run. Dropping it (or the process ending) releases
/// the day.
#[derive(Debug)]
pub struct DayLock {
    day: Day,
    path: PathBuf,
    file: File,
    /// The ledger's lock, held by a run (not by a look at whether a day is
    /// in progress).
    ledger: Option<File>,
}

impl DayLock {
    pub fn day(&self) -> Day {
        self.day
    }

    /// The lock file, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DayLock {
    fn drop(&mut self) {
        // Closing the file releases the lock anyway; unlocking first makes
        // the release immediate even if the handle were duplicated.
        if let Some(ledger) = &self.ledger {
            let _ = ledger.unlock();
        }
        let _ = self.file.unlock();
    }
}

/// The folder of lock files of the ledger at `db`: `<db>.locks`.
pub(crate) fn locks_dir(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".locks");
    db.with_file_name(name)
}

pub(crate) fn lock_day(locks_dir: &Path, day: Day, wait: bool) -> Result<DayLock, LedgerError> {
    let path = locks_dir.join(format!("{day}.lock"));
    let lock_err = |source| LedgerError::Lock {
        day,
        path: path.clone(),
        source,
    };
    fs::create_dir_all(locks_dir).map_err(lock_err)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(lock_err)?;
    if wait {
        file.lock().map_err(lock_err)?;
    } else {
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LedgerError::DayLocked { day, path });
            }
            Err(TryLockError::Error(e)) => return Err(lock_err(e)),
        }
    }
    // Who holds it, for a person looking at the folder; never read back.
    let _ = file.set_len(0);
    let _ = writeln!(file, "pid {}", std::process::id());
    Ok(DayLock {
        day,
        path,
        file,
        ledger: None,
    })
}

/// The ledger's lock alone, when no run holds it: for a command that is no
/// run of a day but must not act beside one (`recon verify` putting an
/// interrupted publish in place). `None` while a run holds it.
pub struct LedgerLock(File);

impl Drop for LedgerLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

pub(crate) fn try_lock_ledger(locks_dir: &Path) -> std::io::Result<Option<LedgerLock>> {
    fs::create_dir_all(locks_dir)?;
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(locks_dir.join("ledger.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(LedgerLock(file))),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// The day's lock, then the ledger's: what a run holds.
pub(crate) fn lock_run(locks_dir: &Path, day: Day, wait: bool) -> Result<DayLock, LedgerError> {
    let mut held = lock_day(locks_dir, day, wait)?;
    let path = locks_dir.join("ledger.lock");
    let lock_err = |source| LedgerError::Lock {
        day,
        path: path.clone(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(lock_err)?;
    if wait {
        file.lock().map_err(lock_err)?;
    } else {
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                // Who holds it, as that run wrote it (best effort).
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let other = holder
                    .split_whitespace()
                    .skip_while(|w| *w != "day")
                    .nth(1)
                    .and_then(|d| d.parse().ok());
                return Err(LedgerError::LedgerBusy { day, other, path });
            }
            Err(TryLockError::Error(e)) => return Err(lock_err(e)),
        }
    }
    let _ = file.set_len(0);
    let _ = writeln!(file, "pid {} day {day}", std::process::id());
    held.ledger = Some(file);
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_folder_sits_next_to_the_database() {
        assert_eq!(
            locks_dir(Path::new("var/ledger.sqlite")),
            PathBuf::from("var/ledger.sqlite.locks")
        );
    }
}
