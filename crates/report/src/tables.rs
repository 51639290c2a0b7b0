//! The four tables of a day's reports, as typed cells. CSV, XLSX and HTML
//! all render from here, so the three never disagree about a row.
//!
//! No table is held as cells: [`Tables`] keeps each table's rows in their
//! order as references into the day's result (plus the lifecycle of the
//! exception rows), and a renderer asks for one row's cells at a time, which
//! borrow their text from the result and the records. A day of a million
//! orders costs a sorted index per table, not a million rows of cells.

use std::collections::HashMap as StdHashMap;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, SecondsFormat, Timelike};
use recon_core::carry::{self, AgeBucket, Break, ItemKind, Lifecycle};
use recon_core::{
    Day, DayResult, Money, NameScore, OrderId, OrderOutcome, Reason, Rejection, Slip, SlipOutcome,
    SlipRead, SourceRef, StatementLine, StatementOutcome, Status,
};

use crate::{DayRecords, ReportInput};

/// The look-ups are made once per row of a million-row day: foldhash is
/// several times faster than SipHash on these short keys and still seeded
/// per process.
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::RandomState>;
type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// One cell, with its type kept so the XLSX can write numbers as numbers.
/// Text borrows from the day's result; joined ids and reasons are joined
/// only when rendered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cell<'a> {
    Empty,
    Text(&'a str),
    /// `file:line`.
    Source(&'a SourceRef),
    /// Statement lines joined with `|` (never empty).
    Sources(&'a [SourceRef]),
    /// Order ids joined with `|` (never empty).
    Orders(&'a [OrderId]),
    /// What an exception row points at, `|`-joined: slip file, statement
    /// lines, order ids (never all empty).
    Related {
        slip: Option<&'a str>,
        lines: &'a [SourceRef],
        orders: &'a [OrderId],
    },
    /// Reasons joined with `; ` (never empty).
    Reasons(&'a [Reason]),
    Money(Money),
    Score(NameScore),
    Time(DateTime<FixedOffset>),
    /// A calendar day (`origin_day`, `first_seen`): a date cell in the XLSX.
    Date(Day),
    Count(u64),
}

impl<'a> Cell<'a> {
    fn text_opt(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, Cell::Text)
    }

    fn money_opt(m: Option<Money>) -> Cell<'a> {
        m.map_or(Cell::Empty, Cell::Money)
    }

    fn time_opt(t: Option<DateTime<FixedOffset>>) -> Cell<'a> {
        t.map_or(Cell::Empty, Cell::Time)
    }

    fn sources(ids: &'a [SourceRef]) -> Cell<'a> {
        if ids.is_empty() {
            Cell::Empty
        } else {
            Cell::Sources(ids)
        }
    }

    fn orders(ids: &'a [OrderId]) -> Cell<'a> {
        if ids.is_empty() {
            Cell::Empty
        } else {
            Cell::Orders(ids)
        }
    }

    fn reasons(reasons: &'a [Reason]) -> Cell<'a> {
        if reasons.is_empty() {
            Cell::Empty
        } else {
            Cell::Reasons(reasons)
        }
    }

    fn related(slip: Option<&'a str>, lines: &'a [SourceRef], orders: &'a [OrderId]) -> Cell<'a> {
        if slip.is_none() && lines.is_empty() && orders.is_empty() {
            Cell::Empty
        } else {
            Cell::Related {
                slip,
                lines,
                orders,
            }
        }
    }

    /// True for the cells written as text (in the XLSX, a string).
    pub(crate) fn is_text(&self) -> bool {
        matches!(
            self,
            Cell::Text(_)
                | Cell::Source(_)
                | Cell::Sources(_)
                | Cell::Orders(_)
                | Cell::Related { .. }
                | Cell::Reasons(_)
        )
    }

    /// The cell's text when it is a text cell: borrowed as it is, or
    /// joined into `scratch`.
    pub(crate) fn as_text<'s>(&self, scratch: &'s mut String) -> Option<&'s str>
    where
        'a: 's,
    {
        match *self {
            Cell::Text(s) => Some(s),
            ref c if c.is_text() => {
                scratch.clear();
                c.write_plain(scratch);
                Some(scratch.as_str())
            }
            _ => None,
        }
    }

    /// Appends the CSV form (before formula defusing) to `out`.
    pub(crate) fn write_plain(&self, out: &mut String) {
        match *self {
            Cell::Empty => {}
            Cell::Text(s) => out.push_str(s),
            Cell::Source(s) => push_source(out, s),
            Cell::Sources(ids) => {
                for (i, s) in ids.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    push_source(out, s);
                }
            }
            Cell::Orders(ids) => {
                for (i, id) in ids.iter().enumerate() {
                    if i > 0 {
                        out.push('|');
                    }
                    out.push_str(&id.0);
                }
            }
            Cell::Related {
                slip,
                lines,
                orders,
            } => {
                let mut first = true;
                let mut sep = |out: &mut String| {
                    if !std::mem::take(&mut first) {
                        out.push('|');
                    }
                };
                if let Some(slip) = slip {
                    sep(out);
                    out.push_str(slip);
                }
                for s in lines {
                    sep(out);
                    push_source(out, s);
                }
                for id in orders {
                    sep(out);
                    out.push_str(&id.0);
                }
            }
            Cell::Reasons(reasons) => {
                // As `recon_core::join_reasons`, without its copies.
                for (i, r) in reasons.iter().enumerate() {
                    if i > 0 {
                        out.push_str("; ");
                    }
                    let _ = write!(out, "{r}");
                }
            }
            Cell::Money(m) => push_money(out, &m),
            Cell::Score(s) if s.is_finite() => {
                let _ = write!(out, "{s:.3}");
            }
            Cell::Score(_) => {}
            Cell::Time(t) => push_time(out, &t),
            Cell::Date(d) => push_day(out, d),
            Cell::Count(n) => push_u64(out, n),
        }
    }

    /// The CSV form (before formula defusing), as a new string.
    pub(crate) fn plain(&self) -> String {
        let mut s = String::new();
        self.write_plain(&mut s);
        s
    }
}

fn push_u64(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or_default());
}

/// Two digits, zero-padded (`n` < 100).
fn push_2(out: &mut String, n: u32) {
    out.push(char::from(b'0' + (n / 10 % 10) as u8));
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn push_source(out: &mut String, s: &SourceRef) {
    out.push_str(&s.file);
    out.push(':');
    push_u64(out, s.line);
}

/// `Day`'s own form (`2026-11-21`) without going through chrono's format
/// machinery (a million-row day writes several million days).
pub(crate) fn push_day(out: &mut String, d: Day) {
    let date = d.date();
    match u32::try_from(date.year()) {
        Ok(y @ 1000..=9999) => {
            push_u64(out, y.into());
            out.push('-');
            push_2(out, date.month());
            out.push('-');
            push_2(out, date.day());
        }
        _ => {
            let _ = write!(out, "{d}");
        }
    }
}

/// RFC 3339 with the offset it was booked in, seconds unless there is a
/// fraction (chrono's `to_rfc3339_opts(AutoSi, false)`), written directly
/// for whole seconds of ordinary years.
fn push_time(out: &mut String, t: &DateTime<FixedOffset>) {
    let local = t.naive_local();
    let offset = t.offset().local_minus_utc();
    let fast = local.nanosecond() == 0 && offset % 60 == 0 && matches!(local.year(), 1000..=9999);
    if !fast {
        out.push_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, false));
        return;
    }
    push_u64(out, local.year() as u64);
    out.push('-');
    push_2(out, local.month());
    out.push('-');
    push_2(out, local.day());
    out.push('T');
    push_2(out, local.hour());
    out.push(':');
    push_2(out, local.minute());
    out.push(':');
    push_2(out, local.second());
    out.push(if offset < 0 { '-' } else { '+' });
    let minutes = offset.unsigned_abs() / 60;
    push_2(out, minutes / 60);
    out.push(':');
    push_2(out, minutes % 60);
}

/// [`Money::plain`] (the currency's minor digits, banker's rounding)
/// written from the integer mantissa when no rounding is needed, which is
/// every amount the domain makes.
pub(crate) fn push_money(out: &mut String, m: &Money) {
    let digits = m.currency.minor_digits();
    let scale = m.amount.scale();
    let mantissa = m.amount.mantissa();
    if scale > digits || mantissa == 0 || digits > 18 {
        out.push_str(&m.plain());
        return;
    }
    let Some(minor) = 10i128
        .checked_pow(digits - scale)
        .and_then(|p| mantissa.checked_mul(p))
    else {
        out.push_str(&m.plain());
        return;
    };
    if minor < 0 {
        out.push('-');
    }
    let minor = minor.unsigned_abs();
    let unit = 10u128.pow(digits);
    let (int, frac) = (minor / unit, minor % unit);
    match u64::try_from(int) {
        Ok(i) => push_u64(out, i),
        Err(_) => {
            let _ = write!(out, "{int}");
        }
    }
    if digits > 0 {
        out.push('.');
        let _ = write!(out, "{frac:0width$}", width = digits as usize);
    }
}

/// One row's status (what drives the highlighting of exception rows).
pub(crate) type RowStatus = Option<Status>;

/// What an exception row is about.
// The `kind` words are core's, the same the ledger stores for breaks.
pub(crate) const KIND_ORDER: &str = ItemKind::Order.as_str();
pub(crate) const KIND_LINE: &str = ItemKind::StatementLine.as_str();
pub(crate) const KIND_SLIP: &str = ItemKind::Slip.as_str();

pub(crate) const RECONCILIATION_HEADER: &[&str] = &[
    "order_id",
    "status",
    "slip",
    "statement_line",
    "expected_amount",
    "paid_amount",
    "currency",
    "name_score",
    "reasons",
    "customer_name",
    "ordered_at",
    "source",
    "origin_day",
];
pub(crate) const STATEMENT_HEADER: &[&str] = &[
    "statement_line",
    "status",
    "order_id",
    "amount",
    "currency",
    "counterparty_name",
    "reasons",
    "booked_at",
    "reference",
    "origin_day",
];
pub(crate) const EXCEPTIONS_HEADER: &[&str] = &[
    "kind",
    "id",
    "status",
    "amount",
    "currency",
    "reasons",
    "name",
    "related",
    "at",
    "origin_day",
    "lifecycle",
    "first_seen",
    "age_days",
    "age_bucket",
    "resolved_by",
];
pub(crate) const QUARANTINE_HEADER: &[&str] = &["file", "line", "column", "value", "reason"];

/// Column index of `status` in the exceptions table (for charts).
pub(crate) const EXC_STATUS: usize = 2;
/// Column index of `origin_day` in the exceptions table; the break columns
/// follow it in [`EXCEPTIONS_HEADER`] order.
pub(crate) const EXC_ORIGIN: usize = 9;

/// The four tables, in the order of their files and sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableId {
    Reconciliation,
    Statement,
    Exceptions,
    Quarantine,
}

