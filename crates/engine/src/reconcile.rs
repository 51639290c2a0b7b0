//! `recon reconcile --day D`: one day from input files to reports and ledger.
//!
//! The order of steps is chosen for crash safety: nothing is written until
//! matching is done; reports are swapped into place as a complete set; the
//! ledger's day is replaced in one transaction. A crash at any point leaves
//! the previous reports and the previous ledger state of the day intact, and
//! the next run simply does the day again.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::Utc;
use recon_core::carry::{self, CarriedRecord, Lifecycle, OpenItem};
use recon_core::{
    Currency, Day, DayResult, Decimal, InputFile, Money, Order, ProviderHealth, Rejection, SlipKey,
    SlipRead, StatementLine, Status, TrendPoint,
};
use recon_ingest::{Ingested, ReadOptions};
use recon_ledger::{DayCarry, Ledger, ManifestLink, RunId, RunStatus};
use recon_ocr_client::{BundleLine, Credentials, SlipJob, is_bundle};
use recon_report::{DayRecords, ReportInput};
use tracing::{info, warn};

use crate::EngineError;
use crate::Progress;
use crate::config::{JobConfig, ResolvedRule};
pub(crate) use crate::inputs::{list_inputs, sha256_file};
use crate::manifest::{FileDigest, Manifest};
use crate::timings::{Timings, crash_point};

/// Where a run reads and writes, after command-line overrides.
#[derive(Debug, Clone)]
pub struct RunPaths {
    pub config: PathBuf,
    pub data_dir: PathBuf,
    pub reports_dir: PathBuf,
    pub ledger: PathBuf,
}

/// What a finished run tells its caller (and cron, through the exit code).
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub day: Day,
    pub report_dir: PathBuf,
    pub orders: usize,
    pub matched: usize,
    /// Open cases (`recon_core::open_cases`): one payment problem, however
    /// many rows of `exceptions.csv` it touches; carried ones included.
    pub cases: usize,
    pub quarantined: usize,
    pub status: RunStatus,
    /// How the slip reader fared: a stopped provider is the operator's to
    /// fix, not finance's (the CLI exits with its own code).
    pub provider_health: ProviderHealth,
    /// Money per currency, in currency order: what matched and what the
    /// open cases are about.
    pub money: Vec<MoneyFigures>,
    /// The riskiest open cases, in queue order (at most [`TOP_CASES`]).
    pub top_cases: Vec<CaseBrief>,
}

/// How many open cases a run's outcome names (for notifications).
pub const TOP_CASES: usize = 10;

/// One currency's money of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyFigures {
    pub currency: Currency,
    /// The expected amounts of the orders that are `matched`.
    pub matched: Decimal,
    /// The amounts of the open cases.
    pub open: Decimal,
}

/// An open case, in short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseBrief {
    /// The order id, statement line or slip file the case is about.
    pub id: String,
    pub status: Status,
    /// The customer, or the payer for a lone line.
    pub name: String,
    pub amount: Option<Money>,
}

/// Reconciles one day. `wait` decides what happens when another run holds
/// the day: wait for it, or fail at once with a clear message.
///
/// A rerun of a day that later days depend on (they carried its open items
/// or share its slips) fails with [`EngineError::LaterDaysDepend`] if its
/// result changed, before anything is written; [`reconcile_cascade`]
/// recomputes them all instead.
pub fn reconcile_day(
    config: &JobConfig,
    paths: &RunPaths,
    day: Day,
    wait: bool,
    progress: &dyn Progress,
) -> Result<RunOutcome, EngineError> {
    reconcile_one(config, paths, day, wait, false, progress)
}

/// Reconciles `day`, then every later recorded day whose results depend on
/// it, oldest first, so that the ledger and the reports of those days
/// follow the new result of `day`. Refuses before starting when one of
/// those days has lost its input folder.
pub fn reconcile_cascade(
    config: &JobConfig,
    paths: &RunPaths,
    day: Day,
    wait: bool,
    progress: &dyn Progress,
) -> Result<Vec<RunOutcome>, EngineError> {
    let mut later: BTreeSet<Day> = {
        let ledger = Ledger::open(&paths.ledger)?;
        later_days(&ledger, day, config.lookback_days)?
            .into_iter()
            .collect()
    };
    if let Some(missing) = later
        .iter()
        .find(|d| !paths.data_dir.join(d.to_string()).is_dir())
    {
        return Err(EngineError::Usage(format!(
            "cannot recompute {day} and the days after it: the input folder of {missing} ({}) is gone, so {missing} could not be recomputed; nothing was changed",
            paths.data_dir.join(missing.to_string()).display()
        )));
    }
    let mut outcomes = vec![reconcile_one(config, paths, day, wait, true, progress)?];
    // The rerun may have made new days depend on `day` (a slip key it now
    // registers): ask again.
    later.extend(Ledger::open(&paths.ledger)?.days_depending_on(day)?);
    for d in later {
        info!(day = %d, because_of = %day, "recomputing a later day");
        outcomes.push(reconcile_one(config, paths, d, wait, true, progress)?);
    }
    Ok(outcomes)
}

