//! `recon eval` as a finance team runs it: a labelled truth folder and one
//! day's report folder in, figures on stdout, exit code 0; a broken input
//! is exit code 1 with a message naming the file, the line and the column.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::text;

const BOM: &str = "\u{feff}";

/// Runs `recon eval --truth T --reports R [extra]` in `dir`.
fn eval(dir: &Path, truth: &Path, reports: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_recon"))
        .current_dir(dir)
        .arg("eval")
        .arg("--truth")
        .arg(truth)
        .arg("--reports")
        .arg(reports)
        .args(extra)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Report rows as Recon writes them: BOM, CRLF, more columns than eval reads.
fn report_csv(header: &str, rows: &[&str]) -> String {
    let mut s = format!("{BOM}{header}\r\n");
    for r in rows {
        s.push_str(r);
        s.push_str("\r\n");
    }
    s
}

/// A labelled day and a report of it whose figures are worked out by hand:
///
/// orders (truth -> reported)
///   O-1 matched -> matched, O-2 matched -> name_mismatch (false alarm),
///   O-3 amount_mismatch -> matched (false match), O-4 duplicate_slip ->
///   duplicate_slip, O-5 unpaid -> unpaid, O-6 matched -> (missing),
///   O-10 name_mismatch -> name_mismatch, =X-7 receiver_mismatch ->
///   receiver_mismatch (written '=X-7 in the report); O-9 only in the report.
///   correct 5 of 8 = 0.6250; fraud: O-3 (not flagged), O-4, =X-7 -> 2/3.
/// statement lines
///   k.csv:2 matched O-1 -> matched O-1, k.csv:3 matched O-2 -> matched O-5
///   (wrong link), k.csv:10 statement_unmatched -> matched O-3 (false match),
///   k.csv:4 matched O-4 -> statement_unmatched (false alarm).
struct Day {
    _dir: tempfile::TempDir,
    root: PathBuf,
    truth: PathBuf,
    reports: PathBuf,
}

fn day() -> Day {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let truth = root.join("truth/2026-09-01");
    let reports = root.join("reports/2026-09-01");
    fs::create_dir_all(&truth).unwrap();
    fs::create_dir_all(&reports).unwrap();
    fs::write(
        truth.join("truth_orders.csv"),
        "order_id,status\nO-1,matched\nO-2,matched\nO-3,amount_mismatch\nO-4,duplicate_slip\n\
         O-5,unpaid\nO-6,matched\nO-10,name_mismatch\n=X-7,receiver_mismatch\n",
    )
    .unwrap();
    fs::write(
        truth.join("truth_statement.csv"),
        "statement_line,status,order_id\nk.csv:2,matched,O-1\nk.csv:3,matched,O-2\n\
         k.csv:10,statement_unmatched,\nk.csv:4,matched,O-4\n",
    )
    .unwrap();
    fs::write(
        reports.join("reconciliation.csv"),
        report_csv(
            "order_id,status,slip,statement_line,expected_amount,paid_amount,currency,name_score,reasons,origin_day",
            &[
                "O-10,name_mismatch,s10.json,k.csv:9,10.00,10.00,THB,0.400,name_score=0.400,2026-09-01",
                "O-1,matched,s1.json,k.csv:2,10.00,10.00,THB,1.000,,2026-09-01",
                "O-2,name_mismatch,s2.json,k.csv:3,10.00,10.00,THB,0.300,\"short_by=1.00 THB; name_score=0.300\",2026-09-01",
                "O-3,matched,s3.json,k.csv:10,10.00,10.00,THB,1.000,,2026-09-01",
                "O-4,duplicate_slip,s4.json,,10.00,,THB,,original=O-1,2026-09-01",
                "O-5,unpaid,,,10.00,,THB,,,2026-09-01",
                "'=X-7,receiver_mismatch,s7.json,,10.00,,THB,,,2026-09-01",
                "O-9,matched,s9.json,k.csv:11,10.00,10.00,THB,1.000,,2026-09-01",
            ],
        ),
    )
    .unwrap();
    fs::write(
        reports.join("statement.csv"),
        report_csv(
            "statement_line,status,order_id,amount,currency,counterparty_name,origin_day",
            &[
                "k.csv:2,matched,O-1,10.00,THB,A,2026-09-01",
                "k.csv:3,matched,O-5,10.00,THB,B,2026-09-01",
                "k.csv:10,matched,O-3,10.00,THB,C,2026-09-01",
                "k.csv:4,statement_unmatched,,10.00,THB,D,2026-09-01",
            ],
        ),
    )
    .unwrap();
    Day {
        _dir: dir,
        root,
        truth,
        reports,
    }
}

#[test]
fn prints_the_figures_worked_out_by_hand() {
    let d = day();
    let out = eval(&d.root, &d.truth, &d.reports, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let s = stdout(&out);
    let lines: Vec<&str> = s.lines().collect();
    let has = |want: &str| {
        assert!(lines.contains(&want), "no line {want:?} in:\n{s}");
    };
    has("orders: truth 8, reported 8, missing 1, extra 1");
    has("  missing: O-6");
    has("  extra: O-9");
    // status, precision, recall, truth, reported (over the truth's orders).
    has("  status                 precision   recall   truth  reported");
    has("  amount_mismatch                -   0.0000       1         0");
    has("  duplicate_slip            1.0000   1.0000       1         1");
    has("  matched                   0.5000   0.3333       3         2");
    has("  name_mismatch             0.5000   1.0000       1         2");
    has("  receiver_mismatch         1.0000   1.0000       1         1");
    has("  unpaid                    1.0000   1.0000       1         1");
    has("order accuracy 0.6250 (5 of 8 correct)");
    has("false matches 1: O-3");
    has("false alarms 1: O-2");
    has("fraud flagged 2/3 (recall 0.6667)");
    has("confusions (truth -> reported, 3 of 3):");
    has("  amount_mismatch -> matched: 1 (O-3)");
    has("  matched -> (missing): 1 (O-6)");
    has("  matched -> name_mismatch: 1 (O-2)");
    has("statement lines: truth 4, reported 4, missing 0, extra 0");
    has("  matched                   0.6667   0.6667       3         3");
    has("  statement_unmatched       0.0000   0.0000       1         1");
    has("statement accuracy 0.5000 (2 of 4 correct)");
    has("statement false matches 1: k.csv:10");
    has("statement false alarms 1: k.csv:4");
    has("statement confusions (truth -> reported, 2 of 2):");
    has("  matched -> statement_unmatched: 1 (k.csv:4)");
    has("  statement_unmatched -> matched: 1 (k.csv:10)");
    has("wrong links 1: k.csv:3 (reported O-5, truth O-2)");
    // The per-status rows come sorted by the status word.
    let table: Vec<&str> = lines
        .iter()
        .take_while(|l| !l.starts_with("order accuracy"))
        .filter(|l| {
            l.starts_with("  ") && !l.contains(':') && !l.trim_start().starts_with("status")
        })
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let mut sorted = table.clone();
    sorted.sort_unstable();
    assert_eq!(table, sorted);
    assert_eq!(table.len(), 6, "{s}");
    // The summary is the last line, in score.py's form.
    assert_eq!(
        lines.last(),
        Some(&"accuracy 0.6250; false matches 1; fraud flagged 2/3")
    );
    // Deterministic: the same folders print the same bytes.
    let again = eval(&d.root, &d.truth, &d.reports, &[]);
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn json_carries_the_same_figures() {
    let d = day();
    let out = eval(&d.root, &d.truth, &d.reports, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let s = stdout(&out);
    assert_eq!(s.lines().count(), 1, "one object on one line: {s}");
    let v: serde_json::Value = serde_json::from_str(&s).unwrap();
    let o = &v["orders"];
    assert_eq!(o["truth"], 8);
    assert_eq!(o["reported"], 8);
    assert_eq!(o["missing"]["count"], 1);
    assert_eq!(o["missing"]["examples"], serde_json::json!(["O-6"]));
    assert_eq!(o["extra"]["examples"], serde_json::json!(["O-9"]));
    assert_eq!(o["accuracy"], 0.625);
    assert_eq!(o["correct"], 5);
    assert_eq!(o["false_matches"]["count"], 1);
    assert_eq!(o["false_matches"]["examples"], serde_json::json!(["O-3"]));
    assert_eq!(o["false_alarms"]["examples"], serde_json::json!(["O-2"]));
    assert_eq!(o["fraud"]["flagged"], 2);
    assert_eq!(o["fraud"]["total"], 3);
    assert_eq!(o["fraud"]["recall"], 0.6667);
    let matched = o["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "matched")
        .unwrap();
    assert_eq!(matched["precision"], 0.5);
    assert_eq!(matched["recall"], 0.3333);
    assert_eq!(matched["truth"], 3);
    assert_eq!(matched["reported"], 2);
    let amount = o["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "amount_mismatch")
        .unwrap();
    assert!(amount["precision"].is_null(), "{amount}");
    assert_eq!(o["confusions"][0]["truth"], "amount_mismatch");
    assert_eq!(o["confusions"][0]["reported"], "matched");
    assert!(o["confusions"][1]["reported"].is_null());
    let st = &v["statement"];
    assert_eq!(st["accuracy"], 0.5);
    assert_eq!(st["wrong_links"]["count"], 1);
    assert_eq!(
        st["wrong_links"]["examples"][0]["statement_line"],
        "k.csv:3"
    );
    assert_eq!(st["wrong_links"]["examples"][0]["reported_order_id"], "O-5");
    assert!(v["statement_not_compared"].is_null());
    assert_eq!(
        v["summary"],
        "accuracy 0.6250; false matches 1; fraud flagged 2/3"
    );
}

#[test]
fn statement_lines_are_skipped_with_a_note_when_one_side_lacks_them() {
    let d = day();
    fs::remove_file(d.reports.join("statement.csv")).unwrap();
    let out = eval(&d.root, &d.truth, &d.reports, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let s = stdout(&out);
    assert!(!s.contains("statement accuracy"), "{s}");
    assert!(
        s.contains("statement lines: not compared (no statement.csv in "),
        "{s}"
    );
    assert!(s.ends_with("accuracy 0.6250; false matches 1; fraud flagged 2/3\n"));

    fs::remove_file(d.truth.join("truth_statement.csv")).unwrap();
    let out = eval(&d.root, &d.truth, &d.reports, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout(&out).contains("statement lines: not compared (no truth_statement.csv in "),
        "{}",
        text(&out)
    );
}

/// Runs eval expecting exit code 1, nothing on stdout, and returns stderr.
fn refused(d: &Day) -> String {
    let out = eval(&d.root, &d.truth, &d.reports, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(out.stdout.is_empty(), "{}", text(&out));
    stderr(&out)
}

#[test]
fn an_unknown_status_word_names_file_line_and_column() {
    let d = day();
    fs::write(
        d.truth.join("truth_orders.csv"),
        "order_id,status\nO-1,matched\nO-2,Paid\n",
    )
    .unwrap();
    let err = refused(&d);
    let file = d.truth.join("truth_orders.csv");
    assert!(
        err.contains(&format!(
            "{}: line 3, column status: \"Paid\" is not a status (expected one of matched,",
            file.display()
        )),
        "{err}"
    );
}

#[test]
fn a_report_status_word_is_checked_too_after_the_bom() {
    let d = day();
    fs::write(
        d.reports.join("statement.csv"),
        report_csv(
            "statement_line,status,order_id",
            &["k.csv:2,matched,O-1", "k.csv:3,maybe,O-2"],
        ),
    )
    .unwrap();
    let err = refused(&d);
    let file = d.reports.join("statement.csv");
    assert!(
        err.contains(&format!(
            "{}: line 3, column status: \"maybe\"",
            file.display()
        )),
        "{err}"
    );
}

#[test]
fn a_missing_column_names_the_file_and_the_header() {
    let d = day();
    fs::write(
        d.reports.join("reconciliation.csv"),
        report_csv("order,status", &["O-1,matched"]),
    )
    .unwrap();
    let err = refused(&d);
    let file = d.reports.join("reconciliation.csv");
    assert!(
        err.contains(&format!(
            "{}: line 1: no column order_id (the header is `order,status`",
            file.display()
        )),
        "{err}"
    );
}

#[test]
fn a_missing_file_is_named() {
    let d = day();
    fs::remove_file(d.truth.join("truth_orders.csv")).unwrap();
    let err = refused(&d);
    let file = d.truth.join("truth_orders.csv");
    assert!(
        err.contains(&format!("{}: cannot read (", file.display())),
        "{err}"
    );
    assert!(err.contains("truth_orders.csv (order_id,status)"), "{err}");

    let d = day();
    let out = eval(&d.root, &d.truth, &d.root.join("nowhere"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}: cannot read (",
            d.root.join("nowhere/reconciliation.csv").display()
        )),
        "{err}"
    );
}

#[test]
fn an_id_given_twice_names_both_lines() {
    let d = day();
    fs::write(
        d.reports.join("reconciliation.csv"),
        report_csv(
            "order_id,status",
            &["O-1,matched", "O-2,unpaid", "'=X-7,unpaid", "=X-7,matched"],
        ),
    )
    .unwrap();
    let err = refused(&d);
    let file = d.reports.join("reconciliation.csv");
    assert!(
        err.contains(&format!(
            "{}: line 5, column order_id: \"=X-7\" appears twice, on line 4 and on line 5",
            file.display()
        )),
        "{err}"
    );
}
