//! What people decided about exceptions, and the aliases their confirms
//! taught: both append-only (schema 5).
//!
//! Decisions form a hash chain in id order: each row's `sha256` is the
//! SHA-256 of the previous row's `sha256` (nothing for the first) followed
//! by the decision's JSON (`serde_json` of [`Decision`], fields in struct
//! order), so [`Ledger::verify_decisions`] finds a row changed or removed
//! behind the triggers' back. The JSON hashed is that of the decision as
//! it reads back from its columns (amounts in minor units, the time as
//! RFC 3339 text), so the chain can be recomputed from the table alone.
//!
//! Aliases are events: `learn` adds a customer/payer pair, `remove` takes
//! it away; the aliases in force are what the events add up to in id
//! order.
//!
//! Never does: check a decision against a day's cases, or decide what a
//! decision means for the matcher (the engine does both).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use recon_core::{Alias, CaseRef, Currency, Day, Decision, DecisionKind, ItemKind, Money};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::SqlContext;
use crate::results::minor_units;
use crate::{Ledger, LedgerError};

/// A decision as the ledger holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedDecision {
    /// Its place in the chain: 1, 2, … in the order decisions were
    /// recorded; never reused.
    pub id: i64,
    /// As it reads back from the ledger: an amount has exactly its
    /// currency's minor digits (`50` THB reads back as `50.00`).
    pub decision: Decision,
    /// Lower-case hex SHA-256 of the previous decision's `sha256` and this
    /// decision's JSON.
    pub sha256: String,
}

const DECISION_COLUMNS: &str = "id, day, kind, case_kind, case_id, with_json, amount_minor, \
     currency, reason, note, decided_by, decided_at, previous_sha256, sha256";

/// A decision's columns, as written and as read back.
struct Columns {
    day: String,
    kind: String,
    case_kind: String,
    case_id: String,
    with_json: String,
    amount_minor: Option<i64>,
    currency: Option<String>,
    reason: Option<String>,
    note: String,
    decided_by: String,
    decided_at: String,
}

/// A `decisions` row: its columns and its place in the chain.
struct RawDecision {
    id: i64,
    columns: Columns,
    previous_sha256: Option<String>,
    sha256: String,
}

impl RawDecision {
    fn from_row(r: &Row<'_>) -> rusqlite::Result<RawDecision> {
        Ok(RawDecision {
            id: r.get(0)?,
            columns: Columns {
                day: r.get(1)?,
                kind: r.get(2)?,
                case_kind: r.get(3)?,
                case_id: r.get(4)?,
                with_json: r.get(5)?,
                amount_minor: r.get(6)?,
                currency: r.get(7)?,
                reason: r.get(8)?,
                note: r.get(9)?,
                decided_by: r.get(10)?,
                decided_at: r.get(11)?,
            },
            previous_sha256: r.get(12)?,
            sha256: r.get(13)?,
        })
    }

    /// `decision 7 (write_off order ORD-1, day 2026-11-21)`, from the raw
    /// columns so that it can name a row that no longer decodes.
    fn describe(&self) -> String {
        let c = &self.columns;
        format!(
            "decision {} ({} {} {}, day {})",
            self.id, c.kind, c.case_kind, c.case_id, c.day
        )
    }

    fn decode(self) -> Result<RecordedDecision, LedgerError> {
        let decision = self
            .columns
            .decode()
            .map_err(|detail| LedgerError::Corrupt {
                table: "decisions",
                row: format!("id {}", self.id),
                detail,
            })?;
        Ok(RecordedDecision {
            id: self.id,
            decision,
            sha256: self.sha256,
        })
    }
}

