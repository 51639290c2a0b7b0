//! The image slips of the committed sample days, through the real `recon`
//! binary and the real local reader (QR + tesseract): they reach their
//! planted status, the reports name the image, a second run reads them from
//! the ledger's OCR cache without starting tesseract, and `recon ocr` prints
//! what a person checking one slip needs.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{copy_dir, read_csv, text, workspace};

const DAYS: [&str; 2] = ["2026-11-20", "2026-11-21"];

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A copy of the sample days, so that nothing the run does can touch
    /// the committed files.
    fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&workspace().join("sample-data"), &dir.path().join("data"));
        Env { dir }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn reports(&self) -> PathBuf {
        self.dir.path().join("reports")
    }

    /// `recon reconcile --day <day>` with debug logs; `path` replaces PATH
    /// when given (the tesseract command is found through PATH).
    fn reconcile(&self, day: &str, path: Option<&Path>) -> Output {
        let ws = workspace();
        let mut cmd = recon_cmd();
        cmd.current_dir(self.dir.path())
            .arg("--config")
            .arg(ws.join("jobs/nightly.toml"))
            .args(["reconcile", "--day", day])
            .arg("--data")
            .arg(self.data())
            .arg("--out")
            .arg(self.reports())
            .arg("--ledger")
            .arg(self.dir.path().join("var/ledger.sqlite"))
            .env("RECON_LOG", "debug")
            .env("NO_COLOR", "1");
        if let Some(p) = path {
            cmd.env("PATH", p);
        }
        cmd.output().unwrap()
    }
}

/// Order id → image file name, from the day's `slips/` folder.
fn image_slips(data: &Path, day: &str) -> BTreeMap<String, String> {
    let mut images = BTreeMap::new();
    for entry in fs::read_dir(data.join(day).join("slips")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(id) = name
            .strip_suffix(".png")
            .or_else(|| name.strip_suffix(".jpg"))
        {
            images.insert(id.to_string(), name.clone());
        }
    }
    images
}

/// The planted status of each order of the day.
fn planted(data: &Path, day: &str) -> BTreeMap<String, String> {
    read_csv(&data.join(day).join("expected/reconciliation.csv"))
        .into_iter()
        .map(|r| (r["order_id"].clone(), r["status"].clone()))
        .collect()
}

#[test]
fn sample_days_carry_png_and_jpeg_slips_of_more_than_one_status() {
    let data = workspace().join("sample-data");
    let mut statuses = std::collections::BTreeSet::new();
    for day in DAYS {
        let images = image_slips(&data, day);
        assert!(
            (4..=6).contains(&images.len()),
            "{day}: {} image slips, 4 to 6 wanted",
            images.len()
        );
        assert!(
            images.values().any(|f| f.ends_with(".jpg")),
            "{day}: no JPEG"
        );
        assert!(
            images.values().any(|f| f.ends_with(".png")),
            "{day}: no PNG"
        );
        let orders = read_csv(&data.join(day).join("orders/orders.csv"));
        let planted = planted(&data, day);
        for (id, file) in &images {
            let row = orders
                .iter()
                .find(|r| &r["order_id"] == id)
                .unwrap_or_else(|| panic!("{day}: {file} belongs to no order"));
            assert_eq!(&row["slip"], file, "{day}: orders.csv names another slip");
            assert_eq!(row["currency"], "THB", "{day}: {file}");
            let json = data.join(day).join("slips").join(format!("{id}.json"));
            assert!(
                !json.exists(),
                "{day}: {id} has both an image and a JSON slip"
            );
            statuses.insert(planted[id].clone());
        }
    }
    assert!(statuses.contains("matched"), "{statuses:?}");
    assert!(
        statuses.contains("receiver_mismatch") || statuses.contains("amount_mismatch"),
        "no image slip is planted as a mismatch: {statuses:?}"
    );
}

