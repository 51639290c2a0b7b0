//! The webhook channel: the [`RunSummary`] as JSON, signed the way Stripe
//! signs its events.
//!
//! `Recon-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
//! A receiver recomputes the HMAC over the timestamp, a dot and the raw body
//! bytes, compares it in constant time, and refuses a timestamp more than
//! five minutes from its clock (a replayed old request). Each attempt is
//! signed afresh (a new `t`); the body and the `Idempotency-Key` stay the
//! same, so a receiver can tell a retry from a new run.

use hmac::{Hmac, Mac};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use sha2::Sha256;

use crate::RunSummary;
use crate::http::{self, Http};
use crate::line::summary_excerpt;
use crate::retry::{self, Attempt, Outcome};
use crate::rule::{WebhookRule, mask_url};
use crate::secret::{self, Secret};

/// The signature header's name.
pub const SIGNATURE_HEADER: &str = "Recon-Signature";

/// `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the value of
/// [`SIGNATURE_HEADER`]. Public so a receiver written in Rust (and the
/// tests) can check a request the same way.
pub fn signature(secret: &[u8], timestamp: u64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        hex::encode(mac(secret, timestamp, body))
    )
}

fn mac(secret: &[u8], timestamp: u64, body: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().to_vec()
}

pub(crate) fn send(rule: &WebhookRule, s: &RunSummary, http: &Http) -> Outcome {
    let secret = match rule.validate().and_then(|()| {
        secret::load(
            "webhook",
            "secret",
            rule.secret_file.as_deref(),
            rule.secret_env.as_deref(),
        )
    }) {
        Ok(t) => t,
        Err(e) => {
            return Outcome {
                attempts: 0,
                error: Some(e.to_string()),
            };
        }
    };
    let body = match serde_json::to_vec(s) {
        Ok(b) => b,
        Err(e) => {
            return Outcome {
                attempts: 0,
                error: Some(format!("webhook: encoding the summary: {e}")),
            };
        }
    };
    let idempotency_key = uuid::Uuid::new_v4().to_string();
    let target = mask_url(&rule.url);
    let secrets: [&Secret; 1] = [&secret];
    let mut out = retry::deliver(rule.limits(), |_, left| {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            "Idempotency-Key",
            HeaderValue::from_str(&idempotency_key).expect("a UUID is a valid header value"),
        );
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        headers.insert(
            SIGNATURE_HEADER,
            HeaderValue::from_str(&signature(secret.expose().as_bytes(), now, &body))
                .expect("hex is a valid header value"),
        );
        match http.post(&rule.url, headers, body.clone(), left) {
            Err(error) => Attempt::Transient {
                error: format!("{target}: {error}"),
                retry_after: None,
            },
            Ok(answer) => match answer.status {
                200..=299 => Attempt::Delivered,
                status => {
                    let error = secret::scrub(
                        &format!(
                            "{target} answered {status}: {}",
                            summary_excerpt(&answer.body)
                        ),
                        &secrets,
                    );
                    if http::is_transient(status) {
                        Attempt::Transient {
                            error,
                            retry_after: answer.retry_after,
                        }
                    } else {
                        Attempt::Permanent(error)
                    }
                }
            },
        }
    });
    out.error = out.error.map(|e| secret::scrub(&e, &secrets));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        // Checked against: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec
        let sig = signature(b"whsec", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            sig,
            "t=1700000000,v1=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032"
        );
    }
}
