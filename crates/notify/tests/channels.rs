//! Each channel against a real local server: e-mail through aiosmtpd (a real
//! SMTP server, with STARTTLS required and AUTH), LINE's push endpoint as its
//! documentation describes it, and a webhook receiver that checks the
//! signature as the README tells receivers to.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use mail_parser::MimeHeaders;
use recon_notify::{Money, NotifyRule, ProviderHealth, RunSummary, TopCase, send_all};

fn summary() -> RunSummary {
    RunSummary {
        day: "2026-11-21".into(),
        exit_code: 2,
        outcome: "exceptions".into(),
        orders: 55,
        matched: 42,
        cases: 29,
        quarantined: 4,
        provider_health: ProviderHealth {
            provider: "local".into(),
            status: "ok".into(),
            reason: None,
            pending_slips: 0,
        },
        report_dir: "/srv/recon/reports/2026-11-21".into(),
        error: None,
        money: vec![Money {
            currency: "THB".into(),
            matched: "412345.50".into(),
            open: "98765.25".into(),
        }],
        top_cases: vec![TopCase {
            id: "ORD-20261121-0040".into(),
            status: "duplicate_slip".into(),
            status_en: "Slip used before".into(),
            name: "วิไลวรรณ เพชรรัตน์".into(),
            amount: "990.00".into(),
            currency: "THB".into(),
            next_step: "Do not ship: this slip already paid another order".into(),
        }],
    }
}

fn rules(toml_text: &str) -> Vec<NotifyRule> {
    #[derive(serde::Deserialize)]
    struct Config {
        notify: Vec<NotifyRule>,
    }
    toml::from_str::<Config>(toml_text).unwrap().notify
}

/// A secret file with mode 600, as the rules require.
fn secret_file(dir: &Path, name: &str, value: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, value).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

// ------------------------------------------------------------------ e-mail

struct Smtp {
    child: Child,
    port: u16,
    out: tempfile::TempDir,
    cert: std::path::PathBuf,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// aiosmtpd on a free port of 127.0.0.1 with a self-signed certificate for
/// 127.0.0.1, STARTTLS required before AUTH, one user.
fn smtp_server(dir: &Path, user: &str, password: &str) -> Smtp {
    // A private CA (what `ca_file` is for) and the server's certificate
    // for 127.0.0.1 signed by it.
    let (ca, ca_key) = (dir.join("ca.pem"), dir.join("ca.key"));
    let (cert, key, csr) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("cert.csr"),
    );
    let ext = dir.join("ext.cnf");
    std::fs::write(
        &ext,
        "basicConstraints=critical,CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let openssl = |args: &[&std::ffi::OsStr]| {
        let made = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl (scripts/test.sh installs it)");
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
    };
    let os = |s: &'static str| std::ffi::OsStr::new(s);
    openssl(&[
        os("req"),
        os("-x509"),
        os("-newkey"),
        os("rsa:2048"),
        os("-nodes"),
        os("-days"),
        os("2"),
        os("-subj"),
        os("/CN=Recon test CA"),
        os("-keyout"),
        ca_key.as_os_str(),
        os("-out"),
        ca.as_os_str(),
    ]);
    openssl(&[
        os("req"),
        os("-newkey"),
        os("rsa:2048"),
        os("-nodes"),
        os("-subj"),
        os("/CN=127.0.0.1"),
        os("-keyout"),
        key.as_os_str(),
        os("-out"),
        csr.as_os_str(),
    ]);
    openssl(&[
        os("x509"),
        os("-req"),
        os("-in"),
        csr.as_os_str(),
        os("-CA"),
        ca.as_os_str(),
        os("-CAkey"),
        ca_key.as_os_str(),
        os("-CAcreateserial"),
        os("-days"),
        os("2"),
        os("-extfile"),
        ext.as_os_str(),
        os("-out"),
        cert.as_os_str(),
    ]);
    let out = tempfile::tempdir().unwrap();
    // Debian's own python3, where python3-aiosmtpd is installed (not a
    // pyenv or virtualenv python earlier on PATH).
    let mut child = Command::new("/usr/bin/python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_server.py"))
        .arg(&cert)
        .arg(&key)
        .arg(user)
        .arg(password)
        .arg(out.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 with aiosmtpd (scripts/test.sh installs python3-aiosmtpd)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("the SMTP server did not start: {line:?}"));
    Smtp {
        child,
        port,
        out,
        cert: ca,
    }
}

