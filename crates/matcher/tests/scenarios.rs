//! One scenario per status word (and per way of reaching `matched`), as
//! planted by the sample-data generator (`recon_testkit::generator::ProblemRates`).

mod common;

use common::*;
use recon_core::{Currency, Decimal, Money, OrderId, PriorUse, SlipKey, SlipRead, Status};
use recon_matcher::MatchConfig;

#[test]
fn matched_by_trans_ref_even_with_a_different_payer_name() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-1",
        "นาย สมชาย ใจดี",
        thb("1500"),
        "10:00",
        Some("s1.json"),
    ));
    c.slips.push(read(slip(
        "s1.json",
        "นาย สมชาย ใ***",
        thb("1500"),
        "10:05",
        Some("TR1"),
    )));
    // The bank shows the payer in English: no name match, the transRef decides.
    c.lines.push(line(
        6,
        "10:05",
        thb("1500"),
        "MR. SOMCHAI JAIDEE",
        Some("TR1"),
    ));
    let r = c.run();
    let o = r.order("ORD-1");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.statement_lines.len(), 1);
    assert_eq!(o.statement_lines[0].to_string(), "kbank.csv:6");
    assert!(has_reason(&o.reasons, "linked_by=trans_ref"));
    // The slip tied to the line by its transRef is the same account: its
    // sender names the customer, so the payer is the customer; the bank's
    // other rendering is noted.
    assert!(
        has_reason(&o.reasons, "payer_name_differs"),
        "{:?}",
        o.reasons
    );
    assert!(o.name_score.unwrap() >= 0.85);
    assert_eq!(o.paid, Some(thb("1500")));
    let l = r.line("kbank.csv", 6);
    assert_eq!(l.status, Status::Matched);
    assert_eq!(l.order_ids, vec![OrderId("ORD-1".into())]);
    let s = r.slip("s1.json");
    assert_eq!(s.status, Status::Matched);
    assert_eq!(s.statement_line.as_ref().unwrap().line, 6);
    assert_eq!(s.trans_ref.as_deref(), Some("TR1"));
}

#[test]
fn matched_by_amount_and_name_with_masked_slip_names() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-2",
        "KAIYA VENY",
        thb("820.50"),
        "09:00",
        Some("s2.json"),
    ));
    c.slips.push(read(slip(
        "s2.json",
        "KAIY*** VENY***",
        thb("820.50"),
        "09:10",
        None,
    )));
    c.lines
        .push(line(7, "09:11", thb("820.50"), "MS VENY KAIYA", None));
    // A decoy with the same amount from someone else.
    c.lines
        .push(line(8, "09:12", thb("820.50"), "นาย ปรีชา ทองคำ", None));
    let r = c.run();
    let o = r.order("ORD-2");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.statement_lines[0].line, 7);
    assert_eq!(o.name_score, Some(1.0));
    assert!(has_reason(&o.reasons, "linked_by=amount_and_name"));
    assert_eq!(r.line("kbank.csv", 8).status, Status::StatementUnmatched);
}

#[test]
fn matched_without_slip_by_amount_and_name_with_a_typo() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-3", "Somchai Jaidee", thb("299"), "08:00", None));
    c.lines
        .push(line(9, "08:30", thb("299"), "MR. SOMCHIA JAIDEE", None));
    let r = c.run();
    let o = r.order("ORD-3");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    let score = o.name_score.unwrap();
    assert!((0.85..1.0).contains(&score), "{score}");
}

#[test]
fn matched_by_order_id_in_the_statement_reference() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-1042", "Jane Roe", thb("100"), "08:00", None));
    let mut l = line(10, "12:00", thb("100"), "MS. JANE ROE", None);
    l.description = Some("Payment for ORD-1042 thanks".into());
    c.lines.push(l);
    let r = c.run();
    let o = r.order("ORD-1042");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "linked_by=order_id_in_reference"));
}

