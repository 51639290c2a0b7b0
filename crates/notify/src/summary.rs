//! [`RunSummary`], what a finished run says, and the words the channels make
//! of it: the subject line, the e-mail body, the short LINE text. Plain
//! functions over data, no I/O.

use std::fmt::Write as _;

use serde::Serialize;

/// What a finished run says: the same fields as the final `run finished` log
/// event. The webhook sends it as JSON exactly like this.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RunSummary {
    /// The business day, `YYYY-MM-DD`.
    pub day: String,
    /// 0 clean, 1 failed, 2 exceptions to review, 3 provider stopped (slips
    /// pending; page the operator).
    pub exit_code: u8,
    /// `clean` | `exceptions` | `failed` | `provider_stopped`.
    pub outcome: String,
    pub orders: u64,
    pub matched: u64,
    pub cases: u64,
    pub quarantined: u64,
    pub provider_health: ProviderHealth,
    /// The day's report folder, as the run printed it.
    pub report_dir: String,
    /// Why the run failed, for failed runs.
    pub error: Option<String>,
    /// Per currency.
    pub money: Vec<Money>,
    /// At most 10, riskiest first.
    pub top_cases: Vec<TopCase>,
}

/// How the slip reader (OCR provider) fared in the run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProviderHealth {
    pub provider: String,
    /// `ok` | `degraded` | `stopped`.
    pub status: String,
    pub reason: Option<String>,
    pub pending_slips: u64,
}

/// Money of one currency, as decimal text (`"12345.00"`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Money {
    pub currency: String,
    pub matched: String,
    pub open: String,
}

/// One open case, as the report lists it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TopCase {
    pub id: String,
    /// Machine code, e.g. `amount_mismatch`.
    pub status: String,
    /// The status in words.
    pub status_en: String,
    pub name: String,
    pub amount: String,
    pub currency: String,
    pub next_step: String,
}

/// The most characters LINE accepts in one text message.
pub const LINE_TEXT_LIMIT: usize = 5000;

