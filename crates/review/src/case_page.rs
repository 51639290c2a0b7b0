//! One case: the slip (its picture, or the fields the provider read)
//! beside the statement line and the order, the reasons in plain words,
//! the lines Recon considered with their scores, and the decisions a
//! person can take on it, each with its key.

use std::fmt::Write;

use recon_core::{
    Case, DecisionKind, ItemKind, Money, OrderOutcome, Party, Reason, Resolution, Slip,
    SlipOutcome, StatementOutcome, Status, WriteOffReason,
};
use recon_engine::view::{DayView, is_picture};
use recon_report::words;

use crate::page::{badge, esc, money, time, url};
use crate::queue::case_href;

/// What happened on the last request, shown above the case.
#[derive(Debug, Default)]
pub struct Notice {
    pub done: Option<String>,
    pub error: Option<String>,
}

fn dl(h: &mut String, rows: &[(&str, String)]) {
    h.push_str("<dl>");
    for (k, v) in rows.iter().filter(|(_, v)| !v.is_empty()) {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    h.push_str("</dl>");
}

fn why(h: &mut String, reasons: &[Reason]) {
    if reasons.is_empty() {
        return;
    }
    h.push_str("<ul class=\"why\">");
    for r in reasons {
        let _ = write!(
            h,
            "<li>{}<small lang=\"th\">{}</small></li>",
            esc(&words::reason_en(r)),
            esc(&words::reason_th(r))
        );
    }
    h.push_str("</ul>");
}

fn party(p: &Party) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(n) = &p.name {
        parts.push(n.clone());
    }
    if let Some(n) = &p.alt_name {
        parts.push(format!("({n})"));
    }
    if let Some(b) = &p.bank {
        parts.push(b.clone());
    }
    if let Some(a) = &p.account {
        parts.push(a.to_string());
    }
    parts.join(" ")
}

fn slip_panel(h: &mut String, view: &DayView, s: &SlipOutcome) {
    let day = view.day.to_string();
    let _ = write!(
        h,
        "<section class=\"panel slip\"><h3>Slip {}</h3>{}",
        esc(&s.file),
        badge(s.status)
    );
    if is_picture(&s.file) {
        let _ = write!(
            h,
            "<a href=\"/day/{d}/slip?name={n}\"><img id=\"slip-picture\" src=\"/day/{d}/slip?name={n}\" alt=\"the slip picture the customer uploaded\"></a>",
            d = url(&day),
            n = url(&s.file)
        );
    }
    match view.slips.get(&s.file) {
        Some(slip) => slip_fields(h, slip),
        None => {
            let _ = write!(
                h,
                "<p class=\"muted\">{}</p>",
                if is_picture(&s.file) {
                    "Not read yet: no fields to show."
                } else {
                    "The saved provider answer could not be read."
                }
            );
        }
    }
    why(h, &s.reasons);
    h.push_str("</section>");
}

fn slip_fields(h: &mut String, slip: &Slip) {
    dl(
        h,
        &[
            ("Read by", slip.provider.to_string()),
            ("Amount", slip.amount.map(|m| money(&m)).unwrap_or_default()),
            ("Fee", slip.fee.map(|m| money(&m)).unwrap_or_default()),
            (
                "Transferred",
                slip.transferred_at.map(|t| time(&t)).unwrap_or_default(),
            ),
            ("From", party(&slip.sender)),
            ("To", party(&slip.receiver)),
            (
                "Transaction ref.",
                slip.trans_ref
                    .as_ref()
                    .map(|t| t.0.clone())
                    .unwrap_or_default(),
            ),
            ("Remark", slip.remark.clone().unwrap_or_default()),
        ],
    );
}

