//! `reconciliation.xlsx`: a Summary sheet and one typed sheet per table.
//!
//! Amounts are numbers with a money format (Excel stores doubles, so the
//! exact figure stays in the CSV; 15 significant digits cover any real
//! amount), times are Excel datetimes in the offset they were booked in,
//! name scores numbers with three decimals. Every text cell is written as a
//! string, never as a formula, whatever it starts with.

use chrono::{Datelike, Timelike};
use recon_core::carry::{AgeBucket, ItemKind};
use recon_core::{Money, Status};
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, ConditionalFormatFormula, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

use crate::summary::{Section, Summary};
use crate::tables::{Cell, TableId, Tables, push_money};
use crate::width::display_width;

/// Excel's row limit, header included.
const MAX_ROWS: usize = 1_048_576;
/// The Reconciliation and Statement sheets list a table of at most this
/// many rows; a longer table is only in its CSV and its sheet says so. A
/// workbook of a million orders would cost ~10 CPU seconds of XML and
/// deflate for sheets no one scrolls; the Exceptions sheet (the work list)
/// is always written, up to Excel's own limit.
pub(crate) const DETAIL_ROWS: usize = 200_000;
/// Excel's cell text limit, in characters.
const MAX_TEXT: usize = 32_767;
const MAX_COL_WIDTH: u32 = 60;

/// The fill that marks a row by status: red for what may be fraud, amber for
/// what needs a look, blue for what is waiting.
pub(crate) fn status_fill(status: Status) -> Option<u32> {
    match status {
        Status::Matched | Status::Resolved => None,
        Status::DuplicateSlip | Status::ReceiverMismatch | Status::SlipNotOnStatement => {
            Some(0xF8CBAD)
        }
        Status::AmountMismatch
        | Status::NameMismatch
        | Status::Ambiguous
        | Status::UnreadableSlip => Some(0xFFE699),
        Status::StatementUnmatched | Status::Unpaid => Some(0xFFF2CC),
        Status::Pending => Some(0xDDEBF7),
    }
}

/// The formats of one fill (or none).
struct Formats {
    text: Format,
    money: Format,
    score: Format,
    time: Format,
    date: Format,
    count: Format,
}

impl Formats {
    fn new(fill: Option<u32>) -> Formats {
        let base = match fill {
            Some(rgb) => Format::new().set_background_color(Color::RGB(rgb)),
            None => Format::new(),
        };
        Formats {
            text: base.clone(),
            money: base.clone().set_num_format("#,##0.00"),
            score: base.clone().set_num_format("0.000"),
            time: base.clone().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: base.clone().set_num_format("yyyy-mm-dd"),
            count: base.set_num_format("0"),
        }
    }
}

struct Styles {
    plain: Formats,
    by_status: Vec<(Status, Formats)>,
    header: Format,
    bold: Format,
    percent: Format,
    date: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            plain: Formats::new(None),
            by_status: Status::ALL
                .iter()
                .filter_map(|s| status_fill(*s).map(|f| (*s, Formats::new(Some(f)))))
                .collect(),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9D9D9))
                .set_border_bottom(FormatBorder::Thin),
            bold: Format::new().set_bold(),
            percent: Format::new().set_num_format("0.0%"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }

    fn for_status(&self, status: Option<Status>) -> &Formats {
        status
            .and_then(|s| self.by_status.iter().find(|(st, _)| *st == s))
            .map_or(&self.plain, |(_, f)| f)
    }
}

fn money_format(m: &Money) -> String {
    match m.currency.minor_digits() {
        0 => "#,##0".to_string(),
        d => format!("#,##0.{}", "0".repeat(d as usize)),
    }
}

fn excel_time(t: &chrono::DateTime<chrono::FixedOffset>) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(t.year()).unwrap_or(1900),
        t.month() as u8,
        t.day() as u8,
    )?
    .and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

