//! Days are not islands: the open set each day's run leaves for
//! the next, and the break lifecycle of each day.
//!
//! The ledger only keeps what the run computed with `recon_core::carry`
//! (`open_after`, `breaks`); it never decides what is open, new or
//! resolved. Both are stored in the day's chunks (`crate::chunk`), the
//! resolved breaks also in `resolved_breaks` for [`Ledger::resolution`].

use recon_core::{Break, Day, ItemKind, Lifecycle, OpenItem, Status};
use rusqlite::{OptionalExtension, params};

use crate::chunk::Part;
use crate::error::SqlContext;
use crate::results::for_each_chunk;
use crate::runs::parse_day;
use crate::{Ledger, LedgerError};

/// What a run of a day carried in and leaves behind, recorded with its
/// results by [`Ledger::record_day_with`]. `DayCarry::default()` is a run
/// that started from nothing and leaves nothing open.
#[derive(Debug, Clone, Copy, Default)]
pub struct DayCarry<'a> {
    /// The day whose open set the run started from
    /// ([`Ledger::open_items_before`]), `None` when there was none.
    pub carried_from: Option<Day>,
    /// The open set the run leaves (`recon_core::carry::open_after`).
    pub open: &'a [OpenItem],
    /// The day's break lifecycle (`recon_core::carry::breaks`).
    pub breaks: &'a [Break],
}

fn kind_from(table: &'static str, row: &str, text: &str) -> Result<ItemKind, LedgerError> {
    ItemKind::ALL
        .into_iter()
        .find(|k| k.as_str() == text)
        .ok_or_else(|| corrupt(table, row, format!("unknown kind {text:?}")))
}

fn lifecycle_from(row: &str, text: &str) -> Result<Lifecycle, LedgerError> {
    Lifecycle::ALL
        .into_iter()
        .find(|l| l.as_str() == text)
        .ok_or_else(|| corrupt("breaks", row, format!("unknown lifecycle {text:?}")))
}

fn corrupt(table: &'static str, row: &str, detail: impl Into<String>) -> LedgerError {
    LedgerError::Corrupt {
        table,
        row: row.to_string(),
        detail: detail.into(),
    }
}

/// `(kind, key)` order, the order `recon_core::carry` produces (kinds in
/// their enum order, not alphabetically as SQL would sort their words).
fn sort_key_order<T>(items: &mut [T], key: impl Fn(&T) -> (ItemKind, &str)) {
    items.sort_by(|a, b| key(a).cmp(&key(b)));
}

struct RawOpen {
    kind: String,
    key: String,
    item_json: String,
}

impl RawOpen {
    fn decode(self, day: Day) -> Result<OpenItem, LedgerError> {
        let row = format!("{day} {} {}", self.kind, self.key);
        let kind = kind_from("open_items", &row, &self.kind)?;
        let item: OpenItem = serde_json::from_str(&self.item_json)
            .map_err(|e| corrupt("open_items", &row, format!("item_json: {e}")))?;
        // The columns are there for queries; the JSON is the item. A row
        // whose two disagree was edited by hand: say so rather than carry a
        // different item than the one the key names.
        if item.kind != kind || item.key != self.key {
            return Err(corrupt(
                "open_items",
                &row,
                format!(
                    "item_json is {} {}, not the row's kind and key",
                    item.kind.as_str(),
                    item.key
                ),
            ));
        }
        Ok(item)
    }
}

struct RawBreak {
    kind: String,
    key: String,
    origin_day: String,
    first_seen: String,
    status: String,
    lifecycle: String,
    age_days: i64,
    resolved_by: Option<String>,
}

impl RawBreak {
    fn decode(self, day: Day) -> Result<Break, LedgerError> {
        const T: &str = "breaks";
        let row = format!("{day} {} {}", self.kind, self.key);
        Ok(Break {
            kind: kind_from(T, &row, &self.kind)?,
            origin_day: parse_day(T, &row, &self.origin_day)?,
            first_seen: parse_day(T, &row, &self.first_seen)?,
            status: self
                .status
                .parse::<Status>()
                .map_err(|_| corrupt(T, &row, format!("unknown status {:?}", self.status)))?,
            lifecycle: lifecycle_from(&row, &self.lifecycle)?,
            age_days: u32::try_from(self.age_days)
                .map_err(|_| corrupt(T, &row, format!("age {} days", self.age_days)))?,
            resolved_by: self.resolved_by,
            key: self.key,
        })
    }
}

