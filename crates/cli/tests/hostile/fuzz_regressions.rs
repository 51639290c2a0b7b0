//! Inputs the fuzzers (`fuzz/`) found that made a parser panic, kept as
//! regression tests against the public APIs. Each must give an error, not
//! a panic.

use std::panic::catch_unwind;

/// qr_parse: a TLV frame that splits fine by characters, whose last four
/// bytes (the CRC) start inside a multi-byte character. Found in 17 s.
const QR_SPLIT_CRC: &[&str] = &[
    "9104\u{88}N4\0",
    "\u{85}6304\u{2148}N4\u{f}",
    "9104\u{85}\u{85}\u{85}\u{1}",
];

#[test]
#[ignore = "BUG: ocr-client qr::verify_crc checks the char boundary at n-8 but splits at n-4: a non-ASCII CRC field panics (byte index is not a char boundary)"]
fn qr_payloads_with_a_non_ascii_crc_field_are_errors() {
    for payload in QR_SPLIT_CRC {
        let got = catch_unwind(|| recon_ocr_client::qr::parse(payload));
        match got {
            Ok(Err(_)) => {}
            Ok(Ok(p)) => panic!("{payload:?} parsed: {p:?}"),
            Err(_) => panic!("{payload:?} panicked"),
        }
    }
}
