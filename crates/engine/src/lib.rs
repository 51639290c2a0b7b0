//! Recon's day run: one business day from its input folder to reports and
//! ledger, as a library that the `recon` command, the review page and any
//! future worker call.
//!
//! Owns:
//! - the job configuration as typed data ([`config::JobConfig`]: accounts,
//!   statement profiles, time zone and cut-off, matching and OCR settings);
//! - the day-folder input contract (`statements/`, `orders/`, `slips/`, what
//!   is refused and why) and reading a day's inputs into typed values;
//! - the run itself ([`reconcile::reconcile_day`]): the day's lock, slips
//!   read once ever, the open items carried from earlier days and pushed back
//!   after matching, reports written as a complete set, the ledger's day
//!   replaced in one transaction, the manifest chained to the previous one;
//! - the rerun rules: a rerun that would change what later days were built on
//!   is refused, or recomputed in order with
//!   [`reconcile::reconcile_cascade`];
//! - checking the manifest chain and the reports on disk ([`verify`]);
//! - decisions on a day's cases ([`decide`]): who may decide what, checking
//!   a batch whole before anything is recorded, reading a filled-in
//!   decisions file ([`decisions_file`]), and re-running the decided day
//!   with the days built on it; every run applies its day's decisions;
//! - exports of a reconciled day to the books ([`export`]; the layouts
//!   are the report crate's);
//! - a reconciled day as a person looks at it ([`view`]): its last result,
//!   cases and records, read without a lock, a provider call or a write;
//! - scoring a day's reports against a labelled truth folder ([`eval`]),
//!   read-only, for a rule change to be measured before it is trusted;
//! - reading back the decisions a person filled into a day's exceptions
//!   file ([`decisions_file`]), every problem of the file reported at once.
//!
//! Never does: argument parsing, printing, exit codes, terminal progress
//! bars (a caller passes a [`Progress`]), matching rules of its own (the
//! matcher decides), input and report file formats (ingest reads, the
//! report crate writes; the decisions file is the one file read here, as
//! it is the report's own table handed back).

pub mod config;
pub mod decide;
pub mod decisions_file;
pub mod eval;
pub mod export;
mod inputs;
pub mod manifest;
pub mod reconcile;
mod settle;
mod timings;
pub mod verify;
pub mod view;

use std::path::{Path, PathBuf};

use recon_core::{Day, Slip, SlipRead};
use recon_ocr_client::SlipJob;

/// Everything that can stop a day run, phrased for the person reading it.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("job config {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error(
        "no input folder for {day}: {path} does not exist (expected statements/, orders/, slips/ inside)"
    )]
    NoDayFolder { day: Day, path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Ledger(#[from] recon_ledger::LedgerError),
    #[error(transparent)]
    Report(#[from] recon_report::ReportError),
    #[error(
        "{day} was reconciled before and its result changes, but later days were built on it: {}. Nothing was written. Rerun with --cascade to recompute {day} and those days in order, or restore {day}'s inputs",
        later.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    LaterDaysDepend { day: Day, later: Vec<Day> },
    #[error(
        "{day} was never reconciled, but later days were reconciled without it: {}. Nothing was written. Rerun with --cascade to reconcile {day} and recompute those days in order",
        later.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    )]
    LaterDaysSkipped { day: Day, later: Vec<Day> },
    /// A batch of decisions that does not fit the day: every problem, and
    /// nothing was recorded.
    #[error(
        "decisions for {day} not recorded, nothing changed:\n{}",
        problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    )]
    Decisions { day: Day, problems: Vec<String> },
    #[error(transparent)]
    DecisionsFile(#[from] crate::decisions_file::DecisionFileError),
    /// A request the run refuses, with what to do instead.
    #[error("{0}")]
    Usage(String),
}

impl EngineError {
    pub fn io(path: &Path, source: std::io::Error) -> EngineError {
        EngineError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// How far a long step of a run has come (reading a day's slips), for
/// whoever runs it: the command line draws a bar on a terminal and logs
/// under cron; a page or a worker may do otherwise. Called from several
/// threads.
pub trait Progress: Sync {
    /// A step of `total` items begins.
    fn start(&self, step: &'static str, total: u64);
    /// `n` more items of the step are done.
    fn advance(&self, step: &'static str, n: u64);
    /// The step is over.
    fn finish(&self, step: &'static str);
}

/// A [`Progress`] that tells no one.
#[derive(Debug, Default, Clone, Copy)]
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: &'static str, _: u64) {}
    fn advance(&self, _: &'static str, _: u64) {}
    fn finish(&self, _: &'static str) {}
}

/// A slip cache that remembers nothing: reading the files a person names,
/// now, leaves the ledger alone.
struct NoCache;

impl recon_core::SlipCache for NoCache {
    fn cached(&self, _: &str, _: recon_core::Provider) -> Option<Slip> {
        None
    }
    fn store(&self, _: &str, _: &Slip) {}
}

/// Reads each slip file with the configured provider, outside any day and
/// without the ledger's cache (`recon ocr`), in the order given.
pub fn read_slip_files(files: &[PathBuf], config: &recon_ocr_client::OcrConfig) -> Vec<SlipRead> {
    let jobs: Vec<SlipJob> = files
        .iter()
        .map(|p| SlipJob {
            file: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: p.clone(),
        })
        .collect();
    recon_ocr_client::read_slips(jobs, config, &NoCache, &|_| {})
}
