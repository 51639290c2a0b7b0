//! `match_day`: one business day's orders, statement lines and slips in, one
//! verdict per order, line and slip out. This module holds the day's state
//! ([`Ctx`]) and its helpers; each pass and the verdicts have a module of
//! their own, in the order they run.
//!
//! Everything works on *canonical ranks* (orders sorted by order id, lines
//! by file and line, slips by file; each rank its own type, see `ix`), never
//! on input positions, and hash maps only answer look-ups (they are never
//! iterated into a decision), so the result is the same for any input row
//! order.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::OnceLock;

use crate::hash::{Map, map_with_capacity};

use chrono::{DateTime, FixedOffset};
use recon_core::carry::{days_between, origin_day};
use recon_core::{
    AccountMask, Currency, Day, DayResult, Money, Order, OrderId, OrderOutcome, Reason, ReasonCode,
    Slip, SlipKey, SlipOutcome, SlipRead, SourceRef, StatementLine, StatementOutcome, Status,
};

use crate::accounts::{AccountVerdict, compare_accounts};
use crate::assign::{self, Edge};
use crate::names::{self, NormalizedName};
use crate::{DayInput, MatchConfig};

mod amount_name;
mod exact_keys;
mod ix;
mod name_book;
mod name_mismatch;
mod par;
mod receiver;
mod registry;
mod split;
mod verdicts;

use ix::{Ix, IxVec, LineIx, OrderIx, SlipIx};
use name_book::{NameBook, NameId, PairKey, ScoreMemo};
use par::{par_both, par_chunks};
use receiver::{OurPrepared, check_receiver};

/// A statement line with its booking time, for time-ordered scans.
type TimedLine = (DateTime<FixedOffset>, LineIx);

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
const AWAITING_STATEMENT: ReasonCode = ReasonCode::AwaitingStatement;
const AWAITING_PAYMENT: ReasonCode = ReasonCode::AwaitingPayment;
const AWAITING_ORDER: ReasonCode = ReasonCode::AwaitingOrder;

fn is_awaiting(r: &Reason) -> bool {
    [AWAITING_STATEMENT, AWAITING_PAYMENT, AWAITING_ORDER]
        .iter()
        .any(|c| r.is(*c))
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

/// Most candidates considered for a split payment or a multi-order transfer.
const SUBSET_CANDIDATES: usize = 16;

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
    /// A person linked them (`recon decide … link`).
    Decision,
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
            Link::Decision => "decision",
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
    users: Vec<OrderIx>,
    /// Duplicate of an earlier use (for a slip no order references).
    dup: Vec<Reason>,
    line: Option<LineIx>,
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
    slip: Option<SlipIx>,
    slip_by_remark: bool,
    slip_missing: bool,
    /// Follower of a multi-order slip: the leader carries the matching.
    leader: Option<OrderIx>,
    followers: Vec<OrderIx>,
    dup: Vec<Reason>,
    lines: Vec<LineIx>,
    link: Option<Link>,
    ambiguous: Vec<LineIx>,
    reasons: Vec<Reason>,
}

#[derive(Default)]
struct LineState {
    units: Vec<OrderIx>,
    ambiguous_for: Vec<OrderIx>,
    orphan_slip: Option<SlipIx>,
}

struct Ctx<'a> {
    cfg: &'a MatchConfig,
    input: &'a DayInput<'a>,
    orders: IxVec<OrderIx, &'a Order>,
    lines: IxVec<LineIx, &'a StatementLine>,
    slips: IxVec<SlipIx, SlipInfo<'a>>,
    /// Per order and per line (by rank): the business day it came in.
    order_origin: IxVec<OrderIx, Day>,
    line_origin: IxVec<LineIx, Day>,
    /// Per line (by rank): its amount in minor units, computed once.
    line_minor: IxVec<LineIx, Option<i64>>,
    book: NameBook<'a>,
    customer: IxVec<OrderIx, NameId>,
    line_names: IxVec<LineIx, Vec<NameId>>,
    /// Per unit, by its leading order's rank.
    units: IxVec<OrderIx, Unit>,
    lstate: IxVec<LineIx, LineState>,
    /// Orders by id (the first by rank when an id repeats).
    order_by_id: Map<&'a str, OrderIx>,
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

