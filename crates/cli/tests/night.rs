//! The night as cron, systemd and an operator see it: exit codes for every
//! path (clean, exceptions, failure, usage error, bad config, a stopped OCR
//! provider), JSON logs that are JSON only and end with `run finished`,
//! stdout quiet unless a person asked, and a `recon nightly` that catches up
//! on the nights the machine was off.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, Utc};

mod common;
use common::{text, workspace};

fn recon(dir: &Path, config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.current_dir(dir)
        .arg("--config")
        .arg(config)
        .env_remove("RECON_LOG")
        .env_remove("EASYSLIP_API_KEY");
    cmd
}

fn day_flags(cmd: &mut Command, dir: &Path, data: &Path) {
    cmd.arg("--data")
        .arg(data)
        .arg("--out")
        .arg(dir.join("reports"))
        .arg("--ledger")
        .arg(dir.join("ledger.sqlite"));
}

fn nightly_toml() -> String {
    fs::read_to_string(workspace().join("jobs/nightly.toml")).unwrap()
}

/// Every line of stderr as a JSON object (panics on one that is not).
fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stderr.clone())
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {l}"))
        })
        .collect()
}

fn finished_events(events: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    events
        .iter()
        .filter(|e| e["message"] == "run finished")
        .collect()
}

#[test]
fn usage_errors_and_bad_configs_are_failures_not_exceptions() {
    let dir = tempfile::tempdir().unwrap();
    let good = workspace().join("jobs/nightly.toml");
    for args in [
        vec!["--bogus"],
        vec!["reconcile"],
        vec!["reconcile", "--day", "2026-13-40"],
        vec!["nightly", "--wiat"],
    ] {
        let out = recon(dir.path(), &good).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}\n{}", text(&out));
        assert!(
            !String::from_utf8_lossy(&out.stderr).trim().is_empty(),
            "{args:?} says why"
        );
    }
    let help = recon(dir.path(), &good).arg("--help").output().unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("nightly"));

    // A typo in the job config, and a config that is not there.
    let bad = dir.path().join("bad.toml");
    fs::write(
        &bad,
        nightly_toml()
            .replace("lookback_days", "lookbak_days")
            .replace("# lookbak_days = 45", "lookbak_days = 45"),
    )
    .unwrap();
    for config in [bad.as_path(), &dir.path().join("missing.toml")] {
        let mut cmd = recon(dir.path(), config);
        cmd.args(["reconcile", "--day", "2026-11-21", "--log-format", "json"]);
        day_flags(&mut cmd, dir.path(), &workspace().join("sample-data"));
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        let events = json_lines(&out);
        assert!(events.iter().any(|e| e["level"] == "ERROR"));
        let last = events.last().unwrap();
        assert_eq!(
            (&last["message"], &last["exit_code"]),
            (&"run finished".into(), &1.into()),
            "{last}"
        );
    }
    // A day with no input folder is a failure too, with its own final event.
    let mut cmd = recon(dir.path(), &good);
    cmd.args(["reconcile", "--day", "2026-01-01", "--log-format", "json"]);
    day_flags(&mut cmd, dir.path(), &workspace().join("sample-data"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let events = json_lines(&out);
    let last = events.last().unwrap();
    assert_eq!(last["message"], "run finished", "{last}");
    assert_eq!(last["exit_code"], 1);
    assert_eq!(last["outcome"], "failed");
    assert!(
        last["error"].as_str().unwrap().contains("2026-01-01"),
        "{last}"
    );
}

#[test]
fn json_logs_are_json_only_and_end_with_one_run_finished_event() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = recon(dir.path(), &workspace().join("jobs/nightly.toml"));
    cmd.args(["reconcile", "--day", "2026-11-21", "--log-format", "json"]);
    day_flags(&mut cmd, dir.path(), &workspace().join("sample-data"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    // stdout is a pipe here and no summary was asked for: nothing on it.
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let events = json_lines(&out);
    for e in events.iter().filter(|e| e["message"] == "stage done") {
        assert!(e["ms"].is_u64(), "ms is a number: {e}");
    }
    let finished = finished_events(&events);
    assert_eq!(finished.len(), 1);
    let last = events.last().unwrap();
    assert_eq!(last, finished[0], "run finished is the last event");
    let summary: serde_json::Value = serde_json::from_slice(
        &fs::read(dir.path().join("reports/2026-11-21/summary.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(last["day"], "2026-11-21");
    assert_eq!(last["exit_code"], 2);
    assert_eq!(last["outcome"], "exceptions");
    assert_eq!(last["cases"], summary["cases"]["open"], "{last}");
    assert_eq!(last["quarantined"], summary["quarantine"]);
    assert_eq!(last["orders"].as_u64(), Some(55));
    assert_eq!(last["provider"], "local");
    assert_eq!(last["provider_health"], "ok");
    assert_eq!(summary["provider_health"]["status"], "ok");
    assert!(last["report_dir"].as_str().unwrap().ends_with("2026-11-21"));

    // Asked for, the summary line is on stdout and agrees with the event.
    let mut cmd = recon(dir.path(), &workspace().join("jobs/nightly.toml"));
    cmd.args(["reconcile", "--day", "2026-11-21", "--summary"]);
    day_flags(&mut cmd, dir.path(), &workspace().join("sample-data"));
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!(
            "2026-11-21: 55 orders, {} matched, {} cases to review",
            last["matched"], last["cases"]
        )),
        "{stdout}"
    );
}

/// An EasySlip that answers every request with one documented error
/// (status line and JSON body), counting the requests.
fn refusing_easyslip(status: &'static str, code: &'static str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v2", listener.local_addr().unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counted.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let answer = format!(
                "{{\"success\":false,\"error\":{{\"code\":\"{code}\",\"message\":\"refused by the test\"}}}}"
            );
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                answer.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    (base, calls)
}

#[test]
fn a_stopped_provider_pages_the_operator_with_its_own_exit_code() {
    for (status, code, reason) in [
        ("403 Forbidden", "QUOTA_EXCEEDED", "quota_exceeded"),
        ("401 Unauthorized", "UNAUTHORIZED", "credentials_refused"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (base, _calls) = refusing_easyslip(status, code);
        let config = dir.path().join("job.toml");
        fs::write(
            &config,
            nightly_toml().replace(
                "provider = \"local\"",
                &format!(
                    "provider = \"easyslip\"\n\n[ocr.easyslip]\nbase_url = \"{base}\"\napi_key_env = \"EASYSLIP_API_KEY\"\n\n[ocr.easyslip.limits]\nmax_attempts = 2\nbackoff_base_ms = 10\n"
                ),
            ),
        )
        .unwrap();
        let mut cmd = recon(dir.path(), &config);
        cmd.args([
            "reconcile",
            "--day",
            "2026-11-21",
            "--log-format",
            "json",
            "--summary",
        ])
        .env("EASYSLIP_API_KEY", "test-key-not-real");
        day_flags(&mut cmd, dir.path(), &workspace().join("sample-data"));
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{code}: {}", text(&out));
        let events = json_lines(&out);
        let last = events.last().unwrap();
        assert_eq!(last["message"], "run finished");
        assert_eq!(last["exit_code"], 3);
        assert_eq!(last["outcome"], "provider_stopped");
        assert_eq!(last["provider"], "easyslip");
        assert_eq!(last["provider_health"], "stopped");
        assert_eq!(last["provider_reason"], reason);
        // The day's five slip pictures wait for the next run.
        assert_eq!(last["pending_slips"], 5, "{last}");
        let summary: serde_json::Value = serde_json::from_slice(
            &fs::read(dir.path().join("reports/2026-11-21/summary.json")).unwrap(),
        )
        .unwrap();
        let health = &summary["provider_health"];
        assert_eq!(health["status"], "stopped");
        assert_eq!(health["reason"], reason);
        assert_eq!(health["pending_slips"], 5);
        assert!(!summary.to_string().contains("test-key-not-real"));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("OCR provider easyslip stopped, 5 slips pending"),
            "{stdout}"
        );
        assert!(!String::from_utf8_lossy(&out.stderr).contains("test-key-not-real"));
    }
}

/// The day that ended last in Asia/Bangkok with a 00:00 cut-off, and the
/// days before it, computed independently of the code under test.
fn bangkok_days_back(n: i64) -> String {
    let today = (Utc::now() + Duration::hours(7)).date_naive();
    (today - Duration::days(n)).format("%Y-%m-%d").to_string()
}

#[test]
fn nightly_catches_up_on_every_missed_day_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let days: Vec<String> = (1..=4).rev().map(bangkok_days_back).collect();
    // Four days with inputs, the oldest and the next recorded: the machine
    // was then off for two nights.
    for (i, day) in days.iter().enumerate() {
        common::gen_day(&[
            "--day",
            day,
            "--orders",
            "12",
            "--seed",
            &(40 + i).to_string(),
            "--out",
            data.to_str().unwrap(),
        ]);
    }
    let config = workspace().join("jobs/nightly.toml");
    for day in &days[..1] {
        let mut cmd = recon(dir.path(), &config);
        cmd.args(["reconcile", "--day", day]);
        day_flags(&mut cmd, dir.path(), &data);
        let out = cmd.output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    }
    // A day between with no input folder (a holiday) is skipped, not a failure.
    fs::remove_dir_all(data.join(&days[1])).unwrap();

    let mut cmd = recon(dir.path(), &config);
    cmd.args(["nightly", "--log-format", "json"]);
    day_flags(&mut cmd, dir.path(), &data);
    let out = cmd.output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    let events = json_lines(&out);
    let finished: Vec<&str> = finished_events(&events)
        .iter()
        .map(|e| e["day"].as_str().unwrap())
        .collect();
    assert_eq!(
        finished,
        [days[2].as_str(), days[3].as_str()],
        "both missed days, in order"
    );
    for day in &days[2..] {
        assert!(
            dir.path()
                .join("reports")
                .join(day)
                .join("summary.json")
                .is_file()
        );
    }
    let ledger = recon_ledger::Ledger::open(&dir.path().join("ledger.sqlite")).unwrap();
    let recorded: Vec<String> = ledger
        .recorded_days()
        .unwrap()
        .into_iter()
        .map(|(d, _)| d.to_string())
        .collect();
    assert_eq!(
        recorded,
        [days[0].clone(), days[2].clone(), days[3].clone()]
    );

    // The next night has nothing new to catch up: the last day only, again.
    let mut cmd = recon(dir.path(), &config);
    cmd.args(["nightly", "--log-format", "json"]);
    day_flags(&mut cmd, dir.path(), &data);
    let again = cmd.output().unwrap();
    let events = json_lines(&again);
    let finished: Vec<&str> = finished_events(&events)
        .iter()
        .map(|e| e["day"].as_str().unwrap())
        .collect();
    assert_eq!(finished, [days[3].as_str()]);
}

/// The units as shipped, with `/opt/recon` moved to `root` (whose
/// `bin/recon` is the binary under test).
fn install_units(root: &Path) -> std::path::PathBuf {
    let units = root.join("units");
    fs::create_dir_all(&units).unwrap();
    for e in fs::read_dir(workspace().join("jobs/systemd")).unwrap() {
        let path = e.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            units.join(path.file_name().unwrap()),
            text.replace("/opt/recon", root.to_str().unwrap()),
        )
        .unwrap();
    }
    units
}

