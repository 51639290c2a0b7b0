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

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use recon_core::Status;
use serde_json::{Value, json};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
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

/// What a file holds: its id column, and whether each row links orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub key: &'static str,
    /// Read the `order_id` column too (statement lines).
    pub linked: bool,
    /// The header a person should write, for error messages.
    pub expected: &'static str,
}

/// `truth_orders.csv` and `reconciliation.csv`.
pub const ORDERS: Layout = Layout {
    key: "order_id",
    linked: false,
    expected: "order_id,status",
};

/// `truth_statement.csv` and `statement.csv`.
pub const LINES: Layout = Layout {
    key: "statement_line",
    linked: true,
    expected: "statement_line,status,order_id",
};

/// One labelled or reported item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The order id or statement line, without a defusing `'`.
    pub id: String,
    pub status: Status,
    /// Statement lines: the order(s) linked, `|`-joined as in the reports
    /// (may be empty); orders: empty.
    pub order_id: String,
    /// The physical line the row starts on (the header is line 1).
    pub line: u64,
}

/// Reads one truth or report file; `hint` follows a cannot-read message.
/// The file is read whole (a million-row report is ~150 MB) so that every
/// row gets its physical line.
pub fn read_rows(path: &Path, layout: Layout, hint: &'static str) -> Result<Vec<Row>, EvalError> {
    let bytes = std::fs::read(path).map_err(|source| EvalError::Io {
        path: path.to_path_buf(),
        source,
        hint,
    })?;
    parse_rows(&bytes, path, layout)
}

/// The physical lines of records, found in order: the csv reader's own
/// line count lags behind after `\r\n` and blank lines, so a record's line
/// is counted here from the first byte of its content.
struct Lines<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl Lines<'_> {
    /// The line of the record whose parse began at byte `start` (at or
    /// after the previous record's): line ends and blank lines before its
    /// first cell are skipped, as the csv reader skips them.
    fn of(&mut self, start: usize) -> u64 {
        let start = start.clamp(self.offset, self.bytes.len());
        let content = start
            + self.bytes[start..]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        self.line += self.bytes[self.offset..content]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = content;
        self.line
    }
}

/// Parses CSV text (`path` only names it in errors): BOM dropped, cells
/// trimmed, blank rows skipped, a defusing `'` removed from ids, statuses
/// parsed as [`Status`], an id given twice refused.
pub fn parse_rows(bytes: &[u8], path: &Path, layout: Layout) -> Result<Vec<Row>, EvalError> {
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut lines = Lines {
        bytes: body,
        offset: 0,
        line: 1,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(body);
    let mut record = csv::StringRecord::new();
    // Reads the next record; its line, or None at the end.
    let mut next = |record: &mut csv::StringRecord| {
        let start = reader.position().byte() as usize;
        match reader.read_record(record) {
            Ok(true) => Ok(Some(lines.of(start))),
            Ok(false) => Ok(None),
            Err(e) => Err(EvalError::Csv {
                path: path.to_path_buf(),
                at: format!("line {}: ", lines.of(start)),
                message: match e.kind() {
                    csv::ErrorKind::Utf8 { err, .. } => format!(
                        "column {} is not UTF-8 text (save the file as UTF-8)",
                        err.field() + 1
                    ),
                    _ => e.to_string(),
                },
            }),
        }
    };

    let header_line = next(&mut record)?.unwrap_or(1);
    let header = record.clone();
    let column = |name: &'static str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| EvalError::MissingColumn {
                path: path.to_path_buf(),
                line: header_line,
                column: name,
                header: header.iter().collect::<Vec<_>>().join(","),
                expected: layout.expected,
            })
    };
    let key_at = column(layout.key)?;
    let status_at = column("status")?;
    let order_at = if layout.linked {
        Some(column("order_id")?)
    } else {
        None
    };

    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    while let Some(line) = next(&mut record)? {
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |at: usize| record.get(at).unwrap_or("").trim();
        let id = undefuse(cell(key_at));
        if id.is_empty() {
            return Err(EvalError::Empty {
                path: path.to_path_buf(),
                line,
                column: layout.key,
            });
        }
        let word = cell(status_at);
        let status: Status = word.parse().map_err(|_| EvalError::BadStatus {
            path: path.to_path_buf(),
            line,
            column: "status",
            value: word.to_string(),
        })?;
        if let Some(&first) = seen.get(id) {
            return Err(EvalError::Duplicate {
                path: path.to_path_buf(),
                line,
                first,
                column: layout.key,
                id: id.to_string(),
            });
        }
        seen.insert(id.to_string(), line);
        rows.push(Row {
            id: id.to_string(),
            status,
            order_id: order_at
                .map(|at| undefuse(cell(at)).to_string())
                .unwrap_or_default(),
            line,
        });
    }
    Ok(rows)
}

