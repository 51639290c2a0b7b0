//! A bad day at the provider: 429 with Retry-After, 5xx then success, slow
//! answers past the timeout, garbled bodies, refused connections, and the
//! bounds on concurrency and rate.

mod support;

use std::time::{Duration, Instant};

use recon_core::Provider;
use recon_ocr_client::{
    ClovaClient, EasySlipClient, EasySlipConfig, Limits, NextOcrClient, OcrError, SlipInput,
    VerifyOptions,
};
use support::{Fault, TestServer, credentials, quick_limits, slip_png};

fn client(server: &TestServer, limits: Limits) -> EasySlipClient {
    let cfg = EasySlipConfig {
        limits,
        ..server.easyslip_config()
    };
    EasySlipClient::with_credentials(&cfg, &credentials()).unwrap()
}

async fn verify(
    c: &EasySlipClient,
    marker: &str,
) -> Result<recon_ocr_client::Verification, OcrError> {
    let input = SlipInput::Image {
        bytes: slip_png(marker),
        file_name: format!("{marker}.png"),
    };
    c.verify(&input, &VerifyOptions::default(), marker).await
}

#[tokio::test]
async fn too_many_requests_honours_retry_after_seconds() {
    let server = TestServer::start();
    server.script([Fault::TooMany {
        retry_after: Some(1),
    }]);
    let c = client(&server, quick_limits());
    let t = Instant::now();
    let v = verify(&c, "R1").await.unwrap();
    let waited = t.elapsed();
    assert_eq!(v.slip.trans_ref.unwrap().0, "TESTR1");
    assert_eq!(server.requests(), 2);
    assert!(
        waited >= Duration::from_secs(1),
        "Retry-After: 1 honoured, waited {waited:?}"
    );
    assert!(waited < Duration::from_millis(2500), "{waited:?}");
    let seen = server.seen();
    assert!(seen[1].at.duration_since(seen[0].at) >= Duration::from_secs(1));
}

