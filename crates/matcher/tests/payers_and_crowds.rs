//! What labelled days from real-looking shops showed: crowded prices where
//! dozens of transfers share an amount within minutes, bank lines that mask
//! the payer, payers who are not the customer, fake slips whose amount
//! someone else paid, and namesakes. Each test is one rule of the README's
//! Matching section.

mod common;

use common::*;
use recon_core::{Money, OrderId, Status};

/// `n` money-in lines of `amount` spread over the day from people who are
/// none of the tests' payers, numbered from `first`: a crowded price.
fn crowd(first: u64, n: u64, amount: Money) -> Vec<recon_core::StatementLine> {
    const GIVEN: [&str; 6] = ["สมชาย", "วิไล", "ปรีชา", "กิตติ", "นภา", "สุดา"];
    const FAMILY: [&str; 4] = ["ใจดี", "ทองคำ", "ศรีสุข", "แก้วมณี"];
    (0..n)
        .map(|i| {
            let name = format!(
                "{} {}",
                GIVEN[(i % 6) as usize],
                FAMILY[(i / 6 % 4) as usize]
            );
            let time = format!("{:02}:{:02}", 6 + i % 16, (i * 7) % 60);
            line(first + i, &time, amount, &name, None)
        })
        .collect()
}

fn paid(c: &mut Case, id: &str, customer: &str, amount: Money, sent: &str, sender: &str) {
    let file = format!("{id}.json");
    c.orders
        .push(order(id, customer, amount, "00:10", Some(&file)));
    c.slips.push(read(slip(&file, sender, amount, sent, None)));
}

#[test]
fn masked_bank_names_in_a_crowded_price_are_matched() {
    let mut c = Case::without_grace();
    c.lines.extend(crowd(100, 90, thb("299")));
    paid(
        &mut c,
        "ORD-1",
        "นาง อรทัย มั่นคง",
        thb("299"),
        "12:00:00",
        "นาง อรทัย มั่นคง",
    );
    c.lines
        .push(line(1, "12:01:30", thb("299"), "นาง อร*** มั่***", None));
    paid(
        &mut c,
        "ORD-2",
        "MRS. VANNAK SEANG",
        thb("299"),
        "13:00:00",
        "MRS. VANAK SEANG",
    );
    c.lines
        .push(line(2, "13:00:40", thb("299"), "MRS. VANNAK SE***", None));
    let r = c.run();
    for (id, l) in [("ORD-1", 1), ("ORD-2", 2)] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Matched, "{id}: {:?}", o.reasons);
        assert_eq!(o.statement_lines[0].line, l, "{id}");
        assert!(has_reason(&o.reasons, "linked_by=amount_and_name"), "{id}");
        assert!(o.name_score.unwrap() >= 0.85, "{id}");
        assert_eq!(r.line("kbank.csv", l).status, Status::Matched);
    }
}

#[test]
fn a_payer_who_is_not_the_customer_is_a_name_mismatch_naming_both() {
    let mut c = Case::without_grace();
    // Slip and bank agree on who paid: someone else than the customer.
    paid(
        &mut c,
        "ORD-1",
        "MR. CHANTHA HENG",
        thb("1500"),
        "10:00:00",
        "DARA BROWN",
    );
    c.lines
        .push(line(1, "10:00:50", thb("1500"), "DARA BROWN", None));
    // The same, tied by the transaction reference: the link is certain,
    // the payer is still someone else.
    c.orders.push(order(
        "ORD-2",
        "นาย สมชาย ใจดี",
        thb("820"),
        "09:00",
        Some("s2.json"),
    ));
    c.slips.push(read(slip(
        "s2.json",
        "นางสาว มาลี ทองคำ",
        thb("820"),
        "11:00",
        Some("TR2"),
    )));
    c.lines.push(line(
        2,
        "11:01",
        thb("820"),
        "นางสาว มาลี ทองคำ",
        Some("TR2"),
    ));
    let r = c.run();
    let o = r.order("ORD-1");
    assert_eq!(o.status, Status::NameMismatch, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "linked_by=amount_and_name"));
    assert!(
        has_reason(&o.reasons, "customer=MR. CHANTHA HENG"),
        "{:?}",
        o.reasons
    );
    assert!(
        has_reason(&o.reasons, "payer=DARA BROWN"),
        "{:?}",
        o.reasons
    );
    assert!(o.name_score.unwrap() < 0.85);
    assert_eq!(r.line("kbank.csv", 1).status, Status::NameMismatch);
    let o = r.order("ORD-2");
    assert_eq!(o.status, Status::NameMismatch, "{:?}", o.reasons);
    assert!(has_reason(&o.reasons, "linked_by=trans_ref"));
    assert!(
        has_reason(&o.reasons, "payer=นางสาว มาลี ทองคำ"),
        "{:?}",
        o.reasons
    );
}

