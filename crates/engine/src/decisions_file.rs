//! The decisions file: a day's exceptions list, filled in by a person and
//! handed back (`recon decide --day D FILE`).
//!
//! The file is the day's `exceptions.csv` or the `Exceptions` sheet of its
//! `reconciliation.xlsx`, with the decision columns filled in, possibly
//! saved again by Excel or LibreOffice. Columns are found by their header
//! name, so a reordered or added column is fine; the columns a decision
//! needs ([`REQUIRED`]) must be there. A row whose `decision` cell is empty
//! is no decision and is skipped; every other row is checked whole, and
//! every problem of every row is reported together ([`RowProblem`]), so a
//! person fixes the file once instead of once per mistake.
//!
//! What is read back as Recon wrote it:
//! - CSV in UTF-8, with or without the byte-order mark, LF or CRLF, comma
//!   separated (a `;` or tab separated file is recognised by its header).
//!   UTF-16 ("Unicode text") and legacy encodings (Windows-874, "CSV" in
//!   Excel's Thai ANSI) are refused, saying how to save the file instead:
//!   guessing an encoding could turn a Thai note into mojibake unnoticed;
//! - the leading `'` Recon puts before a cell a spreadsheet would run as a
//!   formula (`'=…`, `'-ORD-1`) is taken off again;
//! - a workbook's number cells: a `write_off_amount` typed into Excel is a
//!   binary float; it is read at the 15 significant digits Excel shows, so
//!   `10.5` is 10.50 and `0.1 + 0.2` is 0.30, never 0.30000000000000004,
//!   and then held to the currency's minor digits like any amount.
//!
//! Checking a decision against the day's cases (does the case exist, is
//! its status still the one the file shows, does the `with` line exist) is
//! not done here: this module only reads what the file asks for.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use recon_core::{
    CaseRef, Currency, Decimal, DecisionKind, ItemKind, Money, Resolution, Status, WriteOffReason,
};

/// The sheet of `reconciliation.xlsx` that holds the exceptions.
pub const SHEET: &str = "Exceptions";

/// The columns every decisions file must have (found by name, any order).
pub const REQUIRED: [&str; 9] = [
    "kind",
    "id",
    "status",
    "currency",
    "decision",
    "with",
    "write_off_amount",
    "reason",
    "note",
];

/// Cells further right than this in a sheet are not read: the exceptions
/// header has 22 columns, and a stray value in column XFD must not make the
/// reader allocate a row of 16,384 cells.
const MAX_COLUMNS: u32 = 1024;

/// One filled-in row: what a person asks for on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRow {
    /// The file's line number (CSV, 1 = header; a record spanning lines
    /// counts from its first) or the sheet's row number (1-based).
    pub row: u64,
    /// The case: `kind` + `id`.
    pub case: CaseRef,
    /// The status the file shows for the case.
    pub status: Status,
    pub kind: DecisionKind,
    /// The `with` cell, ids joined by `|` (or `;`, `,`): statement lines
    /// for an order case, orders for a statement line or a slip case.
    pub with: Vec<CaseRef>,
    /// `write_off_amount`, in the row's currency, with its minor digits.
    pub write_off: Option<Money>,
    /// Trimmed; `None` when empty. For a `write_off` the
    /// [`WriteOffReason`] word and for a `resolve` the [`Resolution`] word,
    /// as Recon spells it (`Bank Fee` is read as `bank_fee`).
    pub reason: Option<String>,
    /// Trimmed.
    pub note: String,
}

/// One thing wrong with one row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The row as [`DecisionRow::row`] counts it.
    pub row: u64,
    /// The header name of the column at fault.
    pub column: &'static str,
    pub message: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}, column {}: {}",
            self.row, self.column, self.message
        )
    }
}