#[test]
fn an_order_id_in_the_reference_from_someone_else_is_a_name_mismatch() {
    // The order id says which order the money is for, not who paid: a
    // payer who is not the customer is `name_mismatch`, naming both.
    let mut c = Case::default();
    c.orders
        .push(order("ORD-1042", "Jane Roe", thb("100"), "08:00", None));
    let mut l = line(10, "12:00", thb("100"), "SOMEONE ELSE", None);
    l.description = Some("Payment for ORD-1042 thanks".into());
    c.lines.push(l);
    let r = c.run();
    let o = r.order("ORD-1042");
    assert_eq!(o.status, Status::NameMismatch, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "linked_by=order_id_in_reference"));
    assert!(
        has_reason(&o.reasons, "customer=Jane Roe"),
        "{:?}",
        o.reasons
    );
    assert!(
        has_reason(&o.reasons, "payer=SOMEONE ELSE"),
        "{:?}",
        o.reasons
    );
    assert!(o.name_score.unwrap() < 0.85);
    assert_eq!(r.line("kbank.csv", 10).status, Status::NameMismatch);
}

#[test]
fn unpaid_and_statement_unmatched_and_money_out() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-4", "Malee Srisuk", thb("700"), "08:00", None));
    c.lines
        .push(line(11, "13:00", thb("450"), "นาย อนันต์ มั่งมี", None));
    c.lines
        .push(line(12, "13:05", thb("-200"), "KBANK FEE", None));
    let r = c.run();
    assert_eq!(r.order("ORD-4").status, Status::Unpaid);
    assert_eq!(r.order("ORD-4").paid, None);
    let l = r.line("kbank.csv", 11);
    assert_eq!(l.status, Status::StatementUnmatched);
    assert!(has_reason(&l.reasons, "no_order"));
    let out = r.line("kbank.csv", 12);
    assert_eq!(out.status, Status::StatementUnmatched);
    assert!(has_reason(&out.reasons, "money_out"));
}

#[test]
fn amount_mismatch_short_and_over() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-5",
        "นาย สมชาย ใจดี",
        thb("1000"),
        "08:00",
        Some("s5.json"),
    ));
    c.slips.push(read(slip(
        "s5.json",
        "นาย สมชาย ใจดี",
        thb("950"),
        "08:10",
        Some("TR5"),
    )));
    c.lines
        .push(line(13, "08:10", thb("950"), "นาย สมชาย ใจดี", Some("TR5")));
    // Over, linked by amount + name (no transRef on the statement).
    c.orders.push(order(
        "ORD-6",
        "Anan Mungmee",
        thb("200"),
        "08:00",
        Some("s6.json"),
    ));
    c.slips.push(read(slip(
        "s6.json",
        "ANAN MUNGMEE",
        thb("250"),
        "09:00",
        None,
    )));
    c.lines
        .push(line(14, "09:01", thb("250"), "MR. ANAN MUNGMEE", None));
    let r = c.run();
    let o = r.order("ORD-5");
    assert_eq!(o.status, Status::AmountMismatch);
    assert!(
        has_reason(&o.reasons, "short_by=50.00 THB"),
        "{:?}",
        o.reasons
    );
    assert_eq!(o.paid, Some(thb("950")));
    assert_eq!(r.line("kbank.csv", 13).status, Status::AmountMismatch);
    let o = r.order("ORD-6");
    assert_eq!(o.status, Status::AmountMismatch);
    assert!(
        has_reason(&o.reasons, "over_by=50.00 THB"),
        "{:?}",
        o.reasons
    );
    assert_eq!(r.slip("s6.json").status, Status::AmountMismatch);
}

#[test]
fn duplicate_slip_same_day_names_the_earlier_order() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-7",
        "Lek Dee",
        thb("500"),
        "09:00",
        Some("s7.json"),
    ));
    // Placed later, same slip file: the reuse.
    c.orders.push(order(
        "ORD-0",
        "Lek Dee",
        thb("500"),
        "11:00",
        Some("s7.json"),
    ));
    // A copy of the same slip under another name, no order: also a duplicate.
    c.orders.push(order(
        "ORD-8",
        "Lek Dee",
        thb("500"),
        "12:00",
        Some("s7-copy.json"),
    ));
    c.slips.push(read(slip(
        "s7.json",
        "LEK DEE",
        thb("500"),
        "09:05",
        Some("TR7"),
    )));
    c.slips.push(read(slip(
        "s7-copy.json",
        "LEK DEE",
        thb("500"),
        "09:05",
        Some("TR7"),
    )));
    c.lines
        .push(line(15, "09:05", thb("500"), "LEK DEE", Some("TR7")));
    let r = c.run();
    assert_eq!(r.order("ORD-7").status, Status::Matched);
    for dup in ["ORD-0", "ORD-8"] {
        let o = r.order(dup);
        assert_eq!(o.status, Status::DuplicateSlip, "{dup}");
        assert!(
            has_reason(&o.reasons, "duplicate_of=ORD-7@2026-11-21"),
            "{dup}: {:?}",
            o.reasons
        );
        assert!(o.statement_lines.is_empty());
    }
    let s = r.slip("s7.json");
    assert_eq!(s.status, Status::Matched);
    assert!(has_reason(&s.reasons, "reused_by=ORD-0"));
    assert_eq!(s.order_ids.len(), 2);
    assert_eq!(r.slip("s7-copy.json").status, Status::DuplicateSlip);
    assert_eq!(
        r.line("kbank.csv", 15).order_ids,
        vec![OrderId("ORD-7".into())]
    );
}

