//! Days are not islands: the reports of a day that carries items of
//! earlier days. The breaks come from the real
//! `recon_core::carry::breaks` over an open set; the reports pair them with
//! their rows and show ages, lifecycles and what closed a break.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{
    DAY, EVIL_ORDER_ID, LATE_ORDER, LATE_SLIP, OLD_LINE, OLD_ORDER, PAID_LINE, UNPAID_ORDER,
    WAITING_SLIP, carried_fixture,
};
use recon_core::{Break, Lifecycle, Status};
use recon_report::{
    DayRecords, REPORT_FILES, ReportInput, day_summary, render_day_reports, write_day_reports_with,
};

const EXCEPTIONS_HEADER: [&str; 22] = [
    "kind",
    "id",
    "status",
    "amount",
    "currency",
    "reasons",
    "name",
    "related",
    "at",
    "origin_day",
    "lifecycle",
    "first_seen",
    "age_days",
    "age_bucket",
    "resolved_by",
    "decision",
    "with",
    "write_off_amount",
    "reason",
    "note",
    "decided_by",
    "decided_at",
];

fn write(root: &Path) -> std::path::PathBuf {
    let f = carried_fixture();
    write_day_reports_with(root, &f.input(), &f.records()).unwrap();
    root.join(DAY)
}

/// A CSV report as a header and records keyed by the first two columns.
fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    let mut r = csv::Reader::from_reader(body);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(Result::unwrap).collect();
    (header, rows)
}

/// Open cases of the carried fixture (`recon_core::open_cases`).
const CASES_OPEN: u64 = 10;

fn field<'a>(header: &[String], row: &'a csv::StringRecord, name: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    &row[i]
}

#[test]
fn the_fixture_breaks_are_what_the_lifecycle_says() {
    // Guards the fixture itself: the tests below rely on these breaks.
    let f = carried_fixture();
    let life: BTreeMap<&str, (Lifecycle, u32)> = f
        .breaks
        .iter()
        .map(|b| (b.key.as_str(), (b.lifecycle, b.age_days)))
        .collect();
    assert_eq!(life[LATE_ORDER], (Lifecycle::Resolved, 1));
    assert_eq!(life[LATE_SLIP], (Lifecycle::Resolved, 1));
    assert_eq!(life[PAID_LINE], (Lifecycle::Resolved, 1));
    assert_eq!(life[WAITING_SLIP], (Lifecycle::Persisting, 1));
    assert_eq!(life[OLD_LINE], (Lifecycle::Persisting, 2));
    assert_eq!(life[UNPAID_ORDER], (Lifecycle::Persisting, 9));
    assert_eq!(life[OLD_ORDER], (Lifecycle::Persisting, 42));
    assert_eq!(life["2026-11-21/orders.csv:3"], (Lifecycle::New, 0));
    // The money-out line (kbank.csv:11) is no break.
    assert_eq!(f.breaks.len(), 10 + 4 + 3);
    assert!(!life.contains_key("2026-11-21/kbank.csv:11"));
}

