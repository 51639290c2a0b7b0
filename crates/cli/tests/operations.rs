//! Nightly operations as cron and an operator see them: exit code 0 for a
//! clean day, `recon nightly` picking the day that just ended, JSON logs, and
//! two runs of one day at once.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::Utc;

mod common;
use common::{copy_dir, text, workspace};

fn recon(dir: &Path) -> Command {
    let mut cmd = recon_cmd();
    cmd.current_dir(dir)
        .arg("--config")
        .arg(workspace().join("jobs/nightly.toml"));
    cmd
}

/// Runs `recon reconcile` (or `nightly` when `day` is None) on `data`.
fn run_day(dir: &Path, data: &Path, day: Option<&str>, extra: &[&str]) -> Output {
    let mut cmd = recon(dir);
    match day {
        Some(d) => cmd.args(["reconcile", "--day", d]),
        None => cmd.arg("nightly"),
    };
    cmd.arg("--data")
        .arg(data)
        .arg("--out")
        .arg(dir.join("reports"))
        .arg("--ledger")
        .arg(dir.join("ledger.sqlite"))
        .args(extra)
        .env("RECON_LOG", "info")
        .output()
        .unwrap()
}

const NO_PROBLEMS: &str = "[rates]
unpaid = 0.0
paid_without_slip = 0.0
line_without_reference = 0.0
name_typo = 0.0
masked_line_name = 0.0
other_payer = 0.0
amount_mismatch = 0.0
duplicate_slip = 0.0
prior_day_duplicate = 0.0
receiver_mismatch = 0.0
slip_not_on_statement = 0.0
name_mismatch = 0.0
unreadable_slip = 0.0
malformed_order = 0.0
unknown_transfer = 0.0
money_out = 0.0
malformed_statement_line = 0.0
";

#[test]
fn a_clean_day_exits_zero_and_a_day_with_problems_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let rates = dir.path().join("rates.toml");
    fs::write(&rates, NO_PROBLEMS).unwrap();
    let data = dir.path().join("data");
    common::gen_day(&[
        "--day",
        "2026-11-21",
        "--orders",
        "30",
        "--seed",
        "5",
        "--out",
        data.to_str().unwrap(),
        "--rates",
        rates.to_str().unwrap(),
    ]);

    let clean = run_day(dir.path(), &data, Some("2026-11-21"), &[]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "a day without problems is clean\n{}",
        text(&clean)
    );
    assert!(
        String::from_utf8_lossy(&clean.stdout)
            .contains("30 orders, 30 matched, 0 cases to review, 0 quarantined rows"),
        "{}",
        text(&clean)
    );

    // The same shop a day later, with the default mix of problems.
    common::gen_day(&[
        "--day",
        "2026-11-22",
        "--orders",
        "60",
        "--seed",
        "5",
        "--out",
        data.to_str().unwrap(),
    ]);
    let busy = run_day(dir.path(), &data, Some("2026-11-22"), &[]);
    assert_eq!(busy.status.code(), Some(2), "{}", text(&busy));
}

#[test]
fn nightly_reconciles_the_day_that_just_ended_in_bangkok() {
    let dir = tempfile::tempdir().unwrap();
    // The day that ended last in Asia/Bangkok with a 00:00 cut-off, computed
    // independently of the code under test.
    let yesterday = (Utc::now() + chrono::Duration::hours(7))
        .date_naive()
        .pred_opt()
        .unwrap();
    let yesterday = yesterday.format("%Y-%m-%d").to_string();
    let data = dir.path().join("data");
    copy_dir(
        &workspace().join("sample-data/2026-11-20"),
        &data.join(&yesterday),
    );

    let out = run_day(dir.path(), &data, None, &[]);
    // The sample day's planted problems make it exit 2; what matters is that
    // the run found yesterday's folder and wrote its reports.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        dir.path()
            .join("reports")
            .join(&yesterday)
            .join("summary.json")
            .is_file()
    );
}

