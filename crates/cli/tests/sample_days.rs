//! The `recon` binary on the committed sample days, compared with the
//! outcome the generator planted, plus the run-level guarantees: rerun
//! determinism, the day lock, exit codes and clear failures.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{read_csv, text, workspace};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn reports(&self) -> PathBuf {
        self.dir.path().join("reports")
    }

    fn ledger(&self) -> PathBuf {
        self.dir.path().join("var/ledger.sqlite")
    }

    fn recon(&self, args: &[&str]) -> Output {
        self.recon_with_data(&workspace().join("sample-data"), args)
    }

    fn recon_with_data(&self, data: &Path, args: &[&str]) -> Output {
        let ws = workspace();
        recon_cmd()
            .current_dir(self.dir.path())
            .arg("--config")
            .arg(ws.join("jobs/nightly.toml"))
            .args(args)
            .arg("--data")
            .arg(data)
            .arg("--out")
            .arg(self.reports())
            .arg("--ledger")
            .arg(self.ledger())
            .env("RECON_LOG", "warn")
            .output()
            .unwrap()
    }

    fn reconcile(&self, day: &str) -> Output {
        self.recon(&["reconcile", "--day", day])
    }
}

fn statuses(rows: &[BTreeMap<String, String>], key: &str) -> BTreeMap<String, String> {
    rows.iter()
        .map(|r| (r[key].clone(), r["status"].clone()))
        .collect()
}

fn assert_same_statuses(
    what: &str,
    got: &BTreeMap<String, String>,
    want: &BTreeMap<String, String>,
) {
    let mut diffs = Vec::new();
    for (k, w) in want {
        match got.get(k) {
            Some(g) if g == w => {}
            Some(g) => diffs.push(format!("{k}: got {g}, planted {w}")),
            None => diffs.push(format!("{k}: missing from the report (planted {w})")),
        }
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        diffs.push(format!("{k}: in the report but not planted"));
    }
    assert!(
        diffs.is_empty(),
        "{what} differs from the planted outcome:\n{}",
        diffs.join("\n")
    );
}

/// The rows of the day's own items; rows carried over from earlier days
/// must name an earlier day as their origin.
fn own_rows(day: &str, rows: Vec<BTreeMap<String, String>>) -> Vec<BTreeMap<String, String>> {
    let (own, carried): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r["origin_day"] == day);
    for r in &carried {
        assert!(
            r["origin_day"].as_str() < day,
            "{day}: a carried row must come from an earlier day: {r:?}"
        );
    }
    own
}

