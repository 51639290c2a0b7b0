//! What a planned day is made of: slips, orders, statement lines and the
//! stories that decide their expected status.

use chrono::{DateTime, FixedOffset};
use recon_core::{Currency, Day, Money, Status};

use super::super::PriorSlip;
use super::super::names::{NameNoise, Person, Script};

use super::*;

/// Thai banks customers pay from: BOT code, short name, Thai name, weight.
pub(crate) const THAI_BANKS: &[(&str, &str, &str, u32)] = &[
    ("004", "KBANK", "กสิกรไทย", 35),
    ("014", "SCB", "ไทยพาณิชย์", 25),
    ("006", "KTB", "กรุงไทย", 15),
    ("002", "BBL", "กรุงเทพ", 10),
    ("025", "BAY", "กรุงศรีอยุธยา", 8),
    ("011", "TTB", "ทหารไทยธนชาต", 5),
    ("030", "GSB", "ออมสิน", 2),
];

/// Cambodian banks: NextOCR's bank code, the name a statement prints.
pub(crate) const KH_BANKS: &[(&str, &str)] = &[("ABA", "ABA"), ("AC", "ACLEDA")];

/// The statement files a day can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum StatementFile {
    /// THB lines in the KBank-style export (profile `kbank-csv`).
    Kbank,
    /// USD and KHR lines in the canonical layout.
    AbaUsd,
    /// Every line in the canonical layout (`bank_layouts = false`).
    Canonical,
}

impl StatementFile {
    pub fn name(self) -> &'static str {
        match self {
            StatementFile::Kbank => "kbank.csv",
            StatementFile::AbaUsd => "aba-usd.csv",
            StatementFile::Canonical => "canonical.csv",
        }
    }

    /// The physical line of the first transaction: KBank has three preamble
    /// lines, an empty line and the header; canonical files only a header.
    pub fn first_line(self) -> u64 {
        match self {
            StatementFile::Kbank => 6,
            StatementFile::AbaUsd | StatementFile::Canonical => 2,
        }
    }
}

/// Who a slip says was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receiver {
    /// Our account for the slip's currency; THB transfers may go through our
    /// PromptPay tax-id proxy.
    Ours { via_promptpay: bool },
    /// Index into `OTHER_RECEIVERS` (THB) or `OTHER_RECEIVERS_KH`.
    Other(usize),
}

/// What a slip shows about one transfer, whoever renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SlipFacts {
    pub currency: Currency,
    pub amount_minor: i64,
    pub paid_at: DateTime<FixedOffset>,
    pub trans_ref: String,
    pub sender: Person,
    /// How the slip prints the sender (honorific, the bank's mask, a typo),
    /// drawn apart from how the statement prints the same payer.
    pub sender_noise: NameNoise,
    /// Index into `THAI_BANKS` (THB) or `KH_BANKS`.
    pub sender_bank: usize,
    pub sender_account: String,
    pub receiver: Receiver,
}

impl SlipFacts {
    pub fn amount(&self) -> Money {
        Money::from_minor(self.amount_minor, self.currency)
    }

    /// The sender's name as this slip prints it in `script`.
    pub fn sender_name(&self, script: Script) -> String {
        self.sender.render(script, &self.sender_noise)
    }
}

/// A slip file as the shop saved it for one order.
#[derive(Debug, Clone)]
pub(crate) struct PlannedSlip {
    pub facts: SlipFacts,
    /// The amount of the order the shop verified the slip for (EasySlip
    /// compares it as `amountInOrder` and echoes the order id as `remark`).
    pub order_amount_minor: i64,
    /// The provider had seen this slip before (EasySlip `isDuplicate`).
    pub seen_before: bool,
    /// The upload broke off: the saved body is cut short.
    pub truncated: bool,
}

/// The story of one order; decides its slip, its statement line and its
/// expected status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum OrderKind {
    /// Slip, statement line with the slip's transRef.
    Paid,
    /// Slip, statement line without reference: linked by amount + name.
    PaidNoReference,
    /// No slip uploaded, but the money is on the statement.
    PaidWithoutSlip,
    /// No slip, and the customer mistyped their name in the shop (a letter
    /// doubled); the statement line still pays the order.
    PaidWithoutSlipNameTypo,
    /// Slip and a line without reference whose payer name the bank masked
    /// (`นาย สมชาย ใจ***`, `MR. JOHN SM***`).
    PaidMaskedLineName,
    /// Someone else paid (a relative, a mule): slip and line both name
    /// them, and the line carries the slip's transRef.
    PaidByOtherPayer,
    /// The same, with no reference on the line: slip and line agree on
    /// amount, time and the (other) payer.
    PaidByThirdParty,
    Unpaid,
    AmountMismatch,
    DuplicateSameDay,
    DuplicatePriorDay,
    ReceiverMismatch,
    SlipNotOnStatement,
    NameMismatch,
    UnreadableSlip,
    MalformedRow,
}

