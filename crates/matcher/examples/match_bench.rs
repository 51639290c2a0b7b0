//! Benchmark: a day of N orders (and about as many statement lines and
//! slips) matched in memory.
//!
//! `cargo run --release -p recon-matcher --example match_bench -- [N] [--shuffled]`
//! (N defaults to 1,000,000; `--shuffled` hands the rows over in a random
//! order, which the matcher must sort). Prints the time to build the data and the time
//! of `match_day` alone (wall and CPU), the status counts, and the process's
//! peak resident memory.
//!
//! The day is shaped like `recon gen`'s default day, whose crowding is what
//! costs: names from small pools (30 Thai given names × 27 family names, 18 ×
//! 18 English ones: thousands of namesakes in a million orders), slips that
//! mask the family name, and recon-gen's default problem rates: 4% unpaid,
//! 5% paid without slip, 8% lines without reference, 1% name typos, 1% masked
//! line names, 2% someone else paid, 2% amount mismatches (50 baht), 2%
//! duplicate slips, 1% receiver mismatches, 1% fakes (slip, no money), 1%
//! name mismatches, 1% unreadable slips, plus 3% stray transfers and 2%
//! money out.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::Hasher as _;
use std::time::Instant;

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use recon_core::{
    AccountMask, Currency, Day, Money, Order, OrderId, Party, Provider, Slip, SlipRead, SourceRef,
    StatementLine, Status, TransRef,
};
use recon_matcher::{DayInput, Grace, MatchConfig, OurAccount, match_day};

/// Syllables that Thai names are built from, romanized alongside.
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

    // `--shuffled`: rows in a random order, as files may give them (the
    // matcher sorts them; the digest must not change).
    let shuffled = std::env::args().any(|a| a == "--shuffled");

    let t0 = Instant::now();
    let mut day_data = build(n, start);
    if shuffled {
        use rand::seq::SliceRandom as _;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        day_data.orders.shuffle(&mut rng);
        day_data.lines.shuffle(&mut rng);
        day_data.slips.shuffle(&mut rng);
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
        orders: &day_data.orders,
        lines: &day_data.lines,
        slips: &day_data.slips,
        our_accounts: &accounts,
        prior_uses: &prior,
    };
    let rss_before = peak_memory();
    let cpu0 = cpu_seconds();
    let t1 = Instant::now();
    let config = MatchConfig {
        // The day alone, as recon-gen labels it.
        grace: Grace::NONE,
        ..MatchConfig::default()
    };
    let result = match_day(&input, &config);
    let matched = t1.elapsed();
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);

    // A fingerprint of every verdict, to show that a change to the matcher
    // left the results as they were.
    let mut digest = Digest(std::hash::DefaultHasher::new());
    for o in &result.orders {
        let _ = write!(digest, "{o:?}");
    }
    for l in &result.statement {
        let _ = write!(digest, "{l:?}");
    }
    for s in &result.slips {
        let _ = write!(digest, "{s:?}");
    }
    let digest = digest.0.finish();

    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for o in &result.orders {
        *counts.entry(o.status).or_default() += 1;
    }
    println!(
        "orders {} lines {} slips {}",
        day_data.orders.len(),
        day_data.lines.len(),
        day_data.slips.len()
    );
    println!("build data   {:>8.3} s", built.as_secs_f64());
    println!("match_day    {:>8.3} s wall", matched.as_secs_f64());
    if let Some(cpu) = cpu {
        println!("match_day    {cpu:>8.3} s cpu (the machine may be shared)");
    }
    for (s, c) in counts {
        println!("  {:<22} {c}", s.as_str());
    }
    println!("result digest {digest:016x}");
    if let (Some(before), Some(after)) = (rss_before, peak_memory()) {
        println!(
            "peak memory  {} MiB with the input built, {} MiB after match_day",
            before / 1024,
            after / 1024
        );
    }
}

/// Feeds formatted text into a hasher.
struct Digest(std::hash::DefaultHasher);

impl std::fmt::Write for Digest {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

struct DayData {
    orders: Vec<Order>,
    lines: Vec<StatementLine>,
    slips: Vec<SlipRead>,
}

/// One customer: Thai (names in Thai script, romanized beside) or English.
struct Person {
    thai: bool,
    given: (String, String),
    family: (String, String),
}

impl Person {
    fn random(rng: &mut ChaCha8Rng) -> Person {
        let thai = rng.random_bool(0.7);
        let (given, family) = if thai {
            let g = rng.random_range(0..30);
            let f = rng.random_range(0..27);
            (
                two_syllables(g, (g * 7 + 3) % 30),
                two_syllables(f, (f * 11 + 5) % 30),
            )
        } else {
            let g = ENGLISH_GIVEN[rng.random_range(0..ENGLISH_GIVEN.len())];
            let f = ENGLISH_FAMILY[rng.random_range(0..ENGLISH_FAMILY.len())];
            ((g.into(), g.into()), (f.into(), f.into()))
        };
        Person {
            thai,
            given,
            family,
        }
    }

