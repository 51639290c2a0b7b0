//! Builders for realistic day results and slips, shared by the ledger's
//! behaviour tests.
#![allow(dead_code)]

use std::collections::BTreeMap;

use std::path::Path;

use chrono::{DateTime, FixedOffset};
use recon_core::ReasonCode;
use recon_core::{
    AccountMask, Break, CaseRef, Currency, Day, DayResult, Decision, DecisionKind, Evidence,
    FieldSource, InputFile, Money, OrderId, OrderOutcome, Party, Provider, Reason, Slip, SlipField,
    SlipOutcome, SourceRef, StatementOutcome, Status, TransRef,
};

pub fn day(text: &str) -> Day {
    text.parse().expect("test day")
}

pub fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("test time")
}

pub fn thb(text: &str) -> Money {
    Money::parse(text, Currency::Thb).expect("test amount")
}

pub fn inputs() -> Vec<InputFile> {
    vec![
        InputFile {
            kind: "statements".into(),
            name: "statements/kbank.csv".into(),
            sha256: "a".repeat(64),
            bytes: 1234,
        },
        InputFile {
            kind: "orders".into(),
            name: "orders/orders.csv".into(),
            sha256: "b".repeat(64),
            bytes: 99,
        },
    ]
}

/// A slip as a provider would return it, keyed by `tag` so that different
/// days and runs get different transaction references and image hashes.
pub fn slip(file: &str, tag: &str) -> Slip {
    let mut s = Slip::empty(Provider::Easyslip);
    s.file = Some(file.to_string());
    s.image_sha256 = Some(format!("sha-{tag}-{file}"));
    s.sender = Party {
        name: Some("นาย สมชาย ใจดี".into()),
        alt_name: Some("MR. SOMCHAI JAIDEE".into()),
        bank: Some("SCB".into()),
        account: Some(AccountMask::new("xxx-x-x1234-x")),
        proxy: None,
    };
    s.receiver = Party {
        name: Some("บริษัท ร้านดี จำกัด".into()),
        bank: Some("KBANK".into()),
        account: Some(AccountMask::new("123-4-56789-0")),
        ..Party::default()
    };
    s.amount = Some(thb("1500.00"));
    s.transferred_at = Some(at("2026-11-21T14:05:00+07:00"));
    s.trans_ref = TransRef::new(&format!("TR-{tag}-{file}"));
    s.qr_payload = Some(format!(
        "0041000600000101030040220{tag}{file}5102TH9104ABCD"
    ));
    s.remark = Some("order A-1".into());
    s.evidence = BTreeMap::from([
        (
            SlipField::Amount,
            Evidence {
                source: FieldSource::Provider,
                confidence: Some(0.98),
            },
        ),
        (
            SlipField::TransRef,
            Evidence {
                source: FieldSource::Qr,
                confidence: None,
            },
        ),
    ]);
    s.raw_response = Some(r#"{"success":true,"data":{"amount":1500}}"#.into());
    s
}

/// A day with `n` orders (every other one matched, the rest unpaid), one
/// statement line per matched order plus one unclaimed line, and a slip per
/// matched order. `tag` makes this set distinguishable from another run's.
pub fn day_result(d: Day, n: usize, tag: &str) -> (DayResult, Vec<Slip>) {
    let mut orders = Vec::new();
    let mut statement = Vec::new();
    let mut outcomes = Vec::new();
    let mut slips = Vec::new();
    for i in 0..n {
        let order_id = OrderId(format!("{tag}-{i:03}"));
        let line = SourceRef::new("kbank.csv", 6 + i as u64);
        let matched = i % 2 == 0;
        let slip_file = format!("{tag}-{i}.json");
        orders.push(OrderOutcome {
            order_id: order_id.clone(),
            source: SourceRef::new("orders.csv", 2 + i as u64),
            status: if matched {
                Status::Matched
            } else {
                Status::Unpaid
            },
            customer_name: "นาย สมชาย ใจดี".into(),
            slip: matched.then(|| slip_file.clone()),
            statement_lines: if matched { vec![line.clone()] } else { vec![] },
            expected: thb("1500.00"),
            paid: matched.then(|| thb("1500.00")),
            name_score: matched.then_some(0.925),
            reasons: if matched {
                vec![]
            } else {
                vec![
                    Reason {
                        code: "no_slip".into(),
                        detail: None,
                    },
                    Reason::with(ReasonCode::NoStatementLine, "in window"),
                ]
            },
        });
        if matched {
            statement.push(StatementOutcome {
                line: line.clone(),
                status: Status::Matched,
                order_ids: vec![order_id.clone()],
                amount: thb("1500.00"),
                counterparty_name: Some("นาย สมชาย ใจดี".into()),
                reasons: vec![],
            });
            let s = slip(&slip_file, tag);
            outcomes.push(SlipOutcome {
                file: slip_file.clone(),
                status: Status::Matched,
                order_ids: vec![order_id.clone()],
                statement_line: Some(line.clone()),
                amount: Some(thb("1500.00")),
                trans_ref: s.trans_ref.as_ref().map(|r| r.0.clone()),
                reasons: vec![Reason::with(ReasonCode::LinkedBy, "trans_ref")],
            });
            slips.push(s);
        }
    }
    statement.push(StatementOutcome {
        line: SourceRef::new("kbank.csv", 100),
        status: Status::StatementUnmatched,
        order_ids: vec![],
        amount: thb("-250.50"),
        counterparty_name: None,
        reasons: vec![Reason::new(ReasonCode::MoneyOut)],
    });
    (
        DayResult {
            day: d,
            orders,
            statement,
            slips: outcomes,
        },
        slips,
    )
}

/// A decision about `case` on the report of `d`, made by a finance clerk
/// the next morning, with nothing else said.
pub fn decision(d: &str, kind: DecisionKind, case: CaseRef, note: &str) -> Decision {
    let d = day(d);
    Decision {
        day: d,
        kind,
        case,
        with: vec![],
        amount: None,
        reason: None,
        note: note.to_string(),
        by: "nok@shop.example".into(),
        at: at(&format!("{}T09:30:00+07:00", d.next())),
    }
}

/// The break lifecycle of a day that started from nothing: every order,
/// line and slip not matched is a new break.
pub fn breaks_of(result: &DayResult) -> Vec<Break> {
    recon_core::carry::breaks(result.day, result, &[])
}

/// The ledger file every test keeps in its temporary folder.
pub fn open(dir: &Path) -> recon_ledger::Ledger {
    recon_ledger::Ledger::open(&dir.join("ledger.sqlite")).unwrap()
}

/// A run of `d`, begun at 23:30 that day with the standard inputs.
pub fn run_of(ledger: &recon_ledger::Ledger, d: Day) -> recon_ledger::RunId {
    ledger
        .begin_run(d, at(&format!("{d}T23:30:00+07:00")), &inputs())
        .unwrap()
}

/// One number from the ledger file in `dir`, read with plain SQL.
pub fn sql_count(dir: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(dir.join("ledger.sqlite"))
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}