/// Matches one day. See the crate documentation for the passes; the
/// statuses follow [`STATUS_PRECEDENCE`].
pub fn match_day(input: &DayInput, config: &MatchConfig) -> DayResult {
    let mut ctx = Ctx::new(input, config);
    ctx.register_slips();
    ctx.decided_links();
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
        let orders: IxVec<OrderIx, &Order> = orders.into();
        let lines: IxVec<LineIx, &StatementLine> = lines.into();

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
        let mut order_by_id: Map<&str, OrderIx> = map_with_capacity(orders.len());
        for (o, order) in orders.iter_enumerated() {
            order_by_id.entry(order.order_id.0.as_str()).or_insert(o);
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

    fn slip_of(&self, u: OrderIx) -> Option<&SlipInfo<'a>> {
        self.units[u].slip.map(|s| &self.slips[s])
    }

    /// The unit's slip when its fields can be used as evidence of payment.
    fn valid_slip(&self, u: OrderIx) -> Option<&'a Slip> {
        let unit = &self.units[u];
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
    fn blocked(&self, u: OrderIx) -> bool {
        let unit = &self.units[u];
        unit.leader.is_some()
            || !unit.dup.is_empty()
            || self
                .slip_of(u)
                .is_some_and(|s| s.receiver == Receiver::NotOurs)
    }

    fn open(&self, u: OrderIx) -> bool {
        let unit = &self.units[u];
        unit.lines.is_empty() && unit.ambiguous.is_empty() && !self.blocked(u)
    }

    /// Orders in the unit: the leader and the orders sharing its slip.
    fn members(&self, u: OrderIx) -> impl Iterator<Item = OrderIx> + '_ {
        std::iter::once(u).chain(self.units[u].followers.iter().copied())
    }

    /// What the unit's orders are expected to bring, in minor units.
    fn expected(&self, u: OrderIx) -> Option<(Currency, i64)> {
        let cur = self.orders[u].amount.currency;
        let mut total = 0i64;
        for m in self.members(u) {
            let a = &self.orders[m].amount;
            if a.currency != cur {
                return None;
            }
            total = total.checked_add(minor(a)?)?;
        }
        Some((cur, total))
    }

    /// The amount the unit's money should show on the statement: the slip's
    /// when there is a usable slip, else the orders'.
    fn sought(&self, u: OrderIx) -> Option<(Currency, i64)> {
        match self.valid_slip(u) {
            Some(s) => s
                .amount
                .as_ref()
                .and_then(|m| Some((m.currency, minor(m)?))),
            None => self.expected(u),
        }
    }

    fn payer_names(&self, u: OrderIx) -> Vec<NameId> {
        let mut ids = Vec::new();
        if self.valid_slip(u).is_some()
            && let Some(s) = self.units[u].slip
        {
            ids.extend(self.slips[s].sender.iter().copied());
        }
        for m in self.members(u) {
            ids.push(self.customer[m]);
        }
        ids
    }

    fn line_free(&self, l: LineIx) -> bool {
        let st = &self.lstate[l];
        st.units.is_empty() && st.ambiguous_for.is_empty() && st.orphan_slip.is_none()
    }

    fn money_in(&self, l: LineIx) -> bool {
        self.lines[l].amount.is_positive()
    }

    /// In today's window (late grace included), or carried from an earlier
    /// day, whose window it was checked against then.
    fn in_window(&self, l: LineIx) -> bool {
        if self.carried_line(l) {
            return true;
        }
        let t = self.lines[l].booked_at;
        let (start, end) = self.input.window;
        let grace = self.cfg.late_grace_minutes.clamp(0, MAX_WINDOW_MINUTES);
        t >= start && t < end + chrono::Duration::minutes(grace)
    }

    fn carried_line(&self, l: LineIx) -> bool {
        self.line_origin[l] != self.input.day
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
    fn slip_line_gap_ok(&self, l: LineIx, slip_day: Day, at: DateTime<FixedOffset>) -> bool {
        let booked = self.lines[l].booked_at;
        if self.booked_within(booked, at, self.cfg.max_slip_line_gap_minutes) {
            return true;
        }
        if self.line_origin[l] <= slip_day || booked < at {
            return false;
        }
        let grace = chrono::Duration::days(i64::from(self.cfg.grace.statement_days));
        self.day_end(slip_day)
            .checked_add_signed(grace)
            .is_none_or(|last| booked < last)
    }

    fn eligible(&self, l: LineIx) -> bool {
        self.line_free(l) && self.money_in(l) && self.in_window(l)
    }

    fn link(&mut self, u: OrderIx, lines: &[LineIx], how: Link) {
        if how != Link::Decision && lines.iter().any(|l| self.declined(u, *l)) {
            return;
        }
        for l in lines {
            self.lstate[*l].units.push(u);
            self.units[u].lines.push(*l);
        }
        self.units[u].link = Some(how);
    }

    /// A person said this order (or one of its unit) and this line do not
    /// go together.
    fn declined(&self, u: OrderIx, l: LineIx) -> bool {
        let decided = self.input.decided;
        if decided.declined.is_empty() {
            return false;
        }
        let line = self.lines[l].source.to_string();
        self.members(u)
            .any(|o| decided.is_declined(&self.orders[o].order_id.0, &line))
    }

    /// The links people made, before any pass: each order with all its
    /// lines found, free and unclaimed is linked to them.
    fn decided_links(&mut self) {
        let decided = self.input.decided;
        if decided.links.is_empty() {
            return;
        }
        let line_by_id: Map<String, LineIx> = self
            .lines
            .iter_enumerated()
            .map(|(l, line)| (line.source.to_string(), l))
            .collect();
        for (order, lines) in &decided.links {
            let Some(&o) = self.order_by_id.get(order.as_str()) else {
                continue;
            };
            let u = self.units[o].leader.unwrap_or(o);
            let found: Option<Vec<LineIx>> =
                lines.iter().map(|id| line_by_id.get(id).copied()).collect();
            let Some(found) = found.filter(|f| !f.is_empty()) else {
                continue;
            };
            if self.units[u].link.is_none() && found.iter().all(|l| self.line_free(*l)) {
                self.link(u, &found, Link::Decision);
            }
        }
    }

    fn mark_ambiguous(&mut self, u: OrderIx, lines: &[LineIx]) {
        for l in lines {
            self.lstate[*l].ambiguous_for.push(u);
        }
        self.units[u].ambiguous.extend_from_slice(lines);
    }

    /// Reference time of the unit's payment and whether it is a hard limit
    /// (the slip's transfer time) or only a hint (the order time).
    fn payment_time(&self, u: OrderIx) -> (DateTime<FixedOffset>, bool) {
        match self.valid_slip(u).and_then(|s| s.transferred_at) {
            Some(t) => (t, true),
            None => (self.orders[u].ordered_at, false),
        }
    }

    /// The day the unit's slip came in (its order's day when it has none).
    fn slip_day(&self, u: OrderIx) -> Day {
        self.slip_of(u).map_or(self.order_origin[u], |s| s.origin)
    }

    /// `ORD-1@2026-11-20`: an order and the day it came in, for reasons.
    fn order_at_day(&self, o: OrderIx) -> String {
        format!("{}@{}", self.orders[o].order_id, self.order_origin[o])
    }

    /// `pending` while an item of day `origin` is inside a grace of
    /// `grace_days`: the reason `what` with `until <the last day it is
    /// pending>`; the run of the day after is the last to look for what it
    /// lacks, and gives the real status when nothing came. `None` once the
    /// grace is over (always, for a grace of 0 days).
    fn awaiting(&self, what: ReasonCode, origin: Day, grace_days: u32) -> Option<Reason> {
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
    fn awaiting_order(&self, l: LineIx) -> Option<Reason> {
        if !self.money_in(l) {
            return None;
        }
        self.awaiting(
            AWAITING_ORDER,
            self.line_origin[l],
            self.cfg.grace.line_days,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::split::exact_subsets;
    use super::*;

    #[test]
    fn precedence_lists_every_status_once() {
        // Every status the passes can conclude; `resolved` is only ever a
        // person's decision, applied after them.
        let set: BTreeSet<Status> = STATUS_PRECEDENCE.iter().copied().collect();
        assert_eq!(set.len(), STATUS_PRECEDENCE.len());
        let passes: BTreeSet<Status> = Status::ALL
            .into_iter()
            .filter(|s| *s != Status::Resolved)
            .collect();
        assert_eq!(set, passes);
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
