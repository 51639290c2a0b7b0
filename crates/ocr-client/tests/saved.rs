//! Saved provider responses (the documented bodies, verbatim) parse into
//! the same `Slip` a live call gives; error bodies become typed errors.

use recon_core::{Currency, FieldSource, Money, Provider, ProxyKind, SlipField};
use recon_ocr_client::{OcrError, parse_saved};

fn data(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).expect("fixture")
}

#[test]
fn easyslip_success_maps_every_documented_field() {
    let bytes = data("easyslip-success.json");
    let slip = parse_saved(&bytes).expect("documented success body");
    assert_eq!(slip.provider, Provider::Easyslip);
    assert_eq!(
        slip.amount,
        Some(Money::parse("1500.00", Currency::Thb).unwrap())
    );
    assert_eq!(slip.fee, Some(Money::parse("0", Currency::Thb).unwrap()));
    assert_eq!(
        slip.transferred_at.unwrap().to_rfc3339(),
        "2024-01-15T14:30:00+07:00"
    );
    assert_eq!(
        slip.trans_ref.as_ref().unwrap().0,
        "68370160657749I376388B35"
    );
    assert_eq!(
        slip.qr_payload.as_deref(),
        Some("00000000000000000000000000000000000000")
    );
    assert_eq!(slip.remark, None, "ref1..ref3 are empty");

    assert_eq!(slip.sender.bank.as_deref(), Some("KBANK"));
    assert_eq!(slip.sender.name.as_deref(), Some("นาย ผู้โอน ทดสอบ"));
    assert_eq!(slip.sender.alt_name.as_deref(), Some("MR. SENDER TEST"));
    assert_eq!(
        slip.sender.account.as_ref().unwrap().as_given(),
        "123-4-xxxxx-5"
    );
    assert!(slip.sender.proxy.is_none());

    assert_eq!(slip.receiver.bank.as_deref(), Some("SCB"));
    assert_eq!(slip.receiver.name.as_deref(), Some("บริษัท ตัวอย่าง จำกัด"));
    assert_eq!(slip.receiver.alt_name, None);
    assert_eq!(
        slip.receiver.account.as_ref().unwrap().as_given(),
        "xxx-x-x5678-x"
    );
    let proxy = slip.receiver.proxy.as_ref().unwrap();
    assert_eq!(proxy.kind, ProxyKind::Msisdn);
    assert_eq!(proxy.value.as_given(), "08xxxxxxxx89");

    assert_eq!(
        slip.raw_response.as_deref().map(str::as_bytes),
        Some(&bytes[..])
    );
    let ev = slip.evidence[&SlipField::Amount];
    assert_eq!(ev.source, FieldSource::Provider);
    assert_eq!(ev.confidence, None);
    for f in [
        SlipField::TransRef,
        SlipField::SenderName,
        SlipField::ReceiverAccount,
        SlipField::TransferredAt,
    ] {
        assert!(slip.evidence.contains_key(&f), "{f:?}");
    }
}

#[test]
fn easyslip_amounts_are_exact_not_floats() {
    let body = String::from_utf8(data("easyslip-success.json"))
        .unwrap()
        .replace("\"amount\": 1500.00,", "\"amount\": 1234567.89,");
    let slip = parse_saved(body.as_bytes()).unwrap();
    assert_eq!(slip.amount.unwrap().plain(), "1234567.89");
    let body = body.replace("1234567.89", "0.1");
    assert_eq!(
        parse_saved(body.as_bytes())
            .unwrap()
            .amount
            .unwrap()
            .amount
            .to_string(),
        "0.1"
    );
}