/// The open set and breaks of `day` as schema 6 and earlier stored them,
/// one row each: what the migration to schema 7 reads.
pub(crate) fn legacy_open_set(
    conn: &rusqlite::Connection,
    day: Day,
) -> Result<(Vec<OpenItem>, Vec<Break>), LedgerError> {
    let ctx = || format!("reading the open set of {day} as schema 6 kept it");
    let day_text = day.to_string();
    let raw = {
        let mut stmt = conn
            .prepare("SELECT kind, key, item_json FROM open_items WHERE day = ?1")
            .context(ctx)?;
        stmt.query_map([&day_text], |r| {
            Ok(RawOpen {
                kind: r.get(0)?,
                key: r.get(1)?,
                item_json: r.get(2)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .context(ctx)?
    };
    let mut items = raw
        .into_iter()
        .map(|r| r.decode(day))
        .collect::<Result<Vec<_>, _>>()?;
    sort_key_order(&mut items, |i| (i.kind, i.key.as_str()));
    let raw = {
        let mut stmt = conn
            .prepare(
                "SELECT kind, key, origin_day, first_seen, status, lifecycle, age_days,
                        resolved_by
                 FROM breaks WHERE day = ?1",
            )
            .context(ctx)?;
        stmt.query_map([&day_text], |r| {
            Ok(RawBreak {
                kind: r.get(0)?,
                key: r.get(1)?,
                origin_day: r.get(2)?,
                first_seen: r.get(3)?,
                status: r.get(4)?,
                lifecycle: r.get(5)?,
                age_days: r.get(6)?,
                resolved_by: r.get(7)?,
            })
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .context(ctx)?
    };
    let mut breaks = raw
        .into_iter()
        .map(|r| r.decode(day))
        .collect::<Result<Vec<_>, _>>()?;
    sort_key_order(&mut breaks, |b| (b.kind, b.key.as_str()));
    Ok((items, breaks))
}

impl Ledger {
    /// The open set the next run of `day` starts from: the one left by the
    /// latest recorded day before `day` (days never run are skipped), with
    /// that day, ordered by kind then key. `(None, [])` when no earlier day
    /// was recorded.
    ///
    /// A day recorded before the ledger kept open sets (schema 1), or with
    /// [`Ledger::record_day`], left an empty set.
    pub fn open_items_before(&self, day: Day) -> Result<(Option<Day>, Vec<OpenItem>), LedgerError> {
        let ctx = || format!("reading the open set before {day}");
        let mut conn = self.conn();
        // One read transaction: the day and its open set come from the same
        // snapshot even if another process records a day in between.
        let tx = conn.transaction().context(ctx)?;
        let previous: Option<String> = tx
            .query_row(
                "SELECT day FROM days WHERE day < ?1 ORDER BY day DESC LIMIT 1",
                [day.to_string()],
                |r| r.get(0),
            )
            .optional()
            .context(ctx)?;
        let Some(previous_text) = previous else {
            return Ok((None, Vec::new()));
        };
        let previous = parse_day("days", &previous_text, &previous_text)?;
        let mut items = Vec::new();
        for_each_chunk(&tx, previous, Part::OpenItems, |r| {
            for _ in 0..r.rows() {
                items.push(r.open_item()?);
            }
            Ok(true)
        })?;
        tx.finish().context(ctx)?;
        sort_key_order(&mut items, |i| (i.kind, i.key.as_str()));
        Ok((Some(previous), items))
    }

    /// The break lifecycle recorded for `day`, ordered by kind then key
    /// (as `recon_core::carry::breaks` gives it). Empty for a day never
    /// recorded or recorded without breaks.
    pub fn breaks(&self, day: Day) -> Result<Vec<Break>, LedgerError> {
        let ctx = || format!("reading the breaks of {day}");
        let mut conn = self.conn();
        let tx = conn.transaction().context(ctx)?;
        let mut breaks = Vec::new();
        for_each_chunk(&tx, day, Part::Breaks, |r| {
            for _ in 0..r.rows() {
                breaks.push(r.break_row()?);
            }
            Ok(true)
        })?;
        tx.finish().context(ctx)?;
        sort_key_order(&mut breaks, |b| (b.kind, b.key.as_str()));
        Ok(breaks)
    }

    /// When and by what a carried item was closed: the day of its
    /// `resolved` break and that break's `resolved_by`. `key` is the item's
    /// carried name (`2026-11-20/orders.csv:5`). `None` while it is open or
    /// if it was never carried. A consistent ledger holds at most one
    /// resolution per item; should reruns without `--cascade` have left
    /// several, the latest day is the answer.
    pub fn resolution(
        &self,
        kind: ItemKind,
        key: &str,
    ) -> Result<Option<(Day, String)>, LedgerError> {
        let ctx = || format!("finding when {} {key} was resolved", kind.as_str());
        let hit: Option<(String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT day, resolved_by FROM resolved_breaks
                 WHERE kind = ?1 AND key = ?2
                 ORDER BY day DESC LIMIT 1",
                params![kind.as_str(), key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context(ctx)?;
        hit.map(|(day, by)| {
            let row = format!("{day} {} {key}", kind.as_str());
            Ok((
                parse_day("resolved_breaks", &row, &day)?,
                by.unwrap_or_default(),
            ))
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_and_lifecycle_words_read_back() {
        for k in [ItemKind::Order, ItemKind::StatementLine, ItemKind::Slip] {
            assert_eq!(kind_from("t", "r", k.as_str()).unwrap(), k);
        }
        for l in [Lifecycle::New, Lifecycle::Persisting, Lifecycle::Resolved] {
            assert_eq!(lifecycle_from("r", l.as_str()).unwrap(), l);
        }
        let err = kind_from("open_items", "2026-11-21 x k", "Order").unwrap_err();
        assert!(err.to_string().contains("open_items"), "{err}");
        assert!(lifecycle_from("r", "closed").is_err());
    }

    #[test]
    fn kinds_sort_in_the_core_order_not_alphabetically() {
        let mut v = vec![
            (ItemKind::Slip, "a"),
            (ItemKind::StatementLine, "a"),
            (ItemKind::Order, "b"),
            (ItemKind::Order, "a"),
        ];
        sort_key_order(&mut v, |x| *x);
        assert_eq!(
            v,
            [
                (ItemKind::Order, "a"),
                (ItemKind::Order, "b"),
                (ItemKind::StatementLine, "a"),
                (ItemKind::Slip, "a"),
            ]
        );
    }
}
