//! Throughput of `read_slips` against a provider that answers in 50 ms:
//! 1,000 slip images at concurrency 16 through the real path (file read,
//! SHA-256, ledger cache lookup, EasySlip multipart call, cache store).
//! The ideal is 1000 × 50 ms / 16 ≈ 3.1 s.
//!
//! `cargo run -p recon-ocr-client --example ocr_bench --release [-- <slips> <concurrency> <delay_ms>]`

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use recon_core::SlipRead;
use recon_ledger::Ledger;
use recon_ocr_client::{Limits, OcrConfig, ProviderChoice, SlipJob, read_slips_with};
use support::{TestServer, credentials, slip_png};

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let slips = args.first().copied().unwrap_or(1000);
    let concurrency = args.get(1).copied().unwrap_or(16);
    let delay_ms = args.get(2).copied().unwrap_or(50);

    let server = TestServer::start();
    server.set_delay(Duration::from_millis(delay_ms));
    let tmp = tempfile::tempdir().expect("temp dir");
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).expect("ledger");
    let jobs: Vec<SlipJob> = (0..slips)
        .map(|i| {
            let file = format!("slip-{i:05}.png");
            let path = tmp.path().join(&file);
            std::fs::write(&path, slip_png(&format!("B{i}"))).expect("write slip");
            SlipJob { file, path }
        })
        .collect();

    let mut cfg = OcrConfig {
        provider: ProviderChoice::Easyslip,
        ..OcrConfig::default()
    };
    cfg.easyslip = server.easyslip_config();
    cfg.easyslip.limits = Limits {
        concurrency: concurrency as usize,
        requests_per_second: 0.0,
        ..Limits::default()
    };

    let done = AtomicU64::new(0);
    let t = Instant::now();
    let reads = read_slips_with(
        jobs.clone(),
        &cfg,
        &ledger,
        &|n| {
            done.fetch_add(n, Ordering::Relaxed);
        },
        &credentials(),
    );
    let wall = t.elapsed();
    let ok = reads
        .iter()
        .filter(|r| matches!(r, SlipRead::Read(_)))
        .count();
    let ideal = Duration::from_millis(slips * delay_ms) / concurrency as u32;

    let t = Instant::now();
    let again = read_slips_with(jobs, &cfg, &ledger, &|_| {}, &credentials());
    let rerun = t.elapsed();
    let again_ok = again
        .iter()
        .filter(|r| matches!(r, SlipRead::Read(_)))
        .count();

    println!("slips {slips}, concurrency {concurrency}, provider answers after {delay_ms} ms");
    println!(
        "read {ok}/{slips}, progress ticks {}",
        done.load(Ordering::Relaxed)
    );
    println!(
        "requests {}, most in flight at once {}",
        server.requests(),
        server.max_in_flight()
    );
    println!(
        "wall {:.3} s vs ideal {:.3} s ({:+.1}%), {:.0} slips/s",
        wall.as_secs_f64(),
        ideal.as_secs_f64(),
        (wall.as_secs_f64() / ideal.as_secs_f64() - 1.0) * 100.0,
        slips as f64 / wall.as_secs_f64()
    );
    println!(
        "rerun from the ledger cache: {:.3} s, read {again_ok}, requests still {}",
        rerun.as_secs_f64(),
        server.requests()
    );
}
