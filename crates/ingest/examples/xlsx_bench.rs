//! Reading a statement workbook as large as a sheet can be, and what it
//! costs in memory.
//!
//! ```text
//! cargo run --release -p recon-ingest --example xlsx_bench -- write FILE [rows]
//! cargo run --release -p recon-ingest --example xlsx_bench -- read FILE
//! ```
//!
//! `write` makes a canonical statement workbook of `rows` data rows (default
//! 1,048,575: the whole grid of Excel), each with its own counterparty name
//! and reference, so that the shared-strings table is as large as it gets.
//! `read` reads it with the canonical profile and prints rows, rejections,
//! seconds and the process's peak resident memory (`VmHWM`), which is the
//! reader's alone because writing happens in another process.

use std::time::Instant;

use recon_ingest::{CANONICAL_STATEMENT_HEADER, Profile, ReadOptions, read_statement};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [cmd, file, rest @ ..] if cmd == "write" => {
            let rows: u32 = rest.first().map_or(Ok(1_048_575), |n| n.parse())?;
            write(file, rows)
        }
        [cmd, file] if cmd == "read" => read(file),
        _ => Err("usage: xlsx_bench write FILE [rows] | read FILE".into()),
    }
}

fn write(file: &str, rows: u32) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let header = CANONICAL_STATEMENT_HEADER;
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for i in 0..rows {
        let r = i + 1;
        let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
        ws.write_string(r, 0, "001 234 567")?;
        ws.write_string(r, 1, format!("2026-11-21T{h:02}:{m:02}:{s:02}+07:00"))?;
        ws.write_string(r, 2, format!("{}.{:02}", 100 + i % 9_000, i % 100))?;
        ws.write_string(r, 3, "USD")?;
        ws.write_string(r, 4, format!("PAYER NUMBER {i}"))?;
        ws.write_string(r, 5, "011 XXX XXX")?;
        ws.write_string(r, 6, "ABA")?;
        ws.write_string(r, 7, format!("REF{i:010}"))?;
        ws.write_string(r, 8, "Incoming transfer")?;
    }
    book.save(file)?;
    let size = std::fs::metadata(file)?.len();
    println!(
        "wrote {rows} rows, {:.1} MB, in {:.1} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn read(file: &str) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let got = read_statement(
        std::path::Path::new(file),
        &Profile::builtin("canonical").expect("canonical ships"),
        &ReadOptions::new(chrono_tz::Asia::Bangkok),
    )?;
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!(
        "read {} rows, {} rejected, in {:.1} s; peak resident {peak}",
        got.rows.len(),
        got.rejected.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
