//! Times `read_statement` and `read_orders` on generated canonical files.
//!
//! ```text
//! cargo run --release -p recon-ingest --example ingest_bench -- [rows]
//! ```
//!
//! Writes a canonical statement CSV and a canonical order CSV of `rows`
//! rows (default 1,000,000) into a temporary folder, reads each once and
//! prints rows, rejections and seconds. A handful of rows are malformed on
//! purpose so that the quarantine path is exercised too. Last, a hostile
//! order export of the same length where every line opens a quote that the
//! next line closes (the worst case for reading lines again after an
//! unbalanced quote) shows that cost stays linear.

use std::io::{BufWriter, Write};
use std::time::Instant;

use recon_ingest::{OrderColumns, Profile, ReadOptions, read_orders, read_statement};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: u64 = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 1_000_000,
    };
    let dir = tempfile::tempdir()?;
    let statement = dir.path().join("statement.csv");
    let orders = dir.path().join("orders.csv");

    let started = Instant::now();
    {
        let mut w = BufWriter::new(std::fs::File::create(&statement)?);
        w.write_all("\u{feff}account,booked_at,amount,currency,counterparty_name,counterparty_account,counterparty_bank,reference,description\n".as_bytes())?;
        for i in 0..rows {
            let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
            let amount = if i % 100_000 == 99_999 {
                "12.3x".to_string()
            } else {
                format!("{}.{:02}", 100 + i % 9_000, i % 100)
            };
            writeln!(
                w,
                "123-4-56789-0,2026-11-21T{h:02}:{m:02}:{s:02}+07:00,{amount},THB,นาย สมชาย ใจดี {i},xxx-x-x{:04}-x,KBANK,0153250{i:09},รับโอนเงิน",
                i % 10_000
            )?;
        }
        let mut w = BufWriter::new(std::fs::File::create(&orders)?);
        w.write_all(b"order_id,customer_name,amount,currency,ordered_at,slip\n")?;
        for i in 0..rows {
            let (h, m, s) = (i / 3600 % 24, i / 60 % 60, i % 60);
            writeln!(
                w,
                "ORD-{i:08},MR. JOHN SMITH {i},{}.{:02},THB,2026-11-21 {h:02}:{m:02}:{s:02},slip-{i}.json",
                100 + i % 9_000,
                i % 100
            )?;
        }
    }
    let bytes = std::fs::metadata(&statement)?.len();
    println!(
        "generated {rows} rows ({:.1} MB statement) in {:.2?}",
        bytes as f64 / 1e6,
        started.elapsed()
    );

    let profile = Profile::builtin("canonical").ok_or("canonical profile missing")?;
    let opts = ReadOptions::new(chrono_tz::Asia::Bangkok);
    let t = Instant::now();
    let got = read_statement(&statement, &profile, &opts)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "read_statement: {} rows, {} rejected in {secs:.2} s ({:.0} rows/s)",
        got.rows.len(),
        got.rejected.len(),
        rows as f64 / secs
    );
    drop(got);

    let t = Instant::now();
    let got = read_orders(&orders, &OrderColumns::default(), chrono_tz::Asia::Bangkok)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "read_orders: {} rows, {} rejected in {secs:.2} s ({:.0} rows/s)",
        got.rows.len(),
        got.rejected.len(),
        rows as f64 / secs
    );

    // Line 2 opens a quote; every later line closes the one before cleanly
    // and opens another, so read from any line the record would run on to
    // the end of the file.
    let hostile = dir.path().join("hostile-orders.csv");
    {
        let mut w = BufWriter::new(std::fs::File::create(&hostile)?);
        w.write_all(b"order_id,customer_name,amount,currency,ordered_at,slip\nORD-0,\"open\n")?;
        for i in 1..rows {
            writeln!(w, "x{i}\",\"ORD-{i}")?;
        }
    }
    let t = Instant::now();
    let got = read_orders(&hostile, &OrderColumns::default(), chrono_tz::Asia::Bangkok)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "read_orders (every line an unbalanced quote): {} rows, {} rejected in {secs:.2} s ({:.0} lines/s)",
        got.rows.len(),
        got.rejected.len(),
        rows as f64 / secs
    );
    Ok(())
}