/// How many cases the LINE text lists (the e-mail lists all it is given).
const LINE_TOP_CASES: usize = 3;

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What to review: "29 cases to review, 3 quarantined rows".
fn to_review(s: &RunSummary) -> Option<String> {
    let mut parts = Vec::new();
    if s.cases > 0 {
        parts.push(plural(s.cases, "case to review", "cases to review"));
    }
    if s.quarantined > 0 {
        parts.push(plural(s.quarantined, "quarantined row", "quarantined rows"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The run in a few words, after `Recon <day>: `.
pub(crate) fn headline(s: &RunSummary) -> String {
    match s.exit_code {
        0 => "clean".into(),
        1 => "FAILED".into(),
        2 => to_review(s).unwrap_or_else(|| "exceptions to review".into()),
        3 => {
            let mut h = format!(
                "OCR provider stopped, {} pending",
                plural(s.provider_health.pending_slips, "slip", "slips")
            );
            if let Some(r) = to_review(s) {
                h.push_str(", ");
                h.push_str(&r);
            }
            h
        }
        _ => s.outcome.clone(),
    }
}

/// `Recon 2026-11-21: 29 cases to review`.
pub(crate) fn subject(s: &RunSummary) -> String {
    format!("Recon {}: {}", s.day, headline(s))
}

/// `<report_url>/<day>/summary.html`.
pub(crate) fn report_link(report_url: &str, day: &str) -> String {
    format!("{}/{day}/summary.html", report_url.trim_end_matches('/'))
}

fn provider_line(p: &ProviderHealth) -> String {
    let mut line = format!(
        "Slip reader {}: {}, {} pending",
        p.provider,
        p.status,
        plural(p.pending_slips, "slip", "slips")
    );
    if let Some(reason) = &p.reason {
        let _ = write!(line, " ({reason})");
    }
    line
}

/// The plain-text e-mail body: counts, money, the top cases, the slip
/// reader's health, where the report is.
pub(crate) fn email_text(s: &RunSummary, report_url: Option<&str>, attached: bool) -> String {
    let mut b = String::new();
    let _ = writeln!(b, "Recon run for {}: {}", s.day, headline(s));
    let _ = writeln!(b, "Outcome: {} (exit code {})", s.outcome, s.exit_code);
    if let Some(err) = &s.error {
        let _ = writeln!(b, "\nThe run failed: {err}");
    }
    if s.exit_code == 3 {
        let _ = writeln!(
            b,
            "\nThe slip reader stopped during the run: {} wait for the next run. \
             Page the operator to fix the provider.",
            plural(
                s.provider_health.pending_slips,
                "slip is pending and will",
                "slips are pending and"
            )
        );
    }
    let _ = writeln!(b);
    for (label, n) in [
        ("Orders", s.orders),
        ("Matched", s.matched),
        ("Cases to review", s.cases),
        ("Quarantined rows", s.quarantined),
    ] {
        let _ = writeln!(b, "{label:<18}{n:>10}");
    }
    if !s.money.is_empty() {
        let _ = writeln!(b, "\nMoney");
        for m in &s.money {
            let _ = writeln!(
                b,
                "  {}: matched {}, open {}",
                m.currency, m.matched, m.open
            );
        }
    }
    let _ = writeln!(b, "\n{}", provider_line(&s.provider_health));
    if !s.top_cases.is_empty() {
        let _ = writeln!(b, "\nTop cases, riskiest first");
        for (i, c) in s.top_cases.iter().enumerate() {
            let _ = writeln!(b, "{:>2}. {}  {}", i + 1, c.id, c.status_en);
            let _ = writeln!(b, "    {}  {} {}", c.name, c.amount, c.currency);
            let _ = writeln!(b, "    Next step: {}", c.next_step);
        }
    }
    let _ = writeln!(b, "\nReport folder: {}", s.report_dir);
    if let Some(url) = report_url {
        let _ = writeln!(b, "Summary page: {}", report_link(url, &s.day));
    }
    if attached {
        let _ = writeln!(b, "The summary page is attached (summary.html).");
    }
    b
}

/// The short LINE text: day, counts, money, the top three cases, the link.
/// Never longer than [`LINE_TEXT_LIMIT`].
pub(crate) fn line_text(s: &RunSummary, report_url: Option<&str>) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "Recon {}: {}", s.day, headline(s));
    if let Some(err) = &s.error {
        let _ = writeln!(t, "Error: {err}");
    }
    let _ = writeln!(
        t,
        "{} orders, {} matched, {} cases, {} quarantined",
        s.orders, s.matched, s.cases, s.quarantined
    );
    for m in &s.money {
        let _ = writeln!(t, "{}: matched {}, open {}", m.currency, m.matched, m.open);
    }
    if s.provider_health.status != "ok" {
        let _ = writeln!(t, "{}", provider_line(&s.provider_health));
    }
    if !s.top_cases.is_empty() {
        let _ = writeln!(t, "Top cases:");
        for (i, c) in s.top_cases.iter().take(LINE_TOP_CASES).enumerate() {
            let _ = writeln!(
                t,
                "{}. {} {}: {} {} {}",
                i + 1,
                c.id,
                c.status_en,
                c.name,
                c.amount,
                c.currency
            );
        }
    }
    match report_url {
        Some(url) => {
            let _ = write!(t, "{}", report_link(url, &s.day));
        }
        None => {
            let _ = write!(t, "Report: {}", s.report_dir);
        }
    }
    truncate(t.trim_end(), LINE_TEXT_LIMIT)
}

/// At most `limit` characters, cut on a character boundary with an ellipsis
/// as the last of them. Characters are counted in UTF-16 units, the stricter
/// of the ways a server may count (a Thai letter is one unit, an emoji two),
/// so the text is within the limit however LINE counts.
pub(crate) fn truncate(text: &str, limit: usize) -> String {
    if text.encode_utf16().count() <= limit {
        return text.to_string();
    }
    let budget = limit.saturating_sub(1);
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        if used + c.len_utf16() > budget {
            break;
        }
        used += c.len_utf16();
        end = i + c.len_utf8();
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A run with exceptions, Thai names and two currencies.
    pub(crate) fn sample() -> RunSummary {
        RunSummary {
            day: "2026-11-21".into(),
            exit_code: 2,
            outcome: "exceptions".into(),
            orders: 1200,
            matched: 1171,
            cases: 29,
            quarantined: 2,
            provider_health: ProviderHealth {
                provider: "easyslip".into(),
                status: "ok".into(),
                reason: None,
                pending_slips: 0,
            },
            report_dir: "reports/2026-11-21".into(),
            error: None,
            money: vec![
                Money {
                    currency: "THB".into(),
                    matched: "12345.00".into(),
                    open: "3000.50".into(),
                },
                Money {
                    currency: "KHR".into(),
                    matched: "400000.00".into(),
                    open: "0.00".into(),
                },
            ],
            top_cases: (1..=10)
                .map(|i| TopCase {
                    id: format!("CASE-{i:04}"),
                    status: "amount_mismatch".into(),
                    status_en: "Amount differs from the order".into(),
                    name: "สมชาย ใจดี".into(),
                    amount: format!("{i}500.00"),
                    currency: "THB".into(),
                    next_step: "Ask the customer for the missing transfer".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn subjects_say_what_the_run_needs() {
        let mut s = sample();
        assert_eq!(
            subject(&s),
            "Recon 2026-11-21: 29 cases to review, 2 quarantined rows"
        );
        s.quarantined = 0;
        s.cases = 1;
        assert_eq!(subject(&s), "Recon 2026-11-21: 1 case to review");
        s.exit_code = 1;
        s.outcome = "failed".into();
        assert_eq!(subject(&s), "Recon 2026-11-21: FAILED");
        s.exit_code = 3;
        s.provider_health.pending_slips = 12;
        assert_eq!(
            subject(&s),
            "Recon 2026-11-21: OCR provider stopped, 12 slips pending, 1 case to review"
        );
        s.exit_code = 0;
        assert_eq!(subject(&s), "Recon 2026-11-21: clean");
    }

    #[test]
    fn the_email_lists_counts_money_cases_and_where_the_report_is() {
        let body = email_text(&sample(), Some("https://recon.example/reports/"), true);
        for want in [
            "Orders                  1200",
            "Cases to review           29",
            "THB: matched 12345.00, open 3000.50",
            "KHR: matched 400000.00",
            "10. CASE-0010  Amount differs from the order",
            "สมชาย ใจดี  10500.00 THB",
            "Next step: Ask the customer",
            "Slip reader easyslip: ok, 0 slips pending",
            "Report folder: reports/2026-11-21",
            "Summary page: https://recon.example/reports/2026-11-21/summary.html",
            "attached (summary.html)",
        ] {
            assert!(body.contains(want), "missing {want:?} in\n{body}");
        }
    }

    #[test]
    fn the_line_text_is_short_with_three_cases_and_the_link() {
        let t = line_text(&sample(), Some("https://recon.example/r"));
        assert!(
            t.contains("1200 orders, 1171 matched, 29 cases, 2 quarantined"),
            "{t}"
        );
        assert!(t.contains("3. CASE-0003"), "{t}");
        assert!(!t.contains("CASE-0004"), "{t}");
        assert!(
            t.ends_with("https://recon.example/r/2026-11-21/summary.html"),
            "{t}"
        );
    }

    #[test]
    fn a_long_thai_text_is_cut_at_5000_characters_on_a_char_boundary() {
        let thai = "สมชายใจดี".repeat(1000); // 9000 chars, 27000 bytes
        let cut = truncate(&thai, LINE_TEXT_LIMIT);
        assert_eq!(cut.chars().count(), LINE_TEXT_LIMIT);
        assert!(cut.ends_with('…'));
        assert!(thai.starts_with(cut.trim_end_matches('…')));
        // Exactly at the limit: untouched.
        let exact: String = thai.chars().take(LINE_TEXT_LIMIT).collect();
        assert_eq!(truncate(&exact, LINE_TEXT_LIMIT), exact);
        // Two-unit characters never end up split or over the limit.
        let emoji = "😀".repeat(3000);
        let cut = truncate(&emoji, LINE_TEXT_LIMIT);
        assert!(cut.encode_utf16().count() <= LINE_TEXT_LIMIT);
        assert!(cut.ends_with('…'));
        // And a whole message built from a huge summary obeys it too.
        let mut s = sample();
        for c in &mut s.top_cases {
            c.status_en = thai.clone();
        }
        assert!(line_text(&s, None).chars().count() <= LINE_TEXT_LIMIT);
    }
}
