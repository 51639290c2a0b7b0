//! Days are not islands: scenario tests over three or more
//! consecutive days through the real `recon` binary, a real SQLite ledger
//! and real report files.
//!
//! Each test writes its own small days: a canonical statement, an order
//! export and saved EasySlip responses built from a sample slip.

mod common;

use std::fs;
use std::process::Command;

use common::text;
use common::world::{Payment, World, exception, row};

const D1: &str = "2026-11-20";
const D2: &str = "2026-11-21";
const D3: &str = "2026-11-22";
const D4: &str = "2026-11-23";

const SOMCHAI: Payment = Payment {
    order: "ORD-1",
    name: "นาย สมชาย ใจดี",
    thb: "1250.00",
    ordered_at: "2026-11-20T23:50:00+07:00",
    paid_at: "2026-11-20T23:55:00+07:00",
    trans_ref: "016324235537ATF08123",
    payer: "",
};

const MALEE: Payment = Payment {
    order: "ORD-2",
    name: "นางสาว มาลี สุขใจ",
    thb: "880.00",
    ordered_at: "2026-11-20T10:00:00+07:00",
    paid_at: "2026-11-20T10:02:00+07:00",
    trans_ref: "016324235537ATF08777",
    payer: "",
};

#[test]
fn late_booking_after_midnight_is_pending_then_resolved() {
    let w = World::new();
    w.order(D1, &SOMCHAI, true);
    w.order(D1, &MALEE, true);
    w.money(D1, &MALEE, "2026-11-20T10:02:30+07:00");
    // Paid at 23:55, booked by the bank at 00:03 the next day.
    w.money(D2, &SOMCHAI, "2026-11-21T00:03:00+07:00");

    w.run(D1);
    let orders = w.report(D1, "reconciliation.csv");
    assert_eq!(row(&orders, "order_id", "ORD-1")["status"], "pending");
    assert_eq!(row(&orders, "order_id", "ORD-2")["status"], "matched");
    let ex = w.report(D1, "exceptions.csv");
    let pending = exception(&ex, "order", "ORD-1");
    assert_eq!(pending["lifecycle"], "new");
    assert!(
        pending["reasons"].contains("awaiting_statement"),
        "{pending:?}"
    );

    w.run(D2);
    let orders = w.report(D2, "reconciliation.csv");
    let late = row(&orders, "order_id", "ORD-1");
    assert_eq!(late["status"], "matched", "{late:?}");
    assert_eq!(late["origin_day"], D1);
    assert!(
        late["statement_line"].contains("kbank.csv:2"),
        "paid by today's line: {late:?}"
    );
    let ex = w.report(D2, "exceptions.csv");
    let resolved = exception(&ex, "order", "ORD-1");
    assert_eq!(resolved["lifecycle"], "resolved");
    assert_eq!(resolved["age_days"], "1");
    assert_eq!(resolved["first_seen"], D1);
    assert!(
        resolved["resolved_by"].contains("kbank.csv:2"),
        "{resolved:?}"
    );
    // Today's line is matched to the old order, not left unmatched.
    let lines = w.report(D2, "statement.csv");
    assert_eq!(
        row(&lines, "statement_line", "kbank.csv:2")["status"],
        "matched"
    );

    // The 20th's record says when and by what its open items were closed.
    let status = recon_cmd()
        .current_dir(&w.root)
        .args([
            "--config",
            "job.toml",
            "status",
            "--day",
            D1,
            "--ledger",
            "ledger.sqlite",
        ])
        .output()
        .unwrap();
    let said = text(&status);
    assert!(
        said.contains(&format!(
            "order {D1}/orders.csv:2 pending (new, age 0 days, resolved on {D2} by"
        )),
        "{said}"
    );

    // The day after, nothing of it is carried any more.
    w.run(D3);
    let orders = w.report(D3, "reconciliation.csv");
    assert!(
        orders.iter().all(|r| r["order_id"] != "ORD-1"),
        "{orders:#?}"
    );
}