    /// As the shop's order export has it.
    fn order_name(&self) -> String {
        if self.thai {
            format!("{} {}", self.given.0, self.family.0)
        } else {
            title_case(&format!("{} {}", self.given.1, self.family.1))
        }
    }

    /// As the bank prints the payer.
    fn bank_name(&self) -> String {
        if self.thai {
            format!("นาย {} {}", self.given.0, self.family.0)
        } else {
            format!("MR. {} {}", self.given.1, self.family.1)
        }
    }

    /// The bank name with the family name masked after its first letter.
    fn masked_bank_name(&self) -> String {
        let f = if self.thai {
            &self.family.0
        } else {
            &self.family.1
        };
        let first: String = f.chars().take(1).collect();
        if self.thai {
            format!("นาย {} {first}***", self.given.0)
        } else {
            format!("MR. {} {first}***", self.given.1)
        }
    }

    /// The slip's sender: EasySlip masks the family name, and gives the
    /// name in Latin script, masked, beside.
    fn slip_sender(&self) -> Party {
        let g = &self.given.1;
        let f = &self.family.1;
        Party {
            name: Some(self.masked_bank_name()),
            alt_name: Some(format!("MR. {}*** {}***", &g[..g.len().min(4)], &f[..1])),
            bank: Some("SCB".into()),
            account: Some(AccountMask::new("xxx-x-x4321-x")),
            proxy: None,
        }
    }
}

fn two_syllables(a: usize, b: usize) -> (String, String) {
    (
        format!("{}{}", SYLLABLES[a].0, SYLLABLES[b].0),
        format!("{}{}", SYLLABLES[a].1, SYLLABLES[b].1),
    )
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_string() + &cs.as_str().to_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What recon-gen plants in an order (its default rates).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Unpaid,
    PaidWithoutSlip,
    LineWithoutReference,
    NameTypo,
    MaskedLineName,
    OtherPayer,
    AmountMismatch,
    DuplicateSlip,
    ReceiverMismatch,
    SlipNotOnStatement,
    NameMismatch,
    UnreadableSlip,
    Clean,
}

const KINDS: &[(Kind, f64)] = &[
    (Kind::Unpaid, 0.04),
    (Kind::PaidWithoutSlip, 0.05),
    (Kind::LineWithoutReference, 0.08),
    (Kind::NameTypo, 0.01),
    (Kind::MaskedLineName, 0.01),
    (Kind::OtherPayer, 0.02),
    (Kind::AmountMismatch, 0.02),
    (Kind::DuplicateSlip, 0.02),
    (Kind::ReceiverMismatch, 0.01),
    (Kind::SlipNotOnStatement, 0.01),
    (Kind::NameMismatch, 0.01),
    (Kind::UnreadableSlip, 0.01),
];

fn kind(roll: f64) -> Kind {
    let mut acc = 0.0;
    for (k, rate) in KINDS {
        acc += rate;
        if roll < acc {
            return *k;
        }
    }
    Kind::Clean
}

fn build(n: usize, start: chrono::DateTime<FixedOffset>) -> DayData {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut orders = Vec::with_capacity(n);
    let mut lines: Vec<StatementLine> = Vec::with_capacity(n + n / 10);
    let mut slips = Vec::with_capacity(n);
    // Slips of earlier orders, for copies.
    let mut originals: Vec<Slip> = Vec::new();
    let mut line_no = 6u64;
    let mut push_line = |lines: &mut Vec<StatementLine>,
                         at: chrono::DateTime<FixedOffset>,
                         amount: Money,
                         payer: String,
                         reference: Option<String>| {
        lines.push(StatementLine {
            source: SourceRef::new("kbank.csv", line_no),
            account: "123-4-56789-0".into(),
            booked_at: at,
            amount,
            counterparty: Party {
                name: Some(payer),
                account: Some(AccountMask::new("xxx-x-x1234-x")),
                ..Party::default()
            },
            reference,
            description: None,
        });
        line_no += 1;
    };
    for i in 0..n {
        let who = Person::random(&mut rng);
        let kind = kind(rng.random());
        // 150.00 – 25,000.00 baht, mostly whole baht.
        let baht = rng.random_range(150i64..25_000);
        let satang = if rng.random_bool(0.2) {
            rng.random_range(1..100)
        } else {
            0
        };
        let amount = Money::from_minor(baht * 100 + satang, Currency::Thb);
        let t_order = start + Duration::seconds(rng.random_range(6 * 3600..22 * 3600));
        let t_pay = t_order + Duration::seconds(rng.random_range(30..3600));
        let t_line = t_pay + Duration::seconds(rng.random_range(0..120));
        let id = format!("ORD-{i:08}");
        let tr = format!("0163{i:012}BPM{:04}", rng.random_range(0..10_000));
        let file = format!("{id}.json");
        let has_slip = !matches!(kind, Kind::Unpaid | Kind::PaidWithoutSlip | Kind::NameTypo);
        let mut customer = who.order_name();
        if kind == Kind::NameTypo {
            // A letter doubled.
            let cut = customer.char_indices().nth(2).map_or(0, |(b, _)| b);
            let c: String = customer[cut..].chars().take(1).collect();
            customer.insert_str(cut, &c);
        }
        orders.push(Order {
            source: SourceRef::new("orders.csv", i as u64 + 2),
            order_id: OrderId(id.clone()),
            customer_name: customer,
            amount,
            ordered_at: t_order,
            slip: has_slip.then(|| file.clone()),
        });
        let paid_amount = if kind == Kind::AmountMismatch {
            Money::from_minor(baht * 100 + satang - 5_000, Currency::Thb)
        } else {
            amount
        };
        if has_slip {
            let slip = match kind {
                Kind::DuplicateSlip if !originals.is_empty() => {
                    let mut copy = originals[rng.random_range(0..originals.len())].clone();
                    copy.file = Some(file.clone());
                    copy
                }
                _ => {
                    let mut s = Slip::empty(Provider::Easyslip);
                    s.file = Some(file.clone());
                    s.sender = who.slip_sender();
                    s.receiver = Party {
                        name: Some("บริษัท ร้านดี จำกัด".into()),
                        alt_name: Some("RANDEE CO., LTD.".into()),
                        bank: Some("KBANK".into()),
                        account: Some(AccountMask::new("xxx-x-x6789-x")),
                        proxy: None,
                    };
                    if kind == Kind::ReceiverMismatch {
                        s.receiver = Party {
                            name: Some("นาย มิจฉา ชีพ".into()),
                            bank: Some("KTB".into()),
                            account: Some(AccountMask::new("xxx-x-x5555-x")),
                            ..Party::default()
                        };
                    }
                    s.amount = Some(paid_amount);
                    s.transferred_at = Some(t_pay);
                    s.trans_ref = TransRef::new(&tr);
                    if kind == Kind::Clean {
                        originals.push(s.clone());
                    }
                    s
                }
            };
            slips.push(if kind == Kind::UnreadableSlip {
                SlipRead::Unreadable {
                    file: file.clone(),
                    reason: "truncated body".into(),
                }
            } else {
                SlipRead::Read(slip)
            });
        }
        let (payer, reference) = match kind {
            Kind::Unpaid
            | Kind::DuplicateSlip
            | Kind::ReceiverMismatch
            | Kind::SlipNotOnStatement
            | Kind::UnreadableSlip => continue,
            Kind::PaidWithoutSlip | Kind::LineWithoutReference | Kind::NameTypo => {
                (who.bank_name(), None)
            }
            Kind::MaskedLineName => (who.masked_bank_name(), None),
            Kind::OtherPayer => (Person::random(&mut rng).bank_name(), Some(tr)),
            Kind::NameMismatch => (Person::random(&mut rng).bank_name(), None),
            Kind::AmountMismatch | Kind::Clean => (who.bank_name(), Some(tr)),
        };
        push_line(&mut lines, t_line, paid_amount, payer, reference);
    }
    // Stray transfers (3%) and money out (2%).
    for _ in 0..n * 3 / 100 {
        let who = Person::random(&mut rng);
        let at = start + Duration::seconds(rng.random_range(0..86_000));
        let amount = Money::from_minor(rng.random_range(15_000..2_500_000), Currency::Thb);
        push_line(&mut lines, at, amount, who.bank_name(), None);
    }
    for _ in 0..n * 2 / 100 {
        let at = start + Duration::seconds(rng.random_range(0..86_000));
        let amount = Money::from_minor(-rng.random_range(10_000..10_000_000), Currency::Thb);
        push_line(&mut lines, at, amount, "บริษัท ไฟฟ้า จำกัด".into(), None);
    }
    DayData {
        orders,
        lines,
        slips,
    }
}

const ENGLISH_GIVEN: &[&str] = &[
    "JOHN",
    "DAVID",
    "MICHAEL",
    "JAMES",
    "ROBERT",
    "THOMAS",
    "DANIEL",
    "PETER",
    "MARK",
    "ANDREW",
    "SARAH",
    "EMMA",
    "LAURA",
    "JESSICA",
    "HANNAH",
    "OLIVIA",
    "CHARLOTTE",
    "RACHEL",
];
const ENGLISH_FAMILY: &[&str] = &[
    "SMITH", "JOHNSON", "BROWN", "TAYLOR", "WILSON", "CLARKE", "WRIGHT", "MILLER", "WALKER",
    "HUGHES", "EVANS", "MORGAN", "FISHER", "BENNETT", "HARRIS", "COOPER", "WARD", "KELLY",
];

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
