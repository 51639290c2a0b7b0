//! The e-mail channel: one plain-text message (the summary page attached
//! when asked) through an SMTP server with STARTTLS or TLS and AUTH, over
//! lettre's blocking transport and rustls.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use crate::retry::{self, Attempt, Outcome};
use crate::rule::{EmailRule, SmtpTls};
use crate::secret::{self, Secret};
use crate::{NotifyError, RunSummary, summary};

/// Sends the rule's message, retrying transient failures. A config error
/// (no password, a loose password file, `tls = "none"` to another host) is
/// an outcome with no attempt.
pub(crate) fn send(rule: &EmailRule, s: &RunSummary, report_dir: &Path) -> Outcome {
    let prepared = match prepare(rule, s, report_dir) {
        Ok(p) => p,
        Err(e) => {
            return Outcome {
                attempts: 0,
                error: Some(e.to_string()),
            };
        }
    };
    let secrets: Vec<&Secret> = prepared.password.iter().collect();
    let mut out = retry::deliver(rule.limits(), |_, left| attempt(&prepared, left, &secrets));
    out.error = out.error.map(|e| secret::scrub(&e, &secrets));
    out
}

/// Everything read and built once, so every attempt sends the same message
/// (the same Message-ID: a mail client can tell a resent copy).
struct Prepared {
    host: String,
    port: u16,
    tls: Option<(SmtpTls, TlsParameters)>,
    user: Option<String>,
    password: Option<Secret>,
    message: Message,
}

fn prepare(rule: &EmailRule, s: &RunSummary, report_dir: &Path) -> Result<Prepared, NotifyError> {
    rule.validate()?;
    let bad = |reason: String| NotifyError::config("email", reason);
    let (host, port) = rule.server()?;

    let tls = match rule.tls {
        SmtpTls::None => None,
        mode => {
            let mut params = TlsParameters::builder(host.clone());
            if let Some(ca) = &rule.ca_file {
                let pem =
                    std::fs::read(ca).map_err(|e| bad(format!("ca_file {}: {e}", ca.display())))?;
                let cert = Certificate::from_pem(&pem)
                    .map_err(|e| bad(format!("ca_file {}: {e}", ca.display())))?;
                params = params.add_root_certificate(cert);
            }
            let params = params
                .build_rustls()
                .map_err(|e| bad(format!("TLS setup for {host}: {e}")))?;
            Some((mode, params))
        }
    };

    let user = match (&rule.username, &rule.username_env) {
        (Some(u), _) => Some(u.clone()),
        (None, Some(var)) => Some(
            std::env::var(var)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| bad(format!("environment variable {var} is not set")))?,
        ),
        (None, None) => None,
    };
    let password = if user.is_some() {
        Some(secret::load(
            "email",
            "password",
            rule.password_file.as_deref(),
            rule.password_env.as_deref(),
        )?)
    } else {
        None
    };

    let message = build_message(rule, s, report_dir)?;
    Ok(Prepared {
        host,
        port,
        tls,
        user,
        password,
        message,
    })
}

fn build_message(
    rule: &EmailRule,
    s: &RunSummary,
    report_dir: &Path,
) -> Result<Message, NotifyError> {
    let bad = |reason: String| NotifyError::config("email", reason);
    let mut builder = Message::builder()
        .from(
            rule.from
                .parse::<Mailbox>()
                .map_err(|e| bad(format!("from: {e}")))?,
        )
        .subject(summary::subject(s));
    for to in &rule.to {
        builder = builder.to(to
            .parse::<Mailbox>()
            .map_err(|e| bad(format!("to {to:?}: {e}")))?);
    }

    let page = report_dir.join("summary.html");
    let attachment = if rule.attach {
        match std::fs::read(&page) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                tracing::info!(path = %page.display(), error = %e, "no summary page to attach");
                None
            }
        }
    } else {
        None
    };
    let text = summary::email_text(s, rule.report_url.as_deref(), attachment.is_some());
    let body = SinglePart::plain(text);
    let message = match attachment {
        Some(bytes) => builder.multipart(MultiPart::mixed().singlepart(body).singlepart(
            Attachment::new("summary.html".into()).body(bytes, ContentType::TEXT_HTML),
        )),
        None => builder.singlepart(body),
    };
    message.map_err(|e| bad(format!("building the message: {e}")))
}

/// One SMTP session. lettre's transport is blocking and its timeout is per
/// socket operation, so the session runs on its own thread and is abandoned
/// when the time left runs out: the bound holds even against a server that
/// answers one byte at a time (the thread then ends at its socket timeout).
fn attempt(p: &Prepared, left: Duration, secrets: &[&Secret]) -> Attempt {
    let mut builder = SmtpTransport::builder_dangerous(p.host.clone())
        .port(p.port)
        .timeout(Some(left));
    builder = match &p.tls {
        None => builder.tls(Tls::None),
        Some((SmtpTls::Tls, params)) => builder.tls(Tls::Wrapper(params.clone())),
        Some((_, params)) => builder.tls(Tls::Required(params.clone())),
    };
    if let (Some(user), Some(password)) = (&p.user, &p.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose().to_string(),
        ));
    }
    let transport = builder.build();
    let message = p.message.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(transport.send(&message));
    });
    match rx.recv_timeout(left) {
        Ok(Ok(_)) => Attempt::Delivered,
        Ok(Err(e)) => {
            let error = secret::scrub(&format!("SMTP {}:{}: {e}", p.host, p.port), secrets);
            if e.is_permanent() {
                Attempt::Permanent(error)
            } else if e.is_tls() {
                Attempt::Permanent(format!(
                    "{error} (is the server's certificate for {}? a private CA goes in ca_file)",
                    p.host
                ))
            } else if e.is_client() || e.is_response() {
                Attempt::Permanent(error)
            } else {
                Attempt::Transient {
                    error,
                    retry_after: None,
                }
            }
        }
        Err(_) => Attempt::Transient {
            error: format!(
                "SMTP {}:{}: no answer within {}ms",
                p.host,
                p.port,
                left.as_millis()
            ),
            retry_after: None,
        },
    }
}