#[test]
fn duplicate_slip_from_an_earlier_day() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-9",
        "Lek Dee",
        thb("500"),
        "09:00",
        Some("s9.json"),
    ));
    c.slips.push(read(slip(
        "s9.json",
        "LEK DEE",
        thb("500"),
        "09:05",
        Some("TR-OLD"),
    )));
    c.prior.insert(
        SlipKey::TransRef("TR-OLD".into()),
        PriorUse {
            day: "2026-11-20".parse().unwrap(),
            order_id: Some(OrderId("ORD-1001".into())),
            file: "old.json".into(),
        },
    );
    let r = c.run();
    let o = r.order("ORD-9");
    assert_eq!(o.status, Status::DuplicateSlip);
    assert!(has_reason(&o.reasons, "duplicate_of=ORD-1001@2026-11-20"));
    assert!(has_reason(&o.reasons, "duplicate_key=trans_ref"));
    assert_eq!(r.slip("s9.json").status, Status::DuplicateSlip);
}

#[test]
fn receiver_mismatch() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-10",
        "Lek Dee",
        thb("500"),
        "09:00",
        Some("s10.json"),
    ));
    c.slips.push(read(paid_to_someone_else(slip(
        "s10.json",
        "LEK DEE",
        thb("500"),
        "09:05",
        Some("TR10"),
    ))));
    c.lines.push(line(16, "09:05", thb("500"), "LEK DEE", None));
    let r = c.run();
    let o = r.order("ORD-10");
    assert_eq!(o.status, Status::ReceiverMismatch);
    assert!(
        has_reason(&o.reasons, "receiver_account=xxx-x-x5555-x"),
        "{:?}",
        o.reasons
    );
    assert!(o.statement_lines.is_empty());
    assert_eq!(r.slip("s10.json").status, Status::ReceiverMismatch);
    // A receiver shown only by our PromptPay tax id, or only by our name, is ours.
    let mut c = Case::without_grace();
    let mut s = slip("s11.json", "LEK DEE", thb("500"), "09:05", None);
    s.receiver.account = None;
    s.receiver.name = None;
    s.receiver.alt_name = None;
    s.receiver.proxy = Some(recon_core::Proxy {
        kind: recon_core::ProxyKind::Natid,
        value: recon_core::AccountMask::new("0105561234567"),
    });
    c.orders.push(order(
        "ORD-11",
        "Lek Dee",
        thb("500"),
        "09:00",
        Some("s11.json"),
    ));
    c.slips.push(read(s));
    let mut s = slip("s12.json", "LEK DEE", thb("600"), "09:05", None);
    s.receiver.account = None;
    s.receiver.name = Some("RANDEE CO LTD".into());
    s.receiver.alt_name = None;
    c.orders.push(order(
        "ORD-12",
        "Lek Dee",
        thb("600"),
        "09:00",
        Some("s12.json"),
    ));
    c.slips.push(read(s));
    let r = c.run();
    assert_eq!(r.order("ORD-11").status, Status::SlipNotOnStatement);
    assert_eq!(r.order("ORD-12").status, Status::SlipNotOnStatement);
}

#[test]
fn slip_not_on_statement_and_late_line() {
    let mut c = Case::without_grace();
    c.orders.push(order(
        "ORD-13",
        "Lek Dee",
        thb("777"),
        "09:00",
        Some("s13.json"),
    ));
    c.slips.push(read(slip(
        "s13.json",
        "LEK DEE",
        thb("777"),
        "09:05",
        Some("TR13"),
    )));
    let r = c.run();
    let o = r.order("ORD-13");
    assert_eq!(o.status, Status::SlipNotOnStatement);
    assert!(has_reason(&o.reasons, "no_statement_line"));
    assert_eq!(o.paid, Some(thb("777")));
    assert_eq!(r.slip("s13.json").status, Status::SlipNotOnStatement);
}

