//! Credentials: read from the environment only (the config names the
//! variable), never written to stdout, stderr (even at debug level), a
//! report or the ledger, even when the provider fails or echoes the key
//! back in its error body.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

use crate::common::{HostileDay, Run, nightly_toml};

const PLANTED: &str = "sk-live-HOSTILE-8f3a9c2e71d04b5a";

/// A config that reads slip images with EasySlip at `base`, two tries each.
fn easyslip_config(base: &str) -> String {
    let text = nightly_toml();
    assert!(
        text.contains("provider = \"local\""),
        "jobs/nightly.toml changed shape"
    );
    text.replace(
        "provider = \"local\"",
        &format!(
            "provider = \"easyslip\"\n\n[ocr.easyslip]\nbase_url = \"{base}\"\napi_key_env = \"EASYSLIP_API_KEY\"\n\n[ocr.easyslip.limits]\nmax_attempts = 2\nbackoff_base_ms = 10\ntimeout_ms = 2000\nconnect_timeout_ms = 500\n"
        ),
    )
}

/// Turns two orders' slips into images so that the provider is called.
fn with_image_slips(day: &HostileDay) {
    let png = crate::images::png_bomb(64, 64);
    for order in ["ORD-20261121-0001", "ORD-20261121-0002"] {
        day.remove(&format!("slips/{order}.json"));
        day.write(&format!("slips/{order}.png"), &png);
        day.set_order_slip(order, &format!("{order}.png"));
    }
}

/// Every byte the run produced: stdout, stderr, each report, the ledger
/// files (WAL included).
#[track_caller]
fn assert_secret_nowhere(day: &HostileDay, run: &Run) {
    if let Some(line) = run.all_output().lines().find(|l| l.contains(PLANTED)) {
        panic!("the key is in the process output: {line}");
    }
    let mut checked = 0;
    let mut dirs = vec![
        day.report_dir(),
        day.ledger_path().parent().unwrap().to_path_buf(),
    ];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes
                    .windows(PLANTED.len())
                    .any(|w| w == PLANTED.as_bytes()),
                "the key is in {}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} files checked");
}

fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/v2")
}

#[test]
fn a_key_is_never_written_when_the_provider_cannot_be_reached() {
    let day = HostileDay::new();
    day.set_config(&easyslip_config(&closed_port()));
    with_image_slips(&day);
    let run = day.reconcile_with(&[
        ("EASYSLIP_API_KEY", PLANTED),
        ("NEXTOCR_SECRET_KEY", PLANTED),
        ("CLOVA_OCR_SECRET", PLANTED),
    ]);
    run.assert_provider_stopped();
    // The provider was really tried (and failed), so the key was in use.
    assert!(
        run.stderr.to_lowercase().contains("easyslip"),
        "{}",
        crate::common::tail(&run.stderr)
    );
    let row = &day.orders()["ORD-20261121-0001"];
    assert_ne!(row["status"], "matched", "{row:?}");
    assert_secret_nowhere(&day, &run);
}

/// A provider that answers 401 with the bearer token it received quoted in
/// the error message, as some gateways do.
fn echoing_provider() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v2", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut len, mut auth) = (0usize, String::new());
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("authorization:") {
                    auth = line["authorization:".len()..].trim().to_string();
                }
            }
            let mut body = vec![0; len];
            let _ = reader.read_exact(&mut body);
            let answer = format!(
                "{{\"success\":false,\"error\":{{\"code\":\"UNAUTHORIZED\",\"message\":\"token {auth} is not valid\"}}}}"
            );
            let head = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                answer.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    base
}

#[test]
fn a_key_echoed_back_by_the_provider_is_blanked_out() {
    let day = HostileDay::new();
    day.set_config(&easyslip_config(&echoing_provider()));
    with_image_slips(&day);
    let run = day.reconcile_with(&[("EASYSLIP_API_KEY", PLANTED)]);
    run.assert_provider_stopped();
    assert!(
        run.stderr.contains("UNAUTHORIZED") || run.stderr.contains("401"),
        "{}",
        crate::common::tail(&run.stderr)
    );
    assert_secret_nowhere(&day, &run);
}

#[test]
fn a_key_pasted_into_the_config_is_refused_without_printing_it() {
    let day = HostileDay::new();
    let text = nightly_toml().replace(
        "provider = \"local\"",
        &format!("provider = \"easyslip\"\n\n[ocr.easyslip]\napi_key = \"{PLANTED}\"\n"),
    );
    day.set_config(&text);
    let run = day.reconcile();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("api_key"),
        "the error names the key: {}",
        run.stderr
    );
    assert!(
        !run.all_output().contains(PLANTED),
        "the key was printed: {}",
        run.stderr
    );
}

#[test]
fn a_key_file_must_be_private() {
    use std::os::unix::fs::PermissionsExt;
    let day = HostileDay::new();
    let key_file = day.root.path().join("easyslip.key");
    std::fs::write(&key_file, PLANTED).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let text = easyslip_config(&closed_port()).replace(
        "api_key_env = \"EASYSLIP_API_KEY\"",
        &format!("api_key_file = \"{}\"", key_file.display()),
    );
    day.set_config(&text);
    with_image_slips(&day);
    let run = day.reconcile();
    assert!(
        run.stderr.contains("easyslip.key"),
        "the file is named: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("600"),
        "the error says the mode must be 600"
    );
    assert_secret_nowhere(&day, &run);

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let run = day.reconcile();
    run.assert_provider_stopped();
    assert!(!run.stderr.contains("must be 600"));
    assert_secret_nowhere(&day, &run);
}