impl Columns {
    /// The columns of `d`, the `position`th decision of its batch.
    fn encode(d: &Decision, position: usize) -> Result<Columns, LedgerError> {
        let (amount_minor, currency) = match &d.amount {
            Some(m) => {
                let what = || format!("decision {position} of the batch ({} {})", d.kind, d.case);
                (
                    Some(minor_units(d.day, what, m)?),
                    Some(m.currency.code().to_string()),
                )
            }
            None => (None, None),
        };
        let with_json = serde_json::to_string(&d.with).map_err(|e| LedgerError::BadDecision {
            position,
            day: d.day,
            case: format!("{} {}", d.kind, d.case),
            detail: format!("its other cases cannot be written as JSON: {e}"),
        })?;
        Ok(Columns {
            day: d.day.to_string(),
            kind: d.kind.as_str().to_string(),
            case_kind: d.case.kind.as_str().to_string(),
            case_id: d.case.id.clone(),
            with_json,
            amount_minor,
            currency,
            reason: d.reason.clone(),
            note: d.note.clone(),
            decided_by: d.by.clone(),
            decided_at: d.at.to_rfc3339(),
        })
    }

    /// The decision these columns hold, or what is wrong with them. Words
    /// are read exactly as the ledger writes them (no case folding).
    fn decode(&self) -> Result<Decision, String> {
        let day: Day = self
            .day
            .parse()
            .map_err(|_| format!("day {:?} is not a day", self.day))?;
        let kind = DecisionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == self.kind)
            .ok_or_else(|| format!("kind {:?} is not a decision", self.kind))?;
        let case_kind = ItemKind::ALL
            .into_iter()
            .find(|k| k.as_str() == self.case_kind)
            .ok_or_else(|| format!("case_kind {:?} is not a kind of case", self.case_kind))?;
        let with: Vec<CaseRef> = serde_json::from_str(&self.with_json)
            .map_err(|e| format!("with_json is not a list of cases: {e}"))?;
        let amount = match (self.amount_minor, &self.currency) {
            (None, None) => None,
            (Some(minor), Some(code)) => {
                let currency = Currency::ALL
                    .into_iter()
                    .find(|c| c.code() == code)
                    .ok_or_else(|| format!("currency {code:?} is not one recon knows"))?;
                Some(Money::from_minor(minor, currency))
            }
            _ => return Err("amount_minor and currency must be both set or both empty".into()),
        };
        let at = DateTime::parse_from_rfc3339(&self.decided_at).map_err(|e| {
            format!(
                "decided_at {:?} is not an RFC 3339 time: {e}",
                self.decided_at
            )
        })?;
        Ok(Decision {
            day,
            kind,
            case: CaseRef {
                kind: case_kind,
                id: self.case_id.clone(),
            },
            with,
            amount,
            reason: self.reason.clone(),
            note: self.note.clone(),
            by: self.decided_by.clone(),
            at,
        })
    }
}

/// The chain hash of `decision` after `previous`: lower-case hex SHA-256 of
/// `previous` (nothing for the first decision) followed by the decision's
/// JSON.
fn chain_sha256(previous: Option<&str>, decision: &Decision) -> Result<String, serde_json::Error> {
    let json = serde_json::to_string(decision)?;
    let mut hasher = Sha256::new();
    hasher.update(previous.unwrap_or("").as_bytes());
    hasher.update(json.as_bytes());
    Ok(hex::encode(hasher.finalize()))
}

/// The first 12 characters of a hash, for messages.
fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// `decision 4` or `decisions 4 to 6`.
fn id_range(from: i64, to: i64) -> String {
    if from == to {
        format!("decision {from} is")
    } else {
        format!("decisions {from} to {to} are")
    }
}

fn read_decisions(
    conn: &Connection,
    filter: &str,
    params: impl rusqlite::Params,
    ctx: impl Fn() -> String,
) -> Result<Vec<RecordedDecision>, LedgerError> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {DECISION_COLUMNS} FROM decisions {filter} ORDER BY id"
        ))
        .context(&ctx)?;
    let raw = stmt
        .query_map(params, RawDecision::from_row)
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .context(&ctx)?;
    raw.into_iter().map(RawDecision::decode).collect()
}