/// Why a decisions file was not taken. `Display` names the file and says
/// what to do, in words finance staff can act on.
#[derive(Debug, thiserror::Error)]
pub enum DecisionFileError {
    #[error("cannot open {}: {source}", file.display())]
    Open {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {message}", file.display())]
    Encoding { file: PathBuf, message: String },
    #[error("{} is empty: no header and no rows", file.display())]
    Empty { file: PathBuf },
    #[error("cannot read {}{}: {message}", file.display(), line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Csv {
        file: PathBuf,
        line: Option<u64>,
        message: String,
    },
    #[error("cannot read workbook {}: {message}", file.display())]
    Workbook { file: PathBuf, message: String },
    #[error("{}: unsupported file type {extension:?} (expected the day's exceptions.csv or reconciliation.xlsx)", file.display())]
    UnsupportedType { file: PathBuf, extension: String },
    #[error("{} has no sheet named {sheet:?} (sheets: {}); hand back the day's reconciliation.xlsx or its exceptions.csv", file.display(), sheets.join(", "))]
    NoSheet {
        file: PathBuf,
        sheet: &'static str,
        sheets: Vec<String>,
    },
    #[error("{} is missing column(s) {} (header at row {row}: {})", file.display(), missing.join(", "), found.join(", "))]
    MissingColumns {
        file: PathBuf,
        /// The header row.
        row: u64,
        missing: Vec<&'static str>,
        found: Vec<String>,
    },
    #[error("{} has the column {column} twice (header at row {row}); keep one", file.display())]
    DuplicateColumn {
        file: PathBuf,
        row: u64,
        column: &'static str,
    },
    #[error("{}", problems.iter().map(|p| format!("{}: {p}", file.display())).collect::<Vec<_>>().join("\n"))]
    Rows {
        file: PathBuf,
        problems: Vec<RowProblem>,
    },
}

/// Reads the decisions of a filled-in `exceptions.csv` or
/// `reconciliation.xlsx` (its `Exceptions` sheet), in file order. Every
/// problem of every row comes back at once in [`DecisionFileError::Rows`].
pub fn read_decisions_file(path: &Path) -> Result<Vec<DecisionRow>, DecisionFileError> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let rows = match extension.as_str() {
        "csv" | "txt" => read_csv(path)?,
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path)?,
        _ => {
            return Err(DecisionFileError::UnsupportedType {
                file: path.to_path_buf(),
                extension,
            });
        }
    };
    decisions(path, rows)
}

/// One cell as the file holds it: CSV gives text, a sheet may give numbers.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    /// A boolean or a date: text for an id, never an amount.
    Other(String),
    /// A spreadsheet error value such as `#REF!`.
    Error(String),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell's text, trimmed, with Recon's formula guard taken off.
    fn text(&self) -> Result<String, String> {
        Ok(match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => undefuse(t.trim()).trim().to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Float(f) => match float_decimal(*f) {
                Some(d) => d.to_string(),
                None => f.to_string(),
            },
            Cell::Other(t) => t.clone(),
            Cell::Error(e) => return Err(format!("the cell holds the spreadsheet error {e}")),
        })
    }
}

/// The rows of a file: (row number, cells), blank rows left out.
type Rows = Vec<(u64, Vec<Cell>)>;

/// Takes off the `'` Recon's reports put before a cell that a spreadsheet
/// would run as a formula (the report crate's `defuse`): only before the
/// characters it guards, so an id that really begins with `'` and a letter
/// is kept whole.
fn undefuse(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => text,
    }
}

/// A float cell as the decimal Excel shows: 15 significant digits, trailing
/// zeros dropped. `None` for infinities, NaN and numbers no decimal holds.
fn float_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_scientific(&format!("{f:.14e}"))
        .ok()
        .map(|d| d.normalize())
}

/// `12.50`, `-3`, `1500`: an optional sign, digits, an optional fraction;
/// no exponent, no separators (rust_decimal alone would take `1_000`).
fn plain_decimal(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return None;
    }
    s.parse::<Decimal>().ok()
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The UTF-8 byte-order mark as a spreadsheet shows it when it opens a
/// UTF-8 file as Windows-1252 / Latin-1.
const MOJIBAKE_BOM: &str = "\u{EF}\u{BB}\u{BF}";

const RESAVE: &str = "save it again as \"CSV UTF-8 (Comma delimited)\" in Excel, or as Text CSV with character set Unicode (UTF-8) in LibreOffice, or hand back reconciliation.xlsx";

