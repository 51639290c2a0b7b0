//! Recon's matcher: for one business day, which order was paid by which slip
//! and which statement line, and what is wrong with everything else.
//!
//! Owns:
//! - name normalization and similarity ([`names`]): Unicode NFC, case and
//!   width folding, Thai and English honorifics and company forms set aside
//!   (company forms are remembered: a company never matches a person by name
//!   alone), masked names compared on their visible characters only;
//! - masked account comparison ([`accounts`]): visible digits by position,
//!   aligned on the right;
//! - three-way matching order ↔ slip ↔ statement line ([`match_day`]) and the
//!   exception taxonomy (the [`Status`] words of the output contract), each
//!   verdict with machine-readable [`Reason`]s.
//!
//! Never does: I/O of any kind, async, logging of personal data, file
//! formats. It is a plain, deterministic function over data: the same rows
//! in any order give the same [`DayResult`].
//!
//! # Passes
//! Most certain evidence first (see [`match_day`] for details), and a
//! weaker link never displaces a stronger one: transRef > order id > slip
//! (amount + time + name) > name + amount alone > slip amount + time alone.
//! 1. slip registry (duplicates, today and from the ledger's `prior_uses`),
//!    receiver check against [`OurAccount`]s;
//! 2. exact keys: slip `transRef` = statement reference; an order id written
//!    in a statement reference/description or in a slip remark;
//! 3. amount (exact or within the currency's fee tolerance) + the window
//!    money can take ([`MatchConfig::booking_skew_minutes`] before a slip's
//!    transfer to [`MatchConfig::max_slip_line_gap_minutes`] after it) +
//!    payer name ≥ threshold (slip sender or customer against the line's
//!    counterparty), candidates blocked by (currency, amount in minor units)
//!    so the cost stays near linear; competing candidates are resolved by
//!    the assignment with the most evidence (links a slip's time supports
//!    first, prompt lines before late ones), and two equally good
//!    assignments make the orders involved `ambiguous`, naming their
//!    competitors;
//! 4. split payments (several lines of one payer summing exactly to one order)
//!    and one transfer for several orders of one customer (exact sum);
//! 5. a slip whose amount was booked promptly after it
//!    ([`MatchConfig::name_mismatch_gap_minutes`]) by a payer with another
//!    name: linked by amount and time.
//!
//! Every linked order is then judged on its name: the customer against who
//! paid (the line's counterparty; the slip's sender when the line shows
//! none or the slip is tied to it by transRef). Someone else is
//! `name_mismatch`, with the score, `customer=` and `payer=`.
//!
//! # Days are not islands
//! Open items of earlier days come back in [`DayInput`] beside the day's own
//! rows, under carried names (`2026-11-20/orders.csv`, see
//! [`recon_core::carry`]). They take part in every pass like the day's rows;
//! only time differs: a carried statement line was checked against its own
//! day's window, a slip's money may be booked on a later day up to the
//! slip's statement [`Grace`], and a carried slip was used before any of
//! today's that share its keys. Two items of one day always keep the
//! same-day rules.
//!
//! An order's status is its most serious finding ([`STATUS_PRECEDENCE`]):
//! `unreadable_slip`, `pending`, `duplicate_slip`, `receiver_mismatch`,
//! `ambiguous`, `amount_mismatch`, `name_mismatch`, `slip_not_on_statement`,
//! `unpaid`, then `matched`. A statement line linked to orders is `matched`
//! unless an order's finding is about the money itself (`amount_mismatch`,
//! `name_mismatch`, `ambiguous`); a slip takes the status of the order that
//! used it first. A verdict that only says something has not arrived yet
//! (`slip_not_on_statement`, `unpaid`, `statement_unmatched` for money in)
//! is `pending` while the item is inside its [`Grace`]; the order, its slip
//! and the line say so alike.
//!
//! # Reasons
//! Machine-readable, `code` or `code=detail`: the codes are
//! [`recon_core::ReasonCode`] (the README's "Reason codes" table), e.g.
//! `linked_by=amount_and_name`, `short_by=50.00 THB`,
//! `candidate_lines=kbank.csv:19,kbank.csv:20`, `awaiting_statement=until
//! 2026-11-21` (pending inside a grace: the last day it waits).
//!
//! # Cost
//! Near linear: every look-up is a hash of (currency, amount in minor
//! units), a transRef, an order id or name-word keys; a crowded price is
//! narrowed by pairs of name-word keys (masked words under a key of their
//! own) and at most 256 lines nearest in time are compared per payer name,
//! plus at most 16 lines booked right after a slip when the keys found none
//! that soon; competing groups are solved exhaustively
//! only when small. Split payments and one transfer for several orders read
//! only the namesakes whose amount fits what is still due (name-key lists
//! sorted by amount) and compare names until 16 candidates are found; name
//! scores are remembered by the names' text, so a crowd of namesakes costs
//! one comparison per distinct pair of names. Candidate search and verdicts
//! run on all cores (scoped threads, results merged in rank order, so still
//! deterministic). `examples/match_bench.rs` measures a day shaped like
//! `recon-gen`'s and prints a digest of the result to compare before/after.
//!
//! [`Status`]: recon_core::Status
//! [`Reason`]: recon_core::Reason
//! [`DayResult`]: recon_core::DayResult

