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
//! # api_key_file = "/etc/recon/easyslip.key"  # or a file with mode 600 (wins when set)
//! upload = "image"                   # image (multipart) | base64
//! check_duplicate = false
//! match_account = false
//! allow_private_urls = false      # slip URLs to private/loopback hosts are refused before sending
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
//! # api_key_file = "/etc/recon/nextocr.key"   # or the secret key in a file with mode 600 (wins when set)
//!
//! [ocr.clova]
//! invoke_url = "https://….apigw.ntruss.com/custom/v1/{DomainId}/{InvokeKey}"
//! document = "receipt"           # receipt | credit-card
//! secret_env = "CLOVA_OCR_SECRET"
//! # api_key_file = "/etc/recon/clova.key"     # or the secret in a file with mode 600 (wins when set)
//! transport = "json"             # json (base64) | multipart
//! currency = "THB"               # of receipt totals
//! ```
//!
//! The CLI calls [`read_slips`] (sync; it owns one tokio runtime per call)
//! and [`parse_saved`]; the clients ([`EasySlipClient`], [`NextOcrClient`],
//! [`ClovaClient`]) are public for callers that want the provider's extra
//! answers, such as EasySlip's duplicate and account checks.
//!
//! # Saved responses: one per file, or bundled
//!
//! A saved response is `slips/<name>.json`, or one line of a bundle
//! `slips/<bundle>.jsonl` (one compact body per line), named
//! `<bundle>.jsonl#<line>` (1-based) in the order export's `slip` column
//! and in every `Slip.file`. Both forms are read offline, in parallel over
//! every core, results in job order; [`bundle_slip_names`] lists a bundle's
//! slips. Why bundles: at a million slips, one file per slip costs more in
//! the file system (a `stat`, an open and a hash per slip, and every file
//! listed in the run's inputs) than in parsing. Single files keep working
//! and can be mixed with bundles.
//!
//! # A million saved slips: what they cost, and why
//!
//! `read_slips` reads saved bodies lean; every choice below leaves each
//! outcome exactly as before (`tests/saved_bulk.rs` holds a digest of 3000
//! generated outcomes taken before; `examples/saved_bench.rs` prints one
//! for a whole day):
//! - No `raw_response` for saved bodies. Nothing in the workspace reads it
//!   for them (the ledger's OCR cache is for images; reports never show it)
//!   and the saved file, hashed into the run's inputs, already is the
//!   record. Kept, it cost a copy per slip and ~1.1 KB of memory each.
//!   [`parse_saved`] keeps it (the contract says so), as do HTTP answers.
//! - Provider bodies parse into text borrowed from the body (numbers from
//!   their borrowed raw JSON): only what a `Slip` keeps is allocated.
//! - An EasySlip body whose first key is one of EasySlip's is parsed in one
//!   pass instead of a shape pass plus a typed pass; the one-pass struct
//!   accepts exactly the bodies the shape check calls EasySlip.
//! - A bundle is streamed in line order, 8192 lines at a time, parsed on
//!   every core into one reused block of outcomes: no 110 MB bundle buffer,
//!   no per-bundle result vectors (which cost as much in page faults as the
//!   parsing), and each job's name moves into its outcome.
//!
//! Measure: `cargo run --release -p recon-ocr-client --example saved_bench --
//! generate 100000` (or `day DIR` on a `recon-gen --slips bundled` day)
//! under `/usr/bin/time -v`; the README's Performance section has the
//! figures. What is left is the outcomes themselves: each `SlipRead` keeps
//! what `recon_core::Slip` is made of (names, banks, accounts, evidence).

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
pub use http::{OcrSession, classify_answer};
pub use nextocr::NextOcrClient;
pub use run::{
    BundleLine, SlipJob, bundle_slip_names, is_bundle, read_slips, read_slips_checked,
    read_slips_with,
};
pub use secret::{Credentials, Secret};

use recon_core::{Currency, Provider, Slip};
use serde_json::value::RawValue;

