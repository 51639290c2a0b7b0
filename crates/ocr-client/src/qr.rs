//! EMVCo-style TLV payloads of the QR codes found on slips and payment codes.
//!
//! Owns: splitting a payload into tag/length/value fields, verifying its
//! CRC-16/CCITT-FALSE, and typing the three payloads a slip can carry
//! (described in the project's provider reference, `ref/qr-payloads.md` of
//! the shared folder beside the repository):
//! - the Thai slip-verification mini-QR (tag `00` group: API id, sending
//!   bank, `transRef`; `51` country; `91` CRC) → [`SlipVerification`];
//! - a PromptPay merchant-presented QR (`29`/`30`, `53` = 764) → [`PromptPay`];
//! - a Cambodian KHQR / Bakong code (`29`/`30`, `53` = 116 or 840) → [`Khqr`].
//!
//! Also the encoder ([`encode`], [`slip_verification_payload`], …) that the
//! slip renderer and the tests use, so that both directions share one
//! definition of the frame.
//!
//! Never panics on input: every malformed payload is a [`QrError`] that names
//! the offset or tag at fault.

use rust_decimal::Decimal;
use std::str::FromStr;

use recon_core::{AccountMask, Currency, Money, Party, Proxy, ProxyKind, TransRef};

/// Why a QR payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("empty QR payload")]
    Empty,
    #[error("truncated TLV at character {offset}: {reason}")]
    Truncated { offset: usize, reason: &'static str },
    #[error("bad TLV header {header:?} at character {offset} (expected 2-digit tag and length)")]
    BadHeader { offset: usize, header: String },
    #[error("no CRC field at the end of the payload (expected tag 63 or 91 with length 04)")]
    MissingCrc,
    #[error("CRC mismatch: payload says {found}, computed {computed}")]
    BadCrc { found: String, computed: String },
    #[error("unknown tag {tag} in {context}")]
    UnknownTag { tag: String, context: &'static str },
    #[error("{context} lacks tag {tag} ({what})")]
    MissingField {
        tag: &'static str,
        context: &'static str,
        what: &'static str,
    },
    #[error("tag {tag} has a bad value {value:?}: {reason}")]
    BadValue {
        tag: String,
        value: String,
        reason: &'static str,
    },
    #[error("not a slip-verification, PromptPay or KHQR payload")]
    UnknownFormat,
    #[error("value of tag {tag} is {len} characters, more than the 99 a TLV field holds")]
    ValueTooLong { tag: String, len: usize },
}

/// One tag/length/value field. Tags and lengths are two decimal digits;
/// the length counts characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tlv {
    pub tag: String,
    pub value: String,
}

/// Splits a TLV string into its fields, in order. Lengths count Unicode
/// characters (names in tag 64 may be Thai or Khmer).
pub fn split_tlv(payload: &str) -> Result<Vec<Tlv>, QrError> {
    let chars: Vec<char> = payload.chars().collect();
    let mut fields = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars.len() - at < 4 {
            return Err(QrError::Truncated {
                offset: at,
                reason: "fewer than 4 characters left for a tag and a length",
            });
        }
        let header: String = chars[at..at + 4].iter().collect();
        if !header.chars().all(|c| c.is_ascii_digit()) {
            return Err(QrError::BadHeader { offset: at, header });
        }
        let tag = header[..2].to_string();
        let len: usize = header[2..].parse().map_err(|_| QrError::BadHeader {
            offset: at,
            header: header.clone(),
        })?;
        let start = at + 4;
        if start + len > chars.len() {
            return Err(QrError::Truncated {
                offset: at,
                reason: "value runs past the end of the payload",
            });
        }
        let value: String = chars[start..start + len].iter().collect();
        fields.push(Tlv { tag, value });
        at = start + len;
    }
    Ok(fields)
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no
/// final xor, over the UTF-8 bytes.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for &b in data {
        crc ^= u16::from(b) << 8;
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