#[test]
fn name_mismatch_without_trans_ref() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-14",
        "นาย สมชาย ใจดี",
        thb("640"),
        "09:00",
        Some("s14.json"),
    ));
    c.slips.push(read(slip(
        "s14.json",
        "นาย สมชาย ใจดี",
        thb("640"),
        "09:05",
        None,
    )));
    c.lines
        .push(line(17, "09:06", thb("640"), "นางสาว มาลี ศรีสุข", None));
    let r = c.run();
    let o = r.order("ORD-14");
    assert_eq!(o.status, Status::NameMismatch, "{:?}", o.reasons);
    let score = o.name_score.unwrap();
    assert!(score < 0.85);
    assert!(o.reasons.iter().any(|x| x.code == "name_score"));
    assert_eq!(r.line("kbank.csv", 17).status, Status::NameMismatch);
    // Far from the slip's time, the same amount is not taken as this payment.
    let mut c2 = c.clone();
    c2.config = Some(no_grace());
    c2.lines[0].booked_at = at("15:00");
    let r = c2.run();
    assert_eq!(r.order("ORD-14").status, Status::SlipNotOnStatement);
    assert_eq!(r.line("kbank.csv", 17).status, Status::StatementUnmatched);
}

#[test]
fn unreadable_and_missing_and_pending_slips() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-15",
        "Lek Dee",
        thb("500"),
        "09:00",
        Some("bad.jpg"),
    ));
    c.orders.push(order(
        "ORD-16",
        "Lek Dee",
        thb("501"),
        "09:00",
        Some("gone.jpg"),
    ));
    c.orders.push(order(
        "ORD-17",
        "Lek Dee",
        thb("502"),
        "09:00",
        Some("later.jpg"),
    ));
    c.slips.push(SlipRead::Unreadable {
        file: "bad.jpg".into(),
        reason: "not a slip".into(),
    });
    c.slips.push(SlipRead::Pending {
        file: "later.jpg".into(),
        reason: "quota exceeded".into(),
    });
    // The money for ORD-15 did arrive: linked, status still unreadable_slip.
    c.lines.push(line(18, "09:10", thb("500"), "LEK DEE", None));
    let r = c.run();
    let o = r.order("ORD-15");
    assert_eq!(o.status, Status::UnreadableSlip);
    assert!(has_reason(&o.reasons, "unreadable=not a slip"));
    assert_eq!(o.statement_lines.len(), 1);
    assert_eq!(r.line("kbank.csv", 18).status, Status::Matched);
    assert_eq!(r.order("ORD-16").status, Status::UnreadableSlip);
    assert!(has_reason(&r.order("ORD-16").reasons, "slip_file_missing"));
    assert_eq!(r.order("ORD-17").status, Status::Pending);
    assert_eq!(r.slip("bad.jpg").status, Status::UnreadableSlip);
    assert_eq!(r.slip("later.jpg").status, Status::Pending);
}

#[test]
fn ambiguous_when_two_answers_are_equally_good() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-18", "Lek Dee", thb("300"), "09:00", None));
    c.orders
        .push(order("ORD-19", "Lek Dee", thb("300"), "09:00", None));
    c.lines.push(line(19, "10:00", thb("300"), "LEK DEE", None));
    c.lines.push(line(20, "10:00", thb("300"), "LEK DEE", None));
    let r = c.run();
    for id in ["ORD-18", "ORD-19"] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Ambiguous, "{id}");
        assert!(has_reason(
            &o.reasons,
            "candidate_lines=kbank.csv:19,kbank.csv:20"
        ));
    }
    assert_eq!(r.line("kbank.csv", 19).status, Status::Ambiguous);
    // One order, two equal lines: ambiguous too; never a guess.
    let mut c = Case::default();
    c.orders
        .push(order("ORD-20", "Lek Dee", thb("300"), "09:00", None));
    c.lines.push(line(21, "10:00", thb("300"), "LEK DEE", None));
    c.lines.push(line(22, "10:00", thb("300"), "LEK DEE", None));
    assert_eq!(c.run().order("ORD-20").status, Status::Ambiguous);
}

