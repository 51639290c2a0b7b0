//! Cases: what a person works through. One payment problem is one case,
//! however many rows it touches: an amount mismatch is an order, its slip
//! and its statement line, three rows of `exceptions.csv` and one case.
//!
//! A case is anchored on one item, and the anchor's status is the case's:
//! - every order is a case, with its slip(s) and the statement line(s) that
//!   paid it (or, when it is ambiguous, the free lines it could be paid by);
//! - a statement line of money in that pays no order and is no open order's
//!   candidate is a case of its own, with the slips tied to it;
//! - a slip tied to no order and to no line of a case is a case of its own.
//!
//! Money going out of our account (`money_out`) is no case: it is not a
//! payment, and nobody has anything to decide on it.
//!
//! [`cases`] lists them in the order a person should take them: the riskiest
//! status first ([`Status::risk`]), then by currency, the largest amount,
//! the oldest. The same list gives every count of cases (the command line,
//! the reports' cards and trend, `summary.json`, the review page).

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use crate::carry::{self, ItemKind};
use crate::{
    CaseRef, Day, DayResult, Money, OrderOutcome, ReasonCode, SlipOutcome, SourceRef,
    StatementOutcome, Status,
};

impl Status {
    /// How urgently a case in this status needs a person: 0 first. Money
    /// that may be lost or stolen (a reused slip, a transfer to someone
    /// else, the wrong amount) comes before what is merely unexplained, and
    /// what is only waiting comes last.
    pub fn risk(self) -> u8 {
        match self {
            Status::DuplicateSlip => 0,
            Status::ReceiverMismatch => 1,
            Status::AmountMismatch => 2,
            Status::SlipNotOnStatement => 3,
            Status::NameMismatch => 4,
            Status::Ambiguous => 5,
            Status::StatementUnmatched => 6,
            Status::UnreadableSlip => 7,
            Status::Unpaid => 8,
            Status::Pending => 9,
            Status::Resolved => 10,
            Status::Matched => 11,
        }
    }
}

/// One case of a day's result: its anchor item and the rows it touches.
#[derive(Debug, Clone)]
pub struct Case<'a> {
    /// The item the case is about, as decisions name it.
    pub anchor: CaseRef,
    /// The anchor's status.
    pub status: Status,
    pub order: Option<&'a OrderOutcome>,
    /// The lines that paid the order, or the line the case is about.
    pub lines: Vec<&'a StatementOutcome>,
    /// Free lines an ambiguous order could be paid by (named by its
    /// `candidate_lines`), not its own.
    pub candidates: Vec<&'a StatementOutcome>,
    pub slips: Vec<&'a SlipOutcome>,
    /// The order's amount, or the line's, or the slip's as read.
    pub amount: Option<Money>,
    /// The day the anchor came from (carried items keep their own).
    pub origin: Day,
    /// Whole days from `origin` to the day of the result.
    pub age_days: u32,
}

impl Case<'_> {
    /// Open: it needs a person (or is waiting for more), in the sense of
    /// [`Status::is_exception`].
    pub fn is_open(&self) -> bool {
        self.status.is_exception()
    }
}

fn is_money_out(l: &StatementOutcome) -> bool {
    !l.amount.is_positive() || l.reasons.iter().any(|r| r.is(ReasonCode::MoneyOut))
}

