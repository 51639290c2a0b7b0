//! `read_slips` as the CLI calls it: saved JSON offline, images through the
//! provider with the ledger as OCR cache (a real SQLite file), one outcome
//! per job in job order.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use recon_core::{Provider, SlipCache, SlipRead};
use recon_ledger::Ledger;
use recon_ocr_client::{Credentials, Limits, OcrConfig, ProviderChoice, SlipJob, read_slips_with};
use support::{TestServer, credentials, easyslip_reader, quick_limits, slip_jpeg, slip_png};

fn job(dir: &Path, name: &str, bytes: &[u8]) -> SlipJob {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    SlipJob {
        file: name.to_string(),
        path,
    }
}

fn run(
    jobs: &[SlipJob],
    cfg: &OcrConfig,
    cache: &dyn SlipCache,
    creds: &Credentials,
) -> (Vec<SlipRead>, u64) {
    let calls = AtomicU64::new(0);
    let reads = read_slips_with(
        jobs.to_vec(),
        cfg,
        cache,
        &|n| {
            calls.fetch_add(n, Ordering::Relaxed);
        },
        creds,
    );
    (reads, calls.load(Ordering::Relaxed))
}

fn read_slip(r: &SlipRead) -> &recon_core::Slip {
    match r {
        SlipRead::Read(s) => s,
        other => panic!("expected a read slip, got {other:?}"),
    }
}

#[test]
fn rerun_of_a_day_makes_zero_provider_calls() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let ledger_path = tmp.path().join("var/ledger.sqlite");
    let jobs: Vec<SlipJob> = (0..6)
        .map(|i| {
            job(
                tmp.path(),
                &format!("slip-{i}.png"),
                &slip_png(&format!("Z{i}")),
            )
        })
        .chain([job(
            tmp.path(),
            "saved.json",
            include_bytes!("data/easyslip-success.json"),
        )])
        .collect();
    let cfg = easyslip_reader(&server, quick_limits());

    let first = {
        let ledger = Ledger::open(&ledger_path).unwrap();
        let (reads, progressed) = run(&jobs, &cfg, &ledger, &credentials());
        assert_eq!(progressed, 7);
        reads
    };
    assert_eq!(
        server.requests(),
        6,
        "six images, the saved JSON needs no call"
    );
    for (r, j) in first.iter().zip(&jobs) {
        let s = read_slip(r);
        assert_eq!(s.file.as_deref(), Some(j.file.as_str()));
    }
    let s0 = read_slip(&first[0]);
    assert_eq!(s0.trans_ref.as_ref().unwrap().0, "TESTZ0");
    assert_eq!(s0.image_sha256.as_deref().map(str::len), Some(64));
    assert_eq!(
        read_slip(&first[6]).image_sha256,
        None,
        "saved JSON has no image"
    );

    // A new process in spirit: the ledger file reopened.
    let ledger = Ledger::open(&ledger_path).unwrap();
    let (second, progressed) = run(&jobs, &cfg, &ledger, &credentials());
    assert_eq!(progressed, 7);
    assert_eq!(server.requests(), 6, "the rerun paid for nothing");
    assert_eq!(second, first, "same slips from the cache");

    // The same image under another name is the same slip, named as this job.
    let copy = job(tmp.path(), "resent.jpg.png", &slip_png("Z3"));
    let (third, _) = run(&[copy], &cfg, &ledger, &credentials());
    assert_eq!(server.requests(), 6);
    let s = read_slip(&third[0]);
    assert_eq!(s.file.as_deref(), Some("resent.jpg.png"));
    assert_eq!(s.trans_ref.as_ref().unwrap().0, "TESTZ3");
}

