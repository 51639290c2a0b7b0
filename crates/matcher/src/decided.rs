//! What people decided, as the matcher honours it.
//!
//! Before and during the passes ([`Decided`], part of [`crate::DayInput`]):
//! a `link` is fixed evidence, taken before any pass; a declined pair is
//! never linked, by any pass; a learned alias lets a confirmed third-party
//! payer count as the customer.
//!
//! After the passes ([`apply`]): a `confirm`, `write_off` or `resolve`
//! turns the verdict on its case, when the verdict still is what the person
//! saw (`confirm` a proposed link: `name_mismatch`, `amount_mismatch`;
//! `write_off` a difference no larger than the one found); otherwise the
//! decision is stale: not applied, the case carries `stale_decision`, and
//! the decision waits for a person.
//!
//! Never does: storage or checking who may decide what (the engine).

use std::collections::BTreeSet;

use recon_core::{
    Alias, CaseRef, DayDecisions, DayResult, Decision, DecisionKind, InForce, ItemKind, Money,
    Reason, ReasonCode, Status,
};

use crate::name_similarity;

/// The decisions the passes must honour.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decided {
    /// Order id → the statement line ids (`kbank.csv:12`) a person linked
    /// it to.
    pub links: Vec<(String, Vec<String>)>,
    /// (order id, statement line id) pairs never to link.
    pub declined: BTreeSet<(String, String)>,
    /// Customer and payer names a person confirmed belong together.
    pub aliases: Vec<Alias>,
}

impl Decided {
    /// What the passes honour of `in_force`, with the aliases learned
    /// before the day.
    pub fn from_in_force(in_force: &InForce, aliases: Vec<Alias>) -> Decided {
        let mut links = Vec::new();
        for (case, d) in &in_force.by_case {
            if d.kind != DecisionKind::Link {
                continue;
            }
            match case.kind {
                ItemKind::Order => links.push((
                    case.id.clone(),
                    d.with
                        .iter()
                        .filter(|w| w.kind == ItemKind::StatementLine)
                        .map(|w| w.id.clone())
                        .collect(),
                )),
                ItemKind::StatementLine => {
                    for w in d.with.iter().filter(|w| w.kind == ItemKind::Order) {
                        links.push((w.id.clone(), vec![case.id.clone()]));
                    }
                }
                ItemKind::Slip => {}
            }
        }
        Decided {
            links,
            declined: in_force.declined.keys().cloned().collect(),
            aliases,
        }
    }

    pub fn is_declined(&self, order_id: &str, line_id: &str) -> bool {
        !self.declined.is_empty()
            && self
                .declined
                .contains(&(order_id.to_string(), line_id.to_string()))
    }

    /// The alias that makes `payer` count as `customer`, if any: both names
    /// at the name threshold of the alias's.
    pub fn alias_for(&self, customer: &str, payer: &str, threshold: f64) -> Option<&Alias> {
        self.aliases.iter().find(|a| {
            name_similarity(customer, &a.customer) >= threshold
                && name_similarity(payer, &a.payer) >= threshold
        })
    }
}

/// `decided=confirm by somchai`: who decided what, for `reasons`.
fn decided_reason(d: &Decision) -> Reason {
    Reason::with(ReasonCode::Decided, format!("{} by {}", d.kind, d.by))
}

fn stale_reason(d: &Decision, why: &str) -> Reason {
    Reason::with(
        ReasonCode::StaleDecision,
        format!("{} by {}: {why}", d.kind, d.by),
    )
}

/// The difference found on an order, from its `short_by` or `over_by`
/// reason (`50.00 THB`): what a write-off may accept at most.
pub fn difference(reasons: &[Reason]) -> Option<Money> {
    reasons.iter().find_map(|r| {
        if !(r.is(ReasonCode::ShortBy) || r.is(ReasonCode::OverBy)) {
            return None;
        }
        let (amount, currency) = r.detail.as_deref()?.split_once(' ')?;
        Money::parse(amount, currency.parse().ok()?).ok()
    })
}

