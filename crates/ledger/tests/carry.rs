//! Days are not islands: the open set a day leaves, read back by
//! the next recorded day; the break lifecycle; carried rows read back
//! exactly; the carry chain in `days_depending_on`.
//!
//! The open sets and breaks are built with `recon_core::carry`, as the CLI
//! builds them, over a three-day story: an order whose money lands two days
//! later, a slip waiting for its money, a line nobody claims, and an amount
//! mismatch that waits for a person.

mod common;

use common::{at, day, open, run_of, sql_count, thb};
use recon_core::carry::{self, DayInputs};
use recon_core::{
    Break, Day, DayResult, ItemKind, Lifecycle, OpenItem, Order, OrderId, OrderOutcome, Party,
    Provider, Reason, Slip, SlipOutcome, SlipRead, SourceRef, StatementLine, StatementOutcome,
    Status,
};
use recon_ledger::{DayCarry, Ledger, LedgerError};

fn order(line: u64, id: &str, amount: &str, slip: Option<&str>) -> Order {
    Order {
        source: SourceRef::new("orders.csv", line),
        order_id: OrderId(id.into()),
        customer_name: "นาย สมชาย ใจดี".into(),
        amount: thb(amount),
        ordered_at: at("2026-11-20T23:50:00+07:00"),
        slip: slip.map(Into::into),
    }
}

fn line(file: &str, n: u64, amount: &str, booked: &str) -> StatementLine {
    StatementLine {
        source: SourceRef::new(file, n),
        account: "123-4-56789-0".into(),
        booked_at: at(booked),
        amount: thb(amount),
        counterparty: Party {
            name: Some("MR. SOMCHAI JAIDEE".into()),
            ..Party::default()
        },
        reference: None,
        description: Some("PromptPay".into()),
    }
}

fn slip_read(file: &str) -> SlipRead {
    let mut s = Slip::empty(Provider::Easyslip);
    s.file = Some(file.into());
    s.amount = Some(thb("1500.00"));
    s.transferred_at = Some(at("2026-11-20T23:55:00+07:00"));
    SlipRead::Read(s)
}

fn order_outcome(o: &Order, status: Status, lines: &[SourceRef], reason: &str) -> OrderOutcome {
    OrderOutcome {
        order_id: o.order_id.clone(),
        source: o.source.clone(),
        status,
        customer_name: o.customer_name.clone(),
        slip: o.slip.clone(),
        statement_lines: lines.to_vec(),
        expected: o.amount,
        paid: (!lines.is_empty()).then_some(o.amount),
        name_score: (!lines.is_empty()).then_some(0.875),
        reasons: vec![Reason {
            code: reason.into(),
            detail: None,
        }],
    }
}

fn line_outcome(l: &StatementLine, status: Status, orders: &[&str]) -> StatementOutcome {
    StatementOutcome {
        line: l.source.clone(),
        status,
        order_ids: orders.iter().map(|o| OrderId((*o).into())).collect(),
        amount: l.amount,
        counterparty_name: l.counterparty.name.clone(),
        reasons: vec![],
    }
}

fn slip_outcome(
    file: &str,
    status: Status,
    orders: &[&str],
    paid_by: Option<&SourceRef>,
) -> SlipOutcome {
    SlipOutcome {
        file: file.into(),
        status,
        order_ids: orders.iter().map(|o| OrderId((*o).into())).collect(),
        statement_line: paid_by.cloned(),
        amount: Some(thb("1500.00")),
        trans_ref: None,
        reasons: vec![Reason {
            code: "transferred_at".into(),
            detail: Some("2026-11-20T23:55:00+07:00".into()),
        }],
    }
}

/// The story's days as the CLI would compute and record them.
struct Story {
    d20: Day,
    d22: Day,
    r20: DayResult,
    open20: Vec<OpenItem>,
    breaks20: Vec<Break>,
    r22: DayResult,
    open22: Vec<OpenItem>,
    breaks22: Vec<Break>,
}

