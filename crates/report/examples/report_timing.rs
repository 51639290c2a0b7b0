//! Times rendering and publishing one synthetic day of N orders (each with
//! a statement line and a slip; every tenth an exception).
//!
//! `cargo run --release -p recon-report --example report_timing -- 100000 /tmp/reports`

use std::time::Instant;

use recon_core::{
    Currency, Day, DayResult, Money, OrderId, OrderOutcome, Reason, SlipOutcome, SourceRef,
    StatementOutcome, Status,
};
use recon_report::{DayRecords, ReportInput, render_day_reports, write_day_reports};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let out = args
        .next()
        .unwrap_or_else(|| "/tmp/recon-report-timing".into());
    let day: Day = "2026-11-21".parse().expect("day");

    let names = [
        "นาย สมชาย ใจดี",
        "นางสาว สุดา รักดี",
        "MR. JOHN SMITH",
        "SOK DARA",
    ];
    let mut orders = Vec::with_capacity(n);
    let mut statement = Vec::with_capacity(n);
    let mut slips = Vec::with_capacity(n);
    for i in 0..n {
        let status = if i % 10 == 0 {
            Status::AmountMismatch
        } else {
            Status::Matched
        };
        let amount = Money::from_minor(10_000 + (i as i64 % 5000) * 100, Currency::Thb);
        let line = SourceRef::new("kbank.csv", i as u64 + 6);
        let id = OrderId(format!("A-{i:08}"));
        let reasons = if status == Status::Matched {
            vec![]
        } else {
            vec![Reason::with("short_by", "50.00 THB")]
        };
        orders.push(OrderOutcome {
            order_id: id.clone(),
            source: SourceRef::new("orders.csv", i as u64 + 2),
            status,
            customer_name: names[i % names.len()].into(),
            slip: Some(format!("slip-{i:08}.json")),
            statement_lines: vec![line.clone()],
            expected: amount,
            paid: Some(amount),
            name_score: Some(0.9),
            reasons: reasons.clone(),
        });
        statement.push(StatementOutcome {
            line: line.clone(),
            status,
            order_ids: vec![id.clone()],
            amount,
            counterparty_name: Some(names[i % names.len()].into()),
            reasons: reasons.clone(),
        });
        slips.push(SlipOutcome {
            file: format!("slip-{i:08}.json"),
            status,
            order_ids: vec![id],
            statement_line: Some(line),
            amount: Some(amount),
            trans_ref: None,
            reasons,
        });
    }
    let result = DayResult {
        day,
        orders,
        statement,
        slips,
    };
    // Every exception is a break (new today): the reports pair each row
    // with its break by key.
    let breaks = recon_core::carry::breaks(day, &result, &[]);
    let input = ReportInput {
        result: &result,
        quarantine: &[],
        inputs: &[],
        trend: &[],
        tool_version: env!("CARGO_PKG_VERSION"),
        breaks: &breaks,
    };

    let t = Instant::now();
    let files = render_day_reports(&input, &DayRecords::default()).expect("render");
    let render = t.elapsed();
    for (name, bytes) in &files {
        println!("{name:>22} {:>12} bytes", bytes.len());
    }
    let t = Instant::now();
    write_day_reports(std::path::Path::new(&out), &input).expect("write");
    let total = t.elapsed();
    println!("{n} orders: render {render:.2?}, render + atomic write {total:.2?}");
}
