//! The reports of a day on which people decided: the decision columns of
//! the CSVs and sheets read back, the decision figures of summary.json and
//! the Summary sheet, the page's badges (escaped), and a day without
//! decisions whose new columns are empty.

mod common;

use std::fs;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::{
    DAY, NOK, SCRIPT_NOTE, SOMCHAI, carried_fixture, decided_at, decided_fixture, decision,
    fixture, libreoffice_sheets,
};
use recon_core::{CaseRef, DayDecisions, DecisionKind, ItemKind, Status};
use recon_report::{REPORT_FILES, day_summary, render_day_reports, write_day_reports_with};

const RECONCILIATION_DECIDED: [&str; 4] = ["decision", "decided_by", "decided_at", "decision_note"];
const EXCEPTIONS_DECIDED: [&str; 7] = [
    "decision",
    "with",
    "write_off_amount",
    "reason",
    "note",
    "decided_by",
    "decided_at",
];

fn write(f: &common::Fixture, root: &Path) -> std::path::PathBuf {
    write_day_reports_with(root, &f.input(), &f.records()).unwrap();
    root.join(DAY)
}

/// A CSV report as its header and records (BOM checked and dropped).
fn read_csv(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = fs::read(path).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    let mut r = csv::Reader::from_reader(body);
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(Result::unwrap).collect();
    (header, rows)
}

/// The last `n` cells of the row whose column `key` (by position) is `id`.
fn tail(rows: &[csv::StringRecord], key: usize, id: &str, n: usize) -> Vec<String> {
    let row = rows
        .iter()
        .find(|r| &r[key] == id)
        .unwrap_or_else(|| panic!("no row {id}"));
    row.iter().skip(row.len() - n).map(String::from).collect()
}

fn exception<'r>(
    rows: &'r [csv::StringRecord],
    kind: &str,
    id: &str,
) -> Option<&'r csv::StringRecord> {
    rows.iter().find(|r| &r[0] == kind && &r[1] == id)
}

#[test]
fn reconciliation_and_statement_csv_show_the_decision_standing_on_each_row() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(&decided_fixture(), tmp.path());

    let (header, rows) = read_csv(&dir.join("reconciliation.csv"));
    assert_eq!(header[header.len() - 4..], RECONCILIATION_DECIDED);
    assert_eq!(header[header.len() - 5], "origin_day");
    assert_eq!(rows.len(), 11);
    let status = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap()[1].to_string();
    let decided = |id: &str| tail(&rows, 0, id, 4);
    assert_eq!(decided("A-1001"), ["", "", "", ""], "matched automatically");
    assert_eq!(
        decided("A-1002"),
        ["write_off", NOK, "2026-11-22T09:00:00+07:00", ""]
    );
    assert_eq!(status("A-1003"), "resolved");
    assert_eq!(
        decided("A-1003"),
        [
            "resolve",
            SOMCHAI,
            "2026-11-22T09:10:00+07:00",
            "paid at the counter"
        ]
    );
    // The stale decisions on A-1004 are not applied: nothing stands on it.
    assert_eq!(decided("A-1004"), ["", "", "", ""]);
    assert_eq!(
        decided("A-1005"),
        ["link", NOK, "2026-11-22T09:15:00+07:00", ""]
    );
    assert_eq!(
        decided("A-1006"),
        ["confirm", SOMCHAI, "2026-11-22T09:20:00+07:00", SCRIPT_NOTE]
    );
    // Recorded in UTC: the time keeps its own offset.
    assert_eq!(
        decided("A-1008"),
        ["write_off", NOK, "2026-11-22T02:30:00+00:00", ""]
    );
    assert_eq!(decided("A-1009"), ["", "", "", ""]);
    assert_eq!(
        decided("A-1010"),
        ["decline", SOMCHAI, "2026-11-22T09:25:00+07:00", ""]
    );

    let (header, rows) = read_csv(&dir.join("statement.csv"));
    assert_eq!(header[header.len() - 4..], RECONCILIATION_DECIDED);
    assert_eq!(header[header.len() - 5], "origin_day");
    let line = rows.iter().find(|r| &r[0] == "kbank.csv:10").unwrap();
    assert_eq!(&line[1], "resolved");
    assert_eq!(
        tail(&rows, 0, "kbank.csv:10", 4),
        ["resolve", NOK, "2026-11-22T09:30:00+07:00", ""]
    );
    // A link on the order is the order's decision, not its lines'.
    assert_eq!(tail(&rows, 0, "kbank.csv:8", 4), ["", "", "", ""]);
    assert_eq!(tail(&rows, 0, "aba-khr.csv:2", 4), ["", "", "", ""]);
}

