//! Labelled accuracy at scale, in the world the labelled evaluation days
//! show: a 30,000-order day from `recon-gen` with its default shape (40% of
//! orders on a few popular prices, small name pools full of namesakes,
//! names masked, mistyped and with or without honorific independently on
//! order, slip and statement, lines mostly without reference, money 0-120 s
//! after the slip, third-party payers, fakes at popular prices), reconciled
//! by the real `recon reconcile` with a fresh ledger, and compared with the
//! outcome the generator planted.
//!
//! Floors: order accuracy ≥ 0.98; false matches (reported `matched`,
//! planted otherwise) ≤ 0.05% of the orders; every planted fraud (reused
//! slip, slip paid to someone else, fake slip, wrong amount) flagged, never
//! `matched`. `--nocapture` prints precision and recall per status, for
//! orders and statement lines, and what the misses were planted as.
//! `RECON_CROWDED_ORDERS` sets another size (the floors stay).

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const DAY: &str = "2026-11-27";

/// Planted problems that are fraud or money gone wrong: never `matched`.
const FRAUD: &[&str] = &[
    "duplicate_slip_same_day",
    "duplicate_slip_prior_day",
    "receiver_mismatch",
    "slip_not_on_statement",
    "amount_mismatch",
];

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

/// `key → value` of the rows of this day (rows carried from earlier days
/// name another `origin_day`; a fresh ledger carries none).
fn column(rows: &[BTreeMap<String, String>], key: &str, value: &str) -> BTreeMap<String, String> {
    rows.iter()
        .filter(|r| r.get("origin_day").is_none_or(|d| d == DAY))
        .map(|r| (r[key].clone(), r[value].clone()))
        .collect()
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// Per-status counts of `got` against `want` (keys missing from `got`
/// count as `(missing)`).
fn confusion(
    want: &BTreeMap<String, String>,
    got: &BTreeMap<String, String>,
) -> BTreeMap<String, Counts> {
    let mut m: BTreeMap<String, Counts> = BTreeMap::new();
    for (k, w) in want {
        let g = got.get(k).map_or("(missing)", String::as_str);
        if g == w {
            m.entry(w.clone()).or_default().tp += 1;
        } else {
            m.entry(w.clone()).or_default().fn_ += 1;
            m.entry(g.to_string()).or_default().fp += 1;
        }
    }
    m
}

fn print_table(title: &str, m: &BTreeMap<String, Counts>) {
    println!("{title}");
    println!(
        "  {:<22} {:>7} {:>6} {:>6} {:>9} {:>7}",
        "status", "tp", "fp", "fn", "precision", "recall"
    );
    for (s, c) in m {
        println!(
            "  {:<22} {:>7} {:>6} {:>6} {:>9.3} {:>7.3}",
            s,
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
}

#[test]
fn a_crowded_day_of_thirty_thousand_orders_is_reconciled_as_planted() {
    let orders: usize = std::env::var("RECON_CROWDED_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000);
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let reports = tmp.path().join("reports");
    let ledger = tmp.path().join("ledger.sqlite");
    let (data_s, reports_s) = (data.to_str().unwrap(), reports.to_str().unwrap());

    let started = Instant::now();
    let n = orders.to_string();
    let gen_out = common::gen_day(&[
        "--day", DAY, "--orders", &n, "--seed", "2027", "--out", data_s, "--slips", "bundled",
    ]);
    let generated = started.elapsed();
    let started = Instant::now();
    recon(
        tmp.path(),
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
    let reconciled = started.elapsed();
    println!("{}", gen_out.trim_end());
    println!("generated in {generated:.1?}, reconciled in {reconciled:.1?}");

    let expected = data.join(DAY).join("expected");
    let report = reports.join(DAY);
    let want = column(
        &csv_rows(&expected.join("reconciliation.csv")),
        "order_id",
        "status",
    );
    let got = column(
        &csv_rows(&report.join("reconciliation.csv")),
        "order_id",
        "status",
    );
    let planted = column(&csv_rows(&expected.join("planted.csv")), "item", "planted");
    let kind = |id: &str| planted.get(id).map_or("paid", String::as_str).to_string();

    let orders_m = confusion(&want, &got);
    print_table("orders", &orders_m);
    let lines_m = confusion(
        &column(
            &csv_rows(&expected.join("statement.csv")),
            "statement_line",
            "status",
        ),
        &column(
            &csv_rows(&report.join("statement.csv")),
            "statement_line",
            "status",
        ),
    );
    print_table("statement lines", &lines_m);

    let total = want.len();
    let correct = want.iter().filter(|(k, w)| got.get(*k) == Some(*w)).count();
    let accuracy = ratio(correct, total);
    let false_matches: Vec<&String> = want
        .iter()
        .filter(|(k, w)| *w != "matched" && got.get(*k).is_some_and(|g| g == "matched"))
        .map(|(k, _)| k)
        .collect();
    let missed_fraud: Vec<String> = want
        .keys()
        .filter(|k| FRAUD.contains(&kind(k).as_str()))
        .filter(|k| got.get(*k).is_some_and(|g| g == "matched"))
        .map(|k| format!("{k} ({})", kind(k)))
        .collect();
    let frauds = want
        .keys()
        .filter(|k| FRAUD.contains(&kind(k).as_str()))
        .count();

    // What the wrong answers were planted as: where to look first.
    let mut misses: BTreeMap<(String, String, String), usize> = BTreeMap::new();
    for (k, w) in &want {
        let g = got.get(k).cloned().unwrap_or_else(|| "(missing)".into());
        if &g != w {
            *misses.entry((kind(k), w.clone(), g)).or_default() += 1;
        }
    }
    println!("misses by planted kind (planted → expected, reported: orders)");
    for ((k, w, g), c) in &misses {
        println!("  {k:<36} {w:<22} {g:<22} {c:>6}");
    }
    println!(
        "order accuracy {accuracy:.4} over {total} orders; false matches {} ({:.3}%); \
         frauds flagged {}/{frauds}",
        false_matches.len(),
        100.0 * ratio(false_matches.len(), total),
        frauds - missed_fraud.len()
    );

    assert_eq!(got.len(), total, "one report row per planted order");
    assert!(frauds > 0, "no fraud planted");
    assert!(
        missed_fraud.is_empty(),
        "planted fraud reported matched: {:?}",
        &missed_fraud[..missed_fraud.len().min(10)]
    );
    assert!(
        false_matches.len() as f64 <= 0.0005 * total as f64,
        "{} false matches, first {:?}",
        false_matches.len(),
        &false_matches[..false_matches.len().min(10)]
    );
    assert!(accuracy >= 0.98, "order accuracy {accuracy:.4}");
}

/// The `recon` binary, its summary line on stdout as a person would see it.
fn recon_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.arg("--summary");
    cmd
}