fn email_rules(smtp: &Smtp, password_file: &Path) -> Vec<NotifyRule> {
    rules(&format!(
        r#"
[[notify]]
kind = "email"
on = ["exceptions", "failure"]
smtp = "127.0.0.1:{port}"
tls = "starttls"
username = "recon"
password_file = "{password}"
from = "Recon <recon@example.com>"
to = ["finance@example.com", "owner@example.com"]
ca_file = "{cert}"
report_url = "https://reports.example.com/recon"
attach = true
attempts = 2
backoff_ms = 50
timeout_secs = 10
"#,
        port = smtp.port,
        password = password_file.display(),
        cert = smtp.cert.display(),
    ))
}

#[test]
fn an_email_arrives_over_starttls_with_the_summary_and_the_page_attached() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = smtp_server(dir.path(), "recon", "pw-for-the-test-9f2");
    let password = secret_file(dir.path(), "smtp.pw", "pw-for-the-test-9f2");
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(
        reports.join("summary.html"),
        "<!doctype html><title>Recon 2026-11-21</title><p>วิไลวรรณ</p>",
    )
    .unwrap();

    let sent = send_all(&email_rules(&smtp, &password), &summary(), &reports);
    assert_eq!(sent.len(), 1);
    assert!(sent[0].ok, "{:?}", sent[0]);
    assert_eq!(sent[0].channel, "email");
    assert_eq!(sent[0].target, format!("127.0.0.1:{}", smtp.port));

    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(smtp.out.path().join("1.json")).unwrap()).unwrap();
    assert_eq!(meta["tls"], true, "STARTTLS was used");
    assert_eq!(meta["authenticated"], true);
    assert_eq!(meta["mail_from"], "recon@example.com");
    assert_eq!(
        meta["rcpt_tos"],
        serde_json::json!(["finance@example.com", "owner@example.com"])
    );
    let raw = std::fs::read(smtp.out.path().join("1.eml")).unwrap();
    let mail = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let subject = mail.subject().unwrap();
    assert!(
        subject.contains("2026-11-21") && subject.contains("29"),
        "{subject}"
    );
    let body = mail.body_text(0).unwrap();
    for needed in [
        "55",
        "42",
        "29",
        "412345.50",
        "ORD-20261121-0040",
        "วิไลวรรณ เพชรรัตน์",
        "Slip used before",
        "https://reports.example.com/recon/2026-11-21/summary.html",
    ] {
        assert!(body.contains(needed), "the body has {needed}:\n{body}");
    }
    let attachment = mail.attachments().next().expect("summary.html attached");
    assert_eq!(attachment.attachment_name(), Some("summary.html"));
    assert!(String::from_utf8_lossy(attachment.contents()).contains("วิไลวรรณ"));
}

#[test]
fn a_refused_password_is_reported_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = smtp_server(dir.path(), "recon", "the-right-one");
    let password = secret_file(dir.path(), "smtp.pw", "wrong-pw-7c1e");
    let sent = send_all(&email_rules(&smtp, &password), &summary(), dir.path());
    assert_eq!(sent.len(), 1);
    assert!(!sent[0].ok);
    let error = sent[0].error.clone().unwrap();
    assert!(!error.contains("wrong-pw-7c1e"), "{error}");
    assert!(!smtp.out.path().join("1.json").exists(), "nothing was sent");
}

// ------------------------------------------------------------------ HTTP servers

/// One request a local HTTP server saw: its headers and body.
type Request = (HeaderMap, Vec<u8>);

/// What a local HTTP server saw, in order.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Request>>>);