fn excel_date(d: recon_core::Day) -> Result<ExcelDateTime, XlsxError> {
    let d = d.date();
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        d.month() as u8,
        d.day() as u8,
    )
}

/// A text cell as the workbook holds it: within Excel's length limit,
/// bidirectional controls shown, not obeyed ([`crate::bidi`]).
fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    let s = crate::bidi::neutral(s);
    // A string of no more bytes than the limit has no more characters.
    if s.len() <= MAX_TEXT || s.chars().count() <= MAX_TEXT {
        s
    } else {
        let mut t: String = s.chars().take(MAX_TEXT - 1).collect();
        t.push('…');
        t.into()
    }
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    f: &Formats,
    scratch: &mut String,
) -> Result<(), XlsxError> {
    if let Some(text) = cell.as_text(scratch) {
        ws.write_string_with_format(row, col, clip(text), &f.text)?;
        return Ok(());
    }
    match cell {
        Cell::Money(m) => {
            let n = m.amount.to_f64().unwrap_or(f64::NAN);
            if m.currency.minor_digits() == 2 {
                ws.write_number_with_format(row, col, n, &f.money)?;
            } else {
                let fmt = f.money.clone().set_num_format(money_format(m));
                ws.write_number_with_format(row, col, n, &fmt)?;
            }
        }
        Cell::Score(s) if s.is_finite() => {
            ws.write_number_with_format(row, col, *s, &f.score)?;
        }
        Cell::Time(t) => {
            ws.write_datetime_with_format(row, col, excel_time(t)?, &f.time)?;
        }
        Cell::Date(d) => {
            ws.write_datetime_with_format(row, col, excel_date(*d)?, &f.date)?;
        }
        Cell::Count(n) => {
            ws.write_number_with_format(row, col, *n as f64, &f.count)?;
        }
        // Empty, a score that is not a number (text cells are written above).
        _ => {
            ws.write_blank(row, col, &f.text)?;
        }
    }
    Ok(())
}

/// What a column's own format is, once its first plain cell set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnFormat {
    Unset,
    Text,
    Money,
    Score,
    Time,
    Date,
    Count,
}

/// Marks rows 2..=`last_row` by the status word in `column`, one
/// conditional format per fill (the fills of [`status_fill`]). Excel and
/// LibreOffice show them as a fill of the row's cells; the mark follows the
/// row when a reader sorts or filters.
fn status_fills(
    ws: &mut Worksheet,
    column: u16,
    last_row: u32,
    last_col: u16,
) -> Result<(), XlsxError> {
    let letter = rust_xlsxwriter::utility::column_number_to_name(column);
    let mut fills: Vec<(u32, Vec<&str>)> = Vec::new();
    for status in Status::ALL {
        if let Some(rgb) = status_fill(status) {
            match fills.iter_mut().find(|(f, _)| *f == rgb) {
                Some((_, words)) => words.push(status.as_str()),
                None => fills.push((rgb, vec![status.as_str()])),
            }
        }
    }
    for (rgb, words) in fills {
        let tests: Vec<String> = words
            .iter()
            .map(|w| format!("${letter}2=\"{w}\""))
            .collect();
        let rule = match tests.as_slice() {
            [one] => format!("={one}"),
            many => format!("=OR({})", many.join(",")),
        };
        let format = Format::new().set_background_color(Color::RGB(rgb));
        let cf = ConditionalFormatFormula::new()
            .set_rule(rule.as_str())
            .set_format(format);
        ws.add_conditional_format(1, 0, last_row, last_col, &cf)?;
    }
    Ok(())
}

