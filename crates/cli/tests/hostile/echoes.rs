//! What reports echo of hostile input: a bidirectional control character
//! (which makes text display other than it holds) is shown, never obeyed,
//! in every file a person reads; a reason quoting a broken value quotes a
//! short piece of it, never kilobytes.

use std::io::Read;

use crate::common::{HostileDay, csv_cells};

const BIDI: &[char] = &[
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
];

/// Replaces the first occurrence of `from` in a slip's saved body.
fn edit_slip(day: &HostileDay, slip: &str, from: &str, to: &str) {
    let rel = format!("slips/{slip}");
    let text = String::from_utf8(day.read(&rel)).unwrap();
    assert!(text.contains(from), "{from} not in {slip}");
    day.write(&rel, text.replacen(from, to, 1));
}

/// Every text a person reads: the CSVs, the page, the workbook's XML.
fn report_texts(day: &HostileDay) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(day.report_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let part_name = format!("{name}/{}", part.name().unwrap_or_default());
                let mut xml = String::new();
                part.read_to_string(&mut xml).unwrap();
                out.push((part_name, xml));
            }
        } else if name.ends_with(".csv") || name.ends_with(".html") {
            out.push((name, String::from_utf8(bytes).unwrap()));
        }
    }
    out
}

#[test]
fn bidi_controls_are_shown_not_obeyed_in_every_report() {
    let day = HostileDay::new();
    // An order row with an isolate in its id: quarantined, and the
    // quarantine quotes the value.
    let mut orders = day.read("orders/orders.csv");
    orders.extend_from_slice(
        "ORD-\u{2067}20261121-9999,Somchai,100.00,THB,2026-11-21T10:00:00+07:00,\n".as_bytes(),
    );
    day.write("orders/orders.csv", orders);
    day.reconcile().assert_finished_with_exceptions();

    let quarantined = day.quarantined("orders.csv");
    assert!(
        quarantined.iter().any(|r| r["reason"].contains("U+2067")),
        "{quarantined:?}"
    );
    let mut shown = 0;
    for (name, text) in report_texts(&day) {
        if let Some(c) = text.chars().find(|c| BIDI.contains(c)) {
            panic!("{name} carries U+{:04X}", c as u32);
        }
        shown += text.matches('\u{FFFD}').count();
    }
    // The quarantine quotes the value in its CSV and in the workbook.
    assert!(shown >= 2, "the control is not shown anywhere ({shown})");
}

#[test]
fn a_reason_quotes_a_broken_value_short() {
    let day = HostileDay::new();
    let huge = "9".repeat(5_000) + &"A".repeat(5_000);
    edit_slip(
        &day,
        "ORD-20261121-0002.json",
        "\"amount\": 22037.80,",
        &format!("\"amount\": \"{huge}\","),
    );
    edit_slip(
        &day,
        "ORD-20261121-0003.json",
        r#""transRef": ""#,
        &format!(r#""transRef": {{"x": "{huge}"}}, "was": ""#),
    );
    day.reconcile().assert_finished_with_exceptions();

    for (file, row) in [
        (
            "ORD-20261121-0002",
            day.orders()["ORD-20261121-0002"].clone(),
        ),
        (
            "ORD-20261121-0003",
            day.orders()["ORD-20261121-0003"].clone(),
        ),
    ] {
        assert_eq!(row["status"], "unreadable_slip", "{file}: {row:?}");
        assert!(
            row["reasons"].len() < 1_500,
            "{file}: {} bytes of reasons",
            row["reasons"].len()
        );
    }
    for entry in std::fs::read_dir(day.report_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            for cell in csv_cells(&std::fs::read(&path).unwrap()) {
                assert!(
                    cell.chars().count() <= 1_200,
                    "{}: a cell of {} characters",
                    path.display(),
                    cell.chars().count()
                );
            }
        }
    }
    let html = day.report_bytes("summary.html");
    assert!(!String::from_utf8_lossy(&html).contains(&"A".repeat(300)));
}
