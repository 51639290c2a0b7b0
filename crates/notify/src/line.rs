//! The LINE channel: a Messaging API push message.
//!
//! `POST {base_url}/v2/bot/message/push` with `Authorization: Bearer <channel
//! access token>` and `X-Line-Retry-Key: <UUID v4>`, the same key for every
//! attempt of one message: LINE accepts a key once, so a retry after a lost
//! answer cannot send the message twice, and a `409` means the key was
//! already accepted, which counts as delivered.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};

use crate::http::{self, Http};
use crate::retry::{self, Attempt, Outcome};
use crate::rule::{LineRule, mask_url};
use crate::secret::{self, Secret};
use crate::{RunSummary, summary};

pub(crate) fn send(rule: &LineRule, s: &RunSummary, http: &Http) -> Outcome {
    let token = match rule.validate().and_then(|()| {
        secret::load(
            "line",
            "token",
            rule.token_file.as_deref(),
            rule.token_env.as_deref(),
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
    let mut headers = HeaderMap::new();
    let mut auth = match HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
        Ok(v) => v,
        Err(_) => {
            return Outcome {
                attempts: 0,
                error: Some(
                    "line: the channel access token has characters a header cannot carry".into(),
                ),
            };
        }
    };
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let retry_key = uuid::Uuid::new_v4().to_string();
    headers.insert(
        "X-Line-Retry-Key",
        HeaderValue::from_str(&retry_key).expect("a UUID is a valid header value"),
    );
    let body = serde_json::json!({
        "to": rule.to,
        "messages": [{"type": "text", "text": summary::line_text(s, rule.report_url.as_deref())}],
    })
    .to_string()
    .into_bytes();

    let url = rule.push_url();
    let target = mask_url(&url);
    let secrets = [&token];
    let mut out = retry::deliver(rule.limits(), |_, left| {
        match http.post(&url, headers.clone(), body.clone(), left) {
            Err(error) => Attempt::Transient {
                error: format!("{target}: {error}"),
                retry_after: None,
            },
            Ok(answer) => classify(&answer, &target, &secrets),
        }
    });
    out.error = out.error.map(|e| secret::scrub(&e, &secrets));
    out
}

fn classify(answer: &http::Answer, target: &str, secrets: &[&Secret]) -> Attempt {
    match answer.status {
        200..=299 => Attempt::Delivered,
        409 => {
            tracing::info!(
                target,
                "LINE had already accepted this message's retry key (409): delivered"
            );
            Attempt::Delivered
        }
        status => {
            let error = secret::scrub(
                &format!("LINE answered {status}: {}", line_error(&answer.body)),
                secrets,
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
    }
}

/// LINE's error body: `{"message": "...", "details": [{"message", "property"}]}`.
fn line_error(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return summary_excerpt(body);
    };
    let mut text = v["message"].as_str().unwrap_or("(no message)").to_string();
    if let Some(details) = v["details"].as_array() {
        for d in details.iter().take(5) {
            let prop = d["property"].as_str().unwrap_or("");
            let msg = d["message"].as_str().unwrap_or("");
            text.push_str(&format!("; {prop}: {msg}"));
        }
    }
    text
}

/// The first 200 characters of a body that is not LINE's JSON.
pub(crate) fn summary_excerpt(body: &str) -> String {
    let body = body.trim();
    if body.is_empty() {
        return "(empty body)".into();
    }
    summary::truncate(body, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_errors_quote_the_message_and_details() {
        let body = r#"{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}"#;
        assert_eq!(
            line_error(body),
            "The request body has 1 error(s); messages[0].text: May not be empty"
        );
        assert_eq!(
            line_error("<html>bad gateway</html>"),
            "<html>bad gateway</html>"
        );
    }
}
