//! Any bytes as a statement CSV (every built-in CSV profile) and as an order
//! export: ingest must return rows, rejections or an `IngestError`, never
//! panic, and every rejection must name the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recon_ingest::{OrderColumns, Profile, ReadOptions};

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let path = common::scratch("csv");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let tz = chrono_tz::Asia::Bangkok;
    for name in ["canonical", "kbank-csv", "aba-csv"] {
        let profile = Profile::builtin(name).expect("built-in profile");
        let mut opts = ReadOptions::new(tz);
        opts.account = Some("123-4-56789-0".into());
        opts.currency = Some("THB".parse().expect("THB"));
        match recon_ingest::read_statement(&path, &profile, &opts) {
            Ok(got) => {
                for r in &got.rejected {
                    assert!(r.file.starts_with("recon-fuzz-"), "{r:?}");
                }
            }
            Err(e) => assert!(e.to_string().contains("recon-fuzz-"), "{e}"),
        }
    }
    let _ = recon_ingest::read_orders(&path, &OrderColumns::default(), tz);
});