/// The 20th: A-1 (slip a.png, no money yet: pending), A-2 (amount
/// mismatch: needs a person), kbank.csv:7 unclaimed, the slip waiting.
/// The 21st is never run. The 22nd: the money for A-1 lands at 00:03 on
/// kbank.csv:4 and closes A-1 and its slip; A-2 and the unclaimed line
/// persist; today's own B-1 (also orders.csv:2!) is new and unpaid.
fn story() -> Story {
    let (d20, d22) = (day("2026-11-20"), day("2026-11-22"));
    let a1 = order(2, "A-1", "1500.00", Some("a.png"));
    let a2 = order(3, "A-2", "990.00", None);
    let l6 = line("kbank.csv", 6, "900.00", "2026-11-20T10:00:00+07:00");
    let l7 = line("kbank.csv", 7, "42.00", "2026-11-20T11:00:00+07:00");
    let slip_a = slip_read("a.png");
    let r20 = DayResult {
        day: d20,
        orders: vec![
            order_outcome(&a1, Status::Pending, &[], "waiting_for_money"),
            order_outcome(
                &a2,
                Status::AmountMismatch,
                std::slice::from_ref(&l6.source),
                "short_by",
            ),
        ],
        statement: vec![
            line_outcome(&l6, Status::AmountMismatch, &["A-2"]),
            line_outcome(&l7, Status::StatementUnmatched, &[]),
        ],
        slips: vec![slip_outcome("a.png", Status::Pending, &["A-1"], None)],
    };
    let breaks20 = carry::breaks(d20, &r20, &[]);
    let open20 = carry::open_after(
        d20,
        &r20,
        DayInputs {
            orders: &[a1, a2],
            lines: &[l6, l7],
            slips: &[slip_a],
        },
        &[],
        &breaks20,
    );

    let (rematch, frozen) = carry::split_open(&open20);
    assert_eq!(rematch.orders.len(), 1, "A-1 goes back to the matcher");
    assert_eq!(frozen.len(), 2, "A-2 and its line wait for a person");
    let carried_a1 = &rematch.orders[0];
    let carried_l7 = rematch
        .lines
        .iter()
        .find(|l| l.source.line == 7)
        .expect("the unclaimed line is carried");
    let l4 = line("kbank.csv", 4, "1500.00", "2026-11-22T00:03:00+07:00");
    let b1 = order(2, "B-1", "300.00", None);
    let mut r22 = DayResult {
        day: d22,
        orders: vec![
            order_outcome(
                carried_a1,
                Status::Matched,
                std::slice::from_ref(&l4.source),
                "linked_by_slip",
            ),
            order_outcome(&b1, Status::Unpaid, &[], "no_slip"),
        ],
        statement: vec![
            line_outcome(carried_l7, Status::StatementUnmatched, &[]),
            line_outcome(&l4, Status::Matched, &["A-1"]),
        ],
        slips: vec![slip_outcome(
            "2026-11-20/a.png",
            Status::Matched,
            &["A-1"],
            Some(&l4.source),
        )],
    };
    carry::append_frozen(&mut r22, &frozen);
    let breaks22 = carry::breaks(d22, &r22, &open20);
    let open22 = carry::open_after(
        d22,
        &r22,
        DayInputs {
            orders: &[b1],
            lines: &[l4],
            slips: &[],
        },
        &open20,
        &breaks22,
    );
    Story {
        d20,
        d22,
        r20,
        open20,
        breaks20,
        r22,
        open22,
        breaks22,
    }
}

fn record_story(ledger: &Ledger, s: &Story) {
    ledger
        .record_day_with(
            run_of(ledger, s.d20),
            &s.r20,
            &[],
            &DayCarry {
                carried_from: None,
                open: &s.open20,
                breaks: &s.breaks20,
            },
        )
        .unwrap();
    let (from, open) = ledger.open_items_before(s.d22).unwrap();
    assert_eq!(from, Some(s.d20));
    assert_eq!(open, s.open20);
    ledger
        .record_day_with(
            run_of(ledger, s.d22),
            &s.r22,
            &[],
            &DayCarry {
                carried_from: from,
                open: &s.open22,
                breaks: &s.breaks22,
            },
        )
        .unwrap();
}