use crate::error::excerpt;
use crate::wire::Body;

/// The top-level keys that tell the providers' bodies apart.
#[derive(serde::Deserialize)]
struct Shape<'a> {
    #[serde(borrow, default)]
    success: Option<&'a RawValue>,
    #[serde(borrow, default)]
    status: Option<&'a RawValue>,
    #[serde(borrow, default)]
    images: Option<&'a RawValue>,
    #[serde(default)]
    fields: Present,
    #[serde(default)]
    bank: Present,
    #[serde(default)]
    msg: Present,
}

/// Whether a key is there at all, whatever its value (`null` included).
#[derive(Default)]
struct Present(bool);

impl<'de> serde::Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Present, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Present(true))
    }
}

/// An EasySlip body read in one pass, for saved bodies whose first key is
/// one of EasySlip's (as written by EasySlip, or sorted): the provider's fields
/// plus the other shapes' keys, so that it parses exactly when [`Shape`]
/// would parse and call the body EasySlip (`success` a boolean, none of the
/// six shape keys twice). Otherwise the body goes the way of [`Shape`].
#[derive(serde::Deserialize)]
struct EasySlipFirst<'a> {
    success: bool,
    #[serde(borrow, default)]
    data: Option<easyslip::VerifyBankData<'a>>,
    #[serde(borrow, default)]
    message: Option<wire::Text<'a>>,
    #[serde(borrow, default)]
    error: Option<easyslip::ErrorBody<'a>>,
    #[serde(default, rename = "status")]
    _status: Present,
    #[serde(default, rename = "images")]
    _images: Present,
    #[serde(default, rename = "fields")]
    _fields: Present,
    #[serde(default, rename = "bank")]
    _bank: Present,
    #[serde(default, rename = "msg")]
    _msg: Present,
}

fn not_json(e: &serde_json::Error, bytes: &[u8]) -> OcrError {
    OcrError::Unrecognised {
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
    }
}

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
    read_saved_body(bytes, clova_currency).map(|slip| wire::with_raw(slip, bytes, &[]))
}

/// What [`parse_saved_with`] reads, without copying the body into
/// `raw_response`: `read_slips` reads a million of them and the saved file
/// already is the record.
pub(crate) fn read_saved_body(bytes: &[u8], clova_currency: Currency) -> Result<Slip, OcrError> {
    // Editors on Windows like to prepend a BOM; serde_json does not.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let body = |provider| Body {
        provider,
        status: None,
        content_type: None,
        bytes,
        secrets: &[],
    };
    // Most saved bodies are EasySlip: one typed pass instead of two. The
    // result is the one the shape check below leads to (see EasySlipFirst).
    if first_key(bytes).is_some_and(|k| matches!(k, b"success" | b"data" | b"error" | b"message"))
        && let Ok(first) = serde_json::from_slice::<EasySlipFirst>(bytes)
    {
        let EasySlipFirst {
            success,
            data,
            message,
            error,
            ..
        } = first;
        let resp = easyslip::VerifyBankResponse {
            success,
            data,
            message,
            error,
        };
        return easyslip::slip_of(&body(Provider::Easyslip), resp);
    }
    read_by_shape(bytes, clova_currency)
}

/// The first key of a JSON object, as written (no escapes undone).
fn first_key(bytes: &[u8]) -> Option<&[u8]> {
    let rest = bytes.trim_ascii_start().strip_prefix(b"{")?;
    let rest = rest.trim_ascii_start().strip_prefix(b"\"")?;
    rest.iter().position(|&b| b == b'"').map(|end| &rest[..end])
}

