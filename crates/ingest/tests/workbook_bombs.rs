//! Workbooks built to make a reader allocate without bound are refused
//! with a clear `IngestError::Workbook`, quickly and in little memory.

use std::io::Write;
use std::time::{Duration, Instant};

use recon_ingest::{IngestError, OrderColumns, Profile, ReadOptions, read_orders, read_statement};

fn opts() -> ReadOptions {
    let mut o = ReadOptions::new(chrono_tz::Asia::Bangkok);
    o.account = Some("123-4-56789-0".into());
    o
}

/// Two values, in `A1` and `XFD1048576`: a dense grid of the used range
/// would be 17 billion cells.
fn grid_bomb(path: &std::path::Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "x").unwrap();
    ws.write_string(1_048_575, 16_383, "y").unwrap();
    wb.save(path).unwrap();
}

#[test]
fn a_sheet_with_a_value_in_the_last_column_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scb.xlsx");
    grid_bomb(&path);
    assert!(std::fs::metadata(&path).unwrap().len() < 16 * 1024);
    let started = Instant::now();
    let profile = Profile::builtin("scb-xlsx").unwrap();
    match read_statement(&path, &profile, &opts()) {
        Err(IngestError::Workbook { message, .. }) => {
            assert!(message.contains("XFD1048576"), "{message}");
            assert!(message.contains("at most 256 columns"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    match read_orders(&path, &OrderColumns::default(), chrono_tz::Asia::Bangkok) {
        Err(IngestError::Workbook { .. }) => {}
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_zip_bomb_is_refused_before_calamine_inflates_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scb.xlsx");
    // A real workbook whose sheet part is replaced by 64 MB of one letter.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "x").unwrap();
    let template = wb.save_to_buffer().unwrap();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(template)).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6));
    for i in 0..src.len() {
        let mut part = src.by_index(i).unwrap();
        let name = part.name().map(|n| n.to_string()).unwrap();
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut part, &mut body).unwrap();
        out.start_file(name.as_str(), deflated).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            out.write_all(b"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>").unwrap();
            let chunk = vec![b'A'; 1 << 20];
            for _ in 0..64 {
                out.write_all(&chunk).unwrap();
            }
            out.write_all(b"</t></is></c></row></sheetData></worksheet>")
                .unwrap();
        } else {
            out.write_all(&body).unwrap();
        }
    }
    out.finish().unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20);

    let profile = Profile::builtin("scb-xlsx").unwrap();
    match read_statement(&path, &profile, &opts()) {
        Err(e @ IngestError::Workbook { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("scb.xlsx"), "{msg}");
            assert!(msg.contains("zip bomb"), "{msg}");
            assert!(msg.contains("xl/worksheets/sheet1.xml"), "{msg}");
            assert!(msg.len() < 400, "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_statement_whose_columns_start_at_b_is_still_read() {
    // Streaming counts columns from A; a layout that starts further right
    // must read exactly as before.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scb.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [&[&str]; 4] = [
        &["เลขที่บัญชี", "123-4-56789-0"],
        &[],
        &["วันที่", "เวลา", "รายการ", "ถอนเงิน", "ฝากเงิน", "ชื่อผู้โอน/ผู้รับโอน"],
        &[
            "21/11/2569",
            "10:05",
            "รับโอน",
            "",
            "1,500.00",
            "นาย สมชาย ใจดี",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            ws.write_string(r as u32 + 2, c as u16 + 1, *text).unwrap();
        }
    }
    wb.save(&path).unwrap();
    let got = read_statement(&path, &Profile::builtin("scb-xlsx").unwrap(), &opts()).unwrap();
    assert_eq!(got.rows.len(), 1, "{:?}", got.rejected);
    assert_eq!(got.rows[0].source.line, 6);
    assert_eq!(got.rows[0].amount.amount.to_string(), "1500.00");
}
