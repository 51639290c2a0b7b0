//! Any bytes as a statement workbook (.xlsx, read by the scb-xlsx profile)
//! and as an order export workbook: an error or rows, never a panic, never
//! an allocation out of proportion to the input (libFuzzer's -rss_limit_mb
//! and -malloc_limit_mb catch those).
#![no_main]

use libfuzzer_sys::fuzz_target;
use recon_ingest::{OrderColumns, Profile, ReadOptions};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let path = common::scratch("xlsx");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let tz = chrono_tz::Asia::Bangkok;
    let profile = Profile::builtin("scb-xlsx").expect("built-in profile");
    let mut opts = ReadOptions::new(tz);
    opts.account = Some("123-4-56789-0".into());
    let _ = recon_ingest::read_statement(&path, &profile, &opts);
    let _ = recon_ingest::read_orders(&path, &OrderColumns::default(), tz);
});
