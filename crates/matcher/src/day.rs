//! `match_day`: one business day's orders, statement lines and slips in, one
//! verdict per order, line and slip out.
//!
//! Everything works on *canonical ranks* (orders sorted by order id, lines
//! by file and line, slips by file), never on input positions, and hash maps
//! only answer look-ups (they are never iterated into a decision), so the
//! result is the same for any input row order.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

use crate::fxhash::{FxMap, map_with_capacity};

use chrono::{DateTime, FixedOffset};
use recon_core::carry::{days_between, origin_day};
use recon_core::{
    AccountMask, Currency, Day, DayResult, Money, Order, OrderId, OrderOutcome, Reason, Slip,
    SlipKey, SlipOutcome, SlipRead, SourceRef, StatementLine, StatementOutcome, Status,
};

use crate::accounts::{AccountVerdict, compare_accounts};
use crate::assign::{self, Edge};
use crate::names::{self, NormalizedName};
use crate::{DayInput, MatchConfig};

/// How serious a finding is, most serious first. An order's status is its
/// most serious finding: a problem with the slip itself (cannot be read, not
/// read yet, reused, paid to someone else) outranks what the money says,
/// because the slip's other fields cannot be trusted then; an ambiguous link
/// outranks amount and name findings (they may belong to the other
/// candidate); a wrong amount outranks a wrong name; a slip without money on
/// the statement comes after those (its amount or name may be why the line
/// was not found).
///
/// `pending` ranks second for a slip not read yet (nothing it says can be
/// weighed). The other `pending`, an item waiting out its grace
/// ([`crate::Grace`]), is not a finding: it replaces the item's final status
/// only when that status is `slip_not_on_statement`, `unpaid` or
/// `statement_unmatched` (money in), so it never hides a finding that needs
/// a person.
pub const STATUS_PRECEDENCE: [Status; 11] = [
    Status::UnreadableSlip,
    Status::Pending,
    Status::DuplicateSlip,
    Status::ReceiverMismatch,
    Status::Ambiguous,
    Status::AmountMismatch,
    Status::NameMismatch,
    Status::SlipNotOnStatement,
    Status::Unpaid,
    Status::StatementUnmatched,
    Status::Matched,
];

fn severity(s: Status) -> usize {
    STATUS_PRECEDENCE
        .iter()
        .position(|p| *p == s)
        .unwrap_or(STATUS_PRECEDENCE.len())
}

/// Reason codes of a `pending` item waiting out its grace (see
/// [`crate::Grace`]).
const AWAITING_STATEMENT: &str = "awaiting_statement";
const AWAITING_PAYMENT: &str = "awaiting_payment";
const AWAITING_ORDER: &str = "awaiting_order";

fn is_awaiting(r: &Reason) -> bool {
    [AWAITING_STATEMENT, AWAITING_PAYMENT, AWAITING_ORDER].contains(&r.code.as_str())
}

/// Name-score units in an assignment weight (4 decimals).
const NAME_UNITS: f64 = 10_000.0;
/// Weight of an amount + name link that a slip's transfer time also
/// supports, on top of its own score (under 2^33): more than any group's
/// worth of links by amount and name alone (an edge of those weighs under
/// 2^27 and a group holds at most 64 lines), so a payer without a slip
/// never takes the line a slip points to, however the rest of its group
/// falls.
const SLIP_EVIDENCE: i64 = 1 << 40;
/// Above this many lines of one amount, candidates are narrowed by the
/// beginnings of the payer's name words (see `NameBook::lookup`).
const BIG_BLOCK: usize = 64;
/// Below this many rows a second thread costs more than it saves.
const PARALLEL_FROM: usize = 2_048;
/// Longest time window a config may ask for (a week), so that time
/// arithmetic on a mistyped value cannot overflow.
const MAX_WINDOW_MINUTES: i64 = 7 * 24 * 60;
/// Most candidate lines whose names are compared for one payer.
const SCAN_LIMIT: usize = 256;
/// Most lines booked right after a slip's transfer that are compared with
/// its payer when the name keys of a crowded price found none.
const NEAR_SCAN: usize = 16;

/// The lines of a crowded price (more than [`BIG_BLOCK`]): by name key,
/// and by booking time.
struct Crowd {
    index: FxMap<PairKey, Vec<u32>>,
    by_time: Vec<TimedLine>,
}
/// Most candidates considered for a split payment or a multi-order transfer.
const SUBSET_CANDIDATES: usize = 16;

/// Normalized names, computed only when first compared (from any thread).
struct NameBook<'a> {
    raw: Vec<&'a str>,
    norm: Vec<OnceLock<NormalizedName>>,
    /// Off for the verdicts: names are normalized, compared and dropped.
    keep: bool,
}

type NameId = u32;
/// Name scores by the two names' text (see [`NameBook::score_memo`]).
type ScoreMemo<'a> = FxMap<(&'a str, &'a str), f64>;
/// Most remembered scores before the memo starts over (bounds its memory).
const MEMO_LIMIT: usize = 1 << 20;
/// Lines (or orders) filed under one (currency, name key), by amount in
/// minor units then rank: a split payment's parts are at most what is still
/// due, so only that slice of a crowd of namesakes is read.
type AmountIndex = FxMap<(Currency, PairKey), Vec<(i64, u32)>>;
/// A statement line with its booking time, for time-ordered scans.
type TimedLine = (DateTime<FixedOffset>, u32);
/// A name-word key for blocking: (letters, the letters).
type NameKey = (u8, [char; 3]);
/// An index entry: two words' keys, or one key and [`NO_KEY`].
type PairKey = (NameKey, NameKey);
const NO_KEY: NameKey = (0, [' '; 3]);
/// Kind of the key of a word that shows fewer than three letters: it is
/// also filed under its first letter as this kind, which only such words
/// use, so a full name finds masked names without reading every name that
/// merely shares a first letter.
const SHORT: u8 = 4;

/// A word's blocking keys: what it is filed under, what it is looked up
/// with, and the [`SHORT`] key it looks masked words up with (or
/// [`NO_KEY`]).
struct WordKeys {
    keys: [NameKey; 2],
    query: NameKey,
    short: NameKey,
}
/// Words of a name used for blocking keys (bounds the pairs per name).
const KEYED_WORDS: usize = 4;

impl<'a> NameBook<'a> {
    fn new() -> Self {
        NameBook {
            raw: Vec::new(),
            norm: Vec::new(),
            keep: true,
        }
    }

    fn add(&mut self, s: &'a str) -> NameId {
        self.raw.push(s.trim());
        self.norm.push(OnceLock::new());
        (self.raw.len() - 1) as NameId
    }

    fn add_party(&mut self, p: &'a recon_core::Party) -> Vec<NameId> {
        p.names()
            .filter(|n| !n.trim().is_empty())
            .map(|n| self.add(n))
            .collect()
    }

    /// Frees the normalized names and stops keeping new ones: the verdicts
    /// compare each name about once, so keeping a million of them only
    /// costs memory.
    fn forget(&mut self) {
        self.norm = Vec::new();
        self.keep = false;
    }

    /// Runs `f` on the normalized name, kept or computed for the occasion.
    fn with<R>(&self, id: NameId, f: impl FnOnce(&NormalizedName) -> R) -> R {
        if self.keep {
            f(self.get(id))
        } else {
            f(&names::normalize_name(self.raw[id as usize]))
        }
    }

    fn get(&self, id: NameId) -> &NormalizedName {
        self.norm[id as usize].get_or_init(|| names::normalize_name(self.raw[id as usize]))
    }

    fn score(&self, a: NameId, b: NameId) -> f64 {
        let (ra, rb) = (self.raw[a as usize], self.raw[b as usize]);
        if ra == rb && !ra.contains(['*', '•', '●']) && ra.chars().any(names::is_name_char) {
            return 1.0;
        }
        self.with(a, |na| {
            self.with(b, |nb| {
                // Same words after normalization (titles aside): no strsim.
                if na.same_words(nb) {
                    1.0
                } else {
                    names::similarity(na, nb)
                }
            })
        })
    }

    /// [`NameBook::score`], remembered by the two names' text: a crowd of
    /// namesakes (the same customer paying many orders, a popular name) is
    /// compared once per distinct pair of names, not once per line.
    fn score_memo(&self, a: NameId, b: NameId, memo: &mut ScoreMemo<'a>) -> f64 {
        let key = (self.raw[a as usize], self.raw[b as usize]);
        if let Some(s) = memo.get(&key) {
            return *s;
        }
        if memo.len() >= MEMO_LIMIT {
            memo.clear();
        }
        let s = self.score(a, b);
        memo.insert(key, s);
        s
    }

    /// [`NameBook::best`] through a memo (same pairs, same order, same
    /// answer).
    fn best_memo(&self, a: &[NameId], b: &[NameId], memo: &mut ScoreMemo<'a>) -> Option<f64> {
        let mut best: Option<f64> = None;
        for x in a {
            for y in b {
                let s = self.score_memo(*x, *y, memo);
                best = Some(best.map_or(s, |v: f64| v.max(s)));
                if s >= 1.0 {
                    return best;
                }
            }
        }
        best
    }

    /// The best score over all pairs, `None` when one side has no name.
    fn best(&self, a: &[NameId], b: &[NameId]) -> Option<f64> {
        let mut best: Option<f64> = None;
        for x in a {
            for y in b {
                let s = self.score(*x, *y);
                best = Some(best.map_or(s, |v: f64| v.max(s)));
                if s >= 1.0 {
                    return best;
                }
            }
        }
        best
    }

    /// Per word (at most [`KEYED_WORDS`]), the keys it is filed under: its
    /// first letter, its first three letters when it shows three, and, when
    /// it shows fewer (`อร***`, an initial), its first letter as a
    /// [`SHORT`] key, so that a full name can find a masked one.
    fn word_keys(&self, id: NameId) -> Vec<WordKeys> {
        self.get(id)
            .tokens()
            .take(KEYED_WORDS)
            .filter_map(|t| {
                let mut cs = t.text.chars();
                let (Some(a), b, c) = (cs.next(), cs.next(), cs.next()) else {
                    return None;
                };
                let initial = (1, [a, ' ', ' ']);
                Some(match (b, c) {
                    (Some(b), Some(c)) => WordKeys {
                        keys: [initial, (3, [a, b, c])],
                        query: (3, [a, b, c]),
                        short: (SHORT, [a, ' ', ' ']),
                    },
                    _ => WordKeys {
                        keys: [initial, (SHORT, [a, ' ', ' '])],
                        query: initial,
                        short: NO_KEY,
                    },
                })
            })
            .collect()
    }