/// A table cell, written without a format of its own so that it takes its
/// column's: looking a `Format` up per cell (hashing it) was half the
/// workbook's time on a day of 100,000 orders. The cell shows
/// exactly as with its own format. Returns false when the cell does not fit
/// the column's format (it is then written with its own).
fn write_plain_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    f: &Formats,
    column: &mut ColumnFormat,
    scratch: &mut String,
) -> Result<bool, XlsxError> {
    let kind = match cell {
        // Absent and blank read the same in Excel, LibreOffice and readers.
        Cell::Empty => return Ok(true),
        Cell::Score(s) if !s.is_finite() => return Ok(true),
        c if c.is_text() => ColumnFormat::Text,
        Cell::Money(m) if m.currency.minor_digits() == 2 => ColumnFormat::Money,
        Cell::Money(_) => return Ok(false),
        Cell::Score(_) => ColumnFormat::Score,
        Cell::Time(_) => ColumnFormat::Time,
        Cell::Date(_) => ColumnFormat::Date,
        Cell::Count(_) => ColumnFormat::Count,
        _ => return Ok(false),
    };
    if *column == ColumnFormat::Unset {
        match kind {
            ColumnFormat::Money => ws.set_column_format(col, &f.money)?,
            ColumnFormat::Score => ws.set_column_format(col, &f.score)?,
            ColumnFormat::Time => ws.set_column_format(col, &f.time)?,
            ColumnFormat::Date => ws.set_column_format(col, &f.date)?,
            ColumnFormat::Count => ws.set_column_format(col, &f.count)?,
            ColumnFormat::Text | ColumnFormat::Unset => ws,
        };
        *column = kind;
    }
    if *column != kind {
        return Ok(false);
    }
    if let Some(text) = cell.as_text(scratch) {
        ws.write_string(row, col, clip(text))?;
        return Ok(true);
    }
    match cell {
        Cell::Money(m) => ws.write_number(row, col, m.amount.to_f64().unwrap_or(f64::NAN))?,
        Cell::Score(s) => ws.write_number(row, col, *s)?,
        Cell::Time(t) => ws.write_datetime(row, col, excel_time(t)?)?,
        Cell::Date(d) => ws.write_datetime(row, col, excel_date(*d)?)?,
        Cell::Count(n) => ws.write_number(row, col, *n as f64)?,
        _ => ws,
    };
    Ok(true)
}

/// Digits of `n` in decimal.
fn decimal_len(mut n: u64) -> u32 {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// Width of a cell as it will show: numbers in their format, text by its
/// visible glyphs.
fn cell_width(cell: &Cell<'_>, scratch: &mut String) -> u32 {
    if let Some(text) = cell.as_text(scratch) {
        return display_width(text);
    }
    match cell {
        Cell::Money(m) => {
            scratch.clear();
            push_money(scratch, m);
            let plain = scratch.as_str();
            // thousands separators
            let digits = plain.split('.').next().unwrap_or("").len() as u32;
            plain.len() as u32 + digits.saturating_sub(1) / 3
        }
        Cell::Score(_) => 5,
        Cell::Time(_) => 19,
        Cell::Date(_) => 10,
        Cell::Count(n) => decimal_len(*n),
        _ => 0,
    }
}

/// How a sheet prints: A4 landscape, as wide as one page, the header row
/// repeated on every page, a footer with the day, the sheet and the page
/// number, and rows tall enough for Thai marks above and below the line.
fn print_setup(
    ws: &mut Worksheet,
    day: &str,
    sheet: &str,
    header_row: bool,
) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    if header_row {
        ws.set_repeat_rows(0, 0)?;
    }
    ws.set_footer(format!("&L{day} {sheet}&RPage &P of &N"));
    ws.set_default_row_height(18);
    Ok(())
}

