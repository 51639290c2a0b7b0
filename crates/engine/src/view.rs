//! A reconciled day as a person looks at it (the review page): the day's
//! last result from the ledger, its cases, and the input records the rows
//! are about (statement lines with their times and references, orders,
//! slips as read), read again from the day's folder and the open items the
//! day carried.
//!
//! Reading only: no lock, no provider call (an image slip is looked up in
//! the ledger's OCR cache, nothing more), nothing written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use recon_core::carry::CarriedRecord;
use recon_core::{
    Break, Day, DayResult, InForce, Order, Provider, Rejection, Slip, SlipCache, SlipRead,
    StatementLine,
};
use recon_ledger::Ledger;
use recon_ocr_client::{BundleLine, ProviderChoice, SlipJob};

use crate::EngineError;
use crate::config::JobConfig;
use crate::reconcile::{RunPaths, list_inputs, read_orders, read_statements, safe_slip_path};

/// One reconciled day with its records.
#[derive(Debug)]
pub struct DayView {
    pub day: Day,
    pub result: DayResult,
    pub breaks: Vec<Break>,
    pub in_force: InForce,
    /// Orders by id.
    pub orders: HashMap<String, Order>,
    /// Statement lines by the name the result gives them (`kbank.csv:12`,
    /// `2026-11-20/kbank.csv:7`).
    pub lines: HashMap<String, StatementLine>,
    /// Slips as read, by file name (carried ones with their day prefix).
    pub slips: HashMap<String, Slip>,
}

impl DayView {
    /// The day as its last run left it; `None` when it was never run.
    pub fn load(
        config: &JobConfig,
        paths: &RunPaths,
        day: Day,
    ) -> Result<Option<DayView>, EngineError> {
        let ledger = Ledger::open(&paths.ledger)?;
        let Some(result) = ledger.day_result(day)? else {
            return Ok(None);
        };
        let breaks = ledger.breaks(day)?;
        let (in_force, _) = crate::decide::for_day(&ledger, day)?;
        let mut view = DayView {
            day,
            result,
            breaks,
            in_force,
            orders: HashMap::new(),
            lines: HashMap::new(),
            slips: HashMap::new(),
        };

        let day_dir = paths.data_dir.join(day.to_string());
        if day_dir.is_dir() {
            let rules = config.statement_rules(&paths.config)?;
            let (inputs, _) = list_inputs(&day_dir)?;
            let mut ignored: Vec<Rejection> = Vec::new();
            for l in read_statements(config, &rules, &day_dir, &inputs, &mut ignored) {
                view.lines.insert(l.source.to_string(), l);
            }
            for o in read_orders(config, &day_dir, &inputs, &mut ignored) {
                view.orders.insert(o.order_id.0.clone(), o);
            }
            view.read_own_slips(config, &ledger, &day_dir);
        }
        // What earlier days left open and this day carried.
        let (_, open) = ledger.open_items_before(day)?;
        for item in open {
            match item.record {
                CarriedRecord::Order(o) => {
                    view.orders.entry(o.order_id.0.clone()).or_insert(o);
                }
                CarriedRecord::StatementLine(l) => {
                    view.lines.entry(item.key).or_insert(l);
                }
                CarriedRecord::Slip(SlipRead::Read(s)) => {
                    view.slips.entry(item.key).or_insert(s);
                }
                CarriedRecord::Slip(_) => {}
            }
        }
        Ok(Some(view))
    }

    /// The day's own slips the result names: saved bodies parsed offline,
    /// pictures as the ledger's OCR cache holds them.
    fn read_own_slips(&mut self, config: &JobConfig, ledger: &Ledger, day_dir: &Path) {
        let slips_dir = day_dir.join("slips");
        let provider = match config.ocr.provider {
            ProviderChoice::Local => Provider::Local,
            ProviderChoice::Easyslip => Provider::Easyslip,
            ProviderChoice::Nextocr => Provider::Nextocr,
            ProviderChoice::Clova => Provider::Clova,
        };
        let mut saved = Vec::new();
        for s in &self.result.slips {
            if recon_core::carry::origin_of(&s.file).is_some() {
                continue;
            }
            let on_disk = BundleLine::parse(&s.file).map_or(s.file.as_str(), |b| b.bundle);
            let Ok(path) = safe_slip_path(&slips_dir, on_disk) else {
                continue;
            };
            if is_picture(&s.file) {
                if let Ok((sha, _)) = crate::reconcile::sha256_file(&path)
                    && let Some(mut slip) = ledger.cached(&sha, provider)
                {
                    slip.raw_response = None;
                    self.slips.insert(s.file.clone(), slip);
                }
            } else {
                saved.push(SlipJob {
                    file: s.file.clone(),
                    path,
                });
            }
        }
        // Saved bodies need no reader: the local one stands in, so that no
        // provider client is even built.
        let ocr = recon_ocr_client::OcrConfig {
            provider: ProviderChoice::Local,
            ..config.ocr.clone()
        };
        for read in recon_ocr_client::read_slips(saved, &ocr, &NoCache, &|_| {}) {
            if let SlipRead::Read(slip) = read
                && let Some(file) = slip.file.clone()
            {
                self.slips.insert(file, slip);
            }
        }
    }
}

struct NoCache;

impl SlipCache for NoCache {
    fn cached(&self, _: &str, _: Provider) -> Option<Slip> {
        None
    }
    fn store(&self, _: &str, _: &Slip) {}
}

/// A slip file that is a picture (the review page shows it), by its name.
pub fn is_picture(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".png", ".jpg", ".jpeg", ".webp", ".gif"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Where the picture of a slip the day's result names is, under the same
/// rules as the input contract: a plain file name inside its day's
/// `slips/` folder (a carried slip's day is its prefix), no `..`, no link,
/// a regular file, a picture.
pub fn slip_picture_path(data_dir: &Path, day: Day, name: &str) -> Result<PathBuf, String> {
    let (from, plain) = recon_core::carry::origin_of(name).unwrap_or((day, name));
    if !is_picture(plain) {
        return Err(format!("{plain:?} is not a slip picture"));
    }
    safe_slip_path(&data_dir.join(from.to_string()).join("slips"), plain)
}
