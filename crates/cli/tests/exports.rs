//! Exports to the books, through the real `recon` binary: a day with a
//! clean payment booked after midnight local time (before midnight UTC), a
//! split payment, a short payment written off by a person, money without
//! an order and money going out. Every export file is read back with a CSV
//! reader and checked against the day's own `statement.csv` and
//! `reconciliation.csv` to the satang; `recon export` gives the files the
//! run wrote byte for byte; the run records them in its manifest, so that
//! `recon verify` notices one edited.

mod common;

use std::collections::BTreeMap;
use std::fs;

use common::world::{CONFIG, Payment, World, row, slip_json};
use common::{read_csv, text};

const DAY: &str = "2026-11-21";

/// Paid at 00:40 Bangkok time: 17:40 UTC the day before. The books must
/// get the 21st.
const AFTER_MIDNIGHT: Payment = Payment {
    order: "ORD-E1",
    name: "MR. Anan Boonmee",
    thb: "2500.00",
    ordered_at: "2026-11-21T00:30:00+07:00",
    paid_at: "2026-11-21T00:39:00+07:00",
    trans_ref: "016325003901ATF00001",
    payer: "",
};
/// Paid 10 baht short: the bank's fee, finance decides.
const SHORT: Payment = Payment {
    order: "ORD-E2",
    name: "นาง วิไล ศรีสุข",
    thb: "1000.00",
    ordered_at: "2026-11-21T12:00:00+07:00",
    paid_at: "2026-11-21T12:05:00+07:00",
    trans_ref: "016325120501ATF00002",
    payer: "",
};
/// Money nobody ordered for: stays out of the books' files.
const STRANGER: Payment = Payment {
    order: "",
    name: "MR. Nobody Known",
    thb: "321.00",
    ordered_at: "",
    paid_at: "",
    trans_ref: "",
    payer: "",
};

fn config() -> String {
    let mut c = CONFIG.to_string();
    for f in ["xero", "qbo", "odoo", "journal"] {
        c.push_str(&format!("\n[[export]]\nformat = \"{f}\"\n"));
    }
    c
}

fn day() -> World {
    let w = World::with_config(&config());
    w.order(DAY, &AFTER_MIDNIGHT, true);
    w.money(DAY, &AFTER_MIDNIGHT, "2026-11-20T17:40:00+00:00");
    w.order(DAY, &SHORT, true);
    let paid = Payment {
        thb: "990.00",
        ..SHORT
    };
    let slip = w.day_dir(DAY).join("slips").join("ORD-E2.json");
    fs::write(slip, slip_json(&paid)).unwrap();
    w.money(DAY, &paid, "2026-11-21T12:06:00+07:00");
    w.money(DAY, &STRANGER, "2026-11-21T15:00:00+07:00");
    // Money going out (a refund): never a payment of an order.
    let out = Payment {
        thb: "-150.00",
        ..STRANGER
    };
    w.money(DAY, &out, "2026-11-21T16:00:00+07:00");
    w.run(DAY);
    w
}