/// Writes a table sheet; returns which rows it does not hold (none
/// normally).
fn table_sheet(
    ws: &mut Worksheet,
    tables: &Tables<'_>,
    table: TableId,
    styles: &Styles,
    detail_rows: usize,
) -> Result<Left, XlsxError> {
    ws.set_name(table.sheet())?;
    print_setup(ws, &tables.day().to_string(), table.sheet(), true)?;
    let header = table.header();
    let mut widths: Vec<u32> = header
        .iter()
        .map(|h| display_width(h) + 3) // room for the filter button
        .collect();
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &styles.header)?;
    }
    let rows = tables.len(table);
    if rows > detail_rows && matches!(table, TableId::Reconciliation | TableId::Statement) {
        ws.write_string_with_format(
            1,
            0,
            format!(
                "{rows} rows: more than the workbook lists ({detail_rows}); every row is in {}",
                table.file()
            ),
            &styles.bold,
        )?;
        ws.set_freeze_panes(1, 0)?;
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, (*w).min(MAX_COL_WIDTH) as f64)?;
        }
        return Ok(Left::Detail {
            rows,
            limit: detail_rows,
        });
    }
    let fitting = rows.min(MAX_ROWS - 1);
    let mut columns = vec![ColumnFormat::Unset; header.len()];
    let mut cells = Vec::with_capacity(header.len());
    let mut scratch = String::new();
    // Every cell takes its column's format (or its own number format): the
    // fills that mark a row by status are conditional formats on the status
    // column (below), not a fill format per cell. Looking a `Format` up per
    // cell (hashing it) was ~45 % of the workbook's time on a day of a
    // million orders, whose Exceptions sheet is all marked rows.
    let f = &styles.plain;
    for r in 0..fitting {
        tables.row(table, r, &mut cells);
        for (c, cell) in cells.iter().enumerate() {
            let written = match columns.get_mut(c) {
                Some(column) => {
                    write_plain_cell(ws, r as u32 + 1, c as u16, cell, f, column, &mut scratch)?
                }
                None => false,
            };
            if !written {
                write_cell(ws, r as u32 + 1, c as u16, cell, f, &mut scratch)?;
            }
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(cell_width(cell, &mut scratch) + 1);
            }
        }
    }
    let last_col = header.len().saturating_sub(1) as u16;
    if let Some(column) = header.iter().position(|h| *h == "status")
        && fitting > 0
    {
        status_fills(ws, column as u16, fitting as u32, last_col)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, fitting as u32, last_col)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).min(MAX_COL_WIDTH) as f64)?;
    }
    Ok(match rows - fitting {
        0 => Left::None,
        n => Left::BeyondExcel(n),
    })
}

/// The rows of a table its sheet does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Left {
    None,
    /// More rows than a sheet holds (Excel's limit): the rest.
    BeyondExcel(usize),
    /// A detail table longer than the workbook lists: all of them.
    Detail {
        rows: usize,
        limit: usize,
    },
}