fn read_csv(path: &Path) -> Result<Rows, DecisionFileError> {
    let file = || path.to_path_buf();
    let bytes = std::fs::read(path).map_err(|source| DecisionFileError::Open {
        file: file(),
        source,
    })?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecisionFileError::Empty { file: file() });
    }
    let encoding = |message: String| DecisionFileError::Encoding {
        file: file(),
        message,
    };
    if let Some(problem) = not_utf8_text(&bytes) {
        return Err(encoding(format!("{problem}; {RESAVE}")));
    }
    let body = bytes.strip_prefix(UTF8_BOM).unwrap_or(&bytes);
    let text = std::str::from_utf8(body).map_err(|e| {
        let line = body[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        encoding(format!(
            "is not UTF-8 text (line {line} has bytes UTF-8 does not allow; it was perhaps saved as Windows-874 / Thai ANSI); {RESAVE}"
        ))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Rows::new();
    // Lines are counted here, from each record's byte offset: the csv
    // crate's own line is one short after a CRLF record (it ends the record
    // at the `\r` and counts the `\n` with the next one).
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut at = usize::try_from(byte).map_or(bytes.len(), |b| b.min(bytes.len()));
        // Skip the rest of the previous terminator (and blank lines).
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > counted_to {
            line += bytes[counted_to..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            counted_to = at;
        }
        line
    };
    for record in reader.records() {
        let record = record.map_err(|e| DecisionFileError::Csv {
            file: file(),
            line: e.position().map(|p| p.line()),
            message: e.to_string(),
        })?;
        let line = line_at(record.position().map_or(0, |p| p.byte()));
        let cells: Vec<Cell> = record
            .iter()
            .map(|t| {
                if t.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(t.to_string())
                }
            })
            .collect();
        if !cells.iter().all(Cell::is_blank) {
            rows.push((line, cells));
        }
    }
    Ok(rows)
}

/// Why bytes named `.csv` are not UTF-8 text at all: UTF-16 (with or
/// without its byte-order mark), a workbook, binary data.
fn not_utf8_text(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some("is UTF-16 text (Excel's \"Unicode Text\"), not UTF-8".into());
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some(
            "is a workbook, not a CSV file (name it .xlsx or .xls to hand it back as a workbook)"
                .into(),
        );
    }
    let head = &bytes[..bytes.len().min(8192)];
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 0 {
        // UTF-16 without a byte-order mark: ASCII letters alternate with NULs.
        return Some(if nuls * 3 >= head.len() {
            "is UTF-16 text without a byte-order mark, not UTF-8".into()
        } else {
            "contains binary data (a NUL byte), not CSV text".into()
        });
    }
    None
}

/// The separator the header line uses: Recon writes commas; a spreadsheet
/// set to another list separator saves `;` or tabs.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.matches(c).count();
    [b';', b'\t']
        .into_iter()
        .filter(|&d| count(d as char) > count(','))
        .max_by_key(|&d| count(d as char))
        .unwrap_or(b',')
}

