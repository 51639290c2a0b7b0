//! Reading bank statements and order exports into Recon's domain types.
//!
//! Owns: statement [`Profile`]s (TOML data, one per bank layout; the
//! built-in ones are `canonical`, `kbank-csv`, `scb-xlsx` and `aba-csv`),
//! column mapping, encodings (UTF-8 with or without BOM, Windows-874 /
//! TIS-620), dates (ISO 8601, chrono patterns, Thai Buddhist-era years,
//! Thai month names), amounts (signed or withdrawal/deposit columns,
//! thousands separators, parentheses for negatives), preamble and summary
//! rows, order exports ([`OrderColumns`]), and the quarantine: every row
//! that cannot become a [`StatementLine`] or [`Order`] becomes a
//! [`Rejection`] with file, line, column, value and reason. Nothing is
//! dropped silently: a CSV quote that never closes properly costs its own
//! line (rejected as an "unbalanced quote"), never the lines after it;
//! summary and footer rows that are skipped on purpose are listed in
//! [`Ingested::skipped`].
//!
//! ```
//! use recon_ingest::{read_statement, Profile, ReadOptions};
//!
//! let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/kbank.csv");
//! let profile = Profile::builtin("kbank-csv").expect("built in");
//! let got = read_statement(&path, &profile, &ReadOptions::new(chrono_tz::Asia::Bangkok))?;
//! assert_eq!(got.rows[0].source.to_string(), "kbank.csv:6");
//! assert_eq!(got.rows[0].amount.to_string(), "1500.00 THB");
//! // Each rejected row says where it is and what is wrong with it.
//! assert_eq!(
//!     got.rejected[0].to_string(),
//!     "kbank.csv:9 column ฝากเงิน value \"1,50.00\": thousands separators in the wrong places"
//! );
//! # Ok::<(), recon_ingest::IngestError>(())
//! ```
//!
//! Never does: matching, network, or deciding what a row means for an
//! order. A file that cannot be read at all is an [`IngestError`]; a bad
//! row never is.
//!
//! Why our own CSV record reader (`source::records`) and not polars or the
//! csv crate: the quarantine needs the exact physical line of every
//! rejected row (also when a quoted field spans lines) and a per-row
//! decision that never drops a row, and a quote that never closes must cost
//! its own line only, not swallow the rows after it into one cell (the csv
//! crate has no way to say so, or to read those lines again). The reader
//! streams one record at a time, reads what the csv crate reads wherever
//! quotes balance (a property test checks this), and parses a million-row
//! canonical file in about a second on one core (see
//! `examples/ingest_bench.rs`), which leaves nothing for a columnar engine
//! to win here. Spreadsheets are read with calamine.

mod amounts;
mod archive;
mod dates;
mod error;
mod header;
mod orders;
mod profile;
mod source;
mod statement;

use std::path::Path;

use recon_core::{Currency, Order, Rejection, StatementLine};

pub use amounts::NumberStyle;
pub use dates::BuddhistEra;
pub use error::IngestError;
pub use orders::OrderColumns;
pub use profile::{CANONICAL_STATEMENT_HEADER, Names, Profile, StatementColumns};

use source::{FileKind, check_file, kind_of, scan_csv, scan_workbook};

/// What reading one file gave: the rows that became domain values, the rows
/// that were rejected (for `quarantine.csv`), and the rows skipped on
/// purpose (summary and footer rows; for the log, never data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested<T> {
    pub rows: Vec<T>,
    pub rejected: Vec<Rejection>,
    pub skipped: Vec<Skipped>,
}

impl<T> Default for Ingested<T> {
    fn default() -> Self {
        Ingested {
            rows: Vec::new(),
            rejected: Vec::new(),
            skipped: Vec::new(),
        }
    }
}

/// A row skipped on purpose: a statement's summary or footer row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub file: String,
    pub line: u64,
    pub reason: String,
}

/// What the job config knows about a statement file that the file itself
/// may not say.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOptions {
    /// Local times without an offset are read in this zone.
    pub tz: chrono_tz::Tz,
    /// Our account, when the layout has no account column (a preamble
    /// label is used if this is `None`).
    pub account: Option<String>,
    /// The currency, when the layout has no currency column; wins over the
    /// profile's own `currency`.
    pub currency: Option<Currency>,
}

impl ReadOptions {
    pub fn new(tz: chrono_tz::Tz) -> ReadOptions {
        ReadOptions {
            tz,
            account: None,
            currency: None,
        }
    }
}

/// Refuses a workbook that inflates to far more than a statement, an order
/// export or a day's exceptions sheet can be (a zip bomb), before calamine
/// opens it. `Ok` for a file that is not a ZIP archive at all (an `.xls`)
/// or whose archive is broken (calamine then says what is wrong). The
/// statement and order readers call it themselves; this is for other
/// readers of workbooks a person hands in.
pub fn check_workbook(path: &Path) -> Result<(), IngestError> {
    archive::check_workbook_archive(path)
}

/// How many rows a CSV file may hold, at most, judging by its size (a row
/// is rarely under 48 bytes): reserved up front. Reserved room that is never
/// written costs address space, not memory.
fn rows_hint(path: &Path, kind: &FileKind) -> usize {
    match kind {
        FileKind::Csv => std::fs::metadata(path)
            .map(|m| (m.len() / 48).min(20_000_000) as usize)
            .unwrap_or(0),
        FileKind::Workbook => 0,
    }
}

/// Reads one statement file (`.csv`, `.xlsx`, `.xls`) with a profile.
pub fn read_statement(
    path: &Path,
    profile: &Profile,
    opts: &ReadOptions,
) -> Result<Ingested<StatementLine>, IngestError> {
    let compiled = profile.compile().map_err(|message| IngestError::Profile {
        origin: if profile.name.is_empty() {
            "(unnamed)".into()
        } else {
            profile.name.clone()
        },
        message,
    })?;
    check_file(path)?;
    let kind = kind_of(path)?;
    let mut sink = statement::StatementSink::new(path, profile, &compiled, opts);
    sink.reserve(rows_hint(path, &kind));
    let rows = match kind {
        FileKind::Csv => scan_csv(path, compiled.encoding, compiled.delimiter, &mut sink)?,
        FileKind::Workbook => scan_workbook(path, profile.sheet.as_deref(), &mut sink)?,
    };
    sink.finish(rows)
}

/// Reads one order export (`.csv`, `.xlsx`, `.xls`). Local times are read in
/// `tz`. A second row with an order id already accepted from this file is
/// rejected.
pub fn read_orders(
    path: &Path,
    columns: &OrderColumns,
    tz: chrono_tz::Tz,
) -> Result<Ingested<Order>, IngestError> {
    let (formats, encoding, delimiter) =
        columns.compile().map_err(|message| IngestError::Profile {
            origin: "orders (job config)".into(),
            message,
        })?;
    check_file(path)?;
    let kind = kind_of(path)?;
    let mut sink = orders::OrderSink::new(path, columns, formats, tz);
    sink.reserve(rows_hint(path, &kind));
    let rows = match kind {
        FileKind::Csv => scan_csv(path, encoding, delimiter, &mut sink)?,
        FileKind::Workbook => scan_workbook(path, columns.sheet.as_deref(), &mut sink)?,
    };
    sink.finish(rows)
}
