//! What a person decided about an exception: the types every crate shares.
//!
//! A [`Decision`] is about one case, named as the reports name it: the
//! `kind` and `id` columns of `exceptions.csv` ([`CaseRef`]). Decisions are
//! made on a day and apply to the runs of that day (and its reruns); the
//! aliases a `confirm` teaches and the pairs a `decline` forbids also apply
//! to every later day. Decisions are never edited: a later `reopen` undoes
//! the earlier ones on the same case.
//!
//! Never does: storage (the ledger), checking a decision against a day's
//! cases (the engine) or applying one (the matcher).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::{Day, ItemKind, Money};

/// The six things a person can say about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// The link Recon proposed is right: the case is `matched`.
    Confirm,
    /// This order goes with that statement line (or those lines).
    Link,
    /// This proposed pair is wrong: never propose it again.
    Decline,
    /// The difference is accepted (fee, rounding, FX): the order is paid.
    WriteOff,
    /// Settled outside Recon (cash, refund, chargeback, not ours, test).
    Resolve,
    /// Undo the earlier decisions on this case.
    Reopen,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 6] = [
        DecisionKind::Confirm,
        DecisionKind::Link,
        DecisionKind::Decline,
        DecisionKind::WriteOff,
        DecisionKind::Resolve,
        DecisionKind::Reopen,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Confirm => "confirm",
            DecisionKind::Link => "link",
            DecisionKind::Decline => "decline",
            DecisionKind::WriteOff => "write_off",
            DecisionKind::Resolve => "resolve",
            DecisionKind::Reopen => "reopen",
        }
    }
}

impl fmt::Display for DecisionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DecisionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        DecisionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "unknown decision {s:?} (expected one of {})",
                    DecisionKind::ALL.map(DecisionKind::as_str).join(", ")
                )
            })
    }
}

/// Why a difference was written off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOffReason {
    BankFee,
    Rounding,
    Fx,
    Discount,
    Other,
}

impl WriteOffReason {
    pub const ALL: [WriteOffReason; 5] = [
        WriteOffReason::BankFee,
        WriteOffReason::Rounding,
        WriteOffReason::Fx,
        WriteOffReason::Discount,
        WriteOffReason::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            WriteOffReason::BankFee => "bank_fee",
            WriteOffReason::Rounding => "rounding",
            WriteOffReason::Fx => "fx",
            WriteOffReason::Discount => "discount",
            WriteOffReason::Other => "other",
        }
    }
}

impl FromStr for WriteOffReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        WriteOffReason::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "unknown write-off reason {s:?} (expected one of {})",
                    WriteOffReason::ALL.map(WriteOffReason::as_str).join(", ")
                )
            })
    }
}

/// How a case was settled outside Recon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Cash,
    Refunded,
    Chargeback,
    NotOurs,
    TestOrder,
    Other,
}

impl Resolution {
    pub const ALL: [Resolution; 6] = [
        Resolution::Cash,
        Resolution::Refunded,
        Resolution::Chargeback,
        Resolution::NotOurs,
        Resolution::TestOrder,
        Resolution::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Resolution::Cash => "cash",
            Resolution::Refunded => "refunded",
            Resolution::Chargeback => "chargeback",
            Resolution::NotOurs => "not_ours",
            Resolution::TestOrder => "test_order",
            Resolution::Other => "other",
        }
    }
}

impl FromStr for Resolution {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Resolution::ALL
            .into_iter()
            .find(|k| k.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "unknown resolution {s:?} (expected one of {})",
                    Resolution::ALL.map(Resolution::as_str).join(", ")
                )
            })
    }
}

/// A case as the reports name it: `exceptions.csv`'s `kind` and `id`
/// (`order ORD-1`, `statement_line kbank.csv:12`, `slip a.json`; items
/// carried from an earlier day keep their `<day>/` prefix).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CaseRef {
    pub kind: ItemKind,
    pub id: String,
}

impl CaseRef {
    pub fn order(id: impl Into<String>) -> CaseRef {
        CaseRef {
            kind: ItemKind::Order,
            id: id.into(),
        }
    }

    pub fn line(id: impl Into<String>) -> CaseRef {
        CaseRef {
            kind: ItemKind::StatementLine,
            id: id.into(),
        }
    }
}

impl fmt::Display for CaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.as_str(), self.id)
    }
}

