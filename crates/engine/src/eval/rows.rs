//! Reading the truth and report CSVs into rows, checked cell by cell.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::Path;

use recon_core::Status;

use super::{BOM, EvalError};

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
