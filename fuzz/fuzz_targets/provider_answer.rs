//! Any HTTP answer from any of the three providers (the first byte picks
//! the provider, the next two the status, the rest is the body), judged as
//! a live call judges it: a slip or a typed error, never a panic; a 401 or
//! 403 always stops the provider; the credential never appears in the
//! error or in the slip's raw response, even when the body quotes it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recon_core::Provider;

const SECRET: &str = "fuzz-secret-key-0001";

fuzz_target!(|data: &[u8]| {
    let [p, s1, s2, body @ ..] = data else {
        return;
    };
    let provider = [Provider::Easyslip, Provider::Nextocr, Provider::Clova][usize::from(p & 0x3F) % 3];
    let status = 100 + u16::from_be_bytes([*s1, *s2]) % 500;
    // Half the inputs carry the credential where a provider might echo it.
    let mut body = body.to_vec();
    if p & 0x80 != 0 {
        let at = body.len() / 2;
        body.splice(at..at, SECRET.bytes());
    }
    let content_type = (p & 0x40 != 0).then_some("application/json");
    match recon_ocr_client::classify_answer(provider, status, content_type, &body, &[SECRET]) {
        Ok(slip) => {
            assert!((200..300).contains(&status) || status < 200, "{status} read as a slip");
            let raw = slip.raw_response.unwrap_or_default();
            assert!(!raw.contains(SECRET), "the credential is kept in raw_response");
        }
        Err(e) => {
            if matches!(status, 401 | 403) {
                assert!(e.stops_provider(), "{status} does not stop: {e}");
            }
            assert!(!e.to_string().contains(SECRET), "the credential is in {e}");
        }
    }
});
