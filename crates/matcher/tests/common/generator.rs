//! A small seeded generator of labelled days: every order and statement line
//! carries the status it should get, with realistic noise (typos, reordered
//! names, masked slip names, titles, fees, reused slips, late transfers,
//! common amounts and namesakes that make candidates compete).

use std::collections::BTreeMap;

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use recon_core::{Currency, Money, SlipRead, Status};

use super::*;

/// (Thai, romanized) given names and surnames.
const GIVEN: &[(&str, &str)] = &[
    ("สมชาย", "Somchai"),
    ("สมศรี", "Somsri"),
    ("มาลี", "Malee"),
    ("อนันต์", "Anan"),
    ("ปรีชา", "Preecha"),
    ("วิไล", "Wilai"),
    ("สุดา", "Suda"),
    ("ประเสริฐ", "Prasert"),
    ("กิตติ", "Kitti"),
    ("นภา", "Napa"),
    ("ธนพล", "Thanaphon"),
    ("จันทร์เพ็ญ", "Chanpen"),
    ("วรรณา", "Wanna"),
    ("สุรชัย", "Surachai"),
    ("อรุณ", "Arun"),
    ("พิมพ์", "Pim"),
    ("ชัยวัฒน์", "Chaiwat"),
    ("รัตนา", "Rattana"),
    ("บุญมี", "Boonmee"),
    ("ศิริพร", "Siriporn"),
];
const FAMILY: &[(&str, &str)] = &[
    ("ใจดี", "Jaidee"),
    ("ศรีสุข", "Srisuk"),
    ("มั่งมี", "Mungmee"),
    ("ทองคำ", "Thongkham"),
    ("รักไทย", "Rakthai"),
    ("สุขสวัสดิ์", "Suksawat"),
    ("แก้วมณี", "Kaewmanee"),
    ("วงศ์ใหญ่", "Wongyai"),
    ("บุญเรือง", "Boonruang"),
    ("เพชรงาม", "Phetngam"),
    ("ศรีวงศ์", "Sriwong"),
    ("จันทร์แก้ว", "Chankaew"),
    ("พรหมมา", "Phromma"),
    ("สายทอง", "Saithong"),
    ("อินทร์แก้ว", "Inkaew"),
    ("ชัยมงคล", "Chaimongkol"),
    ("นาคสวัสดิ์", "Naksawat"),
    ("ทองดี", "Thongdee"),
    ("สมบูรณ์", "Somboon"),
    ("เจริญสุข", "Charoensuk"),
];

#[derive(Clone)]
struct Person {
    th: String,
    en: String,
    male: bool,
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
    /// Orders with a genuine slip, for reuse: (file, customer, amount, time).
    reusable: Vec<(String, String, Money, String)>,
}

fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Gen {
    fn person(&mut self) -> Person {
        let g = *GIVEN.choose(&mut self.rng).unwrap();
        let f = *FAMILY.choose(&mut self.rng).unwrap();
        Person {
            th: format!("{} {}", g.0, f.0),
            en: format!("{} {}", g.1, f.1),
            male: self.rng.random_bool(0.5),
        }
    }

    fn amount(&mut self, cur: Currency) -> Money {
        // A fifth of orders share a handful of round prices, so that
        // candidates compete; the rest are unique-ish.
        let minor = if self.rng.random_bool(0.2) {
            *[10_000i64, 20_000, 50_000, 100_000]
                .choose(&mut self.rng)
                .unwrap()
        } else {
            self.rng.random_range(10_000..2_000_000)
        };
        Money::from_minor(minor, cur)
    }

    /// A name as a person or system might write it, with noise.
    fn noisy(&mut self, p: &Person, thai: bool) -> String {
        let mut words: Vec<String> = if thai {
            p.th.split(' ').map(String::from).collect()
        } else {
            p.en.split(' ').map(|w| w.to_uppercase()).collect()
        };
        let roll: f64 = self.rng.random();
        if roll < 0.15 && !thai {
            // one-letter typo (swap two inner letters) in one word
            let i = self.rng.random_range(0..words.len());
            let mut cs: Vec<char> = words[i].chars().collect();
            if cs.len() >= 5 {
                let k = self.rng.random_range(1..cs.len() - 2);
                cs.swap(k, k + 1);
                words[i] = cs.into_iter().collect();
            }
        } else if roll < 0.3 {
            words.reverse();
        }
        let title = if thai {
            if p.male {
                "นาย "
            } else {
                "นางสาว "
            }
        } else if p.male {
            "MR. "
        } else {
            "MS. "
        };
        let with_title = self.rng.random_bool(0.6);
        format!("{}{}", if with_title { title } else { "" }, words.join(" "))
    }

    /// Slips mask the sender as EasySlip does: first word whole or cut,
    /// surname cut after one letter.
    fn masked(&mut self, p: &Person, thai: bool) -> String {
        let name = if thai {
            p.th.clone()
        } else {
            p.en.to_uppercase()
        };
        if !self.rng.random_bool(0.5) {
            return name;
        }
        let ws: Vec<&str> = name.split(' ').collect();
        let cut = |w: &str, n: usize| -> String {
            format!("{}***", w.chars().take(n).collect::<String>())
        };
        if thai {
            format!("นาย {} {}", ws[0], cut(ws[1], 1))
        } else {
            format!("{} {}", cut(ws[0], 4), cut(ws[1], 4))
        }
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

    fn push_line(
        &mut self,
        minutes: i64,
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
        l.booked_at = window().0 + chrono::Duration::minutes(minutes);
        self.line_labels
            .insert((file.to_string(), self.next_line + 5), label);
        self.case.lines.push(l);
    }

    fn push_order(
        &mut self,
        id: &str,
        customer: &str,
        amount: Money,
        minutes: i64,
        slip_file: Option<&str>,
        label: Status,
    ) {
        let mut o = order(id, customer, amount, "00:00", slip_file);
        o.ordered_at = window().0 + chrono::Duration::minutes(minutes);
        self.case.orders.push(o);
        self.order_labels.insert(id.to_string(), label);
    }

    fn make_slip(
        &mut self,
        file: &str,
        p: &Person,
        amount: Money,
        minutes: i64,
        tr: Option<&str>,
    ) -> recon_core::Slip {
        let thai = amount.currency == Currency::Thb;
        let mut s = slip(file, "x", amount, "00:00", tr);
        s.transferred_at = Some(window().0 + chrono::Duration::minutes(minutes));
        s.sender.name = Some(self.masked(p, thai));
        if thai {
            s.sender.alt_name = Some(self.masked(p, false));
        } else {
            s.provider = recon_core::Provider::Nextocr;
            s.receiver = recon_core::Party {
                name: Some("RANDEE TRADING CO., LTD.".into()),
                account: Some(recon_core::AccountMask::new("001 xxx 567")),
                ..Default::default()
            };
        }
        s
    }

    fn one(&mut self) {
        let id = self.order_id();
        let p = self.person();
        let usd = self.rng.random_bool(0.1);
        let cur = if usd { Currency::Usd } else { Currency::Thb };
        let thai = !usd && self.rng.random_bool(0.7);
        let customer = if thai { p.th.clone() } else { p.en.clone() };
        let amount = self.amount(cur);
        let t_order = self.rng.random_range(8 * 60..20 * 60);
        let t_pay = t_order + self.rng.random_range(1..60);
        let t_line = t_pay + self.rng.random_range(0..3);
        let file = format!("{id}.json");
        let roll: f64 = self.rng.random();
        let tr = self.trans_ref();
        let payer_line = self.noisy(&p, thai);
        if roll < 0.30 {
            // slip + line carrying its transRef
            let s = self.make_slip(&file, &p, amount, t_pay, Some(&tr));
            self.case.slips.push(read(s));
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::Matched,
            );
            self.push_line(t_line, amount, &payer_line, Some(&tr), Status::Matched);
            self.reusable.push((file, customer, amount, hhmm(t_order)));
        } else if roll < 0.45 {
            // slip, line without reference: amount + name
            let s = self.make_slip(&file, &p, amount, t_pay, Some(&tr));
            self.case.slips.push(read(s));
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::Matched,
            );
            self.push_line(t_line, amount, &payer_line, None, Status::Matched);
        } else if roll < 0.55 {
            // no slip: amount + name
            self.push_order(&id, &customer, amount, t_order, None, Status::Matched);
            self.push_line(t_line, amount, &payer_line, None, Status::Matched);
        } else if roll < 0.60 {
            self.push_order(&id, &customer, amount, t_order, None, Status::Unpaid);
        } else if roll < 0.65 {
            // slip and line say 50.00 less (or more)
            let d = Money::from_minor(
                if self.rng.random_bool(0.5) {
                    -5000
                } else {
                    5000
                },
                cur,
            );
            let paid = amount.checked_add(&d).unwrap();
            let s = self.make_slip(&file, &p, paid, t_pay, Some(&tr));
            self.case.slips.push(read(s));
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::AmountMismatch,
            );
            let reference = self.rng.random_bool(0.5).then_some(tr.as_str());
            self.push_line(t_line, paid, &payer_line, reference, Status::AmountMismatch);
        } else if roll < 0.70 && !self.reusable.is_empty() {
            // a slip reused by a later order of the same customer
            let i = self.rng.random_range(0..self.reusable.len());
            let (f, cust, amt, _) = self.reusable[i].clone();
            let later = 21 * 60 + self.rng.random_range(0..60);
            self.push_order(&id, &cust, amt, later, Some(&f), Status::DuplicateSlip);
        } else if roll < 0.74 {
            let s = paid_to_someone_else(self.make_slip(&file, &p, amount, t_pay, Some(&tr)));
            self.case.slips.push(read(s));
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::ReceiverMismatch,
            );
        } else if roll < 0.79 {
            // slip says paid, the money is not there (or arrives after the day)
            let s = self.make_slip(&file, &p, amount, t_pay, Some(&tr));
            self.case.slips.push(read(s));
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::SlipNotOnStatement,
            );
            if self.rng.random_bool(0.3) {
                self.push_line(
                    24 * 60 + 30,
                    amount,
                    &payer_line,
                    None,
                    Status::StatementUnmatched,
                );
            }
        } else if roll < 0.84 {
            // same amount at the slip's time from a different person
            let other = self.person();
            let s = self.make_slip(&file, &p, amount, t_pay, Some(&tr));
            self.case.slips.push(read(s));
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::NameMismatch,
            );
            let other_name = self.noisy(&other, thai);
            if recon_matcher::name_similarity(&other_name, &customer) >= 0.85 {
                // the "other" person happens to be a namesake: a plain match
                self.order_labels.insert(id.clone(), Status::Matched);
                self.push_line(t_line, amount, &other_name, None, Status::Matched);
            } else {
                self.push_line(t_line, amount, &other_name, None, Status::NameMismatch);
            }
        } else if roll < 0.87 {
            self.case.slips.push(SlipRead::Unreadable {
                file: file.clone(),
                reason: "not a slip".into(),
            });
            self.push_order(
                &id,
                &customer,
                amount,
                t_order,
                Some(&file),
                Status::UnreadableSlip,
            );
        } else if roll < 0.91 {
            // USD with a bank fee taken on the way (tolerance 1.00 USD)
            let amount = self.amount(Currency::Usd);
            let fee = Money::from_minor(self.rng.random_range(1..=100), Currency::Usd);
            let got = amount.checked_sub(&fee).unwrap();
            let s = self.make_slip(&file, &p, amount, t_pay, Some(&tr));
            self.case.slips.push(read(s));
            self.push_order(&id, &p.en, amount, t_order, Some(&file), Status::Matched);
            let payer = self.noisy(&p, false);
            self.push_line(t_line, got, &payer, None, Status::Matched);
        } else if roll < 0.93 {
            // split payment, no slip
            let part = Money::from_minor(amount.to_minor().unwrap() / 3, cur);
            let rest = amount.checked_sub(&part).unwrap();
            self.push_order(&id, &customer, amount, t_order, None, Status::Matched);
            self.push_line(t_line, part, &payer_line, None, Status::Matched);
            self.push_line(t_line + 5, rest, &payer_line, None, Status::Matched);
        } else if roll < 0.96 {
            // money nobody ordered
            let stranger = self.person();
            let name = self.noisy(&stranger, true);
            let a = self.amount(Currency::Thb);
            self.push_line(t_line, a, &name, None, Status::StatementUnmatched);
            self.next_order -= 1;
        } else {
            // money out
            let a = Money::from_minor(-self.rng.random_range(100..100_000), Currency::Thb);
            self.push_line(t_line, a, "KBANK", None, Status::StatementUnmatched);
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
