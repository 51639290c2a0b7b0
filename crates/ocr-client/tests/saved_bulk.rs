//! A generated day of saved bodies (recon_testkit::saved: all three
//! shapes, varied amounts, references, names, plus cut, error and foreign
//! lines) reads to exactly what it read before `read_slips` and
//! `parse_saved` were made lean: the digest below was taken from the
//! outcomes of the earlier code (commit 7d249c1), so any change in any
//! field, error text or order shows here.

use recon_testkit::saved;

use std::sync::atomic::{AtomicU64, Ordering};

use recon_core::SlipRead;
use recon_ledger::Ledger;
use recon_ocr_client::{OcrConfig, SlipJob, parse_saved, read_slips};
use sha2::{Digest, Sha256};

const BODIES: u64 = 3000;

/// SHA-256 over the JSON of every outcome, one per line, of `parse_saved`
/// on bodies 0..3000 (raw_response included) as the code before the lean
/// reader produced them, with one deliberate change since: an error quotes
/// the body's start as text (“…”) instead of Rust's debug escapes
/// (`7a760358…` before it).
const PARSE_SAVED_DIGEST: &str = "0ed43fefffafcfef1c8ac9fd92aabcd27f092dc57cdfdd5a642d242692e20a49";

fn outcome(i: u64) -> SlipRead {
    let body = saved::saved_body(i);
    match parse_saved(body.as_bytes()) {
        Ok(slip) => SlipRead::Read(slip),
        Err(e) => SlipRead::Unreadable {
            file: String::new(),
            reason: e.to_string(),
        },
    }
}

#[test]
fn parse_saved_reads_a_generated_day_as_before() {
    let mut h = Sha256::new();
    let mut kinds = [0usize; 4];
    for i in 0..BODIES {
        let read = outcome(i);
        match &read {
            SlipRead::Read(s) => {
                kinds[s.provider as usize] += 1;
                assert_eq!(
                    s.raw_response.as_deref(),
                    Some(saved::saved_body(i).as_str()),
                    "parse_saved keeps the body"
                );
            }
            _ => kinds[3] += 1,
        }
        h.update(serde_json::to_vec(&read).unwrap());
        h.update(b"\n");
    }
    // Every shape is in the set, and some lines fail.
    assert!(kinds.iter().all(|&k| k > 10), "{kinds:?}");
    assert_eq!(hex::encode(h.finalize()), PARSE_SAVED_DIGEST);
}

#[test]
fn read_slips_over_bundles_says_what_parse_saved_says_line_by_line() {
    let tmp = tempfile::tempdir().unwrap();
    // Two bundles, so that more than one file is read; a blank line every
    // 1000 lines is skipped by the job names.
    let named = saved::write_bundles(tmp.path(), BODIES, 1700);
    let jobs: Vec<SlipJob> = named
        .iter()
        .map(|(file, path)| SlipJob {
            file: file.clone(),
            path: path.clone(),
        })
        .collect();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let ticks = AtomicU64::new(0);
    let reads = read_slips(jobs, &OcrConfig::default(), &ledger, &|n| {
        ticks.fetch_add(n, Ordering::Relaxed);
    });
    assert_eq!(reads.len() as u64, BODIES);
    assert_eq!(ticks.load(Ordering::Relaxed), BODIES);
    for (i, (read, (file, _))) in reads.iter().zip(&named).enumerate() {
        let want = match outcome(i as u64) {
            SlipRead::Read(mut s) => {
                s.raw_response = None;
                s.file = Some(file.clone());
                if s.amount.is_none() {
                    SlipRead::Unreadable {
                        file: file.clone(),
                        reason: format!("{} read the slip but found no amount", s.provider),
                    }
                } else {
                    SlipRead::Read(s)
                }
            }
            SlipRead::Unreadable { reason, .. } => SlipRead::Unreadable {
                file: file.clone(),
                reason,
            },
            other => other,
        };
        assert_eq!(read, &want, "body {i} ({file})");
    }
}