/// Checks the trailing CRC field (tag `63` or `91`, length `04`): it covers
/// everything up to and including its own tag and length.
fn verify_crc(payload: &str) -> Result<(), QrError> {
    let n = payload.len();
    // A CRC field is 8 ASCII characters; anything shorter, or with a
    // non-ASCII character among the last 8 bytes (which would put a split
    // below inside that character), cannot carry one.
    if n < 8 || !payload.as_bytes()[n - 8..].is_ascii() {
        return Err(QrError::MissingCrc);
    }
    let (covered, found) = payload.split_at(n - 4);
    let crc_header = &covered[covered.len() - 4..];
    if crc_header != "6304" && crc_header != "9104" {
        return Err(QrError::MissingCrc);
    }
    let computed = format!("{:04X}", crc16(covered.as_bytes()));
    if !found.eq_ignore_ascii_case(&computed) {
        return Err(QrError::BadCrc {
            found: found.to_string(),
            computed,
        });
    }
    Ok(())
}

/// A payload read from a slip or a payment code, CRC verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrPayload {
    SlipVerification(SlipVerification),
    PromptPay(PromptPay),
    Khqr(Khqr),
}

/// The mini-QR a Thai bank prints on a transfer slip. It carries no amount
/// or names: a verification service looks the transfer up by bank + ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipVerification {
    /// `000001` on every slip seen so far.
    pub api_id: String,
    /// Bank of Thailand code of the sending bank (`004`).
    pub sending_bank_code: String,
    pub trans_ref: TransRef,
    /// Tag 51, `TH`.
    pub country: String,
}

impl SlipVerification {
    /// The sending bank's short name (`KBANK`) from the shared code table.
    pub fn sending_bank(&self) -> Option<&'static str> {
        recon_core::thai_bank(&self.sending_bank_code).map(|b| b.short)
    }
}

/// Static (`11`, reusable) or dynamic (`12`, one payment) merchant QR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiation {
    Static,
    Dynamic,
}

/// A Thai PromptPay merchant-presented QR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptPay {
    pub initiation: Initiation,
    /// Who is paid: mobile number (as `0812345678`), national/tax id,
    /// e-wallet id or biller id.
    pub receiver: Proxy,
    /// Bill-payment references (tag 30 sub-tags 02 and 03).
    pub ref1: Option<String>,
    pub ref2: Option<String>,
    pub amount: Option<Money>,
}

/// A Cambodian KHQR (Bakong) code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Khqr {
    pub initiation: Initiation,
    /// Tag 30 (merchant) rather than 29 (individual).
    pub merchant: bool,
    /// The Bakong account id, `name@bank`.
    pub account_id: String,
    pub merchant_category: Option<String>,
    pub currency: Currency,
    pub amount: Option<Money>,
    pub name: String,
    pub city: Option<String>,
    pub bill_number: Option<String>,
    pub mobile_number: Option<String>,
    pub store_label: Option<String>,
    pub terminal_label: Option<String>,
    /// Tag 99 sub-tag 00, milliseconds since the epoch as written.
    pub created_ms: Option<String>,
    /// Tag 99 sub-tag 01, required when there is an amount.
    pub expires_ms: Option<String>,
}

impl Khqr {
    /// The bank behind a Bakong id's domain, for the banks we know.
    pub fn bank(&self) -> Option<&'static str> {
        let domain = self.account_id.rsplit_once('@')?.1.to_ascii_lowercase();
        match domain.as_str() {
            "abaa" | "aba" => Some("ABA"),
            "aclb" | "acleda" => Some("ACLEDA"),
            "wing" | "wingkhpp" => Some("WING"),
            _ => None,
        }
    }
}

impl QrPayload {
    /// Who receives the money, when the payload says (payment codes do,
    /// slip-verification QRs do not).
    pub fn receiver(&self) -> Option<Party> {
        match self {
            QrPayload::SlipVerification(_) => None,
            QrPayload::PromptPay(p) => Some(Party {
                proxy: Some(p.receiver.clone()),
                ..Party::default()
            }),
            QrPayload::Khqr(k) => Some(Party {
                name: Some(k.name.clone()),
                bank: k.bank().map(str::to_string),
                proxy: Some(Proxy {
                    kind: ProxyKind::Bakong,
                    value: AccountMask::new(k.account_id.clone()),
                }),
                ..Party::default()
            }),
        }
    }

