//! Benchmark: a day of N orders (and about as many statement lines and
//! slips) matched in memory.
//!
//! `cargo run --release -p recon-matcher --example match_bench -- [N] [--shuffled]`
//! (N defaults to 1,000,000; `--shuffled` hands the rows over in a random
//! order, which the matcher must sort). Prints the time to generate and read
//! the day, the time of `match_day` alone (wall and CPU), the status counts,
//! a digest of every verdict (to show a matcher change left results as they
//! were) and the process's peak resident memory.
//!
//! The day is `recon-gen`'s default day (the one generator, seed 7, slips
//! bundled), read back by the real ingest and slip parser: its crowding
//! (small name pools, popular prices, masked and mistyped names) is what
//! costs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::Hasher as _;
use std::time::Instant;

use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use recon_core::{Day, Status};
use recon_matcher::{DayInput, Grace, MatchConfig, match_day};
use recon_testkit::generator::{GenOptions, SlipFiles};
use recon_testkit::labelled::{LabelledDay, our_accounts};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let day = Day::new(NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"));

    // `--shuffled`: rows in a random order, as files may give them (the
    // matcher sorts them; the digest must not change).
    let shuffled = std::env::args().any(|a| a == "--shuffled");

    let t0 = Instant::now();
    let mut opts = GenOptions::new(day, n, 7);
    opts.slips_as = SlipFiles::Bundled;
    let mut day_data = LabelledDay::generate(&opts).expect("generate the day");
    let window = day_data.window;
    if shuffled {
        use rand::seq::SliceRandom as _;
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        day_data.orders.shuffle(&mut rng);
        day_data.lines.shuffle(&mut rng);
        day_data.slips.shuffle(&mut rng);
    }
    let accounts = our_accounts();
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
        decided: &recon_matcher::Decided::default(),
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
    println!("generate + read {:>5.3} s", built.as_secs_f64());
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
