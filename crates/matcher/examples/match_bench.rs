//! Benchmark: N orders × N statement lines × N slips matched in memory.
//!
//! `cargo run --release -p recon-matcher --example match_bench -- [N]`
//! (N defaults to 1,000,000). Prints the time to build the data and the time
//! of `match_day` alone, the status counts, and the process's peak resident
//! memory.
//!
//! The day is shaped like a real one: most slips carry a transRef that the
//! statement shows, a fifth of lines show no reference (amount + name
//! matching), a tenth of orders have no slip, a fifth of amounts are common
//! round prices, names are Thai or English (16 given names, 900 surnames)
//! with titles, masks and word order changes, and
//! a few percent are duplicates, wrong receivers, unpaid orders and stray
//! money.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use recon_core::{
    AccountMask, Currency, Day, Money, Order, OrderId, Party, Provider, Slip, SlipRead, SourceRef,
    StatementLine, Status, TransRef,
};
use recon_matcher::{DayInput, MatchConfig, OurAccount, match_day};

const GIVEN: &[(&str, &str)] = &[
    ("สมชาย", "SOMCHAI"),
    ("สมศรี", "SOMSRI"),
    ("มาลี", "MALEE"),
    ("อนันต์", "ANAN"),
    ("ปรีชา", "PREECHA"),
    ("วิไล", "WILAI"),
    ("สุดา", "SUDA"),
    ("ประเสริฐ", "PRASERT"),
    ("กิตติ", "KITTI"),
    ("นภา", "NAPA"),
    ("ธนพล", "THANAPHON"),
    ("วรรณา", "WANNA"),
    ("สุรชัย", "SURACHAI"),
    ("อรุณ", "ARUN"),
    ("พิมพ์", "PIM"),
    ("ชัยวัฒน์", "CHAIWAT"),
];
/// Thai surnames are nearly unique per family: built from two syllables
/// (30 × 30), romanized alongside.
const SYLLABLES: &[(&str, &str)] = &[
    ("ใจ", "JAI"),
    ("ดี", "DEE"),
    ("ศรี", "SRI"),
    ("สุข", "SUK"),
    ("มั่ง", "MUNG"),
    ("มี", "MEE"),
    ("ทอง", "THONG"),
    ("คำ", "KHAM"),
    ("รัก", "RAK"),
    ("ไทย", "THAI"),
    ("แก้ว", "KAEW"),
    ("มณี", "MANEE"),
    ("วงศ์", "WONG"),
    ("ใหญ่", "YAI"),
    ("บุญ", "BOON"),
    ("เรือง", "RUANG"),
    ("เพชร", "PHET"),
    ("งาม", "NGAM"),
    ("จันทร์", "CHAN"),
    ("พรหม", "PHROM"),
    ("สาย", "SAI"),
    ("อินทร์", "IN"),
    ("ชัย", "CHAI"),
    ("มงคล", "MONGKOL"),
    ("นาค", "NAK"),
    ("สวัสดิ์", "SAWAT"),
    ("เจริญ", "CHAROEN"),
    ("พงษ์", "PHONG"),
    ("สิทธิ์", "SIT"),
    ("วัฒน์", "WAT"),
];

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let tz = FixedOffset::east_opt(7 * 3600).expect("+07:00");
    let day = Day::new(NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"));
    let start = tz
        .with_ymd_and_hms(2026, 11, 21, 0, 0, 0)
        .single()
        .expect("start");
    let window = (start, start + Duration::days(1));

    let t0 = Instant::now();
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut orders = Vec::with_capacity(n);
    let mut lines = Vec::with_capacity(n);
    let mut slips = Vec::with_capacity(n);
    for i in 0..n {
        let g = *GIVEN.choose(&mut rng).expect("names");
        let s1 = *SYLLABLES.choose(&mut rng).expect("names");
        let s2 = *SYLLABLES.choose(&mut rng).expect("names");
        let family = (format!("{}{}", s1.0, s2.0), format!("{}{}", s1.1, s2.1));
        let f = (family.0.as_str(), family.1.as_str());
        let thai = rng.random_bool(0.7);
        let customer = if thai {
            format!("{} {}", g.0, f.0)
        } else {
            format!("{} {}", g.1, f.1)
        };
        let minor = if rng.random_bool(0.2) {
            *[10_000i64, 20_000, 50_000, 100_000]
                .choose(&mut rng)
                .expect("prices")
        } else {
            rng.random_range(10_000..5_000_000)
        };
        let amount = Money::from_minor(minor, Currency::Thb);
        let t_order = start + Duration::seconds(rng.random_range(6 * 3600..22 * 3600));
        let t_pay = t_order + Duration::seconds(rng.random_range(30..3600));
        let id = format!("ORD-{i:08}");
        let tr = format!("0163{i:012}BPM{:04}", rng.random_range(0..10_000));
        let file = format!("{id}.json");
        let roll: f64 = rng.random();
        let has_slip = roll >= 0.10;
        let paid = !(0.02..0.03).contains(&roll); // 1% unpaid
        orders.push(Order {
            source: SourceRef::new("orders.csv", i as u64 + 2),
            order_id: OrderId(id.clone()),
            customer_name: customer.clone(),
            amount,
            ordered_at: t_order,
            slip: has_slip.then(|| file.clone()),
        });
        if has_slip {
            let mut s = Slip::empty(Provider::Easyslip);
            s.file = Some(file.clone());
            s.sender = Party {
                name: Some(if thai {
                    format!("นาย {} {}***", g.0, f.0.chars().next().unwrap_or('ก'))
                } else {
                    format!("MR. {} {}", g.1, f.1)
                }),
                alt_name: Some(format!(
                    "MR. {}*** {}***",
                    &g.1[..g.1.len().min(4)],
                    &f.1[..1]
                )),
                bank: Some("SCB".into()),
                account: Some(AccountMask::new("xxx-x-x4321-x")),
                proxy: None,
            };
            s.receiver = Party {
                name: Some("บริษัท ร้านดี จำกัด".into()),
                alt_name: Some("RANDEE CO., LTD.".into()),
                bank: Some("KBANK".into()),
                account: Some(AccountMask::new(if roll > 0.99 {
                    "xxx-x-x5555-x"
                } else {
                    "xxx-x-x6789-x"
                })),
                proxy: None,
            };
            s.amount = Some(amount);
            s.transferred_at = Some(t_pay);
            s.trans_ref = TransRef::new(&tr);
            slips.push(SlipRead::Read(s));
        }
        if paid {
            let show_ref = rng.random_bool(0.8);
            let payer = if thai {
                format!("นาย {} {}", g.0, f.0)
            } else {
                format!("MR. {} {}", f.1, g.1)
            };
            lines.push(StatementLine {
                source: SourceRef::new("kbank.csv", i as u64 + 6),
                account: "123-4-56789-0".into(),
                booked_at: t_pay + Duration::seconds(rng.random_range(0..120)),
                amount,
                counterparty: Party {
                    name: Some(payer),
                    account: Some(AccountMask::new("xxx-x-x1234-x")),
                    ..Party::default()
                },
                reference: show_ref.then(|| tr.clone()),
                description: None,
            });
        }
    }
    // Fill up to N lines and N slips: stray money and orphan slips.
    let mut k = n;
    while lines.len() < n {
        let minor = rng.random_range(10_000..5_000_000);
        lines.push(StatementLine {
            source: SourceRef::new("kbank.csv", k as u64 + 6),
            account: "123-4-56789-0".into(),
            booked_at: start + Duration::seconds(rng.random_range(0..86_000)),
            amount: Money::from_minor(minor, Currency::Thb),
            counterparty: Party {
                name: Some("MS. STRANGER PERSON".into()),
                ..Party::default()
            },
            reference: None,
            description: None,
        });
        k += 1;
    }
    while slips.len() < n {
        let mut s = Slip::empty(Provider::Easyslip);
        s.file = Some(format!("orphan-{k}.json"));
        s.amount = Some(Money::from_minor(12_345, Currency::Thb));
        s.trans_ref = TransRef::new(&format!("ORPHAN{k}"));
        slips.push(SlipRead::Read(s));
        k += 1;
    }
    let accounts = vec![OurAccount {
        name: "บริษัท ร้านดี จำกัด".into(),
        alt_name: Some("RANDEE CO., LTD.".into()),
        bank: Some("KBANK".into()),
        account: "123-4-56789-0".into(),
        currency: Currency::Thb,
        proxies: vec!["0105561234567".into()],
    }];
    let prior = BTreeMap::new();
    let built = t0.elapsed();

    let input = DayInput {
        day,
        window,
        orders: &orders,
        lines: &lines,
        slips: &slips,
        our_accounts: &accounts,
        prior_uses: &prior,
    };
    let rss_before = peak_memory();
    let cpu0 = cpu_seconds();
    let t1 = Instant::now();
    let result = match_day(&input, &MatchConfig::default());
    let matched = t1.elapsed();
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);

    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for o in &result.orders {
        *counts.entry(o.status).or_default() += 1;
    }
    println!(
        "orders {} lines {} slips {}",
        orders.len(),
        lines.len(),
        slips.len()
    );
    println!("build data   {:>8.3} s", built.as_secs_f64());
    println!("match_day    {:>8.3} s wall", matched.as_secs_f64());
    if let Some(cpu) = cpu {
        println!("match_day    {cpu:>8.3} s cpu (the machine may be shared)");
    }
    for (s, c) in counts {
        println!("  {:<22} {c}", s.as_str());
    }
    if let (Some(before), Some(after)) = (rss_before, peak_memory()) {
        println!(
            "peak memory  {} MiB with the input built, {} MiB after match_day",
            before / 1024,
            after / 1024
        );
    }
}

/// Peak resident set size in KiB (Linux), `None` elsewhere.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds of this process (Linux, 100 ticks a second).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
