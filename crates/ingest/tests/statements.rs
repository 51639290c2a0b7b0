//! Reading statement files with each built-in profile, from small files
//! checked in under tests/data (the SCB workbook is written by the test).

mod common;

use common::{bangkok, data, summary};
use recon_core::{Currency, StatementLine};
use recon_ingest::{Profile, ReadOptions, read_statement};

fn opts() -> ReadOptions {
    ReadOptions::new(bangkok())
}

fn brief(l: &StatementLine) -> (u64, String, String, String) {
    (
        l.source.line,
        l.booked_at.to_rfc3339(),
        l.amount.plain(),
        l.amount.currency.to_string(),
    )
}

#[test]
fn canonical_csv_with_bom_usd_and_khr() {
    let profile = Profile::builtin("canonical").unwrap();
    let got = read_statement(&data("canonical.csv"), &profile, &opts()).unwrap();
    let rows: Vec<_> = got.rows.iter().map(brief).collect();
    assert_eq!(
        rows,
        vec![
            (
                2,
                "2026-11-21T09:18:00+07:00".into(),
                "25.50".into(),
                "USD".into()
            ),
            (
                3,
                "2026-11-21T10:02:00+07:00".into(),
                "40000.00".into(),
                "KHR".into()
            ),
            (
                4,
                "2026-11-21T11:30:00+07:00".into(),
                "-3.00".into(),
                "USD".into()
            ),
            (
                6,
                "2026-11-21T13:45:00+07:00".into(),
                "99.00".into(),
                "USD".into()
            ),
            (
                12,
                "2026-11-21T17:20:00+07:00".into(),
                "100000.00".into(),
                "KHR".into()
            ),
        ]
    );
    let first = &got.rows[0];
    assert_eq!(first.source.to_string(), "canonical.csv:2");
    assert_eq!(first.account, "001 234 567");
    assert_eq!(first.counterparty.name.as_deref(), Some("SOK DARA"));
    assert_eq!(first.counterparty.bank.as_deref(), Some("ABA"));
    assert_eq!(
        first.counterparty.account.as_ref().unwrap().as_given(),
        "012 xxx 345"
    );
    assert_eq!(first.reference.as_deref(), Some("100FT33123"));
    assert_eq!(first.description.as_deref(), Some("Payment from SOK DARA"));
    // Empty optional cells are None, not "".
    assert_eq!(got.rows[2].counterparty.name, None);
    assert_eq!(got.rows[2].reference, None);
    // A quoted field over two lines keeps its text and the record its first line.
    assert_eq!(
        got.rows[3].counterparty.name.as_deref(),
        Some("KEO\n SOPHEA")
    );
    assert_eq!(got.rows[3].description.as_deref(), Some("two-line\nname"));

    let rejected = summary(&got.rejected);
    assert_eq!(rejected.len(), 4, "{rejected:#?}");
    assert_eq!(
        rejected[0],
        (5, "amount".into(), "12.3x".into(), "not an amount".into())
    );
    assert_eq!(rejected[1].0, 9);
    assert_eq!(rejected[1].1, "booked_at");
    assert_eq!(rejected[1].2, "21/11/2026");
    assert!(rejected[1].3.contains("not a date"), "{}", rejected[1].3);
    assert_eq!(
        rejected[2],
        (
            10,
            "currency".into(),
            "EUR".into(),
            "unknown currency \"EUR\" (expected THB, USD or KHR)".into()
        )
    );
    assert_eq!(rejected[3].0, 11);
    assert!(
        rejected[3].3.contains("more decimals than USD allows"),
        "{}",
        rejected[3].3
    );
    assert!(got.rejected.iter().all(|r| r.file == "canonical.csv"));
    assert!(got.skipped.is_empty());
}

