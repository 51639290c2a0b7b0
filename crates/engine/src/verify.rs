//! `recon verify`: what an auditor runs to check that history was not
//! rewritten and that the reports on disk are the ones Recon produced.
//!
//! Every finished run records a manifest in the ledger (the SHA-256 of each
//! input and report file, and of the manifest before it). Verifying walks
//! that chain, then, for each recorded day (or the one asked for), hashes
//! the files its last run listed. A report that differs, is missing or was
//! added after the run fails the check; an input that is no longer on disk
//! (archived) is only noted, an input that changed fails it.

use recon_core::Day;
use recon_ledger::Ledger;

use crate::EngineError;
use crate::manifest::{FileDigest, Manifest};
use crate::reconcile::{RunPaths, sha256_file};

/// What `recon verify` found, one line per finding, and whether all held.
#[derive(Debug, Clone, Default)]
pub struct Verification {
    pub ok: bool,
    pub lines: Vec<String>,
}

impl Verification {
    fn fail(&mut self, line: String) {
        self.ok = false;
        self.lines.push(format!("FAIL {line}"));
    }
}

/// Checks the manifest chain and the files of `day` (or of every recorded
/// day when `None`).
pub fn verify(paths: &RunPaths, day: Option<Day>) -> Result<Verification, EngineError> {
    let ledger = Ledger::open(&paths.ledger)?;
    let mut v = Verification {
        ok: true,
        lines: Vec::new(),
    };
    // A run stopped between recording and publishing left the recorded set
    // staged: put it in place first, unless a run holds the ledger now.
    if let Some(_lock) = ledger.try_lock_ledger()? {
        for settled in crate::settle::settle_interrupted_publishes(&ledger, &paths.reports_dir)? {
            v.lines.push(format!(
                "note {settled}: a run was stopped after recording the day; its reports were put in place now"
            ));
        }
    }
    let chain = ledger.verify_manifest_chain()?;
    for broken in &chain.broken {
        v.fail(format!("manifest chain: {broken}"));
    }
    if chain.broken.is_empty() {
        v.lines.push(format!(
            "ok   manifest chain: {} runs linked",
            chain.runs_checked
        ));
    }

    // Decisions are a hash chain of their own; each run's manifest names
    // the head it started from, so that head must still be in the chain.
    let decision_problems = ledger.verify_decisions()?;
    for p in &decision_problems {
        v.fail(format!("decisions: {p}"));
    }
    let recorded = ledger.decisions(None)?;
    if decision_problems.is_empty() && !recorded.is_empty() {
        v.lines.push(format!(
            "ok   decisions: {} recorded, chain intact",
            recorded.len()
        ));
    }
    let heads: std::collections::BTreeSet<&str> =
        recorded.iter().map(|r| r.sha256.as_str()).collect();

    let days: Vec<(Day, recon_ledger::RunId)> = ledger
        .recorded_days()?
        .into_iter()
        .filter(|(d, _)| day.is_none_or(|want| want == *d))
        .collect();
    if let Some(want) = day
        && days.is_empty()
    {
        v.fail(format!(
            "{want}: the ledger has no recorded run of this day"
        ));
    }
    for (d, run) in days {
        let Some(json) = ledger.manifest(run)? else {
            v.fail(format!("{d}: run {run} recorded results but no manifest"));
            continue;
        };
        let manifest = Manifest::from_json(&json).map_err(|e| {
            EngineError::Usage(format!("the manifest of run {run} ({d}) is not JSON: {e}"))
        })?;
        if let Some(head) = &manifest.decisions_sha256
            && !heads.contains(head.as_str())
        {
            v.fail(format!(
                "{d}: the run was made with decision {head:.12}…, which the ledger no longer holds (a decision was edited or deleted)"
            ));
        }
        check_day(&mut v, d, &manifest, paths)?;
    }
    Ok(v)
}

fn check_day(
    v: &mut Verification,
    day: Day,
    manifest: &Manifest,
    paths: &RunPaths,
) -> Result<(), EngineError> {
    let report_dir = paths.reports_dir.join(day.to_string());
    let listed = &manifest.reports;
    let mut bad = 0;
    for FileDigest { name, sha256, .. } in listed {
        let path = report_dir.join(name);
        if !path.is_file() {
            v.fail(format!("{day}: report {name} is missing"));
            bad += 1;
        } else if sha256_file(&path)?.0 != *sha256 {
            v.fail(format!(
                "{day}: report {name} differs from the one run recorded"
            ));
            bad += 1;
        }
    }
    if let Ok(dir) = std::fs::read_dir(&report_dir) {
        let mut extra: Vec<String> = dir
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| !n.starts_with('.') && !listed.iter().any(|l| l.name == *n))
            .collect();
        extra.sort();
        for name in extra {
            v.fail(format!(
                "{day}: report folder holds {name}, which no run wrote"
            ));
            bad += 1;
        }
    }
    let day_dir = paths.data_dir.join(day.to_string());
    let mut archived = 0;
    for FileDigest { name, sha256, .. } in &manifest.inputs {
        let path = day_dir.join(name);
        if !path.is_file() {
            archived += 1;
        } else if sha256_file(&path)?.0 != *sha256 {
            v.fail(format!("{day}: input {name} changed since the run"));
            bad += 1;
        }
    }
    if bad == 0 {
        let note = if archived > 0 {
            format!(" ({archived} inputs no longer on disk)")
        } else {
            String::new()
        };
        v.lines.push(format!(
            "ok   {day}: {} reports match the manifest{note}",
            listed.len()
        ));
    }
    Ok(())
}
