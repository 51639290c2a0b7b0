//! Statement and order CSVs that are broken the ways real exports are:
//! mixed encodings, NUL bytes, a 1 MB line, an unbalanced quote.

use crate::common::{HostileDay, assert_rest_of_day_unchanged, baseline};

const ABA: &str = "statements/aba-usd.csv";
const KBANK: &str = "statements/kbank.csv";

/// Orders the untouched day links to a line of `file`: a corruption of
/// that file may rightly change their outcome.
fn orders_using(file: &str) -> Vec<&'static str> {
    baseline()
        .iter()
        .filter(|(_, row)| row["statement_line"].starts_with(&format!("{file}:")))
        .map(|(id, _)| id.as_str())
        .collect()
}

/// The statement lines of `file` on the untouched day, in report order.
fn baseline_statement_lines(file: &str) -> Vec<String> {
    let day = HostileDay::new();
    day.reconcile().assert_finished_with_exceptions();
    day.report_rows("statement.csv")
        .into_iter()
        .map(|r| r["statement_line"].clone())
        .filter(|l| l.starts_with(&format!("{file}:")))
        .collect()
}

fn append(day: &HostileDay, rel: &str, bytes: &[u8]) {
    let mut all = day.read(rel);
    all.extend_from_slice(bytes);
    day.write(rel, all);
}

/// `n` well-formed USD money-in lines that no order claims, so that a
/// later row sits past the first 8 KB of the file.
fn filler_lines(n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            format!(
                "001 234 567,2026-11-21T20:{:02}:00+07:00,1.{:02},USD,FILLER {i},011 XXX XXX,ABA,,Incoming transfer\n",
                i % 60,
                i % 90 + 10
            )
        })
        .collect::<String>()
        .into_bytes()
}

#[test]
fn a_windows_874_row_in_a_utf8_statement_is_quarantined_with_the_encoding_named() {
    let day = HostileDay::new();
    let mut row = b"001 234 567,2026-11-21T20:00:00+07:00,77.00,USD,".to_vec();
    // "นาย สมชาย" in Windows-874, as a Thai Excel would save it.
    row.extend_from_slice(b"\xB9\xD2\xC2 \xCA\xC1\xAA\xD2\xC2");
    row.extend_from_slice(b",011 XXX XXX,ABA,,Incoming transfer\n");
    append(&day, ABA, &row);
    day.reconcile().assert_finished_with_exceptions();

    let rows = day.quarantined("aba-usd.csv");
    let hit = rows
        .iter()
        .find(|r| r["line"] == "12")
        .unwrap_or_else(|| panic!("line 12 not quarantined: {rows:?}"));
    assert_eq!(hit["column"], "counterparty_name");
    assert!(hit["reason"].contains("UTF-8"), "{hit:?}");
    assert!(hit["reason"].contains("Windows-874"), "{hit:?}");
    assert_rest_of_day_unchanged(&day, &[]);
}

#[test]
fn a_utf8_row_in_a_windows_874_statement_is_read_right_or_quarantined() {
    let day = HostileDay::new();
    let text = day.read(KBANK);
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    let row =
        "21/11/2569,23:10,รับโอนเงิน,,77.00,\"900,000.00\",K PLUS,นาย สมชาย ใจดี,xxx-x-x1234-x,\r";
    // After the header (line 5) and two data rows: physical line 8.
    lines.insert(7, row.as_bytes());
    day.write(KBANK, lines.join(&b'\n'));
    day.reconcile().assert_finished_with_exceptions();

    let statement = day.report_rows("statement.csv");
    let line = statement
        .iter()
        .find(|r| r["statement_line"] == "kbank.csv:8");
    let quarantined = day
        .quarantined("kbank.csv")
        .into_iter()
        .find(|r| r["line"] == "8");
    match (line, quarantined) {
        (Some(l), None) => assert_eq!(l["counterparty_name"], "นาย สมชาย ใจดี", "{l:?}"),
        (None, Some(q)) => assert!(q["reason"].contains("UTF-8"), "{q:?}"),
        other => panic!("line 8 should be read or quarantined, once: {other:?}"),
    }
    // Mojibake of Thai UTF-8 read as Windows-874 starts with "เธ".
    let all = String::from_utf8_lossy(&day.report_bytes("statement.csv")).into_owned();
    assert!(!all.contains("เธ"), "mojibake reached statement.csv");
}

#[test]
fn a_nul_byte_near_the_top_quarantines_its_row_and_keeps_the_file() {
    let day = HostileDay::new();
    let mut text = day.read(ABA);
    let at = text.iter().position(|&b| b == b'\n').unwrap() + 30;
    text.insert(at, 0);
    day.write(ABA, text);
    let run = day.reconcile();
    run.assert_finished_with_exceptions();

    let rows = day.quarantined("aba-usd.csv");
    let nul: Vec<_> = rows
        .iter()
        .filter(|r| r["reason"].contains("NUL"))
        .collect();
    assert_eq!(nul.len(), 1, "{rows:?}");
    assert_eq!(
        nul[0]["line"], "2",
        "the first data row holds the byte: {rows:?}"
    );
    assert!(!nul[0]["value"].contains('\0'), "{rows:?}");
    // Every other line of the file is still on the statement.
    let statement = day.report_rows("statement.csv");
    let before = baseline_statement_lines("aba-usd.csv");
    let now: Vec<&str> = statement
        .iter()
        .map(|r| r["statement_line"].as_str())
        .filter(|l| l.starts_with("aba-usd.csv:"))
        .collect();
    let want: Vec<&str> = before
        .iter()
        .map(String::as_str)
        .filter(|l| *l != "aba-usd.csv:2")
        .collect();
    assert_eq!(now, want, "the file's other lines are read as before");
    let paid_by_line_2: Vec<&str> = baseline()
        .iter()
        .filter(|(_, row)| row["statement_line"] == "aba-usd.csv:2")
        .map(|(id, _)| id.as_str())
        .collect();
    assert_rest_of_day_unchanged(&day, &paid_by_line_2);
}