#[test]
fn kbank_csv_windows_874_with_preamble_and_summary_rows() {
    let profile = Profile::builtin("kbank-csv").unwrap();
    let got = read_statement(&data("kbank.csv"), &profile, &opts()).unwrap();
    let rows: Vec<_> = got.rows.iter().map(brief).collect();
    assert_eq!(
        rows,
        vec![
            (
                6,
                "2026-11-21T09:15:00+07:00".into(),
                "1500.00".into(),
                "THB".into()
            ),
            (
                7,
                "2026-11-21T10:40:00+07:00".into(),
                "890.00".into(),
                "THB".into()
            ),
            (
                8,
                "2026-11-21T11:05:00+07:00".into(),
                "-2000.00".into(),
                "THB".into()
            ),
            (
                13,
                "2026-11-21T23:59:00+07:00".into(),
                "3200.00".into(),
                "THB".into()
            ),
        ]
    );
    let first = &got.rows[0];
    // No account column and none in the options: the preamble's.
    assert_eq!(first.account, "123-4-56789-0");
    assert_eq!(first.counterparty.name.as_deref(), Some("นาย สมชาย ใจดี"));
    assert_eq!(
        first.counterparty.account.as_ref().unwrap().as_given(),
        "xxx-x-x1234-x"
    );
    assert_eq!(first.reference.as_deref(), Some("015325091512ABC01234"));
    assert_eq!(first.description.as_deref(), Some("รับโอนเงิน"));
    assert_eq!(got.rows[1].reference, None);
    assert_eq!(
        got.rows[1].counterparty.name.as_deref(),
        Some("MR. JOHN SMITH")
    );

    let rejected = summary(&got.rejected);
    assert_eq!(rejected.len(), 4, "{rejected:#?}");
    assert_eq!(
        rejected[0],
        (
            9,
            "ฝากเงิน".into(),
            "1,50.00".into(),
            "thousands separators in the wrong places".into()
        )
    );
    assert_eq!(rejected[1].0, 10);
    assert!(
        rejected[1]
            .3
            .starts_with("both ถอนเงิน (100.00) and ฝากเงิน have an amount"),
        "{}",
        rejected[1].3
    );
    assert_eq!(
        (
            rejected[2].0,
            rejected[2].1.as_str(),
            rejected[2].2.as_str()
        ),
        (11, "วันที่", "31/02/2569")
    );
    assert_eq!(
        (
            rejected[3].0,
            rejected[3].1.as_str(),
            rejected[3].2.as_str()
        ),
        (12, "เวลา", "25:61")
    );

    // The two summary rows are skipped and listed, never data or rejections.
    let skipped: Vec<_> = got
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (14, "summary row \"รวม\""),
            (15, "summary row \"จำนวนรายการ\"")
        ]
    );
}

#[test]
fn options_override_account_and_currency() {
    let profile = Profile::builtin("kbank-csv").unwrap();
    let opts = ReadOptions {
        tz: bangkok(),
        account: Some("999-9-99999-9".into()),
        currency: Some(Currency::Usd),
    };
    let got = read_statement(&data("kbank.csv"), &profile, &opts).unwrap();
    assert!(
        got.rows
            .iter()
            .all(|l| l.account == "999-9-99999-9" && l.amount.currency == Currency::Usd)
    );
}

#[test]
fn aba_csv_parentheses_twelve_hour_clock_and_currency_column() {
    let profile = Profile::builtin("aba-csv").unwrap();
    let got = read_statement(&data("aba.csv"), &profile, &opts()).unwrap();
    let rows: Vec<_> = got.rows.iter().map(brief).collect();
    assert_eq!(
        rows,
        vec![
            (
                7,
                "2026-11-21T09:18:00+07:00".into(),
                "1200.00".into(),
                "USD".into()
            ),
            (
                8,
                "2026-11-21T13:05:00+07:00".into(),
                "-350.25".into(),
                "USD".into()
            ),
            (
                9,
                "2026-11-21T15:30:00+07:00".into(),
                "40000.00".into(),
                "KHR".into()
            ),
            (
                11,
                "2026-11-21T17:45:00+07:00".into(),
                "15.00".into(),
                "USD".into()
            ),
        ]
    );
    assert_eq!(got.rows[0].account, "001 234 567");
    assert_eq!(got.rows[0].counterparty.name.as_deref(), Some("SOK DARA"));
    assert_eq!(got.rows[0].reference.as_deref(), Some("100FT33123"));
    let rejected = summary(&got.rejected);
    assert_eq!(rejected.len(), 2, "{rejected:#?}");
    assert_eq!(
        rejected[0],
        (
            10,
            "Amount".into(),
            "(-5.00)".into(),
            "both parentheses and a sign".into()
        )
    );
    assert_eq!((rejected[1].0, rejected[1].1.as_str()), (12, "Date"));
    let skipped: Vec<u64> = got.skipped.iter().map(|s| s.line).collect();
    assert_eq!(skipped, vec![13, 14]);
}

