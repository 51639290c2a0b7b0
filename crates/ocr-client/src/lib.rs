//! Turns a slip into a [`recon_core::Slip`]: a slip image through a remote
//! provider (EasySlip, NextOCR, CLOVA OCR) or the local reader (QR decode +
//! tesseract), or a provider response saved as JSON.
//!
//! Owns: the provider clients and their contracts (request shapes, auth
//! headers, success and error bodies), the behaviour under load and faults
//! (bounded concurrency, a start rate, timeouts, retries with backoff and
//! jitter, stopping on exhausted quota), the OCR cache lookups, and
//! credentials as [`Secret`]s read from environment variables the job config
//! names.
//!
//! Never does: matching, or deciding what a slip means for an order. Never
//! logs or returns a credential; bodies quoted in errors are short excerpts
//! with known secrets blanked out.
//!
//! # The `[ocr]` job config section
//!
//! ```toml
//! [ocr]
//! provider = "easyslip"          # local (default) | easyslip | nextocr | clova
//! max_image_bytes = 4194304      # larger images are unreadable without a call
//!
//! [ocr.easyslip]
//! base_url = "https://api.easyslip.com/v2"
//! api_key_env = "EASYSLIP_API_KEY"   # the variable's NAME; the key stays in the environment
//! upload = "image"                   # image (multipart) | base64
//! check_duplicate = false
//! match_account = false
//!
//! [ocr.easyslip.limits]          # same knobs under every provider
//! concurrency = 8
//! requests_per_second = 10.0
//! timeout_ms = 30000
//! max_attempts = 4
//! backoff_base_ms = 500
//! give_up_after_failed_slips = 5
//!
//! [ocr.nextocr]
//! base_url = "https://developer.nextocr.org"
//! username_env = "NEXTOCR_USERNAME"
//! secret_key_env = "NEXTOCR_SECRET_KEY"
//!
//! [ocr.clova]
//! invoke_url = "https://….apigw.ntruss.com/custom/v1/{DomainId}/{InvokeKey}"
//! document = "receipt"           # receipt | credit-card
//! secret_env = "CLOVA_OCR_SECRET"
//! transport = "json"             # json (base64) | multipart
//! currency = "THB"               # of receipt totals
//! ```
//!
//! The CLI calls [`read_slips`] (sync; it owns one tokio runtime per call)
//! and [`parse_saved`]; the clients ([`EasySlipClient`], [`NextOcrClient`],
//! [`ClovaClient`]) are public for callers that want the provider's extra
//! answers, such as EasySlip's duplicate and account checks.

pub mod clova;
pub mod config;
pub mod easyslip;
mod error;
mod http;
pub mod local;
pub mod nextocr;
pub mod qr;
mod run;
mod secret;
mod wire;

pub use clova::ClovaClient;
pub use config::{
    ClovaConfig, ClovaTransport, EasySlipConfig, EasySlipUpload, Limits, NextOcrConfig, OcrConfig,
    ProviderChoice,
};
pub use easyslip::{EasySlipClient, SlipInput, Verification, VerifyOptions};
pub use error::OcrError;
pub use nextocr::NextOcrClient;
pub use run::{SlipJob, read_slips, read_slips_with};
pub use secret::{Credentials, Secret};

use recon_core::{Currency, Provider, Slip};
use serde_json::Value;

use crate::error::excerpt;
use crate::wire::Body;

/// Parses a saved provider response (the raw body of EasySlip v2
/// `/verify/bank`, NextOCR `/ocr_api_receipt` or CLOVA OCR V2), recognised
/// by its shape. No network. The slip's `raw_response` is the body. An error
/// body (`success: false`, `status: false`, `inferResult: ERROR`) becomes
/// the matching typed error. CLOVA receipt totals are read as baht; see
/// [`parse_saved_with`].
pub fn parse_saved(bytes: &[u8]) -> Result<Slip, OcrError> {
    parse_saved_with(bytes, ClovaConfig::default().currency)
}

/// [`parse_saved`] with the currency CLOVA receipt totals are in.
pub fn parse_saved_with(bytes: &[u8], clova_currency: Currency) -> Result<Slip, OcrError> {
    // Editors on Windows like to prepend a BOM; serde_json does not.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(|e| OcrError::Unrecognised {
        reason: if e.is_eof() {
            format!(
                "truncated JSON (ends at line {} column {})",
                e.line(),
                e.column()
            )
        } else {
            format!("not JSON: {e}")
        },
        excerpt: excerpt(bytes, &[]),
    })?;
    let Some(obj) = value.as_object() else {
        return Err(OcrError::Unrecognised {
            reason: "not a JSON object".into(),
            excerpt: excerpt(bytes, &[]),
        });
    };
    let body = |provider| Body {
        provider,
        status: None,
        content_type: None,
        bytes,
        secrets: &[],
    };
    if obj.get("success").is_some_and(Value::is_boolean) {
        easyslip::interpret(&body(Provider::Easyslip)).map(|v| v.slip)
    } else if obj.get("images").is_some_and(Value::is_array) {
        clova::interpret(&body(Provider::Clova), clova_currency)
    } else if obj.get("status").is_some_and(Value::is_boolean)
        && (obj.contains_key("fields") || obj.contains_key("bank") || obj.contains_key("msg"))
    {
        nextocr::interpret(&body(Provider::Nextocr))
    } else {
        Err(OcrError::Unrecognised {
            reason:
                "neither EasySlip (success), NextOCR (status + fields) nor CLOVA (images) shape"
                    .into(),
            excerpt: excerpt(bytes, &[]),
        })
    }
}