#[test]
fn exceptions_csv_leaves_the_decision_columns_to_fill_and_shows_what_waits() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(&decided_fixture(), tmp.path());
    let (header, rows) = read_csv(&dir.join("exceptions.csv"));
    assert_eq!(header[header.len() - 7..], EXCEPTIONS_DECIDED);
    assert_eq!(header[header.len() - 8], "resolved_by");
    // The exception's own amount and the decision's are two columns of
    // their own, so a spreadsheet or a CSV reader never confuses them.
    assert_eq!(header.iter().filter(|h| *h == "amount").count(), 1);
    assert_eq!(header[3], "amount");
    assert_eq!(header[header.len() - 5], "write_off_amount");

    // Resolved rows are not exceptions, matched ones neither.
    for (kind, id) in [
        ("order", "A-1003"),
        ("statement_line", "kbank.csv:10"),
        ("order", "A-1002"),
        ("order", "A-1006"),
    ] {
        assert!(exception(&rows, kind, id).is_none(), "{kind} {id} listed");
    }

    let waiting = |kind: &str, id: &str| {
        let r = exception(&rows, kind, id).unwrap_or_else(|| panic!("no {kind} {id}"));
        r.iter()
            .skip(r.len() - 7)
            .map(String::from)
            .collect::<Vec<_>>()
    };
    // The latest of A-1004's two stale decisions, with its lines joined and
    // its formula-looking note defused.
    assert_eq!(
        waiting("order", "A-1004"),
        [
            "link",
            "kbank.csv:10|2026-11-20/kbank.csv:12",
            "",
            "",
            "'=1+1",
            NOK,
            "2026-11-22T10:00:00+07:00"
        ]
    );
    // A stale write-off: amount plain, without its currency.
    assert_eq!(
        waiting("order", "A-1009"),
        [
            "write_off",
            "",
            "250.00",
            "fx",
            "ค่าเงิน",
            NOK,
            "2026-11-22T10:05:00+07:00"
        ]
    );
    let a1009 = exception(&rows, "order", "A-1009").unwrap();
    assert_eq!((&a1009[3], &a1009[4]), ("40000.00", "KHR"));
    // An applied decline stays an exception (unpaid), and its decision is
    // not written back for finance to hand in twice: the row is empty to
    // fill in, like every undecided one.
    assert_eq!(waiting("order", "A-1010"), vec![String::new(); 7]);
    assert_eq!(waiting("slip", "slip-bad.png"), vec![String::new(); 7]);
    assert_eq!(
        waiting("statement_line", "kbank.csv:14"),
        vec![String::new(); 7]
    );
    // Money going out (kbank.csv:11) is no exception: nothing to decide.
    assert!(exception(&rows, "statement_line", "kbank.csv:11").is_none());
}

#[test]
fn summary_json_counts_what_decisions_did() {
    let tmp = tempfile::tempdir().unwrap();
    let f = decided_fixture();
    let dir = write(&f, tmp.path());
    let text = fs::read_to_string(dir.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let orders = &v["orders"];
    assert_eq!(orders["total"], 11);
    assert_eq!(orders["matched"], 6);
    assert_eq!(orders["by_status"]["resolved"], 1);
    // Resolved is neither matched nor an exception.
    assert_eq!(orders["exceptions"], 4);
    assert_eq!(orders["matched_automatically"], 1);
    // A-1002, A-1005, A-1006, A-1007, A-1008; not A-1011, linked but short.
    assert_eq!(orders["matched_by_decision"], 5);
    assert_eq!(orders["resolved"], 1);
    assert_eq!(
        orders["written_off"],
        serde_json::json!({
            "bank_fee": { "THB": "70.00" },
            "rounding": { "KHR": "100.00" }
        }),
        "applied write-offs only (the stale fx one waits)"
    );
    assert_eq!(
        v["stale_decisions"],
        serde_json::json!([
            {
                "kind": "confirm", "case_kind": "order", "id": "A-1004",
                "by": "old@shop.example", "at": "2026-11-22T08:00:00+07:00",
                "why": "the slip is a duplicate of A-1001"
            },
            {
                "kind": "link", "case_kind": "order", "id": "A-1004",
                "by": NOK, "at": "2026-11-22T10:00:00+07:00",
                "why": "kbank.csv:10 is resolved"
            },
            {
                "kind": "write_off", "case_kind": "order", "id": "A-1009",
                "by": NOK, "at": "2026-11-22T10:05:00+07:00",
                "why": "no statement line carries 39750.00 KHR"
            }
        ])
    );
    // The new keys come after the existing ones, in a fixed order: the
    // file's own order, read from its text (the parsed map is sorted).
    let section = text
        .split("\n  \"orders\": {\n")
        .nth(1)
        .and_then(|t| t.split("\n  },\n").next())
        .unwrap();
    let keys: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("    \"")?.split('"').next())
        .collect();
    assert_eq!(
        keys,
        [
            "total",
            "matched",
            "exceptions",
            "by_status",
            "amounts",
            "matched_automatically",
            "matched_by_decision",
            "resolved",
            "written_off"
        ]
    );
    let top: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  \"")?.split('"').next())
        .collect();
    assert_eq!(top[top.len() - 2..], ["inputs", "stale_decisions"]);
    // Statement lines and slips have no decision figures of their own.
    assert!(v["statement"].get("matched_by_decision").is_none());
    assert!(v["slips"].get("written_off").is_none());
    // The exception rows leave the resolved rows (and money going out)
    // out: orders A-1004, A-1009, A-1010, A-1011; line kbank.csv:14; slips
    // slip-1004.json, slip-bad.png.
    assert_eq!(v["exceptions"]["total"], 7);
    assert_eq!(v["exceptions"]["by_kind"]["statement_line"], 1);
    // The public helper agrees with the file.
    let again = day_summary(&f.input()).to_json().unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), text);
}

