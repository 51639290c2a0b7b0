//! Excel-friendly CSV: UTF-8 BOM, comma, CRLF, formula-safe cells.

use std::borrow::Cow;
use std::io::Write;

use crate::tables::{Cell, TableId, Tables};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes one table as CSV into `out`, row by row: no row is held as text
/// and no cell is copied unless it must be joined or defused (a
/// million-row day writes ~30 million cells).
pub(crate) fn write<W: Write>(
    tables: &Tables<'_>,
    table: TableId,
    mut out: W,
) -> std::io::Result<W> {
    out.write_all(BOM)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .buffer_capacity(1 << 16)
        .from_writer(out);
    w.write_record(table.header().iter().map(|h| defuse(h).into_owned()))?;
    let mut cells = Vec::new();
    let mut scratch = String::new();
    for i in 0..tables.len(table) {
        tables.row(table, i, &mut cells);
        for cell in &cells {
            match cell {
                Cell::Text(text) => w.write_field(defuse(text).as_bytes())?,
                Cell::Empty => w.write_field(b"")?,
                other => {
                    scratch.clear();
                    other.write_plain(&mut scratch);
                    w.write_field(defuse(&scratch).as_bytes())?;
                }
            }
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// A cell a spreadsheet would read as a formula (or as DDE) gets a leading
/// `'`, which Excel and LibreOffice show as text. Plain numbers such as a
/// money-out amount `-50.00` are left alone so they stay numbers.
/// Bidirectional controls are shown, not obeyed ([`crate::bidi`]).
pub(crate) fn defuse(cell: &str) -> Cow<'_, str> {
    let cell = crate::bidi::neutral(cell);
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_plain_number(&cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => cell,
    }
}

/// `-12`, `+3.50`, `1500.00`: an optional sign, digits, an optional
/// fraction. Nothing else (no exponent, no separators).
pub(crate) fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_defused() {
        for evil in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\tcmd",
            "\rcmd",
            "=1",
            "-",
            "--5",
            "-1e3",
        ] {
            assert_eq!(defuse(evil), format!("'{evil}"), "{evil:?}");
        }
    }

    #[test]
    fn numbers_and_ordinary_text_stay() {
        for fine in [
            "-50.00",
            "+3.5",
            "1500.00",
            "12",
            "นาย สมชาย",
            "a=b",
            "",
            "0.917",
        ] {
            assert_eq!(defuse(fine), fine, "{fine:?}");
        }
        assert!(!is_plain_number("-"));
        assert!(!is_plain_number("1."));
        assert!(!is_plain_number(".5"));
        assert!(!is_plain_number("1,000.00"));
    }
}
