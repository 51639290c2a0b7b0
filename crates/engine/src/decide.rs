//! Decisions on a day's cases: what a run honours of them, checking a
//! batch against the day's last result, recording it, and re-running the
//! day (and the later days built on it) so the reports show it at once.
//!
//! Owns the rules of who may decide what: `confirm` a proposed link
//! (`name_mismatch`, `amount_mismatch`); `link` an open order to free
//! statement lines; `decline` a pair; `write_off` at most the difference
//! found on an `amount_mismatch`, with a reason code; `resolve` any open
//! case; `reopen` a decided case. A batch is checked whole first: every
//! problem is named (the file's row and column, or the case), and then
//! nothing is recorded. A batch is recorded in one ledger transaction.
//!
//! Never does: matching (the matcher applies decisions) or file formats
//! ([`crate::decisions_file`] reads them).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, Utc};
use recon_core::{
    Alias, CaseRef, DayResult, Decision, DecisionKind, InForce, ItemKind, Money, ReasonCode,
    Resolution, Status, WriteOffReason,
};
use recon_ledger::Ledger;
use recon_matcher::Decided;

use crate::config::JobConfig;
use crate::reconcile::{RunOutcome, RunPaths, reconcile_cascade};
use crate::{EngineError, Progress};

/// What a person asks for on one case.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub kind: DecisionKind,
    pub case: CaseRef,
    pub with: Vec<CaseRef>,
    pub amount: Option<Money>,
    pub reason: Option<String>,
    pub note: String,
    /// The status the person saw (a decisions file's `status` column), to
    /// refuse a file of another day or an older run.
    pub seen_status: Option<Status>,
    /// Where the request came from, for messages: `exceptions.csv row 12`.
    pub origin: Option<String>,
}

impl Request {
    pub fn new(kind: DecisionKind, case: CaseRef) -> Request {
        Request {
            kind,
            case,
            with: Vec::new(),
            amount: None,
            reason: None,
            note: String::new(),
            seen_status: None,
            origin: None,
        }
    }
}

/// What `decide` did.
#[derive(Debug)]
pub struct DecideOutcome {
    pub recorded: Vec<i64>,
    pub aliases_learned: usize,
    pub aliases_removed: usize,
    pub runs: Vec<RunOutcome>,
}

/// The decisions a run of `day` honours: those in force on the day, and
/// what the passes must know of them with the aliases learned before it.
pub(crate) fn for_day(
    ledger: &Ledger,
    day: recon_core::Day,
) -> Result<(InForce, Decided), EngineError> {
    let recorded = ledger.decisions_through(day)?;
    let in_force = InForce::fold(recorded.iter().map(|r| &r.decision), day);
    let aliases: Vec<Alias> = ledger
        .aliases()?
        .into_iter()
        .filter(|a| a.since < day)
        .collect();
    let decided = Decided::from_in_force(&in_force, aliases);
    Ok((in_force, decided))
}

/// The outcome rows of a day's result by case.
struct Cases<'a> {
    orders: BTreeMap<&'a str, &'a recon_core::OrderOutcome>,
    lines: BTreeMap<String, &'a recon_core::StatementOutcome>,
    slips: BTreeMap<&'a str, &'a recon_core::SlipOutcome>,
}