#[test]
fn the_workbook_has_the_decision_columns_and_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write(&decided_fixture(), tmp.path());
    let path = dir.join("reconciliation.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let header = |range: &calamine::Range<Data>| -> Vec<String> {
        range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    let row = |range: &calamine::Range<Data>, key: usize, id: &str| -> Vec<Data> {
        range
            .rows()
            .find(|r| matches!(&r[key], Data::String(s) if s == id))
            .unwrap_or_else(|| panic!("no row {id}"))
            .to_vec()
    };

    let rec = wb.worksheet_range("Reconciliation").unwrap();
    let h = header(&rec);
    assert_eq!(h[h.len() - 4..], RECONCILIATION_DECIDED);
    let a1006 = row(&rec, 0, "A-1006");
    let n = a1006.len();
    assert_eq!(a1006[n - 4], Data::String("confirm".into()));
    assert_eq!(a1006[n - 3], Data::String(SOMCHAI.into()));
    match &a1006[n - 2] {
        Data::DateTime(dt) => {
            // 2026-11-22 09:20, as recorded in Bangkok.
            let serial = (chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
                - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
            .num_days() as f64
                + (9.0 * 60.0 + 20.0) / 1440.0;
            assert!((dt.as_f64() - serial).abs() < 1e-6, "{}", dt.as_f64());
        }
        other => panic!("decided_at is not a datetime: {other:?}"),
    }
    assert_eq!(a1006[n - 1], Data::String(SCRIPT_NOTE.into()));
    let a1001 = row(&rec, 0, "A-1001");
    assert!(
        a1001[a1001.len() - 4..].iter().all(|c| *c == Data::Empty),
        "{a1001:?}"
    );

    let st = wb.worksheet_range("Statement").unwrap();
    let h = header(&st);
    assert_eq!(h[h.len() - 4..], RECONCILIATION_DECIDED);
    let line = row(&st, 0, "kbank.csv:10");
    assert_eq!(line[1], Data::String("resolved".into()));
    assert_eq!(line[line.len() - 4], Data::String("resolve".into()));

    let exc = wb.worksheet_range("Exceptions").unwrap();
    let h = header(&exc);
    assert_eq!(h[h.len() - 7..], EXCEPTIONS_DECIDED);
    assert_eq!(exc.height(), 1 + 7);
    let a1004 = row(&exc, 1, "A-1004");
    let n = a1004.len();
    assert_eq!(a1004[n - 7], Data::String("link".into()));
    assert_eq!(
        a1004[n - 6],
        Data::String("kbank.csv:10|2026-11-20/kbank.csv:12".into())
    );
    // A formula-looking note is a plain string cell, never a formula.
    assert_eq!(a1004[n - 3], Data::String("=1+1".into()));
    assert!(
        wb.worksheet_formula("Exceptions")
            .unwrap()
            .cells()
            .all(|(_, _, f)| f.is_empty())
    );
    let a1009 = row(&exc, 1, "A-1009");
    assert_eq!(a1009[a1009.len() - 5], Data::Float(250.0));

    let sum = wb.worksheet_range("Summary").unwrap();
    let label = |l: &str| {
        sum.rows()
            .find(|r| r[0] == Data::String(l.into()))
            .unwrap_or_else(|| panic!("no {l} row"))
            .to_vec()
    };
    assert_eq!(label("Matched orders")[1], Data::Float(6.0));
    assert_eq!(label("Matched automatically")[1], Data::Float(1.0));
    assert_eq!(label("Matched by decision")[1], Data::Float(5.0));
    assert_eq!(
        label("Resolved orders (settled outside Recon)")[1],
        Data::Float(1.0)
    );
    assert_eq!(
        label("Stale decisions (waiting for a person)")[1],
        Data::Float(3.0)
    );
    let bank_fee = label("bank_fee");
    assert_eq!(
        bank_fee[1..3],
        [Data::String("THB".into()), Data::Float(70.0)]
    );
    let rounding = label("rounding");
    assert_eq!(
        rounding[1..3],
        [Data::String("KHR".into()), Data::Float(100.0)]
    );

    // The real LibreOffice opens it and shows the same cells.
    let read = libreoffice_sheets(&path, tmp.path());
    let exc = read("Exceptions");
    assert!(
        exc.lines().next().unwrap().ends_with(
            ",resolved_by,decision,with,write_off_amount,reason,note,decided_by,decided_at"
        ),
        "{exc}"
    );
    let a1009 = exc
        .lines()
        .find(|l| l.starts_with("order,A-1009,"))
        .unwrap();
    assert!(
        a1009.ends_with(",write_off,,250.00,fx,ค่าเงิน,nok@shop.example,2026-11-22 10:05:00"),
        "{a1009}"
    );
    let rec = read("Reconciliation");
    assert!(
        rec.lines()
            .next()
            .unwrap()
            .ends_with(",origin_day,decision,decided_by,decided_at,decision_note"),
        "{rec}"
    );
    assert!(
        rec.contains(",link,nok@shop.example,2026-11-22 09:15:00,"),
        "{rec}"
    );
    let summary = read("Summary");
    assert!(summary.contains("Matched by decision,5"), "{summary}");
}

#[test]
fn the_page_badges_decided_rows_and_escapes_their_notes() {
    let f = decided_fixture();
    let files = render_day_reports(&f.input(), &f.records()).unwrap();
    let html = String::from_utf8(
        files
            .iter()
            .find(|(n, _)| *n == "summary.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    // For a person reviewing a change to the page: keep it.
    if let Some(keep) = std::env::var_os("RECON_REPORT_KEEP_PAGE") {
        fs::write(keep, &html).unwrap();
    }
    // The note is text: no script element anywhere, the markup escaped.
    assert!(!html.contains("<script"), "no script element");
    assert!(!html.contains(SCRIPT_NOTE));
    assert!(
        html.contains(
            "<td data-label=\"Note\">&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt; payer is his wife</td>"
        )
    );
    assert!(html.contains(
        "<p id=\"decisions\">Decisions: orders matched by decision 5 · orders resolved 1 · \
         stale decisions 3</p>"
    ));

    // Every row a decision stands on, its badge beside its status.
    let decided = html
        .split("<table id=\"decided\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("decided table");
    // Eight orders and one statement line.
    assert!(html.contains("<h2>Decided (9)</h2>"), "{decided}");
    let row = |id: &str| {
        decided
            .split("<tr")
            .find(|r| r.contains(&format!("<td data-label=\"Id\">{id}</td>")))
            .unwrap_or_else(|| panic!("no row {id}: {decided}"))
    };
    assert!(
        row("A-1006").contains(
            "matched<span class=\"decided\">confirmed by somchai@shop.example</span></td>"
        ),
        "{}",
        row("A-1006")
    );
    assert!(
        row("A-1002")
            .contains("<span class=\"decided\">written off (bank_fee) by nok@shop.example</span>")
    );
    assert!(row("A-1003").contains(
        "resolved<span class=\"decided\">resolved (cash) by somchai@shop.example</span>"
    ));
    assert!(row("kbank.csv:10").contains("resolved (not_ours) by nok@shop.example"));
    assert!(row("A-1005").contains("linked by nok@shop.example"));
    assert!(!decided.contains("A-1001") && !decided.contains("A-1004"));

    // In the exception list: a decline that stands, a stale link waiting.
    let exceptions = html
        .split("<table id=\"exceptions\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap();
    let exc_row = |id: &str| {
        exceptions
            .split("<tr")
            .find(|r| r.contains(&format!("<td data-label=\"Id\">{id}</td>")))
            .unwrap_or_else(|| panic!("no row {id}: {exceptions}"))
    };
    assert!(
        exc_row("A-1010")
            .contains("<span class=\"decided\">declined by somchai@shop.example</span>")
    );
    assert!(
        exc_row("A-1004")
            .contains("<span class=\"decided stale\">stale link by nok@shop.example</span>")
    );
    assert!(
        !exceptions.contains("kbank.csv:11"),
        "money out is no exception"
    );
    // Whoever decided is shown as text too.
    assert!(
        exc_row("A-1011").contains(
            "amount_mismatch<span class=\"decided\">linked by o&#39;neil &lt;ops&gt;</span>"
        ),
        "{}",
        exc_row("A-1011")
    );
    assert!(!html.contains(common::MARKUP_BY));
}

#[test]
fn carried_cases_are_found_under_their_carried_names() {
    let mut f = carried_fixture();
    // The carried line is settled outside Recon; the carried slip has a
    // decision that no longer fits.
    let line = common::OLD_LINE;
    for l in &mut f.result.statement {
        if l.line.to_string() == line {
            l.status = Status::Resolved;
        }
    }
    let mut resolve = decision(
        DecisionKind::Resolve,
        CaseRef::line(line),
        NOK,
        decided_at(11, 0),
    );
    resolve.reason = Some("refunded".into());
    let slip = CaseRef {
        kind: ItemKind::Slip,
        id: common::WAITING_SLIP.into(),
    };
    f.decisions = DayDecisions {
        applied: [(resolve.case.clone(), resolve)].into(),
        stale: vec![(
            decision(DecisionKind::Confirm, slip, SOMCHAI, decided_at(11, 5)),
            "the slip is not read yet".into(),
        )],
    };
    let files = render_day_reports(&f.input(), &f.records()).unwrap();
    let file = |name: &str| {
        let bytes = &files.iter().find(|(n, _)| *n == name).unwrap().1;
        let mut r = csv::Reader::from_reader(&bytes[3..]);
        r.records().map(Result::unwrap).collect::<Vec<_>>()
    };
    let st = file("statement.csv");
    assert_eq!(
        tail(&st, 0, line, 4),
        ["resolve", NOK, "2026-11-22T11:00:00+07:00", ""]
    );
    let exc = file("exceptions.csv");
    assert!(exception(&exc, "statement_line", line).is_none());
    let waiting = exception(&exc, "slip", common::WAITING_SLIP).unwrap();
    assert_eq!(&waiting[waiting.len() - 7], "confirm");
    assert_eq!(&waiting[waiting.len() - 2], SOMCHAI);
}

#[test]
fn a_day_without_decisions_has_empty_decision_columns_and_zero_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixture();
    let dir = write(&f, tmp.path());
    for (name, new_columns) in [
        ("reconciliation.csv", &RECONCILIATION_DECIDED[..]),
        ("statement.csv", &RECONCILIATION_DECIDED[..]),
        ("exceptions.csv", &EXCEPTIONS_DECIDED[..]),
    ] {
        let (header, rows) = read_csv(&dir.join(name));
        let n = new_columns.len();
        assert_eq!(header[header.len() - n..], *new_columns, "{name}");
        assert!(!rows.is_empty(), "{name}");
        for r in &rows {
            assert_eq!(r.len(), header.len(), "{name}");
            assert!(
                r.iter().skip(r.len() - n).all(str::is_empty),
                "{name}: {r:?}"
            );
        }
    }
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(v["orders"]["matched_automatically"], 2);
    assert_eq!(v["orders"]["matched_by_decision"], 0);
    assert_eq!(v["orders"]["resolved"], 0);
    assert_eq!(v["orders"]["written_off"], serde_json::json!({}));
    assert_eq!(v["stale_decisions"], serde_json::json!([]));
    let html = fs::read_to_string(dir.join("summary.html")).unwrap();
    assert!(!html.contains("<span class=\"decided"));
    assert!(!html.contains("<h2>Decided"));
    assert!(html.contains(
        "Decisions: orders matched by decision 0 · orders resolved 0 · stale decisions 0"
    ));
    // Every file renders, and the same input gives the same bytes.
    let a = render_day_reports(&f.input(), &f.records()).unwrap();
    assert_eq!(a.len(), REPORT_FILES.len());
    for (name, bytes) in &a {
        assert_eq!(&fs::read(dir.join(name)).unwrap(), bytes, "{name}");
    }
}