/// Writes an SCB-style workbook: title rows, a Thai header, a balance
/// brought forward row, Excel date cells and Thai text dates, a totals row.
fn write_scb_thai(path: &std::path::Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let datetime = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    let time = Format::new().set_num_format("hh:mm");
    ws.write_string(0, 0, "ธนาคารไทยพาณิชย์ จำกัด (มหาชน)")
        .unwrap();
    ws.write_string(1, 0, "เลขที่บัญชี").unwrap();
    ws.write_string(1, 1, "987-6-54321-0").unwrap();
    ws.write_string(2, 0, "ระยะเวลา").unwrap();
    ws.write_string(2, 1, "21/11/2569 - 21/11/2569").unwrap();
    let header = [
        "วันที่",
        "เวลา",
        "รายการ",
        "ถอนเงิน",
        "ฝากเงิน",
        "ยอดคงเหลือ",
        "ชื่อผู้โอน/ผู้รับโอน",
        "เลขที่อ้างอิง",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(4, c as u16, *h).unwrap();
    }
    // Row 6: balance brought forward.
    ws.write_string(5, 0, "ยอดยกมา").unwrap();
    ws.write_number(5, 5, 10000.0).unwrap();
    // Row 7: a real date cell, the time as text, a deposit as a number.
    ws.write_datetime_with_format(6, 0, ExcelDateTime::from_ymd(2026, 11, 21).unwrap(), &date)
        .unwrap();
    ws.write_string(6, 1, "14:05").unwrap();
    ws.write_string(6, 2, "รับโอนเงิน").unwrap();
    ws.write_number(6, 4, 1500.5).unwrap();
    ws.write_string(6, 6, "นาย สมชาย ใจดี").unwrap();
    ws.write_number(6, 7, 20261121001.0).unwrap();
    // Row 8: a Thai text date, the time as a time cell, a withdrawal.
    ws.write_string(7, 0, "21 พ.ย. 2569").unwrap();
    ws.write_datetime_with_format(7, 1, ExcelDateTime::from_hms(9, 30, 0).unwrap(), &time)
        .unwrap();
    ws.write_string(7, 2, "โอนเงิน").unwrap();
    ws.write_number(7, 3, 200.0).unwrap();
    // Row 9: a date-time cell with no time column value, a text deposit.
    ws.write_datetime_with_format(
        8,
        0,
        ExcelDateTime::from_ymd(2026, 11, 21)
            .unwrap()
            .and_hms(16, 45, 0)
            .unwrap(),
        &datetime,
    )
    .unwrap();
    ws.write_string(8, 4, "1,250.00").unwrap();
    ws.write_string(8, 6, "MR. JOHN SMITH").unwrap();
    // Row 10: a day that does not exist.
    ws.write_string(9, 0, "32 พ.ย. 2569").unwrap();
    ws.write_number(9, 4, 10.0).unwrap();
    // Row 11: more decimals than baht have.
    ws.write_string(10, 0, "21/11/2569").unwrap();
    ws.write_number(10, 4, 10.125).unwrap();
    // Row 12: totals.
    ws.write_string(11, 0, "รวม").unwrap();
    ws.write_number(11, 3, 200.0).unwrap();
    ws.write_number(11, 4, 2760.5).unwrap();
    wb.save(path).unwrap();
}

