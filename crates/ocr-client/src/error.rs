//! The typed failures of reading a slip through a provider or from a saved
//! response. Every variant names the provider; none ever holds a credential
//! (bodies are cut to a short excerpt with known secrets blanked out).

use std::time::Duration;

use recon_core::Provider;

/// Why a slip could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OcrError {
    /// The provider refused the request itself (EasySlip `VALIDATION_ERROR`,
    /// HTTP 400). Never retried: the same request would fail again.
    #[error("{provider}: request rejected (HTTP {status}, {code}): {message}")]
    Validation {
        provider: Provider,
        status: u16,
        code: String,
        message: String,
    },
    /// The provider looked and found no slip (EasySlip `SLIP_NOT_FOUND`).
    #[error("{provider}: slip not found (HTTP {status}): {message}")]
    SlipNotFound {
        provider: Provider,
        status: u16,
        message: String,
    },
    /// The account's quota is used up (EasySlip `QUOTA_EXCEEDED`, HTTP 403).
    /// Stops every further call to this provider for the run.
    #[error("{provider}: quota exceeded (HTTP {status}): {message}")]
    QuotaExceeded {
        provider: Provider,
        status: u16,
        message: String,
    },
    /// HTTP 401/403 without a quota code: the credentials were refused.
    /// Stops further calls to this provider for the run, like a quota.
    #[error("{provider}: credentials refused (HTTP {status}): {message}")]
    Unauthorized {
        provider: Provider,
        status: u16,
        message: String,
    },
    /// An error body with a code we do not know, or `status: false`.
    #[error("{provider}: provider error (HTTP {status}, {code}): {message}")]
    Provider {
        provider: Provider,
        status: u16,
        code: String,
        message: String,
    },
    /// CLOVA answered, but recognising this image failed (`inferResult: ERROR`).
    #[error("{provider}: image {image:?} not recognised ({infer_result}): {message}")]
    ImageFailed {
        provider: Provider,
        image: String,
        infer_result: String,
        message: String,
    },
    /// HTTP 429. Retried, honouring `Retry-After`.
    #[error("{provider}: rate limited (HTTP 429){}", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        provider: Provider,
        retry_after: Option<Duration>,
    },
    /// HTTP 5xx. Retried.
    #[error("{provider}: server error (HTTP {status}): “{excerpt}”")]
    Server {
        provider: Provider,
        status: u16,
        excerpt: String,
    },
    /// No answer within the per-request timeout. Retried.
    #[error("{provider}: no answer within {}ms", after.as_millis())]
    Timeout { provider: Provider, after: Duration },
    /// Could not connect or the connection broke. Retried.
    #[error("{provider}: connection failed: {message}")]
    Connection { provider: Provider, message: String },
    /// The body is not the JSON the contract promises: truncated or malformed
    /// JSON, an HTML error page, a wrong content type, a missing field.
    #[error("{provider}: unexpected response (HTTP {}): {reason}; body starts “{excerpt}”", status.map(|s| s.to_string()).unwrap_or_else(|| "n/a".into()))]
    Malformed {
        provider: Provider,
        /// `None` for a saved response (no HTTP exchange).
        status: Option<u16>,
        reason: String,
        excerpt: String,
    },
    /// A field is there but its value cannot be understood (an amount that
    /// is not a number, an unknown currency, a date in another format).
    #[error("{provider}: field {field} has value {value:?}: {reason}")]
    Field {
        provider: Provider,
        field: &'static str,
        value: String,
        reason: String,
    },
    /// A saved JSON file that is none of the three providers' bodies.
    #[error("not a saved EasySlip, NextOCR or CLOVA response: {reason}; starts “{excerpt}”")]
    Unrecognised { reason: String, excerpt: String },
    /// The local reader (QR + tesseract) failed. `slip_problem`: the image
    /// itself cannot be read (not an image, no amount on it); otherwise the
    /// engine failed (tesseract missing, stopped by its timeout).
    #[error("local reader: {reason}")]
    Local { reason: String, slip_problem: bool },
    /// Not sent: the provider was stopped earlier this run by `cause`
    /// (quota, credentials, or too many slips in a row that failed). The
    /// slip stays pending for the next run.
    #[error("{provider}: not called, stopped earlier this run: {cause}")]
    NotCalled {
        provider: Provider,
        cause: Box<OcrError>,
    },
    /// The job config or the environment does not allow the call (missing
    /// credential variable, missing base URL, bad input). Names the variable,
    /// never its value.
    #[error("{provider}: {reason}")]
    Config { provider: Provider, reason: String },
}

