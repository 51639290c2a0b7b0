//! A small seeded generator of labelled days in the shape real shops see:
//! 40% of orders on a few popular prices (so dozens of transfers share an
//! amount within minutes), customers from small name pools (many
//! namesakes), names with or without honorific, masked by the bank
//! (`นาย สม*** ใจ***`, `SOMCHAI JA***`), mistyped (a dropped, swapped or
//! doubled letter, a moved space `SOMC HAIJAIDEE`) or reordered,
//! independently on order, slip and statement line; statement lines mostly
//! without reference; money booked 0-120 s after the slip's time; orders
//! placed before the transfer; third-party payers (a relative or a mule
//! named on both slip and line), fakes at popular prices, reused slips,
//! slips paid to someone else, wrong amounts, fees, split payments, unpaid
//! orders, unknown money.
//!
//! Every order and statement line carries the status the README's rules
//! give it, from how it was planned (never from running the matcher). Where
//! a plan would have no fair answer it is not planted: namesakes' transfers
//! of one amount stay 15 minutes apart (a fake counts as its sender's
//! transfer), orders told only by amount + name have amounts of their own,
//! a masked name carries no typo, and a relative's given name (the word
//! that tells them from the customer) is never masked.

use std::collections::{BTreeMap, HashMap, HashSet};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use recon_core::{Currency, Money, SlipRead, Status};

use super::*;

/// Thai given names: (Thai, romanized, female). Every word of the pools
/// (given and family names together) starts with two letters of its own,
/// in both scripts, so a name masked down to two letters stays one name.
pub const GIVEN: &[(&str, &str, bool)] = &[
    ("สมชาย", "Somchai", false),
    ("มาลี", "Malee", true),
    ("อนันต์", "Anan", false),
    ("ปรีชา", "Preecha", false),
    ("วิไล", "Wilai", true),
    ("กิตติ", "Kitti", false),
    ("นภา", "Napa", true),
    ("ธนพล", "Thanaphon", false),
    ("จันทร์เพ็ญ", "Chanpen", true),
    ("เกรียงไกร", "Kriangkrai", false),
    ("อรุณ", "Arun", false),
    ("รัตนา", "Rattana", true),
    ("บุญมี", "Boonmee", false),
    ("ศิริพร", "Siriporn", true),
];
/// Family names: (Thai, romanized).
pub const FAMILY: &[(&str, &str)] = &[
    ("ใจดี", "Jaidee"),
    ("ศรีสุข", "Srisuk"),
    ("มั่งมี", "Mungmee"),
    ("แก้วมณี", "Kaewmanee"),
    ("วงศ์ใหญ่", "Wongyai"),
    ("เพชรงาม", "Phetngam"),
    ("สายทอง", "Saithong"),
    ("อินทร์แก้ว", "Inkaew"),
];

/// Popular prices in minor units: 299, 599, 990, 1,290 baht; 9.99, 25, 49
/// dollars.
const CROWDED_THB: [i64; 4] = [29_900, 59_900, 99_000, 129_000];
const CROWDED_USD: [i64; 3] = [999, 2_500, 4_900];
const CROWDED_SHARE: f64 = 0.4;
/// Share of slip-paid statement lines that print the slip's transRef.
const REFERENCE_SHARE: f64 = 0.15;
/// Namesakes' transfers of one amount are at least this far apart (s).
const NAMESAKE_GAP: i64 = 15 * 60;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Person {
    pub given: usize,
    pub family: usize,
    pub married: bool,
}

impl Person {
    fn identity(&self) -> (usize, usize) {
        (self.given, self.family)
    }
    fn female(&self) -> bool {
        GIVEN[self.given].2
    }
    /// The name in Thai script or romanized, without honorific.
    pub fn plain(&self, thai: bool) -> String {
        if thai {
            format!("{} {}", GIVEN[self.given].0, FAMILY[self.family].0)
        } else {
            format!("{} {}", GIVEN[self.given].1, FAMILY[self.family].1)
        }
    }
    fn title(&self, thai: bool) -> &'static str {
        match (thai, self.female(), self.married) {
            (true, false, _) => "นาย",
            (true, true, true) => "นาง",
            (true, true, false) => "นางสาว",
            (false, false, _) => "MR.",
            (false, true, true) => "MRS.",
            (false, true, false) => "MS.",
        }
    }
}

