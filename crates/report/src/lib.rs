//! Recon's reports for one business day, written as one atomic set.
//!
//! Owns: turning a matcher [`DayResult`] (plus the quarantine, the input
//! manifest and the ledger's trend) into the files of `reports/<day>/`:
//!
//! | file | what |
//! | --- | --- |
//! | `reconciliation.csv` | one row per order |
//! | `statement.csv` | one row per statement line |
//! | `exceptions.csv` | every order, statement line (money in) and slip that is not `matched` or `resolved` |
//! | `quarantine.csv` | input rows ingest rejected |
//! | `summary.json` | the figures a monitoring check needs |
//! | `reconciliation.xlsx` | a Summary sheet and the four tables, typed |
//! | `summary.html` | one self-contained page: the open cases and what to do about each, then charts |
//! | `export-*.csv` | when asked ([`write_day_reports_exporting`]): the day's payments for the books ([`export`]) |
//!
//! Counting: a *case* is one payment problem, however many rows it touches
//! (`recon_core::cases`: an amount mismatch is an order, its slip and its
//! line, three rows of `exceptions.csv`). `summary.json`'s `cases`, the
//! page and the workbook's Summary sheet count cases; `exceptions` counts
//! rows. Money going out of our account (amount ≤ 0, reason `money_out`) is
//! neither: it is in `statement.csv` and `money_out` only. The page says
//! statuses and reasons in plain English and Thai ([`words`]); the files
//! keep the machine words.
//!
//! Days are not islands: a run also reports the items of earlier days
//! carried into it (their names carry their day, `2026-11-20/orders.csv:5`).
//! `reconciliation.csv` and `statement.csv` end with the row's
//! `origin_day`; `exceptions.csv` ends with the break lifecycle columns
//! `origin_day,lifecycle,first_seen,age_days,age_bucket,resolved_by`; the
//! Summary sheet, the page and `summary.json` give the open exceptions by
//! age bucket (`0-1`, `2-7`, `8-30`, `>30` days).
//!
//! Decisions ([`ReportInput::decisions`]): `reconciliation.csv` and
//! `statement.csv` end with `decision,decided_by,decided_at,decision_note`,
//! the decision standing on the row's case; `exceptions.csv` ends with
//! `decision,with,write_off_amount,reason,note,decided_by,decided_at`, the columns
//! finance fills in and hands back to `recon decide`, empty unless a stale
//! decision waits on the case (then that decision, the latest when there are
//! several). `summary.json`'s `orders` counts what decisions did
//! (`matched_automatically`, `matched_by_decision`, `resolved`,
//! `written_off`) and its `stale_decisions` lists the decisions that wait;
//! the page badges decided rows and lists them under "Decided". A day
//! without decisions has these columns empty and these figures zero.
//!
//! Never does: decide a match or a status (the matcher does), read inputs,
//! touch the ledger, or read the wall clock. The same input gives
//! byte-identical files; the XLSX creation time is the day itself.
//!
//! CSV conventions (a public contract, see the README): UTF-8 with a BOM so
//! that Excel shows Thai and Khmer names, comma separated, **CRLF** line ends
//! (RFC 4180 and what Excel writes itself), amounts as plain decimals with
//! the currency's minor digits, `name_score` with three decimals, times ISO
//! 8601 with their offset, several ids in one cell joined with `|`, reasons
//! joined with `; `. A text cell starting with `=`, `+`, `-`, `@`, tab or CR
//! that is not a plain number gets a leading `'` so that a spreadsheet never
//! runs customer input as a formula; the XLSX writes such cells as strings.
//! A bidirectional control character (which makes text display other than
//! it is) shows as `\u{FFFD}` in every file a person reads ([`bidi`]).
//!
//! Atomicity: every file is first written into `out_root/.<day>.tmp-<pid>`
//! and fsynced, then the directory is swapped with `out_root/<day>` (Linux
//! `renameat2(RENAME_EXCHANGE)`, else rename-aside + rename). Readers see the
//! previous complete set or the new complete set, never a mix. Leftovers of a
//! crashed write of the same day are cleaned (or, for a set renamed aside,
//! restored) before the next write. One writer per day at a time: the CLI
//! holds the ledger's day lock; a second writer would make the first fail,
//! never mix the sets.
//!
//! Scale: no table is held as rows of cells and no file is held in memory.
//! Each row's cells are made from the result when a file needs them and
//! streamed into the staging directory; `reconciliation.csv`, the other
//! text files and the workbook are written on three threads. Input records
//! are joined to rows once, by a sort-merge on their source. The XLSX table
//! sheets stream row by row (constant memory); rows are marked by status
//! with conditional formats on the status column, not a fill per cell.
//! **Size rule:** the Reconciliation and Statement sheets list a table of
//! at most 200,000 rows; a longer one is only in its CSV (the sheet keeps
//! its header and says so, and so does the Summary sheet): at a million
//! orders those two sheets would cost ~10 CPU s of XML and deflate, 80 %
//! of the workbook. The Exceptions and Quarantine sheets are always
//! written, up to Excel's 1,048,575 rows (the Summary sheet says when rows
//! were left to the CSV). The CSVs always hold every row. The HTML lists at
//! most 200 cases and 2,000 rows per table. Measure: `cargo run --release -p
//! recon-report --example report_timing` (every order with a line and a
//! slip, every tenth an exception with its break; CPU s and memory the
//! report adds); the README's Performance section has the figures.

