//! `recon eval`: compares one day's reports with a labelled truth folder.
//!
//! Finance teams who label a day (what a correct reconciliation concludes
//! for each order, and optionally for each statement line) run it to check
//! a rule change before trusting it; we run it on `../shared/eval/days` to
//! measure the matcher. It only reads: no job config, no ledger, no files
//! written.
//!
//! Inputs, UTF-8 CSV with or without BOM (the reports are written with one):
//! - the truth folder: `truth_orders.csv` (`order_id,status`) and, if lines
//!   are labelled too, `truth_statement.csv` (`statement_line,status,order_id`);
//! - one day's report folder (`reports/<day>/`): `reconciliation.csv`, and
//!   `statement.csv` for the lines.
//!
//! Other columns are ignored and cells are trimmed. A cell the report wrote
//! with a leading `'` so that a spreadsheet does not run it as a formula
//! (README, Output contract) is read without it. A missing file or column, an
//! empty id, a status that is not one of the [`Status`] words, or an id given
//! twice in one file is an [`EvalError`] naming the file, the line and the
//! column; nothing is compared then.
//!
//! The figures are those of `../shared/eval/score.py`. Per status, precision
//! is correct / reported and recall correct / truth, both counted over the
//! truth's ids: a report row the truth does not list is only counted as
//! `extra`; a truth id the report lacks is `missing`, wrong for recall and
//! accuracy, reported as nothing. Accuracy is correct / truth. A *false
//! match* is an item reported `matched` whose truth is anything else (the
//! costliest error: money believed received); a *false alarm* is the reverse
//! (truth `matched`, reported as an exception). Fraud recall counts the truth
//! orders in [`FRAUD`] reported with any status but `matched`; a missing
//! order is not flagged (score.py counts it as flagged, which differs only
//! when the report lacks orders). Statement lines add *wrong links*: lines
//! both sides call `matched`, linked to different orders.
//!
//! Everything printed is sorted (ids in natural order: `O-2` before `O-10`,
//! `k.csv:9` before `k.csv:10`) and free of timestamps, so two runs on the
//! same folders print the same bytes.

use std::path::{Path, PathBuf};

use recon_core::Status;

mod print;
mod rows;
mod score;
#[cfg(test)]
mod tests;

pub use print::fixed4;
pub use rows::{LINES, Layout, ORDERS, Row, natural_cmp, parse_rows, read_rows, undefuse};
pub use score::{Comparison, Confusion, Examples, StatusScore, WrongLink, compare, wrong_links};

/// The truth folder's order labels.
pub const TRUTH_ORDERS: &str = "truth_orders.csv";
/// The truth folder's statement line labels (optional).
pub const TRUTH_STATEMENT: &str = "truth_statement.csv";
/// The report of one row per order.
pub const REPORT_ORDERS: &str = "reconciliation.csv";
/// The report of one row per statement line.
pub const REPORT_STATEMENT: &str = "statement.csv";

/// The statuses of a slip that should not be believed; an order whose truth
/// is one of them is *flagged* when it is reported as anything but `matched`.
pub const FRAUD: [Status; 4] = [
    Status::DuplicateSlip,
    Status::ReceiverMismatch,
    Status::SlipNotOnStatement,
    Status::AmountMismatch,
];

/// Example ids kept for missing, extra, false matches, false alarms, wrong links.
pub const EXAMPLES: usize = 5;
/// Example ids kept per confusion.
pub const CONFUSION_EXAMPLES: usize = 3;
/// Confusions printed (the most frequent).
pub const CONFUSIONS_SHOWN: usize = 10;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How `recon eval` prints its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Plain lines for a person; the last one is the summary.
    #[default]
    Text,
    /// One JSON object on one line, for scripts.
    Json,
}

/// Why an evaluation could not be made, naming the file, line and column.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{}: cannot read ({source}){hint}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
        hint: &'static str,
    },
    #[error("{}: {at}{message}", .path.display())]
    Csv {
        path: PathBuf,
        /// `line N: `, or nothing when the reader does not know the line.
        at: String,
        message: String,
    },
    #[error("{}: line {line}: no column {column} (the header is `{header}`; expected {expected})", .path.display())]
    MissingColumn {
        path: PathBuf,
        line: u64,
        column: &'static str,
        header: String,
        expected: &'static str,
    },
    #[error("{}: line {line}, column {column}: empty", .path.display())]
    Empty {
        path: PathBuf,
        line: u64,
        column: &'static str,
    },
    #[error(
        "{}: line {line}, column {column}: {value:?} is not a status (expected one of {})",
        .path.display(),
        Status::ALL.map(Status::as_str).join(", ")
    )]
    BadStatus {
        path: PathBuf,
        line: u64,
        column: &'static str,
        value: String,
    },
    #[error(
        "{}: line {line}, column {column}: {id:?} appears twice, on line {first} and on line {line}",
        .path.display()
    )]
    Duplicate {
        path: PathBuf,
        line: u64,
        first: u64,
        column: &'static str,
        id: String,
    },
}

/// The statement lines' part of an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum StatementEval {
    Compared {
        lines: Box<Comparison>,
        wrong_links: Examples<WrongLink>,
    },
    /// Not compared, and why (one of the two files is absent).
    Skipped(String),
}

/// Everything `recon eval` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub orders: Comparison,
    pub statement: StatementEval,
}

/// Reads the truth folder and the report folder and compares them.
pub fn evaluate(truth_dir: &Path, reports_dir: &Path) -> Result<Evaluation, EvalError> {
    let truth = read_rows(
        &truth_dir.join(TRUTH_ORDERS),
        ORDERS,
        "; --truth names a folder with truth_orders.csv (order_id,status)",
    )?;
    let got = read_rows(
        &reports_dir.join(REPORT_ORDERS),
        ORDERS,
        "; --reports names one day's report folder, reports/<day>/",
    )?;
    let orders = compare(&truth, &got);
    let truth_lines = truth_dir.join(TRUTH_STATEMENT);
    let got_lines = reports_dir.join(REPORT_STATEMENT);
    let statement = if !truth_lines.exists() {
        StatementEval::Skipped(format!("no {TRUTH_STATEMENT} in {}", truth_dir.display()))
    } else if !got_lines.exists() {
        StatementEval::Skipped(format!(
            "no {REPORT_STATEMENT} in {}",
            reports_dir.display()
        ))
    } else {
        let truth = read_rows(&truth_lines, LINES, "")?;
        let got = read_rows(&got_lines, LINES, "")?;
        StatementEval::Compared {
            lines: Box::new(compare(&truth, &got)),
            wrong_links: wrong_links(&truth, &got),
        }
    };
    Ok(Evaluation { orders, statement })
}

/// `recon eval`: the evaluation of the two folders, printed in `format`.
pub fn run(truth_dir: &Path, reports_dir: &Path, format: Format) -> Result<String, EvalError> {
    let evaluation = evaluate(truth_dir, reports_dir)?;
    Ok(match format {
        Format::Text => evaluation.text(),
        Format::Json => format!("{}\n", evaluation.json()),
    })
}
