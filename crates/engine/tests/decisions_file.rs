//! Reading back a day's exceptions file with decisions filled in: as
//! Recon writes it, as Excel or LibreOffice save it again, and every way a
//! person can get a row wrong.

use std::path::{Path, PathBuf};

use recon_core::{CaseRef, Currency, DecisionKind, Money, Status};
use recon_engine::decisions_file::{DecisionFileError, DecisionRow, read_decisions_file};

const HEADER: [&str; 22] = [
    "kind",
    "id",
    "status",
    "amount",
    "currency",
    "reasons",
    "name",
    "related",
    "at",
    "origin_day",
    "lifecycle",
    "first_seen",
    "age_days",
    "age_bucket",
    "resolved_by",
    "decision",
    "with",
    "write_off_amount",
    "reason",
    "note",
    "decided_by",
    "decided_at",
];

/// One exceptions row: the columns Recon fills, then the decision columns.
fn row(
    kind: &str,
    id: &str,
    status: &str,
    currency: &str,
    decision: &[(&str, &str)],
) -> Vec<String> {
    let mut cells: Vec<String> = HEADER
        .iter()
        .map(|h| match *h {
            "kind" => kind.to_string(),
            "id" => id.to_string(),
            "status" => status.to_string(),
            "amount" => "1500.00".to_string(),
            "currency" => currency.to_string(),
            "reasons" => "short_by=50.00 THB; name_score=0.612".to_string(),
            "name" => "นางสาว สมหญิง, ใจดี".to_string(),
            "at" => "2026-11-21T10:15:00+07:00".to_string(),
            "origin_day" => "2026-11-21".to_string(),
            "lifecycle" => "new".to_string(),
            "first_seen" => "2026-11-21".to_string(),
            "age_days" => "0".to_string(),
            "age_bucket" => "0-1".to_string(),
            _ => String::new(),
        })
        .collect();
    for (column, value) in decision {
        let at = HEADER.iter().position(|h| h == column).expect("a column");
        cells[at] = value.to_string();
    }
    cells
}

/// CSV text as the report crate writes it (quoted where needed), with the
/// given line ending.
fn csv_text(header: &[&str], rows: &[Vec<String>], crlf: bool) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn thb(s: &str) -> Money {
    Money::parse(s, Currency::Thb).unwrap()
}

fn problems(err: DecisionFileError) -> Vec<(u64, &'static str, String)> {
    match err {
        DecisionFileError::Rows { problems, .. } => problems
            .into_iter()
            .map(|p| (p.row, p.column, p.message))
            .collect(),
        other => panic!("expected row problems, got {other}"),
    }
}

/// Three filled rows among many empty ones, the way the day's file looks
/// after a person worked through the top of it.
fn recon_rows() -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    // Line 2: a write-off, reason and decision in a person's spelling.
    rows.push(row(
        "order",
        "ORD-1001",
        "amount_mismatch",
        "THB",
        &[
            ("decision", "Write Off"),
            ("write_off_amount", "50"),
            ("reason", "Bank Fee"),
            ("note", "ค่าธรรมเนียม, โอนข้ามธนาคาร"),
            ("decided_by", "somying"),
        ],
    ));
    // Lines 3..=32: nothing decided. One has a note over two lines, and
    // one an unknown status: rows without a decision are not checked.
    for i in 0..30 {
        let id = format!("ORD-{}", 2000 + i);
        let mut r = row("order", &id, "unpaid", "THB", &[]);
        if i == 5 {
            r = row(
                "order",
                &id,
                "not_a_status",
                "EUR",
                &[("note", "ask the shop\nfirst")],
            );
        }
        rows.push(r);
    }
    // Line 34 (the note above spans two lines): a link for an order whose
    // id Recon defused with `'`.
    rows.push(row(
        "order",
        "'-ORD-7",
        "ambiguous",
        "THB",
        &[
            ("decision", "link"),
            ("with", "kbank.csv:12 | 2026-11-20/kbank.csv:3"),
        ],
    ));
    for i in 0..20 {
        rows.push(row(
            "statement_line",
            &format!("kbank.csv:{}", 100 + i),
            "statement_unmatched",
            "THB",
            &[],
        ));
    }
    // Line 55: money that is not ours, settled outside Recon.
    rows.push(row(
        "statement_line",
        "kbank.csv:40",
        "statement_unmatched",
        "THB",
        &[
            ("decision", "resolve"),
            ("reason", "Not Ours"),
            ("note", "'=refund to the other shop"),
        ],
    ));
    rows.push(row("slip", "a.png", "slip_not_on_statement", "THB", &[]));
    rows
}

