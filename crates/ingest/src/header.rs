//! Finding a header row and the columns named in it.

use recon_core::Rejection;

use crate::profile::Names;
use crate::source::Cell;

/// A column the reader looks for.
pub(crate) struct Wanted {
    /// Normalised header names that mean this column.
    names: Vec<String>,
    /// How messages name it when it is missing.
    pub(crate) label: String,
    pub(crate) required: bool,
}

impl Wanted {
    pub(crate) fn new(names: &Names, required: bool) -> Wanted {
        Wanted {
            names: names.0.iter().map(|n| norm(n)).collect(),
            label: names.label(),
            required,
        }
    }
}

/// Where each wanted column is in a header row.
pub(crate) struct Header {
    /// Per wanted column: its cell index, if present.
    pub(crate) index: Vec<Option<usize>>,
    /// Per wanted column: the header text as the file writes it, for
    /// rejections (empty when the column is absent).
    pub(crate) titles: Vec<String>,
    /// How many header cells there are, up to the last non-empty one.
    pub(crate) width: usize,
    /// The header's cells as the file writes them, up to `width`.
    pub(crate) cells: Vec<String>,
}

impl Header {
    /// A rejection of one field of a row, named by the file's own header
    /// text, or by the field's key (`keys[field]`) when the file has none.
    pub(crate) fn reject(
        header: Option<&Header>,
        keys: &[&str],
        file: &str,
        line: u64,
        field: usize,
        value: &Cell<'_>,
        reason: String,
    ) -> Rejection {
        let column = header
            .map(|h| h.titles[field].clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| keys[field].to_string());
        Rejection {
            file: file.to_string(),
            line: Some(line),
            column: Some(column),
            value: Some(value.quoted()),
            reason,
        }
    }

    /// The rejection of a line whose quote is unbalanced
    /// ([`crate::source::RowSink::unbalanced_quote`]): named by the header
    /// text of the column the quote opens, its value the rest of the line.
    pub(crate) fn unbalanced_quote(
        &self,
        file: &str,
        line: u64,
        cells: &[Cell<'_>],
        field: usize,
        reason: &str,
    ) -> Rejection {
        Rejection {
            file: file.to_string(),
            line: Some(line),
            column: self.cells.get(field).filter(|t| !t.is_empty()).cloned(),
            value: cells.get(field).map(Cell::quoted),
            reason: reason.to_string(),
        }
    }

    /// A row with text beyond the header's last column: a shifted row or an
    /// unquoted comma, never silently cut.
    pub(crate) fn extra_cells(
        &self,
        file: &str,
        line: u64,
        cells: &[Cell<'_>],
    ) -> Option<Rejection> {
        let extra = cells
            .iter()
            .skip(self.width.max(1))
            .find(|c| !c.is_blank())?;
        Some(Rejection {
            file: file.to_string(),
            line: Some(line),
            column: None,
            value: Some(extra.quoted()),
            reason: format!(
                "row has {} cells but the header has {} (an unquoted comma or a shifted row?)",
                cells
                    .iter()
                    .rposition(|c| !c.is_blank())
                    .map_or(0, |i| i + 1),
                self.width
            ),
        })
    }
}

/// The result of trying a row as the header.
pub(crate) struct Attempt {
    pub(crate) header: Header,
    pub(crate) missing: Vec<String>,
    pub(crate) found: Vec<String>,
    pub(crate) matched: usize,
}

pub(crate) fn try_header(cells: &[Cell<'_>], wanted: &[Wanted]) -> Attempt {
    let texts: Vec<String> = cells.iter().map(|c| c.text().into_owned()).collect();
    let normalised: Vec<String> = texts.iter().map(|t| norm(t)).collect();
    let mut index = Vec::with_capacity(wanted.len());
    let mut titles = Vec::with_capacity(wanted.len());
    let mut missing = Vec::new();
    let mut matched = 0;
    for w in wanted {
        // The first name of the list that the row has wins, then the first
        // cell with it: a profile lists its preferred name first.
        let at = w
            .names
            .iter()
            .find_map(|name| normalised.iter().position(|cell| cell == name));
        match at {
            Some(i) => {
                matched += 1;
                titles.push(texts[i].clone());
            }
            None => {
                titles.push(String::new());
                if w.required {
                    missing.push(w.label.clone());
                }
            }
        }
        index.push(at);
    }
    let width = texts
        .iter()
        .rposition(|t| !t.is_empty())
        .map_or(0, |i| i + 1);
    let found = texts[..width].to_vec();
    Attempt {
        header: Header {
            index,
            titles,
            width,
            cells: found.clone(),
        },
        missing,
        found,
        matched,
    }
}

/// Header text compared without case, byte-order mark, surrounding or
/// repeated white space, or a trailing colon.
pub(crate) fn norm(text: &str) -> String {
    let t = text.trim_start_matches('\u{feff}').trim();
    let t = t.strip_suffix(':').unwrap_or(t).trim();
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// True when `text` starts with `label` (ASCII case ignored), the test for a
/// summary row's first cell.
pub(crate) fn starts_with_label(text: &str, label: &str) -> bool {
    let t = text.trim().as_bytes();
    let l = label.as_bytes();
    !l.is_empty() && t.len() >= l.len() && t[..l.len()].eq_ignore_ascii_case(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_match_loosely_and_report_what_is_missing() {
        let cells = [
            Cell::Text("\u{feff}Order_ID "),
            Cell::Text("Amount:"),
            Cell::Empty,
            Cell::Text("x"),
            Cell::Empty,
        ];
        let wanted = [
            Wanted::new(&Names::from("order_id"), true),
            Wanted::new(&Names(vec!["จำนวนเงิน".into(), "amount".into()]), true),
            Wanted::new(&Names::from("currency"), true),
            Wanted::new(&Names::from("slip"), false),
        ];
        let a = try_header(&cells, &wanted);
        assert_eq!(a.header.index, vec![Some(0), Some(1), None, None]);
        assert_eq!(a.missing, vec!["currency"]);
        assert_eq!(a.matched, 2);
        assert_eq!(a.header.width, 4);
        assert_eq!(a.header.titles[1], "Amount:");
        assert_eq!(a.found, vec!["\u{feff}Order_ID", "Amount:", "", "x"]);
    }

    #[test]
    fn labels_match_by_prefix() {
        assert!(starts_with_label("Total Credit:", "total"));
        assert!(starts_with_label(" รวมทั้งสิ้น", "รวม"));
        assert!(!starts_with_label("21/11/2569", "รวม"));
        assert!(!starts_with_label("To", "total"));
    }
}
