//! The synthetic day generator behind `recon-gen` and the committed
//! `sample-data/` days.
//!
//! Owns: planning a realistic business day (Thai, English and Khmer names
//! from small pools, so namesakes abound; THB, USD and KHR orders, many on a
//! few popular prices; names printed with or without honorific, masked or
//! mistyped, independently on order, slip and statement; statement lines
//! mostly without reference, booked 0-120 s after the slip; slips saved as
//! EasySlip and NextOCR bodies with
//! real slip-verification QR payloads, or for a few THB orders bank-app
//! slip images for the local reader; a KBank-style and a canonical
//! statement), planting the problems the README's statuses name at chosen rates, and
//! writing the day in the day-folder input layout together with the outcome a
//! correct reconciliation must reach (`expected/`).
//!
//! Never does: reconciliation. The expected outcome follows from how each
//! order was planned, not from running the matcher, so that the two check
//! each other.
//!
//! Same options → byte-identical files: every choice comes from one
//! ChaCha8 stream seeded by [`GenOptions::seed`], and nothing reads the
//! clock.

mod images;
mod json;
mod names;
mod plan;
mod write;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use recon_core::{Day, Money, Status};
use serde::Deserialize;

/// Rates of each planted problem, as fractions of the day's orders (0..1).
/// Each becomes an exact count, `round(rate × orders)`, so that a small day
/// still has the problem and a test can rely on it. The order-level rates
/// must add up to at most 1; the statement-line rates (`unknown_transfer`,
/// `money_out`, `malformed_statement_line`) add lines on top. Two shares
/// shape the day rather than plant problems: `crowded_share` and
/// `reference_share`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProblemRates {
    /// Orders with neither slip nor money → `unpaid`.
    pub unpaid: f64,
    /// Orders without a slip whose money is on the statement → `matched`
    /// by amount + name.
    pub paid_without_slip: f64,
    /// Slip and statement line, and the line surely shows no reference
    /// (most lines show none anyway, see `reference_share`) → `matched` by
    /// amount + time + name.
    pub line_without_reference: f64,
    /// No slip, a statement line, and a letter doubled in the order's
    /// customer name → `matched` by amount + name.
    pub name_typo: f64,
    /// Slip and a line without reference whose payer name is masked
    /// (`ใจ***`) → `matched` on the visible part.
    pub masked_line_name: f64,
    /// Someone else paid (a relative or a mule): the slip's sender and the
    /// line's payer are that same other person, not the order's customer →
    /// `name_mismatch`. Half of them (the odd one more) have the slip's
    /// transRef on the line (`paid_by_other_payer_with_reference` in
    /// `planted.csv`), the others no reference (`paid_by_third_party`):
    /// the README's definition holds either way, the money matches by
    /// amount and time but the payer is someone else, and a reference
    /// proves which slip the money belongs to, not that the customer paid.
    /// (Before the third-party rule, this planted `matched` with a name
    /// reason, always with the reference.)
    pub other_payer: f64,
    /// Slip and line say 50.00 less (or more; 5,000 riel for KHR) →
    /// `amount_mismatch`.
    pub amount_mismatch: f64,
    /// A later order uploads a copy of an earlier order's slip →
    /// `duplicate_slip`.
    pub duplicate_slip: f64,
    /// An order uploads a slip already used on an earlier day (taken from
    /// [`GenOptions::previous_day_slips`]) → `duplicate_slip`.
    pub prior_day_duplicate: f64,
    /// The slip paid someone else → `receiver_mismatch`.
    pub receiver_mismatch: f64,
    /// A slip to us that no statement line carries (a fake) →
    /// `slip_not_on_statement` (`pending` on its own day, within the grace).
    /// Fakes take a popular price twice as often as other orders, so other
    /// customers' money of the same amount lands minutes around them; those
    /// lines are their own payers'. The fake's sender is never a namesake of
    /// a payer of that amount within 15 minutes: then the fake would be
    /// honestly indistinguishable from the namesake's own slip.
    pub slip_not_on_statement: f64,
    /// Slip (naming the customer) and a line agree on amount and time, no
    /// reference links them, and the line's payer is a stranger →
    /// `name_mismatch`. The amount is the order's own (never a popular
    /// price): at a popular price a stranger's money would belong to the
    /// stranger's own order.
    pub name_mismatch: f64,
    /// The saved slip body is cut short → `unreadable_slip`.
    pub unreadable_slip: f64,
    /// An order row with a broken amount, time or currency → quarantine.
    pub malformed_order: f64,
    /// Money in from someone with no order → `statement_unmatched`.
    pub unknown_transfer: f64,
    /// Money out (suppliers, utilities) → `statement_unmatched`, `money_out`.
    pub money_out: f64,
    /// A statement row with a broken amount or date → quarantine.
    pub malformed_statement_line: f64,
    /// Not a problem: the share of orders priced at one of the shop's
    /// popular prices (299, 599, 990, 1,290 baht; 9.99, 25, 49 dollars;
    /// 20,000 and 40,000 riel), so that dozens of transfers share an amount
    /// within minutes. Orders that can only be told by amount + name (no
    /// slip) keep amounts of their own. Namesakes' transfers of one amount
    /// stay 15 minutes apart; a day too large for that (hundreds of
    /// thousands of orders on a small pool of names) gets fewer crowded
    /// orders than asked, and [`GenSummary::crowded_orders`] says how many.
    pub crowded_share: f64,
    /// Not a problem: the share of statement lines of slip-paid orders that
    /// print the slip's transRef (most Thai and Cambodian statements print
    /// none). Half the `other_payer` lines always do (the other half never),
    /// `line_without_reference`, `masked_line_name` and `name_mismatch`
    /// lines never.
    pub reference_share: f64,
}