fn recon_expected() -> Vec<DecisionRow> {
    vec![
        DecisionRow {
            row: 2,
            case: CaseRef::order("ORD-1001"),
            status: Status::AmountMismatch,
            kind: DecisionKind::WriteOff,
            with: vec![],
            write_off: Some(thb("50.00")),
            reason: Some("bank_fee".into()),
            note: "ค่าธรรมเนียม, โอนข้ามธนาคาร".into(),
        },
        DecisionRow {
            row: 34,
            case: CaseRef::order("-ORD-7"),
            status: Status::Ambiguous,
            kind: DecisionKind::Link,
            with: vec![
                CaseRef::line("kbank.csv:12"),
                CaseRef::line("2026-11-20/kbank.csv:3"),
            ],
            write_off: None,
            reason: None,
            note: String::new(),
        },
        DecisionRow {
            row: 55,
            case: CaseRef::line("kbank.csv:40"),
            status: Status::StatementUnmatched,
            kind: DecisionKind::Resolve,
            with: vec![],
            write_off: None,
            reason: Some("not_ours".into()),
            note: "=refund to the other shop".into(),
        },
    ]
}

#[test]
fn a_csv_as_recon_writes_it_gives_exactly_its_filled_rows() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(csv_text(&HEADER, &recon_rows(), true).as_bytes());
    let path = write(dir.path(), "exceptions.csv", &bytes);
    let got = read_decisions_file(&path).unwrap();
    assert_eq!(got, recon_expected());
    // The amount carries the currency's minor digits.
    assert_eq!(got[0].write_off.unwrap().amount.to_string(), "50.00");
}

#[test]
fn excel_and_libreoffice_saves_without_bom_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for (name, crlf) in [("crlf.csv", true), ("lf.csv", false)] {
        let text = csv_text(&HEADER, &recon_rows(), crlf);
        assert!(!text.starts_with('\u{feff}'));
        assert_eq!(text.contains("\r\n"), crlf);
        let path = write(dir.path(), name, text.as_bytes());
        assert_eq!(
            read_decisions_file(&path).unwrap(),
            recon_expected(),
            "{name}"
        );
    }
    // A spreadsheet set to `;` as its list separator.
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    w.write_record(HEADER).unwrap();
    for r in recon_rows() {
        w.write_record(&r).unwrap();
    }
    let path = write(dir.path(), "semicolon.csv", &w.into_inner().unwrap());
    assert_eq!(read_decisions_file(&path).unwrap(), recon_expected());
}

#[test]
fn columns_are_found_by_name_in_any_order_with_extra_ones() {
    let dir = tempfile::tempdir().unwrap();
    let header = [
        "note",
        "My comment",
        "Decision",
        "id",
        "write_off_amount",
        "with",
        "currency",
        "reason",
        "kind",
        "status",
    ];
    let rows = vec![
        vec!["", "", "", "ORD-1", "", "", "THB", "", "order", "unpaid"],
        vec![
            "paid in cash at the shop",
            "checked by Lek",
            "resolve",
            "ORD-2",
            "",
            "",
            "thb",
            "",
            "order",
            "unpaid",
        ],
        vec![
            "",
            "",
            "decline",
            "kbank.csv:9",
            "",
            "ORD-3; ORD-4",
            "USD",
            "",
            "statement_line",
            "ambiguous",
        ],
        vec![
            "",
            "",
            "write_off",
            "ORD-5",
            "0.5",
            "",
            "USD",
            "rounding",
            "order",
            "amount_mismatch",
        ],
    ]
    .into_iter()
    .map(|r| r.into_iter().map(String::from).collect())
    .collect::<Vec<Vec<String>>>();
    let path = write(
        dir.path(),
        "moved.csv",
        csv_text(&header, &rows, true).as_bytes(),
    );
    let got = read_decisions_file(&path).unwrap();
    assert_eq!(
        got,
        vec![
            DecisionRow {
                row: 3,
                case: CaseRef::order("ORD-2"),
                status: Status::Unpaid,
                kind: DecisionKind::Resolve,
                with: vec![],
                write_off: None,
                // Without a reason a resolve means `other`: left to the caller.
                reason: None,
                note: "paid in cash at the shop".into(),
            },
            DecisionRow {
                row: 4,
                case: CaseRef::line("kbank.csv:9"),
                status: Status::Ambiguous,
                kind: DecisionKind::Decline,
                with: vec![CaseRef::order("ORD-3"), CaseRef::order("ORD-4")],
                write_off: None,
                reason: None,
                note: String::new(),
            },
            DecisionRow {
                row: 5,
                case: CaseRef::order("ORD-5"),
                status: Status::AmountMismatch,
                kind: DecisionKind::WriteOff,
                with: vec![],
                write_off: Some(Money::parse("0.50", Currency::Usd).unwrap()),
                reason: Some("rounding".into()),
                note: String::new(),
            },
        ]
    );
}

