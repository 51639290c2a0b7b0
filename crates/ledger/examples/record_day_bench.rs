//! Times the ledger on large days, wall and CPU per step:
//! - `record_day` of a first day into an empty ledger, and a rerun of it
//!   (the previous set deleted and replaced in the same transaction);
//! - `prior_uses` of the second day's slip keys (one in a hundred reuses a
//!   first-day slip) against the first day's registry, as the CLI asks it;
//! - `record_day_with` of the second day with a tenth of its orders left
//!   open, their breaks, the day it carried from: its slip keys interleave
//!   with the first day's in the key index, as real image hashes do;
//! - `open_items_before`, `days_depending_on`, `day_result_matches`,
//!   `day_result`, `trend`;
//! - the file size after close; per step, how far the resident set rose
//!   above where it stood (the inputs are the benchmark's, not the
//!   ledger's).
//!
//! `cargo run -p recon-ledger --release --example record_day_bench -- 100000`
//! (the argument is orders per day; each day has as many statement lines
//! and slips, each slip two registry keys).

use std::time::Instant;

use chrono::DateTime;
use recon_core::ReasonCode;
use recon_core::carry::{self, CarriedRecord, LastVerdict};
use recon_core::{
    Break, Currency, Day, DayResult, ItemKind, Lifecycle, Money, OpenItem, Order, OrderId,
    OrderOutcome, Provider, Reason, Slip, SlipOutcome, SourceRef, StatementOutcome, Status,
    TransRef,
};
use recon_ledger::{DayCarry, Ledger};
use sha2::{Digest, Sha256};

/// Process CPU seconds (user + system) from /proc; 0 where there is none.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 (1-based), 11 and 12 here; the
    // kernel's USER_HZ is 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// Peak resident set size in MB, from /proc (0 where there is none).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resident set size now, in MB (0 where /proc has none).
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Runs `f`, printing its wall and CPU time and how far the resident set
/// rose above where it stood before (the peak is reset first, Linux only).
fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (wall, cpu, rss) = (Instant::now(), cpu_seconds(), rss_mb());
    let out = f();
    println!(
        "{label:<58} wall {:>6.2} s  cpu {:>6.2} s  peak RSS +{:>5.0} MB",
        wall.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        (peak_rss_mb() - rss).max(0.0)
    );
    out
}

/// A day of `n` matched orders, statement lines and slips. Slip `i` of a
/// day has a transaction reference unique to the day and an image hash
/// spread over the key space like a real SHA-256; every `reuse_every`-th
/// slip instead carries the keys of slip `i` of `reuse_from`.
fn build_day(day: Day, n: usize, reuse: Option<(Day, usize)>) -> (DayResult, Vec<Slip>) {
    let amount = Money::parse("1500.00", Currency::Thb).expect("amount");
    let mut result = DayResult {
        day,
        orders: Vec::with_capacity(n),
        statement: Vec::with_capacity(n),
        slips: Vec::with_capacity(n),
    };
    let mut slips = Vec::with_capacity(n);
    let compact = day.to_string().replace('-', "");
    for i in 0..n {
        let id = OrderId(format!("ORD-{compact}-{i:08}"));
        let line = SourceRef::new("kbank.csv", 6 + i as u64);
        let file = format!("{i:08}.json");
        let key_day = match reuse {
            Some((from, every)) if i % every == 0 => from.to_string().replace('-', ""),
            _ => compact.clone(),
        };
        let trans_ref = format!("{key_day}TR{i:010}");
        result.orders.push(OrderOutcome {
            order_id: id.clone(),
            source: SourceRef::new("orders.csv", 2 + i as u64),
            status: Status::Matched,
            customer_name: "นาย สมชาย ใจดี".into(),
            slip: Some(file.clone()),
            statement_lines: vec![line.clone()],
            expected: amount,
            paid: Some(amount),
            name_score: Some(0.93),
            reasons: vec![Reason::with(ReasonCode::LinkedBy, "trans_ref")],
        });
        result.statement.push(StatementOutcome {
            line: line.clone(),
            status: Status::Matched,
            order_ids: vec![id.clone()],
            amount,
            counterparty_name: Some("นาย สมชาย ใจดี".into()),
            reasons: vec![],
        });
        result.slips.push(SlipOutcome {
            file: file.clone(),
            status: Status::Matched,
            order_ids: vec![id],
            statement_line: Some(line),
            amount: Some(amount),
            trans_ref: Some(trans_ref.clone()),
            reasons: vec![],
        });
        let mut slip = Slip::empty(Provider::Easyslip);
        slip.file = Some(file);
        slip.trans_ref = TransRef::new(&trans_ref);
        slip.image_sha256 = Some(hex_sha256(&format!("{key_day}/{i}")));
        slips.push(slip);
    }
    (result, slips)
}

fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("recon-ledger-bench-{}", std::process::id()));
    let db = dir.join("ledger.sqlite");
    let d1: Day = "2026-11-21".parse().expect("day");
    let d2 = d1.next();
    let started = DateTime::parse_from_rfc3339("2026-11-22T01:00:00+07:00").expect("time");

    let (first, first_slips) = build_day(d1, n, None);
    let (second, second_slips) = build_day(d2, n, Some((d1, 100)));
    let keys = |slips: &[Slip]| {
        let mut keys: Vec<_> = slips.iter().flat_map(|s| s.registry_keys()).collect();
        // As the CLI passes them: sorted, each once.
        keys.sort();
        keys.dedup();
        keys
    };
    let (first_keys, second_keys) = (keys(&first_slips), keys(&second_slips));
    let rss_inputs = peak_rss_mb();
    println!(
        "{n} orders + {n} statement lines + {n} slips ({} registry keys) per day; inputs built, peak RSS {rss_inputs:.0} MB",
        first_keys.len()
    );

    let ledger = Ledger::open(&db).expect("open");
    for label in [
        "record_day: first day, empty ledger",
        "record_day: rerun of the first day (replaces)",
    ] {
        let run = ledger.begin_run(d1, started, &[]).expect("run");
        timed(label, || ledger.record_day(run, &first, &first_slips)).expect("record");
    }
    let hits = timed(
        &format!("prior_uses: {} keys of the second day", second_keys.len()),
        || ledger.prior_uses(&second_keys, d2),
    )
    .expect("prior uses");
    assert_eq!(
        hits.len(),
        2 * n.div_ceil(100),
        "one in a hundred slips reused"
    );
    let again = timed(
        &format!(
            "prior_uses: {} keys of the first day (all miss)",
            first_keys.len()
        ),
        || ledger.prior_uses(&first_keys, d1),
    )
    .expect("prior uses");
    assert!(again.is_empty());

    // The second day leaves a tenth of its orders open (unpaid), with their
    // breaks, and the third day reads that open set back.
    let open: Vec<OpenItem> = second
        .orders
        .iter()
        .step_by(10)
        .map(|o| {
            let key = carry::order_key(o, d2);
            let mut verdict = o.clone();
            verdict.source = SourceRef::new(format!("{d2}/{}", o.source.file), o.source.line);
            verdict.status = Status::Unpaid;
            OpenItem {
                kind: ItemKind::Order,
                key,
                origin_day: d2,
                first_seen: d2,
                status: Status::Unpaid,
                record: CarriedRecord::Order(Order {
                    source: verdict.source.clone(),
                    order_id: o.order_id.clone(),
                    customer_name: o.customer_name.clone(),
                    amount: o.expected,
                    ordered_at: started,
                    slip: None,
                }),
                verdict: LastVerdict::Order(verdict),
            }
        })
        .collect();
    let breaks: Vec<Break> = open
        .iter()
        .map(|i| Break {
            kind: i.kind,
            key: i.key.clone(),
            origin_day: d2,
            first_seen: d2,
            status: Status::Unpaid,
            lifecycle: Lifecycle::New,
            age_days: 0,
            resolved_by: None,
        })
        .collect();
    let run = ledger.begin_run(d2, started, &[]).expect("run");
    timed(
        &format!(
            "record_day_with: second day + {} open items and breaks",
            open.len()
        ),
        || {
            ledger.record_day_with(
                run,
                &second,
                &second_slips,
                &DayCarry {
                    carried_from: Some(d1),
                    open: &open,
                    breaks: &breaks,
                },
            )
        },
    )
    .expect("record with carry");
    let (from, back) = timed("open_items_before: the second day's open set", || {
        ledger.open_items_before(d2.next())
    })
    .expect("open set");
    assert_eq!(from, Some(d2));
    assert_eq!(back.len(), open.len());
    let later = timed("days_depending_on: the first day", || {
        ledger.days_depending_on(d1)
    })
    .expect("depending");
    assert_eq!(later, [d2]);
    let same = timed("day_result_matches: the second day, row by row", || {
        ledger.day_result_matches(&second)
    })
    .expect("day result matches");
    assert!(same);
    let read = timed("day_result: the second day read back", || {
        ledger.day_result(d2)
    })
    .expect("day result");
    assert_eq!(read.as_ref(), Some(&second));
    drop(read);
    let trend = timed("trend: 30 days", || ledger.trend(d2, 30)).expect("trend");
    assert_eq!(trend.len(), 2);

    // Closing the last connection checkpoints the WAL into the file.
    drop(ledger);
    let bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let conn = rusqlite::Connection::open(&db).expect("reopen");
    let pragma = |name: &str| -> i64 {
        conn.pragma_query_value(None, name, |r| r.get(0))
            .unwrap_or(0)
    };
    let (free, size) = (pragma("freelist_count"), pragma("page_size"));
    println!(
        "ledger file after close (two days): {:.1} MB, of which {:.1} MB free pages",
        bytes as f64 / 1e6,
        (free * size) as f64 / 1e6
    );
    // Where the bytes go, per table and index (SQLite's dbstat).
    if let Ok(mut stmt) = conn.prepare(
        "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY SUM(pgsize) DESC LIMIT 12",
    ) {
        let sizes = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .unwrap_or_default();
        for (name, bytes) in sizes {
            println!("  {name:<28} {:>8.1} MB", bytes as f64 / 1e6);
        }
    }
    drop(conn);
    println!(
        "the benchmark's own inputs held {rss_inputs:.0} MB; process cpu {:.2} s",
        cpu_seconds()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
