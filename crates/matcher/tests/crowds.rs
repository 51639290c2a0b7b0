//! Split payments and one transfer for several orders inside a crowd of
//! namesakes: only the first 16 namesakes (by rank) whose amount fits are
//! tried, people whose names merely share the first letters are not
//! namesakes, and money that is not free is not a candidate. These pin the
//! bounded look-up (amount-sorted name-key index, names compared until 16
//! are found) to the behaviour it replaced.

mod common;

use common::*;
use recon_core::{OrderId, Status};

/// `n` money-in lines from Lek Dee, numbered from `first`, none of which
/// can be part of a 1,000 baht split (any two exceed it).
fn crowd(first: u64, n: u64) -> Vec<recon_core::StatementLine> {
    (0..n)
        .map(|i| {
            line(
                first + i,
                "12:00",
                thb(&(981 + i % 19).to_string()),
                "LEK DEE",
                None,
            )
        })
        .collect()
}

#[test]
fn a_split_payment_is_found_among_the_first_namesakes() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-S", "Lek Dee", thb("1000"), "09:00", None));
    // Decoys first: names that share the first letters but are someone
    // else, with exactly the right amounts. They are not namesakes.
    c.lines
        .push(line(1, "09:10", thb("400"), "LEKKHANA DEEPRASERT", None));
    c.lines
        .push(line(2, "09:11", thb("600"), "LEKKHANA DEEPRASERT", None));
    c.lines.push(line(3, "09:20", thb("400"), "LEK DEE", None));
    c.lines.push(line(4, "09:25", thb("600"), "LEK DEE", None));
    c.lines.extend(crowd(10, 30));
    let r = c.run();
    let o = r.order("ORD-S");
    assert_eq!(o.status, Status::Matched, "{:?}", o.reasons);
    let got: Vec<String> = o.statement_lines.iter().map(ToString::to_string).collect();
    assert_eq!(got, ["kbank.csv:3", "kbank.csv:4"]);
    assert!(has_reason(&o.reasons, "linked_by=split_payment"));
    assert_eq!(r.line("kbank.csv", 1).status, Status::StatementUnmatched);
}

#[test]
fn a_split_payment_beyond_the_first_sixteen_namesakes_is_not_tried() {
    let mut c = Case::default();
    c.orders
        .push(order("ORD-S", "Lek Dee", thb("1000"), "09:00", None));
    // Sixteen namesakes that fit (rank 10..25), then the two real parts.
    c.lines.extend(crowd(10, 16));
    c.lines.push(line(26, "09:20", thb("400"), "LEK DEE", None));
    c.lines.push(line(27, "09:25", thb("600"), "LEK DEE", None));
    // Neither namesakes that do not fit (more than is due) nor people
    // whose names only start alike count among the sixteen.
    c.lines.push(line(1, "12:00", thb("1001"), "LEK DEE", None));
    c.lines
        .push(line(2, "12:00", thb("990"), "LEKKHANA DEEPRASERT", None));
    c.lines
        .push(line(3, "12:00", thb("991"), "LEKKHANA DEEPRASERT", None));
    let r = c.run();
    assert_eq!(r.order("ORD-S").status, Status::Unpaid);
    // Two namesakes fewer in front: the parts are among the first sixteen.
    c.lines.retain(|l| !matches!(l.source.line, 24 | 25));
    let r = c.run();
    assert_eq!(r.order("ORD-S").status, Status::Matched);
}

#[test]
fn one_transfer_pays_two_of_many_open_orders_of_one_customer() {
    let mut c = Case::default();
    // Twenty open orders of Lek Dee; only add up to 1,500.
    for i in 0..20u32 {
        let amount = match i {
            2 => "700".to_string(),
            3 => "800".to_string(),
            _ => (1401 + i).to_string(),
        };
        c.orders.push(order(
            &format!("A-{i:02}"),
            "Lek Dee",
            thb(&amount),
            "08:00",
            None,
        ));
    }
    // Someone else whose name starts alike, also expecting 700.
    c.orders.push(order(
        "A-00X",
        "Lekkhana Deeprasert",
        thb("700"),
        "08:00",
        None,
    ));
    c.lines.push(line(5, "10:00", thb("1500"), "LEK DEE", None));
    let r = c.run();
    for id in ["A-02", "A-03"] {
        let o = r.order(id);
        assert_eq!(o.status, Status::Matched, "{id}: {:?}", o.reasons);
        assert!(has_reason(&o.reasons, "linked_by=one_transfer_many_orders"));
    }
    assert_eq!(r.order("A-00X").status, Status::Unpaid);
    assert_eq!(r.order("A-04").status, Status::Unpaid);
    let l = r.line("kbank.csv", 5);
    assert_eq!(l.status, Status::Matched);
    assert_eq!(
        l.order_ids,
        vec![OrderId("A-02".into()), OrderId("A-03".into())]
    );
}
