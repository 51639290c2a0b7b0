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
    /// Settled outside Recon, as a person decided (cash, refund, chargeback,
    /// not ours, test order): no longer open, and not `matched` either.
    Resolved,
}

impl Status {
    pub const ALL: [Status; 12] = [
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
        Status::Resolved,
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
            Status::Resolved => "resolved",
        }
    }

    /// Everything but `matched` and `resolved` needs a person to look at it.
    pub fn is_exception(self) -> bool {
        !matches!(self, Status::Matched | Status::Resolved)
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
    pub fn new(code: ReasonCode) -> Reason {
        Reason {
            code: code.as_str().to_string(),
            detail: None,
        }
    }

    /// A reason with its detail, cut to [`Reason::MAX_DETAIL_CHARS`] (its
    /// head and tail kept around a `…`): a detail quoting an input, such as
    /// a provider's answer or a broken value, must not carry kilobytes of it
    /// into every report.
    pub fn with(code: ReasonCode, detail: impl fmt::Display) -> Reason {
        let detail = detail.to_string();
        Reason {
            code: code.as_str().to_string(),
            detail: Some(
                match crate::mask::shorten(&detail, Reason::MAX_DETAIL_CHARS) {
                    std::borrow::Cow::Borrowed(_) => detail,
                    std::borrow::Cow::Owned(cut) => cut,
                },
            ),
        }
    }

    /// The longest detail a reason keeps. Lists of competing orders or
    /// lines on a crowded day stay well under it.
    pub const MAX_DETAIL_CHARS: usize = 1024;

    /// Is this reason of `code`? (The text read back from a ledger may hold
    /// any code.)
    pub fn is(&self, code: ReasonCode) -> bool {
        self.code == code.as_str()
    }
}

/// The codes of `reasons` (README "Reason codes"): like the status words, a
/// public contract that finance teams filter and count by in their
/// spreadsheets; changed only on purpose. A [`Reason`] is built from one of
/// these; its text form is `code` or `code=detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReasonCode {
    /// how the money was linked: trans_ref, order_id_in_reference, amount_and_name, amount_and_time, split_payment, one_transfer_many_orders
    LinkedBy,
    /// paid less than the order, by this much
    ShortBy,
    /// paid more than the order, by this much
    OverBy,
    /// paid less by a bank fee within `fee_tolerance` (or the slip's fee): still paid
    FeeDeducted,
    /// the money came in another currency
    CurrencyDiffers,
    /// what the slip says, when the statement line says otherwise
    SlipAmount,
    /// the order was paid by this many statement lines
    SplitPayment,
    /// the other orders one transfer (or one slip) paid
    PaidTogetherWith,
    /// the order (or slip) and day that used this slip first
    DuplicateOf,
    /// what repeated: trans_ref, qr_payload or image_sha256
    DuplicateKey,
    /// later orders that used this slip again
    ReusedBy,
    /// the account the slip paid, masked, when it is not ours
    ReceiverAccount,
    /// the PromptPay or Bakong id the slip paid, masked, when it is not ours
    ReceiverProxy,
    /// how close the slip's receiver name came to ours
    ReceiverNameScore,
    /// the slip does not show whom it paid
    ReceiverNotShown,
    /// why the slip could not be read
    Unreadable,
    /// why the slip is not read yet (provider stopped, quota): the next run reads it
    NotReadYet,
    /// the order names a slip file that is not in slips/
    SlipFileMissing,
    /// the slip was read but shows no amount
    SlipWithoutAmount,
    /// the order had no slip; a slip's remark named it
    SlipFoundByRemark,
    /// the statement lines an ambiguous order could be paid by
    CandidateLines,
    /// the orders an ambiguous statement line could pay
    CandidateOrders,
    /// the other orders that make an order ambiguous
    CompetingOrders,
    /// more than one set of lines adds up to the order
    SeveralSplitCombinations,
    /// the order's customer against who paid, 0 to 1
    NameScore,
    /// the order's customer, when the payer is someone else
    Customer,
    /// who paid, when it is not the order's customer
    Payer,
    /// the bank prints the payer another way than the customer; the slip tied by transaction reference names the customer
    PayerNameDiffers,
    /// no name to compare: neither the line nor the slip shows one
    PayerNameNotCompared,
    /// the slip's sender is not the order's customer (no statement line to settle who paid)
    SenderDiffersFromCustomer,
    /// the slip's sender is not the bank's payer; the bank's payer is the customer
    SenderDiffersFromPayer,
    /// no statement line carries the slip's money
    NoStatementLine,
    /// money going out of our account
    MoneyOut,
    /// no order claims this money (or slip)
    NoOrder,
    /// booked outside the business day's window
    OutsideDayWindow,
    /// a slip no order names explains this line
    SlipWithoutOrder,
    /// how many orders one statement line paid
    Orders,
    /// pending: the slip's money may still reach the statement, until this day
    AwaitingStatement,
    /// pending: the order may still be paid, until this day
    AwaitingPayment,
    /// pending: the money's order may still come, until this day
    AwaitingOrder,
    /// a person decided this case: the decision and who made it
    Decided,
    /// the difference a person accepted, with its reason (bank_fee, rounding, fx, discount, other)
    WrittenOff,
    /// how a case was settled outside Recon: cash, refunded, chargeback, not_ours, test_order, other
    ResolvedAs,
    /// a decision that no longer fits the day's inputs; it waits for a person
    StaleDecision,
    /// the payer is a learned alias of the customer (a confirmed third-party payer), since this day
    PayerAlias,
    /// statement lines a person said this order does not go with
    Declined,
    /// left the open set after `lookback_days` without a decision
    Expired,
}

