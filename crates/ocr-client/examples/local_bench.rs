//! Renders N sample slips, reads them back with the local reader and
//! prints per-field accuracy (% exact) and slips per second:
//! `cargo run --release -p recon-ocr-client --example local_bench -- [N] [THREADS]`.
//! (`just bench` runs it.)

use std::collections::BTreeMap;
use std::time::Instant;

use recon_ocr_client::local::read_image;
use recon_testkit::render::{expected_fields, render, sample_options, sample_slip, slip_fields};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(60);
    let threads: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1)
        .max(1);

    let started = Instant::now();
    let images: Vec<_> = (0..n)
        .map(|seed| {
            let spec = sample_slip(seed);
            render(&spec, &sample_options(seed)).map(|bytes| (seed, spec, bytes))
        })
        .collect::<Result<_, _>>()?;
    let render_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let chunks: Vec<_> = images
        .chunks(images.len().div_ceil(threads as usize).max(1))
        .collect();
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(seed, spec, bytes)| (*seed, spec.clone(), read_image(bytes)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let read_secs = started.elapsed().as_secs_f64();

    let mut exact: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut per_bank: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut failures = 0;
    for (seed, spec, result) in &results {
        let want = expected_fields(spec);
        let got = match result {
            Ok(slip) => slip_fields(slip),
            Err(e) => {
                failures += 1;
                eprintln!("seed {seed} {}: {e}", spec.bank);
                BTreeMap::new()
            }
        };
        for (field, value) in &want {
            let e = exact.entry(field).or_default();
            e.1 += 1;
            let b = per_bank.entry(spec.bank.clone()).or_default();
            b.1 += 1;
            if got.get(field) == Some(value) {
                e.0 += 1;
                b.0 += 1;
            } else if std::env::var_os("BENCH_VERBOSE").is_some() {
                eprintln!(
                    "seed {seed} {} {field}: want {value:?} got {:?}",
                    spec.bank,
                    got.get(field)
                );
            }
        }
    }
    println!("local reader: {n} slips, {threads} thread(s), {failures} unreadable");
    println!(
        "render {:.1} slips/s, read {:.2} slips/s",
        n as f64 / render_secs,
        n as f64 / read_secs
    );
    println!("{:<18} {:>8}", "field", "% exact");
    for (field, (ok, all)) in &exact {
        println!("{field:<18} {:>7.1}%", 100.0 * *ok as f64 / *all as f64);
    }
    println!("{:<18} {:>8}", "bank", "% fields");
    for (bank, (ok, all)) in &per_bank {
        println!("{bank:<18} {:>7.1}%", 100.0 * *ok as f64 / *all as f64);
    }
    Ok(())
}
