//! The day's headline figures: `summary.json`, the XLSX Summary sheet and
//! the HTML headline all come from one [`Summary`].

use std::collections::BTreeMap;

use recon_core::carry::{self, AgeBucket, ItemKind, Lifecycle};
use recon_core::{Case, Currency, Day, Decimal, DecisionKind, InputFile, Money, Status};
use serde::Serialize;

use crate::ReportInput;
use crate::tables::{BreakRow, Cell, Tables};

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
    /// `true` when anything needs a person: an open case or a quarantined
    /// input row (what cron's "finished with exceptions" exit code means).
    pub needs_review: bool,
    pub orders: Section,
    /// Orders of this day itself (`orders` also counts the orders of
    /// earlier days carried into this run).
    pub orders_of_day: u64,
    /// Statement lines; `amounts` count money in only (see `money_out`).
    pub statement: Section,
    pub slips: Section,
    /// Money-out lines (amount ≤ 0) on our statements: not payments.
    pub money_out: MoneyOut,
    /// Open rows of `exceptions.csv`: one problem may be several rows (an
    /// order, its slip and its line). [`Summary::cases`] counts problems.
    pub exceptions: ExceptionCounts,
    /// Cases: one payment problem each, however many rows it touches
    /// (`recon_core::cases`); the figure the command line, the page and the
    /// trend give.
    pub cases: CaseCounts,
    /// The break lifecycle: what is new, still open, closed today, and how
    /// old the open exceptions are.
    pub breaks: BreakFigures,
    /// Rows in `quarantine.csv`.
    pub quarantine: u64,
    /// How the slip reader fared (`ok`, `degraded`, `stopped` with a
    /// reason and the slips left pending); absent when the caller did not
    /// read slips.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_health: Option<recon_core::ProviderHealth>,
    /// The run's inputs, sorted by kind and name.
    pub inputs: Vec<InputFile>,
    /// Decisions that no longer fit the day's inputs and were not applied:
    /// they wait for a person. In the order they were recorded.
    pub stale_decisions: Vec<StaleDecision>,
}

/// What people's decisions did to the day's orders (`orders` in
/// `summary.json`, after its other figures).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OrderDecisions {
    /// Matched orders no decision stands on: `matched - matched_by_decision`.
    pub matched_automatically: u64,
    /// Matched orders with a `confirm`, `link` or `write_off` standing on
    /// them.
    pub matched_by_decision: u64,
    /// Orders settled outside Recon (status `resolved`).
    pub resolved: u64,
    /// The write-offs that stand: reason (`bank_fee`, `rounding`, `fx`,
    /// `discount`, `other`) → currency → plain decimal sum.
    pub written_off: BTreeMap<String, BTreeMap<&'static str, String>>,
    /// The same sums per (reason, currency), for the Summary sheet.
    #[serde(skip)]
    pub written_off_tallies: Vec<(String, Money)>,
}

/// A decision that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaleDecision {
    /// The decision word: `confirm`, `link`, `decline`, `write_off`,
    /// `resolve`, `reopen`.
    pub kind: &'static str,
    /// `order`, `statement_line` or `slip`.
    pub case_kind: &'static str,
    /// The case as the reports name it.
    pub id: String,
    pub by: String,
    /// RFC 3339 with the offset it was recorded in.
    pub at: String,
    pub why: String,
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
    /// Orders only (always there): what decisions did, as keys of this
    /// section after `amounts`.
    #[serde(flatten)]
    pub decisions: Option<OrderDecisions>,
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
    /// Open exception rows of `exceptions.csv` (not `matched`): the rows
    /// resolved today are counted in [`BreakFigures::resolved`] instead.
    pub total: u64,
    /// `order`, `statement_line`, `slip` → rows.
    pub by_kind: BTreeMap<&'static str, u64>,
    /// Every exception status word → rows of any kind, zeros included.
    pub by_status: BTreeMap<&'static str, u64>,
}

/// The day's cases in figures (`cases` in `summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseCounts {
    /// Cases that need a person (or wait for more): not `matched` or
    /// `resolved`.
    pub open: u64,
    /// Every exception status word → open cases, zeros included.
    pub by_status: BTreeMap<&'static str, u64>,
    /// Every case of the day, open or not (money going out is none).
    pub total: u64,
}

