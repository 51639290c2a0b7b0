//! Wall time, CPU time and memory per stage of a run: the `stage done` log
//! lines (`ms`, `cpu_ms`, `rss_mib`, `peak_mib`) that `just bench` reads,
//! and the stage times kept in the ledger's run record. Never in the
//! reports, which must not change between reruns. Also the crash tests'
//! fail points between stages.

use std::fs;

use tracing::{info, warn};

/// Wall time per stage, for the log, the ledger's run record and `just bench`
/// (never for the reports, which must not change between reruns).
#[derive(Default)]
pub(crate) struct Timings(Vec<(&'static str, u64)>);

impl Timings {
    pub(crate) fn time<T>(&mut self, stage: &'static str, f: impl FnOnce() -> T) -> T {
        let start = std::time::Instant::now();
        let cpu_start = process_cpu_ms();
        let out = f();
        let ms = start.elapsed().as_millis() as u64;
        // CPU time of every thread: on a shared machine wall time says as
        // much about the neighbours as about the stage.
        let cpu_ms = process_cpu_ms()
            .zip(cpu_start)
            .map(|(b, a)| b.saturating_sub(a));
        // Memory now and at its highest so far: which stage holds what.
        let (rss_mib, peak_mib) = process_rss_mib().unzip();
        info!(stage, ms, cpu_ms, rss_mib, peak_mib, "stage done");
        self.0.push((stage, ms));
        crash_point(stage);
        out
    }

    pub(crate) fn as_json(&self) -> serde_json::Value {
        self.0
            .iter()
            .map(|(s, ms)| (s.to_string(), serde_json::json!(ms)))
            .collect()
    }
}

/// User + system CPU time of the whole process so far, from
/// `/proc/self/stat` (Linux; `None` elsewhere), in milliseconds.
fn process_cpu_ms() -> Option<u64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ');
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    // Clock ticks are 100 per second on every Linux we run on.
    Some((utime + stime) * 10)
}

/// Resident memory of the process now and at its peak (`VmRSS`, `VmHWM`
/// of `/proc/self/status`; Linux, `None` elsewhere), in MiB.
fn process_rss_mib() -> Option<(u64, u64)> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let kib = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some((kib("VmRSS:")? / 1024, kib("VmHWM:")? / 1024))
}

/// A fail point for the crash-safety tests: with `RECON_TEST_ABORT_AT=<stage>`
/// (ingest, slips, match, report, ledger) the process aborts right after that
/// stage, as a power cut or `kill -9` would; `ledger_recorded` is the moment
/// between the ledger recording the day and the reports being put in place.
/// Costs one environment look-up per stage otherwise.
pub(crate) fn crash_point(stage: &str) {
    if std::env::var_os("RECON_TEST_ABORT_AT").is_some_and(|s| s == stage) {
        warn!(stage, "RECON_TEST_ABORT_AT: aborting on purpose");
        std::process::abort();
    }
}
