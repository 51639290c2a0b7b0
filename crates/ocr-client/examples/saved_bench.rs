//! What `read_slips` costs for a day of saved provider bodies in bundles
//! (`slips-NNN.jsonl#<line>`), the benchmark-sized case: wall and CPU time,
//! peak memory, and a digest of every outcome so that two builds can be
//! shown to read the same day identically.
//!
//! ```text
//! cargo run -p recon-ocr-client --example saved_bench --release -- generate 100000 [--digest]
//! cargo run -p recon-ocr-client --example saved_bench --release -- day <day folder> [--digest]
//! ```
//!
//! `generate N` writes N varied bodies (recon_testkit::saved) into
//! bundles of 100,000 lines in a temp folder. `day DIR` reads a day made by
//! `recon-gen --slips bundled`, naming its slips the way `recon reconcile`
//! does (every line of every bundle in `DIR/slips/` plus the order export's
//! `slip` column, sorted). Run it under `/usr/bin/time -v` for the peak RSS
//! of the whole process; the figures printed split listing from reading.

use recon_testkit::saved;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use recon_core::SlipRead;
use recon_ledger::Ledger;
use recon_ocr_client::{OcrConfig, SlipJob, bundle_slip_names, read_slips};
use sha2::{Digest, Sha256};

/// User + system CPU seconds of this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    (f.get(11).unwrap_or(&0) + f.get(12).unwrap_or(&0)) as f64 / 100.0
}

/// Peak and current resident set, MiB.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (kib("VmHWM:"), kib("VmRSS:"))
}

/// What glibc malloc takes for `n` bytes: an 8-byte header, 16-byte steps,
/// 32 at least.
fn chunk(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n + 8).div_ceil(16).max(2) * 16
    }
}

/// The heap one outcome holds, counted field by field: where the memory
/// of a day's slips goes.
fn heap_of(read: &SlipRead) -> [usize; 4] {
    let s = |o: &Option<String>| o.as_ref().map_or(0, |s| chunk(s.capacity()));
    match read {
        SlipRead::Read(slip) => {
            let party = |p: &recon_core::Party| {
                s(&p.name)
                    + s(&p.alt_name)
                    + s(&p.bank)
                    + p.account.as_ref().map_or(0, |a| chunk(a.as_given().len()))
                    + p.proxy
                        .as_ref()
                        .map_or(0, |x| chunk(x.value.as_given().len()))
            };
            let names = party(&slip.sender) + party(&slip.receiver);
            let keys = s(&slip.file)
                + s(&slip.image_sha256)
                + slip.trans_ref.as_ref().map_or(0, |t| chunk(t.0.capacity()))
                + s(&slip.qr_payload)
                + s(&slip.remark);
            // One B-tree leaf: 11 keys, 11 values, parent link, lengths.
            let leaf = 8
                + 2
                + 2
                + 11 * std::mem::size_of::<recon_core::SlipField>()
                + 11 * std::mem::size_of::<recon_core::Evidence>();
            let evidence = if slip.evidence.is_empty() {
                0
            } else {
                chunk(leaf)
            };
            [names, keys, evidence, s(&slip.raw_response)]
        }
        SlipRead::Unreadable { file, reason } | SlipRead::Pending { file, reason } => {
            [0, chunk(file.len()) + chunk(reason.len()), 0, 0]
        }
    }
}

