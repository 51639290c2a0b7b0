//! Decisions close the loop, through the real `recon` binary over four
//! days: decided in an edited `exceptions.csv` and on the command line;
//! kept by reruns and `--cascade`; a decline stays declined; an alias
//! learned on the first day matches on the third; a reopen undoes; a
//! decision the inputs no longer fit is reported stale; a malformed file
//! and a crash in the middle change nothing; `recon verify` notices an
//! edited decision.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::process::Output;

use common::text;
use common::world::{Payment, World, exception, row, slip_json};

const D1: &str = "2026-11-20";
const D2: &str = "2026-11-21";
const D3: &str = "2026-11-22";
const D4: &str = "2026-11-23";
const D5: &str = "2026-11-24";

/// Peter's orders, paid by his wife Laura from her own account.
const PETER_1: Payment = Payment {
    order: "ORD-P1",
    name: "Peter Evans",
    thb: "599.00",
    ordered_at: "2026-11-20T10:00:00+07:00",
    paid_at: "2026-11-20T10:04:00+07:00",
    trans_ref: "016324100401ATF00001",
    payer: "MS. Laura Evans",
};
const PETER_3: Payment = Payment {
    order: "ORD-P3",
    name: "Peter Evans",
    thb: "1290.00",
    ordered_at: "2026-11-22T09:00:00+07:00",
    paid_at: "2026-11-22T09:03:00+07:00",
    trans_ref: "016326090301ATF00003",
    payer: "MS. Laura Evans",
};
/// Paid in cash at the shop: no slip, no money on the statement.
const CASH: Payment = Payment {
    order: "ORD-C1",
    name: "นาง วิไล ศรีสุข",
    thb: "450.00",
    ordered_at: "2026-11-20T11:00:00+07:00",
    paid_at: "2026-11-20T11:00:00+07:00",
    trans_ref: "",
    payer: "",
};
/// Paid 10 baht short (the bank's fee, the shop says).
const SHORT: Payment = Payment {
    order: "ORD-S1",
    name: "MR. Kitti Wong",
    thb: "1000.00",
    ordered_at: "2026-11-20T12:00:00+07:00",
    paid_at: "2026-11-20T12:05:00+07:00",
    trans_ref: "016324120501ATF00005",
    payer: "",
};
/// Someone else's money that the matcher pairs with an order of the same
/// amount: finance knows it is not hers.
const NOT_HERS: Payment = Payment {
    order: "ORD-N2",
    name: "นางสาว มาลี สุขใจ",
    thb: "880.00",
    ordered_at: "2026-11-21T10:00:00+07:00",
    paid_at: "2026-11-21T10:02:00+07:00",
    trans_ref: "016325100201ATF00007",
    payer: "นาย ประยุทธ์ มั่งมี",
};
/// Paid from a company account, hours later: nothing links them but a person.
const LINKED: Payment = Payment {
    order: "ORD-L4",
    name: "Somsak Dee",
    thb: "777.00",
    ordered_at: "2026-11-23T09:00:00+07:00",
    paid_at: "2026-11-23T15:00:00+07:00",
    trans_ref: "",
    payer: "บริษัท ทดสอบ จำกัด",
};
/// An ordinary paid order, undecided throughout.
const PLAIN: Payment = Payment {
    order: "ORD-A1",
    name: "MR. Anan Boonmee",
    thb: "2500.00",
    ordered_at: "2026-11-20T13:00:00+07:00",
    paid_at: "2026-11-20T13:02:00+07:00",
    trans_ref: "016324130201ATF00009",
    payer: "",
};

/// The short payment: slip and statement both say 990.00 for the order's
/// 1,000.00.
fn short_payment(w: &World) {
    w.order(D1, &SHORT, true);
    let paid = Payment {
        thb: "990.00",
        ..SHORT
    };
    let slip = w.day_dir(D1).join("slips").join("ORD-S1.json");
    fs::write(slip, slip_json(&paid)).unwrap();
    w.money(D1, &paid, "2026-11-20T12:06:00+07:00");
}

