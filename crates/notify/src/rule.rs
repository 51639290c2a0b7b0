//! The `[[notify]]` tables of the job config: which channel, when it fires,
//! where it goes, and its limits. Every default is written here, once.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::{NotifyError, RunSummary};

/// One `[[notify]]` table of the job config, internally tagged by `kind`.
///
/// Unknown keys are refused (each rule struct denies unknown fields; serde
/// strips the `kind` tag before the struct sees the table), so a typo such as
/// `tooo = [...]` is an error naming the key, never a silent default.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum NotifyRule {
    Email(EmailRule),
    Line(LineRule),
    Webhook(WebhookRule),
}

/// When a rule fires (see [`NotifyRule::fires`]).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// There are cases or quarantined rows to review (exit code 2 or 3).
    Exceptions,
    /// The run failed (exit code 1) or the slip provider stopped (exit code 3).
    Failure,
    /// Every run, clean ones too.
    Always,
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte, "SMTPS" (port 465).
    Tls,
    /// No encryption: only for an SMTP relay on this machine (loopback).
    None,
}

impl SmtpTls {
    fn default_port(self) -> u16 {
        match self {
            SmtpTls::Starttls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        }
    }
}

/// `kind = "email"`: a plain-text e-mail through an SMTP server.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmailRule {
    #[serde(default = "default_on")]
    pub on: Vec<When>,
    /// `host:port` (`[::1]:25` for IPv6); the port defaults to 587, 465 or 25
    /// by `tls`.
    pub smtp: String,
    #[serde(default)]
    pub tls: SmtpTls,
    /// The SMTP user name, as text (it is not a secret)…
    pub username: Option<String>,
    /// …or the name of the environment variable holding it.
    pub username_env: Option<String>,
    /// Name of the environment variable holding the password.
    pub password_env: Option<String>,
    /// A file holding the password, mode 600 or stricter; wins over `password_env`.
    pub password_file: Option<PathBuf>,
    /// `Recon <recon@example.com>` or a bare address.
    pub from: String,
    pub to: Vec<String>,
    /// PEM certificates to trust besides the public roots (a private CA).
    pub ca_file: Option<PathBuf>,
    /// Base URL of the published reports: the mail links `<report_url>/<day>/summary.html`.
    pub report_url: Option<String>,
    /// Attach the day's `summary.html` from the report folder, when it exists.
    #[serde(default)]
    pub attach: bool,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
}

/// `kind = "line"`: a LINE Messaging API push message to a user or group.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LineRule {
    #[serde(default = "default_on")]
    pub on: Vec<When>,
    /// The user, group or room id the bot pushes to (`U…`, `C…`, `R…`).
    pub to: String,
    /// Name of the environment variable holding the channel access token.
    pub token_env: Option<String>,
    /// A file holding the token, mode 600 or stricter; wins over `token_env`.
    pub token_file: Option<PathBuf>,
    #[serde(default = "default_line_base_url")]
    pub base_url: String,
    /// Base URL of the published reports: the message links `<report_url>/<day>/summary.html`.
    pub report_url: Option<String>,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
}

/// `kind = "webhook"`: the [`RunSummary`] as signed JSON, POSTed to a URL.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WebhookRule {
    #[serde(default = "default_on")]
    pub on: Vec<When>,
    pub url: String,
    /// Name of the environment variable holding the signing secret.
    pub secret_env: Option<String>,
    /// A file holding the secret, mode 600 or stricter; wins over `secret_env`.
    pub secret_file: Option<PathBuf>,
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
}

// The defaults, in one place.
fn default_on() -> Vec<When> {
    vec![When::Exceptions, When::Failure]
}
fn default_timeout_secs() -> u64 {
    10
}
fn default_attempts() -> u32 {
    3
}
fn default_backoff_ms() -> u64 {
    1000
}
fn default_line_base_url() -> String {
    "https://api.line.me".into()
}

/// The most attempts a rule may ask for: a notification is not worth
/// hammering a server over.
const MAX_ATTEMPTS: u32 = 10;

/// How long and how often one rule may try: shared by the three channels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    /// The whole delivery, every attempt and wait included, ends within this.
    pub total: Duration,
    pub attempts: u32,
    /// The wait before the second attempt; it doubles for each next one.
    pub backoff: Duration,
}

