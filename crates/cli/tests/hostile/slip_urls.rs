//! EasySlip can fetch a slip from a URL. A URL comes from customer input,
//! so one that points at a private, loopback or link-local address (the
//! cloud metadata service, the office router, the machine itself) is
//! refused before any request, as EasySlip itself does, unless the job
//! config explicitly allows it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use recon_ocr_client::{
    EasySlipClient, EasySlipConfig, OcrError, Secret, SlipInput, VerifyOptions,
};

use crate::common::repo;

/// A local stand-in for EasySlip that answers every request with a saved
/// success body and counts the requests.
fn fake_easyslip() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v2", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let body =
        std::fs::read(repo().join("sample-data/2026-11-21/slips/ORD-20261121-0001.json")).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut req = vec![0; len];
            let _ = reader.read_exact(&mut req);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (base, count)
}

fn config(base: &str, extra: &str) -> Result<EasySlipConfig, toml::de::Error> {
    toml::from_str(&format!(
        "base_url = \"{base}\"\n{extra}\n[limits]\nmax_attempts = 1\nrequests_per_second = 0.0\n"
    ))
}

fn verify(client: &EasySlipClient, url: &str) -> Result<(), OcrError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(client.verify(
        &SlipInput::Url(url.into()),
        &VerifyOptions::default(),
        "url-slip",
    ))
    .map(|_| ())
}

const PRIVATE: &[&str] = &[
    "http://127.0.0.1/slip.jpg",
    "http://localhost:8080/slip.jpg",
    "http://LOCALHOST./slip.jpg",
    "http://10.1.2.3/slip.jpg",
    "http://172.16.0.5/slip.jpg",
    "http://192.168.1.1/slip.jpg",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/slip.jpg",
    "http://0.0.0.0/slip.jpg",
    "http://2130706433/slip.jpg",
    "http://0x7f.1/slip.jpg",
    "http://user:pw@127.0.0.1/slip.jpg",
    "http://[::1]/slip.jpg",
    "http://[fd00::1]/slip.jpg",
    "http://[fe80::1]/slip.jpg",
    "http://[::ffff:127.0.0.1]/slip.jpg",
];

#[test]
fn a_public_slip_url_is_sent() {
    // The control: the refusals below are about the address, not the input kind.
    let (base, count) = fake_easyslip();
    let client = EasySlipClient::new(&config(&base, "").unwrap(), Secret::new("k")).unwrap();
    verify(&client, "https://slips.example.com/ORD-1.jpg").expect("a public URL is verified");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn private_and_loopback_slip_urls_are_refused_before_sending() {
    let (base, count) = fake_easyslip();
    let client = EasySlipClient::new(&config(&base, "").unwrap(), Secret::new("k")).unwrap();
    for url in PRIVATE {
        match verify(&client, url) {
            Err(OcrError::Validation { message, .. }) => {
                assert!(
                    message.contains("private")
                        || message.contains("loopback")
                        || message.contains("not allowed"),
                    "{url}: {message}"
                );
            }
            other => panic!("{url} was not refused: {other:?}"),
        }
    }
    assert_eq!(count.load(Ordering::SeqCst), 0, "a request was sent");
}

#[test]
fn private_slip_urls_are_sent_when_the_config_allows_them() {
    let (base, count) = fake_easyslip();
    let config =
        config(&base, "allow_private_urls = true").expect("allow_private_urls is a config key");
    let client = EasySlipClient::new(&config, Secret::new("k")).unwrap();
    verify(&client, "http://192.168.1.1/slip.jpg").expect("allowed by the config");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}
