//! Turning a file into rows of cells with their 1-based physical line (CSV)
//! or row (spreadsheet) number. Statements and orders share this; what the
//! cells mean is decided by the caller's [`RowSink`].
//!
//! CSV is streamed by [`records`], one reused buffer per record, so a
//! million-row file never sits in memory as text; a record's line is where
//! it starts, even when a quoted field spans several lines, and a quote
//! that never closes properly costs its own line only (see [`records`]).
//! Files in a legacy encoding (Windows-874) are decoded whole first: banks
//! export those for one account and period, which is small.

mod records;

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use calamine::{Data, Reader};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::IngestError;

/// One cell, as typed as the source allows: CSV gives text, spreadsheets
/// give numbers and dates too.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    /// CSV bytes that are not valid UTF-8 (a wrong encoding in the profile).
    NotUtf8(&'a [u8]),
    Int(i64),
    Float(f64),
    Bool(bool),
    DateTime(NaiveDateTime),
    /// A spreadsheet time of day with no date.
    Time(NaiveTime),
    /// A spreadsheet error value such as `#REF!`.
    Error(String),
}

/// The longest text a field of a statement line or an order may hold.
/// Names, references and descriptions in bank exports are well under 300
/// characters; a longer cell is a broken export or an attack, and copying
/// it into every report would make them unreadable.
pub(crate) const MAX_FIELD_CHARS: usize = 1024;

/// How much of a rejected value the quarantine quotes.
const QUOTED_CHARS: usize = 200;

impl Cell<'_> {
    /// Why this cell's text cannot be data whatever its column: a NUL byte
    /// (binary data inside a text file; the first 8 KB are checked for the
    /// whole file, this catches one further down) or a length no field has.
    pub(crate) fn unfit(&self) -> Option<String> {
        let Cell::Text(t) = self else {
            return None;
        };
        if t.contains('\0') {
            return Some("contains a NUL byte: binary data in a text file".into());
        }
        // Bidirectional embeddings, overrides and isolates make a cell show
        // other text than it holds (`ORD-1\u{202E}9-DRO`): no id, amount or
        // name of ours needs them.
        if let Some(c) = t
            .chars()
            .find(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        {
            return Some(format!(
                "contains the bidirectional control character U+{:04X}, which makes text display other than it is",
                c as u32
            ));
        }
        if t.len() > MAX_FIELD_CHARS {
            let n = t.chars().count();
            if n > MAX_FIELD_CHARS {
                return Some(format!(
                    "text is {n} characters long, more than the {MAX_FIELD_CHARS} a field can hold"
                ));
            }
        }
        None
    }

    /// The cell's text as the quarantine shows it: at most
    /// [`QUOTED_CHARS`] characters (then `…`), control characters other
    /// than tab shown as `\u{FFFD}`, so that a rejected value can neither
    /// swell the reports nor carry a NUL byte into them.
    pub(crate) fn quoted(&self) -> String {
        let text = self.text();
        let mut out: String = text
            .chars()
            .take(QUOTED_CHARS)
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{FFFD}'
                } else {
                    c
                }
            })
            .collect();
        if text.chars().nth(QUOTED_CHARS).is_some() {
            out.push('…');
        }
        out
    }

    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text, for rejections, names and references. Whole
    /// numbers print without a fraction (a reference stored as a number).
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(t.trim()),
            Cell::NotUtf8(b) => Cow::Owned(String::from_utf8_lossy(b).into_owned()),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(format!("{f}")),
            Cell::Bool(b) => Cow::Owned(b.to_string()),
            Cell::DateTime(dt) => Cow::Owned(dt.format("%Y-%m-%d %H:%M:%S").to_string()),
            Cell::Time(t) => Cow::Owned(t.format("%H:%M:%S").to_string()),
            Cell::Error(e) => Cow::Owned(e.clone()),
        }
    }
}

