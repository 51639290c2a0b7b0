//! The `recon` command's library half: job configuration, the commands
//! (reconcile, nightly, verify, ocr, gen, history, status, eval) and their wiring of the
//! stage crates. `main.rs` only parses arguments and maps results to exit
//! codes, so that everything here is testable without a process.
//!
//! Owns no business rules: ingest reads, the matcher decides, the report
//! crate writes, the ledger remembers.

pub mod config;
pub mod eval;
pub mod generator;
pub mod logging;
pub mod progress;
pub mod reconcile;
pub mod verify;

use std::path::{Path, PathBuf};

use recon_core::{Day, Slip, SlipRead};
use recon_ocr_client::SlipJob;

/// Exit codes, the contract with cron and systemd (README "Exit codes").
pub mod exit {
    /// Every order matched, nothing quarantined.
    pub const CLEAN: u8 = 0;
    /// Something failed: nothing new was written; the previous reports stand.
    pub const FAILURE: u8 = 1;
    /// The run finished; there are exceptions or quarantined rows to review.
    pub const EXCEPTIONS: u8 = 2;
}

/// Everything that can stop a command, phrased for the person reading it.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
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
    #[error(transparent)]
    Generator(#[from] generator::GenError),
    #[error(transparent)]
    Eval(#[from] eval::EvalError),
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
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    pub fn io(path: &Path, source: std::io::Error) -> CliError {
        CliError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A slip cache that remembers nothing: `recon ocr` reads the files a
/// person names, now, and leaves the ledger alone.
struct NoCache;

impl recon_core::SlipCache for NoCache {
    fn cached(&self, _: &str, _: recon_core::Provider) -> Option<Slip> {
        None
    }
    fn store(&self, _: &str, _: &Slip) {}
}

/// `recon ocr FILE…`: reads each slip with the configured provider and
/// returns one JSON document per file, in the order given.
pub fn ocr_files(
    files: &[PathBuf],
    config: &recon_ocr_client::OcrConfig,
) -> Vec<serde_json::Value> {
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
        .into_iter()
        .map(|read| match read {
            SlipRead::Read(slip) => serde_json::to_value(&slip).unwrap_or_default(),
            other => serde_json::to_value(&other).unwrap_or_default(),
        })
        .collect()
}
