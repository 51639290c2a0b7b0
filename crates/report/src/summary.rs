//! The day's headline figures: `summary.json`, the XLSX Summary sheet and
//! the HTML headline all come from one [`Summary`].

use std::collections::BTreeMap;

use recon_core::{Currency, Day, Decimal, InputFile, Money, Status};
use serde::Serialize;

use crate::ReportInput;
use crate::tables::{KIND_LINE, KIND_ORDER, KIND_SLIP, Tables};

/// Version of the `summary.json` layout; bumped when a key changes meaning
/// or disappears (adding keys does not bump it).
pub const SUMMARY_SCHEMA: u32 = 1;

/// The figures a monitoring check or a downstream system needs. Serialized
/// with keys in a fixed order (struct order, maps sorted), amounts as
/// strings so that no float ever touches money.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub schema: u32,
    pub day: Day,
    pub tool_version: String,
    /// Matched orders / all orders, rounded to 4 decimals; `null` when the
    /// day has no orders.
    pub match_rate: Option<f64>,
    /// `true` when anything needs a person: an exception or a quarantined
    /// input row (what cron's "finished with exceptions" exit code means).
    pub needs_review: bool,
    pub orders: Section,
    /// Statement lines; `amounts` count money in only (see `money_out`).
    pub statement: Section,
    pub slips: Section,
    /// Money-out lines (amount ≤ 0) on our statements: not payments.
    pub money_out: MoneyOut,
    pub exceptions: ExceptionCounts,
    /// Rows in `quarantine.csv`.
    pub quarantine: u64,
    /// The run's inputs, sorted by kind and name.
    pub inputs: Vec<InputFile>,
}

/// Counts and sums of one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub total: u64,
    pub matched: u64,
    pub exceptions: u64,
    /// Every status word, zeros included, so a check can read any key.
    pub by_status: BTreeMap<&'static str, u64>,
    /// Status → currency → plain decimal sum; only where there are rows.
    pub amounts: BTreeMap<&'static str, BTreeMap<&'static str, String>>,
    /// The same figures per (status, currency) for the sheets and charts.
    #[serde(skip)]
    pub tallies: Vec<Tally>,
}

/// Rows of one status in one currency (`currency` is `None` for slips whose
/// amount could not be read).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub status: Status,
    pub currency: Option<Currency>,
    pub count: u64,
    pub amount: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoneyOut {
    pub lines: u64,
    /// Currency → total taken out, as a positive plain decimal.
    pub amounts: BTreeMap<&'static str, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExceptionCounts {
    /// Rows in `exceptions.csv`.
    pub total: u64,
    /// `order`, `statement_line`, `slip` → rows.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// Every exception status word → rows of any kind, zeros included.
    pub by_status: BTreeMap<&'static str, u64>,
}

/// Accumulates a [`Section`] in status and currency order.
#[derive(Default)]
struct SectionBuilder {
    cells: BTreeMap<(Status, Option<Currency>), (u64, Option<Decimal>)>,
}

impl SectionBuilder {
    fn add(&mut self, status: Status, amount: Option<Money>) {
        let entry = self
            .cells
            .entry((status, amount.map(|m| m.currency)))
            .or_insert((0, None));
        entry.0 += 1;
        if let Some(m) = amount {
            entry.1 = Some(entry.1.unwrap_or(Decimal::ZERO) + m.amount);
        }
    }

    fn finish(self) -> Section {
        let mut by_status: BTreeMap<&'static str, u64> =
            Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        let mut amounts: BTreeMap<&'static str, BTreeMap<&'static str, String>> = BTreeMap::new();
        let mut tallies = Vec::new();
        for ((status, currency), (count, sum)) in self.cells {
            *by_status.entry(status.as_str()).or_default() += count;
            let amount = currency.zip(sum).map(|(c, s)| Money::new(s, c));
            if let Some(m) = amount {
                amounts
                    .entry(status.as_str())
                    .or_default()
                    .insert(m.currency.code(), m.plain());
            }
            tallies.push(Tally {
                status,
                currency,
                count,
                amount,
            });
        }
        let total = by_status.values().sum();
        let matched = by_status[Status::Matched.as_str()];
        Section {
            total,
            matched,
            exceptions: total - matched,
            by_status,
            amounts,
            tallies,
        }
    }
}

impl Summary {
    pub(crate) fn build(input: &ReportInput, tables: &Tables) -> Summary {
        let result = input.result;

        let mut orders = SectionBuilder::default();
        for o in &result.orders {
            orders.add(o.status, Some(o.expected));
        }

        let mut statement = SectionBuilder::default();
        let mut out_lines = 0;
        let mut out_sums: BTreeMap<Currency, Decimal> = BTreeMap::new();
        for l in &result.statement {
            if l.amount.is_positive() {
                statement.add(l.status, Some(l.amount));
            } else {
                // Counted by status, but kept out of the money-in sums so
                // that unmatched money in is not netted against our own
                // payments out.
                statement.add(l.status, None);
                out_lines += 1;
                *out_sums.entry(l.amount.currency).or_default() += l.amount.amount.abs();
            }
        }

        let mut slips = SectionBuilder::default();
        for s in &result.slips {
            slips.add(s.status, s.amount);
        }

        let mut by_kind: BTreeMap<&'static str, u64> =
            [KIND_ORDER, KIND_LINE, KIND_SLIP].map(|k| (k, 0)).into();
        let mut exc_status: BTreeMap<&'static str, u64> = Status::ALL
            .iter()
            .filter(|s| s.is_exception())
            .map(|s| (s.as_str(), 0))
            .collect();
        for row in &tables.exceptions.rows {
            if let Some(status) = row.status {
                *exc_status.entry(status.as_str()).or_default() += 1;
            }
            if let Some(crate::tables::Cell::Text(kind)) = row.cells.first() {
                for k in [KIND_ORDER, KIND_LINE, KIND_SLIP] {
                    if k == kind {
                        *by_kind.entry(k).or_default() += 1;
                    }
                }
            }
        }

        let orders = orders.finish();
        let match_rate = (orders.total > 0).then(|| {
            let rate = orders.matched as f64 / orders.total as f64;
            (rate * 10_000.0).round() / 10_000.0
        });

        let mut inputs = input.inputs.to_vec();
        inputs.sort();

        let exceptions_total = tables.exceptions.rows.len() as u64;
        let quarantine = input.quarantine.len() as u64;
        Summary {
            schema: SUMMARY_SCHEMA,
            day: result.day,
            tool_version: input.tool_version.to_string(),
            match_rate,
            needs_review: exceptions_total > 0 || quarantine > 0,
            orders,
            statement: statement.finish(),
            slips: slips.finish(),
            money_out: MoneyOut {
                lines: out_lines,
                amounts: out_sums
                    .into_iter()
                    .map(|(c, s)| (c.code(), Money::new(s, c).plain()))
                    .collect(),
            },
            exceptions: ExceptionCounts {
                total: exceptions_total,
                by_kind,
                by_status: exc_status,
            },
            quarantine,
            inputs,
        }
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut out = serde_json::to_vec_pretty(self)?;
        out.push(b'\n');
        Ok(out)
    }
}