#[test]
fn the_next_recorded_day_reads_the_open_set_back_across_gap_days() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let s = story();
    assert_eq!(ledger.open_items_before(s.d20).unwrap(), (None, vec![]));
    record_story(&ledger, &s);

    // The 21st was never run: its run (and the 22nd's) start from the 20th.
    assert_eq!(
        ledger.open_items_before(day("2026-11-21")).unwrap(),
        (Some(s.d20), s.open20.clone())
    );
    assert_eq!(
        ledger.open_items_before(s.d22).unwrap(),
        (Some(s.d20), s.open20.clone())
    );
    // A week later: the 22nd's set, exactly and in (kind, key) order.
    let (from, open) = ledger.open_items_before(day("2026-11-29")).unwrap();
    assert_eq!(from, Some(s.d22));
    assert_eq!(open, s.open22);
    let keys: Vec<(ItemKind, &str)> = open.iter().map(|i| (i.kind, i.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            (ItemKind::Order, "2026-11-20/orders.csv:3"),
            (ItemKind::Order, "2026-11-22/orders.csv:2"),
            (ItemKind::StatementLine, "2026-11-20/kbank.csv:6"),
            (ItemKind::StatementLine, "2026-11-20/kbank.csv:7"),
        ]
    );
    // The item kept its first day across the gap.
    assert!(open.iter().all(|i| i.first_seen == i.origin_day));
}

#[test]
fn carried_rows_read_back_exactly_and_under_their_origin_day() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let s = story();
    record_story(&ledger, &s);

    // What the CLI compares a recomputed day with: equal, rows in order.
    assert_eq!(ledger.day_result(s.d22).unwrap().as_ref(), Some(&s.r22));
    assert_eq!(ledger.day_result(s.d20).unwrap().as_ref(), Some(&s.r20));
    assert_eq!(
        s.r22.orders[0].source.to_string(),
        "2026-11-20/orders.csv:2"
    );

    // The carried A-1 and today's B-1 share `orders.csv:2` but not a key:
    // both come back, each under its own origin day.
    let back = ledger.day_result(s.d22).unwrap().unwrap();
    let origin = |file: &str| recon_core::carry::origin_day(file, s.d22).to_string();
    let carried_orders = back
        .orders
        .iter()
        .filter(|o| origin(&o.source.file) == "2026-11-20")
        .count();
    assert_eq!(carried_orders, 2);
    let own_b1 = back
        .orders
        .iter()
        .filter(|o| origin(&o.source.file) == "2026-11-22" && o.order_id.0 == "B-1")
        .count();
    assert_eq!(own_b1, 1);
    let carried_lines = back
        .statement
        .iter()
        .filter(|l| origin(&l.line.file) == "2026-11-20")
        .count();
    assert_eq!(carried_lines, 2);
    let carried_slip = back
        .slips
        .iter()
        .filter(|sl| sl.file == "2026-11-20/a.png")
        .count();
    assert_eq!(carried_slip, 1);
    // The 22nd is stored as resting on the 20th.
    assert_eq!(
        sql_count(
            dir.path(),
            "SELECT COUNT(*) FROM carried_origins
             WHERE day = '2026-11-22' AND origin_day = '2026-11-20'"
        ),
        1
    );
    assert_eq!(
        sql_count(
            dir.path(),
            "SELECT COUNT(*) FROM days WHERE day = '2026-11-22' AND carried_from = '2026-11-20'"
        ),
        1
    );
}

