//! Pairing the outcome rows with the day's input records by source
//! (`file:line`), and the report order of the orders and statement lines
//! that the pairing comes with.

use chrono::{DateTime, FixedOffset};
use recon_core::{DayResult, OrderId, OrderOutcome, SourceRef, StatementLine, StatementOutcome};

use super::HashMap;
use crate::DayRecords;

/// `(file number, position, line)` of each source (16 bytes: a million of
/// them are held per side of a join), sorted by file, line and position.
fn keyed<'s>(
    files: &mut HashMap<&'s str, u32>,
    refs: impl Iterator<Item = &'s SourceRef>,
) -> Vec<(u32, u32, u64)> {
    let mut v: Vec<(u32, u32, u64)> = refs
        .enumerate()
        .map(|(i, s)| {
            let next = files.len() as u32;
            let file = *files.entry(&s.file).or_insert(next);
            // A day has far fewer than 2^32 rows per table.
            (file, u32::try_from(i).unwrap_or(u32::MAX), s.line)
        })
        .collect();
    v.sort_unstable_by_key(|&(file, pos, line)| (file, line, pos));
    v
}

/// Pairs rows with their input records by source (`file:line`): calls
/// `found(row, record)` with the index of the last record of each wanted
/// row's source (a later record of the same source wins), in source order.
///
/// A sort-merge rather than a hash look-up: both sides are usually in file
/// order already (sorting them is one pass) and are then walked in order,
/// where a million random look-ups into a map of a million records wait on
/// memory for each (half of the time of `statement.csv`). The few file names
/// are numbered first so that keys compare as integers.
fn join_by_source<'s>(
    files: &mut HashMap<&'s str, u32>,
    wanted: impl Iterator<Item = &'s SourceRef>,
    have: impl Iterator<Item = &'s SourceRef>,
    mut found: impl FnMut(usize, usize),
) {
    let have = keyed(files, have);
    if have.is_empty() {
        return;
    }
    let wanted = keyed(files, wanted);
    let key = |e: &(u32, u32, u64)| (e.0, e.2);
    let mut j = 0;
    for w in &wanted {
        while j < have.len() && key(&have[j]) < key(w) {
            j += 1;
        }
        // The last of the run of equal sources, without moving past the
        // run: another row may want the same source.
        let mut k = j;
        while k < have.len() && key(&have[k]) == key(w) {
            k += 1;
        }
        if k > j {
            found(w.1 as usize, have[k - 1].1 as usize);
        }
    }
}

/// The orders in report order (by id, then source) with their records'
/// `ordered_at`: by source first, as an order id may come back on a later
/// day (a carried order and today's order with the same id are different
/// rows); by id when its source is not among the records. Carried records
/// come under their carried names (`2026-11-20/orders.csv:5`), exactly as
/// their outcome rows name them, so the same join finds them.
type OrdersWithTimes<'a> = (Vec<&'a OrderOutcome>, Vec<Option<DateTime<FixedOffset>>>);

pub(super) fn sorted_orders<'a>(
    result: &'a DayResult,
    records: &DayRecords<'a>,
) -> OrdersWithTimes<'a> {
    let mut orders: Vec<&OrderOutcome> = result.orders.iter().collect();
    orders.sort_by(|a, b| (&a.order_id, &a.source).cmp(&(&b.order_id, &b.source)));
    let mut ordered_at = vec![None; orders.len()];
    join_by_source(
        &mut HashMap::default(),
        orders.iter().map(|o| &o.source),
        records.orders.iter().map(|o| &o.source),
        |row, rec| ordered_at[row] = Some(records.orders[rec].ordered_at),
    );
    if ordered_at.iter().any(Option::is_none) && !records.orders.is_empty() {
        let by_id: HashMap<&OrderId, DateTime<FixedOffset>> = records
            .orders
            .iter()
            .map(|o| (&o.order_id, o.ordered_at))
            .collect();
        for (at, o) in ordered_at.iter_mut().zip(&orders) {
            if at.is_none() {
                *at = by_id.get(&o.order_id).copied();
            }
        }
    }
    (orders, ordered_at)
}

/// The statement lines in report order (by file and line) with their
/// records.
type LinesWithRecords<'a> = (Vec<&'a StatementOutcome>, Vec<Option<&'a StatementLine>>);

pub(super) fn sorted_lines<'a>(
    result: &'a DayResult,
    records: &DayRecords<'a>,
) -> LinesWithRecords<'a> {
    let mut lines: Vec<&StatementOutcome> = result.statement.iter().collect();
    lines.sort_by(|a, b| a.line.cmp(&b.line));
    let mut line_records = vec![None; lines.len()];
    join_by_source(
        &mut HashMap::default(),
        lines.iter().map(|l| &l.line),
        records.lines.iter().map(|l| &l.source),
        |row, rec| line_records[row] = Some(&records.lines[rec]),
    );
    (lines, line_records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_join_by_source_with_the_later_record_winning() {
        let src = |f: &str, l| SourceRef::new(f, l);
        // Unsorted, a duplicate source (the later record wins), a source
        // two rows want, a row without a record, a file only one side has.
        let have = [
            src("b.csv", 2),
            src("a.csv", 9),
            src("a.csv", 3),
            src("b.csv", 2),
            src("c.csv", 1),
        ];
        let wanted = [
            src("a.csv", 3),
            src("b.csv", 2),
            src("a.csv", 4),
            src("b.csv", 2),
            src("a.csv", 9),
            src("d.csv", 1),
        ];
        let mut files = HashMap::default();
        let mut found = vec![None; wanted.len()];
        join_by_source(&mut files, wanted.iter(), have.iter(), |row, rec| {
            assert!(found[row].replace(rec).is_none(), "row {row} twice");
        });
        assert_eq!(found, [Some(2), Some(3), None, Some(3), Some(1), None]);
        let mut none = true;
        join_by_source(&mut files, wanted.iter(), [].iter(), |_, _| none = false);
        assert!(none);
    }
}