/// `root` laid out as the README's install section says: `bin/recon`,
/// `jobs/nightly.toml`, the data folder.
fn install(root: &Path) {
    fs::create_dir_all(root.join("bin")).unwrap();
    fs::create_dir_all(root.join("jobs")).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_recon"), root.join("bin/recon")).unwrap();
    fs::write(root.join("jobs/nightly.toml"), nightly_toml()).unwrap();
}

#[test]
fn the_systemd_units_verify() {
    let dir = tempfile::tempdir().unwrap();
    install(dir.path());
    let units = install_units(dir.path());
    let names = [
        "recon-nightly.service",
        "recon-nightly.timer",
        "recon-alert@.service",
        "recon-alert@recon-nightly.service.service",
    ];
    fs::copy(
        units.join("recon-alert@.service"),
        units.join("recon-alert@recon-nightly.service.service"),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .current_dir(&units)
        .arg("verify")
        .args(names.iter().map(|n| format!("./{n}")))
        .output()
        .expect("systemd-analyze (scripts/test.sh installs systemd)");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Unknown keys and bad values are warnings with exit 0: none allowed.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "",
        "{}",
        text(&out)
    );
    let service = fs::read_to_string(units.join("recon-nightly.service")).unwrap();
    for needed in [
        "--wait",
        "SuccessExitStatus=2\n",
        "OnFailure=recon-alert@",
        "ExecStartPre=+",
    ] {
        assert!(service.contains(needed), "the unit has {needed}");
    }
}

