//! Inputs the cargo-fuzz targets (`fuzz/`) found that made a parser of
//! this crate panic. Each must now be an error.

/// qr_parse: frames that split fine by characters but whose last four
/// bytes (the CRC) begin inside a multi-byte character; `verify_crc`
/// sliced there and panicked. 235 crashes in 8.4 M runs, all this one.
#[test]
fn qr_payloads_with_a_non_ascii_crc_field_are_errors() {
    for payload in [
        "9104\u{88}N4\0",
        "\u{85}6304\u{2148}N4\u{f}",
        "9104\u{85}\u{85}\u{85}\u{1}",
        "2004\u{413}[\0\0",
        "0041000600000101030040220015324033006ATF243385102TH9104\u{e01}\u{e02}",
    ] {
        let got = std::panic::catch_unwind(|| recon_ocr_client::qr::parse(payload));
        match got {
            Ok(Err(_)) => {}
            Ok(Ok(p)) => panic!("{payload:?} parsed: {p:?}"),
            Err(_) => panic!("{payload:?} panicked"),
        }
    }
}

/// The valid slip QR the non-ASCII one above was cut from still parses.
#[test]
fn the_valid_neighbour_still_parses() {
    let ok = "0041000600000101030040220015324033006ATF243385102TH910459B1";
    assert!(recon_ocr_client::qr::parse(ok).is_ok());
}