/// How one document prints a name.
#[derive(Clone, Copy, Default, Debug)]
pub struct Noise {
    pub title: bool,
    /// Visible letters of the given / family name (0: whole).
    pub mask: (usize, usize),
    /// (kind 0..4: drop, swap, double, moved space; in family; position draw)
    pub typo: Option<(u8, bool, usize)>,
    /// Family name first (`JAIDEE SOMCHAI`).
    pub reversed: bool,
}

fn is_thai_mark(c: char) -> bool {
    matches!(c, '\u{0E31}' | '\u{0E34}'..='\u{0E3A}' | '\u{0E47}'..='\u{0E4E}')
}

fn mask_word(w: &[char], keep: usize) -> String {
    if keep == 0 {
        return w.iter().collect();
    }
    let mut end = keep.min(w.len().saturating_sub(1)).max(1);
    while end < w.len() && is_thai_mark(w[end]) {
        end += 1;
    }
    if end >= w.len() {
        return w.iter().collect();
    }
    format!("{}***", w[..end].iter().collect::<String>())
}

/// `p` as a document prints it with `noise`: typo after the first two
/// letters of a word of five or more, masks keeping the marks on their
/// letter, honorific in front.
pub fn render(p: &Person, thai: bool, noise: &Noise, upper: bool) -> String {
    let (g, f) = if thai {
        (GIVEN[p.given].0, FAMILY[p.family].0)
    } else {
        (GIVEN[p.given].1, FAMILY[p.family].1)
    };
    let case = |s: &str| {
        if upper {
            s.to_uppercase()
        } else {
            s.to_string()
        }
    };
    let mut given: Vec<char> = case(g).chars().collect();
    let mut family: Vec<char> = case(f).chars().collect();
    if let Some((kind, in_family, at)) = noise.typo {
        if kind == 3 {
            if given.len() >= 4 && family.len() >= 4 {
                if at % 2 == 0 {
                    let c = given.pop().unwrap();
                    family.insert(0, c);
                } else {
                    let c = family.remove(0);
                    given.push(c);
                }
            }
        } else {
            let w = if in_family { &mut family } else { &mut given };
            if w.len() >= 5 {
                let k = 2 + at % (w.len() - 2);
                match kind {
                    0 => {
                        w.remove(k);
                    }
                    1 if k + 1 < w.len() => w.swap(k, k + 1),
                    1 => w.swap(k - 1, k),
                    _ => {
                        let c = w[k];
                        w.insert(k, c);
                    }
                }
            }
        }
    }
    let mut words = vec![
        mask_word(&given, noise.mask.0),
        mask_word(&family, noise.mask.1),
    ];
    if noise.reversed {
        words.reverse();
    }
    if noise.title {
        let t = p.title(thai);
        words.insert(
            0,
            if upper || thai {
                t.to_string()
            } else {
                title_case(t)
            },
        );
    }
    words.join(" ")
}

fn title_case(t: &str) -> String {
    let mut c = t.chars();
    c.next()
        .map(|f| f.to_string() + &c.as_str().to_lowercase())
        .unwrap_or_default()
}

/// One labelled day.
pub struct Labelled {
    pub case: Case,
    pub order_labels: BTreeMap<String, Status>,
    pub line_labels: BTreeMap<(String, u64), Status>,
}

struct Gen {
    rng: ChaCha8Rng,
    case: Case,
    order_labels: BTreeMap<String, Status>,
    line_labels: BTreeMap<(String, u64), Status>,
    next_line: u64,
    next_order: u64,
    next_ref: u64,
    /// Orders with a genuine slip, for reuse: (file, amount).
    reusable: Vec<(String, Money)>,
    /// Amounts handed out off the popular prices.
    used: HashSet<(Currency, i64)>,
    /// Transfer times (s) by (currency, amount, payer).
    book: HashMap<(Currency, i64, (usize, usize)), Vec<i64>>,
}

/// A planned transfer: who pays what, when.
struct Transfer {
    payer: Person,
    amount: Money,
    /// Seconds from midnight.
    at: i64,
}