impl TableId {
    pub(crate) const ALL: [TableId; 4] = [
        TableId::Reconciliation,
        TableId::Statement,
        TableId::Exceptions,
        TableId::Quarantine,
    ];

    /// The CSV file name.
    pub(crate) fn file(self) -> &'static str {
        match self {
            TableId::Reconciliation => "reconciliation.csv",
            TableId::Statement => "statement.csv",
            TableId::Exceptions => "exceptions.csv",
            TableId::Quarantine => "quarantine.csv",
        }
    }

    /// The XLSX sheet name.
    pub(crate) fn sheet(self) -> &'static str {
        match self {
            TableId::Reconciliation => "Reconciliation",
            TableId::Statement => "Statement",
            TableId::Exceptions => "Exceptions",
            TableId::Quarantine => "Quarantine",
        }
    }

    pub(crate) fn header(self) -> &'static [&'static str] {
        match self {
            TableId::Reconciliation => RECONCILIATION_HEADER,
            TableId::Statement => STATEMENT_HEADER,
            TableId::Exceptions => EXCEPTIONS_HEADER,
            TableId::Quarantine => QUARANTINE_HEADER,
        }
    }
}

/// Where one row of the exceptions table is in the break lifecycle, kept
/// typed for the by-age figures of the Summary sheet, the page and
/// `summary.json`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BreakRow {
    pub kind: ItemKind,
    pub lifecycle: Lifecycle,
    pub age_days: u32,
    /// The row's currency, when it has one.
    pub currency: Option<recon_core::Currency>,
    /// What the by-age sums add: the order's expected amount, a statement
    /// line's money in (money out is counted, never summed, as in the
    /// statement section), the slip's amount.
    pub amount: Option<Money>,
}

