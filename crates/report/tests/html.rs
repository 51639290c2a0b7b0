//! `summary.html` rendered by the real headless Chromium: the text a person
//! sees, the charts, escaping of customer input, and a screenshot.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{DAY, MARKUP_NAME, carried_fixture, fixture, run_bounded_to};
use recon_report::write_day_reports_with;

fn chromium(profile: &Path) -> Command {
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

#[test]
fn page_is_self_contained_and_escapes_customer_input() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixture();
    write_day_reports_with(tmp.path(), &f.input(), &f.records()).unwrap();
    let html = fs::read_to_string(tmp.path().join(DAY).join("summary.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for banned in ["<script", "<link", " src=", " href=", "@import", "url("] {
        assert!(
            !html.contains(banned),
            "page must not load anything: {banned}"
        );
    }
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert!(html.matches("<svg").count() >= 4, "four charts");
}

#[test]
fn chromium_renders_figures_charts_and_the_exception_list() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixture();
    write_day_reports_with(tmp.path(), &f.input(), &f.records()).unwrap();
    let page = tmp.path().join(DAY).join("summary.html");
    let url = format!("file://{}", page.display());

    let dom_file = tmp.path().join("dom.html");
    let status = run_bounded_to(
        chromium(&tmp.path().join("profile-dom"))
            .arg("--dump-dom")
            .arg(&url),
        Duration::from_secs(90),
        Some(&dom_file),
    );
    assert!(status.success(), "chromium --dump-dom: {status}");
    let dom = fs::read_to_string(&dom_file).unwrap();
    assert!(dom.contains("<h1>Reconciliation 2026-11-21</h1>"), "{dom}");
    // headline figures
    assert!(dom.contains("33.3%"), "match rate");
    assert!(dom.contains("cases to review"));
    // charts were parsed as SVG
    for id in [
        "chart-match-rate",
        "chart-amounts",
        "chart-cases",
        "chart-trend",
    ] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(
        dom.contains("<polyline class=\"series-matched\""),
        "trend line"
    );
    assert!(dom.contains("4,500.00 THB"), "amount bar label");
    // the exception list, with reasons and Thai names
    assert!(dom.contains("duplicate_of=A-1001@2026-11-21"));
    assert!(dom.contains("นางสาว สุดา รักดี"));
    assert!(dom.contains("short_by=50.00 THB"));
    // Customer markup stayed text: the DOM has it escaped and no script
    // element came out of it.
    assert!(
        dom.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; co"),
        "{dom}"
    );
    assert!(!dom.contains("<script"), "no script element");
    assert!(!dom.contains(MARKUP_NAME));

    let shot = tmp.path().join("shot.png");
    let status = run_bounded_to(
        chromium(&tmp.path().join("profile-shot"))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1280,2000")
            .arg("--hide-scrollbars")
            .arg(&url),
        Duration::from_secs(90),
        None,
    );
    assert!(status.success(), "chromium --screenshot: {status}");
    // For a person reviewing a change to the page: keep the screenshot.
    if let Some(keep) = std::env::var_os("RECON_REPORT_KEEP_SHOT") {
        fs::copy(&shot, keep).unwrap();
    }
    let png = fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 2000));
    // A blank 1280×2000 page compresses to a few KB; charts, tables and
    // Thai text do not.
    assert!(
        png.len() > 40_000,
        "screenshot looks empty: {} bytes",
        png.len()
    );
}

#[test]
fn chromium_renders_the_open_exceptions_by_age() {
    let tmp = tempfile::tempdir().unwrap();
    let f = carried_fixture();
    write_day_reports_with(tmp.path(), &f.input(), &f.records()).unwrap();
    let page = tmp.path().join(DAY).join("summary.html");
    let dom_file = tmp.path().join("dom.html");
    let status = run_bounded_to(
        chromium(&tmp.path().join("profile-dom"))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display())),
        Duration::from_secs(90),
        Some(&dom_file),
    );
    assert!(status.success(), "chromium --dump-dom: {status}");
    let dom = fs::read_to_string(&dom_file).unwrap();
    // The browser parsed the chart as SVG with its four bars and the table
    // with one row per bucket (a header row, then 0-1, 2-7, 8-30, >30).
    let chart = dom
        .split("id=\"chart-age\"")
        .nth(1)
        .and_then(|c| c.split("</svg>").next())
        .expect("age chart in the DOM");
    assert_eq!(
        chart.matches("<rect class=\"age-bar\"").count(),
        4,
        "{chart}"
    );
    assert!(chart.contains(">&gt;30 days</text>"), "{chart}");
    let table = dom
        .split("<table id=\"open-by-age\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("by-age table in the DOM");
    assert_eq!(table.matches("<tr>").count(), 5, "{table}");
    assert!(dom.contains("<h2>Resolved today (3)</h2>"));
    assert!(dom.contains("new 10 · persisting 4 · resolved today 3"));
}

#[test]
fn long_exception_lists_are_cut_with_a_pointer_to_the_csv() {
    use recon_core::{Currency, DayResult, Money, OrderId, OrderOutcome, SourceRef, Status};
    let orders: Vec<OrderOutcome> = (0..2001u64)
        .map(|i| OrderOutcome {
            order_id: OrderId(format!("B-{i:05}")),
            source: SourceRef::new("orders.csv", i + 2),
            status: Status::Unpaid,
            customer_name: "นาย ทดสอบ".into(),
            slip: None,
            statement_lines: vec![],
            expected: Money::from_minor(10_000, Currency::Thb),
            paid: None,
            name_score: None,
            reasons: vec![],
        })
        .collect();
    let result = DayResult {
        day: DAY.parse().unwrap(),
        orders,
        statement: vec![],
        slips: vec![],
    };
    let input = recon_report::ReportInput {
        result: &result,
        quarantine: &[],
        inputs: &[],
        trend: &[],
        tool_version: "0.1.0-test",
        breaks: &[],
        decisions: &recon_core::DayDecisions::default(),
    };
    let files = recon_report::render_day_reports(&input, &Default::default()).unwrap();
    let html = String::from_utf8(
        files
            .iter()
            .find(|(n, _)| *n == "summary.html")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(html.contains("Showing the first 2000 of 2001 rows; all are in exceptions.csv"));
    assert!(html.contains("B-01999") && !html.contains("B-02000"));
    let csv = &files
        .iter()
        .find(|(n, _)| *n == "exceptions.csv")
        .unwrap()
        .1;
    assert_eq!(
        csv.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count(),
        2002
    );
}
