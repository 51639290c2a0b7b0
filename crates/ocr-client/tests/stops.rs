//! Fault schedules that stop a provider, counted at the provider: after the
//! answer that stops it, not one more request goes out for the rest of the
//! run, in this batch or in a later batch of the same run (the carried
//! slips a day reads again), and a new run starts afresh.

mod support;

use std::path::Path;

use recon_core::{HealthStatus, SlipCache, SlipRead};
use recon_ledger::Ledger;
use recon_ocr_client::{
    Limits, OcrConfig, OcrSession, ProviderChoice, SlipJob, read_slips_checked,
};
use support::{Fault, TestServer, credentials, easyslip_reader, quick_limits, slip_png};

fn jobs(dir: &Path, prefix: &str, n: usize) -> Vec<SlipJob> {
    (0..n)
        .map(|i| {
            let file = format!("{prefix}{i}.png");
            let path = dir.join(&file);
            std::fs::write(&path, slip_png(&format!("{prefix}{i}"))).unwrap();
            SlipJob { file, path }
        })
        .collect()
}

/// One sender at a time, so that "requests after the stop" is exact.
fn one_at_a_time() -> Limits {
    Limits {
        concurrency: 1,
        max_attempts: 3,
        ..quick_limits()
    }
}

fn batch(
    jobs: Vec<SlipJob>,
    cfg: &OcrConfig,
    cache: &dyn SlipCache,
    session: &OcrSession,
) -> (Vec<SlipRead>, HealthStatus) {
    let (reads, health) = read_slips_checked(jobs, cfg, cache, &|_| {}, &credentials(), session);
    (reads, health.status)
}

fn pending(reads: &[SlipRead]) -> usize {
    reads
        .iter()
        .filter(|r| matches!(r, SlipRead::Pending { .. }))
        .count()
}

/// Runs the day's batch of 6 slips and then a carried batch of 4 in one
/// session against `server` (already scripted); returns the requests the
/// first batch cost. The carried batch must cost none.
fn stopped_in_the_first_batch(server: &TestServer, cfg: &OcrConfig, what: &str) -> usize {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let session = OcrSession::new();
    let (reads, health) = batch(jobs(tmp.path(), "day", 6), cfg, &ledger, &session);
    assert_eq!(health, HealthStatus::Stopped, "{what}: {reads:?}");
    assert!(session.stopped().is_some(), "{what}");
    let first = server.requests();

    let (carried, health) = batch(jobs(tmp.path(), "carried", 4), cfg, &ledger, &session);
    assert_eq!(health, HealthStatus::Stopped, "{what}");
    assert_eq!(pending(&carried), 4, "{what}: {carried:?}");
    assert_eq!(
        server.requests(),
        first,
        "{what}: the carried batch sent requests to a stopped provider"
    );
    first
}

#[test]
fn quota_used_up_stops_every_batch_of_the_run() {
    let server = TestServer::start();
    server.set_quota(2);
    let cfg = easyslip_reader(&server, one_at_a_time());
    let sent = stopped_in_the_first_batch(&server, &cfg, "quota");
    assert_eq!(sent, 3, "two slips read, one QUOTA_EXCEEDED, then nothing");
}

#[test]
fn every_refusal_shape_costs_one_request_per_run() {
    let refusals: [(&str, Fault); 4] = [
        (
            "401 UNAUTHORIZED",
            Fault::Answer {
                status: 401,
                content_type: "application/json",
                body: r#"{"success":false,"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#.into(),
            },
        ),
        (
            "403 FORBIDDEN",
            Fault::Answer {
                status: 403,
                content_type: "application/json",
                body: r#"{"success":false,"error":{"code":"FORBIDDEN","message":"Access denied"}}"#.into(),
            },
        ),
        ("401 HTML page", Fault::Html(401)),
        ("403 HTML page", Fault::Html(403)),
    ];
    for (what, fault) in refusals {
        let server = TestServer::start();
        server.script(std::iter::repeat_n(fault, 20));
        let cfg = easyslip_reader(&server, one_at_a_time());
        let sent = stopped_in_the_first_batch(&server, &cfg, what);
        assert_eq!(sent, 1, "{what}: one refusal, then nothing");
    }
}

#[test]
fn nextocr_refusing_the_user_in_a_200_stops_it_and_leaves_slips_pending() {
    let server = TestServer::start();
    server.script(std::iter::repeat_n(
        Fault::Answer {
            status: 200,
            content_type: "application/json",
            body: r#"{"status":false,"msg":"Invalid username or secret key"}"#.into(),
        },
        20,
    ));
    let mut nextocr = server.nextocr_config();
    nextocr.limits = one_at_a_time();
    let cfg = OcrConfig {
        provider: ProviderChoice::Nextocr,
        nextocr,
        ..OcrConfig::default()
    };
    let sent = stopped_in_the_first_batch(&server, &cfg, "nextocr 200 refusal");
    assert_eq!(sent, 1);
}

#[test]
fn a_provider_down_is_given_up_for_every_batch_and_a_new_run_tries_again() {
    let server = TestServer::start();
    server.script(std::iter::repeat_n(Fault::Status(500), 100));
    let limits = Limits {
        concurrency: 1,
        max_attempts: 2,
        give_up_after_failed_slips: 3,
        ..quick_limits()
    };
    let cfg = easyslip_reader(&server, limits);
    let sent = stopped_in_the_first_batch(&server, &cfg, "500 to everything");
    assert_eq!(sent, 6, "three slips x two attempts, then nothing");

    // The next run is a new session: the provider is asked again.
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let (reads, _) = batch(
        jobs(tmp.path(), "next", 1),
        &cfg,
        &ledger,
        &OcrSession::new(),
    );
    assert_eq!(server.requests(), 8, "{reads:?}");
}
