//! Recording days: atomic replacement, the slip registry across days, runs,
//! history and trend.

mod common;

use common::{at, day, day_result, inputs, open, run_of, slip, sql_count, thb};
use recon_core::{Currency, Day, DayResult, Decimal, Money, OrderId, SlipKey, SourceRef, Status};
use recon_ledger::{Ledger, LedgerError, RunId, RunStatus};
use rusqlite::Connection;

#[test]
fn results_read_back_exactly_as_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (mut result, slips) = day_result(d, 5, "a");
    // Amounts and fields that are easy to get wrong in SQL.
    result.orders[1].paid = Some(Money::parse("1449.99", Currency::Thb).unwrap());
    result.orders[1].status = Status::AmountMismatch;
    result.orders[2].expected = Money::parse("12.50", Currency::Usd).unwrap();
    result.statement[0].order_ids.push(OrderId("a-004".into()));
    result.slips[0].statement_line = None;
    let run = run_of(&ledger, d);
    ledger.record_day(run, &result, &slips).unwrap();
    let back = ledger.day_result(d).unwrap().unwrap();
    assert_eq!(back, result);
    // Money sits in integer minor units: it comes back with the
    // currency's minor digits.
    assert_eq!(
        back.orders[1].paid,
        Some(Money::from_minor(144999, Currency::Thb))
    );
    assert_eq!(back.orders[2].expected.amount.scale(), 2);
    assert!(ledger.day_result(day("2026-11-20")).unwrap().is_none());
}

#[test]
fn a_rerun_leaves_exactly_one_set() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let other = day("2026-11-20");

    let (first, first_slips) = day_result(d, 6, "first");
    let (neighbour, neighbour_slips) = day_result(other, 2, "neighbour");
    ledger
        .record_day(run_of(&ledger, other), &neighbour, &neighbour_slips)
        .unwrap();
    ledger
        .record_day(run_of(&ledger, d), &first, &first_slips)
        .unwrap();

    let (second, second_slips) = day_result(d, 3, "second");
    let rerun = run_of(&ledger, d);
    ledger.record_day(rerun, &second, &second_slips).unwrap();
    // The same inputs again: still one set.
    ledger.record_day(rerun, &second, &second_slips).unwrap();

    assert_eq!(ledger.day_result(d).unwrap().as_ref(), Some(&second));
    let db = dir.path();
    let rows = |part: &str| {
        sql_count(
            db,
            &format!(
                "SELECT COALESCE(SUM(rows), 0) FROM day_chunks
                 WHERE day = '2026-11-21' AND part = '{part}'"
            ),
        )
    };
    assert_eq!(
        [rows("orders"), rows("statement"), rows("slips")],
        [3, 3, 2]
    );
    // 2 slips × 3 keys (transRef, QR payload, image hash), none of the
    // first run's, in the registry and in the key index.
    assert_eq!(rows("registry"), 6);
    assert_eq!(ledger.slip_registrations(d).unwrap().len(), 6);
    let neighbours = ledger.slip_registrations(other).unwrap().len() as i64;
    assert_eq!(
        sql_count(db, "SELECT COUNT(*) FROM slip_keys"),
        6 + neighbours
    );
    assert!(
        ledger
            .slip_registrations(d)
            .unwrap()
            .iter()
            .all(|r| r.run == rerun)
    );
    // The other day is untouched.
    assert_eq!(ledger.day_result(other).unwrap().as_ref(), Some(&neighbour));
    assert_eq!(
        ledger.recorded_days().unwrap(),
        [(other, RunId(1)), (d, rerun)]
    );
}