impl Gen {
    fn person(&mut self) -> Person {
        Person {
            given: self.rng.random_range(0..GIVEN.len()),
            family: self.rng.random_range(0..FAMILY.len()),
            married: self.rng.random_bool(0.4),
        }
    }

    /// A relative (same family name) or a mule (nothing in common).
    fn other_payer(&mut self, customer: &Person) -> Person {
        loop {
            let mut p = self.person();
            if self.rng.random_bool(0.5) {
                p.family = customer.family;
                if p.given != customer.given {
                    return p;
                }
            } else if p.given != customer.given && p.family != customer.family {
                return p;
            }
        }
    }

    fn noise(&mut self, title: f64, mask: f64, typo: f64, keep_given: bool) -> Noise {
        let mut n = Noise {
            title: self.rng.random_bool(title),
            ..Noise::default()
        };
        if self.rng.random_bool(mask) {
            let (g, f) = (self.rng.random_range(2..=4), self.rng.random_range(2..=4));
            n.mask = match self.rng.random_range(0..20) {
                0..8 => (g, f),
                8..17 => (0, f),
                _ => (g, 0),
            };
            if keep_given {
                n.mask.0 = 0;
            }
        } else if self.rng.random_bool(typo) {
            n.typo = Some((
                self.rng.random_range(0..4),
                self.rng.random_bool(0.5),
                self.rng.random_range(0..64),
            ));
        } else if self.rng.random_bool(0.1) {
            n.reversed = true;
        }
        n
    }

    /// An amount off the popular prices, never handed out before.
    fn unique_amount(&mut self, cur: Currency) -> Money {
        loop {
            let minor = self.rng.random_range(10_000..2_000_000);
            let crowded = CROWDED_THB.contains(&minor) || CROWDED_USD.contains(&minor);
            if !crowded && self.used.insert((cur, minor)) {
                return Money::from_minor(minor, cur);
            }
        }
    }

    fn price(&mut self, cur: Currency, crowded: bool) -> Money {
        if crowded {
            let prices: &[i64] = if cur == Currency::Thb {
                &CROWDED_THB
            } else {
                &CROWDED_USD
            };
            Money::from_minor(*prices.choose(&mut self.rng).unwrap(), cur)
        } else {
            self.unique_amount(cur)
        }
    }

    fn is_free(&self, t: &Transfer) -> bool {
        let key = (
            t.amount.currency,
            t.amount.to_minor().unwrap(),
            t.payer.identity(),
        );
        self.book
            .get(&key)
            .is_none_or(|ts| ts.iter().all(|x| (x - t.at).abs() >= NAMESAKE_GAP))
    }

    fn book(&mut self, t: &Transfer) {
        let key = (
            t.amount.currency,
            t.amount.to_minor().unwrap(),
            t.payer.identity(),
        );
        self.book.entry(key).or_default().push(t.at);
    }

    /// Places a transfer of `amount` (or, for a popular price, of
    /// `wrong(amount)`) by `payer` after `t_order`, away from namesakes'
    /// transfers of the same amount: another time, then another payer from
    /// `repick`, and at last an amount of its own.
    fn place(
        &mut self,
        t_order: i64,
        payer: Person,
        price: Money,
        wrong: impl Fn(Money) -> Money,
        mut repick: impl FnMut(&mut Self) -> Person,
    ) -> (Transfer, Money) {
        let mut t = Transfer {
            payer,
            amount: wrong(price),
            at: t_order + self.delay(),
        };
        let mut price = price;
        for attempt in 0.. {
            if self.is_free(&t) {
                break;
            }
            match attempt {
                0..3 => t.at = t_order + self.delay(),
                3..6 => t.payer = repick(self),
                _ => {
                    price = self.unique_amount(price.currency);
                    t.amount = wrong(price);
                }
            }
        }
        self.book(&t);
        (t, price)
    }

    /// Seconds from order to transfer: mostly within the hour.
    fn delay(&mut self) -> i64 {
        let x: f64 = self.rng.random();
        60 + (x * x * 3_540.0) as i64
    }

    fn order_id(&mut self) -> String {
        self.next_order += 1;
        format!("ORD-{:06}", self.next_order)
    }

    fn trans_ref(&mut self) -> String {
        self.next_ref += 1;
        format!(
            "0163{:010}BPM{:04}",
            self.next_ref,
            self.rng.random_range(0..10_000)
        )
    }