/// The days `recon nightly` runs at `now`, oldest first: every ended
/// business day after the last one the ledger holds results for that has
/// an input folder (a machine that was off for two nights loses neither),
/// no further back than `lookback_days`; and always the last ended day,
/// whose missing folder is an error the operator must see. With an empty
/// ledger, the last ended day only: a first install does not reconcile
/// every old folder it finds.
pub fn nightly_days(
    config: &JobConfig,
    paths: &RunPaths,
    now: chrono::DateTime<Utc>,
) -> Result<Vec<Day>, EngineError> {
    let last = config.last_complete_day(now);
    let recorded = if paths.ledger.exists() {
        Ledger::open(&paths.ledger)?
            .recorded_days()?
            .into_iter()
            .map(|(d, _)| d)
            .filter(|d| *d < last)
            .max()
    } else {
        None
    };
    let mut days = Vec::new();
    if let Some(recorded) = recorded {
        let mut day = recorded.next();
        while day < last {
            let back = carry::days_between(day, last);
            if back <= config.lookback_days && paths.data_dir.join(day.to_string()).is_dir() {
                days.push(day);
            }
            day = day.next();
        }
    }
    days.push(last);
    Ok(days)
}

fn reconcile_one(
    config: &JobConfig,
    paths: &RunPaths,
    day: Day,
    wait: bool,
    cascade: bool,
    progress: &dyn Progress,
) -> Result<RunOutcome, EngineError> {
    let day_dir = paths.data_dir.join(day.to_string());
    if !day_dir.is_dir() {
        return Err(EngineError::NoDayFolder { day, path: day_dir });
    }
    let rules = config.statement_rules(&paths.config)?;
    let ledger = Ledger::open(&paths.ledger)?;
    let _lock = ledger.lock_run(day, wait)?;
    crate::settle::settle_interrupted_publishes(&ledger, &paths.reports_dir)?;
    let started_at = Utc::now().fixed_offset();
    info!(%day, folder = %day_dir.display(), "reconciling");

    let mut timings = Timings::default();
    let (inputs, refused) = timings.time("inputs", || list_inputs(&day_dir))?;
    let run = ledger.begin_run(day, started_at, &inputs)?;

    let result = (|| {
        let mut quarantine = refused;
        let (lines, orders) = timings.time("ingest", || {
            // Statements and orders are independent files: one thread each.
            let (lines, (orders, order_rejects)) = std::thread::scope(|s| {
                let orders = s.spawn(|| {
                    let mut rejected = Vec::new();
                    let orders = read_orders(config, &day_dir, &inputs, &mut rejected);
                    (orders, rejected)
                });
                let lines = read_statements(config, &rules, &day_dir, &inputs, &mut quarantine);
                let orders = orders
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                (lines, orders)
            });
            quarantine.extend(order_rejects);
            (lines, orders)
        });
        // One session for the run's provider calls: a stop (quota,
        // credentials, down) on the day's slips holds for the carried ones.
        let ocr = recon_ocr_client::OcrSession::new();
        let (mut slips, mut health) = timings.time("slips", || {
            read_slips(config, &ledger, &day_dir, &inputs, &orders, progress, &ocr)
        });

        // Only the day's own slips are looked up in (and later added to) the
        // registry: a carried slip was registered on its own day.
        let mut keys: Vec<SlipKey> = slips
            .iter()
            .filter_map(|s| match s {
                SlipRead::Read(slip) => Some(slip.registry_keys()),
                _ => None,
            })
            .flatten()
            .collect();
        // Sorted and each once, as a set would give them, without a tree
        // of two million keys.
        keys.sort_unstable();
        keys.dedup();
        let prior_uses = timings.time("prior_uses", || {
            prior_uses(&ledger, &paths.ledger, &keys, day)
        })?;
        // Two million keys at a million slips: let them go now.
        drop(keys);

        // Days are not islands: what earlier runs left open comes back.
        let own_slips = slips.len();
        let (mut lines, mut orders) = (lines, orders);
        let (carried_from, previous, frozen, expired) = timings.time("carry", || {
            let (carried_from, previous, expired) = open_items(config, &ledger, day)?;
            let (carried, frozen) = carry::split_open(&previous);
            let frozen: Vec<OpenItem> = frozen.into_iter().cloned().collect();
            lines.extend(carried.lines);
            orders.extend(carried.orders);
            let (reread, reread_health) =
                reread_pending_slips(config, &ledger, &paths.data_dir, carried.slips, &ocr);
            slips.extend(reread);
            health = health.clone().worst(reread_health);
            Ok::<_, EngineError>((carried_from, previous, frozen, expired))
        })?;
        let frozen: Vec<&OpenItem> = frozen.iter().collect();

        let (in_force, decided) = crate::decide::for_day(&ledger, day)?;
        let window = config.day_window(day);
        let input = recon_matcher::DayInput {
            day,
            window,
            orders: &orders,
            lines: &lines,
            slips: &slips,
            our_accounts: &config.accounts,
            prior_uses: &prior_uses,
            decided: &decided,
        };
        let mut result = timings.time("match", || {
            recon_matcher::match_day(&input, &config.matching)
        });
        carry::append_frozen(&mut result, &frozen);
        let decisions = recon_matcher::decided::apply(&mut result, &in_force);
        // What waited longer than the look-back without a decision is shown
        // once more, as it last stood, with `expired`, and then let go.
        let expired = carry::expire(&expired, day);
        carry::append_frozen(&mut result, &expired.iter().collect::<Vec<_>>());
        let breaks = carry::breaks(day, &result, &previous);
        let open = carry::open_after(
            day,
            &result,
            carry::DayInputs {
                orders: &orders,
                lines: &lines,
                slips: &slips,
            },
            &previous,
            &breaks,
        );
        quarantine.sort();
        refuse_silent_rewrite(&ledger, day, &result, cascade, config.lookback_days)?;
        // The reports join rows to their records for times and references:
        // the frozen items' records go in too (after matching, which must
        // not see them).
        for item in frozen.iter().copied().chain(&expired) {
            match &item.record {
                CarriedRecord::Order(o) => orders.push(o.clone()),
                CarriedRecord::StatementLine(l) => lines.push(l.clone()),
                CarriedRecord::Slip(s) => slips.push(s.clone()),
            }
        }

        // The trend is the earlier days as the ledger has them plus today as
        // just computed, so the reports do not depend on whether an earlier
        // run of this same day had already been recorded.
        let cases = recon_core::open_cases(&result);
        let mut trend = ledger.trend(day.previous(), 29)?;
        trend.push(trend_point(&result, cases as u64));

        let report = ReportInput {
            result: &result,
            quarantine: &quarantine,
            inputs: &inputs,
            trend: &trend,
            breaks: &breaks,
            tool_version: env!("CARGO_PKG_VERSION"),
            decisions: &decisions,
            provider_health: Some(&health),
        };
        let records = DayRecords {
            orders: &orders,
            lines: &lines,
            slips: &slips,
        };
        let formats = config.export_formats();
        let currencies = config.currencies();
        let exports = recon_report::export::Exports {
            formats: &formats,
            timezone: config.timezone,
            currencies: &currencies,
        };
        // Staged, not yet in place: the ledger records the day first, and
        // the reports are swapped in only once it has, so that after any
        // failure the reports on disk are the ones the ledger recorded.
        let staged = timings.time("report", || {
            recon_report::stage_day_reports(&paths.reports_dir, &report, &records, Some(&exports))
        })?;

        // The reports were the last readers of the records: the orders and
        // lines go before the ledger's write (the open set keeps its own
        // copies), the slips move to it (a copy of a million slips would
        // cost ~0.5 GB). Only the day's own slips are registered.
        drop((orders, lines));
        let read: Vec<_> = slips
            .into_iter()
            .take(own_slips)
            .filter_map(|s| match s {
                SlipRead::Read(slip) => Some(slip),
                _ => None,
            })
            .collect();
        let day_carry = DayCarry {
            carried_from,
            open: &open,
            breaks: &breaks,
        };
        let (link, written) = timings.time("ledger", || -> Result<_, EngineError> {
            ledger.record_day_with(run, &result, &read, &day_carry)?;
            let link = record_manifest(&ledger, run, day, carried_from, &inputs, &staged.paths())?;
            crash_point("ledger_recorded");
            Ok((link, staged.publish()?))
        })?;
        info!(files = written.len(), folder = %paths.reports_dir.join(day.to_string()).display(), "reports written");
        info!(manifest = %link.sha256, "manifest recorded");
        Ok::<_, EngineError>((result, quarantine, breaks, cases, health))
    })();

    let finished_at = Utc::now().fixed_offset();
    match result {
        Ok((result, quarantine, breaks, cases, health)) => {
            let outcome = outcome_of(day, &paths.reports_dir, &result, cases, &quarantine, health);
            let count = |l: Lifecycle| breaks.iter().filter(|b| b.lifecycle == l).count();
            let summary = serde_json::json!({
                "orders": outcome.orders,
                "matched": outcome.matched,
                "exceptions": exception_rows(&result),
                "cases": outcome.cases,
                "quarantined": outcome.quarantined,
                "provider_health": outcome.provider_health,
                "breaks_new": count(Lifecycle::New),
                "breaks_persisting": count(Lifecycle::Persisting),
                "breaks_resolved": count(Lifecycle::Resolved),
                "stage_ms": timings.as_json(),
            });
            ledger.finish_run(run, finished_at, outcome.status, &summary.to_string())?;
            Ok(outcome)
        }
        Err(e) => {
            let summary = serde_json::json!({ "error": e.to_string() });
            if let Err(le) =
                ledger.finish_run(run, finished_at, RunStatus::Failed, &summary.to_string())
            {
                warn!(error = %le, "could not record the failed run in the ledger");
            }
            Err(e)
        }
    }
}