/// Receives rows in file order.
pub(crate) trait RowSink {
    fn row(&mut self, line: u64, cells: &[Cell<'_>]) -> Result<(), IngestError>;

    /// A CSV line that opens a quote which never closes properly (the rule
    /// is in [`records`]): `cells` are the line read on its own, the open
    /// quote running to the line's end, and `field` is the cell the quote
    /// opens. A data row must be rejected with `reason`; the lines after
    /// it come as rows of their own.
    fn unbalanced_quote(
        &mut self,
        line: u64,
        cells: &[Cell<'_>],
        field: usize,
        reason: &str,
    ) -> Result<(), IngestError>;
}

/// How a CSV file's bytes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    /// UTF-8, with or without a byte-order mark; streamed.
    Utf8,
    /// UTF-8 when the bytes are valid UTF-8, else Windows-874.
    Auto,
    /// A legacy encoding (Windows-874 / TIS-620); a BOM still wins.
    Legacy(&'static encoding_rs::Encoding),
}

impl TextEncoding {
    pub(crate) fn from_label(label: &str) -> Result<TextEncoding, String> {
        let l = label.trim().to_ascii_lowercase();
        if l == "auto" {
            return Ok(TextEncoding::Auto);
        }
        // Windows' and Python's names for Windows-874, which the WHATWG
        // label list that encoding_rs follows does not have.
        if matches!(l.as_str(), "cp874" | "cp-874" | "ms874" | "x-ibm874") {
            return Ok(TextEncoding::Legacy(encoding_rs::WINDOWS_874));
        }
        match encoding_rs::Encoding::for_label(l.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Ok(TextEncoding::Utf8),
            Some(e) => Ok(TextEncoding::Legacy(e)),
            None => Err(format!(
                "unknown encoding {label:?} (use utf-8, windows-874, tis-620 or auto)"
            )),
        }
    }
}

const PREFIX_LEN: u64 = 8192;
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a CSV file and hands every non-empty record to `sink`. Returns how
/// many records there were.
pub(crate) fn scan_csv(
    path: &Path,
    encoding: TextEncoding,
    delimiter: u8,
    sink: &mut dyn RowSink,
) -> Result<u64, IngestError> {
    let mut file = File::open(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let mut prefix = Vec::with_capacity(PREFIX_LEN as usize);
    (&mut file)
        .take(PREFIX_LEN)
        .read_to_end(&mut prefix)
        .map_err(|source| IngestError::Open {
            path: path.to_path_buf(),
            source,
        })?;
    let utf16 = prefix.starts_with(b"\xFF\xFE") || prefix.starts_with(b"\xFE\xFF");
    if !utf16 && let Some(detail) = binary_detail(&prefix) {
        return Err(IngestError::Binary {
            path: path.to_path_buf(),
            detail,
        });
    }
    let decode_whole = |legacy: &'static encoding_rs::Encoding, prefix: Vec<u8>, mut file: File| {
        let mut bytes = prefix;
        file.read_to_end(&mut bytes)
            .map_err(|source| IngestError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        // `decode` sniffs a BOM first: a UTF-8 or UTF-16 BOM wins over the
        // profile, because it is the file's own statement of its encoding.
        let (text, _, _) = legacy.decode(&bytes);
        Ok::<Vec<u8>, IngestError>(text.into_owned().into_bytes())
    };
    match encoding {
        TextEncoding::Utf8 if !utf16 => {
            let skip = if prefix.starts_with(UTF8_BOM) { 3 } else { 0 };
            let mut head = Cursor::new(prefix);
            head.set_position(skip);
            let reader = BufReader::with_capacity(1 << 16, LoneCr::new(head.chain(file)));
            scan_records(path, reader, delimiter, sink)
        }
        TextEncoding::Auto if !utf16 => {
            let mut bytes = prefix;
            file.read_to_end(&mut bytes)
                .map_err(|source| IngestError::Open {
                    path: path.to_path_buf(),
                    source,
                })?;
            let text = match std::str::from_utf8(&bytes) {
                Ok(_) => {
                    let skip = if bytes.starts_with(UTF8_BOM) { 3 } else { 0 };
                    bytes.drain(..skip);
                    bytes
                }
                Err(_) => encoding_rs::WINDOWS_874
                    .decode(&bytes)
                    .0
                    .into_owned()
                    .into_bytes(),
            };
            scan_bytes(path, text, delimiter, sink)
        }
        TextEncoding::Legacy(e) => {
            let has_bom = prefix.starts_with(UTF8_BOM) || utf16;
            let text = if has_bom {
                decode_whole(e, prefix, file)?
            } else {
                let mut bytes = prefix;
                file.read_to_end(&mut bytes)
                    .map_err(|source| IngestError::Open {
                        path: path.to_path_buf(),
                        source,
                    })?;
                decode_lines(e, &bytes)
            };
            scan_bytes(path, text, delimiter, sink)
        }
        // UTF-16 with a BOM: decode whole, whatever the profile says.
        _ => {
            let text = decode_whole(encoding_rs::UTF_8, prefix, file)?;
            scan_bytes(path, text, delimiter, sink)
        }
    }
}

/// Decodes a legacy-encoded file line by line. A line that is already UTF-8
/// Thai (a row pasted in from another export) is kept as UTF-8: read as
/// Windows-874 it would become mojibake that still looks like a name.
/// "Already UTF-8 Thai" means valid UTF-8 whose every non-ASCII character is
/// in the Thai block. Valid UTF-8 alone is not enough: short Windows-874
/// Thai such as `ยก` (bytes C2 A1) is valid UTF-8 (`¡`); but for Windows-874
/// text to decode as UTF-8 *Thai*, every Thai letter on the line would have
/// to sit in an `เธ?`/`เน?` triple, which real names and words do not.
fn decode_lines(legacy: &'static encoding_rs::Encoding, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if is_utf8_thai(line) || line.is_ascii() {
            out.extend_from_slice(line);
        } else {
            let (text, _) = legacy.decode_without_bom_handling(line);
            out.extend_from_slice(text.as_bytes());
        }
    }
    out
}

fn is_utf8_thai(line: &[u8]) -> bool {
    std::str::from_utf8(line).is_ok_and(|text| {
        let mut thai = false;
        for c in text.chars().filter(|c| !c.is_ascii()) {
            if !('\u{0E00}'..='\u{0E7F}').contains(&c) {
                return false;
            }
            thai = true;
        }
        thai
    })
}

fn scan_bytes(
    path: &Path,
    text: Vec<u8>,
    delimiter: u8,
    sink: &mut dyn RowSink,
) -> Result<u64, IngestError> {
    let mut text = text;
    lone_cr_to_lf(&mut text);
    scan_records(path, Cursor::new(text), delimiter, sink)
}

/// [`LoneCr`] on a whole buffer, in place (the change keeps the length).
fn lone_cr_to_lf(text: &mut [u8]) {
    for i in 0..text.len() {
        if text[i] == b'\r' && text.get(i + 1) != Some(&b'\n') {
            text[i] = b'\n';
        }
    }
}

/// Reads `inner` with every lone CR (one not followed by LF) turned into
/// LF, byte for byte: a file with old Mac line ends (CR only, as some Excel
/// exports still write) or one stray CR in a CRLF file is read line by line
/// as a spreadsheet shows it, instead of as one long line whose rows would
/// all be lost. CRLF stays as it is. A CR inside a quoted field becomes a
/// line break too, which is what it shows as.
pub(crate) struct LoneCr<R> {
    inner: R,
    /// The byte read to look past a CR at the end of a read, handed out
    /// first by the next one.
    peeked: Option<u8>,
}

impl<R: Read> LoneCr<R> {
    pub(crate) fn new(inner: R) -> LoneCr<R> {
        LoneCr {
            inner,
            peeked: None,
        }
    }
}

impl<R: Read> Read for LoneCr<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        if let Some(b) = self.peeked.take() {
            out[0] = b;
            n = 1;
        }
        if n < out.len() {
            n += self.inner.read(&mut out[n..])?;
        }
        if n == 0 {
            return Ok(0);
        }
        for i in 0..n - 1 {
            if out[i] == b'\r' && out[i + 1] != b'\n' {
                out[i] = b'\n';
            }
        }
        if out[n - 1] == b'\r' {
            let mut one = [0u8];
            let got = loop {
                match self.inner.read(&mut one) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    other => break other?,
                }
            };
            if got == 0 || one[0] != b'\n' {
                out[n - 1] = b'\n';
            }
            if got == 1 {
                self.peeked = Some(one[0]);
            }
        }
        Ok(n)
    }
}

