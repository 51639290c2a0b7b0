//! Any bytes as an uploaded slip picture: decoded within the reader's
//! bounds (header size, allocation limit, pixel budget) or refused with a
//! reason, never a panic, never a picture larger than the work budget.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recon_ocr_client::local::{self, WORK_PIXELS};

fuzz_target!(|data: &[u8]| {
    if let Ok(gray) = local::decode_within_budget(data) {
        let (w, h) = gray.dimensions();
        assert!(u64::from(w) * u64::from(h) <= WORK_PIXELS, "{w} x {h}");
        // The cheap first look every picture gets before the QR search.
        let _ = local::finder_runs(&gray);
    }
});
