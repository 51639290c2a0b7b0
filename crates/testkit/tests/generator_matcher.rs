//! Generator and matcher agree beyond the two small sample days: a generated
//! day of a few thousand orders, read by the real ingest and ocr-client and
//! matched by the real matcher, gets exactly the statuses the generator
//! planted, for every order and every statement line. Catches planted data
//! that is accidentally ambiguous (two orders one answer) as the day grows.

use std::collections::BTreeMap;

use recon_core::Status;
use recon_matcher::{DayInput, MatchConfig, match_day};
use recon_testkit::generator::GenOptions;
use recon_testkit::labelled::{LabelledDay, our_accounts};

fn reconcile_generated(opts: &GenOptions) {
    let day = LabelledDay::generate(opts).unwrap();
    let accounts = our_accounts();
    let prior = BTreeMap::new();
    let input = DayInput {
        day: day.day,
        window: day.window,
        orders: &day.orders,
        lines: &day.lines,
        slips: &day.slips,
        our_accounts: &accounts,
        prior_uses: &prior,
        decided: &recon_matcher::Decided::default(),
    };
    let result = match_day(&input, &MatchConfig::default());

    let got_orders: BTreeMap<String, Status> = result
        .orders
        .iter()
        .map(|o| (o.order_id.0.clone(), o.status))
        .collect();
    let got_lines: BTreeMap<(String, u64), Status> = result
        .statement
        .iter()
        .map(|l| ((l.line.file.clone(), l.line.line), l.status))
        .collect();
    check("orders", &got_orders, &day.order_labels);
    check("statement lines", &got_lines, &day.line_labels);
}

fn check<K: Ord + std::fmt::Debug>(
    what: &str,
    got: &BTreeMap<K, Status>,
    want: &BTreeMap<K, Status>,
) {
    assert_eq!(got.len(), want.len(), "{what}: count");
    let diffs: Vec<String> = want
        .iter()
        .filter(|(k, w)| got.get(*k) != Some(*w))
        .map(|(k, w)| format!("{k:?}: planted {w}, matcher says {:?}", got.get(k)))
        .take(10)
        .collect();
    assert!(diffs.is_empty(), "{what} differ:\n{}", diffs.join("\n"));
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