/// A saved body (BOM already dropped) read by its shape: the top-level
/// keys first, then the provider's own parse.
fn read_by_shape(bytes: &[u8], clova_currency: Currency) -> Result<Slip, OcrError> {
    let body = |provider| Body {
        provider,
        status: None,
        content_type: None,
        bytes,
        secrets: &[],
    };
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Err(e) => not_json(&e, bytes),
                Ok(_) => OcrError::Unrecognised {
                    reason: "not a JSON object".into(),
                    excerpt: excerpt(bytes, &[]),
                },
            },
        );
    }
    // Recognise the shape from the top-level keys only: building a whole
    // `Value` tree first cost as much as the typed parse that follows (a
    // million saved slips in a benchmark day).
    let shape: Shape = serde_json::from_slice(bytes).map_err(|e| not_json(&e, bytes))?;
    let is_bool = |v: Option<&RawValue>| v.is_some_and(|v| matches!(v.get(), "true" | "false"));
    if is_bool(shape.success) {
        let body = body(Provider::Easyslip);
        easyslip::slip_of(&body, body.json()?)
    } else if shape.images.is_some_and(|v| v.get().starts_with('[')) {
        clova::interpret(&body(Provider::Clova), clova_currency)
    } else if is_bool(shape.status) && (shape.fields.0 || shape.bank.0 || shape.msg.0) {
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

/// Varied saved bodies in all three shapes, shared with the behaviour tests.
#[cfg(test)]
mod tests {
    use super::*;
    use recon_testkit::saved as generated;

    /// The one-pass EasySlip read gives what the shape check gives, for
    /// every body: the generated day and the bodies made to tell them apart.
    #[test]
    fn easyslip_first_reads_what_the_shape_check_reads() {
        // Generated bodies have sorted keys; EasySlip sends `success` first.
        let sorted = generated::saved_body(5);
        let easy =
            sorted
                .replacen(r#","success":true}"#, "}", 1)
                .replacen('{', r#"{"success":true,"#, 1);
        assert_ne!(easy, sorted);
        let inner = easy.strip_prefix('{').unwrap();
        let edge = [
            // Another shape's key twice: the shape check fails, so must this.
            format!(r#"{{"msg":1,"msg":2,{inner}"#),
            easy.replacen(
                r#""success":true,"#,
                r#""success":true,"status":1,"status":2,"#,
                1,
            ),
            // EasySlip's own keys twice.
            easy.replacen(r#""success":true,"#, r#""success":true,"success":true,"#, 1),
            // success not a boolean: not EasySlip at all.
            easy.replacen(r#""success":true"#, r#""success":"true""#, 1),
            easy.replacen(r#""success":true"#, r#""success":null"#, 1),
            // NextOCR keys beside EasySlip's: still EasySlip.
            easy.replacen(
                r#""success":true,"#,
                r#""success":true,"status":true,"fields":{},"#,
                1,
            ),
            // Escapes in the strings that are kept.
            easy.replacen("MS. ", "MS.\\u0020\\\"", 1),
            format!("  \n{easy}"),
            easy[..easy.len() - 1].to_string(),
            r#"{"success":false,"error":{"code":"SLIP_NOT_FOUND","message":"x"}}"#.to_string(),
            r#"{"success":true}"#.to_string(),
            r#"{"success":true,"data":{"rawSlip":{"amount":{"amount":"1,500.50"}}}}"#.to_string(),
        ];
        let mut fast = 0;
        for body in edge
            .iter()
            .cloned()
            .chain((0..2000).map(generated::saved_body))
        {
            let got = read_saved_body(body.as_bytes(), Currency::Thb);
            let want = read_by_shape(body.as_bytes(), Currency::Thb);
            match (&got, &want) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{body}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{body}"),
                _ => panic!("{body}: {got:?} vs {want:?}"),
            }
            fast += usize::from(
                first_key(body.as_bytes()).is_some_and(|k| matches!(k, b"success" | b"data"))
                    && serde_json::from_slice::<EasySlipFirst>(body.as_bytes()).is_ok(),
            );
        }
        assert!(
            fast > 1400,
            "most generated bodies take the one-pass read: {fast}"
        );
        // The edge bodies that must not take it do not.
        for body in &edge[..5] {
            assert!(
                serde_json::from_slice::<EasySlipFirst>(body.as_bytes()).is_err(),
                "{body}"
            );
        }
    }
}