/// Four days: Peter paid by Laura on the first and third, a cash order and
/// a short payment on the first, someone else's money on the second.
fn four_days() -> World {
    let w = World::new();
    w.order(D1, &PETER_1, true);
    w.money(D1, &PETER_1, "2026-11-20T10:05:00+07:00");
    w.order(D1, &CASH, false);
    short_payment(&w);
    w.order(D1, &PLAIN, true);
    w.money(D1, &PLAIN, "2026-11-20T13:03:00+07:00");
    w.order(D2, &NOT_HERS, true);
    w.money(D2, &NOT_HERS, "2026-11-21T10:03:00+07:00");
    w.order(D3, &PETER_3, true);
    w.money(D3, &PETER_3, "2026-11-22T09:04:00+07:00");
    w.order(D4, &LINKED, false);
    w.money(D4, &LINKED, "2026-11-23T15:00:00+07:00");
    for d in [D1, D2, D3, D4] {
        w.run(d);
    }
    w
}

/// Fills decision cells of `exceptions.csv` rows (by `id`) and writes the
/// file where finance would save it, as a spreadsheet saves it (BOM kept).
fn fill(w: &World, day: &str, fills: &[(&str, &[(&str, &str)])]) -> std::path::PathBuf {
    let path = w.root.join("reports").join(day).join("exceptions.csv");
    let bytes = fs::read(&path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::Reader::from_reader(body);
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {headers:?}"))
    };
    let out_path = w.root.join(format!("decide-{day}.csv"));
    let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(&headers).unwrap();
        let mut filled = 0;
        for r in reader.records() {
            let mut cells: Vec<String> = r.unwrap().iter().map(str::to_string).collect();
            if let Some((_, set)) = fills.iter().find(|(id, _)| cells[col("id")] == *id) {
                for (name, value) in *set {
                    cells[col(name)] = value.to_string();
                }
                filled += 1;
            }
            writer.write_record(&cells).unwrap();
        }
        assert_eq!(filled, fills.len(), "every filled id is a row of {day}");
    }
    fs::write(&out_path, out).unwrap();
    out_path
}

fn status_of(w: &World, day: &str, order: &str) -> String {
    row(&w.report(day, "reconciliation.csv"), "order_id", order)["status"].clone()
}

fn decide(w: &World, day: &str, args: &[&str]) -> Output {
    let mut all = vec!["decide", "--day", day, "--by", "somchai"];
    all.extend_from_slice(args);
    w.recon(&all)
}

fn statuses(w: &World, day: &str) -> BTreeMap<String, String> {
    w.report(day, "reconciliation.csv")
        .into_iter()
        .map(|r| (r["order_id"].clone(), r["status"].clone()))
        .collect()
}

