//! The CSV files and summary.json: contract columns, encoding, row order,
//! formula defusing, snapshots, and byte-identical reruns.

mod common;

use std::fs;
use std::path::Path;

use common::{DAY, EVIL_NAME, fixture};
use recon_report::{REPORT_FILES, day_summary, write_day_reports, write_day_reports_with};

const BOM: &str = "\u{FEFF}";

/// Reads a CSV report, checks BOM and CRLF, and returns its text with the
/// BOM removed and LF line ends (for snapshots).
fn csv_text(path: &Path) -> String {
    let bytes = fs::read(path).unwrap();
    let text = String::from_utf8(bytes).expect("UTF-8");
    let body = text.strip_prefix(BOM).expect("starts with a UTF-8 BOM");
    assert!(body.ends_with("\r\n"), "{path:?} ends with CRLF");
    assert!(
        !body.replace("\r\n", "").contains('\n'),
        "{path:?}: every line break is CRLF"
    );
    body.replace("\r\n", "\n")
}

fn write_full(root: &Path) -> std::path::PathBuf {
    let f = fixture();
    write_day_reports_with(root, &f.input(), &f.records()).unwrap();
    root.join(DAY)
}

#[test]
fn writes_every_file_of_the_set() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixture();
    let paths = write_day_reports(tmp.path(), &f.input()).unwrap();
    let names: Vec<_> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap())
        .collect();
    assert_eq!(names, REPORT_FILES);
    for p in &paths {
        assert_eq!(p.parent().unwrap(), tmp.path().join(DAY));
        assert!(fs::metadata(p).unwrap().len() > 100, "{p:?} is not empty");
    }
    let mut on_disk: Vec<_> = fs::read_dir(tmp.path().join(DAY))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    on_disk.sort();
    let mut expected = REPORT_FILES.to_vec();
    expected.sort();
    assert_eq!(on_disk, expected);
}

#[test]
fn reconciliation_csv_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_full(tmp.path());
    let text = csv_text(&dir.join("reconciliation.csv"));
    assert!(text.starts_with(
        "order_id,status,slip,statement_line,expected_amount,paid_amount,currency,name_score,reasons,"
    ));
    insta::assert_snapshot!("reconciliation_csv", text);
}

#[test]
fn statement_csv_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_full(tmp.path());
    let text = csv_text(&dir.join("statement.csv"));
    assert!(text.starts_with("statement_line,status,order_id,amount,currency,counterparty_name,"));
    insta::assert_snapshot!("statement_csv", text);
}

#[test]
fn exceptions_csv_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_full(tmp.path());
    let text = csv_text(&dir.join("exceptions.csv"));
    assert!(text.starts_with("kind,id,status,amount,currency,reasons,"));
    // every non-matched order (4), statement line of money in (3: the
    // -250.00 line is money out, no exception) and slip (3)
    assert_eq!(text.lines().count(), 1 + 4 + 3 + 3, "{text}");
    assert!(!text.contains("money_out"), "{text}");
    assert!(
        !text.lines().skip(1).any(|l| l.contains(",matched,")),
        "{text}"
    );
    insta::assert_snapshot!("exceptions_csv", text);
}

#[test]
fn quarantine_csv_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_full(tmp.path());
    let text = csv_text(&dir.join("quarantine.csv"));
    assert!(text.starts_with("file,line,column,value,reason\n"));
    insta::assert_snapshot!("quarantine_csv", text);
}

#[test]
fn summary_json_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_full(tmp.path());
    let text = fs::read_to_string(dir.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["day"], DAY);
    assert_eq!(v["orders"]["total"], 6);
    assert_eq!(v["orders"]["by_status"]["matched"], 2);
    assert_eq!(v["match_rate"], 0.3333);
    assert_eq!(v["orders"]["amounts"]["matched"]["THB"], "4500.00");
    // money in only; the -250.00 line is money out
    assert_eq!(
        v["statement"]["amounts"]["statement_unmatched"]["THB"],
        "700.00"
    );
    assert_eq!(v["money_out"]["amounts"]["THB"], "250.00");
    assert_eq!(v["exceptions"]["total"], 10, "rows");
    // Cases: A-1002 with its slip and line is one, A-1004 with its reused
    // slip one, A-1006 with its line one, A-1003, kbank.csv:10 and the
    // unreadable lone slip one each.
    assert_eq!(v["cases"]["open"], 6);
    assert_eq!(v["cases"]["by_status"]["amount_mismatch"], 1);
    assert_eq!(v["statement"]["by_status"]["statement_unmatched"], 2);
    assert_eq!(v["quarantine"], 2);
    assert_eq!(v["needs_review"], true);
    // the public helper agrees with the file
    let again = day_summary(&fixture().input()).to_json().unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), text);
    insta::assert_snapshot!("summary_json", text);
}