impl CaseCounts {
    fn build(cases: &[Case<'_>]) -> CaseCounts {
        let mut by_status: BTreeMap<&'static str, u64> = Status::ALL
            .iter()
            .filter(|s| s.is_exception())
            .map(|s| (s.as_str(), 0))
            .collect();
        let mut open = 0;
        for c in cases.iter().filter(|c| c.is_open()) {
            open += 1;
            *by_status.entry(c.status.as_str()).or_default() += 1;
        }
        CaseCounts {
            open,
            by_status,
            total: cases.len() as u64,
        }
    }
}

/// The day's break lifecycle in figures. Open means `new` or
/// `persisting`: every exception row of the day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakFigures {
    /// Open exceptions first seen today.
    pub new: u64,
    /// Open exceptions seen on an earlier run and still open.
    pub persisting: u64,
    /// Items open on an earlier run and closed today.
    pub resolved: u64,
    /// `new + persisting`.
    pub open: u64,
    /// Age bucket label (`0-1`, `2-7`, `8-30`, `>30`) → open exceptions,
    /// every bucket present.
    pub open_by_age: BTreeMap<&'static str, u64>,
    /// Age bucket → kind (`order`, `statement_line`, `slip`) → count and
    /// sums per currency, every bucket and kind present. Statement sums are
    /// money in only.
    pub open_by_age_and_kind: BTreeMap<&'static str, BTreeMap<&'static str, AgeCount>>,
    /// The same figures per (bucket, kind, currency), for the sheets.
    #[serde(skip)]
    pub tallies: Vec<AgeTally>,
}

/// Open exceptions of one age bucket and kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AgeCount {
    pub count: u64,
    /// Currency → plain decimal sum; only where there are amounts.
    pub amounts: BTreeMap<&'static str, String>,
}

/// Open exceptions of one age bucket, kind and currency (`currency` is
/// `None` for slips whose amount could not be read).
#[derive(Debug, Clone, PartialEq)]
pub struct AgeTally {
    pub bucket: AgeBucket,
    pub kind: ItemKind,
    pub currency: Option<Currency>,
    pub count: u64,
    pub amount: Option<Money>,
}

/// Bucket, kind and currency: the key the by-age tallies are kept in.
type AgeKey = (AgeBucket, ItemKind, Option<Currency>);

impl BreakFigures {
    fn build<'r>(rows: impl Iterator<Item = &'r BreakRow>) -> BreakFigures {
        let mut new = 0;
        let mut persisting = 0;
        let mut resolved = 0;
        let mut cells: BTreeMap<AgeKey, (u64, Option<Decimal>)> = BTreeMap::new();
        for r in rows {
            match r.lifecycle {
                Lifecycle::New => new += 1,
                Lifecycle::Persisting => persisting += 1,
                Lifecycle::Resolved => {
                    resolved += 1;
                    continue;
                }
            }
            let entry = cells
                .entry((r.bucket(), r.kind, r.currency))
                .or_insert((0, None));
            entry.0 += 1;
            if let Some(m) = r.amount {
                entry.1 = Some(entry.1.unwrap_or(Decimal::ZERO) + m.amount);
            }
        }
        let kinds = [ItemKind::Order, ItemKind::StatementLine, ItemKind::Slip];
        let mut open_by_age: BTreeMap<&'static str, u64> =
            AgeBucket::ALL.iter().map(|b| (b.label(), 0)).collect();
        let mut by_kind: BTreeMap<&'static str, BTreeMap<&'static str, AgeCount>> = AgeBucket::ALL
            .iter()
            .map(|b| {
                let per_kind = kinds.iter().map(|k| (k.as_str(), AgeCount::default()));
                (b.label(), per_kind.collect())
            })
            .collect();
        let mut tallies = Vec::with_capacity(cells.len());
        for ((bucket, kind, currency), (count, sum)) in cells {
            *open_by_age.entry(bucket.label()).or_default() += count;
            let amount = currency.zip(sum).map(|(c, s)| Money::new(s, c));
            let slot = by_kind
                .entry(bucket.label())
                .or_default()
                .entry(kind.as_str())
                .or_default();
            slot.count += count;
            if let Some(m) = amount {
                slot.amounts.insert(m.currency.code(), m.plain());
            }
            tallies.push(AgeTally {
                bucket,
                kind,
                currency,
                count,
                amount,
            });
        }
        BreakFigures {
            new,
            persisting,
            resolved,
            open: new + persisting,
            open_by_age,
            open_by_age_and_kind: by_kind,
            tallies,
        }
    }
}