impl NotifyRule {
    /// `"email"`, `"line"` or `"webhook"`.
    pub fn channel(&self) -> &'static str {
        match self {
            NotifyRule::Email(_) => "email",
            NotifyRule::Line(_) => "line",
            NotifyRule::Webhook(_) => "webhook",
        }
    }

    fn on(&self) -> &[When] {
        match self {
            NotifyRule::Email(r) => &r.on,
            NotifyRule::Line(r) => &r.on,
            NotifyRule::Webhook(r) => &r.on,
        }
    }

    /// Whether this rule sends for a run: `always` for every run; `failure`
    /// when the run failed (exit code 1) or the slip provider stopped (3);
    /// `exceptions` when there are cases or quarantined rows and the exit code
    /// is 2 or 3.
    pub fn fires(&self, s: &RunSummary) -> bool {
        self.on().iter().any(|w| match w {
            When::Always => true,
            When::Failure => matches!(s.exit_code, 1 | 3),
            When::Exceptions => s.cases + s.quarantined > 0 && matches!(s.exit_code, 2 | 3),
        })
    }

    /// Checks what can be checked without sending (addresses, URLs, TLS
    /// choice, limits, that a credential is named), so the CLI can refuse a
    /// bad config before the run instead of after it. Credentials themselves
    /// are read at send time.
    pub fn validate(&self) -> Result<(), NotifyError> {
        match self {
            NotifyRule::Email(r) => r.validate(),
            NotifyRule::Line(r) => r.validate(),
            NotifyRule::Webhook(r) => r.validate(),
        }
    }

    /// Where the rule sends, with nothing secret in it: the SMTP `host:port`,
    /// or the URL without user info, query or fragment.
    pub fn target(&self) -> String {
        match self {
            NotifyRule::Email(r) => match r.server() {
                Ok((host, port)) => format!("{host}:{port}"),
                Err(_) => mask_url(&r.smtp),
            },
            NotifyRule::Line(r) => mask_url(&r.push_url()),
            NotifyRule::Webhook(r) => mask_url(&r.url),
        }
    }
}

impl EmailRule {
    /// The SMTP host and port, the port defaulted by `tls`.
    pub fn server(&self) -> Result<(String, u16), NotifyError> {
        let bad = |reason: String| NotifyError::config("email", reason);
        let text = self.smtp.trim();
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (h, after) = rest
                .split_once(']')
                .ok_or_else(|| bad(format!("smtp = {text:?}: missing ']'")))?;
            (h, after.strip_prefix(':'))
        } else {
            match text.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (text, None),
            }
        };
        if host.is_empty() {
            return Err(bad(format!(
                "smtp = {text:?}: no host (expected host:port)"
            )));
        }
        let port = match port {
            Some(p) => p.parse::<u16>().map_err(|_| {
                bad(format!(
                    "smtp = {text:?}: port {p:?} is not a number 1-65535"
                ))
            })?,
            None => self.tls.default_port(),
        };
        Ok((host.to_string(), port))
    }

    pub fn validate(&self) -> Result<(), NotifyError> {
        let bad = |reason: String| NotifyError::config("email", reason);
        let (host, _) = self.server()?;
        if self.tls == SmtpTls::None && !is_loopback(&host) {
            return Err(bad(format!(
                "tls = \"none\" is only allowed for an SMTP server on this machine (localhost), not {host}: \
                 the password and the report would cross the network in clear; use tls = \"starttls\" or \"tls\""
            )));
        }
        self.from.parse::<lettre::message::Mailbox>().map_err(|e| {
            bad(format!(
                "from = {:?} is not an e-mail address: {e}",
                self.from
            ))
        })?;
        if self.to.is_empty() {
            return Err(bad("to is empty: name at least one recipient".into()));
        }
        for to in &self.to {
            to.parse::<lettre::message::Mailbox>()
                .map_err(|e| bad(format!("to: {to:?} is not an e-mail address: {e}")))?;
        }
        let has_user = self.username.is_some() || self.username_env.is_some();
        let has_password = self.password_env.is_some() || self.password_file.is_some();
        if has_user != has_password {
            return Err(bad(
                "set a user name (username or username_env) and a password (password_env or password_file) \
                 together, or neither for a server without AUTH"
                    .into(),
            ));
        }
        if let Some(url) = &self.report_url {
            check_url("email", "report_url", url, true)?;
        }
        check_limits("email", self.timeout_secs, self.attempts)
    }

    pub(crate) fn limits(&self) -> Limits {
        limits(self.timeout_secs, self.attempts, self.backoff_ms)
    }
}

impl LineRule {
    pub fn validate(&self) -> Result<(), NotifyError> {
        if self.to.trim().is_empty() {
            return Err(NotifyError::config(
                "line",
                "to is empty: the user, group or room id to push to".into(),
            ));
        }
        if self.token_env.is_none() && self.token_file.is_none() {
            return Err(NotifyError::config(
                "line",
                "no channel access token: set token_env (a variable name) or token_file".into(),
            ));
        }
        check_url("line", "base_url", &self.base_url, false)?;
        if let Some(url) = &self.report_url {
            check_url("line", "report_url", url, true)?;
        }
        check_limits("line", self.timeout_secs, self.attempts)
    }

