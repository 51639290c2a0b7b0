//! Any bytes as a saved provider response (EasySlip, NextOCR, CLOVA):
//! a `Slip` or an `OcrError`, never a panic; a slip always carries the raw
//! body it came from.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(slip) = recon_ocr_client::parse_saved(data) {
        assert!(slip.raw_response.is_some());
    }
});