#[test]
fn a_failure_inside_record_day_keeps_the_previous_set() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (first, first_slips) = day_result(d, 4, "first");
    let first_run = run_of(&ledger, d);
    ledger.record_day(first_run, &first, &first_slips).unwrap();
    let first_keys: Vec<SlipKey> = first_slips.iter().flat_map(|s| s.registry_keys()).collect();

    // 1. A statement line listed twice: a key of the day, refused.
    let (mut broken, broken_slips) = day_result(d, 6, "broken");
    let copy = broken.statement[0].clone();
    broken.statement.push(copy);
    let err = ledger
        .record_day(run_of(&ledger, d), &broken, &broken_slips)
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::DuplicateResult { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("kbank.csv:6"), "{err}");
    assert!(err.to_string().contains("twice"), "{err}");

    // 2. An amount the ledger cannot hold, on the last slip.
    let (mut huge, huge_slips) = day_result(d, 6, "huge");
    huge.slips.last_mut().unwrap().amount = Some(Money::new(Decimal::MAX, Currency::Thb));
    let err = ledger
        .record_day(run_of(&ledger, d), &huge, &huge_slips)
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::AmountOutOfRange { .. }),
        "{err:?}"
    );

    // 3. Results of another day under this day's run.
    let (elsewhere, elsewhere_slips) = day_result(day("2026-11-22"), 1, "x");
    let err = ledger
        .record_day(first_run, &elsewhere, &elsewhere_slips)
        .unwrap_err();
    assert!(matches!(err, LedgerError::RunDayMismatch { .. }), "{err}");

    assert_eq!(ledger.day_result(d).unwrap().as_ref(), Some(&first));
    let uses = ledger.prior_uses(&first_keys, d.next()).unwrap();
    assert_eq!(uses.len(), first_keys.len());
    assert_eq!(
        ledger.slip_registrations(d).unwrap().len(),
        first_keys.len()
    );
    assert_eq!(
        ledger.recorded_days().unwrap(),
        [(d, first_run)],
        "the day still belongs to the first run"
    );
}

#[test]
fn prior_uses_only_sees_earlier_days_and_the_earliest_use() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let (d20, d21, d22) = (day("2026-11-20"), day("2026-11-21"), day("2026-11-22"));

    // One real slip, used on the 20th for order X-1, again on the 21st for
    // Y-1 (a duplicate the matcher caught), and a fresh slip on the 22nd.
    let reused = slip("reused.json", "r");
    let record = |d: Day, order: &str, s: &recon_core::Slip| {
        let (mut result, _) = day_result(d, 0, "none");
        let (template, _) = day_result(d, 1, "t");
        let mut outcome = template.slips[0].clone();
        outcome.file = s.file.clone().unwrap();
        outcome.order_ids = vec![OrderId(order.into())];
        result.slips.push(outcome);
        ledger
            .record_day(run_of(&ledger, d), &result, std::slice::from_ref(s))
            .unwrap();
    };
    record(d21, "Y-1", &reused);
    record(d20, "X-1", &reused);
    let fresh = slip("fresh.json", "f");
    record(d22, "Z-1", &fresh);

    let keys: Vec<SlipKey> = reused
        .registry_keys()
        .into_iter()
        .chain(fresh.registry_keys())
        .chain([SlipKey::TransRef("never-seen".into())])
        .collect();
    assert_eq!(keys.len(), 7);

    // Before the 20th: nothing.
    assert!(ledger.prior_uses(&keys, d20).unwrap().is_empty());
    // Before the 21st: the 20th's use only.
    let hits = ledger.prior_uses(&keys, d21).unwrap();
    assert_eq!(hits.len(), 3);
    for key in reused.registry_keys() {
        let hit = &hits[&key];
        assert_eq!(hit.day, d20);
        assert_eq!(hit.order_id, Some(OrderId("X-1".into())));
        assert_eq!(hit.file, "reused.json");
    }
    // Before the 23rd: still the earliest use (the 20th), plus the 22nd's slip.
    let hits = ledger.prior_uses(&keys, d22.next()).unwrap();
    assert_eq!(hits.len(), 6);
    assert!(reused.registry_keys().iter().all(|k| hits[k].day == d20));
    assert!(
        fresh
            .registry_keys()
            .iter()
            .all(|k| hits[k].day == d22 && hits[k].order_id == Some(OrderId("Z-1".into())))
    );
    // A day's own registrations are not "prior" for that day.
    let hits = ledger.prior_uses(&fresh.registry_keys(), d22).unwrap();
    assert!(hits.is_empty());
}

