//! `recon-floors`: what a day's run could not go below on this machine,
//! measured on the day's own files, for `just bench` to print each stage of
//! `recon reconcile` against (a ratio stays meaningful on a busy machine,
//! where seconds do not).
//!
//! ```text
//! recon-floors --day-dir DATA/2026-11-21 --report-bytes N --ledger-bytes M --scratch DIR
//! ```
//!
//! Floors, each on every core where the run uses them, with wall and CPU
//! seconds, printed as one JSON object:
//! - `read`: every input file's bytes read once (the `inputs` stage hashes
//!   them);
//! - `parse_csv`: the statement and order CSVs split into records, no field
//!   converted (the `ingest` stage);
//! - `parse_json`: every saved slip body parsed as JSON and thrown away
//!   (the `slips` stage);
//! - `join`: orders and statement lines hashed by amount and each order
//!   probed, the day's rows once each (the `match` stage's least);
//! - `write_report`: `--report-bytes` written to a file and synced (the
//!   `report` stage writes that many);
//! - `write_ledger`: `--ledger-bytes` written and synced once (the `ledger`
//!   stage).

use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use serde::de::IgnoredAny;

#[derive(Parser)]
#[command(about = "Floors of a day's run: read, parse, join and write the day's bytes")]
struct Args {
    /// The day folder (`statements/`, `orders/`, `slips/`).
    #[arg(long)]
    day_dir: PathBuf,
    /// Bytes the run's reports hold.
    #[arg(long, default_value_t = 0)]
    report_bytes: u64,
    /// Bytes the run's ledger holds.
    #[arg(long, default_value_t = 0)]
    ledger_bytes: u64,
    /// A folder to write the write floors' scratch files in.
    #[arg(long)]
    scratch: PathBuf,
}

/// User + system CPU seconds of this process so far (Linux).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some(close) = stat.rfind(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    (ticks(11).unwrap_or(0.0) + ticks(12).unwrap_or(0.0)) / 100.0
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, serde_json::Value) {
    let (w, c) = (Instant::now(), cpu_seconds());
    let out = f();
    let figures = serde_json::json!({
        "s": (w.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        "cpu": ((cpu_seconds() - c) * 100.0).round() / 100.0,
    });
    (out, figures)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// `f` over `items` on every core, its results summed.
fn on_cores<T: Sync>(items: &[T], f: impl Fn(&T) -> u64 + Sync) -> u64 {
    let n = cores();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..n)
            .map(|t| {
                let f = &f;
                s.spawn(move || items.iter().skip(t).step_by(n).map(f).sum::<u64>())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

/// A field that reads like an amount (`1500.00`, `-1,234.50`).
fn looks_like_amount(field: &[u8]) -> bool {
    field.contains(&b'.')
        && field.iter().any(u8::is_ascii_digit)
        && field
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'-' | b'(' | b')'))
}

/// The records of a CSV, not converted: each one's first field that reads
/// like an amount (whatever the layout, a bank's or the canonical one).
fn csv_amounts(path: &Path) -> Vec<Vec<u8>> {
    let Ok(mut reader) = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_path(path)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        if let Some(f) = record.iter().find(|f| looks_like_amount(f)) {
            out.push(f.to_vec());
        }
    }
    out
}

fn json_values(path: &Path) -> u64 {
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    if path.extension().is_some_and(|e| e == "jsonl") {
        let mut n = 0;
        let reader = std::io::BufReader::with_capacity(1 << 20, file);
        for line in reader.split(b'\n').map_while(Result::ok) {
            if serde_json::from_slice::<IgnoredAny>(&line).is_ok() {
                n += 1;
            }
        }
        n
    } else {
        let mut bytes = Vec::new();
        let mut file = file;
        let _ = file.read_to_end(&mut bytes);
        u64::from(serde_json::from_slice::<IgnoredAny>(&bytes).is_ok())
    }
}

fn write_synced(path: &Path, bytes: u64) -> std::io::Result<()> {
    let block = vec![0x5a_u8; 1 << 20];
    let mut file = std::fs::File::create(path)?;
    let mut left = bytes;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    drop(file);
    std::fs::remove_file(path)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let statements = files_in(&args.day_dir.join("statements"));
    let orders = files_in(&args.day_dir.join("orders"));
    let slips = files_in(&args.day_dir.join("slips"));
    let all: Vec<PathBuf> = statements
        .iter()
        .chain(&orders)
        .chain(&slips)
        .cloned()
        .collect();

    let (bytes, read) = timed(|| {
        on_cores(&all, |p| {
            std::fs::read(p).map(|b| b.len() as u64).unwrap_or(0)
        })
    });

    // Statements and orders on a thread each, as the run reads them.
    let csv = |files: &[PathBuf]| -> Vec<Vec<u8>> {
        files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .flat_map(|p| csv_amounts(p))
            .collect()
    };
    let ((lines, order_rows), parse_csv) = timed(|| {
        std::thread::scope(|s| {
            let o = s.spawn(|| csv(&orders));
            let l = csv(&statements);
            (l, o.join().unwrap_or_default())
        })
    });

    let json_files: Vec<&PathBuf> = slips
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "jsonl"))
        .collect();
    let (bodies, parse_json) = timed(|| on_cores(&json_files, |p| json_values(p)));

    let (joined, join) = timed(|| {
        let mut by_amount: HashMap<&[u8], Vec<u32>> = HashMap::with_capacity(lines.len());
        for (i, a) in lines.iter().enumerate() {
            by_amount.entry(a.as_slice()).or_default().push(i as u32);
        }
        order_rows
            .iter()
            .filter(|a| by_amount.contains_key(a.as_slice()))
            .count()
    });

    std::fs::create_dir_all(&args.scratch)?;
    let ((), write_report) = timed(|| {
        let _ = write_synced(&args.scratch.join("report.floor"), args.report_bytes);
    });
    let ((), write_ledger) = timed(|| {
        let _ = write_synced(&args.scratch.join("ledger.floor"), args.ledger_bytes);
    });

    let out = serde_json::json!({
        "bytes": bytes,
        "report_bytes": args.report_bytes,
        "ledger_bytes": args.ledger_bytes,
        "statement_lines": lines.len(),
        "orders": order_rows.len(),
        "slip_bodies": bodies,
        "orders_with_an_amount_on_the_statement": joined,
        "read": read,
        "parse_csv": parse_csv,
        "parse_json": parse_json,
        "join": join,
        "write_report": write_report,
        "write_ledger": write_ledger,
    });
    println!("{out}");
    Ok(())
}
