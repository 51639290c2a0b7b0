//! The part every provider shares: one HTTP client per provider, bounded
//! concurrency, a start rate, a timeout per request, retries with
//! exponential backoff and jitter, and the stop switch for a run once the
//! quota is gone or the credentials are refused.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use recon_core::Provider;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tracing::{debug, warn};

use crate::OcrError;
use crate::config::Limits;
use crate::error::excerpt;
use crate::wire::Body;

/// One HTTP exchange as the interpreters see it.
pub(crate) struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// What every call of one run to its provider shares, whichever batch of
/// slips or client makes it (the day's own slips, the carried ones read
/// again): the stop switch, the start pacer and the count of slips in a
/// row that failed. A stop lasts the run; a new run starts afresh.
#[derive(Clone, Default)]
pub struct OcrSession(Arc<SessionState>);

#[derive(Default)]
struct SessionState {
    next_start: Mutex<Option<Instant>>,
    stopped: Mutex<Option<OcrError>>,
    stopped_flag: AtomicBool,
    /// Slips in a row that failed after all their retries.
    failed_in_a_row: AtomicU32,
}

impl std::fmt::Debug for OcrSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcrSession")
            .field("stopped", &self.0.stopped_flag.load(Ordering::Acquire))
            .finish()
    }
}

impl OcrSession {
    pub fn new() -> OcrSession {
        OcrSession::default()
    }

    /// The error that stopped the provider this run, if one did.
    pub fn stopped(&self) -> Option<OcrError> {
        if !self.0.stopped_flag.load(Ordering::Acquire) {
            return None;
        }
        self.0.stopped.lock().ok().and_then(|g| g.clone())
    }

    fn stop(&self, e: &OcrError) {
        if let Ok(mut g) = self.0.stopped.lock() {
            g.get_or_insert_with(|| e.clone());
        }
        self.0.stopped_flag.store(true, Ordering::Release);
    }
}

pub(crate) struct Endpoint {
    pub provider: Provider,
    client: reqwest::Client,
    limits: Limits,
    in_flight: Semaphore,
    session: OcrSession,
    /// Values blanked out of every excerpt and message.
    secrets: Vec<String>,
    requests: AtomicU64,
}