    /// Index entries of names: every key with [`NO_KEY`] (found by one-word
    /// names), and every pair of keys of two different words (found by
    /// names of two or more words, which at the threshold must agree on two
    /// words).
    fn index_keys(&self, ids: &[NameId]) -> Vec<PairKey> {
        let mut out = Vec::new();
        for id in ids {
            let wk = self.word_keys(*id);
            for (i, wi) in wk.iter().enumerate() {
                for a in &wi.keys {
                    out.push((*a, NO_KEY));
                    for wj in &wk[i + 1..] {
                        for b in &wj.keys {
                            out.push(if a <= b { (*a, *b) } else { (*b, *a) });
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Entries to look one name up with: per word its three-letter key, or
    /// its one-letter key when fewer letters are visible (`ใ***`, an
    /// initial), and for a word that shows three letters also its
    /// [`SHORT`] key (the other side may show fewer: `อรทัย` finds
    /// `อร***`); a one-word name looks its keys up alone, a longer name
    /// every pair of its words' keys.
    fn query_keys(&self, id: NameId) -> Vec<PairKey> {
        let qk: Vec<[NameKey; 2]> = self
            .word_keys(id)
            .into_iter()
            .map(|w| [w.query, w.short])
            .collect();
        let mut out = Vec::new();
        if let [only] = &qk[..] {
            for k in only.iter().filter(|k| **k != NO_KEY) {
                out.push((*k, NO_KEY));
            }
        }
        for (i, a) in qk.iter().enumerate() {
            for b in &qk[i + 1..] {
                for x in a.iter().filter(|k| **k != NO_KEY) {
                    for y in b.iter().filter(|k| **k != NO_KEY) {
                        out.push(if x <= y { (*x, *y) } else { (*y, *x) });
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Items of `index` (lists sorted ascending) filed under an entry of one
    /// of `names` (see [`NameBook::index_keys`]): the cost is the size of
    /// the answer, not of the crowd that shares one word.
    fn lookup<K: std::hash::Hash + Eq>(
        &self,
        index: &FxMap<K, Vec<u32>>,
        names: &[NameId],
        key: impl Fn(PairKey) -> K,
    ) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for id in names {
            for k in self.query_keys(*id) {
                if let Some(list) = index.get(&key(k)) {
                    out.extend_from_slice(list);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Receiver {
    Ours,
    NotShown,
    NotOurs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    None,
    TransRef,
    OrderIdRef,
    AmountName,
    AmountTime,
    Split,
    ManyOrders,
    NameMismatch,
}

impl Link {
    fn word(self) -> &'static str {
        match self {
            Link::None => "none",
            Link::TransRef => "trans_ref",
            Link::OrderIdRef => "order_id_in_reference",
            Link::AmountName => "amount_and_name",
            Link::AmountTime => "amount_and_time",
            Link::Split => "split_payment",
            Link::ManyOrders => "one_transfer_many_orders",
            Link::NameMismatch => "amount_and_time",
        }
    }
}

enum SlipKind<'a> {
    Read(&'a Slip),
    Unreadable(&'a str),
    Pending(&'a str),
}

struct SlipInfo<'a> {
    file: &'a str,
    /// The business day the slip came in (earlier for a carried slip).
    origin: Day,
    kind: SlipKind<'a>,
    receiver: Receiver,
    receiver_reasons: Vec<Reason>,
    sender: Vec<NameId>,
    /// Orders that reference this file or were attached to it by remark.
    users: Vec<u32>,
    /// Duplicate of an earlier use (for a slip no order references).
    dup: Vec<Reason>,
    line: Option<u32>,
}

impl SlipInfo<'_> {
    fn slip(&self) -> Option<&Slip> {
        match self.kind {
            SlipKind::Read(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Default)]
struct Unit {
    slip: Option<u32>,
    slip_by_remark: bool,
    slip_missing: bool,
    /// Follower of a multi-order slip: the leader carries the matching.
    leader: Option<u32>,
    followers: Vec<u32>,
    dup: Vec<Reason>,
    lines: Vec<u32>,
    link: Option<Link>,
    ambiguous: Vec<u32>,
    reasons: Vec<Reason>,
}

#[derive(Default)]
struct LineState {
    units: Vec<u32>,
    ambiguous_for: Vec<u32>,
    orphan_slip: Option<u32>,
}

struct Ctx<'a> {
    cfg: &'a MatchConfig,
    input: &'a DayInput<'a>,
    orders: Vec<&'a Order>,
    lines: Vec<&'a StatementLine>,
    slips: Vec<SlipInfo<'a>>,
    /// Per order and per line (by rank): the business day it came in.
    order_origin: Vec<Day>,
    line_origin: Vec<Day>,
    /// Per line (by rank): its amount in minor units, computed once.
    line_minor: Vec<Option<i64>>,
    book: NameBook<'a>,
    customer: Vec<NameId>,
    line_names: Vec<Vec<NameId>>,
    units: Vec<Unit>,
    lstate: Vec<LineState>,
    /// Orders by id (the first by rank when an id repeats).
    order_by_id: FxMap<&'a str, u32>,
}

fn slip_file(r: &SlipRead) -> &str {
    match r {
        SlipRead::Read(s) => s.file.as_deref().unwrap_or(""),
        SlipRead::Unreadable { file, .. } | SlipRead::Pending { file, .. } => file,
    }
}

/// Slips by file name; two reads of one file name (a caller's mistake) by
/// what they say, so the order never depends on the input's.
fn slip_order(a: &SlipRead, b: &SlipRead) -> std::cmp::Ordering {
    fn rank(r: &SlipRead) -> u8 {
        match r {
            SlipRead::Read(_) => 0,
            SlipRead::Unreadable { .. } => 1,
            SlipRead::Pending { .. } => 2,
        }
    }
    slip_file(a)
        .cmp(slip_file(b))
        .then_with(|| rank(a).cmp(&rank(b)))
        .then_with(|| match (a, b) {
            (SlipRead::Read(x), SlipRead::Read(y)) => (
                &x.trans_ref,
                x.amount.map(|m| (m.currency, m.amount)),
                &x.image_sha256,
                &x.qr_payload,
                x.transferred_at,
            )
                .cmp(&(
                    &y.trans_ref,
                    y.amount.map(|m| (m.currency, m.amount)),
                    &y.image_sha256,
                    &y.qr_payload,
                    y.transferred_at,
                )),
            (
                SlipRead::Unreadable { reason: x, .. } | SlipRead::Pending { reason: x, .. },
                SlipRead::Unreadable { reason: y, .. } | SlipRead::Pending { reason: y, .. },
            ) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        })
}

fn minor(m: &Money) -> Option<i64> {
    m.to_minor()
}

fn tolerance_minor(cfg: &MatchConfig, c: Currency) -> i64 {
    cfg.fee_tolerance
        .get(&c)
        .and_then(|d| Money::new(*d, c).to_minor())
        .unwrap_or(0)
        .max(0)
}

fn minutes_between(a: DateTime<FixedOffset>, b: DateTime<FixedOffset>) -> i64 {
    (a - b).num_minutes().abs()
}

fn score_reason(s: f64) -> String {
    format!("{s:.3}")
}

/// A name as a reason's detail: reasons are joined with `; `, so a `;` in
/// the name becomes `,`, and white space runs become one space.
fn reason_text(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(';', ",")
}

/// Order ids mentioned in free text (a statement reference or description,
/// a slip remark): words of letters, digits, `-`, `_` and `/`.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/')))
        .filter(|w| w.len() >= 3)
}

/// Runs `f` over `0..n` in up to `threads` contiguous chunks on scoped
/// threads and concatenates the results in chunk order: the result is the
/// same as one sequential run, whatever the scheduling.
fn par_chunks<T: Send>(n: usize, f: impl Fn(Range<usize>) -> Vec<T> + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    if threads <= 1 || n < PARALLEL_FROM {
        return f(0..n);
    }
    let size = n.div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let r = (i * size).min(n)..((i + 1) * size).min(n);
                scope.spawn(move || f(r))
            })
            .collect();
        let mut out = Vec::with_capacity(n);
        for h in handles {
            match h.join() {
                Ok(part) => out.extend(part),
                // A panic in a worker is a bug; surface it unchanged.
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}

/// Runs `a` and `b` at once on scoped threads (when there are `rows` enough
/// to pay for a thread and a second core) and returns both results.
fn par_both<A: Send, B: Send>(
    rows: usize,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads <= 1 || rows < PARALLEL_FROM {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let hb = scope.spawn(b);
        let ra = a();
        match hb.join() {
            Ok(rb) => (ra, rb),
            // A panic in a worker is a bug; surface it unchanged.
            Err(e) => std::panic::resume_unwind(e),
        }
    })
}

/// Matches one day. See the crate documentation for the passes; the
/// statuses follow [`STATUS_PRECEDENCE`].
pub fn match_day(input: &DayInput, config: &MatchConfig) -> DayResult {
    let mut ctx = Ctx::new(input, config);
    ctx.register_slips();
    ctx.exact_keys();
    ctx.amount_and_name();
    ctx.split_payments();
    ctx.one_transfer_many_orders();
    ctx.name_mismatches();
    ctx.outcomes()
}

impl<'a> Ctx<'a> {
    fn new(input: &'a DayInput<'a>, cfg: &'a MatchConfig) -> Ctx<'a> {
        // The three sorts are independent and, on shuffled input, the
        // longest linear step of a large day: each gets its own thread (the
        // same stable sorts, so the same ranks).
        let sort_orders = || {
            let mut orders: Vec<&Order> = input.orders.iter().collect();
            orders.sort_by(|a, b| {
                (&a.order_id, &a.source, a.ordered_at, &a.customer_name).cmp(&(
                    &b.order_id,
                    &b.source,
                    b.ordered_at,
                    &b.customer_name,
                ))
            });
            orders
        };
        let sort_lines = || {
            let mut lines: Vec<&StatementLine> = input.lines.iter().collect();
            lines.sort_by(|a, b| {
                (&a.source, a.booked_at, a.amount.amount, &a.reference).cmp(&(
                    &b.source,
                    b.booked_at,
                    b.amount.amount,
                    &b.reference,
                ))
            });
            lines
        };
        let sort_slips = || {
            let mut slip_reads: Vec<&SlipRead> = input.slips.iter().collect();
            slip_reads.sort_by(|a, b| slip_order(a, b));
            slip_reads
        };
        let rows = input.orders.len() + input.lines.len() + input.slips.len();
        let (orders, (lines, slip_reads)) =
            par_both(rows, sort_orders, || par_both(rows, sort_lines, sort_slips));

        let mut book = NameBook::new();
        let customer = orders.iter().map(|o| book.add(&o.customer_name)).collect();
        let line_names = lines
            .iter()
            .map(|l| book.add_party(&l.counterparty))
            .collect();
        let ours: Vec<OurPrepared> = input
            .our_accounts
            .iter()
            .map(|a| OurPrepared {
                account: AccountMask::new(a.account.as_str()),
                proxies: a
                    .proxies
                    .iter()
                    .map(|p| AccountMask::new(p.as_str()))
                    .collect(),
                names: std::iter::once(a.name.as_str())
                    .chain(a.alt_name.as_deref())
                    .filter(|n| !n.trim().is_empty())
                    .map(names::normalize_name)
                    .collect(),
            })
            .collect();
        // Receiver checks normalize and compare names, each slip on its own:
        // they run on every core.
        let receivers: Vec<(Receiver, Vec<Reason>)> = par_chunks(slip_reads.len(), |range| {
            slip_reads[range]
                .iter()
                .map(|r| match r {
                    SlipRead::Read(s) => check_receiver(s, &ours, cfg.name_threshold),
                    _ => (Receiver::NotShown, vec![]),
                })
                .collect()
        });
        let slips = slip_reads
            .iter()
            .zip(receivers)
            .map(|(r, (rv, rr))| {
                let (kind, sender, receiver, receiver_reasons) = match r {
                    SlipRead::Read(s) => (SlipKind::Read(s), book.add_party(&s.sender), rv, rr),
                    SlipRead::Unreadable { reason, .. } => (
                        SlipKind::Unreadable(reason),
                        vec![],
                        Receiver::NotShown,
                        vec![],
                    ),
                    SlipRead::Pending { reason, .. } => (
                        SlipKind::Pending(reason),
                        vec![],
                        Receiver::NotShown,
                        vec![],
                    ),
                };
                SlipInfo {
                    file: slip_file(r),
                    origin: origin_day(slip_file(r), input.day),
                    kind,
                    receiver,
                    receiver_reasons,
                    sender,
                    users: Vec::new(),
                    dup: Vec::new(),
                    line: None,
                }
            })
            .collect();
        let units = (0..orders.len()).map(|_| Unit::default()).collect();
        let mut order_by_id: FxMap<&str, u32> = map_with_capacity(orders.len());
        for (o, order) in orders.iter().enumerate() {
            order_by_id
                .entry(order.order_id.0.as_str())
                .or_insert(o as u32);
        }
        let lstate = (0..lines.len()).map(|_| LineState::default()).collect();
        let order_origin = orders
            .iter()
            .map(|o| origin_day(&o.source.file, input.day))
            .collect();
        let line_origin = lines
            .iter()
            .map(|l| origin_day(&l.source.file, input.day))
            .collect();
        let line_minor = lines.iter().map(|l| minor(&l.amount)).collect();
        Ctx {
            cfg,
            input,
            orders,
            lines,
            slips,
            order_origin,
            line_origin,
            line_minor,
            book,
            customer,
            line_names,
            units,
            lstate,
            order_by_id,
        }
    }

    // ---- helpers -------------------------------------------------------

    fn slip_of(&self, u: u32) -> Option<&SlipInfo<'a>> {
        self.units[u as usize].slip.map(|s| &self.slips[s as usize])
    }

    /// The unit's slip when its fields can be used as evidence of payment.
    fn valid_slip(&self, u: u32) -> Option<&'a Slip> {
        let unit = &self.units[u as usize];
        if !unit.dup.is_empty() {
            return None;
        }
        let info = self.slip_of(u)?;
        match info.kind {
            SlipKind::Read(s) if info.receiver != Receiver::NotOurs && s.amount.is_some() => {
                Some(s)
            }
            _ => None,
        }
    }

    /// A unit that must not be linked to money: its slip is reused or paid
    /// someone else.
    fn blocked(&self, u: u32) -> bool {
        let unit = &self.units[u as usize];
        unit.leader.is_some()
            || !unit.dup.is_empty()
            || self
                .slip_of(u)
                .is_some_and(|s| s.receiver == Receiver::NotOurs)
    }

    fn open(&self, u: u32) -> bool {
        let unit = &self.units[u as usize];
        unit.lines.is_empty() && unit.ambiguous.is_empty() && !self.blocked(u)
    }

    /// Orders in the unit: the leader and the orders sharing its slip.
    fn members(&self, u: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::once(u).chain(self.units[u as usize].followers.iter().copied())
    }

    /// What the unit's orders are expected to bring, in minor units.
    fn expected(&self, u: u32) -> Option<(Currency, i64)> {
        let cur = self.orders[u as usize].amount.currency;
        let mut total = 0i64;
        for m in self.members(u) {
            let a = &self.orders[m as usize].amount;
            if a.currency != cur {
                return None;
            }
            total = total.checked_add(minor(a)?)?;
        }
        Some((cur, total))
    }

    /// The amount the unit's money should show on the statement: the slip's
    /// when there is a usable slip, else the orders'.
    fn sought(&self, u: u32) -> Option<(Currency, i64)> {
        match self.valid_slip(u) {
            Some(s) => s
                .amount
                .as_ref()
                .and_then(|m| Some((m.currency, minor(m)?))),
            None => self.expected(u),
        }
    }

    fn payer_names(&self, u: u32) -> Vec<NameId> {
        let mut ids = Vec::new();
        if self.valid_slip(u).is_some()
            && let Some(s) = self.units[u as usize].slip
        {
            ids.extend(self.slips[s as usize].sender.iter().copied());
        }
        for m in self.members(u) {
            ids.push(self.customer[m as usize]);
        }
        ids
    }

    fn line_free(&self, l: u32) -> bool {
        let st = &self.lstate[l as usize];
        st.units.is_empty() && st.ambiguous_for.is_empty() && st.orphan_slip.is_none()
    }

    fn money_in(&self, l: u32) -> bool {
        self.lines[l as usize].amount.is_positive()
    }

    /// In today's window (late grace included), or carried from an earlier
    /// day, whose window it was checked against then.
    fn in_window(&self, l: u32) -> bool {
        if self.carried_line(l) {
            return true;
        }
        let t = self.lines[l as usize].booked_at;
        let (start, end) = self.input.window;
        let grace = self.cfg.late_grace_minutes.clamp(0, MAX_WINDOW_MINUTES);
        t >= start && t < end + chrono::Duration::minutes(grace)
    }

    fn carried_line(&self, l: u32) -> bool {
        self.line_origin[l as usize] != self.input.day
    }

    /// The end of an earlier business day: today's window moved back by
    /// whole days (business days are calendar days, the offset is fixed).
    fn day_end(&self, day: Day) -> DateTime<FixedOffset> {
        let back = i64::from(days_between(day, self.input.day));
        self.input
            .window
            .1
            .checked_sub_signed(chrono::Duration::days(back))
            .unwrap_or(self.input.window.1)
    }

    /// Is a line booked at `booked` inside the window that money sent at
    /// `at` can take: from `booking_skew_minutes` before the transfer to
    /// `after_minutes` after it? Money is booked after it is sent; a line
    /// booked well before the transfer is someone else's money.
    fn booked_within(
        &self,
        booked: DateTime<FixedOffset>,
        at: DateTime<FixedOffset>,
        after_minutes: i64,
    ) -> bool {
        let skew = self.cfg.booking_skew_minutes.clamp(0, MAX_WINDOW_MINUTES);
        let after = after_minutes.clamp(-MAX_WINDOW_MINUTES, MAX_WINDOW_MINUTES);
        let delay = (booked - at).num_seconds();
        delay >= -skew * 60 && delay <= after * 60
    }

    /// May line `l` carry the money of a slip of day `slip_day` sent at
    /// `at`? Booked inside [`Ctx::booked_within`] the transfer's window
    /// (`max_slip_line_gap_minutes` after it), as on any day; and when the
    /// line was booked on a later day than the slip came in, any time from
    /// the transfer to the end of the slip's statement grace (the bank
    /// booked it late). Two items of one day never get the wider rule.
    fn slip_line_gap_ok(&self, l: u32, slip_day: Day, at: DateTime<FixedOffset>) -> bool {
        let booked = self.lines[l as usize].booked_at;
        if self.booked_within(booked, at, self.cfg.max_slip_line_gap_minutes) {
            return true;
        }
        if self.line_origin[l as usize] <= slip_day || booked < at {
            return false;
        }
        let grace = chrono::Duration::days(i64::from(self.cfg.grace.statement_days));
        self.day_end(slip_day)
            .checked_add_signed(grace)
            .is_none_or(|last| booked < last)
    }

    fn eligible(&self, l: u32) -> bool {
        self.line_free(l) && self.money_in(l) && self.in_window(l)
    }

    fn link(&mut self, u: u32, lines: &[u32], how: Link) {
        for l in lines {
            self.lstate[*l as usize].units.push(u);
            self.units[u as usize].lines.push(*l);
        }
        self.units[u as usize].link = Some(how);
    }

    fn mark_ambiguous(&mut self, u: u32, lines: &[u32]) {
        for l in lines {
            self.lstate[*l as usize].ambiguous_for.push(u);
        }
        self.units[u as usize].ambiguous.extend_from_slice(lines);
    }

    /// Reference time of the unit's payment and whether it is a hard limit
    /// (the slip's transfer time) or only a hint (the order time).
    fn payment_time(&self, u: u32) -> (DateTime<FixedOffset>, bool) {
        match self.valid_slip(u).and_then(|s| s.transferred_at) {
            Some(t) => (t, true),
            None => (self.orders[u as usize].ordered_at, false),
        }
    }

    /// The day the unit's slip came in (its order's day when it has none).
    fn slip_day(&self, u: u32) -> Day {
        self.slip_of(u)
            .map_or(self.order_origin[u as usize], |s| s.origin)
    }

    /// `ORD-1@2026-11-20`: an order and the day it came in, for reasons.
    fn order_at_day(&self, o: u32) -> String {
        format!(
            "{}@{}",
            self.orders[o as usize].order_id, self.order_origin[o as usize]
        )
    }

    /// `pending` while an item of day `origin` is inside a grace of
    /// `grace_days`: the reason `what` with `until <the last day it is
    /// pending>`; the run of the day after is the last to look for what it
    /// lacks, and gives the real status when nothing came. `None` once the
    /// grace is over (always, for a grace of 0 days).
    fn awaiting(&self, what: &str, origin: Day, grace_days: u32) -> Option<Reason> {
        if days_between(origin, self.input.day) >= grace_days {
            return None;
        }
        let until = origin
            .date()
            .checked_add_days(chrono::Days::new(u64::from(grace_days - 1)))
            .map_or(origin, Day::new);
        Some(Reason::with(what, format!("until {until}")))
    }

    /// Money in that no order claims, still inside its grace for an order.
    fn awaiting_order(&self, l: u32) -> Option<Reason> {
        if !self.money_in(l) {
            return None;
        }
        self.awaiting(
            AWAITING_ORDER,
            self.line_origin[l as usize],
            self.cfg.grace.line_days,
        )
    }

    // ---- pass 0: slip registry -------------------------------------------

    fn register_slips(&mut self) {
        let mut by_file: FxMap<&str, u32> = map_with_capacity(self.slips.len());
        for (i, s) in self.slips.iter().enumerate() {
            by_file.entry(s.file).or_insert(i as u32);
        }
        // Orders that name a slip file, in the order they were placed: the
        // first use of a slip is the genuine one. A slip carried from an
        // earlier day was there first.
        let mut uses: Vec<(Day, DateTime<FixedOffset>, u32, u32)> = Vec::new();
        for (o, order) in self.orders.iter().enumerate() {
            let Some(file) = order.slip.as_deref().filter(|f| !f.trim().is_empty()) else {
                continue;
            };
            match by_file.get(file.trim()) {
                Some(s) => {
                    self.units[o].slip = Some(*s);
                    self.slips[*s as usize].users.push(o as u32);
                    uses.push((
                        self.slips[*s as usize].origin,
                        order.ordered_at,
                        o as u32,
                        *s,
                    ));
                }
                None => self.units[o].slip_missing = true,
            }
        }
        uses.sort_unstable();

        let prior = self.input.prior_uses;
        // Most slips have two keys (transRef and file name); the map grows
        // for the few with a QR payload or an image hash.
        let mut first: FxMap<(u8, &str), u32> = map_with_capacity(uses.len() * 2);
        let mut followers: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (_, _, o, s) in uses {
            let info = &self.slips[s as usize];
            let keys = slip_keys(info);
            if let Some(reasons) = prior_hit(keys.as_slice(), prior, info) {
                self.units[o as usize].dup = reasons;
                continue;
            }
            let original = keys.as_slice().iter().find_map(|k| first.get(k).copied());
            match original {
                Some(o0) => followers.entry(o0).or_default().push(o),
                None => {
                    for k in keys.as_slice() {
                        first.insert(*k, o);
                    }
                }
            }
        }
        // Several orders on one slip: one transfer for several orders of the
        // same customer when the slip's amount is exactly their sum;
        // otherwise every later use is a duplicate.
        for (o0, fs) in followers {
            if self.pays_together(o0, &fs) {
                for f in &fs {
                    self.units[*f as usize].leader = Some(o0);
                }
                self.units[o0 as usize].followers = fs;
            } else {
                let orig = self.order_at_day(o0);
                for f in fs {
                    self.units[f as usize].dup = vec![Reason::with("duplicate_of", &orig)];
                }
            }
        }
        // Slips no order names: a reused copy, or a slip whose remark names
        // an order that has no slip yet.
        for s in 0..self.slips.len() {
            let info = &self.slips[s];
            if !info.users.is_empty() {
                continue;
            }
            let keys = slip_keys(info);
            let keys: Vec<(u8, &str)> = keys
                .as_slice()
                .iter()
                .copied()
                .filter(|k| k.0 != 3)
                .collect();
            if let Some(reasons) = prior_hit(&keys, prior, info) {
                self.slips[s].dup = reasons;
                continue;
            }
            if let Some(o0) = keys.iter().find_map(|k| first.get(k).copied()) {
                let orig = self.order_at_day(o0);
                self.slips[s].dup = vec![Reason::with("duplicate_of", orig)];
                continue;
            }
            let Some(remark) = info.slip().and_then(|x| x.remark.as_deref()) else {
                continue;
            };
            let found: BTreeSet<u32> = words(remark)
                .filter_map(|w| self.order_by_id.get(w).copied())
                .collect();
            if found.len() == 1
                && let Some(o) = found.first().copied()
            {
                let unit = &mut self.units[o as usize];
                if unit.slip.is_none() && !unit.slip_missing {
                    unit.slip = Some(s as u32);
                    unit.slip_by_remark = true;
                    self.slips[s].users.push(o);
                }
            }
        }
    }

    fn pays_together(&self, o0: u32, fs: &[u32]) -> bool {
        let Some(slip) = self.units[o0 as usize]
            .slip
            .and_then(|s| self.slips[s as usize].slip())
        else {
            return false;
        };
        let Some(paid) = slip.amount.as_ref().and_then(minor) else {
            return false;
        };
        let cur = self.orders[o0 as usize].amount.currency;
        let mut sum = 0i64;
        for o in std::iter::once(&o0).chain(fs) {
            let a = &self.orders[*o as usize].amount;
            if a.currency != cur {
                return false;
            }
            match minor(a) {
                Some(m) => sum += m,
                None => return false,
            }
        }
        let same_customer = fs.iter().all(|f| {
            self.book
                .score(self.customer[o0 as usize], self.customer[*f as usize])
                >= self.cfg.name_threshold
        });
        sum == paid && same_customer
    }

    // ---- pass 1: exact keys ----------------------------------------------

    fn exact_keys(&mut self) {
        let mut by_ref: FxMap<Cow<'a, str>, Vec<u32>> = FxMap::default();
        for (l, line) in self.lines.iter().enumerate() {
            if !line.amount.is_positive() {
                continue;
            }
            if let Some(r) = line.reference.as_deref() {
                let key: Cow<str> = if r.contains(char::is_whitespace) {
                    Cow::Owned(r.chars().filter(|c| !c.is_whitespace()).collect())
                } else {
                    Cow::Borrowed(r)
                };
                if !key.is_empty() {
                    by_ref.entry(key).or_default().push(l as u32);
                }
            }
        }
        // transRef on the slip = reference on the statement.
        for u in 0..self.units.len() as u32 {
            if !self.open(u) {
                continue;
            }
            let Some(tr) = self.valid_slip(u).and_then(|s| s.trans_ref.as_ref()) else {
                continue;
            };
            let cands: Vec<u32> = by_ref
                .get(tr.0.as_str())
                .map(|v| v.iter().copied().filter(|l| self.line_free(*l)).collect())
                .unwrap_or_default();
            match cands.len() {
                0 => {}
                1 => self.link(u, &cands, Link::TransRef),
                _ => self.mark_ambiguous(u, &cands),
            }
        }
        // Slips no order claims still explain their statement line.
        for s in 0..self.slips.len() {
            let info = &self.slips[s];
            if !info.users.is_empty() || !info.dup.is_empty() {
                continue;
            }
            let Some(tr) = info.slip().and_then(|x| x.trans_ref.as_ref()) else {
                continue;
            };
            let cands: Vec<u32> = by_ref
                .get(tr.0.as_str())
                .map(|v| v.iter().copied().filter(|l| self.line_free(*l)).collect())
                .unwrap_or_default();
            if let [l] = cands[..] {
                self.lstate[l as usize].orphan_slip = Some(s as u32);
                self.slips[s].line = Some(l);
            }
        }
        // An order id written in a statement reference or description.
        for l in 0..self.lines.len() as u32 {
            if !self.line_free(l) || !self.money_in(l) {
                continue;
            }
            let line = self.lines[l as usize];
            let mut found: BTreeSet<u32> = BTreeSet::new();
            for text in [line.reference.as_deref(), line.description.as_deref()]
                .into_iter()
                .flatten()
            {
                for w in words(text) {
                    if let Some(o) = self.order_by_id.get(w) {
                        let o = self.units[*o as usize].leader.unwrap_or(*o);
                        found.insert(o);
                    }
                }
            }
            let found: Vec<u32> = found.into_iter().filter(|u| self.open(*u)).collect();
            match found.len() {
                0 => {}
                1 => self.link(found[0], &[l], Link::OrderIdRef),
                _ => {
                    // Several ids on one transfer: it pays them together
                    // when the sum is exact.
                    let cur = line.amount.currency;
                    let sum: Option<i64> = found
                        .iter()
                        .map(|u| self.expected(*u).filter(|e| e.0 == cur).map(|e| e.1))
                        .sum();
                    if sum == minor(&line.amount) {
                        for u in &found {
                            self.link(*u, &[l], Link::ManyOrders);
                        }
                    }
                }
            }
        }
    }

    // ---- pass 2: amount + time window + payer name ----------------------

    fn blocks(&self) -> FxMap<(Currency, i64), Vec<u32>> {
        let mut blocks: FxMap<(Currency, i64), Vec<u32>> = FxMap::default();
        for l in 0..self.lines.len() as u32 {
            if self.eligible(l)
                && let Some(m) = self.line_minor[l as usize]
            {
                blocks
                    .entry((self.lines[l as usize].amount.currency, m))
                    .or_default()
                    .push(l);
            }
        }
        blocks
    }

    /// Line amounts in `[sought - tolerance, sought]` for the currency.
    fn amount_keys(
        &self,
        keys: &BTreeSet<(Currency, i64)>,
        cur: Currency,
        sought: i64,
    ) -> Vec<i64> {
        let tol = tolerance_minor(self.cfg, cur);
        if tol == 0 {
            return vec![sought];
        }
        keys.range((cur, sought.saturating_sub(tol))..=(cur, sought))
            .map(|k| k.1)
            .rev()
            .collect()
    }

    /// Pass-2 candidates of one unit: same currency, amount in the fee
    /// range, in the window, payer name at or above the threshold.
    fn candidate_edges(
        &self,
        u: u32,
        blocks: &FxMap<(Currency, i64), Vec<u32>>,
        keys: &BTreeSet<(Currency, i64)>,
        crowds: &FxMap<(Currency, i64), Crowd>,
        edges: &mut Vec<Edge>,
    ) {
        if !self.open(u) {
            return;
        }
        let Some((cur, sought)) = self.sought(u) else {
            return;
        };
        let payer = self.payer_names(u);
        let (at, hard) = self.payment_time(u);
        let slip_day = self.slip_day(u);
        for amount in self.amount_keys(keys, cur, sought) {
            let Some(block) = blocks.get(&(cur, amount)) else {
                continue;
            };
            // (line, best name score) of the candidates.
            let mut scored: Vec<(u32, f64)> = Vec::new();
            let gap_ok = |l: u32| !hard || self.slip_line_gap_ok(l, slip_day, at);
            match crowds.get(&(cur, amount)) {
                // A crowded price: each payer name is compared only with the
                // lines that share its name keys.
                Some(crowd) => {
                    // Every payer name is looked up: the customer's name
                    // finds namesakes too, so stopping at the first name
                    // that finds a line would hide the slip sender's own
                    // line when someone else paid.
                    for p in &payer {
                        let mut cands = self.book.lookup(&crowd.index, &[*p], |k| k);
                        cands.retain(|l| gap_ok(*l));
                        self.nearest_in_time(&mut cands, at);
                        for l in cands {
                            let names = &self.line_names[l as usize];
                            if let Some(s) = self.book.best(&[*p], names) {
                                scored.push((l, s));
                            }
                        }
                    }
                    // A typo in a word's first letters or words run together
                    // (`อนชา`, `ประเสริฐใจดี`) escape the name keys; a
                    // slip's time still finds its line: the first lines
                    // booked after the transfer are compared too, when the
                    // keys found none that soon.
                    if hard {
                        let soon = |l: u32| {
                            self.booked_within(
                                self.lines[l as usize].booked_at,
                                at,
                                self.cfg.name_mismatch_gap_minutes,
                            )
                        };
                        let thr = self.cfg.name_threshold;
                        if !scored.iter().any(|(l, s)| *s >= thr && soon(*l)) {
                            let skew = self.cfg.booking_skew_minutes.clamp(0, MAX_WINDOW_MINUTES);
                            let from = at - chrono::Duration::minutes(skew);
                            let first = crowd.by_time.partition_point(|(t, _)| *t < from);
                            for (_, l) in crowd.by_time[first..]
                                .iter()
                                .take_while(|(_, l)| soon(*l))
                                .take(NEAR_SCAN)
                                .filter(|(_, l)| gap_ok(*l))
                            {
                                if let Some(s) =
                                    self.book.best(&payer, &self.line_names[*l as usize])
                                {
                                    scored.push((*l, s));
                                }
                            }
                        }
                    }
                    scored.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
                    scored.dedup_by_key(|x| x.0);
                }
                None => {
                    for l in block.iter().copied().filter(|l| gap_ok(*l)) {
                        let names = &self.line_names[l as usize];
                        if let Some(s) = self.book.best(&payer, names) {
                            scored.push((l, s));
                        }
                    }
                }
            }
            for (l, score) in scored {
                if score < self.cfg.name_threshold {
                    continue;
                }
                let booked = self.lines[l as usize].booked_at;
                let exact = i64::from(amount == sought);
                let name = (score * NAME_UNITS).round() as i64;
                let weight = if hard {
                    // The slip's time is evidence: a line booked promptly
                    // after the transfer beats a later one whatever the
                    // names (both reach the threshold), then the name, then
                    // the seconds (two namesakes paying one price a minute
                    // apart are told apart by who paid first).
                    let prompt = self.booked_within(booked, at, self.cfg.name_mismatch_gap_minutes);
                    let secs = (booked - at).num_seconds().abs().min(99_999);
                    SLIP_EVIDENCE
                        + exact * 4_000_000_000
                        + i64::from(prompt) * 2_000_000_000
                        + name * 100_000
                        + (99_999 - secs)
                } else {
                    let gap = minutes_between(booked, at);
                    exact * 100_000_000 + name * 1000 + (999 - gap.min(999))
                };
                edges.push(Edge {
                    unit: u,
                    line: l,
                    weight,
                });
            }
        }
    }

    fn amount_and_name(&mut self) {
        let blocks = self.blocks();
        let keys: BTreeSet<(Currency, i64)> = if self.cfg.fee_tolerance.is_empty() {
            BTreeSet::new()
        } else {
            blocks.keys().copied().collect()
        };
        // Big blocks (a common price) get a name-key index and a time
        // order, built once.
        let mut big: Vec<(&(Currency, i64), &Vec<u32>)> =
            blocks.iter().filter(|(_, b)| b.len() > BIG_BLOCK).collect();
        big.sort_unstable_by_key(|(k, _)| **k);
        let crowds: FxMap<(Currency, i64), Crowd> = big
            .into_iter()
            .map(|(k, block)| {
                let mut index: FxMap<PairKey, Vec<u32>> = FxMap::default();
                for l in block {
                    for nk in self.book.index_keys(&self.line_names[*l as usize]) {
                        index.entry(nk).or_default().push(*l);
                    }
                }
                let mut by_time: Vec<TimedLine> = block
                    .iter()
                    .map(|l| (self.lines[*l as usize].booked_at, *l))
                    .collect();
                by_time.sort_unstable();
                (*k, Crowd { index, by_time })
            })
            .collect();
        let this = &*self;
        let edges = par_chunks(self.units.len(), |range| {
            let mut edges = Vec::new();
            for u in range {
                this.candidate_edges(u as u32, &blocks, &keys, &crowds, &mut edges);
            }
            edges
        });
        let solved = assign::solve(edges, self.cfg.exhaustive_group_limit);
        for (u, l) in solved.linked {
            self.link(u, &[l], Link::AmountName);
        }
        for (u, ls) in solved.ambiguous {
            self.mark_ambiguous(u, &ls);
        }
    }

    // ---- pass 3: split payments, one transfer for several orders --------

    /// Free lines with a usable amount, by (currency, name key) and amount.
    fn free_lines_by_key(&self) -> AmountIndex {
        let mut m: AmountIndex = FxMap::default();
        for l in 0..self.lines.len() as u32 {
            if !self.eligible(l) {
                continue;
            }
            let Some(amount) = self.line_minor[l as usize].filter(|a| *a > 0) else {
                continue;
            };
            let cur = self.lines[l as usize].amount.currency;
            for k in self.book.index_keys(&self.line_names[l as usize]) {
                m.entry((cur, k)).or_default().push((amount, l));
            }
        }
        for v in m.values_mut() {
            v.sort_unstable();
        }
        m
    }

    /// Items of `index` filed under a name key of one of `names` whose
    /// amount is in `(0, below)` (`strict`) or `(0, below]`, by rank without
    /// repeats: the same answer as looking every name up and filtering by
    /// amount, at the cost of the answer rather than of the crowd.
    fn lookup_below(
        &self,
        index: &AmountIndex,
        names: &[NameId],
        cur: Currency,
        below: i64,
        strict: bool,
    ) -> Vec<u32> {
        let mut keys: Vec<PairKey> = names
            .iter()
            .flat_map(|id| self.book.query_keys(*id))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let mut out = Vec::new();
        for k in keys {
            let Some(list) = index.get(&(cur, k)) else {
                continue;
            };
            let end = if strict {
                list.partition_point(|(a, _)| *a < below)
            } else {
                list.partition_point(|(a, _)| *a <= below)
            };
            out.extend(list[..end].iter().map(|(_, item)| *item));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Keeps at most [`SCAN_LIMIT`] candidate lines, the nearest in time to
    /// `at` (ties by rank), so that a crowd of namesakes paying the same
    /// price cannot make matching quadratic.
    fn nearest_in_time(&self, cands: &mut Vec<u32>, at: DateTime<FixedOffset>) {
        if cands.len() > SCAN_LIMIT {
            cands.sort_by_key(|l| {
                (
                    (self.lines[*l as usize].booked_at - at).num_seconds().abs(),
                    *l,
                )
            });
            cands.truncate(SCAN_LIMIT);
            cands.sort_unstable();
        }
    }

    /// The first [`SUBSET_CANDIDATES`] of `cands` (in their order) whose
    /// names reach the threshold against `names`: the names are compared
    /// only until enough are found.
    fn first_namesakes<'s>(
        &self,
        cands: impl IntoIterator<Item = u32>,
        names_of: impl Fn(u32) -> (&'s [NameId], &'s [NameId]),
        memo: &mut ScoreMemo<'a>,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        for c in cands {
            let (a, b) = names_of(c);
            if self
                .book
                .best_memo(a, b, memo)
                .is_some_and(|s| s >= self.cfg.name_threshold)
            {
                out.push(c);
                if out.len() == SUBSET_CANDIDATES {
                    break;
                }
            }
        }
        out
    }

    fn split_payments(&mut self) {
        let index = self.free_lines_by_key();
        if index.is_empty() {
            return;
        }
        let max_parts = self.cfg.max_split_parts.max(2);
        let mut memo = ScoreMemo::default();
        for u in 0..self.units.len() as u32 {
            let unit = &self.units[u as usize];
            // Open units, and units whose slip paid only part of the order.
            let partial = !unit.lines.is_empty()
                && matches!(unit.link, Some(Link::TransRef | Link::AmountName));
            if self.blocked(u) || !unit.ambiguous.is_empty() || !(unit.lines.is_empty() || partial)
            {
                continue;
            }
            let Some((cur, expected)) = self.expected(u) else {
                continue;
            };
            let paid: i64 = unit
                .lines
                .iter()
                .filter_map(|l| self.line_minor[*l as usize])
                .sum();
            let needed = expected - paid;
            if needed <= 0 {
                continue;
            }
            let (min_parts, max_parts) = if unit.lines.is_empty() {
                (2, max_parts)
            } else {
                (1, max_parts.saturating_sub(unit.lines.len()))
            };
            if max_parts < min_parts {
                continue;
            }
            let payer = self.payer_names(u);
            // Every part is at most what is still due.
            let mut cands: Vec<u32> = self.lookup_below(&index, &payer, cur, needed, false);
            cands.retain(|l| self.line_free(*l));
            self.nearest_in_time(&mut cands, self.orders[u as usize].ordered_at);
            let line_names = &self.line_names;
            let cands = self.first_namesakes(
                cands,
                |l| (&payer[..], &line_names[l as usize][..]),
                &mut memo,
            );
            let amounts: Vec<i64> = cands
                .iter()
                .map(|l| self.line_minor[*l as usize].unwrap_or(0))
                .collect();
            let found = exact_subsets(&amounts, needed, min_parts, max_parts, 2);
            match found.len() {
                0 => {}
                1 => {
                    let ls: Vec<u32> = found[0].iter().map(|i| cands[*i]).collect();
                    self.link(u, &ls, Link::Split);
                }
                _ => {
                    let ls: BTreeSet<u32> = found.iter().flatten().map(|i| cands[*i]).collect();
                    let ls: Vec<u32> = ls.into_iter().collect();
                    self.units[u as usize]
                        .reasons
                        .push(Reason::new("several_split_combinations"));
                    self.mark_ambiguous(u, &ls);
                }
            }
        }
    }

    fn one_transfer_many_orders(&mut self) {
        // Open orders without a usable slip, by (currency, customer name
        // key) and what they expect.
        let mut index: AmountIndex = FxMap::default();
        for u in 0..self.units.len() as u32 {
            if !self.open(u)
                || self.valid_slip(u).is_some()
                || !self.units[u as usize].followers.is_empty()
            {
                continue;
            }
            let Some(expected) = self.expected(u).map(|e| e.1).filter(|e| *e > 0) else {
                continue;
            };
            let cur = self.orders[u as usize].amount.currency;
            for k in self.book.index_keys(&[self.customer[u as usize]]) {
                index.entry((cur, k)).or_default().push((expected, u));
            }
        }
        if index.is_empty() {
            return;
        }
        for v in index.values_mut() {
            v.sort_unstable();
        }
        let max_parts = self.cfg.max_split_parts.max(2);
        let mut memo = ScoreMemo::default();
        for l in 0..self.lines.len() as u32 {
            if !self.eligible(l) {
                continue;
            }
            let line = self.lines[l as usize];
            let Some(total) = self.line_minor[l as usize] else {
                continue;
            };
            let cur = line.amount.currency;
            let names = &self.line_names[l as usize];
            // Each order expects less than the transfer brought.
            let mut cands: Vec<u32> = self.lookup_below(&index, names, cur, total, true);
            cands.retain(|u| self.open(*u));
            let customer = &self.customer;
            let cands = self.first_namesakes(
                cands,
                |u| (std::slice::from_ref(&customer[u as usize]), &names[..]),
                &mut memo,
            );
            if cands.len() < 2 {
                continue;
            }
            let amounts: Vec<i64> = cands
                .iter()
                .map(|u| self.expected(*u).map_or(0, |e| e.1))
                .collect();
            let found = exact_subsets(&amounts, total, 2, max_parts, 2);
            if let [one] = &found[..] {
                for i in one {
                    self.link(cands[*i], &[l], Link::ManyOrders);
                }
            }
        }
    }

    // ---- pass 4: the slip's money from a payer with another name --------

    fn name_mismatches(&mut self) {
        // Per amount, lines by booking time: only the slip's neighbourhood
        // is looked at.
        let by_time: FxMap<(Currency, i64), Vec<TimedLine>> = self
            .blocks()
            .into_iter()
            .map(|(k, ls)| {
                let mut v: Vec<_> = ls
                    .into_iter()
                    .map(|l| (self.lines[l as usize].booked_at, l))
                    .collect();
                v.sort_unstable();
                (k, v)
            })
            .collect();
        let mut edges = Vec::new();
        let gap_limit = self
            .cfg
            .name_mismatch_gap_minutes
            .clamp(0, MAX_WINDOW_MINUTES);
        let skew = self.cfg.booking_skew_minutes.clamp(0, MAX_WINDOW_MINUTES);
        for u in 0..self.units.len() as u32 {
            if !self.open(u) {
                continue;
            }
            let Some(slip) = self.valid_slip(u) else {
                continue;
            };
            let (Some(at), Some(amount)) = (slip.transferred_at, slip.amount.as_ref()) else {
                continue;
            };
            let Some(m) = minor(amount) else { continue };
            let Some(block) = by_time.get(&(amount.currency, m)) else {
                continue;
            };
            let from = at - chrono::Duration::minutes(skew);
            let first = block.partition_point(|(t, _)| *t < from);
            for (t, l) in &block[first..] {
                if !self.booked_within(*t, at, gap_limit) {
                    break;
                }
                let gap = (*t - at).num_seconds().abs();
                edges.push(Edge {
                    unit: u,
                    line: *l,
                    weight: 1_000_000 - gap.min(999_999),
                });
            }
        }
        let solved = assign::solve(edges, self.cfg.exhaustive_group_limit);
        for (u, l) in solved.linked {
            let has_names = !self.line_names[l as usize].is_empty();
            let how = if has_names {
                Link::NameMismatch
            } else {
                Link::AmountTime
            };
            self.link(u, &[l], how);
        }
        for (u, ls) in solved.ambiguous {
            self.mark_ambiguous(u, &ls);
        }
    }

    // ---- verdicts ----------------------------------------------------------

    fn outcomes(mut self) -> DayResult {
        self.book.forget();
        let day = self.input.day;
        let this = &self;
        let mut orders_out = par_chunks(self.orders.len(), |range| {
            range.map(|o| this.order_outcome(o as u32)).collect()
        });
        let order_status: Vec<Status> = orders_out.iter().map(|o| o.status).collect();
        let order_status = &order_status;
        // The grace reason of a pending order, repeated on its slip.
        let order_wait: Vec<Option<Reason>> = orders_out
            .iter()
            .map(|o| o.reasons.iter().find(|r| is_awaiting(r)).cloned())
            .collect();
        let order_wait = &order_wait;
        let mut statement = par_chunks(self.lines.len(), |range| {
            range.map(|l| this.line_outcome(l, order_status)).collect()
        });
        let mut slips_out = par_chunks(self.slips.len(), |range| {
            range
                .map(|s| this.slip_outcome(&this.slips[s], order_status, order_wait))
                .collect()
        });
        // Canonical ranks already give the contract's order; a stable sort
        // keeps it explicit.
        orders_out.sort_by(|a, b| a.order_id.cmp(&b.order_id));
        statement.sort_by(|a, b| a.line.cmp(&b.line));
        slips_out.sort_by(|a, b| a.file.cmp(&b.file));
        DayResult {
            day,
            orders: orders_out,
            statement,
            slips: slips_out,
        }
    }

    fn line_outcome(&self, l: usize, order_status: &[Status]) -> StatementOutcome {
        let line = self.lines[l];
        {
            let st = &self.lstate[l];
            let mut reasons = Vec::new();
            let mut order_ids: Vec<OrderId> = Vec::new();
            let status = if !line.amount.is_positive() {
                reasons.push(Reason::new("money_out"));
                Status::StatementUnmatched
            } else if !st.units.is_empty() {
                let mut worst = Status::Matched;
                for u in &st.units {
                    for m in self.members(*u) {
                        order_ids.push(self.orders[m as usize].order_id.clone());
                        let s = order_status[m as usize];
                        if matches!(
                            s,
                            Status::AmountMismatch | Status::NameMismatch | Status::Ambiguous
                        ) && severity(s) < severity(worst)
                        {
                            worst = s;
                        }
                    }
                    if let Some(how) = self.units[*u as usize].link {
                        reasons.push(Reason::with("linked_by", how.word()));
                    }
                }
                if order_ids.len() > 1 {
                    reasons.push(Reason::with("orders", order_ids.len()));
                }
                worst
            } else if !st.ambiguous_for.is_empty() {
                let ids: BTreeSet<&str> = st
                    .ambiguous_for
                    .iter()
                    .map(|u| self.orders[*u as usize].order_id.0.as_str())
                    .collect();
                reasons.push(Reason::with(
                    "candidate_orders",
                    ids.into_iter().collect::<Vec<_>>().join(","),
                ));
                Status::Ambiguous
            } else {
                if let Some(s) = st.orphan_slip {
                    reasons.push(Reason::with(
                        "slip_without_order",
                        self.slips[s as usize].file,
                    ));
                }
                reasons.push(Reason::new("no_order"));
                if !self.in_window(l as u32) {
                    reasons.push(Reason::new("outside_day_window"));
                }
                match self.awaiting_order(l as u32) {
                    Some(wait) => {
                        reasons.push(wait);
                        Status::Pending
                    }
                    None => Status::StatementUnmatched,
                }
            };
            order_ids.sort();
            order_ids.dedup();
            reasons.dedup();
            StatementOutcome {
                line: line.source.clone(),
                status,
                order_ids,
                amount: line.amount,
                counterparty_name: line.counterparty.name.clone(),
                reasons,
            }
        }
    }

    fn line_sources(&self, ls: &[u32]) -> Vec<SourceRef> {
        let mut v: Vec<SourceRef> = ls
            .iter()
            .map(|l| self.lines[*l as usize].source.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn order_outcome(&self, o: u32) -> OrderOutcome {
        let order = self.orders[o as usize];
        let me = &self.units[o as usize];
        let u = me.leader.unwrap_or(o);
        let unit = &self.units[u as usize];
        let mut findings: Vec<Status> = Vec::new();
        let mut reasons: Vec<Reason> = Vec::new();
        let cur = order.amount.currency;
        let tol = tolerance_minor(self.cfg, cur);

        // The slip itself.
        let slip_info = me.slip.map(|s| &self.slips[s as usize]);
        if me.slip_missing {
            findings.push(Status::UnreadableSlip);
            reasons.push(Reason::new("slip_file_missing"));
        }
        if me.slip_by_remark {
            reasons.push(Reason::new("slip_found_by_remark"));
        }
        let mut slip_amount: Option<Money> = None;
        if let Some(info) = slip_info {
            match &info.kind {
                SlipKind::Unreadable(why) => {
                    findings.push(Status::UnreadableSlip);
                    reasons.push(Reason::with("unreadable", why));
                }
                SlipKind::Pending(why) => {
                    findings.push(Status::Pending);
                    reasons.push(Reason::with("not_read_yet", why));
                }
                SlipKind::Read(s) => {
                    slip_amount = s.amount;
                    if s.amount.is_none() {
                        findings.push(Status::UnreadableSlip);
                        reasons.push(Reason::new("slip_without_amount"));
                    }
                    if info.receiver == Receiver::NotOurs {
                        findings.push(Status::ReceiverMismatch);
                        reasons.extend(info.receiver_reasons.iter().cloned());
                    } else if info.receiver == Receiver::NotShown {
                        reasons.push(Reason::new("receiver_not_shown"));
                    }
                }
            }
        }
        if !me.dup.is_empty() {
            findings.push(Status::DuplicateSlip);
            reasons.extend(me.dup.iter().cloned());
        }
        if !unit.followers.is_empty() || me.leader.is_some() {
            let mut ids: Vec<&str> = self
                .members(u)
                .filter(|m| *m != o)
                .map(|m| self.orders[m as usize].order_id.0.as_str())
                .collect();
            ids.sort_unstable();
            reasons.push(Reason::with("paid_together_with", ids.join(",")));
        }

        // The money.
        let expected_unit = self.expected(u);
        let mut paid: Option<Money> = None;
        let mut name_score: Option<f64> = None;
        if !unit.ambiguous.is_empty() {
            findings.push(Status::Ambiguous);
            let srcs: Vec<String> = self
                .line_sources(&unit.ambiguous)
                .iter()
                .map(ToString::to_string)
                .collect();
            reasons.push(Reason::with("candidate_lines", srcs.join(",")));
            // Who else the candidates could belong to: the orders that make
            // it ambiguous.
            let rivals: BTreeSet<&str> = unit
                .ambiguous
                .iter()
                .flat_map(|l| &self.lstate[*l as usize].ambiguous_for)
                .filter(|x| **x != u)
                .map(|x| self.orders[*x as usize].order_id.0.as_str())
                .collect();
            if !rivals.is_empty() {
                let rivals: Vec<&str> = rivals.into_iter().collect();
                reasons.push(Reason::with("competing_orders", rivals.join(",")));
            }
        }
        if !unit.lines.is_empty() {
            let how = unit.link.unwrap_or(Link::None);
            reasons.push(Reason::with("linked_by", how.word()));
            let total: i64 = unit
                .lines
                .iter()
                .filter_map(|l| self.line_minor[*l as usize])
                .sum();
            let line_cur = self.lines[unit.lines[0] as usize].amount.currency;
            if unit.lines.len() > 1 {
                reasons.push(Reason::with(
                    "split_payment",
                    format!("{} lines", unit.lines.len()),
                ));
            }
            // Several orders paid by one line: each order's share.
            let many = matches!(how, Link::ManyOrders)
                || self.lstate[unit.lines[0] as usize].units.len() > 1;
            if many {
                let mut ids: Vec<&str> = self.lstate[unit.lines[0] as usize]
                    .units
                    .iter()
                    .filter(|x| **x != u)
                    .map(|x| self.orders[*x as usize].order_id.0.as_str())
                    .collect();
                ids.sort_unstable();
                if !ids.is_empty() {
                    reasons.push(Reason::with("paid_together_with", ids.join(",")));
                }
            }
            let unit_total_expected = if many {
                // The line carries several units: compare against all of them.
                self.lstate[unit.lines[0] as usize]
                    .units
                    .iter()
                    .map(|x| self.expected(*x).map_or(0, |e| e.1))
                    .sum::<i64>()
            } else {
                expected_unit.map_or(0, |e| e.1)
            };
            if line_cur != cur {
                findings.push(Status::AmountMismatch);
                reasons.push(Reason::with("currency_differs", line_cur));
                paid = Some(Money::from_minor(total, line_cur));
            } else {
                let diff = total - unit_total_expected;
                paid = Some(
                    if diff == 0 && (many || me.leader.is_some() || !unit.followers.is_empty()) {
                        order.amount
                    } else {
                        Money::from_minor(total, cur)
                    },
                );
                let fee = slip_info
                    .and_then(|i| i.slip())
                    .and_then(|s| s.fee.as_ref())
                    .and_then(minor)
                    .unwrap_or(0);
                if diff < 0 && (-diff <= tol || (fee > 0 && -diff == fee)) {
                    reasons.push(Reason::with("fee_deducted", Money::from_minor(-diff, cur)));
                } else if diff < 0 {
                    findings.push(Status::AmountMismatch);
                    reasons.push(Reason::with("short_by", Money::from_minor(-diff, cur)));
                } else if diff > 0 {
                    findings.push(Status::AmountMismatch);
                    reasons.push(Reason::with("over_by", Money::from_minor(diff, cur)));
                }
            }
            if let Some(sa) = slip_amount
                && paid.is_some_and(|p| p.amount != sa.amount)
                && unit.lines.len() == 1
            {
                reasons.push(Reason::with("slip_amount", sa));
            }
            // Names: the order's customer against who paid. The bank's
            // counterparty is who paid; a line that shows no name leaves
            // the slip's sender; a slip tied to its line by the transaction
            // reference is the same account, so its sender counts too (the
            // slip may print the holder in Thai, the bank in English). A
            // payer who is someone else (a relative, a mule account, a slip
            // copied from a stranger) is `name_mismatch`, however strongly
            // the money is linked.
            let line_names: Vec<NameId> = unit
                .lines
                .iter()
                .flat_map(|l| self.line_names[*l as usize].iter().copied())
                .collect();
            let sender: &[NameId] = match (self.valid_slip(u), slip_info) {
                (Some(_), Some(info)) => &info.sender,
                _ => &[],
            };
            let tied = how == Link::TransRef;
            let mut payer: Vec<NameId> = line_names.clone();
            if payer.is_empty() || tied {
                payer.extend_from_slice(sender);
            }
            let customer = [self.customer[o as usize]];
            name_score = self.book.best(&customer, &payer);
            match name_score {
                None => reasons.push(Reason::new("payer_name_not_compared")),
                Some(s) if s < self.cfg.name_threshold => {
                    findings.push(Status::NameMismatch);
                    reasons.push(Reason::with("name_score", score_reason(s)));
                    reasons.push(Reason::with("customer", reason_text(&order.customer_name)));
                    reasons.push(Reason::with(
                        "payer",
                        reason_text(self.book.raw[payer[0] as usize]),
                    ));
                }
                Some(_) => {}
            }
            // The bank prints the payer another way than the customer
            // (another script) while the tied slip names the customer.
            if tied
                && name_score.is_some_and(|s| s >= self.cfg.name_threshold)
                && self
                    .book
                    .best(&customer, &line_names)
                    .is_some_and(|s| s < self.cfg.name_threshold)
            {
                reasons.push(Reason::new("payer_name_differs"));
            }
            // The slip's sender is not the bank's payer: the bank is right
            // about who paid, but a person may want to know.
            if !tied
                && !line_names.is_empty()
                && self
                    .book
                    .best(sender, &line_names)
                    .is_some_and(|s| s < self.cfg.name_threshold)
            {
                reasons.push(Reason::new("sender_differs_from_payer"));
            }
        } else if unit.ambiguous.is_empty() {
            let usable = self.valid_slip(u).is_some();
            if usable {
                findings.push(Status::SlipNotOnStatement);
                reasons.push(Reason::new("no_statement_line"));
            } else if findings.is_empty() {
                findings.push(Status::Unpaid);
            }
            if let Some(sa) = slip_amount {
                paid = Some(sa);
                if usable
                    && let Some((ecur, exp)) = expected_unit
                    && let Some(m) = minor(&sa)
                {
                    if sa.currency != ecur {
                        findings.push(Status::AmountMismatch);
                        reasons.push(Reason::with("currency_differs", sa.currency));
                    } else if m < exp {
                        findings.push(Status::AmountMismatch);
                        reasons.push(Reason::with("short_by", Money::from_minor(exp - m, ecur)));
                    } else if m > exp {
                        findings.push(Status::AmountMismatch);
                        reasons.push(Reason::with("over_by", Money::from_minor(m - exp, ecur)));
                    }
                }
            }
        }
        // Customer vs slip sender when no line was compared.
        if name_score.is_none()
            && let Some(info) = slip_info
            && !info.sender.is_empty()
        {
            name_score = self.book.best(&[self.customer[o as usize]], &info.sender);
            if let Some(s) = name_score
                && s < self.cfg.name_threshold
            {
                reasons.push(Reason::new("sender_differs_from_customer"));
                reasons.push(Reason::with("name_score", score_reason(s)));
            }
        }

        let mut status = findings
            .iter()
            .copied()
            .min_by_key(|s| severity(*s))
            .unwrap_or(Status::Matched);
        // Only a verdict that says "nothing arrived yet" waits out its grace.
        let wait = match status {
            Status::SlipNotOnStatement => self.awaiting(
                AWAITING_STATEMENT,
                slip_info.map_or(self.order_origin[o as usize], |i| i.origin),
                self.cfg.grace.statement_days,
            ),
            Status::Unpaid => self.awaiting(
                AWAITING_PAYMENT,
                self.order_origin[o as usize],
                self.cfg.grace.order_days,
            ),
            _ => None,
        };
        if let Some(wait) = wait {
            reasons.push(wait);
            status = Status::Pending;
        }
        let mut statement_lines = self.line_sources(&unit.lines);
        if statement_lines.is_empty() && !unit.ambiguous.is_empty() {
            statement_lines.clear();
        }
        OrderOutcome {
            order_id: order.order_id.clone(),
            source: order.source.clone(),
            status,
            customer_name: order.customer_name.clone(),
            slip: order
                .slip
                .clone()
                .or_else(|| slip_info.map(|i| i.file.to_string())),
            statement_lines,
            expected: order.amount,
            paid,
            name_score: name_score.map(|s| (s * 1000.0).round() / 1000.0),
            reasons,
        }
    }

    fn slip_outcome(
        &self,
        info: &SlipInfo,
        order_status: &[Status],
        order_wait: &[Option<Reason>],
    ) -> SlipOutcome {
        let mut reasons = Vec::new();
        let slip = info.slip();
        let mut order_ids: Vec<OrderId> = info
            .users
            .iter()
            .map(|o| self.orders[*o as usize].order_id.clone())
            .collect();
        order_ids.sort();
        let mut line = info.line;
        let status = match &info.kind {
            SlipKind::Unreadable(why) => {
                reasons.push(Reason::with("unreadable", why));
                Status::UnreadableSlip
            }
            SlipKind::Pending(why) => {
                reasons.push(Reason::with("not_read_yet", why));
                Status::Pending
            }
            SlipKind::Read(_) if !info.dup.is_empty() => {
                reasons.extend(info.dup.iter().cloned());
                Status::DuplicateSlip
            }
            SlipKind::Read(_) if info.users.is_empty() => {
                reasons.push(Reason::new("no_order"));
                let wait = match line {
                    Some(l) => self.awaiting_order(l),
                    None => self.awaiting(
                        AWAITING_STATEMENT,
                        info.origin,
                        self.cfg.grace.statement_days,
                    ),
                };
                if info.receiver == Receiver::NotOurs {
                    reasons.extend(info.receiver_reasons.iter().cloned());
                    Status::ReceiverMismatch
                } else if let Some(wait) = wait {
                    reasons.push(wait);
                    Status::Pending
                } else if line.is_some() {
                    Status::StatementUnmatched
                } else {
                    Status::SlipNotOnStatement
                }
            }
            SlipKind::Read(_) => {
                // The genuine use decides; later reuses are named.
                let mut users = info.users.clone();
                users.sort_by_key(|o| (self.orders[*o as usize].ordered_at, *o));
                let owner = users
                    .iter()
                    .copied()
                    .find(|o| self.units[*o as usize].dup.is_empty());
                let reused: Vec<&str> = users
                    .iter()
                    .filter(|o| !self.units[**o as usize].dup.is_empty())
                    .map(|o| self.orders[*o as usize].order_id.0.as_str())
                    .collect();
                if !reused.is_empty() && owner.is_some() {
                    reasons.push(Reason::with("reused_by", reused.join(",")));
                }
                match owner {
                    Some(o) => {
                        let u = self.units[o as usize].leader.unwrap_or(o);
                        line = self.units[u as usize].lines.first().copied().or(line);
                        reasons.extend(order_wait[o as usize].iter().cloned());
                        order_status[o as usize]
                    }
                    None => {
                        if let Some(o) = users.first() {
                            reasons.extend(self.units[*o as usize].dup.iter().cloned());
                        }
                        Status::DuplicateSlip
                    }
                }
            }
        };
        SlipOutcome {
            file: info.file.to_string(),
            status,
            order_ids,
            statement_line: line.map(|l| self.lines[l as usize].source.clone()),
            amount: slip.and_then(|s| s.amount),
            trans_ref: slip.and_then(|s| s.trans_ref.as_ref()).map(|t| t.0.clone()),
            reasons,
        }
    }
}

/// A slip's registry keys, borrowed, plus its file name (kind 3) so that the
/// same file named by two orders is one slip. At most four: no allocation.
#[derive(Clone, Copy)]
struct SlipKeys<'s> {
    items: [(u8, &'s str); 4],
    len: usize,
}

impl<'s> SlipKeys<'s> {
    fn as_slice(&self) -> &[(u8, &'s str)] {
        &self.items[..self.len]
    }
}

fn slip_keys<'s>(info: &SlipInfo<'s>) -> SlipKeys<'s> {
    let mut keys = SlipKeys {
        items: [(0, ""); 4],
        len: 0,
    };
    let mut push = |k: (u8, &'s str)| {
        keys.items[keys.len] = k;
        keys.len += 1;
    };
    if let SlipKind::Read(s) = info.kind {
        if let Some(t) = &s.trans_ref {
            push((0, t.0.as_str()));
        }
        if let Some(q) = &s.qr_payload {
            push((1, q.as_str()));
        }
        if let Some(h) = &s.image_sha256 {
            push((2, h.as_str()));
        }
    }
    if !info.file.is_empty() {
        push((3, info.file));
    }
    keys
}

/// The earlier use of one of `keys` in the ledger, as reasons. A carried
/// slip's own registration on the day it came in (or on a day it was carried
/// through) is the slip itself, not an earlier use.
fn prior_hit(
    keys: &[(u8, &str)],
    prior: &BTreeMap<SlipKey, recon_core::PriorUse>,
    slip: &SlipInfo,
) -> Option<Vec<Reason>> {
    if prior.is_empty() {
        return None;
    }
    let itself = |p: &recon_core::PriorUse| {
        recon_core::carry::origin_of(slip.file)
            .is_some_and(|(d, name)| p.file == slip.file || (p.day == d && p.file == name))
    };
    for (kind, v) in keys {
        let key = match kind {
            0 => SlipKey::TransRef(v.to_string()),
            1 => SlipKey::QrPayload(v.to_string()),
            2 => SlipKey::ImageSha256(v.to_string()),
            _ => continue,
        };
        if let Some(p) = prior.get(&key).filter(|p| !itself(p)) {
            let who = p
                .order_id
                .as_ref()
                .map_or_else(|| p.file.clone(), |o| o.0.clone());
            return Some(vec![
                Reason::with("duplicate_of", format!("{who}@{}", p.day)),
                Reason::with("duplicate_key", key.kind()),
            ]);
        }
    }
    None
}

struct OurPrepared {
    account: AccountMask,
    proxies: Vec<AccountMask>,
    names: Vec<NormalizedName>,
}

/// Is the slip's receiver one of our accounts? By account digits, by
/// PromptPay proxy, or by name ≥ threshold; nothing shown is not a mismatch.
fn check_receiver(slip: &Slip, ours: &[OurPrepared], threshold: f64) -> (Receiver, Vec<Reason>) {
    let r = &slip.receiver;
    let mut shown = false;
    if let Some(acc) = &r.account {
        if acc.positions().bytes().any(|b| b.is_ascii_digit()) {
            shown = true;
        }
        for o in ours {
            if compare_accounts(acc, &o.account) == AccountVerdict::Same
                || o.proxies
                    .iter()
                    .any(|p| compare_accounts(acc, p) == AccountVerdict::Same)
            {
                return (Receiver::Ours, vec![]);
            }
        }
    }
    if let Some(proxy) = &r.proxy {
        shown = true;
        for o in ours {
            if o.proxies
                .iter()
                .chain(std::iter::once(&o.account))
                .any(|p| compare_accounts(&proxy.value, p) == AccountVerdict::Same)
            {
                return (Receiver::Ours, vec![]);
            }
        }
    }
    let mut best: Option<f64> = None;
    for n in r.names() {
        let nn = names::normalize_name(n);
        if nn.is_empty() {
            continue;
        }
        shown = true;
        for o in ours {
            for on in &o.names {
                let s = names::similarity_any_kind(&nn, on);
                best = Some(best.map_or(s, |b: f64| b.max(s)));
            }
        }
    }
    if best.is_some_and(|b| b >= threshold) {
        return (Receiver::Ours, vec![]);
    }
    if !shown {
        return (Receiver::NotShown, vec![]);
    }
    let mut reasons = Vec::new();
    if let Some(acc) = &r.account {
        reasons.push(Reason::with("receiver_account", acc.masked()));
    }
    if let Some(p) = &r.proxy {
        reasons.push(Reason::with("receiver_proxy", p.value.masked()));
    }
    if let Some(b) = best {
        reasons.push(Reason::with("receiver_name_score", score_reason(b)));
    }
    (Receiver::NotOurs, reasons)
}

/// Index sets of `amounts` with `min..=max` members summing to `target`;
/// stops after `limit` sets (we only need to know "one" or "several").
fn exact_subsets(
    amounts: &[i64],
    target: i64,
    min: usize,
    max: usize,
    limit: usize,
) -> Vec<Vec<usize>> {
    struct Walk<'a> {
        amounts: &'a [i64],
        min: usize,
        max: usize,
        limit: usize,
        picked: Vec<usize>,
        out: Vec<Vec<usize>>,
    }
    impl Walk<'_> {
        fn go(&mut self, start: usize, left: i64) {
            if self.out.len() >= self.limit {
                return;
            }
            if left == 0 && self.picked.len() >= self.min {
                self.out.push(self.picked.clone());
                return;
            }
            if self.picked.len() == self.max || left <= 0 {
                return;
            }
            for i in start..self.amounts.len() {
                if self.amounts[i] <= left {
                    self.picked.push(i);
                    self.go(i + 1, left - self.amounts[i]);
                    self.picked.pop();
                }
            }
        }
    }
    if max == 0 || target <= 0 {
        return Vec::new();
    }
    let mut w = Walk {
        amounts,
        min,
        max,
        limit,
        picked: Vec::new(),
        out: Vec::new(),
    };
    w.go(0, target);
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_lists_every_status_once() {
        let set: BTreeSet<Status> = STATUS_PRECEDENCE.iter().copied().collect();
        assert_eq!(set.len(), Status::ALL.len());
        assert!(severity(Status::DuplicateSlip) < severity(Status::AmountMismatch));
        assert!(severity(Status::AmountMismatch) < severity(Status::NameMismatch));
        assert!(severity(Status::NameMismatch) < severity(Status::SlipNotOnStatement));
    }

    #[test]
    fn subsets_find_exact_sums_only() {
        let s = exact_subsets(&[300, 200, 500, 100], 600, 2, 4, 5);
        assert_eq!(s, vec![vec![0, 1, 3], vec![2, 3]]);
        assert!(exact_subsets(&[300, 200], 600, 2, 4, 5).is_empty());
        assert_eq!(exact_subsets(&[300, 300], 600, 2, 2, 5), vec![vec![0, 1]]);
        assert!(exact_subsets(&[600], 600, 2, 4, 5).is_empty());
    }
}