#[test]
fn scb_xlsx_thai_header_excel_dates_and_thai_text_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scb.xlsx");
    write_scb_thai(&path);
    let profile = Profile::builtin("scb-xlsx").unwrap();
    let got = read_statement(&path, &profile, &opts()).unwrap();
    let rows: Vec<_> = got.rows.iter().map(brief).collect();
    assert_eq!(
        rows,
        vec![
            (
                7,
                "2026-11-21T14:05:00+07:00".into(),
                "1500.50".into(),
                "THB".into()
            ),
            (
                8,
                "2026-11-21T09:30:00+07:00".into(),
                "-200.00".into(),
                "THB".into()
            ),
            (
                9,
                "2026-11-21T16:45:00+07:00".into(),
                "1250.00".into(),
                "THB".into()
            ),
        ]
    );
    assert_eq!(got.rows[0].source.to_string(), "scb.xlsx:7");
    assert_eq!(got.rows[0].account, "987-6-54321-0");
    assert_eq!(
        got.rows[0].counterparty.name.as_deref(),
        Some("นาย สมชาย ใจดี")
    );
    // A reference stored as a number reads without a fraction.
    assert_eq!(got.rows[0].reference.as_deref(), Some("20261121001"));
    let rejected = summary(&got.rejected);
    assert_eq!(rejected.len(), 2, "{rejected:#?}");
    assert_eq!(
        (
            rejected[0].0,
            rejected[0].1.as_str(),
            rejected[0].2.as_str()
        ),
        (10, "วันที่", "32 พ.ย. 2569")
    );
    assert_eq!(
        (
            rejected[1].0,
            rejected[1].1.as_str(),
            rejected[1].2.as_str()
        ),
        (11, "ฝากเงิน", "10.125")
    );
    assert!(rejected[1].3.contains("more decimals than THB allows"));
    let skipped: Vec<_> = got.skipped.iter().map(|s| s.line).collect();
    assert_eq!(skipped, vec![6, 12]);
}

#[test]
fn scb_xls_english_header_read_with_the_same_profile() {
    // Written by LibreOffice from CSV: real date-time cells, a time cell,
    // a Buddhist-era text date, an English header after two title rows.
    let profile = Profile::builtin("scb-xlsx").unwrap();
    let got = read_statement(&data("scb-english.xls"), &profile, &opts()).unwrap();
    let rows: Vec<_> = got.rows.iter().map(brief).collect();
    assert_eq!(
        rows,
        vec![
            (
                4,
                "2026-11-21T08:05:00+07:00".into(),
                "1500.50".into(),
                "THB".into()
            ),
            (
                5,
                "2026-11-21T12:40:00+07:00".into(),
                "-200.00".into(),
                "THB".into()
            ),
        ]
    );
    assert_eq!(got.rows[0].account, "987-6-54321-0");
    assert_eq!(got.rows[0].reference.as_deref(), Some("SCB2611210001"));
    let rejected = summary(&got.rejected);
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    assert_eq!(
        (
            rejected[0].0,
            rejected[0].1.as_str(),
            rejected[0].2.as_str()
        ),
        (6, "Deposit", "99.999")
    );
    assert_eq!(
        got.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
        vec![7]
    );
}

#[test]
fn footer_rows_without_a_date_are_skipped_only_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("footer.csv");
    std::fs::write(
        &path,
        "account,booked_at,amount,currency,counterparty_name,counterparty_account,counterparty_bank,reference,description\n\
         A,2026-11-21T09:00:00+07:00,1.00,THB,,,,,\n\
         A,,2.00,THB,,,,,missing date in the middle\n\
         A,2026-11-21T10:00:00+07:00,3.00,THB,,,,,\n\
         Generated by the bank portal,,,,,,,,\n\
         Page 1,,,,,,,,\n",
    )
    .unwrap();
    let got = read_statement(&path, &Profile::builtin("canonical").unwrap(), &opts()).unwrap();
    assert_eq!(
        got.rows.iter().map(|l| l.source.line).collect::<Vec<_>>(),
        vec![2, 4]
    );
    let rejected = summary(&got.rejected);
    assert_eq!(
        rejected,
        vec![(3, "booked_at".into(), "".into(), "date is empty".into())]
    );
    let skipped: Vec<_> = got.skipped.iter().map(|s| s.line).collect();
    assert_eq!(skipped, vec![5, 6]);
    assert!(
        got.skipped[0]
            .reason
            .contains("Generated by the bank portal")
    );
}