#[test]
fn a_slip_that_paid_no_order_is_registered_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (mut result, _) = day_result(d, 0, "none");
    let lone = slip("lone.json", "l");
    // A read slip no order claims (e.g. receiver_mismatch on a stray upload).
    result.slips.push(recon_core::SlipOutcome {
        file: "lone.json".into(),
        status: Status::ReceiverMismatch,
        order_ids: vec![],
        statement_line: None,
        amount: Some(thb("1500.00")),
        trans_ref: None,
        reasons: vec![],
    });
    ledger
        .record_day(run_of(&ledger, d), &result, std::slice::from_ref(&lone))
        .unwrap();
    let hits = ledger.prior_uses(&lone.registry_keys(), d.next()).unwrap();
    assert_eq!(hits.len(), 3);
    assert!(
        hits.values()
            .all(|h| h.order_id.is_none() && h.file == "lone.json")
    );
}

#[test]
fn runs_finish_and_history_is_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let (d20, d21) = (day("2026-11-20"), day("2026-11-21"));
    let r1 = ledger
        .begin_run(d21, at("2026-11-22T01:00:00+07:00"), &inputs())
        .unwrap();
    // Started "earlier" by the wall clock, in another offset: history still
    // lists runs in the order they began in the ledger.
    let r2 = ledger
        .begin_run(d20, at("2026-11-21T17:00:00+00:00"), &inputs()[..1])
        .unwrap();
    let r3 = ledger
        .begin_run(d21, at("2026-11-22T02:00:00+07:00"), &[])
        .unwrap();
    ledger
        .finish_run(
            r1,
            at("2026-11-22T01:00:03.250+07:00"),
            RunStatus::Failed,
            r#"{"error":"boom"}"#,
        )
        .unwrap();
    ledger
        .finish_run(
            r2,
            at("2026-11-21T17:00:01+00:00"),
            RunStatus::Clean,
            r#"{"orders":2}"#,
        )
        .unwrap();

    let history = ledger.history(10).unwrap();
    let ids: Vec<RunId> = history.iter().map(|r| r.id).collect();
    assert_eq!(ids, [r3, r2, r1]);
    assert_eq!(ledger.history(2).unwrap().len(), 2);
    assert_eq!(history[2].status, Some(RunStatus::Failed));
    assert_eq!(history[2].exit_code, Some(1));
    assert_eq!(history[1].exit_code, Some(0));
    assert_eq!(history[2].inputs, inputs());
    assert_eq!(
        history[2].summary_json.as_deref(),
        Some(r#"{"error":"boom"}"#)
    );
    assert_eq!(history[0].status, None);

    let line = history[2].to_string();
    assert!(line.contains("run 1"), "{line}");
    assert!(line.contains("failed (exit 1)"), "{line}");
    assert!(line.contains("took 3.250 s"), "{line}");
    assert!(history[0].to_string().contains("unfinished"));

    assert_eq!(ledger.last_run(d21).unwrap().unwrap().id, r3);
    assert_eq!(ledger.last_run(d20).unwrap().unwrap().id, r2);
    assert!(ledger.last_run(day("2026-11-19")).unwrap().is_none());

    let err = ledger
        .finish_run(
            RunId(99),
            at("2026-11-22T01:00:00+07:00"),
            RunStatus::Clean,
            "{}",
        )
        .unwrap_err();
    assert!(matches!(err, LedgerError::UnknownRun(RunId(99))), "{err:?}");
    let err = ledger
        .finish_run(
            r3,
            at("2026-11-22T01:00:00+07:00"),
            RunStatus::Clean,
            "not json",
        )
        .unwrap_err();
    assert!(matches!(err, LedgerError::BadSummary { .. }), "{err:?}");
    assert_eq!(ledger.run(r3).unwrap().unwrap().status, None);
}

