//! The draws a plan is made of: amounts, transfer times kept apart,
//! references, banks, accounts and printed names.
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, FixedOffset};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use recon_core::Currency;

use super::super::names::{Identity, NameNoise, NoiseRates, Origin, Person, Script};

use super::*;

/// How many slips of a day are offered for reuse by a later day.
pub(super) const REUSABLE_SLIPS: usize = 32;

/// Distinct amounts per currency, beside the popular prices
/// ([`crowded_prices`]), which the pool never hands out. An order off the
/// popular prices gets its own amount (in its currency) so that a match by
/// amount + name alone has exactly one right answer; only a reused slip
/// repeats the amount of the slip it copies.
pub(super) struct AmountPool {
    lo: i64,
    pub(super) step: i64,
    /// Number of steps above `lo`; doubles when the pool runs full.
    span: i64,
    /// Round prices (whole baht, whole dollars, thousands of riel), in steps.
    round_every: i64,
    round_share: f64,
    used: HashSet<i64>,
}

impl AmountPool {
    pub(super) fn for_currency(currency: Currency, expected: usize) -> AmountPool {
        let (lo, hi, step, round_every, round_share) = match currency {
            // 150.00 – 25,000.00 baht, mostly whole baht, sometimes satang.
            Currency::Thb => (15_000, 2_500_000, 1, 100, 0.7),
            // 5.00 – 800.00 dollars.
            Currency::Usd => (500, 80_000, 1, 100, 0.5),
            // 10,000 – 2,000,000 riel in hundreds.
            Currency::Khr => (1_000_000, 200_000_000, 10_000, 10, 0.6),
        };
        let mut span = (hi - lo) / step;
        // Keep the pool at most a third full so that draws stay quick.
        while span < (expected as i64).saturating_mul(3) {
            span *= 2;
        }
        let mut used = HashSet::with_capacity(expected);
        used.extend(crowded_prices(currency).iter().copied());
        AmountPool {
            lo,
            step,
            span,
            round_every,
            round_share,
            used,
        }
    }

    pub(super) fn draw(&mut self, rng: &mut ChaCha8Rng) -> i64 {
        let mut tries = 0;
        loop {
            let k = if rng.random_bool(self.round_share) {
                let rounds = (self.span / self.round_every).max(1);
                rng.random_range(0..rounds) * self.round_every
            } else {
                rng.random_range(0..self.span)
            };
            let candidate = self.lo + k * self.step;
            if self.used.insert(candidate) {
                return candidate;
            }
            tries += 1;
            if tries % 64 == 0 {
                self.span *= 2;
            }
        }
    }

    /// Marks an amount taken (a copied slip's amount, an under-payment).
    pub(super) fn reserve(&mut self, amount: i64) {
        self.used.insert(amount);
    }

    pub(super) fn is_used(&self, amount: i64) -> bool {
        self.used.contains(&amount)
    }
}

/// The popular prices of a shop, in minor units: a few products make up a
/// large share of the orders, so many transfers of a day share an amount,
/// minutes apart.
pub(crate) fn crowded_prices(currency: Currency) -> &'static [i64] {
    match currency {
        // 299, 599, 990, 1,290 baht.
        Currency::Thb => &[29_900, 59_900, 99_000, 129_000],
        // 9.99, 25, 49 dollars.
        Currency::Usd => &[999, 2_500, 4_900],
        // 20,000 and 40,000 riel.
        Currency::Khr => &[2_000_000, 4_000_000],
    }
}

/// Under- or over-payments as people make them (10, 50 or 100 baht; 2, 5
/// or 10 dollars; 5,000, 10,000 or 20,000 riel), in minor units.
pub(super) fn payment_differences(currency: Currency) -> [i64; 3] {
    match currency {
        Currency::Thb => [1_000, 5_000, 10_000],
        Currency::Usd => [200, 500, 1_000],
        Currency::Khr => [500_000, 1_000_000, 2_000_000],
    }
}

/// Two transfers of one amount by namesakes (or by one person) are kept at
/// least this far apart, in seconds. Closer, which transfer is whose could
/// only be guessed (the names are the same, the amounts are the same, and
/// the money lands 0-120 s after each slip), and a fair expected outcome
/// cannot rest on a guess. A fake slip counts as a transfer of its sender
/// here: a fake next to a namesake's real payment of the same amount is
/// honestly indistinguishable from that payment's own slip.
pub(super) const NAMESAKE_GAP_SECS: i64 = 15 * 60;

/// Transfers planned so far, by (currency, amount, payer): the times, in
/// seconds from midnight.
#[derive(Default)]
pub(super) struct TransferBook(HashMap<(Currency, i64, Identity), Vec<i64>>);

impl TransferBook {
    pub(super) fn is_free(
        &self,
        currency: Currency,
        amount: i64,
        payer: Identity,
        at: i64,
    ) -> bool {
        self.0
            .get(&(currency, amount, payer))
            .is_none_or(|times| times.iter().all(|t| (t - at).abs() >= NAMESAKE_GAP_SECS))
    }

    pub(super) fn add(&mut self, currency: Currency, amount: i64, payer: Identity, at: i64) {
        self.0
            .entry((currency, amount, payer))
            .or_default()
            .push(at);
    }
}

/// How the slips print their sender: EasySlip bodies often mask the name.
pub(super) const SLIP_NOISE: NoiseRates = NoiseRates {
    honorific: 0.6,
    mask: 0.25,
    typo: 0.1,
};