/// Says why the first bytes look like a binary file, not text: a NUL byte,
/// a ZIP/XLSX or OLE/XLS signature, or many control characters.
fn binary_detail(prefix: &[u8]) -> Option<String> {
    if prefix.starts_with(b"PK\x03\x04") {
        return Some("it is a ZIP archive, perhaps an .xlsx workbook named .csv".into());
    }
    if prefix.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some("it is an OLE document, perhaps an .xls workbook named .csv".into());
    }
    // A NUL byte counts as a control byte: one in a text file is that row's
    // problem (the row is quarantined, see `Cell::unfit`), many are a
    // binary file or UTF-16 without its BOM.
    let control = prefix
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C) || b == 0x7F)
        .count();
    // Text has next to no control characters; random or compressed bytes
    // have about one in eight.
    (control * 50 > prefix.len().max(1)).then(|| {
        let nul = prefix
            .iter()
            .position(|&b| b == 0)
            .map(|at| format!(", the first NUL byte at offset {at}"))
            .unwrap_or_default();
        format!(
            "{control} control bytes in the first {} bytes{nul}",
            prefix.len()
        )
    })
}

/// Hands every non-blank record to `sink` with its first physical line,
/// and every line with an unbalanced quote to
/// [`RowSink::unbalanced_quote`]. Returns how many there were.
fn scan_records<R: std::io::BufRead>(
    path: &Path,
    reader: R,
    delimiter: u8,
    sink: &mut dyn RowSink,
) -> Result<u64, IngestError> {
    let mut records = records::Records::new(reader, delimiter);
    let mut count = 0;
    let mut cells: Vec<Cell<'static>> = Vec::new();
    loop {
        let found = match records.next_record() {
            Ok(Some(found)) => found,
            Ok(None) => break,
            Err(e) => {
                return Err(IngestError::Csv {
                    path: path.to_path_buf(),
                    line: Some(records.line()),
                    message: e.to_string(),
                });
            }
        };
        count += 1;
        // Reuse one allocation for the cells of every row: the vector is
        // emptied, then refilled with cells borrowing this record.
        let mut row: Vec<Cell<'_>> = recycle(std::mem::take(&mut cells));
        row.extend(
            records
                .fields()
                .map(|field| match std::str::from_utf8(field) {
                    Ok("") => Cell::Empty,
                    Ok(text) => match visible(text) {
                        "" => Cell::Empty,
                        text => Cell::Text(text),
                    },
                    Err(_) => Cell::NotUtf8(field),
                }),
        );
        match found {
            records::Found::Record { line } => {
                // A row that is only `""` is blank.
                if !(row.len() == 1 && row[0] == Cell::Empty) {
                    sink.row(line, &row)?;
                } else {
                    count -= 1;
                }
            }
            records::Found::Unbalanced {
                line,
                field,
                reason,
            } => sink.unbalanced_quote(line, &row, field, &reason)?,
        }
        cells = recycle(row);
    }
    Ok(count)
}