/// The header and cells of an Exceptions sheet, written as strings except
/// the amounts given as numbers.
fn workbook(path: &Path, sheet: &str, rows: &[(u32, Vec<String>, Option<f64>)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().set_name("Summary").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let amount_col = HEADER
        .iter()
        .position(|h| *h == "write_off_amount")
        .unwrap();
    for (r, cells, amount) in rows {
        for (c, cell) in cells.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(*r, c as u16, cell).unwrap();
            }
        }
        if let Some(a) = amount {
            ws.write_number(*r, amount_col as u16, *a).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn an_xlsx_exceptions_sheet_reads_number_cells_at_the_currency_digits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reconciliation.xlsx");
    let write_off = |id: &str, currency: &str, reason: &str| {
        row(
            "order",
            id,
            "amount_mismatch",
            currency,
            &[("decision", "write_off"), ("reason", reason)],
        )
    };
    workbook(
        &path,
        "Exceptions",
        &[
            (1, row("order", "ORD-1", "unpaid", "THB", &[]), None),
            (2, write_off("ORD-2", "THB", "bank_fee"), Some(10.5)),
            // Row 5 of the sheet; rows 4 and 5 of the file are blank.
            (4, write_off("ORD-3", "KHR", "fx"), Some(4000.0)),
            (5, write_off("ORD-4", "USD", "rounding"), Some(0.1 + 0.2)),
            (
                6,
                row(
                    "order",
                    "ORD-5",
                    "unpaid",
                    "THB",
                    &[("decision", "confirm")],
                ),
                None,
            ),
        ],
    );
    let got = read_decisions_file(&path).unwrap();
    let seen: Vec<(u64, &str, Option<String>)> = got
        .iter()
        .map(|d| {
            (
                d.row,
                d.case.id.as_str(),
                d.write_off.map(|m| m.to_string()),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (3, "ORD-2", Some("10.50 THB".to_string())),
            (5, "ORD-3", Some("4000.00 KHR".to_string())),
            (6, "ORD-4", Some("0.30 USD".to_string())),
            (7, "ORD-5", None),
        ]
    );
    // Exactly the currency's digits, not the float's.
    assert_eq!(got[0].write_off.unwrap().amount.to_string(), "10.50");
    assert_eq!(got[2].write_off.unwrap().amount.to_string(), "0.30");
    assert_eq!(got[1].reason.as_deref(), Some("fx"));
    assert_eq!(got[3].kind, DecisionKind::Confirm);
}

#[test]
fn an_xlsx_number_with_more_decimals_than_the_currency_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reconciliation.xlsx");
    let r = row(
        "order",
        "ORD-2",
        "amount_mismatch",
        "THB",
        &[("decision", "write_off"), ("reason", "fx")],
    );
    workbook(&path, "Exceptions", &[(1, r, Some(10.505))]);
    let got = problems(read_decisions_file(&path).unwrap_err());
    assert_eq!(
        got,
        [(
            2,
            "write_off_amount",
            "10.505 has more decimals than THB allows (2)".to_string()
        )]
    );
}

#[test]
fn four_different_mistakes_are_all_reported_with_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        row(
            "order",
            "ORD-1",
            "unpaid",
            "THB",
            &[("decision", "confrim")],
        ),
        row(
            "order",
            "ORD-2",
            "amount_mismatch",
            "THB",
            &[
                ("decision", "write_off"),
                ("write_off_amount", "1.005"),
                ("reason", "bank_fee"),
            ],
        ),
        row("order", "ORD-3", "unpaid", "THB", &[]),
        row(
            "order",
            "ORD-4",
            "ambiguous",
            "THB",
            &[("decision", "link")],
        ),
        row("order", "ORD-5", "paid", "THB", &[("decision", "confirm")]),
    ];
    let path = write(
        dir.path(),
        "exceptions.csv",
        csv_text(&HEADER, &rows, true).as_bytes(),
    );
    let err = read_decisions_file(&path).unwrap_err();
    let text = err.to_string();
    let got = problems(err);
    let at: Vec<(u64, &str)> = got.iter().map(|(r, c, _)| (*r, *c)).collect();
    assert_eq!(
        at,
        [
            (2, "decision"),
            (3, "write_off_amount"),
            (5, "with"),
            (6, "status")
        ]
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let file = path.display().to_string();
    assert_eq!(
        lines[0],
        format!(
            "{file}: row 2, column decision: unknown decision \"confrim\" (expected one of confirm, link, decline, write_off, resolve, reopen)"
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "{file}: row 3, column write_off_amount: 1.005 has more decimals than THB allows (2)"
        )
    );
    assert!(
        lines[2].starts_with(&format!(
            "{file}: row 5, column with: a link needs the statement line(s)"
        )),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("unknown status \"paid\"") && lines[3].contains("statement_unmatched"),
        "{}",
        lines[3]
    );
}