impl Default for ProblemRates {
    /// A plausible day at a busy shop: most orders paid cleanly, a few of
    /// every problem.
    fn default() -> Self {
        ProblemRates {
            unpaid: 0.04,
            paid_without_slip: 0.05,
            line_without_reference: 0.08,
            name_typo: 0.01,
            masked_line_name: 0.01,
            other_payer: 0.04,
            amount_mismatch: 0.03,
            duplicate_slip: 0.02,
            prior_day_duplicate: 0.01,
            receiver_mismatch: 0.02,
            slip_not_on_statement: 0.03,
            name_mismatch: 0.01,
            unreadable_slip: 0.01,
            malformed_order: 0.005,
            unknown_transfer: 0.03,
            money_out: 0.02,
            malformed_statement_line: 0.005,
            crowded_share: 0.4,
            reference_share: 0.1,
        }
    }
}

impl ProblemRates {
    /// No problems at all: every order paid by slip and statement line.
    /// The day keeps its shape (popular prices, lines mostly without
    /// reference): that is not a problem.
    pub fn none() -> ProblemRates {
        ProblemRates {
            unpaid: 0.0,
            paid_without_slip: 0.0,
            line_without_reference: 0.0,
            name_typo: 0.0,
            masked_line_name: 0.0,
            other_payer: 0.0,
            amount_mismatch: 0.0,
            duplicate_slip: 0.0,
            prior_day_duplicate: 0.0,
            receiver_mismatch: 0.0,
            slip_not_on_statement: 0.0,
            name_mismatch: 0.0,
            unreadable_slip: 0.0,
            malformed_order: 0.0,
            unknown_transfer: 0.0,
            money_out: 0.0,
            malformed_statement_line: 0.0,
            ..ProblemRates::default()
        }
    }

    fn all(&self) -> [(&'static str, f64); 19] {
        [
            ("unpaid", self.unpaid),
            ("paid_without_slip", self.paid_without_slip),
            ("line_without_reference", self.line_without_reference),
            ("name_typo", self.name_typo),
            ("masked_line_name", self.masked_line_name),
            ("other_payer", self.other_payer),
            ("amount_mismatch", self.amount_mismatch),
            ("duplicate_slip", self.duplicate_slip),
            ("prior_day_duplicate", self.prior_day_duplicate),
            ("receiver_mismatch", self.receiver_mismatch),
            ("slip_not_on_statement", self.slip_not_on_statement),
            ("name_mismatch", self.name_mismatch),
            ("unreadable_slip", self.unreadable_slip),
            ("malformed_order", self.malformed_order),
            ("unknown_transfer", self.unknown_transfer),
            ("money_out", self.money_out),
            ("malformed_statement_line", self.malformed_statement_line),
            ("crowded_share", self.crowded_share),
            ("reference_share", self.reference_share),
        ]
    }
}

/// Shares of the day's orders in USD and KHR; the rest are THB.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CurrencyMix {
    pub usd: f64,
    pub khr: f64,
}

