//! CLOVA OCR V2 document models behind one envelope (`version`,
//! `requestId`, `timestamp`, `images[]`). Each image says `inferResult`;
//! fields are `{text, confidence, boundingPoly.vertices}`. The credit-card
//! model (name, number, validThru) and the receipt model (store, payment
//! date and card, total) map onto what a `Slip` can hold.

use base64::Engine as _;
use chrono::{FixedOffset, NaiveDate, NaiveTime, TimeZone};
use recon_core::{
    AccountMask, Currency, Evidence, FieldSource, Money, Provider, Slip, SlipField, TransRef,
};
use serde::{Deserialize, Serialize};

use crate::config::{ClovaConfig, ClovaTransport};
use crate::http::{Answer, Endpoint};
use crate::wire::{Body, Num, image_format, parse_decimal, with_raw};
use crate::{Credentials, OcrError, Secret};

const P: Provider = Provider::Clova;

/// Receipt dates and times carry no zone; Recon's CLOVA deployments read
/// Thai receipts (UTC+07:00, no daylight saving).
const RECEIPT_OFFSET_SECS: i32 = 7 * 3600;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClovaResponse {
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub request_id: Option<String>,
    #[serde(default)]
    pub timestamp: Option<Num>,
    pub images: Vec<ClovaImage>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClovaImage {
    #[serde(default)]
    pub uid: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// `SUCCESS`, `FAILURE` or `ERROR`.
    #[serde(default)]
    pub infer_result: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub validation_result: Option<ValidationResult>,
    #[serde(default)]
    pub credit_card: Option<ModelResult<CreditCard>>,
    #[serde(default)]
    pub receipt: Option<ModelResult<Receipt>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ValidationResult {
    #[serde(default)]
    pub result: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ModelResult<T> {
    #[serde(default = "Option::default")]
    pub result: Option<T>,
}

/// A recognised text with its confidence and where it was found.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    #[serde(default)]
    pub text: Option<String>,
    /// The response example writes `confidence`, the field table
    /// `confidenceScore`: both are accepted.
    #[serde(default)]
    pub confidence: Option<f32>,
    #[serde(default)]
    pub confidence_score: Option<f32>,
    #[serde(default)]
    pub bounding_poly: Option<Poly>,
    #[serde(default)]
    pub sub_bounding_polys: Vec<Poly>,
    /// Receipt fields: the normalised value (`value`, or date/time parts).
    #[serde(default)]
    pub formatted: Option<Formatted>,
}

impl Field {
    fn text(&self) -> Option<&str> {
        self.text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    fn confidence(&self) -> Option<f32> {
        self.confidence
            .or(self.confidence_score)
            .filter(|c| (0.0..=1.0).contains(c))
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Poly {
    #[serde(default)]
    pub vertices: Vec<Vertex>,
}

/// Pixel coordinates (floats are right here: they are not money).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Vertex {
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Formatted {
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub day: Option<String>,
    #[serde(default)]
    pub hour: Option<String>,
    #[serde(default)]
    pub minute: Option<String>,
    #[serde(default)]
    pub second: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreditCard {
    #[serde(default)]
    pub name: Option<Field>,
    #[serde(default)]
    pub number: Option<Field>,
    #[serde(default)]
    pub valid_thru: Option<Field>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Receipt {
    #[serde(default)]
    pub store_info: Option<StoreInfo>,
    #[serde(default)]
    pub payment_info: Option<PaymentInfo>,
    #[serde(default)]
    pub total_price: Option<TotalPrice>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    #[serde(default)]
    pub name: Option<Field>,
    #[serde(default)]
    pub sub_name: Option<Field>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentInfo {
    #[serde(default)]
    pub date: Option<Field>,
    #[serde(default)]
    pub time: Option<Field>,
    #[serde(default)]
    pub card_info: Option<CardInfo>,
    #[serde(default)]
    pub confirm_num: Option<Field>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CardInfo {
    #[serde(default)]
    pub company: Option<Field>,
    #[serde(default)]
    pub number: Option<Field>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct TotalPrice {
    #[serde(default)]
    pub price: Option<Field>,
}

pub(crate) fn interpret(body: &Body<'_>, currency: Currency) -> Result<Slip, OcrError> {
    let status = body.status.unwrap_or(200);
    if !(200..300).contains(&status) {
        return Err(status_error(body, status));
    }
    let resp: ClovaResponse = body.json()?;
    let image = resp
        .images
        .first()
        .ok_or_else(|| body.malformed("no images in the answer"))?;
    let infer = image
        .infer_result
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    if infer != "SUCCESS" {
        return Err(OcrError::ImageFailed {
            provider: P,
            image: image.name.clone().unwrap_or_default(),
            infer_result: if infer.is_empty() {
                "missing".into()
            } else {
                infer
            },
            message: image.message.clone().unwrap_or_default(),
        });
    }
    let slip = if let Some(r) = image.receipt.as_ref().and_then(|m| m.result.as_ref()) {
        receipt_slip(r, currency)?
    } else if let Some(c) = image.credit_card.as_ref().and_then(|m| m.result.as_ref()) {
        card_slip(c)
    } else {
        return Err(
            body.malformed("a successful image with neither a receipt nor a creditCard result")
        );
    };
    Ok(slip)
}

/// CLOVA's common error answers carry `code` and `message` (not in the
/// credit-card page; read when present, else the excerpt tells).
fn status_error(body: &Body<'_>, status: u16) -> OcrError {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(default)]
        code: Option<String>,
        #[serde(default)]
        message: Option<String>,
    }
    let parsed: Result<ErrorBody, _> = body.json();
    match parsed {
        Ok(e) if matches!(status, 401 | 403) => OcrError::Unauthorized {
            provider: P,
            status,
            message: e.message.unwrap_or_default(),
        },
        Ok(ErrorBody {
            code: Some(code),
            message,
        }) => OcrError::Provider {
            provider: P,
            status,
            code,
            message: message.unwrap_or_default(),
        },
        Ok(_) => body.malformed(format!("HTTP {status} without an error code")),
        Err(e) if matches!(status, 401 | 403) => OcrError::Unauthorized {
            provider: P,
            status,
            message: e.to_string(),
        },
        Err(e) => e,
    }
}

fn note(slip: &mut Slip, field: SlipField, f: &Field) {
    slip.evidence.insert(
        field,
        Evidence {
            source: FieldSource::Provider,
            confidence: f.confidence(),
        },
    );
}

/// A card photo is not a transfer slip: it names the payer and the card
/// (sender account mask). `validThru` fits no slip field and stays in the
/// raw response.
fn card_slip(c: &CreditCard) -> Slip {
    let mut slip = Slip::empty(P);
    if let Some(f) = &c.name
        && let Some(t) = f.text()
    {
        slip.sender.name = Some(t.to_string());
        note(&mut slip, SlipField::SenderName, f);
    }
    if let Some(f) = &c.number
        && let Some(t) = f.text()
    {
        slip.sender.account = Some(AccountMask::new(t));
        note(&mut slip, SlipField::SenderAccount, f);
    }
    slip
}

fn receipt_slip(r: &Receipt, currency: Currency) -> Result<Slip, OcrError> {
    let mut slip = Slip::empty(P);
    if let Some(f) = r.store_info.as_ref().and_then(|s| s.name.as_ref())
        && let Some(t) = f.text()
    {
        slip.receiver.name = Some(t.to_string());
        note(&mut slip, SlipField::ReceiverName, f);
    }
    if let Some(f) = r.total_price.as_ref().and_then(|t| t.price.as_ref()) {
        let text = f
            .formatted
            .as_ref()
            .and_then(|x| x.value.clone())
            .or_else(|| f.text().map(str::to_string));
        if let Some(text) = text {
            let digits: String = text
                .chars()
                .filter(|c| c.is_ascii_digit() || matches!(c, '.' | ','))
                .collect();
            let amount = parse_decimal(&digits).ok_or_else(|| OcrError::Field {
                provider: P,
                field: "receipt.result.totalPrice.price",
                value: text.clone(),
                reason: "not an amount".into(),
            })?;
            slip.amount = Some(
                Money::checked(amount, currency).map_err(|e| OcrError::Field {
                    provider: P,
                    field: "receipt.result.totalPrice.price",
                    value: text.clone(),
                    reason: e.to_string(),
                })?,
            );
            note(&mut slip, SlipField::Amount, f);
        }
    }
    if let Some(p) = &r.payment_info {
        if let Some(d) = &p.date
            && let Some(date) = receipt_date(d)
        {
            let time = p
                .time
                .as_ref()
                .and_then(receipt_time)
                .unwrap_or(NaiveTime::MIN);
            slip.transferred_at = FixedOffset::east_opt(RECEIPT_OFFSET_SECS)
                .and_then(|o| o.from_local_datetime(&date.and_time(time)).single());
            if slip.transferred_at.is_some() {
                note(&mut slip, SlipField::TransferredAt, d);
            }
        }
        if let Some(card) = &p.card_info {
            if let Some(f) = &card.number
                && let Some(t) = f.text()
            {
                slip.sender.account = Some(AccountMask::new(t));
                note(&mut slip, SlipField::SenderAccount, f);
            }
            if let Some(f) = &card.company
                && let Some(t) = f.text()
            {
                slip.sender.bank = Some(t.to_string());
                note(&mut slip, SlipField::SenderBank, f);
            }
        }
        if let Some(f) = &p.confirm_num
            && let Some(t) = f.text().and_then(TransRef::new)
        {
            slip.trans_ref = Some(t);
            note(&mut slip, SlipField::TransRef, f);
        }
    }
    Ok(slip)
}

fn receipt_date(f: &Field) -> Option<NaiveDate> {
    if let Some(x) = &f.formatted {
        let part = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<u32>().ok());
        if let (Some(y), Some(m), Some(d)) = (part(&x.year), part(&x.month), part(&x.day)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    let t = f.text()?;
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%d/%m/%Y"]
        .iter()
        .find_map(|fmt| NaiveDate::parse_from_str(t, fmt).ok())
}

fn receipt_time(f: &Field) -> Option<NaiveTime> {
    if let Some(x) = &f.formatted {
        let part = |s: &Option<String>| s.as_deref().and_then(|v| v.trim().parse::<u32>().ok());
        if let (Some(h), Some(m)) = (part(&x.hour), part(&x.minute)) {
            return NaiveTime::from_hms_opt(h, m, part(&x.second).unwrap_or(0));
        }
    }
    let t = f.text()?;
    ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|fmt| NaiveTime::parse_from_str(t, fmt).ok())
}

// ---------------------------------------------------------------- client

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    version: &'static str,
    request_id: String,
    timestamp: i64,
    images: Vec<ImageSpec<'a>>,
}

#[derive(Serialize)]
struct ImageSpec<'a> {
    format: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<String>,
}

/// A CLOVA OCR client for one document model; cheap to share behind an `Arc`.
pub struct ClovaClient {
    endpoint: Endpoint,
    secret: Secret,
    url: String,
    transport: ClovaTransport,
    currency: Currency,
}

impl std::fmt::Debug for ClovaClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The invoke URL carries the invoke key: not shown.
        f.debug_struct("ClovaClient")
            .field("secret", &self.secret)
            .field("transport", &self.transport)
            .finish()
    }
}

impl ClovaClient {
    pub fn from_config(config: &ClovaConfig) -> Result<ClovaClient, OcrError> {
        ClovaClient::with_credentials(config, &Credentials::Environment)
    }

    pub fn with_credentials(
        config: &ClovaConfig,
        credentials: &Credentials,
    ) -> Result<ClovaClient, OcrError> {
        let secret = credentials.key(config.api_key_file.as_deref(), &config.secret_env, P)?;
        ClovaClient::new(config, secret)
    }

    pub fn new(config: &ClovaConfig, secret: Secret) -> Result<ClovaClient, OcrError> {
        let base = config.invoke_url.trim().trim_end_matches('/');
        if base.is_empty() {
            return Err(OcrError::Config {
                provider: P,
                reason: "ocr.clova.invoke_url is not set".into(),
            });
        }
        let endpoint = Endpoint::new(
            P,
            &config.limits,
            vec![secret.expose().to_string(), base.to_string()],
        )?;
        Ok(ClovaClient {
            endpoint,
            secret,
            url: format!("{base}/document/{}", config.document.trim_matches('/')),
            transport: config.transport,
            currency: config.currency,
        })
    }

    /// The same client, its calls stopped and paced with every other
    /// client of `session` (one run).
    pub fn in_session(mut self, session: &crate::OcrSession) -> ClovaClient {
        self.endpoint = self.endpoint.in_session(session);
        self
    }

    pub fn requests(&self) -> u64 {
        self.endpoint.requests()
    }

    pub async fn read_image(&self, bytes: &[u8], file_name: &str) -> Result<Slip, OcrError> {
        let secrets = self.endpoint.secrets();
        let format = image_format(bytes).map_or("jpg", |f| f.short());
        let mime = image_format(bytes).map_or("application/octet-stream", |f| f.mime());
        let name = file_name
            .rsplit_once('.')
            .map_or(file_name, |(stem, _)| stem);
        let encoded = (self.transport == ClovaTransport::Json)
            .then(|| base64::engine::general_purpose::STANDARD.encode(bytes));
        self.endpoint
            .call(
                file_name,
                |client| {
                    let envelope = Envelope {
                        version: "V2",
                        request_id: request_id(),
                        timestamp: chrono::Utc::now().timestamp_millis(),
                        images: vec![ImageSpec {
                            format,
                            name,
                            data: encoded.clone(),
                        }],
                    };
                    let rb = client
                        .post(&self.url)
                        .header("X-OCR-SECRET", self.secret.expose());
                    match self.transport {
                        ClovaTransport::Json => rb.json(&envelope),
                        ClovaTransport::Multipart => {
                            let message = serde_json::to_string(&envelope).unwrap_or_default();
                            let part = reqwest::multipart::Part::bytes(bytes.to_vec())
                                .file_name(file_name.to_string())
                                .mime_str(mime)
                                .unwrap_or_else(|_| {
                                    reqwest::multipart::Part::bytes(bytes.to_vec())
                                        .file_name(file_name.to_string())
                                });
                            rb.multipart(
                                reqwest::multipart::Form::new()
                                    .text("message", message)
                                    .part("file", part),
                            )
                        }
                    }
                },
                |a: &Answer| {
                    interpret(
                        &Body {
                            provider: P,
                            status: Some(a.status),
                            content_type: a.content_type.as_deref(),
                            bytes: &a.body,
                            secrets: &secrets,
                        },
                        self.currency,
                    )
                    .map(|s| with_raw(s, &a.body, &secrets))
                },
            )
            .await
    }
}

/// A random request id in UUID v4 form, as the API asks.
fn request_id() -> String {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&crate::http::random_u64().to_le_bytes());
    b[8..].copy_from_slice(&crate::http::random_u64().to_le_bytes());
    let h = hex::encode(b);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_uuids_and_differ() {
        let a = request_id();
        assert_eq!(a.len(), 36);
        assert_eq!(a.matches('-').count(), 4);
        assert_ne!(a, request_id());
    }

    #[test]
    fn confidence_from_either_spelling() {
        let f: Field = serde_json::from_str(r#"{"text": "x", "confidenceScore": 0.5}"#).unwrap();
        assert_eq!(f.confidence(), Some(0.5));
        let g: Field = serde_json::from_str(r#"{"text": "x", "confidence": 0.9, "boundingPoly": {"vertices": [{"x": 1.0, "y": 2.0}]}}"#).unwrap();
        assert_eq!(g.confidence(), Some(0.9));
        assert_eq!(g.bounding_poly.unwrap().vertices[0].y, 2.0);
    }
}