/// Empties a vector of cells and hands its allocation back with any
/// lifetime: with no elements left, nothing borrowed survives.
fn recycle<'x>(mut v: Vec<Cell<'_>>) -> Vec<Cell<'x>> {
    v.clear();
    v.into_iter().map(|_| Cell::Empty).collect()
}

/// A cell's text without the invisible format characters at its edges: a
/// BOM (U+FEFF) left at the start of a row by concatenated exports, zero-
/// width spaces and joiners (U+200B–U+200D, U+2060) pasted with a name. Left
/// on, `\u{FEFF}ORD-1` would be a second order beside `ORD-1`, passing the
/// duplicate-id check, and a name would not equal itself.
pub(crate) fn visible(text: &str) -> &str {
    text.trim_matches(|c| {
        matches!(
            c,
            '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}'
        )
    })
}

/// Columns a statement or order sheet may use. Excel allows 16,384; bank
/// layouts have a dozen or two. A value further right is refused before
/// any row is built, so that two cells far apart cannot make the reader
/// allocate rows x columns.
pub(crate) const MAX_SHEET_COLUMNS: u32 = 256;

/// Reads one sheet of an XLSX/XLS workbook (the named one, or the first)
/// and hands every row to `sink`, numbered as the spreadsheet numbers them.
/// Returns how many rows there were.
///
/// The archive is checked first ([`crate::archive`]: no zip bombs). XLSX
/// sheets are then streamed cell by cell, one row in memory at a time:
/// calamine's `worksheet_range` makes a dense grid of the used range, and a
/// 4 KB sheet with values in `A1` and `XFD1048576` asks for 17 billion
/// cells. Other formats (`.xls`, `.xlsb`, `.ods`) still go through
/// `worksheet_range`.
pub(crate) fn scan_workbook(
    path: &Path,
    sheet: Option<&str>,
    sink: &mut dyn RowSink,
) -> Result<u64, IngestError> {
    let workbook_error = |message: String| IngestError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    crate::archive::check_workbook_archive(path)?;
    let mut workbook =
        calamine::open_workbook_auto(path).map_err(|e| workbook_error(e.to_string()))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(name) => {
            if !names.iter().any(|n| n == name) {
                return Err(IngestError::NoSheet {
                    path: path.to_path_buf(),
                    sheet: name.to_string(),
                    sheets: names,
                });
            }
            name.to_string()
        }
        None => match names.first() {
            Some(first) => first.clone(),
            None => {
                return Err(IngestError::Empty {
                    path: path.to_path_buf(),
                });
            }
        },
    };
    if let calamine::Sheets::Xlsx(xlsx) = &mut workbook {
        return scan_xlsx_cells(path, xlsx, &name, sink);
    }
    let range = workbook
        .worksheet_range(&name)
        .map_err(|e| workbook_error(e.to_string()))?;
    let Some((first_row, _)) = range.start() else {
        return Ok(0);
    };
    let mut count = 0;
    for (i, row) in range.rows().enumerate() {
        count += 1;
        let line = u64::from(first_row) + i as u64 + 1;
        let cells: Vec<Cell<'_>> = row.iter().map(cell_of).collect();
        sink.row(line, &cells)?;
    }
    Ok(count)
}

