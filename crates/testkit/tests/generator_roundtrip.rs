//! The generated days read back through the real stages: ingest accepts
//! exactly the rows the expected outcome lists and quarantines exactly the
//! planted broken rows; ocr-client reads every saved slip body but the cut
//! ones, with the amount and reference the slip was planned with.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use recon_ingest::{OrderColumns, Profile, ReadOptions, read_orders, read_statement};
use recon_testkit::generator::{GenOptions, generate_day, write_sample_data};

fn expected(folder: &Path, name: &str) -> Vec<(String, String)> {
    fs::read_to_string(folder.join("expected").join(name))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect()
}

fn check_day(folder: &Path) {
    let tz = chrono_tz::Asia::Bangkok;
    let mut accepted_lines = BTreeSet::new();
    let mut rejected = BTreeSet::new();
    for entry in fs::read_dir(folder.join("statements")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let profile = Profile::builtin(if name == "kbank.csv" {
            "kbank-csv"
        } else {
            "canonical"
        })
        .unwrap();
        let read = read_statement(&path, &profile, &ReadOptions::new(tz))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in &read.rows {
            assert_eq!(line.source.file, name);
            assert_eq!(line.booked_at.offset().local_minus_utc(), 7 * 3600);
            accepted_lines.insert(line.source.to_string());
        }
        for r in &read.rejected {
            rejected.insert((r.file.clone(), r.line.unwrap_or(0).to_string()));
        }
    }
    let orders = read_orders(
        &folder.join("orders/orders.csv"),
        &OrderColumns::default(),
        tz,
    )
    .unwrap();
    for r in &orders.rejected {
        rejected.insert((r.file.clone(), r.line.unwrap_or(0).to_string()));
    }

    let expected_lines: BTreeSet<String> = expected(folder, "statement.csv")
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    assert_eq!(
        accepted_lines,
        expected_lines,
        "{}: accepted statement lines",
        folder.display()
    );
    let expected_quarantine: BTreeSet<(String, String)> =
        expected(folder, "quarantine.csv").into_iter().collect();
    assert_eq!(
        rejected,
        expected_quarantine,
        "{}: quarantine",
        folder.display()
    );
    let order_ids: BTreeSet<String> = orders.rows.iter().map(|o| o.order_id.0.clone()).collect();
    let expected_ids: BTreeSet<String> = expected(folder, "reconciliation.csv")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        order_ids,
        expected_ids,
        "{}: accepted orders",
        folder.display()
    );

    let unreadable: BTreeSet<String> = expected(folder, "reconciliation.csv")
        .into_iter()
        .filter(|(_, s)| s == "unreadable_slip")
        .map(|(id, _)| format!("{id}.json"))
        .collect();
    assert!(!unreadable.is_empty());
    for order in &orders.rows {
        let Some(file) = &order.slip else { continue };
        let bytes = fs::read(folder.join("slips").join(file)).unwrap();
        if file.ends_with(".png") || file.ends_with(".jpg") {
            // A bank-app picture: the local reader (QR + tesseract) reads it.
            let slip = recon_ocr_client::local::read_image(&bytes)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            let amount = slip.amount.unwrap_or_else(|| panic!("{file}: no amount"));
            assert_eq!(amount.currency, order.amount.currency, "{file}");
            assert!(slip.trans_ref.is_some(), "{file}: no reference");
            continue;
        }
        match recon_ocr_client::parse_saved(&bytes) {
            Ok(slip) => {
                assert!(
                    !unreadable.contains(file),
                    "{file} was cut short but parsed"
                );
                let amount = slip.amount.unwrap_or_else(|| panic!("{file}: no amount"));
                assert_eq!(amount.currency, order.amount.currency, "{file}");
                assert!(slip.trans_ref.is_some(), "{file}: no reference");
            }
            Err(e) => assert!(unreadable.contains(file), "{file}: {e}"),
        }
    }
}

#[test]
fn sample_days_read_back_through_ingest_and_ocr_client() {
    let tmp = tempfile::tempdir().unwrap();
    write_sample_data(tmp.path()).unwrap();
    check_day(&tmp.path().join("2026-11-20"));
    check_day(&tmp.path().join("2026-11-21"));
}

#[test]
fn a_larger_day_reads_back_too() {
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = GenOptions::new("2026-11-22".parse().unwrap(), 1_500, 77);
    opts.rates.malformed_order = 0.01;
    opts.rates.malformed_statement_line = 0.01;
    generate_day(&opts, tmp.path()).unwrap();
    check_day(&tmp.path().join("2026-11-22"));
}