/// The crontab's command, run by `sh` as cron runs it, in an install at
/// `root`: what it prints is what cron mails.
fn cron_command(root: &Path) -> Output {
    let crontab = fs::read_to_string(workspace().join("jobs/crontab")).unwrap();
    let line = crontab
        .lines()
        .find(|l| l.starts_with(|c: char| c.is_ascii_digit()))
        .expect("a job line");
    let command: String = line
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        command.contains("--wait") && command.contains("--log-format json"),
        "{command}"
    );
    Command::new("sh")
        .arg("-c")
        .arg(command.replace("/opt/recon", root.to_str().unwrap()))
        .env_remove("RECON_LOG")
        .output()
        .unwrap()
}

#[test]
fn cron_mails_the_operator_on_failure_only_and_the_log_stays_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("opt-recon");
    install(&root);
    let crontab = fs::read_to_string(workspace().join("jobs/crontab")).unwrap();
    assert!(crontab.contains("CRON_TZ=Asia/Bangkok"));
    let yesterday = bangkok_days_back(1);
    common::copy_dir(
        &workspace().join("sample-data/2026-11-20"),
        &root.join("sample-data").join(&yesterday),
    );

    // A night with cases for finance: exit 2, nothing for cron to mail.
    let night = cron_command(&root);
    assert!(night.stdout.is_empty(), "cron would mail: {}", text(&night));
    assert!(night.stderr.is_empty(), "{}", text(&night));
    let log = fs::read_to_string(root.join("var/log/recon.jsonl")).unwrap();
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let last = events.last().unwrap();
    assert_eq!(last["message"], "run finished");
    assert_eq!(last["day"].as_str(), Some(yesterday.as_str()));
    assert_eq!(last["exit_code"], 2);
    assert!(
        root.join("reports")
            .join(&yesterday)
            .join("summary.json")
            .is_file()
    );

    // A broken config: exit 1, one line for cron to mail, the log still JSON.
    fs::write(
        root.join("jobs/nightly.toml"),
        "timezone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let broken = cron_command(&root);
    let mail = String::from_utf8_lossy(&broken.stdout);
    assert!(
        mail.contains("exited 1") && mail.contains("recon.jsonl"),
        "{}",
        text(&broken)
    );
    let log = fs::read_to_string(root.join("var/log/recon.jsonl")).unwrap();
    for line in log.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
}