fn check_day_against_expected(env: &Env, day: &str) {
    let expected = workspace().join("sample-data").join(day).join("expected");
    let reports = env.reports().join(day);

    let got = own_rows(day, read_csv(&reports.join("reconciliation.csv")));
    let want = read_csv(&expected.join("reconciliation.csv"));
    assert_same_statuses(
        &format!("{day} orders"),
        &statuses(&got, "order_id"),
        &statuses(&want, "order_id"),
    );

    let got = own_rows(day, read_csv(&reports.join("statement.csv")));
    let want = read_csv(&expected.join("statement.csv"));
    assert_same_statuses(
        &format!("{day} statement lines"),
        &statuses(&got, "statement_line"),
        &statuses(&want, "statement_line"),
    );

    let positions = |rows: Vec<BTreeMap<String, String>>| -> Vec<(String, String)> {
        let mut v: Vec<_> = rows
            .into_iter()
            .map(|r| (r["file"].clone(), r["line"].clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        positions(read_csv(&reports.join("quarantine.csv"))),
        positions(read_csv(&expected.join("quarantine.csv"))),
        "{day}: quarantined rows differ from the planted malformed rows"
    );
}

#[test]
fn sample_days_reconcile_to_the_planted_outcome() {
    let env = Env::new();
    for day in ["2026-11-20", "2026-11-21"] {
        let out = env.reconcile(day);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{day}: planted problems mean exit 2\n{}",
            text(&out)
        );
        for file in [
            "reconciliation.csv",
            "statement.csv",
            "exceptions.csv",
            "quarantine.csv",
            "summary.json",
            "reconciliation.xlsx",
            "summary.html",
        ] {
            let path = env.reports().join(day).join(file);
            assert!(path.is_file(), "{day}: {file} missing");
        }
        check_day_against_expected(&env, day);
    }
}

#[test]
fn contract_columns_and_bom() {
    let env = Env::new();
    env.reconcile("2026-11-20");
    let dir = env.reports().join("2026-11-20");
    let first_line = |f: &str| {
        let bytes = fs::read(dir.join(f)).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{f} has no UTF-8 BOM");
        String::from_utf8(bytes[3..].to_vec())
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_string()
    };
    assert!(
        first_line("reconciliation.csv")
            .starts_with("order_id,status,slip,statement_line,expected_amount,paid_amount,currency,name_score,reasons"),
        "{}",
        first_line("reconciliation.csv")
    );
    assert!(
        first_line("statement.csv")
            .starts_with("statement_line,status,order_id,amount,currency,counterparty_name"),
        "{}",
        first_line("statement.csv")
    );
    assert!(first_line("quarantine.csv").starts_with("file,line,column,value,reason"));
}

#[test]
fn rerun_gives_byte_identical_reports() {
    let env = Env::new();
    env.reconcile("2026-11-20");
    let first = env.reconcile("2026-11-21");
    assert_eq!(first.status.code(), Some(2), "{}", text(&first));
    let dir = env.reports().join("2026-11-21");
    let snapshot = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    };
    let before = snapshot(&dir);
    let again = env.reconcile("2026-11-21");
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    let after = snapshot(&dir);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(
            after[name] == *bytes,
            "{name} changed between two runs of the same inputs"
        );
    }
    // The rerun replaced the day in the ledger instead of adding to it, so
    // the reused slips of day 21 are still duplicates of day 20 only.
    let rows = read_csv(&dir.join("reconciliation.csv"));
    assert!(
        rows.iter()
            .any(|r| r["status"] == "duplicate_slip" && r["reasons"].contains("2026-11-20"))
    );
}

#[test]
fn a_locked_day_fails_clearly_and_leaves_reports_alone() {
    let env = Env::new();
    assert_eq!(env.reconcile("2026-11-20").status.code(), Some(2));
    let report = env.reports().join("2026-11-20/reconciliation.csv");
    let before = fs::read(&report).unwrap();

    let ledger = recon_ledger::Ledger::open(&env.ledger()).unwrap();
    let _held = ledger
        .lock_day("2026-11-20".parse().unwrap(), false)
        .unwrap();
    let out = env.reconcile("2026-11-20");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("2026-11-20"), "{}", text(&out));
    assert_eq!(fs::read(&report).unwrap(), before);
}

#[test]
fn missing_day_and_bad_config_are_failures_with_a_message() {
    let env = Env::new();
    let out = env.reconcile("2026-01-01");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("no input folder for 2026-01-01"),
        "{}",
        text(&out)
    );

    let bad = env.dir.path().join("bad.toml");
    fs::write(&bad, "timezon = \"Asia/Bangkok\"\n").unwrap();
    let out = recon_cmd()
        .args([
            "--config",
            bad.to_str().unwrap(),
            "reconcile",
            "--day",
            "2026-11-20",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("bad.toml") && text(&out).contains("timezon"),
        "{}",
        text(&out)
    );
}