fn read_workbook(path: &Path) -> Result<Rows, DecisionFileError> {
    let workbook_error = |message: String| DecisionFileError::Workbook {
        file: path.to_path_buf(),
        message,
    };
    if let Err(source) = std::fs::File::open(path) {
        return Err(DecisionFileError::Open {
            file: path.to_path_buf(),
            source,
        });
    }
    if let Err(e) = recon_ingest::check_workbook(path) {
        return Err(match e {
            recon_ingest::IngestError::Workbook { message, .. } => workbook_error(message),
            other => workbook_error(other.to_string()),
        });
    }
    let mut workbook =
        calamine::open_workbook_auto(path).map_err(|e| workbook_error(e.to_string()))?;
    let names = workbook.sheet_names();
    let Some(name) = names
        .iter()
        .find(|n| *n == SHEET)
        .or_else(|| names.iter().find(|n| n.trim().eq_ignore_ascii_case(SHEET)))
        .cloned()
    else {
        return Err(DecisionFileError::NoSheet {
            file: path.to_path_buf(),
            sheet: SHEET,
            sheets: names,
        });
    };
    // Rows by their 0-based sheet row, cells by column.
    let mut sheet: BTreeMap<u32, Vec<Data>> = BTreeMap::new();
    let mut put = |(r, c): (u32, u32), value: Data| {
        if c < MAX_COLUMNS && value != Data::Empty {
            let row = sheet.entry(r).or_default();
            if row.len() <= c as usize {
                row.resize(c as usize + 1, Data::Empty);
            }
            row[c as usize] = value;
        }
    };
    if let calamine::Sheets::Xlsx(xlsx) = &mut workbook {
        // Cell by cell: a range would be as wide and tall as the furthest
        // cell, whatever lies between.
        let mut reader = xlsx
            .worksheet_cells_reader(&name)
            .map_err(|e| workbook_error(e.to_string()))?;
        while let Some(cell) = reader
            .next_cell()
            .map_err(|e| workbook_error(e.to_string()))?
        {
            put(cell.get_position(), Data::from(cell.get_value().clone()));
        }
    } else {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| workbook_error(e.to_string()))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, value) in range.used_cells() {
            put((r0 + r as u32, c0 + c as u32), value.clone());
        }
    }
    Ok(sheet
        .into_iter()
        .map(|(r, cells)| (u64::from(r) + 1, cells.iter().map(cell_of).collect()))
        .filter(|(_, cells): &(u64, Vec<Cell>)| !cells.iter().all(Cell::is_blank))
        .collect())
}

fn cell_of(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Bool(_) | Data::DateTime(_) | Data::DateTimeIso(_) | Data::DurationIso(_) => {
            Cell::Other(data.to_string())
        }
    }
}

/// Where each column the reader needs sits in the rows.
struct Columns {
    kind: usize,
    id: usize,
    status: usize,
    currency: usize,
    decision: usize,
    with: usize,
    amount: usize,
    reason: usize,
    note: usize,
}