pub mod accounts;
mod assign;
mod day;
pub mod decided;
mod hash;
pub mod names;

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use recon_core::{Currency, Day, Decimal, Order, PriorUse, SlipKey, SlipRead, StatementLine};
use serde::Deserialize;

pub use accounts::{AccountVerdict, compare_accounts};
pub use day::{STATUS_PRECEDENCE, match_day};
pub use decided::Decided;
pub use names::{NormalizedName, name_similarity, normalize_name};

/// One of our receiving accounts, as the job config lists it. A slip paid to
/// none of them is `receiver_mismatch`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OurAccount {
    /// The account holder's name as banks print it (often Thai).
    pub name: String,
    /// The same holder in another script (EasySlip gives `nameEn`).
    pub alt_name: Option<String>,
    /// Bank short code (`KBANK`, `ABA`), informative only.
    pub bank: Option<String>,
    /// The account number, separators allowed (`123-4-56789-0`).
    pub account: String,
    pub currency: Currency,
    /// PromptPay / Bakong proxies that route to this account (tax id, phone).
    pub proxies: Vec<String>,
}

impl Default for OurAccount {
    fn default() -> Self {
        OurAccount {
            name: String::new(),
            alt_name: None,
            bank: None,
            account: String::new(),
            currency: Currency::Thb,
            proxies: Vec::new(),
        }
    }
}

/// How strict matching is. Embedded in the job config as `[matching]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MatchConfig {
    /// A payer or receiver name is the same party at or above this score
    /// (EasySlip's account matching uses 85%).
    pub name_threshold: f64,
    /// Per currency, how much less than expected a statement line may be and
    /// still pay the order in full (a bank fee taken on the way). Written as
    /// strings in TOML: `fee_tolerance = { USD = "0.50" }`. Absent: exact.
    pub fee_tolerance: BTreeMap<Currency, Decimal>,
    /// Statement lines booked this many minutes after the day window's end
    /// still count for amount + name matching (exact keys ignore the window).
    pub late_grace_minutes: i64,
    /// Money is booked after it is sent: a statement line may carry a
    /// slip's money only when booked at most this many minutes *before* the
    /// slip's transfer time (the bank's and the app's clocks differ a
    /// little). Lines booked earlier are someone else's money.
    pub booking_skew_minutes: i64,
    /// Amount + name matching takes lines booked at most this many minutes
    /// *after* the slip's transfer time (PromptPay lands in seconds; other
    /// transfers the same day can take hours; later days are the grace
    /// periods' business).
    pub max_slip_line_gap_minutes: i64,
    /// A slip's amount on the statement from a payer with another name is
    /// linked (as `name_mismatch`) only when booked at most this many minutes
    /// after the slip (and no more than `booking_skew_minutes` before it).
    pub name_mismatch_gap_minutes: i64,
    /// Most statement lines that may add up to one order (split payment), and
    /// most orders one transfer may pay.
    pub max_split_parts: usize,
    /// Competing candidates are solved exhaustively when a group has at most
    /// this many orders (and as many lines); larger groups go greedy, with
    /// exact ties still reported `ambiguous`.
    pub exhaustive_group_limit: usize,
    /// How many days an open item may wait for what it lacks before it is a
    /// real exception (`[matching.grace]`).
    pub grace: Grace,
}