/// What a run starts from: the day it carries from, the open items it
/// carries, and those that expire today.
type OpenSet = (Option<Day>, Vec<OpenItem>, Vec<OpenItem>);

/// The open set the run starts from: what the latest recorded day before
/// `day` left open, apart from what is older than the look-back, which
/// expires today (logged, and reported once more).
fn open_items(config: &JobConfig, ledger: &Ledger, day: Day) -> Result<OpenSet, EngineError> {
    let (from, items) = ledger.open_items_before(day)?;
    let (items, expired): (Vec<OpenItem>, Vec<OpenItem>) = items
        .into_iter()
        .partition(|i| carry::days_between(i.origin_day, day) <= config.lookback_days);
    if !expired.is_empty() {
        warn!(
            expired = expired.len(),
            lookback_days = config.lookback_days,
            "open items older than the look-back expire today: reported once more, then no longer carried"
        );
    }
    if let Some(from) = from {
        info!(%from, carried = items.len(), "open items carried over");
    }
    Ok((from, items, expired))
}

/// Carried slips that no provider could read on their own day (quota,
/// outage) are read again now, from their own day's folder; the others
/// come back as they were read.
fn reread_pending_slips(
    config: &JobConfig,
    ledger: &Ledger,
    data_dir: &Path,
    slips: Vec<SlipRead>,
    session: &recon_ocr_client::OcrSession,
) -> (Vec<SlipRead>, ProviderHealth) {
    let (pending, mut out): (Vec<SlipRead>, Vec<SlipRead>) = slips
        .into_iter()
        .partition(|s| matches!(s, SlipRead::Pending { .. }));
    let mut jobs = Vec::new();
    for slip in pending {
        let file = slip.file().to_string();
        let located = carry::origin_of(&file)
            .ok_or_else(|| format!("carried slip {file:?} has no day"))
            .and_then(|(origin, name)| {
                safe_slip_path(&data_dir.join(origin.to_string()).join("slips"), name)
            });
        match located {
            Ok(path) => jobs.push(SlipJob { file, path }),
            Err(reason) => out.push(SlipRead::Unreadable { file, reason }),
        }
    }
    let mut health = ProviderHealth::ok(provider_of(config));
    if !jobs.is_empty() {
        info!(slips = jobs.len(), "reading carried slips again");
        let (reads, h) = recon_ocr_client::read_slips_checked(
            jobs,
            &config.ocr,
            ledger,
            &|_| {},
            &Credentials::Environment,
            session,
        );
        out.extend(reads);
        health = h;
    }
    (out, health)
}