impl ReasonCode {
    /// Every code, in the README's order.
    pub const ALL: [ReasonCode; 47] = [
        ReasonCode::LinkedBy,
        ReasonCode::ShortBy,
        ReasonCode::OverBy,
        ReasonCode::FeeDeducted,
        ReasonCode::CurrencyDiffers,
        ReasonCode::SlipAmount,
        ReasonCode::SplitPayment,
        ReasonCode::PaidTogetherWith,
        ReasonCode::DuplicateOf,
        ReasonCode::DuplicateKey,
        ReasonCode::ReusedBy,
        ReasonCode::ReceiverAccount,
        ReasonCode::ReceiverProxy,
        ReasonCode::ReceiverNameScore,
        ReasonCode::ReceiverNotShown,
        ReasonCode::Unreadable,
        ReasonCode::NotReadYet,
        ReasonCode::SlipFileMissing,
        ReasonCode::SlipWithoutAmount,
        ReasonCode::SlipFoundByRemark,
        ReasonCode::CandidateLines,
        ReasonCode::CandidateOrders,
        ReasonCode::CompetingOrders,
        ReasonCode::SeveralSplitCombinations,
        ReasonCode::NameScore,
        ReasonCode::Customer,
        ReasonCode::Payer,
        ReasonCode::PayerNameDiffers,
        ReasonCode::PayerNameNotCompared,
        ReasonCode::SenderDiffersFromCustomer,
        ReasonCode::SenderDiffersFromPayer,
        ReasonCode::NoStatementLine,
        ReasonCode::MoneyOut,
        ReasonCode::NoOrder,
        ReasonCode::OutsideDayWindow,
        ReasonCode::SlipWithoutOrder,
        ReasonCode::Orders,
        ReasonCode::AwaitingStatement,
        ReasonCode::AwaitingPayment,
        ReasonCode::AwaitingOrder,
        ReasonCode::Decided,
        ReasonCode::WrittenOff,
        ReasonCode::ResolvedAs,
        ReasonCode::StaleDecision,
        ReasonCode::PayerAlias,
        ReasonCode::Declined,
        ReasonCode::Expired,
    ];

