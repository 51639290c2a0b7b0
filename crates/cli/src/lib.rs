//! The `recon` command's library half: what the commands need beyond the
//! day-run engine (`recon_engine`): exit codes, errors for a person, log
//! set-up, progress bars on a terminal.
//! `main.rs` parses arguments, calls the engine and maps results to exit
//! codes.
//!
//! Owns no business rules: the engine runs a day, ingest reads, the matcher
//! decides, the report crate writes, the ledger remembers.

pub mod logging;
pub mod notify;
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
    /// The run finished, but its OCR provider was stopped (credentials
    /// refused, quota used up, not configured, down for every slip): the
    /// slips it could not read are pending. The operator's to fix; the
    /// reports stand and the next run reads the pending slips.
    pub const PROVIDER_STOPPED: u8 = 3;

    /// The code of one finished day: worst first, a stopped provider
    /// before exceptions.
    pub fn of(outcome: &recon_engine::reconcile::RunOutcome) -> u8 {
        use recon_ledger::RunStatus;
        if outcome.provider_health.is_stopped() {
            return PROVIDER_STOPPED;
        }
        match outcome.status {
            RunStatus::Clean => CLEAN,
            RunStatus::Exceptions => EXCEPTIONS,
            RunStatus::Failed => FAILURE,
        }
    }

    /// How bad a code is, to keep the worst of several days: a failure
    /// outranks a stopped provider, which outranks exceptions.
    pub fn severity(code: u8) -> u8 {
        match code {
            CLEAN => 0,
            EXCEPTIONS => 1,
            PROVIDER_STOPPED => 2,
            _ => 3,
        }
    }

    /// The word for a code in the `run finished` event.
    pub fn word(code: u8) -> &'static str {
        match code {
            CLEAN => "clean",
            EXCEPTIONS => "exceptions",
            PROVIDER_STOPPED => "provider_stopped",
            _ => "failed",
        }
    }
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

/// Writes one line for a person on stdout, or nothing once its reader is
/// gone (`recon history | head -1`). A closed pipe is not the command's
/// failure: its work (reports, ledger, notifications, the log) goes on,
/// and nothing panics. Any other write error is said once on stderr.
pub fn say(args: std::fmt::Arguments) {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicBool, Ordering};
    static GONE: AtomicBool = AtomicBool::new(false);
    if GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.write_all(b"\n")) {
        GONE.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("recon: cannot write to stdout: {e}");
        }
    }
}

/// `println!` through [`say`].
#[macro_export]
macro_rules! say {
    ($($t:tt)*) => {
        $crate::say(format_args!($($t)*))
    };
}