#[test]
fn breaks_and_resolutions_are_kept_per_day() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let s = story();
    record_story(&ledger, &s);

    assert_eq!(ledger.breaks(s.d20).unwrap(), s.breaks20);
    assert!(
        s.breaks20.iter().all(|b| b.lifecycle == Lifecycle::New),
        "{:?}",
        s.breaks20
    );
    let b22 = ledger.breaks(s.d22).unwrap();
    assert_eq!(b22, s.breaks22);
    let life = |key: &str| {
        b22.iter()
            .find(|b| b.key == key)
            .map(|b| (b.lifecycle, b.age_days))
    };
    assert_eq!(
        life("2026-11-20/orders.csv:2"),
        Some((Lifecycle::Resolved, 2))
    );
    assert_eq!(
        life("2026-11-20/orders.csv:3"),
        Some((Lifecycle::Persisting, 2))
    );
    assert_eq!(life("2026-11-22/orders.csv:2"), Some((Lifecycle::New, 0)));
    assert_eq!(life("2026-11-20/a.png"), Some((Lifecycle::Resolved, 2)));
    assert!(ledger.breaks(day("2026-11-21")).unwrap().is_empty());

    // When and by what the waiting order and its slip were closed.
    assert_eq!(
        ledger
            .resolution(ItemKind::Order, "2026-11-20/orders.csv:2")
            .unwrap(),
        Some((s.d22, "2026-11-20/a.png|kbank.csv:4".to_string()))
    );
    assert_eq!(
        ledger
            .resolution(ItemKind::Slip, "2026-11-20/a.png")
            .unwrap(),
        Some((s.d22, "kbank.csv:4|A-1".to_string()))
    );
    // Still open, another kind, or never seen: no resolution.
    assert_eq!(
        ledger
            .resolution(ItemKind::Order, "2026-11-20/orders.csv:3")
            .unwrap(),
        None
    );
    assert_eq!(
        ledger
            .resolution(ItemKind::StatementLine, "2026-11-20/orders.csv:2")
            .unwrap(),
        None
    );
    assert_eq!(ledger.resolution(ItemKind::Slip, "b.png").unwrap(), None);
}

#[test]
fn a_rerun_replaces_the_open_set_breaks_and_carried_from() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let s = story();
    record_story(&ledger, &s);
    let d23 = day("2026-11-23");
    assert_eq!(ledger.days_depending_on(s.d20).unwrap(), [s.d22]);

    // The 22nd rerun as if it had started from nothing: only its own rows,
    // its own B-1 open.
    let own = DayResult {
        day: s.d22,
        orders: s
            .r22
            .orders
            .iter()
            .filter(|o| o.order_id.0 == "B-1")
            .cloned()
            .collect(),
        statement: vec![s.r22.statement[2].clone()],
        slips: vec![],
    };
    assert_eq!(own.orders[0].order_id.0, "B-1");
    assert_eq!(own.statement[0].line.to_string(), "kbank.csv:4");
    let breaks = carry::breaks(s.d22, &own, &[]);
    let open_b1: Vec<OpenItem> = s
        .open22
        .iter()
        .filter(|i| i.key == "2026-11-22/orders.csv:2")
        .cloned()
        .collect();
    assert_eq!(open_b1.len(), 1);
    ledger
        .record_day_with(
            run_of(&ledger, s.d22),
            &own,
            &[],
            &DayCarry {
                carried_from: None,
                open: &open_b1,
                breaks: &breaks,
            },
        )
        .unwrap();

    assert_eq!(
        ledger.open_items_before(d23).unwrap(),
        (Some(s.d22), open_b1)
    );
    assert_eq!(ledger.breaks(s.d22).unwrap(), breaks);
    assert_eq!(ledger.day_result(s.d22).unwrap(), Some(own));
    assert_eq!(
        ledger
            .resolution(ItemKind::Order, "2026-11-20/orders.csv:2")
            .unwrap(),
        None
    );
    // Nothing of the 22nd rests on the 20th any more.
    assert!(ledger.days_depending_on(s.d20).unwrap().is_empty());
    assert_eq!(
        sql_count(
            dir.path(),
            "SELECT COALESCE(SUM(rows), 0) FROM day_chunks
             WHERE day = '2026-11-22' AND part = 'open_items'"
        ),
        1
    );
    // The plain record_day leaves an empty open set and no breaks.
    let (r, slips) = common::day_result(s.d22, 2, "plain");
    ledger
        .record_day(run_of(&ledger, s.d22), &r, &slips)
        .unwrap();
    assert_eq!(
        ledger.open_items_before(d23).unwrap(),
        (Some(s.d22), vec![])
    );
    assert!(ledger.breaks(s.d22).unwrap().is_empty());
    // The 20th's set is untouched by all of it.
    assert_eq!(
        ledger.open_items_before(day("2026-11-21")).unwrap().1,
        s.open20
    );
}

