//! Log set-up: human lines on a terminal, JSON lines with `--log-format json`.
//! Logs go to stderr so that stdout stays for command output (`recon ocr`).

use std::io::IsTerminal;

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines (colours on a terminal).
    Human,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Installs the global subscriber. `RECON_LOG` (e.g. `debug`,
/// `recon_matcher=trace`) overrides the level; the default is `info`.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_env("RECON_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = match format {
        LogFormat::Human => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}
