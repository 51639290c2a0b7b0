//! The HTTP side shared by LINE and the webhook: one small current-thread
//! tokio runtime and one reqwest client for a `send_all` call, and one POST
//! with a time limit.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// What a server answered.
pub(crate) struct Answer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    /// The start of the body (error bodies are quoted from it).
    pub body: String,
}

/// How much of an answer body is kept: enough for an error message.
const BODY_EXCERPT: usize = 2000;

pub(crate) struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    pub(crate) fn new() -> Result<Http, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("starting the HTTP runtime: {e}"))?;
        let client = reqwest::Client::builder()
            // A redirect could carry the Authorization header or the signed
            // summary somewhere the config never named.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("recon-notify/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        Ok(Http { rt, client })
    }

    /// POSTs `body` and reads the answer, all within `time`. An `Err` is a
    /// connection error or a timeout, already without the URL (the caller
    /// names the masked target).
    pub(crate) fn post(
        &self,
        url: &str,
        headers: HeaderMap,
        body: Vec<u8>,
        time: Duration,
    ) -> Result<Answer, String> {
        let request = async {
            let response = self
                .client
                .post(url)
                .headers(headers)
                .body(body)
                .send()
                .await
                .map_err(describe)?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let bytes = response.bytes().await.map_err(describe)?;
            let cut = bytes.len().min(BODY_EXCERPT);
            Ok(Answer {
                status,
                retry_after,
                body: String::from_utf8_lossy(&bytes[..cut]).into_owned(),
            })
        };
        self.rt.block_on(async {
            match tokio::time::timeout(time, request).await {
                Ok(answer) => answer,
                Err(_) => Err(format!("no answer within {}ms", time.as_millis())),
            }
        })
    }
}

/// A reqwest error as one line with its causes ("connection refused"), and
/// never its URL.
fn describe(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// Whether a status is worth another try: throttled or a server fault.
pub(crate) fn is_transient(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}