impl Endpoint {
    pub fn new(
        provider: Provider,
        limits: &Limits,
        secrets: Vec<String>,
    ) -> Result<Endpoint, OcrError> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(Duration::from_millis(limits.connect_timeout_ms.max(1)))
            .user_agent(concat!("recon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| OcrError::Config {
                provider,
                reason: format!("cannot build the HTTP client: {}", e.without_url()),
            })?;
        Ok(Endpoint {
            provider,
            client,
            limits: limits.clone(),
            in_flight: Semaphore::new(limits.concurrency.max(1)),
            session: OcrSession::new(),
            secrets,
            requests: AtomicU64::new(0),
        })
    }

    /// The same endpoint, sharing `session`'s stop and pacer.
    pub fn in_session(mut self, session: &OcrSession) -> Endpoint {
        self.session = session.clone();
        self
    }

    /// HTTP requests sent so far (every attempt counts).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn secrets(&self) -> Vec<&str> {
        self.secrets.iter().map(String::as_str).collect()
    }

    /// Not to be sent: the provider was stopped earlier this run.
    fn stop_error(&self) -> Option<OcrError> {
        self.session.stopped().map(|cause| OcrError::NotCalled {
            provider: self.provider,
            cause: Box::new(cause),
        })
    }

    /// Waits for this request's start slot so starts are at least
    /// `1 / requests_per_second` apart.
    async fn pace(&self) {
        let rps = self.limits.requests_per_second;
        if !(rps > 0.0 && rps.is_finite()) {
            return;
        }
        let interval = Duration::from_secs_f64(1.0 / rps);
        let slot = {
            let Ok(mut next) = self.session.0.next_start.lock() else {
                return;
            };
            let now = Instant::now();
            let slot = next.map_or(now, |n| n.max(now));
            *next = Some(slot + interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(ra) = retry_after {
            let ra = ra.min(Duration::from_millis(self.limits.max_retry_after_ms));
            // Honour the server's figure; a little jitter on top keeps many
            // waiting slips from coming back in the same millisecond.
            return ra + ra.mul_f64(0.1 * unit_random());
        }
        let base = self
            .limits
            .backoff_base_ms
            .saturating_mul(1u64 << (attempt - 1).min(20));
        let capped = base.min(self.limits.backoff_max_ms);
        Duration::from_millis(capped).mul_f64(0.5 + 0.5 * unit_random())
    }

    /// Sends the request `build` makes (rebuilt for every attempt) and turns
    /// the answer into `T` with `interpret`, retrying what is worth retrying.
    pub async fn call<T>(
        &self,
        file: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
        interpret: impl Fn(&Answer) -> Result<T, OcrError>,
    ) -> Result<T, OcrError> {
        if let Some(e) = self.stop_error() {
            return Err(e);
        }
        let Ok(_permit) = self.in_flight.acquire().await else {
            return Err(OcrError::Config {
                provider: self.provider,
                reason: "client closed".into(),
            });
        };
        // Another slip may have hit the quota while we waited for a permit.
        if let Some(e) = self.stop_error() {
            return Err(e);
        }
        let max_attempts = self.limits.max_attempts.max(1);
        let mut attempt = 1;
        loop {
            self.pace().await;
            // Checked before every send, retries included: a stop another
            // slip hit while this one waited costs no further request.
            if let Some(e) = self.stop_error() {
                return Err(e);
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            let outcome = match tokio::time::timeout(self.limits.timeout(), self.exchange(&build))
                .await
            {
                Err(_) => Err(OcrError::Timeout {
                    provider: self.provider,
                    after: self.limits.timeout(),
                }),
                Ok(Err(e)) => Err(e),
                Ok(Ok(answer)) => {
                    debug!(provider = %self.provider, file, attempt, status = answer.status, "answer");
                    status_table(self.provider, &answer, &self.secrets())
                        .and_then(|()| interpret(&answer))
                }
            }
            // A provider may quote the credential it was sent (a gateway
            // echoing the bearer token in a 401 message): blank it before
            // the error is logged, stored or shown.
            .map_err(|e| e.redacted(&self.secrets()));
            match outcome {
                Ok(v) => {
                    self.session.0.failed_in_a_row.store(0, Ordering::Relaxed);
                    return Ok(v);
                }
                Err(e) if e.is_retryable() && attempt < max_attempts => {
                    let retry_after = match &e {
                        OcrError::RateLimited { retry_after, .. } => *retry_after,
                        _ => None,
                    };
                    let pause = self.backoff(attempt, retry_after);
                    warn!(provider = %self.provider, file, attempt, error = %e, pause_ms = pause.as_millis() as u64, "retrying");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                Err(e) => {
                    let down = if e.is_retryable() {
                        let n = self
                            .session
                            .0
                            .failed_in_a_row
                            .fetch_add(1, Ordering::Relaxed)
                            + 1;
                        let limit = self.limits.give_up_after_failed_slips;
                        limit > 0 && n >= limit
                    } else {
                        // The provider answered sensibly: it is up.
                        self.session.0.failed_in_a_row.store(0, Ordering::Relaxed);
                        false
                    };
                    if e.stops_provider() || down {
                        warn!(provider = %self.provider, file, error = %e, "no more calls to this provider this run");
                        self.session.stop(&e);
                    }
                    return Err(e);
                }
            }
        }
    }

    async fn exchange(
        &self,
        build: &impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, OcrError> {
        let resp = build(&self.client)
            .send()
            .await
            .map_err(|e| self.transport_error(e))?;
        let status = resp.status().as_u16();
        let header = |name: reqwest::header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER).and_then(|v| retry_after_secs(&v));
        let body = resp
            .bytes()
            .await
            .map_err(|e| self.transport_error(e))?
            .to_vec();
        Ok(Answer {
            status,
            content_type,
            retry_after,
            body,
        })
    }

    fn transport_error(&self, e: reqwest::Error) -> OcrError {
        if e.is_timeout() {
            return OcrError::Timeout {
                provider: self.provider,
                after: self.limits.timeout(),
            };
        }
        let mut chain = Vec::new();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            chain.push(s.to_string());
            source = s.source();
        }
        // The URL may carry a CLOVA invoke key: describe the failure without it.
        let mut message = e.without_url().to_string();
        for c in chain {
            message.push_str(": ");
            message.push_str(&c);
        }
        for s in self.secrets.iter().filter(|s| s.len() >= 4) {
            message = message.replace(s.as_str(), "***");
        }
        OcrError::Connection {
            provider: self.provider,
            message,
        }
    }
}

/// The answers every provider treats alike, whatever their body says
/// (JSON with any code, an HTML page from a gateway, nothing): the one
/// table of refusals. 401 and 403 refuse the account (a quota when the
/// body says so, else the credentials) and stop the provider for the
/// run; 429 is paced and retried; 5xx retried. `Ok` leaves the body to the
/// provider's own reading.
pub(crate) fn status_table(
    provider: Provider,
    a: &Answer,
    secrets: &[&str],
) -> Result<(), OcrError> {
    if let Some(e) = refusal(provider, a.status, &a.body, secrets) {
        return Err(e);
    }
    if a.status == 429 {
        return Err(OcrError::RateLimited {
            provider,
            retry_after: a.retry_after,
        });
    }
    if a.status >= 500 {
        return Err(OcrError::Server {
            provider,
            status: a.status,
            excerpt: excerpt(&a.body, secrets),
        });
    }
    Ok(())
}

/// What one provider answer (HTTP status, content type, body) becomes, as
/// a live call judges it after the exchange: [`status_table`], then the
/// provider's documented body, every known credential value blanked out of
/// the error or of the slip's `raw_response`. The same function a call
/// uses, for tools that replay saved exchanges and for the fuzz target.
pub fn classify_answer(
    provider: Provider,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    secrets: &[&str],
) -> Result<recon_core::Slip, OcrError> {
    let answer = Answer {
        status,
        content_type: content_type.map(str::to_string),
        retry_after: None,
        body: body.to_vec(),
    };
    let read = Body {
        provider,
        status: Some(status),
        content_type,
        bytes: body,
        secrets,
    };
    status_table(provider, &answer, secrets)
        .and_then(|()| match provider {
            Provider::Easyslip => crate::easyslip::interpret(&read).map(|v| v.slip),
            Provider::Nextocr => crate::nextocr::interpret(&read),
            Provider::Clova => {
                crate::clova::interpret(&read, crate::ClovaConfig::default().currency)
            }
            Provider::Local => Err(OcrError::Config {
                provider,
                reason: "the local reader has no HTTP answers".into(),
            }),
        })
        .map(|slip| crate::wire::with_raw(slip, body, secrets))
        .map_err(|e| e.redacted(secrets))
}

/// 401 or 403 as a typed refusal: `QuotaExceeded` when the body names a
/// quota or limit (EasySlip's `QUOTA_EXCEEDED`), else `Unauthorized`
/// (EasySlip `UNAUTHORIZED` or `FORBIDDEN`, NextOCR's and CLOVA's refusals,
/// an HTML error page). The message is the body's `message`/`msg` when it
/// is JSON, else a short excerpt; `None` for any other status.
pub(crate) fn refusal(
    provider: Provider,
    status: u16,
    body: &[u8],
    secrets: &[&str],
) -> Option<OcrError> {
    if !matches!(status, 401 | 403) {
        return None;
    }
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let text_at = |v: &serde_json::Value, keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(|m| m.as_str()).map(str::to_string))
    };
    let (code, message) = match &json {
        Some(v) => {
            let inner = v.get("error").filter(|e| e.is_object()).unwrap_or(v);
            (
                text_at(inner, &["code"]).unwrap_or_default(),
                text_at(inner, &["message", "msg"]).or_else(|| text_at(v, &["message", "msg"])),
            )
        }
        None => (String::new(), None),
    };
    let message = match message {
        Some(m) => {
            let mut m: String = m.chars().take(crate::error::EXCERPT_CHARS).collect();
            for s in secrets.iter().filter(|s| s.len() >= 4) {
                m = m.replace(s, "***");
            }
            m
        }
        None => excerpt(body, secrets),
    };
    let says_quota = |t: &str| {
        let t = t.to_ascii_lowercase();
        t.contains("quota") || t.contains("limit exceeded") || t.contains("credit")
    };
    Some(
        if status == 403 && (says_quota(&code) || says_quota(&message)) {
            OcrError::QuotaExceeded {
                provider,
                status,
                message,
            }
        } else {
            OcrError::Unauthorized {
                provider,
                status,
                message,
            }
        },
    )
}

