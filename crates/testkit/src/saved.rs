//! Saved provider bodies in bulk, for the saved-slip benchmark and the
//! tests that compare a generated day read one way and another: the
//! documented bodies in `tests/data/` with each slip's amount, reference,
//! date, names and accounts varied, in all three providers' shapes, plus
//! the broken lines a real export has (cut short, not a slip, error bodies).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

const EASYSLIP: &str = include_str!("../../ocr-client/tests/data/easyslip-success.json");
const EASYSLIP_NOT_FOUND: &str =
    include_str!("../../ocr-client/tests/data/easyslip-slip-not-found.json");
const NEXTOCR: &str = include_str!("../../ocr-client/tests/data/nextocr-success.json");
const NEXTOCR_KHR: &str = include_str!("../../ocr-client/tests/data/nextocr-aba-khr.json");
const CLOVA_RECEIPT: &str = include_str!("../../ocr-client/tests/data/clova-receipt.json");
const CLOVA_CARD: &str = include_str!("../../ocr-client/tests/data/clova-credit-card.json");

const THAI: [&str; 4] = [
    "นาย สมชาย ใจดี",
    "นางสาว กิตติยา มีสุข",
    "MS. JESSICA TAYLOR",
    "บริษัท ร้านดี จำกัด",
];
const LATIN: [&str; 4] = ["MR. SOMCHAI JAIDEE", "MS. KITTIYA MEESUK", "", "SOK DARA"];

/// A small deterministic mix of `i` (no rand: the same `i` is the same body).
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

fn set(v: &mut Value, pointer: &str, new: Value) {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = new;
    }
}

/// The `i`-th saved body, compact (one line), as a bundle holds it. Most
/// are EasySlip, some NextOCR (USD, KHR with thousands separators), a few
/// CLOVA; about one in 200 is cut short, an error body or not a slip.
pub fn saved_body(i: u64) -> String {
    let r = mix(i);
    let cents = 100 + r % 9_999_900;
    let amount = format!("{}.{:02}", cents / 100, cents % 100);
    let name = THAI[(r >> 8) as usize % THAI.len()];
    let latin = LATIN[(r >> 12) as usize % LATIN.len()];
    let minute = (r >> 16) % 1440;
    let (h, m) = (minute / 60, minute % 60);
    let digits = format!("{:04}", (r >> 24) % 10_000);
    let reference = format!("{:015}{:X}", i, r >> 40);
    let kind = (r >> 4) % 200;
    let mut v: Value;
    match kind {
        0 => return EASYSLIP_NOT_FOUND.replace(['\n', '\r'], ""),
        1 => return r#"{"note":"not a slip"}"#.into(),
        2 => {
            let whole = compact(EASYSLIP);
            return whole[..whole.len() / 2].to_string();
        }
        3..=150 => {
            v = serde_json::from_str(EASYSLIP).unwrap();
            // Amounts are JSON numbers with their cents, as EasySlip sends.
            let num: Value = serde_json::from_str(&amount).unwrap();
            for p in [
                "/data/amountInOrder",
                "/data/amountInSlip",
                "/data/rawSlip/amount/amount",
                "/data/rawSlip/amount/local/amount",
            ] {
                set(&mut v, p, num.clone());
            }
            set(&mut v, "/data/rawSlip/transRef", json!(reference));
            set(
                &mut v,
                "/data/rawSlip/payload",
                json!(format!("0046{reference}5102TH9104{digits}")),
            );
            set(
                &mut v,
                "/data/rawSlip/date",
                json!(format!("2026-11-21T{h:02}:{m:02}:00+07:00")),
            );
            set(
                &mut v,
                "/data/remark",
                json!(format!("ORD-20261121-{i:07}")),
            );
            set(&mut v, "/data/rawSlip/sender/account/name/th", json!(name));
            if latin.is_empty() {
                if let Some(n) = v.pointer_mut("/data/rawSlip/sender/account/name") {
                    n.as_object_mut().unwrap().remove("en");
                }
            } else {
                set(&mut v, "/data/rawSlip/sender/account/name/en", json!(latin));
            }
            set(
                &mut v,
                "/data/rawSlip/sender/account/bank/account",
                json!(format!("xxx-x-x{digits}-x")),
            );
            if r.is_multiple_of(7) {
                set(&mut v, "/data/rawSlip/fee", json!(10));
                set(&mut v, "/data/rawSlip/ref1", json!(format!("INV{i}")));
            }
        }
        151..=175 => {
            v = serde_json::from_str(NEXTOCR).unwrap();
            set(&mut v, "/fields/amount", json!(amount));
            set(
                &mut v,
                "/fields/reference",
                json!(format!("{}", 60_000_000_000 + i)),
            );
            set(&mut v, "/fields/paid_by", json!(latin));
            set(
                &mut v,
                "/fields/finished_at",
                json!(format!(
                    "2026-11-21 {:02}:{m:02}{}",
                    (h % 12).max(1),
                    if h < 12 { "AM" } else { "PM" }
                )),
            );
            set(
                &mut v,
                "/fields/from_account",
                json!(format!("0{} XXX XXX", &digits[..2])),
            );
        }
        176..=190 => {
            v = serde_json::from_str(NEXTOCR_KHR).unwrap();
            let riel = 100 * (r % 1_000_000);
            let grouped = riel
                .to_string()
                .as_bytes()
                .rchunks(3)
                .rev()
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join(",");
            set(&mut v, "/fields/amount", json!(grouped));
            set(&mut v, "/fields/trx", json!(format!("FT{reference}")));
            set(&mut v, "/fields/hash", json!(format!("{:08x}", r as u32)));
        }
        191..=197 => {
            v = serde_json::from_str(CLOVA_RECEIPT).unwrap();
            let shown = format!("{}.{:02}", cents / 100, cents % 100);
            let price = "/images/0/receipt/result/totalPrice/price";
            set(&mut v, &format!("{price}/text"), json!(shown));
            set(&mut v, &format!("{price}/formatted/value"), json!(shown));
            set(
                &mut v,
                "/images/0/receipt/result/paymentInfo/confirmNum/text",
                json!(format!("APPR {i}")),
            );
        }
        _ => {
            v = serde_json::from_str(CLOVA_CARD).unwrap();
        }
    }
    serde_json::to_string(&v).unwrap()
}

fn compact(body: &str) -> String {
    serde_json::to_string(&serde_json::from_str::<Value>(body).unwrap()).unwrap()
}

/// Writes `n` saved bodies into bundles of `per_bundle` lines in `dir`
/// (`slips-001.jsonl`, ...; every 1000th line of a bundle left blank) and
/// returns the jobs that name them, in bundle and line order.
pub fn write_bundles(dir: &Path, n: u64, per_bundle: u64) -> Vec<(String, PathBuf)> {
    use std::io::Write;
    let mut jobs = Vec::with_capacity(n as usize);
    let mut i = 0;
    let mut k = 0;
    while i < n {
        k += 1;
        let name = format!("slips-{k:03}.jsonl");
        let path = dir.join(&name);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let mut line = 0;
        while i < n && line < per_bundle {
            line += 1;
            if line.is_multiple_of(1000) {
                out.write_all(b"\n").unwrap();
                continue;
            }
            out.write_all(saved_body(i).as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
            jobs.push((format!("{name}#{line}"), path.clone()));
            i += 1;
        }
        out.flush().unwrap();
    }
    jobs
}