    pub(crate) fn push_url(&self) -> String {
        format!(
            "{}/v2/bot/message/push",
            self.base_url.trim_end_matches('/')
        )
    }

    pub(crate) fn limits(&self) -> Limits {
        limits(self.timeout_secs, self.attempts, self.backoff_ms)
    }
}

impl WebhookRule {
    pub fn validate(&self) -> Result<(), NotifyError> {
        if self.secret_env.is_none() && self.secret_file.is_none() {
            return Err(NotifyError::config(
                "webhook",
                "no signing secret: set secret_env (a variable name) or secret_file".into(),
            ));
        }
        check_url("webhook", "url", &self.url, false)?;
        check_limits("webhook", self.timeout_secs, self.attempts)
    }

    pub(crate) fn limits(&self) -> Limits {
        limits(self.timeout_secs, self.attempts, self.backoff_ms)
    }
}

fn limits(timeout_secs: u64, attempts: u32, backoff_ms: u64) -> Limits {
    Limits {
        total: Duration::from_secs(timeout_secs.max(1)),
        attempts: attempts.clamp(1, MAX_ATTEMPTS),
        backoff: Duration::from_millis(backoff_ms),
    }
}

fn check_limits(
    channel: &'static str,
    timeout_secs: u64,
    attempts: u32,
) -> Result<(), NotifyError> {
    if timeout_secs == 0 {
        return Err(NotifyError::config(
            channel,
            "timeout_secs must be at least 1".into(),
        ));
    }
    if !(1..=MAX_ATTEMPTS).contains(&attempts) {
        return Err(NotifyError::config(
            channel,
            format!("attempts = {attempts}: it must be between 1 and {MAX_ATTEMPTS}"),
        ));
    }
    Ok(())
}

/// An http(s) URL with a host. Plain `http` is refused for anything but this
/// machine when the request carries data or credentials (`link_only` false):
/// the summary names customers and amounts.
fn check_url(
    channel: &'static str,
    key: &str,
    url: &str,
    link_only: bool,
) -> Result<(), NotifyError> {
    let bad = |reason: String| NotifyError::config(channel, format!("{key} = {url:?}: {reason}"));
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(e.to_string()))?;
    let host = parsed.host_str().ok_or_else(|| bad("no host".into()))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if link_only || is_loopback(host) => Ok(()),
        "http" => Err(bad(format!(
            "plain http is only allowed for this machine, not {host}: use https"
        ))),
        other => Err(bad(format!("scheme {other} is not http or https"))),
    }
}