#[test]
fn a_notification_that_cannot_be_delivered_is_logged_and_changes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", closed.local_addr().unwrap());
    drop(closed);
    let secret = dir.path().join("hook.secret");
    fs::write(&secret, "whsec-never-logged-77").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o600)).unwrap();
    let config = dir.path().join("job.toml");
    fs::write(
        &config,
        format!(
            "{}\n[[notify]]\nkind = \"webhook\"\non = [\"exceptions\", \"failure\"]\nurl = \"{url}\"\nsecret_file = \"{}\"\nattempts = 2\nbackoff_ms = 20\ntimeout_secs = 2\n",
            nightly_toml(),
            secret.display()
        ),
    )
    .unwrap();
    let mut cmd = recon(dir.path(), &config);
    cmd.args(["reconcile", "--day", "2026-11-21", "--log-format", "json"]);
    day_flags(&mut cmd, dir.path(), &workspace().join("sample-data"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let events = json_lines(&out);
    let failed: Vec<_> = events
        .iter()
        .filter(|e| e["message"] == "notification not delivered")
        .collect();
    assert_eq!(failed.len(), 1, "{events:?}");
    assert_eq!(failed[0]["channel"], "webhook");
    assert_eq!(failed[0]["attempts"], 2);
    assert_eq!(
        events.last().unwrap()["message"],
        "run finished",
        "the log still ends with it"
    );
    assert!(dir.path().join("reports/2026-11-21/summary.json").is_file());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("whsec-never-logged-77"));

    // `recon alert` sends the failure rules and says whether they arrived.
    let alert = recon(dir.path(), &config)
        .args(["alert", "--message", "unit failed", "--day", "2026-11-21"])
        .output()
        .unwrap();
    assert_eq!(alert.status.code(), Some(1), "{}", text(&alert));
}

#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    // `recon … | head -1`: the pipe is closed before recon writes a line.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let slip = workspace().join("sample-data/2026-11-21/slips/ORD-20261121-0001.json");
    let out = Command::new(env!("CARGO_BIN_EXE_recon"))
        .args(["--config", "/nonexistent/job.toml", "ocr"])
        .arg(&slip)
        .arg(&slip)
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