#[test]
fn image_slips_reach_their_planted_status_and_come_from_the_cache_on_rerun() {
    let env = Env::new();
    let mut first: BTreeMap<&str, Vec<u8>> = BTreeMap::new();
    for day in DAYS {
        let out = env.reconcile(day, None);
        assert_eq!(out.status.code(), Some(2), "{day}\n{}", text(&out));
        let log = text(&out);
        assert!(
            !log.contains("slip from the OCR cache"),
            "{day}: a fresh ledger cannot have cached slips\n{log}"
        );
        let report = env.reports().join(day).join("reconciliation.csv");
        let rows = read_csv(&report);
        let planted = planted(&env.data(), day);
        let images = image_slips(&env.data(), day);
        for (id, file) in &images {
            let row = rows
                .iter()
                .find(|r| &r["order_id"] == id)
                .unwrap_or_else(|| panic!("{day}: {id} missing from the report"));
            assert_eq!(
                row["status"], planted[id],
                "{day}: {id} ({file}) reasons: {}",
                row["reasons"]
            );
            assert_eq!(&row["slip"], file, "{day}: {id}");
            if row["status"] == "matched" {
                assert!(
                    !row["statement_line"].is_empty(),
                    "{day}: {id} matched without a statement line"
                );
                // The reader got the image's amount exactly: the matcher
                // notes any slip amount that differs from the money.
                assert!(
                    !row["reasons"].contains("slip_amount="),
                    "{day}: {id} ({file}) amount misread: {}",
                    row["reasons"]
                );
            }
        }
        first.insert(day, fs::read(&report).unwrap());
    }

    // Without tesseract on PATH the local reader cannot run at all (the
    // control below); the rerun must still reach the same outcome, so every
    // image slip came from the ledger's OCR cache.
    let no_tools = env.dir.path().join("no-tools");
    fs::create_dir_all(&no_tools).unwrap();
    let probe = recon_cmd()
        .current_dir(env.dir.path())
        .arg("--config")
        .arg(workspace().join("jobs/nightly.toml"))
        .arg("ocr")
        .arg(
            env.data().join("2026-11-21/slips").join(
                image_slips(&env.data(), "2026-11-21")
                    .values()
                    .next()
                    .unwrap(),
            ),
        )
        .env("PATH", &no_tools)
        .env("RECON_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        text(&probe).contains("cannot start tesseract"),
        "control: without PATH the reader should fail to start tesseract\n{}",
        text(&probe)
    );

    for day in DAYS {
        let out = env.reconcile(day, Some(&no_tools));
        let log = text(&out);
        assert_eq!(out.status.code(), Some(2), "{day}\n{log}");
        assert!(
            !log.contains("tesseract"),
            "{day}: tesseract was asked\n{log}"
        );
        for file in image_slips(&env.data(), day).values() {
            assert!(
                log.lines()
                    .any(|l| l.contains("slip from the OCR cache") && l.contains(file.as_str())),
                "{day}: {file} not from the OCR cache\n{log}"
            );
        }
        let report = fs::read(env.reports().join(day).join("reconciliation.csv")).unwrap();
        assert!(
            report == first[day],
            "{day}: the rerun from the cache reconciled differently"
        );
    }
}

/// Decodes the KBank export (Windows-874) and returns the reference of the
/// deposit line with this amount (`1,500.00` as the bank prints it).
fn kbank_reference(day: &str, grouped_amount: &str) -> String {
    let bytes = fs::read(
        workspace()
            .join("sample-data")
            .join(day)
            .join("statements/kbank.csv"),
    )
    .unwrap();
    let (text, _, bad) = encoding_rs::WINDOWS_874.decode(&bytes);
    assert!(!bad);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let refs: Vec<String> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| r.len() == 10 && r.get(4) == Some(grouped_amount))
        .map(|r| r[9].to_string())
        .collect();
    assert_eq!(
        refs.len(),
        1,
        "{day}: deposit lines of {grouped_amount}: {refs:?}"
    );
    refs[0].clone()
}

fn grouped(plain: &str) -> String {
    let (whole, cents) = plain.split_once('.').unwrap();
    let mut out = String::new();
    for (k, c) in whole.chars().enumerate() {
        if k > 0 && (whole.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{cents}")
}

#[test]
fn recon_ocr_prints_the_slip_the_local_reader_sees() {
    let day = "2026-11-21";
    let data = workspace().join("sample-data");
    let planted = planted(&data, day);
    let orders = read_csv(&data.join(day).join("orders/orders.csv"));
    // The JPEG (the photo-like one) of a matched order: its statement line
    // carries the transRef, its amount is the order's.
    let (id, file) = image_slips(&data, day)
        .into_iter()
        .find(|(id, f)| f.ends_with(".jpg") && planted[id] == "matched")
        .expect("a matched JPEG slip on the sample day");
    let order = orders.iter().find(|r| r["order_id"] == id).unwrap();
    let trans_ref = kbank_reference(day, &grouped(&order["amount"]));
    assert!(!trans_ref.is_empty());

    let dir = tempfile::tempdir().unwrap();
    let out = recon_cmd()
        .current_dir(dir.path())
        .arg("--config")
        .arg(workspace().join("jobs/nightly.toml"))
        .arg("ocr")
        .arg(data.join(day).join("slips").join(&file))
        .env("RECON_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let slip: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("not one JSON slip ({e}):\n{stdout}"));
    assert_eq!(slip["provider"], "local", "{slip}");
    assert_eq!(slip["file"], file.as_str(), "{slip}");
    assert_eq!(slip["amount"]["amount"], order["amount"].as_str(), "{slip}");
    assert_eq!(slip["amount"]["currency"], "THB", "{slip}");
    assert_eq!(slip["trans_ref"], trans_ref.as_str(), "{slip}");
    assert_eq!(slip["evidence"]["trans_ref"]["source"], "qr", "{slip}");
    assert_eq!(slip["receiver"]["account"], "xxx-x-x6789-x", "{slip}");
}

/// The `recon` binary, its summary line on stdout as a person would see it.
fn recon_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.arg("--summary");
    cmd
}
