//! A run stopped between recording its day in the ledger and putting the
//! new reports in place (a power cut, `kill -9`) leaves the ledger one set
//! ahead of the disk: the complete new set waits in the day's staging
//! folder. Before anything else reads or writes reports, that set is put
//! in place when its files are exactly the ones the ledger's manifest of
//! the day lists; any other staging folder is half-written or superseded
//! and goes. So after any failure, the reports on disk are the ones the
//! ledger recorded.
//!
//! Runs settle under the ledger's run lock; `recon verify` settles only
//! when no run holds it (a run in progress publishes its own set).

use std::collections::BTreeMap;
use std::path::Path;

use recon_core::Day;
use recon_ledger::Ledger;
use tracing::{info, warn};

use crate::EngineError;
use crate::manifest::Manifest;
use crate::reconcile::sha256_file;

/// Settles every staging folder in `reports_dir`; returns the days whose
/// recorded set was put in place. The caller holds the ledger's lock.
pub(crate) fn settle_interrupted_publishes(
    ledger: &Ledger,
    reports_dir: &Path,
) -> Result<Vec<Day>, EngineError> {
    let mut settled = Vec::new();
    for leftover in recon_report::leftovers(reports_dir)? {
        let recorded = match leftover.day.parse::<Day>() {
            Ok(day) => recorded_reports(ledger, day)?.map(|r| (day, r)),
            Err(_) => None,
        };
        match recorded {
            Some((day, reports)) if holds_exactly(&leftover.dir, &reports)? => {
                warn!(%day, folder = %leftover.dir.display(), "a run was stopped after the ledger recorded the day: putting its reports in place");
                leftover.publish(reports_dir)?;
                settled.push(day);
            }
            _ => {
                info!(folder = %leftover.dir.display(), "removing an unfinished report set");
                leftover.discard()?;
            }
        }
    }
    Ok(settled)
}

/// The report files (name → SHA-256) the ledger's last run of `day` lists.
fn recorded_reports(
    ledger: &Ledger,
    day: Day,
) -> Result<Option<BTreeMap<String, String>>, EngineError> {
    let Some((_, run)) = ledger.recorded_days()?.into_iter().find(|(d, _)| *d == day) else {
        return Ok(None);
    };
    let Some(json) = ledger.manifest(run)? else {
        return Ok(None);
    };
    let Ok(manifest) = Manifest::from_json(&json) else {
        return Ok(None);
    };
    Ok(Some(
        manifest
            .reports
            .into_iter()
            .map(|f| (f.name, f.sha256))
            .collect(),
    ))
}

/// Whether `dir` holds exactly the files `reports` lists, each with its
/// recorded digest.
fn holds_exactly(dir: &Path, reports: &BTreeMap<String, String>) -> Result<bool, EngineError> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| EngineError::io(dir, e))? {
        let entry = entry.map_err(|e| EngineError::io(dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    if names.len() != reports.len() || names.iter().any(|n| !reports.contains_key(n)) {
        return Ok(false);
    }
    for (name, sha256) in reports {
        if sha256_file(&dir.join(name))?.0 != *sha256 {
            return Ok(false);
        }
    }
    Ok(true)
}