fn summary_sheet(
    ws: &mut Worksheet,
    summary: &Summary,
    styles: &Styles,
    overflow: &[(TableId, Left)],
) -> Result<(), XlsxError> {
    ws.set_name("Summary")?;
    print_setup(ws, &summary.day.to_string(), "Summary", false)?;
    let mut r: u32 = 0;
    ws.write_string_with_format(r, 0, "Recon reconciliation", &styles.bold)?;
    r += 1;
    ws.write_string(r, 0, "Day")?;
    ws.write_datetime_with_format(r, 1, excel_date(summary.day)?, &styles.date)?;
    r += 1;
    ws.write_string(r, 0, "Tool version")?;
    ws.write_string(r, 1, &summary.tool_version)?;
    r += 1;
    ws.write_string(r, 0, "Match rate (orders)")?;
    match summary.match_rate {
        Some(rate) => ws.write_number_with_format(r, 1, rate, &styles.percent)?,
        None => ws.write_string(r, 1, "no orders")?,
    };
    r += 1;
    let decided = summary.orders.decisions.clone().unwrap_or_default();
    for (label, n) in [
        ("Orders", summary.orders.total),
        ("Orders of the day", summary.orders_of_day),
        ("Matched orders", summary.orders.matched),
        ("Matched automatically", decided.matched_automatically),
        ("Matched by decision", decided.matched_by_decision),
        ("Resolved orders (settled outside Recon)", decided.resolved),
        ("Statement lines", summary.statement.total),
        ("Slips", summary.slips.total),
        ("Cases to review", summary.cases.open),
        (
            "Exception rows (a case may be several)",
            summary.exceptions.total,
        ),
        ("New today", summary.breaks.new),
        ("Persisting from earlier days", summary.breaks.persisting),
        ("Resolved today", summary.breaks.resolved),
        ("Quarantined input rows", summary.quarantine),
        ("Money-out statement lines", summary.money_out.lines),
        (
            "Stale decisions (waiting for a person)",
            summary.stale_decisions.len() as u64,
        ),
    ] {
        ws.write_string(r, 0, label)?;
        ws.write_number_with_format(r, 1, n as f64, &styles.plain.count)?;
        r += 1;
    }
    for (table, left) in overflow {
        let sheet = table.sheet();
        let note = match left {
            Left::None => continue,
            Left::BeyondExcel(rows) => {
                format!("{sheet}: {rows} rows beyond Excel's limit are only in the CSV")
            }
            Left::Detail { rows, limit } => format!(
                "{sheet}: all {rows} rows are only in {} (the workbook lists tables of up to {limit} rows)",
                table.file()
            ),
        };
        ws.write_string(r, 0, note)?;
        r += 1;
    }

    r += 1;
    for (c, h) in ["Table", "Status", "Currency", "Count", "Amount"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &styles.header)?;
    }
    r += 1;
    let sections: [(&str, &Section); 3] = [
        ("orders", &summary.orders),
        ("statement (money in)", &summary.statement),
        ("slips", &summary.slips),
    ];
    for (name, section) in sections {
        for t in &section.tallies {
            let f = styles.for_status(Some(t.status));
            ws.write_string_with_format(r, 0, name, &f.text)?;
            ws.write_string_with_format(r, 1, t.status.as_str(), &f.text)?;
            match t.currency {
                Some(c) => ws.write_string_with_format(r, 2, c.code(), &f.text)?,
                None => ws.write_blank(r, 2, &f.text)?,
            };
            ws.write_number_with_format(r, 3, t.count as f64, &f.count)?;
            match &t.amount {
                Some(m) => write_cell(ws, r, 4, &Cell::Money(*m), f, &mut String::new())?,
                None => {
                    ws.write_blank(r, 4, &f.text)?;
                }
            }
            r += 1;
        }
    }

    if !decided.written_off_tallies.is_empty() {
        r += 1;
        // The write-offs that stand, per reason and currency.
        for (c, h) in ["Written off (reason)", "Currency", "Amount"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(r, c as u16, *h, &styles.header)?;
        }
        r += 1;
        for (reason, m) in &decided.written_off_tallies {
            ws.write_string(r, 0, clip(reason))?;
            ws.write_string(r, 1, m.currency.code())?;
            write_cell(
                ws,
                r,
                2,
                &Cell::Money(*m),
                &styles.plain,
                &mut String::new(),
            )?;
            r += 1;
        }
    }

    r += 1;
    r = age_tables(ws, r, summary, styles)?;

    r += 1;
    for (c, h) in ["Input kind", "Input file", "Bytes", "SHA-256"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &styles.header)?;
    }
    r += 1;
    let mut name_width = 12;
    for input in &summary.inputs {
        ws.write_string(r, 0, clip(&input.kind))?;
        ws.write_string(r, 1, clip(&input.name))?;
        ws.write_number_with_format(r, 2, input.bytes as f64, &styles.plain.count)?;
        ws.write_string(r, 3, &input.sha256)?;
        name_width = name_width.max(display_width(&input.name) + 1);
        r += 1;
    }
    ws.set_column_width(0, 26)?;
    ws.set_column_width(1, name_width.clamp(22, MAX_COL_WIDTH))?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 66)?;
    ws.set_column_width(4, 16)?;
    Ok(())
}

