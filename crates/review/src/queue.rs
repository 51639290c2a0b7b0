//! The queue: one row per case of the day, riskiest first (then by
//! currency, the largest amount, the oldest), with filters and a search.

use std::collections::BTreeSet;
use std::fmt::Write;

use recon_core::carry::AgeBucket;
use recon_core::{Case, ItemKind, Status};
use recon_engine::view::DayView;
use serde::Deserialize;

use crate::page::{badge, esc, money, url};

/// The queue's filters, as the page's GET form sends them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// `open` (the default), `decided`, `all`, or a status word.
    pub status: String,
    /// A currency code, or empty for all.
    pub currency: String,
    /// An age bucket label (`0-1`, `2-7`, `8-30`, `>30`), or empty.
    pub age: String,
    /// One of our accounts, as the statements name it, or empty.
    pub account: String,
    /// Order id, name, amount or transaction reference (any part of it).
    pub q: String,
}

/// What a case row shows and is searched by.
pub struct Row<'a> {
    pub case: &'a Case<'a>,
    pub name: Option<&'a str>,
    pub account: Option<&'a str>,
    pub trans_refs: Vec<&'a str>,
    pub decided: bool,
}

impl<'a> Row<'a> {
    pub fn of(view: &'a DayView, case: &'a Case<'a>) -> Row<'a> {
        let slip_sender = case
            .slips
            .iter()
            .find_map(|s| view.slips.get(&s.file)?.sender.name.as_deref());
        let name = case
            .order
            .map(|o| o.customer_name.as_str())
            .or_else(|| {
                case.lines
                    .iter()
                    .find_map(|l| l.counterparty_name.as_deref())
            })
            .or(slip_sender);
        let account = case
            .lines
            .iter()
            .chain(&case.candidates)
            .find_map(|l| view.lines.get(&l.line.to_string()))
            .map(|l| l.account.as_str());
        Row {
            case,
            name,
            account,
            trans_refs: case
                .slips
                .iter()
                .filter_map(|s| s.trans_ref.as_deref())
                .collect(),
            decided: view.in_force.by_case.contains_key(&case.anchor),
        }
    }

    fn keep(&self, f: &Filters) -> bool {
        let c = self.case;
        let by_status = match f.status.as_str() {
            "" | "open" => c.is_open(),
            "all" => true,
            "decided" => self.decided,
            word => c.status.as_str() == word,
        };
        let by_currency =
            f.currency.is_empty() || c.amount.is_some_and(|m| m.currency.code() == f.currency);
        let by_age = f.age.is_empty() || AgeBucket::of(c.age_days).label() == f.age;
        let by_account = f.account.is_empty() || self.account == Some(f.account.as_str());
        by_status && by_currency && by_age && by_account && self.matches(f.q.trim())
    }

    fn matches(&self, q: &str) -> bool {
        if q.is_empty() {
            return true;
        }
        let q = q.to_lowercase();
        let digits: String = q.chars().filter(|c| *c != ',').collect();
        let c = self.case;
        c.anchor.id.to_lowercase().contains(&q)
            || self.name.is_some_and(|n| n.to_lowercase().contains(&q))
            || self
                .trans_refs
                .iter()
                .any(|t| t.to_lowercase().contains(&q))
            || c.amount.is_some_and(|m| {
                let plain = m.plain();
                plain == digits || plain.starts_with(&format!("{digits}."))
            })
            || c.order
                .is_some_and(|o| o.slip.as_deref().is_some_and(|s| s.contains(&q)))
    }
}

/// The case page's address.
pub fn case_href(day: &str, case: &Case<'_>) -> String {
    format!(
        "/day/{}/case?kind={}&id={}",
        url(day),
        case.anchor.kind.as_str(),
        url(&case.anchor.id)
    )
}

fn kind_word(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Order => "Order",
        ItemKind::StatementLine => "Bank line",
        ItemKind::Slip => "Slip",
    }
}

fn select(h: &mut String, name: &str, label: &str, current: &str, options: &[(String, String)]) {
    let _ = write!(h, "<label>{label}<select name=\"{name}\" id=\"f-{name}\">");
    for (value, text) in options {
        let sel = if value == current { " selected" } else { "" };
        let _ = write!(
            h,
            "<option value=\"{}\"{sel}>{}</option>",
            esc(value),
            esc(text)
        );
    }
    h.push_str("</select></label>");
}