/// A cell as written before the report defused it: `'=A1` → `=A1`. A `'`
/// before anything else is part of the value.
pub fn undefuse(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

/// Compares ids in natural order: digit runs by value (`O-2` < `O-10`,
/// `k.csv:9` < `k.csv:10`), everything else byte by byte; ties (`01`, `1`)
/// fall back to plain order so that the result is total.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (m, n) = (run(x), run(y));
                let strip = |s: &[u8]| {
                    let zeros = s.iter().take_while(|&&c| c == b'0').count();
                    s[zeros..].to_vec()
                };
                let (u, v) = (strip(&x[..m]), strip(&y[..n]));
                let ord = u.len().cmp(&v.len()).then_with(|| u.cmp(&v));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[m..];
                y = &y[n..];
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

/// A count and the first few of what it counts (the smallest ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Examples<T = String> {
    pub count: usize,
    pub items: Vec<T>,
    cap: usize,
}

impl<T> Examples<T> {
    fn new(cap: usize) -> Self {
        Examples {
            count: 0,
            items: Vec::new(),
            cap,
        }
    }

    /// Counts one; keeps it if fewer than `cap` are kept (callers push in
    /// natural id order, so the smallest are kept).
    fn push(&mut self, item: T) {
        self.count += 1;
        if self.items.len() < self.cap {
            self.items.push(item);
        }
    }
}

/// Precision and recall of one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusScore {
    pub status: Status,
    /// Items whose truth and report are both this status.
    pub correct: usize,
    /// Items whose truth is this status.
    pub truth: usize,
    /// Items of the truth reported with this status.
    pub reported: usize,
}

impl StatusScore {
    /// correct / reported, `None` when nothing was reported so.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.correct, self.reported)
    }
    /// correct / truth, `None` when the truth has none.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.correct, self.truth)
    }
}

/// Items of one truth status reported as another (`None`: missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub truth: Status,
    pub reported: Option<Status>,
    pub ids: Examples,
}

impl Confusion {
    pub fn reported_word(&self) -> &'static str {
        self.reported.map_or("(missing)", Status::as_str)
    }
}

/// A truth file compared with a report file.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Rows in the truth.
    pub truth: usize,
    /// Rows in the report.
    pub reported: usize,
    /// Truth ids the report lacks.
    pub missing: Examples,
    /// Report ids the truth lacks (not counted anywhere else).
    pub extra: Examples,
    /// Every status of the truth or reported for its ids, by word.
    pub statuses: Vec<StatusScore>,
    /// Truth ids reported with their truth status.
    pub correct: usize,
    /// Reported `matched`, truth anything else.
    pub false_matches: Examples,
    /// Truth `matched`, reported anything else.
    pub false_alarms: Examples,
    /// Truth status in [`FRAUD`].
    pub fraud_total: usize,
    /// ... and reported, as anything but `matched`.
    pub fraud_flagged: usize,
    /// Every (truth, reported) pair that differs, most frequent first, ties
    /// by truth word then reported word.
    pub confusions: Vec<Confusion>,
}