#[test]
fn slip_before_money_waits_inside_the_grace_period() {
    let w = World::new();
    w.order(D1, &SOMCHAI, true);
    w.money(D3, &SOMCHAI, "2026-11-22T09:00:00+07:00");

    w.run(D1);
    w.run(D2);
    let ex = w.report(D2, "exceptions.csv");
    let waiting = exception(&ex, "order", "ORD-1");
    assert_eq!(waiting["status"], "pending");
    assert_eq!(waiting["lifecycle"], "persisting");
    assert_eq!(waiting["age_days"], "1");
    assert_eq!(waiting["age_bucket"], "0-1");

    // Two days after the slip, the money lands: still inside the grace.
    w.run(D3);
    let orders = w.report(D3, "reconciliation.csv");
    assert_eq!(row(&orders, "order_id", "ORD-1")["status"], "matched");
    let resolved = exception(&w.report(D3, "exceptions.csv"), "order", "ORD-1").clone();
    assert_eq!(resolved["lifecycle"], "resolved");
    assert_eq!(resolved["age_days"], "2");
}

#[test]
fn money_before_slip_matches_the_carried_line() {
    let w = World::new();
    // The money arrives on the evening of the 20th; order and slip come on
    // the 21st.
    w.money(D1, &SOMCHAI, "2026-11-20T23:56:00+07:00");
    w.run(D1);
    let lines = w.report(D1, "statement.csv");
    assert_eq!(
        row(&lines, "statement_line", "kbank.csv:2")["status"],
        "statement_unmatched"
    );

    let late_order = Payment {
        ordered_at: "2026-11-21T08:00:00+07:00",
        ..SOMCHAI
    };
    w.order(D2, &late_order, true);
    w.run(D2);
    let orders = w.report(D2, "reconciliation.csv");
    let paid = row(&orders, "order_id", "ORD-1");
    assert_eq!(paid["status"], "matched", "{paid:?}");
    assert_eq!(paid["statement_line"], format!("{D1}/kbank.csv:2"));
    let lines = w.report(D2, "statement.csv");
    let carried = row(&lines, "statement_line", &format!("{D1}/kbank.csv:2"));
    assert_eq!(carried["status"], "matched");
    assert_eq!(carried["origin_day"], D1);
    let resolved = exception(
        &w.report(D2, "exceptions.csv"),
        "statement_line",
        &format!("{D1}/kbank.csv:2"),
    )
    .clone();
    assert_eq!(resolved["lifecycle"], "resolved");
    assert!(resolved["resolved_by"].contains("ORD-1"), "{resolved:?}");
}

#[test]
fn grace_expiry_turns_a_waiting_slip_into_the_real_exception() {
    let w = World::new();
    w.order(D1, &SOMCHAI, true);
    for day in [D1, D2, D3, D4] {
        w.run(day);
    }
    let status_on = |day: &str| {
        let orders = w.report(day, "reconciliation.csv");
        row(&orders, "order_id", "ORD-1")["status"].clone()
    };
    assert_eq!(status_on(D1), "pending");
    assert_eq!(status_on(D2), "pending");
    assert_eq!(status_on(D3), "slip_not_on_statement");
    assert_eq!(status_on(D4), "slip_not_on_statement");
    let on_d4 = exception(&w.report(D4, "exceptions.csv"), "order", "ORD-1").clone();
    assert_eq!(on_d4["lifecycle"], "persisting");
    assert_eq!(on_d4["first_seen"], D1);
    assert_eq!(on_d4["age_days"], "3");
    assert_eq!(on_d4["age_bucket"], "2-7");
    let summary: serde_json::Value = serde_json::from_slice(
        &fs::read(w.root.join("reports").join(D4).join("summary.json")).unwrap(),
    )
    .unwrap();
    assert!(
        summary.to_string().contains("open_by_age"),
        "summary.json shows open exceptions by age: {summary}"
    );
}