    /// The code as written in `reasons`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ReasonCode::LinkedBy => "linked_by",
            ReasonCode::ShortBy => "short_by",
            ReasonCode::OverBy => "over_by",
            ReasonCode::FeeDeducted => "fee_deducted",
            ReasonCode::CurrencyDiffers => "currency_differs",
            ReasonCode::SlipAmount => "slip_amount",
            ReasonCode::SplitPayment => "split_payment",
            ReasonCode::PaidTogetherWith => "paid_together_with",
            ReasonCode::DuplicateOf => "duplicate_of",
            ReasonCode::DuplicateKey => "duplicate_key",
            ReasonCode::ReusedBy => "reused_by",
            ReasonCode::ReceiverAccount => "receiver_account",
            ReasonCode::ReceiverProxy => "receiver_proxy",
            ReasonCode::ReceiverNameScore => "receiver_name_score",
            ReasonCode::ReceiverNotShown => "receiver_not_shown",
            ReasonCode::Unreadable => "unreadable",
            ReasonCode::NotReadYet => "not_read_yet",
            ReasonCode::SlipFileMissing => "slip_file_missing",
            ReasonCode::SlipWithoutAmount => "slip_without_amount",
            ReasonCode::SlipFoundByRemark => "slip_found_by_remark",
            ReasonCode::CandidateLines => "candidate_lines",
            ReasonCode::CandidateOrders => "candidate_orders",
            ReasonCode::CompetingOrders => "competing_orders",
            ReasonCode::SeveralSplitCombinations => "several_split_combinations",
            ReasonCode::NameScore => "name_score",
            ReasonCode::Customer => "customer",
            ReasonCode::Payer => "payer",
            ReasonCode::PayerNameDiffers => "payer_name_differs",
            ReasonCode::PayerNameNotCompared => "payer_name_not_compared",
            ReasonCode::SenderDiffersFromCustomer => "sender_differs_from_customer",
            ReasonCode::SenderDiffersFromPayer => "sender_differs_from_payer",
            ReasonCode::NoStatementLine => "no_statement_line",
            ReasonCode::MoneyOut => "money_out",
            ReasonCode::NoOrder => "no_order",
            ReasonCode::OutsideDayWindow => "outside_day_window",
            ReasonCode::SlipWithoutOrder => "slip_without_order",
            ReasonCode::Orders => "orders",
            ReasonCode::AwaitingStatement => "awaiting_statement",
            ReasonCode::AwaitingPayment => "awaiting_payment",
            ReasonCode::AwaitingOrder => "awaiting_order",
            ReasonCode::Decided => "decided",
            ReasonCode::WrittenOff => "written_off",
            ReasonCode::ResolvedAs => "resolved_as",
            ReasonCode::StaleDecision => "stale_decision",
            ReasonCode::PayerAlias => "payer_alias",
            ReasonCode::Declined => "declined",
            ReasonCode::Expired => "expired",
        }
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
                "pending",
                "resolved"
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
            Reason::new(ReasonCode::NoStatementLine),
            Reason::with(ReasonCode::ShortBy, "50.00 THB"),
        ];
        assert_eq!(join_reasons(&r), "no_statement_line; short_by=50.00 THB");
    }
}

#[cfg(test)]
mod reason_code_tests {
    use super::*;

    /// The README's "Reason codes" table lists exactly [`ReasonCode::ALL`],
    /// in order: the documented contract and the code cannot drift apart.
    #[test]
    fn the_readme_table_lists_every_reason_code() {
        let readme = include_str!("../../../README.md");
        let section = readme
            .split("### Reason codes")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .expect("README has a Reason codes section");
        let listed: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
            .collect();
        let codes: Vec<&str> = ReasonCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(listed, codes);
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        let r = Reason::with(ReasonCode::ShortBy, "50.00 THB");
        assert_eq!(r.to_string(), "short_by=50.00 THB");
        assert!(r.is(ReasonCode::ShortBy) && !r.is(ReasonCode::OverBy));
    }
}