#[test]
fn quota_exhausted_mid_run_leaves_the_rest_pending_for_the_next_run() {
    let server = TestServer::start();
    server.set_quota(3);
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs: Vec<SlipJob> = (0..8)
        .map(|i| {
            job(
                tmp.path(),
                &format!("q{i}.png"),
                &slip_png(&format!("Q{i}")),
            )
        })
        .collect();
    let cfg = easyslip_reader(
        &server,
        Limits {
            concurrency: 1,
            ..quick_limits()
        },
    );

    let (reads, _) = run(&jobs, &cfg, &ledger, &credentials());
    let read = reads
        .iter()
        .filter(|r| matches!(r, SlipRead::Read(_)))
        .count();
    let pending: Vec<_> = reads
        .iter()
        .filter_map(|r| match r {
            SlipRead::Pending { file, reason } => Some((file.clone(), reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(read, 3);
    assert_eq!(pending.len(), 5);
    assert!(
        pending
            .iter()
            .all(|(_, reason)| reason.contains("quota exceeded")),
        "{pending:?}"
    );
    assert_eq!(pending[0].0, "q3.png");
    assert_eq!(
        server.requests(),
        4,
        "three slips, one quota answer, then no more calls"
    );

    // Next run, quota renewed: only the pending five are sent.
    server.set_quota(100);
    let (reads, _) = run(&jobs, &cfg, &ledger, &credentials());
    assert!(
        reads.iter().all(|r| matches!(r, SlipRead::Read(_))),
        "{reads:?}"
    );
    assert_eq!(server.requests(), 9);
}

#[test]
fn each_kind_of_file_gets_its_outcome_in_job_order() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let full = include_bytes!("data/nextocr-success.json");
    let mut big = slip_jpeg("BIG");
    big.resize(5 * 1024 * 1024, 0);
    let jobs = vec![
        job(tmp.path(), "ok.png", &slip_png("OK1")),
        job(tmp.path(), "receipt.json", full),
        job(tmp.path(), "cut.json", &full[..full.len() / 2]),
        job(tmp.path(), "huge.jpg", &big),
        job(tmp.path(), "doc.pdf", b"%PDF-1.4"),
        SlipJob {
            file: "missing.png".into(),
            path: tmp.path().join("missing.png"),
        },
        job(tmp.path(), "notfound.png", &slip_png("notfound")),
        job(
            tmp.path(),
            "card.json",
            include_bytes!("data/clova-credit-card.json"),
        ),
    ];
    let cfg = easyslip_reader(&server, quick_limits());
    let (reads, progressed) = run(&jobs, &cfg, &ledger, &credentials());
    assert_eq!(progressed, 8);
    assert_eq!(reads.len(), 8);
    assert_eq!(
        read_slip(&reads[0]).trans_ref.as_ref().unwrap().0,
        "TESTOK1"
    );
    assert_eq!(read_slip(&reads[1]).provider, Provider::Nextocr);
    let unreadable = |i: usize, needle: &str| match &reads[i] {
        SlipRead::Unreadable { file, reason } => {
            assert_eq!(file, &jobs[i].file);
            assert!(reason.contains(needle), "{file}: {reason}");
        }
        other => panic!("{i}: {other:?}"),
    };
    unreadable(2, "truncated");
    unreadable(3, "more than the 4194304 bytes");
    unreadable(4, "not a JPEG, PNG, GIF or WebP");
    unreadable(5, "cannot read the file");
    unreadable(6, "slip not found");
    unreadable(7, "no amount");
    assert_eq!(
        server.requests(),
        2,
        "only the two readable images were sent"
    );
}

#[test]
fn missing_credentials_leave_images_pending_but_saved_json_reads() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs = vec![
        job(tmp.path(), "a.png", &slip_png("M1")),
        job(
            tmp.path(),
            "b.json",
            include_bytes!("data/easyslip-success.json"),
        ),
    ];
    let (reads, _) = run(
        &jobs,
        &easyslip_reader(&server, quick_limits()),
        &ledger,
        &Credentials::given([]),
    );
    match &reads[0] {
        SlipRead::Pending { file, reason } => {
            assert_eq!(file, "a.png");
            assert!(reason.contains("TEST_EASYSLIP_KEY"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(reads[1], SlipRead::Read(_)));
    assert_eq!(server.requests(), 0);
}

#[test]
fn provider_down_after_retries_is_pending() {
    let server = TestServer::start();
    server.script((0..3).map(|_| support::Fault::Status(503)));
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs = vec![job(tmp.path(), "down.png", &slip_png("D1"))];
    let cfg = easyslip_reader(
        &server,
        Limits {
            concurrency: 1,
            ..quick_limits()
        },
    );
    let (reads, _) = run(&jobs, &cfg, &ledger, &credentials());
    assert!(
        matches!(&reads[0], SlipRead::Pending { reason, .. } if reason.contains("HTTP 503")),
        "{reads:?}"
    );
    assert_eq!(ledger.cached("x", Provider::Easyslip), None);
}

#[test]
fn nextocr_and_clova_through_read_slips() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs = vec![job(tmp.path(), "kh.jpg", &slip_jpeg("KH1"))];
    let cfg = OcrConfig {
        provider: ProviderChoice::Nextocr,
        nextocr: server.nextocr_config(),
        ..OcrConfig::default()
    };
    let (reads, _) = run(&jobs, &cfg, &ledger, &credentials());
    assert_eq!(read_slip(&reads[0]).provider, Provider::Nextocr);
    let cfg = OcrConfig {
        provider: ProviderChoice::Clova,
        clova: server.clova_config("receipt"),
        ..OcrConfig::default()
    };
    let (reads, _) = run(&jobs, &cfg, &ledger, &credentials());
    let s = read_slip(&reads[0]);
    assert_eq!(s.provider, Provider::Clova, "the cache is per provider");
    assert_eq!(s.trans_ref.as_ref().unwrap().0, "TESTKH1");
    assert_eq!(server.requests(), 2);
}

#[test]
fn local_reader_through_read_slips_is_cached_too() {
    use recon_testkit::render;
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let spec = render::sample_slip(7);
    let png = render::render(&spec, &render::RenderOptions::default()).unwrap();
    let jobs = vec![
        job(tmp.path(), "local.png", &png),
        // PNG magic, but no picture behind it.
        job(tmp.path(), "broken.png", &slip_png("X")),
    ];
    let cfg = OcrConfig::default();
    assert_eq!(cfg.provider, ProviderChoice::Local);
    let (reads, progressed) = run(&jobs, &cfg, &ledger, &Credentials::given([]));
    assert_eq!(progressed, 2);
    let slip = read_slip(&reads[0]);
    assert_eq!(slip.provider, Provider::Local);
    assert_eq!(slip.file.as_deref(), Some("local.png"));
    let sha = slip.image_sha256.clone().unwrap();
    assert_eq!(
        render::slip_fields(slip).get("amount"),
        render::expected_fields(&spec).get("amount")
    );
    assert!(
        ledger.cached(&sha, Provider::Local).is_some(),
        "local reads are cached: tesseract is slow"
    );
    match &reads[1] {
        SlipRead::Unreadable { file, reason } => {
            assert_eq!(file, "broken.png");
            assert!(
                reason.starts_with("local reader: not a readable image"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn callable_from_inside_a_runtime_without_panicking() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs = vec![job(
        tmp.path(),
        "s.json",
        include_bytes!("data/nextocr-success.json"),
    )];
    let (reads, progressed) = run(
        &jobs,
        &OcrConfig::default(),
        &ledger,
        &Credentials::given([]),
    );
    assert_eq!(progressed, 1);
    assert_eq!(read_slip(&reads[0]).file.as_deref(), Some("s.json"));
}

#[test]
fn a_provider_that_stays_down_is_given_up_for_the_run() {
    let server = TestServer::start();
    server.script((0..100).map(|_| support::Fault::Status(503)));
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs: Vec<SlipJob> = (0..10)
        .map(|i| {
            job(
                tmp.path(),
                &format!("d{i}.png"),
                &slip_png(&format!("D{i}")),
            )
        })
        .collect();
    let limits = Limits {
        concurrency: 1,
        max_attempts: 2,
        give_up_after_failed_slips: 3,
        ..quick_limits()
    };
    let (reads, progressed) = run(
        &jobs,
        &easyslip_reader(&server, limits),
        &ledger,
        &credentials(),
    );
    assert_eq!(progressed, 10);
    assert!(
        reads
            .iter()
            .all(|r| matches!(r, SlipRead::Pending { reason, .. } if reason.contains("HTTP 503"))),
        "{reads:?}"
    );
    assert_eq!(
        server.requests(),
        6,
        "three slips × two attempts, then no more calls"
    );
}

#[test]
fn the_same_image_twice_in_one_run_is_read_once() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs = vec![
        job(tmp.path(), "first.png", &slip_png("DUP1")),
        job(tmp.path(), "other.png", &slip_png("DUP2")),
        job(tmp.path(), "again.png", &slip_png("DUP1")),
    ];
    let (reads, progressed) = run(
        &jobs,
        &easyslip_reader(&server, quick_limits()),
        &ledger,
        &credentials(),
    );
    assert_eq!(progressed, 3);
    assert_eq!(server.requests(), 2, "one call per distinct image");
    let a = read_slip(&reads[0]);
    let c = read_slip(&reads[2]);
    assert_eq!(a.file.as_deref(), Some("first.png"));
    assert_eq!(c.file.as_deref(), Some("again.png"));
    assert_eq!(a.trans_ref, c.trans_ref);
    assert_eq!(
        a.image_sha256, c.image_sha256,
        "the matcher sees the reuse by image hash"
    );
}

#[test]
fn a_not_a_slip_answer_is_cached_and_a_rerun_pays_nothing_for_it() {
    let server = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let jobs = vec![job(tmp.path(), "cat.png", &slip_png("NOT-A-SLIP"))];
    let mut cfg = easyslip_reader(&server, quick_limits());
    server.script([support::Fault::Answer {
        status: 404,
        content_type: "application/json",
        body: r#"{"success":false,"error":{"code":"SLIP_NOT_FOUND","message":"The slip could not be found or is invalid"}}"#.into(),
    }]);
    let (first, _) = run(&jobs, &cfg, &ledger, &credentials());
    assert!(
        matches!(&first[0], SlipRead::Unreadable { .. }),
        "{first:?}"
    );
    assert_eq!(server.requests(), 1);

    // The rerun gives the same verdict, word for word, without a call.
    let (again, _) = run(&jobs, &cfg, &ledger, &credentials());
    assert_eq!(again, first);
    assert_eq!(server.requests(), 1, "the cached answer was paid again");

    // Asked to, it reads the image again (the server now reads it).
    cfg.reread_refused = true;
    let (reread, _) = run(&jobs, &cfg, &ledger, &credentials());
    assert_eq!(server.requests(), 2);
    assert!(matches!(&reread[0], SlipRead::Read(_)), "{reread:?}");
}