/// Serves `app` on a free port of 127.0.0.1 from its own thread and runtime.
fn serve(app: axum::Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// LINE's push endpoint as documented: Bearer token, JSON body with `to`
/// and `messages` of at most five, text at most 5000 characters; answers
/// the statuses `script` lists in turn (200 once it runs out), with LINE's
/// error body shape.
fn line_server(token: &'static str, script: Vec<(u16, Option<&'static str>)>) -> (String, Seen) {
    let seen = Seen::default();
    let script = Arc::new(Mutex::new(script.into_iter()));
    let recorded = seen.clone();
    let app = axum::Router::new().route(
        "/v2/bot/message/push",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let recorded = recorded.clone();
            let script = script.clone();
            async move {
                recorded.0.lock().unwrap().push((headers.clone(), body.to_vec()));
                let json = |s: u16, v: serde_json::Value| {
                    axum::response::Response::builder()
                        .status(s)
                        .header("content-type", "application/json")
                        .body(axum::body::Body::from(v.to_string()))
                        .unwrap()
                };
                if headers.get("authorization").and_then(|v| v.to_str().ok())
                    != Some(&format!("Bearer {token}"))
                {
                    return json(401, serde_json::json!({"message": "Authentication failed. Confirm that the access token in the authorization header is valid."}));
                }
                let body: serde_json::Value = match serde_json::from_slice(&body) {
                    Ok(v) => v,
                    Err(_) => return json(400, serde_json::json!({"message": "The request body has 1 error(s)"})),
                };
                let messages = body["messages"].as_array().cloned().unwrap_or_default();
                let valid = body["to"].is_string()
                    && !messages.is_empty()
                    && messages.len() <= 5
                    && messages.iter().all(|m| {
                        m["type"] == "text"
                            && m["text"].as_str().is_some_and(|t| t.chars().count() <= 5000)
                    });
                if !valid {
                    return json(400, serde_json::json!({"message": "The request body has 1 error(s)"}));
                }
                match script.lock().unwrap().next() {
                    Some((status, retry_after)) if status != 200 => {
                        let mut r = json(status, serde_json::json!({"message": "The API rate limit has been exceeded. Try again later."}));
                        if let Some(ra) = retry_after {
                            r.headers_mut()
                                .insert("retry-after", axum::http::HeaderValue::from_static(ra));
                        }
                        r
                    }
                    _ => json(200, serde_json::json!({"sentMessages": [{"id": "461230966842064897", "quoteToken": "IStG5h1Tz7b"}]})),
                }
            }
        }),
    );
    (serve(app), seen)
}

fn line_rules(dir: &Path, base: &str, token: &str) -> Vec<NotifyRule> {
    let token_file = secret_file(dir, "line.token", token);
    rules(&format!(
        r#"
[[notify]]
kind = "line"
on = ["always"]
to = "U4af4980629c3a1b2c3d4e5f6a7b8c9d0"
token_file = "{}"
base_url = "{base}"
attempts = 3
backoff_ms = 50
timeout_secs = 10
"#,
        token_file.display()
    ))
}

fn header(h: &HeaderMap, name: &str) -> String {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_line_push_is_retried_with_the_same_retry_key_after_a_500() {
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = line_server("channel-token-abc", vec![(500, None)]);
    let sent = send_all(
        &line_rules(dir.path(), &base, "channel-token-abc"),
        &summary(),
        dir.path(),
    );
    assert!(sent[0].ok && sent[0].attempts == 2, "{:?}", sent[0]);
    let seen = seen.0.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let keys: Vec<String> = seen
        .iter()
        .map(|(h, _)| header(h, "x-line-retry-key"))
        .collect();
    assert_eq!(keys[0], keys[1], "one message, one retry key");
    assert_eq!(keys[0].len(), 36, "a UUID: {}", keys[0]);
    assert!(header(&seen[0].0, "content-type").starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&seen[0].1).unwrap();
    assert_eq!(body["to"], "U4af4980629c3a1b2c3d4e5f6a7b8c9d0");
    let text = body["messages"][0]["text"].as_str().unwrap();
    assert!(text.contains("2026-11-21") && text.contains("29"), "{text}");
    assert!(text.contains("วิไลวรรณ"), "{text}");
}

#[test]
fn a_line_429_waits_for_retry_after_and_a_400_is_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let (base, seen) = line_server("tok-429", vec![(429, Some("1"))]);
    let started = Instant::now();
    let sent = send_all(
        &line_rules(dir.path(), &base, "tok-429"),
        &summary(),
        dir.path(),
    );
    assert!(sent[0].ok && sent[0].attempts == 2, "{:?}", sent[0]);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After honoured"
    );
    assert_eq!(seen.0.lock().unwrap().len(), 2);

    // A wrong token: 401, said in LINE's words, not retried, token not shown.
    let (base, seen) = line_server("the-real-token", vec![]);
    let sent = send_all(
        &line_rules(dir.path(), &base, "a-wrong-token-55"),
        &summary(),
        dir.path(),
    );
    assert!(!sent[0].ok && sent[0].attempts == 1, "{:?}", sent[0]);
    let error = sent[0].error.clone().unwrap();
    assert!(
        error.contains("401") || error.contains("Authentication failed"),
        "{error}"
    );
    assert!(!error.contains("a-wrong-token-55"), "{error}");
    assert_eq!(seen.0.lock().unwrap().len(), 1);
}

// ------------------------------------------------------------------ webhook

