//! After a run: its summary as the notifications carry it
//! ([`recon_notify::RunSummary`]), sent to the `[[notify]]` rules of the
//! job config that fire. A notification that cannot be delivered is logged
//! and never changes the run's exit code: the reports are already written.

use std::path::Path;

use recon_core::Day;
use recon_engine::config::JobConfig;
use recon_engine::reconcile::RunOutcome;
use recon_notify::{Delivery, Money, ProviderHealth, RunSummary, TopCase};
use recon_report::words;

use crate::exit;

/// The summary of a finished day.
pub fn of_outcome(outcome: &RunOutcome, code: u8) -> RunSummary {
    let health = &outcome.provider_health;
    RunSummary {
        day: outcome.day.to_string(),
        exit_code: code,
        outcome: exit::word(code).to_string(),
        orders: outcome.orders as u64,
        matched: outcome.matched as u64,
        cases: outcome.cases as u64,
        quarantined: outcome.quarantined as u64,
        provider_health: ProviderHealth {
            provider: health.provider.to_string(),
            status: health.status.to_string(),
            reason: health.reason.map(|r| r.as_str().to_string()),
            pending_slips: health.pending_slips,
        },
        report_dir: outcome.report_dir.display().to_string(),
        error: None,
        money: outcome
            .money
            .iter()
            .map(|m| Money {
                currency: m.currency.code().to_string(),
                matched: recon_core::Money::new(m.matched, m.currency).plain(),
                open: recon_core::Money::new(m.open, m.currency).plain(),
            })
            .collect(),
        top_cases: outcome
            .top_cases
            .iter()
            .map(|c| TopCase {
                id: c.id.clone(),
                status: c.status.as_str().to_string(),
                status_en: words::status_en(c.status).to_string(),
                name: c.name.clone(),
                amount: c.amount.map(|m| m.plain()).unwrap_or_default(),
                currency: c
                    .amount
                    .map(|m| m.currency.code().to_string())
                    .unwrap_or_default(),
                next_step: words::next_step_en(c.status).to_string(),
            })
            .collect(),
    }
}

/// The summary of a day that did not finish.
pub fn of_failure(day: Day, report_dir: &Path, error: &str) -> RunSummary {
    RunSummary {
        day: day.to_string(),
        exit_code: exit::FAILURE,
        outcome: exit::word(exit::FAILURE).to_string(),
        orders: 0,
        matched: 0,
        cases: 0,
        quarantined: 0,
        provider_health: ProviderHealth {
            provider: String::new(),
            status: "unknown".into(),
            reason: None,
            pending_slips: 0,
        },
        report_dir: report_dir.display().to_string(),
        error: Some(error.to_string()),
        money: Vec::new(),
        top_cases: Vec::new(),
    }
}

/// Sends the notifications that fire for `summary` (recon-notify logs each
/// delivery, without secrets) and returns what became of them.
pub fn after_run(config: &JobConfig, summary: &RunSummary) -> Vec<Delivery> {
    if config.notify.is_empty() {
        return Vec::new();
    }
    recon_notify::send_all(&config.notify, summary, Path::new(&summary.report_dir))
}
