//! Files that cannot be read at all: each is an error that names the file
//! and says what is wrong, and reading other files is not affected.

mod common;

use common::{bangkok, data};
use recon_ingest::{IngestError, OrderColumns, Profile, ReadOptions, read_orders, read_statement};

fn canonical() -> Profile {
    Profile::builtin("canonical").unwrap()
}

fn opts() -> ReadOptions {
    ReadOptions::new(bangkok())
}

fn statement_error(path: &std::path::Path, profile: &Profile) -> String {
    match read_statement(path, profile, &opts()) {
        Ok(got) => panic!("expected an error, got {} rows", got.rows.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn empty_file() {
    let path = data("empty.csv");
    let msg = statement_error(&path, &canonical());
    assert_eq!(
        msg,
        format!("{} is empty: no header and no rows", path.display())
    );
    let err = read_orders(&path, &OrderColumns::default(), bangkok()).unwrap_err();
    assert!(matches!(err, IngestError::Empty { .. }));
    assert_eq!(err.file_name(), "empty.csv");
}

#[test]
fn blank_lines_only_is_empty_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("blank.csv");
    std::fs::write(&path, "\u{feff}\r\n\r\n").unwrap();
    assert!(
        statement_error(&path, &canonical()).ends_with("blank.csv is empty: no header and no rows")
    );
}

#[test]
fn wrong_header_lists_the_missing_columns() {
    let path = data("wrong-header.csv");
    let msg = statement_error(&path, &canonical());
    assert_eq!(
        msg,
        format!(
            "{} has the wrong header at line 1: missing column(s) booked_at, currency, counterparty_account, counterparty_bank, reference, description; found account, date, amount, ccy, counterparty_name",
            path.display()
        )
    );
    let err = read_orders(&path, &OrderColumns::default(), bangkok())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("missing column(s) order_id, customer_name, currency, ordered_at"),
        "{err}"
    );
}

#[test]
fn a_windows_874_file_read_as_utf8_says_so() {
    let mut profile = Profile::builtin("kbank-csv").unwrap();
    profile.encoding = "utf-8".into();
    let msg = statement_error(&data("kbank.csv"), &profile);
    assert!(msg.contains("has the wrong header at line 5"), "{msg}");
    assert!(msg.contains("the text is not valid utf-8; is the file in another encoding? set `encoding` in profile kbank-csv"), "{msg}");
}

#[test]
fn binary_junk() {
    let path = data("junk.csv");
    let msg = statement_error(&path, &canonical());
    assert!(
        msg.starts_with(&format!(
            "{} is not a text CSV file: it contains binary data",
            path.display()
        )),
        "{msg}"
    );
}

#[test]
fn an_xlsx_named_csv_is_recognised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("statement.csv");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "x").unwrap();
    wb.save(&path).unwrap();
    let msg = statement_error(&path, &canonical());
    assert!(
        msg.contains("it is a ZIP archive, perhaps an .xlsx workbook named .csv"),
        "{msg}"
    );
}

#[test]
fn truncated_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scb.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for r in 0..50 {
        ws.write_string(r, 0, "วันที่").unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = read_statement(&path, &Profile::builtin("scb-xlsx").unwrap(), &opts()).unwrap_err();
    assert!(matches!(err, IngestError::Workbook { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("cannot read workbook {}: ", path.display())),
        "{msg}"
    );
    let err = read_orders(&path, &OrderColumns::default(), bangkok()).unwrap_err();
    assert!(err.to_string().starts_with("cannot read workbook"), "{err}");
}

#[test]
fn missing_file_and_unknown_type() {
    let dir = tempfile::tempdir().unwrap();
    let msg = statement_error(&dir.path().join("nope.csv"), &canonical());
    assert!(
        msg.starts_with("cannot open ") && msg.contains("nope.csv"),
        "{msg}"
    );
    let pdf = dir.path().join("statement.pdf");
    std::fs::write(&pdf, "%PDF-1.4").unwrap();
    let msg = statement_error(&pdf, &canonical());
    assert!(
        msg.ends_with(
            "statement.pdf: unsupported file type \"pdf\" (expected .csv, .xlsx or .xls)"
        ),
        "{msg}"
    );
}

#[test]
fn a_header_only_file_is_fine_and_has_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(
        &path,
        "order_id,customer_name,amount,currency,ordered_at,slip\r\n",
    )
    .unwrap();
    let got = read_orders(&path, &OrderColumns::default(), bangkok()).unwrap();
    assert!(got.rows.is_empty() && got.rejected.is_empty());
}

#[test]
fn no_currency_anywhere_is_a_file_error() {
    let mut profile = Profile::builtin("kbank-csv").unwrap();
    profile.currency = None;
    let msg = statement_error(&data("kbank.csv"), &profile);
    assert!(msg.contains("kbank.csv has no currency"), "{msg}");
}

#[test]
fn bad_files_do_not_affect_good_ones() {
    // The way the CLI reads a day: each file on its own; a bad one is an
    // error for that file only, the good ones give all their rows.
    let kbank = Profile::builtin("kbank-csv").unwrap();
    let files: Vec<(std::path::PathBuf, &Profile)> = vec![
        (data("empty.csv"), &kbank),
        (data("kbank.csv"), &kbank),
        (data("junk.csv"), &kbank),
        (data("wrong-header.csv"), &kbank),
    ];
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (path, profile) in &files {
        match read_statement(path, profile, &opts()) {
            Ok(got) => lines.extend(got.rows),
            Err(e) => errors.push(e.file_name()),
        }
    }
    assert_eq!(errors, vec!["empty.csv", "junk.csv", "wrong-header.csv"]);
    let alone = read_statement(&data("kbank.csv"), &kbank, &opts()).unwrap();
    assert_eq!(lines, alone.rows);
    assert_eq!(lines.len(), 4);
}

#[test]
fn junk_named_xlsx_and_a_missing_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.xlsx");
    std::fs::copy(data("junk.csv"), &junk).unwrap();
    let msg = statement_error(&junk, &Profile::builtin("scb-xlsx").unwrap());
    assert!(
        msg.starts_with(&format!("cannot read workbook {}: ", junk.display())),
        "{msg}"
    );

    let path = dir.path().join("two-sheets.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("Summary")
        .unwrap()
        .write_string(0, 0, "x")
        .unwrap();
    wb.add_worksheet()
        .set_name("Movements")
        .unwrap()
        .write_string(0, 0, "y")
        .unwrap();
    wb.save(&path).unwrap();
    let mut profile = Profile::builtin("scb-xlsx").unwrap();
    profile.sheet = Some("Statement".into());
    let msg = statement_error(&path, &profile);
    assert_eq!(
        msg,
        format!(
            "{} has no sheet named \"Statement\" (sheets: Summary, Movements)",
            path.display()
        )
    );
    // The right sheet name is read; its one cell is not a header.
    profile.sheet = Some("Movements".into());
    let msg = statement_error(&path, &profile);
    assert!(msg.contains("has the wrong header at line 1"), "{msg}");
    assert!(msg.contains("found y"), "{msg}");
}
