//! Crash safety: a run killed at any point (after each stage through the
//! CLI's `RECON_TEST_ABORT_AT` fail point, and by SIGKILL at random
//! moments) leaves either the previous complete state or the new complete
//! state, never a mix; the next run completes with every result and every
//! slip registered exactly once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use recon_core::{Day, DayResult};
use recon_ledger::{Ledger, RunStatus};

use crate::common::{DAY, HostileDay, tail};

/// The fail points, in run order: after each stage, and between the ledger
/// recording the day and the reports being put in place.
const STAGES: &[&str] = &[
    "ingest",
    "slips",
    "match",
    "report",
    "ledger_recorded",
    "ledger",
];

type Registration = (String, String, Option<String>, String);

/// What a complete run of the sample day leaves behind.
#[derive(Debug, Clone, PartialEq)]
struct State {
    reports: BTreeMap<String, Vec<u8>>,
    registrations: Vec<Registration>,
    result: Option<DayResult>,
}

fn day() -> Day {
    DAY.parse().unwrap()
}

fn reports(d: &HostileDay) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(d.report_dir()) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| {
            let path = e.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect()
}

/// The ledger's registrations of the day, asserting none is there twice.
fn registrations(ledger: &Ledger) -> Vec<Registration> {
    let regs: Vec<Registration> = ledger
        .slip_registrations(day())
        .unwrap()
        .into_iter()
        .map(|r| (r.key_kind, r.key_value, r.order_id.map(|o| o.0), r.file))
        .collect();
    let mut unique = regs.clone();
    unique.dedup();
    assert_eq!(unique.len(), regs.len(), "a slip key is registered twice");
    regs
}

fn state(d: &HostileDay) -> State {
    let ledger = Ledger::open(&d.ledger_path()).unwrap();
    ledger.integrity_check().unwrap();
    State {
        reports: reports(d),
        registrations: registrations(&ledger),
        result: ledger.day_result(day()).unwrap(),
    }
}

fn reference() -> &'static State {
    static REFERENCE: std::sync::OnceLock<State> = std::sync::OnceLock::new();
    REFERENCE.get_or_init(|| {
        let d = HostileDay::new();
        d.reconcile().assert_finished_with_exceptions();
        let s = state(&d);
        assert_eq!(s.reports.len(), 7, "{:?}", s.reports.keys());
        assert!(s.registrations.len() > 40);
        assert_eq!(s.result.as_ref().unwrap().orders.len(), 55);
        s
    })
}

/// No half-written report folder is left next to the day's.
/// The reports folder holds the day's folder (when there is one) and no
/// staging or set-aside folder.
fn assert_no_leftovers(d: &HostileDay) {
    if let Ok(entries) = std::fs::read_dir(d.out_dir()) {
        let names: Vec<String> = entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| n == DAY),
            "left in the reports folder: {names:?}"
        );
    }
}

/// A normal run after a crash: it must complete and leave exactly the
/// reference state, with the run recorded as finished.
fn rerun_and_check(d: &HostileDay, after: &str) {
    let run = d.reconcile();
    assert_eq!(
        run.code,
        Some(2),
        "rerun after {after}: {}",
        tail(&run.stderr)
    );
    let s = state(d);
    assert_eq!(s.registrations, reference().registrations, "after {after}");
    assert_eq!(s.result, reference().result, "results after {after}");
    for (name, bytes) in &reference().reports {
        assert!(
            s.reports.get(name) == Some(bytes),
            "{name} differs after {after}"
        );
    }
    assert_eq!(s.reports.len(), reference().reports.len());
    assert_no_leftovers(d);
    let ledger = Ledger::open(&d.ledger_path()).unwrap();
    let last = ledger.last_run(day()).unwrap().unwrap();
    assert_eq!(last.status, Some(RunStatus::Exceptions), "after {after}");
}

/// Between a crash and the next run: each half is either the complete
/// previous state or the complete new one (here they are the same inputs,
/// so "new" is the reference), never a part.
fn assert_whole_or_nothing(d: &HostileDay, what: &str) {
    let s = state(d);
    assert!(
        s.reports.is_empty() || s.reports == reference().reports,
        "{what}: a partial report set: {:?}",
        s.reports.keys()
    );
    assert!(
        s.registrations.is_empty() || s.registrations == reference().registrations,
        "{what}: partial slip registrations ({} rows)",
        s.registrations.len()
    );
    assert!(
        s.result.is_none() || s.result == reference().result,
        "{what}: partial results"
    );
}