impl BreakRow {
    pub(crate) fn bucket(&self) -> AgeBucket {
        AgeBucket::of(self.age_days)
    }

    pub(crate) fn is_open(&self) -> bool {
        self.lifecycle != Lifecycle::Resolved
    }
}

/// The record an exception row is about.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ExcItem<'a> {
    /// With its record's `ordered_at`.
    Order(&'a OrderOutcome, Option<DateTime<FixedOffset>>),
    /// With its record's `booked_at`.
    Line(&'a StatementOutcome, Option<DateTime<FixedOffset>>),
    /// With the slip as read, when it was.
    Slip(&'a SlipOutcome, Option<&'a Slip>),
    /// A break whose row is not in the result (a caller's open set out of
    /// step with its result): it names its item by key and has no amount.
    Orphan(&'a Break),
}

/// One row of the exceptions table: its record and its break columns.
#[derive(Debug, Clone)]
pub(crate) struct ExcRow<'a> {
    pub item: ExcItem<'a>,
    pub status: Status,
    origin: Day,
    first_seen: Day,
    resolved_by: Option<&'a str>,
    pub brk: BreakRow,
}

impl ExcRow<'_> {
    /// The `kind` column's word.
    pub(crate) fn kind_word(&self) -> &'static str {
        match self.item {
            ExcItem::Order(..) => KIND_ORDER,
            ExcItem::Line(..) => KIND_LINE,
            ExcItem::Slip(..) => KIND_SLIP,
            ExcItem::Orphan(b) => b.kind.as_str(),
        }
    }
}

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

