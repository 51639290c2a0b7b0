//! NextOCR `POST /ocr_api_receipt`: Cambodian bank receipts (ABA, ACLEDA,
//! …) read into `bank` + `fields.*`. Amounts come as strings, times as local
//! Cambodia time without an offset (`2026-01-11 09:18AM`, UTC+07:00).

use chrono::{FixedOffset, NaiveDateTime, TimeZone};
use recon_core::{
    AccountMask, Currency, Evidence, FieldSource, Money, Provider, Slip, SlipField, TransRef,
};
use serde::Deserialize;

use crate::config::NextOcrConfig;
use crate::http::{Answer, Endpoint};
use crate::wire::{Body, Text, image_format, parse_decimal, with_raw};
use crate::{Credentials, OcrError, Secret};

const P: Provider = Provider::Nextocr;

/// Cambodia has no daylight saving: one offset all year.
const CAMBODIA_OFFSET_SECS: i32 = 7 * 3600;

#[derive(Debug, Clone, Deserialize)]
pub struct ReceiptResponse<'a> {
    pub status: bool,
    #[serde(borrow, default)]
    pub bank: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub fields: Option<ReceiptFields<'a>>,
    #[serde(borrow, default)]
    pub msg: Option<Text<'a>>,
}

/// Every field may be null; banks expose different ones.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReceiptFields<'a> {
    #[serde(borrow, default)]
    pub amount: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub apv: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub bank_method: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub currency: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub finished_at: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub from_account: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub hash: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub paid_by: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub receiver_bank_name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub reference: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub trx: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub trx_date: Option<Text<'a>>,
}

pub(crate) fn interpret(body: &Body<'_>) -> Result<Slip, OcrError> {
    let resp: ReceiptResponse = body.json()?;
    let status = body.status.unwrap_or(200);
    if matches!(status, 401 | 403) {
        return Err(OcrError::Unauthorized {
            provider: P,
            status,
            message: resp.msg.as_deref().unwrap_or_default().to_string(),
        });
    }
    // NextOCR answers refused credentials with `200 {"status": false,
    // "msg": "Invalid username or secret key"}`: about the account, not
    // the image, so it stops the provider and the slips stay pending.
    if !resp.status && resp.msg.as_deref().is_some_and(is_credential_refusal) {
        return Err(OcrError::Unauthorized {
            provider: P,
            status,
            message: resp.msg.as_deref().unwrap_or_default().to_string(),
        });
    }
    if !resp.status || !(200..300).contains(&status) {
        return Err(OcrError::Provider {
            provider: P,
            status,
            code: "status_false".into(),
            message: resp
                .msg
                .as_deref()
                .unwrap_or("status false without a message")
                .to_string(),
        });
    }
    let fields = resp.fields.unwrap_or_default();
    to_slip(resp.bank.as_deref(), &fields)
}

/// A `status: false` message that is about the account's credentials.
fn is_credential_refusal(msg: &str) -> bool {
    let m = msg.to_ascii_lowercase();
    [
        "username",
        "secret",
        "api key",
        "apikey",
        "unauthori",
        "authenticat",
        "credential",
        "token",
        "forbidden",
    ]
    .iter()
    .any(|w| m.contains(w))
}

fn clean<'t>(s: &'t Option<Text>) -> Option<&'t str> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("null"))
}

/// NextOCR's bank labels to the short codes our config and statements use.
fn bank_code(label: &str) -> String {
    let up = label.trim().to_ascii_uppercase();
    match up.as_str() {
        "AC" | "ACLEDA" | "ACLEDA BANK" => "ACLEDA".into(),
        "ABA" | "ABA BANK" => "ABA".into(),
        _ => up,
    }
}