#[test]
fn aborting_after_each_stage_loses_and_duplicates_nothing() {
    let reference = reference();
    for &stage in STAGES {
        // A first run of the day dies after `stage`.
        let d = HostileDay::new();
        let run = d.reconcile_with(&[("RECON_TEST_ABORT_AT", stage)]);
        assert_eq!(
            run.code,
            None,
            "{stage}: the process should die: {}",
            tail(&run.stderr)
        );
        assert!(
            run.stderr.contains("aborting on purpose"),
            "{stage}: fail point not reached"
        );
        let s = state(&d);
        // Reports are staged by `report` and put in place only after the
        // ledger recorded the day: they appear together.
        let reports_written = stage == "ledger";
        assert_eq!(!s.reports.is_empty(), reports_written, "{stage}: reports");
        if reports_written {
            assert_eq!(
                &s.reports, &reference.reports,
                "{stage}: reports are a whole set"
            );
        }
        let recorded = matches!(stage, "ledger_recorded" | "ledger");
        assert_eq!(s.result.is_some(), recorded, "{stage}: results");
        assert_eq!(
            !s.registrations.is_empty(),
            recorded,
            "{stage}: registrations"
        );
        // The crashed run stays visible as unfinished, not as a success.
        let ledger = Ledger::open(&d.ledger_path()).unwrap();
        let crashed = ledger.last_run(day()).unwrap().unwrap();
        assert_eq!(crashed.status, None, "{stage}: {crashed:?}");
        drop(ledger);
        assert_whole_or_nothing(&d, stage);
        // `recon verify` confirms that reports and ledger are in step: a
        // set the ledger recorded is put in place first; a day it never
        // recorded has no run to confirm.
        let verified = d.verify();
        if recorded {
            assert_eq!(verified.code, Some(0), "{stage}: {}", verified.all_output());
            assert_eq!(&state(&d), reference, "{stage}: after verify");
        } else {
            assert_eq!(verified.code, Some(1), "{stage}: {}", verified.all_output());
            assert!(
                verified.stdout.contains("no recorded run"),
                "{stage}: {}",
                verified.all_output()
            );
        }
        assert_no_leftovers(&d);
        rerun_and_check(&d, stage);

        // A rerun of a recorded day dies after `stage`: the recorded state
        // stands, whole, and the next run is again exact.
        let run = d.reconcile_with(&[("RECON_TEST_ABORT_AT", stage)]);
        assert_eq!(run.code, None, "{stage} (rerun)");
        assert_eq!(
            &state(&d),
            reference,
            "{stage}: rerun crash changed the state"
        );
        let verified = d.verify();
        assert_eq!(
            verified.code,
            Some(0),
            "{stage} (rerun): {}",
            verified.all_output()
        );
        rerun_and_check(&d, &format!("{stage} (rerun)"));
    }
}

#[test]
fn sigkill_at_random_moments_then_a_rerun_is_whole() {
    reference();
    // How long a whole run of this day takes here (debug build, machine
    // load): the kills are spread over that span.
    let span = {
        let calibration = HostileDay::new();
        let started = Instant::now();
        calibration.reconcile().assert_finished_with_exceptions();
        let first = started.elapsed();
        let started = Instant::now();
        calibration.reconcile().assert_finished_with_exceptions();
        first.min(started.elapsed()).max(Duration::from_millis(5))
    };
    let d = HostileDay::new();
    // A fixed pseudo-random sequence of moments within the span, so a
    // failure can be replayed (the span is printed with the outcomes).
    let mut seed: u64 = 0x5EED_0008;
    let mut kills = 0;
    let mut outcomes = vec![format!("span {span:?}")];
    for i in 0..10 {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = span.mul_f64(((seed >> 33) % 1000) as f64 / 1000.0);
        let mut child = d
            .command(&[])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let status = match child.try_wait().unwrap() {
            Some(status) => status,
            None => {
                child.kill().unwrap(); // SIGKILL
                kills += 1;
                child.wait().unwrap()
            }
        };
        outcomes.push(format!("run {i}: {delay:?} -> {status}"));
        assert_whole_or_nothing(&d, &outcomes.join("; "));
    }
    assert!(kills >= 3, "too few runs were killed: {outcomes:?}");
    rerun_and_check(&d, &outcomes.join("; "));
    let verified = d.verify();
    assert_eq!(verified.code, Some(0), "{}", verified.all_output());
}

/// A local EasySlip that answers each uploaded image with the saved body
/// of the order the image is named after, after `delay`, and records the
/// file name of every request.
fn slow_easyslip(
    bodies: BTreeMap<String, Vec<u8>>,
    delay: Duration,
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v2", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let bodies = bodies.clone();
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut req = vec![0; len];
                if reader.read_exact(&mut req).is_err() {
                    return;
                }
                let text = String::from_utf8_lossy(&req);
                let file = text
                    .split_once("filename=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map(|(name, _)| name.to_string())
                    .unwrap_or_default();
                log.lock().unwrap().push(file.clone());
                std::thread::sleep(delay);
                let order = file.trim_end_matches(".png");
                let body = bodies.get(order).cloned().unwrap_or_default();
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            });
        }
    });
    (base, seen)
}

const IMAGE_ORDERS: &[&str] = &[
    "ORD-20261121-0001",
    "ORD-20261121-0002",
    "ORD-20261121-0003",
    "ORD-20261121-0004",
    "ORD-20261121-0005",
    "ORD-20261121-0007",
];