#[test]
fn every_other_kind_of_mistake_names_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        // 2: unknown kind.
        row(
            "invoice",
            "INV-1",
            "unpaid",
            "THB",
            &[("decision", "confirm")],
        ),
        // 3: empty id.
        row("order", "", "unpaid", "THB", &[("decision", "confirm")]),
        // 4: unknown currency.
        row(
            "order",
            "ORD-4",
            "unpaid",
            "EUR",
            &[("decision", "confirm")],
        ),
        // 5: not a number; 6: negative; 7: zero; 8: 1_000 is not plain.
        row(
            "order",
            "ORD-5",
            "amount_mismatch",
            "THB",
            &[
                ("decision", "write_off"),
                ("write_off_amount", "fifty"),
                ("reason", "fx"),
            ],
        ),
        row(
            "order",
            "ORD-6",
            "amount_mismatch",
            "THB",
            &[
                ("decision", "write_off"),
                ("write_off_amount", "-5.00"),
                ("reason", "fx"),
            ],
        ),
        row(
            "order",
            "ORD-7",
            "amount_mismatch",
            "THB",
            &[
                ("decision", "write_off"),
                ("write_off_amount", "0"),
                ("reason", "fx"),
            ],
        ),
        row(
            "order",
            "ORD-8",
            "amount_mismatch",
            "THB",
            &[
                ("decision", "write_off"),
                ("write_off_amount", "1_000"),
                ("reason", "fx"),
            ],
        ),
        // 9: write_off without amount, and without reason.
        row(
            "order",
            "ORD-9",
            "amount_mismatch",
            "THB",
            &[("decision", "write_off")],
        ),
        // 10: an amount on a confirm.
        row(
            "order",
            "ORD-10",
            "amount_mismatch",
            "THB",
            &[("decision", "confirm"), ("write_off_amount", "5")],
        ),
        // 11: a write_off reason that is not one; 12: a resolution that is not one.
        row(
            "order",
            "ORD-11",
            "amount_mismatch",
            "THB",
            &[
                ("decision", "write_off"),
                ("write_off_amount", "5"),
                ("reason", "tip"),
            ],
        ),
        row(
            "order",
            "ORD-12",
            "unpaid",
            "THB",
            &[("decision", "resolve"), ("reason", "bank_fee")],
        ),
        // 13: fine; 14: the same case again; 15: a decline without `with` is fine.
        row(
            "order",
            "ORD-13",
            "unpaid",
            "THB",
            &[("decision", "reopen")],
        ),
        row(
            "order",
            "ORD-13",
            "unpaid",
            "THB",
            &[("decision", "confirm")],
        ),
        row(
            "order",
            "ORD-15",
            "ambiguous",
            "THB",
            &[("decision", "decline")],
        ),
        // 16: a link for a slip without `with`.
        row(
            "slip",
            "a.png",
            "slip_not_on_statement",
            "THB",
            &[("decision", "link")],
        ),
    ];
    let path = write(
        dir.path(),
        "exceptions.csv",
        csv_text(&HEADER, &rows, true).as_bytes(),
    );
    let got = problems(read_decisions_file(&path).unwrap_err());
    let at: Vec<(u64, &str)> = got.iter().map(|(r, c, _)| (*r, *c)).collect();
    assert_eq!(
        at,
        [
            (2, "kind"),
            (3, "id"),
            (4, "currency"),
            (5, "write_off_amount"),
            (6, "write_off_amount"),
            (7, "write_off_amount"),
            (8, "write_off_amount"),
            (9, "write_off_amount"),
            (9, "reason"),
            (10, "write_off_amount"),
            (11, "reason"),
            (12, "reason"),
            (14, "id"),
            (16, "with"),
        ],
        "{got:#?}"
    );
    let message = |row: u64, column: &str| {
        got.iter()
            .find(|(r, c, _)| *r == row && *c == column)
            .map(|(_, _, m)| m.as_str())
            .unwrap()
    };
    assert!(message(2, "kind").contains("statement_line"));
    assert!(message(4, "currency").contains("EUR"));
    assert!(message(6, "write_off_amount").contains("not more than zero"));
    assert!(message(10, "write_off_amount").contains("this row's decision is confirm"));
    assert!(message(11, "reason").contains("bank_fee"));
    assert!(message(12, "reason").contains("not_ours"));
    assert_eq!(
        message(14, "id"),
        "order ORD-13 is decided twice: already on row 13"
    );
    assert!(message(16, "with").contains("the order(s) the slip pays"));
}