/// Streams an XLSX sheet row by row (cells arrive in row order), columns
/// counted from `A`. Rows with no cell at all are not handed over: the
/// sinks skip blank rows anyway.
fn scan_xlsx_cells<RS: Read + Seek>(
    path: &Path,
    xlsx: &mut calamine::Xlsx<RS>,
    name: &str,
    sink: &mut dyn RowSink,
) -> Result<u64, IngestError> {
    let workbook_error = |message: String| IngestError::Workbook {
        path: path.to_path_buf(),
        message,
    };
    let mut reader = xlsx
        .worksheet_cells_reader(name)
        .map_err(|e| workbook_error(e.to_string()))?;
    let mut count = 0;
    let mut current: Option<u32> = None;
    let mut row: Vec<Data> = Vec::new();
    let mut emit = |r: u32, row: &mut Vec<Data>| -> Result<(), IngestError> {
        let cells: Vec<Cell<'_>> = row.iter().map(cell_of).collect();
        sink.row(u64::from(r) + 1, &cells)?;
        row.clear();
        Ok(())
    };
    while let Some(cell) = reader
        .next_cell()
        .map_err(|e| workbook_error(e.to_string()))?
    {
        let (r, c) = cell.get_position();
        if c >= MAX_SHEET_COLUMNS {
            return Err(workbook_error(format!(
                "sheet {name:?} has a value in column {} of row {} (cell {}{}); a statement or order sheet uses at most {MAX_SHEET_COLUMNS} columns",
                c + 1,
                r + 1,
                column_letters(c),
                r + 1
            )));
        }
        if current != Some(r) {
            if let Some(previous) = current {
                emit(previous, &mut row)?;
                count += 1;
            }
            current = Some(r);
        }
        let at = c as usize;
        if row.len() <= at {
            row.resize(at + 1, Data::Empty);
        }
        row[at] = Data::from(cell.get_value().clone());
    }
    if let Some(last) = current {
        emit(last, &mut row)?;
        count += 1;
    }
    Ok(count)
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`, as Excel names columns.
fn column_letters(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn cell_of(data: &Data) -> Cell<'_> {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.is_empty() => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => match visible(s) {
            "" => Cell::Empty,
            text => Cell::Text(text),
        },
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::Bool(b) => Cell::Bool(*b),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            let time = NaiveTime::from_hms_milli_opt(
                u32::from(h),
                u32::from(mi),
                u32::from(s),
                u32::from(ms),
            )
            .unwrap_or(NaiveTime::MIN);
            if dt.as_f64() < 1.0 && dt.as_f64() >= 0.0 {
                Cell::Time(time)
            } else {
                match NaiveDate::from_ymd_opt(i32::from(y), u32::from(mo), u32::from(d)) {
                    Some(date) => Cell::DateTime(date.and_time(time)),
                    // Excel's phantom 1900-02-29.
                    None => Cell::Error(format!("invalid date serial {}", dt.as_f64())),
                }
            }
        }
    }
}

/// Which reader a file needs, from its extension.
pub(crate) enum FileKind {
    Csv,
    Workbook,
}

pub(crate) fn kind_of(path: &Path) -> Result<FileKind, IngestError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => Ok(FileKind::Csv),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => Ok(FileKind::Workbook),
        _ => Err(IngestError::UnsupportedType {
            path: path.to_path_buf(),
            extension: ext,
        }),
    }
}

/// Checks that the file exists and has bytes before any reader touches it,
/// so that the error says so plainly.
pub(crate) fn check_file(path: &Path) -> Result<(), IngestError> {
    let meta = std::fs::metadata(path).map_err(|source| IngestError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(IngestError::Open {
            path: path.to_path_buf(),
            source: std::io::Error::other("it is a folder, not a file"),
        });
    }
    if meta.len() == 0 {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row the scanner hands on, with its line number.
    #[derive(Debug, Default)]
    pub(super) struct Collect {
        /// Rows with their line and trimmed cells.
        pub(super) rows: Vec<(u64, Vec<String>)>,
        /// Lines with an unbalanced quote: line, the field the quote
        /// opens, that field's text, the reason.
        pub(super) unbalanced: Vec<(u64, usize, String, String)>,
        /// In file order, for rows and unbalanced lines alike: the first
        /// physical line and how many lines it covers (a record with line
        /// breaks inside quoted fields covers one more per break).
        pub(super) spans: Vec<(u64, u64)>,
    }

    impl RowSink for Collect {
        fn row(&mut self, line: u64, cells: &[Cell<'_>]) -> Result<(), IngestError> {
            let breaks: usize = cells
                .iter()
                .map(|c| match c {
                    Cell::Text(t) => t.matches('\n').count(),
                    Cell::NotUtf8(b) => b.iter().filter(|&&b| b == b'\n').count(),
                    _ => 0,
                })
                .sum();
            self.spans.push((line, 1 + breaks as u64));
            self.rows
                .push((line, cells.iter().map(|c| c.text().into_owned()).collect()));
            Ok(())
        }

        fn unbalanced_quote(
            &mut self,
            line: u64,
            cells: &[Cell<'_>],
            field: usize,
            reason: &str,
        ) -> Result<(), IngestError> {
            self.spans.push((line, 1));
            let text = cells.get(field).map(|c| c.text().into_owned());
            self.unbalanced
                .push((line, field, text.unwrap_or_default(), reason.to_string()));
            Ok(())
        }
    }

    fn scan(bytes: &[u8], encoding: TextEncoding) -> Result<Vec<(u64, Vec<String>)>, IngestError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::write(&path, bytes).unwrap();
        let mut sink = Collect::default();
        scan_csv(&path, encoding, b',', &mut sink)?;
        Ok(sink.rows)
    }

    #[test]
    fn lines_are_physical_even_with_multi_line_fields_and_blank_lines() {
        let variants: [&[u8]; 6] = [
            b"a,b\r\n\"x\r\ny\",2\r\n\r\nlast,3\r\n",
            b"a,b\r\n\"x\r\ny\",2\r\n\r\nlast,3",
            b"a,b\n\"x\ny\",2\n\nlast,3\n",
            b"a,b\n\"x\ny\",2\n\nlast,3",
            b"a,b\n\"x\ny\",2\n\nlast,3\n\n\n",
            b"a,b\r\n\"x\r\ny\",2\r\n  \r\nlast,\"3\"\r\n",
        ];
        for (i, bytes) in variants.iter().enumerate() {
            for encoding in [TextEncoding::Utf8, TextEncoding::Auto] {
                let rows = scan(bytes, encoding).unwrap();
                let lines: Vec<u64> = rows
                    .iter()
                    .filter(|r| r.1 != vec![""])
                    .map(|r| r.0)
                    .collect();
                assert_eq!(lines, vec![1, 2, 5], "variant {i}");
                assert_eq!(rows[1].1[1], "2", "variant {i}");
                assert!(rows.last().unwrap().1[1] == "3", "variant {i}: {rows:?}");
                assert!(rows[1].1[0].starts_with('x') && rows[1].1[0].ends_with('y'));
            }
        }
    }

    #[test]
    fn long_files_keep_counting_across_buffer_refills() {
        let mut text = String::from("h1,h2\r\n");
        for i in 0..20_000 {
            if i % 1000 == 7 {
                text.push_str("\"multi\r\nline\",x\r\n");
            } else {
                text.push_str(&format!("{i},y\r\n"));
            }
        }
        let rows = scan(text.as_bytes(), TextEncoding::Utf8).unwrap();
        let mut expected = 2;
        for (line, cells) in &rows[1..] {
            assert_eq!(*line, expected, "{cells:?}");
            expected += if cells[0].starts_with("multi") { 2 } else { 1 };
        }
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let rows = scan("\u{feff}ชื่อ,b\nสมชาย,1\n".as_bytes(), TextEncoding::Utf8).unwrap();
        assert_eq!(rows[0].1[0], "ชื่อ");
        let rows = scan("\u{feff}ชื่อ,b\n".as_bytes(), TextEncoding::Auto).unwrap();
        assert_eq!(rows[0].1[0], "ชื่อ");
    }

    #[test]
    fn windows_874_bytes_decode_to_thai() {
        // "รวม" in Windows-874: ร=0xC3 ว=0xC7 ม=0xC1.
        let bytes = b"\xC3\xC7\xC1,1\r\n";
        let rows = scan(bytes, TextEncoding::from_label("windows-874").unwrap()).unwrap();
        assert_eq!(rows[0].1[0], "รวม");
        let rows = scan(bytes, TextEncoding::from_label("tis-620").unwrap()).unwrap();
        assert_eq!(rows[0].1[0], "รวม");
        let rows = scan(bytes, TextEncoding::Auto).unwrap();
        assert_eq!(rows[0].1[0], "รวม");
        // Read as UTF-8, the cell is kept as bytes so the row can be rejected.
        let rows = scan(bytes, TextEncoding::Utf8).unwrap();
        assert_eq!(rows[0].1[0], "\u{fffd}\u{fffd}\u{fffd}");
    }

    #[test]
    fn a_utf8_bom_wins_over_a_legacy_profile() {
        let rows = scan(
            "\u{feff}รวม,1\n".as_bytes(),
            TextEncoding::from_label("windows-874").unwrap(),
        )
        .unwrap();
        assert_eq!(rows[0].1[0], "รวม");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "a,b\n1,2\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let rows = scan(&bytes, TextEncoding::Utf8).unwrap();
        assert_eq!(rows[1].1, vec!["1", "2"]);
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        // Old Mac line ends, a stray CR in a CRLF file, a CR at the very end.
        for bytes in [
            &b"a,b\r1,2\r3,4\r"[..],
            &b"a,b\r\n1,2\r3,4\r\n"[..],
            &b"a,b\n1,2\n3,4\r"[..],
        ] {
            let rows = scan(bytes, TextEncoding::Utf8).unwrap();
            let cells: Vec<Vec<String>> = rows.iter().map(|(_, c)| c.clone()).collect();
            assert_eq!(cells, [["a", "b"], ["1", "2"], ["3", "4"]], "{bytes:?}");
            let lines: Vec<u64> = rows.iter().map(|(l, _)| *l).collect();
            assert_eq!(lines, [1, 2, 3], "{bytes:?}");
        }
        // A CR at every possible read boundary.
        let text = "h\r".repeat(70_000);
        let mut read = Vec::new();
        LoneCr::new(Cursor::new(text.as_bytes()))
            .read_to_end(&mut read)
            .unwrap();
        assert_eq!(read, "h\n".repeat(70_000).as_bytes());
        let text = "h\r\n".repeat(70_000);
        let mut read = Vec::new();
        let mut reader = BufReader::with_capacity(7, LoneCr::new(Cursor::new(text.as_bytes())));
        reader.read_to_end(&mut read).unwrap();
        assert_eq!(read, text.as_bytes());
    }

    #[test]
    fn invisible_characters_at_a_cells_edges_are_not_data() {
        let rows = scan(
            "id,name\n\u{FEFF}ORD-1,\u{200B}Somchai\u{200D}\n\u{FEFF},x\n".as_bytes(),
            TextEncoding::Utf8,
        )
        .unwrap();
        assert_eq!(rows[1].1, ["ORD-1", "Somchai"]);
        assert_eq!(rows[2].1[0], "");
        assert_eq!(
            visible("so\u{200B}mchai"),
            "so\u{200B}mchai",
            "inside stays"
        );
    }

    #[test]
    fn binary_is_refused() {
        let err = scan(b"PK\x03\x04\x14\x00\x00\x00", TextEncoding::Utf8).unwrap_err();
        assert!(err.to_string().contains("ZIP archive"), "{err}");
        let err = scan(b"abc\x00def", TextEncoding::Utf8).unwrap_err();
        assert!(err.to_string().contains("NUL byte at offset 3"), "{err}");
        // One NUL in a text file is its row's problem, not the file's.
        let mut text = b"order_id,amount\n".to_vec();
        for i in 0..40 {
            text.extend_from_slice(format!("ORD-{i},100.00\n").as_bytes());
        }
        text.extend_from_slice(b"ORD-\x0041,100.00\nORD-42,100.00\n");
        let rows = scan(&text, TextEncoding::Utf8).unwrap();
        assert_eq!(rows.len(), 43, "every row is handed on, the NUL row too");
        let junk: Vec<u8> = (0..600u32).map(|i| (i * 37 % 251) as u8 | 1).collect();
        let err = scan(&junk, TextEncoding::Utf8).unwrap_err();
        assert!(err.to_string().contains("control bytes"), "{err}");
    }

    #[test]
    fn a_utf8_thai_line_in_a_windows_874_file_stays_utf8() {
        let utf8 = "นาย สมชาย,1\n".as_bytes();
        let (legacy, _, _) = encoding_rs::WINDOWS_874.encode("ยก ใจดี,2\n");
        // ยก in Windows-874 is C2 A1, valid UTF-8 for ¡: still read as Thai.
        let (short, _, _) = encoding_rs::WINDOWS_874.encode("ยก,3\n");
        let bytes = [utf8, &legacy[..], &short[..]].concat();
        let text = String::from_utf8(decode_lines(encoding_rs::WINDOWS_874, &bytes)).unwrap();
        assert_eq!(text, "นาย สมชาย,1\nยก ใจดี,2\nยก,3\n");
    }

    #[test]
    fn unknown_encoding_label() {
        assert!(
            TextEncoding::from_label("klingon")
                .unwrap_err()
                .contains("unknown encoding")
        );
        assert_eq!(
            TextEncoding::from_label("UTF-8").unwrap(),
            TextEncoding::Utf8
        );
    }
}

#[cfg(test)]
mod line_properties {
    use super::tests::Collect;
    use super::*;
    use proptest::prelude::*;

    /// A field: plain, or quoted with commas, quotes and line breaks inside.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z0-9ก-ฮ ]{0,6}",
            "[a-z,\"\n]{0,6}".prop_map(|s| s.replace("\n", "\r\n")),
            "[a-z\n]{1,6}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_record_gets_its_first_physical_line(
            rows in prop::collection::vec((prop::collection::vec(field(), 1..4), 0usize..3), 1..20),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            final_newline in any::<bool>(),
            legacy in any::<bool>(),
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            let mut expected = Vec::new();
            let mut line = 1u64;
            for (i, (fields, blanks)) in rows.iter().enumerate() {
                // A leading "x" keeps every record non-blank.
                let mut record = String::from("x");
                for f in fields {
                    record.push(',');
                    if f.contains([',', '"', '\n']) {
                        record.push('"');
                        record.push_str(&f.replace('"', "\"\""));
                        record.push('"');
                    } else {
                        record.push_str(f);
                    }
                }
                expected.push(line);
                line += record.matches('\n').count() as u64;
                text.push_str(&record);
                if i + 1 < rows.len() || final_newline {
                    text.push_str(nl);
                    line += 1;
                }
                if i + 1 < rows.len() {
                    for _ in 0..*blanks {
                        text.push_str(nl);
                        line += 1;
                    }
                }
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("p.csv");
            let encoding = if legacy {
                std::fs::write(&path, encoding_rs::WINDOWS_874.encode(&text).0).unwrap();
                TextEncoding::Legacy(encoding_rs::WINDOWS_874)
            } else {
                std::fs::write(&path, &text).unwrap();
                TextEncoding::Utf8
            };
            let mut sink = Collect::default();
            scan_csv(&path, encoding, b',', &mut sink).unwrap();
            prop_assert!(sink.unbalanced.is_empty(), "{:?}", sink.unbalanced);
            let got: Vec<u64> = sink.rows.iter().map(|r| r.0).collect();
            prop_assert_eq!(got, expected);
            for ((_, cells), (fields, _)) in sink.rows.iter().zip(&rows) {
                let want: Vec<String> = fields.iter().map(|f| f.trim().to_string()).collect();
                prop_assert_eq!(&cells[1..], &want[..]);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Whatever the quotes do, no physical line is lost: rows and
        /// unbalanced-quote lines, in file order, cover every line that is
        /// not blank exactly once (a row with line breaks in its quoted
        /// fields covers one line more per break), in every encoding.
        #[test]
        fn no_line_is_ever_lost(
            lines in prop::collection::vec(
                prop::collection::vec(prop::sample::select(vec!["a", "ก", " ", ",", "\"", "\"\"", "\r"]), 0..8),
                1..40,
            ),
            crlf in any::<bool>(),
            final_newline in any::<bool>(),
            encoding in 0..3u8,
        ) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let raw: Vec<String> = lines.iter().map(|l| l.concat()).collect();
            let mut text = raw.join(nl);
            if final_newline {
                text.push_str(nl);
            }
            // The physical lines as a spreadsheet shows them: a lone CR
            // ends one too.
            let mut model = text.clone().into_bytes();
            lone_cr_to_lf(&mut model);
            let model = String::from_utf8(model).unwrap();
            let mut lines: Vec<String> = model
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
                .collect();
            if final_newline {
                lines.pop();
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("q.csv");
            let encoding = match encoding {
                0 => {
                    std::fs::write(&path, &text).unwrap();
                    TextEncoding::Utf8
                }
                1 => {
                    std::fs::write(&path, &text).unwrap();
                    TextEncoding::Auto
                }
                _ => {
                    std::fs::write(&path, encoding_rs::WINDOWS_874.encode(&text).0).unwrap();
                    TextEncoding::Legacy(encoding_rs::WINDOWS_874)
                }
            };
            let mut sink = Collect::default();
            scan_csv(&path, encoding, b',', &mut sink).unwrap();
            // A line that may be read as nothing (empty, `""`, `"\r"`):
            // no text, no delimiter.
            let blank = |l: &str| l.chars().all(|c| c == '"' || c == '\r');
            let mut next = 1u64;
            for &(start, covers) in &sink.spans {
                prop_assert!(start >= next, "line {} read twice: {:?}", start, sink.spans);
                for gap in next..start {
                    prop_assert!(blank(&lines[gap as usize - 1]), "line {} lost: {:?}", gap, sink.spans);
                }
                next = start + covers;
            }
            for gap in next..=lines.len() as u64 {
                prop_assert!(blank(&lines[gap as usize - 1]), "line {} lost: {:?}", gap, sink.spans);
            }
            for (line, _, _, reason) in &sink.unbalanced {
                prop_assert!(lines[*line as usize - 1].contains('"'));
                prop_assert!(reason.starts_with("unbalanced quote"));
            }
        }
    }
}
