//! `recon-gen --slips bundled` (the benchmark form: slips as lines of
//! `slips-NNN.jsonl`, named `slips-001.jsonl#<line>` in the order export)
//! through the real `recon reconcile`: the same verdicts as the per-order
//! files of the same seed, and exactly what the generator planted.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const DAY: &str = "2026-11-26";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn recon(cwd: &Path, args: &[&str]) -> Output {
    let out = recon_cmd()
        .current_dir(cwd)
        .arg("--config")
        .arg(workspace().join("jobs/nightly.toml"))
        .args(args)
        .env("RECON_LOG", "warn")
        .output()
        .unwrap();
    // 0 = clean, 2 = exceptions to review (a generated day always has some).
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "recon {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::Reader::from_reader(body);
    let header = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn column(rows: &[BTreeMap<String, String>], key: &str, value: &str) -> BTreeMap<String, String> {
    rows.iter()
        .map(|r| (r[key].clone(), r[value].clone()))
        .collect()
}

/// Generates the day with `slips` and reconciles it; returns the data and
/// report folders.
fn generate_and_reconcile(root: &Path, slips: &str, rates: &Path) -> (PathBuf, PathBuf) {
    let data = root.join(format!("data-{slips}"));
    let reports = root.join(format!("reports-{slips}"));
    let (data_s, reports_s) = (data.to_str().unwrap(), reports.to_str().unwrap());
    let rates_s = rates.to_str().unwrap();
    common::gen_day(&[
        "--day", DAY, "--orders", "1200", "--seed", "5", "--out", data_s, "--slips", slips,
        "--rates", rates_s,
    ]);
    let ledger = root.join(format!("ledger-{slips}.sqlite"));
    recon(
        root,
        &[
            "reconcile",
            "--day",
            DAY,
            "--data",
            data_s,
            "--out",
            reports_s,
            "--ledger",
            ledger.to_str().unwrap(),
        ],
    );
    (data.join(DAY), reports.join(DAY))
}

#[test]
fn bundled_slips_reconcile_exactly_like_one_file_per_slip() {
    let tmp = tempfile::tempdir().unwrap();
    let rates = tmp.path().join("rates.toml");
    // More of the slip problems than the defaults, no cross-day reuse.
    fs::write(
        &rates,
        "[rates]\nduplicate_slip = 0.05\nunreadable_slip = 0.03\nprior_day_duplicate = 0.0\n\
         [currencies]\nusd = 0.2\nkhr = 0.1\n",
    )
    .unwrap();
    let (bundled_data, bundled) = generate_and_reconcile(tmp.path(), "bundled", &rates);
    let (files_data, files) = generate_and_reconcile(tmp.path(), "per-order", &rates);

    // One bundle instead of a file per slip.
    let slip_files: Vec<String> = fs::read_dir(bundled_data.join("slips"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(slip_files, ["slips-001.jsonl"]);
    assert!(fs::read_dir(files_data.join("slips")).unwrap().count() > 1000);

    // The plan does not depend on how slips are saved.
    for name in ["reconciliation.csv", "statement.csv", "planted.csv"] {
        assert_eq!(
            fs::read(bundled_data.join("expected").join(name)).unwrap(),
            fs::read(files_data.join("expected").join(name)).unwrap(),
            "{name}"
        );
    }
    let planted = csv_rows(&bundled_data.join("expected/reconciliation.csv"));
    let planted = column(&planted, "order_id", "status");
    let kinds = csv_rows(&bundled_data.join("expected/planted.csv"));
    assert!(
        kinds
            .iter()
            .any(|r| r["planted"] == "duplicate_slip_same_day")
    );
    assert!(kinds.iter().any(|r| r["planted"] == "unreadable_slip"));

    let got_bundled = csv_rows(&bundled.join("reconciliation.csv"));
    let got_files = csv_rows(&files.join("reconciliation.csv"));
    let statuses = column(&got_bundled, "order_id", "status");
    let wrong: Vec<String> = planted
        .iter()
        .filter(|(id, s)| statuses.get(*id) != Some(*s))
        .map(|(id, s)| format!("{id}: planted {s}, got {:?}", statuses.get(id)))
        .take(10)
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(statuses, column(&got_files, "order_id", "status"));

    // Every slip reference of the bundled day is a line of the bundle, and
    // the same order names its own file in the other day.
    let slip_bundled = column(&got_bundled, "order_id", "slip");
    let slip_files_col = column(&got_files, "order_id", "slip");
    let mut lines_seen = std::collections::BTreeSet::new();
    for (id, slip) in &slip_bundled {
        if slip.is_empty() {
            assert_eq!(slip_files_col[id], "", "{id}");
            continue;
        }
        let (bundle, line) = slip.split_once('#').unwrap();
        assert_eq!(bundle, "slips-001.jsonl", "{id}");
        assert!(lines_seen.insert(line.parse::<usize>().unwrap()), "{id}");
        assert_eq!(slip_files_col[id], format!("{id}.json"));
    }
    // Reasons agree too, apart from the slip names they may quote.
    assert_eq!(
        column(&got_bundled, "order_id", "statement_line"),
        column(&got_files, "order_id", "statement_line")
    );
    assert_eq!(
        column(
            &csv_rows(&bundled.join("statement.csv")),
            "statement_line",
            "status"
        ),
        column(
            &csv_rows(&files.join("statement.csv")),
            "statement_line",
            "status"
        )
    );
}

/// The `recon` binary, its summary line on stdout as a person would see it.
fn recon_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.arg("--summary");
    cmd
}