/// How the statement prints the payer: Thai banks mask routinely.
pub(super) const LINE_NOISE: NoiseRates = NoiseRates {
    honorific: 0.5,
    mask: 0.3,
    typo: 0.1,
};

/// Draws transaction references in each bank's style, never twice.
pub(super) struct RefMaker {
    used: HashSet<String>,
}

pub(super) const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl RefMaker {
    pub(super) fn new(taken: impl IntoIterator<Item = String>) -> RefMaker {
        RefMaker {
            used: taken.into_iter().collect(),
        }
    }

    /// A Thai bank's transRef. KBank writes `015` + day of year + the time +
    /// a channel code + a counter (`015325140512APP07291`); the others look
    /// like the EasySlip documentation's `68370160657749I376388B35`.
    pub(super) fn thai(
        &mut self,
        rng: &mut ChaCha8Rng,
        bank: &str,
        at: DateTime<FixedOffset>,
    ) -> String {
        loop {
            let r = if bank == "KBANK" {
                let channel = ["APP", "BTF", "ATF", "BPM"][rng.random_range(0..4)];
                format!(
                    "015{:03}{}{}{:05}",
                    at.ordinal(),
                    at.format("%H%M%S"),
                    channel,
                    rng.random_range(0..100_000)
                )
            } else {
                format!(
                    "{:02}{:03}{:09}{}{:06}{}{:02}",
                    rng.random_range(10..100),
                    at.ordinal(),
                    rng.random_range(0..1_000_000_000u64),
                    LETTERS[rng.random_range(0..26)] as char,
                    rng.random_range(0..1_000_000),
                    LETTERS[rng.random_range(0..26)] as char,
                    rng.random_range(0..100)
                )
            };
            if self.used.insert(r.clone()) {
                return r;
            }
        }
    }

    /// A Cambodian receipt reference: eleven digits such as `60111178073`.
    pub(super) fn cambodian(&mut self, rng: &mut ChaCha8Rng) -> String {
        loop {
            let r = format!("6{:010}", rng.random_range(0..10_000_000_000u64));
            if self.used.insert(r.clone()) {
                return r;
            }
        }
    }

    pub(super) fn for_currency(
        &mut self,
        rng: &mut ChaCha8Rng,
        currency: Currency,
        bank: usize,
        at: DateTime<FixedOffset>,
    ) -> String {
        match currency {
            Currency::Thb => self.thai(rng, THAI_BANKS[bank].1, at),
            Currency::Usd | Currency::Khr => self.cambodian(rng),
        }
    }
}

pub(super) fn weighted_thai_bank(rng: &mut ChaCha8Rng) -> usize {
    let total: u32 = THAI_BANKS.iter().map(|b| b.3).sum();
    let mut pick = rng.random_range(0..total);
    for (i, b) in THAI_BANKS.iter().enumerate() {
        if pick < b.3 {
            return i;
        }
        pick -= b.3;
    }
    0
}

pub(super) fn sender_bank(rng: &mut ChaCha8Rng, currency: Currency) -> usize {
    match currency {
        Currency::Thb => weighted_thai_bank(rng),
        Currency::Usd | Currency::Khr => {
            if rng.random_bool(0.7) {
                0
            } else {
                1
            }
        }
    }
}

/// A payer account as banks mask it: `xxx-x-x1234-x` in Thailand,
/// `093 XXX XXX` in Cambodia.
pub(super) fn masked_account(rng: &mut ChaCha8Rng, currency: Currency) -> String {
    match currency {
        Currency::Thb => format!("xxx-x-x{:04}-x", rng.random_range(0..10_000)),
        Currency::Usd | Currency::Khr => {
            format!("0{:02} XXX XXX", rng.random_range(10..100))
        }
    }
}

pub(super) fn origin_for(rng: &mut ChaCha8Rng, currency: Currency) -> Origin {
    match currency {
        Currency::Thb if rng.random_bool(0.8) => Origin::Thai,
        Currency::Thb => Origin::English,
        _ if rng.random_bool(0.7) => Origin::Khmer,
        _ => Origin::English,
    }
}

pub(super) fn channel_for(rng: &mut ChaCha8Rng, currency: Currency, bank: usize) -> &'static str {
    if currency != Currency::Thb {
        return "";
    }
    let roll = rng.random_range(0..100);
    if THAI_BANKS[bank].1 == "KBANK" {
        match roll {
            0..70 => "K PLUS",
            70..95 => "Internet",
            _ => "ATM",
        }
    } else if roll < 85 {
        "Internet"
    } else {
        "ATM"
    }
}

/// The name a statement prints for a payer: Thai banks print Thai names in
/// Thai, Cambodian banks print Latin; honorific, mask and typo as `noise`
/// says.
pub(super) fn statement_name(person: &Person, currency: Currency, noise: &NameNoise) -> String {
    match currency {
        Currency::Thb => person.render(Script::Bank, noise),
        Currency::Usd | Currency::Khr => person.render(Script::Latin, noise),
    }
}

/// Seconds from the order to the transfer: most people pay within the
/// hour, some take longer.
pub(super) fn payment_delay(rng: &mut ChaCha8Rng) -> i64 {
    let x: f64 = rng.random();
    60 + (x * x * 5_340.0) as i64
}

pub(super) fn bank_short(currency: Currency, bank: usize) -> &'static str {
    match currency {
        Currency::Thb => THAI_BANKS[bank].1,
        Currency::Usd | Currency::Khr => KH_BANKS[bank].1,
    }
}

/// `round(rate × n)`; rates are validated before.
pub(super) fn count(rate: f64, n: usize) -> usize {
    (rate * n as f64).round() as usize
}