#[test]
fn a_custom_profile_from_toml_reads_semicolons_and_decimal_commas() {
    let dir = tempfile::tempdir().unwrap();
    let profile_path = dir.path().join("mybank.toml");
    std::fs::write(
        &profile_path,
        r#"
description = "test bank"
delimiter = ";"
date_formats = ["%d.%m.%Y %H:%M"]
currency = "THB"
[numbers]
thousands = "."
decimal = ","
[columns]
date = "Datum"
amount = "Betrag"
counterparty_name = "Name"
"#,
    )
    .unwrap();
    let profile = Profile::from_path(&profile_path).unwrap();
    assert_eq!(profile.name, "mybank");
    let path = dir.path().join("s.csv");
    std::fs::write(
        &path,
        "Datum;Betrag;Name\n21.11.2569 14:05;1.500,25;Somchai\n21.11.2026 14:06;-0,50;X\n",
    )
    .unwrap();
    let got = read_statement(&path, &profile, &opts()).unwrap();
    let rows: Vec<_> = got.rows.iter().map(brief).collect();
    assert_eq!(
        rows,
        vec![
            (
                2,
                "2026-11-21T14:05:00+07:00".into(),
                "1500.25".into(),
                "THB".into()
            ),
            (
                3,
                "2026-11-21T14:06:00+07:00".into(),
                "-0.50".into(),
                "THB".into()
            ),
        ]
    );
}

#[test]
fn a_row_in_another_encoding_is_rejected_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.csv");
    let mut bytes = b"account,booked_at,amount,currency,counterparty_name,counterparty_account,counterparty_bank,reference,description\n".to_vec();
    bytes.extend_from_slice(b"A,2026-11-21T09:00:00+07:00,1.00,THB,ok,,,,\n");
    // "\xC3\xC7\xC1" is Windows-874 for a Thai word: not UTF-8.
    bytes.extend_from_slice(b"A,2026-11-21T09:01:00+07:00,2.00,THB,\xC3\xC7\xC1,,,,\n");
    bytes.extend_from_slice("A,2026-11-21T09:02:00+07:00,3.00,THB,สมชาย,,,,\n".as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let got = read_statement(&path, &Profile::builtin("canonical").unwrap(), &opts()).unwrap();
    assert_eq!(
        got.rows.iter().map(|l| l.source.line).collect::<Vec<_>>(),
        vec![2, 4]
    );
    assert_eq!(got.rows[1].counterparty.name.as_deref(), Some("สมชาย"));
    assert_eq!(got.rejected.len(), 1);
    assert_eq!(got.rejected[0].line, Some(3));
    assert_eq!(got.rejected[0].column.as_deref(), Some("counterparty_name"));
    assert!(
        got.rejected[0]
            .reason
            .starts_with("text is not valid UTF-8"),
        "{}",
        got.rejected[0].reason
    );
}

#[test]
fn every_encoding_spelling_reads_the_same_kbank_rows() {
    let base = Profile::builtin("kbank-csv").unwrap();
    let expected = read_statement(&data("kbank.csv"), &base, &opts()).unwrap();
    assert_eq!(expected.rows.len(), 4);
    for label in ["tis-620", "TIS-620", "cp874", "auto"] {
        let mut p = base.clone();
        p.encoding = label.into();
        let got = read_statement(&data("kbank.csv"), &p, &opts()).unwrap();
        assert_eq!(got, expected, "{label}");
    }
    // The same statement saved as UTF-8 with a BOM reads the same with the
    // Windows-874 profile: the BOM is the file's own word on its encoding.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kbank.csv");
    let bytes = std::fs::read(data("kbank.csv")).unwrap();
    let (text, _, _) = encoding_rs::WINDOWS_874.decode(&bytes);
    std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
    let got = read_statement(&path, &base, &opts()).unwrap();
    assert_eq!(got, expected);
}
