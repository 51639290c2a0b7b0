//! The `[ocr]` section of the job config: which reader turns slip images
//! into `Slip`s, where each provider lives, which environment variables hold
//! its credentials, and how hard we may push it. Defaults are written once,
//! in the `Default` impls below.

use std::time::Duration;

use recon_core::Currency;
use serde::Deserialize;

/// Who reads slip images. `local` (the default) never sends a slip off the
/// machine.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderChoice {
    #[default]
    Local,
    Easyslip,
    Nextocr,
    Clova,
}

/// The `[ocr]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OcrConfig {
    pub provider: ProviderChoice,
    /// Larger images are unreadable without a call (EasySlip's limit: 4 MB).
    pub max_image_bytes: u64,
    pub easyslip: EasySlipConfig,
    pub nextocr: NextOcrConfig,
    pub clova: ClovaConfig,
    /// Ask the provider again about images it answered "not a slip" on an
    /// earlier run (those answers are cached like reads; default false).
    pub reread_refused: bool,
}

impl Default for OcrConfig {
    fn default() -> Self {
        OcrConfig {
            provider: ProviderChoice::Local,
            max_image_bytes: 4 * 1024 * 1024,
            easyslip: EasySlipConfig::default(),
            nextocr: NextOcrConfig::default(),
            clova: ClovaConfig::default(),
            reread_refused: false,
        }
    }
}

/// How a provider may be called: the same knobs for every provider.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Requests started per second (0 = unlimited).
    pub requests_per_second: f64,
    /// Per request, from sending to the last byte of the answer.
    pub timeout_ms: u64,
    pub connect_timeout_ms: u64,
    /// Tries per slip, the first included.
    pub max_attempts: u32,
    /// First backoff pause; doubles per attempt, with jitter.
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    /// A longer `Retry-After` than this is cut to this, so one answer cannot
    /// stall the run for hours.
    pub max_retry_after_ms: u64,
    /// After this many slips in a row failed even after their retries
    /// (timeouts, 5xx, 429, broken connections), the provider is taken as
    /// down for the run and the remaining slips stay pending, instead of
    /// each paying the full retry schedule. 0 = never give up.
    pub give_up_after_failed_slips: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency: 8,
            requests_per_second: 10.0,
            timeout_ms: 30_000,
            connect_timeout_ms: 10_000,
            max_attempts: 4,
            backoff_base_ms: 500,
            backoff_max_ms: 30_000,
            max_retry_after_ms: 120_000,
            give_up_after_failed_slips: 5,
        }
    }
}

impl Limits {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.max(1))
    }
}

/// How EasySlip receives the image.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EasySlipUpload {
    /// multipart `image`.
    #[default]
    Image,
    /// JSON `base64`.
    Base64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EasySlipConfig {
    /// Up to and including `/v2`; the client posts to `{base_url}/verify/bank`.
    pub base_url: String,
    /// NAME of the environment variable holding the API key.
    pub api_key_env: String,
    /// A file holding the API key instead (mode 600 or stricter, else
    /// refused); wins over `api_key_env` when set.
    pub api_key_file: Option<std::path::PathBuf>,
    pub upload: EasySlipUpload,
    /// Ask EasySlip to flag slips it has verified before.
    pub check_duplicate: bool,
    /// Ask EasySlip to match the receiver against the registered accounts.
    pub match_account: bool,
    /// Send slip URLs that point at private, loopback or link-local
    /// addresses (refused before sending by default, as EasySlip refuses
    /// them). Only for a self-hosted EasySlip-compatible service.
    pub allow_private_urls: bool,
    pub limits: Limits,
}

impl Default for EasySlipConfig {
    fn default() -> Self {
        EasySlipConfig {
            base_url: "https://api.easyslip.com/v2".into(),
            api_key_env: "EASYSLIP_API_KEY".into(),
            api_key_file: None,
            upload: EasySlipUpload::Image,
            check_duplicate: false,
            match_account: false,
            allow_private_urls: false,
            limits: Limits::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NextOcrConfig {
    /// The client posts to `{base_url}/ocr_api_receipt`.
    pub base_url: String,
    pub username_env: String,
    /// NAME of the environment variable holding the secret key.
    pub secret_key_env: String,
    /// A file holding the secret key instead (mode 600 or stricter, else
    /// refused); wins over `secret_key_env` when set. Named as EasySlip's
    /// so that every provider section says it the same way.
    pub api_key_file: Option<std::path::PathBuf>,
    pub limits: Limits,
}

impl Default for NextOcrConfig {
    fn default() -> Self {
        NextOcrConfig {
            base_url: "https://developer.nextocr.org".into(),
            username_env: "NEXTOCR_USERNAME".into(),
            secret_key_env: "NEXTOCR_SECRET_KEY".into(),
            api_key_file: None,
            limits: Limits::default(),
        }
    }
}

/// How CLOVA receives the image.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClovaTransport {
    /// JSON body with the image base64-encoded in `images[].data`.
    #[default]
    Json,
    /// multipart `message` (the JSON envelope) + `file`.
    Multipart,
}

#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClovaConfig {
    /// The APIGW invoke URL of the customer's domain
    /// (`https://….apigw.ntruss.com/custom/v1/{DomainId}/{InvokeKey}`).
    /// No default: every CLOVA customer has their own. Treated as sensitive
    /// (it carries the invoke key) and never logged.
    pub invoke_url: String,
    /// The document model: `receipt` or `credit-card`; the client posts to
    /// `{invoke_url}/document/{document}`.
    pub document: String,
    /// NAME of the environment variable holding the `X-OCR-SECRET` key.
    pub secret_env: String,
    /// A file holding the secret instead (mode 600 or stricter, else
    /// refused); wins over `secret_env` when set.
    pub api_key_file: Option<std::path::PathBuf>,
    pub transport: ClovaTransport,
    /// The currency of receipt totals, which CLOVA gives without one.
    pub currency: Currency,
    pub limits: Limits,
}

impl std::fmt::Debug for ClovaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The invoke URL's path carries the invoke key: show the host only.
        let shown = match self.invoke_url.split_once("://") {
            Some((scheme, rest)) => {
                format!("{scheme}://{}/***", rest.split('/').next().unwrap_or(""))
            }
            None if self.invoke_url.is_empty() => String::new(),
            None => "***".into(),
        };
        f.debug_struct("ClovaConfig")
            .field("invoke_url", &shown)
            .field("document", &self.document)
            .field("secret_env", &self.secret_env)
            .field("api_key_file", &self.api_key_file)
            .field("transport", &self.transport)
            .field("currency", &self.currency)
            .field("limits", &self.limits)
            .finish()
    }
}