#[test]
fn formula_like_cells_are_defused_but_negative_amounts_stay_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_full(tmp.path());
    let mut reader = csv::Reader::from_path(dir.join("reconciliation.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let evil = rows.iter().find(|r| &r[0] == "A-1004").unwrap();
    assert_eq!(&evil[9], format!("'{EVIL_NAME}"));

    let mut reader = csv::Reader::from_path(dir.join("statement.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let at = rows.iter().find(|r| &r[0] == "kbank.csv:10").unwrap();
    assert_eq!(&at[5], "'@evil");
    let out = rows.iter().find(|r| &r[0] == "kbank.csv:11").unwrap();
    assert_eq!(
        &out[3], "-250.00",
        "a negative amount is a number, not a formula"
    );
    assert_eq!(&out[5], "'-SUM(A1)");

    let mut reader = csv::Reader::from_path(dir.join("quarantine.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| &r[3] == "'+31/02/2569"));

    // No cell anywhere starts with a live formula character.
    for name in [
        "reconciliation.csv",
        "statement.csv",
        "exceptions.csv",
        "quarantine.csv",
    ] {
        let mut reader = csv::Reader::from_path(dir.join(name)).unwrap();
        for rec in reader.records() {
            for cell in rec.unwrap().iter() {
                let live = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!live, "{name}: {cell:?}");
            }
        }
    }
}

#[test]
fn rerun_is_byte_identical_and_replaces_the_set() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let f = fixture();
    write_day_reports_with(a.path(), &f.input(), &f.records()).unwrap();
    let first: Vec<Vec<u8>> = REPORT_FILES
        .iter()
        .map(|n| fs::read(a.path().join(DAY).join(n)).unwrap())
        .collect();
    // Same root again (replaces the set in place) and a fresh root.
    write_day_reports_with(a.path(), &f.input(), &f.records()).unwrap();
    write_day_reports_with(b.path(), &f.input(), &f.records()).unwrap();
    for (i, name) in REPORT_FILES.iter().enumerate() {
        assert_eq!(
            fs::read(a.path().join(DAY).join(name)).unwrap(),
            first[i],
            "{name} rerun"
        );
        assert_eq!(
            fs::read(b.path().join(DAY).join(name)).unwrap(),
            first[i],
            "{name} fresh"
        );
    }
    // Nothing left beside the day folder.
    let names: Vec<_> = fs::read_dir(a.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [DAY]);
}

#[test]
fn empty_day_still_writes_headers_and_a_null_match_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let result = recon_core::DayResult {
        day: DAY.parse().unwrap(),
        orders: vec![],
        statement: vec![],
        slips: vec![],
    };
    let input = recon_report::ReportInput {
        result: &result,
        quarantine: &[],
        inputs: &[],
        trend: &[],
        tool_version: "0.1.0-test",
        breaks: &[],
        decisions: &recon_core::DayDecisions::default(),
        provider_health: None,
    };
    write_day_reports(tmp.path(), &input).unwrap();
    let dir = tmp.path().join(DAY);
    assert_eq!(
        csv_text(&dir.join("exceptions.csv")),
        "kind,id,status,amount,currency,reasons,name,related,at,\
         origin_day,lifecycle,first_seen,age_days,age_bucket,resolved_by,\
         decision,with,write_off_amount,reason,note,decided_by,decided_at\n"
    );
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert!(v["match_rate"].is_null());
    assert_eq!(v["needs_review"], false);
    assert_eq!(v["orders"]["by_status"]["unpaid"], 0);
}

#[test]
fn an_unwritable_root_is_an_error_naming_the_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    fs::write(&file, "x").unwrap();
    let f = fixture();
    let err = write_day_reports(&file, &f.input()).unwrap_err();
    assert!(err.to_string().contains("not-a-dir"), "{err}");
}

#[test]
fn a_crashed_runs_staging_directory_is_cleaned_and_old_reports_stay_until_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixture();
    write_day_reports(tmp.path(), &f.input()).unwrap();
    let day = tmp.path().join(DAY);
    let before = fs::read(day.join("summary.json")).unwrap();

    // What a run killed mid-write leaves: a half staging directory.
    let half = tmp.path().join(format!(".{DAY}.tmp-4242"));
    fs::create_dir(&half).unwrap();
    fs::write(half.join("reconciliation.csv"), "order_id\r\nhalf").unwrap();
    // The complete old set is still what readers see.
    assert_eq!(fs::read(day.join("summary.json")).unwrap(), before);

    write_day_reports_with(tmp.path(), &f.input(), &f.records()).unwrap();
    assert!(!half.exists(), "staging leftovers are removed");
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, [DAY]);
    // The new set is complete (records add the times).
    let rec = fs::read_to_string(day.join("reconciliation.csv")).unwrap();
    assert!(rec.contains("2026-11-21T09:10:00+07:00"));
}