#[test]
fn exceptions_csv_lists_open_rows_then_resolved_ones_with_their_life() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path());
    let (header, rows) = read_csv(&dir.join("exceptions.csv"));
    assert_eq!(header, EXCEPTIONS_HEADER);
    assert_eq!(rows.len(), 14 + 3, "14 open exceptions, 3 resolved today");
    // Money going out is no exception row; it stays in statement.csv.
    assert!(
        rows.iter()
            .all(|r| field(&header, r, "id") != "kbank.csv:11"),
        "the money-out line is not an exception"
    );
    let (sh, lines) = read_csv(&dir.join("statement.csv"));
    let out = lines
        .iter()
        .find(|r| field(&sh, r, "statement_line") == "kbank.csv:11")
        .expect("the money-out line is in statement.csv");
    assert_eq!(field(&sh, out, "status"), "statement_unmatched");
    assert_eq!(field(&sh, out, "reasons"), "money_out");

    // Open rows first (the earlier layout's rows stay on top), resolved last.
    let lifecycles: Vec<&str> = rows
        .iter()
        .map(|r| field(&header, r, "lifecycle"))
        .collect();
    assert!(
        lifecycles[..14].iter().all(|l| *l != "resolved"),
        "{lifecycles:?}"
    );
    assert!(
        lifecycles[14..].iter().all(|l| *l == "resolved"),
        "{lifecycles:?}"
    );
    assert_eq!(lifecycles.iter().filter(|l| **l == "new").count(), 10);
    assert_eq!(lifecycles.iter().filter(|l| **l == "persisting").count(), 4);

    let by_id = |id: &str| {
        rows.iter()
            .find(|r| &r[1] == id)
            .unwrap_or_else(|| panic!("no exception row {id}"))
    };
    let expect = |id: &str, cols: [&str; 7]| {
        let r = by_id(id);
        let got: Vec<&str> = [
            "status",
            "origin_day",
            "lifecycle",
            "first_seen",
            "age_days",
            "age_bucket",
            "resolved_by",
        ]
        .iter()
        .map(|c| field(&header, r, c))
        .collect();
        assert_eq!(got, cols, "{id}");
    };
    // Persisting, in every bucket, and their first sighting kept.
    expect(
        "A-0702",
        [
            "amount_mismatch",
            "2026-10-10",
            "persisting",
            "2026-10-10",
            "42",
            ">30",
            "",
        ],
    );
    expect(
        "A-0803",
        [
            "unpaid",
            "2026-11-12",
            "persisting",
            "2026-11-12",
            "9",
            "8-30",
            "",
        ],
    );
    expect(
        OLD_LINE,
        [
            "statement_unmatched",
            "2026-11-19",
            "persisting",
            "2026-11-19",
            "2",
            "2-7",
            "",
        ],
    );
    expect(
        WAITING_SLIP,
        [
            "pending",
            "2026-11-20",
            "persisting",
            "2026-11-20",
            "1",
            "0-1",
            "",
        ],
    );
    // Today's own exception: new, age 0.
    expect(
        "A-1002",
        ["amount_mismatch", DAY, "new", DAY, "0", "0-1", ""],
    );
    // Resolved today: status matched, what closed it. An order id that
    // looks like a formula is defused in resolved_by as anywhere else.
    expect(
        "A-0905",
        [
            "matched",
            "2026-11-20",
            "resolved",
            "2026-11-20",
            "1",
            "0-1",
            "2026-11-20/late.png|kbank.csv:12",
        ],
    );
    expect(
        LATE_SLIP,
        [
            "matched",
            "2026-11-20",
            "resolved",
            "2026-11-20",
            "1",
            "0-1",
            "kbank.csv:12|A-0905",
        ],
    );
    expect(
        PAID_LINE,
        [
            "matched",
            "2026-11-20",
            "resolved",
            "2026-11-20",
            "1",
            "0-1",
            &format!("'{EVIL_ORDER_ID}"),
        ],
    );
    // The joins found the carried records under their carried names.
    assert_eq!(
        field(&header, by_id("A-0905"), "at"),
        "2026-11-20T23:50:00+07:00"
    );
    assert_eq!(
        field(&header, by_id(OLD_LINE), "at"),
        "2026-11-19T16:45:00+07:00"
    );
    assert_eq!(
        field(&header, by_id(LATE_SLIP), "at"),
        "2026-11-20T23:55:00+07:00"
    );
    assert_eq!(field(&header, by_id(LATE_SLIP), "name"), "นาง มาลี ศรีสุข");
    assert_eq!(field(&header, by_id(OLD_LINE), "name"), "'+66 SOMEONE");
    // A matched row that closed nothing (today's own) is not listed.
    assert!(
        !rows
            .iter()
            .any(|r| &r[1] == "A-1001" || &r[1] == EVIL_ORDER_ID)
    );

    let text = String::from_utf8(fs::read(dir.join("exceptions.csv")).unwrap()).unwrap();
    let text = text.trim_start_matches('\u{FEFF}').replace("\r\n", "\n");
    insta::assert_snapshot!("carried_exceptions_csv", text);
}

