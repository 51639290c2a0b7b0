//! A generated day in memory, with its labels: what the matcher's tests and
//! benchmarks run on. The day is written by [`crate::generator`] (the same
//! generator as `recon-gen` and the sample data), then read back the way a
//! run reads it: statements and orders by the real ingest, saved slip
//! bodies by the real ocr-client parser. The labels are the generator's
//! `expected/` files: the outcome a correct reconciliation must reach.
//!
//! Never does: matching, or reading slip images (a day generated with
//! `image_slips` would need tesseract; its image slips are `unreadable`
//! here, so callers generate without them).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use chrono::{DateTime, FixedOffset, TimeZone};
use recon_core::{Currency, Day, Order, SlipRead, StatementLine, Status};
use recon_ingest::{OrderColumns, Profile, ReadOptions, read_orders, read_statement};
use recon_matcher::OurAccount;
use recon_ocr_client::BundleLine;

use crate::generator::{GenError, GenOptions, generate_day};

/// One generated day, read back, with its labels.
#[derive(Debug, Clone)]
pub struct LabelledDay {
    pub day: Day,
    /// The business day in Asia/Bangkok, midnight to midnight.
    pub window: (DateTime<FixedOffset>, DateTime<FixedOffset>),
    pub orders: Vec<Order>,
    pub lines: Vec<StatementLine>,
    pub slips: Vec<SlipRead>,
    /// Order id → the status a correct reconciliation reaches.
    pub order_labels: BTreeMap<String, Status>,
    /// (statement file, line) → status.
    pub line_labels: BTreeMap<(String, u64), Status>,
}

/// Our receiving accounts, as the sample job config (`jobs/nightly.toml`)
/// and the generator's slips and statements have them.
pub fn our_accounts() -> Vec<OurAccount> {
    vec![
        OurAccount {
            name: "บริษัท ร้านดี จำกัด".into(),
            alt_name: Some("RANDEE CO., LTD.".into()),
            bank: Some("KBANK".into()),
            account: "123-4-56789-0".into(),
            currency: Currency::Thb,
            proxies: vec!["0105561234567".into()],
        },
        OurAccount {
            name: "RANDEE TRADING CO., LTD.".into(),
            bank: Some("ABA".into()),
            account: "001 234 567".into(),
            currency: Currency::Usd,
            ..OurAccount::default()
        },
        OurAccount {
            name: "RANDEE TRADING CO., LTD.".into(),
            bank: Some("ABA".into()),
            account: "001 234 568".into(),
            currency: Currency::Khr,
            ..OurAccount::default()
        },
    ]
}

/// Why a labelled day could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LabelledError {
    #[error(transparent)]
    Generator(#[from] GenError),
    #[error("{0}")]
    Read(String),
}

fn read_err(what: &Path, e: impl std::fmt::Display) -> LabelledError {
    LabelledError::Read(format!("{}: {e}", what.display()))
}

impl LabelledDay {
    /// Generates the day of `opts` in a temporary folder and reads it back.
    pub fn generate(opts: &GenOptions) -> Result<LabelledDay, LabelledError> {
        let tmp = tempfile::tempdir().map_err(|e| LabelledError::Read(e.to_string()))?;
        generate_day(opts, tmp.path())?;
        LabelledDay::read(&tmp.path().join(opts.day.to_string()), opts.day)
    }

    /// Reads a generated day folder (`statements/`, `orders/`, `slips/`,
    /// `expected/`).
    pub fn read(folder: &Path, day: Day) -> Result<LabelledDay, LabelledError> {
        let tz = chrono_tz::Asia::Bangkok;
        let mut lines = Vec::new();
        let dir = folder.join("statements");
        let mut names: Vec<_> = fs::read_dir(&dir)
            .map_err(|e| read_err(&dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        names.sort();
        for path in names {
            let kbank = path.file_name().is_some_and(|n| n == "kbank.csv");
            let profile = Profile::builtin(if kbank { "kbank-csv" } else { "canonical" })
                .ok_or_else(|| read_err(&path, "no built-in profile"))?;
            let read = read_statement(&path, &profile, &ReadOptions::new(tz))
                .map_err(|e| read_err(&path, e))?;
            lines.extend(read.rows);
        }
        let orders_csv = folder.join("orders/orders.csv");
        let orders = read_orders(&orders_csv, &OrderColumns::default(), tz)
            .map_err(|e| read_err(&orders_csv, e))?
            .rows;
        let mut bundles = Bundles::default();
        let slips = orders
            .iter()
            .filter_map(|o| o.slip.clone())
            .map(|file| read_slip(folder, file, &mut bundles))
            .collect();
        let start = tz
            .from_local_datetime(&day.date().and_time(chrono::NaiveTime::MIN))
            .single()
            .ok_or_else(|| read_err(folder, "no single local midnight"))?
            .fixed_offset();
        let expected = folder.join("expected");
        let order_labels = labels(&expected.join("reconciliation.csv"))?;
        let line_labels = labels(&expected.join("statement.csv"))?
            .into_iter()
            .map(|(key, status)| {
                let (file, line) = key
                    .rsplit_once(':')
                    .and_then(|(f, l)| Some((f.to_string(), l.parse().ok()?)))
                    .ok_or_else(|| read_err(&expected, format!("bad statement line {key}")))?;
                Ok(((file, line), status))
            })
            .collect::<Result<_, LabelledError>>()?;
        Ok(LabelledDay {
            day,
            window: (start, start + chrono::Duration::days(1)),
            orders,
            lines,
            slips,
            order_labels,
            line_labels,
        })
    }
}

/// Bundles read so far: name → its lines.
type Bundles = BTreeMap<String, Vec<String>>;

/// A slip file (`x.json`) or one line of a bundle (`slips-001.jsonl#17`),
/// parsed as a saved provider body.
fn read_slip(folder: &Path, file: String, bundles: &mut Bundles) -> SlipRead {
    let slips = folder.join("slips");
    let body = match BundleLine::parse(&file) {
        Some(b) => {
            let lines = bundles.entry(b.bundle.to_string()).or_insert_with(|| {
                fs::read_to_string(slips.join(b.bundle))
                    .map(|t| t.lines().map(str::to_string).collect())
                    .unwrap_or_default()
            });
            lines
                .get(b.line - 1)
                .map(|l| l.as_bytes().to_vec())
                .ok_or_else(|| format!("{}: no line {}", b.bundle, b.line))
        }
        None => fs::read(slips.join(&file)).map_err(|e| e.to_string()),
    };
    let parsed =
        body.and_then(|bytes| recon_ocr_client::parse_saved(&bytes).map_err(|e| e.to_string()));
    match parsed {
        Ok(mut slip) => {
            slip.file = Some(file);
            SlipRead::Read(slip)
        }
        Err(reason) => SlipRead::Unreadable { file, reason },
    }
}

/// `id,status` rows of an `expected/` file.
fn labels(path: &Path) -> Result<BTreeMap<String, Status>, LabelledError> {
    let text = fs::read_to_string(path).map_err(|e| read_err(path, e))?;
    text.lines()
        .skip(1)
        .enumerate()
        .map(|(i, l)| {
            let (id, status) = l
                .split_once(',')
                .ok_or_else(|| read_err(path, format!("line {}: no comma", i + 2)))?;
            let status = status
                .parse()
                .map_err(|e| read_err(path, format!("line {}: {e}", i + 2)))?;
            Ok((id.to_string(), status))
        })
        .collect()
}