/// Open exceptions by age: counts per bucket and kind (every bucket, zeros
/// included), then count and amount per bucket, kind and currency. Returns
/// the next free row.
fn age_tables(
    ws: &mut Worksheet,
    mut r: u32,
    summary: &Summary,
    styles: &Styles,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(r, 0, "Open exceptions by age (days)", &styles.bold)?;
    r += 1;
    for (c, h) in ["Age (days)", "Open", "Orders", "Statement lines", "Slips"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &styles.header)?;
    }
    r += 1;
    let b = &summary.breaks;
    for bucket in AgeBucket::ALL {
        let label = bucket.label();
        ws.write_string(r, 0, label)?;
        let open = b.open_by_age.get(label).copied().unwrap_or(0);
        ws.write_number_with_format(r, 1, open as f64, &styles.plain.count)?;
        let kinds = b.open_by_age_and_kind.get(label);
        for (c, kind) in [ItemKind::Order, ItemKind::StatementLine, ItemKind::Slip]
            .iter()
            .enumerate()
        {
            let n = kinds
                .and_then(|k| k.get(kind.as_str()))
                .map_or(0, |a| a.count);
            ws.write_number_with_format(r, c as u16 + 2, n as f64, &styles.plain.count)?;
        }
        r += 1;
    }
    if b.tallies.is_empty() {
        return Ok(r);
    }
    r += 1;
    for (c, h) in ["Age (days)", "Kind", "Currency", "Count", "Amount"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &styles.header)?;
    }
    r += 1;
    for t in &b.tallies {
        ws.write_string(r, 0, t.bucket.label())?;
        ws.write_string(r, 1, t.kind.as_str())?;
        match t.currency {
            Some(c) => ws.write_string(r, 2, c.code())?,
            None => ws.write_blank(r, 2, &styles.plain.text)?,
        };
        ws.write_number_with_format(r, 3, t.count as f64, &styles.plain.count)?;
        match &t.amount {
            Some(m) => write_cell(
                ws,
                r,
                4,
                &Cell::Money(*m),
                &styles.plain,
                &mut String::new(),
            )?,
            None => {
                ws.write_blank(r, 4, &styles.plain.text)?;
            }
        }
        r += 1;
    }
    Ok(r)
}