fn line_panel(h: &mut String, view: &DayView, l: &StatementOutcome, title: &str) {
    let id = l.line.to_string();
    let _ = write!(
        h,
        "<section class=\"panel line\"><h3>{title} {}</h3>{}",
        esc(&id),
        badge(l.status)
    );
    let rec = view.lines.get(&id);
    dl(
        h,
        &[
            ("Amount", money(&l.amount)),
            (
                "Booked",
                rec.map(|r| time(&r.booked_at)).unwrap_or_default(),
            ),
            (
                "Account",
                rec.map(|r| r.account.clone()).unwrap_or_default(),
            ),
            (
                "From",
                rec.map(|r| party(&r.counterparty))
                    .or_else(|| l.counterparty_name.clone())
                    .unwrap_or_default(),
            ),
            (
                "Reference",
                rec.and_then(|r| r.reference.clone()).unwrap_or_default(),
            ),
            (
                "Description",
                rec.and_then(|r| r.description.clone()).unwrap_or_default(),
            ),
        ],
    );
    why(h, &l.reasons);
    h.push_str("</section>");
}

fn order_panel(h: &mut String, view: &DayView, o: &OrderOutcome) {
    let _ = write!(
        h,
        "<section class=\"panel order\"><h3>Order {}</h3>{}",
        esc(&o.order_id.0),
        badge(o.status)
    );
    let rec = view.orders.get(&o.order_id.0);
    dl(
        h,
        &[
            ("Customer", o.customer_name.clone()),
            ("Amount", money(&o.expected)),
            ("Paid", o.paid.map(|m| money(&m)).unwrap_or_default()),
            (
                "Ordered",
                rec.map(|r| time(&r.ordered_at)).unwrap_or_default(),
            ),
            ("Slip", o.slip.clone().unwrap_or_default()),
            ("From", o.source.to_string()),
        ],
    );
    h.push_str("</section>");
}

/// A line the order could be linked to, with what speaks for it.
struct Candidate<'a> {
    line: &'a StatementOutcome,
    score: Option<f64>,
    off_by: Option<Money>,
}

