//! Criterion micro-benchmarks of the two per-item hot paths that a day of a
//! million orders runs millions of times: payer-name similarity (matcher)
//! and slip QR/TLV parsing with its CRC (ocr-client).
//!
//! `cargo bench -p recon-cli --bench micro` (`just bench` runs it too).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use recon_ocr_client::qr::{crc16, slip_verification_payload};

/// Name pairs as the matcher sees them: Thai with honorifics, English in
/// bank capitals, a masked bank name, a typo, strangers.
const NAMES: &[(&str, &str)] = &[
    ("นาย สมชาย ใจดี", "สมชาย ใจดี"),
    ("MR. JOHN SMITH", "John Smith"),
    ("นางสาว สุดารัตน์ บุญมา", "MS. SUDARAT BOONMA"),
    ("สุดารัตน์ บุญมา", "นางสาว สุดารัตน์ บุ***"),
    ("Mark Morgan", "Markk Morgan"),
    ("SOK DARA", "นาย ประยุทธ์ ศรีสุข"),
];

/// One EMV TLV field.
fn tlv(tag: &str, value: &str) -> String {
    format!("{tag}{:02}{value}", value.len())
}

/// Appends the CRC field (`63` `04` + CRC-16/CCITT-FALSE over everything
/// before it, the CRC field's own tag and length included).
fn with_crc(body: String) -> String {
    let head = format!("{body}6304");
    format!("{head}{:04X}", crc16(head.as_bytes()))
}

/// A dynamic PromptPay payment QR for 1,500.00 THB to a tax id.
fn promptpay() -> String {
    let merchant = tlv("00", "A000000677010111") + &tlv("02", "0105561234567");
    with_crc(
        tlv("00", "01")
            + &tlv("01", "12")
            + &tlv("29", &merchant)
            + &tlv("53", "764")
            + &tlv("54", "1500.00")
            + &tlv("58", "TH"),
    )
}

fn payloads() -> Vec<(&'static str, String)> {
    let slip = slip_verification_payload("004", "015329145326ATF06327").expect("payload");
    let list = vec![("slip_verification", slip), ("promptpay", promptpay())];
    for (kind, p) in &list {
        // A benchmark of the error path would measure the wrong thing.
        assert!(recon_ocr_client::qr::parse(p).is_ok(), "{kind}: {p}");
    }
    list
}

fn name_similarity(c: &mut Criterion) {
    let mut g = c.benchmark_group("name_similarity");
    for (k, (a, b)) in NAMES.iter().enumerate() {
        g.bench_function(format!("pair{k}"), |bench| {
            bench.iter(|| recon_matcher::name_similarity(black_box(a), black_box(b)))
        });
    }
    g.bench_function("all_pairs", |bench| {
        bench.iter(|| {
            NAMES
                .iter()
                .map(|(a, b)| recon_matcher::name_similarity(black_box(a), black_box(b)))
                .sum::<f64>()
        })
    });
    g.finish();
}

fn qr_parse(c: &mut Criterion) {
    let mut g = c.benchmark_group("qr_parse");
    for (kind, payload) in payloads() {
        g.bench_function(kind, |bench| {
            bench.iter(|| recon_ocr_client::qr::parse(black_box(&payload)))
        });
    }
    g.finish();
}

criterion_group!(benches, name_similarity, qr_parse);
criterion_main!(benches);