#[test]
fn competing_candidates_take_the_best_total() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-21", "Somchai Jaidee", thb("300"), "09:00", None));
    c.orders
        .push(order("ORD-22", "Somchai Jaide", thb("300"), "09:00", None));
    c.lines
        .push(line(23, "10:00", thb("300"), "SOMCHAI JAIDEE", None));
    c.lines
        .push(line(24, "10:00", thb("300"), "SOMCHAI JAIDE", None));
    let r = c.run();
    assert_eq!(r.order("ORD-21").statement_lines[0].line, 23);
    assert_eq!(r.order("ORD-22").statement_lines[0].line, 24);
    assert_eq!(r.order("ORD-21").status, Status::Matched);
}

#[test]
fn split_payment_and_one_transfer_for_several_orders() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-23", "Anan Mungmee", thb("1000"), "09:00", None));
    c.lines
        .push(line(25, "10:00", thb("600"), "ANAN MUNGMEE", None));
    c.lines
        .push(line(26, "10:20", thb("400"), "ANAN MUNGMEE", None));
    c.orders
        .push(order("ORD-24", "Pim Suay", thb("300"), "09:00", None));
    c.orders
        .push(order("ORD-25", "Pim Suay", thb("200"), "09:30", None));
    c.lines
        .push(line(27, "11:00", thb("500"), "MISS PIM SUAY", None));
    let r = c.run();
    let o = r.order("ORD-23");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.statement_lines.len(), 2);
    assert!(
        has_reason(&o.reasons, "split_payment=2 lines"),
        "{:?}",
        o.reasons
    );
    assert_eq!(o.paid, Some(thb("1000")));
    for id in ["ORD-24", "ORD-25"] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Matched, "{id}: {:?}", o.reasons);
        assert!(has_reason(&o.reasons, "linked_by=one_transfer_many_orders"));
    }
    assert_eq!(r.order("ORD-24").paid, Some(thb("300")));
    let l = r.line("kbank.csv", 27);
    assert_eq!(l.status, Status::Matched);
    assert_eq!(l.order_ids.len(), 2);
}

#[test]
fn one_slip_for_two_orders_of_the_same_customer_is_not_a_duplicate() {
    let mut c = Case::default();
    c.orders.push(order(
        "ORD-26",
        "Pim Suay",
        thb("300"),
        "09:00",
        Some("s26.json"),
    ));
    c.orders.push(order(
        "ORD-27",
        "Pim Suay",
        thb("200"),
        "09:30",
        Some("s26.json"),
    ));
    c.slips.push(read(slip(
        "s26.json",
        "PIM SUAY",
        thb("500"),
        "09:40",
        Some("TR26"),
    )));
    c.lines
        .push(line(28, "09:40", thb("500"), "PIM SUAY", Some("TR26")));
    let r = c.run();
    for id in ["ORD-26", "ORD-27"] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Matched, "{id}: {:?}", o.reasons);
        assert_eq!(o.statement_lines.len(), 1);
    }
    assert!(has_reason(
        &r.order("ORD-26").reasons,
        "paid_together_with=ORD-27"
    ));
    assert_eq!(r.line("kbank.csv", 28).order_ids.len(), 2);
    assert_eq!(r.slip("s26.json").status, Status::Matched);
}

#[test]
fn fee_tolerance_per_currency() {
    let mut cfg = MatchConfig::default();
    cfg.fee_tolerance.insert(Currency::Usd, Decimal::new(50, 2));
    let mut c = Case {
        config: Some(cfg),
        ..Case::default()
    };
    c.orders
        .push(order("ORD-28", "Sok Dara", usd("100"), "09:00", None));
    let mut l = line(29, "10:00", usd("99.50"), "SOK DARA", None);
    l.source.file = "aba-usd.csv".into();
    c.lines.push(l);
    c.orders
        .push(order("ORD-29", "Chan Vuthy", usd("100"), "09:00", None));
    let mut l = line(30, "10:00", usd("99.00"), "CHAN VUTHY", None);
    l.source.file = "aba-usd.csv".into();
    c.lines.push(l);
    let r = c.run();
    let o = r.order("ORD-28");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "fee_deducted=0.50 USD"));
    // 1.00 is beyond the tolerance: not a candidate.
    assert_eq!(r.order("ORD-29").status, Status::Unpaid);
}

#[test]
fn company_payer_never_matches_a_person_by_name() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-30", "Somchai Jaidee", thb("900"), "09:00", None));
    c.lines.push(line(
        31,
        "10:00",
        thb("900"),
        "SOMCHAI JAIDEE CO., LTD.",
        None,
    ));
    let r = c.run();
    assert_eq!(r.order("ORD-30").status, Status::Unpaid);
    assert_eq!(r.line("kbank.csv", 31).status, Status::StatementUnmatched);
}