#[test]
fn a_line_booked_before_the_transfer_is_not_its_money() {
    let mut c = Case::without_grace();
    // A fake slip at 17:11; a namesake's 599.00 was booked at 12:17.
    paid(
        &mut c,
        "ORD-F",
        "นาย ธนากร วงศ์ใหญ่",
        thb("599"),
        "17:11",
        "นาย ธนากร วงศ์ใหญ่",
    );
    c.lines
        .push(line(1, "12:17", thb("599"), "นาย ธนากร วงศ์ใหญ่", None));
    // Money booked a minute before the slip's time is a clock skew.
    paid(
        &mut c,
        "ORD-S",
        "MALEE SRISUK",
        thb("1200"),
        "15:00:00",
        "MALEE SRISUK",
    );
    c.lines
        .push(line(2, "14:59:00", thb("1200"), "MALEE SRISUK", None));
    let r = c.run();
    let o = r.order("ORD-F");
    assert_eq!(o.status, Status::SlipNotOnStatement, "{:?}", o.reasons);
    assert_eq!(r.line("kbank.csv", 1).status, Status::StatementUnmatched);
    let o = r.order("ORD-S");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
}

#[test]
fn an_order_without_slip_never_takes_the_line_a_slip_points_to() {
    let mut c = Case::without_grace();
    c.lines.extend(crowd(100, 20, thb("599")));
    // No slip, placed 17:29:17: its name and amount fit the line too.
    c.orders.push(order(
        "ORD-A",
        "นาง สมศักดิ์ พรหมวงศ์",
        thb("599"),
        "17:29:17",
        None,
    ));
    // A namesake's slip sent seconds before the line, with a typo.
    paid(
        &mut c,
        "ORD-B",
        "นาง สมศักดิ์ พรหมวงศ์",
        thb("599"),
        "17:28:40",
        "สมศักดิ พรหมวงศ์",
    );
    c.lines
        .push(line(1, "17:28:58", thb("599"), "นาง สมศักดิ์ พรหมวงศ์", None));
    let r = c.run();
    let o = r.order("ORD-B");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    assert_eq!(o.statement_lines[0].line, 1);
    assert_eq!(r.order("ORD-A").status, Status::Unpaid);
}

#[test]
fn ambiguous_names_the_orders_that_compete() {
    let mut c = Case::without_grace();
    for id in ["ORD-1", "ORD-2"] {
        c.orders
            .push(order(id, "Somchai Jaidee", thb("990"), "10:00", None));
    }
    c.lines
        .push(line(1, "10:30", thb("990"), "SOMCHAI JAIDEE", None));
    let r = c.run();
    for (id, other) in [("ORD-1", "ORD-2"), ("ORD-2", "ORD-1")] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Ambiguous, "{id}: {:?}", o.reasons);
        assert!(has_reason(&o.reasons, "candidate_lines=kbank.csv:1"));
        assert!(
            has_reason(&o.reasons, &format!("competing_orders={other}")),
            "{id}: {:?}",
            o.reasons
        );
    }
    let l = r.line("kbank.csv", 1);
    assert_eq!(l.status, Status::Ambiguous);
    assert!(has_reason(&l.reasons, "candidate_orders=ORD-1,ORD-2"));
}

#[test]
fn a_typo_in_the_first_letters_is_found_by_the_slip_time_in_a_crowd() {
    let mut c = Case::without_grace();
    c.lines.extend(crowd(100, 90, thb("1290")));
    paid(
        &mut c,
        "ORD-1",
        "อนุชา พรหมวงศ์",
        thb("1290"),
        "09:34:34",
        "อนุชา พรหมวงศ์",
    );
    c.lines
        .push(line(1, "09:35:21", thb("1290"), "อนชา พรหมวงศ์", None));
    // Words run together on the bank line.
    paid(
        &mut c,
        "ORD-2",
        "นาย ประเสริฐ ใจดี",
        thb("1290"),
        "23:34:13",
        "นาย ประเสริฐ ใจดี",
    );
    c.lines
        .push(line(2, "23:35:32", thb("1290"), "นาย ประเสริฐใจดี", None));
    let r = c.run();
    for (id, l) in [("ORD-1", 1), ("ORD-2", 2)] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Matched, "{id}: {:?}", o.reasons);
        assert_eq!(o.statement_lines[0].line, l, "{id}");
    }
}

#[test]
fn namesakes_paying_one_price_a_minute_apart_each_get_their_own_line() {
    let mut c = Case::without_grace();
    paid(
        &mut c,
        "ORD-1",
        "นาย มาลัย ใจดี",
        thb("299"),
        "02:04:22",
        "มาลัย ใจดี",
    );
    paid(
        &mut c,
        "ORD-2",
        "นาย มาลัย ใจดี",
        thb("299"),
        "02:04:58",
        "นาย มาลัย ใจดี",
    );
    c.lines
        .push(line(1, "02:04:22", thb("299"), "นาย มาลัย ใจดี", None));
    c.lines
        .push(line(2, "02:05:00", thb("299"), "มาลัย ใจดี", None));
    let r = c.run();
    for (id, l) in [("ORD-1", 1), ("ORD-2", 2)] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Matched, "{id}: {:?}", o.reasons);
        assert_eq!(o.statement_lines[0].line, l, "{id}");
        assert_eq!(r.line("kbank.csv", l).order_ids, vec![OrderId(id.into())]);
    }
}