#[test]
fn a_nul_byte_deep_in_a_statement_is_quarantined_and_never_reported() {
    let day = HostileDay::new();
    let mut tail = filler_lines(200);
    tail.extend_from_slice(
        b"001 234 567,2026-11-21T21:00:00+07:00,77.00,USD,NUL\x00NAME,011 XXX XXX,ABA,,Incoming transfer\n",
    );
    append(&day, ABA, &tail);
    assert!(day.read(ABA).len() > 8192);
    day.reconcile().assert_finished_with_exceptions();

    let hit = day
        .quarantined("aba-usd.csv")
        .into_iter()
        .find(|r| r["line"] == "212");
    let hit = hit.expect("the row with the NUL byte is quarantined");
    assert!(hit["reason"].contains("NUL"), "{hit:?}");
    for entry in std::fs::read_dir(day.report_dir()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        if path.extension().is_some_and(|e| e != "xlsx") {
            assert!(!bytes.contains(&0), "{} carries a NUL byte", path.display());
        }
    }
    assert_rest_of_day_unchanged(&day, &orders_using("aba-usd.csv"));
}

#[test]
fn a_one_megabyte_line_is_quarantined_and_reports_stay_small() {
    let day = HostileDay::new();
    let mut row = b"001 234 567,2026-11-21T20:00:00+07:00,77.00,USD,".to_vec();
    row.extend(std::iter::repeat_n(b'A', 1 << 20));
    row.extend_from_slice(b",011 XXX XXX,ABA,,Incoming transfer\n");
    append(&day, ABA, &row);
    day.reconcile().assert_finished_with_exceptions();

    let hit = day
        .quarantined("aba-usd.csv")
        .into_iter()
        .find(|r| r["line"] == "12")
        .expect("the 1 MB row is quarantined");
    assert!(
        hit["value"].len() < 1024,
        "the quarantine quotes a short excerpt"
    );
    for entry in std::fs::read_dir(day.report_dir()).unwrap() {
        let path = entry.unwrap().path();
        let len = std::fs::metadata(&path).unwrap().len();
        assert!(len < 256 * 1024, "{} is {len} bytes", path.display());
    }
    assert_rest_of_day_unchanged(&day, &[]);
}

#[test]
fn an_unbalanced_quote_is_named_and_swallows_no_line_silently() {
    let day = HostileDay::new();
    let text = String::from_utf8(day.read(ABA)).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 3 (a USD line): the currency cell opens a quote that never closes
    // on that line.
    assert!(lines[2].contains(",USD,"), "sample line 3: {}", lines[2]);
    lines[2] = lines[2].replacen(",USD,", ",\"USD,", 1);
    day.write(ABA, lines.join("\n") + "\n");
    day.reconcile().assert_finished_with_exceptions();

    let rows = day.quarantined("aba-usd.csv");
    let hit = rows
        .iter()
        .find(|r| r["line"] == "3")
        .unwrap_or_else(|| panic!("line 3 not quarantined: {rows:?}"));
    assert!(hit["reason"].to_lowercase().contains("quote"), "{hit:?}");
    // Every physical line after it is a statement line or a quarantine row
    // of its own: none disappears inside the runaway cell.
    let statement = day.report_rows("statement.csv");
    for n in 4..=lines.len() {
        let line = n.to_string();
        let read = statement
            .iter()
            .any(|r| r["statement_line"] == format!("aba-usd.csv:{n}"));
        let quarantined = rows.iter().any(|r| r["line"] == line);
        assert!(read || quarantined, "aba-usd.csv line {n} was lost");
    }
}

#[test]
fn an_order_export_with_an_unbalanced_quote_keeps_the_other_files() {
    // The orders file is the one every status depends on; a broken quote in
    // its last row must cost that row only.
    let day = HostileDay::new();
    let mut text = day.read("orders/orders.csv");
    text.extend_from_slice(
        b"ORD-20261121-9999,\"Unclosed Name,10.00,THB,2026-11-21T10:00:00+07:00,\n",
    );
    day.write("orders/orders.csv", text);
    day.reconcile().assert_finished_with_exceptions();

    let rows = day.quarantined("orders.csv");
    let hit = rows
        .iter()
        .find(|r| r["line"] == "58")
        .unwrap_or_else(|| panic!("the broken last row (line 58) is quarantined: {rows:?}"));
    assert!(hit["reason"].to_lowercase().contains("quote"), "{hit:?}");
    assert!(
        rows.iter().all(|r| r["line"] != "57"),
        "line 57 is a good row: {rows:?}"
    );
    assert!(!day.orders().contains_key("ORD-20261121-9999"));
    assert_rest_of_day_unchanged(&day, &[]);
}