#[test]
fn slips_no_order_names_still_get_an_outcome() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-31", "Lek Dee", thb("120"), "09:00", None));
    // Remark names the order: attached to it.
    let mut s = slip("orphan-1.json", "LEK DEE", thb("120"), "09:05", None);
    s.remark = Some("Order ORD-31".into());
    c.slips.push(read(s));
    // No order at all, its money on the statement.
    c.slips.push(read(slip(
        "orphan-2.json",
        "X Y",
        thb("55"),
        "09:05",
        Some("TRX"),
    )));
    c.lines
        .push(line(32, "09:05", thb("55"), "X Y", Some("TRX")));
    c.lines.push(line(33, "09:06", thb("120"), "LEK DEE", None));
    let r = c.run();
    let o = r.order("ORD-31");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.slip.as_deref(), Some("orphan-1.json"));
    assert!(has_reason(&o.reasons, "slip_found_by_remark"));
    let s = r.slip("orphan-2.json");
    assert_eq!(s.status, Status::StatementUnmatched);
    assert!(has_reason(&s.reasons, "no_order"));
    assert_eq!(s.statement_line.as_ref().unwrap().line, 32);
    let l = r.line("kbank.csv", 32);
    assert!(has_reason(&l.reasons, "slip_without_order=orphan-2.json"));
    assert_eq!(r.slips.len(), 2);
}

#[test]
fn output_is_in_contract_order_and_every_row_has_an_outcome() {
    let mut c = Case::default();
    c.orders.push(order("B", "x", thb("1"), "09:00", None));
    c.orders.push(order("A", "y", thb("2"), "09:00", None));
    c.lines.push(line(9, "09:00", thb("3"), "z", None));
    c.lines.push(line(2, "09:00", thb("4"), "w", None));
    c.slips
        .push(read(slip("z.json", "q", thb("5"), "09:00", None)));
    c.slips
        .push(read(slip("a.json", "q", thb("6"), "09:00", None)));
    let r = c.run();
    let ids: Vec<&str> = r.orders.iter().map(|o| o.order_id.0.as_str()).collect();
    assert_eq!(ids, ["A", "B"]);
    let lines: Vec<u64> = r.statement.iter().map(|l| l.line.line).collect();
    assert_eq!(lines, [2, 9]);
    let files: Vec<&str> = r.slips.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(files, ["a.json", "z.json"]);
    assert_eq!(r.day.to_string(), "2026-11-21");
    let _ = Money::zero(Currency::Thb);
}

#[test]
fn every_status_word_is_reachable() {
    // The scenarios above together cover every word; this guards that the
    // list does not grow without a scenario.
    let covered = [
        Status::Matched,
        Status::DuplicateSlip,
        Status::ReceiverMismatch,
        Status::AmountMismatch,
        Status::NameMismatch,
        Status::SlipNotOnStatement,
        Status::StatementUnmatched,
        Status::Unpaid,
        Status::Ambiguous,
        Status::UnreadableSlip,
        Status::Pending,
        // tests/decided.rs: a person's resolve.
        Status::Resolved,
    ];
    assert_eq!(covered.len(), Status::ALL.len());
}

#[test]
fn absurd_config_values_do_not_panic() {
    let cfg = MatchConfig {
        late_grace_minutes: i64::MAX,
        name_mismatch_gap_minutes: i64::MAX,
        max_slip_line_gap_minutes: i64::MIN,
        max_split_parts: usize::MAX,
        exhaustive_group_limit: 0,
        name_threshold: 2.0,
        ..MatchConfig::default()
    };
    let mut c = Case {
        config: Some(cfg),
        ..Case::default()
    };
    c.orders.push(order(
        "ORD-40",
        "Lek Dee",
        thb("500"),
        "09:00",
        Some("s40.json"),
    ));
    c.slips
        .push(read(slip("s40.json", "LEK DEE", thb("500"), "09:05", None)));
    c.lines.push(line(40, "09:05", thb("500"), "LEK DEE", None));
    let r = c.run();
    // A threshold above 1 lets no name match: the slip's money is linked by
    // time only, as a name mismatch.
    assert_eq!(r.order("ORD-40").status, Status::NameMismatch);
}