#[test]
fn json_logs_are_one_object_per_line_without_full_account_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_day(
        dir.path(),
        &workspace().join("sample-data"),
        Some("2026-11-20"),
        &["--log-format", "json"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8(out.stderr).unwrap();
    let mut stages = Vec::new();
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        let event: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
        assert!(
            event.get("level").is_some() && event.get("timestamp").is_some(),
            "{line}"
        );
        if event["message"] == "stage done" {
            stages.push(event["stage"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        stages,
        [
            "inputs",
            "ingest",
            "slips",
            "prior_uses",
            "carry",
            "match",
            "report",
            "ledger"
        ]
    );
    assert!(
        !stderr.contains("123-4-56789-0"),
        "our full account number is in the log"
    );
}

#[test]
fn two_runs_of_one_day_at_once_take_turns_and_agree() {
    let dir = tempfile::tempdir().unwrap();
    let data = workspace().join("sample-data");
    let spawn = || {
        recon(dir.path())
            .args(["reconcile", "--day", "2026-11-20", "--wait", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.path().join("reports"))
            .arg("--ledger")
            .arg(dir.path().join("ledger.sqlite"))
            .env("RECON_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert_eq!(a.status.code(), Some(2), "{}", text(&a));
    assert_eq!(b.status.code(), Some(2), "{}", text(&b));
    assert_eq!(a.stdout, b.stdout, "both runs must reach the same verdict");

    // The lock serialised them: two complete runs, neither cut short.
    let ledger = recon_ledger::Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    let history = ledger.history(10).unwrap();
    assert_eq!(history.len(), 2, "both runs are in the ledger");
    assert!(
        history.iter().all(|r| r.finished_at.is_some()),
        "both runs finished"
    );
}

#[test]
fn two_days_started_at_once_never_record_the_later_one_built_on_a_gap() {
    let data = workspace().join("sample-data");
    let run = |dir: &std::path::Path, day: &str| {
        recon(dir)
            .args(["reconcile", "--day", day, "--wait", "--data"])
            .arg(&data)
            .arg("--out")
            .arg(dir.join("reports"))
            .arg("--ledger")
            .arg(dir.join("ledger.sqlite"))
            .env("RECON_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    // The 21st carries the 20th's open items, run one after the other.
    let sequential = tempfile::tempdir().unwrap();
    for day in ["2026-11-20", "2026-11-21"] {
        let out = run(sequential.path(), day).wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    }
    let carried = fs::read(
        sequential
            .path()
            .join("reports/2026-11-21/reconciliation.csv"),
    )
    .unwrap();

    // Both at once: the ledger takes them in turn. Either the 20th went
    // first and the 21st carries it, or the 21st went first and the 20th
    // is refused (a day under a later one needs --cascade): never a 21st
    // recorded without the 20th's items while the 20th is recorded too.
    let together = tempfile::tempdir().unwrap();
    let (a, b) = (
        run(together.path(), "2026-11-20"),
        run(together.path(), "2026-11-21"),
    );
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert_eq!(b.status.code(), Some(2), "{}", text(&b));
    match a.status.code() {
        Some(2) => {
            let got = fs::read(
                together
                    .path()
                    .join("reports/2026-11-21/reconciliation.csv"),
            )
            .unwrap();
            assert!(
                got == carried,
                "the 21st ran beside the 20th and carried nothing from it"
            );
        }
        Some(1) => assert!(text(&a).contains("--cascade"), "{}", text(&a)),
        other => panic!("the 20th exited {other:?}: {}", text(&a)),
    }
    let out = recon(together.path())
        .args(["verify", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(together.path().join("reports"))
        .arg("--ledger")
        .arg(together.path().join("ledger.sqlite"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// The `recon` binary, its summary line on stdout as a person would see it.
fn recon_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.arg("--summary");
    cmd
}
