//! The ledger's errors: each names the file, day or run it is about, so the
//! CLI can print one clear line for a person.

use std::path::PathBuf;

use recon_core::Day;

use crate::RunId;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("cannot create the ledger folder {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error(
        "the ledger {} is empty (0 bytes) although runs were made with it: a truncated \
         copy? Nothing was written. Restore it from a backup; to start a new ledger on \
         purpose, remove the file and its .locks folder",
        path.display()
    )]
    Truncated { path: PathBuf },

    #[error("cannot open the ledger {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },

    #[error(
        "the ledger {} has schema version {found}, but this recon only knows versions up to \
         {supported}: it was written by a newer recon; run that version (or restore a backup) \
         instead of downgrading",
        path.display()
    )]
    SchemaTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error("migrating the ledger {} to schema version {version} failed: {source}", path.display())]
    Migration {
        path: PathBuf,
        version: u32,
        source: rusqlite::Error,
    },

    #[error(
        "the ledger {} could not be switched to WAL mode (journal mode is {mode:?}); \
         put it on a local file system",
        path.display()
    )]
    NotWal { path: PathBuf, mode: String },

    #[error(
        "day {day} is being reconciled by another run right now (lock {}); \
         wait for it to finish, or run again with --wait to queue behind it",
        path.display()
    )]
    DayLocked { day: Day, path: PathBuf },

    #[error(
        "cannot reconcile {day} now: another run{} is writing this ledger (lock {}). \
         Days carry into each other, so one run at a time per ledger: wait for \
         it to finish, or run again with --wait to queue behind it",
        other.map(|d| format!(" (of {d})")).unwrap_or_default(),
        path.display()
    )]
    LedgerBusy {
        day: Day,
        other: Option<Day>,
        path: PathBuf,
    },

    #[error("cannot lock day {day} with {}: {source}", path.display())]
    Lock {
        day: Day,
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("cannot lock the ledger with {}: {source}", path.display())]
    LockLedger {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("run {0} is not in the ledger")]
    UnknownRun(RunId),

    #[error("run {run} is for day {run_day}, but the results are for day {result_day}")]
    RunDayMismatch {
        run: RunId,
        run_day: Day,
        result_day: Day,
    },

    #[error("day {day}: {what} amount {amount} does not fit the ledger's integer minor units")]
    AmountOutOfRange {
        day: Day,
        what: String,
        amount: String,
    },

    /// The carry-over handed to `record_day_with` cannot be right (a run
    /// cannot start from the open set of its own day or a later one).
    #[error("day {day}: {detail}")]
    BadCarry { day: Day, detail: String },

    /// A day's results name one item twice (an order's, a statement line's
    /// or a slip's source is its key in the day): refused before anything
    /// is written.
    #[error("cannot record {day}: {what} is in its results twice")]
    DuplicateResult { day: Day, what: String },

    /// A run's manifest is recorded once: rewriting it would break the
    /// chain every later run rests on.
    #[error("run {0} already has a manifest; a manifest is never replaced (start a new run)")]
    ManifestExists(RunId),

    /// The manifest JSON handed to `record_manifest_with` would not verify.
    #[error("run {run}: the manifest {detail}")]
    BadManifest { run: RunId, detail: String },

    /// A decision handed to `record_decisions` that the ledger cannot
    /// store so that it reads back as given; nothing of its batch was
    /// recorded.
    #[error(
        "decision {position} of the batch ({case}, day {day}): {detail}; nothing of the batch was recorded"
    )]
    BadDecision {
        /// 1-based place in the batch.
        position: usize,
        day: Day,
        case: String,
        detail: String,
    },

    #[error("run {run}: the summary is not valid JSON: {source}")]
    BadSummary {
        run: RunId,
        source: serde_json::Error,
    },

    /// A stored row that cannot be read back: the file was edited by hand or
    /// damaged. Names the table and row so it can be inspected with sqlite3.
    #[error("ledger table {table}, row {row}: {detail}")]
    Corrupt {
        table: &'static str,
        row: String,
        detail: String,
    },

    /// SQLite's integrity check found damage (a disk or file-system fault;
    /// restore from a backup).
    #[error("the ledger {} is damaged: {}", path.display(), problems.join("; "))]
    Damaged {
        path: PathBuf,
        problems: Vec<String>,
    },

    /// Any other SQLite failure, with what the ledger was doing.
    #[error("ledger: {context}: {source}")]
    Sql {
        context: String,
        source: rusqlite::Error,
    },
}

/// Attaches what the ledger was doing to a SQLite error.
pub(crate) trait SqlContext<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, LedgerError>;
}

impl<T> SqlContext<T> for Result<T, rusqlite::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T, LedgerError> {
        self.map_err(|source| LedgerError::Sql {
            context: what(),
            source,
        })
    }
}