/// The queue page's body.
pub fn render(view: &DayView, cases: &[Case<'_>], f: &Filters, days: &[String]) -> String {
    let day = view.day.to_string();
    let rows: Vec<Row<'_>> = cases.iter().map(|c| Row::of(view, c)).collect();
    let open = rows.iter().filter(|r| r.case.is_open()).count();
    let shown: Vec<&Row<'_>> = rows.iter().filter(|r| r.keep(f)).collect();

    let mut h = String::new();
    let _ = write!(
        h,
        "<h2><span id=\"open-count\">{open}</span> cases to review on {}</h2>",
        esc(&day)
    );
    h.push_str(
        "<p class=\"legend\">Riskiest first: reused or misdirected slips, then wrong amounts, then \
         money we cannot place, then what is only waiting. Keys: <kbd>j</kbd>/<kbd>k</kbd> move, \
         <kbd>Enter</kbd> opens, <kbd>/</kbd> searches.</p>",
    );

    // Filters.
    let _ = write!(
        h,
        "<form class=\"filters\" method=\"get\" action=\"/day/{}\">",
        esc(&day)
    );
    let mut statuses = vec![
        ("open".to_string(), "Open cases".to_string()),
        ("decided".to_string(), "Decided".to_string()),
        ("all".to_string(), "All cases".to_string()),
    ];
    for s in Status::ALL {
        statuses.push((
            s.as_str().to_string(),
            recon_report::words::status_en(s).to_string(),
        ));
    }
    let current = if f.status.is_empty() {
        "open"
    } else {
        &f.status
    };
    select(&mut h, "status", "Status", current, &statuses);
    let currencies: BTreeSet<&str> = cases
        .iter()
        .filter_map(|c| c.amount.map(|m| m.currency.code()))
        .collect();
    let mut opts = vec![(String::new(), "Any".to_string())];
    opts.extend(currencies.iter().map(|c| (c.to_string(), c.to_string())));
    select(&mut h, "currency", "Currency", &f.currency, &opts);
    let mut opts = vec![(String::new(), "Any".to_string())];
    opts.extend(
        AgeBucket::ALL
            .iter()
            .map(|b| (b.label().to_string(), format!("{} days", b.label()))),
    );
    select(&mut h, "age", "Age", &f.age, &opts);
    let accounts: BTreeSet<&str> = rows.iter().filter_map(|r| r.account).collect();
    let mut opts = vec![(String::new(), "Any".to_string())];
    opts.extend(accounts.iter().map(|a| (a.to_string(), a.to_string())));
    select(&mut h, "account", "Account", &f.account, &opts);
    let _ = write!(
        h,
        "<label>Search<input type=\"search\" id=\"q\" name=\"q\" value=\"{}\" placeholder=\"order id, name, amount, transRef\"></label>\
         <button type=\"submit\">Filter</button>",
        esc(&f.q)
    );
    if days.len() > 1 {
        h.push_str("<label>Day<select onchange=\"location='/day/'+this.value\">");
        for d in days.iter().rev() {
            let sel = if *d == day { " selected" } else { "" };
            let _ = write!(h, "<option{sel}>{}</option>", esc(d));
        }
        h.push_str("</select></label>");
    }
    h.push_str("</form>\n");

    if shown.is_empty() {
        h.push_str("<p class=\"muted\" id=\"empty\">No case fits these filters.</p>");
        return h;
    }
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} of {} cases shown</p>\
         <table class=\"queue\"><thead><tr><th>Status</th><th>Case</th><th>Name</th>\
         <th>Amount</th><th>Age</th><th>What to do</th></tr></thead><tbody>",
        shown.len(),
        rows.len()
    );
    for r in shown {
        let c = r.case;
        let href = case_href(&day, c);
        let decided = if r.decided {
            " <span class=\"badge done\">decided</span>"
        } else {
            ""
        };
        let _ = writeln!(
            h,
            "<tr class=\"case\" data-href=\"{href}\" data-kind=\"{}\" data-id=\"{}\" data-status=\"{}\">\
             <td data-label=\"Status\">{}{decided}</td>\
             <td data-label=\"{}\"><a href=\"{href}\">{}</a></td>\
             <td data-label=\"Name\">{}</td>\
             <td class=\"n\" data-label=\"Amount\">{}</td>\
             <td class=\"n\" data-label=\"Age\">{} d</td>\
             <td class=\"next\" data-label=\"What to do\">{}</td></tr>",
            c.anchor.kind.as_str(),
            esc(&c.anchor.id),
            c.status.as_str(),
            badge(c.status),
            kind_word(c.anchor.kind),
            esc(&c.anchor.id),
            esc(r.name.unwrap_or("")),
            c.amount.map(|m| money(&m)).unwrap_or_default(),
            c.age_days,
            esc(recon_report::words::next_step_en(c.status)),
        );
    }
    h.push_str("</tbody></table>\n");
    h
}