/// One decision, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The day whose report showed the case.
    pub day: Day,
    pub kind: DecisionKind,
    pub case: CaseRef,
    /// `link`: the statement line(s) the order goes with (or, for a line,
    /// the orders it pays); `decline`: the other side of the wrong pair.
    pub with: Vec<CaseRef>,
    /// `write_off`: the amount accepted as not received.
    pub amount: Option<Money>,
    /// `write_off`: a [`WriteOffReason`]; `resolve`: a [`Resolution`].
    pub reason: Option<String>,
    pub note: String,
    pub by: String,
    pub at: DateTime<FixedOffset>,
}

/// A customer name and a payer name a person confirmed belong together
/// (a relative, a company account): the matcher treats the payer as the
/// customer on later days.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Alias {
    pub customer: String,
    pub payer: String,
    /// The day of the decision that taught it.
    pub since: Day,
}

/// An order and a statement line a person said do not belong together.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DeclinedPair {
    pub order_id: String,
    /// The line's id as the reports name it (`kbank.csv:12`).
    pub line: String,
    pub since: Day,
}

/// The decisions a day's reports show: the one that stands on each case
/// (applied), and those that no longer fit the day's inputs (stale: not
/// applied, each with why), in the order they were recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayDecisions {
    pub applied: std::collections::BTreeMap<CaseRef, Decision>,
    pub stale: Vec<(Decision, String)>,
}

/// The decisions of one day that stand, after every `reopen`: at most one
/// per case (the latest of the day), plus every declined pair of the day
/// and the days before, each with the decision it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InForce {
    pub by_case: std::collections::BTreeMap<CaseRef, Decision>,
    /// (order id, line id) → the decline.
    pub declined: std::collections::BTreeMap<(String, String), Decision>,
}

impl InForce {
    /// Folds `decisions` (in the order they were recorded) made on `day`;
    /// declines of earlier days count too: a pair declined once is never
    /// proposed again. A `reopen` undoes every earlier decision on its case,
    /// declines of that case included.
    pub fn fold<'a>(decisions: impl IntoIterator<Item = &'a Decision>, day: Day) -> InForce {
        let mut f = InForce::default();
        for d in decisions {
            if d.day > day {
                continue;
            }
            match d.kind {
                DecisionKind::Reopen => {
                    if d.day == day {
                        f.by_case.remove(&d.case);
                    }
                    f.declined.retain(|(order, line), _| {
                        let of = |kind, id: &String| d.case.kind == kind && d.case.id == *id;
                        !(of(ItemKind::Order, order) || of(ItemKind::StatementLine, line))
                    });
                }
                DecisionKind::Decline => {
                    for (order, line) in declined_pairs(d) {
                        f.declined.insert((order, line), d.clone());
                    }
                    if d.day == day {
                        f.by_case.insert(d.case.clone(), d.clone());
                    }
                }
                _ if d.day == day => {
                    f.by_case.insert(d.case.clone(), d.clone());
                }
                _ => {}
            }
        }
        f
    }
}

/// The (order id, line id) pairs a decline names: its case and each `with`
/// on the other side.
pub fn declined_pairs(d: &Decision) -> Vec<(String, String)> {
    let other = |kind| d.with.iter().filter(move |w| w.kind == kind);
    match d.case.kind {
        ItemKind::Order => other(ItemKind::StatementLine)
            .map(|w| (d.case.id.clone(), w.id.clone()))
            .collect(),
        ItemKind::StatementLine => other(ItemKind::Order)
            .map(|w| (w.id.clone(), d.case.id.clone()))
            .collect(),
        ItemKind::Slip => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back_and_wrong_words_name_the_choices() {
        for k in DecisionKind::ALL {
            assert_eq!(k.as_str().parse::<DecisionKind>().unwrap(), k);
        }
        assert_eq!(
            "Write-Off".parse::<DecisionKind>().unwrap(),
            DecisionKind::WriteOff
        );
        let err = "confrim".parse::<DecisionKind>().unwrap_err();
        assert!(
            err.contains("confrim") && err.contains("write_off"),
            "{err}"
        );
        for r in Resolution::ALL {
            assert_eq!(r.as_str().parse::<Resolution>().unwrap(), r);
        }
        for r in WriteOffReason::ALL {
            assert_eq!(r.as_str().parse::<WriteOffReason>().unwrap(), r);
        }
        assert!("tip".parse::<WriteOffReason>().is_err());
    }
}