    pub fn amount(&self) -> Option<Money> {
        match self {
            QrPayload::SlipVerification(_) => None,
            QrPayload::PromptPay(p) => p.amount,
            QrPayload::Khqr(k) => k.amount,
        }
    }

    pub fn currency(&self) -> Option<Currency> {
        match self {
            QrPayload::SlipVerification(_) => None,
            QrPayload::PromptPay(_) => Some(Currency::Thb),
            QrPayload::Khqr(k) => Some(k.currency),
        }
    }
}

/// Parses and verifies a payload: CRC first, then the frame, then the
/// fields of whichever of the three kinds it is.
pub fn parse(payload: &str) -> Result<QrPayload, QrError> {
    let payload = payload.trim();
    if payload.is_empty() {
        return Err(QrError::Empty);
    }
    let fields = split_tlv(payload)?;
    verify_crc(payload)?;
    let first = fields.first().ok_or(QrError::Empty)?;
    if first.tag == "00" && first.value == "01" {
        parse_merchant(&fields)
    } else if first.tag == "00" && fields.last().is_some_and(|f| f.tag == "91") {
        parse_slip_verification(&fields).map(QrPayload::SlipVerification)
    } else {
        Err(QrError::UnknownFormat)
    }
}

fn find<'a>(fields: &'a [Tlv], tag: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|f| f.tag == tag)
        .map(|f| f.value.as_str())
}

fn parse_slip_verification(fields: &[Tlv]) -> Result<SlipVerification, QrError> {
    const CTX: &str = "slip-verification QR";
    for f in fields {
        if !matches!(f.tag.as_str(), "00" | "51" | "91") {
            return Err(QrError::UnknownTag {
                tag: f.tag.clone(),
                context: CTX,
            });
        }
    }
    let group = split_tlv(find(fields, "00").unwrap_or_default())?;
    for f in &group {
        if !matches!(f.tag.as_str(), "00" | "01" | "02") {
            return Err(QrError::UnknownTag {
                tag: format!("00.{}", f.tag),
                context: CTX,
            });
        }
    }
    let missing = |tag, what| QrError::MissingField {
        tag,
        context: CTX,
        what,
    };
    let api_id = find(&group, "00").ok_or(missing("00.00", "API id"))?;
    let bank = find(&group, "01").ok_or(missing("00.01", "sending bank"))?;
    let trans_ref = find(&group, "02").ok_or(missing("00.02", "transRef"))?;
    if bank.len() != 3 || !bank.chars().all(|c| c.is_ascii_digit()) {
        return Err(QrError::BadValue {
            tag: "00.01".into(),
            value: bank.into(),
            reason: "a bank code is 3 digits",
        });
    }
    if !trans_ref.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(QrError::BadValue {
            tag: "00.02".into(),
            value: trans_ref.into(),
            reason: "a transRef is letters and digits",
        });
    }
    let trans_ref = TransRef::new(trans_ref).ok_or(QrError::BadValue {
        tag: "00.02".into(),
        value: String::new(),
        reason: "empty transRef",
    })?;
    Ok(SlipVerification {
        api_id: api_id.to_string(),
        sending_bank_code: bank.to_string(),
        trans_ref,
        country: find(fields, "51").unwrap_or_default().to_string(),
    })
}

const PROMPTPAY_CREDIT_AID: &str = "A000000677010111";
const PROMPTPAY_BILL_AID: &str = "A000000677010112";