/// The lines an order names in its `candidate_lines` reason.
fn candidate_ids(o: &OrderOutcome) -> impl Iterator<Item = &str> {
    o.reasons
        .iter()
        .filter(|r| r.is(ReasonCode::CandidateLines))
        .filter_map(|r| r.detail.as_deref())
        .flat_map(|d| d.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Hash maps keyed by borrowed text: a million-row day looks each row up
/// several times, where SipHash and a `String` per key cost seconds.
type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
type Set<T> = HashSet<T, foldhash::fast::FixedState>;

/// A statement line's id (`<file>:<line>`) as its parts, when it is one
/// exactly as [`SourceRef`]'s `Display` writes it (no sign, no leading
/// zero).
fn line_key(id: &str) -> Option<(&str, u64)> {
    let (file, line) = id.rsplit_once(':')?;
    let plain = !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (line == "0" || !line.starts_with('0'));
    if !plain {
        return None;
    }
    Some((file, line.parse().ok()?))
}

fn key_of(src: &SourceRef) -> (&str, u64) {
    (src.file.as_str(), src.line)
}

/// Every case of `result` (money out excluded), in queue order.
pub fn cases(result: &DayResult) -> Vec<Case<'_>> {
    let day = result.day;
    let lines: Map<(&str, u64), &StatementOutcome> = result
        .statement
        .iter()
        .map(|l| (key_of(&l.line), l))
        .collect();
    let slips: Map<&str, &SlipOutcome> =
        result.slips.iter().map(|s| (s.file.as_str(), s)).collect();
    let mut slips_of_order: Map<&str, Vec<&SlipOutcome>> = Map::default();
    for s in &result.slips {
        for id in &s.order_ids {
            slips_of_order.entry(id.0.as_str()).or_default().push(s);
        }
    }
    let mut slips_of_line: Map<(&str, u64), Vec<&SlipOutcome>> = Map::default();
    for s in &result.slips {
        if let Some(l) = &s.statement_line {
            slips_of_line.entry(key_of(l)).or_default().push(s);
        }
    }

    let mut taken_lines: Set<(&str, u64)> = Set::default();
    let mut taken_slips: Set<&str> = Set::default();
    let mut out = Vec::with_capacity(result.orders.len());

    for o in &result.orders {
        let mut own_lines: Vec<&StatementOutcome> = Vec::new();
        for src in &o.statement_lines {
            let key = key_of(src);
            if let Some(l) = lines.get(&key) {
                own_lines.push(l);
            }
            taken_lines.insert(key);
        }
        let mut candidates = Vec::new();
        if o.status.is_exception() {
            for key in candidate_ids(o).filter_map(line_key) {
                if let Some(l) = lines.get(&key) {
                    candidates.push(*l);
                    if l.order_ids.is_empty() {
                        taken_lines.insert(key);
                    }
                }
            }
        }
        let mut own_slips: Vec<&SlipOutcome> = Vec::new();
        if let Some(f) = o.slip.as_deref()
            && let Some(s) = slips.get(f)
        {
            own_slips.push(s);
        }
        for s in slips_of_order
            .get(o.order_id.0.as_str())
            .into_iter()
            .flatten()
        {
            if !own_slips.iter().any(|x| x.file == s.file) {
                own_slips.push(s);
            }
        }
        for s in &own_slips {
            taken_slips.insert(s.file.as_str());
        }
        let origin = carry::origin_day(&o.source.file, day);
        out.push(Case {
            anchor: CaseRef::order(o.order_id.0.clone()),
            status: o.status,
            order: Some(o),
            lines: own_lines,
            candidates,
            slips: own_slips,
            amount: Some(o.expected),
            origin,
            age_days: carry::days_between(origin, day),
        });
    }
    // A slip named by an order belongs to that order, even when its own
    // outcome lists none (a duplicate).
    for s in &result.slips {
        if !s.order_ids.is_empty() {
            taken_slips.insert(s.file.as_str());
        }
    }

    for l in &result.statement {
        let key = key_of(&l.line);
        if is_money_out(l) || !l.order_ids.is_empty() || taken_lines.contains(&key) {
            continue;
        }
        let tied: Vec<&SlipOutcome> = slips_of_line
            .get(&key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|s| !taken_slips.contains(s.file.as_str()))
            .collect();
        for s in &tied {
            taken_slips.insert(s.file.as_str());
        }
        let origin = carry::origin_day(&l.line.file, day);
        out.push(Case {
            anchor: CaseRef::line(l.line.to_string()),
            status: l.status,
            order: None,
            lines: vec![l],
            candidates: Vec::new(),
            slips: tied,
            amount: Some(l.amount),
            origin,
            age_days: carry::days_between(origin, day),
        });
    }

    for s in &result.slips {
        if taken_slips.contains(s.file.as_str()) {
            continue;
        }
        let origin = carry::origin_day(&s.file, day);
        let line = s
            .statement_line
            .as_ref()
            .and_then(|src| lines.get(&key_of(src)).copied());
        out.push(Case {
            anchor: CaseRef {
                kind: ItemKind::Slip,
                id: s.file.clone(),
            },
            status: s.status,
            order: None,
            lines: line.into_iter().collect(),
            candidates: Vec::new(),
            slips: vec![s],
            amount: s.amount,
            origin,
            age_days: carry::days_between(origin, day),
        });
    }

    out.sort_by(|a, b| {
        let key = |c: &Case<'_>| {
            (
                c.status.risk(),
                c.amount.map(|m| m.currency),
                Reverse(c.amount.map(|m| m.amount)),
                Reverse(c.age_days),
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.anchor.cmp(&b.anchor))
    });
    out
}

/// Open cases of `result`: the one count of what needs a person.
pub fn open_cases(result: &DayResult) -> usize {
    cases(result).iter().filter(|c| c.is_open()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Currency, OrderId, Reason, SourceRef};
    use rust_decimal::Decimal;

    fn thb(n: i64) -> Money {
        Money::new(Decimal::new(n * 100, 2), Currency::Thb)
    }

    fn order(id: &str, status: Status, slip: Option<&str>, lines: &[&str]) -> OrderOutcome {
        OrderOutcome {
            order_id: OrderId(id.into()),
            source: SourceRef::new("orders.csv", 2),
            status,
            customer_name: "A".into(),
            slip: slip.map(Into::into),
            statement_lines: lines
                .iter()
                .map(|l| {
                    let (f, n) = l.split_once(':').unwrap();
                    SourceRef::new(f, n.parse().unwrap())
                })
                .collect(),
            expected: thb(500),
            paid: None,
            name_score: None,
            reasons: Vec::new(),
        }
    }

    fn line(n: u64, status: Status, amount: Money, orders: &[&str]) -> StatementOutcome {
        StatementOutcome {
            line: SourceRef::new("kbank.csv", n),
            status,
            order_ids: orders.iter().map(|o| OrderId((*o).into())).collect(),
            amount,
            counterparty_name: None,
            reasons: Vec::new(),
        }
    }

    fn slip(file: &str, status: Status, orders: &[&str], line: Option<u64>) -> SlipOutcome {
        SlipOutcome {
            file: file.into(),
            status,
            order_ids: orders.iter().map(|o| OrderId((*o).into())).collect(),
            statement_line: line.map(|n| SourceRef::new("kbank.csv", n)),
            amount: Some(thb(450)),
            trans_ref: None,
            reasons: Vec::new(),
        }
    }

    fn day() -> Day {
        "2026-11-21".parse().unwrap()
    }

    #[test]
    fn one_problem_touching_three_rows_is_one_case() {
        let am = Status::AmountMismatch;
        let result = DayResult {
            day: day(),
            orders: vec![order("O1", am, Some("a.json"), &["kbank.csv:7"])],
            statement: vec![line(7, am, thb(450), &["O1"])],
            slips: vec![slip("a.json", am, &["O1"], Some(7))],
        };
        let cs = cases(&result);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].anchor, CaseRef::order("O1"));
        assert_eq!((cs[0].lines.len(), cs[0].slips.len()), (1, 1));
        assert_eq!(open_cases(&result), 1);
    }

    #[test]
    fn money_out_is_no_case_and_lone_items_are_their_own() {
        let mut out = line(3, Status::StatementUnmatched, thb(-90), &[]);
        out.reasons.push(Reason::new(ReasonCode::MoneyOut));
        let result = DayResult {
            day: day(),
            orders: vec![order("O1", Status::Matched, None, &["kbank.csv:4"])],
            statement: vec![
                out,
                line(4, Status::Matched, thb(500), &["O1"]),
                line(5, Status::StatementUnmatched, thb(120), &[]),
                line(6, Status::StatementUnmatched, thb(450), &[]),
            ],
            slips: vec![
                slip("tied.json", Status::SlipNotOnStatement, &[], Some(6)),
                slip("lone.json", Status::SlipNotOnStatement, &[], None),
            ],
        };
        let cs = cases(&result);
        let anchors: Vec<String> = cs.iter().map(|c| c.anchor.to_string()).collect();
        // Risk first (slip_not_on_statement before statement_unmatched),
        // then the larger amount; the matched order last.
        assert_eq!(
            anchors,
            [
                "slip lone.json",
                "statement_line kbank.csv:6",
                "statement_line kbank.csv:5",
                "order O1"
            ]
        );
        assert_eq!(
            cs[1].slips.len(),
            1,
            "the slip tied to line 6 is its case's"
        );
        assert_eq!(open_cases(&result), 3);
    }

    #[test]
    fn an_ambiguous_orders_candidates_are_in_its_case() {
        let mut o = order("O1", Status::Ambiguous, None, &[]);
        o.reasons.push(Reason::with(
            ReasonCode::CandidateLines,
            "kbank.csv:8,kbank.csv:9",
        ));
        let result = DayResult {
            day: day(),
            orders: vec![o],
            statement: vec![
                line(8, Status::Ambiguous, thb(500), &[]),
                line(9, Status::Ambiguous, thb(500), &[]),
            ],
            slips: vec![],
        };
        let cs = cases(&result);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].candidates.len(), 2);
    }

    #[test]
    fn older_breaks_come_first_at_one_risk_and_amount() {
        let mut old = order("O2", Status::Unpaid, None, &[]);
        old.source.file = "2026-11-18/orders.csv".into();
        let result = DayResult {
            day: day(),
            orders: vec![order("O1", Status::Unpaid, None, &[]), old],
            statement: vec![],
            slips: vec![],
        };
        let cs = cases(&result);
        assert_eq!(cs[0].anchor, CaseRef::order("O2"));
        assert_eq!(cs[0].age_days, 3);
    }
}
