//! Exports to the books: the day's matched payments in the layouts
//! accounting software imports, so that nobody types them in again.
//!
//! A *payment* is one statement line of money in (amount > 0) whose status
//! is `matched` with at least one order, matched by the passes or by a
//! decision (confirm, link, write-off). It is exported once, on the day it
//! is matched: a line carried from an earlier day is exported on the day
//! its order arrives, with its own booking date. A line `resolved` without
//! an order (a refund, a transfer between our accounts) is not a payment
//! of an order and stays in `statement.csv` only.
//!
//! | format | file | columns |
//! | --- | --- | --- |
//! | `xero` | `export-xero-<CUR>.csv` | `Date,Amount,Payee,Description,Reference` (Xero's bank statement CSV; `dd/mm/yyyy`) |
//! | `qbo` | `export-qbo-<CUR>.csv` | `Date,Description,Amount` (QuickBooks Online's three-column bank CSV; `dd/mm/yyyy`) |
//! | `odoo` | `export-odoo-<CUR>.csv` | `date,payment_ref,partner_name,amount,ref` (Odoo's bank statement line import; ISO dates) |
//! | `journal` | `export-journal.csv` | every field, every currency: the generic journal below |
//!
//! A bank statement import goes into one bank account of one currency, so
//! the three books' formats write one file per currency of our accounts
//! (header only on a day without payments in it): `export-xero-THB.csv`,
//! `export-xero-USD.csv`. The amount is the money the bank booked, exact,
//! with the currency's minor digits and no grouping; the date is the day
//! the bank booked it in the business time zone. The reference is the
//! order id (several joined with a space), which is what the books match
//! invoices on.
//!
//! `journal` columns: `date,currency,amount,payer,order_ids,orders_amount,
//! write_off,write_off_reason,decided_by,statement_line,bank_account,
//! bank_reference`. `orders_amount` is what the orders asked for, `amount`
//! what arrived, `write_off` what a person accepted as not received
//! (`orders_amount = amount + write_off` for a short payment written off),
//! so that a journal entry can be booked from one row: bank debit
//! `amount`, fee or discount debit `write_off`, receivable credit
//! `orders_amount`.
//!
//! Text: UTF-8. The books' formats have no BOM (an importer reading the
//! header names would see a BOM as part of `Date`) and no formula guard (the
//! books store the text as given); `journal` is for a person in a
//! spreadsheet and follows the reports' CSV conventions (BOM, CRLF, a `'`
//! before a cell that would run as a formula).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::str::FromStr;

use chrono::NaiveDate;
use recon_core::{
    Currency, DayResult, Money, OrderOutcome, ReasonCode, SourceRef, StatementLine, Status,
};
use rust_decimal::Decimal;
use serde::Deserialize;

/// One layout the books import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Xero,
    Qbo,
    Odoo,
    Journal,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Xero,
        ExportFormat::Qbo,
        ExportFormat::Odoo,
        ExportFormat::Journal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Xero => "xero",
            ExportFormat::Qbo => "qbo",
            ExportFormat::Odoo => "odoo",
            ExportFormat::Journal => "journal",
        }
    }

    fn header(self) -> &'static [&'static str] {
        match self {
            ExportFormat::Xero => &["Date", "Amount", "Payee", "Description", "Reference"],
            ExportFormat::Qbo => &["Date", "Description", "Amount"],
            ExportFormat::Odoo => &["date", "payment_ref", "partner_name", "amount", "ref"],
            ExportFormat::Journal => &[
                "date",
                "currency",
                "amount",
                "payer",
                "order_ids",
                "orders_amount",
                "write_off",
                "write_off_reason",
                "decided_by",
                "statement_line",
                "bank_account",
                "bank_reference",
            ],
        }
    }

    /// Whether the format holds one currency per file.
    fn per_currency(self) -> bool {
        self != ExportFormat::Journal
    }

    /// The file names this format writes for the currencies of our
    /// accounts, in the order [`render`] returns them.
    pub fn file_names(self, currencies: &[Currency]) -> Vec<String> {
        if self.per_currency() {
            currencies
                .iter()
                .map(|c| format!("export-{}-{c}.csv", self.as_str()))
                .collect()
        } else {
            vec![format!("export-{}.csv", self.as_str())]
        }
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<ExportFormat, String> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ExportFormat::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown export format {s:?}: one of {}", names.join(", "))
            })
    }
}

