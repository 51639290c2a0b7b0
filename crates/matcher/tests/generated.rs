//! Precision and recall per status on a generated, labelled day (see
//! `common/generator.rs` for the noise). Run with `--nocapture` to see the
//! table; the floors asserted here are ones the matcher reaches, so a
//! regression fails the build.

mod common;

use std::collections::BTreeMap;

use common::generator::generate;
use recon_core::Status;

#[derive(Default, Debug, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
}

impl Counts {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

fn score<K: Ord>(
    labels: &BTreeMap<K, Status>,
    got: &BTreeMap<K, Status>,
) -> BTreeMap<Status, Counts> {
    let mut m: BTreeMap<Status, Counts> = BTreeMap::new();
    for (k, want) in labels {
        let Some(have) = got.get(k) else { continue };
        if want == have {
            m.entry(*want).or_default().tp += 1;
        } else {
            m.entry(*want).or_default().fn_ += 1;
            m.entry(*have).or_default().fp += 1;
        }
    }
    m
}

fn print(title: &str, m: &BTreeMap<Status, Counts>) {
    println!("{title}");
    println!(
        "  {:<22} {:>6} {:>6} {:>6} {:>9} {:>7}",
        "status", "tp", "fp", "fn", "precision", "recall"
    );
    for (s, c) in m {
        println!(
            "  {:<22} {:>6} {:>6} {:>6} {:>9.3} {:>7.3}",
            s.as_str(),
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
}

#[test]
fn precision_and_recall_per_status_on_a_generated_day() {
    let mut orders: BTreeMap<Status, Counts> = BTreeMap::new();
    let mut lines: BTreeMap<Status, Counts> = BTreeMap::new();
    let mut total = 0usize;
    // Three seeded days, so the floors do not rest on one lucky draw.
    for seed in [20261121u64, 7, 99] {
        let data = generate(seed, 3000);
        let result = data.case.run();
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
        assert_eq!(got_orders.len(), data.order_labels.len());
        assert_eq!(got_lines.len(), data.line_labels.len());
        for (s, c) in score(&data.order_labels, &got_orders) {
            let e = orders.entry(s).or_default();
            e.tp += c.tp;
            e.fp += c.fp;
            e.fn_ += c.fn_;
        }
        for (s, c) in score(&data.line_labels, &got_lines) {
            let e = lines.entry(s).or_default();
            e.tp += c.tp;
            e.fp += c.fp;
            e.fn_ += c.fn_;
        }
        total += data.order_labels.len();

        // Big enough for the parallel path: shuffled rows, same verdicts.
        let mut shuffled = data.case.clone();
        shuffled.orders.reverse();
        shuffled.lines.rotate_left(17);
        shuffled.slips.reverse();
        assert!(shuffled.run() == result, "row order changed the result");
    }
    print("orders", &orders);
    print("statement lines", &lines);
    let correct: u32 = orders.values().map(|c| c.tp).sum();
    let accuracy = correct as f64 / total as f64;
    println!("order accuracy {accuracy:.4} over {total} orders");

    // Floors (the measured figures are printed above and in the report).
    // A slip whose money is not on the statement yet is `pending` under the
    // default grace, as a run of the day judges it.
    assert!(accuracy >= 0.99, "order accuracy {accuracy}");
    for s in [
        Status::Matched,
        Status::DuplicateSlip,
        Status::ReceiverMismatch,
        Status::AmountMismatch,
        Status::NameMismatch,
        Status::Pending,
        Status::Unpaid,
        Status::UnreadableSlip,
    ] {
        let c = orders.get(&s).copied().unwrap_or_default();
        assert!(c.tp > 0, "{s}: no example generated");
        assert!(c.recall() >= 0.95, "{s}: recall {}", c.recall());
        assert!(c.precision() >= 0.95, "{s}: precision {}", c.precision());
    }
    let unmatched = lines
        .get(&Status::StatementUnmatched)
        .copied()
        .unwrap_or_default();
    assert!(
        unmatched.recall() >= 0.95,
        "statement_unmatched recall {}",
        unmatched.recall()
    );
}
