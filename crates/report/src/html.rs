//! `summary.html`: one self-contained page (inline CSS, inline SVG, no
//! script, nothing fetched) that opens from a mail attachment or a file
//! share. Every piece of text is escaped: names are customer input.
//!
//! It is a place to work, read top down: how many cases wait, each with
//! what to do about it (in queue order, riskiest first, in plain English
//! and Thai), what the statuses mean, then the figures and charts, the
//! exception rows as `exceptions.csv` has them, and last, folded away, the
//! inputs' SHA-256. At 480 px wide or less (a phone) nothing is wider than
//! the screen: charts scale, tables become stacked blocks; printed, no
//! background is wasted and no table row is cut.

use std::collections::BTreeMap;
use std::fmt::Write;

use recon_core::carry::{AgeBucket, ItemKind};
use recon_core::{Case, Currency, Decimal, Decision, Reason, Status, TrendPoint};
use rust_decimal::prelude::ToPrimitive;

use crate::summary::Summary;
use crate::tables::{
    Cell, EXC_ORIGIN, EXC_STATUS, KIND_LINE, KIND_ORDER, TableId, Tables, past_tense,
};
use crate::words;

/// Escapes text for element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let text = crate::bidi::neutral(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Chart colours by status, in the same families as the XLSX fills.
fn status_color(status: Status) -> &'static str {
    match status {
        Status::Matched => "#2e7d32",
        Status::DuplicateSlip | Status::ReceiverMismatch | Status::SlipNotOnStatement => "#c62828",
        Status::AmountMismatch
        | Status::NameMismatch
        | Status::Ambiguous
        | Status::UnreadableSlip => "#ef6c00",
        Status::StatementUnmatched | Status::Unpaid => "#b8860b",
        Status::Pending => "#1565c0",
        Status::Resolved => "#607d8b",
    }
}

/// `1234567.50` → `1,234,567.50` for display (the CSV keeps it plain).
pub fn grouped(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut g = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            g.push(',');
        }
        g.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{g}.{f}"),
        None => format!("{sign}{g}"),
    }
}

