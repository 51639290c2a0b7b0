//! Decisions as the matcher honours them: a link taken before any pass, a
//! declined pair never linked again, a learned alias counting as the
//! customer, and confirm / write_off / resolve turning verdicts (or, when
//! the day no longer fits them, standing aside as stale).

mod common;

use chrono::{DateTime, FixedOffset};
use common::*;
use recon_core::{Alias, CaseRef, Decision, DecisionKind, InForce, Money, Status};
use recon_matcher::{Decided, decided::apply};

fn decision(
    kind: DecisionKind,
    case: CaseRef,
    with: &[CaseRef],
    amount: Option<Money>,
) -> Decision {
    Decision {
        day: day(),
        kind,
        case,
        with: with.to_vec(),
        amount,
        reason: match kind {
            DecisionKind::WriteOff => Some("bank_fee".into()),
            DecisionKind::Resolve => Some("cash".into()),
            _ => None,
        },
        note: "ตรวจแล้ว".into(),
        by: "somchai".into(),
        at: DateTime::<FixedOffset>::parse_from_rfc3339("2026-11-22T09:00:00+07:00").unwrap(),
    }
}

/// A relative pays with a slip: the money matches by amount and time, the
/// payer is someone else.
fn relative_pays() -> Case {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-1",
        "นาย สมชาย ใจดี",
        thb("640"),
        "09:00",
        Some("s1.json"),
    ));
    c.slips.push(read(slip(
        "s1.json",
        "นางสาว มาลี ศรีสุข",
        thb("640"),
        "09:05",
        None,
    )));
    c.lines
        .push(line(17, "09:06", thb("640"), "นางสาว มาลี ศรีสุข", None));
    c
}

#[test]
fn a_learned_alias_makes_the_relative_count_as_the_customer() {
    let c = relative_pays();
    assert_eq!(c.run().order("ORD-1").status, Status::NameMismatch);
    let mut taught = c.clone();
    taught.decided.aliases = vec![Alias {
        customer: "สมชาย ใจดี".into(),
        payer: "มาลี ศรีสุข".into(),
        since: "2026-11-19".parse().unwrap(),
    }];
    let r = taught.run();
    let o = r.order("ORD-1");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert!(
        has_reason(&o.reasons, "payer_alias=2026-11-19"),
        "{:?}",
        o.reasons
    );
    assert_eq!(r.line("kbank.csv", 17).status, Status::Matched);
    // Someone else paying the same customer is still someone else.
    let mut other = taught.clone();
    other.slips = vec![read(slip(
        "s1.json",
        "นาย ประยุทธ์ มั่งมี",
        thb("640"),
        "09:05",
        None,
    ))];
    other.lines = vec![line(17, "09:06", thb("640"), "นาย ประยุทธ์ มั่งมี", None)];
    assert_eq!(other.run().order("ORD-1").status, Status::NameMismatch);
}

#[test]
fn a_declined_pair_is_never_linked_and_both_sides_go_back_to_matching() {
    let c = relative_pays();
    let mut declined = c.clone();
    declined
        .decided
        .declined
        .insert(("ORD-1".into(), "kbank.csv:17".into()));
    let r = declined.run();
    assert!(
        r.order("ORD-1").statement_lines.is_empty(),
        "{:?}",
        r.order("ORD-1")
    );
    assert_ne!(r.order("ORD-1").status, Status::NameMismatch);
    assert_eq!(r.line("kbank.csv", 17).status, Status::StatementUnmatched);
    assert!(r.line("kbank.csv", 17).order_ids.is_empty());

    // The line goes back to matching: another order it fits takes it.
    let mut other = declined.clone();
    other
        .orders
        .push(order("ORD-2", "นางสาว มาลี ศรีสุข", thb("640"), "08:50", None));
    let r = other.run();
    assert_eq!(
        r.order("ORD-2").status,
        Status::Matched,
        "{:?}",
        r.order("ORD-2")
    );
    assert_eq!(r.line("kbank.csv", 17).order_ids[0].0, "ORD-2");
}

#[test]
fn a_link_is_taken_before_any_pass_and_vouches_for_the_payer() {
    // No slip, another payer, another amount: no pass would link these.
    let mut c = Case::default();
    c.orders
        .push(order("ORD-3", "Peter Evans", thb("990"), "10:00", None));
    c.lines
        .push(line(21, "13:00", thb("990"), "LAURA EVANS", None));
    c.lines
        .push(line(22, "10:01", thb("990"), "PETER EVANS", None));
    let r = c.run();
    assert_eq!(r.line("kbank.csv", 22).order_ids[0].0, "ORD-3");
    // A person says it was line 21.
    c.decided.links = vec![("ORD-3".into(), vec!["kbank.csv:21".into()])];
    let r = c.run();
    let o = r.order("ORD-3");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert!(
        has_reason(&o.reasons, "linked_by=decision"),
        "{:?}",
        o.reasons
    );
    assert_eq!(o.statement_lines[0].line, 21);
    assert_eq!(r.line("kbank.csv", 22).status, Status::StatementUnmatched);
}

