//! Statement and order workbooks that are truncated, or built to make the
//! reader allocate without bound (a zip bomb, a sheet whose two cells span
//! the whole grid).

use std::io::Write;
use std::time::{Duration, Instant};

use crate::common::{HostileDay, assert_rest_of_day_unchanged, sheet_xml, xlsx_with_sheet};

/// An SCB-style statement workbook with one money-in line no order claims.
fn scb_workbook() -> Vec<u8> {
    xlsx_with_sheet(&sheet_xml(&[
        &["ธนาคารไทยพาณิชย์"],
        &["เลขที่บัญชี", "123-4-56789-0"],
        &["วันที่", "เวลา", "รายการ", "ถอนเงิน", "ฝากเงิน", "ชื่อผู้โอน/ผู้รับโอน"],
        &[
            "21/11/2569",
            "22:05",
            "รับโอน",
            "",
            "1,234.00",
            "นาย ทดสอบ ระบบ",
        ],
    ]))
}

/// Asserts the day finished, `file` is quarantined as a whole with a short
/// reason that names it, and nothing else changed.
#[track_caller]
fn assert_file_refused(day: &HostileDay, file: &str, words: &[&str]) {
    let started = Instant::now();
    let run = day.reconcile();
    let took = started.elapsed();
    run.assert_finished_with_exceptions();
    assert!(took < Duration::from_secs(30), "the run took {took:?}");
    let rows = day.quarantined(file);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let reason = &rows[0]["reason"];
    assert!(reason.contains(file), "the reason names the file: {reason}");
    let data_dir = day.day_dir().parent().unwrap().display().to_string();
    assert!(
        !reason.contains(&data_dir),
        "the reason names the file inside the day folder, not where the data folder is: {reason}"
    );
    assert!(
        reason.len() < 1024,
        "a short reason, not {} bytes",
        reason.len()
    );
    let lower = reason.to_lowercase();
    assert!(
        words.iter().any(|w| lower.contains(w)),
        "the reason says what is wrong ({words:?}): {reason}"
    );
    assert!(run.stderr.contains(file), "the log names {file}");
    assert_rest_of_day_unchanged(day, &[]);
}

#[test]
fn a_well_formed_statement_workbook_is_read() {
    // The control for the tests below: the same workbook, intact, is read.
    let day = HostileDay::new();
    day.write("statements/scb.xlsx", scb_workbook());
    day.reconcile().assert_finished_with_exceptions();
    let statement = day.report_rows("statement.csv");
    assert!(
        statement
            .iter()
            .any(|r| r["statement_line"] == "scb.xlsx:4" && r["amount"] == "1234.00"),
        "scb.xlsx line 4 not read"
    );
    assert!(day.quarantined("scb.xlsx").is_empty());
}

#[test]
fn a_truncated_statement_workbook_is_quarantined() {
    let day = HostileDay::new();
    let whole = scb_workbook();
    day.write("statements/scb.xlsx", &whole[..whole.len() / 2]);
    assert_file_refused(&day, "scb.xlsx", &["workbook", "zip"]);
}

#[test]
fn a_truncated_order_workbook_is_quarantined() {
    let day = HostileDay::new();
    let whole = xlsx_with_sheet(&sheet_xml(&[&[
        "order_id",
        "customer_name",
        "amount",
        "currency",
        "ordered_at",
        "slip",
    ]]));
    day.write("orders/web-orders.xlsx", &whole[..whole.len() - 40]);
    assert_file_refused(&day, "web-orders.xlsx", &["workbook", "zip"]);
}

/// Two cells, `A1` and `XFD1048576`: 4 KB on disk, and a reader that makes
/// a dense grid of the used range allocates 16384 × 1048576 cells.
fn grid_bomb() -> Vec<u8> {
    xlsx_with_sheet(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row></sheetData></worksheet>"#,
    )
}

#[test]
fn a_statement_workbook_spanning_the_whole_grid_is_refused() {
    let day = HostileDay::new();
    let bomb = grid_bomb();
    assert!(bomb.len() < 8 * 1024);
    day.write("statements/scb.xlsx", bomb);
    assert_file_refused(&day, "scb.xlsx", &["cells", "columns", "rows", "large"]);
}

#[test]
fn an_order_workbook_spanning_the_whole_grid_is_refused() {
    let day = HostileDay::new();
    day.write("orders/web-orders.xlsx", grid_bomb());
    assert_file_refused(
        &day,
        "web-orders.xlsx",
        &["cells", "columns", "rows", "large"],
    );
}

/// A workbook whose sheet inflates to 256 MB (one cell of 'A's) from a
/// file of a few hundred KB.
fn zip_bomb() -> Vec<u8> {
    let head = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#;
    let tail = "</t></is></c></row></sheetData></worksheet>";
    let marker = "@@BOMB@@";
    let template = xlsx_with_sheet(&format!("{head}{marker}{tail}"));
    // Re-write the archive with the sheet streamed in 1 MB chunks.
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(template)).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut out = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(6))
            .large_file(true);
        for i in 0..src.len() {
            let mut part = src.by_index(i).unwrap();
            let name = part.name().map(|n| n.to_string()).unwrap_or_default();
            let mut body = Vec::new();
            std::io::Read::read_to_end(&mut part, &mut body).unwrap();
            out.start_file(name.as_str(), opts).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                out.write_all(head.as_bytes()).unwrap();
                let chunk = vec![b'A'; 1 << 20];
                for _ in 0..256 {
                    out.write_all(&chunk).unwrap();
                }
                out.write_all(tail.as_bytes()).unwrap();
            } else {
                out.write_all(&body).unwrap();
            }
        }
        out.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn a_zip_bomb_statement_is_refused_before_inflating() {
    let day = HostileDay::new();
    let bomb = zip_bomb();
    assert!(bomb.len() < 2 << 20, "bomb is {} bytes", bomb.len());
    day.write("statements/scb.xlsx", bomb);
    assert_file_refused(
        &day,
        "scb.xlsx",
        &[
            "uncompressed",
            "inflate",
            "too large",
            "bomb",
            "larger than",
        ],
    );
}