/// A receiver that verifies `Recon-Signature` as the README says: HMAC-SHA256
/// over `<t>.<raw body>`, compared in constant time, `t` within 300 s.
fn webhook_receiver(secret: &'static str) -> (String, Seen) {
    let seen = Seen::default();
    let recorded = seen.clone();
    let app = axum::Router::new().route(
        "/hooks/recon",
        post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let recorded = recorded.clone();
            async move {
                recorded
                    .0
                    .lock()
                    .unwrap()
                    .push((headers.clone(), body.to_vec()));
                let sig = header(&headers, "recon-signature");
                let mut t = None;
                let mut v1 = None;
                for part in sig.split(',') {
                    match part.split_once('=') {
                        Some(("t", x)) => t = x.parse::<u64>().ok(),
                        Some(("v1", x)) => v1 = hex::decode(x).ok(),
                        _ => {}
                    }
                }
                let (Some(t), Some(v1)) = (t, v1) else {
                    return StatusCode::BAD_REQUEST;
                };
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs();
                if now.abs_diff(t) > 300 {
                    return StatusCode::BAD_REQUEST;
                }
                let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
                mac.update(format!("{t}.").as_bytes());
                mac.update(&body);
                if mac.verify_slice(&v1).is_err() {
                    return StatusCode::BAD_REQUEST;
                }
                StatusCode::NO_CONTENT
            }
        }),
    );
    (format!("{}/hooks/recon", serve(app)), seen)
}

fn webhook_rules(dir: &Path, url: &str, secret: &str, attempts: u32) -> Vec<NotifyRule> {
    let secret_file = secret_file(dir, "hook.secret", secret);
    rules(&format!(
        r#"
[[notify]]
kind = "webhook"
on = ["always"]
url = "{url}"
secret_file = "{}"
attempts = {attempts}
backoff_ms = 50
timeout_secs = 5
"#,
        secret_file.display()
    ))
}

#[test]
fn a_webhook_is_signed_and_the_receiver_verifies_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, seen) = webhook_receiver("whsec-test-31f");
    let sent = send_all(
        &webhook_rules(dir.path(), &url, "whsec-test-31f", 3),
        &summary(),
        dir.path(),
    );
    assert!(sent[0].ok && sent[0].attempts == 1, "{:?}", sent[0]);
    let seen = seen.0.lock().unwrap();
    let body: serde_json::Value = serde_json::from_slice(&seen[0].1).unwrap();
    assert_eq!(
        body,
        serde_json::to_value(summary()).unwrap(),
        "the run finished fields"
    );
    assert!(!header(&seen[0].0, "idempotency-key").is_empty());
    drop(seen);

    // Signed with another secret: the receiver refuses it, and a 400 is not retried.
    let (url, seen) = webhook_receiver("the-receivers-secret");
    let sent = send_all(
        &webhook_rules(dir.path(), &url, "not-that-secret", 3),
        &summary(),
        dir.path(),
    );
    assert!(!sent[0].ok && sent[0].attempts == 1, "{:?}", sent[0]);
    assert_eq!(seen.0.lock().unwrap().len(), 1);
}

#[test]
fn a_down_receiver_is_retried_then_reported_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", closed.local_addr().unwrap());
    drop(closed);
    let started = Instant::now();
    let sent = send_all(
        &webhook_rules(dir.path(), &url, "s3cret-down", 3),
        &summary(),
        dir.path(),
    );
    assert!(!sent[0].ok && sent[0].attempts == 3, "{:?}", sent[0]);
    assert!(started.elapsed() < Duration::from_secs(10));

    // A receiver that answers 503 every time: three tries, then given up.
    let seen = Seen::default();
    let recorded = seen.clone();
    let app = axum::Router::new().route(
        "/hooks",
        post(move || {
            let recorded = recorded.clone();
            async move {
                recorded
                    .0
                    .lock()
                    .unwrap()
                    .push((HeaderMap::new(), Vec::new()));
                StatusCode::SERVICE_UNAVAILABLE
            }
        }),
    );
    let url = format!("{}/hooks", serve(app));
    let sent = send_all(
        &webhook_rules(dir.path(), &url, "s3cret-down", 3),
        &summary(),
        dir.path(),
    );
    assert!(!sent[0].ok && sent[0].attempts == 3, "{:?}", sent[0]);
    assert_eq!(seen.0.lock().unwrap().len(), 3);
    assert!(!sent[0].error.clone().unwrap().contains("s3cret-down"));
}