/// `Retry-After` as delta-seconds (what rate limiters usually send) or as
/// an HTTP date, turned into a wait from now.
fn retry_after_secs(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let wait = at.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// 64 random bits from the standard library's per-process random hash keys
/// (SipHash over a counter): jitter and request ids need values that differ
/// between processes and calls, not cryptographic strength.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    h.finish()
}

/// A random fraction in `0..=1`.
fn unit_random() -> f64 {
    (random_u64() >> 11) as f64 / ((1u64 << 53) - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_shape_stops_the_provider() {
        let p = Provider::Easyslip;
        let html = b"<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>";
        let cases: [(u16, &[u8], &str); 7] = [
            (
                403,
                br#"{"success":false,"error":{"code":"QUOTA_EXCEEDED","message":"Your API quota has been exceeded"}}"#,
                "quota",
            ),
            (
                403,
                br#"{"success":false,"error":{"code":"FORBIDDEN","message":"Access denied"}}"#,
                "auth",
            ),
            (
                401,
                br#"{"success":false,"error":{"code":"UNAUTHORIZED","message":"Invalid API key"}}"#,
                "auth",
            ),
            (401, html, "auth"),
            (403, html, "auth"),
            (403, br#"{"status":false,"msg":"Forbidden"}"#, "auth"),
            (401, b"", "auth"),
        ];
        for (status, body, want) in cases {
            let e = refusal(p, status, body, &[]).unwrap();
            assert!(e.stops_provider(), "{status} {e}");
            match want {
                "quota" => assert!(matches!(e, OcrError::QuotaExceeded { .. }), "{e}"),
                _ => assert!(matches!(e, OcrError::Unauthorized { .. }), "{e}"),
            }
        }
        for status in [200, 400, 404, 429, 500] {
            assert!(refusal(p, status, b"{}", &[]).is_none());
        }
        let echoed = refusal(
            p,
            401,
            br#"{"error":{"code":"UNAUTHORIZED","message":"key sk-secret-123 is wrong"}}"#,
            &["sk-secret-123"],
        )
        .unwrap();
        assert!(!echoed.to_string().contains("sk-secret-123"), "{echoed}");
    }

    #[test]
    fn an_answer_is_judged_by_the_status_table_then_its_body() {
        let secret = "sk-live-classified-1";
        let html = b"<html><body>403 Forbidden</body></html>";
        for p in [Provider::Easyslip, Provider::Nextocr, Provider::Clova] {
            let e = classify_answer(p, 403, Some("text/html"), html, &[secret]).unwrap_err();
            assert!(e.stops_provider(), "{p}: {e}");
            let e = classify_answer(p, 503, None, b"", &[secret]).unwrap_err();
            assert!(e.is_retryable() && !e.stops_provider(), "{p}: {e}");
            let e = classify_answer(p, 200, Some("application/json"), b"{", &[secret]).unwrap_err();
            assert!(!e.stops_provider(), "{p}: {e}");
        }
        // A validation answer quoting the key: blanked out of the error.
        let body = format!(
            r#"{{"success":false,"error":{{"code":"VALIDATION_ERROR","message":"bad key {secret}"}}}}"#
        );
        let e =
            classify_answer(Provider::Easyslip, 400, None, body.as_bytes(), &[secret]).unwrap_err();
        assert!(!e.to_string().contains(secret), "{e}");
        // A slip whose answer quotes the key: blanked out of raw_response.
        let saved = include_bytes!("../tests/data/easyslip-success.json");
        let echoed = String::from_utf8_lossy(saved).replacen(
            "\"ref1\": \"\"",
            &format!("\"ref1\": \"{secret}\""),
            1,
        );
        assert!(echoed.contains(secret));
        let slip =
            classify_answer(Provider::Easyslip, 200, None, echoed.as_bytes(), &[secret]).unwrap();
        let raw = slip.raw_response.unwrap();
        assert!(!raw.contains(secret) && raw.contains("***"));
    }

    #[test]
    fn retry_after_is_seconds() {
        assert_eq!(retry_after_secs(" 2 "), Some(Duration::from_secs(2)));
        // A date in the past: go now.
        assert_eq!(
            retry_after_secs("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(30)).to_rfc2822();
        let wait = retry_after_secs(&soon).unwrap();
        assert!(
            wait > Duration::from_secs(28) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert_eq!(retry_after_secs("soon"), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let limits = Limits {
            backoff_base_ms: 100,
            backoff_max_ms: 1000,
            max_retry_after_ms: 5000,
            ..Limits::default()
        };
        let ep = Endpoint::new(Provider::Easyslip, &limits, vec![]).unwrap();
        for _ in 0..20 {
            let d1 = ep.backoff(1, None);
            assert!(
                d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
                "{d1:?}"
            );
            let d3 = ep.backoff(3, None);
            assert!(
                d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400),
                "{d3:?}"
            );
            let d9 = ep.backoff(9, None);
            assert!(d9 <= Duration::from_millis(1000), "{d9:?}");
            let ra = ep.backoff(1, Some(Duration::from_secs(2)));
            assert!(
                ra >= Duration::from_secs(2) && ra <= Duration::from_millis(2200),
                "{ra:?}"
            );
            let long = ep.backoff(1, Some(Duration::from_secs(3600)));
            assert!(long <= Duration::from_millis(5500), "{long:?}");
        }
    }
}
