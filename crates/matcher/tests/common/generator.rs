//! Labelled days for the matcher's tests, from the one day generator
//! (`recon_testkit`: the generator behind `recon-gen` and the sample data,
//! read back by the real ingest and slip parser). Its default shape is the
//! one real shops see: many orders on a few popular prices, small name
//! pools (many namesakes), names with or without honorific, masked or
//! mistyped independently on order, slip and line, lines mostly without
//! reference, third-party payers, reused slips, wrong amounts and
//! receivers, unpaid orders and unknown money.

use std::collections::BTreeMap;

use recon_core::Status;
use recon_testkit::generator::GenOptions;
use recon_testkit::labelled::LabelledDay;

use super::*;

/// One labelled day.
pub struct Labelled {
    pub case: Case,
    pub order_labels: BTreeMap<String, Status>,
    pub line_labels: BTreeMap<(String, u64), Status>,
}

/// A generated day of `n` orders on the test day, seeded.
pub fn generate(seed: u64, n: usize) -> Labelled {
    let data = LabelledDay::generate(&GenOptions::new(day(), n, seed))
        .unwrap_or_else(|e| panic!("generating {n} orders, seed {seed}: {e}"));
    Labelled {
        case: Case {
            orders: data.orders,
            lines: data.lines,
            slips: data.slips,
            ..Case::default()
        },
        order_labels: data.order_labels,
        line_labels: data.line_labels,
    }
}
