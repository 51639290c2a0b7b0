//! `summary.html` rendered by the real headless Chromium: the text a person
//! sees, the charts, escaping of customer input, and a screenshot.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{DAY, MARKUP_NAME, carried_fixture, decided_fixture, fixture, run_bounded_to};
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

    // The page opens with what to do: the count of cases, the same as
    // summary.json's, then each case in plain English and Thai.
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join(DAY).join("summary.json")).unwrap())
            .unwrap();
    let open = summary["cases"]["open"].as_u64().unwrap();
    assert!(open > 0 && open < summary["exceptions"]["total"].as_u64().unwrap());
    assert_eq!(cases_open(&dom), open, "the page's count is summary.json's");
    let cases = dom
        .split("<table id=\"cases\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the case list in the DOM");
    assert_eq!(cases.matches("<tr class=\"case\"").count() as u64, open);
    for words in [
        "Paid a different amount",
        "ยอดเงินไม่ตรง",
        "Check the difference: write it off (bank fee, rounding) or ask the customer for the rest",
        "Paid 50.00 THB less than the order",
        "ชำระขาดไป 50.00 THB",
        "This slip was already used by A-1001 on 2026-11-21",
        "Order A-1002",
        "2,000.00 THB",
    ] {
        assert!(cases.contains(words), "{words}: {cases}");
    }
    // Riskiest first: the reused slip before the amount mismatch.
    assert!(cases.find("Order A-1004") < cases.find("Order A-1002"));
    // The machine words stay out of the case list (the rows below keep them).
    assert!(!cases.contains("short_by="), "{cases}");
    assert!(dom.contains("<table id=\"legend\">"));
    // The SHA-256 list is last, folded away.
    let details = dom
        .find("<details id=\"inputs-list\">")
        .expect("inputs folded");
    assert!(details > dom.find("<table id=\"exceptions\">").unwrap());
    assert!(!dom[details..].contains("<details id=\"inputs-list\" open"));

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

/// The number the page gives as its count of open cases.
fn cases_open(html: &str) -> u64 {
    html.split("<span id=\"cases-open\">")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .and_then(|n| n.parse().ok())
        .expect("the page counts its cases")
}

/// How wide the document is against its viewport, as Chromium lays out
/// `page` in a frame `width` px wide (headless Chromium keeps its window at
/// least 500 px wide, a frame sets the viewport exactly): the page is put
/// into an iframe's `srcdoc` with a tiny script that writes the document's
/// `scrollWidth`, the viewport's `clientWidth` and whether the phone
/// stylesheet applies into the outer page's title. `extra` goes at the end
/// of the page's body.
fn laid_out_width(page: &Path, width: u32, extra: &str, tmp: &Path) -> (u64, u64, bool) {
    let html = fs::read_to_string(page).unwrap();
    let probe = "<script>parent.document.title = document.documentElement.scrollWidth + ' ' + \
                 document.documentElement.clientWidth + ' ' + \
                 matchMedia('(max-width: 480px)').matches;</script>";
    let inner = html.replace("</body>", &format!("{extra}{probe}</body>"));
    let attr = inner
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let tag = format!("{width}-{}", extra.len());
    let copy = tmp.join(format!("probe-{tag}.html"));
    fs::write(
        &copy,
        format!(
            "<!DOCTYPE html><html><head><title>probe</title></head><body style=\"margin:0\">\
             <iframe style=\"border:0\" width=\"{width}\" height=\"900\" srcdoc=\"{attr}\"></iframe>\
             </body></html>"
        ),
    )
    .unwrap();
    let dom_file = tmp.join(format!("probe-{tag}.dom"));
    let status = run_bounded_to(
        chromium(&tmp.join(format!("profile-probe-{tag}")))
            .arg("--window-size=1280,1000")
            .arg("--dump-dom")
            .arg(format!("file://{}", copy.display())),
        Duration::from_secs(90),
        Some(&dom_file),
    );
    assert!(status.success(), "chromium --dump-dom: {status}");
    let dom = fs::read_to_string(&dom_file).unwrap();
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .expect("a title");
    let parts: Vec<&str> = title.split(' ').collect();
    assert_eq!(parts.len(), 3, "the probe ran: {title}");
    let n = |i: usize| {
        parts[i]
            .parse::<u64>()
            .unwrap_or_else(|_| panic!("{title}"))
    };
    (n(0), n(1), parts[2] == "true")
}

/// On a 420 px phone nothing is wider than the screen: the charts scale,
/// the tables turn into stacked blocks, long ids and hashes wrap.
#[test]
fn at_phone_width_the_page_never_scrolls_sideways() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, f) in [
        ("fixture", fixture()),
        ("carried", carried_fixture()),
        ("decided", decided_fixture()),
    ] {
        let out = tmp.path().join(name);
        write_day_reports_with(&out, &f.input(), &f.records()).unwrap();
        let page = out.join(DAY).join("summary.html");
        let (scroll, view, phone) = laid_out_width(&page, 420, "", tmp.path());
        assert!(phone, "{name}: the phone stylesheet applies at 420 px");
        assert!(view <= 420, "{name}: the viewport is {view} px");
        assert!(
            scroll <= view,
            "{name}: the page is {scroll} px wide in a {view} px viewport"
        );
        if name == "fixture" {
            // The probe itself sees an element wider than the viewport.
            let wide = "<div style=\"width:2000px\">wide</div>";
            let (scroll, _, _) = laid_out_width(&page, 420, wide, tmp.path());
            assert!(scroll >= 2000, "the probe measures: {scroll}");
        }
    }
}

#[test]
fn the_page_has_a_print_stylesheet_and_scaling_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fixture();
    write_day_reports_with(tmp.path(), &f.input(), &f.records()).unwrap();
    let html = fs::read_to_string(tmp.path().join(DAY).join("summary.html")).unwrap();
    let print = html
        .split("@media print{")
        .nth(1)
        .expect("a print stylesheet");
    assert!(print.contains("background:transparent!important"));
    assert!(print.contains("break-inside:avoid"));
    assert!(html.contains("@media (max-width:480px)"));
    // Every chart scales with its box: a viewBox and no fixed size.
    for svg in html.split("<svg").skip(1) {
        let tag = svg.split('>').next().unwrap();
        assert!(tag.contains("viewBox="), "{tag}");
        assert!(
            !tag.contains(" width=") && !tag.contains(" height="),
            "{tag}"
        );
    }
    assert!(html.contains(".chart svg{display:block;width:100%;height:auto}"));
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
        provider_health: None,
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
    // The case list stops at 200, in queue order, and says where the rest are.
    assert_eq!(cases_open(&html), 2001);
    assert_eq!(html.matches("<tr class=\"case\"").count(), 200);
    assert!(html.contains("and 1801 more: see exceptions.csv"));
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
