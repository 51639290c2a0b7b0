//! The `recon` command's library half: what the commands need beyond the
//! day-run engine (`recon_engine`): exit codes, errors for a person, log
//! set-up, progress bars on a terminal.
//! `main.rs` parses arguments, calls the engine and maps results to exit
//! codes.
//!
//! Owns no business rules: the engine runs a day, ingest reads, the matcher
//! decides, the report crate writes, the ledger remembers.

pub mod logging;
pub mod progress;

use std::path::PathBuf;

use recon_core::SlipRead;
use recon_engine::EngineError;

/// Exit codes, the contract with cron and systemd (README "Exit codes").
pub mod exit {
    /// Every order matched, nothing quarantined.
    pub const CLEAN: u8 = 0;
    /// Something failed: nothing new was written; the previous reports stand.
    pub const FAILURE: u8 = 1;
    /// The run finished; there are open cases or quarantined rows to review.
    pub const EXCEPTIONS: u8 = 2;
}

/// Everything that can stop a command, phrased for the person reading it.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Ledger(#[from] recon_ledger::LedgerError),
    #[error(transparent)]
    Eval(#[from] recon_engine::eval::EvalError),
    #[error("{0}")]
    Usage(String),
}

/// How `recon eval` prints its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EvalFormat {
    /// Plain lines for a person; the last one is the summary.
    Text,
    /// One JSON object on one line, for scripts.
    Json,
}

impl From<EvalFormat> for recon_engine::eval::Format {
    fn from(f: EvalFormat) -> Self {
        match f {
            EvalFormat::Text => recon_engine::eval::Format::Text,
            EvalFormat::Json => recon_engine::eval::Format::Json,
        }
    }
}

/// `recon ocr FILE…`: reads each slip with the configured provider and
/// returns, per file in the order given, its JSON document and whether it
/// was read.
pub fn ocr_files(
    files: &[PathBuf],
    config: &recon_ocr_client::OcrConfig,
) -> Vec<(serde_json::Value, bool)> {
    recon_engine::read_slip_files(files, config)
        .into_iter()
        .map(|read| match read {
            SlipRead::Read(slip) => (serde_json::to_value(&slip).unwrap_or_default(), true),
            other => (serde_json::to_value(&other).unwrap_or_default(), false),
        })
        .collect()
}