    /// The statement line of a transfer: 0-120 s after the slip's time.
    fn push_line(
        &mut self,
        secs: i64,
        amount: Money,
        payer: &str,
        reference: Option<&str>,
        label: Status,
    ) {
        self.next_line += 1;
        let file = if amount.currency == Currency::Thb {
            "kbank.csv"
        } else {
            "aba-usd.csv"
        };
        let mut l = line(self.next_line + 5, "00:00", amount, payer, reference);
        l.source.file = file.into();
        l.booked_at = window().0 + chrono::Duration::seconds(secs);
        self.line_labels
            .insert((file.to_string(), self.next_line + 5), label);
        self.case.lines.push(l);
    }

    fn push_order(
        &mut self,
        id: &str,
        customer: &str,
        amount: Money,
        secs: i64,
        slip_file: Option<&str>,
        label: Status,
    ) {
        let mut o = order(id, customer, amount, "00:00", slip_file);
        o.ordered_at = window().0 + chrono::Duration::seconds(secs);
        self.case.orders.push(o);
        self.order_labels.insert(id.to_string(), label);
    }

    /// The slip of a transfer, its sender printed with noise of its own
    /// (EasySlip gives the Thai name and the romanized one; NextOCR
    /// receipts show the minute only).
    fn make_slip(
        &mut self,
        file: &str,
        p: &Person,
        amount: Money,
        secs: i64,
        tr: Option<&str>,
        keep_given: bool,
    ) -> recon_core::Slip {
        let thb = amount.currency == Currency::Thb;
        let mut s = slip(file, "x", amount, "00:00", tr);
        let noise = self.noise(0.6, 0.25, 0.1, keep_given);
        if thb {
            s.transferred_at = Some(window().0 + chrono::Duration::seconds(secs));
            s.sender.name = Some(render(p, true, &noise, true));
            s.sender.alt_name = Some(render(p, false, &noise, true));
        } else {
            s.transferred_at = Some(window().0 + chrono::Duration::seconds(secs - secs % 60));
            s.sender.name = Some(render(p, false, &noise, true));
            s.provider = recon_core::Provider::Nextocr;
            s.receiver = recon_core::Party {
                name: Some("RANDEE TRADING CO., LTD.".into()),
                account: Some(recon_core::AccountMask::new("001 xxx 567")),
                ..Default::default()
            };
        }
        s
    }

    /// The statement's name for a payer, with noise of its own.
    fn line_name(&mut self, p: &Person, thai: bool, keep_given: bool) -> String {
        let noise = self.noise(0.5, 0.3, 0.1, keep_given);
        render(p, thai, &noise, true)
    }

