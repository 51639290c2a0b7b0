//! Generator and matcher agree beyond the two small sample days: a generated
//! day of a few thousand orders, read by the real ingest and ocr-client and
//! matched by the real matcher, gets exactly the statuses the generator
//! planted, for every order and every statement line. Catches planted data
//! that is accidentally ambiguous (two orders one answer) as the day grows.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use chrono::{Duration, TimeZone};
use recon_cli::generator::{GenOptions, generate_day};
use recon_core::{Currency, Day, SlipRead};
use recon_ingest::{OrderColumns, Profile, ReadOptions, read_orders, read_statement};
use recon_matcher::{DayInput, MatchConfig, OurAccount, match_day};

/// Our receiving accounts as CONTRACT.md fixes them.
fn our_accounts() -> Vec<OurAccount> {
    vec![
        OurAccount {
            name: "บริษัท ร้านดี จำกัด".into(),
            alt_name: Some("RANDEE CO., LTD.".into()),
            bank: Some("KBANK".into()),
            account: "123-4-56789-0".into(),
            currency: Currency::Thb,
            proxies: vec!["0105561234567".into()],
        },
        OurAccount {
            name: "RANDEE TRADING CO., LTD.".into(),
            bank: Some("ABA".into()),
            account: "001 234 567".into(),
            currency: Currency::Usd,
            ..OurAccount::default()
        },
        OurAccount {
            name: "RANDEE TRADING CO., LTD.".into(),
            bank: Some("ABA".into()),
            account: "001 234 568".into(),
            currency: Currency::Khr,
            ..OurAccount::default()
        },
    ]
}

fn expected(folder: &Path, name: &str) -> BTreeMap<String, String> {
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

fn reconcile_generated(opts: &GenOptions) {
    let tmp = tempfile::tempdir().unwrap();
    generate_day(opts, tmp.path()).unwrap();
    let folder = tmp.path().join(opts.day.to_string());
    let tz = chrono_tz::Asia::Bangkok;

    let mut lines = Vec::new();
    let mut names: Vec<_> = fs::read_dir(folder.join("statements"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let kbank = path.file_name().unwrap() == "kbank.csv";
        let profile = Profile::builtin(if kbank { "kbank-csv" } else { "canonical" }).unwrap();
        lines.extend(
            read_statement(&path, &profile, &ReadOptions::new(tz))
                .unwrap()
                .rows,
        );
    }
    let orders = read_orders(
        &folder.join("orders/orders.csv"),
        &OrderColumns::default(),
        tz,
    )
    .unwrap()
    .rows;
    let slips: Vec<SlipRead> = orders
        .iter()
        .filter_map(|o| o.slip.clone())
        .map(|file| {
            match recon_ocr_client::parse_saved(
                &fs::read(folder.join("slips").join(&file)).unwrap(),
            ) {
                Ok(mut slip) => {
                    slip.file = Some(file);
                    SlipRead::Read(slip)
                }
                Err(e) => SlipRead::Unreadable {
                    file,
                    reason: e.to_string(),
                },
            }
        })
        .collect();

    let day: Day = opts.day;
    let start = tz
        .from_local_datetime(&day.date().and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .fixed_offset();
    let accounts = our_accounts();
    let prior = BTreeMap::new();
    let input = DayInput {
        day,
        window: (start, start + Duration::days(1)),
        orders: &orders,
        lines: &lines,
        slips: &slips,
        our_accounts: &accounts,
        prior_uses: &prior,
    };
    let result = match_day(&input, &MatchConfig::default());

    let got_orders: BTreeMap<String, String> = result
        .orders
        .iter()
        .map(|o| (o.order_id.0.clone(), o.status.as_str().to_string()))
        .collect();
    let got_lines: BTreeMap<String, String> = result
        .statement
        .iter()
        .map(|l| (l.line.to_string(), l.status.as_str().to_string()))
        .collect();
    for (what, got, want) in [
        (
            "orders",
            got_orders,
            expected(&folder, "reconciliation.csv"),
        ),
        (
            "statement lines",
            got_lines,
            expected(&folder, "statement.csv"),
        ),
    ] {
        assert_eq!(got.len(), want.len(), "{what}: count");
        let diffs: Vec<String> = want
            .iter()
            .filter(|(k, w)| got.get(*k) != Some(*w))
            .map(|(k, w)| format!("{k}: planted {w}, matcher says {:?}", got.get(k)))
            .take(10)
            .collect();
        assert!(diffs.is_empty(), "{what} differ:\n{}", diffs.join("\n"));
    }
}

#[test]
fn a_generated_day_of_thousands_of_orders_matches_as_planted() {
    let mut opts = GenOptions::new("2026-11-24".parse().unwrap(), 4_000, 2026);
    opts.rates.prior_day_duplicate = 0.0;
    reconcile_generated(&opts);
}

#[test]
fn a_canonical_only_day_matches_as_planted() {
    let mut opts = GenOptions::new("2026-11-25".parse().unwrap(), 1_500, 31);
    opts.bank_layouts = false;
    reconcile_generated(&opts);
}