/// The breaks of the day by `(kind, key)`, each taken once.
struct BreakIndex<'a> {
    today: Day,
    /// `today` as its carried-name prefix, `2026-11-21/`.
    prefix: String,
    /// One map per kind (orders, statement lines, slips): by key.
    by_key: [HashMap<&'a str, &'a Break>; 3],
    /// The line numbers the order and statement-line break keys end with
    /// (`…:<line>`): a row whose line is not among them has no break, and
    /// its key is never built (a million-row day has a break on a few rows).
    lines: [HashSet<u64>; 2],
    /// The key being looked up, reused from row to row.
    key: String,
}

impl<'a> BreakIndex<'a> {
    fn new(today: Day, breaks: &'a [Break]) -> BreakIndex<'a> {
        let mut prefix = String::new();
        push_day(&mut prefix, today);
        prefix.push('/');
        BreakIndex {
            today,
            prefix,
            by_key: {
                let mut maps: [HashMap<&str, &Break>; 3] = Default::default();
                for b in breaks {
                    maps[kind_slot(b.kind)].insert(b.key.as_str(), b);
                }
                maps
            },
            lines: {
                let mut sets: [HashSet<u64>; 2] = Default::default();
                for b in breaks {
                    let slot = kind_slot(b.kind);
                    if let Some(set) = sets.get_mut(slot)
                        && let Some((_, line)) = b.key.rsplit_once(':')
                        && let Ok(line) = line.parse()
                    {
                        set.insert(line);
                    }
                }
                sets
            },
            key: String::new(),
        }
    }

    /// The break of an item named `file` (with `:line` for orders and
    /// statement lines), keyed as `carry::{order_key, line_key, slip_key}`
    /// key it.
    fn take(&mut self, kind: ItemKind, file: &str, line: Option<u64>) -> Option<&'a Break> {
        let slot = kind_slot(kind);
        if self.by_key[slot].is_empty() {
            return None;
        }
        if let (Some(line), Some(lines)) = (line, self.lines.get(slot))
            && !lines.contains(&line)
        {
            return None;
        }
        self.key.clear();
        if carry::origin_of(file).is_none() {
            self.key.push_str(&self.prefix);
        }
        self.key.push_str(file);
        if let Some(line) = line {
            self.key.push(':');
            push_u64(&mut self.key, line);
        }
        self.by_key[slot].remove(self.key.as_str())
    }

    /// The breaks no row took.
    fn left(&self) -> impl Iterator<Item = &'a Break> + '_ {
        self.by_key.iter().flat_map(|m| m.values().copied())
    }

    /// The break columns of a row. A row without a break (a caller that
    /// keeps no open set) is new today, aged from the day its name carries.
    fn row<'i>(
        &self,
        item: ExcItem<'i>,
        status: Status,
        brk: Option<&'i Break>,
        key_name: &str,
        currency: Option<recon_core::Currency>,
        amount: Option<Money>,
    ) -> ExcRow<'i> {
        let (origin, lifecycle, first_seen, age_days, resolved_by) = match brk {
            Some(b) => (
                b.origin_day,
                b.lifecycle,
                b.first_seen,
                b.age_days,
                b.resolved_by.as_deref().filter(|s| !s.is_empty()),
            ),
            None => {
                let origin = carry::origin_day(key_name, self.today);
                (
                    origin,
                    Lifecycle::New,
                    self.today,
                    carry::days_between(origin, self.today),
                    None,
                )
            }
        };
        let kind = match item {
            ExcItem::Order(..) => ItemKind::Order,
            ExcItem::Line(..) => ItemKind::StatementLine,
            ExcItem::Slip(..) => ItemKind::Slip,
            ExcItem::Orphan(b) => b.kind,
        };
        ExcRow {
            item,
            status,
            origin,
            first_seen,
            resolved_by,
            brk: BreakRow {
                kind,
                lifecycle,
                age_days,
                currency,
                amount,
            },
        }
    }
}