#[test]
fn carried_orders_and_lines_show_their_origin_day_and_their_times() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path());

    let (header, rows) = read_csv(&dir.join("reconciliation.csv"));
    // The contract's leading columns unchanged; origin_day, then the
    // decision standing on the order.
    assert_eq!(
        header[..12],
        [
            "order_id",
            "status",
            "slip",
            "statement_line",
            "expected_amount",
            "paid_amount",
            "currency",
            "name_score",
            "reasons",
            "customer_name",
            "ordered_at",
            "source",
        ]
    );
    assert_eq!(
        header[12..],
        [
            "origin_day",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note"
        ]
    );
    assert_eq!(rows.len(), 10);
    let row = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap();
    let cols = |id: &str| {
        let r = row(id);
        [
            field(&header, r, "status"),
            field(&header, r, "source"),
            field(&header, r, "ordered_at"),
            field(&header, r, "origin_day"),
        ]
    };
    assert_eq!(
        cols("A-0905"),
        [
            "matched",
            LATE_ORDER,
            "2026-11-20T23:50:00+07:00",
            "2026-11-20"
        ]
    );
    assert_eq!(
        cols("A-0702"),
        [
            "amount_mismatch",
            OLD_ORDER,
            "2026-10-10T11:00:00+07:00",
            "2026-10-10"
        ]
    );
    assert_eq!(field(&header, row("A-0905"), "slip"), LATE_SLIP);
    assert_eq!(
        field(&header, row("A-0702"), "statement_line"),
        "2026-10-10/aba-usd.csv:9"
    );
    assert_eq!(
        cols("A-1001"),
        ["matched", "orders.csv:2", "2026-11-21T09:10:00+07:00", DAY]
    );
    // An order id that looks like a formula stays inert.
    assert_eq!(
        cols(&format!("'{EVIL_ORDER_ID}")),
        ["matched", "orders.csv:8", "2026-11-21T08:30:00+07:00", DAY]
    );

    let (header, rows) = read_csv(&dir.join("statement.csv"));
    assert_eq!(
        header[..6],
        [
            "statement_line",
            "status",
            "order_id",
            "amount",
            "currency",
            "counterparty_name",
        ]
    );
    assert_eq!(
        header[9..],
        [
            "origin_day",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note"
        ]
    );
    let line = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap();
    assert_eq!(
        field(&header, line(OLD_LINE), "booked_at"),
        "2026-11-19T16:45:00+07:00"
    );
    assert_eq!(field(&header, line(OLD_LINE), "origin_day"), "2026-11-19");
    assert_eq!(field(&header, line(PAID_LINE), "origin_day"), "2026-11-20");
    assert_eq!(
        field(&header, line("kbank.csv:12"), "booked_at"),
        "2026-11-21T00:03:00+07:00"
    );
    assert_eq!(field(&header, line("kbank.csv:12"), "origin_day"), DAY);
}

#[test]
fn summary_json_counts_the_lifecycle_and_open_exceptions_by_age() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path());
    let text = fs::read_to_string(dir.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // Existing totals keep their meaning: all rows of the run.
    assert_eq!(v["orders"]["total"], 10);
    assert_eq!(v["orders_of_day"], 7);
    assert_eq!(v["exceptions"]["total"], 14, "open exception rows only");
    assert_eq!(v["money_out"]["lines"], 1);
    // One count of cases: a problem touching an order, its slip and its
    // line is one case.
    assert_eq!(v["cases"]["open"], CASES_OPEN);
    assert_eq!(v["needs_review"], true);
    let by_status = v["cases"]["by_status"].as_object().unwrap();
    assert_eq!(
        by_status.values().map(|n| n.as_u64().unwrap()).sum::<u64>(),
        CASES_OPEN
    );
    assert!(by_status.contains_key("unpaid") && !by_status.contains_key("matched"));
    assert_eq!(v["exceptions"]["by_kind"]["order"], 6);
    assert!(v["exceptions"]["by_status"].get("matched").is_none());
    let b = &v["breaks"];
    assert_eq!(
        (b["new"].as_u64(), b["persisting"].as_u64()),
        (Some(10), Some(4))
    );
    assert_eq!(
        (b["resolved"].as_u64(), b["open"].as_u64()),
        (Some(3), Some(14))
    );
    assert_eq!(
        b["open_by_age"],
        serde_json::json!({"0-1": 11, "2-7": 1, "8-30": 1, ">30": 1})
    );
    let k = &b["open_by_age_and_kind"];
    assert_eq!(k["0-1"]["slip"]["count"], 4);
    assert_eq!(k["0-1"]["slip"]["amounts"]["THB"], "3900.00");
    assert_eq!(k["2-7"]["statement_line"]["count"], 1);
    assert_eq!(k["2-7"]["statement_line"]["amounts"]["THB"], "450.00");
    assert_eq!(k["8-30"]["order"]["amounts"]["THB"], "1200.00");
    assert_eq!(k[">30"]["order"]["amounts"]["USD"], "10.00");
    assert_eq!(k[">30"]["slip"]["count"], 0);
    // The money-out line is no exception row: neither counted nor summed.
    assert_eq!(k["0-1"]["statement_line"]["count"], 3);
    assert_eq!(k["0-1"]["statement_line"]["amounts"]["THB"], "2650.00");

    let f = carried_fixture();
    let again = day_summary(&f.input()).to_json().unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), text);
    insta::assert_snapshot!("carried_summary_json", text);
}