mod atomic;
mod bidi;
mod csv_out;
pub mod export;
mod html;
/// Escaping and digit grouping for pages, shared with the review page.
pub use html::{esc, grouped};
mod summary;
mod tables;
mod width;
pub mod words;
mod xlsx;

use std::path::{Path, PathBuf};

use std::io::Write as _;

use recon_core::{Break, DayDecisions, DayResult, InputFile, Rejection, TrendPoint};

use tables::{TableId, Tables};

pub use atomic::{Leftover, Staged, leftovers};
pub use recon_core::{Order, SlipRead, StatementLine};
pub use summary::{
    AgeCount, AgeTally, BreakFigures, CaseCounts, ExceptionCounts, MoneyOut, OrderDecisions,
    SUMMARY_SCHEMA, Section, StaleDecision, Summary, Tally,
};

/// Everything one day's reports are made of.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub result: &'a DayResult,
    /// Rows ingest rejected: `quarantine.csv`.
    pub quarantine: &'a [Rejection],
    /// The run's input files with their SHA-256, for the Summary sheet and
    /// `summary.json`.
    pub inputs: &'a [InputFile],
    /// Earlier days' headline figures from the ledger (the chart shows the
    /// last 30 up to this day).
    pub trend: &'a [TrendPoint],
    /// `recon` version, written into `summary.json` and the Summary sheet.
    pub tool_version: &'a str,
    /// The day's break lifecycle (`recon_core::carry::breaks`): one per
    /// outcome row of `result` that is not `matched` (new or persisting)
    /// and one per carried item closed today (resolved; its row in `result`
    /// is `matched`). Rows are paired with their break by kind and key
    /// (`carry::{order_key, line_key, slip_key}`); an exception row with no
    /// break is reported as new, aged from its origin day. Empty when the
    /// caller keeps no open set.
    pub breaks: &'a [Break],
    /// The decisions people made on the day's cases: the one standing on
    /// each decided case (`applied`, keyed by the case as the reports name
    /// it) and those that no longer fit the day's inputs (`stale`). Empty
    /// (`&DayDecisions::default()`) on a day nobody decided anything.
    pub decisions: &'a DayDecisions,
    /// How the run's slip reader fared, for `summary.json`.
    pub provider_health: Option<&'a recon_core::ProviderHealth>,
}

/// The day's input rows, optional: when given, the reports add the times
/// (`ordered_at`, `booked_at`, slip `transferred_at`) and statement
/// references that [`DayResult`] does not carry. Rows are looked up by order
/// id, statement line `<file>:<line>` and slip file name.
#[derive(Debug, Clone, Copy, Default)]
pub struct DayRecords<'a> {
    pub orders: &'a [Order],
    pub lines: &'a [StatementLine],
    pub slips: &'a [SlipRead],
}

/// The files of one day's report set, in the order they are returned.
pub const REPORT_FILES: [&str; 7] = [
    "reconciliation.csv",
    "statement.csv",
    "exceptions.csv",
    "quarantine.csv",
    "summary.json",
    "reconciliation.xlsx",
    "summary.html",
];

/// Why a report set could not be written. The previous set, if any, is
/// still in place whenever one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot write reports at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build {file} for {day}: {source}")]
    Xlsx {
        day: String,
        file: &'static str,
        #[source]
        source: rust_xlsxwriter::XlsxError,
    },
    #[error("cannot render {file} for {day}: {message}")]
    Render {
        day: String,
        file: &'static str,
        message: String,
    },
}