#[test]
fn confirm_write_off_and_resolve_turn_verdicts_and_stale_ones_stand_aside() {
    let mut c = relative_pays();
    c.orders.push(order(
        "ORD-5",
        "Laura Smith",
        thb("1000"),
        "11:00",
        Some("s5.json"),
    ));
    c.slips.push(read(slip(
        "s5.json",
        "Laura Smith",
        thb("990"),
        "11:05",
        None,
    )));
    c.lines
        .push(line(30, "11:06", thb("990"), "LAURA SMITH", None));
    c.orders
        .push(order("ORD-6", "Kitti Wong", thb("450"), "12:00", None));
    let mut result = c.run();
    assert_eq!(result.order("ORD-5").status, Status::AmountMismatch);
    assert_eq!(result.order("ORD-6").status, Status::Unpaid);

    let decisions = vec![
        decision(DecisionKind::Confirm, CaseRef::order("ORD-1"), &[], None),
        decision(
            DecisionKind::WriteOff,
            CaseRef::order("ORD-5"),
            &[],
            Some(thb("10")),
        ),
        decision(DecisionKind::Resolve, CaseRef::order("ORD-6"), &[], None),
        decision(DecisionKind::Confirm, CaseRef::order("ORD-404"), &[], None),
    ];
    let in_force = InForce::fold(&decisions, day());
    let shown = apply(&mut result, &in_force);
    assert_eq!(result.order("ORD-1").status, Status::Matched);
    assert_eq!(result.line("kbank.csv", 17).status, Status::Matched);
    let o5 = result.order("ORD-5");
    assert_eq!(o5.status, Status::Matched);
    assert!(
        has_reason(&o5.reasons, "written_off=10.00 THB bank_fee"),
        "{:?}",
        o5.reasons
    );
    assert!(
        has_reason(&o5.reasons, "decided=write_off by somchai"),
        "{:?}",
        o5.reasons
    );
    assert_eq!(result.order("ORD-6").status, Status::Resolved);
    assert!(has_reason(
        &result.order("ORD-6").reasons,
        "resolved_as=cash"
    ));
    assert_eq!(shown.applied.len(), 3);
    assert_eq!(shown.stale.len(), 1, "{:?}", shown.stale);
    assert!(shown.stale[0].1.contains("ORD-404"), "{}", shown.stale[0].1);

    // A write-off larger than the difference the day now shows is stale.
    let mut result = c.run();
    let big = vec![decision(
        DecisionKind::WriteOff,
        CaseRef::order("ORD-5"),
        &[],
        Some(thb("20")),
    )];
    let shown = apply(&mut result, &InForce::fold(&big, day()));
    assert_eq!(result.order("ORD-5").status, Status::AmountMismatch);
    assert!(
        has_reason(
            &result.order("ORD-5").reasons,
            "stale_decision=write_off by somchai: the difference is 10.00 THB now, less than the 20.00 THB written off"
        ),
        "{:?}",
        result.order("ORD-5").reasons
    );
    assert_eq!(shown.stale.len(), 1);

    // Reopen undoes: the case is judged as if never decided.
    let mut result = c.run();
    let mut undone = decisions.clone();
    undone.push(decision(
        DecisionKind::Reopen,
        CaseRef::order("ORD-1"),
        &[],
        None,
    ));
    apply(&mut result, &InForce::fold(&undone, day()));
    assert_eq!(result.order("ORD-1").status, Status::NameMismatch);
}

#[test]
fn decided_passes_come_from_the_decisions_in_force() {
    let decisions = vec![
        decision(
            DecisionKind::Link,
            CaseRef::order("ORD-3"),
            &[CaseRef::line("kbank.csv:21")],
            None,
        ),
        decision(
            DecisionKind::Decline,
            CaseRef::order("ORD-1"),
            &[CaseRef::line("kbank.csv:17")],
            None,
        ),
    ];
    let d = Decided::from_in_force(&InForce::fold(&decisions, day()), Vec::new());
    assert_eq!(
        d.links,
        vec![("ORD-3".to_string(), vec!["kbank.csv:21".to_string()])]
    );
    assert!(d.is_declined("ORD-1", "kbank.csv:17"));
    assert!(!d.is_declined("ORD-1", "kbank.csv:18"));
    // A reopen of the order takes its decline back.
    let mut reopened = decisions.clone();
    reopened.push(decision(
        DecisionKind::Reopen,
        CaseRef::order("ORD-1"),
        &[],
        None,
    ));
    let d = Decided::from_in_force(&InForce::fold(&reopened, day()), Vec::new());
    assert!(!d.is_declined("ORD-1", "kbank.csv:17"));
}