/// The sample day with six EasySlip slips turned into images that the
/// (slow, local) EasySlip reads one at a time; the saved bodies go to the
/// server.
fn ocr_day(base: &str) -> HostileDay {
    let d = HostileDay::new();
    let text = crate::common::nightly_toml().replace(
        "provider = \"local\"",
        &format!(
            "provider = \"easyslip\"\n\n[ocr.easyslip]\nbase_url = \"{base}\"\n\n[ocr.easyslip.limits]\nconcurrency = 1\nrequests_per_second = 0.0\nmax_attempts = 1\n"
        ),
    );
    d.set_config(&text);
    // The sample's own image slips are for the local reader; here they are
    // simply absent (the same in every run), so that EasySlip sees only
    // the six below.
    for e in std::fs::read_dir(d.input("slips")).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x != "json") {
            std::fs::remove_file(path).unwrap();
        }
    }
    for (i, order) in IMAGE_ORDERS.iter().enumerate() {
        d.remove(&format!("slips/{order}.json"));
        // Distinct bytes per slip: distinct image hashes.
        d.write(
            &format!("slips/{order}.png"),
            crate::images::png_bomb(40 + i as u32, 40),
        );
        d.set_order_slip(order, &format!("{order}.png"));
    }
    d
}

fn saved_bodies() -> BTreeMap<String, Vec<u8>> {
    let src = crate::common::repo()
        .join("sample-data")
        .join(DAY)
        .join("slips");
    IMAGE_ORDERS
        .iter()
        .map(|o| {
            (
                o.to_string(),
                std::fs::read(src.join(format!("{o}.json"))).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_kill_in_the_middle_of_slip_reading_pays_no_slip_twice() {
    let (base, seen) = slow_easyslip(saved_bodies(), Duration::from_millis(150));
    let key = [("EASYSLIP_API_KEY", "test-key")];

    // What a run that is never interrupted leaves behind.
    let clean = ocr_day(&base);
    let run = clean.reconcile_with(&key);
    assert_eq!(run.code, Some(2), "{}", tail(&run.stderr));
    let expected = state(&clean);
    assert_eq!(seen.lock().unwrap().len(), IMAGE_ORDERS.len());
    let orders = clean.orders();
    for order in IMAGE_ORDERS {
        assert_ne!(
            orders[*order]["status"], "unreadable_slip",
            "{order} read by the provider"
        );
    }
    assert!(
        expected.registrations.iter().any(|r| r.0 == "image_sha256"),
        "image slips register their hash"
    );
    seen.lock().unwrap().clear();

    // Another copy of the day, killed once three slips have been asked for.
    let d = ocr_day(&base);
    let mut child = d
        .command(&key)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while seen.lock().unwrap().len() < 3 {
        assert!(started.elapsed() < Duration::from_secs(30), "no OCR calls");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before OCR"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let asked_before = seen.lock().unwrap().len();
    let s = state(&d);
    assert!(s.reports.is_empty() && s.result.is_none() && s.registrations.is_empty());

    // The rerun asks only for the slips whose answers were not cached yet,
    // and ends exactly where the uninterrupted run did.
    let run = d.reconcile_with(&key);
    assert_eq!(run.code, Some(2), "{}", tail(&run.stderr));
    let asked = seen.lock().unwrap().clone();
    let first: Vec<_> = asked[..asked_before].to_vec();
    let again: Vec<_> = asked[asked_before..].to_vec();
    assert!(
        again.len() <= IMAGE_ORDERS.len() - asked_before + 1,
        "cached answers were paid again: first {first:?}, then {again:?}"
    );
    let mut all: Vec<_> = asked.clone();
    all.sort();
    all.dedup();
    assert_eq!(
        all.len(),
        IMAGE_ORDERS.len(),
        "every slip was read: {asked:?}"
    );
    let s = state(&d);
    assert_eq!(s.registrations, expected.registrations);
    assert_eq!(s.result, expected.result);
    assert_eq!(s.reports, expected.reports);
    assert_no_leftovers(&d);
}

#[test]
fn a_ledger_that_cannot_be_written_leaves_the_previous_reports_in_place() {
    let d = HostileDay::new();
    d.reconcile().assert_finished_with_exceptions();
    let before = state(&d);
    // The inputs change (one order fewer), then the ledger's disk is full
    // when the day is recorded.
    let orders = String::from_utf8(d.read("orders/orders.csv")).unwrap();
    let mut lines: Vec<&str> = orders.lines().collect();
    lines.remove(1);
    d.write("orders/orders.csv", lines.join("\n") + "\n");
    let run = d.reconcile_with(&[("RECON_TEST_FULL_AT", "ledger_commit")]);
    assert_eq!(run.code, Some(1), "{}", tail(&run.stderr));
    assert!(run.stderr.contains("disk is full"), "{}", tail(&run.stderr));
    let after = state(&d);
    assert!(
        after.reports == before.reports,
        "the reports changed although the ledger did not record the run"
    );
    assert_eq!(after.result, before.result);
    assert_no_leftovers(&d);
    // Once the disk has room again, the run goes through.
    d.reconcile().assert_finished_with_exceptions();
    assert!(state(&d).reports != before.reports);
}