impl Default for ClovaConfig {
    fn default() -> Self {
        ClovaConfig {
            invoke_url: String::new(),
            document: "receipt".into(),
            secret_env: "CLOVA_OCR_SECRET".into(),
            api_key_file: None,
            transport: ClovaTransport::Json,
            currency: Currency::Thb,
            limits: Limits::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Job {
        ocr: OcrConfig,
    }

    #[test]
    fn toml_section_overrides_only_what_it_names() {
        let job: Job = toml_like(
            r#"{"ocr": {"provider": "easyslip", "easyslip": {"api_key_env": "MY_KEY", "limits": {"concurrency": 3}}}}"#,
        );
        assert_eq!(job.ocr.provider, ProviderChoice::Easyslip);
        assert_eq!(job.ocr.easyslip.api_key_env, "MY_KEY");
        assert_eq!(job.ocr.easyslip.limits.concurrency, 3);
        assert_eq!(job.ocr.easyslip.limits.max_attempts, 4);
        assert_eq!(job.ocr.easyslip.base_url, "https://api.easyslip.com/v2");
        assert_eq!(job.ocr.max_image_bytes, 4 * 1024 * 1024);
    }

    #[test]
    fn a_job_toml_section() {
        let job: Job = toml::from_str(
            r#"
            [ocr]
            provider = "clova"
            max_image_bytes = 2000000

            [ocr.clova]
            invoke_url = "https://x.apigw.ntruss.com/custom/v1/1/K"
            document = "credit-card"
            transport = "multipart"
            currency = "USD"
            secret_env = "RECON_CLOVA_SECRET"

            [ocr.clova.limits]
            requests_per_second = 2.5
            timeout_ms = 5000

            [ocr.nextocr]
            base_url = "https://ocr.internal.example"
            "#,
        )
        .expect("config parses");
        assert_eq!(job.ocr.provider, ProviderChoice::Clova);
        assert_eq!(job.ocr.max_image_bytes, 2_000_000);
        assert_eq!(job.ocr.clova.transport, ClovaTransport::Multipart);
        assert_eq!(job.ocr.clova.currency, Currency::Usd);
        assert_eq!(job.ocr.clova.limits.requests_per_second, 2.5);
        assert_eq!(job.ocr.clova.limits.concurrency, 8);
        assert_eq!(job.ocr.nextocr.base_url, "https://ocr.internal.example");
        assert_eq!(job.ocr.nextocr.secret_key_env, "NEXTOCR_SECRET_KEY");
        assert!(toml::from_str::<Job>("[ocr]\nprovider = \"tesseract\"").is_err());
    }

    #[test]
    fn the_documented_section_in_lib_rs_parses() {
        let lib = include_str!("lib.rs");
        let toml_text: String = lib
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .skip_while(|l| *l != "```toml")
            .skip(1)
            .take_while(|l| *l != "```")
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(toml_text.contains("[ocr.clova]"), "{toml_text}");
        let job: Job = toml::from_str(&toml_text).expect("documented config parses");
        assert_eq!(job.ocr.provider, ProviderChoice::Easyslip);
        assert_eq!(job.ocr.easyslip.limits, Limits::default());
        assert_eq!(job.ocr.clova.document, "receipt");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let r: Result<Job, _> = serde_json::from_str(r#"{"ocr": {"easyslip": {"api_key": "x"}}}"#);
        assert!(r.is_err());
        assert_eq!(OcrConfig::default().provider, ProviderChoice::Local);
    }

    #[test]
    fn clova_debug_hides_the_invoke_key() {
        let c = ClovaConfig {
            invoke_url: "https://abc.apigw.ntruss.com/custom/v1/123/SECRETINVOKE".into(),
            ..ClovaConfig::default()
        };
        let d = format!("{c:?}");
        assert!(!d.contains("SECRETINVOKE"), "{d}");
        assert!(d.contains("abc.apigw.ntruss.com"), "{d}");
    }

    // The crate does not depend on `toml`; JSON exercises the same serde derive.
    fn toml_like(json: &str) -> Job {
        serde_json::from_str(json).expect("config parses")
    }
}