impl<'a> Cases<'a> {
    fn of(result: &'a DayResult) -> Cases<'a> {
        Cases {
            orders: result
                .orders
                .iter()
                .map(|o| (o.order_id.0.as_str(), o))
                .collect(),
            lines: result
                .statement
                .iter()
                .map(|l| (l.line.to_string(), l))
                .collect(),
            slips: result.slips.iter().map(|s| (s.file.as_str(), s)).collect(),
        }
    }

    fn status(&self, case: &CaseRef) -> Option<Status> {
        match case.kind {
            ItemKind::Order => self.orders.get(case.id.as_str()).map(|o| o.status),
            ItemKind::StatementLine => self.lines.get(&case.id).map(|l| l.status),
            ItemKind::Slip => self.slips.get(case.id.as_str()).map(|s| s.status),
        }
    }
}

fn detail(o: &recon_core::OrderOutcome, code: ReasonCode) -> Option<&str> {
    o.reasons
        .iter()
        .find(|r| r.is(code))
        .and_then(|r| r.detail.as_deref())
}

/// Checks every request against the day's last result and the decisions in
/// force; returns one message per problem (empty when all fit).
pub fn check(result: &DayResult, in_force: &InForce, requests: &[Request]) -> Vec<String> {
    let cases = Cases::of(result);
    let mut problems = Vec::new();
    let mut seen: BTreeSet<&CaseRef> = BTreeSet::new();
    // Lines a link in force or in this batch claims, and by which order.
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    for (case, d) in &in_force.by_case {
        if d.kind == DecisionKind::Link && case.kind == ItemKind::Order {
            for w in &d.with {
                claimed.insert(w.id.clone(), case.id.clone());
            }
        }
    }
    for r in requests {
        let at = r
            .origin
            .as_deref()
            .map_or_else(|| r.case.to_string(), |o| format!("{o} ({})", r.case));
        let mut problem = |m: String| problems.push(format!("{at}: {m}"));
        if !seen.insert(&r.case) {
            problem("decided twice in one batch".into());
            continue;
        }
        let Some(status) = cases.status(&r.case) else {
            problem(format!(
                "no such {} on {} (a file of another day?)",
                r.case.kind.as_str(),
                result.day
            ));
            continue;
        };
        if let Some(seen) = r.seen_status
            && seen != status
        {
            problem(format!(
                "the file says {seen}, the day's last run says {status} (a file of another day or an older run: export the day's exceptions again)"
            ));
            continue;
        }
        let decided = in_force.by_case.contains_key(&r.case);
        match r.kind {
            DecisionKind::Confirm => match (r.case.kind, status) {
                (ItemKind::Order, Status::NameMismatch | Status::AmountMismatch) => {}
                (ItemKind::Order, s) => problem(format!(
                    "confirm is for a proposed link (name_mismatch, amount_mismatch), not {s}"
                )),
                _ => problem("confirm the order the line or slip belongs to".into()),
            },
            DecisionKind::Link => {
                if r.case.kind != ItemKind::Order {
                    problem("link an order to statement lines (`with` names the lines)".into());
                    continue;
                }
                if !status.is_exception() {
                    problem(format!("the order is {status} already"));
                }
                if r.with.is_empty() {
                    problem("link needs `with`: the statement line(s), e.g. kbank.csv:12".into());
                }
                for w in &r.with {
                    match cases.lines.get(&w.id) {
                        None if w.kind == ItemKind::StatementLine => {
                            problem(format!("no statement line {} on {}", w.id, result.day))
                        }
                        None => problem(format!("`with` {} is not a statement line", w.id)),
                        Some(l)
                            if !l.order_ids.is_empty()
                                && !l.order_ids.iter().any(|o| o.0 == r.case.id) =>
                        {
                            problem(format!(
                                "statement line {} already pays {}",
                                w.id,
                                l.order_ids
                                    .iter()
                                    .map(|o| o.0.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        }
                        Some(_) => {}
                    }
                    if let Some(other) = claimed.get(&w.id)
                        && other != &r.case.id
                    {
                        problem(format!(
                            "statement line {} is linked to {other} already",
                            w.id
                        ));
                    }
                    claimed.insert(w.id.clone(), r.case.id.clone());
                }
            }
            DecisionKind::Decline => {
                if r.case.kind == ItemKind::Slip {
                    problem("decline an order's or a line's pair, not a slip".into());
                    continue;
                }
                let other = if r.case.kind == ItemKind::Order {
                    ItemKind::StatementLine
                } else {
                    ItemKind::Order
                };
                for w in &r.with {
                    let exists = match other {
                        ItemKind::Order => cases.orders.contains_key(w.id.as_str()),
                        _ => cases.lines.contains_key(&w.id),
                    };
                    if !exists || w.kind != other {
                        problem(format!(
                            "`with` {}: no such {} on {}",
                            w.id,
                            other.as_str(),
                            result.day
                        ));
                    }
                }
                if r.with.is_empty() && r.case.kind == ItemKind::Order {
                    let proposed = cases
                        .orders
                        .get(r.case.id.as_str())
                        .is_some_and(|o| !o.statement_lines.is_empty());
                    if !proposed {
                        problem("nothing proposed to decline: name the line in `with`".into());
                    }
                }
            }
            DecisionKind::WriteOff => {
                let order = (r.case.kind == ItemKind::Order)
                    .then(|| cases.orders.get(r.case.id.as_str()))
                    .flatten();
                match order {
                    Some(o) if o.status == Status::AmountMismatch => {
                        let diff = recon_matcher::decided::difference(&o.reasons);
                        match (&r.amount, diff) {
                            (None, _) => problem("write_off needs an amount".into()),
                            (Some(a), _) if !a.is_positive() => {
                                problem(format!("write_off amount {a} is not positive"))
                            }
                            (Some(a), Some(d))
                                if a.currency != d.currency || a.amount > d.amount =>
                            {
                                problem(format!("write_off {a} is larger than the difference {d}"))
                            }
                            _ => {}
                        }
                    }
                    Some(o) => problem(format!(
                        "write_off is for an amount_mismatch, not {}",
                        o.status
                    )),
                    None => problem("write_off is for an order".into()),
                }
                match r.reason.as_deref() {
                    None => problem(format!(
                        "write_off needs a reason: {}",
                        WriteOffReason::ALL.map(WriteOffReason::as_str).join(", ")
                    )),
                    Some(x) => {
                        if let Err(e) = x.parse::<WriteOffReason>() {
                            problem(e);
                        }
                    }
                }
            }
            DecisionKind::Resolve => {
                if !status.is_exception() {
                    problem(format!("the case is {status}, not open"));
                }
                if let Some(x) = r.reason.as_deref()
                    && let Err(e) = x.parse::<Resolution>()
                {
                    problem(e);
                }
            }
            DecisionKind::Reopen => {
                let declines = in_force.declined.keys().any(|(o, l)| {
                    (r.case.kind == ItemKind::Order && *o == r.case.id)
                        || (r.case.kind == ItemKind::StatementLine && *l == r.case.id)
                });
                if !decided && !declines {
                    problem("nothing decided on this case to reopen".into());
                }
            }
        }
    }
    problems
}

/// Records `requests` on `day` for `by` and re-runs the day and the later
/// days built on it. Nothing is recorded when a request does not fit.
pub fn decide(
    config: &JobConfig,
    paths: &RunPaths,
    day: recon_core::Day,
    requests: &[Request],
    by: &str,
    progress: &dyn Progress,
) -> Result<DecideOutcome, EngineError> {
    if by.trim().is_empty() {
        return Err(EngineError::Usage("who decides? (--by NAME)".into()));
    }
    let ledger = Ledger::open(&paths.ledger)?;
    let result = ledger.day_result(day)?.ok_or_else(|| {
        EngineError::Usage(format!(
            "{day} has no run in the ledger yet: reconcile it first, then decide on its exceptions"
        ))
    })?;
    let (in_force, _) = for_day(&ledger, day)?;
    let problems = check(&result, &in_force, requests);
    if !problems.is_empty() {
        return Err(EngineError::Decisions { day, problems });
    }
    let at = now(config);
    let decisions: Vec<Decision> = requests
        .iter()
        .map(|r| Decision {
            day,
            kind: r.kind,
            case: r.case.clone(),
            with: with_of(r, &result),
            amount: r.amount,
            reason: match r.kind {
                DecisionKind::Resolve => Some(r.reason.clone().unwrap_or_else(|| "other".into())),
                _ => r.reason.clone(),
            },
            note: r.note.clone(),
            by: by.to_string(),
            at,
        })
        .collect();
    let recorded = ledger.record_decisions(&decisions)?;

    // A confirmed third-party payer becomes an alias of the customer; a
    // reopen takes back what its case's confirm taught.
    let cases = Cases::of(&result);
    let (mut learned, mut removed) = (0, 0);
    for (d, id) in decisions.iter().zip(&recorded) {
        let Some(o) = cases
            .orders
            .get(d.case.id.as_str())
            .filter(|_| d.case.kind == ItemKind::Order)
        else {
            continue;
        };
        let payer = detail(o, ReasonCode::Payer);
        match (d.kind, payer) {
            (DecisionKind::Confirm, Some(payer)) if o.status == Status::NameMismatch => {
                let alias = Alias {
                    customer: o.customer_name.clone(),
                    payer: payer.to_string(),
                    since: day,
                };
                learned += usize::from(ledger.learn_alias(&alias, Some(*id), by, at)?);
            }
            (DecisionKind::Reopen, _) => {
                if let Some(prev) = in_force.by_case.get(&d.case)
                    && prev.kind == DecisionKind::Confirm
                    && let Some(payer) = payer
                {
                    removed += usize::from(ledger.remove_alias(&o.customer_name, payer, by, at)?);
                }
            }
            _ => {}
        }
    }
    drop(ledger);
    let runs = reconcile_cascade(config, paths, day, true, progress)?;
    Ok(DecideOutcome {
        recorded,
        aliases_learned: learned,
        aliases_removed: removed,
        runs,
    })
}

/// A decline without `with` declines every line proposed for the order.
fn with_of(r: &Request, result: &DayResult) -> Vec<CaseRef> {
    if r.kind == DecisionKind::Decline && r.with.is_empty() && r.case.kind == ItemKind::Order {
        return result
            .orders
            .iter()
            .find(|o| o.order_id.0 == r.case.id)
            .map(|o| {
                o.statement_lines
                    .iter()
                    .map(|l| CaseRef::line(l.to_string()))
                    .collect()
            })
            .unwrap_or_default();
    }
    r.with.clone()
}

/// Now to the second, in the job's time zone (decisions carry their offset).
fn now(config: &JobConfig) -> DateTime<FixedOffset> {
    use chrono::SubsecRound;
    Utc::now()
        .trunc_subsecs(0)
        .with_timezone(&config.timezone)
        .fixed_offset()
}

/// A request from the command line: `id` is an order id, a statement line
/// id (`kbank.csv:12`) or a slip file, whichever the day has; `with` ids
/// likewise; `amount` is in the case's currency.
#[allow(clippy::too_many_arguments)]
pub fn request_for(
    paths: &RunPaths,
    day: recon_core::Day,
    kind: DecisionKind,
    id: &str,
    with: &[String],
    amount: Option<&str>,
    reason: Option<String>,
    note: String,
) -> Result<Request, EngineError> {
    let ledger = Ledger::open(&paths.ledger)?;
    let result = ledger.day_result(day)?.ok_or_else(|| {
        EngineError::Usage(format!(
            "{day} has no run in the ledger yet: reconcile it first, then decide on its exceptions"
        ))
    })?;
    let cases = Cases::of(&result);
    let case_of = |id: &str| -> Option<CaseRef> {
        if cases.orders.contains_key(id) {
            Some(CaseRef::order(id))
        } else if cases.lines.contains_key(id) {
            Some(CaseRef::line(id))
        } else if cases.slips.contains_key(id) {
            Some(CaseRef {
                kind: ItemKind::Slip,
                id: id.to_string(),
            })
        } else {
            None
        }
    };
    let unknown = |id: &str| {
        EngineError::Usage(format!(
            "{id} is neither an order, a statement line nor a slip of {day}"
        ))
    };
    let case = case_of(id).ok_or_else(|| unknown(id))?;
    let with = with
        .iter()
        .flat_map(|w| w.split(['|', ',']))
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(|w| case_of(w).ok_or_else(|| unknown(w)))
        .collect::<Result<Vec<_>, _>>()?;
    let amount = match amount {
        None => None,
        Some(text) => {
            let currency = cases
                .orders
                .get(case.id.as_str())
                .map(|o| o.expected.currency)
                .ok_or_else(|| {
                    EngineError::Usage("an amount is for an order's write_off".into())
                })?;
            Some(
                Money::parse(text.trim(), currency)
                    .map_err(|e| EngineError::Usage(format!("--amount {text}: {e}")))?,
            )
        }
    };
    Ok(Request {
        kind,
        case,
        with,
        amount,
        reason,
        note,
        seen_status: None,
        origin: None,
    })
}

/// The requests of a filled-in decisions file (`exceptions.csv` or the
/// Exceptions sheet of `reconciliation.xlsx`): one per row with a decision,
/// each remembering its row for messages and the status it showed.
pub fn requests_from_file(path: &std::path::Path) -> Result<Vec<Request>, EngineError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(crate::decisions_file::read_decisions_file(path)?
        .into_iter()
        .map(|row| Request {
            kind: row.kind,
            case: row.case,
            with: row.with,
            amount: row.write_off,
            reason: row.reason,
            note: row.note,
            seen_status: Some(row.status),
            origin: Some(format!("{file} row {}", row.row)),
        })
        .collect())
}