fn parse_merchant(fields: &[Tlv]) -> Result<QrPayload, QrError> {
    for f in fields {
        // EMVCo: 00-01 frame, 02-51 account templates, 52-64 data, 80-99
        // templates (KHQR uses 99 for timestamps). 65-79 are reserved.
        let known = f
            .tag
            .parse::<u8>()
            .is_ok_and(|t| t <= 64 || (80..=99).contains(&t));
        if !known {
            return Err(QrError::UnknownTag {
                tag: f.tag.clone(),
                context: "merchant-presented QR",
            });
        }
    }
    let initiation = match find(fields, "01") {
        Some("11") | None => Initiation::Static,
        Some("12") => Initiation::Dynamic,
        Some(other) => {
            return Err(QrError::BadValue {
                tag: "01".into(),
                value: other.into(),
                reason: "initiation method is 11 (static) or 12 (dynamic)",
            });
        }
    };
    let currency_code = find(fields, "53").ok_or(QrError::MissingField {
        tag: "53",
        context: "merchant-presented QR",
        what: "currency",
    })?;
    let currency = currency_code
        .parse::<u16>()
        .ok()
        .and_then(Currency::from_numeric)
        .ok_or_else(|| QrError::BadValue {
            tag: "53".into(),
            value: currency_code.into(),
            reason: "currency must be 764, 116 or 840",
        })?;
    let amount = match find(fields, "54") {
        None => None,
        Some(text) => Some(parse_amount(text, currency)?),
    };
    let country = find(fields, "58").unwrap_or_default();
    let account_template = fields
        .iter()
        .find(|f| f.tag == "29" || f.tag == "30")
        .ok_or(QrError::MissingField {
            tag: "29",
            context: "merchant-presented QR",
            what: "account information (29 or 30)",
        })?;
    let sub = split_tlv(&account_template.value)?;
    let aid = find(&sub, "00").unwrap_or_default();
    if aid == PROMPTPAY_CREDIT_AID || aid == PROMPTPAY_BILL_AID {
        if currency != Currency::Thb {
            return Err(QrError::BadValue {
                tag: "53".into(),
                value: currency_code.into(),
                reason: "PromptPay is in baht (764)",
            });
        }
        let (receiver, ref1, ref2) = promptpay_receiver(&account_template.tag, &sub)?;
        return Ok(QrPayload::PromptPay(PromptPay {
            initiation,
            receiver,
            ref1,
            ref2,
            amount,
        }));
    }
    if country == "KH" || matches!(currency, Currency::Khr | Currency::Usd) {
        let name = find(fields, "59").ok_or(QrError::MissingField {
            tag: "59",
            context: "KHQR",
            what: "merchant name",
        })?;
        if aid.is_empty() || !aid.contains('@') {
            return Err(QrError::BadValue {
                tag: format!("{}.00", account_template.tag),
                value: aid.into(),
                reason: "a Bakong account id looks like name@bank",
            });
        }
        let additional = split_tlv(find(fields, "62").unwrap_or_default())?;
        let timestamps = split_tlv(find(fields, "99").unwrap_or_default())?;
        let owned = |f: &[Tlv], t: &str| find(f, t).map(str::to_string);
        return Ok(QrPayload::Khqr(Khqr {
            initiation,
            merchant: account_template.tag == "30",
            account_id: aid.to_string(),
            merchant_category: owned(fields, "52"),
            currency,
            amount,
            name: name.to_string(),
            city: owned(fields, "60"),
            bill_number: owned(&additional, "01"),
            mobile_number: owned(&additional, "02"),
            store_label: owned(&additional, "03"),
            terminal_label: owned(&additional, "07"),
            created_ms: owned(&timestamps, "00"),
            expires_ms: owned(&timestamps, "01"),
        }));
    }
    Err(QrError::UnknownFormat)
}

fn parse_amount(text: &str, currency: Currency) -> Result<Money, QrError> {
    let bad = |reason| QrError::BadValue {
        tag: "54".into(),
        value: text.into(),
        reason,
    };
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(bad("an amount is digits with an optional decimal point"));
    }
    let d = Decimal::from_str(text).map_err(|_| bad("not a decimal"))?;
    if d.is_sign_negative() || d.is_zero() {
        return Err(bad("an amount is positive"));
    }
    Money::checked(d, currency).map_err(|_| bad("more decimals than the currency has"))
}