impl OrderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderKind::Paid => "paid",
            OrderKind::PaidNoReference => "paid_line_without_reference",
            OrderKind::PaidWithoutSlip => "paid_without_slip",
            OrderKind::PaidWithoutSlipNameTypo => "paid_without_slip_name_typo",
            OrderKind::PaidMaskedLineName => "paid_line_with_masked_name",
            OrderKind::PaidByOtherPayer => "paid_by_other_payer_with_reference",
            OrderKind::PaidByThirdParty => "paid_by_third_party",
            OrderKind::Unpaid => "unpaid",
            OrderKind::AmountMismatch => "amount_mismatch",
            OrderKind::DuplicateSameDay => "duplicate_slip_same_day",
            OrderKind::DuplicatePriorDay => "duplicate_slip_prior_day",
            OrderKind::ReceiverMismatch => "receiver_mismatch",
            OrderKind::SlipNotOnStatement => "slip_not_on_statement",
            OrderKind::NameMismatch => "name_mismatch",
            OrderKind::UnreadableSlip => "unreadable_slip",
            OrderKind::MalformedRow => "malformed_order_row",
        }
    }

    /// The status the reconciliation of the order's own day must give it
    /// (`None`: the row is quarantined and has no status), under the
    /// default grace periods: a slip whose money is not on the statement
    /// is `pending` on its day (its money may still be booked for two more
    /// days) and becomes `slip_not_on_statement` when the grace ends.
    /// Money from someone other than the customer is `name_mismatch`
    /// (README: the money matches by amount and time, but the payer is
    /// someone else), whatever links slip and line, the transRef included.
    pub fn expected(self) -> Option<Status> {
        Some(match self {
            OrderKind::Paid
            | OrderKind::PaidNoReference
            | OrderKind::PaidWithoutSlip
            | OrderKind::PaidWithoutSlipNameTypo
            | OrderKind::PaidMaskedLineName => Status::Matched,
            OrderKind::PaidByOtherPayer | OrderKind::PaidByThirdParty => Status::NameMismatch,
            OrderKind::Unpaid => Status::Unpaid,
            OrderKind::AmountMismatch => Status::AmountMismatch,
            OrderKind::DuplicateSameDay | OrderKind::DuplicatePriorDay => Status::DuplicateSlip,
            OrderKind::ReceiverMismatch => Status::ReceiverMismatch,
            OrderKind::SlipNotOnStatement => Status::Pending,
            OrderKind::NameMismatch => Status::NameMismatch,
            OrderKind::UnreadableSlip => Status::UnreadableSlip,
            OrderKind::MalformedRow => return None,
        })
    }
}

/// How a malformed row is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Defect {
    /// A letter O typed for a zero, a European decimal comma.
    Amount,
    /// A date cell Excel rendered as `##########`, an hour 25.
    Time,
    /// A currency code nobody uses (orders only).
    Currency,
}

#[derive(Debug, Clone)]
pub(crate) struct PlannedOrder {
    pub order_id: String,
    pub kind: OrderKind,
    pub customer: Person,
    pub with_honorific: bool,
    pub currency: Currency,
    pub amount_minor: i64,
    pub ordered_at: DateTime<FixedOffset>,
    pub slip: Option<PlannedSlip>,
    /// The order's statement line prints the slip's transRef.
    pub line_reference: bool,
    /// The order sits on one of the day's popular prices.
    pub crowded: bool,
    pub defect: Option<Defect>,
    /// 1-based physical line in `orders.csv`.
    pub line_no: u64,
}

impl PlannedOrder {
    pub fn customer_name(&self) -> String {
        let name = self.customer.order_name(self.with_honorific);
        if self.kind == OrderKind::PaidWithoutSlipNameTypo {
            double_a_letter(&name)
        } else {
            name
        }
    }
}

/// What a statement line is, for `planted.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineKind {
    Payment,
    UnknownTransfer,
    MoneyOut,
    Malformed,
}

#[derive(Debug, Clone)]
pub(crate) struct PlannedLine {
    pub file: StatementFile,
    pub booked_at: DateTime<FixedOffset>,
    pub currency: Currency,
    /// Signed: positive is money in.
    pub amount_minor: i64,
    pub counterparty_name: String,
    pub counterparty_account: String,
    pub counterparty_bank: &'static str,
    pub reference: Option<String>,
    pub channel: &'static str,
    pub kind: LineKind,
    pub defect: Option<Defect>,
    pub expected: Option<Status>,
    /// Draw order, the tie-break when two lines book in the same second.
    pub seq: u64,
    pub line_no: u64,
}

pub(crate) struct StatementPlan {
    pub file: StatementFile,
    /// Balance before the first line (KBank shows a running balance).
    pub opening_minor: i64,
    pub lines: Vec<PlannedLine>,
}

pub(crate) struct DayPlan {
    pub day: Day,
    pub orders: Vec<PlannedOrder>,
    pub statements: Vec<StatementPlan>,
    pub reusable: Vec<PriorSlip>,
}