#[test]
fn rows_without_a_break_are_new_and_aged_from_their_origin_day() {
    let f = carried_fixture();
    let input = ReportInput {
        breaks: &[],
        ..f.input()
    };
    let files = render_day_reports(&input, &f.records()).unwrap();
    let csv = &files
        .iter()
        .find(|(n, _)| *n == "exceptions.csv")
        .unwrap()
        .1;
    let mut r = csv::Reader::from_reader(&csv[3..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 14, "no break: nothing resolved to list");
    let old = rows.iter().find(|r| &r[1] == "A-0702").unwrap();
    assert_eq!(
        [
            field(&header, old, "origin_day"),
            field(&header, old, "lifecycle"),
            field(&header, old, "first_seen"),
            field(&header, old, "age_days"),
            field(&header, old, "age_bucket"),
        ],
        ["2026-10-10", "new", DAY, "42", ">30"]
    );
    let summary = day_summary(&input);
    assert_eq!(
        (
            summary.breaks.new,
            summary.breaks.persisting,
            summary.breaks.resolved
        ),
        (14, 0, 0)
    );
    assert_eq!(summary.breaks.open_by_age[">30"], 1);
}

#[test]
fn breaks_pair_by_key_whatever_their_order_and_output_is_byte_identical() {
    let f = carried_fixture();
    let a = render_day_reports(&f.input(), &f.records()).unwrap();
    let mut shuffled: Vec<Break> = f.breaks.clone();
    shuffled.reverse();
    shuffled.rotate_left(5);
    let input = ReportInput {
        breaks: &shuffled,
        ..f.input()
    };
    let b = render_day_reports(&input, &f.records()).unwrap();
    assert_eq!(a.len(), REPORT_FILES.len());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert_eq!(x, y, "{name}");
    }
}

#[test]
fn a_break_with_no_row_is_still_listed() {
    let mut f = carried_fixture();
    // The caller's open set names an item its result does not have.
    f.breaks.push(Break {
        kind: recon_core::ItemKind::Slip,
        key: "2026-11-01/lost.png".into(),
        origin_day: "2026-11-01".parse().unwrap(),
        first_seen: "2026-11-01".parse().unwrap(),
        status: Status::Pending,
        lifecycle: Lifecycle::Persisting,
        age_days: 20,
        resolved_by: None,
    });
    let files = render_day_reports(&f.input(), &DayRecords::default()).unwrap();
    let csv = String::from_utf8(
        files
            .iter()
            .find(|(n, _)| *n == "exceptions.csv")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(
        csv.contains(
            "slip,2026-11-01/lost.png,pending,,,,,,,2026-11-01,persisting,2026-11-01,20,8-30,,,,,,,,\r\n"
        ),
        "{csv}"
    );
    assert_eq!(day_summary(&f.input()).breaks.open_by_age["8-30"], 2);
}

fn cell<'a>(row: &'a [Data], header: &[String], name: &str) -> &'a Data {
    let i = header.iter().position(|h| h == name).unwrap();
    &row[i]
}