fn promptpay_receiver(
    template: &str,
    sub: &[Tlv],
) -> Result<(Proxy, Option<String>, Option<String>), QrError> {
    let proxy = |kind, v: &str| Proxy {
        kind,
        value: AccountMask::new(v),
    };
    if template == "30" {
        let biller = find(sub, "01").ok_or(QrError::MissingField {
            tag: "30.01",
            context: "PromptPay bill payment",
            what: "biller id",
        })?;
        let refs = |t| find(sub, t).map(str::to_string);
        return Ok((proxy(ProxyKind::Billerid, biller), refs("02"), refs("03")));
    }
    if let Some(mobile) = find(sub, "01") {
        // 0066 + 9 digits is how PromptPay writes a Thai mobile; people
        // and statements write 0 + 9 digits.
        let local = match mobile.strip_prefix("0066") {
            Some(rest) if rest.len() == 9 => format!("0{rest}"),
            _ => mobile.to_string(),
        };
        return Ok((proxy(ProxyKind::Msisdn, &local), None, None));
    }
    if let Some(id) = find(sub, "02") {
        return Ok((proxy(ProxyKind::Natid, id), None, None));
    }
    if let Some(id) = find(sub, "03") {
        return Ok((proxy(ProxyKind::Ewalletid, id), None, None));
    }
    Err(QrError::MissingField {
        tag: "29.01",
        context: "PromptPay credit transfer",
        what: "mobile, national id or e-wallet id",
    })
}

// ---------------------------------------------------------------- encoder

/// Writes one TLV field.
pub fn field(tag: &str, value: &str) -> Result<String, QrError> {
    let len = value.chars().count();
    if len > 99 {
        return Err(QrError::ValueTooLong {
            tag: tag.into(),
            len,
        });
    }
    if tag.len() != 2 || !tag.chars().all(|c| c.is_ascii_digit()) {
        return Err(QrError::BadHeader {
            offset: 0,
            header: tag.into(),
        });
    }
    Ok(format!("{tag}{len:02}{value}"))
}

/// Writes the fields in order and appends the CRC under `crc_tag`
/// (`63` for payment codes, `91` for slip verification).
pub fn encode(fields: &[(&str, String)], crc_tag: &str) -> Result<String, QrError> {
    let mut out = String::new();
    for (tag, value) in fields {
        out.push_str(&field(tag, value)?);
    }
    out.push_str(crc_tag);
    out.push_str("04");
    let crc = crc16(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    Ok(out)
}

/// The slip-verification mini-QR a Thai bank prints on a slip.
pub fn slip_verification_payload(bank_code: &str, trans_ref: &str) -> Result<String, QrError> {
    let group = [
        field("00", "000001")?,
        field("01", bank_code)?,
        field("02", trans_ref)?,
    ]
    .concat();
    encode(&[("00", group), ("51", "TH".into())], "91")
}

/// A PromptPay credit-transfer QR to a mobile number (`08…`) or a
/// 13-digit national / tax id, with an optional amount (dynamic).
pub fn promptpay_payload(proxy: &str, amount: Option<&Money>) -> Result<String, QrError> {
    let digits: String = proxy.chars().filter(char::is_ascii_digit).collect();
    let target = if digits.len() == 13 {
        field("02", &digits)?
    } else {
        let rest = digits.strip_prefix('0').unwrap_or(&digits);
        field("01", &format!("0066{rest}"))?
    };
    let mut fields = vec![
        ("00", "01".to_string()),
        ("01", if amount.is_some() { "12" } else { "11" }.to_string()),
        ("29", [field("00", PROMPTPAY_CREDIT_AID)?, target].concat()),
        ("53", "764".to_string()),
    ];
    if let Some(m) = amount {
        fields.push(("54", m.plain()));
    }
    fields.push(("58", "TH".to_string()));
    encode(&fields, "63")
}

/// What a KHQR code needs; optional parts are left out when `None`.
#[derive(Debug, Clone)]
pub struct KhqrSpec<'a> {
    pub account_id: &'a str,
    pub name: &'a str,
    pub city: &'a str,
    pub amount: Option<Money>,
    pub currency: Currency,
    pub bill_number: Option<&'a str>,
    pub created_ms: Option<&'a str>,
    pub expires_ms: Option<&'a str>,
}