impl Columns {
    fn find(path: &Path, row: u64, header: &[Cell]) -> Result<Columns, DecisionFileError> {
        let names: Vec<String> = header
            .iter()
            .map(|c| {
                c.text()
                    .unwrap_or_default()
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        if names.iter().any(|n| n.starts_with(MOJIBAKE_BOM)) {
            return Err(DecisionFileError::Encoding {
                file: path.to_path_buf(),
                message: format!(
                    "the header begins with {MOJIBAKE_BOM:?}: the file was opened with the wrong character set (the UTF-8 byte-order mark read as Western text), so its Thai and Khmer text is garbled too; open the day's exceptions.csv again choosing Unicode (UTF-8), fill it in and save it"
                ),
            });
        }
        let mut at = [None; REQUIRED.len()];
        for (i, name) in names.iter().enumerate() {
            let Some(k) = REQUIRED
                .iter()
                .position(|r| r.eq_ignore_ascii_case(name.trim()))
            else {
                continue;
            };
            if at[k].is_some() {
                return Err(DecisionFileError::DuplicateColumn {
                    file: path.to_path_buf(),
                    row,
                    column: REQUIRED[k],
                });
            }
            at[k] = Some(i);
        }
        let missing: Vec<&'static str> = REQUIRED
            .iter()
            .zip(at)
            .filter(|(_, i)| i.is_none())
            .map(|(name, _)| *name)
            .collect();
        match at {
            [
                Some(kind),
                Some(id),
                Some(status),
                Some(currency),
                Some(decision),
                Some(with),
                Some(amount),
                Some(reason),
                Some(note),
            ] => Ok(Columns {
                kind,
                id,
                status,
                currency,
                decision,
                with,
                amount,
                reason,
                note,
            }),
            _ => Err(DecisionFileError::MissingColumns {
                file: path.to_path_buf(),
                row,
                missing,
                found: names.into_iter().filter(|n| !n.is_empty()).collect(),
            }),
        }
    }
}

/// Turns the rows under the header into decisions, or every problem found.
fn decisions(path: &Path, rows: Rows) -> Result<Vec<DecisionRow>, DecisionFileError> {
    let mut rows = rows.into_iter();
    let Some((header_row, header)) = rows.next() else {
        return Err(DecisionFileError::Empty {
            file: path.to_path_buf(),
        });
    };
    let cols = Columns::find(path, header_row, &header)?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut decided: HashMap<CaseRef, u64> = HashMap::new();
    for (row, cells) in rows {
        let mut check = RowCheck {
            row,
            cells: &cells,
            problems: &mut problems,
        };
        let (case, good) = match check.decision(&cols) {
            Checked::Skip => continue,
            Checked::Bad(case) => (case, None),
            Checked::Good(d) => (Some(d.case.clone()), Some(d)),
        };
        let Some(case) = case else { continue };
        if let Some(first) = decided.get(&case) {
            check.problem(
                "id",
                format!("{case} is decided twice: already on row {first}"),
            );
        } else {
            decided.insert(case, row);
            out.extend(good);
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(DecisionFileError::Rows {
            file: path.to_path_buf(),
            problems,
        })
    }
}

/// What one row comes to.
enum Checked {
    /// No decision (the `decision` cell is empty).
    Skip,
    /// A decision with problems (pushed), and its case when that much could
    /// be read (a case decided twice is a problem even if one row is wrong).
    Bad(Option<CaseRef>),
    Good(DecisionRow),
}

/// One row being read: its problems go to the file's list.
struct RowCheck<'a> {
    row: u64,
    cells: &'a [Cell],
    problems: &'a mut Vec<RowProblem>,
}

impl RowCheck<'_> {
    fn problem(&mut self, column: &'static str, message: impl Into<String>) {
        self.problems.push(RowProblem {
            row: self.row,
            column,
            message: message.into(),
        });
    }

    /// The text of a column (empty past the end of a short row); a
    /// spreadsheet error is a problem and reads as `None`.
    fn text(&mut self, column: &'static str, at: usize) -> Option<String> {
        match self.cells.get(at).map_or(Ok(String::new()), Cell::text) {
            Ok(t) => Some(t),
            Err(message) => {
                self.problem(column, message);
                None
            }
        }
    }

    /// The decision the row asks for, checked whole.
    fn decision(&mut self, cols: &Columns) -> Checked {
        let word = match self.text("decision", cols.decision) {
            Some(w) if w.is_empty() => return Checked::Skip,
            Some(w) => Some(w),
            None => None,
        };
        let before = self.problems.len();
        let kind = word.and_then(|w| {
            w.parse::<DecisionKind>()
                .map_err(|e| self.problem("decision", e))
                .ok()
        });
        let case_kind = self.text("kind", cols.kind).and_then(|t| {
            t.parse::<ItemKind>()
                .map_err(|e| self.problem("kind", e))
                .ok()
        });
        let id = self.text("id", cols.id).filter(|id| {
            let empty = id.is_empty();
            if empty {
                self.problem("id", "empty: a decided row needs the case's id");
            }
            !empty
        });
        let status = self
            .text("status", cols.status)
            .and_then(|t| self.status(&t));
        let currency = self
            .text("currency", cols.currency)
            .and_then(|t| self.currency(&t));
        let with = self.text("with", cols.with).unwrap_or_default();
        let amount = self.text("write_off_amount", cols.amount);
        let reason = self.text("reason", cols.reason).unwrap_or_default();
        let note = self.text("note", cols.note).unwrap_or_default();

        let write_off = match (kind, amount.as_deref()) {
            (_, None) => None,
            (Some(DecisionKind::WriteOff), Some("")) => {
                self.problem(
                    "write_off_amount",
                    "a write_off needs the amount written off, in the row's currency",
                );
                None
            }
            (Some(DecisionKind::WriteOff), Some(_)) => self.amount(cols, currency),
            (_, Some("")) => None,
            (Some(k), Some(_)) => {
                self.problem(
                    "write_off_amount",
                    format!("only a write_off takes an amount; this row's decision is {k}"),
                );
                None
            }
            (None, Some(_)) => None,
        };
        let reason = match kind {
            Some(DecisionKind::WriteOff) if reason.is_empty() => {
                self.problem(
                    "reason",
                    format!(
                        "a write_off needs a reason: one of {}",
                        WriteOffReason::ALL.map(WriteOffReason::as_str).join(", ")
                    ),
                );
                None
            }
            Some(DecisionKind::WriteOff) => reason
                .parse::<WriteOffReason>()
                .map(|r| r.as_str().to_string())
                .map_err(|e| self.problem("reason", e))
                .ok(),
            Some(DecisionKind::Resolve) if !reason.is_empty() => reason
                .parse::<Resolution>()
                .map(|r| r.as_str().to_string())
                .map_err(|e| self.problem("reason", e))
                .ok(),
            _ => (!reason.is_empty()).then_some(reason),
        };
        let with_kind = match case_kind {
            Some(ItemKind::Order) => ItemKind::StatementLine,
            _ => ItemKind::Order,
        };
        let with: Vec<CaseRef> = with
            .split(['|', ';', ','])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| CaseRef {
                kind: with_kind,
                id: w.to_string(),
            })
            .collect();
        if kind == Some(DecisionKind::Link) && with.is_empty() {
            let what = match case_kind {
                Some(ItemKind::Order) => "the statement line(s) the order goes with",
                Some(ItemKind::StatementLine) => "the order(s) the statement line pays",
                Some(ItemKind::Slip) => "the order(s) the slip pays",
                None => "what the case goes with",
            };
            self.problem("with", format!("a link needs {what}, ids joined with |"));
        }
        let case = match (case_kind, id) {
            (Some(kind), Some(id)) => Some(CaseRef { kind, id }),
            _ => None,
        };
        match (case, status, kind) {
            (Some(case), Some(status), Some(kind)) if self.problems.len() == before => {
                Checked::Good(DecisionRow {
                    row: self.row,
                    case,
                    status,
                    kind,
                    with,
                    write_off,
                    reason,
                    note,
                })
            }
            (case, _, _) => Checked::Bad(case),
        }
    }