#[test]
fn history_and_status_read_the_ledger() {
    let env = Env::new();
    env.reconcile("2026-11-20");
    env.reconcile("2026-11-21");
    let ledger = env.ledger();
    let out = recon_cmd()
        .args(["history", "--ledger", ledger.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(
        listing.contains("2026-11-20") && listing.contains("2026-11-21"),
        "{listing}"
    );

    let out = recon_cmd()
        .args([
            "status",
            "--day",
            "2026-11-21",
            "--ledger",
            ledger.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2026-11-21"));

    let out = recon_cmd()
        .args([
            "status",
            "--day",
            "2025-01-01",
            "--ledger",
            ledger.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

/// Every string inside a JSON value, keys included.
fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                json_strings(x, out);
            }
        }
        _ => {}
    }
}

/// Text a person reads must never show Rust's debug escapes.
fn assert_no_debug_escapes(what: &str, text: &str) {
    for bad in ["\\u{", "\\\""] {
        assert!(!text.contains(bad), "{what} contains {bad:?}");
    }
}

/// One count of cases on the command line, in summary.json and on the page;
/// money going out is no exception row; and no report file of either
/// sample day shows a Rust debug escape.
#[test]
fn sample_days_count_cases_once_and_keep_money_out_off_the_list() {
    let env = Env::new();
    for day in ["2026-11-20", "2026-11-21"] {
        let out = env.reconcile(day);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        let dir = env.reports().join(day);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with(day))
            .unwrap_or_else(|| panic!("no line for {day}: {stdout}"));
        let printed: u64 = line
            .split(" cases to review")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no case count in {line:?}"));

        let summary: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.join("summary.json")).unwrap()).unwrap();
        let cases = &summary["cases"];
        assert_eq!(cases["open"].as_u64(), Some(printed), "{day}: {line}");
        let by_status: u64 = cases["by_status"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(by_status, printed, "{day}: cases by status add up");
        // Planted amount mismatches touch an order, its slip and its line:
        // fewer cases than rows.
        let rows = summary["exceptions"]["total"].as_u64().unwrap();
        assert!(
            printed > 0 && printed < rows,
            "{day}: {printed} cases, {rows} rows"
        );
        assert_eq!(summary["needs_review"], true);

        let html = fs::read_to_string(dir.join("summary.html")).unwrap();
        assert!(
            html.contains(&format!("<span id=\"cases-open\">{printed}</span>")),
            "{day}: the page counts {printed} cases"
        );

        // Money going out stays in statement.csv, off the exception list.
        let statement = read_csv(&dir.join("statement.csv"));
        let money_out: Vec<&String> = statement
            .iter()
            .filter(|r| r["reasons"].contains("money_out"))
            .map(|r| &r["statement_line"])
            .collect();
        assert!(!money_out.is_empty(), "{day}: the sample day has money out");
        assert_eq!(
            summary["money_out"]["lines"].as_u64(),
            Some(money_out.len() as u64)
        );
        for r in statement
            .iter()
            .filter(|r| r["reasons"].contains("money_out"))
        {
            assert_eq!(r["status"], "statement_unmatched");
        }
        let exceptions = read_csv(&dir.join("exceptions.csv"));
        for r in &exceptions {
            assert!(
                !money_out.contains(&&r["id"]) && !r["reasons"].contains("money_out"),
                "{day}: money out listed as an exception: {r:?}"
            );
        }

        // No debug escapes: the text files as they are, the JSON's strings
        // (JSON itself escapes a quote as \"), the workbook's cells.
        for file in [
            "reconciliation.csv",
            "statement.csv",
            "exceptions.csv",
            "quarantine.csv",
            "summary.html",
        ] {
            let text = fs::read_to_string(dir.join(file)).unwrap();
            assert_no_debug_escapes(&format!("{day}/{file}"), &text);
        }
        let mut strings = Vec::new();
        json_strings(&summary, &mut strings);
        for s in &strings {
            assert_no_debug_escapes(&format!("{day}/summary.json"), s);
        }
        use calamine::Reader as _;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook(dir.join("reconciliation.xlsx")).unwrap();
        for sheet in wb.sheet_names() {
            let range = wb.worksheet_range(&sheet).unwrap();
            for cell in range.used_cells() {
                if let calamine::Data::String(s) = cell.2 {
                    assert_no_debug_escapes(&format!("{day}/reconciliation.xlsx {sheet}"), s);
                }
            }
        }
    }
}

/// The `recon` binary, its summary line on stdout as a person would see it.
fn recon_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.arg("--summary");
    cmd
}