#[test]
fn a_refused_carry_keeps_the_previous_set() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let s = story();
    record_story(&ledger, &s);

    // Starting from its own day (or a later one) is nonsense.
    let err = ledger
        .record_day_with(
            run_of(&ledger, s.d22),
            &s.r22,
            &[],
            &DayCarry {
                carried_from: Some(s.d22),
                open: &s.open22,
                breaks: &s.breaks22,
            },
        )
        .unwrap_err();
    assert!(matches!(err, LedgerError::BadCarry { .. }), "{err:?}");
    assert!(err.to_string().contains("2026-11-22"), "{err}");

    // A day that was never recorded cannot be carried from.
    let err = ledger
        .record_day_with(
            run_of(&ledger, s.d22),
            &s.r22,
            &[],
            &DayCarry {
                carried_from: Some(day("2026-11-21")),
                open: &s.open22,
                breaks: &s.breaks22,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");

    // An open set naming one item twice fails inside the transaction,
    // after the old rows were deleted: all of it rolls back.
    let twice = [s.open22.clone(), s.open22[..1].to_vec()].concat();
    let err = ledger
        .record_day_with(
            run_of(&ledger, s.d22),
            &s.r22,
            &[],
            &DayCarry {
                carried_from: Some(s.d20),
                open: &twice,
                breaks: &s.breaks22,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("2026-11-20/orders.csv:3"), "{err}");

    assert_eq!(ledger.day_result(s.d22).unwrap().as_ref(), Some(&s.r22));
    assert_eq!(
        ledger.open_items_before(day("2026-11-23")).unwrap(),
        (Some(s.d22), s.open22.clone())
    );
    assert_eq!(ledger.breaks(s.d22).unwrap(), s.breaks22);
}

#[test]
fn the_carry_chain_names_every_later_day_once_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let days: Vec<Day> = ["2026-11-20", "2026-11-21", "2026-11-23", "2026-11-24"]
        .into_iter()
        .map(day)
        .collect();
    // Each day starts from the one before it (the 22nd is a gap); only own
    // rows, so the chain is the only link between them.
    let mut previous = None;
    for (i, d) in days.iter().enumerate() {
        let (r, slips) = common::day_result(*d, 2, &format!("chain{i}"));
        ledger
            .record_day_with(
                run_of(&ledger, *d),
                &r,
                &slips,
                &DayCarry {
                    carried_from: previous,
                    ..DayCarry::default()
                },
            )
            .unwrap();
        previous = Some(*d);
    }
    // The 25th started afresh (say the open set was older than the
    // look-back): it rests on nothing.
    let d25 = day("2026-11-25");
    let (r, slips) = common::day_result(d25, 1, "fresh");
    ledger.record_day(run_of(&ledger, d25), &r, &slips).unwrap();

    assert_eq!(ledger.days_depending_on(days[0]).unwrap(), &days[1..]);
    assert_eq!(ledger.days_depending_on(days[1]).unwrap(), &days[2..]);
    // The 22nd, never run, is run late: the 23rd started from the 21st,
    // skipping it, so it must be recomputed from the 22nd's open set; the
    // 24th started from the 23rd.
    assert_eq!(
        ledger.days_depending_on(day("2026-11-22")).unwrap(),
        &days[2..]
    );
    assert_eq!(ledger.days_depending_on(days[2]).unwrap(), &days[3..]);
    assert!(ledger.days_depending_on(days[3]).unwrap().is_empty());
    assert!(ledger.days_depending_on(d25).unwrap().is_empty());

    // A day linked twice (carried rows from the 20th and started from the
    // 21st) is named once.
    let s = story();
    let dir2 = tempfile::tempdir().unwrap();
    let ledger2 = open(dir2.path());
    record_story(&ledger2, &s);
    assert_eq!(ledger2.days_depending_on(s.d20).unwrap(), [s.d22]);
    // Filling the gap (the 21st run late) names the 22nd, which started
    // from the 20th's open set and must now start from the 21st's.
    assert_eq!(
        ledger2.days_depending_on(day("2026-11-21")).unwrap(),
        [s.d22]
    );
    assert!(ledger2.days_depending_on(s.d22).unwrap().is_empty());
}