#[test]
fn the_workbook_has_the_break_columns_typed_and_the_summary_by_age() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path());
    let mut wb: Xlsx<_> = open_workbook(dir.join("reconciliation.xlsx")).unwrap();

    let exc = wb.worksheet_range("Exceptions").unwrap();
    let header: Vec<String> = exc
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header, EXCEPTIONS_HEADER);
    assert_eq!(exc.height(), 1 + 17);
    let row = |id: &str| {
        exc.rows()
            .find(|r| matches!(&r[1], Data::String(s) if s == id))
            .unwrap_or_else(|| panic!("no row {id}"))
    };
    let date = |d: &Data| match d {
        Data::DateTime(dt) => {
            assert!(!dt.is_duration(), "{d:?}");
            // A whole day: no time of day in a date cell.
            assert_eq!(dt.as_f64().fract(), 0.0, "{d:?}");
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            (epoch + chrono::Days::new(dt.as_f64() as u64)).to_string()
        }
        other => panic!("not a date cell: {other:?}"),
    };
    let old = row("A-0702");
    assert_eq!(date(cell(old, &header, "origin_day")), "2026-10-10");
    assert_eq!(date(cell(old, &header, "first_seen")), "2026-10-10");
    assert_eq!(cell(old, &header, "age_days"), &Data::Float(42.0));
    assert_eq!(
        cell(old, &header, "age_bucket"),
        &Data::String(">30".into())
    );
    assert_eq!(
        cell(old, &header, "lifecycle"),
        &Data::String("persisting".into())
    );
    let paid = row(PAID_LINE);
    assert_eq!(
        cell(paid, &header, "status"),
        &Data::String("matched".into())
    );
    // A formula-looking resolved_by is a plain string cell.
    assert_eq!(
        cell(paid, &header, "resolved_by"),
        &Data::String(EVIL_ORDER_ID.into())
    );
    assert!(
        wb.worksheet_formula("Exceptions")
            .unwrap()
            .cells()
            .all(|(_, _, f)| f.is_empty())
    );

    let rec = wb.worksheet_range("Reconciliation").unwrap();
    let rh: Vec<String> = rec
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        rh[rh.len() - 5..],
        [
            "origin_day",
            "decision",
            "decided_by",
            "decided_at",
            "decision_note"
        ]
    );
    let unpaid = rec
        .rows()
        .find(|r| r[0] == Data::String("A-0803".into()))
        .unwrap();
    assert_eq!(date(cell(unpaid, &rh, "origin_day")), "2026-11-12");

    let sum = wb.worksheet_range("Summary").unwrap();
    let label = |l: &str| {
        sum.rows()
            .find(|r| r[0] == Data::String(l.into()))
            .unwrap_or_else(|| panic!("no {l} row"))
            .to_vec()
    };
    assert_eq!(label("Orders of the day")[1], Data::Float(7.0));
    assert_eq!(
        label("Exception rows (a case may be several)")[1],
        Data::Float(14.0)
    );
    assert_eq!(label("Cases to review")[1], Data::Float(CASES_OPEN as f64));
    assert_eq!(label("New today")[1], Data::Float(10.0));
    assert_eq!(label("Persisting from earlier days")[1], Data::Float(4.0));
    assert_eq!(label("Resolved today")[1], Data::Float(3.0));
    // Per bucket: open, orders, statement lines, slips.
    let counts = |l: &str| -> Vec<f64> {
        let r = sum
            .rows()
            .find(|r| r[0] == Data::String(l.into()) && matches!(r[1], Data::Float(_)))
            .unwrap_or_else(|| panic!("no bucket {l}"));
        r[1..5]
            .iter()
            .map(|c| match c {
                Data::Float(n) => *n,
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(counts("0-1"), [11.0, 4.0, 3.0, 4.0]);
    assert_eq!(counts("2-7"), [1.0, 0.0, 1.0, 0.0]);
    assert_eq!(counts("8-30"), [1.0, 1.0, 0.0, 0.0]);
    assert_eq!(counts(">30"), [1.0, 1.0, 0.0, 0.0]);
    // Per bucket, kind and currency, with the amount a number.
    let usd = sum
        .rows()
        .find(|r| {
            r[0] == Data::String(">30".into())
                && r[1] == Data::String("order".into())
                && r[2] == Data::String("USD".into())
        })
        .expect(">30 / order / USD tally");
    assert_eq!(usd[3], Data::Float(1.0));
    assert_eq!(usd[4], Data::Float(10.0));
}

#[test]
fn the_page_shows_open_exceptions_by_age_and_what_was_resolved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(tmp.path());
    let html = fs::read_to_string(dir.join("summary.html")).unwrap();
    // For a person reviewing a change to the page: keep it.
    if let Some(keep) = std::env::var_os("RECON_REPORT_KEEP_PAGE") {
        fs::write(keep, &html).unwrap();
    }
    for banned in ["<script", "<link", " src=", " href=", "url("] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.contains("<h2>Open exception rows by age</h2>"));
    let table = html
        .split("<table id=\"open-by-age\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("by-age table");
    let row = |label: &str| {
        table
            .split("<tr>")
            .find(|r| r.starts_with(&format!("<td data-label=\"Age (days)\">{label}</td>")))
            .unwrap_or_else(|| panic!("no row {label}: {table}"))
    };
    assert!(
        row("0-1").contains(
            "<td class=\"n\" data-label=\"Open\">11</td><td class=\"n\" data-label=\"Orders\">4</td>"
        ),
        "{table}"
    );
    assert!(row("8-30").contains("1,200.00 THB"), "{table}");
    assert!(row("&gt;30").contains("10.00 USD"), "{table}");
    assert!(row("2-7").contains("450.00 THB"), "{table}");
    // The bar chart: four bars, one per bucket.
    let chart = html
        .split("id=\"chart-age\"")
        .nth(1)
        .and_then(|c| c.split("</svg>").next())
        .expect("age chart");
    assert_eq!(chart.matches("class=\"age-bar\"").count(), 4);
    assert!(html.contains("new 10 · persisting 4 · resolved today 3"));
    assert!(html.contains("<h2>Exception rows (14)</h2>"));
    assert!(html.contains("<h2>Resolved today (3)</h2>"));
    let resolved = html
        .split("<table id=\"resolved\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap();
    assert!(
        resolved.contains("2026-11-20/late.png|kbank.csv:12"),
        "{resolved}"
    );
    assert!(
        resolved.contains(EVIL_ORDER_ID),
        "the page shows text as it is"
    );
}