/// What exports a run writes beside its reports.
#[derive(Debug, Clone, Copy)]
pub struct Exports<'a> {
    pub formats: &'a [ExportFormat],
    /// The business time zone: a payment's date is the day its line was
    /// booked there.
    pub timezone: chrono_tz::Tz,
    /// The currencies of our accounts, sorted and without repeats: one file
    /// each for the per-currency formats.
    pub currencies: &'a [Currency],
}

/// One payment the books receive.
#[derive(Debug, Clone, PartialEq)]
pub struct Payment<'a> {
    pub date: NaiveDate,
    pub amount: Money,
    pub payer: &'a str,
    pub order_ids: Vec<&'a str>,
    /// What the orders asked for, in the payment's currency.
    pub orders_amount: Money,
    /// What a person accepted as not received, and why (`fee`, `discount`…).
    pub write_off: Option<(Money, &'a str)>,
    /// Who decided the match, when a person did.
    pub decided_by: Option<&'a str>,
    pub statement_line: &'a SourceRef,
    pub bank_account: &'a str,
    pub bank_reference: Option<&'a str>,
}

/// A matched line whose input record is not at hand: it cannot be dated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("statement line {0} is matched but its record was not read")]
pub struct MissingLine(pub String);

/// The day's payments in statement order. `line` finds a statement line's
/// input record by its source.
pub fn payments<'a>(
    result: &'a DayResult,
    line: impl Fn(&SourceRef) -> Option<&'a StatementLine>,
    timezone: chrono_tz::Tz,
) -> Result<Vec<Payment<'a>>, MissingLine> {
    let orders: HashMap<&str, &OrderOutcome> = result
        .orders
        .iter()
        .map(|o| (o.order_id.0.as_str(), o))
        .collect();
    let mut out = Vec::new();
    for l in &result.statement {
        if l.status != Status::Matched || l.order_ids.is_empty() || l.amount.amount <= Decimal::ZERO
        {
            continue;
        }
        let record = line(&l.line).ok_or_else(|| MissingLine(l.line.to_string()))?;
        let paid: Vec<&OrderOutcome> = l
            .order_ids
            .iter()
            .filter_map(|id| orders.get(id.0.as_str()).copied())
            .collect();
        // A split payment (several lines for one order) books each line;
        // the order's amount goes with the first line only, so that the
        // journal's receivable column adds up to the orders once.
        let first_line_of = |o: &OrderOutcome| o.statement_lines.first() == Some(&l.line);
        let mut orders_amount = Money::new(Decimal::ZERO, l.amount.currency);
        let mut write_off: Option<(Money, &str)> = None;
        let mut decided_by = None;
        for o in &paid {
            if o.expected.currency == l.amount.currency && first_line_of(o) {
                orders_amount.amount += o.expected.amount;
                if let Some((amount, why)) = written_off(o) {
                    let sum = write_off.map_or(amount.amount, |(m, _)| m.amount + amount.amount);
                    write_off = Some((Money::new(sum, amount.currency), why));
                }
            }
            decided_by = decided_by.or_else(|| decider(&o.reasons));
        }
        decided_by = decided_by.or_else(|| decider(&l.reasons));
        out.push(Payment {
            date: record.booked_at.with_timezone(&timezone).date_naive(),
            amount: l.amount,
            payer: l
                .counterparty_name
                .as_deref()
                .or(record.counterparty.name.as_deref())
                .unwrap_or(""),
            order_ids: l.order_ids.iter().map(|id| id.0.as_str()).collect(),
            orders_amount,
            write_off,
            decided_by,
            statement_line: &l.line,
            bank_account: &record.account,
            bank_reference: record.reference.as_deref(),
        });
    }
    Ok(out)
}

/// The amount and reason of an order's `written_off` reason
/// (`50.00 THB fee`).
fn written_off(o: &OrderOutcome) -> Option<(Money, &str)> {
    let detail = o
        .reasons
        .iter()
        .find(|r| r.is(ReasonCode::WrittenOff))?
        .detail
        .as_deref()?;
    let mut parts = detail.splitn(3, ' ');
    let amount = parts.next()?;
    let currency: Currency = parts.next()?.parse().ok()?;
    let why = parts.next().unwrap_or("other");
    Some((Money::parse(amount, currency).ok()?, why))
}

