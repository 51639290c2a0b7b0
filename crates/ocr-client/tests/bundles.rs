//! Saved responses bundled one per line (`slips-001.jsonl#<n>`), next to
//! single saved files: every job gets its own outcome, in job order, and a
//! bundle is one file however many of its lines are asked for.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use recon_core::{Provider, SlipRead};
use recon_ledger::Ledger;
use recon_ocr_client::{OcrConfig, SlipJob, bundle_slip_names, parse_saved, read_slips};

/// A saved body on one line, as a bundle holds it.
fn one_line(bytes: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    serde_json::to_string(&v).unwrap()
}

fn bundle(dir: &Path) -> std::path::PathBuf {
    let easy = one_line(include_bytes!("data/easyslip-success.json"));
    let next = one_line(include_bytes!("data/nextocr-success.json"));
    let cut = &easy[..easy.len() / 2];
    // Line 3 blank, line 4 cut short, CRLF on line 5.
    let text = format!("{easy}\n{next}\n\n{cut}\n{next}\r\n");
    let path = dir.join("slips-001.jsonl");
    std::fs::write(&path, text).unwrap();
    path
}

fn read(jobs: Vec<SlipJob>, dir: &Path) -> (Vec<SlipRead>, u64) {
    let ledger = Ledger::open(&dir.join("ledger.sqlite")).unwrap();
    let progress = AtomicU64::new(0);
    let reads = read_slips(jobs, &OcrConfig::default(), &ledger, &|n| {
        progress.fetch_add(n, Ordering::Relaxed);
    });
    (reads, progress.load(Ordering::Relaxed))
}

fn file_of(r: &SlipRead) -> &str {
    match r {
        SlipRead::Read(s) => s.file.as_deref().unwrap_or(""),
        SlipRead::Unreadable { file, .. } | SlipRead::Pending { file, .. } => file,
    }
}

#[test]
fn bundle_lines_read_like_single_files_in_job_order() {
    let tmp = tempfile::tempdir().unwrap();
    let path = bundle(tmp.path());
    let single = tmp.path().join("a.json");
    std::fs::write(&single, include_bytes!("data/easyslip-success.json")).unwrap();

    let names = [
        "slips-001.jsonl#5",
        "a.json",
        "slips-001.jsonl#1",
        "slips-001.jsonl#2",
    ];
    let jobs = names
        .iter()
        .map(|n| SlipJob {
            file: n.to_string(),
            path: if n.contains('#') {
                path.clone()
            } else {
                single.clone()
            },
        })
        .collect();
    let (reads, progress) = read(jobs, tmp.path());
    assert_eq!(progress, 4);
    assert_eq!(reads.iter().map(file_of).collect::<Vec<_>>(), names);

    let slip = |k: usize| match &reads[k] {
        SlipRead::Read(s) => s.clone(),
        other => panic!("{k}: {other:?}"),
    };
    // A bundled body says what the same body in a file says, file aside.
    let alone = parse_saved(include_bytes!("data/easyslip-success.json")).unwrap();
    let mut from_bundle = slip(2);
    assert_eq!(from_bundle.provider, Provider::Easyslip);
    assert_eq!(from_bundle.amount, alone.amount);
    assert_eq!(from_bundle.trans_ref, alone.trans_ref);
    from_bundle.file = slip(1).file;
    assert_eq!(from_bundle, slip(1));
    assert_eq!(slip(3).provider, Provider::Nextocr);
    assert_eq!(slip(0).provider, Provider::Nextocr, "CRLF line");
    // The saved file is the raw response: not copied into memory per slip.
    assert!(reads.iter().all(|r| match r {
        SlipRead::Read(s) => s.raw_response.is_none(),
        _ => true,
    }));
}

#[test]
fn broken_blank_missing_and_unnamed_lines_are_unreadable() {
    let tmp = tempfile::tempdir().unwrap();
    let path = bundle(tmp.path());
    let names = [
        "slips-001.jsonl#3",
        "slips-001.jsonl#4",
        "slips-001.jsonl#9",
        "slips-001.jsonl",
        "slips-001.jsonl#0",
    ];
    let jobs = names
        .iter()
        .map(|n| SlipJob {
            file: n.to_string(),
            path: path.clone(),
        })
        .collect();
    let (reads, progress) = read(jobs, tmp.path());
    assert_eq!(progress, 5);
    let reasons: Vec<String> = reads
        .iter()
        .map(|r| match r {
            SlipRead::Unreadable { reason, .. } => reason.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(
        reasons[0].contains("line 3") && reasons[0].contains("empty"),
        "{}",
        reasons[0]
    );
    assert!(reasons[1].contains("truncated JSON"), "{}", reasons[1]);
    assert!(reasons[2].contains("no line 9"), "{}", reasons[2]);
    assert!(
        reasons[3].contains("<bundle>.jsonl#<line>"),
        "{}",
        reasons[3]
    );
    assert!(
        reasons[4].contains("<bundle>.jsonl#<line>"),
        "{}",
        reasons[4]
    );
    assert_eq!(reads.iter().map(file_of).collect::<Vec<_>>(), names);
}

#[test]
fn a_missing_bundle_makes_each_of_its_slips_unreadable() {
    let tmp = tempfile::tempdir().unwrap();
    let jobs = (1..=3)
        .map(|n| SlipJob {
            file: format!("gone.jsonl#{n}"),
            path: tmp.path().join("gone.jsonl"),
        })
        .collect();
    let (reads, _) = read(jobs, tmp.path());
    assert_eq!(reads.len(), 3);
    for r in &reads {
        assert!(
            matches!(r, SlipRead::Unreadable { reason, .. } if reason.contains("cannot read the slip bundle")),
            "{r:?}"
        );
    }
}

#[test]
fn a_bundle_lists_its_non_blank_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let path = bundle(tmp.path());
    assert_eq!(
        bundle_slip_names("slips-001.jsonl", &path).unwrap(),
        [
            "slips-001.jsonl#1",
            "slips-001.jsonl#2",
            "slips-001.jsonl#4",
            "slips-001.jsonl#5"
        ]
    );
    assert!(bundle_slip_names("x.jsonl", &tmp.path().join("x.jsonl")).is_err());
}

#[test]
fn many_saved_files_keep_job_order_across_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let easy = include_bytes!("data/easyslip-success.json");
    let next = include_bytes!("data/nextocr-success.json");
    let jobs: Vec<SlipJob> = (0..300)
        .map(|i| {
            let name = format!("s{i:03}.json");
            let path = tmp.path().join(&name);
            let body: &[u8] = match i % 3 {
                0 => easy,
                1 => next,
                _ => b"{\"not\": \"a slip\"}",
            };
            std::fs::write(&path, body).unwrap();
            SlipJob { file: name, path }
        })
        .collect();
    let names: Vec<String> = jobs.iter().map(|j| j.file.clone()).collect();
    let (reads, progress) = read(jobs, tmp.path());
    assert_eq!(progress, 300);
    assert_eq!(reads.iter().map(file_of).collect::<Vec<_>>(), names);
    for (i, r) in reads.iter().enumerate() {
        match (i % 3, r) {
            (0, SlipRead::Read(s)) => assert_eq!(s.provider, Provider::Easyslip),
            (1, SlipRead::Read(s)) => assert_eq!(s.provider, Provider::Nextocr),
            (2, SlipRead::Unreadable { .. }) => {}
            (_, other) => panic!("{i}: {other:?}"),
        }
    }
}