impl ReportError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ReportError {
        ReportError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Writes `out_root/<day>/` (every file of [`REPORT_FILES`]) atomically and
/// returns the written paths. Equivalent to [`write_day_reports_with`]
/// without [`DayRecords`]: time columns stay empty.
pub fn write_day_reports(
    out_root: &Path,
    input: &ReportInput,
) -> Result<Vec<PathBuf>, ReportError> {
    write_day_reports_with(out_root, input, &DayRecords::default())
}

/// Like [`write_day_reports`], with the day's input rows for the time
/// columns. Every file is streamed into the staging directory as it is
/// rendered: no report file is held in memory.
pub fn write_day_reports_with(
    out_root: &Path,
    input: &ReportInput,
    records: &DayRecords,
) -> Result<Vec<PathBuf>, ReportError> {
    write_day_reports_exporting(out_root, input, records, None)
}

/// Like [`write_day_reports_with`], with the exports to the books
/// ([`export`]) written into the same set: they are published with the
/// reports, atomically, and returned after them (so the run's manifest
/// records them).
pub fn write_day_reports_exporting(
    out_root: &Path,
    input: &ReportInput,
    records: &DayRecords,
    exports: Option<&export::Exports>,
) -> Result<Vec<PathBuf>, ReportError> {
    stage_day_reports(out_root, input, records, exports)?.publish()
}

/// Writes the set of [`write_day_reports_exporting`] into its staging
/// directory and stops there: the previous set stays in place until
/// [`Staged::publish`], so that a caller can record the day (and the
/// staged files' digests) first and publish only what was recorded. A
/// [`Staged`] dropped unpublished removes itself.
pub fn stage_day_reports(
    out_root: &Path,
    input: &ReportInput,
    records: &DayRecords,
    exports: Option<&export::Exports>,
) -> Result<Staged, ReportError> {
    let day = input.result.day.to_string();
    let files = match exports {
        Some(e) if !e.formats.is_empty() => export_files(input.result, records, e)?,
        _ => Vec::new(),
    };
    let mut names: Vec<&str> = REPORT_FILES.to_vec();
    names.extend(files.iter().map(|(n, _)| n.as_str()));
    atomic::stage_with(out_root, &day, &names, |dir| {
        render_into(input, records, &Staging { dir })?;
        for (name, bytes) in &files {
            let path = dir.join(name);
            let mut f = atomic::create(&path)?;
            f.write_all(bytes).map_err(|e| ReportError::io(&path, e))?;
            atomic::finish(&path, f)?;
        }
        Ok(())
    })
}

/// The export files of the day, rendered in memory (one row per matched
/// line: a small part of the reports).
fn export_files(
    result: &DayResult,
    records: &DayRecords,
    exports: &export::Exports,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let lines: std::collections::HashMap<(&str, u64), &StatementLine> = records
        .lines
        .iter()
        .map(|l| ((l.source.file.as_str(), l.source.line), l))
        .collect();
    let payments = export::payments(
        result,
        |s| lines.get(&(s.file.as_str(), s.line)).copied(),
        exports.timezone,
    )
    .map_err(|e| ReportError::Render {
        day: result.day.to_string(),
        file: "export",
        message: e.to_string(),
    })?;
    Ok(exports
        .formats
        .iter()
        .flat_map(|&f| export::render(f, &payments, exports.currencies))
        .collect())
}

/// The day's headline figures (what `summary.json` holds), e.g. for the
/// ledger's run record and the CLI's exit code.
pub fn day_summary(input: &ReportInput) -> Summary {
    let tables = Tables::build(input, &DayRecords::default());
    Summary::build(input, &tables, &recon_core::cases(input.result))
}

/// Renders every report file in memory, in [`REPORT_FILES`] order, without
/// touching the disk. Useful to inspect the output or write it elsewhere;
/// the bytes are those [`write_day_reports_with`] writes.
pub fn render_day_reports(
    input: &ReportInput,
    records: &DayRecords,
) -> Result<Vec<(&'static str, Vec<u8>)>, ReportError> {
    let memory = Memory::default();
    render_into(input, records, &memory)?;
    let mut files = memory
        .files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    files.sort_by_key(|(name, _)| REPORT_FILES.iter().position(|n| n == name));
    debug_assert_eq!(
        files.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        REPORT_FILES
    );
    Ok(files)
}

/// Where the rendered files go.
trait Sink: Sync {
    type File: std::io::Write + Send;
    fn create(&self, name: &'static str) -> Result<Self::File, ReportError>;
    fn finish(&self, name: &'static str, file: Self::File) -> Result<(), ReportError>;
    fn io_error(&self, name: &'static str, e: std::io::Error) -> ReportError;
}

/// Files kept in memory.
#[derive(Default)]
struct Memory {
    files: std::sync::Mutex<Vec<(&'static str, Vec<u8>)>>,
}

impl Sink for Memory {
    type File = Vec<u8>;

    fn create(&self, _name: &'static str) -> Result<Vec<u8>, ReportError> {
        Ok(Vec::new())
    }

    fn finish(&self, name: &'static str, file: Vec<u8>) -> Result<(), ReportError> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((name, file));
        Ok(())
    }

    fn io_error(&self, name: &'static str, e: std::io::Error) -> ReportError {
        ReportError::Render {
            day: String::new(),
            file: name,
            message: e.to_string(),
        }
    }
}

/// Files streamed into the staging directory, each fsynced.
struct Staging<'p> {
    dir: &'p Path,
}

impl Sink for Staging<'_> {
    type File = std::fs::File;

    fn create(&self, name: &'static str) -> Result<std::fs::File, ReportError> {
        atomic::create(&self.dir.join(name))
    }

    fn finish(&self, name: &'static str, file: std::fs::File) -> Result<(), ReportError> {
        atomic::finish(&self.dir.join(name), file)
    }

    fn io_error(&self, name: &'static str, e: std::io::Error) -> ReportError {
        ReportError::io(self.dir.join(name), e)
    }
}

/// Renders every file of [`REPORT_FILES`] into `sink`, on three threads:
/// `reconciliation.csv`; the other CSVs, the JSON and the page; the
/// workbook. Each file is written by one thread from the same tables, so
/// its bytes do not depend on the split.
fn render_into<S: Sink>(
    input: &ReportInput,
    records: &DayRecords,
    sink: &S,
) -> Result<(), ReportError> {
    let day = input.result.day.to_string();
    let tables = Tables::build(input, records);
    let cases = recon_core::cases(input.result);
    let summary = Summary::build(input, &tables, &cases);
    let with_day = |e: ReportError| match e {
        ReportError::Render { file, message, .. } => ReportError::Render {
            day: day.clone(),
            file,
            message,
        },
        other => other,
    };

    let csv = |table: TableId| -> Result<(), ReportError> {
        let name = table.file();
        let file = sink.create(name)?;
        let file = csv_out::write(&tables, table, file).map_err(|e| sink.io_error(name, e))?;
        sink.finish(name, file)
    };
    let rest = || -> Result<(), ReportError> {
        for table in [TableId::Statement, TableId::Exceptions, TableId::Quarantine] {
            csv(table)?;
        }
        let name = "summary.json";
        let json = summary.to_json().map_err(|e| ReportError::Render {
            day: day.clone(),
            file: name,
            message: e.to_string(),
        })?;
        let mut file = sink.create(name)?;
        file.write_all(&json).map_err(|e| sink.io_error(name, e))?;
        sink.finish(name, file)?;

        let name = "summary.html";
        let html = html::render(&summary, &tables, &cases, input.trend);
        let mut file = sink.create(name)?;
        file.write_all(html.as_bytes())
            .map_err(|e| sink.io_error(name, e))?;
        sink.finish(name, file)
    };
    // The workbook is the slowest file (XML + deflate): it renders on its
    // own thread.
    let xlsx = || -> Result<(), ReportError> {
        let name = "reconciliation.xlsx";
        let mut file = sink.create(name)?;
        xlsx::write(&summary, &tables, &mut file, xlsx::DETAIL_ROWS).map_err(|source| {
            ReportError::Xlsx {
                day: day.clone(),
                file: name,
                source,
            }
        })?;
        sink.finish(name, file)
    };

    std::thread::scope(|s| {
        let xlsx = spawn(s, "report-xlsx", xlsx);
        let rest = spawn(s, "report-csv", rest);
        let first = csv(TableId::Reconciliation);
        let rest = rest.join();
        let xlsx = xlsx.join();
        first.and(rest).and(xlsx)
    })
    .map_err(with_day)
}

/// A job on a named thread of the scope (named for profiles), or done on
/// the calling thread when no thread can be started.
pub(crate) enum Job<'s, T> {
    Thread(std::thread::ScopedJoinHandle<'s, T>),
    Done(T),
}

impl<T> Job<'_, T> {
    pub(crate) fn join(self) -> T {
        match self {
            Job::Thread(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Job::Done(t) => t,
        }
    }
}

pub(crate) fn spawn<'s, T: Send + 's>(
    scope: &'s std::thread::Scope<'s, '_>,
    name: &str,
    job: impl FnOnce() -> T + Send + Clone + 's,
) -> Job<'s, T> {
    match std::thread::Builder::new()
        .name(name.to_string())
        .spawn_scoped(scope, job.clone())
    {
        Ok(h) => Job::Thread(h),
        Err(_) => Job::Done(job()),
    }
}