#[test]
fn easyslip_error_bodies_are_typed() {
    match parse_saved(&data("easyslip-validation-error.json")) {
        Err(OcrError::Validation {
            status: 400,
            code,
            message,
            ..
        }) => {
            assert_eq!(code, "VALIDATION_ERROR");
            assert!(message.contains("At least one of"));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_saved(&data("easyslip-slip-not-found.json")),
        Err(OcrError::SlipNotFound { status: 404, .. })
    ));
    assert!(matches!(
        parse_saved(&data("easyslip-quota-exceeded.json")),
        Err(OcrError::QuotaExceeded { status: 403, .. })
    ));
    match parse_saved(&data("easyslip-unknown-code.json")) {
        Err(OcrError::Provider { code, message, .. }) => {
            assert_eq!(code, "BRANCH_SUSPENDED");
            assert_eq!(message, "This branch is suspended");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn easyslip_cross_border_uses_the_local_amount() {
    let body = String::from_utf8(data("easyslip-success.json"))
        .unwrap()
        .replace("\"countryCode\": \"TH\"", "\"countryCode\": \"KH\"")
        .replace(
            "\"amount\": 1500.00,\n          \"currency\": \"THB\"",
            "\"amount\": 42.75,\n          \"currency\": \"USD\"",
        );
    let slip = parse_saved(body.as_bytes()).unwrap();
    assert_eq!(
        slip.amount.unwrap(),
        Money::parse("42.75", Currency::Usd).unwrap()
    );
}

#[test]
fn easyslip_bad_field_values_name_the_field() {
    let body = String::from_utf8(data("easyslip-success.json"))
        .unwrap()
        .replace("2024-01-15T14:30:00+07:00", "15/01/2024 14:30");
    match parse_saved(body.as_bytes()) {
        Err(OcrError::Field { field, value, .. }) => {
            assert_eq!(field, "rawSlip.date");
            assert_eq!(value, "15/01/2024 14:30");
        }
        other => panic!("{other:?}"),
    }
    let body = String::from_utf8(data("easyslip-success.json"))
        .unwrap()
        .replace("\"amount\": 1500.00,", "\"amount\": 1500.005,");
    assert!(matches!(
        parse_saved(body.as_bytes()),
        Err(OcrError::Field {
            field: "rawSlip.amount.amount",
            ..
        })
    ));
}

#[test]
fn nextocr_documented_receipt() {
    let bytes = data("nextocr-success.json");
    let slip = parse_saved(&bytes).unwrap();
    assert_eq!(slip.provider, Provider::Nextocr);
    assert_eq!(
        slip.amount,
        Some(Money::parse("2.75", Currency::Usd).unwrap())
    );
    // 09:18AM local Cambodia time.
    assert_eq!(
        slip.transferred_at.unwrap().to_rfc3339(),
        "2026-01-11T09:18:00+07:00"
    );
    assert_eq!(slip.sender.bank.as_deref(), Some("ACLEDA"));
    assert_eq!(slip.sender.name.as_deref(), Some("PRIVATE USER"));
    assert_eq!(
        slip.sender.account.as_ref().unwrap().as_given(),
        "093 XXX XXX"
    );
    assert_eq!(slip.receiver.name.as_deref(), Some("PRIVATE RECEIVER"));
    assert_eq!(slip.trans_ref.as_ref().unwrap().0, "60111178073");
    assert_eq!(
        slip.raw_response.as_deref().map(str::as_bytes),
        Some(&bytes[..])
    );
}

#[test]
fn nextocr_khr_receipt_with_trx_and_separators() {
    let slip = parse_saved(&data("nextocr-aba-khr.json")).unwrap();
    assert_eq!(
        slip.amount,
        Some(Money::parse("40000", Currency::Khr).unwrap())
    );
    assert_eq!(
        slip.transferred_at.unwrap().to_rfc3339(),
        "2026-11-21T12:05:00+07:00"
    );
    assert_eq!(
        slip.trans_ref.as_ref().unwrap().0,
        "FT2632500123",
        "reference is null: trx comes next"
    );
    assert_eq!(slip.sender.bank.as_deref(), Some("ABA"));
}

#[test]
fn nextocr_status_false_is_an_error_with_its_msg() {
    match parse_saved(&data("nextocr-status-false.json")) {
        Err(OcrError::Provider {
            provider: Provider::Nextocr,
            message,
            ..
        }) => {
            assert!(message.contains("Could not detect"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn clova_credit_card_maps_name_and_number_with_confidence() {
    let slip = parse_saved(&data("clova-credit-card.json")).unwrap();
    assert_eq!(slip.provider, Provider::Clova);
    assert_eq!(slip.sender.name.as_deref(), Some("KAIY*** VENY***"));
    assert_eq!(
        slip.sender.account.as_ref().unwrap().as_given(),
        "512571781234****"
    );
    assert_eq!(
        slip.evidence[&SlipField::SenderName].confidence,
        Some(0.857_697_2)
    );
    assert_eq!(
        slip.evidence[&SlipField::SenderAccount].confidence,
        Some(0.999_885)
    );
    assert_eq!(slip.amount, None, "a card is not a transfer");
}

#[test]
fn clova_doc_example_verbatim_has_a_trailing_comma_and_is_a_typed_error() {
    // The published sample has `},\n]` in subBoundingPolys: invalid JSON. A
    // real answer would not; we refuse it cleanly rather than guess.
    let e = parse_saved(&data("clova-credit-card-doc-verbatim.json")).unwrap_err();
    assert!(matches!(e, OcrError::Unrecognised { .. }), "{e:?}");
    assert!(e.to_string().contains("not JSON"), "{e}");
}

#[test]
fn clova_receipt_maps_total_date_store_card_and_confirm_number() {
    let slip = parse_saved(&data("clova-receipt.json")).unwrap();
    assert_eq!(
        slip.amount,
        Some(Money::parse("1500.00", Currency::Thb).unwrap())
    );
    assert_eq!(
        slip.transferred_at.unwrap().to_rfc3339(),
        "2026-11-21T14:05:09+07:00"
    );
    assert_eq!(slip.receiver.name.as_deref(), Some("บริษัท ร้านดี จำกัด"));
    assert_eq!(
        slip.sender.account.as_ref().unwrap().as_given(),
        "4321-xxxx-xxxx-1234"
    );
    assert_eq!(slip.sender.bank.as_deref(), Some("KBANK"));
    assert_eq!(slip.trans_ref.as_ref().unwrap().0, "APPR778812");
    assert_eq!(slip.evidence[&SlipField::Amount].confidence, Some(0.9934));
    assert_eq!(
        slip.evidence[&SlipField::TransferredAt].confidence,
        Some(0.9871)
    );
}

#[test]
fn clova_infer_error_is_a_per_image_failure() {
    match parse_saved(&data("clova-failure.json")) {
        Err(OcrError::ImageFailed {
            image,
            infer_result,
            message,
            ..
        }) => {
            assert_eq!(image, "receipt_test2");
            assert_eq!(infer_result, "ERROR");
            assert_eq!(message, "Read page:0 error.");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_truncated_and_non_json_files_are_typed_errors() {
    assert!(matches!(
        parse_saved(br#"{"hello": "world"}"#),
        Err(OcrError::Unrecognised { .. })
    ));
    assert!(matches!(
        parse_saved(b"[1, 2]"),
        Err(OcrError::Unrecognised { .. })
    ));
    let full = data("easyslip-success.json");
    for cut in [1, 10, full.len() / 2, full.len() - 3] {
        let e = parse_saved(&full[..cut]).unwrap_err();
        assert!(
            e.to_string().contains("truncated") || e.to_string().contains("not JSON"),
            "{cut}: {e}"
        );
    }
    assert!(matches!(
        parse_saved(b"\x89PNG\r\n\x1a\n...."),
        Err(OcrError::Unrecognised { .. })
    ));
    assert!(matches!(
        parse_saved(b""),
        Err(OcrError::Unrecognised { .. })
    ));
    // A BOM in front is tolerated.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&full);
    assert!(parse_saved(&bom).is_ok());
    // Wrong types inside a recognised shape: the provider's malformed error.
    let e =
        parse_saved(br#"{"success": true, "data": {"rawSlip": {"amount": {"amount": "lots"}}}}"#)
            .unwrap_err();
    assert!(
        matches!(
            e,
            OcrError::Malformed {
                provider: Provider::Easyslip,
                status: None,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn never_panics_on_any_prefix_or_corrupted_byte() {
    for name in [
        "easyslip-success.json",
        "nextocr-success.json",
        "nextocr-aba-khr.json",
        "clova-credit-card.json",
        "clova-receipt.json",
        "clova-failure.json",
    ] {
        let full = data(name);
        let mut answered = 0;
        for cut in 0..full.len() {
            let _ = parse_saved(&full[..cut]);
            answered += 1;
        }
        // Corrupt one byte at a time into characters that break JSON and
        // numbers in different ways.
        for i in (0..full.len()).step_by(3) {
            for b in [b'"', b'}', b'9', b'-', 0xFF] {
                let mut bad = full.clone();
                bad[i] = b;
                let _ = parse_saved(&bad);
                answered += 1;
            }
        }
        assert!(answered > full.len(), "{name}");
        assert!(
            parse_saved(&full).is_ok() || name == "clova-failure.json",
            "{name}"
        );
    }
}
