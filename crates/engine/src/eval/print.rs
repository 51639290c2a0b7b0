//! The evaluation as text for a person and as JSON for scripts.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::score::ratio;
use super::*;

/// 4 decimals, `-` when undefined.
pub fn fixed4(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"))
}

/// The same figure as [`fixed4`], as a JSON number (`null` when undefined).
fn json4(value: Option<f64>) -> Value {
    value
        .and_then(|v| format!("{v:.4}").parse::<f64>().ok())
        .and_then(serde_json::Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// `: a, b, c` (with `, ...` when more were counted), or nothing.
fn listed(ex: &Examples) -> String {
    if ex.count == 0 {
        return String::new();
    }
    let more = if ex.count > ex.items.len() {
        ", ..."
    } else {
        ""
    };
    format!(": {}{more}", ex.items.join(", "))
}

impl Evaluation {
    /// The last line, for scripts: `accuracy 0.9953; false matches 1; fraud flagged 575/577`.
    pub fn summary(&self) -> String {
        let o = &self.orders;
        format!(
            "accuracy {}; false matches {}; fraud flagged {}/{}",
            fixed4(o.accuracy()),
            o.false_matches.count,
            o.fraud_flagged,
            o.fraud_total
        )
    }

    /// The plain-text report, one finding per line, the summary last.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let o = &self.orders;
        text_block(&mut out, "orders", "order", "", o);
        let _ = writeln!(
            out,
            "fraud flagged {}/{} (recall {})",
            o.fraud_flagged,
            o.fraud_total,
            fixed4(ratio(o.fraud_flagged, o.fraud_total))
        );
        text_confusions(&mut out, "", o);
        match &self.statement {
            StatementEval::Compared { lines, wrong_links } => {
                text_block(
                    &mut out,
                    "statement lines",
                    "statement",
                    "statement ",
                    lines,
                );
                text_confusions(&mut out, "statement ", lines);
                let shown: Vec<String> = wrong_links
                    .items
                    .iter()
                    .map(|w| {
                        format!(
                            "{} (reported {}, truth {})",
                            w.statement_line,
                            or_none(&w.reported_order_id),
                            or_none(&w.truth_order_id)
                        )
                    })
                    .collect();
                let ex = Examples {
                    count: wrong_links.count,
                    items: shown,
                    cap: EXAMPLES,
                };
                let _ = writeln!(out, "wrong links {}{}", ex.count, listed(&ex));
            }
            StatementEval::Skipped(why) => {
                let _ = writeln!(out, "statement lines: not compared ({why})");
            }
        }
        let _ = writeln!(out, "{}", self.summary());
        out
    }

    /// The same figures as one JSON object.
    pub fn json(&self) -> Value {
        let o = &self.orders;
        let mut orders = json_block(o);
        orders["fraud"] = json!({
            "flagged": o.fraud_flagged,
            "total": o.fraud_total,
            "recall": json4(ratio(o.fraud_flagged, o.fraud_total)),
        });
        let (statement, skipped) = match &self.statement {
            StatementEval::Compared { lines, wrong_links } => {
                let mut block = json_block(lines);
                block["wrong_links"] = json!({
                    "count": wrong_links.count,
                    "examples": wrong_links.items.iter().map(|w| json!({
                        "statement_line": w.statement_line,
                        "reported_order_id": w.reported_order_id,
                        "truth_order_id": w.truth_order_id,
                    })).collect::<Vec<_>>(),
                });
                (block, Value::Null)
            }
            StatementEval::Skipped(why) => (Value::Null, Value::String(why.clone())),
        };
        json!({
            "orders": orders,
            "statement": statement,
            "statement_not_compared": skipped,
            "summary": self.summary(),
        })
    }
}

fn or_none(cell: &str) -> &str {
    if cell.is_empty() { "none" } else { cell }
}

/// Counts, the per-status table, accuracy, false matches and alarms.
fn text_block(out: &mut String, what: &str, accuracy_label: &str, prefix: &str, c: &Comparison) {
    let _ = writeln!(
        out,
        "{what}: truth {}, reported {}, missing {}, extra {}",
        c.truth, c.reported, c.missing.count, c.extra.count
    );
    if c.missing.count > 0 {
        let _ = writeln!(out, "  missing{}", listed(&c.missing));
    }
    if c.extra.count > 0 {
        let _ = writeln!(out, "  extra{}", listed(&c.extra));
    }
    let _ = writeln!(
        out,
        "  {:<22}{:>10}{:>9}{:>8}{:>10}",
        "status", "precision", "recall", "truth", "reported"
    );
    for s in &c.statuses {
        let _ = writeln!(
            out,
            "  {:<22}{:>10}{:>9}{:>8}{:>10}",
            s.status.as_str(),
            fixed4(s.precision()),
            fixed4(s.recall()),
            s.truth,
            s.reported
        );
    }
    let _ = writeln!(
        out,
        "{accuracy_label} accuracy {} ({} of {} correct)",
        fixed4(c.accuracy()),
        c.correct,
        c.truth
    );
    let _ = writeln!(
        out,
        "{prefix}false matches {}{}",
        c.false_matches.count,
        listed(&c.false_matches)
    );
    let _ = writeln!(
        out,
        "{prefix}false alarms {}{}",
        c.false_alarms.count,
        listed(&c.false_alarms)
    );
}

/// The most frequent confusions, with their smallest ids.
fn text_confusions(out: &mut String, prefix: &str, c: &Comparison) {
    if c.confusions.is_empty() {
        let _ = writeln!(out, "{prefix}confusions: none");
        return;
    }
    let _ = writeln!(
        out,
        "{prefix}confusions (truth -> reported, {} of {}):",
        c.confusions.len().min(CONFUSIONS_SHOWN),
        c.confusions.len()
    );
    for k in c.confusions.iter().take(CONFUSIONS_SHOWN) {
        let _ = writeln!(
            out,
            "  {} -> {}: {} ({})",
            k.truth.as_str(),
            k.reported_word(),
            k.ids.count,
            k.ids.items.join(", ")
        );
    }
}

fn json_examples(ex: &Examples) -> Value {
    json!({ "count": ex.count, "examples": ex.items })
}

fn json_block(c: &Comparison) -> Value {
    json!({
        "truth": c.truth,
        "reported": c.reported,
        "missing": json_examples(&c.missing),
        "extra": json_examples(&c.extra),
        "statuses": c.statuses.iter().map(|s| json!({
            "status": s.status.as_str(),
            "precision": json4(s.precision()),
            "recall": json4(s.recall()),
            "truth": s.truth,
            "reported": s.reported,
            "correct": s.correct,
        })).collect::<Vec<_>>(),
        "accuracy": json4(c.accuracy()),
        "correct": c.correct,
        "false_matches": json_examples(&c.false_matches),
        "false_alarms": json_examples(&c.false_alarms),
        "confusions": c.confusions.iter().take(CONFUSIONS_SHOWN).map(|k| json!({
            "truth": k.truth.as_str(),
            "reported": k.reported.map(Status::as_str),
            "count": k.ids.count,
            "examples": k.ids.items,
        })).collect::<Vec<_>>(),
    })
}