#[test]
fn trend_counts_stored_orders_per_recorded_day() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    // Days 10..=21 recorded except the 15th; day d has (d - 8) orders.
    for n in 10..=21u32 {
        if n == 15 {
            continue;
        }
        let d = day(&format!("2026-11-{n:02}"));
        let (result, slips) = day_result(d, (n - 8) as usize, &format!("d{n}"));
        ledger
            .record_day(run_of(&ledger, d), &result, &slips)
            .unwrap();
    }
    // A recorded day with no orders at all still shows, as zeros.
    let empty = day("2026-11-22");
    let (mut result, _) = day_result(empty, 0, "e");
    result.statement.clear();
    ledger
        .record_day(run_of(&ledger, empty), &result, &[])
        .unwrap();

    let trend = ledger.trend(day("2026-11-21"), 7).unwrap();
    let days: Vec<String> = trend.iter().map(|p| p.day.to_string()).collect();
    assert_eq!(
        days,
        [
            "2026-11-16",
            "2026-11-17",
            "2026-11-18",
            "2026-11-19",
            "2026-11-20",
            "2026-11-21"
        ]
    );
    let last = trend.last().unwrap();
    // 13 orders: indexes 0, 2, .., 12 matched.
    assert_eq!((last.orders, last.matched, last.cases), (13, 7, 6));
    let first = &trend[0];
    assert_eq!((first.orders, first.matched, first.cases), (8, 4, 4));

    let with_empty = ledger.trend(empty, 1).unwrap();
    assert_eq!(with_empty.len(), 1);
    assert_eq!((with_empty[0].orders, with_empty[0].cases), (0, 0));
    assert!(ledger.trend(empty, 0).unwrap().is_empty());
    assert_eq!(ledger.trend(day("2026-11-30"), 30).unwrap().len(), 12);
    // A rerun changes the trend: it is read from the stored results.
    let d21 = day("2026-11-21");
    let (smaller, slips) = day_result(d21, 2, "rerun");
    ledger
        .record_day(run_of(&ledger, d21), &smaller, &slips)
        .unwrap();
    let p = ledger.trend(d21, 1).unwrap();
    assert_eq!((p[0].orders, p[0].matched, p[0].cases), (2, 1, 1));

    // A run that finished with its open cases (one problem however many
    // rows, carried ones included) gives the trend that figure.
    let run = run_of(&ledger, d21);
    ledger.record_day(run, &smaller, &slips).unwrap();
    ledger
        .finish_run(
            run,
            at("2026-11-21T23:40:00+07:00"),
            RunStatus::Exceptions,
            r#"{"orders": 2, "matched": 1, "exceptions": 5, "cases": 3}"#,
        )
        .unwrap();
    let p = ledger.trend(d21, 1).unwrap();
    assert_eq!((p[0].orders, p[0].matched, p[0].cases), (2, 1, 3));
}

#[test]
fn statement_line_ids_keep_their_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (mut result, slips) = day_result(d, 2, "a");
    // Same line number in two files is two different lines.
    let mut twin = result.statement[0].clone();
    twin.line = SourceRef::new("aba-usd.csv", result.statement[0].line.line);
    twin.amount = Money::parse("12.00", Currency::Usd).unwrap();
    result.statement.push(twin);
    ledger
        .record_day(run_of(&ledger, d), &result, &slips)
        .unwrap();
    let back = ledger.day_result(d).unwrap().unwrap();
    assert_eq!(back.statement, result.statement);
}