    fn status(&mut self, text: &str) -> Option<Status> {
        let t = text.trim().to_ascii_lowercase();
        t.parse::<Status>()
            .map_err(|_| {
                self.problem(
                    "status",
                    format!(
                        "unknown status {text:?} (expected one of {})",
                        Status::ALL.map(Status::as_str).join(", ")
                    ),
                )
            })
            .ok()
    }

    fn currency(&mut self, text: &str) -> Option<Currency> {
        if text.is_empty() {
            self.problem(
                "currency",
                format!(
                    "empty: a decided row needs the case's currency ({})",
                    Currency::ALL.map(Currency::code).join(", ")
                ),
            );
            return None;
        }
        text.parse::<Currency>()
            .map_err(|e| self.problem("currency", e.to_string()))
            .ok()
    }

    /// The `write_off_amount` of a write_off row: a positive amount with at
    /// most the currency's minor digits. A number cell is taken at the 15
    /// significant digits a spreadsheet shows.
    fn amount(&mut self, cols: &Columns, currency: Option<Currency>) -> Option<Money> {
        const COLUMN: &str = "write_off_amount";
        let cell = self.cells.get(cols.amount).cloned().unwrap_or(Cell::Empty);
        let shown = cell.text().unwrap_or_default();
        let amount = match &cell {
            Cell::Int(i) => Some(Decimal::from(*i)),
            Cell::Float(f) => float_decimal(*f),
            Cell::Text(_) => plain_decimal(&shown),
            _ => None,
        };
        let Some(amount) = amount else {
            self.problem(
                COLUMN,
                format!("{shown:?} is not an amount (write it like 12.50)"),
            );
            return None;
        };
        if amount <= Decimal::ZERO {
            self.problem(
                COLUMN,
                format!("{shown} is not more than zero: write off the amount not received, as a positive number"),
            );
            return None;
        }
        let currency = currency?;
        match Money::checked(amount, currency) {
            Ok(m) => {
                let mut exact = m.amount;
                exact.rescale(currency.minor_digits());
                Some(Money::new(exact, currency))
            }
            Err(_) => {
                self.problem(
                    COLUMN,
                    format!(
                        "{shown} has more decimals than {currency} allows ({})",
                        currency.minor_digits()
                    ),
                );
                None
            }
        }
    }
}