    fn one(&mut self) {
        let id = self.order_id();
        let p = self.person();
        let usd = self.rng.random_bool(0.1);
        let cur = if usd { Currency::Usd } else { Currency::Thb };
        let thai = !usd && self.rng.random_bool(0.7);
        let customer_name = |p: &Person, title: bool| {
            let n = Noise {
                title,
                ..Noise::default()
            };
            render(p, thai, &n, false)
        };
        let order_title = self.rng.random_bool(0.5);
        let crowded = self.rng.random_bool(CROWDED_SHARE);
        let t_order = self.rng.random_range(8 * 3600..20 * 3600);
        let file = format!("{id}.json");
        let roll: f64 = self.rng.random();
        let tr = self.trans_ref();
        let with_ref = self.rng.random_bool(REFERENCE_SHARE);
        let same = |a: Money| a;
        if roll < 0.40 {
            // slip + its line, which mostly shows no reference
            let price = self.price(cur, crowded);
            let (t, amount) = self.place(t_order, p, price, same, Gen::person);
            let p = t.payer;
            let s = self.make_slip(&file, &p, amount, t.at, Some(&tr), false);
            self.case.slips.push(read(s));
            let customer = customer_name(&p, order_title);
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::Matched,
            );
            let payer = self.line_name(&p, thai, false);
            let reference = with_ref.then_some(tr.as_str());
            let booked = t.at + self.rng.random_range(0..=120);
            self.push_line(booked, amount, &payer, reference, Status::Matched);
            self.reusable.push((file, amount));
        } else if roll < 0.48 {
            // no slip: amount + name alone, so an amount of its own
            let amount = self.unique_amount(cur);
            let customer = customer_name(&p, order_title);
            self.push_order(&id, &customer, amount, t_order, None, Status::Matched);
            let payer = self.line_name(&p, thai, false);
            let booked = t_order + self.delay();
            self.push_line(booked, amount, &payer, None, Status::Matched);
        } else if roll < 0.53 {
            let amount = self.price(cur, crowded);
            let customer = customer_name(&p, order_title);
            self.push_order(&id, &customer, amount, t_order, None, Status::Unpaid);
        } else if roll < 0.58 {
            // slip and line say 10, 50 or 100 (2, 5, 10 USD) less or more
            let price = self.price(cur, crowded);
            let d = *[1_000i64, 5_000, 10_000].choose(&mut self.rng).unwrap();
            let d = if usd { d / 5 } else { d };
            let d = if self.rng.random_bool(0.5) { -d } else { d };
            let wrong = move |a: Money| {
                let minor = a.to_minor().unwrap() + d;
                let minor = if minor <= 0 { minor - 2 * d } else { minor };
                Money::from_minor(minor, a.currency)
            };
            let (t, price) = self.place(t_order, p, price, wrong, Gen::person);
            let p = t.payer;
            let s = self.make_slip(&file, &p, t.amount, t.at, Some(&tr), false);
            self.case.slips.push(read(s));
            let customer = customer_name(&p, order_title);
            self.push_order(
                &id,
                &customer,
                price,
                t_order,
                Some(&file),
                Status::AmountMismatch,
            );
            let payer = self.line_name(&p, thai, false);
            let reference = with_ref.then_some(tr.as_str());
            let booked = t.at + self.rng.random_range(0..=120);
            self.push_line(booked, t.amount, &payer, reference, Status::AmountMismatch);
        } else if roll < 0.63 && !self.reusable.is_empty() {
            // a later order uploads an earlier order's slip
            let i = self.rng.random_range(0..self.reusable.len());
            let (f, amt) = self.reusable[i].clone();
            let later = 21 * 3600 + self.rng.random_range(0..3600);
            let customer = customer_name(&p, order_title);
            self.push_order(&id, &customer, amt, later, Some(&f), Status::DuplicateSlip);
        } else if roll < 0.67 {
            let price = self.price(cur, crowded);
            let (t, amount) = self.place(t_order, p, price, same, Gen::person);
            let p = t.payer;
            let s = self.make_slip(&file, &p, amount, t.at, Some(&tr), false);
            let s = paid_to_someone_else(s);
            self.case.slips.push(read(s));
            let customer = customer_name(&p, order_title);
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::ReceiverMismatch,
            );
        } else if roll < 0.72 {
            // a fake: a popular price (mostly), no money; never next to a
            // namesake's transfer of that amount, which it would be
            // honestly indistinguishable from
            let crowded = self.rng.random_bool((2.0 * CROWDED_SHARE).min(1.0));
            let price = self.price(cur, crowded);
            let (t, amount) = self.place(t_order, p, price, same, Gen::person);
            let p = t.payer;
            let s = self.make_slip(&file, &p, amount, t.at, Some(&tr), false);
            self.case.slips.push(read(s));
            let customer = customer_name(&p, order_title);
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::SlipNotOnStatement,
            );
            if self.rng.random_bool(0.3) && !crowded {
                // the money comes after the day
                let payer = self.line_name(&p, thai, false);
                self.push_line(
                    24 * 3600 + 1800,
                    amount,
                    &payer,
                    None,
                    Status::StatementUnmatched,
                );
            }
        } else if roll < 0.76 {
            // someone else paid (a relative, a mule): slip and line both
            // name them; the line carries the transRef now and then
            let price = self.price(cur, crowded);
            let customer_p = p;
            let other = self.other_payer(&customer_p);
            let (t, amount) = self.place(t_order, other, price, same, |g: &mut Self| {
                g.other_payer(&customer_p)
            });
            let relative = t.payer.family == customer_p.family;
            let s = self.make_slip(&file, &t.payer, amount, t.at, Some(&tr), relative);
            self.case.slips.push(read(s));
            let customer = customer_name(&customer_p, order_title);
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::NameMismatch,
            );
            let payer = self.line_name(&t.payer, thai, relative);
            let reference = self.rng.random_bool(0.3).then_some(tr.as_str());
            let booked = t.at + self.rng.random_range(0..=120);
            self.push_line(booked, amount, &payer, reference, Status::NameMismatch);
        } else if roll < 0.78 {
            // a stranger's money with the slip's amount and time; the slip
            // names the customer (an amount of its own: at a popular price
            // the stranger's money would be the stranger's own order's)
            let amount = self.unique_amount(cur);
            let at = t_order + self.delay();
            let s = self.make_slip(&file, &p, amount, at, Some(&tr), false);
            self.case.slips.push(read(s));
            let customer = customer_name(&p, order_title);
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::NameMismatch,
            );
            let stranger = loop {
                let q = self.person();
                if q.given != p.given && q.family != p.family {
                    break q;
                }
            };
            let name = self.line_name(&stranger, thai, false);
            let booked = at + self.rng.random_range(0..=120);
            self.push_line(booked, amount, &name, None, Status::NameMismatch);
        } else if roll < 0.81 {
            self.case.slips.push(SlipRead::Unreadable {
                file: file.clone(),
                reason: "not a slip".into(),
            });
            let amount = self.price(cur, crowded);
            let customer = customer_name(&p, order_title);
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::UnreadableSlip,
            );
        } else if roll < 0.85 {
            // USD with a bank fee taken on the way (tolerance 1.00 USD): an
            // amount of its own, as the fee blurs it
            let amount = self.unique_amount(Currency::Usd);
            let fee = Money::from_minor(self.rng.random_range(1..=100), Currency::Usd);
            let got = amount.checked_sub(&fee).unwrap();
            let at = t_order + self.delay();
            let s = self.make_slip(&file, &p, amount, at, Some(&tr), false);
            self.case.slips.push(read(s));
            let customer = customer_name(&p, order_title);
            let customer = if thai {
                render(&p, false, &Noise::default(), false)
            } else {
                customer
            };
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::Matched,
            );
            let payer = self.line_name(&p, false, false);
            let booked = at + self.rng.random_range(0..=120);
            self.push_line(booked, got, &payer, None, Status::Matched);
        } else if roll < 0.87 {
            // split payment, no slip
            let amount = self.unique_amount(cur);
            let part = Money::from_minor(amount.to_minor().unwrap() / 3, cur);
            let rest = amount.checked_sub(&part).unwrap();
            let customer = customer_name(&p, order_title);
            self.push_order(&id, &customer, amount, t_order, None, Status::Matched);
            let payer = self.line_name(&p, thai, false);
            let booked = t_order + self.delay();
            self.push_line(booked, part, &payer, None, Status::Matched);
            self.push_line(booked + 300, rest, &payer, None, Status::Matched);
        } else if roll < 0.93 {
            // money nobody ordered
            let stranger = self.person();
            let name = self.line_name(&stranger, true, false);
            let a = self.unique_amount(Currency::Thb);
            self.push_line(t_order, a, &name, None, Status::StatementUnmatched);
            self.next_order -= 1;
        } else {
            // money out
            let a = Money::from_minor(-self.rng.random_range(100..100_000), Currency::Thb);
            self.push_line(t_order, a, "KBANK", None, Status::StatementUnmatched);
            self.next_order -= 1;
        }
    }
}

/// A labelled day of about `n` orders.
pub fn generate(seed: u64, n: usize) -> Labelled {
    // The labels are each day's own final verdicts: no grace for money that
    // may still come.
    let mut cfg = recon_matcher::MatchConfig {
        grace: recon_matcher::Grace::NONE,
        ..recon_matcher::MatchConfig::default()
    };
    cfg.fee_tolerance
        .insert(Currency::Usd, recon_core::Decimal::new(100, 2));
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
        case: Case {
            config: Some(cfg),
            ..Case::default()
        },
        order_labels: BTreeMap::new(),
        line_labels: BTreeMap::new(),
        next_line: 0,
        next_order: 0,
        next_ref: 0,
        reusable: Vec::new(),
        used: HashSet::new(),
        book: HashMap::new(),
    };
    for _ in 0..n {
        g.one();
    }
    Labelled {
        case: g.case,
        order_labels: g.order_labels,
        line_labels: g.line_labels,
    }
}