#[test]
fn later_days_that_rest_on_a_day_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let (d20, d21, d22, d23) = (
        day("2026-11-20"),
        day("2026-11-21"),
        day("2026-11-22"),
        day("2026-11-23"),
    );
    // The 20th and the 22nd both saw the same slip (the 22nd's use was a
    // duplicate decided from the 20th's registration); the 21st is unrelated.
    let shared = slip("shared.json", "s");
    for (d, order) in [(d20, "A-1"), (d22, "C-1")] {
        let (mut result, _) = day_result(d, 0, "none");
        let (template, _) = day_result(d, 1, "t");
        let mut outcome = template.slips[0].clone();
        outcome.file = "shared.json".into();
        outcome.order_ids = vec![OrderId(order.into())];
        result.slips.push(outcome);
        ledger
            .record_day(run_of(&ledger, d), &result, std::slice::from_ref(&shared))
            .unwrap();
    }
    let (r21, s21) = day_result(d21, 3, "b");
    ledger.record_day(run_of(&ledger, d21), &r21, &s21).unwrap();
    // The 23rd carries an order that came from the 21st (the
    // carry-over): its row keeps the carried name, which gives its origin.
    let (mut r23, s23) = day_result(d23, 1, "d");
    let mut carried = r21.orders[1].clone();
    carried.source = SourceRef::new("2026-11-21/orders.csv", carried.source.line);
    r23.orders.push(carried);
    ledger.record_day(run_of(&ledger, d23), &r23, &s23).unwrap();
    assert_eq!(ledger.day_result(d23).unwrap(), Some(r23));
    assert_eq!(
        sql_count(
            dir.path(),
            "SELECT COUNT(*) FROM carried_origins WHERE day = '2026-11-23' AND origin_day = '2026-11-21'"
        ),
        1
    );

    assert_eq!(ledger.days_depending_on(d20).unwrap(), [d22]);
    assert_eq!(ledger.days_depending_on(d21).unwrap(), [d23]);
    assert!(ledger.days_depending_on(d22).unwrap().is_empty());
    assert!(ledger.days_depending_on(d23).unwrap().is_empty());
}

#[test]
fn slip_registrations_list_each_key_of_the_day_once_after_reruns() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (result, slips) = day_result(d, 4, "reg");
    let (neighbour, neighbour_slips) = day_result(d.next(), 2, "next");
    ledger
        .record_day(run_of(&ledger, d.next()), &neighbour, &neighbour_slips)
        .unwrap();
    for _ in 0..3 {
        ledger
            .record_day(run_of(&ledger, d), &result, &slips)
            .unwrap();
    }
    let regs = ledger.slip_registrations(d).unwrap();
    let expected_keys: usize = slips.iter().map(|s| s.registry_keys().len()).sum();
    assert_eq!(regs.len(), expected_keys);
    let last_run = ledger.last_run(d).unwrap().unwrap().id;
    assert!(
        regs.iter().all(|r| r.run == last_run),
        "only the last run's rows"
    );
    let mut sorted = regs.clone();
    sorted.sort();
    sorted.dedup_by(|a, b| {
        (&a.key_kind, &a.key_value, &a.order_id, &a.file)
            == (&b.key_kind, &b.key_value, &b.order_id, &b.file)
    });
    assert_eq!(sorted, regs, "sorted and without duplicates");
    for s in &slips {
        for key in s.registry_keys() {
            assert!(
                regs.iter()
                    .any(|r| r.key_kind == key.kind() && r.key_value == key.value()),
                "{key:?} registered"
            );
        }
    }
    assert!(
        ledger
            .slip_registrations(day("2026-11-19"))
            .unwrap()
            .is_empty()
    );
    ledger.integrity_check().unwrap();
}

