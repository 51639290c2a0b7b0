//! Recon's domain types, shared by every stage.
//!
//! Owns: [`Money`] (exact decimal + ISO 4217 [`Currency`]), [`Day`],
//! [`StatementLine`], [`Order`], [`Slip`], [`Party`], the contract
//! [`Status`] words and the outcome rows, the quarantine [`Rejection`],
//! [`case`]s (one payment problem, however many rows it touches, in the
//! order a person should take them), and helpers to mask personal data
//! ([`mask`]).
//!
//! Never does I/O: types are parsed once at the edge (ingest, ocr-client)
//! and trusted inside.

pub mod carry;
pub mod case;
mod day;
pub mod decision;
mod health;
pub mod mask;
mod money;
mod outcome;
mod party;
mod records;
mod run;
mod slip;

pub use carry::{AgeBucket, Break, ItemKind, Lifecycle, OpenItem};
pub use case::{Case, cases, open_cases};
pub use day::Day;
pub use decision::{
    Alias, CaseRef, DayDecisions, Decision, DecisionKind, DeclinedPair, InForce, Resolution,
    WriteOffReason,
};
pub use health::{HealthReason, HealthStatus, ProviderHealth};
pub use money::{Currency, Money};
pub use outcome::{
    DayResult, NameScore, OrderOutcome, Reason, ReasonCode, SlipOutcome, StatementOutcome, Status,
    join_reasons,
};
pub use party::{AccountMask, Party, Proxy, ProxyKind, ThaiBank, thai_bank};
pub use records::{Order, OrderId, Rejection, SourceRef, StatementLine};
pub use run::{InputFile, PriorUse, SlipCache, TrendPoint};
pub use slip::{Evidence, FieldSource, Provider, Slip, SlipField, SlipKey, SlipRead, TransRef};

pub use rust_decimal::Decimal;

/// Errors of parsing domain values at the edge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("unknown currency {0:?} (expected THB, USD or KHR)")]
    UnknownCurrency(String),
    #[error("not an amount: {0:?}")]
    BadAmount(String),
    #[error("amount {amount} has more decimals than {currency} allows")]
    TooManyDecimals { amount: String, currency: Currency },
    #[error("not a day: {0:?} (expected YYYY-MM-DD)")]
    BadDay(String),
    #[error("unknown status {0:?}")]
    UnknownStatus(String),
}