fn kind_slot(kind: ItemKind) -> usize {
    match kind {
        ItemKind::Order => 0,
        ItemKind::StatementLine => 1,
        ItemKind::Slip => 2,
    }
}

/// Money in only: a money-out line is counted in the by-age figures but
/// never summed with payments.
fn money_in(m: Money) -> Option<Money> {
    m.is_positive().then_some(m)
}

/// The day's tables: each table's rows in order, their cells made on
/// demand by [`Tables::row`].
pub(crate) struct Tables<'a> {
    today: Day,
    orders: Vec<&'a OrderOutcome>,
    lines: Vec<&'a StatementOutcome>,
    rejected: Vec<&'a Rejection>,
    /// Open exception rows, then the breaks resolved today.
    pub exceptions: Vec<ExcRow<'a>>,
    /// The input record's `ordered_at` of each row of `orders`.
    ordered_at: Vec<Option<DateTime<FixedOffset>>>,
    /// The input record of each row of `lines`.
    line_records: Vec<Option<&'a StatementLine>>,
}

/// The orders in report order (by id, then source) with their records'
/// `ordered_at`: by source first, as an order id may come back on a later
/// day (a carried order and today's order with the same id are different
/// rows); by id when its source is not among the records. Carried records
/// come under their carried names (`2026-11-20/orders.csv:5`), exactly as
/// their outcome rows name them, so the same join finds them.
type OrdersWithTimes<'a> = (Vec<&'a OrderOutcome>, Vec<Option<DateTime<FixedOffset>>>);