#[test]
fn rerunning_an_earlier_day_refuses_or_cascades_never_half() {
    let w = World::new();
    w.order(D1, &SOMCHAI, true);
    for day in [D1, D2, D3] {
        w.run(day);
    }
    // Unchanged inputs: the rerun gives the recorded result and is allowed.
    let before = w.report_bytes(D1);
    w.run(D1);
    assert_eq!(
        w.report_bytes(D1),
        before,
        "a plain rerun is byte-identical"
    );

    // The bank sends a corrected statement for the 20th with the money.
    w.money(D1, &SOMCHAI, "2026-11-20T23:58:00+07:00");
    let refused = w.recon(&["reconcile", "--day", D1]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let message = text(&refused);
    assert!(
        message.contains(D2) && message.contains(D3) && message.contains("--cascade"),
        "names the later days and the way out: {message}"
    );
    assert_eq!(w.report_bytes(D1), before, "nothing was written");
    let d3_before = w.report_bytes(D3);

    let cascaded = w.recon(&["reconcile", "--day", D1, "--cascade"]);
    assert!(
        matches!(cascaded.status.code(), Some(0 | 2)),
        "{}",
        text(&cascaded)
    );
    let out = text(&cascaded);
    for day in [D1, D2, D3] {
        assert!(out.contains(&format!("{day}:")), "{day} recomputed: {out}");
    }
    let orders = w.report(D1, "reconciliation.csv");
    assert_eq!(row(&orders, "order_id", "ORD-1")["status"], "matched");
    for day in [D2, D3] {
        let orders = w.report(day, "reconciliation.csv");
        assert!(
            orders.iter().all(|r| r["order_id"] != "ORD-1"),
            "{day} no longer carries the paid order: {orders:#?}"
        );
    }
    assert_ne!(w.report_bytes(D3), d3_before);
    let verified = w.recon(&["verify"]);
    assert_eq!(verified.status.code(), Some(0), "{}", text(&verified));
}

#[test]
fn a_day_run_late_after_later_days_refuses_then_cascades() {
    let w = World::new();
    // The 21st's money pays the 20th's order; the 21st is forgotten at
    // first and the 22nd runs from the 20th's open set.
    w.order(D1, &SOMCHAI, true);
    w.money(D2, &SOMCHAI, "2026-11-21T00:03:00+07:00");
    w.run(D1);
    w.run(D3);
    // Two days after the slip and no money seen: the grace is over.
    let orders = w.report(D3, "reconciliation.csv");
    assert_eq!(
        row(&orders, "order_id", "ORD-1")["status"],
        "slip_not_on_statement"
    );

    let refused = w.recon(&["reconcile", "--day", D2]);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused));
    let said = text(&refused);
    assert!(
        said.contains(&format!("{D2} was never reconciled")) && said.contains(D3),
        "{said}"
    );
    assert!(!w.root.join("reports").join(D2).exists(), "nothing written");

    let cascaded = w.recon(&["reconcile", "--day", D2, "--cascade"]);
    assert!(
        matches!(cascaded.status.code(), Some(0 | 2)),
        "{}",
        text(&cascaded)
    );
    let orders = w.report(D2, "reconciliation.csv");
    assert_eq!(row(&orders, "order_id", "ORD-1")["status"], "matched");
    let orders = w.report(D3, "reconciliation.csv");
    assert!(
        orders.iter().all(|r| r["order_id"] != "ORD-1"),
        "the 22nd now starts from the 21st: {orders:#?}"
    );
}

#[test]
fn the_manifest_chain_verifies_and_catches_rewrites() {
    let w = World::new();
    w.order(D1, &SOMCHAI, true);
    w.order(D2, &MALEE, true);
    w.money(D2, &MALEE, "2026-11-21T10:02:30+07:00");
    for day in [D1, D2, D3] {
        w.run(day);
    }
    let ok = w.recon(&["verify"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    let said = text(&ok);
    assert!(said.contains("manifest chain: 3 runs linked"), "{said}");
    for day in [D1, D2, D3] {
        assert!(said.contains(&format!("ok   {day}")), "{said}");
    }

    // A report edited after the run.
    let csv = w.root.join("reports").join(D2).join("reconciliation.csv");
    let mut body = fs::read(&csv).unwrap();
    body.extend_from_slice(b"ORD-9,matched,,,1.00,,THB,,\r\n");
    fs::write(&csv, body).unwrap();
    let caught = w.recon(&["verify", "--day", D2]);
    assert_eq!(caught.status.code(), Some(1), "{}", text(&caught));
    assert!(
        text(&caught).contains("reconciliation.csv differs"),
        "{}",
        text(&caught)
    );

    // History rewritten in the ledger: an earlier manifest replaced.
    let conn = rusqlite::Connection::open(w.root.join("ledger.sqlite")).unwrap();
    conn.execute(
        "UPDATE runs SET manifest_json = replace(manifest_json, 'kbank', 'kbanx')
         WHERE day = ?1",
        [D2],
    )
    .unwrap();
    drop(conn);
    let caught = w.recon(&["verify"]);
    assert_eq!(caught.status.code(), Some(1), "{}", text(&caught));
    assert!(
        text(&caught).contains("manifest chain"),
        "{}",
        text(&caught)
    );
}

/// The `recon` binary, its summary line on stdout as a person would see it.
fn recon_cmd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_recon"));
    cmd.arg("--summary");
    cmd
}