fn to_slip(bank: Option<&str>, f: &ReceiptFields<'_>) -> Result<Slip, OcrError> {
    let mut slip = Slip::empty(P);
    let given = |field: SlipField, slip: &mut Slip| {
        slip.evidence.insert(
            field,
            Evidence {
                source: FieldSource::Provider,
                confidence: None,
            },
        );
    };
    if let Some(text) = clean(&f.amount) {
        let currency = currency_of(f, text)?;
        let digits: String = text
            .chars()
            .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
            .collect();
        let amount = parse_decimal(&digits).ok_or_else(|| OcrError::Field {
            provider: P,
            field: "fields.amount",
            value: text.to_string(),
            reason: "not an amount".into(),
        })?;
        slip.amount = Some(
            Money::checked(amount, currency).map_err(|e| OcrError::Field {
                provider: P,
                field: "fields.amount",
                value: text.to_string(),
                reason: e.to_string(),
            })?,
        );
        given(SlipField::Amount, &mut slip);
    }
    let (when, field) = match (clean(&f.finished_at), clean(&f.trx_date)) {
        (Some(t), _) => (Some(t), "fields.finished_at"),
        (None, Some(t)) => (Some(t), "fields.trx_date"),
        _ => (None, ""),
    };
    if let Some(t) = when {
        slip.transferred_at = Some(cambodia_time(t).ok_or_else(|| OcrError::Field {
            provider: P,
            field,
            value: t.to_string(),
            reason: "expected a time like 2026-01-11 09:18AM".into(),
        })?);
        given(SlipField::TransferredAt, &mut slip);
    }
    // The receipt's own reference first; trx and hash where a bank shows only those.
    if let Some(r) = [&f.reference, &f.trx, &f.hash]
        .into_iter()
        .find_map(|x| clean(x).and_then(TransRef::new))
    {
        slip.trans_ref = Some(r);
        given(SlipField::TransRef, &mut slip);
    }
    // The receipt is issued by the payer's bank app.
    if let Some(b) = bank.map(bank_code).filter(|b| !b.is_empty()) {
        slip.sender.bank = Some(b);
        given(SlipField::SenderBank, &mut slip);
    }
    if let Some(n) = clean(&f.paid_by) {
        slip.sender.name = Some(n.to_string());
        given(SlipField::SenderName, &mut slip);
    }
    if let Some(a) = clean(&f.from_account) {
        slip.sender.account = Some(AccountMask::new(a));
        given(SlipField::SenderAccount, &mut slip);
    }
    if let Some(n) = clean(&f.receiver_bank_name) {
        slip.receiver.name = Some(n.to_string());
        given(SlipField::ReceiverName, &mut slip);
    }
    slip.remark = clean(&f.apv).map(|a| format!("APV {a}"));
    Ok(slip)
}

fn currency_of(f: &ReceiptFields<'_>, amount_text: &str) -> Result<Currency, OcrError> {
    if let Some(c) = clean(&f.currency) {
        return c.parse().map_err(|_| OcrError::Field {
            provider: P,
            field: "fields.currency",
            value: c.to_string(),
            reason: "not a currency Recon handles".into(),
        });
    }
    // Some layouts put the symbol in the amount instead.
    if amount_text.contains('$') || amount_text.to_ascii_uppercase().contains("USD") {
        Ok(Currency::Usd)
    } else if amount_text.contains('៛') || amount_text.to_ascii_uppercase().contains("KHR") {
        Ok(Currency::Khr)
    } else {
        Err(OcrError::Field {
            provider: P,
            field: "fields.currency",
            value: String::new(),
            reason: "no currency on the receipt".into(),
        })
    }
}

/// `2026-01-11 09:18AM` (and close variants) as Cambodia local time.
pub(crate) fn cambodia_time(text: &str) -> Option<chrono::DateTime<FixedOffset>> {
    let t = text.trim();
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(t) {
        return Some(at);
    }
    let formats = [
        "%Y-%m-%d %I:%M%p",
        "%Y-%m-%d %I:%M %p",
        "%Y-%m-%d %I:%M:%S%p",
        "%Y-%m-%d %I:%M:%S %p",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ];
    let naive = formats
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())?;
    FixedOffset::east_opt(CAMBODIA_OFFSET_SECS)?
        .from_local_datetime(&naive)
        .single()
}

/// A NextOCR client; cheap to share behind an `Arc`.
pub struct NextOcrClient {
    endpoint: Endpoint,
    username: Secret,
    key: Secret,
    url: String,
}

impl std::fmt::Debug for NextOcrClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NextOcrClient")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("key", &self.key)
            .finish()
    }
}

impl NextOcrClient {
    pub fn from_config(config: &NextOcrConfig) -> Result<NextOcrClient, OcrError> {
        NextOcrClient::with_credentials(config, &Credentials::Environment)
    }