impl Default for CurrencyMix {
    fn default() -> Self {
        CurrencyMix {
            usd: 0.10,
            khr: 0.05,
        }
    }
}

/// How slips are saved. One JSON body per order is what a shop's upload
/// folder looks like; a million files cost more to create, list, hash and
/// open than to parse (measured in the README's Performance section), so
/// benchmark-sized days bundle them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SlipFiles {
    /// `slips/<order id>.json`, one pretty-printed provider body each.
    #[default]
    PerOrder,
    /// `slips/slips-001.jsonl`, ...: one compact provider body per line,
    /// [`BUNDLE_SLIPS`] per bundle; the order export names a slip
    /// `slips-001.jsonl#<line>` (1-based), which `read_slips` understands.
    Bundled,
}

impl std::str::FromStr for SlipFiles {
    type Err = GenError;
    fn from_str(s: &str) -> Result<SlipFiles, GenError> {
        match s {
            "per-order" => Ok(SlipFiles::PerOrder),
            "bundled" => Ok(SlipFiles::Bundled),
            other => Err(GenError::Options(format!(
                "slips = {other:?}: say per-order or bundled"
            ))),
        }
    }
}

/// The `--rates` file of `recon-gen`: a `[rates]` table of
/// [`ProblemRates`] and a `[currencies]` table of [`CurrencyMix`]; what it
/// leaves out keeps the default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RatesFile {
    pub rates: ProblemRates,
    pub currencies: CurrencyMix,
}

impl RatesFile {
    pub fn load(path: &Path) -> Result<RatesFile, GenError> {
        let text = fs::read_to_string(path).map_err(|source| GenError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text)
            .map_err(|e| GenError::Options(format!("{}: {}", path.display(), e.message())))
    }
}

/// Saved responses per bundle: small enough that the reader holds one
/// bundle (~130 MB) in memory at a time.
pub const BUNDLE_SLIPS: usize = 100_000;

/// A slip of an earlier day that a later day's order may reuse (a
/// cross-day `duplicate_slip`). Obtained from [`GenSummary::reusable_slips`].
#[derive(Debug, Clone, PartialEq)]
pub struct PriorSlip {
    pub day: Day,
    pub order_id: String,
    pub trans_ref: String,
    pub amount: Money,
    pub(crate) facts: plan::SlipFacts,
}

/// Everything that shapes a generated day.
#[derive(Debug, Clone)]
pub struct GenOptions {
    pub day: Day,
    pub orders: usize,
    pub seed: u64,
    /// THB lines in the KBank-style export `statements/kbank.csv` and USD/KHR
    /// lines in `statements/aba-usd.csv` (canonical); `false` writes every
    /// line to one canonical `statements/canonical.csv`.
    pub bank_layouts: bool,
    pub rates: ProblemRates,
    pub currencies: CurrencyMix,
    /// Slips of an earlier day for cross-day duplicates (used when
    /// `rates.prior_day_duplicate` asks for some).
    pub previous_day_slips: Vec<PriorSlip>,
    pub slips_as: SlipFiles,
    /// THB orders whose slip is a bank-app image (`slips/<order id>.png`,
    /// one `.jpg`) read by the local reader instead of a saved body; 0 (the
    /// default) keeps every slip JSON. Only with [`SlipFiles::PerOrder`].
    pub image_slips: usize,
    /// Replace the generated folders (`statements`, `orders`, `slips`,
    /// `expected`) of an existing day folder; without it an existing,
    /// non-empty day folder is an error.
    pub overwrite: bool,
}

