//! What reconciliation concludes: a status per order, statement line and
//! slip, with machine-readable reasons.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{CoreError, Day, Money, OrderId, SourceRef};

/// The status words of the output contract (README, Output contract). Changing a
/// word is a breaking change for every finance team's spreadsheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Matched,
    DuplicateSlip,
    ReceiverMismatch,
    AmountMismatch,
    NameMismatch,
    SlipNotOnStatement,
    StatementUnmatched,
    Unpaid,
    Ambiguous,
    UnreadableSlip,
    Pending,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Matched,
        Status::DuplicateSlip,
        Status::ReceiverMismatch,
        Status::AmountMismatch,
        Status::NameMismatch,
        Status::SlipNotOnStatement,
        Status::StatementUnmatched,
        Status::Unpaid,
        Status::Ambiguous,
        Status::UnreadableSlip,
        Status::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::DuplicateSlip => "duplicate_slip",
            Status::ReceiverMismatch => "receiver_mismatch",
            Status::AmountMismatch => "amount_mismatch",
            Status::NameMismatch => "name_mismatch",
            Status::SlipNotOnStatement => "slip_not_on_statement",
            Status::StatementUnmatched => "statement_unmatched",
            Status::Unpaid => "unpaid",
            Status::Ambiguous => "ambiguous",
            Status::UnreadableSlip => "unreadable_slip",
            Status::Pending => "pending",
        }
    }

    /// Everything but `matched` needs a person to look at it.
    pub fn is_exception(self) -> bool {
        self != Status::Matched
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| CoreError::UnknownStatus(s.to_string()))
    }
}

/// One machine-readable reason: a snake_case code and an optional detail,
/// written `code` or `code=detail`; several are joined with `; `.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub detail: Option<String>,
}

impl Reason {
    pub fn new(code: impl Into<String>) -> Reason {
        Reason {
            code: code.into(),
            detail: None,
        }
    }

    pub fn with(code: impl Into<String>, detail: impl fmt::Display) -> Reason {
        Reason {
            code: code.into(),
            detail: Some(detail.to_string()),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(d) => write!(f, "{}={}", self.code, d),
            None => f.write_str(&self.code),
        }
    }
}

/// Joins reasons the way every report writes them.
pub fn join_reasons(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(Reason::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A name similarity in [0, 1]. Reports print it with three decimals.
pub type NameScore = f64;

/// The verdict on one order: one row of `reconciliation.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderOutcome {
    pub order_id: OrderId,
    pub source: SourceRef,
    pub status: Status,
    pub customer_name: String,
    pub slip: Option<String>,
    /// The statement line(s) that paid it; several for a split payment.
    pub statement_lines: Vec<SourceRef>,
    pub expected: Money,
    pub paid: Option<Money>,
    pub name_score: Option<NameScore>,
    pub reasons: Vec<Reason>,
}

/// The verdict on one statement line: one row of `statement.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementOutcome {
    pub line: SourceRef,
    pub status: Status,
    /// The order(s) this money paid; several when one transfer paid several
    /// orders of the same customer.
    pub order_ids: Vec<OrderId>,
    pub amount: Money,
    pub counterparty_name: Option<String>,
    pub reasons: Vec<Reason>,
}

/// The verdict on one slip file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlipOutcome {
    pub file: String,
    pub status: Status,
    pub order_ids: Vec<OrderId>,
    pub statement_line: Option<SourceRef>,
    pub amount: Option<Money>,
    pub trans_ref: Option<String>,
    pub reasons: Vec<Reason>,
}

/// Everything the matcher concludes about one day, in deterministic order
/// (orders by id, lines by file and line, slips by file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayResult {
    pub day: Day,
    pub orders: Vec<OrderOutcome>,
    pub statement: Vec<StatementOutcome>,
    pub slips: Vec<SlipOutcome>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_words_are_the_contract() {
        let words: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            words,
            [
                "matched",
                "duplicate_slip",
                "receiver_mismatch",
                "amount_mismatch",
                "name_mismatch",
                "slip_not_on_statement",
                "statement_unmatched",
                "unpaid",
                "ambiguous",
                "unreadable_slip",
                "pending"
            ]
        );
        for s in Status::ALL {
            assert_eq!(s.as_str().parse::<Status>().unwrap(), s);
            // serde agrees with as_str
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
    }

    #[test]
    fn reasons_render_machine_readably() {
        let r = vec![
            Reason::new("no_statement_line"),
            Reason::with("short_by", "50.00 THB"),
        ];
        assert_eq!(join_reasons(&r), "no_statement_line; short_by=50.00 THB");
    }
}