/// Grace periods, in calendar days counted from the item's own business
/// day: while an item is younger than its grace it is `pending` (with the
/// reason `awaiting_statement`, `awaiting_payment` or `awaiting_order` and
/// `until <last day it may still wait>`), afterwards it gets its real status.
/// PromptPay and Bakong settle every day, so every day counts.
///
/// Embedded in the job config as `[matching.grace]`. All zero: every day is
/// reconciled on its own, as before carried items existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Grace {
    /// Days a transfer slip (and its order) waits for its money to show on a
    /// bank statement before it is `slip_not_on_statement`. The bank may
    /// book a transfer made at 23:55 after midnight, or days later: a slip
    /// of day D is matched by amount and payer name to money booked until
    /// the end of day D + `statement_days`.
    pub statement_days: u32,
    /// Days an order with neither slip nor money waits for the customer to
    /// pay before it is `unpaid`.
    pub order_days: u32,
    /// Days money received with no order or slip claiming it waits for its
    /// order before it is `statement_unmatched`.
    pub line_days: u32,
}

impl Default for Grace {
    fn default() -> Self {
        Grace {
            statement_days: 2,
            order_days: 0,
            line_days: 0,
        }
    }
}

impl Grace {
    /// No grace at all: each day is judged alone.
    pub const NONE: Grace = Grace {
        statement_days: 0,
        order_days: 0,
        line_days: 0,
    };
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            name_threshold: 0.85,
            fee_tolerance: BTreeMap::new(),
            late_grace_minutes: 0,
            booking_skew_minutes: 5,
            max_slip_line_gap_minutes: 12 * 60,
            name_mismatch_gap_minutes: 10,
            max_split_parts: 4,
            exhaustive_group_limit: 8,
            grace: Grace::default(),
        }
    }
}

/// Everything the matcher needs about one day. Rows may come in any order.
///
/// Open items carried from earlier days (`recon_core::carry::split_open`)
/// come in the same slices as the day's own rows, under their carried names
/// (`2026-11-20/orders.csv`, `2026-11-20/kbank.csv`, `2026-11-20/a.png`,
/// also in the carried order's `slip`): [`recon_core::carry::origin_of`]
/// tells them apart, and their outcome rows keep those names.
#[derive(Debug, Clone, Copy)]
pub struct DayInput<'a> {
    pub day: Day,
    /// `[start, end)` of the business day, cut-off included. Carried
    /// statement lines were checked against their own day's window.
    pub window: (DateTime<FixedOffset>, DateTime<FixedOffset>),
    pub orders: &'a [Order],
    pub lines: &'a [StatementLine],
    pub slips: &'a [SlipRead],
    pub our_accounts: &'a [OurAccount],
    /// Registry hits from EARLIER days (the ledger's slip registry).
    pub prior_uses: &'a BTreeMap<SlipKey, PriorUse>,
    /// What people decided: links taken before any pass, pairs never to
    /// link, learned aliases ([`Decided::default`] for none).
    pub decided: &'a Decided,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_defaults_and_toml() {
        let c = MatchConfig::default();
        assert_eq!(c.name_threshold, 0.85);
        assert!(c.fee_tolerance.is_empty());
        let c: MatchConfig = toml::from_str(
            "name_threshold = 0.9\nfee_tolerance = { USD = \"0.50\", KHR = \"2000\" }\n",
        )
        .unwrap();
        assert_eq!(c.name_threshold, 0.9);
        assert_eq!(c.fee_tolerance[&Currency::Usd], Decimal::new(50, 2));
        assert_eq!(c.fee_tolerance[&Currency::Khr], Decimal::new(2000, 0));
        assert_eq!(c.max_split_parts, 4);
        assert!(toml::from_str::<MatchConfig>("nme_threshold = 0.9").is_err());
        // [matching.grace] in the job config.
        assert_eq!(c.grace, Grace::default());
        assert_eq!(c.grace.statement_days, 2);
        assert_eq!((c.grace.order_days, c.grace.line_days), (0, 0));
        let c: MatchConfig =
            toml::from_str("name_threshold = 0.9\n[grace]\nstatement_days = 3\nline_days = 1\n")
                .unwrap();
        assert_eq!(
            c.grace,
            Grace {
                statement_days: 3,
                order_days: 0,
                line_days: 1
            }
        );
        assert!(toml::from_str::<MatchConfig>("[grace]\nstatment_days = 3\n").is_err());
        assert!(toml::from_str::<MatchConfig>("[grace]\nstatement_days = -1\n").is_err());
        let a: OurAccount = toml::from_str(
            "name = \"บริษัท ร้านดี จำกัด\"\naccount = \"123-4-56789-0\"\ncurrency = \"THB\"\nproxies = [\"0105561234567\"]\n",
        )
        .unwrap();
        assert_eq!(a.currency, Currency::Thb);
        assert_eq!(a.proxies.len(), 1);
    }
}
