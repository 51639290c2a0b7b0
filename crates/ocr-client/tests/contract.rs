//! Each provider's documented contract, end to end against the local
//! server: request shape and auth headers, every documented answer.

mod support;

use recon_core::{Currency, Decimal, Money, Provider, SlipField};
use recon_ocr_client::{
    ClovaClient, ClovaTransport, EasySlipClient, NextOcrClient, OcrError, Secret, SlipInput,
    VerifyOptions,
};
use support::{Fault, TestServer, credentials, slip_jpeg, slip_png};

fn easyslip(server: &TestServer) -> EasySlipClient {
    EasySlipClient::with_credentials(&server.easyslip_config(), &credentials()).unwrap()
}

fn image(marker: &str) -> SlipInput {
    SlipInput::Image {
        bytes: slip_png(marker),
        file_name: format!("{marker}.png"),
    }
}

#[tokio::test]
async fn easyslip_image_upload_is_multipart_with_bearer_auth() {
    let server = TestServer::start();
    let v = easyslip(&server)
        .verify(&image("A1"), &VerifyOptions::default(), "A1.png")
        .await
        .unwrap();
    assert_eq!(v.slip.trans_ref.as_ref().unwrap().0, "TESTA1");
    assert_eq!(
        v.slip.amount,
        Some(Money::parse("1500", Currency::Thb).unwrap())
    );
    assert_eq!(v.slip.provider, Provider::Easyslip);
    assert!(!v.is_duplicate);
    let m = v.matched_account.as_ref().unwrap();
    assert_eq!(m.bank.short_code.as_deref(), Some("KBANK"));
    assert_eq!(m.bank_number.as_deref(), Some("123-4-56789-0"));
    assert_eq!(m.kind.as_deref(), Some("JURISTIC"));
    assert_eq!(m.name_en.as_deref(), Some("EXAMPLE CO., LTD."));
    assert!(
        !format!("{m:?}").contains("56789"),
        "Debug masks the account"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/v2/verify/bank");
    assert!(
        seen[0].content_type.starts_with("multipart/form-data"),
        "{}",
        seen[0].content_type
    );
    assert_eq!(seen[0].inputs, ["image"]);
    assert!(
        seen[0].options.is_empty(),
        "no optional parameter unless asked"
    );
}

#[tokio::test]
async fn easyslip_json_inputs_base64_url_payload() {
    let server = TestServer::start();
    let c = easyslip(&server);
    let o = VerifyOptions::default();
    let b = c
        .verify(&SlipInput::Base64(slip_jpeg("B2")), &o, "B2.jpg")
        .await
        .unwrap();
    assert_eq!(b.slip.trans_ref.unwrap().0, "TESTB2");
    let u = c
        .verify(
            &SlipInput::Url("https://files.example.com/slips/U3".into()),
            &o,
            "u",
        )
        .await
        .unwrap();
    assert_eq!(u.slip.trans_ref.unwrap().0, "TESTU3");
    let p = c
        .verify(
            &SlipInput::Payload(
                "0041000600000101030040220014242082547BPM049885102TH9104E2C5".into(),
            ),
            &o,
            "p",
        )
        .await
        .unwrap();
    assert!(p.slip.trans_ref.unwrap().0.starts_with("TEST0041"));
    let seen = server.seen();
    let inputs: Vec<_> = seen.iter().map(|s| s.inputs.clone()).collect();
    assert_eq!(inputs, [vec!["base64"], vec!["url"], vec!["payload"]]);
    assert!(
        seen.iter()
            .all(|s| s.content_type.starts_with("application/json"))
    );
    assert!(seen.iter().all(|s| s.status == 200));
}

#[tokio::test]
async fn easyslip_optional_parameters_json_and_multipart() {
    let server = TestServer::start();
    let c = easyslip(&server);
    let opts = VerifyOptions {
        remark: Some("ORD-0042".into()),
        match_account: Some(true),
        match_amount: Some(Decimal::new(149950, 2)),
        check_duplicate: Some(true),
    };
    let v = c
        .verify(&SlipInput::Base64(slip_png("C4")), &opts, "C4.png")
        .await
        .unwrap();
    assert_eq!(v.is_amount_matched, Some(false));
    assert_eq!(v.amount_in_order.unwrap().to_string(), "1499.50");
    assert!(!v.is_duplicate);
    // The same slip again: EasySlip flags it.
    let again = c
        .verify(
            &image("C4"),
            &VerifyOptions {
                match_amount: Some(Decimal::new(1500, 0)),
                ..opts.clone()
            },
            "C4.png",
        )
        .await
        .unwrap();
    assert!(again.is_duplicate);
    assert_eq!(again.is_amount_matched, Some(true));
    let seen = server.seen();
    // matchAmount travels as a JSON number written from the decimal's text.
    assert_eq!(seen[0].options["matchAmount"], "1499.50");
    assert_eq!(seen[0].options["remark"], "ORD-0042");
    assert_eq!(seen[0].options["matchAccount"], "true");
    assert_eq!(seen[0].options["checkDuplicate"], "true");
    assert_eq!(seen[1].options["matchAmount"], "1500");
    assert!(seen[1].content_type.starts_with("multipart/form-data"));
}

#[tokio::test]
async fn easyslip_documented_errors_are_typed_and_not_retried() {
    let server = TestServer::start();
    let c = easyslip(&server);
    let o = VerifyOptions::default();
    let nf = c.verify(&image("notfound"), &o, "x.png").await.unwrap_err();
    assert!(
        matches!(nf, OcrError::SlipNotFound { status: 404, .. }),
        "{nf:?}"
    );
    // Not an image: the server's 400 VALIDATION_ERROR.
    let bad = SlipInput::Image {
        bytes: b"%PDF-1.4 not an image".to_vec(),
        file_name: "x.pdf".into(),
    };
    let v = c.verify(&bad, &o, "x.pdf").await.unwrap_err();
    assert!(
        matches!(v, OcrError::Validation { status: 400, ref code, .. } if code == "VALIDATION_ERROR"),
        "{v:?}"
    );
    assert_eq!(server.requests(), 2, "404 and 400 are never retried");
    // Refused before sending: nothing reaches the server.
    let long = c
        .verify(&SlipInput::Payload("9".repeat(129)), &o, "p")
        .await
        .unwrap_err();
    assert!(matches!(long, OcrError::Validation { status: 0, .. }));
    assert_eq!(server.requests(), 2);
    // An unknown code keeps its code and status.
    server.script([Fault::Answer {
        status: 409,
        content_type: "application/json",
        body:
            r#"{"success":false,"error":{"code":"BRANCH_SUSPENDED","message":"Branch suspended"}}"#
                .into(),
    }]);
    let u = c.verify(&image("D5"), &o, "D5.png").await.unwrap_err();
    assert!(
        matches!(u, OcrError::Provider { status: 409, ref code, .. } if code == "BRANCH_SUSPENDED"),
        "{u:?}"
    );
}

#[tokio::test]
async fn easyslip_quota_exceeded_stops_the_client_for_the_run() {
    let server = TestServer::start();
    server.set_quota(1);
    let c = easyslip(&server);
    let o = VerifyOptions::default();
    assert!(c.verify(&image("Q1"), &o, "q1").await.is_ok());
    let q = c.verify(&image("Q2"), &o, "q2").await.unwrap_err();
    assert!(
        matches!(q, OcrError::QuotaExceeded { status: 403, .. }),
        "{q:?}"
    );
    // Not sent at all: the stop's cause travels with it.
    let again = c.verify(&image("Q3"), &o, "q3").await.unwrap_err();
    assert!(
        matches!(&again, OcrError::NotCalled { cause, .. } if matches!(**cause, OcrError::QuotaExceeded { .. })),
        "{again:?}"
    );
    assert_eq!(server.requests(), 2, "no call after the quota answer");
}

#[tokio::test]
async fn easyslip_wrong_key_is_refused_credentials() {
    let server = TestServer::start();
    let c = EasySlipClient::new(&server.easyslip_config(), Secret::new("wrong-key-123")).unwrap();
    let e = c
        .verify(&image("K1"), &VerifyOptions::default(), "k")
        .await
        .unwrap_err();
    assert!(
        matches!(e, OcrError::Unauthorized { status: 401, .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn nextocr_multipart_file_with_username_and_secret_headers() {
    let server = TestServer::start();
    let c = NextOcrClient::with_credentials(&server.nextocr_config(), &credentials()).unwrap();
    let slip = c.read_image(&slip_jpeg("N1"), "N1.jpg").await.unwrap();
    assert_eq!(slip.provider, Provider::Nextocr);
    assert_eq!(
        slip.amount,
        Some(Money::parse("2.75", Currency::Usd).unwrap())
    );
    assert_eq!(slip.trans_ref.as_ref().unwrap().0, "TESTN1");
    assert_eq!(
        slip.transferred_at.unwrap().to_rfc3339(),
        "2026-01-11T09:18:00+07:00"
    );
    assert!(
        slip.raw_response
            .as_deref()
            .unwrap()
            .contains("\"status\": true")
    );
    let seen = server.seen();
    assert_eq!(seen[0].path, "/ocr_api_receipt");
    assert_eq!(seen[0].inputs, ["file"]);
    assert!(seen[0].content_type.starts_with("multipart/form-data"));

    let blurry = c
        .read_image(&slip_jpeg("blurry"), "b.jpg")
        .await
        .unwrap_err();
    assert!(
        matches!(blurry, OcrError::Provider { ref message, .. } if message.contains("Could not detect")),
        "{blurry:?}"
    );
    assert!(blurry.is_final_for_slip());

    let wrong = NextOcrClient::new(
        &server.nextocr_config(),
        Secret::new(NEXTOCR_USER_OK),
        Secret::new("nope-nope"),
    )
    .unwrap();
    let e = wrong
        .read_image(&slip_jpeg("N2"), "N2.jpg")
        .await
        .unwrap_err();
    assert!(
        matches!(e, OcrError::Unauthorized { status: 401, .. }),
        "{e:?}"
    );
}

const NEXTOCR_USER_OK: &str = support::NEXTOCR_USER;

#[tokio::test]
async fn clova_json_transport_credit_card_model() {
    let server = TestServer::start();
    let c =
        ClovaClient::with_credentials(&server.clova_config("credit-card"), &credentials()).unwrap();
    let slip = c.read_image(&slip_png("CC1"), "card_1.png").await.unwrap();
    assert_eq!(slip.provider, Provider::Clova);
    assert_eq!(slip.sender.name.as_deref(), Some("KAIY*** VENY***"));
    assert_eq!(
        slip.evidence[&SlipField::SenderAccount].confidence,
        Some(0.999_885)
    );
    let raw = slip.raw_response.unwrap();
    assert!(
        raw.contains("\"name\": \"card_1\""),
        "the image name we sent comes back"
    );
    let seen = server.seen();
    assert_eq!(
        seen[0].path,
        format!("{}/document/credit-card", support::CLOVA_PATH)
    );
    assert_eq!(seen[0].inputs, ["images"]);
    assert!(seen[0].content_type.starts_with("application/json"));
}

#[tokio::test]
async fn clova_multipart_transport_receipt_model_and_infer_error() {
    let server = TestServer::start();
    let mut cfg = server.clova_config("receipt");
    cfg.transport = ClovaTransport::Multipart;
    let c = ClovaClient::with_credentials(&cfg, &credentials()).unwrap();
    let slip = c.read_image(&slip_jpeg("R7"), "R7.jpg").await.unwrap();
    assert_eq!(
        slip.amount,
        Some(Money::parse("1500.00", Currency::Thb).unwrap())
    );
    assert_eq!(slip.trans_ref.as_ref().unwrap().0, "TESTR7");
    assert_eq!(server.seen()[0].inputs, ["message", "file"]);

    let e = c
        .read_image(&slip_jpeg("unreadable"), "u.jpg")
        .await
        .unwrap_err();
    match e {
        OcrError::ImageFailed {
            ref image,
            ref infer_result,
            ref message,
            ..
        } => {
            assert_eq!(image, "u");
            assert_eq!(infer_result, "ERROR");
            assert_eq!(message, "Read page:0 error.");
        }
        ref other => panic!("{other:?}"),
    }
    assert!(e.is_final_for_slip());

    let wrong = ClovaClient::new(&cfg, Secret::new("not-the-secret")).unwrap();
    let e = wrong
        .read_image(&slip_jpeg("R8"), "R8.jpg")
        .await
        .unwrap_err();
    assert!(
        matches!(e, OcrError::Unauthorized { status: 401, .. }),
        "{e:?}"
    );
    let mut bad_model = server.clova_config("passport");
    bad_model.transport = ClovaTransport::Json;
    let e = ClovaClient::with_credentials(&bad_model, &credentials())
        .unwrap()
        .read_image(&slip_png("R9"), "R9.png")
        .await
        .unwrap_err();
    assert!(
        matches!(e, OcrError::Provider { status: 404, ref code, .. } if code == "0001"),
        "{e:?}"
    );
}

#[test]
fn clients_need_their_credentials_and_urls() {
    let server = TestServer::start();
    let none = recon_ocr_client::Credentials::given([]);
    let e = EasySlipClient::with_credentials(&server.easyslip_config(), &none).unwrap_err();
    assert!(e.to_string().contains("TEST_EASYSLIP_KEY"), "{e}");
    let mut cfg = server.clova_config("receipt");
    cfg.invoke_url.clear();
    let e = ClovaClient::with_credentials(&cfg, &credentials()).unwrap_err();
    assert!(e.to_string().contains("invoke_url"), "{e}");
}

/// The server must be as strict as the docs, or the contract tests above
/// would pass against a lax double.
#[tokio::test]
async fn the_test_server_rejects_what_the_docs_reject() {
    let server = TestServer::start();
    let http = reqwest::Client::new();
    let es = format!("{}/verify/bank", server.easyslip_base());
    let bearer = format!("Bearer {}", support::EASYSLIP_KEY);
    let post = |body: &str| {
        http.post(&es)
            .header("Authorization", &bearer)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
    };
    // No input: the documented 400 body, byte for byte.
    let r = post(r#"{"remark": "x"}"#).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.text().await.unwrap(), support::EASYSLIP_VALIDATION);
    // Two inputs.
    let r = post(r#"{"payload": "0041", "url": "https://x/y.png"}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("VALIDATION_ERROR"));
    // matchAmount must be a number.
    let r = post(r#"{"payload": "0041", "matchAmount": "1500"}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // No bearer token.
    let r = http
        .post(&es)
        .json(&serde_json::json!({"payload": "0041"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // NextOCR: the documented query-parameter alternative is accepted too.
    let nx = format!(
        "{}/ocr_api_receipt?username={}&key={}",
        server.nextocr_base(),
        support::NEXTOCR_USER,
        support::NEXTOCR_KEY
    );
    let part = reqwest::multipart::Part::bytes(slip_png("QP")).file_name("qp.png");
    let r = http
        .post(&nx)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // ... but a form without `file` is not.
    let r = http
        .post(&nx)
        .multipart(reqwest::multipart::Form::new().text("image", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // CLOVA: version V2 and images[].data are required in JSON.
    let cl = format!("{}/document/receipt", server.clova_invoke_url());
    let r = http
        .post(&cl)
        .header("X-OCR-SECRET", support::CLOVA_SECRET)
        .json(&serde_json::json!({"version": "V1", "requestId": "1", "timestamp": 0, "images": [{"format": "png", "name": "a", "data": ""}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .post(&cl)
        .header("X-OCR-SECRET", support::CLOVA_SECRET)
        .json(&serde_json::json!({"version": "V2", "requestId": "1", "timestamp": "0", "images": [{"format": "png", "name": "a"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(server.seen().iter().filter(|s| s.status == 200).count(), 1);
}
