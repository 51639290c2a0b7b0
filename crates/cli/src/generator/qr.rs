//! The Thai slip-verification QR payload printed on every bank slip
//! (EMVCo-style TLV, CRC-16/CCITT-FALSE), so that saved EasySlip bodies carry
//! a payload a real reader accepts. Encoding only; the readers live in
//! ocr-client.

/// One TLV field: two-digit tag, two-digit length, value. `None` when the
/// value is longer than 99 bytes, which a TLV length cannot say.
fn tlv(tag: &str, value: &str) -> Option<String> {
    (value.len() <= 99).then(|| format!("{tag}{:02}{value}", value.len()))
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no
/// final xor.
pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &byte in data {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc
}

/// The payload of the mini-QR on a Thai transfer slip: tag 00 (API id
/// `000001`, sending bank code, transRef), tag 51 country `TH`, tag 91 CRC
/// over everything up to and including `9104`. `None` if the transRef is too
/// long for a TLV field.
pub fn slip_verification_payload(sending_bank_code: &str, trans_ref: &str) -> Option<String> {
    let inner = [
        tlv("00", "000001")?,
        tlv("01", sending_bank_code)?,
        tlv("02", trans_ref)?,
    ]
    .concat();
    let mut payload = tlv("00", &inner)? + &tlv("51", "TH")? + "9104";
    let crc = crc16_ccitt_false(payload.as_bytes());
    payload.push_str(&format!("{crc:04X}"));
    Some(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        // The catalogue check value of CRC-16/CCITT-FALSE.
        assert_eq!(crc16_ccitt_false(b"123456789"), 0x29B1);
    }

    #[test]
    fn reproduces_the_documented_slip_payloads() {
        // Both examples of ref/qr-payloads.md, checked there against two
        // independent libraries.
        assert_eq!(
            slip_verification_payload("002", "MWPN5S00A0A0A0A0A0A0").unwrap(),
            "0041000600000101030020220MWPN5S00A0A0A0A0A0A05102TH9104198D"
        );
        assert_eq!(
            slip_verification_payload("004", "MWPN5Y3ZA1A1A1A1A1A1A").unwrap(),
            "0042000600000101030040221MWPN5Y3ZA1A1A1A1A1A1A5102TH910425FB"
        );
    }

    #[test]
    fn refuses_a_reference_too_long_for_tlv() {
        assert!(slip_verification_payload("004", &"A".repeat(100)).is_none());
    }

    #[test]
    fn khqr_example_crc_matches() {
        let full = "00020101021129190015sokha_chan@aclb5204599953031165802KH5910SOKHA CHAN6010PHNOM PENH630439E4";
        let (body, crc) = full.split_at(full.len() - 4);
        assert_eq!(format!("{:04X}", crc16_ccitt_false(body.as_bytes())), crc);
    }
}