#[test]
fn integrity_check_reports_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    {
        let ledger = Ledger::open(&path).unwrap();
        let d = day("2026-11-21");
        let (result, slips) = day_result(d, 30, "dmg");
        ledger
            .record_day(run_of(&ledger, d), &result, &slips)
            .unwrap();
        ledger.integrity_check().unwrap();
    }
    // Fold the WAL into the main file, then break an index page: the
    // tables still open, the check must notice.
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'day_chunks_by_hash'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let mut bytes = std::fs::read(&path).unwrap();
    let start = ((root - 1) * page_size) as usize;
    for b in &mut bytes[start + 8..start + 64] {
        *b = 0xA5;
    }
    std::fs::write(&path, bytes).unwrap();
    let ledger = Ledger::open(&path).unwrap();
    match ledger.integrity_check() {
        Err(LedgerError::Damaged { problems, .. }) => assert!(!problems.is_empty()),
        other => panic!("damage not reported: {other:?}"),
    }
}

#[test]
fn a_slip_registers_once_per_key_and_order_however_often_it_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (mut result, mut slips) = day_result(d, 6, "multi");
    // Slip 0 paid two orders; slip 2 paid none (its outcome names no
    // order); slip 4 is listed twice among the day's slips.
    result.slips[0].order_ids.push(OrderId("multi-001".into()));
    result.slips[1].order_ids.clear();
    slips.push(slips[2].clone());
    ledger
        .record_day(run_of(&ledger, d), &result, &slips)
        .unwrap();

    let regs = ledger.slip_registrations(d).unwrap();
    let keys_per_slip = slips[0].registry_keys().len();
    assert_eq!(keys_per_slip, 3);
    // 3 slips × 3 keys, plus the second order of slip 0.
    assert_eq!(regs.len(), 3 * keys_per_slip + keys_per_slip);
    let of = |file: &str| -> Vec<Option<&str>> {
        regs.iter()
            .filter(|r| r.file == file && r.key_kind == "trans_ref")
            .map(|r| r.order_id.as_ref().map(|o| o.0.as_str()))
            .collect()
    };
    assert_eq!(of("multi-0.json"), [Some("multi-000"), Some("multi-001")]);
    assert_eq!(of("multi-2.json"), [None]);
    assert_eq!(of("multi-4.json"), [Some("multi-004")]);
    // Each key answers for the earliest use the next day.
    let key = slips[0].registry_keys().remove(0);
    let uses = ledger
        .prior_uses(std::slice::from_ref(&key), d.next())
        .unwrap();
    assert_eq!(uses[&key].order_id, Some(OrderId("multi-000".into())));
    let none = slips[1].registry_keys().remove(2);
    let uses = ledger
        .prior_uses(std::slice::from_ref(&none), d.next())
        .unwrap();
    assert_eq!(uses[&none].order_id, None);
    assert_eq!(uses[&none].file, "multi-2.json");
}

#[test]
fn prior_uses_on_the_earliest_day_prefers_an_order_then_the_smallest_order_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let (d20, d21) = (day("2026-11-20"), day("2026-11-21"));
    // One real slip saved under four names on the 20th: two for order A-1,
    // one for B-2, one claimed by no order; on the 21st once more for an
    // order whose id sorts first.
    let record = |d: Day, uses: &[(&str, Option<&str>)]| {
        let (mut result, _) = day_result(d, 0, "none");
        let (template, _) = day_result(d, 1, "t");
        let mut slips = Vec::new();
        for (file, order) in uses {
            let mut s = slip("same.json", "same");
            s.file = Some(file.to_string());
            slips.push(s);
            let mut outcome = template.slips[0].clone();
            outcome.file = file.to_string();
            outcome.order_ids = order.map(|o| OrderId(o.into())).into_iter().collect();
            result.slips.push(outcome);
        }
        ledger
            .record_day(run_of(&ledger, d), &result, &slips)
            .unwrap();
    };
    record(
        d20,
        &[
            ("b.json", Some("B-2")),
            ("z.json", Some("A-1")),
            ("a.json", None),
            ("y.json", Some("A-1")),
        ],
    );
    record(d21, &[("0.json", Some("0-first"))]);

    let keys = slip("same.json", "same").registry_keys();
    for before in [d21, d21.next()] {
        let hits = ledger.prior_uses(&keys, before).unwrap();
        assert_eq!(hits.len(), keys.len());
        for key in &keys {
            assert_eq!(
                hits[key],
                recon_core::PriorUse {
                    day: d20,
                    order_id: Some(OrderId("A-1".into())),
                    file: "y.json".into(),
                },
                "{key:?} before {before}"
            );
        }
    }
}

