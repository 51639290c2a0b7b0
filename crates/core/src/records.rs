//! The normalized rows every stage passes on: statement lines, orders, and
//! the quarantine of rows that could not become either.

use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::{Money, Party};

/// Where a row came from: the input file's name (not its path) and the
/// 1-based physical line (CSV) or row (spreadsheet) number. Written
/// `<file>:<line>`, which is the `statement_line` id of the reports.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub line: u64,
}

impl SourceRef {
    pub fn new(file: impl Into<String>, line: u64) -> SourceRef {
        SourceRef {
            file: file.into(),
            line,
        }
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One booked movement on one of our accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    pub source: SourceRef,
    /// Our account the line was booked on, as the statement names it.
    pub account: String,
    pub booked_at: DateTime<FixedOffset>,
    /// Signed: positive is money in.
    pub amount: Money,
    /// Who sent (money in) or received (money out) the money.
    pub counterparty: Party,
    pub reference: Option<String>,
    pub description: Option<String>,
}

/// The shop's or ERP's identifier of an order, exactly as exported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrderId(pub String);

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An order that a customer should pay by transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub source: SourceRef,
    pub order_id: OrderId,
    pub customer_name: String,
    pub amount: Money,
    pub ordered_at: DateTime<FixedOffset>,
    /// The slip file the customer uploaded, a name inside the day's
    /// `slips/` folder.
    pub slip: Option<String>,
}

/// An input row that was rejected, with everything needed to find and fix
/// it. Nothing is dropped silently: every rejected row becomes one of these
/// and lands in `quarantine.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rejection {
    pub file: String,
    /// 1-based line or row; `None` when the whole file was rejected.
    pub line: Option<u64>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, " column {col}")?;
        }
        if let Some(v) = &self.value {
            write!(f, " value {v:?}")?;
        }
        write!(f, ": {}", self.reason)
    }
}