impl Comparison {
    /// correct / truth, `None` for an empty truth.
    pub fn accuracy(&self) -> Option<f64> {
        ratio(self.correct, self.truth)
    }
}

fn ratio(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Compares labelled rows with reported rows (ids unique on each side, as
/// [`parse_rows`] guarantees).
pub fn compare(truth: &[Row], reported: &[Row]) -> Comparison {
    let got: HashMap<&str, Status> = reported.iter().map(|r| (r.id.as_str(), r.status)).collect();
    let mut ordered: Vec<&Row> = truth.iter().collect();
    ordered.sort_by(|a, b| natural_cmp(&a.id, &b.id));

    // Keyed by word, so the table comes out sorted by the status word.
    let mut scores: BTreeMap<&'static str, StatusScore> = BTreeMap::new();
    let mut c = Comparison {
        truth: truth.len(),
        reported: reported.len(),
        missing: Examples::new(EXAMPLES),
        extra: Examples::new(EXAMPLES),
        statuses: Vec::new(),
        correct: 0,
        false_matches: Examples::new(EXAMPLES),
        false_alarms: Examples::new(EXAMPLES),
        fraud_total: 0,
        fraud_flagged: 0,
        confusions: Vec::new(),
    };
    let mut pairs: HashMap<(Status, Option<Status>), Examples> = HashMap::new();
    let blank = |status: Status| StatusScore {
        status,
        correct: 0,
        truth: 0,
        reported: 0,
    };
    for row in ordered {
        let truth = row.status;
        let reported = got.get(row.id.as_str()).copied();
        scores
            .entry(truth.as_str())
            .or_insert_with(|| blank(truth))
            .truth += 1;
        match reported {
            Some(r) => {
                scores
                    .entry(r.as_str())
                    .or_insert_with(|| blank(r))
                    .reported += 1
            }
            None => c.missing.push(row.id.clone()),
        }
        if reported == Some(truth) {
            c.correct += 1;
            scores
                .get_mut(truth.as_str())
                .expect("counted above")
                .correct += 1;
        } else {
            pairs
                .entry((truth, reported))
                .or_insert_with(|| Examples::new(CONFUSION_EXAMPLES))
                .push(row.id.clone());
        }
        if reported == Some(Status::Matched) && truth != Status::Matched {
            c.false_matches.push(row.id.clone());
        }
        if truth == Status::Matched && reported.is_some_and(|r| r != Status::Matched) {
            c.false_alarms.push(row.id.clone());
        }
        if FRAUD.contains(&truth) {
            c.fraud_total += 1;
            if reported.is_some_and(|r| r != Status::Matched) {
                c.fraud_flagged += 1;
            }
        }
    }
    let known: std::collections::HashSet<&str> = truth.iter().map(|r| r.id.as_str()).collect();
    let mut extra: Vec<&str> = reported
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !known.contains(id))
        .collect();
    extra.sort_by(|a, b| natural_cmp(a, b));
    for id in extra {
        c.extra.push(id.to_string());
    }
    c.statuses = scores.into_values().collect();
    c.confusions = pairs
        .into_iter()
        .map(|((truth, reported), ids)| Confusion {
            truth,
            reported,
            ids,
        })
        .collect();
    c.confusions.sort_by(|a, b| {
        b.ids
            .count
            .cmp(&a.ids.count)
            .then_with(|| a.truth.as_str().cmp(b.truth.as_str()))
            .then_with(|| a.reported_word().cmp(b.reported_word()))
    });
    c
}

/// A statement line both sides call `matched`, linked to different orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongLink {
    pub statement_line: String,
    pub truth_order_id: String,
    pub reported_order_id: String,
}