/// What the books must get: the day's matched money-in lines from
/// `statement.csv`, by amount and order id, with their booking date in
/// Bangkok.
fn expected(w: &World) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = w
        .report(DAY, "statement.csv")
        .into_iter()
        .filter(|r| r["status"] == "matched" && !r["order_id"].is_empty())
        .filter(|r| !r["amount"].starts_with('-'))
        .map(|r| {
            let at = chrono::DateTime::parse_from_rfc3339(&r["booked_at"]).unwrap();
            let local = at.with_timezone(&chrono_tz::Asia::Bangkok).date_naive();
            (
                local.to_string(),
                r["amount"].clone(),
                r["order_id"].clone(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn export_rows(w: &World, file: &str) -> Vec<BTreeMap<String, String>> {
    let path = w.root.join("reports").join(DAY).join(file);
    let bytes = fs::read(&path).unwrap();
    assert!(
        !bytes.starts_with(b"\xEF\xBB\xBF") || file == "export-journal.csv",
        "{file}: a books' import has no BOM"
    );
    read_csv(&path)
}

/// `dd/mm/yyyy` → ISO.
fn iso(dmy: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(dmy, "%d/%m/%Y").unwrap();
    d.to_string()
}

#[test]
fn the_books_get_every_matched_payment_exactly_and_nothing_else() {
    let w = day();
    let recon = w.report(DAY, "reconciliation.csv");
    assert_eq!(row(&recon, "order_id", "ORD-E1")["status"], "matched");
    assert_eq!(
        row(&recon, "order_id", "ORD-E2")["status"],
        "amount_mismatch"
    );
    let want = expected(&w);
    assert_eq!(want.len(), 1, "only ORD-E1 is matched before the decision");
    assert_eq!(
        want[0].0, DAY,
        "booked 17:40 UTC on the 20th is the 21st in Bangkok"
    );

    let check = |w: &World, want: &[(String, String, String)]| {
        let mut xero: Vec<_> = export_rows(w, "export-xero-THB.csv")
            .into_iter()
            .map(|r| (iso(&r["Date"]), r["Amount"].clone(), r["Reference"].clone()))
            .collect();
        xero.sort();
        assert_eq!(xero, want, "xero");
        let mut qbo: Vec<_> = export_rows(w, "export-qbo-THB.csv")
            .into_iter()
            .map(|r| (iso(&r["Date"]), r["Amount"].clone()))
            .collect();
        qbo.sort();
        let amounts: Vec<_> = want
            .iter()
            .map(|(d, a, _)| (d.clone(), a.clone()))
            .collect();
        assert_eq!(qbo, amounts, "qbo");
        let mut odoo: Vec<_> = export_rows(w, "export-odoo-THB.csv")
            .into_iter()
            .map(|r| {
                (
                    r["date"].clone(),
                    r["amount"].clone(),
                    r["payment_ref"].clone(),
                )
            })
            .collect();
        odoo.sort();
        assert_eq!(odoo, want, "odoo");
        let journal = export_rows(w, "export-journal.csv");
        let mut j: Vec<_> = journal
            .iter()
            .map(|r| {
                (
                    r["date"].clone(),
                    r["amount"].clone(),
                    r["order_ids"].clone(),
                )
            })
            .collect();
        j.sort();
        assert_eq!(j, want, "journal");
        journal
    };
    let journal = check(&w, &want);
    assert_eq!(journal[0]["orders_amount"], "2500.00");
    assert_eq!(journal[0]["write_off"], "");
    // A currency of our accounts without payments still gets its file, so
    // that an import job finds what it expects: here THB is the only one.
    let names: Vec<String> = w
        .report_bytes(DAY)
        .into_keys()
        .filter(|n| n.starts_with("export-"))
        .collect();
    assert_eq!(
        names,
        [
            "export-journal.csv",
            "export-odoo-THB.csv",
            "export-qbo-THB.csv",
            "export-xero-THB.csv"
        ]
    );

    // Finance writes the bank's 10 baht off: the payment goes to the books
    // with the money that arrived, and the journal says what was written off.
    let out = w.recon(&[
        "decide",
        "--day",
        DAY,
        "--by",
        "somchai",
        "write_off",
        "ORD-E2",
        "--amount",
        "10",
        "--reason",
        "bank_fee",
    ]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{}", text(&out));
    let want = expected(&w);
    assert_eq!(want.len(), 2, "{want:?}");
    let journal = check(&w, &want);
    let e2 = row(&journal, "order_ids", "ORD-E2");
    assert_eq!(e2["amount"], "990.00");
    assert_eq!(e2["orders_amount"], "1000.00");
    assert_eq!(e2["write_off"], "10.00");
    assert_eq!(e2["write_off_reason"], "bank_fee");
    assert_eq!(e2["decided_by"], "somchai");
    assert_eq!(e2["currency"], "THB");
    let xero = export_rows(&w, "export-xero-THB.csv");
    let e2 = row(&xero, "Reference", "ORD-E2");
    assert_eq!(e2["Amount"], "990.00");
    assert!(
        e2["Description"].contains("10.00 THB bank_fee written off"),
        "{e2:?}"
    );
    assert_eq!(e2["Payee"], "วิไล ศรีสุข");

    // `recon export` makes the same files from the ledger and the inputs.
    let to = w.root.join("books");
    for format in ["xero", "qbo", "odoo", "journal"] {
        let out = w.recon(&[
            "export",
            "--day",
            DAY,
            "--format",
            format,
            "--to",
            to.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let reports = w.report_bytes(DAY);
    let mut exported = 0;
    for entry in fs::read_dir(&to).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().into_string().unwrap();
        assert_eq!(
            fs::read(entry.path()).unwrap(),
            reports[&name],
            "{name}: recon export differs from the run's"
        );
        exported += 1;
    }
    assert_eq!(exported, 4);

    // The run recorded them: verify passes, and notices an edited one.
    let out = w.recon(&["verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let xero = w.root.join("reports").join(DAY).join("export-xero-THB.csv");
    let edited = fs::read_to_string(&xero)
        .unwrap()
        .replace("990.00", "999.00");
    fs::write(&xero, edited).unwrap();
    let out = w.recon(&["verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("export-xero-THB.csv differs"),
        "{}",
        text(&out)
    );
}

#[test]
fn exporting_a_day_never_run_or_an_unknown_format_is_a_clear_failure() {
    let w = World::with_config(&config());
    let out = w.recon(&["export", "--day", DAY, "--format", "xero"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("has not been reconciled"),
        "{}",
        text(&out)
    );
    let out = w.recon(&["export", "--day", DAY, "--format", "peak"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("one of xero, qbo, odoo, journal"),
        "{}",
        text(&out)
    );
    // A typo in the job config names the key instead of exporting nothing.
    let w = World::with_config(&format!("{CONFIG}\n[[export]]\nformat = \"xer0\"\n"));
    let out = w.recon(&["reconcile", "--day", DAY]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("xer0"), "{}", text(&out));
}