/// The free lines an open order could be linked to: its own candidates,
/// or the open lines of money in of its currency, nearest amount first,
/// then the better name (at most eight).
fn candidates<'a>(view: &'a DayView, case: &Case<'a>, o: &OrderOutcome) -> Vec<Candidate<'a>> {
    let mut lines: Vec<&StatementOutcome> = case.candidates.clone();
    if lines.is_empty() {
        lines = view
            .result
            .statement
            .iter()
            .filter(|l| {
                l.order_ids.is_empty()
                    && l.status.is_exception()
                    && l.amount.is_positive()
                    && l.amount.currency == o.expected.currency
            })
            .collect();
    }
    let mut out: Vec<Candidate<'_>> = lines
        .into_iter()
        .map(|l| {
            let payer = view
                .lines
                .get(&l.line.to_string())
                .and_then(|r| r.counterparty.name.clone())
                .or_else(|| l.counterparty_name.clone());
            Candidate {
                line: l,
                score: payer.map(|p| recon_matcher::name_similarity(&o.customer_name, &p)),
                off_by: l.amount.checked_sub(&o.expected),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        let off = |c: &Candidate<'_>| c.off_by.map(|m| m.amount.abs());
        off(a)
            .cmp(&off(b))
            .then_with(|| {
                b.score
                    .unwrap_or(0.0)
                    .partial_cmp(&a.score.unwrap_or(0.0))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
            .then_with(|| a.line.line.cmp(&b.line.line))
    });
    out.truncate(8);
    out
}

fn hidden(h: &mut String, csrf: &str, kind: DecisionKind, case: &Case<'_>) {
    let _ = write!(
        h,
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"kind\" value=\"{}\">\
         <input type=\"hidden\" name=\"id\" value=\"{}\">\
         <input type=\"hidden\" name=\"seen\" value=\"{}\">",
        esc(csrf),
        kind.as_str(),
        esc(&case.anchor.id),
        case.status.as_str()
    );
}

fn note(h: &mut String, id: &str) {
    let _ = write!(
        h,
        "<label class=\"muted\">Note<input name=\"note\" id=\"{id}\" maxlength=\"500\"></label>"
    );
}

fn form_open(h: &mut String, day: &str, name: &str, title: &str) {
    let _ = write!(
        h,
        "<form method=\"post\" action=\"/day/{}/decide\" id=\"{name}\"><h4>{title}</h4>",
        url(day)
    );
}

/// The decisions this case allows, as forms.
fn actions(h: &mut String, view: &DayView, case: &Case<'_>, csrf: &str) {
    let day = view.day.to_string();
    let decided = view.in_force.by_case.get(&case.anchor);
    h.push_str("<h2>Decide</h2><div class=\"actions\">");
    if let Some(d) = decided {
        form_open(h, &day, "reopen", "Reopen");
        hidden(h, csrf, DecisionKind::Reopen, case);
        let _ = write!(
            h,
            "<p class=\"muted\">{} by {} at {}{}</p>",
            esc(d.kind.as_str()),
            esc(&d.by),
            esc(&time(&d.at)),
            if d.note.is_empty() {
                String::new()
            } else {
                format!(": {}", esc(&d.note))
            }
        );
        note(h, "reopen-note");
        h.push_str(
            "<button type=\"submit\" data-key=\"o\" data-press=\"1\">Reopen<kbd>o</kbd></button></form>",
        );
    }
    if case.is_open() {
        if let Some(o) = case.order {
            if matches!(o.status, Status::NameMismatch | Status::AmountMismatch) {
                form_open(
                    h,
                    &day,
                    "confirm",
                    "Confirm: this money pays this order as it stands",
                );
                hidden(h, csrf, DecisionKind::Confirm, case);
                note(h, "confirm-note");
                h.push_str("<button type=\"submit\" data-key=\"c\" data-press=\"1\">Confirm<kbd>c</kbd></button></form>");
            }
            if o.status == Status::AmountMismatch {
                let diff = recon_matcher::decided::difference(&o.reasons);
                form_open(h, &day, "write_off", "Write off the difference");
                hidden(h, csrf, DecisionKind::WriteOff, case);
                let _ = write!(
                    h,
                    "<label class=\"muted\">Amount ({})<input name=\"amount\" id=\"write-off-amount\" inputmode=\"decimal\" value=\"{}\" data-key=\"w\"></label>\
                     <label class=\"muted\">Reason<select name=\"reason\" id=\"write-off-reason\">",
                    o.expected.currency.code(),
                    diff.map(|d| d.plain()).unwrap_or_default()
                );
                for r in WriteOffReason::ALL {
                    let _ = write!(h, "<option value=\"{0}\">{0}</option>", r.as_str());
                }
                h.push_str("</select></label>");
                note(h, "write-off-note");
                h.push_str("<button type=\"submit\">Write off</button></form>");
            }
            if !o.statement_lines.is_empty() {
                form_open(
                    h,
                    &day,
                    "decline",
                    "Decline: this money is not this order's",
                );
                hidden(h, csrf, DecisionKind::Decline, case);
                note(h, "decline-note");
                h.push_str("<button type=\"submit\" class=\"quiet\" data-key=\"d\" data-press=\"1\">Decline<kbd>d</kbd></button></form>");
            }
            let cands = candidates(view, case, o);
            if !cands.is_empty() {
                form_open(h, &day, "link", "Link to a bank line");
                hidden(h, csrf, DecisionKind::Link, case);
                h.push_str(
                    "<table class=\"cands\"><thead><tr><th></th><th>Line</th><th>Amount</th>\
                     <th>Off by</th><th>Payer</th><th>Name score</th><th>Booked</th></tr></thead><tbody>",
                );
                for (i, c) in cands.iter().enumerate() {
                    let id = c.line.line.to_string();
                    let rec = view.lines.get(&id);
                    let key = if i == 0 { " data-key=\"l\"" } else { "" };
                    let _ = write!(
                        h,
                        "<tr class=\"cand\"><td><input type=\"radio\" name=\"with\" value=\"{v}\" id=\"with-{i}\"{key}{checked}></td>\
                         <td><label for=\"with-{i}\">{v}</label></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                         <td>{}</td><td class=\"n score\">{}</td><td>{}</td></tr>",
                        money(&c.line.amount),
                        c.off_by.map(|m| money(&m)).unwrap_or_default(),
                        esc(rec
                            .and_then(|r| r.counterparty.name.as_deref())
                            .or(c.line.counterparty_name.as_deref())
                            .unwrap_or("")),
                        c.score.map(|s| format!("{s:.3}")).unwrap_or_default(),
                        rec.map(|r| time(&r.booked_at)).unwrap_or_default(),
                        v = esc(&id),
                        checked = if i == 0 { " checked" } else { "" },
                    );
                }
                h.push_str("</tbody></table>");
                note(h, "link-note");
                h.push_str("<button type=\"submit\">Link<kbd>l</kbd></button></form>");
            }
        }
        form_open(h, &day, "resolve", "Resolve: settled outside Recon");
        hidden(h, csrf, DecisionKind::Resolve, case);
        h.push_str("<label class=\"muted\">How<select name=\"reason\" id=\"resolve-reason\" data-key=\"r\">");
        for r in Resolution::ALL {
            let _ = write!(h, "<option value=\"{0}\">{0}</option>", r.as_str());
        }
        h.push_str("</select></label>");
        note(h, "resolve-note");
        h.push_str("<button type=\"submit\" class=\"quiet\">Resolve<kbd>r</kbd></button></form>");
    } else if decided.is_none() {
        h.push_str("<p class=\"muted\">Nothing to decide: this case is closed.</p>");
    }
    h.push_str("</div>");
}

/// The case page's body; `next` is the case after it in the queue.
pub fn render(
    view: &DayView,
    case: &Case<'_>,
    next: Option<&Case<'_>>,
    notice: &Notice,
    csrf: &str,
) -> String {
    let day = view.day.to_string();
    let mut h = String::new();
    if let Some(done) = &notice.done {
        let _ = write!(h, "<div class=\"note\" id=\"done\">{}</div>", esc(done));
    }
    if let Some(e) = &notice.error {
        let _ = write!(h, "<div class=\"error\" id=\"error\">{}</div>", esc(e));
    }
    let what = match case.anchor.kind {
        ItemKind::Order => "Order",
        ItemKind::StatementLine => "Bank line",
        ItemKind::Slip => "Slip",
    };
    let _ = write!(
        h,
        "<h2 id=\"case\" data-kind=\"{}\" data-id=\"{}\" data-status=\"{}\">{what} {} {}</h2>\
         <p><b>What to do:</b> {}<br><small lang=\"th\">{}</small></p>",
        case.anchor.kind.as_str(),
        esc(&case.anchor.id),
        case.status.as_str(),
        esc(&case.anchor.id),
        badge(case.status),
        esc(words::next_step_en(case.status)),
        esc(words::next_step_th(case.status)),
    );
    if let Some(o) = case.order {
        h.push_str("<h2>Why</h2>");
        why(&mut h, &o.reasons);
    } else if let Some(l) = case
        .lines
        .first()
        .filter(|_| case.anchor.kind == ItemKind::StatementLine)
    {
        h.push_str("<h2>Why</h2>");
        why(&mut h, &l.reasons);
    }
    h.push_str("<div class=\"panels\">");
    if case.slips.is_empty() {
        h.push_str("<section class=\"panel slip\"><h3>Slip</h3><p class=\"muted\">No slip was uploaded for this case.</p></section>");
    }
    for s in &case.slips {
        slip_panel(&mut h, view, s);
    }
    for l in &case.lines {
        line_panel(&mut h, view, l, "Bank line");
    }
    if case.lines.is_empty() && case.order.is_some() {
        h.push_str("<section class=\"panel line\"><h3>Bank line</h3><p class=\"muted\">No statement line carries this money yet.</p></section>");
    }
    if let Some(o) = case.order {
        order_panel(&mut h, view, o);
    }
    h.push_str("</div>");
    actions(&mut h, view, case, csrf);
    if let Some(n) = next {
        let _ = write!(
            h,
            "<p><a id=\"next\" href=\"{}\">Next case: {}<kbd>n</kbd></a></p>",
            case_href(&day, n),
            esc(&n.anchor.id)
        );
    }
    h
}