/// The lines both sides call `matched` whose order links differ (`A|B`
/// and `B|A` are the same link), in natural line order. The cells were
/// undefused whole by [`parse_rows`], as the report defuses them whole.
pub fn wrong_links(truth: &[Row], reported: &[Row]) -> Examples<WrongLink> {
    fn orders(cell: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = cell
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
    let got: HashMap<&str, &Row> = reported.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut both: Vec<(&Row, &Row)> = truth
        .iter()
        .filter(|t| t.status == Status::Matched)
        .filter_map(|t| got.get(t.id.as_str()).map(|g| (t, *g)))
        .filter(|(t, g)| g.status == Status::Matched && orders(&t.order_id) != orders(&g.order_id))
        .collect();
    both.sort_by(|a, b| natural_cmp(&a.0.id, &b.0.id));
    let mut links = Examples::new(EXAMPLES);
    for (t, g) in both {
        links.push(WrongLink {
            statement_line: t.id.clone(),
            truth_order_id: t.order_id.clone(),
            reported_order_id: g.order_id.clone(),
        });
    }
    links
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

/// 4 decimals, `-` when undefined.
pub fn fixed4(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"))
}

/// The same figure as [`fixed4`], as a JSON number (`null` when undefined).
fn json4(value: Option<f64>) -> Value {
    value
        .and_then(|v| format!("{v:.4}").parse::<f64>().ok())
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// `: a, b, c` (with `, ...` when more were counted), or nothing.
fn listed(ex: &Examples) -> String {
    if ex.count == 0 {
        return String::new();
    }
    let more = if ex.count > ex.items.len() {
        ", ..."
    } else {
        ""
    };
    format!(": {}{more}", ex.items.join(", "))
}

impl Evaluation {
    /// The last line, for scripts: `accuracy 0.9953; false matches 1; fraud flagged 575/577`.
    pub fn summary(&self) -> String {
        let o = &self.orders;
        format!(
            "accuracy {}; false matches {}; fraud flagged {}/{}",
            fixed4(o.accuracy()),
            o.false_matches.count,
            o.fraud_flagged,
            o.fraud_total
        )
    }

    /// The plain-text report, one finding per line, the summary last.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let o = &self.orders;
        text_block(&mut out, "orders", "order", "", o);
        let _ = writeln!(
            out,
            "fraud flagged {}/{} (recall {})",
            o.fraud_flagged,
            o.fraud_total,
            fixed4(ratio(o.fraud_flagged, o.fraud_total))
        );
        text_confusions(&mut out, "", o);
        match &self.statement {
            StatementEval::Compared { lines, wrong_links } => {
                text_block(
                    &mut out,
                    "statement lines",
                    "statement",
                    "statement ",
                    lines,
                );
                text_confusions(&mut out, "statement ", lines);
                let shown: Vec<String> = wrong_links
                    .items
                    .iter()
                    .map(|w| {
                        format!(
                            "{} (reported {}, truth {})",
                            w.statement_line,
                            or_none(&w.reported_order_id),
                            or_none(&w.truth_order_id)
                        )
                    })
                    .collect();
                let ex = Examples {
                    count: wrong_links.count,
                    items: shown,
                    cap: EXAMPLES,
                };
                let _ = writeln!(out, "wrong links {}{}", ex.count, listed(&ex));
            }
            StatementEval::Skipped(why) => {
                let _ = writeln!(out, "statement lines: not compared ({why})");
            }
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The same figures as one JSON object.
    pub fn json(&self) -> Value {
        let o = &self.orders;
        let mut orders = json_block(o);
        orders["fraud"] = json!({
            "flagged": o.fraud_flagged,
            "total": o.fraud_total,
            "recall": json4(ratio(o.fraud_flagged, o.fraud_total)),
        });
        let (statement, skipped) = match &self.statement {
            StatementEval::Compared { lines, wrong_links } => {
                let mut block = json_block(lines);
                block["wrong_links"] = json!({
                    "count": wrong_links.count,
                    "examples": wrong_links.items.iter().map(|w| json!({
                        "statement_line": w.statement_line,
                        "reported_order_id": w.reported_order_id,
                        "truth_order_id": w.truth_order_id,
                    })).collect::<Vec<_>>(),
                });
                (block, Value::Null)
            }
            StatementEval::Skipped(why) => (Value::Null, Value::String(why.clone())),
        };
        json!({
            "orders": orders,
            "statement": statement,
            "statement_not_compared": skipped,
            "summary": self.summary(),
        })
    }
}

fn or_none(cell: &str) -> &str {
    if cell.is_empty() { "none" } else { cell }
}

/// Counts, the per-status table, accuracy, false matches and alarms.
fn text_block(out: &mut String, what: &str, accuracy_label: &str, prefix: &str, c: &Comparison) {
    let _ = writeln!(
        out,
        "{what}: truth {}, reported {}, missing {}, extra {}",
        c.truth, c.reported, c.missing.count, c.extra.count
    );
    if c.missing.count > 0 {
        let _ = writeln!(out, "  missing{}", listed(&c.missing));
    }
    if c.extra.count > 0 {
        let _ = writeln!(out, "  extra{}", listed(&c.extra));
    }
    let _ = writeln!(
        out,
        "  {:<22}{:>10}{:>9}{:>8}{:>10}",
        "status", "precision", "recall", "truth", "reported"
    );
    for s in &c.statuses {
        let _ = writeln!(
            out,
            "  {:<22}{:>10}{:>9}{:>8}{:>10}",
            s.status.as_str(),
            fixed4(s.precision()),
            fixed4(s.recall()),
            s.truth,
            s.reported
        );
    }
    let _ = writeln!(
        out,
        "{accuracy_label} accuracy {} ({} of {} correct)",
        fixed4(c.accuracy()),
        c.correct,
        c.truth
    );
    let _ = writeln!(
        out,
        "{prefix}false matches {}{}",
        c.false_matches.count,
        listed(&c.false_matches)
    );
    let _ = writeln!(
        out,
        "{prefix}false alarms {}{}",
        c.false_alarms.count,
        listed(&c.false_alarms)
    );
}

/// The most frequent confusions, with their smallest ids.
fn text_confusions(out: &mut String, prefix: &str, c: &Comparison) {
    if c.confusions.is_empty() {
        let _ = writeln!(out, "{prefix}confusions: none");
        return;
    }
    let _ = writeln!(
        out,
        "{prefix}confusions (truth -> reported, {} of {}):",
        c.confusions.len().min(CONFUSIONS_SHOWN),
        c.confusions.len()
    );
    for k in c.confusions.iter().take(CONFUSIONS_SHOWN) {
        let _ = writeln!(
            out,
            "  {} -> {}: {} ({})",
            k.truth.as_str(),
            k.reported_word(),
            k.ids.count,
            k.ids.items.join(", ")
        );
    }
}

fn json_examples(ex: &Examples) -> Value {
    json!({ "count": ex.count, "examples": ex.items })
}

fn json_block(c: &Comparison) -> Value {
    json!({
        "truth": c.truth,
        "reported": c.reported,
        "missing": json_examples(&c.missing),
        "extra": json_examples(&c.extra),
        "statuses": c.statuses.iter().map(|s| json!({
            "status": s.status.as_str(),
            "precision": json4(s.precision()),
            "recall": json4(s.recall()),
            "truth": s.truth,
            "reported": s.reported,
            "correct": s.correct,
        })).collect::<Vec<_>>(),
        "accuracy": json4(c.accuracy()),
        "correct": c.correct,
        "false_matches": json_examples(&c.false_matches),
        "false_alarms": json_examples(&c.false_alarms),
        "confusions": c.confusions.iter().take(CONFUSIONS_SHOWN).map(|k| json!({
            "truth": k.truth.as_str(),
            "reported": k.reported.map(Status::as_str),
            "count": k.ids.count,
            "examples": k.ids.items,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(&str, &str)]) -> Vec<Row> {
        pairs
            .iter()
            .enumerate()
            .map(|(i, (id, status))| Row {
                id: id.to_string(),
                status: status.parse().unwrap(),
                order_id: String::new(),
                line: i as u64 + 2,
            })
            .collect()
    }

    fn lines(triples: &[(&str, &str, &str)]) -> Vec<Row> {
        triples
            .iter()
            .enumerate()
            .map(|(i, (id, status, order))| Row {
                id: id.to_string(),
                status: status.parse().unwrap(),
                order_id: order.to_string(),
                line: i as u64 + 2,
            })
            .collect()
    }

    /// Seven labelled orders; the report gets one wrong each way, names
    /// an order the truth lacks and leaves one out.
    fn hand_example() -> Comparison {
        let truth = rows(&[
            ("O-1", "matched"),
            ("O-2", "matched"),
            ("O-3", "amount_mismatch"),
            ("O-4", "duplicate_slip"),
            ("O-5", "unpaid"),
            ("O-6", "matched"),
            ("O-10", "name_mismatch"),
        ]);
        let got = rows(&[
            ("O-10", "name_mismatch"),
            ("O-1", "matched"),
            ("O-2", "name_mismatch"),
            ("O-3", "matched"),
            ("O-4", "duplicate_slip"),
            ("O-5", "unpaid"),
            ("O-9", "matched"),
        ]);
        compare(&truth, &got)
    }

    fn score(c: &Comparison, word: &str) -> StatusScore {
        *c.statuses
            .iter()
            .find(|s| s.status.as_str() == word)
            .unwrap_or_else(|| panic!("no row for {word}"))
    }

    #[test]
    fn precision_recall_and_counts_by_hand() {
        let c = hand_example();
        assert_eq!((c.truth, c.reported), (7, 7));
        assert_eq!(c.missing.count, 1);
        assert_eq!(c.missing.items, ["O-6"]);
        assert_eq!(c.extra.count, 1);
        assert_eq!(c.extra.items, ["O-9"]);
        // Sorted by word; a status only the truth has is listed too.
        let words: Vec<&str> = c.statuses.iter().map(|s| s.status.as_str()).collect();
        assert_eq!(
            words,
            [
                "amount_mismatch",
                "duplicate_slip",
                "matched",
                "name_mismatch",
                "unpaid"
            ]
        );
        // matched: truth O-1 O-2 O-6, reported O-1 O-3 (O-9 is extra): 1 right.
        let m = score(&c, "matched");
        assert_eq!((m.correct, m.truth, m.reported), (1, 3, 2));
        assert_eq!(m.precision(), Some(0.5));
        assert_eq!(fixed4(m.recall()), "0.3333");
        // name_mismatch: truth O-10, reported O-2 and O-10.
        let n = score(&c, "name_mismatch");
        assert_eq!((n.correct, n.truth, n.reported), (1, 1, 2));
        assert_eq!((n.precision(), n.recall()), (Some(0.5), Some(1.0)));
        // amount_mismatch: never reported, so precision is undefined.
        let a = score(&c, "amount_mismatch");
        assert_eq!((a.correct, a.truth, a.reported), (0, 1, 0));
        assert_eq!(a.precision(), None);
        assert_eq!(fixed4(a.precision()), "-");
        assert_eq!(a.recall(), Some(0.0));
        let d = score(&c, "duplicate_slip");
        assert_eq!((d.precision(), d.recall()), (Some(1.0), Some(1.0)));
        // O-1, O-4, O-5, O-10 right out of 7.
        assert_eq!(c.correct, 4);
        assert_eq!(fixed4(c.accuracy()), "0.5714");
    }

    #[test]
    fn false_matches_false_alarms_and_fraud_by_hand() {
        let c = hand_example();
        // O-3 is amount_mismatch reported matched.
        assert_eq!(c.false_matches.count, 1);
        assert_eq!(c.false_matches.items, ["O-3"]);
        // O-2 is matched reported name_mismatch; O-6 is missing, no alarm.
        assert_eq!(c.false_alarms.count, 1);
        assert_eq!(c.false_alarms.items, ["O-2"]);
        // Fraud truths: O-3 (reported matched: not flagged), O-4 (flagged).
        assert_eq!((c.fraud_flagged, c.fraud_total), (1, 2));
        let e = Evaluation {
            orders: c,
            statement: StatementEval::Skipped("test".into()),
        };
        assert_eq!(
            e.summary(),
            "accuracy 0.5714; false matches 1; fraud flagged 1/2"
        );
    }

    #[test]
    fn a_missing_fraud_order_is_not_flagged() {
        // score.py would say 2/2: it counts a missing order as not matched.
        let truth = rows(&[
            ("A", "duplicate_slip"),
            ("B", "receiver_mismatch"),
            ("C", "matched"),
        ]);
        let got = rows(&[("B", "receiver_mismatch")]);
        let c = compare(&truth, &got);
        assert_eq!((c.fraud_flagged, c.fraud_total), (1, 2));
        assert_eq!(c.missing.items, ["A", "C"]);
        // Nor is a missing matched order a false alarm.
        assert_eq!(c.false_alarms.count, 0);
    }

    #[test]
    fn confusions_most_frequent_first_ties_by_words_smallest_ids() {
        let c = hand_example();
        let seen: Vec<(&str, &str, usize, Vec<String>)> = c
            .confusions
            .iter()
            .map(|k| {
                (
                    k.truth.as_str(),
                    k.reported_word(),
                    k.ids.count,
                    k.ids.items.clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("amount_mismatch", "matched", 1, vec!["O-3".to_string()]),
                ("matched", "(missing)", 1, vec!["O-6".to_string()]),
                ("matched", "name_mismatch", 1, vec!["O-2".to_string()]),
            ]
        );

        // Five unpaid orders reported pending beat two matched reported
        // unpaid; the examples are the three smallest in natural order.
        let truth = rows(&[
            ("O-10", "unpaid"),
            ("O-2", "unpaid"),
            ("O-33", "unpaid"),
            ("O-4", "unpaid"),
            ("O-100", "unpaid"),
            ("O-7", "matched"),
            ("O-8", "matched"),
        ]);
        let got = rows(&[
            ("O-10", "pending"),
            ("O-2", "pending"),
            ("O-33", "pending"),
            ("O-4", "pending"),
            ("O-100", "pending"),
            ("O-7", "unpaid"),
            ("O-8", "unpaid"),
        ]);
        let c = compare(&truth, &got);
        assert_eq!(c.confusions.len(), 2);
        assert_eq!(c.confusions[0].truth, Status::Unpaid);
        assert_eq!(c.confusions[0].reported, Some(Status::Pending));
        assert_eq!(c.confusions[0].ids.count, 5);
        assert_eq!(c.confusions[0].ids.items, ["O-2", "O-4", "O-10"]);
        assert_eq!(c.confusions[1].ids.count, 2);
        assert_eq!(c.accuracy(), Some(0.0));
        assert_eq!(c.false_alarms.items, ["O-7", "O-8"]);
    }

    #[test]
    fn at_most_ten_confusions_are_printed() {
        // Every status word reported as the next one: eleven pairs of one.
        let words: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        let mut truth = Vec::new();
        let mut got = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let id = format!("O-{i}");
            truth.push((id.clone(), *w));
            got.push((id, words[(i + 1) % words.len()]));
        }
        let truth: Vec<(&str, &str)> = truth.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let got: Vec<(&str, &str)> = got.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let c = compare(&rows(&truth), &rows(&got));
        assert_eq!(c.confusions.len(), 11);
        let e = Evaluation {
            orders: c,
            statement: StatementEval::Skipped("x".into()),
        };
        let text = e.text();
        assert!(
            text.contains("confusions (truth -> reported, 10 of 11):"),
            "{text}"
        );
        let listed = text
            .lines()
            .filter(|l| l.contains(" -> ") && l.starts_with("  "))
            .count();
        assert_eq!(listed, 10, "{text}");
        assert_eq!(
            e.json()["orders"]["confusions"].as_array().unwrap().len(),
            10
        );
    }

    #[test]
    fn wrong_links_only_between_lines_both_call_matched() {
        let truth = lines(&[
            ("k.csv:2", "matched", "O-1"),
            ("k.csv:3", "matched", "O-2|O-3"),
            ("k.csv:10", "matched", "O-4"),
            ("k.csv:4", "amount_mismatch", "O-5"),
            ("k.csv:5", "matched", "O-6"),
        ]);
        let got = lines(&[
            ("k.csv:2", "matched", "O-9"),
            ("k.csv:3", "matched", "O-3|O-2"),
            ("k.csv:10", "matched", "O-8"),
            ("k.csv:4", "matched", "O-7"),
            ("k.csv:5", "ambiguous", "O-1"),
        ]);
        let w = wrong_links(&truth, &got);
        assert_eq!(w.count, 2);
        let ids: Vec<&str> = w.items.iter().map(|l| l.statement_line.as_str()).collect();
        assert_eq!(ids, ["k.csv:2", "k.csv:10"]);
        assert_eq!(w.items[0].reported_order_id, "O-9");
        assert_eq!(w.items[0].truth_order_id, "O-1");
        let c = compare(&truth, &got);
        assert_eq!(c.false_matches.items, ["k.csv:4"]);
    }

    #[test]
    fn parse_drops_bom_and_defusing_quote_and_trims() {
        let text = "\u{feff}status,order_id,extra\r\nmatched,'-7,x\r\n unpaid ,O-2,\"a\nb\"\r\n\r\n , ,\r\npending,'x,\r\n";
        let rows = parse_rows(text.as_bytes(), Path::new("r.csv"), ORDERS).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].id.as_str(), rows[0].status),
            ("-7", Status::Matched)
        );
        assert_eq!(
            (rows[1].id.as_str(), rows[1].status),
            ("O-2", Status::Unpaid)
        );
        // A quote before an ordinary character stays.
        assert_eq!(rows[2].id, "'x");
        // Physical lines: the quoted field spans lines 3 and 4, line 5 is
        // empty and line 6 blank cells (skipped, like the empty line).
        assert_eq!([rows[0].line, rows[1].line, rows[2].line], [2, 3, 7]);
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let p = Path::new("t/truth_orders.csv");
        let err = parse_rows(
            "order_id,status\nO-1,matched\nO-2,paid\n".as_bytes(),
            p,
            ORDERS,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("t/truth_orders.csv: line 3, column status: \"paid\" is not a status (expected one of matched, duplicate_slip,"),
            "{err}"
        );
        let err = parse_rows("id,status\n".as_bytes(), p, ORDERS)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "t/truth_orders.csv: line 1: no column order_id (the header is `id,status`; expected order_id,status)"
        );
        // `'=O-1` is the report's way of writing `=O-1`: the same id.
        let err = parse_rows(
            "order_id,status\n=O-1,matched\nO-2,unpaid\n'=O-1,unpaid\n".as_bytes(),
            p,
            ORDERS,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "t/truth_orders.csv: line 4, column order_id: \"=O-1\" appears twice, on line 2 and on line 4"
        );
        let err = parse_rows(
            "order_id,status\nO-1,matched\n ,unpaid\n".as_bytes(),
            p,
            ORDERS,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "t/truth_orders.csv: line 3, column order_id: empty");
        let err = parse_rows("statement_line,status\n".as_bytes(), p, LINES)
            .unwrap_err()
            .to_string();
        assert!(err.contains("no column order_id"), "{err}");
    }

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut ids = vec!["k.csv:10", "O-10", "k.csv:9", "O-2", "O-02", "b", "a"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            ["O-02", "O-2", "O-10", "a", "b", "k.csv:9", "k.csv:10"]
        );
    }
}