#[test]
fn trend_counts_only_a_days_own_orders() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (mut result, slips) = day_result(d, 4, "own");
    // Two orders carried in from the 20th, one of them matched today.
    let (carried, _) = day_result(day("2026-11-20"), 2, "old");
    for mut o in carried.orders {
        o.source = SourceRef::new("2026-11-20/orders.csv", o.source.line);
        result.orders.push(o);
    }
    ledger
        .record_day(run_of(&ledger, d), &result, &slips)
        .unwrap();
    let p = ledger.trend(d, 1).unwrap();
    assert_eq!((p[0].orders, p[0].matched, p[0].cases), (4, 2, 2));
    // The same figures as counting the stored rows.
    let own = ledger
        .day_result(d)
        .unwrap()
        .unwrap()
        .orders
        .iter()
        .filter(|o| recon_core::carry::origin_of(&o.source.file).is_none())
        .count();
    assert_eq!(own, 4);
    assert_eq!(ledger.day_result(d).unwrap().unwrap().orders.len(), 6);
}

#[test]
fn the_matchers_order_comes_back_whatever_the_storage_order() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (mut result, slips) = day_result(d, 8, "order");
    // Against the tables' key order: lines backwards, a second file, and
    // carried rows (stored first, under their origin day) last.
    result.orders.reverse();
    result.orders[3].source = SourceRef::new("b-orders.csv", 2);
    result.orders[5].source = SourceRef::new("2026-11-19/orders.csv", 9);
    result.statement.reverse();
    result.statement[1].line = SourceRef::new("2026-11-20/kbank.csv", 4);
    result.slips.reverse();
    result.slips[0].file = "2026-11-20/zz.json".into();
    ledger
        .record_day(run_of(&ledger, d), &result, &slips)
        .unwrap();
    assert_eq!(ledger.day_result(d).unwrap().as_ref(), Some(&result));
}

#[test]
fn day_result_matches_tells_the_recorded_result_from_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = open(dir.path());
    let d = day("2026-11-21");
    let (mut result, slips) = day_result(d, 6, "same");
    // Storage order differs from the matcher's order.
    result.orders.reverse();
    assert!(!ledger.day_result_matches(&result).unwrap(), "not recorded");
    ledger
        .record_day(run_of(&ledger, d), &result, &slips)
        .unwrap();
    assert!(ledger.day_result_matches(&result).unwrap());

    let differs = |change: &dyn Fn(&mut DayResult)| {
        let mut other = result.clone();
        change(&mut other);
        assert_ne!(other, result);
        let matches = ledger.day_result_matches(&other).unwrap();
        assert_eq!(
            matches,
            ledger.day_result(d).unwrap().as_ref() == Some(&other)
        );
        matches
    };
    assert!(!differs(&|r| r.orders[1].status = Status::Unpaid));
    assert!(!differs(&|r| r.orders.swap(0, 1)));
    assert!(!differs(&|r| {
        r.orders.pop();
    }));
    assert!(!differs(&|r| r.statement.push(r.statement[0].clone())));
    assert!(!differs(&|r| r.slips[1].reasons.clear()));
    assert!(!differs(&|r| {
        r.slips.pop();
    }));
    assert!(!differs(&|r| r.statement[0].counterparty_name = None));
    // Another day with the same rows is not this day.
    let mut moved = result.clone();
    moved.day = d.next();
    assert!(!ledger.day_result_matches(&moved).unwrap());
}