impl OrderDecisions {
    fn build(input: &ReportInput, tables: &Tables<'_>, orders: &Section) -> OrderDecisions {
        let applied = tables.applied();
        let matched_by_decision = if applied.is_empty() {
            0
        } else {
            input
                .result
                .orders
                .iter()
                .filter(|o| o.status == Status::Matched)
                .filter(|o| {
                    applied.order(&o.order_id.0).is_some_and(|d| {
                        matches!(
                            d.kind,
                            DecisionKind::Confirm | DecisionKind::Link | DecisionKind::WriteOff
                        )
                    })
                })
                .count() as u64
        };
        let mut sums: BTreeMap<(&str, Currency), Decimal> = BTreeMap::new();
        for d in input.decisions.applied.values() {
            if d.kind == DecisionKind::WriteOff
                && let Some(m) = d.amount
            {
                let reason = d.reason.as_deref().unwrap_or("other");
                *sums.entry((reason, m.currency)).or_default() += m.amount;
            }
        }
        let mut written_off: BTreeMap<String, BTreeMap<&'static str, String>> = BTreeMap::new();
        let mut written_off_tallies = Vec::with_capacity(sums.len());
        for ((reason, currency), sum) in sums {
            let m = Money::new(sum, currency);
            written_off
                .entry(reason.to_string())
                .or_default()
                .insert(currency.code(), m.plain());
            written_off_tallies.push((reason.to_string(), m));
        }
        OrderDecisions {
            matched_automatically: orders.matched.saturating_sub(matched_by_decision),
            matched_by_decision,
            resolved: orders.by_status[Status::Resolved.as_str()],
            written_off,
            written_off_tallies,
        }
    }
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
        // `resolved` is neither matched nor an exception.
        let exceptions = Status::ALL
            .iter()
            .filter(|s| s.is_exception())
            .map(|s| by_status[s.as_str()])
            .sum();
        Section {
            total,
            matched,
            exceptions,
            by_status,
            amounts,
            decisions: None,
            tallies,
        }
    }
}

impl Summary {
    /// `cases` is `recon_core::cases(input.result)`.
    pub(crate) fn build(input: &ReportInput, tables: &Tables<'_>, cases: &[Case<'_>]) -> Summary {
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
            ItemKind::ALL.map(|k| (k.as_str(), 0)).into();
        let mut exc_status: BTreeMap<&'static str, u64> = Status::ALL
            .iter()
            .filter(|s| s.is_exception())
            .map(|s| (s.as_str(), 0))
            .collect();
        // Rows resolved today are in the table but are not exceptions.
        let mut exceptions_total = 0;
        for row in tables.exceptions.iter().filter(|r| r.status.is_exception()) {
            exceptions_total += 1;
            *exc_status.entry(row.status.as_str()).or_default() += 1;
            let kind = row.kind_word();
            for k in ItemKind::ALL.map(ItemKind::as_str) {
                if k == kind {
                    *by_kind.entry(k).or_default() += 1;
                }
            }
        }

        let mut orders = orders.finish();
        orders.decisions = Some(OrderDecisions::build(input, tables, &orders));
        let match_rate = (orders.total > 0).then(|| {
            let rate = orders.matched as f64 / orders.total as f64;
            (rate * 10_000.0).round() / 10_000.0
        });

        let mut inputs = input.inputs.to_vec();
        inputs.sort();

        let quarantine = input.quarantine.len() as u64;
        let cases = CaseCounts::build(cases);
        Summary {
            schema: SUMMARY_SCHEMA,
            day: result.day,
            tool_version: input.tool_version.to_string(),
            match_rate,
            needs_review: cases.open > 0 || quarantine > 0,
            orders_of_day: result
                .orders
                .iter()
                .filter(|o| carry::origin_of(&o.source.file).is_none())
                .count() as u64,
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
            cases,
            breaks: BreakFigures::build(tables.exceptions.iter().map(|r| &r.brk)),
            quarantine,
            provider_health: input.provider_health.cloned(),
            inputs,
            stale_decisions: input
                .decisions
                .stale
                .iter()
                .map(|(d, why)| StaleDecision {
                    kind: d.kind.as_str(),
                    case_kind: d.case.kind.as_str(),
                    id: d.case.id.clone(),
                    by: d.by.clone(),
                    at: Cell::Time(d.at).plain(),
                    why: why.clone(),
                })
                .collect(),
        }
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut out = serde_json::to_vec_pretty(self)?;
        out.push(b'\n');
        Ok(out)
    }
}