#[tokio::test]
async fn too_many_requests_without_retry_after_backs_off_and_gives_up() {
    let server = TestServer::start();
    server.script((0..3).map(|_| Fault::TooMany { retry_after: None }));
    let c = client(&server, quick_limits());
    let e = verify(&c, "R2").await.unwrap_err();
    assert!(
        matches!(
            e,
            OcrError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(server.requests(), 3, "max_attempts");
}

#[tokio::test]
async fn server_error_then_success() {
    let server = TestServer::start();
    server.script([Fault::Status(500), Fault::Status(503)]);
    let c = client(&server, quick_limits());
    assert!(verify(&c, "S1").await.is_ok());
    let statuses: Vec<u16> = server.seen().iter().map(|s| s.status).collect();
    assert_eq!(statuses, [500, 503, 200]);
    assert_eq!(c.requests(), 3);
}

#[tokio::test]
async fn persistent_server_errors_end_as_a_server_error_with_an_excerpt() {
    let server = TestServer::start();
    server.script([Fault::Status(502), Fault::Html(502), Fault::Html(504)]);
    let c = client(&server, quick_limits());
    match verify(&c, "S2").await.unwrap_err() {
        OcrError::Server {
            provider,
            status,
            excerpt,
        } => {
            assert_eq!(provider, Provider::Easyslip);
            assert_eq!(status, 504);
            assert!(excerpt.contains("Bad Gateway"), "{excerpt}");
            assert!(excerpt.chars().count() <= 161);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn slow_answer_times_out_then_the_retry_succeeds() {
    let server = TestServer::start();
    server.script([Fault::Slow(Duration::from_millis(1500))]);
    let c = client(
        &server,
        Limits {
            timeout_ms: 300,
            ..quick_limits()
        },
    );
    let t = Instant::now();
    assert!(verify(&c, "T1").await.is_ok());
    assert!(
        t.elapsed() < Duration::from_millis(1400),
        "did not wait for the slow answer: {:?}",
        t.elapsed()
    );
    assert_eq!(c.requests(), 2);
}

#[tokio::test]
async fn always_slow_is_a_timeout_error() {
    let server = TestServer::start();
    server.set_delay(Duration::from_millis(400));
    let c = client(
        &server,
        Limits {
            timeout_ms: 100,
            max_attempts: 2,
            ..quick_limits()
        },
    );
    let e = verify(&c, "T2").await.unwrap_err();
    assert!(
        matches!(e, OcrError::Timeout { after, .. } if after == Duration::from_millis(100)),
        "{e:?}"
    );
    assert!(!e.is_final_for_slip(), "a timeout leaves the slip pending");
    assert_eq!(c.requests(), 2);
}

#[tokio::test]
async fn garbled_bodies_are_typed_errors_with_status_and_excerpt_and_not_retried() {
    let server = TestServer::start();
    let c = client(&server, quick_limits());

    server.script([Fault::Truncated]);
    match verify(&c, "G1").await.unwrap_err() {
        OcrError::Malformed {
            status,
            reason,
            excerpt,
            ..
        } => {
            assert_eq!(status, Some(200));
            assert!(reason.contains("truncated JSON"), "{reason}");
            assert!(excerpt.starts_with("{ \"success\": true"), "{excerpt}");
        }
        other => panic!("{other:?}"),
    }
    server.script([Fault::Html(200)]);
    let e = verify(&c, "G2").await.unwrap_err();
    assert!(
        matches!(e, OcrError::Malformed { status: Some(200), ref reason, .. } if reason.contains("HTML")),
        "{e:?}"
    );
    server.script([Fault::WrongContentType]);
    let e = verify(&c, "G3").await.unwrap_err();
    assert!(
        matches!(e, OcrError::Malformed { ref reason, .. } if reason.contains("text/plain")),
        "{e:?}"
    );
    server.script([Fault::Answer {
        status: 200,
        content_type: "application/json",
        body: r#"{"success": true, "data": {"rawSlip": 7}}"#.into(),
    }]);
    let e = verify(&c, "G4").await.unwrap_err();
    assert!(
        matches!(e, OcrError::Malformed { ref reason, .. } if reason.contains("documented shape")),
        "{e:?}"
    );
    // A gateway's HTML 403 refuses the account like a JSON one: it stops
    // the provider for the run instead of costing a call per slip.
    server.script([Fault::Html(403)]);
    let e = verify(&c, "G5").await.unwrap_err();
    assert!(
        matches!(e, OcrError::Unauthorized { status: 403, .. }) && e.stops_provider(),
        "{e:?}"
    );
    assert_eq!(server.requests(), 5, "none of these is retried");
}

#[tokio::test]
async fn garbled_bodies_from_nextocr_and_clova_too() {
    let server = TestServer::start();
    let n = NextOcrClient::with_credentials(&server.nextocr_config(), &credentials()).unwrap();
    server.script([Fault::Truncated]);
    let e = n.read_image(&slip_png("N1"), "N1.png").await.unwrap_err();
    assert!(
        matches!(
            e,
            OcrError::Malformed {
                provider: Provider::Nextocr,
                ..
            }
        ),
        "{e:?}"
    );
    let k = ClovaClient::with_credentials(&server.clova_config("receipt"), &credentials()).unwrap();
    server.script([Fault::Status(500), Fault::Html(200)]);
    let e = k.read_image(&slip_png("K1"), "K1.png").await.unwrap_err();
    assert!(
        matches!(
            e,
            OcrError::Malformed {
                provider: Provider::Clova,
                status: Some(200),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(k.requests(), 2, "500 retried, HTML page not");
}

#[tokio::test]
async fn refused_connection_is_retried_then_a_connection_error() {
    // A port nobody listens on: bind, note, drop.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cfg = EasySlipConfig {
        base_url: format!("http://127.0.0.1:{port}/v2"),
        limits: quick_limits(),
        ..Default::default()
    };
    let c = EasySlipClient::new(&cfg, recon_ocr_client::Secret::new("k-123456")).unwrap();
    let e = verify(&c, "C1").await.unwrap_err();
    assert!(matches!(e, OcrError::Connection { .. }), "{e:?}");
    assert!(
        !e.to_string().contains(&format!("127.0.0.1:{port}/v2")),
        "no URL in the message: {e}"
    );
    assert_eq!(c.requests(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_is_bounded() {
    let server = TestServer::start();
    server.set_delay(Duration::from_millis(100));
    let c = std::sync::Arc::new(client(
        &server,
        Limits {
            concurrency: 3,
            ..quick_limits()
        },
    ));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..12 {
        let c = c.clone();
        tasks.spawn(async move { verify(&c, &format!("P{i}")).await.is_ok() });
    }
    let oks = tasks.join_all().await;
    assert!(oks.iter().all(|ok| *ok));
    assert_eq!(server.max_in_flight(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_per_second_spaces_the_starts() {
    let server = TestServer::start();
    let c = std::sync::Arc::new(client(
        &server,
        Limits {
            concurrency: 8,
            requests_per_second: 20.0,
            ..quick_limits()
        },
    ));
    let t = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let c = c.clone();
        tasks.spawn(async move { verify(&c, &format!("L{i}")).await.is_ok() });
    }
    assert!(tasks.join_all().await.iter().all(|ok| *ok));
    // 10 starts at 20/s: the last starts >= 9 × 50 ms after the first.
    assert!(
        t.elapsed() >= Duration::from_millis(450),
        "{:?}",
        t.elapsed()
    );
    let mut at: Vec<Instant> = server.seen().iter().map(|s| s.at).collect();
    at.sort();
    assert!(at[9].duration_since(at[0]) >= Duration::from_millis(400));
}