pub fn khqr_payload(spec: &KhqrSpec) -> Result<String, QrError> {
    let mut fields = vec![
        ("00", "01".to_string()),
        (
            "01",
            if spec.amount.is_some() { "12" } else { "11" }.to_string(),
        ),
        ("29", field("00", spec.account_id)?),
        ("52", "5999".to_string()),
        ("53", spec.currency.numeric().to_string()),
    ];
    if let Some(m) = &spec.amount {
        fields.push(("54", m.plain()));
    }
    fields.push(("58", "KH".to_string()));
    fields.push(("59", spec.name.to_string()));
    fields.push(("60", spec.city.to_string()));
    if let Some(bill) = spec.bill_number {
        fields.push(("62", field("01", bill)?));
    }
    if spec.created_ms.is_some() || spec.expires_ms.is_some() {
        let mut ts = String::new();
        if let Some(c) = spec.created_ms {
            ts.push_str(&field("00", c)?);
        }
        if let Some(e) = spec.expires_ms {
            ts.push_str(&field("01", e)?);
        }
        fields.push(("99", ts));
    }
    encode(&fields, "63")
}

#[cfg(test)]
mod tests {
    use super::*;

    // The three examples of qr-payloads.md, checked there against
    // promptparse and bakong-khqr.
    const SLIP_BBL: &str = "0041000600000101030020220MWPN5S00A0A0A0A0A0A05102TH9104198D";
    const SLIP_KBANK: &str = "0042000600000101030040221MWPN5Y3ZA1A1A1A1A1A1A5102TH910425FB";
    const KHQR_STATIC: &str = "00020101021129190015sokha_chan@aclb5204599953031165802KH5910SOKHA CHAN6010PHNOM PENH630439E4";

    #[test]
    fn crc_matches_the_standard_check_value() {
        // CRC-16/CCITT-FALSE check value over "123456789".
        assert_eq!(crc16(b"123456789"), 0x29B1);
    }

    #[test]
    fn reference_slip_qrs_parse_and_verify() {
        let QrPayload::SlipVerification(s) = parse(SLIP_BBL).unwrap() else {
            panic!("not a slip QR")
        };
        assert_eq!(s.api_id, "000001");
        assert_eq!(s.sending_bank_code, "002");
        assert_eq!(s.sending_bank(), Some("BBL"));
        assert_eq!(s.trans_ref.0, "MWPN5S00A0A0A0A0A0A0");
        assert_eq!(s.country, "TH");

        let QrPayload::SlipVerification(s) = parse(SLIP_KBANK).unwrap() else {
            panic!("not a slip QR")
        };
        assert_eq!(s.sending_bank(), Some("KBANK"));
        assert_eq!(s.trans_ref.0, "MWPN5Y3ZA1A1A1A1A1A1A");
    }

    #[test]
    fn reference_khqr_parses_and_verifies() {
        let p = parse(KHQR_STATIC).unwrap();
        let QrPayload::Khqr(k) = &p else {
            panic!("not KHQR")
        };
        assert_eq!(k.account_id, "sokha_chan@aclb");
        assert_eq!(k.merchant_category.as_deref(), Some("5999"));
        assert_eq!(k.currency, Currency::Khr);
        assert_eq!(k.name, "SOKHA CHAN");
        assert_eq!(k.city.as_deref(), Some("PHNOM PENH"));
        assert_eq!(k.initiation, Initiation::Static);
        assert_eq!(k.amount, None);
        assert_eq!(k.bank(), Some("ACLEDA"));
        let r = p.receiver().unwrap();
        assert_eq!(r.name.as_deref(), Some("SOKHA CHAN"));
        assert_eq!(r.proxy.unwrap().kind, ProxyKind::Bakong);
    }

    #[test]
    fn encoder_reproduces_the_reference_vectors() {
        assert_eq!(
            slip_verification_payload("002", "MWPN5S00A0A0A0A0A0A0").unwrap(),
            SLIP_BBL
        );
        assert_eq!(
            slip_verification_payload("004", "MWPN5Y3ZA1A1A1A1A1A1A").unwrap(),
            SLIP_KBANK
        );
        let spec = KhqrSpec {
            account_id: "sokha_chan@aclb",
            name: "SOKHA CHAN",
            city: "PHNOM PENH",
            amount: None,
            currency: Currency::Khr,
            bill_number: None,
            created_ms: None,
            expires_ms: None,
        };
        assert_eq!(khqr_payload(&spec).unwrap(), KHQR_STATIC);
    }