impl GenOptions {
    /// Default rates and currency mix, bank layouts, no earlier day.
    pub fn new(day: Day, orders: usize, seed: u64) -> GenOptions {
        GenOptions {
            day,
            orders,
            seed,
            bank_layouts: true,
            rates: ProblemRates::default(),
            currencies: CurrencyMix::default(),
            previous_day_slips: Vec::new(),
            slips_as: SlipFiles::PerOrder,
            image_slips: 0,
            overwrite: false,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), GenError> {
        for (name, rate) in self.rates.all().into_iter().chain([
            ("currencies.usd", self.currencies.usd),
            ("currencies.khr", self.currencies.khr),
        ]) {
            if !(0.0..=1.0).contains(&rate) {
                return Err(GenError::Options(format!(
                    "{name} = {rate} is not a rate between 0 and 1"
                )));
            }
        }
        if self.currencies.usd + self.currencies.khr > 1.0 {
            return Err(GenError::Options(
                "currencies.usd + currencies.khr must be at most 1".into(),
            ));
        }
        Ok(())
    }
}

impl Default for GenOptions {
    /// The second sample day's date and size with default rates; callers
    /// override `day`, `orders` and `seed`.
    fn default() -> Self {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).map(Day::new);
        GenOptions::new(
            day.unwrap_or_else(|| Day::new(chrono::NaiveDate::MIN)),
            50,
            0,
        )
    }
}

/// What a generated day holds.
#[derive(Debug, Clone)]
pub struct GenSummary {
    pub day: Day,
    /// `<data_root>/<day>`.
    pub folder: PathBuf,
    /// Rows in `orders.csv`, quarantined ones included.
    pub orders: usize,
    /// Transaction rows over all statement files, quarantined ones included.
    pub statement_lines: usize,
    pub slip_files: usize,
    /// Saved slip responses (one per file, or lines of the bundles).
    pub slips: usize,
    pub quarantined: usize,
    /// Orders priced at a popular price (see `ProblemRates::crowded_share`).
    pub crowded_orders: usize,
    /// Expected status → number of orders.
    pub order_statuses: BTreeMap<Status, usize>,
    /// Expected status → number of statement lines.
    pub line_statuses: BTreeMap<Status, usize>,
    /// Slips a later day may reuse for cross-day duplicates.
    pub reusable_slips: Vec<PriorSlip>,
}