#[test]
fn decisions_stick_teach_and_undo_across_four_days() {
    let w = four_days();
    assert_eq!(status_of(&w, D1, "ORD-P1"), "name_mismatch");
    assert_eq!(status_of(&w, D1, "ORD-C1"), "unpaid");
    assert_eq!(status_of(&w, D1, "ORD-S1"), "amount_mismatch");
    assert_eq!(status_of(&w, D3, "ORD-P3"), "name_mismatch");
    let before = statuses(&w, D1);

    // Finance fills in the day's exceptions.csv and hands it back.
    let file = fill(
        &w,
        D1,
        &[
            (
                "ORD-P1",
                &[("decision", "confirm"), ("note", "his wife pays")],
            ),
            ("ORD-C1", &[("decision", "resolve"), ("reason", "cash")]),
            (
                "ORD-S1",
                &[
                    ("decision", "write_off"),
                    ("write_off_amount", "10.00"),
                    ("reason", "bank_fee"),
                ],
            ),
        ],
    );
    let out = decide(&w, D1, &[file.to_str().unwrap()]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("3 decisions recorded by somchai; 1 aliases learned"),
        "{}",
        text(&out)
    );
    let rows = w.report(D1, "reconciliation.csv");
    let p1 = row(&rows, "order_id", "ORD-P1");
    assert_eq!(p1["status"], "matched");
    assert_eq!(p1["decision"], "confirm");
    assert_eq!(p1["decided_by"], "somchai");
    assert_eq!(p1["decision_note"], "his wife pays");
    assert!(p1["decided_at"].ends_with("+07:00"), "{}", p1["decided_at"]);
    assert_eq!(status_of(&w, D1, "ORD-C1"), "resolved");
    let s1 = row(&rows, "order_id", "ORD-S1");
    assert_eq!(s1["status"], "matched");
    assert!(
        s1["reasons"].contains("written_off=10.00 THB bank_fee"),
        "{}",
        s1["reasons"]
    );
    // No undecided row changed.
    let after = statuses(&w, D1);
    for (id, status) in &before {
        if !["ORD-P1", "ORD-C1", "ORD-S1"].contains(&id.as_str()) {
            assert_eq!(&after[id], status, "{id} changed without a decision");
        }
    }
    // The decided cases left the exceptions.
    let exc = w.report(D1, "exceptions.csv");
    assert!(
        !exc.iter()
            .any(|r| ["ORD-P1", "ORD-C1", "ORD-S1"].contains(&r["id"].as_str()))
    );

    // The alias learned on the first day matches on the third, which the
    // decision re-ran (the days after a decided day are recomputed).
    let aliases = w.recon_ledger(&["aliases"]);
    assert!(
        String::from_utf8_lossy(&aliases.stdout).contains("Peter Evans <- Laura Evans"),
        "{}",
        text(&aliases)
    );
    let p3 = row(&w.report(D3, "reconciliation.csv"), "order_id", "ORD-P3").clone();
    assert_eq!(p3["status"], "matched", "{p3:?}");
    assert!(
        p3["reasons"].contains("payer_alias=2026-11-20"),
        "{}",
        p3["reasons"]
    );

    // On the command line: someone else's money is declined.
    assert_eq!(status_of(&w, D2, "ORD-N2"), "name_mismatch");
    let out = decide(&w, D2, &["decline", "ORD-N2", "--note", "not her account"]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    let n2 = row(&w.report(D2, "reconciliation.csv"), "order_id", "ORD-N2").clone();
    assert_ne!(n2["status"], "name_mismatch");
    assert_eq!(n2["statement_line"], "", "{n2:?}");
    let lines = w.report(D2, "statement.csv");
    let line = row(&lines, "statement_line", "kbank.csv:2");
    assert_eq!(line["status"], "statement_unmatched", "{line:?}");

    // A person links what no pass would: an order and a later payment
    // from a company account.
    assert_eq!(status_of(&w, D4, "ORD-L4"), "unpaid");
    let out = decide(&w, D4, &["link", "ORD-L4", "--with", "kbank.csv:2"]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    let l4 = row(&w.report(D4, "reconciliation.csv"), "order_id", "ORD-L4").clone();
    assert_eq!(l4["status"], "matched", "{l4:?}");
    assert!(
        l4["reasons"].contains("linked_by=decision"),
        "{}",
        l4["reasons"]
    );
    assert_eq!(l4["decision"], "link");
    let paid = row(
        &w.report(D4, "statement.csv"),
        "statement_line",
        "kbank.csv:2",
    )
    .clone();
    assert_eq!(
        (paid["status"].as_str(), paid["order_id"].as_str()),
        ("matched", "ORD-L4")
    );
    // A line that pays an order already is refused for another link.
    let out = decide(&w, D1, &["link", "ORD-C1", "--with", "kbank.csv:4"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("kbank.csv:4 already pays ORD-A1"),
        "{}",
        text(&out)
    );

    // A rerun and a cascade keep every decision; a decline stays declined.
    let decided = [D1, D2, D3, D4].map(|d| w.report_bytes(d));
    let out = w.recon(&["reconcile", "--day", D1, "--cascade"]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    for (d, bytes) in [D1, D2, D3, D4].iter().zip(&decided) {
        assert_eq!(&w.report_bytes(d), bytes, "{d} changed on a rerun");
    }

    // Reopen undoes: the case is matched again as if never decided, and
    // the alias its confirm taught is taken back.
    let out = decide(&w, D1, &["reopen", "ORD-P1"]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    assert_eq!(status_of(&w, D1, "ORD-P1"), "name_mismatch");
    assert_eq!(status_of(&w, D3, "ORD-P3"), "name_mismatch");
    assert!(!String::from_utf8_lossy(&w.recon_ledger(&["aliases"]).stdout).contains("Laura Evans"));

    // The day's inputs change under a decision: the write-off no longer
    // fits (the difference is 5 baht now) and waits for a person.
    let orders = w.root.join("data").join(D1).join("orders/orders.csv");
    let text_orders = fs::read_to_string(&orders).unwrap();
    fs::write(
        &orders,
        text_orders.replace(
            "ORD-S1,MR. Kitti Wong,1000.00",
            "ORD-S1,MR. Kitti Wong,995.00",
        ),
    )
    .unwrap();
    let out = w.recon(&["reconcile", "--day", D1, "--cascade"]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    let s1 = row(&w.report(D1, "reconciliation.csv"), "order_id", "ORD-S1").clone();
    assert_eq!(s1["status"], "amount_mismatch");
    assert!(
        s1["reasons"].contains("stale_decision=write_off by somchai"),
        "{}",
        s1["reasons"]
    );
    let exc = w.report(D1, "exceptions.csv");
    let stale = exception(&exc, "order", "ORD-S1");
    assert_eq!(
        stale["decision"], "write_off",
        "the waiting decision is shown: {stale:?}"
    );

    // Every decision is listed, and the chain verifies.
    let listed = w.recon_ledger(&["decisions"]);
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert_eq!(listed.lines().count(), 6, "{listed}");
    for word in [
        "confirm",
        "resolve",
        "write_off",
        "decline",
        "link",
        "reopen",
    ] {
        assert!(listed.contains(word), "{listed}");
    }
    let verify = w.recon(&["verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));

    // An edited decision is caught.
    let conn = rusqlite::Connection::open(w.root.join("ledger.sqlite")).unwrap();
    conn.execute_batch(
        "DROP TRIGGER IF EXISTS decisions_no_update;
         DROP TRIGGER IF EXISTS decisions_append_only_update;",
    )
    .unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'decisions'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in triggers {
        conn.execute_batch(&format!("DROP TRIGGER \"{t}\";"))
            .unwrap();
    }
    conn.execute("UPDATE decisions SET note = 'edited' WHERE id = 1", [])
        .unwrap();
    drop(conn);
    let verify = w.recon(&["verify"]);
    assert_eq!(verify.status.code(), Some(1), "{}", text(&verify));
    assert!(text(&verify).contains("decision 1"), "{}", text(&verify));
}

fn one_day() -> World {
    let w = World::new();
    w.order(D1, &PETER_1, true);
    w.money(D1, &PETER_1, "2026-11-20T10:05:00+07:00");
    w.order(D1, &CASH, false);
    short_payment(&w);
    w.run(D1);
    w
}

fn ledger_decisions(w: &World) -> usize {
    String::from_utf8_lossy(&w.recon_ledger(&["decisions"]).stdout)
        .lines()
        .count()
}

#[test]
fn a_malformed_decisions_file_changes_nothing_and_names_row_and_column() {
    let w = one_day();
    let reports = w.report_bytes(D1);
    let file = fill(
        &w,
        D1,
        &[
            ("ORD-P1", &[("decision", "confrim")]),
            ("ORD-C1", &[("decision", "resolve"), ("reason", "cash")]),
            (
                "ORD-S1",
                &[("decision", "write_off"), ("reason", "bank_fee")],
            ),
        ],
    );
    let out = decide(&w, D1, &[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("column decision") && err.contains("confrim"),
        "{err}"
    );
    assert!(err.contains("write_off_amount"), "{err}");
    assert!(err.contains("row "), "{err}");
    assert_eq!(ledger_decisions(&w), 0, "nothing recorded");
    assert_eq!(w.report_bytes(D1), reports, "reports untouched");

    // A decision that does not fit the day (write off more than the
    // difference) is refused the same way, naming the case.
    let file = fill(
        &w,
        D1,
        &[(
            "ORD-S1",
            &[
                ("decision", "write_off"),
                ("write_off_amount", "50.00"),
                ("reason", "bank_fee"),
            ],
        )],
    );
    let out = decide(&w, D1, &[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("larger than the difference 10.00 THB"),
        "{}",
        text(&out)
    );
    assert_eq!(ledger_decisions(&w), 0);
}

#[test]
fn a_crash_inside_recon_decide_leaves_no_half_applied_state() {
    let w = one_day();
    let reports = w.report_bytes(D1);
    let file = fill(
        &w,
        D1,
        &[
            ("ORD-P1", &[("decision", "confirm")]),
            ("ORD-C1", &[("decision", "resolve"), ("reason", "cash")]),
        ],
    );
    let out = w.recon_env(
        &[
            "decide",
            "--day",
            D1,
            "--by",
            "somchai",
            file.to_str().unwrap(),
        ],
        &[("RECON_TEST_ABORT_AT", "decisions_commit")],
    );
    assert!(
        !out.status.success(),
        "the process was to die: {}",
        text(&out)
    );
    assert_eq!(ledger_decisions(&w), 0, "none of the batch was recorded");
    assert_eq!(
        w.report_bytes(D1),
        reports,
        "the reports are the day's before"
    );

    // The same file again, without the crash, is applied whole.
    let out = decide(&w, D1, &[file.to_str().unwrap()]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    assert_eq!(ledger_decisions(&w), 2);
    assert_eq!(status_of(&w, D1, "ORD-P1"), "matched");
    assert_eq!(status_of(&w, D1, "ORD-C1"), "resolved");
}

#[test]
fn an_item_carried_past_the_look_back_is_reported_expired_once_then_let_go() {
    let w = World::new();
    let config = fs::read_to_string(w.root.join("job.toml")).unwrap();
    fs::write(
        w.root.join("job.toml"),
        config.replace("lookback_days = 45", "lookback_days = 2"),
    )
    .unwrap();
    w.order(D1, &CASH, false);
    for d in [D1, D2, D3, D4, D5] {
        w.run(d);
    }
    let on = |d: &str| {
        w.report(d, "reconciliation.csv")
            .into_iter()
            .find(|r| r["order_id"] == "ORD-C1")
    };
    assert!(on(D3).is_some_and(|r| !r["reasons"].contains("expired")));
    let d4 = on(D4).expect("reported on the day it expires");
    assert_eq!(d4["status"], "unpaid");
    assert!(d4["reasons"].contains("expired=3 days open"), "{d4:?}");
    assert!(on(D5).is_none(), "no longer carried after it expired");
}

/// Finance plays a generated day: for every order whose story a person
/// knows better than Recon can (a relative paid; a bank fee was taken; paid
/// in cash at the counter; a stranger's money beside a real slip), the
/// decision that person takes brings it where they say it belongs, and no
/// undecided row changes.
#[test]
fn finance_decides_a_generated_day() {
    let nightly = fs::read_to_string(common::workspace().join("jobs/nightly.toml")).unwrap();
    let w = World::with_config(&nightly);
    let day = "2026-11-03";
    let data = w.root.join("data");
    common::gen_day(&[
        "--day",
        day,
        "--orders",
        "300",
        "--seed",
        "5",
        "--out",
        data.to_str().unwrap(),
    ]);
    let out = w.recon(&["reconcile", "--day", day]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let planted: BTreeMap<String, String> =
        fs::read_to_string(data.join(day).join("expected/planted.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter_map(|l| {
                l.split_once(',')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
            })
            .collect();
    let orders = |w: &World| -> BTreeMap<String, BTreeMap<String, String>> {
        w.report(day, "reconciliation.csv")
            .into_iter()
            .map(|r| (r["order_id"].clone(), r))
            .collect()
    };
    let before = orders(&w);

    // What the person decides (the cells they fill in), and the status it
    // should bring the order to.
    type Plan<'a> = (String, Vec<(&'a str, String)>, &'a str);
    let mut plans: Vec<Plan> = Vec::new();
    for (id, row) in &before {
        let story = planted.get(id).map(String::as_str).unwrap_or("");
        let plan: Option<(Vec<(&str, String)>, &str)> = match (story, row["status"].as_str()) {
            ("paid_by_third_party" | "paid_by_other_payer_with_reference", "name_mismatch") => {
                Some((
                    vec![
                        ("decision", "confirm".into()),
                        ("note", "a relative paid".into()),
                    ],
                    "matched",
                ))
            }
            ("amount_mismatch", "amount_mismatch") => {
                let diff = row["reasons"]
                    .split("; ")
                    .find_map(|r| {
                        r.strip_prefix("short_by=")
                            .or_else(|| r.strip_prefix("over_by="))
                    })
                    .and_then(|d| d.split_once(' '))
                    .map(|(amount, _)| amount.to_string())
                    .unwrap_or_else(|| panic!("{id}: no difference in {}", row["reasons"]));
                Some((
                    vec![
                        ("decision", "write_off".into()),
                        ("write_off_amount", diff),
                        ("reason", "bank_fee".into()),
                    ],
                    "matched",
                ))
            }
            ("unpaid", "unpaid") => Some((
                vec![("decision", "resolve".into()), ("reason", "cash".into())],
                "resolved",
            )),
            ("name_mismatch", "name_mismatch") => {
                Some((vec![("decision", "decline".into())], "pending"))
            }
            _ => None,
        };
        if let Some((cells, want)) = plan {
            plans.push((id.clone(), cells, want));
        }
    }
    let kinds: std::collections::BTreeSet<&str> = plans
        .iter()
        .flat_map(|(_, cells, _)| {
            cells
                .iter()
                .filter(|(c, _)| *c == "decision")
                .map(|(_, v)| v.as_str())
        })
        .collect();
    assert_eq!(
        kinds.len(),
        4,
        "the day has cases for every decision: {kinds:?}"
    );

    // Fill exceptions.csv as finance would and hand it back.
    let cells: Vec<Vec<(&str, &str)>> = plans
        .iter()
        .map(|(_, cells, _)| cells.iter().map(|(c, v)| (*c, v.as_str())).collect())
        .collect();
    let fills: Vec<(&str, &[(&str, &str)])> = plans
        .iter()
        .zip(&cells)
        .map(|((id, _, _), c)| (id.as_str(), c.as_slice()))
        .collect();
    let file = fill(&w, day, &fills);
    let out = w.recon(&[
        "decide",
        "--day",
        day,
        "--by",
        "finance",
        file.to_str().unwrap(),
    ]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));

    let after = orders(&w);
    assert_eq!(after.len(), before.len());
    for (id, row) in &after {
        match plans.iter().find(|(d, _, _)| d == id) {
            Some((_, _, want)) => {
                assert_eq!(row["status"], *want, "{id}: {row:?}");
                assert_eq!(row["decided_by"], "finance", "{id}");
            }
            None => assert_eq!(
                row["status"], before[id]["status"],
                "{id} changed undecided"
            ),
        }
    }
}

#[test]
fn a_learned_alias_is_listed_and_can_be_taken_back() {
    let w = one_day();
    let out = decide(&w, D1, &["confirm", "ORD-P1", "--note", "his wife"]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    let listed = String::from_utf8_lossy(&w.recon_ledger(&["aliases"]).stdout).to_string();
    assert_eq!(
        listed.trim(),
        "Peter Evans <- Laura Evans (since 2026-11-20)"
    );
    let out = w.recon_ledger(&[
        "aliases",
        "--remove",
        "Peter Evans",
        "Laura Evans",
        "--by",
        "nok",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&w.recon_ledger(&["aliases"]).stdout).trim(),
        ""
    );
    let again = w.recon_ledger(&["aliases", "--remove", "Peter Evans", "Laura Evans"]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("no alias"), "{}", text(&again));
}

/// The workbook round trip: finance opens `reconciliation.xlsx`, types the
/// decisions into its Exceptions sheet, saves it, and hands it back.
#[test]
fn decisions_typed_into_the_workbook_are_applied() {
    use calamine::{Data, Reader, open_workbook_auto};
    let w = one_day();
    let book = w.root.join("reports").join(D1).join("reconciliation.xlsx");
    let mut wb = open_workbook_auto(&book).unwrap();
    let sheet = wb.worksheet_range("Exceptions").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let header = &rows[0];
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name("Exceptions").unwrap();
    let mut filled = 0;
    for (i, r) in rows.iter().enumerate() {
        let mut cells = r.clone();
        if i > 0 && cells[col("id")] == "ORD-S1" {
            cells[col("decision")] = "Write Off".into();
            cells[col("reason")] = "Bank Fee".into();
            cells[col("note")] = "ค่าธรรมเนียม".into();
            filled += 1;
        }
        if i > 0 && cells[col("id")] == "ORD-C1" {
            cells[col("decision")] = "resolve".into();
            cells[col("reason")] = "cash".into();
            filled += 1;
        }
        for (j, c) in cells.iter().enumerate() {
            ws.write_string(i as u32, j as u16, c).unwrap();
        }
        // Excel keeps a typed amount as a number.
        if i > 0 && r[col("id")] == "ORD-S1" {
            ws.write_number(i as u32, col("write_off_amount") as u16, 10.0)
                .unwrap();
        }
    }
    assert_eq!(filled, 2);
    let handed_back = w.root.join("decided.xlsx");
    out.save(&handed_back).unwrap();
    let out = decide(&w, D1, &[handed_back.to_str().unwrap()]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    let rows = w.report(D1, "reconciliation.csv");
    let s1 = row(&rows, "order_id", "ORD-S1");
    assert_eq!(s1["status"], "matched");
    assert!(
        s1["reasons"].contains("written_off=10.00 THB bank_fee"),
        "{}",
        s1["reasons"]
    );
    assert_eq!(s1["decision_note"], "ค่าธรรมเนียม");
    assert_eq!(status_of(&w, D1, "ORD-C1"), "resolved");
}
