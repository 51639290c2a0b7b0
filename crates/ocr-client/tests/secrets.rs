//! Planted credentials never appear in any error, `Debug` output, slip
//! outcome or log line, even when the provider echoes them back in an error
//! page. One test in this binary: it installs the global log subscriber and
//! sets process environment variables, which must not race other tests.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use recon_core::SlipRead;
use recon_ledger::Ledger;
use recon_ocr_client::{
    ClovaClient, EasySlipClient, NextOcrClient, OcrConfig, ProviderChoice, SlipInput, SlipJob,
    VerifyOptions, read_slips,
};
use support::{CLOVA_SECRET, EASYSLIP_KEY, Fault, NEXTOCR_KEY, TestServer, credentials, slip_png};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const PLANTED: [&str; 4] = [
    EASYSLIP_KEY,
    NEXTOCR_KEY,
    CLOVA_SECRET,
    "PLANTEDinvokekey42",
];

fn assert_clean(what: &str, text: &str) {
    for s in PLANTED {
        assert!(!text.contains(s), "{what} leaks a credential: {text}");
    }
    assert!(
        !text.contains("PLANTED"),
        "{what} leaks part of a credential: {text}"
    );
}

#[test]
fn planted_secrets_never_reach_errors_debug_or_logs() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let server = TestServer::start();
    let mut outputs: Vec<String> = Vec::new();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let es =
            EasySlipClient::with_credentials(&server.easyslip_config(), &credentials()).unwrap();
        let nx = NextOcrClient::with_credentials(&server.nextocr_config(), &credentials()).unwrap();
        let cl =
            ClovaClient::with_credentials(&server.clova_config("receipt"), &credentials()).unwrap();
        outputs.push(format!("{es:?} {nx:?} {cl:?}"));
        let img = SlipInput::Image {
            bytes: slip_png("S1"),
            file_name: "s1.png".into(),
        };
        // Error pages that echo the credential headers, on every attempt.
        for _ in 0..3 {
            server.script([Fault::EchoCredentials]);
        }
        let e = es
            .verify(&img, &VerifyOptions::default(), "s1.png")
            .await
            .unwrap_err();
        assert!(
            matches!(e, recon_ocr_client::OcrError::Server { status: 500, .. }),
            "{e:?}"
        );
        assert!(
            e.to_string().contains("authorization=Bearer ***"),
            "the page is quoted, redacted: {e}"
        );
        outputs.push(format!("{e} {e:?}"));
        server.script([
            Fault::EchoCredentials,
            Fault::EchoCredentials,
            Fault::EchoCredentials,
        ]);
        let e = nx.read_image(&slip_png("S2"), "s2.png").await.unwrap_err();
        outputs.push(format!("{e} {e:?}"));
        server.script([
            Fault::EchoCredentials,
            Fault::EchoCredentials,
            Fault::EchoCredentials,
        ]);
        let e = cl.read_image(&slip_png("S3"), "s3.png").await.unwrap_err();
        outputs.push(format!("{e} {e:?}"));
        // Retried faults and garbled answers go through the log lines too.
        server.script([
            Fault::TooMany { retry_after: None },
            Fault::Status(500),
            Fault::Truncated,
        ]);
        let e = es
            .verify(&img, &VerifyOptions::default(), "s1.png")
            .await
            .unwrap_err();
        outputs.push(format!("{e} {e:?}"));
    });

    // The CLI path: credentials from the environment variables the config names.
    // SAFETY: the only test in this binary; no other thread reads the
    // environment while it is changed (the server threads do not).
    #[allow(unsafe_code)]
    unsafe {
        std::env::set_var("RECON_TEST_ES_KEY", EASYSLIP_KEY);
    }
    let tmp = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&tmp.path().join("ledger.sqlite")).unwrap();
    let mut cfg = OcrConfig {
        provider: ProviderChoice::Easyslip,
        ..OcrConfig::default()
    };
    cfg.easyslip = server.easyslip_config();
    cfg.easyslip.api_key_env = "RECON_TEST_ES_KEY".into();
    outputs.push(format!("{cfg:?}"));
    let jobs: Vec<SlipJob> = ["E1", "E2", "notfound"]
        .iter()
        .map(|m| {
            let path = tmp.path().join(format!("{m}.png"));
            std::fs::write(&path, slip_png(m)).unwrap();
            SlipJob {
                file: format!("{m}.png"),
                path,
            }
        })
        .collect();
    server.script([Fault::EchoCredentials]);
    let reads = read_slips(jobs, &cfg, &ledger, &|_| {});
    assert!(
        matches!(reads[0], SlipRead::Read(_)) && matches!(reads[1], SlipRead::Read(_)),
        "{reads:?}"
    );
    assert!(matches!(reads[2], SlipRead::Unreadable { .. }));
    outputs.push(format!("{reads:?}"));

    for o in &outputs {
        assert_clean("output", o);
    }
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("retrying"), "the faults were logged: {text}");
    assert!(text.contains("slips read"), "{text}");
    assert!(
        text.contains("***"),
        "redacted excerpts were logged: {text}"
    );
    assert_clean("log", &text);
}