/// Who decided, from a `decided` reason (`confirm by somchai`).
fn decider(reasons: &[recon_core::Reason]) -> Option<&str> {
    reasons
        .iter()
        .find(|r| r.is(ReasonCode::Decided))?
        .detail
        .as_deref()?
        .split_once(" by ")
        .map(|(_, by)| by)
}

/// The files of `format` for `payments`, named by [`ExportFormat::file_names`].
pub fn render(
    format: ExportFormat,
    payments: &[Payment],
    currencies: &[Currency],
) -> Vec<(String, Vec<u8>)> {
    if !format.per_currency() {
        let name = format.file_names(currencies).remove(0);
        return vec![(name, journal(payments))];
    }
    format
        .file_names(currencies)
        .into_iter()
        .zip(currencies)
        .map(|(name, &currency)| {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new());
            // No formula guard for importers, but direction controls are
            // shown, not obeyed, as in every report.
            let row = |w: &mut csv::Writer<Vec<u8>>, cells: &[&str]| {
                w.write_record(cells.iter().map(|c| crate::bidi::neutral(c).into_owned()))
                    .expect("writing to memory")
            };
            row(&mut w, format.header());
            for p in payments.iter().filter(|p| p.amount.currency == currency) {
                let amount = p.amount.plain();
                let ids = p.order_ids.join(" ");
                let description = describe(p);
                match format {
                    ExportFormat::Xero => row(
                        &mut w,
                        &[&dmy(p.date), &amount, p.payer, &description, &ids],
                    ),
                    ExportFormat::Qbo => {
                        let text = format!("{} - {description}", p.payer);
                        row(&mut w, &[&dmy(p.date), &text, &amount])
                    }
                    ExportFormat::Odoo => row(
                        &mut w,
                        &[&p.date.to_string(), &ids, p.payer, &amount, &description],
                    ),
                    ExportFormat::Journal => unreachable!("one file for every currency"),
                }
            }
            (name, w.into_inner().expect("writing to memory"))
        })
        .collect()
}

/// `Payment for ORD-1, ORD-2 (50.00 THB fee written off)`.
fn describe(p: &Payment) -> String {
    let mut s = format!("Payment for {}", p.order_ids.join(", "));
    if let Some((amount, why)) = &p.write_off {
        let _ = write!(s, " ({amount} {why} written off)");
    }
    s
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn journal(payments: &[Payment]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = ExportFormat::Journal.header();
    w.write_record(header).expect("writing to memory");
    for p in payments {
        let (write_off, why) = match &p.write_off {
            Some((m, why)) => (m.plain(), *why),
            None => (String::new(), ""),
        };
        let cells = [
            p.date.to_string(),
            p.amount.currency.to_string(),
            p.amount.plain(),
            crate::csv_out::defuse(p.payer).into_owned(),
            crate::csv_out::defuse(&p.order_ids.join("|")).into_owned(),
            p.orders_amount.plain(),
            write_off,
            why.to_string(),
            crate::csv_out::defuse(p.decided_by.unwrap_or("")).into_owned(),
            p.statement_line.to_string(),
            p.bank_account.to_string(),
            crate::csv_out::defuse(p.bank_reference.unwrap_or("")).into_owned(),
        ];
        w.write_record(&cells).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_back_from_their_names() {
        for f in ExportFormat::ALL {
            assert_eq!(f.as_str().parse::<ExportFormat>(), Ok(f));
        }
        let err = "peak".parse::<ExportFormat>().unwrap_err();
        assert!(err.contains("xero, qbo, odoo, journal"), "{err}");
        let thb: Currency = "THB".parse().unwrap();
        let usd: Currency = "USD".parse().unwrap();
        assert_eq!(
            ExportFormat::Xero.file_names(&[thb, usd]),
            ["export-xero-THB.csv", "export-xero-USD.csv"]
        );
        assert_eq!(
            ExportFormat::Journal.file_names(&[thb, usd]),
            ["export-journal.csv"]
        );
    }
}