impl std::fmt::Display for GenSummary {
    /// A few lines for the person who ran `recon-gen`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "generated {} in {}", self.day, self.folder.display())?;
        writeln!(
            f,
            "  {} orders, {} statement lines, {} slips in {} files, {} rows planted for quarantine",
            self.orders, self.statement_lines, self.slips, self.slip_files, self.quarantined
        )?;
        writeln!(f, "  {} orders at popular prices", self.crowded_orders)?;
        let list = |m: &BTreeMap<Status, usize>| {
            m.iter()
                .map(|(s, n)| format!("{s} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(f, "  expected orders: {}", list(&self.order_statuses))?;
        write!(
            f,
            "  expected statement lines: {}",
            list(&self.line_statuses)
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("generator options: {0}")]
    Options(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} line {line}: {text:?} cannot be written in Windows-874")]
    Encoding {
        path: PathBuf,
        line: u64,
        text: String,
    },
    #[error("{path} already holds files; generate into an empty folder or ask to overwrite")]
    DayExists { path: PathBuf },
}

/// The folders the generator writes inside a day folder (and replaces on
/// overwrite; anything else there is left alone).
const GENERATED: [&str; 4] = ["statements", "orders", "slips", "expected"];

/// Writes a complete day to `data_root/<day>/` (statements, orders, slips,
/// expected outcome) and says what it holds.
pub fn generate_day(opts: &GenOptions, data_root: &Path) -> Result<GenSummary, GenError> {
    let plan = plan::plan_day(opts)?;
    let folder = data_root.join(opts.day.to_string());
    prepare_folder(&folder, opts.overwrite)?;
    let images = match opts.slips_as {
        SlipFiles::PerOrder => images::ImageSlips::choose(&plan, opts.image_slips, opts.seed),
        SlipFiles::Bundled => images::ImageSlips::default(),
    };
    let written = write::write_day(&folder, &plan, opts.slips_as, &images)?;

    let mut order_statuses = BTreeMap::new();
    let mut quarantined = 0;
    for o in &plan.orders {
        match o.kind.expected() {
            Some(s) => *order_statuses.entry(s).or_insert(0) += 1,
            None => quarantined += 1,
        }
    }
    let mut line_statuses = BTreeMap::new();
    let mut statement_lines = 0;
    for l in plan.statements.iter().flat_map(|s| &s.lines) {
        statement_lines += 1;
        match l.expected {
            Some(s) => *line_statuses.entry(s).or_insert(0) += 1,
            None => quarantined += 1,
        }
    }
    Ok(GenSummary {
        day: opts.day,
        folder,
        orders: plan.orders.len(),
        statement_lines,
        slip_files: written.slip_files,
        slips: written.slips,
        quarantined,
        crowded_orders: plan.orders.iter().filter(|o| o.crowded).count(),
        order_statuses,
        line_statuses,
        reusable_slips: plan.reusable,
    })
}

/// The slips a day generated with `opts` offers for reuse, without writing
/// anything: plan the earlier day again (same options, same seed) to chain
/// days, as `recon-gen` does for a range of days.
pub fn reusable_slips(opts: &GenOptions) -> Result<Vec<PriorSlip>, GenError> {
    Ok(plan::plan_day(opts)?.reusable)
}

fn prepare_folder(folder: &Path, overwrite: bool) -> Result<(), GenError> {
    let io = |source| GenError::Io {
        path: folder.to_path_buf(),
        source,
    };
    if folder.exists() {
        if overwrite {
            for d in GENERATED {
                let path = folder.join(d);
                if path.exists() {
                    fs::remove_dir_all(&path).map_err(|source| GenError::Io { path, source })?;
                }
            }
        } else if fs::read_dir(folder).map_err(io)?.next().is_some() {
            return Err(GenError::DayExists {
                path: folder.to_path_buf(),
            });
        }
    }
    fs::create_dir_all(folder).map_err(io)
}

/// The committed sample days. Changing anything here (or in the generator)
/// changes `sample-data/`; regenerate with [`write_sample_data`] and commit
/// both, the test `committed_sample_data_is_reproduced` keeps them honest.
pub fn sample_days() -> [GenOptions; 2] {
    let day20: Day = "2026-11-20".parse().expect("a valid day");
    let day21: Day = "2026-11-21".parse().expect("a valid day");
    // Rates chosen so that ~50 orders carry every problem at least once.
    let rates = ProblemRates {
        unpaid: 0.04,
        paid_without_slip: 0.06,
        line_without_reference: 0.08,
        name_typo: 0.02,
        masked_line_name: 0.02,
        other_payer: 0.06,
        amount_mismatch: 0.04,
        duplicate_slip: 0.02,
        prior_day_duplicate: 0.02,
        receiver_mismatch: 0.02,
        slip_not_on_statement: 0.02,
        name_mismatch: 0.02,
        unreadable_slip: 0.02,
        malformed_order: 0.02,
        unknown_transfer: 0.04,
        money_out: 0.04,
        malformed_statement_line: 0.02,
        crowded_share: 0.4,
        // More lines with the transRef than a generated day has, so that
        // the image slips (chosen among them) have enough to choose from.
        reference_share: 0.5,
    };
    // The first seed from 20_261_120 up whose day has four paid THB slips
    // fit to be pictures and a mismatch (see `images`).
    let mut first = GenOptions::new(day20, 48, 20_261_122);
    first.rates = rates.clone();
    // Five slips a day are bank-app images, read by the local reader.
    first.image_slips = 5;
    first.overwrite = true;
    // The 21st's seed is the first from 20_261_121 up whose day keeps what
    // other tests (crates/cli/tests/hostile/, days.rs) take from it or edit
    // in it: orders 1-5 and 7 upload readable EasySlip bodies (JSON, not
    // pictures), paid to us for order 1, and none of them is the original
    // of a same-day duplicate; order 4 is an exception; aba-usd.csv has 10
    // lines, the second a USD one; a well-formed KBank line shows the payer
    // account xxx-x-x7995-x.
    let mut second = GenOptions::new(day21, 56, 20_793_613);
    second.rates = ProblemRates {
        // Three broken rows: a KBank date, a canonical amount, a KBank amount.
        malformed_statement_line: 0.06,
        ..rates
    };
    second.image_slips = 5;
    second.overwrite = true;
    [first, second]
}

/// Regenerates the committed sample days under `root` (normally
/// `sample-data/`): 2026-11-20, then 2026-11-21, which reuses a slip of the
/// 20th (a cross-day duplicate).
pub fn write_sample_data(root: &Path) -> Result<(), GenError> {
    let [first, mut second] = sample_days();
    let summary = generate_day(&first, root)?;
    second.previous_day_slips = summary.reusable_slips;
    generate_day(&second, root)?;
    Ok(())
}
