//! A quote that never closes properly costs its own line only: that line is
//! quarantined with a reason naming the quote, and every line after it is
//! read as before (line numbers exact), in UTF-8 and Windows-874 files.

mod common;

use std::path::Path;

use common::{bangkok, data};
use recon_core::{Order, Rejection, StatementLine};
use recon_ingest::{Ingested, OrderColumns, Profile, ReadOptions, read_orders, read_statement};

fn statement(path: &Path, profile: &str) -> Ingested<StatementLine> {
    read_statement(
        path,
        &Profile::builtin(profile).unwrap(),
        &ReadOptions::new(bangkok()),
    )
    .unwrap()
}

fn rows(got: &Ingested<StatementLine>) -> Vec<(u64, String, Option<String>)> {
    got.rows
        .iter()
        .map(|l| {
            (
                l.source.line,
                l.amount.to_string(),
                // A CRLF file keeps CRLF inside a multi-line name.
                l.counterparty
                    .name
                    .as_ref()
                    .map(|n| n.replace("\r\n", "\n")),
            )
        })
        .collect()
}

fn rejections(rejected: &[Rejection]) -> Vec<(u64, String)> {
    rejected
        .iter()
        .map(|r| (r.line.unwrap_or(0), r.reason.clone()))
        .collect()
}

/// Writes `lines` (joined by `eol`) as `name` and reads it.
fn with_lines(
    name: &str,
    lines: &[String],
    eol: &str,
    encode: impl Fn(&str) -> Vec<u8>,
    read: impl Fn(&Path) -> Ingested<StatementLine>,
) -> Ingested<StatementLine> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, encode(&(lines.join(eol) + eol))).unwrap();
    read(&path)
}

/// Breaks each record-starting line `n` in turn by opening a quote that
/// never closes at `cell` (the first `,cell,` on the line), and checks that
/// line `n` is rejected naming the quote and `column`, while every other
/// row and rejection of the untouched file is still there, at its line.
/// `within` lists lines that belong to line `n`'s record in the untouched
/// file (a multi-line field): they may be rejected on their own.
fn break_each_line(
    baseline: &Ingested<StatementLine>,
    lines: &[String],
    targets: &[(usize, &str, &[u64])],
    column: &str,
    read: impl Fn(&[String]) -> Ingested<StatementLine>,
) {
    for &(n, cell, within) in targets {
        let mut broken = lines.to_vec();
        let needle = format!(",{cell},");
        assert!(
            broken[n - 1].contains(&needle),
            "line {n}: {}",
            broken[n - 1]
        );
        broken[n - 1] = broken[n - 1].replacen(&needle, &format!(",\"{cell},"), 1);
        let got = read(&broken);

        let hit = got
            .rejected
            .iter()
            .find(|r| r.line == Some(n as u64))
            .unwrap_or_else(|| panic!("line {n} not rejected: {:?}", got.rejected));
        assert!(
            hit.reason.starts_with("unbalanced quote"),
            "line {n}: {hit:?}"
        );
        assert_eq!(hit.column.as_deref(), Some(column), "line {n}: {hit:?}");
        assert!(
            hit.value.as_deref().unwrap_or("").starts_with(cell),
            "line {n}: {hit:?}"
        );

        let want_rows: Vec<_> = rows(baseline)
            .into_iter()
            .filter(|r| r.0 != n as u64)
            .collect();
        assert_eq!(rows(&got), want_rows, "line {n} broken");
        let mut want_rejected: Vec<_> = rejections(&baseline.rejected)
            .into_iter()
            .filter(|r| r.0 != n as u64)
            .collect();
        want_rejected.push((n as u64, hit.reason.clone()));
        want_rejected.sort();
        let mut got_rejected: Vec<_> = rejections(&got.rejected)
            .into_iter()
            .filter(|r| !within.contains(&r.0))
            .collect();
        got_rejected.sort();
        assert_eq!(got_rejected, want_rejected, "line {n} broken");
    }
}

#[test]
fn a_quote_opened_on_any_line_of_a_utf8_statement_costs_that_line_only() {
    let path = data("canonical.csv");
    let baseline = statement(&path, "canonical");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Line 6 starts a record whose quoted fields span lines 6-8; line 12 is
    // the last line (the quote runs to the end of the file).
    let targets: &[(usize, &str, &[u64])] = &[
        (2, "USD", &[]),
        (3, "KHR", &[]),
        (4, "USD", &[]),
        (5, "USD", &[]),
        (6, "USD", &[7, 8]),
        (9, "USD", &[]),
        (10, "EUR", &[]),
        (11, "USD", &[]),
        (12, "KHR", &[]),
    ];
    for eol in ["\n", "\r\n"] {
        break_each_line(&baseline, &lines, targets, "currency", |broken| {
            with_lines(
                "canonical.csv",
                broken,
                eol,
                |t| t.as_bytes().to_vec(),
                |p| statement(p, "canonical"),
            )
        });
    }
}