const CSS: &str = r#"
*{box-sizing:border-box}
body{font-family:"Noto Sans Thai","Noto Sans Khmer","Noto Sans",Tahoma,Arial,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.sub{color:#666;margin-bottom:16px}
.th{color:#555;font-size:12px}
.todo h2{font-size:22px;margin-top:16px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:140px}
.card .v{font-size:26px;font-weight:bold}.card .l{color:#666;font-size:13px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;flex:1 1 320px;min-width:0;max-width:100%}
.chart h3{font-size:14px;margin:0 0 8px}
.chart svg{display:block;width:100%;height:auto}
table{border-collapse:collapse;background:#fff;font-size:13px;max-width:100%}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.d{white-space:nowrap}
.st{font-weight:bold}
.badge{display:inline-block;color:#fff;border-radius:4px;padding:1px 6px;font-weight:bold;font-size:12px;white-space:nowrap}
ul.why{margin:0;padding-left:16px}
.empty{color:#666;font-style:italic}
.decided{font-weight:normal;font-size:11px;color:#37474f;background:#eceff1;border-radius:3px;padding:0 4px;margin-left:6px;white-space:nowrap}
.decided.stale{color:#e65100;background:#fff3e0}
details{margin-top:28px}summary{cursor:pointer;font-weight:bold}
code{overflow-wrap:anywhere}
svg text{font-family:inherit}
@media (max-width:480px){
body{margin:8px}
.card{min-width:0;flex:1 1 40%}
table,thead,tbody,tr,th,td{display:block;width:100%}
thead{display:none}
tr{border:1px solid #ccc;border-radius:4px;margin-bottom:8px}
td{border:none;border-bottom:1px solid #eee;text-align:left;overflow-wrap:anywhere}
.badge{white-space:normal}
td.n,td.d{text-align:left;white-space:normal}
td[data-label]::before{content:attr(data-label);display:block;font-size:11px;font-weight:bold;color:#666}
.decided{white-space:normal}
}
@media print{
*{background:transparent!important;box-shadow:none!important}
body{margin:0;color:#000}
.badge{color:#000!important;border:1px solid #000}
.card,.chart,th,td{border-color:#999}
tr,.card,.chart{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
h2,h3{break-after:avoid;page-break-after:avoid}
}
"#;

pub(crate) fn render(
    summary: &Summary,
    tables: &Tables<'_>,
    cases: &[Case<'_>],
    trend: &[TrendPoint],
) -> String {
    let mut h = String::new();
    let day = esc(&summary.day.to_string());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"th\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Reconciliation {day}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <h1>Reconciliation {day}</h1>\n<div class=\"sub\">recon {}</div>\n",
        esc(&summary.tool_version)
    );

    cases_section(&mut h, summary, tables, cases);
    legend(&mut h);

    h.push_str("<h2>Figures</h2>\n");
    headline(&mut h, summary);

    h.push_str("<h2>Charts</h2>\n<div class=\"charts\">\n");
    match_rate_chart(&mut h, summary);
    amounts_chart(&mut h, summary);
    cases_chart(&mut h, summary);
    age_chart(&mut h, summary);
    trend_chart(&mut h, summary, trend);
    h.push_str("</div>\n");

    by_age_section(&mut h, summary);

    // The table lists open exceptions first, then the breaks resolved
    // today (status `matched`): each gets its own list here.
    let (open, resolved): (Vec<usize>, Vec<usize>) =
        (0..tables.exceptions.len()).partition(|&i| tables.exceptions[i].brk.is_open());
    let mut cells = Vec::new();
    let _ = writeln!(
        h,
        "<h2>Exception rows ({})</h2>\n<p class=\"sub\">As in exceptions.csv: one row per order, \
         statement line and slip, so one case may be several rows; reasons in the file's words.</p>",
        open.len()
    );
    if open.is_empty() {
        h.push_str("<p class=\"empty\">Nothing to review.</p>\n");
    } else {
        table_html(
            &mut h,
            "exceptions",
            &[
                "Kind",
                "Id",
                "Status",
                "Amount",
                "Currency",
                "Reasons",
                "Name",
                "Related",
                "Since",
                "Lifecycle",
                "Age (days)",
            ],
            open.iter().take(LIST_LIMIT).map(|&i| {
                let status = tables.row(TableId::Exceptions, i, &mut cells);
                let badge = match (tables.decision(TableId::Exceptions, i), tables.waiting(i)) {
                    (Some(d), _) => Some(Badge::Standing(d)),
                    (None, Some(d)) => Some(Badge::Waiting(d)),
                    (None, None) => None,
                };
                let c = &cells;
                Row {
                    status,
                    badge,
                    cells: vec![
                        c[0],
                        c[1],
                        c[EXC_STATUS],
                        c[3],
                        c[4],
                        c[5],
                        c[6],
                        c[7],
                        c[EXC_ORIGIN],
                        c[EXC_ORIGIN + 1],
                        c[EXC_ORIGIN + 3],
                    ],
                }
            }),
        );
    }
    more_rows(&mut h, open.len(), "exceptions.csv");

    decided_section(&mut h, tables);

    if !resolved.is_empty() {
        let _ = writeln!(h, "<h2>Resolved today ({})</h2>", resolved.len());
        table_html(
            &mut h,
            "resolved",
            &[
                "Kind",
                "Id",
                "Amount",
                "Currency",
                "Since",
                "First seen",
                "Age (days)",
                "Resolved by",
            ],
            resolved.iter().take(LIST_LIMIT).map(|&i| {
                tables.row(TableId::Exceptions, i, &mut cells);
                let c = &cells;
                Row {
                    status: None,
                    badge: None,
                    cells: vec![
                        c[0],
                        c[1],
                        c[3],
                        c[4],
                        c[EXC_ORIGIN],
                        c[EXC_ORIGIN + 2],
                        c[EXC_ORIGIN + 3],
                        c[EXC_ORIGIN + 5],
                    ],
                }
            }),
        );
        more_rows(&mut h, resolved.len(), "exceptions.csv");
    }

    let _ = writeln!(
        h,
        "<h2>Quarantined input rows ({})</h2>",
        summary.quarantine
    );
    let rejected = tables.len(TableId::Quarantine);
    if rejected == 0 {
        h.push_str("<p class=\"empty\">No input row was rejected.</p>\n");
    } else {
        table_html(
            &mut h,
            "quarantine",
            &["File", "Line", "Column", "Value", "Reason"],
            (0..rejected.min(LIST_LIMIT)).map(|i| {
                tables.row(TableId::Quarantine, i, &mut cells);
                Row {
                    status: None,
                    badge: None,
                    cells: cells.clone(),
                }
            }),
        );
        more_rows(&mut h, rejected, "quarantine.csv");
    }

    let _ = writeln!(
        h,
        "<details id=\"inputs-list\"><summary>Inputs ({} files, with their SHA-256)</summary>",
        summary.inputs.len()
    );
    if summary.inputs.is_empty() {
        h.push_str("<p class=\"empty\">No input files recorded.</p>\n");
    } else {
        h.push_str(
            "<table id=\"inputs\"><thead><tr><th>Kind</th><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>\n",
        );
        for i in &summary.inputs {
            let _ = writeln!(
                h,
                "<tr><td data-label=\"Kind\">{}</td><td data-label=\"File\">{}</td>\
                 <td class=\"n\" data-label=\"Bytes\">{}</td><td data-label=\"SHA-256\"><code>{}</code></td></tr>",
                esc(&i.kind),
                esc(&i.name),
                i.bytes,
                esc(&i.sha256)
            );
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</details>\n");
    h.push_str("</body>\n</html>\n");
    h
}

/// The open cases the page lists, in queue order; the rest are in the
/// files.
const CASE_LIMIT: usize = 200;

/// What a case is about, as a person reads it: `Order A-1001`.
fn case_label(c: &Case<'_>) -> String {
    let kind = match c.anchor.kind {
        ItemKind::Order => "Order",
        ItemKind::StatementLine => "Statement line",
        ItemKind::Slip => "Slip",
    };
    format!("{kind} {}", c.anchor.id)
}

/// The reasons of a case: its anchor's, each once.
fn case_reasons<'c>(c: &Case<'c>) -> Vec<&'c Reason> {
    let own: &'c [Reason] = match c.anchor.kind {
        ItemKind::Order => c.order.map(|o| o.reasons.as_slice()),
        ItemKind::StatementLine => c.lines.first().map(|l| l.reasons.as_slice()),
        ItemKind::Slip => c.slips.first().map(|s| s.reasons.as_slice()),
    }
    .unwrap_or_default();
    let mut out: Vec<&Reason> = Vec::with_capacity(own.len());
    for r in own {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

/// Who the case's money is from: the order's customer (and who paid, when
/// the bank shows someone else), the line's payer, the slip's sender.
fn case_name(c: &Case<'_>, senders: &crate::tables::HashMap<&str, &str>) -> String {
    let payer = c.lines.iter().find_map(|l| l.counterparty_name.as_deref());
    let sender = c
        .slips
        .iter()
        .find_map(|s| senders.get(s.file.as_str()).copied());
    match c.order {
        Some(o) => match payer.or(sender) {
            Some(p) if !p.trim().is_empty() && p.trim() != o.customer_name.trim() => {
                format!("{} (paid by {})", o.customer_name, p.trim())
            }
            _ => o.customer_name.clone(),
        },
        None => payer.or(sender).unwrap_or_default().to_string(),
    }
}

/// The top of the page: how many cases wait, and each one with what to do.
fn cases_section(h: &mut String, s: &Summary, tables: &Tables<'_>, cases: &[Case<'_>]) {
    let open: Vec<&Case<'_>> = cases.iter().filter(|c| c.is_open()).collect();
    let n = s.cases.open;
    let noun = if n == 1 { "case" } else { "cases" };
    let _ = writeln!(
        h,
        "<section class=\"todo\" id=\"to-review\">\n<h2><span id=\"cases-open\">{n}</span> {noun} to review</h2>\n\
         <div class=\"th\">ต้องตรวจ {n} รายการ</div>"
    );
    if open.is_empty() {
        h.push_str(
            "<p class=\"empty\">Nothing to review: every order is paid and every payment explained.</p>\n</section>\n",
        );
        return;
    }
    h.push_str(
        "<p class=\"sub\">Riskiest first. One case is one payment problem, however many rows of \
         exceptions.csv it touches. Record what you decide in exceptions.csv (or the Exceptions \
         sheet) and hand it back with <code>recon decide</code>.</p>\n\
         <table id=\"cases\"><thead><tr><th>Status</th><th>Case</th><th>Customer / payer</th>\
         <th>Amount</th><th>Age (days)</th><th>What to do</th><th>Why</th></tr></thead><tbody>\n",
    );
    let senders = tables.slip_senders();
    for c in open.iter().take(CASE_LIMIT) {
        let badge = match (
            tables.applied().case(c.anchor.kind, &c.anchor.id),
            tables.waiting_on(c.anchor.kind, &c.anchor.id),
        ) {
            (Some(d), _) => Badge::Standing(d).html(),
            (None, Some(d)) => Badge::Waiting(d).html(),
            (None, None) => String::new(),
        };
        let amount = c.amount.map_or("–".to_string(), |m| {
            format!("{} {}", grouped(&m.plain()), m.currency.code())
        });
        let mut why = String::new();
        for r in case_reasons(c) {
            let _ = write!(
                why,
                "<li>{}<div class=\"th\">{}</div></li>",
                esc(&words::reason_en(r)),
                esc(&words::reason_th(r))
            );
        }
        if !why.is_empty() {
            why = format!("<ul class=\"why\">{why}</ul>");
        }
        let _ = writeln!(
            h,
            "<tr class=\"case\" data-status=\"{code}\"><td data-label=\"Status\">\
             <span class=\"badge\" style=\"background:{color}\">{en}</span>{badge}<div class=\"th\">{th}</div></td>\
             <td data-label=\"Case\">{label}</td><td data-label=\"Customer / payer\">{name}</td>\
             <td class=\"n\" data-label=\"Amount\">{amount}</td><td class=\"n\" data-label=\"Age (days)\">{age}</td>\
             <td data-label=\"What to do\">{step}<div class=\"th\">{step_th}</div></td>\
             <td data-label=\"Why\">{why}</td></tr>",
            code = esc(c.status.as_str()),
            color = status_color(c.status),
            en = esc(words::status_en(c.status)),
            th = esc(words::status_th(c.status)),
            label = esc(&case_label(c)),
            name = esc(&case_name(c, &senders)),
            amount = esc(&amount),
            age = c.age_days,
            step = esc(words::next_step_en(c.status)),
            step_th = esc(words::next_step_th(c.status)),
        );
    }
    h.push_str("</tbody></table>\n");
    if open.len() > CASE_LIMIT {
        let _ = writeln!(
            h,
            "<p class=\"more\" id=\"cases-more\">and {} more: see exceptions.csv</p>",
            open.len() - CASE_LIMIT
        );
    }
    h.push_str("</section>\n");
}

/// Every status in plain words: what the badges say and mean.
fn legend(h: &mut String) {
    h.push_str(
        "<h2>What the statuses mean</h2>\n<table id=\"legend\"><thead><tr><th>Status</th>\
         <th>Meaning</th><th>In the files</th></tr></thead><tbody>\n",
    );
    for st in Status::ALL {
        let _ = writeln!(
            h,
            "<tr><td data-label=\"Status\"><span class=\"badge\" style=\"background:{color}\">{en}</span>\
             <div class=\"th\">{th}</div></td><td data-label=\"Meaning\">{m}<div class=\"th\">{m_th}</div></td>\
             <td data-label=\"In the files\"><code>{code}</code></td></tr>",
            color = status_color(st),
            en = esc(words::status_en(st)),
            th = esc(words::status_th(st)),
            m = esc(words::meaning_en(st)),
            m_th = esc(words::meaning_th(st)),
            code = esc(st.as_str()),
        );
    }
    h.push_str("</tbody></table>\n");
}

/// A page lists at most this many rows per table: beyond that a browser
/// struggles and a person uses the CSV or the workbook anyway.
const LIST_LIMIT: usize = 2000;

fn more_rows(h: &mut String, total: usize, file: &str) {
    if total > LIST_LIMIT {
        let _ = writeln!(
            h,
            "<p class=\"more\">Showing the first {LIST_LIMIT} of {total} rows; all are in {} and the workbook.</p>",
            esc(file)
        );
    }
}

/// The orders and statement lines a decision stands on (matched by a
/// person, settled outside Recon, declined): who decided, when, and why.
/// Listed only on a day with such rows.
fn decided_section(h: &mut String, tables: &Tables<'_>) {
    if tables.applied().is_empty() {
        return;
    }
    // Column positions by name, in the table's own header.
    let col = |table: TableId, name: &str| {
        table
            .header()
            .iter()
            .position(|c| *c == name)
            .unwrap_or_default()
    };
    let mut rows: Vec<(TableId, usize)> = Vec::new();
    for table in [TableId::Reconciliation, TableId::Statement] {
        for i in 0..tables.len(table) {
            if tables.decision(table, i).is_some() {
                rows.push((table, i));
            }
        }
    }
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h2>Decided ({})</h2>", rows.len());
    let mut cells = Vec::new();
    table_html(
        h,
        "decided",
        &[
            "Kind",
            "Id",
            "Status",
            "Amount",
            "Currency",
            "Decided at",
            "Note",
        ],
        rows.iter().take(LIST_LIMIT).map(|&(table, i)| {
            let status = tables.row(table, i, &mut cells);
            let (kind, amount) = match table {
                TableId::Reconciliation => (KIND_ORDER, col(table, "expected_amount")),
                _ => (KIND_LINE, col(table, "amount")),
            };
            let c = &cells;
            Row {
                status,
                badge: tables.decision(table, i).map(Badge::Standing),
                cells: vec![
                    Cell::Text(kind),
                    c[0],
                    c[1],
                    c[amount],
                    c[col(table, "currency")],
                    c[col(table, "decided_at")],
                    c[col(table, "decision_note")],
                ],
            }
        }),
    );
    more_rows(h, rows.len(), "reconciliation.csv and statement.csv");
}

fn headline(h: &mut String, s: &Summary) {
    let rate = s
        .match_rate
        .map_or("–".to_string(), |r| format!("{:.1}%", r * 100.0));
    h.push_str("<div class=\"cards\" id=\"headline\">\n");
    for (value, label) in [
        (s.orders.total.to_string(), "orders"),
        (s.orders.matched.to_string(), "matched orders"),
        (rate, "match rate"),
        (s.cases.open.to_string(), "cases to review"),
        (s.statement.total.to_string(), "statement lines"),
        (s.slips.total.to_string(), "slips"),
        (s.quarantine.to_string(), "quarantined rows"),
    ] {
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"v\">{}</div><div class=\"l\">{}</div></div>",
            esc(&value),
            esc(label)
        );
    }
    h.push_str("</div>\n");
    let decided = s.orders.decisions.clone().unwrap_or_default();
    let _ = writeln!(
        h,
        "<p id=\"decisions\">Decisions: orders matched by decision {} · orders resolved {} · \
         stale decisions {}</p>",
        decided.matched_by_decision,
        decided.resolved,
        s.stale_decisions.len()
    );
}

fn match_rate_chart(h: &mut String, s: &Summary) {
    let r = 54.0_f64;
    let circ = 2.0 * std::f64::consts::PI * r;
    let rate = s.match_rate.unwrap_or(0.0).clamp(0.0, 1.0);
    let label = s
        .match_rate
        .map_or("no orders".to_string(), |r| format!("{:.1}%", r * 100.0));
    let _ = writeln!(
        h,
        "<div class=\"chart\" id=\"chart-match-rate\"><h3>Match rate</h3>\
         <svg viewBox=\"0 0 160 160\" style=\"max-width:160px\" role=\"img\" aria-label=\"match rate {label}\">\
         <circle cx=\"80\" cy=\"80\" r=\"{r}\" fill=\"none\" stroke=\"#eee\" stroke-width=\"20\"/>\
         <circle cx=\"80\" cy=\"80\" r=\"{r}\" fill=\"none\" stroke=\"{green}\" stroke-width=\"20\" \
         stroke-dasharray=\"{on:.2} {circ:.2}\" transform=\"rotate(-90 80 80)\"/>\
         <text x=\"80\" y=\"86\" text-anchor=\"middle\" font-size=\"20\" font-weight=\"bold\">{label}</text>\
         </svg><div>{m} of {t} orders matched</div></div>",
        green = status_color(Status::Matched),
        on = circ * rate,
        m = s.orders.matched,
        t = s.orders.total,
    );
}

/// Horizontal bars, one group per currency, scaled within the currency.
fn amounts_chart(h: &mut String, s: &Summary) {
    let mut by_currency: BTreeMap<Currency, Vec<(Status, recon_core::Money)>> = BTreeMap::new();
    for t in &s.orders.tallies {
        if let Some(m) = t.amount {
            by_currency
                .entry(m.currency)
                .or_default()
                .push((t.status, m));
        }
    }
    h.push_str("<div class=\"chart\" id=\"chart-amounts\"><h3>Order amounts by status</h3>");
    if by_currency.is_empty() {
        h.push_str("<p class=\"empty\">No orders.</p></div>\n");
        return;
    }
    let bar_h = 18;
    let rows: usize = by_currency.values().map(|v| v.len() + 1).sum();
    let height = rows * (bar_h + 6) + 4;
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 560 {height}\" style=\"max-width:560px\" role=\"img\" aria-label=\"order amounts by status\">"
    );
    let mut y = 0;
    for (currency, bars) in &by_currency {
        let max = bars
            .iter()
            .map(|(_, m)| m.amount.abs())
            .max()
            .unwrap_or(Decimal::ZERO);
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{}\" font-size=\"13\" font-weight=\"bold\">{}</text>",
            y + bar_h - 4,
            esc(currency.code())
        );
        y += bar_h + 6;
        for (status, m) in bars {
            let frac = if max.is_zero() {
                0.0
            } else {
                (m.amount.abs() / max).to_f64().unwrap_or(0.0)
            };
            let w = (frac * 220.0).max(1.0);
            let _ = write!(
                h,
                "<text x=\"0\" y=\"{ty}\" font-size=\"12\">{st}</text>\
                 <rect x=\"190\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{c}\"/>\
                 <text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"12\">{amt} {cur}</text>",
                ty = y + bar_h - 4,
                st = esc(words::status_en(*status)),
                c = status_color(*status),
                tx = 190.0 + w + 6.0,
                amt = esc(&grouped(&m.plain())),
                cur = esc(currency.code()),
            );
            y += bar_h + 6;
        }
    }
    h.push_str("</svg></div>\n");
}

/// Open cases per status, in plain words (the rows behind them are in the
/// footnote).
fn cases_chart(h: &mut String, s: &Summary) {
    let mut bars: Vec<(Status, u64)> = s
        .cases
        .by_status
        .iter()
        .filter(|(_, n)| **n > 0)
        .filter_map(|(k, n)| Some((k.parse::<Status>().ok()?, *n)))
        .collect();
    bars.sort_by_key(|(st, _)| st.risk());
    h.push_str("<div class=\"chart\" id=\"chart-cases\"><h3>Open cases by status</h3>");
    if bars.is_empty() {
        h.push_str("<p class=\"empty\">No open cases.</p></div>\n");
        return;
    }
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let bar_h = 18;
    let height = bars.len() * (bar_h + 6) + 4;
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 460 {height}\" style=\"max-width:460px\" role=\"img\" aria-label=\"open cases by status\">"
    );
    for (i, (status, n)) in bars.iter().enumerate() {
        let y = i * (bar_h + 6);
        let w = (*n as f64 / max as f64 * 200.0).max(1.0);
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{ty}\" font-size=\"12\">{st}</text>\
             <rect x=\"190\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{color}\"/>\
             <text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"12\">{n}</text>",
            ty = y + bar_h - 4,
            st = esc(words::status_en(*status)),
            color = status_color(*status),
            tx = 190.0 + w + 6.0,
        );
    }
    let _ = writeln!(
        h,
        "</svg><div>{} open of {} cases · rows in exceptions.csv: orders {} · statement lines {} · slips {}</div></div>",
        s.cases.open,
        s.cases.total,
        s.exceptions.by_kind.get("order").unwrap_or(&0),
        s.exceptions.by_kind.get("statement_line").unwrap_or(&0),
        s.exceptions.by_kind.get("slip").unwrap_or(&0),
    );
}

/// Bar colours by age: the older an open break, the darker the red.
fn age_color(bucket: AgeBucket) -> &'static str {
    match bucket {
        AgeBucket::Fresh => "#f4a582",
        AgeBucket::Week => "#e0684a",
        AgeBucket::Month => "#c62828",
        AgeBucket::Old => "#7f0000",
    }
}

/// Open exceptions per age bucket, every bucket shown (a zero bar is news
/// too).
fn age_chart(h: &mut String, s: &Summary) {
    let b = &s.breaks;
    h.push_str("<div class=\"chart\" id=\"chart-age\"><h3>Open exception rows by age</h3>");
    let max = b.open_by_age.values().copied().max().unwrap_or(0).max(1);
    let bar_h = 18;
    let height = AgeBucket::ALL.len() * (bar_h + 6) + 4;
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 360 {height}\" style=\"max-width:360px\" role=\"img\" aria-label=\"open exception rows by age in days\">"
    );
    for (i, bucket) in AgeBucket::ALL.into_iter().enumerate() {
        let n = b.open_by_age.get(bucket.label()).copied().unwrap_or(0);
        let y = i * (bar_h + 6);
        let w = if n == 0 {
            0.0
        } else {
            (n as f64 / max as f64 * 200.0).max(1.0)
        };
        let _ = write!(
            h,
            "<text x=\"0\" y=\"{ty}\" font-size=\"12\">{label} days</text>\
             <rect class=\"age-bar\" x=\"80\" y=\"{y}\" width=\"{w:.1}\" height=\"{bar_h}\" fill=\"{color}\"/>\
             <text x=\"{tx:.1}\" y=\"{ty}\" font-size=\"12\">{n}</text>",
            ty = y + bar_h - 4,
            label = esc(bucket.label()),
            color = age_color(bucket),
            tx = 80.0 + w + 6.0,
        );
    }
    let _ = writeln!(
        h,
        "</svg><div>new {} · persisting {} · resolved today {}</div></div>",
        b.new, b.persisting, b.resolved
    );
}

/// The lifecycle counts and a table of open exceptions per age bucket and
/// kind, with the order amounts and the money in they stand for.
fn by_age_section(h: &mut String, s: &Summary) {
    let b = &s.breaks;
    h.push_str("<h2>Open exception rows by age</h2>\n<div class=\"cards\" id=\"lifecycle\">\n");
    for (value, label) in [
        (b.new, "new today"),
        (b.persisting, "persisting"),
        (b.resolved, "resolved today"),
    ] {
        let _ = writeln!(
            h,
            "<div class=\"card\"><div class=\"v\">{value}</div><div class=\"l\">{}</div></div>",
            esc(label)
        );
    }
    h.push_str(
        "</div>\n<table id=\"open-by-age\"><thead><tr><th>Age (days)</th><th>Open</th><th>Orders</th>\
         <th>Statement lines</th><th>Slips</th><th>Order amounts</th><th>Money in</th></tr></thead><tbody>\n",
    );
    for bucket in AgeBucket::ALL {
        let label = bucket.label();
        let kinds = b.open_by_age_and_kind.get(label);
        let kind = |k: ItemKind| kinds.and_then(|m| m.get(k.as_str()));
        let count = |k: ItemKind| kind(k).map_or(0, |a| a.count);
        let sums = |k: ItemKind| {
            kind(k).map_or(String::new(), |a| {
                a.amounts
                    .iter()
                    .map(|(cur, amt)| format!("{} {cur}", grouped(amt)))
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
        };
        let _ = writeln!(
            h,
            "<tr><td data-label=\"Age (days)\">{}</td><td class=\"n\" data-label=\"Open\">{}</td>\
             <td class=\"n\" data-label=\"Orders\">{}</td><td class=\"n\" data-label=\"Statement lines\">{}</td>\
             <td class=\"n\" data-label=\"Slips\">{}</td><td class=\"n\" data-label=\"Order amounts\">{}</td>\
             <td class=\"n\" data-label=\"Money in\">{}</td></tr>",
            esc(label),
            b.open_by_age.get(label).copied().unwrap_or(0),
            count(ItemKind::Order),
            count(ItemKind::StatementLine),
            count(ItemKind::Slip),
            esc(&sums(ItemKind::Order)),
            esc(&sums(ItemKind::StatementLine)),
        );
    }
    h.push_str("</tbody></table>\n");
}

/// Orders, matched orders and open cases per day over the last 30 days up
/// to this one, from the ledger.
fn trend_chart(h: &mut String, s: &Summary, trend: &[TrendPoint]) {
    let mut points: Vec<&TrendPoint> = trend.iter().filter(|p| p.day <= s.day).collect();
    points.sort_by_key(|p| p.day);
    points.dedup_by_key(|p| p.day);
    let skip = points.len().saturating_sub(30);
    let points = &points[skip..];
    h.push_str("<div class=\"chart\" id=\"chart-trend\"><h3>30-day trend</h3>");
    if points.is_empty() {
        h.push_str("<p class=\"empty\">No runs in the ledger yet.</p></div>\n");
        return;
    }
    let (w, ht, left, top, bottom) = (640.0_f64, 220.0_f64, 40.0, 10.0, 30.0);
    let plot_w = w - left - 10.0;
    let plot_h = ht - top - bottom;
    let max = points
        .iter()
        .map(|p| p.orders.max(p.matched).max(p.cases))
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let x = |i: usize| {
        if points.len() == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (points.len() - 1) as f64
        }
    };
    let y = |v: u64| top + plot_h - plot_h * v as f64 / max;
    let _ = write!(
        h,
        "<svg viewBox=\"0 0 {w} {ht}\" style=\"max-width:{w}px\" role=\"img\" aria-label=\"30-day trend\">\
         <line x1=\"{left}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#999\"/>\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{b}\" stroke=\"#999\"/>\
         <text x=\"{lx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\">{max}</text>\
         <text x=\"{lx}\" y=\"{b}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        b = top + plot_h,
        r = left + plot_w,
        lx = left - 4.0,
        ty = top + 10.0,
    );
    type Pick = fn(&TrendPoint) -> u64;
    let series: [(&str, &str, Pick); 3] = [
        ("orders", "#555", |p| p.orders),
        ("matched", status_color(Status::Matched), |p| p.matched),
        ("cases", "#c62828", |p| p.cases),
    ];
    for (name, color, pick) in series {
        let pts: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(pick(p))))
            .collect();
        let _ = write!(
            h,
            "<polyline class=\"series-{name}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            pts.join(" ")
        );
        for (i, p) in points.iter().enumerate() {
            let _ = write!(
                h,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{color}\"/>",
                x(i),
                y(pick(p))
            );
        }
    }
    let first = points[0].day.to_string();
    let last = points[points.len() - 1].day.to_string();
    let _ = writeln!(
        h,
        "<text x=\"{left}\" y=\"{ly}\" font-size=\"11\">{}</text>\
         <text x=\"{r}\" y=\"{ly}\" font-size=\"11\" text-anchor=\"end\">{}</text></svg>\
         <div><span style=\"color:#555\">■ orders</span> · <span style=\"color:#2e7d32\">■ matched</span> · \
         <span style=\"color:#c62828\">■ open cases</span> ({} days)</div></div>",
        esc(&first),
        esc(&last),
        points.len(),
        ly = ht - 8.0,
        r = left + plot_w,
    );
}

/// What a row of a page table shows beside its status.
enum Badge<'d> {
    /// The decision standing on the row: `confirmed by somchai`.
    Standing(&'d Decision),
    /// A stale decision waiting for a person: `stale confirm by somchai`.
    Waiting(&'d Decision),
}

impl Badge<'_> {
    fn html(&self) -> String {
        let (class, text) = match self {
            Badge::Standing(d) => {
                let word = past_tense(d.kind);
                let text = match d.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(reason) => format!("{word} ({reason}) by {}", d.by),
                    None => format!("{word} by {}", d.by),
                };
                ("decided", text)
            }
            Badge::Waiting(d) => ("decided stale", format!("stale {} by {}", d.kind, d.by)),
        };
        format!("<span class=\"{class}\">{}</span>", esc(&text))
    }
}

/// One row of a page table: its cells, its status (for the fill and the
/// status cell) and what it shows beside the status.
struct Row<'a, 'd> {
    status: Option<Status>,
    badge: Option<Badge<'d>>,
    cells: Vec<Cell<'a>>,
}

fn table_html<'a, 'd>(
    h: &mut String,
    id: &str,
    header: &[&str],
    rows: impl Iterator<Item = Row<'a, 'd>>,
) {
    let _ = write!(h, "<table id=\"{}\"><thead><tr>", esc(id));
    for c in header {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead><tbody>\n");
    for Row {
        status,
        mut badge,
        cells,
    } in rows
    {
        match status.and_then(crate::xlsx::status_fill) {
            Some(rgb) => {
                let _ = write!(h, "<tr style=\"background:#{rgb:06X}\">");
            }
            None => h.push_str("<tr>"),
        }
        for (cell, label) in cells.iter().zip(header.iter().map(|l| esc(l))) {
            let text = match cell {
                Cell::Money(m) => grouped(&m.plain()),
                other => other.plain(),
            };
            let numeric = matches!(cell, Cell::Money(_) | Cell::Count(_) | Cell::Score(_));
            let is_status =
                matches!(cell, Cell::Text(t) if status.is_some_and(|s| s.as_str() == *t));
            if is_status {
                let color = status.map_or("#222", status_color);
                // Beside the status cell only (once, whatever else reads alike).
                let badge = badge.take().as_ref().map(Badge::html).unwrap_or_default();
                let _ = write!(
                    h,
                    "<td class=\"st\" style=\"color:{color}\" data-label=\"{label}\">{}{badge}</td>",
                    esc(&text)
                );
            } else if matches!(cell, Cell::Date(_)) {
                let _ = write!(
                    h,
                    "<td class=\"d\" data-label=\"{label}\">{}</td>",
                    esc(&text)
                );
            } else if numeric {
                let _ = write!(
                    h,
                    "<td class=\"n\" data-label=\"{label}\">{}</td>",
                    esc(&text)
                );
            } else {
                let _ = write!(h, "<td data-label=\"{label}\">{}</td>", esc(&text));
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("นาย สมชาย"), "นาย สมชาย");
    }

    #[test]
    fn groups_thousands_for_display() {
        assert_eq!(grouped("1234567.50"), "1,234,567.50");
        assert_eq!(grouped("-1500.00"), "-1,500.00");
        assert_eq!(grouped("999.00"), "999.00");
        assert_eq!(grouped("1000"), "1,000");
    }
}