/// The reader the config names, as slips record it.
fn provider_of(config: &JobConfig) -> recon_core::Provider {
    use recon_ocr_client::ProviderChoice;
    match config.ocr.provider {
        ProviderChoice::Local => recon_core::Provider::Local,
        ProviderChoice::Easyslip => recon_core::Provider::Easyslip,
        ProviderChoice::Nextocr => recon_core::Provider::Nextocr,
        ProviderChoice::Clova => recon_core::Provider::Clova,
    }
}

/// The recorded days built on `day`: those that carried its items or
/// share its slips, and, while `day` was never recorded, every recorded
/// day after it within `lookback_days` (they would have carried its open
/// items and known its slips: they were built on a gap).
fn later_days(ledger: &Ledger, day: Day, lookback_days: u32) -> Result<Vec<Day>, EngineError> {
    let mut later = ledger.days_depending_on(day)?;
    let recorded = ledger.recorded_days()?;
    if !recorded.iter().any(|(d, _)| *d == day) {
        let until = day.date() + chrono::Days::new(u64::from(lookback_days));
        later.extend(
            recorded
                .iter()
                .map(|(d, _)| *d)
                .filter(|d| *d > day && d.date() <= until),
        );
    }
    later.sort();
    later.dedup();
    Ok(later)
}