#[test]
fn a_missing_column_is_named_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let header: Vec<&str> = HEADER
        .iter()
        .copied()
        .filter(|h| !matches!(*h, "decision" | "write_off_amount"))
        .collect();
    let rows = vec![vec![String::new(); header.len()]];
    let path = write(
        dir.path(),
        "exceptions.csv",
        csv_text(&header, &rows, true).as_bytes(),
    );
    let err = read_decisions_file(&path).unwrap_err();
    let text = err.to_string();
    match err {
        DecisionFileError::MissingColumns { missing, row, .. } => {
            assert_eq!(missing, ["decision", "write_off_amount"]);
            assert_eq!(row, 1);
        }
        other => panic!("{other}"),
    }
    assert!(
        text.starts_with(&format!(
            "{} is missing column(s) decision, write_off_amount",
            path.display()
        )),
        "{text}"
    );
}

#[test]
fn a_workbook_without_the_exceptions_sheet_says_which_sheets_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    workbook(&path, "Sheet1", &[]);
    let err = read_decisions_file(&path).unwrap_err();
    let text = err.to_string();
    match err {
        DecisionFileError::NoSheet { sheet, sheets, .. } => {
            assert_eq!(sheet, "Exceptions");
            assert_eq!(sheets, ["Summary", "Sheet1"]);
        }
        other => panic!("{other}"),
    }
    assert!(text.contains("no sheet named \"Exceptions\""), "{text}");
    assert!(text.contains("book.xlsx"), "{text}");
}

#[test]
fn utf16_and_thai_ansi_files_are_refused_saying_how_to_save_them() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv_text(&HEADER, &recon_rows(), true);
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();

    let mut with_bom = b"\xFF\xFE".to_vec();
    with_bom.extend_from_slice(&utf16);
    let path = write(dir.path(), "unicode.csv", &with_bom);
    let err = read_decisions_file(&path).unwrap_err();
    assert!(matches!(err, DecisionFileError::Encoding { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("UTF-16"), "{message}");
    assert!(message.contains("CSV UTF-8"), "{message}");

    // Excel's "Unicode Text" is UTF-16 too, tab separated, named .txt.
    let path = write(dir.path(), "unicode.txt", &utf16);
    let message = read_decisions_file(&path).unwrap_err().to_string();
    assert!(
        message.contains("UTF-16 text without a byte-order mark"),
        "{message}"
    );

    // Windows-874: "สม" is 0xCA 0xC1, which UTF-8 does not allow.
    let mut ansi = csv_text(&HEADER, &[], true).into_bytes();
    ansi.extend_from_slice(b"order,ORD-1,unpaid,100.00,THB,,\xCA\xC1,,,,,,,,,confirm,,,,,,\r\n");
    let path = write(dir.path(), "ansi.csv", &ansi);
    let message = read_decisions_file(&path).unwrap_err().to_string();
    assert!(
        message.contains("not UTF-8") && message.contains("line 2"),
        "{message}"
    );
    assert!(message.contains("Windows-874"), "{message}");

    // Opened as Western text and saved again: the BOM became "ï»¿" and the
    // Thai text mojibake, both valid UTF-8 now.
    let garbled = format!("\u{EF}\u{BB}\u{BF}{text}");
    let path = write(dir.path(), "garbled.csv", garbled.as_bytes());
    let err = read_decisions_file(&path).unwrap_err();
    assert!(matches!(err, DecisionFileError::Encoding { .. }), "{err}");
    assert!(err.to_string().contains("wrong character set"), "{err}");
}
