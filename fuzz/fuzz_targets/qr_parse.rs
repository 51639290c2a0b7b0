//! Any text as a QR payload (EMVCo TLV + CRC: Thai slip verification,
//! PromptPay, KHQR): a payload or a `QrError`, never a panic. A payload that
//! parses must survive the accessors the local reader calls.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recon_ocr_client::qr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = qr::split_tlv(text);
    if let Ok(payload) = qr::parse(text) {
        let _ = format!("{payload:?}");
        let _ = (payload.receiver(), payload.amount(), payload.currency());
        match &payload {
            qr::QrPayload::SlipVerification(s) => {
                let _ = s.sending_bank();
            }
            qr::QrPayload::Khqr(k) => {
                let _ = k.bank();
            }
            qr::QrPayload::PromptPay(_) => {}
        }
    }
});