/// A rerun of a day that later days built on must not change it under
/// them: when the recomputed result differs from the recorded one, refuse
/// (naming those days) unless the caller will recompute them too.
fn refuse_silent_rewrite(
    ledger: &Ledger,
    day: Day,
    result: &DayResult,
    cascade: bool,
    lookback_days: u32,
) -> Result<(), EngineError> {
    if cascade {
        return Ok(());
    }
    let later = later_days(ledger, day, lookback_days)?;
    if later.is_empty() {
        return Ok(());
    }
    if ledger.day_result_matches(result)? {
        info!(%day, "rerun gives the recorded result; later days stay valid");
        return Ok(());
    }
    let recorded = ledger.recorded_days()?.iter().any(|(d, _)| *d == day);
    Err(if recorded {
        EngineError::LaterDaysDepend { day, later }
    } else {
        EngineError::LaterDaysSkipped { day, later }
    })
}

/// Records the run's manifest: the SHA-256 of every input and report file
/// and of the manifest before it, so an auditor can check the reports came
/// from those inputs and that no earlier run was rewritten (`recon verify`).
fn record_manifest(
    ledger: &Ledger,
    run: RunId,
    day: Day,
    carried_from: Option<Day>,
    inputs: &[InputFile],
    reports: &[PathBuf],
) -> Result<ManifestLink, EngineError> {
    let mut files = Vec::with_capacity(reports.len());
    for path in reports {
        let (sha256, bytes) = sha256_file(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push(FileDigest {
            bytes,
            name,
            sha256,
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let inputs: Vec<FileDigest> = inputs
        .iter()
        .map(|i| FileDigest {
            bytes: i.bytes,
            name: i.name.clone(),
            sha256: i.sha256.clone(),
        })
        .collect();
    let decisions_sha256 = ledger.decision_chain_head()?;
    Ok(ledger.record_manifest_with(run, |previous| {
        Manifest {
            carried_from,
            day,
            decisions_sha256,
            inputs,
            previous_manifest_sha256: previous.map(str::to_string),
            reports: files,
            run_id: run.0,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        }
        .to_json()
    })?)
}

/// Earlier days' uses of the day's slip keys. A million slips bring two
/// million keys, each one indexed look-up: the second half goes to a second
/// connection on its own thread (WAL readers do not block each other; the
/// day lock keeps writers of this day away).
fn prior_uses(
    ledger: &Ledger,
    path: &Path,
    keys: &[SlipKey],
    day: Day,
) -> Result<std::collections::BTreeMap<SlipKey, recon_core::PriorUse>, EngineError> {
    prior_uses_split(ledger, path, keys, day, 20_000)
}

fn prior_uses_split(
    ledger: &Ledger,
    path: &Path,
    keys: &[SlipKey],
    day: Day,
    split_from: usize,
) -> Result<std::collections::BTreeMap<SlipKey, recon_core::PriorUse>, EngineError> {
    if keys.len() < split_from.max(2) {
        return Ok(ledger.prior_uses(keys, day)?);
    }
    let (first, second) = keys.split_at(keys.len() / 2);
    let second_ledger = Ledger::open(path)?;
    let (a, b) = std::thread::scope(|s| {
        let b = s.spawn(|| second_ledger.prior_uses(second, day));
        let a = ledger.prior_uses(first, day);
        (a, b.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
    });
    let mut uses = a?;
    uses.extend(b?);
    Ok(uses)
}

/// What the run tells its caller. `cases` is the day's open cases: every
/// open one needs review, carried ones included, so a break stays on the
/// list (and the exit code says so) until it is resolved.
fn outcome_of(
    day: Day,
    reports_dir: &Path,
    result: &DayResult,
    cases: usize,
    quarantine: &[Rejection],
    provider_health: ProviderHealth,
) -> RunOutcome {
    let point = trend_point(result, cases as u64);
    let (money, top_cases) = brief(result);
    let status = if cases == 0 && quarantine.is_empty() {
        RunStatus::Clean
    } else {
        RunStatus::Exceptions
    };
    RunOutcome {
        day,
        report_dir: reports_dir.join(day.to_string()),
        orders: point.orders as usize,
        matched: point.matched as usize,
        cases,
        quarantined: quarantine.len(),
        status,
        provider_health,
        money,
        top_cases,
    }
}

/// The money per currency and the riskiest open cases of a result.
fn brief(result: &DayResult) -> (Vec<MoneyFigures>, Vec<CaseBrief>) {
    use std::collections::BTreeMap;
    let mut money: BTreeMap<Currency, (Decimal, Decimal)> = BTreeMap::new();
    for o in result.orders.iter().filter(|o| o.status == Status::Matched) {
        money.entry(o.expected.currency).or_default().0 += o.expected.amount;
    }
    let mut top = Vec::new();
    for case in recon_core::cases(result)
        .into_iter()
        .filter(|c| c.is_open())
    {
        if let Some(m) = case.amount {
            money.entry(m.currency).or_default().1 += m.amount;
        }
        if top.len() < TOP_CASES {
            let name = case
                .order
                .map(|o| o.customer_name.clone())
                .or_else(|| case.lines.first().and_then(|l| l.counterparty_name.clone()))
                .unwrap_or_default();
            top.push(CaseBrief {
                id: case.anchor.id.clone(),
                status: case.status,
                name,
                amount: case.amount,
            });
        }
    }
    let money = money
        .into_iter()
        .map(|(currency, (matched, open))| MoneyFigures {
            currency,
            matched,
            open,
        })
        .collect();
    (money, top)
}

/// Rows of `exceptions.csv` that are open (money going out is none): the
/// run summary's secondary `exceptions` figure.
fn exception_rows(result: &DayResult) -> usize {
    let open = |s: Status| s.is_exception();
    result.orders.iter().filter(|o| open(o.status)).count()
        + result
            .statement
            .iter()
            .filter(|l| open(l.status) && l.amount.is_positive())
            .count()
        + result.slips.iter().filter(|s| open(s.status)).count()
}

/// The day's own orders (not those carried from earlier days), as the
/// ledger's trend counts them, and the day's open `cases`.
fn trend_point(result: &DayResult, cases: u64) -> TrendPoint {
    let own = result
        .orders
        .iter()
        .filter(|o| carry::origin_of(&o.source.file).is_none());
    let (orders, matched) = own.fold((0u64, 0u64), |(n, m), o| {
        (n + 1, m + u64::from(o.status == Status::Matched))
    });
    TrendPoint {
        day: result.day,
        orders,
        matched,
        cases,
    }
}

fn file_name_of(input: &InputFile) -> &str {
    input
        .name
        .split_once('/')
        .map(|(_, n)| n)
        .unwrap_or(&input.name)
}

/// A file that cannot be read at all goes to the quarantine as one row with
/// no line, and the rest of the day goes on. The reason names the file as
/// the day folder knows it (`statements/kbank.csv`), not by where the data
/// folder happens to be on this machine.
fn quarantine_file(
    quarantine: &mut Vec<Rejection>,
    day_dir: &Path,
    input: &InputFile,
    error: &dyn std::fmt::Display,
) {
    let absolute = day_dir.join(&input.name).display().to_string();
    let reason = error.to_string().replace(&absolute, &input.name);
    let file = file_name_of(input);
    warn!(file, error = %reason, "input file rejected");
    quarantine.push(Rejection {
        file: file.to_string(),
        line: None,
        column: None,
        value: None,
        reason,
    });
}

fn keep<T>(ingested: Ingested<T>, rows: &mut Vec<T>, quarantine: &mut Vec<Rejection>) {
    // The first file's rows are taken as they are, not copied.
    if rows.is_empty() {
        *rows = ingested.rows;
    } else {
        rows.extend(ingested.rows);
    }
    quarantine.extend(ingested.rejected);
}

pub(crate) fn read_statements(
    config: &JobConfig,
    rules: &[ResolvedRule],
    day_dir: &Path,
    inputs: &[InputFile],
    quarantine: &mut Vec<Rejection>,
) -> Vec<StatementLine> {
    let canonical = recon_ingest::Profile::builtin("canonical").expect("canonical profile ships");
    let mut lines = Vec::new();
    for input in inputs.iter().filter(|i| i.kind == "statements") {
        let name = file_name_of(input);
        let rule = rules.iter().find(|r| r.matcher.is_match(name));
        let (profile, account, currency) = match rule {
            Some(r) => (&r.profile, r.rule.account.clone(), r.rule.currency),
            None => (&canonical, None, None),
        };
        let opts = ReadOptions {
            tz: config.timezone,
            account,
            currency,
        };
        match recon_ingest::read_statement(&day_dir.join(&input.name), profile, &opts) {
            Ok(ingested) => {
                info!(
                    file = name,
                    rows = ingested.rows.len(),
                    rejected = ingested.rejected.len(),
                    "statement read"
                );
                keep(ingested, &mut lines, quarantine);
            }
            Err(e) => quarantine_file(quarantine, day_dir, input, &e),
        }
    }
    lines
}

pub(crate) fn read_orders(
    config: &JobConfig,
    day_dir: &Path,
    inputs: &[InputFile],
    quarantine: &mut Vec<Rejection>,
) -> Vec<Order> {
    let mut orders = Vec::new();
    for input in inputs.iter().filter(|i| i.kind == "orders") {
        let name = file_name_of(input);
        match recon_ingest::read_orders(&day_dir.join(&input.name), &config.orders, config.timezone)
        {
            Ok(ingested) => {
                info!(
                    file = name,
                    rows = ingested.rows.len(),
                    rejected = ingested.rejected.len(),
                    "orders read"
                );
                keep(ingested, &mut orders, quarantine);
            }
            Err(e) => quarantine_file(quarantine, day_dir, input, &e),
        }
    }
    orders
}

/// Reads every slip in `slips/` plus every slip an order names. A name that
/// is not a plain file name inside `slips/` (a path, `..`, a link out of the
/// folder) or a file that does not exist is an unreadable slip, never a read
/// outside the data folder.
fn read_slips(
    config: &JobConfig,
    ledger: &Ledger,
    day_dir: &Path,
    inputs: &[InputFile],
    orders: &[Order],
    progress: &dyn Progress,
    session: &recon_ocr_client::OcrSession,
) -> (Vec<SlipRead>, ProviderHealth) {
    let slips_dir = day_dir.join("slips");
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut reads = Vec::new();
    for input in inputs.iter().filter(|i| i.kind == "slips") {
        let name = file_name_of(input);
        if !is_bundle(name) {
            names.insert(name.to_string());
            continue;
        }
        // A bundle stands for each of its lines.
        let listed = safe_slip_path(&slips_dir, name).and_then(|path| {
            recon_ocr_client::bundle_slip_names(name, &path)
                .map_err(|e| format!("cannot read the slip bundle {name:?}: {e}"))
        });
        match listed {
            Ok(lines) => names.extend(lines),
            Err(reason) => reads.push(SlipRead::Unreadable {
                file: name.to_string(),
                reason,
            }),
        }
    }
    names.extend(orders.iter().filter_map(|o| o.slip.clone()));

    // A linked slips/ folder would make every name below resolve outside the
    // day folder: every slip it names is refused (list_inputs says why).
    let linked = fs::symlink_metadata(&slips_dir).is_ok_and(|m| m.file_type().is_symlink());
    let mut jobs = Vec::new();
    // A bundle is checked once, not once per line.
    let mut bundles: std::collections::HashMap<String, Result<PathBuf, String>> =
        std::collections::HashMap::new();
    for name in names {
        // `<bundle>.jsonl#<line>` names a line of a bundle in slips/.
        let checked = match BundleLine::parse(&name) {
            Some(b) => bundles
                .entry(b.bundle.to_string())
                .or_insert_with(|| safe_slip_path(&slips_dir, b.bundle))
                .clone(),
            None => safe_slip_path(&slips_dir, &name),
        };
        let checked = if linked {
            Err("the slips/ folder is a symbolic link; links are not followed".to_string())
        } else {
            checked
        };
        match checked {
            Ok(path) => jobs.push(SlipJob { file: name, path }),
            Err(reason) => reads.push(SlipRead::Unreadable { file: name, reason }),
        }
    }
    progress.start("slips", jobs.len() as u64);
    let (read, health) = recon_ocr_client::read_slips_checked(
        jobs,
        &config.ocr,
        ledger,
        &|n| progress.advance("slips", n),
        &Credentials::Environment,
        session,
    );
    reads.extend(read);
    progress.finish("slips");
    (reads, health)
}

pub(crate) fn safe_slip_path(slips_dir: &Path, name: &str) -> Result<PathBuf, String> {
    let plain =
        !name.is_empty() && !name.contains(['/', '\\', '\0']) && name != "." && name != "..";
    if !plain {
        return Err(format!(
            "slip name {name:?} is not a plain file name inside slips/"
        ));
    }
    let path = slips_dir.join(name);
    let meta = fs::symlink_metadata(&path)
        .map_err(|_| format!("slip file {name:?} not found in slips/"))?;
    if meta.file_type().is_symlink() {
        return Err(format!(
            "slip file {name:?} is a symbolic link; links are not followed"
        ));
    }
    if !meta.is_file() {
        return Err(format!("slip {name:?} is not a regular file"));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prior_uses_on_two_connections_equal_one() {
        use recon_core::{Provider, Slip, SlipOutcome, TransRef};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.sqlite");
        let ledger = Ledger::open(&path).unwrap();
        let earlier: Day = "2026-11-20".parse().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-21T01:00:00+07:00").unwrap();
        let run = ledger.begin_run(earlier, at, &[]).unwrap();
        let slips: Vec<Slip> = (0..40)
            .map(|i| {
                let mut s = Slip::empty(Provider::Easyslip);
                s.file = Some(format!("s{i}.json"));
                s.trans_ref = Some(TransRef(format!("REF{i:04}")));
                s.qr_payload = Some(format!("QR{i:04}"));
                s
            })
            .collect();
        let result = DayResult {
            day: earlier,
            orders: vec![],
            statement: vec![],
            slips: slips
                .iter()
                .map(|s| SlipOutcome {
                    file: s.file.clone().unwrap(),
                    status: Status::Matched,
                    order_ids: vec![],
                    statement_line: None,
                    amount: None,
                    trans_ref: None,
                    reasons: vec![],
                })
                .collect(),
        };
        ledger.record_day(run, &result, &slips).unwrap();

        // Keys seen on the 20th and keys never seen, sorted as the run sorts them.
        let keys: Vec<SlipKey> = (0..60)
            .flat_map(|i| {
                [
                    SlipKey::TransRef(format!("REF{i:04}")),
                    SlipKey::QrPayload(format!("QR{i:04}")),
                ]
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let day: Day = "2026-11-21".parse().unwrap();
        let one = ledger.prior_uses(&keys, day).unwrap();
        let two = prior_uses_split(&ledger, &path, &keys, day, 2).unwrap();
        assert_eq!(one.len(), 80);
        assert_eq!(one, two);
        assert!(two.values().all(|u| u.day == earlier));
    }

    #[test]
    fn slip_names_cannot_leave_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let slips = dir.path().join("slips");
        fs::create_dir(&slips).unwrap();
        fs::write(dir.path().join("secret.txt"), "x").unwrap();
        fs::write(slips.join("ok.json"), "{}").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), slips.join("link.json")).unwrap();
        assert!(safe_slip_path(&slips, "ok.json").is_ok());
        for bad in ["../secret.txt", "/etc/passwd", "..", "", "a/b.json"] {
            let err = safe_slip_path(&slips, bad).unwrap_err();
            assert!(err.contains("plain file name"), "{bad}: {err}");
        }
        assert!(
            safe_slip_path(&slips, "link.json")
                .unwrap_err()
                .contains("symbolic link")
        );
        assert!(
            safe_slip_path(&slips, "missing.json")
                .unwrap_err()
                .contains("not found")
        );
    }
}