    #[test]
    fn promptpay_round_trips_mobile_and_tax_id() {
        let amount = Money::parse("1500.50", Currency::Thb).unwrap();
        let text = promptpay_payload("081-234-5678", Some(&amount)).unwrap();
        assert!(text.contains("01130066812345678"), "{text}");
        let QrPayload::PromptPay(p) = parse(&text).unwrap() else {
            panic!("not PromptPay")
        };
        assert_eq!(p.initiation, Initiation::Dynamic);
        assert_eq!(p.receiver.kind, ProxyKind::Msisdn);
        assert_eq!(p.receiver.value.as_given(), "0812345678");
        assert_eq!(p.amount, Some(amount));

        let text = promptpay_payload("0105561234567", None).unwrap();
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.currency(), Some(Currency::Thb));
        let QrPayload::PromptPay(p) = parsed else {
            panic!("not PromptPay")
        };
        assert_eq!(p.receiver.kind, ProxyKind::Natid);
        assert_eq!(p.receiver.value.as_given(), "0105561234567");
        assert_eq!(p.amount, None);
        assert_eq!(p.initiation, Initiation::Static);
    }

    #[test]
    fn promptpay_bill_payment_carries_biller_and_refs() {
        let sub = [
            field("00", PROMPTPAY_BILL_AID).unwrap(),
            field("01", "010556123456701").unwrap(),
            field("02", "ORDER42").unwrap(),
            field("03", "X").unwrap(),
        ]
        .concat();
        let text = encode(
            &[
                ("00", "01".into()),
                ("01", "12".into()),
                ("30", sub),
                ("53", "764".into()),
                ("54", "99.00".into()),
                ("58", "TH".into()),
            ],
            "63",
        )
        .unwrap();
        let QrPayload::PromptPay(p) = parse(&text).unwrap() else {
            panic!("not PromptPay")
        };
        assert_eq!(p.receiver.kind, ProxyKind::Billerid);
        assert_eq!(p.ref1.as_deref(), Some("ORDER42"));
        assert_eq!(p.ref2.as_deref(), Some("X"));
        assert_eq!(p.amount.unwrap().plain(), "99.00");
    }

    #[test]
    fn dynamic_khqr_in_dollars_with_bill_and_timestamps() {
        let spec = KhqrSpec {
            account_id: "randee@abaa",
            name: "RANDEE TRADING",
            city: "PHNOM PENH",
            amount: Some(Money::parse("12.5", Currency::Usd).unwrap()),
            currency: Currency::Usd,
            bill_number: Some("INV-7"),
            created_ms: Some("1763700000000"),
            expires_ms: Some("1763700900000"),
        };
        let QrPayload::Khqr(k) = parse(&khqr_payload(&spec).unwrap()).unwrap() else {
            panic!("not KHQR")
        };
        assert_eq!(k.currency, Currency::Usd);
        assert_eq!(k.amount.unwrap().plain(), "12.50");
        assert_eq!(k.bill_number.as_deref(), Some("INV-7"));
        assert_eq!(k.expires_ms.as_deref(), Some("1763700900000"));
        assert_eq!(k.initiation, Initiation::Dynamic);
        assert_eq!(k.bank(), Some("ABA"));
    }

    #[test]
    fn a_changed_character_breaks_the_crc() {
        let forged = SLIP_BBL.replace("MWPN5S00", "MWPN5S01");
        match parse(&forged) {
            Err(QrError::BadCrc { found, .. }) => assert_eq!(found, "198D"),
            other => panic!("expected BadCrc, got {other:?}"),
        }
        let bad_crc = format!("{}0000", &KHQR_STATIC[..KHQR_STATIC.len() - 4]);
        assert!(matches!(parse(&bad_crc), Err(QrError::BadCrc { .. })));
    }

    #[test]
    fn truncation_and_garbage_are_typed_errors() {
        assert_eq!(parse("  "), Err(QrError::Empty));
        // Cut in the middle of a value: the length points past the end.
        assert!(matches!(
            parse(&SLIP_BBL[..30]),
            Err(QrError::Truncated { .. })
        ));
        // Cut inside a header.
        assert!(matches!(
            split_tlv("000201020"),
            Err(QrError::Truncated { offset: 6, .. })
        ));
        assert!(matches!(
            parse("https://example.com/pay"),
            Err(QrError::BadHeader { offset: 0, .. })
        ));
        // A well-formed frame without a CRC field.
        assert_eq!(parse("000201"), Err(QrError::MissingCrc));
        // Multi-byte text must not split inside a character.
        assert!(parse("0002ก1").is_err());
        assert!(parse("ขขขขขขขขขข").is_err());
    }

    #[test]
    fn unknown_tags_are_refused() {
        let with_extra = encode(
            &[
                ("00", "0006000001010300402031AB".into()),
                ("51", "TH".into()),
                ("52", "X".into()),
            ],
            "91",
        )
        .unwrap();
        assert!(matches!(
            parse(&with_extra),
            Err(QrError::UnknownTag { ref tag, .. }) if tag == "52"
        ));
        let inner = encode(
            &[
                ("00", "0006000001010300402031AB0501Z".into()),
                ("51", "TH".into()),
            ],
            "91",
        )
        .unwrap();
        assert!(matches!(
            parse(&inner),
            Err(QrError::UnknownTag { ref tag, .. }) if tag == "00.05"
        ));
        let reserved = encode(
            &[
                ("00", "01".into()),
                ("29", "0015sokha_chan@aclb".into()),
                ("53", "116".into()),
                ("70", "?".into()),
            ],
            "63",
        )
        .unwrap();
        assert!(matches!(
            parse(&reserved),
            Err(QrError::UnknownTag { ref tag, .. }) if tag == "70"
        ));
    }

    #[test]
    fn mutated_payloads_never_panic() {
        let mut rng = recon_testkit::render::SampleRng::new(11);
        let palette: Vec<char> = "0123456789ABCDEF.@ กข៛".chars().collect();
        for base in [SLIP_BBL, SLIP_KBANK, KHQR_STATIC] {
            for _ in 0..500 {
                let mut chars: Vec<char> = base.chars().collect();
                for _ in 0..=rng.below(3) {
                    let at = rng.below(chars.len() as u64) as usize;
                    match rng.below(3) {
                        0 => chars[at] = *rng.pick(&palette),
                        1 => {
                            chars.remove(at);
                        }
                        _ => chars.truncate(at),
                    }
                    if chars.is_empty() {
                        break;
                    }
                }
                let text: String = chars.into_iter().collect();
                // Any change but a no-op must be refused: the CRC covers it.
                if text != base {
                    assert!(parse(&text).is_err(), "{text}");
                }
            }
        }
    }

    #[test]
    fn bad_values_are_refused() {
        let eur = KHQR_STATIC.replace("5303116", "5303978");
        let eur = format!(
            "{}{:04X}",
            &eur[..eur.len() - 4],
            crc16(&eur.as_bytes()[..eur.len() - 4])
        );
        assert!(matches!(parse(&eur), Err(QrError::BadValue { ref tag, .. }) if tag == "53"));
        let bad_bank = slip_verification_payload("4", "ABC").unwrap();
        assert!(matches!(parse(&bad_bank), Err(QrError::BadValue { .. })));
        let long = "A".repeat(100);
        assert!(matches!(
            slip_verification_payload("004", &long),
            Err(QrError::ValueTooLong { .. })
        ));
        let neg = encode(
            &[
                ("00", "01".into()),
                ("29", "0015sokha_chan@aclb".into()),
                ("53", "116".into()),
                ("54", "-5".into()),
                ("59", "A".into()),
            ],
            "63",
        )
        .unwrap();
        assert!(matches!(parse(&neg), Err(QrError::BadValue { ref tag, .. }) if tag == "54"));
    }
}