    pub fn with_credentials(
        config: &NextOcrConfig,
        credentials: &Credentials,
    ) -> Result<NextOcrClient, OcrError> {
        NextOcrClient::new(
            config,
            credentials.secret(&config.username_env, P)?,
            credentials.key(config.api_key_file.as_deref(), &config.secret_key_env, P)?,
        )
    }

    pub fn new(
        config: &NextOcrConfig,
        username: Secret,
        key: Secret,
    ) -> Result<NextOcrClient, OcrError> {
        let endpoint = Endpoint::new(
            P,
            &config.limits,
            vec![key.expose().to_string(), username.expose().to_string()],
        )?;
        Ok(NextOcrClient {
            endpoint,
            username,
            key,
            url: format!("{}/ocr_api_receipt", config.base_url.trim_end_matches('/')),
        })
    }

    /// The same client, its calls stopped and paced with every other
    /// client of `session` (one run).
    pub fn in_session(mut self, session: &crate::OcrSession) -> NextOcrClient {
        self.endpoint = self.endpoint.in_session(session);
        self
    }

    pub fn requests(&self) -> u64 {
        self.endpoint.requests()
    }

    /// One `POST /ocr_api_receipt` with the image as multipart `file`.
    pub async fn read_image(&self, bytes: &[u8], file_name: &str) -> Result<Slip, OcrError> {
        let secrets = self.endpoint.secrets();
        let mime = image_format(bytes).map_or("application/octet-stream", |f| f.mime());
        self.endpoint
            .call(
                file_name,
                |client| {
                    let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                        .file_name(file_name.to_string())
                        .mime_str(mime)
                        .unwrap_or_else(|_| {
                            reqwest::multipart::Part::bytes(bytes.to_vec())
                                .file_name(file_name.to_string())
                        });
                    client
                        .post(&self.url)
                        .header("X-Username", self.username.expose())
                        .header("X-Secret-Key", self.key.expose())
                        .multipart(reqwest::multipart::Form::new().part("file", part))
                },
                |a: &Answer| {
                    interpret(&Body {
                        provider: P,
                        status: Some(a.status),
                        content_type: a.content_type.as_deref(),
                        bytes: &a.body,
                        secrets: &secrets,
                    })
                    .map(|s| with_raw(s, &a.body, &secrets))
                },
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_refusal_in_a_200_is_told_from_a_picture_without_a_receipt() {
        for m in [
            "Invalid username or secret key",
            "Unauthorized",
            "API key expired",
        ] {
            assert!(is_credential_refusal(m), "{m}");
        }
        for m in ["No receipt found", "Image is not a bank slip", ""] {
            assert!(!is_credential_refusal(m), "{m}");
        }
    }

    #[test]
    fn finished_at_is_cambodia_local_time() {
        let at = cambodia_time("2026-01-11 09:18AM").unwrap();
        assert_eq!(at.to_rfc3339(), "2026-01-11T09:18:00+07:00");
        assert_eq!(
            cambodia_time("2026-01-11 12:05PM").unwrap().to_rfc3339(),
            "2026-01-11T12:05:00+07:00"
        );
        assert_eq!(
            cambodia_time("2026-01-11 12:05AM").unwrap().to_rfc3339(),
            "2026-01-11T00:05:00+07:00"
        );
        assert!(cambodia_time("11/01/2026").is_none());
    }

    #[test]
    fn bank_labels() {
        assert_eq!(bank_code("AC"), "ACLEDA");
        assert_eq!(bank_code("aba"), "ABA");
        assert_eq!(bank_code("Wing"), "WING");
    }

    #[test]
    fn khr_amount_with_separators() {
        let f = ReceiptFields {
            amount: Some("100,000".into()),
            currency: Some("KHR".into()),
            ..ReceiptFields::default()
        };
        let s = to_slip(Some("ABA"), &f).unwrap();
        assert_eq!(s.amount.unwrap().plain(), "100000.00");
        let bad = ReceiptFields {
            amount: Some("2.755".into()),
            currency: Some("USD".into()),
            ..ReceiptFields::default()
        };
        assert!(matches!(
            to_slip(None, &bad),
            Err(OcrError::Field {
                field: "fields.amount",
                ..
            })
        ));
    }
}