impl OcrError {
    /// Worth trying the same request again after a pause.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            OcrError::RateLimited { .. }
                | OcrError::Server { .. }
                | OcrError::Timeout { .. }
                | OcrError::Connection { .. }
        )
    }

    /// The slip itself is the problem, so asking again on the next run will
    /// not help: the read is final (`SlipRead::Unreadable`). Everything else
    /// (quota, outages, garbled answers, missing credentials) leaves the slip
    /// pending for the next run.
    pub fn is_final_for_slip(&self) -> bool {
        matches!(
            self,
            OcrError::Validation { .. }
                | OcrError::SlipNotFound { .. }
                | OcrError::ImageFailed { .. }
                | OcrError::Field { .. }
                | OcrError::Unrecognised { .. }
        ) || self.is_receipt_refused()
            || matches!(
                self,
                OcrError::Local {
                    slip_problem: true,
                    ..
                }
            )
    }

    /// NextOCR answered `status: false` to a good request: it found no
    /// receipt on this image. An unknown error code from anyone else may be
    /// about the account rather than the slip, so it stays pending.
    fn is_receipt_refused(&self) -> bool {
        matches!(self, OcrError::Provider { provider: Provider::Nextocr, status, code, .. }
            if (200..300).contains(status) && code == "status_false")
    }

    /// Every further call to this provider would fail the same way this run.
    pub fn stops_provider(&self) -> bool {
        matches!(
            self,
            OcrError::QuotaExceeded { .. } | OcrError::Unauthorized { .. }
        )
    }

    /// The same error with every known secret in its provider-given text
    /// (messages, values, reasons) replaced by `***`. A provider may quote
    /// the credential it was sent (some gateways echo the bearer token in a
    /// 401 message); that text must not reach a log, an error or a report.
    pub(crate) fn redacted(self, secrets: &[&str]) -> OcrError {
        let blank = |mut text: String| {
            for s in secrets.iter().filter(|s| s.len() >= 4) {
                if text.contains(s) {
                    text = text.replace(s, "***");
                }
            }
            text
        };
        match self {
            OcrError::Validation {
                provider,
                status,
                code,
                message,
            } => OcrError::Validation {
                provider,
                status,
                code: blank(code),
                message: blank(message),
            },
            OcrError::SlipNotFound {
                provider,
                status,
                message,
            } => OcrError::SlipNotFound {
                provider,
                status,
                message: blank(message),
            },
            OcrError::QuotaExceeded {
                provider,
                status,
                message,
            } => OcrError::QuotaExceeded {
                provider,
                status,
                message: blank(message),
            },
            OcrError::Unauthorized {
                provider,
                status,
                message,
            } => OcrError::Unauthorized {
                provider,
                status,
                message: blank(message),
            },
            OcrError::Provider {
                provider,
                status,
                code,
                message,
            } => OcrError::Provider {
                provider,
                status,
                code: blank(code),
                message: blank(message),
            },
            OcrError::ImageFailed {
                provider,
                image,
                infer_result,
                message,
            } => OcrError::ImageFailed {
                provider,
                image,
                infer_result: blank(infer_result),
                message: blank(message),
            },
            OcrError::Server {
                provider,
                status,
                excerpt,
            } => OcrError::Server {
                provider,
                status,
                excerpt: blank(excerpt),
            },
            OcrError::Connection { provider, message } => OcrError::Connection {
                provider,
                message: blank(message),
            },
            OcrError::Malformed {
                provider,
                status,
                reason,
                excerpt,
            } => OcrError::Malformed {
                provider,
                status,
                reason: blank(reason),
                excerpt: blank(excerpt),
            },
            OcrError::Field {
                provider,
                field,
                value,
                reason,
            } => OcrError::Field {
                provider,
                field,
                value: blank(value),
                reason: blank(reason),
            },
            OcrError::Unrecognised { reason, excerpt } => OcrError::Unrecognised {
                reason: blank(reason),
                excerpt: blank(excerpt),
            },
            OcrError::Local {
                reason,
                slip_problem,
            } => OcrError::Local {
                reason: blank(reason),
                slip_problem,
            },
            OcrError::Config { provider, reason } => OcrError::Config {
                provider,
                reason: blank(reason),
            },
            OcrError::NotCalled { provider, cause } => OcrError::NotCalled {
                provider,
                cause: Box::new(cause.redacted(secrets)),
            },
            e @ (OcrError::RateLimited { .. } | OcrError::Timeout { .. }) => e,
        }
    }

    /// The provider the error came from, if any.
    pub fn provider(&self) -> Option<Provider> {
        match self {
            OcrError::Validation { provider, .. }
            | OcrError::SlipNotFound { provider, .. }
            | OcrError::QuotaExceeded { provider, .. }
            | OcrError::Unauthorized { provider, .. }
            | OcrError::Provider { provider, .. }
            | OcrError::ImageFailed { provider, .. }
            | OcrError::RateLimited { provider, .. }
            | OcrError::Server { provider, .. }
            | OcrError::Timeout { provider, .. }
            | OcrError::Connection { provider, .. }
            | OcrError::Malformed { provider, .. }
            | OcrError::Field { provider, .. }
            | OcrError::Config { provider, .. }
            | OcrError::NotCalled { provider, .. } => Some(*provider),
            OcrError::Local { .. } => Some(Provider::Local),
            OcrError::Unrecognised { .. } => None,
        }
    }
}