#[test]
fn a_quote_opened_in_a_windows_874_statement_costs_that_line_only() {
    let path = data("kbank.csv");
    let baseline = statement(&path, "kbank-csv");
    assert!(
        rows(&baseline)
            .iter()
            .any(|r| r.2.as_deref() == Some("นาย สมชาย ใจดี"))
    );
    let bytes = std::fs::read(&path).unwrap();
    let (text, _, bad) = encoding_rs::WINDOWS_874.decode(&bytes);
    assert!(!bad);
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let targets: Vec<(usize, &str, &[u64])> = (6..=13)
        .map(|n| {
            let channel = ["K PLUS", "ATM", "Internet"]
                .into_iter()
                .find(|c| lines[n - 1].contains(&format!(",{c},")))
                .unwrap_or_else(|| panic!("line {n}: {}", lines[n - 1]));
            (n, channel, &[][..])
        })
        .collect();
    break_each_line(
        &baseline,
        &lines,
        &targets,
        "ช่องทาง",
        |broken| {
            with_lines(
                "kbank.csv",
                broken,
                "\r\n",
                |t| encoding_rs::WINDOWS_874.encode(t).0.into_owned(),
                |p| statement(p, "kbank-csv"),
            )
        },
    );
}

fn orders(text: &[u8]) -> Ingested<Order> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(&path, text).unwrap();
    read_orders(&path, &OrderColumns::default(), bangkok()).unwrap()
}

#[test]
fn a_quote_left_open_on_the_last_line_of_an_order_export_is_that_line() {
    let original = std::fs::read(data("orders.csv")).unwrap();
    let baseline = orders(&original);
    let last = original.iter().filter(|&&b| b == b'\n').count() as u64;
    for ending in ["\n", "\r\n", ""] {
        let mut text = original.clone();
        text.extend_from_slice(
            format!("ORD-9999,\"Unclosed Name,10.00,THB,2026-11-21T10:00:00+07:00,{ending}")
                .as_bytes(),
        );
        let got = orders(&text);
        assert_eq!(got.rows, baseline.rows, "{ending:?}");
        let (hit, rest) = got.rejected.split_last().unwrap();
        assert_eq!(rest, &baseline.rejected[..], "{ending:?}");
        assert_eq!(hit.line, Some(last + 1), "{ending:?}: {hit:?}");
        assert_eq!(hit.column.as_deref(), Some("customer_name"));
        assert!(hit.reason.contains("quote"), "{hit:?}");
        assert!(hit.reason.contains("never closed"), "{hit:?}");
        assert!(!got.rows.iter().any(|o| o.order_id.0 == "ORD-9999"));
    }
}

#[test]
fn a_quote_in_an_order_export_that_would_swallow_later_orders_loses_none() {
    let text = "order_id,customer_name,amount,currency,ordered_at,slip\n\
        ORD-1,\"Unclosed,10.00,THB,2026-11-21T10:00:00+07:00,\n\
        ORD-2,B,20.00,THB,2026-11-21T10:01:00+07:00,\n\
        ORD-3,\"Smith, J\",30.00,THB,2026-11-21T10:02:00+07:00,s3.json\n\
        ORD-4,\"two\nline name\",40.00,THB,2026-11-21T10:03:00+07:00,\n";
    let got = orders(text.as_bytes());
    let ids: Vec<(u64, &str, &str)> = got
        .rows
        .iter()
        .map(|o| {
            (
                o.source.line,
                o.order_id.0.as_str(),
                o.customer_name.as_str(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            (3, "ORD-2", "B"),
            (4, "ORD-3", "Smith, J"),
            (5, "ORD-4", "two\nline name")
        ]
    );
    assert_eq!(got.rejected.len(), 1, "{:?}", got.rejected);
    let r = &got.rejected[0];
    assert_eq!(
        (r.line, r.column.as_deref()),
        (Some(2), Some("customer_name"))
    );
    assert!(r.reason.contains("runs on to line 4"), "{r:?}");
    assert!(r.reason.contains("read as rows of their own"), "{r:?}");
}