/// Applies the decisions of `in_force` that turn verdicts (confirm,
/// write_off, resolve; link's verdict comes from the passes) to `result`,
/// and says which stood and which no longer fit.
pub fn apply(result: &mut DayResult, in_force: &InForce) -> DayDecisions {
    let mut out = DayDecisions::default();
    let mut seen: BTreeSet<CaseRef> = BTreeSet::new();
    for o in &mut result.orders {
        let case = CaseRef::order(o.order_id.0.clone());
        let Some(d) = in_force.by_case.get(&case) else {
            continue;
        };
        seen.insert(case.clone());
        let fits = match d.kind {
            DecisionKind::Confirm => match o.status {
                Status::NameMismatch | Status::AmountMismatch => {
                    o.status = Status::Matched;
                    Ok(())
                }
                s => Err(format!("the case is {s} now")),
            },
            DecisionKind::WriteOff => match (o.status, difference(&o.reasons), &d.amount) {
                (Status::AmountMismatch, Some(diff), Some(amount))
                    if amount.currency == diff.currency && amount.amount <= diff.amount =>
                {
                    o.status = Status::Matched;
                    o.reasons.push(Reason::with(
                        ReasonCode::WrittenOff,
                        format!("{amount} {}", d.reason.as_deref().unwrap_or("other")),
                    ));
                    Ok(())
                }
                (Status::AmountMismatch, Some(diff), Some(amount)) => Err(format!(
                    "the difference is {diff} now, less than the {amount} written off"
                )),
                (s, _, _) => Err(format!("the case is {s} now")),
            },
            DecisionKind::Resolve => {
                if o.status.is_exception() {
                    o.status = Status::Resolved;
                    o.reasons.push(Reason::with(
                        ReasonCode::ResolvedAs,
                        d.reason.as_deref().unwrap_or("other"),
                    ));
                    Ok(())
                } else {
                    Err(format!("the case is {} now", o.status))
                }
            }
            DecisionKind::Link => {
                // The passes took the link; it stands when they did.
                let linked: BTreeSet<String> =
                    o.statement_lines.iter().map(|l| l.to_string()).collect();
                let wanted: BTreeSet<String> = d
                    .with
                    .iter()
                    .filter(|w| w.kind == ItemKind::StatementLine)
                    .map(|w| w.id.clone())
                    .collect();
                if !wanted.is_empty() && wanted.is_subset(&linked) {
                    Ok(())
                } else {
                    Err("a linked statement line is not in the day's inputs".to_string())
                }
            }
            DecisionKind::Decline => {
                let lines: Vec<&str> = d.with.iter().map(|w| w.id.as_str()).collect();
                o.reasons
                    .push(Reason::with(ReasonCode::Declined, lines.join("|")));
                Ok(())
            }
            DecisionKind::Reopen => continue,
        };
        match fits {
            Ok(()) => {
                o.reasons.push(decided_reason(d));
                out.applied.insert(case, d.clone());
            }
            Err(why) => {
                o.reasons.push(stale_reason(d, &why));
                out.stale.push((d.clone(), why));
            }
        }
    }
    for l in &mut result.statement {
        let case = CaseRef::line(l.line.to_string());
        let Some(d) = in_force.by_case.get(&case) else {
            continue;
        };
        seen.insert(case.clone());
        let fits = match d.kind {
            DecisionKind::Resolve if l.status.is_exception() => {
                l.status = Status::Resolved;
                l.reasons.push(Reason::with(
                    ReasonCode::ResolvedAs,
                    d.reason.as_deref().unwrap_or("other"),
                ));
                Ok(())
            }
            DecisionKind::Link if !l.order_ids.is_empty() => Ok(()),
            DecisionKind::Decline | DecisionKind::Reopen => continue,
            _ => Err(format!("the line is {} now", l.status)),
        };
        match fits {
            Ok(()) => {
                l.reasons.push(decided_reason(d));
                out.applied.insert(case, d.clone());
            }
            Err(why) => {
                l.reasons.push(stale_reason(d, &why));
                out.stale.push((d.clone(), why));
            }
        }
    }
    for s in &mut result.slips {
        let case = CaseRef {
            kind: ItemKind::Slip,
            id: s.file.clone(),
        };
        let Some(d) = in_force.by_case.get(&case) else {
            continue;
        };
        seen.insert(case.clone());
        match d.kind {
            DecisionKind::Resolve if s.status.is_exception() => {
                s.status = Status::Resolved;
                s.reasons.push(Reason::with(
                    ReasonCode::ResolvedAs,
                    d.reason.as_deref().unwrap_or("other"),
                ));
                s.reasons.push(decided_reason(d));
                out.applied.insert(case, d.clone());
            }
            DecisionKind::Decline | DecisionKind::Reopen => {}
            _ => {
                let why = format!("the slip is {} now", s.status);
                s.reasons.push(stale_reason(d, &why));
                out.stale.push((d.clone(), why));
            }
        }
    }
    // A confirmed or linked order settles its statement lines too.
    let settled: BTreeSet<String> = result
        .orders
        .iter()
        .filter(|o| {
            o.status == Status::Matched
                && out
                    .applied
                    .contains_key(&CaseRef::order(o.order_id.0.clone()))
        })
        .map(|o| o.order_id.0.clone())
        .collect();
    if !settled.is_empty() {
        for l in &mut result.statement {
            if matches!(l.status, Status::NameMismatch | Status::AmountMismatch)
                && !l.order_ids.is_empty()
                && l.order_ids.iter().all(|id| settled.contains(&id.0))
            {
                l.status = Status::Matched;
            }
        }
        for s in &mut result.slips {
            if matches!(s.status, Status::NameMismatch | Status::AmountMismatch)
                && !s.order_ids.is_empty()
                && s.order_ids.iter().all(|id| settled.contains(&id.0))
            {
                s.status = Status::Matched;
            }
        }
    }
    for (case, d) in &in_force.by_case {
        if !seen.contains(case) && !matches!(d.kind, DecisionKind::Decline | DecisionKind::Reopen) {
            out.stale
                .push((d.clone(), format!("{case} is not in the day's inputs")));
        }
    }
    out
}