/// `localhost` or a loopback address (`127.0.0.0/8`, `::1`).
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// A URL for logs and [`crate::Delivery::target`]: scheme, host, port and
/// path only; user info, query and fragment (where tokens live) are dropped.
pub(crate) fn mask_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(u) => {
            let host = u.host_str().unwrap_or("");
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{}://{host}{port}{}", u.scheme(), u.path())
        }
        // Not a URL: nothing of it is shown, it may hold anything.
        Err(_) => "(not a valid URL)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::tests::sample;

    fn rule(on: &[When]) -> NotifyRule {
        NotifyRule::Webhook(WebhookRule {
            on: on.to_vec(),
            url: "https://example.com/hook".into(),
            secret_env: Some("S".into()),
            secret_file: None,
            timeout_secs: 10,
            attempts: 3,
            backoff_ms: 1000,
        })
    }

    #[test]
    fn fires_for_every_when_and_outcome() {
        // (exit code, outcome, cases, quarantined) -> [exceptions, failure, always]
        let table: [(u8, &str, u64, u64, [bool; 3]); 7] = [
            (0, "clean", 0, 0, [false, false, true]),
            (1, "failed", 0, 0, [false, true, true]),
            // A failed run's partial counts are no exceptions to review.
            (1, "failed", 4, 0, [false, true, true]),
            (2, "exceptions", 29, 0, [true, false, true]),
            (2, "exceptions", 0, 3, [true, false, true]),
            (3, "provider_stopped", 5, 0, [true, true, true]),
            (3, "provider_stopped", 0, 0, [false, true, true]),
        ];
        for (exit_code, outcome, cases, quarantined, want) in table {
            let mut s = sample();
            (s.exit_code, s.outcome, s.cases, s.quarantined) =
                (exit_code, outcome.into(), cases, quarantined);
            let got = [When::Exceptions, When::Failure, When::Always].map(|w| rule(&[w]).fires(&s));
            assert_eq!(
                got, want,
                "exit {exit_code} {outcome} cases {cases} quarantined {quarantined}"
            );
            // The default pair fires when either does.
            assert_eq!(rule(&default_on()).fires(&s), want[0] || want[1]);
            assert!(!rule(&[]).fires(&s));
        }
    }

    #[test]
    fn rules_read_from_toml_with_defaults() {
        #[derive(Deserialize)]
        struct Job {
            notify: Vec<NotifyRule>,
        }
        let job: Job = toml::from_str(
            r#"
            [[notify]]
            kind = "email"
            smtp = "smtp.example.com"
            from = "Recon <recon@example.com>"
            to = ["finance@example.com"]

            [[notify]]
            kind = "line"
            on = ["always"]
            to = "U1234"
            token_file = "/etc/recon/line.token"

            [[notify]]
            kind = "webhook"
            url = "https://ops.example.com/hook?team=fin"
            secret_env = "RECON_WEBHOOK_SECRET"
            attempts = 5
            "#,
        )
        .unwrap();
        let NotifyRule::Email(e) = &job.notify[0] else {
            panic!("email")
        };
        assert_eq!(e.on, [When::Exceptions, When::Failure]);
        assert_eq!(
            (e.tls, e.timeout_secs, e.attempts, e.attach),
            (SmtpTls::Starttls, 10, 3, false)
        );
        assert_eq!(e.server().unwrap(), ("smtp.example.com".into(), 587));
        let NotifyRule::Line(l) = &job.notify[1] else {
            panic!("line")
        };
        assert_eq!(l.base_url, "https://api.line.me");
        assert_eq!(
            job.notify[1].target(),
            "https://api.line.me/v2/bot/message/push"
        );
        assert_eq!(job.notify[2].target(), "https://ops.example.com/hook");
        for r in &job.notify {
            r.validate().unwrap();
        }
    }

    #[test]
    fn a_typo_is_refused_naming_the_key() {
        for kind in ["email", "line", "webhook"] {
            let err = toml::from_str::<NotifyRule>(&format!("kind = \"{kind}\"\ntooo = [\"x\"]\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("unknown field `tooo`"), "{kind}: {err}");
        }
        let err = toml::from_str::<NotifyRule>("kind = \"sms\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `sms`"), "{err}");
    }

    fn email(smtp: &str, tls: SmtpTls) -> EmailRule {
        EmailRule {
            on: default_on(),
            smtp: smtp.into(),
            tls,
            username: None,
            username_env: None,
            password_env: None,
            password_file: None,
            from: "recon@example.com".into(),
            to: vec!["ops@example.com".into()],
            ca_file: None,
            report_url: None,
            attach: false,
            timeout_secs: 10,
            attempts: 3,
            backoff_ms: 1000,
        }
    }

    #[test]
    fn plain_smtp_is_only_for_this_machine() {
        for host in ["127.0.0.1:25", "localhost:2525", "[::1]:25", "127.8.0.1"] {
            email(host, SmtpTls::None).validate().unwrap();
        }
        for host in ["smtp.example.com:25", "10.0.0.5:25", "[2001:db8::1]:25"] {
            let err = email(host, SmtpTls::None)
                .validate()
                .unwrap_err()
                .to_string();
            assert!(err.contains("tls = \"none\" is only allowed"), "{err}");
        }
        email("smtp.example.com:25", SmtpTls::Starttls)
            .validate()
            .unwrap();
        assert_eq!(
            email("[::1]", SmtpTls::Tls).server().unwrap(),
            ("::1".into(), 465)
        );
        assert!(email("host:http", SmtpTls::Tls).validate().is_err());
    }

    #[test]
    fn bad_addresses_urls_and_limits_are_refused() {
        let mut e = email("smtp.example.com", SmtpTls::Starttls);
        e.to = vec!["not an address".into()];
        assert!(
            e.validate()
                .unwrap_err()
                .to_string()
                .contains("not an e-mail address")
        );
        e.to = vec![];
        assert!(e.validate().is_err());
        let mut e = email("smtp.example.com", SmtpTls::Starttls);
        e.username = Some("recon".into());
        assert!(e.validate().unwrap_err().to_string().contains("together"));

        let NotifyRule::Webhook(mut w) = rule(&[]) else {
            unreachable!()
        };
        w.url = "http://ops.example.com/hook".into();
        assert!(w.validate().unwrap_err().to_string().contains("plain http"));
        w.url = "http://127.0.0.1:9000/hook".into();
        w.validate().unwrap();
        w.attempts = 0;
        assert!(
            w.validate()
                .unwrap_err()
                .to_string()
                .contains("attempts = 0")
        );
    }

    #[test]
    fn targets_never_show_user_info_or_query() {
        assert_eq!(
            mask_url("https://user:pw@hooks.example.com:8443/a/b?token=xyz#frag"),
            "https://hooks.example.com:8443/a/b"
        );
        assert_eq!(mask_url("not a url?token=xyz"), "(not a valid URL)");
    }
}
