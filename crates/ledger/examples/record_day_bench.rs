//! Times the ledger on a large day: `record_day` (delete + insert in one
//! transaction), a rerun of it, `prior_uses` for every slip key, the day
//! recorded with a tenth of its orders left open (`record_day_with`) and
//! that open set read back (`open_items_before`), `trend`.
//!
//! `cargo run -p recon-ledger --release --example record_day_bench -- 100000`

use std::time::Instant;

use chrono::DateTime;
use recon_core::carry::{self, CarriedRecord, LastVerdict};
use recon_core::{
    Break, Currency, Day, DayResult, ItemKind, Lifecycle, Money, OpenItem, Order, OrderId,
    OrderOutcome, Provider, Reason, Slip, SlipOutcome, SourceRef, StatementOutcome, Status,
    TransRef,
};
use recon_ledger::{DayCarry, Ledger};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!("recon-ledger-bench-{}", std::process::id()));
    let db = dir.join("ledger.sqlite");
    let day: Day = "2026-11-21".parse().expect("day");
    let amount = Money::parse("1500.00", Currency::Thb).expect("amount");

    let mut result = DayResult {
        day,
        orders: Vec::new(),
        statement: Vec::new(),
        slips: Vec::new(),
    };
    let mut slips = Vec::new();
    for i in 0..n {
        let id = OrderId(format!("ORD-{i:08}"));
        let line = SourceRef::new("kbank.csv", 6 + i as u64);
        let file = format!("{i:08}.json");
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
            reasons: vec![Reason::with("linked_by", "trans_ref")],
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
            trans_ref: Some(format!("TR{i:012}")),
            reasons: vec![],
        });
        let mut slip = Slip::empty(Provider::Easyslip);
        slip.file = Some(file);
        slip.trans_ref = TransRef::new(&format!("TR{i:012}"));
        slip.image_sha256 = Some(format!("{i:064x}"));
        slips.push(slip);
    }
    let keys: Vec<_> = slips.iter().flat_map(|s| s.registry_keys()).collect();

    let ledger = Ledger::open(&db).expect("open");
    let started = DateTime::parse_from_rfc3339("2026-11-22T01:00:00+07:00").expect("time");
    for label in ["record_day", "record_day (rerun, replaces)"] {
        let run = ledger.begin_run(day, started, &[]).expect("run");
        let t = Instant::now();
        ledger.record_day(run, &result, &slips).expect("record");
        println!(
            "{label}: {n} orders + {n} lines + {n} slips + {} keys in {:.2?}",
            keys.len(),
            t.elapsed()
        );
    }
    let t = Instant::now();
    let hits = ledger.prior_uses(&keys, day.next()).expect("prior uses");
    println!(
        "prior_uses: {} keys, {} hits in {:.2?}",
        keys.len(),
        hits.len(),
        t.elapsed()
    );

    // Issue 9: the same day leaving a tenth of its orders open (unpaid),
    // with their breaks, and the next day reading that open set back.
    let open: Vec<OpenItem> = result
        .orders
        .iter()
        .step_by(10)
        .map(|o| {
            let key = carry::order_key(o, day);
            let mut verdict = o.clone();
            verdict.source = SourceRef::new(format!("{day}/{}", o.source.file), o.source.line);
            verdict.status = Status::Unpaid;
            OpenItem {
                kind: ItemKind::Order,
                key,
                origin_day: day,
                first_seen: day,
                status: Status::Unpaid,
                record: CarriedRecord::Order(Order {
                    source: verdict.source.clone(),
                    order_id: o.order_id.clone(),
                    customer_name: o.customer_name.clone(),
                    amount,
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
            origin_day: day,
            first_seen: day,
            status: Status::Unpaid,
            lifecycle: Lifecycle::New,
            age_days: 0,
            resolved_by: None,
        })
        .collect();
    let run = ledger.begin_run(day, started, &[]).expect("run");
    let t = Instant::now();
    ledger
        .record_day_with(
            run,
            &result,
            &slips,
            &DayCarry {
                carried_from: None,
                open: &open,
                breaks: &breaks,
            },
        )
        .expect("record with carry");
    println!(
        "record_day_with: the same day plus {} open items and {} breaks in {:.2?}",
        open.len(),
        breaks.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let (from, back) = ledger.open_items_before(day.next()).expect("open set");
    assert_eq!(from, Some(day));
    assert_eq!(back.len(), open.len());
    println!(
        "open_items_before: {} items read back in {:.2?}",
        back.len(),
        t.elapsed()
    );

    let t = Instant::now();
    let trend = ledger.trend(day, 30).expect("trend");
    println!("trend: {} points in {:.2?}", trend.len(), t.elapsed());
    // Closing the last connection checkpoints the WAL into the file.
    drop(ledger);
    let bytes = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let conn = rusqlite::Connection::open(&db).expect("reopen");
    let pragma = |name: &str| -> i64 {
        conn.pragma_query_value(None, name, |r| r.get(0))
            .unwrap_or(0)
    };
    let (pages, free, size) = (
        pragma("page_count"),
        pragma("freelist_count"),
        pragma("page_size"),
    );
    println!(
        "ledger file after close: {:.1} MB, of which {:.1} MB free pages left by the replaced set",
        bytes as f64 / 1e6,
        (free * size) as f64 / 1e6
    );
    let _ = pages;
    drop(conn);
    let _ = std::fs::remove_dir_all(&dir);
}