/// How much of a body an error may quote.
pub(crate) const EXCERPT_CHARS: usize = 160;

/// A short, single-line excerpt of a body for an error message: known
/// secrets are replaced by `***` before cutting, long numbers (accounts,
/// phone and id numbers) keep only their last four digits, white space is
/// folded, and at most [`EXCERPT_CHARS`] characters remain.
pub(crate) fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    // Only the head matters; redact on a bounded prefix so a huge page costs little.
    let head = &body[..body.len().min(4096)];
    let mut text = String::from_utf8_lossy(head).into_owned();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(s, "***");
    }
    let text = mask_long_numbers(&text);
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = folded.chars().take(EXCERPT_CHARS).collect();
    if folded.chars().count() > EXCERPT_CHARS || body.len() > head.len() {
        out.push('…');
    }
    out
}

/// Runs of digits (with `-` or spaces inside) holding at least 8 digits
/// look like account, phone or id numbers: all but the last four digits
/// become `x`, as in `recon_core::mask::account`. Amounts and status codes
/// are shorter and stay readable.
fn mask_long_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The run: digits joined by single separators, ending on a digit.
        let mut end = i;
        let mut j = i;
        while j < chars.len() {
            if chars[j].is_ascii_digit() {
                end = j + 1;
                j += 1;
            } else if matches!(chars[j], '-' | ' ')
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
            {
                j += 1;
            } else {
                break;
            }
        }
        let run: String = chars[i..end].iter().collect();
        if run.chars().filter(char::is_ascii_digit).count() >= 8 {
            out.push_str(&recon_core::mask::account(&run));
        } else {
            out.push_str(&run);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_numbers_keep_their_last_four_digits() {
        assert_eq!(
            mask_long_numbers(r#""bankNumber": "123-4-56789-0", "amount": 1500.00, "code": "004""#),
            r#""bankNumber": "xxx-x-xx789-0", "amount": 1500.00, "code": "004""#
        );
        assert_eq!(mask_long_numbers("tel 0812345678."), "tel xxxxxx5678.");
        assert_eq!(mask_long_numbers("HTTP 502 at 12:30"), "HTTP 502 at 12:30");
        assert_eq!(mask_long_numbers("ชื่อ 1234 5678 9"), "ชื่อ xxxx x678 9");
    }

    #[test]
    fn messages_people_read() {
        let p = Provider::Easyslip;
        let cases = [
            (
                OcrError::QuotaExceeded {
                    provider: p,
                    status: 403,
                    message: "Your API quota has been exceeded".into(),
                },
                "easyslip: quota exceeded (HTTP 403): Your API quota has been exceeded",
            ),
            (
                OcrError::RateLimited {
                    provider: p,
                    retry_after: Some(Duration::from_secs(3)),
                },
                "easyslip: rate limited (HTTP 429), retry after 3s",
            ),
            (
                OcrError::Timeout {
                    provider: Provider::Nextocr,
                    after: Duration::from_millis(1500),
                },
                "nextocr: no answer within 1500ms",
            ),
            (
                OcrError::Malformed {
                    provider: Provider::Clova,
                    status: Some(200),
                    reason: "an HTML page instead of JSON".into(),
                    excerpt: "<html>".into(),
                },
                "clova: unexpected response (HTTP 200): an HTML page instead of JSON; body starts “<html>”",
            ),
            (
                OcrError::Field {
                    provider: Provider::Nextocr,
                    field: "fields.finished_at",
                    value: "11/01/2026".into(),
                    reason: "expected a time like 2026-01-11 09:18AM".into(),
                },
                "nextocr: field fields.finished_at has value \"11/01/2026\": expected a time like 2026-01-11 09:18AM",
            ),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
    }

    #[test]
    fn redacted_blanks_a_key_the_provider_echoed() {
        let key = "sk-live-0123456789abcdef";
        let e = OcrError::Unauthorized {
            provider: Provider::Easyslip,
            status: 401,
            message: format!("token Bearer {key} is not valid"),
        };
        let shown = e.redacted(&[key]).to_string();
        assert!(!shown.contains(key), "{shown}");
        assert!(shown.contains("token Bearer *** is not valid"), "{shown}");
        let field = OcrError::Field {
            provider: Provider::Clova,
            field: "amount",
            value: key.into(),
            reason: format!("{key}?"),
        };
        assert!(!field.redacted(&[key]).to_string().contains(key));
        // Short strings are not secrets worth blanking (they would blank words).
        let e = OcrError::Config {
            provider: Provider::Easyslip,
            reason: "abc".into(),
        };
        assert_eq!(e.clone().redacted(&["abc"]), e);
    }

    #[test]
    fn excerpt_is_short_single_line_and_blanks_secrets() {
        let body = format!(
            "<html>\n<body>token sk-LIVE-123456 {}</body>",
            "x".repeat(500)
        );
        let e = excerpt(body.as_bytes(), &["sk-LIVE-123456"]);
        assert!(!e.contains("sk-LIVE"), "{e}");
        assert!(e.contains("***"));
        assert!(!e.contains('\n'));
        assert!(e.chars().count() <= EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn excerpt_survives_cut_utf8() {
        let body = "ชื่อ".as_bytes();
        let e = excerpt(&body[..5], &[]);
        assert!(e.starts_with("ช"));
    }

    #[test]
    fn retry_and_finality_classes() {
        let p = Provider::Easyslip;
        assert!(
            OcrError::Timeout {
                provider: p,
                after: Duration::from_secs(1)
            }
            .is_retryable()
        );
        let nf = OcrError::SlipNotFound {
            provider: p,
            status: 404,
            message: String::new(),
        };
        assert!(!nf.is_retryable());
        assert!(nf.is_final_for_slip());
        let q = OcrError::QuotaExceeded {
            provider: p,
            status: 403,
            message: String::new(),
        };
        assert!(!q.is_retryable());
        assert!(!q.is_final_for_slip());
        let unknown = OcrError::Provider {
            provider: p,
            status: 409,
            code: "BRANCH_SUSPENDED".into(),
            message: String::new(),
        };
        assert!(
            !unknown.is_final_for_slip(),
            "may be the account, not the slip"
        );
        let no_receipt = OcrError::Provider {
            provider: Provider::Nextocr,
            status: 200,
            code: "status_false".into(),
            message: String::new(),
        };
        assert!(no_receipt.is_final_for_slip());
    }
}