/// Writes the workbook into `out`.
pub(crate) fn write<W: std::io::Write + Send>(
    summary: &Summary,
    tables: &Tables<'_>,
    out: W,
    detail_rows: usize,
) -> Result<(), XlsxError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    let d = summary.day.date();
    // The creation time is the day itself, never the wall clock, so that a
    // rerun gives the same bytes.
    let created = ExcelDateTime::from_ymd(
        u16::try_from(d.year()).unwrap_or(1900),
        d.month() as u8,
        d.day() as u8,
    )?
    .and_hms(0, 0, 0)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("Recon reconciliation {}", summary.day))
            .set_author("recon")
            .set_comment(format!("recon {}", summary.tool_version))
            .set_creation_datetime(&created),
    );

    // Excel 365 compresses at level 3: ~30% faster than the default 6 for
    // a file ~5% larger.
    wb.set_zip_compression_level(3);

    let summary_index = 0;
    wb.add_worksheet();
    let mut overflow = Vec::new();
    for table in TableId::ALL {
        // Table sheets stream row by row to a temporary file, so a day of a
        // million orders does not hold every cell in memory.
        let ws = wb.add_worksheet_with_constant_memory()?;
        let left = table_sheet(ws, tables, table, &styles, detail_rows)?;
        if left != Left::None {
            overflow.push((table, left));
        }
    }
    let ws = wb.worksheet_from_index(summary_index)?;
    summary_sheet(ws, summary, &styles, &overflow)?;
    ws.set_active(true);
    wb.save_to_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DayRecords, ReportInput};
    use calamine::{Data, Reader, Xlsx};
    use recon_core::{
        Currency, DayResult, OrderId, OrderOutcome, SourceRef, StatementOutcome, Status,
    };

    fn day(orders: usize) -> DayResult {
        let amount = Money::from_minor(150_000, Currency::Thb);
        let status = |i: usize| {
            if i == 1 {
                Status::Unpaid
            } else {
                Status::Matched
            }
        };
        DayResult {
            day: "2026-11-21".parse().unwrap(),
            orders: (0..orders)
                .map(|i| OrderOutcome {
                    order_id: OrderId(format!("A-{i}")),
                    source: SourceRef::new("orders.csv", i as u64 + 2),
                    status: status(i),
                    customer_name: "SOK DARA".into(),
                    slip: None,
                    statement_lines: vec![],
                    expected: amount,
                    paid: None,
                    name_score: None,
                    reasons: vec![],
                })
                .collect(),
            statement: (0..2)
                .map(|i| StatementOutcome {
                    line: SourceRef::new("kbank.csv", i + 6),
                    status: Status::Matched,
                    order_ids: vec![OrderId(format!("A-{i}"))],
                    amount,
                    counterparty_name: None,
                    reasons: vec![],
                })
                .collect(),
            slips: vec![],
        }
    }

    fn sheets(result: &DayResult, detail_rows: usize) -> Xlsx<std::io::Cursor<Vec<u8>>> {
        let input = ReportInput {
            result,
            quarantine: &[],
            inputs: &[],
            trend: &[],
            tool_version: "test",
            breaks: &[],
            decisions: &recon_core::DayDecisions::default(),
            provider_health: None,
        };
        let tables = Tables::build(&input, &DayRecords::default());
        let summary = Summary::build(&input, &tables, &recon_core::cases(result));
        let mut out = Vec::new();
        write(&summary, &tables, &mut out, detail_rows).unwrap();
        Xlsx::new(std::io::Cursor::new(out)).unwrap()
    }

    fn column_a(wb: &mut Xlsx<std::io::Cursor<Vec<u8>>>, sheet: &str) -> Vec<String> {
        let range = wb.worksheet_range(sheet).unwrap();
        range.rows().map(|r| r[0].to_string()).collect()
    }

    #[test]
    fn a_detail_table_longer_than_the_limit_is_left_to_its_csv() {
        let result = day(3);
        let mut wb = sheets(&result, 2);
        assert_eq!(
            wb.sheet_names(),
            [
                "Summary",
                "Reconciliation",
                "Statement",
                "Exceptions",
                "Quarantine"
            ]
        );
        // 3 orders > 2: the sheet keeps its header and says where the rows are.
        let rec = wb.worksheet_range("Reconciliation").unwrap();
        assert_eq!(rec.height(), 2);
        assert_eq!(
            rec.rows().next().unwrap()[0],
            Data::String("order_id".into())
        );
        assert_eq!(
            rec.rows().nth(1).unwrap()[0].to_string(),
            "3 rows: more than the workbook lists (2); every row is in reconciliation.csv"
        );
        // 2 lines are not more than 2: listed.
        assert_eq!(
            column_a(&mut wb, "Statement"),
            ["statement_line", "kbank.csv:6", "kbank.csv:7"]
        );
        // The work list is always listed, whatever its length.
        assert_eq!(column_a(&mut wb, "Exceptions"), ["kind", "order"]);
        let summary = column_a(&mut wb, "Summary");
        assert!(
            summary.iter().any(|l| l
                == "Reconciliation: all 3 rows are only in reconciliation.csv (the workbook lists tables of up to 2 rows)"),
            "{summary:?}"
        );
        assert!(!summary.iter().any(|l| l.starts_with("Statement:")));
    }

    #[test]
    fn within_the_limit_every_row_is_listed() {
        let result = day(3);
        let mut wb = sheets(&result, DETAIL_ROWS);
        assert_eq!(
            column_a(&mut wb, "Reconciliation"),
            ["order_id", "A-0", "A-1", "A-2"]
        );
        let summary = column_a(&mut wb, "Summary");
        assert!(
            !summary.iter().any(|l| l.contains("only in")),
            "{summary:?}"
        );
    }
}
