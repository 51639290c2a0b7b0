//! Delivers a finished run's summary to people: an e-mail through SMTP, a
//! LINE push message, or a signed JSON webhook, as the job config's
//! `[[notify]]` tables ask.
//!
//! Owns: the `[[notify]]` rules ([`NotifyRule`], when each fires), the words
//! of each message (subject, plain-text body, the short LINE text), the
//! channels' contracts (SMTP with STARTTLS/TLS and AUTH, LINE's push API and
//! its retry key, the `Recon-Signature` HMAC), retries with backoff within a
//! time bound, and the channels' credentials, read from the environment or
//! from files only their owner can read.
//!
//! Never does: decide what a run found (the engine does; this crate is handed
//! a [`RunSummary`]), change the exit code, or fail a run: [`send_all`]
//! returns what happened to each message and logs failures, nothing more.
//! Never logs or returns a credential, nor a whole message body.
//!
//! # Config
//!
//! ```toml
//! [[notify]]
//! kind = "email"
//! on = ["exceptions", "failure"]      # the default; or "always"
//! smtp = "smtp.example.com:587"
//! tls = "starttls"                    # starttls (default) | tls | none (loopback only)
//! username = "recon@example.com"      # or username_env = "RECON_SMTP_USER"
//! password_env = "RECON_SMTP_PASSWORD" # or password_file = "/etc/recon/smtp.pass" (mode 600)
//! from = "Recon <recon@example.com>"
//! to = ["finance@example.com"]
//! # ca_file = "/etc/recon/private-ca.pem"
//! # report_url = "https://intranet.example.com/recon"
//! attach = true                       # the day's summary.html (default false)
//!
//! [[notify]]
//! kind = "line"
//! to = "Cxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"  # user, group or room id
//! token_env = "RECON_LINE_TOKEN"      # or token_file (mode 600)
//!
//! [[notify]]
//! kind = "webhook"
//! url = "https://ops.example.com/hooks/recon"
//! secret_env = "RECON_WEBHOOK_SECRET" # or secret_file (mode 600)
//! ```
//!
//! Every rule also takes `timeout_secs` (10: the whole delivery, every attempt
//! and wait included, ends within it), `attempts` (3, at most 10) and
//! `backoff_ms` (1000: the wait before the second attempt, doubling after).
//! A file named for a credential wins over the variable. Unknown keys are
//! errors.
//!
//! # Testing
//!
//! `cargo test -p recon-notify`. The tests talk to real servers on
//! 127.0.0.1: aiosmtpd (Debian's `python3-aiosmtpd`, started by
//! `tests/smtp_server.py`) with STARTTLS required and AUTH, a certificate made
//! with the `openssl` command; and HTTP servers in the tests that follow
//! LINE's documented push contract and a webhook receiver that checks the
//! signature the way the README tells receivers to.

mod email;
mod http;
mod line;
mod retry;
mod rule;
mod secret;
mod summary;
mod webhook;

use std::path::Path;

pub use rule::{EmailRule, LineRule, NotifyRule, SmtpTls, WebhookRule, When};
pub use summary::{LINE_TEXT_LIMIT, Money, ProviderHealth, RunSummary, TopCase};
pub use webhook::{SIGNATURE_HEADER, signature};

/// A `[[notify]]` rule that cannot be used as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotifyError {
    #[error("notify ({channel}): {reason}")]
    Config {
        channel: &'static str,
        reason: String,
    },
}

impl NotifyError {
    pub(crate) fn config(channel: &'static str, reason: String) -> NotifyError {
        NotifyError::Config { channel, reason }
    }
}

/// What happened to one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// `email` | `line` | `webhook`.
    pub channel: String,
    /// Where it went, with nothing secret in it: the SMTP `host:port`, or the
    /// URL without user info, query or fragment.
    pub target: String,
    pub ok: bool,
    /// Attempts made; 0 when the rule could not be used (a config error).
    pub attempts: u32,
    /// Why it was not delivered; never holds a credential.
    pub error: Option<String>,
}

/// Sends every rule that fires for `summary` ([`NotifyRule::fires`]), one
/// after the other, each with its own retries and time bound, and returns one
/// [`Delivery`] per rule that fired, in the rules' order. `report_dir` is the
/// day's report folder (the e-mail attaches its `summary.html`).
///
/// Never panics on bad input or a bad server and never returns an error: each
/// failure is logged (warn, without secrets or bodies) and reported in its
/// `Delivery`. Blocking: HTTP runs on a small current-thread runtime made
/// here, so call it from sync code, not from inside an async runtime.
pub fn send_all(rules: &[NotifyRule], summary: &RunSummary, report_dir: &Path) -> Vec<Delivery> {
    let mut http: Option<Result<http::Http, String>> = None;
    let mut deliveries = Vec::new();
    for rule in rules.iter().filter(|r| r.fires(summary)) {
        let outcome = match rule {
            NotifyRule::Email(r) => email::send(r, summary, report_dir),
            NotifyRule::Line(r) => with_http(&mut http, |c| line::send(r, summary, c)),
            NotifyRule::Webhook(r) => with_http(&mut http, |c| webhook::send(r, summary, c)),
        };
        let delivery = Delivery {
            channel: rule.channel().to_string(),
            target: rule.target(),
            ok: outcome.error.is_none(),
            attempts: outcome.attempts,
            error: outcome.error,
        };
        match &delivery.error {
            None => tracing::info!(
                channel = %delivery.channel,
                target = %delivery.target,
                attempts = delivery.attempts,
                day = %summary.day,
                "notification delivered"
            ),
            Some(error) => tracing::warn!(
                channel = %delivery.channel,
                target = %delivery.target,
                attempts = delivery.attempts,
                day = %summary.day,
                %error,
                "notification not delivered"
            ),
        }
        deliveries.push(delivery);
    }
    deliveries
}

/// The HTTP client, made on first use (a run that only e-mails never starts
/// a runtime); if it cannot be made, every HTTP rule reports why.
fn with_http(
    http: &mut Option<Result<http::Http, String>>,
    send: impl FnOnce(&http::Http) -> retry::Outcome,
) -> retry::Outcome {
    match http.get_or_insert_with(http::Http::new) {
        Ok(client) => send(client),
        Err(e) => retry::Outcome {
            attempts: 0,
            error: Some(e.clone()),
        },
    }
}