/// Whether the alias `customer` / `payer` is in force: its last event is a
/// `learn`.
fn alias_in_force(conn: &Connection, customer: &str, payer: &str) -> rusqlite::Result<bool> {
    let last: Option<String> = conn
        .query_row(
            "SELECT action FROM alias_events WHERE customer = ?1 AND payer = ?2
             ORDER BY id DESC LIMIT 1",
            [customer, payer],
            |r| r.get(0),
        )
        .optional()?;
    Ok(last.as_deref() == Some("learn"))
}

impl Ledger {
    /// Appends `decisions` to the chain in the order given, in one
    /// transaction: afterwards all of them are recorded, or (on any error,
    /// crash or power cut) none. Returns their ids, in the same order.
    ///
    /// Each is stored as it will read back (an amount in its currency's
    /// minor units, the time as RFC 3339 text) and chained to the decision
    /// recorded just before it, also across processes (the transaction is
    /// IMMEDIATE). Refused, naming the decision's place in the batch: an
    /// amount that does not fit the ledger's minor units
    /// ([`LedgerError::AmountOutOfRange`]), a time RFC 3339 text cannot
    /// hold exactly (an offset with seconds; [`LedgerError::BadDecision`]),
    /// a row the schema refuses (an empty `by` or case id;
    /// [`LedgerError::Sql`]). The ledger does not check a decision against
    /// the day's cases.
    pub fn record_decisions(&self, decisions: &[Decision]) -> Result<Vec<i64>, LedgerError> {
        let total = decisions.len();
        let ctx = || format!("recording {total} decisions");
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(ctx)?;
        let mut previous: Option<String> = tx
            .query_row(
                "SELECT sha256 FROM decisions ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .context(ctx)?;
        let mut ids = Vec::with_capacity(total);
        let mut insert = tx
            .prepare(
                "INSERT INTO decisions (day, kind, case_kind, case_id, with_json, amount_minor,
                     currency, reason, note, decided_by, decided_at, previous_sha256, sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .context(ctx)?;
        for (i, d) in decisions.iter().enumerate() {
            let position = i + 1;
            let bad = |detail: String| LedgerError::BadDecision {
                position,
                day: d.day,
                case: format!("{} {}", d.kind, d.case),
                detail,
            };
            let columns = Columns::encode(d, position)?;
            // What verify_decisions will read back and hash.
            let stored = columns
                .decode()
                .map_err(|e| bad(format!("it would not read back: {e}")))?;
            if stored.at != d.at || stored.at.offset() != d.at.offset() {
                return Err(bad(format!(
                    "its time would read back as {} (RFC 3339 keeps offsets to the minute)",
                    columns.decided_at
                )));
            }
            if stored != *d {
                return Err(bad("it would not read back as given".to_string()));
            }
            let sha256 = chain_sha256(previous.as_deref(), &stored)
                .map_err(|e| bad(format!("it cannot be written as JSON: {e}")))?;
            let id = insert
                .insert(params![
                    columns.day,
                    columns.kind,
                    columns.case_kind,
                    columns.case_id,
                    columns.with_json,
                    columns.amount_minor,
                    columns.currency,
                    columns.reason,
                    columns.note,
                    columns.decided_by,
                    columns.decided_at,
                    previous,
                    sha256,
                ])
                .context(|| {
                    format!(
                        "recording decision {position} of {total} ({} {}, day {}); \
                         nothing of the batch was recorded",
                        d.kind, d.case, d.day
                    )
                })?;
            ids.push(id);
            previous = Some(sha256);
        }
        drop(insert);

        crate::fail_point_before_commit(&tx, "decisions_commit", "SELECT COUNT(*) FROM decisions")
            .context(ctx)?;

        tx.commit().context(ctx)?;
        Ok(ids)
    }

    /// The recorded decisions of `day` (every day's with `None`), in id
    /// order: the order they were recorded in.
    pub fn decisions(&self, day: Option<Day>) -> Result<Vec<RecordedDecision>, LedgerError> {
        let conn = self.conn();
        match day {
            Some(d) => read_decisions(&conn, "WHERE day = ?1", [d.to_string()], || {
                format!("reading the decisions of {d}")
            }),
            None => read_decisions(&conn, "", [], || "reading the decisions".to_string()),
        }
    }

    /// Every recorded decision of `day` and the days before it, in id
    /// order, for a run of `day` to fold declines and aliases from.
    pub fn decisions_through(&self, day: Day) -> Result<Vec<RecordedDecision>, LedgerError> {
        read_decisions(&self.conn(), "WHERE day <= ?1", [day.to_string()], || {
            format!("reading the decisions up to {day}")
        })
    }

    /// The SHA-256 of the last recorded decision: the head of the chain
    /// (`None` while there is none). Worth copying somewhere the ledger
    /// cannot rewrite (a run's manifest), so that a chain rebuilt from
    /// some row on can be told from the one that was.
    pub fn decision_chain_head(&self) -> Result<Option<String>, LedgerError> {
        self.conn()
            .query_row(
                "SELECT sha256 FROM decisions ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .context(|| "reading the head of the decision chain".to_string())
    }

    /// Recomputes the decision chain and returns one line per problem, in
    /// id order; empty when the chain is intact. Reported: a row whose
    /// content does not hash to its `sha256` (changed after it was
    /// recorded), a row that cannot be read, a row whose `previous_sha256`
    /// is not the `sha256` of the row before it (a row in between removed
    /// or rewritten), and ids missing between rows, before the first or
    /// after the last id given out (deleted rows).
    pub fn verify_decisions(&self) -> Result<Vec<String>, LedgerError> {
        let ctx = || "verifying the decision chain".to_string();
        let mut conn = self.conn();
        // One read transaction: the rows and the last id given out are one
        // snapshot even while another process records decisions.
        let tx = conn.transaction().context(ctx)?;
        let rows: Vec<RawDecision> = {
            let mut stmt = tx
                .prepare(&format!(
                    "SELECT {DECISION_COLUMNS} FROM decisions ORDER BY id"
                ))
                .context(ctx)?;
            stmt.query_map([], RawDecision::from_row)
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .context(ctx)?
        };
        let last_given: Option<i64> = tx
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'decisions'",
                [],
                |r| r.get(0),
            )
            .optional()
            .context(ctx)?;
        tx.commit().context(ctx)?;

        let mut problems = Vec::new();
        let mut before: Option<&RawDecision> = None;
        for row in &rows {
            let expected_id = before.map_or(1, |b| b.id + 1);
            if row.id > expected_id {
                let after = match before {
                    Some(b) => format!("the ids go from {} to {}", b.id, row.id),
                    None => format!("the first decision left is {}", row.id),
                };
                problems.push(format!(
                    "{} missing ({after}): deleted from the ledger",
                    id_range(expected_id, row.id - 1)
                ));
            }
            match (before, &row.previous_sha256) {
                (None, None) => {}
                (None, Some(recorded)) => problems.push(format!(
                    "{} links to previous decision {} but no decision comes before it: \
                     earlier decisions were removed",
                    row.describe(),
                    short(recorded)
                )),
                (Some(b), recorded) if recorded.as_deref() != Some(b.sha256.as_str()) => problems
                    .push(format!(
                        "{} links to previous decision {} but decision {} before it is {}: \
                         a decision in between was removed or rewritten",
                        row.describe(),
                        recorded.as_deref().map_or("none", short),
                        b.id,
                        short(&b.sha256)
                    )),
                _ => {}
            }
            match row.columns.decode() {
                Err(detail) => {
                    problems.push(format!("{} cannot be read: {detail}", row.describe()))
                }
                Ok(decision) => match chain_sha256(row.previous_sha256.as_deref(), &decision) {
                    Ok(computed) if computed == row.sha256 => {}
                    Ok(computed) => problems.push(format!(
                        "{} does not match its SHA-256 (stored {}, its content hashes to {}): \
                         it was changed after it was recorded",
                        row.describe(),
                        short(&row.sha256),
                        short(&computed)
                    )),
                    Err(e) => problems.push(format!("{} cannot be hashed: {e}", row.describe())),
                },
            }
            before = Some(row);
        }
        let last_id = before.map_or(0, |b| b.id);
        if let Some(given) = last_given.filter(|given| *given > last_id) {
            let after = match before {
                Some(b) => format!("after decision {}, the last one left", b.id),
                None => "no decision is left".to_string(),
            };
            problems.push(format!(
                "{} missing ({after}; the ledger gave out ids up to {given}): \
                 deleted from the ledger",
                id_range(last_id + 1, given)
            ));
        }
        Ok(problems)
    }

    /// Records that `alias.payer` pays for `alias.customer` from
    /// `alias.since` on, taught by the decision `decision_id` (a confirm),
    /// if any. Returns `false`, and records nothing, when that alias is in
    /// force already (a rerun confirming it again).
    pub fn learn_alias(
        &self,
        alias: &Alias,
        decision_id: Option<i64>,
        by: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<bool, LedgerError> {
        let ctx = || {
            format!(
                "learning the alias of customer {:?}: payer {:?}",
                alias.customer, alias.payer
            )
        };
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(ctx)?;
        if alias_in_force(&tx, &alias.customer, &alias.payer).context(ctx)? {
            return Ok(false);
        }
        tx.execute(
            r#"INSERT INTO alias_events (customer, payer, action, since_day, decision_id, "by", at)
               VALUES (?1, ?2, 'learn', ?3, ?4, ?5, ?6)"#,
            params![
                alias.customer,
                alias.payer,
                alias.since.to_string(),
                decision_id,
                by,
                at.to_rfc3339()
            ],
        )
        .context(ctx)?;
        tx.commit().context(ctx)?;
        Ok(true)
    }

    /// Takes the alias `customer` / `payer` out of force. Returns `false`,
    /// and records nothing, when no such alias is in force.
    pub fn remove_alias(
        &self,
        customer: &str,
        payer: &str,
        by: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<bool, LedgerError> {
        let ctx = || format!("removing the alias of customer {customer:?}: payer {payer:?}");
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(ctx)?;
        if !alias_in_force(&tx, customer, payer).context(ctx)? {
            return Ok(false);
        }
        tx.execute(
            r#"INSERT INTO alias_events (customer, payer, action, "by", at)
               VALUES (?1, ?2, 'remove', ?3, ?4)"#,
            params![customer, payer, by, at.to_rfc3339()],
        )
        .context(ctx)?;
        tx.commit().context(ctx)?;
        Ok(true)
    }

    /// The aliases in force, sorted: the alias events added up in id order
    /// (a `learn` adds its pair, a `remove` takes it away). An alias keeps
    /// the day it was learnt on while it stays in force.
    pub fn aliases(&self) -> Result<Vec<Alias>, LedgerError> {
        let ctx = || "reading the aliases".to_string();
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, customer, payer, action, since_day FROM alias_events ORDER BY id")
            .context(ctx)?;
        type Event = (i64, String, String, String, Option<String>);
        let events: Vec<Event> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .context(ctx)?;
        let mut in_force: BTreeMap<(String, String), Day> = BTreeMap::new();
        for (id, customer, payer, action, since) in events {
            let corrupt = |detail: String| LedgerError::Corrupt {
                table: "alias_events",
                row: format!("id {id}"),
                detail,
            };
            match (action.as_str(), since) {
                ("learn", Some(since)) => {
                    let since = since
                        .parse()
                        .map_err(|_| corrupt(format!("since_day {since:?} is not a day")))?;
                    in_force.entry((customer, payer)).or_insert(since);
                }
                ("learn", None) => return Err(corrupt("a learn without its since_day".into())),
                ("remove", _) => {
                    in_force.remove(&(customer, payer));
                }
                (other, _) => return Err(corrupt(format!("action {other:?} is not an event"))),
            }
        }
        Ok(in_force
            .into_iter()
            .map(|((customer, payer), since)| Alias {
                customer,
                payer,
                since,
            })
            .collect())
    }
}
