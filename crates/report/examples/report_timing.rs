//! Times writing one synthetic day of N orders (each with a statement line
//! and a slip; every tenth an exception with its break), with the day's
//! input rows as the CLI passes them (times, references, slip senders).
//!
//! `cargo run --release -p recon-report --example report_timing -- 100000 /tmp/reports`
//!
//! Prints the process's CPU time and resident memory before and after the
//! write, so the report's own share is visible without the cost of building
//! the synthetic day. Add `render` as a third argument to render in memory
//! only (no files written).

use std::time::Instant;

use chrono::{DateTime, FixedOffset, TimeZone};
use recon_core::ReasonCode;
use recon_core::{
    Currency, Day, DayResult, Money, Order, OrderId, OrderOutcome, Party, Reason, Slip,
    SlipOutcome, SlipRead, SourceRef, StatementLine, StatementOutcome, Status,
};
use recon_report::{DayRecords, ReportInput, render_day_reports, write_day_reports_with};

/// (user + system CPU seconds, VmRSS MiB, VmHWM MiB) of this process.
fn usage() -> (f64, u64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields, in clock ticks (100 per second on Linux).
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
            / 1024
    };
    (cpu, kb("VmRSS:"), kb("VmHWM:"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let out = args
        .next()
        .unwrap_or_else(|| "/tmp/recon-report-timing".into());
    let render_only = args.next().as_deref() == Some("render");
    let day: Day = "2026-11-21".parse().expect("day");
    let bkk = FixedOffset::east_opt(7 * 3600).expect("offset");
    let at = |i: usize| -> DateTime<FixedOffset> {
        bkk.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap()
            + chrono::Duration::seconds((i % 86_000) as i64)
    };

    let names = [
        "นาย สมชาย ใจดี",
        "นางสาว สุดา รักดี",
        "MR. JOHN SMITH",
        "SOK DARA",
    ];
    let mut orders = Vec::with_capacity(n);
    let mut statement = Vec::with_capacity(n);
    let mut slips = Vec::with_capacity(n);
    let mut order_rows = Vec::with_capacity(n);
    let mut line_rows = Vec::with_capacity(n);
    let mut slip_rows = Vec::with_capacity(n);
    for i in 0..n {
        let status = if i % 10 == 0 {
            Status::AmountMismatch
        } else {
            Status::Matched
        };
        let amount = Money::from_minor(10_000 + (i as i64 % 5000) * 100, Currency::Thb);
        let line = SourceRef::new("kbank.csv", i as u64 + 6);
        let id = OrderId(format!("A-{i:08}"));
        let slip_file = format!("slip-{i:08}.json");
        let name = names[i % names.len()];
        let reasons = if status == Status::Matched {
            vec![]
        } else {
            vec![Reason::with(ReasonCode::ShortBy, "50.00 THB")]
        };
        orders.push(OrderOutcome {
            order_id: id.clone(),
            source: SourceRef::new("orders.csv", i as u64 + 2),
            status,
            customer_name: name.into(),
            slip: Some(slip_file.clone()),
            statement_lines: vec![line.clone()],
            expected: amount,
            paid: Some(amount),
            name_score: Some(0.9),
            reasons: reasons.clone(),
        });
        order_rows.push(Order {
            source: SourceRef::new("orders.csv", i as u64 + 2),
            order_id: id.clone(),
            customer_name: name.into(),
            amount,
            ordered_at: at(i),
            slip: Some(slip_file.clone()),
        });
        statement.push(StatementOutcome {
            line: line.clone(),
            status,
            order_ids: vec![id.clone()],
            amount,
            counterparty_name: Some(name.into()),
            reasons: reasons.clone(),
        });
        line_rows.push(StatementLine {
            source: line.clone(),
            account: "123-4-56789-0".into(),
            booked_at: at(i + 60),
            amount,
            counterparty: Party {
                name: Some(name.into()),
                ..Party::default()
            },
            reference: Some(format!("FT{i:010}")),
            description: None,
        });
        let mut slip = Slip::empty(recon_core::Provider::Easyslip);
        slip.file = Some(slip_file.clone());
        slip.sender.name = Some(name.into());
        slip.amount = Some(amount);
        slip.transferred_at = Some(at(i + 30));
        slip_rows.push(SlipRead::Read(slip));
        slips.push(SlipOutcome {
            file: slip_file,
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
        decisions: &recon_core::DayDecisions::default(),
        provider_health: None,
    };
    let records = DayRecords {
        orders: &order_rows,
        lines: &line_rows,
        slips: &slip_rows,
    };

    let (cpu0, rss0, _) = usage();
    let t = Instant::now();
    if render_only {
        let files = render_day_reports(&input, &records).expect("render");
        for (name, bytes) in &files {
            println!("{name:>22} {:>12} bytes", bytes.len());
        }
    } else {
        let written =
            write_day_reports_with(std::path::Path::new(&out), &input, &records).expect("write");
        for path in &written {
            let len = std::fs::metadata(path).map_or(0, |m| m.len());
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            println!("{name:>22} {len:>12} bytes");
        }
    }
    let wall = t.elapsed();
    let (cpu1, rss1, hwm) = usage();
    println!(
        "{n} orders: {} wall {wall:.2?}, cpu {:.2} s; RSS before {rss0} MiB, after {rss1} MiB, peak {hwm} MiB (report adds {} MiB)",
        if render_only { "render" } else { "write" },
        cpu1 - cpu0,
        hwm.saturating_sub(rss0)
    );
}