fn sorted_orders<'a>(result: &'a DayResult, records: &DayRecords<'a>) -> OrdersWithTimes<'a> {
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

fn sorted_lines<'a>(result: &'a DayResult, records: &DayRecords<'a>) -> LinesWithRecords<'a> {
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

impl<'a> Tables<'a> {
    pub(crate) fn build(input: &ReportInput<'a>, records: &DayRecords<'a>) -> Tables<'a> {
        let result: &'a DayResult = input.result;
        let today = result.day;
        let mut index = BreakIndex::new(today, input.breaks);

        // Row order is the contract's, sorted here explicitly rather than
        // trusting the caller: orders by id, lines by file and line, slips
        // by file. (An already sorted input costs one pass.)
        let mut slips: Vec<&SlipOutcome> = result.slips.iter().collect();
        let mut rejected: Vec<&Rejection> = input.quarantine.iter().collect();
        // Orders and statement lines are sorted and joined to their records
        // on two threads (a third of the report's serial time at a million
        // orders); the slips and rejections sort here meanwhile.
        let ((orders, ordered_at), (lines, line_records)) = std::thread::scope(|s| {
            let orders = crate::spawn(s, "report-orders", || sorted_orders(result, records));
            let lines = sorted_lines(result, records);
            slips.sort_by(|a, b| a.file.cmp(&b.file));
            rejected.sort();
            (orders.join(), lines)
        });

        // Every exception row as before, then one row per break resolved
        // today (its outcome row is `matched`): the first rows stay what a
        // reader of the earlier layout expects, and filtering on
        // `lifecycle` separates the two.
        let mut open = Vec::new();
        let mut resolved = Vec::new();
        for (&o, &at) in orders.iter().zip(&ordered_at) {
            let brk = index.take(ItemKind::Order, &o.source.file, Some(o.source.line));
            if let Some(block) = pick(o.status, brk, &mut open, &mut resolved) {
                block.push(index.row(
                    ExcItem::Order(o, at),
                    o.status,
                    brk,
                    &o.source.file,
                    Some(o.expected.currency),
                    Some(o.expected),
                ));
            }
        }
        for (&l, &record) in lines.iter().zip(&line_records) {
            let brk = index.take(ItemKind::StatementLine, &l.line.file, Some(l.line.line));
            if let Some(block) = pick(l.status, brk, &mut open, &mut resolved) {
                block.push(index.row(
                    ExcItem::Line(l, record.map(|r: &StatementLine| r.booked_at)),
                    l.status,
                    brk,
                    &l.line.file,
                    Some(l.amount.currency),
                    money_in(l.amount),
                ));
            }
        }
        for &s in &slips {
            let brk = index.take(ItemKind::Slip, &s.file, None);
            if let Some(block) = pick(s.status, brk, &mut open, &mut resolved) {
                block.push(index.row(
                    ExcItem::Slip(s, None),
                    s.status,
                    brk,
                    &s.file,
                    s.amount.map(|m| m.currency),
                    s.amount,
                ));
            }
        }
        // A break whose row is not in the result is still listed, never
        // dropped.
        let mut orphans: Vec<&Break> = index.left().collect();
        orphans.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
        for b in orphans {
            let block = if b.lifecycle == Lifecycle::Resolved {
                &mut resolved
            } else {
                &mut open
            };
            block.push(index.row(ExcItem::Orphan(b), b.status, Some(b), &b.key, None, None));
        }
        open.append(&mut resolved);
        // The slips the exception rows name (the only rows that show a
        // slip's sender and time); a later record of the same file wins.
        let mut slips: HashMap<&str, Option<&Slip>> = open
            .iter()
            .filter_map(|r| match r.item {
                ExcItem::Slip(s, _) => Some((s.file.as_str(), None)),
                _ => None,
            })
            .collect();
        if !slips.is_empty() {
            for read in records.slips {
                if let SlipRead::Read(slip) = read
                    && let Some(file) = slip.file.as_deref()
                    && let Some(found) = slips.get_mut(file)
                {
                    *found = Some(slip);
                }
            }
            for row in &mut open {
                if let ExcItem::Slip(s, slip) = &mut row.item {
                    *slip = slips.get(s.file.as_str()).copied().flatten();
                }
            }
        }

        Tables {
            today,
            orders,
            lines,
            rejected,
            exceptions: open,
            ordered_at,
            line_records,
        }
    }

    pub(crate) fn len(&self, table: TableId) -> usize {
        match table {
            TableId::Reconciliation => self.orders.len(),
            TableId::Statement => self.lines.len(),
            TableId::Exceptions => self.exceptions.len(),
            TableId::Quarantine => self.rejected.len(),
        }
    }

    /// Puts row `i` of `table` into `cells` (cleared first) and returns the
    /// row's status.
    pub(crate) fn row(&self, table: TableId, i: usize, cells: &mut Vec<Cell<'a>>) -> RowStatus {
        cells.clear();
        match table {
            TableId::Reconciliation => {
                let o = self.orders[i];
                let ordered_at = self.ordered_at[i];
                cells.extend([
                    Cell::Text(&o.order_id.0),
                    Cell::Text(o.status.as_str()),
                    Cell::text_opt(o.slip.as_deref()),
                    Cell::sources(&o.statement_lines),
                    Cell::Money(o.expected),
                    Cell::money_opt(o.paid),
                    Cell::Text(o.expected.currency.code()),
                    o.name_score.map_or(Cell::Empty, Cell::Score),
                    Cell::reasons(&o.reasons),
                    Cell::Text(&o.customer_name),
                    Cell::time_opt(ordered_at),
                    Cell::Source(&o.source),
                    Cell::Date(carry::origin_day(&o.source.file, self.today)),
                ]);
                Some(o.status)
            }
            TableId::Statement => {
                let l = self.lines[i];
                let line = self.line_records[i];
                cells.extend([
                    Cell::Source(&l.line),
                    Cell::Text(l.status.as_str()),
                    Cell::orders(&l.order_ids),
                    Cell::Money(l.amount),
                    Cell::Text(l.amount.currency.code()),
                    Cell::text_opt(l.counterparty_name.as_deref()),
                    Cell::reasons(&l.reasons),
                    Cell::time_opt(line.map(|x| x.booked_at)),
                    Cell::text_opt(line.and_then(|x| x.reference.as_deref())),
                    Cell::Date(carry::origin_day(&l.line.file, self.today)),
                ]);
                Some(l.status)
            }
            TableId::Exceptions => {
                let row = &self.exceptions[i];
                self.exception_cells(row, cells);
                Some(row.status)
            }
            TableId::Quarantine => {
                let r = self.rejected[i];
                cells.extend([
                    Cell::Text(&r.file),
                    r.line.map_or(Cell::Empty, Cell::Count),
                    Cell::text_opt(r.column.as_deref()),
                    Cell::text_opt(r.value.as_deref()),
                    Cell::Text(&r.reason),
                ]);
                None
            }
        }
    }

    fn exception_cells(&self, row: &ExcRow<'a>, cells: &mut Vec<Cell<'a>>) {
        match row.item {
            ExcItem::Order(o, ordered_at) => cells.extend([
                Cell::Text(KIND_ORDER),
                Cell::Text(&o.order_id.0),
                Cell::Text(o.status.as_str()),
                Cell::Money(o.expected),
                Cell::Text(o.expected.currency.code()),
                Cell::reasons(&o.reasons),
                Cell::Text(&o.customer_name),
                Cell::related(o.slip.as_deref(), &o.statement_lines, &[]),
                Cell::time_opt(ordered_at),
            ]),
            ExcItem::Line(l, booked_at) => cells.extend([
                Cell::Text(KIND_LINE),
                Cell::Source(&l.line),
                Cell::Text(l.status.as_str()),
                Cell::Money(l.amount),
                Cell::Text(l.amount.currency.code()),
                Cell::reasons(&l.reasons),
                Cell::text_opt(l.counterparty_name.as_deref()),
                Cell::related(None, &[], &l.order_ids),
                Cell::time_opt(booked_at),
            ]),
            ExcItem::Slip(s, slip) => {
                cells.extend([
                    Cell::Text(KIND_SLIP),
                    Cell::Text(&s.file),
                    Cell::Text(s.status.as_str()),
                    Cell::money_opt(s.amount),
                    Cell::text_opt(s.amount.map(|m| m.currency.code())),
                    Cell::reasons(&s.reasons),
                    Cell::text_opt(slip.and_then(|x| x.sender.name.as_deref())),
                    Cell::related(None, s.statement_line.as_slice(), &s.order_ids),
                    Cell::time_opt(slip.and_then(|x| x.transferred_at)),
                ]);
            }
            ExcItem::Orphan(b) => {
                cells.extend([
                    Cell::Text(b.kind.as_str()),
                    Cell::Text(&b.key),
                    Cell::Text(b.status.as_str()),
                ]);
                cells.resize(EXC_ORIGIN, Cell::Empty);
            }
        }
        cells.extend([
            Cell::Date(row.origin),
            Cell::Text(row.brk.lifecycle.as_str()),
            Cell::Date(row.first_seen),
            Cell::Count(row.brk.age_days.into()),
            Cell::Text(row.brk.bucket().label()),
            Cell::text_opt(row.resolved_by),
        ]);
    }
}

/// Which block an outcome row goes to: every exception is listed; a
/// matched row only when it closed a break today.
fn pick<'e, T>(
    status: Status,
    brk: Option<&Break>,
    open: &'e mut Vec<T>,
    resolved: &'e mut Vec<T>,
) -> Option<&'e mut Vec<T>> {
    if status.is_exception() {
        Some(open)
    } else if brk.is_some_and(|b| b.lifecycle == Lifecycle::Resolved) {
        Some(resolved)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use recon_core::ReasonCode;
    use recon_core::{Currency, Decimal};

    #[test]
    fn cells_render_per_contract() {
        let m = Money::parse("1500", Currency::Thb).unwrap();
        assert_eq!(Cell::Money(m).plain(), "1500.00");
        assert_eq!(Cell::Score(0.91666).plain(), "0.917");
        assert_eq!(Cell::Score(1.0).plain(), "1.000");
        assert_eq!(Cell::Score(f64::NAN).plain(), "");
        let bkk = FixedOffset::east_opt(7 * 3600).unwrap();
        let t = bkk.with_ymd_and_hms(2026, 11, 21, 14, 5, 0).unwrap();
        assert_eq!(Cell::Time(t).plain(), "2026-11-21T14:05:00+07:00");
        let lines = [
            SourceRef::new("kbank.csv", 6),
            SourceRef::new("kbank.csv", 9),
        ];
        assert_eq!(Cell::sources(&lines).plain(), "kbank.csv:6|kbank.csv:9");
        assert_eq!(Cell::sources(&[]), Cell::Empty);
        let ids = [OrderId("A-1".into()), OrderId("=A-2".into())];
        assert_eq!(Cell::orders(&ids).plain(), "A-1|=A-2");
        assert_eq!(
            Cell::related(Some("a.png"), &lines[..1], &ids).plain(),
            "a.png|kbank.csv:6|A-1|=A-2"
        );
        assert_eq!(Cell::related(Some(""), &[], &[]).plain(), "");
        assert_ne!(Cell::related(Some(""), &[], &[]), Cell::Empty);
        assert_eq!(Cell::related(None, &[], &[]), Cell::Empty);
        let reasons = [
            Reason::with(ReasonCode::ShortBy, "50.00 THB"),
            Reason::with(ReasonCode::NameScore, "0.41"),
        ];
        assert_eq!(
            Cell::reasons(&reasons).plain(),
            recon_core::join_reasons(&reasons)
        );
        assert_eq!(Cell::Count(0).plain(), "0");
        assert_eq!(Cell::Count(u64::MAX).plain(), u64::MAX.to_string());
    }

    #[test]
    fn money_is_written_as_money_plain_says() {
        let mut values: Vec<Decimal> = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "1",
            "-1",
            "0.5",
            "-0.05",
            "12.3",
            "1500",
            "-50.00",
            "0.01",
            "999999999999.99",
            "-123456789012345678.5",
            "0.001",
            "0.005",
            "0.015",
            "-2.675",
            "79228162514264337593543950335",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        values.push(Decimal::MAX);
        values.push(Decimal::MIN);
        values.push(Decimal::new(-7, 0));
        for v in values {
            for c in Currency::ALL {
                let m = Money::new(v, c);
                let mut out = String::new();
                push_money(&mut out, &m);
                assert_eq!(out, m.plain(), "{v} {c}");
            }
        }
    }

    #[test]
    fn times_and_days_are_written_as_chrono_writes_them() {
        let mut times = Vec::new();
        for (secs, offset) in [
            (0, 7 * 3600),
            (59, -5 * 3600 - 30 * 60),
            (86_399, 0),
            (3_600, 14 * 3600),
            (1, 45),
            (7, -(3 * 3600 + 17)),
        ] {
            let tz = FixedOffset::east_opt(offset).unwrap();
            let base = tz.with_ymd_and_hms(2026, 1, 9, 0, 0, 0).unwrap();
            times.push(base + chrono::Duration::seconds(secs));
            times.push(base + chrono::Duration::milliseconds(secs * 1000 + 250));
            times.push(base + chrono::Duration::nanoseconds(secs * 1_000_000_000 + 7));
        }
        let tz = FixedOffset::east_opt(0).unwrap();
        times.push(tz.with_ymd_and_hms(999, 12, 31, 23, 59, 59).unwrap());
        times.push(tz.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap());
        for t in times {
            let mut out = String::new();
            push_time(&mut out, &t);
            assert_eq!(out, t.to_rfc3339_opts(SecondsFormat::AutoSi, false));
        }
        for s in [
            "2026-11-21",
            "2026-01-01",
            "1999-12-31",
            "1000-01-01",
            "9999-12-31",
        ] {
            let d: Day = s.parse().unwrap();
            let mut out = String::new();
            push_day(&mut out, d);
            assert_eq!(out, d.to_string());
        }
        for y in [1, 999, 10_000, -5] {
            let d = Day::new(chrono::NaiveDate::from_ymd_opt(y, 3, 4).unwrap());
            let mut out = String::new();
            push_day(&mut out, d);
            assert_eq!(out, d.to_string());
        }
    }

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

    #[test]
    fn break_keys_are_the_carry_keys() {
        let today: Day = "2026-11-21".parse().unwrap();
        let brk = |kind, key: String| Break {
            kind,
            key,
            origin_day: today,
            first_seen: today,
            status: Status::Unpaid,
            lifecycle: Lifecycle::New,
            age_days: 0,
            resolved_by: None,
        };
        let own = SourceRef::new("orders.csv", 7);
        let carried = SourceRef::new("2026-11-19/kbank.csv", 30);
        let line = StatementOutcome {
            line: carried.clone(),
            status: Status::StatementUnmatched,
            order_ids: vec![],
            amount: Money::from_minor(100, Currency::Thb),
            counterparty_name: None,
            reasons: vec![],
        };
        let slip = SlipOutcome {
            file: "a.png".into(),
            status: Status::Pending,
            order_ids: vec![],
            statement_line: None,
            amount: None,
            trans_ref: None,
            reasons: vec![],
        };
        let order = OrderOutcome {
            order_id: OrderId("A-1".into()),
            source: own.clone(),
            status: Status::Unpaid,
            customer_name: String::new(),
            slip: None,
            statement_lines: vec![],
            expected: Money::from_minor(100, Currency::Thb),
            paid: None,
            name_score: None,
            reasons: vec![],
        };
        let breaks = vec![
            brk(ItemKind::Order, carry::order_key(&order, today)),
            brk(ItemKind::StatementLine, carry::line_key(&line, today)),
            brk(ItemKind::Slip, carry::slip_key(&slip, today)),
        ];
        let mut index = BreakIndex::new(today, &breaks);
        assert!(
            index
                .take(ItemKind::Order, &own.file, Some(own.line))
                .is_some()
        );
        assert!(
            index
                .take(ItemKind::StatementLine, &carried.file, Some(carried.line))
                .is_some()
        );
        assert!(index.take(ItemKind::Slip, "a.png", None).is_some());
        assert_eq!(index.left().count(), 0);
    }
}