fn day_jobs(day: &Path) -> Vec<SlipJob> {
    let slips = day.join("slips");
    let mut names = BTreeSet::new();
    let mut bundles: Vec<PathBuf> = std::fs::read_dir(&slips)
        .expect("slips/ folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    bundles.sort();
    for b in &bundles {
        let name = b.file_name().unwrap().to_string_lossy().into_owned();
        names.extend(bundle_slip_names(&name, b).expect("bundle"));
    }
    if let Ok(orders) = std::fs::read_to_string(day.join("orders/orders.csv")) {
        names.extend(
            orders
                .lines()
                .skip(1)
                .filter_map(|l| l.rsplit_once(',').map(|(_, s)| s.trim()))
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    names
        .into_iter()
        .map(|file| {
            let bundle = file.rsplit_once('#').map_or(file.as_str(), |(b, _)| b);
            let path = slips.join(bundle);
            SlipJob { file, path }
        })
        .collect()
}

/// One thread, no I/O: `parse_saved` over every line of a bundle, against
/// the floor of scanning the same JSON without building anything.
fn parse_only(bundle: &Path) {
    let bytes = std::fs::read(bundle).expect("bundle");
    let lines: Vec<&[u8]> = bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let per = |f: &dyn Fn(&[u8]) -> bool, what: &str| {
        let t = Instant::now();
        let ok = lines.iter().filter(|l| f(l)).count();
        let ns = t.elapsed().as_nanos() as f64 / lines.len() as f64;
        println!("{what:>28}: {ns:7.0} ns per body ({ok} ok)");
    };
    per(
        &|l| serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok(),
        "scan (IgnoredAny)",
    );
    per(
        &|l| serde_json::from_slice::<serde_json::Value>(l).is_ok(),
        "serde_json::Value",
    );
    per(&|l| recon_ocr_client::parse_saved(l).is_ok(), "parse_saved");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let digest = args.iter().any(|a| a == "--digest");
    let tmp = tempfile::tempdir().expect("temp dir");
    let t = Instant::now();
    let jobs = match args.first().map(String::as_str) {
        Some("generate") => {
            let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
            let jobs = saved::write_bundles(tmp.path(), n, 100_000);
            println!("generated {n} bodies in {:.2} s", t.elapsed().as_secs_f64());
            jobs.into_iter()
                .map(|(file, path)| SlipJob { file, path })
                .collect()
        }
        Some("day") => {
            let day = PathBuf::from(args.get(1).expect("day folder"));
            let jobs = day_jobs(&day);
            println!(
                "listed {} slips in {:.2} s",
                jobs.len(),
                t.elapsed().as_secs_f64()
            );
            jobs
        }
        Some("parse") => {
            parse_only(Path::new(args.get(1).expect("bundle")));
            return;
        }
        _ => {
            eprintln!("usage: saved_bench generate <N> | day <folder>  [--digest]");
            std::process::exit(2);
        }
    };
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).expect("ledger");
    let n = jobs.len();
    let (_, rss_before) = rss_mib();

    let cpu = cpu_seconds();
    let t = Instant::now();
    let reads = read_slips(jobs, &OcrConfig::default(), &ledger, &|_| {});
    let wall = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    let (peak, rss_after) = rss_mib();

    let read = reads
        .iter()
        .filter(|r| matches!(r, SlipRead::Read(_)))
        .count();
    println!(
        "read_slips: {n} jobs, {read} read, {} not: wall {wall:.2} s, cpu {cpu:.2} s, {:.0} slips/s",
        n - read,
        n as f64 / wall
    );
    println!(
        "rss: {rss_before:.0} MiB before, {rss_after:.0} MiB after ({:.0} B per outcome kept), peak {peak:.0} MiB",
        (rss_after - rss_before) * 1024.0 * 1024.0 / n.max(1) as f64
    );
    let mut heap = [0usize; 4];
    for r in &reads {
        for (t, h) in heap.iter_mut().zip(heap_of(r)) {
            *t += h;
        }
    }
    let per = |b: usize| b as f64 / n.max(1) as f64;
    println!(
        "per outcome: {} B inline (SlipRead), heap {:.0} B names/banks/accounts + {:.0} B file/refs/QR/remark + {:.0} B evidence + {:.0} B raw_response",
        std::mem::size_of::<SlipRead>(),
        per(heap[0]),
        per(heap[1]),
        per(heap[2]),
        per(heap[3]),
    );
    if digest {
        let mut h = Sha256::new();
        for r in &reads {
            h.update(serde_json::to_vec(r).expect("serialisable"));
            h.update(b"\n");
        }
        println!("digest {}", hex::encode(h.finalize()));
    }
}
